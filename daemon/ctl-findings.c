/*
 * exhibitctl hosts|findings|controls: the stored results, as the API
 * gives them (findings.c answers both), in tables for people or JSON.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "findings.h"
#include "jsonutil.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "timefmt.h"

const char ctl_findings_usage[] =
"usage: exhibitctl hosts [--at TIME] [--host H] [--json]\n"
"       exhibitctl findings [--host H] [--control C] [--rule R]\n"
"                           [--status S] [--at TIME] [--json] [--all]\n"
"       exhibitctl controls [--host H] [--control C] [--at TIME] [--json]\n"
"                           [--all]\n"
"\n"
"The results of the stored evidence, waivers applied, as they stood at\n"
"TIME (RFC 3339 or YYYY-MM-DD; default: now).\n"
"\n"
"  --host H      an agent id or hostname\n"
"  --control C   an ISO 27001:2022 control, such as A.8.5\n"
"  --rule R      a rule id\n"
"  --status S    pass, fail, error, not_applicable or waived\n"
"  --json        JSON, as the API returns it\n"
"  --all         findings: details under every result, not only\n"
"                failures, errors and waivers; controls: also the\n"
"                controls no rule evidences\n";

static const char *
str(struct json_object *o, const char *key)
{
	const char	*s;

	return jsonutil_get_string(o, key, &s) == 0 ? s : "-";
}

static int64_t
num(struct json_object *o, const char *key)
{
	int64_t	 v;

	return jsonutil_get_int64(o, key, &v) == 0 ? v : 0;
}

static void
print_hosts(struct json_object *list)
{
	struct json_object	*h, *c;
	size_t			 i, n;

	n = json_object_array_length(list);
	printf("%-30s %-24s %-20s %5s %5s %5s %5s %5s %5s\n", "AGENT",
	    "HOSTNAME", "LAST SEEN", "SCORE", "PASS", "FAIL", "ERROR", "WAIV",
	    "N/A");
	for (i = 0; i < n; i++) {
		h = json_object_array_get_idx(list, i);
		printf("%-30s %-24.24s %-20s ", str(h, "agent_id"),
		    str(h, "hostname"), str(h, "last_seen"));
		if (jsonutil_get_object(h, "counts", &c) == -1) {
			printf("(no evidence judged yet)\n");
			continue;
		}
		if (json_object_object_get_ex(h, "score", NULL))
			printf("%4lld%%", (long long)num(h, "score"));
		else
			printf("%5s", "-");
		printf(" %5lld %5lld %5lld %5lld %5lld\n",
		    (long long)num(c, "pass"), (long long)num(c, "fail"),
		    (long long)num(c, "error"), (long long)num(c, "waived"),
		    (long long)num(c, "not_applicable"));
	}
	if (n == 0)
		printf("(no hosts enrolled)\n");
}

static void
print_findings(struct json_object *list, int all)
{
	struct json_object	*r, *w;
	const char		*st;
	size_t			 i, n;

	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(list, i);
		st = str(r, "status");
		printf("%-24.24s %-8s %-14s %-8s %s\n", str(r, "hostname"), st,
		    str(r, "rule"), str(r, "severity"), str(r, "title"));
		if (all || strcmp(st, "fail") == 0 ||
		    strcmp(st, "error") == 0 || strcmp(st, "waived") == 0) {
			ctl_result_detail(stdout, r);
			printf("         %-9s %lld (collected %s)\n", "evidence",
			    (long long)num(r, "evidence_id"),
			    str(r, "collected_at"));
		}
		if (jsonutil_get_object(r, "waiver", &w) == 0)
			printf("         %-9s #%lld by %s until %s: %s\n",
			    "waiver", (long long)num(w, "id"), str(w, "owner"),
			    str(w, "expires_at"), str(w, "justification"));
	}
	if (n == 0)
		printf("(no findings)\n");
}

/* "LNX-A, LNX-B, ..." wrapped under a host's line. */
static void
print_ids(struct json_object *ids)
{
	size_t	 i, n, col = 10;

	n = json_object_array_length(ids);
	printf("%10s", "");
	for (i = 0; i < n; i++) {
		const char *id = json_object_get_string(
		    json_object_array_get_idx(ids, i));

		if (i > 0 && col + strlen(id) + 2 > 78) {
			printf(",\n%10s", "");
			col = 10;
		} else if (i > 0)
			col += (size_t)printf(", ");
		col += (size_t)printf("%s", id);
	}
	printf("\n");
}

static void
print_controls(struct json_object *list, int all)
{
	struct json_object	*c, *h, *rules, *per, *ids;
	size_t			 i, j, n, m;

	n = json_object_array_length(list);
	printf("%-7s %-52s %7s %7s %6s %9s  %s\n", "CONTROL", "TITLE",
	    "PASSING", "FAILING", "WAIVED", "NOT EVID.", "RULES");
	for (i = 0; i < n; i++) {
		c = json_object_array_get_idx(list, i);
		if (jsonutil_get_array(c, "rules", &rules) == -1)
			continue;
		if (!all && json_object_array_length(rules) == 0)
			continue;
		if (jsonutil_get_object(c, "hosts", &h) == -1)
			continue;
		printf("%-7s %-52.52s %7lld %7lld %6lld %9lld  %zu\n",
		    str(c, "control"), str(c, "title"),
		    (long long)num(h, "passing"), (long long)num(h, "failing"),
		    (long long)num(h, "waived"),
		    (long long)num(h, "not_evidenced"),
		    json_object_array_length(rules));
		if (jsonutil_get_array(c, "per_host", &per) == -1)
			continue;
		m = json_object_array_length(per);
		for (j = 0; j < m; j++) {
			h = json_object_array_get_idx(per, j);
			if (strcmp(str(h, "state"), "passing") == 0)
				continue;
			printf("        %-24.24s %s\n", str(h, "hostname"),
			    str(h, "state"));
			if (jsonutil_get_array(h, "not_passing", &ids) == 0 &&
			    json_object_array_length(ids) > 0)
				print_ids(ids);
		}
	}
}

int
ctl_findings(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host",	required_argument,	NULL, 'H' },
		{ "control",	required_argument,	NULL, 'c' },
		{ "rule",	required_argument,	NULL, 'r' },
		{ "status",	required_argument,	NULL, 's' },
		{ "at",		required_argument,	NULL, 't' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "all",	no_argument,		NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct findings_filter	 flt = { 0, NULL, NULL, NULL, -1 };
	struct findings		*f;
	struct json_object	*out;
	struct store		*st;
	enum rule_status	 status;
	const char		*cmd = argv[0];
	int			 ch, json = 0, all = 0, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			flt.host = optarg;
			break;
		case 'c':
			flt.control = optarg;
			break;
		case 'r':
			flt.rule = optarg;
			break;
		case 's':
			if (rule_status_parse(optarg, &status) == -1) {
				fprintf(stderr, "exhibitctl: --status is pass, "
				    "fail, error, not_applicable or waived\n");
				return 2;
			}
			flt.status = (int)status;
			break;
		case 't':
			if (timefmt_parse_when(optarg, &flt.at) == -1) {
				fprintf(stderr, "exhibitctl: --at takes an RFC "
				    "3339 time or a date (YYYY-MM-DD)\n");
				return 2;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'a':
			all = 1;
			break;
		default:
			fputs(ctl_findings_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(ctl_findings_usage, stderr);
		return 2;
	}
	/* The three share one option table; refuse what a command would
	 * ignore rather than answer a question that was not asked. */
	if ((strcmp(cmd, "hosts") == 0 && (flt.control != NULL || all)) ||
	    (strcmp(cmd, "findings") != 0 && (flt.rule != NULL ||
	    flt.status != -1))) {
		fprintf(stderr, "exhibitctl: %s does not take that option\n%s",
		    cmd, ctl_findings_usage);
		return 2;
	}
	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	f = findings_new(st);
	if (strcmp(cmd, "hosts") == 0)
		rc = findings_hosts(f, &flt, &out);
	else if (strcmp(cmd, "controls") == 0)
		rc = findings_controls(f, &flt, &out);
	else
		rc = findings_list(f, &flt, &out);
	findings_free(f);
	store_close(st);
	if (rc == -1)
		return 1;
	if (json)
		printf("%s\n", jsonutil_to_string(out, 1));
	else if (strcmp(cmd, "hosts") == 0)
		print_hosts(out);
	else if (strcmp(cmd, "controls") == 0)
		print_controls(out, all);
	else
		print_findings(out, all);
	json_object_put(out);
	return 0;
}
