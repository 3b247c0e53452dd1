/*
 * The PostgreSQL store's counts for GET /metrics, read at scrape time:
 * the same queries as SQLite's, over the same indexes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "store-pg-int.h"
#include "xmalloc.h"

enum store_status
pg_store_agent_counts(struct pg_store *st, time_t since,
    struct store_agent_counts *c)
{
	struct pg_params	 p;
	PGresult		*r;

	memset(c, 0, sizeof(*c));
	pg_p_init(&p);
	pg_p_int(&p, since);
	if (pg_run(st, "agent_counts", "SELECT "
	    "count(*) FILTER (WHERE revoked_at = 0), "
	    "count(*) FILTER (WHERE revoked_at = 0 AND last >= $1), "
	    "count(*) FILTER (WHERE revoked_at = 0 AND last < $1), "
	    "count(*) FILTER (WHERE revoked_at != 0) "
	    "FROM (SELECT a.revoked_at, (SELECT max(received_at) FROM "
	    "evidence e WHERE e.agent_id = a.id) AS last FROM agents a) x",
	    &p, &r) != 0)
		return STORE_ERROR;
	c->known = (uint64_t)pg_int(r, 0, 0);
	c->active = (uint64_t)pg_int(r, 0, 1);
	c->silent = (uint64_t)pg_int(r, 0, 2);
	c->revoked = (uint64_t)pg_int(r, 0, 3);
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_drift_open_counts(struct pg_store *st, struct store_kind_count **out,
    size_t *nout)
{
	PGresult	*r;
	int		 i, n;

	*out = NULL;
	*nout = 0;
	if (pg_run(st, "drift_open_counts", "SELECT kind, count(*) FROM drift "
	    "WHERE state != 'resolved' GROUP BY kind ORDER BY kind", NULL,
	    &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*out = xcalloc((size_t)n, sizeof(**out));
	for (i = 0; i < n; i++) {
		pg_str((*out)[i].kind, sizeof((*out)[i].kind), r, i, 0);
		(*out)[i].n = (uint64_t)pg_int(r, i, 1);
	}
	*nout = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_alert_undelivered(struct pg_store *st, uint64_t *n)
{
	PGresult	*r;

	*n = 0;
	if (pg_run(st, "alert_undelivered", "SELECT count(*) FROM "
	    "alert_outbox WHERE delivered_at = 0", NULL, &r) != 0)
		return STORE_ERROR;
	*n = (uint64_t)pg_int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}
