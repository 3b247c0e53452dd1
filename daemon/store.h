/*
 * The one interface to storage.  SQLite (store-sqlite*.c) is the
 * embedded default; PostgreSQL (store-pg*.c) serves several exhibitd
 * instances sharing one database.  store.c forwards each function to the
 * backend a store was opened with.  Every function returns STORE_OK or a
 * status; a status other than STORE_OK leaves stored state unchanged.
 */
#ifndef EXHIBIT_STORE_H
#define EXHIBIT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "merkle.h"

#define STORE_SCHEMA_VERSION	5
#define STORE_HASH_LEN		32	/* SHA-256 of a token secret */

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_EXISTS,		/* a unique key already taken */
	STORE_EXPIRED,
	STORE_USED_UP,
	STORE_REVOKED,
	STORE_WRONG_ROLE,
	STORE_ERROR,		/* the database failed: logged */
};

const char	*store_status_str(enum store_status);

struct store;

enum store_backend {
	STORE_SQLITE,		/* exhibit.db in the state directory */
	STORE_POSTGRESQL,	/* a libpq connection string */
};
const char	*store_backend_str(enum store_backend);
int		 store_backend_parse(const char *, enum store_backend *);

struct store_conf {
	enum store_backend	 backend;
	const char		*state_dir;	/* SQLite */
	const char		*connection;	/* PostgreSQL */
};

/* Open (creating and migrating as needed) the store conf names. */
struct store	*store_open_conf(const struct store_conf *, char *err,
		    size_t errlen);
/* The SQLite store in state_dir. */
struct store	*store_open(const char *state_dir, char *err, size_t errlen);
void		 store_close(struct store *);

/* Tokens: people's bearer tokens and agents' enrollment tokens. */
enum store_role {
	ROLE_ENROLL, ROLE_ADMIN, ROLE_SECURITY, ROLE_AUDITOR,
};
const char	*store_role_str(enum store_role);
int		 store_role_parse(const char *, enum store_role *);

struct store_token {
	char		 id[24];	/* "tk_" + 16 hex: public, listable */
	enum store_role	 role;
	int64_t		 uses_left;	/* -1: unlimited */
	time_t		 expires_at;	/* 0: never */
	time_t		 created_at;
	time_t		 revoked_at;	/* 0: not revoked */
	char		 comment[128];
};

enum store_status store_token_add(struct store *, const struct store_token *,
		    const unsigned char hash[STORE_HASH_LEN]);

/*
 * Find the token with this hash and, when it may be used for role at now,
 * count one use (atomically).  The role check is exact: an admin token
 * does not enroll agents.
 */
enum store_status store_token_use(struct store *,
		    const unsigned char hash[STORE_HASH_LEN],
		    enum store_role role, time_t now, struct store_token *out);

/* The same for any of a set of roles (STORE_ROLE_BIT()s or'ed): people's
 * tokens on the API, where the route then decides what the role may do. */
#define STORE_ROLE_BIT(r)	(1u << (r))
enum store_status store_token_use_roles(struct store *,
		    const unsigned char hash[STORE_HASH_LEN], unsigned roles,
		    time_t now, struct store_token *out);

enum store_status store_token_revoke(struct store *, const char *id,
		    time_t now);

/* All tokens, newest first; *out is allocated. */
enum store_status store_token_list(struct store *, struct store_token **out,
		    size_t *count);

/* Agents. */
struct store_agent {
	char	 id[40];		/* "ag_" + 26 base32 characters */
	char	 keyid[65];		/* hex SHA-256 of the public key */
	char	*pubkey_pem;
	char	 hostname[256];
	char	 machine_id[64];
	time_t	 enrolled_at;
	time_t	 revoked_at;		/* 0: not revoked */
	time_t	 cert_not_after;
	char	 token_id[24];		/* the enrollment token used */
};

enum store_status store_agent_add(struct store *, const struct store_agent *);
enum store_status store_agent_get(struct store *, const char *id,
		    struct store_agent *out);
enum store_status store_agent_set_cert(struct store *, const char *id,
		    time_t not_after);
enum store_status store_agent_revoke(struct store *, const char *id,
		    time_t now);
enum store_status store_agent_list(struct store *, struct store_agent **out,
		    size_t *count);
void		  store_agent_clear(struct store_agent *);
void		  store_agent_list_free(struct store_agent *, size_t count);

/*
 * Group commit.  The daemon opens a batch, runs many requests' writes in
 * it and commits once, so one fsync acknowledges them all; replies go out
 * only after store_batch_commit() returned STORE_OK.  Each store function
 * stays atomic inside a batch (a savepoint): one that fails leaves the
 * batch as it was.  One exception, for speed: a store_evidence_add() that
 * fails other than with STORE_EXISTS may spoil the batch, whose commit
 * then rolls it all back and returns STORE_ERROR.  Outside a batch every
 * function commits on its own.
 */
enum store_status store_batch_begin(struct store *);
enum store_status store_batch_commit(struct store *);
void		  store_batch_rollback(struct store *);
int		  store_in_batch(struct store *);

/*
 * Group commit with the fsync off the committing thread.  After
 * store_defer_sync(), commits (the batch's and every other function's)
 * no longer wait for the disk: a commit is durable once a later
 * store_sync() has returned 0.  store_sync() may run on another thread
 * while this one goes on writing; it also checkpoints the write-ahead
 * log there now and then, so the writer never waits for one.  Before
 * anything is acknowledged, store_sync() must have returned 0 after its
 * commit.  -1 from store_sync() means the disk failed: nothing since the
 * last good sync may be acknowledged.
 */
enum store_status store_defer_sync(struct store *);
int		  store_sync(struct store *);

/*
 * On the writing thread, between writes, with no store_sync() running:
 * if the log has not started over for two checkpoint intervals, copy
 * what it holds beyond the last checkpoint, so that the next commit
 * starts it over.  Under load without a lull the background checkpoint
 * never catches up with the writer, and the log would grow as long as
 * the load lasts.  Costs an fsync of the database file when it acts.
 */
void		  store_restart_log(struct store *);

/* Give back what the store's caches hold but are not using: for an idle
 * daemon, whose footprint should follow its load.  Not during a batch. */
void		  store_release_memory(struct store *);

/* Enroll: use the token (role enroll) and add the agent, atomically. */
enum store_status store_enroll(struct store *,
		    const unsigned char hash[STORE_HASH_LEN], time_t now,
		    struct store_agent *agent, struct store_token *token);

/* Evidence. */
#define STORE_DIGEST_LEN	(7 + 64 + 1)	/* "sha256:" hex NUL */

struct store_receipt {
	int64_t		 evidence_id;
	int64_t		 seq;
	char		 digest[STORE_DIGEST_LEN];	/* of the envelope */
	int64_t		 leaf_index;	/* in the ledger */
};

struct store_section {
	const char	*name;
	const char	*digest;	/* "sha256:<hex>" */
	const char	*body;		/* NULL: a reference to a stored one */
	size_t		 len;
};

struct store_evidence {
	const char			*agent_id;
	int64_t				 seq;
	time_t				 received_at;
	time_t				 collected_at;
	const char			*digest;	/* of the envelope */
	const void			*envelope;	/* as received */
	size_t				 envelope_len;
	const char			*hostname;
	const char			*machine_id;
	const struct store_section	*sections;
	size_t				 nsections;
};

/* The receipt of (agent, seq): STORE_OK or STORE_NOT_FOUND. */
enum store_status store_evidence_find(struct store *, const char *agent_id,
		    int64_t seq, struct store_receipt *out);

/* Store a document: envelope, sections (each body once per digest), the
 * host's last-seen row, and the envelope's leaf in the ledger, all in
 * one transaction.  STORE_EXISTS when (agent, seq) is taken. */
enum store_status store_evidence_add(struct store *,
		    const struct store_evidence *, struct store_receipt *out);

/* Whether this agent stored section name with digest before: STORE_OK
 * or STORE_NOT_FOUND. */
enum store_status store_section_known(struct store *, const char *agent_id,
		    const char *name, const char *digest);

/* A stored section's body, allocated: STORE_OK or STORE_NOT_FOUND. */
enum store_status store_section_get(struct store *, const char *digest,
		    char **body, size_t *len);

/* Stored evidence, for people. */
struct store_evidence_row {
	int64_t		 id;
	char		 agent_id[40];
	char		 hostname[256];
	int64_t		 seq;
	time_t		 received_at;
	time_t		 collected_at;
	char		 digest[STORE_DIGEST_LEN];
	size_t		 envelope_len;
	int		 nsections;	/* sent in full */
	int		 nreferences;	/* sent as unchanged_since */
};

/* Newest first, at most limit (0: all), of one agent or all (NULL). */
enum store_status store_evidence_list(struct store *, const char *agent_id,
		    size_t limit, struct store_evidence_row **out, size_t *n);

/* One document's row and its envelope as received (allocated). */
enum store_status store_evidence_get(struct store *, int64_t id,
		    struct store_evidence_row *row, char **envelope,
		    size_t *len);

/* Security events: refused identities, replays with other content. */
enum store_status store_security_event(struct store *, time_t at,
		    const char *agent_id, const char *kind, const char *peer,
		    const char *detail);

/*
 * Rule packs and results.  A rule set is the packs loaded together,
 * named by a digest over theirs; every pack's file is kept, so any
 * stored result can be traced to the exact rules behind it.
 */
struct store_pack {
	const char	*digest;	/* "sha256:<hex>" of the file */
	const char	*name;
	const char	*version;
	const char	*body;
	size_t		 len;
};

/* Record a rule set and its packs (kept once per digest). */
enum store_status store_ruleset_add(struct store *, const char *digest,
		    const struct store_pack *, size_t npacks, time_t now);

/* A stored rule set's packs, in load order, allocated. */
struct store_pack_row {
	char		*digest;
	char		*name;
	char		*version;
	char		*body;
	size_t		 len;
};
enum store_status store_ruleset_get(struct store *, const char *digest,
		    struct store_pack_row **packs, size_t *npacks);
void		  store_packs_free(struct store_pack_row *, size_t);

/* Counts of each status in a result set, in enum rule_status order:
 * pass, not_applicable, error, fail. */
#define STORE_NCOUNTS	4

struct store_evaluation {
	int64_t		 evidence_id;
	const char	*ruleset;	/* digest */
	time_t		 evaluated_at;
	const char	*results;	/* JSON array, as ruleset_evaluate() */
	size_t		 len;
	const char	*results_digest;	/* "sha256:<hex>" of results */
	int		 counts[STORE_NCOUNTS];
};

/* Record one document's results under a rule set; identical result sets
 * are stored once.  Evaluating again under the same rule set replaces. */
enum store_status store_evaluation_add(struct store *,
		    const struct store_evaluation *);

/* Evidence waiting for evaluation under ruleset, oldest first, at most
 * limit: documents never evaluated, and each agent's newest document
 * when it was not evaluated under this rule set. */
enum store_status store_evaluation_pending(struct store *, const char *ruleset,
		    size_t limit, int64_t **ids, size_t *n);

/* What a document needs to be evaluated again: its envelope and the
 * stored bodies of the sections it sent as references. */
struct store_ref_section {
	char		 name[64];
	char		 digest[STORE_DIGEST_LEN];
	char		*body;
	size_t		 len;
};

struct store_doc {
	int64_t			 evidence_id;
	char			 agent_id[40];
	char			*envelope;
	size_t			 envelope_len;
	struct store_ref_section	*refs;
	size_t			 nrefs;
};

enum store_status store_doc_get(struct store *, int64_t evidence_id,
		    struct store_doc *);
void		  store_doc_clear(struct store_doc *);

/* One agent's results as they stood at some time. */
struct store_result_set {
	int64_t		 evidence_id;
	char		 agent_id[40];
	char		 hostname[256];
	char		 machine_id[64];
	time_t		 received_at;
	time_t		 collected_at;
	time_t		 evaluated_at;
	char		 ruleset[STORE_DIGEST_LEN];
	char		*results;	/* JSON array */
	size_t		 len;
	int		 counts[STORE_NCOUNTS];
};

/*
 * For every agent (or the one named), the results in force at time at:
 * of its documents received at or before at and evaluated, the newest;
 * of that document's evaluations, the newest made at or before at (its
 * first when all came later).  Agents revoked at or before at are left
 * out.  Ordered by hostname.
 */
enum store_status store_results_at(struct store *, time_t at,
		    const char *agent_id, struct store_result_set **out,
		    size_t *n);
void		  store_result_sets_free(struct store_result_set *, size_t);

/* Waivers: a rule's failures on matching hosts reported as waived until
 * expires_at.  Removed waivers are kept, for the record. */
struct store_waiver {
	int64_t		 id;
	char		 rule_id[65];
	char		 host[256];	/* agent id, hostname or fnmatch(3)
					   pattern over hostnames */
	char		 owner[128];
	char		 justification[1024];
	time_t		 created_at;
	char		 created_by[64];
	time_t		 expires_at;
	time_t		 removed_at;	/* 0: not removed */
	char		 removed_by[64];
};

enum store_status store_waiver_add(struct store *, struct store_waiver *);
enum store_status store_waiver_remove(struct store *, int64_t id, time_t now,
		    const char *by);
/* All of them, newest first. */
enum store_status store_waiver_list(struct store *, struct store_waiver **out,
		    size_t *n);

/*
 * Audits freeze a baseline: for every host its newest judged document
 * (whose section digests and results the store keeps).  A host that was
 * in no audit yet has its first judged document as baseline (audit 0).
 */
struct store_audit {
	int64_t		 id;
	char		 name[256];
	time_t		 started_at;
	char		 started_by[64];
	int		 scheduled;
	/* Scheduled: the start of the last scheduled audit the caller saw
	 * (0: none).  If another started since (an instance sharing the
	 * store was first), store_audit_start() returns STORE_EXISTS and
	 * starts nothing: each scheduled audit starts once. */
	time_t		 scheduled_after;
	int64_t		 hosts;		/* baselines frozen */
};

/* Start an audit at now: freeze every unrevoked host's baseline and
 * resolve every unresolved drift item ("superseded by audit N"); the ids
 * of the items resolved are returned (allocated) for alerting. */
enum store_status store_audit_start(struct store *, struct store_audit *,
		    int64_t **resolved, size_t *nresolved);
/* Newest first. */
enum store_status store_audit_list(struct store *, struct store_audit **out,
		    size_t *n);
/* The newest scheduled audit's start, 0 when none. */
enum store_status store_audit_last_scheduled(struct store *, time_t *at);

struct store_baseline {
	int64_t		 audit_id;
	int64_t		 evidence_id;
	char		 ruleset[STORE_DIGEST_LEN];
	char		 results[STORE_DIGEST_LEN];	/* result set digest */
};

/* The baseline a host is compared with: from the newest audit that froze
 * one for it, else its audit-0 baseline.  STORE_NOT_FOUND: none yet. */
enum store_status store_baseline_get(struct store *, const char *agent_id,
		    struct store_baseline *);
/* A host's first judged document becomes its audit-0 baseline. */
enum store_status store_baseline_initial(struct store *, const char *agent_id,
		    int64_t evidence_id, const char *ruleset,
		    const char *results);
/* A stored result set's body (allocated). */
enum store_status store_result_set_get(struct store *, const char *digest,
		    char **body, size_t *len);

/* A document's sections: names and digests (allocated arrays). */
struct store_section_ref {
	char		 name[64];
	char		 digest[STORE_DIGEST_LEN];
};
enum store_status store_evidence_sections(struct store *, int64_t evidence_id,
		    struct store_section_ref **out, size_t *n);
/* The newest document of an agent (0 when none). */
enum store_status store_agent_latest(struct store *, const char *agent_id,
		    int64_t *evidence_id, time_t *received_at);

/* Drift items. */
struct store_drift {
	int64_t		 id;
	char		 agent_id[40];		/* "": not about one host */
	char		 hostname[256];		/* filled by reads */
	char		 kind[32];
	char		 subject[128];
	char		 state[16];		/* open, acknowledged, resolved */
	time_t		 opened_at;
	time_t		 updated_at;
	int64_t		 audit_id;
	int64_t		 evidence_id;
	char		*detail;		/* JSON text */
	time_t		 acked_at;
	char		 acked_by[64];
	char		 ack_comment[512];
	time_t		 resolved_at;
	char		 resolution[128];
};

/*
 * Open an item for (agent, kind, subject), or when one is unresolved
 * already update its evidence, detail and updated_at: STORE_OK with d->id
 * and d->opened_at set for a new item, STORE_EXISTS for an update (d->id
 * set too).
 */
enum store_status store_drift_open(struct store *, struct store_drift *d);
/* Resolve the unresolved item for (agent, kind, subject), if any:
 * STORE_OK with *id, or STORE_NOT_FOUND. */
enum store_status store_drift_resolve(struct store *, const char *agent_id,
		    const char *kind, const char *subject, time_t now,
		    const char *resolution, int64_t *id);
/* Acknowledge an open item: STORE_NOT_FOUND when there is no such item,
 * STORE_EXISTS when it is not open. */
enum store_status store_drift_ack(struct store *, int64_t id, time_t now,
		    const char *by, const char *comment);

struct store_drift_filter {
	const char	*state;		/* NULL: any; "unresolved" */
	const char	*agent;		/* agent id or hostname; NULL: any */
	const char	*kind;		/* NULL: any */
	time_t		 since;		/* opened or updated at or after */
	int64_t		 after_id;	/* id > after_id */
	size_t		 limit;		/* 0: all */
};
/* Oldest first. */
enum store_status store_drift_list(struct store *,
		    const struct store_drift_filter *, struct store_drift **out,
		    size_t *n);
/* One agent's unresolved items (of one kind, or of any when kind is
 * NULL), oldest first: what the drift engine reads for every document it
 * compares, through the index of unresolved items, where the general
 * list above reads every item ever opened. */
enum store_status store_drift_unresolved(struct store *, const char *agent_id,
		    const char *kind, struct store_drift **out, size_t *n);
enum store_status store_drift_get(struct store *, int64_t id,
		    struct store_drift *);
void		  store_drift_clear(struct store_drift *);
void		  store_drift_list_free(struct store_drift *, size_t);

/* Small named values the daemon keeps between runs ("meta"): value is
 * allocated; STORE_NOT_FOUND when unset. */
enum store_status store_meta_get(struct store *, const char *key, char **value);
enum store_status store_meta_set(struct store *, const char *key,
		    const char *value);

/* Security events recorded after id, oldest first, at most limit. */
struct store_security_event_row {
	int64_t		 id;
	time_t		 at;
	char		 agent_id[40];
	char		 kind[32];
	char		 peer[64];
	char		 detail[512];
};
enum store_status store_security_events_after(struct store *, int64_t id,
		    size_t limit, struct store_security_event_row **out,
		    size_t *n);

/* Hosts whose newest document is older than before (silent), unrevoked,
 * with a document at all. */
enum store_status store_agents_silent(struct store *, time_t before,
		    char (**ids)[40], size_t *n);

/* Counts for metrics, read at scrape time. */
struct store_agent_counts {
	uint64_t	 known;		/* enrolled, not revoked */
	uint64_t	 active;	/* known, evidence at or after since */
	uint64_t	 silent;	/* known, newest evidence before since */
	uint64_t	 revoked;
};
enum store_status store_agent_counts(struct store *, time_t since,
		    struct store_agent_counts *);
/* Unresolved (open or acknowledged) drift items per kind, by kind. */
struct store_kind_count {
	char		 kind[32];
	uint64_t	 n;
};
enum store_status store_drift_open_counts(struct store *,
		    struct store_kind_count **out, size_t *n);
/* Outbox entries not delivered yet. */
enum store_status store_alert_undelivered(struct store *, uint64_t *n);

/* The alert outbox: one entry per drift event and sink, kept after
 * delivery for the record. */
struct store_alert {
	int64_t		 id;
	int64_t		 drift_id;
	char		 event[16];		/* opened, resolved */
	char		 sink[32];
	char		 idempotency_key[80];
	char		*payload;		/* JSON text */
	time_t		 created_at;
	int64_t		 attempts;
	time_t		 next_attempt_at;
	time_t		 delivered_at;		/* 0: not yet */
	char		 last_error[256];
};

/* Queue (idempotent on the key: STORE_EXISTS when queued before). */
enum store_status store_alert_add(struct store *, struct store_alert *);
/* Undelivered entries due at now, oldest first, at most limit. */
enum store_status store_alert_due(struct store *, time_t now, size_t limit,
		    struct store_alert **out, size_t *n);
/* Claim a due entry before sending it, so that of several instances
 * sharing the outbox one sends it: STORE_OK, its next attempt moved to
 * until (a lease: store_alert_delivered() or store_alert_retry() follow;
 * if this instance dies, another sends it after until), or
 * STORE_NOT_FOUND when another instance has it, it is not due or it was
 * delivered.  The SQLite store, with one instance, has nothing to claim
 * against and changes nothing. */
enum store_status store_alert_claim(struct store *, int64_t id, time_t now,
		    time_t until);
enum store_status store_alert_delivered(struct store *, int64_t id,
		    time_t now);
enum store_status store_alert_retry(struct store *, int64_t id, time_t next,
		    const char *error);
/* Undelivered first, then the newest delivered, at most limit. */
enum store_status store_alert_list(struct store *, int undelivered_only,
		    size_t limit, struct store_alert **out, size_t *n);
/* The earliest next attempt of an undelivered entry (0: none). */
enum store_status store_alert_next_due(struct store *, time_t *at);
void		  store_alert_list_free(struct store_alert *, size_t);

/*
 * The ledger: an append-only Merkle tree (common/merkle.h) whose leaves
 * are the stored envelopes' SHA-256 digests, in the order they were
 * stored; store_evidence_add() appends.  The hash of every complete
 * subtree is stored as it completes, so any root or proof costs
 * O(log n) lookups and the tree is never rebuilt.
 */

/* Leaves stored (committed or in this connection's transaction). */
enum store_status store_ledger_size(struct store *, uint64_t *size);
/* Leaves whose commit has reached the disk (store_sync()): the most a
 * checkpoint may sign, since leaves lost in a crash would come back in
 * another order. */
uint64_t	  store_ledger_durable(struct store *);
/* The hash of leaves [start, start + 2^level), a complete subtree:
 * STORE_NOT_FOUND when the tree does not hold it (yet). */
enum store_status store_ledger_subtree(struct store *, uint64_t start,
		    unsigned level, merkle_hash out);
/* A leaf's hash and the evidence it stands for. */
enum store_status store_ledger_leaf(struct store *, uint64_t index,
		    merkle_hash hash, int64_t *evidence_id);
/* The root of the first size leaves (STORE_NOT_FOUND beyond the tree). */
enum store_status store_ledger_root(struct store *, uint64_t size,
		    merkle_hash root);
/* Proofs (merkle.h), into proof (MERKLE_MAX_PROOF hashes): inclusion of
 * leaf index in the tree of size leaves, consistency of the tree of from
 * leaves with that of to.  STORE_NOT_FOUND when the arguments are out of
 * range (index >= size, from > to, a size beyond the tree). */
enum store_status store_ledger_inclusion(struct store *, uint64_t index,
		    uint64_t size, unsigned char *proof, size_t *n);
enum store_status store_ledger_consistency(struct store *, uint64_t from,
		    uint64_t to, unsigned char *proof, size_t *n);
/* Subtree hashes read so far (what proofs cost; for tests). */
uint64_t	  store_ledger_reads(struct store *);

/* Whether this process signs checkpoints: always with SQLite; of the
 * instances sharing a PostgreSQL store, the one holding the signer's
 * advisory lock (taken here when free, held while connected). */
int		  store_ledger_signer(struct store *);

/* Signed checkpoints (daemon/ledger.c), one per tree size. */
struct store_checkpoint {
	uint64_t	 size;
	merkle_hash	 root;
	char		*note;		/* the signed note, as served */
	time_t		 created_at;
};
/* STORE_EXISTS when a checkpoint of that size is stored. */
enum store_status store_checkpoint_add(struct store *,
		    const struct store_checkpoint *);
/* The largest: STORE_NOT_FOUND when none was signed yet.  note is
 * allocated. */
enum store_status store_checkpoint_latest(struct store *,
		    struct store_checkpoint *);
void		  store_checkpoint_clear(struct store_checkpoint *);

/*
 * Export (auditors' bundles, daemon/export.c).  One agent's documents
 * received in [from, to], in seq order, handed to fn one at a time so
 * that a bundle of any size streams in bounded memory; fn may call other
 * store functions.  fn returning -1 stops the walk: STORE_ERROR.
 */
struct store_period_row {
	int64_t		 evidence_id;
	int64_t		 seq;
	time_t		 received_at;
	time_t		 collected_at;
	char		 digest[STORE_DIGEST_LEN];
	int64_t		 leaf_index;	/* -1: not in the ledger */
};
typedef int	(*store_period_fn)(void *arg, const struct store_period_row *);
enum store_status store_evidence_period(struct store *, const char *agent_id,
		    time_t from, time_t to, store_period_fn fn, void *arg);
/* How many documents of the agent (or of all: NULL) were received in
 * [from, to]. */
enum store_status store_evidence_period_count(struct store *,
		    const char *agent_id, time_t from, time_t to, uint64_t *n);

/* A document's evaluations, one per rule set, oldest first. */
struct store_evaluation_row {
	char		 ruleset[STORE_DIGEST_LEN];
	char		 results[STORE_DIGEST_LEN];
	time_t		 evaluated_at;
	int		 counts[STORE_NCOUNTS];
};
enum store_status store_evaluations_of(struct store *, int64_t evidence_id,
		    struct store_evaluation_row **out, size_t *n);

/* Every rule set ever recorded, oldest first (allocated). */
enum store_status store_ruleset_list(struct store *,
		    char (**digests)[STORE_DIGEST_LEN], size_t *n);

#endif
