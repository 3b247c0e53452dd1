/*
 * envelope_verify on arbitrary bytes with a fixed key: never crashes or
 * leaks, and never accepts, since the fuzzer cannot forge Ed25519.  Half
 * the inputs are wrapped as a correctly signed envelope's payload to reach
 * the success path too.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static EVP_PKEY	*key;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	*payload;
	size_t		 len;
	char		 err[256], *env;

	if (key == NULL)
		key = keys_generate();
	if (envelope_verify((const char *)data, size, key,
	    ENVELOPE_EVIDENCE_TYPE, &payload, &len, err, sizeof(err)) ==
	    ENVELOPE_OK)
		abort();
	if (size > 0 && data[0] & 1) {
		env = envelope_sign(key, ENVELOPE_EVIDENCE_TYPE, data, size);
		if (envelope_verify(env, strlen(env), key,
		    ENVELOPE_EVIDENCE_TYPE, &payload, &len, err,
		    sizeof(err)) != ENVELOPE_OK || len != size ||
		    memcmp(payload, data, size) != 0)
			abort();
		free(payload);
		free(env);
	}
	return 0;
}
