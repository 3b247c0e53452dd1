/*
 * What the PostgreSQL store's files share: the handle, parameters for
 * PQexecParams (values are never pasted into SQL), result accessors, and
 * the helpers that make every store function atomic.  store-pg.c holds
 * the connection, transactions and batches; store-pg-schema.c the
 * migrations; store-pg-ingest.c tokens, agents and evidence;
 * store-pg-rules.c rule sets, results and waivers; store-pg-drift.c
 * audits, baselines, drift items and meta; store-pg-alerts.c the alert
 * outbox; store-pg-ledger.c the ledger; store-pg-metrics.c the counts.
 */
#ifndef EXHIBIT_STORE_PG_INT_H
#define EXHIBIT_STORE_PG_INT_H

#include <libpq-fe.h>

#include "store.h"
#include "store-backend.h"

struct pg_reconnect;

struct pg_store {
	PGconn		*conn;
	char		*conninfo;
	struct pg_reconnect *reconnect;	/* a connection being made */
	int		 batch;		/* a group commit is open */
	int		 depth;		/* transactions and savepoints open */

	/* Ledger sizes: durable is what this connection knows committed
	 * (every COMMIT here waits for the WAL flush); dirty says this
	 * transaction appended. */
	int		 ledger_dirty;
	uint64_t	 ledger_durable;
	uint64_t	 ledger_reads;
	int		 signer;	/* holds the checkpoint signer's lock */
};

/* Advisory lock keys ("exhibit" and a number): migrations, scheduled
 * audits, the checkpoint signer. */
#define PG_LOCK_MIGRATE	"7311418441"
#define PG_LOCK_AUDIT	"7311418442"
#define PG_LOCK_SIGNER	"7311418443"

#define PG_MAXPARAMS	16

struct pg_params {
	int		 n;
	const char	*values[PG_MAXPARAMS];
	int		 lengths[PG_MAXPARAMS];
	int		 formats[PG_MAXPARAMS];
	char		 nums[PG_MAXPARAMS][24];
};

void		 pg_p_init(struct pg_params *);
void		 pg_p_text(struct pg_params *, const char *);	/* NULL: NULL */
void		 pg_p_int(struct pg_params *, int64_t);
void		 pg_p_bin(struct pg_params *, const void *, size_t);
/* A LIMIT: 0 (all) as NULL; the SQL says "LIMIT $n::bigint". */
void		 pg_p_limit(struct pg_params *, size_t);

/* Run sql: 0 with *res (may be NULL: not wanted) holding its rows, 1 for
 * a unique violation (nothing logged: the caller's STORE_EXISTS), -1 for
 * another failure (logged with what). */
int		 pg_run(struct pg_store *, const char *what, const char *sql,
		    const struct pg_params *, PGresult **res);
/* pg_run() for statements whose outcome is rows changed: the count, or
 * -1 (logged; a unique violation too). */
long long	 pg_changes(struct pg_store *, const char *what,
		    const char *sql, const struct pg_params *);
int		 pg_exec(struct pg_store *, const char *sql);
/* A usable connection, reconnecting outside a transaction: 0 or -1. */
int		 pg_ready(struct pg_store *);

/* The one bytea column a query on one text parameter returns
 * (allocated, NUL-terminated): STORE_OK or STORE_NOT_FOUND. */
enum store_status pg_blob_get(struct pg_store *, const char *what,
		    const char *sql, const char *param, char **body,
		    size_t *len);

/* Result accessors: NULL reads as 0 or "". */
int64_t		 pg_int(const PGresult *, int row, int col);
void		 pg_str(char *dst, size_t size, const PGresult *, int row,
		    int col);
char		*pg_strdup(const PGresult *, int row, int col);
/* A bytea column, decoded, allocated and NUL-terminated. */
char		*pg_bytea(const PGresult *, int row, int col, size_t *len);
/* A bytea column of exactly len bytes into out: 0 or -1. */
int		 pg_bytea_fixed(const PGresult *, int row, int col,
		    void *out, size_t len);

/* One store operation, atomic: a transaction of its own, or a savepoint
 * inside the open batch.  A failed statement aborts a PostgreSQL
 * transaction, so every write goes through these. */
int		 pg_atomic_begin(struct pg_store *);
enum store_status pg_atomic_end(struct pg_store *, enum store_status);

/* Migrations (store-pg-schema.c): 0, or -1 with err set. */
int		 pg_migrate(struct pg_store *, char *err, size_t errlen);

/* The ledger (store-pg-ledger.c): append the leaf of the envelope with
 * this digest for evidence_id, inside the caller's transaction. */
enum store_status pg_ledger_append(struct pg_store *, int64_t evidence_id,
		    const char *digest, int64_t *index);
/* Before a COMMIT: the size it will make durable (0: unknown); after
 * it: the bookkeeping. */
void		 pg_ledger_precommit(struct pg_store *, uint64_t *size);
void		 pg_ledger_committed(struct pg_store *, uint64_t size);

#endif
