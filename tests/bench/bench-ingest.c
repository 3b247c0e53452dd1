/*
 * Ingest throughput and footprint of exhibitd, as a fleet sees it: N
 * enrolled agents push signed evidence over keep-alive mutual TLS, one
 * request at a time per connection, with durable acknowledgements (the
 * daemon's default).  Envelopes are signed before the clock starts:
 * signing is the agents' cost, not the daemon's.
 *
 * Prints accepted envelopes/s for ~4 KB and ~64 KB documents with p50/p99
 * latency and the daemon's peak RSS, then the daemon's RSS with 1,000
 * connections open (each made one request, then idles), this machine's
 * one-core Ed25519 verify rate for a 4 KB envelope, and whether the
 * targets are met.  Asserts nothing.
 *
 * usage: bench-ingest [-k] [-a agents] [-c connections] [-i idle]
 *                     [-s seconds] EXHIBITD EXHIBITCTL
 *
 * BENCH_SECONDS sets the length of each timed phase when -s is not given;
 * -k keeps the temporary directory (exhibitd.log, the database).  The
 * RSS per idle connection is a lower bound: the connections reuse heap
 * the 64 KB phase freed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "bench-lib.h"
#include "digest.h"
#include "envelope.h"
#include "jsonutil.h"
#include "keys.h"
#include "timefmt.h"
#include "xmalloc.h"

#define BENCH_TARGET_RATIO	0.5	/* ingest(4 KB) / one-core verify */
#define BENCH_TARGET_RSS_MIB	64.0	/* with BENCH_IDLE connections */
#define BENCH_IDLE		1000
#define BENCH_AGENTS		100
#define BENCH_SECONDS		5
#define BENCH_OPENING		64	/* idle phase: handshakes in flight */
#define BENCH_MAX_HEADER	(16 * 1024)
#define BENCH_NCODES		16

struct agent {
	struct bench_agent	 b;
	int64_t			 seq;		/* next seq to sign */
	char			**req;	/* pre-signed requests, this phase */
	size_t			*reqlen;
	size_t			 nreq;
	size_t			 next;		/* next one to push */
};

struct conn {
	struct agent		*agent;
	struct bufferevent	*bev;
	double			 sent_at;
	size_t			 need;		/* response bytes, once known */
	int			 status;
	int			 busy;		/* a request is outstanding */
	int			 open;		/* handshake done, not closed */
	int			 close_after;	/* "Connection: close" seen */
};

/* Non-201 answers (and lost connections, status 0) by status and code. */
struct errcount {
	int	status;
	char	code[40];
	long	n;
};

enum phase_state { PHASE_CONNECTING, PHASE_RUNNING, PHASE_STOPPING };

struct phase {
	const char		*label;
	enum phase_state	 state;
	int			 idle;		/* the 1,000-connection phase */
	struct conn		*conns;
	size_t			 nconns;
	size_t			 nopen;		/* handshakes completed */
	size_t			 nstarted;	/* idle phase: connections begun */
	size_t			 ndone;		/* idle phase: answered */
	size_t			 inflight;
	double			 t_start, t_last;
	double			*lat;		/* milliseconds */
	size_t			 nlat, caplat;
	long			 accepted;	/* 201 */
	long			 replays;	/* 200 */
	long			 lost;		/* connections closed under us */
	long			 reconnects;
	struct errcount		 errs[BENCH_NCODES];
	int			 exhausted;
};

struct bench {
	size_t			 nagents, nconns, nidle;
	int			 seconds;
	struct agent		*agents;
	struct event_base	*base;
	struct phase		*ph;
};

static struct bench	bench;

static void
setup(void)
{
	struct rlimit	 rl;
	char		*text;
	rlim_t		 want;

	/* Our sockets and the daemon's (it inherits the limit). */
	want = (rlim_t)(bench.nidle + 2 * bench.nconns + 256);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < want)
			printf("bench-ingest: RLIMIT_NOFILE is %llu, under the "
			    "%llu wanted\n", (unsigned long long)rl.rlim_cur,
			    (unsigned long long)want);
	}

	bench_tmpdir();
	/* Room for the idle connections beside the ones of the timed
	 * phases, which may not all be reaped yet; a deadline long enough
	 * for every idle connection to stay open while we measure. */
	/* The shipped rule pack: the daemon judges every document it
	 * stores, and that is part of what ingest costs. */
	text = xasprintf("[daemon]\nstate_dir = %s\nlog = stderr\n"
	    "[rules]\ndirectory = %s\n"
	    "[server]\nlisten = 127.0.0.1:%d\nmax_connections = %zu\n"
	    "request_timeout = 120s\n", benv.state, BENCH_RULES_DIR,
	    benv.port, bench.nidle + 2 * bench.nconns + 64);
	bench_init_store(text, bench.nagents + bench.nagents / 10);
	free(text);
	bench_start_daemon();
}

/* --- enrollment ----------------------------------------------------------- */

static void
enroll(void)
{
	size_t	i;

	bench.agents = xcalloc(bench.nagents, sizeof(*bench.agents));
	for (i = 0; i < bench.nagents; i++) {
		bench.agents[i].seq = 1;
		bench_enroll(&bench.agents[i].b, i);
	}
}

/* --- documents and envelopes --------------------------------------------- */

/*
 * An evidence document of about target bytes for agent a: a small sshd
 * section that never changes and a packages section, padded with package
 * entries that differ from one seq to the next (a fresh document, not
 * references to sections already stored: the costlier case).
 */
static char *
make_document(struct agent *a, int64_t seq, size_t target, size_t *len)
{
	FILE	*f;
	char	*hashed, *sshd, *pkgs, *doc, *head, src[DIGEST_SHA256_HEXLEN];
	char	 when[TIMEFMT_RFC3339_LEN], seed[96];
	size_t	 n, fixed;
	long	 pos;
	int	 i;

	sshd = bench_section_full("{\"sources\":[{\"path\":"
	    "\"/etc/ssh/sshd_config\","
	    "\"sha256\":\"5d41402abc4b2a76b9719d911017c592aaf1b3f1c1f5e4c8d1"
	    "2e4a3c8f1b2c3d\",\"size\":3254}],\"data\":{\"permit_root_login\":"
	    "\"no\",\"password_authentication\":false,\"port\":22,"
	    "\"ciphers\":[\"chacha20-poly1305@openssh.com\","
	    "\"aes256-gcm@openssh.com\"]}}");
	head = xasprintf("{\"schema\":\"exhibit.evidence/1\",\"agent_id\":"
	    "\"%s\",\"seq\":%lld,\"collected_at\":\"%s\",\"agent_version\":"
	    "\"0.1.0\",\"host\":{\"hostname\":\"bench-%s\",\"machine_id\":"
	    "\"%s\",\"os\":{\"id\":\"debian\",\"version_id\":\"12\"}},"
	    "\"sections\":{\"sshd\":%s,\"packages\":", a->b.id, (long long)seq,
	    timefmt_rfc3339(timefmt_now(), when, sizeof(when)), a->b.id + 3,
	    a->b.machine_id, sshd);
	/* The digest prefix, "},\"errors\":[]}" and a little slack. */
	fixed = strlen(head) + 100;

	snprintf(seed, sizeof(seed), "%s/%lld", a->b.id, (long long)seq);
	digest_sha256_hex(seed, strlen(seed), src);
	if ((f = open_memstream(&hashed, &n)) == NULL)
		bench_fail("open_memstream: %s", strerror(errno));
	fprintf(f, "{\"sources\":[{\"path\":\"/var/lib/dpkg/status\","
	    "\"sha256\":\"%s\",\"size\":%zu}],\"data\":{\"manager\":\"dpkg\","
	    "\"installed\":[", src, target * 12);
	for (i = 0; (pos = ftell(f)) >= 0 && (size_t)pos + fixed < target;
	    i++)
		fprintf(f, "%s{\"name\":\"pkg%04d-lib\",\"version\":"
		    "\"1.%d.%lld-1+deb12u1\",\"arch\":\"amd64\"}", i ? "," : "",
		    i, i % 50, (long long)seq);
	fprintf(f, "]}}");
	if (fclose(f) == EOF)
		bench_fail("open_memstream: %s", strerror(errno));
	pkgs = bench_section_full(hashed);
	doc = xasprintf("%s%s},\"errors\":[]}", head, pkgs);
	*len = strlen(doc);
	free(hashed);
	free(sshd);
	free(pkgs);
	free(head);
	return doc;
}

static void
free_requests(void)
{
	struct agent	*a;
	size_t		 i, j;

	for (i = 0; i < bench.nagents; i++) {
		a = &bench.agents[i];
		for (j = 0; j < a->nreq; j++)
			free(a->req[j]);
		free(a->req);
		free(a->reqlen);
		a->req = NULL;
		a->reqlen = NULL;
		a->nreq = a->next = 0;
	}
}

/* Sign per_agent documents of about target bytes for every agent, each
 * kept as the whole HTTP request that carries it.  Averages out. */
static void
presign(size_t per_agent, size_t target, size_t *docavg, size_t *envavg)
{
	struct agent	*a;
	char		*doc, *env;
	size_t		 i, j, len, envlen, docsum = 0, envsum = 0;

	free_requests();
	for (i = 0; i < bench.nagents; i++) {
		a = &bench.agents[i];
		a->req = xcalloc(per_agent, sizeof(*a->req));
		a->reqlen = xcalloc(per_agent, sizeof(*a->reqlen));
		for (j = 0; j < per_agent; j++) {
			doc = make_document(a, a->seq++, target, &len);
			if (i == 0 && j == 0)
				bench_check_document(doc, len);
			env = envelope_sign(a->b.key, ENVELOPE_EVIDENCE_TYPE,
			    doc, len);
			envlen = strlen(env);
			a->req[j] = xasprintf("POST /v1/evidence HTTP/1.1\r\n"
			    "Host: 127.0.0.1:%d\r\nContent-Type: "
			    "application/vnd.dsse.envelope+json\r\n"
			    "Content-Length: %zu\r\n\r\n%s", benv.port,
			    envlen, env);
			a->reqlen[j] = strlen(a->req[j]);
			docsum += len;
			envsum += envlen;
			free(doc);
			free(env);
		}
		a->nreq = per_agent;
	}
	*docavg = docsum / (bench.nagents * per_agent);
	*envavg = envsum / (bench.nagents * per_agent);
}

/* Ed25519 verifications of a 4 KB document's PAE per second, one core. */
static double
verify_rate(void)
{
	struct agent	 fake;
	EVP_PKEY	*key = keys_generate();
	EVP_MD_CTX	*md;
	unsigned char	*pae, sig[64];
	size_t		 paelen, siglen = sizeof(sig), len;
	char		*doc;
	double		 t0, t;
	long		 n = 0;
	int		 k;

	memset(&fake, 0, sizeof(fake));
	snprintf(fake.b.id, sizeof(fake.b.id), "ag_verifyrateverifyrateverif");
	snprintf(fake.b.machine_id, sizeof(fake.b.machine_id), "%032d", 0);
	doc = make_document(&fake, 1, 4096, &len);
	pae = envelope_pae(ENVELOPE_EVIDENCE_TYPE, doc, len, &paelen);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, pae, paelen) != 1)
		bench_fail("Ed25519 signing: %s", bench_ssl_error());
	t0 = bench_now_ms();
	do {
		for (k = 0; k < 100; k++) {
			EVP_MD_CTX_reset(md);
			if (EVP_DigestVerifyInit(md, NULL, NULL, NULL,
			    key) != 1 ||
			    EVP_DigestVerify(md, sig, siglen, pae,
			    paelen) != 1)
				bench_fail("Ed25519 verify: %s",
				    bench_ssl_error());
		}
		n += 100;
	} while ((t = bench_now_ms()) - t0 < 1000);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	free(pae);
	free(doc);
	return n * 1e3 / (t - t0);
}

/* --- the load: keep-alive mutual TLS over libevent ----------------------- */

static void	conn_start(struct conn *);

static void
phase_count_error(struct phase *ph, int status, const char *code)
{
	size_t	i;

	for (i = 0; i < BENCH_NCODES - 1 && ph->errs[i].n != 0; i++)
		if (ph->errs[i].status == status &&
		    strcmp(ph->errs[i].code, code) == 0)
			break;
	if (ph->errs[i].n == 0) {
		ph->errs[i].status = status;
		snprintf(ph->errs[i].code, sizeof(ph->errs[i].code), "%s",
		    code);
	}
	ph->errs[i].n++;
}

static void
phase_check_done(struct phase *ph)
{
	if (ph->idle) {
		if (ph->ndone == ph->nconns)
			event_base_loopbreak(bench.base);
		return;
	}
	if (ph->inflight == 0 && (ph->state == PHASE_STOPPING ||
	    ph->exhausted))
		event_base_loopbreak(bench.base);
}

/* Push the agent's next envelope; 0 when it has none left. */
static int
conn_send(struct conn *c)
{
	struct phase	*ph = bench.ph;
	struct agent	*a = c->agent;
	size_t		 i;

	if (a->next >= a->nreq) {
		ph->exhausted = 1;
		return 0;
	}
	i = a->next++;
	if (evbuffer_add_reference(bufferevent_get_output(c->bev), a->req[i],
	    a->reqlen[i], NULL, NULL) == -1)
		bench_fail("evbuffer_add_reference failed");
	c->busy = 1;
	c->need = 0;
	c->sent_at = bench_now_ms();
	ph->inflight++;
	return 1;
}

static void
conn_close(struct conn *c)
{
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	c->bev = NULL;
	c->open = 0;
	c->busy = 0;
	c->close_after = 0;
}

/* One whole response is in: count it, then the next request. */
static void
conn_done(struct conn *c, const char *body, size_t bodylen)
{
	struct phase	*ph = bench.ph;
	const char	*e;
	char		 code[40];
	double		 t = bench_now_ms();
	size_t		 n;

	if (ph->nlat == ph->caplat) {
		ph->caplat = ph->caplat ? ph->caplat * 2 : 4096;
		ph->lat = xreallocarray(ph->lat, ph->caplat, sizeof(double));
	}
	ph->lat[ph->nlat++] = t - c->sent_at;
	ph->t_last = t;
	if (c->status == 201)
		ph->accepted++;
	else if (c->status == 200)
		ph->replays++;
	else {
		snprintf(code, sizeof(code), "?");
		if ((e = memmem(body, bodylen, "\"error\":\"", 9)) != NULL) {
			e += 9;
			n = strcspn(e, "\"");
			snprintf(code, sizeof(code), "%.*s", (int)(n < 39 ?
			    n : 39), e);
		}
		phase_count_error(ph, c->status, code);
	}
	c->busy = 0;
	ph->inflight--;
	ph->ndone++;
	if (c->close_after) {
		conn_close(c);
		if (!ph->idle && ph->state == PHASE_RUNNING) {
			ph->reconnects++;
			conn_start(c);
		}
	} else if (!ph->idle && ph->state == PHASE_RUNNING)
		(void)conn_send(c);
	if (ph->idle && ph->nstarted < ph->nconns)
		conn_start(&ph->conns[ph->nstarted]);
	phase_check_done(ph);
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct conn		*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 p;
	char			 hdr[BENCH_MAX_HEADER + 1], *cl;
	const char		*data;
	size_t			 hlen;

	while (c->busy && c->bev != NULL) {
		if (c->need == 0) {
			p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
			if (p.pos < 0) {
				if (evbuffer_get_length(in) > BENCH_MAX_HEADER)
					bench_fail("a response header over "
					    "%d bytes", BENCH_MAX_HEADER);
				return;
			}
			hlen = (size_t)p.pos + 4;
			if (hlen > BENCH_MAX_HEADER)
				bench_fail("a response header over %d bytes",
				    BENCH_MAX_HEADER);
			memcpy(hdr, evbuffer_pullup(in, (ev_ssize_t)hlen),
			    hlen);
			hdr[hlen] = '\0';
			if (sscanf(hdr, "HTTP/1.%*d %d", &c->status) != 1)
				bench_fail("not an HTTP response: %.40s", hdr);
			if ((cl = strcasestr(hdr, "\r\nContent-Length:")) ==
			    NULL)
				bench_fail("a response without "
				    "Content-Length: %s", hdr);
			c->need = hlen + strtoul(cl + 17, NULL, 10);
			c->close_after = strcasestr(hdr,
			    "\r\nConnection: close") != NULL;
			c->status = c->status ? c->status : -1;
		}
		if (evbuffer_get_length(in) < c->need)
			return;
		data = (const char *)evbuffer_pullup(in, (ev_ssize_t)c->need);
		hlen = c->need;
		conn_done(c, data, c->need);
		/* conn_done may have freed the connection with its buffer. */
		if (c->bev != NULL && c->bev == bev)
			evbuffer_drain(in, hlen);
		else
			return;
	}
	/* Nothing asked: nothing expected. */
	if (c->bev != NULL && evbuffer_get_length(in) > 0)
		evbuffer_drain(in, evbuffer_get_length(in));
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	struct phase	*ph = bench.ph;
	unsigned long	 e;
	char		 buf[256];

	if (what & BEV_EVENT_CONNECTED) {
		c->open = 1;
		ph->nopen++;
		if (ph->idle) {
			(void)conn_send(c);
			return;
		}
		if (ph->state == PHASE_RUNNING)
			(void)conn_send(c);
		else if (ph->state == PHASE_CONNECTING &&
		    ph->nopen == ph->nconns)
			event_base_loopbreak(bench.base);
		return;
	}
	/* Closed or failed. */
	buf[0] = '\0';
	if ((e = bufferevent_get_openssl_error(bev)) != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	if (!c->open && (ph->state == PHASE_CONNECTING || ph->idle))
		bench_fail("%s: TLS handshake failed: %s", ph->label,
		    buf[0] ? buf : strerror(EVUTIL_SOCKET_ERROR()));
	if (c->busy) {
		c->busy = 0;
		ph->inflight--;
		ph->lost++;
		ph->ndone++;
		phase_count_error(ph, 0, buf[0] ? buf : "connection lost");
	}
	if (c->open && ph->idle)
		ph->lost++;	/* an idle connection closed by the daemon */
	conn_close(c);
	if (!ph->idle && ph->state == PHASE_RUNNING) {
		ph->reconnects++;
		conn_start(c);
	}
	phase_check_done(ph);
}

/* Connect (blocking: loopback answers at once), then the handshake. */
static void
conn_start(struct conn *c)
{
	struct phase	*ph = bench.ph;
	SSL		*ssl;
	int		 fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		bench_fail("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&benv.sin,
	    sizeof(benv.sin)) == -1)
		bench_fail("connect to exhibitd: %s", strerror(errno));
	/* Agents (libcurl) send without Nagle's delay too. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (evutil_make_socket_nonblocking(fd) == -1)
		bench_fail("nonblocking: %s", strerror(errno));
	if ((ssl = SSL_new(c->agent->b.ctx)) == NULL)
		bench_fail("SSL_new: %s", bench_ssl_error());
	c->bev = bufferevent_openssl_socket_new(bench.base, fd, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		bench_fail("bufferevent_openssl_socket_new failed");
	bufferevent_setcb(c->bev, conn_read, NULL, conn_event, c);
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) == -1)
		bench_fail("bufferevent_enable failed");
	if (ph->idle)
		ph->nstarted++;
}

static void
phase_stop(evutil_socket_t fd, short ev, void *arg)
{
	struct phase	*ph = arg;

	(void)fd;
	(void)ev;
	ph->state = PHASE_STOPPING;
	phase_check_done(ph);
}

static void
phase_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct phase	*ph = arg;

	(void)fd;
	(void)ev;
	printf("%s: %zu request(s) still unanswered 60 s after the end\n",
	    ph->label, ph->inflight);
	event_base_loopbreak(bench.base);
}

static void
phase_init(struct phase *ph, const char *label, size_t nconns, int idle)
{
	size_t	i;

	memset(ph, 0, sizeof(*ph));
	ph->label = label;
	ph->idle = idle;
	ph->nconns = nconns;
	ph->conns = xcalloc(nconns, sizeof(*ph->conns));
	for (i = 0; i < nconns; i++)
		ph->conns[i].agent = &bench.agents[i % bench.nagents];
	bench.ph = ph;
}

static void
phase_free(struct phase *ph)
{
	size_t	i;

	for (i = 0; i < ph->nconns; i++)
		conn_close(&ph->conns[i]);
	free(ph->conns);
	free(ph->lat);
	ph->conns = NULL;
	ph->lat = NULL;
	bench.ph = NULL;
}

static void
print_errors(const struct phase *ph)
{
	size_t	i;

	printf("%-24s errors:", "");
	if (ph->errs[0].n == 0)
		printf(" none");
	for (i = 0; i < BENCH_NCODES && ph->errs[i].n != 0; i++) {
		if (ph->errs[i].status == 0)
			printf(" %ld lost (%s)", ph->errs[i].n,
			    ph->errs[i].code);
		else
			printf(" %ld x %d %s", ph->errs[i].n,
			    ph->errs[i].status, ph->errs[i].code);
	}
	if (ph->replays)
		printf("; %ld replays answered 200", ph->replays);
	if (ph->reconnects)
		printf("; %ld reconnections", ph->reconnects);
	printf("\n");
}

/*
 * Connect every connection, then push for bench.seconds; requests in
 * flight at the end are waited for and counted.  Returns envelopes/s.
 */
static double
run_timed(const char *label, size_t docavg, size_t envavg)
{
	struct phase	 ph;
	struct event	*stop, *timeout;
	struct timeval	 tv;
	double		 dcpu0, scpu0, lcpu0, dcpu, scpu, lcpu, secs, rate;
	size_t		 i;

	/* For whoever profiles the daemon: the timed part starts now. */
	fprintf(stderr, "bench-ingest: %s: timed phase starts\n", label);
	phase_init(&ph, label, bench.nconns, 0);
	for (i = 0; i < ph.nconns; i++)
		conn_start(&ph.conns[i]);
	event_base_dispatch(bench.base);
	if (ph.nopen != ph.nconns)
		bench_fail("%s: %zu of %zu connections opened", label,
		    ph.nopen, ph.nconns);

	stop = evtimer_new(bench.base, phase_stop, &ph);
	timeout = evtimer_new(bench.base, phase_timeout, &ph);
	tv.tv_sec = bench.seconds;
	tv.tv_usec = 0;
	evtimer_add(stop, &tv);
	tv.tv_sec = bench.seconds + 60;
	evtimer_add(timeout, &tv);
	dcpu0 = bench_proc_cpu_ms(benv.daemon);
	lcpu0 = bench_main_thread_cpu_ms(benv.daemon);
	scpu0 = bench_self_cpu_ms();
	ph.state = PHASE_RUNNING;
	ph.t_start = ph.t_last = bench_now_ms();
	for (i = 0; i < ph.nconns; i++)
		(void)conn_send(&ph.conns[i]);
	event_base_dispatch(bench.base);
	dcpu = bench_proc_cpu_ms(benv.daemon) - dcpu0;
	lcpu = bench_main_thread_cpu_ms(benv.daemon) - lcpu0;
	scpu = bench_self_cpu_ms() - scpu0;
	event_free(stop);
	event_free(timeout);

	secs = (ph.t_last - ph.t_start) / 1e3;
	rate = secs > 0 ? ph.accepted / secs : 0;
	qsort(ph.lat, ph.nlat, sizeof(double), bench_cmp_double);
	printf("%-24s accepted %7.1f envelopes/s (%ld in %.2f s, %.1f MiB/s)"
	    "  latency p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", label, rate,
	    ph.accepted, secs, rate * (double)envavg / (1 << 20),
	    bench_percentile(ph.lat, ph.nlat, 0.50),
	    bench_percentile(ph.lat, ph.nlat, 0.99),
	    bench_percentile(ph.lat, ph.nlat, 1.0));
	printf("%-24s document %zu bytes, envelope %zu bytes; daemon CPU "
	    "%.0f%% of a core (%.0f us per accepted envelope), generator "
	    "CPU %.0f%%\n", "", docavg, envavg, secs > 0 ? dcpu / 10 / secs :
	    0, ph.accepted ? dcpu * 1e3 / ph.accepted : 0,
	    secs > 0 ? scpu / 10 / secs : 0);
	/* The loop thread runs TLS, HTTP and the store: at 100% it is what
	 * limits the rate, whatever the workers have left. */
	printf("%-24s of which the event loop's thread %.0f%% of a core "
	    "(%.0f us per envelope)\n", "", secs > 0 ? lcpu / 10 / secs : 0,
	    ph.accepted ? lcpu * 1e3 / ph.accepted : 0);
	printf("%-24s daemon VmHWM %.1f MiB, VmRSS %.1f MiB after the phase"
	    "%s\n", "", bench_proc_status_kib(benv.daemon, "VmHWM") / 1024.0,
	    bench_proc_status_kib(benv.daemon, "VmRSS") / 1024.0, ph.exhausted ?
	    "; ran out of pre-signed envelopes before the end" : "");
	print_errors(&ph);
	phase_free(&ph);
	return rate;
}

/*
 * nidle connections, opened BENCH_OPENING at a time, each pushing one
 * 4 KB envelope and then left idle; the daemon's RSS with all open.
 * Returns VmRSS in KiB.
 */
static long
run_idle(void)
{
	struct phase	 ph;
	struct event	*timeout;
	struct timeval	 tv = { 120, 0 };
	long		 rss0, rss, hwm, fds;
	size_t		 i, open = 0;
	double		 t0;
	char		 label[32];

	rss0 = bench_proc_status_kib(benv.daemon, "VmRSS");
	phase_init(&ph, "idle connections", bench.nidle, 1);
	timeout = evtimer_new(bench.base, phase_timeout, &ph);
	evtimer_add(timeout, &tv);
	t0 = bench_now_ms();
	for (i = 0; i < ph.nconns && i < BENCH_OPENING; i++)
		conn_start(&ph.conns[i]);
	event_base_dispatch(bench.base);
	event_free(timeout);
	/* Let the daemon settle (replies flushed, buffers released). */
	usleep(500 * 1000);
	for (i = 0; i < ph.nconns; i++)
		open += ph.conns[i].open;
	rss = bench_proc_status_kib(benv.daemon, "VmRSS");
	hwm = bench_proc_status_kib(benv.daemon, "VmHWM");
	fds = bench_proc_nfds(benv.daemon);
	snprintf(label, sizeof(label), "%zu connections", ph.nconns);
	printf("%-24s %zu open (set up in %.1f s, one 4 KB envelope "
	    "each: %ld accepted); daemon VmRSS %.1f MiB (%.1f MiB before, "
	    "%+.1f KiB per connection), VmHWM %.1f MiB, %ld descriptors\n",
	    label, open, (bench_now_ms() - t0) / 1e3 - 0.5,
	    ph.accepted, rss / 1024.0, rss0 / 1024.0, open ? (double)(rss -
	    rss0) / (double)open : 0, hwm / 1024.0, fds);
	print_errors(&ph);
	phase_free(&ph);
	return open == ph.nconns ? rss : -1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-ingest [-k] [-a agents] [-c connections] "
	    "[-i idle] [-s seconds]\n                    EXHIBITD EXHIBITCTL\n");
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
	const char		*env;
	size_t			 docavg, envavg, per;
	double			 verify, rate4, rate64, t0;
	long			 rss;
	int			 ch, status;

	benv.prog = "bench-ingest";
	bench.nagents = BENCH_AGENTS;
	bench.nidle = BENCH_IDLE;
	bench.seconds = BENCH_SECONDS;
	if ((env = getenv("BENCH_SECONDS")) != NULL && *env != '\0')
		bench.seconds = (int)number(env, 3600);
	while ((ch = getopt(argc, argv, "a:c:i:ks:")) != -1) {
		switch (ch) {
		case 'a':
			bench.nagents = number(optarg, 10000);
			break;
		case 'c':
			bench.nconns = number(optarg, 10000);
			break;
		case 'i':
			bench.nidle = number(optarg, 100000);
			break;
		case 'k':
			benv.keep = 1;
			break;
		case 's':
			bench.seconds = (int)number(optarg, 3600);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	benv.exhibitd = argv[optind];
	benv.exhibitctl = argv[optind + 1];
	if (bench.nconns == 0)
		bench.nconns = 2 * bench.nagents;

	bench_install_cleanup();

	setup();
	if ((bench.base = event_base_new()) == NULL)
		bench_fail("event_base_new failed");
	printf("bench-ingest: %zu agents, %zu keep-alive mTLS connections, "
	    "%d s per phase, durable acknowledgements (the default); exhibitd "
	    "pid %d\ntargets: ingest of 4 KB documents at least %.0f%% of the "
	    "one-core Ed25519 verify rate; daemon RSS under %.0f MiB with "
	    "%d connections\n", bench.nagents, bench.nconns, bench.seconds,
	    (int)benv.daemon, BENCH_TARGET_RATIO * 100, BENCH_TARGET_RSS_MIB,
	    BENCH_IDLE);
	fflush(stdout);

	verify = verify_rate();
	printf("%-24s %.0f verifications/s (EVP_DigestVerify, 4 KB "
	    "document's PAE, one thread)\n", "Ed25519 verify", verify);
	t0 = bench_now_ms();
	enroll();
	printf("%-24s %zu agents in %.2f s\n", "enrollment", bench.nagents,
	    (bench_now_ms() - t0) / 1e3);
	fflush(stdout);

	/* Enough for 8,000/s; more would only cost memory and signing. */
	per = (8000 * (size_t)bench.seconds + bench.nagents - 1) /
	    bench.nagents;
	presign(per, 4096, &docavg, &envavg);
	rate4 = run_timed("4 KB documents", docavg, envavg);
	fflush(stdout);

	/* 64 KB documents come in more slowly: sized on the 4 KB rate. */
	per = ((size_t)(rate4 * 0.6 + 200) * (size_t)bench.seconds +
	    bench.nagents - 1) / bench.nagents;
	presign(per, 65536, &docavg, &envavg);
	rate64 = run_timed("64 KB documents", docavg, envavg);
	fflush(stdout);

	per = (bench.nidle + bench.nagents - 1) / bench.nagents;
	presign(per, 4096, &docavg, &envavg);
	rss = run_idle();
	free_requests();
	/*
	 * run_idle hung up (phase_free), but bufferevent_free defers the
	 * close of a TLS bufferevent to the loop: run it once, or exhibitd
	 * would wait up to 10 s on SIGTERM for the 1000 connections.
	 */
	(void)event_base_loop(bench.base, EVLOOP_NONBLOCK);

	printf("%-24s ingest(4 KB) %.0f/s / verify %.0f/s = %.2f (target "
	    "at least %.2f): target %s\n", "result", rate4, verify,
	    rate4 / verify, BENCH_TARGET_RATIO, rate4 / verify >=
	    BENCH_TARGET_RATIO ? "met" : "missed");
	if (rss < 0)
		printf("%-24s not every idle connection stayed open: RSS "
		    "target not measured\n", "result");
	else
		printf("%-24s daemon VmRSS %.1f MiB with %zu connections "
		    "(target under %.0f MiB): target %s\n", "result",
		    rss / 1024.0, bench.nidle, BENCH_TARGET_RSS_MIB,
		    rss / 1024.0 < BENCH_TARGET_RSS_MIB ? "met" : "missed");
	(void)rate64;

	status = bench_stop_daemon();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("exhibitd did not exit cleanly on SIGTERM (status "
		    "0x%x)\n", status);
		bench_log_tail(20);
	}
	return 0;
}
