/* Unit tests for daemon/fieldwork.c and its renderers: the period's
 * arithmetic over runs of documents (a result set used twice, a document
 * without a result, a rule only some result sets have), hostile text in
 * every format, and the members that make a bundle unreadable. */
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
#include <unistd.h>

#include <json-c/json.h>

#include "bundle.h"
#include "fieldwork.h"
#include "fileio.h"
#include "xmalloc.h"

#define PACK	TEST_SRCDIR "/../conf/rules/iso27001-2022-linux.json"
#define T0	1790000000	/* 2026-09-21T14:13:20Z */
#define HEX_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_P	"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define AGENT	"ag_test1"
/* Hosts choose their names: a formula, markup and a table separator. */
#define HOSTILE	"=cmd|' /C calc'!A0 <script>alert(1)</script>"

struct fixture {
	char	 dir[64];
	char	 path[96];
};

static const char result_a[] =	/* hardened: SSH-002 passes */
    "[{\"rule\":\"LNX-SSH-002\",\"status\":\"pass\",\"expected\":\"x\","
    "\"observed\":[{\"path\":\"sshd.passwordauthentication\",\"value\":"
    "\"no\"}],\"sources\":[{\"path\":\"/etc/ssh/sshd_config\",\"line\":6,"
    "\"sha256\":\"1111\"}]}]";
static const char result_b[] =	/* drifted: SSH-002 and FW-002 fail */
    "[{\"rule\":\"LNX-SSH-002\",\"status\":\"fail\",\"expected\":\"x\","
    "\"observed\":[{\"path\":\"sshd.passwordauthentication\",\"value\":"
    "\"yes|<b>x</b>\\n*y*\"}],\"sources\":[{\"path\":\"/etc/ssh/"
    "sshd_config\",\"line\":6,\"sha256\":\"2222\"}]},"
    "{\"rule\":\"LNX-FW-002\",\"status\":\"fail\",\"expected\":\"x\","
    "\"observed\":[],\"sources\":[]}]";

static void
add(struct bundle_writer *w, const char *name, const char *text)
{
	char	 err[256];

	if (bundle_add(w, name, text, strlen(text), err, sizeof(err)) == -1)
		fail_msg("%s: %s", name, err);
}

/* Seq 1..6, 100 s apart: A, B, B, A, (no evaluation), B. */
static void
add_evidence(struct bundle_writer *w, int seq, const char *hex)
{
	char	*name, *meta, when[32];
	time_t	 t = T0 + (seq - 1) * 100;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	name = xasprintf("agents/" AGENT "/evidence/%d.dsse.json", seq);
	add(w, name, "{}");
	free(name);
	meta = xasprintf("{\"evidence_id\":%d,\"seq\":%d,\"received_at\":"
	    "\"%s\",\"collected_at\":\"%s\",\"evaluations\":[%s%s%s]}",
	    seq + 10, seq, when, when, hex != NULL ?
	    "{\"ruleset\":\"sha256:00\",\"evaluated_at\":\"2026-01-01T00:00:00Z\","
	    "\"results\":\"sha256:" : "", hex != NULL ? hex : "",
	    hex != NULL ? "\"}" : "");
	name = xasprintf("agents/" AGENT "/evidence/%d.json", seq);
	add(w, name, meta);
	free(name);
	free(meta);
}

/* A bundle as export.c lays it out; skip names a member to leave out,
 * bad one to replace with text that does not parse. */
static void
write_bundle(struct fixture *f, const char *skip, const char *bad)
{
	struct bundle_writer	*w;
	char			 err[256], *pack;
	size_t			 len;
	const char		*names[] = {
		"rules/" HEX_P ".json", "rulesets.json",
		"agents/" AGENT "/agent.json", "evidence", "agents/" AGENT
		"/results/" HEX_B ".json", "agents/" AGENT "/results/" HEX_A
		".json", "waivers.json", "drift.jsonl", "manifest.json"
	};
	const char		*texts[sizeof(names) / sizeof(names[0])];
	size_t			 i;

	assert_int_equal(fileio_read_path(PACK, 1 << 22, &pack, &len), 0);
	texts[0] = pack;
	texts[1] = "{\"sha256:00\":[{\"digest\":\"sha256:" HEX_P "\","
	    "\"name\":\"p\",\"version\":\"1\"}]}";
	texts[2] = "{\"id\":\"" AGENT "\",\"hostname\":\"" HOSTILE "\","
	    "\"enrolled_at\":\"2026-01-01T00:00:00Z\"}";
	texts[3] = NULL;
	texts[4] = result_b;
	texts[5] = result_a;
	texts[6] = "[{\"id\":7,\"rule\":\"LNX-SSH-002\",\"host\":\"=cmd*\","
	    "\"owner\":\"Jo\",\"justification\":\"risk | accepted\\nby board\","
	    "\"created_at\":\"2026-09-21T14:20:00Z\",\"expires_at\":"
	    "\"2027-01-01T00:00:00Z\"},{\"id\":8,\"rule\":\"LNX-SSH-002\","
	    "\"host\":\"other\",\"owner\":\"No\",\"justification\":\"n\","
	    "\"created_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":"
	    "\"2027-01-01T00:00:00Z\"}]";
	texts[7] = "{\"id\":3,\"kind\":\"rule_regressed\",\"state\":"
	    "\"acknowledged\",\"agent_id\":\"" AGENT "\",\"subject\":"
	    "\"LNX-SSH-002\",\"opened_at\":\"2026-09-21T14:15:00Z\","
	    "\"acked_at\":\"2026-09-21T14:16:00Z\",\"acked_by\":\"sec\","
	    "\"ack_comment\":\"CHG-1\"}\n"
	    "{\"id\":4,\"kind\":\"host_silent\",\"state\":\"resolved\","
	    "\"agent_id\":\"" AGENT "\",\"opened_at\":\"2026-09-21T14:15:00Z\","
	    "\"resolved_at\":\"2026-09-21T14:17:00Z\",\"resolution\":\"back\"}\n";
	texts[8] = "{\"format\":\"exhibit-bundle/1\",\"created_at\":"
	    "\"2026-10-01T00:00:00Z\",\"created_by\":\"auditor\",\"request\":"
	    "{\"audit\":\"Q3\",\"controls\":[\"A.8.5\",\"A.8.20\","
	    "\"A.5.1\"]},\"period\":"
	    "{\"from\":\"2026-09-01T00:00:00Z\",\"to\":\"2026-10-01T00:00:00Z\"},"
	    "\"ledger\":{\"origin\":\"o\",\"checkpoint_size\":6,\"root\":\"R=\"}}";

	snprintf(f->path, sizeof(f->path), "%s/b.tar.gz", f->dir);
	assert_non_null(w = bundle_writer_open(f->path, T0, err, sizeof(err)));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (texts[i] == NULL) {
			add_evidence(w, 1, HEX_A);
			add_evidence(w, 2, HEX_B);
			add_evidence(w, 3, HEX_B);
			add_evidence(w, 4, HEX_A);
			add_evidence(w, 5, NULL);
			add_evidence(w, 6, HEX_B);
			continue;
		}
		if (skip != NULL && strcmp(names[i], skip) == 0)
			continue;
		add(w, names[i], bad != NULL && strcmp(names[i], bad) == 0 ?
		    "{\"truncated\": " : texts[i]);
	}
	assert_int_equal(bundle_writer_close(w, err, sizeof(err)), 0);
	free(pack);
}

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-fieldwork.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static size_t
rule(const struct fieldwork *fw, const char *id)
{
	size_t	 i;

	for (i = 0; i < fw->nrules; i++)
		if (strcmp(fw->rules[i].id, id) == 0)
			return i;
	fail_msg("no rule %s", id);
	return 0;
}

static void
test_period(void **state)
{
	struct fixture		*f = *state;
	struct fieldwork	 fw;
	const struct fw_cell	*c;
	struct json_object	*w;
	char			 err[256];

	write_bundle(f, NULL, NULL);
	assert_int_equal(fieldwork_read(f->path, &fw, err, sizeof(err)), 0);
	assert_int_equal(fw.nhosts, 1);
	assert_string_equal(fw.hosts[0].hostname, HOSTILE);
	assert_int_equal(fw.hosts[0].documents, 6);
	assert_int_equal(fw.hosts[0].first, T0);
	assert_int_equal(fw.hosts[0].last, T0 + 500);

	/* SSH-002: pass (1), fail (2-3), pass (4), nothing (5), fail (6). */
	assert_non_null(c = fieldwork_cell(&fw.hosts[0],
	    rule(&fw, "LNX-SSH-002")));
	assert_string_equal(fieldwork_status(&c->start), "pass");
	assert_int_equal(c->start.evidence_id, 11);
	assert_string_equal(fieldwork_status(&c->end), "fail");
	assert_int_equal(c->end.evidence_id, 16);
	assert_int_equal(c->fail.evidence_id, 12);
	/* 2 -> 4 fails 200 s; 6 is the last document: nothing after it. */
	assert_int_equal(c->failing, 200);
	assert_int_equal(c->fail_runs, 2);
	assert_int_equal(c->fail_since, T0 + 500);
	assert_int_equal(c->judged, 5);

	/* FW-002 only in B: fails from 2, A says nothing, still at 6. */
	assert_non_null(c = fieldwork_cell(&fw.hosts[0],
	    rule(&fw, "LNX-FW-002")));
	assert_string_equal(fieldwork_status(&c->start), "-");
	assert_string_equal(fieldwork_status(&c->end), "fail");
	assert_int_equal(c->failing, 200);
	assert_int_equal(c->fail_runs, 1);
	assert_int_equal(c->fail_since, T0 + 100);

	/* Rules never judged have no cell. */
	assert_null(fieldwork_cell(&fw.hosts[0], rule(&fw, "LNX-SSH-001")));

	/* The waiver by hostname pattern, not the other host's. */
	w = fieldwork_waivers(&fw, &fw.hosts[0], "LNX-SSH-002");
	assert_int_equal(json_object_array_length(w), 1);
	assert_true(fieldwork_waived_at(w, T0 + 500));
	assert_false(fieldwork_waived_at(w, T0 + 100));
	json_object_put(w);
	assert_int_equal(json_object_array_length(fieldwork_drift(&fw,
	    &fw.hosts[0], "LNX-SSH-002")), 1);
	assert_int_equal(json_object_array_length(fieldwork_drift(&fw,
	    &fw.hosts[0], NULL)), 1);
	assert_null(fieldwork_drift(&fw, &fw.hosts[0], "LNX-FW-002"));
	fieldwork_free(&fw);
}

static char *
render(struct fixture *f, enum fw_format fmt)
{
	struct fieldwork	 fw;
	FILE			*out;
	char			*buf = NULL, err[256];
	size_t			 size = 0;

	write_bundle(f, NULL, NULL);
	assert_int_equal(fieldwork_read(f->path, &fw, err, sizeof(err)), 0);
	assert_non_null(out = open_memstream(&buf, &size));
	assert_int_equal(fieldwork_render(out, &fw, fmt, T0 + 1000), 0);
	assert_int_equal(fclose(out), 0);
	fieldwork_free(&fw);
	return buf;
}

static void
test_html(void **state)
{
	char	*s = render(*state, FW_HTML);

	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<b>x"));
	assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(s, "yes|&lt;b&gt;x&lt;/b&gt;"));
	assert_non_null(strstr(s, "A.8.5 Secure authentication"));
	assert_non_null(strstr(s, "3m 20s"));
	assert_non_null(strstr(s, "failing since 2026-09-21T14:21:40Z"));
	assert_non_null(strstr(s, "CHG-1"));
	assert_non_null(strstr(s, "risk | accepted\nby board"));
	assert_non_null(strstr(s, "audit Q3; controls A.8.5, A.8.20, A.5.1"));
	assert_non_null(strstr(s, "cited by no bundled rule</dt><dd>A.5.1<"));
	free(s);
}

static void
test_csv(void **state)
{
	char	*s = render(*state, FW_CSV), *line;

	/* The hostname's formula is defused, the field quoted (the
	 * observed value holds a newline). */
	assert_non_null(strstr(s, ",'=cmd|' /C calc'!A0 <script>"));
	assert_null(strstr(s, ",=cmd"));
	assert_non_null(strstr(s, "\"sshd.passwordauthentication = "
	    "\"\"yes|<b>x</b>\\n*y*\"\"\""));
	/* A.8.5 and A.8.20 only: the header, then a row per rule. */
	assert_non_null(line = strstr(s, "\r\nA.8.5,"));
	assert_null(strstr(s, "\r\nA.5.17,"));
	assert_non_null(strstr(s, "LNX-SSH-002,SSH does not accept passwords,"
	    "medium,pass,fail,200,3m 20s,2,2026-09-21T14:21:40Z,yes,11,"));
	free(s);
}

static void
test_md(void **state)
{
	char	*s = render(*state, FW_MD), *row, *end;
	size_t	 cells = 0;

	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<b>"));
	assert_non_null(strstr(s, "| Rule | Host | Start | End | Time failing "
	    "| Evidence | Drift | Waivers |\n|---|---|---|---|---|---|---|---|"
	    "\n"));
	assert_non_null(strstr(s, "=cmd\\|' /C calc'\\!A0 &lt;script&gt;"));
	assert_non_null(row = strstr(s, "\n| LNX-SSH-002 |"));
	assert_non_null(end = strchr(row + 1, '\n'));
	/* Eight cells: nine unescaped bars, the value's "|" escaped, and
	 * the justification's newline a <br>. */
	for (char *p = row + 1; p < end; p++)
		cells += *p == '|' && p[-1] != '\\';
	assert_int_equal(cells, 9);
	assert_non_null(strstr(row, "yes\\|&lt;b&gt;x&lt;/b&gt;\\\\n\\*y\\*"));
	assert_non_null(strstr(row, "risk \\| accepted<br>by board"));
	free(s);
}

static void
expect_error(struct fixture *f, const char *skip, const char *bad,
    const char *want)
{
	struct fieldwork	 fw;
	char			 err[256];

	write_bundle(f, skip, bad);
	assert_int_equal(fieldwork_read(f->path, &fw, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, want);
	fieldwork_free(&fw);
}

static void
test_errors(void **state)
{
	struct fixture		*f = *state;
	struct fieldwork	 fw;
	char			 err[256];
	FILE			*junk;

	expect_error(f, "manifest.json", NULL, "no manifest.json");
	expect_error(f, NULL, "agents/" AGENT "/results/" HEX_A ".json",
	    "agents/" AGENT "/results/" HEX_A ".json: does not parse");
	expect_error(f, NULL, "waivers.json", "waivers.json: does not parse");
	expect_error(f, NULL, "manifest.json", "manifest.json: does not parse");
	expect_error(f, NULL, "rulesets.json", "rulesets.json: does not parse");
	expect_error(f, "rules/" HEX_P ".json", NULL,
	    "rulesets.json: rule set sha256:00: its packs are not all");
	expect_error(f, NULL, "drift.jsonl", "drift.jsonl: line 1: does not");

	assert_non_null(junk = fopen(f->path, "w"));
	fputs("not a tar file at all", junk);
	assert_int_equal(fclose(junk), 0);
	assert_int_equal(fieldwork_read(f->path, &fw, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a readable bundle"));
	fieldwork_free(&fw);
}

static void
test_duration(void **state)
{
	char	 b[FW_DURATION_LEN];

	assert_string_equal(fieldwork_duration(0, b, sizeof(b)), "0s");
	assert_string_equal(fieldwork_duration(59, b, sizeof(b)), "59s");
	assert_string_equal(fieldwork_duration(3600, b, sizeof(b)),
	    "1h 0m 0s");
	assert_string_equal(fieldwork_duration(90061, b, sizeof(b)),
	    "1d 1h 1m 1s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_period, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_md, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
