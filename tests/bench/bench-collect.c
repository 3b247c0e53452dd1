/*
 * Footprint of a full evidence collection: CPU time and peak RSS of
 * "exhibit-agent collect" on a fixture root with 3,000 installed packages
 * (and apt lists offering upgrades for a tenth of them), then on this
 * machine's own root.  Each is measured two ways: the whole process (exec,
 * dynamic linking and all, as a person running collect sees it) and the
 * collection alone, in process, as the agent's service runs it on its
 * schedule.  Prints figures; asserts nothing.
 *
 * usage: bench-collect AGENT FIXTURE-DIR [RUNS]
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "evidence.h"
#include "hostroot.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NPKGS	3000

struct sample {
	double	cpu_ms;		/* user + system */
	double	wall_ms;
	long	maxrss_kib;
	size_t	out_bytes;
};

static void
write_status(const char *root)
{
	char	 path[4096];
	FILE	*f, *l;
	int	 i;

	snprintf(path, sizeof(path), "mkdir -p %s/var/lib/dpkg "
	    "%s/var/lib/apt/lists", root, root);
	if (system(path) != 0)
		exit(1);
	snprintf(path, sizeof(path), "%s/var/lib/dpkg/status", root);
	if ((f = fopen(path, "w")) == NULL)
		exit(1);
	snprintf(path, sizeof(path), "%s/var/lib/apt/lists/deb.debian.org_"
	    "debian_dists_bookworm_main_binary-amd64_Packages", root);
	if ((l = fopen(path, "w")) == NULL)
		exit(1);
	for (i = 0; i < NPKGS; i++) {
		/* Stanzas about as long as real ones, descriptions included. */
		fprintf(f, "Package: pkg%04d-lib\n"
		    "Status: install ok installed\n"
		    "Priority: optional\nSection: libs\n"
		    "Installed-Size: %d\n"
		    "Maintainer: Debian Maintainers <maint@example.org>\n"
		    "Architecture: amd64\nMulti-Arch: same\n"
		    "Source: pkg%04d (1.%d.0-1)\n"
		    "Version: 1.%d.0-1+deb12u1\n"
		    "Depends: libc6 (>= 2.34), libssl3 (>= 3.0.0)\n"
		    "Description: synthetic package number %d\n"
		    " A longer description, as real packages carry, spread over\n"
		    " several continuation lines that the parser must skip.\n"
		    " .\n This is the last line.\n\n",
		    i, 100 + i, i, i % 50, i % 50, i);
		fprintf(l, "Package: pkg%04d-lib\nArchitecture: amd64\n"
		    "Version: 1.%d.%d-1+deb12u1\nSection: libs\n"
		    "Description: synthetic\n\n", i, i % 50, i % 10 == 0 ? 1 : 0);
	}
	fclose(f);
	fclose(l);
}

static int
run_once(const char *agent, const char *root, struct sample *s)
{
	struct rusage	ru;
	struct timeval	t0, t1;
	struct stat	st;
	char		out[] = "/tmp/bench-collect-out.XXXXXX";
	pid_t		pid;
	int		status, fd;

	if ((fd = mkstemp(out)) == -1)
		return -1;
	gettimeofday(&t0, NULL);
	if ((pid = fork()) == 0) {
		dup2(fd, STDOUT_FILENO);
		execl(agent, agent, "collect", "--root", root, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	gettimeofday(&t1, NULL);
	if (stat(out, &st) == 0)
		s->out_bytes = (size_t)st.st_size;
	unlink(out);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	s->cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	s->wall_ms = (t1.tv_sec - t0.tv_sec) * 1e3 +
	    (t1.tv_usec - t0.tv_usec) / 1e3;
	s->maxrss_kib = ru.ru_maxrss;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
measure(const char *label, const char *agent, const char *root, int runs)
{
	struct sample	s;
	double		*cpu = calloc((size_t)runs, sizeof(double));
	long		 rss = 0;
	size_t		 bytes = 0;
	int		 i, ok = 0;

	for (i = 0; i < runs; i++) {
		memset(&s, 0, sizeof(s));
		if (run_once(agent, root, &s) == -1) {
			printf("%s: run %d failed\n", label, i);
			continue;
		}
		cpu[ok++] = s.cpu_ms;
		if (s.maxrss_kib > rss)
			rss = s.maxrss_kib;
		bytes = s.out_bytes;
	}
	if (ok == 0) {
		free(cpu);
		return;
	}
	qsort(cpu, (size_t)ok, sizeof(double), cmp_double);
	printf("%-34s runs %3d  cpu median %6.1f ms  min %6.1f ms  max %6.1f ms"
	    "  peak RSS %5.2f MiB  output %zu bytes\n", label, ok,
	    cpu[ok / 2], cpu[0], cpu[ok - 1], rss / 1024.0, bytes);
	free(cpu);
}

static double
cpu_now_ms(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* The collection alone: evidence_collect() in this process. */
static void
measure_in_process(const char *label, const char *root, int runs)
{
	struct hostroot	*hr;
	double		*cpu = calloc((size_t)runs, sizeof(double)), t0;
	char		*doc;
	int		 i;

	/* One run first: libraries and caches warm, as in a service. */
	if ((hr = hostroot_open(root, 4 << 20)) == NULL)
		return;
	free(evidence_collect(hr, NULL, 0));
	hostroot_free(hr);
	for (i = 0; i < runs; i++) {
		t0 = cpu_now_ms();
		hr = hostroot_open(root, 4 << 20);
		doc = evidence_collect(hr, NULL, 0);
		hostroot_free(hr);
		cpu[i] = cpu_now_ms() - t0;
		free(doc);
	}
	qsort(cpu, (size_t)runs, sizeof(double), cmp_double);
	printf("%-34s runs %3d  cpu median %6.1f ms  min %6.1f ms  max %6.1f ms"
	    "  (collection only, in process)\n", label, runs, cpu[runs / 2],
	    cpu[0], cpu[runs - 1]);
	free(cpu);
}

int
main(int argc, char *argv[])
{
	char	root[] = "/tmp/bench-collect-root.XXXXXX", cmd[8192];
	int	runs;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-collect AGENT FIXTURE [RUNS]\n");
		return 2;
	}
	runs = argc > 3 ? atoi(argv[3]) : 20;
	if (mkdtemp(root) == NULL)
		return 1;
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s/'", argv[2], root);
	if (system(cmd) != 0)
		return 1;
	write_status(root);

	printf("bench-collect: %d runs each; targets for the fixture: under "
	    "30 ms CPU, under 8 MiB peak RSS\n", runs);
	measure("fixture, 3000 packages", argv[1], root, runs);
	measure_in_process("fixture, 3000 packages", root, runs);
	measure("--root / (this machine)", argv[1], "/", runs);
	measure_in_process("--root / (this machine)", "/", runs);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : 1;
}
