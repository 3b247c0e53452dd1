/*
 * The daemon's ingest pipeline on arbitrary payloads, correctly signed by
 * the enrolled agent so that the schema checks, section digests and
 * reference lookups are reached: never crashes or leaks, and never stores
 * anything that ingest refused.  Each input runs in a batch that is
 * rolled back, so the store stays empty.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "ingest.h"
#include "keys.h"
#include "store.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct store		*st;
static EVP_PKEY			*key;
static struct store_agent	 agent;

static void
fuzz_init(void)
{
	char	dir[] = "/tmp/fuzz-ingest.XXXXXX", err[256];

	if (mkdtemp(dir) == NULL || (st = store_open(dir, err,
	    sizeof(err))) == NULL)
		abort();
	key = keys_generate();
	snprintf(agent.id, sizeof(agent.id), "ag_fuzz");
	keys_keyid(key, agent.keyid);
	agent.pubkey_pem = keys_public_to_pem(key);
	snprintf(agent.hostname, sizeof(agent.hostname), "fuzz");
	snprintf(agent.token_id, sizeof(agent.token_id), "tk_fuzz");
	if (store_agent_add(st, &agent) != STORE_OK)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_result	 r;
	char			*env;

	if (st == NULL)
		fuzz_init();
	env = envelope_sign(key, ENVELOPE_EVIDENCE_TYPE, data, size);
	if (store_batch_begin(st) != STORE_OK)
		abort();
	ingest_evidence(st, NULL, &agent, env, strlen(env), 1795000000, 300,
	    "fuzz", &r);
	if (r.error == NULL && r.status != 201 && r.status != 200)
		abort();
	if (r.error != NULL && r.message[0] == '\0')
		abort();
	store_batch_rollback(st);
	free(env);
	return 0;
}
