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
#include "fieldwork.h"
#include "findings.h"
#include "log.h"
#include "report.h"
#include "store.h"
#include "timefmt.h"

const char ctl_report_usage[] =
"usage: exhibitctl report [--format html|csv] [--at TIME] [-o FILE]\n"
"       exhibitctl report BUNDLE [--format html|csv|md] [-o FILE]\n"
"\n"
"Without BUNDLE: write a report of the stored results as they stood at\n"
"TIME, waivers applied, for every ISO/IEC 27001:2022 control that rules\n"
"evidence: per control, the hosts passing, failing, waived and not\n"
"evidenced, then every host's result for each of the control's rules with\n"
"the values observed, the condition expected, the source files and their\n"
"SHA-256, the evidence document behind it, and the waiver (owner,\n"
"justification, expiry) of a waived failure.  The header names the time,\n"
"the rule packs (name, version, digest) and the hosts in scope with their\n"
"scores.\n"
"\n"
"With BUNDLE, a file exhibitctl export wrote: the fieldwork report of the\n"
"bundle's period, from the bundle alone (no store, no daemon, no\n"
"network), read in one pass.  Per ISO/IEC 27001:2022 control cited by the\n"
"bundled rule packs (only the controls the export's --control asked for,\n"
"when it named any), per rule and per host in the bundle: the result at\n"
"the start and at the end of the period (the host's first and last\n"
"evidence document in the bundle), the time spent failing, the drift\n"
"items of the period about that rule and host with their\n"
"acknowledgement and resolution, and the waivers covering them.  Every\n"
"result shown (start, first failure, end) names its evidence id, the\n"
"values observed, and each source file's path and SHA-256.  Time failing\n"
"is on the hosts' collection clock (collected_at): the sum of the\n"
"intervals from each document judged fail to the host's next document;\n"
"the time after a host's last document is not counted.  The header gives\n"
"the period, the manifest's created_at, created_by and request, and the\n"
"ledger checkpoint's size and root.\n"
"\n"
"The bundle report does NOT verify the bundle: no signature, inclusion\n"
"proof or digest is checked.  Run exhibitctl verify --ledger-key FILE\n"
"BUNDLE first; the report says so in its header.  A bundle without\n"
"manifest.json is refused.\n"
"\n"
"  --format F    html (the default): one self-contained page, styles\n"
"                inline, no scripts, nothing loaded from elsewhere,\n"
"                printable; every text from evidence or rules is escaped.\n"
"                csv: RFC 4180, one row per control, host and rule; for\n"
"                the store report the columns are control, control_title,\n"
"                hostname, agent_id, rule, rule_title, severity, status,\n"
"                expected, observed (compact JSON), sources (path:sha256,\n"
"                joined by \"; \"), evidence_id, collected_at, waiver_owner,\n"
"                waiver_expires, waiver_justification; for a bundle they\n"
"                are control, control_title, hostname, agent_id, rule,\n"
"                rule_title, severity, start_status, end_status,\n"
"                seconds_failing, time_failing, fail_runs, failing_since,\n"
"                waived_at_end, then evidence_id, collected_at, observed\n"
"                and sources prefixed start_, first_fail_ and end_, then\n"
"                drift and waivers (one item a line); the header of the\n"
"                report is in the other formats only.\n"
"                md (bundles only): GitHub-flavoured Markdown, one table\n"
"                per control; in cells \"|\" is written \"\\|\", newlines\n"
"                \"<br>\", markup characters backslash-escaped and < > &\n"
"                as entities\n"
"  --at TIME     the state as of TIME: RFC 3339 or YYYY-MM-DD (default:\n"
"                now); not with BUNDLE, whose period is the export's\n"
"  -o, --output FILE\n"
"                write to FILE, replaced atomically (a temporary file\n"
"                renamed over it), with the mode a shell redirection would\n"
"                give; default: standard output\n"
"\n"
"A status is pass, fail, error, not_applicable or waived; no_result marks\n"
"a host whose rule set has no such rule for the control, or (BUNDLE) a\n"
"host no evidence of which the rule judged.  CSV fields are quoted when\n"
"they hold a comma, a quote, CR or LF, with quotes doubled.  Evidence is\n"
"written by the hosts, so to keep spreadsheets from running it as a\n"
"formula a CSV field that starts with =, +, -, @, tab or CR is written\n"
"with a single quote (') in front.\n"
"\n"
"Exit status: 0 the report was written, 1 it could not be (a BUNDLE that\n"
"is not a bundle, or a member of it that does not parse, is named), 2 a\n"
"usage error.\n";

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

/* What writes one report to a stream: 0 or -1. */
struct report_job {
	const struct report	*store;		/* or */
	const struct fieldwork	*bundle;
	enum fw_format		 format;	/* FW_MD: bundles only */
};

static int
report_to(FILE *out, const struct report_job *j)
{
	if (j->bundle != NULL)
		return fieldwork_render(out, j->bundle, j->format,
		    timefmt_now());
	return j->format == FW_CSV ? report_csv(out, j->store) :
	    report_html(out, j->store);
}

static int
report_write(const struct report_job *j, const char *path)
{
	FILE	*out;
	char	*buf = NULL;
	size_t	 size = 0;
	mode_t	 mask;
	int	 rc;

	if (path == NULL) {
		rc = report_to(stdout, j);
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
	rc = report_to(out, j);
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

/* The fieldwork report of a bundle: no store is opened. */
static int
report_bundle(const char *bundle, enum fw_format format, const char *path)
{
	struct report_job	 j = { NULL, NULL, format };
	struct fieldwork	 fw;
	char			 err[512];
	int			 rc;

	if (fieldwork_read(bundle, &fw, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		fieldwork_free(&fw);
		return 1;
	}
	j.bundle = &fw;
	rc = report_write(&j, path);
	fieldwork_free(&fw);
	return rc == 0 ? 0 : 1;
}

int
ctl_report(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format",	required_argument,	NULL, 'F' },
		{ "at",		required_argument,	NULL, 't' },
		{ "output",	required_argument,	NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_job j = { NULL, NULL, FW_HTML };
	struct report	 r;
	struct store	*st;
	const char	*path = NULL;
	time_t		 at = 0;
	int		 ch, rc, have_at = 0;

	optind = 0;	/* see ctl.h */
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			if (strcmp(optarg, "html") == 0)
				j.format = FW_HTML;
			else if (strcmp(optarg, "csv") == 0)
				j.format = FW_CSV;
			else if (strcmp(optarg, "md") == 0)
				j.format = FW_MD;
			else {
				fprintf(stderr, "exhibitctl: --format is html, "
				    "csv or md\n");
				return 2;
			}
			break;
		case 't':
			if (timefmt_parse_when(optarg, &at) == -1) {
				fprintf(stderr, "exhibitctl: --at takes an RFC "
				    "3339 time or a date (YYYY-MM-DD)\n");
				return 2;
			}
			have_at = 1;
			break;
		case 'o':
			if (*optarg == '\0') {
				fputs(ctl_report_usage, stderr);
				return 2;
			}
			path = optarg;
			break;
		default:
			fputs(ctl_report_usage, stderr);
			return 2;
		}
	}
	if (optind == argc - 1) {
		if (have_at) {
			fprintf(stderr, "exhibitctl: --at is not for a bundle: "
			    "its period is the export's\n");
			return 2;
		}
		if (*argv[optind] == '\0') {
			fputs(ctl_report_usage, stderr);
			return 2;
		}
		return report_bundle(argv[optind], j.format, path);
	}
	if (optind != argc) {
		fputs(ctl_report_usage, stderr);
		return 2;
	}
	if (j.format == FW_MD) {
		fprintf(stderr, "exhibitctl: --format md is for a bundle's "
		    "report (exhibitctl report BUNDLE --format md)\n");
		return 2;
	}
	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	rc = report_load(st, at, &r);
	store_close(st);
	j.store = &r;
	if (rc == 0)
		rc = report_write(&j, path);
	report_free(&r);
	return rc == 0 ? 0 : 1;
}
