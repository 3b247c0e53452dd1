/*
 * exhibitctl verify: check an export bundle offline (verify.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "verify.h"

const char ctl_verify_usage[] =
"usage: exhibitctl verify [--ledger-key FILE] [--since-checkpoint FILE]\n"
"                         [--allow-gaps] [--no-reevaluate] BUNDLE\n"
"\n"
"Check an evidence bundle written by exhibitctl export without a\n"
"daemon, a database or a network, and without trusting whoever made\n"
"it:\n"
"  - every envelope's DSSE signature, by the key its agent enrolled;\n"
"  - every envelope's inclusion proof against the bundle's checkpoint,\n"
"    and the checkpoint's signature by the ledger key;\n"
"  - with --since-checkpoint, the consistency proof: the ledger only\n"
"    grew since the checkpoint you kept from last time (a rolled-back\n"
"    or rewritten ledger fails);\n"
"  - each agent's seq continuity: gaps are reported with the times of\n"
"    the evidence either side;\n"
"  - every stored rule result, by judging the bundled envelopes again\n"
"    under the bundled rule packs and comparing;\n"
"  - the manifest's signature by the ledger key and the SHA-256 of every\n"
"    member in its SHA256SUMS listing: a deleted, modified, reordered or\n"
"    added member is named.\n"
"\n"
"  --ledger-key FILE        the ledger public key (ledger.pub of the\n"
"                           daemon's state directory) as you obtained it\n"
"                           yourself; without it the key inside the\n"
"                           bundle is used, and the output says so\n"
"  --since-checkpoint FILE  a checkpoint note you kept (the bundle's\n"
"                           \"checkpoint\" member from last time)\n"
"  --allow-gaps             report seq gaps without failing\n"
"  --no-reevaluate          skip judging the evidence again\n"
"\n"
"Every problem is a line \"FAIL MEMBER: WHAT\"; a summary follows.\n"
"Exit status: 0 the bundle verified, 1 it did not, 2 it could not be\n"
"read or a usage error.\n";

int
ctl_verify(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ledger-key",		required_argument,	NULL, 'k' },
		{ "since-checkpoint",	required_argument,	NULL, 's' },
		{ "allow-gaps",		no_argument,		NULL, 'g' },
		{ "no-reevaluate",	no_argument,		NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct verify_opts	 o = { .reevaluate = 1, .out = stdout };
	struct verify_stats	 s;
	int			 ch, rc;

	(void)ctl;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			o.ledger_key = optarg;
			break;
		case 's':
			o.since = optarg;
			break;
		case 'g':
			o.allow_gaps = 1;
			break;
		case 'n':
			o.reevaluate = 0;
			break;
		default:
			fputs(ctl_verify_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(ctl_verify_usage, stderr);
		return 2;
	}
	rc = verify_bundle(argv[optind], &o, &s);
	if (rc != 2)
		printf("%s: %s: %" PRIu64 " envelopes of %" PRIu64 " agents, "
		    "%" PRIu64 " results re-judged, %" PRIu64 " seq gaps, "
		    "checkpoint of %" PRIu64 " entries; %" PRIu64
		    " problems\n", argv[optind], rc == 0 ? "verified" :
		    "NOT VERIFIED", s.envelopes, s.agents, s.evaluations,
		    s.gaps, s.checkpoint_size, s.problems);
	return rc;
}
