/*
 * Drift alert latency, as an operator sees it: from an agent pushing a
 * document that drifts from its baseline to the webhook receiver holding
 * the alert.  The whole pipeline is in it: TLS, signature and schema
 * checks, the durable commit, judging by the shipped rule pack, the
 * drift comparison, the outbox and the webhook's delivery.
 *
 * A few enrolled agents push full documents of "exhibit-agent collect"
 * on the debian12-hardened fixture (document A, each agent's baseline:
 * its first document), then alternately B and A, where B differs from
 * A in sshd's effective PasswordAuthentication ("yes"): each B opens
 * two drift items (rule_regressed LNX-SSH-002, evidence_changed sshd)
 * and each A resolves both, so every push is worth two webhooks.  An
 * in-process receiver (evhttp on the same loop) notes when each webhook
 * arrives.
 *
 * Every webhook is an event, its latency the time from just before its
 * push was written to the socket (signing done) to its arrival.  It is
 * attributed by the evidence_id it carries: an "opened" alert to the
 * push whose receipt named that evidence; a "resolved" alert carries
 * the evidence that last updated the item, and goes to the same agent's
 * next push, the one that brought the host back.  After the first
 * documents (their TLS handshakes included), two phases: one push at a
 * time, the next once the last one has its 201 and its webhooks (the
 * pipeline, not a queue, is measured), until -n events; then a fixed
 * rate (-r pushes/s for -s seconds, BENCH_SECONDS by default), each
 * push by the next agent with nothing in flight.  Prints p50/p99/max of
 * push -> webhook and of push -> 201, the daemon's CPU, the webhooks by
 * kind, and whatever went amiss (refusals, lost pushes, pushes short of
 * their webhooks, duplicate deliveries).  Asserts nothing.
 *
 * usage: bench-drift [-k] [-a agents] [-n events] [-r rate] [-s seconds]
 *                    EXHIBITD EXHIBITCTL EXHIBIT-AGENT
 *
 * -k keeps the temporary directory (exhibitd.log, the database).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bench-lib.h"
#include "envelope.h"
#include "jsonutil.h"
#include "timefmt.h"
#include "xmalloc.h"

#define BENCH_TARGET_P99_MS	200.0	/* push -> webhook */
#define BENCH_AGENTS		4
#define BENCH_EVENTS		1000	/* paced phase */
#define BENCH_RATE		20	/* pushes/s, second phase */
#define BENCH_SECONDS		10	/* second phase */
/* LNX-SSH-002 and section sshd: the paced phase waits for this many
 * webhooks per push (a push short of them waits BENCH_PUSH_WAIT). */
#define BENCH_HOOKS_PER_PUSH	2
#define BENCH_PUSH_WAIT		5000.0	/* ms */
#define BENCH_QUIET		2000.0	/* ms: nothing more comes */
#define BENCH_DRAIN		30000.0	/* ms: at most, after a phase */
#define BENCH_MAX_HEADER	(16 * 1024)
#define BENCH_SECRET		"bench-drift-secret-0123456789"
#define BENCH_RATE_LIMIT	6000	/* a minute: the most it takes */
#define NONE			SIZE_MAX

enum { DOC_A, DOC_B };

struct push {
	double		 sent_at;	/* ms, CLOCK_MONOTONIC */
	double		 answered_at;	/* 0 until answered */
	int		 status;	/* 0: lost */
	int64_t		 evidence_id;	/* from the 201 receipt */
	size_t		 next;		/* the agent's next push, or NONE */
	int		 hooks;		/* webhooks attributed */
};

struct hook {
	double		 at;
	int		 resolved;	/* else opened */
	char		 kind[24];
	int64_t		 evidence_id;
	char		*key;		/* idempotency key */
};

struct agent {
	struct bench_agent	 b;
	size_t			 index;
	int64_t			 seq;		/* next seq to sign */
	char			*host;		/* its "host" member */
	int			 doc;		/* what it pushes next */
	size_t			 last;		/* its last push, or NONE */
	struct bufferevent	*bev;
	int			 open;		/* handshake done */
	size_t			 busy;		/* push in flight, or NONE */
	char			*queued;	/* request for when it opens */
	size_t			 need;		/* response bytes, once known */
	size_t			 need_hdr;	/* of which the header */
	int			 status;
	int			 close_after;
};

struct phase {
	const char	*label;
	int		 paced;		/* else at bench.rate */
	size_t		 p0, h0;	/* its first push and hook */
	size_t		 events;	/* webhooks that end it */
	size_t		 inflight;
	size_t		 skipped;	/* ticks with every agent busy */
	size_t		 current;	/* paced: the push waited for */
	size_t		 h_current;	/* hooks when it was sent */
	int		 stopping;
	double		 t0, t_end, last_activity;
	double		 cpu0, cpu;	/* the daemon's, ms */
};

struct bench {
	size_t			 nagents, nevents;
	int			 rate, seconds;
	const char		*agentbin;
	struct agent		*agents;
	size_t			 rr;		/* round robin */
	struct event_base	*base;
	struct evhttp		*http;
	int			 rport;
	char			*sections[2];	/* A's and B's, serialised */
	char			*version, *errors;
	size_t			 doclen;
	struct push		*pushes;
	size_t			 npush, cappush;
	struct hook		*hooks;
	size_t			 nhook, caphook;
	struct phase		*ph;
	struct event		*tick, *check;
};

static struct bench	bench;

static void	phase_progress(void);

/* --- documents ----------------------------------------------------------- */

/* The "sections" member: every section in full, each digest computed
 * over the very bytes sent. */
static char *
sections_text(struct json_object *sections)
{
	struct json_object	*holder, *v;
	FILE			*f;
	char			*text, *full;
	size_t			 n;
	int			 first = 1;

	if ((f = open_memstream(&text, &n)) == NULL)
		bench_fail("open_memstream: %s", strerror(errno));
	fputc('{', f);
	json_object_object_foreach(sections, name, sec) {
		holder = json_object_new_object();
		if (json_object_object_get_ex(sec, "sources", &v))
			jsonutil_set(holder, "sources", json_object_get(v));
		if (json_object_object_get_ex(sec, "data", &v))
			jsonutil_set(holder, "data", json_object_get(v));
		full = bench_section_full(jsonutil_to_string(holder, 0));
		fprintf(f, "%s\"%s\":%s", first ? "" : ",", name, full);
		free(full);
		json_object_put(holder);
		first = 0;
	}
	fputc('}', f);
	if (fclose(f) == EOF)
		bench_fail("open_memstream: %s", strerror(errno));
	return text;
}

static char *
make_document(struct agent *a, int doc, int64_t seq, size_t *len)
{
	char	 when[TIMEFMT_RFC3339_LEN], *text;

	text = xasprintf("{\"schema\":\"exhibit.evidence/1\",\"agent_id\":"
	    "\"%s\",\"seq\":%lld,\"collected_at\":\"%s\",\"agent_version\":"
	    "%s,\"host\":%s,\"sections\":%s,\"errors\":%s}", a->b.id,
	    (long long)seq, timefmt_rfc3339(timefmt_now(), when,
	    sizeof(when)), bench.version, a->host, bench.sections[doc],
	    bench.errors);
	*len = strlen(text);
	bench.doclen = *len;
	return text;
}

/*
 * Documents A and B from one collection of the hardened fixture: A as
 * collected, B with sshd's effective PasswordAuthentication "yes" (what
 * a "PasswordAuthentication yes" early in sshd_config.d would give).
 */
static void
make_documents(void)
{
	struct json_object	*doc, *sections, *o, *v;
	const char		*pa;
	char			*argv[5], *text, err[256];
	size_t			 len;

	argv[0] = xstrdup(bench.agentbin);
	argv[1] = xstrdup("collect");
	argv[2] = xstrdup("--root");
	argv[3] = xstrdup(BENCH_FIXTURE);
	argv[4] = NULL;
	if ((text = bench_run_capture(argv, &len)) == NULL)
		bench_fail("%s collect --root %s failed", bench.agentbin,
		    BENCH_FIXTURE);
	if ((doc = jsonutil_parse(text, len, err, sizeof(err))) == NULL)
		bench_fail("exhibit-agent collect: %s", err);
	free(text);
	if (jsonutil_get_object(doc, "sections", &sections) == -1 ||
	    !json_object_object_get_ex(doc, "agent_version", &v) ||
	    !json_object_object_get_ex(doc, "errors", &o))
		bench_fail("exhibit-agent collect: not an evidence document");
	bench.version = xstrdup(jsonutil_to_string(v, 0));
	bench.errors = xstrdup(jsonutil_to_string(o, 0));
	bench.sections[DOC_A] = sections_text(sections);

	if (jsonutil_get_object(sections, "sshd", &o) == -1 ||
	    jsonutil_get_object(o, "data", &o) == -1 ||
	    jsonutil_get_object(o, "effective", &o) == -1 ||
	    jsonutil_get_object(o, "passwordauthentication", &o) == -1 ||
	    jsonutil_get_string(o, "value", &pa) == -1 ||
	    strcmp(pa, "no") != 0)
		bench_fail("the fixture's sshd does not say "
		    "PasswordAuthentication no");
	jsonutil_set_string(o, "value", "yes");
	bench.sections[DOC_B] = sections_text(sections);
	json_object_put(doc);
	for (len = 0; len < 4; len++)
		free(argv[len]);
}

/* Each agent is its own host: its hostname and machine id. */
static void
agent_host(struct agent *a)
{
	struct json_object	*h;
	char			 name[32];

	h = json_object_new_object();
	snprintf(name, sizeof(name), "bench-%03zu", a->index);
	jsonutil_set_string(h, "hostname", name);
	jsonutil_set_string(h, "machine_id", a->b.machine_id);
	a->host = xstrdup(jsonutil_to_string(h, 0));
	json_object_put(h);
}

/* --- the webhook receiver ------------------------------------------------ */

static void
hook_add(double at, struct json_object *o)
{
	struct hook	*h;
	const char	*s;
	int64_t		 id = 0;

	if (!json_object_is_type(o, json_type_object))
		return;
	if (bench.nhook == bench.caphook) {
		bench.caphook = bench.caphook ? bench.caphook * 2 : 4096;
		bench.hooks = xreallocarray(bench.hooks, bench.caphook,
		    sizeof(*bench.hooks));
	}
	h = &bench.hooks[bench.nhook++];
	memset(h, 0, sizeof(*h));
	h->at = at;
	h->resolved = jsonutil_get_string(o, "event", &s) == 0 &&
	    strcmp(s, "resolved") == 0;
	if (jsonutil_get_string(o, "kind", &s) == 0)
		snprintf(h->kind, sizeof(h->kind), "%s", s);
	(void)jsonutil_get_int64(o, "evidence_id", &id);
	h->evidence_id = id;
	h->key = xstrdup(jsonutil_get_string(o, "idempotency_key", &s) == 0 ?
	    s : "");
}

/* One POST: the time first (it is what is measured), then the body. */
static void
hook_request(struct evhttp_request *req, void *arg)
{
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct json_object	*o;
	double			 at = bench_now_ms();
	size_t			 len = evbuffer_get_length(in), i;
	char			 err[256];

	(void)arg;
	o = jsonutil_parse((const char *)evbuffer_pullup(in, -1), len, err,
	    sizeof(err));
	if (o == NULL) {
		evhttp_send_reply(req, 400, "Bad Request", NULL);
		return;
	}
	/* A batch is an array; without batch_window each is one object. */
	if (json_object_is_type(o, json_type_array))
		for (i = 0; i < json_object_array_length(o); i++)
			hook_add(at, json_object_array_get_idx(o, i));
	else
		hook_add(at, o);
	json_object_put(o);
	evhttp_send_reply(req, 200, "OK", NULL);
	if (bench.ph != NULL)
		bench.ph->last_activity = at;
	phase_progress();
}

static void
receiver_start(void)
{
	struct evhttp_bound_socket	*bound;
	struct sockaddr_in		 sin;
	socklen_t			 len = sizeof(sin);

	if ((bench.http = evhttp_new(bench.base)) == NULL)
		bench_fail("evhttp_new failed");
	evhttp_set_gencb(bench.http, hook_request, NULL);
	if ((bound = evhttp_bind_socket_with_handle(bench.http, "127.0.0.1",
	    0)) == NULL)
		bench_fail("the webhook receiver cannot listen");
	if (getsockname(evhttp_bound_socket_get_fd(bound),
	    (struct sockaddr *)&sin, &len) == -1)
		bench_fail("getsockname: %s", strerror(errno));
	bench.rport = ntohs(sin.sin_port);
}

/* --- pushing: keep-alive mutual TLS, one request at a time per agent ----- */

static void
agent_close(struct agent *a)
{
	if (a->bev != NULL)
		bufferevent_free(a->bev);
	a->bev = NULL;
	a->open = 0;
	a->close_after = 0;
}

/* The push in flight ends: answered (status) or lost (0). */
static void
push_done(struct agent *a, int status, const char *body, size_t len)
{
	struct json_object	*o;
	struct push		*p = &bench.pushes[a->busy];
	char			 err[256];
	int64_t			 id;

	p->answered_at = bench_now_ms();
	p->status = status;
	if (status == 201 && (o = jsonutil_parse(body, len, err,
	    sizeof(err))) != NULL) {
		if (jsonutil_get_int64(o, "evidence_id", &id) == 0)
			p->evidence_id = id;
		json_object_put(o);
	} else if (status != 0)
		fprintf(stderr, "bench-drift: push %zu: status %d: %.*s\n",
		    a->busy, status, (int)(len < 200 ? len : 200), body);
	a->busy = NONE;
	if (bench.ph != NULL) {
		bench.ph->inflight--;
		bench.ph->last_activity = p->answered_at;
	}
}

static void
agent_read(struct bufferevent *bev, void *arg)
{
	struct agent		*a = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 p;
	char			 hdr[BENCH_MAX_HEADER + 1], *cl;
	const char		*data;

	/* Nothing asked: nothing expected. */
	if (a->busy == NONE) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	if (a->need == 0) {
		p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
		if (p.pos < 0) {
			if (evbuffer_get_length(in) > BENCH_MAX_HEADER)
				bench_fail("a response header over %d bytes",
				    BENCH_MAX_HEADER);
			return;
		}
		a->need_hdr = (size_t)p.pos + 4;
		if (a->need_hdr > BENCH_MAX_HEADER)
			bench_fail("a response header over %d bytes",
			    BENCH_MAX_HEADER);
		memcpy(hdr, evbuffer_pullup(in, (ev_ssize_t)a->need_hdr),
		    a->need_hdr);
		hdr[a->need_hdr] = '\0';
		if (sscanf(hdr, "HTTP/1.%*d %d", &a->status) != 1)
			bench_fail("not an HTTP response: %.40s", hdr);
		/* 0 means lost. */
		if (a->status == 0)
			a->status = -1;
		if ((cl = strcasestr(hdr, "\r\nContent-Length:")) == NULL)
			bench_fail("a response without Content-Length: %s",
			    hdr);
		a->need = a->need_hdr + strtoul(cl + 17, NULL, 10);
		a->close_after = strcasestr(hdr, "\r\nConnection: close") !=
		    NULL;
	}
	if (evbuffer_get_length(in) < a->need)
		return;
	data = (const char *)evbuffer_pullup(in, (ev_ssize_t)a->need);
	push_done(a, a->status, data + a->need_hdr, a->need - a->need_hdr);
	evbuffer_drain(in, a->need);
	a->need = 0;
	if (a->close_after)
		agent_close(a);
	phase_progress();
}

static void
agent_event(struct bufferevent *bev, short what, void *arg)
{
	struct agent	*a = arg;
	unsigned long	 e;
	char		 buf[256];

	if (what & BEV_EVENT_CONNECTED) {
		a->open = 1;
		if (a->queued != NULL) {
			if (bufferevent_write(a->bev, a->queued,
			    strlen(a->queued)) == -1)
				bench_fail("bufferevent_write failed");
			free(a->queued);
			a->queued = NULL;
		}
		return;
	}
	/* Closed or failed: the push in flight is lost. */
	buf[0] = '\0';
	if ((e = bufferevent_get_openssl_error(bev)) != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	if (!a->open)
		bench_fail("agent %zu: TLS handshake failed: %s", a->index,
		    buf[0] ? buf : strerror(EVUTIL_SOCKET_ERROR()));
	agent_close(a);
	if (a->busy != NONE) {
		fprintf(stderr, "bench-drift: push %zu lost: %s\n", a->busy,
		    buf[0] ? buf : "connection closed");
		push_done(a, 0, "", 0);
		phase_progress();
	}
}

/* Connect (blocking: loopback answers at once), then the handshake. */
static void
agent_connect(struct agent *a)
{
	SSL	*ssl;
	int	 fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		bench_fail("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&benv.sin,
	    sizeof(benv.sin)) == -1)
		bench_fail("connect to exhibitd: %s", strerror(errno));
	/* Agents (libcurl) send without Nagle's delay too. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (evutil_make_socket_nonblocking(fd) == -1)
		bench_fail("nonblocking: %s", strerror(errno));
	if ((ssl = SSL_new(a->b.ctx)) == NULL)
		bench_fail("SSL_new: %s", bench_ssl_error());
	a->bev = bufferevent_openssl_socket_new(bench.base, fd, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (a->bev == NULL)
		bench_fail("bufferevent_openssl_socket_new failed");
	bufferevent_setcb(a->bev, agent_read, NULL, agent_event, a);
	if (bufferevent_enable(a->bev, EV_READ | EV_WRITE) == -1)
		bench_fail("bufferevent_enable failed");
}

/* Sign the agent's next document, then send it: the clock of its
 * events starts as it goes to the socket. */
static void
agent_push(struct agent *a)
{
	struct push	*p;
	char		*doc, *env, *req;
	size_t		 len;

	doc = make_document(a, a->doc, a->seq, &len);
	env = envelope_sign(a->b.key, ENVELOPE_EVIDENCE_TYPE, doc, len);
	req = xasprintf("POST /v1/evidence HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	    "Content-Type: application/vnd.dsse.envelope+json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", benv.port, strlen(env), env);
	free(doc);
	free(env);

	if (bench.npush == bench.cappush) {
		bench.cappush = bench.cappush ? bench.cappush * 2 : 1024;
		bench.pushes = xreallocarray(bench.pushes, bench.cappush,
		    sizeof(*bench.pushes));
	}
	p = &bench.pushes[bench.npush];
	memset(p, 0, sizeof(*p));
	p->next = NONE;
	if (a->last != NONE)
		bench.pushes[a->last].next = bench.npush;
	a->last = a->busy = bench.npush++;
	a->seq++;
	a->doc = a->doc == DOC_A ? DOC_B : DOC_A;
	a->need = 0;
	if (bench.ph != NULL)
		bench.ph->inflight++;

	if (a->bev == NULL)
		agent_connect(a);
	p->sent_at = bench_now_ms();
	if (!a->open) {
		free(a->queued);
		a->queued = req;
		return;
	}
	if (bufferevent_write(a->bev, req, strlen(req)) == -1)
		bench_fail("bufferevent_write failed");
	free(req);
}

/* --- phases -------------------------------------------------------------- */

enum { PHASE_FIRST, PHASE_PACED, PHASE_RATE };

static void
phase_end(struct phase *ph)
{
	ph->cpu = bench_proc_cpu_ms(benv.daemon) - ph->cpu0;
	ph->t_end = bench_now_ms();
	bench.ph = NULL;
	event_base_loopbreak(bench.base);
}

/* The next agent round the ring with nothing in flight, or NULL. */
static struct agent *
agent_idle(void)
{
	struct agent	*a;
	size_t		 i;

	for (i = 0; i < bench.nagents; i++) {
		a = &bench.agents[bench.rr++ % bench.nagents];
		if (a->busy == NONE)
			return a;
	}
	return NULL;
}

/*
 * Called whenever something arrives and by a timer: in the paced phase,
 * push again once the push waited for has its 201 and its webhooks (or
 * after BENCH_PUSH_WAIT); at the end of the others, stop when every
 * push is answered and has its webhooks, or nothing came for
 * BENCH_QUIET.
 */
static void
phase_progress(void)
{
	struct phase	*ph = bench.ph;
	struct push	*p;
	struct agent	*a;
	double		 now;

	if (ph == NULL)
		return;
	now = bench_now_ms();
	if (ph->paced) {
		if (ph->current != NONE) {
			p = &bench.pushes[ph->current];
			if ((p->answered_at == 0 || bench.nhook -
			    ph->h_current < BENCH_HOOKS_PER_PUSH) &&
			    now - p->sent_at < BENCH_PUSH_WAIT)
				return;
			ph->current = NONE;
		}
		if (bench.nhook - ph->h0 >= ph->events) {
			phase_end(ph);
			return;
		}
		if ((a = agent_idle()) == NULL)
			return;
		ph->h_current = bench.nhook;
		agent_push(a);
		ph->current = a->last;
		return;
	}
	if (!ph->stopping)
		return;
	if ((ph->inflight == 0 && (bench.nhook - ph->h0 >= ph->events ||
	    now - ph->last_activity >= BENCH_QUIET)) ||
	    now - ph->t_end >= BENCH_DRAIN)
		phase_end(ph);
}

static void
phase_check(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	phase_progress();
}

/* The fixed rate: the next idle agent pushes, if there is one. */
static void
phase_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct phase	*ph = arg;
	struct agent	*a;
	double		 now = bench_now_ms();

	(void)fd;
	(void)ev;
	if (ph->stopping)
		return;
	if (now - ph->t0 >= bench.seconds * 1e3) {
		evtimer_del(bench.tick);
		ph->stopping = 1;
		ph->t_end = ph->last_activity = now;
		/* Now every push's webhooks are due. */
		ph->events = BENCH_HOOKS_PER_PUSH * (bench.npush - ph->p0);
		return;
	}
	if ((a = agent_idle()) == NULL)
		ph->skipped++;
	else
		agent_push(a);
}

static void
phase_run(struct phase *ph, const char *label, int mode)
{
	struct timeval	tv;
	size_t		i;

	memset(ph, 0, sizeof(*ph));
	ph->label = label;
	ph->paced = mode == PHASE_PACED;
	ph->p0 = bench.npush;
	ph->h0 = bench.nhook;
	ph->current = NONE;
	ph->events = bench.nevents;
	ph->cpu0 = bench_proc_cpu_ms(benv.daemon);
	ph->t0 = ph->t_end = ph->last_activity = bench_now_ms();
	bench.ph = ph;
	switch (mode) {
	case PHASE_FIRST:
		/* One document each, all at once: host_new for each. */
		for (i = 0; i < bench.nagents; i++)
			agent_push(&bench.agents[i]);
		ph->stopping = 1;
		ph->events = bench.nagents;
		break;
	case PHASE_PACED:
		phase_progress();
		break;
	case PHASE_RATE:
		tv.tv_sec = 1 / bench.rate;
		tv.tv_usec = 1000000 / bench.rate % 1000000;
		if ((bench.tick = event_new(bench.base, -1, EV_PERSIST,
		    phase_tick, ph)) == NULL || evtimer_add(bench.tick,
		    &tv) == -1)
			bench_fail("evtimer failed");
		break;
	}
	event_base_dispatch(bench.base);
	if (bench.tick != NULL) {
		event_free(bench.tick);
		bench.tick = NULL;
	}
}

/* --- figures ------------------------------------------------------------- */

static size_t
push_of_evidence(int64_t id)
{
	size_t	i;

	for (i = bench.npush; i-- > 0;)
		if (bench.pushes[i].evidence_id == id && id != 0)
			return i;
	return NONE;
}

static int
hook_duplicate(size_t i)
{
	size_t	j;

	if (bench.hooks[i].key[0] == '\0')
		return 0;
	for (j = 0; j < i; j++)
		if (strcmp(bench.hooks[j].key, bench.hooks[i].key) == 0)
			return 1;
	return 0;
}

#define NKINDS	8

/* Webhooks by kind of drift item, for the report. */
struct kindcount {
	char	kind[24];
	size_t	n;
};

static void
kind_count(struct kindcount *k, const char *kind)
{
	size_t	i;

	for (i = 0; i < NKINDS - 1 && k[i].n != 0; i++)
		if (strcmp(k[i].kind, kind) == 0)
			break;
	if (k[i].n == 0)
		snprintf(k[i].kind, sizeof(k[i].kind), "%s", kind[0] ? kind :
		    "?");
	k[i].n++;
}

/*
 * Attribute the phase's webhooks to pushes and print its figures;
 * returns push -> webhook p99 in ms (*nevents: how many it covers).
 */
static double
phase_report(struct phase *ph, size_t expect, size_t *nevents)
{
	struct kindcount kinds[NKINDS];
	struct hook	*h;
	struct push	*p;
	double		*lat, *ack, secs, p99;
	size_t		 nlat = 0, nack = 0, opened = 0, resolved = 0;
	size_t		 dups = 0, unattributed = 0, refused = 0, lost = 0;
	size_t		 short_of = 0, npush = bench.npush - ph->p0, i, k;

	memset(kinds, 0, sizeof(kinds));
	lat = xcalloc(bench.nhook - ph->h0 + 1, sizeof(*lat));
	ack = xcalloc(npush + 1, sizeof(*ack));
	for (i = ph->h0; i < bench.nhook; i++) {
		h = &bench.hooks[i];
		if (hook_duplicate(i)) {
			dups++;
			continue;
		}
		k = push_of_evidence(h->evidence_id);
		if (k != NONE && h->resolved)
			k = bench.pushes[k].next;
		if (k == NONE) {
			unattributed++;
			continue;
		}
		bench.pushes[k].hooks++;
		lat[nlat++] = h->at - bench.pushes[k].sent_at;
		kind_count(kinds, h->kind);
		if (h->resolved)
			resolved++;
		else
			opened++;
	}
	for (i = ph->p0; i < bench.npush; i++) {
		p = &bench.pushes[i];
		if (p->status == 201)
			ack[nack++] = p->answered_at - p->sent_at;
		else if (p->status == 0)
			lost++;
		else
			refused++;
		if ((size_t)p->hooks < expect)
			short_of++;
	}
	qsort(lat, nlat, sizeof(*lat), bench_cmp_double);
	qsort(ack, nack, sizeof(*ack), bench_cmp_double);
	secs = (ph->t_end - ph->t0) / 1e3;
	printf("%-24s %zu events (%zu opened, %zu resolved) from %zu pushes "
	    "in %.1f s  push -> webhook p50 %.1f ms  p99 %.1f ms  max %.1f "
	    "ms\n", ph->label, nlat, opened, resolved, npush, secs,
	    bench_percentile(lat, nlat, 0.50), bench_percentile(lat, nlat,
	    0.99), bench_percentile(lat, nlat, 1.0));
	printf("%-24s push -> 201 p50 %.1f ms  p99 %.1f ms  max %.1f ms; "
	    "daemon CPU %.0f%% of a core (%.1f ms per push)\n", "",
	    bench_percentile(ack, nack, 0.50), bench_percentile(ack, nack,
	    0.99), bench_percentile(ack, nack, 1.0), secs > 0 ? ph->cpu / 10 /
	    secs : 0, npush ? ph->cpu / (double)npush : 0);
	printf("%-24s webhooks:", "");
	for (i = 0; i < NKINDS && kinds[i].n != 0; i++)
		printf(" %zu %s,", kinds[i].n, kinds[i].kind);
	printf(" %zu duplicates, %zu unattributed; pushes: %zu refused, %zu "
	    "lost, %zu short of their %zu webhook(s)", dups, unattributed,
	    refused, lost, short_of, expect);
	if (ph->skipped)
		printf("; %zu ticks with every agent busy", ph->skipped);
	printf("\n");
	p99 = bench_percentile(lat, nlat, 0.99);
	*nevents = nlat;
	free(lat);
	free(ack);
	return p99;
}

/* --- set-up -------------------------------------------------------------- */

static void
setup(void)
{
	struct agent	*a;
	struct timeval	 tv = { 0, 50 * 1000 };
	char		*text, *doc;
	size_t		 i, len;

	bench_tmpdir();
	if ((bench.base = event_base_new()) == NULL)
		bench_fail("event_base_new failed");
	receiver_start();
	make_documents();
	/* The shipped rule pack judges every document; the webhook's rate
	 * limit at its maximum (100 a second, bursts of 100) so that it
	 * does not set the pace. */
	text = xasprintf("[daemon]\nstate_dir = %s\nlog = stderr\n"
	    "[rules]\ndirectory = %s\n"
	    "[server]\nlisten = 127.0.0.1:%d\n"
	    "[alerts.webhook]\nurl = http://127.0.0.1:%d/hook\nsecret = %s\n"
	    "rate_limit = %d\nretry_min = 1s\n", benv.state, BENCH_RULES_DIR,
	    benv.port, bench.rport, BENCH_SECRET, BENCH_RATE_LIMIT);
	bench_init_store(text, bench.nagents);
	free(text);
	bench_start_daemon();

	bench.agents = xcalloc(bench.nagents, sizeof(*bench.agents));
	for (i = 0; i < bench.nagents; i++) {
		a = &bench.agents[i];
		a->index = i;
		a->seq = 1;
		a->doc = DOC_A;
		a->last = a->busy = NONE;
		bench_enroll(&a->b, i);
		agent_host(a);
	}
	/* The digests, checked independently before anything is timed. */
	for (i = DOC_A; i <= DOC_B; i++) {
		doc = make_document(&bench.agents[0], (int)i, 1, &len);
		bench_check_document(doc, len);
		free(doc);
	}
	if ((bench.check = event_new(bench.base, -1, EV_PERSIST, phase_check,
	    NULL)) == NULL || evtimer_add(bench.check, &tv) == -1)
		bench_fail("evtimer failed");
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-drift [-k] [-a agents] [-n events] "
	    "[-r rate] [-s seconds]\n                   EXHIBITD EXHIBITCTL "
	    "EXHIBIT-AGENT\n");
	exit(2);
}

static size_t
number(const char *s, size_t max)
{
	char		*end;
	unsigned long	 v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > max)
		usage();
	return v;
}

int
main(int argc, char *argv[])
{
	struct phase	 first, paced, rate;
	const char	*env;
	char		 label[32];
	size_t		 n, events;
	double		 p99, t0;
	int		 ch, status;

	benv.prog = "bench-drift";
	bench.nagents = BENCH_AGENTS;
	bench.nevents = BENCH_EVENTS;
	bench.rate = BENCH_RATE;
	bench.seconds = BENCH_SECONDS;
	if ((env = getenv("BENCH_SECONDS")) != NULL && *env != '\0')
		bench.seconds = (int)number(env, 3600);
	while ((ch = getopt(argc, argv, "a:kn:r:s:")) != -1) {
		switch (ch) {
		case 'a':
			bench.nagents = number(optarg, 1000);
			break;
		case 'k':
			benv.keep = 1;
			break;
		case 'n':
			bench.nevents = number(optarg, 1000000);
			break;
		case 'r':
			bench.rate = (int)number(optarg, 1000);
			break;
		case 's':
			bench.seconds = (int)number(optarg, 3600);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();
	benv.exhibitd = argv[optind];
	benv.exhibitctl = argv[optind + 1];
	bench.agentbin = argv[optind + 2];

	bench_install_cleanup();
	t0 = bench_now_ms();
	setup();
	printf("bench-drift: %zu agents, full documents of %zu bytes "
	    "(debian12-hardened, and with sshd PasswordAuthentication yes), "
	    "durable acknowledgements; webhook to 127.0.0.1:%d (rate_limit "
	    "%d/min); exhibitd pid %d\ntarget: from ingest of a drifting "
	    "document to the receiver holding the webhook, p99 under %.0f ms "
	    "over %zu events on loopback\n", bench.nagents,
	    bench.doclen, bench.rport, BENCH_RATE_LIMIT,
	    (int)benv.daemon, BENCH_TARGET_P99_MS, bench.nevents);
	printf("%-24s %zu agents enrolled, daemon started, in %.2f s\n",
	    "set-up", bench.nagents, (bench_now_ms() - t0) / 1e3);
	fflush(stdout);

	/* Each agent's first document is its baseline (and host_new). */
	phase_run(&first, "first documents", PHASE_FIRST);
	(void)phase_report(&first, 1, &n);
	fflush(stdout);

	phase_run(&paced, "one push at a time", PHASE_PACED);
	p99 = phase_report(&paced, BENCH_HOOKS_PER_PUSH, &events);
	fflush(stdout);

	snprintf(label, sizeof(label), "%d pushes/s", bench.rate);
	phase_run(&rate, label, PHASE_RATE);
	(void)phase_report(&rate, BENCH_HOOKS_PER_PUSH, &n);
	fflush(stdout);

	printf("%-24s push -> webhook p99 %.1f ms over %zu events, one push "
	    "at a time (target under %.0f ms): target %s\n", "result",
	    p99, events, BENCH_TARGET_P99_MS, p99 < BENCH_TARGET_P99_MS &&
	    events >= bench.nevents ? "met" : "missed");

	/*
	 * Hang up first: exhibitd waits up to 10 s on SIGTERM for open
	 * connections, idle keep-alive ones too.  bufferevent_free defers
	 * the close of a TLS bufferevent to the loop, so run it once.
	 */
	for (n = 0; n < bench.nagents; n++)
		agent_close(&bench.agents[n]);
	(void)event_base_loop(bench.base, EVLOOP_NONBLOCK);
	status = bench_stop_daemon();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("exhibitd did not exit cleanly on SIGTERM (status "
		    "0x%x)\n", status);
		bench_log_tail(20);
	}
	return 0;
}
