/*
 * The Merkle verifiers on arbitrary input, two ways.
 *
 * Raw: any sizes, index, hashes and proof bytes; they must not crash.
 *
 * Against a real tree: a tree of up to 64 leaves, the genuine proof for
 * an index (or an older size), then the input flips bits in it, cuts it
 * or extends it.  The verifier must accept the genuine proof and nothing
 * else: for given sizes and roots the valid proof is unique (another one
 * would be a SHA-256 collision).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "merkle.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define H	MERKLE_HASH_LEN
#define MAXLEAVES	64

static unsigned char	leaves[MAXLEAVES * H];

static int
subtree(void *arg, uint64_t start, unsigned level, merkle_hash out)
{
	(void)arg;
	if (start + ((uint64_t)1 << level) > MAXLEAVES)
		abort();
	merkle_root_of(leaves + start * H, (size_t)1 << level, out);
	return 0;
}

static uint64_t
u64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
raw(const uint8_t *data, size_t size)
{
	merkle_hash	a, b;
	uint64_t	x, y;

	if (size < 16 + 2 * H)
		return;
	x = u64(data);
	y = u64(data + 8);
	memcpy(a, data + 16, H);
	memcpy(b, data + 16 + H, H);
	data += 16 + 2 * H;
	size -= 16 + 2 * H;
	(void)merkle_verify_inclusion(a, x, y, data, size / H, b);
	(void)merkle_verify_consistency(x, y, data, size / H, a, b);
}

static void
real(const uint8_t *data, size_t size)
{
	unsigned char	proof[(MERKLE_MAX_PROOF + 4) * H], genuine[sizeof(proof)];
	merkle_hash	r1, r2;
	uint64_t	n, m;
	size_t		plen, len, i;
	int		cons, changed, ok;
	uint8_t		seed;

	if (size < 4)
		return;
	cons = data[0] & 1;
	n = (uint64_t)(data[1] % MAXLEAVES) + 1;
	m = data[2] % (n + (cons ? 1 : 0));	/* index < n, or size <= n */
	seed = data[3];
	data += 4;
	size -= 4;
	for (i = 0; i < n; i++) {
		uint8_t	b[2] = { (uint8_t)i, seed };

		merkle_leaf_hash(b, sizeof(b), leaves + i * H);
	}
	merkle_root_of(leaves, (size_t)n, r2);
	merkle_root_of(leaves, (size_t)m, r1);
	if ((cons ? merkle_consistency_proof(m, n, subtree, NULL, genuine,
	    &plen) : merkle_inclusion_proof(m, n, subtree, NULL, genuine,
	    &plen)) == -1)
		abort();

	/* The first byte picks the length (cut or extended by up to 2),
	 * the rest is xor'ed over the proof. */
	len = plen;
	if (size > 0) {
		len = plen + (size_t)(data[0] % 5) >= 2 ?
		    plen + (size_t)(data[0] % 5) - 2 : 0;
		data++;
		size--;
	}
	memset(proof, 0, sizeof(proof));
	memcpy(proof, genuine, plen * H);
	for (i = 0; i < size && i < len * H; i++)
		proof[i] ^= data[i];
	changed = len != plen || memcmp(proof, genuine, plen * H) != 0;

	if (cons)
		ok = merkle_verify_consistency(m, n, proof, len, r1, r2) == 0;
	else
		ok = merkle_verify_inclusion(leaves + m * H, m, n, proof, len,
		    r2) == 0;
	if (ok == changed)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 0x80)
		raw(data + 1, size - 1);
	else
		real(data, size);
	return 0;
}
