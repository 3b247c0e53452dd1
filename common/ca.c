/*
 * Certificates with OpenSSL's X509 API.  Ed25519 signatures take no
 * digest (EVP_md_null semantics: X509_sign with a NULL md).  Serial
 * numbers are 128 random bits, as CAs do since serial prediction
 * attacks.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ca.h"
#include "digest.h"
#include "encode.h"
#include "fileio.h"
#include "log.h"
#include "xmalloc.h"

static void
ca_serial(X509 *x)
{
	unsigned char	 buf[16];
	BIGNUM		*bn;

	if (RAND_bytes(buf, sizeof(buf)) != 1)
		fatalx("ca: no randomness for a serial number");
	buf[0] &= 0x7f;		/* positive */
	if ((bn = BN_bin2bn(buf, sizeof(buf), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		fatalx("ca: cannot set a serial number");
	BN_free(bn);
}

static void
ca_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL ||
	    !X509_add_ext(x, ext, -1))
		fatalx("ca: cannot add extension %s = %s", OBJ_nid2sn(nid),
		    value);
	X509_EXTENSION_free(ext);
}

/* A certificate with the common fields set, to be completed. */
static X509 *
ca_new_cert(EVP_PKEY *subjectkey, const char *cn, long seconds)
{
	X509		*x;
	X509_NAME	*name;

	if ((x = X509_new()) == NULL || !X509_set_version(x, 2))
		fatalx("ca: out of memory");
	ca_serial(x);
	/* Backdated a little so that clocks slightly behind accept it. */
	if (X509_gmtime_adj(X509_getm_notBefore(x), -300) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), seconds) == NULL ||
	    !X509_set_pubkey(x, subjectkey))
		fatalx("ca: cannot set validity or key");
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Exhibit", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0))
		fatalx("ca: cannot set the subject");
	return x;
}

static void
ca_sign(X509 *x, X509 *issuer, EVP_PKEY *key)
{
	if (!X509_set_issuer_name(x, X509_get_subject_name(issuer)))
		fatalx("ca: cannot set the issuer");
	ca_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer != x)
		ca_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (X509_sign(x, key, NULL) == 0)
		fatalx("ca: signing failed");
}

X509 *
ca_create(EVP_PKEY *key, const char *name, int days)
{
	X509	*x;

	x = ca_new_cert(key, name, (long)days * 86400);
	ca_ext(x, x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
	ca_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	ca_sign(x, x, key);
	return x;
}

X509 *
ca_issue_client(X509 *ca, EVP_PKEY *cakey, EVP_PKEY *agentkey,
    const char *agent_id, long seconds)
{
	X509	*x;

	x = ca_new_cert(agentkey, agent_id, seconds);
	ca_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE");
	ca_ext(x, ca, NID_key_usage, "critical,digitalSignature");
	ca_ext(x, ca, NID_ext_key_usage, "clientAuth");
	ca_sign(x, ca, cakey);
	return x;
}

X509 *
ca_issue_server(X509 *ca, EVP_PKEY *cakey, EVP_PKEY *key,
    const char *const *sans, size_t nsans, int days)
{
	unsigned char	 addr[16];
	X509		*x;
	char		*list, *t;
	size_t		 i;
	int		 ip;

	x = ca_new_cert(key, nsans > 0 ? sans[0] : "exhibitd",
	    (long)days * 86400);
	ca_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE");
	ca_ext(x, ca, NID_key_usage, "critical,digitalSignature");
	ca_ext(x, ca, NID_ext_key_usage, "serverAuth");
	list = xstrdup("");
	for (i = 0; i < nsans; i++) {
		ip = inet_pton(AF_INET, sans[i], addr) == 1 ||
		    inet_pton(AF_INET6, sans[i], addr) == 1;
		t = xasprintf("%s%s%s:%s", list, i ? "," : "",
		    ip ? "IP" : "DNS", sans[i]);
		free(list);
		list = t;
	}
	if (nsans > 0)
		ca_ext(x, ca, NID_subject_alt_name, list);
	free(list);
	ca_sign(x, ca, cakey);
	return x;
}

int
ca_verify(X509 *ca, X509 *cert, time_t now, char *err, size_t errlen)
{
	X509_STORE	*store;
	X509_STORE_CTX	*ctx;
	int		 ok;

	if ((store = X509_STORE_new()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_add_cert(store, ca) ||
	    !X509_STORE_CTX_init(ctx, store, cert, NULL))
		fatalx("ca_verify: out of memory");
	X509_STORE_CTX_set_time(ctx, 0, now);
	ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		snprintf(err, errlen, "certificate not valid: %s",
		    X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok ? 0 : -1;
}

char *
ca_cert_agent_id(X509 *cert)
{
	char	buf[256];
	int	n;

	n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
	    NID_commonName, buf, sizeof(buf));
	if (n <= 0 || (size_t)n >= sizeof(buf) - 1)
		return NULL;
	return xstrdup(buf);
}

char *
ca_cert_to_pem(X509 *x)
{
	BIO	*bio;
	BUF_MEM	*mem;
	char	*s;

	if ((bio = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(bio, x))
		fatalx("ca_cert_to_pem: cannot serialise");
	BIO_get_mem_ptr(bio, &mem);
	s = xstrndup(mem->data, mem->length);
	BIO_free(bio);
	return s;
}

int
ca_cert_save(const char *path, X509 *x)
{
	char	*pem = ca_cert_to_pem(x);
	int	 rc;

	rc = fileio_write_atomic(path, pem, strlen(pem), 0644);
	free(pem);
	return rc;
}

X509 *
ca_cert_from_pem(const char *pem, size_t len)
{
	BIO	*bio;
	X509	*x;

	if (len > 64 * 1024 || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return x;
}

X509 *
ca_cert_load(const char *path, char *err, size_t errlen)
{
	X509	*x;
	char	*buf;
	size_t	 len;

	if (fileio_read_path(path, 64 * 1024, &buf, &len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((x = ca_cert_from_pem(buf, len)) == NULL)
		snprintf(err, errlen, "%s: not a PEM certificate", path);
	free(buf);
	return x;
}

char *
ca_fingerprint(X509 *x, char out[CA_FINGERPRINT_LEN])
{
	unsigned char	*der = NULL;
	char		 hex[DIGEST_SHA256_HEXLEN];
	int		 len;

	if ((len = i2d_X509(x, &der)) <= 0)
		fatalx("ca_fingerprint: cannot encode");
	digest_sha256_hex(der, (size_t)len, hex);
	OPENSSL_free(der);
	snprintf(out, CA_FINGERPRINT_LEN, "sha256:%s", hex);
	return out;
}
