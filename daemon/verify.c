/*
 * exhibitctl verify's engine (verify.h).  Nothing in the bundle is
 * trusted before it is checked: names, sizes, JSON and keys are the
 * bundle author's.  Memory holds the rule packs, one agent's sections
 * and result digests, one envelope, and a bit per ledger entry for the
 * entries the bundle claims; never the bundle.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "bundle.h"
#include "checkpoint.h"
#include "encode.h"
#include "envelope.h"
#include "export.h"
#include "fileio.h"
#include "judge.h"
#include "jsonutil.h"
#include "keys.h"
#include "merkle.h"
#include "rules.h"
#include "store.h"
#include "strv.h"
#include "timefmt.h"
#include "verify.h"
#include "xmalloc.h"

#define MAX_RULESETS	64

struct blob {
	char	*data;
	size_t	 len;
};

/* A judgement already made for this agent: the SHA-256 of (rule set,
 * content, time-dependent results) and the result set's digest. */
struct memo {
	unsigned char	 key[DIGEST_SHA256_LEN];
	char		 digest[STORE_DIGEST_LEN];
	int		 used;
};
#define MEMO_MAX	(1u << 16)	/* entries per agent, then start over */

struct vfy {
	const struct verify_opts *o;
	struct verify_stats	*st;
	EVP_MD_CTX		*listing;	/* what SHA256SUMS should hash to */

	EVP_PKEY		*trusted;	/* --ledger-key */
	EVP_PKEY		*lkey;		/* the key checkpoints answer to */
	struct checkpoint	 cp;
	int			 have_cp;
	struct checkpoint	 since;
	int			 have_since, consistency_ok;
	unsigned char		*claimed;	/* a bit per ledger entry */

	struct strv		 packs;		/* digests */
	struct blob		*pack_bodies;
	struct json_object	*rulesets;	/* rulesets.json */
	char			*set_digest[MAX_RULESETS];
	struct ruleset		*set[MAX_RULESETS];
	size_t			*timed[MAX_RULESETS];	/* rule indices */
	size_t			 ntimed[MAX_RULESETS];
	size_t			 nsets;

	/* The agent being read. */
	char			 agent[40];
	EVP_PKEY		*akey;
	char			 akeyid[KEYS_KEYID_HEXLEN];
	struct strv		 secs;
	struct blob		*sec_bodies;
	struct json_object	**sec_parsed;	/* parsed once, when needed */
	struct strv		 need_results, have_results;
	struct memo		*memo;
	size_t			 memo_cap, memo_n;
	int64_t			 last_seq;
	char			 last_when[TIMEFMT_RFC3339_LEN];
	char			*env;		/* envelope awaiting its meta */
	size_t			 env_len;
	unsigned char		 env_digest[DIGEST_SHA256_LEN];
	int64_t			 env_seq;

	int			 phase;
	unsigned char		 sums[DIGEST_SHA256_LEN];
	int			 have_sums;
	FILE			*sums_copy;	/* for the second pass */
	char			*manifest;
	size_t			 manifest_len;
	int			 manifest_ok;
};

enum { PH_LEDGER, PH_RULES, PH_AGENTS, PH_RECORDS, PH_LISTING, PH_MANIFEST,
    PH_SIGNED };

static void
problem(struct vfy *v, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct vfy *v, const char *member, const char *fmt, ...)
{
	va_list	ap;

	v->st->problems++;
	fprintf(v->o->out, "FAIL %s: ", member);
	va_start(ap, fmt);
	vfprintf(v->o->out, fmt, ap);
	va_end(ap);
	fputc('\n', v->o->out);
}

/* "<prefix><hex>.json" names a content-addressed member: its hex. */
static const char *
member_hex(const char *name, const char *prefix)
{
	size_t	pl = strlen(prefix);
	const char *h = name + pl;

	if (strncmp(name, prefix, pl) != 0 || strlen(h) != 64 + 5 ||
	    strcmp(h + 64, ".json") != 0 || strspn(h, "0123456789abcdef") != 64)
		return NULL;
	return h;
}

static int
digest_is(const unsigned char d[DIGEST_SHA256_LEN], const char *hex)
{
	char	mine[DIGEST_SHA256_HEXLEN];

	hex_encode_buf(d, DIGEST_SHA256_LEN, mine);
	return strncmp(mine, hex, 64) == 0;
}

static struct json_object *
parse(struct vfy *v, const char *member, const char *data, size_t len)
{
	struct json_object	*o;
	char			 err[128];

	if ((o = jsonutil_parse(data, len, err, sizeof(err))) == NULL)
		problem(v, member, "not JSON: %s", err);
	return o;
}

/* A hash list as the bundle writes it: base64 strings. */
static int
hashes(struct json_object *arr, unsigned char *out, size_t *n)
{
	unsigned char	*h;
	size_t		 i, len;
	const char	*s;

	if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) > MERKLE_MAX_PROOF)
		return -1;
	*n = json_object_array_length(arr);
	for (i = 0; i < *n; i++) {
		s = json_object_get_string(json_object_array_get_idx(arr, i));
		if (s == NULL || base64_decode(s, strlen(s), &h, &len) == -1)
			return -1;
		if (len != MERKLE_HASH_LEN) {
			free(h);
			return -1;
		}
		memcpy(out + i * MERKLE_HASH_LEN, h, MERKLE_HASH_LEN);
		free(h);
	}
	return 0;
}

static void
ledger_pub(struct vfy *v, const char *m, const char *data, size_t len)
{
	char	err[256], a[KEYS_KEYID_HEXLEN], b[KEYS_KEYID_HEXLEN];

	if ((v->lkey = keys_public_from_pem(data, len, err, sizeof(err))) ==
	    NULL) {
		problem(v, m, "%s", err);
		return;
	}
	if (v->trusted != NULL && strcmp(keys_keyid(v->trusted, a),
	    keys_keyid(v->lkey, b)) != 0)
		problem(v, m, "the bundle's ledger key (%.16s) is not the one "
		    "you trust (%.16s)", b, a);
	if (v->trusted != NULL) {
		EVP_PKEY_free(v->lkey);
		v->lkey = NULL;
		EVP_PKEY_up_ref(v->trusted);
		v->lkey = v->trusted;
	}
}

static void
checkpoint_member(struct vfy *v, const char *m, const char *data, size_t len)
{
	char	 origin[256], err[256];
	size_t	 n = strcspn(data, "\n");

	if (v->lkey == NULL) {
		problem(v, m, "no ledger key to check it with");
		return;
	}
	if (n >= sizeof(origin) || n == len) {
		problem(v, m, "not a checkpoint");
		return;
	}
	memcpy(origin, data, n);
	origin[n] = '\0';
	if (checkpoint_verify(data, len, v->lkey, origin, &v->cp, err,
	    sizeof(err)) == -1) {
		problem(v, m, "%s", err);
		return;
	}
	v->have_cp = 1;
	v->st->checkpoint_size = v->cp.size;
	/* A bit per entry: a claim to one leaf twice is caught. */
	if (v->cp.size <= ((uint64_t)1 << 36))
		v->claimed = xcalloc(1, (size_t)(v->cp.size / 8 + 1));
	if (v->o->since == NULL)
		return;
	{
		char	*note;
		size_t	 nlen;

		if (fileio_read_path(v->o->since, 64 * 1024, &note, &nlen) ==
		    -1) {
			problem(v, v->o->since, "%s", strerror(errno));
			return;
		}
		if (checkpoint_verify(note, nlen, v->lkey, origin, &v->since,
		    err, sizeof(err)) == -1)
			problem(v, v->o->since, "not a checkpoint of this "
			    "ledger: %s", err);
		else if (v->since.size > v->cp.size)
			problem(v, m, "rolled back: the checkpoint you kept "
			    "covers %" PRIu64 " entries, the bundle's only %"
			    PRIu64, v->since.size, v->cp.size);
		else
			v->have_since = 1;
		free(note);
	}
}

static void
consistency(struct vfy *v, const char *m, const char *data, size_t len)
{
	struct json_object	*o, *p;
	unsigned char		 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	int64_t			 from, to;
	size_t			 n;

	if ((o = parse(v, m, data, len)) == NULL)
		return;
	if (!v->have_since)
		goto out;	/* nothing kept to compare with */
	if (jsonutil_get_int64(o, "from_size", &from) == -1 ||
	    jsonutil_get_int64(o, "to_size", &to) == -1 ||
	    !json_object_object_get_ex(o, "proof", &p) ||
	    hashes(p, proof, &n) == -1)
		problem(v, m, "not a consistency proof");
	else if ((uint64_t)from != v->since.size ||
	    (uint64_t)to != v->cp.size)
		problem(v, m, "proves %" PRId64 " to %" PRId64 " entries, not "
		    "%" PRIu64 " (your checkpoint) to %" PRIu64 " (the "
		    "bundle's)", from, to, v->since.size, v->cp.size);
	else if (merkle_verify_consistency(v->since.size, v->cp.size, proof,
	    n, v->since.root, v->cp.root) == -1)
		problem(v, m, "the ledger is not an extension of the one your "
		    "checkpoint signed: entries were changed or removed");
	else
		v->consistency_ok = 1;
out:
	json_object_put(o);
}

static void
rule_pack(struct vfy *v, const char *m, const char *hex, const char *data,
    size_t len, const unsigned char d[DIGEST_SHA256_LEN])
{
	char	*digest;

	if (!digest_is(d, hex)) {
		problem(v, m, "content does not match its name's SHA-256");
		return;
	}
	digest = xasprintf("sha256:%.64s", hex);
	v->pack_bodies = xreallocarray(v->pack_bodies, v->packs.n + 1,
	    sizeof(*v->pack_bodies));
	v->pack_bodies[v->packs.n].data = xmalloc(len + 1);
	memcpy(v->pack_bodies[v->packs.n].data, data, len + 1);
	v->pack_bodies[v->packs.n].len = len;
	strv_add(&v->packs, digest);
	free(digest);
}

/* The rule set of this digest, loaded from the bundled packs once. */
static struct ruleset *
ruleset_of(struct vfy *v, const char *member, const char *digest)
{
	struct json_object	*list, *p;
	const char		**names, **bufs, *pd;
	size_t			*lens, i, j, n;
	struct ruleset		*rs = NULL;

	for (i = 0; i < v->nsets; i++)
		if (strcmp(v->set_digest[i], digest) == 0)
			return v->set[i];
	if (v->rulesets == NULL || !json_object_object_get_ex(v->rulesets,
	    digest, &list) || !json_object_is_type(list, json_type_array)) {
		problem(v, member, "rule set %s is not in rulesets.json",
		    digest);
		return NULL;
	}
	n = json_object_array_length(list);
	names = xcalloc(n + 1, sizeof(*names));
	bufs = xcalloc(n + 1, sizeof(*bufs));
	lens = xcalloc(n + 1, sizeof(*lens));
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(list, i);
		if (jsonutil_get_string(p, "digest", &pd) == -1)
			pd = "";
		for (j = 0; j < v->packs.n && strcmp(v->packs.v[j], pd); j++)
			;
		if (j == v->packs.n) {
			problem(v, member, "rule set %s: pack %s is not in the "
			    "bundle", digest, pd);
			goto out;
		}
		names[i] = v->packs.v[j];
		bufs[i] = v->pack_bodies[j].data;
		lens[i] = v->pack_bodies[j].len;
	}
	if ((rs = ruleset_load_packs(names, bufs, lens, n)) == NULL)
		problem(v, member, "rule set %s does not load (see above)",
		    digest);
	else if (strcmp(ruleset_digest(rs), digest) != 0) {
		problem(v, member, "the packs listed for rule set %s make %s",
		    digest, ruleset_digest(rs));
		ruleset_free(rs);
		rs = NULL;
	}
out:
	/* Remembered even when it failed: one report per rule set. */
	if (v->nsets < MAX_RULESETS) {
		v->set_digest[v->nsets] = xstrdup(digest);
		for (i = 0; rs != NULL && i < ruleset_rule_count(rs); i++)
			if (ruleset_rule_timed(rs, i)) {
				v->timed[v->nsets] = xreallocarray(
				    v->timed[v->nsets], v->ntimed[v->nsets] + 1,
				    sizeof(size_t));
				v->timed[v->nsets][v->ntimed[v->nsets]++] = i;
			}
		v->set[v->nsets++] = rs;
	} else {
		ruleset_free(rs);
		rs = NULL;
	}
	free(names);
	free(bufs);
	free(lens);
	return rs;
}

static void
agent_done(struct vfy *v)
{
	size_t	i;

	if (v->env != NULL) {
		problem(v, v->agent, "envelope seq %" PRId64 " has no "
		    "metadata", v->env_seq);
		free(v->env);
		v->env = NULL;
	}
	for (i = 0; i < v->need_results.n; i++)
		if (!strv_has(&v->have_results, v->need_results.v[i]))
			problem(v, v->agent, "result set %s is referenced "
			    "but not in the bundle", v->need_results.v[i]);
	for (i = 0; i < v->secs.n; i++) {
		free(v->sec_bodies[i].data);
		json_object_put(v->sec_parsed[i]);
	}
	free(v->sec_bodies);
	free(v->sec_parsed);
	free(v->memo);
	v->memo = NULL;
	v->memo_cap = v->memo_n = 0;
	v->sec_bodies = NULL;
	v->sec_parsed = NULL;
	strv_free(&v->secs);
	strv_free(&v->need_results);
	strv_free(&v->have_results);
	EVP_PKEY_free(v->akey);
	v->akey = NULL;
	v->agent[0] = '\0';
}

static void
agent_member(struct vfy *v, const char *m, const char *id, const char *data,
    size_t len)
{
	struct json_object	*o;
	const char		*aid, *pem, *keyid;
	char			 err[256];

	agent_done(v);
	v->st->agents++;
	snprintf(v->agent, sizeof(v->agent), "%s", id);
	v->last_seq = 0;
	if ((o = parse(v, m, data, len)) == NULL)
		return;
	if (jsonutil_get_string(o, "id", &aid) == -1 || strcmp(aid, id) != 0 ||
	    jsonutil_get_string(o, "public_key", &pem) == -1 ||
	    jsonutil_get_string(o, "keyid", &keyid) == -1)
		problem(v, m, "not an agent record for %s", id);
	else if ((v->akey = keys_public_from_pem(pem, strlen(pem), err,
	    sizeof(err))) == NULL)
		problem(v, m, "public key: %s", err);
	else if (strcmp(keys_keyid(v->akey, v->akeyid), keyid) != 0)
		problem(v, m, "keyid %.16s… is not the public key's (%.16s…)",
		    keyid, v->akeyid);
	json_object_put(o);
}

static void
section_member(struct vfy *v, const char *m, const char *hex,
    const char *data, size_t len, const unsigned char d[DIGEST_SHA256_LEN])
{
	char	*digest;

	if (!digest_is(d, hex)) {
		problem(v, m, "content does not match its name's SHA-256");
		return;
	}
	digest = xasprintf("sha256:%.64s", hex);
	v->sec_bodies = xreallocarray(v->sec_bodies, v->secs.n + 1,
	    sizeof(*v->sec_bodies));
	v->sec_parsed = xreallocarray(v->sec_parsed, v->secs.n + 1,
	    sizeof(*v->sec_parsed));
	v->sec_parsed[v->secs.n] = NULL;
	v->sec_bodies[v->secs.n].data = xmalloc(len + 1);
	memcpy(v->sec_bodies[v->secs.n].data, data, len + 1);
	v->sec_bodies[v->secs.n].len = len;
	strv_add(&v->secs, digest);
	free(digest);
}

/* The document's references, resolved to the agent's bundled sections
 * as the daemon resolved them to its stored ones. */
static int
references(struct vfy *v, const char *m, const unsigned char *payload,
    size_t plen, struct store_doc *doc)
{
	struct json_object	*p, *secs;
	const char		*dg;
	size_t			 i;
	int			 rc = 0;

	if ((p = parse(v, m, (const char *)payload, plen)) == NULL)
		return -1;
	if (json_object_object_get_ex(p, "sections", &secs) &&
	    json_object_is_type(secs, json_type_object)) {
		json_object_object_foreach(secs, name, sec) {
			if (!json_object_object_get_ex(sec, "unchanged_since",
			    NULL))
				continue;
			if (jsonutil_get_string(sec, "digest", &dg) == -1)
				dg = "";
			for (i = 0; i < v->secs.n && strcmp(v->secs.v[i], dg);
			    i++)
				;
			if (i == v->secs.n) {
				problem(v, m, "section %s refers to %.80s, "
				    "which the bundle does not hold", name, dg);
				rc = -1;
				continue;
			}
			doc->refs = xreallocarray(doc->refs, doc->nrefs + 1,
			    sizeof(*doc->refs));
			memset(&doc->refs[doc->nrefs], 0, sizeof(*doc->refs));
			snprintf(doc->refs[doc->nrefs].name,
			    sizeof(doc->refs[0].name), "%s", name);
			snprintf(doc->refs[doc->nrefs].digest,
			    sizeof(doc->refs[0].digest), "%s", dg);
			doc->refs[doc->nrefs].body = xmalloc(
			    v->sec_bodies[i].len + 1);
			memcpy(doc->refs[doc->nrefs].body,
			    v->sec_bodies[i].data, v->sec_bodies[i].len + 1);
			doc->refs[doc->nrefs].len = v->sec_bodies[i].len;
			doc->nrefs++;
		}
	}
	json_object_put(p);
	return rc;
}

/*
 * The document as evidence_doc() rebuilds it, with the agent's sections
 * parsed once for all of its documents rather than once per document:
 * judging is most of verify's work.  NULL when anything is amiss; the
 * caller then takes the daemon's own path, which says why.
 */
static struct json_object *
fast_doc(struct vfy *v, struct json_object *doc)
{
	struct json_object	*secs, **parsed;
	const char		*dg;
	char			 err[128];
	size_t			 i;

	if (!json_object_object_get_ex(doc, "sections", &secs) ||
	    !json_object_is_type(secs, json_type_object))
		goto fail;
	json_object_object_foreach(secs, name, sec) {
		if (!json_object_object_get_ex(sec, "unchanged_since", NULL))
			continue;
		if (jsonutil_get_string(sec, "digest", &dg) == -1)
			goto fail;
		for (i = 0; i < v->secs.n && strcmp(v->secs.v[i], dg); i++)
			;
		if (i == v->secs.n)
			goto fail;
		parsed = &v->sec_parsed[i];
		if (*parsed == NULL && (*parsed = jsonutil_parse(
		    v->sec_bodies[i].data, v->sec_bodies[i].len, err,
		    sizeof(err))) == NULL)
			goto fail;
		jsonutil_set_string(*parsed, "digest", v->secs.v[i]);
		/* Replacing the value of the key being visited is safe. */
		json_object_object_add(secs, name, json_object_get(*parsed));
	}
	return doc;
fail:
	json_object_put(doc);
	return NULL;
}

/*
 * What the rules that ignore time see: the document without seq and
 * collected_at, sections sent as references by digest alone (their
 * bodies are bound to the digest by the bundle's names).  Hashed.
 */
static void
content_hash(struct json_object *payload, unsigned char out[DIGEST_SHA256_LEN])
{
	struct json_object	*c = json_object_new_object(), *secs, *d;
	const char		*text;

	json_object_object_foreach(payload, k, val) {
		if (strcmp(k, "seq") == 0 || strcmp(k, "collected_at") == 0)
			continue;
		if (strcmp(k, "sections") != 0 ||
		    !json_object_is_type(val, json_type_object)) {
			json_object_object_add(c, k, json_object_get(val));
			continue;
		}
		secs = json_object_new_object();
		json_object_object_foreach(val, name, sec) {
			if (json_object_object_get_ex(sec, "unchanged_since",
			    NULL) && json_object_object_get_ex(sec, "digest",
			    &d)) {
				struct json_object *r = json_object_new_object();

				json_object_object_add(r, "digest",
				    json_object_get(d));
				json_object_object_add(secs, name, r);
			} else
				json_object_object_add(secs, name,
				    json_object_get(sec));
		}
		json_object_object_add(c, k, secs);
	}
	text = json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN);
	digest_sha256(text, strlen(text), out);
	json_object_put(c);
}

static struct memo *
memo_slot(struct vfy *v, const unsigned char key[DIGEST_SHA256_LEN])
{
	size_t	h;

	memcpy(&h, key, sizeof(h));
	for (h &= v->memo_cap - 1; v->memo[h].used; h = (h + 1) &
	    (v->memo_cap - 1))
		if (memcmp(v->memo[h].key, key, DIGEST_SHA256_LEN) == 0)
			break;
	return &v->memo[h];
}

static void
memo_put(struct vfy *v, const unsigned char key[DIGEST_SHA256_LEN],
    const char *digest)
{
	struct memo	*old = v->memo, *m;
	size_t		 cap = v->memo_cap, i;

	if (v->memo_n >= MEMO_MAX) {
		free(v->memo);
		old = v->memo = NULL;
		cap = v->memo_cap = v->memo_n = 0;
	}
	if (2 * (v->memo_n + 1) > v->memo_cap) {
		v->memo_cap = cap ? cap * 2 : 64;
		v->memo = xcalloc(v->memo_cap, sizeof(*v->memo));
		v->memo_n = 0;
		for (i = 0; i < cap; i++)
			if (old[i].used) {
				*memo_slot(v, old[i].key) = old[i];
				v->memo_n++;
			}
		free(old);
	}
	m = memo_slot(v, key);
	if (!m->used)
		v->memo_n++;
	memcpy(m->key, key, DIGEST_SHA256_LEN);
	snprintf(m->digest, sizeof(m->digest), "%s", digest);
	m->used = 1;
}

/* The result set's digest for the document under rule set k: judged, or
 * remembered from a document of the same content whose time-dependent
 * rules judged alike. */
static void
judge_memo(struct vfy *v, size_t k, struct json_object *doc,
    const unsigned char content[DIGEST_SHA256_LEN],
    char digest[STORE_DIGEST_LEN])
{
	struct json_object	*t;
	struct judgement	 j;
	struct memo		*m;
	EVP_MD_CTX		*md = EVP_MD_CTX_new();
	unsigned char		 key[DIGEST_SHA256_LEN];
	const char		*text;

	t = ruleset_evaluate_some(v->set[k], doc, v->timed[k], v->ntimed[k]);
	text = json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	EVP_DigestInit_ex(md, digest_sha256_md(), NULL);
	EVP_DigestUpdate(md, v->set_digest[k], strlen(v->set_digest[k]) + 1);
	EVP_DigestUpdate(md, content, DIGEST_SHA256_LEN);
	EVP_DigestUpdate(md, text, strlen(text));
	EVP_DigestFinal_ex(md, key, NULL);
	EVP_MD_CTX_free(md);
	json_object_put(t);
	if (v->memo != NULL && (m = memo_slot(v, key))->used) {
		snprintf(digest, STORE_DIGEST_LEN, "%s", m->digest);
		return;
	}
	judge_doc(v->set[k], doc, &j);
	snprintf(digest, STORE_DIGEST_LEN, "%s", j.digest);
	memo_put(v, key, j.digest);
	judgement_clear(&j);
}

/* parsed: the payload already parsed (owned; consumed), or NULL. */
static void
reevaluate(struct vfy *v, const char *m, struct json_object *meta,
    const unsigned char *payload, size_t plen, struct json_object *parsed)
{
	struct json_object	*evs, *e, *fast = NULL;
	struct store_doc	 doc;
	struct judgement	 j;
	struct ruleset		*rs;
	unsigned char		 content[DIGEST_SHA256_LEN];
	const char		*set, *res;
	char			 got[STORE_DIGEST_LEN];
	size_t			 i, n, k;
	int			 tried = 0;

	if (!json_object_object_get_ex(meta, "evaluations", &evs) ||
	    !json_object_is_type(evs, json_type_array)) {
		problem(v, m, "no evaluations");
		json_object_put(parsed);
		return;
	}
	n = json_object_array_length(evs);
	memset(&doc, 0, sizeof(doc));
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(evs, i);
		if (jsonutil_get_string(e, "ruleset", &set) == -1 ||
		    jsonutil_get_string(e, "results", &res) == -1) {
			problem(v, m, "evaluation %zu: ruleset and results "
			    "missing", i);
			continue;
		}
		if (!strv_has(&v->need_results, res))
			strv_add(&v->need_results, res);
		if (!v->o->reevaluate)
			continue;
		if ((rs = ruleset_of(v, m, set)) == NULL)
			continue;
		for (k = 0; k < v->nsets && v->set[k] != rs; k++)
			;
		if (!tried) {
			tried = 1;
			if ((fast = parsed) != NULL) {
				parsed = NULL;
				content_hash(fast, content);
				fast = fast_doc(v, fast);
			}
		}
		if (fast != NULL)
			judge_memo(v, k, fast, content, got);
		else {
			/* The daemon's own path, which says what is amiss. */
			if (doc.envelope == NULL) {
				if (references(v, m, payload, plen, &doc) ==
				    -1)
					break;
				doc.envelope = xmalloc(v->env_len + 1);
				memcpy(doc.envelope, v->env, v->env_len + 1);
				doc.envelope_len = v->env_len;
				snprintf(doc.agent_id, sizeof(doc.agent_id),
				    "%s", v->agent);
			}
			judge(rs, &doc, &j);
			snprintf(got, sizeof(got), "%s", j.digest);
			judgement_clear(&j);
		}
		v->st->evaluations++;
		if (strcmp(got, res) != 0)
			problem(v, m, "the stored results under rule set "
			    "%.19s… (%s) differ from the rules' results on "
			    "this evidence (%s)", set, res, got);
	}
	json_object_put(fast);
	json_object_put(parsed);
	store_doc_clear(&doc);
}

static void
envelope_meta(struct vfy *v, const char *m, int64_t seq, const char *data,
    size_t len)
{
	struct json_object	*o, *p, *signed_doc = NULL;
	unsigned char		*d = v->env_digest, *payload = NULL;
	unsigned char		 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	merkle_hash		 leaf;
	const char		*digest, *when = "";
	char			 hex[DIGEST_SHA256_HEXLEN], err[256];
	int64_t			 idx, size, pseq;
	size_t			 n, plen;

	if (v->env == NULL || v->env_seq != seq) {
		problem(v, m, "no envelope before its metadata");
		return;
	}
	v->st->envelopes++;
	if ((o = parse(v, m, data, len)) == NULL)
		goto out;
	(void)jsonutil_get_string(o, "collected_at", &when);
	if (jsonutil_get_string(o, "digest", &digest) == -1 ||
	    strncmp(digest, "sha256:", 7) != 0 || !digest_is(d, digest + 7))
		problem(v, m, "the envelope's SHA-256 is %s, not the digest "
		    "recorded", digest_sha256_hex(v->env, v->env_len, hex));

	/* The agent's signature, by the key it enrolled. */
	if (v->akey == NULL)
		problem(v, m, "no key for agent %s", v->agent);
	else if (envelope_verify_keyid(v->env, v->env_len, v->akey, v->akeyid,
	    ENVELOPE_EVIDENCE_TYPE, &payload, &plen, err, sizeof(err)) !=
	    ENVELOPE_OK)
		problem(v, m, "signature: %s", err);
	else if ((p = parse(v, m, (const char *)payload, plen)) != NULL) {
		const char *aid;

		if (jsonutil_get_int64(p, "seq", &pseq) == -1 || pseq != seq ||
		    jsonutil_get_string(p, "agent_id", &aid) == -1 ||
		    strcmp(aid, v->agent) != 0)
			problem(v, m, "the signed document is not %s's seq %"
			    PRId64, v->agent, seq);
		signed_doc = p;
	}

	/* In the ledger, under the signed checkpoint, once. */
	if (jsonutil_get_int64(o, "leaf_index", &idx) == -1 ||
	    jsonutil_get_int64(o, "tree_size", &size) == -1 ||
	    !json_object_object_get_ex(o, "inclusion_proof", &p) ||
	    hashes(p, proof, &n) == -1)
		problem(v, m, "no inclusion proof");
	else if (!v->have_cp || (uint64_t)size != v->cp.size)
		problem(v, m, "the inclusion proof is not for the bundle's "
		    "checkpoint");
	else {
		merkle_leaf_hash(d, DIGEST_SHA256_LEN, leaf);
		if (idx < 0 || merkle_verify_inclusion(leaf, (uint64_t)idx,
		    v->cp.size, proof, n, v->cp.root) == -1)
			problem(v, m, "not in the ledger at entry %" PRId64
			    ": the inclusion proof fails", idx);
		else if (v->claimed != NULL) {
			if (v->claimed[idx / 8] & (1u << (idx % 8)))
				problem(v, m, "ledger entry %" PRId64 " is "
				    "claimed twice", idx);
			v->claimed[idx / 8] |= (unsigned char)(1u << (idx % 8));
		}
	}

	/* Continuity of the agent's own numbering. */
	if (v->last_seq != 0 && seq <= v->last_seq)
		problem(v, m, "seq %" PRId64 " after seq %" PRId64 ": out of "
		    "order", seq, v->last_seq);
	else if (v->last_seq != 0 && seq != v->last_seq + 1) {
		v->st->gaps++;
		if (v->o->allow_gaps)
			fprintf(v->o->out, "GAP  %s: seq %" PRId64 " to %"
			    PRId64 " missing, between %s and %s\n", v->agent,
			    v->last_seq + 1, seq - 1, v->last_when, when);
		else
			problem(v, v->agent, "seq %" PRId64 " to %" PRId64
			    " missing, between %s and %s (collected)",
			    v->last_seq + 1, seq - 1, v->last_when, when);
	}
	if (seq > v->last_seq) {
		v->last_seq = seq;
		snprintf(v->last_when, sizeof(v->last_when), "%s", when);
	}
	if (payload != NULL) {
		reevaluate(v, m, o, payload, plen, signed_doc);
		signed_doc = NULL;
	}
out:
	json_object_put(signed_doc);
	json_object_put(o);
	free(payload);
	free(v->env);
	v->env = NULL;
}

/* agents/<id>/<rest>: the agent's id (copied) and rest. */
static const char *
agent_path(const char *name, char *id, size_t idlen)
{
	const char	*a = name + 7, *slash;

	if ((slash = strchr(a, '/')) == NULL || (size_t)(slash - a) >= idlen)
		return NULL;
	memcpy(id, a, (size_t)(slash - a));
	id[slash - a] = '\0';
	return slash + 1;
}

static int64_t
seq_of(const char *rest, const char *suffix)
{
	char	*end;
	long long n;

	if (strncmp(rest, "evidence/", 9) != 0 || rest[9] < '1' ||
	    rest[9] > '9')
		return -1;
	errno = 0;
	n = strtoll(rest + 9, &end, 10);
	if (errno != 0 || strcmp(end, suffix) != 0)
		return -1;
	return n;
}

static void
agents_member(struct vfy *v, const char *m, const char *data, size_t len,
    const unsigned char d[DIGEST_SHA256_LEN])
{
	char		 id[40];
	const char	*rest, *hex;
	int64_t		 seq;

	if ((rest = agent_path(m, id, sizeof(id))) == NULL) {
		problem(v, m, "not a member a bundle holds");
		return;
	}
	if (strcmp(rest, "agent.json") == 0) {
		agent_member(v, m, id, data, len);
		return;
	}
	if (strcmp(id, v->agent) != 0) {
		problem(v, m, "outside its agent's part of the bundle");
		return;
	}
	if ((hex = member_hex(rest, "sections/")) != NULL)
		section_member(v, m, hex, data, len, d);
	else if ((hex = member_hex(rest, "results/")) != NULL) {
		char *digest = xasprintf("sha256:%.64s", hex);

		if (!digest_is(d, hex))
			problem(v, m, "content does not match its name's "
			    "SHA-256");
		else
			strv_add(&v->have_results, digest);
		free(digest);
	} else if ((seq = seq_of(rest, ".dsse.json")) > 0) {
		if (v->env != NULL)
			problem(v, m, "envelope seq %" PRId64 " has no "
			    "metadata", v->env_seq);
		free(v->env);
		v->env = xmalloc(len + 1);
		memcpy(v->env, data, len + 1);
		v->env_len = len;
		v->env_seq = seq;
		memcpy(v->env_digest, d, sizeof(v->env_digest));
	} else if ((seq = seq_of(rest, ".json")) > 0)
		envelope_meta(v, m, seq, data, len);
	else
		problem(v, m, "not a member a bundle holds");
}

static void
records_member(struct vfy *v, const char *m, const char *data, size_t len)
{
	struct json_object	*o;
	const char		*p = data, *nl;
	size_t			 line = 1;
	char			 err[128];

	if (strcmp(m, "waivers.json") == 0 || strcmp(m, "audits.json") == 0) {
		json_object_put(parse(v, m, data, len));
		return;
	}
	for (; p < data + len; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(data + len - p))) == NULL)
			nl = data + len;
		if ((o = jsonutil_parse(p, (size_t)(nl - p), err,
		    sizeof(err))) == NULL) {
			problem(v, m, "line %zu: not JSON: %s", line, err);
			return;
		}
		json_object_put(o);
	}
}

/* SHA256SUMS: read in pieces, hashed and kept aside for a second pass. */
static int
listing_member(struct vfy *v, struct bundle_reader *r, const char *m)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	unsigned char	 want[DIGEST_SHA256_LEN];
	char		 buf[65536], err[256];
	long		 n;

	EVP_DigestInit_ex(md, digest_sha256_md(), NULL);
	v->sums_copy = tmpfile();
	while ((n = bundle_read(r, buf, sizeof(buf), err, sizeof(err))) > 0) {
		EVP_DigestUpdate(md, buf, (size_t)n);
		if (v->sums_copy != NULL)
			fwrite(buf, 1, (size_t)n, v->sums_copy);
	}
	EVP_DigestFinal_ex(md, v->sums, NULL);
	EVP_MD_CTX_free(md);
	if (n < 0) {
		problem(v, m, "%s", err);
		return -1;
	}
	v->have_sums = 1;
	EVP_DigestFinal_ex(v->listing, want, NULL);
	return memcmp(want, v->sums, sizeof(want)) == 0 ? 0 : 1;
}

static void
manifest_signed(struct vfy *v, const char *m, const char *data, size_t len)
{
	struct json_object	*o, *x;
	unsigned char		*payload;
	size_t			 plen;
	const char		*s;
	int64_t			 k;
	char			 err[256], hex[2 * DIGEST_SHA256_LEN + 1];

	if (v->manifest == NULL || v->lkey == NULL) {
		problem(v, m, "no manifest or ledger key before it");
		return;
	}
	if (envelope_verify(data, len, v->lkey, BUNDLE_MANIFEST_TYPE,
	    &payload, &plen, err, sizeof(err)) != ENVELOPE_OK) {
		problem(v, m, "the manifest's signature: %s", err);
		return;
	}
	if (plen != v->manifest_len || memcmp(payload, v->manifest, plen) != 0)
		problem(v, "manifest.json", "not the manifest that was signed");
	free(payload);
	if ((o = parse(v, "manifest.json", v->manifest, v->manifest_len)) ==
	    NULL)
		return;
	hex_encode_buf(v->sums, sizeof(v->sums), hex);
	if (jsonutil_get_string(o, "format", &s) == -1 ||
	    strcmp(s, BUNDLE_FORMAT) != 0)
		problem(v, "manifest.json", "not a %s manifest", BUNDLE_FORMAT);
	if (!json_object_object_get_ex(o, "listing", &x) ||
	    jsonutil_get_string(x, "sha256", &s) == -1 ||
	    !v->have_sums || strcmp(s, hex) != 0)
		problem(v, "SHA256SUMS", "does not match the signed manifest");
	if (!json_object_object_get_ex(o, "ledger", &x) ||
	    jsonutil_get_int64(x, "checkpoint_size", &k) == -1 ||
	    (uint64_t)k != v->cp.size)
		problem(v, "checkpoint", "is not the one the manifest names");
	if (!json_object_object_get_ex(o, "counts", &x) ||
	    jsonutil_get_int64(x, "envelopes", &k) == -1 ||
	    (uint64_t)k != v->st->envelopes)
		problem(v, "manifest.json", "counts other envelopes than the "
		    "bundle holds (%" PRIu64 ")", v->st->envelopes);
	else if (jsonutil_get_int64(x, "agents", &k) == -1 ||
	    (uint64_t)k != v->st->agents)
		problem(v, "manifest.json", "counts other agents than the "
		    "bundle holds (%" PRIu64 ")", v->st->agents);
	json_object_put(o);
	v->manifest_ok = 1;
}

static int
order_ok(struct vfy *v, const char *m, int phase)
{
	if (phase < v->phase) {
		problem(v, m, "out of place: bundles hold their members in a "
		    "fixed order");
		return 0;
	}
	v->phase = phase;
	return 1;
}

static void
member(struct vfy *v, struct bundle_reader *r, const char *m, int *listing_bad)
{
	const char	*data, *hex;
	size_t		 len;
	unsigned char	 d[DIGEST_SHA256_LEN];
	char		 err[256], line[DIGEST_SHA256_HEXLEN + 300];

	if (v->phase == PH_SIGNED) {
		problem(v, m, "after the signed manifest");
		return;
	}
	if (strcmp(m, "SHA256SUMS") == 0) {
		if (order_ok(v, m, PH_LISTING))
			*listing_bad = listing_member(v, r, m);
		return;
	}
	if (bundle_read_all(r, &data, &len, d, err, sizeof(err)) == -1) {
		problem(v, m, "%s", err);
		return;
	}
	if (strcmp(m, "manifest.json") == 0) {
		if (order_ok(v, m, PH_MANIFEST)) {
			free(v->manifest);
			v->manifest = xmalloc(len + 1);
			memcpy(v->manifest, data, len + 1);
			v->manifest_len = len;
		}
		return;
	}
	if (strcmp(m, "manifest.dsse.json") == 0) {
		if (order_ok(v, m, PH_SIGNED))
			manifest_signed(v, m, data, len);
		return;
	}
	snprintf(line, sizeof(line), "%s  %s\n",
	    hex_encode_buf(d, sizeof(d), (char[DIGEST_SHA256_HEXLEN]){ 0 }), m);
	EVP_DigestUpdate(v->listing, line, strlen(line));
	v->st->members++;

	if (strcmp(m, "ledger.pub") == 0) {
		if (order_ok(v, m, PH_LEDGER))
			ledger_pub(v, m, data, len);
	} else if (strcmp(m, "checkpoint") == 0) {
		if (order_ok(v, m, PH_LEDGER))
			checkpoint_member(v, m, data, len);
	} else if (strcmp(m, "consistency.json") == 0) {
		if (order_ok(v, m, PH_LEDGER))
			consistency(v, m, data, len);
	} else if ((hex = member_hex(m, "rules/")) != NULL) {
		if (order_ok(v, m, PH_RULES))
			rule_pack(v, m, hex, data, len, d);
	} else if (strcmp(m, "rulesets.json") == 0) {
		if (order_ok(v, m, PH_RULES)) {
			json_object_put(v->rulesets);
			v->rulesets = parse(v, m, data, len);
		}
	} else if (strncmp(m, "agents/", 7) == 0) {
		if (order_ok(v, m, PH_AGENTS))
			agents_member(v, m, data, len, d);
	} else if (strcmp(m, "waivers.json") == 0 ||
	    strcmp(m, "audits.json") == 0 || strcmp(m, "drift.jsonl") == 0 ||
	    strcmp(m, "security-events.jsonl") == 0) {
		if (order_ok(v, m, PH_RECORDS)) {
			agent_done(v);
			records_member(v, m, data, len);
		}
	} else
		problem(v, m, "not a member a bundle holds");
}

/*
 * The listing did not match: walk the archive again beside the listing
 * kept from the first pass and name the first member out of step.
 */
static void
second_pass(struct vfy *v, const char *path)
{
	struct bundle_reader	*r;
	const char		*m, *data;
	char			 line[512], want[512], err[256];
	char			 hex[DIGEST_SHA256_HEXLEN];
	unsigned char		 d[DIGEST_SHA256_LEN];
	size_t			 size, len;
	int			 rc = 0, found;

	if (v->sums_copy == NULL || (r = bundle_reader_open(path, err,
	    sizeof(err))) == NULL)
		return;
	rewind(v->sums_copy);
	while ((rc = bundle_next(r, &m, &size, err, sizeof(err))) == 1) {
		if (strcmp(m, "SHA256SUMS") == 0)
			break;
		if (strncmp(m, "manifest", 8) == 0)
			continue;
		if (bundle_read_all(r, &data, &len, d, err, sizeof(err)) == -1)
			break;
		hex_encode_buf(d, sizeof(d), hex);
		if (fgets(line, sizeof(line), v->sums_copy) == NULL) {
			problem(v, m, "added: not in the listing");
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) > 66 && strcmp(line + 66, m) == 0) {
			if (strncmp(line, hex, 64) != 0) {
				problem(v, m, "modified: its SHA-256 is %s, the "
				    "listing's %.64s", hex, line);
				break;
			}
			continue;
		}
		/* Out of step: is this member further down the listing
		 * (members before it were removed), higher up (moved), or
		 * nowhere (added)? */
		snprintf(want, sizeof(want), "%s", strlen(line) > 66 ?
		    line + 66 : line);
		found = 0;
		while (fgets(line, sizeof(line), v->sums_copy) != NULL)
			if (line[strcspn(line, "\n")] = '\0',
			    strlen(line) > 66 && strcmp(line + 66, m) == 0)
				found = 1;
		if (found) {
			/* Removed, or moved further on? */
			snprintf(line, sizeof(line), "%s", m);
			found = 0;
			while (!found && bundle_next(r, &m, &size, err,
			    sizeof(err)) == 1)
				found = strcmp(m, want) == 0;
			if (found)
				problem(v, want, "reordered: the bundle holds "
				    "it after %s", line);
			else
				problem(v, want, "missing: listed before %s, "
				    "which the bundle holds next", line);
			rc = 0;
		} else {
			rewind(v->sums_copy);
			while (fgets(line, sizeof(line), v->sums_copy) != NULL)
				if (line[strcspn(line, "\n")] = '\0',
				    strlen(line) > 66 &&
				    strcmp(line + 66, m) == 0)
					found = 1;
			if (found)
				problem(v, m, "reordered: listed before %s",
				    want);
			else
				problem(v, m, "added: not in the listing");
		}
		break;
	}
	if (rc == 1 && strcmp(m, "SHA256SUMS") == 0 &&
	    fgets(line, sizeof(line), v->sums_copy) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		problem(v, strlen(line) > 66 ? line + 66 : line, "missing: "
		    "listed, not in the bundle");
	}
	bundle_reader_close(r);
}

int
verify_bundle(const char *path, const struct verify_opts *o,
    struct verify_stats *st)
{
	struct vfy		 v;
	struct bundle_reader	*r;
	const char		*m;
	char			 err[256];
	size_t			 size, i;
	int			 rc, listing_bad = 0, status;

	memset(st, 0, sizeof(*st));
	memset(&v, 0, sizeof(v));
	v.o = o;
	v.st = st;
	if (o->ledger_key != NULL && (v.trusted = keys_load_public(
	    o->ledger_key, err, sizeof(err))) == NULL) {
		fprintf(o->out, "ERROR %s\n", err);
		return 2;
	}
	if ((r = bundle_reader_open(path, err, sizeof(err))) == NULL) {
		fprintf(o->out, "ERROR %s\n", err);
		EVP_PKEY_free(v.trusted);
		return 2;
	}
	v.listing = EVP_MD_CTX_new();
	EVP_DigestInit_ex(v.listing, digest_sha256_md(), NULL);
	while ((rc = bundle_next(r, &m, &size, err, sizeof(err))) == 1)
		member(&v, r, m, &listing_bad);
	if (rc == -1)
		problem(&v, path, "%s", err);
	bundle_reader_close(r);
	agent_done(&v);

	if (!v.have_cp)
		problem(&v, "checkpoint", "missing or not verified");
	if (!v.have_sums)
		problem(&v, "SHA256SUMS", "missing");
	else if (listing_bad) {
		problem(&v, "SHA256SUMS", "does not list the bundle's members "
		    "as they are");
		second_pass(&v, path);
	}
	if (!v.manifest_ok)
		problem(&v, "manifest.dsse.json", "missing: the manifest is "
		    "not signed");
	if (o->since != NULL && v.have_since && !v.consistency_ok)
		problem(&v, "consistency.json", "no valid proof that the "
		    "ledger extends the checkpoint you kept");
	if (v.trusted == NULL)
		fprintf(o->out, "NOTE the checkpoint and manifest were checked "
		    "with the ledger key inside the bundle; pass --ledger-key "
		    "with the key you trust\n");
	status = st->problems > 0 ? 1 : 0;

	EVP_MD_CTX_free(v.listing);
	EVP_PKEY_free(v.trusted);
	EVP_PKEY_free(v.lkey);
	free(v.claimed);
	for (i = 0; i < v.packs.n; i++)
		free(v.pack_bodies[i].data);
	free(v.pack_bodies);
	strv_free(&v.packs);
	json_object_put(v.rulesets);
	for (i = 0; i < v.nsets; i++) {
		free(v.set_digest[i]);
		free(v.timed[i]);
		ruleset_free(v.set[i]);
	}
	if (v.sums_copy != NULL)
		fclose(v.sums_copy);
	free(v.manifest);
	return status;
}
