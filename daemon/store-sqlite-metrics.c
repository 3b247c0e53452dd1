/*
 * The SQLite store's counts for GET /metrics: read at scrape time, each
 * one query over an index, so a scrape costs little even with many
 * agents and a long history.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store-sqlite-int.h"
#include "xmalloc.h"

enum store_status
sqlite_store_agent_counts(struct sqlite_store *st, time_t since,
    struct store_agent_counts *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(c, 0, sizeof(*c));
	/* last: each agent's newest document (NULL: none yet), from the
	 * (agent_id, received_at) index. */
	if (sqlite3_prepare_v2(st->db, "SELECT "
	    "coalesce(sum(revoked_at = 0), 0), "
	    "coalesce(sum(revoked_at = 0 AND last >= ?1), 0), "
	    "coalesce(sum(revoked_at = 0 AND last < ?1), 0), "
	    "coalesce(sum(revoked_at != 0), 0) "
	    "FROM (SELECT a.revoked_at, (SELECT max(received_at) FROM "
	    "evidence e WHERE e.agent_id = a.id) AS last FROM agents a)",
	    -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "agent_counts");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)since);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c->known = (uint64_t)sqlite3_column_int64(s, 0);
		c->active = (uint64_t)sqlite3_column_int64(s, 1);
		c->silent = (uint64_t)sqlite3_column_int64(s, 2);
		c->revoked = (uint64_t)sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? STORE_OK : store_fail(st, "agent_counts");
}

enum store_status
sqlite_store_drift_open_counts(struct sqlite_store *st, struct store_kind_count **out,
    size_t *nout)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT kind, count(*) FROM drift "
	    "WHERE state != 'resolved' GROUP BY kind ORDER BY kind", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "drift_open_counts");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xreallocarray(*out, n + 1, sizeof(**out));
		store_copy((*out)[n].kind, sizeof((*out)[n].kind),
		    sqlite3_column_text(s, 0));
		(*out)[n].n = (uint64_t)sqlite3_column_int64(s, 1);
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		return store_fail(st, "drift_open_counts");
	}
	*nout = n;
	return STORE_OK;
}

enum store_status
sqlite_store_alert_undelivered(struct sqlite_store *st, uint64_t *n)
{
	sqlite3_stmt	*s;
	int		 rc;

	*n = 0;
	/* Over the (delivered_at, ...) index. */
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM alert_outbox "
	    "WHERE delivered_at = 0", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "alert_undelivered");
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? STORE_OK : store_fail(st, "alert_undelivered");
}
