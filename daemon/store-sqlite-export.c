/*
 * What export bundles read from the SQLite store: a period's documents
 * with their ledger leaves, a document's evaluations, the rule sets.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "store-sqlite-int.h"
#include "xmalloc.h"

enum store_status
sqlite_store_evidence_period(struct sqlite_store *st, const char *agent_id, time_t from,
    time_t to, store_period_fn fn, void *arg)
{
	struct store_period_row	 r;
	sqlite3_stmt		*s;
	int			 rc, stopped = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT e.id, e.seq, e.received_at, "
	    "e.collected_at, e.digest, coalesce(l.idx, -1) FROM evidence e "
	    "LEFT JOIN ledger_leaves l ON l.evidence_id = e.id "
	    "WHERE e.agent_id = ?1 AND e.received_at BETWEEN ?2 AND ?3 "
	    "ORDER BY e.seq", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "evidence_period");
	sqlite3_bind_text(s, 1, agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)from);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.evidence_id = sqlite3_column_int64(s, 0);
		r.seq = sqlite3_column_int64(s, 1);
		r.received_at = (time_t)sqlite3_column_int64(s, 2);
		r.collected_at = (time_t)sqlite3_column_int64(s, 3);
		store_copy(r.digest, sizeof(r.digest), sqlite3_column_text(s,
		    4));
		r.leaf_index = sqlite3_column_int64(s, 5);
		if (fn(arg, &r) == -1) {
			stopped = 1;
			break;
		}
	}
	sqlite3_finalize(s);
	if (stopped)
		return STORE_ERROR;
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "evidence_period");
}

enum store_status
sqlite_store_evidence_period_count(struct sqlite_store *st, const char *agent_id,
    time_t from, time_t to, uint64_t *n)
{
	sqlite3_stmt	*s;
	int		 rc;

	*n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM evidence WHERE "
	    "(?1 IS NULL OR agent_id = ?1) AND received_at BETWEEN ?2 AND ?3",
	    -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "evidence_period_count");
	sqlite3_bind_text(s, 1, agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)from);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)to);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? STORE_OK :
	    store_fail(st, "evidence_period_count");
}

enum store_status
sqlite_store_evaluations_of(struct sqlite_store *st, int64_t evidence_id,
    struct store_evaluation_row **out, size_t *nout)
{
	struct store_evaluation_row	*e;
	sqlite3_stmt			*s;
	size_t				 n = 0;
	int				 rc;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT ruleset, results, "
	    "evaluated_at, npass, nna, nerror, nfail FROM evaluations "
	    "WHERE evidence_id = ? ORDER BY evaluated_at, ruleset", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "evaluations_of");
	sqlite3_bind_int64(s, 1, evidence_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xgrowarray(*out, n, sizeof(**out));
		e = &(*out)[n++];
		memset(e, 0, sizeof(*e));
		store_copy(e->ruleset, sizeof(e->ruleset),
		    sqlite3_column_text(s, 0));
		store_copy(e->results, sizeof(e->results),
		    sqlite3_column_text(s, 1));
		e->evaluated_at = (time_t)sqlite3_column_int64(s, 2);
		for (int i = 0; i < STORE_NCOUNTS; i++)
			e->counts[i] = sqlite3_column_int(s, 3 + i);
	}
	sqlite3_finalize(s);
	*nout = n;
	if (rc == SQLITE_DONE)
		return STORE_OK;
	free(*out);
	*out = NULL;
	*nout = 0;
	return store_fail(st, "evaluations_of");
}

enum store_status
sqlite_store_ruleset_list(struct sqlite_store *st, char (**digests)[STORE_DIGEST_LEN],
    size_t *nout)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	*digests = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT digest FROM rulesets ORDER BY "
	    "first_loaded, digest", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "ruleset_list");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*digests = xgrowarray(*digests, n, sizeof(**digests));
		store_copy((*digests)[n++], STORE_DIGEST_LEN,
		    sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	*nout = n;
	if (rc == SQLITE_DONE)
		return STORE_OK;
	free(*digests);
	*digests = NULL;
	*nout = 0;
	return store_fail(st, "ruleset_list");
}
