/*
 * envelope_verify on arbitrary bytes with a fixed key: never crashes or
 * leaks, and never accepts, since the fuzzer cannot forge Ed25519.  Half
 * the inputs are wrapped as a correctly signed envelope's payload to reach
 * the success path too.  Wherever the one-pass envelope reader reads a
 * text, json-c must read the same members in it: the raw input, and the
 * input cut in four and put in an envelope's four strings.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "envelope-read.h"
#include "xmalloc.h"
#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static EVP_PKEY	*key;

static int
same(const struct envelope_span *a, const struct envelope_span *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static void
readers_agree(const char *text, size_t len)
{
	struct envelope_fields	 a, b;
	char			 err[256];
	size_t			 i;

	if (envelope_read_simple(text, len, &a) != 0)
		return;
	if (envelope_read_json(text, len, &b, err, sizeof(err)) != 0 ||
	    a.has_type != b.has_type || a.has_payload != b.has_payload ||
	    a.has_sigs != b.has_sigs || a.nsigs != b.nsigs ||
	    !same(&a.type, &b.type) || !same(&a.payload, &b.payload))
		abort();
	for (i = 0; i < a.nsigs; i++)
		if (a.sigs[i].has_keyid != b.sigs[i].has_keyid ||
		    a.sigs[i].has_sig != b.sigs[i].has_sig ||
		    !same(&a.sigs[i].keyid, &b.sigs[i].keyid) ||
		    !same(&a.sigs[i].sig, &b.sigs[i].sig))
			abort();
	envelope_read_clear(&b);
}

static void
readers_agree_spliced(const uint8_t *data, size_t size)
{
	size_t	q = size / 4;
	char	*text;

	text = xasprintf("{\"payloadType\":\"%.*s\",\"payload\":\"%.*s\","
	    "\"signatures\":[{\"keyid\":\"%.*s\",\"sig\":\"%.*s\"}]}",
	    (int)q, data, (int)q, data + q, (int)q, data + 2 * q,
	    (int)(size - 3 * q), data + 3 * q);
	readers_agree(text, strlen(text));
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	*payload;
	size_t		 len;
	char		 err[256], *env;

	if (key == NULL)
		key = keys_generate();
	readers_agree((const char *)data, size);
	readers_agree_spliced(data, size);
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
