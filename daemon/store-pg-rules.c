/*
 * The PostgreSQL store's rule tables: rule packs and rule sets, each
 * document's results (content-addressed), and waivers.  Instances
 * judging the same document race harmlessly: result sets are stored
 * once per digest and an evaluation replaces the one before it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log.h"
#include "store-pg-int.h"
#include "xmalloc.h"

static enum store_status
pg_ruleset_add_locked(struct pg_store *st, const char *digest,
    const struct store_pack *packs, size_t npacks, time_t now)
{
	struct json_object	*list;
	struct pg_params	 p;
	size_t			 i;
	int			 rc;

	list = json_object_new_array();
	for (i = 0; i < npacks; i++) {
		pg_p_init(&p);
		pg_p_text(&p, packs[i].digest);
		pg_p_text(&p, packs[i].name);
		pg_p_text(&p, packs[i].version);
		pg_p_int(&p, now);
		pg_p_bin(&p, packs[i].body, packs[i].len);
		if (pg_run(st, "ruleset_add", "INSERT INTO rule_packs (digest, "
		    "name, version, first_loaded, body) VALUES "
		    "($1, $2, $3, $4, $5) ON CONFLICT (digest) DO NOTHING", &p,
		    NULL) != 0) {
			json_object_put(list);
			return STORE_ERROR;
		}
		json_object_array_add(list,
		    json_object_new_string(packs[i].digest));
	}
	pg_p_init(&p);
	pg_p_text(&p, digest);
	pg_p_text(&p, json_object_to_json_string_ext(list,
	    JSON_C_TO_STRING_PLAIN));
	pg_p_int(&p, now);
	rc = pg_run(st, "ruleset_add", "INSERT INTO rulesets (digest, packs, "
	    "first_loaded) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING",
	    &p, NULL);
	json_object_put(list);
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

enum store_status
pg_store_ruleset_add(struct pg_store *st, const char *digest,
    const struct store_pack *packs, size_t npacks, time_t now)
{
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	return pg_atomic_end(st, pg_ruleset_add_locked(st, digest, packs,
	    npacks, now));
}

enum store_status
pg_store_ruleset_get(struct pg_store *st, const char *digest,
    struct store_pack_row **out, size_t *nout)
{
	struct store_pack_row	*v;
	struct pg_params	 p;
	PGresult		*r;
	int			 i, n;

	*out = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_text(&p, digest);
	/* The packs in the order the rule set lists them. */
	if (pg_run(st, "ruleset_get", "SELECT pk.digest, pk.name, pk.version, "
	    "pk.body FROM rulesets r, json_array_elements_text(r.packs::json) "
	    "WITH ORDINALITY j (d, n) JOIN rule_packs pk ON pk.digest = j.d "
	    "WHERE r.digest = $1 ORDER BY j.n", &p, &r) != 0)
		return STORE_ERROR;
	if ((n = PQntuples(r)) == 0) {
		PQclear(r);
		return STORE_NOT_FOUND;
	}
	v = xcalloc((size_t)n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].digest = pg_strdup(r, i, 0);
		v[i].name = pg_strdup(r, i, 1);
		v[i].version = pg_strdup(r, i, 2);
		v[i].body = pg_bytea(r, i, 3, &v[i].len);
	}
	PQclear(r);
	*out = v;
	*nout = (size_t)n;
	return STORE_OK;
}

static enum store_status
pg_evaluation_add_locked(struct pg_store *st, const struct store_evaluation *e)
{
	struct pg_params	p;
	int			i;

	pg_p_init(&p);
	pg_p_text(&p, e->results_digest);
	pg_p_bin(&p, e->results, e->len);
	if (pg_run(st, "evaluation_add", "INSERT INTO result_sets (digest, "
	    "body) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING", &p,
	    NULL) != 0)
		return STORE_ERROR;
	pg_p_init(&p);
	pg_p_int(&p, e->evidence_id);
	pg_p_text(&p, e->ruleset);
	pg_p_int(&p, e->evaluated_at);
	pg_p_text(&p, e->results_digest);
	for (i = 0; i < STORE_NCOUNTS; i++)
		pg_p_int(&p, e->counts[i]);
	return pg_run(st, "evaluation_add", "INSERT INTO evaluations "
	    "(evidence_id, ruleset, evaluated_at, results, npass, nna, nerror, "
	    "nfail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
	    "ON CONFLICT (evidence_id, ruleset) DO UPDATE SET "
	    "evaluated_at = EXCLUDED.evaluated_at, results = EXCLUDED.results, "
	    "npass = EXCLUDED.npass, nna = EXCLUDED.nna, "
	    "nerror = EXCLUDED.nerror, nfail = EXCLUDED.nfail", &p, NULL) == 0 ?
	    STORE_OK : STORE_ERROR;
}

enum store_status
pg_store_evaluation_add(struct pg_store *st, const struct store_evaluation *e)
{
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	return pg_atomic_end(st, pg_evaluation_add_locked(st, e));
}

enum store_status
pg_store_evaluation_pending(struct pg_store *st, const char *ruleset,
    size_t limit, int64_t **ids, size_t *nout)
{
	struct pg_params	 p;
	PGresult		*r;
	int			 i, n;

	*ids = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_text(&p, ruleset);
	pg_p_limit(&p, limit);
	if (pg_run(st, "evaluation_pending",
	    "SELECT id FROM evidence e WHERE NOT EXISTS (SELECT 1 FROM "
	    "  evaluations v WHERE v.evidence_id = e.id) "
	    "UNION "
	    "SELECT m.id FROM (SELECT max(id) AS id FROM evidence "
	    "  GROUP BY agent_id) m WHERE NOT EXISTS (SELECT 1 FROM "
	    "  evaluations v WHERE v.evidence_id = m.id AND v.ruleset = $1) "
	    "ORDER BY 1 LIMIT $2::bigint", &p, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*ids = xcalloc((size_t)n, sizeof(**ids));
	for (i = 0; i < n; i++)
		(*ids)[i] = pg_int(r, i, 0);
	*nout = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_doc_get(struct pg_store *st, int64_t id, struct store_doc *d)
{
	struct store_ref_section	*x;
	struct pg_params		 p;
	PGresult			*r;
	int				 i, n;

	memset(d, 0, sizeof(*d));
	pg_p_init(&p);
	pg_p_int(&p, id);
	if (pg_run(st, "doc_get", "SELECT agent_id, envelope FROM evidence "
	    "WHERE id = $1", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return STORE_NOT_FOUND;
	}
	d->evidence_id = id;
	pg_str(d->agent_id, sizeof(d->agent_id), r, 0, 0);
	d->envelope = pg_bytea(r, 0, 1, &d->envelope_len);
	PQclear(r);

	if (pg_run(st, "doc_get", "SELECT es.name, s.body, es.digest FROM "
	    "evidence_sections es JOIN sections s ON s.digest = es.digest "
	    "WHERE es.evidence_id = $1 AND es.reference = 1", &p, &r) != 0) {
		store_doc_clear(d);
		return STORE_ERROR;
	}
	n = PQntuples(r);
	if (n > 0)
		d->refs = xcalloc((size_t)n, sizeof(*d->refs));
	for (i = 0; i < n; i++) {
		x = &d->refs[i];
		pg_str(x->name, sizeof(x->name), r, i, 0);
		x->body = pg_bytea(r, i, 1, &x->len);
		pg_str(x->digest, sizeof(x->digest), r, i, 2);
	}
	d->nrefs = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_results_at(struct pg_store *st, time_t at, const char *agent_id,
    struct store_result_set **out, size_t *nout)
{
	struct store_result_set	*v, *x;
	struct pg_params	 p;
	PGresult		*r;
	int			 i, j, n;

	*out = NULL;
	*nout = 0;
	pg_p_init(&p);
	pg_p_int(&p, at);
	pg_p_text(&p, agent_id);
	if (pg_run(st, "results_at",
	    "WITH latest AS ("
	    "  SELECT a.id AS agent, (SELECT e.id FROM evidence e"
	    "    WHERE e.agent_id = a.id AND e.received_at <= $1"
	    "    AND EXISTS (SELECT 1 FROM evaluations v"
	    "      WHERE v.evidence_id = e.id)"
	    "    ORDER BY e.received_at DESC, e.id DESC LIMIT 1) AS ev"
	    "  FROM agents a"
	    "  WHERE (a.revoked_at = 0 OR a.revoked_at > $1)"
	    "  AND ($2::text IS NULL OR a.id = $2))"
	    "SELECT e.id, e.agent_id, a.hostname, a.machine_id,"
	    "  e.received_at, e.collected_at, v.evaluated_at, v.ruleset,"
	    "  rs.body, v.npass, v.nna, v.nerror, v.nfail "
	    "FROM latest l JOIN evidence e ON e.id = l.ev"
	    "  JOIN agents a ON a.id = e.agent_id"
	    "  JOIN evaluations v ON v.evidence_id = e.id AND v.ruleset = ("
	    "    SELECT v2.ruleset FROM evaluations v2"
	    "    WHERE v2.evidence_id = e.id"
	    "    ORDER BY v2.evaluated_at <= $1 DESC,"
	    "      CASE WHEN v2.evaluated_at <= $1 THEN -v2.evaluated_at"
	    "      ELSE v2.evaluated_at END LIMIT 1)"
	    "  JOIN result_sets rs ON rs.digest = v.results "
	    "ORDER BY a.hostname, a.id", &p, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	v = n > 0 ? xcalloc((size_t)n, sizeof(*v)) : NULL;
	for (i = 0; i < n; i++) {
		x = &v[i];
		x->evidence_id = pg_int(r, i, 0);
		pg_str(x->agent_id, sizeof(x->agent_id), r, i, 1);
		pg_str(x->hostname, sizeof(x->hostname), r, i, 2);
		pg_str(x->machine_id, sizeof(x->machine_id), r, i, 3);
		x->received_at = (time_t)pg_int(r, i, 4);
		x->collected_at = (time_t)pg_int(r, i, 5);
		x->evaluated_at = (time_t)pg_int(r, i, 6);
		pg_str(x->ruleset, sizeof(x->ruleset), r, i, 7);
		x->results = pg_bytea(r, i, 8, &x->len);
		for (j = 0; j < STORE_NCOUNTS; j++)
			x->counts[j] = (int)pg_int(r, i, 9 + j);
	}
	PQclear(r);
	*out = v;
	*nout = (size_t)n;
	return STORE_OK;
}

/* --- waivers ------------------------------------------------------------------ */

#define WAIVER_COLUMNS "id, rule_id, host, owner, justification, " \
	"created_at, created_by, expires_at, removed_at, removed_by"

enum store_status
pg_store_waiver_add(struct pg_store *st, struct store_waiver *w)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_ERROR;

	pg_p_init(&p);
	pg_p_text(&p, w->rule_id);
	pg_p_text(&p, w->host);
	pg_p_text(&p, w->owner);
	pg_p_text(&p, w->justification);
	pg_p_int(&p, w->created_at);
	pg_p_text(&p, w->created_by);
	pg_p_int(&p, w->expires_at);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	if (pg_run(st, "waiver_add", "INSERT INTO waivers (rule_id, host, "
	    "owner, justification, created_at, created_by, expires_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", &p, &r) == 0) {
		w->id = pg_int(r, 0, 0);
		PQclear(r);
		res = STORE_OK;
	}
	return pg_atomic_end(st, res);
}

enum store_status
pg_store_waiver_remove(struct pg_store *st, int64_t id, time_t now,
    const char *by)
{
	struct pg_params	p;
	long long		n;

	pg_p_init(&p);
	pg_p_int(&p, now);
	pg_p_text(&p, by);
	pg_p_int(&p, id);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	n = pg_changes(st, "waiver_remove", "UPDATE waivers SET removed_at = "
	    "$1, removed_by = $2 WHERE id = $3 AND removed_at = 0", &p);
	return pg_atomic_end(st, n == 1 ? STORE_OK : n == 0 ?
	    STORE_NOT_FOUND : STORE_ERROR);
}

enum store_status
pg_store_waiver_list(struct pg_store *st, struct store_waiver **out,
    size_t *nout)
{
	struct store_waiver	*w, *x;
	PGresult		*r;
	int			 i, n;

	*out = NULL;
	*nout = 0;
	if (pg_run(st, "waiver_list", "SELECT " WAIVER_COLUMNS " FROM "
	    "waivers ORDER BY id DESC", NULL, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	w = n > 0 ? xcalloc((size_t)n, sizeof(*w)) : NULL;
	for (i = 0; i < n; i++) {
		x = &w[i];
		x->id = pg_int(r, i, 0);
		pg_str(x->rule_id, sizeof(x->rule_id), r, i, 1);
		pg_str(x->host, sizeof(x->host), r, i, 2);
		pg_str(x->owner, sizeof(x->owner), r, i, 3);
		pg_str(x->justification, sizeof(x->justification), r, i, 4);
		x->created_at = (time_t)pg_int(r, i, 5);
		pg_str(x->created_by, sizeof(x->created_by), r, i, 6);
		x->expires_at = (time_t)pg_int(r, i, 7);
		x->removed_at = (time_t)pg_int(r, i, 8);
		pg_str(x->removed_by, sizeof(x->removed_by), r, i, 9);
	}
	PQclear(r);
	*out = w;
	*nout = (size_t)n;
	return STORE_OK;
}
