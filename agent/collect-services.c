/*
 * services: what the init system starts.  On systemd hosts the states come
 * from the shared unit scan (units.c): every enabled and every masked
 * unit, and a fixed table of units auditors ask about, each under one
 * canonical key whatever the distribution calls it (ssh.service on
 * Debian, sshd.service on RHEL).  On OpenRC hosts (Alpine) the runlevel
 * directories say what starts.
 *
 * data.init                 "systemd" or "openrc" (absent: neither found)
 * data.enabled              [unit names], sorted (systemd)
 * data.masked               [unit names], sorted (systemd)
 * data.units.KEY            one per table entry below (systemd):
 *   .unit                   the unit found (after aliases), or the first
 *                           name tried when none is known
 *   .installed              boolean: a unit file exists
 *   .path                   its in-root path (when installed)
 *   .enabled                boolean: wanted or required by some unit (or
 *                           an instance of a template is)
 *   .wanted_by              the first such unit, sorted (when enabled)
 *   .masked                 boolean: linked to /dev/null in /etc or /run
 *   .static                 boolean (when the unit file was read): no
 *                           [Install] section to enable it by, as
 *                           systemctl reports "static"
 *   .preset                 "enable" or "disable" (when a preset rule
 *                           matches)
 *   .aliases                [other names that are links to the unit]
 *                           (when any)
 * data.openrc.runlevels     [{"name", "services": [sorted]}], sorted by
 *                           name (OpenRC)
 * data.openrc.services.KEY  {"service", "installed" (/etc/init.d/NAME
 *                           exists), "enabled" (in some runlevel),
 *                           "runlevel" (the first, sorted)} for the
 *                           table entries with an OpenRC name
 *
 * The units' "enabled" is the admin's enablement (/etc and /run): units
 * that vendors link in /usr/lib/systemd (systemd-journald) are "static",
 * not enabled, exactly as systemctl is-enabled says.  [Install] sections
 * in drop-ins are not read, as systemctl does not read them either.
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
#include "initsys.h"
#include "digest.h"
#include "jsonutil.h"
#include "section.h"
#include "text.h"
#include "units.h"
#include "xmalloc.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_NAMES	4

struct svc_entry {
	const char	*key;
	const char	*names[MAX_NAMES];	/* systemd names, preferred first */
	const char	*openrc;		/* OpenRC service, or NULL */
};

/*
 * The units an audit asks about: the ones that must run (ssh, logging,
 * time, integrity checks, firewalls, updates) and the ones benchmarks
 * want off (telnet, rsh, tftp, ftp, mDNS, printing, RPC, NFS, SNMP).
 */
static const struct svc_entry svc_table[] = {
	{ "ssh", { "ssh.service", "sshd.service" }, "sshd" },
	{ "auditd", { "auditd.service" }, "auditd" },
	{ "rsyslog", { "rsyslog.service" }, "rsyslog" },
	{ "chrony", { "chrony.service", "chronyd.service" }, "chronyd" },
	{ "systemd_timesyncd", { "systemd-timesyncd.service" }, NULL },
	{ "fail2ban", { "fail2ban.service" }, "fail2ban" },
	{ "clamav_daemon", { "clamav-daemon.service", "clamd@.service" },
	    "clamd" },
	{ "clamav_freshclam", { "clamav-freshclam.service" }, "freshclam" },
	{ "unattended_upgrades", { "unattended-upgrades.service" }, NULL },
	{ "apt_daily_upgrade_timer", { "apt-daily-upgrade.timer" }, NULL },
	{ "dnf_automatic_timer", { "dnf-automatic.timer",
	    "dnf-automatic-install.timer" }, NULL },
	{ "nftables", { "nftables.service" }, "nftables" },
	{ "ufw", { "ufw.service" }, "ufw" },
	{ "firewalld", { "firewalld.service" }, "firewalld" },
	{ "apparmor", { "apparmor.service" }, "apparmor" },
	{ "aidecheck_timer", { "dailyaidecheck.timer", "aidecheck.timer" },
	    NULL },
	{ "aide_timer", { "aide.timer" }, NULL },
	{ "cron", { "cron.service", "crond.service", "cronie.service" },
	    "crond" },
	{ "systemd_journald", { "systemd-journald.service" }, NULL },
	{ "telnet", { "telnet.socket", "telnet@.service",
	    "inetutils-telnetd.service" }, "telnetd" },
	{ "rsh", { "rsh.socket", "rlogin.socket", "rexec.socket" }, NULL },
	{ "tftp", { "tftp.socket", "tftp.service", "tftpd-hpa.service" },
	    "in.tftpd" },
	{ "vsftpd", { "vsftpd.service" }, "vsftpd" },
	{ "avahi_daemon", { "avahi-daemon.service" }, "avahi-daemon" },
	{ "avahi_daemon_socket", { "avahi-daemon.socket" }, NULL },
	{ "cups", { "cups.service" }, "cupsd" },
	{ "cups_socket", { "cups.socket" }, NULL },
	{ "rpcbind", { "rpcbind.service" }, "rpcbind" },
	{ "rpcbind_socket", { "rpcbind.socket" }, NULL },
	{ "nfs_server", { "nfs-server.service", "nfs-kernel-server.service" },
	    "nfs" },
	{ "snmpd", { "snmpd.service" }, "snmpd" },
};

static struct json_object *
svc_string_array(const char *const *v, size_t n)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/*
 * Whether the unit file has an [Install] section that can enable it
 * (WantedBy=, RequiredBy=, UpheldBy=, Alias=, Also=): without one
 * systemctl calls the unit "static".  -1 when the file was not read.
 */
static int
svc_has_install(struct section *s, const char *path)
{
	static const char *const keys[] = {
		"WantedBy", "RequiredBy", "UpheldBy", "Alias", "Also",
	};
	char	*buf, *cur, *line, *key, *val;
	size_t	 len, i;
	int	 in_install = 0, found = 0, set[NELEMS(keys)] = { 0 };

	if (section_read(s, path, &buf, &len) == -1)
		return -1;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		if (text_is_comment(line, "#;"))
			continue;
		if (*line == '[') {
			in_install = strcmp(line, "[Install]") == 0;
			continue;
		}
		if (!in_install || text_split_char(line, '=', &key, &val) == -1)
			continue;
		for (i = 0; i < NELEMS(keys); i++) {
			/* An empty assignment resets the list. */
			if (strcmp(key, keys[i]) == 0)
				set[i] = *val != '\0';
		}
	}
	free(buf);
	for (i = 0; i < NELEMS(keys); i++)
		found |= set[i];
	return found;
}

static void
svc_unit(struct section *s, const struct units *u, const struct svc_entry *e,
    struct json_object *out)
{
	struct json_object	*o, *aliases;
	struct unit_state	 st, other;
	const char		*found = NULL;
	size_t			 i;
	int			 inst;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < MAX_NAMES && e->names[i] != NULL; i++) {
		if (units_state(u, e->names[i], &st) == 0) {
			found = st.name;
			break;
		}
	}
	if (found == NULL)
		(void)units_state(u, e->names[0], &st);
	o = json_object_new_object();
	jsonutil_set_string(o, "unit", found != NULL ? found : e->names[0]);
	jsonutil_set_bool(o, "installed", st.path != NULL);
	if (st.path != NULL)
		jsonutil_set_string(o, "path", st.path);
	jsonutil_set_bool(o, "enabled", st.enabled);
	if (st.enabled && st.wanted_by != NULL)
		jsonutil_set_string(o, "wanted_by", st.wanted_by);
	jsonutil_set_bool(o, "masked", st.masked);
	if (st.path != NULL && (inst = svc_has_install(s, st.path)) != -1)
		jsonutil_set_bool(o, "static", !inst);
	if (st.preset != NULL)
		jsonutil_set_string(o, "preset", st.preset);

	/* Other names of the table entry that lead to the same unit. */
	aliases = json_object_new_array();
	for (i = 0; found != NULL && i < MAX_NAMES && e->names[i] != NULL;
	    i++) {
		if (strcmp(e->names[i], found) != 0 &&
		    units_state(u, e->names[i], &other) == 0 &&
		    strcmp(other.name, found) == 0)
			json_object_array_add(aliases,
			    json_object_new_string(e->names[i]));
	}
	if (json_object_array_length(aliases) > 0)
		jsonutil_set(o, "aliases", aliases);
	else
		json_object_put(aliases);
	jsonutil_set(out, e->key, o);
}

static void
svc_systemd(struct section *s)
{
	const struct units	*u = units_get(s);
	const char *const	*v;
	struct json_object	*units;
	size_t			 n, i;

	v = units_enabled(u, &n);
	jsonutil_set(section_data(s), "enabled", svc_string_array(v, n));
	v = units_masked(u, &n);
	jsonutil_set(section_data(s), "masked", svc_string_array(v, n));
	units = json_object_new_object();
	for (i = 0; i < NELEMS(svc_table); i++)
		svc_unit(s, u, &svc_table[i], units);
	jsonutil_set(section_data(s), "units", units);
}

/*
 * OpenRC: /etc/runlevels/LEVEL/NAME (a link to /etc/init.d/NAME) starts
 * NAME in LEVEL.  The listing is recorded as a source like the systemd
 * wants directories: "level/name -> target" lines, sorted.
 */
static void
svc_openrc(struct section *s)
{
	struct json_object	*levels, *lv, *names, *svcs, *o;
	char			**lvl, **ent, *path, *link, *listing, *t;
	char			 hex[DIGEST_SHA256_HEXLEN];
	const char		*level;
	size_t			 nl, ne, i, j, k, len, cap;
	struct stat		 st;

	if (section_list_dir(s, "/etc/runlevels", NULL, &lvl, &nl) == -1)
		return;
	levels = json_object_new_array();
	listing = xstrdup("");
	len = 0;
	cap = 1;
	for (i = 0; i < nl; i++) {
		path = xasprintf("/etc/runlevels/%s", lvl[i]);
		if (!initsys_is_dir(s, path) ||
		    section_list_dir(s, path, NULL, &ent, &ne) == -1) {
			free(path);
			continue;
		}
		names = json_object_new_array();
		for (j = 0; j < ne; j++) {
			if (ent[j][0] == '.')
				continue;
			json_object_array_add(names,
			    json_object_new_string(ent[j]));
			t = xasprintf("%s/%s", path, ent[j]);
			link = section_readlink(s, t);
			free(t);
			t = xasprintf("%s/%s -> %s\n", lvl[i], ent[j],
			    link != NULL ? link : "");
			free(link);
			/* Amortised appends: listings can be long. */
			k = strlen(t);
			if (len + k + 1 > cap) {
				while (len + k + 1 > cap)
					cap *= 2;
				listing = xrealloc(listing, cap);
			}
			memcpy(listing + len, t, k + 1);
			len += k;
			free(t);
		}
		section_free_names(ent, ne);
		lv = json_object_new_object();
		jsonutil_set_string(lv, "name", lvl[i]);
		jsonutil_set(lv, "services", names);
		json_object_array_add(levels, lv);
		free(path);
	}
	section_add_source(s, "/etc/runlevels",
	    digest_sha256_hex(listing, len, hex), len);
	free(listing);

	svcs = json_object_new_object();
	for (k = 0; k < NELEMS(svc_table); k++) {
		if (svc_table[k].openrc == NULL)
			continue;
		o = json_object_new_object();
		jsonutil_set_string(o, "service", svc_table[k].openrc);
		path = xasprintf("/etc/init.d/%s", svc_table[k].openrc);
		jsonutil_set_bool(o, "installed",
		    section_stat(s, path, &st, 0) == 0);
		free(path);
		level = NULL;
		for (i = 0; i < nl && level == NULL; i++) {
			path = xasprintf("/etc/runlevels/%s/%s", lvl[i],
			    svc_table[k].openrc);
			if (section_stat(s, path, &st, 1) == 0)
				level = lvl[i];
			free(path);
		}
		jsonutil_set_bool(o, "enabled", level != NULL);
		if (level != NULL)
			jsonutil_set_string(o, "runlevel", level);
		jsonutil_set(svcs, svc_table[k].key, o);
	}
	section_free_names(lvl, nl);
	o = json_object_new_object();
	jsonutil_set(o, "runlevels", levels);
	jsonutil_set(o, "services", svcs);
	jsonutil_set(section_data(s), "openrc", o);
}

int
collect_services(struct section *s)
{
	/* Unit directories are what systemd reads; their presence (not a
	 * binary, which containers and fixtures may lack) marks it. */
	switch (initsys_detect(s)) {
	case INITSYS_SYSTEMD:
		jsonutil_set_string(section_data(s), "init", "systemd");
		svc_systemd(s);
		break;
	case INITSYS_OPENRC:
		jsonutil_set_string(section_data(s), "init", "openrc");
		svc_openrc(s);
		break;
	default:
		break;
	}
	return 0;
}
