/*
 * The drift engine.  It runs on the loop thread after a document's
 * results are stored; everything it needs is in the store (the baseline
 * document's sections and results) or in hand (the new results).  The
 * comparison is cheap when nothing changed: equal result-set digests and
 * equal section digests are all it looks at.  Diffs are computed only
 * for a section whose digest changed and is not the one already reported.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon-conf.h"
#include "drift.h"
#include "jsondiff.h"
#include "jsonutil.h"
#include "judge.h"
#include "log.h"
#include "rules.h"
#include "schedule.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

/* Changes kept per section in one item; the rest are counted. */
#define DRIFT_MAX_CHANGES	50
/* Baselines' statuses kept, by result set digest (immutable content):
 * one per distinct baseline, which hosts built alike share. */
#define DRIFT_BASELINES		256
#define META_EVENTS		"drift_security_event"
#define META_RULESET		"drift_ruleset"

struct baseline_statuses {
	char			digest[STORE_DIGEST_LEN];
	struct rule_statuses	statuses;
	uint64_t		used;
};

struct drift {
	struct baseline_statuses	 baselines[DRIFT_BASELINES];
	uint64_t			 clock;
	struct event_base		*base;
	struct store			*store;
	const struct daemon_conf	*conf;
	struct event			*silence_ev;
	struct event			*audit_ev;
	struct schedule			 schedule;
	time_t				 anchor;
	drift_notify_fn			 notify;
	void				*notify_arg;
};

static void
drift_tell(struct drift *dr, int64_t id, const char *event)
{
	struct store_drift	 d;

	if (dr->notify == NULL || store_drift_get(dr->store, id, &d) !=
	    STORE_OK)
		return;
	dr->notify(dr->notify_arg, &d, event);
	store_drift_clear(&d);
}

/* Open (or update) an item; tells the notifier about new ones. */
static void
drift_open(struct drift *dr, const char *agent, const char *kind,
    const char *subject, int64_t audit_id, int64_t evidence_id,
    struct json_object *detail, time_t now)
{
	struct store_drift	 d;
	enum store_status	 rc;

	memset(&d, 0, sizeof(d));
	snprintf(d.agent_id, sizeof(d.agent_id), "%s", agent);
	snprintf(d.kind, sizeof(d.kind), "%s", kind);
	snprintf(d.subject, sizeof(d.subject), "%s", subject);
	d.opened_at = d.updated_at = now;
	d.audit_id = audit_id;
	d.evidence_id = evidence_id;
	d.detail = xstrdup(jsonutil_to_string(detail, 0));
	json_object_put(detail);
	rc = store_drift_open(dr->store, &d);
	if (rc == STORE_OK) {
		log_info("drift %lld opened: %s %s%s%s", (long long)d.id,
		    *agent ? agent : "-", kind, *subject ? " " : "", subject);
		drift_tell(dr, d.id, "opened");
	}
	store_drift_clear(&d);
}

static void
drift_resolve(struct drift *dr, const char *agent, const char *kind,
    const char *subject, const char *why, time_t now)
{
	int64_t	 id;

	if (store_drift_resolve(dr->store, agent, kind, subject, now, why,
	    &id) != STORE_OK)
		return;
	log_info("drift %lld resolved: %s", (long long)id, why);
	drift_tell(dr, id, "resolved");
}

/*
 * The agent's unresolved items, as "kind subject" keys (NULL: unknown).
 * Comparing results resolves only what is there: one read instead of a
 * store call per rule, which with PostgreSQL is a round trip each.
 */
static struct json_object *
drift_unresolved(struct drift *dr, const char *agent)
{
	struct store_drift		*d;
	struct json_object		*set;
	size_t				 n, i;
	char				*k;

	if (store_drift_unresolved(dr->store, agent, NULL, &d, &n) !=
	    STORE_OK)
		return NULL;
	set = json_object_new_object();
	for (i = 0; i < n; i++) {
		k = xasprintf("%s %s", d[i].kind, d[i].subject);
		json_object_object_add(set, k, NULL);
		free(k);
	}
	store_drift_list_free(d, n);
	return set;
}

/* drift_resolve() when set (drift_unresolved()) may hold the item. */
static void
drift_resolve_in(struct drift *dr, struct json_object *set, const char *agent,
    const char *kind, const char *subject, const char *why, time_t now)
{
	char	*k;
	int	 there = 1;

	if (set != NULL) {
		k = xasprintf("%s %s", kind, subject);
		there = json_object_object_get_ex(set, k, NULL);
		free(k);
	}
	if (there)
		drift_resolve(dr, agent, kind, subject, why, now);
}

/* A stored result set, parsed (NULL when it cannot be read). */
static struct json_object *
result_set_parsed(struct drift *dr, const char *digest)
{
	struct json_object	*r;
	char			*body, err[128];
	size_t			 len;

	if (store_result_set_get(dr->store, digest, &body, &len) != STORE_OK)
		return NULL;
	r = jsonutil_parse(body, len, err, sizeof(err));
	free(body);
	return r;
}

/* The statuses of a baseline's result set: remembered, else read once. */
static const struct rule_statuses *
baseline_statuses(struct drift *dr, const char *digest)
{
	struct baseline_statuses	*e, *victim = &dr->baselines[0];
	struct json_object		*r;
	size_t				 i;

	for (i = 0; i < DRIFT_BASELINES; i++) {
		e = &dr->baselines[i];
		if (e->used != 0 && strcmp(e->digest, digest) == 0) {
			e->used = ++dr->clock;
			return &e->statuses;
		}
		if (e->used < victim->used)
			victim = e;
	}
	if ((r = result_set_parsed(dr, digest)) == NULL)
		return NULL;
	rule_statuses_clear(&victim->statuses);
	rule_statuses_of(r, &victim->statuses);
	json_object_put(r);
	snprintf(victim->digest, sizeof(victim->digest), "%s", digest);
	victim->used = ++dr->clock;
	return &victim->statuses;
}

/* A result set's entry for rule (borrowed from results), or NULL. */
static struct json_object *
result_of(struct json_object *results, const char *rule, size_t hint)
{
	struct json_object	*r;
	const char		*id;
	size_t			 i, n;

	if (results == NULL)
		return NULL;
	n = json_object_array_length(results);
	r = json_object_array_get_idx(results, hint);
	if (r != NULL && jsonutil_get_string(r, "rule", &id) == 0 &&
	    strcmp(id, rule) == 0)
		return r;
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(results, i);
		if (jsonutil_get_string(r, "rule", &id) == 0 &&
		    strcmp(id, rule) == 0)
			return r;
	}
	return NULL;
}

/*
 * Rules whose pass/fail differs from the baseline open items; rules
 * back at their baseline result resolve them.  Statuses alone decide:
 * the whole result sets (tens of KB of JSON each) are parsed only when
 * a rule has changed direction, for the item's details.
 */
static void
drift_rules_compare(struct drift *dr, const char *agent,
    const struct store_baseline *b, int64_t evidence_id,
    const struct judgement *jd, time_t now)
{
	const struct rule_statuses	*base, *cur = &jd->statuses;
	struct json_object	*open, *now_set = NULL, *base_set = NULL;
	struct json_object	*r, *o, *detail, *v;
	const char		*id;
	char			 err[128];
	size_t			 i;
	long			 k;
	int			 was, is;

	if ((base = baseline_statuses(dr, b->results)) == NULL)
		return;
	open = drift_unresolved(dr, agent);
	for (i = 0; i < cur->n; i++) {
		id = cur->rule[i];
		if ((k = rule_statuses_find(base, id, i)) == -1)
			continue;	/* a rule the baseline did not have */
		was = base->status[k];
		is = cur->status[i];
		if (was == is) {
			drift_resolve_in(dr, open, agent, "rule_regressed", id,
			    "back to its baseline result", now);
			drift_resolve_in(dr, open, agent, "rule_recovered", id,
			    "back to its baseline result", now);
			continue;
		}
		if (is != RULE_FAIL && is != RULE_PASS)
			continue;
		if (was != (is == RULE_FAIL ? RULE_PASS : RULE_FAIL))
			continue;
		if (now_set == NULL)
			now_set = jsonutil_parse(jd->text, jd->len, err,
			    sizeof(err));
		if (base_set == NULL)
			base_set = result_set_parsed(dr, b->results);
		r = result_of(now_set, id, i);
		o = result_of(base_set, id, (size_t)k);
		detail = json_object_new_object();
		jsonutil_set_string(detail, "rule", id);
		jsonutil_set_string(detail, "baseline",
		    rule_status_str((enum rule_status)was));
		jsonutil_set_string(detail, "now",
		    rule_status_str((enum rule_status)is));
		if (r != NULL && json_object_object_get_ex(r, "expected", &v))
			jsonutil_set(detail, "expected", json_object_get(v));
		if (r != NULL && json_object_object_get_ex(r, "observed", &v))
			jsonutil_set(detail, "observed", json_object_get(v));
		if (o != NULL && json_object_object_get_ex(o, "observed", &v))
			jsonutil_set(detail, "baseline_observed",
			    json_object_get(v));
		if (r != NULL && json_object_object_get_ex(r, "sources", &v))
			jsonutil_set(detail, "sources", json_object_get(v));
		jsonutil_set_int64(detail, "baseline_evidence_id",
		    b->evidence_id);
		drift_open(dr, agent, is == RULE_FAIL ? "rule_regressed" :
		    "rule_recovered", id, b->audit_id, evidence_id, detail,
		    now);
		/* The opposite direction, if open, is over. */
		drift_resolve_in(dr, open, agent, is == RULE_FAIL ?
		    "rule_recovered" : "rule_regressed", id,
		    "the rule changed direction", now);
	}
	json_object_put(now_set);
	json_object_put(base_set);
	json_object_put(open);
}

/* A stored section's sources and data. */
static struct json_object *
section_body(struct store *st, const char *digest)
{
	char		*body, err[128];
	size_t		 len;
	struct json_object *sec;

	if (store_section_get(st, digest, &body, &len) != STORE_OK)
		return NULL;
	sec = jsonutil_parse(body, len, err, sizeof(err));
	free(body);
	return sec;
}

/* A change inside sections.X.sources[N] names the file it is about, so
 * a changed sha256 says which file changed. */
static void
name_files(struct json_object *changes, const char *prefix,
    struct json_object *old, struct json_object *new)
{
	struct json_object	*c, *list, *e;
	const char		*path, *file;
	char			*head;
	size_t			 i, n, len;
	long			 idx;

	head = xasprintf("%s.sources[", prefix);
	len = strlen(head);
	n = json_object_array_length(changes);
	for (i = 0; i < n; i++) {
		c = json_object_array_get_idx(changes, i);
		if (jsonutil_get_string(c, "path", &path) == -1 ||
		    strncmp(path, head, len) != 0)
			continue;
		idx = strtol(path + len, NULL, 10);
		if ((jsonutil_get_array(new, "sources", &list) == 0 &&
		    (e = json_object_array_get_idx(list, (size_t)idx)) !=
		    NULL && jsonutil_get_string(e, "path", &file) == 0) ||
		    (jsonutil_get_array(old, "sources", &list) == 0 &&
		    (e = json_object_array_get_idx(list, (size_t)idx)) !=
		    NULL && jsonutil_get_string(e, "path", &file) == 0))
			jsonutil_set_string(c, "file", file);
	}
	free(head);
}

/* The digest an unresolved evidence_changed item already describes. */
static int
section_reported(struct drift *dr, const char *agent, const char *name,
    const char *digest)
{
	struct store_drift		*d;
	struct json_object		*detail;
	const char			*s;
	char				 err[64];
	size_t				 n, i;
	int				 same = 0;

	if (store_drift_unresolved(dr->store, agent, "evidence_changed", &d,
	    &n) != STORE_OK)
		return 0;
	for (i = 0; i < n; i++) {
		if (strcmp(d[i].subject, name) != 0)
			continue;
		detail = jsonutil_parse(d[i].detail, strlen(d[i].detail), err,
		    sizeof(err));
		same = jsonutil_get_string(detail, "digest", &s) == 0 &&
		    strcmp(s, digest) == 0;
		json_object_put(detail);
	}
	store_drift_list_free(d, n);
	return same;
}

static void
drift_sections_compare(struct drift *dr, const char *agent,
    const struct store_baseline *b, int64_t evidence_id, time_t now)
{
	struct store_section_ref	*was, *is;
	struct json_object		*old, *new, *changes, *detail;
	size_t				 nwas, nis, i, j, total;
	char				*prefix;

	if (store_evidence_sections(dr->store, b->evidence_id, &was, &nwas) !=
	    STORE_OK)
		return;
	if (store_evidence_sections(dr->store, evidence_id, &is, &nis) !=
	    STORE_OK) {
		free(was);
		return;
	}
	for (i = 0; i < nis; i++) {
		for (j = 0; j < nwas; j++)
			if (strcmp(was[j].name, is[i].name) == 0)
				break;
		if (j < nwas && strcmp(was[j].digest, is[i].digest) == 0) {
			drift_resolve(dr, agent, "evidence_changed", is[i].name,
			    "the section is back to its baseline", now);
			continue;
		}
		if (section_reported(dr, agent, is[i].name, is[i].digest))
			continue;
		detail = json_object_new_object();
		jsonutil_set_string(detail, "section", is[i].name);
		jsonutil_set_string(detail, "baseline_digest", j < nwas ?
		    was[j].digest : NULL);
		jsonutil_set_string(detail, "digest", is[i].digest);
		jsonutil_set_int64(detail, "baseline_evidence_id",
		    b->evidence_id);
		changes = json_object_new_array();
		/* Sources too: a file can change without its settings
		 * changing (a comment), and that is still a change. */
		old = j < nwas ? section_body(dr->store, was[j].digest) : NULL;
		new = section_body(dr->store, is[i].digest);
		prefix = xasprintf("sections.%s", is[i].name);
		total = jsondiff(old, new, prefix, changes, DRIFT_MAX_CHANGES);
		name_files(changes, prefix, old, new);
		free(prefix);
		json_object_put(old);
		json_object_put(new);
		jsonutil_set(detail, "changes", changes);
		jsonutil_set_int64(detail, "changes_total", (int64_t)total);
		drift_open(dr, agent, "evidence_changed", is[i].name,
		    b->audit_id, evidence_id, detail, now);
	}
	free(was);
	free(is);
}

void
drift_judged(struct drift *dr, int64_t evidence_id, const char *agent_id,
    const char *ruleset, const struct judgement *jd)
{
	const char		*results_digest = jd->digest;
	struct store_baseline	 b;
	struct json_object	*detail;
	enum store_status	 rc;
	int64_t			 latest;
	time_t			 received, now = timefmt_now();

	if (store_agent_latest(dr->store, agent_id, &latest, &received) !=
	    STORE_OK || latest != evidence_id)
		return;
	drift_resolve(dr, agent_id, "host_silent", "",
	    "the host sent evidence again", now);
	if ((rc = store_baseline_get(dr->store, agent_id, &b)) ==
	    STORE_NOT_FOUND) {
		/* Before any audit saw it, a host's first document is its
		 * baseline, and the host itself is news. */
		if (store_baseline_initial(dr->store, agent_id, evidence_id,
		    ruleset, results_digest) != STORE_OK)
			return;
		detail = json_object_new_object();
		jsonutil_set_int64(detail, "evidence_id", evidence_id);
		drift_open(dr, agent_id, "host_new", "", 0, evidence_id,
		    detail, now);
		return;
	}
	if (rc != STORE_OK)
		return;
	if (b.evidence_id == evidence_id)
		return;
	if (strcmp(b.results, results_digest) == 0) {
		/* Identical results: no rule differs from the baseline. */
		struct store_drift		*d;
		size_t				 n, i;

		if (store_drift_unresolved(dr->store, agent_id, NULL, &d,
		    &n) == STORE_OK) {
			for (i = 0; i < n; i++)
				if (strcmp(d[i].kind, "rule_regressed") == 0 ||
				    strcmp(d[i].kind, "rule_recovered") == 0)
					drift_resolve(dr, agent_id, d[i].kind,
					    d[i].subject, "back to its "
					    "baseline result", now);
			store_drift_list_free(d, n);
		}
	} else
		drift_rules_compare(dr, agent_id, &b, evidence_id, jd, now);
	drift_sections_compare(dr, agent_id, &b, evidence_id, now);
}

void
drift_rules(struct drift *dr, const char *ruleset, struct json_object *packs)
{
	struct json_object	*detail;
	char			*was = NULL;
	enum store_status	 rc;

	rc = store_meta_get(dr->store, META_RULESET, &was);
	if (rc == STORE_OK && strcmp(was, ruleset) != 0) {
		detail = json_object_new_object();
		jsonutil_set_string(detail, "from", was);
		jsonutil_set_string(detail, "to", ruleset);
		jsonutil_set(detail, "packs", json_object_get(packs));
		drift_open(dr, "", "ruleset_changed", ruleset, 0, 0, detail,
		    timefmt_now());
	}
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK &&
	    strcmp(was, ruleset) != 0))
		(void)store_meta_set(dr->store, META_RULESET, ruleset);
	free(was);
}

void
drift_kick(struct drift *dr)
{
	struct store_security_event_row	*e;
	struct json_object		*detail;
	char				*last = NULL, buf[32], subject[64];
	int64_t				 after = 0;
	size_t				 n, i;

	if (store_meta_get(dr->store, META_EVENTS, &last) == STORE_OK)
		after = strtoll(last, NULL, 10);
	free(last);
	if (store_security_events_after(dr->store, after, 100, &e, &n) !=
	    STORE_OK || n == 0)
		return;
	for (i = 0; i < n; i++) {
		detail = json_object_new_object();
		jsonutil_set_string(detail, "event", e[i].kind);
		jsonutil_set_string(detail, "peer", e[i].peer);
		jsonutil_set_string(detail, "detail", e[i].detail);
		jsonutil_set_int64(detail, "security_event_id", e[i].id);
		/* Each event is its own item: a person looks at each. */
		snprintf(subject, sizeof(subject), "%s:%lld", e[i].kind,
		    (long long)e[i].id);
		drift_open(dr, e[i].agent_id, "identity", subject, 0, 0,
		    detail, e[i].at);
	}
	snprintf(buf, sizeof(buf), "%lld", (long long)e[n - 1].id);
	(void)store_meta_set(dr->store, META_EVENTS, buf);
	free(e);
	/* More may wait. */
	if (n == 100)
		drift_kick(dr);
}

static void
drift_silence(evutil_socket_t fd, short what, void *arg)
{
	struct drift		*dr = arg;
	struct json_object	*detail;
	char			(*ids)[40];
	int64_t			 latest;
	time_t			 now = timefmt_now(), seen;
	char			 when[TIMEFMT_RFC3339_LEN];
	size_t			 n, i;

	(void)fd;
	(void)what;
	if (store_agents_silent(dr->store, now - (time_t)dr->conf->stale_after,
	    &ids, &n) != STORE_OK)
		return;
	for (i = 0; i < n; i++) {
		if (store_agent_latest(dr->store, ids[i], &latest, &seen) !=
		    STORE_OK)
			continue;
		detail = json_object_new_object();
		jsonutil_set_string(detail, "last_seen", timefmt_rfc3339(seen,
		    when, sizeof(when)));
		jsonutil_set_int64(detail, "stale_after",
		    dr->conf->stale_after);
		drift_open(dr, ids[i], "host_silent", "", 0, latest, detail,
		    now);
	}
	free(ids);
}

#define META_ANCHOR	"audit_schedule_anchor"

/*
 * Scheduled audits.  The next one is computed from the last scheduled
 * audit in the store (or, before the first, from when the schedule was
 * first seen), so a restart neither misses one nor starts one twice: one
 * due while the daemon was down starts once when it is back.
 */
static int	drift_audit_start(struct drift *, const char *, const char *,
		    time_t, int64_t *, int64_t *);

static void
drift_audit_due(evutil_socket_t fd, short what, void *arg)
{
	struct drift	*dr = arg;
	time_t		 last, next, now = timefmt_now();
	int64_t		 id, hosts;
	char		 name[64], day[TIMEFMT_RFC3339_LEN];

	(void)fd;
	(void)what;
	if (dr->schedule.kind == SCHEDULE_NONE ||
	    store_audit_last_scheduled(dr->store, &last) != STORE_OK)
		return;
	next = schedule_next(&dr->schedule, last, dr->anchor);
	if (next == 0 || now < next)
		return;
	timefmt_rfc3339(now, day, sizeof(day));
	snprintf(name, sizeof(name), "Scheduled audit %.10s", day);
	/* Another instance sharing the store may be first: it starts the
	 * audit, this one none. */
	(void)drift_audit_start(dr, name, "schedule", last, &id, &hosts);
}

static void
drift_arm(struct drift *dr)
{
	struct timeval	 tv = { (time_t)dr->conf->silence_check, 0 };
	struct timeval	 minute = { 60, 0 };
	char		 err[256], *a = NULL, buf[32];

	event_del(dr->silence_ev);
	event_add(dr->silence_ev, &tv);
	if (schedule_parse(dr->conf->audit_schedule, &dr->schedule, err,
	    sizeof(err)) == -1) {
		/* exhibitd checked it when loading; keep none. */
		log_warnx("audits: %s", err);
		memset(&dr->schedule, 0, sizeof(dr->schedule));
	}
	event_del(dr->audit_ev);
	if (dr->schedule.kind == SCHEDULE_NONE)
		return;
	if (store_meta_get(dr->store, META_ANCHOR, &a) == STORE_OK)
		dr->anchor = (time_t)strtoll(a, NULL, 10);
	else {
		dr->anchor = timefmt_now();
		snprintf(buf, sizeof(buf), "%lld", (long long)dr->anchor);
		(void)store_meta_set(dr->store, META_ANCHOR, buf);
	}
	free(a);
	event_add(dr->audit_ev, &minute);
	event_active(dr->audit_ev, EV_TIMEOUT, 0);
}

struct drift *
drift_new(struct event_base *base, struct store *st,
    const struct daemon_conf *conf)
{
	struct drift	*dr = xcalloc(1, sizeof(*dr));

	dr->base = base;
	dr->store = st;
	dr->conf = conf;
	if ((dr->silence_ev = event_new(base, -1, EV_PERSIST, drift_silence,
	    dr)) == NULL || (dr->audit_ev = event_new(base, -1, EV_PERSIST,
	    drift_audit_due, dr)) == NULL)
		fatalx("drift: event_new failed");
	drift_arm(dr);
	return dr;
}

void
drift_set_notify(struct drift *dr, drift_notify_fn fn, void *arg)
{
	dr->notify = fn;
	dr->notify_arg = arg;
}

void
drift_reload(struct drift *dr, const struct daemon_conf *conf)
{
	dr->conf = conf;
	drift_arm(dr);
}

void
drift_free(struct drift *dr)
{
	size_t	i;

	if (dr == NULL)
		return;
	event_free(dr->silence_ev);
	event_free(dr->audit_ev);
	for (i = 0; i < DRIFT_BASELINES; i++)
		rule_statuses_clear(&dr->baselines[i].statuses);
	free(dr);
}

int
drift_audit(struct drift *dr, const char *name, const char *by,
    int scheduled, int64_t *audit_id, int64_t *hosts)
{
	time_t	last = 0;

	if (scheduled && store_audit_last_scheduled(dr->store, &last) !=
	    STORE_OK)
		return -1;
	return drift_audit_start(dr, name, by, scheduled ? last : -1,
	    audit_id, hosts);
}

/* after: -1 for an audit by hand, else the last scheduled audit's start
 * the caller saw. */
static int
drift_audit_start(struct drift *dr, const char *name, const char *by,
    time_t after, int64_t *audit_id, int64_t *hosts)
{
	struct store_audit	 a;
	int64_t			*resolved;
	size_t			 n, i;
	enum store_status	 rc;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	snprintf(a.started_by, sizeof(a.started_by), "%s", by);
	a.started_at = timefmt_now();
	a.scheduled = after != -1;
	a.scheduled_after = after != -1 ? after : 0;
	if ((rc = store_audit_start(dr->store, &a, &resolved, &n)) !=
	    STORE_OK) {
		if (rc == STORE_EXISTS)
			log_info("audit \"%s\": started by another instance",
			    name);
		return -1;
	}
	log_info("audit %lld \"%s\" started by %s: %lld baseline(s) frozen, "
	    "%zu drift item(s) superseded", (long long)a.id, a.name, by,
	    (long long)a.hosts, n);
	for (i = 0; i < n; i++)
		drift_tell(dr, resolved[i], "resolved");
	free(resolved);
	*audit_id = a.id;
	*hosts = a.hosts;
	return 0;
}
