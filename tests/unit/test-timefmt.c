/* Unit tests for common/timefmt.c: RFC 3339 and durations. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "timefmt.h"

static void
test_format(void **state)
{
	char	buf[TIMEFMT_RFC3339_LEN];

	assert_string_equal(timefmt_rfc3339(0, buf, sizeof(buf)),
	    "1970-01-01T00:00:00Z");
	assert_string_equal(timefmt_rfc3339(1795811460, buf, sizeof(buf)),
	    "2026-11-27T20:31:00Z");
	assert_string_equal(timefmt_rfc3339(951782400, buf, sizeof(buf)),
	    "2000-02-29T00:00:00Z");
	/* Too small a buffer yields an empty string, never a partial one. */
	assert_string_equal(timefmt_rfc3339(0, buf, 10), "");
}

static void
test_parse_good(void **state)
{
	static const struct {
		const char	*s;
		time_t		 t;
	} good[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-11-27T20:31:00Z", 1795811460 },
		{ "2026-11-27t20:31:00z", 1795811460 },
		{ "2026-11-27T20:31:00.123456Z", 1795811460 },
		{ "2026-11-27T21:31:00+01:00", 1795811460 },
		{ "2026-11-27T15:01:00-05:30", 1795811460 },
		{ "2000-02-29T00:00:00Z", 951782400 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "2016-12-31T23:59:60Z", 1483228799 },	/* leap second */
	};
	size_t	i;
	time_t	t;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		t = 12345;
		assert_int_equal(timefmt_parse_rfc3339(good[i].s, &t), 0);
		assert_int_equal(t, good[i].t);
	}
}

static void
test_parse_bad(void **state)
{
	static const char *bad[] = {
		"", "2026-11-27", "2026-11-27 20:31:00Z",
		"2026-11-27T20:31:00", "2026-11-27T20:31Z",
		"2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
		"2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-11-27T24:00:00Z",
		"2026-11-27T23:60:00Z", "2026-11-27T23:59:61Z",
		"2026-11-27T20:31:00.Z", "2026-11-27T20:31:00+0100",
		"2026-11-27T20:31:00+24:00", "2026-11-27T20:31:00Zjunk",
		"26-11-27T20:31:00Z", "2026-1-27T20:31:00Z", "+026-11-27T20:31:00Z",
	};
	size_t	i;
	time_t	t;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 777;
		if (timefmt_parse_rfc3339(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(t, 777);
	}
}

static void
test_round_trip(void **state)
{
	char	buf[TIMEFMT_RFC3339_LEN];
	time_t	t, back;

	for (t = -86400LL * 365 * 3; t < 4102444800LL; t += 86400 * 37 + 3607) {
		timefmt_rfc3339(t, buf, sizeof(buf));
		assert_int_equal(timefmt_parse_rfc3339(buf, &back), 0);
		assert_int_equal(back, t);
	}
}

static void
test_duration(void **state)
{
	static const struct {
		const char	*s;
		long long	 secs;
	} good[] = {
		{ "0", 0 }, { "90", 90 }, { "90s", 90 }, { "15m", 900 },
		{ "2h", 7200 }, { "7d", 604800 }, { "1w", 604800 },
		{ "1h30m", 5400 }, { "1d2h3m4s", 93784 },
	};
	static const char *bad[] = {
		"", "m", "1x", "1.5h", "-1s", " 1s", "1s ", "1h30",
		"1 h", "99999999999999999999", "9223372036854775807w",
	};
	long long	v;
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(timefmt_parse_duration(good[i].s, &v), 0);
		assert_int_equal(v, good[i].secs);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 5;
		if (timefmt_parse_duration(bad[i], &v) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(v, 5);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests_name("timefmt", tests, NULL, NULL);
}
