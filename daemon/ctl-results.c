/*
 * Printing rule results for people: grouped by ISO 27001:2022 control,
 * the way an auditor walks the Statement of Applicability, with what was
 * expected, what was observed and which file said so under every result
 * that needs a look.  And the same as JSON for programs.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "controls.h"
#include "ctl.h"
#include "jsonutil.h"
#include "rules.h"
#include "xmalloc.h"

#define FRAMEWORK	"iso27001:2022"

static void
print_observed(FILE *out, struct json_object *obs)
{
	struct json_object	*v;
	const char		*path;
	size_t			 i, n;
	int64_t			 count;

	n = json_object_array_length(obs);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(obs, i);
		if (jsonutil_get_string(v, "path", &path) == -1)
			continue;
		fprintf(out, "         %-9s %s", i == 0 ? "observed" : "", path);
		if (jsonutil_get_int64(v, "count", &count) == 0)
			fprintf(out, ": count %lld\n", (long long)count);
		else if (json_object_object_get_ex(v, "missing", NULL))
			fprintf(out, ": (missing)\n");
		else if (json_object_object_get_ex(v, "value", &v))
			fprintf(out, " = %s\n", json_object_to_json_string_ext(
			    v, JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			fprintf(out, "\n");
	}
}

static void
print_sources(FILE *out, struct json_object *srcs)
{
	struct json_object	*s;
	const char		*path, *sha, *status;
	int64_t			 line;
	size_t			 i, n;

	n = json_object_array_length(srcs);
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(srcs, i);
		if (jsonutil_get_string(s, "path", &path) == -1)
			continue;
		fprintf(out, "         %-9s %s", i == 0 ? "source" : "", path);
		if (jsonutil_get_int64(s, "line", &line) == 0)
			fprintf(out, ":%lld", (long long)line);
		if (jsonutil_get_string(s, "sha256", &sha) == 0)
			fprintf(out, " (sha256 %.16s)", sha);
		else if (jsonutil_get_string(s, "status", &status) == 0)
			fprintf(out, " (%s)", status);
		fprintf(out, "\n");
	}
}

void
ctl_result_detail(FILE *out, struct json_object *res)
{
	struct json_object	*v;
	const char		*s;

	if (jsonutil_get_string(res, "expected", &s) == 0)
		fprintf(out, "         %-9s %s\n", "expected", s);
	if (jsonutil_get_array(res, "observed", &v) == 0)
		print_observed(out, v);
	if (json_object_object_get_ex(res, "observed_truncated", NULL))
		fprintf(out, "         %-9s (more values not shown)\n", "");
	if (jsonutil_get_array(res, "sources", &v) == 0)
		print_sources(out, v);
	if (jsonutil_get_string(res, "message", &s) == 0)
		fprintf(out, "         %-9s %s\n", "note", s);
}

/* Counts per status of the results that name a control. */
static void
count_control(const struct ruleset *rules, struct json_object *results,
    const char *control, size_t counts[RULE_NSTATUS])
{
	const struct rule_info	*ri;
	struct json_object	*r;
	enum rule_status	 st;
	const char		*id, *s;
	size_t			 i, n;

	memset(counts, 0, RULE_NSTATUS * sizeof(*counts));
	n = json_object_array_length(results);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(results, i);
		if (jsonutil_get_string(r, "rule", &id) == -1 ||
		    jsonutil_get_string(r, "status", &s) == -1 ||
		    rule_status_parse(s, &st) == -1 ||
		    (ri = ruleset_find(rules, id)) == NULL)
			continue;
		if (control == NULL || rule_has_control(ri, FRAMEWORK,
		    control))
			counts[st]++;
	}
}

static void
print_counts(FILE *out, const size_t counts[RULE_NSTATUS])
{
	static const enum rule_status order[] = { RULE_FAIL, RULE_ERROR,
	    RULE_WAIVED, RULE_PASS, RULE_NOT_APPLICABLE };
	size_t	 i;
	int	 first = 1;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (counts[order[i]] == 0)
			continue;
		fprintf(out, "%s%zu %s", first ? "" : ", ", counts[order[i]],
		    rule_status_str(order[i]));
		first = 0;
	}
	if (first)
		fprintf(out, "no rules");
}

int
ctl_results_table(FILE *out, const struct ruleset *rules,
    struct json_object *results, int all)
{
	const struct control	*c;
	const struct rule_info	*ri;
	struct json_object	*r;
	enum rule_status	 st;
	size_t			 counts[RULE_NSTATUS], i, j, n, nc;
	const char		*id, *s;

	n = json_object_array_length(results);
	nc = controls_count(FRAMEWORK);
	for (i = 0; i < nc; i++) {
		c = controls_at(FRAMEWORK, i);
		count_control(rules, results, c->id, counts);
		if (counts[RULE_PASS] + counts[RULE_FAIL] + counts[RULE_ERROR] +
		    counts[RULE_NOT_APPLICABLE] + counts[RULE_WAIVED] == 0)
			continue;
		fprintf(out, "%s %s: ", c->id, c->title);
		print_counts(out, counts);
		fprintf(out, "\n");
		for (j = 0; j < n; j++) {
			r = json_object_array_get_idx(results, j);
			if (jsonutil_get_string(r, "rule", &id) == -1 ||
			    jsonutil_get_string(r, "status", &s) == -1 ||
			    rule_status_parse(s, &st) == -1 ||
			    (ri = ruleset_find(rules, id)) == NULL ||
			    !rule_has_control(ri, FRAMEWORK, c->id))
				continue;
			fprintf(out, "  %-8s %-14s %-8s %s\n", s, id,
			    ri->severity, ri->title);
			if (all || st == RULE_FAIL || st == RULE_ERROR ||
			    st == RULE_WAIVED)
				ctl_result_detail(out, r);
		}
	}
	count_control(rules, results, NULL, counts);
	fprintf(out, "%zu rules: ", n);
	print_counts(out, counts);
	fprintf(out, "\n");
	return counts[RULE_FAIL] + counts[RULE_ERROR] > 0 ? 1 : 0;
}

int
ctl_results_json(FILE *out, const struct ruleset *rules,
    struct json_object *doc, struct json_object *results)
{
	struct rule_pack_info	 pi;
	const struct rule_info	*ri;
	struct json_object	*o, *packs, *p, *list, *r, *host, *v;
	size_t			 counts[RULE_NSTATUS], i, n;
	const char		*id;

	o = json_object_new_object();
	if (jsonutil_get_object(doc, "host", &host) == 0)
		jsonutil_set(o, "host", json_object_get(host));
	if (json_object_object_get_ex(doc, "collected_at", &v))
		jsonutil_set(o, "collected_at", json_object_get(v));
	packs = json_object_new_array();
	for (i = 0; i < ruleset_pack_count(rules); i++) {
		ruleset_pack(rules, i, &pi);
		p = json_object_new_object();
		jsonutil_set_string(p, "pack", pi.name);
		jsonutil_set_string(p, "version", pi.version);
		jsonutil_set_string(p, "digest", pi.digest);
		json_object_array_add(packs, p);
	}
	jsonutil_set(o, "packs", packs);
	list = json_object_new_array();
	n = json_object_array_length(results);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(results, i);
		if (jsonutil_get_string(r, "rule", &id) == -1 ||
		    (ri = ruleset_find(rules, id)) == NULL)
			continue;
		p = json_object_new_object();
		json_object_object_foreach(r, key, val)
			jsonutil_set(p, key, json_object_get(val));
		jsonutil_set_string(p, "title", ri->title);
		jsonutil_set_string(p, "severity", ri->severity);
		jsonutil_set(p, "controls", json_object_get(ri->controls));
		ruleset_pack(rules, ri->pack, &pi);
		jsonutil_set_string(p, "pack", pi.name);
		json_object_array_add(list, p);
	}
	jsonutil_set(o, "results", list);
	fprintf(out, "%s\n", jsonutil_to_string(o, 1));
	json_object_put(o);
	count_control(rules, results, NULL, counts);
	return counts[RULE_FAIL] + counts[RULE_ERROR] > 0 ? 1 : 0;
}
