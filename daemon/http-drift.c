/*
 * Drift and audits over the API.  Any person's role reads; security and
 * admin acknowledge drift items; admin starts audits.
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

#include "drift.h"
#include "http.h"
#include "jsonutil.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"

#define DRIFT_COMMENT_MAX	500

/* A state, kind or number parameter, checked. */
static int
drift_filter(struct http_req *hr, struct evkeyvalq *q,
    struct store_drift_filter *f)
{
	const char	*v;
	char		*end;

	memset(f, 0, sizeof(*f));
	if ((v = evhttp_find_header(q, "state")) != NULL) {
		if (!drift_state_valid(v)) {
			http_refuse(hr, 400, "bad_request", "state is open, "
			    "acknowledged, resolved or unresolved");
			return -1;
		}
		f->state = v;
	}
	if ((v = evhttp_find_header(q, "kind")) != NULL) {
		if (!drift_kind_valid(v)) {
			http_refuse(hr, 400, "bad_request", "unknown kind "
			    "\"%.32s\"", v);
			return -1;
		}
		f->kind = v;
	}
	f->agent = evhttp_find_header(q, "host");
	if ((v = evhttp_find_header(q, "since")) != NULL &&
	    timefmt_parse_when(v, &f->since) == -1) {
		http_refuse(hr, 400, "bad_request", "since is an RFC 3339 time "
		    "or a date (YYYY-MM-DD)");
		return -1;
	}
	if ((v = evhttp_find_header(q, "after")) != NULL) {
		f->after_id = strtoll(v, &end, 10);
		if (*end != '\0' || f->after_id < 0) {
			http_refuse(hr, 400, "bad_request", "after is an item "
			    "id");
			return -1;
		}
	}
	f->limit = 1000;
	if ((v = evhttp_find_header(q, "limit")) != NULL) {
		f->limit = strtoul(v, &end, 10);
		if (*end != '\0' || f->limit == 0 || f->limit > 10000) {
			http_refuse(hr, 400, "bad_request", "limit is 1 to "
			    "10000");
			return -1;
		}
	}
	return 0;
}

/* GET /v1/drift?state=&host=&kind=&since=&after=&limit= */
void
http_drift(struct http_req *hr)
{
	static const char *const known[] = { "state", "host", "kind", "since",
	    "after", "limit", NULL };
	struct store_drift_filter	 f;
	struct store_drift		*d;
	struct evkeyvalq		 q;
	struct json_object		*list, *body;
	size_t				 i, n;

	if (http_person_auth(hr, HTTP_READERS) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	if (drift_filter(hr, &q, &f) == -1) {
		evhttp_clear_headers(&q);
		return;
	}
	if (store_drift_list(hr->store, &f, &d, &n) != STORE_OK) {
		evhttp_clear_headers(&q);
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	evhttp_clear_headers(&q);
	list = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(list, drift_json(&d[i]));
	store_drift_list_free(d, n);
	body = json_object_new_object();
	jsonutil_set(body, "drift", list);
	http_reply(hr, 200, body);
}

static void
http_drift_ack(struct http_req *hr, int64_t id)
{
	struct store_drift	 d;
	struct json_object	*in;
	enum store_status	 rc;
	const char		*comment;
	char			 by[64];

	if (http_person_auth(hr, HTTP_RESPONDERS) == -1 ||
	    (in = http_json_body(hr)) == NULL)
		return;
	if (jsonutil_get_string(in, "comment", &comment) == -1 ||
	    *comment == '\0' || strlen(comment) > DRIFT_COMMENT_MAX) {
		json_object_put(in);
		http_refuse(hr, 400, "bad_request", "an acknowledgement needs a "
		    "\"comment\" (1 to %d characters)", DRIFT_COMMENT_MAX);
		return;
	}
	snprintf(by, sizeof(by), "token:%s", hr->person.id);
	if (http_batch(hr) == -1) {
		json_object_put(in);
		return;
	}
	rc = store_drift_ack(hr->store, id, hr->now, by, comment);
	json_object_put(in);
	if (rc == STORE_NOT_FOUND) {
		http_refuse(hr, 404, "not_found", "no drift item %lld",
		    (long long)id);
		return;
	}
	if (rc == STORE_EXISTS) {
		http_refuse(hr, 409, "not_open", "drift item %lld is not open",
		    (long long)id);
		return;
	}
	if (rc != STORE_OK || store_drift_get(hr->store, id, &d) != STORE_OK) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	log_info("%s token %s acknowledged drift %lld", hr->peer,
	    hr->person.id, (long long)id);
	http_reply_durable(hr, 200, drift_json(&d));
	store_drift_clear(&d);
}

/* GET /v1/drift/{id}, POST /v1/drift/{id}/ack */
void
http_drift_item(struct http_req *hr)
{
	struct store_drift	 d;
	char			*end;
	long long		 id;

	id = strtoll(hr->param, &end, 10);
	if (id <= 0 || (*end != '\0' && strcmp(end, "/ack") != 0) ||
	    (hr->method == EVHTTP_REQ_POST) != (*end != '\0')) {
		http_refuse(hr, 404, "not_found", "no such route");
		return;
	}
	if (hr->method == EVHTTP_REQ_POST) {
		http_drift_ack(hr, id);
		return;
	}
	if (http_person_auth(hr, HTTP_READERS) == -1)
		return;
	if (store_drift_get(hr->store, id, &d) != STORE_OK) {
		http_refuse(hr, 404, "not_found", "no drift item %lld", id);
		return;
	}
	http_reply(hr, 200, drift_json(&d));
	store_drift_clear(&d);
}

/* GET /v1/audits (readers), POST /v1/audits {"name"} (admin). */
void
http_audits(struct http_req *hr)
{
	struct store_audit	*a;
	struct json_object	*in, *list, *body;
	const char		*name;
	char			 by[64];
	int64_t			 id, hosts;
	size_t			 i, n;

	if (hr->method == EVHTTP_REQ_POST) {
		if (http_person_auth(hr, HTTP_ADMINS) == -1 ||
		    (in = http_json_body(hr)) == NULL)
			return;
		if (jsonutil_get_string(in, "name", &name) == -1 ||
		    *name == '\0' || strlen(name) > 200) {
			json_object_put(in);
			http_refuse(hr, 400, "bad_request", "an audit needs a "
			    "\"name\" (1 to 200 characters)");
			return;
		}
		snprintf(by, sizeof(by), "token:%s", hr->person.id);
		if (http_batch(hr) == -1 || drift_audit(hr->drift, name, by, 0,
		    &id, &hosts) == -1) {
			json_object_put(in);
			if (store_in_batch(hr->store))
				http_refuse(hr, 503, "busy", "the store failed; "
				    "retry later");
			return;
		}
		json_object_put(in);
		body = json_object_new_object();
		jsonutil_set_int64(body, "id", id);
		jsonutil_set_int64(body, "hosts", hosts);
		http_reply_durable(hr, 201, body);
		return;
	}
	if (http_person_auth(hr, HTTP_READERS) == -1)
		return;
	if (store_audit_list(hr->store, &a, &n) != STORE_OK) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	list = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(list, audit_json(&a[i]));
	free(a);
	body = json_object_new_object();
	jsonutil_set(body, "audits", list);
	http_reply(hr, 200, body);
}
