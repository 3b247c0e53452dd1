/*
 * What the SQLite store's files share: the handle, the cache of
 * statements on hot paths, and the helpers that make every store
 * function atomic.  store-sqlite.c holds agents, tokens and evidence;
 * store-sqlite-rules.c rule packs, results and waivers.
 */
#ifndef EXHIBIT_STORE_SQLITE_INT_H
#define EXHIBIT_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store.h"

/* Statements on the ingest path, prepared once. */
enum store_stmt {
	S_EV_FIND, S_EV_ADD, S_SEC_ADD, S_ES_ADD, S_SEC_KNOWN, S_HOST_SEEN,
	S_AGENT_GET, S_SAVEPOINT, S_RELEASE, S_ROLLBACK_TO,
	S_RESULTS_ADD, S_EVAL_ADD,
	NSTMTS
};

struct store {
	sqlite3		*db;
	char		*path;
	int		 batch;		/* a group commit is open */
	sqlite3_stmt	*stmt[NSTMTS];

	/* store_defer_sync(): the syncing thread's own. */
	int		 walfd;
	sqlite3		*ckpt;		/* a connection for checkpoints */
	int		 wal_frames;	/* set by the writer, read by sync */
};

/* A cached statement, reset and unbound. */
sqlite3_stmt	*store_stmt(struct store *, enum store_stmt);
/* Step a statement that returns no rows: 0, 1 for a constraint (logged),
 * -1 for another failure (logged). */
int		 store_stmt_done(struct store *, sqlite3_stmt *);
/* Log the database's error about what; STORE_ERROR. */
enum store_status store_fail(struct store *, const char *what);
int		 store_exec(struct store *, const char *sql);
/* One store operation, atomic: a transaction of its own, or a savepoint
 * inside the open batch. */
int		 store_atomic_begin(struct store *);
enum store_status store_atomic_end(struct store *, enum store_status);
void		 store_copy(char *dst, size_t size, const unsigned char *src);

#endif
