/*
 * systemd's own configuration files (journald.conf, timesyncd.conf, ...):
 * "[Section]" and "Key=Value" lines, a main file and *.conf drop-ins,
 * read in the order and with the rules of systemd 252's
 * config_parse_many_nulstr(), so the collectors that report them apply
 * assignments exactly as the daemon does.
 */
#ifndef EXHIBIT_SDCONF_H
#define EXHIBIT_SDCONF_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct section;

struct sdconf_assign {
	const char	*key;		/* as written, compared exactly */
	const char	*value;		/* trimmed, continuations joined */
	const char	*file;
	size_t		 line;		/* the logical line's last line */
};

struct sdconf {
	struct sdconf_assign	*assigns;	/* in the order systemd applies
						 * them: main file, then
						 * drop-ins by file name */
	size_t			 nassigns;
	char			**files;	/* files read, in that order */
	size_t			 nfiles;
	char			**masked;	/* links to /dev/null */
	size_t			 nmasked;
	int			 complete;	/* every file read to its end */
	int			 unknown;	/* a file could not be read that
					 * the daemon may read (permission,
					 * size, binary): the settings are
					 * not known */
	char			**bufs;		/* storage of the strings */
	size_t			 nbufs;
};

/*
 * Read main (an in-root path such as "/etc/systemd/journald.conf") and
 * the drop-ins in dropin ("journald.conf.d") under /etc/systemd, /run/
 * systemd, /usr/local/lib/systemd, /usr/lib/systemd and /lib/systemd,
 * keeping the assignments of the one section sect ("Journal").  Problems
 * are recorded in s; the result is always usable.
 */
void	sdconf_read(struct section *s, const char *main, const char *dropin,
	    const char *sect, struct sdconf *out);
void	sdconf_free(struct sdconf *);

/* The files read, as a JSON array of paths. */
struct json_object *sdconf_files_json(const struct sdconf *);

/* "path:line" of an assignment; free it. */
char	*sdconf_where(const struct sdconf_assign *);

/* systemd's value parsers: parse_boolean(), parse_size() in base 1024,
 * parse_sec() (microseconds; UINT64_MAX for "infinity").  0 or -1. */
int	sdconf_parse_bool(const char *, int *);
int	sdconf_parse_size(const char *, uint64_t *);
int	sdconf_parse_timespan(const char *, uint64_t *);

#endif
