/*
 * One turn of the signed pipeline's first half: collect a document with
 * the next seq (references for what the daemon holds), store the seq
 * durably, sign, and spool.
 */
#ifndef EXHIBIT_PIPELINE_H
#define EXHIBIT_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct agent_state;
struct hostroot;
struct spool;

struct pipeline_result {
	uint64_t	 seq;		/* 0 when nothing was signed */
	size_t		 nfull, nrefs;
	int		 spooled;
	char		*envelope;	/* allocated; NULL when not signed */
};

/*
 * Build, sign and (sp not NULL) spool one envelope.  When the spool
 * holds max_size bytes or more, only a document whose every section is
 * a reference is signed and spooled; a larger one is dropped before it
 * takes a seq, and logged: evidence already spooled is never deleted.
 * 0 (see res), or -1 on failure (logged).
 */
int	pipeline_produce(struct agent_state *, struct hostroot *, EVP_PKEY *,
	    struct spool *sp, uint64_t max_size, struct pipeline_result *res);
void	pipeline_result_free(struct pipeline_result *);

#endif
