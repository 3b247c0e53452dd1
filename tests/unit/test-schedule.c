/* Unit tests for daemon/schedule.c: audit schedules. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "schedule.h"
#include "timefmt.h"

static time_t
at(const char *s)
{
	time_t	t;

	if (timefmt_parse_when(s, &t) == -1)
		fail_msg("bad time %s", s);
	return t;
}

static void
expect_next(const char *spec, const char *last, const char *anchor,
    const char *want)
{
	struct schedule	 sc;
	char		 err[256], buf[TIMEFMT_RFC3339_LEN];
	time_t		 got;

	if (schedule_parse(spec, &sc, err, sizeof(err)) == -1)
		fail_msg("%s: %s", spec, err);
	got = schedule_next(&sc, last ? at(last) : 0, anchor ? at(anchor) : 0);
	if (want == NULL) {
		assert_int_equal(got, 0);
		return;
	}
	timefmt_rfc3339(got, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("%s after %s: %s, expected %s", spec, last ? last :
		    anchor, buf, want);
}

static void
test_named(void **state)
{
	(void)state;
	expect_next("none", "2026-01-01", NULL, NULL);
	expect_next("quarterly", "2026-01-01T00:00:00Z", NULL,
	    "2026-04-01T00:00:00Z");
	expect_next("quarterly", "2026-11-28T03:00:00Z", NULL,
	    "2027-01-01T00:00:00Z");
	/* No audit yet: the first point after the anchor. */
	expect_next("quarterly", NULL, "2026-05-15T10:00:00Z",
	    "2026-07-01T00:00:00Z");
	expect_next("monthly", "2026-01-31T23:59:59Z", NULL,
	    "2026-02-01T00:00:00Z");
	expect_next("daily", "2026-02-28T12:00:00Z", NULL,
	    "2026-03-01T00:00:00Z");
	/* 2026-11-28 is a Saturday; the next Monday is 11-30. */
	expect_next("weekly", "2026-11-28T03:00:00Z", NULL,
	    "2026-11-30T00:00:00Z");
	expect_next("weekly", "2026-11-30T00:00:00Z", NULL,
	    "2026-12-07T00:00:00Z");
}

static void
test_interval_calendar(void **state)
{
	struct schedule	 sc;
	char		 err[256];

	(void)state;
	expect_next("90d", "2026-01-01T00:00:00Z", NULL,
	    "2026-04-01T00:00:00Z");
	expect_next("12h", NULL, "2026-01-01T00:00:00Z",
	    "2026-01-01T12:00:00Z");
	expect_next("*-01,07-01 09:00", "2026-01-01T09:00:00Z", NULL,
	    "2026-07-01T09:00:00Z");
	expect_next("*-01,07-01 09:00", "2026-01-01T08:59:00Z", NULL,
	    "2026-01-01T09:00:00Z");
	expect_next("*-02-29 00:00", "2026-03-01T00:00:00Z", NULL,
	    "2028-02-29T00:00:00Z");
	expect_next("*-*-15 06:30", "2026-12-20T00:00:00Z", NULL,
	    "2027-01-15T06:30:00Z");
	assert_int_equal(schedule_parse("*-13-01 00:00", &sc, err,
	    sizeof(err)), -1);
	assert_int_equal(schedule_parse("*-01-32 00:00", &sc, err,
	    sizeof(err)), -1);
	assert_int_equal(schedule_parse("*-01-01 24:00", &sc, err,
	    sizeof(err)), -1);
	assert_int_equal(schedule_parse("*-01-01", &sc, err, sizeof(err)),
	    -1);
	assert_int_equal(schedule_parse("fortnightly", &sc, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "fortnightly"));
	/* Less than an hour apart is a mistake, not a schedule. */
	assert_int_equal(schedule_parse("5m", &sc, err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named),
		cmocka_unit_test(test_interval_calendar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
