/*
 * backup: whether the host backs itself up, as far as files show it:
 * which backup tools are installed, and whether something schedules them
 * (an enabled systemd unit or OpenRC service named after a tool, or a
 * cron job running one).  Cron jobs are reported by file, line, schedule
 * and tool only: their command lines can carry repository passwords.
 *
 * data.tools.{restic,borg,bacula,duplicity,rsnapshot,bareos,amanda}
 *   .installed              boolean (absent when the package database is
 *                           missing or incomplete and nothing was found)
 *   .package                the package found
 * data.units                [{"unit", "tool", "wanted_by"}]: enabled
 *                           units whose name contains a tool's name, in
 *                           unit name order (systemd); OpenRC services
 *                           in a runlevel give {"unit", "tool",
 *                           "runlevel"}
 * data.cron_jobs            [{"file", "line", "tool", "schedule",
 *                           "user"}]: "schedule" is the five time fields
 *                           or the @keyword as written, or "hourly",
 *                           "daily", ... for run-parts directories (no
 *                           "line" when only the script's name says
 *                           it); "user" for system crontabs and spools
 * data.scheduled            boolean: a unit or a cron job was found
 *
 * Cron files are read where cron reads them: /etc/crontab, /etc/cron.d/,
 * /etc/cron.{hourly,daily,weekly,monthly}/, /var/spool/cron/crontabs/
 * (Debian), /var/spool/cron/ (cronie), /etc/crontabs/ and
 * /etc/periodic/NAME/ (busybox).  File names cron or run-parts would skip
 * are skipped too: on dpkg and apk hosts only [A-Za-z0-9_-] names run;
 * elsewhere dot files, "~" backups and package manager leftovers
 * (.rpmsave, .rpmnew, .rpmorig, .dpkg-*) are skipped, as cronie does.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "cronjobs.h"
#include "initsys.h"
#include "jsonutil.h"
#include "pkgdb.h"
#include "section.h"
#include "text.h"
#include "units.h"
#include "xmalloc.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct bk_tool {
	const char	*key;
	const char	*packages[3];
};

static const struct bk_tool bk_tools[] = {
	{ "restic", { "restic" } },
	{ "borg", { "borgbackup", "borgmatic" } },
	{ "bacula", { "bacula-client", "bacula-fd" } },
	{ "duplicity", { "duplicity", "duply" } },
	{ "rsnapshot", { "rsnapshot" } },
	{ "bareos", { "bareos-filedaemon" } },
	{ "amanda", { "amanda-client" } },
};

/* Words that name a tool in a command line or a unit name. */
static const struct cron_word bk_words[] = {
	{ "restic", "restic" }, { "borg", "borg" }, { "borgmatic", "borg" },
	{ "bacula", "bacula" }, { "duplicity", "duplicity" },
	{ "duply", "duplicity" }, { "rsnapshot", "rsnapshot" },
	{ "bareos", "bareos" }, { "amdump", "amanda" }, { "amanda", "amanda" },
};

/* A unit name contains the tool name anywhere ("restic-backup.timer"). */
static const char *
bk_unit_tool(const char *unit)
{
	size_t	i;

	for (i = 0; i < NELEMS(bk_words); i++) {
		if (strstr(unit, bk_words[i].word) != NULL)
			return bk_words[i].tool;
	}
	return NULL;
}

static struct json_object *
bk_units(struct section *s)
{
	struct json_object	*out = json_object_new_array(), *o;
	const struct units	*u;
	const char *const	*v;
	const char		*tool;
	struct unit_state	 st;
	char			**lv, **names, *dir;
	size_t			 n, i, j, nl;

	if (initsys_detect(s) == INITSYS_SYSTEMD) {
		u = units_get(s);
		v = units_enabled(u, &n);
		for (i = 0; i < n; i++) {
			if ((tool = bk_unit_tool(v[i])) == NULL ||
			    units_state(u, v[i], &st) == -1 || st.masked)
				continue;
			o = json_object_new_object();
			jsonutil_set_string(o, "unit", v[i]);
			jsonutil_set_string(o, "tool", tool);
			if (st.wanted_by != NULL)
				jsonutil_set_string(o, "wanted_by",
				    st.wanted_by);
			json_object_array_add(out, o);
		}
		return out;
	}
	if (!initsys_is_dir(s, "/etc/runlevels") ||
	    section_list_dir(s, "/etc/runlevels", NULL, &lv, &nl) == -1)
		return out;
	for (i = 0; i < nl; i++) {
		dir = xasprintf("/etc/runlevels/%s", lv[i]);
		if (initsys_is_dir(s, dir) &&
		    section_list_dir(s, dir, NULL, &names, &n) == 0) {
			for (j = 0; j < n; j++) {
				if (names[j][0] == '.' ||
				    (tool = bk_unit_tool(names[j])) == NULL)
					continue;
				o = json_object_new_object();
				jsonutil_set_string(o, "unit", names[j]);
				jsonutil_set_string(o, "tool", tool);
				jsonutil_set_string(o, "runlevel", lv[i]);
				json_object_array_add(out, o);
			}
			section_free_names(names, n);
		}
		free(dir);
	}
	section_free_names(lv, nl);
	return out;
}

int
collect_backup(struct section *s)
{
	const struct pkgdb	*db = pkgdb_get(s);
	struct json_object	*tools, *o, *units, *jobs;
	const char		*pkg;
	size_t			 i, j;

	tools = json_object_new_object();
	for (i = 0; i < NELEMS(bk_tools); i++) {
		o = json_object_new_object();
		pkg = NULL;
		for (j = 0; j < NELEMS(bk_tools[i].packages) &&
		    bk_tools[i].packages[j] != NULL && pkg == NULL; j++) {
			if (pkgdb_find(db, bk_tools[i].packages[j]) != NULL)
				pkg = bk_tools[i].packages[j];
		}
		/* "Not installed" only from a database read to its end. */
		if (pkg != NULL || (db->format != PKGDB_NONE && db->complete))
			jsonutil_set_bool(o, "installed", pkg != NULL);
		if (pkg != NULL)
			jsonutil_set_string(o, "package", pkg);
		jsonutil_set(tools, bk_tools[i].key, o);
	}
	jsonutil_set(section_data(s), "tools", tools);
	units = bk_units(s);
	jobs = cronjobs_find(s, bk_words, NELEMS(bk_words),
	    db->format == PKGDB_DPKG || db->format == PKGDB_APK);
	jsonutil_set(section_data(s), "units", units);
	jsonutil_set(section_data(s), "cron_jobs", jobs);
	jsonutil_set_bool(section_data(s), "scheduled",
	    json_object_array_length(units) > 0 ||
	    json_object_array_length(jobs) > 0);
	return 0;
}
