/*
 * The alert outbox as people see it, over the API and in exhibitctl.
 * Apart from alerts.c so that exhibitctl links neither libcurl nor
 * libevent.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "alerts.h"
#include "daemon-conf.h"
#include "jsonutil.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

/* Times that are 0 (not yet) are null. */
static void
set_time(struct json_object *o, const char *key, time_t t)
{
	if (t != 0)
		jsonutil_set_time(o, key, t);
	else
		jsonutil_set(o, key, NULL);
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

/* The event as every sink's entry keeps it (the webhook's body). */
static struct json_object *
event_json(struct store *st, const struct store_drift *d, const char *event)
{
	struct json_object	*o, *detail = NULL;
	struct store_agent	 ag;
	char			 host[256], err[128];

	snprintf(host, sizeof(host), "%s", d->hostname);
	/* The drift engine may hand over an item as written, before a
	 * read filled the host name in. */
	if (host[0] == '\0' && d->agent_id[0] != '\0' &&
	    store_agent_get(st, d->agent_id, &ag) == STORE_OK) {
		snprintf(host, sizeof(host), "%s", ag.hostname);
		store_agent_clear(&ag);
	}
	o = json_object_new_object();
	jsonutil_set_string(o, "event", event);
	jsonutil_set_int64(o, "id", d->id);
	jsonutil_set_string(o, "kind", d->kind);
	jsonutil_set_string(o, "host", host[0] != '\0' ? host : NULL);
	jsonutil_set_string(o, "agent_id", d->agent_id[0] != '\0' ?
	    d->agent_id : NULL);
	jsonutil_set_string(o, "subject", d->subject);
	jsonutil_set_string(o, "state", d->state);
	set_time(o, "opened_at", d->opened_at);
	set_time(o, "updated_at", d->updated_at);
	if (d->resolved_at != 0) {
		set_time(o, "resolved_at", d->resolved_at);
		jsonutil_set_string(o, "resolution", d->resolution);
	}
	if (d->audit_id != 0)
		jsonutil_set_int64(o, "audit_id", d->audit_id);
	if (d->evidence_id != 0)
		jsonutil_set_int64(o, "evidence_id", d->evidence_id);
	if (d->detail != NULL && d->detail[0] != '\0' &&
	    (detail = jsonutil_parse(d->detail, strlen(d->detail), err,
	    sizeof(err))) == NULL)
		detail = json_object_new_string(d->detail);
	jsonutil_set(o, "detail", detail != NULL ? detail :
	    json_object_new_object());
	return o;
}

void
alert_outbox_enqueue(struct store *st, const struct daemon_conf *c,
    const struct store_drift *item, const char *event, unsigned *queued)
{
	static const char *const names[] = { "webhook", "slack", "syslog" };
	struct store_alert	 e;
	struct json_object	*o = NULL;
	enum store_status	 rc;
	time_t			 now = timefmt_now();
	int			 on[3], resolved;
	size_t			 i;

	*queued = 0;
	resolved = strcmp(event, "resolved") == 0;
	if (!resolved && strcmp(event, "opened") != 0) {
		log_warnx("alerts: unknown drift event \"%s\"", event);
		return;
	}
	on[0] = c->webhook_url != NULL && c->webhook_secret != NULL &&
	    (!resolved || c->webhook_resolved);
	on[1] = c->slack_url != NULL && (!resolved || c->slack_resolved);
	on[2] = c->syslog_enabled && (!resolved || c->syslog_resolved);
	for (i = 0; i < 3; i++) {
		if (!on[i])
			continue;
		if (o == NULL)
			o = event_json(st, item, event);
		memset(&e, 0, sizeof(e));
		e.drift_id = item->id;
		snprintf(e.event, sizeof(e.event), "%s", event);
		snprintf(e.sink, sizeof(e.sink), "%s", names[i]);
		snprintf(e.idempotency_key, sizeof(e.idempotency_key),
		    "drift-%" PRId64 "-%s-%s", item->id, event, names[i]);
		/* Each element of a batched body names its own key. */
		jsonutil_set_string(o, "idempotency_key", e.idempotency_key);
		e.payload = xstrdup(jsonutil_to_string(o, 0));
		e.created_at = now;
		e.next_attempt_at = now;
		rc = store_alert_add(st, &e);
		free(e.payload);
		if (rc == STORE_OK)
			*queued |= 1u << i;
		else if (rc == STORE_EXISTS)
			log_debug("alerts: %s queued before",
			    e.idempotency_key);
		else
			log_warnx("alerts: could not queue %s",
			    e.idempotency_key);
	}
	json_object_put(o);
}
