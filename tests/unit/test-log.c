/* Unit tests for common/log.c: formats, verbosity, destinations, fatal. */
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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

struct capture {
	char	path[64];
	int	saved;
	int	fd;
};

/* Send stderr to a temporary file for the duration of one test. */
static int
setup(void **state)
{
	static struct capture	c;

	strcpy(c.path, "/tmp/test-log.XXXXXX");
	if ((c.fd = mkstemp(c.path)) == -1)
		return -1;
	fflush(stderr);
	c.saved = dup(STDERR_FILENO);
	dup2(c.fd, STDERR_FILENO);
	unsetenv("JOURNAL_STREAM");
	*state = &c;
	return 0;
}

static int
teardown(void **state)
{
	struct capture	*c = *state;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	close(c->fd);
	unlink(c->path);
	return 0;
}

/* Everything written to stderr since setup, as a string. */
static const char *
captured(void **state)
{
	static char	 buf[8192];
	struct capture	*c = *state;
	ssize_t		 n;

	fflush(stderr);
	n = pread(c->fd, buf, sizeof(buf) - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void
test_stderr_format(void **state)
{
	log_init("/usr/sbin/exhibitd", 0, LOG_DEST_STDERR);
	log_warnx("plain %d", 1);
	log_info("info %s", "here");
	errno = ENOENT;
	log_warn("open %s", "/x");
	assert_string_equal(captured(state),
	    "exhibitd: plain 1\n"
	    "exhibitd: info here\n"
	    "exhibitd: open /x: No such file or directory\n");
	assert_int_equal(log_getdest(), LOG_DEST_STDERR);
}

static void
test_verbosity(void **state)
{
	log_init("t", 0, LOG_DEST_STDERR);
	log_debug("hidden");
	log_setverbose(1);
	assert_int_equal(log_getverbose(), 1);
	log_debug("shown %d", 2);
	assert_string_equal(captured(state), "t: shown 2\n");
}

static void
test_journal_prefix(void **state)
{
	log_init("t", 1, LOG_DEST_JOURNAL);
	log_warnx("w");
	log_info("i");
	log_debug("d");
	assert_string_equal(captured(state), "<4>w\n<6>i\n<7>d\n");
}

static void
test_auto_detects_journal(void **state)
{
	struct stat	st;
	char		env[64];

	/* JOURNAL_STREAM naming another stream: plain stderr. */
	setenv("JOURNAL_STREAM", "1:2", 1);
	log_init("t", 0, LOG_DEST_AUTO);
	assert_int_equal(log_getdest(), LOG_DEST_STDERR);

	/* Naming our stderr: journal prefixes. */
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_init("t", 0, LOG_DEST_AUTO);
	assert_int_equal(log_getdest(), LOG_DEST_JOURNAL);
	log_warnx("x");
	assert_string_equal(captured(state), "<4>x\n");
	unsetenv("JOURNAL_STREAM");
}

static void
test_errno_preserved(void **state)
{
	log_init("t", 1, LOG_DEST_STDERR);
	errno = EACCES;
	log_warnx("a");
	log_info("b");
	log_warn("c");
	assert_int_equal(errno, EACCES);
}

static void
test_fatal_exits(void **state)
{
	pid_t	pid;
	int	status;

	log_init("t", 0, LOG_DEST_STDERR);
	if ((pid = fork()) == 0) {
		errno = EPERM;
		fatal("cannot %s", "continue");
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	if ((pid = fork()) == 0)
		fatalx("bad %d", 7);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_string_equal(captured(state),
	    "t: cannot continue: Operation not permitted\nt: bad 7\n");
}

static void
test_long_message_truncated(void **state)
{
	char	big[6000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init("t", 0, LOG_DEST_STDERR);
	log_warnx("%s", big);
	/* Truncated to the line buffer, still one terminated line. */
	assert_int_equal(strlen(captured(state)), strlen("t: ") + 4095 + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stderr_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verbosity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_detects_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errno_preserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fatal_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_message_truncated, setup, teardown),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
