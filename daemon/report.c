/*
 * The auditor's report, in HTML and CSV, from the findings views.  Both
 * walk the same grid: every control some rule evidences, every rule of
 * it, every host; a host the rule did not judge is shown as such rather
 * than left out, so an empty cell is never mistaken for a pass.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonutil.h"
#include "report.h"
#include "timefmt.h"
#include "xmalloc.h"

#define FRAMEWORK_TITLE	"ISO/IEC 27001:2022"

/* The findings by host and rule, and one finding per rule for what all
 * results of a rule share (title, severity, expected). */
struct report_index {
	struct json_object	*by_result;	/* "agent\nrule" -> finding */
	struct json_object	*by_rule;	/* rule -> its first finding */
};

static const char *
str(struct json_object *o, const char *key)
{
	const char	*s;

	return o != NULL && jsonutil_get_string(o, key, &s) == 0 ? s : NULL;
}

static int64_t
num(struct json_object *o, const char *key)
{
	int64_t	 v;

	return o != NULL && jsonutil_get_int64(o, key, &v) == 0 ? v : 0;
}

static struct json_object *
arr(struct json_object *o, const char *key)
{
	struct json_object	*a;

	return o != NULL && jsonutil_get_array(o, key, &a) == 0 ? a : NULL;
}

static struct json_object *
obj(struct json_object *o, const char *key)
{
	struct json_object	*v;

	return o != NULL && jsonutil_get_object(o, key, &v) == 0 ? v : NULL;
}

static size_t
len(struct json_object *a)
{
	return a != NULL ? json_object_array_length(a) : 0;
}

static struct json_object *
at(struct json_object *a, size_t i)
{
	return json_object_array_get_idx(a, i);
}

static int
has_string(struct json_object *a, const char *s)
{
	size_t	 i;

	for (i = 0; i < len(a); i++)
		if (strcmp(json_object_get_string(at(a, i)), s) == 0)
			return 1;
	return 0;
}

static const char *
compact(struct json_object *v)
{
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void
index_build(struct report_index *ix, struct json_object *findings)
{
	struct json_object	*f;
	const char		*agent, *rule;
	char			*key;
	size_t			 i;

	ix->by_result = json_object_new_object();
	ix->by_rule = json_object_new_object();
	for (i = 0; i < len(findings); i++) {
		f = at(findings, i);
		if ((agent = str(f, "agent_id")) == NULL ||
		    (rule = str(f, "rule")) == NULL)
			continue;
		key = xasprintf("%s\n%s", agent, rule);
		jsonutil_set(ix->by_result, key, json_object_get(f));
		free(key);
		if (!json_object_object_get_ex(ix->by_rule, rule, NULL))
			jsonutil_set(ix->by_rule, rule, json_object_get(f));
	}
}

static void
index_free(struct report_index *ix)
{
	json_object_put(ix->by_result);
	json_object_put(ix->by_rule);
}

/* The host's result for the rule under this control: NULL when the rule
 * set that judged the host has no such rule for the control. */
static struct json_object *
index_result(const struct report_index *ix, struct json_object *host,
    const char *rule)
{
	struct json_object	*f = NULL;
	const char		*agent;
	char			*key;

	if ((agent = str(host, "agent_id")) == NULL ||
	    !has_string(arr(host, "rules"), rule))
		return NULL;
	key = xasprintf("%s\n%s", agent, rule);
	json_object_object_get_ex(ix->by_result, key, &f);
	free(key);
	return f;
}

static struct json_object *
index_rule(const struct report_index *ix, const char *rule)
{
	struct json_object	*f = NULL;

	json_object_object_get_ex(ix->by_rule, rule, &f);
	return f;
}

static const char *
when(time_t t, char *buf, size_t size)
{
	return timefmt_rfc3339(t, buf, size);
}

/* --- HTML ------------------------------------------------------------ */

static void
html_escape_utf8(FILE *out, const char *s)
{
	unsigned char	c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			/* Control characters are parse errors in HTML, and
			 * invisible: show them as the JSON did. */
			if ((c < 0x20 && c != '\t' && c != '\n' &&
			    c != '\r') || c == 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				putc(c, out);
		}
	}
}

void
report_html_escape(FILE *out, const char *s)
{
	char	*fixed;

	if (s == NULL)
		return;
	fixed = jsonutil_utf8_escape(s, strlen(s));
	html_escape_utf8(out, fixed != NULL ? fixed : s);
	free(fixed);
}

/* Shorter to read: escaped text between two literal pieces of markup. */
static void
html(FILE *out, const char *pre, const char *text, const char *post)
{
	fputs(pre, out);
	report_html_escape(out, text != NULL ? text : "-");
	fputs(post, out);
}

static void
html_num(FILE *out, const char *pre, int64_t n, const char *post)
{
	fprintf(out, "%s%lld%s", pre, (long long)n, post);
}

/* A CSS class for a status: only the ones we know reach the markup. */
static const char *
status_class(const char *st)
{
	static const char *const known[] = { "pass", "fail", "error",
	    "not_applicable", "waived", "passing", "failing",
	    "not_evidenced" };
	size_t	 i;

	for (i = 0; st != NULL && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(st, known[i]) == 0)
			return known[i];
	return "none";
}

/* Printable on A4 and readable without colour: every status is also
 * written out, colour only helps the eye. */
static const char html_css[] =
"body{font:10pt/1.35 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
"color:#111;margin:1.5em auto;max-width:80em;padding:0 1em}\n"
"h1{font-size:17pt;margin:0 0 .3em}h2{font-size:13pt;margin:1.6em 0 .3em;"
"border-bottom:2px solid #444;padding-bottom:.15em}\n"
"h3{font-size:11pt;margin:1.1em 0 .2em}\n"
"table{border-collapse:collapse;width:100%;margin:.4em 0 1em}\n"
"th,td{border:1px solid #bbb;padding:.25em .4em;text-align:left;"
"vertical-align:top}\n"
"th{background:#eee}td.n{text-align:right;white-space:nowrap}\n"
"code,.mono{font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;"
"font-size:9pt;overflow-wrap:anywhere;word-break:break-word}\n"
".sha{font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;"
"font-size:8pt;color:#444;word-break:break-all}\n"
"dl.meta{display:grid;grid-template-columns:max-content auto;"
"gap:.15em 1em;margin:.5em 0 1em}dl.meta dt{font-weight:bold}"
"dl.meta dd{margin:0}\n"
"ul{margin:0;padding-left:1.1em}ul.plain{list-style:none;padding:0}\n"
".st{display:inline-block;padding:0 .35em;border-radius:3px;"
"font-weight:bold;white-space:nowrap;border:1px solid #888}\n"
".pass,.passing{background:#d9f2d9}.fail,.failing{background:#f8d0d0}\n"
".error,.not_evidenced{background:#fde9c4}"
".waived{background:#dde4f7}\n"
".not_applicable,.none{background:#eee}\n"
".small{font-size:9pt;color:#333}.note{margin:.2em 0}\n"
"thead{display:table-header-group}tr{page-break-inside:avoid;"
"break-inside:avoid}\n"
"h2,h3{page-break-after:avoid;break-after:avoid}\n"
"@page{size:A4 landscape;margin:12mm}\n"
"@media print{body{margin:0;max-width:none;padding:0}"
"a{color:inherit;text-decoration:none}}\n";

static void
html_status(FILE *out, const char *st)
{
	fprintf(out, "<span class=\"st %s\">", status_class(st));
	report_html_escape(out, st != NULL ? st : "-");
	fputs("</span>", out);
}

static void
html_head(FILE *out, const struct report *r)
{
	char	 t[TIMEFMT_RFC3339_LEN];

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    /* Should escaping ever miss, nothing in the page may run or
	     * load: a report is opened by people with access. */
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n", out);
	html(out, "<title>" FRAMEWORK_TITLE " evidence report as of ",
	    when(r->at, t, sizeof(t)), "</title>\n");
	fprintf(out, "<style>\n%s</style>\n</head>\n<body>\n", html_css);
	fputs("<h1>" FRAMEWORK_TITLE " configuration evidence</h1>\n"
	    "<dl class=\"meta\">\n", out);
	html(out, "<dt>State as of</dt><dd>", when(r->at, t, sizeof(t)),
	    "</dd>\n");
	html(out, "<dt>Generated at</dt><dd>",
	    when(r->generated_at, t, sizeof(t)), "</dd>\n");
	fputs("<dt>Generated by</dt><dd>exhibitctl report (Exhibit "
	    PACKAGE_VERSION ")</dd>\n</dl>\n", out);
	fputs("<p class=\"small\">Every result below is the stored judgement "
	    "of the newest evidence document each host had sent by the time "
	    "above, against the rule pack that judged it.  Waivers are "
	    "applied as they stood at that time: a waived result is a "
	    "failure whose risk was accepted, never a pass.  Each result "
	    "names its evidence document (<code>exhibitctl evidence show "
	    "ID</code> checks the agent's signature) and the SHA-256 of every "
	    "file it relied on.</p>\n", out);
}

/* The packs that produced the results, each once. */
static void
html_packs(FILE *out, const struct report *r)
{
	struct json_object	*seen, *f;
	const char		*digest, *key;
	size_t			 i;

	seen = json_object_new_object();
	for (i = 0; i < len(r->findings); i++) {
		f = at(r->findings, i);
		/* A rule set the store cannot rebuild has no pack names:
		 * still say which one it was. */
		if ((digest = str(f, "pack_digest")) != NULL)
			key = digest;
		else if ((key = str(f, "ruleset")) == NULL)
			continue;
		if (!json_object_object_get_ex(seen, key, NULL))
			jsonutil_set(seen, key, json_object_get(f));
	}
	fputs("<h2>Rule packs</h2>\n", out);
	if (json_object_object_length(seen) == 0) {
		fputs("<p>No results were stored by this time.</p>\n", out);
		json_object_put(seen);
		return;
	}
	fputs("<table>\n<thead><tr><th>Pack</th><th>Version</th>"
	    "<th>Digest (SHA-256 of the pack file)</th></tr></thead>\n"
	    "<tbody>\n", out);
	json_object_object_foreach(seen, k, v) {
		if (str(v, "pack_digest") != NULL) {
			html(out, "<tr><td>", str(v, "pack"), "</td>");
			html(out, "<td>", str(v, "pack_version"), "</td>");
			html(out, "<td class=\"sha\">", k, "</td></tr>\n");
		} else
			html(out, "<tr><td colspan=\"2\">(rule set not "
			    "readable from the store)</td><td class=\"sha\">",
			    k, "</td></tr>\n");
	}
	fputs("</tbody>\n</table>\n", out);
	json_object_put(seen);
}

static void
html_hosts(FILE *out, const struct report *r)
{
	struct json_object	*h, *c;
	size_t			 i;

	fputs("<h2>Hosts in scope</h2>\n", out);
	if (len(r->hosts) == 0) {
		fputs("<p>No host was enrolled at this time.</p>\n", out);
		return;
	}
	fputs("<table>\n<thead><tr><th>Hostname</th><th>Agent</th>"
	    "<th>Enrolled</th><th>Evidence</th><th>Received</th>"
	    "<th>Score</th><th>Pass</th><th>Fail</th><th>Error</th>"
	    "<th>Waived</th><th>N/A</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < len(r->hosts); i++) {
		h = at(r->hosts, i);
		html(out, "<tr><td>", str(h, "hostname"), "</td>");
		html(out, "<td class=\"mono\">", str(h, "agent_id"), "</td>");
		html(out, "<td>", str(h, "enrolled_at"), "</td>");
		if ((c = obj(h, "counts")) == NULL) {
			fputs("<td colspan=\"8\">no evidence judged by this "
			    "time</td></tr>\n", out);
			continue;
		}
		html_num(out, "<td class=\"n\">#", num(h, "evidence_id"),
		    "</td>");
		html(out, "<td>", str(h, "last_seen"), "</td>");
		if (json_object_object_get_ex(h, "score", NULL))
			html_num(out, "<td class=\"n\">", num(h, "score"),
			    "%</td>");
		else
			fputs("<td class=\"n\">-</td>", out);
		html_num(out, "<td class=\"n\">", num(c, "pass"), "</td>");
		html_num(out, "<td class=\"n\">", num(c, "fail"), "</td>");
		html_num(out, "<td class=\"n\">", num(c, "error"), "</td>");
		html_num(out, "<td class=\"n\">", num(c, "waived"), "</td>");
		html_num(out, "<td class=\"n\">", num(c, "not_applicable"),
		    "</td></tr>\n");
	}
	fputs("</tbody>\n</table>\n<p class=\"small\">Score: the share of "
	    "the results pass, fail or error that pass; waived and not "
	    "applicable results are not counted.</p>\n", out);
}

static void
html_summary(FILE *out, const struct report *r)
{
	struct json_object	*c, *h;
	size_t			 i, nctl = 0;

	for (i = 0; i < len(r->controls); i++)
		if (len(arr(at(r->controls, i), "rules")) > 0)
			nctl++;
	fputs("<h2>Summary by control</h2>\n", out);
	if (nctl == 0) {
		fputs("<p>No result was stored by this time: no control is "
		    "evidenced.</p>\n", out);
		return;
	}
	fprintf(out, "<p>%zu of the %zu Annex A controls are evidenced by "
	    "rules in this report; the others are outside what a host's "
	    "configuration can show.  A host stands on a control as "
	    "<b>failing</b> when any of the control's rules fails on it, "
	    "else <b>waived</b> when a failure is waived, else <b>not "
	    "evidenced</b> when a rule could not be judged (error) or none "
	    "passed, else <b>passing</b>.</p>\n", nctl, len(r->controls));
	fputs("<table>\n<thead><tr><th>Control</th><th>Title</th>"
	    "<th>Theme</th><th>Rules</th><th>Passing</th><th>Failing</th>"
	    "<th>Waived</th><th>Not evidenced</th></tr></thead>\n<tbody>\n",
	    out);
	for (i = 0; i < len(r->controls); i++) {
		c = at(r->controls, i);
		if (len(arr(c, "rules")) == 0)
			continue;
		h = obj(c, "hosts");
		html(out, "<tr><td><a href=\"#ctl-", str(c, "control"), "\">");
		html(out, "", str(c, "control"), "</a></td>");
		html(out, "<td>", str(c, "title"), "</td>");
		html(out, "<td>", str(c, "theme"), "</td>");
		fprintf(out, "<td class=\"n\">%zu</td>", len(arr(c, "rules")));
		html_num(out, "<td class=\"n\">", num(h, "passing"), "</td>");
		html_num(out, num(h, "failing") > 0 ?
		    "<td class=\"n failing\">" : "<td class=\"n\">",
		    num(h, "failing"), "</td>");
		html_num(out, "<td class=\"n\">", num(h, "waived"), "</td>");
		html_num(out, "<td class=\"n\">", num(h, "not_evidenced"),
		    "</td></tr>\n");
	}
	fputs("</tbody>\n</table>\n", out);
}

static void
html_observed(FILE *out, struct json_object *f)
{
	struct json_object	*obs, *o, *v;
	size_t			 i, j;

	obs = arr(f, "observed");
	if (len(obs) == 0) {
		fputs("<span class=\"small\">(no value)</span>", out);
		return;
	}
	fputs("<ul class=\"plain\">", out);
	for (i = 0; i < len(obs); i++) {
		o = at(obs, i);
		/* A condition of several parts on one path lists its value
		 * once per part: once is enough to read. */
		for (j = 0; j < i; j++)
			if (json_object_equal(at(obs, j), o))
				break;
		if (j < i)
			continue;
		html(out, "<li><code>", str(o, "path"), "</code>");
		if (json_object_object_get_ex(o, "count", NULL))
			html_num(out, ": count ", num(o, "count"), "");
		else if (json_object_object_get_ex(o, "missing", NULL))
			fputs(": <i>missing</i>", out);
		else if (json_object_object_get_ex(o, "value", &v))
			html(out, " = <code>", compact(v), "</code>");
		fputs("</li>", out);
	}
	if (json_object_object_get_ex(f, "observed_truncated", NULL))
		fputs("<li class=\"small\">(more values not shown)</li>", out);
	fputs("</ul>", out);
}

static void
html_sources(FILE *out, struct json_object *f)
{
	struct json_object	*srcs, *s;
	size_t			 i;

	srcs = arr(f, "sources");
	if (len(srcs) == 0) {
		fputs("<span class=\"small\">(none)</span>", out);
		return;
	}
	fputs("<ul class=\"plain\">", out);
	for (i = 0; i < len(srcs); i++) {
		s = at(srcs, i);
		html(out, "<li><code>", str(s, "path"), "");
		if (json_object_object_get_ex(s, "line", NULL))
			html_num(out, ":", num(s, "line"), "");
		fputs("</code>", out);
		if (str(s, "sha256") != NULL)
			html(out, "<br><span class=\"sha\">sha256 ",
			    str(s, "sha256"), "</span>");
		else if (str(s, "status") != NULL)
			html(out, " <i>(", str(s, "status"), ")</i>");
		fputs("</li>", out);
	}
	fputs("</ul>", out);
}

static void
html_result(FILE *out, struct json_object *host, struct json_object *f,
    const char *expected)
{
	struct json_object	*w;
	const char		*st;

	st = f != NULL ? str(f, "status") : NULL;
	fprintf(out, "<tr><td>");
	html(out, "", str(host, "hostname"), "<br>");
	html(out, "<span class=\"small mono\">", str(host, "agent_id"),
	    "</span></td><td>");
	if (f == NULL) {
		fputs("<span class=\"st none\">no result</span></td>"
		    "<td colspan=\"4\" class=\"small\">The rule set that "
		    "judged this host has no such rule for this control."
		    "</td></tr>\n", out);
		return;
	}
	html_status(out, st);
	fputs("</td><td>", out);
	html_observed(out, f);
	fputs("</td><td>", out);
	html_sources(out, f);
	html_num(out, "</td><td class=\"small\">evidence #",
	    num(f, "evidence_id"), "<br>");
	html(out, "collected ", str(f, "collected_at"), "</td><td>");
	if (str(f, "message") != NULL)
		html(out, "<p class=\"note\">", str(f, "message"), "</p>");
	if (str(f, "expected") != NULL && (expected == NULL ||
	    strcmp(expected, str(f, "expected")) != 0))
		html(out, "<p class=\"note\">Expected here: <code>",
		    str(f, "expected"), "</code></p>");
	if ((w = obj(f, "waiver")) != NULL) {
		html_num(out, "<p class=\"note\">Waiver #", num(w, "id"), "");
		html(out, " by <b>", str(w, "owner"), "</b>");
		html(out, ", expires ", str(w, "expires_at"), ":<br>");
		html(out, "<q>", str(w, "justification"), "</q></p>");
	}
	fputs("</td></tr>\n", out);
}

static void
html_rule(FILE *out, const struct report_index *ix, struct json_object *c,
    const char *rule)
{
	struct json_object	*per, *any, *h;
	const char		*expected;
	size_t			 i;

	any = index_rule(ix, rule);
	expected = str(any, "expected");
	html(out, "<h3>", rule, "");
	html(out, ": ", str(any, "title"), "</h3>\n");
	html(out, "<p class=\"small\">Severity <b>", str(any, "severity"),
	    "</b>");
	html(out, " &middot; pack ", str(any, "pack"), "");
	html(out, " ", str(any, "pack_version"), "");
	html(out, " &middot; expected <code>", expected, "</code></p>\n");
	fputs("<table>\n<thead><tr><th style=\"width:13%\">Host</th>"
	    "<th style=\"width:8%\">Status</th><th>Observed</th>"
	    "<th style=\"width:26%\">Sources</th>"
	    "<th style=\"width:11%\">Evidence</th><th style=\"width:20%\">"
	    "Notes</th></tr></thead>\n<tbody>\n", out);
	per = arr(c, "per_host");
	for (i = 0; i < len(per); i++) {
		h = at(per, i);
		html_result(out, h, index_result(ix, h, rule), expected);
	}
	fputs("</tbody>\n</table>\n", out);
}

static void
html_detail(FILE *out, const struct report *r, const struct report_index *ix)
{
	struct json_object	*c, *h, *rules, *per;
	size_t			 i, j;

	for (i = 0; i < len(r->controls); i++) {
		c = at(r->controls, i);
		if (len(rules = arr(c, "rules")) == 0)
			continue;
		html(out, "<section id=\"ctl-", str(c, "control"), "\">\n");
		html(out, "<h2>", str(c, "control"), "");
		html(out, " ", str(c, "title"), "</h2>\n");
		html(out, "<p class=\"small\">Theme: ", str(c, "theme"), "");
		fputs(" &middot; hosts: ", out);
		per = arr(c, "per_host");
		for (j = 0; j < len(per); j++) {
			h = at(per, j);
			html(out, j > 0 ? ", " : "", str(h, "hostname"), " ");
			html_status(out, str(h, "state"));
		}
		fputs("</p>\n", out);
		for (j = 0; j < len(rules); j++)
			html_rule(out, ix, c, json_object_get_string(
			    at(rules, j)));
		fputs("</section>\n", out);
	}
}

int
report_html(FILE *out, const struct report *r)
{
	struct report_index	 ix;

	index_build(&ix, r->findings);
	html_head(out, r);
	html_packs(out, r);
	html_hosts(out, r);
	html_summary(out, r);
	if (len(r->findings) > 0)
		fputs("<h2>Results by control</h2>\n", out);
	html_detail(out, r, &ix);
	fputs("</body>\n</html>\n", out);
	index_free(&ix);
	return ferror(out) ? -1 : 0;
}

/* --- CSV ------------------------------------------------------------- */

static void
csv_field_utf8(FILE *out, const char *s)
{
	int	 quote;

	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		putc('"', out);
	/* A spreadsheet evaluates these as formulas, and a hostname or a
	 * file's content is the attacker's to choose. */
	if (*s != '\0' && strchr("=+-@\t\r", *s) != NULL)
		putc('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	if (quote)
		putc('"', out);
}

void
report_csv_field(FILE *out, const char *s)
{
	char	*fixed;

	if (s == NULL)
		return;
	fixed = jsonutil_utf8_escape(s, strlen(s));
	csv_field_utf8(out, fixed != NULL ? fixed : s);
	free(fixed);
}

static const char *const csv_columns[] = {
	"control", "control_title", "hostname", "agent_id", "rule",
	"rule_title", "severity", "status", "expected", "observed",
	"sources", "evidence_id", "collected_at", "waiver_owner",
	"waiver_expires", "waiver_justification"
};
#define NCOLUMNS	(sizeof(csv_columns) / sizeof(csv_columns[0]))

static void
csv_row(FILE *out, const char *const *fields)
{
	size_t	 i;

	for (i = 0; i < NCOLUMNS; i++) {
		if (i > 0)
			putc(',', out);
		report_csv_field(out, fields[i]);
	}
	fputs("\r\n", out);
}

/* "path:sha256; path:sha256", or "path (status)" for a file not read. */
static char *
csv_sources(struct json_object *f)
{
	struct json_object	*srcs, *s;
	const char		*path, *sha, *status;
	char			*list = NULL, *next;
	size_t			 i;

	srcs = arr(f, "sources");
	for (i = 0; i < len(srcs); i++) {
		s = at(srcs, i);
		if ((path = str(s, "path")) == NULL)
			continue;
		sha = str(s, "sha256");
		status = str(s, "status");
		next = xasprintf("%s%s%s%s%s%s", list != NULL ? list : "",
		    list != NULL ? "; " : "", path,
		    sha != NULL ? ":" : status != NULL ? " (" : "",
		    sha != NULL ? sha : status != NULL ? status : "",
		    sha == NULL && status != NULL ? ")" : "");
		free(list);
		list = next;
	}
	return list;
}

static void
csv_result(FILE *out, const struct report_index *ix, struct json_object *c,
    struct json_object *host, const char *rule)
{
	struct json_object	*f, *any, *w, *obs;
	const char		*fields[NCOLUMNS];
	char			*sources = NULL, *evidence = NULL;

	memset(fields, 0, sizeof(fields));
	f = index_result(ix, host, rule);
	any = f != NULL ? f : index_rule(ix, rule);
	fields[0] = str(c, "control");
	fields[1] = str(c, "title");
	fields[2] = str(host, "hostname");
	fields[3] = str(host, "agent_id");
	fields[4] = rule;
	fields[5] = str(any, "title");
	fields[6] = str(any, "severity");
	if (f == NULL)
		fields[7] = "no_result";
	else {
		fields[7] = str(f, "status");
		fields[8] = str(f, "expected");
		obs = arr(f, "observed");
		fields[9] = obs != NULL ? compact(obs) : NULL;
		fields[10] = sources = csv_sources(f);
		fields[11] = evidence = xasprintf("%lld",
		    (long long)num(f, "evidence_id"));
		fields[12] = str(f, "collected_at");
		if ((w = obj(f, "waiver")) != NULL) {
			fields[13] = str(w, "owner");
			fields[14] = str(w, "expires_at");
			fields[15] = str(w, "justification");
		}
	}
	csv_row(out, fields);
	free(sources);
	free(evidence);
}

int
report_csv(FILE *out, const struct report *r)
{
	struct report_index	 ix;
	struct json_object	*c, *rules, *per;
	size_t			 i, j, k;

	index_build(&ix, r->findings);
	csv_row(out, csv_columns);
	for (i = 0; i < len(r->controls); i++) {
		c = at(r->controls, i);
		rules = arr(c, "rules");
		per = arr(c, "per_host");
		for (j = 0; j < len(rules); j++)
			for (k = 0; k < len(per); k++)
				csv_result(out, &ix, c, at(per, k),
				    json_object_get_string(at(rules, j)));
	}
	index_free(&ix);
	return ferror(out) ? -1 : 0;
}
