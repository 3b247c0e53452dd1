/*
 * Signing checkpoints of the ledger.
 *
 * The origin is "exhibit/" and the first 16 hex digits of the ledger
 * key's id (the SHA-256 of its public key), fixed in the store's meta the
 * first time: it names this log wherever the daemon runs and whatever
 * its configuration says, and a verifier holding ledger.pub can tell
 * what origin to expect.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "checkpoint.h"
#include "daemon-conf.h"
#include "keys.h"
#include "ledger.h"
#include "log.h"
#include "merkle.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define META_ORIGIN	"ledger_origin"

struct ledger {
	struct event_base		*base;
	struct store			*store;
	const struct daemon_conf	*conf;
	EVP_PKEY			*key;
	char				*origin;
	struct event			*timer;
	int				 stopped;	/* inconsistent: sign
							   nothing more */
};

static void
ledger_arm(struct ledger *l)
{
	struct timeval	tv = { (time_t)l->conf->checkpoint_interval, 0 };

	event_del(l->timer);
	event_add(l->timer, &tv);
}

static void
ledger_tick(evutil_socket_t fd, short what, void *arg)
{
	struct ledger		*l = arg;
	struct store_checkpoint	 c;

	(void)fd;
	(void)what;
	if (ledger_checkpoint(l, 1, &c) == 0)
		store_checkpoint_clear(&c);
}

static char *
ledger_load_origin(struct store *st, EVP_PKEY *key)
{
	char	 keyid[KEYS_KEYID_HEXLEN], *origin = NULL;

	if (store_meta_get(st, META_ORIGIN, &origin) == STORE_OK)
		return origin;
	keys_keyid(key, keyid);
	origin = xasprintf("exhibit/%.16s", keyid);
	if (store_meta_set(st, META_ORIGIN, origin) != STORE_OK) {
		free(origin);
		return NULL;
	}
	return origin;
}

struct ledger *
ledger_new(struct event_base *base, struct store *st,
    const struct daemon_conf *conf)
{
	struct ledger	*l;
	char		*path, err[512];

	l = xcalloc(1, sizeof(*l));
	l->base = base;
	l->store = st;
	l->conf = conf;
	path = xasprintf("%s/ledger.key", conf->state_dir);
	l->key = keys_load_private(path, err, sizeof(err));
	free(path);
	if (l->key == NULL) {
		log_warnx("ledger: %s", err);
		goto fail;
	}
	if ((l->origin = ledger_load_origin(st, l->key)) == NULL)
		goto fail;
	if ((l->timer = event_new(base, -1, EV_PERSIST, ledger_tick,
	    l)) == NULL)
		fatalx("ledger: event_new failed");
	ledger_arm(l);
	/* A checkpoint at start, so there always is one to serve. */
	event_active(l->timer, EV_TIMEOUT, 0);
	log_info("ledger: checkpoints of %s every %llds", l->origin,
	    l->conf->checkpoint_interval);
	return l;
fail:
	ledger_free(l);
	return NULL;
}

void
ledger_reload(struct ledger *l, const struct daemon_conf *conf)
{
	l->conf = conf;
	ledger_arm(l);
}

void
ledger_free(struct ledger *l)
{
	if (l == NULL)
		return;
	if (l->timer != NULL)
		event_free(l->timer);
	EVP_PKEY_free(l->key);
	free(l->origin);
	free(l);
}

const char *
ledger_origin(const struct ledger *l)
{
	return l->origin;
}

int
ledger_stopped(const struct ledger *l)
{
	return l->stopped;
}

/*
 * The last signed tree (size1, root1) is a prefix of the tree of size2
 * leaves with root2, proven from the stored hashes and checked by the
 * same verifier auditors use: 0, or -1 when the store failed, or -2 when
 * it is not.
 */
static int
ledger_consistent(struct ledger *l, const struct store_checkpoint *last,
    uint64_t size2, const merkle_hash root2)
{
	unsigned char	proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	size_t		n;

	if (store_ledger_consistency(l->store, last->size, size2, proof,
	    &n) != STORE_OK)
		return -1;
	if (merkle_verify_consistency(last->size, size2, proof, n, last->root,
	    root2) == -1)
		return -2;
	return 0;
}

/* Sign the tree of size leaves after last (NULL: none): 0 with *out,
 * -1. */
static int
ledger_sign(struct ledger *l, const struct store_checkpoint *last,
    uint64_t size, struct store_checkpoint *out)
{
	struct checkpoint	 cp;
	enum store_status	 res;
	char			 err[256];
	int			 rc;

	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", l->origin);
	cp.size = size;
	if (store_ledger_root(l->store, size, cp.root) != STORE_OK)
		return -1;
	if (last != NULL && (rc = ledger_consistent(l, last, size,
	    cp.root)) != 0) {
		if (rc == -1)
			return -1;
		/* The stored tree no longer extends what was signed: a
		 * damaged or altered database.  Signing on would certify
		 * a forked history. */
		l->stopped = 1;
		log_warnx("ledger: LEDGER INCONSISTENT: the tree of %llu "
		    "leaves does not extend the signed checkpoint of %llu "
		    "leaves; the stored ledger was damaged or altered.  "
		    "No more checkpoints will be signed; keep this database "
		    "for investigation", (unsigned long long)size,
		    (unsigned long long)last->size);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	if ((out->note = checkpoint_sign(&cp, l->key, l->origin, err,
	    sizeof(err))) == NULL) {
		log_warnx("ledger: signing: %s", err);
		return -1;
	}
	out->size = size;
	memcpy(out->root, cp.root, MERKLE_HASH_LEN);
	out->created_at = timefmt_now();
	if ((res = store_checkpoint_add(l->store, out)) != STORE_OK) {
		/* STORE_EXISTS: another signer was first; serve its. */
		store_checkpoint_clear(out);
		return res == STORE_EXISTS ?
		    (store_checkpoint_latest(l->store, out) == STORE_OK ? 0 :
		    -1) : -1;
	}
	log_info("ledger: signed the checkpoint of %llu leaves",
	    (unsigned long long)size);
	return 0;
}

int
ledger_checkpoint(struct ledger *l, int fresh, struct store_checkpoint *out)
{
	struct store_checkpoint	 last;
	enum store_status	 res;
	uint64_t		 size;
	int			 rc;

	memset(out, 0, sizeof(*out));
	res = store_checkpoint_latest(l->store, &last);
	if (res != STORE_OK && res != STORE_NOT_FOUND)
		return -1;
	/*
	 * Sign only outside a batch, and only as the signer of the
	 * instances sharing the store: inside a batch the durable size
	 * may lag a checkpoint another instance signed, which is no
	 * inconsistency.  Serve the newest meanwhile.
	 */
	if (store_in_batch(l->store) || !store_ledger_signer(l->store)) {
		if (res != STORE_OK)
			return -1;
		*out = last;
		return 0;
	}
	/* Only what reached the disk: leaves lost in a crash would come
	 * back in another order, under a root already signed. */
	size = store_ledger_durable(l->store);
	if (res == STORE_OK && size < last.size && !l->stopped) {
		/* Signed leaves are durable: the database lost some. */
		l->stopped = 1;
		log_warnx("ledger: LEDGER INCONSISTENT: the tree holds %llu "
		    "leaves but a checkpoint of %llu leaves was signed; the "
		    "database was rolled back or damaged.  No more "
		    "checkpoints will be signed", (unsigned long long)size,
		    (unsigned long long)last.size);
	}
	if (l->stopped || (res == STORE_OK && (!fresh || size <= last.size))) {
		if (res != STORE_OK) {
			log_warnx("ledger: no checkpoint to serve: signing "
			    "stopped");
			return -1;
		}
		*out = last;
		return 0;
	}
	rc = ledger_sign(l, res == STORE_OK ? &last : NULL, size, out);
	if (res == STORE_OK) {
		/* The signed one stays served when this one failed (unless
		 * signing stopped: it is still the newest valid one). */
		if (rc == -1) {
			*out = last;
			return 0;
		}
		store_checkpoint_clear(&last);
	}
	return rc;
}
