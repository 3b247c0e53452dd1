/*
 * The PostgreSQL store's audit tables: audits and the baselines they
 * freeze, drift items (unique while unresolved per host, kind and
 * subject: a partial unique index, so two instances seeing the same
 * change open one item), meta values and security events.
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

/* --- audits and baselines ------------------------------------------------ */

static enum store_status
pg_audit_start_locked(struct pg_store *st, struct store_audit *a,
    int64_t **resolved, size_t *nresolved)
{
	struct pg_params	 p;
	PGresult		*r;
	char			*why;
	long long		 hosts;
	int64_t			 last;
	int			 i, n;

	/* Instances sharing the database take turns here: the second to
	 * see a scheduled audit due finds the first's and starts none. */
	if (a->scheduled) {
		if (pg_run(st, "audit_start", "SELECT pg_advisory_xact_lock("
		    PG_LOCK_AUDIT "), (SELECT coalesce(max(started_at), 0) "
		    "FROM audits WHERE scheduled = 1)", NULL, &r) != 0)
			return STORE_ERROR;
		last = pg_int(r, 0, 1);
		PQclear(r);
		if (last > (int64_t)a->scheduled_after)
			return STORE_EXISTS;
	}
	pg_p_init(&p);
	pg_p_text(&p, a->name);
	pg_p_int(&p, a->started_at);
	pg_p_text(&p, a->started_by);
	pg_p_int(&p, a->scheduled);
	if (pg_run(st, "audit_start", "INSERT INTO audits (name, started_at, "
	    "started_by, scheduled) VALUES ($1, $2, $3, $4) RETURNING id", &p,
	    &r) != 0)
		return STORE_ERROR;
	a->id = pg_int(r, 0, 0);
	PQclear(r);

	/* Every unrevoked host's newest judged document, with its newest
	 * evaluation. */
	pg_p_init(&p);
	pg_p_int(&p, a->id);
	if ((hosts = pg_changes(st, "audit_start",
	    "INSERT INTO baselines (audit_id, agent_id, evidence_id, ruleset,"
	    "  results) "
	    "SELECT DISTINCT ON (a.id) $1::bigint, a.id, e.id, v.ruleset,"
	    "  v.results FROM agents a"
	    "  JOIN evidence e ON e.id = (SELECT e2.id FROM evidence e2"
	    "    WHERE e2.agent_id = a.id AND EXISTS (SELECT 1 FROM"
	    "    evaluations v2 WHERE v2.evidence_id = e2.id)"
	    "    ORDER BY e2.id DESC LIMIT 1)"
	    "  JOIN evaluations v ON v.evidence_id = e.id AND v.evaluated_at ="
	    "    (SELECT max(evaluated_at) FROM evaluations v3"
	    "    WHERE v3.evidence_id = e.id)"
	    "  WHERE a.revoked_at = 0 "
	    "ORDER BY a.id", &p)) == -1)
		return STORE_ERROR;
	a->hosts = hosts;
	pg_p_init(&p);
	pg_p_int(&p, a->hosts);
	pg_p_int(&p, a->id);
	if (pg_changes(st, "audit_start", "UPDATE audits SET hosts = $1 "
	    "WHERE id = $2", &p) != 1)
		return STORE_ERROR;

	/* The new baseline supersedes every open question about the old. */
	why = xasprintf("superseded by audit %lld", (long long)a->id);
	pg_p_init(&p);
	pg_p_int(&p, a->started_at);
	pg_p_text(&p, why);
	i = pg_run(st, "audit_start", "UPDATE drift SET state = 'resolved', "
	    "resolved_at = $1, updated_at = $1, resolution = $2 WHERE state != "
	    "'resolved' RETURNING id", &p, &r);
	free(why);
	if (i != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*resolved = xcalloc((size_t)n, sizeof(**resolved));
	for (i = 0; i < n; i++)
		(*resolved)[i] = pg_int(r, i, 0);
	*nresolved = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_audit_start(struct pg_store *st, struct store_audit *a,
    int64_t **resolved, size_t *nresolved)
{
	enum store_status	 rc;

	*resolved = NULL;
	*nresolved = 0;
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = pg_atomic_end(st, pg_audit_start_locked(st, a, resolved,
	    nresolved));
	if (rc != STORE_OK) {
		free(*resolved);
		*resolved = NULL;
		*nresolved = 0;
	}
	return rc;
}

enum store_status
pg_store_audit_list(struct pg_store *st, struct store_audit **out,
    size_t *nout)
{
	struct store_audit	*a;
	PGresult		*r;
	int			 i, n;

	*out = NULL;
	*nout = 0;
	if (pg_run(st, "audit_list", "SELECT id, name, started_at, "
	    "started_by, scheduled, hosts FROM audits ORDER BY id DESC", NULL,
	    &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	a = n > 0 ? xcalloc((size_t)n, sizeof(*a)) : NULL;
	for (i = 0; i < n; i++) {
		a[i].id = pg_int(r, i, 0);
		pg_str(a[i].name, sizeof(a[i].name), r, i, 1);
		a[i].started_at = (time_t)pg_int(r, i, 2);
		pg_str(a[i].started_by, sizeof(a[i].started_by), r, i, 3);
		a[i].scheduled = (int)pg_int(r, i, 4);
		a[i].hosts = pg_int(r, i, 5);
	}
	PQclear(r);
	*out = a;
	*nout = (size_t)n;
	return STORE_OK;
}

/* One row, one integer column (NULL or no row: 0). */
static enum store_status
pg_one_int(struct pg_store *st, const char *what, const char *sql,
    const struct pg_params *p, int64_t *v)
{
	PGresult	*r;

	*v = 0;
	if (pg_run(st, what, sql, p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) > 0)
		*v = pg_int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_audit_last_scheduled(struct pg_store *st, time_t *at)
{
	enum store_status	res;
	int64_t			v;

	res = pg_one_int(st, "audit_last_scheduled", "SELECT max(started_at) "
	    "FROM audits WHERE scheduled = 1", NULL, &v);
	*at = (time_t)v;
	return res;
}

enum store_status
pg_store_baseline_get(struct pg_store *st, const char *agent_id,
    struct store_baseline *b)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	memset(b, 0, sizeof(*b));
	pg_p_init(&p);
	pg_p_text(&p, agent_id);
	if (pg_run(st, "baseline_get", "SELECT audit_id, evidence_id, "
	    "ruleset, results FROM baselines WHERE agent_id = $1 ORDER BY "
	    "audit_id DESC LIMIT 1", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		b->audit_id = pg_int(r, 0, 0);
		b->evidence_id = pg_int(r, 0, 1);
		pg_str(b->ruleset, sizeof(b->ruleset), r, 0, 2);
		pg_str(b->results, sizeof(b->results), r, 0, 3);
		res = STORE_OK;
	}
	PQclear(r);
	return res;
}

enum store_status
pg_store_baseline_initial(struct pg_store *st, const char *agent_id,
    int64_t evidence_id, const char *ruleset, const char *results)
{
	struct pg_params	p;
	int			rc;

	pg_p_init(&p);
	pg_p_text(&p, agent_id);
	pg_p_int(&p, evidence_id);
	pg_p_text(&p, ruleset);
	pg_p_text(&p, results);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = pg_run(st, "baseline_initial", "INSERT INTO baselines (audit_id, "
	    "agent_id, evidence_id, ruleset, results) VALUES (0, $1, $2, $3, "
	    "$4) ON CONFLICT (audit_id, agent_id) DO NOTHING", &p, NULL);
	return pg_atomic_end(st, rc == 0 ? STORE_OK : STORE_ERROR);
}

enum store_status
pg_store_result_set_get(struct pg_store *st, const char *digest, char **body,
    size_t *len)
{
	return pg_blob_get(st, "result_set_get", "SELECT body FROM "
	    "result_sets WHERE digest = $1", digest, body, len);
}

enum store_status
pg_store_evidence_sections(struct pg_store *st, int64_t id,
    struct store_section_ref **out, size_t *nout)
{
	struct store_section_ref	*v;
	struct pg_params		 p;
	PGresult			*r;
	int				 i, n;

	*out = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_int(&p, id);
	if (pg_run(st, "evidence_sections", "SELECT name, digest FROM "
	    "evidence_sections WHERE evidence_id = $1 ORDER BY name", &p,
	    &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	v = n > 0 ? xcalloc((size_t)n, sizeof(*v)) : NULL;
	for (i = 0; i < n; i++) {
		pg_str(v[i].name, sizeof(v[i].name), r, i, 0);
		pg_str(v[i].digest, sizeof(v[i].digest), r, i, 1);
	}
	PQclear(r);
	*out = v;
	*nout = (size_t)n;
	return STORE_OK;
}

enum store_status
pg_store_agent_latest(struct pg_store *st, const char *agent_id, int64_t *id,
    time_t *received_at)
{
	struct pg_params	 p;
	PGresult		*r;

	*id = 0;
	*received_at = 0;
	pg_p_init(&p);
	pg_p_text(&p, agent_id);
	if (pg_run(st, "agent_latest", "SELECT id, received_at FROM evidence "
	    "WHERE agent_id = $1 ORDER BY id DESC LIMIT 1", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		*id = pg_int(r, 0, 0);
		*received_at = (time_t)pg_int(r, 0, 1);
	}
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_agents_silent(struct pg_store *st, time_t before, char (**ids)[40],
    size_t *nout)
{
	struct pg_params	 p;
	PGresult		*r;
	int			 i, n;

	*ids = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_int(&p, before);
	if (pg_run(st, "agents_silent", "SELECT a.id FROM agents a WHERE "
	    "a.revoked_at = 0 AND (SELECT max(received_at) FROM evidence e "
	    "WHERE e.agent_id = a.id) < $1 ORDER BY a.id", &p, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*ids = xcalloc((size_t)n, sizeof(**ids));
	for (i = 0; i < n; i++)
		pg_str((*ids)[i], sizeof((*ids)[i]), r, i, 0);
	*nout = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

/* --- drift items ------------------------------------------------------------- */

#define DRIFT_COLUMNS "d.id, d.agent_id, coalesce(a.hostname, ''), d.kind, " \
	"d.subject, d.state, d.opened_at, d.updated_at, d.audit_id, " \
	"d.evidence_id, d.detail, d.acked_at, d.acked_by, d.ack_comment, " \
	"d.resolved_at, d.resolution"

static void
pg_drift_row(const PGresult *r, int i, struct store_drift *d)
{
	memset(d, 0, sizeof(*d));
	d->id = pg_int(r, i, 0);
	pg_str(d->agent_id, sizeof(d->agent_id), r, i, 1);
	pg_str(d->hostname, sizeof(d->hostname), r, i, 2);
	pg_str(d->kind, sizeof(d->kind), r, i, 3);
	pg_str(d->subject, sizeof(d->subject), r, i, 4);
	pg_str(d->state, sizeof(d->state), r, i, 5);
	d->opened_at = (time_t)pg_int(r, i, 6);
	d->updated_at = (time_t)pg_int(r, i, 7);
	d->audit_id = pg_int(r, i, 8);
	d->evidence_id = pg_int(r, i, 9);
	d->detail = xstrdup(PQgetisnull(r, i, 10) ? "{}" :
	    PQgetvalue(r, i, 10));
	d->acked_at = (time_t)pg_int(r, i, 11);
	pg_str(d->acked_by, sizeof(d->acked_by), r, i, 12);
	pg_str(d->ack_comment, sizeof(d->ack_comment), r, i, 13);
	d->resolved_at = (time_t)pg_int(r, i, 14);
	pg_str(d->resolution, sizeof(d->resolution), r, i, 15);
}

static enum store_status
pg_drift_open_locked(struct pg_store *st, struct store_drift *d)
{
	struct pg_params	 p;
	PGresult		*r;
	int			 rc;

	pg_p_init(&p);
	pg_p_int(&p, d->evidence_id);
	pg_p_text(&p, d->detail);
	pg_p_int(&p, d->updated_at);
	pg_p_text(&p, d->agent_id);
	pg_p_text(&p, d->kind);
	pg_p_text(&p, d->subject);
	if (pg_run(st, "drift_open", "UPDATE drift SET evidence_id = $1, "
	    "detail = $2, updated_at = $3 WHERE agent_id = $4 AND kind = $5 "
	    "AND subject = $6 AND state != 'resolved' RETURNING id, "
	    "opened_at, state", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		d->id = pg_int(r, 0, 0);
		d->opened_at = (time_t)pg_int(r, 0, 1);
		pg_str(d->state, sizeof(d->state), r, 0, 2);
		PQclear(r);
		return STORE_EXISTS;
	}
	PQclear(r);

	pg_p_init(&p);
	pg_p_text(&p, d->agent_id);
	pg_p_text(&p, d->kind);
	pg_p_text(&p, d->subject);
	pg_p_int(&p, d->opened_at);
	pg_p_int(&p, d->audit_id);
	pg_p_int(&p, d->evidence_id);
	pg_p_text(&p, d->detail);
	/* Another instance opening the same item at the same moment: the
	 * unique index makes this one fail, and the caller's retry finds
	 * the other's. */
	rc = pg_run(st, "drift_open", "INSERT INTO drift (agent_id, kind, "
	    "subject, state, opened_at, updated_at, audit_id, evidence_id, "
	    "detail) VALUES ($1, $2, $3, 'open', $4, $4, $5, $6, $7) "
	    "RETURNING id", &p, &r);
	if (rc != 0)
		return STORE_ERROR;
	d->id = pg_int(r, 0, 0);
	PQclear(r);
	d->updated_at = d->opened_at;
	snprintf(d->state, sizeof(d->state), "open");
	return STORE_OK;
}

enum store_status
pg_store_drift_open(struct pg_store *st, struct store_drift *d)
{
	enum store_status	 rc;

	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = pg_drift_open_locked(st, d);
	/* An update is a success for the transaction. */
	if (pg_atomic_end(st, rc == STORE_EXISTS ? STORE_OK : rc) != STORE_OK)
		return STORE_ERROR;
	return rc;
}

enum store_status
pg_store_drift_resolve(struct pg_store *st, const char *agent_id,
    const char *kind, const char *subject, time_t now,
    const char *resolution, int64_t *id)
{
	struct pg_params	 p;
	PGresult		*r;

	*id = 0;
	pg_p_init(&p);
	pg_p_int(&p, now);
	pg_p_text(&p, resolution);
	pg_p_text(&p, agent_id);
	pg_p_text(&p, kind);
	pg_p_text(&p, subject);
	/* One statement, which no constraint can refuse (a resolved item
	 * leaves the unique index): atomic without a savepoint, which
	 * would cost two more round trips on a path taken for every rule
	 * that matches its baseline. */
	if (pg_run(st, "drift_resolve", "UPDATE drift SET state = 'resolved', "
	    "resolved_at = $1, updated_at = $1, resolution = $2 WHERE "
	    "agent_id = $3 AND kind = $4 AND subject = $5 AND state != "
	    "'resolved' RETURNING id", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) > 0)
		*id = pg_int(r, 0, 0);
	PQclear(r);
	return *id != 0 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status
pg_store_drift_ack(struct pg_store *st, int64_t id, time_t now,
    const char *by, const char *comment)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res;
	long long		 n;

	pg_p_init(&p);
	pg_p_int(&p, id);
	if (pg_run(st, "drift_ack", "SELECT state FROM drift WHERE id = $1",
	    &p, &r) != 0)
		return STORE_ERROR;
	res = PQntuples(r) != 1 ? STORE_NOT_FOUND :
	    strcmp(PQgetvalue(r, 0, 0), "open") != 0 ? STORE_EXISTS : STORE_OK;
	PQclear(r);
	if (res != STORE_OK)
		return res;
	pg_p_init(&p);
	pg_p_int(&p, now);
	pg_p_text(&p, by);
	pg_p_text(&p, comment);
	pg_p_int(&p, id);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	n = pg_changes(st, "drift_ack", "UPDATE drift SET state = "
	    "'acknowledged', acked_at = $1, updated_at = $1, acked_by = $2, "
	    "ack_comment = $3 WHERE id = $4 AND state = 'open'", &p);
	if ((res = pg_atomic_end(st, n == -1 ? STORE_ERROR : STORE_OK)) !=
	    STORE_OK)
		return res;
	return n == 1 ? STORE_OK : STORE_EXISTS;
}

enum store_status
pg_store_drift_get(struct pg_store *st, int64_t id, struct store_drift *d)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	memset(d, 0, sizeof(*d));
	pg_p_init(&p);
	pg_p_int(&p, id);
	if (pg_run(st, "drift_get", "SELECT " DRIFT_COLUMNS " FROM drift d "
	    "LEFT JOIN agents a ON a.id = d.agent_id WHERE d.id = $1", &p,
	    &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		pg_drift_row(r, 0, d);
		res = STORE_OK;
	}
	PQclear(r);
	return res;
}

/* Every row of r, which this clears. */
static void
pg_drift_rows(PGresult *r, struct store_drift **out, size_t *nout)
{
	struct store_drift	*d;
	int			 i, n;

	n = PQntuples(r);
	d = n > 0 ? xcalloc((size_t)n, sizeof(*d)) : NULL;
	for (i = 0; i < n; i++)
		pg_drift_row(r, i, &d[i]);
	PQclear(r);
	*out = d;
	*nout = (size_t)n;
}

enum store_status
pg_store_drift_list(struct pg_store *st, const struct store_drift_filter *f,
    struct store_drift **out, size_t *nout)
{
	struct pg_params	 p;
	PGresult		*r;

	*out = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_text(&p, f->state);
	pg_p_text(&p, f->agent);
	pg_p_text(&p, f->kind);
	pg_p_int(&p, f->since);
	pg_p_int(&p, f->after_id);
	pg_p_limit(&p, f->limit);
	if (pg_run(st, "drift_list", "SELECT " DRIFT_COLUMNS " FROM drift d "
	    "LEFT JOIN agents a ON a.id = d.agent_id WHERE "
	    "($1::text IS NULL OR d.state = $1 OR ($1 = 'unresolved' AND "
	    "d.state != 'resolved')) AND "
	    "($2::text IS NULL OR d.agent_id = $2 OR a.hostname = $2) AND "
	    "($3::text IS NULL OR d.kind = $3) AND "
	    "d.updated_at >= $4 AND d.id > $5 ORDER BY d.id LIMIT $6::bigint",
	    &p, &r) != 0)
		return STORE_ERROR;
	pg_drift_rows(r, out, nout);
	return STORE_OK;
}

enum store_status
pg_store_drift_unresolved(struct pg_store *st, const char *agent_id,
    const char *kind, struct store_drift **out, size_t *nout)
{
	struct pg_params	 p;
	PGresult		*r;

	*out = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_text(&p, agent_id);
	pg_p_text(&p, kind);
	/* The terms of the partial index drift_unresolved, as written. */
	if (pg_run(st, "drift_unresolved", "SELECT " DRIFT_COLUMNS " FROM "
	    "drift d LEFT JOIN agents a ON a.id = d.agent_id WHERE "
	    "d.agent_id = $1 AND d.state != 'resolved' AND ($2::text IS NULL "
	    "OR d.kind = $2) ORDER BY d.id", &p, &r) != 0)
		return STORE_ERROR;
	pg_drift_rows(r, out, nout);
	return STORE_OK;
}

/* --- meta and security events ---------------------------------------------- */

enum store_status
pg_store_meta_get(struct pg_store *st, const char *key, char **value)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	*value = NULL;
	pg_p_init(&p);
	pg_p_text(&p, key);
	if (pg_run(st, "meta_get", "SELECT value FROM meta WHERE key = $1",
	    &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		*value = pg_strdup(r, 0, 0);
		res = STORE_OK;
	}
	PQclear(r);
	return res;
}

enum store_status
pg_store_meta_set(struct pg_store *st, const char *key, const char *value)
{
	struct pg_params	p;
	int			rc;

	pg_p_init(&p);
	pg_p_text(&p, key);
	pg_p_text(&p, value);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = pg_run(st, "meta_set", "INSERT INTO meta (key, value) VALUES "
	    "($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2", &p, NULL);
	return pg_atomic_end(st, rc == 0 ? STORE_OK : STORE_ERROR);
}

enum store_status
pg_store_security_events_after(struct pg_store *st, int64_t id, size_t limit,
    struct store_security_event_row **out, size_t *nout)
{
	struct store_security_event_row	*e;
	struct pg_params		 p;
	PGresult			*r;
	int				 i, n;

	*out = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_int(&p, id);
	pg_p_limit(&p, limit);
	if (pg_run(st, "security_events_after", "SELECT id, at, "
	    "coalesce(agent_id, ''), kind, coalesce(peer, ''), detail FROM "
	    "security_events WHERE id > $1 ORDER BY id LIMIT $2::bigint", &p,
	    &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	e = n > 0 ? xcalloc((size_t)n, sizeof(*e)) : NULL;
	for (i = 0; i < n; i++) {
		e[i].id = pg_int(r, i, 0);
		e[i].at = (time_t)pg_int(r, i, 1);
		pg_str(e[i].agent_id, sizeof(e[i].agent_id), r, i, 2);
		pg_str(e[i].kind, sizeof(e[i].kind), r, i, 3);
		pg_str(e[i].peer, sizeof(e[i].peer), r, i, 4);
		pg_str(e[i].detail, sizeof(e[i].detail), r, i, 5);
	}
	PQclear(r);
	*out = e;
	*nout = (size_t)n;
	return STORE_OK;
}
