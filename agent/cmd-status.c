/*
 * exhibit-agent status: what an operator checks first.  Works on an
 * agent that is not enrolled (it says so) and never contacts exhibitd.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent-state.h"
#include "cmd.h"
#include "jsonutil.h"
#include "log.h"
#include "spool.h"
#include "status.h"
#include "xmalloc.h"

static int
status_usage(void)
{
	fprintf(stderr, "usage: exhibit-agent status [--json] "
	    "[--textfile PATH]\n");
	return 2;
}

static void
status_print_text(struct json_object *o)
{
	struct json_object	*v;

	json_object_object_foreach(o, k, val) {
		v = val;
		printf("%-22s %s\n", k, v == NULL ? "-" :
		    json_object_get_string(v));
	}
}

int
cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "textfile",	required_argument,	NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct agent_status	 s;
	struct agent_conf	 ac;
	struct agent_state	*st;
	struct spool		*sp;
	struct json_object	*o;
	const char		*textfile = NULL;
	char			*path, err[512];
	int			 ch, json = 0, rc;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 't':
			textfile = optarg;
			break;
		default:
			return status_usage();
		}
	}
	if (optind != argc)
		return status_usage();
	if (agent_load_conf(&ac) == -1)
		return 1;
	if ((st = agent_state_open(ac.state_dir, 0, err, sizeof(err))) ==
	    NULL) {
		log_warnx("status: %s", err);
		agent_conf_free(&ac);
		return 1;
	}
	path = agent_state_path(st, AGENT_STATE_SPOOL);
	sp = spool_open(path, err, sizeof(err));
	free(path);
	agent_status_read(st, sp, &s);
	rc = s.enrolled ? 0 : 1;

	/* --textfile alone is for cron and timers: quiet unless it fails. */
	if (textfile != NULL && agent_status_write_textfile(&s,
	    textfile) == -1) {
		log_warn("status: %s", textfile);
		rc = 1;
	}
	if (json || textfile == NULL) {
		o = agent_status_json(&s);
		if (json)
			printf("%s\n", jsonutil_to_string(o, 1));
		else
			status_print_text(o);
		json_object_put(o);
	}
	spool_close(sp);
	agent_state_close(st);
	agent_conf_free(&ac);
	return rc;
}
