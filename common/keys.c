/*
 * Ed25519 key handling over OpenSSL 3's EVP interface.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "digest.h"
#include "fileio.h"
#include "keys.h"
#include "log.h"
#include "xmalloc.h"

EVP_PKEY *
keys_generate(void)
{
	EVP_PKEY	*pkey;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL)
		fatalx("keys_generate: Ed25519 key generation failed");
	return pkey;
}

/* Serialise with a PEM writer into memory, then write atomically. */
static int
keys_save(const char *path, EVP_PKEY *pkey, int private, mode_t mode)
{
	BIO	*bio;
	BUF_MEM	*mem;
	int	 ok, rc, saved;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		fatalx("keys_save: out of memory");
	ok = private ? PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0,
	    NULL, NULL) : PEM_write_bio_PUBKEY(bio, pkey);
	if (!ok) {
		BIO_free(bio);
		errno = EINVAL;
		return -1;
	}
	BIO_get_mem_ptr(bio, &mem);
	rc = fileio_write_atomic(path, mem->data, mem->length, mode);
	saved = errno;
	/* The buffer held a private key: wipe it before it is freed. */
	OPENSSL_cleanse(mem->data, mem->length);
	BIO_free(bio);
	errno = saved;
	return rc;
}

int
keys_save_private(const char *path, EVP_PKEY *pkey)
{
	return keys_save(path, pkey, 1, 0600);
}

int
keys_save_public(const char *path, EVP_PKEY *pkey)
{
	return keys_save(path, pkey, 0, 0644);
}

static EVP_PKEY *
keys_check_type(EVP_PKEY *pkey, const char *what, char *err, size_t errlen)
{
	if (pkey == NULL) {
		snprintf(err, errlen, "%s: not a PEM key", what);
		ERR_clear_error();
		return NULL;
	}
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		snprintf(err, errlen, "%s: not an Ed25519 key", what);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

EVP_PKEY *
keys_load_private(const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	EVP_PKEY	*pkey;
	BIO		*bio;
	char		*buf;
	size_t		 len;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	/* Like check_file_secrecy(): a readable secret is a leaked one. */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "%s: private key is accessible by group "
		    "or others (mode %04o); chmod 600 it", path,
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		return NULL;
	}
	if (fileio_read_fd(fd, 64 * 1024, &buf, &len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	close(fd);
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		fatalx("keys_load_private: out of memory");
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	freezero(buf, len);
	return keys_check_type(pkey, path, err, errlen);
}

EVP_PKEY *
keys_public_from_pem(const char *pem, size_t len, char *err, size_t errlen)
{
	EVP_PKEY	*pkey;
	BIO		*bio;

	if (len > 64 * 1024) {
		snprintf(err, errlen, "public key: too large");
		return NULL;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		fatalx("keys_public_from_pem: out of memory");
	pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return keys_check_type(pkey, "public key", err, errlen);
}

EVP_PKEY *
keys_load_public(const char *path, char *err, size_t errlen)
{
	EVP_PKEY	*pkey;
	char		*buf;
	size_t		 len;

	if (fileio_read_path(path, 64 * 1024, &buf, &len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	pkey = keys_public_from_pem(buf, len, err, errlen);
	free(buf);
	return pkey;
}

char *
keys_public_to_pem(EVP_PKEY *pkey)
{
	BIO	*bio;
	BUF_MEM	*mem;
	char	*s;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PUBKEY(bio, pkey))
		fatalx("keys_public_to_pem: cannot serialise");
	BIO_get_mem_ptr(bio, &mem);
	s = xstrndup(mem->data, mem->length);
	BIO_free(bio);
	return s;
}

char *
keys_keyid(EVP_PKEY *pkey, char out[KEYS_KEYID_HEXLEN])
{
	unsigned char	*der = NULL;
	int		 len;

	if ((len = i2d_PUBKEY(pkey, &der)) <= 0)
		fatalx("keys_keyid: cannot encode the public key");
	digest_sha256_hex(der, (size_t)len, out);
	OPENSSL_free(der);
	return out;
}
