/*
 * spool-fill: a test tool that runs the agent's pipeline N times without
 * pushing, as "exhibit-agent run" does while the daemon is away, so that
 * crash tests start from a spool of N signed envelopes in seconds.
 * Usage: spool-fill STATE-DIR ROOT N
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent-state.h"
#include "hostroot.h"
#include "keys.h"
#include "log.h"
#include "pipeline.h"
#include "spool.h"
#include "xmalloc.h"

int
main(int argc, char *argv[])
{
	struct pipeline_result	 res;
	struct agent_state	*st;
	struct hostroot		*root;
	struct spool		*sp;
	EVP_PKEY		*key;
	char			*path, err[512];
	long			 i, n;

	log_init(argv[0], 0, LOG_DEST_STDERR);
	if (argc != 4 || (n = strtol(argv[3], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: spool-fill state-dir root n\n");
		return 2;
	}
	if ((st = agent_state_open(argv[1], 0, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	path = agent_state_path(st, AGENT_STATE_KEY);
	if ((key = keys_load_private(path, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	free(path);
	path = agent_state_path(st, AGENT_STATE_SPOOL);
	if ((sp = spool_open(path, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	free(path);
	for (i = 0; i < n; i++) {
		if ((root = hostroot_open(argv[2], 4 << 20)) == NULL)
			fatal("%s", argv[2]);
		if (pipeline_produce(st, root, key, sp, UINT64_MAX, &res) == -1 ||
		    !res.spooled)
			fatalx("envelope %ld was not spooled", i + 1);
		pipeline_result_free(&res);
		hostroot_free(root);
	}
	printf("%zu envelopes spooled\n", spool_count(sp));
	spool_close(sp);
	EVP_PKEY_free(key);
	agent_state_close(st);
	return 0;
}
