/*
 * Draining the spool to exhibitd, oldest envelope first.  An envelope
 * leaves the spool only when the daemon's receipt names its exact bytes,
 * or, refused for good, into the rejected directory: never silently.
 */
#ifndef EXHIBIT_PUSH_H
#define EXHIBIT_PUSH_H

#include <stddef.h>

#include <json-c/json.h>
#include <openssl/evp.h>

struct agent_state;
struct client;
struct spool;

enum push_status {
	PUSH_DONE,	/* the spool is empty */
	PUSH_RETRY,	/* network, busy, or a doubtful answer: later */
	PUSH_STOP,	/* revoked, unknown or unauthenticated: a person */
};

struct push_ctx {
	struct agent_state	*st;
	struct spool		*sp;
	struct client		*cl;
	EVP_PKEY		*key;
	const char		*rejected_dir;
	size_t			 sent, rejected;	/* out */
};

enum push_status push_drain(struct push_ctx *);

/* Whether a receipt's digest is "sha256:" and the hex SHA-256 of env. */
int	push_receipt_ok(struct json_object *receipt, const void *env,
	    size_t len);

#endif
