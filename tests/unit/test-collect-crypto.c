/*
 * Unit tests for the crypto collector: sshd's effective algorithms and
 * their weak members, crypto-policies, FIPS markers and OpenSSL's
 * system_default section, on every fixture root and on roots built for
 * the OpenSSL configuration rules.
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
#include <unistd.h>

#include "collect.h"
#include "collect-test.h"
#include "jsonutil.h"
#include "xmalloc.h"

static size_t
jlen(struct collect_result *r, const char *path)
{
	struct json_object	*v = jpath(r->section, path);

	if (v == NULL || !json_object_is_type(v, json_type_array))
		fail_msg("%s: not an array", path);
	return json_object_array_length(v);
}

static void
run(const char *root, struct collect_result *r)
{
	collect_run(root, collect_crypto, "crypto", 0, r);
}

static void
test_debian_default(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-default"), &r);
	assert_jbool(&r, "data.sshd.config_valid", 1);
	assert_int_equal(jlen(&r, "data.sshd.ciphers.value"), 6);
	assert_jstr(&r, "data.sshd.ciphers.source", "default");
	assert_jstr(&r, "data.sshd.kexalgorithms.value[0]",
	    "sntrup761x25519-sha512@openssh.com");
	/* 9.2's default MACs still offer SHA-1 and 64-bit UMAC tags. */
	assert_int_equal(jlen(&r, "data.sshd_weak.ciphers"), 0);
	assert_int_equal(jlen(&r, "data.sshd_weak.kexalgorithms"), 0);
	assert_int_equal(jlen(&r, "data.sshd_weak.macs"), 4);
	assert_jstr(&r, "data.sshd_weak.macs[0].name",
	    "umac-64-etm@openssh.com");
	assert_jstr(&r, "data.sshd_weak.macs[0].reason", "small-tag");
	assert_jstr(&r, "data.sshd_weak.macs[3].name", "hmac-sha1");
	assert_jstr(&r, "data.sshd_weak.macs[3].reason", "sha1");
	assert_jabsent(&r, "data.crypto_policy");
	assert_jbool(&r, "data.fips.system_fips_file", 0);
	assert_jabsent(&r, "data.fips.kernel_fips_enabled");
	assert_jstr(&r, "data.openssl.config_file", "/etc/ssl/openssl.cnf");
	assert_jbool(&r, "data.openssl.config_valid", 1);
	assert_jstr(&r, "data.openssl.openssl_conf", "openssl_init");
	assert_jstr(&r, "data.openssl.ssl_conf", "ssl_sect");
	assert_jstr(&r, "data.openssl.system_default", "system_default_sect");
	assert_jstr(&r, "data.openssl.cipher_string", "DEFAULT:@SECLEVEL=2");
	assert_jstr(&r, "data.openssl.system_default_settings.cipherstring."
	    "source", "/etc/ssl/openssl.cnf:148");
	assert_jabsent(&r, "data.openssl.min_protocol");
	assert_int_equal(jlen(&r, "data.openssl.includes"), 0);
	assert_string_equal(collect_source_status(&r,
	    "/etc/pki/tls/openssl.cnf"), "absent");
	assert_string_equal(collect_source_status(&r, "/etc/ssh/sshd_config"),
	    "read");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_debian_hardened(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-hardened"), &r);
	assert_jstr(&r, "data.sshd.ciphers.source",
	    "/etc/ssh/sshd_config.d/40-crypto.conf:2");
	assert_int_equal(jlen(&r, "data.sshd_weak.ciphers"), 0);
	assert_int_equal(jlen(&r, "data.sshd_weak.macs"), 0);
	assert_int_equal(jlen(&r, "data.sshd_weak.kexalgorithms"), 0);
	assert_jstr(&r, "data.openssl.min_protocol", "TLSv1.2");
	assert_jstr(&r, "data.openssl.ciphersuites",
	    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
	    "TLS_AES_128_GCM_SHA256");
	assert_jstr(&r, "data.openssl.system_default_settings.minprotocol."
	    "source", "/etc/ssl/openssl.cnf:148");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_debian_weak(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-weak"), &r);
	assert_int_equal(jlen(&r, "data.sshd_weak.ciphers"), 2);
	assert_jstr(&r, "data.sshd_weak.ciphers[0].name", "3des-cbc");
	assert_jstr(&r, "data.sshd_weak.ciphers[0].reason", "3des");
	assert_jstr(&r, "data.sshd_weak.ciphers[1].name", "aes128-cbc");
	assert_jstr(&r, "data.sshd_weak.ciphers[1].reason", "cbc");
	assert_jstr(&r, "data.sshd_weak.kexalgorithms[0].name",
	    "diffie-hellman-group1-sha1");
	assert_jstr(&r, "data.sshd_weak.kexalgorithms[0].reason",
	    "1024-bit-group");
	assert_int_equal(jlen(&r, "data.sshd_weak.macs"), 5);
	assert_jstr(&r, "data.sshd_weak.macs[4].name", "hmac-md5");
	assert_jstr(&r, "data.sshd_weak.macs[4].reason", "md5");
	assert_jstr(&r, "data.sshd.macs.spec", "+hmac-md5,hmac-sha1");
	assert_jstr(&r, "data.openssl.min_protocol", "TLSv1");
	assert_jstr(&r, "data.openssl.cipher_string", "DEFAULT@SECLEVEL=1");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_debian_drifted(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-drifted"), &r);
	assert_int_equal(jlen(&r, "data.sshd_weak.ciphers"), 0);
	assert_jstr(&r, "data.openssl.min_protocol", "TLSv1.2");
	assert_jstr(&r, "data.openssl.cipher_string", "DEFAULT:@SECLEVEL=2");
	collect_result_free(&r);
}

static void
test_rhel9(void **state)
{
	struct collect_result	r;

	run(fixture_path("rhel9"), &r);
	assert_jstr(&r, "data.crypto_policy.config", "FUTURE");
	assert_jstr(&r, "data.crypto_policy.current", "FUTURE");
	/* sshd's lists come from the policy's back-end. */
	assert_jstr(&r, "data.sshd.ciphers.value[0]", "aes256-gcm@openssh.com");
	assert_jstr(&r, "data.sshd.ciphers.source",
	    "/etc/crypto-policies/back-ends/opensshserver.config:1");
	assert_jstr(&r, "data.sshd.kexalgorithms.value[2]",
	    "ecdh-sha2-nistp384");
	assert_int_equal(jlen(&r, "data.sshd_weak.ciphers"), 0);
	assert_int_equal(jlen(&r, "data.sshd_weak.macs"), 0);
	assert_int_equal(jlen(&r, "data.sshd_weak.kexalgorithms"), 0);
	/* OpenSSL: /etc/pki/tls, then the policy's back-end. */
	assert_jstr(&r, "data.openssl.config_file", "/etc/pki/tls/openssl.cnf");
	assert_jstr(&r, "data.openssl.includes[0]",
	    "/etc/crypto-policies/back-ends/opensslcnf.config");
	assert_jstr(&r, "data.openssl.ssl_conf", "ssl_module");
	assert_jstr(&r, "data.openssl.system_default", "crypto_policy");
	assert_jstr(&r, "data.openssl.min_protocol", "TLSv1.2");
	assert_jstr(&r, "data.openssl.max_protocol", "TLSv1.3");
	assert_jstr(&r, "data.openssl.cipher_string",
	    "@SECLEVEL=3:kEECDH:kRSA:kEDH:kPSK:kDHEPSK:kECDHEPSK:-kRSA:-aDSS:"
	    "-3DES:!DES:!RC4:!RC2:!IDEA:-SEED:!eNULL:!aNULL:-SHA1:!MD5:"
	    "-SHA384:-CAMELLIA:-ARIA:-AESCCM8");
	assert_jstr(&r, "data.openssl.system_default_settings."
	    "dtls_minprotocol.value", "DTLSv1.2");
	assert_jstr(&r, "data.openssl.system_default_settings."
	    "tls_minprotocol.source",
	    "/etc/crypto-policies/back-ends/opensslcnf.config:3");
	assert_string_equal(collect_source_status(&r,
	    "/etc/crypto-policies/back-ends/opensslcnf.config"), "read");
	/* The first place that exists is the one OpenSSL reads. */
	assert_null(collect_source_status(&r, "/etc/ssl/openssl.cnf"));
	assert_jbool(&r, "data.openssl.config_valid", 1);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_alpine(void **state)
{
	struct collect_result	r;

	run(fixture_path("alpine"), &r);
	/* No openssl.cnf at all: nothing reported, both places absent. */
	assert_jabsent(&r, "data.openssl");
	assert_string_equal(collect_source_status(&r, "/etc/ssl/openssl.cnf"),
	    "absent");
	assert_string_equal(collect_source_status(&r,
	    "/etc/pki/tls/openssl.cnf"), "absent");
	assert_jstr(&r, "data.sshd.ciphers.source", "default");
	assert_int_equal(jlen(&r, "data.sshd.ciphers.value"), 6);
	assert_int_equal(jlen(&r, "data.sshd_weak.ciphers"), 0);
	assert_jabsent(&r, "data.crypto_policy");
	collect_result_free(&r);
}

static void
test_hostile(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("hostile");

	run(root, &r);
	assert_jbool(&r, "data.sshd.config_valid", 0);
	/* No version, so no defaults, and none of the three was set. */
	assert_jabsent(&r, "data.sshd.ciphers");
	assert_jabsent(&r, "data.sshd_weak.ciphers");
	assert_jbool(&r, "data.openssl.config_valid", 0);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/ssl/openssl.cnf:5: .include cycle"), 1);
	assert_jabsent(&r, "data.openssl.openssl_conf");
	assert_jabsent(&r, "data.openssl.min_protocol");
	/* sshd_config's own errors belong to the sshd section. */
	assert_int_equal(collect_errors_matching(&r, "Include cycle"), 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_openssl_rules(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/ssl/openssl.cnf",
	    "# top\n"
	    "openssl_conf = init\n"
	    "openssl_conf = init2   # the last one wins\n"
	    "[ init2 ]\n"
	    "ssl_conf = ssl\n"
	    "[ssl]\n"
	    "system_default = sys_a\n"
	    "system_default = sys_b\n"
	    "[sys_a]\r\n"
	    "MinProtocol = TLSv1   # comment\n"
	    "CipherString = \"HIGH:#!aNULL\" # quoted keeps its hash\n"
	    ".include /etc/ssl/conf.d\n"
	    "Options = ServerPreference,\\\n"
	    "-SessionTicket\n"
	    "[sys_b]\n"
	    "MinProtocol = TLSv1.3\n");
	/* A directory: its *.cnf and *.conf files, in name order. */
	tmproot_write(root, "/etc/ssl/conf.d/a.cnf",
	    "TLS.MinProtocol = TLSv1.2\nMaxProtocol = TLSv1.2\n");
	tmproot_write(root, "/etc/ssl/conf.d/b.conf", "maxprotocol = TLSv1.3\n");
	tmproot_write(root, "/etc/ssl/conf.d/c.txt", "MaxProtocol = SSLv3\n");
	tmproot_write(root, "/etc/crypto-policies/config",
	    "# the policy\n\n  DEFAULT:SHA1  \n");
	tmproot_write(root, "/etc/system-fips", "");
	/* Not the live host: procfs under the root means nothing. */
	tmproot_write(root, "/proc/sys/crypto/fips_enabled", "1\n");
	run(root, &r);
	assert_jbool(&r, "data.openssl.config_valid", 1);
	assert_jstr(&r, "data.openssl.openssl_conf", "init2");
	assert_jstr(&r, "data.openssl.system_default", "sys_a");
	assert_jstr(&r, "data.openssl.min_protocol", "TLSv1.2");
	assert_jstr(&r, "data.openssl.max_protocol", "TLSv1.3");
	assert_jstr(&r, "data.openssl.system_default_settings.maxprotocol."
	    "source", "/etc/ssl/conf.d/b.conf:1");
	assert_jstr(&r, "data.openssl.cipher_string", "\"HIGH:#!aNULL\"");
	assert_jstr(&r, "data.openssl.options",
	    "ServerPreference,-SessionTicket");
	assert_jstr(&r, "data.openssl.system_default_settings.options.source",
	    "/etc/ssl/openssl.cnf:13");
	assert_jstr(&r, "data.openssl.includes[0]", "/etc/ssl/conf.d");
	assert_null(collect_source_status(&r, "/etc/ssl/conf.d/c.txt"));
	assert_jstr(&r, "data.crypto_policy.config", "DEFAULT:SHA1");
	assert_jabsent(&r, "data.crypto_policy.current");
	assert_jbool(&r, "data.fips.system_fips_file", 1);
	assert_jabsent(&r, "data.fips.kernel_fips_enabled");
	assert_jabsent(&r, "data.sshd");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);

	/* A syntax error: OpenSSL would apply none of the file. */
	tmproot_write(root, "/etc/ssl/openssl.cnf",
	    "openssl_conf = init\n[init\nbroken line\n");
	run(root, &r);
	assert_jbool(&r, "data.openssl.config_valid", 0);
	assert_int_equal(collect_errors_matching(&r,
	    "openssl.cnf:2: missing close square bracket"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "openssl.cnf:3: missing equal sign"), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_live_fips(void **state)
{
	struct collect_result	r;

	/* Only the live host reads /proc: what it says, when it says it. */
	run("/", &r);
	if (access("/proc/sys/crypto/fips_enabled", R_OK) == 0)
		assert_non_null(jpath(r.section,
		    "data.fips.kernel_fips_enabled"));
	else
		assert_jabsent(&r, "data.fips.kernel_fips_enabled");
	assert_non_null(jpath(r.section, "data.fips.system_fips_file"));
	collect_result_free(&r);
}

static void
test_deterministic(void **state)
{
	struct collect_result	a, b;

	run(fixture_path("rhel9"), &a);
	run(fixture_path("rhel9"), &b);
	assert_string_equal(jsonutil_to_string(a.section, 0),
	    jsonutil_to_string(b.section, 0));
	collect_result_free(&a);
	collect_result_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_debian_hardened),
		cmocka_unit_test(test_debian_weak),
		cmocka_unit_test(test_debian_drifted),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_openssl_rules),
		cmocka_unit_test(test_live_fips),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests_name("collect-crypto", tests, NULL, NULL);
}
