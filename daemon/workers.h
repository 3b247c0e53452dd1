/*
 * A pool of worker threads for CPU-bound work that touches no shared
 * state (signature checks, parsing).  Each job's work() runs on a
 * worker; its done() runs afterwards on the event loop's thread, where
 * the store and the HTTP connections live.
 */
#ifndef EXHIBIT_WORKERS_H
#define EXHIBIT_WORKERS_H

#include <stddef.h>

#include <event2/event.h>

struct workers;

/* Start n threads (n >= 1); libevent must have been made thread-aware
 * (evthread_use_pthreads) before base was created. */
struct workers	*workers_start(struct event_base *, size_t n);

void		 workers_submit(struct workers *, void (*work)(void *),
		    void (*done)(void *), void *arg);

/* Jobs submitted whose done() has not run yet. */
size_t		 workers_pending(struct workers *);

/* Finish the queued jobs (their done() runs), stop the threads. */
void		 workers_stop(struct workers *);

#endif
