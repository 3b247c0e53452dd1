/*
 * exhibit-agent status: what an operator checks first.  Works on an
 * agent that is not enrolled (it says so) and never contacts exhibitd.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include "agent-state.h"
#include "ca.h"
#include "cmd.h"
#include "fileio.h"
#include "jsonutil.h"
#include "log.h"
#include "spool.h"
#include "timefmt.h"
#include "xmalloc.h"

static time_t
status_cert_expiry(struct agent_state *st)
{
	struct tm	 tm;
	X509		*cert;
	char		*path, err[256];
	time_t		 t = 0;

	path = agent_state_path(st, AGENT_STATE_CERT);
	if ((cert = ca_cert_load(path, err, sizeof(err))) != NULL) {
		if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
			t = timegm(&tm);
		X509_free(cert);
	}
	free(path);
	return t;
}

int
cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct agent_conf	 ac;
	struct agent_state	*st;
	struct spool		*sp = NULL;
	struct json_object	*o;
	const char		*result;
	char			*path, err[512], t[TIMEFMT_RFC3339_LEN];
	time_t			 when, expiry;
	int			 ch, json = 0, enrolled;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'j') {
			fprintf(stderr, "usage: exhibit-agent status [--json]\n");
			return 2;
		}
		json = 1;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: exhibit-agent status [--json]\n");
		return 2;
	}
	if (agent_load_conf(&ac) == -1)
		return 1;
	if ((st = agent_state_open(ac.state_dir, 0, err, sizeof(err))) ==
	    NULL) {
		log_warnx("status: %s", err);
		agent_conf_free(&ac);
		return 1;
	}
	o = json_object_new_object();
	enrolled = agent_state_enrolled(st);
	jsonutil_set_bool(o, "enrolled", enrolled);
	jsonutil_set_string(o, "agent_id", agent_state_agent_id(st));
	jsonutil_set_string(o, "server", agent_state_server(st));
	expiry = enrolled ? status_cert_expiry(st) : 0;
	jsonutil_set_string(o, "certificate_not_after", expiry ?
	    timefmt_rfc3339(expiry, t, sizeof(t)) : NULL);
	jsonutil_set_int64(o, "seq", (int64_t)agent_state_seq(st));
	jsonutil_set_int64(o, "acknowledged_seq",
	    (int64_t)agent_state_acked_seq(st));
	if (agent_state_push(st, &when, &result) == 0) {
		jsonutil_set_string(o, "last_push",
		    timefmt_rfc3339(when, t, sizeof(t)));
		jsonutil_set_string(o, "last_push_result", result);
	} else {
		jsonutil_set_string(o, "last_push", NULL);
		jsonutil_set_string(o, "last_push_result", NULL);
	}
	path = agent_state_path(st, AGENT_STATE_SPOOL);
	sp = spool_open(path, err, sizeof(err));
	free(path);
	jsonutil_set_int64(o, "spool_count", sp ? (int64_t)spool_count(sp) : 0);
	jsonutil_set_int64(o, "spool_bytes", sp ? (int64_t)spool_bytes(sp) : 0);
	spool_close(sp);
	path = agent_state_path(st, AGENT_STATE_REJECTED);
	jsonutil_set_int64(o, "rejected_count", (int64_t)fileio_count_entries(path));
	free(path);

	if (json)
		printf("%s\n", jsonutil_to_string(o, 1));
	else {
		struct json_object	*v;

		json_object_object_foreach(o, k, val) {
			v = val;
			printf("%-22s %s\n", k, v == NULL ? "-" :
			    json_object_get_string(v));
		}
	}
	json_object_put(o);
	agent_state_close(st);
	agent_conf_free(&ac);
	return enrolled ? 0 : 1;
}
