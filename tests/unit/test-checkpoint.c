/*
 * Unit tests for common/checkpoint.c: signed notes round-trip, the text
 * and key id follow C2SP signed-note, and every alteration is refused.
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

#include <openssl/evp.h>

#include "checkpoint.h"
#include "digest.h"
#include "encode.h"
#include "keys.h"
#include "xmalloc.h"

#define NAME	"exhibit/0123456789abcdef"

static struct checkpoint
example(void)
{
	struct checkpoint	cp;

	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), NAME);
	cp.size = 1234;
	memset(cp.root, 0xab, sizeof(cp.root));
	return cp;
}

static int
verify(const char *note, EVP_PKEY *key, const char *name)
{
	struct checkpoint	cp;
	char			err[256];

	return checkpoint_verify(note, strlen(note), key, name, &cp, err,
	    sizeof(err));
}

static void
test_round_trip(void **state)
{
	struct checkpoint	 cp = example(), got;
	EVP_PKEY		*key = keys_generate();
	unsigned char		 pub[32], want[DIGEST_SHA256_LEN], id[4];
	unsigned char		*sig;
	char			*note, *root, *text, *line, buf[128], err[256];
	size_t			 publen = sizeof(pub), siglen;

	(void)state;
	note = checkpoint_sign(&cp, key, NAME, err, sizeof(err));
	assert_non_null(note);
	/* The text: origin, size, base64 root, blank line, one signature
	 * line starting with an em dash. */
	root = base64_encode(cp.root, sizeof(cp.root), BASE64_STD);
	text = xasprintf(NAME "\n1234\n%s\n\n\xe2\x80\x94 " NAME " ", root);
	assert_int_equal(strncmp(note, text, strlen(text)), 0);
	assert_int_equal(note[strlen(note) - 1], '\n');
	/* The key id: SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
	assert_int_equal(EVP_PKEY_get_raw_public_key(key, pub, &publen), 1);
	snprintf(buf, sizeof(buf), NAME "\n\x01");
	memcpy(buf + strlen(buf), pub, sizeof(pub));
	digest_sha256(buf, strlen(NAME) + 2 + sizeof(pub), want);
	assert_int_equal(checkpoint_keyid(key, NAME, id), 0);
	assert_memory_equal(id, want, 4);
	line = note + strlen(text);
	assert_int_equal(base64_decode(line, strlen(line) - 1, &sig, &siglen),
	    0);
	assert_int_equal(siglen, 68);
	assert_memory_equal(sig, want, 4);
	free(sig);

	assert_int_equal(checkpoint_verify(note, strlen(note), key, NAME, &got,
	    err, sizeof(err)), 0);
	assert_string_equal(got.origin, NAME);
	assert_int_equal(got.size, 1234);
	assert_memory_equal(got.root, cp.root, sizeof(cp.root));
	free(root);
	free(text);
	free(note);
	EVP_PKEY_free(key);
}

static void
test_refusals(void **state)
{
	struct checkpoint	 cp = example();
	EVP_PKEY		*key = keys_generate(), *other = keys_generate();
	char			*note, *bad, *p, *osig, err[256];
	size_t			 i, len;

	(void)state;
	note = checkpoint_sign(&cp, key, NAME, err, sizeof(err));
	assert_non_null(note);
	len = strlen(note);
	/* Another key, another name. */
	assert_int_equal(verify(note, other, NAME), -1);
	assert_int_equal(verify(note, key, "exhibit/other"), -1);
	/* Any byte of the text changed. */
	for (i = 0; note[i] != '\n' || note[i + 1] != '\n'; i++) {
		bad = xstrdup(note);
		bad[i] = bad[i] == '1' ? '2' : '1';
		assert_int_equal(verify(bad, key, NAME), -1);
		free(bad);
	}
	/* The signature changed, cut, or gone. */
	bad = xstrdup(note);
	bad[len - 5] = bad[len - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(bad, key, NAME), -1);
	bad[len - 2] = '\0';
	assert_int_equal(verify(bad, key, NAME), -1);
	p = strstr(bad, "\n\n");
	p[2] = '\0';
	assert_int_equal(verify(bad, key, NAME), -1);
	free(bad);
	/* No final newline; a control character; a malformed line. */
	bad = xstrdup(note);
	bad[len - 1] = '\0';
	assert_int_equal(verify(bad, key, NAME), -1);
	free(bad);
	bad = xasprintf("%s", note);
	bad[3] = '\t';
	assert_int_equal(verify(bad, key, NAME), -1);
	free(bad);
	bad = xasprintf("%s-- " NAME " AAAA\n", note);
	assert_int_equal(verify(bad, key, NAME), -1);
	free(bad);
	/* Another key's signature line first is ignored; ours still
	 * decides. */
	osig = checkpoint_sign(&cp, other, "witness.example/w1", err,
	    sizeof(err));
	assert_non_null(osig);
	p = strstr(osig, "\n\n") + 2;
	bad = xasprintf("%.*s%s%s", (int)(strstr(note, "\n\n") + 2 - note),
	    note, p, strstr(note, "\n\n") + 2);
	assert_int_equal(verify(bad, key, NAME), 0);
	assert_int_equal(verify(bad, other, "witness.example/w1"), 0);
	free(bad);
	free(osig);
	/* Sizes: no leading zeros, no sign, within 64 bits. */
	bad = xstrdup(note);
	p = strchr(bad, '\n') + 1;
	memcpy(p, "0234", 4);
	assert_int_equal(verify(bad, key, NAME), -1);
	free(bad);
	/* Names with spaces or '+' are not signed. */
	snprintf(cp.origin, sizeof(cp.origin), "exhibit/a b");
	assert_null(checkpoint_sign(&cp, key, NAME, err, sizeof(err)));
	snprintf(cp.origin, sizeof(cp.origin), NAME);
	assert_null(checkpoint_sign(&cp, key, "a+b", err, sizeof(err)));
	free(note);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests_name("checkpoint", tests, NULL, NULL);
}
