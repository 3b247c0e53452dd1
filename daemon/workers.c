/*
 * The worker pool: one queue of jobs under a mutex, a condition for the
 * workers to sleep on, and a queue of finished jobs that a libevent
 * event, activated from the workers (libevent is thread-aware), drains
 * on the loop's thread.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>

#include <pthread.h>
#include <stdlib.h>

#include "log.h"
#include "workers.h"
#include "xmalloc.h"

struct job {
	TAILQ_ENTRY(job)	 entry;
	void			(*work)(void *);
	void			(*done)(void *);
	void			*arg;
};
TAILQ_HEAD(jobq, job);

struct workers {
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	struct jobq		 todo;
	struct jobq		 finished;
	struct event		*done_ev;
	pthread_t		*threads;
	size_t			 nthreads;
	size_t			 pending;	/* loop thread only */
	size_t			 idle;		/* workers waiting for a job */
	int			 quit;
};

static void *
workers_main(void *arg)
{
	struct workers	*w = arg;
	struct job	*j;

	pthread_mutex_lock(&w->mtx);
	for (;;) {
		while (TAILQ_EMPTY(&w->todo) && !w->quit) {
			w->idle++;
			pthread_cond_wait(&w->cond, &w->mtx);
			w->idle--;
		}
		if ((j = TAILQ_FIRST(&w->todo)) == NULL)
			break;	/* quitting with nothing left */
		TAILQ_REMOVE(&w->todo, j, entry);
		pthread_mutex_unlock(&w->mtx);
		j->work(j->arg);
		pthread_mutex_lock(&w->mtx);
		if (TAILQ_EMPTY(&w->finished))
			event_active(w->done_ev, EV_READ, 0);
		TAILQ_INSERT_TAIL(&w->finished, j, entry);
	}
	pthread_mutex_unlock(&w->mtx);
	return NULL;
}

static void
workers_done(evutil_socket_t fd, short ev, void *arg)
{
	struct workers	*w = arg;
	struct jobq	 q;
	struct job	*j;

	(void)fd;
	(void)ev;
	TAILQ_INIT(&q);
	pthread_mutex_lock(&w->mtx);
	TAILQ_CONCAT(&q, &w->finished, entry);
	pthread_mutex_unlock(&w->mtx);
	while ((j = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, j, entry);
		w->pending--;
		j->done(j->arg);
		free(j);
	}
}

struct workers *
workers_start(struct event_base *base, size_t n)
{
	struct workers	*w;
	size_t		 i;

	w = xcalloc(1, sizeof(*w));
	pthread_mutex_init(&w->mtx, NULL);
	pthread_cond_init(&w->cond, NULL);
	TAILQ_INIT(&w->todo);
	TAILQ_INIT(&w->finished);
	if ((w->done_ev = event_new(base, -1, 0, workers_done, w)) == NULL)
		fatalx("event_new failed");
	w->threads = xcalloc(n, sizeof(*w->threads));
	for (i = 0; i < n; i++)
		if (pthread_create(&w->threads[i], NULL, workers_main, w) != 0)
			fatalx("cannot start worker thread %zu", i);
	w->nthreads = n;
	return w;
}

void
workers_submit(struct workers *w, void (*work)(void *), void (*done)(void *),
    void *arg)
{
	struct job	*j = xcalloc(1, sizeof(*j));

	j->work = work;
	j->done = done;
	j->arg = arg;
	w->pending++;
	pthread_mutex_lock(&w->mtx);
	TAILQ_INSERT_TAIL(&w->todo, j, entry);
	/* Busy workers take the next job without being woken. */
	if (w->idle > 0)
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);
}

size_t
workers_pending(struct workers *w)
{
	return w->pending;
}

void
workers_stop(struct workers *w)
{
	size_t	i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mtx);
	w->quit = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->mtx);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	/* Every job has run; answer them. */
	workers_done(-1, 0, w);
	event_free(w->done_ev);
	pthread_mutex_destroy(&w->mtx);
	pthread_cond_destroy(&w->cond);
	free(w->threads);
	free(w);
}
