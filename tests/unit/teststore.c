/*
 * Store tests on either backend (teststore.h).  On PostgreSQL each test
 * program has a database of its own, named after it and made afresh
 * when the program first opens a store, so that test programs can run
 * in parallel on one server; its public schema is dropped the first
 * time a test directory opens it, so each test starts empty as with
 * SQLite.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>	/* program_invocation_short_name */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#ifdef HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "teststore.h"
#include "xmalloc.h"

static const char *
test_store_conninfo(void)
{
	const char	*s = getenv("EXHIBIT_TEST_PG");

	return s != NULL && *s != '\0' ? s : NULL;
}

int
test_store_pg(void)
{
	return test_store_conninfo() != NULL;
}

#ifdef HAVE_POSTGRESQL
/* Run sql on a connection of our own to conninfo; *out the first value
 * (optional). */
static int
pg_sql(const char *conninfo, const char *sql, long long *out)
{
	PGconn		*c = PQconnectdb(conninfo);
	PGresult	*r;
	int		 rc = -1;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "test: %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK) {
		rc = 0;
		if (out != NULL)
			*out = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ?
			    strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	} else
		fprintf(stderr, "test: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

/*
 * The connection string of this program's database: EXHIBIT_TEST_PG's
 * with dbname= "ut_" and the program's name (a later keyword overrides
 * an earlier one).  The first call makes the database afresh (through
 * EXHIBIT_TEST_PG's own database: the user may create databases, as on
 * tests/pg/pg-cluster.sh's cluster); NULL when that fails.
 */
static const char *
test_db_conninfo(void)
{
	static char	*conninfo;
	char		*name, *p, *sql;
	int		 rc;

	if (conninfo != NULL)
		return conninfo;
	name = xasprintf("ut_%s", program_invocation_short_name);
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p))
			*p = '_';
	/* Two statements: neither runs in a transaction block. */
	sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	rc = pg_sql(test_store_conninfo(), sql, NULL);
	free(sql);
	if (rc == 0) {
		sql = xasprintf("CREATE DATABASE %s", name);
		rc = pg_sql(test_store_conninfo(), sql, NULL);
		free(sql);
	}
	if (rc == 0)
		conninfo = xasprintf("%s dbname=%s", test_store_conninfo(),
		    name);
	free(name);
	return conninfo;
}
#endif

struct store *
test_store_open(const char *dir, char *err, size_t errlen)
{
	struct store_conf	 sc = { STORE_SQLITE, dir, NULL };
	char			*mark;
	int			 fd;

	if (!test_store_pg())
		return store_open_conf(&sc, err, errlen);
#ifdef HAVE_POSTGRESQL
	/* A mark in the directory: this test has its database already. */
	if (test_db_conninfo() == NULL) {
		snprintf(err, errlen, "cannot create the test database");
		return NULL;
	}
	mark = xasprintf("%s/postgresql", dir);
	if (access(mark, F_OK) == -1) {
		if (pg_sql(test_db_conninfo(), "DROP SCHEMA IF EXISTS public "
		    "CASCADE; CREATE SCHEMA public", NULL) == -1 ||
		    (fd = open(mark, O_WRONLY | O_CREAT, 0600)) == -1) {
			snprintf(err, errlen, "cannot reset the test database");
			free(mark);
			return NULL;
		}
		close(fd);
	}
	free(mark);
	sc.backend = STORE_POSTGRESQL;
	sc.connection = test_db_conninfo();
	return store_open_conf(&sc, err, errlen);
#else
	(void)mark;
	(void)fd;
	snprintf(err, errlen, "EXHIBIT_TEST_PG is set but this build has no "
	    "PostgreSQL");
	return NULL;
#endif
}

static int
sqlite_sql(const char *dir, const char *sql, long long *out)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		*path = xasprintf("%s/exhibit.db", dir);
	int		 rc = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		free(path);
		sqlite3_close(db);
		return -1;
	}
	free(path);
	if (out == NULL) {
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ?
		    0 : -1;
	} else if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW) {
			*out = sqlite3_column_int64(s, 0);
			rc = 0;
		}
		sqlite3_finalize(s);
	}
	if (rc == -1)
		fprintf(stderr, "test: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc;
}

int
test_store_sql(const char *dir, const char *sql)
{
#ifdef HAVE_POSTGRESQL
	if (test_store_pg())
		return test_db_conninfo() == NULL ? -1 :
		    pg_sql(test_db_conninfo(), sql, NULL);
#endif
	return sqlite_sql(dir, sql, NULL);
}

long long
test_store_int(const char *dir, const char *sql)
{
	long long	v = -1;

#ifdef HAVE_POSTGRESQL
	if (test_store_pg())
		return test_db_conninfo() != NULL &&
		    pg_sql(test_db_conninfo(), sql, &v) == 0 ? v : -1;
#endif
	return sqlite_sql(dir, sql, &v) == 0 ? v : -1;
}
