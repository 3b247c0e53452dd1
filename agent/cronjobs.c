/*
 * The cron scanner shared by the malware_integrity collector (AIDE
 * checks) and the backup collector (backup tools).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cronjobs.h"
#include "jsonutil.h"
#include "section.h"
#include "text.h"
#include "xmalloc.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct cron_scan {
	struct section		*s;
	const struct cron_word	*words;
	size_t			 nwords;
	int			 lsb;
	struct json_object	*jobs;
};

static int
cron_wordchar(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

const char *
cronjobs_mentions(const char *text, const struct cron_word *words,
    size_t nwords)
{
	const char	*p;
	size_t		 i, n;

	for (i = 0; i < nwords; i++) {
		n = strlen(words[i].word);
		for (p = text; (p = strstr(p, words[i].word)) != NULL; p += n) {
			if ((p == text || !cron_wordchar(p[-1])) &&
			    !cron_wordchar(p[n]))
				return words[i].tool;
		}
	}
	return NULL;
}

/* Whether cron or run-parts would use a file of this name. */
static int
cron_name_runs(const char *name, int lsb)
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

/* "NAME=value": an environment line in a crontab. */
static int
cron_is_env(const char *line)
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
cron_job(struct cron_scan *c, const char *file, size_t line,
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
	json_object_array_add(c->jobs, o);
}

/*
 * A crontab: system ones (/etc/crontab, /etc/cron.d) have a user field
 * after the schedule, spool ones are the user's own (user given).
 */
static void
cron_crontab(struct cron_scan *c, const char *path, int system,
    const char *user)
{
	char		*buf, *cur, *line, *f[7], *sched, *t;
	const char	*tool;
	size_t		 len, lineno = 0, nf, want, i;

	if (section_read(c->s, path, &buf, &len) == -1)
		return;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#") || cron_is_env(line))
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
			section_error(c->s, "%s:%zu: not a crontab entry", path,
			    lineno);
			continue;
		}
		if ((tool = cronjobs_mentions(line, c->words, c->nwords)) ==
		    NULL)
			continue;
		sched = xstrdup(f[0]);
		for (i = 1; i < want - (system ? 1 : 0); i++) {
			t = xasprintf("%s %s", sched, f[i]);
			free(sched);
			sched = t;
		}
		cron_job(c, path, lineno, tool, sched,
		    system ? f[want - 1] : user);
		free(sched);
	}
	free(buf);
}

/* A run-parts script: a non-comment line, else its name, names a tool. */
static void
cron_script(struct cron_scan *c, const char *path, const char *name,
    const char *schedule)
{
	char		*buf, *cur, *line;
	const char	*tool;
	size_t		 len, lineno = 0;

	if (section_read(c->s, path, &buf, &len) == -1)
		return;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		if ((tool = cronjobs_mentions(line, c->words,
		    c->nwords)) != NULL) {
			cron_job(c, path, lineno, tool, schedule, NULL);
			free(buf);
			return;
		}
	}
	free(buf);
	if ((tool = cronjobs_mentions(name, c->words, c->nwords)) != NULL)
		cron_job(c, path, 0, tool, schedule, NULL);
}

enum cron_kind { CRON_SYSTEM, CRON_SPOOL, CRON_PARTS };

/* Each regular file in dir that cron would use. */
static void
cron_dir(struct cron_scan *c, const char *dir, enum cron_kind kind,
    const char *schedule, int lsb)
{
	struct section_dirent	*v;
	char			*path;
	size_t			 n, i;
	struct stat		 st;

	if (section_list_dir_stat(c->s, dir, &v, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (!cron_name_runs(v[i].name, lsb))
			continue;
		path = xasprintf("%s/%s", dir, v[i].name);
		/* Links are followed, as cron follows them, inside the root. */
		if (section_stat(c->s, path, &st, 0) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (kind == CRON_SYSTEM)
				cron_crontab(c, path, 1, NULL);
			else if (kind == CRON_SPOOL)
				cron_crontab(c, path, 0, v[i].name);
			else
				cron_script(c, path, v[i].name, schedule);
		}
		free(path);
	}
	section_free_dirents(v, n);
}

struct json_object *
cronjobs_find(struct section *s, const struct cron_word *words,
    size_t nwords, int lsb)
{
	static const char *const parts[] = {
		"hourly", "daily", "weekly", "monthly",
	};
	static const char *const periodic[] = {
		"15min", "hourly", "daily", "weekly", "monthly",
	};
	struct cron_scan	 c = { s, words, nwords, lsb, NULL };
	char			*dir;
	size_t			 i;

	c.jobs = json_object_new_array();
	cron_crontab(&c, "/etc/crontab", 1, NULL);
	cron_dir(&c, "/etc/cron.d", CRON_SYSTEM, NULL, lsb);
	for (i = 0; i < NELEMS(parts); i++) {
		dir = xasprintf("/etc/cron.%s", parts[i]);
		cron_dir(&c, dir, CRON_PARTS, parts[i], lsb);
		free(dir);
	}
	cron_dir(&c, "/var/spool/cron/crontabs", CRON_SPOOL, NULL, 0);
	cron_dir(&c, "/var/spool/cron", CRON_SPOOL, NULL, 0);
	cron_dir(&c, "/etc/crontabs", CRON_SPOOL, NULL, 0);
	for (i = 0; i < NELEMS(periodic); i++) {
		dir = xasprintf("/etc/periodic/%s", periodic[i]);
		cron_dir(&c, dir, CRON_PARTS, periodic[i], lsb);
		free(dir);
	}
	return c.jobs;
}
