/*
 * The evaluator: a queue of evidence ids fed by committed batches and by
 * the store's list of what the rules in force have not judged, a few jobs
 * in flight on the worker threads, results written back on the loop.
 *
 * The loop thread only reads the stored document (envelope and
 * referenced sections) and writes one or two rows; rebuilding, judging,
 * serialising and hashing happen on a worker.  Jobs hold a reference to
 * the rule set they started with, so a reload never pulls rules out from
 * under a running job.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "digest.h"
#include "drift.h"
#include "evaluator.h"
#include "judge.h"
#include "evidence-doc.h"
#include "jsonutil.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "workers.h"
#include "xmalloc.h"

/* Jobs in flight: enough to keep the workers busy without starving
 * ingest of them. */
#define EVAL_INFLIGHT	4
/* Ids fetched from the store's backlog at a time. */
#define EVAL_FETCH	256

struct rules_ref {
	struct ruleset	*set;
	int		 refs;
};

struct evaluator {
	struct event_base	*base;
	struct store		*store;
	struct workers		*workers;
	struct rules_ref	*rules;
	struct drift		*drift;
	void			(*committed)(void *);
	void			*committed_arg;
	struct event		*pump_ev;
	int64_t			*queue;
	size_t			 head, len, cap;
	size_t			 inflight;
	int			 scan;		/* look in the store for more */
	int			 stopped;
};

struct eval_job {
	struct evaluator	*ev;
	struct rules_ref	*rules;
	struct store_doc	 doc;
	struct judgement	 out;		/* from the worker */
};

static void	evaluator_tell_drift(struct evaluator *);

static void
rules_unref(struct rules_ref *r)
{
	if (r != NULL && --r->refs == 0) {
		ruleset_free(r->set);
		free(r);
	}
}

static void
evaluator_kick(struct evaluator *ev)
{
	event_active(ev->pump_ev, EV_TIMEOUT, 0);
}

static void
queue_push(struct evaluator *ev, int64_t id)
{
	if (ev->head > 0 && ev->head == ev->len) {
		ev->head = 0;
		ev->len = 0;
	}
	if (ev->len == ev->cap) {
		ev->cap = ev->cap ? ev->cap * 2 : 64;
		ev->queue = xreallocarray(ev->queue, ev->cap,
		    sizeof(*ev->queue));
	}
	ev->queue[ev->len++] = id;
}

/* On a worker. */
static void
eval_work(void *arg)
{
	struct eval_job	*j = arg;

	judge(j->rules->set, &j->doc, &j->out);
	judgement_compact(&j->out);
}

static void
eval_done(void *arg)
{
	struct eval_job		*j = arg;
	struct evaluator	*ev = j->ev;
	struct store_evaluation	 e;
	int			 own;

	memset(&e, 0, sizeof(e));
	e.evidence_id = j->doc.evidence_id;
	e.ruleset = ruleset_digest(j->rules->set);
	e.evaluated_at = time(NULL);
	e.results = j->out.text;
	e.len = j->out.len;
	e.results_digest = j->out.digest;
	memcpy(e.counts, j->out.counts, sizeof(e.counts));
	/* Results and the drift they show commit together: a reader never
	 * sees one without the other.  Inside the server's open batch when
	 * there is one, else in a transaction of their own. */
	own = !store_in_batch(ev->store) &&
	    store_batch_begin(ev->store) == STORE_OK;
	if (store_evaluation_add(ev->store, &e) != STORE_OK)
		log_warnx("evidence %lld: results not stored; judged again at "
		    "the next start", (long long)e.evidence_id);
	else {
		if (ev->drift != NULL)
			drift_judged(ev->drift, e.evidence_id, j->doc.agent_id,
			    e.ruleset, &j->out);
		log_debug("evidence %lld judged: %d pass, %d fail, %d error, "
		    "%d not applicable", (long long)e.evidence_id,
		    j->out.counts[RULE_PASS], j->out.counts[RULE_FAIL],
		    j->out.counts[RULE_ERROR],
		    j->out.counts[RULE_NOT_APPLICABLE]);
	}
	if (own) {
		if (store_batch_commit(ev->store) != STORE_OK)
			log_warnx("evidence %lld: results not committed; judged "
			    "again at the next start", (long long)e.evidence_id);
		else if (ev->committed != NULL)
			ev->committed(ev->committed_arg);
	}
	judgement_clear(&j->out);
	store_doc_clear(&j->doc);
	rules_unref(j->rules);
	free(j);
	ev->inflight--;
	evaluator_kick(ev);
}

static void
evaluator_scan(struct evaluator *ev)
{
	int64_t	*ids;
	size_t	 n, i;

	ev->scan = 0;
	if (store_evaluation_pending(ev->store, ruleset_digest(ev->rules->set),
	    EVAL_FETCH, &ids, &n) != STORE_OK)
		return;
	for (i = 0; i < n; i++)
		queue_push(ev, ids[i]);
	/* A full page: more may wait behind it. */
	if (n == EVAL_FETCH)
		ev->scan = 1;
	free(ids);
}

static void
evaluator_pump(evutil_socket_t fd, short what, void *arg)
{
	struct evaluator	*ev = arg;
	struct eval_job		*j;
	int64_t			 id;

	(void)fd;
	(void)what;
	if (ev->rules == NULL || ev->stopped)
		return;
	while (ev->inflight < EVAL_INFLIGHT) {
		/* Ids in the queue may have been judged since (a scan and a
		 * commit can both name one); judging twice only replaces. */
		if (ev->head == ev->len && ev->scan && ev->inflight == 0)
			evaluator_scan(ev);
		if (ev->head == ev->len)
			return;
		id = ev->queue[ev->head++];
		j = xcalloc(1, sizeof(*j));
		j->ev = ev;
		if (store_doc_get(ev->store, id, &j->doc) != STORE_OK) {
			log_warnx("evidence %lld: cannot be read for judging",
			    (long long)id);
			free(j);
			continue;
		}
		j->rules = ev->rules;
		j->rules->refs++;
		ev->inflight++;
		workers_submit(ev->workers, eval_work, eval_done, j);
	}
}

struct evaluator *
evaluator_new(struct event_base *base, struct store *store,
    struct workers *workers)
{
	struct evaluator	*ev;

	ev = xcalloc(1, sizeof(*ev));
	ev->base = base;
	ev->store = store;
	ev->workers = workers;
	if ((ev->pump_ev = event_new(base, -1, 0, evaluator_pump, ev)) ==
	    NULL)
		fatalx("evaluator: event_new failed");
	return ev;
}

void
evaluator_free(struct evaluator *ev)
{
	if (ev == NULL)
		return;
	event_free(ev->pump_ev);
	rules_unref(ev->rules);
	free(ev->queue);
	free(ev);
}

int
evaluator_set_rules(struct evaluator *ev, struct ruleset *set)
{
	struct rules_ref	*r;

	if (ruleset_record(ev->store, set, time(NULL)) != STORE_OK)
		return -1;
	r = xcalloc(1, sizeof(*r));
	r->set = set;
	r->refs = 1;
	rules_unref(ev->rules);
	ev->rules = r;
	log_info("rules: %zu rule(s) from %zu pack(s), rule set %.19s",
	    ruleset_rule_count(set), ruleset_pack_count(set),
	    ruleset_digest(set));
	if (ev->drift != NULL)
		evaluator_tell_drift(ev);
	/* What these rules have not judged yet. */
	ev->head = ev->len = 0;
	ev->scan = 1;
	evaluator_kick(ev);
	return 0;
}

/* The rules in force, as the drift engine records a change of them. */
static void
evaluator_tell_drift(struct evaluator *ev)
{
	struct rule_pack_info	 pi;
	struct json_object	*packs, *p;
	size_t			 i;

	packs = json_object_new_array();
	for (i = 0; i < ruleset_pack_count(ev->rules->set); i++) {
		ruleset_pack(ev->rules->set, i, &pi);
		p = json_object_new_object();
		jsonutil_set_string(p, "pack", pi.name);
		jsonutil_set_string(p, "version", pi.version);
		jsonutil_set_string(p, "digest", pi.digest);
		json_object_array_add(packs, p);
	}
	drift_rules(ev->drift, ruleset_digest(ev->rules->set), packs);
	json_object_put(packs);
}

void
evaluator_set_commit_hook(struct evaluator *ev, void (*fn)(void *), void *arg)
{
	ev->committed = fn;
	ev->committed_arg = arg;
}

void
evaluator_set_drift(struct evaluator *ev, struct drift *dr)
{
	ev->drift = dr;
	if (ev->rules != NULL)
		evaluator_tell_drift(ev);
}

const struct ruleset *
evaluator_rules(struct evaluator *ev)
{
	return ev->rules != NULL ? ev->rules->set : NULL;
}

void
evaluator_stored(struct evaluator *ev, int64_t id)
{
	if (ev->stopped)
		return;
	queue_push(ev, id);
	evaluator_kick(ev);
}

size_t
evaluator_backlog(struct evaluator *ev)
{
	return ev->inflight + (ev->stopped ? 0 : ev->len - ev->head);
}

void
evaluator_stop(struct evaluator *ev)
{
	ev->stopped = 1;
}
