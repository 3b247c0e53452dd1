/* Unit tests for common/encode.c: hex and base64. */
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

#include "encode.h"

/* RFC 4648 section 10 test vectors. */
static const struct {
	const char	*plain, *b64, *b64url;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static void
test_base64_rfc4648_vectors(void **state)
{
	unsigned char	*out;
	size_t		 i, len;
	char		*s;

	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		s = base64_encode(rfc4648[i].plain, strlen(rfc4648[i].plain),
		    BASE64_STD);
		assert_string_equal(s, rfc4648[i].b64);
		free(s);
		s = base64_encode(rfc4648[i].plain, strlen(rfc4648[i].plain),
		    BASE64_URL);
		assert_string_equal(s, rfc4648[i].b64url);
		free(s);

		assert_int_equal(base64_decode(rfc4648[i].b64,
		    strlen(rfc4648[i].b64), &out, &len), 0);
		assert_int_equal(len, strlen(rfc4648[i].plain));
		assert_memory_equal(out, rfc4648[i].plain, len);
		free(out);
		assert_int_equal(base64_decode(rfc4648[i].b64url,
		    strlen(rfc4648[i].b64url), &out, &len), 0);
		assert_int_equal(len, strlen(rfc4648[i].plain));
		assert_memory_equal(out, rfc4648[i].plain, len);
		free(out);
	}
}

static void
test_base64_alphabets(void **state)
{
	const unsigned char	 bytes[] = { 0xfb, 0xff, 0xbf };
	unsigned char		*out;
	size_t			 len;
	char			*s;

	s = base64_encode(bytes, sizeof(bytes), BASE64_STD);
	assert_string_equal(s, "+/+/");
	free(s);
	s = base64_encode(bytes, sizeof(bytes), BASE64_URL);
	assert_string_equal(s, "-_-_");
	free(s);
	assert_int_equal(base64_decode("-_-_", 4, &out, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, bytes, 3);
	free(out);
	/* The two alphabets mixed in one string are refused. */
	assert_int_equal(base64_decode("+_-/", 4, &out, &len), -1);
	assert_null(out);
}

static void
test_base64_round_trip_random(void **state)
{
	unsigned char	 buf[300], *out;
	size_t		 n, i, len;
	char		*s;
	int		 a;

	srandom(4242);
	for (n = 0; n < sizeof(buf); n++) {
		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)random();
		for (a = BASE64_STD; a <= BASE64_URL; a++) {
			s = base64_encode(buf, n, (enum base64_alphabet)a);
			assert_int_equal(base64_decode(s, strlen(s), &out,
			    &len), 0);
			assert_int_equal(len, n);
			if (n > 0)
				assert_memory_equal(out, buf, n);
			free(out);
			free(s);
		}
	}
}

static void
test_base64_bad_input(void **state)
{
	static const char *bad[] = {
		"Z",		/* one leftover character is never valid */
		"Zg=",		/* padding that does not complete a quantum */
		"Zg===",
		"Z===",
		"=",
		"Zm9v\n",	/* whitespace */
		" Zm9v",
		"Zm 9v",
		"Zm9v*",	/* outside both alphabets */
		"Zh==",		/* non-zero trailing bits */
		"Zm9=",
		"Zg==Zg==",	/* padding in the middle */
		"Z=g=",
	};
	static unsigned char	 sentinel[] = "not touched";
	unsigned char		*out;
	size_t			 i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = sentinel;
		assert_int_equal(base64_decode(bad[i], strlen(bad[i]), &out,
		    &len), -1);
		assert_null(out);
		assert_int_equal(len, 0);
	}
	/* An embedded NUL inside the given length is refused too. */
	assert_int_equal(base64_decode("Zm\0v", 4, &out, &len), -1);
}

static void
test_hex_round_trip(void **state)
{
	const unsigned char	 bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	unsigned char		 out[sizeof(bytes)];
	char			*s;

	s = hex_encode(bytes, sizeof(bytes));
	assert_string_equal(s, "00017f80abff");
	assert_int_equal(hex_decode(s, strlen(s), out, sizeof(out)), 0);
	assert_memory_equal(out, bytes, sizeof(bytes));
	free(s);
	assert_int_equal(hex_decode("00017F80ABFF", 12, out, sizeof(out)), 0);
	assert_memory_equal(out, bytes, sizeof(bytes));
	s = hex_encode("", 0);
	assert_string_equal(s, "");
	free(s);
}

static void
test_hex_bad_input(void **state)
{
	unsigned char	out[4];

	assert_int_equal(hex_decode("0011223", 7, out, 4), -1);	/* odd */
	assert_int_equal(hex_decode("001122", 6, out, 4), -1);	/* short */
	assert_int_equal(hex_decode("0011223344", 10, out, 4), -1); /* long */
	assert_int_equal(hex_decode("00112g33", 8, out, 4), -1);
	assert_int_equal(hex_decode("0011 233", 8, out, 4), -1);
	assert_int_equal(hex_decode("-0112233", 8, out, 4), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_rfc4648_vectors),
		cmocka_unit_test(test_base64_alphabets),
		cmocka_unit_test(test_base64_round_trip_random),
		cmocka_unit_test(test_base64_bad_input),
		cmocka_unit_test(test_hex_round_trip),
		cmocka_unit_test(test_hex_bad_input),
	};

	return cmocka_run_group_tests_name("encode", tests, NULL, NULL);
}
