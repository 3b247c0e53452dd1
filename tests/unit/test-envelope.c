/* Unit tests for common/envelope.c and common/keys.c. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "encode.h"
#include "envelope.h"
#include "envelope-read.h"
#include "jsonutil.h"
#include "keys.h"
#include "tmpdir.h"
#include "xmalloc.h"

#define TYPE	ENVELOPE_EVIDENCE_TYPE

static char	tmpdir[64];

static int
setup(void **state)
{
	strcpy(tmpdir, "/tmp/test-envelope.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(tmpdir);
}

static void
test_pae_spec_example(void **state)
{
	unsigned char	*pae;
	size_t		 len;
	const char	*want =
	    "DSSEv1 29 http://example.com/HelloWorld 11 hello world";

	pae = envelope_pae("http://example.com/HelloWorld", "hello world", 11,
	    &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(pae, want, len);
	free(pae);
	pae = envelope_pae("", "", 0, &len);
	assert_int_equal(len, strlen("DSSEv1 0  0 "));
	assert_memory_equal(pae, "DSSEv1 0  0 ", len);
	free(pae);
}

/* Rebuild an envelope with the given members (NULL keeps env's own). */
static char *
rebuild(const char *env, const char *type, const char *payload_b64,
    const char *sig_b64)
{
	struct json_object	*o, *s;
	char			 err[128], *out;

	o = jsonutil_parse(env, strlen(env), err, sizeof(err));
	assert_non_null(o);
	if (type != NULL)
		jsonutil_set_string(o, "payloadType", type);
	if (payload_b64 != NULL)
		jsonutil_set_string(o, "payload", payload_b64);
	if (sig_b64 != NULL) {
		s = json_object_array_get_idx(json_object_object_get(o,
		    "signatures"), 0);
		jsonutil_set_string(s, "sig", sig_b64);
	}
	out = xstrdup(jsonutil_to_string(o, 0));
	json_object_put(o);
	return out;
}

static enum envelope_status
verify(const char *env, EVP_PKEY *key, const char *type, char *err)
{
	unsigned char		*p;
	size_t			 len;
	enum envelope_status	 st;

	st = envelope_verify(env, strlen(env), key, type, &p, &len, err, 256);
	free(p);
	return st;
}

static void
test_sign_verify(void **state)
{
	EVP_PKEY		*key = keys_generate(), *other = keys_generate();
	const char		*doc = "{\"schema\":\"exhibit.evidence/1\"}";
	unsigned char		*p;
	size_t			 len;
	char			*env, err[256], *alt;

	env = envelope_sign(key, TYPE, doc, strlen(doc));
	assert_int_equal(envelope_verify(env, strlen(env), key, TYPE, &p, &len,
	    err, sizeof(err)), ENVELOPE_OK);
	assert_int_equal(len, strlen(doc));
	assert_memory_equal(p, doc, len);
	free(p);
	/* Another key: no signature of its own in there. */
	assert_int_equal(verify(env, other, TYPE, err), ENVELOPE_UNKNOWN_KEY);
	assert_non_null(strstr(err, "no signature by key"));
	/* Another type than expected. */
	assert_int_equal(verify(env, key, "text/plain", err), ENVELOPE_TYPE);
	/* URL-safe base64 is accepted as well. */
	{
		char	*b64 = base64_encode(doc, strlen(doc), BASE64_URL);

		alt = rebuild(env, NULL, b64, NULL);
		assert_int_equal(verify(alt, key, TYPE, err), ENVELOPE_OK);
		free(alt);
		free(b64);
	}
	free(env);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

static void
test_every_flipped_byte_is_refused(void **state)
{
	EVP_PKEY	*key = keys_generate();
	const char	*doc = "{\"seq\":42,\"host\":\"web-1\"}";
	unsigned char	*sig;
	size_t		 siglen, i, n = strlen(doc);
	char		*env, *b64, *bad, err[256], buf[64], type[64];
	struct json_object *o;

	env = envelope_sign(key, TYPE, doc, n);
	for (i = 0; i < n; i++) {
		memcpy(buf, doc, n);
		buf[i] ^= 0x01;
		b64 = base64_encode(buf, n, BASE64_STD);
		bad = rebuild(env, NULL, b64, NULL);
		if (verify(bad, key, TYPE, err) != ENVELOPE_BAD_SIGNATURE)
			fail_msg("payload byte %zu flipped was not refused", i);
		free(bad);
		free(b64);
	}
	/* A flipped type byte: refused as a bad signature even when the
	 * verifier is told to expect the flipped type. */
	for (i = 0; i < strlen(TYPE); i++) {
		strcpy(type, TYPE);
		type[i] ^= 0x01;
		bad = rebuild(env, type, NULL, NULL);
		if (verify(bad, key, type, err) != ENVELOPE_BAD_SIGNATURE)
			fail_msg("type byte %zu flipped was not refused", i);
		free(bad);
	}
	o = jsonutil_parse(env, strlen(env), err, sizeof(err));
	assert_int_equal(base64_decode(json_object_get_string(
	    json_object_object_get(json_object_array_get_idx(
	    json_object_object_get(o, "signatures"), 0), "sig")), 88, &sig,
	    &siglen), 0);
	json_object_put(o);
	assert_int_equal(siglen, 64);
	for (i = 0; i < siglen; i++) {
		sig[i] ^= 0x80;
		b64 = base64_encode(sig, siglen, BASE64_STD);
		bad = rebuild(env, NULL, NULL, b64);
		if (verify(bad, key, TYPE, err) != ENVELOPE_BAD_SIGNATURE)
			fail_msg("signature byte %zu flipped was not refused", i);
		free(bad);
		free(b64);
		sig[i] ^= 0x80;
	}
	free(sig);
	free(env);
	EVP_PKEY_free(key);
}

static void
test_malformed_envelopes(void **state)
{
	static const char *bad[] = {
		"", "[]", "{}", "not json",
		"{\"payloadType\":\"" TYPE "\",\"payload\":\"e30=\"}",
		"{\"payloadType\":\"" TYPE "\",\"payload\":\"e30=\",\"signatures\":[]}",
		"{\"payloadType\":\"" TYPE "\",\"payload\":\"e30\\n=\",\"signatures\":[{\"sig\":\"AA==\"}]}",
		"{\"payloadType\":\"" TYPE "\",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"x\"}]}",
		"{\"payloadType\":1,\"payload\":\"e30=\",\"signatures\":[{\"sig\":\"AA==\"}]}",
	};
	EVP_PKEY	*key = keys_generate();
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (verify(bad[i], key, TYPE, err) != ENVELOPE_SYNTAX)
			fail_msg("not refused as syntax: %s", bad[i]);
		assert_true(err[0] != '\0');
	}
	EVP_PKEY_free(key);
}

static int
spans_equal(const struct envelope_span *a, const struct envelope_span *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* text read by envelope_read() gives what json-c reads in it; returns
 * whether the one-pass reader read it. */
static int
read_as_json_does(const char *text)
{
	struct envelope_fields	 a, b;
	char			 err[256];
	size_t			 i;
	int			 simple;

	simple = envelope_read_simple(text, strlen(text), &a) == 0;
	if (!simple && envelope_read(text, strlen(text), &a, err,
	    sizeof(err)) == -1) {
		assert_int_equal(envelope_read_json(text, strlen(text), &b,
		    err, sizeof(err)), -1);
		envelope_read_clear(&b);
		return 0;
	}
	assert_int_equal(envelope_read_json(text, strlen(text), &b, err,
	    sizeof(err)), 0);
	assert_int_equal(a.has_type, b.has_type);
	assert_int_equal(a.has_payload, b.has_payload);
	assert_int_equal(a.has_sigs, b.has_sigs);
	assert_int_equal(a.nsigs, b.nsigs);
	assert_true(!a.has_type || spans_equal(&a.type, &b.type));
	assert_true(!a.has_payload || spans_equal(&a.payload, &b.payload));
	for (i = 0; i < a.nsigs && i < ENVELOPE_MAX_SIGNATURES; i++) {
		assert_int_equal(a.sigs[i].has_keyid, b.sigs[i].has_keyid);
		assert_int_equal(a.sigs[i].has_sig, b.sigs[i].has_sig);
		assert_true(!a.sigs[i].has_keyid ||
		    spans_equal(&a.sigs[i].keyid, &b.sigs[i].keyid));
		assert_true(!a.sigs[i].has_sig ||
		    spans_equal(&a.sigs[i].sig, &b.sigs[i].sig));
	}
	envelope_read_clear(&a);
	envelope_read_clear(&b);
	return simple;
}

/* The text with every from replaced by to, allocated. */
static char *
replace_all(const char *text, const char *from, const char *to)
{
	char		*out = xstrdup(""), *next;
	const char	*p = text, *q;

	while ((q = strstr(p, from)) != NULL) {
		next = xasprintf("%s%.*s%s", out, (int)(q - p), p, to);
		free(out);
		out = next;
		p = q + strlen(from);
	}
	next = xasprintf("%s%s", out, p);
	free(out);
	return next;
}

/*
 * Envelopes as signers write them take the one-pass reader; any other
 * text goes to json-c.  Both give the same members either way, and
 * verification the same verdict.
 */
static void
test_two_readers_agree(void **state)
{
	EVP_PKEY	*key = keys_generate();
	/* Its base64 holds a slash and a plus. */
	const char	*doc = "{\"note\":\"\x3f\x3f\x3f\x3e\x3e\x3e\"}";
	char		*env, *text, *body, err[256];
	size_t		 i;
	struct {
		const char	*from, *to;
		int		 simple;
		enum envelope_status verdict;
	} v[] = {
		{ NULL, NULL, 1, ENVELOPE_OK },
		{ ",", " ,\r\n\t", 1, ENVELOPE_OK },
		{ ":", " : ", 1, ENVELOPE_OK },
		{ "/", "\\/", 0, ENVELOPE_OK },		/* an escape */
		{ "{\"payloadType\"", "{\"x\":[1,null],\"payloadType\"",
		    0, ENVELOPE_OK },				/* another member */
		{ "{\"payloadType\"", "{\"payload\":\"e30=\",\"payloadType\"",
		    0, ENVELOPE_OK },		/* twice: json-c keeps the last */
		{ "[{", "[{\"sig\":\"AA==\"},{", 0, ENVELOPE_OK },
		{ "\"keyid\"", "\"keyid\":\"k\",\"keyid\"", 0, ENVELOPE_OK },
		{ "]}", "]}x", 0, ENVELOPE_SYNTAX },		/* after the end */
		{ "]}", "]", 0, ENVELOPE_SYNTAX },
		{ "\"payloadType\"", "\"payloadTyp\\u0065\"", 0, ENVELOPE_OK },
		{ "\"sig\"", "\"Sig\"", 0, ENVELOPE_SYNTAX },
		{ TYPE, "text/plain", 1, ENVELOPE_TYPE },
	};

	env = envelope_sign(key, TYPE, doc, strlen(doc));
	assert_non_null(strchr(env, '/'));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		text = v[i].from == NULL ? xstrdup(env) :
		    replace_all(env, v[i].from, v[i].to);
		if (read_as_json_does(text) != v[i].simple)
			fail_msg("%s: the one-pass reader %s it", text,
			    v[i].simple ? "did not read" : "read");
		if (verify(text, key, TYPE, err) != v[i].verdict)
			fail_msg("%s: verified as %d, not %d (%s)", text,
			    verify(text, key, TYPE, err), v[i].verdict, err);
		free(text);
	}
	/* Seventeen signatures: over the limit, counted all the same. */
	body = xstrdup("{\"sig\":\"AA==\",\"keyid\":\"k\"}");
	for (i = 1; i < ENVELOPE_MAX_SIGNATURES + 1; i++) {
		text = xasprintf("%s,{\"sig\":\"AA==\",\"keyid\":\"k\"}",
		    body);
		free(body);
		body = text;
	}
	text = xasprintf("{\"payloadType\":\"%s\",\"payload\":\"e30=\","
	    "\"signatures\":[%s]}", TYPE, body);
	assert_int_equal(read_as_json_does(text), 0);
	assert_int_equal(verify(text, key, TYPE, err), ENVELOPE_SYNTAX);
	assert_non_null(strstr(err, "17 signatures"));
	free(text);
	free(body);
	/* Not JSON at all: the same sentence as before there were two. */
	assert_int_equal(verify("{\"payload\":", key, TYPE, err),
	    ENVELOPE_SYNTAX);
	assert_non_null(strstr(err, "envelope is not valid JSON"));
	free(env);
	EVP_PKEY_free(key);
}

static void
test_keys_files(void **state)
{
	EVP_PKEY	*key = keys_generate(), *back;
	struct stat	 st;
	char		*priv, *pub, err[256], id1[KEYS_KEYID_HEXLEN];
	char		 id2[KEYS_KEYID_HEXLEN], *cmd, line[128];
	FILE		*p;

	priv = xasprintf("%s/agent.key", tmpdir);
	pub = xasprintf("%s/agent.pub", tmpdir);
	assert_int_equal(keys_save_private(priv, key), 0);
	assert_int_equal(keys_save_public(pub, key), 0);
	assert_int_equal(stat(priv, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	back = keys_load_private(priv, err, sizeof(err));
	assert_non_null(back);
	assert_string_equal(keys_keyid(key, id1), keys_keyid(back, id2));
	EVP_PKEY_free(back);
	back = keys_load_public(pub, err, sizeof(err));
	assert_non_null(back);
	assert_string_equal(keys_keyid(back, id2), id1);
	EVP_PKEY_free(back);

	/* The keyid is SHA-256 over the DER public key, as openssl sees it. */
	cmd = xasprintf("openssl pkey -pubin -in %s -outform DER | sha256sum",
	    pub);
	assert_non_null(p = popen(cmd, "r"));
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	free(cmd);
	assert_int_equal(strncmp(line, id1, 64), 0);

	/* A private key others can read is refused, with the reason. */
	assert_int_equal(chmod(priv, 0640), 0);
	assert_null(keys_load_private(priv, err, sizeof(err)));
	assert_non_null(strstr(err, "accessible by group or others"));
	assert_null(keys_load_private(pub, err, sizeof(err)));	/* 0644 */
	assert_int_equal(chmod(pub, 0600), 0);
	assert_null(keys_load_private(pub, err, sizeof(err)));	/* not private */
	assert_null(keys_public_from_pem("garbage", 7, err, sizeof(err)));
	free(priv);
	free(pub);
	EVP_PKEY_free(key);
}

/* Write len bytes to a file in tmpdir. */
static char *
write_tmp(const char *name, const void *data, size_t len)
{
	char	*path = xasprintf("%s/%s", tmpdir, name);
	FILE	*f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* Run a command with its output discarded; its exit status, or -1. */
static int
run_quiet(const char *prog, ...)
{
	va_list	 ap;
	char	*argv[16];
	pid_t	 pid;
	int	 n = 0, status, fd;

	argv[n++] = (char *)(uintptr_t)prog;
	va_start(ap, prog);
	while (n < 15 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	if ((pid = fork()) == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execvp(prog, argv);
		_exit(127);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * 1,000 random envelopes, each signature checked by the openssl command
 * line over the PAE bytes: an independent implementation agrees.
 */
static void
test_openssl_cross_check(void **state)
{
	EVP_PKEY	*key = NULL;
	struct json_object *o;
	unsigned char	 payload[2048], *sig, *pae;
	size_t		 i, len, siglen, paelen;
	char		*env, err[256], *pub = NULL, *msg, *sigf;
	char		 type[48];
	int		 rc, failures = 0;
	/* Fewer under the valgrind pass, where signing is slow. */
	size_t		 count = getenv("EXHIBIT_TEST_QUICK") ? 100 : 1000;

	for (i = 0; i < count; i++) {
		if (i % 100 == 0) {
			EVP_PKEY_free(key);
			key = keys_generate();
			free(pub);
			pub = xasprintf("%s/k.pub", tmpdir);
			assert_int_equal(keys_save_public(pub, key), 0);
		}
		len = (size_t)(random() % (long)sizeof(payload));
		RAND_bytes(payload, (int)len);
		snprintf(type, sizeof(type), "application/x-%zu", i);
		env = envelope_sign(key, type, payload, len);
		assert_int_equal(verify(env, key, type, err), ENVELOPE_OK);
		o = jsonutil_parse(env, strlen(env), err, sizeof(err));
		assert_int_equal(base64_decode(json_object_get_string(
		    json_object_object_get(json_object_array_get_idx(
		    json_object_object_get(o, "signatures"), 0), "sig")), 88,
		    &sig, &siglen), 0);
		json_object_put(o);
		pae = envelope_pae(type, payload, len, &paelen);
		/* Every tenth message is altered: openssl must refuse it. */
		if (i % 10 == 9)
			pae[paelen / 2] ^= 0x04;
		msg = write_tmp("msg", pae, paelen);
		sigf = write_tmp("sig", sig, siglen);
		rc = run_quiet("openssl", "pkeyutl", "-verify", "-pubin",
		    "-inkey", pub, "-rawin", "-in", msg, "-sigfile", sigf,
		    (char *)NULL);
		if ((i % 10 == 9) != (rc != 0)) {
			failures++;
			print_error("envelope %zu: openssl exit %d\n", i, rc);
		}
		free(msg);
		free(sigf);
		free(pae);
		free(sig);
		free(env);
	}
	EVP_PKEY_free(key);
	free(pub);
	assert_int_equal(failures, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pae_spec_example),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_every_flipped_byte_is_refused),
		cmocka_unit_test(test_malformed_envelopes),
		cmocka_unit_test(test_two_readers_agree),
		cmocka_unit_test(test_keys_files),
		cmocka_unit_test(test_openssl_cross_check),
	};

	srandom(20261127);
	return cmocka_run_group_tests_name("envelope", tests, setup, teardown);
}
