/*
 * Judging stored evidence against the rules in force.  Results are
 * derived data: a document is acknowledged once stored, and judged
 * afterwards on the worker threads; what a crash or a rule change leaves
 * unjudged is found in the store and judged when the daemon (re)starts or
 * the rules change.  Every document keeps its results: history, not only
 * the latest state.
 */
#ifndef EXHIBIT_EVALUATOR_H
#define EXHIBIT_EVALUATOR_H

#include <stdint.h>

#include <event2/event.h>

struct evaluator;
struct ruleset;
struct store;
struct workers;

struct evaluator *evaluator_new(struct event_base *, struct store *,
		    struct workers *);
void		  evaluator_free(struct evaluator *);

/*
 * The rules from now on (taken over; the previous set is freed once no
 * job uses it).  Records the rule set in the store and queues what it has
 * not judged: documents never judged and each agent's newest document.
 * -1 when the store failed: the previous rules stay.
 */
int		  evaluator_set_rules(struct evaluator *, struct ruleset *);

/* Compare every newly judged document with its host's baseline. */
struct drift;
void		  evaluator_set_drift(struct evaluator *, struct drift *);

/* Called after results (and the drift and alerts they caused) committed
 * in a transaction of the evaluator's own, outside the server's batch. */
void		  evaluator_set_commit_hook(struct evaluator *,
		    void (*)(void *), void *);

/* The rules in force (NULL before any). */
const struct ruleset *evaluator_rules(struct evaluator *);

/* A document's batch has committed. */
void		  evaluator_stored(struct evaluator *, int64_t evidence_id);

/* Documents queued or being judged, for draining. */
size_t		  evaluator_backlog(struct evaluator *);

/* Stop queueing new work: a draining daemon finishes what is in flight
 * and leaves the rest to the next start. */
void		  evaluator_stop(struct evaluator *);

#endif
