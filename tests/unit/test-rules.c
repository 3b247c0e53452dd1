/* Unit tests for the rule engine (daemon/rule-*.c): every operator, strict
 * types, paths, combinators, sources, collector errors, and loading. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "jsonutil.h"
#include "judge.h"
#include "log.h"
#include "rules.h"
#include "xmalloc.h"

static const char doc_text[] =
"{\"schema\":\"exhibit.evidence/1\",\"collected_at\":\"2026-11-01T00:00:00Z\","
" \"host\":{\"hostname\":\"h1\"},"
" \"sections\":{"
"  \"packages\":{\"digest\":\"sha256:1\",\"sources\":[{\"path\":"
"   \"/var/lib/dpkg/status\",\"sha256\":\"aa\"}],\"data\":{\"manager\":"
"   \"dpkg\",\"installed\":{\"openssh-server\":\"1:9.2p1-2+deb12u3\","
"   \"bash\":\"5.2.15-2+b2\"}}},"
"  \"password_policy\":{\"digest\":\"sha256:2\",\"sources\":["
"   {\"path\":\"/etc/login.defs\",\"sha256\":\"bb\"},"
"   {\"path\":\"/etc/security/pwquality.conf\",\"status\":\"absent\"}],"
"   \"data\":{\"login_defs\":{\"pass_max_days\":99999,\"encrypt_method\":"
"   \"SHA512\",\"umask\":\"022\",\"faillog\":true,\"ratio\":1.5,"
"   \"nothing\":null,\"mtime\":\"2026-10-25T00:00:00Z\"}}},"
"  \"sshd\":{\"digest\":\"sha256:3\",\"sources\":[{\"path\":"
"   \"/etc/ssh/sshd_config\",\"sha256\":\"cc\"}],\"data\":{\"effective\":{"
"   \"permitrootlogin\":{\"value\":\"no\",\"source\":"
"   \"/etc/ssh/sshd_config:12\"},"
"   \"ciphers\":{\"value\":[\"aes256-gcm@openssh.com\",\"aes128-cbc\"],"
"   \"source\":\"default\"}}}},"
"  \"accounts\":{\"digest\":\"sha256:4\",\"sources\":[{\"path\":"
"   \"/etc/passwd\",\"sha256\":\"dd\"},{\"path\":\"/etc/sysctl.conf\","
"   \"sha256\":\"ee\"}],\"data\":{\"users\":[{\"name\":\"root\",\"uid\":0},"
"   {\"name\":\"toor\",\"uid\":0},{\"name\":\"alice\",\"uid\":1000}],"
"   \"empty\":[],\"sysctl\":{\"net.ipv4.ip_forward\":{\"value\":\"0\","
"   \"int\":0,\"file\":\"/etc/sysctl.conf\",\"line\":3},"
"   \"kernel.x\":{\"value\":\"1\",\"int\":1}}}}"
" },"
" \"errors\":[]}";

static struct json_object *
doc_parse(const char *text)
{
	struct json_object	*doc;
	char			 err[128];

	doc = jsonutil_parse(text, strlen(text), err, sizeof(err));
	if (doc == NULL)
		fail_msg("test document: %s", err);
	return doc;
}

static char *
pack_text(const char *extra, const char *check)
{
	return xasprintf("{\"pack\":\"t\",\"version\":\"1\",\"rules\":["
	    "{\"id\":\"R1\",\"title\":\"t\",\"description\":\"d\","
	    "\"rationale\":\"r\",\"remediation\":\"m\",\"severity\":\"low\","
	    "\"controls\":{\"iso27001:2022\":[\"A.8.9\"],"
	    "\"iso27001:2013\":[\"A.12.1.2\"]}%s,\"check\":%s}]}",
	    extra, check);
}

/* The one result of a pack with one rule, on doc (the default document
 * when NULL). */
static struct json_object *
eval_rule(const char *extra, const char *check, const char *doc_json)
{
	struct ruleset		*set;
	struct json_object	*doc, *res, *r;
	char			*pack;

	pack = pack_text(extra, check);
	set = ruleset_load_buffer("t.json", pack, strlen(pack));
	if (set == NULL)
		fail_msg("pack refused: %s", pack);
	free(pack);
	doc = doc_parse(doc_json != NULL ? doc_json : doc_text);
	res = ruleset_evaluate(set, doc);
	assert_int_equal(json_object_array_length(res), 1);
	r = json_object_get(json_object_array_get_idx(res, 0));
	json_object_put(res);
	json_object_put(doc);
	ruleset_free(set);
	return r;
}

static void
expect_status(const char *check, const char *status)
{
	struct json_object	*r;
	const char		*got;

	r = eval_rule("", check, NULL);
	assert_int_equal(jsonutil_get_string(r, "status", &got), 0);
	if (strcmp(got, status) != 0)
		fail_msg("%s: expected %s, got %s: %s", check, status, got,
		    jsonutil_to_string(r, 0));
	json_object_put(r);
}

#define PP	"sections.password_policy.data.login_defs."
#define ACC	"sections.accounts.data."

static void
test_compare(void **state)
{
	(void)state;
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":\"eq\","
	    "\"value\":99999}", "pass");
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":\"le\","
	    "\"value\":365}", "fail");
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":\"gt\","
	    "\"value\":365}", "pass");
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":\"ne\","
	    "\"value\":99999}", "fail");
	expect_status("{\"path\":\"" PP "ratio\",\"op\":\"gt\","
	    "\"value\":1}", "pass");
	expect_status("{\"path\":\"" PP "ratio\",\"op\":\"lt\","
	    "\"value\":1.25}", "fail");
	expect_status("{\"path\":\"" PP "encrypt_method\",\"op\":\"eq\","
	    "\"value\":\"SHA512\"}", "pass");
	expect_status("{\"path\":\"" PP "faillog\",\"op\":\"eq\","
	    "\"value\":true}", "pass");
	expect_status("{\"path\":\"" PP "faillog\",\"op\":\"ne\","
	    "\"value\":false}", "pass");
}

static void
test_strict_types(void **state)
{
	(void)state;
	/* A number compared with a string, and the other way round. */
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":\"eq\","
	    "\"value\":\"99999\"}", "error");
	expect_status("{\"path\":\"" PP "umask\",\"op\":\"eq\","
	    "\"value\":22}", "error");
	expect_status("{\"path\":\"" PP "encrypt_method\",\"op\":\"lt\","
	    "\"value\":5}", "error");
	expect_status("{\"path\":\"" PP "faillog\",\"op\":\"ge\","
	    "\"value\":1}", "error");
	expect_status("{\"path\":\"" PP "faillog\",\"op\":\"eq\","
	    "\"value\":1}", "error");
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":\"matches\","
	    "\"value\":\"9\"}", "error");
	expect_status("{\"path\":\"" PP "umask\",\"op\":\"in\","
	    "\"value\":[22, 27]}", "error");
	/* An array is not a scalar: [*] says what to compare. */
	expect_status("{\"path\":\"" ACC "users\",\"op\":\"eq\","
	    "\"value\":1}", "error");
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":"
	    "\"version_ge\",\"value\":\"1\"}", "error");
}

static void
test_null_missing_absent(void **state)
{
	(void)state;
	expect_status("{\"path\":\"" PP "nothing\",\"op\":\"eq\","
	    "\"value\":null}", "pass");
	expect_status("{\"path\":\"" PP "umask\",\"op\":\"eq\","
	    "\"value\":null}", "fail");
	expect_status("{\"path\":\"" PP "nothing\",\"op\":\"exists\"}", "fail");
	expect_status("{\"path\":\"" PP "nothing\",\"op\":\"absent\"}", "pass");
	expect_status("{\"path\":\"" PP "nothing\",\"op\":\"le\","
	    "\"value\":5}", "error");
	/* Missing evidence is never a pass. */
	expect_status("{\"path\":\"" PP "nope\",\"op\":\"eq\","
	    "\"value\":1}", "error");
	expect_status("{\"path\":\"" PP "nope\",\"op\":\"ne\","
	    "\"value\":1}", "error");
	expect_status("{\"path\":\"" PP "nope\",\"op\":\"exists\"}", "fail");
	expect_status("{\"path\":\"" PP "nope\",\"op\":\"absent\"}", "pass");
	expect_status("{\"path\":\"" PP "nope.deeper\",\"op\":\"absent\"}",
	    "pass");
	/* A section the agent did not collect proves nothing at all. */
	expect_status("{\"path\":\"sections.kernel.data.x\",\"op\":"
	    "\"absent\"}", "error");
	expect_status("{\"path\":\"sections.kernel.data.x\",\"op\":"
	    "\"exists\"}", "error");
	/* The document has another shape than the path says. */
	expect_status("{\"path\":\"" PP "umask.x\",\"op\":\"absent\"}",
	    "error");
	expect_status("{\"path\":\"" PP "umask[0]\",\"op\":\"absent\"}",
	    "error");
}

static void
test_membership_regex(void **state)
{
	(void)state;
	expect_status("{\"path\":\"" PP "encrypt_method\",\"op\":\"in\","
	    "\"value\":[\"SHA512\",\"YESCRYPT\"]}", "pass");
	expect_status("{\"path\":\"" PP "encrypt_method\",\"op\":\"not_in\","
	    "\"value\":[\"SHA512\",\"YESCRYPT\"]}", "fail");
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":\"in\","
	    "\"value\":[30, 60, 99999]}", "pass");
	expect_status("{\"path\":\"" PP "umask\",\"op\":\"matches\","
	    "\"value\":\"^0[27]7$\"}", "fail");
	expect_status("{\"path\":\"" PP "umask\",\"op\":\"matches\","
	    "\"value\":\"2\"}", "pass");
	expect_status("{\"path\":\"" PP "encrypt_method\",\"op\":\"matches\","
	    "\"value\":\"^(SHA(256|512)|YESCRYPT)$\"}", "pass");
}

static void
test_versions(void **state)
{
	static const char no_manager[] =
	    "{\"sections\":{\"packages\":{\"data\":{\"installed\":"
	    "{\"a\":\"1.0\"}}}}}";
	static const char rpm_host[] =
	    "{\"sections\":{\"packages\":{\"data\":{\"manager\":\"rpm\","
	    "\"installed\":{\"a\":\"1.0^git1\"}}}}}";
	static const char apk_host[] =
	    "{\"sections\":{\"packages\":{\"data\":{\"manager\":\"apk\","
	    "\"installed\":{\"a\":\"1.2.3_rc1-r0\"}}}}}";
	struct json_object	*r;
	const char		*s;

	(void)state;
	expect_status("{\"path\":\"sections.packages.data.installed"
	    "[\\\"openssh-server\\\"]\",\"op\":\"version_ge\",\"value\":"
	    "\"1:9.2p1-2\"}", "pass");
	expect_status("{\"path\":\"sections.packages.data.installed"
	    "[\\\"openssh-server\\\"]\",\"op\":\"version_lt\",\"value\":"
	    "\"1:9.2p1-2+deb12u3\"}", "fail");
	/* dpkg: the epoch wins over everything after it. */
	expect_status("{\"path\":\"sections.packages.data.installed"
	    "[\\\"openssh-server\\\"]\",\"op\":\"version_gt\",\"value\":"
	    "\"9.9\"}", "pass");
	expect_status("{\"path\":\"sections.packages.data.installed.bash\","
	    "\"op\":\"version_eq\",\"value\":\"0:5.2.15-2+b2\"}", "pass");
	/* No package manager named: no ordering to use. */
	r = eval_rule("", "{\"path\":\"sections.packages.data.installed.a\","
	    "\"op\":\"version_ge\",\"value\":\"1.0\"}", no_manager);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "error");
	json_object_put(r);
	/* ...unless the rule says which. */
	r = eval_rule("", "{\"path\":\"sections.packages.data.installed.a\","
	    "\"op\":\"version_ge\",\"value\":\"1.0\",\"scheme\":\"dpkg\"}",
	    no_manager);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "pass");
	json_object_put(r);
	/* rpm: "^" sorts after the release it extends. */
	r = eval_rule("", "{\"path\":\"sections.packages.data.installed.a\","
	    "\"op\":\"version_gt\",\"value\":\"1.0\"}", rpm_host);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "pass");
	json_object_put(r);
	/* apk: a release candidate comes before the release. */
	r = eval_rule("", "{\"path\":\"sections.packages.data.installed.a\","
	    "\"op\":\"version_lt\",\"value\":\"1.2.3-r0\"}", apk_host);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "pass");
	json_object_put(r);
}

static void
test_ages(void **state)
{
	struct json_object	*r;
	const char		*s;

	(void)state;
	/* collected_at is 2026-11-01, the file a week older. */
	expect_status("{\"path\":\"" PP "mtime\",\"op\":\"age_le\","
	    "\"value\":\"7d\"}", "pass");
	expect_status("{\"path\":\"" PP "mtime\",\"op\":\"age_lt\","
	    "\"value\":\"7d\"}", "fail");
	expect_status("{\"path\":\"" PP "mtime\",\"op\":\"age_gt\","
	    "\"value\":\"6d23h\"}", "pass");
	expect_status("{\"path\":\"" PP "mtime\",\"op\":\"age_ge\","
	    "\"value\":\"2w\"}", "fail");
	expect_status("{\"path\":\"" PP "pass_max_days\",\"op\":"
	    "\"age_le\",\"value\":\"7d\"}", "error");
	expect_status("{\"path\":\"" PP "umask\",\"op\":\"age_le\","
	    "\"value\":\"7d\"}", "error");
	r = eval_rule("", "{\"path\":\"sections.s.data.t\",\"op\":"
	    "\"age_le\",\"value\":\"1d\"}", "{\"sections\":{\"s\":"
	    "{\"data\":{\"t\":\"2026-01-01T00:00:00Z\"}}}}");
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "error");
	assert_int_equal(jsonutil_get_string(r, "message", &s), 0);
	assert_non_null(strstr(s, "collected_at"));
	json_object_put(r);
}

static void
test_wildcards_indices(void **state)
{
	(void)state;
	expect_status("{\"path\":\"" ACC "users[*].uid\",\"op\":\"ge\","
	    "\"value\":0}", "pass");
	expect_status("{\"path\":\"" ACC "users[*].uid\",\"op\":\"gt\","
	    "\"value\":0}", "fail");
	expect_status("{\"path\":\"" ACC "users[*].uid\",\"op\":\"eq\","
	    "\"value\":1000,\"match\":\"any\"}", "pass");
	expect_status("{\"path\":\"" ACC "users[*].uid\",\"op\":\"eq\","
	    "\"value\":7,\"match\":\"any\"}", "fail");
	expect_status("{\"path\":\"" ACC "empty[*]\",\"op\":\"eq\","
	    "\"value\":1}", "pass");
	expect_status("{\"path\":\"" ACC "empty[*]\",\"op\":\"eq\","
	    "\"value\":1,\"match\":\"any\"}", "fail");
	expect_status("{\"path\":\"" ACC "users[*].shell\",\"op\":\"eq\","
	    "\"value\":\"/bin/sh\"}", "error");
	expect_status("{\"path\":\"" ACC "users[*].shell\",\"op\":"
	    "\"absent\"}", "pass");
	expect_status("{\"path\":\"" ACC "nope[*].x\",\"op\":\"eq\","
	    "\"value\":1}", "error");
	expect_status("{\"path\":\"" ACC "users[0].name\",\"op\":\"eq\","
	    "\"value\":\"root\"}", "pass");
	expect_status("{\"path\":\"" ACC "users[-1].name\",\"op\":\"eq\","
	    "\"value\":\"alice\"}", "pass");
	expect_status("{\"path\":\"" ACC "users[5].name\",\"op\":\"eq\","
	    "\"value\":\"x\"}", "error");
	expect_status("{\"path\":\"" ACC "users[5]\",\"op\":\"absent\"}",
	    "pass");
	/* [*] over an object's member values. */
	expect_status("{\"path\":\"" ACC "sysctl[*].int\",\"op\":\"le\","
	    "\"value\":1}", "pass");
	expect_status("{\"path\":\"" ACC "sysctl[\\\"net.ipv4.ip_forward\\\"]"
	    ".int\",\"op\":\"eq\",\"value\":0}", "pass");
	expect_status("{\"path\":\"" ACC "sysctl[\\\"net.ipv4.ip_\\u0066orward"
	    "\\\"].value\",\"op\":\"eq\",\"value\":\"0\"}", "pass");
}

static void
test_count(void **state)
{
	(void)state;
	expect_status("{\"op\":\"count\",\"path\":\"" ACC "users\",\"where\":"
	    "{\"path\":\"uid\",\"op\":\"eq\",\"value\":0},\"cmp\":\"le\","
	    "\"value\":1}", "fail");
	expect_status("{\"op\":\"count\",\"path\":\"" ACC "users\",\"where\":"
	    "{\"path\":\"uid\",\"op\":\"eq\",\"value\":0},\"cmp\":\"eq\","
	    "\"value\":2}", "pass");
	expect_status("{\"op\":\"count\",\"path\":\"" ACC "users\","
	    "\"cmp\":\"eq\",\"value\":3}", "pass");
	expect_status("{\"op\":\"count\",\"path\":\"" ACC "empty\","
	    "\"cmp\":\"eq\",\"value\":0}", "pass");
	expect_status("{\"op\":\"count\",\"path\":\"" ACC "sysctl\",\"where\":"
	    "{\"path\":\"@key\",\"op\":\"matches\",\"value\":\"forward\"},"
	    "\"cmp\":\"eq\",\"value\":1}", "pass");
	expect_status("{\"op\":\"count\",\"path\":\"" ACC "users\",\"where\":"
	    "{\"all\":[{\"path\":\"@.uid\",\"op\":\"eq\",\"value\":0},"
	    "{\"path\":\"name\",\"op\":\"ne\",\"value\":\"root\"}]},"
	    "\"cmp\":\"eq\",\"value\":0}", "fail");
	/* Judging an element fails: the count cannot be trusted. */
	expect_status("{\"op\":\"count\",\"path\":\"" ACC "users\",\"where\":"
	    "{\"path\":\"shell\",\"op\":\"eq\",\"value\":\"x\"},"
	    "\"cmp\":\"eq\",\"value\":0}", "error");
	expect_status("{\"op\":\"count\",\"path\":\"" ACC "nope\","
	    "\"cmp\":\"eq\",\"value\":0}", "error");
	expect_status("{\"op\":\"count\",\"path\":\"" PP "umask\","
	    "\"cmp\":\"eq\",\"value\":0}", "error");
}

#define PASS	"{\"path\":\"" PP "pass_max_days\",\"op\":\"gt\",\"value\":1}"
#define FAIL	"{\"path\":\"" PP "pass_max_days\",\"op\":\"lt\",\"value\":1}"
#define ERR	"{\"path\":\"" PP "nope\",\"op\":\"lt\",\"value\":1}"

static void
test_combinators(void **state)
{
	(void)state;
	expect_status("{\"all\":[" PASS "," PASS "]}", "pass");
	expect_status("{\"all\":[" PASS "," FAIL "]}", "fail");
	expect_status("{\"all\":[" PASS "," ERR "]}", "error");
	expect_status("{\"all\":[" ERR "," FAIL "]}", "fail");
	expect_status("{\"any\":[" FAIL "," PASS "]}", "pass");
	expect_status("{\"any\":[" FAIL "," ERR "]}", "error");
	expect_status("{\"any\":[" ERR "," PASS "]}", "pass");
	expect_status("{\"any\":[" FAIL "," FAIL "]}", "fail");
	expect_status("{\"not\":" PASS "}", "fail");
	expect_status("{\"not\":" FAIL "}", "pass");
	expect_status("{\"not\":" ERR "}", "error");
	expect_status("{\"not\":{\"any\":[" FAIL ",{\"not\":" PASS "}]}}",
	    "pass");
}

static void
test_applies_when(void **state)
{
	struct json_object	*r;
	const char		*s;

	(void)state;
	r = eval_rule(",\"applies_when\":" FAIL, PASS, NULL);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "not_applicable");
	assert_int_equal(jsonutil_get_string(r, "message", &s), 0);
	assert_non_null(strstr(s, "does not apply"));
	json_object_put(r);
	r = eval_rule(",\"applies_when\":" ERR, PASS, NULL);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "error");
	json_object_put(r);
	r = eval_rule(",\"applies_when\":" PASS, FAIL, NULL);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "fail");
	json_object_put(r);
}

static struct json_object *
result_member(struct json_object *r, const char *array, size_t i)
{
	struct json_object	*a;

	assert_int_equal(jsonutil_get_array(r, array, &a), 0);
	assert_true(i < json_object_array_length(a));
	return json_object_array_get_idx(a, i);
}

static void
test_result_detail(void **state)
{
	struct json_object	*r, *o, *a;
	const char		*s;
	int64_t			 n;

	(void)state;
	/* The expected condition readable, the observed value with its path,
	 * the file it came from. */
	r = eval_rule("", "{\"path\":\"" PP "pass_max_days\",\"op\":\"le\","
	    "\"value\":365}", NULL);
	assert_int_equal(jsonutil_get_string(r, "expected", &s), 0);
	assert_string_equal(s, PP "pass_max_days <= 365");
	o = result_member(r, "observed", 0);
	assert_int_equal(jsonutil_get_string(o, "path", &s), 0);
	assert_string_equal(s, PP "pass_max_days");
	assert_int_equal(jsonutil_get_int64(o, "value", &n), 0);
	assert_int_equal(n, 99999);
	/* No source beside the value: every file the section read. */
	assert_int_equal(jsonutil_get_array(r, "sources", &a), 0);
	assert_int_equal(json_object_array_length(a), 1);
	o = result_member(r, "sources", 0);
	assert_int_equal(jsonutil_get_string(o, "path", &s), 0);
	assert_string_equal(s, "/etc/login.defs");
	assert_int_equal(jsonutil_get_string(o, "sha256", &s), 0);
	assert_string_equal(s, "bb");
	json_object_put(r);

	/* "source": "path:line" beside the value. */
	r = eval_rule("", "{\"path\":\"sections.sshd.data.effective."
	    "permitrootlogin.value\",\"op\":\"eq\",\"value\":\"no\"}", NULL);
	o = result_member(r, "sources", 0);
	assert_int_equal(jsonutil_get_string(o, "path", &s), 0);
	assert_string_equal(s, "/etc/ssh/sshd_config");
	assert_int_equal(jsonutil_get_int64(o, "line", &n), 0);
	assert_int_equal(n, 12);
	assert_int_equal(jsonutil_get_string(o, "sha256", &s), 0);
	assert_string_equal(s, "cc");
	json_object_put(r);

	/* A compiled-in default. */
	r = eval_rule("", "{\"path\":\"sections.sshd.data.effective.ciphers."
	    "value[*]\",\"op\":\"not_in\",\"value\":[\"aes128-cbc\"]}", NULL);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "fail");
	o = result_member(r, "sources", 0);
	assert_int_equal(jsonutil_get_string(o, "path", &s), 0);
	assert_string_equal(s, "default");
	o = result_member(r, "observed", 1);
	assert_int_equal(jsonutil_get_string(o, "path", &s), 0);
	assert_string_equal(s, "sections.sshd.data.effective.ciphers.value[1]");
	json_object_put(r);

	/* "file" and "line" beside the value. */
	r = eval_rule("", "{\"path\":\"" ACC "sysctl[\\\"net.ipv4.ip_forward"
	    "\\\"].int\",\"op\":\"eq\",\"value\":0}", NULL);
	o = result_member(r, "sources", 0);
	assert_int_equal(jsonutil_get_string(o, "path", &s), 0);
	assert_string_equal(s, "/etc/sysctl.conf");
	assert_int_equal(jsonutil_get_int64(o, "line", &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(jsonutil_get_string(o, "sha256", &s), 0);
	assert_string_equal(s, "ee");
	o = result_member(r, "observed", 0);
	assert_int_equal(jsonutil_get_string(o, "path", &s), 0);
	assert_string_equal(s, ACC "sysctl[\"net.ipv4.ip_forward\"].int");
	json_object_put(r);

	/* The rule names its files. */
	r = eval_rule(",\"sources\":[\"/etc/security/*\"]",
	    "{\"path\":\"" PP "umask\",\"op\":\"exists\"}", NULL);
	o = result_member(r, "sources", 0);
	assert_int_equal(jsonutil_get_string(o, "path", &s), 0);
	assert_string_equal(s, "/etc/security/pwquality.conf");
	assert_int_equal(jsonutil_get_string(o, "status", &s), 0);
	assert_string_equal(s, "absent");
	json_object_put(r);

	/* count shows how many and which. */
	r = eval_rule("", "{\"op\":\"count\",\"path\":\"" ACC "users\","
	    "\"where\":{\"path\":\"uid\",\"op\":\"eq\",\"value\":0},"
	    "\"cmp\":\"le\",\"value\":1}", NULL);
	assert_int_equal(jsonutil_get_string(r, "expected", &s), 0);
	assert_string_equal(s, "count(" ACC "users where uid == 0) <= 1");
	o = result_member(r, "observed", 0);
	assert_int_equal(jsonutil_get_int64(o, "count", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(jsonutil_get_array(o, "matched", &a), 0);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
	    a, 1)), ACC "users[1]");
	json_object_put(r);

	/* Many values: at most 16 are shown. */
	{
		struct json_object	*big, *users, *sec;
		char			*text;
		int			 i;

		big = doc_parse(doc_text);
		json_object_object_get_ex(big, "sections", &sec);
		json_object_object_get_ex(sec, "accounts", &sec);
		json_object_object_get_ex(sec, "data", &sec);
		json_object_object_get_ex(sec, "users", &users);
		for (i = 0; i < 40; i++) {
			o = json_object_new_object();
			jsonutil_set_int64(o, "uid", 2000 + i);
			json_object_array_add(users, o);
		}
		text = xstrdup(jsonutil_to_string(big, 0));
		json_object_put(big);
		r = eval_rule("", "{\"path\":\"" ACC "users[*].uid\",\"op\":"
		    "\"ge\",\"value\":0}", text);
		free(text);
		assert_int_equal(jsonutil_get_array(r, "observed", &a), 0);
		assert_int_equal(json_object_array_length(a), 16);
		assert_true(json_object_object_get_ex(r, "observed_truncated",
		    NULL));
		json_object_put(r);
	}
}

static void
test_collector_errors(void **state)
{
	struct json_object	*doc, *errors, *e, *r, *res;
	struct ruleset		*set;
	const char		*s;
	char			*pack;

	(void)state;
	pack = pack_text("", "{\"path\":\"sections.sshd.data.effective."
	    "permitrootlogin.value\",\"op\":\"eq\",\"value\":\"no\"}");
	set = ruleset_load_buffer("t.json", pack, strlen(pack));
	assert_non_null(set);
	free(pack);

	/* An error about another line of the file changes nothing. */
	doc = doc_parse(doc_text);
	json_object_object_get_ex(doc, "errors", &errors);
	e = json_object_new_object();
	jsonutil_set_string(e, "section", "sshd");
	jsonutil_set_string(e, "message", "/etc/ssh/sshd_config:13: odd");
	json_object_array_add(errors, e);
	res = ruleset_evaluate(set, doc);
	r = json_object_array_get_idx(res, 0);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "pass");
	json_object_put(res);

	/* One about the line the value came from makes it an error. */
	e = json_object_new_object();
	jsonutil_set_string(e, "section", "sshd");
	jsonutil_set_string(e, "message", "/etc/ssh/sshd_config:12: bad "
	    "value");
	json_object_array_add(errors, e);
	res = ruleset_evaluate(set, doc);
	r = json_object_array_get_idx(res, 0);
	assert_int_equal(jsonutil_get_string(r, "status", &s), 0);
	assert_string_equal(s, "error");
	assert_int_equal(jsonutil_get_string(r, "message", &s), 0);
	assert_non_null(strstr(s, "sshd_config:12: bad value"));
	json_object_put(res);
	json_object_put(doc);
	ruleset_free(set);
}

/* Load a pack, expecting refusal with msg in what was logged. */
static void
expect_refused(const char *pack, const char *msg)
{
	struct ruleset	*set;
	char		 path[] = "/tmp/test-rules-log.XXXXXX", buf[4096];
	int		 fd, saved;
	ssize_t		 n;

	if ((fd = mkstemp(path)) == -1)
		fail_msg("mkstemp");
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	set = ruleset_load_buffer("t.json", pack, strlen(pack));
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	buf[n > 0 ? n : 0] = '\0';
	if (set != NULL) {
		ruleset_free(set);
		fail_msg("accepted: %s", pack);
	}
	if (strstr(buf, msg) == NULL)
		fail_msg("expected \"%s\" in: %s", msg, buf);
}

static void
expect_check_refused(const char *check, const char *msg)
{
	char	*pack = pack_text("", check);

	expect_refused(pack, msg);
	free(pack);
}

static void
test_load_errors(void **state)
{
	char	*pack;

	(void)state;
	expect_check_refused("{\"path\":\"a\",\"op\":\"equals\",\"value\":1}",
	    "t.json: R1: check: unknown operator \"equals\"");
	expect_check_refused("{\"path\":\"a..b\",\"op\":\"eq\",\"value\":1}",
	    "R1: check: bad path \"a..b\"");
	expect_check_refused("{\"path\":\"a[\",\"op\":\"eq\",\"value\":1}",
	    "bad path");
	expect_check_refused("{\"path\":\"a[x]\",\"op\":\"eq\",\"value\":1}",
	    "bad path");
	expect_check_refused("{\"path\":\"a[\\\"x]\",\"op\":\"eq\","
	    "\"value\":1}", "unterminated quoted name");
	expect_check_refused("{\"path\":\"a.b.c d\",\"op\":\"eq\","
	    "\"value\":1}", "bad path");
	expect_check_refused("{\"path\":\"@\",\"op\":\"eq\",\"value\":1}",
	    "only allowed in a count");
	expect_check_refused("{\"path\":\"\",\"op\":\"eq\",\"value\":1}",
	    "empty path");
	expect_check_refused("{\"path\":\"a\",\"op\":\"matches\","
	    "\"value\":\"(\"}", "bad regex");
	expect_check_refused("{\"path\":\"a\",\"op\":\"in\",\"value\":[]}",
	    "non-empty array");
	expect_check_refused("{\"path\":\"a\",\"op\":\"in\","
	    "\"value\":[1,\"x\"]}", "all of one type");
	expect_check_refused("{\"path\":\"a\",\"op\":\"lt\",\"value\":\"5\"}",
	    "needs a number");
	expect_check_refused("{\"path\":\"a\",\"op\":\"age_le\","
	    "\"value\":\"soon\"}", "takes a duration");
	expect_check_refused("{\"path\":\"a\",\"op\":\"age_le\","
	    "\"value\":7}", "takes a duration");
	expect_check_refused("{\"path\":\"a\",\"op\":\"eq\"}",
	    "\"value\" is missing");
	expect_check_refused("{\"path\":\"a\",\"op\":\"exists\",\"value\":1}",
	    "takes no value");
	expect_check_refused("{\"path\":\"a\",\"op\":\"eq\",\"value\":1,"
	    "\"match\":\"any\"}", "needs a path with [*]");
	expect_check_refused("{\"path\":\"a\",\"op\":\"eq\",\"value\":1,"
	    "\"scheme\":\"dpkg\"}", "for version comparisons");
	expect_check_refused("{\"path\":\"a\",\"op\":\"version_lt\","
	    "\"value\":\"1\",\"scheme\":\"deb\"}", "dpkg, rpm or apk");
	expect_check_refused("{\"path\":\"a\",\"op\":\"eq\",\"value\":1,"
	    "\"vaule\":2}", "unknown key \"vaule\"");
	expect_check_refused("{\"op\":\"count\",\"path\":\"a\","
	    "\"value\":1}", "count needs \"cmp\"");
	expect_check_refused("{\"op\":\"count\",\"path\":\"a[*]\","
	    "\"cmp\":\"eq\",\"value\":1}", "without [*]");
	expect_check_refused("{\"op\":\"count\",\"path\":\"a\","
	    "\"cmp\":\"eq\",\"value\":-1}", "non-negative");
	expect_check_refused("{\"all\":[]}", "non-empty array");
	expect_check_refused("{\"all\":[{\"path\":\"a\",\"op\":\"eq\","
	    "\"value\":1}],\"any\":[]}", "must be alone");
	expect_check_refused("{\"not\":{\"path\":\"a\",\"op\":\"eq\"}}",
	    "check.not: \"value\" is missing");
	expect_check_refused("{\"any\":[{\"path\":\"a\",\"op\":\"eq\","
	    "\"value\":1},{\"path\":\"a\",\"op\":\"nope\"}]}",
	    "check.any[1]: unknown operator");
	expect_check_refused("[1]", "a condition is an object");

	/* Rule-level problems. */
	pack = xasprintf("{\"pack\":\"t\",\"version\":\"1\",\"rules\":["
	    "{\"id\":\"R1\",\"title\":\"t\",\"description\":\"d\","
	    "\"rationale\":\"r\",\"remediation\":\"m\",\"severity\":\"urgent\","
	    "\"controls\":{\"iso27001:2022\":[\"A.99.1\"],\"nist\":[\"x\"]},"
	    "\"chek\":{}}]}");
	expect_refused(pack, "R1: \"severity\" is low, medium, high or "
	    "critical");
	expect_refused(pack, "R1: unknown iso27001:2022 control \"A.99.1\"");
	expect_refused(pack, "R1: unknown framework \"nist\"");
	expect_refused(pack, "R1: unknown key \"chek\"");
	expect_refused(pack, "R1: \"check\" is missing");
	free(pack);
	pack = xasprintf("{\"pack\":\"t\",\"version\":\"1\",\"rules\":["
	    "{\"id\":\"R1\",\"title\":\"t\",\"description\":\"d\","
	    "\"rationale\":\"r\",\"remediation\":\"m\",\"severity\":\"low\","
	    "\"controls\":{\"iso27001:2013\":[\"A.9.4.3\"]},\"check\":" PASS
	    "}]}");
	expect_refused(pack, "needs \"iso27001:2022\"");
	free(pack);
	pack = xasprintf("{\"pack\":\"t\",\"version\":\"1\",\"rules\":["
	    "{\"id\":\"R1\",\"title\":\"t\",\"description\":\"d\","
	    "\"rationale\":\"r\",\"remediation\":\"m\",\"severity\":\"low\","
	    "\"controls\":{\"iso27001:2022\":[\"A.5.17\"]},\"check\":" PASS
	    "},{\"id\":\"R1\",\"title\":\"t\",\"description\":\"d\","
	    "\"rationale\":\"r\",\"remediation\":\"m\",\"severity\":\"low\","
	    "\"controls\":{\"iso27001:2022\":[\"A.5.17\"]},\"check\":" PASS
	    "}]}");
	expect_refused(pack, "R1: duplicate rule id");
	free(pack);
	expect_refused("{\"pack\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":"
	    "\"bad id\"}]}", "\"id\" is missing or not");
	expect_refused("{\"pack\":\"t\",\"rules\":[]}", "\"version\" is "
	    "missing");
	expect_refused("{\"pack\":\"t\",\"version\":\"1\",\"rules\":[]}",
	    "\"rules\" is missing or empty");
	expect_refused("{\"pack\":\"t\",\"version\":\"1\",\n\"rules\":\n[,]}",
	    "t.json:3: ");
}

static void
test_pack_info(void **state)
{
	struct ruleset		*set;
	struct rule_pack_info	 pi;
	const struct rule_info	*ri;
	char			*pack;

	(void)state;
	pack = pack_text("", PASS);
	set = ruleset_load_buffer("t.json", pack, strlen(pack));
	assert_non_null(set);
	assert_int_equal(ruleset_pack_count(set), 1);
	ruleset_pack(set, 0, &pi);
	assert_string_equal(pi.name, "t");
	assert_string_equal(pi.version, "1");
	assert_int_equal(strncmp(pi.digest, "sha256:", 7), 0);
	assert_int_equal(strlen(pi.digest), 7 + 64);
	assert_int_equal(pi.body_len, strlen(pack));
	assert_int_equal(ruleset_rule_count(set), 1);
	ri = ruleset_find(set, "R1");
	assert_non_null(ri);
	assert_string_equal(ri->severity, "low");
	assert_true(rule_has_control(ri, "iso27001:2022", "A.8.9"));
	assert_true(rule_has_control(ri, "iso27001:2013", "A.12.1.2"));
	assert_false(rule_has_control(ri, "iso27001:2022", "A.8.8"));
	assert_null(ruleset_find(set, "R2"));
	ruleset_free(set);
	free(pack);
}

/* What drift compares: each rule's status in order, found by hint first. */
static void
test_rule_statuses(void **state)
{
	struct rule_statuses	 rs;
	struct json_object	*arr;
	char			 err[128];
	const char		*text = "[{\"rule\":\"A-1\",\"status\":\"pass\"},"
	    "{\"status\":\"fail\"},"
	    "{\"rule\":\"B-2\",\"status\":\"fail\"},"
	    "{\"rule\":\"C-3\",\"status\":\"bogus\"},"
	    "{\"rule\":\"D-4\",\"status\":\"not_applicable\"}]";

	(void)state;
	arr = jsonutil_parse(text, strlen(text), err, sizeof(err));
	assert_non_null(arr);
	rule_statuses_of(arr, &rs);
	json_object_put(arr);
	/* The entry without a rule is left out. */
	assert_int_equal(rs.n, 4);
	assert_string_equal(rs.rule[0], "A-1");
	assert_int_equal(rs.status[0], RULE_PASS);
	assert_string_equal(rs.rule[1], "B-2");
	assert_int_equal(rs.status[1], RULE_FAIL);
	assert_int_equal(rs.status[2], -1);
	assert_int_equal(rs.status[3], RULE_NOT_APPLICABLE);
	assert_int_equal(rule_statuses_find(&rs, "B-2", 1), 1);
	/* A wrong hint still finds it; an absent rule is -1. */
	assert_int_equal(rule_statuses_find(&rs, "D-4", 0), 3);
	assert_int_equal(rule_statuses_find(&rs, "D-4", 99), 3);
	assert_int_equal(rule_statuses_find(&rs, "E-5", 0), -1);
	rule_statuses_clear(&rs);
	assert_int_equal(rs.n, 0);

	/* Not an array: nothing, and nothing to free. */
	arr = json_object_new_object();
	rule_statuses_of(arr, &rs);
	assert_int_equal(rs.n, 0);
	assert_int_equal(rule_statuses_find(&rs, "A-1", 0), -1);
	rule_statuses_clear(&rs);
	json_object_put(arr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_strict_types),
		cmocka_unit_test(test_null_missing_absent),
		cmocka_unit_test(test_membership_regex),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_ages),
		cmocka_unit_test(test_wildcards_indices),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_combinators),
		cmocka_unit_test(test_applies_when),
		cmocka_unit_test(test_result_detail),
		cmocka_unit_test(test_collector_errors),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_pack_info),
		cmocka_unit_test(test_rule_statuses),
	};

	log_init("test-rules", 0, LOG_DEST_STDERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
