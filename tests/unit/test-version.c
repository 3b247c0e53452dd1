/*
 * Unit tests for common/version.c: dpkg, rpm and apk version ordering.
 * Expected results come from each package manager's documentation and
 * its own test vectors (deb-version(7) and dpkg's tests, rpm's
 * rpmvercmp.at, apk-tools' test/version.data), not from running this
 * code.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "version.h"

typedef int	(*cmp_fn)(const char *, const char *);

struct vcase {
	const char	*a, *b;
	int		 want;		/* sign of cmp(a, b) */
};

static int
sign(int v)
{
	return v < 0 ? -1 : v > 0;
}

static void
check_one(const char *what, cmp_fn cmp, const char *a, const char *b,
    int want)
{
	int	got;

	got = sign(cmp(a, b));
	if (got != want)
		fail_msg("%s cmp(\"%s\", \"%s\") = %d, want %d", what, a, b,
		    got, want);
}

/* Each row both ways, since a sort needs the ordering antisymmetric, and
 * each side against itself. */
static void
check_cases(const char *what, cmp_fn cmp, const struct vcase *c, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		check_one(what, cmp, c[i].a, c[i].b, c[i].want);
		check_one(what, cmp, c[i].b, c[i].a, -c[i].want);
		check_one(what, cmp, c[i].a, c[i].a, 0);
		check_one(what, cmp, c[i].b, c[i].b, 0);
	}
}

/* Versions in strictly ascending order: every pair is checked, so a
 * chain also catches an ordering that is not transitive. */
static void
check_chain(const char *what, cmp_fn cmp, const char *const *v, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		check_one(what, cmp, v[i], v[i], 0);
		for (j = i + 1; j < n; j++) {
			check_one(what, cmp, v[i], v[j], -1);
			check_one(what, cmp, v[j], v[i], 1);
		}
	}
}

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_dpkg_ordering(void **state)
{
	static const struct vcase cases[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "1.1", -1 },
		{ "1.2.3", "1.2.10", -1 },	/* numbers, not strings */
		{ "1.0", "1.0.0", -1 },
		{ "B", "a", -1 },		/* ASCII order among letters */
		/* Epochs: first, as numbers, absent is 0. */
		{ "1:1.0", "2.0", 1 },
		{ "1:0.1", "2.0", 1 },
		{ "2:1.0", "10:0.1", -1 },
		{ "0:1.0", "1.0", 0 },
		{ "1:9.2p1-2+deb12u3", "9.9p1-1", 1 },
		{ "a:1.0", "1.0", 1 },		/* malformed epoch stays text */
		/* "~" sorts before anything, even the end. */
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0~", "1.0", -1 },
		{ "1.0~~", "1.0~", -1 },
		{ "1.0~~a", "1.0~", -1 },
		{ "1.0~rc1", "1.0~rc2", -1 },
		{ "1.0~beta1", "1.0~rc1", -1 },
		{ "1.2.3-1~deb11u1", "1.2.3-1", -1 },	/* backport */
		{ "1.0-1", "1.0-1~bpo1", 1 },
		/* "+" is an ordinary symbol: after the end and after letters,
		 * before "." (ASCII among symbols). */
		{ "1.0+deb12u1", "1.0", 1 },
		{ "1.0+b1", "1.0", 1 },
		{ "1.0+deb12u1", "1.0+deb12u2", -1 },
		{ "1.0+deb12u9", "1.0+deb12u10", -1 },
		{ "1.0+deb12u1", "1.0.1", -1 },
		/* Letters: after the end, before other symbols; a digit
		 * run sorts before a letter in the same place. */
		{ "1.0a", "1.0", 1 },
		{ "1.0a", "1.0+", -1 },
		{ "1.0a", "1.0.1", -1 },
		{ "1.0", "1.a", -1 },
		{ "9.2p1-2+deb12u3", "9.2p1-2+deb12u4", -1 },
		/* Revisions: after the last '-', compared the same way. */
		{ "1.0-1", "1.0-1.1", -1 },
		{ "1.0-1", "1.0-2", -1 },
		{ "1.0-9", "1.0-10", -1 },
		{ "1.0-1", "1.0-1ubuntu1", -1 },
		{ "2.7.4-0ubuntu1", "2.7.4-0ubuntu1.1", -1 },
		{ "2.36-9+deb12u4", "2.36-9+deb12u10", -1 },
		{ "6.1.0-18-amd64", "6.1.0-21-amd64", -1 },
		{ "6.1.0-9-amd64", "6.1.0-18-amd64", -1 },
		{ "1.2-3-4", "1.2-3", 1 },
		/* An absent revision is "0" (deb-version(7)). */
		{ "1.0", "1.0-0", 0 },
		{ "1.0", "1.0-1", -1 },
		{ "1.0-0", "1.0-00", 0 },
		/* Leading zeros do not count. */
		{ "1.01", "1.1", 0 },
		{ "1.001", "1.1", 0 },
		{ "007", "7", 0 },
		{ "", "0", 0 },
	};
	static const char *const chain[] = {
		"1.0~~", "1.0~~a", "1.0~", "1.0~beta1", "1.0~rc1", "1.0",
		"1.0-1~bpo1", "1.0-1", "1.0-1+b1", "1.0-1.1", "1.0-2",
		"1.0-10", "1.0a", "1.0+deb12u1", "1.0+deb12u2", "1.0.1",
		"1.1", "1.10", "1:0.1",
	};

	check_cases("dpkg", version_cmp_dpkg, cases, NELEM(cases));
	check_chain("dpkg", version_cmp_dpkg, chain, NELEM(chain));
}

static void
test_rpm_ordering(void **state)
{
	static const struct vcase cases[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "2.0", -1 },
		{ "2.0.1", "2.0", 1 },
		{ "2.0.1a", "2.0.1", 1 },
		{ "5.5p1", "5.5p10", -1 },
		{ "10xyz", "10.1xyz", -1 },
		{ "xyz10", "xyz10.1", -1 },
		{ "1.0010", "1.9", 1 },		/* numbers, leading zeros */
		{ "1.05", "1.5", 0 },
		{ "10.0001", "10.1", 0 },
		{ "4.999.9", "5.0", -1 },
		{ "1.0", "1", 1 },
		{ "2.50", "2.5", 1 },
		/* Letters against digits: the numeric segment is newer;
		 * letters among themselves as strings. */
		{ "a", "1", -1 },
		{ "xyz.4", "8", -1 },
		{ "6.0.rc1", "6.0", 1 },
		{ "10b2", "10a1", 1 },
		{ "1.0aa", "1.0a", 1 },
		{ "1.0a", "1.0", 1 },
		/* Separators only separate. */
		{ "1a", "1.a", 0 },
		{ "2.0", "2_0", 0 },
		{ "a+", "a_", 0 },
		{ "+", "_", 0 },
		/* "~": before anything, even the end. */
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0~rc1", "1.0~rc2", -1 },
		{ "1.0~rc1~git123", "1.0~rc1", -1 },
		/* "^": after the end, before anything else. */
		{ "1.0^", "1.0", 1 },
		{ "1.0^git1", "1.0", 1 },
		{ "1.0^git1", "1.0.1", -1 },
		{ "1.0^git1", "1.01", -1 },
		{ "1.0^git1", "1.0^git2", -1 },
		{ "1.0^20160101", "1.0.1~rc1", -1 },
		{ "1.0^20160101^git1", "1.0^20160102", -1 },
		{ "1.0~rc1^git1", "1.0~rc1", 1 },
		{ "1.0^git1~pre", "1.0^git1", -1 },
		/* Epochs: first, as numbers, absent is 0. */
		{ "1:1.0", "2.0", 1 },
		{ "1:1.0-1", "1.0-1", 1 },
		{ "0:1.0-1", "1.0-1", 0 },
		{ "0:1.0", "1.0", 0 },
		{ "2:1.0", "10:0.1", -1 },
		{ "1:8.7p1-34.el9", "9.0p1-1.el9", 1 },
		/* Releases, once the versions are equal. */
		{ "8.7p1-34.el9", "8.7p1-38.el9", -1 },
		{ "1.0-9.el9", "1.0-10.el9", -1 },
		{ "1.0-1.el9", "1.0-1.el9_1", -1 },
		{ "5.14.0-427.13.1.el9_4", "5.14.0-362.8.1.el9_3", 1 },
		{ "2.34-100.el9", "2.34-100.el9_4.2", -1 },
		{ "1.1-1", "1.0-9", 1 },	/* version before release */
		/* A missing release sorts before any (rpmverCmp()); only
		 * dependency ranges let it match every release. */
		{ "1.0", "1.0-1", -1 },
	};
	static const char *const chain[] = {
		"1.0~rc1", "1.0~rc1^git1", "1.0", "1.0^", "1.0^git1",
		"1.0^git2", "1.0.1~rc1", "1.0.1", "1.0.1a", "1.0.2",
		"1.0.10", "1.1", "2.0", "1:0.1",
	};

	check_cases("rpm", version_cmp_rpm, cases, NELEM(cases));
	check_chain("rpm", version_cmp_rpm, chain, NELEM(chain));
}

static void
test_apk_ordering(void **state)
{
	static const struct vcase cases[] = {
		{ "1.0", "1.0", 0 },
		{ "1.10", "1.9", 1 },
		{ "1.2", "1.2.0", -1 },
		{ "1.2.12.1", "1.2.13", -1 },
		{ "01.2", "1.2", 0 },		/* the first number is a number */
		{ "006", "1.0.0", 1 },
		/* Later components with a leading zero compare as strings. */
		{ "1.02", "1.1", -1 },
		{ "1.2.07.8", "1.2.12.04", -1 },
		{ "1.0.1", "1.01", -1 },
		/* Revisions: present is newer than absent, even -r0. */
		{ "1.2.3", "1.2.3-r1", -1 },
		{ "1.2.3", "1.2.3-r0", -1 },
		{ "1.2.3-r9", "1.2.3-r10", -1 },
		{ "1.2.3-r0", "1.2.3-r00", 0 },
		{ "1.3-r2", "1.3.1-r0", -1 },
		/* Pre-release suffixes before the release, post after. */
		{ "1.2.3_rc1", "1.2.3", -1 },
		{ "1.2.3_rc1", "1.2.3-r0", -1 },
		{ "1.2.3_p1", "1.2.3", 1 },
		{ "1.2.3_p1", "1.2.3-r5", 1 },
		{ "1.2.3_p1", "1.2.4", -1 },
		{ "1.0_alpha", "1.0_beta", -1 },
		{ "1.0_beta", "1.0_pre", -1 },
		{ "1.0_pre", "1.0_rc", -1 },
		{ "1.0_rc", "1.0_rc1", -1 },
		{ "1.0_rc9", "1.0_rc10", -1 },
		{ "0.1.0_alpha2", "0.1.0_alpha", 1 },
		{ "0.1.0_alpha_pre2", "0.1.0_alpha", -1 },
		{ "1.0_p10-r0", "1.0_p9-r0", 1 },
		{ "6.0_pre1", "6.0", -1 },
		{ "1.0_cvs", "1.0_svn", -1 },
		{ "1.0_svn", "1.0_git", -1 },
		{ "1.0_git", "1.0_hg", -1 },
		{ "1.0_hg", "1.0_p", -1 },
		{ "2.9.11_pre20051101-r3", "2.9.11_pre20051101", 1 },
		/* Suffix numbers past 32 bits. */
		{ "1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0",
		    -1 },
		/* And past 64 bits, exactly. */
		{ "1.99999999999999999999", "1.100000000000000000000", -1 },
		/* One letter after a number. */
		{ "1.2a", "1.2", 1 },
		{ "1.2a", "1.2b", -1 },
		{ "1.2a", "1.2.1", -1 },
		{ "1.2_p1", "1.2a", -1 },
		{ "2.3.0b-r1", "2.3.0b-r2", -1 },
		/* A commit hash, compared as a string. */
		{ "1.0~abc", "1.0", 1 },
		{ "1.0~0123abc", "1.0~0123abd", -1 },
		{ "1.0~abc-r1", "1.0~abc-r2", -1 },
		/* Alpine 3.19 package versions, and neighbours of theirs. */
		{ "3.1.4-r5", "3.1.4-r6", -1 },			/* openssl */
		{ "1.2.4_git20230717-r4", "1.2.4-r2", 1 },	/* musl */
		{ "1.2.4_git20230717-r4", "1.2.4_git20230717-r5", -1 },
		{ "1.2.4_git20230717-r4", "1.2.5-r0", -1 },
		{ "6.4_p20231125-r0", "6.4-r2", 1 },		/* ncurses */
		{ "9.6_p1-r0", "9.5_p1-r0", 1 },		/* openssh */
		{ "9.6_p1-r0", "9.6-r0", 1 },
		{ "1.36.1-r15", "1.36.1-r2", 1 },		/* busybox */
		{ "2023c-r1", "2023d-r0", -1 },			/* tzdata */
		{ "2023c-r1", "2024a-r0", -1 },
		{ "20230506-r0", "20240226-r0", -1 },	/* ca-certificates */
		{ "6.6.7-r0", "6.6.14-r0", -1 },		/* linux-lts */
	};
	static const char *const chain[] = {
		"0.9", "1.0_alpha", "1.0_alpha1", "1.0_alpha2", "1.0_beta",
		"1.0_pre1", "1.0_rc1", "1.0_rc2", "1.0", "1.0-r0", "1.0-r1",
		"1.0~abc", "1.0_cvs", "1.0_svn", "1.0_git20240101", "1.0_hg",
		"1.0_p", "1.0_p1", "1.0a", "1.0b", "1.0.0", "1.0.1", "1.01",
		"1.1", "1.9", "1.10", "2", "10",
	};

	check_cases("apk", version_cmp_apk, cases, NELEM(cases));
	check_chain("apk", version_cmp_apk, chain, NELEM(chain));
}

static void
test_apk_invalid(void **state)
{
	/* Strings apk rejects: after every valid version, then bytewise
	 * among themselves. */
	static const struct vcase cases[] = {
		{ "1.0", "1.0bc", -1 },		/* two letters */
		{ "23_foo", "4_beta", 1 },	/* unknown suffix */
		{ "1.0_foo", "1.0_p1", 1 },
		{ "1.0-1", "1.0", 1 },		/* a dpkg-style revision */
		{ "1.0-r", "1.0-r0", 1 },
		{ "1.0-r1-r2", "1.0-r1", 1 },
		{ "", "0", 1 },
		{ "v1.0", "2.0", 1 },
		{ "1..0", "99", 1 },
		{ "1.0.", "1.0", 1 },
		{ "1.0 ", "1.0", 1 },
		{ "1.0~", "1.0", 1 },
		{ "1.0~ABC", "1.0~abc", 1 },	/* hashes are lower-case */
		{ "1.0_rc1.1", "1.0_rc1", 1 },
		{ "1.0a.1", "1.0.1", 1 },
		{ "1.0\xff", "1.0", 1 },
		{ "1.0-1", "1.0bc", -1 },	/* '-' < 'b' */
		{ "abc", "ABC", 1 },
		{ "", "abc", -1 },
		{ "1.0_foo", "1.0_foo", 0 },
	};
	/* Mixed: a sort of these is the same whatever their input order. */
	static const char *const chain[] = {
		"1.0_rc1", "1.0", "1.0-r1", "2.0", "", "1.0-1", "1.0.",
		"1.0bc", "1.0~", "23_foo", "v1.0",
	};

	check_cases("apk", version_cmp_apk, cases, NELEM(cases));
	check_chain("apk", version_cmp_apk, chain, NELEM(chain));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_ordering),
		cmocka_unit_test(test_rpm_ordering),
		cmocka_unit_test(test_apk_ordering),
		cmocka_unit_test(test_apk_invalid),
	};

	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
