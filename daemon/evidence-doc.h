/*
 * Stored evidence as the rules judge it: the document an envelope
 * carried, with every section it sent as a reference replaced by the
 * stored section it names.
 */
#ifndef EXHIBIT_EVIDENCE_DOC_H
#define EXHIBIT_EVIDENCE_DOC_H

#include <stddef.h>

struct json_object;
struct store_doc;

/* The whole document, or NULL with a sentence in err. */
struct json_object *evidence_doc(const struct store_doc *, char *err,
		    size_t errlen);

#endif
