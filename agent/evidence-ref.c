/*
 * References in evidence documents: reading which sections a document
 * holds, and expanding references back into full sections when the
 * daemon does not hold what one points to (unknown_reference).  The
 * expansion edits the text, not a parsed tree, so every other byte of the
 * signed document stays as it was.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "evidence.h"
#include "jsonutil.h"
#include "xmalloc.h"

#include <json-c/printbuf.h>

static int
evidence_digest_ok(const char *d)
{
	size_t	i;

	if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != 7 + 64)
		return 0;
	for (i = 7; d[i] != '\0'; i++) {
		if (strchr("0123456789abcdef", d[i]) == NULL)
			return 0;
	}
	return 1;
}

int
evidence_sections(const char *doc, size_t len, uint64_t *seq,
    void (*fn)(void *, const char *, const char *, uint64_t), void *arg,
    char *err, size_t errlen)
{
	struct json_object	*o, *sections;
	const char		*digest;
	int64_t			 v, since;
	int			 n = 0;

	if ((o = jsonutil_parse(doc, len, err, errlen)) == NULL)
		return -1;
	if (jsonutil_get_int64(o, "seq", &v) == -1 || v < 1) {
		snprintf(err, errlen, "the document has no seq");
		goto fail;
	}
	if (jsonutil_get_object(o, "sections", &sections) == -1) {
		snprintf(err, errlen, "the document has no sections");
		goto fail;
	}
	json_object_object_foreach(sections, name, sec) {
		if (jsonutil_get_string(sec, "digest", &digest) == -1 ||
		    !evidence_digest_ok(digest)) {
			snprintf(err, errlen, "section %s has no valid digest",
			    name);
			goto fail;
		}
		if (jsonutil_get_int64(sec, "unchanged_since", &since) == -1)
			since = v;
		else if (since < 1 || since > v) {
			snprintf(err, errlen, "section %s: bad unchanged_since",
			    name);
			goto fail;
		}
		if (fn != NULL)
			fn(arg, name, digest, (uint64_t)since);
		n++;
	}
	json_object_put(o);
	*seq = (uint64_t)v;
	return n;
fail:
	json_object_put(o);
	return -1;
}

/* Whether text is a full section that hashes to digest: the bytes after
 * "digest":"...", are what the digest covers. */
static int
evidence_section_matches(const char *text, const char *digest)
{
	char	 hex[DIGEST_SHA256_HEXLEN], *prefix, *hashed;
	size_t	 plen;
	int	 ok;

	prefix = xasprintf("{\"digest\":\"%s\",", digest);
	plen = strlen(prefix);
	if (strncmp(text, prefix, plen) != 0) {
		free(prefix);
		return 0;
	}
	free(prefix);
	hashed = xasprintf("{%s", text + plen);
	digest_sha256_hex(hashed, strlen(hashed), hex);
	ok = strcmp(hex, digest + 7) == 0;
	free(hashed);
	return ok;
}

char *
evidence_expand(const char *doc, size_t len,
    char *(*lookup)(void *, const char *), void *arg, char *err,
    size_t errlen)
{
	struct json_object	*o, *sections;
	struct printbuf		*pb;
	const char		*digest, *pos, *at;
	char			*ref, *full, *out;
	int64_t			 since;

	if ((o = jsonutil_parse(doc, len, err, errlen)) == NULL)
		return NULL;
	if (jsonutil_get_object(o, "sections", &sections) == -1) {
		snprintf(err, errlen, "the document has no sections");
		json_object_put(o);
		return NULL;
	}
	/* References are found in document order after "sections":{, as
	 * the exact text evidence_build() wrote; quotes inside strings are
	 * escaped, so that text cannot appear inside a value. */
	if ((pos = strstr(doc, "\"sections\":{")) == NULL) {
		snprintf(err, errlen, "the document is not compact JSON");
		json_object_put(o);
		return NULL;
	}
	pb = printbuf_new();
	printbuf_memappend(pb, doc, (int)(pos - doc));
	json_object_object_foreach(sections, name, sec) {
		if (jsonutil_get_int64(sec, "unchanged_since", &since) == -1)
			continue;
		if (jsonutil_get_string(sec, "digest", &digest) == -1 ||
		    !evidence_digest_ok(digest)) {
			snprintf(err, errlen, "section %s has no valid digest",
			    name);
			goto fail;
		}
		ref = xasprintf("\"%s\":{\"digest\":\"%s\","
		    "\"unchanged_since\":%" PRId64 "}", name, digest, since);
		if ((at = strstr(pos, ref)) == NULL) {
			snprintf(err, errlen, "section %s: reference not in "
			    "the form this agent writes", name);
			free(ref);
			goto fail;
		}
		if ((full = lookup(arg, digest)) == NULL ||
		    !evidence_section_matches(full, digest)) {
			snprintf(err, errlen, "section %s: %s %s", name,
			    full == NULL ? "no cached section for" :
			    "the cached section does not hash to", digest);
			free(full);
			free(ref);
			goto fail;
		}
		printbuf_memappend(pb, pos, (int)(at - pos));
		sprintbuf(pb, "\"%s\":", name);
		printbuf_memappend(pb, full, (int)strlen(full));
		pos = at + strlen(ref);
		free(full);
		free(ref);
	}
	printbuf_memappend(pb, pos, (int)(doc + len - pos));
	out = xstrndup(pb->buf, (size_t)pb->bpos);
	printbuf_free(pb);
	json_object_put(o);
	return out;
fail:
	printbuf_free(pb);
	json_object_put(o);
	return NULL;
}
