/*
 * POST /v1/evidence: transport checks here, the rest in ingest.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>

#include "daemon-conf.h"
#include "http.h"
#include "ingest.h"
#include "jsonutil.h"
#include "log.h"

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

void
http_evidence(struct http_req *hr)
{
	struct ingest_result	 r;
	struct json_object	*body;
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
	if (http_batch(hr) == -1)
		return;
	ingest_evidence(hr->store, hr->keys, &hr->agent, hr->body, hr->len,
	    hr->now, hr->conf->max_clock_skew, hr->peer, &r);
	if (r.error != NULL) {
		http_refuse(hr, r.status, r.error, "%s", r.message);
		return;
	}
	body = json_object_new_object();
	jsonutil_set_int64(body, "evidence_id", r.receipt.evidence_id);
	jsonutil_set_int64(body, "seq", r.receipt.seq);
	jsonutil_set_string(body, "digest", r.receipt.digest);
	log_debug("%s agent %s: seq %lld %s as evidence %lld", hr->peer,
	    hr->agent.id, (long long)r.receipt.seq,
	    r.status == 201 ? "stored" : "already stored",
	    (long long)r.receipt.evidence_id);
	http_reply_durable(hr, r.status, body);
}
