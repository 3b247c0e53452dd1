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
 * when nonly is 0).  Names must be valid (see evidence_collector).
 */
struct json_object	*evidence_collect(struct hostroot *,
			    const char *const *only, size_t nonly);

#endif
