/*
 * Evidence sections.  Every file a collector looks at is listed in the
 * section's sources, read or not, so an auditor can see both what a value
 * came from and what was looked for and missing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "fileio.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "log.h"
#include "path.h"
#include "section.h"
#include "text.h"
#include "xmalloc.h"

struct section {
	char			*name;
	struct hostroot		*root;
	struct json_object	*data;
	struct json_object	*sources;	/* array, in reading order */
	struct json_object	*seen;		/* path -> index in sources */
	struct json_object	*errors;	/* array of strings */
};

struct section *
section_new(const char *name, struct hostroot *root)
{
	struct section	*s;

	s = xcalloc(1, sizeof(*s));
	s->name = xstrdup(name);
	s->root = root;
	s->data = json_object_new_object();
	s->sources = json_object_new_array();
	s->seen = json_object_new_object();
	s->errors = json_object_new_array();
	if (s->data == NULL || s->sources == NULL || s->seen == NULL ||
	    s->errors == NULL)
		fatalx("section_new: out of memory");
	return s;
}

void
section_free(struct section *s)
{
	if (s == NULL)
		return;
	json_object_put(s->data);
	json_object_put(s->sources);
	json_object_put(s->seen);
	json_object_put(s->errors);
	free(s->name);
	free(s);
}

const char *
section_name(const struct section *s)
{
	return s->name;
}

struct hostroot *
section_root(const struct section *s)
{
	return s->root;
}

struct json_object *
section_data(struct section *s)
{
	return s->data;
}

void
section_error(struct section *s, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *esc;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatalx("section_error: out of memory");
	va_end(ap);
	/* Messages quote paths and lines: any bytes at all. */
	esc = jsonutil_utf8_escape(msg, strlen(msg));
	json_object_array_add(s->errors, json_object_new_string(esc ? esc :
	    msg));
	free(esc);
	free(msg);
}

/* Record path once; a file read twice (an Include cycle, say) is one
 * source. */
static void
section_source_record(struct section *s, const char *path,
    const char *status, const char *sha256, size_t len)
{
	struct json_object	*src;

	if (json_object_object_get_ex(s->seen, path, NULL))
		return;
	jsonutil_set_int64(s->seen, path,
	    (int64_t)json_object_array_length(s->sources));
	src = json_object_new_object();
	jsonutil_set_string(src, "path", path);
	if (status == NULL) {
		jsonutil_set_string(src, "sha256", sha256);
		jsonutil_set_int64(src, "size", (int64_t)len);
	} else
		jsonutil_set_string(src, "status", status);
	json_object_array_add(s->sources, src);
}

static void
section_source(struct section *s, const char *path, const char *status,
    const char *data, size_t len)
{
	char	hex[DIGEST_SHA256_HEXLEN];

	section_source_record(s, path, status,
	    status == NULL ? digest_sha256_hex(data, len, hex) : NULL, len);
}

void
section_add_source(struct section *s, const char *path, const char *sha256,
    size_t size)
{
	section_source_record(s, path, NULL, sha256, size);
}

static int
section_has_error(struct section *s, const char *msg)
{
	size_t	i;

	for (i = 0; i < json_object_array_length(s->errors); i++) {
		if (strcmp(json_object_get_string(json_object_array_get_idx(
		    s->errors, i)), msg) == 0)
			return 1;
	}
	return 0;
}

void
section_import(struct section *s, struct json_object *sources,
    struct json_object *errors)
{
	struct json_object	*src, *e;
	const char		*path, *msg;
	size_t			 i;

	for (i = 0; i < json_object_array_length(sources); i++) {
		src = json_object_array_get_idx(sources, i);
		if (jsonutil_get_string(src, "path", &path) == -1 ||
		    json_object_object_get_ex(s->seen, path, NULL))
			continue;
		jsonutil_set_int64(s->seen, path,
		    (int64_t)json_object_array_length(s->sources));
		json_object_array_add(s->sources, json_object_get(src));
	}
	/* Several shared parsers, or one asked twice, report a failure
	 * once. */
	for (i = 0; i < json_object_array_length(errors); i++) {
		e = json_object_array_get_idx(errors, i);
		if (jsonutil_get_string(e, "message", &msg) == 0 &&
		    !section_has_error(s, msg))
			section_error(s, "%s", msg);
	}
}

void
section_add_absent(struct section *s, const char *path)
{
	section_source_record(s, path, "absent", NULL, 0);
}

void
section_add_status(struct section *s, const char *path, const char *status)
{
	section_source_record(s, path, status, NULL, 0);
}

/* Absence is evidence, not an error: ENOENT and ENOTDIR both mean the
 * path does not exist in this root. */
static int
section_absent(int err)
{
	return err == ENOENT || err == ENOTDIR;
}

static const char *
section_status(int err)
{
	switch (err) {
	case EFBIG:
		return "too_large";
	case EISDIR:
		return "not_a_file";
	case ELOOP:
		return "symlink_loop";
	case EILSEQ:
		return "binary";
	default:
		return "unreadable";
	}
}

static void
section_failed(struct section *s, const char *path, int err)
{
	section_source(s, path, section_status(err), NULL, 0);
	switch (err) {
	case EFBIG:
		section_error(s, "%s: larger than %zu bytes, not read", path,
		    hostroot_max_file_size(s->root));
		break;
	case EILSEQ:
		section_error(s, "%s: binary data in a text file, not read",
		    path);
		break;
	case ELOOP:
		section_error(s, "%s: too many levels of symbolic links", path);
		break;
	case EISDIR:
		section_error(s, "%s: not a regular file, not read", path);
		break;
	default:
		section_error(s, "%s: %s", path, strerror(err));
		break;
	}
}

static int
section_read_file(struct section *s, const char *path, int text, char **buf,
    size_t *len)
{
	struct stat	 st;
	char		*data;
	size_t		 n;
	int		 fd, err;

	*buf = NULL;
	*len = 0;
	fd = path_open_in_root(hostroot_fd(s->root), path,
	    O_RDONLY | O_NOCTTY | O_NONBLOCK, NULL);
	if (fd == -1) {
		err = errno;
		goto fail;
	}
	/* A FIFO or device could block or never end: regular files only. */
	if (fstat(fd, &st) == -1)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EISDIR;
	else if (fileio_read_fd(fd, hostroot_max_file_size(s->root), &data,
	    &n) == -1)
		err = errno;
	else
		err = 0;
	close(fd);
	if (err != 0)
		goto fail;
	if (text && memchr(data, '\0', n) != NULL) {
		free(data);
		err = EILSEQ;
		goto fail;
	}
	section_source(s, path, NULL, data, n);
	*buf = data;
	*len = n;
	return 0;
fail:
	if (section_absent(err))
		section_source(s, path, "absent", NULL, 0);
	else
		section_failed(s, path, err);
	errno = err;
	return -1;
}

int
section_read(struct section *s, const char *path, char **buf, size_t *len)
{
	return section_read_file(s, path, 1, buf, len);
}

int
section_read_binary(struct section *s, const char *path, char **buf,
    size_t *len)
{
	return section_read_file(s, path, 0, buf, len);
}

char *
section_first_line(struct section *s, const char *path)
{
	char	*buf, *cur, *line, *out = NULL;
	size_t	 len;

	if (section_read(s, path, &buf, &len) == -1)
		return NULL;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		if (!text_is_comment(line, "#")) {
			out = xstrdup(line);
			break;
		}
	}
	free(buf);
	return out;
}

static int
section_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
section_dirent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct section_dirent *)a)->name,
	    ((const struct section_dirent *)b)->name);
}

int
section_list_dir_stat(struct section *s, const char *dir,
    struct section_dirent **entries, size_t *count)
{
	struct section_dirent	*v = NULL;
	struct dirent		*de;
	DIR			*d;
	size_t			 n = 0;
	int			 fd, err;

	*entries = NULL;
	*count = 0;
	fd = path_open_in_root(hostroot_fd(s->root), dir,
	    O_RDONLY | O_DIRECTORY, NULL);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		err = errno;
		if (fd != -1)
			close(fd);
		if (section_absent(err))
			return 0;
		section_error(s, "%s: %s", dir, strerror(err));
		errno = err;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n].name = xstrdup(de->d_name);
		v[n].stat_errno = fstatat(dirfd(d), de->d_name, &v[n].st,
		    AT_SYMLINK_NOFOLLOW) == -1 ? errno : 0;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), section_dirent_cmp);
	*entries = v;
	*count = n;
	return 0;
}

void
section_free_dirents(struct section_dirent *v, size_t count)
{
	size_t	i;

	for (i = 0; i < count; i++)
		free(v[i].name);
	free(v);
}

int
section_list_dir(struct section *s, const char *dir, const char *suffix,
    char ***names, size_t *count)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 n = 0, slen = suffix != NULL ? strlen(suffix) : 0;
	size_t		 nlen;
	int		 fd, err;

	*names = NULL;
	*count = 0;
	fd = path_open_in_root(hostroot_fd(s->root), dir,
	    O_RDONLY | O_DIRECTORY, NULL);
	if (fd == -1) {
		err = errno;
		if (section_absent(err))
			return 0;
		section_error(s, "%s: %s", dir, strerror(err));
		errno = err;
		return -1;
	}
	if ((d = fdopendir(fd)) == NULL) {
		err = errno;
		close(fd);
		section_error(s, "%s: %s", dir, strerror(err));
		errno = err;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		nlen = strlen(de->d_name);
		if (slen > 0 && (nlen < slen ||
		    strcmp(de->d_name + nlen - slen, suffix) != 0))
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), section_cmp);
	*names = v;
	*count = n;
	return 0;
}

void
section_free_names(char **names, size_t count)
{
	size_t	i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int
section_stat(struct section *s, const char *path, struct stat *st,
    int nofollow)
{
	int	fd, err;

	fd = path_open_in_root(hostroot_fd(s->root), path,
	    O_PATH | (nofollow ? O_NOFOLLOW : 0), NULL);
	if (fd == -1 || fstat(fd, st) == -1) {
		err = errno;
		if (fd != -1)
			close(fd);
		if (!section_absent(err))
			section_error(s, "%s: %s", path, strerror(err));
		errno = err;
		return -1;
	}
	close(fd);
	return 0;
}

char *
section_readlink(struct section *s, const char *path)
{
	char	buf[4096];
	ssize_t	n;
	int	fd;

	fd = path_open_in_root(hostroot_fd(s->root), path,
	    O_PATH | O_NOFOLLOW, NULL);
	if (fd == -1)
		return NULL;
	n = readlinkat(fd, "", buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static void
section_move_errors(struct section *s, struct json_object *errors)
{
	struct json_object	*e;
	size_t			 i;

	for (i = 0; i < json_object_array_length(s->errors); i++) {
		e = json_object_new_object();
		jsonutil_set_string(e, "section", s->name);
		jsonutil_set(e, "message", json_object_get(
		    json_object_array_get_idx(s->errors, i)));
		json_object_array_add(errors, e);
	}
}

static void
section_sanitize(struct section *s)
{
	struct json_object	*v;

	if ((v = jsonutil_sanitize(s->data)) != s->data) {
		json_object_put(s->data);
		s->data = v;
	}
	if ((v = jsonutil_sanitize(s->sources)) != s->sources) {
		json_object_put(s->sources);
		s->sources = v;
	}
}

char *
section_finish(struct section *s, struct json_object *errors)
{
	struct json_object	*hashed;
	const char		*text;
	char			 hex[DIGEST_SHA256_HEXLEN], *out;

	/* Host files may hold any bytes; the document must be JSON. */
	section_sanitize(s);

	/* The digest covers what the section says and where it came from,
	 * as the very bytes that follow it: serialised once. */
	hashed = json_object_new_object();
	jsonutil_set(hashed, "sources", json_object_get(s->sources));
	jsonutil_set(hashed, "data", json_object_get(s->data));
	text = jsonutil_to_string(hashed, 0);
	digest_sha256_hex(text, strlen(text), hex);
	out = xasprintf("{\"digest\":\"sha256:%s\",%s", hex, text + 1);
	json_object_put(hashed);
	section_move_errors(s, errors);
	return out;
}

struct section_shared {
	void			 *value;
	void			(*free_fn)(void *);
	struct json_object	 *sources;
	struct json_object	 *errors;
};

static void
section_shared_free(void *p)
{
	struct section_shared	*sh = p;

	sh->free_fn(sh->value);
	json_object_put(sh->sources);
	json_object_put(sh->errors);
	free(sh);
}

void *
section_shared(struct section *s, const char *key,
    void *(*load)(struct section *, const void *), const void *arg,
    void (*free_fn)(void *))
{
	struct section_shared	*sh;
	struct section		*priv;

	if ((sh = hostroot_cache_get(s->root, key)) == NULL) {
		sh = xcalloc(1, sizeof(*sh));
		priv = section_new(key, s->root);
		sh->value = load(priv, arg);
		sh->free_fn = free_fn;
		section_sanitize(priv);
		sh->errors = json_object_new_array();
		section_move_errors(priv, sh->errors);
		sh->sources = json_object_get(priv->sources);
		section_free(priv);
		hostroot_cache_put(s->root, key, sh, section_shared_free);
	}
	section_import(s, sh->sources, sh->errors);
	return sh->value;
}
