/*
 * time_sync: whether the clock is kept right (ISO 27001 A.8.17 clock
 * synchronisation): which NTP implementation runs at boot and the time
 * sources it is given, read with each program's own precedence rules.
 *
 * data.implementations   [{"name", "installed" (boolean, absent without
 *                        a package database), "enabled", "masked"
 *                        (booleans), "enabled_by" (the systemd unit
 *                        wanting it, or "openrc")}] in this
 *                        order: chrony, systemd-timesyncd, ntpsec, ntpd,
 *                        openntpd.  systemd units: chrony.service or
 *                        chronyd.service; systemd-timesyncd.service (it
 *                        is enabled through sysinit.target.wants);
 *                        ntpsec.service; ntp.service or ntpd.service
 *                        (not when it is an alias of ntpsec.service);
 *                        openntpd.service.  OpenRC (Alpine): a runlevel
 *                        starting chronyd, ntpd or openntpd.
 * data.active            the one implementation enabled and not masked,
 *                        "none", or "multiple"
 * data.active_all        [names], same order
 *
 * data.chrony            (when a chrony.conf exists)
 *   .config_files        [paths, in the order chronyd reads them]
 *   .config_valid        boolean: false when chronyd would refuse to
 *                        start (a source without host, an unknown option
 *                        or a bad number, a bad makestep or minsources,
 *                        an include loop or an unreadable included file;
 *                        other directives are not checked); the settings
 *                        below are then left out
 *   .sources             [{"type" ("server", "pool", "peer"), "host",
 *                        "options" ({"iburst": true, "maxsources": 4,
 *                        ...}: flags true, numbers as integers when
 *                        whole, others as written), "file", "line"}]
 *   .server_count, .pool_count, .peer_count   integers
 *   .makestep            {"threshold" (number), "limit" (integer),
 *                        "file", "line"}   (last one wins, as for all
 *                        of these)
 *   .rtcsync             boolean
 *   .driftfile, .leapsectz   strings
 *   .minsources          integer
 *   The configuration file is chronyd's compiled-in one:
 *   /etc/chrony.conf on rpm hosts, /etc/chrony/chrony.conf on Debian and
 *   Alpine (and, without a package database, the first that exists);
 *   a -f option in /etc/default/chrony or /etc/sysconfig/chronyd is not
 *   followed.  "confdir" reads the *.conf files of its directories at
 *   that point (a name in an earlier directory hiding later ones;
 *   sorted); "include" reads the files its glob matches; "sourcedir"
 *   files (*.sources: server, pool, peer and refclock lines only) are
 *   read after the configuration, as chronyd does.
 *
 * data.timesyncd         timesyncd.conf and drop-ins (see sdconf.c for
 *                        the file rules); absent when there is neither
 *                        a configuration nor a timesyncd unit file
 *   .config_files, .masked_dropins, .complete   as for journald
 *   .ntp                 {"value": [servers], "source"}: assignments add
 *                        to the list (duplicates dropped), an empty one
 *                        empties it; source is the last assignment or
 *                        "default" (empty list)
 *   .fallback_ntp        {"value", "source"}: the same, but systemd 252
 *                        uses its compiled-in list unless some non-empty
 *                        FallbackNTP= was read (an empty one alone does
 *                        not disable it).  Debian's list is
 *                        0.debian.pool.ntp.org ... 3.debian.pool.ntp.org;
 *                        on other distributions the list is not known
 *                        from files and "value" is left out.
 *   .root_distance_max_sec, .poll_interval_min_sec,
 *   .poll_interval_max_sec   {"value" (as written), "usec", "source"};
 *                        defaults 5s, 32s, 2048s; a minimum under 16s or
 *                        a maximum under the minimum is replaced as
 *                        timesyncd does.
 *
 * data.ntpsec            /etc/ntpsec/ntp.conf, data.ntpd /etc/ntp.conf
 *                        (each when the file exists):
 *   {"config_file", "sources" (as for chrony), "server_count",
 *   "pool_count", "peer_count", "restrict_default": [{"family" ("-4",
 *   "-6", absent for both), "flags": [words], "file", "line"}]}
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collect.h"
#include "initsys.h"
#include "jsonutil.h"
#include "pkgdb.h"
#include "sdconf.h"
#include "section.h"
#include "strv.h"
#include "text.h"
#include "units.h"
#include "xmalloc.h"

#define NELEMS(a)		(sizeof(a) / sizeof((a)[0]))
#define TS_INCLUDE_DEPTH	16

/*
 * Which implementation.
 */

static const struct ts_impl {
	const char	*name;
	const char	*pkgs[2];
	const char	*units[2];
	const char	*openrc;
	const char	*not_alias_of;	/* a unit that resolves here is
					 * another implementation's */
} ts_impls[] = {
	{ "chrony", { "chrony", NULL },
	    { "chrony.service", "chronyd.service" }, "chronyd", NULL },
	{ "systemd-timesyncd", { "systemd-timesyncd", NULL },
	    { "systemd-timesyncd.service", NULL }, NULL, NULL },
	{ "ntpsec", { "ntpsec", NULL }, { "ntpsec.service", NULL }, NULL,
	    NULL },
	{ "ntpd", { "ntp", NULL }, { "ntp.service", "ntpd.service" }, "ntpd",
	    "ntpsec.service" },
	{ "openntpd", { "openntpd", NULL }, { "openntpd.service", NULL },
	    "openntpd", NULL },
};

static void
ts_implementations(struct section *s, const struct pkgdb *db,
    const struct units *u)
{
	const struct ts_impl	*im;
	struct json_object	*list, *o, *active;
	struct unit_state	 st;
	const char		*by;
	size_t			 i, j, nactive = 0;
	int			 inst, en, masked;

	list = json_object_new_array();
	active = json_object_new_array();
	for (i = 0; i < NELEMS(ts_impls); i++) {
		im = &ts_impls[i];
		o = json_object_new_object();
		jsonutil_set_string(o, "name", im->name);
		if (db->format != PKGDB_NONE) {
			inst = 0;
			for (j = 0; j < NELEMS(im->pkgs); j++) {
				if (im->pkgs[j] != NULL &&
				    pkgdb_find(db, im->pkgs[j]) != NULL)
					inst = 1;
			}
			jsonutil_set_bool(o, "installed", inst);
		}
		en = masked = 0;
		by = NULL;
		for (j = 0; j < NELEMS(im->units); j++) {
			if (im->units[j] == NULL ||
			    units_state(u, im->units[j], &st) == -1)
				continue;
			if (im->not_alias_of != NULL &&
			    strcmp(st.name, im->not_alias_of) == 0)
				continue;
			if (st.masked)
				masked = 1;
			else if (st.enabled && !en) {
				en = 1;
				by = st.wanted_by;
			}
		}
		if (!en && !masked && im->openrc != NULL &&
		    initsys_openrc_enabled(s, im->openrc)) {
			en = 1;
			by = "openrc";
		}
		jsonutil_set_bool(o, "enabled", en);
		jsonutil_set_bool(o, "masked", masked);
		if (by != NULL)
			jsonutil_set_string(o, "enabled_by", by);
		json_object_array_add(list, o);
		if (en && !masked) {
			json_object_array_add(active,
			    json_object_new_string(im->name));
			nactive++;
		}
	}
	jsonutil_set(section_data(s), "implementations", list);
	if (nactive == 1)
		jsonutil_set_string(section_data(s), "active",
		    json_object_get_string(json_object_array_get_idx(active,
		    0)));
	else
		jsonutil_set_string(section_data(s), "active",
		    nactive == 0 ? "none" : "multiple");
	jsonutil_set(section_data(s), "active_all", active);
}

/*
 * NTP source lines shared by chrony and ntpd: "server HOST [options]".
 */

struct ts_sources {
	struct json_object	*list;
	long long		 count[3];	/* server, pool, peer */
};

static const char *const ts_source_types[] = { "server", "pool", "peer" };

/* chrony's CPS_ParseNTPSourceAdd() options: flags and options with one
 * argument.  An unknown one makes chronyd refuse the configuration. */
static const char *const chrony_flags[] = {
	"auto_offline", "burst", "copy", "iburst", "noselect", "nts",
	"offline", "prefer", "require", "trust", "xleave",
};
static const char *const chrony_args[] = {
	"asymmetry", "certset", "extfield", "filter", "key", "maxdelay",
	"maxdelaydevratio", "maxdelayquant", "maxdelayratio", "maxpoll",
	"maxsamples", "maxsources", "mindelay", "minpoll", "minsamples",
	"minstratum", "ntsport", "offset", "polltarget", "port", "presend",
	"version",
};

/* ntpd's server options (ntp.conf(5)): flags and options with one
 * argument; others are kept as flags. */
static const char *const ntpd_args[] = {
	"key", "minpoll", "maxpoll", "mode", "version", "ttl", "bias",
	"ident", "nts_port", "ca", "cert", "ask", "aead",
};

static int
ts_in(const char *w, const char *const *list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(w, list[i]) == 0)
			return 1;
	}
	return 0;
}

/* An option's value: an integer, another number, or (only where the
 * program takes text) the text.  -1 when a number was needed. */
static int
ts_option_value(struct json_object *opts, const char *name, const char *v,
    int numeric)
{
	long long	 n;
	double		 d;
	char		*lname = text_lower(xstrdup(name)), *end;
	int		 ret = 0;

	errno = 0;
	if (text_parse_int(v, &n) == 0)
		jsonutil_set_int64(opts, lname, n);
	else if (numeric && (d = strtod(v, &end), errno == 0) &&
	    end != v && *end == '\0' && isfinite(d))
		jsonutil_set(opts, lname, json_object_new_double(d));
	else if (!numeric || strcasecmp(name, "extfield") == 0)
		jsonutil_set_string(opts, lname, v);
	else
		ret = -1;
	free(lname);
	return ret;
}

/* A source line's words after the directive.  chrony: 1 (chronyd
 * refuses to start on an unknown option or a bad value: -1 then);
 * ntpd: 0 (options kept as written). */
static int
ts_source(struct section *s, struct ts_sources *src, int type, char *args,
    const char *path, size_t lineno, int chrony)
{
	struct json_object	*o, *opts;
	char			*w, *save, *v;
	int			 ret = 0;

	if ((w = strtok_r(args, " \t", &save)) == NULL) {
		section_error(s, "%s:%zu: %s without a host", path, lineno,
		    ts_source_types[type]);
		return -1;
	}
	o = json_object_new_object();
	opts = json_object_new_object();
	jsonutil_set_string(o, "type", ts_source_types[type]);
	jsonutil_set_string(o, "host", w);
	while ((w = strtok_r(NULL, " \t", &save)) != NULL) {
		if (chrony && ts_in(w, chrony_flags, NELEMS(chrony_flags))) {
			char	*l = text_lower(xstrdup(w));

			jsonutil_set_bool(opts, l, 1);
			free(l);
		} else if ((chrony && ts_in(w, chrony_args,
		    NELEMS(chrony_args))) ||
		    (!chrony && ts_in(w, ntpd_args, NELEMS(ntpd_args)))) {
			if ((v = strtok_r(NULL, " \t", &save)) == NULL) {
				section_error(s, "%s:%zu: option %s without a "
				    "value", path, lineno, w);
				ret = -1;
				break;
			}
			if (ts_option_value(opts, w, v, chrony) == -1) {
				section_error(s, "%s:%zu: %s \"%s\" is not a "
				    "number; chronyd refuses this", path,
				    lineno, w, v);
				ret = -1;
			}
		} else if (chrony) {
			section_error(s, "%s:%zu: unknown %s option \"%s\"; "
			    "chronyd refuses this", path, lineno,
			    ts_source_types[type], w);
			ret = -1;
		} else {
			char	*l = text_lower(xstrdup(w));

			jsonutil_set_bool(opts, l, 1);
			free(l);
		}
	}
	jsonutil_set(o, "options", opts);
	jsonutil_set_string(o, "file", path);
	jsonutil_set_int64(o, "line", (int64_t)lineno);
	json_object_array_add(src->list, o);
	src->count[type]++;
	return ret;
}

static int
ts_source_type(const char *w)
{
	size_t	i;

	for (i = 0; i < NELEMS(ts_source_types); i++) {
		if (strcasecmp(w, ts_source_types[i]) == 0)
			return (int)i;
	}
	return -1;
}

static void
ts_sources_json(struct json_object *o, struct ts_sources *src)
{
	jsonutil_set(o, "sources", src->list);
	jsonutil_set_int64(o, "server_count", src->count[0]);
	jsonutil_set_int64(o, "pool_count", src->count[1]);
	jsonutil_set_int64(o, "peer_count", src->count[2]);
}

/*
 * chrony.
 */


struct chrony_state {
	struct section		*s;
	struct ts_sources	 src;
	struct strv		 files;		/* read, in order */
	struct json_object	*seen;		/* the same, as a set */
	struct strv		 stack;
	struct strv		 sourcedirs;	/* read after the config */
	struct json_object	*makestep;
	int			 rtcsync;
	char			*driftfile, *leapsectz;
	long long		 minsources;
	int			 has_minsources;
	int			 invalid;	/* chronyd would refuse it */
};

static void	chrony_file(struct chrony_state *, const char *, int);

struct chrony_entry {
	char	*name;
	size_t	 dir;		/* position in the directive: priority */
	char	*path;
};

static int
chrony_entry_cmp(const void *a, const void *b)
{
	const struct chrony_entry	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

/* Files with suffix in dirs (blank-separated), as chrony's
 * search_dirs(): a name in an earlier directory hides the same name in
 * later ones, and the files are taken sorted by name. */
static void
chrony_dir_files(struct section *s, char *dirs, const char *suffix,
    struct strv *out)
{
	struct chrony_entry	*v = NULL;
	char			**names, *d, *save;
	size_t			  n, i, nv = 0, dir = 0;

	for (d = strtok_r(dirs, " \t", &save); d != NULL;
	    d = strtok_r(NULL, " \t", &save), dir++) {
		if (section_list_dir(s, d, suffix, &names, &n) == -1)
			continue;
		for (i = 0; i < n; i++) {
			v = xgrowarray(v, nv, sizeof(*v));
			v[nv].name = names[i];
			v[nv].dir = dir;
			v[nv++].path = xasprintf("%s/%s", d, names[i]);
		}
		free(names);
	}
	if (nv > 1)
		qsort(v, nv, sizeof(*v), chrony_entry_cmp);
	for (i = 0; i < nv; i++) {
		if (i == 0 || strcmp(v[i - 1].name, v[i].name) != 0)
			strv_add(out, v[i].path);
	}
	for (i = 0; i < nv; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
}

static void
chrony_include(struct chrony_state *st, const char *pattern)
{
	char	**names, *dir, *base, *p;
	size_t	  n, i;

	if (strpbrk(pattern, "*?[") == NULL) {
		chrony_file(st, pattern, 0);
		return;
	}
	if ((base = strrchr(pattern, '/')) == NULL || *pattern != '/') {
		section_error(st->s, "include \"%s\": not an absolute path",
		    pattern);
		st->invalid = 1;
		return;
	}
	dir = xstrndup(pattern, (size_t)(base - pattern));
	base++;
	if (strpbrk(dir, "*?[") != NULL) {
		section_error(st->s, "include \"%s\": wildcards in a directory "
		    "are not expanded", pattern);
		free(dir);
		return;
	}
	if (section_list_dir(st->s, *dir == '\0' ? "/" : dir, NULL, &names,
	    &n) == 0) {
		for (i = 0; i < n; i++) {
			if (fnmatch(base, names[i], FNM_PERIOD) != 0)
				continue;
			p = xasprintf("%s/%s", dir, names[i]);
			chrony_file(st, p, 0);
			free(p);
		}
		section_free_names(names, n);
	}
	free(dir);
}

static void
chrony_makestep(struct chrony_state *st, const char *args, const char *path,
    size_t lineno)
{
	char		*end;
	double		 th;
	long long	 limit;
	char		*copy = xstrdup(args), *w1, *w2, *save;

	w1 = strtok_r(copy, " \t", &save);
	w2 = w1 != NULL ? strtok_r(NULL, " \t", &save) : NULL;
	if (w1 == NULL || w2 == NULL || strtok_r(NULL, " \t", &save) != NULL)
		goto bad;
	errno = 0;
	th = strtod(w1, &end);
	if (errno != 0 || *end != '\0' || !isfinite(th) ||
	    text_parse_int(w2, &limit) == -1)
		goto bad;
	json_object_put(st->makestep);
	st->makestep = json_object_new_object();
	jsonutil_set(st->makestep, "threshold", json_object_new_double(th));
	jsonutil_set_int64(st->makestep, "limit", limit);
	jsonutil_set_string(st->makestep, "file", path);
	jsonutil_set_int64(st->makestep, "line", (int64_t)lineno);
	free(copy);
	return;
bad:
	section_error(st->s, "%s:%zu: makestep needs a threshold and a limit; "
	    "chronyd refuses this", path, lineno);
	st->invalid = 1;
	free(copy);
}

static char *
chrony_word(const char *args)
{
	return xstrndup(args, strcspn(args, " \t"));
}

/* One file.  sources_only: a sourcedir file. */
static void
chrony_file(struct chrony_state *st, const char *path, int sources_only)
{
	char		*buf, *cur, *line, *cmd, *args, *copy;
	const char	*fpath;
	size_t		 len, lineno = 0;
	long long	 n;
	int		 type;

	if (strv_has(&st->stack, path) || st->stack.n >= TS_INCLUDE_DEPTH) {
		/* chronyd stops at its maximum include level. */
		section_error(st->s, "%s: include cycle or nesting too deep; "
		    "chronyd refuses this", path);
		if (!sources_only)
			st->invalid = 1;
		return;
	}
	if (section_read(st->s, path, &buf, &len) == -1) {
		/* A configuration file that exists but cannot be opened
		 * is fatal to chronyd; a sources file is not. */
		if (!sources_only && errno != ENOENT && errno != ENOTDIR)
			st->invalid = 1;
		return;
	}
	/* A file read twice is listed once; a JSON object is the set. */
	if (!json_object_object_get_ex(st->seen, path, NULL)) {
		jsonutil_set_bool(st->seen, path, 1);
		strv_add(&st->files, path);
	}
	strv_add(&st->stack, path);
	fpath = st->stack.v[st->stack.n - 1];
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		/* CPS_NormalizeLine(): comments only at the start. */
		if (text_is_comment(line, "!;#%"))
			continue;
		text_split_ws(line, &cmd, &args);
		if ((type = ts_source_type(cmd)) != -1) {
			copy = xstrdup(args);
			if (ts_source(st->s, &st->src, type, copy, fpath,
			    lineno, 1) == -1 && !sources_only)
				st->invalid = 1;
			free(copy);
			continue;
		}
		if (sources_only) {
			if (strcasecmp(cmd, "refclock") != 0)
				section_error(st->s, "%s:%zu: \"%s\" is not "
				    "allowed in a sources file", fpath, lineno,
				    cmd);
			continue;
		}
		if (strcasecmp(cmd, "confdir") == 0) {
			struct strv	 files = { 0 };
			size_t		 i;

			copy = xstrdup(args);
			chrony_dir_files(st->s, copy, ".conf", &files);
			free(copy);
			for (i = 0; i < files.n; i++)
				chrony_file(st, files.v[i], 0);
			strv_free(&files);
		} else if (strcasecmp(cmd, "sourcedir") == 0)
			strv_add(&st->sourcedirs, args);
		else if (strcasecmp(cmd, "include") == 0)
			chrony_include(st, args);
		else if (strcasecmp(cmd, "makestep") == 0)
			chrony_makestep(st, args, fpath, lineno);
		else if (strcasecmp(cmd, "rtcsync") == 0)
			st->rtcsync = 1;
		else if (strcasecmp(cmd, "driftfile") == 0) {
			free(st->driftfile);
			st->driftfile = chrony_word(args);
		} else if (strcasecmp(cmd, "leapsectz") == 0) {
			free(st->leapsectz);
			st->leapsectz = chrony_word(args);
		} else if (strcasecmp(cmd, "minsources") == 0) {
			if (text_parse_int(args, &n) == 0 && n >= 1) {
				st->minsources = n;
				st->has_minsources = 1;
			} else {
				section_error(st->s, "%s:%zu: minsources needs "
				    "a number; chronyd refuses this", fpath,
				    lineno);
				st->invalid = 1;
			}
		}
	}
	free(buf);
	st->stack.n--;
	free(st->stack.v[st->stack.n]);
}

static void
ts_chrony(struct section *s, const struct pkgdb *db)
{
	struct json_object	*o;
	struct chrony_state	 st;
	struct strv		 files = { 0 };
	struct stat		 sb;
	const char		*path;
	char			*copy;
	size_t			 i;

	if (db->format == PKGDB_RPM)
		path = "/etc/chrony.conf";
	else if (db->format != PKGDB_NONE)
		path = "/etc/chrony/chrony.conf";
	else if (section_stat(s, "/etc/chrony/chrony.conf", &sb, 0) == 0)
		path = "/etc/chrony/chrony.conf";
	else
		path = "/etc/chrony.conf";

	memset(&st, 0, sizeof(st));
	st.s = s;
	st.src.list = json_object_new_array();
	st.seen = json_object_new_object();
	chrony_file(&st, path, 0);
	if (st.files.n == 0) {
		json_object_put(st.src.list);
		json_object_put(st.seen);
		return;
	}
	for (i = 0; i < st.sourcedirs.n; i++) {
		copy = xstrdup(st.sourcedirs.v[i]);
		chrony_dir_files(s, copy, ".sources", &files);
		free(copy);
	}
	for (i = 0; i < files.n; i++)
		chrony_file(&st, files.v[i], 1);
	strv_free(&files);

	o = json_object_new_object();
	jsonutil_set(o, "config_files", json_object_new_array());
	for (i = 0; i < st.files.n; i++)
		json_object_array_add(json_object_object_get(o,
		    "config_files"), json_object_new_string(st.files.v[i]));
	jsonutil_set_bool(o, "config_valid", !st.invalid);
	if (st.invalid) {
		/* chronyd exits on such a configuration: none of it is in
		 * effect. */
		json_object_put(st.src.list);
		json_object_put(st.makestep);
		goto done;
	}
	ts_sources_json(o, &st.src);
	if (st.makestep != NULL)
		jsonutil_set(o, "makestep", st.makestep);
	jsonutil_set_bool(o, "rtcsync", st.rtcsync);
	if (st.driftfile != NULL)
		jsonutil_set_string(o, "driftfile", st.driftfile);
	if (st.leapsectz != NULL)
		jsonutil_set_string(o, "leapsectz", st.leapsectz);
	if (st.has_minsources)
		jsonutil_set_int64(o, "minsources", st.minsources);
done:
	jsonutil_set(section_data(s), "chrony", o);
	strv_free(&st.files);
	strv_free(&st.stack);
	strv_free(&st.sourcedirs);
	json_object_put(st.seen);
	free(st.driftfile);
	free(st.leapsectz);
}

/*
 * systemd-timesyncd.
 */

/* Debian's build (-Dntp-servers) of systemd 252. */
static const char ts_debian_fallback[] =
    "0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org "
    "3.debian.pool.ntp.org";

static int
ts_debian_like(struct section *s)
{
	char	*buf, *cur, *line, *key, *val, *tok, *save;
	size_t	 len;
	int	 yes = 0;

	if (section_read(s, "/etc/os-release", &buf, &len) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			return 0;
		if (section_read(s, "/usr/lib/os-release", &buf, &len) == -1)
			return 0;
	}
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		if (text_is_comment(line, "#") ||
		    text_split_char(line, '=', &key, &val) == -1 ||
		    text_shell_unquote(val) == -1)
			continue;
		if (strcmp(key, "ID") != 0 && strcmp(key, "ID_LIKE") != 0)
			continue;
		for (tok = strtok_r(val, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save)) {
			if (strcmp(tok, "debian") == 0)
				yes = 1;
		}
	}
	free(buf);
	return yes;
}

/* manager_parse_server_string(): words added unless already listed
 * (seen is the same list as a set, so long lists stay linear). */
static void
ts_server_words(struct strv *l, struct json_object *seen, const char *value)
{
	char	*copy = xstrdup(value), *w, *save;

	for (w = strtok_r(copy, " \t\n\r", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n\r", &save)) {
		if (json_object_object_get_ex(seen, w, NULL))
			continue;
		jsonutil_set_bool(seen, w, 1);
		strv_add(l, w);
	}
	free(copy);
}

static struct json_object *
ts_server_list(const struct sdconf *c, const char *key, const char *def,
    int fallback)
{
	struct json_object	*o, *a, *seen;
	struct strv		 l = { 0 };
	const struct sdconf_assign *last = NULL;
	size_t			 i;
	int			 set = 0;
	char			*where;

	seen = json_object_new_object();
	for (i = 0; i < c->nassigns; i++) {
		if (strcmp(c->assigns[i].key, key) != 0)
			continue;
		last = &c->assigns[i];
		if (*last->value == '\0') {
			strv_free(&l);
			json_object_put(seen);
			seen = json_object_new_object();
		} else {
			ts_server_words(&l, seen, last->value);
			set = 1;
		}
	}
	o = json_object_new_object();
	if (fallback && !set) {
		/* Nothing non-empty read: the compiled-in list. */
		strv_free(&l);
		if (def == NULL) {
			jsonutil_set_string(o, "default",
			    "the list compiled into systemd-timesyncd");
			jsonutil_set_string(o, "source", "default");
			json_object_put(seen);
			return o;
		}
		ts_server_words(&l, seen, def);
		last = NULL;
	}
	a = json_object_new_array();
	for (i = 0; i < l.n; i++)
		json_object_array_add(a, json_object_new_string(l.v[i]));
	jsonutil_set(o, "value", a);
	if (last != NULL) {
		where = sdconf_where(last);
		jsonutil_set_string(o, "source", where);
		free(where);
	} else
		jsonutil_set_string(o, "source", "default");
	strv_free(&l);
	json_object_put(seen);
	return o;
}

/* The last valid time span for key; *usec and *src (NULL: default). */
static const struct sdconf_assign *
ts_timespan(struct section *s, const struct sdconf *c, const char *key,
    uint64_t *usec)
{
	const struct sdconf_assign	*found = NULL;
	uint64_t			 u;
	size_t				 i;
	char				*where;

	for (i = 0; i < c->nassigns; i++) {
		if (strcmp(c->assigns[i].key, key) != 0)
			continue;
		if (sdconf_parse_timespan(c->assigns[i].value, &u) == -1) {
			where = sdconf_where(&c->assigns[i]);
			section_error(s, "%s: invalid %s= value \"%s\", "
			    "ignored as systemd-timesyncd does", where, key,
			    c->assigns[i].value);
			free(where);
			continue;
		}
		found = &c->assigns[i];
		*usec = u;
	}
	return found;
}

static struct json_object *
ts_span_json(const struct sdconf_assign *a, const char *def, uint64_t usec)
{
	struct json_object	*o = json_object_new_object();
	char			*where;

	jsonutil_set_string(o, "value", a != NULL ? a->value : def);
	if (usec <= INT64_MAX)
		jsonutil_set_int64(o, "usec", (int64_t)usec);
	if (a != NULL) {
		where = sdconf_where(a);
		jsonutil_set_string(o, "source", where);
		free(where);
	} else
		jsonutil_set_string(o, "source", "default");
	return o;
}

static void
ts_timesyncd(struct section *s, const struct units *u)
{
	const struct sdconf_assign	*rd, *pmin, *pmax;
	struct json_object		*o, *masked;
	struct sdconf			 c;
	uint64_t			 rd_us = 5000000ULL;
	uint64_t			 min_us = 32000000ULL;
	uint64_t			 max_us = 2048000000ULL;
	size_t				 i;
	char				*where;

	sdconf_read(s, "/etc/systemd/timesyncd.conf", "timesyncd.conf.d",
	    "Time", &c);
	if (c.nfiles == 0 && c.nmasked == 0 && c.complete) {
		/* Nothing configured: report the defaults only when
		 * timesyncd is there to use them (a unit file, not just a
		 * mask). */
		struct unit_state	 st;

		if (units_state(u, "systemd-timesyncd.service", &st) == -1 ||
		    st.path == NULL) {
			sdconf_free(&c);
			return;
		}
	}
	o = json_object_new_object();
	jsonutil_set(o, "config_files", sdconf_files_json(&c));
	masked = json_object_new_array();
	for (i = 0; i < c.nmasked; i++)
		json_object_array_add(masked,
		    json_object_new_string(c.masked[i]));
	jsonutil_set(o, "masked_dropins", masked);
	jsonutil_set_bool(o, "complete", c.complete);
	if (c.unknown) {
		/* A file timesyncd may read but we could not: nothing is
		 * known of its settings. */
		jsonutil_set(section_data(s), "timesyncd", o);
		sdconf_free(&c);
		return;
	}
	jsonutil_set(o, "ntp", ts_server_list(&c, "NTP", NULL, 0));
	jsonutil_set(o, "fallback_ntp", ts_server_list(&c, "FallbackNTP",
	    ts_debian_like(s) ? ts_debian_fallback : NULL, 1));

	rd = ts_timespan(s, &c, "RootDistanceMaxSec", &rd_us);
	pmin = ts_timespan(s, &c, "PollIntervalMinSec", &min_us);
	pmax = ts_timespan(s, &c, "PollIntervalMaxSec", &max_us);
	/* manager_parse_config_file()'s corrections. */
	if (min_us < 16000000ULL && pmin != NULL) {
		where = sdconf_where(pmin);
		section_error(s, "%s: PollIntervalMinSec= under 16s; "
		    "systemd-timesyncd uses the default 32s", where);
		free(where);
		pmin = NULL;
		min_us = 32000000ULL;
	}
	jsonutil_set(o, "root_distance_max_sec", ts_span_json(rd, "5", rd_us));
	jsonutil_set(o, "poll_interval_min_sec", ts_span_json(pmin, "32",
	    min_us));
	if (max_us < min_us) {
		struct json_object	*m;

		if (pmax != NULL) {
			where = sdconf_where(pmax);
			section_error(s, "%s: PollIntervalMaxSec= under "
			    "PollIntervalMinSec=; systemd-timesyncd uses the "
			    "default", where);
			free(where);
		}
		max_us = min_us * 32 > 2048000000ULL ? min_us * 32 :
		    2048000000ULL;
		m = json_object_new_object();
		jsonutil_set_int64(m, "usec", (int64_t)max_us);
		jsonutil_set_string(m, "source", "default");
		jsonutil_set(o, "poll_interval_max_sec", m);
	} else
		jsonutil_set(o, "poll_interval_max_sec", ts_span_json(pmax,
		    "2048", max_us));
	jsonutil_set(section_data(s), "timesyncd", o);
	sdconf_free(&c);
}

/*
 * ntpd and ntpsec: "server|pool|peer HOST [options]" and "restrict
 * [-4|-6] default FLAGS".  Every line counts; ntpd has no override
 * rules for these, each adds an association or a restriction.
 */

/* "restrict [-4|-6] default FLAGS": the defaults every client gets. */
static void
ts_restrict(struct json_object *restr, const char *args, const char *path,
    size_t lineno)
{
	struct json_object	*r, *flags;
	char			*copy = xstrdup(args), *w, *save;
	const char		*family = NULL;

	w = strtok_r(copy, " \t", &save);
	if (w != NULL && (strcmp(w, "-4") == 0 || strcmp(w, "-6") == 0)) {
		family = w;
		w = strtok_r(NULL, " \t", &save);
	}
	if (w == NULL || strcmp(w, "default") != 0) {
		free(copy);
		return;
	}
	r = json_object_new_object();
	if (family != NULL)
		jsonutil_set_string(r, "family", family);
	flags = json_object_new_array();
	while ((w = strtok_r(NULL, " \t", &save)) != NULL)
		json_object_array_add(flags, json_object_new_string(w));
	jsonutil_set(r, "flags", flags);
	jsonutil_set_string(r, "file", path);
	jsonutil_set_int64(r, "line", (int64_t)lineno);
	json_object_array_add(restr, r);
	free(copy);
}

static void
ts_ntp(struct section *s, const char *path, const char *name)
{
	struct json_object	*o, *restr;
	struct ts_sources	 src;
	char			*buf, *cur, *line, *cmd, *args, *copy;
	size_t			 len, lineno = 0;
	int			 type;

	if (section_read(s, path, &buf, &len) == -1)
		return;
	memset(&src, 0, sizeof(src));
	src.list = json_object_new_array();
	restr = json_object_new_array();
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		text_split_ws(line, &cmd, &args);
		if ((type = ts_source_type(cmd)) != -1) {
			copy = xstrdup(args);
			ts_source(s, &src, type, copy, path, lineno, 0);
			free(copy);
		} else if (strcmp(cmd, "restrict") == 0)
			ts_restrict(restr, args, path, lineno);
	}
	free(buf);
	o = json_object_new_object();
	jsonutil_set_string(o, "config_file", path);
	ts_sources_json(o, &src);
	jsonutil_set(o, "restrict_default", restr);
	jsonutil_set(section_data(s), name, o);
}

int
collect_time_sync(struct section *s)
{
	/* Fetched once: each fetch imports their errors again. */
	const struct pkgdb	*db = pkgdb_get(s);
	const struct units	*u = units_get(s);

	ts_implementations(s, db, u);
	ts_chrony(s, db);
	ts_timesyncd(s, u);
	ts_ntp(s, "/etc/ntpsec/ntp.conf", "ntpsec");
	ts_ntp(s, "/etc/ntp.conf", "ntpd");
	return 0;
}
