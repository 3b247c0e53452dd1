/*
 * SHA-256, the one digest Exhibit uses: evidence sources and sections,
 * key ids, envelope hashes in the ledger.
 */
#ifndef EXHIBIT_DIGEST_H
#define EXHIBIT_DIGEST_H

#include <stddef.h>

#define DIGEST_SHA256_LEN	32
#define DIGEST_SHA256_HEXLEN	(2 * DIGEST_SHA256_LEN + 1)

/* SHA-256 fetched once: OpenSSL 3 looks an algorithm up again on every
 * EVP_sha256() one-shot, and verifying bundles is hashing bound. */
struct evp_md_st;
const struct evp_md_st *digest_sha256_md(void);

void	digest_sha256(const void *, size_t, unsigned char out[DIGEST_SHA256_LEN]);

/* Lowercase hex of the SHA-256 of data into out.  Returns out. */
char	*digest_sha256_hex(const void *, size_t, char out[DIGEST_SHA256_HEXLEN]);

#endif
