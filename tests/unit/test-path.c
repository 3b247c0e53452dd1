/*
 * Unit tests for common/path.c: path_join, and path_open_in_root against a
 * tree built to try to get out of its root.  Where the kernel has openat2
 * with RESOLVE_IN_ROOT it is used as a second opinion.
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
#include <sys/syscall.h>
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

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "path.h"
#include "xmalloc.h"

#define CHAIN_LEN	(PATH_MAX_SYMLINKS + 1)
#define DEEP_LEVELS	(PATH_MAX_DEPTH + 20)

static char	 base[] = "/tmp/exhibit-test-path.XXXXXX";
static char	*rootdir;
static int	 rootfd = -1;
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

static void
mkfile(const char *rel, const char *content)
{
	int	fd;

	fd = openat(rootfd, rel, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, content, strlen(content)),
	    (ssize_t)strlen(content));
	close(fd);
}

static void
mkdir_in(const char *rel)
{
	assert_int_equal(mkdirat(rootfd, rel, 0755), 0);
}

static void
mklink(const char *target, const char *rel)
{
	assert_int_equal(symlinkat(target, rootfd, rel), 0);
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
	char	*secret, *p, name[16], target[16];
	size_t	 i;
	int	 fd, dfd;

	(void)state;
	/* The group runs twice: a fresh template each time. */
	strcpy(base, "/tmp/exhibit-test-path.XXXXXX");
	if (mkdtemp(base) == NULL)
		return -1;
	rootdir = path_join(base, "root");
	if (mkdir(rootdir, 0755) == -1)
		return -1;
	if ((rootfd = open(rootdir, O_PATH|O_DIRECTORY|O_CLOEXEC)) == -1)
		return -1;

	/* Something outside the root that no path may reach. */
	secret = path_join(base, "secret");
	fd = open(secret, O_WRONLY|O_CREAT|O_CLOEXEC, 0644);
	if (fd == -1)
		return -1;
	close(fd);

	mkdir_in("etc");
	mkfile("etc/passwd", "root:inside\n");
	mkfile("etc/target", "target\n");
	mkdir_in("etc/ssh");
	mkfile("etc/ssh/sshd_config", "Port 22\n");
	mkfile("file", "file\n");
	mkdir_in("dir");
	mkdir_in("dir/sub");
	mkfile("dir/sub/deep", "deep\n");

	mklink("/etc/target", "abs");
	mklink("/etc/ssh", "absdir");
	mklink("../../../../../etc/target", "rel_escape");
	mklink("../secret", "escape_secret");
	mklink(secret, "escape_abs_secret");
	mklink("../../../../etc/passwd", "dir/sub/up");
	mklink("/etc/ssh", "dir/sub/toabs");
	mklink("/", "root_link");
	mklink("..", "dotdot_link");
	mklink("dir", "dirlink");
	mklink("dir/sub/..", "dirlink_rel");
	mklink("loop_b", "loop_a");
	mklink("loop_a", "loop_b");
	mklink("self", "self");
	mklink("nonexistent", "dangling");
	mklink("file/x", "through_file");

	/* chain/lN takes N + 1 links to reach /file. */
	mkdir_in("chain");
	mklink("../file", "chain/l0");
	for (i = 1; i < CHAIN_LEN; i++) {
		snprintf(name, sizeof name, "chain/l%zu", i);
		snprintf(target, sizeof target, "l%zu", i - 1);
		mklink(target, name);
	}

	/* A target as long as a symlink can be. */
	p = xmalloc(PATH_MAX);
	for (i = 0; i < PATH_MAX - 6; i += 2)
		memcpy(p + i, "./", 2);
	strcpy(p + i, "file");
	mklink(p, "longlink");
	free(p);

	/* deep/d/d/...: more levels than a walk may hold open. */
	mkdir_in("deep");
	dfd = openat(rootfd, "deep", O_PATH|O_DIRECTORY|O_CLOEXEC);
	for (i = 0; i < DEEP_LEVELS; i++) {
		if (mkdirat(dfd, "d", 0755) == -1)
			return -1;
		fd = openat(dfd, "d", O_PATH|O_DIRECTORY|O_CLOEXEC);
		close(dfd);
		if ((dfd = fd) == -1)
			return -1;
	}
	close(dfd);

	/* Swapped around by test_races, with a twin outside the root. */
	mkfile("race", "race\n");
	mklink(secret, "race_other");
	mkdir_in("mv");
	mkdir_in("mv/a");
	mkdir_in("mv/a/b");
	p = path_join(base, "a");
	if (mkdir(p, 0755) == -1)
		return -1;
	free(p);
	p = path_join(base, "a/b");
	if (mkdir(p, 0755) == -1)
		return -1;
	free(p);

	free(secret);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	close(rootfd);
	free(rootdir);
	return nftw(base, rm_entry, 16, FTW_DEPTH|FTW_PHYS);
}

/* Every test must leave as many fds open as it found. */
static int
fd_setup(void **state)
{
	(void)state;
	fds_before = count_fds();
	return 0;
}

static int
fd_teardown(void **state)
{
	int	now = count_fds();

	(void)state;
	if (now != fds_before) {
		fprintf(stderr, "fd leak: %d open before, %d after\n",
		    fds_before, now);
		return -1;
	}
	return 0;
}

static char *
read_all(int fd)
{
	static char	buf[256];
	ssize_t		n;

	n = pread(fd, buf, sizeof buf - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

/* Open path, expect success: resolved and (for files) content as given. */
static void
expect_open(const char *path, int flags, const char *want_resolved,
    const char *want_content)
{
	char	*resolved;
	int	 fd;

	fd = path_open_in_root(rootfd, path, flags, &resolved);
	if (fd == -1)
		fail_msg("%s: %s", path, strerror(errno));
	assert_non_null(resolved);
	assert_string_equal(resolved, want_resolved);
	if (want_content != NULL)
		assert_string_equal(read_all(fd), want_content);
	free(resolved);
	close(fd);
}

static void
expect_error(const char *path, int flags, int want_errno)
{
	char	*resolved = (char *)1;
	int	 fd;

	errno = 0;
	fd = path_open_in_root(rootfd, path, flags, &resolved);
	if (fd != -1) {
		close(fd);
		fail_msg("%s: opened, wanted %s", path, strerror(want_errno));
	}
	if (errno != want_errno)
		fail_msg("%s: %s, wanted %s", path, strerror(errno),
		    strerror(want_errno));
	assert_null(resolved);
}

static void
same_inode(int fd, const char *hostrel)
{
	struct stat	a, b;
	char		*p;

	p = path_join(rootdir, hostrel);
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(lstat(p, &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	free(p);
}

static void
test_path_join(void **state)
{
	static const struct {
		const char	*a, *b, *want;
	} t[] = {
		{ "a", "b", "a/b" },
		{ "a/", "b", "a/b" },
		{ "a", "/b", "a/b" },
		{ "a//", "//b", "a/b" },
		{ "/", "etc", "/etc" },
		{ "/", "/", "/" },
		{ "/", "", "/" },
		{ "", "b", "b" },
		{ "", "/b", "/b" },
		{ "a", "", "a" },
		{ "a/", "", "a/" },
		{ "", "", "" },
		{ "/x/y", "z/", "/x/y/z/" },
		{ "a//b", "c//d", "a//b/c//d" },
	};
	size_t	 i;
	char	*s;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		s = path_join(t[i].a, t[i].b);
		assert_string_equal(s, t[i].want);
		free(s);
	}
}

static void
test_plain(void **state)
{
	(void)state;
	expect_open("file", O_RDONLY, "/file", "file\n");
	expect_open("/file", O_RDONLY, "/file", "file\n");
	expect_open("//file", O_RDONLY, "/file", "file\n");
	expect_open("etc/passwd", O_RDONLY, "/etc/passwd", "root:inside\n");
	expect_open("/etc/ssh/sshd_config", O_RDONLY, "/etc/ssh/sshd_config",
	    "Port 22\n");
	expect_open("dir/sub/deep", O_RDONLY, "/dir/sub/deep", "deep\n");
	expect_open("./dir//sub/./deep", O_RDONLY, "/dir/sub/deep", "deep\n");
	expect_open("file", O_PATH, "/file", NULL);
	expect_error("nope", O_RDONLY, ENOENT);
	expect_error("dir/nope", O_RDONLY, ENOENT);
	expect_error("nope/x", O_RDONLY, ENOENT);
	expect_error("dir", O_WRONLY, EISDIR);
}

static void
test_root_itself(void **state)
{
	static const char	*paths[] = { "", "/", "//", ".", "/./", "..",
	    "../..", "/../../.", "dir/..", "dir/sub/../..", "root_link",
	    "dotdot_link" };
	size_t			 i;
	char			*resolved;
	int			 fd;

	(void)state;
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		fd = path_open_in_root(rootfd, paths[i], O_RDONLY|O_DIRECTORY,
		    &resolved);
		if (fd == -1)
			fail_msg("%s: %s", paths[i], strerror(errno));
		assert_string_equal(resolved, "/");
		same_inode(fd, ".");
		free(resolved);
		close(fd);
	}
}

static void
test_dotdot(void **state)
{
	(void)state;
	expect_open("dir/sub/../../file", O_RDONLY, "/file", "file\n");
	expect_open("../../../etc/passwd", O_RDONLY, "/etc/passwd",
	    "root:inside\n");
	expect_open("/../../../../../../../../etc/passwd", O_RDONLY,
	    "/etc/passwd", "root:inside\n");
	expect_open("dir/../../dir/sub/../sub/deep", O_RDONLY,
	    "/dir/sub/deep", "deep\n");
	expect_open("etc/ssh/..", O_RDONLY|O_DIRECTORY, "/etc", NULL);
	expect_open("dir/sub/", O_RDONLY|O_DIRECTORY, "/dir/sub", NULL);
	/* As the kernel: what is before ".." must exist and be a directory. */
	expect_error("nope/../file", O_RDONLY, ENOENT);
	expect_error("file/../file", O_RDONLY, ENOTDIR);
}

static void
test_absolute_symlink(void **state)
{
	(void)state;
	expect_open("abs", O_RDONLY, "/etc/target", "target\n");
	expect_open("/abs", O_RDONLY, "/etc/target", "target\n");
	expect_open("absdir/sshd_config", O_RDONLY, "/etc/ssh/sshd_config",
	    "Port 22\n");
	expect_open("dir/sub/../../absdir/../passwd", O_RDONLY, "/etc/passwd",
	    "root:inside\n");
	expect_open("root_link/etc/passwd", O_RDONLY, "/etc/passwd",
	    "root:inside\n");
	/* From deeper down an absolute target still starts at the root. */
	expect_open("dir/sub/toabs/sshd_config", O_RDONLY,
	    "/etc/ssh/sshd_config", "Port 22\n");
	expect_open("dirlink/sub/toabs/../passwd", O_RDONLY, "/etc/passwd",
	    "root:inside\n");
}

static void
test_escaping_symlinks(void **state)
{
	(void)state;
	expect_open("rel_escape", O_RDONLY, "/etc/target", "target\n");
	expect_open("dir/sub/up", O_RDONLY, "/etc/passwd", "root:inside\n");
	expect_open("dotdot_link/etc/passwd", O_RDONLY, "/etc/passwd",
	    "root:inside\n");
	expect_open("dotdot_link/dotdot_link/file", O_RDONLY, "/file",
	    "file\n");
	/* Both name a file just outside the root: not there inside it. */
	expect_error("escape_secret", O_RDONLY, ENOENT);
	expect_error("escape_abs_secret", O_RDONLY, ENOENT);
	expect_error("dir/../escape_secret", O_PATH, ENOENT);
}

static void
test_directory_symlink(void **state)
{
	(void)state;
	expect_open("dirlink/sub/deep", O_RDONLY, "/dir/sub/deep", "deep\n");
	expect_open("dirlink_rel/sub/deep", O_RDONLY, "/dir/sub/deep",
	    "deep\n");
	expect_open("dirlink", O_RDONLY|O_DIRECTORY, "/dir", NULL);
	expect_open("dirlink/", O_RDONLY|O_DIRECTORY, "/dir", NULL);
	/* ".." after a link is the target's parent, not the link's. */
	expect_open("absdir/..", O_RDONLY|O_DIRECTORY, "/etc", NULL);
}

static void
test_loops(void **state)
{
	(void)state;
	expect_error("loop_a", O_RDONLY, ELOOP);
	expect_error("loop_b", O_RDONLY, ELOOP);
	expect_error("loop_a/x", O_RDONLY, ELOOP);
	expect_error("self", O_RDONLY, ELOOP);
	expect_error("self/", O_RDONLY, ELOOP);
	expect_error("dir/../self/x", O_PATH, ELOOP);
	expect_open("self", O_RDONLY|O_NOFOLLOW, "/self", NULL);
}

static void
test_symlink_chain(void **state)
{
	char	path[32];

	(void)state;
	/* l38 is 39 links, l39 is 40 (the most allowed), l40 is 41. */
	expect_open("chain/l38", O_RDONLY, "/file", "file\n");
	snprintf(path, sizeof path, "chain/l%d", PATH_MAX_SYMLINKS - 1);
	expect_open(path, O_RDONLY, "/file", "file\n");
	snprintf(path, sizeof path, "chain/l%d", PATH_MAX_SYMLINKS);
	expect_error(path, O_RDONLY, ELOOP);
	expect_open(path, O_RDONLY|O_NOFOLLOW, "/chain/l40", NULL);
}

static void
test_dangling(void **state)
{
	char		*resolved;
	struct stat	 st;
	int		 fd;

	(void)state;
	expect_error("dangling", O_RDONLY, ENOENT);
	expect_error("dangling/", O_RDONLY|O_NOFOLLOW, ENOENT);
	fd = path_open_in_root(rootfd, "dangling", O_RDONLY|O_NOFOLLOW,
	    &resolved);
	assert_true(fd != -1);
	assert_string_equal(resolved, "/dangling");
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	free(resolved);
	close(fd);
}

static void
test_not_a_directory(void **state)
{
	(void)state;
	expect_error("file/x", O_RDONLY, ENOTDIR);
	expect_error("file/", O_RDONLY, ENOTDIR);
	expect_error("file/.", O_RDONLY, ENOTDIR);
	expect_error("file/..", O_RDONLY, ENOTDIR);
	expect_error("file", O_RDONLY|O_DIRECTORY, ENOTDIR);
	expect_error("abs/x", O_RDONLY, ENOTDIR);
	expect_error("through_file", O_RDONLY, ENOTDIR);
	expect_error("abs", O_RDONLY|O_NOFOLLOW|O_DIRECTORY, ENOTDIR);
}

static void
test_nofollow(void **state)
{
	char		*resolved, buf[64];
	struct stat	 st;
	ssize_t		 n;
	int		 fd;

	(void)state;
	fd = path_open_in_root(rootfd, "abs", O_RDONLY|O_NOFOLLOW, &resolved);
	assert_true(fd != -1);
	assert_string_equal(resolved, "/abs");
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(fcntl(fd, F_GETFL) & O_PATH);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	n = readlinkat(fd, "", buf, sizeof buf);
	assert_int_equal(n, strlen("/etc/target"));
	assert_memory_equal(buf, "/etc/target", n);
	same_inode(fd, "abs");
	free(resolved);
	close(fd);

	/* Only the final component is not followed. */
	expect_open("dirlink/sub/deep", O_RDONLY|O_NOFOLLOW, "/dir/sub/deep",
	    "deep\n");
	expect_open("absdir/sshd_config", O_RDONLY|O_NOFOLLOW,
	    "/etc/ssh/sshd_config", "Port 22\n");
	/* A trailing slash asks for the target. */
	expect_open("dirlink/", O_RDONLY|O_NOFOLLOW|O_DIRECTORY, "/dir", NULL);
	expect_open("file", O_RDONLY|O_NOFOLLOW, "/file", "file\n");
	expect_open("dir/sub/up", O_PATH|O_NOFOLLOW, "/dir/sub/up", NULL);
}

static void
test_directory(void **state)
{
	struct dirent	*de;
	DIR		*d;
	char		*resolved;
	int		 fd, seen = 0;

	(void)state;
	fd = path_open_in_root(rootfd, "dirlink", O_RDONLY|O_DIRECTORY,
	    &resolved);
	assert_true(fd != -1);
	assert_string_equal(resolved, "/dir");
	free(resolved);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	same_inode(fd, "dir");
	d = fdopendir(fd);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, "sub") == 0)
			seen++;
	}
	assert_int_equal(seen, 1);
	closedir(d);

	/* The fd of a file really is one: readable, right inode. */
	fd = path_open_in_root(rootfd, "absdir/sshd_config", O_RDONLY, NULL);
	assert_true(fd != -1);
	assert_false(fcntl(fd, F_GETFL) & O_PATH);
	same_inode(fd, "etc/ssh/sshd_config");
	close(fd);
}

static void
test_limits(void **state)
{
	char	*p, *q;
	size_t	 i;

	(void)state;
	p = xmalloc(PATH_MAX + 1);

	/* PATH_MAX - 1 bytes is the longest path; PATH_MAX is too long. */
	for (i = 0; i < PATH_MAX - 6; i += 2)
		memcpy(p + i, "./", 2);
	strcpy(p + i, "/file");
	assert_int_equal(strlen(p), PATH_MAX - 1);
	expect_open(p, O_RDONLY, "/file", "file\n");
	memmove(p + 1, p, PATH_MAX);
	p[0] = '/';
	assert_int_equal(strlen(p), PATH_MAX);
	expect_error(p, O_RDONLY, ENAMETOOLONG);

	memset(p, 'a', NAME_MAX + 1);
	p[NAME_MAX + 1] = '\0';
	expect_error(p, O_RDONLY, ENAMETOOLONG);
	p[NAME_MAX] = '\0';
	expect_error(p, O_RDONLY, ENOENT);

	expect_open("longlink", O_RDONLY, "/file", "file\n");
	expect_open("dir/../longlink", O_RDONLY, "/file", "file\n");

	/* Depth: PATH_MAX_DEPTH levels below the root, not one more. */
	strcpy(p, "deep");
	for (i = 1; i < PATH_MAX_DEPTH; i++)
		strcat(p, "/d");
	q = xasprintf("/%s", p);
	expect_open(p, O_RDONLY|O_DIRECTORY, q, NULL);
	expect_open(p, O_PATH, q, NULL);
	strcat(p, "/");
	expect_open(p, O_PATH, q, NULL);
	free(q);
	strcat(p, "d");
	expect_error(p, O_PATH, ENAMETOOLONG);
	/* The walk fails as it goes: a later ".." does not help. */
	strcat(p, "/../..");
	expect_error(p, O_PATH, ENAMETOOLONG);
	/* Going all the way down and back up again is fine. */
	strcpy(p, "deep");
	for (i = 1; i < PATH_MAX_DEPTH; i++)
		strcat(p, "/d");
	for (i = 1; i < PATH_MAX_DEPTH; i++)
		strcat(p, "/..");
	expect_open(p, O_PATH, "/deep", NULL);

	free(p);
}

static void
test_bad_arguments(void **state)
{
	char	*resolved = (char *)1;
	int	 fd;

	(void)state;
	errno = 0;
	assert_int_equal(path_open_in_root(rootfd, NULL, O_RDONLY, &resolved),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_null(resolved);
	expect_error("newfile", O_WRONLY|O_CREAT, EINVAL);
	expect_error("dir", O_WRONLY|O_TMPFILE, EINVAL);
	errno = 0;
	assert_int_equal(path_open_in_root(-1, "file", O_RDONLY, NULL), -1);
	assert_int_equal(errno, EBADF);
	/* A non-directory root. */
	/* A root that is not a directory. */
	fd = open("/dev/null", O_RDONLY|O_CLOEXEC);
	assert_true(fd != -1);
	errno = 0;
	assert_int_equal(path_open_in_root(fd, "file", O_RDONLY, NULL), -1);
	assert_int_equal(errno, ENOTDIR);
	errno = 0;
	assert_int_equal(path_open_in_root(fd, "/", O_RDONLY, NULL), -1);
	assert_int_equal(errno, ENOTDIR);
	close(fd);
}

static void
test_fd_leaks(void **state)
{
	static const struct {
		const char	*path;
		int		 flags;
	} t[] = {
		{ "file", O_RDONLY },
		{ "abs", O_RDONLY },
		{ "abs", O_RDONLY|O_NOFOLLOW },
		{ "dirlink/sub/deep", O_RDONLY },
		{ "dir/sub/up", O_PATH },
		{ "/", O_RDONLY|O_DIRECTORY },
		{ "loop_a", O_RDONLY },
		{ "self", O_RDONLY },
		{ "chain/l40", O_RDONLY },
		{ "chain/l39", O_RDONLY },
		{ "dangling", O_RDONLY },
		{ "file/x", O_RDONLY },
		{ "file", O_RDONLY|O_DIRECTORY },
		{ "abs", O_RDONLY|O_NOFOLLOW|O_DIRECTORY },
		{ "dir", O_WRONLY },
		{ "escape_secret", O_RDONLY },
		{ "through_file", O_RDONLY },
		{ "dir/sub/../../etc/ssh/../../nope/x", O_RDONLY },
		{ "deep/d/d/d/d/d/d/../../../../nope", O_RDONLY },
	};
	char	*resolved, *p;
	size_t	 i, round;
	int	 before, fd;

	(void)state;
	before = count_fds();
	for (round = 0; round < 3; round++) {
		for (i = 0; i < sizeof t / sizeof t[0]; i++) {
			fd = path_open_in_root(rootfd, t[i].path, t[i].flags,
			    &resolved);
			if (fd != -1)
				close(fd);
			free(resolved);
		}
	}

	/* Failing deep in the tree, with many levels held. */
	p = xmalloc(PATH_MAX);
	strcpy(p, "deep");
	for (i = 0; i < DEEP_LEVELS; i++)
		strcat(p, "/d");
	assert_int_equal(path_open_in_root(rootfd, p, O_PATH, NULL), -1);
	strcpy(p, "deep");
	for (i = 0; i < PATH_MAX_DEPTH - 10; i++)
		strcat(p, "/d");
	strcat(p, "/nope");
	assert_int_equal(path_open_in_root(rootfd, p, O_PATH, NULL), -1);
	free(p);

	assert_int_equal(count_fds(), before);
}

/*
 * Another process swaps a file with a symlink that leads out, and moves a
 * directory out of the root and back, while we walk through them.  What
 * opens must never be outside; ".." must not follow a moved directory.
 */
static void
test_races(void **state)
{
	struct stat	 secret, file, st;
	char		*p, *outside;
	pid_t		 pid;
	int		 i, fd, opened = 0, failed = 0;

	(void)state;
	p = path_join(base, "secret");
	assert_int_equal(stat(p, &secret), 0);
	free(p);
	assert_int_equal(fstatat(rootfd, "file", &file, 0), 0);
	outside = path_join(base, "a");

	if ((pid = fork()) == 0) {
		for (;;) {
			renameat2(rootfd, "race", rootfd, "race_other",
			    RENAME_EXCHANGE);
			renameat2(rootfd, "mv/a", AT_FDCWD, outside,
			    RENAME_EXCHANGE);
		}
	}
	assert_true(pid > 0);

	for (i = 0; i < 20000; i++) {
		fd = path_open_in_root(rootfd, "race", i % 2 ? O_PATH :
		    O_RDONLY, NULL);
		if (fd == -1) {
			failed++;
			continue;
		}
		opened++;
		assert_int_equal(fstat(fd, &st), 0);
		close(fd);
		if (S_ISLNK(st.st_mode) || (st.st_dev == secret.st_dev &&
		    st.st_ino == secret.st_ino))
			break;

		fd = path_open_in_root(rootfd, "mv/a/b/../../secret",
		    O_PATH, NULL);
		if (fd != -1) {
			close(fd);
			break;
		}
		fd = path_open_in_root(rootfd, "mv/a/b/../../../file",
		    O_RDONLY, NULL);
		if (fd == -1)
			break;
		assert_int_equal(fstat(fd, &st), 0);
		close(fd);
		if (st.st_dev != file.st_dev || st.st_ino != file.st_ino)
			break;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(outside);
	if (i != 20000)
		fail_msg("escaped after %d rounds", i);
	/* Both sides of the swap were seen, or this tested nothing. */
	assert_true(opened > 0 && failed > 0);
}

#ifdef SYS_openat2
/*
 * The kernel's own chroot-style resolution must agree with ours: same
 * outcome, same errno, same inode.
 */
static void
test_openat2_agrees(void **state)
{
	static const char	*paths[] = { "file", "/file", "etc/passwd",
	    "abs", "absdir/sshd_config", "rel_escape", "escape_secret",
	    "escape_abs_secret", "dir/sub/up", "root_link/etc/passwd",
	    "dotdot_link/file", "dirlink/sub/deep", "dirlink_rel/sub/deep",
	    "dir/sub/toabs/sshd_config", "loop_a", "self", "dangling",
	    "dangling/", "through_file", "file/x", "file/", "file/..",
	    "nope/..", "dir/sub/../../file", "../../etc/passwd", "chain/l38",
	    "chain/l39", "chain/l40", "/", "..", "dirlink/", "abs/",
	    "longlink", "absdir/../target", "dir/sub/toabs/../../dir/./sub/" };
	static const int	 flags[] = { O_RDONLY, O_PATH,
	    O_PATH|O_NOFOLLOW, O_RDONLY|O_DIRECTORY };
	struct open_how		 how;
	struct stat		 a, b;
	size_t			 i, j;
	int			 fa, fb, ea, eb;

	/* Not asked here: "" is the root for us, ENOENT for openat2. */
	(void)state;
	for (j = 0; j < sizeof flags / sizeof flags[0]; j++) {
		for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
			memset(&how, 0, sizeof how);
			how.flags = flags[j]|O_CLOEXEC;
			how.resolve = RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS;
			/* EAGAIN: a rename anywhere raced a "..". */
			do {
				fb = syscall(SYS_openat2, rootfd, paths[i],
				    &how, sizeof how);
				eb = errno;
			} while (fb == -1 && eb == EAGAIN);
			if (fb == -1 && (eb == ENOSYS || eb == EPERM))
				skip();
			fa = path_open_in_root(rootfd, paths[i], flags[j],
			    NULL);
			ea = errno;
			if ((fa == -1) != (fb == -1) ||
			    (fa == -1 && ea != eb)) {
				if (fa != -1)
					close(fa);
				if (fb != -1)
					close(fb);
				fail_msg("%s flags %#x: ours %s, kernel's %s",
				    paths[i], flags[j],
				    fa == -1 ? strerror(ea) : "ok",
				    fb == -1 ? strerror(eb) : "ok");
			}
			if (fa == -1)
				continue;
			assert_int_equal(fstat(fa, &a), 0);
			assert_int_equal(fstat(fb, &b), 0);
			close(fa);
			close(fb);
			if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
				fail_msg("%s flags %#x: different files",
				    paths[i], flags[j]);
		}
	}
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fd_setup, fd_teardown)
		T(test_path_join),
		T(test_plain),
		T(test_root_itself),
		T(test_dotdot),
		T(test_absolute_symlink),
		T(test_escaping_symlinks),
		T(test_directory_symlink),
		T(test_loops),
		T(test_symlink_chain),
		T(test_dangling),
		T(test_not_a_directory),
		T(test_nofollow),
		T(test_directory),
		T(test_limits),
		T(test_bad_arguments),
		T(test_fd_leaks),
		T(test_races),
#ifdef SYS_openat2
		T(test_openat2_agrees),
#endif
#undef T
	};

	int	rc;

	/* Once through the kernel's openat2(RESOLVE_IN_ROOT) where there is
	 * one, once through the portable walk: the same answers. */
	rc = cmocka_run_group_tests_name("path (openat2)", tests,
	    group_setup, group_teardown);
	path_set_portable(1);
	rc |= cmocka_run_group_tests_name("path (portable walk)", tests,
	    group_setup, group_teardown);
	return rc;
}
