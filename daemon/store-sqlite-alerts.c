/*
 * The SQLite store's alert outbox: one row per drift event and sink,
 * written in the transaction that opened or resolved the drift item, so
 * an alert exists exactly when its event does.  Rows are kept after
 * delivery, for the record.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-sqlite-int.h"
#include "xmalloc.h"

#define ALERT_COLUMNS "id, drift_id, event, sink, idempotency_key, " \
	"payload, created_at, attempts, next_attempt_at, delivered_at, " \
	"last_error"

static void
store_alert_row(sqlite3_stmt *s, struct store_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	a->drift_id = sqlite3_column_int64(s, 1);
	store_copy(a->event, sizeof(a->event), sqlite3_column_text(s, 2));
	store_copy(a->sink, sizeof(a->sink), sqlite3_column_text(s, 3));
	store_copy(a->idempotency_key, sizeof(a->idempotency_key),
	    sqlite3_column_text(s, 4));
	a->payload = xstrdup(sqlite3_column_text(s, 5) != NULL ?
	    (const char *)sqlite3_column_text(s, 5) : "");
	a->created_at = (time_t)sqlite3_column_int64(s, 6);
	a->attempts = sqlite3_column_int64(s, 7);
	a->next_attempt_at = (time_t)sqlite3_column_int64(s, 8);
	a->delivered_at = (time_t)sqlite3_column_int64(s, 9);
	store_copy(a->last_error, sizeof(a->last_error),
	    sqlite3_column_text(s, 10));
}

/* Step s to its end, collecting rows; s is finalized. */
static enum store_status
store_alert_rows(struct sqlite_store *st, sqlite3_stmt *s, const char *what,
    struct store_alert **out, size_t *n)
{
	int	rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xgrowarray(*out, *n, sizeof(**out));
		store_alert_row(s, &(*out)[(*n)++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_alert_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(st, what);
	}
	return STORE_OK;
}

static enum store_status
store_alert_add_locked(struct sqlite_store *st, struct store_alert *a)
{
	sqlite3_stmt	*s;
	int		 rc;

	/* The key is the entry's identity: a second enqueue of the same
	 * event for the same sink is a no-op, not an error. */
	if (sqlite3_prepare_v2(st->db, "INSERT INTO alert_outbox (drift_id, "
	    "event, sink, idempotency_key, payload, created_at, "
	    "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (idempotency_key) DO NOTHING", -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "alert_add");
	sqlite3_bind_int64(s, 1, a->drift_id);
	sqlite3_bind_text(s, 2, a->event, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->sink, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->idempotency_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, a->payload != NULL ? a->payload : "{}", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)a->created_at);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)(a->next_attempt_at != 0 ?
	    a->next_attempt_at : a->created_at));
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "alert_add");
	if (sqlite3_changes(st->db) == 1) {
		a->id = sqlite3_last_insert_rowid(st->db);
		a->attempts = 0;
		a->delivered_at = 0;
		return STORE_OK;
	}
	/* Queued before: tell the caller which entry holds the key. */
	if (sqlite3_prepare_v2(st->db, "SELECT id FROM alert_outbox WHERE "
	    "idempotency_key = ?", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "alert_add");
	sqlite3_bind_text(s, 1, a->idempotency_key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		a->id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? STORE_EXISTS : store_fail(st, "alert_add");
}

enum store_status
sqlite_store_alert_add(struct sqlite_store *st, struct store_alert *a)
{
	enum store_status	res;

	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	res = store_alert_add_locked(st, a);
	/* STORE_EXISTS changed nothing: end the operation as a success. */
	if (store_atomic_end(st, res == STORE_EXISTS ? STORE_OK : res) !=
	    STORE_OK)
		return STORE_ERROR;
	return res;
}

enum store_status
sqlite_store_alert_due(struct sqlite_store *st, time_t now, size_t limit,
    struct store_alert **out, size_t *n)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, "SELECT " ALERT_COLUMNS " FROM "
	    "alert_outbox WHERE delivered_at = 0 AND next_attempt_at <= ? "
	    "ORDER BY id LIMIT ?", -1, &s, NULL) != SQLITE_OK) {
		*out = NULL;
		*n = 0;
		return store_fail(st, "alert_due");
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(s, 2, limit > 0 ? (sqlite3_int64)limit : -1);
	return store_alert_rows(st, s, "alert_due", out, n);
}

/* One UPDATE of an undelivered entry: STORE_OK, or STORE_NOT_FOUND when
 * there is no such entry or it was delivered already. */
static enum store_status
store_alert_update(struct sqlite_store *st, const char *what, const char *sql,
    int64_t id, time_t t, const char *error)
{
	enum store_status	 res;
	sqlite3_stmt		*s;
	int			 rc;

	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_atomic_end(st, store_fail(st, what));
	sqlite3_bind_int64(s, 1, (sqlite3_int64)t);
	sqlite3_bind_text(s, 2, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		res = store_fail(st, what);
	else
		res = sqlite3_changes(st->db) == 1 ? STORE_OK :
		    STORE_NOT_FOUND;
	return store_atomic_end(st, res);
}

enum store_status
sqlite_store_alert_delivered(struct sqlite_store *st, int64_t id, time_t now)
{
	return store_alert_update(st, "alert_delivered", "UPDATE alert_outbox "
	    "SET delivered_at = ?1, last_error = ?2, attempts = attempts + 1 "
	    "WHERE id = ?3 AND delivered_at = 0", id, now, "");
}

enum store_status
sqlite_store_alert_retry(struct sqlite_store *st, int64_t id, time_t next,
    const char *error)
{
	char	buf[256];

	/* The column is read back into a 256-byte buffer. */
	snprintf(buf, sizeof(buf), "%s", error != NULL ? error : "");
	return store_alert_update(st, "alert_retry", "UPDATE alert_outbox "
	    "SET next_attempt_at = ?1, last_error = ?2, "
	    "attempts = attempts + 1 WHERE id = ?3 AND delivered_at = 0", id,
	    next, buf);
}

enum store_status
sqlite_store_alert_list(struct sqlite_store *st, int undelivered_only, size_t limit,
    struct store_alert **out, size_t *n)
{
	sqlite3_stmt	*s;

	/* What still needs attention first (oldest first), then the record
	 * of what went out (newest first). */
	if (sqlite3_prepare_v2(st->db, "SELECT " ALERT_COLUMNS " FROM "
	    "alert_outbox WHERE ?1 = 0 OR delivered_at = 0 "
	    "ORDER BY delivered_at != 0, "
	    "CASE WHEN delivered_at = 0 THEN id ELSE 0 END, "
	    "delivered_at DESC, id DESC LIMIT ?2", -1,
	    &s, NULL) != SQLITE_OK) {
		*out = NULL;
		*n = 0;
		return store_fail(st, "alert_list");
	}
	sqlite3_bind_int(s, 1, undelivered_only != 0);
	sqlite3_bind_int64(s, 2, limit > 0 ? (sqlite3_int64)limit : -1);
	return store_alert_rows(st, s, "alert_list", out, n);
}

enum store_status
sqlite_store_alert_next_due(struct sqlite_store *st, time_t *at)
{
	sqlite3_stmt	*s;
	int		 rc;

	*at = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT min(next_attempt_at) FROM "
	    "alert_outbox WHERE delivered_at = 0", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "alert_next_due");
	if ((rc = sqlite3_step(s)) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		*at = (time_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? STORE_OK : store_fail(st, "alert_next_due");
}

/* One instance: nothing to claim against. */
enum store_status
sqlite_store_alert_claim(struct sqlite_store *st, int64_t id, time_t now,
    time_t until)
{
	(void)st;
	(void)id;
	(void)now;
	(void)until;
	return STORE_OK;
}

void
store_alert_list_free(struct store_alert *a, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(a[i].payload);
	free(a);
}
