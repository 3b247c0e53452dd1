/*
 * Whole-file reads with a size limit, and crash-safe whole-file writes.
 */
#ifndef EXHIBIT_FILEIO_H
#define EXHIBIT_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Read fd to its end into an allocated, NUL-terminated buffer.  Returns 0,
 * or -1 with errno: EFBIG when the content exceeds max bytes, EISDIR for
 * a directory, or the read error.  On failure *buf is NULL; len may be
 * NULL.  A FIFO or device is read as it comes, blocking if it blocks. */
int	fileio_read_fd(int fd, size_t max, char **buf, size_t *len);
int	fileio_read_path(const char *path, size_t max, char **buf, size_t *len);

/* Replace path with data so that a crash leaves either the old or the new
 * content, never a mix: temporary file in the same directory, fsync,
 * rename, fsync of the directory.  The file gets exactly mode (no umask);
 * a symlink at path is replaced, not written through.  Returns 0 or -1
 * with errno. */
int	fileio_write_atomic(const char *path, const void *data, size_t len,
	    mode_t mode);

/* fsync the directory that holds path. */
int	fileio_sync_parent(const char *path);

/* Entries of a directory whose names do not start with "."; 0 when it
 * cannot be read. */
size_t	fileio_count_entries(const char *dir);

#endif
