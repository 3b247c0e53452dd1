/*
 * The HTTPS server on libevent's evhttp with bufferevent_openssl.
 *
 * evhttp (libevent 2.1) tells us when a connection arrives (the bevcb)
 * but not when it goes away, nor when a request starts.  Each TLS
 * session carries our per-connection state as OpenSSL ex_data, whose
 * free callback runs when evhttp frees the connection: that is how the
 * connection count and the deadline timer stay exact.  The deadline is
 * absolute: a client must deliver a whole request (handshake, headers,
 * body) within request_timeout of connecting or of our previous reply,
 * however slowly it trickles bytes; when it expires the socket is shut
 * down and evhttp cleans up as for any closed connection.
 *
 * Group commit: handlers write inside the store's open batch and queue
 * their replies; one commit event, activated behind the requests read in
 * the same loop iteration, commits the batch (one fsync) and only then
 * sends the replies.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#if defined(HAVE_JEMALLOC)
#include <jemalloc/jemalloc.h>
#define SERVER_STR_(x)	#x
#define SERVER_STR(x)	SERVER_STR_(x)
#elif defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "alerts.h"
#include "ca.h"
#include "daemon-conf.h"
#include "drift.h"
#include "evaluator.h"
#include "findings.h"
#include "http.h"
#include "ingest.h"
#include "keys.h"
#include "ledger.h"
#include "log.h"
#include "metrics.h"
#include "rules.h"
#include "server.h"
#include "store.h"
#include "timefmt.h"
#include "tls.h"
#include "workers.h"
#include "xmalloc.h"

#define SERVER_MAX_HEADERS	(16 * 1024)
#define SERVER_DRAIN_MAX	10	/* seconds */

struct conn {
	LIST_ENTRY(conn)	 entry;
	struct server		*srv;
	struct bufferevent	*bev;
	struct event		*deadline;
	int			 over_cap;
	int			 idle;		/* between requests */
	int			 closing;
};

struct pending {
	TAILQ_ENTRY(pending)	 entry;
	struct evhttp_request	*req;
	struct json_object	*body;
	int			 status;
	char			 route[32];
	char			 peer[64];
	double			 started;	/* for the latency metric */
};
TAILQ_HEAD(pendingq, pending);

struct server {
	struct event_base		*base;
	const struct daemon_conf	*conf;
	struct evhttp			*http;
	struct evhttp_bound_socket	*listener;
	SSL_CTX				*ctx;
	X509				*ca;
	EVP_PKEY			*cakey;
	struct store			*store;
	struct ingest_keys		*keys;
	struct workers			*workers;
	struct workers			*syncer;	/* one thread */
	struct evaluator		*evaluator;
	struct findings			*findings;
	struct drift			*drift;
	struct alerts			*alerts;
	struct ledger			*ledger;
	struct daemon_metrics		*metrics;
	int64_t				*stored;	/* in the open batch */
	size_t				 nstored, stored_cap;
	size_t				 nconns;
	LIST_HEAD(, conn)		 conns;
	struct pendingq			 pending;
	struct event			*commit_ev;
	struct event			*drain_ev;
	struct event			*trim_ev;	/* a trim put off */
	time_t				 drain_until;
	int				 draining;
	int				 commit_scheduled;
	int				 syncing;	/* a sync job out */
	double				 trimmed_at;	/* metrics_now() */
	int				 stopping;	/* sync inline */
};

static int	conn_idx = -1;

static void
conn_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	struct conn	*c = ptr;

	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	if (c == NULL)
		return;
	c->srv->nconns--;
	LIST_REMOVE(c, entry);
	event_free(c->deadline);
	free(c);
}

static void
conn_arm(struct conn *c)
{
	struct timeval	tv = { (time_t)c->srv->conf->request_timeout, 0 };

	evtimer_add(c->deadline, &tv);
}

static void
conn_expired(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;
	evutil_socket_t	 s;

	(void)fd;
	(void)ev;
	/* evhttp sees end of file and frees the connection. */
	if ((s = bufferevent_getfd(c->bev)) != -1)
		(void)shutdown(s, SHUT_RDWR);
}

/* Any byte of a request makes the connection busy until its answer is
 * sent: only connections idle between requests are closed at once when
 * the daemon stops. */
static void
conn_input(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;

	(void)buf;
	if (info->n_added > 0)
		c->idle = 0;
}

static struct bufferevent *
server_bevcb(struct event_base *base, void *arg)
{
	struct server		*srv = arg;
	struct bufferevent	*bev;
	struct conn		*c;
	SSL			*ssl;

	if ((ssl = SSL_new(srv->ctx)) == NULL)
		fatalx("SSL_new failed");
	c = xcalloc(1, sizeof(*c));
	c->srv = srv;
	if ((c->deadline = evtimer_new(base, conn_expired, c)) == NULL)
		fatalx("evtimer_new failed");
	/* Counted from here: the free callback uncounts it, whatever
	 * happens to the connection. */
	srv->nconns++;
	c->over_cap = srv->draining ||
	    srv->nconns > (size_t)srv->conf->max_connections;
	if (!SSL_set_ex_data(ssl, conn_idx, c))
		fatalx("SSL_set_ex_data failed");
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("bufferevent_openssl_socket_new failed");
	c->bev = bev;
	c->idle = 1;
	LIST_INSERT_HEAD(&srv->conns, c, entry);
	if (evbuffer_add_cb(bufferevent_get_input(bev), conn_input, c) ==
	    NULL)
		fatalx("evbuffer_add_cb failed");
	conn_arm(c);
	return bev;
}

static struct conn *
server_conn(struct evhttp_request *req, SSL **sslp)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	SSL				*ssl;

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL ||
	    (ssl = bufferevent_openssl_get_ssl(bev)) == NULL)
		return NULL;
	*sslp = ssl;
	return SSL_get_ex_data(ssl, conn_idx);
}

static void
server_req_done(struct evhttp_request *req, void *arg)
{
	struct conn	*c = arg;

	(void)req;
	/* The next request on this connection gets a fresh deadline. */
	conn_arm(c);
	c->idle = evbuffer_get_length(bufferevent_get_input(c->bev)) == 0;
}

static void
server_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection	*evcon;
	char				*addr = NULL;
	ev_uint16_t			 port = 0;

	if ((evcon = evhttp_request_get_connection(req)) != NULL)
		evhttp_connection_get_peer(evcon, &addr, &port);
	if (addr == NULL)
		snprintf(buf, len, "?");
	else if (strchr(addr, ':') != NULL)
		snprintf(buf, len, "[%s]:%u", addr, (unsigned)port);
	else
		snprintf(buf, len, "%s:%u", addr, (unsigned)port);
}

static const struct route {
	const char	*path;	/* ending in "/": that, then a parameter
				   the handler checks */
	int		 methods;	/* EVHTTP_REQ_* or'ed */
	void		(*handler)(struct http_req *);
} routes[] = {
	{ "/healthz",		EVHTTP_REQ_GET,		http_healthz },
	{ "/readyz",		EVHTTP_REQ_GET,		http_readyz },
	{ "/metrics",		EVHTTP_REQ_GET,		http_metrics },
	{ "/v1/ca",		EVHTTP_REQ_GET,		http_ca },
	{ "/v1/enroll",		EVHTTP_REQ_POST,	http_enroll },
	{ "/v1/renew",		EVHTTP_REQ_POST,	http_renew },
	{ "/v1/evidence",	EVHTTP_REQ_POST,	http_evidence },
	{ "/v1/hosts",		EVHTTP_REQ_GET,		http_hosts },
	{ "/v1/hosts/",		EVHTTP_REQ_GET,		http_host },
	{ "/v1/findings",	EVHTTP_REQ_GET,		http_findings },
	{ "/v1/controls",	EVHTTP_REQ_GET,		http_controls },
	{ "/v1/waivers",	EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	    http_waivers },
	{ "/v1/waivers/",	EVHTTP_REQ_DELETE,	http_waiver },
	{ "/v1/drift",		EVHTTP_REQ_GET,		http_drift },
	{ "/v1/drift/",		EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	    http_drift_item },
	{ "/v1/audits",		EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	    http_audits },
	{ "/v1/alerts/outbox",	EVHTTP_REQ_GET,		http_alerts_outbox },
	{ "/v1/ledger/checkpoint", EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	    http_ledger_checkpoint },
	{ "/v1/ledger/proof/inclusion", EVHTTP_REQ_GET,
	    http_ledger_inclusion },
	{ "/v1/ledger/proof/consistency", EVHTTP_REQ_GET,
	    http_ledger_consistency },
	{ "/v1/export",		EVHTTP_REQ_GET,		http_export },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/* The Allow header (and the words for a 405) from a route's methods. */
static void
server_allow(struct evhttp_request *req, int methods, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s",
	    methods & EVHTTP_REQ_GET ? "GET" : "",
	    (methods & EVHTTP_REQ_GET) && (methods & ~EVHTTP_REQ_GET) ?
	    ", " : "",
	    methods & EVHTTP_REQ_POST ? "POST" : "",
	    (methods & EVHTTP_REQ_POST) && (methods & EVHTTP_REQ_DELETE) ?
	    ", " : "",
	    methods & EVHTTP_REQ_DELETE ? "DELETE" : "");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    buf);
}

static void
server_dispatch(struct evhttp_request *req, void *arg)
{
	struct server		*srv = arg;
	struct http_req		 hr;
	struct conn		*c;
	struct evbuffer		*in;
	const struct route	*r = NULL;
	const char		*path;
	char			 allow[32];
	size_t			 i, len;

	memset(&hr, 0, sizeof(hr));
	hr.srv = srv;
	hr.findings = srv->findings;
	hr.drift = srv->drift;
	hr.ledger = srv->ledger;
	hr.rules = evaluator_rules(srv->evaluator);
	hr.req = req;
	hr.store = srv->store;
	hr.keys = srv->keys;
	hr.conf = srv->conf;
	hr.ca = srv->ca;
	hr.cakey = srv->cakey;
	hr.now = timefmt_now();
	hr.started = metrics_now();
	hr.route = "?";
	server_peer(req, hr.peer, sizeof(hr.peer));

	if ((c = server_conn(req, &hr.ssl)) != NULL) {
		evtimer_del(c->deadline);
		evhttp_request_set_on_complete_cb(req, server_req_done, c);
	}
	if (srv->draining || c == NULL || c->over_cap)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
	if (c == NULL || c->over_cap) {
		http_refuse(&hr, 503, "busy", "the daemon is serving its "
		    "maximum number of connections; retry later");
		return;
	}

	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	for (i = 0; path != NULL && i < NROUTES; i++) {
		len = strlen(routes[i].path);
		if (routes[i].path[len - 1] != '/') {
			if (strcmp(path, routes[i].path) == 0)
				break;
		} else if (strncmp(path, routes[i].path, len) == 0 &&
		    path[len] != '\0') {
			hr.param = path + len;
			break;
		}
	}
	if (path == NULL || i == NROUTES) {
		http_refuse(&hr, 404, "not_found", "no such route");
		return;
	}
	r = &routes[i];
	hr.route = r->path;
	hr.method = (int)evhttp_request_get_command(req);
	if ((hr.method & r->methods) == 0) {
		server_allow(req, r->methods, allow, sizeof(allow));
		http_refuse(&hr, 405, "method_not_allowed", "%s takes %s",
		    r->path, allow);
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	hr.len = evbuffer_get_length(in);
	/* NUL-terminated in place: the parsers take lengths, logs strings. */
	evbuffer_add(in, "", 1);
	hr.body = (const char *)evbuffer_pullup(in, -1);
	r->handler(&hr);
	store_agent_clear(&hr.agent);
}

int
http_batch(struct http_req *hr)
{
	struct server	*srv = hr->srv;

	if (store_batch_begin(srv->store) != STORE_OK) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return -1;
	}
	/* Whatever the request ends in, the batch commits this iteration:
	 * a refusal's security event must not wait for the next success. */
	if (!srv->commit_scheduled) {
		srv->commit_scheduled = 1;
		event_active(srv->commit_ev, EV_TIMEOUT, 0);
	}
	return 0;
}

void
http_submit(struct http_req *hr, void (*work)(void *), void (*done)(void *),
    void *arg)
{
	workers_submit(hr->srv->workers, work, done, arg);
}

void
http_stored(struct http_req *hr, int64_t evidence_id)
{
	struct server	*srv = hr->srv;

	if (srv->nstored == srv->stored_cap) {
		srv->stored_cap = srv->stored_cap ? srv->stored_cap * 2 : 64;
		srv->stored = xreallocarray(srv->stored, srv->stored_cap,
		    sizeof(*srv->stored));
	}
	srv->stored[srv->nstored++] = evidence_id;
}

void
http_reply_durable(struct http_req *hr, int status, struct json_object *body)
{
	struct server	*srv = hr->srv;
	struct pending	*p;

	if (!store_in_batch(srv->store)) {
		http_reply(hr, status, body);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->req = hr->req;
	p->body = body;
	p->status = status;
	snprintf(p->route, sizeof(p->route), "%s", hr->route);
	snprintf(p->peer, sizeof(p->peer), "%s", hr->peer);
	p->started = hr->started;
	TAILQ_INSERT_TAIL(&srv->pending, p, entry);
}

/* A committed batch whose replies wait for the log to reach the disk. */
struct syncjob {
	struct server	*srv;
	struct pendingq	 replies;
	int		 ok;
	size_t		 nstored;	/* for the metrics */
	double		 seconds;	/* the commit's, then the fsync's too */
};

static void
server_answer(struct server *srv, struct pendingq *q, int ok)
{
	struct pending	*p;
	struct http_req	 hr;
	size_t		 n = 0;

	while ((p = TAILQ_FIRST(q)) != NULL) {
		TAILQ_REMOVE(q, p, entry);
		memset(&hr, 0, sizeof(hr));
		hr.srv = srv;
		hr.req = p->req;
		hr.route = p->route;
		hr.started = p->started;
		snprintf(hr.peer, sizeof(hr.peer), "%s", p->peer);
		if (ok)
			http_reply(&hr, p->status, p->body);
		else {
			json_object_put(p->body);
			http_refuse(&hr, 503, "busy", "the store could not "
			    "commit; retry later");
		}
		free(p);
		n++;
	}
	log_debug("answered a batch of %zu request(s)", n);
}

/* On the sync thread. */
static void
server_sync_work(void *arg)
{
	struct syncjob	*j = arg;
	double		 t0 = metrics_now();

	/* After a failed fsync the kernel may have dropped the pages it
	 * could not write: no later fsync can vouch for them, so nothing
	 * more may be acknowledged.  Stop; agents keep their spools. */
	if (store_sync(j->srv->store) == -1)
		fatalx("the store's log could not be written to disk; "
		    "stopping so that nothing unwritten is acknowledged");
	j->ok = 1;
	/* Read on the loop thread after done(): the registry is its. */
	j->seconds += metrics_now() - t0;
}

static void	server_commit(evutil_socket_t, short, void *);

/* Seconds between returns of freed memory to the system. */
#define SERVER_TRIM_EVERY	5.0

/*
 * Nothing left to do: give the store's cache and the memory a burst of
 * large documents left free in the allocator's arenas back to the
 * system, so that the daemon's footprint follows its load rather than
 * its busiest minute.
 */
static void
server_idle(struct server *srv)
{
	struct timeval	tv;
	double		now = metrics_now(), wait;

	if ((wait = srv->trimmed_at + SERVER_TRIM_EVERY - now) > 0) {
		/* Trimmed moments ago: again once the interval is over, if
		 * nothing came in by then, or a burst that just ended would
		 * keep its memory until the next one. */
		if (!evtimer_pending(srv->trim_ev, NULL)) {
			tv.tv_sec = (time_t)wait;
			tv.tv_usec = (suseconds_t)((wait - (double)tv.tv_sec) *
			    1e6);
			evtimer_add(srv->trim_ev, &tv);
		}
		return;
	}
	srv->trimmed_at = now;
	store_release_memory(srv->store);
#if defined(HAVE_JEMALLOC)
	(void)mallctl("arena." SERVER_STR(MALLCTL_ARENAS_ALL) ".purge", NULL,
	    NULL, NULL, 0);
#elif defined(__GLIBC__)
	malloc_trim(0);
#endif
}

static void
server_trim_later(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;

	(void)fd;
	(void)what;
	if (!srv->syncing && TAILQ_EMPTY(&srv->pending) &&
	    workers_pending(srv->workers) == 0)
		server_idle(srv);
}

static void
server_sync_done(void *arg)
{
	struct syncjob	*j = arg;
	struct server	*srv = j->srv;

	srv->syncing = 0;
	daemon_metrics_commit(srv->metrics, j->seconds, j->nstored);
	server_answer(srv, &j->replies, j->ok);
	free(j);
	/* What queued up during that fsync goes as the next batch. */
	if (!TAILQ_EMPTY(&srv->pending))
		server_commit(-1, 0, srv);
	else if (workers_pending(srv->workers) == 0)
		server_idle(srv);
}

/*
 * The end of a batch: commit (appending to the log, no fsync), then hand
 * the replies to the sync thread, which answers them once the log is on
 * disk.  Meanwhile this thread serves the next batch, which it commits
 * only when that fsync is done: while the disk is busy, requests gather
 * into one larger batch (fewer pages written, one fsync).
 */
static void
server_commit(evutil_socket_t fd, short ev, void *arg)
{
	struct server	*srv = arg;
	struct syncjob	*j;
	size_t		 i, nstored;
	double		 t0;

	(void)fd;
	(void)ev;
	srv->commit_scheduled = 0;
	if (srv->syncing && !srv->stopping)
		return;	/* server_sync_done() commits this batch */
	t0 = metrics_now();
	if (store_batch_commit(srv->store) != STORE_OK) {
		srv->nstored = 0;
		server_answer(srv, &srv->pending, 0);
		return;
	}
	/* No sync job is out and no batch open: the moment to let a log
	 * that the background checkpoint cannot catch start over. */
	store_restart_log(srv->store);
	/* Judging reads the committed documents; results need no fsync of
	 * their own (they are derived, and rebuilt if lost). */
	for (i = 0; i < srv->nstored; i++)
		evaluator_stored(srv->evaluator, srv->stored[i]);
	nstored = srv->nstored;
	srv->nstored = 0;
	/* Refusals of this batch may have recorded security events. */
	drift_kick(srv->drift);
	/* Alerts queued in the batch may go out now. */
	alerts_kick(srv->alerts);
	/* Nothing to answer (security events, say): the next sync
	 * covers them. */
	if (TAILQ_EMPTY(&srv->pending)) {
		daemon_metrics_commit(srv->metrics, metrics_now() - t0,
		    nstored);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->srv = srv;
	j->nstored = nstored;
	j->seconds = metrics_now() - t0;
	TAILQ_INIT(&j->replies);
	TAILQ_CONCAT(&j->replies, &srv->pending, entry);
	if (srv->stopping) {
		/* The sync thread is gone: sync here. */
		server_sync_work(j);
		daemon_metrics_commit(srv->metrics, j->seconds, j->nstored);
		server_answer(srv, &j->replies, j->ok);
		free(j);
		return;
	}
	srv->syncing = 1;
	workers_submit(srv->syncer, server_sync_work, server_sync_done, j);
}

static void
server_limits(struct server *srv)
{
	/* Bodies between the limit and twice it get our JSON 413; beyond
	 * that libevent refuses without reading them. */
	evhttp_set_max_body_size(srv->http,
	    (ev_ssize_t)srv->conf->max_body_size * 2);
	evhttp_set_max_headers_size(srv->http, SERVER_MAX_HEADERS);
	evhttp_set_timeout(srv->http, (int)srv->conf->request_timeout);
}

static SSL_CTX *
server_tls(const char *dir)
{
	SSL_CTX	*ctx;
	char	*cert, *key, *ca, err[512];

	cert = xasprintf("%s/server.pem", dir);
	key = xasprintf("%s/server.key", dir);
	ca = xasprintf("%s/ca.pem", dir);
	if ((ctx = tls_server_ctx(cert, key, ca, err, sizeof(err))) == NULL)
		log_warnx("TLS: %s", err);
	free(cert);
	free(key);
	free(ca);
	return ctx;
}

static int
server_listen(struct server *srv)
{
	char	*host, *port, *end;
	long	 p;
	int	 one = 1;

	host = xstrdup(srv->conf->listen);
	/* "host:port" or "[v6]:port", validated by the config parser. */
	port = strrchr(host, ':');
	*port++ = '\0';
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		if ((end = strchr(host, ']')) != NULL)
			*end = '\0';
	}
	p = strtol(port, NULL, 10);
	srv->listener = evhttp_bind_socket_with_handle(srv->http, host,
	    (ev_uint16_t)p);
	if (srv->listener == NULL) {
		log_warn("cannot listen on %s", srv->conf->listen);
		free(host);
		return -1;
	}
	/* A reply leaves as several TLS records; with Nagle each one after
	 * the first waits for the client's delayed ACK, some 40 ms a request
	 * on a keep-alive connection.  Accepted sockets inherit the option
	 * from the listening one. */
	if (setsockopt(evhttp_bound_socket_get_fd(srv->listener), IPPROTO_TCP,
	    TCP_NODELAY, &one, sizeof(one)) == -1)
		log_warn("setsockopt TCP_NODELAY");
	log_info("listening on https://%s", srv->conf->listen);
	free(host);
	return 0;
}

static size_t
server_nworkers(const struct daemon_conf *conf)
{
	long	n = (long)conf->workers;

	if (n == 0 && (n = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		n = 1;
	return (size_t)n;
}

static void	server_drift_notify(void *, const struct store_drift *,
		    const char *);
static void	server_judged(void *);

struct server *
server_start(struct event_base *base, const struct daemon_conf *conf,
    struct ruleset *rules)
{
	struct server		*srv;
	struct store_conf	 sc;
	char			*path, err[512];

	if (conn_idx == -1 && (conn_idx = SSL_get_ex_new_index(0, NULL, NULL,
	    NULL, conn_ex_free)) == -1)
		fatalx("SSL_get_ex_new_index failed");
	srv = xcalloc(1, sizeof(*srv));
	srv->base = base;
	srv->conf = conf;
	TAILQ_INIT(&srv->pending);
	LIST_INIT(&srv->conns);
	srv->keys = ingest_keys_new();
	srv->metrics = daemon_metrics_new();
	http_export_cleanup(conf->state_dir);

	path = xasprintf("%s/ca.pem", conf->state_dir);
	srv->ca = ca_cert_load(path, err, sizeof(err));
	free(path);
	if (srv->ca == NULL) {
		log_warnx("%s (has \"exhibitctl init\" been run?)", err);
		goto fail;
	}
	path = xasprintf("%s/ca.key", conf->state_dir);
	srv->cakey = keys_load_private(path, err, sizeof(err));
	free(path);
	if (srv->cakey == NULL) {
		log_warnx("%s", err);
		goto fail;
	}
	if ((srv->ctx = server_tls(conf->state_dir)) == NULL)
		goto fail;
	daemon_conf_store(conf, NULL, &sc);
	if ((srv->store = store_open_conf(&sc, err, sizeof(err))) == NULL) {
		log_warnx("store: %s", err);
		goto fail;
	}
	if ((srv->http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_DELETE);
	evhttp_set_bevcb(srv->http, server_bevcb, srv);
	evhttp_set_gencb(srv->http, server_dispatch, srv);
	server_limits(srv);
	if ((srv->commit_ev = event_new(base, -1, 0, server_commit,
	    srv)) == NULL ||
	    (srv->trim_ev = evtimer_new(base, server_trim_later, srv)) == NULL)
		fatalx("event_new failed");
	srv->workers = workers_start(base, server_nworkers(conf));
	if (store_defer_sync(srv->store) != STORE_OK)
		goto fail;
	srv->syncer = workers_start(base, 1);
	srv->evaluator = evaluator_new(base, srv->store, srv->workers);
	srv->findings = findings_new(srv->store);
	srv->drift = drift_new(base, srv->store, conf);
	/* Delivers what an earlier run left in the outbox. */
	srv->alerts = alerts_new(base, srv->store, conf);
	drift_set_notify(srv->drift, server_drift_notify, srv);
	evaluator_set_commit_hook(srv->evaluator, server_judged, srv);
	if ((srv->ledger = ledger_new(base, srv->store, conf)) == NULL)
		goto fail;
	if (evaluator_set_rules(srv->evaluator, rules) == -1)
		goto fail;
	rules = NULL;
	evaluator_set_drift(srv->evaluator, srv->drift);
	drift_kick(srv->drift);
	if (server_listen(srv) == -1)
		goto fail;
	return srv;
fail:
	ruleset_free(rules);
	server_free(srv);
	return NULL;
}

void
server_reload(struct server *srv, const struct daemon_conf *conf)
{
	SSL_CTX	*ctx;

	srv->conf = conf;
	server_limits(srv);
	drift_reload(srv->drift, conf);
	alerts_reload(srv->alerts, conf);
	ledger_reload(srv->ledger, conf);
	/* New connections use the re-read certificate; established ones
	 * keep the context they hold a reference to. */
	if ((ctx = server_tls(conf->state_dir)) == NULL) {
		log_warnx("keeping the running TLS certificate");
		return;
	}
	SSL_CTX_free(srv->ctx);
	srv->ctx = ctx;
}

struct alerts *
server_alerts(struct server *srv)
{
	return srv->alerts;
}

struct daemon_metrics *
server_metrics(struct server *srv)
{
	return srv->metrics;
}

int
server_draining(struct server *srv)
{
	return srv->draining;
}

/* Every drift item that opens or resolves alerts, from the outbox: in
 * the open batch when there is one (sent once it commits), else now. */
static void
server_drift_notify(void *arg, const struct store_drift *item,
    const char *event)
{
	struct server	*srv = arg;

	alerts_enqueue(srv->alerts, item, event);
	if (!store_in_batch(srv->store))
		alerts_kick(srv->alerts);
}

/* Results committed outside a batch: their alerts may go. */
static void
server_judged(void *arg)
{
	struct server	*srv = arg;

	alerts_kick(srv->alerts);
}

int
server_set_rules(struct server *srv, struct ruleset *rules)
{
	return evaluator_set_rules(srv->evaluator, rules);
}

static void
server_drain_check(evutil_socket_t fd, short ev, void *arg)
{
	struct server	*srv = arg;
	struct conn	*c;

	(void)fd;
	(void)ev;
	/* A keep-alive connection waiting for its next request would
	 * otherwise hold the stop for the whole drain time. */
	LIST_FOREACH(c, &srv->conns, entry) {
		if (c->idle && !c->closing) {
			c->closing = 1;
			conn_expired(-1, 0, c);
		}
	}
	if ((srv->nconns == 0 && TAILQ_EMPTY(&srv->pending) &&
	    workers_pending(srv->workers) == 0 &&
	    workers_pending(srv->syncer) == 0) ||
	    timefmt_now() >= srv->drain_until) {
		if (srv->nconns > 0)
			log_info("closing %zu connection(s) still open",
			    srv->nconns);
		event_base_loopexit(srv->base, NULL);
	}
}

void
server_drain(struct server *srv)
{
	struct timeval	tv = { 0, 100 * 1000 };
	long long	wait;

	if (srv->draining)
		return;
	srv->draining = 1;
	/* Documents not judged yet are judged at the next start. */
	evaluator_stop(srv->evaluator);
	/* Alerts in flight may finish; the rest wait in the outbox. */
	alerts_stop(srv->alerts);
	if (srv->listener != NULL) {
		evhttp_del_accept_socket(srv->http, srv->listener);
		srv->listener = NULL;
	}
	wait = srv->conf->request_timeout < SERVER_DRAIN_MAX ?
	    srv->conf->request_timeout : SERVER_DRAIN_MAX;
	srv->drain_until = timefmt_now() + wait;
	log_info("no longer accepting connections; finishing %zu open "
	    "connection(s)", srv->nconns);
	srv->drain_ev = event_new(srv->base, -1, EV_PERSIST,
	    server_drain_check, srv);
	if (srv->drain_ev == NULL || event_add(srv->drain_ev, &tv) == -1)
		fatalx("cannot schedule the drain");
}

void
server_free(struct server *srv)
{
	if (srv == NULL)
		return;
	/* Jobs still on workers are answered, then the batch they joined
	 * is committed, before any connection closes. */
	workers_stop(srv->workers);
	srv->stopping = 1;
	workers_stop(srv->syncer);
	if (srv->commit_scheduled || !TAILQ_EMPTY(&srv->pending))
		server_commit(-1, 0, srv);
	evaluator_free(srv->evaluator);
	drift_free(srv->drift);
	ledger_free(srv->ledger);
	findings_free(srv->findings);
	alerts_free(srv->alerts);
	daemon_metrics_free(srv->metrics);
	free(srv->stored);
	if (srv->http != NULL)
		evhttp_free(srv->http);
	if (srv->commit_ev != NULL)
		event_free(srv->commit_ev);
	if (srv->drain_ev != NULL)
		event_free(srv->drain_ev);
	if (srv->trim_ev != NULL)
		event_free(srv->trim_ev);
	store_close(srv->store);
	ingest_keys_free(srv->keys);
	SSL_CTX_free(srv->ctx);
	EVP_PKEY_free(srv->cakey);
	X509_free(srv->ca);
	free(srv);
}
