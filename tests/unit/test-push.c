/*
 * The pipeline and the push loop without a network: client_request() is
 * replaced (-Wl,--wrap) by answers the test scripts, as exhibitd would
 * give them per doc/protocol.md.
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

#include "agent-state.h"
#include "client.h"
#include "collect-test.h"
#include "digest.h"
#include "envelope.h"
#include "hostroot.h"
#include "fileio.h"
#include "jsonutil.h"
#include "keys.h"
#include "pipeline.h"
#include "push.h"
#include "spool.h"
#include "tmpdir.h"
#include "xmalloc.h"

int	__wrap_client_request(struct client *, const char *, const char *,
	    const char *, const void *, size_t, struct client_response *,
	    char *, size_t);

static char	*last_body;	/* the envelope last "sent" */

/* will_return: the status (0: no answer), then the error code; for
 * 200/201, code "ok" gives the right receipt digest, else a wrong one. */
int
__wrap_client_request(struct client *cl, const char *method,
    const char *path, const char *ctype, const void *body, size_t len,
    struct client_response *r, char *err, size_t errlen)
{
	long		 status = mock_type(long);
	const char	*code = mock_ptr_type(const char *);
	char		 hex[DIGEST_SHA256_HEXLEN];

	assert_string_equal(method, "POST");
	assert_string_equal(path, "/v1/evidence");
	free(last_body);
	last_body = xstrndup(body, len);
	memset(r, 0, sizeof(*r));
	if (status == 0) {
		snprintf(err, errlen, "connection refused");
		return -1;
	}
	r->status = status;
	r->json = json_object_new_object();
	if (status == 200 || status == 201) {
		digest_sha256_hex(body, len, hex);
		if (strcmp(code, "ok") != 0)
			hex[0] = hex[0] == '0' ? '1' : '0';
		r->body = xasprintf("sha256:%s", hex);
		jsonutil_set_string(r->json, "digest", r->body);
		r->error = r->message = "";
	} else {
		jsonutil_set_string(r->json, "error", code);
		jsonutil_set_string(r->json, "message", "scripted refusal");
		r->error = code;
		r->message = "scripted refusal";
	}
	return 0;
}

static void
answer(long status, const char *code)
{
	will_return(__wrap_client_request, status);
	will_return(__wrap_client_request, code);
}

struct fx {
	char			*root, *sd, *rejected;
	struct agent_state	*st;
	struct spool		*sp;
	struct hostroot		*hr;
	EVP_PKEY		*key;
};

static int
setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	char		 err[256], *spdir;

	f->root = fixture_copy("debian12-hardened");
	f->sd = xasprintf("%s.state", f->root);
	if ((f->st = agent_state_open(f->sd, 1, err, sizeof(err))) == NULL)
		return -1;
	if (agent_state_save_identity(f->st, "ag_test", "https://x") == -1)
		return -1;
	spdir = agent_state_path(f->st, AGENT_STATE_SPOOL);
	f->sp = spool_open(spdir, err, sizeof(err));
	free(spdir);
	f->rejected = agent_state_path(f->st, AGENT_STATE_REJECTED);
	f->hr = hostroot_open(f->root, 4 << 20);
	f->key = keys_generate();
	*state = f;
	return f->sp == NULL || f->hr == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	int		 rc = tmpdir_remove(f->sd);

	spool_close(f->sp);
	agent_state_close(f->st);
	hostroot_free(f->hr);
	EVP_PKEY_free(f->key);
	fixture_remove(f->root);
	free(f->sd);
	free(f->rejected);
	free(f);
	free(last_body);
	last_body = NULL;
	return rc;
}

static void
produce(struct fx *f, uint64_t cap, struct pipeline_result *res)
{
	assert_int_equal(pipeline_produce(f->st, f->hr, f->key, f->sp, cap,
	    res), 0);
}

static void
test_receipt_digest(void **state)
{
	struct json_object	*r;
	const char		*env = "{\"payload\":\"x\"}";
	char			 hex[DIGEST_SHA256_HEXLEN], *d;

	digest_sha256_hex(env, strlen(env), hex);
	r = json_object_new_object();
	assert_false(push_receipt_ok(r, env, strlen(env)));
	d = xasprintf("sha256:%s", hex);
	jsonutil_set_string(r, "digest", d);
	assert_true(push_receipt_ok(r, env, strlen(env)));
	/* One byte more or less is another envelope. */
	assert_false(push_receipt_ok(r, env, strlen(env) - 1));
	jsonutil_set_string(r, "digest", hex);		/* no prefix */
	assert_false(push_receipt_ok(r, env, strlen(env)));
	jsonutil_set_string(r, "digest", "sha256:");
	assert_false(push_receipt_ok(r, env, strlen(env)));
	assert_false(push_receipt_ok(NULL, env, strlen(env)));
	free(d);
	json_object_put(r);
}

static void
test_spool_cap(void **state)
{
	struct fx		*f = *state;
	struct pipeline_result	 res;
	unsigned char		*payload;
	size_t			 plen;
	char			 err[256];

	/* Under the cap: a full document is spooled with seq 1. */
	produce(f, 1, &res);
	assert_true(res.spooled);
	assert_int_equal(res.seq, 1);
	assert_true(res.nfull > 0);
	assert_int_equal(envelope_verify(res.envelope, strlen(res.envelope),
	    f->key, ENVELOPE_EVIDENCE_TYPE, &payload, &plen, err,
	    sizeof(err)), ENVELOPE_OK);
	pipeline_result_free(&res);

	/* At the cap, nothing acknowledged: not spooled, no seq taken, and
	 * the spooled envelope stays. */
	produce(f, 1, &res);
	assert_false(res.spooled);
	assert_int_equal(res.seq, 0);
	assert_int_equal(agent_state_seq(f->st), 1);
	assert_int_equal(spool_count(f->sp), 1);
	pipeline_result_free(&res);

	/* Once document 1 is acknowledged, an unchanged host makes an
	 * all-reference document: small, spooled even at the cap. */
	assert_int_equal(agent_state_ack(f->st, (char *)payload, plen, err,
	    sizeof(err)), 0);
	free(payload);
	produce(f, 1, &res);
	assert_true(res.spooled);
	assert_int_equal(res.seq, 2);
	assert_int_equal(res.nfull, 0);
	assert_true(res.nrefs > 0);
	assert_int_equal(spool_count(f->sp), 2);
	pipeline_result_free(&res);
}

static void
test_drain(void **state)
{
	struct fx		*f = *state;
	struct pipeline_result	 res;
	struct push_ctx		 px = { 0 };
	uint64_t		 seq;
	char			*env;
	size_t			 len;

	px.st = f->st;
	px.sp = f->sp;
	px.key = f->key;
	px.rejected_dir = f->rejected;

	/* Acknowledged with the right digest: removed, sections acked. */
	produce(f, UINT64_MAX, &res);
	pipeline_result_free(&res);
	answer(201, "ok");
	assert_int_equal(push_drain(&px), PUSH_DONE);
	assert_int_equal(px.sent, 1);
	assert_int_equal(spool_count(f->sp), 0);
	assert_int_equal(agent_state_acked_seq(f->st), 1);

	/* Seq 2 is all references; the daemon lacks one: the same seq is
	 * re-signed in full, then accepted. */
	produce(f, UINT64_MAX, &res);
	assert_int_equal(res.nfull, 0);
	pipeline_result_free(&res);
	answer(400, "unknown_reference");
	answer(201, "ok");
	assert_int_equal(push_drain(&px), PUSH_DONE);
	assert_int_equal(px.sent, 1);
	assert_non_null(strstr(last_body, "\"payload\""));
	{
		unsigned char	*p;
		size_t		 plen;
		char		 err[256];

		assert_int_equal(envelope_verify(last_body, strlen(last_body),
		    f->key, ENVELOPE_EVIDENCE_TYPE, &p, &plen, err,
		    sizeof(err)), ENVELOPE_OK);
		assert_non_null(strstr((char *)p, "\"seq\":2,"));
		assert_null(strstr((char *)p, "unchanged_since"));
		free(p);
	}
	assert_int_equal(agent_state_acked_seq(f->st), 2);

	/* A wrong receipt digest, busy, no answer: kept, retried later. */
	produce(f, UINT64_MAX, &res);
	pipeline_result_free(&res);
	answer(201, "bad");
	assert_int_equal(push_drain(&px), PUSH_RETRY);
	answer(503, "busy");
	assert_int_equal(push_drain(&px), PUSH_RETRY);
	answer(0, "");
	assert_int_equal(push_drain(&px), PUSH_RETRY);
	assert_int_equal(spool_count(f->sp), 1);
	assert_int_equal(px.sent, 0);

	/* Refused for good: moved to rejected/, the next one goes on. */
	produce(f, UINT64_MAX, &res);
	pipeline_result_free(&res);
	answer(409, "seq_conflict");
	answer(201, "ok");
	assert_int_equal(push_drain(&px), PUSH_DONE);
	assert_int_equal(px.rejected, 1);
	assert_int_equal(px.sent, 1);
	assert_int_equal(fileio_count_entries(f->rejected), 1);

	/* Revoked: stop, keep everything. */
	produce(f, UINT64_MAX, &res);
	pipeline_result_free(&res);
	answer(403, "agent_revoked");
	assert_int_equal(push_drain(&px), PUSH_STOP);
	assert_int_equal(spool_count(f->sp), 1);
	assert_int_equal(spool_oldest(f->sp, &seq, &env, &len), 0);
	assert_int_equal(seq, 5);
	free(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receipt_digest),
		cmocka_unit_test_setup_teardown(test_spool_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drain, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
