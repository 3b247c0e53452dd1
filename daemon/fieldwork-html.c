/*
 * The fieldwork report as one self-contained HTML page: styles inline,
 * no script, nothing loaded from elsewhere (a Content-Security-Policy
 * says so too, should escaping ever miss), printable.  Every text that
 * came from the bundle goes through report_html_escape(): hosts choose
 * their hostnames and file contents, and the bundle was not verified.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fieldwork-render.h"
#include "jsonutil.h"
#include "report.h"
#include "rules.h"
#include "timefmt.h"

static void
html(FILE *out, const char *pre, const char *text, const char *post)
{
	fputs(pre, out);
	report_html_escape(out, text != NULL ? text : "-");
	fputs(post, out);
}

/* Text of several lines as a list, one item a line, in monospace (they
 * are paths, values and digests); s is freed. */
static void
html_lines(FILE *out, char *s, const char *none)
{
	char	*line, *next;

	if (s == NULL || *s == '\0') {
		html(out, "<span class=\"small\">", none, "</span>");
		free(s);
		return;
	}
	fputs("<ul class=\"plain mono\">", out);
	for (line = s; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		html(out, "<li>", line, "</li>");
	}
	fputs("</ul>", out);
	free(s);
}

/* Only statuses we know become a CSS class. */
static const char *
status_class(const char *st)
{
	static const char *const known[] = { "pass", "fail", "error",
	    "not_applicable", "passing", "failing", "not_evidenced",
	    "no_evidence", "no_result" };
	size_t	 i;

	for (i = 0; st != NULL && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(st, known[i]) == 0)
			return known[i];
	return "none";
}

static void
html_status(FILE *out, const char *st)
{
	fprintf(out, "<span class=\"st %s\">", status_class(st));
	report_html_escape(out, st != NULL ? st : "-");
	fputs("</span>", out);
}

static const char html_css[] =
"body{font:10pt/1.35 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
"color:#111;margin:1.5em auto;max-width:84em;padding:0 1em}\n"
"h1{font-size:17pt;margin:0 0 .3em}h2{font-size:13pt;margin:1.6em 0 .3em;"
"border-bottom:2px solid #444;padding-bottom:.15em}\n"
"h3{font-size:11pt;margin:1.1em 0 .2em}\n"
"table{border-collapse:collapse;width:100%;margin:.4em 0 1em}\n"
"th,td{border:1px solid #bbb;padding:.25em .4em;text-align:left;"
"vertical-align:top}\nth{background:#eee}td.n{text-align:right;"
"white-space:nowrap}\n"
"code,.mono{font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;"
"font-size:9pt;overflow-wrap:anywhere;word-break:break-word}\n"
"dl.meta{display:grid;grid-template-columns:max-content auto;"
"gap:.15em 1em;margin:.5em 0 1em}dl.meta dt{font-weight:bold}"
"dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
"ul{margin:0;padding-left:1.1em}ul.plain{list-style:none;padding:0}\n"
"ul.plain li{overflow-wrap:anywhere;word-break:break-word}\n"
".ev{margin:0 0 .4em}.ev b{font-weight:bold}\n"
".st{display:inline-block;padding:0 .35em;border-radius:3px;"
"font-weight:bold;white-space:nowrap;border:1px solid #888}\n"
".pass,.passing{background:#d9f2d9}.fail,.failing{background:#f8d0d0}\n"
".error,.not_evidenced{background:#fde9c4}\n"
".not_applicable,.no_evidence,.no_result,.none{background:#eee}\n"
".warn{border:2px solid #b50;padding:.4em .6em;background:#fff4e5}\n"
".small{font-size:9pt;color:#333}\n"
"thead{display:table-header-group}tr{break-inside:avoid}\n"
"h2,h3{break-after:avoid}\n@page{size:A4 landscape;margin:12mm}\n"
"@media print{body{margin:0;max-width:none;padding:0}"
"a{color:inherit;text-decoration:none}}\n";

static void
html_head(FILE *out, const struct fieldwork *fw, time_t now)
{
	struct json_object	*ledger = NULL;
	char			 t[TIMEFMT_RFC3339_LEN], *uncited;
	int64_t			 size = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n", out);
	html(out, "<title>" FWR_TITLE ", ", fwr_time(fw->from, t, sizeof(t)),
	    "");
	html(out, " to ", fwr_time(fw->to, t, sizeof(t)), "</title>\n");
	fprintf(out, "<style>\n%s</style>\n</head>\n<body>\n", html_css);
	fputs("<h1>" FWR_TITLE "</h1>\n<dl class=\"meta\">\n", out);
	html(out, "<dt>Period</dt><dd>", fwr_time(fw->from, t, sizeof(t)), "");
	html(out, " to ", fwr_time(fw->to, t, sizeof(t)), " (by the time "
	    "evidence was received)</dd>\n");
	html(out, "<dt>Bundle created</dt><dd>",
	    fwr_str(fw->manifest, "created_at"), "");
	html(out, " by ", fwr_str(fw->manifest, "created_by"), "</dd>\n");
	{
		char	*req = fwr_request(fw);

		html(out, "<dt>Request</dt><dd>", req, "</dd>\n");
		free(req);
	}
	jsonutil_get_object(fw->manifest, "ledger", &ledger);
	jsonutil_get_int64(ledger, "checkpoint_size", &size);
	fprintf(out, "<dt>Ledger checkpoint</dt><dd>size %lld, root ",
	    (long long)size);
	html(out, "<code>", fwr_str(ledger, "root"), "</code>");
	html(out, " (origin <code>", fwr_str(ledger, "origin"),
	    "</code>)</dd>\n");
	if ((uncited = fwr_uncited(fw)) != NULL) {
		html(out, "<dt>Asked for, but cited by no bundled rule</dt><dd>",
		    uncited, "</dd>\n");
		free(uncited);
	}
	html(out, "<dt>Generated</dt><dd>", fwr_time(now, t, sizeof(t)),
	    " by exhibitctl report (Exhibit " PACKAGE_VERSION ")</dd>\n"
	    "</dl>\n");
	html(out, "<p class=\"warn\"><b>Not verified here.</b> ",
	    FWR_VERIFY_NOTE, "</p>\n");
	html(out, "<p class=\"small\">", FWR_CLOCK_NOTE, "</p>\n");
}

static void
html_hosts(FILE *out, const struct fieldwork *fw)
{
	const struct fw_host	*h;
	char			 t[TIMEFMT_RFC3339_LEN];
	size_t			 i;

	fputs("<h2>Hosts in scope</h2>\n", out);
	if (fw->nhosts == 0) {
		fputs("<p>The bundle holds no host.</p>\n", out);
		return;
	}
	fputs("<table>\n<thead><tr><th>Hostname</th><th>Agent</th>"
	    "<th>Enrolled</th><th>Revoked</th><th>Evidence documents</th>"
	    "<th>First collected</th><th>Last collected</th></tr></thead>\n"
	    "<tbody>\n", out);
	for (i = 0; i < fw->nhosts; i++) {
		h = &fw->hosts[i];
		html(out, "<tr><td>", h->hostname, "</td>");
		html(out, "<td class=\"mono\">", h->agent_id, "</td>");
		html(out, "<td>", fwr_time(h->enrolled_at, t, sizeof(t)),
		    "</td>");
		html(out, "<td>", fwr_time(h->revoked_at, t, sizeof(t)),
		    "</td>");
		fprintf(out, "<td class=\"n\">%zu</td>", h->documents);
		html(out, "<td>", fwr_time(h->first, t, sizeof(t)), "</td>");
		html(out, "<td>", fwr_time(h->last, t, sizeof(t)),
		    "</td></tr>\n");
	}
	fputs("</tbody>\n</table>\n", out);
}

static void
html_summary(FILE *out, const struct fieldwork *fw, struct fw_control *ctl,
    size_t n)
{
	size_t	 i, k, start, end, during, drift;

	fputs("<h2>Summary by control</h2>\n", out);
	if (n == 0) {
		fputs("<p>No control in the report is cited by a bundled "
		    "rule.</p>\n", out);
		return;
	}
	fputs("<p class=\"small\">A host stands on a control as "
	    "<b>failing</b> when any of the control's rules fails on it, else "
	    "<b>passing</b> when one passes, else <b>not evidenced</b>."
	    "</p>\n<table>\n<thead><tr><th>Control</th><th>Title</th>"
	    "<th>Rules</th><th>Hosts</th><th>Failing at start</th>"
	    "<th>Failing at end</th><th>Failed in the period</th>"
	    "<th>Drift items</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < n; i++) {
		start = end = during = drift = 0;
		for (k = 0; k < fw->nhosts; k++) {
			start += strcmp(fwr_control_state(&fw->hosts[k],
			    &ctl[i], 0), "failing") == 0;
			end += strcmp(fwr_control_state(&fw->hosts[k],
			    &ctl[i], 1), "failing") == 0;
			during += fwr_failed_in_period(&fw->hosts[k], &ctl[i]);
			drift += fwr_drift_count(fw, &fw->hosts[k], &ctl[i]);
		}
		html(out, "<tr><td><a href=\"#ctl-", ctl[i].control->id, "\">");
		html(out, "", ctl[i].control->id, "</a></td>");
		html(out, "<td>", ctl[i].control->title, "</td>");
		fprintf(out, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
		    "<td class=\"n%s\">%zu</td><td class=\"n%s\">%zu</td>"
		    "<td class=\"n%s\">%zu</td><td class=\"n\">%zu</td></tr>\n",
		    ctl[i].nrules, fw->nhosts, start ? " failing" : "", start,
		    end ? " failing" : "", end, during ? " failing" : "",
		    during, drift);
	}
	fputs("</tbody>\n</table>\n", out);
}

/* One result: which evidence, what was observed, from which files. */
static void
html_seen(FILE *out, const char *label, const struct fw_seen *s)
{
	char	 t[TIMEFMT_RFC3339_LEN];

	fprintf(out, "<div class=\"ev\"><b>%s</b> ", label);
	html_status(out, fieldwork_status(s));
	fprintf(out, " evidence #%lld (seq %lld)", (long long)s->evidence_id,
	    (long long)s->seq);
	html(out, ", collected ", fwr_time(s->collected_at, t, sizeof(t)),
	    "<br>");
	html_lines(out, fwr_observed(s), "(no value)");
	fputs("<span class=\"small\">Sources:</span>", out);
	html_lines(out, fwr_sources(s), "(none)");
	if (fwr_str(s->result, "message") != NULL)
		html(out, "<span class=\"small\">",
		    fwr_str(s->result, "message"), "</span>");
	fputs("</div>", out);
}

static void
html_items(FILE *out, struct json_object *items,
    char *(*one)(struct json_object *), const char *none)
{
	size_t	 i;
	char	*s;

	if (items == NULL || json_object_array_length(items) == 0) {
		html(out, "<span class=\"small\">", none, "</span>");
		return;
	}
	fputs("<ul>", out);
	for (i = 0; i < json_object_array_length(items); i++) {
		s = one(json_object_array_get_idx(items, i));
		html(out, "<li>", s, "</li>");
		free(s);
	}
	fputs("</ul>", out);
}

static void
html_cell(FILE *out, const struct fieldwork *fw, const struct fw_host *h,
    size_t rule)
{
	const struct fw_cell	*c = fieldwork_cell(h, rule);
	const char		*id = fw->rules[rule].id;
	struct json_object	*waivers;
	char			 d[FW_DURATION_LEN], t[TIMEFMT_RFC3339_LEN];

	html(out, "<tr><td>", h->hostname, "<br>");
	html(out, "<span class=\"small mono\">", h->agent_id, "</span></td>");
	waivers = fieldwork_waivers(fw, h, id);
	if (c == NULL) {
		fputs("<td>", out);
		html_status(out, "no_result");
		fputs("</td><td>", out);
		html_status(out, "no_result");
		fputs("</td><td class=\"n\">-</td><td class=\"small\">No "
		    "evidence of this host in the bundle was judged by this "
		    "rule.</td>", out);
	} else {
		fputs("<td>", out);
		html_status(out, fieldwork_status(&c->start));
		fputs("</td><td>", out);
		html_status(out, fieldwork_status(&c->end));
		if (strcmp(fieldwork_status(&c->end), "fail") == 0 &&
		    fieldwork_waived_at(waivers, c->end.received_at))
			fputs("<br><span class=\"small\">waived</span>", out);
		html(out, "</td><td class=\"n\">", fieldwork_duration(
		    c->failing, d, sizeof(d)), "");
		fprintf(out, "<br><span class=\"small\">%u run%s of failures"
		    "</span>", c->fail_runs, c->fail_runs == 1 ? "" : "s");
		if (c->fail_since != 0)
			html(out, "<br><span class=\"small\">failing since ",
			    fwr_time(c->fail_since, t, sizeof(t)), "</span>");
		fputs("</td><td>", out);
		if (c->start.result != NULL)
			html_seen(out, "Start", &c->start);
		if (c->fail.result != NULL &&
		    c->fail.evidence_id != c->start.evidence_id)
			html_seen(out, "First failure", &c->fail);
		if (c->end.result != NULL &&
		    c->end.evidence_id != c->start.evidence_id)
			html_seen(out, "End", &c->end);
		fputs("</td>", out);
	}
	fputs("<td>", out);
	html_items(out, fieldwork_drift(fw, h, id), fwr_drift_item, "none");
	fputs("</td><td>", out);
	html_items(out, waivers, fwr_waiver, "none");
	fputs("</td></tr>\n", out);
	json_object_put(waivers);
}

static void
html_rule(FILE *out, const struct fieldwork *fw, size_t rule)
{
	const struct fw_rule	*r = &fw->rules[rule];
	const struct fw_cell	*c;
	const char		*expected = NULL;
	size_t			 k;

	html(out, "<h3>", r->id, "");
	html(out, ": ", r->info != NULL ? r->info->title : NULL, "</h3>\n");
	html(out, "<p class=\"small\">Severity <b>", r->info != NULL ?
	    r->info->severity : NULL, "</b>");
	/* The condition as the newest result states it. */
	for (k = fw->nhosts; k-- > 0; )
		if ((c = fieldwork_cell(&fw->hosts[k], rule)) != NULL &&
		    (expected = fwr_str(c->end.result, "expected")) != NULL)
			break;
	if (expected != NULL)
		html(out, " &middot; expected <code>", expected, "</code>");
	fputs("</p>\n", out);
	fputs("<table>\n<thead><tr><th style=\"width:11%\">Host</th>"
	    "<th style=\"width:6%\">Start</th><th style=\"width:6%\">End</th>"
	    "<th style=\"width:9%\">Time failing</th><th>Evidence</th>"
	    "<th style=\"width:17%\">Drift</th><th style=\"width:13%\">"
	    "Waivers</th></tr></thead>\n<tbody>\n", out);
	for (k = 0; k < fw->nhosts; k++)
		html_cell(out, fw, &fw->hosts[k], rule);
	fputs("</tbody>\n</table>\n", out);
}

static void
html_controls(FILE *out, const struct fieldwork *fw, struct fw_control *ctl,
    size_t n)
{
	size_t	 i, j, k;

	if (n > 0)
		fputs("<h2>Results by control</h2>\n", out);
	for (i = 0; i < n; i++) {
		html(out, "<section id=\"ctl-", ctl[i].control->id, "\">\n");
		html(out, "<h2>", ctl[i].control->id, "");
		html(out, " ", ctl[i].control->title, "</h2>\n");
		html(out, "<p class=\"small\">Theme: ", ctl[i].control->theme,
		    "");
		fputs(" &middot; hosts, start &rarr; end: ", out);
		for (k = 0; k < fw->nhosts; k++) {
			html(out, k > 0 ? ", " : "", fw->hosts[k].hostname,
			    " ");
			html_status(out, fwr_control_state(&fw->hosts[k],
			    &ctl[i], 0));
			fputs(" &rarr; ", out);
			html_status(out, fwr_control_state(&fw->hosts[k],
			    &ctl[i], 1));
			if (fwr_failed_in_period(&fw->hosts[k], &ctl[i]))
				fputs(" (failed in the period)", out);
		}
		fputs("</p>\n", out);
		for (j = 0; j < ctl[i].nrules; j++)
			html_rule(out, fw, ctl[i].rules[j]);
		fputs("</section>\n", out);
	}
}

static void
html_host_drift(FILE *out, const struct fieldwork *fw)
{
	struct json_object	*d;
	size_t			 i;
	int			 any = 0;

	for (i = 0; i < fw->nhosts; i++) {
		if ((d = fieldwork_drift(fw, &fw->hosts[i], NULL)) == NULL)
			continue;
		if (!any)
			fputs("<h2>Other drift items of the period</h2>\n"
			    "<table>\n<thead><tr><th style=\"width:15%\">Host"
			    "</th><th>Drift items</th></tr></thead>\n<tbody>\n",
			    out);
		any = 1;
		html(out, "<tr><td>", fw->hosts[i].hostname, "</td><td>");
		html_items(out, d, fwr_drift_item, "none");
		fputs("</td></tr>\n", out);
	}
	if (any)
		fputs("</tbody>\n</table>\n", out);
}

int
fieldwork_html(FILE *out, const struct fieldwork *fw, time_t now)
{
	struct fw_control	*ctl;
	size_t			 n;

	html_head(out, fw, now);
	html_hosts(out, fw);
	n = fieldwork_controls(fw, &ctl);
	html_summary(out, fw, ctl, n);
	html_controls(out, fw, ctl, n);
	fieldwork_controls_free(ctl, n);
	html_host_drift(out, fw);
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}
