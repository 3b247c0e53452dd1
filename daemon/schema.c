/*
 * Evidence schema checks.  A document that passes may still lie, but it
 * has every member the rest of the daemon reads, with the right type, so
 * nothing downstream needs to check again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "schema.h"
#include "timefmt.h"

static int
schema_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
schema_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* "sha256:" and 64 lowercase hex digits. */
static int
schema_digest_ok(const char *s)
{
	size_t	i;

	if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
		return 0;
	for (i = 7; i < 7 + 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Section names are identifiers: lowercase letters, digits, "_". */
static int
schema_name_ok(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
		    (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static int
schema_string(struct json_object *o, const char *path, const char *key,
    int required, char *err, size_t errlen)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v)) {
		if (required)
			return schema_fail(err, errlen, "%s.%s: missing",
			    path, key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return schema_fail(err, errlen, "%s.%s: must be a string",
		    path, key);
	return 0;
}

static int
schema_section(const char *name, struct json_object *sec, int64_t seq,
    char *err, size_t errlen)
{
	struct json_object	*v;
	const char		*digest;
	int64_t			 since;

	if (!schema_name_ok(name))
		return schema_fail(err, errlen, "$.sections: \"%.64s\" is not "
		    "a section name (lowercase letters, digits, _)", name);
	if (!json_object_is_type(sec, json_type_object))
		return schema_fail(err, errlen, "$.sections.%s: must be an "
		    "object", name);
	if (jsonutil_get_string(sec, "digest", &digest) == -1)
		return schema_fail(err, errlen, "$.sections.%s.digest: "
		    "missing or not a string", name);
	if (!schema_digest_ok(digest))
		return schema_fail(err, errlen, "$.sections.%s.digest: must "
		    "be \"sha256:\" and 64 lowercase hex digits", name);
	if (json_object_object_get_ex(sec, "unchanged_since", &v)) {
		if (!json_object_is_type(v, json_type_int) ||
		    (since = json_object_get_int64(v)) < 1 || since >= seq)
			return schema_fail(err, errlen, "$.sections.%s."
			    "unchanged_since: must be an earlier seq", name);
		if (json_object_object_length(sec) != 2)
			return schema_fail(err, errlen, "$.sections.%s: a "
			    "reference holds only digest and unchanged_since",
			    name);
		return 0;
	}
	if (!json_object_object_get_ex(sec, "sources", &v) ||
	    !json_object_is_type(v, json_type_array))
		return schema_fail(err, errlen, "$.sections.%s.sources: "
		    "missing or not an array", name);
	if (!json_object_object_get_ex(sec, "data", &v))
		return schema_fail(err, errlen, "$.sections.%s.data: missing",
		    name);
	if (json_object_object_length(sec) != 3)
		return schema_fail(err, errlen, "$.sections.%s: only digest, "
		    "sources and data are allowed", name);
	return 0;
}

static int
schema_errors(struct json_object *errors, char *err, size_t errlen)
{
	struct json_object	*e;
	char			 path[32];
	size_t			 i;

	if (!json_object_is_type(errors, json_type_array))
		return schema_fail(err, errlen, "$.errors: must be an array");
	for (i = 0; i < json_object_array_length(errors); i++) {
		e = json_object_array_get_idx(errors, i);
		snprintf(path, sizeof(path), "$.errors[%zu]", i);
		if (!json_object_is_type(e, json_type_object))
			return schema_fail(err, errlen, "%s: must be an "
			    "object", path);
		if (schema_string(e, path, "section", 1, err, errlen) == -1 ||
		    schema_string(e, path, "message", 1, err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
schema_check_evidence(struct json_object *doc, char *err, size_t errlen)
{
	static const char *const known[] = {
		"schema", "agent_id", "seq", "collected_at", "agent_version",
		"host", "sections", "errors",
	};
	struct json_object	*v, *host, *sections;
	const char		*s;
	int64_t			 seq;
	time_t			 t;
	size_t			 i;
	int			 ok;

	if (!json_object_is_type(doc, json_type_object))
		return schema_fail(err, errlen, "$: must be an object");
	json_object_object_foreach(doc, key, val) {
		(void)val;
		for (i = 0, ok = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok |= strcmp(key, known[i]) == 0;
		if (!ok)
			return schema_fail(err, errlen, "$.%.64s: unknown "
			    "member", key);
	}
	if (jsonutil_get_string(doc, "schema", &s) == -1 ||
	    strcmp(s, SCHEMA_EVIDENCE) != 0)
		return schema_fail(err, errlen, "$.schema: must be \"%s\"",
		    SCHEMA_EVIDENCE);
	if (schema_string(doc, "$", "agent_id", 1, err, errlen) == -1 ||
	    schema_string(doc, "$", "agent_version", 1, err, errlen) == -1)
		return -1;
	if (jsonutil_get_int64(doc, "seq", &seq) == -1 || seq < 1)
		return schema_fail(err, errlen, "$.seq: must be an integer "
		    "of at least 1");
	if (jsonutil_get_string(doc, "collected_at", &s) == -1 ||
	    timefmt_parse_rfc3339(s, &t) == -1)
		return schema_fail(err, errlen, "$.collected_at: must be an "
		    "RFC 3339 time");
	if (jsonutil_get_object(doc, "host", &host) == -1)
		return schema_fail(err, errlen, "$.host: missing or not an "
		    "object");
	if (schema_string(host, "$.host", "hostname", 1, err, errlen) == -1 ||
	    schema_string(host, "$.host", "machine_id", 0, err, errlen) == -1)
		return -1;
	if (jsonutil_get_object(doc, "sections", &sections) == -1)
		return schema_fail(err, errlen, "$.sections: missing or not "
		    "an object");
	if (json_object_object_length(sections) > SCHEMA_MAX_SECTIONS)
		return schema_fail(err, errlen, "$.sections: more than %d",
		    SCHEMA_MAX_SECTIONS);
	json_object_object_foreach(sections, name, sec) {
		if (schema_section(name, sec, seq, err, errlen) == -1)
			return -1;
	}
	if (json_object_object_get_ex(doc, "errors", &v) &&
	    schema_errors(v, err, errlen) == -1)
		return -1;
	return 0;
}
