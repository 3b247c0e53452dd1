/*
 * Evidence ingest, apart from HTTP: one envelope from an authenticated
 * agent in, a receipt or a refusal out.  A refusal changes no stored
 * evidence (a security event may be recorded).  Writes join the store's
 * open batch; the caller acknowledges only after the batch commits.
 */
#ifndef EXHIBIT_INGEST_H
#define EXHIBIT_INGEST_H

#include <stddef.h>
#include <time.h>

#include "store.h"

struct ingest_result {
	int			 status;	/* HTTP status: 200, 201, ... */
	const char		*error;		/* stable code; NULL on success */
	char			 message[320];
	struct store_receipt	 receipt;
};

/*
 * Check and store one envelope (body, len) sent by agent, at now;
 * max_skew bounds collected_at in the future.  peer names the client in
 * security events.
 */
void	ingest_evidence(struct store *, const struct store_agent *agent,
	    const char *body, size_t len, time_t now, long long max_skew,
	    const char *peer, struct ingest_result *);

#endif
