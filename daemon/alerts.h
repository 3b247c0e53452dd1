/*
 * Alerts on drift: each drift item alerts once when it opens (and once
 * when it resolves, for sinks that want that) to the sinks configured in
 * [alerts.webhook], [alerts.slack] and [alerts.syslog].
 *
 * An alert is an outbox entry (store_alert_*) written in the same
 * transaction as the drift event, so it exists exactly when the event
 * does and survives restarts.  Delivery runs on the daemon's event loop
 * (libcurl's multi interface driven by libevent: no threads, never
 * blocking), rate limited per sink, retried with exponential backoff.
 * An entry is marked delivered only after a 2xx: a crash between the 2xx
 * and the mark re-sends it with the same Idempotency-Key.
 */
#ifndef EXHIBIT_ALERTS_H
#define EXHIBIT_ALERTS_H

#include <stddef.h>

#include <event2/event.h>
#include <json-c/json.h>

struct alerts;
struct daemon_conf;
struct store;
struct store_alert;
struct store_drift;

struct alerts	*alerts_new(struct event_base *, struct store *,
		    const struct daemon_conf *);
/* SIGHUP: the sinks' settings from conf (counters are kept). */
void		 alerts_reload(struct alerts *, const struct daemon_conf *);

/*
 * A drift item opened or resolved (event "opened" or "resolved"): one
 * outbox entry per sink that wants this event, written in the caller's
 * store transaction or batch (call it inside).  The payload, a JSON
 * object, is built here from item's fields as store.h has them.
 */
void		 alerts_enqueue(struct alerts *,
		    const struct store_drift *item, const char *event);

/* The batch holding enqueued entries committed: deliver what is due. */
void		 alerts_kick(struct alerts *);

/* Counters for metrics and tests, per sink: {"webhook": {"configured",
 * "queued", "delivered", "failed", "in_flight"}, ...}, into an object. */
void		 alerts_stats(struct alerts *, struct json_object *into);

/* Draining: start no more deliveries; those in flight finish, or are
 * abandoned by alerts_free() and stay in the outbox. */
void		 alerts_stop(struct alerts *);
void		 alerts_free(struct alerts *);

/* The outbox for people (the API and exhibitctl): {"id", "drift_id",
 * "event", "sink", "idempotency_key", "attempts", "next_attempt_at",
 * "delivered_at", "last_error", "created_at"}.  alert-outbox.c: needs
 * neither libcurl nor libevent. */
struct json_object *alerts_entry_json(const struct store_alert *);

/*
 * Queue an event for every sink conf configures that wants it: what
 * alerts_enqueue() does, without the delivery machinery, so exhibitctl
 * (which starts audits on the store directly) queues the resolutions it
 * causes; the daemon delivers them.  Bit i of *queued is set for each
 * sink queued, in the order webhook, slack, syslog.
 */
void	alert_outbox_enqueue(struct store *, const struct daemon_conf *,
	    const struct store_drift *, const char *event, unsigned *queued);
/* {"outbox": [...]} with at most limit entries (0: all); NULL when the
 * store failed (logged). */
struct json_object *alerts_outbox_json(struct store *, int undelivered_only,
		    size_t limit);

#endif
