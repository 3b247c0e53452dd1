/*
 * Reader for systemd's "[Section] Key=Value" configuration files with
 * drop-ins, following systemd 252 (src/shared/conf-parser.c,
 * src/basic/conf-files.c) rather than a generic INI reader, because the
 * evidence must be what the daemon itself applies:
 *
 * - the main file first (only /etc/systemd/NAME in 252; later versions
 *   also search /run and /usr/lib, 252 does not), then every *.conf in
 *   the NAME.d directories of /etc/systemd, /run/systemd,
 *   /usr/local/lib/systemd, /usr/lib/systemd and /lib/systemd (split-usr
 *   builds such as Debian 12's; on merged-usr hosts the same files as
 *   /usr/lib), a file name in an earlier directory hiding the same name
 *   in later ones, hidden files skipped, applied sorted by file name;
 * - a drop-in linked to /dev/null is read as empty, so it masks;
 * - lines: "#" and ";" comments, a trailing backslash joins the next
 *   line, a UTF-8 byte order mark at the start is skipped;
 * - an invalid section header ("[Journal" without "]"), a line that is
 *   not UTF-8, or a file that cannot be read aborts the whole parse:
 *   252 keeps the assignments made so far and reads nothing after, and
 *   so do we (complete is then false; unknown too when the file may be
 *   readable to the daemon but not to us);
 * - a line without "=" or without a key is ignored (with an error here);
 *   assignments outside the wanted section are ignored (those before
 *   any section header with an error, as systemd warns of them).
 * Values are not interpreted here: each key has its own parser in the
 * daemon, and the collectors apply them (the helpers below mirror
 * parse_boolean(), parse_size() and parse_sec()).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonutil.h"
#include "sdconf.h"
#include "section.h"
#include "xmalloc.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SDCONF_LINE_MAX	(1024 * 1024)	/* systemd's LONG_LINE_MAX */

static const char *const sdconf_dirs[] = {
	"/etc/systemd", "/run/systemd", "/usr/local/lib/systemd",
	"/usr/lib/systemd", "/lib/systemd",
};

struct sdconf_parse {
	struct section	*s;
	struct sdconf	*c;
	const char	*sect;
	const char	*path;		/* owned by c->files */
	int		 in_sect;
	int		 any_sect;	/* a section header was read */
};

/* Room for element n of an array holding n: the size doubles at each
 * power of two, so that appending one at a time stays linear. */
static void *
sdconf_grow(void *p, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		p = xreallocarray(p, n ? n * 2 : 1, size);
	return p;
}

static char *
sdconf_keep(struct sdconf *c, char *buf)
{
	c->bufs = sdconf_grow(c->bufs, c->nbufs, sizeof(*c->bufs));
	c->bufs[c->nbufs++] = buf;
	return buf;
}

static int
sdconf_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static char *
sdconf_strip(char *p)
{
	char	*e;

	while (sdconf_ws(*p))
		p++;
	e = p + strlen(p);
	while (e > p && sdconf_ws(e[-1]))
		*--e = '\0';
	return p;
}

/* utf8_is_valid(): well-formed, shortest form, no surrogates, at most
 * U+10FFFF. */
static int
sdconf_utf8_valid(const char *str)
{
	const unsigned char	*p = (const unsigned char *)str;
	uint32_t		 cp;
	size_t			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 2;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 3;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 4;
			cp = *p & 0x07;
		} else
			return 0;
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n;
	}
	return 1;
}

/* parse_line(): 0 to go on, -1 when systemd stops reading. */
static int
sdconf_line(struct sdconf_parse *p, char *l, size_t lineno)
{
	struct sdconf_assign	*a;
	char			*eq, *key, *val;
	size_t			 len;

	l = sdconf_strip(l);
	if (*l == '\0')
		return 0;
	if (!sdconf_utf8_valid(l)) {
		section_error(p->s, "%s:%zu: not valid UTF-8; systemd stops "
		    "reading its configuration here", p->path, lineno);
		return -1;
	}
	if (*l == '[') {
		len = strlen(l);
		if (l[len - 1] != ']') {
			section_error(p->s, "%s:%zu: invalid section header; "
			    "systemd stops reading its configuration here",
			    p->path, lineno);
			return -1;
		}
		l[len - 1] = '\0';
		p->in_sect = strcmp(l + 1, p->sect) == 0;
		p->any_sect = 1;
		return 0;
	}
	if (!p->in_sect) {
		/* Other sections belong to other programs; an assignment
		 * before any header is a mistake systemd warns about. */
		if (!p->any_sect)
			section_error(p->s, "%s:%zu: assignment outside of a "
			    "section, ignored", p->path, lineno);
		return 0;
	}
	if ((eq = strchr(l, '=')) == NULL || eq == l) {
		section_error(p->s, "%s:%zu: not a Key=Value line, ignored",
		    p->path, lineno);
		return 0;
	}
	*eq = '\0';
	key = sdconf_strip(l);
	val = sdconf_strip(eq + 1);
	p->c->assigns = sdconf_grow(p->c->assigns, p->c->nassigns,
	    sizeof(*p->c->assigns));
	a = &p->c->assigns[p->c->nassigns++];
	a->key = key;
	a->value = val;
	a->file = p->path;
	a->line = lineno;
	return 0;
}

/* Append to a continued line, doubling its room so that long runs of
 * continuations stay linear. */
static void
sdconf_append(char **cont, size_t *clen, size_t *ccap, const char *line)
{
	size_t	k = strlen(line);

	if (*clen + k + 1 > *ccap) {
		*ccap = *ccap ? *ccap : 256;
		while (*clen + k + 1 > *ccap)
			*ccap *= 2;
		*cont = xrealloc(*cont, *ccap);
	}
	memcpy(*cont + *clen, line, k + 1);
	*clen += k;
}

/* config_parse() over one file's bytes; -1 when parsing stopped. */
static int
sdconf_parse_buf(struct sdconf_parse *p, char *buf, size_t len)
{
	char	*cur = buf, *end = buf + len, *line, *q, *cont = NULL;
	size_t	 lineno = 0, clen = 0, ccap = 0, off;
	int	 escaped;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		cur += 3;
	while (cur < end) {
		/* read_line(): "\n", "\r", "\r\n" and "\n\r" end a line. */
		line = cur;
		while (cur < end && *cur != '\n' && *cur != '\r')
			cur++;
		if (cur < end) {
			if (cur + 1 < end && cur[1] != cur[0] &&
			    (cur[1] == '\n' || cur[1] == '\r'))
				*cur++ = '\0';
			*cur++ = '\0';
		}
		lineno++;
		if ((size_t)(cur - line) > SDCONF_LINE_MAX) {
			section_error(p->s, "%s:%zu: line too long; systemd "
			    "stops reading its configuration here", p->path,
			    lineno);
			free(cont);
			return -1;
		}
		for (q = line; sdconf_ws(*q); q++)
			;
		if (*q == '#' || *q == ';')
			continue;
		if (cont != NULL) {
			if (clen + strlen(line) > SDCONF_LINE_MAX) {
				section_error(p->s, "%s:%zu: continued line "
				    "too long; systemd stops reading its "
				    "configuration here", p->path, lineno);
				free(cont);
				return -1;
			}
			/* Scanning the new part alone is enough: the joined
			 * part ends unescaped (its backslash became a
			 * blank). */
			off = clen;
			sdconf_append(&cont, &clen, &ccap, line);
			line = cont;
			q = cont + off;
		} else
			q = line;
		escaped = 0;
		for (; *q != '\0'; q++)
			escaped = escaped ? 0 : *q == '\\';
		if (escaped) {
			q[-1] = ' ';
			if (cont == NULL)
				sdconf_append(&cont, &clen, &ccap, line);
			continue;
		}
		if (cont != NULL) {
			sdconf_keep(p->c, cont);
			cont = NULL;
			clen = ccap = 0;
		}
		if (sdconf_line(p, line, lineno) == -1)
			return -1;
	}
	if (cont != NULL) {
		sdconf_keep(p->c, cont);
		if (sdconf_line(p, cont, lineno + 1) == -1)
			return -1;
	}
	return 0;
}

/* One file: 0 when read to the end, or absent; -1 when systemd would
 * stop here. */
static int
sdconf_file(struct section *s, struct sdconf *c, const char *path,
    const char *sect)
{
	struct sdconf_parse	 p;
	char			*buf, *link;
	size_t			 len;

	if ((link = section_readlink(s, path)) != NULL &&
	    strcmp(link, "/dev/null") == 0) {
		free(link);
		c->masked = sdconf_grow(c->masked, c->nmasked,
		    sizeof(*c->masked));
		c->masked[c->nmasked++] = xstrdup(path);
		return 0;
	}
	free(link);
	if (section_read(s, path, &buf, &len) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		/* systemd fails on a directory or a link loop as we do;
		 * what it reads where we cannot is unknown. */
		if (errno != EISDIR && errno != ELOOP)
			c->unknown = 1;
		return -1;
	}
	sdconf_keep(c, buf);
	c->files = sdconf_grow(c->files, c->nfiles, sizeof(*c->files));
	c->files[c->nfiles] = xstrdup(path);
	memset(&p, 0, sizeof(p));
	p.s = s;
	p.c = c;
	p.sect = sect;
	p.path = c->files[c->nfiles++];
	return sdconf_parse_buf(&p, buf, len);
}

struct sdconf_dropin {
	char	*name;
	size_t	 dir;		/* index in sdconf_dirs: priority */
};

static int
sdconf_dropin_cmp(const void *a, const void *b)
{
	const struct sdconf_dropin	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

void
sdconf_read(struct section *s, const char *main, const char *dropin,
    const char *sect, struct sdconf *c)
{
	struct sdconf_dropin	*v = NULL;
	char			**names, *path;
	size_t			  n, i, d, nv = 0;

	memset(c, 0, sizeof(*c));
	c->complete = 1;

	/* conf_files_list_nulstr(): every *.conf name, the first directory
	 * holding a name winning it, applied sorted by name.  Sorting by
	 * name then priority puts each name's winner first. */
	for (d = 0; d < NELEMS(sdconf_dirs); d++) {
		path = xasprintf("%s/%s", sdconf_dirs[d], dropin);
		if (section_list_dir(s, path, ".conf", &names, &n) == 0) {
			for (i = 0; i < n; i++) {
				if (names[i][0] == '.') {
					free(names[i]);
					continue;
				}
				v = sdconf_grow(v, nv, sizeof(*v));
				v[nv].name = names[i];
				v[nv++].dir = d;
			}
			free(names);
		}
		free(path);
	}
	if (nv > 1)
		qsort(v, nv, sizeof(*v), sdconf_dropin_cmp);

	if (sdconf_file(s, c, main, sect) == -1)
		c->complete = 0;
	for (i = 0; i < nv; i++) {
		if (!c->complete ||
		    (i > 0 && strcmp(v[i - 1].name, v[i].name) == 0))
			continue;
		path = xasprintf("%s/%s/%s", sdconf_dirs[v[i].dir], dropin,
		    v[i].name);
		if (sdconf_file(s, c, path, sect) == -1)
			c->complete = 0;
		free(path);
	}
	for (i = 0; i < nv; i++)
		free(v[i].name);
	free(v);
}

void
sdconf_free(struct sdconf *c)
{
	size_t	i;

	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	for (i = 0; i < c->nmasked; i++)
		free(c->masked[i]);
	for (i = 0; i < c->nbufs; i++)
		free(c->bufs[i]);
	free(c->files);
	free(c->masked);
	free(c->bufs);
	free(c->assigns);
	memset(c, 0, sizeof(*c));
}

struct json_object *
sdconf_files_json(const struct sdconf *c)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < c->nfiles; i++)
		json_object_array_add(a, json_object_new_string(c->files[i]));
	return a;
}

char *
sdconf_where(const struct sdconf_assign *a)
{
	return xasprintf("%s:%zu", a->file, a->line);
}

int
sdconf_parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };
	size_t	i;

	for (i = 0; i < NELEMS(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* parse_size(t, 1024): "1G", "1.5M", "10G 512M"; each suffix at most once
 * and in decreasing order, as systemd's table walk allows. */
int
sdconf_parse_size(const char *t, uint64_t *out)
{
	static const struct {
		const char	*suffix;
		uint64_t	 factor;
	} iec[] = {
		{ "E", 1ULL << 60 }, { "P", 1ULL << 50 }, { "T", 1ULL << 40 },
		{ "G", 1ULL << 30 }, { "M", 1ULL << 20 }, { "K", 1ULL << 10 },
		{ "B", 1 }, { "", 1 },
	};
	const char		*p = t;
	char			*e, *e2;
	unsigned long long	 l, l2;
	double			 frac;
	uint64_t		 r = 0, tmp;
	size_t			 i, start = 0;

	do {
		frac = 0;
		while (sdconf_ws(*p))
			p++;
		if (*p == '-')
			return -1;
		errno = 0;
		l = strtoull(p, &e, 10);
		if (errno != 0 || e == p)
			return -1;
		if (*e == '.') {
			e++;
			if (*e >= '0' && *e <= '9') {
				l2 = strtoull(e, &e2, 10);
				if (errno != 0)
					return -1;
				frac = (double)l2;
				for (; e < e2; e++)
					frac /= 10;
			}
		}
		while (sdconf_ws(*e))
			e++;
		for (i = start; i < NELEMS(iec); i++) {
			if (strncmp(e, iec[i].suffix,
			    strlen(iec[i].suffix)) == 0)
				break;
		}
		if (i >= NELEMS(iec))
			return -1;
		if (l + (frac > 0) > UINT64_MAX / iec[i].factor)
			return -1;
		tmp = l * iec[i].factor +
		    (uint64_t)(frac * (double)iec[i].factor);
		if (tmp > UINT64_MAX - r)
			return -1;
		r += tmp;
		p = e + strlen(iec[i].suffix);
		start = i + 1;
	} while (*p != '\0');
	*out = r;
	return 0;
}

/* parse_sec(): "30s", "1month", "5min 20s", "1.5h", a bare number being
 * seconds.  The first table entry that prefixes the text wins, as in
 * systemd's extract_multiplier(). */
int
sdconf_parse_timespan(const char *t, uint64_t *out)
{
	static const struct {
		const char	*suffix;
		uint64_t	 usec;
	} units[] = {
		{ "seconds", 1000000ULL }, { "second", 1000000ULL },
		{ "sec", 1000000ULL }, { "s", 1000000ULL },
		{ "minutes", 60000000ULL }, { "minute", 60000000ULL },
		{ "min", 60000000ULL },
		{ "months", 2629800000000ULL }, { "month", 2629800000000ULL },
		{ "M", 2629800000000ULL },
		{ "msec", 1000ULL }, { "ms", 1000ULL },
		{ "m", 60000000ULL },
		{ "hours", 3600000000ULL }, { "hour", 3600000000ULL },
		{ "hr", 3600000000ULL }, { "h", 3600000000ULL },
		{ "days", 86400000000ULL }, { "day", 86400000000ULL },
		{ "d", 86400000000ULL },
		{ "weeks", 604800000000ULL }, { "week", 604800000000ULL },
		{ "w", 604800000000ULL },
		{ "years", 31557600000000ULL }, { "year", 31557600000000ULL },
		{ "y", 31557600000000ULL },
		{ "usec", 1 }, { "us", 1 },
		{ "\xce\xbcs", 1 }, { "\xc2\xb5s", 1 },
	};
	const char	*p = t, *s, *b, *ws;
	char		*e;
	long long	 l;
	uint64_t	 usec = 0, mult, k, m;
	size_t		 i;
	int		 something = 0;

	while (sdconf_ws(*p))
		p++;
	if (strncmp(p, "infinity", 8) == 0) {
		for (s = p + 8; sdconf_ws(*s); s++)
			;
		if (*s != '\0')
			return -1;
		*out = UINT64_MAX;
		return 0;
	}
	for (;;) {
		mult = 1000000ULL;
		while (sdconf_ws(*p))
			p++;
		if (*p == '\0') {
			if (!something)
				return -1;
			break;
		}
		if (*p == '-')
			return -1;
		errno = 0;
		l = strtoll(p, &e, 10);
		if (errno != 0 || l < 0)
			return -1;
		if (*e == '.') {
			p = e + 1;
			while (*p >= '0' && *p <= '9')
				p++;
		} else if (e == p)
			return -1;
		else
			p = e;
		for (ws = p; sdconf_ws(*ws); ws++)
			;
		s = ws;
		for (i = 0; i < NELEMS(units); i++) {
			if (strncmp(ws, units[i].suffix,
			    strlen(units[i].suffix)) == 0) {
				mult = units[i].usec;
				s = ws + strlen(units[i].suffix);
				break;
			}
		}
		if (s == p && *s != '\0')
			return -1;
		p = s;
		if ((uint64_t)l >= UINT64_MAX / mult)
			return -1;
		k = (uint64_t)l * mult;
		if (k >= UINT64_MAX - usec)
			return -1;
		usec += k;
		something = 1;
		if (*e == '.') {
			m = mult / 10;
			for (b = e + 1; *b >= '0' && *b <= '9'; b++, m /= 10) {
				k = (uint64_t)(*b - '0') * m;
				if (k >= UINT64_MAX - usec)
					return -1;
				usec += k;
			}
			if (b == e + 1)
				return -1;
		}
	}
	*out = usec;
	return 0;
}
