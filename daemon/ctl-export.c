/*
 * exhibitctl export: an auditor's evidence bundle (export.c writes it).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "export.h"
#include "fileio.h"
#include "log.h"
#include "store.h"
#include "strv.h"
#include "timefmt.h"

const char ctl_export_usage[] =
"usage: exhibitctl export (--audit NAME | --from TIME --to TIME)\n"
"                         [--host H]... [--control C]...\n"
"                         [--since-checkpoint FILE] -o FILE\n"
"\n"
"Write the evidence of a period as one bundle (tar.gz) that an auditor\n"
"can check offline with exhibitctl verify, without trusting exhibitd:\n"
"every envelope exactly as received with its ledger inclusion proof,\n"
"the agents' public keys with their enrollment and revocation, the rule\n"
"packs and every stored result, the waivers, audits, drift items and\n"
"security events of the period, the ledger's newest signed checkpoint,\n"
"a SHA256SUMS listing of every member and a manifest (what was asked,\n"
"by whom, when, counts) signed with the ledger key.  doc/bundle.md\n"
"describes the members.\n"
"\n"
"  --audit NAME  the period an audit examined: from the audit before it\n"
"                (or the first evidence) to the audit's start\n"
"  --from TIME, --to TIME\n"
"                the period by the time evidence was received: RFC 3339\n"
"                or YYYY-MM-DD (a date is its midnight, UTC)\n"
"  --host H      only this host (agent id or hostname); repeatable;\n"
"                default: every host enrolled during the period\n"
"  --control C   the ISO 27001:2022 controls a fieldwork report covers;\n"
"                repeatable; recorded in the manifest (the evidence and\n"
"                results stay whole so that they can be re-checked)\n"
"  --since-checkpoint FILE\n"
"                a checkpoint kept from an earlier bundle: the bundle\n"
"                then proves the ledger only grew since (consistency)\n"
"  -o, --output FILE\n"
"                the bundle, written under a temporary name and renamed\n"
"                into place once complete and on disk; - for standard\n"
"                output\n"
"\n"
"Evidence received after the ledger's newest signed checkpoint cannot be\n"
"proven yet and is left out (the count is printed); the daemon signs a\n"
"checkpoint every checkpoint_interval, or at once on POST\n"
"/v1/ledger/checkpoint.  On a terminal a progress line is shown.\n"
"\n"
"Exit status: 0 the bundle was written, 1 it could not be, 2 a usage\n"
"error.\n";

static int
export_time(const char *opt, const char *arg, time_t *t)
{
	if (timefmt_parse_when(arg, t) == -1) {
		fprintf(stderr, "exhibitctl: %s takes an RFC 3339 time or a "
		    "date (YYYY-MM-DD)\n", opt);
		return -1;
	}
	return 0;
}

int
ctl_export(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "audit",		required_argument,	NULL, 'a' },
		{ "from",		required_argument,	NULL, 'F' },
		{ "to",			required_argument,	NULL, 'T' },
		{ "host",		required_argument,	NULL, 'H' },
		{ "control",		required_argument,	NULL, 'C' },
		{ "since-checkpoint",	required_argument,	NULL, 's' },
		{ "output",		required_argument,	NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct export_request	 req;
	struct export_stats	 stats;
	struct strv		 hosts = { 0 }, controls = { 0 };
	struct store		*st;
	const char		*path = NULL, *since = NULL;
	char			*note = NULL, by[96], err[512];
	int			 ch, rc = 2, from_set = 0, to_set = 0;

	memset(&req, 0, sizeof(req));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			req.audit = optarg;
			break;
		case 'F':
			if (export_time("--from", optarg, &req.from) == -1)
				goto out;
			from_set = 1;
			break;
		case 'T':
			if (export_time("--to", optarg, &req.to) == -1)
				goto out;
			to_set = 1;
			break;
		case 'H':
			strv_add(&hosts, optarg);
			break;
		case 'C':
			strv_add(&controls, optarg);
			break;
		case 's':
			since = optarg;
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fputs(ctl_export_usage, stderr);
			goto out;
		}
	}
	if (optind != argc || path == NULL || *path == '\0' ||
	    (req.audit != NULL) == (from_set || to_set) ||
	    (req.audit == NULL && !(from_set && to_set))) {
		fputs(ctl_export_usage, stderr);
		goto out;
	}
	rc = 1;
	if (since != NULL && fileio_read_path(since, 64 * 1024, &note,
	    &req.since_len) == -1) {
		log_warn("%s", since);
		goto out;
	}
	req.since = note;
	req.hosts = &hosts;
	req.controls = &controls;
	ctl_actor(by, sizeof(by));
	req.by = by;
	req.progress = isatty(STDERR_FILENO) && strcmp(path, "-") != 0;
	if ((st = ctl_open_store(ctl)) == NULL)
		goto out;
	if (export_bundle(st, ctl->state_dir, &req, path, &stats, err,
	    sizeof(err)) == -1)
		log_warnx("export: %s", err);
	else {
		char f[TIMEFMT_RFC3339_LEN], t[TIMEFMT_RFC3339_LEN];

		fprintf(stderr, "%s: %" PRIu64 " envelopes of %" PRIu64
		    " hosts received %s to %s, %" PRIu64 " members; ledger "
		    "checkpoint of %" PRIu64 " entries\n", path,
		    stats.envelopes, stats.agents,
		    timefmt_rfc3339(stats.from, f, sizeof(f)),
		    timefmt_rfc3339(stats.to, t, sizeof(t)), stats.members,
		    stats.checkpoint_size);
		if (stats.unledgered > 0)
			fprintf(stderr, "%s: %" PRIu64 " envelopes received "
			    "after that checkpoint are not in the bundle: "
			    "export again after the next one\n", path,
			    stats.unledgered);
		rc = 0;
	}
	store_close(st);
out:
	free(note);
	strv_free(&hosts);
	strv_free(&controls);
	return rc;
}
