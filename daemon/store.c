/*
 * store.h's functions, forwarded to the backend a store was opened with:
 * SQLite in the state directory (the embedded default) or PostgreSQL
 * (several exhibitd instances sharing one database).  A switch rather
 * than a table of function pointers: two backends, and the compiler
 * checks every call against the backend's prototype.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "store-backend.h"
#include "xmalloc.h"

struct store {
	struct sqlite_store	*sqlite;
	struct pg_store		*pg;
};

#ifdef HAVE_POSTGRESQL
#define DISPATCH(st, fn, ...)	return (st)->pg != NULL ?		\
	pg_store_##fn((st)->pg, __VA_ARGS__) :				\
	sqlite_store_##fn((st)->sqlite, __VA_ARGS__)
#define DISPATCH0(st, fn)	return (st)->pg != NULL ?		\
	pg_store_##fn((st)->pg) : sqlite_store_##fn((st)->sqlite)
#define DISPATCH_VOID0(st, fn)	do {					\
	if ((st)->pg != NULL)						\
		pg_store_##fn((st)->pg);				\
	else								\
		sqlite_store_##fn((st)->sqlite);			\
} while (0)
#else
#define DISPATCH(st, fn, ...)	\
	return sqlite_store_##fn((st)->sqlite, __VA_ARGS__)
#define DISPATCH0(st, fn)	return sqlite_store_##fn((st)->sqlite)
#define DISPATCH_VOID0(st, fn)	sqlite_store_##fn((st)->sqlite)
#endif

const char *
store_backend_str(enum store_backend b)
{
	return b == STORE_POSTGRESQL ? "postgresql" : "sqlite";
}

int
store_backend_parse(const char *s, enum store_backend *out)
{
	if (strcmp(s, "sqlite") == 0)
		*out = STORE_SQLITE;
	else if (strcmp(s, "postgresql") == 0)
		*out = STORE_POSTGRESQL;
	else
		return -1;
	return 0;
}

struct store *
store_open(const char *state_dir, char *err, size_t errlen)
{
	struct store_conf	conf = { STORE_SQLITE, state_dir, NULL };

	return store_open_conf(&conf, err, errlen);
}

struct store *
store_open_conf(const struct store_conf *conf, char *err, size_t errlen)
{
	struct store	*st;

	st = xcalloc(1, sizeof(*st));
	if (conf->backend == STORE_POSTGRESQL) {
#ifdef HAVE_POSTGRESQL
		st->pg = pg_store_open(conf->connection != NULL ?
		    conf->connection : "", err, errlen);
#else
		snprintf(err, errlen, "this exhibitd was built without "
		    "PostgreSQL (configure --with-postgresql)");
#endif
		if (st->pg == NULL) {
			free(st);
			return NULL;
		}
		return st;
	}
	if ((st->sqlite = sqlite_store_open(conf->state_dir, err,
	    errlen)) == NULL) {
		free(st);
		return NULL;
	}
	return st;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	DISPATCH_VOID0(st, close);
	free(st);
}

enum store_status
store_token_add(struct store *st, const struct store_token *a1,
    const unsigned char hash[STORE_HASH_LEN])
{
	DISPATCH(st, token_add, a1, hash);
}

enum store_status
store_token_use(struct store *st, const unsigned char hash[STORE_HASH_LEN],
    enum store_role role, time_t now, struct store_token *out)
{
	DISPATCH(st, token_use, hash, role, now, out);
}

enum store_status
store_token_use_roles(struct store *st,
    const unsigned char hash[STORE_HASH_LEN], unsigned roles, time_t now,
    struct store_token *out)
{
	DISPATCH(st, token_use_roles, hash, roles, now, out);
}

enum store_status
store_token_revoke(struct store *st, const char *id, time_t now)
{
	DISPATCH(st, token_revoke, id, now);
}

enum store_status
store_token_list(struct store *st, struct store_token **out, size_t *count)
{
	DISPATCH(st, token_list, out, count);
}

enum store_status
store_agent_add(struct store *st, const struct store_agent *a1)
{
	DISPATCH(st, agent_add, a1);
}

enum store_status
store_agent_get(struct store *st, const char *id, struct store_agent *out)
{
	DISPATCH(st, agent_get, id, out);
}

enum store_status
store_agent_set_cert(struct store *st, const char *id, time_t not_after)
{
	DISPATCH(st, agent_set_cert, id, not_after);
}

enum store_status
store_agent_revoke(struct store *st, const char *id, time_t now)
{
	DISPATCH(st, agent_revoke, id, now);
}

enum store_status
store_agent_list(struct store *st, struct store_agent **out, size_t *count)
{
	DISPATCH(st, agent_list, out, count);
}

enum store_status
store_batch_begin(struct store *st)
{
	DISPATCH0(st, batch_begin);
}

enum store_status
store_batch_commit(struct store *st)
{
	DISPATCH0(st, batch_commit);
}

void
store_batch_rollback(struct store *st)
{
	DISPATCH_VOID0(st, batch_rollback);
}

int
store_in_batch(struct store *st)
{
	DISPATCH0(st, in_batch);
}

void
store_restart_log(struct store *st)
{
	DISPATCH_VOID0(st, restart_log);
}

void
store_release_memory(struct store *st)
{
	DISPATCH_VOID0(st, release_memory);
}

enum store_status
store_defer_sync(struct store *st)
{
	DISPATCH0(st, defer_sync);
}

int
store_sync(struct store *st)
{
	DISPATCH0(st, sync);
}

enum store_status
store_enroll(struct store *st, const unsigned char hash[STORE_HASH_LEN],
    time_t now, struct store_agent *agent, struct store_token *token)
{
	DISPATCH(st, enroll, hash, now, agent, token);
}

enum store_status
store_evidence_find(struct store *st, const char *agent_id, int64_t seq,
    struct store_receipt *out)
{
	DISPATCH(st, evidence_find, agent_id, seq, out);
}

enum store_status
store_evidence_add(struct store *st, const struct store_evidence *a1,
    struct store_receipt *out)
{
	DISPATCH(st, evidence_add, a1, out);
}

enum store_status
store_section_known(struct store *st, const char *agent_id, const char *name,
    const char *digest)
{
	DISPATCH(st, section_known, agent_id, name, digest);
}

enum store_status
store_section_get(struct store *st, const char *digest, char **body,
    size_t *len)
{
	DISPATCH(st, section_get, digest, body, len);
}

enum store_status
store_evidence_list(struct store *st, const char *agent_id, size_t limit,
    struct store_evidence_row **out, size_t *n)
{
	DISPATCH(st, evidence_list, agent_id, limit, out, n);
}

enum store_status
store_evidence_get(struct store *st, int64_t id,
    struct store_evidence_row *row, char **envelope, size_t *len)
{
	DISPATCH(st, evidence_get, id, row, envelope, len);
}

enum store_status
store_security_event(struct store *st, time_t at, const char *agent_id,
    const char *kind, const char *peer, const char *detail)
{
	DISPATCH(st, security_event, at, agent_id, kind, peer, detail);
}

enum store_status
store_ruleset_add(struct store *st, const char *digest,
    const struct store_pack *a2, size_t npacks, time_t now)
{
	DISPATCH(st, ruleset_add, digest, a2, npacks, now);
}

enum store_status
store_ruleset_get(struct store *st, const char *digest,
    struct store_pack_row **packs, size_t *npacks)
{
	DISPATCH(st, ruleset_get, digest, packs, npacks);
}

enum store_status
store_evaluation_add(struct store *st, const struct store_evaluation *a1)
{
	DISPATCH(st, evaluation_add, a1);
}

enum store_status
store_evaluation_pending(struct store *st, const char *ruleset, size_t limit,
    int64_t **ids, size_t *n)
{
	DISPATCH(st, evaluation_pending, ruleset, limit, ids, n);
}

enum store_status
store_doc_get(struct store *st, int64_t evidence_id, struct store_doc *a2)
{
	DISPATCH(st, doc_get, evidence_id, a2);
}

enum store_status
store_results_at(struct store *st, time_t at, const char *agent_id,
    struct store_result_set **out, size_t *n)
{
	DISPATCH(st, results_at, at, agent_id, out, n);
}

enum store_status
store_waiver_add(struct store *st, struct store_waiver *a1)
{
	DISPATCH(st, waiver_add, a1);
}

enum store_status
store_waiver_remove(struct store *st, int64_t id, time_t now, const char *by)
{
	DISPATCH(st, waiver_remove, id, now, by);
}

enum store_status
store_waiver_list(struct store *st, struct store_waiver **out, size_t *n)
{
	DISPATCH(st, waiver_list, out, n);
}

enum store_status
store_audit_start(struct store *st, struct store_audit *a1, int64_t **resolved,
    size_t *nresolved)
{
	DISPATCH(st, audit_start, a1, resolved, nresolved);
}

enum store_status
store_audit_list(struct store *st, struct store_audit **out, size_t *n)
{
	DISPATCH(st, audit_list, out, n);
}

enum store_status
store_audit_last_scheduled(struct store *st, time_t *at)
{
	DISPATCH(st, audit_last_scheduled, at);
}

enum store_status
store_baseline_get(struct store *st, const char *agent_id,
    struct store_baseline *a2)
{
	DISPATCH(st, baseline_get, agent_id, a2);
}

enum store_status
store_baseline_initial(struct store *st, const char *agent_id,
    int64_t evidence_id, const char *ruleset, const char *results)
{
	DISPATCH(st, baseline_initial, agent_id, evidence_id, ruleset,
	    results);
}

enum store_status
store_result_set_get(struct store *st, const char *digest, char **body,
    size_t *len)
{
	DISPATCH(st, result_set_get, digest, body, len);
}

enum store_status
store_evidence_sections(struct store *st, int64_t evidence_id,
    struct store_section_ref **out, size_t *n)
{
	DISPATCH(st, evidence_sections, evidence_id, out, n);
}

enum store_status
store_agent_latest(struct store *st, const char *agent_id,
    int64_t *evidence_id, time_t *received_at)
{
	DISPATCH(st, agent_latest, agent_id, evidence_id, received_at);
}

enum store_status
store_drift_open(struct store *st, struct store_drift *d)
{
	DISPATCH(st, drift_open, d);
}

enum store_status
store_drift_resolve(struct store *st, const char *agent_id, const char *kind,
    const char *subject, time_t now, const char *resolution, int64_t *id)
{
	DISPATCH(st, drift_resolve, agent_id, kind, subject, now, resolution,
	    id);
}

enum store_status
store_drift_ack(struct store *st, int64_t id, time_t now, const char *by,
    const char *comment)
{
	DISPATCH(st, drift_ack, id, now, by, comment);
}

enum store_status
store_drift_list(struct store *st, const struct store_drift_filter *a1,
    struct store_drift **out, size_t *n)
{
	DISPATCH(st, drift_list, a1, out, n);
}

enum store_status
store_drift_unresolved(struct store *st, const char *agent_id, const char *kind,
    struct store_drift **out, size_t *n)
{
	DISPATCH(st, drift_unresolved, agent_id, kind, out, n);
}

enum store_status
store_drift_get(struct store *st, int64_t id, struct store_drift *a2)
{
	DISPATCH(st, drift_get, id, a2);
}

enum store_status
store_meta_get(struct store *st, const char *key, char **value)
{
	DISPATCH(st, meta_get, key, value);
}

enum store_status
store_meta_set(struct store *st, const char *key, const char *value)
{
	DISPATCH(st, meta_set, key, value);
}

enum store_status
store_security_events_after(struct store *st, int64_t id, size_t limit,
    struct store_security_event_row **out, size_t *n)
{
	DISPATCH(st, security_events_after, id, limit, out, n);
}

enum store_status
store_agents_silent(struct store *st, time_t before, char (**ids)[40],
    size_t *n)
{
	DISPATCH(st, agents_silent, before, ids, n);
}

enum store_status
store_agent_counts(struct store *st, time_t since,
    struct store_agent_counts *a2)
{
	DISPATCH(st, agent_counts, since, a2);
}

enum store_status
store_drift_open_counts(struct store *st, struct store_kind_count **out,
    size_t *n)
{
	DISPATCH(st, drift_open_counts, out, n);
}

enum store_status
store_alert_undelivered(struct store *st, uint64_t *n)
{
	DISPATCH(st, alert_undelivered, n);
}

enum store_status
store_alert_add(struct store *st, struct store_alert *a1)
{
	DISPATCH(st, alert_add, a1);
}

enum store_status
store_alert_due(struct store *st, time_t now, size_t limit,
    struct store_alert **out, size_t *n)
{
	DISPATCH(st, alert_due, now, limit, out, n);
}

enum store_status
store_alert_delivered(struct store *st, int64_t id, time_t now)
{
	DISPATCH(st, alert_delivered, id, now);
}

enum store_status
store_alert_retry(struct store *st, int64_t id, time_t next, const char *error)
{
	DISPATCH(st, alert_retry, id, next, error);
}

enum store_status
store_alert_list(struct store *st, int undelivered_only, size_t limit,
    struct store_alert **out, size_t *n)
{
	DISPATCH(st, alert_list, undelivered_only, limit, out, n);
}

enum store_status
store_alert_next_due(struct store *st, time_t *at)
{
	DISPATCH(st, alert_next_due, at);
}

enum store_status
store_ledger_size(struct store *st, uint64_t *size)
{
	DISPATCH(st, ledger_size, size);
}

uint64_t
store_ledger_durable(struct store *st)
{
	DISPATCH0(st, ledger_durable);
}

enum store_status
store_ledger_subtree(struct store *st, uint64_t start, unsigned level,
    merkle_hash out)
{
	DISPATCH(st, ledger_subtree, start, level, out);
}

enum store_status
store_ledger_leaf(struct store *st, uint64_t index, merkle_hash hash,
    int64_t *evidence_id)
{
	DISPATCH(st, ledger_leaf, index, hash, evidence_id);
}

enum store_status
store_ledger_root(struct store *st, uint64_t size, merkle_hash root)
{
	DISPATCH(st, ledger_root, size, root);
}

enum store_status
store_ledger_inclusion(struct store *st, uint64_t index, uint64_t size,
    unsigned char *proof, size_t *n)
{
	DISPATCH(st, ledger_inclusion, index, size, proof, n);
}

enum store_status
store_ledger_consistency(struct store *st, uint64_t from, uint64_t to,
    unsigned char *proof, size_t *n)
{
	DISPATCH(st, ledger_consistency, from, to, proof, n);
}

uint64_t
store_ledger_reads(struct store *st)
{
	DISPATCH0(st, ledger_reads);
}

enum store_status
store_checkpoint_add(struct store *st, const struct store_checkpoint *a1)
{
	DISPATCH(st, checkpoint_add, a1);
}

enum store_status
store_checkpoint_latest(struct store *st, struct store_checkpoint *a1)
{
	DISPATCH(st, checkpoint_latest, a1);
}


int
store_ledger_signer(struct store *st)
{
	DISPATCH0(st, ledger_signer);
}

enum store_status
store_alert_claim(struct store *st, int64_t id, time_t now, time_t until)
{
	DISPATCH(st, alert_claim, id, now, until);
}

enum store_status
store_evidence_period(struct store *st, const char *agent_id, time_t from,
    time_t to, store_period_fn fn, void *arg)
{
	DISPATCH(st, evidence_period, agent_id, from, to, fn, arg);
}

enum store_status
store_evidence_period_count(struct store *st, const char *agent_id,
    time_t from, time_t to, uint64_t *n)
{
	DISPATCH(st, evidence_period_count, agent_id, from, to, n);
}

enum store_status
store_evaluations_of(struct store *st, int64_t evidence_id,
    struct store_evaluation_row **out, size_t *n)
{
	DISPATCH(st, evaluations_of, evidence_id, out, n);
}

enum store_status
store_ruleset_list(struct store *st, char (**digests)[STORE_DIGEST_LEN],
    size_t *n)
{
	DISPATCH(st, ruleset_list, digests, n);
}
