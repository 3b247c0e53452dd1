/*
 * Evidence ingest, apart from HTTP: one envelope from an authenticated
 * agent in, a receipt or a refusal out.  A refusal changes no stored
 * evidence (a security event may be recorded).  Writes join the store's
 * open batch; the caller acknowledges only once the batch is durable.
 */
#ifndef EXHIBIT_INGEST_H
#define EXHIBIT_INGEST_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

#include "store.h"

struct ingest_result {
	int			 status;	/* HTTP status: 200, 201, ... */
	const char		*error;		/* stable code; NULL on success */
	char			 message[320];
	struct store_receipt	 receipt;
};

/* Enrolled agents' public keys, parsed once and kept between requests:
 * decoding a PEM key costs more than checking a signature with it. */
struct ingest_keys;
struct ingest_keys	*ingest_keys_new(void);
void			 ingest_keys_free(struct ingest_keys *);

/*
 * The two halves of ingest.  ingest_check() needs no store and no shared
 * state, so worker threads run it: signature, payload, schema, section
 * digests.  ingest_store() runs on the store's thread: replay rules,
 * clock skew, references, and the write.  A NULL from ingest_check is a
 * refusal in r; pass it to ingest_note_refusal() for security events.
 * The envelope (body) must outlive the document.
 */
struct ingest_doc;
struct ingest_doc	*ingest_check(EVP_PKEY *key, const char *keyid,
			    const char *agent_id, const char *body, size_t len,
			    struct ingest_result *);
void			 ingest_store(struct store *, const char *agent_id,
			    struct ingest_doc *, time_t now, long long max_skew,
			    const char *peer, struct ingest_result *);
void			 ingest_doc_free(struct ingest_doc *);
void			 ingest_note_refusal(struct store *,
			    const char *agent_id, const struct ingest_result *,
			    time_t now, const char *peer);

/* The agent's public key (a new reference) from the cache, or NULL with
 * a 503 refusal in r. */
EVP_PKEY		*ingest_agent_key(struct ingest_keys *,
			    const struct store_agent *, struct ingest_result *);

/*
 * Both halves in one go: check and store one envelope (body, len) sent by agent, at now;
 * max_skew bounds collected_at in the future.  peer names the client in
 * security events.  keys may be NULL (the key is parsed every time).
 */
void	ingest_evidence(struct store *, struct ingest_keys *,
	    const struct store_agent *agent, const char *body, size_t len,
	    time_t now, long long max_skew, const char *peer,
	    struct ingest_result *);

#endif
