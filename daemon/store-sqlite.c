/*
 * The SQLite store: one database file, exhibit.db, in the state
 * directory, in WAL mode with synchronous=FULL so that a committed
 * transaction has reached the disk before anything is acknowledged.
 * The schema carries its version in meta; store_open() applies the
 * migrations a file lacks, each in its own transaction.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "xmalloc.h"

struct store {
	sqlite3	*db;
	char	*path;
};

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

static enum store_status
store_fail(struct store *st, const char *what)
{
	log_warnx("store: %s: %s", what, sqlite3_errmsg(st->db));
	return STORE_ERROR;
}

static int
store_exec(struct store *st, const char *sql)
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
store_schema_version(struct store *st)
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
store_migrate(struct store *st, char *err, size_t errlen)
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

struct store *
store_open(const char *state_dir, char *err, size_t errlen)
{
	struct store	*st;

	st = xcalloc(1, sizeof(*st));
	st->path = xasprintf("%s/exhibit.db", state_dir);
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", st->path,
		    st->db ? sqlite3_errmsg(st->db) : "cannot open");
		store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL for concurrent readers; FULL so a commit is on disk when
	 * sqlite3_step() returns, which is what acknowledgements rely on. */
	if (store_exec(st, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;") == -1 ||
	    store_migrate(st, err, errlen) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: %s", st->path,
			    sqlite3_errmsg(st->db));
		store_close(st);
		return NULL;
	}
	return st;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store: closing %s: %s", st->path,
		    sqlite3_errmsg(st->db));
	free(st->path);
	free(st);
}

static void
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
store_token_add(struct store *st, const struct store_token *t,
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

enum store_status
store_token_use(struct store *st, const unsigned char hash[STORE_HASH_LEN],
    enum store_role role, time_t now, struct store_token *out)
{
	sqlite3_stmt		*s = NULL;
	enum store_status	 res;
	const void		*stored;

	if (store_exec(st, "BEGIN IMMEDIATE") == -1)
		return STORE_ERROR;
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
	else if (out->role != role)
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
	if (store_exec(st, res == STORE_OK ? "COMMIT" : "ROLLBACK") == -1)
		res = STORE_ERROR;
	return res;
}

enum store_status
store_token_revoke(struct store *st, const char *id, time_t now)
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
store_token_list(struct store *st, struct store_token **out, size_t *count)
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

#define AGENT_COLUMNS "id, keyid, pubkey, hostname, machine_id, " \
	"enrolled_at, revoked_at, cert_not_after, token_id"

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
store_agent_add(struct store *st, const struct store_agent *a)
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
store_agent_get(struct store *st, const char *id, struct store_agent *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT " AGENT_COLUMNS " FROM agents "
	    "WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "agent_get");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		store_agent_row(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st,
	    "agent_get");
}

static enum store_status
store_agent_update(struct store *st, const char *sql, const char *id,
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
store_agent_set_cert(struct store *st, const char *id, time_t not_after)
{
	return store_agent_update(st, "UPDATE agents SET cert_not_after = ? "
	    "WHERE id = ?", id, not_after);
}

enum store_status
store_agent_revoke(struct store *st, const char *id, time_t now)
{
	return store_agent_update(st, "UPDATE agents SET revoked_at = ? "
	    "WHERE id = ? AND revoked_at = 0", id, now);
}

enum store_status
store_agent_list(struct store *st, struct store_agent **out, size_t *count)
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
