/*
 * Whole documents from every fixture root: every registered collector
 * runs, nothing crashes, the output is stable, and no secret leaves the
 * host (password hashes, private keys, authorized_keys bodies).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect-test.h"
#include "evidence.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "xmalloc.h"

static const char *const fixtures[] = {
	"debian12-default", "debian12-hardened", "debian12-weak",
	"debian12-drifted", "rhel9", "alpine", "hostile",
};

/* Text that must never appear in a document. */
static const char *const secrets[] = {
	"$6$", "$5$", "$y$", "$1$", "$2b$", "$2y$", "$gy$",	/* hashes */
	"PRIVATE KEY", "FIXTURE PLACEHOLDER",			/* key files */
	"AAAAC3NzaC1lZDI1NTE5AAAA",	/* an ssh-ed25519 key body */
	"AAAAB3NzaC1yc2EAAAA",		/* an ssh-rsa key body */
	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAA",	/* ecdsa-sha2-nistp256 */
};

static struct json_object *
collect_fixture(const char *name, char **copy)
{
	struct hostroot		*hr;
	struct json_object	*doc;

	*copy = fixture_copy(name);
	hr = hostroot_open(*copy, 4 << 20);
	assert_non_null(hr);
	doc = collect_document(hr, NULL, 0);
	hostroot_free(hr);
	return doc;
}

static void
test_no_secrets(void **state)
{
	struct json_object	*doc;
	const char		*text;
	char			*copy;
	size_t			 i, j;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		doc = collect_fixture(fixtures[i], &copy);
		text = jsonutil_to_string(doc, 0);
		for (j = 0; j < sizeof(secrets) / sizeof(secrets[0]); j++) {
			if (strstr(text, secrets[j]) != NULL)
				fail_msg("%s: the document contains \"%s\"",
				    fixtures[i], secrets[j]);
		}
		json_object_put(doc);
		fixture_remove(copy);
	}
}

static void
test_every_collector_runs_everywhere(void **state)
{
	struct json_object	*doc, *sections;
	size_t			 i, ncoll;
	char			*copy;

	(void)evidence_collectors(&ncoll);
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		doc = collect_fixture(fixtures[i], &copy);
		sections = jpath(doc, "sections");
		assert_non_null(sections);
		if ((size_t)json_object_object_length(sections) != ncoll)
			fail_msg("%s: %d sections, %zu collectors", fixtures[i],
			    json_object_object_length(sections), ncoll);
		json_object_object_foreach(sections, name, sec) {
			if (jpath(sec, "digest") == NULL ||
			    jpath(sec, "data") == NULL ||
			    jpath(sec, "sources") == NULL)
				fail_msg("%s: section %s incomplete",
				    fixtures[i], name);
		}
		json_object_put(doc);
		fixture_remove(copy);
	}
}

static void
test_stable_documents(void **state)
{
	struct json_object	*a, *b;
	char			*copy, *first;
	struct hostroot		*hr;
	size_t			 i;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		a = collect_fixture(fixtures[i], &copy);
		hr = hostroot_open(copy, 4 << 20);
		b = collect_document(hr, NULL, 0);
		hostroot_free(hr);
		json_object_object_del(a, "collected_at");
		json_object_object_del(b, "collected_at");
		first = xstrdup(jsonutil_to_string(a, 0));
		if (strcmp(first, jsonutil_to_string(b, 0)) != 0)
			fail_msg("%s: two collections differ", fixtures[i]);
		free(first);
		json_object_put(a);
		json_object_put(b);
		fixture_remove(copy);
	}
}

/* The status of a source of a section in a whole document ("read" when
 * it was read), or NULL when the path is not among its sources. */
static const char *
source_status(struct json_object *doc, const char *section, const char *path)
{
	struct json_object	*srcs, *src;
	const char		*p, *st;
	char			 key[64];
	size_t			 i;

	snprintf(key, sizeof(key), "sections.%s.sources", section);
	if ((srcs = jpath(doc, key)) == NULL)
		return NULL;
	for (i = 0; i < json_object_array_length(srcs); i++) {
		src = json_object_array_get_idx(srcs, i);
		if (jsonutil_get_string(src, "path", &p) == 0 &&
		    strcmp(p, path) == 0)
			return jsonutil_get_string(src, "status", &st) == 0 ?
			    st : "read";
	}
	return NULL;
}

static void
test_hostile_root_reports_errors(void **state)
{
	struct json_object	*doc, *errors;
	char			*copy;

	doc = collect_fixture("hostile", &copy);
	errors = jpath(doc, "errors");
	assert_non_null(errors);
	/* Loops, garbage and a directory for a file: errors, not values. */
	assert_true(json_object_array_length(errors) > 3);
	assert_null(jpath(doc, "sections.host.data.hostname"));
	assert_null(jpath(doc, "sections.host.data.machine_id"));
	/* The extras the setup makes: refused, named, never read whole. */
	assert_string_equal(source_status(doc, "sshd",
	    "/etc/ssh/sshd_config.d/65-fifo.conf"), "not_a_file");
	assert_string_equal(source_status(doc, "packages",
	    "/var/log/dpkg.log"), "binary");
	assert_non_null(strstr(jsonutil_to_string(jpath(doc,
	    "sections.kernel.sources"), 0), "/etc/sysctl.d/\\\\xff\\\\xfe.conf"));
	json_object_put(doc);
	fixture_remove(copy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_secrets),
		cmocka_unit_test(test_every_collector_runs_everywhere),
		cmocka_unit_test(test_stable_documents),
		cmocka_unit_test(test_hostile_root_reports_errors),
	};

	return cmocka_run_group_tests_name("evidence", tests, NULL, NULL);
}
