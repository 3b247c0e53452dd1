/*
 * verify's second look at the results: every stored result set judged
 * again from the bundled envelope, sections and rule packs.  Judging is
 * most of verify's work, so an agent's documents of unchanged content
 * are judged once: the rules that can depend on time (ruleset_rule_timed)
 * run for every document, and the whole judgement is remembered by
 * (rule set, content, those rules' results).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "judge.h"
#include "jsonutil.h"
#include "rules.h"
#include "verify-int.h"
#include "xmalloc.h"

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
		verify_problem(v, member, "rule set %s is not in rulesets.json",
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
			verify_problem(v, member, "rule set %s: pack %s is not in the "
			    "bundle", digest, pd);
			goto out;
		}
		names[i] = v->packs.v[j];
		bufs[i] = v->pack_bodies[j].data;
		lens[i] = v->pack_bodies[j].len;
	}
	if ((rs = ruleset_load_packs(names, bufs, lens, n)) == NULL)
		verify_problem(v, member, "rule set %s does not load (see above)",
		    digest);
	else if (strcmp(ruleset_digest(rs), digest) != 0) {
		verify_problem(v, member, "the packs listed for rule set %s make %s",
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

	if ((p = verify_parse(v, m, (const char *)payload, plen)) == NULL)
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
				verify_problem(v, m, "section %s refers to %.80s, "
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
void
verify_reevaluate(struct vfy *v, const char *m, struct json_object *meta,
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
		verify_problem(v, m, "no evaluations");
		json_object_put(parsed);
		return;
	}
	n = json_object_array_length(evs);
	memset(&doc, 0, sizeof(doc));
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(evs, i);
		if (jsonutil_get_string(e, "ruleset", &set) == -1 ||
		    jsonutil_get_string(e, "results", &res) == -1) {
			verify_problem(v, m, "evaluation %zu: ruleset and results "
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
			verify_problem(v, m, "the stored results under rule set "
			    "%.19s… (%s) differ from the rules' results on "
			    "this evidence (%s)", set, res, got);
	}
	json_object_put(fast);
	json_object_put(parsed);
	store_doc_clear(&doc);
}
