/* Unit tests for agent/text.c: the collectors' line and token helpers. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "text.h"

static void
test_lines(void **state)
{
	char	 buf[] = "  first\t \r\n\nsecond\r\n\t# comment\nlast";
	char	*cur = buf, *line;

	assert_string_equal(text_line(&cur), "first");
	line = text_line(&cur);
	assert_string_equal(line, "");
	assert_true(text_is_comment(line, "#"));
	assert_string_equal(text_line(&cur), "second");
	line = text_line(&cur);
	assert_string_equal(line, "# comment");
	assert_true(text_is_comment(line, "#;"));
	assert_false(text_is_comment(line, ";"));
	assert_string_equal(text_line(&cur), "last");
	assert_null(text_line(&cur));
	assert_null(text_line(&cur));
}

static void
test_split(void **state)
{
	char	 a[] = "PASS_MAX_DAYS\t \t90  days", b[] = "Lonely";
	char	 c[] = "key  =  value = more", d[] = "no separator";
	char	*k, *v;

	text_split_ws(a, &k, &v);
	assert_string_equal(k, "PASS_MAX_DAYS");
	assert_string_equal(v, "90  days");
	text_split_ws(b, &k, &v);
	assert_string_equal(k, "Lonely");
	assert_string_equal(v, "");
	assert_int_equal(text_split_char(c, '=', &k, &v), 0);
	assert_string_equal(k, "key");
	assert_string_equal(v, "value = more");
	assert_int_equal(text_split_char(d, '=', &k, &v), -1);
	assert_string_equal(d, "no separator");
}

static void
test_shell_unquote(void **state)
{
	static const struct {
		const char	*in, *out;
	} good[] = {
		{ "plain", "plain" },
		{ "\"Debian GNU/Linux 12 (bookworm)\"", "Debian GNU/Linux 12 (bookworm)" },
		{ "'single $quoted'", "single $quoted" },
		{ "\"a \\\"q\\\" \\\\ \\$x\"", "a \"q\" \\ $x" },
		{ "\"keep \\n\"", "keep \\n" },
		{ "\"a\"'b'c", "abc" },
		{ "value # comment", "value" },
		{ "\"\"", "" },
	};
	static const char *bad[] = { "\"open", "'open", "two words", "\"a\" b" };
	char	buf[128];
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		strcpy(buf, good[i].in);
		assert_int_equal(text_shell_unquote(buf), 0);
		assert_string_equal(buf, good[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(buf, bad[i]);
		if (text_shell_unquote(buf) != -1)
			fail_msg("accepted %s", bad[i]);
	}
}

static void
test_parse_int(void **state)
{
	long long	v;
	char		s[] = "MiXeD Case";

	assert_int_equal(text_parse_int("90", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(text_parse_int("-1", &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(text_parse_int("", &v), -1);
	assert_int_equal(text_parse_int(" 1", &v), -1);
	assert_int_equal(text_parse_int("1 ", &v), -1);
	assert_int_equal(text_parse_int("12abc", &v), -1);
	assert_int_equal(text_parse_int("99999999999999999999", &v), -1);
	assert_string_equal(text_lower(s), "mixed case");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_shell_unquote),
		cmocka_unit_test(test_parse_int),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
