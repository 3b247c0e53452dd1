/*
 * What export bundles read from the PostgreSQL store: a period's
 * documents with their ledger leaves, a document's evaluations, the
 * rule sets.  A period's rows (metadata only, never envelopes) are
 * fetched in one result before fn sees the first: fn calls other store
 * functions on the same connection, which cannot run while a result
 * is still streaming in.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "store-pg-int.h"
#include "xmalloc.h"

enum store_status
pg_store_evidence_period(struct pg_store *st, const char *agent_id,
    time_t from, time_t to, store_period_fn fn, void *arg)
{
	struct store_period_row	 row;
	struct pg_params	 p;
	PGresult		*r;
	int			 i, n;
	enum store_status	 res = STORE_OK;

	pg_p_init(&p);
	pg_p_text(&p, agent_id);
	pg_p_int(&p, from);
	pg_p_int(&p, to);
	if (pg_run(st, "evidence_period", "SELECT e.id, e.seq, e.received_at, "
	    "e.collected_at, e.digest, coalesce(l.idx, -1) FROM evidence e "
	    "LEFT JOIN ledger_leaves l ON l.evidence_id = e.id "
	    "WHERE e.agent_id = $1 AND e.received_at BETWEEN $2 AND $3 "
	    "ORDER BY e.seq", &p, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		memset(&row, 0, sizeof(row));
		row.evidence_id = pg_int(r, i, 0);
		row.seq = pg_int(r, i, 1);
		row.received_at = (time_t)pg_int(r, i, 2);
		row.collected_at = (time_t)pg_int(r, i, 3);
		pg_str(row.digest, sizeof(row.digest), r, i, 4);
		row.leaf_index = pg_int(r, i, 5);
		if (fn(arg, &row) == -1) {
			res = STORE_ERROR;
			break;
		}
	}
	PQclear(r);
	return res;
}

enum store_status
pg_store_evidence_period_count(struct pg_store *st, const char *agent_id,
    time_t from, time_t to, uint64_t *n)
{
	struct pg_params	 p;
	PGresult		*r;

	*n = 0;
	pg_p_init(&p);
	pg_p_text(&p, agent_id);
	pg_p_int(&p, from);
	pg_p_int(&p, to);
	if (pg_run(st, "evidence_period_count", "SELECT count(*) FROM evidence "
	    "WHERE ($1::text IS NULL OR agent_id = $1) AND received_at "
	    "BETWEEN $2 AND $3", &p, &r) != 0)
		return STORE_ERROR;
	*n = (uint64_t)pg_int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_evaluations_of(struct pg_store *st, int64_t evidence_id,
    struct store_evaluation_row **out, size_t *nout)
{
	struct store_evaluation_row	*e;
	struct pg_params		 p;
	PGresult			*r;
	int				 i, j, n;

	*out = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_int(&p, evidence_id);
	if (pg_run(st, "evaluations_of", "SELECT ruleset, results, "
	    "evaluated_at, npass, nna, nerror, nfail FROM evaluations "
	    "WHERE evidence_id = $1 ORDER BY evaluated_at, ruleset", &p,
	    &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*out = xcalloc((size_t)n, sizeof(**out));
	for (i = 0; i < n; i++) {
		e = &(*out)[i];
		pg_str(e->ruleset, sizeof(e->ruleset), r, i, 0);
		pg_str(e->results, sizeof(e->results), r, i, 1);
		e->evaluated_at = (time_t)pg_int(r, i, 2);
		for (j = 0; j < STORE_NCOUNTS; j++)
			e->counts[j] = (int)pg_int(r, i, 3 + j);
	}
	*nout = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_ruleset_list(struct pg_store *st, char (**digests)[STORE_DIGEST_LEN],
    size_t *nout)
{
	PGresult	*r;
	int		 i, n;

	*digests = NULL;
	*nout = 0;
	if (pg_run(st, "ruleset_list", "SELECT digest FROM rulesets ORDER BY "
	    "first_loaded, digest", NULL, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*digests = xcalloc((size_t)n, sizeof(**digests));
	for (i = 0; i < n; i++)
		pg_str((*digests)[i], STORE_DIGEST_LEN, r, i, 0);
	*nout = (size_t)n;
	PQclear(r);
	return STORE_OK;
}
