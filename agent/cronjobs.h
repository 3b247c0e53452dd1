/*
 * Cron jobs that run a given tool: crontabs (/etc/crontab, /etc/cron.d,
 * the users' spools, Alpine's /etc/crontabs) and run-parts directories
 * (/etc/cron.{hourly,daily,weekly,monthly}, the /etc/periodic
 * directories).  Command
 * lines are read to recognise the tool and never reported: they may hold
 * passwords.
 */
#ifndef EXHIBIT_CRONJOBS_H
#define EXHIBIT_CRONJOBS_H

#include <stddef.h>

#include <json-c/json.h>

struct section;

/* A word that names a tool in a command line or a script's name. */
struct cron_word {
	const char	*word;
	const char	*tool;
};

/* The tool text names as a whole word ("/usr/bin/restic backup", not
 * "cyborg"), or NULL. */
const char	*cronjobs_mentions(const char *text,
		    const struct cron_word *, size_t nwords);

/*
 * Every job naming one of the tools, as [{"file", "line" (absent for a
 * script matched by its name), "tool", "schedule", "user"}].  lsb: the
 * run-parts in use takes only LSB names ([A-Za-z0-9_-]), as Debian's
 * does; otherwise the usual backup and package-manager leftovers are
 * skipped.
 */
struct json_object *cronjobs_find(struct section *,
		    const struct cron_word *, size_t nwords, int lsb);

#endif
