/*
 * Spool directory: "<20-digit seq>.env" files, so that name order is seq
 * order.  The in-memory index (seq, size) is rebuilt from the directory
 * at open, making the directory the only truth across crashes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "spool.h"
#include "xmalloc.h"

#define SPOOL_SUFFIX	".env"
#define SPOOL_MAX_ENTRY	(64u * 1024 * 1024)

struct spool_entry {
	uint64_t	seq;
	uint64_t	size;
};

struct spool {
	char			*dir;
	struct spool_entry	*v;		/* sorted by seq */
	size_t			 n, alloc;
	uint64_t		 bytes;
};

static int
spool_entry_cmp(const void *a, const void *b)
{
	const struct spool_entry	*x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static char *
spool_path(struct spool *sp, uint64_t seq)
{
	return xasprintf("%s/%020" PRIu64 SPOOL_SUFFIX, sp->dir, seq);
}

/* "00000000000000000042.env" -> 42; -1 for anything else. */
static int
spool_parse_name(const char *name, uint64_t *seq)
{
	char		*end;
	size_t		 len = strlen(name);
	unsigned long long v;

	if (len != 20 + strlen(SPOOL_SUFFIX) ||
	    strcmp(name + 20, SPOOL_SUFFIX) != 0 || name[0] == '-' ||
	    name[0] == '+')
		return -1;
	errno = 0;
	v = strtoull(name, &end, 10);
	if (errno != 0 || end != name + 20)
		return -1;
	*seq = v;
	return 0;
}

static void
spool_index_add(struct spool *sp, uint64_t seq, uint64_t size)
{
	if (sp->n == sp->alloc) {
		sp->alloc = sp->alloc ? sp->alloc * 2 : 64;
		sp->v = xreallocarray(sp->v, sp->alloc, sizeof(*sp->v));
	}
	sp->v[sp->n].seq = seq;
	sp->v[sp->n].size = size;
	sp->n++;
	sp->bytes += size;
}

struct spool *
spool_open(const char *dir, char *err, size_t errlen)
{
	struct spool	*sp;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	uint64_t	 seq;
	char		*path;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "spool %s: %s", dir, strerror(errno));
		return NULL;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "spool %s: %s", dir, strerror(errno));
		return NULL;
	}
	sp = xcalloc(1, sizeof(*sp));
	sp->dir = xstrdup(dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.') {
			/* fileio_write_atomic's temporaries start with a dot:
			 * an interrupted write, never acknowledged. */
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0) {
				path = xasprintf("%s/%s", dir, de->d_name);
				if (unlink(path) == 0)
					log_info("spool: removed %s left by an "
					    "interrupted write", path);
				free(path);
			}
			continue;
		}
		if (spool_parse_name(de->d_name, &seq) == -1) {
			log_warnx("spool: %s/%s: not a spool file; left alone",
			    dir, de->d_name);
			continue;
		}
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			log_warnx("spool: %s: not a regular file; left alone",
			    path);
		else
			spool_index_add(sp, seq, (uint64_t)st.st_size);
		free(path);
	}
	closedir(d);
	if (sp->n > 1)
		qsort(sp->v, sp->n, sizeof(*sp->v), spool_entry_cmp);
	return sp;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	free(sp->v);
	free(sp->dir);
	free(sp);
}

static long
spool_find(struct spool *sp, uint64_t seq)
{
	size_t	lo = 0, hi = sp->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sp->v[mid].seq == seq)
			return (long)mid;
		if (sp->v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The file for seq, written durably (temporary file, fsync, rename,
 * fsync of the directory); errno kept on failure. */
static int
spool_write(struct spool *sp, uint64_t seq, const void *data, size_t len)
{
	char	*path = spool_path(sp, seq);
	int	 rc, saved;

	rc = fileio_write_atomic(path, data, len, 0600);
	saved = errno;
	free(path);
	errno = saved;
	return rc;
}

int
spool_put(struct spool *sp, uint64_t seq, const void *data, size_t len)
{
	size_t	 i;

	if (spool_find(sp, seq) != -1) {
		errno = EEXIST;
		return -1;
	}
	if (spool_write(sp, seq, data, len) == -1)
		return -1;
	/* Keep the index sorted; a new seq is almost always the largest. */
	spool_index_add(sp, seq, len);
	for (i = sp->n - 1; i > 0 && sp->v[i - 1].seq > seq; i--) {
		struct spool_entry	t = sp->v[i];

		sp->v[i] = sp->v[i - 1];
		sp->v[i - 1] = t;
	}
	return 0;
}

int
spool_oldest(struct spool *sp, uint64_t *seq, char **data, size_t *len)
{
	char	*path;

	if (sp->n == 0)
		return 1;
	path = spool_path(sp, sp->v[0].seq);
	if (fileio_read_path(path, SPOOL_MAX_ENTRY, data, len) == -1) {
		log_warn("spool: %s", path);
		free(path);
		return -1;
	}
	free(path);
	*seq = sp->v[0].seq;
	return 0;
}

int
spool_remove(struct spool *sp, uint64_t seq)
{
	char	*path;
	long	 i;
	int	 saved;

	if ((i = spool_find(sp, seq)) == -1) {
		errno = ENOENT;
		return -1;
	}
	path = spool_path(sp, seq);
	if (unlink(path) == -1 || fileio_sync_parent(path) == -1) {
		saved = errno;
		free(path);
		errno = saved;
		return -1;
	}
	free(path);
	sp->bytes -= sp->v[i].size;
	memmove(&sp->v[i], &sp->v[i + 1], (sp->n - (size_t)i - 1) *
	    sizeof(*sp->v));
	sp->n--;
	return 0;
}

int
spool_replace(struct spool *sp, uint64_t seq, const void *data, size_t len)
{
	long	 i;

	if ((i = spool_find(sp, seq)) == -1) {
		errno = ENOENT;
		return -1;
	}
	/* rename() over the old file: a crash leaves one of the two. */
	if (spool_write(sp, seq, data, len) == -1)
		return -1;
	sp->bytes = sp->bytes - sp->v[i].size + len;
	sp->v[i].size = len;
	return 0;
}

static void
spool_forget(struct spool *sp, long i)
{
	sp->bytes -= sp->v[i].size;
	memmove(&sp->v[i], &sp->v[i + 1], (sp->n - (size_t)i - 1) *
	    sizeof(*sp->v));
	sp->n--;
}

int
spool_move(struct spool *sp, uint64_t seq, const char *dir)
{
	char	*from, *to;
	long	 i;
	int	 rc = -1, saved;

	if ((i = spool_find(sp, seq)) == -1) {
		errno = ENOENT;
		return -1;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	from = spool_path(sp, seq);
	to = xasprintf("%s/%020" PRIu64 SPOOL_SUFFIX, dir, seq);
	/* The target first: a crash leaves the file in one place or both
	 * directories synced, never in none. */
	if (rename(from, to) == 0 && fileio_sync_parent(to) == 0 &&
	    fileio_sync_parent(from) == 0)
		rc = 0;
	saved = errno;
	free(from);
	free(to);
	if (rc == 0)
		spool_forget(sp, i);
	errno = saved;
	return rc;
}

size_t
spool_count(struct spool *sp)
{
	return sp->n;
}

uint64_t
spool_bytes(struct spool *sp)
{
	return sp->bytes;
}

time_t
spool_oldest_time(struct spool *sp)
{
	struct stat	 sb;
	char		*path;
	time_t		 t = 0;

	if (sp->n == 0)
		return 0;
	path = spool_path(sp, sp->v[0].seq);
	if (stat(path, &sb) == 0)
		t = sb.st_mtime;
	free(path);
	return t;
}
