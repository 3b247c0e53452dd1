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

const EVP_MD *
digest_sha256_md(void)
{
	static EVP_MD	*md;
	EVP_MD		*m, *expected = NULL;

	if ((m = __atomic_load_n(&md, __ATOMIC_ACQUIRE)) != NULL)
		return m;
	if ((m = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		fatalx("SHA-256 is not available");
	/* Another thread may have been first: keep its. */
	if (!__atomic_compare_exchange_n(&md, &expected, m, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		EVP_MD_free(m);
		m = expected;
	}
	return m;
}

void
digest_sha256(const void *data, size_t len, unsigned char out[DIGEST_SHA256_LEN])
{
	unsigned int	outlen = 0;

	if (EVP_Digest(data, len, out, &outlen, digest_sha256_md(), NULL) != 1 ||
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
