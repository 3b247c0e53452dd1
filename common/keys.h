/*
 * Ed25519 keys: generation, PEM files, key ids.  Private key files are
 * written 0600 and refused when group or others can read them, as
 * OpenSSH and OpenSMTPD refuse theirs.
 */
#ifndef EXHIBIT_KEYS_H
#define EXHIBIT_KEYS_H

#include <stddef.h>

#include <openssl/evp.h>

#define KEYS_KEYID_HEXLEN	65	/* SHA-256 in hex, NUL */

EVP_PKEY	*keys_generate(void);

/* PEM (PKCS#8 private, SubjectPublicKeyInfo public), written atomically:
 * private keys 0600, public keys 0644.  0 or -1 with errno. */
int		 keys_save_private(const char *path, EVP_PKEY *);
int		 keys_save_public(const char *path, EVP_PKEY *);

/* Load an Ed25519 key.  NULL on failure with a sentence in err; a private
 * key file readable by group or others is refused. */
EVP_PKEY	*keys_load_private(const char *path, char *err, size_t errlen);
EVP_PKEY	*keys_load_public(const char *path, char *err, size_t errlen);

/* The same from PEM text in memory (public keys sent over the wire). */
EVP_PKEY	*keys_public_from_pem(const char *pem, size_t len, char *err,
		    size_t errlen);
char		*keys_public_to_pem(EVP_PKEY *);

/* Hex SHA-256 of the public key's DER SubjectPublicKeyInfo: the DSSE
 * keyid.  Returns out. */
char		*keys_keyid(EVP_PKEY *, char out[KEYS_KEYID_HEXLEN]);

#endif
