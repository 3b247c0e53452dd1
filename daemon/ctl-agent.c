/*
 * exhibitctl agent list|revoke.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"

const char ctl_agent_usage[] =
"usage: exhibitctl agent list\n"
"       exhibitctl agent revoke ID\n"
"\n"
"list: every agent, active or revoked, with its hostname, enrollment\n"
"time and certificate expiry.  revoke: the agent's next request is\n"
"refused (403) and it cannot renew; its stored evidence is kept.\n";

int
ctl_agent(struct ctl *ctl, int argc, char **argv)
{
	struct store		*st;
	struct store_agent	*v;
	enum store_status	 rs;
	size_t			 n, i;
	char			 enrolled[TIMEFMT_RFC3339_LEN];
	char			 certexp[TIMEFMT_RFC3339_LEN];
	int			 rc = 0;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		if ((st = ctl_open_store(ctl)) == NULL)
			return 1;
		if (store_agent_list(st, &v, &n) != STORE_OK) {
			store_close(st);
			return 1;
		}
		printf("%-30s %-24s %-20s %-20s %s\n", "ID", "HOSTNAME",
		    "ENROLLED", "CERTIFICATE EXPIRES", "STATE");
		for (i = 0; i < n; i++)
			printf("%-30s %-24s %-20s %-20s %s\n", v[i].id,
			    v[i].hostname, timefmt_rfc3339(v[i].enrolled_at,
			    enrolled, sizeof(enrolled)),
			    timefmt_rfc3339(v[i].cert_not_after, certexp,
			    sizeof(certexp)), v[i].revoked_at ? "revoked" :
			    "active");
		store_agent_list_free(v, n);
		store_close(st);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		if ((st = ctl_open_store(ctl)) == NULL)
			return 1;
		rs = store_agent_revoke(st, argv[2], timefmt_now());
		if (rs == STORE_OK)
			printf("agent %s revoked: its next request will be "
			    "refused\n", argv[2]);
		else {
			log_warnx("agent revoke %s: %s", argv[2],
			    rs == STORE_NOT_FOUND ? "no such active agent" :
			    store_status_str(rs));
			rc = 1;
		}
		store_close(st);
		return rc;
	}
	fputs(ctl_agent_usage, stderr);
	return 2;
}
