/*
 * Whole-file reads with a size limit, and writes that a crash cannot leave
 * half done.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "xmalloc.h"

#define FILEIO_CHUNK	8192

int
fileio_read_fd(int fd, size_t max, char **bufp, size_t *lenp)
{
	struct stat	 st;
	char		*buf = NULL, extra;
	size_t		 len = 0, cap, limit, want;
	ssize_t		 n;
	int		 saved;

	*bufp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if (fstat(fd, &st) == -1)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}

	/* The buffer holds at most limit bytes and the NUL. */
	limit = (max == SIZE_MAX) ? SIZE_MAX - 1 : max;

	/*
	 * st_size is only a hint for the first allocation: /proc and /sys
	 * files say 0, and a file may grow or shrink while it is read.
	 */
	cap = FILEIO_CHUNK;
	if (S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < limit)
		cap = (size_t)st.st_size + 1;
	if (cap > limit)
		cap = limit + 1;
	buf = xmalloc(cap);

	for (;;) {
		if (len < cap - 1) {
			n = read(fd, buf + len, cap - 1 - len);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				goto fail;
			}
			if (n == 0)
				break;
			len += n;
			continue;
		}

		/*
		 * Full.  One more byte tells end of file from more to come,
		 * without growing the buffer past max + 1 to find out.
		 */
		n = read(fd, &extra, 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		if (len == limit) {
			errno = EFBIG;
			goto fail;
		}
		want = (len > limit / 2) ? limit : len * 2;
		if (want < len + 1)
			want = len + 1;
		cap = want + 1;
		buf = xrealloc(buf, cap);
		buf[len++] = extra;
	}
	buf[len] = '\0';
	*bufp = buf;
	if (lenp != NULL)
		*lenp = len;
	return 0;

fail:
	saved = errno;
	free(buf);
	errno = saved;
	return -1;
}

int
fileio_read_path(const char *path, size_t max, char **bufp, size_t *lenp)
{
	int	fd, rv, saved;

	*bufp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if ((fd = open(path, O_RDONLY|O_NOCTTY|O_CLOEXEC)) == -1)
		return -1;
	rv = fileio_read_fd(fd, max, bufp, lenp);
	saved = errno;
	close(fd);
	errno = saved;
	return rv;
}

static int
fileio_write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int
fileio_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode)
{
	const char	*base;
	char		*tmp = NULL;
	size_t		 dirlen, baselen;
	int		 fd = -1, saved;

	base = strrchr(path, '/');
	base = (base == NULL) ? path : base + 1;
	dirlen = base - path;
	baselen = strlen(base);
	if (baselen == 0) {
		errno = (*path == '\0') ? ENOENT : EISDIR;
		return -1;
	}

	/*
	 * The temporary name must be in the same directory for rename(2)
	 * to be atomic, and must fit in NAME_MAX: "." + base + ".XXXXXX".
	 */
	if (baselen > NAME_MAX - 8)
		baselen = NAME_MAX - 8;
	tmp = xasprintf("%.*s.%.*s.XXXXXX", (int)dirlen, path, (int)baselen,
	    base);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		free(tmp);
		return -1;
	}

	if (fileio_write_all(fd, data, len) == -1)
		goto fail;
	/* mkstemp makes 0600; fchmod is not subject to the umask. */
	if (fchmod(fd, mode) == -1)
		goto fail;
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);

	/* The rename is only durable once the directory is. */
	return fileio_sync_parent(path);

fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}

int
fileio_sync_parent(const char *path)
{
	char	*dir;
	size_t	 len;
	int	 fd, rv, saved;

	/* "a/b/" is in "a", as is "a/b"; "b" is in "." and "/b" in "/". */
	len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	if (len == 0)
		dir = xstrdup(".");
	else {
		while (len > 1 && path[len - 1] == '/')
			len--;
		dir = xstrndup(path, len);
	}

	fd = open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC);
	saved = errno;
	free(dir);
	if (fd == -1) {
		errno = saved;
		return -1;
	}
	rv = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rv;
}

size_t
fileio_count_entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}
