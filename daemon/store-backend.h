/*
 * The store's backends behind store.h: store.c forwards every function
 * to the one a store was opened with.  Each backend's functions are
 * store.h's, prefixed and taking its own handle.
 */
#ifndef EXHIBIT_STORE_BACKEND_H
#define EXHIBIT_STORE_BACKEND_H

#include "store.h"

struct sqlite_store;
struct pg_store;

/* SQLite (store-sqlite*.c): exhibit.db in state_dir. */
struct sqlite_store	*sqlite_store_open(const char *state_dir, char *err,
			    size_t errlen);
void	sqlite_store_close(struct sqlite_store *);
enum store_status	sqlite_store_token_add(struct sqlite_store *,
		    const struct store_token *,
		    const unsigned char hash[STORE_HASH_LEN]);
enum store_status	sqlite_store_token_use(struct sqlite_store *,
		    const unsigned char hash[STORE_HASH_LEN],
		    enum store_role role, time_t now, struct store_token *out);
enum store_status	sqlite_store_token_use_roles(struct sqlite_store *,
		    const unsigned char hash[STORE_HASH_LEN], unsigned roles,
		    time_t now, struct store_token *out);
enum store_status	sqlite_store_token_revoke(struct sqlite_store *,
		    const char *id, time_t now);
enum store_status	sqlite_store_token_list(struct sqlite_store *,
		    struct store_token **out, size_t *count);
enum store_status	sqlite_store_agent_add(struct sqlite_store *,
		    const struct store_agent *);
enum store_status	sqlite_store_agent_get(struct sqlite_store *,
		    const char *id, struct store_agent *out);
enum store_status	sqlite_store_agent_set_cert(struct sqlite_store *,
		    const char *id, time_t not_after);
enum store_status	sqlite_store_agent_revoke(struct sqlite_store *,
		    const char *id, time_t now);
enum store_status	sqlite_store_agent_list(struct sqlite_store *,
		    struct store_agent **out, size_t *count);
enum store_status	sqlite_store_batch_begin(struct sqlite_store *);
enum store_status	sqlite_store_batch_commit(struct sqlite_store *);
void	sqlite_store_batch_rollback(struct sqlite_store *);
int	sqlite_store_in_batch(struct sqlite_store *);
enum store_status	sqlite_store_defer_sync(struct sqlite_store *);
int	sqlite_store_sync(struct sqlite_store *);
void	sqlite_store_release_memory(struct sqlite_store *);
void	sqlite_store_restart_log(struct sqlite_store *);
enum store_status	sqlite_store_enroll(struct sqlite_store *,
		    const unsigned char hash[STORE_HASH_LEN], time_t now,
		    struct store_agent *agent, struct store_token *token);
enum store_status	sqlite_store_evidence_find(struct sqlite_store *,
		    const char *agent_id, int64_t seq,
		    struct store_receipt *out);
enum store_status	sqlite_store_evidence_add(struct sqlite_store *,
		    const struct store_evidence *, struct store_receipt *out);
enum store_status	sqlite_store_section_known(struct sqlite_store *,
		    const char *agent_id, const char *name,
		    const char *digest);
enum store_status	sqlite_store_section_get(struct sqlite_store *,
		    const char *digest, char **body, size_t *len);
enum store_status	sqlite_store_evidence_list(struct sqlite_store *,
		    const char *agent_id, size_t limit,
		    struct store_evidence_row **out, size_t *n);
enum store_status	sqlite_store_evidence_get(struct sqlite_store *,
		    int64_t id, struct store_evidence_row *row,
		    char **envelope, size_t *len);
enum store_status	sqlite_store_security_event(struct sqlite_store *,
		    time_t at, const char *agent_id, const char *kind,
		    const char *peer, const char *detail);
enum store_status	sqlite_store_ruleset_add(struct sqlite_store *,
		    const char *digest, const struct store_pack *,
		    size_t npacks, time_t now);
enum store_status	sqlite_store_ruleset_get(struct sqlite_store *,
		    const char *digest, struct store_pack_row **packs,
		    size_t *npacks);
enum store_status	sqlite_store_evaluation_add(struct sqlite_store *,
		    const struct store_evaluation *);
enum store_status	sqlite_store_evaluation_pending(struct sqlite_store *,
		    const char *ruleset, size_t limit, int64_t **ids,
		    size_t *n);
enum store_status	sqlite_store_doc_get(struct sqlite_store *,
		    int64_t evidence_id, struct store_doc *);
enum store_status	sqlite_store_results_at(struct sqlite_store *,
		    time_t at, const char *agent_id,
		    struct store_result_set **out, size_t *n);
enum store_status	sqlite_store_waiver_add(struct sqlite_store *,
		    struct store_waiver *);
enum store_status	sqlite_store_waiver_remove(struct sqlite_store *,
		    int64_t id, time_t now, const char *by);
enum store_status	sqlite_store_waiver_list(struct sqlite_store *,
		    struct store_waiver **out, size_t *n);
enum store_status	sqlite_store_audit_start(struct sqlite_store *,
		    struct store_audit *, int64_t **resolved,
		    size_t *nresolved);
enum store_status	sqlite_store_audit_list(struct sqlite_store *,
		    struct store_audit **out, size_t *n);
enum store_status	sqlite_store_audit_last_scheduled(struct sqlite_store *,
		    time_t *at);
enum store_status	sqlite_store_baseline_get(struct sqlite_store *,
		    const char *agent_id, struct store_baseline *);
enum store_status	sqlite_store_baseline_initial(struct sqlite_store *,
		    const char *agent_id, int64_t evidence_id,
		    const char *ruleset, const char *results);
enum store_status	sqlite_store_result_set_get(struct sqlite_store *,
		    const char *digest, char **body, size_t *len);
enum store_status	sqlite_store_evidence_sections(struct sqlite_store *,
		    int64_t evidence_id, struct store_section_ref **out,
		    size_t *n);
enum store_status	sqlite_store_agent_latest(struct sqlite_store *,
		    const char *agent_id, int64_t *evidence_id,
		    time_t *received_at);
enum store_status	sqlite_store_drift_open(struct sqlite_store *,
		    struct store_drift *d);
enum store_status	sqlite_store_drift_resolve(struct sqlite_store *,
		    const char *agent_id, const char *kind,
		    const char *subject, time_t now, const char *resolution,
		    int64_t *id);
enum store_status	sqlite_store_drift_ack(struct sqlite_store *,
		    int64_t id, time_t now, const char *by,
		    const char *comment);
enum store_status	sqlite_store_drift_list(struct sqlite_store *,
		    const struct store_drift_filter *,
		    struct store_drift **out, size_t *n);
enum store_status	sqlite_store_drift_unresolved(struct sqlite_store *,
		    const char *agent_id, const char *kind,
		    struct store_drift **out, size_t *n);
enum store_status	sqlite_store_drift_get(struct sqlite_store *,
		    int64_t id, struct store_drift *);
enum store_status	sqlite_store_meta_get(struct sqlite_store *,
		    const char *key, char **value);
enum store_status	sqlite_store_meta_set(struct sqlite_store *,
		    const char *key, const char *value);
enum store_status	sqlite_store_security_events_after(struct sqlite_store *,
		    int64_t id, size_t limit,
		    struct store_security_event_row **out, size_t *n);
enum store_status	sqlite_store_agents_silent(struct sqlite_store *,
		    time_t before, char (**ids)[40], size_t *n);
enum store_status	sqlite_store_agent_counts(struct sqlite_store *,
		    time_t since, struct store_agent_counts *);
enum store_status	sqlite_store_drift_open_counts(struct sqlite_store *,
		    struct store_kind_count **out, size_t *n);
enum store_status	sqlite_store_alert_undelivered(struct sqlite_store *,
		    uint64_t *n);
enum store_status	sqlite_store_alert_add(struct sqlite_store *,
		    struct store_alert *);
enum store_status	sqlite_store_alert_due(struct sqlite_store *,
		    time_t now, size_t limit, struct store_alert **out,
		    size_t *n);
enum store_status	sqlite_store_alert_delivered(struct sqlite_store *,
		    int64_t id, time_t now);
enum store_status	sqlite_store_alert_retry(struct sqlite_store *,
		    int64_t id, time_t next, const char *error);
enum store_status	sqlite_store_alert_list(struct sqlite_store *,
		    int undelivered_only, size_t limit,
		    struct store_alert **out, size_t *n);
enum store_status	sqlite_store_alert_next_due(struct sqlite_store *,
		    time_t *at);
enum store_status	sqlite_store_ledger_size(struct sqlite_store *,
		    uint64_t *size);
uint64_t	sqlite_store_ledger_durable(struct sqlite_store *);
enum store_status	sqlite_store_ledger_subtree(struct sqlite_store *,
		    uint64_t start, unsigned level, merkle_hash out);
enum store_status	sqlite_store_ledger_leaf(struct sqlite_store *,
		    uint64_t index, merkle_hash hash, int64_t *evidence_id);
enum store_status	sqlite_store_ledger_root(struct sqlite_store *,
		    uint64_t size, merkle_hash root);
enum store_status	sqlite_store_ledger_inclusion(struct sqlite_store *,
		    uint64_t index, uint64_t size, unsigned char *proof,
		    size_t *n);
enum store_status	sqlite_store_ledger_consistency(struct sqlite_store *,
		    uint64_t from, uint64_t to, unsigned char *proof,
		    size_t *n);
uint64_t	sqlite_store_ledger_reads(struct sqlite_store *);
int	sqlite_store_ledger_signer(struct sqlite_store *);
enum store_status	sqlite_store_evidence_period(struct sqlite_store *,
		    const char *agent_id, time_t from, time_t to,
		    store_period_fn fn, void *arg);
enum store_status	sqlite_store_evidence_period_count(struct sqlite_store *,
		    const char *agent_id, time_t from, time_t to, uint64_t *n);
enum store_status	sqlite_store_evaluations_of(struct sqlite_store *,
		    int64_t evidence_id, struct store_evaluation_row **out,
		    size_t *n);
enum store_status	sqlite_store_ruleset_list(struct sqlite_store *,
		    char (**digests)[STORE_DIGEST_LEN], size_t *n);
enum store_status	sqlite_store_alert_claim(struct sqlite_store *,
		    int64_t id, time_t now, time_t until);
enum store_status	sqlite_store_checkpoint_add(struct sqlite_store *,
		    const struct store_checkpoint *);
enum store_status	sqlite_store_checkpoint_latest(struct sqlite_store *,
		    struct store_checkpoint *);

#ifdef HAVE_POSTGRESQL
/* PostgreSQL (store-pg*.c): a libpq connection string. */
struct pg_store	*pg_store_open(const char *conninfo, char *err,
		    size_t errlen);
void	pg_store_close(struct pg_store *);
enum store_status	pg_store_token_add(struct pg_store *,
		    const struct store_token *,
		    const unsigned char hash[STORE_HASH_LEN]);
enum store_status	pg_store_token_use(struct pg_store *,
		    const unsigned char hash[STORE_HASH_LEN],
		    enum store_role role, time_t now, struct store_token *out);
enum store_status	pg_store_token_use_roles(struct pg_store *,
		    const unsigned char hash[STORE_HASH_LEN], unsigned roles,
		    time_t now, struct store_token *out);
enum store_status	pg_store_token_revoke(struct pg_store *,
		    const char *id, time_t now);
enum store_status	pg_store_token_list(struct pg_store *,
		    struct store_token **out, size_t *count);
enum store_status	pg_store_agent_add(struct pg_store *,
		    const struct store_agent *);
enum store_status	pg_store_agent_get(struct pg_store *, const char *id,
		    struct store_agent *out);
enum store_status	pg_store_agent_set_cert(struct pg_store *,
		    const char *id, time_t not_after);
enum store_status	pg_store_agent_revoke(struct pg_store *,
		    const char *id, time_t now);
enum store_status	pg_store_agent_list(struct pg_store *,
		    struct store_agent **out, size_t *count);
enum store_status	pg_store_batch_begin(struct pg_store *);
enum store_status	pg_store_batch_commit(struct pg_store *);
void	pg_store_batch_rollback(struct pg_store *);
int	pg_store_in_batch(struct pg_store *);
enum store_status	pg_store_defer_sync(struct pg_store *);
int	pg_store_sync(struct pg_store *);
void	pg_store_release_memory(struct pg_store *);
void	pg_store_restart_log(struct pg_store *);
enum store_status	pg_store_enroll(struct pg_store *,
		    const unsigned char hash[STORE_HASH_LEN], time_t now,
		    struct store_agent *agent, struct store_token *token);
enum store_status	pg_store_evidence_find(struct pg_store *,
		    const char *agent_id, int64_t seq,
		    struct store_receipt *out);
enum store_status	pg_store_evidence_add(struct pg_store *,
		    const struct store_evidence *, struct store_receipt *out);
enum store_status	pg_store_section_known(struct pg_store *,
		    const char *agent_id, const char *name,
		    const char *digest);
enum store_status	pg_store_section_get(struct pg_store *,
		    const char *digest, char **body, size_t *len);
enum store_status	pg_store_evidence_list(struct pg_store *,
		    const char *agent_id, size_t limit,
		    struct store_evidence_row **out, size_t *n);
enum store_status	pg_store_evidence_get(struct pg_store *, int64_t id,
		    struct store_evidence_row *row, char **envelope,
		    size_t *len);
enum store_status	pg_store_security_event(struct pg_store *, time_t at,
		    const char *agent_id, const char *kind, const char *peer,
		    const char *detail);
enum store_status	pg_store_ruleset_add(struct pg_store *,
		    const char *digest, const struct store_pack *,
		    size_t npacks, time_t now);
enum store_status	pg_store_ruleset_get(struct pg_store *,
		    const char *digest, struct store_pack_row **packs,
		    size_t *npacks);
enum store_status	pg_store_evaluation_add(struct pg_store *,
		    const struct store_evaluation *);
enum store_status	pg_store_evaluation_pending(struct pg_store *,
		    const char *ruleset, size_t limit, int64_t **ids,
		    size_t *n);
enum store_status	pg_store_doc_get(struct pg_store *,
		    int64_t evidence_id, struct store_doc *);
enum store_status	pg_store_results_at(struct pg_store *, time_t at,
		    const char *agent_id, struct store_result_set **out,
		    size_t *n);
enum store_status	pg_store_waiver_add(struct pg_store *,
		    struct store_waiver *);
enum store_status	pg_store_waiver_remove(struct pg_store *, int64_t id,
		    time_t now, const char *by);
enum store_status	pg_store_waiver_list(struct pg_store *,
		    struct store_waiver **out, size_t *n);
enum store_status	pg_store_audit_start(struct pg_store *,
		    struct store_audit *, int64_t **resolved,
		    size_t *nresolved);
enum store_status	pg_store_audit_list(struct pg_store *,
		    struct store_audit **out, size_t *n);
enum store_status	pg_store_audit_last_scheduled(struct pg_store *,
		    time_t *at);
enum store_status	pg_store_baseline_get(struct pg_store *,
		    const char *agent_id, struct store_baseline *);
enum store_status	pg_store_baseline_initial(struct pg_store *,
		    const char *agent_id, int64_t evidence_id,
		    const char *ruleset, const char *results);
enum store_status	pg_store_result_set_get(struct pg_store *,
		    const char *digest, char **body, size_t *len);
enum store_status	pg_store_evidence_sections(struct pg_store *,
		    int64_t evidence_id, struct store_section_ref **out,
		    size_t *n);
enum store_status	pg_store_agent_latest(struct pg_store *,
		    const char *agent_id, int64_t *evidence_id,
		    time_t *received_at);
enum store_status	pg_store_drift_open(struct pg_store *,
		    struct store_drift *d);
enum store_status	pg_store_drift_resolve(struct pg_store *,
		    const char *agent_id, const char *kind,
		    const char *subject, time_t now, const char *resolution,
		    int64_t *id);
enum store_status	pg_store_drift_ack(struct pg_store *, int64_t id,
		    time_t now, const char *by, const char *comment);
enum store_status	pg_store_drift_list(struct pg_store *,
		    const struct store_drift_filter *,
		    struct store_drift **out, size_t *n);
enum store_status	pg_store_drift_unresolved(struct pg_store *,
		    const char *agent_id, const char *kind,
		    struct store_drift **out, size_t *n);
enum store_status	pg_store_drift_get(struct pg_store *, int64_t id,
		    struct store_drift *);
enum store_status	pg_store_meta_get(struct pg_store *, const char *key,
		    char **value);
enum store_status	pg_store_meta_set(struct pg_store *, const char *key,
		    const char *value);
enum store_status	pg_store_security_events_after(struct pg_store *,
		    int64_t id, size_t limit,
		    struct store_security_event_row **out, size_t *n);
enum store_status	pg_store_agents_silent(struct pg_store *,
		    time_t before, char (**ids)[40], size_t *n);
enum store_status	pg_store_agent_counts(struct pg_store *, time_t since,
		    struct store_agent_counts *);
enum store_status	pg_store_drift_open_counts(struct pg_store *,
		    struct store_kind_count **out, size_t *n);
enum store_status	pg_store_alert_undelivered(struct pg_store *,
		    uint64_t *n);
enum store_status	pg_store_alert_add(struct pg_store *,
		    struct store_alert *);
enum store_status	pg_store_alert_due(struct pg_store *, time_t now,
		    size_t limit, struct store_alert **out, size_t *n);
enum store_status	pg_store_alert_delivered(struct pg_store *,
		    int64_t id, time_t now);
enum store_status	pg_store_alert_retry(struct pg_store *, int64_t id,
		    time_t next, const char *error);
enum store_status	pg_store_alert_list(struct pg_store *,
		    int undelivered_only, size_t limit,
		    struct store_alert **out, size_t *n);
enum store_status	pg_store_alert_next_due(struct pg_store *,
		    time_t *at);
enum store_status	pg_store_ledger_size(struct pg_store *,
		    uint64_t *size);
uint64_t	pg_store_ledger_durable(struct pg_store *);
enum store_status	pg_store_ledger_subtree(struct pg_store *,
		    uint64_t start, unsigned level, merkle_hash out);
enum store_status	pg_store_ledger_leaf(struct pg_store *,
		    uint64_t index, merkle_hash hash, int64_t *evidence_id);
enum store_status	pg_store_ledger_root(struct pg_store *, uint64_t size,
		    merkle_hash root);
enum store_status	pg_store_ledger_inclusion(struct pg_store *,
		    uint64_t index, uint64_t size, unsigned char *proof,
		    size_t *n);
enum store_status	pg_store_ledger_consistency(struct pg_store *,
		    uint64_t from, uint64_t to, unsigned char *proof,
		    size_t *n);
uint64_t	pg_store_ledger_reads(struct pg_store *);
int	pg_store_ledger_signer(struct pg_store *);
enum store_status	pg_store_evidence_period(struct pg_store *,
		    const char *agent_id, time_t from, time_t to,
		    store_period_fn fn, void *arg);
enum store_status	pg_store_evidence_period_count(struct pg_store *,
		    const char *agent_id, time_t from, time_t to, uint64_t *n);
enum store_status	pg_store_evaluations_of(struct pg_store *,
		    int64_t evidence_id, struct store_evaluation_row **out,
		    size_t *n);
enum store_status	pg_store_ruleset_list(struct pg_store *,
		    char (**digests)[STORE_DIGEST_LEN], size_t *n);
enum store_status	pg_store_alert_claim(struct pg_store *,
		    int64_t id, time_t now, time_t until);
enum store_status	pg_store_checkpoint_add(struct pg_store *,
		    const struct store_checkpoint *);
enum store_status	pg_store_checkpoint_latest(struct pg_store *,
		    struct store_checkpoint *);
#endif

#endif
