/*
 * Unit tests for common/sdnotify.c: the datagrams systemd would read,
 * received on sockets bound here (a path in a temporary directory and
 * an abstract name), and the cases where nothing must be sent.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sdnotify.h"
#include "tmpdir.h"
#include "xmalloc.h"

static char	 dir[] = "/tmp/exhibit-test-sdnotify.XXXXXX";

/* A datagram socket bound to name ("@..." abstract), or -1. */
static int
listen_on(const char *name)
{
	struct sockaddr_un	sa;
	socklen_t		slen;
	size_t			len = strlen(name);
	int			fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(len < sizeof(sa.sun_path));
	memcpy(sa.sun_path, name, len);
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	if (name[0] == '@') {
		sa.sun_path[0] = '\0';
		slen--;		/* the name's length is all there is */
	}
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, slen) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The next datagram, already queued (sendto on AF_UNIX is synchronous),
 * or NULL when there is none. */
static char *
receive(int fd)
{
	char	buf[8192];
	ssize_t	n;

	if ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) == -1) {
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		return NULL;
	}
	buf[n] = '\0';
	return xstrdup(buf);
}

static void
expect_datagram(int fd, const char *want)
{
	char	*got = receive(fd);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_nothing(int fd)
{
	assert_null(receive(fd));
}

static int
setup(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return 0;
}

static void
test_unset_is_noop(void **state)
{
	(void)state;
	assert_int_equal(sdnotify_send("READY=1"), 0);
	assert_int_equal(sdnotify_sendf("STATUS=%d", 1), 0);
	assert_int_equal(sdnotify_reloading(), 0);
	assert_int_equal(sdnotify_watchdog_kick(), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(sdnotify_send("READY=1"), 0);
}

static void
test_path_socket(void **state)
{
	char	*path = xasprintf("%s/notify", dir);
	int	 fd = listen_on(path);

	(void)state;
	assert_true(fd != -1);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sdnotify_send("READY=1"), 0);
	expect_datagram(fd, "READY=1");
	assert_int_equal(sdnotify_send("READY=1\nSTATUS=serving on "
	    "127.0.0.1:8443"), 0);
	expect_datagram(fd, "READY=1\nSTATUS=serving on 127.0.0.1:8443");
	assert_int_equal(sdnotify_sendf("STOPPING=1\nSTATUS=%s, %d left",
	    "draining", 3), 0);
	expect_datagram(fd, "STOPPING=1\nSTATUS=draining, 3 left");
	expect_nothing(fd);
	close(fd);
	unlink(path);

	/* Nobody bound there any more: an error, not a crash. */
	errno = 0;
	assert_int_equal(sdnotify_send("READY=1"), -1);
	assert_true(errno == ENOENT || errno == ECONNREFUSED);
	free(path);
}

static void
test_abstract_socket(void **state)
{
	char	*name = xasprintf("@exhibit-test-sdnotify-%ld-%ld",
		    (long)getpid(), (long)time(NULL));
	int	 fd = listen_on(name);

	(void)state;
	assert_true(fd != -1);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify_send("READY=1"), 0);
	expect_datagram(fd, "READY=1");
	/* The name is exact: no trailing NUL makes it another socket. */
	name[strlen(name) - 1] = '\0';
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify_send("READY=1"), -1);
	expect_nothing(fd);
	close(fd);
	free(name);
}

static void
test_bad_addresses(void **state)
{
	struct sockaddr_un	 sa;
	char			 name[sizeof(sa.sun_path) + 2];

	(void)state;
	/* sun_path holds 107 characters and the NUL. */
	memset(name, 'x', sizeof(name) - 1);
	name[0] = '/';
	name[sizeof(sa.sun_path)] = '\0';
	setenv("NOTIFY_SOCKET", name, 1);
	errno = 0;
	assert_int_equal(sdnotify_send("READY=1"), -1);
	assert_int_equal(errno, ENAMETOOLONG);

	/* An abstract name needs no NUL: 108 bytes with the "@" fit,
	 * 109 do not. */
	name[0] = '@';
	name[sizeof(sa.sun_path) + 1] = '\0';
	name[sizeof(sa.sun_path)] = 'x';
	setenv("NOTIFY_SOCKET", name, 1);
	errno = 0;
	assert_int_equal(sdnotify_send("READY=1"), -1);
	assert_int_equal(errno, ENAMETOOLONG);

	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	errno = 0;
	assert_int_equal(sdnotify_send("READY=1"), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	setenv("NOTIFY_SOCKET", "relative/notify", 1);
	assert_int_equal(sdnotify_send("READY=1"), -1);
}

static void
test_too_long_message(void **state)
{
	char	*path = xasprintf("%s/notify", dir);
	char	*big = xmalloc(5000);
	int	 fd = listen_on(path);

	(void)state;
	assert_true(fd != -1);
	setenv("NOTIFY_SOCKET", path, 1);
	memset(big, 'x', 4999);
	big[4999] = '\0';
	errno = 0;
	assert_int_equal(sdnotify_sendf("STATUS=%s", big), -1);
	assert_int_equal(errno, EMSGSIZE);
	expect_nothing(fd);
	close(fd);
	unlink(path);
	free(big);
	free(path);
}

static void
test_reloading(void **state)
{
	char		*path = xasprintf("%s/notify", dir);
	char		*got, *end;
	struct timespec	 ts;
	uint64_t	 before, v;
	int		 fd = listen_on(path);

	(void)state;
	assert_true(fd != -1);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	before = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	assert_int_equal(sdnotify_reloading(), 0);
	assert_non_null(got = receive(fd));
	assert_int_equal(strncmp(got, "RELOADING=1\nMONOTONIC_USEC=", 27), 0);
	v = strtoull(got + 27, &end, 10);
	assert_true(*end == '\0' && end != got + 27);
	assert_true(v >= before && v - before < 10 * 1000000);
	free(got);
	close(fd);
	unlink(path);
	free(path);
}

static void
test_watchdog_usec(void **state)
{
	char	pid[32];

	(void)state;
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "30000000", 1);
	assert_int_equal(sdnotify_watchdog_usec(), 30000000);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog_usec(), 30000000);
	/* Another process's watchdog, inherited: not ours to feed. */
	snprintf(pid, sizeof(pid), "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	setenv("WATCHDOG_PID", "12x", 1);
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "soon", 1);
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "-5", 1);
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "", 1);
	assert_int_equal(sdnotify_watchdog_usec(), 0);
}

static void
test_watchdog_kick(void **state)
{
	char		*path = xasprintf("%s/notify", dir);
	struct timespec	 ts = { 0, 30 * 1000 * 1000 };
	int		 fd = listen_on(path);

	(void)state;
	assert_true(fd != -1);
	setenv("NOTIFY_SOCKET", path, 1);
	/* No watchdog: nothing, however often it is called. */
	assert_int_equal(sdnotify_watchdog_kick(), 0);
	expect_nothing(fd);

	setenv("WATCHDOG_USEC", "40000", 1);	/* 40 ms */
	assert_int_equal(sdnotify_watchdog_kick(), 0);
	expect_datagram(fd, "WATCHDOG=1");
	/* Within half the interval: not again. */
	setenv("WATCHDOG_USEC", "3600000000", 1);
	assert_int_equal(sdnotify_watchdog_kick(), 0);
	expect_nothing(fd);
	/* Half of 40 ms has passed after 30 ms. */
	setenv("WATCHDOG_USEC", "40000", 1);
	nanosleep(&ts, NULL);
	assert_int_equal(sdnotify_watchdog_kick(), 0);
	expect_datagram(fd, "WATCHDOG=1");
	close(fd);
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unset_is_noop, setup),
		cmocka_unit_test_setup(test_path_socket, setup),
		cmocka_unit_test_setup(test_abstract_socket, setup),
		cmocka_unit_test_setup(test_bad_addresses, setup),
		cmocka_unit_test_setup(test_too_long_message, setup),
		cmocka_unit_test_setup(test_reloading, setup),
		cmocka_unit_test_setup(test_watchdog_usec, setup),
		cmocka_unit_test_setup(test_watchdog_kick, setup),
	};
	int	rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (tmpdir_remove(dir) == -1)
		rc = 1;
	return rc;
}
