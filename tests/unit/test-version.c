/* Unit tests for common/version.c: dpkg version ordering. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "version.h"

static int
sign(int v)
{
	return v < 0 ? -1 : v > 0;
}

static void
test_dpkg_ordering(void **state)
{
	/* a, b, expected sign of cmp(a, b); cases from deb-version(7) and
	 * the tricky spots dpkg's own tests cover. */
	static const struct {
		const char	*a, *b;
		int		 want;
	} cases[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "1.0-0", 0 },		/* empty revision is "0" */
		{ "0:1.0", "1.0", 0 },		/* absent epoch is 0 */
		{ "1.0", "1.1", -1 },
		{ "1.2.3", "1.2.10", -1 },	/* numbers, not strings */
		{ "1.0", "1.0.0", -1 },
		{ "1:0.1", "2.0", 1 },		/* epoch first */
		{ "2:1.0", "10:0.1", -1 },	/* epochs as numbers */
		{ "1.0~rc1", "1.0", -1 },	/* tilde before the end */
		{ "1.0~~", "1.0~", -1 },
		{ "1.0~~a", "1.0~", -1 },
		{ "1.0~rc1", "1.0~rc2", -1 },
		{ "1.0+b1", "1.0", 1 },
		{ "1.0a", "1.0", 1 },
		{ "1.0a", "1.0+", -1 },		/* letters before symbols */
		{ "1.0-1", "1.0-1.1", -1 },
		{ "1.0-1", "1.0-1~bpo1", 1 },
		{ "B", "a", -1 },		/* ASCII order among letters */
		{ "007", "7", 0 },		/* leading zeros */
		{ "9.2p1-2+deb12u3", "9.2p1-2+deb12u4", -1 },
		{ "1:9.2p1-2+deb12u3", "9.9p1-1", 1 },
		{ "2.36-9+deb12u4", "2.36-9+deb12u10", -1 },
		{ "6.1.0-18-amd64", "6.1.0-21-amd64", -1 },
		{ "6.1.0-9-amd64", "6.1.0-18-amd64", -1 },
		{ "1.2-3-4", "1.2-3", 1 },	/* revision after the last '-' */
		{ "", "0", 0 },
		{ "a:1.0", "1.0", 1 },		/* malformed epoch stays text */
	};
	size_t	i;
	int	got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = sign(version_cmp_dpkg(cases[i].a, cases[i].b));
		if (got != cases[i].want)
			fail_msg("cmp(\"%s\", \"%s\") = %d, want %d",
			    cases[i].a, cases[i].b, got, cases[i].want);
		/* And the ordering is antisymmetric. */
		got = sign(version_cmp_dpkg(cases[i].b, cases[i].a));
		if (got != -cases[i].want)
			fail_msg("cmp(\"%s\", \"%s\") = %d, want %d",
			    cases[i].b, cases[i].a, got, -cases[i].want);
	}
}

static void
test_rpm_ordering(void **state)
{
	static const struct {
		const char	*a, *b;
		int		 want;
	} cases[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "2.0", -1 },
		{ "2.0.1", "2.0", 1 },
		{ "2.0.1a", "2.0.1", 1 },
		{ "5.5p1", "5.5p10", -1 },
		{ "10xyz", "10.1xyz", -1 },
		{ "xyz10", "xyz10.1", -1 },
		{ "1.0010", "1.9", 1 },		/* numbers, leading zeros */
		{ "1.05", "1.5", 0 },
		{ "1.0", "1", 1 },
		{ "2.50", "2.5", 1 },
		{ "1a", "1.a", 0 },		/* separators only separate */
		{ "1.0a", "1.0", 1 },
		{ "a", "1", -1 },		/* numeric segment is newer */
		{ "1.0~rc1", "1.0", -1 },	/* tilde before all */
		{ "1.0~rc1", "1.0~rc2", -1 },
		{ "1.0~rc1~git123", "1.0~rc1", -1 },
		{ "1.0^", "1.0", 1 },		/* caret after the end */
		{ "1.0^git1", "1.0.1", -1 },	/* but before anything else */
		{ "1.0^git1", "1.0^git2", -1 },
		{ "1.0^20160101", "1.0.1~rc1", -1 },
		/* full [epoch:]version-release */
		{ "8.7p1-34.el9", "8.7p1-38.el9", -1 },
		{ "1:8.7p1-34.el9", "9.0p1-1.el9", 1 },
		{ "0:1.0-1", "1.0-1", 0 },
		{ "5.14.0-427.13.1.el9_4", "5.14.0-362.8.1.el9_3", 1 },
		{ "2.34-100.el9", "2.34-100.el9_4.2", -1 },
	};
	size_t	i;
	int	got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = sign(version_cmp_rpm(cases[i].a, cases[i].b));
		if (got != cases[i].want)
			fail_msg("rpm cmp(\"%s\", \"%s\") = %d, want %d",
			    cases[i].a, cases[i].b, got, cases[i].want);
		got = sign(version_cmp_rpm(cases[i].b, cases[i].a));
		if (got != -cases[i].want)
			fail_msg("rpm cmp(\"%s\", \"%s\") = %d, want %d",
			    cases[i].b, cases[i].a, got, -cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_ordering),
		cmocka_unit_test(test_rpm_ordering),
	};

	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
