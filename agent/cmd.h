/*
 * exhibit-agent's commands beyond collect, one file each, and what they
 * share: the configuration and an open session (state directory, spool,
 * key, client).  Commands return the exit status: 0 success, 1 failure,
 * 2 usage.
 */
#ifndef EXHIBIT_CMD_H
#define EXHIBIT_CMD_H

#include <openssl/evp.h>

#include "agent-conf.h"

struct agent_state;
struct client;
struct spool;

struct session {
	struct agent_conf	 ac;
	struct agent_state	*st;
	struct spool		*sp;
	struct client		*cl;		/* NULL until session_client */
	EVP_PKEY		*key;
	char			*rejected_dir;
};

/* agent.c: the configuration named by -f, or the defaults. */
int	agent_load_conf(struct agent_conf *);

/* Configuration, an enrolled state directory, its key and spool.  -1
 * when any is missing (logged). */
int	session_open(struct session *);
int	session_client(struct session *);	/* (re)connect, mTLS */
void	session_close(struct session *);

/* Renew the client certificate when half its lifetime has passed: 1
 * renewed, 0 not due, -1 failed (logged). */
int	enroll_renew_if_due(struct session *);

int	cmd_enroll(int, char **);
int	cmd_push(int, char **);
int	cmd_run(int, char **);
int	cmd_status(int, char **);
int	cmd_collect_sign(const char *rootpath);

#endif
