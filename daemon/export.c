/*
 * Writing an auditor's bundle from the store (the layout is in
 * export.h).  One agent at a time, one document at a time: memory
 * depends on the largest agent's distinct sections and result sets,
 * never on the number of documents.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bundle.h"
#include "checkpoint.h"
#include "drift.h"
#include "encode.h"
#include "envelope.h"
#include "export.h"
#include "jsonutil.h"
#include "keys.h"
#include "store.h"
#include "strv.h"
#include "timefmt.h"
#include "waiver.h"
#include "xmalloc.h"

#define META_ORIGIN	"ledger_origin"		/* as ledger.c keeps it */
#define PAGE		1000

struct exp {
	struct store			*st;
	struct bundle_writer		*w;
	const struct export_request	*req;
	struct export_stats		*stats;
	struct checkpoint		 cp;
	const char			*agent;
	struct strv			 sections;	/* this agent's, written */
	struct strv			 results;	/* this agent's, needed */
	struct strv			 scope;		/* agent ids */
	uint64_t			 total;
	struct timespec			 shown;
	char				*err;
	size_t				 errlen;
};

static void
set_hash(struct json_object *o, const char *key, const unsigned char *h)
{
	char	*b64 = base64_encode(h, MERKLE_HASH_LEN, BASE64_STD);

	jsonutil_set_string(o, key, b64);
	free(b64);
}

/* Add a member holding obj's JSON text; obj is released. */
static int
exp_json(struct exp *e, const char *name, struct json_object *obj, int pretty)
{
	const char	*text = jsonutil_to_string(obj, pretty);
	int		 rc;

	rc = bundle_add(e->w, name, text, strlen(text), e->err, e->errlen);
	json_object_put(obj);
	return rc;
}

static void
exp_progress(struct exp *e, int last)
{
	struct timespec	now;

	if (!e->req->progress || e->total == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && (now.tv_sec - e->shown.tv_sec) * 1000 +
	    (now.tv_nsec - e->shown.tv_nsec) / 1000000 < 200)
		return;
	e->shown = now;
	fprintf(stderr, "\rexporting: %" PRIu64 "/%" PRIu64 " envelopes "
	    "(%3d%%)%s", e->stats->envelopes + e->stats->unledgered, e->total,
	    (int)((e->stats->envelopes + e->stats->unledgered) * 100 /
	    e->total), last ? "\n" : "");
}

static int
exp_rules(struct exp *e)
{
	char			(*sets)[STORE_DIGEST_LEN] = NULL, *name;
	struct store_pack_row	*packs;
	struct json_object	*all, *list, *p;
	struct strv		 written = { 0 };
	size_t			 nsets, npacks, i, j;
	int			 rc = -1;

	if (store_ruleset_list(e->st, &sets, &nsets) != STORE_OK) {
		snprintf(e->err, e->errlen, "the store failed (rule sets)");
		return -1;
	}
	all = json_object_new_object();
	for (i = 0; i < nsets; i++) {
		if (store_ruleset_get(e->st, sets[i], &packs, &npacks) !=
		    STORE_OK) {
			snprintf(e->err, e->errlen, "the store failed (rule "
			    "set %s)", sets[i]);
			goto out;
		}
		list = json_object_new_array();
		for (j = 0; j < npacks; j++) {
			p = json_object_new_object();
			jsonutil_set_string(p, "digest", packs[j].digest);
			jsonutil_set_string(p, "name", packs[j].name);
			jsonutil_set_string(p, "version", packs[j].version);
			json_object_array_add(list, p);
			if (strv_has(&written, packs[j].digest))
				continue;
			strv_add(&written, packs[j].digest);
			name = xasprintf("rules/%s.json", packs[j].digest + 7);
			rc = bundle_add(e->w, name, packs[j].body, packs[j].len,
			    e->err, e->errlen);
			free(name);
			if (rc == -1) {
				json_object_put(list);
				store_packs_free(packs, npacks);
				goto out;
			}
			rc = -1;
		}
		jsonutil_set(all, sets[i], list);
		store_packs_free(packs, npacks);
	}
	rc = exp_json(e, "rulesets.json", all, 1);
	all = NULL;
out:
	json_object_put(all);
	strv_free(&written);
	free(sets);
	return rc;
}

static struct json_object *
exp_meta(struct exp *e, const struct store_period_row *r,
    const unsigned char *proof, size_t nproof,
    const struct store_evaluation_row *ev, size_t nev)
{
	struct json_object	*m = json_object_new_object(), *a, *o, *c;
	static const char *const counts[STORE_NCOUNTS] = {
		"pass", "not_applicable", "error", "fail",
	};
	size_t			 i;
	int			 k;

	jsonutil_set_int64(m, "evidence_id", r->evidence_id);
	jsonutil_set_string(m, "agent_id", e->agent);
	jsonutil_set_int64(m, "seq", r->seq);
	jsonutil_set_time(m, "received_at", r->received_at);
	jsonutil_set_time(m, "collected_at", r->collected_at);
	jsonutil_set_string(m, "digest", r->digest);
	jsonutil_set_int64(m, "leaf_index", r->leaf_index);
	jsonutil_set_int64(m, "tree_size", (int64_t)e->cp.size);
	a = json_object_new_array();
	for (i = 0; i < nproof; i++) {
		char *b64 = base64_encode(proof + i * MERKLE_HASH_LEN,
		    MERKLE_HASH_LEN, BASE64_STD);

		json_object_array_add(a, json_object_new_string(b64));
		free(b64);
	}
	jsonutil_set(m, "inclusion_proof", a);
	a = json_object_new_array();
	for (i = 0; i < nev; i++) {
		o = json_object_new_object();
		jsonutil_set_string(o, "ruleset", ev[i].ruleset);
		jsonutil_set_string(o, "results", ev[i].results);
		jsonutil_set_time(o, "evaluated_at", ev[i].evaluated_at);
		c = json_object_new_object();
		for (k = 0; k < STORE_NCOUNTS; k++)
			jsonutil_set_int64(c, counts[k], ev[i].counts[k]);
		jsonutil_set(o, "counts", c);
		json_object_array_add(a, o);
	}
	jsonutil_set(m, "evaluations", a);
	return m;
}

static int
exp_document(void *arg, const struct store_period_row *r)
{
	struct exp			*e = arg;
	struct store_doc		 doc;
	struct store_evaluation_row	*ev = NULL;
	unsigned char			 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	size_t				 nproof, nev = 0, i;
	char				*name;
	int				 rc = -1;

	if (r->leaf_index < 0 || (uint64_t)r->leaf_index >= e->cp.size) {
		/* Not under the signed checkpoint yet: nothing in the
		 * bundle could prove it, so it waits for the next. */
		e->stats->unledgered++;
		exp_progress(e, 0);
		return 0;
	}
	if (store_doc_get(e->st, r->evidence_id, &doc) != STORE_OK ||
	    store_ledger_inclusion(e->st, (uint64_t)r->leaf_index, e->cp.size,
	    proof, &nproof) != STORE_OK ||
	    store_evaluations_of(e->st, r->evidence_id, &ev, &nev) !=
	    STORE_OK) {
		snprintf(e->err, e->errlen, "the store failed (evidence %"
		    PRId64 ")", r->evidence_id);
		store_doc_clear(&doc);
		free(ev);
		return -1;
	}
	for (i = 0; i < doc.nrefs; i++) {
		if (strv_has(&e->sections, doc.refs[i].digest))
			continue;
		strv_add(&e->sections, doc.refs[i].digest);
		name = xasprintf("agents/%s/sections/%s.json", e->agent,
		    doc.refs[i].digest + 7);
		rc = bundle_add(e->w, name, doc.refs[i].body, doc.refs[i].len,
		    e->err, e->errlen);
		free(name);
		if (rc == -1)
			goto out;
		rc = -1;
	}
	name = xasprintf("agents/%s/evidence/%" PRId64 ".dsse.json", e->agent,
	    r->seq);
	rc = bundle_add(e->w, name, doc.envelope, doc.envelope_len, e->err,
	    e->errlen);
	free(name);
	if (rc == -1)
		goto out;
	name = xasprintf("agents/%s/evidence/%" PRId64 ".json", e->agent,
	    r->seq);
	rc = exp_json(e, name, exp_meta(e, r, proof, nproof, ev, nev), 0);
	free(name);
	if (rc == -1)
		goto out;
	for (i = 0; i < nev; i++)
		if (!strv_has(&e->results, ev[i].results))
			strv_add(&e->results, ev[i].results);
	e->stats->envelopes++;
	exp_progress(e, 0);
out:
	store_doc_clear(&doc);
	free(ev);
	return rc;
}

static struct json_object *
exp_agent_json(const struct store_agent *a)
{
	struct json_object	*o = json_object_new_object();

	jsonutil_set_string(o, "id", a->id);
	jsonutil_set_string(o, "hostname", a->hostname);
	jsonutil_set_string(o, "machine_id", a->machine_id);
	jsonutil_set_string(o, "keyid", a->keyid);
	jsonutil_set_string(o, "public_key", a->pubkey_pem);
	jsonutil_set_time(o, "enrolled_at", a->enrolled_at);
	jsonutil_set_string(o, "enrollment_token", a->token_id);
	if (a->revoked_at != 0)
		jsonutil_set_time(o, "revoked_at", a->revoked_at);
	if (a->cert_not_after != 0)
		jsonutil_set_time(o, "certificate_not_after", a->cert_not_after);
	return o;
}

static int
exp_agent(struct exp *e, const struct store_agent *a)
{
	char	*name, *body;
	size_t	 len, i;
	int	 rc;

	e->agent = a->id;
	name = xasprintf("agents/%s/agent.json", a->id);
	rc = exp_json(e, name, exp_agent_json(a), 1);
	free(name);
	if (rc == -1)
		return -1;
	if (store_evidence_period(e->st, a->id, e->stats->from, e->stats->to,
	    exp_document, e) != STORE_OK) {
		if (e->err[0] == '\0')
			snprintf(e->err, e->errlen, "the store failed "
			    "(evidence of %s)", a->id);
		return -1;
	}
	for (i = 0; i < e->results.n && rc == 0; i++) {
		if (store_result_set_get(e->st, e->results.v[i], &body, &len) !=
		    STORE_OK) {
			snprintf(e->err, e->errlen, "the store failed (result "
			    "set %s)", e->results.v[i]);
			return -1;
		}
		name = xasprintf("agents/%s/results/%s.json", a->id,
		    e->results.v[i] + 7);
		rc = bundle_add(e->w, name, body, len, e->err, e->errlen);
		free(name);
		free(body);
	}
	strv_free(&e->sections);
	strv_free(&e->results);
	e->stats->agents++;
	return rc;
}

static int
agent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_agent *)a)->id,
	    ((const struct store_agent *)b)->id);
}

/* Whether agent a is in the bundle: named (by id or hostname) when hosts
 * are given, else enrolled by the end of the period and not revoked
 * before its start. */
static int
exp_in_scope(const struct exp *e, const struct store_agent *a)
{
	const struct strv	*h = e->req->hosts;

	if (h != NULL && h->n > 0)
		return strv_has(h, a->id) || strv_has(h, a->hostname);
	return a->enrolled_at <= e->stats->to &&
	    (a->revoked_at == 0 || a->revoked_at >= e->stats->from);
}

static int
exp_agents(struct exp *e)
{
	struct store_agent	*agents;
	size_t			 n, i, j;
	int			 rc = 0, found;

	if (store_agent_list(e->st, &agents, &n) != STORE_OK) {
		snprintf(e->err, e->errlen, "the store failed (agents)");
		return -1;
	}
	qsort(agents, n, sizeof(*agents), agent_cmp);
	for (i = 0; e->req->hosts != NULL && i < e->req->hosts->n; i++) {
		for (j = 0, found = 0; j < n && !found; j++)
			found = strcmp(agents[j].id, e->req->hosts->v[i]) ==
			    0 || strcmp(agents[j].hostname,
			    e->req->hosts->v[i]) == 0;
		if (!found) {
			snprintf(e->err, e->errlen, "no agent has the id or "
			    "hostname \"%s\"", e->req->hosts->v[i]);
			rc = -1;
		}
	}
	for (i = 0; i < n && rc == 0; i++)
		if (exp_in_scope(e, &agents[i]))
			strv_add(&e->scope, agents[i].id);
	for (i = 0; i < n && rc == 0; i++)
		if (strv_has(&e->scope, agents[i].id))
			rc = exp_agent(e, &agents[i]);
	store_agent_list_free(agents, n);
	return rc;
}

/* Waivers in force at some time in the period, audits started by its
 * end, drift items open at some time in it, security events in it. */
static int
exp_records(struct exp *e)
{
	struct store_waiver		*wv;
	struct store_audit		*au;
	struct store_drift		*d;
	struct store_security_event_row	*se;
	struct store_drift_filter	 f = { .limit = PAGE };
	struct json_object		*arr, *o;
	FILE				*fp;
	char				*buf = NULL;
	size_t				 n, i, len = 0;
	int64_t				 after = 0;
	time_t				 from = e->stats->from, to = e->stats->to;
	int				 rc;

	if (store_waiver_list(e->st, &wv, &n) != STORE_OK)
		goto fail;
	arr = json_object_new_array();
	for (i = n; i-- > 0; )
		if (wv[i].created_at <= to && wv[i].expires_at >= from &&
		    (wv[i].removed_at == 0 || wv[i].removed_at >= from))
			json_object_array_add(arr, waiver_json(&wv[i], to));
	free(wv);
	if (exp_json(e, "waivers.json", arr, 1) == -1)
		return -1;

	if (store_audit_list(e->st, &au, &n) != STORE_OK)
		goto fail;
	arr = json_object_new_array();
	for (i = n; i-- > 0; )
		if (au[i].started_at <= to)
			json_object_array_add(arr, audit_json(&au[i]));
	free(au);
	if (exp_json(e, "audits.json", arr, 1) == -1)
		return -1;

	/* JSON Lines, built in a memory stream: one line per item. */
	fp = open_memstream(&buf, &len);
	do {
		f.after_id = after;
		if (store_drift_list(e->st, &f, &d, &n) != STORE_OK) {
			fclose(fp);
			free(buf);
			goto fail;
		}
		for (i = 0; i < n; i++) {
			after = d[i].id;
			if (d[i].opened_at > to || (d[i].resolved_at != 0 &&
			    d[i].resolved_at < from) || (d[i].agent_id[0] !=
			    '\0' && !strv_has(&e->scope, d[i].agent_id)))
				continue;
			o = drift_json(&d[i]);
			fprintf(fp, "%s\n", jsonutil_to_string(o, 0));
			json_object_put(o);
		}
		store_drift_list_free(d, n);
	} while (n == PAGE);
	fclose(fp);
	rc = bundle_add(e->w, "drift.jsonl", buf, len, e->err, e->errlen);
	free(buf);
	if (rc == -1)
		return -1;

	buf = NULL;
	len = 0;
	fp = open_memstream(&buf, &len);
	after = 0;
	do {
		if (store_security_events_after(e->st, after, PAGE, &se, &n) !=
		    STORE_OK) {
			fclose(fp);
			free(buf);
			goto fail;
		}
		for (i = 0; i < n; i++) {
			after = se[i].id;
			if (se[i].at < from || se[i].at > to ||
			    (se[i].agent_id[0] != '\0' &&
			    !strv_has(&e->scope, se[i].agent_id)))
				continue;
			o = json_object_new_object();
			jsonutil_set_int64(o, "id", se[i].id);
			jsonutil_set_time(o, "at", se[i].at);
			jsonutil_set_string(o, "agent_id", se[i].agent_id);
			jsonutil_set_string(o, "kind", se[i].kind);
			jsonutil_set_string(o, "peer", se[i].peer);
			jsonutil_set_string(o, "detail", se[i].detail);
			fprintf(fp, "%s\n", jsonutil_to_string(o, 0));
			json_object_put(o);
		}
		free(se);
	} while (n == PAGE);
	fclose(fp);
	rc = bundle_add(e->w, "security-events.jsonl", buf, len, e->err,
	    e->errlen);
	free(buf);
	return rc;
fail:
	snprintf(e->err, e->errlen, "the store failed (waivers, audits, drift "
	    "or security events)");
	return -1;
}

/* The period an audit covers: from the audit before it (or the start)
 * to its own start, when its baseline froze what the auditors examine. */
static int
exp_period(struct exp *e)
{
	struct store_audit	*au;
	size_t			 n, i;

	e->stats->from = e->req->from;
	e->stats->to = e->req->to;
	if (e->req->audit == NULL)
		return 0;
	if (store_audit_list(e->st, &au, &n) != STORE_OK) {
		snprintf(e->err, e->errlen, "the store failed (audits)");
		return -1;
	}
	for (i = 0; i < n && strcmp(au[i].name, e->req->audit) != 0; i++)
		;
	if (i == n) {
		snprintf(e->err, e->errlen, "no audit is named \"%s\" "
		    "(exhibitctl audit list shows them)", e->req->audit);
		free(au);
		return -1;
	}
	e->stats->to = au[i].started_at;
	e->stats->from = i + 1 < n ? au[i + 1].started_at : 0;
	free(au);
	return 0;
}

static int
exp_ledger(struct exp *e, EVP_PKEY *key, char **origin,
    struct store_checkpoint *sc)
{
	struct checkpoint	 old;
	unsigned char		 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	merkle_hash		 root;
	struct json_object	*o, *a;
	char			 cerr[256], *b64;
	size_t			 n, i;

	if (store_meta_get(e->st, META_ORIGIN, origin) != STORE_OK ||
	    store_checkpoint_latest(e->st, sc) != STORE_OK) {
		snprintf(e->err, e->errlen, "the ledger has no signed "
		    "checkpoint yet: the daemon signs one every "
		    "checkpoint_interval, or on POST /v1/ledger/checkpoint");
		return -1;
	}
	if (checkpoint_verify(sc->note, strlen(sc->note), key, *origin, &e->cp,
	    cerr, sizeof(cerr)) == -1) {
		snprintf(e->err, e->errlen, "the newest stored checkpoint does "
		    "not verify with this state directory's ledger key: %s",
		    cerr);
		return -1;
	}
	if (bundle_add(e->w, "checkpoint", sc->note, strlen(sc->note), e->err,
	    e->errlen) == -1)
		return -1;
	e->stats->checkpoint_size = e->cp.size;
	if (e->req->since == NULL)
		return 0;
	if (checkpoint_verify(e->req->since, e->req->since_len, key, *origin,
	    &old, cerr, sizeof(cerr)) == -1) {
		snprintf(e->err, e->errlen, "the checkpoint kept from last "
		    "time is not one of this ledger's: %s", cerr);
		return -1;
	}
	if (old.size > e->cp.size) {
		snprintf(e->err, e->errlen, "the checkpoint kept from last "
		    "time covers %" PRIu64 " entries, the ledger's newest only "
		    "%" PRIu64 ": the ledger was rolled back", old.size,
		    e->cp.size);
		return -1;
	}
	if (store_ledger_root(e->st, old.size, root) != STORE_OK ||
	    memcmp(root, old.root, MERKLE_HASH_LEN) != 0 ||
	    store_ledger_consistency(e->st, old.size, e->cp.size, proof, &n) !=
	    STORE_OK) {
		snprintf(e->err, e->errlen, "the ledger does not hold the tree "
		    "the checkpoint kept from last time signed (%" PRIu64
		    " entries): it was altered", old.size);
		return -1;
	}
	o = json_object_new_object();
	jsonutil_set_int64(o, "from_size", (int64_t)old.size);
	set_hash(o, "from_root", old.root);
	jsonutil_set_int64(o, "to_size", (int64_t)e->cp.size);
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		b64 = base64_encode(proof + i * MERKLE_HASH_LEN,
		    MERKLE_HASH_LEN, BASE64_STD);
		json_object_array_add(a, json_object_new_string(b64));
		free(b64);
	}
	jsonutil_set(o, "proof", a);
	return exp_json(e, "consistency.json", o, 1);
}

static struct json_object *
exp_manifest(struct exp *e, const char *origin, EVP_PKEY *key,
    const unsigned char listing[DIGEST_SHA256_LEN])
{
	struct json_object	*m = json_object_new_object(), *o;
	const struct export_request *req = e->req;
	char			 keyid[KEYS_KEYID_HEXLEN];
	char			 hex[2 * DIGEST_SHA256_LEN + 1];

	jsonutil_set_string(m, "format", BUNDLE_FORMAT);
	jsonutil_set_time(m, "created_at", timefmt_now());
	jsonutil_set_string(m, "created_by", req->by);
	o = json_object_new_object();
	if (req->audit != NULL)
		jsonutil_set_string(o, "audit", req->audit);
	else {
		jsonutil_set_time(o, "from", req->from);
		jsonutil_set_time(o, "to", req->to);
	}
	if (req->hosts != NULL && req->hosts->n > 0)
		jsonutil_set(o, "hosts", strv_json(req->hosts));
	if (req->controls != NULL && req->controls->n > 0)
		jsonutil_set(o, "controls", strv_json(req->controls));
	jsonutil_set(m, "request", o);
	o = json_object_new_object();
	jsonutil_set_time(o, "from", e->stats->from);
	jsonutil_set_time(o, "to", e->stats->to);
	jsonutil_set(m, "period", o);
	o = json_object_new_object();
	jsonutil_set_string(o, "origin", origin);
	jsonutil_set_string(o, "key_id", keys_keyid(key, keyid));
	jsonutil_set_int64(o, "checkpoint_size", (int64_t)e->cp.size);
	set_hash(o, "root", e->cp.root);
	jsonutil_set(m, "ledger", o);
	o = json_object_new_object();
	jsonutil_set_int64(o, "agents", (int64_t)e->stats->agents);
	jsonutil_set_int64(o, "envelopes", (int64_t)e->stats->envelopes);
	jsonutil_set_int64(o, "after_checkpoint",
	    (int64_t)e->stats->unledgered);
	jsonutil_set_int64(o, "members", (int64_t)bundle_members(e->w));
	jsonutil_set(m, "counts", o);
	o = json_object_new_object();
	jsonutil_set_string(o, "name", "SHA256SUMS");
	hex_encode_buf(listing, DIGEST_SHA256_LEN, hex);
	jsonutil_set(o, "sha256", json_object_new_string(hex));
	jsonutil_set(m, "listing", o);
	return m;
}

int
export_bundle(struct store *st, const char *state_dir,
    const struct export_request *req, const char *path,
    struct export_stats *stats, char *err, size_t errlen)
{
	struct exp		 e;
	struct store_checkpoint	 sc = { 0 };
	struct json_object	*m = NULL;
	EVP_PKEY		*key;
	unsigned char		 listing[DIGEST_SHA256_LEN];
	const char		*text;
	char			*origin = NULL, *kpath, *pem, *signed_;
	char			 kerr[256];
	int			 rc = -1;

	memset(stats, 0, sizeof(*stats));
	memset(&e, 0, sizeof(e));
	e.st = st;
	e.req = req;
	e.stats = stats;
	e.err = err;
	e.errlen = errlen;
	err[0] = '\0';

	kpath = xasprintf("%s/ledger.key", state_dir);
	key = keys_load_private(kpath, kerr, sizeof(kerr));
	free(kpath);
	if (key == NULL) {
		snprintf(err, errlen, "the ledger key signs the bundle: %s",
		    kerr);
		return -1;
	}
	if (exp_period(&e) == -1)
		goto out;
	if (stats->from > stats->to) {
		snprintf(err, errlen, "the period ends before it starts");
		goto out;
	}
	if (req->progress && store_evidence_period_count(st, NULL,
	    stats->from, stats->to, &e.total) != STORE_OK)
		e.total = 0;
	if ((e.w = bundle_writer_open(path, timefmt_now(), err, errlen)) ==
	    NULL)
		goto out;
	pem = keys_public_to_pem(key);
	rc = bundle_add(e.w, "ledger.pub", pem, strlen(pem), err, errlen);
	free(pem);
	if (rc == -1 || (rc = -1, exp_ledger(&e, key, &origin, &sc)) == -1 ||
	    exp_rules(&e) == -1 || exp_agents(&e) == -1 ||
	    exp_records(&e) == -1 ||
	    bundle_add_listing(e.w, "SHA256SUMS", listing, err, errlen) == -1)
		goto out;
	exp_progress(&e, 1);
	m = exp_manifest(&e, origin, key, listing);
	text = jsonutil_to_string(m, 1);
	signed_ = envelope_sign(key, BUNDLE_MANIFEST_TYPE, text, strlen(text));
	if (bundle_add_unlisted(e.w, "manifest.json", text, strlen(text), err,
	    errlen) == 0 && bundle_add_unlisted(e.w, "manifest.dsse.json",
	    signed_, strlen(signed_), err, errlen) == 0) {
		stats->members = bundle_members(e.w);
		rc = bundle_writer_close(e.w, err, errlen);
		e.w = NULL;
	}
	free(signed_);
out:
	if (e.w != NULL)
		bundle_writer_abort(e.w);
	json_object_put(m);
	store_checkpoint_clear(&sc);
	strv_free(&e.sections);
	strv_free(&e.results);
	strv_free(&e.scope);
	free(origin);
	EVP_PKEY_free(key);
	return rc;
}
