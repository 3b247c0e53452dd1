/*
 * The SQLite store's rule tables: rule packs and rule sets, each
 * document's results (content-addressed: a host whose results did not
 * change adds one small row per document), and waivers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-sqlite-int.h"
#include "xmalloc.h"

static enum store_status
store_ruleset_add_locked(struct sqlite_store *st, const char *digest,
    const struct store_pack *packs, size_t npacks, time_t now)
{
	struct json_object	*list;
	sqlite3_stmt		*s;
	size_t			 i;
	int			 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO rule_packs "
	    "(digest, name, version, first_loaded, body) VALUES "
	    "(?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "ruleset_add");
	list = json_object_new_array();
	for (i = 0; i < npacks; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, packs[i].digest, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, packs[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, packs[i].version, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, (sqlite3_int64)now);
		sqlite3_bind_blob64(s, 5, packs[i].body, packs[i].len,
		    SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_finalize(s);
			json_object_put(list);
			return store_fail(st, "ruleset_add");
		}
		json_object_array_add(list,
		    json_object_new_string(packs[i].digest));
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO rulesets "
	    "(digest, packs, first_loaded) VALUES (?, ?, ?)", -1, &s, NULL) !=
	    SQLITE_OK) {
		json_object_put(list);
		return store_fail(st, "ruleset_add");
	}
	sqlite3_bind_text(s, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, json_object_to_json_string_ext(list,
	    JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	json_object_put(list);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "ruleset_add");
}

enum store_status
sqlite_store_ruleset_add(struct sqlite_store *st, const char *digest,
    const struct store_pack *packs, size_t npacks, time_t now)
{
	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	return store_atomic_end(st, store_ruleset_add_locked(st, digest, packs,
	    npacks, now));
}

void
store_packs_free(struct store_pack_row *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(p[i].digest);
		free(p[i].name);
		free(p[i].version);
		free(p[i].body);
	}
	free(p);
}

enum store_status
sqlite_store_ruleset_get(struct sqlite_store *st, const char *digest,
    struct store_pack_row **out, size_t *nout)
{
	sqlite3_stmt		*s;
	struct store_pack_row	*p = NULL;
	size_t			 n = 0, len;
	int			 rc;

	*out = NULL;
	*nout = 0;
	/* The packs in the order the rule set lists them. */
	if (sqlite3_prepare_v2(st->db, "SELECT p.digest, p.name, p.version, "
	    "p.body FROM rulesets r, json_each(r.packs) j JOIN rule_packs p "
	    "ON p.digest = j.value WHERE r.digest = ? ORDER BY j.key", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "ruleset_get");
	sqlite3_bind_text(s, 1, digest, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		p = xreallocarray(p, n + 1, sizeof(*p));
		p[n].digest = xstrdup((const char *)sqlite3_column_text(s, 0));
		p[n].name = xstrdup((const char *)sqlite3_column_text(s, 1));
		p[n].version = xstrdup((const char *)sqlite3_column_text(s,
		    2));
		len = (size_t)sqlite3_column_bytes(s, 3);
		p[n].body = xmalloc(len + 1);
		memcpy(p[n].body, sqlite3_column_blob(s, 3), len);
		p[n].body[len] = '\0';
		p[n].len = len;
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_packs_free(p, n);
		return store_fail(st, "ruleset_get");
	}
	if (n == 0)
		return STORE_NOT_FOUND;
	*out = p;
	*nout = n;
	return STORE_OK;
}

static enum store_status
store_evaluation_add_locked(struct sqlite_store *st, const struct store_evaluation *e)
{
	sqlite3_stmt	*s;
	int		 i;

	if ((s = store_stmt(st, S_RESULTS_ADD)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, e->results_digest, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 2, e->results, e->len, SQLITE_STATIC);
	if (store_stmt_done(st, s) != 0)
		return STORE_ERROR;
	if ((s = store_stmt(st, S_EVAL_ADD)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, e->evidence_id);
	sqlite3_bind_text(s, 2, e->ruleset, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)e->evaluated_at);
	sqlite3_bind_text(s, 4, e->results_digest, -1, SQLITE_STATIC);
	for (i = 0; i < STORE_NCOUNTS; i++)
		sqlite3_bind_int(s, 5 + i, e->counts[i]);
	return store_stmt_done(st, s) == 0 ? STORE_OK : STORE_ERROR;
}

enum store_status
sqlite_store_evaluation_add(struct sqlite_store *st, const struct store_evaluation *e)
{
	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	return store_atomic_end(st, store_evaluation_add_locked(st, e));
}

enum store_status
sqlite_store_evaluation_pending(struct sqlite_store *st, const char *ruleset, size_t limit,
    int64_t **ids, size_t *n)
{
	sqlite3_stmt	*s;
	int		 rc;

	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db,
	    "SELECT id FROM evidence e WHERE NOT EXISTS (SELECT 1 FROM "
	    "  evaluations v WHERE v.evidence_id = e.id) "
	    "UNION "
	    "SELECT m.id FROM (SELECT max(id) AS id FROM evidence "
	    "  GROUP BY agent_id) m WHERE NOT EXISTS (SELECT 1 FROM "
	    "  evaluations v WHERE v.evidence_id = m.id AND v.ruleset = ?1) "
	    "ORDER BY 1 LIMIT ?2", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "evaluation_pending");
	sqlite3_bind_text(s, 1, ruleset, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, limit > 0 ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return store_fail(st, "evaluation_pending");
	}
	return STORE_OK;
}

void
store_doc_clear(struct store_doc *d)
{
	size_t	 i;

	free(d->envelope);
	for (i = 0; i < d->nrefs; i++)
		free(d->refs[i].body);
	free(d->refs);
	memset(d, 0, sizeof(*d));
}

enum store_status
sqlite_store_doc_get(struct sqlite_store *st, int64_t id, struct store_doc *d)
{
	struct store_ref_section	*r;
	sqlite3_stmt			*s;
	size_t				 len;
	int				 rc;

	memset(d, 0, sizeof(*d));
	if ((s = store_stmt(st, S_DOC_ENVELOPE)) == NULL)
		return store_fail(st, "doc_get");
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d->evidence_id = id;
		store_copy(d->agent_id, sizeof(d->agent_id),
		    sqlite3_column_text(s, 0));
		len = (size_t)sqlite3_column_bytes(s, 1);
		d->envelope = xmalloc(len + 1);
		memcpy(d->envelope, sqlite3_column_blob(s, 1), len);
		d->envelope[len] = '\0';
		d->envelope_len = len;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NOT_FOUND :
		    store_fail(st, "doc_get");

	if ((s = store_stmt(st, S_DOC_REFS)) == NULL) {
		store_doc_clear(d);
		return store_fail(st, "doc_get");
	}
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d->refs = xreallocarray(d->refs, d->nrefs + 1,
		    sizeof(*d->refs));
		r = &d->refs[d->nrefs++];
		store_copy(r->name, sizeof(r->name), sqlite3_column_text(s,
		    0));
		r->len = (size_t)sqlite3_column_bytes(s, 1);
		r->body = xmalloc(r->len + 1);
		memcpy(r->body, sqlite3_column_blob(s, 1), r->len);
		r->body[r->len] = '\0';
		store_copy(r->digest, sizeof(r->digest), sqlite3_column_text(s,
		    2));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_doc_clear(d);
		return store_fail(st, "doc_get");
	}
	return STORE_OK;
}

void
store_result_sets_free(struct store_result_set *r, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(r[i].results);
	free(r);
}

enum store_status
sqlite_store_results_at(struct sqlite_store *st, time_t at, const char *agent_id,
    struct store_result_set **out, size_t *nout)
{
	struct store_result_set	*r = NULL, *x;
	sqlite3_stmt		*s;
	size_t			 n = 0;
	int			 rc, i;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db,
	    "WITH latest AS ("
	    "  SELECT a.id AS agent, (SELECT e.id FROM evidence e"
	    "    WHERE e.agent_id = a.id AND e.received_at <= ?1"
	    "    AND EXISTS (SELECT 1 FROM evaluations v"
	    "      WHERE v.evidence_id = e.id)"
	    "    ORDER BY e.received_at DESC, e.id DESC LIMIT 1) AS ev"
	    "  FROM agents a"
	    "  WHERE (a.revoked_at = 0 OR a.revoked_at > ?1)"
	    "  AND (?2 IS NULL OR a.id = ?2))"
	    "SELECT e.id, e.agent_id, a.hostname, a.machine_id,"
	    "  e.received_at, e.collected_at, v.evaluated_at, v.ruleset,"
	    "  rs.body, v.npass, v.nna, v.nerror, v.nfail "
	    "FROM latest l JOIN evidence e ON e.id = l.ev"
	    "  JOIN agents a ON a.id = e.agent_id"
	    "  JOIN evaluations v ON v.evidence_id = e.id AND v.ruleset = ("
	    "    SELECT v2.ruleset FROM evaluations v2"
	    "    WHERE v2.evidence_id = e.id"
	    "    ORDER BY v2.evaluated_at <= ?1 DESC,"
	    "      CASE WHEN v2.evaluated_at <= ?1 THEN -v2.evaluated_at"
	    "      ELSE v2.evaluated_at END LIMIT 1)"
	    "  JOIN result_sets rs ON rs.digest = v.results "
	    "ORDER BY a.hostname, a.id", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "results_at");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)at);
	if (agent_id != NULL)
		sqlite3_bind_text(s, 2, agent_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = xreallocarray(r, n + 1, sizeof(*r));
		x = &r[n++];
		memset(x, 0, sizeof(*x));
		x->evidence_id = sqlite3_column_int64(s, 0);
		store_copy(x->agent_id, sizeof(x->agent_id),
		    sqlite3_column_text(s, 1));
		store_copy(x->hostname, sizeof(x->hostname),
		    sqlite3_column_text(s, 2));
		store_copy(x->machine_id, sizeof(x->machine_id),
		    sqlite3_column_text(s, 3));
		x->received_at = (time_t)sqlite3_column_int64(s, 4);
		x->collected_at = (time_t)sqlite3_column_int64(s, 5);
		x->evaluated_at = (time_t)sqlite3_column_int64(s, 6);
		store_copy(x->ruleset, sizeof(x->ruleset),
		    sqlite3_column_text(s, 7));
		x->len = (size_t)sqlite3_column_bytes(s, 8);
		x->results = xmalloc(x->len + 1);
		memcpy(x->results, sqlite3_column_blob(s, 8), x->len);
		x->results[x->len] = '\0';
		for (i = 0; i < STORE_NCOUNTS; i++)
			x->counts[i] = sqlite3_column_int(s, 9 + i);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_result_sets_free(r, n);
		return store_fail(st, "results_at");
	}
	*out = r;
	*nout = n;
	return STORE_OK;
}

/* --- waivers ------------------------------------------------------------------ */

#define WAIVER_COLUMNS "id, rule_id, host, owner, justification, " \
	"created_at, created_by, expires_at, removed_at, removed_by"

enum store_status
sqlite_store_waiver_add(struct sqlite_store *st, struct store_waiver *w)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO waivers (rule_id, host, "
	    "owner, justification, created_at, created_by, expires_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "waiver_add");
	sqlite3_bind_text(s, 1, w->rule_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, w->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, w->owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, w->justification, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)w->created_at);
	sqlite3_bind_text(s, 6, w->created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)w->expires_at);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "waiver_add");
	w->id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

enum store_status
sqlite_store_waiver_remove(struct sqlite_store *st, int64_t id, time_t now, const char *by)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE waivers SET removed_at = ?, "
	    "removed_by = ? WHERE id = ? AND removed_at = 0", -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "waiver_remove");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	sqlite3_bind_text(s, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "waiver_remove");
	return sqlite3_changes(st->db) == 1 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status
sqlite_store_waiver_list(struct sqlite_store *st, struct store_waiver **out, size_t *nout)
{
	struct store_waiver	*w = NULL, *x;
	sqlite3_stmt		*s;
	size_t			 n = 0;
	int			 rc;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT " WAIVER_COLUMNS " FROM "
	    "waivers ORDER BY id DESC", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "waiver_list");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		w = xreallocarray(w, n + 1, sizeof(*w));
		x = &w[n++];
		memset(x, 0, sizeof(*x));
		x->id = sqlite3_column_int64(s, 0);
		store_copy(x->rule_id, sizeof(x->rule_id),
		    sqlite3_column_text(s, 1));
		store_copy(x->host, sizeof(x->host), sqlite3_column_text(s, 2));
		store_copy(x->owner, sizeof(x->owner),
		    sqlite3_column_text(s, 3));
		store_copy(x->justification, sizeof(x->justification),
		    sqlite3_column_text(s, 4));
		x->created_at = (time_t)sqlite3_column_int64(s, 5);
		store_copy(x->created_by, sizeof(x->created_by),
		    sqlite3_column_text(s, 6));
		x->expires_at = (time_t)sqlite3_column_int64(s, 7);
		x->removed_at = (time_t)sqlite3_column_int64(s, 8);
		store_copy(x->removed_by, sizeof(x->removed_by),
		    sqlite3_column_text(s, 9));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(w);
		return store_fail(st, "waiver_list");
	}
	*out = w;
	*nout = n;
	return STORE_OK;
}
