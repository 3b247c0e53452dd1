/*
 * SHA-256 through OpenSSL's EVP one-shot interface.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <openssl/evp.h>

#include "digest.h"
#include "encode.h"
#include "log.h"

void
digest_sha256(const void *data, size_t len, unsigned char out[DIGEST_SHA256_LEN])
{
	unsigned int	outlen = 0;

	if (EVP_Digest(data, len, out, &outlen, EVP_sha256(), NULL) != 1 ||
	    outlen != DIGEST_SHA256_LEN)
		fatalx("digest_sha256: EVP_Digest failed");
}

char *
digest_sha256_hex(const void *data, size_t len, char out[DIGEST_SHA256_HEXLEN])
{
	unsigned char	md[DIGEST_SHA256_LEN];

	digest_sha256(data, len, md);
	return hex_encode_buf(md, sizeof(md), out);
}
