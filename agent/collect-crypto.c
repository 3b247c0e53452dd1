/*
 * crypto: the cryptography a host's services will negotiate: sshd's
 * effective algorithms (from the shared sshd parse, compiled-in defaults
 * included), the system-wide crypto policy (RHEL's crypto-policies), FIPS
 * mode, and OpenSSL's system-wide TLS defaults.  Weak algorithms are
 * listed as data; whether they are acceptable is the rules' decision.
 *
 * data:
 *   sshd		{"config_valid": bool, "ciphers", "macs",
 *			"kexalgorithms": {"value": [name], "source"}} as in
 *			the sshd section (absent without sshd_config)
 *   sshd_weak		{"ciphers", "macs", "kexalgorithms": [{"name",
 *			"reason"}]} for each list known; reasons: "cbc",
 *			"3des", "arcfour", "blowfish", "cast128", "none",
 *			"md5", "sha1", "ripemd160", "truncated-96",
 *			"small-tag" (umac-64), "1024-bit-group"
 *   crypto_policy	{"config": "DEFAULT:SHA1" (first non-comment line of
 *			/etc/crypto-policies/config), "current": the
 *			policy last applied (state/current)}
 *   fips		{"kernel_fips_enabled": bool (only on the live
 *			host: /proc/sys/crypto/fips_enabled),
 *			"system_fips_file": bool (RHEL 8's /etc/system-fips)}
 *   openssl		{"config_file", "config_valid": bool (OpenSSL
 *			refuses a file with a syntax error, and then applies
 *			none of it), "includes": [path], "openssl_conf",
 *			"ssl_conf", "system_default": the section names
 *			followed, "system_default_settings": {name
 *			lowercase, "." as "_" (tls_minprotocol):
 *			{"value", "source": "path:line"}} sorted by name,
 *			"min_protocol", "max_protocol", "cipher_string",
 *			"ciphersuites", "options": values as written}
 *
 * OpenSSL's configuration (conf_def.c): "[section]" headers, "name =
 * value" lines, "#" comments outside quotes, a trailing backslash
 * continues a line, ".include [=] path" reads a file (or a directory's
 * *.cnf and *.conf files) in place and the section it ends in stays
 * current.  A name given twice in a section: the last one wins, as it
 * does both for lookups and for SSL_CONF commands applied in order;
 * "system_default" in the ssl_conf section is the first one, as
 * OpenSSL's ssl module looks it up.  RHEL's "TLS.MinProtocol" counts as
 * MinProtocol (for TLS; DTLS.* are only in the settings), the later of
 * the two winning.  Values are kept as written ($variables are not
 * expanded).  A missing included file is skipped, as OpenSSL does.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collect.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "section.h"
#include "sshdconf.h"
#include "text.h"
#include "xmalloc.h"

#define CRYPTO_POLICY_CONFIG	"/etc/crypto-policies/config"
#define CRYPTO_POLICY_CURRENT	"/etc/crypto-policies/state/current"
#define CRYPTO_FIPS_PROC	"/proc/sys/crypto/fips_enabled"
#define CRYPTO_SYSTEM_FIPS	"/etc/system-fips"
#define CRYPTO_OSSL_MAX_DEPTH	16

/* Weakness of an algorithm name, first match wins. */
struct crypto_weak {
	const char	*needle;	/* substring, or prefix when '^' */
	const char	*reason;
};

static const struct crypto_weak crypto_weak_ciphers[] = {
	{ "arcfour", "arcfour" }, { "3des", "3des" },
	{ "blowfish", "blowfish" }, { "cast128", "cast128" },
	{ "cbc", "cbc" }, { "^none", "none" }, { NULL, NULL }
};
static const struct crypto_weak crypto_weak_macs[] = {
	{ "md5", "md5" }, { "ripemd", "ripemd160" },
	{ "-96", "truncated-96" }, { "^hmac-sha1", "sha1" },
	{ "^umac-64", "small-tag" }, { NULL, NULL }
};
static const struct crypto_weak crypto_weak_kex[] = {
	{ "^diffie-hellman-group1-sha1", "1024-bit-group" },
	{ "^diffie-hellman-group14-sha1", "sha1" },
	{ "^diffie-hellman-group-exchange-sha1", "sha1" },
	{ "^gss-group1-sha1-", "1024-bit-group" },
	{ "^gss-group14-sha1-", "sha1" },
	{ "^gss-gex-sha1-", "sha1" }, { NULL, NULL }
};

static const char *
crypto_weakness(const struct crypto_weak *w, const char *name)
{
	for (; w->needle != NULL; w++) {
		if (*w->needle == '^') {
			if (strncmp(name, w->needle + 1,
			    strlen(w->needle + 1)) == 0)
				return w->reason;
		} else if (strstr(name, w->needle) != NULL)
			return w->reason;
	}
	return NULL;
}

static void
crypto_sshd(struct section *s)
{
	static const struct {
		const char			*kw;
		const struct crypto_weak	*weak;
	} lists[] = {
		{ "ciphers", crypto_weak_ciphers },
		{ "macs", crypto_weak_macs },
		{ "kexalgorithms", crypto_weak_kex },
	};
	const struct sshdconf	*c = sshdconf_get(s, 0);
	struct json_object	*sshd, *weak, *eff, *copy, *vals, *found, *w;
	const char		*name, *reason;
	size_t			 i, j;

	if (!sshdconf_read(c))
		return;
	sshd = json_object_new_object();
	weak = json_object_new_object();
	jsonutil_set_bool(sshd, "config_valid", sshdconf_valid(c));
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if ((eff = sshdconf_effective(c, lists[i].kw)) == NULL)
			continue;
		copy = NULL;
		if (json_object_deep_copy(eff, &copy, NULL) == 0)
			jsonutil_set(sshd, lists[i].kw, copy);
		if (!json_object_object_get_ex(eff, "value", &vals))
			continue;
		found = json_object_new_array();
		for (j = 0; j < json_object_array_length(vals); j++) {
			name = json_object_get_string(
			    json_object_array_get_idx(vals, j));
			if ((reason = crypto_weakness(lists[i].weak,
			    name)) == NULL)
				continue;
			w = json_object_new_object();
			jsonutil_set_string(w, "name", name);
			jsonutil_set_string(w, "reason", reason);
			json_object_array_add(found, w);
		}
		jsonutil_set(weak, lists[i].kw, found);
	}
	jsonutil_set(section_data(s), "sshd", sshd);
	jsonutil_set(section_data(s), "sshd_weak", weak);
}

static void
crypto_policy(struct section *s)
{
	struct json_object	*o = json_object_new_object();
	char			*v;

	/* update-crypto-policies reads the first non-comment line. */
	if ((v = section_first_line(s, CRYPTO_POLICY_CONFIG)) != NULL) {
		jsonutil_set_string(o, "config", v);
		free(v);
	}
	if ((v = section_first_line(s, CRYPTO_POLICY_CURRENT)) != NULL) {
		jsonutil_set_string(o, "current", v);
		free(v);
	}
	if (json_object_object_length(o) > 0)
		jsonutil_set(section_data(s), "crypto_policy", o);
	else
		json_object_put(o);
}

static void
crypto_fips(struct section *s)
{
	struct json_object	*o = json_object_new_object();
	struct stat		 st;
	char			*v;

	/* The kernel's flag describes the running system only. */
	if (hostroot_is_live(section_root(s)) &&
	    (v = section_first_line(s, CRYPTO_FIPS_PROC)) != NULL) {
		if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)
			jsonutil_set_bool(o, "kernel_fips_enabled", *v == '1');
		else
			section_error(s, "%s: not 0 or 1", CRYPTO_FIPS_PROC);
		free(v);
	}
	if (section_stat(s, CRYPTO_SYSTEM_FIPS, &st, 0) == 0)
		jsonutil_set_bool(o, "system_fips_file", 1);
	else if (errno == ENOENT || errno == ENOTDIR) {
		section_add_absent(s, CRYPTO_SYSTEM_FIPS);
		jsonutil_set_bool(o, "system_fips_file", 0);
	}
	jsonutil_set(section_data(s), "fips", o);
}

/* One "name = value" of an OpenSSL configuration, in reading order. */
struct ossl_entry {
	char	*section;
	char	*name;
	char	*value;
	char	*source;	/* "path:line" */
};

struct ossl {
	struct section		*s;
	struct ossl_entry	*e;
	size_t			 n;
	char			*section;	/* current */
	const char		*stack[CRYPTO_OSSL_MAX_DEPTH + 1];
	int			 depth;
	int			 valid;
	struct json_object	*includes;
	struct json_object	*includes_seen;
};

static void	ossl_file(struct ossl *, const char *path);

static void
ossl_add(struct ossl *o, const char *name, const char *value,
    const char *path, size_t lineno)
{
	struct ossl_entry	*e;

	o->e = xreallocarray(o->e, o->n + 1, sizeof(*o->e));
	e = &o->e[o->n++];
	e->section = xstrdup(o->section);
	e->name = xstrdup(name);
	e->value = xstrdup(value);
	e->source = xasprintf("%s:%zu", path, lineno);
}

/* Cut a value at its comment, outside quotes and escapes, and trim. */
static char *
ossl_value(char *v)
{
	char	*p, q = 0, *end;

	v += strspn(v, " \t");
	for (p = v; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (q != 0 && *p == q)
			q = 0;
		else if (q == 0 && (*p == '"' || *p == '\''))
			q = *p;
		else if (q == 0 && *p == '#') {
			*p = '\0';
			break;
		}
	}
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return v;
}

static int
ossl_has_suffix(const char *name, const char *suffix)
{
	size_t	n = strlen(name), k = strlen(suffix);

	return n > k && strcmp(name + n - k, suffix) == 0;
}

static void
ossl_include(struct ossl *o, const char *path, const char *from,
    size_t lineno)
{
	struct stat	  st;
	char		**names, *full;
	size_t		  n, i;
	int		  d;

	if (*path != '/') {
		/* Relative to the reading program's working directory
		 * (or OPENSSL_CONF_INCLUDE): not knowable here. */
		section_error(o->s, "%s:%zu: relative .include %s not "
		    "followed", from, lineno, path);
		return;
	}
	if (!json_object_object_get_ex(o->includes_seen, path, NULL)) {
		jsonutil_set_bool(o->includes_seen, path, 1);
		json_object_array_add(o->includes,
		    json_object_new_string(path));
	}
	for (d = 0; d < o->depth; d++) {
		if (strcmp(o->stack[d], path) == 0) {
			section_error(o->s, "%s:%zu: .include cycle: %s is "
			    "already being read", from, lineno, path);
			o->valid = 0;
			return;
		}
	}
	if (o->depth > CRYPTO_OSSL_MAX_DEPTH) {
		section_error(o->s, "%s:%zu: .include nested more than %d "
		    "deep", from, lineno, CRYPTO_OSSL_MAX_DEPTH);
		o->valid = 0;
		return;
	}
	if (section_stat(o->s, path, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
		if (section_list_dir(o->s, path, NULL, &names, &n) == -1)
			return;
		for (i = 0; i < n; i++) {
			if (!ossl_has_suffix(names[i], ".cnf") &&
			    !ossl_has_suffix(names[i], ".conf"))
				continue;
			full = xasprintf("%s/%s", path, names[i]);
			ossl_file(o, full);
			free(full);
		}
		section_free_names(names, n);
		return;
	}
	ossl_file(o, path);
}

static void
ossl_line(struct ossl *o, char *line, const char *path, size_t lineno)
{
	char	*p, *name, *value;

	line += strspn(line, " \t");
	if (*line == '\0' || *line == '#')
		return;
	if (*line == '[') {
		if ((p = strchr(line, ']')) == NULL) {
			section_error(o->s, "%s:%zu: missing close square "
			    "bracket", path, lineno);
			o->valid = 0;
			return;
		}
		*p = '\0';
		name = line + 1;
		name += strspn(name, " \t");
		p = name + strlen(name);
		while (p > name && (p[-1] == ' ' || p[-1] == '\t'))
			*--p = '\0';
		free(o->section);
		o->section = xstrdup(name);
		return;
	}
	if (strncmp(line, ".include", 8) == 0 &&
	    (line[8] == ' ' || line[8] == '\t' || line[8] == '=')) {
		p = line + 8;
		p += strspn(p, " \t");
		if (*p == '=')
			p++;
		value = ossl_value(p);
		if (*value == '\0') {
			section_error(o->s, "%s:%zu: .include without a path",
			    path, lineno);
			o->valid = 0;
			return;
		}
		ossl_include(o, value, path, lineno);
		return;
	}
	if (strncmp(line, ".pragma", 7) == 0)
		return;
	if ((p = strchr(line, '=')) == NULL) {
		section_error(o->s, "%s:%zu: missing equal sign", path, lineno);
		o->valid = 0;
		return;
	}
	*p = '\0';
	name = line;
	value = name + strlen(name);
	while (value > name && (value[-1] == ' ' || value[-1] == '\t'))
		*--value = '\0';
	if (*name == '\0') {
		section_error(o->s, "%s:%zu: missing name", path, lineno);
		o->valid = 0;
		return;
	}
	ossl_add(o, name, ossl_value(p + 1), path, lineno);
}

static void
ossl_file(struct ossl *o, const char *path)
{
	char	*buf, *cur, *nl, *line, *w;
	size_t	 len, lineno = 0, start;

	if (section_read(o->s, path, &buf, &len) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			o->valid = 0;
		return;
	}
	o->stack[o->depth++] = path;
	for (cur = buf; cur != NULL && *cur != '\0'; ) {
		/* A line, with backslash-newline continuations joined. */
		line = w = cur;
		start = lineno + 1;
		for (;;) {
			nl = strchr(cur, '\n');
			lineno++;
			len = nl != NULL ? (size_t)(nl - cur) : strlen(cur);
			if (len > 0 && cur[len - 1] == '\r')
				len--;
			memmove(w, cur, len);
			w += len;
			cur = nl != NULL ? nl + 1 : NULL;
			if (w > line && w[-1] == '\\' && cur != NULL &&
			    (w - 1 == line || w[-2] != '\\')) {
				w--;
				continue;
			}
			break;
		}
		*w = '\0';
		ossl_line(o, line, path, start);
	}
	o->depth--;
	free(buf);
}

/* The last value of name in section (NCONF_get_string()). */
static const char *
ossl_get(struct ossl *o, const char *section, const char *name, int first)
{
	const char	*v = NULL;
	size_t		 i;

	for (i = 0; i < o->n; i++) {
		if (strcmp(o->e[i].section, section) == 0 &&
		    strcmp(o->e[i].name, name) == 0) {
			v = o->e[i].value;
			if (first)
				break;
		}
	}
	return v;
}

static void
crypto_openssl(struct section *s)
{
	static const char *const paths[] = {
		"/etc/pki/tls/openssl.cnf",	/* RHEL's OPENSSLDIR */
		"/etc/ssl/openssl.cnf",		/* Debian's, Alpine's */
	};
	static const struct {
		const char	*cmd, *key;
	} wanted[] = {
		{ "minprotocol", "min_protocol" },
		{ "tls.minprotocol", "min_protocol" },
		{ "maxprotocol", "max_protocol" },
		{ "tls.maxprotocol", "max_protocol" },
		{ "cipherstring", "cipher_string" },
		{ "ciphersuites", "ciphersuites" },
		{ "options", "options" },
	};
	struct ossl		 o;
	struct json_object	*out, *settings, *set;
	const char		*conf, *sslconf, *sysdef, *path = NULL;
	size_t			 at[sizeof(wanted) / sizeof(wanted[0])];
	struct stat		 st;
	char			*lname, *dot;
	size_t			 i, k;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (section_stat(s, paths[i], &st, 0) == 0) {
			path = paths[i];
			break;
		}
		section_add_absent(s, paths[i]);
	}
	if (path == NULL)
		return;
	memset(&o, 0, sizeof(o));
	o.s = s;
	o.valid = 1;
	o.section = xstrdup("default");
	o.includes = json_object_new_array();
	o.includes_seen = json_object_new_object();
	ossl_file(&o, path);

	out = json_object_new_object();
	jsonutil_set_string(out, "config_file", path);
	jsonutil_set_bool(out, "config_valid", o.valid);
	jsonutil_set(out, "includes", o.includes);
	if ((conf = ossl_get(&o, "default", "openssl_conf", 0)) != NULL) {
		jsonutil_set_string(out, "openssl_conf", conf);
		if ((sslconf = ossl_get(&o, conf, "ssl_conf", 0)) != NULL) {
			jsonutil_set_string(out, "ssl_conf", sslconf);
			sysdef = ossl_get(&o, sslconf, "system_default", 1);
		} else
			sysdef = NULL;
	} else
		sysdef = NULL;
	if (sysdef != NULL) {
		jsonutil_set_string(out, "system_default", sysdef);
		settings = json_object_new_object();
		memset(at, 0, sizeof(at));
		for (i = 0; i < o.n; i++) {
			if (strcmp(o.e[i].section, sysdef) != 0)
				continue;
			/* SSL_CONF commands are case-insensitive in files;
			 * a later one overrides an earlier one. */
			lname = text_lower(xstrdup(o.e[i].name));
			for (k = 0; k < sizeof(wanted) / sizeof(wanted[0]);
			    k++) {
				if (strcmp(lname, wanted[k].cmd) == 0)
					at[k] = i + 1;
			}
			/* "TLS.MinProtocol" as tls_minprotocol: data keys
			 * hold no dots. */
			for (dot = lname; (dot = strchr(dot, '.')) != NULL;)
				*dot = '_';
			set = json_object_new_object();
			jsonutil_set_string(set, "value", o.e[i].value);
			jsonutil_set_string(set, "source", o.e[i].source);
			json_object_object_del(settings, lname);
			jsonutil_set(settings, lname, set);
			free(lname);
		}
		jsonutil_set(out, "system_default_settings",
		    jsonutil_sorted(settings));
		json_object_put(settings);
		/* min_protocol is MinProtocol or TLS.MinProtocol, whichever
		 * comes later (it is applied later); max_protocol too. */
		for (k = 0; k < sizeof(wanted) / sizeof(wanted[0]); k++) {
			if (at[k] == 0)
				continue;
			if (k + 1 < sizeof(wanted) / sizeof(wanted[0]) &&
			    strcmp(wanted[k].key, wanted[k + 1].key) == 0 &&
			    at[k + 1] > at[k])
				continue;
			if (k > 0 && strcmp(wanted[k].key,
			    wanted[k - 1].key) == 0 && at[k - 1] > at[k])
				continue;
			jsonutil_set_string(out, wanted[k].key,
			    o.e[at[k] - 1].value);
		}
	}
	jsonutil_set(section_data(s), "openssl", out);
	json_object_put(o.includes_seen);
	for (i = 0; i < o.n; i++) {
		free(o.e[i].section);
		free(o.e[i].name);
		free(o.e[i].value);
		free(o.e[i].source);
	}
	free(o.e);
	free(o.section);
}

int
collect_crypto(struct section *s)
{
	crypto_sshd(s);
	crypto_policy(s);
	crypto_fips(s);
	crypto_openssl(s);
	return 0;
}
