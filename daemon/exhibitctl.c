/*
 * exhibitctl: administration and auditor tool.  Commands are a table, one
 * entry per command group, each implemented in its own ctl-*.c file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "xmalloc.h"

struct ctl_cmd {
	const char	*name;
	const char	*args;
	const char	*summary;
	int		(*exec)(struct ctl *, int, char **);
};

static const struct ctl_cmd ctl_cmds[] = {
	{ "init", "",
	    "create the state directory: CA, TLS and ledger keys, database;\n"
	    "                    print the first admin token once", ctl_init },
	{ "token", "create|list|revoke",
	    "manage enrollment and people's tokens (see token --help)",
	    ctl_token },
	{ "agent", "list|revoke ID", "list enrolled agents, revoke one",
	    ctl_agent },
	{ "evidence", "list|show", "stored evidence: list [--agent ID] "
	    "[--limit N];\n                    show [--envelope] ID checks "
	    "the signature and prints it", ctl_evidence },
	{ "hosts", "[--at TIME] [--json]",
	    "enrolled hosts: last evidence, results, score", ctl_findings },
	{ "findings", "[--host H] [--control C] ...",
	    "results in force, waivers applied (see findings --help)",
	    ctl_findings },
	{ "controls", "[--at TIME] [--json]",
	    "per ISO 27001:2022 control: hosts passing, failing, waived,\n"
	    "                    not evidenced (the Statement of "
	    "Applicability view)", ctl_findings },
	{ "waiver", "add|list|remove",
	    "accepted risks: a rule's failures on some hosts reported as\n"
	    "                    waived until they expire (see waiver --help)",
	    ctl_waiver },
	{ "audit", "start --name N|list",
	    "freeze every host's baseline (an internal audit); list audits",
	    ctl_audit },
	{ "drift", "[--state S] [--watch] ...|ack ID",
	    "how hosts differ from their audited baseline (see drift --help)",
	    ctl_drift },
	{ "report", "--format html|csv [--at TIME] [-o FILE]",
	    "the auditor's report: per ISO 27001:2022 control, every\n"
	    "                    host's results with their evidence (see "
	    "report --help)", ctl_report },
	{ "export", "--audit NAME|--from T --to T -o FILE",
	    "an auditor's evidence bundle: envelopes, keys, proofs, rules,\n"
	    "                    results, waivers, drift (see export --help)",
	    ctl_export },
	{ "verify", "BUNDLE [--ledger-key FILE]",
	    "check a bundle offline: signatures, proofs, checkpoints,\n"
	    "                    completeness, results (see verify --help)",
	    ctl_verify },
	{ "alerts", "[--undelivered] [--json]",
	    "the alert outbox: drift alerts delivered and waiting, with\n"
	    "                    attempts and last errors", ctl_alerts },
	{ "evaluate", "[--rules DIR] FILE|-",
	    "judge an evidence document or envelope against the rule\n"
	    "                    packs offline, without a daemon "
	    "(see evaluate --help)", ctl_evaluate },
	{ "check-config", "", "check exhibitd.conf and the rule packs as "
	    "exhibitd -n does", ctl_check_config },
};
#define NCMDS	(sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f,
"usage: exhibitctl [-v] [-f file] [--state DIR] command [args]\n"
"\n"
"Administration tool for Exhibit.  It works on the daemon's state\n"
"directory directly, so run it on the daemon's host, as its user.\n"
"\n"
"  -f, --config FILE  exhibitd configuration (default %s; when it is\n"
"                     absent and none is named, defaults apply)\n"
"  -s, --state DIR    state directory (default: state_dir from the\n"
"                     configuration)\n"
"  -v, --verbose      log debug messages too\n"
"      --help         show this help and exit\n"
"      --version      show the version and exit\n"
"\n"
"Commands:\n", DAEMON_CONF_PATH);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-12s %-19s\n                    %s\n",
		    ctl_cmds[i].name, ctl_cmds[i].args, ctl_cmds[i].summary);
	fprintf(f,
"\n"
"token create options:\n"
"  --role ROLE        enroll (agents), admin, security or auditor\n"
"  --uses N           how many times it may be used (enroll: 1; others:\n"
"                     unlimited)\n"
"  --expires DURATION lifetime, such as 1h, 7d, 90d (default: none)\n"
"  --comment TEXT     a note shown by token list\n"
"\n"
"Exit status: 0 success, 1 the command failed, 2 a usage error.\n");
}

int
ctl_load_conf(struct ctl *ctl)
{
	struct conf_errors	errs = { 0 };

	if (ctl->loaded)
		return 0;
	memset(&ctl->conf, 0, sizeof(ctl->conf));
	if (!ctl->conf_given && access(ctl->conf_path, F_OK) == -1 &&
	    errno == ENOENT)
		daemon_conf_defaults(&ctl->conf);
	else if (daemon_conf_load(ctl->conf_path, &ctl->conf, &errs) != 0) {
		conf_errors_log(&errs);
		conf_errors_free(&errs);
		return -1;
	}
	if (ctl->state_dir == NULL)
		ctl->state_dir = ctl->conf.state_dir;
	ctl->loaded = 1;
	return 0;
}

void
ctl_actor(char *buf, size_t len)
{
	struct passwd	*pw = getpwuid(getuid());

	snprintf(buf, len, "exhibitctl:%s", pw != NULL ? pw->pw_name : "?");
}

struct store *
ctl_open_store(struct ctl *ctl)
{
	struct store_conf	 sc;
	struct store		*st;
	char			 err[512], *ca;

	if (ctl_load_conf(ctl) == -1)
		return NULL;
	ca = xasprintf("%s/ca.key", ctl->state_dir);
	if (access(ca, F_OK) == -1) {
		log_warnx("%s is not initialised (no ca.key): run exhibitctl "
		    "init first", ctl->state_dir);
		free(ca);
		return NULL;
	}
	free(ca);
	daemon_conf_store(&ctl->conf, ctl->state_dir, &sc);
	if ((st = store_open_conf(&sc, err, sizeof(err))) == NULL)
		log_warnx("%s", err);
	return st;
}

int
ctl_check_config(struct ctl *ctl, int argc, char **argv)
{
	struct ruleset	*rules;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: exhibitctl check-config\n");
		return 2;
	}
	ctl->conf_given = 1;
	if (ctl_load_conf(ctl) == -1)
		return 1;
	if ((rules = ruleset_load_dir(ctl->conf.rules_dir)) == NULL) {
		fprintf(stderr, "exhibitctl: the rule packs in %s have "
		    "errors\n", ctl->conf.rules_dir);
		return 1;
	}
	printf("configuration OK; %zu rule(s) from %zu pack(s) in %s\n",
	    ruleset_rule_count(rules), ruleset_pack_count(rules),
	    ctl->conf.rules_dir);
	ruleset_free(rules);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'f' },
		{ "state",	required_argument,	NULL, 's' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl	ctl;
	size_t		i;
	int		ch, verbose = 0, rc;

	memset(&ctl, 0, sizeof(ctl));
	ctl.conf_path = DAEMON_CONF_PATH;
	log_init(argv[0], 0, LOG_DEST_STDERR);
	/* "+": options after the command belong to the command. */
	while ((ch = getopt_long(argc, argv, "+f:s:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			ctl.conf_path = optarg;
			ctl.conf_given = 1;
			break;
		case 's':
			ctl.state_dir = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("exhibitctl (Exhibit) %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	log_setverbose(verbose);
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[0], ctl_cmds[i].name) == 0) {
			optind = 1;
			rc = ctl_cmds[i].exec(&ctl, argc, argv);
			daemon_conf_free(&ctl.conf);
			return rc;
		}
	}
	fprintf(stderr, "exhibitctl: unknown command: %s\n", argv[0]);
	usage(stderr);
	return 2;
}
