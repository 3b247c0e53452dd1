/* Unit tests for common/jsondiff.c. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "jsondiff.h"
#include "jsonutil.h"

static struct json_object *
j(const char *s)
{
	char			 err[128];
	struct json_object	*o = jsonutil_parse(s, strlen(s), err,
	    sizeof(err));

	if (o == NULL)
		fail_msg("%s: %s", s, err);
	return o;
}

static void
expect_diff(const char *a, const char *b, size_t max, const char *want,
    size_t total)
{
	struct json_object	*x = j(a), *y = j(b), *changes;
	size_t			 n;

	changes = json_object_new_array();
	n = jsondiff(x, y, "p", changes, max);
	if (strcmp(jsonutil_to_string(changes, 0), want) != 0)
		fail_msg("%s vs %s:\n got  %s\n want %s", a, b,
		    jsonutil_to_string(changes, 0), want);
	assert_int_equal(n, total);
	json_object_put(changes);
	json_object_put(x);
	json_object_put(y);
}

static void
test_diff(void **state)
{
	(void)state;
	expect_diff("{\"a\":1}", "{\"a\":1}", 10, "[]", 0);
	expect_diff("{\"a\":1,\"b\":\"x\"}", "{\"a\":2,\"c\":true}", 10,
	    "[{\"path\":\"p.a\",\"old\":1,\"new\":2},"
	    "{\"path\":\"p.b\",\"old\":\"x\"},"
	    "{\"path\":\"p.c\",\"new\":true}]", 3);
	/* Names that are not plain are quoted as rule paths quote them. */
	expect_diff("{\"net.ipv4.ip_forward\":{\"value\":\"0\"}}",
	    "{\"net.ipv4.ip_forward\":{\"value\":\"1\"}}", 10,
	    "[{\"path\":\"p[\\\"net.ipv4.ip_forward\\\"].value\","
	    "\"old\":\"0\",\"new\":\"1\"}]", 1);
	/* A list of names changes as one value. */
	expect_diff("{\"c\":[\"a\",\"b\"]}", "{\"c\":[\"a\",\"b\",\"x\"]}", 10,
	    "[{\"path\":\"p.c\",\"old\":[\"a\",\"b\"],"
	    "\"new\":[\"a\",\"b\",\"x\"]}]", 1);
	/* Records compare element by element. */
	expect_diff("[{\"u\":0},{\"u\":1}]", "[{\"u\":0},{\"u\":2},{\"u\":3}]",
	    10, "[{\"path\":\"p[1].u\",\"old\":1,\"new\":2},"
	    "{\"path\":\"p[2]\",\"new\":{\"u\":3}}]", 2);
	/* A type change is one change; null is a value. */
	expect_diff("{\"a\":null}", "{\"a\":{\"b\":1}}", 10,
	    "[{\"path\":\"p.a\",\"old\":null,\"new\":{\"b\":1}}]", 1);
	/* At most max are kept; all are counted. */
	expect_diff("{\"a\":1,\"b\":1,\"c\":1}", "{\"a\":2,\"b\":2,\"c\":2}", 2,
	    "[{\"path\":\"p.a\",\"old\":1,\"new\":2},"
	    "{\"path\":\"p.b\",\"old\":1,\"new\":2}]", 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
