/*
 * The SQLite store: one database file, exhibit.db, in the state
 * directory, in WAL mode with synchronous=FULL so that a committed
 * transaction has reached the disk before anything is acknowledged.
 * The schema carries its version in meta; sqlite_store_open() applies the
 * migrations a file lacks, each in its own transaction.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-sqlite-int.h"
#include "xmalloc.h"

#define AGENT_COLUMNS "id, keyid, pubkey, hostname, machine_id, " \
	"enrolled_at, revoked_at, cert_not_after, token_id"

static const char *const stmt_sql[NSTMTS] = {
	[S_EV_FIND] = "SELECT e.id, e.seq, e.digest, coalesce(l.idx, -1) "
	    "FROM evidence e LEFT JOIN ledger_leaves l ON l.evidence_id = e.id "
	    "WHERE e.agent_id = ? AND e.seq = ?",
	[S_EV_ADD] = "INSERT INTO evidence (agent_id, seq, received_at, "
	    "collected_at, digest, envelope) VALUES (?, ?, ?, ?, ?, ?)",
	[S_SEC_ADD] = "INSERT OR IGNORE INTO sections (digest, name, body) "
	    "VALUES (?, ?, ?)",
	[S_ES_ADD] = "INSERT INTO evidence_sections (evidence_id, name, "
	    "digest, reference) VALUES (?, ?, ?, ?)",
	[S_SEC_KNOWN] = "SELECT 1 FROM evidence_sections es JOIN evidence e "
	    "ON e.id = es.evidence_id WHERE es.digest = ? AND es.name = ? "
	    "AND e.agent_id = ? LIMIT 1",
	[S_HOST_SEEN] = "INSERT INTO hosts (machine_id, hostname, first_seen, "
	    "last_seen, agent_id) VALUES (?1, ?2, ?3, ?3, ?4) "
	    "ON CONFLICT (machine_id) DO UPDATE SET hostname = ?2, "
	    "last_seen = MAX(last_seen, ?3), agent_id = ?4",
	[S_AGENT_GET] = "SELECT " AGENT_COLUMNS " FROM agents WHERE id = ?",
	[S_SAVEPOINT] = "SAVEPOINT op",
	[S_RELEASE] = "RELEASE op",
	[S_ROLLBACK_TO] = "ROLLBACK TO op",
	[S_RESULTS_ADD] = "INSERT OR IGNORE INTO result_sets (digest, body) "
	    "VALUES (?, ?)",
	[S_EVAL_ADD] = "INSERT OR REPLACE INTO evaluations (evidence_id, "
	    "ruleset, evaluated_at, results, npass, nna, nerror, nfail) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[S_LEDGER_SIZE] = "SELECT max(idx) FROM ledger_leaves",
	[S_LEDGER_NODE] = "SELECT hash FROM ledger_nodes WHERE level = ? "
	    "AND idx = ?",
	[S_LEDGER_NODE_ADD] = "INSERT INTO ledger_nodes (level, idx, hash) "
	    "VALUES (?, ?, ?)",
	[S_LEDGER_LEAF_ADD] = "INSERT INTO ledger_leaves (idx, evidence_id) "
	    "VALUES (?, ?)",
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_DOC_ENVELOPE] = "SELECT agent_id, envelope FROM evidence WHERE id = ?",
	[S_DOC_REFS] = "SELECT es.name, s.body, es.digest FROM "
	    "evidence_sections es JOIN sections s ON s.digest = es.digest "
	    "WHERE es.evidence_id = ? AND es.reference = 1",
};


/* Checkpoint once the log holds this much. */
#define STORE_CHECKPOINT_BYTES	(16 * 1024 * 1024)

static const char *const migrations[] = {
	/* 1: tokens and agents. */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE tokens ("
	"  id TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL,"
	"  hash BLOB NOT NULL UNIQUE,"
	"  uses_left INTEGER NOT NULL,"		/* -1: unlimited */
	"  expires_at INTEGER NOT NULL,"	/* 0: never */
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER NOT NULL DEFAULT 0,"
	"  comment TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE agents ("
	"  id TEXT PRIMARY KEY,"
	"  keyid TEXT NOT NULL UNIQUE,"
	"  pubkey TEXT NOT NULL,"
	"  hostname TEXT NOT NULL,"
	"  machine_id TEXT NOT NULL,"
	"  enrolled_at INTEGER NOT NULL,"
	"  revoked_at INTEGER NOT NULL DEFAULT 0,"
	"  cert_not_after INTEGER NOT NULL DEFAULT 0,"
	"  token_id TEXT NOT NULL);",

	/* 2: evidence, kept as received; sections once per digest. */
	"CREATE TABLE hosts ("
	"  machine_id TEXT PRIMARY KEY,"
	"  hostname TEXT NOT NULL,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  agent_id TEXT NOT NULL);"
	"CREATE TABLE evidence ("
	"  id INTEGER PRIMARY KEY,"
	"  agent_id TEXT NOT NULL REFERENCES agents (id),"
	"  seq INTEGER NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  collected_at INTEGER NOT NULL,"
	"  digest TEXT NOT NULL,"		/* of the envelope */
	"  envelope BLOB NOT NULL,"
	"  UNIQUE (agent_id, seq));"
	"CREATE TABLE sections ("
	"  digest TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  body BLOB NOT NULL);"
	"CREATE TABLE evidence_sections ("
	"  evidence_id INTEGER NOT NULL REFERENCES evidence (id),"
	"  name TEXT NOT NULL,"
	"  digest TEXT NOT NULL REFERENCES sections (digest),"
	"  reference INTEGER NOT NULL,"	/* 1: sent as unchanged_since */
	"  PRIMARY KEY (evidence_id, name));"
	"CREATE INDEX evidence_sections_digest ON evidence_sections "
	"  (digest, name);"
	"CREATE TABLE security_events ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  agent_id TEXT,"
	"  kind TEXT NOT NULL,"
	"  peer TEXT,"
	"  detail TEXT NOT NULL);",

	/* 3: rule packs, every document's results, waivers. */
	"CREATE TABLE rule_packs ("
	"  digest TEXT PRIMARY KEY,"		/* sha256 of the file */
	"  name TEXT NOT NULL,"
	"  version TEXT NOT NULL,"
	"  first_loaded INTEGER NOT NULL,"
	"  body BLOB NOT NULL);"
	"CREATE TABLE rulesets ("
	"  digest TEXT PRIMARY KEY,"
	"  packs TEXT NOT NULL,"		/* JSON: pack digests */
	"  first_loaded INTEGER NOT NULL);"
	"CREATE TABLE result_sets ("
	"  digest TEXT PRIMARY KEY,"		/* sha256 of body */
	"  body BLOB NOT NULL);"		/* JSON array of results */
	"CREATE TABLE evaluations ("
	"  evidence_id INTEGER NOT NULL REFERENCES evidence (id),"
	"  ruleset TEXT NOT NULL REFERENCES rulesets (digest),"
	"  evaluated_at INTEGER NOT NULL,"
	"  results TEXT NOT NULL REFERENCES result_sets (digest),"
	"  npass INTEGER NOT NULL,"
	"  nna INTEGER NOT NULL,"
	"  nerror INTEGER NOT NULL,"
	"  nfail INTEGER NOT NULL,"
	"  PRIMARY KEY (evidence_id, ruleset));"
	"CREATE INDEX evidence_agent_received ON evidence "
	"  (agent_id, received_at);"
	"CREATE TABLE waivers ("
	"  id INTEGER PRIMARY KEY,"
	"  rule_id TEXT NOT NULL,"
	"  host TEXT NOT NULL,"			/* agent id, name or pattern */
	"  owner TEXT NOT NULL,"
	"  justification TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  removed_at INTEGER NOT NULL DEFAULT 0,"
	"  removed_by TEXT NOT NULL DEFAULT '');",

	/* 4: audits and their baselines, drift, the alert outbox. */
	"CREATE TABLE audits ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL,"
	"  started_by TEXT NOT NULL,"
	"  scheduled INTEGER NOT NULL DEFAULT 0,"
	"  hosts INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE baselines ("
	"  audit_id INTEGER NOT NULL,"		/* 0: before any audit */
	"  agent_id TEXT NOT NULL,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence (id),"
	"  ruleset TEXT NOT NULL,"
	"  results TEXT NOT NULL REFERENCES result_sets (digest),"
	"  PRIMARY KEY (audit_id, agent_id));"
	"CREATE TABLE drift ("
	"  id INTEGER PRIMARY KEY,"
	"  agent_id TEXT NOT NULL,"		/* '': not about one host */
	"  kind TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"		/* rule, section, or '' */
	"  state TEXT NOT NULL,"		/* open, acknowledged, resolved */
	"  opened_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  audit_id INTEGER NOT NULL,"
	"  evidence_id INTEGER NOT NULL,"	/* 0: none */
	"  detail TEXT NOT NULL,"		/* JSON */
	"  acked_at INTEGER NOT NULL DEFAULT 0,"
	"  acked_by TEXT NOT NULL DEFAULT '',"
	"  ack_comment TEXT NOT NULL DEFAULT '',"
	"  resolved_at INTEGER NOT NULL DEFAULT 0,"
	"  resolution TEXT NOT NULL DEFAULT '');"
	"CREATE UNIQUE INDEX drift_unresolved ON drift (agent_id, kind, subject)"
	"  WHERE state != 'resolved';"
	"CREATE INDEX drift_opened ON drift (opened_at);"
	"CREATE TABLE alert_outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  drift_id INTEGER NOT NULL REFERENCES drift (id),"
	"  event TEXT NOT NULL,"		/* opened, resolved */
	"  sink TEXT NOT NULL,"
	"  idempotency_key TEXT NOT NULL UNIQUE,"
	"  payload TEXT NOT NULL,"		/* JSON, as at the event */
	"  created_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL,"
	"  delivered_at INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX alert_outbox_due ON alert_outbox (delivered_at,"
	"  next_attempt_at);",

	/* 5: the ledger.  A level-k node idx is the hash of the complete
	 * subtree of leaves [idx * 2^k, (idx + 1) * 2^k); level 0 holds
	 * the leaf hashes.  Leaves that existed before are appended by
	 * store_ledger_open(), in the order they were stored. */
	"CREATE TABLE ledger_leaves ("
	"  idx INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL UNIQUE REFERENCES evidence (id));"
	"CREATE TABLE ledger_nodes ("
	"  level INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  hash BLOB NOT NULL,"
	"  PRIMARY KEY (level, idx)) WITHOUT ROWID;"
	"CREATE TABLE ledger_checkpoints ("
	"  size INTEGER PRIMARY KEY,"
	"  root BLOB NOT NULL,"
	"  note TEXT NOT NULL,"			/* the signed note */
	"  created_at INTEGER NOT NULL);",
};
#define NMIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))

const char *
store_status_str(enum store_status st)
{
	switch (st) {
	case STORE_OK:
		return "ok";
	case STORE_NOT_FOUND:
		return "not found";
	case STORE_EXISTS:
		return "already exists";
	case STORE_EXPIRED:
		return "expired";
	case STORE_USED_UP:
		return "already used";
	case STORE_REVOKED:
		return "revoked";
	case STORE_WRONG_ROLE:
		return "not valid for this use";
	default:
		return "database error";
	}
}

static const char *const role_names[] = {
	"enroll", "admin", "security", "auditor",
};

const char *
store_role_str(enum store_role r)
{
	return (size_t)r < sizeof(role_names) / sizeof(role_names[0]) ?
	    role_names[r] : "?";
}

int
store_role_parse(const char *s, enum store_role *out)
{
	size_t	i;

	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum store_role)i;
			return 0;
		}
	}
	return -1;
}

enum store_status
store_fail(struct sqlite_store *st, const char *what)
{
	log_warnx("store: %s: %s", what, sqlite3_errmsg(st->db));
	return STORE_ERROR;
}

int
store_exec(struct sqlite_store *st, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("store: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
store_schema_version(struct sqlite_store *st)
{
	sqlite3_stmt	*s;
	int		 v = 0;

	/* No meta table yet: a new, empty database. */
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = "
	    "'schema_version'", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
store_migrate(struct sqlite_store *st, char *err, size_t errlen)
{
	char	*sql;
	int	 v;
	size_t	 i;

	v = store_schema_version(st);
	if (v > (int)NMIGRATIONS) {
		snprintf(err, errlen, "%s: schema version %d is newer than "
		    "this exhibitd (%zu): refusing to use it", st->path, v,
		    NMIGRATIONS);
		return -1;
	}
	for (i = (size_t)v; i < NMIGRATIONS; i++) {
		sql = xasprintf("BEGIN IMMEDIATE; %s INSERT OR REPLACE INTO "
		    "meta (key, value) VALUES ('schema_version', '%zu'); "
		    "COMMIT;", migrations[i], i + 1);
		if (store_exec(st, sql) == -1) {
			free(sql);
			(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL,
			    NULL);
			snprintf(err, errlen, "%s: migration to schema version "
			    "%zu failed", st->path, i + 1);
			return -1;
		}
		free(sql);
		log_info("store: %s migrated to schema version %zu", st->path,
		    i + 1);
	}
	return 0;
}

struct sqlite_store *
sqlite_store_open(const char *state_dir, char *err, size_t errlen)
{
	struct sqlite_store	*st;

	st = xcalloc(1, sizeof(*st));
	st->walfd = -1;
	st->path = xasprintf("%s/exhibit.db", state_dir);
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", st->path,
		    st->db ? sqlite3_errmsg(st->db) : "cannot open");
		sqlite_store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/*
	 * WAL for concurrent readers; FULL so a commit is on disk when
	 * sqlite3_step() returns, which is what acknowledgements rely on.
	 * 16 KiB pages (new stores only): an envelope and its sections fit
	 * a page, and each page written to the log costs two system calls.
	 * A batch's pages stay in memory until its commit (up to 8 MiB):
	 * pages spilled to the log early and changed again are written
	 * twice.  Each operation in a batch but an envelope's add is a
	 * savepoint, whose journal of pages as they were is kept in
	 * memory, not in a temporary file written page by page.  An 8 MiB
	 * cache holds the indexes ingest writes at random places (section
	 * digests, each agent's newest rows); SQLite's default 2 MiB had
	 * ingest read ten pages per envelope back from the file.  The
	 * server gives the cache back when idle (release_memory).
	 */
	if (store_exec(st, "PRAGMA page_size = 16384; "
	    "PRAGMA cache_size = -8192; "
	    "PRAGMA journal_mode = WAL; PRAGMA cache_spill = 512; "
	    "PRAGMA temp_store = MEMORY; "
	    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;") == -1 ||
	    store_migrate(st, err, errlen) == -1 ||
	    store_ledger_open(st) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: %s", st->path,
			    sqlite3_errmsg(st->db));
		sqlite_store_close(st);
		return NULL;
	}
	return st;
}

void
sqlite_store_close(struct sqlite_store *st)
{
	size_t	i;

	if (st == NULL)
		return;
	if (st->batch)
		sqlite_store_batch_rollback(st);
	for (i = 0; i < NSTMTS; i++)
		sqlite3_finalize(st->stmt[i]);
	for (i = 0; i < st->nprepared; i++)
		sqlite3_finalize(st->prepared[i].s);
	if (st->ckpt != NULL)
		sqlite3_close(st->ckpt);
	if (st->walfd != -1)
		close(st->walfd);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store: closing %s: %s", st->path,
		    sqlite3_errmsg(st->db));
	free(st->path);
	free(st);
}


/* A cached statement without parameters or rows: 0 or -1 (logged). */
static int
store_run(struct sqlite_store *st, enum store_stmt which)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, which)) == NULL)
		return -1;
	return store_stmt_done(st, s) == 0 ? 0 : -1;
}

/*
 * One store operation, atomic: a transaction of its own, or a savepoint
 * inside the open batch so that a failure undoes this operation alone.
 */
int
store_atomic_begin(struct sqlite_store *st)
{
	if (st->batch)
		return store_run(st, S_SAVEPOINT);
	return store_run(st, S_BEGIN);
}

enum store_status
store_atomic_end(struct sqlite_store *st, enum store_status res)
{
	uint64_t	size;

	if (st->batch) {
		if (res != STORE_OK && store_run(st, S_ROLLBACK_TO) == -1)
			res = STORE_ERROR;
		if (store_run(st, S_RELEASE) == -1)
			res = STORE_ERROR;
		return res;
	}
	if (res == STORE_OK) {
		store_ledger_precommit(st, &size);
		if (store_run(st, S_COMMIT) == 0) {
			store_ledger_committed(st, size);
			return STORE_OK;
		}
	}
	(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	store_ledger_rolledback(st);
	return res == STORE_OK ? STORE_ERROR : res;
}

void
store_copy(char *dst, size_t size, const unsigned char *src)
{
	snprintf(dst, size, "%s", src != NULL ? (const char *)src : "");
}

static void
store_token_row(sqlite3_stmt *s, struct store_token *t)
{
	memset(t, 0, sizeof(*t));
	store_copy(t->id, sizeof(t->id), sqlite3_column_text(s, 0));
	if (store_role_parse((const char *)sqlite3_column_text(s, 1),
	    &t->role) == -1)
		t->role = ROLE_AUDITOR;
	t->uses_left = sqlite3_column_int64(s, 2);
	t->expires_at = (time_t)sqlite3_column_int64(s, 3);
	t->created_at = (time_t)sqlite3_column_int64(s, 4);
	t->revoked_at = (time_t)sqlite3_column_int64(s, 5);
	store_copy(t->comment, sizeof(t->comment), sqlite3_column_text(s, 6));
}

#define TOKEN_COLUMNS \
	"id, role, uses_left, expires_at, created_at, revoked_at, comment"

enum store_status
sqlite_store_token_add(struct sqlite_store *st, const struct store_token *t,
    const unsigned char hash[STORE_HASH_LEN])
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO tokens (id, role, hash, "
	    "uses_left, expires_at, created_at, comment) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "token_add");
	sqlite3_bind_text(s, 1, t->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, store_role_str(t->role), -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, t->uses_left);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)t->expires_at);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)t->created_at);
	sqlite3_bind_text(s, 7, t->comment, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT)
		return STORE_EXISTS;
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "token_add");
}

static enum store_status store_token_use_locked(struct sqlite_store *,
		    const unsigned char [STORE_HASH_LEN], unsigned,
		    time_t, struct store_token *);

enum store_status
sqlite_store_token_use(struct sqlite_store *st, const unsigned char hash[STORE_HASH_LEN],
    enum store_role role, time_t now, struct store_token *out)
{
	return sqlite_store_token_use_roles(st, hash, STORE_ROLE_BIT(role), now, out);
}

enum store_status
sqlite_store_token_use_roles(struct sqlite_store *st,
    const unsigned char hash[STORE_HASH_LEN], unsigned roles, time_t now,
    struct store_token *out)
{
	enum store_status	 res;

	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	res = store_token_use_locked(st, hash, roles, now, out);
	return store_atomic_end(st, res);
}

static enum store_status
store_token_use_locked(struct sqlite_store *st,
    const unsigned char hash[STORE_HASH_LEN], unsigned roles,
    time_t now, struct store_token *out)
{
	sqlite3_stmt		*s = NULL;
	enum store_status	 res;
	const void		*stored;

	if (sqlite3_prepare_v2(st->db, "SELECT " TOKEN_COLUMNS ", hash FROM "
	    "tokens WHERE hash = ?", -1, &s, NULL) != SQLITE_OK) {
		res = store_fail(st, "token_use");
		goto out;
	}
	sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		res = STORE_NOT_FOUND;
		goto out;
	}
	store_token_row(s, out);
	/* The index found it; compare again in constant time all the
	 * same, so no code path depends on secret bytes' timing. */
	stored = sqlite3_column_blob(s, 7);
	if (stored == NULL || sqlite3_column_bytes(s, 7) != STORE_HASH_LEN ||
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
	sqlite3_finalize(s);
	s = NULL;
	if (res == STORE_OK && out->uses_left > 0) {
		if (sqlite3_prepare_v2(st->db, "UPDATE tokens SET uses_left = "
		    "uses_left - 1 WHERE id = ? AND uses_left > 0", -1, &s,
		    NULL) != SQLITE_OK) {
			res = store_fail(st, "token_use");
			goto out;
		}
		sqlite3_bind_text(s, 1, out->id, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE ||
		    sqlite3_changes(st->db) != 1)
			res = store_fail(st, "token_use");
		else
			out->uses_left--;
	}
out:
	sqlite3_finalize(s);
	return res;
}

enum store_status
sqlite_store_token_revoke(struct sqlite_store *st, const char *id, time_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE tokens SET revoked_at = ? "
	    "WHERE id = ? AND revoked_at = 0", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "token_revoke");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "token_revoke");
	return sqlite3_changes(st->db) == 1 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status
sqlite_store_token_list(struct sqlite_store *st, struct store_token **out, size_t *count)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	*out = NULL;
	*count = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT " TOKEN_COLUMNS " FROM tokens "
	    "ORDER BY created_at DESC, id", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "token_list");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xreallocarray(*out, n + 1, sizeof(**out));
		store_token_row(s, &(*out)[n++]);
	}
	sqlite3_finalize(s);
	*count = n;
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "token_list");
}


static void
store_agent_row(sqlite3_stmt *s, struct store_agent *a)
{
	memset(a, 0, sizeof(*a));
	store_copy(a->id, sizeof(a->id), sqlite3_column_text(s, 0));
	store_copy(a->keyid, sizeof(a->keyid), sqlite3_column_text(s, 1));
	a->pubkey_pem = xstrdup((const char *)sqlite3_column_text(s, 2));
	store_copy(a->hostname, sizeof(a->hostname), sqlite3_column_text(s, 3));
	store_copy(a->machine_id, sizeof(a->machine_id),
	    sqlite3_column_text(s, 4));
	a->enrolled_at = (time_t)sqlite3_column_int64(s, 5);
	a->revoked_at = (time_t)sqlite3_column_int64(s, 6);
	a->cert_not_after = (time_t)sqlite3_column_int64(s, 7);
	store_copy(a->token_id, sizeof(a->token_id), sqlite3_column_text(s, 8));
}

enum store_status
sqlite_store_agent_add(struct sqlite_store *st, const struct store_agent *a)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO agents (" AGENT_COLUMNS
	    ") VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "agent_add");
	sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->keyid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->pubkey_pem, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, a->machine_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)a->enrolled_at);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)a->cert_not_after);
	sqlite3_bind_text(s, 8, a->token_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT)
		return STORE_EXISTS;
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "agent_add");
}

enum store_status
sqlite_store_agent_get(struct sqlite_store *st, const char *id, struct store_agent *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, S_AGENT_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		store_agent_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st,
	    "agent_get");
}

static enum store_status
store_agent_update(struct sqlite_store *st, const char *sql, const char *id,
    time_t value)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "agent_update");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)value);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "agent_update");
	return sqlite3_changes(st->db) == 1 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status
sqlite_store_agent_set_cert(struct sqlite_store *st, const char *id, time_t not_after)
{
	return store_agent_update(st, "UPDATE agents SET cert_not_after = ? "
	    "WHERE id = ?", id, not_after);
}

enum store_status
sqlite_store_agent_revoke(struct sqlite_store *st, const char *id, time_t now)
{
	return store_agent_update(st, "UPDATE agents SET revoked_at = ? "
	    "WHERE id = ? AND revoked_at = 0", id, now);
}

enum store_status
sqlite_store_agent_list(struct sqlite_store *st, struct store_agent **out, size_t *count)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	*out = NULL;
	*count = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT " AGENT_COLUMNS " FROM agents "
	    "ORDER BY enrolled_at, id", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "agent_list");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xreallocarray(*out, n + 1, sizeof(**out));
		store_agent_row(s, &(*out)[n++]);
	}
	sqlite3_finalize(s);
	*count = n;
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "agent_list");
}

void
store_agent_clear(struct store_agent *a)
{
	free(a->pubkey_pem);
	a->pubkey_pem = NULL;
}

void
store_agent_list_free(struct store_agent *v, size_t count)
{
	size_t	i;

	for (i = 0; i < count; i++)
		store_agent_clear(&v[i]);
	free(v);
}

enum store_status
sqlite_store_batch_begin(struct sqlite_store *st)
{
	if (st->batch)
		return STORE_OK;
	if (store_run(st, S_BEGIN) == -1)
		return STORE_ERROR;
	st->batch = 1;
	return STORE_OK;
}

enum store_status
sqlite_store_batch_commit(struct sqlite_store *st)
{
	uint64_t	size;

	if (!st->batch)
		return STORE_OK;
	st->batch = 0;
	if (st->spoiled) {
		log_warnx("store: a failed write spoiled the batch; rolling "
		    "it back");
		st->spoiled = 0;
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		store_ledger_rolledback(st);
		return STORE_ERROR;
	}
	store_ledger_precommit(st, &size);
	/* synchronous=FULL: the WAL is fsync'd before COMMIT returns. */
	if (store_run(st, S_COMMIT) == 0) {
		store_ledger_committed(st, size);
		return STORE_OK;
	}
	(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	store_ledger_rolledback(st);
	return STORE_ERROR;
}

void
sqlite_store_batch_rollback(struct sqlite_store *st)
{
	if (!st->batch)
		return;
	st->batch = 0;
	st->spoiled = 0;
	if (sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		log_warnx("store: rollback: %s", sqlite3_errmsg(st->db));
	store_ledger_rolledback(st);
}

int
sqlite_store_in_batch(struct sqlite_store *st)
{
	return st->batch;
}

enum store_status
sqlite_store_enroll(struct sqlite_store *st, const unsigned char hash[STORE_HASH_LEN],
    time_t now, struct store_agent *agent, struct store_token *token)
{
	enum store_status	res;

	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	res = store_token_use_locked(st, hash, STORE_ROLE_BIT(ROLE_ENROLL), now,
	    token);
	if (res == STORE_OK) {
		snprintf(agent->token_id, sizeof(agent->token_id), "%s",
		    token->id);
		res = sqlite_store_agent_add(st, agent);
	}
	return store_atomic_end(st, res);
}

/* A cached statement, reset and ready for binding. */
sqlite3_stmt *
store_stmt(struct sqlite_store *st, enum store_stmt which)
{
	if (st->stmt[which] == NULL &&
	    sqlite3_prepare_v3(st->db, stmt_sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &st->stmt[which], NULL) != SQLITE_OK) {
		log_warnx("store: preparing: %s", sqlite3_errmsg(st->db));
		return NULL;
	}
	sqlite3_reset(st->stmt[which]);
	sqlite3_clear_bindings(st->stmt[which]);
	return st->stmt[which];
}

sqlite3_stmt *
store_prepared(struct sqlite_store *st, const char *sql)
{
	sqlite3_stmt	*s;
	size_t		 i;

	for (i = 0; i < st->nprepared; i++)
		if (st->prepared[i].sql == sql) {
			s = st->prepared[i].s;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	if (st->nprepared == STORE_PREPARED_MAX)
		fatalx("store: more than %d statements to keep prepared",
		    STORE_PREPARED_MAX);
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK)
		return NULL;
	st->prepared[st->nprepared].sql = sql;
	st->prepared[st->nprepared++].s = s;
	return s;
}

/* Step a cached statement that returns no rows. */
int
store_stmt_done(struct sqlite_store *st, sqlite3_stmt *s)
{
	int	rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	log_warnx("store: %s", sqlite3_errmsg(st->db));
	return rc == SQLITE_CONSTRAINT ? 1 : -1;
}

enum store_status
sqlite_store_evidence_find(struct sqlite_store *st, const char *agent_id, int64_t seq,
    struct store_receipt *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, S_EV_FIND)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, seq);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		out->evidence_id = sqlite3_column_int64(s, 0);
		out->seq = sqlite3_column_int64(s, 1);
		store_copy(out->digest, sizeof(out->digest),
		    sqlite3_column_text(s, 2));
		out->leaf_index = sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st,
	    "evidence_find");
}

static enum store_status
store_evidence_add_locked(struct sqlite_store *st, const struct store_evidence *ev,
    struct store_receipt *out)
{
	const struct store_section	*sec;
	sqlite3_stmt			*s;
	size_t				 i;
	int				 rc;

	if ((s = store_stmt(st, S_EV_ADD)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, ev->agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ev->seq);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)ev->received_at);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)ev->collected_at);
	sqlite3_bind_text(s, 5, ev->digest, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 6, ev->envelope, ev->envelope_len,
	    SQLITE_STATIC);
	if ((rc = store_stmt_done(st, s)) != 0)
		return rc == 1 ? STORE_EXISTS : STORE_ERROR;
	out->evidence_id = sqlite3_last_insert_rowid(st->db);
	out->seq = ev->seq;
	snprintf(out->digest, sizeof(out->digest), "%s", ev->digest);
	/* The leaf goes in with the row: no stored envelope without one. */
	if (store_ledger_append(st, out->evidence_id, ev->digest,
	    &out->leaf_index) != STORE_OK)
		return STORE_ERROR;

	for (i = 0; i < ev->nsections; i++) {
		sec = &ev->sections[i];
		if (sec->body != NULL) {
			if ((s = store_stmt(st, S_SEC_ADD)) == NULL)
				return STORE_ERROR;
			sqlite3_bind_text(s, 1, sec->digest, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, sec->name, -1, SQLITE_STATIC);
			sqlite3_bind_blob64(s, 3, sec->body, sec->len,
			    SQLITE_STATIC);
			if (store_stmt_done(st, s) != 0)
				return STORE_ERROR;
		}
		if ((s = store_stmt(st, S_ES_ADD)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(s, 1, out->evidence_id);
		sqlite3_bind_text(s, 2, sec->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, sec->digest, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 4, sec->body == NULL);
		if (store_stmt_done(st, s) != 0)
			return STORE_ERROR;
	}

	if ((s = store_stmt(st, S_HOST_SEEN)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, ev->machine_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ev->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)ev->received_at);
	sqlite3_bind_text(s, 4, ev->agent_id, -1, SQLITE_STATIC);
	return store_stmt_done(st, s) == 0 ? STORE_OK : STORE_ERROR;
}

/*
 * Inside a batch, without a savepoint: a savepoint keeps a copy of every
 * page the operation changes, and for the dozen pages an envelope touches
 * that cost more than the inserts themselves.  The first statement either
 * inserts or changes nothing (a replay: STORE_EXISTS); any other failure
 * spoils the batch, which its commit then rolls back whole.  Its requests
 * are refused with 503 and their agents send them again.
 */
enum store_status
sqlite_store_evidence_add(struct sqlite_store *st, const struct store_evidence *ev,
    struct store_receipt *out)
{
	enum store_status	res;

	if (st->batch) {
		res = store_evidence_add_locked(st, ev, out);
		if (res != STORE_OK && res != STORE_EXISTS)
			st->spoiled = 1;
		return res;
	}
	if (store_atomic_begin(st) == -1)
		return STORE_ERROR;
	return store_atomic_end(st, store_evidence_add_locked(st, ev, out));
}

enum store_status
sqlite_store_section_known(struct sqlite_store *st, const char *agent_id, const char *name,
    const char *digest)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, S_SEC_KNOWN)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, agent_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st,
	    "section_known");
}

/* The one blob column a query on one digest returns, allocated and
 * NUL-terminated: STORE_OK or STORE_NOT_FOUND. */
enum store_status
store_blob_get(struct sqlite_store *st, const char *sql, const char *digest,
    char **body, size_t *len, const char *what)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepared(st, sql)) == NULL)
		return store_fail(st, what);
	sqlite3_bind_text(s, 1, digest, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(s, 0);
		*body = xmalloc(*len + 1);
		memcpy(*body, sqlite3_column_blob(s, 0), *len);
		(*body)[*len] = '\0';
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st, what);
}

enum store_status
sqlite_store_section_get(struct sqlite_store *st, const char *digest, char **body,
    size_t *len)
{
	return store_blob_get(st, "SELECT body FROM sections WHERE digest = ?",
	    digest, body, len, "section_get");
}

enum store_status
sqlite_store_security_event(struct sqlite_store *st, time_t at, const char *agent_id,
    const char *kind, const char *peer, const char *detail)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO security_events (at, "
	    "agent_id, kind, peer, detail) VALUES (?, ?, ?, ?, ?)", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "security_event");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)at);
	sqlite3_bind_text(s, 2, agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, peer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st,
	    "security_event");
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
store_evidence_row(sqlite3_stmt *s, struct store_evidence_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	store_copy(r->agent_id, sizeof(r->agent_id), sqlite3_column_text(s, 1));
	store_copy(r->hostname, sizeof(r->hostname), sqlite3_column_text(s, 2));
	r->seq = sqlite3_column_int64(s, 3);
	r->received_at = (time_t)sqlite3_column_int64(s, 4);
	r->collected_at = (time_t)sqlite3_column_int64(s, 5);
	store_copy(r->digest, sizeof(r->digest), sqlite3_column_text(s, 6));
	r->envelope_len = (size_t)sqlite3_column_int64(s, 7);
	r->nsections = sqlite3_column_int(s, 8);
	r->nreferences = sqlite3_column_int(s, 9);
}

enum store_status
sqlite_store_evidence_list(struct sqlite_store *st, const char *agent_id, size_t limit,
    struct store_evidence_row **out, size_t *count)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	*out = NULL;
	*count = 0;
	if (sqlite3_prepare_v2(st->db, EVIDENCE_ROW_SQL EVIDENCE_FROM_SQL
	    "WHERE ?1 IS NULL OR "
	    "e.agent_id = ?1 ORDER BY e.id DESC LIMIT ?2", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "evidence_list");
	sqlite3_bind_text(s, 1, agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, limit == 0 ? -1 : (sqlite3_int64)limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xgrowarray(*out, n, sizeof(**out));
		store_evidence_row(s, &(*out)[n++]);
	}
	sqlite3_finalize(s);
	*count = n;
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "evidence_list");
}

enum store_status
sqlite_store_evidence_get(struct sqlite_store *st, int64_t id,
    struct store_evidence_row *row, char **envelope, size_t *len)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, EVIDENCE_ROW_SQL ", e.envelope"
	    EVIDENCE_FROM_SQL "WHERE e.id = ?1", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "evidence_get");
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_evidence_row(s, row);
		*len = (size_t)sqlite3_column_bytes(s, 10);
		*envelope = xmalloc(*len + 1);
		memcpy(*envelope, sqlite3_column_blob(s, 10), *len);
		(*envelope)[*len] = '\0';
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st,
	    "evidence_get");
}

/* After each commit: the pages now in the log, for sqlite_store_sync(). */
static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct sqlite_store	*st = arg;

	(void)db;
	(void)name;
	__atomic_store_n(&st->wal_frames, frames, __ATOMIC_RELAXED);
	return SQLITE_OK;
}

/* Stores made before 16 KiB pages keep their 4 KiB. */
static int
store_page_size(struct sqlite_store *st)
{
	sqlite3_stmt	*s;
	int		 n = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA page_size", -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	return n >= 512 ? n : 4096;
}

enum store_status
sqlite_store_defer_sync(struct sqlite_store *st)
{
	char	*wal;
	int	 rc;

	/* NORMAL in WAL mode: a commit appends to the log without fsync.
	 * The log is made durable by sqlite_store_sync(), checkpoints by the
	 * second connection there. */
	if (store_exec(st, "PRAGMA synchronous = NORMAL") == -1)
		return STORE_ERROR;
	/* Replaces the automatic checkpoint, which would run here. */
	st->ckpt_frames = STORE_CHECKPOINT_BYTES / store_page_size(st);
	/* A burst leaves the log long; when it starts over, the file is
	 * cut back to what a checkpoint interval writes. */
	wal = xasprintf("PRAGMA journal_size_limit = %d",
	    STORE_CHECKPOINT_BYTES);
	rc = store_exec(st, wal);
	free(wal);
	if (rc == -1)
		return STORE_ERROR;
	sqlite3_wal_hook(st->db, store_wal_hook, st);
	wal = xasprintf("%s-wal", st->path);
	st->walfd = open(wal, O_RDONLY | O_CLOEXEC);
	if (st->walfd == -1)
		log_warn("store: %s", wal);
	free(wal);
	if (st->walfd == -1)
		return STORE_ERROR;
	if (sqlite3_open_v2(st->path, &st->ckpt, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("store: %s: %s", st->path, st->ckpt ?
		    sqlite3_errmsg(st->ckpt) : "cannot open");
		return STORE_ERROR;
	}
	sqlite3_busy_timeout(st->ckpt, 1000);
	/* A connection learns that the database is in WAL mode when it
	 * first reads it; until then sqlite3_wal_checkpoint_v2() on it
	 * returns SQLITE_OK having done nothing, and the log grows for as
	 * long as the daemon runs. */
	if (sqlite3_exec(st->ckpt, "SELECT count(*) FROM sqlite_master",
	    NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("store: %s: %s", st->path, sqlite3_errmsg(st->ckpt));
		return STORE_ERROR;
	}
	return STORE_OK;
}

void
sqlite_store_restart_log(struct sqlite_store *st)
{
	int	frames = __atomic_load_n(&st->wal_frames, __ATOMIC_RELAXED);

	if (frames < st->ckpt_frames)
		st->restart_next = 0;	/* it started over */
	if (st->ckpt == NULL || st->batch || frames < 2 * st->ckpt_frames ||
	    frames < st->restart_next)
		return;
	/* A reader of an old snapshot (an export) can keep the log from
	 * starting over; then try again only once it grew by an interval,
	 * not after every batch. */
	st->restart_next = frames + st->ckpt_frames;
	if (sqlite3_wal_checkpoint_v2(st->ckpt, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) != SQLITE_OK)
		log_warnx("store: checkpoint: %s", sqlite3_errmsg(st->ckpt));
}

void
sqlite_store_release_memory(struct sqlite_store *st)
{
	if (!st->batch)
		(void)sqlite3_db_release_memory(st->db);
}

int
sqlite_store_sync(struct sqlite_store *st)
{
	uint64_t	leaves;
	int		log_frames, done;

	/* Read before the fsync: whatever was committed by then is
	 * covered by it. */
	leaves = __atomic_load_n(&st->ledger_committed, __ATOMIC_ACQUIRE);
	/* fsync is per file, whatever descriptor names it: this one makes
	 * every commit appended so far durable. */
	if (fdatasync(st->walfd) == -1) {
		log_warn("store: fdatasync of %s-wal", st->path);
		return -1;
	}
	__atomic_store_n(&st->ledger_durable, leaves, __ATOMIC_RELEASE);
	/* A passive checkpoint runs beside the writer, never blocking it;
	 * the writer restarts the log once it is all copied. */
	if (__atomic_load_n(&st->wal_frames, __ATOMIC_RELAXED) >=
	    st->ckpt_frames && sqlite3_wal_checkpoint_v2(st->ckpt, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &log_frames, &done) != SQLITE_OK)
		log_warnx("store: checkpoint: %s", sqlite3_errmsg(st->ckpt));
	return 0;
}
