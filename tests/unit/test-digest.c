/* Unit tests for common/digest.c: SHA-256 against FIPS 180-2 vectors. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "digest.h"

static void
test_sha256_vectors(void **state)
{
	char	hex[DIGEST_SHA256_HEXLEN];
	char	million[1000000];

	assert_string_equal(digest_sha256_hex("", 0, hex),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(digest_sha256_hex("abc", 3, hex),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(digest_sha256_hex(
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	assert_string_equal(digest_sha256_hex(million, sizeof(million), hex),
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
test_sha256_raw_matches_hex(void **state)
{
	unsigned char	md[DIGEST_SHA256_LEN];
	char		hex[DIGEST_SHA256_HEXLEN];

	digest_sha256("abc", 3, md);
	assert_int_equal(md[0], 0xba);
	assert_int_equal(md[31], 0xad);
	digest_sha256_hex("abc", 3, hex);
	assert_int_equal(strlen(hex), 64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_raw_matches_hex),
	};

	return cmocka_run_group_tests_name("digest", tests, NULL, NULL);
}
