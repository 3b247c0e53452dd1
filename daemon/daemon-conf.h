/*
 * exhibitd.conf: the daemon's configuration, shared by exhibitd and
 * exhibitctl (which finds the state directory through it).
 */
#ifndef EXHIBIT_DAEMON_CONF_H
#define EXHIBIT_DAEMON_CONF_H

#include <stdint.h>

#include "conf.h"

#define DAEMON_CONF_PATH	EXHIBIT_CONFDIR "/exhibitd.conf"
#define DAEMON_RULES_DIR	EXHIBIT_CONFDIR "/rules"

struct daemon_conf {
	char	*state_dir;
	int	 log_dest;	/* index into log_dest_names */
	char		*server_names;	/* DNS names and addresses, comma-separated */
	char		*listen;	/* host:port */
	long long	 max_connections;
	long long	 request_timeout;	/* seconds, headers and body */
	long long	 workers;		/* 0: one per CPU */
	long long	 cert_lifetime;		/* seconds */
	uint64_t	 max_body_size;
	long long	 max_clock_skew;	/* seconds */
	char		*rules_dir;
	long long	 stale_after;		/* seconds without evidence */
	long long	 silence_check;		/* seconds between checks */
	char		*audit_schedule;	/* NULL or "": none */
	long long	 checkpoint_interval;	/* seconds */
};

/* The defaults alone, for when no file exists. */
void	daemon_conf_defaults(struct daemon_conf *);

/* Load path over the defaults; returns the number of errors in errs. */
int	daemon_conf_load(const char *path, struct daemon_conf *,
	    struct conf_errors *errs);
void	daemon_conf_free(struct daemon_conf *);

#endif
