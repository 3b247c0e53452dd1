/*
 * Alert delivery from the outbox, on the daemon's event loop.
 *
 * libcurl's multi interface does the HTTP: it tells us which sockets to
 * watch (CURLMOPT_SOCKETFUNCTION) and when to call it back
 * (CURLMOPT_TIMERFUNCTION), and we turn both into events on the loop's
 * event_base, calling curl_multi_socket_action() when they fire.  No
 * thread, and nothing here waits for the network.
 *
 * A poll timer reads the entries that are due (store_alert_due) and
 * starts what each sink's rate limit and batching window allow; it runs
 * at alerts_kick(), after each finished transfer, at the earliest next
 * attempt in the outbox, when a token or a window is next available,
 * and at least once a minute.  The outbox is the only queue: in memory
 * there are only the transfers in flight, so a restart loses nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "alerts.h"
#include "daemon-conf.h"
#include "digest.h"
#include "encode.h"
#include "jsonutil.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define ALERTS_FETCH		256	/* due entries read per poll */
#define ALERTS_INFLIGHT		4	/* requests per sink at once */
/* An entry claimed for sending is left to this instance for so long
 * (store_alert_claim()): longer than any attempt takes (the timeout is
 * at most 300 s); another instance sends it after, if this one died. */
#define ALERTS_LEASE		600
#define ALERTS_BATCH_MAX	100	/* entries in one batched request */
#define ALERTS_RETRY_MAX	3600	/* backoff cap, seconds */
#define ALERTS_IDLE_POLL	60.0	/* seconds between polls at most */
#define ALERTS_BUSY_POLL	0.25	/* a batch is open: look again */
#define ALERTS_REPLY_KEEP	128	/* bytes of a refusal kept */
/* Entries for a sink that is not configured (any more) wait this long
 * before they are looked at again: a SIGHUP may bring the sink back. */
#define ALERTS_UNCONFIGURED	600

enum sink_kind { SINK_WEBHOOK, SINK_SLACK, SINK_SYSLOG, NSINKS };

static const char *const sink_names[NSINKS] = {
	"webhook", "slack", "syslog"
};

struct sink {
	enum sink_kind		 kind;
	const char		*name;
	int			 enabled;
	int			 resolved;	/* alert on resolution */
	char			*url;
	char			*secret;
	char			*ca_file;
	struct curl_slist	*extra;		/* configured headers */
	long long		 rate_limit;	/* a minute */
	long long		 batch_window;	/* seconds */
	long long		 timeout;
	long long		 retry_min;
	int			 facility;
	/* Token bucket: rate_limit / 60 a second, in bursts of at most
	 * that rounded up, so deliveries spread over the minute. */
	double			 tokens;
	double			 refilled;	/* monotonic seconds */
	double			 window_end;	/* 0: no window */
	size_t			 inflight;
	uint64_t		 queued, delivered, failed;
};

struct xfer {
	TAILQ_ENTRY(xfer)	 entry;
	struct sink		*sink;
	CURL			*easy;
	struct curl_slist	*hdrs;
	char			*body;
	int64_t			*ids;
	int64_t			*attempts;	/* before this one */
	size_t			 n;
	char			 reply[ALERTS_REPLY_KEEP];
	size_t			 replylen;
	char			 errbuf[CURL_ERROR_SIZE];
};

/* A socket libcurl asked us to watch. */
struct sock {
	LIST_ENTRY(sock)	 entry;
	struct event		 ev;
};

struct alerts {
	struct event_base	*base;
	struct store		*store;
	const struct daemon_conf *conf;
	CURLM			*multi;
	struct event		*poll_ev;
	struct event		*curl_ev;	/* libcurl's timeout */
	double			 poll_at;	/* monotonic; 0: off */
	struct sink		 sinks[NSINKS];
	TAILQ_HEAD(, xfer)	 xfers;
	LIST_HEAD(, sock)	 socks;
	int			 stopped;
};

static double
mono_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock time with its fraction, to wait for a whole second. */
static double
wall_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Poll again within secs (an earlier poll already armed stays). */
static void
alerts_schedule(struct alerts *a, double secs)
{
	struct timeval	tv;
	double		at;

	if (a->stopped)
		return;
	if (secs < 0)
		secs = 0;
	at = mono_now() + secs;
	if (a->poll_at != 0 && a->poll_at <= at)
		return;
	a->poll_at = at;
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	evtimer_add(a->poll_ev, &tv);
}

/* --- libcurl on libevent --------------------------------------------- */

static void	alerts_reap(struct alerts *);

static void
alerts_sock_event(evutil_socket_t fd, short what, void *arg)
{
	struct alerts	*a = arg;
	int		 action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	/* This may close the socket and free its struct sock: only a is
	 * used afterwards. */
	curl_multi_socket_action(a->multi, fd, action, &running);
	alerts_reap(a);
}

static int
alerts_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct alerts	*a = userp;
	struct sock	*sk = socketp;
	short		 flags;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			event_del(&sk->ev);
			LIST_REMOVE(sk, entry);
			free(sk);
		}
		curl_multi_assign(a->multi, s, NULL);
		return 0;
	}
	if (sk == NULL) {
		sk = xcalloc(1, sizeof(*sk));
		LIST_INSERT_HEAD(&a->socks, sk, entry);
		curl_multi_assign(a->multi, s, sk);
	} else
		event_del(&sk->ev);
	flags = EV_PERSIST;
	if (what & CURL_POLL_IN)
		flags |= EV_READ;
	if (what & CURL_POLL_OUT)
		flags |= EV_WRITE;
	event_assign(&sk->ev, a->base, s, flags, alerts_sock_event, a);
	event_add(&sk->ev, NULL);
	return 0;
}

static void
alerts_curl_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct alerts	*a = arg;
	int		 running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(a->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	alerts_reap(a);
}

static int
alerts_timer_cb(CURLM *multi, long ms, void *userp)
{
	struct alerts	*a = userp;
	struct timeval	 tv;

	(void)multi;
	/* Never call libcurl back from here: the event does it. */
	if (ms < 0) {
		evtimer_del(a->curl_ev);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(a->curl_ev, &tv);
	return 0;
}

static size_t
alerts_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 len = size * nmemb, room;

	/* The start of a refusal says why; the rest is dropped. */
	room = sizeof(x->reply) - 1 - x->replylen;
	if (room > len)
		room = len;
	memcpy(x->reply + x->replylen, ptr, room);
	x->replylen += room;
	x->reply[x->replylen] = '\0';
	return len;
}

/* --- sinks ----------------------------------------------------------- */

static void
sink_clear(struct sink *s)
{
	free(s->url);
	if (s->secret != NULL)
		freezero(s->secret, strlen(s->secret));
	free(s->ca_file);
	curl_slist_free_all(s->extra);
	s->url = s->secret = s->ca_file = NULL;
	s->extra = NULL;
}

static void
sink_configure(struct sink *s, const struct daemon_conf *c)
{
	char	**lines, err[256];
	size_t	  i, n;
	long long old_rate = s->rate_limit;

	sink_clear(s);
	switch (s->kind) {
	case SINK_WEBHOOK:
		s->enabled = c->webhook_url != NULL &&
		    c->webhook_secret != NULL;
		s->url = c->webhook_url ? xstrdup(c->webhook_url) : NULL;
		s->secret = c->webhook_secret ? xstrdup(c->webhook_secret) :
		    NULL;
		s->ca_file = c->webhook_ca_file ?
		    xstrdup(c->webhook_ca_file) : NULL;
		s->resolved = c->webhook_resolved;
		s->rate_limit = c->webhook_rate_limit;
		s->batch_window = c->webhook_batch_window;
		s->timeout = c->webhook_timeout;
		s->retry_min = c->webhook_retry_min;
		/* Checked when the configuration was loaded. */
		if (daemon_conf_headers(c->webhook_headers, &lines, &n, err,
		    sizeof(err)) == -1)
			log_warnx("alerts: webhook headers: %s", err);
		for (i = 0; i < n; i++) {
			s->extra = curl_slist_append(s->extra, lines[i]);
			free(lines[i]);
		}
		free(lines);
		break;
	case SINK_SLACK:
		s->enabled = c->slack_url != NULL;
		s->url = c->slack_url ? xstrdup(c->slack_url) : NULL;
		s->resolved = c->slack_resolved;
		s->rate_limit = c->slack_rate_limit;
		s->batch_window = 0;
		s->timeout = c->slack_timeout;
		s->retry_min = c->slack_retry_min;
		break;
	default:
		s->enabled = c->syslog_enabled;
		s->resolved = c->syslog_resolved;
		s->facility = daemon_conf_facility(c->syslog_facility);
		s->rate_limit = 0;
		break;
	}
	if (s->rate_limit != old_rate) {
		s->tokens = (double)((s->rate_limit + 59) / 60);
		s->refilled = mono_now();
	}
	if (s->batch_window == 0)
		s->window_end = 0;
}

/* 0 when a delivery may start now (a token taken), else the seconds
 * until one may. */
static double
sink_take(struct sink *s, double now)
{
	double	rate, cap;

	if (s->rate_limit <= 0)
		return 0;
	rate = (double)s->rate_limit / 60.0;
	cap = (double)((s->rate_limit + 59) / 60);
	s->tokens += (now - s->refilled) * rate;
	if (s->tokens > cap)
		s->tokens = cap;
	s->refilled = now;
	if (s->tokens >= 1) {
		s->tokens -= 1;
		return 0;
	}
	return (1 - s->tokens) / rate;
}

/* Seconds before attempt number attempt + 1, after attempt failed:
 * retry_min doubling up to an hour, plus up to a fifth more at random so
 * that alerts failing together do not come back together. */
static long long
sink_backoff(const struct sink *s, int64_t attempt)
{
	unsigned int	r = 0;
	long long	d = s->retry_min > 0 ? s->retry_min : 10;
	int64_t		i;

	for (i = 1; i < attempt && d < ALERTS_RETRY_MAX; i++)
		d *= 2;
	if (d > ALERTS_RETRY_MAX)
		d = ALERTS_RETRY_MAX;
	if (d >= 5 && RAND_bytes((unsigned char *)&r, sizeof(r)) == 1)
		d += (long long)(r % (unsigned int)(d / 5 + 1));
	return d;
}

void
alerts_enqueue(struct alerts *a, const struct store_drift *item,
    const char *event)
{
	unsigned	 queued;
	size_t		 i;

	alert_outbox_enqueue(a->store, a->conf, item, event, &queued);
	for (i = 0; i < NSINKS; i++)
		if (queued & (1u << i))
			a->sinks[i].queued++;
	/* Written outside a batch: committed already. */
	if (!store_in_batch(a->store))
		alerts_schedule(a, 0);
}

/* Slack's mrkdwn gives &, < and > meanings: escape them. */
static void
slack_escape(struct json_object *o, const char *key, char *buf, size_t len)
{
	const char	*s, *rep;
	size_t		 n = 0, l;

	if (jsonutil_get_string(o, key, &s) == -1 || *s == '\0')
		s = "-";
	for (; *s != '\0' && n + 6 < len; s++) {
		rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" :
		    *s == '>' ? "&gt;" : NULL;
		if (rep != NULL) {
			l = strlen(rep);
			memcpy(buf + n, rep, l);
			n += l;
		} else
			buf[n++] = *s;
	}
	buf[n] = '\0';
}

/* {"text": "..."}: one line a person reads in a channel. */
static char *
slack_body(const char *payload)
{
	struct json_object	*o, *b;
	const char		*event = "?";
	char			 host[300], kind[64], subject[256];
	char			 res[256];
	char			*text, *out;
	int64_t			 id = 0;
	char			 err[128];

	if ((o = jsonutil_parse(payload, strlen(payload), err,
	    sizeof(err))) == NULL)
		return NULL;
	(void)jsonutil_get_string(o, "event", &event);
	(void)jsonutil_get_int64(o, "id", &id);
	slack_escape(o, "host", host, sizeof(host));
	slack_escape(o, "kind", kind, sizeof(kind));
	slack_escape(o, "subject", subject, sizeof(subject));
	slack_escape(o, "resolution", res, sizeof(res));
	if (strcmp(event, "resolved") == 0)
		text = xasprintf("Exhibit: drift resolved on %s: %s %s "
		    "(item %" PRId64 ", %s)", host, kind, subject, id, res);
	else
		text = xasprintf("Exhibit: drift opened on %s: %s %s "
		    "(item %" PRId64 ")", host, kind, subject, id);
	b = json_object_new_object();
	jsonutil_set_string(b, "text", text);
	out = xstrdup(jsonutil_to_string(b, 0));
	json_object_put(b);
	json_object_put(o);
	free(text);
	return out;
}

/* Printable, for a syslog line. */
static void
syslog_value(struct json_object *o, const char *key, char *buf, size_t len)
{
	const char	*s;
	size_t		 i;

	if (jsonutil_get_string(o, key, &s) == -1 || *s == '\0')
		s = "-";
	snprintf(buf, len, "%s", s);
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f ||
		    buf[i] == '"')
			buf[i] = '?';
}

static int
syslog_deliver(struct sink *s, const struct store_alert *e)
{
	struct json_object	*o;
	char			 host[256], agent[64], kind[64], subj[160];
	char			 err[128];
	int64_t			 id = 0;
	int			 resolved;

	if ((o = jsonutil_parse(e->payload, strlen(e->payload), err,
	    sizeof(err))) == NULL)
		return -1;
	(void)jsonutil_get_int64(o, "id", &id);
	syslog_value(o, "host", host, sizeof(host));
	syslog_value(o, "agent_id", agent, sizeof(agent));
	syslog_value(o, "kind", kind, sizeof(kind));
	syslog_value(o, "subject", subj, sizeof(subj));
	json_object_put(o);
	resolved = strcmp(e->event, "resolved") == 0;
	/* Our own messages may be going to syslog with another facility:
	 * name ours in the priority rather than re-opening the log, and
	 * only give it the pid (openlog) when log.c does not use it. */
	if (log_getdest() != LOG_DEST_SYSLOG)
		openlog(NULL, LOG_PID, LOG_DAEMON);
	syslog(s->facility | (resolved ? LOG_NOTICE : LOG_WARNING),
	    "exhibit drift %s: id=%" PRId64 " host=\"%s\" agent=%s kind=%s "
	    "subject=\"%s\" key=%s", e->event, id, host, agent, kind, subj,
	    e->idempotency_key);
	return 0;
}

/* --- transfers ------------------------------------------------------- */

static struct xfer *
alerts_find(struct alerts *a, int64_t id)
{
	struct xfer	*x;
	size_t		 i;

	TAILQ_FOREACH(x, &a->xfers, entry)
		for (i = 0; i < x->n; i++)
			if (x->ids[i] == id)
				return x;
	return NULL;
}

static void
xfer_free(struct xfer *x)
{
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	free(x->body);
	free(x->ids);
	free(x->attempts);
	free(x);
}

static void
alerts_failed(struct alerts *a, struct sink *s, const int64_t *ids,
    const int64_t *attempts, size_t n, const char *error)
{
	long long	d = 0;
	size_t		i;
	time_t		now;

	/* The outbox counts whole seconds: round up, so that the wait is
	 * never shorter than the backoff. */
	now = (time_t)wall_now() + 1;
	for (i = 0; i < n; i++) {
		d = sink_backoff(s, attempts[i] + 1);
		(void)store_alert_retry(a->store, ids[i], now + d, error);
		s->failed++;
	}
	log_warnx("alerts: %s: %zu alert(s) not delivered (%s); next "
	    "attempt in %llds", s->name, n, error, d);
}

/* A transfer ended: the outbox says how. */
static void
alerts_done(struct alerts *a, struct xfer *x, CURLcode res)
{
	struct sink	*s = x->sink;
	char		 error[256];
	long		 code = 0;
	time_t		 now;
	size_t		 i;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_multi_remove_handle(a->multi, x->easy);
	TAILQ_REMOVE(&a->xfers, x, entry);
	s->inflight--;
	if (res == CURLE_OK && code >= 200 && code <= 299) {
		now = timefmt_now();
		for (i = 0; i < x->n; i++)
			if (store_alert_delivered(a->store, x->ids[i], now) ==
			    STORE_OK)
				s->delivered++;
		log_info("alerts: %s: delivered %zu alert(s) (HTTP %ld)",
		    s->name, x->n, code);
	} else {
		if (res != CURLE_OK)
			snprintf(error, sizeof(error), "%s", x->errbuf[0] ?
			    x->errbuf : curl_easy_strerror(res));
		else {
			for (i = 0; i < x->replylen; i++)
				if ((unsigned char)x->reply[i] < 0x20 ||
				    x->reply[i] == 0x7f)
					x->reply[i] = ' ';
			snprintf(error, sizeof(error), "HTTP %ld%s%s", code,
			    x->replylen > 0 ? ": " : "", x->reply);
		}
		alerts_failed(a, s, x->ids, x->attempts, x->n, error);
	}
	xfer_free(x);
	alerts_schedule(a, 0);
}

static void
alerts_reap(struct alerts *a)
{
	CURLMsg		*m;
	CURLcode	 res;
	CURL		*easy;
	char		*p;
	int		 left;

	while ((m = curl_multi_info_read(a->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		easy = m->easy_handle;
		res = m->data.result;
		p = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p);
		if (p != NULL)
			alerts_done(a, (struct xfer *)(void *)p, res);
	}
}

/* X-Exhibit-Signature: sha256=hex(HMAC-SHA256(secret, ts "." body)). */
static void
alerts_sign(const char *secret, const char *ts, const char *body,
    char out[DIGEST_SHA256_HEXLEN])
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*msg;

	msg = xasprintf("%s.%s", ts, body);
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)msg, strlen(msg), mac, &maclen) == NULL ||
	    maclen != DIGEST_SHA256_LEN)
		fatalx("alerts: HMAC-SHA256 failed");
	hex_encode_buf(mac, maclen, out);
	free(msg);
}

/* A batch's key: the same entries make the same key (32 hex digits). */
static void
batch_key(struct store_alert **e, size_t n, char out[DIGEST_SHA256_HEXLEN])
{
	char	*keys, *tmp;
	size_t	 i;

	keys = xstrdup("");
	for (i = 0; i < n; i++) {
		tmp = xasprintf("%s%s\n", keys, e[i]->idempotency_key);
		free(keys);
		keys = tmp;
	}
	digest_sha256_hex(keys, strlen(keys), out);
	free(keys);
	out[32] = '\0';
}

/* Start one POST of entries e[0..n) to s. */
static void
alerts_send(struct alerts *a, struct sink *s, struct store_alert **e,
    size_t n, time_t now)
{
	struct xfer		*x;
	struct curl_slist	*h, *c;
	char			 ts[32], sig[DIGEST_SHA256_HEXLEN], *line;
	char			 keyhex[DIGEST_SHA256_HEXLEN];
	size_t			 i, len;
	CURLMcode		 mc;

	x = xcalloc(1, sizeof(*x));
	x->sink = s;
	x->n = n;
	x->ids = xcalloc(n, sizeof(*x->ids));
	x->attempts = xcalloc(n, sizeof(*x->attempts));
	for (i = 0; i < n; i++) {
		x->ids[i] = e[i]->id;
		x->attempts[i] = e[i]->attempts;
	}
	if (s->kind == SINK_SLACK) {
		if ((x->body = slack_body(e[0]->payload)) == NULL)
			x->body = xstrdup("{\"text\":\"Exhibit: drift\"}");
	} else if (s->batch_window == 0) {
		x->body = xstrdup(e[0]->payload);
	} else {
		/* A batch: a JSON array of the entries' payloads. */
		for (len = 3, i = 0; i < n; i++)
			len += strlen(e[i]->payload) + 1;
		x->body = xmalloc(len);
		x->body[0] = '[';
		x->body[1] = '\0';
		for (i = 0; i < n; i++) {
			if (i > 0)
				strcat(x->body, ",");
			strcat(x->body, e[i]->payload);
		}
		strcat(x->body, "]");
	}

	h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	if (s->kind == SINK_WEBHOOK) {
		snprintf(ts, sizeof(ts), "%lld", (long long)now);
		alerts_sign(s->secret, ts, x->body, sig);
		line = xasprintf("X-Exhibit-Timestamp: %s", ts);
		h = curl_slist_append(h, line);
		free(line);
		line = xasprintf("X-Exhibit-Signature: sha256=%s", sig);
		h = curl_slist_append(h, line);
		free(line);
		if (n == 1)
			line = xasprintf("Idempotency-Key: %s",
			    e[0]->idempotency_key);
		else {
			batch_key(e, n, keyhex);
			line = xasprintf("Idempotency-Key: batch-%s", keyhex);
		}
		h = curl_slist_append(h, line);
		free(line);
		for (c = s->extra; c != NULL; c = c->next)
			h = curl_slist_append(h, c->data);
	}
	x->hdrs = h;

	if ((x->easy = curl_easy_init()) == NULL)
		fatalx("alerts: curl_easy_init failed");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(x->easy, CURLOPT_URL, s->url);
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT, (long)s->timeout);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, (long)(s->timeout <
	    10 ? s->timeout : 10));
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "exhibitd/"
	    PACKAGE_VERSION);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(x->body));
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, alerts_write_cb);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, (char *)(void *)x);
	if (s->ca_file != NULL)
		curl_easy_setopt(x->easy, CURLOPT_CAINFO, s->ca_file);

	if ((mc = curl_multi_add_handle(a->multi, x->easy)) != CURLM_OK) {
		alerts_failed(a, s, x->ids, x->attempts, x->n,
		    curl_multi_strerror(mc));
		xfer_free(x);
		return;
	}
	TAILQ_INSERT_TAIL(&a->xfers, x, entry);
	s->inflight++;
	log_debug("alerts: %s: sending %zu alert(s), %s first", s->name, n,
	    e[0]->idempotency_key);
}

/* --- the poll -------------------------------------------------------- */

static struct sink *
alerts_sink(struct alerts *a, const char *name)
{
	size_t	i;

	for (i = 0; i < NSINKS; i++)
		if (strcmp(a->sinks[i].name, name) == 0)
			return &a->sinks[i];
	return NULL;
}

/* Of e[0..n), the entries this instance claims, moved to the front:
 * their count.  Another instance sharing the outbox has the others. */
static size_t
alerts_claim(struct alerts *a, struct store_alert **e, size_t n, time_t now)
{
	struct store_alert	*t;
	size_t			 i, k = 0;

	for (i = 0; i < n; i++) {
		if (store_alert_claim(a->store, e[i]->id, now,
		    now + ALERTS_LEASE) != STORE_OK)
			continue;
		t = e[k];
		e[k++] = e[i];
		e[i] = t;
	}
	return k;
}

/* Start what sink s may of its due entries e[0..n); lower *wake to
 * when it may do more. */
static void
alerts_sink_due(struct alerts *a, struct sink *s, struct store_alert **e,
    size_t n, time_t now, double mono, double *wake)
{
	double	wait;
	size_t	i, take, k;

	if (n == 0) {
		s->window_end = 0;
		return;
	}
	if (s->kind == SINK_SYSLOG) {
		for (i = 0; i < n; i++) {
			if (store_alert_claim(a->store, e[i]->id, now,
			    now + ALERTS_LEASE) == STORE_OK &&
			    syslog_deliver(s, e[i]) == 0 &&
			    store_alert_delivered(a->store, e[i]->id, now) ==
			    STORE_OK)
				s->delivered++;
		}
		return;
	}
	if (s->batch_window > 0) {
		if (s->window_end == 0)
			s->window_end = mono + (double)s->batch_window;
		if (mono < s->window_end) {
			if (s->window_end - mono < *wake)
				*wake = s->window_end - mono;
			return;
		}
	}
	for (i = 0; i < n; i += take) {
		/* A transfer's end polls again. */
		if (s->inflight >= ALERTS_INFLIGHT)
			return;
		if ((wait = sink_take(s, mono)) > 0) {
			if (wait < *wake)
				*wake = wait;
			return;
		}
		take = s->batch_window > 0 ? n - i : 1;
		if (take > ALERTS_BATCH_MAX)
			take = ALERTS_BATCH_MAX;
		/* Of several instances sharing the outbox, one sends each. */
		if ((k = alerts_claim(a, e + i, take, now)) > 0)
			alerts_send(a, s, e + i, k, now);
	}
	s->window_end = 0;
}

static void
alerts_poll(evutil_socket_t fd, short what, void *arg)
{
	struct alerts		*a = arg;
	struct store_alert	*v = NULL, **mine;
	struct sink		*s;
	time_t			 now, next;
	double			 mono, wake = ALERTS_IDLE_POLL, wall;
	size_t			 i, j, n = 0, k;
	char			 err[128];

	(void)fd;
	(void)what;
	a->poll_at = 0;
	if (a->stopped)
		return;
	/* Entries of an open batch may yet be rolled back: deliver only
	 * what is committed.  alerts_kick() follows the commit. */
	if (store_in_batch(a->store)) {
		alerts_schedule(a, ALERTS_BUSY_POLL);
		return;
	}
	now = timefmt_now();
	mono = mono_now();
	if (store_alert_due(a->store, now, ALERTS_FETCH, &v, &n) !=
	    STORE_OK) {
		alerts_schedule(a, 5);
		return;
	}
	mine = xcalloc(n + 1, sizeof(*mine));
	for (i = 0; i < NSINKS; i++) {
		s = &a->sinks[i];
		for (j = 0, k = 0; j < n; j++)
			if (strcmp(v[j].sink, s->name) == 0 &&
			    alerts_find(a, v[j].id) == NULL)
				mine[k++] = &v[j];
		if (!s->enabled) {
			for (j = 0; j < k; j++) {
				snprintf(err, sizeof(err), "sink %s is not "
				    "configured", s->name);
				(void)store_alert_retry(a->store, mine[j]->id,
				    now + ALERTS_UNCONFIGURED, err);
			}
			continue;
		}
		alerts_sink_due(a, s, mine, k, now, mono, &wake);
	}
	for (j = 0; j < n; j++) {
		if (alerts_sink(a, v[j].sink) != NULL)
			continue;
		snprintf(err, sizeof(err), "no sink %.32s", v[j].sink);
		(void)store_alert_retry(a->store, v[j].id,
		    now + ALERTS_UNCONFIGURED, err);
	}
	free(mine);
	store_alert_list_free(v, n);
	/* More due than one read holds: read on once these are out. */
	if (n == ALERTS_FETCH && wake > 1)
		wake = 1;
	if (store_alert_next_due(a->store, &next) == STORE_OK && next != 0 &&
	    next > now) {
		wall = wall_now();
		if ((double)next - wall < wake)
			wake = (double)next - wall;
	}
	alerts_schedule(a, wake);
}

/* --- the interface --------------------------------------------------- */

struct alerts *
alerts_new(struct event_base *base, struct store *store,
    const struct daemon_conf *conf)
{
	const curl_version_info_data	*ver;
	struct alerts			*a;
	size_t				 i;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		fatalx("alerts: curl_global_init failed");
	ver = curl_version_info(CURLVERSION_NOW);
	/* Without it, looking a sink's name up would stop the loop. */
	if (!(ver->features & CURL_VERSION_ASYNCHDNS))
		log_warnx("alerts: libcurl %s resolves names synchronously: "
		    "use IP addresses in alert URLs", ver->version);
	a = xcalloc(1, sizeof(*a));
	a->base = base;
	a->store = store;
	a->conf = conf;
	TAILQ_INIT(&a->xfers);
	LIST_INIT(&a->socks);
	if ((a->multi = curl_multi_init()) == NULL)
		fatalx("alerts: curl_multi_init failed");
	curl_multi_setopt(a->multi, CURLMOPT_SOCKETFUNCTION, alerts_socket_cb);
	curl_multi_setopt(a->multi, CURLMOPT_SOCKETDATA, a);
	curl_multi_setopt(a->multi, CURLMOPT_TIMERFUNCTION, alerts_timer_cb);
	curl_multi_setopt(a->multi, CURLMOPT_TIMERDATA, a);
	if ((a->poll_ev = evtimer_new(base, alerts_poll, a)) == NULL ||
	    (a->curl_ev = evtimer_new(base, alerts_curl_timeout, a)) == NULL)
		fatalx("alerts: evtimer_new failed");
	for (i = 0; i < NSINKS; i++) {
		a->sinks[i].kind = (enum sink_kind)i;
		a->sinks[i].name = sink_names[i];
		a->sinks[i].rate_limit = -1;
		sink_configure(&a->sinks[i], conf);
		if (a->sinks[i].enabled)
			log_info("alerts: %s sink on", a->sinks[i].name);
	}
	/* What an earlier run left undelivered goes out now. */
	alerts_schedule(a, 0);
	return a;
}

void
alerts_reload(struct alerts *a, const struct daemon_conf *conf)
{
	size_t	i;

	a->conf = conf;
	for (i = 0; i < NSINKS; i++)
		sink_configure(&a->sinks[i], conf);
	alerts_schedule(a, 0);
}

void
alerts_kick(struct alerts *a)
{
	if (a != NULL)
		alerts_schedule(a, 0);
}

void
alerts_stats(struct alerts *a, struct json_object *into)
{
	struct json_object	*o;
	struct sink		*s;
	size_t			 i;

	for (i = 0; i < NSINKS; i++) {
		s = &a->sinks[i];
		o = json_object_new_object();
		jsonutil_set_bool(o, "configured", s->enabled);
		jsonutil_set_int64(o, "queued", (int64_t)s->queued);
		jsonutil_set_int64(o, "delivered", (int64_t)s->delivered);
		jsonutil_set_int64(o, "failed", (int64_t)s->failed);
		jsonutil_set_int64(o, "in_flight", (int64_t)s->inflight);
		jsonutil_set(into, s->name, o);
	}
}

void
alerts_stop(struct alerts *a)
{
	if (a == NULL)
		return;
	a->stopped = 1;
	evtimer_del(a->poll_ev);
	a->poll_at = 0;
}

void
alerts_free(struct alerts *a)
{
	struct xfer	*x;
	struct sock	*sk;
	size_t		 i;

	if (a == NULL)
		return;
	a->stopped = 1;
	/* Abandoned: they stay undelivered in the outbox. */
	while ((x = TAILQ_FIRST(&a->xfers)) != NULL) {
		TAILQ_REMOVE(&a->xfers, x, entry);
		curl_multi_remove_handle(a->multi, x->easy);
		xfer_free(x);
	}
	curl_multi_cleanup(a->multi);
	/* Sockets of cached connections libcurl closed without telling. */
	while ((sk = LIST_FIRST(&a->socks)) != NULL) {
		event_del(&sk->ev);
		LIST_REMOVE(sk, entry);
		free(sk);
	}
	event_free(a->poll_ev);
	event_free(a->curl_ev);
	for (i = 0; i < NSINKS; i++)
		sink_clear(&a->sinks[i]);
	free(a);
	curl_global_cleanup();
}
