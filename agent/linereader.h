/*
 * Streaming line reader for files too large to hold whole (the dpkg
 * status file, apt's package lists): constant memory, with the file's
 * SHA-256 computed on the way and recorded as the section's source when
 * the reader is closed.
 */
#ifndef EXHIBIT_LINEREADER_H
#define EXHIBIT_LINEREADER_H

#include <stddef.h>

struct section;
struct linereader;

/*
 * Open an in-root path for reading at most max_bytes.  NULL when it
 * cannot be read: absent (errno ENOENT, recorded as an absent source) or
 * another failure (recorded as an error).
 */
struct linereader *linereader_open(struct section *, const char *path,
		    size_t max_bytes);

/* The next line without its "\n" (a "\r" before it is removed too),
 * NUL-terminated, valid until the next call; NULL at the end or on an
 * error.  *lineno counts from 1. */
char		*linereader_next(struct linereader *, size_t *lineno);

/* Close; records the source (path, sha256, size) when the whole file was
 * read, or the error met.  Returns 0, or -1 when the file was not read to
 * its end (an error, binary data, over max_bytes, an overlong line). */
int		 linereader_close(struct linereader *);

#endif
