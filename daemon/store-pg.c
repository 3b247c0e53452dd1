/*
 * The PostgreSQL store: several exhibitd instances (and exhibitctl) on
 * one database, through libpq.
 *
 * Connection model: one blocking connection per store handle, used by
 * the thread that owns the handle (exhibitd's event loop; exhibitctl's
 * main).  Not non-blocking libpq on the loop: every store.h function
 * returns its answer, so an asynchronous connection would mean turning
 * every caller (ingest, evaluator, drift, alerts, ledger, the read API)
 * into callbacks, for queries that take well under a millisecond on a
 * nearby server.  Not a pool either: the daemon's worker threads never
 * touch the store (they judge and verify), and group commit wants the
 * requests of a batch in one transaction, which is one connection's.
 *
 * Group commit stays: store_batch_begin() opens one transaction, every
 * request of the batch runs in a savepoint inside it, and
 * store_batch_commit() is one COMMIT, which with synchronous_commit on
 * (set for the session) returns only once the commit record is flushed
 * to the server's WAL.  So the batch's replies, sent after the commit,
 * are acknowledged durably; store_defer_sync() and store_sync() have
 * nothing left to do.  The price: the loop waits for that flush, one
 * per batch, where SQLite's fsync runs on the sync thread; requests
 * arriving meanwhile queue and form the next, larger batch.
 *
 * A lost connection is re-established on a thread of its own, started
 * by the next operation outside a transaction: connecting to a server
 * that is down may take as long as the network lets it (no
 * connect_timeout by default), and the loop must go on answering
 * meanwhile, with 503s for what needs the store.  The operation that
 * finds the new connection ready takes it.  A transaction the lost
 * connection was in is lost with it, so the operation (or the batch's
 * COMMIT) fails and nothing of it is acknowledged.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "log.h"
#include "store.h"
#include "store-pg-int.h"
#include "xmalloc.h"

static void
pg_notice(void *arg, const char *msg)
{
	(void)arg;
	log_debug("store: postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
}

/* Settings of every session, after each (re)connection. */
static int
pg_session(struct pg_store *st)
{
	PQsetNoticeProcessor(st->conn, pg_notice, NULL);
	st->signer = 0;		/* a session lock dies with its session */
	return pg_exec(st, "SET synchronous_commit = on; "
	    "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

/* Between attempts to connect while the server is away. */
#define PG_RECONNECT_PAUSE	1	/* seconds */

struct pg_reconnect {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	char		*conninfo;
	PGconn		*conn;		/* made, waiting to be taken */
	char		 error[256];	/* the first failure, for the log */
	int		 running;
	int		 abandoned;	/* the thread frees this when done */
};

static void
pg_reconnect_free(struct pg_reconnect *rc)
{
	PQfinish(rc->conn);
	pthread_mutex_destroy(&rc->lock);
	free(rc->conninfo);
	free(rc);
}

static void *
pg_reconnect_main(void *arg)
{
	struct pg_reconnect	*rc = arg;
	PGconn			*c;

	for (;;) {
		c = PQconnectdb(rc->conninfo);
		pthread_mutex_lock(&rc->lock);
		if (rc->abandoned) {
			pthread_mutex_unlock(&rc->lock);
			PQfinish(c);
			pg_reconnect_free(rc);
			return NULL;
		}
		if (PQstatus(c) == CONNECTION_OK) {
			rc->conn = c;
			rc->running = 0;
			pthread_mutex_unlock(&rc->lock);
			return NULL;
		}
		if (rc->error[0] == '\0')
			snprintf(rc->error, sizeof(rc->error), "%.*s",
			    (int)strcspn(PQerrorMessage(c), "\n"),
			    PQerrorMessage(c));
		pthread_mutex_unlock(&rc->lock);
		PQfinish(c);
		sleep(PG_RECONNECT_PAUSE);
	}
}

/*
 * Done with rc: freed now if its thread has finished, else left to the
 * thread, which may be stuck connecting to a server that does not
 * answer: closing the store must not wait for that.
 */
static void
pg_reconnect_end(struct pg_reconnect *rc)
{
	pthread_mutex_lock(&rc->lock);
	if (rc->running) {
		rc->abandoned = 1;
		pthread_mutex_unlock(&rc->lock);
		pthread_detach(rc->thread);
		return;
	}
	pthread_mutex_unlock(&rc->lock);
	pthread_join(rc->thread, NULL);
	pg_reconnect_free(rc);
}

/* A usable connection: 0, or -1 (logged) while one is being made in the
 * background or when the lost one held a transaction. */
int
pg_ready(struct pg_store *st)
{
	struct pg_reconnect	*rc = st->reconnect;
	PGconn			*c = NULL;

	if (PQstatus(st->conn) == CONNECTION_OK)
		return 0;
	if (st->depth > 0) {
		log_warnx("store: the connection to PostgreSQL was lost in a "
		    "transaction; it is rolled back");
		return -1;
	}
	if (rc == NULL) {
		rc = xcalloc(1, sizeof(*rc));
		rc->conninfo = xstrdup(st->conninfo);
		rc->running = 1;
		pthread_mutex_init(&rc->lock, NULL);
		if (pthread_create(&rc->thread, NULL, pg_reconnect_main, rc) !=
		    0)
			fatalx("store: cannot start a thread to reconnect");
		st->reconnect = rc;
		log_warnx("store: the connection to PostgreSQL was lost; "
		    "reconnecting in the background");
		return -1;
	}
	pthread_mutex_lock(&rc->lock);
	c = rc->conn;
	rc->conn = NULL;
	pthread_mutex_unlock(&rc->lock);
	if (c == NULL)
		return -1;
	if (rc->error[0] != '\0')
		log_warnx("store: reconnecting to PostgreSQL: %s", rc->error);
	pg_reconnect_end(rc);
	st->reconnect = NULL;
	PQfinish(st->conn);
	st->conn = c;
	log_info("store: reconnected to PostgreSQL");
	return pg_session(st);
}

int
pg_exec(struct pg_store *st, const char *sql)
{
	PGresult	*r;
	int		 ok;

	if (pg_ready(st) == -1)
		return -1;
	r = PQexec(st->conn, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		log_warnx("store: %.*s", (int)strcspn(PQerrorMessage(st->conn),
		    "\n"), PQerrorMessage(st->conn));
	PQclear(r);
	return ok ? 0 : -1;
}

int
pg_run(struct pg_store *st, const char *what, const char *sql,
    const struct pg_params *p, PGresult **out)
{
	PGresult	*r;
	const char	*state, *msg;

	if (out != NULL)
		*out = NULL;
	if (pg_ready(st) == -1)
		return -1;
	r = PQexecParams(st->conn, sql, p != NULL ? p->n : 0, NULL,
	    p != NULL ? p->values : NULL, p != NULL ? p->lengths : NULL,
	    p != NULL ? p->formats : NULL, 0);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		if (out != NULL)
			*out = r;
		else
			PQclear(r);
		return 0;
	default:
		break;
	}
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (state != NULL && strcmp(state, "23505") == 0) {
		PQclear(r);
		return 1;
	}
	msg = r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(st->conn);
	log_warnx("store: %s: %.*s", what, (int)strcspn(msg, "\n"), msg);
	PQclear(r);
	return -1;
}

long long
pg_changes(struct pg_store *st, const char *what, const char *sql,
    const struct pg_params *p)
{
	PGresult	*r;
	long long	 n;
	int		 rc;

	if ((rc = pg_run(st, what, sql, p, &r)) != 0) {
		if (rc == 1)
			log_warnx("store: %s: already exists", what);
		return -1;
	}
	n = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return n;
}

struct pg_store *
pg_store_open(const char *conninfo, char *err, size_t errlen)
{
	struct pg_store	*st;

	st = xcalloc(1, sizeof(*st));
	st->conninfo = xstrdup(conninfo);
	st->conn = PQconnectdb(conninfo);
	if (PQstatus(st->conn) != CONNECTION_OK) {
		snprintf(err, errlen, "postgresql: %.*s",
		    (int)strcspn(PQerrorMessage(st->conn), "\n"),
		    PQerrorMessage(st->conn));
		pg_store_close(st);
		return NULL;
	}
	if (pg_session(st) == -1 || pg_migrate(st, err, errlen) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "postgresql: %.*s",
			    (int)strcspn(PQerrorMessage(st->conn), "\n"),
			    PQerrorMessage(st->conn));
		pg_store_close(st);
		return NULL;
	}
	/* Every leaf committed so far is durable. */
	(void)pg_store_ledger_durable(st);
	return st;
}

void
pg_store_close(struct pg_store *st)
{
	if (st == NULL)
		return;
	if (st->batch)
		pg_store_batch_rollback(st);
	if (st->reconnect != NULL)
		pg_reconnect_end(st->reconnect);
	PQfinish(st->conn);
	free(st->conninfo);
	free(st);
}

/* COMMIT the transaction of depth 1, with the ledger's bookkeeping. */
static enum store_status
pg_commit(struct pg_store *st)
{
	uint64_t	size;
	int		rc;

	pg_ledger_precommit(st, &size);
	rc = pg_exec(st, "COMMIT");
	st->depth = 0;
	if (rc == 0) {
		pg_ledger_committed(st, size);
		return STORE_OK;
	}
	st->ledger_dirty = 0;
	if (PQstatus(st->conn) == CONNECTION_OK)
		(void)pg_exec(st, "ROLLBACK");
	return STORE_ERROR;
}

static void
pg_rollback(struct pg_store *st)
{
	st->depth = 0;
	st->ledger_dirty = 0;
	/* A lost connection took the transaction with it. */
	if (PQstatus(st->conn) == CONNECTION_OK && pg_exec(st,
	    "ROLLBACK") == -1)
		log_warnx("store: rollback failed");
}

int
pg_atomic_begin(struct pg_store *st)
{
	if (st->depth > 0) {
		if (pg_exec(st, "SAVEPOINT op") == -1)
			return -1;
	} else if (pg_exec(st, "BEGIN") == -1)
		return -1;
	st->depth++;
	return 0;
}

enum store_status
pg_atomic_end(struct pg_store *st, enum store_status res)
{
	if (st->depth > 1) {
		st->depth--;
		if (res != STORE_OK && pg_exec(st, "ROLLBACK TO op") == -1)
			res = STORE_ERROR;
		if (pg_exec(st, "RELEASE op") == -1)
			res = STORE_ERROR;
		return res;
	}
	if (res == STORE_OK)
		return pg_commit(st);
	pg_rollback(st);
	return res;
}

enum store_status
pg_store_batch_begin(struct pg_store *st)
{
	if (st->batch)
		return STORE_OK;
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	st->batch = 1;
	return STORE_OK;
}

enum store_status
pg_store_batch_commit(struct pg_store *st)
{
	if (!st->batch)
		return STORE_OK;
	st->batch = 0;
	return pg_commit(st);
}

void
pg_store_batch_rollback(struct pg_store *st)
{
	if (!st->batch)
		return;
	st->batch = 0;
	pg_rollback(st);
}

int
pg_store_in_batch(struct pg_store *st)
{
	return st->batch;
}

/* Each COMMIT returned after its WAL flush: nothing is left to sync. */
enum store_status
pg_store_defer_sync(struct pg_store *st)
{
	(void)st;
	return STORE_OK;
}

int
pg_store_sync(struct pg_store *st)
{
	(void)st;
	return 0;
}

/* The server keeps its own log. */
void
pg_store_restart_log(struct pg_store *st)
{
	(void)st;
}

/* The server holds the cache; a connection keeps only its last result. */
void
pg_store_release_memory(struct pg_store *st)
{
	(void)st;
}
