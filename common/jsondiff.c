/*
 * JSON differences.  Arrays of scalars are one value (a list of cipher
 * names changed, not its element 3); arrays of objects are compared
 * element by element, which is how collectors report records in a stable
 * order (users by name, files by path).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jsondiff.h"
#include "jsonutil.h"
#include "xmalloc.h"

static int
plain_name(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k != '\0'; k++)
		if (!isalnum((unsigned char)*k) && *k != '_' && *k != '-')
			return 0;
	return 1;
}

static char *
member_path(const char *prefix, const char *key)
{
	struct json_object	*q;
	char			*out;

	if (plain_name(key))
		return xasprintf("%s%s%s", prefix, *prefix ? "." : "", key);
	q = json_object_new_string(key);
	out = xasprintf("%s[%s]", prefix, json_object_to_json_string_ext(q,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(q);
	return out;
}

static int
scalar_array(struct json_object *a)
{
	size_t	 i, n = json_object_array_length(a);
	json_type t;

	for (i = 0; i < n; i++) {
		t = json_object_get_type(json_object_array_get_idx(a, i));
		if (t == json_type_object || t == json_type_array)
			return 0;
	}
	return 1;
}

static void
change(struct json_object *changes, size_t max, size_t *count,
    const char *path, struct json_object *a, int has_a, struct json_object *b,
    int has_b)
{
	struct json_object	*c;

	if ((*count)++ >= max)
		return;
	c = json_object_new_object();
	jsonutil_set_string(c, "path", path);
	if (has_a)
		jsonutil_set(c, "old", json_object_get(a));
	if (has_b)
		jsonutil_set(c, "new", json_object_get(b));
	json_object_array_add(changes, c);
}

static void
diff(struct json_object *a, struct json_object *b, const char *path,
    struct json_object *changes, size_t max, size_t *count)
{
	struct json_object	*x;
	char			*sub;
	size_t			 i, na, nb;

	if (json_object_equal(a, b))
		return;
	if (json_object_is_type(a, json_type_object) &&
	    json_object_is_type(b, json_type_object)) {
		json_object_object_foreach(a, ka, va) {
			sub = member_path(path, ka);
			if (json_object_object_get_ex(b, ka, &x))
				diff(va, x, sub, changes, max, count);
			else
				change(changes, max, count, sub, va, 1, NULL,
				    0);
			free(sub);
		}
		json_object_object_foreach(b, kb, vb) {
			if (json_object_object_get_ex(a, kb, NULL))
				continue;
			sub = member_path(path, kb);
			change(changes, max, count, sub, NULL, 0, vb, 1);
			free(sub);
		}
		return;
	}
	if (json_object_is_type(a, json_type_array) &&
	    json_object_is_type(b, json_type_array) &&
	    !(scalar_array(a) && scalar_array(b))) {
		na = json_object_array_length(a);
		nb = json_object_array_length(b);
		for (i = 0; i < na || i < nb; i++) {
			sub = xasprintf("%s[%zu]", path, i);
			if (i < na && i < nb)
				diff(json_object_array_get_idx(a, i),
				    json_object_array_get_idx(b, i), sub,
				    changes, max, count);
			else if (i < na)
				change(changes, max, count, sub,
				    json_object_array_get_idx(a, i), 1, NULL,
				    0);
			else
				change(changes, max, count, sub, NULL, 0,
				    json_object_array_get_idx(b, i), 1);
			free(sub);
		}
		return;
	}
	change(changes, max, count, path, a, 1, b, 1);
}

size_t
jsondiff(struct json_object *a, struct json_object *b, const char *prefix,
    struct json_object *changes, size_t max)
{
	size_t	 count = 0;

	diff(a, b, prefix, changes, max, &count);
	return count;
}
