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
#include <string.h>
#include <unistd.h>

#include "hostroot.h"
#include "xmalloc.h"

struct hostroot_cache {
	char			 *key;
	void			 *value;
	void			(*free_fn)(void *);
	struct hostroot_cache	 *next;
};

struct hostroot {
	char			*path;
	int			 fd;
	int			 live;
	size_t			 max_file_size;
	struct hostroot_cache	*cache;
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
	struct hostroot_cache	*c, *next;

	if (hr == NULL)
		return;
	for (c = hr->cache; c != NULL; c = next) {
		next = c->next;
		if (c->free_fn != NULL)
			c->free_fn(c->value);
		free(c->key);
		free(c);
	}
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

void *
hostroot_cache_get(struct hostroot *hr, const char *key)
{
	struct hostroot_cache	*c;

	for (c = hr->cache; c != NULL; c = c->next) {
		if (strcmp(c->key, key) == 0)
			return c->value;
	}
	return NULL;
}

void
hostroot_cache_put(struct hostroot *hr, const char *key, void *value,
    void (*free_fn)(void *))
{
	struct hostroot_cache	*c;

	c = xcalloc(1, sizeof(*c));
	c->key = xstrdup(key);
	c->value = value;
	c->free_fn = free_fn;
	c->next = hr->cache;
	hr->cache = c;
}
