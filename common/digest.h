/*
 * SHA-256, the one digest Exhibit uses: evidence sources and sections,
 * key ids, envelope hashes in the ledger.
 */
#ifndef EXHIBIT_DIGEST_H
#define EXHIBIT_DIGEST_H

#include <stddef.h>

#define DIGEST_SHA256_LEN	32
#define DIGEST_SHA256_HEXLEN	(2 * DIGEST_SHA256_LEN + 1)

void	digest_sha256(const void *, size_t, unsigned char out[DIGEST_SHA256_LEN]);

/* Lowercase hex of the SHA-256 of data into out.  Returns out. */
char	*digest_sha256_hex(const void *, size_t, char out[DIGEST_SHA256_HEXLEN]);

#endif
