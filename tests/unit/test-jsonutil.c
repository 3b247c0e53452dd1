/* Unit tests for common/jsonutil.c. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "jsonutil.h"
#include "xmalloc.h"

static struct json_object *
parse(const char *s, char *err, size_t errlen)
{
	return jsonutil_parse(s, strlen(s), err, errlen);
}

static void
test_parse_good(void **state)
{
	static const char *good[] = {
		"{}", "[]", "{\"a\":1}", "  {\"a\": [1, 2, {\"b\": null}]}\n\r\t ",
		"42", "\"x\"", "true", "{\"u\":\"\\u00e9\\ud83d\\ude00\"}",
		"{\"s\":\"caf\xc3\xa9\"}",
	};
	struct json_object	*o;
	char			 err[128];
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		o = parse(good[i], err, sizeof(err));
		if (o == NULL)
			fail_msg("refused %s: %s", good[i], err);
		json_object_put(o);
	}
	o = parse("42", err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(json_object_get_int64(o), 42);
	json_object_put(o);
}

static void
test_parse_bad(void **state)
{
	static const char *bad[] = {
		"", "   ", "{", "{\"a\":}", "{\"a\":1,}", "[1,2,]", "{a:1}",
		"{'a':1}", "{} {}", "{}x", "[1] 2", "NaN", "{\"a\":01}",
		"/* c */ {}", "{\"s\":\"\xff\xfe\"}", "{\"s\":\"caf\xc3\"}",
		"Infinity", "[-Infinity]", "{\"a\":tru}", "{\"a\":nulll}",
		"{\"i\":9223372036854775808}", "[-9223372036854775809]",
		"{\"big\":99999999999999999999}",
	};
	char	err[128];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse(bad[i], err, sizeof(err)) != NULL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(err[0] != '\0');
	}
	/* The message names the offset of trailing garbage. */
	assert_null(parse("{\"a\":1}  []", err, sizeof(err)));
	assert_non_null(strstr(err, " at offset 9"));
	assert_null(jsonutil_parse("{\"a\":1}\0{}", 10, err, sizeof(err)));
	assert_string_equal(err, "NUL byte at offset 7");
}

static void
test_depth_limit(void **state)
{
	struct json_object	*o;
	char			 buf[2 * (JSONUTIL_MAX_DEPTH + 2) + 1], err[128];
	size_t			 n, i;

	for (n = JSONUTIL_MAX_DEPTH - 1; n <= JSONUTIL_MAX_DEPTH + 1; n++) {
		for (i = 0; i < n; i++) {
			buf[i] = '[';
			buf[2 * n - 1 - i] = ']';
		}
		buf[2 * n] = '\0';
		o = parse(buf, err, sizeof(err));
		if (n < JSONUTIL_MAX_DEPTH && o == NULL)
			fail_msg("refused depth %zu: %s", n, err);
		if (n > JSONUTIL_MAX_DEPTH && o != NULL)
			fail_msg("accepted depth %zu", n);
		json_object_put(o);
	}
}

static void
test_getters(void **state)
{
	struct json_object	*o, *sub;
	const char		*s;
	char			 err[128];
	int64_t			 i64;
	int			 b;

	o = parse("{\"s\":\"v\",\"i\":-7,\"b\":true,\"o\":{},\"a\":[],"
	    "\"max\":9223372036854775807,\"n\":null,\"d\":1.5}",
	    err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(jsonutil_get_string(o, "s", &s), 0);
	assert_string_equal(s, "v");
	assert_int_equal(jsonutil_get_int64(o, "i", &i64), 0);
	assert_int_equal(i64, -7);
	assert_int_equal(jsonutil_get_bool(o, "b", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(jsonutil_get_object(o, "o", &sub), 0);
	assert_true(json_object_is_type(sub, json_type_object));
	assert_int_equal(jsonutil_get_array(o, "a", &sub), 0);
	assert_true(json_object_is_type(sub, json_type_array));

	/* Wrong type, missing member, null and out of range all refuse. */
	assert_int_equal(jsonutil_get_string(o, "i", &s), -1);
	assert_int_equal(jsonutil_get_int64(o, "s", &i64), -1);
	assert_int_equal(jsonutil_get_int64(o, "d", &i64), -1);
	assert_int_equal(jsonutil_get_int64(o, "max", &i64), 0);
	assert_int_equal(i64, INT64_MAX);
	assert_int_equal(jsonutil_get_bool(o, "i", &b), -1);
	assert_int_equal(jsonutil_get_object(o, "a", &sub), -1);
	assert_int_equal(jsonutil_get_array(o, "o", &sub), -1);
	assert_int_equal(jsonutil_get_string(o, "n", &s), -1);
	assert_int_equal(jsonutil_get_string(o, "missing", &s), -1);
	assert_int_equal(jsonutil_get_string(NULL, "s", &s), -1);
	json_object_put(o);
}

static void
test_build_and_serialise(void **state)
{
	struct json_object	*o;

	o = json_object_new_object();
	jsonutil_set_string(o, "z", "a/b");
	jsonutil_set_int64(o, "a", 3);
	jsonutil_set_bool(o, "m", 0);
	jsonutil_set_string(o, "n", NULL);
	jsonutil_set(o, "arr", json_object_new_array());
	jsonutil_set_time(o, "t", 1795860000);
	/* Insertion order is kept, and "/" is not escaped. */
	assert_string_equal(jsonutil_to_string(o, 0),
	    "{\"z\":\"a/b\",\"a\":3,\"m\":false,\"n\":null,\"arr\":[],"
	    "\"t\":\"2026-11-28T10:00:00Z\"}");
	assert_non_null(strstr(jsonutil_to_string(o, 1), "\n  \"a\": 3"));
	json_object_put(o);
}

static void
test_sanitize(void **state)
{
	struct json_object	*o, *arr;
	char			 err[128], *e;
	const char		*text;

	/* Valid text, multi-byte included, is left alone. */
	assert_null(jsonutil_utf8_escape("caf\xc3\xa9 \xf0\x9f\x98\x80", 10));
	e = jsonutil_utf8_escape("a\xff" "b\xc3", 4);
	assert_string_equal(e, "a\\xffb\\xc3");
	free(e);
	/* Overlong, surrogate and out-of-range forms are invalid too. */
	e = jsonutil_utf8_escape("\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80", 9);
	assert_string_equal(e, "\\xc0\\xaf\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80");
	free(e);

	o = json_object_new_object();
	jsonutil_set_string(o, "ok", "fine");
	jsonutil_set_string(o, "bad\xfekey", "v\x80");
	arr = json_object_new_array();
	json_object_array_add(arr, json_object_new_string("\xff"));
	json_object_array_add(arr, json_object_new_int(3));
	jsonutil_set(o, "list", arr);
	arr = jsonutil_sanitize(o);
	assert_ptr_not_equal(arr, o);	/* a key changed: a new object */
	json_object_put(o);
	o = arr;
	text = jsonutil_to_string(o, 0);
	assert_string_equal(text, "{\"ok\":\"fine\",\"bad\\\\xfekey\":"
	    "\"v\\\\x80\",\"list\":[\"\\\\xff\",3]}");
	/* And what comes out parses under the strict parser. */
	e = xstrdup(text);
	json_object_put(o);
	o = jsonutil_parse(e, strlen(e), err, sizeof(err));
	assert_non_null(o);
	json_object_put(o);
	free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_build_and_serialise),
		cmocka_unit_test(test_sanitize),
	};

	return cmocka_run_group_tests_name("jsonutil", tests, NULL, NULL);
}
