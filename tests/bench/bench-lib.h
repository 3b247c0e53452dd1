/*
 * What the benchmarks that run their own exhibitd share: a temporary
 * directory with a configuration and a fresh store, the daemon's
 * process (started, watched, stopped on every way out), exhibitctl,
 * blocking HTTPS calls for set-up, enrollment, valid evidence sections,
 * the daemon's CPU and memory from /proc, and percentiles.
 *
 * One benchmark per process: the state is the global benv.  Failures
 * print a message and the daemon's last log lines, and exit(1); the
 * atexit handler stops the daemon and removes the directory.
 */
#ifndef EXHIBIT_BENCH_LIB_H
#define EXHIBIT_BENCH_LIB_H

#include <sys/types.h>

#include <netinet/in.h>

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

struct bench_env {
	const char		*prog;		/* messages, seeds, dir name */
	char			 dir[64];
	char			*conf, *state, *log, *ca, *token;
	int			 port;
	pid_t			 daemon;
	const char		*exhibitd, *exhibitctl;
	int			 keep;		/* leave the directory */
	SSL_CTX			*anon;		/* no client certificate */
	struct sockaddr_in	 sin;		/* the daemon's listener */
};

struct bench_agent {
	char		 id[64];
	char		 machine_id[33];
	EVP_PKEY	*key;
	SSL_CTX		*ctx;		/* mutual TLS as this agent */
};

extern struct bench_env	benv;

double		 bench_now_ms(void);		/* CLOCK_MONOTONIC */
void		 bench_fail(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
void		 bench_log_tail(int);
const char	*bench_ssl_error(void);

/* Stop the daemon and remove the directory at exit and on SIGINT,
 * SIGTERM and SIGHUP; ignore SIGPIPE. */
void		 bench_install_cleanup(void);

/* /tmp/<prog>.XXXXXX, the paths in it, and a free port. */
void		 bench_tmpdir(void);
void		 bench_write_file(const char *, const char *);
int		 bench_free_port(void);

/* Write conftext as the daemon's configuration, run "exhibitctl init",
 * create an enrollment token good for uses enrollments; then the
 * client context without a certificate. */
void		 bench_init_store(const char *conftext, size_t uses);
/* exhibitctl -f CONF a1 [a2...]: stdout into out, stderr into the log;
 * the exit status. */
int		 bench_run_ctl(char *out, size_t outlen, const char *a1,
		    const char *a2, const char *a3, const char *a4,
		    const char *a5, const char *a6);
/* argv[0] with argv: its stdout (allocated, *len bytes) or NULL when it
 * fails; stderr into the log. */
char		*bench_run_capture(char *const argv[], size_t *len);

/* Start exhibitd and wait for /healthz; stop it (SIGTERM, then
 * SIGKILL after 15 s), returning its wait status. */
void		 bench_start_daemon(void);
int		 bench_stop_daemon(void);

/* One request over a fresh blocking TLS connection: the status and the
 * body (allocated), or -1. */
int		 bench_https_call(SSL_CTX *, const char *method,
		    const char *path, const char *body, char **resp);

/* Enroll agent number i: a new key, "<prog> machine <i>" hashed as its
 * machine id, "bench-<i>" as its hostname. */
void		 bench_enroll(struct bench_agent *, size_t i);

/* A full section from the bytes {"sources":...,"data":...} its digest
 * covers; check a whole document's digests independently. */
char		*bench_section_full(const char *hashed);
void		 bench_check_document(const char *doc, size_t len);

/* The daemon's (or any) process: /proc/PID/status fields in KiB, user
 * plus system CPU in ms, open descriptors; -1 when unknown. */
long		 bench_proc_status_kib(pid_t, const char *field);
double		 bench_proc_cpu_ms(pid_t);
double		 bench_main_thread_cpu_ms(pid_t);
double		 bench_self_cpu_ms(void);
long		 bench_proc_nfds(pid_t);

int		 bench_cmp_double(const void *, const void *);
/* p in [0, 1] of v[0..n), sorted. */
double		 bench_percentile(const double *v, size_t n, double p);

#endif
