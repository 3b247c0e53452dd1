/*
 * Rebuilding a stored document.  The envelope's signature was checked
 * when it arrived and its bytes have not changed since (the ledger
 * vouches for that), so the payload is decoded without checking again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "envelope.h"
#include "evidence-doc.h"
#include "jsonutil.h"
#include "store.h"

struct json_object *
evidence_doc(const struct store_doc *d, char *err, size_t errlen)
{
	struct json_object	*doc, *sections, *sec;
	unsigned char		*payload;
	size_t			 plen, i;
	char			 jerr[128];

	if (envelope_payload_unverified(d->envelope, d->envelope_len,
	    &payload, &plen, err, errlen) == -1)
		return NULL;
	doc = jsonutil_parse((const char *)payload, plen, jerr, sizeof(jerr));
	free(payload);
	if (doc == NULL) {
		snprintf(err, errlen, "evidence %lld: payload: %s",
		    (long long)d->evidence_id, jerr);
		return NULL;
	}
	if (jsonutil_get_object(doc, "sections", &sections) == -1) {
		snprintf(err, errlen, "evidence %lld: no sections",
		    (long long)d->evidence_id);
		json_object_put(doc);
		return NULL;
	}
	for (i = 0; i < d->nrefs; i++) {
		sec = jsonutil_parse(d->refs[i].body, d->refs[i].len, jerr,
		    sizeof(jerr));
		if (sec == NULL) {
			snprintf(err, errlen, "evidence %lld: stored section "
			    "%s: %s", (long long)d->evidence_id,
			    d->refs[i].name, jerr);
			json_object_put(doc);
			return NULL;
		}
		/* Stored bodies leave the digest out: it is their key. */
		jsonutil_set_string(sec, "digest", d->refs[i].digest);
		jsonutil_set(sections, d->refs[i].name, sec);
	}
	return doc;
}
