/*
 * The keys of agent.conf.  conf/agent.conf.in documents each one with its
 * default; keep the two in step.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include "agent-conf.h"
#include "log.h"

static const struct conf_key agent_conf_keys[] = {
	{ "agent", "root", CONF_PATH,
	    offsetof(struct agent_conf, root), "/", 0, 0, NULL },
	{ "agent", "max_file_size", CONF_SIZE,
	    offsetof(struct agent_conf, max_file_size), "4M",
	    4096, 256LL * 1024 * 1024, NULL },
	{ "agent", "log", CONF_ENUM,
	    offsetof(struct agent_conf, log_dest), "auto",
	    0, 0, log_dest_names },
	{ "agent", "state_dir", CONF_PATH,
	    offsetof(struct agent_conf, state_dir), "/var/lib/exhibit-agent",
	    0, 0, NULL },
	{ "agent", "textfile", CONF_PATH,
	    offsetof(struct agent_conf, textfile), NULL, 0, 0, NULL },
	{ "schedule", "interval", CONF_DURATION,
	    offsetof(struct agent_conf, interval), "1h", 60, 7 * 86400, NULL },
	{ "schedule", "jitter", CONF_DURATION,
	    offsetof(struct agent_conf, jitter), "5m", 0, 86400, NULL },
	{ "push", "connect_timeout", CONF_DURATION,
	    offsetof(struct agent_conf, connect_timeout), "10s", 1, 600, NULL },
	{ "push", "timeout", CONF_DURATION,
	    offsetof(struct agent_conf, timeout), "2m", 1, 3600, NULL },
	{ "push", "backoff_max", CONF_DURATION,
	    offsetof(struct agent_conf, backoff_max), "10m", 1, 86400, NULL },
	{ "spool", "max_size", CONF_SIZE,
	    offsetof(struct agent_conf, spool_max_size), "256M",
	    64 * 1024, 64LL * 1024 * 1024 * 1024, NULL },
};
#define NKEYS	(sizeof(agent_conf_keys) / sizeof(agent_conf_keys[0]))

void
agent_conf_defaults(struct agent_conf *ac)
{
	conf_defaults(agent_conf_keys, NKEYS, ac);
}

int
agent_conf_load(const char *path, struct agent_conf *ac,
    struct conf_errors *errs)
{
	agent_conf_defaults(ac);
	return conf_load_file(path, agent_conf_keys, NKEYS, ac, errs);
}

void
agent_conf_free(struct agent_conf *ac)
{
	conf_free(agent_conf_keys, NKEYS, ac);
}
