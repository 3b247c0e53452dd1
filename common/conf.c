/*
 * The configuration file parser.
 *
 * We wrote our own rather than use libinih because inih cannot report the
 * line of every error (it stops at, or only remembers, the first), treats
 * indented lines as continuations of the previous value, truncates long
 * lines silently or not depending on how it was built, and has no notion of
 * a duplicate key.  A compliance tool must not run on a configuration it
 * half understood, so here every line is either understood exactly or
 * reported as "file:line: message", and parsing goes on so that one run of
 * "-n" shows every problem.
 *
 * The format, deliberately small:
 *
 *	# comment (only as the first non-blank character of a line)
 *	[section]
 *	key = value
 *	key = "  value with the blanks kept  "
 *
 * There are no inline comments: "#" inside a value is part of it, because
 * URLs have fragments and secrets may contain "#", and a rule that cuts
 * them silently is worse than a rule that never cuts.  Quotes exist only to
 * keep leading or trailing blanks; there are no escapes, so what is between
 * the quotes is the value, byte for byte.  An empty value is an error: the
 * way to get the default is to leave the key out.  Control characters
 * (other than tab) are refused anywhere outside comments, since values end
 * up in logs and JSON.  A leading UTF-8 byte order mark and CRLF line ends,
 * as some Windows editors write them, are accepted.
 *
 * The input is untrusted bytes (it is fuzzed): it is never assumed to be
 * NUL-terminated and no line is parsed in place.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "fileio.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

enum conf_state {
	CONF_NOSECTION,		/* before the first header */
	CONF_INSECTION,		/* after a header we know */
	CONF_SKIPSECTION,	/* after a bad header: already reported */
};

struct conf_parser {
	const char		*name;
	const struct conf_key	*keys;
	size_t			 nkeys;
	void			*target;
	struct conf_errors	*errs;
	size_t			 lineno;
	enum conf_state		 state;
	const char		*section;	/* points into keys */
	size_t			*keyline;	/* per key: line set on, or 0 */
	size_t			*secline;	/* per first key of a section */
};

static char	*conf_vfmt(const char *, va_list)
		    __attribute__((format(printf, 1, 0)));
static char	*conf_fmt(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	 conf_lerror(struct conf_parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static char *
conf_vfmt(const char *fmt, va_list ap)
{
	va_list	 ap2;
	char	*s;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatalx("conf: bad message format");
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *
conf_fmt(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = conf_vfmt(fmt, ap);
	va_end(ap);
	return s;
}

void
conf_errors_add(struct conf_errors *errs, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	/* A file of garbage must not bury the first, useful errors under
	 * half a million more. */
	if (errs->total++ > CONF_MAX_ERRORS)
		return;
	if (errs->total > CONF_MAX_ERRORS)
		s = conf_fmt("too many errors; the rest are not shown");
	else {
		va_start(ap, fmt);
		s = conf_vfmt(fmt, ap);
		va_end(ap);
	}
	errs->msg = xreallocarray(errs->msg, errs->count + 1,
	    sizeof(*errs->msg));
	errs->msg[errs->count++] = s;
}

void
conf_errors_free(struct conf_errors *errs)
{
	size_t	i;

	for (i = 0; i < errs->count; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->count = 0;
	errs->total = 0;
}

void
conf_errors_log(const struct conf_errors *errs)
{
	size_t	i;

	for (i = 0; i < errs->count; i++)
		log_warnx("%s", errs->msg[i]);
}

/* An error about the current line. */
static void
conf_lerror(struct conf_parser *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = conf_vfmt(fmt, ap);
	va_end(ap);
	conf_errors_add(p->errs, "%s:%zu: %s", p->name, p->lineno, s);
	free(s);
}

/*
 * Value parsers.  Each checks the whole string; on failure the checker
 * variants return an allocated message (without the key name, which the
 * caller adds) so that the file and the defaults share one wording.
 */

int
conf_parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* As strtonum(3): *errstr is NULL, "invalid" or "too large". */
static int
conf_scan_size(const char *s, uint64_t *out, const char **errstr)
{
	static const struct {
		const char	*suffix;
		uint64_t	 mult;
	} units[] = {
		{ "", 1 },
		{ "K", 1024 }, { "KiB", 1024 },
		{ "M", 1024 * 1024 }, { "MiB", 1024 * 1024 },
		{ "G", 1024 * 1024 * 1024 }, { "GiB", 1024 * 1024 * 1024 },
	};
	uint64_t	 v = 0, d;
	size_t		 i;

	*errstr = "invalid";
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		d = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - d) / 10) {
			*errstr = "too large";
			return -1;
		}
		v = v * 10 + d;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(s, units[i].suffix) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mult) {
			*errstr = "too large";
			return -1;
		}
		*out = v * units[i].mult;
		*errstr = NULL;
		return 0;
	}
	return -1;
}

int
conf_parse_size(const char *s, uint64_t *out)
{
	const char	*errstr;

	return conf_scan_size(s, out, &errstr);
}

/* Decimal only: "0x10" and "+5" are more likely mistakes than intent. */
static int
conf_scan_int(const char *s, long long *out, const char **errstr)
{
	const char	*d = s;
	char		*end;
	long long	 v;

	*errstr = "invalid";
	if (*d == '-')
		d++;
	if (*d < '0' || *d > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return -1;
	if (errno == ERANGE) {
		*errstr = v < 0 ? "too small" : "too large";
		return -1;
	}
	*out = v;
	*errstr = NULL;
	return 0;
}

/* "1G", "4M", "64K" when exact, else bytes: bounds read as written. */
static char *
conf_fmt_size(uint64_t v)
{
	if (v != 0 && v % (1024 * 1024 * 1024) == 0)
		return conf_fmt("%lluG",
		    (unsigned long long)(v / (1024 * 1024 * 1024)));
	if (v != 0 && v % (1024 * 1024) == 0)
		return conf_fmt("%lluM", (unsigned long long)(v / (1024 * 1024)));
	if (v != 0 && v % 1024 == 0)
		return conf_fmt("%lluK", (unsigned long long)(v / 1024));
	return conf_fmt("%llu", (unsigned long long)v);
}

/* "1h30m" rather than "5400". */
static char *
conf_fmt_duration(long long v)
{
	static const struct {
		char		unit;
		long long	secs;
	} units[] = {
		{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 },
		{ 'm', 60 }, { 's', 1 },
	};
	char	 buf[128];
	size_t	 i, off = 0;
	int	 n;

	if (v <= 0)
		return conf_fmt("%llds", v);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (v < units[i].secs)
			continue;
		n = snprintf(buf + off, sizeof(buf) - off, "%lld%c",
		    v / units[i].secs, units[i].unit);
		if (n < 0 || (size_t)n >= sizeof(buf) - off)
			break;
		off += (size_t)n;
		v %= units[i].secs;
	}
	return xstrdup(buf);
}

static char *
conf_choices(const char *const *choices)
{
	size_t	 i, len = 1;
	char	*s;

	for (i = 0; choices[i] != NULL; i++)
		len += strlen(choices[i]) + 2;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; choices[i] != NULL; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, choices[i]);
	}
	return s;
}

static char *
conf_check_path(const char *s)
{
	if (*s != '/')
		return conf_fmt("not an absolute path \"%s\" (must start with /)",
		    s);
	return NULL;
}

static char *
conf_check_url(const char *s)
{
	const char	*rest, *at, *host;
	size_t		 alen, hlen;

	if (strncmp(s, "http://", 7) == 0)
		rest = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		rest = s + 8;
	else
		return conf_fmt("invalid URL \"%s\" (must start with http:// "
		    "or https://)", s);
	if (strpbrk(s, " \t") != NULL)
		return conf_fmt("invalid URL \"%s\" (contains a blank)", s);

	/* The host is what is left of the authority without user info
	 * and port; "http://:80/" and "https:///x" have none. */
	alen = strcspn(rest, "/?#");
	host = rest;
	while ((at = memchr(host, '@', alen - (size_t)(host - rest))) != NULL)
		host = at + 1;
	alen -= (size_t)(host - rest);
	if (alen > 0 && *host == '[') {
		if ((at = memchr(host, ']', alen)) == NULL)
			return conf_fmt("missing ']' in URL \"%s\"", s);
		hlen = (size_t)(at - host) - 1;
	} else {
		hlen = 0;
		while (hlen < alen && host[hlen] != ':')
			hlen++;
	}
	if (hlen == 0)
		return conf_fmt("missing host in URL \"%s\"", s);
	return NULL;
}

static char *
conf_check_hostport(const char *s)
{
	const char	*port, *colon;
	size_t		 i, hlen;
	long		 v;

	if (strpbrk(s, " \t") != NULL)
		return conf_fmt("blank in \"%s\" (expected host:port)", s);
	if (*s == '[') {
		if ((colon = strchr(s, ']')) == NULL)
			return conf_fmt("missing ']' in \"%s\" "
			    "(expected [address]:port)", s);
		hlen = (size_t)(colon - s) - 1;
		colon++;
		if (*colon != ':')
			return conf_fmt("missing port in \"%s\" "
			    "(expected [address]:port)", s);
		if (memchr(s + 1, '[', hlen) != NULL)
			return conf_fmt("invalid host in \"%s\"", s);
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return conf_fmt("missing port in \"%s\" "
			    "(expected host:port)", s);
		hlen = (size_t)(colon - s);
		if (memchr(s, ':', hlen) != NULL)
			return conf_fmt("IPv6 address without brackets in "
			    "\"%s\" (expected [address]:port)", s);
		if (memchr(s, '[', hlen) != NULL || memchr(s, ']', hlen) != NULL)
			return conf_fmt("invalid host in \"%s\"", s);
	}
	if (hlen == 0)
		return conf_fmt("missing host in \"%s\"", s);

	port = colon + 1;
	if (*port == '\0')
		return conf_fmt("missing port in \"%s\"", s);
	v = 0;
	for (i = 0; port[i] != '\0'; i++) {
		if (port[i] < '0' || port[i] > '9')
			return conf_fmt("invalid port in \"%s\"", s);
		if (v <= 65535)
			v = v * 10 + (port[i] - '0');
	}
	if (v < 1 || v > 65535)
		return conf_fmt("port out of range in \"%s\"", s);
	return NULL;
}

static int
conf_bounded(const struct conf_key *k)
{
	return k->min != 0 || k->max != 0;
}

/*
 * Check s as k's type and store it in target.  On failure the target is
 * left as it was and an allocated message is returned.
 */
static char *
conf_set(const struct conf_key *k, const char *s, void *target)
{
	char		*at = (char *)target + k->offset;
	char		*lo, *hi, *msg, **sp;
	const char	*errstr;
	long long	 ll;
	uint64_t	 u, umin, umax;
	int		 b;
	size_t		 i;

	switch (k->type) {
	case CONF_STRING:
	case CONF_PATH:
	case CONF_URL:
	case CONF_HOSTPORT:
		if (k->type == CONF_PATH)
			msg = conf_check_path(s);
		else if (k->type == CONF_URL)
			msg = conf_check_url(s);
		else if (k->type == CONF_HOSTPORT)
			msg = conf_check_hostport(s);
		else
			msg = NULL;
		if (msg != NULL)
			return msg;
		sp = (char **)(void *)at;
		free(*sp);
		*sp = xstrdup(s);
		return NULL;
	case CONF_INT:
		if (conf_scan_int(s, &ll, &errstr) == -1) {
			if (strcmp(errstr, "invalid") == 0)
				return conf_fmt("invalid integer \"%s\"", s);
			return conf_fmt("integer %s \"%s\"", errstr, s);
		}
		if (conf_bounded(k) && (ll < k->min || ll > k->max))
			return conf_fmt("\"%s\" out of range (%lld to %lld)",
			    s, k->min, k->max);
		memcpy(at, &ll, sizeof(ll));
		return NULL;
	case CONF_BOOL:
		if (conf_parse_bool(s, &b) == -1)
			return conf_fmt("invalid boolean \"%s\" (use yes or no)",
			    s);
		memcpy(at, &b, sizeof(b));
		return NULL;
	case CONF_SIZE:
		if (conf_scan_size(s, &u, &errstr) == -1) {
			if (strcmp(errstr, "invalid") == 0)
				return conf_fmt("invalid size \"%s\" "
				    "(examples: 512, 64K, 4M, 1G)", s);
			return conf_fmt("size too large \"%s\"", s);
		}
		if (conf_bounded(k)) {
			umin = k->min > 0 ? (uint64_t)k->min : 0;
			umax = k->max > 0 ? (uint64_t)k->max : 0;
			if (u < umin || u > umax) {
				lo = conf_fmt_size(umin);
				hi = conf_fmt_size(umax);
				msg = conf_fmt("\"%s\" out of range (%s to %s)",
				    s, lo, hi);
				free(lo);
				free(hi);
				return msg;
			}
		}
		memcpy(at, &u, sizeof(u));
		return NULL;
	case CONF_DURATION:
		if (timefmt_parse_duration(s, &ll) == -1)
			return conf_fmt("invalid duration \"%s\" "
			    "(examples: 30s, 15m, 1h, 7d)", s);
		if (conf_bounded(k) && (ll < k->min || ll > k->max)) {
			lo = conf_fmt_duration(k->min);
			hi = conf_fmt_duration(k->max);
			msg = conf_fmt("\"%s\" out of range (%s to %s)",
			    s, lo, hi);
			free(lo);
			free(hi);
			return msg;
		}
		memcpy(at, &ll, sizeof(ll));
		return NULL;
	case CONF_ENUM:
		for (i = 0; k->choices != NULL && k->choices[i] != NULL; i++) {
			if (strcmp(s, k->choices[i]) == 0) {
				b = (int)i;
				memcpy(at, &b, sizeof(b));
				return NULL;
			}
		}
		if (k->choices == NULL)
			return conf_fmt("invalid value \"%s\" (no choices)", s);
		lo = conf_choices(k->choices);
		msg = conf_fmt("invalid value \"%s\" (choices: %s)", s, lo);
		free(lo);
		return msg;
	}
	return conf_fmt("unknown type %d", (int)k->type);
}

/*
 * Strings already in target are freed and replaced, as a file's values
 * replace the defaults, so target must start zeroed (or hold what an
 * earlier conf_defaults() or conf_load_*() left there).
 */
void
conf_defaults(const struct conf_key *keys, size_t nkeys, void *target)
{
	char	 buf[512];
	char	*msg;
	size_t	 i;

	for (i = 0; i < nkeys; i++) {
		if (keys[i].defval == NULL)
			continue;
		if ((msg = conf_set(&keys[i], keys[i].defval, target)) == NULL)
			continue;
		/* Copied so that the exit is not reported as a leak. */
		snprintf(buf, sizeof(buf), "%s", msg);
		free(msg);
		fatalx("conf: bad default for [%s] %s: %s", keys[i].section,
		    keys[i].name, buf);
	}
}

void
conf_free(const struct conf_key *keys, size_t nkeys, void *target)
{
	char	**sp;
	size_t	  i;

	for (i = 0; i < nkeys; i++) {
		switch (keys[i].type) {
		case CONF_STRING:
		case CONF_PATH:
		case CONF_URL:
		case CONF_HOSTPORT:
			sp = (char **)(void *)((char *)target + keys[i].offset);
			free(*sp);
			*sp = NULL;
			break;
		default:
			break;
		}
	}
}

static int
conf_isblank(char c)
{
	return c == ' ' || c == '\t';
}

static int
conf_issectionchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || c == '.';
}

static int
conf_iskeychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Find the first key in section name: its index is the section's. */
static int
conf_find_section(struct conf_parser *p, const char *name, size_t *idx)
{
	size_t	i;

	for (i = 0; i < p->nkeys; i++) {
		if (p->keys[i].section != NULL &&
		    strcmp(p->keys[i].section, name) == 0) {
			*idx = i;
			return 0;
		}
	}
	return -1;
}

static int
conf_find_key(struct conf_parser *p, const char *name, size_t *idx)
{
	size_t	i;

	for (i = 0; i < p->nkeys; i++) {
		if (p->keys[i].section != NULL &&
		    strcmp(p->keys[i].section, p->section) == 0 &&
		    strcmp(p->keys[i].name, name) == 0) {
			*idx = i;
			return 0;
		}
	}
	return -1;
}

/* line is trimmed, starts with '['. */
static void
conf_section(struct conf_parser *p, char *line)
{
	char	*end, *name = line + 1;
	size_t	 i, idx;

	/* Until this header is known good, keys below it are not ours to
	 * judge: one error for a bad header, not one per key. */
	p->state = CONF_SKIPSECTION;

	if ((end = strchr(name, ']')) == NULL) {
		conf_lerror(p, "missing ']' in section header");
		return;
	}
	*end++ = '\0';
	if (*end != '\0') {
		conf_lerror(p, "unexpected text after section header: \"%s\"",
		    end);
		return;
	}
	if (*name == '\0') {
		conf_lerror(p, "empty section name");
		return;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (!conf_issectionchar(name[i])) {
			conf_lerror(p, "invalid section name \"%s\" "
			    "(allowed: a-z, 0-9, _, - and .)", name);
			return;
		}
	}
	if (conf_find_section(p, name, &idx) == -1) {
		conf_lerror(p, "unknown section [%s]", name);
		return;
	}
	p->state = CONF_INSECTION;
	p->section = p->keys[idx].section;
	/* Keys under a repeated header are still checked (each duplicate
	 * is reported); only the header itself is an error. */
	if (p->secline[idx] != 0) {
		conf_lerror(p, "duplicate section [%s] (first on line %zu)",
		    name, p->secline[idx]);
		return;
	}
	p->secline[idx] = p->lineno;
}

/* line is trimmed and not a comment or a section header. */
static void
conf_keyvalue(struct conf_parser *p, char *line)
{
	const struct conf_key	*k;
	char			*eq, *key, *val, *end, *msg;
	size_t			 i, len, idx;

	if ((eq = strchr(line, '=')) == NULL) {
		conf_lerror(p, "missing '=' in \"%s\" (expected key = value)",
		    line);
		return;
	}
	key = line;
	for (end = eq; end > key && conf_isblank(end[-1]); end--)
		/* nothing */;
	*end = '\0';
	if (*key == '\0') {
		conf_lerror(p, "missing key name before '='");
		return;
	}
	for (i = 0; key[i] != '\0'; i++) {
		if (!conf_iskeychar(key[i])) {
			conf_lerror(p, "invalid key name \"%s\" "
			    "(allowed: a-z, 0-9 and _)", key);
			return;
		}
	}

	val = eq + 1;
	while (conf_isblank(*val))
		val++;
	if (*val == '\0') {
		conf_lerror(p, "%s: empty value (to use the default, remove "
		    "the line)", key);
		return;
	}
	if (*val == '"') {
		len = strlen(val);
		end = strrchr(val, '"');
		if (end == val) {
			conf_lerror(p, "%s: missing closing quote", key);
			return;
		}
		if ((size_t)(end - val) != len - 1) {
			conf_lerror(p, "%s: unexpected text after closing "
			    "quote: \"%s\"", key, end + 1);
			return;
		}
		*end = '\0';
		val++;
		if (*val == '\0') {
			conf_lerror(p, "%s: empty value (to use the default, "
			    "remove the line)", key);
			return;
		}
	}

	switch (p->state) {
	case CONF_NOSECTION:
		conf_lerror(p, "key '%s' before any [section]", key);
		return;
	case CONF_SKIPSECTION:
		return;
	case CONF_INSECTION:
		break;
	}
	if (conf_find_key(p, key, &idx) == -1) {
		conf_lerror(p, "unknown key '%s' in section [%s]", key,
		    p->section);
		return;
	}
	if (p->keyline[idx] != 0) {
		conf_lerror(p, "duplicate key '%s' (first set on line %zu)",
		    key, p->keyline[idx]);
		return;
	}
	p->keyline[idx] = p->lineno;
	k = &p->keys[idx];
	if ((msg = conf_set(k, val, p->target)) != NULL) {
		conf_lerror(p, "%s: %s", key, msg);
		free(msg);
	}
}

static void
conf_line(struct conf_parser *p, const char *raw, size_t len)
{
	char		 line[CONF_MAX_LINE + 1];
	char		*s, *e;
	unsigned char	 c;
	size_t		 i;

	if (len > 0 && raw[len - 1] == '\r')
		len--;
	if (len > CONF_MAX_LINE) {
		conf_lerror(p, "line too long (%zu bytes, limit %d)", len,
		    CONF_MAX_LINE);
		return;
	}
	memcpy(line, raw, len);
	line[len] = '\0';

	for (s = line; conf_isblank(*s); s++)
		/* nothing */;
	for (e = line + len; e > s && conf_isblank(e[-1]); e--)
		/* nothing */;
	*e = '\0';
	if (*s == '\0' || *s == '#')
		return;

	for (i = 0; s[i] != '\0'; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			conf_lerror(p, "control character 0x%02x in line", c);
			return;
		}
	}

	if (*s == '[')
		conf_section(p, s);
	else
		conf_keyvalue(p, s);
}

int
conf_load_buffer(const char *name, const char *buf, size_t len,
    const struct conf_key *keys, size_t nkeys, void *target,
    struct conf_errors *errs)
{
	struct conf_parser	 p;
	const char		*nul, *nl, *end;
	size_t			 before = errs->total, lineno, i;

	if (name == NULL)
		name = "(config)";
	if (len > CONF_MAX_FILE) {
		conf_errors_add(errs, "%s: too large (more than %d bytes)",
		    name, CONF_MAX_FILE);
		return 1;
	}
	/* A NUL means this is not text at all: one message, not one per
	 * line of garbage.  (len is checked: memchr(NULL, c, 0) is UB.) */
	if (len > 0 && (nul = memchr(buf, '\0', len)) != NULL) {
		lineno = 1;
		for (i = 0; i < (size_t)(nul - buf); i++)
			lineno += buf[i] == '\n';
		conf_errors_add(errs, "%s: binary data (NUL byte on line %zu)",
		    name, lineno);
		return 1;
	}

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.keys = keys;
	p.nkeys = nkeys;
	p.target = target;
	p.errs = errs;
	p.state = CONF_NOSECTION;
	/* One more than needed: xcalloc refuses zero. */
	p.keyline = xcalloc(nkeys + 1, sizeof(*p.keyline));
	p.secline = xcalloc(nkeys + 1, sizeof(*p.secline));

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	end = buf + len;
	while (buf < end) {
		p.lineno++;
		if ((nl = memchr(buf, '\n', (size_t)(end - buf))) == NULL)
			nl = end;
		conf_line(&p, buf, (size_t)(nl - buf));
		buf = nl < end ? nl + 1 : end;
	}

	free(p.keyline);
	free(p.secline);
	return (int)(errs->total - before);
}

int
conf_load_file(const char *path, const struct conf_key *keys, size_t nkeys,
    void *target, struct conf_errors *errs)
{
	struct stat	 st;
	char		*buf;
	size_t		 len;
	int		 fd, n;

	/* O_NONBLOCK so that a FIFO given by mistake is refused below
	 * rather than hanging the program until someone writes to it. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		conf_errors_add(errs, "%s: cannot open: %s", path,
		    strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == -1) {
		conf_errors_add(errs, "%s: cannot stat: %s", path,
		    strerror(errno));
		close(fd);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		conf_errors_add(errs, "%s: is a directory", path);
		close(fd);
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		conf_errors_add(errs, "%s: not a regular file", path);
		close(fd);
		return 1;
	}
	if (fileio_read_fd(fd, CONF_MAX_FILE, &buf, &len) == -1) {
		if (errno == EFBIG)
			conf_errors_add(errs, "%s: too large (more than %d "
			    "bytes)", path, CONF_MAX_FILE);
		else if (errno == EISDIR)
			conf_errors_add(errs, "%s: is a directory", path);
		else
			conf_errors_add(errs, "%s: cannot read: %s", path,
			    strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	n = conf_load_buffer(path, buf, len, keys, nkeys, target, errs);
	free(buf);
	return n;
}
