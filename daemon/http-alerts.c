/*
 * GET /v1/alerts/outbox: what alerts went out, what still waits and why,
 * and the sinks' counters.  For admin and security tokens: alerts name
 * hosts and what drifted on them, which auditors see through drift.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>

#include "alerts.h"
#include "conf.h"
#include "http.h"
#include "jsonutil.h"
#include "server.h"
#include "store.h"

#define OUTBOX_LIMIT_DEFAULT	500
#define OUTBOX_LIMIT_MAX	10000

void
http_alerts_outbox(struct http_req *hr)
{
	static const char *const known[] = { "undelivered", "limit", NULL };
	struct json_object	*body, *stats;
	struct evkeyvalq	 q;
	struct alerts		*a;
	const char		*v;
	char			*end;
	long long		 limit = OUTBOX_LIMIT_DEFAULT;
	int			 undelivered = 0;

	if (http_person_auth(hr, STORE_ROLE_BIT(ROLE_ADMIN) |
	    STORE_ROLE_BIT(ROLE_SECURITY)) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	if ((v = evhttp_find_header(&q, "undelivered")) != NULL &&
	    conf_parse_bool(v, &undelivered) == -1) {
		evhttp_clear_headers(&q);
		http_refuse(hr, 400, "bad_request", "undelivered is 1 or 0");
		return;
	}
	if ((v = evhttp_find_header(&q, "limit")) != NULL &&
	    ((limit = strtoll(v, &end, 10)) < 1 || limit > OUTBOX_LIMIT_MAX ||
	    *end != '\0' || end == v)) {
		evhttp_clear_headers(&q);
		http_refuse(hr, 400, "bad_request", "limit is 1 to %d",
		    OUTBOX_LIMIT_MAX);
		return;
	}
	evhttp_clear_headers(&q);
	if ((body = alerts_outbox_json(hr->store, undelivered,
	    (size_t)limit)) == NULL) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	stats = json_object_new_object();
	if ((a = server_alerts(hr->srv)) != NULL)
		alerts_stats(a, stats);
	jsonutil_set(body, "stats", stats);
	http_reply(hr, 200, body);
}
