/*
 * packages: what is installed and how current it is.
 *
 * data.manager              "dpkg", "rpm" or "apk" (absent: none found)
 * data.installed_count      integer
 * data.installed.NAME       the installed version (a string); a second
 *                           architecture of the same package is keyed
 *                           "NAME:ARCH".  Architectures and source
 *                           packages stay in the database file, whose
 *                           sha256 is among the sources: one string per
 *                           package keeps thousands of packages cheap.
 * data.held                 [names] (dpkg selections on hold: never
 *                           upgraded by apt)
 * data.upgradable           [{"name", "arch", "installed", "candidate",
 *                           "security"}] from apt's package lists (dpkg
 *                           hosts; apt pinning is not applied)
 * data.upgradable_count, data.security_upgradable_count
 * data.apt_lists            {"count", "newest_mtime"}
 * data.reboot_required      boolean (dpkg hosts: /run/reboot-required)
 * data.reboot_required_pkgs [names]
 * data.kernel               {"installed": [releases, oldest first],
 *                           "newest_installed", "running" (live root),
 *                           "running_is_newest" (live root)}
 * data.auto_updates         dpkg: {"unattended_upgrades_installed",
 *                           "apt": {apt::periodic::* and
 *                           unattended-upgrade::* options}}; rpm:
 *                           {"dnf_automatic_installed", "dnf_automatic":
 *                           {"upgrade_type", "download_updates",
 *                           "apply_updates"}}
 * data.last_change          "YYYY-MM-DD HH:MM:SS" (host local time) of
 *                           the last dpkg action, or RFC 3339 UTC of the
 *                           newest rpm install
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "aptconf.h"
#include "collect.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "linereader.h"
#include "pkgdb.h"
#include "section.h"
#include "text.h"
#include "timefmt.h"
#include "version.h"
#include "xmalloc.h"

#define APT_LISTS	"/var/lib/apt/lists"
#define LIST_MAX_BYTES	(512u * 1024 * 1024)

static void
packages_installed(struct section *s, const struct pkgdb *db)
{
	struct json_object	*inst, *held;
	const struct pkg	*pk;
	char			*key;
	size_t			 i;

	inst = json_object_new_object();
	held = json_object_new_array();
	for (i = 0; i < db->count; i++) {
		pk = &db->pkgs[i];
		if (i > 0 && strcmp(db->pkgs[i - 1].name, pk->name) == 0) {
			key = xasprintf("%s:%s", pk->name,
			    pk->arch ? pk->arch : "");
			jsonutil_set_string(inst, key, pk->version);
			free(key);
		} else
			jsonutil_set_string(inst, pk->name, pk->version);
		if (pk->hold)
			json_object_array_add(held,
			    json_object_new_string(pk->name));
	}
	jsonutil_set_int64(section_data(s), "installed_count",
	    (int64_t)db->count);
	jsonutil_set(section_data(s), "installed", inst);
	if (db->format == PKGDB_DPKG)
		jsonutil_set(section_data(s), "held", held);
	else
		json_object_put(held);
}

struct candidates {
	char	**version;	/* newest available, per installed package */
	int	 *security;	/* a security list offers an upgrade */
};

/* Installed entry for name and arch ("all" matches any). */
static long
packages_index(const struct pkgdb *db, const char *name, const char *arch)
{
	const struct pkg	*first;
	size_t			 i;

	if ((first = pkgdb_find(db, name)) == NULL)
		return -1;
	for (i = (size_t)(first - db->pkgs); i < db->count &&
	    strcmp(db->pkgs[i].name, name) == 0; i++) {
		if (arch == NULL || db->pkgs[i].arch == NULL ||
		    strcmp(arch, "all") == 0 ||
		    strcmp(db->pkgs[i].arch, "all") == 0 ||
		    strcmp(arch, db->pkgs[i].arch) == 0)
			return (long)i;
	}
	return -1;
}

static void
packages_offer(const struct pkgdb *db, struct candidates *c, const char *name,
    const char *arch, const char *version, int security)
{
	long	i;

	if (name == NULL || version == NULL ||
	    (i = packages_index(db, name, arch)) == -1)
		return;
	if (pkgdb_version_cmp(db, version, db->pkgs[i].version) <= 0)
		return;
	if (security)
		c->security[i] = 1;
	if (c->version[i] == NULL ||
	    pkgdb_version_cmp(db, version, c->version[i]) > 0) {
		free(c->version[i]);
		c->version[i] = xstrdup(version);
	}
}

/* One apt list: stanzas of which only Package, Version and Architecture
 * matter here. */
/* Copy a field value, refusing one that does not fit: names, versions
 * and architectures are short, and a truncated one must not match. */
static int
packages_field(char *dst, size_t size, const char *val)
{
	size_t	len = strlen(val);

	if (len >= size)
		return -1;
	memcpy(dst, val, len + 1);
	return 0;
}

static void
packages_read_list(struct section *s, const struct pkgdb *db,
    struct candidates *c, const char *path, int security)
{
	struct linereader	*lr;
	char			*line, *val, name[256], version[256], arch[64];
	size_t			 lineno;
	int			 done, skip = 0;

	if ((lr = linereader_open(s, path, LIST_MAX_BYTES)) == NULL)
		return;
	name[0] = version[0] = arch[0] = '\0';
	do {
		line = linereader_next(lr, &lineno);
		done = line == NULL;
		if (done || *line == '\0') {
			if (!skip && name[0] != '\0' && version[0] != '\0')
				packages_offer(db, c, name, arch[0] ? arch :
				    NULL, version, security);
			name[0] = version[0] = arch[0] = '\0';
			skip = 0;
			continue;
		}
		/* Most of a list is packages not installed: once the name
		 * says so, the rest of the stanza is skipped unparsed. */
		if (skip || (val = strchr(line, ':')) == NULL || *line == ' ' ||
		    *line == '\t' || (val - line != 7 && val - line != 12))
			continue;
		*val++ = '\0';
		val += strspn(val, " \t");
		if (strcasecmp(line, "Package") == 0)
			skip = packages_field(name, sizeof(name), val) == -1 ||
			    pkgdb_find(db, name) == NULL;
		else if (strcasecmp(line, "Version") == 0)
			skip = packages_field(version, sizeof(version),
			    val) == -1;
		else if (strcasecmp(line, "Architecture") == 0)
			skip = packages_field(arch, sizeof(arch), val) == -1;
	} while (!done);
	linereader_close(lr);
}

static void
packages_upgradable(struct section *s, const struct pkgdb *db)
{
	struct json_object	*up, *u, *lists;
	struct candidates	 c;
	struct stat		 st;
	char			**names, *path, tbuf[TIMEFMT_RFC3339_LEN];
	size_t			 n, i, len, nlists = 0, nup = 0, nsec = 0;
	time_t			 newest = 0;
	int			 security;

	if (section_list_dir(s, APT_LISTS, NULL, &names, &n) == -1)
		return;
	/* Lists kept compressed (Acquire::GzipIndexes, or lz4 in container
	 * images) are not read: then what is upgradable is unknown, and
	 * saying "0" would pass a patch-level check on no evidence. */
	for (i = 0; i < n; i++) {
		if (strstr(names[i], "_Packages.") != NULL) {
			section_error(s, "%s/%s: compressed package lists are "
			    "not read; upgradable packages unknown", APT_LISTS,
			    names[i]);
			section_free_names(names, n);
			return;
		}
	}
	c.version = xcalloc(db->count + 1, sizeof(*c.version));
	c.security = xcalloc(db->count + 1, sizeof(*c.security));
	for (i = 0; i < n; i++) {
		len = strlen(names[i]);
		if (len < 9 || strcmp(names[i] + len - 9, "_Packages") != 0)
			continue;
		path = xasprintf("%s/%s", APT_LISTS, names[i]);
		/* The security pocket, whichever mirror serves it:
		 * "..._debian-security_dists_bookworm-security_...". */
		security = strstr(names[i], "security") != NULL;
		packages_read_list(s, db, &c, path, security);
		if (section_stat(s, path, &st, 0) == 0 && st.st_mtime > newest)
			newest = st.st_mtime;
		nlists++;
		free(path);
	}
	section_free_names(names, n);

	up = json_object_new_array();
	for (i = 0; i < db->count; i++) {
		if (c.version[i] == NULL)
			continue;
		u = json_object_new_object();
		jsonutil_set_string(u, "name", db->pkgs[i].name);
		if (db->pkgs[i].arch != NULL)
			jsonutil_set_string(u, "arch", db->pkgs[i].arch);
		jsonutil_set_string(u, "installed", db->pkgs[i].version);
		jsonutil_set_string(u, "candidate", c.version[i]);
		jsonutil_set_bool(u, "security", c.security[i]);
		json_object_array_add(up, u);
		nup++;
		nsec += c.security[i] != 0;
		free(c.version[i]);
	}
	free(c.version);
	free(c.security);
	jsonutil_set(section_data(s), "upgradable", up);
	jsonutil_set_int64(section_data(s), "upgradable_count", (int64_t)nup);
	jsonutil_set_int64(section_data(s), "security_upgradable_count",
	    (int64_t)nsec);
	lists = json_object_new_object();
	jsonutil_set_int64(lists, "count", (int64_t)nlists);
	if (newest != 0)
		jsonutil_set_string(lists, "newest_mtime",
		    timefmt_rfc3339(newest, tbuf, sizeof(tbuf)));
	jsonutil_set(section_data(s), "apt_lists", lists);
}

static void
packages_reboot_required(struct section *s)
{
	struct json_object	*pkgs;
	char			*buf, *cur, *line;
	size_t			 len;

	if (section_read(s, "/var/run/reboot-required", &buf, &len) == -1) {
		if (errno == ENOENT)
			jsonutil_set_bool(section_data(s), "reboot_required", 0);
		return;
	}
	free(buf);
	jsonutil_set_bool(section_data(s), "reboot_required", 1);
	if (section_read(s, "/var/run/reboot-required.pkgs", &buf, &len) == -1)
		return;
	pkgs = json_object_new_array();
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		if (*line != '\0')
			json_object_array_add(pkgs,
			    json_object_new_string(line));
	}
	free(buf);
	jsonutil_set(section_data(s), "reboot_required_pkgs", pkgs);
}

static int
packages_release_cmp(const void *a, const void *b)
{
	return version_cmp_dpkg(*(char *const *)a, *(char *const *)b);
}

/* Kernel releases as uname -r would print them. */
static void
packages_kernel(struct section *s, const struct pkgdb *db)
{
	struct json_object	*k, *inst;
	struct utsname		 u;
	const struct pkg	*pk;
	const char		*v;
	char			**rel = NULL;
	size_t			 n = 0, i;

	for (i = 0; i < db->count; i++) {
		pk = &db->pkgs[i];
		if (db->format == PKGDB_DPKG &&
		    strncmp(pk->name, "linux-image-", 12) == 0 &&
		    isdigit((unsigned char)pk->name[12])) {
			rel = xreallocarray(rel, n + 1, sizeof(*rel));
			rel[n++] = xstrdup(pk->name + 12);
		} else if (db->format == PKGDB_RPM &&
		    (strcmp(pk->name, "kernel-core") == 0 ||
		    strcmp(pk->name, "kernel") == 0)) {
			/* "[epoch:]version-release" + ".arch" */
			v = strchr(pk->version, ':');
			v = v != NULL ? v + 1 : pk->version;
			rel = xreallocarray(rel, n + 1, sizeof(*rel));
			rel[n++] = xasprintf("%s%s%s", v, pk->arch ? "." : "",
			    pk->arch ? pk->arch : "");
		}
	}
	if (n == 0 && !hostroot_is_live(section_root(s)))
		return;
	k = json_object_new_object();
	if (n > 0) {
		qsort(rel, n, sizeof(*rel), packages_release_cmp);
		inst = json_object_new_array();
		for (i = 0; i < n; i++) {
			/* kernel and kernel-core of one build: once. */
			if (i > 0 && strcmp(rel[i], rel[i - 1]) == 0)
				continue;
			json_object_array_add(inst,
			    json_object_new_string(rel[i]));
		}
		jsonutil_set(k, "installed", inst);
		jsonutil_set_string(k, "newest_installed", rel[n - 1]);
	}
	if (hostroot_is_live(section_root(s)) && uname(&u) == 0) {
		jsonutil_set_string(k, "running", u.release);
		if (n > 0)
			jsonutil_set_bool(k, "running_is_newest",
			    strcmp(u.release, rel[n - 1]) == 0);
	}
	jsonutil_set(section_data(s), "kernel", k);
	for (i = 0; i < n; i++)
		free(rel[i]);
	free(rel);
}

static void
packages_auto_updates_apt(struct section *s, const struct pkgdb *db)
{
	struct json_object	*opts, *apt, *au;

	opts = aptconf_read(s);
	apt = json_object_new_object();
	json_object_object_foreach(opts, key, val) {
		if (strncmp(key, "apt::periodic::", 15) == 0 ||
		    strncmp(key, "unattended-upgrade::", 20) == 0)
			jsonutil_set(apt, key, json_object_get(val));
	}
	json_object_put(opts);
	au = json_object_new_object();
	jsonutil_set_bool(au, "unattended_upgrades_installed",
	    pkgdb_find(db, "unattended-upgrades") != NULL);
	jsonutil_set(au, "apt", apt);
	jsonutil_set(section_data(s), "auto_updates", au);
}

/* /etc/dnf/automatic.conf: INI, only [commands] matters here. */
static void
packages_auto_updates_dnf(struct section *s, const struct pkgdb *db)
{
	static const char *const keys[] = {
		"upgrade_type", "download_updates", "apply_updates",
	};
	struct json_object	*au, *dnf;
	char			*buf, *cur, *line, *k, *v;
	size_t			 len, i;
	int			 in_commands = 0;

	au = json_object_new_object();
	jsonutil_set_bool(au, "dnf_automatic_installed",
	    pkgdb_find(db, "dnf-automatic") != NULL);
	if (section_read(s, "/etc/dnf/automatic.conf", &buf, &len) == 0) {
		dnf = json_object_new_object();
		cur = buf;
		while ((line = text_line(&cur)) != NULL) {
			if (text_is_comment(line, "#;"))
				continue;
			if (*line == '[') {
				in_commands = strcmp(line, "[commands]") == 0;
				continue;
			}
			if (!in_commands ||
			    text_split_char(line, '=', &k, &v) == -1)
				continue;
			for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
				if (strcmp(k, keys[i]) == 0)
					jsonutil_set_string(dnf, k, v);
			}
		}
		free(buf);
		jsonutil_set(au, "dnf_automatic", dnf);
	}
	jsonutil_set(section_data(s), "auto_updates", au);
}

/* The last dpkg action: the timestamp that starts dpkg.log's last line. */
static void
packages_last_change_dpkg(struct section *s)
{
	struct linereader	*lr;
	char			*line, last[20] = "";
	size_t			 lineno;

	if ((lr = linereader_open(s, "/var/log/dpkg.log",
	    LIST_MAX_BYTES)) == NULL)
		return;
	while ((line = linereader_next(lr, &lineno)) != NULL) {
		if (strlen(line) >= 19 && isdigit((unsigned char)line[0]) &&
		    line[4] == '-' && line[10] == ' ' && line[13] == ':')
			memcpy(last, line, 19);
	}
	last[19] = '\0';
	if (linereader_close(lr) == 0 && last[0] != '\0')
		jsonutil_set_string(section_data(s), "last_change", last);
}

static void
packages_last_change_rpm(struct section *s, const struct pkgdb *db)
{
	char		buf[TIMEFMT_RFC3339_LEN];
	long long	newest = 0;
	size_t		i;

	for (i = 0; i < db->count; i++) {
		if (db->pkgs[i].installed_at > newest)
			newest = db->pkgs[i].installed_at;
	}
	if (newest > 0)
		jsonutil_set_string(section_data(s), "last_change",
		    timefmt_rfc3339((time_t)newest, buf, sizeof(buf)));
}

int
collect_packages(struct section *s)
{
	const struct pkgdb	*db = pkgdb_get(s);

	if (db->format == PKGDB_NONE) {
		section_error(s, "no package database found (dpkg, rpm or apk)");
		return 0;
	}
	jsonutil_set_string(section_data(s), "manager",
	    pkgdb_format_name(db->format));
	packages_installed(s, db);
	packages_kernel(s, db);
	switch (db->format) {
	case PKGDB_DPKG:
		packages_upgradable(s, db);
		packages_reboot_required(s);
		packages_auto_updates_apt(s, db);
		packages_last_change_dpkg(s);
		break;
	case PKGDB_RPM:
		packages_auto_updates_dnf(s, db);
		packages_last_change_rpm(s, db);
		break;
	default:
		break;
	}
	return 0;
}
