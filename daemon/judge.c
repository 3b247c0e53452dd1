/*
 * Judging a stored document (judge.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "digest.h"
#include "evidence-doc.h"
#include "judge.h"
#include "jsonutil.h"
#include "rules.h"
#include "xmalloc.h"

static struct json_object *
results_unjudgeable(const struct ruleset *set, const char *why)
{
	struct json_object	*arr, *r;
	size_t			 i;

	arr = json_object_new_array();
	for (i = 0; i < ruleset_rule_count(set); i++) {
		r = json_object_new_object();
		jsonutil_set_string(r, "rule", ruleset_rule(set, i)->id);
		jsonutil_set_string(r, "status", "error");
		jsonutil_set(r, "observed", json_object_new_array());
		jsonutil_set(r, "sources", json_object_new_array());
		jsonutil_set_string(r, "message", why);
		json_object_array_add(arr, r);
	}
	return arr;
}

void
rule_statuses_of(struct json_object *results, struct rule_statuses *rs)
{
	struct json_object	*r;
	enum rule_status	 st;
	const char		*s, *id;
	size_t			 i, n, len, off;

	memset(rs, 0, sizeof(*rs));
	if (!json_object_is_type(results, json_type_array))
		return;
	n = json_object_array_length(results);
	for (i = 0, len = 0; i < n; i++) {
		r = json_object_array_get_idx(results, i);
		if (jsonutil_get_string(r, "rule", &id) == 0)
			len += strlen(id) + 1;
	}
	rs->rule = xcalloc(n ? n : 1, sizeof(*rs->rule));
	rs->status = xcalloc(n ? n : 1, sizeof(*rs->status));
	rs->ids = xmalloc(len ? len : 1);
	for (i = 0, off = 0; i < n; i++) {
		r = json_object_array_get_idx(results, i);
		if (jsonutil_get_string(r, "rule", &id) == -1)
			continue;
		len = strlen(id) + 1;
		memcpy(rs->ids + off, id, len);
		rs->rule[rs->n] = rs->ids + off;
		off += len;
		rs->status[rs->n++] = jsonutil_get_string(r, "status", &s) ==
		    0 && rule_status_parse(s, &st) == 0 ? (int)st : -1;
	}
}

long
rule_statuses_find(const struct rule_statuses *rs, const char *rule,
    size_t hint)
{
	size_t	i;

	if (hint < rs->n && strcmp(rs->rule[hint], rule) == 0)
		return (long)hint;
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->rule[i], rule) == 0)
			return (long)i;
	return -1;
}

void
rule_statuses_clear(struct rule_statuses *rs)
{
	free(rs->rule);
	free(rs->status);
	free(rs->ids);
	memset(rs, 0, sizeof(*rs));
}

static void
judge_finish(struct judgement *j)
{
	const char		*text;
	char			 hex[DIGEST_SHA256_HEXLEN];
	size_t			 i;

	rule_statuses_of(j->results, &j->statuses);
	for (i = 0; i < j->statuses.n; i++)
		if (j->statuses.status[i] >= 0 &&
		    j->statuses.status[i] < STORE_NCOUNTS)
			j->counts[j->statuses.status[i]]++;
	text = json_object_to_json_string_ext(j->results,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	j->len = strlen(text);
	j->text = xstrdup(text);
	snprintf(j->digest, sizeof(j->digest), "sha256:%s",
	    digest_sha256_hex(j->text, j->len, hex));
}

void
judge_doc(const struct ruleset *set, struct json_object *doc,
    struct judgement *j)
{
	memset(j, 0, sizeof(*j));
	j->results = ruleset_evaluate(set, doc);
	judge_finish(j);
}

void
judge(const struct ruleset *set, const struct store_doc *d,
    struct judgement *j)
{
	struct json_object	*doc;
	char			 err[256];

	if ((doc = evidence_doc(d, err, sizeof(err))) == NULL) {
		memset(j, 0, sizeof(*j));
		j->results = results_unjudgeable(set, err);
		judge_finish(j);
		return;
	}
	judge_doc(set, doc, j);
	json_object_put(doc);
}

void
judgement_compact(struct judgement *j)
{
	json_object_put(j->results);
	j->results = NULL;
}

void
judgement_clear(struct judgement *j)
{
	json_object_put(j->results);
	free(j->text);
	rule_statuses_clear(&j->statuses);
	memset(j, 0, sizeof(*j));
}

enum store_status
ruleset_record(struct store *st, const struct ruleset *set, time_t now)
{
	struct store_pack	*packs;
	struct rule_pack_info	 pi;
	enum store_status	 rc;
	size_t			 i, n;

	n = ruleset_pack_count(set);
	packs = xcalloc(n ? n : 1, sizeof(*packs));
	for (i = 0; i < n; i++) {
		ruleset_pack(set, i, &pi);
		packs[i].digest = pi.digest;
		packs[i].name = pi.name;
		packs[i].version = pi.version;
		packs[i].body = pi.body;
		packs[i].len = pi.body_len;
	}
	rc = store_ruleset_add(st, ruleset_digest(set), packs, n, now);
	free(packs);
	return rc;
}
