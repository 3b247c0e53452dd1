/*
 * The SQLite store's audit tables: audits and the baselines they freeze,
 * and drift items.  A drift item is unique while unresolved per (host,
 * kind, subject), which the schema enforces with a partial unique index.
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

/* --- audits and baselines ------------------------------------------------ */

static enum store_status
store_audit_start_locked(struct sqlite_store *st, struct store_audit *a,
    int64_t **resolved, size_t *nresolved)
{
	sqlite3_stmt	*s;
	char		*why;
	int		 rc;

	/* BEGIN IMMEDIATE holds the write lock: no other start between
	 * this check and the insert. */
	if (a->scheduled) {
		if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(started_at), "
		    "0) FROM audits WHERE scheduled = 1", -1, &s, NULL) !=
		    SQLITE_OK)
			return store_fail(st, "audit_start");
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW && sqlite3_column_int64(s, 0) >
		    (sqlite3_int64)a->scheduled_after) {
			sqlite3_finalize(s);
			return STORE_EXISTS;
		}
		sqlite3_finalize(s);
		if (rc != SQLITE_ROW)
			return store_fail(st, "audit_start");
	}
	if (sqlite3_prepare_v2(st->db, "INSERT INTO audits (name, started_at, "
	    "started_by, scheduled) VALUES (?, ?, ?, ?)", -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "audit_start");
	sqlite3_bind_text(s, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)a->started_at);
	sqlite3_bind_text(s, 3, a->started_by, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, a->scheduled);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "audit_start");
	a->id = sqlite3_last_insert_rowid(st->db);

	/* Every unrevoked host's newest judged document, with its newest
	 * evaluation. */
	if (sqlite3_prepare_v2(st->db,
	    "INSERT INTO baselines (audit_id, agent_id, evidence_id, ruleset,"
	    "  results) "
	    "SELECT ?1, a.id, e.id, v.ruleset, v.results FROM agents a"
	    "  JOIN evidence e ON e.id = (SELECT e2.id FROM evidence e2"
	    "    WHERE e2.agent_id = a.id AND EXISTS (SELECT 1 FROM"
	    "    evaluations v2 WHERE v2.evidence_id = e2.id)"
	    "    ORDER BY e2.id DESC LIMIT 1)"
	    "  JOIN evaluations v ON v.evidence_id = e.id AND v.evaluated_at ="
	    "    (SELECT max(evaluated_at) FROM evaluations v3"
	    "    WHERE v3.evidence_id = e.id)"
	    "  WHERE a.revoked_at = 0 "
	    "GROUP BY a.id", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "audit_start");
	sqlite3_bind_int64(s, 1, a->id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "audit_start");
	a->hosts = sqlite3_changes(st->db);
	if (sqlite3_prepare_v2(st->db, "UPDATE audits SET hosts = ? WHERE "
	    "id = ?", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "audit_start");
	sqlite3_bind_int64(s, 1, a->hosts);
	sqlite3_bind_int64(s, 2, a->id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "audit_start");

	/* The new baseline supersedes every open question about the old. */
	why = xasprintf("superseded by audit %lld", (long long)a->id);
	if (sqlite3_prepare_v2(st->db, "UPDATE drift SET state = 'resolved', "
	    "resolved_at = ?, updated_at = ?, resolution = ? WHERE state != "
	    "'resolved' RETURNING id", -1, &s, NULL) != SQLITE_OK) {
		free(why);
		return store_fail(st, "audit_start");
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)a->started_at);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)a->started_at);
	sqlite3_bind_text(s, 3, why, -1, SQLITE_TRANSIENT);
	free(why);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*resolved = xreallocarray(*resolved, *nresolved + 1,
		    sizeof(**resolved));
		(*resolved)[(*nresolved)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "audit_start");
}

enum store_status
sqlite_store_audit_start(struct sqlite_store *st, struct store_audit *a, int64_t **resolved,
    size_t *nresolved)
{
	enum store_status	 rc;

	*resolved = NULL;
	*nresolved = 0;
	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = store_atomic_end(st, store_audit_start_locked(st, a, resolved,
	    nresolved));
	if (rc != STORE_OK) {
		free(*resolved);
		*resolved = NULL;
		*nresolved = 0;
	}
	return rc;
}

enum store_status
sqlite_store_audit_list(struct sqlite_store *st, struct store_audit **out, size_t *nout)
{
	struct store_audit	*a = NULL;
	sqlite3_stmt		*s;
	size_t			 n = 0;
	int			 rc;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id, name, started_at, "
	    "started_by, scheduled, hosts FROM audits ORDER BY id DESC", -1,
	    &s, NULL) != SQLITE_OK)
		return store_fail(st, "audit_list");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		a = xreallocarray(a, n + 1, sizeof(*a));
		memset(&a[n], 0, sizeof(a[n]));
		a[n].id = sqlite3_column_int64(s, 0);
		store_copy(a[n].name, sizeof(a[n].name),
		    sqlite3_column_text(s, 1));
		a[n].started_at = (time_t)sqlite3_column_int64(s, 2);
		store_copy(a[n].started_by, sizeof(a[n].started_by),
		    sqlite3_column_text(s, 3));
		a[n].scheduled = sqlite3_column_int(s, 4);
		a[n].hosts = sqlite3_column_int64(s, 5);
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(a);
		return store_fail(st, "audit_list");
	}
	*out = a;
	*nout = n;
	return STORE_OK;
}

enum store_status
sqlite_store_audit_last_scheduled(struct sqlite_store *st, time_t *at)
{
	sqlite3_stmt	*s;
	int		 rc;

	*at = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT max(started_at) FROM audits "
	    "WHERE scheduled = 1", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "audit_last_scheduled");
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*at = (time_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? STORE_OK :
	    store_fail(st, "audit_last_scheduled");
}

enum store_status
sqlite_store_baseline_get(struct sqlite_store *st, const char *agent_id,
    struct store_baseline *b)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(b, 0, sizeof(*b));
	if ((s = store_prepared(st, "SELECT audit_id, evidence_id, ruleset, "
	    "results FROM baselines WHERE agent_id = ? ORDER BY audit_id DESC "
	    "LIMIT 1")) == NULL)
		return store_fail(st, "baseline_get");
	sqlite3_bind_text(s, 1, agent_id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		b->audit_id = sqlite3_column_int64(s, 0);
		b->evidence_id = sqlite3_column_int64(s, 1);
		store_copy(b->ruleset, sizeof(b->ruleset),
		    sqlite3_column_text(s, 2));
		store_copy(b->results, sizeof(b->results),
		    sqlite3_column_text(s, 3));
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND :
	    store_fail(st, "baseline_get");
}

enum store_status
sqlite_store_baseline_initial(struct sqlite_store *st, const char *agent_id,
    int64_t evidence_id, const char *ruleset, const char *results)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO baselines "
	    "(audit_id, agent_id, evidence_id, ruleset, results) VALUES "
	    "(0, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "baseline_initial");
	sqlite3_bind_text(s, 1, agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, evidence_id);
	sqlite3_bind_text(s, 3, ruleset, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, results, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK :
	    store_fail(st, "baseline_initial");
}

enum store_status
sqlite_store_result_set_get(struct sqlite_store *st, const char *digest, char **body,
    size_t *len)
{
	return store_blob_get(st, "SELECT body FROM result_sets WHERE "
	    "digest = ?", digest, body, len, "result_set_get");
}

enum store_status
sqlite_store_evidence_sections(struct sqlite_store *st, int64_t id,
    struct store_section_ref **out, size_t *nout)
{
	struct store_section_ref	*r = NULL;
	sqlite3_stmt			*s;
	size_t				 n = 0;
	int				 rc;

	*out = NULL;
	*nout = 0;
	if ((s = store_prepared(st, "SELECT name, digest FROM "
	    "evidence_sections WHERE evidence_id = ? ORDER BY name")) == NULL)
		return store_fail(st, "evidence_sections");
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = xreallocarray(r, n + 1, sizeof(*r));
		store_copy(r[n].name, sizeof(r[n].name),
		    sqlite3_column_text(s, 0));
		store_copy(r[n].digest, sizeof(r[n].digest),
		    sqlite3_column_text(s, 1));
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(r);
		return store_fail(st, "evidence_sections");
	}
	*out = r;
	*nout = n;
	return STORE_OK;
}

enum store_status
sqlite_store_agent_latest(struct sqlite_store *st, const char *agent_id, int64_t *id,
    time_t *received_at)
{
	sqlite3_stmt	*s;
	int		 rc;

	*id = 0;
	*received_at = 0;
	if ((s = store_prepared(st, "SELECT id, received_at FROM evidence "
	    "WHERE agent_id = ? ORDER BY id DESC LIMIT 1")) == NULL)
		return store_fail(st, "agent_latest");
	sqlite3_bind_text(s, 1, agent_id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*received_at = (time_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_fail(st, "agent_latest");
}

enum store_status
sqlite_store_agents_silent(struct sqlite_store *st, time_t before, char (**ids)[40],
    size_t *nout)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	*ids = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT a.id FROM agents a WHERE "
	    "a.revoked_at = 0 AND (SELECT max(received_at) FROM evidence e "
	    "WHERE e.agent_id = a.id) < ? ORDER BY a.id", -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "agents_silent");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)before);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, n + 1, sizeof(**ids));
		store_copy((*ids)[n], sizeof((*ids)[n]),
		    sqlite3_column_text(s, 0));
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		return store_fail(st, "agents_silent");
	}
	*nout = n;
	return STORE_OK;
}

/* --- drift items ------------------------------------------------------------- */

#define DRIFT_COLUMNS "d.id, d.agent_id, coalesce(a.hostname, ''), d.kind, " \
	"d.subject, d.state, d.opened_at, d.updated_at, d.audit_id, " \
	"d.evidence_id, d.detail, d.acked_at, d.acked_by, d.ack_comment, " \
	"d.resolved_at, d.resolution"

static void
store_drift_row(sqlite3_stmt *s, struct store_drift *d)
{
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(s, 0);
	store_copy(d->agent_id, sizeof(d->agent_id), sqlite3_column_text(s, 1));
	store_copy(d->hostname, sizeof(d->hostname), sqlite3_column_text(s, 2));
	store_copy(d->kind, sizeof(d->kind), sqlite3_column_text(s, 3));
	store_copy(d->subject, sizeof(d->subject), sqlite3_column_text(s, 4));
	store_copy(d->state, sizeof(d->state), sqlite3_column_text(s, 5));
	d->opened_at = (time_t)sqlite3_column_int64(s, 6);
	d->updated_at = (time_t)sqlite3_column_int64(s, 7);
	d->audit_id = sqlite3_column_int64(s, 8);
	d->evidence_id = sqlite3_column_int64(s, 9);
	d->detail = xstrdup(sqlite3_column_text(s, 10) != NULL ?
	    (const char *)sqlite3_column_text(s, 10) : "{}");
	d->acked_at = (time_t)sqlite3_column_int64(s, 11);
	store_copy(d->acked_by, sizeof(d->acked_by),
	    sqlite3_column_text(s, 12));
	store_copy(d->ack_comment, sizeof(d->ack_comment),
	    sqlite3_column_text(s, 13));
	d->resolved_at = (time_t)sqlite3_column_int64(s, 14);
	store_copy(d->resolution, sizeof(d->resolution),
	    sqlite3_column_text(s, 15));
}

void
store_drift_clear(struct store_drift *d)
{
	free(d->detail);
	d->detail = NULL;
}

void
store_drift_list_free(struct store_drift *d, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		store_drift_clear(&d[i]);
	free(d);
}

static enum store_status
store_drift_open_locked(struct sqlite_store *st, struct store_drift *d)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepared(st, "UPDATE drift SET evidence_id = ?, "
	    "detail = ?, updated_at = ? WHERE agent_id = ? AND kind = ? AND "
	    "subject = ? AND state != 'resolved' RETURNING id, opened_at, "
	    "state")) == NULL)
		return store_fail(st, "drift_open");
	sqlite3_bind_int64(s, 1, d->evidence_id);
	sqlite3_bind_text(s, 2, d->detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)d->updated_at);
	sqlite3_bind_text(s, 4, d->agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, d->subject, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d->id = sqlite3_column_int64(s, 0);
		d->opened_at = (time_t)sqlite3_column_int64(s, 1);
		store_copy(d->state, sizeof(d->state),
		    sqlite3_column_text(s, 2));
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? STORE_EXISTS :
		    store_fail(st, "drift_open");
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "drift_open");

	if ((s = store_prepared(st, "INSERT INTO drift (agent_id, kind, "
	    "subject, state, opened_at, updated_at, audit_id, evidence_id, "
	    "detail) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)")) == NULL)
		return store_fail(st, "drift_open");
	sqlite3_bind_text(s, 1, d->agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, d->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)d->opened_at);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)d->opened_at);
	sqlite3_bind_int64(s, 6, d->audit_id);
	sqlite3_bind_int64(s, 7, d->evidence_id);
	sqlite3_bind_text(s, 8, d->detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "drift_open");
	d->id = sqlite3_last_insert_rowid(st->db);
	d->updated_at = d->opened_at;
	snprintf(d->state, sizeof(d->state), "open");
	return STORE_OK;
}

enum store_status
sqlite_store_drift_open(struct sqlite_store *st, struct store_drift *d)
{
	enum store_status	 rc;

	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = store_drift_open_locked(st, d);
	/* An update is a success for the transaction. */
	if (store_atomic_end(st, rc == STORE_EXISTS ? STORE_OK : rc) !=
	    STORE_OK)
		return STORE_ERROR;
	return rc;
}

enum store_status
sqlite_store_drift_resolve(struct sqlite_store *st, const char *agent_id, const char *kind,
    const char *subject, time_t now, const char *resolution, int64_t *id)
{
	sqlite3_stmt	*s;
	int		 rc;

	*id = 0;
	if ((s = store_prepared(st, "UPDATE drift SET state = 'resolved', "
	    "resolved_at = ?1, updated_at = ?1, resolution = ?2 WHERE "
	    "agent_id = ?3 AND kind = ?4 AND subject = ?5 AND state != "
	    "'resolved' RETURNING id")) == NULL)
		return store_fail(st, "drift_resolve");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	sqlite3_bind_text(s, 2, resolution, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, subject, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		rc = sqlite3_step(s);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "drift_resolve");
	return *id != 0 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status
sqlite_store_drift_ack(struct sqlite_store *st, int64_t id, time_t now, const char *by,
    const char *comment)
{
	struct store_drift	 d;
	sqlite3_stmt		*s;
	enum store_status	 rc;
	int			 r;

	if ((rc = sqlite_store_drift_get(st, id, &d)) != STORE_OK)
		return rc;
	r = strcmp(d.state, "open");
	store_drift_clear(&d);
	if (r != 0)
		return STORE_EXISTS;
	if (sqlite3_prepare_v2(st->db, "UPDATE drift SET state = "
	    "'acknowledged', acked_at = ?1, updated_at = ?1, acked_by = ?2, "
	    "ack_comment = ?3 WHERE id = ?4 AND state = 'open'", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "drift_ack");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	sqlite3_bind_text(s, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, comment, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, id);
	r = sqlite3_step(s);
	sqlite3_finalize(s);
	if (r != SQLITE_DONE)
		return store_fail(st, "drift_ack");
	return sqlite3_changes(st->db) == 1 ? STORE_OK : STORE_EXISTS;
}

enum store_status
sqlite_store_drift_get(struct sqlite_store *st, int64_t id, struct store_drift *d)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(d, 0, sizeof(*d));
	if (sqlite3_prepare_v2(st->db, "SELECT " DRIFT_COLUMNS " FROM drift d "
	    "LEFT JOIN agents a ON a.id = d.agent_id WHERE d.id = ?", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "drift_get");
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		store_drift_row(s, d);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st,
	    "drift_get");
}

/* Every row of drift statement s (a store_prepared() one). */
static enum store_status
store_drift_rows(struct sqlite_store *st, sqlite3_stmt *s,
    struct store_drift **out, size_t *nout, const char *what)
{
	struct store_drift	*d = NULL;
	size_t			 n = 0;
	int			 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d = xreallocarray(d, n + 1, sizeof(*d));
		store_drift_row(s, &d[n++]);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_drift_list_free(d, n);
		return store_fail(st, what);
	}
	*out = d;
	*nout = n;
	return STORE_OK;
}

enum store_status
sqlite_store_drift_list(struct sqlite_store *st, const struct store_drift_filter *f,
    struct store_drift **out, size_t *nout)
{
	sqlite3_stmt		*s;

	*out = NULL;
	*nout = 0;
	if ((s = store_prepared(st, "SELECT " DRIFT_COLUMNS " FROM drift d "
	    "LEFT JOIN agents a ON a.id = d.agent_id WHERE "
	    "(?1 IS NULL OR d.state = ?1 OR (?1 = 'unresolved' AND "
	    "d.state != 'resolved')) AND "
	    "(?2 IS NULL OR d.agent_id = ?2 OR a.hostname = ?2) AND "
	    "(?3 IS NULL OR d.kind = ?3) AND "
	    "d.updated_at >= ?4 AND d.id > ?5 ORDER BY d.id LIMIT ?6")) ==
	    NULL)
		return store_fail(st, "drift_list");
	if (f->state != NULL)
		sqlite3_bind_text(s, 1, f->state, -1, SQLITE_STATIC);
	if (f->agent != NULL)
		sqlite3_bind_text(s, 2, f->agent, -1, SQLITE_STATIC);
	if (f->kind != NULL)
		sqlite3_bind_text(s, 3, f->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)f->since);
	sqlite3_bind_int64(s, 5, f->after_id);
	sqlite3_bind_int64(s, 6, f->limit > 0 ? (sqlite3_int64)f->limit : -1);
	return store_drift_rows(st, s, out, nout, "drift_list");
}

enum store_status
sqlite_store_drift_unresolved(struct sqlite_store *st, const char *agent_id,
    const char *kind, struct store_drift **out, size_t *nout)
{
	sqlite3_stmt	*s;

	*out = NULL;
	*nout = 0;
	/* The terms of the partial index drift_unresolved, as written. */
	if ((s = store_prepared(st, "SELECT " DRIFT_COLUMNS " FROM drift d "
	    "LEFT JOIN agents a ON a.id = d.agent_id WHERE d.agent_id = ?1 "
	    "AND d.state != 'resolved' AND (?2 IS NULL OR d.kind = ?2) "
	    "ORDER BY d.id")) == NULL)
		return store_fail(st, "drift_unresolved");
	sqlite3_bind_text(s, 1, agent_id, -1, SQLITE_STATIC);
	if (kind != NULL)
		sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	return store_drift_rows(st, s, out, nout, "drift_unresolved");
}

/* --- meta and security events ---------------------------------------------- */

enum store_status
sqlite_store_meta_get(struct sqlite_store *st, const char *key, char **value)
{
	sqlite3_stmt	*s;
	int		 rc;

	*value = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "meta_get");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*value = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st,
	    "meta_get");
}

enum store_status
sqlite_store_meta_set(struct sqlite_store *st, const char *key, const char *value)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta (key, "
	    "value) VALUES (?, ?)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "meta_set");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "meta_set");
}

enum store_status
sqlite_store_security_events_after(struct sqlite_store *st, int64_t id, size_t limit,
    struct store_security_event_row **out, size_t *nout)
{
	struct store_security_event_row	*e = NULL;
	sqlite3_stmt			*s;
	size_t				 n = 0;
	int				 rc;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id, at, coalesce(agent_id, ''), "
	    "kind, coalesce(peer, ''), detail FROM security_events WHERE "
	    "id > ? ORDER BY id LIMIT ?", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "security_events_after");
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, limit > 0 ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		e = xreallocarray(e, n + 1, sizeof(*e));
		memset(&e[n], 0, sizeof(e[n]));
		e[n].id = sqlite3_column_int64(s, 0);
		e[n].at = (time_t)sqlite3_column_int64(s, 1);
		store_copy(e[n].agent_id, sizeof(e[n].agent_id),
		    sqlite3_column_text(s, 2));
		store_copy(e[n].kind, sizeof(e[n].kind),
		    sqlite3_column_text(s, 3));
		store_copy(e[n].peer, sizeof(e[n].peer),
		    sqlite3_column_text(s, 4));
		store_copy(e[n].detail, sizeof(e[n].detail),
		    sqlite3_column_text(s, 5));
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(e);
		return store_fail(st, "security_events_after");
	}
	*out = e;
	*nout = n;
	return STORE_OK;
}
