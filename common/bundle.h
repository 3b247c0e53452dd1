/*
 * Export bundles' container: a gzip'd POSIX tar (libarchive), written
 * and read one member at a time so that bundles of any size stream in
 * bounded memory.  The writer keeps the SHA-256 of every member it adds
 * and writes them as a sha256sum(1) listing ("<hex>  <name>\n", in
 * archive order), spooled to a temporary file rather than held in
 * memory.  What the members mean is export.c's and verify.c's business.
 */
#ifndef EXHIBIT_BUNDLE_H
#define EXHIBIT_BUNDLE_H

#include <stddef.h>
#include <time.h>

#include "digest.h"

/* The largest member a reader hands out whole: a 4 MiB envelope with
 * room to spare.  Larger members are read in pieces (bundle_read). */
#define BUNDLE_MEMBER_MAX	(16u << 20)

struct bundle_writer;

/* Write to path ("-": standard output).  A file is written under a
 * temporary name and renamed into place by bundle_writer_close(). */
struct bundle_writer *bundle_writer_open(const char *path, time_t mtime,
		    char *err, size_t errlen);
/* Add a member; its digest joins the listing unless unlisted.  0 or -1
 * (err).  Names are relative, without "." or ".." components. */
int	bundle_add(struct bundle_writer *, const char *name, const void *data,
	    size_t len, char *err, size_t errlen);
int	bundle_add_unlisted(struct bundle_writer *, const char *name,
	    const void *data, size_t len, char *err, size_t errlen);
/* Add the listing of every listed member so far as member name, and give
 * its SHA-256.  0 or -1. */
int	bundle_add_listing(struct bundle_writer *, const char *name,
	    unsigned char digest[DIGEST_SHA256_LEN], char *err, size_t errlen);
/* Members and bytes added so far. */
size_t	bundle_members(const struct bundle_writer *);
/* Finish (flush, fsync, rename into place): 0, or -1 with the partial
 * file removed.  Frees the writer either way. */
int	bundle_writer_close(struct bundle_writer *, char *err, size_t errlen);
/* Give up: the partial file is removed. */
void	bundle_writer_abort(struct bundle_writer *);

struct bundle_reader;

struct bundle_reader *bundle_reader_open(const char *path, char *err,
		    size_t errlen);
/*
 * The next member: 1 with its name (valid until the next call) and
 * size, 0 at the end of the archive, -1 on a damaged archive or a member
 * that is not a regular file (err says).
 */
int	bundle_next(struct bundle_reader *, const char **name, size_t *size,
	    char *err, size_t errlen);
/* The current member whole (at most BUNDLE_MEMBER_MAX bytes), valid
 * until the next call, NUL-terminated, with its SHA-256: 0 or -1. */
int	bundle_read_all(struct bundle_reader *, const char **data,
	    size_t *len, unsigned char digest[DIGEST_SHA256_LEN], char *err,
	    size_t errlen);
/* The current member in pieces: bytes read (0 at its end) or -1. */
long	bundle_read(struct bundle_reader *, void *buf, size_t len, char *err,
	    size_t errlen);
void	bundle_reader_close(struct bundle_reader *);

/* A member name a bundle may hold: relative, no empty, "." or ".."
 * component, printable ASCII without backslashes: 0 or -1. */
int	bundle_name_ok(const char *name);

#endif
