/*
 * The PostgreSQL store's tokens, agents and evidence.  (agent, seq) is
 * unique in the database: two instances storing the same document race
 * on that key, and the loser sees STORE_EXISTS and then, through
 * store_evidence_find(), the winner's receipt.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "log.h"
#include "store-pg-int.h"
#include "xmalloc.h"

/* --- tokens ---------------------------------------------------------------- */

#define TOKEN_COLUMNS \
	"id, role, uses_left, expires_at, created_at, revoked_at, comment"

static void
pg_token_row(const PGresult *r, int i, struct store_token *t)
{
	memset(t, 0, sizeof(*t));
	pg_str(t->id, sizeof(t->id), r, i, 0);
	if (store_role_parse(PQgetvalue(r, i, 1), &t->role) == -1)
		t->role = ROLE_AUDITOR;
	t->uses_left = pg_int(r, i, 2);
	t->expires_at = (time_t)pg_int(r, i, 3);
	t->created_at = (time_t)pg_int(r, i, 4);
	t->revoked_at = (time_t)pg_int(r, i, 5);
	pg_str(t->comment, sizeof(t->comment), r, i, 6);
}

enum store_status
pg_store_token_add(struct pg_store *st, const struct store_token *t,
    const unsigned char hash[STORE_HASH_LEN])
{
	struct pg_params	p;
	int			rc;

	pg_p_init(&p);
	pg_p_text(&p, t->id);
	pg_p_text(&p, store_role_str(t->role));
	pg_p_bin(&p, hash, STORE_HASH_LEN);
	pg_p_int(&p, t->uses_left);
	pg_p_int(&p, t->expires_at);
	pg_p_int(&p, t->created_at);
	pg_p_text(&p, t->comment);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = pg_run(st, "token_add", "INSERT INTO tokens (id, role, hash, "
	    "uses_left, expires_at, created_at, comment) VALUES "
	    "($1, $2, $3, $4, $5, $6, $7)", &p, NULL);
	return pg_atomic_end(st, rc == 0 ? STORE_OK : rc == 1 ? STORE_EXISTS :
	    STORE_ERROR);
}

static enum store_status
pg_token_use_locked(struct pg_store *st,
    const unsigned char hash[STORE_HASH_LEN], unsigned roles, time_t now,
    struct store_token *out)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res;
	unsigned char		 stored[STORE_HASH_LEN];

	pg_p_init(&p);
	pg_p_bin(&p, hash, STORE_HASH_LEN);
	/* FOR UPDATE: two instances counting the last use of a token
	 * take turns. */
	if (pg_run(st, "token_use", "SELECT " TOKEN_COLUMNS ", hash FROM "
	    "tokens WHERE hash = $1 FOR UPDATE", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return STORE_NOT_FOUND;
	}
	pg_token_row(r, 0, out);
	/* The index found it; compare again in constant time all the
	 * same, so no code path depends on secret bytes' timing. */
	if (pg_bytea_fixed(r, 0, 7, stored, sizeof(stored)) == -1 ||
	    CRYPTO_memcmp(stored, hash, STORE_HASH_LEN) != 0)
		res = STORE_NOT_FOUND;
	else if (out->revoked_at != 0)
		res = STORE_REVOKED;
	else if (out->expires_at != 0 && now >= out->expires_at)
		res = STORE_EXPIRED;
	else if ((STORE_ROLE_BIT(out->role) & roles) == 0)
		res = STORE_WRONG_ROLE;
	else if (out->uses_left == 0)
		res = STORE_USED_UP;
	else
		res = STORE_OK;
	PQclear(r);
	if (res == STORE_OK && out->uses_left > 0) {
		pg_p_init(&p);
		pg_p_text(&p, out->id);
		if (pg_changes(st, "token_use", "UPDATE tokens SET uses_left = "
		    "uses_left - 1 WHERE id = $1 AND uses_left > 0", &p) != 1)
			res = STORE_ERROR;
		else
			out->uses_left--;
	}
	return res;
}

enum store_status
pg_store_token_use(struct pg_store *st,
    const unsigned char hash[STORE_HASH_LEN], enum store_role role,
    time_t now, struct store_token *out)
{
	return pg_store_token_use_roles(st, hash, STORE_ROLE_BIT(role), now,
	    out);
}

enum store_status
pg_store_token_use_roles(struct pg_store *st,
    const unsigned char hash[STORE_HASH_LEN], unsigned roles, time_t now,
    struct store_token *out)
{
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	return pg_atomic_end(st, pg_token_use_locked(st, hash, roles, now,
	    out));
}

/* An UPDATE of one row by id: STORE_OK, STORE_NOT_FOUND or STORE_ERROR. */
static enum store_status
pg_update_one(struct pg_store *st, const char *what, const char *sql,
    const struct pg_params *p)
{
	long long	n;

	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	n = pg_changes(st, what, sql, p);
	return pg_atomic_end(st, n == 1 ? STORE_OK : n == 0 ?
	    STORE_NOT_FOUND : STORE_ERROR);
}

enum store_status
pg_store_token_revoke(struct pg_store *st, const char *id, time_t now)
{
	struct pg_params	p;

	pg_p_init(&p);
	pg_p_int(&p, now);
	pg_p_text(&p, id);
	return pg_update_one(st, "token_revoke", "UPDATE tokens SET "
	    "revoked_at = $1 WHERE id = $2 AND revoked_at = 0", &p);
}

enum store_status
pg_store_token_list(struct pg_store *st, struct store_token **out,
    size_t *count)
{
	PGresult	*r;
	int		 i, n;

	*out = NULL;
	*count = 0;
	if (pg_run(st, "token_list", "SELECT " TOKEN_COLUMNS " FROM tokens "
	    "ORDER BY created_at DESC, id", NULL, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*out = xcalloc((size_t)n, sizeof(**out));
	for (i = 0; i < n; i++)
		pg_token_row(r, i, &(*out)[i]);
	*count = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

/* --- agents ---------------------------------------------------------------- */

#define AGENT_COLUMNS "id, keyid, pubkey, hostname, machine_id, " \
	"enrolled_at, revoked_at, cert_not_after, token_id"

static void
pg_agent_row(const PGresult *r, int i, struct store_agent *a)
{
	memset(a, 0, sizeof(*a));
	pg_str(a->id, sizeof(a->id), r, i, 0);
	pg_str(a->keyid, sizeof(a->keyid), r, i, 1);
	a->pubkey_pem = pg_strdup(r, i, 2);
	pg_str(a->hostname, sizeof(a->hostname), r, i, 3);
	pg_str(a->machine_id, sizeof(a->machine_id), r, i, 4);
	a->enrolled_at = (time_t)pg_int(r, i, 5);
	a->revoked_at = (time_t)pg_int(r, i, 6);
	a->cert_not_after = (time_t)pg_int(r, i, 7);
	pg_str(a->token_id, sizeof(a->token_id), r, i, 8);
}

enum store_status
pg_store_agent_add(struct pg_store *st, const struct store_agent *a)
{
	struct pg_params	p;
	int			rc;

	pg_p_init(&p);
	pg_p_text(&p, a->id);
	pg_p_text(&p, a->keyid);
	pg_p_text(&p, a->pubkey_pem);
	pg_p_text(&p, a->hostname);
	pg_p_text(&p, a->machine_id);
	pg_p_int(&p, a->enrolled_at);
	pg_p_int(&p, a->cert_not_after);
	pg_p_text(&p, a->token_id);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = pg_run(st, "agent_add", "INSERT INTO agents (" AGENT_COLUMNS
	    ") VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)", &p, NULL);
	return pg_atomic_end(st, rc == 0 ? STORE_OK : rc == 1 ? STORE_EXISTS :
	    STORE_ERROR);
}

enum store_status
pg_store_agent_get(struct pg_store *st, const char *id,
    struct store_agent *out)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	pg_p_init(&p);
	pg_p_text(&p, id);
	if (pg_run(st, "agent_get", "SELECT " AGENT_COLUMNS " FROM agents "
	    "WHERE id = $1", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		pg_agent_row(r, 0, out);
		res = STORE_OK;
	}
	PQclear(r);
	return res;
}

enum store_status
pg_store_agent_set_cert(struct pg_store *st, const char *id,
    time_t not_after)
{
	struct pg_params	p;

	pg_p_init(&p);
	pg_p_int(&p, not_after);
	pg_p_text(&p, id);
	return pg_update_one(st, "agent_set_cert", "UPDATE agents SET "
	    "cert_not_after = $1 WHERE id = $2", &p);
}

enum store_status
pg_store_agent_revoke(struct pg_store *st, const char *id, time_t now)
{
	struct pg_params	p;

	pg_p_init(&p);
	pg_p_int(&p, now);
	pg_p_text(&p, id);
	return pg_update_one(st, "agent_revoke", "UPDATE agents SET "
	    "revoked_at = $1 WHERE id = $2 AND revoked_at = 0", &p);
}

enum store_status
pg_store_agent_list(struct pg_store *st, struct store_agent **out,
    size_t *count)
{
	PGresult	*r;
	int		 i, n;

	*out = NULL;
	*count = 0;
	if (pg_run(st, "agent_list", "SELECT " AGENT_COLUMNS " FROM agents "
	    "ORDER BY enrolled_at, id", NULL, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*out = xcalloc((size_t)n, sizeof(**out));
	for (i = 0; i < n; i++)
		pg_agent_row(r, i, &(*out)[i]);
	*count = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_enroll(struct pg_store *st, const unsigned char hash[STORE_HASH_LEN],
    time_t now, struct store_agent *agent, struct store_token *token)
{
	enum store_status	res;

	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	res = pg_token_use_locked(st, hash, STORE_ROLE_BIT(ROLE_ENROLL), now,
	    token);
	if (res == STORE_OK) {
		snprintf(agent->token_id, sizeof(agent->token_id), "%s",
		    token->id);
		res = pg_store_agent_add(st, agent);
	}
	return pg_atomic_end(st, res);
}

/* --- evidence -------------------------------------------------------------- */

enum store_status
pg_store_evidence_find(struct pg_store *st, const char *agent_id, int64_t seq,
    struct store_receipt *out)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	pg_p_init(&p);
	pg_p_text(&p, agent_id);
	pg_p_int(&p, seq);
	if (pg_run(st, "evidence_find", "SELECT e.id, e.seq, e.digest, "
	    "coalesce(l.idx, -1) FROM evidence e LEFT JOIN ledger_leaves l "
	    "ON l.evidence_id = e.id WHERE e.agent_id = $1 AND e.seq = $2",
	    &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		out->evidence_id = pg_int(r, 0, 0);
		out->seq = pg_int(r, 0, 1);
		pg_str(out->digest, sizeof(out->digest), r, 0, 2);
		out->leaf_index = pg_int(r, 0, 3);
		res = STORE_OK;
	}
	PQclear(r);
	return res;
}

static enum store_status
pg_evidence_add_locked(struct pg_store *st, const struct store_evidence *ev,
    struct store_receipt *out)
{
	const struct store_section	*sec;
	struct pg_params		 p;
	PGresult			*r;
	size_t				 i;
	int				 rc;

	/*
	 * The ledger's head first: every transaction that stores evidence
	 * takes it before any (agent, seq) key, so two instances storing
	 * the same document (an agent's retry elsewhere) wait for each
	 * other in one order and never deadlock.
	 */
	if (pg_run(st, "evidence_add", "SELECT size FROM ledger_head "
	    "FOR UPDATE", NULL, NULL) != 0)
		return STORE_ERROR;
	pg_p_init(&p);
	pg_p_text(&p, ev->agent_id);
	pg_p_int(&p, ev->seq);
	pg_p_int(&p, ev->received_at);
	pg_p_int(&p, ev->collected_at);
	pg_p_text(&p, ev->digest);
	pg_p_bin(&p, ev->envelope, ev->envelope_len);
	if (pg_run(st, "evidence_add", "INSERT INTO evidence (agent_id, seq, "
	    "received_at, collected_at, digest, envelope) VALUES "
	    "($1, $2, $3, $4, $5, $6) ON CONFLICT (agent_id, seq) DO NOTHING "
	    "RETURNING id", &p, &r) != 0)
		return STORE_ERROR;
	rc = PQntuples(r);
	if (rc == 1)
		out->evidence_id = pg_int(r, 0, 0);
	PQclear(r);
	if (rc != 1)
		return STORE_EXISTS;
	out->seq = ev->seq;
	snprintf(out->digest, sizeof(out->digest), "%s", ev->digest);
	/* The leaf goes in with the row: no stored envelope without one. */
	if (pg_ledger_append(st, out->evidence_id, ev->digest,
	    &out->leaf_index) != STORE_OK)
		return STORE_ERROR;

	for (i = 0; i < ev->nsections; i++) {
		sec = &ev->sections[i];
		if (sec->body != NULL) {
			pg_p_init(&p);
			pg_p_text(&p, sec->digest);
			pg_p_text(&p, sec->name);
			pg_p_bin(&p, sec->body, sec->len);
			if (pg_run(st, "evidence_add", "INSERT INTO sections "
			    "(digest, name, body) VALUES ($1, $2, $3) "
			    "ON CONFLICT (digest) DO NOTHING", &p, NULL) != 0)
				return STORE_ERROR;
		}
		pg_p_init(&p);
		pg_p_int(&p, out->evidence_id);
		pg_p_text(&p, sec->name);
		pg_p_text(&p, sec->digest);
		pg_p_int(&p, sec->body == NULL);
		if (pg_run(st, "evidence_add", "INSERT INTO evidence_sections "
		    "(evidence_id, name, digest, reference) VALUES "
		    "($1, $2, $3, $4)", &p, NULL) != 0)
			return STORE_ERROR;
	}

	pg_p_init(&p);
	pg_p_text(&p, ev->machine_id);
	pg_p_text(&p, ev->hostname);
	pg_p_int(&p, ev->received_at);
	pg_p_text(&p, ev->agent_id);
	return pg_run(st, "evidence_add", "INSERT INTO hosts (machine_id, "
	    "hostname, first_seen, last_seen, agent_id) VALUES "
	    "($1, $2, $3, $3, $4) ON CONFLICT (machine_id) DO UPDATE SET "
	    "hostname = $2, last_seen = greatest(hosts.last_seen, $3), "
	    "agent_id = $4", &p, NULL) == 0 ? STORE_OK : STORE_ERROR;
}

enum store_status
pg_store_evidence_add(struct pg_store *st, const struct store_evidence *ev,
    struct store_receipt *out)
{
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	return pg_atomic_end(st, pg_evidence_add_locked(st, ev, out));
}

enum store_status
pg_store_section_known(struct pg_store *st, const char *agent_id,
    const char *name, const char *digest)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res;

	pg_p_init(&p);
	pg_p_text(&p, digest);
	pg_p_text(&p, name);
	pg_p_text(&p, agent_id);
	if (pg_run(st, "section_known", "SELECT 1 FROM evidence_sections es "
	    "JOIN evidence e ON e.id = es.evidence_id WHERE es.digest = $1 "
	    "AND es.name = $2 AND e.agent_id = $3 LIMIT 1", &p, &r) != 0)
		return STORE_ERROR;
	res = PQntuples(r) > 0 ? STORE_OK : STORE_NOT_FOUND;
	PQclear(r);
	return res;
}

/* The one bytea column a query on one text parameter returns. */
enum store_status
pg_blob_get(struct pg_store *st, const char *what, const char *sql,
    const char *param, char **body, size_t *len)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	pg_p_init(&p);
	pg_p_text(&p, param);
	if (pg_run(st, what, sql, &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		*body = pg_bytea(r, 0, 0, len);
		res = STORE_OK;
	}
	PQclear(r);
	return res;
}

enum store_status
pg_store_section_get(struct pg_store *st, const char *digest, char **body,
    size_t *len)
{
	return pg_blob_get(st, "section_get", "SELECT body FROM sections "
	    "WHERE digest = $1", digest, body, len);
}

enum store_status
pg_store_security_event(struct pg_store *st, time_t at, const char *agent_id,
    const char *kind, const char *peer, const char *detail)
{
	struct pg_params	p;
	int			rc;

	pg_p_init(&p);
	pg_p_int(&p, at);
	pg_p_text(&p, agent_id);
	pg_p_text(&p, kind);
	pg_p_text(&p, peer);
	pg_p_text(&p, detail);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = pg_run(st, "security_event", "INSERT INTO security_events (at, "
	    "agent_id, kind, peer, detail) VALUES ($1, $2, $3, $4, $5)", &p,
	    NULL);
	return pg_atomic_end(st, rc == 0 ? STORE_OK : STORE_ERROR);
}

#define EVIDENCE_ROW_SQL \
	"SELECT e.id, e.agent_id, coalesce(a.hostname, ''), e.seq, " \
	"e.received_at, e.collected_at, e.digest, length(e.envelope), " \
	"(SELECT count(*) FROM evidence_sections s WHERE " \
	"s.evidence_id = e.id AND s.reference = 0), " \
	"(SELECT count(*) FROM evidence_sections s WHERE " \
	"s.evidence_id = e.id AND s.reference = 1)"
#define EVIDENCE_FROM_SQL \
	" FROM evidence e LEFT JOIN agents a ON a.id = e.agent_id "

static void
pg_evidence_row(const PGresult *r, int i, struct store_evidence_row *e)
{
	memset(e, 0, sizeof(*e));
	e->id = pg_int(r, i, 0);
	pg_str(e->agent_id, sizeof(e->agent_id), r, i, 1);
	pg_str(e->hostname, sizeof(e->hostname), r, i, 2);
	e->seq = pg_int(r, i, 3);
	e->received_at = (time_t)pg_int(r, i, 4);
	e->collected_at = (time_t)pg_int(r, i, 5);
	pg_str(e->digest, sizeof(e->digest), r, i, 6);
	e->envelope_len = (size_t)pg_int(r, i, 7);
	e->nsections = (int)pg_int(r, i, 8);
	e->nreferences = (int)pg_int(r, i, 9);
}

enum store_status
pg_store_evidence_list(struct pg_store *st, const char *agent_id,
    size_t limit, struct store_evidence_row **out, size_t *count)
{
	struct pg_params	 p;
	PGresult		*r;
	int			 i, n;

	*out = NULL;
	*count = 0;
	pg_p_init(&p);
	pg_p_text(&p, agent_id);
	pg_p_limit(&p, limit);
	if (pg_run(st, "evidence_list", EVIDENCE_ROW_SQL EVIDENCE_FROM_SQL
	    "WHERE $1::text IS NULL OR e.agent_id = $1 ORDER BY e.id DESC "
	    "LIMIT $2::bigint", &p, &r) != 0)
		return STORE_ERROR;
	n = PQntuples(r);
	if (n > 0)
		*out = xcalloc((size_t)n, sizeof(**out));
	for (i = 0; i < n; i++)
		pg_evidence_row(r, i, &(*out)[i]);
	*count = (size_t)n;
	PQclear(r);
	return STORE_OK;
}

enum store_status
pg_store_evidence_get(struct pg_store *st, int64_t id,
    struct store_evidence_row *row, char **envelope, size_t *len)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	pg_p_init(&p);
	pg_p_int(&p, id);
	if (pg_run(st, "evidence_get", EVIDENCE_ROW_SQL ", e.envelope"
	    EVIDENCE_FROM_SQL "WHERE e.id = $1", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		pg_evidence_row(r, 0, row);
		*envelope = pg_bytea(r, 0, 10, len);
		res = STORE_OK;
	}
	PQclear(r);
	return res;
}
