/*
 * The keys of exhibitd.conf.  conf/exhibitd.conf.in documents each one with
 * its default; keep the two in step.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "daemon-conf.h"
#include "log.h"
#include "schedule.h"
#include "xmalloc.h"

const char *const daemon_conf_facility_names[] = {
	"auth", "authpriv", "daemon", "user", "local0", "local1", "local2",
	"local3", "local4", "local5", "local6", "local7", NULL
};
static const int facilities[] = {
	LOG_AUTH, LOG_AUTHPRIV, LOG_DAEMON, LOG_USER, LOG_LOCAL0, LOG_LOCAL1,
	LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
};

/* In enum store_backend's order. */
static const char *const store_backend_names[] = {
	"sqlite", "postgresql", NULL
};

static const struct conf_key daemon_conf_keys[] = {
	{ "daemon", "state_dir", CONF_PATH,
	    offsetof(struct daemon_conf, state_dir), EXHIBIT_STATEDIR,
	    0, 0, NULL },
	{ "store", "backend", CONF_ENUM,
	    offsetof(struct daemon_conf, store_backend), "sqlite",
	    0, 0, store_backend_names },
	{ "store", "connection", CONF_STRING,
	    offsetof(struct daemon_conf, store_connection), NULL, 0, 0, NULL },
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
	{ "server", "metrics_public", CONF_BOOL,
	    offsetof(struct daemon_conf, metrics_public), "no", 0, 0, NULL },
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
	{ "alerts.webhook", "url", CONF_URL,
	    offsetof(struct daemon_conf, webhook_url), NULL, 0, 0, NULL },
	{ "alerts.webhook", "secret", CONF_STRING,
	    offsetof(struct daemon_conf, webhook_secret), NULL, 0, 0, NULL },
	{ "alerts.webhook", "headers", CONF_STRING,
	    offsetof(struct daemon_conf, webhook_headers), NULL, 0, 0, NULL },
	{ "alerts.webhook", "resolved", CONF_BOOL,
	    offsetof(struct daemon_conf, webhook_resolved), "yes",
	    0, 0, NULL },
	{ "alerts.webhook", "rate_limit", CONF_INT,
	    offsetof(struct daemon_conf, webhook_rate_limit), "60",
	    1, 6000, NULL },
	{ "alerts.webhook", "batch_window", CONF_DURATION,
	    offsetof(struct daemon_conf, webhook_batch_window), "0",
	    0, 3600, NULL },
	{ "alerts.webhook", "timeout", CONF_DURATION,
	    offsetof(struct daemon_conf, webhook_timeout), "10s",
	    1, 300, NULL },
	{ "alerts.webhook", "retry_min", CONF_DURATION,
	    offsetof(struct daemon_conf, webhook_retry_min), "10s",
	    1, 3600, NULL },
	{ "alerts.webhook", "ca_file", CONF_PATH,
	    offsetof(struct daemon_conf, webhook_ca_file), NULL, 0, 0, NULL },
	{ "alerts.slack", "url", CONF_URL,
	    offsetof(struct daemon_conf, slack_url), NULL, 0, 0, NULL },
	{ "alerts.slack", "resolved", CONF_BOOL,
	    offsetof(struct daemon_conf, slack_resolved), "yes", 0, 0, NULL },
	{ "alerts.slack", "rate_limit", CONF_INT,
	    offsetof(struct daemon_conf, slack_rate_limit), "60",
	    1, 6000, NULL },
	{ "alerts.slack", "timeout", CONF_DURATION,
	    offsetof(struct daemon_conf, slack_timeout), "10s", 1, 300, NULL },
	{ "alerts.slack", "retry_min", CONF_DURATION,
	    offsetof(struct daemon_conf, slack_retry_min), "10s",
	    1, 3600, NULL },
	{ "alerts.syslog", "enabled", CONF_BOOL,
	    offsetof(struct daemon_conf, syslog_enabled), "no", 0, 0, NULL },
	{ "alerts.syslog", "facility", CONF_ENUM,
	    offsetof(struct daemon_conf, syslog_facility), "authpriv",
	    0, 0, daemon_conf_facility_names },
	{ "alerts.syslog", "resolved", CONF_BOOL,
	    offsetof(struct daemon_conf, syslog_resolved), "yes", 0, 0, NULL },
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
daemon_conf_facility(int i)
{
	if (i < 0 || (size_t)i >= sizeof(facilities) / sizeof(facilities[0]))
		return LOG_AUTHPRIV;
	return facilities[i];
}

/* Headers Exhibit sets on every alert: not for the configuration. */
static const char *const reserved_headers[] = {
	"content-type", "content-length", "host", "idempotency-key",
	"x-exhibit-timestamp", "x-exhibit-signature", "transfer-encoding",
	"expect", "connection", NULL
};

int
daemon_conf_headers(const char *spec, char ***lines, size_t *n, char *err,
    size_t errlen)
{
	char	*copy, *part, *next, *colon, *name, *val, *end;
	size_t	 i;

	*lines = NULL;
	*n = 0;
	if (spec == NULL)
		return 0;
	copy = xstrdup(spec);
	for (part = copy; part != NULL; part = next) {
		if ((next = strchr(part, ';')) != NULL)
			*next++ = '\0';
		while (*part == ' ' || *part == '\t')
			part++;
		if (*part == '\0')
			continue;	/* "a: b;" ends with an empty part */
		if ((colon = strchr(part, ':')) == NULL) {
			snprintf(err, errlen, "header \"%.64s\" has no ':' "
			    "(expected Name: value; Name: value)", part);
			goto fail;
		}
		name = part;
		*colon = '\0';
		for (end = colon; end > name && (end[-1] == ' ' ||
		    end[-1] == '\t'); end--)
			end[-1] = '\0';
		if (*name == '\0') {
			snprintf(err, errlen, "a header has no name");
			goto fail;
		}
		/* RFC 9110 token characters, the ones names really use. */
		for (i = 0; name[i] != '\0'; i++) {
			if (!isalnum((unsigned char)name[i]) &&
			    strchr("!#$%&'*+-.^_`|~", name[i]) == NULL) {
				snprintf(err, errlen, "header name \"%.64s\" "
				    "is not an HTTP token", name);
				goto fail;
			}
		}
		for (i = 0; reserved_headers[i] != NULL; i++) {
			if (strcasecmp(name, reserved_headers[i]) == 0) {
				snprintf(err, errlen, "header %s is set by "
				    "exhibitd itself", name);
				goto fail;
			}
		}
		for (val = colon + 1; *val == ' ' || *val == '\t'; val++)
			;
		for (end = val + strlen(val); end > val && (end[-1] == ' ' ||
		    end[-1] == '\t'); end--)
			end[-1] = '\0';
		*lines = xreallocarray(*lines, *n + 1, sizeof(**lines));
		(*lines)[(*n)++] = xasprintf("%s: %s", name, val);
	}
	free(copy);
	return 0;
fail:
	free(copy);
	for (i = 0; i < *n; i++)
		free((*lines)[i]);
	free(*lines);
	*lines = NULL;
	*n = 0;
	return -1;
}

/* What one key alone cannot say: a webhook needs its secret. */
static int
daemon_conf_check(const char *path, struct daemon_conf *dc,
    struct conf_errors *errs)
{
	char	**lines, err[256];
	size_t	  i, n;
	int	  bad = 0;

	if (dc->webhook_url != NULL && dc->webhook_secret == NULL) {
		conf_errors_add(errs, "%s: [alerts.webhook] url is set but "
		    "secret is not: every webhook is signed (HMAC-SHA256), "
		    "set secret to a long random string", path);
		bad++;
	}
	if (dc->webhook_secret != NULL && strlen(dc->webhook_secret) < 16) {
		conf_errors_add(errs, "%s: [alerts.webhook] secret is too "
		    "short: at least 16 characters", path);
		bad++;
	}
	if (daemon_conf_headers(dc->webhook_headers, &lines, &n, err,
	    sizeof(err)) == -1) {
		conf_errors_add(errs, "%s: [alerts.webhook] headers: %s", path,
		    err);
		bad++;
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	if (dc->store_backend == STORE_POSTGRESQL &&
	    dc->store_connection == NULL) {
		conf_errors_add(errs, "%s: [store] backend is postgresql but "
		    "connection is not set (a libpq connection string, "
		    "\"host=... dbname=...\")", path);
		bad++;
	}
#ifndef HAVE_POSTGRESQL
	if (dc->store_backend == STORE_POSTGRESQL) {
		conf_errors_add(errs, "%s: [store] backend postgresql: this "
		    "exhibitd was built without PostgreSQL", path);
		bad++;
	}
#endif
	return bad;
}

void
daemon_conf_store(const struct daemon_conf *dc, const char *state_dir,
    struct store_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->backend = dc->store_backend == STORE_POSTGRESQL ?
	    STORE_POSTGRESQL : STORE_SQLITE;
	sc->state_dir = state_dir != NULL ? state_dir : dc->state_dir;
	sc->connection = dc->store_connection;
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
	/* Values whose syntax is richer than the key types; also after
	 * errors, so every problem shows at once. */
	if (dc->audit_schedule != NULL && schedule_parse(dc->audit_schedule,
	    &sc, err, sizeof(err)) == -1) {
		conf_errors_add(errs, "%s: [audits] schedule: %s", path, err);
		n++;
	}
	return n + daemon_conf_check(path, dc, errs);
}

void
daemon_conf_free(struct daemon_conf *dc)
{
	conf_free(daemon_conf_keys, NKEYS, dc);
}
