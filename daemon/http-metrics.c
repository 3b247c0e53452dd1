/*
 * GET /metrics (the Prometheus text format) and GET /readyz.
 *
 * What happens in the daemon (requests answered, batches committed) is
 * counted as it happens; what is in the store (agents, drift, outbox,
 * ledger) is read at scrape time, so it is right after a restart and
 * costs nothing between scrapes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <json-c/json.h>

#include "alerts.h"
#include "daemon-conf.h"
#include "http.h"
#include "jsonutil.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct daemon_metrics {
	struct metrics	*reg;
	struct metric	*build_info, *up;
	struct metric	*ingest, *latency, *stored, *commit;
	struct metric	*agents, *drift, *outbox, *delivered, *failed;
	struct metric	*ledger, *checkpoint;
};

/* An ingest is a signature check and one share of a group commit:
 * milliseconds normally, seconds when the disk is slow. */
static const double latency_bounds[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
/* A commit appends to the log; its fsync is what takes time. */
static const double commit_bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5,
};
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct daemon_metrics *
daemon_metrics_new(void)
{
	struct daemon_metrics	*dm;
	struct metrics		*r;

	dm = xcalloc(1, sizeof(*dm));
	dm->reg = r = metrics_new();
	dm->build_info = metrics_add(r, METRIC_GAUGE, "exhibit_build_info",
	    "The version of exhibitd serving; always 1.", "version");
	dm->up = metrics_add(r, METRIC_GAUGE, "exhibit_up",
	    "1 when exhibitd answers a scrape.", NULL);
	dm->ingest = metrics_add(r, METRIC_COUNTER,
	    "exhibit_ingest_requests_total",
	    "Evidence uploads (POST /v1/evidence) answered, by HTTP status.",
	    "code");
	dm->latency = metrics_add_histogram(r,
	    "exhibit_ingest_latency_seconds",
	    "Time from an evidence upload's dispatch to its reply (after the "
	    "commit's fsync for accepted ones).", latency_bounds,
	    NELEM(latency_bounds));
	dm->stored = metrics_add(r, METRIC_COUNTER,
	    "exhibit_evidence_stored_total",
	    "Evidence documents stored and committed since exhibitd started.",
	    NULL);
	dm->commit = metrics_add_histogram(r, "exhibit_store_commit_seconds",
	    "Time to commit one group-commit batch, its fsync included.",
	    commit_bounds, NELEM(commit_bounds));
	dm->agents = metrics_add(r, METRIC_GAUGE, "exhibit_agents",
	    "Agents: known (enrolled, not revoked), active and silent "
	    "(evidence within [drift] stale_after, or older), revoked.",
	    "state");
	dm->drift = metrics_add(r, METRIC_GAUGE, "exhibit_drift_items_open",
	    "Drift items not resolved (open or acknowledged), by kind.",
	    "kind");
	dm->outbox = metrics_add(r, METRIC_GAUGE, "exhibit_alert_outbox_depth",
	    "Alert outbox entries not delivered yet.", NULL);
	dm->delivered = metrics_add(r, METRIC_COUNTER,
	    "exhibit_alerts_delivered_total",
	    "Alerts delivered since exhibitd started, by sink.", "sink");
	dm->failed = metrics_add(r, METRIC_COUNTER,
	    "exhibit_alerts_failed_total",
	    "Alert delivery attempts that failed since exhibitd started, by "
	    "sink.", "sink");
	dm->ledger = metrics_add(r, METRIC_GAUGE, "exhibit_ledger_size",
	    "Leaves of the evidence ledger on disk.", NULL);
	dm->checkpoint = metrics_add(r, METRIC_GAUGE,
	    "exhibit_ledger_checkpoint_size",
	    "Leaves covered by the newest signed checkpoint (0: none yet).",
	    NULL);
	metric_set(dm->build_info, PACKAGE_VERSION, 1);
	metric_set(dm->up, NULL, 1);
	return dm;
}

void
daemon_metrics_free(struct daemon_metrics *dm)
{
	if (dm == NULL)
		return;
	metrics_free(dm->reg);
	free(dm);
}

void
daemon_metrics_replied(struct daemon_metrics *dm, const char *route,
    int status, double started)
{
	char	code[16];

	if (dm == NULL || route == NULL || strcmp(route, "/v1/evidence") != 0)
		return;
	snprintf(code, sizeof(code), "%d", status);
	metric_inc(dm->ingest, code, 1);
	if (started > 0)
		metric_observe(dm->latency, metrics_now() - started);
}

void
daemon_metrics_commit(struct daemon_metrics *dm, double seconds, size_t n)
{
	if (dm == NULL)
		return;
	metric_observe(dm->commit, seconds);
	if (n > 0)
		metric_inc(dm->stored, NULL, (double)n);
}

/* The store's side, read now: -1 when the store failed (logged). */
static int
metrics_scrape(struct daemon_metrics *dm, struct http_req *hr)
{
	struct store_agent_counts	 ac;
	struct store_kind_count		*kc;
	struct store_checkpoint		 cp;
	struct json_object		*stats;
	uint64_t			 depth;
	size_t				 i, n;
	enum store_status		 st;

	if (store_agent_counts(hr->store, hr->now - (time_t)hr->conf->stale_after,
	    &ac) != STORE_OK)
		return -1;
	metric_clear(dm->agents);
	metric_set(dm->agents, "known", (double)ac.known);
	metric_set(dm->agents, "active", (double)ac.active);
	metric_set(dm->agents, "silent", (double)ac.silent);
	metric_set(dm->agents, "revoked", (double)ac.revoked);

	if (store_drift_open_counts(hr->store, &kc, &n) != STORE_OK)
		return -1;
	/* A kind with nothing open any more leaves the output. */
	metric_clear(dm->drift);
	for (i = 0; i < n; i++)
		metric_set(dm->drift, kc[i].kind, (double)kc[i].n);
	free(kc);

	if (store_alert_undelivered(hr->store, &depth) != STORE_OK)
		return -1;
	metric_set(dm->outbox, NULL, (double)depth);

	stats = json_object_new_object();
	alerts_stats(server_alerts(hr->srv), stats);
	metric_clear(dm->delivered);
	metric_clear(dm->failed);
	json_object_object_foreach(stats, sink, o) {
		struct json_object	*v;

		if (json_object_object_get_ex(o, "delivered", &v))
			metric_set(dm->delivered, sink,
			    (double)json_object_get_int64(v));
		if (json_object_object_get_ex(o, "failed", &v))
			metric_set(dm->failed, sink,
			    (double)json_object_get_int64(v));
	}
	json_object_put(stats);

	/* What is on disk: the leaves agents were told of. */
	metric_set(dm->ledger, NULL, (double)store_ledger_durable(hr->store));
	memset(&cp, 0, sizeof(cp));
	st = store_checkpoint_latest(hr->store, &cp);
	if (st != STORE_OK && st != STORE_NOT_FOUND)
		return -1;
	metric_set(dm->checkpoint, NULL, st == STORE_OK ? (double)cp.size : 0);
	if (st == STORE_OK)
		store_checkpoint_clear(&cp);
	return 0;
}

void
http_metrics(struct http_req *hr)
{
	struct daemon_metrics	*dm = server_metrics(hr->srv);
	struct evkeyvalq	*h;
	struct evbuffer		*out;
	char			*text;
	size_t			 len;

	/* The fleet's size and state are worth hiding from strangers:
	 * a token unless the operator chose a scraper without one. */
	if (!hr->conf->metrics_public &&
	    http_person_auth(hr, HTTP_READERS) == -1)
		return;
	if (metrics_scrape(dm, hr) == -1) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	text = metrics_render(dm->reg, &len);
	h = evhttp_request_get_output_headers(hr->req);
	evhttp_add_header(h, "Content-Type", METRICS_CONTENT_TYPE);
	evhttp_add_header(h, "Cache-Control", "no-store");
	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new failed");
	evbuffer_add(out, text, len);
	evhttp_send_reply(hr->req, 200, "OK", out);
	evbuffer_free(out);
	free(text);
}

void
http_readyz(struct http_req *hr)
{
	struct json_object	*body;
	uint64_t		 size;
	const char		*why = NULL;

	/* Liveness is /healthz; this says whether to send work here. */
	if (server_draining(hr->srv))
		why = "the daemon is shutting down";
	else if (hr->rules == NULL)
		why = "no rules are loaded";
	else if (store_ledger_size(hr->store, &size) != STORE_OK)
		why = "the store does not answer";
	/* Not through http_refuse(): a probe every few seconds while
	 * draining is expected, not worth a warning each. */
	body = json_object_new_object();
	if (why != NULL) {
		jsonutil_set_string(body, "error", "not_ready");
		jsonutil_set_string(body, "message", why);
		http_reply(hr, 503, body);
		return;
	}
	jsonutil_set_string(body, "status", "ready");
	http_reply(hr, 200, body);
}
