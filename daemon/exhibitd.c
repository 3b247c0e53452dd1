/*
 * exhibitd: the central daemon.  main() owns the event loop; everything
 * else lives in daemon/libdaemon.a so that tests link the same objects.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#ifndef HAVE_JEMALLOC
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "daemon-conf.h"
#include "log.h"
#include "rules.h"
#include "sdnotify.h"
#include "server.h"

static const char *conf_path = DAEMON_CONF_PATH;
static struct daemon_conf dconf;
static struct server *server;
static size_t nrules, npacks;	/* for systemd's STATUS= line */
static int stopping;

static void
usage(FILE *f)
{
	fprintf(f,
"usage: exhibitd [-nv] [-f file]\n"
"\n"
"The Exhibit daemon.  It serves HTTPS on the [server] listen address:\n"
"agents enroll (POST /v1/enroll) and push signed evidence over mutual TLS\n"
"(POST /v1/evidence), which is stored durably before it is acknowledged\n"
"and then judged against the rule packs in the [rules] directory.\n"
"The state directory must have been prepared with \"exhibitctl init\".\n"
"\n"
"Signals: SIGTERM or SIGINT stop accepting connections, finish the\n"
"requests in flight and exit; SIGHUP reloads the configuration (limits,\n"
"timeouts, log destination, the TLS certificate, alerts, schedules) and\n"
"the rule packs, keeping the running ones if the new files have errors;\n"
"state_dir, listen, workers and [store] take effect at the next start\n"
"(a reload that changes them says so in the log).\n"
"Under systemd (Type=notify) it reports when it is ready, reloading and\n"
"stopping, and answers the watchdog (WatchdogSec=).\n"
"\n"
"  -f, --config FILE  configuration file, by default\n"
"                     %s\n"
"  -n, --check        check the configuration and the rule packs, print\n"
"                     \"configuration OK\" or every error (file:line:\n"
"                     message; file: rule-id: message), and exit\n"
"  -v, --verbose      log debug messages too\n"
"      --help         show this help and exit\n"
"      --version      show the version and exit\n"
"\n"
"Exit status: 0 success (or a clean stop on SIGTERM), 1 invalid\n"
"configuration or a runtime failure, 2 a command-line usage error.\n",
	    DAEMON_CONF_PATH);
}

/* Load the configuration into dc; on errors print them all and fail. */
static int
load_conf(struct daemon_conf *dc)
{
	struct conf_errors	errs = { 0 };
	int			n;

	memset(dc, 0, sizeof(*dc));
	if ((n = daemon_conf_load(conf_path, dc, &errs)) != 0) {
		conf_errors_log(&errs);
		conf_errors_free(&errs);
		daemon_conf_free(dc);
		return -1;
	}
	return 0;
}

static int
prepare_state_dir(const char *dir)
{
	struct stat	st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_warn("state directory %s", dir);
		return -1;
	}
	if (stat(dir, &st) == -1) {
		log_warn("state directory %s", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("state directory %s: not a directory", dir);
		return -1;
	}
	/* Keys and evidence live there: nobody else may write to it. */
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		log_warnx("state directory %s: writable by group or others "
		    "(mode %04o); refusing to use it", dir,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Each connection holds a descriptor: make room for max_connections,
 * up to the hard limit, and say so when it does not fit. */
static void
raise_fd_limit(long long want)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	want += 64;	/* the listener, the store, logs, some slack */
	if ((long long)rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
	    (long long)rl.rlim_max > want ? (rlim_t)want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit(RLIMIT_NOFILE)");
	if ((long long)rl.rlim_cur < want)
		log_warnx("only %llu file descriptors allowed: fewer than "
		    "max_connections (%lld) can be served",
		    (unsigned long long)rl.rlim_cur, want - 64);
}

/* Tell systemd (Type=notify), when it listens; a failure is logged but
 * changes nothing else: the daemon serves all the same. */
static void
notify(const char *state)
{
	if (sdnotify_send(state) == -1)
		log_warn("sd_notify \"%.*s\"", (int)strcspn(state, "\n"),
		    state);
}

static void
notify_ready(const char *what)
{
	char	buf[512];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=serving on %s; %zu "
	    "rule(s) from %zu pack(s)%s", dconf.listen, nrules, npacks, what);
	notify(buf);
}

/* systemd's watchdog (WatchdogSec=): proof that the event loop turns. */
static void
on_watchdog(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	notify("WATCHDOG=1");
}

static void
on_stop(evutil_socket_t sig, short ev, void *arg)
{
	(void)arg;
	(void)ev;
	log_info("received %s, stopping", strsignal((int)sig));
	stopping = 1;
	notify("STOPPING=1\nSTATUS=stopping: finishing the requests in "
	    "flight");
	server_drain(server);
}

/* A string setting a reload cannot apply: warn when it changed, and keep
 * the running value (moved from *cur into *next). */
static void
keep_running(const char *name, char **next, char **cur, int show)
{
	const char	*a = *next != NULL ? *next : "";
	const char	*b = *cur != NULL ? *cur : "";

	if (strcmp(a, b) != 0)
		log_warnx("%s changed%s%s: takes effect at the next start",
		    name, show ? " to " : "", show ? a : "");
	free(*next);
	*next = *cur;
	*cur = NULL;
}

static int
reload(void)
{
	struct daemon_conf	next;
	struct ruleset		*rules;
	size_t			 n, p;

	if (load_conf(&next) == -1) {
		log_warnx("reload failed; keeping the running configuration");
		return -1;
	}
	/* Rules and configuration go together: both or neither. */
	if ((rules = ruleset_load_dir(next.rules_dir)) == NULL) {
		log_warnx("reload failed: the rule packs in %s have errors; "
		    "keeping the running configuration and rules",
		    next.rules_dir);
		daemon_conf_free(&next);
		return -1;
	}
	n = ruleset_rule_count(rules);
	p = ruleset_pack_count(rules);
	if (server_set_rules(server, rules) == -1) {
		log_warnx("reload failed: the new rules could not be "
		    "recorded; keeping the running configuration and rules");
		ruleset_free(rules);
		daemon_conf_free(&next);
		return -1;
	}
	nrules = n;
	npacks = p;
	/* What only a restart can change keeps its running value, so that
	 * what the daemon reports stays what it does. */
	keep_running("[daemon] state_dir", &next.state_dir, &dconf.state_dir,
	    1);
	keep_running("[server] listen", &next.listen, &dconf.listen, 1);
	/* A connection string may hold a password: never logged. */
	keep_running("[store] connection", &next.store_connection,
	    &dconf.store_connection, 0);
	if (next.store_backend != dconf.store_backend) {
		log_warnx("[store] backend changed: takes effect at the next "
		    "start");
		next.store_backend = dconf.store_backend;
	}
	if (next.workers != dconf.workers) {
		log_warnx("[server] workers changed to %lld: takes effect at "
		    "the next start", next.workers);
		next.workers = dconf.workers;
	}
	daemon_conf_free(&dconf);
	dconf = next;
	raise_fd_limit(dconf.max_connections);
	log_init(NULL, log_getverbose(), (enum log_dest)dconf.log_dest);
	server_reload(server, &dconf);
	log_info("configuration reloaded");
	return 0;
}

static void
on_reload(evutil_socket_t sig, short ev, void *arg)
{
	(void)sig;
	(void)ev;
	(void)arg;
	log_info("received SIGHUP, reloading %s", conf_path);
	if (stopping) {
		/* READY=1 would tell systemd the stop was over. */
		(void)reload();
		return;
	}
	if (sdnotify_reloading() == -1)
		log_warn("sd_notify \"RELOADING=1\"");
	/* Ready again either way: a failed reload keeps the daemon
	 * serving with what it ran before. */
	notify_ready(reload() == 0 ? "" : "; the last reload failed, see "
	    "the log");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'f' },
		{ "check",	no_argument,		NULL, 'n' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct event_base	*base;
	struct event		*ev_term, *ev_int, *ev_hup, *ev_wd = NULL;
	struct timeval		 tv;
	uint64_t		 wd_usec;
	struct ruleset		*rules;
	int			 ch, check = 0, verbose = 0;

	log_init(argv[0], 0, LOG_DEST_AUTO);
	while ((ch = getopt_long(argc, argv, "f:nv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			conf_path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("exhibitd (Exhibit) %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "exhibitd: unexpected argument: %s\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	log_setverbose(verbose);

	if (load_conf(&dconf) == -1) {
		if (!check)
			log_warnx("refusing to start with an invalid "
			    "configuration");
		return 1;
	}
	if (check) {
		/* The rules are part of the configuration being checked. */
		if ((rules = ruleset_load_dir(dconf.rules_dir)) == NULL) {
			log_warnx("configuration not OK: the rule packs in %s "
			    "have errors", dconf.rules_dir);
			daemon_conf_free(&dconf);
			return 1;
		}
		printf("configuration OK; %zu rule(s) from %zu pack(s) in %s\n",
		    ruleset_rule_count(rules), ruleset_pack_count(rules),
		    dconf.rules_dir);
		ruleset_free(rules);
		daemon_conf_free(&dconf);
		return 0;
	}
	log_init(NULL, verbose, (enum log_dest)dconf.log_dest);

	if (prepare_state_dir(dconf.state_dir) == -1)
		return 1;
	if ((rules = ruleset_load_dir(dconf.rules_dir)) == NULL) {
		log_warnx("refusing to start: the rule packs in %s have errors",
		    dconf.rules_dir);
		daemon_conf_free(&dconf);
		return 1;
	}

	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(dconf.max_connections);
#ifndef HAVE_JEMALLOC
	/* Worker threads would each get a malloc arena of their own; two
	 * keep the daemon's memory close to what it uses. */
	mallopt(M_ARENA_MAX, 2);
#endif
	/* Worker threads hand finished jobs back through the loop. */
	if (evthread_use_pthreads() == -1)
		fatalx("evthread_use_pthreads failed");
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	nrules = ruleset_rule_count(rules);
	npacks = ruleset_pack_count(rules);
	if ((server = server_start(base, &dconf, rules)) == NULL) {
		event_base_free(base);
		daemon_conf_free(&dconf);
		return 1;
	}
	ev_term = evsignal_new(base, SIGTERM, on_stop, NULL);
	ev_int = evsignal_new(base, SIGINT, on_stop, NULL);
	ev_hup = evsignal_new(base, SIGHUP, on_reload, NULL);
	if (ev_term == NULL || ev_int == NULL || ev_hup == NULL ||
	    evsignal_add(ev_term, NULL) == -1 ||
	    evsignal_add(ev_int, NULL) == -1 ||
	    evsignal_add(ev_hup, NULL) == -1)
		fatalx("cannot install signal handlers");
	/* Ping at half the interval, as sd_watchdog_enabled(3) advises. */
	if ((wd_usec = sdnotify_watchdog_usec()) > 0) {
		tv.tv_sec = (time_t)(wd_usec / 2 / 1000000);
		tv.tv_usec = (suseconds_t)(wd_usec / 2 % 1000000);
		if ((ev_wd = event_new(base, -1, EV_PERSIST, on_watchdog,
		    NULL)) == NULL || event_add(ev_wd, &tv) == -1)
			fatalx("cannot schedule the watchdog");
	}

	log_info("exhibitd %s started (state %s)", PACKAGE_VERSION,
	    dconf.state_dir);
	/* Listening, signals handled: systemd may start what follows. */
	notify_ready("");
	if (event_base_dispatch(base) == -1)
		fatalx("event loop failed");

	server_free(server);
	if (ev_wd != NULL)
		event_free(ev_wd);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	event_base_free(base);
	daemon_conf_free(&dconf);
	log_info("stopped");
	return 0;
}
