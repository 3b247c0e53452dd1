/*
 * The fieldwork report's words (fieldwork-render.h), and its CSV and
 * Markdown forms.  Both walk the same grid as the HTML: every control
 * in the report, every rule of it, every host in the bundle; a host the
 * rule never judged is written as such, never left out.
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
#include "log.h"
#include "report.h"
#include "rules.h"
#include "timefmt.h"
#include "xmalloc.h"

const char *
fwr_str(struct json_object *o, const char *key)
{
	const char	*s;

	return o != NULL && jsonutil_get_string(o, key, &s) == 0 ? s : NULL;
}

const char *
fwr_time(time_t t, char *buf, size_t len)
{
	if (t == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	return timefmt_rfc3339(t, buf, len);
}

static const char *
compact(struct json_object *v)
{
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Appends to a string built in a memory stream. */
struct text {
	FILE	*f;
	char	*buf;
	size_t	 len;
};

static void
text_open(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	if ((t->f = open_memstream(&t->buf, &t->len)) == NULL)
		fatal("open_memstream");
}

static char *
text_close(struct text *t)
{
	if (fclose(t->f) == EOF)
		fatal("open_memstream");
	/* No trailing newline: the last line ends the cell. */
	if (t->len > 0 && t->buf[t->len - 1] == '\n')
		t->buf[--t->len] = '\0';
	return t->buf;
}

char *
fwr_observed(const struct fw_seen *s)
{
	struct json_object	*obs, *o, *v;
	struct text		 t;
	size_t			 i, j, n;
	int64_t			 count;

	text_open(&t);
	if (jsonutil_get_array(s->result, "observed", &obs) == 0) {
		n = json_object_array_length(obs);
		for (i = 0; i < n; i++) {
			o = json_object_array_get_idx(obs, i);
			/* A condition of several parts on one path lists
			 * its value once per part. */
			for (j = 0; j < i; j++)
				if (json_object_equal(
				    json_object_array_get_idx(obs, j), o))
					break;
			if (j < i)
				continue;
			fputs(fwr_str(o, "path") != NULL ? fwr_str(o, "path") :
			    "?", t.f);
			if (jsonutil_get_int64(o, "count", &count) == 0)
				fprintf(t.f, ": count %lld\n", (long long)count);
			else if (json_object_object_get_ex(o, "missing", NULL))
				fputs(": missing\n", t.f);
			else if (json_object_object_get_ex(o, "value", &v))
				fprintf(t.f, " = %s\n", compact(v));
			else
				fputc('\n', t.f);
		}
	}
	if (json_object_object_get_ex(s->result, "observed_truncated", NULL))
		fputs("(more values not shown)\n", t.f);
	return text_close(&t);
}

char *
fwr_sources(const struct fw_seen *s)
{
	struct json_object	*srcs, *o;
	struct text		 t;
	int64_t			 line;
	size_t			 i;

	text_open(&t);
	if (jsonutil_get_array(s->result, "sources", &srcs) == 0)
		for (i = 0; i < json_object_array_length(srcs); i++) {
			o = json_object_array_get_idx(srcs, i);
			fputs(fwr_str(o, "path") != NULL ? fwr_str(o, "path") :
			    "?", t.f);
			if (jsonutil_get_int64(o, "line", &line) == 0)
				fprintf(t.f, ":%lld", (long long)line);
			if (fwr_str(o, "sha256") != NULL)
				fprintf(t.f, " sha256 %s\n",
				    fwr_str(o, "sha256"));
			else if (fwr_str(o, "status") != NULL)
				fprintf(t.f, " (%s)\n", fwr_str(o, "status"));
			else
				fputc('\n', t.f);
		}
	return text_close(&t);
}

static const char *
or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

char *
fwr_drift_item(struct json_object *d)
{
	struct text	 t;
	const char	*kind = or_dash(fwr_str(d, "kind"));
	const char	*subject = fwr_str(d, "subject");
	const char	*acked = fwr_str(d, "acked_at");
	const char	*resolved = fwr_str(d, "resolved_at");
	int64_t		 id = 0;

	text_open(&t);
	jsonutil_get_int64(d, "id", &id);
	fprintf(t.f, "#%lld %s, opened %s", (long long)id, kind,
	    or_dash(fwr_str(d, "opened_at")));
	/* A rule's item sits under its rule already. */
	if (subject != NULL && strncmp(kind, "rule_", 5) != 0)
		fprintf(t.f, " (%s)", subject);
	if (acked != NULL)
		fprintf(t.f, "; acknowledged %s by %s: %s", acked,
		    or_dash(fwr_str(d, "acked_by")),
		    or_dash(fwr_str(d, "ack_comment")));
	if (resolved != NULL)
		fprintf(t.f, "; resolved %s: %s", resolved,
		    or_dash(fwr_str(d, "resolution")));
	else
		fprintf(t.f, "; %s at export", or_dash(fwr_str(d, "state")));
	return text_close(&t);
}

char *
fwr_waiver(struct json_object *w)
{
	struct text	 t;
	const char	*removed = fwr_str(w, "removed_at");
	int64_t		 id = 0;

	text_open(&t);
	jsonutil_get_int64(w, "id", &id);
	fprintf(t.f, "#%lld %s: %s (from %s until %s", (long long)id,
	    or_dash(fwr_str(w, "owner")), or_dash(fwr_str(w, "justification")),
	    or_dash(fwr_str(w, "created_at")),
	    or_dash(fwr_str(w, "expires_at")));
	if (removed != NULL)
		fprintf(t.f, ", removed %s by %s", removed,
		    or_dash(fwr_str(w, "removed_by")));
	fputc(')', t.f);
	return text_close(&t);
}

static void
list(FILE *f, const char *label, struct json_object *a)
{
	size_t	 i;

	if (a == NULL || json_object_array_length(a) == 0)
		return;
	fprintf(f, "; %s ", label);
	for (i = 0; i < json_object_array_length(a); i++)
		fprintf(f, "%s%s", i > 0 ? ", " : "", json_object_get_string(
		    json_object_array_get_idx(a, i)));
}

char *
fwr_request(const struct fieldwork *fw)
{
	struct json_object	*req = NULL, *a;
	struct text		 t;

	text_open(&t);
	jsonutil_get_object(fw->manifest, "request", &req);
	if (fwr_str(req, "audit") != NULL)
		fprintf(t.f, "audit %s", fwr_str(req, "audit"));
	else
		fprintf(t.f, "from %s to %s", or_dash(fwr_str(req, "from")),
		    or_dash(fwr_str(req, "to")));
	if (jsonutil_get_array(req, "hosts", &a) == 0)
		list(t.f, "hosts", a);
	if (jsonutil_get_array(req, "controls", &a) == 0)
		list(t.f, "controls", a);
	return text_close(&t);
}

char *
fwr_uncited(const struct fieldwork *fw)
{
	struct json_object	*req, *asked;
	struct fw_control	*ctl;
	struct text		 t;
	const char		*id;
	size_t			 n, i, j;

	if (jsonutil_get_object(fw->manifest, "request", &req) == -1 ||
	    jsonutil_get_array(req, "controls", &asked) == -1)
		return NULL;
	n = fieldwork_controls(fw, &ctl);
	text_open(&t);
	for (i = 0; i < json_object_array_length(asked); i++) {
		id = json_object_get_string(json_object_array_get_idx(asked,
		    i));
		for (j = 0; j < n && strcmp(ctl[j].control->id, id) != 0; j++)
			;
		if (j == n)
			fprintf(t.f, "%s%s", ftell(t.f) > 0 ? ", " : "", id);
	}
	fieldwork_controls_free(ctl, n);
	text_close(&t);
	if (t.len == 0) {
		free(t.buf);
		return NULL;
	}
	return t.buf;
}

const char *
fwr_control_state(const struct fw_host *h, const struct fw_control *c,
    int end)
{
	const struct fw_cell	*cell;
	enum rule_status	 st;
	size_t			 i;
	int			 any = 0, pass = 0, failing = 0;

	for (i = 0; i < c->nrules; i++) {
		if ((cell = fieldwork_cell(h, c->rules[i])) == NULL ||
		    rule_status_parse(fieldwork_status(end ? &cell->end :
		    &cell->start), &st) == -1)
			continue;
		any = 1;
		failing |= st == RULE_FAIL;
		pass |= st == RULE_PASS;
	}
	return failing ? "failing" : pass ? "passing" : any ?
	    "not_evidenced" : "no_evidence";
}

int
fwr_failed_in_period(const struct fw_host *h, const struct fw_control *c)
{
	const struct fw_cell	*cell;
	size_t			 i;

	for (i = 0; i < c->nrules; i++)
		if ((cell = fieldwork_cell(h, c->rules[i])) != NULL &&
		    cell->fail_runs > 0)
			return 1;
	return 0;
}

size_t
fwr_drift_count(const struct fieldwork *fw, const struct fw_host *h,
    const struct fw_control *c)
{
	struct json_object	*d;
	size_t			 i, n = 0;

	for (i = 0; i < c->nrules; i++)
		if ((d = fieldwork_drift(fw, h, fw->rules[c->rules[i]].id)) !=
		    NULL)
			n += json_object_array_length(d);
	return n;
}

/* --- one row of results, as CSV and Markdown write it ----------------- */

/* The fields of a host's results for a rule under a control. */
enum {
	F_CONTROL, F_CONTROL_TITLE, F_HOSTNAME, F_AGENT, F_RULE, F_RULE_TITLE,
	F_SEVERITY, F_START, F_END, F_SECONDS, F_FAILING, F_FAIL_RUNS,
	F_FAILING_SINCE, F_WAIVED_AT_END,
	F_START_ID, F_START_AT, F_START_OBSERVED, F_START_SOURCES,
	F_FAIL_ID, F_FAIL_AT, F_FAIL_OBSERVED, F_FAIL_SOURCES,
	F_END_ID, F_END_AT, F_END_OBSERVED, F_END_SOURCES,
	F_DRIFT, F_WAIVERS, NFIELDS
};

static const char *const csv_columns[NFIELDS] = {
	"control", "control_title", "hostname", "agent_id", "rule",
	"rule_title", "severity", "start_status", "end_status",
	"seconds_failing", "time_failing", "fail_runs", "failing_since",
	"waived_at_end",
	"start_evidence_id", "start_collected_at", "start_observed",
	"start_sources",
	"first_fail_evidence_id", "first_fail_collected_at",
	"first_fail_observed", "first_fail_sources",
	"end_evidence_id", "end_collected_at", "end_observed", "end_sources",
	"drift", "waivers"
};

struct row {
	char	*f[NFIELDS];	/* owned */
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static char *
joined(struct json_object *items, char *(*one)(struct json_object *))
{
	struct text	 t;
	char		*s;
	size_t		 i;

	text_open(&t);
	for (i = 0; items != NULL && i < json_object_array_length(items);
	    i++) {
		s = one(json_object_array_get_idx(items, i));
		fprintf(t.f, "%s\n", s);
		free(s);
	}
	return text_close(&t);
}

static void
row_seen(struct row *r, int base, const struct fw_seen *s)
{
	char	 t[TIMEFMT_RFC3339_LEN];

	if (s->result == NULL)
		return;
	r->f[base] = xasprintf("%lld", (long long)s->evidence_id);
	r->f[base + 1] = xstrdup(fwr_time(s->collected_at, t, sizeof(t)));
	r->f[base + 2] = fwr_observed(s);
	r->f[base + 3] = fwr_sources(s);
}

static void
row_build(struct row *r, const struct fieldwork *fw,
    const struct fw_control *c, const struct fw_host *h, size_t rule)
{
	const struct fw_rule	*ru = &fw->rules[rule];
	const struct fw_cell	*cell;
	struct json_object	*waivers;
	char			 t[TIMEFMT_RFC3339_LEN], d[FW_DURATION_LEN];

	memset(r, 0, sizeof(*r));
	r->f[F_CONTROL] = xstrdup(c->control->id);
	r->f[F_CONTROL_TITLE] = xstrdup(c->control->title);
	r->f[F_HOSTNAME] = dup_or_null(h->hostname);
	r->f[F_AGENT] = xstrdup(h->agent_id);
	r->f[F_RULE] = xstrdup(ru->id);
	r->f[F_RULE_TITLE] = dup_or_null(ru->info != NULL ? ru->info->title :
	    NULL);
	r->f[F_SEVERITY] = dup_or_null(ru->info != NULL ?
	    ru->info->severity : NULL);
	waivers = fieldwork_waivers(fw, h, ru->id);
	r->f[F_DRIFT] = joined(fieldwork_drift(fw, h, ru->id),
	    fwr_drift_item);
	r->f[F_WAIVERS] = joined(waivers, fwr_waiver);
	if ((cell = fieldwork_cell(h, rule)) == NULL) {
		r->f[F_START] = xstrdup("no_result");
		r->f[F_END] = xstrdup("no_result");
		json_object_put(waivers);
		return;
	}
	r->f[F_START] = xstrdup(fieldwork_status(&cell->start));
	r->f[F_END] = xstrdup(fieldwork_status(&cell->end));
	r->f[F_SECONDS] = xasprintf("%lld", cell->failing);
	r->f[F_FAILING] = xstrdup(fieldwork_duration(cell->failing, d,
	    sizeof(d)));
	r->f[F_FAIL_RUNS] = xasprintf("%u", cell->fail_runs);
	if (cell->fail_since != 0)
		r->f[F_FAILING_SINCE] = xstrdup(fwr_time(cell->fail_since, t,
		    sizeof(t)));
	r->f[F_WAIVED_AT_END] = xstrdup(strcmp(r->f[F_END], "fail") == 0 &&
	    fieldwork_waived_at(waivers, cell->end.received_at) ? "yes" : "no");
	row_seen(r, F_START_ID, &cell->start);
	row_seen(r, F_FAIL_ID, &cell->fail);
	row_seen(r, F_END_ID, &cell->end);
	json_object_put(waivers);
}

static void
row_free(struct row *r)
{
	size_t	 i;

	for (i = 0; i < NFIELDS; i++)
		free(r->f[i]);
}

/* Calls fn for every control, rule and host, in the report's order. */
static void
grid(const struct fieldwork *fw, void (*fn)(FILE *, const struct row *),
    FILE *out, const struct fw_control *c)
{
	struct row	 r;
	size_t		 j, k;

	for (j = 0; j < c->nrules; j++)
		for (k = 0; k < fw->nhosts; k++) {
			row_build(&r, fw, c, &fw->hosts[k], c->rules[j]);
			fn(out, &r);
			row_free(&r);
		}
}

/* --- CSV --------------------------------------------------------------- */

static void
csv_fields(FILE *out, const char *const *f)
{
	size_t	 i;

	for (i = 0; i < NFIELDS; i++) {
		if (i > 0)
			putc(',', out);
		report_csv_field(out, f[i]);
	}
	fputs("\r\n", out);
}

static void
csv_row(FILE *out, const struct row *r)
{
	csv_fields(out, (const char *const *)r->f);
}

static int
fieldwork_csv(FILE *out, const struct fieldwork *fw)
{
	struct fw_control	*ctl;
	size_t			 n, i;

	csv_fields(out, csv_columns);
	n = fieldwork_controls(fw, &ctl);
	for (i = 0; i < n; i++)
		grid(fw, csv_row, out, &ctl[i]);
	fieldwork_controls_free(ctl, n);
	return ferror(out) ? -1 : 0;
}

/* --- Markdown ---------------------------------------------------------- */

/*
 * s as text in a GitHub-flavoured Markdown table cell: "|" would end the
 * cell and a newline the row, so they become "\|" and "<br>"; markup
 * characters are backslash-escaped and "<", ">", "&" written as
 * entities, so that evidence never becomes a link, an image or HTML.
 */
static void
md_escape(FILE *out, const char *s)
{
	char		*fixed;
	const char	*p;
	unsigned char	 c;

	if (s == NULL || *s == '\0') {
		fputs("-", out);
		return;
	}
	fixed = jsonutil_utf8_escape(s, strlen(s));
	for (p = fixed != NULL ? fixed : s; (c = (unsigned char)*p) != '\0';
	    p++) {
		if (c == '\n')
			fputs("<br>", out);
		else if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '&')
			fputs("&amp;", out);
		else if (strchr("|\\`*_[]~!#", c) != NULL) {
			putc('\\', out);
			putc(c, out);
		} else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\\\x%02x", c);
		else
			putc(c, out);
	}
	free(fixed);
}

static void
md_cell(FILE *out, const char *s)
{
	putc(' ', out);
	md_escape(out, s);
	fputs(" |", out);
}

static void
md_evidence(FILE *out, const struct row *r, const char *label, int base)
{
	char	*s;

	if (r->f[base] == NULL)
		return;
	s = xasprintf("%s: evidence #%s, collected %s\n%s\nsources:\n%s",
	    label, r->f[base], r->f[base + 1], r->f[base + 2] != NULL &&
	    *r->f[base + 2] != '\0' ? r->f[base + 2] : "(no value)",
	    r->f[base + 3] != NULL && *r->f[base + 3] != '\0' ?
	    r->f[base + 3] : "(none)");
	md_escape(out, s);
	free(s);
}

/* The results shown, each document once: start, first failure, end. */
static void
md_results(FILE *out, const struct row *r)
{
	static const struct {
		const char	*label;
		int		 base;
	} shown[] = {
		{ "start", F_START_ID },
		{ "first failure", F_FAIL_ID },
		{ "end", F_END_ID },
	};
	const char	*prev = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		if (r->f[shown[i].base] == NULL || (prev != NULL &&
		    strcmp(prev, r->f[shown[i].base]) == 0))
			continue;
		if (prev != NULL)
			fputs("<br>", out);
		md_evidence(out, r, shown[i].label, shown[i].base);
		prev = r->f[shown[i].base];
	}
	if (prev == NULL)
		md_escape(out, "no evidence judged by this rule in the period");
}

static void
md_row(FILE *out, const struct row *r)
{
	char	*s;

	fputs("|", out);
	md_cell(out, r->f[F_RULE]);
	md_cell(out, r->f[F_HOSTNAME]);
	md_cell(out, r->f[F_START]);
	md_cell(out, r->f[F_END]);
	if (r->f[F_SECONDS] != NULL) {
		s = xasprintf("%s (%s run%s of failures)%s%s",
		    r->f[F_FAILING], r->f[F_FAIL_RUNS],
		    strcmp(r->f[F_FAIL_RUNS], "1") == 0 ? "" : "s",
		    r->f[F_FAILING_SINCE] != NULL ?
		    "\nfailing since " : "", r->f[F_FAILING_SINCE] != NULL ?
		    r->f[F_FAILING_SINCE] : "");
		md_cell(out, s);
		free(s);
	} else
		md_cell(out, NULL);
	putc(' ', out);
	md_results(out, r);
	fputs(" |", out);
	md_cell(out, r->f[F_DRIFT]);
	if (r->f[F_WAIVED_AT_END] != NULL &&
	    strcmp(r->f[F_WAIVED_AT_END], "yes") == 0) {
		s = xasprintf("waived at the end\n%s", r->f[F_WAIVERS]);
		md_cell(out, s);
		free(s);
	} else
		md_cell(out, r->f[F_WAIVERS]);
	fputs("\n", out);
}

static void
md_head(FILE *out, const struct fieldwork *fw, time_t now)
{
	struct json_object	*ledger = NULL;
	char			 t[TIMEFMT_RFC3339_LEN], *s;
	int64_t			 size = 0;

	fputs("# " FWR_TITLE "\n\n", out);
	fputs("- **Period:** ", out);
	md_escape(out, fwr_time(fw->from, t, sizeof(t)));
	fputs(" to ", out);
	md_escape(out, fwr_time(fw->to, t, sizeof(t)));
	fputs(" (by the time evidence was received)\n- **Bundle created:** ",
	    out);
	md_escape(out, fwr_str(fw->manifest, "created_at"));
	fputs(" by ", out);
	md_escape(out, fwr_str(fw->manifest, "created_by"));
	fputs("\n- **Request:** ", out);
	md_escape(out, s = fwr_request(fw));
	free(s);
	jsonutil_get_object(fw->manifest, "ledger", &ledger);
	jsonutil_get_int64(ledger, "checkpoint_size", &size);
	fprintf(out, "\n- **Ledger checkpoint:** size %lld, root ",
	    (long long)size);
	md_escape(out, fwr_str(ledger, "root"));
	fputs(" (origin ", out);
	md_escape(out, fwr_str(ledger, "origin"));
	fputs(")\n", out);
	if ((s = fwr_uncited(fw)) != NULL) {
		fputs("- **Asked for, but cited by no bundled rule:** ", out);
		md_escape(out, s);
		fputs("\n", out);
		free(s);
	}
	fputs("- **Generated:** ", out);
	md_escape(out, fwr_time(now, t, sizeof(t)));
	fputs(" by exhibitctl report (Exhibit " PACKAGE_VERSION ")\n\n", out);
	fputs("> **Not verified here.** ", out);
	md_escape(out, FWR_VERIFY_NOTE);
	fputs("\n\n", out);
	md_escape(out, FWR_CLOCK_NOTE);
	fputs("\n\n", out);
}

static void
md_hosts(FILE *out, const struct fieldwork *fw)
{
	const struct fw_host	*h;
	char			 t[TIMEFMT_RFC3339_LEN];
	size_t			 i;

	fputs("## Hosts in scope\n\n", out);
	if (fw->nhosts == 0) {
		fputs("The bundle holds no host.\n\n", out);
		return;
	}
	fputs("| Hostname | Agent | Enrolled | Revoked | Evidence documents "
	    "| First collected | Last collected |\n"
	    "|---|---|---|---|---:|---|---|\n", out);
	for (i = 0; i < fw->nhosts; i++) {
		h = &fw->hosts[i];
		fputs("|", out);
		md_cell(out, h->hostname);
		md_cell(out, h->agent_id);
		md_cell(out, fwr_time(h->enrolled_at, t, sizeof(t)));
		md_cell(out, fwr_time(h->revoked_at, t, sizeof(t)));
		fprintf(out, " %zu |", h->documents);
		md_cell(out, fwr_time(h->first, t, sizeof(t)));
		md_cell(out, fwr_time(h->last, t, sizeof(t)));
		fputs("\n", out);
	}
	fputs("\n", out);
}

static void
md_summary(FILE *out, const struct fieldwork *fw, struct fw_control *ctl,
    size_t n)
{
	size_t	 i, k, start, end, during, drift;

	fputs("## Summary by control\n\n", out);
	if (n == 0) {
		fputs("No control in the report is cited by a bundled rule.\n\n",
		    out);
		return;
	}
	fputs("| Control | Title | Rules | Hosts | Failing at start "
	    "| Failing at end | Failed in the period | Drift items |\n"
	    "|---|---|---:|---:|---:|---:|---:|---:|\n", out);
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
		fputs("|", out);
		md_cell(out, ctl[i].control->id);
		md_cell(out, ctl[i].control->title);
		fprintf(out, " %zu | %zu | %zu | %zu | %zu | %zu |\n",
		    ctl[i].nrules, fw->nhosts, start, end, during, drift);
	}
	fputs("\n", out);
}

static void
md_host_drift(FILE *out, const struct fieldwork *fw)
{
	struct json_object	*d;
	size_t			 i, j;
	char			*s;
	int			 any = 0;

	for (i = 0; i < fw->nhosts; i++) {
		if ((d = fieldwork_drift(fw, &fw->hosts[i], NULL)) == NULL)
			continue;
		if (!any)
			fputs("## Other drift items of the period\n\n"
			    "| Host | Drift item |\n|---|---|\n", out);
		any = 1;
		for (j = 0; j < json_object_array_length(d); j++) {
			fputs("|", out);
			md_cell(out, fw->hosts[i].hostname);
			md_cell(out, s = fwr_drift_item(
			    json_object_array_get_idx(d, j)));
			free(s);
			fputs("\n", out);
		}
	}
	if (any)
		fputs("\n", out);
}

static int
fieldwork_md(FILE *out, const struct fieldwork *fw, time_t now)
{
	struct fw_control	*ctl;
	size_t			 n, i;

	md_head(out, fw, now);
	md_hosts(out, fw);
	n = fieldwork_controls(fw, &ctl);
	md_summary(out, fw, ctl, n);
	for (i = 0; i < n; i++) {
		fputs("## ", out);
		md_escape(out, ctl[i].control->id);
		fputs(" ", out);
		md_escape(out, ctl[i].control->title);
		fputs("\n\n| Rule | Host | Start | End | Time failing "
		    "| Evidence | Drift | Waivers |\n"
		    "|---|---|---|---|---|---|---|---|\n", out);
		grid(fw, md_row, out, &ctl[i]);
		fputs("\n", out);
	}
	fieldwork_controls_free(ctl, n);
	md_host_drift(out, fw);
	return ferror(out) ? -1 : 0;
}

int
fieldwork_render(FILE *out, const struct fieldwork *fw, enum fw_format fmt,
    time_t now)
{
	switch (fmt) {
	case FW_CSV:
		return fieldwork_csv(out, fw);
	case FW_MD:
		return fieldwork_md(out, fw, now);
	default:
		return fieldwork_html(out, fw, now);
	}
}
