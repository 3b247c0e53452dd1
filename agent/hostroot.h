/*
 * The host whose evidence is collected: a root directory ("/" for this
 * host) and the limits that apply to reading it.
 */
#ifndef EXHIBIT_HOSTROOT_H
#define EXHIBIT_HOSTROOT_H

#include <stddef.h>

struct hostroot;

/* Open the root directory; NULL with errno set on failure. */
struct hostroot	*hostroot_open(const char *path, size_t max_file_size);
void		 hostroot_free(struct hostroot *);

/* The root is this machine's "/": live sources (uname, /proc) apply. */
int		 hostroot_is_live(const struct hostroot *);
int		 hostroot_fd(const struct hostroot *);
const char	*hostroot_path(const struct hostroot *);
size_t		 hostroot_max_file_size(const struct hostroot *);

/*
 * Per-collection cache for what several collectors share (the package
 * database, systemd unit states), so a file is parsed once per run.  The
 * value is freed with free_fn when the root is freed.
 */
void		*hostroot_cache_get(struct hostroot *, const char *key);
void		 hostroot_cache_put(struct hostroot *, const char *key,
		    void *value, void (*free_fn)(void *));

#endif
