/*
 * The people's API: hosts, findings, controls and waivers, behind bearer
 * tokens.  Any person's role reads; only admin changes waivers.  No
 * token is 401, a token whose role may not do this is 403.  Answers come
 * from findings.c, as exhibitctl's do.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>

#include "findings.h"
#include "http.h"
#include "jsonutil.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "timefmt.h"
#include "waiver.h"

/* The filter from host=, control=, rule=, status=, at=. */
static int
http_filter(struct http_req *hr, struct evkeyvalq *q,
    struct findings_filter *flt)
{
	enum rule_status	 st;
	const char		*v;

	memset(flt, 0, sizeof(*flt));
	flt->status = -1;
	flt->host = evhttp_find_header(q, "host");
	flt->control = evhttp_find_header(q, "control");
	flt->rule = evhttp_find_header(q, "rule");
	if ((v = evhttp_find_header(q, "status")) != NULL) {
		if (rule_status_parse(v, &st) == -1) {
			http_refuse(hr, 400, "bad_request", "status is pass, "
			    "fail, error, not_applicable or waived");
			return -1;
		}
		flt->status = (int)st;
	}
	if ((v = evhttp_find_header(q, "at")) != NULL &&
	    timefmt_parse_when(v, &flt->at) == -1) {
		http_refuse(hr, 400, "bad_request", "at is an RFC 3339 time or "
		    "a date (YYYY-MM-DD)");
		return -1;
	}
	return 0;
}

static void
http_answer(struct http_req *hr, const struct findings_filter *flt,
    const char *key, struct json_object *val)
{
	struct json_object	*body = json_object_new_object();
	char			 at[TIMEFMT_RFC3339_LEN];

	jsonutil_set_string(body, "at", timefmt_rfc3339(flt->at != 0 ?
	    flt->at : hr->now, at, sizeof(at)));
	jsonutil_set(body, key, val);
	http_reply(hr, 200, body);
}

enum view { VIEW_HOSTS, VIEW_FINDINGS, VIEW_CONTROLS };

static void
http_view(struct http_req *hr, enum view view)
{
	static const char *const known[] = { "host", "control", "rule",
	    "status", "at", NULL };
	struct findings_filter	 flt;
	struct evkeyvalq	 q;
	struct json_object	*out;
	int			 rc;

	if (http_person_auth(hr, HTTP_READERS) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	if (http_filter(hr, &q, &flt) == -1) {
		evhttp_clear_headers(&q);
		return;
	}
	if (view == VIEW_HOSTS)
		rc = findings_hosts(hr->findings, &flt, &out);
	else if (view == VIEW_CONTROLS)
		rc = findings_controls(hr->findings, &flt, &out);
	else
		rc = findings_list(hr->findings, &flt, &out);
	if (rc == -1)
		http_refuse(hr, 503, "busy", "the store failed; retry later");
	else
		http_answer(hr, &flt, view == VIEW_HOSTS ? "hosts" :
		    view == VIEW_CONTROLS ? "controls" : "findings", out);
	evhttp_clear_headers(&q);
}

void
http_hosts(struct http_req *hr)
{
	http_view(hr, VIEW_HOSTS);
}

void
http_findings(struct http_req *hr)
{
	http_view(hr, VIEW_FINDINGS);
}

void
http_controls(struct http_req *hr)
{
	http_view(hr, VIEW_CONTROLS);
}

/* GET /v1/hosts/{agent id or hostname}: the host and its findings. */
void
http_host(struct http_req *hr)
{
	static const char *const known[] = { "at", NULL };
	struct findings_filter	 flt;
	struct evkeyvalq	 q;
	struct json_object	*hosts, *list, *body;

	if (http_person_auth(hr, HTTP_READERS) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	if (http_filter(hr, &q, &flt) == -1) {
		evhttp_clear_headers(&q);
		return;
	}
	evhttp_clear_headers(&q);
	flt.host = hr->param;
	if (findings_hosts(hr->findings, &flt, &hosts) == -1) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	if (json_object_array_length(hosts) == 0) {
		json_object_put(hosts);
		http_refuse(hr, 404, "not_found", "no enrolled host %.64s",
		    hr->param);
		return;
	}
	if (findings_list(hr->findings, &flt, &list) == -1) {
		json_object_put(hosts);
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	body = json_object_get(json_object_array_get_idx(hosts, 0));
	json_object_put(hosts);
	jsonutil_set(body, "findings", list);
	http_answer(hr, &flt, "host", body);
}

static void
http_waiver_create(struct http_req *hr)
{
	struct store_waiver	 w;
	struct json_object	*in;
	const char		*f[5];
	static const char *const keys[5] = { "rule", "host", "owner",
	    "justification", "expires" };
	char			 err[256];
	size_t			 i;

	if ((in = http_json_body(hr)) == NULL)
		return;
	json_object_object_foreach(in, key, val) {
		(void)val;
		for (i = 0; i < 5 && strcmp(key, keys[i]) != 0; i++)
			;
		if (i == 5) {
			http_refuse(hr, 400, "bad_request", "unknown member "
			    "\"%.32s\"", key);
			json_object_put(in);
			return;
		}
	}
	for (i = 0; i < 5; i++)
		if (jsonutil_get_string(in, keys[i], &f[i]) == -1)
			f[i] = NULL;
	memset(&w, 0, sizeof(w));
	w.created_at = hr->now;
	if (waiver_fill(&w, f[0], f[1], f[2], f[3], f[4], hr->now, err,
	    sizeof(err)) == -1) {
		json_object_put(in);
		http_refuse(hr, 400, "bad_request", "%s", err);
		return;
	}
	json_object_put(in);
	if (hr->rules == NULL || ruleset_find(hr->rules, w.rule_id) == NULL) {
		http_refuse(hr, 400, "bad_request", "no rule %s in the rules "
		    "in force", w.rule_id);
		return;
	}
	snprintf(w.created_by, sizeof(w.created_by), "token:%s",
	    hr->person.id);
	if (http_batch(hr) == -1)
		return;
	if (store_waiver_add(hr->store, &w) != STORE_OK) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	log_info("%s token %s (%s) waived %s on %s until %lld", hr->peer,
	    hr->person.id, store_role_str(hr->person.role), w.rule_id, w.host,
	    (long long)w.expires_at);
	http_reply_durable(hr, 201, waiver_json(&w, hr->now));
}

/* GET (any reader) and POST (admin) /v1/waivers. */
void
http_waivers(struct http_req *hr)
{
	static const char *const known[] = { NULL };
	struct store_waiver	*w;
	struct json_object	*list, *body;
	struct evkeyvalq	 q;
	size_t			 i, n;

	if (hr->method == EVHTTP_REQ_POST) {
		if (http_person_auth(hr, HTTP_ADMINS) == 0)
			http_waiver_create(hr);
		return;
	}
	if (http_person_auth(hr, HTTP_READERS) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	evhttp_clear_headers(&q);
	if (store_waiver_list(hr->store, &w, &n) != STORE_OK) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	list = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(list, waiver_json(&w[i], hr->now));
	free(w);
	body = json_object_new_object();
	jsonutil_set(body, "waivers", list);
	http_reply(hr, 200, body);
}

/* DELETE /v1/waivers/{id} (admin). */
void
http_waiver(struct http_req *hr)
{
	struct json_object	*body;
	enum store_status	 st;
	char			*end, by[64];
	long long		 id;

	if (http_person_auth(hr, HTTP_ADMINS) == -1)
		return;
	id = strtoll(hr->param, &end, 10);
	if (id <= 0 || *end != '\0') {
		http_refuse(hr, 404, "not_found", "no waiver %.32s", hr->param);
		return;
	}
	snprintf(by, sizeof(by), "token:%s", hr->person.id);
	if (http_batch(hr) == -1)
		return;
	st = store_waiver_remove(hr->store, id, hr->now, by);
	if (st == STORE_NOT_FOUND) {
		http_refuse(hr, 404, "not_found", "no waiver %lld in force",
		    id);
		return;
	}
	if (st != STORE_OK) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	log_info("%s token %s removed waiver %lld", hr->peer, hr->person.id,
	    id);
	body = json_object_new_object();
	jsonutil_set_int64(body, "removed", id);
	http_reply_durable(hr, 200, body);
}
