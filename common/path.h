/*
 * Paths under a root directory, resolved as if the process were chrooted
 * there: ".." stops at the root, absolute symlinks restart at the root and
 * nothing ever resolves outside it.  The agent reads a host's files through
 * this so that --root DIR (a container image, a mounted disk, a test
 * fixture) can never make it read the machine it runs on.
 */
#ifndef EXHIBIT_PATH_H
#define EXHIBIT_PATH_H

#define PATH_MAX_SYMLINKS	40	/* as the kernel: more is ELOOP */
#define PATH_MAX_DEPTH		256	/* levels below the root; more is
					   ENAMETOOLONG */

/* "a" + "/" + "b" with exactly one slash between.  An empty part adds
 * nothing: ("", "b") is "b", ("a", "") is "a".  Allocated. */
char	*path_join(const char *, const char *);

/* Open path (absolute or relative, taken from the root either way) under
 * the directory rootfd with open(2) flags.  A final symlink is followed
 * unless flags has O_NOFOLLOW, in which case the link itself is opened
 * (with O_PATH).  Returns an fd, or -1 with errno set (ENOENT, EACCES,
 * ELOOP, ENOTDIR, ENAMETOOLONG for a path of PATH_MAX bytes or more,
 * EINVAL for O_CREAT or O_TMPFILE, ...).  When resolved is not NULL it
 * receives the absolute in-root path that was opened, allocated, or NULL
 * on failure.  Opening a FIFO or device blocks or acts as open(2) would:
 * add O_NONBLOCK, or check with O_PATH first, if the tree is untrusted. */
int	 path_open_in_root(int rootfd, const char *path, int flags,
	    char **resolved);

/* Tests: force the portable component walk instead of the kernel's
 * openat2(RESOLVE_IN_ROOT), so both paths stay tested. */
void	 path_set_portable(int);

#endif
