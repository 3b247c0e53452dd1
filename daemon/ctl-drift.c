/*
 * exhibitctl drift and exhibitctl audit: what drifted from the audited
 * baselines, acknowledging it, and starting audits by hand.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "alerts.h"
#include "ctl.h"
#include "drift.h"
#include "jsonutil.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"

const char ctl_drift_usage[] =
"usage: exhibitctl drift [--state S] [--host H] [--kind K] [--since TIME]\n"
"                        [--json] [--watch]\n"
"       exhibitctl drift show ID\n"
"       exhibitctl drift ack ID --comment TEXT\n"
"\n"
"Drift items: how hosts differ from the baseline of the last audit.\n"
"  --state S    open, acknowledged, resolved, unresolved (the default)\n"
"               or any\n"
"  --host H     an agent id or hostname\n"
"  --kind K     rule_regressed, rule_recovered, evidence_changed,\n"
"               host_new, host_silent, identity, ruleset_changed\n"
"  --since TIME opened or updated since (RFC 3339 or YYYY-MM-DD)\n"
"  --watch      keep printing items as they open, change and resolve\n"
"               (every 2 seconds) until interrupted\n";

const char ctl_audit_usage[] =
"usage: exhibitctl audit start --name NAME\n"
"       exhibitctl audit list [--json]\n"
"\n"
"An audit freezes a baseline: every host's newest judged document, its\n"
"section digests and rule results.  Drift is measured against it from\n"
"then on, and every unresolved drift item is resolved as superseded.\n";

static void
print_item(const struct store_drift *d, int detail)
{
	struct json_object	*o, *det, *changes, *c, *v;
	char			 when[TIMEFMT_RFC3339_LEN];
	const char		*s, *now;
	size_t			 i, n;

	printf("%-6lld %-13s %-17s %-24.24s %-28.28s %s\n", (long long)d->id,
	    d->state, d->kind, *d->hostname ? d->hostname : d->agent_id,
	    d->subject, timefmt_rfc3339(d->updated_at, when, sizeof(when)));
	if (!detail)
		return;
	o = drift_json(d);
	if (jsonutil_get_object(o, "detail", &det) == 0) {
		if (jsonutil_get_string(det, "expected", &s) == 0)
			printf("       expected  %s\n", s);
		if (jsonutil_get_string(det, "baseline", &s) == 0)
			printf("       was       %s, now %s\n", s,
			    jsonutil_get_string(det, "now", &now) == 0 ? now :
			    "?");
		if (jsonutil_get_array(det, "changes", &changes) == 0) {
			n = json_object_array_length(changes);
			for (i = 0; i < n; i++) {
				c = json_object_array_get_idx(changes, i);
				printf("       %-9s %s: ", i == 0 ? "changes" :
				    "", jsonutil_get_string(c, "path", &s) ==
				    0 ? s : "?");
				printf("%s -> ", json_object_object_get_ex(c,
				    "old", &v) ? json_object_to_json_string_ext(
				    v, JSON_C_TO_STRING_PLAIN) : "(absent)");
				printf("%s", json_object_object_get_ex(c,
				    "new", &v) ? json_object_to_json_string_ext(
				    v, JSON_C_TO_STRING_PLAIN) : "(absent)");
				if (jsonutil_get_string(c, "file", &s) == 0)
					printf(" (%s)", s);
				printf("\n");
			}
		}
		if (jsonutil_get_string(det, "last_seen", &s) == 0)
			printf("       last seen %s\n", s);
		if (jsonutil_get_string(det, "event", &s) == 0)
			printf("       event     %s: %s\n", s,
			    jsonutil_get_string(det, "detail", &s) == 0 ? s :
			    "");
	}
	if (d->acked_at != 0)
		printf("       acked     by %s: %s\n", d->acked_by,
		    d->ack_comment);
	if (d->resolved_at != 0)
		printf("       resolved  %s\n", d->resolution);
	json_object_put(o);
}

static volatile sig_atomic_t	watching = 1;

static void
stop_watch(int sig)
{
	(void)sig;
	watching = 0;
}

static int
drift_list(struct store *st, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state",	required_argument,	NULL, 's' },
		{ "host",	required_argument,	NULL, 'H' },
		{ "kind",	required_argument,	NULL, 'k' },
		{ "since",	required_argument,	NULL, 't' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "watch",	no_argument,		NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_drift_filter	 f;
	struct store_drift		*d;
	struct json_object		*list;
	size_t				 n, i;
	time_t				 now;
	int				 ch, json = 0, watch = 0;

	memset(&f, 0, sizeof(f));
	f.state = "unresolved";
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': f.state = optarg; break;
		case 'H': f.agent = optarg; break;
		case 'k': f.kind = optarg; break;
		case 't':
			if (timefmt_parse_when(optarg, &f.since) == -1) {
				fprintf(stderr, "exhibitctl: --since takes an "
				    "RFC 3339 time or a date\n");
				return 2;
			}
			break;
		case 'j': json = 1; break;
		case 'w': watch = 1; break;
		default:
			fputs(ctl_drift_usage, stderr);
			return 2;
		}
	}
	if (optind != argc || (json && watch)) {
		fputs(ctl_drift_usage, stderr);
		return 2;
	}
	if (strcmp(f.state, "any") == 0)
		f.state = NULL;
	else if (!drift_state_valid(f.state)) {
		fprintf(stderr, "exhibitctl: --state is open, acknowledged, "
		    "resolved, unresolved or any\n");
		return 2;
	}
	if (f.kind != NULL && !drift_kind_valid(f.kind)) {
		fprintf(stderr, "exhibitctl: unknown --kind \"%s\"\n%s",
		    f.kind, ctl_drift_usage);
		return 2;
	}
	if (store_drift_list(st, &f, &d, &n) != STORE_OK)
		return 1;
	if (json) {
		list = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(list, drift_json(&d[i]));
		printf("%s\n", jsonutil_to_string(list, 1));
		json_object_put(list);
		store_drift_list_free(d, n);
		return 0;
	}
	printf("%-6s %-13s %-17s %-24s %-28s %s\n", "ID", "STATE", "KIND",
	    "HOST", "SUBJECT", "UPDATED");
	for (i = 0; i < n; i++)
		print_item(&d[i], 1);
	store_drift_list_free(d, n);
	if (!watch) {
		if (n == 0)
			printf("(no drift items)\n");
		return 0;
	}
	/* Every change from now on, whatever its state. */
	signal(SIGINT, stop_watch);
	signal(SIGTERM, stop_watch);
	f.state = NULL;
	fflush(stdout);
	while (watching) {
		now = timefmt_now();
		sleep(2);
		f.since = now;
		if (store_drift_list(st, &f, &d, &n) != STORE_OK)
			return 1;
		for (i = 0; i < n; i++)
			print_item(&d[i], 1);
		store_drift_list_free(d, n);
		fflush(stdout);
	}
	return 0;
}

static int
drift_ack(struct store *st, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "comment",	required_argument,	NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	enum store_status	 rc;
	const char		*comment = NULL;
	char			*end, by[64];
	long long		 id;
	int			 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'c') {
			fputs(ctl_drift_usage, stderr);
			return 2;
		}
		comment = optarg;
	}
	if (optind != argc - 1 || comment == NULL || *comment == '\0' ||
	    (id = strtoll(argv[optind], &end, 10)) <= 0 || *end != '\0') {
		fputs(ctl_drift_usage, stderr);
		return 2;
	}
	ctl_actor(by, sizeof(by));
	rc = store_drift_ack(st, id, timefmt_now(), by, comment);
	if (rc == STORE_NOT_FOUND || rc == STORE_EXISTS) {
		fprintf(stderr, "exhibitctl: drift item %lld %s\n", id,
		    rc == STORE_NOT_FOUND ? "does not exist" : "is not open");
		return 1;
	}
	if (rc != STORE_OK)
		return 1;
	printf("drift item %lld acknowledged\n", id);
	return 0;
}

int
ctl_drift(struct ctl *ctl, int argc, char **argv)
{
	struct store_drift	 d;
	struct store		*st;
	char			*end;
	long long		 id;
	int			 rc;

	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	if (argc >= 2 && strcmp(argv[1], "ack") == 0)
		rc = drift_ack(st, argc - 1, argv + 1);
	else if (argc >= 2 && strcmp(argv[1], "show") == 0) {
		if (argc != 3 || (id = strtoll(argv[2], &end, 10)) <= 0 ||
		    *end != '\0') {
			fputs(ctl_drift_usage, stderr);
			rc = 2;
		} else if (store_drift_get(st, id, &d) != STORE_OK) {
			fprintf(stderr, "exhibitctl: no drift item %lld\n", id);
			rc = 1;
		} else {
			struct json_object *o = drift_json(&d);

			printf("%s\n", jsonutil_to_string(o, 1));
			json_object_put(o);
			store_drift_clear(&d);
			rc = 0;
		}
	} else
		rc = drift_list(st, argc, argv);
	store_close(st);
	return rc;
}

int
ctl_audit(struct ctl *ctl, int argc, char **argv)
{
	struct store_audit	 a, *list;
	struct store		*st;
	int64_t			*resolved;
	size_t			 n, i;
	static const struct option longopts[] = {
		{ "name",	required_argument,	NULL, 'n' },
		{ "json",	no_argument,		NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*name = NULL;
	char			 when[TIMEFMT_RFC3339_LEN];
	int			 rc = 0, ch, start, json = 0;

	if (argc < 2 || (strcmp(argv[1], "start") != 0 &&
	    strcmp(argv[1], "list") != 0)) {
		fputs(ctl_audit_usage, stderr);
		return 2;
	}
	start = strcmp(argv[1], "start") == 0;
	optind = 0;
	while ((ch = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) !=
	    -1) {
		if (ch == 'n' && start)
			name = optarg;
		else if (ch == 'j' && !start)
			json = 1;
		else {
			fputs(ctl_audit_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || (start && (name == NULL || *name == '\0' ||
	    strlen(name) > 200))) {
		fputs(ctl_audit_usage, stderr);
		return 2;
	}
	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	if (start) {
		memset(&a, 0, sizeof(a));
		snprintf(a.name, sizeof(a.name), "%s", name);
		ctl_actor(a.started_by, sizeof(a.started_by));
		a.started_at = timefmt_now();
		if (store_audit_start(st, &a, &resolved, &n) != STORE_OK)
			rc = 1;
		else {
			printf("audit %lld \"%s\" started: %lld baseline(s) "
			    "frozen, %zu drift item(s) superseded\n",
			    (long long)a.id, a.name, (long long)a.hosts, n);
			/* The daemon sends these from the outbox. */
			for (i = 0; i < n; i++) {
				struct store_drift	d;
				unsigned		q;

				if (store_drift_get(st, resolved[i], &d) !=
				    STORE_OK)
					continue;
				alert_outbox_enqueue(st, &ctl->conf, &d,
				    "resolved", &q);
				store_drift_clear(&d);
			}
			free(resolved);
		}
	} else if (store_audit_list(st, &list, &n) != STORE_OK)
		rc = 1;
	else {
		if (json) {
			struct json_object *arr = json_object_new_array();

			for (i = 0; i < n; i++)
				json_object_array_add(arr,
				    audit_json(&list[i]));
			printf("%s\n", jsonutil_to_string(arr, 1));
			json_object_put(arr);
		} else {
			printf("%-5s %-20s %-6s %-24s %s\n", "ID", "STARTED",
			    "HOSTS", "BY", "NAME");
			for (i = 0; i < n; i++)
				printf("%-5lld %-20s %-6lld %-24.24s %s\n",
				    (long long)list[i].id, timefmt_rfc3339(
				    list[i].started_at, when, sizeof(when)),
				    (long long)list[i].hosts,
				    list[i].started_by, list[i].name);
			if (n == 0)
				printf("(no audits yet: each host's first "
				    "document is its baseline)\n");
		}
		free(list);
	}
	store_close(st);
	return rc;
}
