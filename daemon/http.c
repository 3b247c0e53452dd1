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

#include <event2/buffer.h>
#include <event2/http.h>

#include "ca.h"
#include "http.h"
#include "jsonutil.h"
#include "log.h"
#include "tls.h"

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

void
http_healthz(struct http_req *hr)
{
	struct json_object	*body = json_object_new_object();

	jsonutil_set_string(body, "status", "ok");
	http_reply(hr, 200, body);
}
