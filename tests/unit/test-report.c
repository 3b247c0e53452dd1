/* Unit tests for daemon/report.c: escaping hostile text, and the writers
 * over views shaped as findings.c gives them. */
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

#include <json-c/json.h>

#include "jsonutil.h"
#include "report.h"
#include "xmalloc.h"

/* What fn wrote for s. */
static char *
capture(void (*fn)(FILE *, const char *), const char *s)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 size = 0;

	assert_non_null(f = open_memstream(&buf, &size));
	fn(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
expect(void (*fn)(FILE *, const char *), const char *in, const char *want)
{
	char	*got = capture(fn, in);

	if (strcmp(got, want) != 0)
		fail_msg("%s -> \"%s\", expected \"%s\"", in != NULL ? in :
		    "(null)", got, want);
	free(got);
}

static void
test_html_escape(void **state)
{
	static const char *const cases[][2] = {
		{ "web-3", "web-3" },
		{ "", "" },
		{ "<script>alert(1)</script>",
		    "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "\"><img src=x onerror=alert(1)>",
		    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
		{ "' onmouseover='alert(1)", "&#39; onmouseover=&#39;alert(1)" },
		{ "a&amp;b", "a&amp;amp;b" },
		{ "&#60;", "&amp;#60;" },
		{ "</style><script>", "&lt;/style&gt;&lt;script&gt;" },
		{ "line\nnext\ttab\r", "line\nnext\ttab\r" },
		{ "bell\x07" "esc\x1b[31m del\x7f", "bell\\x07esc\\x1b[31m del\\x7f" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac" },
		{ "bad\xff\xfe<", "bad\\xff\\xfe&lt;" },
		{ "cut\xc3", "cut\\xc3" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect(report_html_escape, cases[i][0], cases[i][1]);
	expect(report_html_escape, NULL, "");
}

static void
test_csv_field(void **state)
{
	static const char *const cases[][2] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "crlf\r\n", "\"crlf\r\n\"" },
		{ "=1+1", "'=1+1" },
		{ "+1", "'+1" },
		{ "-1", "'-1" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\tx", "'\tx" },
		{ "\rx", "\"'\rx\"" },
		{ "=HYPERLINK(\"http://x\",\"y\")",
		    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0" },
		{ "a=b", "a=b" },
		{ "x-1", "x-1" },
		{ "'quoted'", "'quoted'" },
		{ "<script>", "<script>" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "bad\xff,", "\"bad\\xff,\"" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect(report_csv_field, cases[i][0], cases[i][1]);
	expect(report_csv_field, NULL, "");
}

/*
 * Two hosts on one control with two rules: the hostile host fails one
 * with hostile observed values and sources, and a waived failure; the
 * other host's rule set has no second rule.
 */
static const char hosts_text[] =
"[{\"agent_id\":\"ag_1\",\"hostname\":\"<script>alert(1)</script>\","
"  \"machine_id\":\"m\",\"enrolled_at\":\"2026-01-01T00:00:00Z\","
"  \"evidence_id\":7,\"last_seen\":\"2026-01-02T00:00:00Z\","
"  \"counts\":{\"pass\":0,\"fail\":1,\"error\":0,\"not_applicable\":0,"
"  \"waived\":1},\"score\":0},"
" {\"agent_id\":\"ag_2\",\"hostname\":\"web-2\",\"machine_id\":\"n\","
"  \"enrolled_at\":\"2026-01-01T00:00:00Z\"}]";
static const char controls_text[] =
"[{\"control\":\"A.8.5\",\"title\":\"Secure authentication\","
"  \"theme\":\"Technological\",\"rules\":[\"R-1\",\"R-2\"],"
"  \"hosts\":{\"passing\":0,\"failing\":1,\"waived\":0,"
"  \"not_evidenced\":1},"
"  \"per_host\":[{\"agent_id\":\"ag_1\",\"hostname\":"
"  \"<script>alert(1)</script>\",\"state\":\"failing\",\"rules\":[\"R-1\","
"  \"R-2\"]},{\"agent_id\":\"ag_3\",\"hostname\":\"=1+1\",\"state\":"
"  \"not_evidenced\",\"rules\":[\"R-1\"]}]},"
" {\"control\":\"A.5.1\",\"title\":\"Policies\",\"theme\":"
"  \"Organizational\",\"rules\":[],\"hosts\":{},\"per_host\":[]}]";
static const char findings_text[] =
"[{\"agent_id\":\"ag_1\",\"hostname\":\"<script>alert(1)</script>\","
"  \"evidence_id\":7,\"collected_at\":\"2026-01-02T00:00:00Z\","
"  \"rule\":\"R-1\",\"title\":\"Root <b>cannot</b> log in\","
"  \"severity\":\"high\",\"status\":\"fail\","
"  \"expected\":\"x == \\\"no\\\" && y < 3\","
"  \"observed\":[{\"path\":\"x\",\"value\":\"</code><script>x()</script>\"},"
"  {\"path\":\"x\",\"value\":\"</code><script>x()</script>\"}],"
"  \"sources\":[{\"path\":\"/etc/<ssh>\",\"line\":3,\"sha256\":\"abc\"},"
"  {\"path\":\"/etc/missing\",\"status\":\"missing\"}],"
"  \"pack\":\"p\",\"pack_version\":\"1\",\"pack_digest\":\"sha256:d\"},"
" {\"agent_id\":\"ag_1\",\"hostname\":\"<script>alert(1)</script>\","
"  \"evidence_id\":7,\"collected_at\":\"2026-01-02T00:00:00Z\","
"  \"rule\":\"R-2\",\"title\":\"Two\",\"severity\":\"low\","
"  \"status\":\"waived\",\"expected\":\"z exists\",\"observed\":[],"
"  \"sources\":[],\"waiver\":{\"id\":4,\"owner\":\"@ciso\","
"  \"justification\":\"ok, \\\"fine\\\"\\n<i>really</i>\","
"  \"expires_at\":\"2027-01-01T00:00:00Z\"},"
"  \"pack\":\"p\",\"pack_version\":\"1\",\"pack_digest\":\"sha256:d\"},"
" {\"agent_id\":\"ag_3\",\"hostname\":\"=1+1\",\"evidence_id\":9,"
"  \"collected_at\":\"2026-01-03T00:00:00Z\",\"rule\":\"R-1\","
"  \"title\":\"Root <b>cannot</b> log in\",\"severity\":\"high\","
"  \"status\":\"error\",\"expected\":\"x == \\\"no\\\" && y < 3\","
"  \"observed\":[{\"path\":\"x\",\"missing\":true}],\"sources\":[],"
"  \"message\":\"no <sshd> section\",\"ruleset\":\"sha256:r\"}]";

static struct json_object *
parse(const char *s)
{
	struct json_object	*o;
	char			 err[128];

	if ((o = jsonutil_parse(s, strlen(s), err, sizeof(err))) == NULL)
		fail_msg("test JSON: %s", err);
	return o;
}

static char *
write_report(int (*fn)(FILE *, const struct report *))
{
	struct report	 r;
	FILE		*f;
	char		*buf = NULL;
	size_t		 size = 0;

	r.generated_at = 1800000000;
	r.at = 1790000000;
	r.hosts = parse(hosts_text);
	r.controls = parse(controls_text);
	r.findings = parse(findings_text);
	assert_non_null(f = open_memstream(&buf, &size));
	assert_int_equal(fn(f, &r), 0);
	assert_int_equal(fclose(f), 0);
	json_object_put(r.hosts);
	json_object_put(r.controls);
	json_object_put(r.findings);
	return buf;
}

static void
expect_in(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" is not in the output", part);
}

static void
test_html(void **state)
{
	char	*html = write_report(report_html);

	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>cannot"));
	assert_null(strstr(html, "<i>really"));
	assert_null(strstr(html, "://"));
	expect_in(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_in(html, "Root &lt;b&gt;cannot&lt;/b&gt; log in");
	expect_in(html, "&quot;&lt;/code&gt;&lt;script&gt;x()&lt;/script&gt;"
	    "&quot;");
	expect_in(html, "<code>/etc/&lt;ssh&gt;:3</code>");
	expect_in(html, "sha256 abc");
	expect_in(html, "(missing)");
	expect_in(html, "no &lt;sshd&gt; section");
	expect_in(html, "x == &quot;no&quot; &amp;&amp; y &lt; 3");
	expect_in(html, "ok, &quot;fine&quot;\n&lt;i&gt;really&lt;/i&gt;");
	expect_in(html, "@ciso");
	expect_in(html, "no result");
	expect_in(html, "sha256:d");
	expect_in(html, "sha256:r");	/* a rule set without its packs */
	expect_in(html, "2026-09-21T14:13:20Z");	/* as of */
	expect_in(html, "2027-01-15T08:00:00Z");	/* generated */
	expect_in(html, "id=\"ctl-A.8.5\"");
	assert_null(strstr(html, "id=\"ctl-A.5.1\""));
	/* The same value observed twice is shown once. */
	assert_non_null(strstr(html, "x()"));
	assert_null(strstr(strstr(html, "x()") + 1, "x()"));
	free(html);
}

static void
test_csv(void **state)
{
	static const char want[] =
"control,control_title,hostname,agent_id,rule,rule_title,severity,status,"
"expected,observed,sources,evidence_id,collected_at,waiver_owner,"
"waiver_expires,waiver_justification\r\n"
"A.8.5,Secure authentication,<script>alert(1)</script>,ag_1,R-1,"
"Root <b>cannot</b> log in,high,fail,\"x == \"\"no\"\" && y < 3\","
"\"[{\"\"path\"\":\"\"x\"\",\"\"value\"\":\"\"</code><script>x()</script>\"\"},"
"{\"\"path\"\":\"\"x\"\",\"\"value\"\":\"\"</code><script>x()</script>\"\"}]\","
"/etc/<ssh>:abc; /etc/missing (missing),7,2026-01-02T00:00:00Z,,,\r\n"
"A.8.5,Secure authentication,'=1+1,ag_3,R-1,Root <b>cannot</b> log in,"
"high,error,\"x == \"\"no\"\" && y < 3\","
"\"[{\"\"path\"\":\"\"x\"\",\"\"missing\"\":true}]\",,9,"
"2026-01-03T00:00:00Z,,,\r\n"
"A.8.5,Secure authentication,<script>alert(1)</script>,ag_1,R-2,Two,low,"
"waived,z exists,[],,7,2026-01-02T00:00:00Z,'@ciso,2027-01-01T00:00:00Z,"
"\"ok, \"\"fine\"\"\n<i>really</i>\"\r\n"
"A.8.5,Secure authentication,'=1+1,ag_3,R-2,Two,low,no_result,,,,,,,,"
"\r\n";
	char	*csv = write_report(report_csv);

	if (strcmp(csv, want) != 0)
		fail_msg("CSV:\n%s\nexpected:\n%s", csv, want);
	free(csv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
