/*
 * The ledger's Merkle tree, hashed as in RFC 9162 section 2.1: a leaf is
 * SHA-256(0x00 || data), an interior node SHA-256(0x01 || left || right),
 * and the empty tree's hash is SHA-256 of nothing.  Pure functions, no
 * storage: the verifiers run offline (exhibitctl verify, export bundles)
 * and the proof builders take their hashes from a callback, so the
 * daemon serves them from stored subtree hashes.
 */
#ifndef EXHIBIT_MERKLE_H
#define EXHIBIT_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN		32
/* No proof for a tree of at most 2^64 - 1 leaves is longer: 64 levels,
 * and a consistency proof may add the old root's own subtree. */
#define MERKLE_MAX_PROOF	65

typedef unsigned char merkle_hash[MERKLE_HASH_LEN];

/* SHA-256(0x00 || data) and SHA-256(0x01 || left || right). */
void	merkle_leaf_hash(const void *data, size_t len, merkle_hash out);
void	merkle_node_hash(const merkle_hash left, const merkle_hash right,
	    merkle_hash out);

/*
 * Lists of hashes (leaves, proofs) are flat: n hashes are n *
 * MERKLE_HASH_LEN bytes, as they come out of a decoder.
 */

/* The Merkle tree hash (MTH) of n leaf hashes (n may be 0). */
void	merkle_root_of(const unsigned char *leaves, size_t n, merkle_hash out);

/*
 * The hash of the complete subtree of 2^level leaves starting at leaf
 * start (a multiple of 2^level): 0, or -1 when it cannot be had (the
 * caller's storage failed; the builders then fail too).
 */
typedef int	(*merkle_subtree_fn)(void *arg, uint64_t start,
		    unsigned level, merkle_hash out);

/* MTH of leaves [0, size) from complete subtrees: one call per set bit
 * of size.  0 or -1. */
int	merkle_root(uint64_t size, merkle_subtree_fn, void *arg,
	    merkle_hash out);

/*
 * The inclusion proof of leaf index in the tree of size leaves (RFC 9162
 * 2.1.3.1) and the consistency proof between sizes from and to (2.1.4.1;
 * empty when from is 0 or from == to), leaf end first.  O(log size)
 * callbacks.  *n is set to the number of hashes in proof, which must hold
 * MERKLE_MAX_PROOF of them.  0, or -1 for bad arguments (index >= size, from >
 * to) or a failed callback.
 */
int	merkle_inclusion_proof(uint64_t index, uint64_t size,
	    merkle_subtree_fn, void *arg, unsigned char *proof, size_t *n);
int	merkle_consistency_proof(uint64_t from, uint64_t to,
	    merkle_subtree_fn, void *arg, unsigned char *proof, size_t *n);

/*
 * The verification algorithms of RFC 9162 2.1.3.2 and 2.1.4.2: 0 when
 * the proof shows leaf_hash at index in the tree of size leaves whose
 * root is root (resp. that the tree of size1 leaves with root1 is a
 * prefix of the one of size2 leaves with root2), else -1.  Any input is
 * safe: sizes, proof lengths and hashes are never trusted.
 *
 * Consistency between equal sizes holds with an empty proof when the
 * roots are equal; from size 0 it holds with an empty proof (the empty
 * tree is a prefix of every tree).
 */
int	merkle_verify_inclusion(const merkle_hash leaf_hash, uint64_t index,
	    uint64_t size, const unsigned char *proof, size_t n,
	    const merkle_hash root);
int	merkle_verify_consistency(uint64_t size1, uint64_t size2,
	    const unsigned char *proof, size_t n, const merkle_hash root1,
	    const merkle_hash root2);

/* The root an inclusion proof leads to (the 2.1.3.2 computation without
 * the comparison): 0, or -1 when the proof cannot be for (index, size). */
int	merkle_root_from_inclusion(const merkle_hash leaf_hash, uint64_t index,
	    uint64_t size, const unsigned char *proof, size_t n, merkle_hash out);

#endif
