/*
 * The evidence document (schema "exhibit.evidence/1"): what every
 * collector found on one host at one moment.
 */
#ifndef EXHIBIT_EVIDENCE_H
#define EXHIBIT_EVIDENCE_H

#include <stddef.h>

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

#endif
