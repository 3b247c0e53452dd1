/*
 * exhibit-agent run (the service), push, and collect --sign: the signed
 * pipeline driven on a schedule or once.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "agent-state.h"
#include "client.h"
#include "cmd.h"
#include "hostroot.h"
#include "keys.h"
#include "log.h"
#include "pipeline.h"
#include "push.h"
#include "sdnotify.h"
#include "spool.h"
#include "status.h"
#include "timefmt.h"
#include "xmalloc.h"

#define BACKOFF_MIN	30	/* seconds before the first retry */

static volatile sig_atomic_t	run_stop;

int
session_open(struct session *s)
{
	char	*path, err[512];

	memset(s, 0, sizeof(*s));
	if (agent_load_conf(&s->ac) == -1)
		return -1;
	if ((s->st = agent_state_open(s->ac.state_dir, 0, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s", err);
		goto fail;
	}
	if (!agent_state_enrolled(s->st)) {
		log_warnx("not enrolled (state directory %s); see "
		    "exhibit-agent enroll", s->ac.state_dir);
		goto fail;
	}
	path = agent_state_path(s->st, AGENT_STATE_KEY);
	s->key = keys_load_private(path, err, sizeof(err));
	free(path);
	if (s->key == NULL) {
		log_warnx("%s", err);
		goto fail;
	}
	path = agent_state_path(s->st, AGENT_STATE_SPOOL);
	s->sp = spool_open(path, err, sizeof(err));
	free(path);
	if (s->sp == NULL) {
		log_warnx("%s", err);
		goto fail;
	}
	s->rejected_dir = agent_state_path(s->st, AGENT_STATE_REJECTED);
	return 0;
fail:
	session_close(s);
	return -1;
}

int
session_client(struct session *s)
{
	struct client_opts	 co;
	char			*ca, *cert, *key, err[512];

	client_free(s->cl);
	ca = agent_state_path(s->st, AGENT_STATE_CA);
	cert = agent_state_path(s->st, AGENT_STATE_CERT);
	key = agent_state_path(s->st, AGENT_STATE_KEY);
	memset(&co, 0, sizeof(co));
	co.server = agent_state_server(s->st);
	co.cafile = ca;
	co.cadir = s->ac.state_dir;
	co.certfile = cert;
	co.keyfile = key;
	co.connect_timeout = s->ac.connect_timeout;
	co.timeout = s->ac.timeout;
	if ((s->cl = client_new(&co, err, sizeof(err))) == NULL)
		log_warnx("%s", err);
	free(ca);
	free(cert);
	free(key);
	return s->cl == NULL ? -1 : 0;
}

void
session_close(struct session *s)
{
	client_free(s->cl);
	spool_close(s->sp);
	EVP_PKEY_free(s->key);
	agent_state_close(s->st);
	free(s->rejected_dir);
	agent_conf_free(&s->ac);
	memset(s, 0, sizeof(*s));
}

/* A uniformly random number of seconds in [0, max]. */
static long long
run_random(long long max)
{
	uint64_t	v;

	if (max <= 0)
		return 0;
	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		return max / 2;
	return (long long)(v % ((uint64_t)max + 1));
}

static enum push_status
run_push(struct session *s)
{
	struct push_ctx	 px;
	enum push_status status;

	if (spool_count(s->sp) == 0)
		return PUSH_DONE;
	if (s->cl == NULL && session_client(s) == -1)
		return PUSH_RETRY;
	memset(&px, 0, sizeof(px));
	px.st = s->st;
	px.sp = s->sp;
	px.cl = s->cl;
	px.key = s->key;
	px.rejected_dir = s->rejected_dir;
	status = push_drain(&px);
	if (px.sent > 0 || px.rejected > 0)
		log_info("push: %zu stored, %zu refused, %zu waiting",
		    px.sent, px.rejected, spool_count(s->sp));
	return status;
}

/* One collection; a short result for status in buf. */
static int
run_collect(struct session *s, char *buf, size_t len)
{
	struct pipeline_result	 res;
	struct hostroot		*root;
	int			 rc;

	if ((root = hostroot_open(s->ac.root, s->ac.max_file_size)) == NULL) {
		log_warn("collect: root %s", s->ac.root);
		snprintf(buf, len, "failed: root %s unreadable", s->ac.root);
		return -1;
	}
	rc = pipeline_produce(s->st, root, s->key, s->sp,
	    s->ac.spool_max_size, &res);
	hostroot_free(root);
	if (rc == -1)
		snprintf(buf, len, "failed: see the log");
	else if (res.spooled) {
		log_info("collect: seq %" PRIu64 " spooled (%zu sections in "
		    "full, %zu unchanged)", res.seq, res.nfull, res.nrefs);
		snprintf(buf, len, "ok: seq %" PRIu64 " spooled", res.seq);
	} else
		snprintf(buf, len, "dropped: spool full");
	pipeline_result_free(&res);
	return rc;
}

/* The node-exporter textfile ([agent] textfile), after every turn.  A
 * failure is logged, once until the next success: monitoring must not
 * stop the collection it monitors. */
static void
run_textfile(struct session *s)
{
	static int		warned;
	struct agent_status	st;

	if (s->ac.textfile == NULL)
		return;
	agent_status_read(s->st, s->sp, &st);
	if (agent_status_write_textfile(&st, s->ac.textfile) == -1) {
		if (!warned)
			log_warn("textfile %s", s->ac.textfile);
		warned = 1;
	} else
		warned = 0;
}

/* Stopping: no collection is due any more, which status must not
 * claim. */
static void
run_unschedule(struct session *s)
{
	const char	*result;
	time_t		 when, next;

	if (agent_state_collect(s->st, &when, &result, &next) == 0 &&
	    next != 0 && agent_state_set_collect(s->st, when, result, 0) == -1)
		log_warn("collect: recording the stop");
	run_textfile(s);
}

static void
run_signal(int sig)
{
	run_stop = 1;
}

/* Tell systemd (Type=notify) where the service stands: silent without
 * it, and a failure is logged once, since it changes nothing else. */
static void
run_notify(struct session *s, const char *ready, time_t next_collect,
    time_t next_push)
{
	static int	warned;
	char		c[TIMEFMT_RFC3339_LEN], p[TIMEFMT_RFC3339_LEN];
	int		rc;

	timefmt_rfc3339(next_collect, c, sizeof(c));
	timefmt_rfc3339(next_push, p, sizeof(p));
	rc = sdnotify_sendf("%sSTATUS=pushing to %s; next collection %s; "
	    "%zu envelope(s) waiting%s%s", ready, agent_state_server(s->st),
	    c, spool_count(s->sp), next_push > 0 ? ", push failing, next "
	    "try " : "", next_push > 0 ? p : "");
	if (rc == -1 && !warned) {
		log_warn("sd_notify");
		warned = 1;
	}
}

/* Sleep until t or a signal, waking for systemd's watchdog (at half its
 * interval) when there is one. */
static void
run_sleep_until(time_t t)
{
	struct timespec	ts;
	time_t		now = timefmt_now();
	uint64_t	wd = sdnotify_watchdog_usec() / 2;

	while (!run_stop && t > now) {
		ts.tv_sec = t - now;
		ts.tv_nsec = 0;
		if (wd > 0 && (uint64_t)ts.tv_sec * 1000000 > wd) {
			ts.tv_sec = (time_t)(wd / 1000000);
			ts.tv_nsec = (long)(wd % 1000000 * 1000);
		}
		(void)nanosleep(&ts, NULL);	/* EINTR on SIGTERM */
		(void)sdnotify_watchdog_kick();
		now = timefmt_now();
	}
}

static int
run_loop(struct session *s, int once)
{
	struct sigaction	 sa;
	enum push_status	 status;
	time_t			 now, next_collect, next_push = 0;
	long long		 backoff = 0;
	char			 result[128];
	int			 rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_signal;	/* no SA_RESTART: wake the sleep */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	next_collect = timefmt_now();
	/* Enrolled (session_open checked), signals handled, the first
	 * collection due now: the service is up. */
	run_notify(s, "READY=1\n", next_collect, 0);
	while (!run_stop) {
		(void)sdnotify_watchdog_kick();
		now = timefmt_now();
		if (now >= next_collect) {
			if (enroll_renew_if_due(s) == -1)
				log_warnx("renew: failed; the current "
				    "certificate is used until it expires");
			rc = run_collect(s, result, sizeof(result));
			next_collect = now + s->ac.interval +
			    run_random(s->ac.jitter);
			if (agent_state_set_collect(s->st, now, result,
			    once ? 0 : next_collect) == -1)
				log_warn("collect: recording the result");
			if (rc == -1 && once) {
				run_textfile(s);
				return 1;
			}
		}
		if (run_stop)
			break;
		if (now >= next_push) {
			status = run_push(s);
			run_textfile(s);
			if (status == PUSH_STOP)
				return 1;
			if (status == PUSH_RETRY) {
				backoff = backoff == 0 ? BACKOFF_MIN :
				    backoff * 2;
				if (backoff > s->ac.backoff_max)
					backoff = s->ac.backoff_max;
				/* Half fixed, half random: agents that
				 * failed together do not retry together. */
				next_push = timefmt_now() + backoff / 2 +
				    run_random(backoff - backoff / 2);
				if (once)
					return 1;
			} else {
				backoff = 0;
				next_push = 0;
			}
		}
		if (once)
			return 0;
		run_notify(s, "", next_collect, next_push);
		run_sleep_until(spool_count(s->sp) > 0 &&
		    next_push < next_collect ? next_push : next_collect);
	}
	log_info("stopping on a signal");
	(void)sdnotify_send("STOPPING=1");
	run_unschedule(s);
	return 0;
}

static int
run_usage(const char *cmd, const char *extra)
{
	fprintf(stderr, "usage: exhibit-agent %s%s\n", cmd, extra);
	return 2;
}

int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once",	no_argument,	NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct session	s;
	int		ch, once = 0, rc;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'o')
			return run_usage("run", " [--once]");
		once = 1;
	}
	if (optind != argc)
		return run_usage("run", " [--once]");
	if (session_open(&s) == -1)
		return 1;
	log_info("running as %s for %s", agent_state_agent_id(s.st),
	    agent_state_server(s.st));
	rc = run_loop(&s, once);
	session_close(&s);
	return rc;
}

int
cmd_push(int argc, char **argv)
{
	struct session	s;
	int		rc;

	if (argc != 1)
		return run_usage("push", "");
	if (session_open(&s) == -1)
		return 1;
	rc = run_push(&s) == PUSH_DONE ? 0 : 1;
	if (rc == 0)
		printf("spool empty: every envelope acknowledged\n");
	else
		fprintf(stderr, "exhibit-agent: push: %zu envelope(s) still "
		    "spooled\n", spool_count(s.sp));
	session_close(&s);
	return rc;
}

int
cmd_collect_sign(const char *rootpath)
{
	struct pipeline_result	 res;
	struct session		 s;
	struct hostroot		*root;
	int			 rc;

	if (session_open(&s) == -1)
		return 1;
	if (rootpath == NULL)
		rootpath = s.ac.root;
	if ((root = hostroot_open(rootpath, s.ac.max_file_size)) == NULL) {
		log_warn("collect: root %s", rootpath);
		session_close(&s);
		return 1;
	}
	/* The seq is taken for good (stored) but the envelope is not
	 * spooled: it is for people, who may pass it on or not. */
	rc = pipeline_produce(s.st, root, s.key, NULL, UINT64_MAX, &res);
	hostroot_free(root);
	if (rc == 0)
		printf("%s\n", res.envelope);
	pipeline_result_free(&res);
	session_close(&s);
	if (rc == -1 || fflush(stdout) == EOF || ferror(stdout))
		return 1;
	return 0;
}
