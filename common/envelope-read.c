/*
 * An envelope's members out of its text.  json-c spends most of its time
 * on an envelope copying and checking the payload's base64 into a string
 * object; the one-pass reader only finds where that string starts and
 * ends.  It takes nothing json-c would read differently: a text it does
 * not read whole (escapes, other members, a member twice, anything after
 * the object) goes to json-c, which decides.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "envelope-read.h"
#include "jsonutil.h"

int
envelope_span_is(const struct envelope_span *s, const char *want)
{
	size_t	n = strlen(want);

	return s->len == n && memcmp(s->p, want, n) == 0;
}

/* A string of printable ASCII without escapes: its bytes in s, and what
 * follows its closing quote; NULL for any other. */
static const char *
simple_string(const char *p, const char *end, struct envelope_span *s)
{
	const char	*q, *r;
	unsigned	 bad = 0;

	if (p == end || *p != '"')
		return NULL;
	p++;
	if ((q = memchr(p, '"', (size_t)(end - p))) == NULL)
		return NULL;
	for (r = p; r < q; r++)
		bad |= ((unsigned)(unsigned char)*r - 0x20u > 0x5eu) |
		    (*r == '\\');
	if (bad)
		return NULL;
	s->p = p;
	s->len = (size_t)(q - p);
	return q + 1;
}

/* A member's key, and past the colon after it. */
static const char *
simple_key(const char *p, const char *end, struct envelope_span *key)
{
	if ((p = simple_string(jsonutil_skip_ws(p, end), end, key)) == NULL)
		return NULL;
	p = jsonutil_skip_ws(p, end);
	if (p == end || *p != ':')
		return NULL;
	return jsonutil_skip_ws(p + 1, end);
}

/* After a member or element: 1 past a comma, 0 past close, -1 else. */
static int
simple_next(const char **pp, const char *end, char close)
{
	const char	*p = jsonutil_skip_ws(*pp, end);

	if (p == end || (*p != ',' && *p != close))
		return -1;
	*pp = p + 1;
	return *p == ',';
}

static const char *
simple_sig(const char *p, const char *end, struct envelope_sig *s)
{
	struct envelope_span	 key;
	int			 more;

	p = jsonutil_skip_ws(p, end);
	if (p == end || *p++ != '{')
		return NULL;
	do {
		if ((p = simple_key(p, end, &key)) == NULL)
			return NULL;
		if (envelope_span_is(&key, "keyid") && !s->has_keyid) {
			p = simple_string(p, end, &s->keyid);
			s->has_keyid = 1;
		} else if (envelope_span_is(&key, "sig") && !s->has_sig) {
			p = simple_string(p, end, &s->sig);
			s->has_sig = 1;
		} else
			return NULL;
		if (p == NULL || (more = simple_next(&p, end, '}')) == -1)
			return NULL;
	} while (more);
	return s->has_keyid && s->has_sig ? p : NULL;
}

static const char *
simple_sigs(const char *p, const char *end, struct envelope_fields *f)
{
	int	more;

	if (p == end || *p++ != '[')
		return NULL;
	do {
		if (f->nsigs == ENVELOPE_MAX_SIGNATURES ||
		    (p = simple_sig(p, end, &f->sigs[f->nsigs])) == NULL ||
		    (more = simple_next(&p, end, ']')) == -1)
			return NULL;
		f->nsigs++;
	} while (more);
	f->has_sigs = 1;
	return p;
}

int
envelope_read_simple(const char *text, size_t len, struct envelope_fields *f)
{
	struct envelope_fields	 r;
	struct envelope_span	 key;
	const char		*p, *end = text + len;
	int			 more;

	memset(&r, 0, sizeof(r));
	p = jsonutil_skip_ws(text, end);
	if (p == end || *p++ != '{')
		return -1;
	do {
		if ((p = simple_key(p, end, &key)) == NULL)
			return -1;
		if (envelope_span_is(&key, "payloadType") && !r.has_type) {
			p = simple_string(p, end, &r.type);
			r.has_type = 1;
		} else if (envelope_span_is(&key, "payload") &&
		    !r.has_payload) {
			p = simple_string(p, end, &r.payload);
			r.has_payload = 1;
		} else if (envelope_span_is(&key, "signatures") &&
		    !r.has_sigs)
			p = simple_sigs(p, end, &r);
		else
			return -1;
		if (p == NULL || (more = simple_next(&p, end, '}')) == -1)
			return -1;
	} while (more);
	if (!r.has_type || !r.has_payload || !r.has_sigs ||
	    jsonutil_skip_ws(p, end) != end)
		return -1;
	*f = r;
	return 0;
}

/* 1 with the string member key of obj in s, else 0. */
static int
json_member(struct json_object *obj, const char *key,
    struct envelope_span *s)
{
	struct json_object	*v;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return 0;
	s->p = json_object_get_string(v);
	s->len = (size_t)json_object_get_string_len(v);
	return 1;
}

int
envelope_read_json(const char *text, size_t len, struct envelope_fields *f,
    char *err, size_t errlen)
{
	struct json_object	*sigs, *s;
	char			 jerr[128];
	size_t			 i;

	memset(f, 0, sizeof(*f));
	if ((f->json = jsonutil_parse(text, len, jerr, sizeof(jerr))) ==
	    NULL) {
		snprintf(err, errlen, "envelope is not valid JSON: %s", jerr);
		return -1;
	}
	f->has_type = json_member(f->json, "payloadType", &f->type);
	f->has_payload = json_member(f->json, "payload", &f->payload);
	if (jsonutil_get_array(f->json, "signatures", &sigs) == -1)
		return 0;
	f->has_sigs = 1;
	f->nsigs = json_object_array_length(sigs);
	for (i = 0; i < f->nsigs && i < ENVELOPE_MAX_SIGNATURES; i++) {
		s = json_object_array_get_idx(sigs, i);
		f->sigs[i].has_keyid = json_member(s, "keyid",
		    &f->sigs[i].keyid);
		f->sigs[i].has_sig = json_member(s, "sig", &f->sigs[i].sig);
	}
	return 0;
}

int
envelope_read(const char *text, size_t len, struct envelope_fields *f,
    char *err, size_t errlen)
{
	if (envelope_read_simple(text, len, f) == 0)
		return 0;
	return envelope_read_json(text, len, f, err, errlen);
}

void
envelope_read_clear(struct envelope_fields *f)
{
	if (f->json != NULL)
		json_object_put(f->json);
	f->json = NULL;
}
