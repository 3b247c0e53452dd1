/*
 * Small helpers over json-c: strict parsing of untrusted bytes, typed
 * getters that say what was wrong, and setters that keep building code
 * short.  Objects keep insertion order, so documents built in a fixed
 * order serialise identically every time.
 */
#ifndef EXHIBIT_JSONUTIL_H
#define EXHIBIT_JSONUTIL_H

#include <stddef.h>
#include <time.h>
#include <stdint.h>
#include <json-c/json.h>

#define JSONUTIL_MAX_DEPTH	32

/* Parse exactly one JSON value filling buf (trailing whitespace allowed).
 * On error returns NULL and writes a sentence into err. */
struct json_object *jsonutil_parse(const char *buf, size_t len,
	    char *err, size_t errlen);

/* The line (1-based) of buf that the offset an error from jsonutil_parse()
 * names lies on, for messages about files people edit; 0 when the error
 * names no offset. */
size_t	jsonutil_error_line(const char *buf, size_t len, const char *err);

/* Past the JSON whitespace at p, for scanners of text already parsed or
 * about to be. */
const char *jsonutil_skip_ws(const char *p, const char *end);

/* Typed member access: 0 and *out set, or -1 when the member is missing
 * or has another type. */
int	jsonutil_get_string(struct json_object *, const char *key,
	    const char **out);
int	jsonutil_get_int64(struct json_object *, const char *key, int64_t *out);
int	jsonutil_get_bool(struct json_object *, const char *key, int *out);
int	jsonutil_get_object(struct json_object *, const char *key,
	    struct json_object **out);
int	jsonutil_get_array(struct json_object *, const char *key,
	    struct json_object **out);

void	jsonutil_set_string(struct json_object *, const char *key,
	    const char *val);		/* NULL val sets JSON null */
void	jsonutil_set_int64(struct json_object *, const char *key, int64_t);
void	jsonutil_set_bool(struct json_object *, const char *key, int);
/* t as RFC 3339 UTC ("2026-11-28T10:00:00Z"). */
void	jsonutil_set_time(struct json_object *, const char *key, time_t t);
void	jsonutil_set(struct json_object *, const char *key,
	    struct json_object *val);	/* takes ownership of val */

/* A new object with obj's members (shared) in strcmp order of their
 * keys: for data whose order would otherwise follow the host's files. */
struct json_object *jsonutil_sorted(struct json_object *obj);

/*
 * Make every string and key in obj valid UTF-8: each byte that is not
 * part of a valid sequence becomes the four characters "\xHH".  Host
 * files may hold any bytes, and a document with invalid UTF-8 is not
 * JSON.  Nested values are fixed in place.  Returns obj, or a replacement
 * when obj itself was an invalid string or an object whose keys changed;
 * the caller then releases obj.
 */
struct json_object *jsonutil_sanitize(struct json_object *obj);

/* The same for one string: NULL when s is already valid, else an
 * allocated escaped copy. */
char	*jsonutil_utf8_escape(const char *s, size_t len);

/* "a string", "an object", "null"...: for messages about a value. */
const char *jsonutil_type_name(struct json_object *);

/* Serialise: compact or pretty (two-space indent); "/" is not escaped.
 * The string belongs to obj. */
const char *jsonutil_to_string(struct json_object *, int pretty);

#endif
