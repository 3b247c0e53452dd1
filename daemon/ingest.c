/*
 * The ingest pipeline for one envelope, in the order doc/protocol.md
 * gives: signature before the payload is parsed, schema before anything
 * in it is believed, replay rules before storing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "envelope.h"
#include "ingest.h"
#include "jsonutil.h"
#include "keys.h"
#include "log.h"
#include "schema.h"
#include "timefmt.h"
#include "xmalloc.h"

static void
ingest_refuse(struct ingest_result *r, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
ingest_refuse(struct ingest_result *r, int status, const char *code,
    const char *fmt, ...)
{
	va_list	ap;

	r->status = status;
	r->error = code;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

/* The sections of doc, checked against their digests or resolved as
 * references.  0, or -1 with the refusal in r. */
static int
ingest_sections(struct store *st, const struct store_agent *agent,
    struct json_object *sections, struct store_section *out, size_t *n,
    struct json_object **holders, struct ingest_result *r)
{
	struct json_object	*since;
	const char		*body, *digest;
	char			 hex[DIGEST_SHA256_HEXLEN];
	enum store_status	 ss;

	*n = 0;
	json_object_object_foreach(sections, name, sec) {
		(void)jsonutil_get_string(sec, "digest", &digest);
		out[*n].name = name;
		out[*n].digest = digest;
		if (json_object_object_get_ex(sec, "unchanged_since", &since)) {
			ss = store_section_known(st, agent->id, name, digest);
			if (ss == STORE_NOT_FOUND) {
				ingest_refuse(r, 400, "unknown_reference",
				    "section %s refers to %s, which this agent "
				    "never stored; send the document in full",
				    name, digest);
				return -1;
			}
			if (ss != STORE_OK)
				goto busy;
			out[*n].body = NULL;
			out[*n].len = 0;
		} else {
			body = schema_section_body(sec, &holders[*n]);
			digest_sha256_hex(body, strlen(body), hex);
			if (strcmp(digest + 7, hex) != 0) {
				ingest_refuse(r, 400, "schema", "$.sections.%s."
				    "digest: does not match the section's "
				    "sources and data (sha256:%s)", name, hex);
				return -1;
			}
			out[*n].body = body;
			out[*n].len = strlen(body);
		}
		(*n)++;
	}
	return 0;
busy:
	ingest_refuse(r, 503, "busy", "the store failed; retry later");
	return -1;
}

/* Everything after the signature: the payload is the agent's own. */
static void
ingest_document(struct store *st, const struct store_agent *agent,
    const char *body, size_t len, struct json_object *doc, time_t now,
    long long max_skew, const char *peer, struct ingest_result *r)
{
	struct store_section	 secs[SCHEMA_MAX_SECTIONS];
	struct json_object	*holders[SCHEMA_MAX_SECTIONS] = { 0 };
	struct json_object	*host, *sections;
	struct store_evidence	 ev;
	struct store_receipt	 old;
	const char		*s;
	char			 digest[STORE_DIGEST_LEN], err[256];
	enum store_status	 ss;
	size_t			 i, n = 0;

	if (schema_check_evidence(doc, err, sizeof(err)) == -1) {
		ingest_refuse(r, 400, "schema", "%s", err);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	(void)jsonutil_get_string(doc, "agent_id", &s);
	if (strcmp(s, agent->id) != 0) {
		ingest_refuse(r, 400, "schema", "$.agent_id: \"%.64s\" is not "
		    "the agent named by the client certificate (%s)", s,
		    agent->id);
		return;
	}
	ev.agent_id = agent->id;
	(void)jsonutil_get_int64(doc, "seq", &ev.seq);
	memcpy(digest, "sha256:", 7);
	digest_sha256_hex(body, len, digest + 7);

	/* Replay: the same seq is fine only with the very same bytes. */
	ss = store_evidence_find(st, agent->id, ev.seq, &old);
	if (ss == STORE_OK) {
		if (strcmp(old.digest, digest) == 0) {
			r->status = 200;
			r->receipt = old;
			return;
		}
		ingest_refuse(r, 409, "seq_conflict", "seq %lld was already "
		    "stored with other content (%s)", (long long)ev.seq,
		    old.digest);
		(void)store_security_event(st, now, agent->id, "seq_conflict",
		    peer, r->message);
		return;
	}
	if (ss != STORE_NOT_FOUND)
		goto busy;

	(void)jsonutil_get_string(doc, "collected_at", &s);
	(void)timefmt_parse_rfc3339(s, &ev.collected_at);
	if (ev.collected_at > now + max_skew) {
		ingest_refuse(r, 400, "clock_skew", "collected_at %s is %lld "
		    "seconds ahead of the daemon's clock (at most %lld "
		    "allowed)", s, (long long)(ev.collected_at - now),
		    max_skew);
		return;
	}

	(void)jsonutil_get_object(doc, "sections", &sections);
	if (ingest_sections(st, agent, sections, secs, &n, holders, r) == -1)
		goto out;

	(void)jsonutil_get_object(doc, "host", &host);
	(void)jsonutil_get_string(host, "hostname", &ev.hostname);
	/* One host per machine id; an agent without one is its own host. */
	if (jsonutil_get_string(host, "machine_id", &ev.machine_id) == -1 ||
	    ev.machine_id[0] == '\0')
		ev.machine_id = agent->id;
	ev.received_at = now;
	ev.digest = digest;
	ev.envelope = body;
	ev.envelope_len = len;
	ev.sections = secs;
	ev.nsections = n;
	switch (store_evidence_add(st, &ev, &r->receipt)) {
	case STORE_OK:
		r->status = 201;
		break;
	case STORE_EXISTS:
		ingest_refuse(r, 409, "seq_conflict", "seq %lld was already "
		    "stored", (long long)ev.seq);
		break;
	default:
		goto busy;
	}
	goto out;
busy:
	ingest_refuse(r, 503, "busy", "the store failed; retry later");
out:
	for (i = 0; i < SCHEMA_MAX_SECTIONS; i++)
		json_object_put(holders[i]);
}

void
ingest_evidence(struct store *st, const struct store_agent *agent,
    const char *body, size_t len, time_t now, long long max_skew,
    const char *peer, struct ingest_result *r)
{
	struct json_object	*doc;
	EVP_PKEY		*key;
	unsigned char		*payload = NULL;
	size_t			 plen;
	char			 err[256];

	memset(r, 0, sizeof(*r));
	if ((key = keys_public_from_pem(agent->pubkey_pem,
	    strlen(agent->pubkey_pem), err, sizeof(err))) == NULL) {
		log_warnx("agent %s: stored public key: %s", agent->id, err);
		ingest_refuse(r, 503, "busy", "the agent's key cannot be "
		    "loaded; retry later");
		return;
	}
	switch (envelope_verify(body, len, key, ENVELOPE_EVIDENCE_TYPE,
	    &payload, &plen, err, sizeof(err))) {
	case ENVELOPE_OK:
		break;
	case ENVELOPE_UNKNOWN_KEY:
		ingest_refuse(r, 403, "key_mismatch", "the envelope is not "
		    "signed by the key enrolled for agent %s", agent->id);
		goto out;
	case ENVELOPE_BAD_SIGNATURE:
		ingest_refuse(r, 401, "bad_signature", "%s", err);
		(void)store_security_event(st, now, agent->id,
		    "bad_signature", peer, err);
		goto out;
	default:
		ingest_refuse(r, 400, "bad_envelope", "%s", err);
		goto out;
	}
	if ((doc = jsonutil_parse((const char *)payload, plen, err,
	    sizeof(err))) == NULL) {
		ingest_refuse(r, 400, "schema", "$: the payload is not JSON: "
		    "%s", err);
		goto out;
	}
	ingest_document(st, agent, body, len, doc, now, max_skew, peer, r);
	json_object_put(doc);
out:
	free(payload);
	EVP_PKEY_free(key);
}
