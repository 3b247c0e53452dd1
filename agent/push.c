/*
 * One POST per spooled envelope over the client's kept-alive connection.
 * What each refusal means for the envelope follows doc/protocol.md.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-state.h"
#include "client.h"
#include "digest.h"
#include "envelope.h"
#include "evidence.h"
#include "jsonutil.h"
#include "log.h"
#include "push.h"
#include "sdnotify.h"
#include "spool.h"
#include "timefmt.h"
#include "xmalloc.h"

#define PUSH_CTYPE	"application/vnd.dsse.envelope+json"

int
push_receipt_ok(struct json_object *receipt, const void *env, size_t len)
{
	const char	*d;
	char		 hex[DIGEST_SHA256_HEXLEN];

	if (receipt == NULL || jsonutil_get_string(receipt, "digest", &d) == -1)
		return 0;
	digest_sha256_hex(env, len, hex);
	return strncmp(d, "sha256:", 7) == 0 && strcmp(d + 7, hex) == 0;
}

/* The document inside one of our own envelopes. */
static char *
push_payload(struct push_ctx *px, const char *env, size_t len, size_t *plen)
{
	unsigned char	*payload;
	char		 err[256];

	if (envelope_verify(env, len, px->key, ENVELOPE_EVIDENCE_TYPE,
	    &payload, plen, err, sizeof(err)) != ENVELOPE_OK) {
		log_warnx("push: a spooled envelope does not verify with this "
		    "agent's key: %s", err);
		return NULL;
	}
	return (char *)payload;
}

static void
push_result(struct push_ctx *px, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
push_result(struct push_ctx *px, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (agent_state_set_push(px->st, timefmt_now(), buf) == -1)
		log_warn("push: recording the result");
}

/* Acknowledged: remember its sections, then let it go. */
static int
push_acknowledged(struct push_ctx *px, uint64_t seq, const char *env,
    size_t len)
{
	char	*payload, err[256];
	size_t	 plen;

	if ((payload = push_payload(px, env, len, &plen)) != NULL) {
		if (agent_state_ack(px->st, payload, plen, err,
		    sizeof(err)) == -1)
			log_warnx("push: seq %" PRIu64 ": recording the "
			    "acknowledged sections: %s", seq, err);
		free(payload);
	}
	if (spool_remove(px->sp, seq) == -1) {
		log_warn("push: removing seq %" PRIu64 " from the spool", seq);
		return -1;
	}
	px->sent++;
	if (spool_count(px->sp) == 0 &&
	    agent_state_cache_prune(px->st) == -1)
		log_warn("push: pruning the section cache");
	return 0;
}

/* unknown_reference: the same document in full, the same seq. */
static int
push_expand(struct push_ctx *px, uint64_t seq, const char *env, size_t len)
{
	char	*payload, *full, *signed_env, err[256];
	size_t	 plen;
	int	 rc;

	if ((payload = push_payload(px, env, len, &plen)) == NULL)
		return -1;
	full = evidence_expand(payload, plen, agent_state_cache_get, px->st,
	    err, sizeof(err));
	free(payload);
	if (full == NULL) {
		log_warnx("push: seq %" PRIu64 ": cannot expand its references: "
		    "%s", seq, err);
		return -1;
	}
	signed_env = envelope_sign(px->key, ENVELOPE_EVIDENCE_TYPE, full,
	    strlen(full));
	free(full);
	rc = spool_replace(px->sp, seq, signed_env, strlen(signed_env));
	if (rc == -1)
		log_warn("push: seq %" PRIu64 ": replacing the spooled "
		    "envelope", seq);
	free(signed_env);
	return rc;
}

static void
push_reject(struct push_ctx *px, uint64_t seq, const struct client_response *r)
{
	if (spool_move(px->sp, seq, px->rejected_dir) == -1) {
		log_warn("push: seq %" PRIu64 ": moving it to %s", seq,
		    px->rejected_dir);
		return;
	}
	px->rejected++;
	/* Loud: refused evidence is a gap the auditor will ask about. */
	log_warnx("push: exhibitd REFUSED seq %" PRIu64 " for good (%ld %s: "
	    "%s); the envelope is kept in %s", seq, r->status, r->error,
	    r->message, px->rejected_dir);
}

static int
push_permanent(const struct client_response *r)
{
	return client_refused(r, 400, "schema") ||
	    client_refused(r, 400, "bad_envelope") ||
	    client_refused(r, 409, "seq_conflict") ||
	    client_refused(r, 401, "bad_signature") ||
	    client_refused(r, 403, "key_mismatch") ||
	    client_refused(r, 413, "too_large");
}

enum push_status
push_drain(struct push_ctx *px)
{
	struct client_response	 r;
	enum push_status	 status;
	uint64_t		 seq, expanded = 0;
	char			*env, err[512];
	size_t			 len;
	int			 rc;

	px->sent = px->rejected = 0;
	for (;;) {
		/* A long spool takes a while: systemd's watchdog (Type=notify
		 * service) must not take that for a hang. */
		(void)sdnotify_watchdog_kick();
		if ((rc = spool_oldest(px->sp, &seq, &env, &len)) == 1) {
			push_result(px, "ok");
			return PUSH_DONE;
		}
		if (rc == -1) {
			push_result(px, "spool unreadable");
			return PUSH_RETRY;
		}
		if (client_request(px->cl, "POST", "/v1/evidence", PUSH_CTYPE,
		    env, len, &r, err, sizeof(err)) == -1) {
			log_warnx("push: seq %" PRIu64 ": %s", seq, err);
			push_result(px, "no answer: %s", err);
			free(env);
			return PUSH_RETRY;
		}
		if (r.status == 200 || r.status == 201) {
			if (!push_receipt_ok(r.json, env, len)) {
				/* Not proof that our bytes were stored. */
				log_warnx("push: seq %" PRIu64 ": the receipt "
				    "does not name the envelope sent; kept",
				    seq);
				push_result(px, "receipt mismatch");
				status = PUSH_RETRY;
				goto stop;
			}
			log_debug("push: seq %" PRIu64 " stored", seq);
			if (push_acknowledged(px, seq, env, len) == -1) {
				push_result(px, "spool error");
				status = PUSH_RETRY;
				goto stop;
			}
		} else if (client_refused(&r, 400, "unknown_reference") &&
		    expanded != seq) {
			log_info("push: seq %" PRIu64 ": exhibitd lacks a "
			    "referenced section; resending it in full", seq);
			if (push_expand(px, seq, env, len) == -1)
				push_reject(px, seq, &r);
			expanded = seq;
		} else if (push_permanent(&r) ||
		    client_refused(&r, 400, "unknown_reference")) {
			push_reject(px, seq, &r);
		} else if (client_refused(&r, 403, "agent_revoked") ||
		    client_refused(&r, 403, "unknown_agent") ||
		    r.status == 401 || r.status == 403 || r.status == 415) {
			log_warnx("push: exhibitd refuses this agent (%ld %s: "
			    "%s); pushing stops until a person acts (see "
			    "exhibit-agent enroll --force)", r.status,
			    r.error, r.message);
			push_result(px, "refused: %s", r.error[0] ? r.error :
			    "?");
			status = PUSH_STOP;
			goto stop;
		} else {
			/* busy, clock_skew, 5xx, anything unexpected. */
			log_warnx("push: seq %" PRIu64 ": %ld %s%s%s; retrying "
			    "later", seq, r.status, r.error, r.message[0] ?
			    ": " : "", r.message);
			push_result(px, "retry: %ld %s", r.status, r.error);
			status = PUSH_RETRY;
			goto stop;
		}
		client_response_free(&r);
		free(env);
	}
stop:
	client_response_free(&r);
	free(env);
	return status;
}
