/*
 * exhibitctl report: the stored results at one time as a report for an
 * auditor (report.c writes it), to standard output or, atomically, to a
 * file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "fileio.h"
#include "findings.h"
#include "log.h"
#include "report.h"
#include "store.h"
#include "timefmt.h"

static const char report_usage[] =
"usage: exhibitctl report [--format html|csv] [--at TIME] [-o FILE]\n"
"\n"
"Write a report of the stored results as they stood at TIME, waivers\n"
"applied, for every ISO/IEC 27001:2022 control that rules evidence: per\n"
"control, the hosts passing, failing, waived and not evidenced, then\n"
"every host's result for each of the control's rules with the values\n"
"observed, the condition expected, the source files and their SHA-256,\n"
"the evidence document behind it, and the waiver (owner, justification,\n"
"expiry) of a waived failure.  The header names the time, the rule packs\n"
"(name, version, digest) and the hosts in scope with their scores.\n"
"\n"
"  --format F    html (the default): one self-contained page, styles\n"
"                inline, no scripts, nothing loaded from elsewhere,\n"
"                printable; every text from evidence or rules is escaped.\n"
"                csv: RFC 4180, one row per control, host and rule; the\n"
"                columns are control, control_title, hostname, agent_id,\n"
"                rule, rule_title, severity, status, expected, observed\n"
"                (compact JSON), sources (path:sha256, joined by \"; \"),\n"
"                evidence_id, collected_at, waiver_owner, waiver_expires,\n"
"                waiver_justification\n"
"  --at TIME     the state as of TIME: RFC 3339 or YYYY-MM-DD (default:\n"
"                now)\n"
"  -o, --output FILE\n"
"                write to FILE, replaced atomically (a temporary file\n"
"                renamed over it), with the mode a shell redirection would\n"
"                give; default: standard output\n"
"\n"
"A status is pass, fail, error, not_applicable or waived; no_result marks\n"
"a host whose rule set has no such rule for the control.  CSV fields are\n"
"quoted when they hold a comma, a quote, CR or LF, with quotes doubled.\n"
"Evidence is written by the hosts, so to keep spreadsheets from running\n"
"it as a formula a CSV field that starts with =, +, -, @, tab or CR is\n"
"written with a single quote (') in front.\n"
"\n"
"Exit status: 0 the report was written, 1 it could not be, 2 a usage\n"
"error.\n";

/* The three views, read at one time so that they agree. */
static int
report_load(struct store *st, time_t at, struct report *r)
{
	struct findings_filter	 flt = { 0, NULL, NULL, NULL, -1 };
	struct findings		*f;
	int			 rc = -1;

	memset(r, 0, sizeof(*r));
	r->generated_at = timefmt_now();
	r->at = flt.at = at != 0 ? at : r->generated_at;
	f = findings_new(st);
	if (findings_hosts(f, &flt, &r->hosts) == 0 &&
	    findings_controls(f, &flt, &r->controls) == 0 &&
	    findings_list(f, &flt, &r->findings) == 0)
		rc = 0;
	findings_free(f);
	return rc;
}

static void
report_free(struct report *r)
{
	json_object_put(r->hosts);
	json_object_put(r->controls);
	json_object_put(r->findings);
}

static int
report_write(const struct report *r, int csv, const char *path)
{
	FILE	*out;
	char	*buf = NULL;
	size_t	 size = 0;
	mode_t	 mask;
	int	 rc;

	if (path == NULL) {
		rc = csv ? report_csv(stdout, r) : report_html(stdout, r);
		if (fflush(stdout) == EOF || rc == -1) {
			log_warn("standard output");
			return -1;
		}
		return 0;
	}
	/* Built whole in memory: a failure never leaves half a report. */
	if ((out = open_memstream(&buf, &size)) == NULL) {
		log_warn("open_memstream");
		return -1;
	}
	rc = csv ? report_csv(out, r) : report_html(out, r);
	if (fclose(out) == EOF || rc == -1) {
		log_warn("building the report");
		free(buf);
		return -1;
	}
	mask = umask(0);
	umask(mask);
	if (fileio_write_atomic(path, buf, size, 0666 & ~mask) == -1) {
		log_warn("%s", path);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

int
ctl_report(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format",	required_argument,	NULL, 'F' },
		{ "at",		required_argument,	NULL, 't' },
		{ "output",	required_argument,	NULL, 'o' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report	 r;
	struct store	*st;
	const char	*path = NULL;
	time_t		 at = 0;
	int		 ch, csv = 0, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			if (strcmp(optarg, "html") == 0)
				csv = 0;
			else if (strcmp(optarg, "csv") == 0)
				csv = 1;
			else {
				fprintf(stderr, "exhibitctl: --format is html "
				    "or csv\n");
				return 2;
			}
			break;
		case 't':
			if (timefmt_parse_when(optarg, &at) == -1) {
				fprintf(stderr, "exhibitctl: --at takes an RFC "
				    "3339 time or a date (YYYY-MM-DD)\n");
				return 2;
			}
			break;
		case 'o':
			if (*optarg == '\0') {
				fputs(report_usage, stderr);
				return 2;
			}
			path = optarg;
			break;
		case 'h':
			fputs(report_usage, stdout);
			return 0;
		default:
			fputs(report_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(report_usage, stderr);
		return 2;
	}
	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	rc = report_load(st, at, &r);
	store_close(st);
	if (rc == 0)
		rc = report_write(&r, csv, path);
	report_free(&r);
	return rc == 0 ? 0 : 1;
}
