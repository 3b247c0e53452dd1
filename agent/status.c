/*
 * The agent's status gathered from its state directory: identity,
 * certificate, last collection and push, spool.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include "agent-state.h"
#include "ca.h"
#include "fileio.h"
#include "jsonutil.h"
#include "spool.h"
#include "status.h"
#include "timefmt.h"

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

void
agent_status_read(struct agent_state *st, struct spool *sp,
    struct agent_status *s)
{
	char	*path;

	memset(s, 0, sizeof(*s));
	s->version = PACKAGE_VERSION;
	s->enrolled = agent_state_enrolled(st);
	s->agent_id = agent_state_agent_id(st);
	s->server = agent_state_server(st);
	if (s->enrolled)
		s->cert_not_after = status_cert_expiry(st);
	s->seq = agent_state_seq(st);
	s->acked_seq = agent_state_acked_seq(st);
	if (agent_state_collect(st, &s->collect_time, &s->collect_result,
	    &s->collect_next) == -1) {
		s->collect_time = s->collect_next = 0;
		s->collect_result = NULL;
	}
	if (agent_state_push(st, &s->push_time, &s->push_result) == -1) {
		s->push_time = 0;
		s->push_result = NULL;
	}
	s->push_ok_time = agent_state_push_ok(st);
	if (sp != NULL) {
		s->spool_count = spool_count(sp);
		s->spool_bytes = spool_bytes(sp);
		s->spool_oldest = spool_oldest_time(sp);
	}
	path = agent_state_path(st, AGENT_STATE_REJECTED);
	s->rejected_count = fileio_count_entries(path);
	free(path);
}

static void
set_time(struct json_object *o, const char *key, time_t t)
{
	char	buf[TIMEFMT_RFC3339_LEN];

	jsonutil_set_string(o, key, t ? timefmt_rfc3339(t, buf, sizeof(buf)) :
	    NULL);
}

struct json_object *
agent_status_json(const struct agent_status *s)
{
	struct json_object	*o = json_object_new_object();

	jsonutil_set_string(o, "version", s->version);
	jsonutil_set_bool(o, "enrolled", s->enrolled);
	jsonutil_set_string(o, "agent_id", s->agent_id);
	jsonutil_set_string(o, "server", s->server);
	set_time(o, "certificate_not_after", s->cert_not_after);
	jsonutil_set_int64(o, "seq", (int64_t)s->seq);
	jsonutil_set_int64(o, "acknowledged_seq", (int64_t)s->acked_seq);
	set_time(o, "last_collection", s->collect_time);
	jsonutil_set_string(o, "last_collection_result", s->collect_result);
	set_time(o, "next_collection", s->collect_next);
	set_time(o, "last_push", s->push_time);
	jsonutil_set_string(o, "last_push_result", s->push_result);
	set_time(o, "last_push_ok", s->push_ok_time);
	jsonutil_set_int64(o, "spool_count", (int64_t)s->spool_count);
	jsonutil_set_int64(o, "spool_bytes", (int64_t)s->spool_bytes);
	set_time(o, "spool_oldest", s->spool_oldest);
	jsonutil_set_int64(o, "rejected_count", (int64_t)s->rejected_count);
	return o;
}
