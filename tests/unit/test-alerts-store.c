/* Unit tests for daemon/store-sqlite-alerts.c: the alert outbox. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "teststore.h"
#include "tmpdir.h"
#include "xmalloc.h"

static char	dir[64];

/* Drift items 1 to 3 to hang entries on (the outbox references them). */
static int
setup(void **state)
{
	struct store	*st;
	char		 err[256];

	strcpy(dir, "/tmp/test-alerts-store.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	if ((st = test_store_open(dir, err, sizeof(err))) == NULL)
		return -1;
	/* Ids 1, 2 and 3, in a fresh table on either backend. */
	if (test_store_sql(dir, "INSERT INTO drift (agent_id, kind, subject, "
	    "state, opened_at, updated_at, audit_id, evidence_id, detail) "
	    "VALUES ('ag_a', 'rule', 'R1', 'open', 100, 100, 0, 0, '{}'), "
	    "('ag_a', 'rule', 'R2', 'open', 100, 100, 0, 0, '{}'), "
	    "('ag_b', 'rule', 'R1', 'open', 100, 100, 0, 0, '{}')") == -1)
		return -1;
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return tmpdir_remove(dir);
}

static enum store_status
add(struct store *st, int64_t drift, const char *event, const char *sink,
    time_t at, int64_t *id)
{
	struct store_alert	a;
	enum store_status	rc;

	memset(&a, 0, sizeof(a));
	a.drift_id = drift;
	snprintf(a.event, sizeof(a.event), "%s", event);
	snprintf(a.sink, sizeof(a.sink), "%s", sink);
	snprintf(a.idempotency_key, sizeof(a.idempotency_key),
	    "drift-%lld-%s-%s", (long long)drift, event, sink);
	a.payload = xasprintf("{\"id\":%lld}", (long long)drift);
	a.created_at = at;
	rc = store_alert_add(st, &a);
	free(a.payload);
	if (id != NULL)
		*id = a.id;
	return rc;
}

static void
test_add_idempotent(void **state)
{
	struct store		*st = *state;
	struct store_alert	*v;
	int64_t			 id1, id2;
	size_t			 n;

	assert_int_equal(add(st, 1, "opened", "webhook", 100, &id1), STORE_OK);
	assert_true(id1 > 0);
	assert_int_equal(add(st, 1, "opened", "webhook", 150, &id2),
	    STORE_EXISTS);
	assert_int_equal(id2, id1);
	/* Another sink, another event: other entries. */
	assert_int_equal(add(st, 1, "opened", "slack", 100, NULL), STORE_OK);
	assert_int_equal(add(st, 1, "resolved", "webhook", 100, NULL),
	    STORE_OK);
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, id1);
	assert_string_equal(v[0].idempotency_key, "drift-1-opened-webhook");
	assert_string_equal(v[0].payload, "{\"id\":1}");
	assert_int_equal(v[0].created_at, 100);
	assert_int_equal(v[0].next_attempt_at, 100);
	assert_int_equal(v[0].attempts, 0);
	assert_int_equal(v[0].delivered_at, 0);
	store_alert_list_free(v, n);

	/* Inside a batch too, and the batch goes on after STORE_EXISTS. */
	assert_int_equal(store_batch_begin(st), STORE_OK);
	assert_int_equal(add(st, 1, "opened", "webhook", 100, NULL),
	    STORE_EXISTS);
	assert_int_equal(add(st, 2, "opened", "webhook", 100, NULL), STORE_OK);
	assert_int_equal(store_batch_commit(st), STORE_OK);
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 4);
	store_alert_list_free(v, n);

	/* No such drift item: refused, nothing added. */
	assert_int_equal(add(st, 99, "opened", "webhook", 100, NULL),
	    STORE_ERROR);
}

static void
test_due_order_and_retry(void **state)
{
	struct store		*st = *state;
	struct store_alert	*v;
	int64_t			 a, b, c;
	time_t			 next;
	size_t			 n;

	assert_int_equal(store_alert_next_due(st, &next), STORE_OK);
	assert_int_equal(next, 0);
	assert_int_equal(add(st, 1, "opened", "webhook", 100, &a), STORE_OK);
	assert_int_equal(add(st, 2, "opened", "webhook", 90, &b), STORE_OK);
	assert_int_equal(add(st, 3, "opened", "webhook", 200, &c), STORE_OK);

	/* Due at 150: a and b, oldest entry first, c not yet. */
	assert_int_equal(store_alert_due(st, 150, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a);
	assert_int_equal(v[1].id, b);
	store_alert_list_free(v, n);
	assert_int_equal(store_alert_due(st, 300, 1, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, a);
	store_alert_list_free(v, n);
	assert_int_equal(store_alert_next_due(st, &next), STORE_OK);
	assert_int_equal(next, 90);

	/* a failed: retried at 400, with its error and one attempt. */
	assert_int_equal(store_alert_retry(st, a, 400, "HTTP 500"), STORE_OK);
	assert_int_equal(store_alert_due(st, 300, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, b);
	assert_int_equal(v[1].id, c);
	store_alert_list_free(v, n);
	assert_int_equal(store_alert_due(st, 400, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, a);
	assert_int_equal(v[0].attempts, 1);
	assert_int_equal(v[0].next_attempt_at, 400);
	assert_string_equal(v[0].last_error, "HTTP 500");
	store_alert_list_free(v, n);

	/* Delivered entries are never due again, nor retried. */
	assert_int_equal(store_alert_delivered(st, b, 310), STORE_OK);
	assert_int_equal(store_alert_delivered(st, c, 320), STORE_OK);
	assert_int_equal(store_alert_delivered(st, c, 330), STORE_NOT_FOUND);
	assert_int_equal(store_alert_retry(st, c, 500, "x"), STORE_NOT_FOUND);
	assert_int_equal(store_alert_retry(st, 12345, 500, "x"),
	    STORE_NOT_FOUND);
	assert_int_equal(store_alert_due(st, 10000, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, a);
	store_alert_list_free(v, n);
	assert_int_equal(store_alert_next_due(st, &next), STORE_OK);
	assert_int_equal(next, 400);

	assert_int_equal(store_alert_delivered(st, a, 410), STORE_OK);
	assert_int_equal(store_alert_due(st, 10000, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(store_alert_next_due(st, &next), STORE_OK);
	assert_int_equal(next, 0);
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].delivered_at, 410);
	assert_int_equal(v[0].attempts, 2);
	assert_string_equal(v[0].last_error, "");
	store_alert_list_free(v, n);
}

static void
test_list(void **state)
{
	struct store		*st = *state;
	struct store_alert	*v;
	int64_t			 id[4];
	size_t			 n;

	assert_int_equal(add(st, 1, "opened", "webhook", 100, &id[0]),
	    STORE_OK);
	assert_int_equal(add(st, 1, "opened", "slack", 100, &id[1]), STORE_OK);
	assert_int_equal(add(st, 2, "opened", "webhook", 100, &id[2]),
	    STORE_OK);
	assert_int_equal(add(st, 3, "opened", "webhook", 100, &id[3]),
	    STORE_OK);
	assert_int_equal(store_alert_delivered(st, id[0], 110), STORE_OK);
	assert_int_equal(store_alert_delivered(st, id[2], 120), STORE_OK);

	/* Undelivered oldest first, then delivered newest first. */
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].id, id[1]);
	assert_int_equal(v[1].id, id[3]);
	assert_int_equal(v[2].id, id[2]);
	assert_int_equal(v[3].id, id[0]);
	assert_string_equal(v[0].sink, "slack");
	assert_string_equal(v[0].event, "opened");
	assert_int_equal(v[0].drift_id, 1);
	store_alert_list_free(v, n);
	assert_int_equal(store_alert_list(st, 0, 3, &v, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[2].id, id[2]);
	store_alert_list_free(v, n);
	assert_int_equal(store_alert_list(st, 1, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, id[1]);
	assert_int_equal(v[1].id, id[3]);
	store_alert_list_free(v, n);
}

/* Claims: on PostgreSQL, of two connections (two instances) one gets an
 * entry, and the lease hides it from both until it ends; SQLite, with
 * one instance, has nothing to claim against. */
static void
test_claim(void **state)
{
	struct store		*st = *state, *other;
	struct store_alert	*v;
	char			 err[256];
	size_t			 n;
	int64_t			 id;

	assert_int_equal(add(st, 1, "opened", "webhook", 100, &id), STORE_OK);
	if (!test_store_pg()) {
		assert_int_equal(store_alert_claim(st, id, 100, 700), STORE_OK);
		assert_int_equal(store_alert_claim(st, id, 100, 700), STORE_OK);
		assert_int_equal(store_alert_due(st, 100, 0, &v, &n), STORE_OK);
		assert_int_equal(n, 1);
		store_alert_list_free(v, n);
		return;
	}
	other = test_store_open(dir, err, sizeof(err));
	assert_non_null(other);
	/* Not due yet: nothing to claim. */
	assert_int_equal(store_alert_claim(other, id, 99, 700),
	    STORE_NOT_FOUND);
	assert_int_equal(store_alert_claim(st, id, 100, 700), STORE_OK);
	assert_int_equal(store_alert_claim(other, id, 100, 700),
	    STORE_NOT_FOUND);
	assert_int_equal(store_alert_due(other, 100, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(v);
	/* The lease over (its holder died): the other takes it. */
	assert_int_equal(store_alert_claim(other, id, 700, 1300), STORE_OK);
	assert_int_equal(store_alert_delivered(other, id, 701), STORE_OK);
	assert_int_equal(store_alert_claim(st, id, 2000, 2600),
	    STORE_NOT_FOUND);
	store_close(other);
}

static void
test_survives_reopen(void **state)
{
	struct store		*st = *state;
	struct store_alert	*v;
	char			 err[256];
	size_t			 n;

	assert_int_equal(add(st, 2, "opened", "webhook", 100, NULL), STORE_OK);
	store_close(st);
	st = test_store_open(dir, err, sizeof(err));
	*state = st;
	assert_non_null(st);
	assert_int_equal(store_alert_due(st, 100, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].idempotency_key, "drift-2-opened-webhook");
	store_alert_list_free(v, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_idempotent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_due_order_and_retry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives_reopen, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
