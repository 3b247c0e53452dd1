/*
 * exhibitctl's commands: one file per group (ctl-init.c, ctl-token.c,
 * ctl-agent.c), each a function taking the shared context and its own
 * arguments (argv[0] is the command name).
 */
#ifndef EXHIBIT_CTL_H
#define EXHIBIT_CTL_H

#include "daemon-conf.h"

struct store;

struct ctl {
	const char		*conf_path;
	int			 conf_given;	/* -f on the command line */
	const char		*state_dir;	/* --state, else the config's */
	struct daemon_conf	 conf;
	int			 loaded;
};

/* Load the configuration (or the defaults when none was named and none
 * exists at the default path); errors are logged.  0 or -1. */
int		 ctl_load_conf(struct ctl *);

/* Open the store of an initialised state directory; NULL, logged. */
struct store	*ctl_open_store(struct ctl *);

int	ctl_init(struct ctl *, int, char **);
int	ctl_token(struct ctl *, int, char **);
int	ctl_agent(struct ctl *, int, char **);
int	ctl_evidence(struct ctl *, int, char **);
int	ctl_check_config(struct ctl *, int, char **);

#endif
