/*
 * Unit tests for daemon/controls.c: the ISO/IEC 27001 Annex A catalogues.
 * Besides spot checks of titles, the shape of each catalogue is checked
 * against the standard's: controls per clause, numbering without gaps,
 * order, uniqueness.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "controls.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXDEPTH	3

/* Clause (first number of the id), its theme or title, its controls. */
struct clause {
	int		 number;
	const char	*theme;
	size_t		 count;
};

static const struct clause clauses_2022[] = {
	{ 5, "Organizational", 37 },
	{ 6, "People", 8 },
	{ 7, "Physical", 14 },
	{ 8, "Technological", 34 },
};

static const struct clause clauses_2013[] = {
	{ 5, "Information security policies", 2 },
	{ 6, "Organization of information security", 7 },
	{ 7, "Human resource security", 6 },
	{ 8, "Asset management", 10 },
	{ 9, "Access control", 14 },
	{ 10, "Cryptography", 2 },
	{ 11, "Physical and environmental security", 15 },
	{ 12, "Operations security", 14 },
	{ 13, "Communications security", 7 },
	{ 14, "System acquisition, development and maintenance", 13 },
	{ 15, "Supplier relationships", 5 },
	{ 16, "Information security incident management", 7 },
	{ 17, "Information security aspects of business continuity "
	    "management", 4 },
	{ 18, "Compliance", 8 },
};

/* "A.12.4.4" -> {12, 4, 4}; the number of components, or -1 unless the
 * id is "A." and dot-separated decimal numbers without leading zeros. */
static int
parse_id(const char *id, int num[MAXDEPTH])
{
	const char	*p;
	char		*end;
	long		 v;
	int		 n = 0;

	if (strncmp(id, "A.", 2) != 0)
		return -1;
	p = id + 2;
	for (;;) {
		if (*p < '1' || *p > '9' || n == MAXDEPTH)
			return -1;
		v = strtol(p, &end, 10);
		num[n++] = (int)v;
		if (*end == '\0')
			return n;
		if (*end != '.')
			return -1;
		p = end + 1;
	}
}

static void
check_catalogue(const char *fw, size_t want, int depth,
    const struct clause *cl, size_t ncl)
{
	const struct control	*c;
	int			 prev[MAXDEPTH], num[MAXDEPTH];
	size_t			 n, i, j, k, in_clause = 0, ci = 0, len;

	n = controls_count(fw);
	assert_int_equal(n, want);
	assert_null(controls_at(fw, n));
	for (i = 0; i < n; i++) {
		c = controls_at(fw, i);
		assert_non_null(c);
		assert_string_equal(c->framework, fw);
		if (parse_id(c->id, num) != depth)
			fail_msg("%s: bad id \"%s\"", fw, c->id);

		/* Each id follows the one before it: one number goes up by
		 * one, those after it restart at 1.  So the numbering is in
		 * order (A.5.9, A.5.10), without gaps or repeats. */
		if (i == 0) {
			for (k = 0; k < (size_t)depth; k++)
				prev[k] = k == 0 ? cl[0].number - 1 : 1;
			k = 0;
		} else {
			for (k = 0; k < (size_t)depth &&
			    num[k] == prev[k]; k++)
				;
		}
		if (k == (size_t)depth || num[k] != prev[k] + 1)
			fail_msg("%s: \"%s\" does not follow its predecessor",
			    fw, c->id);
		for (j = k + 1; j < (size_t)depth; j++)
			if (num[j] != 1)
				fail_msg("%s: \"%s\" does not follow its "
				    "predecessor", fw, c->id);
		memcpy(prev, num, sizeof(prev));

		/* Controls per clause and the clause's theme or title. */
		if (num[0] != cl[ci].number) {
			if (in_clause != cl[ci].count)
				fail_msg("%s: A.%d has %zu controls, want %zu",
				    fw, cl[ci].number, in_clause, cl[ci].count);
			ci++;
			in_clause = 0;
			assert_true(ci < ncl);
			assert_int_equal(num[0], cl[ci].number);
		}
		in_clause++;
		assert_string_equal(c->theme, cl[ci].theme);

		/* Titles are trimmed single-spaced text. */
		len = strlen(c->title);
		if (len == 0 || c->title[0] == ' ' ||
		    c->title[len - 1] == ' ' || strstr(c->title, "  ") != NULL)
			fail_msg("%s %s: title \"%s\"", fw, c->id, c->title);

		/* Lookup by id finds this very entry. */
		assert_ptr_equal(controls_find(fw, c->id), c);
	}
	assert_int_equal(ci, ncl - 1);
	assert_int_equal(in_clause, cl[ci].count);

	/* Unique ids, checked directly rather than through the order. */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(controls_at(fw, i)->id,
			    controls_at(fw, j)->id) == 0)
				fail_msg("%s: %s twice", fw,
				    controls_at(fw, i)->id);
}

static void
test_catalogue_2022(void **state)
{
	assert_true(controls_framework_known(CONTROLS_ISO27001_2022));
	assert_string_equal(CONTROLS_ISO27001_2022, "iso27001:2022");
	check_catalogue("iso27001:2022", 93, 2, clauses_2022,
	    NELEM(clauses_2022));
}

static void
test_catalogue_2013(void **state)
{
	assert_true(controls_framework_known(CONTROLS_ISO27001_2013));
	assert_string_equal(CONTROLS_ISO27001_2013, "iso27001:2013");
	check_catalogue("iso27001:2013", 114, 3, clauses_2013,
	    NELEM(clauses_2013));
}

static void
test_titles(void **state)
{
	static const struct {
		const char	*fw, *id, *title, *theme;
	} want[] = {
		{ "iso27001:2022", "A.5.1", "Policies for information security",
		    "Organizational" },
		{ "iso27001:2022", "A.5.17", "Authentication information",
		    "Organizational" },
		{ "iso27001:2022", "A.5.23",
		    "Information security for use of cloud services",
		    "Organizational" },
		{ "iso27001:2022", "A.6.7", "Remote working", "People" },
		{ "iso27001:2022", "A.7.4", "Physical security monitoring",
		    "Physical" },
		{ "iso27001:2022", "A.8.8",
		    "Management of technical vulnerabilities",
		    "Technological" },
		{ "iso27001:2022", "A.8.9", "Configuration management",
		    "Technological" },
		{ "iso27001:2022", "A.8.17", "Clock synchronization",
		    "Technological" },
		{ "iso27001:2022", "A.8.20", "Networks security",
		    "Technological" },
		{ "iso27001:2022", "A.8.34",
		    "Protection of information systems during audit testing",
		    "Technological" },
		{ "iso27001:2013", "A.5.1.1", "Policies for information security",
		    "Information security policies" },
		{ "iso27001:2013", "A.9.4.3", "Password management system",
		    "Access control" },
		{ "iso27001:2013", "A.10.1.2", "Key management",
		    "Cryptography" },
		{ "iso27001:2013", "A.12.4.4", "Clock synchronisation",
		    "Operations security" },
		{ "iso27001:2013", "A.12.6.1",
		    "Management of technical vulnerabilities",
		    "Operations security" },
		{ "iso27001:2013", "A.13.1.3", "Segregation in networks",
		    "Communications security" },
		{ "iso27001:2013", "A.18.2.3", "Technical compliance review",
		    "Compliance" },
	};
	const struct control	*c;
	size_t			 i;

	for (i = 0; i < NELEM(want); i++) {
		c = controls_find(want[i].fw, want[i].id);
		if (c == NULL)
			fail_msg("%s %s not found", want[i].fw, want[i].id);
		assert_string_equal(c->framework, want[i].fw);
		assert_string_equal(c->id, want[i].id);
		assert_string_equal(c->title, want[i].title);
		assert_string_equal(c->theme, want[i].theme);
	}
}

static void
test_order(void **state)
{
	const char	*fw = CONTROLS_ISO27001_2022;

	/* Numeric, not lexical: "A.5.10" < "A.5.9" as strings. */
	assert_string_equal(controls_at(fw, 0)->id, "A.5.1");
	assert_string_equal(controls_at(fw, 8)->id, "A.5.9");
	assert_string_equal(controls_at(fw, 9)->id, "A.5.10");
	assert_string_equal(controls_at(fw, 36)->id, "A.5.37");
	assert_string_equal(controls_at(fw, 37)->id, "A.6.1");
	assert_string_equal(controls_at(fw, 92)->id, "A.8.34");

	fw = CONTROLS_ISO27001_2013;
	assert_string_equal(controls_at(fw, 0)->id, "A.5.1.1");
	assert_string_equal(controls_at(fw, 38)->id, "A.9.4.5");
	assert_string_equal(controls_at(fw, 39)->id, "A.10.1.1");
	assert_string_equal(controls_at(fw, 113)->id, "A.18.2.3");
}

static void
test_unknown(void **state)
{
	static const char *const frameworks[] = {
		"iso27001", "ISO27001:2022", "iso27001:2017", "iso27002:2022",
		"iso27001:2022 ", "",
	};
	static const struct {
		const char	*fw, *id;
	} ids[] = {
		{ "iso27001:2022", "A.5.38" },
		{ "iso27001:2022", "A.6.9" },
		{ "iso27001:2022", "A.8.35" },
		{ "iso27001:2022", "A.9.1" },
		{ "iso27001:2022", "A.4.1" },
		{ "iso27001:2022", "A.5.0" },
		{ "iso27001:2022", "A.9.4.3" },		/* the other edition */
		{ "iso27001:2013", "A.5.17" },
		{ "iso27001:2013", "A.9.4.6" },
		{ "iso27001:2013", "A.19.1.1" },
		{ "iso27001:2022", "a.5.17" },		/* exact spelling only */
		{ "iso27001:2022", "5.17" },
		{ "iso27001:2022", "A.05.17" },
		{ "iso27001:2022", "A.5.17 " },
		{ "iso27001:2022", "A.5" },
		{ "iso27001:2022", "" },
	};
	size_t	i;

	for (i = 0; i < NELEM(frameworks); i++) {
		assert_false(controls_framework_known(frameworks[i]));
		assert_int_equal(controls_count(frameworks[i]), 0);
		assert_null(controls_at(frameworks[i], 0));
		assert_null(controls_find(frameworks[i], "A.5.17"));
	}
	assert_false(controls_framework_known(NULL));
	assert_int_equal(controls_count(NULL), 0);
	assert_null(controls_at(NULL, 0));
	assert_null(controls_find(NULL, "A.5.17"));
	assert_null(controls_find(CONTROLS_ISO27001_2022, NULL));

	for (i = 0; i < NELEM(ids); i++)
		if (controls_find(ids[i].fw, ids[i].id) != NULL)
			fail_msg("%s \"%s\" found", ids[i].fw, ids[i].id);

	assert_null(controls_at(CONTROLS_ISO27001_2022, 93));
	assert_null(controls_at(CONTROLS_ISO27001_2013, 114));
	assert_null(controls_at(CONTROLS_ISO27001_2013, SIZE_MAX));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_2022),
		cmocka_unit_test(test_catalogue_2013),
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests_name("controls", tests, NULL, NULL);
}
