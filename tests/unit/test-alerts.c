/*
 * Unit tests for daemon/alerts.c: delivery from the outbox on a real
 * event loop, to a receiver served by evhttp on 127.0.0.1 in the same
 * loop.  Signatures, headers and bodies as a receiver sees them; retries
 * after refusals and timeouts; a "restart" (a new instance on a reopened
 * store) delivering what was left; exactly once when the receiver is
 * healthy; the rate limit and the batching window; nothing delivered
 * from an uncommitted batch.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "alerts.h"
#include "daemon-conf.h"
#include "encode.h"
#include "jsonutil.h"
#include "store.h"
#include "teststore.h"
#include "tmpdir.h"
#include "xmalloc.h"

#define SECRET	"0123456789abcdef-test-secret"
#define MAXRECS	64

struct rec {
	char	*path;
	char	*headers;	/* "name: value\n"... */
	char	*body;
	double	 at;
	int	 status;	/* 0: left hanging */
};

static char			 dir[64];
static struct event_base	*base;
static struct evhttp		*http;
static struct event		*tick;
static struct store		*st;
static int			 port;
static int			 mode;		/* status; 0: hang */
static struct rec		 recs[MAXRECS];
static size_t			 nrecs;
static struct daemon_conf	 conf;

static double
now_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
receive(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	struct evkeyval	*kv;
	struct rec	*r;
	char		*h = xstrdup(""), *t;
	size_t		 len = evbuffer_get_length(in);

	(void)arg;
	assert_true(nrecs < MAXRECS);
	r = &recs[nrecs++];
	r->path = xstrdup(evhttp_request_get_uri(req));
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next) {
		t = xasprintf("%s%s: %s\n", h, kv->key, kv->value);
		free(h);
		h = t;
	}
	r->headers = h;
	r->body = xmalloc(len + 1);
	evbuffer_remove(in, r->body, len);
	r->body[len] = '\0';
	r->at = now_mono();
	r->status = mode;
	if (mode != 0)
		evhttp_send_reply(req, mode, "X", NULL);
}

/* The value of header name in r (static buffer), or NULL. */
static const char *
header(const struct rec *r, const char *name)
{
	static char	 val[512];
	const char	*p = r->headers, *colon, *nl;

	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		colon = strchr(p, ':');
		if ((size_t)(colon - p) == strlen(name) &&
		    strncasecmp(p, name, strlen(name)) == 0) {
			snprintf(val, sizeof(val), "%.*s",
			    (int)(nl - colon - 2), colon + 2);
			return val;
		}
	}
	return NULL;
}

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
}

static int
setup(void **state)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);
	struct timeval			 tv = { 0, 10 * 1000 };
	char				 err[256];
	int				 i;
	char				*sql;

	(void)state;
	strcpy(dir, "/tmp/test-alerts.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	if ((st = test_store_open(dir, err, sizeof(err))) == NULL)
		return -1;
	for (i = 1; i <= 20; i++) {
		/* Id i, in a fresh table on either backend. */
		sql = xasprintf("INSERT INTO drift (agent_id, kind, "
		    "subject, state, opened_at, updated_at, audit_id, "
		    "evidence_id, detail) VALUES ('ag_x', 'rule', "
		    "'LNX-%03d', 'open', 100, 100, 0, 0, '{}')", i);
		if (test_store_sql(dir, sql) == -1)
			return -1;
		free(sql);
	}
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_gencb(http, receive, NULL);
	if ((bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0)) ==
	    NULL)
		return -1;
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &slen) == -1)
		return -1;
	port = ntohs(sin.sin_port);
	/* EVLOOP_ONCE returns at least this often. */
	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	event_add(tick, &tv);
	mode = 200;
	nrecs = 0;
	memset(&conf, 0, sizeof(conf));
	daemon_conf_defaults(&conf);
	conf.webhook_url = xasprintf("http://127.0.0.1:%d/hook", port);
	conf.webhook_secret = xstrdup(SECRET);
	conf.webhook_rate_limit = 6000;
	conf.webhook_retry_min = 1;
	conf.webhook_timeout = 1;
	return 0;
}

static int
teardown(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < nrecs; i++) {
		free(recs[i].path);
		free(recs[i].headers);
		free(recs[i].body);
	}
	nrecs = 0;
	daemon_conf_free(&conf);
	event_free(tick);
	evhttp_free(http);
	event_base_free(base);
	store_close(st);
	return tmpdir_remove(dir);
}

static size_t
undelivered(void)
{
	struct store_alert	*v;
	size_t			 n;

	assert_int_equal(store_alert_list(st, 1, 0, &v, &n), STORE_OK);
	store_alert_list_free(v, n);
	return n;
}

static int
want_recs(void *arg)
{
	return nrecs >= *(size_t *)arg;
}

static int
all_delivered(void *arg)
{
	(void)arg;
	return undelivered() == 0;
}

static int
never(void *arg)
{
	(void)arg;
	return 0;
}

/* Run the loop until done(arg) or secs passed: 0, or -1 at the time. */
static int
run_until(int (*done)(void *), void *arg, double secs)
{
	double	deadline = now_mono() + secs;

	while (!done(arg)) {
		if (now_mono() > deadline)
			return -1;
		event_base_loop(base, EVLOOP_ONCE);
	}
	return 0;
}

static char	detail_json[] = "{\"was\":\"pass\",\"now\":\"fail\"}";

static void
drift(struct store_drift *d, int64_t id, const char *state)
{
	memset(d, 0, sizeof(*d));
	d->id = id;
	snprintf(d->agent_id, sizeof(d->agent_id), "ag_x");
	snprintf(d->hostname, sizeof(d->hostname), "web-1");
	snprintf(d->kind, sizeof(d->kind), "rule");
	snprintf(d->subject, sizeof(d->subject), "LNX-%03d", (int)id);
	snprintf(d->state, sizeof(d->state), "%s", state);
	d->opened_at = 1767225600;	/* 2026-01-01T00:00:00Z */
	d->updated_at = d->opened_at;
	d->evidence_id = 7;
	d->detail = detail_json;
	if (strcmp(state, "resolved") == 0) {
		d->resolved_at = d->opened_at + 60;
		snprintf(d->resolution, sizeof(d->resolution), "passes again");
	}
}

static void
enqueue(struct alerts *a, int64_t id, const char *event)
{
	struct store_drift	d;

	drift(&d, id, strcmp(event, "resolved") == 0 ? "resolved" : "open");
	alerts_enqueue(a, &d, event);
}

static void
check_signature(const struct rec *r)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	const char	*ts, *sig;
	char		*msg, *hex, tsbuf[32];

	assert_non_null(ts = header(r, "X-Exhibit-Timestamp"));
	snprintf(tsbuf, sizeof(tsbuf), "%s", ts);
	assert_true(labs(atol(tsbuf) - (long)time(NULL)) < 30);
	msg = xasprintf("%s.%s", tsbuf, r->body);
	HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET),
	    (const unsigned char *)msg, strlen(msg), mac, &maclen);
	hex = hex_encode(mac, maclen);
	assert_non_null(sig = header(r, "X-Exhibit-Signature"));
	assert_int_equal(strncmp(sig, "sha256=", 7), 0);
	assert_string_equal(sig + 7, hex);
	free(hex);
	free(msg);
}

static void
test_webhook(void **state)
{
	struct alerts		*a;
	struct json_object	*o, *detail, *stats, *wh;
	struct store_alert	*v;
	const char		*s;
	int64_t			 i64;
	size_t			 want = 1, n;
	char			 err[128];

	(void)state;
	conf.webhook_headers = xstrdup("X-Team: sec; X-Env: prod");
	a = alerts_new(base, st, &conf);
	enqueue(a, 1, "opened");
	assert_int_equal(run_until(all_delivered, NULL, 5), 0);
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].path, "/hook");
	assert_string_equal(header(&recs[0], "Content-Type"),
	    "application/json");
	assert_string_equal(header(&recs[0], "Idempotency-Key"),
	    "drift-1-opened-webhook");
	assert_string_equal(header(&recs[0], "X-Team"), "sec");
	assert_string_equal(header(&recs[0], "X-Env"), "prod");
	check_signature(&recs[0]);

	o = jsonutil_parse(recs[0].body, strlen(recs[0].body), err,
	    sizeof(err));
	assert_non_null(o);
	assert_int_equal(jsonutil_get_string(o, "event", &s), 0);
	assert_string_equal(s, "opened");
	assert_int_equal(jsonutil_get_int64(o, "id", &i64), 0);
	assert_int_equal(i64, 1);
	assert_int_equal(jsonutil_get_string(o, "kind", &s), 0);
	assert_string_equal(s, "rule");
	assert_int_equal(jsonutil_get_string(o, "host", &s), 0);
	assert_string_equal(s, "web-1");
	assert_int_equal(jsonutil_get_string(o, "agent_id", &s), 0);
	assert_string_equal(s, "ag_x");
	assert_int_equal(jsonutil_get_string(o, "subject", &s), 0);
	assert_string_equal(s, "LNX-001");
	assert_int_equal(jsonutil_get_string(o, "state", &s), 0);
	assert_string_equal(s, "open");
	assert_int_equal(jsonutil_get_string(o, "opened_at", &s), 0);
	assert_string_equal(s, "2026-01-01T00:00:00Z");
	assert_int_equal(jsonutil_get_string(o, "idempotency_key", &s), 0);
	assert_string_equal(s, "drift-1-opened-webhook");
	assert_int_equal(jsonutil_get_object(o, "detail", &detail), 0);
	assert_int_equal(jsonutil_get_string(detail, "now", &s), 0);
	assert_string_equal(s, "fail");
	json_object_put(o);

	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_true(v[0].delivered_at != 0);
	assert_int_equal(v[0].attempts, 1);
	assert_string_equal(v[0].sink, "webhook");
	store_alert_list_free(v, n);

	/* The same event again: queued before, not sent again. */
	enqueue(a, 1, "opened");
	(void)run_until(never, NULL, 0.3);
	assert_int_equal(nrecs, 1);

	/* Resolution: alerted too (resolved = yes by default). */
	enqueue(a, 1, "resolved");
	want = 2;
	assert_int_equal(run_until(want_recs, &want, 5), 0);
	assert_string_equal(header(&recs[1], "Idempotency-Key"),
	    "drift-1-resolved-webhook");
	assert_non_null(strstr(recs[1].body,
	    "\"resolution\":\"passes again\""));
	check_signature(&recs[1]);

	stats = json_object_new_object();
	alerts_stats(a, stats);
	assert_int_equal(jsonutil_get_object(stats, "webhook", &wh), 0);
	assert_int_equal(jsonutil_get_int64(wh, "queued", &i64), 0);
	assert_int_equal(i64, 2);
	assert_int_equal(run_until(all_delivered, NULL, 5), 0);
	json_object_put(stats);
	stats = json_object_new_object();
	alerts_stats(a, stats);
	assert_int_equal(jsonutil_get_object(stats, "webhook", &wh), 0);
	assert_int_equal(jsonutil_get_int64(wh, "delivered", &i64), 0);
	assert_int_equal(i64, 2);
	assert_int_equal(jsonutil_get_int64(wh, "failed", &i64), 0);
	assert_int_equal(i64, 0);
	json_object_put(stats);
	alerts_free(a);
}

static void
test_slack_and_syslog(void **state)
{
	struct alerts		*a;
	struct json_object	*o;
	struct store_alert	*v;
	const struct rec	*slack = NULL;
	const char		*text;
	size_t			 want = 2, i, n;
	char			 err[128];

	(void)state;
	conf.slack_url = xasprintf("http://127.0.0.1:%d/slack", port);
	conf.slack_resolved = 0;
	conf.slack_rate_limit = 6000;
	conf.syslog_enabled = 1;
	conf.syslog_resolved = 0;
	a = alerts_new(base, st, &conf);
	enqueue(a, 2, "opened");
	assert_int_equal(run_until(all_delivered, NULL, 5), 0);
	assert_int_equal(run_until(want_recs, &want, 5), 0);
	for (i = 0; i < nrecs; i++)
		if (strcmp(recs[i].path, "/slack") == 0)
			slack = &recs[i];
	assert_non_null(slack);
	/* Slack's request is neither signed nor keyed. */
	assert_null(header(slack, "X-Exhibit-Signature"));
	o = jsonutil_parse(slack->body, strlen(slack->body), err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(jsonutil_get_string(o, "text", &text), 0);
	assert_string_equal(text, "Exhibit: drift opened on web-1: rule "
	    "LNX-002 (item 2)");
	assert_int_equal(json_object_object_length(o), 1);
	json_object_put(o);

	/* One entry per sink; syslog's is delivered on the spot. */
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++)
		assert_true(v[i].delivered_at != 0);
	store_alert_list_free(v, n);

	/* Resolution goes to the webhook only. */
	enqueue(a, 2, "resolved");
	want = 3;
	assert_int_equal(run_until(want_recs, &want, 5), 0);
	assert_string_equal(recs[2].path, "/hook");
	(void)run_until(never, NULL, 0.3);
	assert_int_equal(nrecs, 3);
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 4);
	store_alert_list_free(v, n);
	alerts_free(a);
}

static void
test_retry(void **state)
{
	struct alerts		*a;
	struct store_alert	*v;
	size_t			 want = 1, n, i;
	time_t			 t0 = time(NULL);

	(void)state;
	mode = 500;
	a = alerts_new(base, st, &conf);
	enqueue(a, 3, "opened");
	assert_int_equal(run_until(want_recs, &want, 5), 0);
	/* Let the failure be recorded. */
	(void)run_until(never, NULL, 0.2);
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].delivered_at, 0);
	assert_int_equal(v[0].attempts, 1);
	assert_true(v[0].next_attempt_at >= t0 + 1);
	assert_non_null(strstr(v[0].last_error, "HTTP 500"));
	store_alert_list_free(v, n);

	/* Then hanging: the timeout (1s) counts as a failure too. */
	mode = 0;
	want = 2;
	assert_int_equal(run_until(want_recs, &want, 5), 0);
	(void)run_until(never, NULL, 1.5);
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(v[0].delivered_at, 0);
	assert_int_equal(v[0].attempts, 2);
	assert_non_null(strstr(v[0].last_error, "timed out"));
	store_alert_list_free(v, n);

	/* Healthy again: delivered, with the same key every time. */
	mode = 200;
	assert_int_equal(run_until(all_delivered, NULL, 10), 0);
	assert_int_equal(nrecs, 3);
	for (i = 0; i < nrecs; i++)
		assert_string_equal(header(&recs[i], "Idempotency-Key"),
		    "drift-3-opened-webhook");
	/* Backoff: 1 s, then 2 s. */
	assert_true(recs[1].at - recs[0].at >= 0.5);
	assert_true(recs[2].at - recs[1].at >= 1.5);
	assert_int_equal(store_alert_list(st, 0, 0, &v, &n), STORE_OK);
	assert_int_equal(v[0].attempts, 3);
	assert_string_equal(v[0].last_error, "");
	store_alert_list_free(v, n);
	alerts_free(a);
}

static void
test_restart(void **state)
{
	struct alerts	*a;
	char		 err[256];
	size_t		 want = 3, i, j;

	(void)state;
	mode = 500;
	conf.webhook_retry_min = 1;
	a = alerts_new(base, st, &conf);
	for (i = 4; i <= 6; i++)
		enqueue(a, (int64_t)i, "opened");
	assert_int_equal(run_until(want_recs, &want, 5), 0);
	(void)run_until(never, NULL, 0.2);
	assert_int_equal(undelivered(), 3);
	/* Stop, as at a restart. */
	alerts_stop(a);
	alerts_free(a);
	store_close(st);
	st = test_store_open(dir, err, sizeof(err));
	assert_non_null(st);

	mode = 200;
	a = alerts_new(base, st, &conf);
	assert_int_equal(run_until(all_delivered, NULL, 10), 0);
	(void)run_until(never, NULL, 0.3);
	/* Each answered 2xx exactly once. */
	for (i = 4; i <= 6; i++) {
		char	key[64];
		int	ok = 0;

		snprintf(key, sizeof(key), "drift-%zu-opened-webhook", i);
		for (j = 0; j < nrecs; j++)
			if (recs[j].status == 200 && strcmp(header(&recs[j],
			    "Idempotency-Key"), key) == 0)
				ok++;
		assert_int_equal(ok, 1);
	}
	alerts_free(a);
}

static void
test_exactly_once(void **state)
{
	struct alerts	*a;
	size_t		 i, j;
	char		 key[64];
	int		 seen;

	(void)state;
	a = alerts_new(base, st, &conf);
	for (i = 1; i <= 12; i++)
		enqueue(a, (int64_t)i, "opened");
	assert_int_equal(run_until(all_delivered, NULL, 10), 0);
	(void)run_until(never, NULL, 0.5);
	assert_int_equal(nrecs, 12);
	for (i = 1; i <= 12; i++) {
		snprintf(key, sizeof(key), "drift-%zu-opened-webhook", i);
		for (seen = 0, j = 0; j < nrecs; j++)
			if (strcmp(header(&recs[j], "Idempotency-Key"),
			    key) == 0)
				seen++;
		assert_int_equal(seen, 1);
	}
	alerts_free(a);
}

static void
test_rate_limit(void **state)
{
	struct alerts	*a;
	size_t		 i;

	(void)state;
	/* 60 a minute: one a second. */
	conf.webhook_rate_limit = 60;
	a = alerts_new(base, st, &conf);
	for (i = 1; i <= 3; i++)
		enqueue(a, (int64_t)i, "opened");
	assert_int_equal(run_until(all_delivered, NULL, 10), 0);
	assert_int_equal(nrecs, 3);
	assert_true(recs[1].at - recs[0].at >= 0.8);
	assert_true(recs[2].at - recs[1].at >= 0.8);
	alerts_free(a);
}

static void
test_batch_window(void **state)
{
	struct alerts		*a;
	struct json_object	*o, *e;
	const char		*key;
	double			 t0;
	size_t			 i;
	char			 err[128], want[64];

	(void)state;
	conf.webhook_batch_window = 1;
	a = alerts_new(base, st, &conf);
	t0 = now_mono();
	for (i = 1; i <= 3; i++)
		enqueue(a, (int64_t)i, "opened");
	assert_int_equal(run_until(all_delivered, NULL, 10), 0);
	assert_int_equal(nrecs, 1);
	assert_true(recs[0].at - t0 >= 0.8);
	check_signature(&recs[0]);
	assert_int_equal(strncmp(header(&recs[0], "Idempotency-Key"),
	    "batch-", 6), 0);
	o = jsonutil_parse(recs[0].body, strlen(recs[0].body), err,
	    sizeof(err));
	assert_non_null(o);
	assert_true(json_object_is_type(o, json_type_array));
	assert_int_equal(json_object_array_length(o), 3);
	for (i = 0; i < 3; i++) {
		e = json_object_array_get_idx(o, i);
		assert_int_equal(jsonutil_get_string(e, "idempotency_key",
		    &key), 0);
		snprintf(want, sizeof(want), "drift-%zu-opened-webhook", i + 1);
		assert_string_equal(key, want);
	}
	json_object_put(o);
	alerts_free(a);
}

static void
test_uncommitted_batch(void **state)
{
	struct alerts	*a;
	size_t		 want = 1;

	(void)state;
	a = alerts_new(base, st, &conf);
	assert_int_equal(store_batch_begin(st), STORE_OK);
	enqueue(a, 7, "opened");
	/* Not committed: may still be rolled back, so not sent. */
	(void)run_until(never, NULL, 0.6);
	assert_int_equal(nrecs, 0);
	assert_int_equal(store_batch_commit(st), STORE_OK);
	alerts_kick(a);
	assert_int_equal(run_until(want_recs, &want, 5), 0);
	assert_int_equal(run_until(all_delivered, NULL, 5), 0);

	/* A rolled back batch leaves nothing to send. */
	assert_int_equal(store_batch_begin(st), STORE_OK);
	enqueue(a, 8, "opened");
	store_batch_rollback(st);
	alerts_kick(a);
	(void)run_until(never, NULL, 0.5);
	assert_int_equal(nrecs, 1);
	assert_int_equal(undelivered(), 0);
	alerts_free(a);
}

static void
test_stop(void **state)
{
	struct alerts	*a;

	(void)state;
	a = alerts_new(base, st, &conf);
	alerts_stop(a);
	enqueue(a, 9, "opened");
	alerts_kick(a);
	(void)run_until(never, NULL, 0.3);
	/* Queued, not sent: the next start sends it. */
	assert_int_equal(nrecs, 0);
	assert_int_equal(undelivered(), 1);
	alerts_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_webhook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slack_and_syslog, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exactly_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_batch_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_uncommitted_batch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
