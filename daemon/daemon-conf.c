/*
 * The keys of exhibitd.conf.  conf/exhibitd.conf documents each one with
 * its default; keep the two in step.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include "daemon-conf.h"
#include "log.h"
#include "schedule.h"

static const struct conf_key daemon_conf_keys[] = {
	{ "daemon", "state_dir", CONF_PATH,
	    offsetof(struct daemon_conf, state_dir), EXHIBIT_STATEDIR,
	    0, 0, NULL },
	{ "daemon", "log", CONF_ENUM,
	    offsetof(struct daemon_conf, log_dest), "auto",
	    0, 0, log_dest_names },
	{ "server", "names", CONF_STRING,
	    offsetof(struct daemon_conf, server_names),
	    "localhost, 127.0.0.1, ::1", 0, 0, NULL },
	{ "server", "listen", CONF_HOSTPORT,
	    offsetof(struct daemon_conf, listen), "0.0.0.0:8443", 0, 0, NULL },
	{ "server", "max_connections", CONF_INT,
	    offsetof(struct daemon_conf, max_connections), "1024",
	    1, 100000, NULL },
	{ "server", "request_timeout", CONF_DURATION,
	    offsetof(struct daemon_conf, request_timeout), "30s",
	    1, 3600, NULL },
	{ "server", "workers", CONF_INT,
	    offsetof(struct daemon_conf, workers), "0", 0, 64, NULL },
	{ "enroll", "certificate_lifetime", CONF_DURATION,
	    offsetof(struct daemon_conf, cert_lifetime), "7d",
	    3600, 366LL * 86400, NULL },
	{ "ingest", "max_body_size", CONF_SIZE,
	    offsetof(struct daemon_conf, max_body_size), "4M",
	    64 * 1024, 256LL * 1024 * 1024, NULL },
	{ "ingest", "max_clock_skew", CONF_DURATION,
	    offsetof(struct daemon_conf, max_clock_skew), "5m",
	    1, 86400, NULL },
	{ "rules", "directory", CONF_PATH,
	    offsetof(struct daemon_conf, rules_dir), DAEMON_RULES_DIR,
	    0, 0, NULL },
	{ "drift", "stale_after", CONF_DURATION,
	    offsetof(struct daemon_conf, stale_after), "3h",
	    1, 366LL * 86400, NULL },
	{ "drift", "silence_check", CONF_DURATION,
	    offsetof(struct daemon_conf, silence_check), "1m",
	    1, 86400, NULL },
	{ "audits", "schedule", CONF_STRING,
	    offsetof(struct daemon_conf, audit_schedule), "none",
	    0, 0, NULL },
	{ "ledger", "checkpoint_interval", CONF_DURATION,
	    offsetof(struct daemon_conf, checkpoint_interval), "5m",
	    1, 86400, NULL },
};
#define NKEYS	(sizeof(daemon_conf_keys) / sizeof(daemon_conf_keys[0]))

void
daemon_conf_defaults(struct daemon_conf *dc)
{
	conf_defaults(daemon_conf_keys, NKEYS, dc);
}

int
daemon_conf_load(const char *path, struct daemon_conf *dc,
    struct conf_errors *errs)
{
	struct schedule	 sc;
	char		 err[256];
	int		 n;

	conf_defaults(daemon_conf_keys, NKEYS, dc);
	n = conf_load_file(path, daemon_conf_keys, NKEYS, dc, errs);
	/* Values whose syntax is richer than the key types. */
	if (n == 0 && schedule_parse(dc->audit_schedule, &sc, err,
	    sizeof(err)) == -1) {
		conf_errors_add(errs, "%s: [audits] schedule: %s", path, err);
		n++;
	}
	return n;
}

void
daemon_conf_free(struct daemon_conf *dc)
{
	conf_free(daemon_conf_keys, NKEYS, dc);
}
