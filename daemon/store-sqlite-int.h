/*
 * What the SQLite store's files share: the handle, the cache of
 * statements on hot paths, and the helpers that make every store
 * function atomic.  store-sqlite.c holds agents, tokens and evidence;
 * store-sqlite-rules.c rule packs, results and waivers;
 * store-sqlite-ledger.c the ledger's tree and checkpoints.
 */
#ifndef EXHIBIT_STORE_SQLITE_INT_H
#define EXHIBIT_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store.h"
#include "store-backend.h"

/* Statements on the ingest path, prepared once. */
enum store_stmt {
	S_EV_FIND, S_EV_ADD, S_SEC_ADD, S_ES_ADD, S_SEC_KNOWN, S_HOST_SEEN,
	S_AGENT_GET, S_SAVEPOINT, S_RELEASE, S_ROLLBACK_TO,
	S_RESULTS_ADD, S_EVAL_ADD,
	S_LEDGER_SIZE, S_LEDGER_NODE, S_LEDGER_NODE_ADD, S_LEDGER_LEAF_ADD,
	S_BEGIN, S_COMMIT, S_DOC_ENVELOPE, S_DOC_REFS,
	NSTMTS
};

#define STORE_PREPARED_MAX	16

struct sqlite_store {
	sqlite3		*db;
	char		*path;
	int		 batch;		/* a group commit is open */
	int		 spoiled;	/* it may hold half an operation */
	sqlite3_stmt	*stmt[NSTMTS];
	/* store_prepared()'s, by the address of their SQL text. */
	struct {
		const char	*sql;
		sqlite3_stmt	*s;
	}		 prepared[STORE_PREPARED_MAX];
	size_t		 nprepared;

	/* sqlite_store_defer_sync(): the syncing thread's own. */
	int		 walfd;
	sqlite3		*ckpt;		/* a connection for checkpoints */
	int		 wal_frames;	/* set by the writer, read by sync */
	int		 ckpt_frames;	/* checkpoint once the log holds as many */
	int		 restart_next;	/* restart_log: not before as many */

	/* Ledger sizes: committed is set by the writer after each commit
	 * that appended, durable by whoever makes that commit durable
	 * (sqlite_store_sync(), or the commit itself without deferred sync). */
	int		 ledger_dirty;	/* appended since the last commit */
	uint64_t	 ledger_committed;
	uint64_t	 ledger_durable;
	uint64_t	 ledger_reads;
};

/* A cached statement, reset and unbound. */
sqlite3_stmt	*store_stmt(struct sqlite_store *, enum store_stmt);
/* The same for a statement kept beside its function: sql must be a
 * string literal (its address is the key), and the caller resets it
 * instead of finalizing.  For what runs on every document. */
sqlite3_stmt	*store_prepared(struct sqlite_store *, const char *sql);
/* Step a statement that returns no rows: 0, 1 for a constraint (logged),
 * -1 for another failure (logged). */
int		 store_stmt_done(struct sqlite_store *, sqlite3_stmt *);
/* Log the database's error about what; STORE_ERROR. */
enum store_status store_fail(struct sqlite_store *, const char *what);
int		 store_exec(struct sqlite_store *, const char *sql);
/* One store operation, atomic: a transaction of its own, or a savepoint
 * inside the open batch. */
int		 store_atomic_begin(struct sqlite_store *);
enum store_status store_atomic_end(struct sqlite_store *, enum store_status);
void		 store_copy(char *dst, size_t size, const unsigned char *src);
/* The blob a one-parameter query returns (allocated, NUL-terminated):
 * STORE_OK or STORE_NOT_FOUND. */
enum store_status store_blob_get(struct sqlite_store *, const char *sql,
		    const char *param, char **body, size_t *len,
		    const char *what);

/* The ledger (store-sqlite-ledger.c).  Append the leaf of the envelope
 * with this digest ("sha256:<hex>") for evidence_id, inside the caller's
 * transaction. */
enum store_status store_ledger_append(struct sqlite_store *, int64_t evidence_id,
		    const char *digest, int64_t *index);
/* Around every COMMIT: the size about to be committed (before), then
 * the bookkeeping once it was (after); rolled back: forget. */
void		 store_ledger_precommit(struct sqlite_store *, uint64_t *size);
void		 store_ledger_committed(struct sqlite_store *, uint64_t size);
void		 store_ledger_rolledback(struct sqlite_store *);
/* At open: leaves for envelopes stored before the ledger existed, and
 * the sizes as found on disk.  0 or -1 (logged). */
int		 store_ledger_open(struct sqlite_store *);

#endif
