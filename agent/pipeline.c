/*
 * The seq is stored before the envelope that carries it is signed: a
 * crash after signing can lose the envelope, never make the agent sign
 * two documents with one seq (which the daemon must treat as an attack).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "agent-state.h"
#include "envelope.h"
#include "evidence.h"
#include "log.h"
#include "pipeline.h"
#include "spool.h"

int
pipeline_produce(struct agent_state *st, struct hostroot *root, EVP_PKEY *key,
    struct spool *sp, uint64_t max_size, struct pipeline_result *res)
{
	struct evidence_head	 eh;
	char			*doc;
	uint64_t		 seq;

	memset(res, 0, sizeof(*res));
	memset(&eh, 0, sizeof(eh));
	eh.agent_id = agent_state_agent_id(st);
	if (eh.agent_id == NULL) {
		log_warnx("pipeline: not enrolled");
		return -1;
	}
	eh.seq = agent_state_seq(st) + 1;
	eh.acked = agent_state_acked;
	eh.full = agent_state_cache_put;
	eh.arg = st;
	doc = evidence_build(root, NULL, 0, &eh);
	res->nfull = eh.nfull;
	res->nrefs = eh.nrefs;
	if (sp != NULL && spool_bytes(sp) >= max_size && eh.nfull > 0) {
		log_warnx("spool full (%" PRIu64 " bytes in %zu envelopes, "
		    "limit %" PRIu64 "): this collection changed %zu "
		    "section(s) and is NOT kept; only unchanged documents are "
		    "spooled until exhibitd accepts the backlog",
		    spool_bytes(sp), spool_count(sp), max_size, eh.nfull);
		free(doc);
		return 0;
	}
	if (agent_state_next_seq(st, &seq) == -1) {
		log_warn("pipeline: storing seq %" PRIu64, eh.seq);
		free(doc);
		return -1;
	}
	if (seq != eh.seq)
		fatalx("pipeline: seq %" PRIu64 " stored, %" PRIu64 " built",
		    seq, eh.seq);
	res->seq = seq;
	res->envelope = envelope_sign(key, ENVELOPE_EVIDENCE_TYPE, doc,
	    strlen(doc));
	free(doc);
	if (sp != NULL) {
		if (spool_put(sp, seq, res->envelope,
		    strlen(res->envelope)) == -1) {
			log_warn("pipeline: spooling seq %" PRIu64, seq);
			return -1;
		}
		res->spooled = 1;
	}
	return 0;
}

void
pipeline_result_free(struct pipeline_result *res)
{
	free(res->envelope);
	memset(res, 0, sizeof(*res));
}
