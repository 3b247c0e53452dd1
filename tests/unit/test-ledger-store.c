/*
 * Unit tests for daemon/store-sqlite-ledger.c: leaves appended with the
 * evidence, roots and proofs at many sizes checked against the in-memory
 * tree and merkle_verify_*(), the number of stored hashes each proof
 * reads, rollbacks, durable sizes, the upgrade of a schema-4 database,
 * stored checkpoints, and daemon/ledger.c signing them: consistent ones
 * only, and none once the stored tree no longer extends the last.
 */
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
#include <unistd.h>

#include <event2/event.h>

#include "checkpoint.h"
#include "daemon-conf.h"
#include "digest.h"
#include "keys.h"
#include "ledger.h"
#include "merkle.h"
#include "store.h"
#include "teststore.h"
#include "tmpdir.h"
#include "xmalloc.h"

#define NLEAVES	1000
#define AT(a, i)	((a) + MERKLE_HASH_LEN * (i))

static char	dir[64];

struct fixture {
	struct store	*st;
	unsigned char	 leaves[NLEAVES * MERKLE_HASH_LEN];	/* hashes */
	size_t		 n;
};

static int
setup(void **state)
{
	struct fixture		*f;
	struct store_agent	 a;
	char			 err[256], pem[] = "pem";

	strcpy(dir, "/tmp/test-ledger.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	f = xcalloc(1, sizeof(*f));
	if ((f->st = test_store_open(dir, err, sizeof(err))) == NULL)
		return -1;
	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "ag_test");
	snprintf(a.keyid, sizeof(a.keyid), "00");
	a.pubkey_pem = pem;
	if (store_agent_add(f->st, &a) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_close(f->st);
	free(f);
	return tmpdir_remove(dir);
}

/* Store envelope number seq; its leaf hash is remembered.  A broken one
 * carries a digest the ledger cannot take, which fails the add after its
 * evidence row is written. */
static enum store_status
add_as(struct fixture *f, int64_t seq, int broken, struct store_receipt *r)
{
	struct store_evidence	 ev;
	unsigned char		 md[DIGEST_SHA256_LEN];
	char			 body[64], digest[STORE_DIGEST_LEN];
	enum store_status	 res;

	snprintf(body, sizeof(body), "{\"envelope\":%lld}", (long long)seq);
	memcpy(digest, "sha256:", 7);
	digest_sha256_hex(body, strlen(body), digest + 7);
	if (broken)
		memcpy(digest + 7, "not hex", 8);
	memset(&ev, 0, sizeof(ev));
	ev.agent_id = "ag_test";
	ev.seq = seq;
	ev.received_at = 1000 + seq;
	ev.collected_at = 1000 + seq;
	ev.digest = digest;
	ev.envelope = body;
	ev.envelope_len = strlen(body);
	ev.hostname = "web-1";
	ev.machine_id = "m1";
	res = store_evidence_add(f->st, &ev, r);
	if (res == STORE_OK && (size_t)r->leaf_index < NLEAVES) {
		digest_sha256(body, strlen(body), md);
		merkle_leaf_hash(md, sizeof(md), AT(f->leaves, r->leaf_index));
	}
	return res;
}

static enum store_status
add(struct fixture *f, int64_t seq, struct store_receipt *r)
{
	return add_as(f, seq, 0, r);
}

static void
fill(struct fixture *f, size_t n)
{
	struct store_receipt	r;
	size_t			i;

	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	for (i = f->n; i < n; i++) {
		assert_int_equal(add(f, (int64_t)i + 1, &r), STORE_OK);
		assert_int_equal(r.leaf_index, (int64_t)i);
		if (i % 100 == 99) {
			assert_int_equal(store_batch_commit(f->st), STORE_OK);
			assert_int_equal(store_batch_begin(f->st), STORE_OK);
		}
	}
	assert_int_equal(store_batch_commit(f->st), STORE_OK);
	f->n = n;
}

static unsigned
log2up(uint64_t n)
{
	unsigned	l = 0;

	while (((uint64_t)1 << l) < n)
		l++;
	return l;
}

static const uint64_t	sizes[] = {
	1, 2, 3, 4, 5, 7, 8, 9, 100, 255, 256, 257, 511, 512, 513, 999, 1000,
};
#define NSIZES	(sizeof(sizes) / sizeof(sizes[0]))

static void
test_proofs(void **state)
{
	struct fixture		*f = *state;
	struct store_receipt	 r;
	unsigned char		 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	merkle_hash		 roots[NSIZES], root, h;
	uint64_t		 size, reads, i, j;
	int64_t			 evid;
	size_t			 n, k;

	fill(f, NLEAVES);
	assert_int_equal(store_ledger_size(f->st, &size), STORE_OK);
	assert_int_equal(size, NLEAVES);
	/* Without deferred sync, committed is durable. */
	assert_int_equal(store_ledger_durable(f->st), NLEAVES);

	/* The receipt of a stored envelope names its leaf. */
	assert_int_equal(store_evidence_find(f->st, "ag_test", 42, &r),
	    STORE_OK);
	assert_int_equal(r.leaf_index, 41);
	assert_int_equal(store_ledger_leaf(f->st, 41, h, &evid), STORE_OK);
	assert_memory_equal(h, AT(f->leaves, 41), MERKLE_HASH_LEN);
	assert_int_equal(evid, r.evidence_id);

	for (k = 0; k < NSIZES; k++) {
		size = sizes[k];
		merkle_root_of(f->leaves, (size_t)size, roots[k]);
		reads = store_ledger_reads(f->st);
		assert_int_equal(store_ledger_root(f->st, size, root),
		    STORE_OK);
		assert_memory_equal(root, roots[k], MERKLE_HASH_LEN);
		/* One stored hash per set bit of the size. */
		assert_int_equal(store_ledger_reads(f->st) - reads,
		    __builtin_popcountll(size));
		for (i = 0; i < size; i++) {
			reads = store_ledger_reads(f->st);
			assert_int_equal(store_ledger_inclusion(f->st, i, size,
			    proof, &n), STORE_OK);
			assert_true(store_ledger_reads(f->st) - reads <=
			    2 * log2up(size));
			assert_int_equal(merkle_verify_inclusion(
			    AT(f->leaves, i), i, size, proof, n, roots[k]), 0);
		}
	}
	for (k = 0; k < NSIZES; k++)
		for (j = 0; j <= k; j++) {
			reads = store_ledger_reads(f->st);
			assert_int_equal(store_ledger_consistency(f->st,
			    sizes[j], sizes[k], proof, &n), STORE_OK);
			assert_true(store_ledger_reads(f->st) - reads <=
			    2 * log2up(sizes[k]) + 2);
			assert_int_equal(merkle_verify_consistency(sizes[j],
			    sizes[k], proof, n, roots[j], roots[k]), 0);
		}

	/* Out of range. */
	assert_int_equal(store_ledger_inclusion(f->st, 5, 5, proof, &n),
	    STORE_NOT_FOUND);
	assert_int_equal(store_ledger_inclusion(f->st, 0, NLEAVES + 1, proof,
	    &n), STORE_NOT_FOUND);
	assert_int_equal(store_ledger_consistency(f->st, 9, 8, proof, &n),
	    STORE_NOT_FOUND);
	assert_int_equal(store_ledger_consistency(f->st, 1, NLEAVES + 1, proof,
	    &n), STORE_NOT_FOUND);
	assert_int_equal(store_ledger_root(f->st, NLEAVES + 1, root),
	    STORE_NOT_FOUND);
	assert_int_equal(store_ledger_subtree(f->st, 3, 1, h),
	    STORE_NOT_FOUND);
	assert_int_equal(store_ledger_subtree(f->st, 512, 9, h),
	    STORE_NOT_FOUND);	/* [512, 1024) is not complete */
	assert_int_equal(store_ledger_subtree(f->st, 0, 9, h), STORE_OK);
}

/* A write that is undone takes its leaf with it; the next envelope gets
 * the same index. */
static void
test_rollback(void **state)
{
	struct fixture		*f = *state;
	struct store_receipt	 r;
	merkle_hash		 root1, root2;
	uint64_t		 size;

	fill(f, 5);
	assert_int_equal(store_ledger_root(f->st, 5, root1), STORE_OK);
	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	assert_int_equal(add(f, 6, &r), STORE_OK);
	assert_int_equal(r.leaf_index, 5);
	store_batch_rollback(f->st);
	assert_int_equal(store_ledger_size(f->st, &size), STORE_OK);
	assert_int_equal(size, 5);
	assert_int_equal(store_ledger_durable(f->st), 5);

	/* A refused document in a batch (its seq is taken) leaves no leaf,
	 * and the others commit. */
	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	assert_int_equal(add(f, 3, &r), STORE_EXISTS);
	assert_int_equal(add(f, 7, &r), STORE_OK);
	assert_int_equal(r.leaf_index, 5);
	assert_int_equal(store_batch_commit(f->st), STORE_OK);
	assert_int_equal(store_ledger_size(f->st, &size), STORE_OK);
	assert_int_equal(size, 6);
	assert_int_equal(store_ledger_root(f->st, 5, root2), STORE_OK);
	assert_memory_equal(root1, root2, MERKLE_HASH_LEN);
}

/* An add that fails halfway leaves no half of itself.  SQLite adds
 * without a savepoint, so the failure spoils the batch and its commit
 * undoes it all; PostgreSQL undoes the one add. */
static void
test_failed_add(void **state)
{
	struct fixture		*f = *state;
	struct store_receipt	 r, found;
	uint64_t		 size;
	int			 pg = test_store_pg();

	fill(f, 3);
	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	assert_int_equal(add(f, 4, &r), STORE_OK);
	assert_int_equal(add_as(f, 5, 1, &r), STORE_ERROR);
	assert_int_equal(store_batch_commit(f->st),
	    pg ? STORE_OK : STORE_ERROR);
	assert_int_equal(store_evidence_find(f->st, "ag_test", 5, &found),
	    STORE_NOT_FOUND);
	assert_int_equal(store_evidence_find(f->st, "ag_test", 4, &found),
	    pg ? STORE_OK : STORE_NOT_FOUND);
	assert_int_equal(store_ledger_size(f->st, &size), STORE_OK);
	assert_int_equal(size, pg ? 4 : 3);

	/* The next batch starts clean. */
	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	assert_int_equal(add(f, 5, &r), STORE_OK);
	assert_int_equal(r.leaf_index, pg ? 4 : 3);
	assert_int_equal(store_batch_commit(f->st), STORE_OK);
	assert_int_equal(store_evidence_find(f->st, "ag_test", 5, &found),
	    STORE_OK);
}

/* With deferred sync a commit counts for checkpoints only once
 * store_sync() made it durable. */
static void
test_durable(void **state)
{
	struct fixture		*f = *state;
	struct store_receipt	 r;

	fill(f, 3);
	assert_int_equal(store_defer_sync(f->st), STORE_OK);
	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	assert_int_equal(add(f, 4, &r), STORE_OK);
	assert_int_equal(store_ledger_durable(f->st), 3);
	assert_int_equal(store_batch_commit(f->st), STORE_OK);
	/* PostgreSQL's COMMIT returns after the WAL flush: durable at
	 * once.  SQLite's waits for store_sync(). */
	assert_int_equal(store_ledger_durable(f->st), test_store_pg() ? 4 : 3);
	assert_int_equal(store_sync(f->st), 0);
	assert_int_equal(store_ledger_durable(f->st), 4);
	/* Outside a batch too. */
	assert_int_equal(add(f, 5, &r), STORE_OK);
	assert_int_equal(store_ledger_durable(f->st), test_store_pg() ? 5 : 4);
	assert_int_equal(store_sync(f->st), 0);
	assert_int_equal(store_ledger_durable(f->st), 5);
}

/* A database from before the ledger: its envelopes become the first
 * leaves, in the order they were stored. */
static void
test_upgrade(void **state)
{
	struct fixture		*f = *state;
	struct store_receipt	 r;
	merkle_hash		 want, root;
	uint64_t		 size;
	char			 err[256];

	/* PostgreSQL's schema had the ledger from its first version. */
	if (test_store_pg())
		skip();
	fill(f, 10);
	merkle_root_of(f->leaves, 10, want);
	store_close(f->st);
	assert_int_equal(test_store_sql(dir, "DROP TABLE ledger_leaves; "
	    "DROP TABLE ledger_nodes; DROP TABLE ledger_checkpoints; "
	    "UPDATE meta SET value = '4' WHERE key = 'schema_version'"), 0);
	f->st = test_store_open(dir, err, sizeof(err));
	assert_non_null(f->st);
	assert_int_equal(store_ledger_size(f->st, &size), STORE_OK);
	assert_int_equal(size, 10);
	assert_int_equal(store_ledger_durable(f->st), 10);
	assert_int_equal(store_ledger_root(f->st, 10, root), STORE_OK);
	assert_memory_equal(root, want, MERKLE_HASH_LEN);
	assert_int_equal(store_evidence_find(f->st, "ag_test", 7, &r),
	    STORE_OK);
	assert_int_equal(r.leaf_index, 6);
	/* And it grows on from there. */
	fill(f, 11);
	merkle_root_of(f->leaves, 11, want);
	assert_int_equal(store_ledger_root(f->st, 11, root), STORE_OK);
	assert_memory_equal(root, want, MERKLE_HASH_LEN);
}

static void
test_checkpoints(void **state)
{
	struct fixture		*f = *state;
	struct store_checkpoint	 c, got;
	char			 n3[] = "note 3\n", n7[] = "note 7\n";

	assert_int_equal(store_checkpoint_latest(f->st, &got),
	    STORE_NOT_FOUND);
	memset(&c, 0, sizeof(c));
	c.size = 3;
	memset(c.root, 3, sizeof(c.root));
	c.note = n3;
	c.created_at = 1000;
	assert_int_equal(store_checkpoint_add(f->st, &c), STORE_OK);
	assert_int_equal(store_checkpoint_add(f->st, &c), STORE_EXISTS);
	c.size = 7;
	c.note = n7;
	assert_int_equal(store_checkpoint_add(f->st, &c), STORE_OK);
	assert_int_equal(store_checkpoint_latest(f->st, &got), STORE_OK);
	assert_int_equal(got.size, 7);
	assert_string_equal(got.note, "note 7\n");
	assert_memory_equal(got.root, c.root, MERKLE_HASH_LEN);
	assert_int_equal(got.created_at, 1000);
	store_checkpoint_clear(&got);
}

static void
test_signing(void **state)
{
	struct fixture		*f = *state;
	struct daemon_conf	 dc;
	struct event_base	*base;
	struct ledger		*l;
	struct store_checkpoint	 c;
	struct checkpoint	 cp;
	EVP_PKEY		*key = keys_generate();
	merkle_hash		 want;
	char			*path, err[256];

	path = xasprintf("%s/ledger.key", dir);
	assert_int_equal(keys_save_private(path, key), 0);
	free(path);
	memset(&dc, 0, sizeof(dc));
	daemon_conf_defaults(&dc);
	free(dc.state_dir);
	dc.state_dir = xstrdup(dir);
	assert_non_null(base = event_base_new());
	assert_non_null(l = ledger_new(base, f->st, &dc));

	/* The first checkpoint, and it verifies with the key. */
	fill(f, 10);
	assert_int_equal(ledger_checkpoint(l, 1, &c), 0);
	assert_int_equal(c.size, 10);
	merkle_root_of(f->leaves, 10, want);
	assert_memory_equal(c.root, want, MERKLE_HASH_LEN);
	assert_int_equal(checkpoint_verify(c.note, strlen(c.note), key,
	    ledger_origin(l), &cp, err, sizeof(err)), 0);
	assert_string_equal(cp.origin, ledger_origin(l));
	assert_int_equal(cp.size, 10);
	assert_memory_equal(cp.root, want, MERKLE_HASH_LEN);
	store_checkpoint_clear(&c);
	/* Nothing new: the same one, fresh or not. */
	assert_int_equal(ledger_checkpoint(l, 1, &c), 0);
	assert_int_equal(c.size, 10);
	store_checkpoint_clear(&c);
	fill(f, 12);
	assert_int_equal(ledger_checkpoint(l, 0, &c), 0);
	assert_int_equal(c.size, 10);
	store_checkpoint_clear(&c);
	assert_int_equal(ledger_checkpoint(l, 1, &c), 0);
	assert_int_equal(c.size, 12);
	store_checkpoint_clear(&c);

	/* Damage a stored subtree under the signed tree (leaves 0-7): the
	 * next tree does not extend the signed one, and nothing more is
	 * signed. */
	assert_int_equal(test_store_sql(dir, test_store_pg() ?
	    "UPDATE ledger_nodes SET hash = decode(repeat('00', 32), 'hex') "
	    "WHERE level = 3 AND idx = 0" : "UPDATE ledger_nodes SET hash = "
	    "zeroblob(32) WHERE level = 3 AND idx = 0"), 0);
	fill(f, 14);
	assert_int_equal(ledger_checkpoint(l, 1, &c), 0);
	assert_int_equal(c.size, 12);
	store_checkpoint_clear(&c);
	assert_true(ledger_stopped(l));
	fill(f, 16);
	assert_int_equal(ledger_checkpoint(l, 1, &c), 0);
	assert_int_equal(c.size, 12);
	store_checkpoint_clear(&c);

	ledger_free(l);
	event_base_free(base);
	daemon_conf_free(&dc);
	EVP_PKEY_free(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_proofs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failed_add, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_durable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoints, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_signing, setup, teardown),
	};

	return cmocka_run_group_tests_name("ledger-store", tests, NULL, NULL);
}
