/* Unit tests for daemon/metrics.c: the registry and its rendering in
 * the Prometheus text exposition format 0.0.4. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static void
expect_render(const struct metrics *m, const char *want)
{
	char	*text;
	size_t	 len;

	text = metrics_render(m, &len);
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	free(text);
}

static void
test_render(void **state)
{
	static const double	 bounds[] = { 0.005, 0.1, 1 };
	struct metrics		*m = metrics_new();
	struct metric		*c, *g, *h, *u;

	(void)state;
	c = metrics_add(m, METRIC_COUNTER, "x_requests_total",
	    "Requests, by code.", "code");
	g = metrics_add(m, METRIC_GAUGE, "x_items",
	    "Help with a \\ backslash\nand a newline \"quoted\".", "kind");
	u = metrics_add(m, METRIC_GAUGE, "x_up", "Up.", NULL);
	h = metrics_add_histogram(m, "x_seconds", "Durations.", bounds, 3);

	/* Series sorted by label value, whatever the order of events. */
	metric_inc(c, "400", 1);
	metric_inc(c, "201", 1);
	metric_inc(c, "201", 2);
	metric_set(g, "back\\slash", 2);
	metric_set(g, "say \"hi\"", 1.5);
	metric_set(g, "two\nlines", 3);
	metric_set(u, NULL, 1);
	metric_observe(h, 0.005);	/* le is inclusive */
	metric_observe(h, 0.05);
	metric_observe(h, 0.07);
	metric_observe(h, 20);		/* only +Inf */

	expect_render(m,
	    "# HELP x_requests_total Requests, by code.\n"
	    "# TYPE x_requests_total counter\n"
	    "x_requests_total{code=\"201\"} 3\n"
	    "x_requests_total{code=\"400\"} 1\n"
	    "# HELP x_items Help with a \\\\ backslash\\nand a newline "
	    "\"quoted\".\n"
	    "# TYPE x_items gauge\n"
	    "x_items{kind=\"back\\\\slash\"} 2\n"
	    "x_items{kind=\"say \\\"hi\\\"\"} 1.5\n"
	    "x_items{kind=\"two\\nlines\"} 3\n"
	    "# HELP x_up Up.\n"
	    "# TYPE x_up gauge\n"
	    "x_up 1\n"
	    "# HELP x_seconds Durations.\n"
	    "# TYPE x_seconds histogram\n"
	    "x_seconds_bucket{le=\"0.005\"} 1\n"
	    "x_seconds_bucket{le=\"0.1\"} 3\n"
	    "x_seconds_bucket{le=\"1\"} 3\n"
	    "x_seconds_bucket{le=\"+Inf\"} 4\n"
	    "x_seconds_sum 20.125\n"
	    "x_seconds_count 4\n");

	/* Cleared gauges lose their series; set ones come back. */
	metric_clear(g);
	metric_set(g, "only", 7);
	metric_clear(c);
	metric_observe(h, 0.5);
	expect_render(m,
	    "# HELP x_requests_total Requests, by code.\n"
	    "# TYPE x_requests_total counter\n"
	    "# HELP x_items Help with a \\\\ backslash\\nand a newline "
	    "\"quoted\".\n"
	    "# TYPE x_items gauge\n"
	    "x_items{kind=\"only\"} 7\n"
	    "# HELP x_up Up.\n"
	    "# TYPE x_up gauge\n"
	    "x_up 1\n"
	    "# HELP x_seconds Durations.\n"
	    "# TYPE x_seconds histogram\n"
	    "x_seconds_bucket{le=\"0.005\"} 1\n"
	    "x_seconds_bucket{le=\"0.1\"} 3\n"
	    "x_seconds_bucket{le=\"1\"} 4\n"
	    "x_seconds_bucket{le=\"+Inf\"} 5\n"
	    "x_seconds_sum 20.625\n"
	    "x_seconds_count 5\n");
	metrics_free(m);
}

static void
test_empty(void **state)
{
	struct metrics	*m = metrics_new();

	(void)state;
	expect_render(m, "");
	metrics_free(m);
}

static void
test_values(void **state)
{
	char	buf[64];

	(void)state;
	metrics_format_value(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	metrics_format_value(123456789012, buf, sizeof(buf));
	assert_string_equal(buf, "123456789012");
	metrics_format_value(-3, buf, sizeof(buf));
	assert_string_equal(buf, "-3");
	metrics_format_value(0.1, buf, sizeof(buf));
	assert_string_equal(buf, "0.1");
	metrics_format_value(0.0025, buf, sizeof(buf));
	assert_string_equal(buf, "0.0025");
	metrics_format_value(1.0 / 3, buf, sizeof(buf));
	assert_true(strtod(buf, NULL) == 1.0 / 3);
	metrics_format_value(1e20, buf, sizeof(buf));
	assert_string_equal(buf, "1e+20");
	metrics_format_value(INFINITY, buf, sizeof(buf));
	assert_string_equal(buf, "+Inf");
	metrics_format_value(-INFINITY, buf, sizeof(buf));
	assert_string_equal(buf, "-Inf");
	metrics_format_value(NAN, buf, sizeof(buf));
	assert_string_equal(buf, "NaN");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
