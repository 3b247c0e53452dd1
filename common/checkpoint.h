/*
 * Ledger checkpoints as C2SP signed notes (c2sp.org/signed-note,
 * c2sp.org/tlog-checkpoint):
 *
 *	<origin>\n
 *	<tree size, decimal>\n
 *	<root hash, base64>\n
 *	\n
 *	— <key name> <base64(key id || Ed25519 signature)>\n
 *
 * The signature covers the text up to and including the root's newline;
 * the key id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 ||
 * the 32-byte public key).  Exhibit names its key after the origin.
 * Pure functions, no store: offline verification uses them.
 */
#ifndef EXHIBIT_CHECKPOINT_H
#define EXHIBIT_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "merkle.h"

#define CHECKPOINT_KEYID_LEN	4

struct checkpoint {
	char		origin[256];
	uint64_t	size;
	merkle_hash	root;
};

/* The signed-note key id of an Ed25519 key under name: 0 or -1. */
int	checkpoint_keyid(EVP_PKEY *, const char *name,
	    unsigned char out[CHECKPOINT_KEYID_LEN]);

/* The note for cp signed with key under name (allocated), or NULL when
 * the origin or name is not a valid one or signing failed (err says). */
char	*checkpoint_sign(const struct checkpoint *, EVP_PKEY *key,
	    const char *name, char *err, size_t errlen);

/*
 * Parse note (len bytes) and check the signature by pub under name: 0
 * with cp filled, or -1 with a sentence in err.  Signature lines of other
 * keys are ignored; the one by this key must verify.  Extension lines
 * after the root are allowed and ignored.  The caller compares the
 * origin with the one it expects.
 */
int	checkpoint_verify(const char *note, size_t len, EVP_PKEY *pub,
	    const char *name, struct checkpoint *cp, char *err, size_t errlen);

#endif
