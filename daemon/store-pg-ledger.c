/*
 * The PostgreSQL store's ledger: the same tree as SQLite's (leaves,
 * hashes of complete subtrees, signed checkpoints), shared by every
 * instance.
 *
 * Leaf indices are dense across instances: exhibit_ledger_append() (the
 * schema's) takes the next index from the ledger_head row, whose lock
 * the storing transaction holds until it commits.  Appends from
 * different instances therefore take turns, one transaction at a time;
 * a leaf never gets an index below a leaf still uncommitted elsewhere,
 * so every committed size is a complete prefix of the tree.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "log.h"
#include "merkle.h"
#include "store-pg-int.h"
#include "xmalloc.h"

enum store_status
pg_ledger_append(struct pg_store *st, int64_t evidence_id, const char *digest,
    int64_t *index)
{
	struct pg_params	 p;
	PGresult		*r;
	unsigned char		 data[MERKLE_HASH_LEN];
	merkle_hash		 h;

	/* The leaf's data is the envelope's SHA-256, as received. */
	if (strncmp(digest, "sha256:", 7) != 0 || hex_decode(digest + 7,
	    strlen(digest + 7), data, sizeof(data)) == -1) {
		log_warnx("store: ledger: evidence %lld: digest \"%.80s\" is "
		    "not sha256:<hex>", (long long)evidence_id, digest);
		return STORE_ERROR;
	}
	merkle_leaf_hash(data, sizeof(data), h);
	pg_p_init(&p);
	pg_p_int(&p, evidence_id);
	pg_p_bin(&p, h, MERKLE_HASH_LEN);
	if (pg_run(st, "ledger_append", "SELECT exhibit_ledger_append($1, $2)",
	    &p, &r) != 0)
		return STORE_ERROR;
	*index = pg_int(r, 0, 0);
	PQclear(r);
	st->ledger_dirty = 1;
	return STORE_OK;
}

enum store_status
pg_store_ledger_size(struct pg_store *st, uint64_t *size)
{
	PGresult	*r;

	if (pg_run(st, "ledger_size", "SELECT size FROM ledger_head", NULL,
	    &r) != 0)
		return STORE_ERROR;
	*size = PQntuples(r) == 1 ? (uint64_t)pg_int(r, 0, 0) : 0;
	PQclear(r);
	return STORE_OK;
}

void
pg_ledger_precommit(struct pg_store *st, uint64_t *size)
{
	*size = 0;
	if (st->ledger_dirty && pg_store_ledger_size(st, size) != STORE_OK)
		*size = 0;
}

void
pg_ledger_committed(struct pg_store *st, uint64_t size)
{
	if (!st->ledger_dirty)
		return;
	st->ledger_dirty = 0;
	/* COMMIT returned after the WAL flush: all of it is durable. */
	if (size > st->ledger_durable)
		st->ledger_durable = size;
}

/*
 * Outside a transaction, the committed size as the database has it now
 * (other instances append too); inside one, what this connection last
 * knew, since its own uncommitted leaves must not count.
 */
uint64_t
pg_store_ledger_durable(struct pg_store *st)
{
	uint64_t	size;

	if (st->depth == 0 && pg_store_ledger_size(st, &size) == STORE_OK &&
	    size > st->ledger_durable)
		st->ledger_durable = size;
	return st->ledger_durable;
}

uint64_t
pg_store_ledger_reads(struct pg_store *st)
{
	return st->ledger_reads;
}

/*
 * One instance signs: the holder of a session advisory lock, taken when
 * free and held while its connection lasts.  Any instance serves the
 * newest checkpoint; since all sign sizes of one dense tree, checkpoints
 * would stay consistent even with two signers (and one per size is
 * stored: the second gets STORE_EXISTS), but one signer means one
 * checkpoint per interval, not one per instance.
 */
int
pg_store_ledger_signer(struct pg_store *st)
{
	PGresult	*r;

	if (st->signer || st->depth > 0)
		return st->signer;
	if (pg_run(st, "ledger_signer", "SELECT pg_try_advisory_lock("
	    PG_LOCK_SIGNER ")", NULL, &r) != 0)
		return 0;
	if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
		st->signer = 1;
		log_info("ledger: this instance signs the checkpoints");
	}
	PQclear(r);
	return st->signer;
}

static enum store_status
pg_ledger_node(struct pg_store *st, unsigned level, uint64_t idx,
    merkle_hash out)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	pg_p_init(&p);
	pg_p_int(&p, level);
	pg_p_int(&p, (int64_t)idx);
	if (pg_run(st, "ledger_node", "SELECT hash FROM ledger_nodes WHERE "
	    "level = $1 AND idx = $2", &p, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		if (pg_bytea_fixed(r, 0, 0, out, MERKLE_HASH_LEN) == 0)
			res = STORE_OK;
		else {
			log_warnx("store: ledger node (%u, %llu) is damaged",
			    level, (unsigned long long)idx);
			res = STORE_ERROR;
		}
	}
	PQclear(r);
	return res;
}

enum store_status
pg_store_ledger_subtree(struct pg_store *st, uint64_t start, unsigned level,
    merkle_hash out)
{
	if (level > 62 || start % ((uint64_t)1 << level) != 0)
		return STORE_NOT_FOUND;
	st->ledger_reads++;
	return pg_ledger_node(st, level, start >> level, out);
}

enum store_status
pg_store_ledger_leaf(struct pg_store *st, uint64_t index, merkle_hash hash,
    int64_t *evidence_id)
{
	struct pg_params	 p;
	PGresult		*r;
	enum store_status	 res;

	if ((res = pg_ledger_node(st, 0, index, hash)) != STORE_OK)
		return res;
	pg_p_init(&p);
	pg_p_int(&p, (int64_t)index);
	if (pg_run(st, "ledger_leaf", "SELECT evidence_id FROM ledger_leaves "
	    "WHERE idx = $1", &p, &r) != 0)
		return STORE_ERROR;
	res = STORE_NOT_FOUND;
	if (PQntuples(r) == 1) {
		*evidence_id = pg_int(r, 0, 0);
		res = STORE_OK;
	}
	PQclear(r);
	return res;
}

/* merkle.c's callback: the stored hash, the store's status kept. */
struct ledger_cb {
	struct pg_store		*st;
	enum store_status	 res;
};

static int
pg_ledger_cb(void *arg, uint64_t start, unsigned level, merkle_hash out)
{
	struct ledger_cb	*cb = arg;

	cb->res = pg_store_ledger_subtree(cb->st, start, level, out);
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
pg_ledger_within(struct pg_store *st, uint64_t size)
{
	enum store_status	res;
	uint64_t		have;

	if ((res = pg_store_ledger_size(st, &have)) != STORE_OK)
		return res;
	return size <= have ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status
pg_store_ledger_root(struct pg_store *st, uint64_t size, merkle_hash root)
{
	struct ledger_cb	cb = { st, STORE_OK };
	enum store_status	res;

	if ((res = pg_ledger_within(st, size)) != STORE_OK)
		return res;
	if (merkle_root(size, pg_ledger_cb, &cb, root) == -1)
		return cb.res != STORE_OK ? cb.res : STORE_ERROR;
	return STORE_OK;
}

enum store_status
pg_store_ledger_inclusion(struct pg_store *st, uint64_t index, uint64_t size,
    unsigned char *proof, size_t *n)
{
	struct ledger_cb	cb = { st, STORE_OK };
	enum store_status	res;

	*n = 0;
	if (index >= size)
		return STORE_NOT_FOUND;
	if ((res = pg_ledger_within(st, size)) != STORE_OK)
		return res;
	if (merkle_inclusion_proof(index, size, pg_ledger_cb, &cb, proof,
	    n) == -1)
		return cb.res != STORE_OK ? cb.res : STORE_ERROR;
	return STORE_OK;
}

enum store_status
pg_store_ledger_consistency(struct pg_store *st, uint64_t from, uint64_t to,
    unsigned char *proof, size_t *n)
{
	struct ledger_cb	cb = { st, STORE_OK };
	enum store_status	res;

	*n = 0;
	if (from > to)
		return STORE_NOT_FOUND;
	if ((res = pg_ledger_within(st, to)) != STORE_OK)
		return res;
	if (merkle_consistency_proof(from, to, pg_ledger_cb, &cb, proof,
	    n) == -1)
		return cb.res != STORE_OK ? cb.res : STORE_ERROR;
	return STORE_OK;
}

enum store_status
pg_store_checkpoint_add(struct pg_store *st, const struct store_checkpoint *c)
{
	struct pg_params	p;
	int			rc;

	pg_p_init(&p);
	pg_p_int(&p, (int64_t)c->size);
	pg_p_bin(&p, c->root, MERKLE_HASH_LEN);
	pg_p_text(&p, c->note);
	pg_p_int(&p, c->created_at);
	if (pg_atomic_begin(st) == -1)
		return STORE_ERROR;
	rc = pg_run(st, "checkpoint_add", "INSERT INTO ledger_checkpoints "
	    "(size, root, note, created_at) VALUES ($1, $2, $3, $4)", &p, NULL);
	return pg_atomic_end(st, rc == 0 ? STORE_OK : rc == 1 ? STORE_EXISTS :
	    STORE_ERROR);
}

enum store_status
pg_store_checkpoint_latest(struct pg_store *st, struct store_checkpoint *c)
{
	PGresult		*r;
	enum store_status	 res = STORE_NOT_FOUND;

	memset(c, 0, sizeof(*c));
	if (pg_run(st, "checkpoint_latest", "SELECT size, root, note, "
	    "created_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1",
	    NULL, &r) != 0)
		return STORE_ERROR;
	if (PQntuples(r) == 1) {
		if (pg_bytea_fixed(r, 0, 1, c->root, MERKLE_HASH_LEN) == -1) {
			log_warnx("store: the checkpoint of size %lld is "
			    "damaged", (long long)pg_int(r, 0, 0));
			res = STORE_ERROR;
		} else {
			c->size = (uint64_t)pg_int(r, 0, 0);
			c->note = pg_strdup(r, 0, 2);
			c->created_at = (time_t)pg_int(r, 0, 3);
			res = STORE_OK;
		}
	}
	PQclear(r);
	return res;
}
