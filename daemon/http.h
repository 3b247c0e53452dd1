/*
 * What route handlers share: the request being served, JSON replies and
 * refusals (each logged once with agent and peer), client certificate
 * checks, and replies deferred until the store's batch is durable.
 */
#ifndef EXHIBIT_HTTP_H
#define EXHIBIT_HTTP_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "store.h"

struct daemon_conf;
struct drift;
struct evhttp_request;
struct findings;
struct ingest_keys;
struct ledger;
struct ruleset;
struct server;

struct http_req {
	struct server		*srv;
	struct evhttp_request	*req;
	struct store		*store;
	struct ingest_keys	*keys;
	const struct daemon_conf *conf;
	X509			*ca;
	EVP_PKEY		*cakey;
	SSL			*ssl;
	struct findings		*findings;
	struct drift		*drift;
	struct ledger		*ledger;
	const struct ruleset	*rules;		/* in force */
	const char		*route;
	int			 method;	/* EVHTTP_REQ_* */
	const char		*param;		/* "/v1/hosts/{param}" */
	char			 peer[64];	/* "address:port" */
	struct store_agent	 agent;		/* after http_agent_auth() */
	int			 have_agent;
	struct store_token	 person;	/* a person's bearer token */
	int			 have_person;
	const char		*body;		/* NUL-terminated */
	size_t			 len;
	time_t			 now;
	double			 started;	/* metrics_now() at dispatch */
};

/* Reply now; body is consumed. */
void	http_reply(struct http_req *, int status, struct json_object *body);

/* Refuse: {"error": code, "message": ...}, logged once. */
void	http_refuse(struct http_req *, int status, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Join the store's open batch (opening one) for writes whose reply must
 * wait: 0, or -1 after refusing with 503. */
int	http_batch(struct http_req *);

/* Reply once the batch holding this request's writes is durable (503 if
 * the commit fails).  body is consumed. */
void	http_reply_durable(struct http_req *, int status,
	    struct json_object *body);

/* A document stored in the open batch: judged once the batch commits. */
void	http_stored(struct http_req *, int64_t evidence_id);

/* Run work(arg) on a worker thread, then done(arg) back on the loop; the
 * daemon drains these before it stops. */
void	http_submit(struct http_req *, void (*work)(void *),
	    void (*done)(void *), void *arg);

/* The request's client certificate names an enrolled, unrevoked agent:
 * 0 with hr->agent filled, else -1 after refusing (401 or 403). */
int	http_agent_auth(struct http_req *);

/* People's roles, for http_person_auth(): any person's token reads;
 * security and admin respond to drift; admin changes the rest. */
#define HTTP_READERS	(STORE_ROLE_BIT(ROLE_ADMIN) | \
			    STORE_ROLE_BIT(ROLE_SECURITY) | \
			    STORE_ROLE_BIT(ROLE_AUDITOR))
#define HTTP_ADMINS	STORE_ROLE_BIT(ROLE_ADMIN)
#define HTTP_RESPONDERS	(STORE_ROLE_BIT(ROLE_ADMIN) | \
			    STORE_ROLE_BIT(ROLE_SECURITY))

/* 0 with hr->person set when the bearer token may act here (its role one
 * of roles, STORE_ROLE_BIT()s or'ed), else -1 after refusing (401, 403). */
int	http_person_auth(struct http_req *, unsigned roles);

/* The query's parameters into q (evhttp_clear_headers() it), each of
 * them one of known (NULL-terminated): 0, or -1 after refusing. */
struct evkeyvalq;
int	http_query(struct http_req *, const char *const *known,
	    struct evkeyvalq *q);

/* The body as JSON; NULL after refusing with 400 bad_request. */
struct json_object *http_json_body(struct http_req *);

/*
 * The daemon's metrics (http-metrics.c): the registry with what the
 * server counts as it goes; the rest is read from the store at scrape
 * time.  Loop thread only.
 */
struct daemon_metrics;
struct daemon_metrics *daemon_metrics_new(void);
void	daemon_metrics_free(struct daemon_metrics *);
/* A reply went out (http_reply()): counted for POST /v1/evidence. */
void	daemon_metrics_replied(struct daemon_metrics *, const char *route,
	    int status, double started);
/* A batch committed in seconds (its fsync included), storing n
 * documents. */
void	daemon_metrics_commit(struct daemon_metrics *, double seconds,
	    size_t n);
/* server.c's, for the routes. */
struct daemon_metrics *server_metrics(struct server *);
int	server_draining(struct server *);

/* Routes. */
void	http_healthz(struct http_req *);
void	http_readyz(struct http_req *);
void	http_metrics(struct http_req *);
void	http_ca(struct http_req *);
void	http_enroll(struct http_req *);
void	http_renew(struct http_req *);
void	http_evidence(struct http_req *);
void	http_hosts(struct http_req *);
void	http_host(struct http_req *);
void	http_findings(struct http_req *);
void	http_controls(struct http_req *);
void	http_waivers(struct http_req *);
void	http_waiver(struct http_req *);
void	http_drift(struct http_req *);
void	http_drift_item(struct http_req *);
void	http_audits(struct http_req *);
void	http_alerts_outbox(struct http_req *);
void	http_ledger_checkpoint(struct http_req *);
void	http_ledger_inclusion(struct http_req *);
void	http_ledger_consistency(struct http_req *);
void	http_export(struct http_req *);
/* Remove bundles a daemon stopped mid-export left in state_dir. */
void	http_export_cleanup(const char *state_dir);

#endif
