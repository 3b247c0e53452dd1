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

#define KEYS_BUCKETS	4096
#define KEYS_MAX	(64 * 1024)	/* then start over */

struct key_entry {
	struct key_entry	*next;
	char			 id[40];
	char			 keyid[KEYS_KEYID_HEXLEN];
	EVP_PKEY		*key;
};

struct ingest_keys {
	struct key_entry	*bucket[KEYS_BUCKETS];
	size_t			 n;
};

struct ingest_keys *
ingest_keys_new(void)
{
	return xcalloc(1, sizeof(struct ingest_keys));
}

static void
ingest_keys_clear(struct ingest_keys *k)
{
	struct key_entry	*e, *next;
	size_t			 i;

	for (i = 0; i < KEYS_BUCKETS; i++) {
		for (e = k->bucket[i]; e != NULL; e = next) {
			next = e->next;
			EVP_PKEY_free(e->key);
			free(e);
		}
		k->bucket[i] = NULL;
	}
	k->n = 0;
}

void
ingest_keys_free(struct ingest_keys *k)
{
	if (k == NULL)
		return;
	ingest_keys_clear(k);
	free(k);
}

static size_t
ingest_keys_hash(const char *s)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % KEYS_BUCKETS;
}

/* The agent's parsed key: from the cache while the enrolled keyid is
 * the one cached, else parsed (and cached).  NULL, with err, when the
 * stored key does not parse. */
static EVP_PKEY *
ingest_key(struct ingest_keys *k, const struct store_agent *agent,
    int *owned, char *err, size_t errlen)
{
	struct key_entry	*e, **pp;
	EVP_PKEY		*key;

	*owned = k == NULL;
	if (k != NULL) {
		pp = &k->bucket[ingest_keys_hash(agent->id)];
		for (e = *pp; e != NULL; e = e->next)
			if (strcmp(e->id, agent->id) == 0 &&
			    strcmp(e->keyid, agent->keyid) == 0)
				return e->key;
	}
	if ((key = keys_public_from_pem(agent->pubkey_pem,
	    strlen(agent->pubkey_pem), err, errlen)) == NULL || k == NULL)
		return key;
	if (k->n >= KEYS_MAX)
		ingest_keys_clear(k);
	e = xcalloc(1, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", agent->id);
	snprintf(e->keyid, sizeof(e->keyid), "%s", agent->keyid);
	e->key = key;
	pp = &k->bucket[ingest_keys_hash(agent->id)];
	e->next = *pp;
	*pp = e;
	k->n++;
	return key;
}

/*
 * Where each section's bytes are in the payload.  A section's digest
 * covers the very bytes the agent sent ("{" and what follows
 * "digest":"sha256:<hex>",), so the daemon hashes those rather than a
 * serialisation of its own.  The payload already parsed as JSON: this
 * scanner only has to find boundaries, not validate.
 */
struct span {
	char		 name[65];
	const char	*p;
	size_t		 len;
};

/* p at '"': past the closing quote. */
static const char *
json_string_end(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\')
			p++;
	return p < end ? p + 1 : end;
}

static const char *
json_value_end(const char *p, const char *end)
{
	int	depth = 0;

	if (p < end && *p == '"')
		return json_string_end(p, end);
	for (; p < end; p++) {
		if (*p == '"')
			p = json_string_end(p, end) - 1;
		else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (depth == 0)
				return p;
			if (--depth == 0)
				return p + 1;
		} else if (depth == 0 && *p == ',')
			return p;
	}
	return end;
}

/*
 * Call fn for each member of the object at p: the key as written
 * (between the quotes) and the value's span.  0, or -1 when p holds no
 * object or fn refused.
 */
static int
json_members(const char *p, const char *end,
    int (*fn)(const char *, size_t, const char *, size_t, void *), void *arg)
{
	const char	*k, *ke, *v, *ve;

	p = jsonutil_skip_ws(p, end);
	if (p >= end || *p != '{')
		return -1;
	p = jsonutil_skip_ws(p + 1, end);
	while (p < end && *p == '"') {
		k = p + 1;
		ke = json_string_end(p, end) - 1;
		p = jsonutil_skip_ws(ke + 1, end);
		if (p >= end || *p != ':')
			return -1;
		v = jsonutil_skip_ws(p + 1, end);
		ve = json_value_end(v, end);
		if (fn(k, (size_t)(ke - k), v, (size_t)(ve - v), arg) == -1)
			return -1;
		p = jsonutil_skip_ws(ve, end);
		if (p < end && *p == ',')
			p = jsonutil_skip_ws(p + 1, end);
	}
	return 0;
}

struct spans {
	struct span	 v[SCHEMA_MAX_SECTIONS];
	size_t		 n;
	const char	*sections;
	size_t		 sections_len;
};

static int
span_section(const char *k, size_t klen, const char *v, size_t vlen,
    void *arg)
{
	struct spans	*sp = arg;
	size_t		 i;

	if (klen >= sizeof(sp->v[0].name))
		return 0;	/* not a valid name: the schema says so */
	/* Duplicate names: json-c keeps the last one; so do we. */
	for (i = 0; i < sp->n; i++)
		if (strncmp(sp->v[i].name, k, klen) == 0 &&
		    sp->v[i].name[klen] == '\0')
			break;
	if (i == sp->n) {
		if (sp->n == SCHEMA_MAX_SECTIONS)
			return -1;
		sp->n++;
	}
	memcpy(sp->v[i].name, k, klen);
	sp->v[i].name[klen] = '\0';
	sp->v[i].p = v;
	sp->v[i].len = vlen;
	return 0;
}

static int
span_top(const char *k, size_t klen, const char *v, size_t vlen, void *arg)
{
	struct spans	*sp = arg;

	if (klen == 8 && memcmp(k, "sections", 8) == 0) {
		sp->sections = v;
		sp->sections_len = vlen;
	}
	return 0;
}

static int
ingest_spans(const char *payload, size_t len, struct spans *sp)
{
	memset(sp, 0, sizeof(*sp));
	if (json_members(payload, payload + len, span_top, sp) == -1 ||
	    sp->sections == NULL)
		return -1;
	return json_members(sp->sections, sp->sections + sp->sections_len,
	    span_section, sp);
}

static const struct span *
ingest_span(const struct spans *sp, const char *name)
{
	size_t	i;

	for (i = 0; i < sp->n; i++)
		if (strcmp(sp->v[i].name, name) == 0)
			return &sp->v[i];
	return NULL;
}

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

#define SECTION_PREFIX		"{\"digest\":\"sha256:"
#define SECTION_PREFIX_LEN	(sizeof(SECTION_PREFIX) - 1)
#define SECTION_HEAD_LEN	(SECTION_PREFIX_LEN + 64 + 2)	/* hex, "\",": */

/*
 * A checked document keeps only what the store needs: the parsed tree
 * (many times the document's size) is gone before the document waits
 * for the store's thread.
 */
struct ingest_doc {
	struct json_object	*json;		/* only while checking */
	unsigned char		*payload;	/* only while checking */
	size_t			 plen;
	const char		*envelope;	/* the caller's */
	size_t			 envelope_len;
	char			 digest[STORE_DIGEST_LEN];
	int64_t			 seq;
	time_t			 collected_at;
	char			 collected_at_text[TIMEFMT_RFC3339_LEN + 16];
	char			*hostname;
	char			*machine_id;	/* NULL: none sent */
	struct store_section	 secs[SCHEMA_MAX_SECTIONS];
	char			 names[SCHEMA_MAX_SECTIONS][65];
	char			 digests[SCHEMA_MAX_SECTIONS][STORE_DIGEST_LEN];
	char			*bodies[SCHEMA_MAX_SECTIONS];
	size_t			 n;
};

void
ingest_doc_free(struct ingest_doc *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->bodies[i]);
	json_object_put(d->json);
	free(d->payload);
	free(d->hostname);
	free(d->machine_id);
	free(d);
}

/* Full sections checked against their digests, over the agent's own
 * bytes; references kept for the store to resolve.  0, or -1 with the
 * refusal in r. */
static int
ingest_sections(struct ingest_doc *d, struct json_object *sections,
    const struct spans *spans, struct ingest_result *r)
{
	const struct span	*sp;
	struct store_section	*out;
	const char		*digest;
	char			 hex[DIGEST_SHA256_HEXLEN], *body;

	json_object_object_foreach(sections, name, sec) {
		(void)jsonutil_get_string(sec, "digest", &digest);
		/* The schema bounds both: names 64, digests 71 bytes. */
		snprintf(d->names[d->n], sizeof(d->names[0]), "%s", name);
		snprintf(d->digests[d->n], sizeof(d->digests[0]), "%s", digest);
		out = &d->secs[d->n];
		out->name = d->names[d->n];
		out->digest = d->digests[d->n];
		d->n++;
		if (json_object_object_get_ex(sec, "unchanged_since", NULL))
			continue;
		/* "{" and the bytes after the digest member, as sent. */
		if ((sp = ingest_span(spans, name)) == NULL ||
		    sp->len < SECTION_HEAD_LEN + 1 ||
		    memcmp(sp->p, SECTION_PREFIX, SECTION_PREFIX_LEN) != 0 ||
		    memcmp(sp->p + SECTION_PREFIX_LEN + 64, "\",", 2) != 0) {
			ingest_refuse(r, 400, "schema", "$.sections.%s: a full "
			    "section is written {\"digest\":\"sha256:<hex>\","
			    "...} with nothing between its members", name);
			return -1;
		}
		out->len = 1 + sp->len - SECTION_HEAD_LEN;
		body = d->bodies[d->n - 1] = xmalloc(out->len + 1);
		body[0] = '{';
		memcpy(body + 1, sp->p + SECTION_HEAD_LEN,
		    sp->len - SECTION_HEAD_LEN);
		body[out->len] = '\0';
		out->body = body;
		digest_sha256_hex(body, out->len, hex);
		if (strcmp(digest + 7, hex) != 0) {
			ingest_refuse(r, 400, "schema", "$.sections.%s.digest: "
			    "does not match the section's sources and data "
			    "(sha256:%s)", name, hex);
			return -1;
		}
	}
	return 0;
}

struct ingest_doc *
ingest_check(EVP_PKEY *key, const char *keyid, const char *agent_id,
    const char *body, size_t len, struct ingest_result *r)
{
	struct ingest_doc	*d;
	struct json_object	*host, *sections;
	struct spans		 spans;
	const char		*s;
	char			 err[256];

	memset(r, 0, sizeof(*r));
	d = xcalloc(1, sizeof(*d));
	d->envelope = body;
	d->envelope_len = len;
	switch (envelope_verify_keyid(body, len, key, keyid,
	    ENVELOPE_EVIDENCE_TYPE, &d->payload, &d->plen, err,
	    sizeof(err))) {
	case ENVELOPE_OK:
		break;
	case ENVELOPE_UNKNOWN_KEY:
		ingest_refuse(r, 403, "key_mismatch", "the envelope is not "
		    "signed by the key enrolled for agent %s", agent_id);
		goto fail;
	case ENVELOPE_BAD_SIGNATURE:
		ingest_refuse(r, 401, "bad_signature", "%s", err);
		goto fail;
	default:
		ingest_refuse(r, 400, "bad_envelope", "%s", err);
		goto fail;
	}
	if ((d->json = jsonutil_parse((const char *)d->payload, d->plen, err,
	    sizeof(err))) == NULL) {
		ingest_refuse(r, 400, "schema", "$: the payload is not JSON: "
		    "%s", err);
		goto fail;
	}
	if (schema_check_evidence(d->json, err, sizeof(err)) == -1) {
		ingest_refuse(r, 400, "schema", "%s", err);
		goto fail;
	}
	(void)jsonutil_get_string(d->json, "agent_id", &s);
	if (strcmp(s, agent_id) != 0) {
		ingest_refuse(r, 400, "schema", "$.agent_id: \"%.64s\" is not "
		    "the agent named by the client certificate (%s)", s,
		    agent_id);
		goto fail;
	}
	(void)jsonutil_get_int64(d->json, "seq", &d->seq);
	(void)jsonutil_get_string(d->json, "collected_at", &s);
	(void)timefmt_parse_rfc3339(s, &d->collected_at);
	snprintf(d->collected_at_text, sizeof(d->collected_at_text), "%s", s);
	(void)jsonutil_get_object(d->json, "host", &host);
	(void)jsonutil_get_string(host, "hostname", &s);
	d->hostname = xstrdup(s);
	/* One host per machine id; an agent without one is its own host. */
	if (jsonutil_get_string(host, "machine_id", &s) == 0 && s[0] != '\0')
		d->machine_id = xstrdup(s);
	memcpy(d->digest, "sha256:", 7);
	digest_sha256_hex(body, len, d->digest + 7);

	(void)jsonutil_get_object(d->json, "sections", &sections);
	if (ingest_spans((const char *)d->payload, d->plen, &spans) == -1) {
		ingest_refuse(r, 400, "schema", "$.sections: cannot be read");
		goto fail;
	}
	if (ingest_sections(d, sections, &spans, r) == -1)
		goto fail;
	json_object_put(d->json);
	d->json = NULL;
	free(d->payload);
	d->payload = NULL;
	return d;
fail:
	ingest_doc_free(d);
	return NULL;
}

void
ingest_store(struct store *st, const char *agent_id, struct ingest_doc *d,
    time_t now, long long max_skew, const char *peer,
    struct ingest_result *r)
{
	struct store_evidence	 ev;
	struct store_receipt	 old;
	enum store_status	 ss;
	size_t			 i;

	memset(r, 0, sizeof(*r));
	/* Replay: the same seq is fine only with the very same bytes. */
	ss = store_evidence_find(st, agent_id, d->seq, &old);
	if (ss == STORE_OK) {
		if (strcmp(old.digest, d->digest) == 0) {
			r->status = 200;
			r->receipt = old;
			return;
		}
		ingest_refuse(r, 409, "seq_conflict", "seq %lld was already "
		    "stored with other content (%s)", (long long)d->seq,
		    old.digest);
		(void)store_security_event(st, now, agent_id, "seq_conflict",
		    peer, r->message);
		return;
	}
	if (ss != STORE_NOT_FOUND)
		goto busy;
	if (d->collected_at > now + max_skew) {
		ingest_refuse(r, 400, "clock_skew", "collected_at %s is %lld "
		    "seconds ahead of the daemon's clock (at most %lld "
		    "allowed)", d->collected_at_text,
		    (long long)(d->collected_at - now), max_skew);
		return;
	}
	for (i = 0; i < d->n; i++) {
		if (d->secs[i].body != NULL)
			continue;
		ss = store_section_known(st, agent_id, d->secs[i].name,
		    d->secs[i].digest);
		if (ss == STORE_NOT_FOUND) {
			ingest_refuse(r, 400, "unknown_reference", "section %s "
			    "refers to %s, which this agent never stored; send "
			    "the document in full", d->secs[i].name,
			    d->secs[i].digest);
			return;
		}
		if (ss != STORE_OK)
			goto busy;
	}

	memset(&ev, 0, sizeof(ev));
	ev.agent_id = agent_id;
	ev.seq = d->seq;
	ev.received_at = now;
	ev.collected_at = d->collected_at;
	ev.digest = d->digest;
	ev.envelope = d->envelope;
	ev.envelope_len = d->envelope_len;
	ev.hostname = d->hostname;
	ev.machine_id = d->machine_id != NULL ? d->machine_id : agent_id;
	ev.sections = d->secs;
	ev.nsections = d->n;
	switch (store_evidence_add(st, &ev, &r->receipt)) {
	case STORE_OK:
		r->status = 201;
		return;
	case STORE_EXISTS:
		/* Stored since the lookup above: by another exhibitd on the
		 * same database, for an agent that retried there.  The same
		 * bytes get the original receipt. */
		if (store_evidence_find(st, agent_id, d->seq, &old) ==
		    STORE_OK && strcmp(old.digest, d->digest) == 0) {
			r->status = 200;
			r->receipt = old;
			return;
		}
		ingest_refuse(r, 409, "seq_conflict", "seq %lld was already "
		    "stored", (long long)d->seq);
		return;
	default:
		break;
	}
busy:
	ingest_refuse(r, 503, "busy", "the store failed; retry later");
}

void
ingest_note_refusal(struct store *st, const char *agent_id,
    const struct ingest_result *r, time_t now, const char *peer)
{
	/* A forged or damaged signature under a valid client certificate
	 * is an identity event; seq conflicts are noted by ingest_store. */
	if (r->error != NULL && strcmp(r->error, "bad_signature") == 0)
		(void)store_security_event(st, now, agent_id, "bad_signature",
		    peer, r->message);
}

EVP_PKEY *
ingest_agent_key(struct ingest_keys *keys, const struct store_agent *agent,
    struct ingest_result *r)
{
	EVP_PKEY	*key;
	char		 err[256];
	int		 owned;

	memset(r, 0, sizeof(*r));
	if ((key = ingest_key(keys, agent, &owned, err, sizeof(err))) == NULL) {
		log_warnx("agent %s: stored public key: %s", agent->id, err);
		ingest_refuse(r, 503, "busy", "the agent's key cannot be "
		    "loaded; retry later");
		return NULL;
	}
	/* The caller owns a reference either way. */
	if (!owned && !EVP_PKEY_up_ref(key))
		fatalx("EVP_PKEY_up_ref failed");
	return key;
}

void
ingest_evidence(struct store *st, struct ingest_keys *keys,
    const struct store_agent *agent, const char *body, size_t len,
    time_t now, long long max_skew, const char *peer,
    struct ingest_result *r)
{
	struct ingest_doc	*d;
	EVP_PKEY		*key;

	if ((key = ingest_agent_key(keys, agent, r)) == NULL)
		return;
	d = ingest_check(key, agent->keyid, agent->id, body, len, r);
	EVP_PKEY_free(key);
	if (d == NULL) {
		ingest_note_refusal(st, agent->id, r, now, peer);
		return;
	}
	ingest_store(st, agent->id, d, now, max_skew, peer, r);
	ingest_doc_free(d);
}
