/*
 * Drift: how each host differs from the baseline its last audit froze.
 * Judged documents are compared with the host's baseline (rules that
 * regressed or recovered, sections whose digest changed, with a
 * field-level diff); a timer finds hosts gone silent; security events
 * (bad signatures, seq conflicts, revoked agents) and rule-set changes
 * become items too.  An item opens once, is updated while it lasts, and
 * resolves when the host is back at its baseline or an audit freezes a
 * new one.  Every opening and resolution is handed to a notifier (the
 * alerts) inside the same store transaction.
 */
#ifndef EXHIBIT_DRIFT_H
#define EXHIBIT_DRIFT_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

struct daemon_conf;
struct drift;
struct json_object;
struct store;
struct store_drift;

/* Told of every item that opens or resolves ("opened", "resolved"). */
typedef void	(*drift_notify_fn)(void *arg, const struct store_drift *,
		    const char *event);

struct drift	*drift_new(struct event_base *, struct store *,
		    const struct daemon_conf *);
void		 drift_set_notify(struct drift *, drift_notify_fn, void *arg);
void		 drift_reload(struct drift *, const struct daemon_conf *);
void		 drift_free(struct drift *);

/* A document's results were stored: compare the host with its baseline
 * (only for its newest document; re-judging old ones changes nothing). */
struct judgement;
void		 drift_judged(struct drift *, int64_t evidence_id,
		    const char *agent_id, const char *ruleset,
		    const struct judgement *);

/* The rules in force are now ruleset (at start and on every reload). */
void		 drift_rules(struct drift *, const char *ruleset,
		    struct json_object *packs);

/* A batch committed: look for new security events. */
void		 drift_kick(struct drift *);

/* Start an audit now: freeze baselines, resolve open items.  -1 when the
 * store failed. */
int		 drift_audit(struct drift *, const char *name,
		    const char *by, int scheduled, int64_t *audit_id,
		    int64_t *hosts);

/* The item as the API and alerts show it. */
struct json_object *drift_json(const struct store_drift *);

/* Whether s names a drift item state a listing can filter by ("open",
 * "acknowledged", "resolved", "unresolved"), or a kind. */
int	drift_state_valid(const char *s);
int	drift_kind_valid(const char *s);
struct store_audit;
struct json_object *audit_json(const struct store_audit *);

#endif
