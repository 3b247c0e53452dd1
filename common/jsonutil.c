/*
 * json-c helpers.  Parsing untrusted bytes is strict (RFC 8259 grammar,
 * valid UTF-8, bounded nesting, nothing after the value) because what we
 * accept from agents becomes audit evidence.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "timefmt.h"
#include "log.h"
#include "xmalloc.h"

/*
 * What json-c lets through that we must not: it stops at a NUL byte,
 * takes single-quoted strings, NaN and Infinity even in strict mode, and
 * saturates integers
 * that do not fit in 64 bits (so a forged "seq" would silently become
 * INT64_MAX).  One lexical pass outside strings catches all three.
 */
static int
jsonutil_prescan(const char *buf, size_t len, char *err, size_t errlen)
{
	char		 num[24];
	size_t		 i = 0, start;
	int		 isint;

	while (i < len) {
		start = i;
		switch (buf[i]) {
		case '\0':
			snprintf(err, errlen, "NUL byte at offset %zu", i);
			return -1;
		case '\'':
			snprintf(err, errlen, "single-quoted string at offset "
			    "%zu", i);
			return -1;
		case '"':
			for (i++; i < len && buf[i] != '"'; i++) {
				if (buf[i] == '\0') {
					snprintf(err, errlen, "NUL byte at "
					    "offset %zu", i);
					return -1;
				}
				if (buf[i] == '\\')
					i++;
			}
			i++;
			continue;
		case '-': case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			isint = 1;
			for (i++; i < len && strchr("0123456789.eE+-",
			    buf[i]) != NULL && buf[i] != '\0'; i++) {
				if (!isdigit((unsigned char)buf[i]))
					isint = 0;
			}
			if (!isint)
				continue;
			if (i - start < sizeof(num)) {
				memcpy(num, buf + start, i - start);
				num[i - start] = '\0';
				errno = 0;
				(void)strtoll(num, NULL, 10);
				if (errno == 0)
					continue;
			}
			snprintf(err, errlen, "integer out of range at offset "
			    "%zu", start);
			return -1;
		default:
			if (!isalpha((unsigned char)buf[i])) {
				i++;
				continue;
			}
			/* json-c also takes NaN and Infinity. */
			while (i < len && isalpha((unsigned char)buf[i]))
				i++;
			if ((i - start == 4 && (memcmp(buf + start, "true", 4) == 0 ||
			    memcmp(buf + start, "null", 4) == 0)) ||
			    (i - start == 5 && memcmp(buf + start, "false", 5) == 0))
				continue;
			snprintf(err, errlen, "invalid literal at offset %zu",
			    start);
			return -1;
		}
	}
	return 0;
}

struct json_object *
jsonutil_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	struct json_tokener		*tok;
	struct json_object		*obj;
	enum json_tokener_error		 jerr;
	size_t				 end;

	if (len > INT32_MAX) {
		snprintf(err, errlen, "JSON text too large");
		return NULL;
	}
	if (jsonutil_prescan(buf, len, err, errlen) == -1)
		return NULL;
	if ((tok = json_tokener_new_ex(JSONUTIL_MAX_DEPTH)) == NULL)
		fatalx("jsonutil_parse: out of memory");
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	/* A bare top-level number is only complete once input ends. */
	if (obj == NULL && jerr == json_tokener_continue) {
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	if (obj == NULL) {
		if (jerr == json_tokener_continue)
			snprintf(err, errlen, "JSON text ends early");
		else
			snprintf(err, errlen, "%s at offset %zu",
			    json_tokener_error_desc(jerr), end);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	end = (size_t)(jsonutil_skip_ws(buf + end, buf + len) - buf);
	if (end < len) {
		snprintf(err, errlen, "unexpected data after JSON value at "
		    "offset %zu", end);
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

const char *
jsonutil_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

size_t
jsonutil_error_line(const char *buf, size_t len, const char *err)
{
	const char	*p;
	size_t		 off, i, line = 1;

	/* Every message jsonutil_parse() writes about a place ends so. */
	if ((p = strstr(err, "at offset ")) == NULL ||
	    sscanf(p, "at offset %zu", &off) != 1)
		return 0;
	for (i = 0; i < off && i < len; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

static int
jsonutil_get(struct json_object *obj, const char *key, json_type type,
    struct json_object **out)
{
	struct json_object	*v;

	if (obj == NULL || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, type))
		return -1;
	*out = v;
	return 0;
}

int
jsonutil_get_string(struct json_object *obj, const char *key,
    const char **out)
{
	struct json_object	*v;

	if (jsonutil_get(obj, key, json_type_string, &v) == -1)
		return -1;
	*out = json_object_get_string(v);
	return 0;
}

int
jsonutil_get_int64(struct json_object *obj, const char *key, int64_t *out)
{
	struct json_object	*v;

	if (jsonutil_get(obj, key, json_type_int, &v) == -1)
		return -1;
	/* json-c saturates out-of-range integers; refuse them instead. */
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno != 0)
		return -1;
	return 0;
}

int
jsonutil_get_bool(struct json_object *obj, const char *key, int *out)
{
	struct json_object	*v;

	if (jsonutil_get(obj, key, json_type_boolean, &v) == -1)
		return -1;
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}

int
jsonutil_get_object(struct json_object *obj, const char *key,
    struct json_object **out)
{
	return jsonutil_get(obj, key, json_type_object, out);
}

int
jsonutil_get_array(struct json_object *obj, const char *key,
    struct json_object **out)
{
	return jsonutil_get(obj, key, json_type_array, out);
}

void
jsonutil_set(struct json_object *obj, const char *key, struct json_object *val)
{
	if (json_object_object_add(obj, key, val) != 0)
		fatalx("jsonutil_set: cannot add \"%s\"", key);
}

static struct json_object *
jsonutil_checked(struct json_object *v)
{
	if (v == NULL)
		fatalx("json-c: out of memory");
	return v;
}

void
jsonutil_set_string(struct json_object *obj, const char *key, const char *val)
{
	jsonutil_set(obj, key, val == NULL ? NULL :
	    jsonutil_checked(json_object_new_string(val)));
}

void
jsonutil_set_int64(struct json_object *obj, const char *key, int64_t val)
{
	jsonutil_set(obj, key, jsonutil_checked(json_object_new_int64(val)));
}

void
jsonutil_set_time(struct json_object *o, const char *key, time_t t)
{
	char	buf[TIMEFMT_RFC3339_LEN];

	jsonutil_set_string(o, key, timefmt_rfc3339(t, buf, sizeof(buf)));
}

void
jsonutil_set_bool(struct json_object *obj, const char *key, int val)
{
	jsonutil_set(obj, key, jsonutil_checked(json_object_new_boolean(val)));
}

const char *
jsonutil_to_string(struct json_object *obj, int pretty)
{
	int	flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= pretty ? JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;
	return json_object_to_json_string_ext(obj, flags);
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0. */
static size_t
jsonutil_utf8_seq(const unsigned char *s, size_t len)
{
	unsigned int	c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return len >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (len < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (len < 4 || (s[1] & 0xc0) != 0x80 ||
		    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

char *
jsonutil_utf8_escape(const char *str, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = (const unsigned char *)str;
	char			*out, *o;
	size_t			 i, n;

	for (i = 0; i < len; i += n) {
		if ((n = jsonutil_utf8_seq(s + i, len - i)) == 0)
			break;
	}
	if (i == len)
		return NULL;
	o = out = xreallocarray(NULL, len + 1, 4);
	for (i = 0; i < len; i += n) {
		if ((n = jsonutil_utf8_seq(s + i, len - i)) == 0) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[s[i] >> 4];
			*o++ = hex[s[i] & 0xf];
			n = 1;
		} else {
			memcpy(o, s + i, n);
			o += n;
		}
	}
	*o = '\0';
	return out;
}

/* Valid UTF-8?  Nearly all host text is ASCII: check that fast first. */
static int
jsonutil_utf8_ok(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, n;

	for (i = 0; i < len && s[i] < 0x80; i++)
		;
	for (; i < len; i += n) {
		if ((n = jsonutil_utf8_seq(s + i, len - i)) == 0)
			return 0;
	}
	return 1;
}

struct json_object *
jsonutil_sanitize(struct json_object *obj)
{
	struct json_object	*v, *nv, *fresh;
	char			*esc;
	size_t			 i, n;
	int			 rekey = 0;

	switch (json_object_get_type(obj)) {
	case json_type_string:
		if (jsonutil_utf8_ok(json_object_get_string(obj),
		    (size_t)json_object_get_string_len(obj)))
			return obj;
		esc = jsonutil_utf8_escape(json_object_get_string(obj),
		    (size_t)json_object_get_string_len(obj));
		nv = json_object_new_string(esc);
		free(esc);
		return nv;
	case json_type_array:
		n = json_object_array_length(obj);
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(obj, i);
			/* Storing the replacement releases the original. */
			if ((nv = jsonutil_sanitize(v)) != v)
				json_object_array_put_idx(obj, i, nv);
		}
		return obj;
	case json_type_object: {
		json_object_object_foreach(obj, key, val) {
			if (!jsonutil_utf8_ok(key, strlen(key)))
				rekey = 1;
			if ((nv = jsonutil_sanitize(val)) != val)
				json_object_object_add(obj, key, nv);
		}
		if (!rekey)
			return obj;
		/* Keys cannot be renamed in place: rebuild, in order. */
		fresh = json_object_new_object();
		json_object_object_foreach(obj, k2, v2) {
			esc = jsonutil_utf8_escape(k2, strlen(k2));
			jsonutil_set(fresh, esc ? esc : k2, json_object_get(v2));
			free(esc);
		}
		return fresh;
	}
	default:
		return obj;
	}
}

static int
jsonutil_cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct json_object *
jsonutil_sorted(struct json_object *o)
{
	struct json_object	*out = json_object_new_object(), *v;
	const char		**keys = NULL;
	size_t			  n = 0, i;

	json_object_object_foreach(o, key, val) {
		(void)val;
		keys = xgrowarray(keys, n, sizeof(*keys));
		keys[n++] = key;
	}
	if (n > 1)
		qsort(keys, n, sizeof(*keys), jsonutil_cmp_keys);
	for (i = 0; i < n; i++) {
		json_object_object_get_ex(o, keys[i], &v);
		jsonutil_set(out, keys[i], json_object_get(v));
	}
	free(keys);
	return out;
}

const char *
jsonutil_type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:	return "null";
	case json_type_boolean:	return "a boolean";
	case json_type_double:
	case json_type_int:	return "a number";
	case json_type_string:	return "a string";
	case json_type_array:	return "an array";
	case json_type_object:	return "an object";
	}
	return "something else";
}
