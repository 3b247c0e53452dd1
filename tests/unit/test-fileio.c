/*
 * Unit tests for common/fileio.c: bounded whole-file reads and atomic
 * whole-file writes, in a temporary directory.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "xmalloc.h"

static char	 dir[] = "/tmp/exhibit-test-fileio.XXXXXX";
static int	 fds_before;

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

/* Entries in the test directory, "." and ".." aside. */
static int
count_entries(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

static int
rm_entry(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (type == FTW_DP ? rmdir(p) : unlink(p)) == -1 ? -1 : 0;
}

static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_entry, 16, FTW_DEPTH|FTW_PHYS);
}

/* Each test starts with an empty directory and leaves no fd open. */
static int
test_setup(void **state)
{
	(void)state;
	fds_before = count_fds();
	return 0;
}

static int
test_teardown(void **state)
{
	DIR		*d;
	struct dirent	*de;
	char		*p;
	int		 now = count_fds();

	(void)state;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		nftw(p, rm_entry, 16, FTW_DEPTH|FTW_PHYS);
		free(p);
	}
	closedir(d);
	if (now != fds_before) {
		fprintf(stderr, "fd leak: %d open before, %d after\n",
		    fds_before, now);
		return -1;
	}
	return 0;
}

static char *
tpath(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
put(const char *name, const void *data, size_t len)
{
	char	*p = tpath(name);
	int	 fd;

	fd = open(p, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(p);
}

static void
expect_read(const char *path, size_t max, const void *want, size_t wantlen)
{
	char	*buf;
	size_t	 len;

	if (fileio_read_path(path, max, &buf, &len) == -1)
		fail_msg("%s: %s", path, strerror(errno));
	assert_non_null(buf);
	assert_int_equal(len, wantlen);
	assert_memory_equal(buf, want, wantlen);
	assert_int_equal(buf[len], '\0');
	free(buf);
}

static void
expect_read_error(const char *path, size_t max, int want_errno)
{
	char	*buf = (char *)1;
	size_t	 len = 1;

	errno = 0;
	assert_int_equal(fileio_read_path(path, max, &buf, &len), -1);
	if (errno != want_errno)
		fail_msg("%s: %s, wanted %s", path, strerror(errno),
		    strerror(want_errno));
	assert_null(buf);
	assert_int_equal(len, 0);
}

static void
test_read_small(void **state)
{
	char	*p = tpath("small"), *buf;

	(void)state;
	put("small", "hello\n", 6);
	expect_read(p, 100, "hello\n", 6);
	expect_read(p, 6, "hello\n", 6);
	expect_read_error(p, 5, EFBIG);
	expect_read_error(p, 0, EFBIG);

	/* len may be NULL when only the string is wanted. */
	assert_int_equal(fileio_read_path(p, 100, &buf, NULL), 0);
	assert_string_equal(buf, "hello\n");
	free(buf);
	free(p);
}

static void
test_read_empty(void **state)
{
	char	*p = tpath("empty");

	(void)state;
	put("empty", "", 0);
	expect_read(p, 100, "", 0);
	expect_read(p, 0, "", 0);
	free(p);
}

static void
test_read_large(void **state)
{
	const size_t	 n = 100000;
	char		*data, *p = tpath("large");
	size_t		 i;

	(void)state;
	data = xmalloc(n);
	for (i = 0; i < n; i++)
		data[i] = 'a' + i % 26;
	put("large", data, n);
	expect_read(p, n, data, n);
	expect_read(p, SIZE_MAX, data, n);
	expect_read_error(p, n - 1, EFBIG);
	expect_read_error(p, 8191, EFBIG);
	free(data);
	free(p);
}

static void
test_read_errors(void **state)
{
	char	*p = tpath("missing");

	(void)state;
	expect_read_error(dir, 100, EISDIR);
	expect_read_error(p, 100, ENOENT);
	expect_read_error("", 100, ENOENT);
	free(p);
}

/* /proc says 0 bytes and has more: the size must not be trusted. */
static void
test_read_proc(void **state)
{
	struct stat	 st;
	char		*buf;
	size_t		 len;

	(void)state;
	assert_int_equal(stat("/proc/self/status", &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(fileio_read_path("/proc/self/status", 1 << 20, &buf,
	    &len), 0);
	assert_true(len > 0);
	assert_int_equal(strlen(buf), len);
	assert_non_null(strstr(buf, "Name:"));
	assert_non_null(strstr(buf, "Pid:"));
	free(buf);
	expect_read_error("/proc/self/status", 10, EFBIG);
}

/* A pipe has no size at all and arrives in pieces. */
static void
test_read_pipe(void **state)
{
	const size_t	 n = 20000;
	char		*data, *buf;
	size_t		 i, len;
	int		 p[2];

	(void)state;
	data = xmalloc(n);
	for (i = 0; i < n; i++)
		data[i] = '0' + i % 10;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(write(p[1], data, n), (ssize_t)n);
	close(p[1]);
	assert_int_equal(fileio_read_fd(p[0], n, &buf, &len), 0);
	assert_int_equal(len, n);
	assert_memory_equal(buf, data, n);
	free(buf);
	close(p[0]);

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(write(p[1], data, n), (ssize_t)n);
	close(p[1]);
	errno = 0;
	assert_int_equal(fileio_read_fd(p[0], n - 1, &buf, &len), -1);
	assert_int_equal(errno, EFBIG);
	close(p[0]);

	free(data);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* A signal in the middle of a read is not an error. */
static void
test_read_eintr(void **state)
{
	struct sigaction	 sa, old;
	struct itimerval	 it;
	char			*buf;
	size_t			 len;
	pid_t			 pid;
	int			 p[2], status;

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;	/* no SA_RESTART: read gets EINTR */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		usleep(300000);
		if (write(p[1], "late\n", 5) != 5)
			_exit(1);
		_exit(0);
	}
	assert_true(pid > 0);
	close(p[1]);

	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = 50000;
	it.it_interval.tv_usec = 50000;
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	assert_int_equal(fileio_read_fd(p[0], 100, &buf, &len), 0);
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old, NULL);

	assert_int_equal(len, 5);
	assert_string_equal(buf, "late\n");
	free(buf);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The fd is read from where it is, and left open. */
static void
test_read_fd_offset(void **state)
{
	char	*p = tpath("offset"), *buf;
	size_t	 len;
	int	 fd;

	(void)state;
	put("offset", "0123456789", 10);
	fd = open(p, O_RDONLY|O_CLOEXEC);
	assert_true(fd != -1);
	assert_int_equal(lseek(fd, 4, SEEK_SET), 4);
	assert_int_equal(fileio_read_fd(fd, 6, &buf, &len), 0);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "456789");
	free(buf);
	assert_int_equal(close(fd), 0);
	free(p);
}

static void
test_write_creates(void **state)
{
	struct stat	 st;
	char		*p = tpath("new");
	mode_t		 old;

	(void)state;
	/* The mode is exactly as asked, whatever the umask says. */
	old = umask(0777);
	assert_int_equal(fileio_write_atomic(p, "abc", 3, 0640), 0);
	umask(old);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	expect_read(p, 100, "abc", 3);
	assert_int_equal(count_entries(), 1);

	old = umask(022);
	assert_int_equal(fileio_write_atomic(p, "abc", 3, 0666), 0);
	umask(old);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0666);
	assert_int_equal(fileio_write_atomic(p, "abc", 3, 0600), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(), 1);
	free(p);
}

static void
test_write_replaces(void **state)
{
	struct stat	 before, after;
	char		*p = tpath("conf"), *big;
	size_t		 i;
	int		 fd;

	(void)state;
	put("conf", "old content that is longer\n", 27);
	assert_int_equal(stat(p, &before), 0);

	/* A reader holding the old file keeps seeing the old file. */
	fd = open(p, O_RDONLY|O_CLOEXEC);
	assert_true(fd != -1);
	assert_int_equal(fileio_write_atomic(p, "new\n", 4, 0644), 0);
	assert_int_equal(stat(p, &after), 0);
	assert_true(before.st_ino != after.st_ino);
	expect_read(p, 100, "new\n", 4);
	close(fd);

	assert_int_equal(fileio_write_atomic(p, "", 0, 0644), 0);
	expect_read(p, 100, "", 0);

	big = xmalloc(1 << 20);
	for (i = 0; i < 1 << 20; i++)
		big[i] = i * 7;
	assert_int_equal(fileio_write_atomic(p, big, 1 << 20, 0644), 0);
	expect_read(p, 1 << 20, big, 1 << 20);
	free(big);

	assert_int_equal(count_entries(), 1);
	free(p);
}

/* A symlink at the path is replaced, not written through. */
static void
test_write_over_symlink(void **state)
{
	struct stat	 st;
	char		*p = tpath("link"), *t = tpath("target");

	(void)state;
	put("target", "target\n", 7);
	assert_int_equal(symlink("target", p), 0);
	assert_int_equal(fileio_write_atomic(p, "mine\n", 5, 0644), 0);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	expect_read(t, 100, "target\n", 7);
	expect_read(p, 100, "mine\n", 5);
	assert_int_equal(count_entries(), 2);
	free(p);
	free(t);
}

static void
test_write_fails_cleanly(void **state)
{
	char	*p, *sub;

	(void)state;
	p = xasprintf("%s/nodir/file", dir);
	errno = 0;
	assert_int_equal(fileio_write_atomic(p, "x", 1, 0644), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(count_entries(), 0);
	free(p);

	/* The rename fails: the temporary file must not stay behind. */
	sub = tpath("adir");
	assert_int_equal(mkdir(sub, 0755), 0);
	p = tpath("adir/inner");
	put("adir/inner", "x", 1);
	errno = 0;
	assert_int_equal(fileio_write_atomic(sub, "x", 1, 0644), -1);
	assert_true(errno == EISDIR || errno == ENOTEMPTY ||
	    errno == EEXIST);
	assert_int_equal(count_entries(), 1);
	free(p);

	/* "dir/" names no file. */
	p = xasprintf("%s/", dir);
	errno = 0;
	assert_int_equal(fileio_write_atomic(p, "x", 1, 0644), -1);
	assert_int_equal(errno, EISDIR);
	free(p);
	errno = 0;
	assert_int_equal(fileio_write_atomic("", "x", 1, 0644), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(count_entries(), 1);

	/* The parent is a file. */
	p = tpath("adir/inner/x");
	errno = 0;
	assert_int_equal(fileio_write_atomic(p, "x", 1, 0644), -1);
	assert_int_equal(errno, ENOTDIR);
	free(p);
	free(sub);
}

static void
test_write_long_name(void **state)
{
	char	name[NAME_MAX + 1], *p;

	(void)state;
	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	p = tpath(name);
	assert_int_equal(fileio_write_atomic(p, "long\n", 5, 0644), 0);
	expect_read(p, 100, "long\n", 5);
	assert_int_equal(count_entries(), 1);
	free(p);
}

static void
test_write_relative(void **state)
{
	char	cwd[PATH_MAX];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(fileio_write_atomic("rel", "rel\n", 4, 0644), 0);
	expect_read("rel", 100, "rel\n", 4);
	assert_int_equal(fileio_sync_parent("rel"), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(count_entries(), 1);
}

static void
test_sync_parent(void **state)
{
	char	*p;

	(void)state;
	p = tpath("whatever");
	assert_int_equal(fileio_sync_parent(p), 0);
	free(p);
	p = xasprintf("%s//", dir);
	assert_int_equal(fileio_sync_parent(p), 0);
	free(p);
	assert_int_equal(fileio_sync_parent("/tmp"), 0);
	assert_int_equal(fileio_sync_parent("/"), 0);
	assert_int_equal(fileio_sync_parent("x"), 0);

	p = tpath("nodir/file");
	errno = 0;
	assert_int_equal(fileio_sync_parent(p), -1);
	assert_int_equal(errno, ENOENT);
	free(p);
	put("file", "", 0);
	p = tpath("file/x");
	errno = 0;
	assert_int_equal(fileio_sync_parent(p), -1);
	assert_int_equal(errno, ENOTDIR);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
		T(test_read_small),
		T(test_read_empty),
		T(test_read_large),
		T(test_read_errors),
		T(test_read_proc),
		T(test_read_pipe),
		T(test_read_eintr),
		T(test_read_fd_offset),
		T(test_write_creates),
		T(test_write_replaces),
		T(test_write_over_symlink),
		T(test_write_fails_cleanly),
		T(test_write_long_name),
		T(test_write_relative),
		T(test_sync_parent),
#undef T
	};

	return cmocka_run_group_tests_name("fileio", tests, group_setup,
	    group_teardown);
}
