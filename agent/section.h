/*
 * One evidence section under construction: its data, the files it was
 * built from (path, sha256, size, or why a file was not read) and the
 * errors met on the way.  Collectors read the host only through these
 * functions, so every value can be tied to the file that held it.
 */
#ifndef EXHIBIT_SECTION_H
#define EXHIBIT_SECTION_H

#include <sys/stat.h>

#include <stddef.h>

#include <json-c/json.h>

struct hostroot;
struct section;

struct section	*section_new(const char *name, struct hostroot *);
void		 section_free(struct section *);

const char	*section_name(const struct section *);
struct hostroot	*section_root(const struct section *);

/* The "data" object collectors fill. */
struct json_object *section_data(struct section *);

/*
 * Read a text file (absolute in-root path) into an allocated,
 * NUL-terminated buffer.  Returns 0 and records the file as a source.
 * Returns -1 when it was not read: absent (errno ENOENT; recorded as an
 * absent source, not an error, since absence is itself evidence), or
 * unreadable, too large, binary, a directory, a symlink loop (recorded as
 * a source with that status and as an error).
 */
int	section_read(struct section *, const char *path, char **buf,
	    size_t *len);

/* The same for a file that may hold any bytes. */
int	section_read_binary(struct section *, const char *path, char **buf,
	    size_t *len);

/* The first line of a one-value file (/etc/hostname, /etc/machine-id, a
 * crypto policy) that is neither blank nor a "#" comment, trimmed and
 * allocated; NULL when unread or when there is none. */
char	*section_first_line(struct section *, const char *path);

/*
 * Names in a directory, sorted bytewise, without "." and "..", keeping
 * only those ending in suffix (NULL for all).  An absent directory gives
 * zero names and returns 0; other failures are errors and return -1.
 */
int	section_list_dir(struct section *, const char *dir, const char *suffix,
	    char ***names, size_t *count);
void	section_free_names(char **names, size_t count);

/*
 * The same listing with each entry's lstat(2) (taken relative to the
 * opened directory, so nothing is followed and no path is resolved again):
 * for walks over whole trees.  An entry whose lstat failed has stat_errno
 * set.
 */
struct section_dirent {
	char		*name;
	struct stat	 st;
	int		 stat_errno;
};
int	section_list_dir_stat(struct section *, const char *dir,
	    struct section_dirent **entries, size_t *count);
void	section_free_dirents(struct section_dirent *, size_t count);

/* stat(2) an in-root path, following symlinks unless nofollow.  -1 with
 * errno when it fails; failures other than absence are errors. */
int	section_stat(struct section *, const char *path, struct stat *,
	    int nofollow);

/* Read a symlink's target as stored (not resolved); NULL if not a link. */
char	*section_readlink(struct section *, const char *path);

/*
 * Record a source that was read elsewhere (through a cache shared by
 * several sections): sha256 is its hex digest.  For evidence that is not
 * one file, such as a directory listing, the digest is over a text form
 * the collector documents.
 */
void	section_add_source(struct section *, const char *path,
	    const char *sha256, size_t size);
void	section_add_absent(struct section *, const char *path);

/* A source that was looked at but not read, with why: "too_large",
 * "binary", "unreadable", "not_a_file", "symlink_loop". */
void	section_add_status(struct section *, const char *path,
	    const char *status);

/*
 * Take over the sources and errors another section gathered: shared
 * parsers (the package database, systemd units) read into a private
 * section once per run, then every section that uses the result imports
 * its provenance.  errors is an array of {"section", "message"} as
 * section_finish() makes them.
 */
void	section_import(struct section *, struct json_object *sources,
	    struct json_object *errors);

void	section_error(struct section *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Finish: returns the section as compact JSON text,
 * {"digest": "sha256:<hex>", "sources": [...], "data": {...}}, allocated,
 * and appends the section's errors, as {"section", "message"}, to errors.
 * The digest is the SHA-256 of the text after the digest member, that is
 * of {"sources": ..., "data": ...} exactly as it appears, so an unchanged
 * host gives an unchanged digest and anyone can recompute it.
 */
char	*section_finish(struct section *, struct json_object *errors);

/*
 * What several collectors share (the package database, systemd units,
 * passwd, sshd_config): load(priv, arg) runs once per root, cached under
 * key, reading into a private section; every section that asks gets the
 * cached value and imports the files and errors behind it.  free_fn
 * releases the value with the root.
 */
void	*section_shared(struct section *, const char *key,
	    void *(*load)(struct section *priv, const void *arg),
	    const void *arg, void (*free_fn)(void *));

#endif
