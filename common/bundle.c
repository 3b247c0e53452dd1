/*
 * tar.gz members in and out through libarchive.  Only what Exhibit
 * writes is read back: gzip and tar, regular files; the reader enables
 * no other filter or format, so a hostile bundle meets as little parser
 * as possible.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "bundle.h"
#include "encode.h"
#include "fileio.h"
#include "xmalloc.h"

struct bundle_writer {
	struct archive	*a;
	int		 fd;
	char		*path;		/* NULL: standard output */
	char		*tmp;
	time_t		 mtime;
	FILE		*listing;	/* "<hex>  <name>\n" per listed member */
	size_t		 members;
};

struct bundle_reader {
	struct archive	*a;
	struct archive_entry *e;
	char		*buf;
	size_t		 cap;
};

int
bundle_name_ok(const char *name)
{
	const char	*p, *c;
	size_t		 n;

	if (*name == '\0' || *name == '/' || strlen(name) > 255)
		return -1;
	for (p = name; *p != '\0'; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '\\')
			return -1;
	for (c = name; ; c = p + 1) {
		p = strchr(c, '/');
		n = p == NULL ? strlen(c) : (size_t)(p - c);
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return -1;
		if (p == NULL)
			return 0;
	}
}

struct bundle_writer *
bundle_writer_open(const char *path, time_t mtime, char *err, size_t errlen)
{
	struct bundle_writer	*w;

	w = xcalloc(1, sizeof(*w));
	w->mtime = mtime;
	w->fd = -1;
	if ((w->listing = tmpfile()) == NULL) {
		snprintf(err, errlen, "temporary file: %s", strerror(errno));
		free(w);
		return NULL;
	}
	if (strcmp(path, "-") == 0)
		w->fd = STDOUT_FILENO;
	else {
		w->path = xstrdup(path);
		w->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
		w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0640);
		if (w->fd == -1) {
			snprintf(err, errlen, "%s: %s", w->tmp,
			    strerror(errno));
			goto fail;
		}
	}
	w->a = archive_write_new();
	if (archive_write_add_filter_gzip(w->a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(w->a, w->fd) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    archive_error_string(w->a));
		goto fail;
	}
	return w;
fail:
	bundle_writer_abort(w);
	return NULL;
}

/* A regular file's header: its data follows. */
static int
bundle_header(struct bundle_writer *w, const char *name, size_t len,
    char *err, size_t errlen)
{
	struct archive_entry	*e;
	int			 rc = 0;

	if (bundle_name_ok(name) == -1) {
		snprintf(err, errlen, "bundle: bad member name \"%.80s\"",
		    name);
		return -1;
	}
	e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, w->mtime, 0);
	if (archive_write_header(w->a, e) != ARCHIVE_OK) {
		snprintf(err, errlen, "bundle: %s: %s", name,
		    archive_error_string(w->a));
		rc = -1;
	}
	archive_entry_free(e);
	return rc;
}

static int
bundle_put(struct bundle_writer *w, const char *name, const void *data,
    size_t len, char *err, size_t errlen)
{
	if (bundle_header(w, name, len, err, errlen) == -1)
		return -1;
	if (len > 0 && archive_write_data(w->a, data, len) != (la_ssize_t)len) {
		snprintf(err, errlen, "bundle: %s: %s", name,
		    archive_error_string(w->a));
		return -1;
	}
	w->members++;
	return 0;
}

int
bundle_add(struct bundle_writer *w, const char *name, const void *data,
    size_t len, char *err, size_t errlen)
{
	char	hex[DIGEST_SHA256_HEXLEN];

	if (bundle_put(w, name, data, len, err, errlen) == -1)
		return -1;
	if (fprintf(w->listing, "%s  %s\n", digest_sha256_hex(data, len, hex),
	    name) < 0) {
		snprintf(err, errlen, "bundle: listing: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
bundle_add_unlisted(struct bundle_writer *w, const char *name,
    const void *data, size_t len, char *err, size_t errlen)
{
	return bundle_put(w, name, data, len, err, errlen);
}

int
bundle_add_listing(struct bundle_writer *w, const char *name,
    unsigned char digest[DIGEST_SHA256_LEN], char *err, size_t errlen)
{
	EVP_MD_CTX		*md;
	char			 buf[65536];
	size_t			 n;
	long			 size;
	int			 rc = -1;

	if (fflush(w->listing) == EOF || (size = ftell(w->listing)) < 0 ||
	    fseek(w->listing, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "bundle: listing: %s", strerror(errno));
		return -1;
	}
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, digest_sha256_md(), NULL) != 1)
		goto out;
	if (bundle_header(w, name, (size_t)size, err, errlen) == -1)
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), w->listing)) > 0) {
		if (archive_write_data(w->a, buf, n) != (la_ssize_t)n) {
			snprintf(err, errlen, "bundle: %s: %s", name,
			    archive_error_string(w->a));
			goto out;
		}
		EVP_DigestUpdate(md, buf, n);
	}
	if (ferror(w->listing)) {
		snprintf(err, errlen, "bundle: listing: %s", strerror(errno));
		goto out;
	}
	EVP_DigestFinal_ex(md, digest, NULL);
	w->members++;
	rc = 0;
out:
	if (rc == -1 && err[0] == '\0')
		snprintf(err, errlen, "bundle: %s: digest failed", name);
	EVP_MD_CTX_free(md);
	return rc;
}

size_t
bundle_members(const struct bundle_writer *w)
{
	return w->members;
}

int
bundle_writer_close(struct bundle_writer *w, char *err, size_t errlen)
{
	int	rc = 0;

	if (archive_write_close(w->a) != ARCHIVE_OK) {
		snprintf(err, errlen, "bundle: %s", archive_error_string(w->a));
		rc = -1;
	}
	archive_write_free(w->a);
	w->a = NULL;
	if (rc == 0 && w->path != NULL) {
		/* The bundle is evidence in its own right: on disk before
		 * it has its name. */
		if (fsync(w->fd) == -1 || close(w->fd) == -1 ||
		    (w->fd = -1, rename(w->tmp, w->path) == -1) ||
		    fileio_sync_parent(w->path) == -1) {
			snprintf(err, errlen, "%s: %s", w->path,
			    strerror(errno));
			rc = -1;
		} else {
			free(w->tmp);
			w->tmp = NULL;
		}
	}
	bundle_writer_abort(w);
	return rc;
}

void
bundle_writer_abort(struct bundle_writer *w)
{
	if (w == NULL)
		return;
	if (w->a != NULL)
		archive_write_free(w->a);
	if (w->fd != -1 && w->fd != STDOUT_FILENO)
		close(w->fd);
	if (w->tmp != NULL)
		unlink(w->tmp);
	if (w->listing != NULL)
		fclose(w->listing);
	free(w->tmp);
	free(w->path);
	free(w);
}

struct bundle_reader *
bundle_reader_open(const char *path, char *err, size_t errlen)
{
	struct bundle_reader	*r;
	int			 rc;

	r = xcalloc(1, sizeof(*r));
	r->a = archive_read_new();
	archive_read_support_filter_gzip(r->a);
	archive_read_support_format_tar(r->a);
	if (strcmp(path, "-") == 0)
		rc = archive_read_open_fd(r->a, STDIN_FILENO, 65536);
	else
		rc = archive_read_open_filename(r->a, path, 65536);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    archive_error_string(r->a));
		bundle_reader_close(r);
		return NULL;
	}
	return r;
}

int
bundle_next(struct bundle_reader *r, const char **name, size_t *size,
    char *err, size_t errlen)
{
	const char	*n;
	int		 rc;

	rc = archive_read_next_header(r->a, &r->e);
	if (rc == ARCHIVE_EOF)
		return 0;
	if (rc != ARCHIVE_OK) {
		snprintf(err, errlen, "not a readable bundle: %s",
		    archive_error_string(r->a));
		return -1;
	}
	n = archive_entry_pathname(r->e);
	if (n == NULL || bundle_name_ok(n) == -1) {
		snprintf(err, errlen, "member \"%.80s\": not a name a bundle "
		    "holds", n == NULL ? "" : n);
		return -1;
	}
	if (archive_entry_filetype(r->e) != AE_IFREG ||
	    !archive_entry_size_is_set(r->e) || archive_entry_size(r->e) < 0) {
		snprintf(err, errlen, "member %s: not a regular file", n);
		return -1;
	}
	*name = n;
	*size = (size_t)archive_entry_size(r->e);
	return 1;
}

long
bundle_read(struct bundle_reader *r, void *buf, size_t len, char *err,
    size_t errlen)
{
	la_ssize_t	n;

	n = archive_read_data(r->a, buf, len);
	if (n < 0) {
		snprintf(err, errlen, "member %s: %s",
		    archive_entry_pathname(r->e), archive_error_string(r->a));
		return -1;
	}
	return (long)n;
}

int
bundle_read_all(struct bundle_reader *r, const char **data, size_t *len,
    unsigned char digest[DIGEST_SHA256_LEN], char *err, size_t errlen)
{
	size_t	size = (size_t)archive_entry_size(r->e), got = 0;
	long	n;

	if (size > BUNDLE_MEMBER_MAX) {
		snprintf(err, errlen, "member %s: %zu bytes, more than a "
		    "bundle member may hold (%u)",
		    archive_entry_pathname(r->e), size, BUNDLE_MEMBER_MAX);
		return -1;
	}
	if (r->cap < size + 1) {
		free(r->buf);
		r->cap = size + 1 < 65536 ? 65536 : size + 1;
		r->buf = xmalloc(r->cap);
	}
	while (got < size) {
		if ((n = bundle_read(r, r->buf + got, size - got, err,
		    errlen)) == -1)
			return -1;
		if (n == 0) {
			snprintf(err, errlen, "member %s: cut short",
			    archive_entry_pathname(r->e));
			return -1;
		}
		got += (size_t)n;
	}
	r->buf[size] = '\0';
	digest_sha256(r->buf, size, digest);
	*data = r->buf;
	*len = size;
	return 0;
}

void
bundle_reader_close(struct bundle_reader *r)
{
	if (r == NULL)
		return;
	archive_read_free(r->a);
	free(r->buf);
	free(r);
}
