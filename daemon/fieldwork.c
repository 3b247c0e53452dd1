/*
 * Reading a bundle for the fieldwork report (fieldwork.h), in one pass
 * over its members in the order doc/bundle.md gives.  An agent's
 * members come together: agent.json, its documents in seq order, then
 * the result sets they name.  So a document is remembered only as part
 * of a run of documents whose newest evaluation named the same result
 * set, and each result set, when it comes, fills the cells whose start,
 * end or first failure it judged; the failing time is summed once the
 * agent's last result set is in.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bundle.h"
#include "controls.h"
#include "fieldwork.h"
#include "jsonutil.h"
#include "rules.h"
#include "strv.h"
#include "timefmt.h"
#include "xmalloc.h"

#define NO_SET	((size_t)-1)

/* Documents in a row whose newest evaluation named the same result set. */
struct fw_run {
	int64_t		 id, seq;		/* the first document */
	time_t		 collected, received;
	int64_t		 last_id, last_seq;	/* the last one */
	time_t		 last_collected, last_received;
	size_t		 docs;
	size_t		 set;			/* index into digests */
};

/* A result set the agent's documents name: status by rule index, 0 for
 * none, else 1 + enum rule_status. */
struct fw_digest {
	char		*hex;
	size_t		 first_run;
	unsigned char	*status;
	size_t		 nstatus;
};

struct fw_pack {
	char		*hex;
	char		*body;
	size_t		 len;
};

struct fw_read {
	struct fw_pack		*packs;
	size_t			 npacks;
	struct json_object	*rule_index;	/* id -> index */
	struct strv		 done;		/* agents read */
	size_t			 host;		/* the agent being read */
	int			 in_agent;
	int			 results_begun;
	struct fw_run		*runs;
	size_t			 nruns;
	struct fw_digest	*digests;
	size_t			 ndigests;
	char			*err;
	size_t			 errlen;
};

static int
fail(struct fieldwork *fw, const char *member, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct fieldwork *fw, const char *member, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n;

	n = (size_t)snprintf(fw->rd->err, fw->rd->errlen, "%s: ", member);
	if (n >= fw->rd->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(fw->rd->err + n, fw->rd->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static struct json_object *
parse(struct fieldwork *fw, const char *member, const char *data, size_t len,
    json_type want)
{
	struct json_object	*o;
	char			 perr[160];

	if ((o = jsonutil_parse(data, len, perr, sizeof(perr))) == NULL) {
		fail(fw, member, "does not parse: %s", perr);
		return NULL;
	}
	if (!json_object_is_type(o, want)) {
		fail(fw, member, "is not a JSON %s", want == json_type_array ?
		    "array" : "object");
		json_object_put(o);
		return NULL;
	}
	return o;
}

static time_t
time_of(struct json_object *o, const char *key)
{
	const char	*s;
	time_t		 t;

	if (o == NULL || jsonutil_get_string(o, key, &s) == -1 ||
	    timefmt_parse_rfc3339(s, &t) == -1)
		return 0;
	return t;
}

/* --- rules ----------------------------------------------------------- */

static size_t
rule_index(struct fieldwork *fw, const char *id)
{
	struct json_object	*v;
	size_t			 i;

	if (json_object_object_get_ex(fw->rd->rule_index, id, &v))
		return (size_t)json_object_get_int64(v);
	i = fw->nrules;
	fw->rules = xgrowarray(fw->rules, i, sizeof(*fw->rules));
	fw->rules[i].id = xstrdup(id);
	fw->rules[i].info = NULL;
	fw->nrules++;
	jsonutil_set_int64(fw->rd->rule_index, id, (int64_t)i);
	return i;
}

static int
rule_pack(struct fieldwork *fw, const char *hex, const char *data,
    size_t len)
{
	struct fw_read	*rd = fw->rd;
	struct fw_pack	*p;

	rd->packs = xgrowarray(rd->packs, rd->npacks, sizeof(*rd->packs));
	p = &rd->packs[rd->npacks++];
	p->hex = xstrndup(hex, strcspn(hex, "."));
	p->body = xmalloc(len + 1);
	memcpy(p->body, data, len + 1);
	p->len = len;
	return 0;
}

static int
ruleset_of(struct fieldwork *fw, const char *member, const char *digest,
    struct json_object *packs)
{
	struct fw_read		 *rd = fw->rd;
	const struct rule_info	 *ri;
	struct ruleset		 *rs;
	const char		**names, **bufs, *d;
	size_t			 *lens, n, i, j;

	n = json_object_is_type(packs, json_type_array) ?
	    json_object_array_length(packs) : 0;
	names = xcalloc(n + 1, sizeof(*names));
	bufs = xcalloc(n + 1, sizeof(*bufs));
	lens = xcalloc(n + 1, sizeof(*lens));
	for (i = 0; i < n; i++) {
		if (jsonutil_get_string(json_object_array_get_idx(packs, i),
		    "digest", &d) == -1 || strncmp(d, "sha256:", 7) != 0)
			break;
		for (j = 0; j < rd->npacks; j++)
			if (strcmp(rd->packs[j].hex, d + 7) == 0)
				break;
		if (j == rd->npacks)
			break;
		names[i] = rd->packs[j].hex;
		bufs[i] = rd->packs[j].body;
		lens[i] = rd->packs[j].len;
	}
	rs = i == n && n > 0 ? ruleset_load_packs(names, bufs, lens, n) :
	    NULL;
	free(names);
	free(bufs);
	free(lens);
	if (rs == NULL)
		return fail(fw, member, "rule set %s: its packs are not all in "
		    "the bundle, or do not load", digest);
	fw->sets = xgrowarray(fw->sets, fw->nsets, sizeof(*fw->sets));
	fw->sets[fw->nsets++] = rs;
	/* The last rule set that defines a rule names its controls. */
	for (i = 0; i < ruleset_rule_count(rs); i++) {
		ri = ruleset_rule(rs, i);
		j = rule_index(fw, ri->id);	/* may move fw->rules */
		fw->rules[j].info = ri;
	}
	return 0;
}

static int
rulesets(struct fieldwork *fw, const char *member, const char *data,
    size_t len)
{
	struct json_object	*o;
	int			 rc = 0;

	if ((o = parse(fw, member, data, len, json_type_object)) == NULL)
		return -1;
	json_object_object_foreach(o, digest, packs) {
		if ((rc = ruleset_of(fw, member, digest, packs)) == -1)
			break;
	}
	json_object_put(o);
	return rc;
}

/* --- one agent ------------------------------------------------------- */

static struct fw_cell *
cell(struct fw_host *h, size_t r)
{
	size_t	 n;

	if (r >= h->ncells) {
		n = r + 16;
		h->cells = xreallocarray(h->cells, n, sizeof(*h->cells));
		memset(h->cells + h->ncells, 0, (n - h->ncells) *
		    sizeof(*h->cells));
		h->ncells = n;
	}
	return &h->cells[r];
}

static void
seen_set(struct fw_seen *s, int64_t id, int64_t seq, time_t collected,
    time_t received, struct json_object *result)
{
	json_object_put(s->result);
	s->evidence_id = id;
	s->seq = seq;
	s->collected_at = collected;
	s->received_at = received;
	s->result = json_object_get(result);
}

static unsigned char
status_at(const struct fw_read *rd, const struct fw_run *run, size_t r)
{
	const struct fw_digest	*d;

	if (run->set == NO_SET)
		return 0;
	d = &rd->digests[run->set];
	return r < d->nstatus ? d->status[r] : 0;
}

/* Every result set of the agent is in: sum each cell's failing time
 * over the runs, and count the runs of failures. */
static void
agent_done(struct fieldwork *fw)
{
	struct fw_read	*rd = fw->rd;
	struct fw_host	*h;
	struct fw_cell	*c;
	struct fw_run	*run;
	unsigned char	 st;
	time_t		 until;
	size_t		 r, k, nr = 0;
	int		 failing;

	if (!rd->in_agent)
		return;
	h = &fw->hosts[rd->host];
	for (k = 0; k < rd->ndigests; k++)
		if (rd->digests[k].nstatus > nr)
			nr = rd->digests[k].nstatus;
	for (r = 0; r < nr; r++) {
		c = NULL;
		failing = 0;
		for (k = 0; k < rd->nruns; k++) {
			run = &rd->runs[k];
			/* A document without this rule's result says
			 * nothing either way: no time, no change. */
			if ((st = status_at(rd, run, r)) == 0)
				continue;
			if (c == NULL)
				c = cell(h, r);
			c->judged += run->docs;
			if (st != 1 + RULE_FAIL) {
				failing = 0;
				continue;
			}
			until = k + 1 < rd->nruns ? rd->runs[k + 1].collected :
			    run->last_collected;
			if (until > run->collected)
				c->failing += (long long)(until -
				    run->collected);
			if (!failing) {
				c->fail_runs++;
				c->fail_since = run->collected;
				failing = 1;
			}
		}
		if (c != NULL && !failing)
			c->fail_since = 0;
	}
	for (k = 0; k < rd->ndigests; k++) {
		free(rd->digests[k].hex);
		free(rd->digests[k].status);
	}
	free(rd->digests);
	free(rd->runs);
	rd->digests = NULL;
	rd->runs = NULL;
	rd->ndigests = rd->nruns = 0;
	rd->in_agent = 0;
	rd->results_begun = 0;
}

static int
agent_begin(struct fieldwork *fw, const char *member, const char *id)
{
	struct fw_read	*rd = fw->rd;
	struct fw_host	*h;

	if (rd->in_agent && strcmp(fw->hosts[rd->host].agent_id, id) == 0)
		return 0;
	agent_done(fw);
	if (strv_has(&rd->done, id))
		return fail(fw, member, "the agent's members are not together "
		    "(exhibitctl verify names what is out of place)");
	strv_add(&rd->done, id);
	fw->hosts = xgrowarray(fw->hosts, fw->nhosts, sizeof(*fw->hosts));
	h = &fw->hosts[fw->nhosts];
	memset(h, 0, sizeof(*h));
	h->agent_id = xstrdup(id);
	rd->host = fw->nhosts++;
	rd->in_agent = 1;
	return 0;
}

static int
agent_json(struct fieldwork *fw, const char *member, const char *data,
    size_t len)
{
	struct fw_host		*h = &fw->hosts[fw->rd->host];
	struct json_object	*o;
	const char		*s;

	if ((o = parse(fw, member, data, len, json_type_object)) == NULL)
		return -1;
	free(h->hostname);
	h->hostname = xstrdup(jsonutil_get_string(o, "hostname", &s) == 0 ?
	    s : "");
	h->enrolled_at = time_of(o, "enrolled_at");
	h->revoked_at = time_of(o, "revoked_at");
	json_object_put(o);
	return 0;
}

static size_t
digest_index(struct fw_read *rd, const char *hex, int add)
{
	size_t	 i;

	for (i = 0; i < rd->ndigests; i++)
		if (strcmp(rd->digests[i].hex, hex) == 0)
			return i;
	if (!add)
		return NO_SET;
	rd->digests = xgrowarray(rd->digests, i, sizeof(*rd->digests));
	memset(&rd->digests[i], 0, sizeof(rd->digests[i]));
	rd->digests[i].hex = xstrdup(hex);
	rd->digests[i].first_run = rd->nruns;	/* the run about to be */
	rd->ndigests++;
	return i;
}

/* The result set of the document's newest evaluation, or NULL. */
static const char *
newest_results(struct json_object *meta)
{
	struct json_object	*evs, *ev;
	const char		*best = NULL, *s;
	time_t			 when = 0;
	size_t			 i;

	if (jsonutil_get_array(meta, "evaluations", &evs) == -1)
		return NULL;
	for (i = 0; i < json_object_array_length(evs); i++) {
		ev = json_object_array_get_idx(evs, i);
		if (jsonutil_get_string(ev, "results", &s) == -1 ||
		    strncmp(s, "sha256:", 7) != 0)
			continue;
		/* Re-evaluated under a newer rule set: the newest counts. */
		if (best == NULL || time_of(ev, "evaluated_at") >= when) {
			best = s + 7;
			when = time_of(ev, "evaluated_at");
		}
	}
	return best;
}

static int
evidence_meta(struct fieldwork *fw, const char *member, const char *data,
    size_t len)
{
	struct fw_read		*rd = fw->rd;
	struct fw_host		*h = &fw->hosts[rd->host];
	struct fw_run		*run;
	struct json_object	*o;
	const char		*hex;
	int64_t			 id, seq;
	time_t			 collected, received;
	size_t			 set;

	if (rd->results_begun)
		return fail(fw, member, "evidence after its agent's result "
		    "sets (exhibitctl verify names what is out of place)");
	if ((o = parse(fw, member, data, len, json_type_object)) == NULL)
		return -1;
	if (jsonutil_get_int64(o, "evidence_id", &id) == -1 ||
	    jsonutil_get_int64(o, "seq", &seq) == -1 ||
	    (collected = time_of(o, "collected_at")) == 0 ||
	    (received = time_of(o, "received_at")) == 0) {
		json_object_put(o);
		return fail(fw, member, "lacks evidence_id, seq, collected_at "
		    "or received_at");
	}
	hex = newest_results(o);
	set = hex != NULL ? digest_index(rd, hex, 1) : NO_SET;
	json_object_put(o);

	if (h->documents == 0 || collected < h->first)
		h->first = collected;
	if (collected > h->last)
		h->last = collected;
	h->documents++;
	run = rd->nruns > 0 ? &rd->runs[rd->nruns - 1] : NULL;
	if (run == NULL || set == NO_SET || run->set != set) {
		rd->runs = xgrowarray(rd->runs, rd->nruns, sizeof(*rd->runs));
		run = &rd->runs[rd->nruns++];
		run->id = id;
		run->seq = seq;
		run->collected = collected;
		run->received = received;
		run->docs = 0;
		run->set = set;
	}
	run->last_id = id;
	run->last_seq = seq;
	run->last_collected = collected;
	run->last_received = received;
	run->docs++;
	return 0;
}

static int
result_set(struct fieldwork *fw, const char *member, const char *hex,
    const char *data, size_t len)
{
	struct fw_read		*rd = fw->rd;
	struct fw_host		*h = &fw->hosts[rd->host];
	struct fw_digest	*dg;
	struct fw_run		*first = NULL, *last = NULL, *mine;
	struct fw_cell		*c;
	struct json_object	*arr, *res;
	enum rule_status	 st;
	const char		*id, *s;
	size_t			 d, k, i, r;

	if ((arr = parse(fw, member, data, len, json_type_array)) == NULL)
		return -1;
	rd->results_begun = 1;
	if ((d = digest_index(rd, hex, 0)) == NO_SET) {
		/* Named by an older evaluation only. */
		json_object_put(arr);
		return 0;
	}
	for (k = 0; k < rd->nruns; k++)
		if (rd->runs[k].set != NO_SET) {
			last = &rd->runs[k];
			if (first == NULL)
				first = last;
		}
	dg = &rd->digests[d];
	mine = &rd->runs[dg->first_run];
	for (i = 0; i < json_object_array_length(arr); i++) {
		res = json_object_array_get_idx(arr, i);
		if (jsonutil_get_string(res, "rule", &id) == -1 ||
		    jsonutil_get_string(res, "status", &s) == -1 ||
		    rule_status_parse(s, &st) == -1) {
			json_object_put(arr);
			return fail(fw, member, "result %zu has no rule or no "
			    "status", i);
		}
		r = rule_index(fw, id);
		if (r >= dg->nstatus) {
			dg->status = xrealloc(dg->status, r + 16);
			memset(dg->status + dg->nstatus, 0, r + 16 -
			    dg->nstatus);
			dg->nstatus = r + 16;
		}
		dg->status[r] = (unsigned char)(1 + st);
		c = cell(h, r);
		if (first->set == d)
			seen_set(&c->start, first->id, first->seq,
			    first->collected, first->received, res);
		if (last->set == d)
			seen_set(&c->end, last->last_id, last->last_seq,
			    last->last_collected, last->last_received, res);
		if (st == RULE_FAIL && (c->fail.result == NULL ||
		    mine->seq < c->fail.seq))
			seen_set(&c->fail, mine->id, mine->seq,
			    mine->collected, mine->received, res);
	}
	json_object_put(arr);
	return 0;
}

/* agents/<id>/<rest> */
static int
agent_member(struct fieldwork *fw, const char *member, const char *data,
    size_t len)
{
	const char	*a = member + 7, *rest, *dot;
	char		*id;
	int		 rc;

	if ((rest = strchr(a, '/')) == NULL)
		return 0;
	id = xstrndup(a, (size_t)(rest - a));
	rc = agent_begin(fw, member, id);
	free(id);
	if (rc == -1)
		return -1;
	rest++;
	if (strcmp(rest, "agent.json") == 0)
		return agent_json(fw, member, data, len);
	if (strncmp(rest, "evidence/", 9) == 0 &&
	    (dot = strchr(rest + 9, '.')) != NULL && strcmp(dot, ".json") == 0)
		return evidence_meta(fw, member, data, len);
	if (strncmp(rest, "results/", 8) == 0 &&
	    (dot = strchr(rest + 8, '.')) != NULL && strcmp(dot, ".json") == 0) {
		char	*hex = xstrndup(rest + 8, (size_t)(dot - rest - 8));

		rc = result_set(fw, member, hex, data, len);
		free(hex);
		return rc;
	}
	return 0;
}

/* --- the records and the manifest ------------------------------------ */

static void
drift_index(struct fieldwork *fw, struct json_object *item)
{
	struct json_object	*list;
	const char		*agent, *kind, *subject;
	char			*key;

	if (jsonutil_get_string(item, "agent_id", &agent) == -1)
		return;
	if (jsonutil_get_string(item, "kind", &kind) == 0 &&
	    (strcmp(kind, "rule_regressed") == 0 ||
	    strcmp(kind, "rule_recovered") == 0) &&
	    jsonutil_get_string(item, "subject", &subject) == 0)
		key = xasprintf("%s\n%s", agent, subject);
	else
		key = xstrdup(agent);
	if (!json_object_object_get_ex(fw->drift_by, key, &list)) {
		list = json_object_new_array();
		jsonutil_set(fw->drift_by, key, list);
	}
	json_object_array_add(list, json_object_get(item));
	free(key);
}

static int
drift_lines(struct fieldwork *fw, const char *member, const char *data,
    size_t len)
{
	struct json_object	*o;
	const char		*p = data, *end = data + len, *nl;
	char			 m[64];
	size_t			 line = 0;

	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl > p) {
			snprintf(m, sizeof(m), "%s: line %zu", member, line);
			if ((o = parse(fw, m, p, (size_t)(nl - p),
			    json_type_object)) == NULL)
				return -1;
			json_object_array_add(fw->drift, o);
			drift_index(fw, o);
		}
		p = nl + 1;
	}
	return 0;
}

static int
manifest(struct fieldwork *fw, const char *member, const char *data,
    size_t len)
{
	struct json_object	*period;

	json_object_put(fw->manifest);
	if ((fw->manifest = parse(fw, member, data, len,
	    json_type_object)) == NULL)
		return -1;
	if (jsonutil_get_object(fw->manifest, "period", &period) == -1 ||
	    (fw->from = time_of(period, "from")) == 0 ||
	    (fw->to = time_of(period, "to")) == 0)
		return fail(fw, member, "has no period (from, to)");
	return 0;
}

static int
member(struct fieldwork *fw, struct bundle_reader *r, const char *m)
{
	const char	*data;
	size_t		 len;
	unsigned char	 d[DIGEST_SHA256_LEN];
	char		 err[256];
	int		 wanted;

	/* Envelopes, sections and the ledger's proofs are verify's: the
	 * report needs what was judged, not the bytes it was judged on. */
	wanted = strncmp(m, "rules/", 6) == 0 ||
	    strcmp(m, "rulesets.json") == 0 ||
	    (strncmp(m, "agents/", 7) == 0 && strstr(m, "/sections/") ==
	    NULL && strstr(m, ".dsse.json") == NULL) ||
	    strcmp(m, "waivers.json") == 0 || strcmp(m, "drift.jsonl") == 0 ||
	    strcmp(m, "manifest.json") == 0;
	if (strncmp(m, "agents/", 7) != 0)
		agent_done(fw);
	if (!wanted)
		return 0;
	if (bundle_read_all(r, &data, &len, d, err, sizeof(err)) == -1)
		return fail(fw, m, "%s", err);
	if (strncmp(m, "rules/", 6) == 0)
		return rule_pack(fw, m + 6, data, len);
	if (strcmp(m, "rulesets.json") == 0)
		return rulesets(fw, m, data, len);
	if (strncmp(m, "agents/", 7) == 0)
		return agent_member(fw, m, data, len);
	if (strcmp(m, "waivers.json") == 0) {
		json_object_put(fw->waivers);
		fw->waivers = parse(fw, m, data, len, json_type_array);
		return fw->waivers != NULL ? 0 : -1;
	}
	if (strcmp(m, "drift.jsonl") == 0)
		return drift_lines(fw, m, data, len);
	return manifest(fw, m, data, len);
}

int
fieldwork_read(const char *path, struct fieldwork *fw, char *err,
    size_t errlen)
{
	struct bundle_reader	*r;
	struct fw_read		 rd;
	const char		*m;
	char			 berr[256];
	size_t			 size;
	int			 rc;

	memset(fw, 0, sizeof(*fw));
	memset(&rd, 0, sizeof(rd));
	rd.err = err;
	rd.errlen = errlen;
	rd.rule_index = json_object_new_object();
	fw->rd = &rd;
	fw->drift = json_object_new_array();
	fw->drift_by = json_object_new_object();
	if ((r = bundle_reader_open(path, berr, sizeof(berr))) == NULL) {
		snprintf(err, errlen, "%s: not a readable bundle: %s", path,
		    berr);
		rc = -1;
		goto out;
	}
	while ((rc = bundle_next(r, &m, &size, berr, sizeof(berr))) == 1)
		if ((rc = member(fw, r, m)) == -1)
			break;
	if (rc == 0) {
		agent_done(fw);
		if (fw->manifest == NULL) {
			snprintf(err, errlen, "%s: no manifest.json: not a "
			    "whole bundle (exhibitctl verify says more)", path);
			rc = -1;
		}
	} else if (rc == -1 && *err == '\0')
		snprintf(err, errlen, "%s: not a readable bundle: %s", path,
		    berr);
	bundle_reader_close(r);
out:
	agent_done(fw);
	for (size = 0; size < rd.npacks; size++) {
		free(rd.packs[size].hex);
		free(rd.packs[size].body);
	}
	free(rd.packs);
	strv_free(&rd.done);
	json_object_put(rd.rule_index);
	fw->rd = NULL;
	if (fw->waivers == NULL)
		fw->waivers = json_object_new_array();
	return rc == -1 ? -1 : 0;
}

void
fieldwork_free(struct fieldwork *fw)
{
	struct fw_host	*h;
	size_t		 i, r;

	for (i = 0; i < fw->nhosts; i++) {
		h = &fw->hosts[i];
		for (r = 0; r < h->ncells; r++) {
			json_object_put(h->cells[r].start.result);
			json_object_put(h->cells[r].end.result);
			json_object_put(h->cells[r].fail.result);
		}
		free(h->cells);
		free(h->agent_id);
		free(h->hostname);
	}
	free(fw->hosts);
	for (i = 0; i < fw->nrules; i++)
		free(fw->rules[i].id);
	free(fw->rules);
	for (i = 0; i < fw->nsets; i++)
		ruleset_free(fw->sets[i]);
	free(fw->sets);
	json_object_put(fw->manifest);
	json_object_put(fw->waivers);
	json_object_put(fw->drift);
	json_object_put(fw->drift_by);
	memset(fw, 0, sizeof(*fw));
}

/* --- views for the renderer ------------------------------------------ */

const struct fw_cell *
fieldwork_cell(const struct fw_host *h, size_t rule)
{
	const struct fw_cell	*c;

	if (rule >= h->ncells)
		return NULL;
	c = &h->cells[rule];
	return c->judged > 0 ? c : NULL;
}

const char *
fieldwork_status(const struct fw_seen *s)
{
	const char	*st;

	return s->result != NULL && jsonutil_get_string(s->result, "status",
	    &st) == 0 ? st : "-";
}

struct json_object *
fieldwork_drift(const struct fieldwork *fw, const struct fw_host *h,
    const char *rule)
{
	struct json_object	*list = NULL;
	char			*key;

	key = rule != NULL ? xasprintf("%s\n%s", h->agent_id, rule) :
	    xstrdup(h->agent_id);
	json_object_object_get_ex(fw->drift_by, key, &list);
	free(key);
	return list;
}

struct json_object *
fieldwork_waivers(const struct fieldwork *fw, const struct fw_host *h,
    const char *rule)
{
	struct json_object	*out = json_object_new_array(), *w;
	const char		*wr, *wh;
	time_t			 removed;
	size_t			 i;

	for (i = 0; i < json_object_array_length(fw->waivers); i++) {
		w = json_object_array_get_idx(fw->waivers, i);
		if (jsonutil_get_string(w, "rule", &wr) == -1 ||
		    jsonutil_get_string(w, "host", &wh) == -1 ||
		    strcmp(wr, rule) != 0 || (strcmp(wh, h->agent_id) != 0 &&
		    (h->hostname == NULL || fnmatch(wh, h->hostname, 0) != 0)))
			continue;
		removed = time_of(w, "removed_at");
		if (time_of(w, "created_at") > fw->to ||
		    time_of(w, "expires_at") < fw->from ||
		    (removed != 0 && removed < fw->from))
			continue;
		json_object_array_add(out, json_object_get(w));
	}
	return out;
}

int
fieldwork_waived_at(struct json_object *waivers, time_t t)
{
	struct json_object	*w;
	time_t			 removed;
	size_t			 i;

	for (i = 0; i < json_object_array_length(waivers); i++) {
		w = json_object_array_get_idx(waivers, i);
		removed = time_of(w, "removed_at");
		if (time_of(w, "created_at") <= t &&
		    t < time_of(w, "expires_at") &&
		    (removed == 0 || t < removed))
			return 1;
	}
	return 0;
}

static int
requested(const struct fieldwork *fw, const char *id)
{
	struct json_object	*req, *list;
	size_t			 i;

	if (jsonutil_get_object(fw->manifest, "request", &req) == -1 ||
	    jsonutil_get_array(req, "controls", &list) == -1 ||
	    json_object_array_length(list) == 0)
		return 1;
	for (i = 0; i < json_object_array_length(list); i++)
		if (strcmp(json_object_get_string(
		    json_object_array_get_idx(list, i)), id) == 0)
			return 1;
	return 0;
}

size_t
fieldwork_controls(const struct fieldwork *fw, struct fw_control **out)
{
	const struct control	*ctl;
	struct fw_control	*v = NULL, *c;
	size_t			 n = 0, i, r;

	for (i = 0; (ctl = controls_at(CONTROLS_ISO27001_2022, i)) != NULL;
	    i++) {
		if (!requested(fw, ctl->id))
			continue;
		v = xgrowarray(v, n, sizeof(*v));
		c = &v[n];
		memset(c, 0, sizeof(*c));
		c->control = ctl;
		for (r = 0; r < fw->nrules; r++)
			if (fw->rules[r].info != NULL && rule_has_control(
			    fw->rules[r].info, CONTROLS_ISO27001_2022,
			    ctl->id)) {
				c->rules = xgrowarray(c->rules, c->nrules,
				    sizeof(*c->rules));
				c->rules[c->nrules++] = r;
			}
		if (c->nrules > 0)
			n++;
	}
	*out = v;
	return n;
}

void
fieldwork_controls_free(struct fw_control *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].rules);
	free(v);
}

const char *
fieldwork_duration(long long s, char *buf, size_t len)
{
	long long	 d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;

	if (d > 0)
		snprintf(buf, len, "%lldd %lldh %lldm %llds", d, h, m, s % 60);
	else if (h > 0)
		snprintf(buf, len, "%lldh %lldm %llds", h, m, s % 60);
	else if (m > 0)
		snprintf(buf, len, "%lldm %llds", m, s % 60);
	else
		snprintf(buf, len, "%llds", s);
	return buf;
}
