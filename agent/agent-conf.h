/*
 * agent.conf: the agent's configuration.
 */
#ifndef EXHIBIT_AGENT_CONF_H
#define EXHIBIT_AGENT_CONF_H

#include <stdint.h>

#include "conf.h"

#define AGENT_CONF_PATH	EXHIBIT_CONFDIR "/agent.conf"

struct agent_conf {
	char		*root;		/* host root to collect from */
	uint64_t	 max_file_size;	/* larger files are not read */
	int		 log_dest;	/* index into log_dest_names */
	char		*state_dir;	/* identity, seq, spool, cache */
	char		*textfile;	/* node-exporter status; NULL: none */
	long long	 interval;	/* seconds between collections */
	long long	 jitter;	/* random extra delay, up to */
	long long	 connect_timeout;
	long long	 timeout;	/* a whole request */
	long long	 backoff_max;	/* longest wait between retries */
	uint64_t	 spool_max_size;	/* then only small documents */
};

void	agent_conf_defaults(struct agent_conf *);
int	agent_conf_load(const char *path, struct agent_conf *,
	    struct conf_errors *errs);
void	agent_conf_free(struct agent_conf *);

#endif
