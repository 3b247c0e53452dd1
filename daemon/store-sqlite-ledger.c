/*
 * The SQLite store's ledger: leaves, the hashes of complete subtrees, and
 * signed checkpoints.
 *
 * Appending leaf i stores its hash as node (0, i) and then, for as long
 * as the new node is a right child, its parent: node (k, j) covers
 * leaves [j * 2^k, (j + 1) * 2^k), and it completes exactly when its
 * last leaf is appended.  That is one lookup and two rows per leaf on
 * average, at most log n of each.  A root or proof at any size needs
 * only complete subtrees (merkle.c), each one lookup.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "encode.h"
#include "log.h"
#include "merkle.h"
#include "store.h"
#include "store-sqlite-int.h"
#include "xmalloc.h"

static enum store_status
store_ledger_count(struct sqlite_store *st, uint64_t *size)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, S_LEDGER_SIZE)) == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*size = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 :
		    (uint64_t)sqlite3_column_int64(s, 0) + 1;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? STORE_OK : store_fail(st, "ledger_size");
}

enum store_status
sqlite_store_ledger_size(struct sqlite_store *st, uint64_t *size)
{
	return store_ledger_count(st, size);
}

uint64_t
sqlite_store_ledger_durable(struct sqlite_store *st)
{
	return __atomic_load_n(&st->ledger_durable, __ATOMIC_ACQUIRE);
}

uint64_t
sqlite_store_ledger_reads(struct sqlite_store *st)
{
	return st->ledger_reads;
}

/* The one process with the database signs. */
int
sqlite_store_ledger_signer(struct sqlite_store *st)
{
	(void)st;
	return 1;
}

/* Node (level, idx) without counting it as a proof's read. */
static enum store_status
store_ledger_node(struct sqlite_store *st, unsigned level, uint64_t idx,
    merkle_hash out)
{
	sqlite3_stmt		*s;
	enum store_status	 res;
	int			 rc;

	if ((s = store_stmt(st, S_LEDGER_NODE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(s, 1, (int)level);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)idx);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) == MERKLE_HASH_LEN) {
			memcpy(out, sqlite3_column_blob(s, 0), MERKLE_HASH_LEN);
			res = STORE_OK;
		} else {
			log_warnx("store: ledger node (%u, %llu) is damaged",
			    level, (unsigned long long)idx);
			res = STORE_ERROR;
		}
	} else if (rc == SQLITE_DONE)
		res = STORE_NOT_FOUND;
	else
		res = store_fail(st, "ledger_node");
	sqlite3_reset(s);
	return res;
}

static enum store_status
store_ledger_node_add(struct sqlite_store *st, unsigned level, uint64_t idx,
    const merkle_hash h)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, S_LEDGER_NODE_ADD)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(s, 1, (int)level);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)idx);
	sqlite3_bind_blob(s, 3, h, MERKLE_HASH_LEN, SQLITE_STATIC);
	return store_stmt_done(st, s) == 0 ? STORE_OK : STORE_ERROR;
}

enum store_status
store_ledger_append(struct sqlite_store *st, int64_t evidence_id, const char *digest,
    int64_t *index)
{
	sqlite3_stmt		*s;
	unsigned char		 data[MERKLE_HASH_LEN];
	merkle_hash		 h, left;
	enum store_status	 res;
	uint64_t		 size, idx;
	unsigned		 level;

	/* The leaf's data is the envelope's SHA-256, as received. */
	if (strncmp(digest, "sha256:", 7) != 0 || hex_decode(digest + 7,
	    strlen(digest + 7), data, sizeof(data)) == -1) {
		log_warnx("store: ledger: evidence %lld: digest \"%.80s\" is "
		    "not sha256:<hex>", (long long)evidence_id, digest);
		return STORE_ERROR;
	}
	merkle_leaf_hash(data, sizeof(data), h);
	if ((res = store_ledger_count(st, &size)) != STORE_OK)
		return res;
	if ((s = store_stmt(st, S_LEDGER_LEAF_ADD)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)size);
	sqlite3_bind_int64(s, 2, evidence_id);
	if (store_stmt_done(st, s) != 0 ||
	    store_ledger_node_add(st, 0, size, h) != STORE_OK)
		return STORE_ERROR;
	/* Each completed parent: its left sibling is stored already. */
	for (idx = size, level = 0; idx & 1; idx >>= 1, level++) {
		if ((res = store_ledger_node(st, level, idx - 1,
		    left)) != STORE_OK) {
			log_warnx("store: ledger: node (%u, %llu) is missing",
			    level, (unsigned long long)(idx - 1));
			return STORE_ERROR;
		}
		merkle_node_hash(left, h, h);
		if (store_ledger_node_add(st, level + 1, idx >> 1, h) !=
		    STORE_OK)
			return STORE_ERROR;
	}
	st->ledger_dirty = 1;
	*index = (int64_t)size;
	return STORE_OK;
}

void
store_ledger_precommit(struct sqlite_store *st, uint64_t *size)
{
	*size = 0;
	if (st->ledger_dirty && store_ledger_count(st, size) != STORE_OK)
		*size = 0;
}

void
store_ledger_committed(struct sqlite_store *st, uint64_t size)
{
	if (!st->ledger_dirty)
		return;
	st->ledger_dirty = 0;
	/* A failed count above: leave the sizes as they were, which only
	 * delays the next checkpoint. */
	if (size == 0)
		return;
	__atomic_store_n(&st->ledger_committed, size, __ATOMIC_RELEASE);
	/* Without deferred sync the commit itself reached the disk. */
	if (st->walfd == -1)
		__atomic_store_n(&st->ledger_durable, size, __ATOMIC_RELEASE);
}

void
store_ledger_rolledback(struct sqlite_store *st)
{
	st->ledger_dirty = 0;
}

/* Evidence without a leaf: leaves are added in evidence id order, so
 * the rows past the last leaf's. */
#define BEHIND_SQL "WHERE id > (SELECT coalesce(max(evidence_id), 0) " \
	"FROM ledger_leaves)"

/* Whether some evidence lacks its leaf: 1, 0, or -1 (logged).  Without
 * a write lock: most opens (exhibitctl's) need none. */
static int
store_ledger_behind(struct sqlite_store *st)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT EXISTS (SELECT 1 FROM evidence "
	    BEHIND_SQL ")", -1, &s, NULL) != SQLITE_OK) {
		(void)store_fail(st, "ledger_open");
		return -1;
	}
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		rc = sqlite3_column_int(s, 0);
	else
		rc = -1;
	sqlite3_finalize(s);
	if (rc == -1)
		(void)store_fail(st, "ledger_open");
	return rc;
}

int
store_ledger_open(struct sqlite_store *st)
{
	sqlite3_stmt	*s;
	uint64_t	 size;
	int64_t		 index, n = 0;
	int		 rc;

	/* Envelopes stored before schema 5 (or by anything that wrote
	 * evidence without the ledger): appended in the order they were
	 * stored. */
	if ((rc = store_ledger_behind(st)) == -1)
		return -1;
	if (rc == 0) {
		if (store_ledger_count(st, &size) != STORE_OK)
			return -1;
		goto sync;
	}
	if (store_exec(st, "BEGIN IMMEDIATE") == -1)
		return -1;
	if (sqlite3_prepare_v2(st->db, "SELECT id, digest FROM evidence "
	    BEHIND_SQL " ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
		(void)store_fail(st, "ledger_open");
		goto fail;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (store_ledger_append(st, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1), &index) !=
		    STORE_OK)
			break;
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_ROW)
			(void)store_fail(st, "ledger_open");
		goto fail;
	}
	if (store_ledger_count(st, &size) != STORE_OK ||
	    store_exec(st, "COMMIT") == -1)
		goto fail;
	st->ledger_dirty = 0;
	if (n > 0)
		log_info("store: ledger: appended %lld envelope(s) stored "
		    "before it", (long long)n);
sync:
	/*
	 * What an earlier process committed may still be in the page
	 * cache only (with deferred sync it acknowledged nothing of it,
	 * but the leaves are in the tree now): a checkpoint syncs the log
	 * before copying it and the database after, so it is durable
	 * before any checkpoint can sign it.  (Not by fdatasync on a file
	 * of our own: closing any descriptor of the database drops this
	 * process's locks on it.)
	 */
	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) != SQLITE_OK)
		log_warnx("store: checkpoint of %s: %s", st->path,
		    sqlite3_errmsg(st->db));
	st->ledger_committed = st->ledger_durable = size;
	return 0;
fail:
	(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->ledger_dirty = 0;
	return -1;
}

enum store_status
sqlite_store_ledger_subtree(struct sqlite_store *st, uint64_t start, unsigned level,
    merkle_hash out)
{
	if (level > 62 || start % ((uint64_t)1 << level) != 0)
		return STORE_NOT_FOUND;
	st->ledger_reads++;
	return store_ledger_node(st, level, start >> level, out);
}

enum store_status
sqlite_store_ledger_leaf(struct sqlite_store *st, uint64_t index, merkle_hash hash,
    int64_t *evidence_id)
{
	sqlite3_stmt		*s;
	enum store_status	 res;
	int			 rc;

	if ((res = store_ledger_node(st, 0, index, hash)) != STORE_OK)
		return res;
	if (sqlite3_prepare_v2(st->db, "SELECT evidence_id FROM ledger_leaves "
	    "WHERE idx = ?", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "ledger_leaf");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)index);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*evidence_id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(st,
	    "ledger_leaf");
}

/* merkle.c's callback: the stored hash, the store's status kept. */
struct ledger_cb {
	struct sqlite_store		*st;
	enum store_status	 res;
};

static int
store_ledger_cb(void *arg, uint64_t start, unsigned level, merkle_hash out)
{
	struct ledger_cb	*cb = arg;

	cb->res = sqlite_store_ledger_subtree(cb->st, start, level, out);
	if (cb->res == STORE_NOT_FOUND) {
		/* Asked for within the tree's size, so it must be there. */
		log_warnx("store: ledger: subtree (%u, %llu) is missing",
		    level, (unsigned long long)(start >> level));
		cb->res = STORE_ERROR;
	}
	return cb->res == STORE_OK ? 0 : -1;
}

/* The tree holds size leaves: STORE_OK, or STORE_NOT_FOUND. */
static enum store_status
store_ledger_within(struct sqlite_store *st, uint64_t size)
{
	enum store_status	res;
	uint64_t		have;

	if ((res = store_ledger_count(st, &have)) != STORE_OK)
		return res;
	return size <= have ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status
sqlite_store_ledger_root(struct sqlite_store *st, uint64_t size, merkle_hash root)
{
	struct ledger_cb	cb = { st, STORE_OK };
	enum store_status	res;

	if ((res = store_ledger_within(st, size)) != STORE_OK)
		return res;
	if (merkle_root(size, store_ledger_cb, &cb, root) == -1)
		return cb.res != STORE_OK ? cb.res : STORE_ERROR;
	return STORE_OK;
}

enum store_status
sqlite_store_ledger_inclusion(struct sqlite_store *st, uint64_t index, uint64_t size,
    unsigned char *proof, size_t *n)
{
	struct ledger_cb	cb = { st, STORE_OK };
	enum store_status	res;

	*n = 0;
	if (index >= size)
		return STORE_NOT_FOUND;
	if ((res = store_ledger_within(st, size)) != STORE_OK)
		return res;
	if (merkle_inclusion_proof(index, size, store_ledger_cb, &cb, proof,
	    n) == -1)
		return cb.res != STORE_OK ? cb.res : STORE_ERROR;
	return STORE_OK;
}

enum store_status
sqlite_store_ledger_consistency(struct sqlite_store *st, uint64_t from, uint64_t to,
    unsigned char *proof, size_t *n)
{
	struct ledger_cb	cb = { st, STORE_OK };
	enum store_status	res;

	*n = 0;
	if (from > to)
		return STORE_NOT_FOUND;
	if ((res = store_ledger_within(st, to)) != STORE_OK)
		return res;
	if (merkle_consistency_proof(from, to, store_ledger_cb, &cb, proof,
	    n) == -1)
		return cb.res != STORE_OK ? cb.res : STORE_ERROR;
	return STORE_OK;
}

enum store_status
sqlite_store_checkpoint_add(struct sqlite_store *st, const struct store_checkpoint *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO ledger_checkpoints (size, "
	    "root, note, created_at) VALUES (?, ?, ?, ?)", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "checkpoint_add");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)c->size);
	sqlite3_bind_blob(s, 2, c->root, MERKLE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)c->created_at);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT)
		return STORE_EXISTS;
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "checkpoint_add");
}

enum store_status
sqlite_store_checkpoint_latest(struct sqlite_store *st, struct store_checkpoint *c)
{
	sqlite3_stmt		*s;
	enum store_status	 res;
	int			 rc;

	memset(c, 0, sizeof(*c));
	if (sqlite3_prepare_v2(st->db, "SELECT size, root, note, created_at "
	    "FROM ledger_checkpoints ORDER BY size DESC LIMIT 1", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, "checkpoint_latest");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 1) != MERKLE_HASH_LEN) {
			log_warnx("store: the checkpoint of size %lld is "
			    "damaged", (long long)sqlite3_column_int64(s, 0));
			res = STORE_ERROR;
		} else {
			c->size = (uint64_t)sqlite3_column_int64(s, 0);
			memcpy(c->root, sqlite3_column_blob(s, 1),
			    MERKLE_HASH_LEN);
			c->note = xstrdup((const char *)
			    sqlite3_column_text(s, 2));
			c->created_at = (time_t)sqlite3_column_int64(s, 3);
			res = STORE_OK;
		}
	} else if (rc == SQLITE_DONE)
		res = STORE_NOT_FOUND;
	else
		res = store_fail(st, "checkpoint_latest");
	sqlite3_finalize(s);
	return res;
}

void
store_checkpoint_clear(struct store_checkpoint *c)
{
	free(c->note);
	c->note = NULL;
}
