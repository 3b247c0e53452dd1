/*
 * The store the store tests run against: SQLite in the test's directory,
 * or PostgreSQL when EXHIBIT_TEST_PG holds a libpq connection string
 * (tests/pg/pg-cluster.sh prints one; its user may create databases:
 * each test program works in a database of its own, so that they can
 * run in parallel).  The same tests then check both backends.
 */
#ifndef EXHIBIT_TESTSTORE_H
#define EXHIBIT_TESTSTORE_H

#include <stddef.h>

#include "store.h"

/* 1 when the tests run against PostgreSQL. */
int		 test_store_pg(void);
/* Open the store of dir.  On PostgreSQL the first open for a dir starts
 * from an empty database; later ones (reopening) keep what is there. */
struct store	*test_store_open(const char *dir, char *err, size_t errlen);
/* SQL through a connection of the test's own: 0 or -1. */
int		 test_store_sql(const char *dir, const char *sql);
/* The first column of the first row of sql, -1 when it fails. */
long long	 test_store_int(const char *dir, const char *sql);

#endif
