/*
 * The evidence document (schema "exhibit.evidence/1"): what every
 * collector found on one host at one moment.
 */
#ifndef EXHIBIT_EVIDENCE_H
#define EXHIBIT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct collector;
struct hostroot;

#define EVIDENCE_SCHEMA	"exhibit.evidence/1"

/* The table of collectors, in document order. */
const struct collector	*evidence_collectors(size_t *count);
const struct collector	*evidence_collector(const char *name);

/*
 * Collect a document from root, running the named sections only (all
 * when nonly is 0; host always).  Names must be valid (see
 * evidence_collector).  Returns the document as compact JSON text,
 * allocated: the bytes that get signed.  Each section is serialised as it
 * finishes and its tree freed, so memory holds one section's tree at a
 * time, not the whole document's.
 */
char	*evidence_collect(struct hostroot *, const char *const *only,
	    size_t nonly);

/* "sha256:" and 64 hex digits, NUL. */
#define EVIDENCE_DIGEST_LEN	(7 + 64 + 1)

/*
 * What an enrolled agent adds to a document: its id and the seq, and the
 * sections the daemon already holds.  A section whose digest acked()
 * confirms is sent as a reference {"digest","unchanged_since"}; every
 * full section is handed to full() first, so that the caller can cache
 * it and expand a refused reference later.  nfull and nrefs are set by
 * evidence_build().
 */
struct evidence_head {
	const char	*agent_id;	/* NULL: no agent_id, no seq */
	uint64_t	 seq;
	int		(*acked)(void *arg, const char *section,
			    const char *digest, uint64_t *since);
	void		(*full)(void *arg, const char *section,
			    const char *digest, const char *text);
	void		*arg;
	size_t		 nfull, nrefs;	/* out */
};

/* evidence_collect() with a head (NULL: the same as evidence_collect). */
char	*evidence_build(struct hostroot *, const char *const *only,
	    size_t nonly, struct evidence_head *);

/*
 * The document (NUL-terminated) with every reference replaced by the full section that
 * lookup() returns for its digest (allocated, NULL when unknown); every
 * other byte is kept, so the result is the document that would have been
 * built without references.  NULL with a sentence in err when a section
 * is missing or does not hash to its digest.
 */
char	*evidence_expand(const char *doc, size_t len,
	    char *(*lookup)(void *arg, const char *digest), void *arg,
	    char *err, size_t errlen);

/*
 * Call fn for each section of a document with its digest and the seq
 * since which it is unchanged: its unchanged_since for a reference, the
 * document's seq for a full section.  Returns the number of sections and
 * *seq, or -1 with a sentence in err when doc is no evidence document
 * with a seq.
 */
int	evidence_sections(const char *doc, size_t len, uint64_t *seq,
	    void (*fn)(void *arg, const char *section, const char *digest,
	    uint64_t since), void *arg, char *err, size_t errlen);

#endif
