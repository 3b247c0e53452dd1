/* Unit tests for agent/spool.c, crash safety included. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spool.h"
#include "tmpdir.h"
#include "xmalloc.h"

static char	dir[64];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/test-spool.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* A recognisable body for seq: its own number repeated, so a torn or
 * mixed-up file shows. */
static char *
body(uint64_t seq, size_t *len)
{
	size_t	 n = 1000 + (size_t)(seq % 7) * 3000, i;
	char	*b = xmalloc(n + 1), num[32];

	snprintf(num, sizeof(num), "[%" PRIu64 "]", seq);
	for (i = 0; i < n; i++)
		b[i] = num[i % strlen(num)];
	b[n] = '\0';
	*len = n;
	return b;
}

static void
test_order_and_removal(void **state)
{
	struct spool	*sp;
	char		 err[256], *d, *want, *spdir;
	size_t		 len, wlen;
	uint64_t	 seq;

	spdir = xasprintf("%s/spool", dir);
	sp = spool_open(spdir, err, sizeof(err));
	assert_non_null(sp);
	assert_int_equal(spool_oldest(sp, &seq, &d, &len), 1);
	/* Out of order puts come out in seq order. */
	for (seq = 5; seq >= 3; seq--) {
		want = body(seq, &wlen);
		assert_int_equal(spool_put(sp, seq, want, wlen), 0);
		free(want);
	}
	want = body(40, &wlen);
	assert_int_equal(spool_put(sp, 40, want, wlen), 0);
	assert_int_equal(spool_put(sp, 40, "x", 1), -1);
	assert_int_equal(errno, EEXIST);
	free(want);
	assert_int_equal(spool_count(sp), 4);

	assert_int_equal(spool_oldest(sp, &seq, &d, &len), 0);
	assert_int_equal(seq, 3);
	want = body(3, &wlen);
	assert_int_equal(len, wlen);
	assert_memory_equal(d, want, len);
	free(want);
	free(d);
	assert_int_equal(spool_remove(sp, 3), 0);
	assert_int_equal(spool_remove(sp, 3), -1);
	assert_int_equal(spool_oldest(sp, &seq, &d, &len), 0);
	assert_int_equal(seq, 4);
	free(d);
	spool_close(sp);

	/* Reopened, the directory is the truth. */
	sp = spool_open(spdir, err, sizeof(err));
	assert_int_equal(spool_count(sp), 3);
	assert_int_equal(spool_oldest(sp, &seq, &d, &len), 0);
	assert_int_equal(seq, 4);
	free(d);
	assert_int_equal(spool_bytes(sp), 1000 + 4 * 3000 + 1000 + 5 * 3000 +
	    1000 + 5 * 3000);
	spool_close(sp);
	free(spdir);
}

static void
test_leftovers(void **state)
{
	struct spool	*sp;
	char		 err[256], *path, *spdir;
	FILE		*f;
	struct stat	 st;

	spdir = xasprintf("%s/spool", dir);
	assert_int_equal(mkdir(spdir, 0700), 0);
	/* An interrupted atomic write and a stranger. */
	path = xasprintf("%s/.00000000000000000009.env.Ab12Cd", spdir);
	f = fopen(path, "w");
	fputs("half an envel", f);
	fclose(f);
	free(path);
	path = xasprintf("%s/notes.txt", spdir);
	f = fopen(path, "w");
	fclose(f);
	sp = spool_open(spdir, err, sizeof(err));
	assert_non_null(sp);
	assert_int_equal(spool_count(sp), 0);
	/* The temporary is gone; what we do not own is left alone. */
	assert_int_equal(stat(path, &st), 0);
	spool_close(sp);
	free(path);
	path = xasprintf("%s/.00000000000000000009.env.Ab12Cd", spdir);
	assert_int_equal(stat(path, &st), -1);
	free(path);
	assert_int_equal(stat(spdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(spdir);
}

static void
wait_for_files(const char *spdir, size_t want)
{
	struct timespec	 ts = { 0, 1000000 };
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0;
	int		 i;

	for (i = 0; i < 20000 && n < want; i++) {
		n = 0;
		if ((d = opendir(spdir)) != NULL) {
			while ((de = readdir(d)) != NULL)
				n += de->d_name[0] != '.';
			closedir(d);
		}
		nanosleep(&ts, NULL);
	}
}

/*
 * kill -9 a writer in the middle of a burst: every file in the spool
 * afterwards is one complete envelope for its seq, nothing torn.
 */
static void
test_crash_during_writes(void **state)
{
	struct spool	*sp;
	struct timespec	 ts;
	char		 err[256], *d, *want, *spdir;
	size_t		 len, wlen, round;
	uint64_t	 seq, count;
	pid_t		 pid;
	int		 status;

	spdir = xasprintf("%s/spool", dir);
	for (round = 0; round < 5; round++) {
		if ((pid = fork()) == 0) {
			sp = spool_open(spdir, err, sizeof(err));
			for (seq = round * 1000; ; seq++) {
				want = body(seq, &wlen);
				if (spool_put(sp, seq, want, wlen) == -1)
					_exit(3);
				free(want);
			}
		}
		/* Let it write a few (fsync speed varies a lot between
		 * machines), then kill it at some point of the next ones. */
		wait_for_files(spdir, 3);
		ts.tv_sec = 0;
		ts.tv_nsec = (long)round * 3000000;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));

		sp = spool_open(spdir, err, sizeof(err));
		assert_non_null(sp);
		count = 0;
		while (spool_oldest(sp, &seq, &d, &len) == 0) {
			want = body(seq, &wlen);
			if (len != wlen || memcmp(d, want, len) != 0)
				fail_msg("round %zu: seq %" PRIu64 " torn "
				    "(%zu bytes, want %zu)", round, seq, len,
				    wlen);
			free(want);
			free(d);
			assert_int_equal(spool_remove(sp, seq), 0);
			count++;
		}
		/* The writer got somewhere, or the test tests nothing. */
		assert_true(count > 0);
		spool_close(sp);
	}
	free(spdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_removal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_during_writes, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}
