/* Unit tests for agent/collect-password-policy.c (and the PAM and shadow
 * parsing of agent/authdb.c it rests on). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "collect-test.h"
#include "jsonutil.h"
#include "xmalloc.h"

static void
run(const char *fixture, struct collect_result *r)
{
	collect_run(fixture_path(fixture), collect_password_policy,
	    "password_policy", 0, r);
}

/* Index of the element of the array at path whose member key is val. */
static int
find_in(struct collect_result *r, const char *path, const char *key,
    const char *val)
{
	struct json_object	*a = jpath(r->section, path);
	const char		*s;
	size_t			 i;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		fail_msg("%s: not an array", path);
	for (i = 0; i < json_object_array_length(a); i++) {
		if (jsonutil_get_string(json_object_array_get_idx(a, i), key,
		    &s) == 0 && strcmp(s, val) == 0)
			return (int)i;
	}
	fail_msg("%s: no element with %s \"%s\"", path, key, val);
	return -1;
}

static size_t
jlen(struct collect_result *r, const char *path)
{
	struct json_object	*a = jpath(r->section, path);

	if (a == NULL)
		fail_msg("%s: missing", path);
	if (json_object_is_type(a, json_type_array))
		return json_object_array_length(a);
	return (size_t)json_object_object_length(a);
}

/* Whether the serialised section or errors contain text. */
static int
output_has(struct collect_result *r, const char *text)
{
	return strstr(jsonutil_to_string(r->section, 0), text) != NULL ||
	    strstr(jsonutil_to_string(r->errors, 0), text) != NULL;
}

/* Temporary roots for the cases the fixtures lack. */
static char *
tmproot(void)
{
	char	tmpl[] = "/tmp/exhibit-pp.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp failed");
	return xstrdup(tmpl);
}

static void
put(const char *root, const char *rel, const char *text)
{
	char	*path, *p;
	FILE	*f;

	path = xasprintf("%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void
rmroot(char *root)
{
	fixture_remove(root);
}

static void
test_default(void **state)
{
	struct collect_result	r;
	char			p[256];
	int			i;

	run("debian12-default", &r);
	assert_jint(&r, "data.login_defs.pass_max_days", 99999);
	assert_jint(&r, "data.login_defs.pass_min_days", 0);
	assert_jint(&r, "data.login_defs.pass_warn_age", 7);
	assert_jstr(&r, "data.login_defs.encrypt_method", "SHA512");
	assert_jstr(&r, "data.login_defs.umask", "022");
	assert_jint(&r, "data.login_defs.login_retries", 5);
	assert_jint(&r, "data.login_defs.login_timeout", 60);
	assert_jbool(&r, "data.login_defs.faillog_enab", 1);
	assert_jbool(&r, "data.login_defs.log_ok_logins", 0);
	/* Commented out in the file: absent, never a default. */
	assert_jabsent(&r, "data.login_defs.sha_crypt_min_rounds");
	assert_jabsent(&r, "data.login_defs.yescrypt_cost_factor");
	assert_int_equal(jlen(&r, "data.pwquality_conf"), 0);
	assert_int_equal(jlen(&r, "data.faillock_conf"), 0);
	assert_string_equal(collect_source_status(&r,
	    "/etc/security/pwquality.conf"), "absent");
	/* The stock Debian stack: pam_unix with nullok on auth. */
	assert_jstr(&r, "data.pam.common_auth.file", "/etc/pam.d/common-auth");
	assert_jstr(&r, "data.pam.common_auth.unix[0].type", "auth");
	assert_jbool(&r, "data.pam.common_auth.unix[0].nullok", 1);
	assert_jstr(&r, "data.pam.common_password.unix[0].hash", "yescrypt");
	assert_jbool(&r, "data.pam.common_password.unix[0].nullok", 0);
	assert_jabsent(&r, "data.pam.common_password.unix[0].remember");
	assert_int_equal(jlen(&r, "data.pam.common_password.pwquality"), 0);
	assert_jstr(&r, "data.pam.common_password.rules[0].control",
	    "[success=1 default=ignore]");
	assert_jstr(&r, "data.pam.common_password.rules[0].args[1]",
	    "yescrypt");
	assert_jabsent(&r, "data.pam.system_auth");
	/* Shadow: states and ages, never the hash. */
	i = find_in(&r, "data.shadow.accounts", "name", "root");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].password", i);
	assert_jstr(&r, p, "hashed");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].algorithm", i);
	assert_jstr(&r, p, "yescrypt");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].last_change", i);
	assert_jint(&r, p, 19763);
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].inactive", i);
	assert_jabsent(&r, p);
	i = find_in(&r, "data.shadow.accounts", "name", "sshd");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].password", i);
	assert_jstr(&r, p, "locked");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].algorithm", i);
	assert_jabsent(&r, p);
	assert_jstr(&r, "data.shadow.accounts[0].name", "_apt");
	assert_false(output_has(&r, "fakesalt"));
	assert_false(output_has(&r, "$y$"));
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_hardened(void **state)
{
	struct collect_result	r;

	run("debian12-hardened", &r);
	assert_jint(&r, "data.login_defs.pass_max_days", 365);
	assert_jint(&r, "data.login_defs.pass_min_days", 1);
	assert_jstr(&r, "data.login_defs.umask", "027");
	assert_jstr(&r, "data.login_defs.encrypt_method", "YESCRYPT");
	assert_jint(&r, "data.login_defs.sha_crypt_min_rounds", 65536);
	assert_jint(&r, "data.login_defs.sha_crypt_max_rounds", 65536);
	assert_jint(&r, "data.login_defs.yescrypt_cost_factor", 7);
	assert_jint(&r, "data.login_defs.login_retries", 3);

	assert_jint(&r, "data.pwquality_conf.minlen.value", 14);
	assert_jstr(&r, "data.pwquality_conf.minlen.file",
	    "/etc/security/pwquality.conf.d/50-cis.conf");
	assert_jint(&r, "data.pwquality_conf.minlen.line", 2);
	assert_jint(&r, "data.pwquality_conf.minclass.value", 4);
	assert_jint(&r, "data.pwquality_conf.dcredit.value", -1);
	assert_jint(&r, "data.pwquality_conf.difok.value", 2);
	assert_jint(&r, "data.pwquality_conf.maxsequence.value", 3);
	assert_jbool(&r, "data.pwquality_conf.enforce_for_root.value", 1);
	assert_jint(&r, "data.pwquality_conf.retry.value", 3);
	assert_jstr(&r, "data.pwquality_conf.retry.file",
	    "/etc/security/pwquality.conf.d/10-retry.conf");

	/* The module argument retry=3 overrides the file's retry. */
	assert_jstr(&r, "data.pam.common_password.pwquality[0].module",
	    "pam_pwquality.so");
	assert_jstr(&r, "data.pam.common_password.pwquality[0].control",
	    "requisite");
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.retry.value", 3);
	assert_jstr(&r,
	    "data.pam.common_password.pwquality[0].settings.retry.file",
	    "/etc/pam.d/common-password");
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.retry.line", 25);
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.minlen.value", 14);

	assert_jint(&r, "data.pam.common_password.pwhistory[0].settings."
	    "remember.value", 24);
	assert_jbool(&r, "data.pam.common_password.pwhistory[0].settings."
	    "enforce_for_root.value", 1);
	assert_jstr(&r, "data.pam.common_password.unix[0].hash", "yescrypt");
	assert_jbool(&r, "data.pam.common_auth.unix[0].nullok", 0);

	assert_jint(&r, "data.faillock_conf.deny.value", 5);
	assert_jint(&r, "data.faillock_conf.deny.line", 32);
	assert_jint(&r, "data.faillock_conf.unlock_time.value", 900);
	assert_jint(&r, "data.faillock_conf.root_unlock_time.value", 60);
	assert_jbool(&r, "data.faillock_conf.even_deny_root.value", 1);
	assert_jbool(&r, "data.faillock_conf.audit.value", 1);
	assert_jabsent(&r, "data.faillock_conf.silent");
	assert_int_equal(jlen(&r, "data.pam.common_auth.faillock"), 3);
	assert_jstr(&r, "data.pam.common_auth.faillock[0].mode", "preauth");
	assert_jstr(&r, "data.pam.common_auth.faillock[1].mode", "authfail");
	assert_jstr(&r, "data.pam.common_auth.faillock[1].control",
	    "[default=die]");
	assert_jint(&r, "data.pam.common_auth.faillock[1].settings.deny.value",
	    5);
	assert_jstr(&r, "data.pam.common_auth.faillock[2].mode", "authsucc");
	assert_jabsent(&r, "data.pam.common_account.faillock[0].mode");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_weak(void **state)
{
	struct collect_result	r;
	char			p[256];
	int			i;

	run("debian12-weak", &r);
	/* PASS_MAX_DAYS 90 on line 160, 99999 appended on line 360:
	 * shadow's getdef keeps the last. */
	assert_jint(&r, "data.login_defs.pass_max_days", 99999);
	assert_jstr(&r, "data.login_defs.encrypt_method", "MD5");
	assert_jstr(&r, "data.login_defs.umask", "002");
	assert_jint(&r, "data.login_defs.login_retries", 10);
	assert_jstr(&r, "data.pam.common_password.unix[0].hash", "md5");
	assert_jint(&r, "data.pam.common_password.unix[0].minlen", 4);
	assert_jbool(&r, "data.pam.common_password.unix[0].nullok", 1);
	assert_jbool(&r, "data.pam.common_auth.unix[0].nullok", 1);
	/* pam_cracklib, which reads no pwquality.conf. */
	assert_int_equal(jlen(&r, "data.pam.common_password.pwquality"), 1);
	assert_jstr(&r, "data.pam.common_password.pwquality[0].module",
	    "pam_cracklib.so");
	assert_jint(&r, "data.pam.common_password.pwquality[0].line", 26);
	/* "-password": skipped by libpam when the module is missing. */
	assert_jbool(&r, "data.pam.common_password.pwquality[0].optional", 1);
	assert_jbool(&r, "data.pam.common_password.unix[0].optional", 0);
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.minlen.value", 6);
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.dcredit.value", 0);
	assert_jabsent(&r,
	    "data.pam.common_password.pwquality[0].settings.minclass");
	assert_int_equal(jlen(&r, "data.pam.common_auth.faillock"), 0);
	assert_int_equal(jlen(&r, "data.faillock_conf"), 0);

	i = find_in(&r, "data.shadow.accounts", "name", "guest");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].password", i);
	assert_jstr(&r, p, "empty");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].last_change", i);
	assert_jint(&r, p, 19590);
	i = find_in(&r, "data.shadow.accounts", "name", "oldadmin");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].password", i);
	assert_jstr(&r, p, "locked");
	i = find_in(&r, "data.shadow.accounts", "name", "bob");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].algorithm", i);
	assert_jstr(&r, p, "yescrypt");
	i = find_in(&r, "data.shadow.accounts", "name", "toor");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].algorithm", i);
	assert_jstr(&r, p, "sha512");
	assert_false(output_has(&r, "$6$"));
	collect_result_free(&r);
}

static void
test_drifted(void **state)
{
	struct collect_result	r;
	char			p[256];
	int			i;

	run("debian12-drifted", &r);
	/* Drift: PASS_MAX_DAYS back to 99999 while the rest is hardened. */
	assert_jint(&r, "data.login_defs.pass_max_days", 99999);
	assert_jint(&r, "data.login_defs.pass_min_days", 1);
	/* The file says 14, the module argument minlen=8 wins. */
	assert_jint(&r, "data.pwquality_conf.minlen.value", 14);
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.minlen.value", 8);
	assert_jstr(&r,
	    "data.pam.common_password.pwquality[0].settings.minlen.file",
	    "/etc/pam.d/common-password");
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.minlen.line", 25);
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.minclass.value", 4);

	i = find_in(&r, "data.shadow.accounts", "name", "carol");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].password", i);
	assert_jstr(&r, p, "locked");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].expire", i);
	assert_jint(&r, p, 19905);
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].inactive", i);
	assert_jint(&r, p, 30);
	i = find_in(&r, "data.shadow.accounts", "name", "bob");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].max", i);
	assert_jint(&r, p, 90);
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].warn", i);
	assert_jint(&r, p, 14);
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].algorithm", i);
	assert_jstr(&r, p, "sha512");
	i = find_in(&r, "data.shadow.accounts", "name", "svc-restic");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].min", i);
	assert_jabsent(&r, p);
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].last_change", i);
	assert_jint(&r, p, 19786);
	collect_result_free(&r);
}

static void
test_rhel9(void **state)
{
	struct collect_result	r;
	char			p[256];
	int			i;

	run("rhel9", &r);
	assert_jint(&r, "data.login_defs.pass_max_days", 365);
	assert_jstr(&r, "data.login_defs.encrypt_method", "SHA512");
	assert_jint(&r, "data.login_defs.sha_crypt_min_rounds", 100000);
	assert_jstr(&r, "data.login_defs.home_mode", "700");
	assert_jint(&r, "data.login_defs.sys_uid_min", 201);
	assert_jbool(&r, "data.login_defs.create_home", 1);
	/* pwquality.conf.d/50-cis.conf says 14, then pwquality.conf says
	 * 12: libpwquality reads the main file last, so 12 wins. */
	assert_jint(&r, "data.pwquality_conf.minlen.value", 12);
	assert_jstr(&r, "data.pwquality_conf.minlen.file",
	    "/etc/security/pwquality.conf");
	assert_jint(&r, "data.pwquality_conf.minlen.line", 11);
	assert_jint(&r, "data.pwquality_conf.minclass.value", 3);
	assert_jbool(&r, "data.pwquality_conf.enforce_for_root.value", 1);
	assert_jint(&r, "data.pwhistory_conf.remember.value", 24);

	/* system-auth and password-auth are symlinks into authselect. */
	assert_jstr(&r, "data.pam.system_auth.file", "/etc/pam.d/system-auth");
	assert_jstr(&r, "data.pam.password_auth.file",
	    "/etc/pam.d/password-auth");
	assert_jabsent(&r, "data.pam.common_auth");
	assert_jint(&r, "data.pam.system_auth.pwquality[0].settings.minlen."
	    "value", 12);
	assert_jbool(&r, "data.pam.system_auth.pwquality[0].settings."
	    "local_users_only.value", 1);
	assert_jint(&r, "data.pam.system_auth.pwquality[0].settings."
	    "local_users_only.line", 22);
	assert_jint(&r, "data.pam.system_auth.pwhistory[0].settings.remember."
	    "value", 24);
	assert_jstr(&r, "data.pam.system_auth.pwhistory[0].settings.remember."
	    "file", "/etc/security/pwhistory.conf");
	i = find_in(&r, "data.pam.system_auth.unix", "type", "password");
	snprintf(p, sizeof(p), "data.pam.system_auth.unix[%d].hash", i);
	assert_jstr(&r, p, "sha512");
	snprintf(p, sizeof(p), "data.pam.system_auth.unix[%d].remember", i);
	assert_jint(&r, p, 5);
	/* "silent" comes from faillock.conf for authfail, from the
	 * argument for preauth. */
	assert_jstr(&r, "data.pam.password_auth.faillock[0].mode", "preauth");
	assert_jstr(&r, "data.pam.password_auth.faillock[0].settings.silent."
	    "file", "/etc/pam.d/password-auth");
	assert_jstr(&r, "data.pam.password_auth.faillock[1].settings.silent."
	    "file", "/etc/security/faillock.conf");
	assert_jint(&r, "data.pam.password_auth.faillock[1].settings.deny."
	    "value", 5);
	assert_jint(&r, "data.faillock_conf.unlock_time.value", 900);

	i = find_in(&r, "data.shadow.accounts", "name", "sysadmin");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].algorithm", i);
	assert_jstr(&r, p, "sha512");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].inactive", i);
	assert_jint(&r, p, 45);
	i = find_in(&r, "data.shadow.accounts", "name", "ansible");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].password", i);
	assert_jstr(&r, p, "locked");
	assert_false(output_has(&r, "rounds=100000"));
	collect_result_free(&r);
}

static void
test_alpine(void **state)
{
	struct collect_result	r;
	char			p[256];
	int			i;

	run("alpine", &r);
	/* No login.defs, no PAM: nothing is claimed. */
	assert_jabsent(&r, "data.login_defs");
	assert_string_equal(collect_source_status(&r, "/etc/login.defs"),
	    "absent");
	assert_int_equal(jlen(&r, "data.pam"), 0);
	assert_int_equal(jlen(&r, "data.pwquality_conf"), 0);
	i = find_in(&r, "data.shadow.accounts", "name", "root");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].password", i);
	assert_jstr(&r, p, "locked");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].last_change", i);
	assert_jabsent(&r, p);
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].min", i);
	assert_jint(&r, p, 0);
	i = find_in(&r, "data.shadow.accounts", "name", "ops");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].algorithm", i);
	assert_jstr(&r, p, "sha512");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_hostile(void **state)
{
	struct collect_result	r;
	char			p[256];
	int			i;

	run("hostile", &r);
	/* login.defs is a symlink to /etc/shadow: nothing of it shows. */
	assert_int_equal(jlen(&r, "data.login_defs"), 0);
	assert_false(output_has(&r, "fakehash"));
	assert_false(output_has(&r, "fakesalt"));
	assert_false(output_has(&r, "$y$"));
	assert_false(output_has(&r, "$6$"));
	/* CRLF pwquality file: libpwquality stops at the bad dcredit on
	 * line 5, so 20-binary.conf is never read. */
	assert_jint(&r, "data.pwquality_conf.minlen.value", 11);
	assert_jint(&r, "data.pwquality_conf.minlen.line", 3);
	assert_jint(&r, "data.pwquality_conf.minclass.value", 2);
	assert_jabsent(&r, "data.pwquality_conf.dcredit");
	assert_jabsent(&r, "data.pwquality_conf.ucredit");
	assert_int_equal(collect_errors_matching(&r, "10-crlf.conf:5:"), 1);
	assert_null(collect_source_status(&r,
	    "/etc/security/pwquality.conf.d/20-binary.conf"));
	/* faillock.conf: last value wins, "never" is 0, a bare "deny" is
	 * refused and the previous value kept. */
	assert_jint(&r, "data.faillock_conf.deny.value", 10);
	assert_jint(&r, "data.faillock_conf.deny.line", 3);
	assert_jint(&r, "data.faillock_conf.unlock_time.value", 0);
	assert_jint(&r, "data.faillock_conf.unlock_time.line", 5);
	assert_jbool(&r, "data.faillock_conf.audit.value", 1);
	assert_int_equal(collect_errors_matching(&r, "faillock.conf:9:"), 1);
	/* PAM: self-include is a cycle; @include /etc/shadow is refused
	 * without quoting it. */
	assert_int_equal(collect_errors_matching(&r, "include cycle"), 2);
	assert_true(collect_errors_matching(&r, "(not shown)") > 0);
	assert_int_equal(jlen(&r, "data.pam.common_auth.rules"), 3);
	/* "minlen=" is broken and ignored; the CRLF did not stick. */
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.minlen.value", 11);
	assert_jint(&r,
	    "data.pam.common_password.pwquality[0].settings.retry.value", 3);
	assert_jint(&r, "data.pam.common_password.unix[0].remember", 0);
	assert_jstr(&r, "data.pam.common_password.rules[3].module",
	    "pam_permit.so");
	/* Shadow: bad lines skipped, duplicates kept in order. */
	assert_true(collect_errors_matching(&r, "/etc/shadow:5:") >= 1);
	i = find_in(&r, "data.shadow.accounts", "name", "nopass");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].password", i);
	assert_jstr(&r, p, "empty");
	i = find_in(&r, "data.shadow.accounts", "name", "future");
	snprintf(p, sizeof(p), "data.shadow.accounts[%d].last_change", i);
	assert_jint(&r, p, 99999999);
	collect_result_free(&r);
}

static void
test_login_defs_rules(void **state)
{
	struct collect_result	r;
	char			*root = tmproot();

	put(root, "etc/login.defs",
	    "# comment\r\n"
	    "PASS_MAX_DAYS 30\r\n"
	    "PASS_MAX_DAYS 3x\r\n"		/* last one wins, and is bad */
	    "pass_min_days 5\n"			/* case matters to shadow */
	    "PASS_WARN_AGE\t\t 014\n"		/* base 0: octal */
	    "UMASK 0x17\n"
	    "HOME_MODE 08\n"			/* not octal: refused */
	    "ENCRYPT_METHOD \"SHA512\" # tail\n"
	    "MD5_CRYPT_ENAB YES\n"
	    "FAILLOG_ENAB no\n"
	    "LOGIN_RETRIES\n"			/* lone name: skipped */
	    "LOGIN_RETRIES 4 # comment\n"	/* value "4 # comment" */
	    "FAIL_DELAY -1\n"			/* unsigned: refused */
	    "LOGIN_TIMEOUT 60\n");
	collect_run(root, collect_password_policy, "password_policy", 0, &r);
	assert_jabsent(&r, "data.login_defs.pass_max_days");
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/login.defs:3: PASS_MAX_DAYS"), 1);
	assert_jabsent(&r, "data.login_defs.pass_min_days");
	assert_jint(&r, "data.login_defs.pass_warn_age", 12);
	assert_jstr(&r, "data.login_defs.umask", "027");
	assert_jabsent(&r, "data.login_defs.home_mode");
	assert_jstr(&r, "data.login_defs.encrypt_method", "SHA512");
	assert_jbool(&r, "data.login_defs.md5_crypt_enab", 1);
	assert_jbool(&r, "data.login_defs.faillog_enab", 0);
	assert_jabsent(&r, "data.login_defs.login_retries");
	assert_jabsent(&r, "data.login_defs.fail_delay");
	assert_jint(&r, "data.login_defs.login_timeout", 60);
	assert_int_equal(collect_errors_matching(&r, "/etc/login.defs"), 4);
	collect_result_free(&r);
	rmroot(root);
}

static void
test_pwquality_order(void **state)
{
	struct collect_result	r;
	char			*root = tmproot();

	put(root, "etc/security/pwquality.conf.d/b.conf",
	    "minlen = 12\nminclass=7\n");
	put(root, "etc/security/pwquality.conf.d/a.conf",
	    "MinLen 10   # comment\nucredit=-2\n");
	put(root, "etc/security/pwquality.conf.d/c.conf.bak", "minlen = 30\n");
	put(root, "etc/security/pwquality.conf.d/d.conf.conf", "minlen = 31\n");
	put(root, "etc/security/pwquality.conf",
	    "difok = 3\nlcredit = -1\nlcredit = -3\n");
	collect_run(root, collect_password_policy, "password_policy", 0, &r);
	/* a.conf, b.conf, then the main file; .bak and .conf.conf are not
	 * read (libpwquality wants the first ".conf" at the end). */
	assert_jint(&r, "data.pwquality_conf.minlen.value", 12);
	assert_jstr(&r, "data.pwquality_conf.minlen.file",
	    "/etc/security/pwquality.conf.d/b.conf");
	assert_jint(&r, "data.pwquality_conf.minclass.value", 4);
	assert_jint(&r, "data.pwquality_conf.ucredit.value", -2);
	assert_jint(&r, "data.pwquality_conf.lcredit.value", -3);
	assert_jint(&r, "data.pwquality_conf.lcredit.line", 3);
	assert_jint(&r, "data.pwquality_conf.difok.value", 3);
	assert_null(collect_source_status(&r,
	    "/etc/security/pwquality.conf.d/c.conf.bak"));
	assert_null(collect_source_status(&r,
	    "/etc/security/pwquality.conf.d/d.conf.conf"));
	collect_result_free(&r);

	/* An unknown setting stops libpwquality: later files unread. */
	put(root, "etc/security/pwquality.conf.d/a.conf",
	    "minlen = 3\nbogus = 1\nucredit = -1\n");
	collect_run(root, collect_password_policy, "password_policy", 0, &r);
	assert_jint(&r, "data.pwquality_conf.minlen.value", 6);	/* raised */
	assert_jabsent(&r, "data.pwquality_conf.ucredit");
	assert_jabsent(&r, "data.pwquality_conf.difok");
	assert_null(collect_source_status(&r,
	    "/etc/security/pwquality.conf.d/b.conf"));
	assert_null(collect_source_status(&r, "/etc/security/pwquality.conf"));
	assert_int_equal(collect_errors_matching(&r, "a.conf:2: bogus"), 1);
	collect_result_free(&r);
	rmroot(root);
}

static void
test_pam_includes(void **state)
{
	struct collect_result	r;
	char			*root = tmproot();

	put(root, "etc/pam.d/common-password",
	    "# header\n"
	    "password include inc-a\n"
	    "password   substack   sub\n"
	    "@include all-types\n"
	    "-password optional pam_gnome_keyring.so\n"
	    "password [success=1 \\] default=ignore] pam_unix.so sha512 \\\n"
	    "# a comment line inside a continuation is skipped\n"
	    "    yescrypt remember=500 [arg with space] # tail \\\n"
	    "password required pam_ldap.so binddn=x bindpasswd=hunter2\n"
	    "password include missing-file\n"
	    "bogus required pam_x.so\n");
	put(root, "etc/pam.d/inc-a",
	    "auth required pam_should_not_appear.so\n"
	    "Password Required pam_pwquality.so minlen=16 enforce_for_root\n");
	put(root, "etc/pam.d/sub", "password requisite pam_pwhistory.so "
	    "remember=7\npassword include common-password\n");
	put(root, "etc/pam.d/all-types",
	    "session optional pam_motd.so\npassword optional pam_cracklib.so "
	    "minlen=3 dcredit=-1\n");
	collect_run(root, collect_password_policy, "password_policy", 0, &r);
	/* include: only the password rules of inc-a. */
	assert_jstr(&r, "data.pam.common_password.rules[0].control", "include");
	assert_jstr(&r, "data.pam.common_password.rules[0].module", "inc-a");
	assert_jstr(&r, "data.pam.common_password.rules[1].module",
	    "pam_pwquality.so");
	assert_jstr(&r, "data.pam.common_password.rules[1].type", "password");
	assert_jstr(&r, "data.pam.common_password.rules[1].control",
	    "required");
	assert_jint(&r, "data.pam.common_password.rules[1].depth", 1);
	assert_jstr(&r, "data.pam.common_password.rules[1].file",
	    "/etc/pam.d/inc-a");
	assert_jint(&r, "data.pam.common_password.rules[1].line", 2);
	/* substack, and its include back to the top file: a cycle. */
	assert_jstr(&r, "data.pam.common_password.rules[2].control",
	    "substack");
	assert_jstr(&r, "data.pam.common_password.rules[3].module",
	    "pam_pwhistory.so");
	assert_jint(&r, "data.pam.common_password.rules[3].depth", 1);
	assert_jstr(&r, "data.pam.common_password.rules[4].control", "include");
	assert_jint(&r, "data.pam.common_password.rules[4].depth", 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/pam.d/sub:2: include cycle"), 1);
	/* @include: every type, in place, same depth. */
	assert_jstr(&r, "data.pam.common_password.rules[5].type", "session");
	assert_jint(&r, "data.pam.common_password.rules[5].depth", 0);
	assert_jstr(&r, "data.pam.common_password.rules[6].module",
	    "pam_cracklib.so");
	/* "-type" */
	assert_jstr(&r, "data.pam.common_password.rules[7].type", "password");
	assert_jbool(&r, "data.pam.common_password.rules[7].optional", 1);
	/* Brackets, "\]", continuation across a comment line, "#" tail. */
	assert_jstr(&r, "data.pam.common_password.rules[8].control",
	    "[success=1 ] default=ignore]");
	assert_jint(&r, "data.pam.common_password.rules[8].line", 6);
	assert_jstr(&r, "data.pam.common_password.rules[8].args[3]",
	    "arg with space");
	assert_int_equal(jlen(&r, "data.pam.common_password.rules[8].args"), 4);
	/* Secret-looking argument values are not carried. */
	assert_jstr(&r, "data.pam.common_password.rules[9].args[1]",
	    "bindpasswd=<redacted>");
	assert_false(output_has(&r, "hunter2"));
	assert_int_equal(jlen(&r, "data.pam.common_password.rules"), 11);
	assert_jstr(&r, "data.pam.common_password.rules[10].module",
	    "missing-file");
	assert_int_equal(collect_errors_matching(&r,
	    "included /etc/pam.d/missing-file does not exist"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "common-password:11: unknown module type \"bogus\""), 1);
	/* Derived settings. */
	assert_jint(&r, "data.pam.common_password.pwquality[0].settings.minlen."
	    "value", 16);
	assert_jbool(&r, "data.pam.common_password.pwquality[0].settings."
	    "enforce_for_root.value", 1);
	assert_jstr(&r, "data.pam.common_password.pwquality[1].module",
	    "pam_cracklib.so");
	assert_jint(&r, "data.pam.common_password.pwquality[1].settings.minlen."
	    "value", 5);	/* pam_cracklib's floor */
	assert_jint(&r, "data.pam.common_password.pwquality[1].settings."
	    "dcredit.value", -1);
	assert_jint(&r, "data.pam.common_password.pwhistory[0].settings."
	    "remember.value", 7);
	assert_jstr(&r, "data.pam.common_password.unix[0].hash", "yescrypt");
	assert_jint(&r, "data.pam.common_password.unix[0].remember", 400);
	collect_result_free(&r);
	rmroot(root);
}

static void
test_pam_depth(void **state)
{
	struct collect_result	r;
	char			*root = tmproot(), name[32], text[64];
	int			i;

	/* A chain of 20 includes: libpam refuses a file 16 includes down
	 * (PAM_SUBSTACK_MAX_LEVEL). */
	put(root, "etc/pam.d/common-auth", "auth include l1\n");
	for (i = 1; i < 20; i++) {
		snprintf(name, sizeof(name), "etc/pam.d/l%d", i);
		snprintf(text, sizeof(text), "auth required pam_l%d.so\n"
		    "auth include l%d\n", i, i + 1);
		put(root, name, text);
	}
	collect_run(root, collect_password_policy, "password_policy", 0, &r);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/pam.d/l15:2: includes nested 16 deep"), 1);
	assert_jstr(&r, "data.pam.common_auth.rules[29].module", "pam_l15.so");
	assert_jstr(&r, "data.pam.common_auth.rules[30].module", "l16");
	assert_jabsent(&r, "data.pam.common_auth.rules[31]");
	collect_result_free(&r);
	rmroot(root);
}

static void
test_pam_fanout(void **state)
{
	struct collect_result	r;
	char			*root = tmproot(), name[32], *text;
	int			i;

	/* No cycle, but 8^6 includes: bounded, reported. */
	put(root, "etc/pam.d/common-auth", "auth include f0\n");
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "etc/pam.d/f%d", i);
		text = xasprintf("auth include f%d\nauth include f%d\n"
		    "auth include f%d\nauth include f%d\nauth include f%d\n"
		    "auth include f%d\nauth include f%d\nauth include f%d\n",
		    i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1);
		put(root, name, text);
		free(text);
	}
	put(root, "etc/pam.d/f6", "auth required pam_unix.so\n");
	collect_run(root, collect_password_policy, "password_policy", 0, &r);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/pam.d/common-auth: more than 1024 files"), 1);
	assert_true(jlen(&r, "data.pam.common_auth.rules") <= 4096);
	assert_jstr(&r, "data.pam.common_auth.unix[0].type", "auth");
	collect_result_free(&r);
	rmroot(root);
}

static void
test_faillock_conf_arg(void **state)
{
	struct collect_result	r;
	char			*root = tmproot();

	put(root, "etc/security/faillock.conf", "deny = 4\nsilent\n");
	put(root, "etc/security/other.conf",
	    "deny = 6\nunlock_time = 120\nfail_interval = 999999\n");
	put(root, "etc/pam.d/common-auth",
	    "auth required pam_faillock.so preauth conf=/etc/security/other."
	    "conf deny=7 bogus\n"
	    "auth required pam_faillock.so authfail\n"
	    "auth required pam_faillock.so conf=/etc/security/none.conf\n"
	    "auth required pam_tally2.so deny=4 unlock_time=300 "
	    "even_deny_root\n");
	collect_run(root, collect_password_policy, "password_policy", 0, &r);
	assert_jint(&r, "data.pam.common_auth.faillock[0].settings.deny.value",
	    7);
	assert_jint(&r, "data.pam.common_auth.faillock[0].settings.unlock_time."
	    "value", 120);
	assert_jstr(&r, "data.pam.common_auth.faillock[0].settings.unlock_time."
	    "file", "/etc/security/other.conf");
	/* Over a week: refused. */
	assert_jabsent(&r, "data.pam.common_auth.faillock[0].settings."
	    "fail_interval");
	assert_jabsent(&r, "data.pam.common_auth.faillock[0].settings.silent");
	assert_jint(&r, "data.pam.common_auth.faillock[1].settings.deny.value",
	    4);
	assert_jbool(&r, "data.pam.common_auth.faillock[1].settings.silent."
	    "value", 1);
	assert_int_equal(collect_errors_matching(&r,
	    "pam_faillock: configuration /etc/security/none.conf"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "unknown option or bad value bogus"), 1);
	assert_jint(&r, "data.pam.common_auth.tally2[0].settings.deny.value",
	    4);
	assert_jint(&r, "data.pam.common_auth.tally2[0].settings.unlock_time."
	    "value", 300);
	assert_jbool(&r, "data.pam.common_auth.tally2[0].settings."
	    "even_deny_root.value", 1);
	collect_result_free(&r);
	rmroot(root);
}

static void
test_shadow_forms(void **state)
{
	static const struct {
		const char	*name, *password, *algorithm;
	} want[] = {
		{ "a5", "hashed", "bcrypt" },
		{ "a8", "hashed", "gost-yescrypt" },
		{ "des", "hashed", "descrypt" },
		{ "junk", "hashed", "unknown" },
		{ "lk", "locked", NULL },
		{ "md", "hashed", "md5" },
		{ "neg", "hashed", "sha256" },
		{ "sc", "hashed", "scrypt" },
	};
	struct collect_result	r;
	char			*root = tmproot(), p[128];
	size_t			i;

	put(root, "etc/shadow",
	    "a5:$2b$10$abcdefghijklmnopqrstuu:19000:0:90\n"	/* old form */
	    "a8:$gy$j9T$salt$hash:19000:0:90:7::\n"		/* 8 fields */
	    "two:$y$x\n"					/* refused */
	    "seven:$y$x:1:2:3:4:5\n"				/* refused */
	    "des:abJnggxhB/yWI:1::::::\n"
	    "junk:not a hash:::::::\n"
	    "lk:!$6$salt$hash:19000:0:99999:7:::\n"
	    "md:$1$salt$hash:19000:0:99999:7:::\n"
	    "neg:$5$salt$hash:-1:-1:-1:-1:-1:-1:\n"
	    "sc:$7$salt$hash:x:0:99999:7:::\n"			/* refused */
	    "sc:$7$salt$hash:19000:0:99999:7:::\n");
	collect_run(root, collect_password_policy, "password_policy", 0, &r);
	assert_int_equal(jlen(&r, "data.shadow.accounts"), 8);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(p, sizeof(p), "data.shadow.accounts[%zu].name", i);
		assert_jstr(&r, p, want[i].name);
		snprintf(p, sizeof(p), "data.shadow.accounts[%zu].password", i);
		assert_jstr(&r, p, want[i].password);
		snprintf(p, sizeof(p), "data.shadow.accounts[%zu].algorithm",
		    i);
		if (want[i].algorithm != NULL)
			assert_jstr(&r, p, want[i].algorithm);
		else
			assert_jabsent(&r, p);
	}
	assert_jint(&r, "data.shadow.accounts[0].max", 90);
	assert_jabsent(&r, "data.shadow.accounts[0].warn");
	assert_jabsent(&r, "data.shadow.accounts[6].last_change");
	assert_jabsent(&r, "data.shadow.accounts[6].expire");
	assert_int_equal(collect_errors_matching(&r,
	    "not a valid shadow entry"), 3);
	assert_false(output_has(&r, "abJnggxhB"));
	collect_result_free(&r);
	rmroot(root);
}

static void
test_stable(void **state)
{
	struct collect_result	a, b;

	run("debian12-hardened", &a);
	run("debian12-hardened", &b);
	assert_string_equal(jsonutil_to_string(a.section, 0),
	    jsonutil_to_string(b.section, 0));
	collect_result_free(&a);
	collect_result_free(&b);
	run("hostile", &a);
	run("hostile", &b);
	assert_string_equal(jsonutil_to_string(a.section, 0),
	    jsonutil_to_string(b.section, 0));
	assert_string_equal(jsonutil_to_string(a.errors, 0),
	    jsonutil_to_string(b.errors, 0));
	collect_result_free(&a);
	collect_result_free(&b);
}

static void
test_size_limit(void **state)
{
	struct collect_result	r;

	/* Files over the limit are errors and give no values. */
	collect_run(fixture_path("debian12-hardened"), collect_password_policy,
	    "password_policy", 64, &r);
	assert_jabsent(&r, "data.login_defs");
	assert_jabsent(&r, "data.shadow");
	assert_string_equal(collect_source_status(&r, "/etc/login.defs"),
	    "too_large");
	assert_true(collect_errors_matching(&r, "larger than 64 bytes") > 0);
	collect_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_hardened),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_drifted),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_login_defs_rules),
		cmocka_unit_test(test_pwquality_order),
		cmocka_unit_test(test_pam_includes),
		cmocka_unit_test(test_pam_depth),
		cmocka_unit_test(test_pam_fanout),
		cmocka_unit_test(test_faillock_conf_arg),
		cmocka_unit_test(test_shadow_forms),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
