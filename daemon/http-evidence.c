/*
 * POST /v1/evidence: transport checks here, the rest in ingest.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>

#include "daemon-conf.h"
#include "http.h"
#include "ingest.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The media type without parameters is one we take. */
static int
http_evidence_type_ok(const char *ct)
{
	static const char *const ok[] = {
		"application/vnd.dsse.envelope+json", "application/json",
	};
	size_t	i, n;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (n == strlen(ok[i]) && strncasecmp(ct, ok[i], n) == 0)
			return 1;
	return 0;
}

/* One envelope on its way through a worker and back. */
struct evidence_job {
	struct http_req		 hr;	/* a copy: owns the agent's key PEM */
	EVP_PKEY		*key;
	struct ingest_doc	*doc;
	struct ingest_result	 r;
};

/* On a worker: everything that needs no store. */
static void
evidence_work(void *arg)
{
	struct evidence_job	*j = arg;

	j->doc = ingest_check(j->key, j->hr.agent.keyid, j->hr.agent.id,
	    j->hr.body, j->hr.len, &j->r);
}

/* Back on the loop: the store's half and the reply. */
static void
evidence_done(void *arg)
{
	struct evidence_job	*j = arg;
	struct http_req		*hr = &j->hr;
	struct json_object	*body;

	hr->now = timefmt_now();
	if (j->doc == NULL) {
		ingest_note_refusal(hr->store, hr->agent.id, &j->r, hr->now,
		    hr->peer);
		http_refuse(hr, j->r.status, j->r.error, "%s", j->r.message);
		goto out;
	}
	if (http_batch(hr) == -1)
		goto out;
	ingest_store(hr->store, hr->agent.id, j->doc, hr->now,
	    hr->conf->max_clock_skew, hr->peer, &j->r);
	if (j->r.error != NULL) {
		http_refuse(hr, j->r.status, j->r.error, "%s", j->r.message);
		goto out;
	}
	body = json_object_new_object();
	jsonutil_set_int64(body, "evidence_id", j->r.receipt.evidence_id);
	jsonutil_set_int64(body, "seq", j->r.receipt.seq);
	jsonutil_set_string(body, "digest", j->r.receipt.digest);
	jsonutil_set_int64(body, "leaf_index", j->r.receipt.leaf_index);
	log_debug("%s agent %s: seq %lld %s as evidence %lld", hr->peer,
	    hr->agent.id, (long long)j->r.receipt.seq,
	    j->r.status == 201 ? "stored" : "already stored",
	    (long long)j->r.receipt.evidence_id);
	if (j->r.status == 201)
		http_stored(hr, j->r.receipt.evidence_id);
	http_reply_durable(hr, j->r.status, body);
out:
	ingest_doc_free(j->doc);
	EVP_PKEY_free(j->key);
	store_agent_clear(&hr->agent);
	free(j);
}

void
http_evidence(struct http_req *hr)
{
	struct evidence_job	*j;
	struct ingest_result	 r;
	EVP_PKEY		*key;
	const char		*ct;

	if (http_agent_auth(hr) == -1)
		return;
	if (hr->len > hr->conf->max_body_size) {
		http_refuse(hr, 413, "too_large", "the envelope is %zu bytes; "
		    "the limit is %llu", hr->len,
		    (unsigned long long)hr->conf->max_body_size);
		return;
	}
	ct = evhttp_find_header(evhttp_request_get_input_headers(hr->req),
	    "Content-Type");
	if (!http_evidence_type_ok(ct)) {
		http_refuse(hr, 415, "unsupported_media_type", "evidence is "
		    "sent as application/vnd.dsse.envelope+json, not %.64s",
		    ct != NULL ? ct : "without a Content-Type");
		return;
	}
	if ((key = ingest_agent_key(hr->keys, &hr->agent, &r)) == NULL) {
		http_refuse(hr, r.status, r.error, "%s", r.message);
		return;
	}
	/*
	 * The signature check and parsing run on a worker thread; the
	 * request waits, unanswered, until the job comes back.  Its body
	 * stays in the request's buffer: evhttp frees a request only after
	 * it is answered, even when the client has gone meanwhile.
	 */
	j = xcalloc(1, sizeof(*j));
	j->hr = *hr;
	hr->agent.pubkey_pem = NULL;	/* the job's now */
	j->key = key;
	http_submit(hr, evidence_work, evidence_done, j);
}
