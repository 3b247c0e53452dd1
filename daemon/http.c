/*
 * Helpers shared by the route handlers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "ca.h"
#include "http.h"
#include "jsonutil.h"
#include "log.h"
#include "tls.h"
#include "token.h"

static const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

void
http_reply(struct http_req *hr, int status, struct json_object *body)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(hr->req);
	struct evbuffer		*out;
	const char		*text;

	text = jsonutil_to_string(body, 0);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new failed");
	evbuffer_add(out, text, strlen(text));
	evbuffer_add(out, "\n", 1);
	evhttp_send_reply(hr->req, status, http_reason(status), out);
	evbuffer_free(out);
	json_object_put(body);
	/* Every reply passes here, refusals and deferred ones included:
	 * the one place to count them. */
	if (hr->srv != NULL)
		daemon_metrics_replied(server_metrics(hr->srv), hr->route,
		    status, hr->started);
}

void
http_refuse(struct http_req *hr, int status, const char *code,
    const char *fmt, ...)
{
	struct json_object	*body;
	va_list			 ap;
	char			 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s %s %s %s: %d %s: %s", hr->peer, hr->route,
	    hr->have_person ? "token" : "agent", hr->have_person ?
	    hr->person.id : hr->have_agent ? hr->agent.id : "-", status, code,
	    msg);
	body = json_object_new_object();
	jsonutil_set_string(body, "error", code);
	jsonutil_set_string(body, "message", msg);
	http_reply(hr, status, body);
}

struct json_object *
http_json_body(struct http_req *hr)
{
	struct json_object	*obj;
	char			 err[256];

	if ((obj = jsonutil_parse(hr->body, hr->len, err,
	    sizeof(err))) == NULL) {
		http_refuse(hr, 400, "bad_request", "the body is not JSON: %s",
		    err);
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		http_refuse(hr, 400, "bad_request", "the body must be a JSON "
		    "object");
		return NULL;
	}
	return obj;
}

int
http_agent_auth(struct http_req *hr)
{
	X509		*cert;
	char		*id;
	long		 vr;

	if (hr->ssl == NULL || SSL_get0_peer_certificate(hr->ssl) == NULL) {
		http_refuse(hr, 401, "client_certificate_required", "%s needs "
		    "the agent's client certificate", hr->route);
		return -1;
	}
	if ((cert = tls_peer_verified(hr->ssl)) == NULL) {
		vr = SSL_get_verify_result(hr->ssl);
		http_refuse(hr, 401, "client_certificate_required", "the "
		    "client certificate was refused: %s",
		    X509_verify_cert_error_string(vr));
		return -1;
	}
	if ((id = ca_cert_agent_id(cert)) == NULL) {
		http_refuse(hr, 401, "client_certificate_required", "the "
		    "client certificate names no agent");
		return -1;
	}
	switch (store_agent_get(hr->store, id, &hr->agent)) {
	case STORE_OK:
		hr->have_agent = 1;
		break;
	case STORE_NOT_FOUND:
		http_refuse(hr, 403, "unknown_agent", "agent %.64s is not "
		    "enrolled", id);
		free(id);
		return -1;
	default:
		free(id);
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return -1;
	}
	free(id);
	if (hr->agent.revoked_at != 0) {
		(void)store_security_event(hr->store, hr->now, hr->agent.id,
		    "revoked_agent", hr->peer, hr->route);
		http_refuse(hr, 403, "agent_revoked", "agent %s was revoked; "
		    "it must be enrolled again", hr->agent.id);
		return -1;
	}
	return 0;
}

/* 0 with hr->person set when the bearer token may act here, else -1 after
 * refusing. */
int
http_person_auth(struct http_req *hr, unsigned roles)
{
	unsigned char		 hash[STORE_HASH_LEN];
	const char		*h;
	enum store_status	 st;

	h = evhttp_find_header(evhttp_request_get_input_headers(hr->req),
	    "Authorization");
	if (h == NULL || strncmp(h, "Bearer ", 7) != 0) {
		evhttp_add_header(evhttp_request_get_output_headers(hr->req),
		    "WWW-Authenticate", "Bearer");
		http_refuse(hr, 401, "unauthorized", "this route needs a "
		    "person's token: Authorization: Bearer exh_...");
		return -1;
	}
	if (token_hash(h + 7, hash) == -1) {
		http_refuse(hr, 401, "bad_token", "the bearer token is not an "
		    "Exhibit token");
		return -1;
	}
	st = store_token_use_roles(hr->store, hash, HTTP_READERS, hr->now,
	    &hr->person);
	switch (st) {
	case STORE_OK:
		break;
	case STORE_WRONG_ROLE:
		http_refuse(hr, 403, "forbidden", "token %s is an enrollment "
		    "token: it enrolls agents and reads nothing",
		    hr->person.id);
		return -1;
	case STORE_NOT_FOUND:
		http_refuse(hr, 401, "bad_token", "unknown token");
		return -1;
	case STORE_EXPIRED:
	case STORE_REVOKED:
	case STORE_USED_UP:
		http_refuse(hr, 401, "bad_token", "token %s is %s",
		    hr->person.id, store_status_str(st));
		return -1;
	default:
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return -1;
	}
	hr->have_person = 1;
	if ((STORE_ROLE_BIT(hr->person.role) & roles) == 0) {
		http_refuse(hr, 403, "forbidden", "the %s role may not do "
		    "this", store_role_str(hr->person.role));
		return -1;
	}
	return 0;
}

/* The query's parameters, each of them known: 0, or -1 after refusing. */
int
http_query(struct http_req *hr, const char *const *known,
    struct evkeyvalq *q)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(hr->req);
	const char		*qs = evhttp_uri_get_query(uri);
	struct evkeyval		*kv;
	size_t			 i;

	TAILQ_INIT(q);
	if (qs != NULL && evhttp_parse_query_str(qs, q) == -1) {
		http_refuse(hr, 400, "bad_request", "the query string is "
		    "malformed");
		return -1;
	}
	TAILQ_FOREACH(kv, q, next) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(kv->key, known[i]) == 0)
				break;
		if (known[i] == NULL) {
			http_refuse(hr, 400, "bad_request", "unknown query "
			    "parameter \"%.32s\"", kv->key);
			evhttp_clear_headers(q);
			return -1;
		}
	}
	return 0;
}

void
http_healthz(struct http_req *hr)
{
	struct json_object	*body = json_object_new_object();

	jsonutil_set_string(body, "status", "ok");
	http_reply(hr, 200, body);
}
