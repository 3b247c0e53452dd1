/*
 * A host root directory.  "Live" is decided by identity, not by name: a
 * --root that is a bind mount or symlink of "/" is the live host too, and
 * "/srv/image" never is.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "hostroot.h"
#include "xmalloc.h"

struct hostroot {
	char	*path;
	int	 fd;
	int	 live;
	size_t	 max_file_size;
};

struct hostroot *
hostroot_open(const char *path, size_t max_file_size)
{
	struct hostroot	*hr;
	struct stat	 st, rootst;
	int		 fd;

	if ((fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || stat("/", &rootst) == -1) {
		close(fd);
		return NULL;
	}
	hr = xcalloc(1, sizeof(*hr));
	hr->path = xstrdup(path);
	hr->fd = fd;
	hr->live = st.st_dev == rootst.st_dev && st.st_ino == rootst.st_ino;
	hr->max_file_size = max_file_size;
	return hr;
}

void
hostroot_free(struct hostroot *hr)
{
	if (hr == NULL)
		return;
	close(hr->fd);
	free(hr->path);
	free(hr);
}

int
hostroot_is_live(const struct hostroot *hr)
{
	return hr->live;
}

int
hostroot_fd(const struct hostroot *hr)
{
	return hr->fd;
}

const char *
hostroot_path(const struct hostroot *hr)
{
	return hr->path;
}

size_t
hostroot_max_file_size(const struct hostroot *hr)
{
	return hr->max_file_size;
}
