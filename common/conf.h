/*
 * INI-style configuration files: "[section]", "key = value", "#" comments.
 *
 * Each program describes its keys in a table of struct conf_key; the parser
 * fills the program's own struct through the offsets in that table.  Every
 * problem is collected as "file:line: message" so that "-n" can print all
 * of them at once, and a program never starts with a file it did not fully
 * understand.
 */
#ifndef EXHIBIT_CONF_H
#define EXHIBIT_CONF_H

#include <stddef.h>
#include <stdint.h>

#define CONF_MAX_LINE	1024		/* longer lines are an error */
#define CONF_MAX_FILE	(1024 * 1024)	/* larger files are an error */
#define CONF_MAX_ERRORS	100		/* then one "too many errors" */

enum conf_type {
	CONF_STRING,	/* char *, any text */
	CONF_PATH,	/* char *, must be absolute */
	CONF_URL,	/* char *, http:// or https:// with a host */
	CONF_HOSTPORT,	/* char *, "host:port" or "[v6]:port", port 1-65535 */
	CONF_INT,	/* long long within [min, max] */
	CONF_BOOL,	/* int: yes/no, true/false, on/off, 1/0 */
	CONF_SIZE,	/* uint64_t bytes: 512, 64K, 4M, 1G (powers of 1024) */
	CONF_DURATION,	/* long long seconds: 90, 90s, 15m, 2h, 7d, 1w, 1h30m */
	CONF_ENUM,	/* int index into choices */
};

struct conf_key {
	const char		*section;
	const char		*name;
	enum conf_type		 type;
	size_t			 offset;	/* offsetof() in the target */
	const char		*defval;	/* NULL: no default, stays unset */
	long long		 min, max;	/* INT, SIZE, DURATION; 0,0 = any */
	const char *const	*choices;	/* ENUM, NULL-terminated */
};

struct conf_errors {
	char	**msg;		/* "file:line: message" */
	size_t	  count;	/* messages kept, at most CONF_MAX_ERRORS + 1 */
	size_t	  total;	/* errors found, kept or not */
};

/* Set every key that has a default.  Defaults are checked like file
 * values; a bad default is a programming error and fatal. */
void	conf_defaults(const struct conf_key *, size_t nkeys, void *target);

/* Parse the file at path into target; returns the number of errors added
 * to errs (0 on success).  A missing, unreadable or non-regular file is an
 * error too, reported as "path: reason". */
int	conf_load_file(const char *path, const struct conf_key *, size_t nkeys,
	    void *target, struct conf_errors *errs);

/* The same for text in memory; name is used in messages. */
int	conf_load_buffer(const char *name, const char *buf, size_t len,
	    const struct conf_key *, size_t nkeys, void *target,
	    struct conf_errors *errs);

/* Free every string the table's keys hold in target. */
void	conf_free(const struct conf_key *, size_t nkeys, void *target);

void	conf_errors_add(struct conf_errors *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	conf_errors_free(struct conf_errors *);

/* Log every error with log_warnx, in the order found. */
void	conf_errors_log(const struct conf_errors *);

/* Value parsers, shared with command-line options (-1 on bad input). */
int	conf_parse_size(const char *, uint64_t *);
int	conf_parse_bool(const char *, int *);

#endif
