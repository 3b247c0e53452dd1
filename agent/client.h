/*
 * The agent's HTTPS client for exhibitd (libcurl): TLS 1.2 at least, the
 * daemon's CA as the only trust anchor, the agent's certificate for
 * mutual TLS.  One handle is reused, so pushes share a connection.
 */
#ifndef EXHIBIT_CLIENT_H
#define EXHIBIT_CLIENT_H

#include <stddef.h>

#include <json-c/json.h>

struct client;

struct client_opts {
	const char	*server;	/* "https://host[:port]" */
	const char	*cafile;	/* the only CA trusted */
	const char	*cadir;		/* an empty-of-hashes directory: no
					   system CA path is consulted */
	const char	*certfile;	/* NULL: no client certificate */
	const char	*keyfile;
	long		 connect_timeout, timeout;	/* seconds */
};

struct client_response {
	long			 status;	/* HTTP status */
	char			*body;
	size_t			 len;
	struct json_object	*json;		/* NULL unless a JSON object */
	const char		*error;		/* refusal code, or "" */
	const char		*message;	/* refusal sentence, or "" */
};

/* NULL with a sentence in err (a server that is not https://...). */
struct client	*client_new(const struct client_opts *, char *err,
		    size_t errlen);
void		 client_free(struct client *);

/*
 * One request: method "GET" or "POST" (body and ctype for POST).  0 when
 * the daemon answered, whatever the status; -1 with a sentence in err
 * when it did not (connection, TLS, timeout).
 */
int		 client_request(struct client *, const char *method,
		    const char *path, const char *ctype, const void *body,
		    size_t len, struct client_response *, char *err,
		    size_t errlen);
void		 client_response_free(struct client_response *);

/*
 * GET /v1/ca without verifying the server, then check that the CA
 * certificate it returns has the fingerprint the operator gave
 * ("sha256:<hex>", either case).  0 and *pem allocated, or -1 with a
 * sentence in err.  Nothing secret is sent over this unverified link.
 */
int		 client_fetch_ca(const char *server, const char *fingerprint,
		    long timeout, char **pem, char *err, size_t errlen);

/* Whether a refusal carries this code. */
int		 client_refused(const struct client_response *, long status,
		    const char *code);

#endif
