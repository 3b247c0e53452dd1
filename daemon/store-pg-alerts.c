/*
 * The PostgreSQL store's alert outbox: one row per drift event and sink,
 * written in the transaction that opened or resolved the drift item.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store-pg-int.h"
#include "xmalloc.h"

#define ALERT_COLUMNS "id, drift_id, event, sink, idempotency_key, " \
	"payload, created_at, attempts, next_attempt_at, delivered_at, " \
	"last_error"

static enum store_status
pg_alert_rows(struct pg_store *st, const char *what, const char *sql,
    const struct pg_params *p, struct store_alert **out, size_t *nout)
{
	struct store_alert	*v, *a;
	PGresult		*r;
	int			 i, n;

	*out = NULL;
	*nout = 0;
	if (pg_run(st, what, sql, p, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	v = n > 0 ? xcalloc((size_t)n, sizeof(*v)) : NULL;
	for (i = 0; i < n; i++) {
		a = &v[i];
		a->id = pg_int(r, i, 0);
		a->drift_id = pg_int(r, i, 1);
		pg_str(a->event, sizeof(a->event), r, i, 2);
		pg_str(a->sink, sizeof(a->sink), r, i, 3);
		pg_str(a->idempotency_key, sizeof(a->idempotency_key), r, i,
		    4);
		a->payload = pg_strdup(r, i, 5);
		a->created_at = (time_t)pg_int(r, i, 6);
		a->attempts = pg_int(r, i, 7);
		a->next_attempt_at = (time_t)pg_int(r, i, 8);
		a->delivered_at = (time_t)pg_int(r, i, 9);
		pg_str(a->last_error, sizeof(a->last_error), r, i, 10);
	}
	PQclear(r);
	*out = v;
	*nout = (size_t)n;
	return STORE_OK;
}

static enum store_status
pg_alert_add_locked(struct pg_store *st, struct store_alert *a)
{
	struct pg_params	 p;
	PGresult		*r;
	int			 n;

	/* The key is the entry's identity: a second enqueue of the same
	 * event for the same sink (from any instance) is a no-op. */
	pg_p_init(&p);
	pg_p_int(&p, a->drift_id);
	pg_p_text(&p, a->event);
	pg_p_text(&p, a->sink);
	pg_p_text(&p, a->idempotency_key);
	pg_p_text(&p, a->payload != NULL ? a->payload : "{}");
	pg_p_int(&p, a->created_at);
	pg_p_int(&p, a->next_attempt_at != 0 ? a->next_attempt_at :
	    a->created_at);
	if (pg_run(st, "alert_add", "INSERT INTO alert_outbox (drift_id, "
	    "event, sink, idempotency_key, payload, created_at, "
	    "next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
	    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id", &p,
	    &r) != 0)
		return STORE_ERROR;
	if ((n = PQntuples(r)) == 1) {
		a->id = pg_int(r, 0, 0);
		a->attempts = 0;
		a->delivered_at = 0;
	}
	PQclear(r);
	if (n == 1)
		return STORE_OK;
	/* Queued before: tell the caller which entry holds the key. */
	pg_p_init(&p);
	pg_p_text(&p, a->idempotency_key);
	if (pg_run(st, "alert_add", "SELECT id FROM alert_outbox WHERE "
	    "idempotency_key = $1", &p, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n == 1)
		a->id = pg_int(r, 0, 0);
	PQclear(r);
	return n == 1 ? STORE_EXISTS : STORE_ERROR;
}

enum store_status
pg_store_alert_add(struct pg_store *st, struct store_alert *a)
{
	enum store_status	res;

	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	res = pg_alert_add_locked(st, a);
	/* STORE_EXISTS changed nothing: end the operation as a success. */
	if (pg_atomic_end(st, res == STORE_EXISTS ? STORE_OK : res) !=
	    STORE_OK)
		return STORE_ERROR;
	return res;
}

enum store_status
pg_store_alert_due(struct pg_store *st, time_t now, size_t limit,
    struct store_alert **out, size_t *n)
{
	struct pg_params	p;

	pg_p_init(&p);
	pg_p_int(&p, now);
	pg_p_limit(&p, limit);
	return pg_alert_rows(st, "alert_due", "SELECT " ALERT_COLUMNS " FROM "
	    "alert_outbox WHERE delivered_at = 0 AND next_attempt_at <= $1 "
	    "ORDER BY id LIMIT $2::bigint", &p, out, n);
}

/*
 * Several instances read the same outbox: the one whose claim moves the
 * entry's next attempt to its lease sends it.  SKIP LOCKED: an instance
 * never waits for an entry another is claiming, it leaves it to it.
 */
enum store_status
pg_store_alert_claim(struct pg_store *st, int64_t id, time_t now,
    time_t until)
{
	struct pg_params	p;
	long long		n;

	pg_p_init(&p);
	pg_p_int(&p, id);
	pg_p_int(&p, now);
	pg_p_int(&p, until);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	n = pg_changes(st, "alert_claim", "UPDATE alert_outbox SET "
	    "next_attempt_at = $3 WHERE id = (SELECT id FROM alert_outbox "
	    "WHERE id = $1 AND delivered_at = 0 AND next_attempt_at <= $2 "
	    "FOR UPDATE SKIP LOCKED)", &p);
	return pg_atomic_end(st, n == 1 ? STORE_OK : n == 0 ?
	    STORE_NOT_FOUND : STORE_ERROR);
}

/* One UPDATE of an undelivered entry: STORE_OK, or STORE_NOT_FOUND when
 * there is no such entry or it was delivered already. */
static enum store_status
pg_alert_update(struct pg_store *st, const char *what, const char *sql,
    int64_t id, time_t t, const char *error)
{
	struct pg_params	p;
	long long		n;

	pg_p_init(&p);
	pg_p_int(&p, t);
	pg_p_text(&p, error);
	pg_p_int(&p, id);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	n = pg_changes(st, what, sql, &p);
	return pg_atomic_end(st, n == 1 ? STORE_OK : n == 0 ?
	    STORE_NOT_FOUND : STORE_ERROR);
}

enum store_status
pg_store_alert_delivered(struct pg_store *st, int64_t id, time_t now)
{
	return pg_alert_update(st, "alert_delivered", "UPDATE alert_outbox "
	    "SET delivered_at = $1, last_error = $2, attempts = attempts + 1 "
	    "WHERE id = $3 AND delivered_at = 0", id, now, "");
}

enum store_status
pg_store_alert_retry(struct pg_store *st, int64_t id, time_t next,
    const char *error)
{
	char	buf[256];

	/* The column is read back into a 256-byte buffer. */
	snprintf(buf, sizeof(buf), "%s", error != NULL ? error : "");
	return pg_alert_update(st, "alert_retry", "UPDATE alert_outbox "
	    "SET next_attempt_at = $1, last_error = $2, "
	    "attempts = attempts + 1 WHERE id = $3 AND delivered_at = 0", id,
	    next, buf);
}

enum store_status
pg_store_alert_list(struct pg_store *st, int undelivered_only, size_t limit,
    struct store_alert **out, size_t *n)
{
	struct pg_params	p;

	pg_p_init(&p);
	pg_p_int(&p, undelivered_only != 0);
	pg_p_limit(&p, limit);
	/* What still needs attention first (oldest first), then the record
	 * of what went out (newest first). */
	return pg_alert_rows(st, "alert_list", "SELECT " ALERT_COLUMNS " FROM "
	    "alert_outbox WHERE $1::int = 0 OR delivered_at = 0 "
	    "ORDER BY delivered_at != 0, "
	    "CASE WHEN delivered_at = 0 THEN id ELSE 0 END, "
	    "delivered_at DESC, id DESC LIMIT $2::bigint", &p, out, n);
}

enum store_status
pg_store_alert_next_due(struct pg_store *st, time_t *at)
{
	PGresult	*r;

	*at = 0;
	if (pg_run(st, "alert_next_due", "SELECT min(next_attempt_at) FROM "
	    "alert_outbox WHERE delivered_at = 0", NULL, &r) != 0)
		return STORE_ERROR;
	*at = (time_t)pg_int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}
