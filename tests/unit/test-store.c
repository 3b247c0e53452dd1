/* Unit tests for daemon/store-sqlite.c and daemon/token.c. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "store.h"
#include "teststore.h"
#include "token.h"
#include "tmpdir.h"
#include "xmalloc.h"

static char	dir[64];

static int
setup(void **state)
{
	char	err[256];

	strcpy(dir, "/tmp/test-store.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	*state = test_store_open(dir, err, sizeof(err));
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return tmpdir_remove(dir);
}

static struct store_token
new_token(enum store_role role, int64_t uses, time_t expires)
{
	struct store_token	t;

	memset(&t, 0, sizeof(t));
	token_random_id("tk_", 16, t.id, sizeof(t.id));
	t.role = role;
	t.uses_left = uses;
	t.expires_at = expires;
	t.created_at = 1000;
	return t;
}

static void
test_token_text(void **state)
{
	unsigned char	h1[STORE_HASH_LEN], h2[STORE_HASH_LEN];
	char		*text;

	text = token_generate(h1);
	assert_int_equal(strncmp(text, "exh_", 4), 0);
	assert_int_equal(strlen(text), 4 + 43);
	assert_int_equal(token_hash(text, h2), 0);
	assert_memory_equal(h1, h2, sizeof(h1));
	/* Another valid base64 character: another secret, another hash. */
	text[10] = text[10] == 'A' ? 'B' : 'A';
	assert_int_equal(token_hash(text, h2), 0);
	assert_memory_not_equal(h1, h2, sizeof(h1));
	assert_int_equal(token_hash("exh_short", h2), -1);
	assert_int_equal(token_hash("nope_AAAA", h2), -1);
	assert_int_equal(token_hash("", h2), -1);
	free(text);
}

static void
test_token_uses_and_expiry(void **state)
{
	struct store		*st = *state;
	struct store_token	 t, got;
	unsigned char		 hash[STORE_HASH_LEN], other[STORE_HASH_LEN];
	char			*a, *b;

	a = token_generate(hash);
	b = token_generate(other);
	t = new_token(ROLE_ENROLL, 2, 5000);
	assert_int_equal(store_token_add(st, &t, hash), STORE_OK);
	/* Same id again: refused. */
	assert_int_equal(store_token_add(st, &t, other), STORE_EXISTS);

	/* Wrong role: refused, and no use is spent. */
	assert_int_equal(store_token_use(st, hash, ROLE_ADMIN, 2000, &got),
	    STORE_WRONG_ROLE);
	assert_int_equal(store_token_use(st, hash, ROLE_ENROLL, 2000, &got),
	    STORE_OK);
	assert_int_equal(got.uses_left, 1);
	assert_string_equal(got.id, t.id);
	assert_int_equal(store_token_use(st, hash, ROLE_ENROLL, 2000, &got),
	    STORE_OK);
	assert_int_equal(got.uses_left, 0);
	assert_int_equal(store_token_use(st, hash, ROLE_ENROLL, 2000, &got),
	    STORE_USED_UP);
	/* Unknown hash. */
	assert_int_equal(store_token_use(st, other, ROLE_ENROLL, 2000, &got),
	    STORE_NOT_FOUND);

	/* Expiry is checked against the time given. */
	t = new_token(ROLE_ADMIN, -1, 5000);
	assert_int_equal(store_token_add(st, &t, other), STORE_OK);
	assert_int_equal(store_token_use(st, other, ROLE_ADMIN, 4999, &got),
	    STORE_OK);
	assert_int_equal(got.uses_left, -1);	/* unlimited stays so */
	assert_int_equal(store_token_use(st, other, ROLE_ADMIN, 5000, &got),
	    STORE_EXPIRED);

	/* Revoked tokens stop working; revoking twice finds nothing. */
	assert_int_equal(store_token_revoke(st, t.id, 4000), STORE_OK);
	assert_int_equal(store_token_use(st, other, ROLE_ADMIN, 4500, &got),
	    STORE_REVOKED);
	assert_int_equal(store_token_revoke(st, t.id, 4000), STORE_NOT_FOUND);
	assert_int_equal(store_token_revoke(st, "tk_none", 4000),
	    STORE_NOT_FOUND);
	free(a);
	free(b);
}

static void
test_token_list(void **state)
{
	struct store		*st = *state;
	struct store_token	 t, *v;
	unsigned char		 hash[STORE_HASH_LEN];
	size_t			 n;
	char			*s;

	s = token_generate(hash);
	t = new_token(ROLE_AUDITOR, -1, 0);
	snprintf(t.comment, sizeof(t.comment), "external auditor");
	assert_int_equal(store_token_add(st, &t, hash), STORE_OK);
	assert_int_equal(store_token_list(st, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, t.id);
	assert_int_equal(v[0].role, ROLE_AUDITOR);
	assert_string_equal(v[0].comment, "external auditor");
	free(v);
	free(s);
}

static void
test_agents(void **state)
{
	struct store		*st = *state;
	struct store_agent	 a, got, *v;
	size_t			 n;

	memset(&a, 0, sizeof(a));
	token_random_id("ag_", 26, a.id, sizeof(a.id));
	assert_int_equal(strlen(a.id), 29);
	memset(a.keyid, 'a', 64);
	a.pubkey_pem = xstrdup("-----BEGIN PUBLIC KEY-----\n...\n");
	snprintf(a.hostname, sizeof(a.hostname), "web-1");
	snprintf(a.machine_id, sizeof(a.machine_id), "0123");
	a.enrolled_at = 100;
	a.cert_not_after = 700;
	snprintf(a.token_id, sizeof(a.token_id), "tk_x");
	assert_int_equal(store_agent_add(st, &a), STORE_OK);
	/* The same key cannot enroll twice under another id. */
	{
		struct store_agent	b = a;

		token_random_id("ag_", 26, b.id, sizeof(b.id));
		assert_int_equal(store_agent_add(st, &b), STORE_EXISTS);
	}
	assert_int_equal(store_agent_get(st, a.id, &got), STORE_OK);
	assert_string_equal(got.hostname, "web-1");
	assert_string_equal(got.pubkey_pem, a.pubkey_pem);
	assert_int_equal(got.revoked_at, 0);
	store_agent_clear(&got);
	assert_int_equal(store_agent_set_cert(st, a.id, 900), STORE_OK);
	assert_int_equal(store_agent_revoke(st, a.id, 200), STORE_OK);
	assert_int_equal(store_agent_revoke(st, a.id, 300), STORE_NOT_FOUND);
	assert_int_equal(store_agent_get(st, a.id, &got), STORE_OK);
	assert_int_equal(got.revoked_at, 200);
	assert_int_equal(got.cert_not_after, 900);
	store_agent_clear(&got);
	assert_int_equal(store_agent_get(st, "ag_none", &got), STORE_NOT_FOUND);
	assert_int_equal(store_agent_list(st, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	store_agent_list_free(v, n);
	free(a.pubkey_pem);
}

/* An agent's unresolved drift: its own items, not those of a host whose
 * name is its id (the general list takes either), of the kind asked,
 * oldest first; resolved ones left out. */
static void
test_drift_unresolved(void **state)
{
	static const char *const items[][3] = {
		{ "ag_a", "evidence_changed", "sshd" },
		{ "ag_a", "rule_regressed", "LNX-SSH-002" },
		{ "ag_b", "evidence_changed", "sshd" },
		{ "ag_a", "evidence_changed", "packages" },
		{ "ag_h", "evidence_changed", "sshd" },	/* its host: ag_a */
	};
	struct store		*st = *state;
	struct store_agent	 a;
	struct store_drift	 d, *v;
	size_t			 n, i;
	int64_t			 id;
	char			 detail[] = "{}";

	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "ag_h");
	memset(a.keyid, 'b', 64);
	a.pubkey_pem = detail;
	snprintf(a.hostname, sizeof(a.hostname), "ag_a");
	assert_int_equal(store_agent_add(st, &a), STORE_OK);
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		memset(&d, 0, sizeof(d));
		snprintf(d.agent_id, sizeof(d.agent_id), "%s", items[i][0]);
		snprintf(d.kind, sizeof(d.kind), "%s", items[i][1]);
		snprintf(d.subject, sizeof(d.subject), "%s", items[i][2]);
		d.opened_at = 100 + (time_t)i;
		d.detail = detail;
		assert_int_equal(store_drift_open(st, &d), STORE_OK);
	}
	assert_int_equal(store_drift_resolve(st, "ag_a", "evidence_changed",
	    "packages", 200, "back", &id), STORE_OK);

	assert_int_equal(store_drift_unresolved(st, "ag_a", NULL, &v, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].subject, "sshd");
	assert_string_equal(v[1].subject, "LNX-SSH-002");
	assert_string_equal(v[1].kind, "rule_regressed");
	store_drift_list_free(v, n);
	assert_int_equal(store_drift_unresolved(st, "ag_a", "evidence_changed",
	    &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].agent_id, "ag_a");
	assert_string_equal(v[0].subject, "sshd");
	store_drift_list_free(v, n);
	assert_int_equal(store_drift_unresolved(st, "ag_h", NULL, &v, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].hostname, "ag_a");
	store_drift_list_free(v, n);
	assert_int_equal(store_drift_unresolved(st, "ag_none", NULL, &v, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_null(v);
}

static void
test_persistence_and_versions(void **state)
{
	struct store		*st = *state, *again;
	struct store_token	 t, *v;
	unsigned char		 hash[STORE_HASH_LEN];
	char			 err[256], *s;
	size_t			 n;

	s = token_generate(hash);
	t = new_token(ROLE_SECURITY, -1, 0);
	assert_int_equal(store_token_add(st, &t, hash), STORE_OK);
	store_close(st);
	again = test_store_open(dir, err, sizeof(err));
	assert_non_null(again);
	assert_int_equal(store_token_list(again, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(v);
	store_close(again);

	/* A database from a newer exhibitd is refused, not downgraded. */
	assert_int_equal(test_store_sql(dir, "UPDATE meta SET value = '999' "
	    "WHERE key = 'schema_version'"), 0);
	assert_null(test_store_open(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "newer than this exhibitd"));
	free(s);
	*state = NULL;
	/* SQLite's own: a state directory that is not there. */
	assert_null(store_open("/nonexistent/dir", err, sizeof(err)));
}

/* Deferred sync: commits append to the log; store_sync() makes them
 * durable and they are there after reopening. */
/* A scheduled audit starts once: the caller names the last scheduled
 * one it saw, and a second start from the same view (another instance's)
 * starts nothing.  Audits by hand always start. */
static void
test_scheduled_audit_once(void **state)
{
	struct store		*st = *state;
	struct store_audit	 a;
	int64_t			*resolved;
	size_t			 n;
	time_t			 last;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "Scheduled");
	snprintf(a.started_by, sizeof(a.started_by), "schedule");
	a.started_at = 1000;
	a.scheduled = 1;
	a.scheduled_after = 0;
	assert_int_equal(store_audit_start(st, &a, &resolved, &n), STORE_OK);
	free(resolved);
	a.started_at = 1001;
	assert_int_equal(store_audit_start(st, &a, &resolved, &n),
	    STORE_EXISTS);
	assert_null(resolved);
	assert_int_equal(store_audit_last_scheduled(st, &last), STORE_OK);
	assert_int_equal(last, 1000);
	a.scheduled_after = 1000;
	a.started_at = 5000;
	assert_int_equal(store_audit_start(st, &a, &resolved, &n), STORE_OK);
	free(resolved);
	a.scheduled = 0;
	a.scheduled_after = 0;
	assert_int_equal(store_audit_start(st, &a, &resolved, &n), STORE_OK);
	free(resolved);
	assert_int_equal(store_audit_last_scheduled(st, &last), STORE_OK);
	assert_int_equal(last, 5000);
}

static void
test_deferred_sync(void **state)
{
	struct store		*st = *state;
	struct store_agent	 a;
	struct store_token	 t = new_token(ROLE_ENROLL, 1, 0);
	unsigned char		 hash[STORE_HASH_LEN] = { 7 };
	char			 err[256], pem[] = "pem";

	assert_int_equal(store_defer_sync(st), STORE_OK);
	assert_int_equal(store_batch_begin(st), STORE_OK);
	assert_int_equal(store_token_add(st, &t, hash), STORE_OK);
	assert_int_equal(store_batch_commit(st), STORE_OK);
	assert_int_equal(store_sync(st), 0);
	store_close(st);
	*state = st = test_store_open(dir, err, sizeof(err));
	assert_non_null(st);
	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "ag_x");
	snprintf(a.keyid, sizeof(a.keyid), "00");
	a.pubkey_pem = pem;
	assert_int_equal(store_enroll(st, hash, 1000, &a, &t), STORE_OK);
	assert_string_equal(a.token_id, t.id);
	/* Single use: the second enrollment is refused and adds nothing. */
	snprintf(a.id, sizeof(a.id), "ag_y");
	snprintf(a.keyid, sizeof(a.keyid), "01");
	assert_int_equal(store_enroll(st, hash, 1000, &a, &t), STORE_USED_UP);
	assert_int_equal(store_agent_get(st, "ag_y", &a), STORE_NOT_FOUND);
}

static off_t
file_size(const char *path)
{
	struct stat	sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

static void
add_token(struct store *st, unsigned char n)
{
	struct store_token	t = new_token(ROLE_ENROLL, 1, 0);
	unsigned char		hash[STORE_HASH_LEN] = { n };

	assert_int_equal(store_token_add(st, &t, hash), STORE_OK);
}

/* Deferred sync, and mb megabytes in the log from a connection of the
 * test's own that does not checkpoint it (SQLite's automatic checkpoint
 * would). */
static void
defer_with_log(struct store *st, int mb)
{
	char	*sql;

	assert_int_equal(store_defer_sync(st), STORE_OK);
	sql = xasprintf("PRAGMA wal_autocheckpoint = 0; INSERT INTO meta "
	    "VALUES ('test.bulk', hex(zeroblob(%d)))", mb * 500 * 1000);
	assert_int_equal(test_store_sql(dir, sql), 0);
	free(sql);
}

/* Deferred sync checkpoints the log from its own connection: the log's
 * pages reach the database file, so the log can start over.  (That
 * connection once never read the database, so SQLite took it for one
 * not in WAL mode and its checkpoints did nothing.) */
static void
test_deferred_sync_checkpoints(void **state)
{
	struct store	*st = *state;
	char		*db, *wal;

	if (test_store_pg())
		skip();
	/* Over the 16 MiB that calls for a checkpoint. */
	defer_with_log(st, 24);
	db = xasprintf("%s/exhibit.db", dir);
	assert_true(file_size(db) < 8 * 1024 * 1024);
	/* A commit of the store's own tells it how long the log is. */
	assert_int_equal(store_batch_begin(st), STORE_OK);
	add_token(st, 1);
	assert_int_equal(store_batch_commit(st), STORE_OK);
	assert_int_equal(store_sync(st), 0);
	if (file_size(db) < 24 * 1000 * 1000)
		fail_msg("the database file is %lld bytes: the log was not "
		    "checkpointed", (long long)file_size(db));
	/* The next commit starts the log over, and cuts its file back. */
	add_token(st, 2);
	assert_int_equal(store_sync(st), 0);
	wal = xasprintf("%s-wal", db);
	if (file_size(wal) > 16 * 1024 * 1024)
		fail_msg("the log is %lld bytes after it started over",
		    (long long)file_size(wal));
	free(wal);
	free(db);
}

/* Under load without a lull the background checkpoint never catches up
 * with the writer; store_restart_log() lets the log start over. */
static void
test_log_restarts_under_load(void **state)
{
	struct store	*st = *state;
	char		*wal;

	if (test_store_pg())
		skip();
	/* Over twice the checkpoint interval. */
	defer_with_log(st, 40);
	add_token(st, 1);
	assert_int_equal(store_sync(st), 0);
	/* Written while that checkpoint ran: it is behind again. */
	assert_int_equal(test_store_sql(dir, "PRAGMA wal_autocheckpoint = 0;"
	    "UPDATE meta SET value = 'x' WHERE key = 'test.bulk'"), 0);
	add_token(st, 2);
	wal = xasprintf("%s/exhibit.db-wal", dir);
	assert_true(file_size(wal) > 40 * 1000 * 1000);
	store_restart_log(st);
	add_token(st, 3);
	if (file_size(wal) > 16 * 1024 * 1024)
		fail_msg("the log is %lld bytes: it did not start over",
		    (long long)file_size(wal));
	free(wal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_text),
		cmocka_unit_test_setup_teardown(test_token_uses_and_expiry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scheduled_audit_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deferred_sync, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deferred_sync_checkpoints,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_restarts_under_load,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_drift_unresolved, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_persistence_and_versions,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
