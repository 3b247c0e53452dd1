/*
 * exhibitctl: administration and auditor tool.  Commands are a table, one
 * entry per command, so each later command is one file and one line here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon-conf.h"
#include "log.h"

struct ctl_cmd {
	const char	*name;
	const char	*args;
	const char	*summary;
	int		(*exec)(const struct ctl_cmd *, int, char **);
};

static int	cmd_check_config(const struct ctl_cmd *, int, char **);

static const char *conf_path = DAEMON_CONF_PATH;

static const struct ctl_cmd ctl_cmds[] = {
	{ "check-config", "",
	    "check exhibitd.conf as exhibitd -n does", cmd_check_config },
};
#define NCMDS	(sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f,
"usage: exhibitctl [-v] [-f file] command [args]\n"
"\n"
"Administration and auditor tool for Exhibit.\n"
"\n"
"  -f, --config FILE  exhibitd configuration (default %s)\n"
"  -v, --verbose      log debug messages too\n"
"      --help         show this help and exit\n"
"      --version      show the version and exit\n"
"\n"
"Commands:\n", DAEMON_CONF_PATH);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-14s %-10s %s\n", ctl_cmds[i].name,
		    ctl_cmds[i].args, ctl_cmds[i].summary);
	fprintf(f,
"\n"
"Exit status: 0 success, 1 the command failed, 2 a usage error.\n");
}

static int
cmd_check_config(const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct daemon_conf	dc;
	struct conf_errors	errs = { 0 };

	if (argc != 1) {
		fprintf(stderr, "usage: exhibitctl %s\n", cmd->name);
		return 2;
	}
	memset(&dc, 0, sizeof(dc));
	if (daemon_conf_load(conf_path, &dc, &errs) != 0) {
		conf_errors_log(&errs);
		conf_errors_free(&errs);
		daemon_conf_free(&dc);
		return 1;
	}
	printf("configuration OK\n");
	daemon_conf_free(&dc);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'f' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	size_t	i;
	int	ch, verbose = 0;

	log_init(argv[0], 0, LOG_DEST_STDERR);
	/* "+": options after the command belong to the command. */
	while ((ch = getopt_long(argc, argv, "+f:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			conf_path = optarg;
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
			return ctl_cmds[i].exec(&ctl_cmds[i], argc, argv);
		}
	}
	fprintf(stderr, "exhibitctl: unknown command: %s\n", argv[0]);
	usage(stderr);
	return 2;
}
