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

static const char *
json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

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
 * Call fn for each member of the object at *pp: key as written (between
 * the quotes) and value span.  Returns past the object, or NULL.
 */
static int
json_members(const char *p, const char *end,
    int (*fn)(const char *, size_t, const char *, size_t, void *), void *arg)
{
	const char	*k, *ke, *v, *ve;

	p = json_ws(p, end);
	if (p >= end || *p != '{')
		return -1;
	p = json_ws(p + 1, end);
	while (p < end && *p == '"') {
		k = p + 1;
		ke = json_string_end(p, end) - 1;
		p = json_ws(ke + 1, end);
		if (p >= end || *p != ':')
			return -1;
		v = json_ws(p + 1, end);
		ve = json_value_end(v, end);
		if (fn(k, (size_t)(ke - k), v, (size_t)(ve - v), arg) == -1)
			return -1;
		p = json_ws(ve, end);
		if (p < end && *p == ',')
			p = json_ws(p + 1, end);
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

/* The sections of doc, checked against their digests or resolved as
 * references; bodies[i] is allocated for full sections.  0, or -1 with
 * the refusal in r. */
static int
ingest_sections(struct store *st, const struct store_agent *agent,
    struct json_object *sections, const struct spans *spans,
    struct store_section *out, size_t *n, char **bodies,
    struct ingest_result *r)
{
	const struct span	*sp;
	struct json_object	*since;
	const char		*digest;
	char			 hex[DIGEST_SHA256_HEXLEN], *body;
	enum store_status	 ss;

	*n = 0;
	json_object_object_foreach(sections, name, sec) {
		(void)jsonutil_get_string(sec, "digest", &digest);
		out[*n].name = name;
		out[*n].digest = digest;
		out[*n].body = NULL;
		out[*n].len = 0;
		if (json_object_object_get_ex(sec, "unchanged_since", &since)) {
			ss = store_section_known(st, agent->id, name, digest);
			if (ss == STORE_NOT_FOUND) {
				ingest_refuse(r, 400, "unknown_reference",
				    "section %s refers to %s, which this agent "
				    "never stored; send the document in full",
				    name, digest);
				return -1;
			}
			if (ss != STORE_OK) {
				ingest_refuse(r, 503, "busy", "the store "
				    "failed; retry later");
				return -1;
			}
			(*n)++;
			continue;
		}
		/* The digest covers "{" and the bytes after the digest
		 * member, exactly as sent. */
		if ((sp = ingest_span(spans, name)) == NULL ||
		    sp->len < SECTION_HEAD_LEN + 1 ||
		    memcmp(sp->p, SECTION_PREFIX, SECTION_PREFIX_LEN) != 0 ||
		    memcmp(sp->p + SECTION_PREFIX_LEN + 64, "\",", 2) != 0) {
			ingest_refuse(r, 400, "schema", "$.sections.%s: a full "
			    "section is written {\"digest\":\"sha256:<hex>\","
			    "...} with nothing between its members", name);
			return -1;
		}
		out[*n].len = 1 + sp->len - SECTION_HEAD_LEN;
		body = bodies[*n] = xmalloc(out[*n].len + 1);
		body[0] = '{';
		memcpy(body + 1, sp->p + SECTION_HEAD_LEN,
		    sp->len - SECTION_HEAD_LEN);
		body[out[*n].len] = '\0';
		out[*n].body = body;
		digest_sha256_hex(body, out[*n].len, hex);
		if (strcmp(digest + 7, hex) != 0) {
			ingest_refuse(r, 400, "schema", "$.sections.%s.digest: "
			    "does not match the section's sources and data "
			    "(sha256:%s)", name, hex);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

/* Everything after the signature: the payload is the agent's own. */
static void
ingest_document(struct store *st, const struct store_agent *agent,
    const char *body, size_t len, const char *payload, size_t plen,
    struct json_object *doc, time_t now, long long max_skew,
    const char *peer, struct ingest_result *r)
{
	struct store_section	 secs[SCHEMA_MAX_SECTIONS];
	char			*bodies[SCHEMA_MAX_SECTIONS] = { 0 };
	struct spans		 spans;
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
	if (ingest_spans(payload, plen, &spans) == -1) {
		ingest_refuse(r, 400, "schema", "$.sections: cannot be read");
		goto out;
	}
	if (ingest_sections(st, agent, sections, &spans, secs, &n, bodies,
	    r) == -1)
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
		free(bodies[i]);
}

void
ingest_evidence(struct store *st, struct ingest_keys *keys,
    const struct store_agent *agent, const char *body, size_t len,
    time_t now, long long max_skew, const char *peer,
    struct ingest_result *r)
{
	struct json_object	*doc;
	EVP_PKEY		*key;
	unsigned char		*payload = NULL;
	size_t			 plen;
	char			 err[256];
	int			 owned;

	memset(r, 0, sizeof(*r));
	if ((key = ingest_key(keys, agent, &owned, err, sizeof(err))) == NULL) {
		log_warnx("agent %s: stored public key: %s", agent->id, err);
		ingest_refuse(r, 503, "busy", "the agent's key cannot be "
		    "loaded; retry later");
		return;
	}
	switch (envelope_verify_keyid(body, len, key, agent->keyid,
	    ENVELOPE_EVIDENCE_TYPE, &payload, &plen, err, sizeof(err))) {
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
	ingest_document(st, agent, body, len, (const char *)payload, plen, doc,
	    now, max_skew, peer, r);
	json_object_put(doc);
out:
	free(payload);
	if (owned)
		EVP_PKEY_free(key);
}
