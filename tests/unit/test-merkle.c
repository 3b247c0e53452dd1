/*
 * Unit tests for common/merkle.c: the RFC 6962 reference vectors in
 * tests/fixtures/merkle/rfc6962-vectors.txt, every corruption of each
 * proof, the edge cases of sizes 0 and equal sizes, and every proof of
 * every tree up to a few dozen leaves against the in-memory tree hash.
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

#include "encode.h"
#include "merkle.h"
#include "xmalloc.h"

#define MAXV	16
#define AT(a, i)	((a) + MERKLE_HASH_LEN * (i))	/* in a flat list */
#define PROOFBUF	(MERKLE_MAX_PROOF * MERKLE_HASH_LEN)

struct proofvec {
	uint64_t	a, b;		/* index and size, or the two sizes */
	unsigned char	p[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	size_t		n;
};

static struct {
	unsigned char	*leaf[MAXV];
	size_t		 leaflen[MAXV];
	size_t		 nleaves;
	merkle_hash	 root[MAXV + 1];	/* by size */
	struct proofvec	 incl[MAXV], cons[MAXV];
	size_t		 nincl, ncons;
} V;

static const merkle_hash some_hash = {
	0xab, 0xac, 0xab, 0xa0, [28] = 0x60, 0x06, 0x1e, 0x00
};
static merkle_hash empty_tree;

static void
hex32(const char *s, merkle_hash out)
{
	assert_int_equal(hex_decode(s, strlen(s), out, MERKLE_HASH_LEN), 0);
}

static void
parse_proof(char *rest, struct proofvec *v)
{
	char	*w, *save = NULL;

	v->a = strtoull(strtok_r(rest, " ", &save), NULL, 10);
	v->b = strtoull(strtok_r(NULL, " ", &save), NULL, 10);
	while ((w = strtok_r(NULL, " ", &save)) != NULL) {
		assert_true(v->n < MERKLE_MAX_PROOF);
		hex32(w, v->p + MERKLE_HASH_LEN * v->n++);
	}
}

static int
load_vectors(void **state)
{
	char	 path[512], line[4096], *nl, *rest;
	FILE	*f;
	size_t	 len;
	int	 size;

	(void)state;
	memset(&V, 0, sizeof(V));
	snprintf(path, sizeof(path), "%s/fixtures/merkle/rfc6962-vectors.txt",
	    TEST_SRCDIR);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "leaf ", 5) == 0) {
			rest = line + 5;
			len = strcmp(rest, "-") == 0 ? 0 : strlen(rest) / 2;
			V.leaf[V.nleaves] = xmalloc(len + 1);
			if (len > 0 && hex_decode(rest, strlen(rest),
			    V.leaf[V.nleaves], len) == -1)
				return -1;
			V.leaflen[V.nleaves++] = len;
		} else if (strncmp(line, "root ", 5) == 0) {
			size = atoi(line + 5);
			if (size < 1 || size > MAXV)
				return -1;
			hex32(strchr(line + 5, ' ') + 1, V.root[size]);
		} else if (strncmp(line, "inclusion ", 10) == 0)
			parse_proof(line + 10, &V.incl[V.nincl++]);
		else if (strncmp(line, "consistency ", 12) == 0)
			parse_proof(line + 12, &V.cons[V.ncons++]);
		else
			return -1;
	}
	fclose(f);
	merkle_root_of(NULL, 0, empty_tree);
	return V.nleaves == 8 && V.nincl == 5 && V.ncons == 5 ? 0 : -1;
}

static int
free_vectors(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < V.nleaves; i++)
		free(V.leaf[i]);
	return 0;
}

/* A tree in memory: complete subtrees hashed from the leaf hashes. */
struct memtree {
	unsigned char	*leaves;
	size_t		 n;
	size_t		 calls;
};

static int
mem_subtree(void *arg, uint64_t start, unsigned level, merkle_hash out)
{
	struct memtree	*t = arg;
	uint64_t	 len = (uint64_t)1 << level;

	t->calls++;
	if (start % len != 0 || start + len > t->n)
		return -1;
	merkle_root_of(t->leaves + MERKLE_HASH_LEN * start, (size_t)len, out);
	return 0;
}

static void
vector_tree(struct memtree *t)
{
	size_t	i;

	t->n = V.nleaves;
	t->calls = 0;
	t->leaves = xcalloc(t->n, MERKLE_HASH_LEN);
	for (i = 0; i < t->n; i++)
		merkle_leaf_hash(V.leaf[i], V.leaflen[i],
		    t->leaves + MERKLE_HASH_LEN * i);
}

static void
test_empty_and_leaf(void **state)
{
	merkle_hash	h, l, r;

	(void)state;
	/* SHA-256 of nothing, and of 0x00 alone. */
	hex32("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    l);
	assert_memory_equal(empty_tree, l, MERKLE_HASH_LEN);
	merkle_leaf_hash("", 0, h);
	hex32("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    l);
	assert_memory_equal(h, l, MERKLE_HASH_LEN);
	assert_int_equal(merkle_root(0, mem_subtree, NULL, h), 0);
	assert_memory_equal(h, empty_tree, MERKLE_HASH_LEN);
	/* Node hashing is ordered. */
	merkle_node_hash(some_hash, empty_tree, l);
	merkle_node_hash(empty_tree, some_hash, r);
	assert_memory_not_equal(l, r, MERKLE_HASH_LEN);
}

static void
test_roots(void **state)
{
	struct memtree	t;
	merkle_hash	h;
	size_t		n;

	(void)state;
	vector_tree(&t);
	for (n = 1; n <= V.nleaves; n++) {
		merkle_root_of(t.leaves, n, h);
		assert_memory_equal(h, V.root[n], MERKLE_HASH_LEN);
		t.n = n;
		assert_int_equal(merkle_root(n, mem_subtree, &t, h), 0);
		assert_memory_equal(h, V.root[n], MERKLE_HASH_LEN);
	}
	free(t.leaves);
}

/* Verify with a proof built from pieces: p[0..n) with extra hashes
 * before and after. */
static int
incl(const merkle_hash leaf, uint64_t index, uint64_t size,
    const unsigned char *pre, size_t npre, const unsigned char *p, size_t n,
    const unsigned char *post, size_t npost, const merkle_hash root)
{
	unsigned char	buf[(MERKLE_MAX_PROOF + 4) * MERKLE_HASH_LEN];

	if (npre > 0)
		memcpy(buf, pre, npre * MERKLE_HASH_LEN);
	if (n > 0)
		memcpy(buf + npre * MERKLE_HASH_LEN, p, n * MERKLE_HASH_LEN);
	if (npost > 0)
		memcpy(buf + (npre + n) * MERKLE_HASH_LEN, post,
		    npost * MERKLE_HASH_LEN);
	return merkle_verify_inclusion(leaf, index, size, buf, npre + n + npost,
	    root);
}

static int
cons(uint64_t size1, uint64_t size2, const unsigned char *pre, size_t npre,
    const unsigned char *p, size_t n, const unsigned char *post, size_t npost,
    const merkle_hash root1, const merkle_hash root2)
{
	unsigned char	buf[(MERKLE_MAX_PROOF + 4) * MERKLE_HASH_LEN];

	if (npre > 0)
		memcpy(buf, pre, npre * MERKLE_HASH_LEN);
	if (n > 0)
		memcpy(buf + npre * MERKLE_HASH_LEN, p, n * MERKLE_HASH_LEN);
	if (npost > 0)
		memcpy(buf + (npre + n) * MERKLE_HASH_LEN, post,
		    npost * MERKLE_HASH_LEN);
	return merkle_verify_consistency(size1, size2, buf, npre + n + npost,
	    root1, root2);
}

static void
test_inclusion_vectors(void **state)
{
	const struct proofvec	*v;
	struct memtree		 t;
	merkle_hash		 leaf, zero = { 0 }, r;
	unsigned char		 got[PROOFBUF], wrong[PROOFBUF + MERKLE_HASH_LEN];
	const unsigned char	*root;
	size_t			 i, j, n;
	uint64_t		 x, s;

	(void)state;
	vector_tree(&t);
	for (i = 0; i < V.nincl; i++) {
		v = &V.incl[i];
		x = v->a;
		s = v->b;
		root = V.root[s];
		memcpy(leaf, AT(t.leaves, x), MERKLE_HASH_LEN);
		/* The proof verifies and is the one the builder makes. */
		assert_int_equal(merkle_verify_inclusion(leaf, x, s, v->p,
		    v->n, root), 0);
		assert_int_equal(merkle_root_from_inclusion(leaf, x, s, v->p,
		    v->n, r), 0);
		assert_memory_equal(r, root, MERKLE_HASH_LEN);
		t.n = (size_t)s;
		assert_int_equal(merkle_inclusion_proof(x, s, mem_subtree, &t,
		    got, &n), 0);
		assert_int_equal(n, v->n);
		assert_memory_equal(got, v->p, n * MERKLE_HASH_LEN);

		/* Wrong index. */
		assert_int_equal(incl(leaf, x - 1, s, NULL, 0, v->p, v->n,
		    NULL, 0, root), -1);
		assert_int_equal(incl(leaf, x + 1, s, NULL, 0, v->p, v->n,
		    NULL, 0, root), -1);
		assert_int_equal(incl(leaf, x ^ 2, s, NULL, 0, v->p, v->n,
		    NULL, 0, root), -1);
		/* Wrong tree size. */
		assert_int_equal(incl(leaf, x, s * 2, NULL, 0, v->p, v->n,
		    NULL, 0, root), -1);
		assert_int_equal(incl(leaf, x, s / 2, NULL, 0, v->p, v->n,
		    NULL, 0, root), -1);
		/* Wrong leaf or root. */
		assert_int_equal(incl(some_hash, x, s, NULL, 0, v->p, v->n,
		    NULL, 0, root), -1);
		assert_int_equal(incl(leaf, x, s, NULL, 0, v->p, v->n, NULL, 0,
		    empty_tree), -1);
		assert_int_equal(incl(leaf, x, s, NULL, 0, v->p, v->n, NULL, 0,
		    some_hash), -1);
		/* Extended at either end. */
		assert_int_equal(incl(leaf, x, s, NULL, 0, v->p, v->n,
		    zero, 1, root), -1);
		assert_int_equal(incl(leaf, x, s, NULL, 0, v->p, v->n,
		    root, 1, root), -1);
		assert_int_equal(incl(leaf, x, s, zero,
		    1, v->p, v->n, NULL, 0, root), -1);
		assert_int_equal(incl(leaf, x, s, root,
		    1, v->p, v->n, NULL, 0, root), -1);
		/* One bit flipped anywhere. */
		for (j = 0; j < v->n; j++) {
			memcpy(wrong, v->p, v->n * MERKLE_HASH_LEN);
			AT(wrong, j)[0] ^= 8;
			assert_int_equal(merkle_verify_inclusion(leaf, x, s,
			    wrong, v->n, root), -1);
			memcpy(wrong, v->p, v->n * MERKLE_HASH_LEN);
			AT(wrong, j)[31] ^= 1;
			assert_int_equal(merkle_verify_inclusion(leaf, x, s,
			    wrong, v->n, root), -1);
		}
		/* Truncated; a component inserted. */
		if (v->n > 0)
			assert_int_equal(merkle_verify_inclusion(leaf, x, s,
			    v->p, v->n - 1, root), -1);
		if (v->n > 1) {
			memcpy(wrong, v->p, MERKLE_HASH_LEN);
			memcpy(AT(wrong, 1), some_hash, MERKLE_HASH_LEN);
			memcpy(AT(wrong, 2), AT(v->p, 1), (v->n - 1) *
			    MERKLE_HASH_LEN);
			assert_int_equal(merkle_verify_inclusion(leaf, x, s,
			    wrong, v->n + 1, root), -1);
		}
	}
	free(t.leaves);
}

static void
test_inclusion_edges(void **state)
{
	static const uint64_t	probes[][2] = {
		{ 0, 0 }, { 0, 1 }, { 1, 0 }, { 2, 1 },
	};
	merkle_hash		h;
	unsigned char		p[PROOFBUF];
	size_t			i, n;

	(void)state;
	/* Nothing is in an empty tree, nor beyond a tree's end. */
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		assert_int_equal(merkle_verify_inclusion(some_hash, probes[i][0],
		    probes[i][1], NULL, 0, empty_tree), -1);
		assert_int_equal(merkle_verify_inclusion(empty_tree,
		    probes[i][0], probes[i][1], NULL, 0, some_hash), -1);
	}
	/* One leaf: the root is the leaf hash, the proof empty. */
	merkle_leaf_hash("data", 4, h);
	assert_int_equal(merkle_verify_inclusion(h, 0, 1, NULL, 0, h), 0);
	assert_int_equal(merkle_verify_inclusion(h, 0, 1, NULL, 0, some_hash),
	    -1);
	assert_int_equal(merkle_verify_inclusion(some_hash, 0, 1, NULL, 0, h),
	    -1);
	/* The largest sizes do not overflow anything. */
	assert_int_equal(merkle_verify_inclusion(h, UINT64_MAX - 1, UINT64_MAX,
	    NULL, 0, h), -1);
	assert_int_equal(merkle_inclusion_proof(5, 5, mem_subtree, NULL, p,
	    &n), -1);
	assert_int_equal(n, 0);
}

static void
test_consistency_vectors(void **state)
{
	const struct proofvec	*v;
	struct memtree		 t;
	unsigned char		 got[PROOFBUF], wrong[PROOFBUF];
	merkle_hash		 zero = { 0 };
	const unsigned char	*r1, *r2;
	uint64_t		 m, s;
	size_t			 i, j, n;

	(void)state;
	vector_tree(&t);
	for (i = 0; i < V.ncons; i++) {
		v = &V.cons[i];
		m = v->a;
		s = v->b;
		r1 = V.root[m];
		r2 = V.root[s];
		assert_int_equal(merkle_verify_consistency(m, s, v->p, v->n,
		    r1, r2), 0);
		t.n = (size_t)s;
		assert_int_equal(merkle_consistency_proof(m, s, mem_subtree, &t,
		    got, &n), 0);
		assert_int_equal(n, v->n);
		assert_memory_equal(got, v->p, n * MERKLE_HASH_LEN);
		if (v->n == 0)
			continue;

		/* Wrong sizes. */
		assert_int_equal(cons(m - 1, s, NULL, 0, v->p, v->n, NULL, 0,
		    r1, r2), -1);
		assert_int_equal(cons(m + 1, s, NULL, 0, v->p, v->n, NULL, 0,
		    r1, r2), -1);
		assert_int_equal(cons(m ^ 2, s, NULL, 0, v->p, v->n, NULL, 0,
		    r1, r2), -1);
		assert_int_equal(cons(m, s * 2, NULL, 0, v->p, v->n, NULL, 0,
		    r1, r2), -1);
		assert_int_equal(cons(m, s / 2, NULL, 0, v->p, v->n, NULL, 0,
		    r1, r2), -1);
		/* Wrong or swapped roots. */
		assert_int_equal(cons(m, s, NULL, 0, v->p, v->n, NULL, 0,
		    some_hash, r2), -1);
		assert_int_equal(cons(m, s, NULL, 0, v->p, v->n, NULL, 0,
		    r1, some_hash), -1);
		assert_int_equal(cons(m, s, NULL, 0, v->p, v->n, NULL, 0,
		    r2, r1), -1);
		/* Empty, extended or truncated proofs. */
		assert_int_equal(cons(m, s, NULL, 0, v->p, 0, NULL, 0, r1, r2),
		    -1);
		assert_int_equal(cons(m, s, NULL, 0, v->p, v->n,
		    zero, 1, r1, r2), -1);
		assert_int_equal(cons(m, s, NULL, 0, v->p, v->n,
		    r1, 1, r1, r2), -1);
		assert_int_equal(cons(m, s, NULL, 0, v->p, v->n,
		    r2, 1, r1, r2), -1);
		assert_int_equal(cons(m, s, zero, 1,
		    v->p, v->n, NULL, 0, r1, r2), -1);
		assert_int_equal(cons(m, s, r1, 1,
		    v->p, v->n, NULL, 0, r1, r2), -1);
		assert_int_equal(cons(m, s, r2, 1,
		    v->p, v->n, NULL, 0, r1, r2), -1);
		assert_int_equal(cons(m, s, v->p, 1, v->p, v->n, NULL, 0,
		    r1, r2), -1);
		assert_int_equal(cons(m, s, NULL, 0, v->p, v->n - 1, NULL, 0,
		    r1, r2), -1);
		for (j = 0; j < v->n; j++) {
			memcpy(wrong, v->p, v->n * MERKLE_HASH_LEN);
			AT(wrong, j)[0] ^= 16;
			assert_int_equal(merkle_verify_consistency(m, s,
			    wrong, v->n, r1, r2), -1);
		}
	}
	free(t.leaves);
}

static void
test_consistency_edges(void **state)
{
	merkle_hash	r1, r2;

	(void)state;
	memset(r1, 1, sizeof(r1));
	memset(r2, 2, sizeof(r2));
	/* Equal sizes: equal roots, empty proof. */
	assert_int_equal(merkle_verify_consistency(0, 0, NULL, 0, r1, r2), -1);
	assert_int_equal(merkle_verify_consistency(1, 1, NULL, 0, r1, r2), -1);
	assert_int_equal(merkle_verify_consistency(0, 0, NULL, 0, r1, r1), 0);
	assert_int_equal(merkle_verify_consistency(1, 1, NULL, 0, r2, r2), 0);
	/* The empty tree is a prefix of any. */
	assert_int_equal(merkle_verify_consistency(0, 1, NULL, 0, r1, r2), 0);
	/* Time travel. */
	assert_int_equal(merkle_verify_consistency(1, 0, NULL, 0, r1, r2), -1);
	assert_int_equal(merkle_verify_consistency(2, 1, NULL, 0, r1, r2), -1);
	/* A proof is needed between different non-zero sizes. */
	assert_int_equal(merkle_verify_consistency(1, 2, NULL, 0, r1, r2), -1);
	assert_int_equal(merkle_verify_consistency(0, 0, NULL, 0, empty_tree,
	    r2), -1);
	/* Nothing to prove, yet a proof: refused. */
	assert_int_equal(merkle_verify_consistency(0, 0,
	    empty_tree, 1, empty_tree, empty_tree), -1);
	assert_int_equal(merkle_verify_consistency(0, 1,
	    empty_tree, 1, empty_tree, empty_tree), -1);
	assert_int_equal(merkle_verify_consistency(1, 1,
	    empty_tree, 1, empty_tree, empty_tree), -1);
	assert_int_equal(merkle_verify_consistency(UINT64_MAX - 1, UINT64_MAX,
	    r1, 1, r1, r2), -1);
}

/* Every proof of every tree up to N leaves, built and verified; each
 * with one bit flipped fails; callbacks stay logarithmic. */
#define N	70

static unsigned
log2up(uint64_t n)
{
	unsigned	l = 0;

	while (((uint64_t)1 << l) < n)
		l++;
	return l;
}

static void
test_all_small_trees(void **state)
{
	struct memtree	t;
	unsigned char	leaves[N * MERKLE_HASH_LEN], p[PROOFBUF];
	merkle_hash	roots[N + 1];
	size_t		size, m, i, n;
	uint32_t	x;

	(void)state;
	for (i = 0; i < N; i++) {
		x = (uint32_t)(i * 2654435761u);
		merkle_leaf_hash(&x, sizeof(x), AT(leaves, i));
	}
	for (size = 0; size <= N; size++)
		merkle_root_of(leaves, size, roots[size]);
	t.leaves = leaves;
	for (size = 1; size <= N; size++) {
		t.n = size;
		for (i = 0; i < size; i++) {
			t.calls = 0;
			assert_int_equal(merkle_inclusion_proof(i, size,
			    mem_subtree, &t, p, &n), 0);
			assert_true(n <= log2up(size));
			assert_true(t.calls <= 2 * log2up(size));
			assert_int_equal(merkle_verify_inclusion(AT(leaves, i), i,
			    size, p, n, roots[size]), 0);
			/* Another tree's root.  (Another size with this
			 * root may pass: a root means something only with
			 * its size, as checkpoints sign them.) */
			assert_int_equal(merkle_verify_inclusion(AT(leaves, i),
			    i, size, p, n, roots[size - 1]), -1);
			if (n > 0) {
				AT(p, n / 2)[i % 32] ^= 0x40;
				assert_int_equal(merkle_verify_inclusion(
				    AT(leaves, i), i, size,
				    p, n, roots[size]), -1);
			}
		}
		for (m = 0; m <= size; m++) {
			t.calls = 0;
			assert_int_equal(merkle_consistency_proof(m, size,
			    mem_subtree, &t, p, &n), 0);
			assert_true(n <= log2up(size) + 1);
			assert_true(t.calls <= 2 * log2up(size) + 2);
			assert_int_equal(merkle_verify_consistency(m, size,
			    p, n, roots[m], roots[size]),
			    0);
			if (m > 0 && m < size)
				assert_int_equal(merkle_verify_consistency(m,
				    size, p, n,
				    roots[m - 1], roots[size]), -1);
			if (n > 0) {
				p[5] ^= 0x01;
				assert_int_equal(merkle_verify_consistency(m,
				    size, p, n, roots[m],
				    roots[size]), -1);
			}
		}
	}
	/* Beyond the tree, or backwards: no proof. */
	t.n = 8;
	assert_int_equal(merkle_consistency_proof(9, 8, mem_subtree, &t, p, &n),
	    -1);
	assert_int_equal(merkle_inclusion_proof(0, 0, mem_subtree, &t, p, &n),
	    -1);
}

/* A storage failure is a failed proof, never a wrong one. */
static int
failing_subtree(void *arg, uint64_t start, unsigned level, merkle_hash out)
{
	(void)arg;
	(void)start;
	(void)level;
	(void)out;
	return -1;
}

static void
test_callback_failure(void **state)
{
	unsigned char	p[PROOFBUF];
	merkle_hash	h;
	size_t		n = 99;

	(void)state;
	assert_int_equal(merkle_inclusion_proof(3, 10, failing_subtree, NULL,
	    p, &n), -1);
	assert_int_equal(n, 0);
	assert_int_equal(merkle_consistency_proof(3, 10, failing_subtree,
	    NULL, p, &n), -1);
	assert_int_equal(merkle_root(10, failing_subtree, NULL, h), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_leaf),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_inclusion_vectors),
		cmocka_unit_test(test_inclusion_edges),
		cmocka_unit_test(test_consistency_vectors),
		cmocka_unit_test(test_consistency_edges),
		cmocka_unit_test(test_all_small_trees),
		cmocka_unit_test(test_callback_failure),
	};

	return cmocka_run_group_tests_name("merkle", tests, load_vectors,
	    free_vectors);
}
