/*
 * The alert outbox as people see it, over the API and in exhibitctl.
 * Apart from alerts.c so that exhibitctl links neither libcurl nor
 * libevent.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include <json-c/json.h>

#include "alerts.h"
#include "jsonutil.h"
#include "store.h"
#include "timefmt.h"

static void
set_time(struct json_object *o, const char *key, time_t t)
{
	char	buf[TIMEFMT_RFC3339_LEN];

	jsonutil_set_string(o, key, t != 0 ? timefmt_rfc3339(t, buf,
	    sizeof(buf)) : NULL);
}

struct json_object *
alerts_entry_json(const struct store_alert *a)
{
	struct json_object	*o = json_object_new_object();

	jsonutil_set_int64(o, "id", a->id);
	jsonutil_set_int64(o, "drift_id", a->drift_id);
	jsonutil_set_string(o, "event", a->event);
	jsonutil_set_string(o, "sink", a->sink);
	jsonutil_set_string(o, "idempotency_key", a->idempotency_key);
	jsonutil_set_int64(o, "attempts", a->attempts);
	/* Delivered entries are attempted no more. */
	set_time(o, "next_attempt_at", a->delivered_at == 0 ?
	    a->next_attempt_at : 0);
	set_time(o, "delivered_at", a->delivered_at);
	jsonutil_set_string(o, "last_error", a->last_error[0] != '\0' ?
	    a->last_error : NULL);
	set_time(o, "created_at", a->created_at);
	return o;
}

struct json_object *
alerts_outbox_json(struct store *st, int undelivered_only, size_t limit)
{
	struct json_object	*list, *body;
	struct store_alert	*v;
	size_t			 i, n;

	if (store_alert_list(st, undelivered_only, limit, &v, &n) != STORE_OK)
		return NULL;
	list = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(list, alerts_entry_json(&v[i]));
	store_alert_list_free(v, n);
	body = json_object_new_object();
	jsonutil_set(body, "outbox", list);
	return body;
}
