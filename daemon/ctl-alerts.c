/*
 * exhibitctl alerts: the alert outbox, read from the store: what went
 * out to which sink, what still waits, and the last error of each.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "alerts.h"
#include "ctl.h"
#include "jsonutil.h"
#include "store.h"
#include "timefmt.h"

const char ctl_alerts_usage[] =
"usage: exhibitctl alerts [--undelivered] [--limit N] [--json]\n"
"\n"
"The alert outbox: undelivered entries first (oldest first), then the\n"
"delivered ones (newest first).\n"
"\n"
"  --undelivered  only the entries still waiting for delivery\n"
"  --limit N      at most N entries (default 100; 0: all)\n"
"  --json         {\"outbox\": [...]} as GET /v1/alerts/outbox has it\n";

static void
ctl_alerts_table(const struct store_alert *v, size_t n)
{
	char	when[TIMEFMT_RFC3339_LEN], next[TIMEFMT_RFC3339_LEN];
	size_t	i;

	printf("%-6s %-6s %-8s %-8s %-8s %-20s %-20s %s\n", "ID", "DRIFT",
	    "EVENT", "SINK", "ATTEMPTS", "DELIVERED", "NEXT ATTEMPT",
	    "LAST ERROR");
	for (i = 0; i < n; i++) {
		if (v[i].delivered_at != 0)
			timefmt_rfc3339(v[i].delivered_at, when, sizeof(when));
		else
			snprintf(when, sizeof(when), "-");
		if (v[i].delivered_at == 0)
			timefmt_rfc3339(v[i].next_attempt_at, next,
			    sizeof(next));
		else
			snprintf(next, sizeof(next), "-");
		printf("%-6" PRId64 " %-6" PRId64 " %-8s %-8s %-8" PRId64
		    " %-20s %-20s %s\n", v[i].id, v[i].drift_id, v[i].event,
		    v[i].sink, v[i].attempts, when, next,
		    v[i].last_error[0] != '\0' ? v[i].last_error : "-");
	}
	if (n == 0)
		printf("(no alerts)\n");
}

int
ctl_alerts(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "undelivered",	no_argument,	NULL, 'u' },
		{ "limit",		required_argument, NULL, 'l' },
		{ "json",		no_argument,	NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_alert	*v;
	struct json_object	*list, *body;
	struct store		*st;
	char			*end;
	long long		 limit = 100;
	size_t			 i, n;
	int			 ch, undelivered = 0, json = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			undelivered = 1;
			break;
		case 'l':
			limit = strtoll(optarg, &end, 10);
			if (limit < 0 || *end != '\0' || end == optarg) {
				fputs(ctl_alerts_usage, stderr);
				return 2;
			}
			break;
		case 'j':
			json = 1;
			break;
		default:
			fputs(ctl_alerts_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(ctl_alerts_usage, stderr);
		return 2;
	}
	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	if (store_alert_list(st, undelivered, (size_t)limit, &v, &n) !=
	    STORE_OK) {
		store_close(st);
		return 1;
	}
	store_close(st);
	if (json) {
		list = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(list, alerts_entry_json(&v[i]));
		body = json_object_new_object();
		jsonutil_set(body, "outbox", list);
		printf("%s\n", jsonutil_to_string(body, 1));
		json_object_put(body);
	} else
		ctl_alerts_table(v, n);
	store_alert_list_free(v, n);
	return 0;
}
