/*
 * The enrolled agent's document: agent_id and seq in the head, sections
 * the daemon holds sent as references, and references expanded back into
 * the very document that would have been sent in full.
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

/* A tiny section cache and acknowledged set, as agent-state keeps them. */
#define MAXSEC	32
struct book {
	char		*name[MAXSEC], *digest[MAXSEC], *text[MAXSEC];
	uint64_t	 since[MAXSEC];
	size_t		 n;
};

static void
book_free(struct book *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		free(b->name[i]);
		free(b->digest[i]);
		free(b->text[i]);
	}
	memset(b, 0, sizeof(*b));
}

static void
cache_full(void *arg, const char *name, const char *digest, const char *text)
{
	struct book	*b = arg;

	assert_true(b->n < MAXSEC);
	b->name[b->n] = xstrdup(name);
	b->digest[b->n] = xstrdup(digest);
	b->text[b->n] = xstrdup(text);
	b->n++;
}

static void
ack_section(void *arg, const char *name, const char *digest, uint64_t since)
{
	struct book	*b = arg;

	assert_true(b->n < MAXSEC);
	b->name[b->n] = xstrdup(name);
	b->digest[b->n] = xstrdup(digest);
	b->since[b->n] = since;
	b->n++;
}

static int
is_acked(void *arg, const char *name, const char *digest, uint64_t *since)
{
	struct book	*b = arg;
	size_t		 i;

	for (i = 0; i < b->n; i++) {
		if (strcmp(b->name[i], name) == 0 &&
		    strcmp(b->digest[i], digest) == 0) {
			*since = b->since[i];
			return 1;
		}
	}
	return 0;
}

static char *
lookup(void *arg, const char *digest)
{
	struct book	*b = arg;
	size_t		 i;

	for (i = 0; i < b->n; i++) {
		if (strcmp(b->digest[i], digest) == 0 && b->text[i] != NULL)
			return xstrdup(b->text[i]);
	}
	return NULL;
}

static char *
build(const char *root, uint64_t seq, struct book *acked, struct book *cache,
    size_t *nfull, size_t *nrefs)
{
	struct evidence_head	 eh = { 0 };
	struct hostroot		*hr;
	char			*text;

	/* One book per build: acknowledged digests, or the cache. */
	eh.agent_id = "ag_test";
	eh.seq = seq;
	if (acked != NULL) {
		eh.acked = is_acked;
		eh.arg = acked;
	}
	hr = hostroot_open(root, 4 << 20);
	assert_non_null(hr);
	if (cache != NULL && acked == NULL) {
		eh.full = cache_full;
		eh.arg = cache;
	}
	text = evidence_build(hr, NULL, 0, &eh);
	hostroot_free(hr);
	*nfull = eh.nfull;
	*nrefs = eh.nrefs;
	return text;
}

/* Two builds may straddle a second: make collected_at equal. */
static void
same_time(char *a, const char *b)
{
	char		*pa;
	const char	*pb;

	pa = strstr(a, "\"collected_at\":\"");
	pb = strstr(b, "\"collected_at\":\"");
	assert_non_null(pa);
	assert_non_null(pb);
	memcpy(pa, pb, strlen("\"collected_at\":\"2026-11-27T20:31:00Z\""));
}

static void
test_head_order(void **state)
{
	char	*root, *text;
	size_t	 nfull, nrefs;

	root = fixture_copy("debian12-hardened");
	text = build(root, 42, NULL, NULL, &nfull, &nrefs);
	assert_int_equal(strncmp(text, "{\"schema\":\"exhibit.evidence/1\","
	    "\"agent_id\":\"ag_test\",\"seq\":42,\"collected_at\":\"",
	    strlen("{\"schema\":\"exhibit.evidence/1\",\"agent_id\":"
	    "\"ag_test\",\"seq\":42,\"collected_at\":\"")), 0);
	assert_non_null(strstr(text, "\"agent_version\":"));
	assert_true(strstr(text, "\"host\":") < strstr(text, "\"sections\":"));
	assert_int_equal(nrefs, 0);
	assert_true(nfull > 5);
	free(text);

	/* Without a head: no agent_id, no seq (plain collect). */
	{
		struct hostroot	*hr = hostroot_open(root, 4 << 20);

		text = evidence_collect(hr, NULL, 0);
		hostroot_free(hr);
		assert_null(strstr(text, "\"agent_id\""));
		assert_null(strstr(text, "\"seq\""));
		free(text);
	}
	fixture_remove(root);
}

static void
test_references_and_expansion(void **state)
{
	struct book		 cache = { 0 }, acked = { 0 };
	struct json_object	*doc, *sec;
	char			*root, *d1, *d2, *d2full, *d3, *exp, err[256];
	size_t			 nfull, nrefs, nsec;
	uint64_t		 seq, v;
	int			 n;

	root = fixture_copy("debian12-hardened");
	d1 = build(root, 1, NULL, &cache, &nfull, &nrefs);
	nsec = nfull;
	assert_int_equal(cache.n, nsec);
	assert_int_equal(nrefs, 0);

	/* The daemon acknowledged document 1. */
	n = evidence_sections(d1, strlen(d1), &seq, ack_section, &acked, err,
	    sizeof(err));
	assert_int_equal(n, (int)nsec);
	assert_int_equal(seq, 1);
	assert_int_equal(acked.since[0], 1);

	/* Nothing changed: every section is a reference to seq 1. */
	d2 = build(root, 2, &acked, NULL, &nfull, &nrefs);
	assert_int_equal(nfull, 0);
	assert_int_equal(nrefs, nsec);
	assert_true(strlen(d2) < strlen(d1) / 4);
	doc = jsonutil_parse(d2, strlen(d2), err, sizeof(err));
	assert_non_null(doc);
	sec = json_object_object_get(json_object_object_get(doc, "sections"),
	    "packages");
	assert_non_null(sec);
	assert_int_equal(jsonutil_get_int64(sec, "unchanged_since",
	    (int64_t *)&v), 0);
	assert_int_equal(v, 1);
	assert_null(json_object_object_get(sec, "data"));
	json_object_put(doc);

	/* A reference carries its since forward into the next ack. */
	book_free(&acked);
	assert_int_equal(evidence_sections(d2, strlen(d2), &seq, ack_section,
	    &acked, err, sizeof(err)), (int)nsec);
	assert_int_equal(seq, 2);
	assert_int_equal(acked.since[0], 1);

	/* Expanded from the cache: byte for byte the full document. */
	d2full = build(root, 2, NULL, NULL, &nfull, &nrefs);
	exp = evidence_expand(d2, strlen(d2), lookup, &cache, err,
	    sizeof(err));
	assert_non_null(exp);
	same_time(exp, d2full);
	assert_string_equal(exp, d2full);
	free(exp);

	/* A changed section stays full; the rest are references. */
	tmproot_write(root, "etc/ssh/sshd_config",
	    "PermitRootLogin yes\nPasswordAuthentication yes\n");
	d3 = build(root, 3, &acked, NULL, &nfull, &nrefs);
	assert_true(nfull >= 1);
	assert_true(nrefs >= 1);
	assert_int_equal(nfull + nrefs, nsec);
	doc = jsonutil_parse(d3, strlen(d3), err, sizeof(err));
	assert_non_null(doc);
	sec = json_object_object_get(json_object_object_get(doc, "sections"),
	    "sshd");
	assert_non_null(json_object_object_get(sec, "data"));
	assert_null(json_object_object_get(sec, "unchanged_since"));
	sec = json_object_object_get(json_object_object_get(doc, "sections"),
	    "packages");
	assert_non_null(json_object_object_get(sec, "unchanged_since"));
	json_object_put(doc);

	/* A cache entry that is gone or altered is refused, not sent. */
	free(cache.text[1]);
	cache.text[1] = xstrdup("{\"digest\":\"sha256:00\"}");
	exp = evidence_expand(d2, strlen(d2), lookup, &cache, err,
	    sizeof(err));
	assert_null(exp);
	assert_non_null(strstr(err, "section"));
	exp = evidence_expand(d2, strlen(d2), lookup, &acked, err,
	    sizeof(err));
	assert_null(exp);
	assert_non_null(strstr(err, "no cached section"));

	free(d1);
	free(d2);
	free(d2full);
	free(d3);
	book_free(&cache);
	book_free(&acked);
	fixture_remove(root);
}

static void
test_sections_refused(void **state)
{
	uint64_t	seq;
	char		err[256];
	const char	*nosq = "{\"schema\":\"x\",\"sections\":{}}";
	const char	*bad = "{\"seq\":3,\"sections\":{\"a\":{\"digest\":"
	    "\"md5:1\"}}}";
	const char	*future = "{\"seq\":3,\"sections\":{\"a\":{\"digest\":"
	    "\"sha256:0000000000000000000000000000000000000000000000000000"
	    "000000000000\",\"unchanged_since\":4}}}";

	assert_int_equal(evidence_sections(nosq, strlen(nosq), &seq, NULL,
	    NULL, err, sizeof(err)), -1);
	assert_int_equal(evidence_sections(bad, strlen(bad), &seq, NULL,
	    NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "digest"));
	assert_int_equal(evidence_sections(future, strlen(future), &seq, NULL,
	    NULL, err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_order),
		cmocka_unit_test(test_references_and_expansion),
		cmocka_unit_test(test_sections_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
