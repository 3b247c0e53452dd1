/*
 * logging: whether events are recorded, kept and sent off the host
 * (ISO 27001 A.8.15 logging, A.8.16 monitoring): journald,
 * rsyslog, auditd and the logrotate retention of the syslog files.
 * Every value is what the daemon itself would apply, read with its own
 * precedence rules (described at each parser).
 *
 * data.journald                  absent when there is neither a journald
 *                                configuration nor systemd (initsys.h)
 * data.journald.config_files     [paths read, in the order applied]
 * data.journald.masked_dropins   [drop-ins linked to /dev/null]
 * data.journald.complete         boolean: every file was read to its end
 *                                (false: systemd stops at an unreadable
 *                                file or a broken line, and so do we;
 *                                when the file may be readable to
 *                                journald but was not to us, no SETTING
 *                                is reported)
 * data.journald.SETTING          {"value", "source"}: source is
 *                                "PATH:LINE" of the assignment in effect
 *                                (the last valid one) or "default".
 *   SETTING and value type:
 *   storage (string), compress (boolean, plus "threshold_bytes" when a
 *   size was given), seal (boolean), split_mode (string),
 *   forward_to_syslog (boolean), forward_to_wall (boolean),
 *   max_level_store (string, a level name), rate_limit_burst (integer),
 *   system_max_use, system_keep_free, system_max_file_size (string as
 *   written, plus "bytes"), max_retention_sec, max_file_sec,
 *   rate_limit_interval_sec (string as written, plus "usec"; "usec" is
 *   left out for "infinity").
 *   Defaults are systemd 252's: Storage=auto, Compress=yes, Seal=yes,
 *   SplitMode=uid, ForwardToWall=yes, MaxLevelStore=debug,
 *   RateLimitIntervalSec=30s, RateLimitBurst=10000, MaxRetentionSec=0
 *   (no time limit), MaxFileSec=1month; ForwardToSyslog=yes on Debian and
 *   Ubuntu (whose systemd is patched so) and no elsewhere.  The three
 *   sizes default to a share of the file system, which a file read cannot
 *   give: those have no "value", only "default" describing the rule.
 * data.journald.persistent_dir   boolean: /var/log/journal is a directory
 * data.journald.persistent       boolean: journals survive a reboot
 *                                (Storage=persistent, or auto with the
 *                                directory present)
 *
 * data.rsyslog.installed         boolean (absent: no package database)
 * data.rsyslog.enabled, .masked  boolean (systemd rsyslog.service)
 * data.rsyslog.config_files      [paths, in the order rsyslog reads them]
 * data.rsyslog.forwarding        [{"protocol" ("udp", "tcp", "relp"),
 *                                "target", "port" (integer), "tls"
 *                                (boolean), "form" ("legacy" or
 *                                "action"), "selector" (when a PRI
 *                                selector applies), "file", "line"}] in
 *                                the order rsyslog reads them
 * data.rsyslog.forwarding_count  integer
 * data.rsyslog.auth_log          [{"path" (/var/log/auth.log or
 *                                /var/log/secure), "selector",
 *                                "file_create_mode", "file", "line"}]
 * data.rsyslog.writes_auth_log   boolean
 * data.rsyslog.file_create_mode  {"value" ("0640"), "file", "line"}: the
 *                                last $FileCreateMode (applies to file
 *                                actions after it; rsyslog's default is
 *                                0644)
 * data.rsyslog.umask             {"value", "file", "line"}: last $Umask
 *
 * data.auditd.installed          boolean (package auditd or audit)
 * data.auditd.enabled, .masked   boolean (auditd.service)
 * data.auditd.conf_valid         boolean: auditd accepts auditd.conf (it
 *                                exits on a malformed line or a bad value
 *                                of the keys below; other keywords are
 *                                not checked).  conf is absent when false.
 * data.auditd.conf.KEY           /etc/audit/auditd.conf, last one wins:
 *                                log_file, max_log_file (integer, MB),
 *                                num_logs (integer), max_log_file_action,
 *                                space_left_action, admin_space_left_action,
 *                                disk_full_action, disk_error_action,
 *                                flush, log_format (lowercase strings)
 * data.auditd.rules_d            the rules augenrules compiles from the
 *                                *.rules files of /etc/audit/rules.d
 *                                (names in ls -v order; only the last -D, -b,
 *                                --backlog_wait_time, -f and -e are kept,
 *                                control lines first and -e last, as its
 *                                awk script does), plus "files" [names]
 *                                and "matches_audit_rules" (boolean: the
 *                                compiled rules equal audit.rules, line
 *                                for line, as augenrules --check compares)
 * data.auditd.audit_rules        /etc/audit/audit.rules as auditctl -R
 *                                loads it, line by line
 *   each of the two:
 *   {"rule_count" (syscall rules and watches), "watch_count",
 *   "syscall_rule_count", "watches": [{"path", "perms", "key", "form"
 *   ("watch" for -w, "rule" for -a with -F path=/dir=), "file",
 *   "line"}], "identity": {"passwd", "shadow", "group", "gshadow",
 *   "opasswd"}, "sudoers", "sudoers_d", "time_change": {"adjtimex",
 *   "settimeofday", "clock_settime", "localtime"}, "immutable" (a -e 2
 *   is loaded), "immutable_last" (it is the last line),
 *   "lines_after_immutable" (integer: lines the kernel refuses, as
 *   nothing can change after -e 2; they count nowhere else),
 *   "enabled_flag", "failure_mode", "backlog_limit",
 *   "backlog_wait_time" (integers, the last one loaded),
 *   "loginuid_immutable"}.  A file or path counts as watched when a
 *   watch or always-rule on it includes write access ("w" in -p or
 *   perm=, or no permission filter at all).
 *
 * data.busybox_syslogd          (Alpine; when /etc/conf.d/syslog exists
 *                                or OpenRC starts "syslog") {"enabled"
 *                                (an OpenRC runlevel starts it),
 *                                "forwarding": [{"protocol" ("udp"),
 *                                "target", "port"}] from -R,
 *                                "forwarding_count", "local" (boolean:
 *                                also logs to a file: no -R, or -L),
 *                                "log_file" (-O, default
 *                                /var/log/messages)} from the last
 *                                SYSLOGD_OPTS=
 *
 * data.logrotate                 absent without /etc/logrotate.conf
 * data.logrotate.global          {"rotate", "period", "compress",
 *                                "includes"} set at the top level of
 *                                /etc/logrotate.conf
 * data.logrotate.syslog_files    [{"path", "file", "line" (the stanza),
 *                                "rotate", "rotate_from" ("stanza",
 *                                "global", "default"), "period",
 *                                "period_from" ("stanza", "global"),
 *                                "compress", "maxage", "retention_days"}]
 *                                for /var/log/syslog, /var/log/messages,
 *                                /var/log/auth.log, /var/log/secure in that
 *                                order, those some stanza covers.  The
 *                                first stanza naming a file wins, as
 *                                logrotate refuses duplicates.
 *                                retention_days = rotate x period (daily
 *                                1, weekly 7, monthly 30, yearly 365,
 *                                hourly 1/24, rounded down), capped by
 *                                maxage; absent when rotation is by size
 *                                only or rotate is -1 without maxage.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
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
#define LOGGING_INCLUDE_DEPTH	16

/*
 * Shared helpers.
 */


/* A growing string: appending stays linear however long it gets. */
struct textbuf {
	char	*v;
	size_t	 len, cap;
};

static void
textbuf_cat(struct textbuf *b, const char *str, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = b->cap ? b->cap : 64;
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->v = xrealloc(b->v, b->cap);
	}
	memcpy(b->v + b->len, str, n);
	b->len += n;
	b->v[b->len] = '\0';
}

static void
textbuf_addc(struct textbuf *b, char c)
{
	textbuf_cat(b, &c, 1);
}

static int
logging_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The package database and unit states, fetched once per run of this
 * collector: each fetch imports their errors into the section again. */
struct logging_ctx {
	const struct pkgdb	*db;
	const struct units	*units;
};

static void
logging_installed(const struct logging_ctx *ctx, struct json_object *o,
    const char *const *pkgs, size_t npkgs)
{
	const struct pkgdb	*db = ctx->db;
	size_t			 i;
	int			 found = 0;

	/* Without a package database the answer is unknown, not "no". */
	if (db->format == PKGDB_NONE)
		return;
	for (i = 0; i < npkgs; i++) {
		if (pkgdb_find(db, pkgs[i]) != NULL)
			found = 1;
	}
	jsonutil_set_bool(o, "installed", found);
}

static void
logging_unit(const struct logging_ctx *ctx, struct json_object *o,
    const char *unit)
{
	struct unit_state	 st;

	if (units_state(ctx->units, unit, &st) == -1)
		memset(&st, 0, sizeof(st));
	jsonutil_set_bool(o, "enabled", st.enabled && !st.masked);
	jsonutil_set_bool(o, "masked", st.masked);
}

/* Whether os-release names Debian or a derivative: their systemd is
 * built with journal forwarding to syslog on. */
static int
logging_debian_like(struct section *s)
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
			if (strcmp(tok, "debian") == 0 ||
			    strcmp(tok, "ubuntu") == 0)
				yes = 1;
		}
	}
	free(buf);
	return yes;
}

/*
 * Expand an include pattern whose wildcards are in the last component,
 * as glob(3) does for the configurations here: matches sorted bytewise,
 * a leading "." matched only explicitly.  A pattern without wildcards
 * gives itself.
 */
static int
logging_glob(struct section *s, const char *pattern, struct strv *out)
{
	char	**names, *dir, *base, *p;
	size_t	  n, i;

	if (strpbrk(pattern, "*?[") == NULL) {
		strv_add(out, pattern);
		return 0;
	}
	if (pattern[0] != '/' || (base = strrchr(pattern, '/')) == NULL)
		return -1;
	dir = xstrndup(pattern, (size_t)(base - pattern));
	base++;
	if (strpbrk(dir, "*?[") != NULL) {
		free(dir);
		return -1;
	}
	if (section_list_dir(s, *dir == '\0' ? "/" : dir, NULL, &names,
	    &n) == -1) {
		free(dir);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (fnmatch(base, names[i], FNM_PERIOD) == 0) {
			p = xasprintf("%s/%s", dir, names[i]);
			strv_add(out, p);
			free(p);
		}
	}
	section_free_names(names, n);
	free(dir);
	return 0;
}

/*
 * journald.
 */

enum jd_type { JD_ENUM, JD_BOOL, JD_COMPRESS, JD_SIZE, JD_SEC, JD_UINT,
    JD_LEVEL };

static const char *const jd_storage[] = {
	"auto", "volatile", "persistent", "none", NULL
};
static const char *const jd_split[] = { "uid", "none", NULL };
static const char *const jd_levels[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
	NULL
};

static const struct jd_key {
	const char		*key;
	const char		*alias;		/* older spelling still read */
	const char		*json;
	enum jd_type		 type;
	const char *const	*choices;
	const char		*def;		/* NULL: computed by journald */
	const char		*rule;		/* how journald computes it */
} jd_keys[] = {
	{ "Storage", NULL, "storage", JD_ENUM, jd_storage, "auto", NULL },
	{ "Compress", NULL, "compress", JD_COMPRESS, NULL, "yes", NULL },
	{ "Seal", NULL, "seal", JD_BOOL, NULL, "yes", NULL },
	{ "SplitMode", NULL, "split_mode", JD_ENUM, jd_split, "uid", NULL },
	{ "ForwardToSyslog", NULL, "forward_to_syslog", JD_BOOL, NULL, NULL,
	    NULL },
	{ "ForwardToWall", NULL, "forward_to_wall", JD_BOOL, NULL, "yes",
	    NULL },
	{ "MaxLevelStore", NULL, "max_level_store", JD_LEVEL, NULL, "debug",
	    NULL },
	{ "SystemMaxUse", NULL, "system_max_use", JD_SIZE, NULL, NULL,
	    "10% of the file system, at most 4G" },
	{ "SystemKeepFree", NULL, "system_keep_free", JD_SIZE, NULL, NULL,
	    "15% of the file system, at most 4G" },
	{ "SystemMaxFileSize", NULL, "system_max_file_size", JD_SIZE, NULL,
	    NULL, "1/8 of SystemMaxUse, at most 128M" },
	{ "MaxRetentionSec", NULL, "max_retention_sec", JD_SEC, NULL, "0",
	    NULL },
	{ "MaxFileSec", NULL, "max_file_sec", JD_SEC, NULL, "1month", NULL },
	{ "RateLimitIntervalSec", "RateLimitInterval",
	    "rate_limit_interval_sec", JD_SEC, NULL, "30s", NULL },
	{ "RateLimitBurst", NULL, "rate_limit_burst", JD_UINT, NULL, "10000",
	    NULL },
};

/* The value journald's parser for this key makes of text, or NULL when
 * it rejects it (and keeps the earlier value). */
static struct json_object *
jd_value(const struct jd_key *k, const char *v)
{
	struct json_object	*o;
	uint64_t		 u;
	long long		 ll;
	size_t			 i;
	int			 b;

	o = json_object_new_object();
	switch (k->type) {
	case JD_ENUM:
		for (i = 0; k->choices[i] != NULL; i++) {
			if (strcmp(v, k->choices[i]) == 0) {
				jsonutil_set_string(o, "value", v);
				return o;
			}
		}
		break;
	case JD_BOOL:
		if (sdconf_parse_bool(v, &b) == 0) {
			jsonutil_set_bool(o, "value", b);
			return o;
		}
		break;
	case JD_COMPRESS:
		/* config_parse_compress(): empty resets to yes, a boolean,
		 * or a size threshold that also turns compression on. */
		if (*v == '\0') {
			jsonutil_set_bool(o, "value", 1);
			return o;
		}
		if (sdconf_parse_bool(v, &b) == 0) {
			jsonutil_set_bool(o, "value", b);
			return o;
		}
		if (sdconf_parse_size(v, &u) == 0 && u <= INT64_MAX) {
			jsonutil_set_bool(o, "value", 1);
			jsonutil_set_int64(o, "threshold_bytes", (int64_t)u);
			return o;
		}
		break;
	case JD_SIZE:
		if (sdconf_parse_size(v, &u) == 0 && u <= INT64_MAX) {
			jsonutil_set_string(o, "value", v);
			jsonutil_set_int64(o, "bytes", (int64_t)u);
			return o;
		}
		break;
	case JD_SEC:
		if (sdconf_parse_timespan(v, &u) == 0) {
			jsonutil_set_string(o, "value", v);
			if (u <= INT64_MAX)
				jsonutil_set_int64(o, "usec", (int64_t)u);
			return o;
		}
		break;
	case JD_UINT:
		if (text_parse_int(v, &ll) == 0 && ll >= 0 &&
		    ll <= UINT32_MAX && isdigit((unsigned char)*v)) {
			jsonutil_set_int64(o, "value", ll);
			return o;
		}
		break;
	case JD_LEVEL:
		/* log_level_from_string(): a name, or a number up to 7. */
		for (i = 0; jd_levels[i] != NULL; i++) {
			if (strcmp(v, jd_levels[i]) == 0) {
				jsonutil_set_string(o, "value", v);
				return o;
			}
		}
		if (text_parse_int(v, &ll) == 0 && ll >= 0 && ll <= 7 &&
		    isdigit((unsigned char)*v)) {
			jsonutil_set_string(o, "value", jd_levels[ll]);
			return o;
		}
		break;
	}
	json_object_put(o);
	return NULL;
}

static void
jd_setting(struct section *s, struct json_object *jd, const struct sdconf *c,
    const struct jd_key *k, int debian)
{
	struct json_object	*cur = NULL, *v;
	const char		*def = k->def;
	char			*where;
	size_t			 i;

	for (i = 0; i < c->nassigns; i++) {
		if (strcmp(c->assigns[i].key, k->key) != 0 &&
		    (k->alias == NULL ||
		    strcmp(c->assigns[i].key, k->alias) != 0))
			continue;
		where = sdconf_where(&c->assigns[i]);
		if ((v = jd_value(k, c->assigns[i].value)) == NULL) {
			section_error(s, "%s: invalid %s= value \"%s\", "
			    "ignored as systemd-journald does", where, k->key,
			    c->assigns[i].value);
			free(where);
			continue;
		}
		jsonutil_set_string(v, "source", where);
		free(where);
		json_object_put(cur);
		cur = v;
	}
	if (cur == NULL) {
		if (strcmp(k->key, "ForwardToSyslog") == 0)
			def = debian ? "yes" : "no";
		if (def != NULL)
			cur = jd_value(k, def);
		else {
			cur = json_object_new_object();
			jsonutil_set_string(cur, "default", k->rule);
		}
		jsonutil_set_string(cur, "source", "default");
	}
	jsonutil_set(jd, k->json, cur);
}

static void
logging_journald(struct section *s)
{
	struct json_object	*jd, *st, *masked;
	struct sdconf		 c;
	struct stat		 sb;
	const char		*storage;
	size_t			 i;
	int			 debian, dir;

	sdconf_read(s, "/etc/systemd/journald.conf", "journald.conf.d",
	    "Journal", &c);
	/* No configuration and no systemd: defaults reported here would
	 * describe a journal that is not there (Alpine). */
	if (c.nfiles == 0 && c.nmasked == 0 && c.complete &&
	    initsys_detect(s) != INITSYS_SYSTEMD) {
		sdconf_free(&c);
		return;
	}
	debian = logging_debian_like(s);
	jd = json_object_new_object();
	jsonutil_set(jd, "config_files", sdconf_files_json(&c));
	masked = json_object_new_array();
	for (i = 0; i < c.nmasked; i++)
		json_object_array_add(masked,
		    json_object_new_string(c.masked[i]));
	jsonutil_set(jd, "masked_dropins", masked);
	jsonutil_set_bool(jd, "complete", c.complete);
	/* A file journald may read but we could not: no setting is known,
	 * and a default reported here could hide a real value. */
	for (i = 0; i < NELEMS(jd_keys) && !c.unknown; i++)
		jd_setting(s, jd, &c, &jd_keys[i], debian);

	dir = section_stat(s, "/var/log/journal", &sb, 0) == 0 &&
	    S_ISDIR(sb.st_mode);
	jsonutil_set_bool(jd, "persistent_dir", dir);
	if (json_object_object_get_ex(jd, "storage", &st) &&
	    jsonutil_get_string(st, "value", &storage) == 0)
		jsonutil_set_bool(jd, "persistent",
		    strcmp(storage, "persistent") == 0 ||
		    (strcmp(storage, "auto") == 0 && dir));
	jsonutil_set(section_data(s), "journald", jd);
	sdconf_free(&c);
}

/*
 * rsyslog.  rsyslog.conf mixes the legacy format ("$Directive value",
 * "selector action") with RainerScript (name(param="value" ...), which may
 * span lines).  Includes are read where they appear, so the order of
 * config_files and of the lists below is rsyslog's own.
 */

struct rs_state {
	struct section		*s;
	struct json_object	*forwards;
	struct json_object	*auth;
	struct strv		 files;		/* read, in order */
	struct json_object	*seen;		/* the same, as a set */
	struct strv		 stack;		/* being read: cycles */
	char			*create_mode;	/* legacy, in effect */
	char			*module_mode;	/* omfile module default */
	struct json_object	*create_mode_src;
	struct json_object	*umask_src;
	int			 send_tls;	/* legacy TLS mode */
	const char		*path;
	size_t			 line;
};

static void	rs_file(struct rs_state *, const char *, int);

/* A quoted string at *pp (at the quote), backslash escapes undone;
 * -1 when it does not end. */
static int
rs_quoted(const char **pp, struct textbuf *b)
{
	const char	*p = *pp;
	char		 q = *p++;

	while (*p != '\0' && *p != q) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		textbuf_addc(b, *p++);
	}
	if (*p != q)
		return -1;
	*pp = p + 1;
	return 0;
}

/*
 * A RainerScript parameter list after "(": name="value" pairs up to the
 * closing ")", names lowercased (rsyslog ignores their case), values
 * quoted, bare, or an array of quoted strings (joined with ",").
 * Returns the position after ")", or NULL when malformed.
 */
static const char *
rs_params(const char *p, struct json_object *params)
{
	struct textbuf	 b;
	char		*name;
	size_t		 n;
	int		 bad;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == ')')
			return p + 1;
		n = 0;
		while (isalnum((unsigned char)p[n]) || p[n] == '.' ||
		    p[n] == '_' || p[n] == '-')
			n++;
		if (n == 0)
			return NULL;
		name = text_lower(xstrndup(p, n));
		p += n;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=') {
			free(name);
			return NULL;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		memset(&b, 0, sizeof(b));
		bad = 0;
		if (*p == '[') {
			p++;
			for (;;) {
				while (isspace((unsigned char)*p) || *p == ',')
					p++;
				if (*p == ']') {
					p++;
					break;
				}
				if (*p != '"' && *p != '\'') {
					bad = 1;
					break;
				}
				if (b.len > 0)
					textbuf_addc(&b, ',');
				if ((bad = rs_quoted(&p, &b) == -1))
					break;
			}
		} else if (*p == '"' || *p == '\'')
			bad = rs_quoted(&p, &b) == -1;
		else {
			while (*p != '\0' && !isspace((unsigned char)*p) &&
			    *p != ')')
				textbuf_addc(&b, *p++);
		}
		if (!bad)
			jsonutil_set_string(params, name, b.v ? b.v : "");
		free(name);
		free(b.v);
		if (bad)
			return NULL;
	}
}

static const char *
rs_param(struct json_object *params, const char *name)
{
	const char	*v;

	return jsonutil_get_string(params, name, &v) == 0 ? v : NULL;
}

static int
rs_port(struct rs_state *st, const char *text, long long *port)
{
	if (text_parse_int(text, port) == 0 && *port > 0 && *port <= 65535 &&
	    isdigit((unsigned char)*text))
		return 0;
	section_error(st->s, "%s:%zu: \"%s\" is not a port number", st->path,
	    st->line, text);
	return -1;
}

static void
rs_forward(struct rs_state *st, const char *proto, const char *target,
    const char *port, int tls, const char *form, const char *selector)
{
	struct json_object	*f;
	long long		 p;

	f = json_object_new_object();
	jsonutil_set_string(f, "protocol", proto);
	jsonutil_set_string(f, "target", target);
	if (rs_port(st, port, &p) == 0)
		jsonutil_set_int64(f, "port", p);
	jsonutil_set_bool(f, "tls", tls);
	jsonutil_set_string(f, "form", form);
	if (selector != NULL)
		jsonutil_set_string(f, "selector", selector);
	jsonutil_set_string(f, "file", st->path);
	jsonutil_set_int64(f, "line", (int64_t)st->line);
	json_object_array_add(st->forwards, f);
}

static void
rs_file_action(struct rs_state *st, const char *path, const char *mode,
    const char *selector)
{
	struct json_object	*a;

	if (strcmp(path, "/var/log/auth.log") != 0 &&
	    strcmp(path, "/var/log/secure") != 0)
		return;
	a = json_object_new_object();
	jsonutil_set_string(a, "path", path);
	if (selector != NULL)
		jsonutil_set_string(a, "selector", selector);
	jsonutil_set_string(a, "file_create_mode", mode);
	jsonutil_set_string(a, "file", st->path);
	jsonutil_set_int64(a, "line", (int64_t)st->line);
	json_object_array_add(st->auth, a);
}

static const char *
rs_mode_in_effect(struct rs_state *st)
{
	if (st->create_mode != NULL)
		return st->create_mode;
	if (st->module_mode != NULL)
		return st->module_mode;
	return "0644";
}

/* action(...): text points after "action(". */
static const char *
rs_action(struct rs_state *st, const char *text, const char *selector)
{
	struct json_object	*params = json_object_new_object();
	const char		*end, *type, *target, *port, *proto, *mode;
	const char		*drvmode, *tls;
	char			*targets, *t, *save;

	if ((end = rs_params(text, params)) == NULL) {
		section_error(st->s, "%s:%zu: malformed action() parameters",
		    st->path, st->line);
		json_object_put(params);
		return NULL;
	}
	type = rs_param(params, "type");
	if (type == NULL) {
		section_error(st->s, "%s:%zu: action() without type",
		    st->path, st->line);
	} else if (strcasecmp(type, "omfwd") == 0 ||
	    strcasecmp(type, "omrelp") == 0) {
		target = rs_param(params, "target");
		port = rs_param(params, "port");
		if (strcasecmp(type, "omrelp") == 0) {
			proto = "relp";
			tls = rs_param(params, "tls");
			drvmode = tls != NULL && strcasecmp(tls, "on") == 0 ?
			    "1" : "0";
		} else {
			proto = rs_param(params, "protocol");
			drvmode = rs_param(params, "streamdrivermode");
			if (drvmode == NULL)
				drvmode = rs_param(params, "streamdriver.mode");
			if (proto == NULL)
				proto = "udp";
		}
		if (target == NULL || *target == '\0') {
			section_error(st->s, "%s:%zu: %s action without target",
			    st->path, st->line, type);
		} else if (strcasecmp(proto, "udp") != 0 &&
		    strcasecmp(proto, "tcp") != 0 &&
		    strcasecmp(proto, "relp") != 0) {
			section_error(st->s, "%s:%zu: omfwd protocol \"%s\" is "
			    "neither udp nor tcp; rsyslog rejects the action",
			    st->path, st->line, proto);
		} else {
			targets = xstrdup(target);
			for (t = strtok_r(targets, ",", &save); t != NULL;
			    t = strtok_r(NULL, ",", &save)) {
				char	*lp = text_lower(xstrdup(proto));
				int	 on = drvmode != NULL &&
				    strcmp(drvmode, "1") == 0 &&
				    strcmp(lp, "udp") != 0;

				rs_forward(st, lp, t, port ? port : "514", on,
				    "action", selector);
				free(lp);
			}
			free(targets);
		}
	} else if (strcasecmp(type, "omfile") == 0 &&
	    (target = rs_param(params, "file")) != NULL) {
		mode = rs_param(params, "filecreatemode");
		rs_file_action(st, target, mode ? mode : rs_mode_in_effect(st),
		    selector);
	}
	json_object_put(params);
	return end;
}

/* A legacy action: "@host", "@@(o)host:port;Template", ":omrelp:host:port",
 * "-/var/log/file". */
static void
rs_legacy_action(struct rs_state *st, const char *a, const char *selector)
{
	const char	*proto = "udp", *h, *e;
	char		*host, *port, *path;

	if (*a == '@') {
		a++;
		if (*a == '@') {
			proto = "tcp";
			a++;
		}
		if (*a == '(') {
			if ((a = strchr(a, ')')) == NULL) {
				section_error(st->s, "%s:%zu: malformed "
				    "forwarding action", st->path, st->line);
				return;
			}
			a++;
		}
		if (*a == '[') {
			h = a + 1;
			if ((e = strchr(h, ']')) == NULL) {
				section_error(st->s, "%s:%zu: malformed IPv6 "
				    "target", st->path, st->line);
				return;
			}
			host = xstrndup(h, (size_t)(e - h));
			a = e + 1;
		} else {
			e = a + strcspn(a, ":; \t");
			host = xstrndup(a, (size_t)(e - a));
			a = e;
		}
		if (*host == '\0') {
			section_error(st->s, "%s:%zu: forwarding action "
			    "without host", st->path, st->line);
			free(host);
			return;
		}
		if (*a == ':') {
			a++;
			port = xstrndup(a, strcspn(a, "; \t"));
		} else
			port = xstrdup("514");
		rs_forward(st, proto, host, port,
		    st->send_tls && strcmp(proto, "tcp") == 0, "legacy",
		    selector);
		free(host);
		free(port);
	} else if (strncasecmp(a, ":omrelp:", 8) == 0) {
		a += 8;
		e = a + strcspn(a, ":; \t");
		host = xstrndup(a, (size_t)(e - a));
		port = *e == ':' ? xstrndup(e + 1, strcspn(e + 1, "; \t")) :
		    xstrdup("514");
		rs_forward(st, "relp", host, port, 0, "legacy", selector);
		free(host);
		free(port);
	} else if (*a == '/' || (*a == '-' && a[1] == '/')) {
		if (*a == '-')
			a++;
		path = xstrndup(a, strcspn(a, "; \t"));
		rs_file_action(st, path, rs_mode_in_effect(st), selector);
		free(path);
	}
}

static int
rs_octal_mode(const char *v)
{
	return strlen(v) == 4 && v[0] == '0' && strspn(v, "01234567") == 4;
}

static struct json_object *
rs_setting(struct rs_state *st, const char *v)
{
	struct json_object	*o = json_object_new_object();

	jsonutil_set_string(o, "value", v);
	jsonutil_set_string(o, "file", st->path);
	jsonutil_set_int64(o, "line", (int64_t)st->line);
	return o;
}

static void
rs_include(struct rs_state *st, const char *pattern, int required)
{
	struct strv	 paths = { 0 };
	char		**names, *p;
	size_t		 i, n;
	struct stat	 sb;

	if (logging_glob(st->s, pattern, &paths) == -1) {
		section_error(st->s, "%s:%zu: include pattern \"%s\" not "
		    "expanded (wildcards in a directory part)", st->path,
		    st->line, pattern);
		return;
	}
	if (paths.n == 0 && required)
		section_error(st->s, "%s:%zu: include \"%s\" matches no file; "
		    "rsyslog refuses this", st->path, st->line, pattern);
	for (i = 0; i < paths.n; i++) {
		/* A directory includes every file in it. */
		if (section_stat(st->s, paths.v[i], &sb, 0) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			if (section_list_dir(st->s, paths.v[i], NULL, &names,
			    &n) == -1)
				continue;
			for (size_t j = 0; j < n; j++) {
				if (names[j][0] == '.')
					continue;
				p = xasprintf("%s%s%s", paths.v[i],
				    paths.v[i][strlen(paths.v[i]) - 1] == '/' ?
				    "" : "/", names[j]);
				rs_file(st, p, 0);
				free(p);
			}
			section_free_names(names, n);
		} else
			rs_file(st, paths.v[i], required);
	}
	strv_free(&paths);
}

static void
rs_legacy_directive(struct rs_state *st, char *line)
{
	char	*name, *val;

	text_split_ws(line + 1, &name, &val);
	text_lower(name);
	if (strcmp(name, "includeconfig") == 0)
		rs_include(st, val, 0);
	else if (strcmp(name, "filecreatemode") == 0) {
		if (!rs_octal_mode(val)) {
			section_error(st->s, "%s:%zu: $FileCreateMode \"%s\" "
			    "is not a four-digit octal mode", st->path,
			    st->line, val);
			return;
		}
		free(st->create_mode);
		st->create_mode = xstrdup(val);
		json_object_put(st->create_mode_src);
		st->create_mode_src = rs_setting(st, val);
	} else if (strcmp(name, "umask") == 0) {
		if (!rs_octal_mode(val)) {
			section_error(st->s, "%s:%zu: $Umask \"%s\" is not a "
			    "four-digit octal mode", st->path, st->line, val);
			return;
		}
		json_object_put(st->umask_src);
		st->umask_src = rs_setting(st, val);
	} else if (strcmp(name, "actionsendstreamdrivermode") == 0)
		st->send_tls = strcmp(val, "1") == 0;
}

/* Position after a quoted string starting at p (p at the quote). */
static const char *
rs_skip_quoted(const char *p)
{
	char	q = *p++;

	while (*p != '\0' && *p != q) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		p++;
	}
	return *p == q ? p + 1 : p;
}

/* Find word( outside quotes, at a word boundary. */
static const char *
rs_find_call(const char *p, const char *word)
{
	const char	*start = p;
	size_t		 n = strlen(word);

	while (*p != '\0') {
		if (*p == '"' || *p == '\'') {
			p = rs_skip_quoted(p);
			continue;
		}
		if (strncasecmp(p, word, n) == 0 &&
		    (p == start || !(isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_' || p[-1] == '.'))) {
			const char	*q = p + n;

			while (logging_blank(*q))
				q++;
			if (*q == '(')
				return q + 1;
		}
		p++;
	}
	return NULL;
}

/* Find the keyword "then" outside quotes. */
static const char *
rs_find_then(const char *p)
{
	const char	*start = p;

	while (*p != '\0') {
		if (*p == '"' || *p == '\'') {
			p = rs_skip_quoted(p);
			continue;
		}
		if (strncmp(p, "then", 4) == 0 && (p == start ||
		    isspace((unsigned char)p[-1]) || p[-1] == ')') &&
		    (p[4] == '\0' || isspace((unsigned char)p[4]) ||
		    p[4] == '{'))
			return p + 4;
		p++;
	}
	return NULL;
}

static void
rs_statement(struct rs_state *st, char *stmt, char **last_selector)
{
	struct json_object	*params;
	const char		*p, *rest, *v;
	char			*sel = NULL, *act;
	int			 legacy = 0;

	if (*stmt == '$') {
		rs_legacy_directive(st, stmt);
		return;
	}
	/* RainerScript objects anywhere in the statement. */
	for (p = stmt; (p = rs_find_call(p, "module")) != NULL; ) {
		params = json_object_new_object();
		if ((p = rs_params(p, params)) == NULL) {
			json_object_put(params);
			break;
		}
		if ((v = rs_param(params, "load")) != NULL &&
		    strcasecmp(v, "builtin:omfile") == 0 &&
		    (v = rs_param(params, "filecreatemode")) != NULL) {
			free(st->module_mode);
			st->module_mode = xstrdup(v);
		}
		json_object_put(params);
	}
	for (p = stmt; (p = rs_find_call(p, "include")) != NULL; ) {
		params = json_object_new_object();
		if ((p = rs_params(p, params)) == NULL) {
			section_error(st->s, "%s:%zu: malformed include()",
			    st->path, st->line);
			json_object_put(params);
			break;
		}
		if ((v = rs_param(params, "file")) != NULL) {
			const char	*mode = rs_param(params, "mode");

			rs_include(st, v, mode == NULL ||
			    strcasecmp(mode, "optional") != 0);
		}
		json_object_put(params);
	}

	/* Which selector the statement's actions run under. */
	if (*stmt == '&') {
		rest = stmt + 1;
		if (*last_selector != NULL)
			sel = xstrdup(*last_selector);
		legacy = 1;
	} else if (*stmt == ':') {
		/* :property, compare-op, "value" action */
		p = strchr(stmt, '"');
		rest = p != NULL ? rs_skip_quoted(p) : "";
		legacy = 1;
		free(*last_selector);
		*last_selector = NULL;
	} else if (strncmp(stmt, "if", 2) == 0 &&
	    (isspace((unsigned char)stmt[2]) || stmt[2] == '(')) {
		rest = rs_find_then(stmt);
		if (rest == NULL)
			rest = "";
		legacy = 1;
		free(*last_selector);
		*last_selector = NULL;
	} else if (isalpha((unsigned char)*stmt) || *stmt == '*') {
		size_t	n = strcspn(stmt, " \t");

		/* RainerScript statements start with a keyword and "("
		 * or are bare keywords; selectors hold a "." */
		if (memchr(stmt, '.', n) == NULL ||
		    memchr(stmt, '(', n) != NULL) {
			rest = stmt;
		} else {
			sel = xstrndup(stmt, n);
			rest = stmt + n;
			legacy = 1;
			free(*last_selector);
			*last_selector = xstrdup(sel);
		}
	} else
		rest = stmt;

	for (p = rest; (p = rs_find_call(p, "action")) != NULL; ) {
		if ((p = rs_action(st, p, sel)) == NULL)
			break;
	}
	if (legacy) {
		while (isspace((unsigned char)*rest) || *rest == '{')
			rest++;
		if (strncasecmp(rest, "action", 6) != 0) {
			act = xstrdup(rest);
			rs_legacy_action(st, act, sel);
			free(act);
		}
	}
	free(sel);
}

/* Blank out comments: "#" to the end of a line and C-style block
 * comments, outside quotes; newlines are kept for line numbers. */
static void
rs_strip_comments(char *buf)
{
	char	*p = buf, q = 0;
	int	 block = 0;

	for (; *p != '\0'; p++) {
		if (block) {
			if (p[0] == '*' && p[1] == '/') {
				*p++ = ' ';
				*p = ' ';
				block = 0;
			} else if (*p != '\n')
				*p = ' ';
			continue;
		}
		if (q != 0) {
			if (*p == '\\' && p[1] != '\0' && p[1] != '\n')
				p++;
			else if (*p == q || *p == '\n')
				q = 0;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			q = *p;
			continue;
		}
		if (*p == '#' && (p == buf || isspace((unsigned char)p[-1]))) {
			while (*p != '\0' && *p != '\n')
				*p++ = ' ';
			if (*p == '\0')
				break;
			continue;
		}
		if (p[0] == '/' && p[1] == '*' &&
		    (p == buf || isspace((unsigned char)p[-1]))) {
			*p++ = ' ';
			*p = ' ';
			block = 1;
		}
	}
}

/* Parenthesis depth of text outside quotes, added to depth. */
static int
rs_depth(const char *p, int depth)
{
	while (*p != '\0') {
		if (*p == '"' || *p == '\'') {
			p = rs_skip_quoted(p);
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		p++;
	}
	return depth;
}

static void
rs_file(struct rs_state *st, const char *path, int required)
{
	const char	*saved_path = st->path;
	size_t		 saved_line = st->line, len, lineno = 0, first;
	struct textbuf	 stmt;
	char		*buf, *cur, *line, *last_sel = NULL;
	int		 depth;

	if (strv_has(&st->stack, path)) {
		section_error(st->s, "%s: included from itself, not read again",
		    path);
		return;
	}
	if (st->stack.n >= LOGGING_INCLUDE_DEPTH) {
		section_error(st->s, "%s: includes nested too deeply", path);
		return;
	}
	if (section_read(st->s, path, &buf, &len) == -1) {
		if (required && (errno == ENOENT || errno == ENOTDIR))
			section_error(st->s, "%s: included but missing", path);
		return;
	}
	/* A file read twice is listed once; a JSON object is the set. */
	if (!json_object_object_get_ex(st->seen, path, NULL)) {
		jsonutil_set_bool(st->seen, path, 1);
		strv_add(&st->files, path);
	}
	strv_add(&st->stack, path);
	st->path = st->stack.v[st->stack.n - 1];
	rs_strip_comments(buf);
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (*line == '\0')
			continue;
		first = lineno;
		memset(&stmt, 0, sizeof(stmt));
		textbuf_cat(&stmt, line, strlen(line));
		/* A statement with an open "(" goes on over the next lines;
		 * legacy "$" directives are one line. */
		depth = *line == '$' ? 0 : rs_depth(line, 0);
		while (depth > 0 && (line = text_line(&cur)) != NULL) {
			lineno++;
			textbuf_addc(&stmt, ' ');
			textbuf_cat(&stmt, line, strlen(line));
			depth = rs_depth(line, depth);
		}
		st->line = first;
		rs_statement(st, stmt.v, &last_sel);
		free(stmt.v);
	}
	free(last_sel);
	free(buf);
	st->stack.n--;
	free(st->stack.v[st->stack.n]);
	st->path = saved_path;
	st->line = saved_line;
}

static void
logging_rsyslog(struct section *s, const struct logging_ctx *ctx)
{
	static const char *const pkgs[] = { "rsyslog" };
	struct json_object	*rs;
	struct rs_state		 st;

	rs = json_object_new_object();
	logging_installed(ctx, rs, pkgs, NELEMS(pkgs));
	logging_unit(ctx, rs, "rsyslog.service");

	memset(&st, 0, sizeof(st));
	st.s = s;
	st.forwards = json_object_new_array();
	st.auth = json_object_new_array();
	st.seen = json_object_new_object();
	rs_file(&st, "/etc/rsyslog.conf", 0);

	jsonutil_set(rs, "config_files", strv_json(&st.files));
	jsonutil_set_int64(rs, "forwarding_count",
	    (int64_t)json_object_array_length(st.forwards));
	jsonutil_set(rs, "forwarding", st.forwards);
	jsonutil_set_bool(rs, "writes_auth_log",
	    json_object_array_length(st.auth) > 0);
	jsonutil_set(rs, "auth_log", st.auth);
	if (st.create_mode_src != NULL)
		jsonutil_set(rs, "file_create_mode", st.create_mode_src);
	if (st.umask_src != NULL)
		jsonutil_set(rs, "umask", st.umask_src);
	jsonutil_set(section_data(s), "rsyslog", rs);
	strv_free(&st.files);
	strv_free(&st.stack);
	json_object_put(st.seen);
	free(st.create_mode);
	free(st.module_mode);
}

/*
 * auditd.
 */

static const char *const ad_actions[] = {
	"ignore", "syslog", "rotate", "email", "exec", "suspend", "single",
	"halt", "keep_logs", NULL
};
static const char *const ad_flush[] = {
	"none", "incremental", "incremental_async", "data", "sync", NULL
};
static const char *const ad_format[] = { "raw", "enriched", "nolog", NULL };

static const struct ad_key {
	const char		*key;
	int			 numeric;
	const char *const	*choices;	/* NULL: any text */
} ad_keys[] = {
	{ "log_file", 0, NULL },
	{ "max_log_file", 1, NULL },
	{ "num_logs", 1, NULL },
	{ "max_log_file_action", 0, ad_actions },
	{ "space_left_action", 0, ad_actions },
	{ "admin_space_left_action", 0, ad_actions },
	{ "disk_full_action", 0, ad_actions },
	{ "disk_error_action", 0, ad_actions },
	{ "flush", 0, ad_flush },
	{ "log_format", 0, ad_format },
};

/*
 * auditd.conf as auditd's nv_split() reads it: "keyword = value
 * [option]", the "=" a word of its own, keywords without regard to case;
 * a malformed line or a rejected value makes auditd refuse to start, so
 * it is an error here and the value is left out.  A repeated keyword:
 * the last one wins (each parser overwrites).
 */
static void
logging_auditd_conf(struct section *s, struct json_object *ad)
{
	const char	*path = "/etc/audit/auditd.conf";
	char		*buf, *cur, *line, *w[5], *save, *vals[NELEMS(ad_keys)];
	struct json_object *conf;
	size_t		 len, lineno = 0, i, j, nw;
	long long	 n;
	int		 ok, valid = 1;

	if (section_read(s, path, &buf, &len) == -1)
		return;
	memset(vals, 0, sizeof(vals));
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		nw = 0;
		for (w[nw] = strtok_r(line, " \t", &save); w[nw] != NULL &&
		    nw < 4; w[nw] = strtok_r(NULL, " \t", &save))
			nw++;
		if (nw < 3 || nw > 4 || strcmp(w[1], "=") != 0) {
			section_error(s, "%s:%zu: not a \"keyword = value\" "
			    "line; auditd refuses this file", path, lineno);
			valid = 0;
			continue;
		}
		for (i = 0; i < NELEMS(ad_keys); i++) {
			if (strcasecmp(w[0], ad_keys[i].key) != 0)
				continue;
			ok = 1;
			if (ad_keys[i].numeric)
				ok = text_parse_int(w[2], &n) == 0 && n >= 0 &&
				    isdigit((unsigned char)*w[2]);
			else if (ad_keys[i].choices != NULL) {
				ok = 0;
				for (j = 0; ad_keys[i].choices[j] != NULL; j++)
					ok |= strcasecmp(w[2],
					    ad_keys[i].choices[j]) == 0;
			}
			if (!ok) {
				section_error(s, "%s:%zu: invalid %s value "
				    "\"%s\"; auditd refuses this file", path,
				    lineno, ad_keys[i].key, w[2]);
				valid = 0;
				continue;
			}
			vals[i] = w[2];
		}
	}
	/* auditd exits rather than run with a file it refuses: then no
	 * value of it is in effect. */
	jsonutil_set_bool(ad, "conf_valid", valid);
	if (!valid) {
		free(buf);
		return;
	}
	conf = json_object_new_object();
	for (i = 0; i < NELEMS(ad_keys); i++) {
		if (vals[i] == NULL)
			continue;
		if (ad_keys[i].numeric) {
			(void)text_parse_int(vals[i], &n);
			jsonutil_set_int64(conf, ad_keys[i].key, n);
		} else if (ad_keys[i].choices != NULL)
			jsonutil_set_string(conf, ad_keys[i].key,
			    text_lower(vals[i]));
		else
			jsonutil_set_string(conf, ad_keys[i].key, vals[i]);
	}
	jsonutil_set(ad, "conf", conf);
	free(buf);
}

/* One rule line with where it came from. */
struct ad_line {
	char		*text;
	const char	*file;
	size_t		 line;
};

struct ad_rules {
	struct ad_line	*v;
	size_t		 n;
	struct strv	 files;		/* storage of the file names */
};

static void
ad_rules_add(struct ad_rules *r, const char *text, const char *file,
    size_t line)
{
	r->v = xgrowarray(r->v, r->n, sizeof(*r->v));
	r->v[r->n].text = xstrdup(text);
	r->v[r->n].file = file;
	r->v[r->n].line = line;
	r->n++;
}

static void
ad_rules_free(struct ad_rules *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].text);
	free(r->v);
	strv_free(&r->files);
	memset(r, 0, sizeof(*r));
}

/* Read a rules file's lines (blank and "#" lines dropped).  0 if read. */
static int
ad_read_rules(struct section *s, const char *path, struct ad_rules *r)
{
	char	*buf, *cur, *line;
	size_t	 len, lineno = 0;

	if (section_read(s, path, &buf, &len) == -1)
		return -1;
	strv_add(&r->files, path);
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (!text_is_comment(line, "#"))
			ad_rules_add(r, line, r->files.v[r->files.n - 1],
			    lineno);
	}
	free(buf);
	return 0;
}

static int
ad_verscmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* augenrules' awk: which control option a line starts with. */
static int
ad_control(const char *t)
{
	static const char *const opts[] = {
		"-e", "-D", "-f", "-b", "--backlog_wait_time",
		"--loginuid-immutable",
	};
	size_t	i;

	for (i = 0; i < NELEMS(opts); i++) {
		if (strncmp(t, opts[i], strlen(opts[i])) == 0)
			return (int)i;
	}
	return -1;
}

static void
ad_rules_d(struct section *s, struct ad_rules *out, struct strv *names)
{
	struct ad_rules	 raw = { 0 };
	char		**v, *p;
	size_t		 n, i;
	long		 keep[6] = { -1, -1, -1, -1, -1, -1 };
	int		 c;
	/* augenrules' output order: -D, -b, --backlog_wait_time, -f,
	 * rules, --loginuid-immutable, -e. */
	static const int before[] = { 1, 3, 4, 2 };

	if (section_list_dir(s, "/etc/audit/rules.d", ".rules", &v, &n) == -1)
		return;
	if (n > 1)
		qsort(v, n, sizeof(*v), ad_verscmp);
	for (i = 0; i < n; i++) {
		if (v[i][0] == '.')
			continue;
		p = xasprintf("/etc/audit/rules.d/%s", v[i]);
		if (ad_read_rules(s, p, &raw) == 0)
			strv_add(names, v[i]);
		free(p);
	}
	section_free_names(v, n);

	for (i = 0; i < raw.n; i++) {
		if ((c = ad_control(raw.v[i].text)) != -1)
			keep[c] = (long)i;
	}
	out->files = raw.files;
	raw.files.v = NULL;
	raw.files.n = 0;
	for (i = 0; i < NELEMS(before); i++) {
		if (keep[before[i]] != -1)
			ad_rules_add(out, raw.v[keep[before[i]]].text,
			    raw.v[keep[before[i]]].file,
			    raw.v[keep[before[i]]].line);
	}
	for (i = 0; i < raw.n; i++) {
		if (ad_control(raw.v[i].text) == -1)
			ad_rules_add(out, raw.v[i].text, raw.v[i].file,
			    raw.v[i].line);
	}
	for (c = 5; c >= 0; c -= 5) {
		if (keep[c] != -1)
			ad_rules_add(out, raw.v[keep[c]].text,
			    raw.v[keep[c]].file, raw.v[keep[c]].line);
	}
	ad_rules_free(&raw);
}

/* Write access in a -p/perm= value; none given means all accesses. */
static int
ad_perm_write(const char *perms)
{
	return perms == NULL || strchr(perms, 'w') != NULL;
}

static void
ad_strip_slash(char *p)
{
	size_t	n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
}

struct ad_summary {
	struct json_object	*watches;
	long long		 rules, watch_rules, syscall_rules;
	int			 identity[5], sudoers, sudoers_d;
	int			 tc[4];
	int			 immutable;	/* a -e 2 was loaded */
	long long		 after_immutable;	/* lines after it */
	long long		 enabled, failure, backlog, wait;
	int			 has_enabled, has_failure;
	int			 has_backlog, has_wait;
	int			 loginuid;
};

static const char *const ad_identity_paths[] = {
	"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
	"/etc/security/opasswd",
};
static const char *const ad_identity_names[] = {
	"passwd", "shadow", "group", "gshadow", "opasswd",
};
static const char *const ad_time_syscalls[] = {
	"adjtimex", "settimeofday", "clock_settime",
};

static void
ad_watched(struct ad_summary *sum, const char *path, const char *perms)
{
	size_t	i;

	if (!ad_perm_write(perms))
		return;
	for (i = 0; i < NELEMS(ad_identity_paths); i++) {
		if (strcmp(path, ad_identity_paths[i]) == 0)
			sum->identity[i] = 1;
	}
	if (strcmp(path, "/etc/sudoers") == 0)
		sum->sudoers = 1;
	if (strcmp(path, "/etc/sudoers.d") == 0)
		sum->sudoers_d = 1;
	if (strcmp(path, "/etc/localtime") == 0)
		sum->tc[3] = 1;
}

static void
ad_watch_entry(struct ad_summary *sum, const char *path, const char *perms,
    const char *key, const char *form, const struct ad_line *l)
{
	struct json_object	*w = json_object_new_object();

	jsonutil_set_string(w, "path", path);
	jsonutil_set_string(w, "perms", perms != NULL ? perms : "rwxa");
	if (key != NULL)
		jsonutil_set_string(w, "key", key);
	jsonutil_set_string(w, "form", form);
	jsonutil_set_string(w, "file", l->file);
	jsonutil_set_int64(w, "line", (int64_t)l->line);
	json_object_array_add(sum->watches, w);
	ad_watched(sum, path, perms);
}

/* The number after opt, from 0 to max; auditctl rejects others. */
static int
ad_number(struct section *s, const struct ad_line *l, const char *opt,
    const char *v, long long max, long long *out)
{
	if (v != NULL && text_parse_int(v, out) == 0 && *out >= 0 &&
	    *out <= max)
		return 0;
	section_error(s, "%s:%zu: %s needs a number from 0 to %lld; auditctl "
	    "rejects the line", l->file, l->line, opt, max);
	return -1;
}

/* One auditctl line: options and their arguments, split on blanks.
 * Once -e 2 is loaded the kernel refuses every later change, so lines
 * after it are only counted. */
static void
ad_line(struct section *s, struct ad_summary *sum, const struct ad_line *l)
{
	static const char *const with_arg[] = {
		"-w", "-p", "-k", "-a", "-A", "-S", "-F",
	};
	char		*copy, **w = NULL, *save, *watch = NULL, *perms = NULL;
	char		*key = NULL, *fpath = NULL, *fperm = NULL, *list = NULL;
	char		*sc, *t, *save2;
	size_t		 nw = 0, i, k;
	long long	 n;
	int		 syscall = 0, e2 = 0, sys[3] = { 0, 0, 0 };

	if (sum->immutable) {
		sum->after_immutable++;
		return;
	}
	copy = xstrdup(l->text);
	for (t = strtok_r(copy, " \t", &save); t != NULL;
	    t = strtok_r(NULL, " \t", &save)) {
		w = xgrowarray(w, nw, sizeof(*w));
		w[nw++] = t;
	}
	for (i = 0; i < nw; i++) {
		const char	*arg = i + 1 < nw ? w[i + 1] : NULL;

		for (k = 0; k < NELEMS(with_arg); k++) {
			if (strcmp(w[i], with_arg[k]) == 0 && arg == NULL)
				section_error(s, "%s:%zu: %s without its "
				    "argument; auditctl rejects the line",
				    l->file, l->line, w[i]);
		}
		if (strcmp(w[i], "-w") == 0 && arg != NULL)
			watch = w[++i];
		else if (strcmp(w[i], "-p") == 0 && arg != NULL)
			perms = w[++i];
		else if (strcmp(w[i], "-k") == 0 && arg != NULL)
			key = w[++i];
		else if ((strcmp(w[i], "-a") == 0 || strcmp(w[i], "-A") == 0) &&
		    arg != NULL) {
			syscall = 1;
			list = w[++i];
		} else if (strcmp(w[i], "-S") == 0 && arg != NULL) {
			for (sc = strtok_r(w[++i], ",", &save2); sc != NULL;
			    sc = strtok_r(NULL, ",", &save2)) {
				for (k = 0; k < NELEMS(ad_time_syscalls); k++)
					sys[k] |= strcmp(sc,
					    ad_time_syscalls[k]) == 0;
			}
		} else if (strcmp(w[i], "-F") == 0 && arg != NULL) {
			t = w[++i];
			if (strncmp(t, "path=", 5) == 0 ||
			    strncmp(t, "dir=", 4) == 0)
				fpath = strchr(t, '=') + 1;
			else if (strncmp(t, "perm=", 5) == 0)
				fperm = t + 5;
			else if (strncmp(t, "key=", 4) == 0)
				key = t + 4;
		} else if (strcmp(w[i], "-e") == 0) {
			if (ad_number(s, l, "-e", arg, 2, &n) == 0) {
				sum->enabled = n;
				sum->has_enabled = 1;
				e2 = n == 2;
			}
			i++;
		} else if (strcmp(w[i], "-f") == 0) {
			if (ad_number(s, l, "-f", arg, 2, &n) == 0) {
				sum->failure = n;
				sum->has_failure = 1;
			}
			i++;
		} else if (strcmp(w[i], "-b") == 0) {
			if (ad_number(s, l, "-b", arg, INT32_MAX, &n) == 0) {
				sum->backlog = n;
				sum->has_backlog = 1;
			}
			i++;
		} else if (strcmp(w[i], "--backlog_wait_time") == 0) {
			if (ad_number(s, l, "--backlog_wait_time", arg,
			    INT32_MAX, &n) == 0) {
				sum->wait = n;
				sum->has_wait = 1;
			}
			i++;
		} else if (strcmp(w[i], "--loginuid-immutable") == 0)
			sum->loginuid = 1;
	}
	if (watch != NULL) {
		sum->rules++;
		sum->watch_rules++;
		ad_strip_slash(watch);
		ad_watch_entry(sum, watch, perms, key, "watch", l);
	} else if (syscall) {
		sum->rules++;
		sum->syscall_rules++;
		/* Only "always" rules record; "never" ones suppress. */
		if (strstr(list, "always") != NULL) {
			for (i = 0; i < 3; i++) {
				if (sys[i])
					sum->tc[i] = 1;
			}
			if (fpath != NULL) {
				ad_strip_slash(fpath);
				ad_watch_entry(sum, fpath, fperm, key,
				    "rule", l);
			}
		}
	}
	if (e2)
		sum->immutable = 1;
	free(w);
	free(copy);
}

static struct json_object *
ad_summarise(struct section *s, const struct ad_rules *r)
{
	struct json_object	*o, *id, *tc;
	struct ad_summary	 sum;
	size_t			 i;

	memset(&sum, 0, sizeof(sum));
	sum.watches = json_object_new_array();
	for (i = 0; i < r->n; i++)
		ad_line(s, &sum, &r->v[i]);

	o = json_object_new_object();
	jsonutil_set_int64(o, "rule_count", sum.rules);
	jsonutil_set_int64(o, "watch_count", sum.watch_rules);
	jsonutil_set_int64(o, "syscall_rule_count", sum.syscall_rules);
	jsonutil_set(o, "watches", sum.watches);
	id = json_object_new_object();
	for (i = 0; i < NELEMS(ad_identity_names); i++)
		jsonutil_set_bool(id, ad_identity_names[i], sum.identity[i]);
	jsonutil_set(o, "identity", id);
	jsonutil_set_bool(o, "sudoers", sum.sudoers);
	jsonutil_set_bool(o, "sudoers_d", sum.sudoers_d);
	tc = json_object_new_object();
	for (i = 0; i < NELEMS(ad_time_syscalls); i++)
		jsonutil_set_bool(tc, ad_time_syscalls[i], sum.tc[i]);
	jsonutil_set_bool(tc, "localtime", sum.tc[3]);
	jsonutil_set(o, "time_change", tc);
	jsonutil_set_bool(o, "immutable", sum.immutable);
	jsonutil_set_bool(o, "immutable_last", sum.immutable &&
	    sum.after_immutable == 0);
	jsonutil_set_int64(o, "lines_after_immutable", sum.after_immutable);
	if (sum.has_enabled)
		jsonutil_set_int64(o, "enabled_flag", sum.enabled);
	if (sum.has_failure)
		jsonutil_set_int64(o, "failure_mode", sum.failure);
	if (sum.has_backlog)
		jsonutil_set_int64(o, "backlog_limit", sum.backlog);
	if (sum.has_wait)
		jsonutil_set_int64(o, "backlog_wait_time", sum.wait);
	jsonutil_set_bool(o, "loginuid_immutable", sum.loginuid);
	return o;
}

static void
logging_auditd(struct section *s, const struct logging_ctx *ctx)
{
	static const char *const pkgs[] = { "auditd", "audit" };
	struct json_object	*ad, *rd;
	struct ad_rules		 compiled = { 0 }, file = { 0 };
	struct strv		 names = { 0 };
	size_t			 i;
	int			 have_file, same;

	ad = json_object_new_object();
	logging_installed(ctx, ad, pkgs, NELEMS(pkgs));
	logging_unit(ctx, ad, "auditd.service");
	logging_auditd_conf(s, ad);

	ad_rules_d(s, &compiled, &names);
	have_file = ad_read_rules(s, "/etc/audit/audit.rules", &file) == 0;
	if (names.n > 0) {
		rd = ad_summarise(s, &compiled);
		jsonutil_set(rd, "files", strv_json(&names));
		if (have_file) {
			same = compiled.n == file.n;
			for (i = 0; same && i < file.n; i++)
				same = strcmp(compiled.v[i].text,
				    file.v[i].text) == 0;
			jsonutil_set_bool(rd, "matches_audit_rules", same);
		}
		jsonutil_set(ad, "rules_d", rd);
	}
	if (have_file)
		jsonutil_set(ad, "audit_rules", ad_summarise(s, &file));
	jsonutil_set(section_data(s), "auditd", ad);
	ad_rules_free(&compiled);
	ad_rules_free(&file);
	strv_free(&names);
}

/*
 * busybox syslogd (Alpine): its options come from SYSLOGD_OPTS in
 * /etc/conf.d/syslog, and OpenRC starts it when a runlevel holds
 * "syslog".
 */

static void
logging_busybox(struct section *s)
{
	const char		*path = "/etc/conf.d/syslog";
	struct json_object	*bb, *remote, *r;
	char			*buf, *cur, *line, *key, *val, *opts = NULL;
	char			*w, *save, *arg, *e, *logfile = NULL;
	size_t			 len, lineno = 0;
	long long		 port;
	int			 local = 0, have_conf, on;

	on = initsys_openrc_enabled(s, "syslog");
	have_conf = section_read(s, path, &buf, &len) == 0;
	if (!have_conf && !on)
		return;
	bb = json_object_new_object();
	jsonutil_set_bool(bb, "enabled", on);
	remote = json_object_new_array();
	if (have_conf) {
		cur = buf;
		while ((line = text_line(&cur)) != NULL) {
			lineno++;
			if (text_is_comment(line, "#") ||
			    text_split_char(line, '=', &key, &val) == -1)
				continue;
			if (strcmp(key, "SYSLOGD_OPTS") != 0)
				continue;
			if (text_shell_unquote(val) == -1) {
				section_error(s, "%s:%zu: bad quoting", path,
				    lineno);
				continue;
			}
			/* A shell variable: the last assignment wins. */
			opts = val;
		}
	}
	for (w = opts != NULL ? strtok_r(opts, " \t", &save) : NULL; w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (*w != '-')
			continue;
		for (w++; *w != '\0'; w++) {
			if (strchr("ROsblf", *w) == NULL) {
				if (*w == 'L')
					local = 1;
				continue;
			}
			/* An option with an argument: the rest of this word
			 * or the next word. */
			arg = w[1] != '\0' ? w + 1 :
			    strtok_r(NULL, " \t", &save);
			if (arg == NULL)
				break;
			if (*w == 'R') {
				/* HOST[:PORT] or [IPv6][:PORT]. */
				port = 514;
				e = NULL;
				if (*arg == '[' &&
				    (e = strchr(arg, ']')) != NULL) {
					*e++ = '\0';
					arg++;
				} else if ((e = strchr(arg, ':')) != NULL &&
				    strchr(e + 1, ':') != NULL)
					e = NULL;	/* bare IPv6 */
				if (e != NULL && *e == ':') {
					*e++ = '\0';
					if (text_parse_int(e, &port) == -1 ||
					    port <= 0 || port > 65535) {
						section_error(s, "%s: -R port "
						    "\"%s\" is not a number",
						    path, e);
						port = -1;
					}
				}
				r = json_object_new_object();
				jsonutil_set_string(r, "protocol", "udp");
				jsonutil_set_string(r, "target", arg);
				if (port != -1)
					jsonutil_set_int64(r, "port", port);
				json_object_array_add(remote, r);
			} else if (*w == 'O') {
				free(logfile);
				logfile = xstrdup(arg);
			}
			break;
		}
	}
	jsonutil_set_int64(bb, "forwarding_count",
	    (int64_t)json_object_array_length(remote));
	jsonutil_set(bb, "forwarding", remote);
	/* Without -R it logs locally; with -R only when -L is given. */
	jsonutil_set_bool(bb, "local",
	    json_object_array_length(remote) == 0 || local);
	jsonutil_set_string(bb, "log_file", logfile != NULL ? logfile :
	    "/var/log/messages");
	jsonutil_set(section_data(s), "busybox_syslogd", bb);
	free(logfile);
	if (have_conf)
		free(buf);
}

/*
 * logrotate: the global settings, and the stanzas that cover the syslog
 * files.  Directives outside a stanza change the defaults for every
 * stanza read after them, in included files too, as logrotate applies
 * them; "include" reads a file, or a directory's files in name order
 * without hidden files and logrotate's default taboo extensions.
 */

static const char *const lr_targets[] = {
	"/var/log/syslog", "/var/log/messages", "/var/log/auth.log",
	"/var/log/secure",
};

struct lr_opts {
	long long	 rotate;
	int		 has_rotate;
	const char	*period;	/* static string, NULL: none */
	int		 compress;
	long long	 maxage;
	int		 has_maxage;
	int		 size;		/* "size" given: rotation by size */
};

struct lr_hit {
	int		 found;
	char		*file;
	size_t		 line;
	struct lr_opts	 opts;
	int		 rotate_stanza, period_stanza;
};

struct lr_state {
	struct section	*s;
	struct lr_opts	 global;	/* in effect, includes applied */
	struct lr_opts	 top;		/* set by logrotate.conf's top level */
	struct lr_hit	 hits[NELEMS(lr_targets)];
	struct strv	 stack;
	struct strv	 includes;	/* named by logrotate.conf */
	int		 read_main;
};

static void	lr_file(struct lr_state *, const char *);

static const char *
lr_period(const char *w)
{
	static const char *const periods[] = {
		"hourly", "daily", "weekly", "monthly", "yearly",
	};
	size_t	i;

	for (i = 0; i < NELEMS(periods); i++) {
		if (strcmp(w, periods[i]) == 0)
			return periods[i];
	}
	return NULL;
}

static int
lr_taboo(const char *name)
{
	static const char *const ext[] = {
		".rpmsave", ".rpmorig", "~", ",v", ".disabled", ".dpkg-old",
		".dpkg-dist", ".dpkg-new", ".cfsaved", ".ucf-old", ".ucf-dist",
		".ucf-new", ".rpmnew", ".swp",
	};
	size_t	i, n = strlen(name), k;

	if (name[0] == '.' || strstr(name, ".rhn-cfg-tmp-") != NULL)
		return 1;
	for (i = 0; i < NELEMS(ext); i++) {
		k = strlen(ext[i]);
		if (n >= k && strcmp(name + n - k, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* Apply one directive to o; rot and per (may be NULL) note that the
 * rotate count or the period was set.  Returns 1 when a script block
 * starts (its lines, up to "endscript", are not directives). */
static int
lr_directive(struct section *s, struct lr_opts *o, const char *line,
    const char *path, size_t lineno, int *rot, int *per)
{
	char		*copy, *key, *val;
	long long	 n;
	const char	*p;
	int		 script = 0;

	copy = xstrdup(line);
	text_split_ws(copy, &key, &val);
	if (strcmp(key, "rotate") == 0) {
		if (text_parse_int(val, &n) == 0 && n >= -1) {
			o->rotate = n;
			o->has_rotate = 1;
			if (rot != NULL)
				*rot = 1;
		} else
			if (s != NULL)
				section_error(s, "%s:%zu: bad rotate count "
				    "\"%s\"", path, lineno, val);
	} else if ((p = lr_period(key)) != NULL) {
		o->period = p;
		o->size = 0;
		if (per != NULL)
			*per = 1;
	} else if (strcmp(key, "size") == 0) {
		/* Size instead of time decides; minsize/maxsize do not. */
		o->size = 1;
		o->period = NULL;
		if (per != NULL)
			*per = 1;
	} else if (strcmp(key, "compress") == 0)
		o->compress = 1;
	else if (strcmp(key, "nocompress") == 0)
		o->compress = 0;
	else if (strcmp(key, "maxage") == 0) {
		if (text_parse_int(val, &n) == 0 && n >= 0) {
			o->maxage = n;
			o->has_maxage = 1;
		} else
			if (s != NULL)
				section_error(s, "%s:%zu: bad maxage \"%s\"",
				    path, lineno, val);
	} else if (strcmp(key, "postrotate") == 0 ||
	    strcmp(key, "prerotate") == 0 || strcmp(key, "firstaction") == 0 ||
	    strcmp(key, "lastaction") == 0 || strcmp(key, "preremove") == 0)
		script = 1;
	free(copy);
	return script;
}

static void
lr_include(struct lr_state *st, const char *path)
{
	struct stat	 sb;
	char		**names, *p;
	size_t		 n, i;

	if (section_stat(st->s, path, &sb, 0) == -1)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		lr_file(st, path);
		return;
	}
	if (section_list_dir(st->s, path, NULL, &names, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (lr_taboo(names[i]))
			continue;
		p = xasprintf("%s/%s", path, names[i]);
		lr_file(st, p);
		free(p);
	}
	section_free_names(names, n);
}

/* A stanza's file patterns: blank-separated, maybe quoted. */
static void
lr_patterns(const char *text, struct strv *out)
{
	const char	*p = text, *e;
	char		*w;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return;
		if (*p == '"' || *p == '\'') {
			if ((e = strchr(p + 1, *p)) == NULL)
				e = p + strlen(p);
			w = xstrndup(p + 1, (size_t)(e - p - 1));
			p = *e != '\0' ? e + 1 : e;
		} else {
			e = p + strcspn(p, " \t");
			w = xstrndup(p, (size_t)(e - p));
			p = e;
		}
		strv_add(out, w);
		free(w);
	}
}

static void
lr_stanza_done(struct lr_state *st, const struct strv *pats,
    const struct lr_opts *o, const char *path, size_t line, int rot, int per)
{
	size_t	i, j;

	for (i = 0; i < NELEMS(lr_targets); i++) {
		for (j = 0; j < pats->n; j++) {
			if (fnmatch(pats->v[j], lr_targets[i],
			    FNM_PATHNAME | FNM_PERIOD) != 0)
				continue;
			if (st->hits[i].found) {
				section_error(st->s, "%s:%zu: duplicate log "
				    "entry for %s; logrotate keeps the first",
				    path, line, lr_targets[i]);
				break;
			}
			st->hits[i].found = 1;
			st->hits[i].file = xstrdup(path);
			st->hits[i].line = line;
			st->hits[i].opts = *o;
			st->hits[i].rotate_stanza = rot;
			st->hits[i].period_stanza = per;
			break;
		}
	}
}

static void
lr_file(struct lr_state *st, const char *path)
{
	struct strv	 pats = { 0 };
	struct lr_opts	 stanza;
	struct textbuf	 pending = { 0 };
	char		*buf, *cur, *line, *t, *brace, *key, *val;
	size_t		 len, lineno = 0, sline = 0;
	int		 in_stanza = 0, script = 0, rot = 0, per = 0, top;

	if (strv_has(&st->stack, path) ||
	    st->stack.n >= LOGGING_INCLUDE_DEPTH) {
		section_error(st->s, "%s: include cycle or nesting too deep",
		    path);
		return;
	}
	if (section_read(st->s, path, &buf, &len) == -1)
		return;
	top = st->stack.n == 0;
	if (top)
		st->read_main = 1;
	strv_add(&st->stack, path);
	memset(&stanza, 0, sizeof(stanza));
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (script) {
			if (strcmp(line, "endscript") == 0)
				script = 0;
			continue;
		}
		if (text_is_comment(line, "#"))
			continue;
		if (in_stanza) {
			if (*line == '}') {
				lr_stanza_done(st, &pats, &stanza, path, sline,
				    rot, per);
				strv_free(&pats);
				in_stanza = 0;
				sline = 0;
				continue;
			}
			script = lr_directive(st->s, &stanza, line, path,
			    lineno, &rot, &per);
			continue;
		}
		if ((brace = strchr(line, '{')) != NULL) {
			/* File names, maybe over several lines, then "{". */
			*brace = '\0';
			textbuf_addc(&pending, ' ');
			textbuf_cat(&pending, line, strlen(line));
			lr_patterns(pending.v, &pats);
			pending.len = 0;
			if (sline == 0)
				sline = lineno;
			if (pats.n == 0)
				section_error(st->s, "%s:%zu: stanza without "
				    "file names", path, lineno);
			stanza = st->global;
			rot = per = 0;
			in_stanza = 1;
			continue;
		}
		if (*line == '/' || *line == '"' || *line == '\'' ||
		    pending.len > 0) {
			textbuf_addc(&pending, ' ');
			textbuf_cat(&pending, line, strlen(line));
			if (sline == 0)
				sline = lineno;
			continue;
		}
		sline = 0;
		t = xstrdup(line);
		text_split_ws(t, &key, &val);
		if (strcmp(key, "include") == 0 && *val != '\0') {
			if (top)
				strv_add(&st->includes, val);
			lr_include(st, val);
		} else {
			(void)lr_directive(st->s, &st->global, line, path,
			    lineno, NULL, NULL);
			if (top)
				(void)lr_directive(NULL, &st->top, line, path,
				    lineno, NULL, NULL);
		}
		free(t);
	}
	if (in_stanza || pending.len > 0)
		section_error(st->s, "%s: stanza not closed", path);
	strv_free(&pats);
	free(pending.v);
	free(buf);
	st->stack.n--;
	free(st->stack.v[st->stack.n]);
}

static long long
lr_period_hours(const char *p)
{
	if (strcmp(p, "hourly") == 0)
		return 1;
	if (strcmp(p, "daily") == 0)
		return 24;
	if (strcmp(p, "weekly") == 0)
		return 24 * 7;
	if (strcmp(p, "monthly") == 0)
		return 24 * 30;
	return 24 * 365;
}

static void
logging_logrotate(struct section *s)
{
	struct json_object	*lr, *g, *files, *f;
	struct lr_state		 st;
	struct lr_hit		*h;
	long long		 days;
	int			 has_days;
	size_t			 i;

	memset(&st, 0, sizeof(st));
	st.s = s;
	/* logrotate's built-in defaults: rotate 0, rotation by size. */
	st.global.size = 1;
	lr_file(&st, "/etc/logrotate.conf");
	if (!st.read_main)
		return;

	lr = json_object_new_object();
	g = json_object_new_object();
	if (st.top.has_rotate)
		jsonutil_set_int64(g, "rotate", st.top.rotate);
	if (st.top.period != NULL)
		jsonutil_set_string(g, "period", st.top.period);
	jsonutil_set_bool(g, "compress", st.top.compress);
	jsonutil_set(g, "includes", strv_json(&st.includes));
	jsonutil_set(lr, "global", g);

	files = json_object_new_array();
	for (i = 0; i < NELEMS(lr_targets); i++) {
		h = &st.hits[i];
		if (!h->found)
			continue;
		f = json_object_new_object();
		jsonutil_set_string(f, "path", lr_targets[i]);
		jsonutil_set_string(f, "file", h->file);
		jsonutil_set_int64(f, "line", (int64_t)h->line);
		jsonutil_set_int64(f, "rotate", h->opts.rotate);
		jsonutil_set_string(f, "rotate_from", h->rotate_stanza ?
		    "stanza" : h->opts.has_rotate ? "global" : "default");
		if (h->opts.period != NULL) {
			jsonutil_set_string(f, "period", h->opts.period);
			jsonutil_set_string(f, "period_from",
			    h->period_stanza ? "stanza" : "global");
		}
		jsonutil_set_bool(f, "compress", h->opts.compress);
		if (h->opts.has_maxage)
			jsonutil_set_int64(f, "maxage", h->opts.maxage);
		has_days = 0;
		days = 0;
		if (h->opts.period != NULL && h->opts.rotate >= 0) {
			days = h->opts.rotate *
			    lr_period_hours(h->opts.period) / 24;
			has_days = 1;
		}
		if (h->opts.has_maxage && (!has_days ||
		    h->opts.maxage < days)) {
			days = h->opts.maxage;
			has_days = 1;
		}
		if (has_days)
			jsonutil_set_int64(f, "retention_days", days);
		json_object_array_add(files, f);
		free(h->file);
	}
	jsonutil_set(lr, "syslog_files", files);
	jsonutil_set(section_data(s), "logrotate", lr);
	strv_free(&st.stack);
	strv_free(&st.includes);
}

int
collect_logging(struct section *s)
{
	struct logging_ctx	 ctx;

	ctx.db = pkgdb_get(s);
	ctx.units = units_get(s);
	logging_journald(s);
	logging_rsyslog(s, &ctx);
	logging_auditd(s, &ctx);
	logging_busybox(s);
	logging_logrotate(s);
	return 0;
}
