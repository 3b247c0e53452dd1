/*
 * Shared by the benchmarks that run their own exhibitd: see bench-lib.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "bench-lib.h"
#include "digest.h"
#include "jsonutil.h"
#include "keys.h"
#include "tls.h"
#include "xmalloc.h"

struct bench_env	benv;
static char		*rm_argv[4];	/* prepared for the signal handler */

double
bench_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Remove the temporary directory: fork and exec only, so that the signal
 * handler may call it too. */
static void
bench_rmdir(void)
{
	pid_t	pid;
	int	status;

	if (rm_argv[0] == NULL || benv.keep)
		return;
	if ((pid = fork()) == 0) {
		execv(rm_argv[0], rm_argv);
		_exit(127);
	}
	if (pid > 0)
		(void)waitpid(pid, &status, 0);
}

/* SIGTERM the daemon and wait for it (it drains for at most 10 s). */
int
bench_stop_daemon(void)
{
	int	status, i;

	if (benv.daemon <= 0)
		return 0;
	(void)kill(benv.daemon, SIGTERM);
	for (i = 0; i < 300; i++) {
		if (waitpid(benv.daemon, &status, WNOHANG) == benv.daemon)
			break;
		usleep(50 * 1000);
	}
	if (i == 300) {
		fprintf(stderr, "%s: exhibitd did not stop within 15 s of "
		    "SIGTERM; killing it\n", benv.prog);
		(void)kill(benv.daemon, SIGKILL);
		(void)waitpid(benv.daemon, &status, 0);
	}
	benv.daemon = 0;
	return status;
}

static void
bench_cleanup(void)
{
	(void)bench_stop_daemon();
	bench_rmdir();
}

static void
bench_on_signal(int sig)
{
	int	status;

	if (benv.daemon > 0) {
		(void)kill(benv.daemon, SIGTERM);
		(void)waitpid(benv.daemon, &status, 0);
		benv.daemon = 0;
	}
	bench_rmdir();
	_exit(128 + sig);
}

void
bench_install_cleanup(void)
{
	struct sigaction	sa;

	atexit(bench_cleanup);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The daemon's last log lines, to explain a failure. */
void
bench_log_tail(int lines)
{
	char	*cmd;

	if (benv.log == NULL)
		return;
	fprintf(stderr, "--- last lines of %s:\n", benv.log);
	fflush(stderr);
	cmd = xasprintf("tail -n %d '%s' >&2", lines, benv.log);
	(void)system(cmd);
	free(cmd);
}

void
bench_fail(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", benv.prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	bench_log_tail(20);
	exit(1);	/* atexit: bench_cleanup() */
}

const char *
bench_ssl_error(void)
{
	static char	buf[256];
	unsigned long	e = ERR_get_error();

	if (e == 0)
		return "no TLS error queued";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

/* --- the daemon's process: memory, CPU, descriptors --------------------- */

/* A "VmXXX:" line of /proc/PID/status in KiB, or -1. */
long
bench_proc_status_kib(pid_t pid, const char *field)
{
	char	 path[64], line[256];
	FILE	*f;
	size_t	 n = strlen(field);
	long	 v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static double	stat_cpu_ms(const char *path);

/* User plus system CPU time of pid in milliseconds, or -1. */
double
bench_proc_cpu_ms(pid_t pid)
{
	char	path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return stat_cpu_ms(path);
}

/* The same for pid's main thread (the daemon's event loop). */
double
bench_main_thread_cpu_ms(pid_t pid)
{
	char	path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid,
	    (int)pid);
	return stat_cpu_ms(path);
}

static double
stat_cpu_ms(const char *path)
{
	char			 buf[1024], *p;
	unsigned long long	 ut, st;
	FILE			*f;
	size_t			 n;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15, counted after the ")" that ends the name. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
	    "%llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1e3 / (double)sysconf(_SC_CLK_TCK);
}

double
bench_self_cpu_ms(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

long
bench_proc_nfds(pid_t pid)
{
	char		 path[64];
	DIR		*d;
	struct dirent	*de;
	long		 n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* --- set-up: files, exhibitctl, exhibitd --------------------------------- */

void
bench_write_file(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF)
		bench_fail("%s: %s", path, strerror(errno));
}

int
bench_free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		bench_fail("free port: %s", strerror(errno));
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

void
bench_tmpdir(void)
{
	snprintf(benv.dir, sizeof(benv.dir), "/tmp/%s.XXXXXX", benv.prog);
	if (mkdtemp(benv.dir) == NULL)
		bench_fail("mkdtemp: %s", strerror(errno));
	rm_argv[0] = xstrdup("/bin/rm");
	rm_argv[1] = xstrdup("-rf");
	rm_argv[2] = xstrdup(benv.dir);
	benv.conf = xasprintf("%s/exhibitd.conf", benv.dir);
	benv.state = xasprintf("%s/state", benv.dir);
	benv.log = xasprintf("%s/exhibitd.log", benv.dir);
	benv.ca = xasprintf("%s/ca.pem", benv.state);
	benv.port = bench_free_port();
	memset(&benv.sin, 0, sizeof(benv.sin));
	benv.sin.sin_family = AF_INET;
	benv.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	benv.sin.sin_port = htons((uint16_t)benv.port);
}

/* Run argv: its whole stdout into *out (allocated), stderr into the
 * log; its exit status. */
static int
bench_run(char *const argv[], char **out, size_t *outlen)
{
	pid_t	 pid;
	size_t	 n = 0, cap = 4096;
	ssize_t	 r;
	char	*buf;
	int	 p[2], logfd, status;

	if (pipe(p) == -1)
		bench_fail("pipe: %s", strerror(errno));
	if ((logfd = open(benv.log, O_WRONLY | O_CREAT | O_APPEND,
	    0600)) == -1)
		bench_fail("%s: %s", benv.log, strerror(errno));
	if ((pid = fork()) == -1)
		bench_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		close(p[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	close(logfd);
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 == cap)
			buf = xrealloc(buf, cap *= 2);
		if ((r = read(p[0], buf + n, cap - n - 1)) <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		bench_fail("waitpid: %s", strerror(errno));
	*out = buf;
	*outlen = n;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int
bench_run_ctl(char *out, size_t outlen, const char *a1, const char *a2,
    const char *a3, const char *a4, const char *a5, const char *a6)
{
	char	*argv[10], *buf;
	size_t	 n;
	int	 rc, i;

	argv[0] = xstrdup(benv.exhibitctl);
	argv[1] = xstrdup("-f");
	argv[2] = xstrdup(benv.conf);
	argv[3] = xstrdup(a1);
	argv[4] = a2 ? xstrdup(a2) : NULL;
	argv[5] = a2 && a3 ? xstrdup(a3) : NULL;
	argv[6] = a2 && a3 && a4 ? xstrdup(a4) : NULL;
	argv[7] = a2 && a3 && a4 && a5 ? xstrdup(a5) : NULL;
	argv[8] = a2 && a3 && a4 && a5 && a6 ? xstrdup(a6) : NULL;
	argv[9] = NULL;
	rc = bench_run(argv, &buf, &n);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
	free(buf);
	for (i = 0; i < 9; i++)
		free(argv[i]);
	return rc;
}

char *
bench_run_capture(char *const argv[], size_t *len)
{
	char	*out;

	if (bench_run(argv, &out, len) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

void
bench_init_store(const char *conftext, size_t uses)
{
	char		 out[4096], *tok, *end, err[256], *text;
	const char	*pg = getenv("BENCH_PG");

	/* BENCH_PG: a libpq connection string to an empty database, which
	 * the daemon stores in instead of SQLite (tests/bench/bench-pg.sh). */
	if (pg != NULL && *pg != '\0')
		text = xasprintf("%s[store]\nbackend = postgresql\n"
		    "connection = %s\n", conftext, pg);
	else
		text = xstrdup(conftext);
	bench_write_file(benv.conf, text);
	free(text);
	if (bench_run_ctl(out, sizeof(out), "init", NULL, NULL, NULL, NULL,
	    NULL) != 0)
		bench_fail("exhibitctl init failed");
	snprintf(err, sizeof(err), "%zu", uses);
	if (bench_run_ctl(out, sizeof(out), "token", "create", "--role",
	    "enroll", "--uses", err) != 0)
		bench_fail("exhibitctl token create failed");
	if ((tok = strstr(out, "exh_")) == NULL)
		bench_fail("no exh_ token in: %s", out);
	end = tok + strcspn(tok, " \t\r\n");
	*end = '\0';
	benv.token = xstrdup(tok);

	if ((benv.anon = tls_client_ctx(benv.ca, NULL, NULL, err,
	    sizeof(err))) == NULL)
		bench_fail("%s", err);
}

static void
bench_wait_healthy(void)
{
	char	*resp;
	int	 i, status, st;

	for (i = 0; i < 200; i++) {
		if (waitpid(benv.daemon, &st, WNOHANG) == benv.daemon) {
			benv.daemon = 0;
			bench_fail("exhibitd exited at start (status %d)",
			    WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
			    WTERMSIG(st));
		}
		status = bench_https_call(benv.anon, "GET", "/healthz", NULL,
		    &resp);
		free(resp);
		if (status == 200)
			return;
		usleep(50 * 1000);
	}
	bench_fail("exhibitd did not answer /healthz within 10 s");
}

void
bench_start_daemon(void)
{
	int	logfd;

	if ((logfd = open(benv.log, O_WRONLY | O_CREAT | O_APPEND,
	    0600)) == -1)
		bench_fail("%s: %s", benv.log, strerror(errno));
	if ((benv.daemon = fork()) == -1)
		bench_fail("fork: %s", strerror(errno));
	if (benv.daemon == 0) {
		dup2(logfd, STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		execl(benv.exhibitd, benv.exhibitd, "-f", benv.conf,
		    (char *)NULL);
		_exit(127);
	}
	close(logfd);
	bench_wait_healthy();
}

/*
 * One request over a fresh blocking TLS connection ("Connection: close"):
 * for /healthz and enrollment, outside the timed phases.  Returns the
 * status and the body (allocated) or -1.
 */
int
bench_https_call(SSL_CTX *ctx, const char *method, const char *path,
    const char *body, char **resp)
{
	struct timeval	 tv = { 10, 0 };
	SSL		*ssl = NULL;
	char		*req = NULL, *buf = NULL, *hend, *cl;
	size_t		 len = 0, cap = 16384, need = 0;
	int		 fd, n, status = -1, hlen;

	*resp = NULL;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&benv.sin,
	    sizeof(benv.sin)) == -1)
		goto out;
	if ((ssl = SSL_new(ctx)) == NULL || !SSL_set_fd(ssl, fd) ||
	    SSL_connect(ssl) != 1) {
		ERR_clear_error();
		goto out;
	}
	req = xasprintf("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	    "Connection: close\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", method, path, benv.port,
	    body ? strlen(body) : 0, body ? body : "");
	if (SSL_write(ssl, req, (int)strlen(req)) != (int)strlen(req))
		goto out;
	buf = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		if ((n = SSL_read(ssl, buf + len, (int)(cap - len - 1))) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (need == 0 && (hend = strstr(buf, "\r\n\r\n")) != NULL) {
			hlen = (int)(hend + 4 - buf);
			*hend = '\0';
			if ((cl = strcasestr(buf, "\r\nContent-Length:")) ==
			    NULL)
				break;
			need = (size_t)hlen + strtoul(cl + 17, NULL, 10);
			*hend = '\r';
		}
		if (need != 0 && len >= need)
			break;
	}
	ERR_clear_error();
	if (need == 0 || len < need ||
	    sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		goto out;
	hend = strstr(buf, "\r\n\r\n");
	*resp = xstrndup(hend + 4, need - (size_t)(hend + 4 - buf));
out:
	if (ssl != NULL) {
		(void)SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	ERR_clear_error();
	close(fd);
	free(req);
	free(buf);
	return *resp != NULL ? status : -1;
}

/* --- enrollment ----------------------------------------------------------- */

void
bench_enroll(struct bench_agent *a, size_t i)
{
	struct json_object	*req, *resp;
	const char		*id, *cert;
	char			*pem, *text, *keypath, *certpath, err[256];
	char			 seed[64], hex[DIGEST_SHA256_HEXLEN];
	int			 status;

	a->key = keys_generate();
	snprintf(seed, sizeof(seed), "%s machine %zu", benv.prog, i);
	digest_sha256_hex(seed, strlen(seed), hex);
	memcpy(a->machine_id, hex, 32);
	a->machine_id[32] = '\0';

	pem = keys_public_to_pem(a->key);
	req = json_object_new_object();
	jsonutil_set_string(req, "token", benv.token);
	jsonutil_set_string(req, "public_key", pem);
	snprintf(seed, sizeof(seed), "bench-%03zu", i);
	jsonutil_set_string(req, "hostname", seed);
	jsonutil_set_string(req, "machine_id", a->machine_id);
	status = bench_https_call(benv.anon, "POST", "/v1/enroll",
	    jsonutil_to_string(req, 0), &text);
	json_object_put(req);
	free(pem);
	if (status != 201)
		bench_fail("enrolling agent %zu: status %d: %s", i, status,
		    text ? text : "no answer");
	if ((resp = jsonutil_parse(text, strlen(text), err,
	    sizeof(err))) == NULL ||
	    jsonutil_get_string(resp, "agent_id", &id) == -1 ||
	    jsonutil_get_string(resp, "certificate", &cert) == -1)
		bench_fail("enrolling agent %zu: bad answer: %s", i, text);
	snprintf(a->id, sizeof(a->id), "%s", id);
	keypath = xasprintf("%s/agent-%zu.key", benv.dir, i);
	certpath = xasprintf("%s/agent-%zu.pem", benv.dir, i);
	if (keys_save_private(keypath, a->key) == -1)
		bench_fail("%s: %s", keypath, strerror(errno));
	bench_write_file(certpath, cert);
	if ((a->ctx = tls_client_ctx(benv.ca, certpath, keypath, err,
	    sizeof(err))) == NULL)
		bench_fail("agent %zu: %s", i, err);
	json_object_put(resp);
	free(text);
	free(keypath);
	free(certpath);
}

/* --- documents ------------------------------------------------------------ */

/* A full section: the digest of {"sources":...,"data":...} exactly as
 * sent, then those same bytes. */
char *
bench_section_full(const char *hashed)
{
	char	hex[DIGEST_SHA256_HEXLEN];

	digest_sha256_hex(hashed, strlen(hashed), hex);
	return xasprintf("{\"digest\":\"sha256:%s\",%s", hex, hashed + 1);
}

/* Check a document's section digests the way the daemon recomputes them
 * (json-c, compact, no slash escaping): with independent code, so that a
 * mistake here shows up before the timed phase, not as 400s in it. */
void
bench_check_document(const char *doc, size_t len)
{
	struct json_object	*o, *sections, *holder, *v;
	const char		*digest, *body;
	char			 hex[DIGEST_SHA256_HEXLEN], err[256];

	if ((o = jsonutil_parse(doc, len, err, sizeof(err))) == NULL)
		bench_fail("generated document is not JSON: %s", err);
	if (jsonutil_get_object(o, "sections", &sections) == -1)
		bench_fail("generated document has no sections");
	json_object_object_foreach(sections, name, sec) {
		holder = json_object_new_object();
		(void)json_object_object_get_ex(sec, "sources", &v);
		jsonutil_set(holder, "sources", json_object_get(v));
		(void)json_object_object_get_ex(sec, "data", &v);
		jsonutil_set(holder, "data", json_object_get(v));
		body = jsonutil_to_string(holder, 0);
		digest_sha256_hex(body, strlen(body), hex);
		if (jsonutil_get_string(sec, "digest", &digest) == -1 ||
		    strcmp(digest + 7, hex) != 0)
			bench_fail("section %s: digest %s, recomputed %s", name,
			    digest, hex);
		json_object_put(holder);
	}
	json_object_put(o);
}

/* --- figures -------------------------------------------------------------- */

int
bench_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
bench_percentile(const double *v, size_t n, double p)
{
	size_t	i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}
