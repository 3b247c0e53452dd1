/*
 * Answering from the stored results.  Waivers are applied here, at the
 * time asked about, never stored into results: a waiver added later, or
 * one that lapsed, changes what is reported, not what was observed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "controls.h"
#include "findings.h"
#include "jsonutil.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define FRAMEWORK	"iso27001:2022"

struct cached_rules {
	char		 digest[STORE_DIGEST_LEN];
	struct ruleset	*set;		/* NULL: could not be loaded */
};

struct findings {
	struct store		*store;
	struct cached_rules	*cache;
	size_t			 ncache;
};

/* What one query works on: every host's result set in force at a time,
 * parsed, with the waivers of the time. */
struct snapshot {
	time_t			 at;
	struct store_result_set	*sets;
	size_t			 nsets;
	struct json_object	**results;	/* parsed sets[i].results */
	struct ruleset		**rules;	/* sets[i].ruleset, cached */
	struct store_waiver	*waivers;
	size_t			 nwaivers;
	struct store_agent	*idle;		/* enrolled, nothing judged */
	size_t			 nidle;
};

struct findings *
findings_new(struct store *st)
{
	struct findings	*f = xcalloc(1, sizeof(*f));

	f->store = st;
	return f;
}

void
findings_free(struct findings *f)
{
	size_t	 i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ncache; i++)
		ruleset_free(f->cache[i].set);
	free(f->cache);
	free(f);
}

/* The rule set that produced results, rebuilt from its stored packs. */
static struct ruleset *
findings_rules(struct findings *f, const char *digest)
{
	struct store_pack_row	*packs;
	struct ruleset		*set = NULL;
	const char		**names, **bufs;
	size_t			*lens, n, i;

	for (i = 0; i < f->ncache; i++)
		if (strcmp(f->cache[i].digest, digest) == 0)
			return f->cache[i].set;
	if (store_ruleset_get(f->store, digest, &packs, &n) == STORE_OK) {
		names = xcalloc(n, sizeof(*names));
		bufs = xcalloc(n, sizeof(*bufs));
		lens = xcalloc(n, sizeof(*lens));
		for (i = 0; i < n; i++) {
			names[i] = packs[i].name;
			bufs[i] = packs[i].body;
			lens[i] = packs[i].len;
		}
		set = ruleset_load_packs(names, bufs, lens, n);
		free(names);
		free(bufs);
		free(lens);
		store_packs_free(packs, n);
	}
	if (set == NULL)
		log_warnx("rule set %s cannot be loaded from the store: its "
		    "results are shown without titles", digest);
	f->cache = xreallocarray(f->cache, f->ncache + 1, sizeof(*f->cache));
	snprintf(f->cache[f->ncache].digest, sizeof(f->cache[0].digest), "%s",
	    digest);
	f->cache[f->ncache].set = set;
	return f->cache[f->ncache++].set;
}

static int
host_matches(const struct findings_filter *flt, const char *agent_id,
    const char *hostname)
{
	return flt->host == NULL || strcmp(flt->host, agent_id) == 0 ||
	    strcmp(flt->host, hostname) == 0;
}

static void
snapshot_free(struct snapshot *s)
{
	size_t	 i;

	for (i = 0; i < s->nsets; i++)
		json_object_put(s->results[i]);
	free(s->results);
	free(s->rules);
	store_result_sets_free(s->sets, s->nsets);
	free(s->waivers);
	store_agent_list_free(s->idle, s->nidle);
	memset(s, 0, sizeof(*s));
}

/* Hosts enrolled and unrevoked at s->at without results in force. */
static int
snapshot_idle(struct findings *f, const struct findings_filter *flt,
    struct snapshot *s)
{
	struct store_agent	*agents;
	size_t			 n, i, k;

	if (store_agent_list(f->store, &agents, &n) != STORE_OK)
		return -1;
	for (i = 0; i < n; i++) {
		if (agents[i].enrolled_at > s->at || (agents[i].revoked_at != 0
		    && agents[i].revoked_at <= s->at) ||
		    !host_matches(flt, agents[i].id, agents[i].hostname))
			continue;
		for (k = 0; k < s->nsets; k++)
			if (strcmp(s->sets[k].agent_id, agents[i].id) == 0)
				break;
		if (k < s->nsets)
			continue;
		s->idle = xreallocarray(s->idle, s->nidle + 1,
		    sizeof(*s->idle));
		s->idle[s->nidle++] = agents[i];
		/* Moved: the list must not free its strings. */
		memset(&agents[i], 0, sizeof(agents[i]));
	}
	store_agent_list_free(agents, n);
	return 0;
}

static int
snapshot_load(struct findings *f, const struct findings_filter *flt,
    struct snapshot *s)
{
	struct store_result_set	*all;
	size_t			 n, i;
	char			 err[128];

	memset(s, 0, sizeof(*s));
	s->at = flt->at != 0 ? flt->at : timefmt_now();
	if (store_results_at(f->store, s->at, NULL, &all, &n) != STORE_OK)
		return -1;
	if (store_waiver_list(f->store, &s->waivers, &s->nwaivers) !=
	    STORE_OK) {
		store_result_sets_free(all, n);
		return -1;
	}
	s->sets = xcalloc(n ? n : 1, sizeof(*s->sets));
	s->results = xcalloc(n ? n : 1, sizeof(*s->results));
	s->rules = xcalloc(n ? n : 1, sizeof(*s->rules));
	for (i = 0; i < n; i++) {
		if (!host_matches(flt, all[i].agent_id, all[i].hostname)) {
			free(all[i].results);
			continue;
		}
		s->sets[s->nsets] = all[i];
		s->results[s->nsets] = jsonutil_parse(all[i].results,
		    all[i].len, err, sizeof(err));
		if (s->results[s->nsets] == NULL) {
			log_warnx("evidence %lld: stored results unreadable: "
			    "%s", (long long)all[i].evidence_id, err);
			s->results[s->nsets] = json_object_new_array();
		}
		s->rules[s->nsets] = findings_rules(f, all[i].ruleset);
		s->nsets++;
	}
	free(all);
	return snapshot_idle(f, flt, s);
}

/* The waiver covering a failure of rule on this host at s->at, if any. */
static const struct store_waiver *
waiver_for(const struct snapshot *s, const char *rule, const char *agent_id,
    const char *hostname)
{
	const struct store_waiver	*w;
	size_t				 i;

	for (i = 0; i < s->nwaivers; i++) {
		w = &s->waivers[i];
		if (strcmp(w->rule_id, rule) != 0 ||
		    w->created_at > s->at || s->at >= w->expires_at ||
		    (w->removed_at != 0 && w->removed_at <= s->at))
			continue;
		if (strcmp(w->host, agent_id) == 0 ||
		    fnmatch(w->host, hostname, 0) == 0)
			return w;
	}
	return NULL;
}

/* A result's status once waivers are applied; *w the waiver used. */
static enum rule_status
result_status(const struct snapshot *s, size_t i, struct json_object *r,
    const struct store_waiver **w)
{
	enum rule_status	 st = RULE_ERROR;
	const char		*id, *text;

	*w = NULL;
	if (jsonutil_get_string(r, "status", &text) == -1 ||
	    rule_status_parse(text, &st) == -1)
		return RULE_ERROR;
	if (st == RULE_FAIL && jsonutil_get_string(r, "rule", &id) == 0 &&
	    (*w = waiver_for(s, id, s->sets[i].agent_id,
	    s->sets[i].hostname)) != NULL)
		return RULE_WAIVED;
	return st;
}

int
findings_list(struct findings *f, const struct findings_filter *flt,
    struct json_object **out)
{
	struct snapshot			 s;
	const struct rule_info		*ri;
	const struct store_waiver	*w;
	struct rule_pack_info		 pi;
	struct json_object		*list, *r, *o, *wo;
	enum rule_status		 st;
	const char			*id;
	size_t				 i, j, n;

	if (snapshot_load(f, flt, &s) == -1)
		return -1;
	list = json_object_new_array();
	for (i = 0; i < s.nsets; i++) {
		n = json_object_array_length(s.results[i]);
		for (j = 0; j < n; j++) {
			r = json_object_array_get_idx(s.results[i], j);
			if (jsonutil_get_string(r, "rule", &id) == -1)
				continue;
			ri = s.rules[i] != NULL ? ruleset_find(s.rules[i], id) :
			    NULL;
			if (flt->rule != NULL && strcmp(flt->rule, id) != 0)
				continue;
			if (flt->control != NULL && (ri == NULL ||
			    !rule_has_control(ri, FRAMEWORK, flt->control)))
				continue;
			st = result_status(&s, i, r, &w);
			if (flt->status >= 0 && (int)st != flt->status)
				continue;
			o = json_object_new_object();
			jsonutil_set_string(o, "agent_id", s.sets[i].agent_id);
			jsonutil_set_string(o, "hostname", s.sets[i].hostname);
			jsonutil_set_int64(o, "evidence_id",
			    s.sets[i].evidence_id);
			jsonutil_set_time(o, "received_at", s.sets[i].received_at);
			jsonutil_set_time(o, "collected_at", s.sets[i].collected_at);
			jsonutil_set_time(o, "evaluated_at", s.sets[i].evaluated_at);
			jsonutil_set_string(o, "rule", id);
			if (ri != NULL) {
				jsonutil_set_string(o, "title", ri->title);
				jsonutil_set_string(o, "severity",
				    ri->severity);
				jsonutil_set(o, "controls",
				    json_object_get(ri->controls));
			}
			jsonutil_set_string(o, "status", rule_status_str(st));
			json_object_object_foreach(r, key, val) {
				if (strcmp(key, "rule") != 0 &&
				    strcmp(key, "status") != 0)
					jsonutil_set(o, key,
					    json_object_get(val));
			}
			if (w != NULL) {
				wo = json_object_new_object();
				jsonutil_set_int64(wo, "id", w->id);
				jsonutil_set_string(wo, "owner", w->owner);
				jsonutil_set_string(wo, "justification",
				    w->justification);
				jsonutil_set_time(wo, "expires_at", w->expires_at);
				jsonutil_set(o, "waiver", wo);
			}
			if (ri != NULL) {
				ruleset_pack(s.rules[i], ri->pack, &pi);
				jsonutil_set_string(o, "pack", pi.name);
				jsonutil_set_string(o, "pack_version",
				    pi.version);
				jsonutil_set_string(o, "pack_digest",
				    pi.digest);
			}
			jsonutil_set_string(o, "ruleset", s.sets[i].ruleset);
			json_object_array_add(list, o);
		}
	}
	snapshot_free(&s);
	*out = list;
	return 0;
}

/* Statuses of set i after waivers, counted. */
static void
count_set(const struct snapshot *s, size_t i, size_t counts[RULE_NSTATUS])
{
	const struct store_waiver	*w;
	size_t				 j, n;

	memset(counts, 0, RULE_NSTATUS * sizeof(*counts));
	n = json_object_array_length(s->results[i]);
	for (j = 0; j < n; j++)
		counts[result_status(s, i, json_object_array_get_idx(
		    s->results[i], j), &w)]++;
}

static struct json_object *
counts_json(const size_t counts[RULE_NSTATUS])
{
	struct json_object	*c;
	int			 k;

	c = json_object_new_object();
	for (k = 0; k < RULE_NSTATUS; k++)
		jsonutil_set_int64(c, rule_status_str((enum rule_status)k),
		    (int64_t)counts[k]);
	return c;
}

int
findings_hosts(struct findings *f, const struct findings_filter *flt,
    struct json_object **out)
{
	struct snapshot		 s;
	struct store_agent	*agents;
	struct json_object	*list, *o;
	size_t			 na, i, k, counts[RULE_NSTATUS], judged;

	if (snapshot_load(f, flt, &s) == -1)
		return -1;
	if (store_agent_list(f->store, &agents, &na) != STORE_OK) {
		snapshot_free(&s);
		return -1;
	}
	list = json_object_new_array();
	for (i = 0; i < na; i++) {
		if (agents[i].enrolled_at > s.at || (agents[i].revoked_at != 0
		    && agents[i].revoked_at <= s.at) ||
		    !host_matches(flt, agents[i].id, agents[i].hostname))
			continue;
		o = json_object_new_object();
		jsonutil_set_string(o, "agent_id", agents[i].id);
		jsonutil_set_string(o, "hostname", agents[i].hostname);
		jsonutil_set_string(o, "machine_id", agents[i].machine_id);
		jsonutil_set_time(o, "enrolled_at", agents[i].enrolled_at);
		for (k = 0; k < s.nsets; k++)
			if (strcmp(s.sets[k].agent_id, agents[i].id) == 0)
				break;
		if (k < s.nsets) {
			jsonutil_set_string(o, "hostname", s.sets[k].hostname);
			jsonutil_set_int64(o, "evidence_id",
			    s.sets[k].evidence_id);
			jsonutil_set_time(o, "last_seen", s.sets[k].received_at);
			count_set(&s, k, counts);
			jsonutil_set(o, "counts", counts_json(counts));
			judged = counts[RULE_PASS] + counts[RULE_FAIL] +
			    counts[RULE_ERROR];
			if (judged > 0)
				jsonutil_set_int64(o, "score", (int64_t)
				    ((100 * counts[RULE_PASS] + judged / 2) /
				    judged));
		}
		json_object_array_add(list, o);
	}
	store_agent_list_free(agents, na);
	snapshot_free(&s);
	*out = list;
	return 0;
}

static int
json_array_has(struct json_object *arr, const char *s)
{
	size_t	 i, n = json_object_array_length(arr);

	for (i = 0; i < n; i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(
		    arr, i)), s) == 0)
			return 1;
	return 0;
}

/* A host's standing on a control from the results of its rules: failing
 * beats waived beats not evidenced (an error) beats passing. */
static const char *
control_state(const size_t counts[RULE_NSTATUS])
{
	if (counts[RULE_FAIL] > 0)
		return "failing";
	if (counts[RULE_WAIVED] > 0)
		return "waived";
	if (counts[RULE_ERROR] > 0 || counts[RULE_PASS] == 0)
		return "not_evidenced";
	return "passing";
}

int
findings_controls(struct findings *f, const struct findings_filter *flt,
    struct json_object **out)
{
	struct snapshot			 s;
	const struct control		*c;
	const struct rule_info		*ri;
	const struct store_waiver	*w;
	struct json_object		*list, *o, *rules, *hosts, *per, *h;
	struct json_object		*hrules, *r, *attn;
	enum rule_status		 rs;
	const char			*id, *state;
	size_t				 i, k, j, n, nc, counts[RULE_NSTATUS];
	int64_t				 tally[4];

	if (snapshot_load(f, flt, &s) == -1)
		return -1;
	list = json_object_new_array();
	nc = controls_count(FRAMEWORK);
	for (i = 0; i < nc; i++) {
		c = controls_at(FRAMEWORK, i);
		if (flt->control != NULL && strcmp(flt->control, c->id) != 0)
			continue;
		o = json_object_new_object();
		jsonutil_set_string(o, "control", c->id);
		jsonutil_set_string(o, "title", c->title);
		jsonutil_set_string(o, "theme", c->theme);
		rules = json_object_new_array();
		per = json_object_new_array();
		memset(tally, 0, sizeof(tally));
		for (k = 0; k < s.nsets; k++) {
			memset(counts, 0, sizeof(counts));
			hrules = json_object_new_array();
			attn = json_object_new_array();
			n = json_object_array_length(s.results[k]);
			for (j = 0; j < n; j++) {
				r = json_object_array_get_idx(s.results[k], j);
				if (jsonutil_get_string(r, "rule", &id) == -1 ||
				    s.rules[k] == NULL ||
				    (ri = ruleset_find(s.rules[k], id)) ==
				    NULL || !rule_has_control(ri, FRAMEWORK,
				    c->id))
					continue;
				rs = result_status(&s, k, r, &w);
				counts[rs]++;
				json_object_array_add(hrules,
				    json_object_new_string(id));
				if (rs == RULE_FAIL || rs == RULE_ERROR ||
				    rs == RULE_WAIVED)
					json_object_array_add(attn,
					    json_object_new_string(id));
			}
			/* The rules named are those that judged. */
			n = json_object_array_length(hrules);
			for (j = 0; j < n; j++) {
				id = json_object_get_string(
				    json_object_array_get_idx(hrules, j));
				if (!json_array_has(rules, id))
					json_object_array_add(rules,
					    json_object_new_string(id));
			}
			state = control_state(counts);
			tally[strcmp(state, "passing") == 0 ? 0 :
			    strcmp(state, "failing") == 0 ? 1 :
			    strcmp(state, "waived") == 0 ? 2 : 3]++;
			h = json_object_new_object();
			jsonutil_set_string(h, "agent_id", s.sets[k].agent_id);
			jsonutil_set_string(h, "hostname", s.sets[k].hostname);
			jsonutil_set_string(h, "state", state);
			jsonutil_set(h, "counts", counts_json(counts));
			jsonutil_set(h, "rules", hrules);
			jsonutil_set(h, "not_passing", attn);
			json_object_array_add(per, h);
		}
		/* Enrolled hosts that sent nothing judged evidence nothing. */
		for (k = 0; k < s.nidle; k++) {
			tally[3]++;
			h = json_object_new_object();
			jsonutil_set_string(h, "agent_id", s.idle[k].id);
			jsonutil_set_string(h, "hostname", s.idle[k].hostname);
			jsonutil_set_string(h, "state", "not_evidenced");
			jsonutil_set(h, "rules", json_object_new_array());
			jsonutil_set(h, "not_passing", json_object_new_array());
			json_object_array_add(per, h);
		}
		jsonutil_set(o, "rules", rules);
		hosts = json_object_new_object();
		jsonutil_set_int64(hosts, "passing", tally[0]);
		jsonutil_set_int64(hosts, "failing", tally[1]);
		jsonutil_set_int64(hosts, "waived", tally[2]);
		jsonutil_set_int64(hosts, "not_evidenced", tally[3]);
		jsonutil_set(o, "hosts", hosts);
		jsonutil_set(o, "per_host", per);
		json_object_array_add(list, o);
	}
	snapshot_free(&s);
	*out = list;
	return 0;
}
