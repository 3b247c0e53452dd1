/*
 * exhibitctl waiver add|list|remove: accepted risks.  A waiver turns a
 * rule's failures on matching hosts into "waived" until it expires; it
 * never makes them pass, and it is kept after removal for the record.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "timefmt.h"
#include "waiver.h"

const char ctl_waiver_usage[] =
"usage: exhibitctl waiver add --rule ID --host HOST --owner NAME\n"
"                             --justification TEXT --expires WHEN\n"
"       exhibitctl waiver list [--all]\n"
"       exhibitctl waiver remove ID\n"
"\n"
"  --host HOST     an agent id, a hostname, or a pattern over hostnames\n"
"                  (\"web-*\")\n"
"  --expires WHEN  a date (YYYY-MM-DD), an RFC 3339 time, or a duration\n"
"                  from now (\"90d\"); at most a year ahead\n"
"  --all           list also removed and lapsed waivers\n";

static int
waiver_add(struct ctl *ctl, struct store *st, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rule",		required_argument,	NULL, 'r' },
		{ "host",		required_argument,	NULL, 'H' },
		{ "owner",		required_argument,	NULL, 'o' },
		{ "justification",	required_argument,	NULL, 'j' },
		{ "expires",		required_argument,	NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_waiver	 w;
	struct ruleset		*rules;
	const char		*rule = NULL, *host = NULL, *owner = NULL;
	const char		*just = NULL, *expires = NULL;
	char			 err[256], when[TIMEFMT_RFC3339_LEN];
	int			 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': rule = optarg; break;
		case 'H': host = optarg; break;
		case 'o': owner = optarg; break;
		case 'j': just = optarg; break;
		case 'e': expires = optarg; break;
		default:
			fputs(ctl_waiver_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(ctl_waiver_usage, stderr);
		return 2;
	}
	memset(&w, 0, sizeof(w));
	w.created_at = timefmt_now();
	if (waiver_fill(&w, rule, host, owner, just, expires, w.created_at,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "exhibitctl: waiver add: %s\n", err);
		return 2;
	}
	/* A waiver for a rule that does not exist would wait silently. */
	if ((rules = ruleset_load_dir(ctl->conf.rules_dir)) == NULL)
		return 1;
	if (ruleset_find(rules, w.rule_id) == NULL) {
		fprintf(stderr, "exhibitctl: waiver add: no rule %s in the "
		    "rule packs of %s\n", w.rule_id, ctl->conf.rules_dir);
		ruleset_free(rules);
		return 1;
	}
	ruleset_free(rules);
	ctl_actor(w.created_by, sizeof(w.created_by));
	if (store_waiver_add(st, &w) != STORE_OK)
		return 1;
	printf("waiver %" PRId64 ": %s on %s, owner %s, until %s\n", w.id,
	    w.rule_id, w.host, w.owner, timefmt_rfc3339(w.expires_at, when,
	    sizeof(when)));
	return 0;
}

static int
waiver_list(struct store *st, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all",	no_argument,	NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_waiver	*w;
	size_t			 n, i, shown = 0;
	time_t			 now = timefmt_now();
	char			 exp[TIMEFMT_RFC3339_LEN];
	const char		*state;
	int			 all = 0, ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'a') {
			fputs(ctl_waiver_usage, stderr);
			return 2;
		}
		all = 1;
	}
	if (optind != argc) {
		fputs(ctl_waiver_usage, stderr);
		return 2;
	}
	if (store_waiver_list(st, &w, &n) != STORE_OK)
		return 1;
	printf("%-5s %-8s %-14s %-24s %-16s %-20s %s\n", "ID", "STATE",
	    "RULE", "HOST", "OWNER", "EXPIRES", "JUSTIFICATION");
	for (i = 0; i < n; i++) {
		state = waiver_state(&w[i], now);
		if (!all && strcmp(state, "active") != 0)
			continue;
		printf("%-5" PRId64 " %-8s %-14s %-24.24s %-16.16s %-20s %s\n",
		    w[i].id, state, w[i].rule_id, w[i].host, w[i].owner,
		    timefmt_rfc3339(w[i].expires_at, exp, sizeof(exp)),
		    w[i].justification);
		shown++;
	}
	if (shown == 0)
		printf("(no %swaivers)\n", all ? "" : "active ");
	free(w);
	return 0;
}

static int
waiver_remove(struct store *st, int argc, char **argv)
{
	enum store_status	 rc;
	char			*end, by[64];
	long long		 id;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) <= 0 ||
	    *end != '\0') {
		fputs(ctl_waiver_usage, stderr);
		return 2;
	}
	ctl_actor(by, sizeof(by));
	rc = store_waiver_remove(st, id, timefmt_now(), by);
	if (rc == STORE_NOT_FOUND) {
		fprintf(stderr, "exhibitctl: no waiver %lld in force\n", id);
		return 1;
	}
	if (rc != STORE_OK)
		return 1;
	printf("waiver %lld removed\n", id);
	return 0;
}

int
ctl_waiver(struct ctl *ctl, int argc, char **argv)
{
	struct store	*st;
	int		 rc;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "list") != 0 && strcmp(argv[1], "remove") != 0)) {
		fputs(ctl_waiver_usage, stderr);
		return 2;
	}
	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	if (strcmp(argv[1], "add") == 0)
		rc = waiver_add(ctl, st, argc - 1, argv + 1);
	else if (strcmp(argv[1], "list") == 0)
		rc = waiver_list(st, argc - 1, argv + 1);
	else
		rc = waiver_remove(st, argc - 1, argv + 1);
	store_close(st);
	return rc;
}
