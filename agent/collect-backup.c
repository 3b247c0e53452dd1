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
static const struct {
	const char	*word;
	const char	*tool;
} bk_words[] = {
	{ "restic", "restic" }, { "borg", "borg" }, { "borgmatic", "borg" },
	{ "bacula", "bacula" }, { "duplicity", "duplicity" },
	{ "duply", "duplicity" }, { "rsnapshot", "rsnapshot" },
	{ "bareos", "bareos" }, { "amdump", "amanda" }, { "amanda", "amanda" },
};

static int
bk_wordchar(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The tool a text mentions as a whole word ("/usr/bin/restic backup",
 * not "cyborg"), or NULL. */
static const char *
bk_mentions(const char *text)
{
	const char	*p;
	size_t		 i, n;

	for (i = 0; i < NELEMS(bk_words); i++) {
		n = strlen(bk_words[i].word);
		for (p = text; (p = strstr(p, bk_words[i].word)) != NULL;
		    p += n) {
			if ((p == text || !bk_wordchar(p[-1])) &&
			    !bk_wordchar(p[n]))
				return bk_words[i].tool;
		}
	}
	return NULL;
}

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

/* Whether cron or run-parts would use a file of this name. */
static int
bk_name_runs(const char *name, int lsb)
{
	static const char *const skip[] = {
		".rpmsave", ".rpmorig", ".rpmnew", ".swp", ".cfsaved",
	};
	size_t	i, n = strlen(name), k;

	if (lsb)
		return n > 0 && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
	if (n == 0 || name[0] == '.' || name[n - 1] == '~' ||
	    strstr(name, ".dpkg-") != NULL)
		return 0;
	for (i = 0; i < NELEMS(skip); i++) {
		k = strlen(skip[i]);
		if (n >= k && strcmp(name + n - k, skip[i]) == 0)
			return 0;
	}
	return 1;
}

static int
bk_is_env(const char *line)
{
	size_t	n;

	if (!isalpha((unsigned char)*line) && *line != '_')
		return 0;
	n = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_");
	n += strspn(line + n, " \t");
	return line[n] == '=';
}

static void
bk_job(struct json_object *jobs, const char *file, size_t line,
    const char *tool, const char *schedule, const char *user)
{
	struct json_object	*o = json_object_new_object();

	jsonutil_set_string(o, "file", file);
	if (line > 0)
		jsonutil_set_int64(o, "line", (int64_t)line);
	jsonutil_set_string(o, "tool", tool);
	jsonutil_set_string(o, "schedule", schedule);
	if (user != NULL)
		jsonutil_set_string(o, "user", user);
	json_object_array_add(jobs, o);
}

/*
 * A crontab: system ones (/etc/crontab, /etc/cron.d) have a user field
 * after the schedule, spool ones are the user's own (user given).
 */
static void
bk_crontab(struct section *s, const char *path, int system,
    const char *user, struct json_object *jobs)
{
	char		*buf, *cur, *line, *f[7], *sched;
	const char	*tool;
	size_t		 len, lineno = 0, nf, want, i;

	if (section_read(s, path, &buf, &len) == -1)
		return;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#") || bk_is_env(line))
			continue;
		want = (line[0] == '@' ? 1 : 5) + (system ? 1 : 0);
		/* Fields, then the command (the rest of the line). */
		for (nf = 0; nf < want && *line != '\0'; nf++) {
			f[nf] = line;
			line += strcspn(line, " \t");
			if (*line != '\0')
				*line++ = '\0';
			line += strspn(line, " \t");
		}
		if (nf < want || *line == '\0') {
			section_error(s, "%s:%zu: not a crontab entry", path,
			    lineno);
			continue;
		}
		if ((tool = bk_mentions(line)) == NULL)
			continue;
		sched = xstrdup(f[0]);
		for (i = 1; i < want - (system ? 1 : 0); i++) {
			char	*t = xasprintf("%s %s", sched, f[i]);

			free(sched);
			sched = t;
		}
		bk_job(jobs, path, lineno, tool, sched,
		    system ? f[want - 1] : user);
		free(sched);
	}
	free(buf);
}

/* A run-parts script: its name or a non-comment line names a tool. */
static void
bk_script(struct section *s, const char *path, const char *name,
    const char *schedule, struct json_object *jobs)
{
	char		*buf, *cur, *line;
	const char	*tool;
	size_t		 len, lineno = 0;

	if (section_read(s, path, &buf, &len) == -1)
		return;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		if ((tool = bk_mentions(line)) != NULL) {
			bk_job(jobs, path, lineno, tool, schedule, NULL);
			free(buf);
			return;
		}
	}
	free(buf);
	if ((tool = bk_unit_tool(name)) != NULL)
		bk_job(jobs, path, 0, tool, schedule, NULL);
}

/* Each regular file in dir that cron would use. */
static void
bk_dir(struct section *s, const char *dir, int kind, const char *schedule,
    int lsb, struct json_object *jobs)
{
	char		**names, *path;
	size_t		  n, i;
	struct stat	  st;

	if (section_list_dir(s, dir, NULL, &names, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (!bk_name_runs(names[i], lsb))
			continue;
		path = xasprintf("%s/%s", dir, names[i]);
		if (section_stat(s, path, &st, 0) == 0 && S_ISREG(st.st_mode)) {
			if (kind == 0)
				bk_crontab(s, path, 1, NULL, jobs);
			else if (kind == 1)
				bk_crontab(s, path, 0, names[i], jobs);
			else
				bk_script(s, path, names[i], schedule, jobs);
		}
		free(path);
	}
	section_free_names(names, n);
}

static struct json_object *
bk_cron(struct section *s, int lsb)
{
	static const char *const parts[] = {
		"hourly", "daily", "weekly", "monthly",
	};
	static const char *const periodic[] = {
		"15min", "hourly", "daily", "weekly", "monthly",
	};
	struct json_object	*jobs = json_object_new_array();
	char			*dir;
	size_t			 i;

	bk_crontab(s, "/etc/crontab", 1, NULL, jobs);
	bk_dir(s, "/etc/cron.d", 0, NULL, lsb, jobs);
	for (i = 0; i < NELEMS(parts); i++) {
		dir = xasprintf("/etc/cron.%s", parts[i]);
		bk_dir(s, dir, 2, parts[i], lsb, jobs);
		free(dir);
	}
	bk_dir(s, "/var/spool/cron/crontabs", 1, NULL, 0, jobs);
	bk_dir(s, "/var/spool/cron", 1, NULL, 0, jobs);
	bk_dir(s, "/etc/crontabs", 1, NULL, 0, jobs);
	for (i = 0; i < NELEMS(periodic); i++) {
		dir = xasprintf("/etc/periodic/%s", periodic[i]);
		bk_dir(s, dir, 2, periodic[i], lsb, jobs);
		free(dir);
	}
	return jobs;
}

static int
bk_is_dir(struct section *s, const char *path)
{
	struct stat	st;

	return section_stat(s, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

static struct json_object *
bk_units(struct section *s)
{
	static const char *const sd[] = {
		"/etc/systemd/system", "/run/systemd/system",
		"/usr/lib/systemd/system", "/lib/systemd/system",
	};
	struct json_object	*out = json_object_new_array(), *o;
	const struct units	*u;
	const char *const	*v;
	const char		*tool;
	struct unit_state	 st;
	char			**lv, **names, *dir;
	size_t			 n, i, j, nl;
	int			 systemd = 0;

	for (i = 0; i < NELEMS(sd) && !systemd; i++)
		systemd = bk_is_dir(s, sd[i]);
	if (systemd) {
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
	if (!bk_is_dir(s, "/etc/runlevels") ||
	    section_list_dir(s, "/etc/runlevels", NULL, &lv, &nl) == -1)
		return out;
	for (i = 0; i < nl; i++) {
		dir = xasprintf("/etc/runlevels/%s", lv[i]);
		if (bk_is_dir(s, dir) &&
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
	jobs = bk_cron(s, db->format == PKGDB_DPKG || db->format == PKGDB_APK);
	jsonutil_set(section_data(s), "units", units);
	jsonutil_set(section_data(s), "cron_jobs", jobs);
	jsonutil_set_bool(section_data(s), "scheduled",
	    json_object_array_length(units) > 0 ||
	    json_object_array_length(jobs) > 0);
	return 0;
}
