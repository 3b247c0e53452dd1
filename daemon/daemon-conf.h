/*
 * exhibitd.conf: the daemon's configuration, shared by exhibitd and
 * exhibitctl (which finds the state directory through it).
 */
#ifndef EXHIBIT_DAEMON_CONF_H
#define EXHIBIT_DAEMON_CONF_H

#include <stdint.h>

#include "conf.h"
#include "store.h"

#define DAEMON_CONF_PATH	EXHIBIT_CONFDIR "/exhibitd.conf"
#define DAEMON_RULES_DIR	EXHIBIT_CONFDIR "/rules"

struct daemon_conf {
	char	*state_dir;
	int	 log_dest;	/* index into log_dest_names */
	int		 store_backend;		/* enum store_backend */
	char		*store_connection;	/* libpq connection string */
	char		*server_names;	/* DNS names and addresses, comma-separated */
	char		*listen;	/* host:port */
	long long	 max_connections;
	long long	 request_timeout;	/* seconds, headers and body */
	long long	 workers;		/* 0: one per CPU */
	int		 metrics_public;	/* GET /metrics without a token */
	long long	 cert_lifetime;		/* seconds */
	uint64_t	 max_body_size;
	long long	 max_clock_skew;	/* seconds */
	char		*rules_dir;
	long long	 stale_after;		/* seconds without evidence */
	long long	 silence_check;		/* seconds between checks */
	char		*audit_schedule;	/* NULL or "": none */

	/* [alerts.webhook]: a JSON POST signed with HMAC-SHA256. */
	char		*webhook_url;		/* NULL: off */
	char		*webhook_secret;
	char		*webhook_headers;	/* "Name: value; Name: value" */
	int		 webhook_resolved;
	long long	 webhook_rate_limit;	/* deliveries a minute */
	long long	 webhook_batch_window;	/* seconds; 0: one by one */
	long long	 webhook_timeout;	/* seconds */
	long long	 webhook_retry_min;	/* seconds, the first backoff */
	char		*webhook_ca_file;
	/* [alerts.slack]: an incoming webhook, {"text": ...}. */
	char		*slack_url;		/* NULL: off */
	int		 slack_resolved;
	long long	 slack_rate_limit;
	long long	 slack_timeout;
	long long	 slack_retry_min;
	/* [alerts.syslog]: one line per event. */
	int		 syslog_enabled;
	int		 syslog_facility;	/* index into ..._facility_names */
	int		 syslog_resolved;
	long long	 checkpoint_interval;	/* seconds */
};

/* "auth", "authpriv", "daemon", "user", "local0" ... "local7". */
extern const char *const daemon_conf_facility_names[];
/* The syslog(3) facility (LOG_AUTHPRIV...) of an index into them. */
int	daemon_conf_facility(int);

/*
 * Split [alerts.webhook] headers ("X-Team: sec; X-Env: prod") into
 * "Name: value" lines, *lines allocated (free each and the array).  0, or
 * -1 with a sentence in err: a part without a name or a colon, a name that
 * is not an HTTP token, or a header Exhibit sets itself.
 */
int	daemon_conf_headers(const char *spec, char ***lines, size_t *n,
	    char *err, size_t errlen);

/* The store the configuration names; state_dir NULL: the configured
 * one.  sc points into dc. */
void	daemon_conf_store(const struct daemon_conf *dc, const char *state_dir,
	    struct store_conf *sc);

/* The defaults alone, for when no file exists. */
void	daemon_conf_defaults(struct daemon_conf *);

/* Load path over the defaults; returns the number of errors in errs. */
int	daemon_conf_load(const char *path, struct daemon_conf *,
	    struct conf_errors *errs);
void	daemon_conf_free(struct daemon_conf *);

#endif
