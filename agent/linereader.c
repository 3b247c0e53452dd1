/*
 * Line-at-a-time reading with a bounded buffer.  A line longer than the
 * buffer's limit or a NUL byte stops the read with an error: such a file
 * is not what its parser expects, and half a value must not be reported.
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

#include <openssl/evp.h>

#include "digest.h"
#include "encode.h"
#include "hostroot.h"
#include "linereader.h"
#include "log.h"
#include "path.h"
#include "section.h"
#include "xmalloc.h"

#define LINEREADER_CHUNK	65536
#define LINEREADER_MAX_LINE	(1024 * 1024)

struct linereader {
	struct section	*section;
	char		*path;
	int		 fd;
	EVP_MD_CTX	*md;
	size_t		 max_bytes;
	size_t		 total;		/* bytes read from the file */
	char		*buf;		/* [start, end) is unconsumed data */
	size_t		 size, start, end;
	size_t		 lineno;
	int		 eof;
	const char	*failure;	/* why reading stopped early */
	const char	*status;	/* the source's status then */
	int		 failerr;
};

struct linereader *
linereader_open(struct section *s, const char *path, size_t max_bytes)
{
	struct linereader	*lr;
	struct stat		 st;
	int			 fd, err;

	fd = path_open_in_root(hostroot_fd(section_root(s)), path,
	    O_RDONLY | O_NOCTTY | O_NONBLOCK, NULL);
	if (fd == -1) {
		err = errno;
		if (err == ENOENT || err == ENOTDIR)
			section_add_absent(s, path);
		else
			section_error(s, "%s: %s", path, strerror(err));
		errno = err;
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		section_error(s, "%s: not a regular file, not read", path);
		errno = EISDIR;
		return NULL;
	}
	lr = xcalloc(1, sizeof(*lr));
	lr->section = s;
	lr->path = xstrdup(path);
	lr->fd = fd;
	lr->max_bytes = max_bytes;
	lr->size = LINEREADER_CHUNK;
	lr->buf = xmalloc(lr->size + 1);
	if ((lr->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(lr->md, EVP_sha256(), NULL) != 1)
		fatalx("linereader_open: EVP digest setup failed");
	return lr;
}

static void
linereader_fail(struct linereader *lr, const char *why, const char *status,
    int err)
{
	if (lr->failure == NULL) {
		lr->failure = why;
		lr->status = status;
		lr->failerr = err;
	}
}

/* Read more into the buffer; 0 on data, -1 on end or failure. */
static int
linereader_fill(struct linereader *lr)
{
	ssize_t	n;

	if (lr->eof || lr->failure != NULL)
		return -1;
	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->start = 0;
	}
	if (lr->end == lr->size) {
		if (lr->size >= LINEREADER_MAX_LINE) {
			linereader_fail(lr, "line too long", "too_large", 0);
			return -1;
		}
		lr->size *= 2;
		lr->buf = xrealloc(lr->buf, lr->size + 1);
	}
	do {
		n = read(lr->fd, lr->buf + lr->end, lr->size - lr->end);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		linereader_fail(lr, "read error", "unreadable", errno);
		return -1;
	}
	if (n == 0) {
		lr->eof = 1;
		return -1;
	}
	if (memchr(lr->buf + lr->end, '\0', (size_t)n) != NULL) {
		linereader_fail(lr, "binary data in a text file", "binary", 0);
		return -1;
	}
	if (EVP_DigestUpdate(lr->md, lr->buf + lr->end, (size_t)n) != 1)
		fatalx("linereader: EVP_DigestUpdate failed");
	lr->total += (size_t)n;
	if (lr->total > lr->max_bytes) {
		linereader_fail(lr, "too large", "too_large", 0);
		return -1;
	}
	lr->end += (size_t)n;
	return 0;
}

char *
linereader_next(struct linereader *lr, size_t *lineno)
{
	char	*line, *nl;
	size_t	 scanned = 0, len;

	for (;;) {
		nl = memchr(lr->buf + lr->start + scanned, '\n',
		    lr->end - lr->start - scanned);
		if (nl != NULL)
			break;
		scanned = lr->end - lr->start;
		if (linereader_fill(lr) == -1) {
			/* A last line without "\n" still counts. */
			if (lr->failure != NULL || lr->end == lr->start)
				return NULL;
			nl = lr->buf + lr->end;
			break;
		}
	}
	line = lr->buf + lr->start;
	len = (size_t)(nl - line);
	if (nl < lr->buf + lr->end)
		lr->start += len + 1;
	else
		lr->start = lr->end;
	line[len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[len - 1] = '\0';
	*lineno = ++lr->lineno;
	return line;
}

int
linereader_close(struct linereader *lr)
{
	unsigned char	md[DIGEST_SHA256_LEN];
	char		hex[DIGEST_SHA256_HEXLEN];
	unsigned int	mdlen;
	int		rc = 0;

	/* Drain, so the digest covers the whole file even when the parser
	 * stopped early on purpose. */
	while (lr->failure == NULL && !lr->eof) {
		lr->start = lr->end;
		(void)linereader_fill(lr);
	}
	if (lr->failure != NULL) {
		if (lr->failerr != 0)
			section_error(lr->section, "%s: %s: %s", lr->path,
			    lr->failure, strerror(lr->failerr));
		else
			section_error(lr->section, "%s: %s, not read", lr->path,
			    lr->failure);
		section_add_status(lr->section, lr->path, lr->status);
		rc = -1;
	} else {
		if (EVP_DigestFinal_ex(lr->md, md, &mdlen) != 1)
			fatalx("linereader: EVP_DigestFinal_ex failed");
		section_add_source(lr->section, lr->path,
		    hex_encode_buf(md, sizeof(md), hex), lr->total);
	}
	EVP_MD_CTX_free(lr->md);
	close(lr->fd);
	free(lr->buf);
	free(lr->path);
	free(lr);
	return rc;
}
