/*
 * kernel: kernel hardening as the host's own boot-time tools configure it.
 * sysctl settings as systemd-sysctl (or procps "sysctl --system") would
 * apply them, module blacklists and disabling install commands as kmod
 * reads them, and the mount options fstab gives the usual audited mount
 * points.
 *
 * Data (rule authors' reference):
 *
 * data.sysctl.applier		"systemd-sysctl" when systemd boots the root,
 *				else "procps" ("sysctl --system", as OpenRC
 *				and sysvinit scripts run it)
 * data.sysctl.applier_evidence	the path that showed systemd: its
 *				systemd-sysctl, an init linked to systemd,
 *				or its unit directory
 * data.sysctl.files[]		paths applied, in application order: *.conf
 *				from /etc, /run, /usr/local/lib, /usr/lib and
 *				/lib sysctl.d sorted by name whatever the
 *				directory, then for procps /etc/sysctl.conf
 * data.sysctl.masked[]		paths masking a name (symlink to /dev/null)
 * data.sysctl.shadowed[]	paths hidden by the same name in an
 *				earlier directory
 * data.sysctl.not_applied[]	"/etc/sysctl.conf" when it exists but
 *				systemd-sysctl does not read it (no
 *				sysctl.d entry such as 99-sysctl.conf links it)
 * data.sysctl.settings.KEY	one object per key, keys sorted bytewise;
 *				KEY is the sysctl(8) name
 *				("net.ipv4.ip_forward"; a dot inside a
 *				/proc/sys component is "/"):
 *   .value		string, trimmed, as written
 *   .int		integer, when the whole value is one
 *   .excluded		true for a "-KEY" line with no value: the key is
 *			not written and globs skip it (value absent)
 *   .file, .line	the assignment that wins (the last one)
 *   .overridden	number of earlier assignments it replaced
 *   .ignore_failure	"-" prefix: a failed write is not an error (kept
 *			when the same value is assigned again, as systemd
 *			does)
 *   .glob		true when KEY is a glob pattern (kept as written)
 *   .live		on the live host only: /proc/sys value, blanks
 *			collapsed to one space
 *   .live_int		integer form of live when it is one
 *
 * data.modprobe.files[], .masked[], .shadowed[]	as for sysctl
 * data.modprobe.blacklist[]	every blacklisted module, normalised
 *				("-" as "_"), sorted, unique
 * data.modprobe.modules.NAME	for cramfs, freevxfs, jffs2, hfs, hfsplus,
 *				squashfs, udf, usb_storage, dccp, sctp, rds,
 *				tipc, bluetooth, firewire_core:
 *   .blacklisted	bool
 *   .install_disabled	bool: the install command kmod would run is
 *			only true or false (/bin/true, /usr/bin/false...)
 *   .blacklist		{file, line} of the first blacklist line
 *   .install		{command, file, line} of the install command kmod
 *			uses (the first that matches)
 *
 * data.fstab.ID		ID is tmp, var_tmp, dev_shm, home, var, var_log,
 *				var_log_audit, boot; absent when fstab has no
 *				such mount point:
 *   .mount_point	"/tmp"
 *   .device		fs_spec, octal escapes undone
 *   .fstype		fs_vfstype (absent when the line has none)
 *   .options[]		fs_mntops split at ","
 *   .nodev, .nosuid, .noexec	bool, options applied left to right as
 *			mount(8) does ("user" implies all three, "dev" after
 *			"nodev" undoes it; "defaults" changes nothing)
 *   .line		line in /etc/fstab
 * data.fstab.tmp_mount_unit	bool: systemd's tmp.mount exists, is
 *				enabled (a local-fs.target.wants link in /etc,
 *				/run, /usr/lib or /lib) and is not masked
 * data.fstab.tmp_mount_unit_file	the tmp.mount unit systemd would load
 *				(/etc, /run, /usr/lib or /lib), enabled or
 *				not; absent when masked or when there is none
 *				(Debian's /usr/share/systemd/tmp.mount is only
 *				a template to copy)
 *
 * Strings from the host (paths, keys, values) that are not valid UTF-8
 * have each offending byte written as "\xHH".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "path.h"
#include "section.h"
#include "text.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))


/*
 * Configuration directories in the sysctl.d(5) / kmod style: *.conf from
 * several directories, a name in an earlier directory hiding the same
 * name in later ones, the survivors applied in name order whatever their
 * directory.
 */
enum kernel_conf_state {
	KERNEL_CONF_APPLIED,
	KERNEL_CONF_MASKED,
	KERNEL_CONF_SHADOWED,
	KERNEL_CONF_SKIPPED,
};

struct kernel_conf {
	char			*name;
	char			*path;
	size_t			 dir;		/* lower is stronger */
	enum kernel_conf_state	 state;
};

struct kernel_confs {
	struct kernel_conf	*v;
	size_t			 n;
};

static int
kernel_conf_cmp(const void *a, const void *b)
{
	const struct kernel_conf	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

/*
 * What one directory entry does to its name: masks it (a symlink to
 * /dev/null, or /dev/null itself on the live host), supplies it (a
 * regular file), or takes no part (a dangling link or a directory, which
 * systemd and kmod both skip, so a later directory may still win).
 */
static enum kernel_conf_state
kernel_conf_entry(struct section *s, const char *path)
{
	struct stat	 st;
	char		*link;
	int		 null;

	if ((link = section_readlink(s, path)) != NULL) {
		null = strcmp(link, "/dev/null") == 0;
		free(link);
		if (null)
			return KERNEL_CONF_MASKED;
	}
	if (section_stat(s, path, &st, 0) == -1)
		return KERNEL_CONF_SKIPPED;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
		return KERNEL_CONF_MASKED;
	if (!S_ISREG(st.st_mode)) {
		section_error(s, "%s: not a regular file, ignored", path);
		return KERNEL_CONF_SKIPPED;
	}
	return KERNEL_CONF_APPLIED;
}

static void
kernel_conf_list(struct section *s, const char *const *dirs, size_t ndirs,
    struct kernel_confs *out)
{
	struct stat	 *dirst;
	char		**names;
	size_t		  i, j, k, n, first;
	int		  dup;

	out->v = NULL;
	out->n = 0;
	dirst = xcalloc(ndirs, sizeof(*dirst));
	for (i = 0; i < ndirs; i++) {
		if (section_stat(s, dirs[i], &dirst[i], 0) == -1) {
			/* Looked for and not there: say so in sources. */
			if (errno == ENOENT || errno == ENOTDIR)
				section_add_absent(s, dirs[i]);
			dirst[i].st_ino = 0;
			continue;
		}
		if (!S_ISDIR(dirst[i].st_mode)) {
			section_error(s, "%s: not a directory", dirs[i]);
			dirst[i].st_ino = 0;
			continue;
		}
		/* /lib is /usr/lib on a merged-/usr host: one directory. */
		dup = 0;
		for (j = 0; j < i; j++) {
			if (dirst[j].st_ino != 0 &&
			    dirst[j].st_dev == dirst[i].st_dev &&
			    dirst[j].st_ino == dirst[i].st_ino)
				dup = 1;
		}
		if (dup)
			continue;
		if (section_list_dir(s, dirs[i], ".conf", &names, &n) == -1 ||
		    n == 0)
			continue;
		out->v = xreallocarray(out->v, out->n + n, sizeof(*out->v));
		for (j = 0; j < n; j++) {
			out->v[out->n].name = names[j];
			out->v[out->n].path = path_join(dirs[i], names[j]);
			out->v[out->n].dir = i;
			out->v[out->n].state = KERNEL_CONF_SHADOWED;
			out->n++;
		}
		free(names);	/* the strings now belong to out */
	}
	free(dirst);
	if (out->n == 0)
		return;
	qsort(out->v, out->n, sizeof(*out->v), kernel_conf_cmp);

	for (first = 0; first < out->n; first = k) {
		for (k = first; k < out->n &&
		    strcmp(out->v[k].name, out->v[first].name) == 0; k++)
			;
		/* The first entry that takes part wins; the ones after it
		 * stay shadowed. */
		for (j = first; j < k; j++) {
			out->v[j].state = kernel_conf_entry(s, out->v[j].path);
			if (out->v[j].state != KERNEL_CONF_SKIPPED)
				break;
		}
	}
}

static void
kernel_conf_free(struct kernel_confs *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].path);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* files[], masked[], shadowed[] into obj, in name order. */
static void
kernel_conf_report(struct kernel_confs *c, struct json_object *obj)
{
	struct json_object	*files, *masked, *shadowed;
	size_t			 i;

	files = json_object_new_array();
	masked = json_object_new_array();
	shadowed = json_object_new_array();
	for (i = 0; i < c->n; i++) {
		switch (c->v[i].state) {
		case KERNEL_CONF_APPLIED:
			json_object_array_add(files,
			    json_object_new_string(c->v[i].path));
			break;
		case KERNEL_CONF_MASKED:
			json_object_array_add(masked,
			    json_object_new_string(c->v[i].path));
			break;
		case KERNEL_CONF_SHADOWED:
			json_object_array_add(shadowed,
			    json_object_new_string(c->v[i].path));
			break;
		case KERNEL_CONF_SKIPPED:
			break;
		}
	}
	jsonutil_set(obj, "files", files);
	jsonutil_set(obj, "masked", masked);
	jsonutil_set(obj, "shadowed", shadowed);
}

/*
 * sysctl.
 */

struct kernel_sysctl {
	char	*key;		/* sysctl(8) form */
	char	*slash;		/* path under /proc/sys */
	char	*value;		/* NULL for an exclusion */
	char	*file;
	size_t	 line;
	int64_t	 overridden;
	int	 ignore_failure;
	int	 glob;
};

struct kernel_sysctls {
	struct kernel_sysctl	*v;
	size_t			 n;
	struct json_object	*index;		/* key -> position in v */
};

/*
 * systemd's sysctl_normalize(): when the first separator is a dot, dots
 * and slashes swap, giving the path under /proc/sys; repeated and
 * leading or trailing slashes go.  The display form swaps back, which is
 * what sysctl(8) prints ("net.ipv4.conf.eth0/1.rp_filter").  A name with
 * an empty, "." or ".." component is refused: systemd-sysctl will not
 * write through such a path either.
 */
static int
kernel_sysctl_normalize(const char *in, char **slash, char **dotted)
{
	const char	*first = strpbrk(in, "/.");
	char		*p, *w, *c, *comp;
	int		 swap = first != NULL && *first == '.';
	size_t		 len;

	p = xstrdup(in);
	for (c = p; *c != '\0'; c++) {
		if (swap && *c == '.')
			*c = '/';
		else if (swap && *c == '/')
			*c = '.';
	}
	/* Collapse and trim slashes. */
	for (c = w = p; *c != '\0'; c++) {
		if (*c == '/' && (w == p || w[-1] == '/'))
			continue;
		*w++ = *c;
	}
	*w = '\0';
	len = strlen(p);
	if (len > 0 && p[len - 1] == '/')
		p[--len] = '\0';
	if (len == 0) {
		free(p);
		return -1;
	}
	for (comp = p; comp != NULL; comp = c != NULL ? c + 1 : NULL) {
		c = strchr(comp, '/');
		len = c != NULL ? (size_t)(c - comp) : strlen(comp);
		if ((len == 1 && comp[0] == '.') ||
		    (len == 2 && comp[0] == '.' && comp[1] == '.')) {
			free(p);
			return -1;
		}
	}
	*slash = p;
	*dotted = xstrdup(p);
	for (c = *dotted; *c != '\0'; c++) {
		if (*c == '.')
			*c = '/';
		else if (*c == '/')
			*c = '.';
	}
	return 0;
}

static void
kernel_sysctl_assign(struct kernel_sysctls *ks, char *slash, char *dotted,
    const char *value, const char *file, size_t line, int ignore_failure)
{
	struct json_object	*idx;
	struct kernel_sysctl	*e;
	int			 same;

	/*
	 * Across and within files the last assignment wins: systemd
	 * replaces the earlier entry, procps simply writes again.  When
	 * systemd meets the same value again it keeps the entry and only
	 * adds the "-": so does this (the place reported is still the
	 * last).
	 */
	if (json_object_object_get_ex(ks->index, dotted, &idx)) {
		e = &ks->v[json_object_get_int64(idx)];
		same = (e->value == NULL && value == NULL) ||
		    (e->value != NULL && value != NULL &&
		    strcmp(e->value, value) == 0);
		if (same)
			ignore_failure |= e->ignore_failure;
		free(slash);
		free(dotted);
		free(e->value);
		free(e->file);
		e->overridden++;
	} else {
		ks->v = xreallocarray(ks->v, ks->n + 1, sizeof(*ks->v));
		e = &ks->v[ks->n];
		memset(e, 0, sizeof(*e));
		e->key = dotted;
		e->slash = slash;
		e->glob = strpbrk(dotted, "*?[") != NULL;
		jsonutil_set_int64(ks->index, dotted, (int64_t)ks->n);
		ks->n++;
	}
	e->value = value != NULL ? xstrdup(value) : NULL;
	e->file = xstrdup(file);
	e->line = line;
	e->ignore_failure = ignore_failure;
}

/* One sysctl.d(5) file: "key = value", "-key = value" (failure
 * ignored), "-key" (excluded from globs); "#" and ";" comments. */
static int
kernel_sysctl_file(struct section *s, struct kernel_sysctls *ks,
    const char *path)
{
	char	*buf, *cur, *line, *key, *val, *slash, *dotted;
	size_t	 len, lineno = 0;
	int	 ignore;

	if (section_read(s, path, &buf, &len) == -1)
		return -1;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#;"))
			continue;
		ignore = 0;
		if (text_split_char(line, '=', &key, &val) == -1) {
			if (*line != '-') {
				section_error(s, "%s:%zu: not an assignment, "
				    "ignored", path, lineno);
				continue;
			}
			key = line + 1;
			val = NULL;
		} else if (*key == '-') {
			ignore = 1;
			key++;
		}
		while (*key == ' ' || *key == '\t')
			key++;
		if (kernel_sysctl_normalize(key, &slash, &dotted) == -1) {
			section_error(s, "%s:%zu: not a sysctl name, ignored",
			    path, lineno);
			continue;
		}
		kernel_sysctl_assign(ks, slash, dotted, val, path, lineno,
		    ignore);
	}
	free(buf);
	return 0;
}

static int
kernel_sysctl_cmp(const void *a, const void *b)
{
	const struct kernel_sysctl	*x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* The running value, blanks collapsed: /proc/sys separates the numbers
 * of tcp_rmem with tabs where configuration files use spaces. */
static char *
kernel_sysctl_live(struct section *s, const char *slash)
{
	char	*path, *buf, *r, *w;
	size_t	 len;
	int	 rc;

	path = xasprintf("/proc/sys/%s", slash);
	rc = section_read(s, path, &buf, &len);
	free(path);
	if (rc == -1)
		return NULL;
	for (r = w = buf; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
			if (w != buf && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = *r;
	}
	if (w != buf && w[-1] == ' ')
		w--;
	*w = '\0';
	return buf;
}

/*
 * An integer as the kernel's proc_dointvec family reads one: an optional
 * "-", then base 0 digits ("0x1b6" is hex, "010" octal), nothing after.
 */
static int
kernel_sysctl_int(const char *v, long long *out)
{
	unsigned long long	 u;
	char			*end;
	int			 neg = 0;

	if (*v == '-') {
		neg = 1;
		v++;
	}
	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	u = strtoull(v, &end, 0);
	if (errno != 0 || *end != '\0')
		return -1;
	if (neg) {
		if (u > (unsigned long long)INT64_MAX + 1)
			return -1;
		*out = u == (unsigned long long)INT64_MAX + 1 ? INT64_MIN :
		    -(long long)u;
	} else {
		if (u > INT64_MAX)
			return -1;
		*out = (long long)u;
	}
	return 0;
}

static void
kernel_sysctl_emit(struct section *s, struct kernel_sysctls *ks,
    struct json_object *sysctl)
{
	struct json_object	*settings, *o;
	struct kernel_sysctl	*e;
	long long		 ll;
	char			*live;
	size_t			 i;
	int			 is_live = hostroot_is_live(section_root(s));

	if (ks->n > 0)
		qsort(ks->v, ks->n, sizeof(*ks->v), kernel_sysctl_cmp);
	settings = json_object_new_object();
	for (i = 0; i < ks->n; i++) {
		e = &ks->v[i];
		o = json_object_new_object();
		if (e->value != NULL) {
			jsonutil_set_string(o, "value", e->value);
			if (kernel_sysctl_int(e->value, &ll) == 0)
				jsonutil_set_int64(o, "int", ll);
		} else
			jsonutil_set_bool(o, "excluded", 1);
		jsonutil_set_string(o, "file", e->file);
		jsonutil_set_int64(o, "line", (int64_t)e->line);
		jsonutil_set_int64(o, "overridden", e->overridden);
		jsonutil_set_bool(o, "ignore_failure", e->ignore_failure);
		if (e->glob)
			jsonutil_set_bool(o, "glob", 1);
		if (is_live && !e->glob &&
		    (live = kernel_sysctl_live(s, e->slash)) != NULL) {
			jsonutil_set_string(o, "live", live);
			if (kernel_sysctl_int(live, &ll) == 0)
				jsonutil_set_int64(o, "live_int", ll);
			free(live);
		}
		jsonutil_set(settings, e->key, o);
	}
	jsonutil_set(sysctl, "settings", settings);
}

/*
 * Whether systemd (and so systemd-sysctl) boots this root, and the path
 * that says so: systemd-sysctl itself, an init that is systemd, or,
 * since a copied tree may hold configuration only, systemd's unit
 * directory.
 */
static const char *
kernel_systemd_mark(struct section *s)
{
	static const char *const files[] = {
		"/usr/lib/systemd/systemd-sysctl",
		"/lib/systemd/systemd-sysctl",
		"/usr/lib/systemd/system/systemd-sysctl.service",
		"/lib/systemd/system/systemd-sysctl.service",
		"/usr/lib/systemd/systemd",
		"/lib/systemd/systemd",
	};
	static const char *const inits[] = { "/sbin/init", "/usr/sbin/init" };
	static const char *const dirs[] = {
		"/usr/lib/systemd/system", "/lib/systemd/system",
	};
	struct stat	 st;
	char		*link;
	size_t		 i, n;
	int		 yes;

	for (i = 0; i < nitems(files); i++) {
		if (section_stat(s, files[i], &st, 0) == 0 &&
		    S_ISREG(st.st_mode))
			return files[i];
	}
	for (i = 0; i < nitems(inits); i++) {
		if ((link = section_readlink(s, inits[i])) == NULL)
			continue;
		n = strlen(link);
		yes = n >= 7 && strcmp(link + n - 7, "systemd") == 0;
		free(link);
		if (yes)
			return inits[i];
	}
	for (i = 0; i < nitems(dirs); i++) {
		if (section_stat(s, dirs[i], &st, 0) == 0 &&
		    S_ISDIR(st.st_mode))
			return dirs[i];
	}
	return NULL;
}

static void
kernel_sysctl(struct section *s)
{
	static const char *const dirs[] = {
		"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
		"/usr/lib/sysctl.d", "/lib/sysctl.d",
	};
	struct json_object	*sysctl, *na, *files;
	struct kernel_confs	 confs;
	struct kernel_sysctls	 ks;
	struct stat		 st, cst;
	size_t			 i;
	int			 systemd, have_conf, conf_linked = 0;
	int			 conf_read = 0;
	const char		*systemd_mark;

	systemd_mark = kernel_systemd_mark(s);
	systemd = systemd_mark != NULL;
	have_conf = section_stat(s, "/etc/sysctl.conf", &cst, 0) == 0 &&
	    S_ISREG(cst.st_mode);

	memset(&ks, 0, sizeof(ks));
	ks.index = json_object_new_object();
	kernel_conf_list(s, dirs, nitems(dirs), &confs);
	for (i = 0; i < confs.n; i++) {
		if (confs.v[i].state != KERNEL_CONF_APPLIED)
			continue;
		if (have_conf &&
		    section_stat(s, confs.v[i].path, &st, 0) == 0 &&
		    st.st_dev == cst.st_dev && st.st_ino == cst.st_ino)
			conf_linked = 1;
		kernel_sysctl_file(s, &ks, confs.v[i].path);
	}
	/*
	 * systemd-sysctl has not read /etc/sysctl.conf since systemd 207:
	 * distributions link it as /etc/sysctl.d/99-sysctl.conf, where it
	 * takes that name's place in the order.  procps' "sysctl --system"
	 * reads it after everything else (again, if it was linked).
	 */
	if (!systemd)
		conf_read = kernel_sysctl_file(s, &ks, "/etc/sysctl.conf") == 0;

	sysctl = json_object_new_object();
	jsonutil_set_string(sysctl, "applier",
	    systemd ? "systemd-sysctl" : "procps");
	if (systemd)
		jsonutil_set_string(sysctl, "applier_evidence", systemd_mark);
	kernel_conf_report(&confs, sysctl);
	if (conf_read &&
	    json_object_object_get_ex(sysctl, "files", &files))
		json_object_array_add(files,
		    json_object_new_string("/etc/sysctl.conf"));
	if (systemd && have_conf && !conf_linked) {
		na = json_object_new_array();
		json_object_array_add(na,
		    json_object_new_string("/etc/sysctl.conf"));
		jsonutil_set(sysctl, "not_applied", na);
	}
	kernel_sysctl_emit(s, &ks, sysctl);
	jsonutil_set(section_data(s), "sysctl", sysctl);

	for (i = 0; i < ks.n; i++) {
		free(ks.v[i].key);
		free(ks.v[i].slash);
		free(ks.v[i].value);
		free(ks.v[i].file);
	}
	free(ks.v);
	json_object_put(ks.index);
	kernel_conf_free(&confs);
}

/*
 * Module blacklists and install commands, as kmod reads modprobe.d(5).
 */

static const char *const kernel_audit_modules[] = {
	"cramfs", "freevxfs", "jffs2", "hfs", "hfsplus", "squashfs", "udf",
	"usb_storage", "dccp", "sctp", "rds", "tipc", "bluetooth",
	"firewire_core",
};

struct kernel_module {
	struct json_object	*blacklist;	/* {file, line} or NULL */
	struct json_object	*install;	/* {command, file, line} */
	int			 install_disabled;
};

/* kmod's underscores(): "-" is "_" in module names, except inside a
 * [...] glob class; -1 for an unbalanced bracket. */
static int
kernel_module_normalize(char *name)
{
	char	*p;

	for (p = name; *p != '\0'; p++) {
		if (*p == '[') {
			if ((p = strchr(p, ']')) == NULL)
				return -1;
		} else if (*p == ']')
			return -1;
		else if (*p == '-')
			*p = '_';
	}
	return 0;
}

/* An install command that loads nothing: "true" or "false", by any of
 * their usual paths, alone but for a shell comment (kmod runs it with
 * /bin/sh). */
static int
kernel_install_disables(const char *cmd)
{
	static const char *const nops[] = {
		"true", "false", "/bin/true", "/bin/false", "/usr/bin/true",
		"/usr/bin/false", "/sbin/true", "/sbin/false",
	};
	size_t	n = strcspn(cmd, " \t"), blanks, i;

	blanks = strspn(cmd + n, " \t");
	if (cmd[n + blanks] != '\0' && (blanks == 0 || cmd[n + blanks] != '#'))
		return 0;
	for (i = 0; i < nitems(nops); i++) {
		if (strlen(nops[i]) == n && strncmp(cmd, nops[i], n) == 0)
			return 1;
	}
	return 0;
}

static struct json_object *
kernel_where(const char *file, size_t line)
{
	struct json_object	*o = json_object_new_object();

	jsonutil_set_string(o, "file", file);
	jsonutil_set_int64(o, "line", (int64_t)line);
	return o;
}

/*
 * The next kmod line of a writable buffer, cut in place: a line ending
 * in "\" continues on the next one (both the backslash and the newline
 * go); nothing else is trimmed, since kmod keeps a "\r" as part of the
 * last word.  *lineno counts the physical lines.
 */
static char *
kernel_modprobe_line(char **cursor, size_t *lineno)
{
	char	*line = *cursor, *r, *w;

	if (line == NULL || *line == '\0')
		return NULL;
	for (r = w = line; *r != '\0'; r++) {
		if (*r == '\\' && r[1] == '\n') {
			(*lineno)++;
			r++;
			continue;
		}
		if (*r == '\n')
			break;
		*w++ = *r;
	}
	(*lineno)++;
	*cursor = *r == '\n' ? r + 1 : r;
	*w = '\0';
	return line;
}

/*
 * kmod splits words at blanks; a line whose first character is "#" is a
 * comment.  Commands kmod does not know are logged and ignored by it;
 * they are errors here too.
 */
static void
kernel_modprobe_file(struct section *s, const char *path,
    struct kernel_module *mods, struct json_object *blacklist)
{
	static const char *const known[] = {
		"alias", "options", "install", "remove", "softdep",
		"weakdep", "blacklist",
	};
	struct json_object	*o;
	char			*buf, *cur, *line, *cmd, *name, *rest;
	size_t			 len, lineno = 0, start, i;

	if (section_read(s, path, &buf, &len) == -1)
		return;
	cur = buf;
	for (;;) {
		start = lineno + 1;
		if ((line = kernel_modprobe_line(&cur, &lineno)) == NULL)
			break;
		if (*line == '#')
			continue;
		line += strspn(line, " \t");
		if (*line == '\0')
			continue;
		if (strchr(line, '\r') != NULL)
			section_error(s, "%s:%zu: carriage return, which kmod "
			    "keeps as part of the line", path, start);
		cmd = line;
		line += strcspn(line, " \t");
		if (*line != '\0')
			*line++ = '\0';
		for (i = 0; i < nitems(known); i++) {
			if (strcmp(cmd, known[i]) == 0)
				break;
		}
		if (i == nitems(known)) {
			if (strchr(cmd, '\r') == NULL)
				section_error(s, "%s:%zu: unknown command, "
				    "ignored", path, start);
			continue;
		}
		if (strcmp(cmd, "blacklist") != 0 &&
		    strcmp(cmd, "install") != 0)
			continue;
		line += strspn(line, " \t");
		name = line;
		line += strcspn(line, " \t");
		if (*line != '\0')
			*line++ = '\0';
		/* install's command is the rest of the line after the one
		 * blank that ended the name. */
		rest = line;
		if (*name == '\0' || kernel_module_normalize(name) == -1 ||
		    (strcmp(cmd, "install") == 0 &&
		    rest[strspn(rest, " \t")] == '\0')) {
			section_error(s, "%s:%zu: bad %s line, ignored", path,
			    start, cmd);
			continue;
		}
		if (strcmp(cmd, "blacklist") == 0) {
			/* A blacklist line names one module, exactly. */
			jsonutil_set_bool(blacklist, name, 1);
			for (i = 0; i < nitems(kernel_audit_modules); i++) {
				if (mods[i].blacklist == NULL &&
				    strcmp(name, kernel_audit_modules[i]) == 0)
					mods[i].blacklist = kernel_where(path,
					    start);
			}
			continue;
		}
		/* install: the name is a pattern and the first command that
		 * matches is the one kmod runs. */
		for (i = 0; i < nitems(kernel_audit_modules); i++) {
			if (mods[i].install != NULL ||
			    fnmatch(name, kernel_audit_modules[i], 0) != 0)
				continue;
			o = kernel_where(path, start);
			jsonutil_set_string(o, "command", rest);
			mods[i].install = o;
			mods[i].install_disabled = kernel_install_disables(
			    rest + strspn(rest, " \t"));
		}
	}
	free(buf);
}

static int
kernel_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
kernel_modprobe(struct section *s)
{
	static const char *const dirs[] = {
		"/etc/modprobe.d", "/run/modprobe.d",
		"/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d",
		"/lib/modprobe.d",
	};
	struct kernel_module	 mods[nitems(kernel_audit_modules)];
	struct json_object	*mp, *set, *list, *modules, *o, *w;
	struct json_object_iterator it, end;
	struct kernel_confs	 confs;
	const char		**names;
	size_t			 i, n;

	memset(mods, 0, sizeof(mods));
	set = json_object_new_object();
	kernel_conf_list(s, dirs, nitems(dirs), &confs);
	for (i = 0; i < confs.n; i++) {
		if (confs.v[i].state == KERNEL_CONF_APPLIED)
			kernel_modprobe_file(s, confs.v[i].path, mods, set);
	}

	mp = json_object_new_object();
	kernel_conf_report(&confs, mp);
	kernel_conf_free(&confs);

	n = (size_t)json_object_object_length(set);
	names = xcalloc(n + 1, sizeof(*names));
	i = 0;
	it = json_object_iter_begin(set);
	end = json_object_iter_end(set);
	while (!json_object_iter_equal(&it, &end) && i < n) {
		names[i++] = json_object_iter_peek_name(&it);
		json_object_iter_next(&it);
	}
	if (i > 0)
		qsort(names, i, sizeof(*names), kernel_str_cmp);
	list = json_object_new_array();
	for (n = 0; n < i; n++)
		json_object_array_add(list, json_object_new_string(names[n]));
	free(names);
	json_object_put(set);
	jsonutil_set(mp, "blacklist", list);

	modules = json_object_new_object();
	for (i = 0; i < nitems(kernel_audit_modules); i++) {
		o = json_object_new_object();
		jsonutil_set_bool(o, "blacklisted", mods[i].blacklist != NULL);
		jsonutil_set_bool(o, "install_disabled",
		    mods[i].install_disabled);
		if ((w = mods[i].blacklist) != NULL)
			jsonutil_set(o, "blacklist", w);
		if ((w = mods[i].install) != NULL)
			jsonutil_set(o, "install", w);
		jsonutil_set(modules, kernel_audit_modules[i], o);
	}
	jsonutil_set(mp, "modules", modules);
	jsonutil_set(section_data(s), "modprobe", mp);
}

/*
 * fstab(5) for the mount points audits ask about.
 */

static const struct {
	const char	*mount_point, *id;
} kernel_mounts[] = {
	{ "/tmp", "tmp" }, { "/var/tmp", "var_tmp" },
	{ "/dev/shm", "dev_shm" }, { "/home", "home" }, { "/var", "var" },
	{ "/var/log", "var_log" }, { "/var/log/audit", "var_log_audit" },
	{ "/boot", "boot" },
};

/* libmount's unmangle: "\" and three octal digits is that byte ("\040"
 * a space); anything else is kept as it is. */
static void
kernel_fstab_unescape(char *f)
{
	char	*r, *w;

	for (r = w = f; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' &&
		    r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 |
			    (r[3] - '0'));
			r += 3;
		} else
			*w++ = *r;
	}
	*w = '\0';
}

/* The mount point as systemd compares it: repeated and trailing slashes
 * dropped. */
static void
kernel_fstab_path(char *p)
{
	char	*r, *w;

	for (r = w = p; *r != '\0'; r++) {
		if (*r == '/' && w != p && w[-1] == '/')
			continue;
		*w++ = *r;
	}
	if (w - p > 1 && w[-1] == '/')
		w--;
	*w = '\0';
}

/* Options left to right as mount(8) applies them. */
static void
kernel_fstab_flags(struct json_object *o, const char *opts)
{
	char	*copy, *cur, *opt;
	int	 nodev = 0, nosuid = 0, noexec = 0;
	struct json_object *arr = json_object_new_array();

	copy = xstrdup(opts);
	cur = copy;
	while ((opt = strsep(&cur, ",")) != NULL) {
		if (*opt == '\0')
			continue;
		json_object_array_add(arr, json_object_new_string(opt));
		if (strcmp(opt, "nodev") == 0)
			nodev = 1;
		else if (strcmp(opt, "dev") == 0)
			nodev = 0;
		else if (strcmp(opt, "nosuid") == 0)
			nosuid = 1;
		else if (strcmp(opt, "suid") == 0)
			nosuid = 0;
		else if (strcmp(opt, "noexec") == 0)
			noexec = 1;
		else if (strcmp(opt, "exec") == 0)
			noexec = 0;
		else if (strcmp(opt, "user") == 0 || strcmp(opt, "users") == 0)
			nodev = nosuid = noexec = 1;
		else if (strcmp(opt, "owner") == 0 || strcmp(opt, "group") == 0)
			nodev = nosuid = 1;
	}
	free(copy);
	jsonutil_set(o, "options", arr);
	jsonutil_set_bool(o, "nodev", nodev);
	jsonutil_set_bool(o, "nosuid", nosuid);
	jsonutil_set_bool(o, "noexec", noexec);
}

static void
kernel_fstab_entries(struct section *s, struct json_object *fstab)
{
	const char		*path = "/etc/fstab";
	struct json_object	*found[nitems(kernel_mounts)] = { 0 }, *o;
	char			*buf, *cur, *line, *f[4], *p;
	size_t			 len, lineno = 0, i, nf;

	if (section_read(s, path, &buf, &len) == -1)
		return;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		for (nf = 0, p = line; nf < nitems(f); nf++) {
			p += strspn(p, " \t");
			if (*p == '\0')
				break;
			f[nf] = p;
			p += strcspn(p, " \t");
			if (*p != '\0')
				*p++ = '\0';
		}
		if (nf < 2) {
			section_error(s, "%s:%zu: no mount point, ignored",
			    path, lineno);
			continue;
		}
		for (i = 0; i < nf; i++)
			kernel_fstab_unescape(f[i]);
		kernel_fstab_path(f[1]);
		for (i = 0; i < nitems(kernel_mounts); i++) {
			if (strcmp(f[1], kernel_mounts[i].mount_point) == 0)
				break;
		}
		if (i == nitems(kernel_mounts))
			continue;
		/* systemd-fstab-generator keeps the first entry for a mount
		 * point and refuses the others. */
		if (found[i] != NULL) {
			section_error(s, "%s:%zu: second entry for %s, ignored",
			    path, lineno, f[1]);
			continue;
		}
		o = json_object_new_object();
		jsonutil_set_string(o, "mount_point", f[1]);
		jsonutil_set_string(o, "device", f[0]);
		if (nf > 2)
			jsonutil_set_string(o, "fstype", f[2]);
		kernel_fstab_flags(o, nf > 3 ? f[3] : "");
		jsonutil_set_int64(o, "line", (int64_t)lineno);
		found[i] = o;
	}
	free(buf);
	for (i = 0; i < nitems(kernel_mounts); i++) {
		if (found[i] != NULL)
			jsonutil_set(fstab, kernel_mounts[i].id, found[i]);
	}
}

/* Whether path is a symlink to /dev/null (a masked unit). */
static int
kernel_is_masked(struct section *s, const char *path)
{
	char	*link;
	int	 masked;

	if ((link = section_readlink(s, path)) == NULL)
		return 0;
	masked = strcmp(link, "/dev/null") == 0;
	free(link);
	return masked;
}

/*
 * systemd's tmp.mount mounts a tmpfs on /tmp when something wants it: a
 * local-fs.target.wants link (made by "systemctl enable" in /etc, or by
 * the distribution in /usr/lib).  A /dev/null unit in /etc or /run masks
 * it whatever wants it.
 */
static void
kernel_tmp_mount(struct section *s, struct json_object *fstab)
{
	static const char *const masks[] = {
		"/etc/systemd/system/tmp.mount",
		"/run/systemd/system/tmp.mount",
	};
	static const char *const wants[] = {
		"/etc/systemd/system/local-fs.target.wants/tmp.mount",
		"/run/systemd/system/local-fs.target.wants/tmp.mount",
		"/usr/lib/systemd/system/local-fs.target.wants/tmp.mount",
		"/lib/systemd/system/local-fs.target.wants/tmp.mount",
	};
	static const char *const units[] = {
		"/etc/systemd/system/tmp.mount",
		"/run/systemd/system/tmp.mount",
		"/usr/lib/systemd/system/tmp.mount",
		"/lib/systemd/system/tmp.mount",
	};
	struct stat	 st;
	size_t		 i;
	int		 masked = 0, wanted = 0;
	const char	*unit = NULL;

	for (i = 0; i < nitems(masks); i++)
		masked |= kernel_is_masked(s, masks[i]);
	for (i = 0; i < nitems(wants) && !wanted; i++) {
		if (section_stat(s, wants[i], &st, 1) == 0)
			wanted = 1;
	}
	for (i = 0; i < nitems(units) && unit == NULL; i++) {
		if (section_stat(s, units[i], &st, 0) == 0 &&
		    S_ISREG(st.st_mode))
			unit = units[i];
	}
	/* A wants link alone loads nothing: the unit must exist too. */
	jsonutil_set_bool(fstab, "tmp_mount_unit",
	    wanted && !masked && unit != NULL);
	if (unit != NULL && !masked)
		jsonutil_set_string(fstab, "tmp_mount_unit_file", unit);
}

static void
kernel_fstab(struct section *s)
{
	struct json_object	*fstab = json_object_new_object();

	kernel_fstab_entries(s, fstab);
	kernel_tmp_mount(s, fstab);
	jsonutil_set(section_data(s), "fstab", fstab);
}

int
collect_kernel(struct section *s)
{
	kernel_sysctl(s);
	kernel_modprobe(s);
	kernel_fstab(s);
	return 0;
}
