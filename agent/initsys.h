/*
 * Which init system a root uses, and OpenRC's runlevels, for collectors
 * that ask whether a service starts at boot on hosts without systemd.
 */
#ifndef EXHIBIT_INITSYS_H
#define EXHIBIT_INITSYS_H

struct section;

enum initsys {
	INITSYS_NONE,		/* neither found */
	INITSYS_SYSTEMD,
	INITSYS_OPENRC,
};

/* By the directories each reads: a systemd unit directory, else
 * /etc/runlevels. */
enum initsys	 initsys_detect(struct section *);
const char	*initsys_name(enum initsys);	/* NULL for NONE */

/* OpenRC: whether some runlevel starts the service name. */
int		 initsys_openrc_enabled(struct section *, const char *name);

/* Whether path is a directory in the root. */
int		 initsys_is_dir(struct section *, const char *path);

#endif
