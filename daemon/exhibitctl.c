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

#include "cli.h"
#include "ctl.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "xmalloc.h"

struct ctl_cmd {
	const char	*name;
	const char	*args;		/* subcommands and operands only */
	const char	*summary;
	const char	*usage;		/* "exhibitctl COMMAND --help" */
	int		(*exec)(struct ctl *, int, char **);
};

static const char check_config_usage[] =
"usage: exhibitctl [-f file] check-config\n"
"\n"
"Check the configuration file and the rule packs it names, as exhibitd -n\n"
"does: print \"configuration OK\" and the number of rules, or every error\n"
"as file:line: message and exit 1.\n";

static const struct ctl_cmd ctl_cmds[] = {
	{ "init", "", "create the state directory: CA, TLS and ledger keys, "
	    "database; print the first admin token once", ctl_init_usage,
	    ctl_init },
	{ "token", "create|list|revoke",
	    "tokens for enrollment and for people (admin, security, auditor)",
	    ctl_token_usage, ctl_token },
	{ "agent", "list|revoke ID", "list enrolled agents, revoke one",
	    ctl_agent_usage, ctl_agent },
	{ "evidence", "list|show ID", "stored evidence; show checks the "
	    "signature and prints the document or envelope",
	    ctl_evidence_usage, ctl_evidence },
	{ "hosts", "", "enrolled hosts: last evidence, results, score",
	    ctl_findings_usage, ctl_findings },
	{ "findings", "", "rule results in force, waivers applied",
	    ctl_findings_usage, ctl_findings },
	{ "controls", "", "per ISO 27001:2022 control: hosts passing, failing, "
	    "waived, not evidenced (the Statement of Applicability view)",
	    ctl_findings_usage, ctl_findings },
	{ "waiver", "add|list|remove", "accepted risks: a rule's failures on "
	    "some hosts reported as waived until they expire",
	    ctl_waiver_usage, ctl_waiver },
	{ "audit", "start|list", "freeze every host's baseline (an internal "
	    "audit); list audits", ctl_audit_usage, ctl_audit },
	{ "drift", "[show ID | ack ID]", "how hosts differ from their audited "
	    "baseline", ctl_drift_usage, ctl_drift },
	{ "report", "", "the auditor's report: per ISO 27001:2022 control, "
	    "every host's results with their evidence; or a bundle's",
	    ctl_report_usage, ctl_report },
	{ "export", "", "an auditor's evidence bundle: envelopes, keys, "
	    "proofs, rules, results, waivers, drift", ctl_export_usage,
	    ctl_export },
	{ "verify", "BUNDLE", "check a bundle offline: signatures, proofs, "
	    "checkpoints, completeness, results", ctl_verify_usage,
	    ctl_verify },
	{ "alerts", "", "the alert outbox: drift alerts delivered and "
	    "waiting, with attempts and last errors", ctl_alerts_usage,
	    ctl_alerts },
	{ "evaluate", "FILE|-", "judge an evidence document or envelope "
	    "against the rule packs offline, without a daemon",
	    ctl_evaluate_usage, ctl_evaluate },
	{ "check-config", "", "check exhibitd.conf and the rule packs as "
	    "exhibitd -n does", check_config_usage, ctl_check_config },
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
"  -f, --config FILE  exhibitd's configuration, by default\n"
"                     %s\n"
"                     (when it is absent and none is named, defaults apply)\n"
"  -s, --state DIR    state directory (default: state_dir from the\n"
"                     configuration)\n"
"  -v, --verbose      log debug messages too\n"
"      --help         show this help and exit\n"
"      --version      show the version and exit\n"
"\n"
"Commands (\"exhibitctl COMMAND --help\" shows a command's options):\n",
	    DAEMON_CONF_PATH);
	for (i = 0; i < NCMDS; i++)
		cli_print_command(f, ctl_cmds[i].name, ctl_cmds[i].args,
		    ctl_cmds[i].summary);
	fprintf(f,
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
		fputs(check_config_usage, stderr);
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
			if (cli_wants_help(argc, argv)) {
				fputs(ctl_cmds[i].usage, stdout);
				return 0;
			}
			optind = 0;
			rc = ctl_cmds[i].exec(&ctl, argc, argv);
			daemon_conf_free(&ctl.conf);
			return rc;
		}
	}
	fprintf(stderr, "exhibitctl: unknown command: %s\n", argv[0]);
	usage(stderr);
	return 2;
}
