/*
 * libFuzzer harness for path_open_in_root: a fixed tree full of symlinks
 * that try to lead out (loops, "..", absolute targets naming the host) is
 * built once; every input is a path to open in it.  Whatever opens must be
 * inside the tree, resolved must name it, no fd may leak, and where the
 * kernel has openat2(RESOLVE_IN_ROOT) it must agree with us.
 *
 * Input: first byte picks the open flags; if its top bit is set the rest
 * are indexes into a table of names and "..", joined by "/" (so the fuzzer
 * reaches deep paths without guessing names), otherwise the rest is the
 * path itself with NUL bytes read as "/".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "path.h"

#define MAX_INODES	1024
#define DEEP		(PATH_MAX_DEPTH + 40)

struct inode {
	dev_t	dev;
	ino_t	ino;
};

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char		 base[] = "/tmp/exhibit-fuzz-path.XXXXXX";
static char		 treepath[PATH_MAX];
static size_t		 treelen;
static int		 rootfd = -1;
static struct inode	 inodes[MAX_INODES];
static size_t		 ninodes;
static int		 have_openat2 = 1;

static const int flagtab[] = {
	O_RDONLY,
	O_RDONLY|O_NOFOLLOW,
	O_PATH,
	O_PATH|O_NOFOLLOW,
	O_RDONLY|O_DIRECTORY,
	O_PATH|O_DIRECTORY,
	O_RDONLY|O_NOFOLLOW|O_DIRECTORY,
	O_RDONLY|O_NONBLOCK,
};

static const char *tokens[] = {
	"", ".", "..", "...", "etc", "passwd", "ssh", "sshd_config", "a", "b",
	"c", "file", "abs", "absdir", "esc", "escabs", "eschost", "up",
	"rootlink", "dotdot", "loop1", "loop2", "self", "selfdir", "dangling",
	"chain4", "dirlink", "deeplink", "throughfile", "longlink", "x",
	"outside", "tmp", "exhibit-fuzz-path", "root", "..//..", "/", "d",
	"dd", "d/d/d/d", "deepup",
};

static void
die(const char *what)
{
	fprintf(stderr, "fuzz-path: %s: %s\n", what, strerror(errno));
	abort();
}

static void
mk(const char *kind, const char *rel, const char *target)
{
	int	fd;

	if (strcmp(kind, "dir") == 0) {
		if (mkdirat(rootfd, rel, 0755) == -1)
			die(rel);
	} else if (strcmp(kind, "file") == 0) {
		fd = openat(rootfd, rel, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC,
		    0644);
		if (fd == -1)
			die(rel);
		if (write(fd, rel, strlen(rel)) == -1)
			die(rel);
		close(fd);
	} else if (symlinkat(target, rootfd, rel) == -1)
		die(rel);
}

static int
collect(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)p;
	(void)type;
	(void)ftw;
	if (ninodes == MAX_INODES)
		return -1;
	inodes[ninodes].dev = sb->st_dev;
	inodes[ninodes].ino = sb->st_ino;
	ninodes++;
	return 0;
}

static int
inside(const struct stat *sb)
{
	size_t	i;

	for (i = 0; i < ninodes; i++) {
		if (inodes[i].dev == sb->st_dev && inodes[i].ino == sb->st_ino)
			return 1;
	}
	return 0;
}

static int
rm_entry(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (type == FTW_DP ? rmdir(p) : unlink(p)) == -1 ? -1 : 0;
}

static void
cleanup(void)
{
	nftw(base, rm_entry, 16, FTW_DEPTH|FTW_PHYS);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 p[PATH_MAX];
	size_t	 i;
	int	 fd;

	(void)argc;
	(void)argv;
	if (mkdtemp(base) == NULL)
		die("mkdtemp");
	atexit(cleanup);

	/* Outside the tree: what an escape would reach. */
	snprintf(p, sizeof p, "%s/outside", base);
	if ((fd = open(p, O_WRONLY|O_CREAT|O_CLOEXEC, 0644)) == -1)
		die(p);
	close(fd);
	snprintf(p, sizeof p, "%s/root", base);
	if (mkdir(p, 0755) == -1)
		die(p);
	if (realpath(p, treepath) == NULL)
		die(p);
	treelen = strlen(treepath);
	if ((rootfd = open(treepath, O_PATH|O_DIRECTORY|O_CLOEXEC)) == -1)
		die(treepath);

	mk("dir", "etc", NULL);
	mk("file", "etc/passwd", NULL);
	mk("dir", "etc/ssh", NULL);
	mk("file", "etc/ssh/sshd_config", NULL);
	mk("dir", "a", NULL);
	mk("dir", "a/b", NULL);
	mk("dir", "a/b/c", NULL);
	mk("file", "a/b/c/file", NULL);
	mk("file", "file", NULL);
	mk("link", "abs", "/etc/passwd");
	mk("link", "absdir", "/etc/ssh/");
	mk("link", "esc", "../../../../../../outside");
	mk("link", "a/b/c/esc", "../../../../../../../outside");
	snprintf(p, sizeof p, "%s/outside", base);
	mk("link", "escabs", p);
	mk("link", "eschost", "/etc/passwd/../../../../etc");
	mk("link", "a/up", "../..");
	mk("link", "a/b/up", "../../../../..");
	mk("link", "rootlink", "/");
	mk("link", "dotdot", "..");
	mk("link", "loop1", "loop2");
	mk("link", "loop2", "./loop1");
	mk("link", "self", "self");
	mk("link", "selfdir", "selfdir/x");
	mk("link", "a/b/loop1", "/loop2/x");
	mk("link", "dangling", "nowhere");
	mk("link", "chain1", "a/b/c");
	mk("link", "chain2", "chain1/..");
	mk("link", "chain3", "/chain2/../c/");
	mk("link", "chain4", "chain3/../../b/c/file");
	mk("link", "dirlink", "a/b");
	mk("link", "a/b/c/deeplink", "../../../a/b/c/../../../etc/ssh");
	mk("link", "throughfile", "file/x");
	mk("link", "longlink", "a/./b/./c/./../../../a/b/c/./../../../etc/"
	    "./././././././././././././././././././././././././././ssh/.");

	/* Deeper than a walk may go, and links that get there fast. */
	for (i = 0; i < DEEP; i++) {
		p[2 * i] = 'd';
		p[2 * i + 1] = '\0';
		mk("dir", p, NULL);
		p[2 * i + 1] = '/';
	}
	mk("link", "dd", "d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d");
	mk("link", "d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/dd",
	    "d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d");
	mk("link", "d/d/d/d/deepup", "../../../../../../..");

	if (nftw(treepath, collect, 16, FTW_PHYS) == -1)
		die("nftw");
	return 0;
}

/* resolved must be "/" or "/name/name...", with no "", "." or "..". */
static void
check_resolved(const char *r)
{
	const char	*p, *end;
	size_t		 len;

	if (r == NULL || r[0] != '/')
		abort();
	if (strcmp(r, "/") == 0)
		return;
	for (p = r + 1;; p = end + 1) {
		end = strchrnul(p, '/');
		len = end - p;
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		if (*end == '\0')
			break;
	}
}

static void
check_fd(int fd, const char *resolved)
{
	struct stat	 a, b;
	char		 proc[64], real[PATH_MAX];
	ssize_t		 n;

	if (fstat(fd, &a) == -1)
		die("fstat");
	if (!inside(&a))
		abort();

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if ((n = readlink(proc, real, sizeof real - 1)) == -1)
		die(proc);
	real[n] = '\0';
	if (strncmp(real, treepath, treelen) != 0 ||
	    (real[treelen] != '/' && real[treelen] != '\0'))
		abort();

	/* resolved names what was opened, without following anything. */
	if (fstatat(rootfd, strcmp(resolved, "/") == 0 ? "." : resolved + 1,
	    &b, AT_SYMLINK_NOFOLLOW) == -1)
		die(resolved);
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		abort();
	if (strcmp(real + treelen, strcmp(resolved, "/") == 0 ? "" :
	    resolved) != 0)
		abort();
}

#ifdef SYS_openat2
static void
compare_openat2(const char *path, int flags, int fd, int err)
{
	struct open_how	 how;
	struct stat	 a, b;
	int		 kfd, kerr;

	/*
	 * Where we differ on purpose: "" is the root for us; O_NOFOLLOW on
	 * a final link gives the link, not ELOOP; our bounds on length and
	 * depth are not the kernel's.
	 */
	if (!have_openat2 || *path == '\0')
		return;
	if ((flags & O_NOFOLLOW) && !(flags & O_PATH))
		return;
	if (fd == -1 && err == ENAMETOOLONG)
		return;

	memset(&how, 0, sizeof how);
	how.flags = flags|O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS;
	/* EAGAIN: a rename anywhere on the system raced a "..". */
	do {
		kfd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
		kerr = errno;
	} while (kfd == -1 && kerr == EAGAIN);
	if (kfd == -1 && (kerr == ENOSYS || kerr == EPERM)) {
		have_openat2 = 0;
		return;
	}
	if ((fd == -1) != (kfd == -1)) {
		fprintf(stderr, "fuzz-path: \"%s\" %#x: ours %s, kernel %s\n",
		    path, flags, fd == -1 ? strerror(err) : "ok",
		    kfd == -1 ? strerror(kerr) : "ok");
		abort();
	}
	if (fd == -1) {
		if (err != kerr) {
			fprintf(stderr, "fuzz-path: \"%s\" %#x: ours %s, "
			    "kernel %s\n", path, flags, strerror(err),
			    strerror(kerr));
			abort();
		}
		return;
	}
	if (fstat(fd, &a) == -1 || fstat(kfd, &b) == -1)
		die("fstat");
	close(kfd);
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		abort();
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[PATH_MAX * 2];
	char		*resolved = (char *)1;
	size_t		 i, len = 0, t;
	int		 flags, fd, err, before, after;

	if (size == 0)
		return 0;
	flags = flagtab[data[0] % (sizeof flagtab / sizeof flagtab[0])];
	if (data[0] & 0x80) {
		for (i = 1; i < size; i++) {
			t = data[i] % (sizeof tokens / sizeof tokens[0]);
			if (len + strlen(tokens[t]) + 2 >= sizeof path)
				break;
			if (i > 1)
				path[len++] = '/';
			memcpy(path + len, tokens[t], strlen(tokens[t]));
			len += strlen(tokens[t]);
		}
	} else {
		for (i = 1; i < size && len < sizeof path - 1; i++)
			path[len++] = data[i] == '\0' ? '/' : (char)data[i];
	}
	path[len] = '\0';

	/* The lowest free fd is the same after as before: nothing leaked. */
	if ((before = dup(2)) == -1)
		die("dup");
	close(before);

	fd = path_open_in_root(rootfd, path, flags, &resolved);
	err = errno;

	if (fd == -1) {
		if (resolved != NULL)
			abort();
		switch (err) {
		case ENOENT:
		case ENOTDIR:
		case ELOOP:
		case ENAMETOOLONG:
			break;
		default:
			fprintf(stderr, "fuzz-path: \"%s\": %s\n", path,
			    strerror(err));
			abort();
		}
	} else {
		check_resolved(resolved);
		check_fd(fd, resolved);
	}
#ifdef SYS_openat2
	compare_openat2(path, flags, fd, err);
#endif
	if (fd != -1)
		close(fd);
	free(resolved);

	if ((after = dup(2)) == -1)
		die("dup");
	close(after);
	if (after != before)
		abort();
	return 0;
}
