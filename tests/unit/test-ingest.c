/*
 * Unit tests for daemon/ingest.c and daemon/schema.c: every refusal of
 * POST /v1/evidence that does not depend on HTTP, each asserting the
 * status, the error code and that stored evidence did not change; replay
 * rules; references to stored sections; group commit.
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


#include "digest.h"
#include "envelope.h"
#include "ingest.h"
#include "keys.h"
#include "store.h"
#include "teststore.h"
#include "tmpdir.h"
#include "xmalloc.h"

#define NOW	1795000000	/* 2026-11-18T11:06:40Z */
#define SKEW	300

struct fx {
	char			 dir[64];
	struct store		*st;
	struct ingest_keys	*keys;
	EVP_PKEY		*key;
	EVP_PKEY		*other;		/* enrolled for agent 2 */
	struct store_agent	 agent;
	struct store_agent	 agent2;
};

static void
fx_agent(struct fx *f, struct store_agent *a, const char *id, EVP_PKEY *key)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	keys_keyid(key, a->keyid);
	a->pubkey_pem = keys_public_to_pem(key);
	snprintf(a->hostname, sizeof(a->hostname), "host-%s", id);
	snprintf(a->machine_id, sizeof(a->machine_id), "m-%s", id);
	a->enrolled_at = NOW - 100;
	snprintf(a->token_id, sizeof(a->token_id), "tk_test");
	assert_int_equal(store_agent_add(f->st, a), STORE_OK);
}

static int
setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	char		 err[256];

	strcpy(f->dir, "/tmp/test-ingest.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	if ((f->st = test_store_open(f->dir, err, sizeof(err))) == NULL)
		return -1;
	f->key = keys_generate();
	f->other = keys_generate();
	f->keys = ingest_keys_new();
	fx_agent(f, &f->agent, "ag_one", f->key);
	fx_agent(f, &f->agent2, "ag_two", f->other);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	int		 rc;

	store_close(f->st);
	ingest_keys_free(f->keys);
	EVP_PKEY_free(f->key);
	EVP_PKEY_free(f->other);
	store_agent_clear(&f->agent);
	store_agent_clear(&f->agent2);
	rc = tmpdir_remove(f->dir);
	free(f);
	return rc;
}

/* Rows in a table, through a connection of our own. */
static long long
count(struct fx *f, const char *table)
{
	char		*sql = xasprintf("SELECT count(*) FROM %s", table);
	long long	 n;

	n = test_store_int(f->dir, sql);
	assert_true(n >= 0);
	free(sql);
	return n;
}

/* A full section: {"digest":..,"sources":..,"data":..}, digest computed
 * here independently of the daemon's code. */
static char *
section_full(const char *data)
{
	char	*hashed, *out, hex[DIGEST_SHA256_HEXLEN];

	hashed = xasprintf("{\"sources\":[{\"path\":\"/etc/x\",\"sha256\":"
	    "\"00\",\"size\":1}],\"data\":%s}", data);
	digest_sha256_hex(hashed, strlen(hashed), hex);
	out = xasprintf("{\"digest\":\"sha256:%s\",%s", hex, hashed + 1);
	free(hashed);
	return out;
}

static char *
section_digest(const char *data)
{
	char	*full = section_full(data), *d;

	d = xstrndup(strstr(full, "sha256:"), 71);
	free(full);
	return d;
}

/* A document for agent with seq, collected at when, and sections (the
 * text inside "sections":{...}). */
static char *
doc(const char *agent, long long seq, const char *when, const char *sections)
{
	return xasprintf("{\"schema\":\"exhibit.evidence/1\",\"agent_id\":"
	    "\"%s\",\"seq\":%lld,\"collected_at\":\"%s\",\"agent_version\":"
	    "\"0.1.0\",\"host\":{\"hostname\":\"web-1\",\"machine_id\":"
	    "\"abc\"},\"sections\":{%s},\"errors\":[]}", agent, seq, when,
	    sections);
}

static char *
doc_simple(long long seq, const char *data)
{
	char	*sec = section_full(data), *secs, *d;

	secs = xasprintf("\"sshd\":%s", sec);
	d = doc("ag_one", seq, "2026-11-18T10:00:00Z", secs);
	free(sec);
	free(secs);
	return d;
}

static char *
sign(EVP_PKEY *key, const char *payload)
{
	return envelope_sign(key, ENVELOPE_EVIDENCE_TYPE, payload,
	    strlen(payload));
}

static void
ingest(struct fx *f, const char *env, struct ingest_result *r)
{
	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	ingest_evidence(f->st, f->keys, &f->agent, env, strlen(env), NOW,
	    SKEW, "127.0.0.1:1", r);
	assert_int_equal(store_batch_commit(f->st), STORE_OK);
}

/* Ingest env and expect a refusal that leaves evidence unchanged. */
static void
refused(struct fx *f, const char *env, int status, const char *code,
    const char *in_message)
{
	struct ingest_result	r;
	long long		ev = count(f, "evidence");
	long long		sec = count(f, "sections");
	long long		es = count(f, "evidence_sections");
	long long		hosts = count(f, "hosts");

	ingest(f, env, &r);
	assert_int_equal(r.status, status);
	assert_non_null(r.error);
	assert_string_equal(r.error, code);
	if (in_message != NULL && strstr(r.message, in_message) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", r.message, in_message);
	assert_int_equal(count(f, "evidence"), ev);
	assert_int_equal(count(f, "sections"), sec);
	assert_int_equal(count(f, "evidence_sections"), es);
	assert_int_equal(count(f, "hosts"), hosts);
}

static void
test_store_and_receipt(void **state)
{
	struct fx		*f = *state;
	struct ingest_result	 r;
	char			*d = doc_simple(1, "{\"port\":22}");
	char			*env = sign(f->key, d), hex[DIGEST_SHA256_HEXLEN];

	ingest(f, env, &r);
	assert_int_equal(r.status, 201);
	assert_null(r.error);
	assert_int_equal(r.receipt.seq, 1);
	assert_true(r.receipt.evidence_id > 0);
	digest_sha256_hex(env, strlen(env), hex);
	assert_string_equal(r.receipt.digest + 7, hex);
	assert_int_equal(count(f, "evidence"), 1);
	assert_int_equal(count(f, "sections"), 1);
	assert_int_equal(count(f, "hosts"), 1);
	free(d);
	free(env);
}

static void
test_replay(void **state)
{
	struct fx		*f = *state;
	struct ingest_result	 r1, r2;
	char			*d = doc_simple(7, "{\"port\":22}");
	char			*env = sign(f->key, d), *d2, *env2;

	ingest(f, env, &r1);
	assert_int_equal(r1.status, 201);
	/* The very same bytes: the original receipt, nothing new. */
	ingest(f, env, &r2);
	assert_int_equal(r2.status, 200);
	assert_int_equal(r2.receipt.evidence_id, r1.receipt.evidence_id);
	assert_string_equal(r2.receipt.digest, r1.receipt.digest);
	assert_int_equal(count(f, "evidence"), 1);

	/* The same seq with other content: a conflict and an event. */
	d2 = doc_simple(7, "{\"port\":2222}");
	env2 = sign(f->key, d2);
	refused(f, env2, 409, "seq_conflict", "seq 7");
	assert_int_equal(count(f, "security_events"), 1);
	free(d);
	free(env);
	free(d2);
	free(env2);
}

static void
test_signature_refusals(void **state)
{
	struct fx	*f = *state;
	char		*d = doc_simple(1, "{\"port\":22}");
	char		*env = sign(f->key, d), *bad, *p;
	char		*other = sign(f->other, d);

	/* Another agent's key. */
	refused(f, other, 403, "key_mismatch", "ag_one");

	/* One flipped character of the signature. */
	bad = xstrdup(env);
	p = strstr(bad, "\"sig\":\"") + 7;
	*p = *p == 'A' ? 'B' : 'A';
	refused(f, bad, 401, "bad_signature", NULL);
	assert_int_equal(count(f, "security_events"), 1);
	free(bad);

	/* Not an envelope. */
	refused(f, "{\"payload\":1}", 400, "bad_envelope", NULL);
	refused(f, "not json", 400, "bad_envelope", NULL);
	bad = envelope_sign(f->key, "text/plain", d, strlen(d));
	refused(f, bad, 400, "bad_envelope", NULL);
	free(bad);
	free(d);
	free(env);
	free(other);
}

/* Each broken document is refused as "schema", naming the JSON path. */
static void
test_schema_refusals(void **state)
{
	struct fx	*f = *state;
	char		*sec = section_full("{\"a\":1}"), *secs, *dig;
	const struct {
		const char	*doc;
		const char	*path;
	} cases[] = {
		{ "[]", "$:" },
		{ "{\"schema\":\"exhibit.evidence/9\"}", "$.schema" },
		{ "{\"schema\":\"exhibit.evidence/1\",\"agent_id\":\"ag_one\","
		    "\"agent_version\":\"1\",\"seq\":\"1\"}", "$.seq" },
		{ "{\"schema\":\"exhibit.evidence/1\",\"agent_id\":\"ag_one\","
		    "\"agent_version\":\"1\",\"seq\":1,\"collected_at\":"
		    "\"yesterday\"}", "$.collected_at" },
		{ "{\"schema\":\"exhibit.evidence/1\",\"agent_id\":\"ag_one\","
		    "\"agent_version\":\"1\",\"seq\":1,\"collected_at\":"
		    "\"2026-11-18T10:00:00Z\",\"host\":{}}", "$.host.hostname" },
		{ "{\"schema\":\"exhibit.evidence/1\",\"evil\":1}", "$.evil" },
	};
	struct {
		char		*doc;
		const char	*path;
	} built[5];
	char	*env;
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		env = sign(f->key, cases[i].doc);
		refused(f, env, 400, "schema", cases[i].path);
		free(env);
	}

	/* Whole documents broken in one place each. */
	dig = section_digest("{\"a\":1}");
	built[0].doc = doc("ag_two", 1, "2026-11-18T10:00:00Z", "");
	built[0].path = "$.agent_id";
	secs = xasprintf("\"Bad-Name\":%s", sec);
	built[1].doc = doc("ag_one", 1, "2026-11-18T10:00:00Z", secs);
	built[1].path = "$.sections";
	free(secs);
	secs = xasprintf("\"sshd\":{\"digest\":\"md5:1\",\"sources\":[],"
	    "\"data\":{}}");
	built[2].doc = doc("ag_one", 1, "2026-11-18T10:00:00Z", secs);
	built[2].path = "$.sections.sshd.digest";
	free(secs);
	/* A digest that does not match the content. */
	secs = xasprintf("\"sshd\":{\"digest\":\"%s\",\"sources\":[],"
	    "\"data\":{\"a\":2}}", dig);
	built[3].doc = doc("ag_one", 1, "2026-11-18T10:00:00Z", secs);
	built[3].path = "$.sections.sshd.digest: does not match";
	free(secs);
	secs = xasprintf("\"sshd\":{\"digest\":\"%s\",\"unchanged_since\":5}",
	    dig);
	built[4].doc = doc("ag_one", 3, "2026-11-18T10:00:00Z", secs);
	built[4].path = "$.sections.sshd.unchanged_since";
	free(secs);
	for (i = 0; i < 5; i++) {
		env = sign(f->key, built[i].doc);
		refused(f, env, 400, "schema", built[i].path);
		free(env);
		free(built[i].doc);
	}
	/* Members reordered or spaced: the digest covers the agent's own
	 * bytes, which must be laid out as the protocol says. */
	secs = xasprintf("\"sshd\":{\"sources\":[],\"data\":{},"
	    "\"digest\":\"%s\"}", dig);
	env = doc("ag_one", 1, "2026-11-18T10:00:00Z", secs);
	free(secs);
	secs = sign(f->key, env);
	refused(f, secs, 400, "schema", "$.sections.sshd: a full section");
	free(secs);
	free(env);

	/* Not JSON at all, yet signed. */
	env = sign(f->key, "{\"schema\":");
	refused(f, env, 400, "schema", "not JSON");
	free(env);
	free(dig);
	free(sec);
}

static void
test_clock_skew(void **state)
{
	struct fx		*f = *state;
	struct ingest_result	 r;
	char			*sec = section_full("{}"), *secs, *d, *env;

	secs = xasprintf("\"sshd\":%s", sec);
	/* NOW + 301 s: refused; NOW + 300 s: accepted. */
	d = doc("ag_one", 1, "2026-11-18T11:11:41Z", secs);
	env = sign(f->key, d);
	refused(f, env, 400, "clock_skew", "ahead");
	free(d);
	free(env);
	d = doc("ag_one", 1, "2026-11-18T11:11:40Z", secs);
	env = sign(f->key, d);
	ingest(f, env, &r);
	assert_int_equal(r.status, 201);
	free(d);
	free(env);
	free(sec);
	free(secs);
}

static void
test_references(void **state)
{
	struct fx		*f = *state;
	struct ingest_result	 r;
	char			*d, *env, *dig, *secs, *body;
	size_t			 len;

	d = doc_simple(1, "{\"port\":22}");
	env = sign(f->key, d);
	ingest(f, env, &r);
	assert_int_equal(r.status, 201);
	free(d);
	free(env);

	/* The stored section, referenced: stored, sections not grown. */
	dig = section_digest("{\"port\":22}");
	secs = xasprintf("\"sshd\":{\"digest\":\"%s\",\"unchanged_since\":1}",
	    dig);
	d = doc("ag_one", 2, "2026-11-18T11:00:00Z", secs);
	env = sign(f->key, d);
	ingest(f, env, &r);
	assert_int_equal(r.status, 201);
	assert_int_equal(count(f, "sections"), 1);
	assert_int_equal(count(f, "evidence_sections"), 2);
	assert_int_equal(store_section_get(f->st, dig, &body, &len),
	    STORE_OK);
	assert_string_equal(body, "{\"sources\":[{\"path\":\"/etc/x\","
	    "\"sha256\":\"00\",\"size\":1}],\"data\":{\"port\":22}}");
	free(body);
	free(d);
	free(env);
	free(secs);

	/* Under another name, it is not a known section. */
	secs = xasprintf("\"kernel\":{\"digest\":\"%s\",\"unchanged_since\":"
	    "1}", dig);
	d = doc("ag_one", 3, "2026-11-18T11:00:00Z", secs);
	env = sign(f->key, d);
	refused(f, env, 400, "unknown_reference", "kernel");
	free(d);
	free(env);
	free(secs);
	free(dig);

	/* Another agent cannot claim ag_one's section. */
	dig = section_digest("{\"port\":22}");
	secs = xasprintf("\"sshd\":{\"digest\":\"%s\",\"unchanged_since\":1}",
	    dig);
	d = doc("ag_two", 2, "2026-11-18T11:00:00Z", secs);
	env = sign(f->other, d);
	{
		long long	ev = count(f, "evidence");

		assert_int_equal(store_batch_begin(f->st), STORE_OK);
		ingest_evidence(f->st, f->keys, &f->agent2, env, strlen(env),
		    NOW, SKEW, "127.0.0.1:1", &r);
		assert_int_equal(store_batch_commit(f->st), STORE_OK);
		assert_int_equal(r.status, 400);
		assert_string_equal(r.error, "unknown_reference");
		assert_int_equal(count(f, "evidence"), ev);
	}
	free(d);
	free(env);
	free(secs);
	free(dig);
}

/* A batch holds many documents; rolled back, it holds none, and a
 * refused document inside a batch leaves the others intact. */
static void
test_batch(void **state)
{
	struct fx		*f = *state;
	struct ingest_result	 r;
	char			*d, *env;
	long long		 seq;

	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	for (seq = 1; seq <= 5; seq++) {
		d = doc_simple(seq, seq == 3 ? "{\"x\":" : "{\"x\":1}");
		env = sign(f->key, d);
		ingest_evidence(f->st, f->keys, &f->agent, env, strlen(env),
		    NOW, SKEW, "p", &r);
		assert_int_equal(r.status, seq == 3 ? 400 : 201);
		free(d);
		free(env);
	}
	/* Not committed: another connection sees nothing yet. */
	assert_int_equal(count(f, "evidence"), 0);
	assert_int_equal(store_batch_commit(f->st), STORE_OK);
	assert_int_equal(count(f, "evidence"), 4);

	assert_int_equal(store_batch_begin(f->st), STORE_OK);
	d = doc_simple(6, "{\"x\":6}");
	env = sign(f->key, d);
	ingest_evidence(f->st, f->keys, &f->agent, env, strlen(env), NOW,
	    SKEW, "p", &r);
	assert_int_equal(r.status, 201);
	store_batch_rollback(f->st);
	assert_int_equal(count(f, "evidence"), 4);
	free(d);
	free(env);
}

/* The parsed-key cache follows the enrolled key, not the agent id. */
static void
test_key_cache(void **state)
{
	struct fx		*f = *state;
	struct ingest_result	 r;
	char			*d, *env;

	d = doc_simple(1, "{\"a\":1}");
	env = sign(f->key, d);
	ingest(f, env, &r);
	assert_int_equal(r.status, 201);
	free(d);
	free(env);

	/* ag_one now enrolled with the other key. */
	free(f->agent.pubkey_pem);
	f->agent.pubkey_pem = keys_public_to_pem(f->other);
	keys_keyid(f->other, f->agent.keyid);
	d = doc_simple(2, "{\"a\":2}");
	env = sign(f->key, d);
	refused(f, env, 403, "key_mismatch", NULL);
	free(env);
	env = sign(f->other, d);
	ingest(f, env, &r);
	assert_int_equal(r.status, 201);
	free(d);
	free(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_and_receipt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signature_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_schema_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_clock_skew, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_references, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_cache, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
