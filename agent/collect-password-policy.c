/*
 * password_policy: how passwords are made, checked and aged, and what
 * happens after failed logins.  Each value is the one the host's own
 * software would use, read with that software's rules.
 *
 * data.login_defs.KEY: /etc/login.defs as shadow-utils' getdef.c reads
 *   it.  Keys are matched case-sensitively (shadow ignores "pass_max_days")
 *   and reported lowercased; a value starts after blanks and double quotes
 *   and ends at the next double quote; the LAST occurrence of a key wins
 *   (putdef_str overwrites), even when that last value is invalid, in
 *   which case shadow falls back to its built-in default, so the key is
 *   left out and an error recorded.  Numbers are read as strtol base 0
 *   reads them ("022" is octal, "0x10" hex), as shadow's getlong does.
 *     integers: pass_max_days, pass_min_days, pass_warn_age,
 *       pass_min_len, login_retries, login_timeout, fail_delay,
 *       sha_crypt_min_rounds, sha_crypt_max_rounds, bcrypt_min_rounds,
 *       bcrypt_max_rounds, yescrypt_cost_factor, uid_min, uid_max,
 *       gid_min, gid_max, sys_uid_min, sys_uid_max, sys_gid_min,
 *       sys_gid_max
 *     octal strings of the value shadow computes, at least three
 *       digits ("027" for "027", "0027" or "0x17"): umask, home_mode
 *     strings: encrypt_method (as written: shadow compares it
 *       case-sensitively)
 *     booleans (shadow: true only for "yes", any case): md5_crypt_enab,
 *       faillog_enab, log_unkfail_enab, log_ok_logins, syslog_su_enab,
 *       syslog_sg_enab, usergroups_enab, create_home, default_home
 *
 * data.pwquality_conf.SETTING: {"value", "file", "line"}: libpwquality's
 *   configuration files alone, in its order: the /etc/security/
 *   pwquality.conf.d files whose name ends in ".conf" (sorted bytewise),
 *   then /etc/security/pwquality.conf, so the main file wins; within and
 *   across files the later value wins.  Like libpwquality, reading stops
 *   at the first line it refuses (an unknown setting, a bad number) and
 *   the files after it are not read: those values are absent.
 *   Settings: difok, minlen (raised to 6 as libpwquality does), dcredit,
 *   ucredit, lcredit, ocredit, minclass (lowered to 4), maxrepeat,
 *   maxclassrepeat, maxsequence, gecoscheck, dictcheck, usercheck,
 *   usersubstr, enforcing, retry (integers); badwords, dictpath
 *   (strings); enforce_for_root, local_users_only (true when present).
 *   Unset settings are absent: libpwquality's built-in defaults (minlen
 *   8, difok 1, ...) then apply.
 * data.faillock_conf.SETTING: {"value", "file", "line"}: /etc/security/
 *   faillock.conf as pam_faillock reads it (later value wins, bad values
 *   ignored and reported): deny, fail_interval, unlock_time,
 *   root_unlock_time (integers; "never" is 0), dir, admin_group
 *   (strings), even_deny_root, audit, silent, no_log_info,
 *   local_users_only, nodelay (true when present).
 * data.pwhistory_conf.SETTING: the same for /etc/security/pwhistory.conf
 *   (remember, retry, file, enforce_for_root).
 *
 * data.pam.STACK, for each of common-auth, common-account,
 *   common-password (Debian), system-auth, password-auth (RHEL),
 *   base-auth, base-account, base-password (Alpine) that exists, keyed
 *   with "-" as "_" (data.pam.common_password):
 *   .file: its path.
 *   .rules[]: the stack as libpam runs it, includes followed (see
 *     authdb.h): {"type", "control", "module", "args" [], "optional"
 *     (a "-type" line), "file", "line", "depth"}.  Argument values whose
 *     name holds "pass", "pwd", "secret" or "token" are "<redacted>".
 *   Every entry of the lists below has "control", "optional" (a
 *     "-type" rule, which libpam skips when the module is not
 *     installed: whether it is is not checked here), "file", "line".
 *   .pwquality[]: one per pam_pwquality.so or pam_cracklib.so rule of
 *     type password: {"module", "control", "file", "line", "settings"},
 *     settings as in pwquality_conf, module arguments overriding the
 *     configuration files (pam_cracklib reads no file); the "file" and
 *     "line" of a setting say which won.
 *   .faillock[]: one per pam_faillock.so rule: {"type", "control",
 *     "file", "line", "mode" (preauth, authfail, authsucc; absent when
 *     none), "settings"}: faillock.conf (or the conf= file), then the
 *     rule's arguments.
 *   .pwhistory[]: one per pam_pwhistory.so rule, pwhistory.conf then
 *     arguments.
 *   .tally2[]: one per pam_tally2.so rule, arguments only: deny,
 *     unlock_time, lock_time, root_unlock_time, even_deny_root.
 *   .unix[]: one per pam_unix.so rule: {"type", "control", "file",
 *     "line", "nullok" (boolean), and when given "remember" (capped at
 *     400), "hash" (the last of md5, bigcrypt, sha256, sha512, blowfish,
 *     gost_yescrypt, yescrypt; without one, pam_unix uses login.defs'
 *     ENCRYPT_METHOD), "rounds", "minlen"}.
 *
 * data.shadow.accounts[]: every /etc/shadow entry, sorted by name:
 *   {"name", "password": "locked" | "empty" | "hashed", "algorithm"
 *   (hashed only: yescrypt, sha512, sha256, md5, bcrypt, gost-yescrypt,
 *   scrypt, descrypt, ..., or "unknown"), "last_change" (days since
 *   1970-01-01), "min", "max", "warn", "inactive", "expire"}; a date or
 *   age that is empty or negative (shadow's "not set") is absent.  Never
 *   the hash or its salt.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authdb.h"
#include "collect.h"
#include "jsonutil.h"
#include "section.h"
#include "text.h"
#include "xmalloc.h"

#define PP_LOGIN_DEFS		"/etc/login.defs"
#define PP_PWQUALITY_CONF	"/etc/security/pwquality.conf"
#define PP_PWQUALITY_DIR	"/etc/security/pwquality.conf.d"
#define PP_FAILLOCK_CONF	"/etc/security/faillock.conf"
#define PP_PWHISTORY_CONF	"/etc/security/pwhistory.conf"

/* libpwquality's PWQSETTINGS_MAX_LINELEN: a longer line is refused. */
#define PP_PWQ_MAX_LINE		1023
/* pam_faillock's MAX_TIME_INTERVAL (a week). */
#define PP_FAILLOCK_MAX_TIME	604800

/*
 * A word from a file fit to quote in an error.  Configuration files can
 * be symlinks to /etc/shadow: anything that does not look like a
 * setting name is not repeated.
 */
static const char *
pp_safe(const char *w)
{
	size_t	i;

	for (i = 0; w[i] != '\0'; i++) {
		if (i >= 64 || (!isalnum((unsigned char)w[i]) &&
		    strchr("_-./", w[i]) == NULL))
			return "(not shown)";
	}
	return w;
}

/* login.defs */

enum pp_ld_kind {
	PP_LD_NUM,	/* getdef_num: -1 .. INT_MAX */
	PP_LD_UNUM,	/* getdef_unum: 0 .. UINT_MAX */
	PP_LD_LONG,	/* getdef_long: -1 .. LONG_MAX */
	PP_LD_OCTAL,	/* a mode, shown in octal */
	PP_LD_STR,
	PP_LD_BOOL,
};

static const struct pp_ld_def {
	const char	*name;
	enum pp_ld_kind	 kind;
} pp_ld_defs[] = {
	{ "PASS_MAX_DAYS", PP_LD_NUM },
	{ "PASS_MIN_DAYS", PP_LD_NUM },
	{ "PASS_WARN_AGE", PP_LD_NUM },
	{ "PASS_MIN_LEN", PP_LD_NUM },
	{ "ENCRYPT_METHOD", PP_LD_STR },
	{ "MD5_CRYPT_ENAB", PP_LD_BOOL },
	{ "SHA_CRYPT_MIN_ROUNDS", PP_LD_LONG },
	{ "SHA_CRYPT_MAX_ROUNDS", PP_LD_LONG },
	{ "BCRYPT_MIN_ROUNDS", PP_LD_LONG },
	{ "BCRYPT_MAX_ROUNDS", PP_LD_LONG },
	{ "YESCRYPT_COST_FACTOR", PP_LD_UNUM },
	{ "UMASK", PP_LD_OCTAL },
	{ "HOME_MODE", PP_LD_OCTAL },
	{ "LOGIN_RETRIES", PP_LD_NUM },
	{ "LOGIN_TIMEOUT", PP_LD_UNUM },
	{ "FAIL_DELAY", PP_LD_UNUM },
	{ "FAILLOG_ENAB", PP_LD_BOOL },
	{ "LOG_UNKFAIL_ENAB", PP_LD_BOOL },
	{ "LOG_OK_LOGINS", PP_LD_BOOL },
	{ "SYSLOG_SU_ENAB", PP_LD_BOOL },
	{ "SYSLOG_SG_ENAB", PP_LD_BOOL },
	{ "USERGROUPS_ENAB", PP_LD_BOOL },
	{ "CREATE_HOME", PP_LD_BOOL },
	{ "DEFAULT_HOME", PP_LD_BOOL },
	{ "UID_MIN", PP_LD_UNUM },
	{ "UID_MAX", PP_LD_UNUM },
	{ "SYS_UID_MIN", PP_LD_UNUM },
	{ "SYS_UID_MAX", PP_LD_UNUM },
	{ "GID_MIN", PP_LD_UNUM },
	{ "GID_MAX", PP_LD_UNUM },
	{ "SYS_GID_MIN", PP_LD_UNUM },
	{ "SYS_GID_MAX", PP_LD_UNUM },
};
#define PP_LD_COUNT	(sizeof(pp_ld_defs) / sizeof(pp_ld_defs[0]))

/* strtol base 0 over the whole string, as shadow's getlong. */
static int
pp_parse_base0(const char *s, long long *out)
{
	char		*end;
	long long	 v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static void
pp_login_defs(struct section *s)
{
	struct json_object	*o;
	const char		*vals[PP_LD_COUNT] = { 0 };
	size_t			 lines[PP_LD_COUNT] = { 0 };
	char			*buf, *cur, *line, *name, *val, *key, oct[32];
	size_t			 len, lineno = 0, i;
	long long		 v, lo, hi;

	if (section_read(s, PP_LOGIN_DEFS, &buf, &len) == -1)
		return;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		name = line;
		val = name + strcspn(name, " \t");
		if (*val == '\0')
			continue;	/* a lone name: getdef skips it */
		*val++ = '\0';
		val += strspn(val, " \"\t");
		val[strcspn(val, "\"")] = '\0';
		for (i = 0; i < PP_LD_COUNT; i++) {
			if (strcmp(name, pp_ld_defs[i].name) == 0) {
				vals[i] = val;
				lines[i] = lineno;
			}
		}
	}
	o = json_object_new_object();
	for (i = 0; i < PP_LD_COUNT; i++) {
		if (vals[i] == NULL)
			continue;
		key = text_lower(xstrdup(pp_ld_defs[i].name));
		switch (pp_ld_defs[i].kind) {
		case PP_LD_STR:
			jsonutil_set_string(o, key, vals[i]);
			break;
		case PP_LD_BOOL:
			jsonutil_set_bool(o, key, strcasecmp(vals[i], "yes") == 0);
			break;
		default:
			lo = pp_ld_defs[i].kind == PP_LD_UNUM ||
			    pp_ld_defs[i].kind == PP_LD_OCTAL ? 0 : -1;
			hi = pp_ld_defs[i].kind == PP_LD_UNUM ? UINT_MAX :
			    pp_ld_defs[i].kind == PP_LD_LONG ? LLONG_MAX :
			    INT_MAX;
			if (pp_parse_base0(vals[i], &v) == -1 || v < lo ||
			    v > hi) {
				section_error(s, "%s:%zu: %s: not a valid "
				    "number, shadow uses its default",
				    PP_LOGIN_DEFS, lines[i], pp_ld_defs[i].name);
				break;
			}
			if (pp_ld_defs[i].kind == PP_LD_OCTAL) {
				snprintf(oct, sizeof(oct), "%03llo",
				    (unsigned long long)v);
				jsonutil_set_string(o, key, oct);
			} else
				jsonutil_set_int64(o, key, v);
			break;
		}
		free(key);
	}
	jsonutil_set(section_data(s), "login_defs", o);
	free(buf);
}

/*
 * Module settings: a table of known names per module, a value slot for
 * each, filled first from configuration files and then from module
 * arguments, each value remembering where it came from.
 */
enum pp_kind {
	PP_INT,
	PP_STR,
	PP_FLAG,
};

struct pp_def {
	const char	*name;
	enum pp_kind	 kind;
};

struct pp_val {
	int		 set;
	long long	 i;
	const char	*str;		/* points into a buffer kept alive */
	const char	*file;
	size_t		 line;
};

static const struct pp_def pp_pwq_defs[] = {
	{ "difok", PP_INT }, { "minlen", PP_INT }, { "dcredit", PP_INT },
	{ "ucredit", PP_INT }, { "lcredit", PP_INT }, { "ocredit", PP_INT },
	{ "minclass", PP_INT }, { "maxrepeat", PP_INT },
	{ "maxclassrepeat", PP_INT }, { "maxsequence", PP_INT },
	{ "gecoscheck", PP_INT }, { "dictcheck", PP_INT },
	{ "usercheck", PP_INT }, { "usersubstr", PP_INT },
	{ "enforcing", PP_INT }, { "retry", PP_INT },
	{ "badwords", PP_STR }, { "dictpath", PP_STR },
	{ "enforce_for_root", PP_FLAG }, { "local_users_only", PP_FLAG },
};
#define PP_PWQ_COUNT	(sizeof(pp_pwq_defs) / sizeof(pp_pwq_defs[0]))

/* pam_cracklib's own options (it reads no configuration file). */
static const struct pp_def pp_crack_defs[] = {
	{ "difok", PP_INT }, { "minlen", PP_INT }, { "dcredit", PP_INT },
	{ "ucredit", PP_INT }, { "lcredit", PP_INT }, { "ocredit", PP_INT },
	{ "minclass", PP_INT }, { "maxrepeat", PP_INT },
	{ "maxclassrepeat", PP_INT }, { "maxsequence", PP_INT },
	{ "retry", PP_INT }, { "dictpath", PP_STR },
	{ "reject_username", PP_FLAG }, { "gecoscheck", PP_FLAG },
	{ "enforce_for_root", PP_FLAG },
};
#define PP_CRACK_COUNT	(sizeof(pp_crack_defs) / sizeof(pp_crack_defs[0]))

static const struct pp_def pp_fl_defs[] = {
	{ "deny", PP_INT }, { "fail_interval", PP_INT },
	{ "unlock_time", PP_INT }, { "root_unlock_time", PP_INT },
	{ "dir", PP_STR }, { "admin_group", PP_STR },
	{ "even_deny_root", PP_FLAG }, { "audit", PP_FLAG },
	{ "silent", PP_FLAG }, { "no_log_info", PP_FLAG },
	{ "local_users_only", PP_FLAG }, { "nodelay", PP_FLAG },
};
#define PP_FL_COUNT	(sizeof(pp_fl_defs) / sizeof(pp_fl_defs[0]))

static const struct pp_def pp_ph_defs[] = {
	{ "remember", PP_INT }, { "retry", PP_INT }, { "file", PP_STR },
	{ "enforce_for_root", PP_FLAG },
};
#define PP_PH_COUNT	(sizeof(pp_ph_defs) / sizeof(pp_ph_defs[0]))

static const struct pp_def pp_tally_defs[] = {
	{ "deny", PP_INT }, { "unlock_time", PP_INT }, { "lock_time", PP_INT },
	{ "root_unlock_time", PP_INT }, { "even_deny_root", PP_FLAG },
};
#define PP_TALLY_COUNT	(sizeof(pp_tally_defs) / sizeof(pp_tally_defs[0]))

/* Buffers whose text settings point into, freed at the end of the run. */
struct pp_ctx {
	struct section	*s;
	char		**bufs;
	size_t		 nbufs;
};

static char *
pp_keep(struct pp_ctx *ctx, char *buf)
{
	ctx->bufs = xreallocarray(ctx->bufs, ctx->nbufs + 1,
	    sizeof(*ctx->bufs));
	ctx->bufs[ctx->nbufs++] = buf;
	return buf;
}

static int
pp_find(const struct pp_def *defs, size_t n, const char *name, int icase)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((icase ? strcasecmp(defs[i].name, name) :
		    strcmp(defs[i].name, name)) == 0)
			return (int)i;
	}
	return -1;
}

static void
pp_set(struct pp_val *v, long long i, const char *str, const char *file,
    size_t line)
{
	v->set = 1;
	v->i = i;
	v->str = str;
	v->file = file;
	v->line = line;
}

/*
 * The line syntax libpwquality and pam_faillock share: "#" starts a
 * comment anywhere; the name ends at a blank or "="; blanks and one "="
 * follow; the value is the rest.  Returns 0 for a line with no name.
 */
static int
pp_kv_split(char *line, char **name, char **val)
{
	char	*p, *e;
	int	 eq;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	e = line + strlen(line);
	while (e > line && isspace((unsigned char)e[-1]))
		*--e = '\0';
	p = line;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return 0;
	*name = p;
	while (*p != '\0' && !isspace((unsigned char)*p) && *p != '=')
		p++;
	eq = *p == '=';
	if (*p != '\0')
		*p++ = '\0';
	while (*p != '\0' && (isspace((unsigned char)*p) ||
	    (*p == '=' && !eq))) {
		if (*p == '=')
			eq = 1;
		p++;
	}
	*val = p;
	return 1;
}

/* libpwquality's integer: strtol base 10, the whole value, strictly
 * inside INT_MIN .. INT_MAX. */
static int
pp_pwq_int(const char *s, long long *out)
{
	if (text_parse_int(s, out) == -1 || *out >= INT_MAX ||
	    *out <= INT_MIN)
		return -1;
	return 0;
}

/* pwquality_set_int_value's adjustments. */
static long long
pp_pwq_clamp(const char *name, long long v)
{
	if (strcmp(name, "minlen") == 0 && v < 6)
		return 6;
	if (strcmp(name, "minclass") == 0 && v > 4)
		return 4;
	return v;
}

/* One libpwquality setting; -1 when libpwquality refuses it. */
static int
pp_pwq_apply(struct pp_val *vals, const char *name, const char *val,
    const char *file, size_t line)
{
	long long	v;
	int		i;

	if ((i = pp_find(pp_pwq_defs, PP_PWQ_COUNT, name, 1)) == -1)
		return -1;
	switch (pp_pwq_defs[i].kind) {
	case PP_INT:
		if (pp_pwq_int(val, &v) == -1)
			return -1;
		pp_set(&vals[i], pp_pwq_clamp(pp_pwq_defs[i].name, v), NULL,
		    file, line);
		break;
	case PP_STR:
		/* An empty string unsets it. */
		if (*val == '\0')
			memset(&vals[i], 0, sizeof(vals[i]));
		else
			pp_set(&vals[i], 0, val, file, line);
		break;
	case PP_FLAG:
		pp_set(&vals[i], 1, NULL, file, line);
		break;
	}
	return 0;
}

/* One file; -1 when libpwquality would stop reading the configuration.
 * A file it cannot open is skipped (and reported by section_read). */
static int
pp_pwq_file(struct pp_ctx *ctx, const char *path, struct pp_val *vals)
{
	char	*buf, *cur, *nl, *line, *name, *val;
	size_t	 len, lineno = 0;

	if (section_read(ctx->s, path, &buf, &len) == -1)
		return 0;
	pp_keep(ctx, buf);
	cur = buf;
	while (*cur != '\0') {
		lineno++;
		line = cur;
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			cur = nl + 1;
		} else
			cur = line + strlen(line);
		if (strlen(line) + (nl != NULL) > PP_PWQ_MAX_LINE) {
			section_error(ctx->s, "%s:%zu: line too long; "
			    "libpwquality stops reading its configuration",
			    path, lineno);
			return -1;
		}
		if (!pp_kv_split(line, &name, &val))
			continue;
		if (pp_pwq_apply(vals, name, val, path, lineno) == -1) {
			section_error(ctx->s, "%s:%zu: %s: unknown setting or "
			    "bad value; libpwquality stops reading its "
			    "configuration", path, lineno, pp_safe(name));
			return -1;
		}
	}
	return 0;
}

/* pwquality_read_config: the .d files first, then the main file. */
static void
pp_pwq_conf(struct pp_ctx *ctx, struct pp_val *vals)
{
	char	**names, *path, *p;
	size_t	 n, i;
	int	 stop = 0;

	memset(vals, 0, PP_PWQ_COUNT * sizeof(*vals));
	if (section_list_dir(ctx->s, PP_PWQUALITY_DIR, ".conf", &names,
	    &n) == 0) {
		for (i = 0; i < n && !stop; i++) {
			/* libpwquality's filter: the first ".conf" in the
			 * name must be its end. */
			p = strstr(names[i], ".conf");
			if (p == NULL || p[5] != '\0')
				continue;
			path = pp_keep(ctx, xasprintf("%s/%s", PP_PWQUALITY_DIR,
			    names[i]));
			if (pp_pwq_file(ctx, path, vals) == -1)
				stop = 1;
		}
		section_free_names(names, n);
	}
	if (!stop)
		(void)pp_pwq_file(ctx, PP_PWQUALITY_CONF, vals);
}

/* sscanf("%u")-like: blanks, digits, anything after ignored; strtoul
 * semantics for a sign.  -1 without digits. */
static int
pp_scan_unsigned(const char *s, unsigned long long max, long long *out)
{
	unsigned long	 v;
	char		*end;

	v = strtoul(s, &end, 10);
	if (end == s)
		return -1;
	*out = (long long)(v & max);
	return 0;
}

/* pam_faillock's set_conf_opt. */
static int
pp_fl_apply(struct pp_val *vals, const char *name, const char *val,
    const char *file, size_t line)
{
	long long	v;
	int		i;

	if ((i = pp_find(pp_fl_defs, PP_FL_COUNT, name, 0)) == -1)
		return -1;
	switch (pp_fl_defs[i].kind) {
	case PP_INT:
		if (strcmp(name, "deny") == 0) {
			if (pp_scan_unsigned(val, USHRT_MAX, &v) == -1)
				return -1;
		} else if (strcmp(name, "fail_interval") != 0 &&
		    strcmp(val, "never") == 0)
			v = 0;
		else if (pp_scan_unsigned(val, UINT_MAX, &v) == -1 ||
		    v > PP_FAILLOCK_MAX_TIME)
			return -1;
		pp_set(&vals[i], v, NULL, file, line);
		break;
	case PP_STR:
		if (strcmp(name, "dir") == 0 && val[0] != '/')
			return -1;
		pp_set(&vals[i], 0, val, file, line);
		break;
	case PP_FLAG:
		pp_set(&vals[i], 1, NULL, file, line);
		break;
	}
	return 0;
}

/* pam_pwhistory's configuration: the same syntax, its own options. */
static int
pp_ph_apply(struct pp_val *vals, const char *name, const char *val,
    const char *file, size_t line)
{
	long long	v;
	int		i;

	if ((i = pp_find(pp_ph_defs, PP_PH_COUNT, name, 0)) == -1)
		return -1;
	switch (pp_ph_defs[i].kind) {
	case PP_INT:
		if (text_parse_int(val, &v) == -1 || v < 0 || v > INT_MAX)
			return -1;
		pp_set(&vals[i], v, NULL, file, line);
		break;
	case PP_STR:
		pp_set(&vals[i], 0, val, file, line);
		break;
	case PP_FLAG:
		pp_set(&vals[i], 1, NULL, file, line);
		break;
	}
	return 0;
}

typedef int (*pp_apply_fn)(struct pp_val *, const char *, const char *,
    const char *, size_t);

/* faillock.conf and pwhistory.conf: every line applied, bad ones
 * reported and skipped.  -1 when the file was not read, unless it is
 * absent and not required. */
static int
pp_simple_conf(struct pp_ctx *ctx, const char *path, int required,
    pp_apply_fn apply, struct pp_val *vals)
{
	char	*buf, *cur, *line, *name, *val;
	size_t	 len, lineno = 0;

	if (section_read(ctx->s, path, &buf, &len) == -1)
		return errno == ENOENT && !required ? 0 : -1;
	pp_keep(ctx, buf);
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (!pp_kv_split(line, &name, &val))
			continue;
		if (apply(vals, name, val, path, lineno) == -1)
			section_error(ctx->s, "%s:%zu: %s: unknown option or "
			    "bad value, ignored", path, lineno, pp_safe(name));
	}
	return 0;
}

static struct json_object *
pp_settings_json(const struct pp_def *defs, const struct pp_val *vals,
    size_t n)
{
	struct json_object	*o, *v;
	size_t			 i;

	o = json_object_new_object();
	for (i = 0; i < n; i++) {
		if (!vals[i].set)
			continue;
		v = json_object_new_object();
		switch (defs[i].kind) {
		case PP_INT:
			jsonutil_set_int64(v, "value", vals[i].i);
			break;
		case PP_STR:
			jsonutil_set_string(v, "value", vals[i].str);
			break;
		case PP_FLAG:
			jsonutil_set_bool(v, "value", 1);
			break;
		}
		jsonutil_set_string(v, "file", vals[i].file);
		jsonutil_set_int64(v, "line", (int64_t)vals[i].line);
		jsonutil_set(o, defs[i].name, v);
	}
	return o;
}

/* PAM stacks */

static const char *const pp_stacks[] = {
	"common-auth", "common-account", "common-password",
	"system-auth", "password-auth",
	"base-auth", "base-account", "base-password",
};

/* The module's file name, whatever directory the rule gives. */
static const char *
pp_module_base(const char *module)
{
	const char	*p = strrchr(module, '/');

	return p != NULL ? p + 1 : module;
}

/* strtol's prefix, as modules that pass no end pointer read numbers. */
static long long
pp_strtol_prefix(const char *s)
{
	long long	v;

	errno = 0;
	v = strtoll(s, NULL, 10);
	if (errno != 0)
		return v < 0 ? LLONG_MIN : LLONG_MAX;
	return v;
}

static int
pp_secret_arg(const char *arg)
{
	static const char *const words[] = { "pass", "pwd", "secret", "token" };
	const char	*eq;
	char		*name;
	size_t		 i;
	int		 hit = 0;

	if ((eq = strchr(arg, '=')) == NULL)
		return 0;
	name = text_lower(xstrndup(arg, (size_t)(eq - arg)));
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strstr(name, words[i]) != NULL)
			hit = 1;
	}
	free(name);
	return hit;
}

static struct json_object *
pp_rule_json(const struct authdb_pam_rule *r)
{
	struct json_object	*o, *args;
	const char		*eq;
	char			*red;
	size_t			 i;

	o = json_object_new_object();
	jsonutil_set_string(o, "type", r->type);
	jsonutil_set_string(o, "control", r->control);
	jsonutil_set_string(o, "module", r->module);
	args = json_object_new_array();
	for (i = 0; i < r->nargs; i++) {
		if (pp_secret_arg(r->args[i])) {
			eq = strchr(r->args[i], '=');
			red = xasprintf("%.*s=<redacted>",
			    (int)(eq - r->args[i]), r->args[i]);
			json_object_array_add(args, json_object_new_string(red));
			free(red);
		} else
			json_object_array_add(args,
			    json_object_new_string(r->args[i]));
	}
	jsonutil_set(o, "args", args);
	jsonutil_set_bool(o, "optional", r->dash);
	jsonutil_set_string(o, "file", r->file);
	jsonutil_set_int64(o, "line", (int64_t)r->line);
	jsonutil_set_int64(o, "depth", r->depth);
	return o;
}

static struct json_object *
pp_rule_head(const struct authdb_pam_rule *r, int with_type)
{
	struct json_object	*o = json_object_new_object();

	if (with_type)
		jsonutil_set_string(o, "type", r->type);
	else
		jsonutil_set_string(o, "module", pp_module_base(r->module));
	jsonutil_set_string(o, "control", r->control);
	jsonutil_set_bool(o, "optional", r->dash);
	jsonutil_set_string(o, "file", r->file);
	jsonutil_set_int64(o, "line", (int64_t)r->line);
	return o;
}

/* Split a module argument "name=value" into a scratch copy. */
static void
pp_arg_split(const char *arg, char **name, const char **val)
{
	const char	*eq = strchr(arg, '=');

	if (eq == NULL) {
		*name = xstrdup(arg);
		*val = "";
	} else {
		*name = xstrndup(arg, (size_t)(eq - arg));
		*val = eq + 1;
	}
}

/* pam_pwquality: the configuration files, then its arguments. */
static struct json_object *
pp_pwquality_rule(struct pp_ctx *ctx, const struct authdb_pam_rule *r,
    const struct pp_val *conf)
{
	static const char *const ignored[] = {
		"debug", "type=", "difignore=", "reject_username",
		"authtok_type", "use_authtok", "use_first_pass",
		"try_first_pass",
	};
	struct pp_val		 vals[PP_PWQ_COUNT];
	struct json_object	*o;
	char			*name;
	const char		*val;
	size_t			 i, j;
	long long		 v;
	int			 k;

	memcpy(vals, conf, sizeof(vals));
	for (i = 0; i < r->nargs; i++) {
		for (j = 0; j < sizeof(ignored) / sizeof(ignored[0]); j++) {
			if (strncmp(r->args[i], ignored[j],
			    strlen(ignored[j])) == 0)
				break;
		}
		if (j < sizeof(ignored) / sizeof(ignored[0]))
			continue;
		pp_arg_split(r->args[i], &name, &val);
		if (strncmp(r->args[i], "retry=", 6) == 0) {
			/* Read by the module itself: below 1 means 1. */
			v = pp_strtol_prefix(val);
			k = pp_find(pp_pwq_defs, PP_PWQ_COUNT, "retry", 0);
			pp_set(&vals[k], v < 1 || v > INT_MAX ? 1 : v, NULL,
			    r->file, r->line);
		} else if (strncmp(r->args[i], "enforce_for_root", 16) == 0 ||
		    strncmp(r->args[i], "local_users_only", 16) == 0) {
			k = pp_find(pp_pwq_defs, PP_PWQ_COUNT,
			    r->args[i][0] == 'e' ? "enforce_for_root" :
			    "local_users_only", 0);
			pp_set(&vals[k], 1, NULL, r->file, r->line);
		} else if (strlen(name) >= 80 ||
		    pp_pwq_apply(vals, name, val, r->file, r->line) == -1)
			section_error(ctx->s, "%s:%zu: pam_pwquality: unknown "
			    "or broken option %s, ignored", r->file, r->line,
			    pp_safe(name));
		free(name);
	}
	o = pp_rule_head(r, 0);
	jsonutil_set(o, "settings", pp_settings_json(pp_pwq_defs, vals,
	    PP_PWQ_COUNT));
	return o;
}

/* pam_cracklib: its arguments only; numbers as strtol prefixes. */
static struct json_object *
pp_cracklib_rule(const struct authdb_pam_rule *r)
{
	struct pp_val		 vals[PP_CRACK_COUNT];
	struct json_object	*o;
	char			*name;
	const char		*val;
	size_t			 i;
	long long		 v;
	int			 k;

	memset(vals, 0, sizeof(vals));
	for (i = 0; i < r->nargs; i++) {
		pp_arg_split(r->args[i], &name, &val);
		if ((k = pp_find(pp_crack_defs, PP_CRACK_COUNT, name, 0)) ==
		    -1) {
			free(name);
			continue;
		}
		switch (pp_crack_defs[k].kind) {
		case PP_INT:
			v = pp_strtol_prefix(val);
			if (strcmp(name, "minlen") == 0 && v < 5)
				v = 5;
			if (strcmp(name, "retry") == 0 && v < 1)
				v = 1;
			pp_set(&vals[k], v, NULL, r->file, r->line);
			break;
		case PP_STR:
			pp_set(&vals[k], 0, val, r->file, r->line);
			break;
		case PP_FLAG:
			pp_set(&vals[k], 1, NULL, r->file, r->line);
			break;
		}
		free(name);
	}
	o = pp_rule_head(r, 0);
	jsonutil_set(o, "settings", pp_settings_json(pp_crack_defs, vals,
	    PP_CRACK_COUNT));
	return o;
}

/* pam_faillock: faillock.conf (or conf=FILE), then the arguments. */
static struct json_object *
pp_faillock_rule(struct pp_ctx *ctx, const struct authdb_pam_rule *r,
    const struct pp_val *conf)
{
	struct pp_val		 vals[PP_FL_COUNT];
	struct json_object	*o;
	const char		*mode = NULL, *cfile = NULL, *val;
	char			*name;
	size_t			 i;

	for (i = 0; i < r->nargs; i++) {
		if (strncmp(r->args[i], "conf=", 5) == 0)
			cfile = r->args[i] + 5;
	}
	if (cfile == NULL)
		memcpy(vals, conf, sizeof(vals));
	else {
		memset(vals, 0, sizeof(vals));
		/* A named file must open, or the module fails. */
		if (cfile[0] != '/' ||
		    pp_simple_conf(ctx, cfile, 1, pp_fl_apply, vals) == -1)
			section_error(ctx->s, "%s:%zu: pam_faillock: "
			    "configuration %s missing or unreadable; the "
			    "module fails", r->file, r->line, pp_safe(cfile));
	}
	for (i = 0; i < r->nargs; i++) {
		if (strncmp(r->args[i], "conf=", 5) == 0)
			continue;
		if (strcmp(r->args[i], "preauth") == 0 ||
		    strcmp(r->args[i], "authfail") == 0 ||
		    strcmp(r->args[i], "authsucc") == 0) {
			mode = r->args[i];
			continue;
		}
		pp_arg_split(r->args[i], &name, &val);
		if (pp_fl_apply(vals, name, val, r->file, r->line) == -1)
			section_error(ctx->s, "%s:%zu: pam_faillock: unknown "
			    "option or bad value %s, ignored", r->file,
			    r->line, pp_safe(name));
		free(name);
	}
	o = pp_rule_head(r, 1);
	if (mode != NULL)
		jsonutil_set_string(o, "mode", mode);
	jsonutil_set(o, "settings", pp_settings_json(pp_fl_defs, vals,
	    PP_FL_COUNT));
	return o;
}

/* pam_pwhistory: pwhistory.conf, then the arguments (numbers as
 * strtol prefixes). */
static struct json_object *
pp_pwhistory_rule(const struct authdb_pam_rule *r, const struct pp_val *conf)
{
	struct pp_val		 vals[PP_PH_COUNT];
	struct json_object	*o;
	const char		*val;
	char			*name;
	size_t			 i;
	int			 k;

	memcpy(vals, conf, sizeof(vals));
	for (i = 0; i < r->nargs; i++) {
		pp_arg_split(r->args[i], &name, &val);
		k = pp_find(pp_ph_defs, PP_PH_COUNT, name, 0);
		if (k != -1 && pp_ph_defs[k].kind == PP_INT)
			pp_set(&vals[k], pp_strtol_prefix(val), NULL, r->file,
			    r->line);
		else if (k != -1)
			(void)pp_ph_apply(vals, name, val, r->file, r->line);
		free(name);
	}
	o = pp_rule_head(r, 1);
	jsonutil_set(o, "settings", pp_settings_json(pp_ph_defs, vals,
	    PP_PH_COUNT));
	return o;
}

static struct json_object *
pp_tally2_rule(const struct authdb_pam_rule *r)
{
	struct pp_val		 vals[PP_TALLY_COUNT];
	struct json_object	*o;
	const char		*val;
	char			*name;
	size_t			 i;
	long long		 v;
	int			 k;

	memset(vals, 0, sizeof(vals));
	for (i = 0; i < r->nargs; i++) {
		pp_arg_split(r->args[i], &name, &val);
		k = pp_find(pp_tally_defs, PP_TALLY_COUNT, name, 0);
		if (k != -1 && pp_tally_defs[k].kind == PP_FLAG)
			pp_set(&vals[k], 1, NULL, r->file, r->line);
		else if (k != -1 && pp_scan_unsigned(val, strcmp(name,
		    "deny") == 0 ? USHRT_MAX : LONG_MAX, &v) == 0)
			pp_set(&vals[k], v, NULL, r->file, r->line);
		free(name);
	}
	o = pp_rule_head(r, 1);
	jsonutil_set(o, "settings", pp_settings_json(pp_tally_defs, vals,
	    PP_TALLY_COUNT));
	return o;
}

/* pam_unix's options: algorithm flags share one mask, so the last one
 * given wins. */
static struct json_object *
pp_unix_rule(const struct authdb_pam_rule *r)
{
	static const char *const algos[] = {
		"md5", "bigcrypt", "sha256", "sha512", "blowfish",
		"gost_yescrypt", "yescrypt",
	};
	struct json_object	*o;
	const char		*hash = NULL;
	size_t			 i, j;
	long long		 remember = -1, rounds = -1, minlen = -1, v;
	int			 nullok = 0;

	for (i = 0; i < r->nargs; i++) {
		if (strcmp(r->args[i], "nullok") == 0)
			nullok = 1;
		else if (strncmp(r->args[i], "remember=", 9) == 0) {
			v = pp_strtol_prefix(r->args[i] + 9);
			if (v <= INT_MIN || v >= INT_MAX)
				v = -1;
			remember = v > 400 ? 400 : v;
		} else if (strncmp(r->args[i], "rounds=", 7) == 0)
			rounds = pp_strtol_prefix(r->args[i] + 7);
		else if (strncmp(r->args[i], "minlen=", 7) == 0)
			minlen = pp_strtol_prefix(r->args[i] + 7);
		for (j = 0; j < sizeof(algos) / sizeof(algos[0]); j++) {
			if (strcmp(r->args[i], algos[j]) == 0)
				hash = algos[j];
		}
	}
	o = pp_rule_head(r, 1);
	jsonutil_set_bool(o, "nullok", nullok);
	if (remember >= 0)
		jsonutil_set_int64(o, "remember", remember);
	if (hash != NULL)
		jsonutil_set_string(o, "hash", hash);
	if (rounds >= 0)
		jsonutil_set_int64(o, "rounds", rounds);
	if (minlen >= 0)
		jsonutil_set_int64(o, "minlen", minlen);
	return o;
}

static void
pp_pam(struct pp_ctx *ctx, const struct pp_val *pwq, const struct pp_val *fl,
    const struct pp_val *ph)
{
	const struct authdb_pam_stack	*st;
	const struct authdb_pam_rule	*r;
	static const char *const	 listnames[] = {
		"pwquality", "faillock", "pwhistory", "tally2", "unix"
	};
	struct json_object		*pam, *o, *rules, *lists[5];
	const char			*base;
	char				*key, *p;
	size_t				 i, j;

	pam = json_object_new_object();
	for (i = 0; i < sizeof(pp_stacks) / sizeof(pp_stacks[0]); i++) {
		if ((st = authdb_pam(ctx->s, pp_stacks[i])) == NULL)
			continue;
		o = json_object_new_object();
		jsonutil_set_string(o, "file", st->path);
		rules = json_object_new_array();
		for (j = 0; j < 5; j++)
			lists[j] = json_object_new_array();
		for (j = 0; j < st->count; j++) {
			r = &st->rules[j];
			json_object_array_add(rules, pp_rule_json(r));
			if (strcmp(r->control, "include") == 0 ||
			    strcmp(r->control, "substack") == 0)
				continue;
			base = pp_module_base(r->module);
			if (strcmp(base, "pam_pwquality.so") == 0 &&
			    strcmp(r->type, "password") == 0)
				json_object_array_add(lists[0],
				    pp_pwquality_rule(ctx, r, pwq));
			else if (strcmp(base, "pam_cracklib.so") == 0 &&
			    strcmp(r->type, "password") == 0)
				json_object_array_add(lists[0],
				    pp_cracklib_rule(r));
			else if (strcmp(base, "pam_faillock.so") == 0)
				json_object_array_add(lists[1],
				    pp_faillock_rule(ctx, r, fl));
			else if (strcmp(base, "pam_pwhistory.so") == 0)
				json_object_array_add(lists[2],
				    pp_pwhistory_rule(r, ph));
			else if (strcmp(base, "pam_tally2.so") == 0)
				json_object_array_add(lists[3],
				    pp_tally2_rule(r));
			else if (strcmp(base, "pam_unix.so") == 0)
				json_object_array_add(lists[4],
				    pp_unix_rule(r));
		}
		jsonutil_set(o, "rules", rules);
		for (j = 0; j < 5; j++)
			jsonutil_set(o, listnames[j], lists[j]);
		key = xstrdup(pp_stacks[i]);
		for (p = key; *p != '\0'; p++) {
			if (*p == '-')
				*p = '_';
		}
		jsonutil_set(pam, key, o);
		free(key);
	}
	jsonutil_set(section_data(ctx->s), "pam", pam);
}

/* /etc/shadow, reduced to states and ages. */
static int
pp_shadow_cmp(const void *a, const void *b)
{
	const struct authdb_shadow_ent	*ea = *(const struct authdb_shadow_ent *const *)a;
	const struct authdb_shadow_ent	*eb = *(const struct authdb_shadow_ent *const *)b;
	int				 c;

	if ((c = strcmp(ea->name, eb->name)) != 0)
		return c;
	return ea->line < eb->line ? -1 : ea->line > eb->line;
}

static void
pp_shadow(struct section *s)
{
	const struct authdb_shadow	*db = authdb_shadow(s);
	const struct authdb_shadow_ent	**v;
	struct json_object		*sh, *accts, *a;
	size_t				 i;

	if (!db->present)
		return;
	v = xcalloc(db->count + 1, sizeof(*v));
	for (i = 0; i < db->count; i++)
		v[i] = &db->ents[i];
	if (db->count > 0)
		qsort(v, db->count, sizeof(*v), pp_shadow_cmp);
	accts = json_object_new_array();
	for (i = 0; i < db->count; i++) {
		a = json_object_new_object();
		jsonutil_set_string(a, "name", v[i]->name);
		jsonutil_set_string(a, "password",
		    authdb_pwstate_name(v[i]->pw));
		if (v[i]->algorithm != NULL)
			jsonutil_set_string(a, "algorithm", v[i]->algorithm);
#define PP_AGE(k, f)	do {						\
		if (v[i]->f != AUTHDB_UNSET)				\
			jsonutil_set_int64(a, k, v[i]->f);		\
	} while (0)
		PP_AGE("last_change", last_change);
		PP_AGE("min", min);
		PP_AGE("max", max);
		PP_AGE("warn", warn);
		PP_AGE("inactive", inactive);
		PP_AGE("expire", expire);
#undef PP_AGE
		json_object_array_add(accts, a);
	}
	free(v);
	sh = json_object_new_object();
	jsonutil_set(sh, "accounts", accts);
	jsonutil_set(section_data(s), "shadow", sh);
}

int
collect_password_policy(struct section *s)
{
	struct pp_ctx	ctx = { s, NULL, 0 };
	struct pp_val	pwq[PP_PWQ_COUNT], fl[PP_FL_COUNT], ph[PP_PH_COUNT];
	size_t		i;

	pp_login_defs(s);

	pp_pwq_conf(&ctx, pwq);
	jsonutil_set(section_data(s), "pwquality_conf",
	    pp_settings_json(pp_pwq_defs, pwq, PP_PWQ_COUNT));
	memset(fl, 0, sizeof(fl));
	(void)pp_simple_conf(&ctx, PP_FAILLOCK_CONF, 0, pp_fl_apply, fl);
	jsonutil_set(section_data(s), "faillock_conf",
	    pp_settings_json(pp_fl_defs, fl, PP_FL_COUNT));
	memset(ph, 0, sizeof(ph));
	(void)pp_simple_conf(&ctx, PP_PWHISTORY_CONF, 0, pp_ph_apply, ph);
	jsonutil_set(section_data(s), "pwhistory_conf",
	    pp_settings_json(pp_ph_defs, ph, PP_PH_COUNT));

	pp_pam(&ctx, pwq, fl, ph);
	pp_shadow(s);

	for (i = 0; i < ctx.nbufs; i++)
		free(ctx.bufs[i]);
	free(ctx.bufs);
	return 0;
}
