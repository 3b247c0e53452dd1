/*
 * Bearer and enrollment tokens: 32 random bytes, shown to people once as
 * "exh_" + URL-safe base64, stored only as their SHA-256.
 */
#ifndef EXHIBIT_TOKEN_H
#define EXHIBIT_TOKEN_H

#include "store.h"

#define TOKEN_BYTES	32
#define TOKEN_PREFIX	"exh_"

/* A new secret: its text (allocated) and the hash to store. */
char	*token_generate(unsigned char hash[STORE_HASH_LEN]);

/* The hash of a token's text; -1 when the text is not a token. */
int	 token_hash(const char *text, unsigned char hash[STORE_HASH_LEN]);

/* A random public identifier: prefix + n lowercase base32 characters. */
void	 token_random_id(const char *prefix, size_t n, char *out, size_t size);

#endif
