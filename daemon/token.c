/*
 * Token secrets and random identifiers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "digest.h"
#include "encode.h"
#include "log.h"
#include "token.h"
#include "xmalloc.h"

char *
token_generate(unsigned char hash[STORE_HASH_LEN])
{
	unsigned char	 raw[TOKEN_BYTES];
	char		*b64, *text;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		fatalx("token_generate: no randomness");
	digest_sha256(raw, sizeof(raw), hash);
	b64 = base64_encode(raw, sizeof(raw), BASE64_URL);
	text = xasprintf("%s%s", TOKEN_PREFIX, b64);
	OPENSSL_cleanse(raw, sizeof(raw));
	free(b64);
	return text;
}

int
token_hash(const char *text, unsigned char hash[STORE_HASH_LEN])
{
	unsigned char	*raw;
	size_t		 len, plen = strlen(TOKEN_PREFIX);

	if (strncmp(text, TOKEN_PREFIX, plen) != 0)
		return -1;
	text += plen;
	if (base64_decode(text, strlen(text), &raw, &len) == -1)
		return -1;
	if (len != TOKEN_BYTES) {
		free(raw);
		return -1;
	}
	digest_sha256(raw, len, hash);
	OPENSSL_cleanse(raw, len);
	free(raw);
	return 0;
}

void
token_random_id(const char *prefix, size_t n, char *out, size_t size)
{
	static const char	 alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
	unsigned char		 r[64];
	size_t			 i, plen = strlen(prefix);

	if (n > sizeof(r) || plen + n + 1 > size)
		fatalx("token_random_id: %zu characters do not fit", n);
	if (RAND_bytes(r, (int)n) != 1)
		fatalx("token_random_id: no randomness");
	memcpy(out, prefix, plen);
	for (i = 0; i < n; i++)
		out[plen + i] = alphabet[r[i] & 31];
	out[plen + n] = '\0';
}
