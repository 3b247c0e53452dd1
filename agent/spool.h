/*
 * The agent's spool: signed envelopes waiting to be acknowledged by
 * exhibitd, one file per envelope named after its seq, written so that a
 * crash at any moment leaves either the whole envelope or nothing.  An
 * envelope leaves the spool only when the daemon has acknowledged it.
 */
#ifndef EXHIBIT_SPOOL_H
#define EXHIBIT_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct spool;

/* Open (creating, mode 0700) the spool directory; temporary files left
 * by a crash are removed.  NULL with a sentence in err. */
struct spool	*spool_open(const char *dir, char *err, size_t errlen);
void		 spool_close(struct spool *);

/* Store an envelope durably (temporary file, fsync, rename, fsync of the
 * directory) before returning 0; -1 with errno.  A seq already spooled
 * is EEXIST: envelopes are never replaced. */
int		 spool_put(struct spool *, uint64_t seq, const void *data,
		    size_t len);

/* The oldest envelope: 0 and *data allocated, 1 when the spool is empty,
 * -1 on error (logged). */
int		 spool_oldest(struct spool *, uint64_t *seq, char **data,
		    size_t *len);

/* Remove an acknowledged envelope, durably.  0 or -1 with errno. */
int		 spool_remove(struct spool *, uint64_t seq);

/* Replace a spooled envelope (a refused reference expanded, same seq),
 * as crash-safe as spool_put.  0 or -1 with errno (ENOENT: not
 * spooled). */
int		 spool_replace(struct spool *, uint64_t seq, const void *data,
		    size_t len);

/* Move an envelope the daemon refused for good out of the spool into
 * dir (created 0700; same file system), durably.  0 or -1 with errno. */
int		 spool_move(struct spool *, uint64_t seq, const char *dir);

size_t		 spool_count(struct spool *);
uint64_t	 spool_bytes(struct spool *);

/* When the oldest envelope was spooled (its file's mtime): how long the
 * daemon has gone without it.  0 when the spool is empty or the file
 * cannot be examined. */
time_t		 spool_oldest_time(struct spool *);

#endif
