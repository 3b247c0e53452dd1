/*
 * RFC 9162 Merkle tree hashing, proofs and their verification.
 *
 * The verifiers are the section 2.1.3.2 and 2.1.4.2 algorithms step by
 * step, on the indexes fn and sn of the RFC; they never index anything
 * by a value from the proof, so no input can make them read out of
 * bounds, and every loop ends after at most n iterations.
 *
 * Every hash goes through one EVP_MD_CTX per call and the implementation
 * digest.c fetched once.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <openssl/evp.h>

#include "digest.h"
#include "log.h"
#include "merkle.h"

static EVP_MD_CTX *
merkle_ctx(void)
{
	EVP_MD_CTX	*ctx;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		fatalx("merkle: EVP_MD_CTX_new failed");
	return ctx;
}

/* SHA-256(prefix || a || b). */
static void
merkle_hash3(EVP_MD_CTX *ctx, unsigned char prefix, const void *a,
    size_t alen, const void *b, size_t blen, merkle_hash out)
{
	unsigned int	len = 0;

	if (EVP_DigestInit_ex2(ctx, digest_sha256_md(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, &prefix, 1) != 1 ||
	    (alen > 0 && EVP_DigestUpdate(ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != MERKLE_HASH_LEN)
		fatalx("merkle: SHA-256 failed");
}

static void
node(EVP_MD_CTX *ctx, const merkle_hash l, const merkle_hash r,
    merkle_hash out)
{
	merkle_hash3(ctx, 0x01, l, MERKLE_HASH_LEN, r, MERKLE_HASH_LEN, out);
}

void
merkle_leaf_hash(const void *data, size_t len, merkle_hash out)
{
	EVP_MD_CTX	*ctx = merkle_ctx();

	merkle_hash3(ctx, 0x00, data, len, NULL, 0, out);
	EVP_MD_CTX_free(ctx);
}

void
merkle_node_hash(const merkle_hash left, const merkle_hash right,
    merkle_hash out)
{
	EVP_MD_CTX	*ctx = merkle_ctx();

	node(ctx, left, right, out);
	EVP_MD_CTX_free(ctx);
}

static void
merkle_empty(merkle_hash out)
{
	unsigned int	len = 0;

	if (EVP_Digest("", 0, out, &len, digest_sha256_md(), NULL) != 1)
		fatalx("merkle: SHA-256 failed");
}

/* The largest power of two smaller than n (n >= 2): the RFC's k. */
static uint64_t
split(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

static int
is_pow2(uint64_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* MTH(D[start:end]) by the RFC's recursion over leaf hashes in memory. */
static void
mth(EVP_MD_CTX *ctx, const unsigned char *leaves, size_t n, merkle_hash out)
{
	merkle_hash	l, r;
	size_t		k;

	if (n == 1) {
		memcpy(out, leaves, MERKLE_HASH_LEN);
		return;
	}
	k = (size_t)split(n);
	mth(ctx, leaves, k, l);
	mth(ctx, leaves + k * MERKLE_HASH_LEN, n - k, r);
	node(ctx, l, r, out);
}

void
merkle_root_of(const unsigned char *leaves, size_t n, merkle_hash out)
{
	EVP_MD_CTX	*ctx;

	if (n == 0) {
		merkle_empty(out);
		return;
	}
	ctx = merkle_ctx();
	mth(ctx, leaves, n, out);
	EVP_MD_CTX_free(ctx);
}

/* What the proof builders carry through their recursion. */
struct builder {
	EVP_MD_CTX		*ctx;
	merkle_subtree_fn	 fn;
	void			*arg;
	unsigned char		*proof;
	size_t			 n;
};

/*
 * MTH(D[start:end]), end > start.  Every range the RFC's recursions
 * reach starts at a multiple of its own largest power of two, so its
 * left part is a complete subtree (one callback) and only the right
 * edge recurses: at most one callback per bit of end - start.
 */
static int
range_hash(struct builder *b, uint64_t start, uint64_t end, merkle_hash out)
{
	merkle_hash	l, r;
	uint64_t	n = end - start, k;

	if (is_pow2(n))
		return b->fn(b->arg, start, (unsigned)__builtin_ctzll(n), out);
	k = (uint64_t)1 << (63 - __builtin_clzll(n));
	if (b->fn(b->arg, start, (unsigned)__builtin_ctzll(k), l) == -1 ||
	    range_hash(b, start + k, end, r) == -1)
		return -1;
	node(b->ctx, l, r, out);
	return 0;
}

static int
append(struct builder *b, uint64_t start, uint64_t end)
{
	if (b->n == MERKLE_MAX_PROOF)
		return -1;
	return range_hash(b, start, end, b->proof + MERKLE_HASH_LEN * b->n++);
}

int
merkle_root(uint64_t size, merkle_subtree_fn fn, void *arg, merkle_hash out)
{
	struct builder	b = { NULL, fn, arg, NULL, 0 };
	int		rc;

	if (size == 0) {
		merkle_empty(out);
		return 0;
	}
	b.ctx = merkle_ctx();
	rc = range_hash(&b, 0, size, out);
	EVP_MD_CTX_free(b.ctx);
	return rc;
}

/* PATH(m, D[start:end]) of RFC 9162 2.1.3.1, leaf end first. */
static int
path(struct builder *b, uint64_t m, uint64_t start, uint64_t end)
{
	uint64_t	k;

	if (end - start == 1)
		return 0;
	k = split(end - start);
	if (m < start + k)
		return path(b, m, start, start + k) == -1 ? -1 :
		    append(b, start + k, end);
	return path(b, m, start + k, end) == -1 ? -1 :
	    append(b, start, start + k);
}

/* SUBPROOF(m, D[start:end], whole) of 2.1.4.1; m is an absolute size. */
static int
subproof(struct builder *b, uint64_t m, uint64_t start, uint64_t end,
    int whole)
{
	uint64_t	k;

	if (m == end)
		return whole ? 0 : append(b, start, end);
	k = split(end - start);
	if (m <= start + k)
		return subproof(b, m, start, start + k, whole) == -1 ? -1 :
		    append(b, start + k, end);
	return subproof(b, m, start + k, end, 0) == -1 ? -1 :
	    append(b, start, start + k);
}

int
merkle_inclusion_proof(uint64_t index, uint64_t size, merkle_subtree_fn fn,
    void *arg, unsigned char *proof, size_t *n)
{
	struct builder	b = { NULL, fn, arg, proof, 0 };
	int		rc;

	*n = 0;
	if (index >= size)
		return -1;
	b.ctx = merkle_ctx();
	rc = path(&b, index, 0, size);
	EVP_MD_CTX_free(b.ctx);
	*n = rc == 0 ? b.n : 0;
	return rc;
}

int
merkle_consistency_proof(uint64_t from, uint64_t to, merkle_subtree_fn fn,
    void *arg, unsigned char *proof, size_t *n)
{
	struct builder	b = { NULL, fn, arg, proof, 0 };
	int		rc;

	*n = 0;
	if (from > to)
		return -1;
	if (from == 0 || from == to)
		return 0;
	b.ctx = merkle_ctx();
	rc = subproof(&b, from, 0, to, 1);
	EVP_MD_CTX_free(b.ctx);
	*n = rc == 0 ? b.n : 0;
	return rc;
}

/* RFC 9162 2.1.3.2 up to the comparison with the root. */
static int
inclusion_root(EVP_MD_CTX *ctx, const merkle_hash leaf_hash, uint64_t index,
    uint64_t size, const unsigned char *proof, size_t n, merkle_hash r)
{
	uint64_t	fn, sn;
	size_t		i;

	/* 1. */
	if (index >= size)
		return -1;
	/* 2., 3. */
	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, MERKLE_HASH_LEN);
	/* 4. */
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			node(ctx, proof + MERKLE_HASH_LEN * i, r, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else
			node(ctx, r, proof + MERKLE_HASH_LEN * i, r);
		fn >>= 1;
		sn >>= 1;
	}
	/* 5., the part about sn. */
	return sn == 0 ? 0 : -1;
}

int
merkle_root_from_inclusion(const merkle_hash leaf_hash, uint64_t index,
    uint64_t size, const unsigned char *proof, size_t n, merkle_hash out)
{
	EVP_MD_CTX	*ctx = merkle_ctx();
	int		 rc;

	rc = inclusion_root(ctx, leaf_hash, index, size, proof, n, out);
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
merkle_verify_inclusion(const merkle_hash leaf_hash, uint64_t index,
    uint64_t size, const unsigned char *proof, size_t n, const merkle_hash root)
{
	merkle_hash	r;

	if (merkle_root_from_inclusion(leaf_hash, index, size, proof, n,
	    r) == -1)
		return -1;
	return memcmp(r, root, MERKLE_HASH_LEN) == 0 ? 0 : -1;
}

/* RFC 9162 2.1.4.2 for 0 < size1 < size2. */
static int
consistency(EVP_MD_CTX *ctx, uint64_t size1, uint64_t size2,
    const unsigned char *proof, size_t n, const merkle_hash root1,
    const merkle_hash root2)
{
	const unsigned char	*c;
	merkle_hash		 fr, sr;
	uint64_t		 fn, sn;
	size_t			 i, first;

	/* 1. */
	if (n == 0)
		return -1;
	/* 2.: the array is root1 followed by the proof; the element at
	 * position i is then proof's i - 1st. */
	first = is_pow2(size1) ? 1 : 0;
	/* 3. */
	fn = size1 - 1;
	sn = size2 - 1;
	/* 4. */
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* 5. */
	c = first ? root1 : proof;
	memcpy(fr, c, MERKLE_HASH_LEN);
	memcpy(sr, c, MERKLE_HASH_LEN);
	/* 6. */
	for (i = 1; i < n + first; i++) {
		c = proof + MERKLE_HASH_LEN * (i - first);
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			node(ctx, c, fr, fr);
			node(ctx, c, sr, sr);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else
			node(ctx, sr, c, sr);
		fn >>= 1;
		sn >>= 1;
	}
	/* 7. */
	if (sn != 0 || memcmp(fr, root1, MERKLE_HASH_LEN) != 0 ||
	    memcmp(sr, root2, MERKLE_HASH_LEN) != 0)
		return -1;
	return 0;
}

int
merkle_verify_consistency(uint64_t size1, uint64_t size2,
    const unsigned char *proof, size_t n, const merkle_hash root1,
    const merkle_hash root2)
{
	EVP_MD_CTX	*ctx;
	int		 rc;

	if (size1 > size2)
		return -1;
	/* Not covered by 2.1.4.2, which takes 0 < first < second. */
	if (size1 == size2)
		return n == 0 &&
		    memcmp(root1, root2, MERKLE_HASH_LEN) == 0 ? 0 : -1;
	if (size1 == 0)
		return n == 0 ? 0 : -1;
	ctx = merkle_ctx();
	rc = consistency(ctx, size1, size2, proof, n, root1, root2);
	EVP_MD_CTX_free(ctx);
	return rc;
}
