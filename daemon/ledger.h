/*
 * The ledger's checkpoints: the daemon signs the tree's size and root
 * hash with its ledger key (ledger.key in the state directory) on a
 * timer and on demand, as C2SP signed notes (common/checkpoint.h).  It
 * signs only leaves whose commit reached the disk, and before signing a
 * larger tree it proves, from the stored hashes, that the last signed
 * tree is a prefix of it: it never signs two inconsistent checkpoints.
 * When that proof fails it says so loudly and signs nothing more.
 *
 * The key is used here and nowhere else, so it can move behind a process
 * boundary without touching the rest of the daemon.
 */
#ifndef EXHIBIT_LEDGER_H
#define EXHIBIT_LEDGER_H

#include <event2/event.h>

struct daemon_conf;
struct ledger;
struct store;
struct store_checkpoint;

/* Load the key and arm the timer; NULL after logging why. */
struct ledger	*ledger_new(struct event_base *, struct store *,
		    const struct daemon_conf *);
void		 ledger_reload(struct ledger *, const struct daemon_conf *);
void		 ledger_free(struct ledger *);

/* The origin line and key name of this ledger's checkpoints. */
const char	*ledger_origin(const struct ledger *);

/* Signing stopped after an inconsistency. */
int		 ledger_stopped(const struct ledger *);

/*
 * The newest checkpoint in *out (note allocated): when fresh, one signed
 * now if the durable tree grew since the last (or none exists yet).  0,
 * or -1 when there is none to give (the store failed, or signing stopped
 * after an inconsistency: logged).
 */
int		 ledger_checkpoint(struct ledger *, int fresh,
		    struct store_checkpoint *out);

#endif
