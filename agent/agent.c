/*
 * exhibit-agent: collects configuration evidence from a host.  main()
 * parses the global options and runs one command from the table; all
 * else lives in agent/libagent.a so that tests link the same objects.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "agent-conf.h"
#include "cli.h"
#include "cmd.h"
#include "collect.h"
#include "evidence.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "log.h"
#include "xmalloc.h"

struct agent_cmd {
	const char	*name;
	const char	*usage;
	const char	*summary;
	const char	*options;	/* shown by --help and COMMAND --help */
	int		(*exec)(int, char **);
};

static int	cmd_collect(int, char **);

static const struct agent_cmd agent_cmds[] = {
	{ "collect", "[--root DIR] [--section S]... [--pretty|--summary]\n"
	    "          | --sign [--root DIR]",
	    "print this host's evidence document as JSON (--sign: as a "
	    "signed envelope)",
"  --root DIR      collect from DIR as if it were / (default: the root\n"
"                  key of the configuration, else /); symlinks and \"..\"\n"
"                  never lead outside it\n"
"  --section NAME  collect only this section (repeatable; the host\n"
"                  section is always included)\n"
"  --pretty        indent the JSON\n"
"  --summary       print a table of sections (files read, files absent,\n"
"                  errors, digest) and the errors, instead of the JSON\n"
"                  (it wins over --pretty)\n"
"  --sign          a DSSE envelope signed with the agent's key, carrying\n"
"                  agent_id and the next seq (stored, never reused);\n"
"                  not spooled.  Needs enrollment\n",
	    cmd_collect },
	{ "enroll", "--server URL --token-file FILE\n"
	    "          (--ca-file FILE | --ca-fingerprint SHA256) [--force]",
	    "make a key pair and trade an enrollment token for an identity",
"  --server URL          exhibitd's address, https:// only\n"
"  --token-file FILE     a file holding the enrollment token (never on\n"
"                        the command line, where ps would show it)\n"
"  --ca-file FILE        the daemon's CA certificate (PEM), or:\n"
"  --ca-fingerprint SHA  \"sha256:<hex>\" of the CA certificate's DER, as\n"
"                        \"exhibitctl init\" printed it; the CA is fetched\n"
"                        from GET /v1/ca and used only if it matches\n"
"  --force               replace an existing identity\n"
"  The private key is made here and stays in the state directory (the\n"
"  [agent] state_dir key) with the certificate, the CA and the agent id.\n",
	    cmd_enroll },
	{ "push", "", "send every spooled envelope to exhibitd now, oldest "
	    "first",
"  Stops at the first envelope that cannot be sent; one the daemon\n"
"  refuses for good (schema, bad_envelope, seq_conflict, bad_signature,\n"
"  key_mismatch, too_large) moves to state_dir/rejected/ and is logged.\n"
"  Any other 401, 403 or 415 (a revoked or unknown agent, say) stops\n"
"  pushing until a person acts (exhibit-agent enroll --force).\n",
	    cmd_push },
	{ "run", "[--once]", "the service: collect on schedule, sign, spool, "
	    "push, renew the certificate",
"  --once          collect, spool and push once, then exit\n"
"  Runs until SIGTERM or SIGINT.  Collections follow [schedule] interval\n"
"  plus a random [schedule] jitter; failed pushes are retried with\n"
"  exponential backoff up to [push] backoff_max; the certificate is\n"
"  renewed once half its lifetime has passed.  At [spool] max_size only\n"
"  documents whose every section is unchanged are spooled.\n",
	    cmd_run },
	{ "status", "[--json] [--textfile PATH]", "enrollment, certificate "
	    "expiry, last collection and push, spool",
"  --json          print the status as a JSON object\n"
"  --textfile PATH write it for node-exporter's textfile collector\n"
"                  (Prometheus format, atomically), print nothing\n"
"                  unless --json is given too\n"
"  Exits 1 when the agent is not enrolled.\n",
	    cmd_status },
};
#define NCMDS	(sizeof(agent_cmds) / sizeof(agent_cmds[0]))

static const char	*conf_path = AGENT_CONF_PATH;
static int		 conf_path_given;

static void
print_sections(FILE *f)
{
	const struct collector	*c;
	size_t			 i, n;

	fprintf(f, "\nSections:\n");
	c = evidence_collectors(&n);
	for (i = 0; i < n; i++)
		cli_print_command(f, c[i].name, "", c[i].summary);
}

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f,
"usage: exhibit-agent [-v] [-f file] command [options]\n"
"       exhibit-agent -n [-f file]\n"
"\n"
"The Exhibit agent collects configuration evidence from a Linux host.  It\n"
"only reads files under the host root; it runs no programs.\n"
"\n"
"  -f, --config FILE  configuration file, by default\n"
"                     %s\n"
"  -n, --check        check the configuration, print \"configuration OK\"\n"
"                     or every error as file:line: message, and exit\n"
"  -v, --verbose      log debug messages too\n"
"      --help         show this help and exit\n"
"      --version      show the version and exit\n"
"\n"
"Commands (\"exhibit-agent COMMAND --help\" shows one):\n", AGENT_CONF_PATH);
	for (i = 0; i < NCMDS; i++)
		cli_print_command(f, agent_cmds[i].name, agent_cmds[i].usage,
		    agent_cmds[i].summary);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "\n%s:\n%s", agent_cmds[i].name,
		    agent_cmds[i].options);
	print_sections(f);
	fprintf(f,
"\n"
"The configuration file is read when given with -f, or when it exists at\n"
"its default path; otherwise defaults apply.\n"
"\n"
"Exit status: 0 success, 1 invalid configuration or a runtime failure\n"
"(not enrolled, envelopes left in the spool, the agent refused),\n"
"2 a command-line usage error.\n");
}

/* "exhibit-agent COMMAND --help". */
static void
command_usage(const struct agent_cmd *cmd)
{
	const char	*p = cmd->usage;
	size_t		 len;
	int		 indent;

	/* The synopsis's continuation lines align under its first option. */
	indent = printf("usage: exhibit-agent %s%s", cmd->name,
	    *p != '\0' ? " " : "");
	while (*p != '\0') {
		len = strcspn(p, "\n");
		printf("%.*s\n", (int)len, p);
		p += len;
		if (*p == '\n') {
			p += 1 + strspn(p + 1, " ");
			printf("%*s", indent, "");
		}
	}
	if (*cmd->usage == '\0')
		putchar('\n');
	printf("\n%c%s.\n\n%s", toupper((unsigned char)cmd->summary[0]),
	    cmd->summary + 1, cmd->options);
	if (strcmp(cmd->name, "collect") == 0)
		print_sections(stdout);
}

/* Load the configuration, or the defaults when no file was named and
 * none exists.  Every error is logged. */
int
agent_load_conf(struct agent_conf *ac)
{
	struct conf_errors	errs = { 0 };

	memset(ac, 0, sizeof(*ac));
	if (!conf_path_given && access(conf_path, F_OK) == -1 &&
	    errno == ENOENT) {
		agent_conf_defaults(ac);
		return 0;
	}
	if (agent_conf_load(conf_path, ac, &errs) != 0) {
		conf_errors_log(&errs);
		conf_errors_free(&errs);
		agent_conf_free(ac);
		return -1;
	}
	return 0;
}

/* A table for people: what each section looked at and what went wrong. */
static void
print_summary(struct json_object *doc)
{
	struct json_object	*sections, *errors, *src, *e;
	const char		*digest, *status, *host = "?", *sec, *msg;
	size_t			 i, nread, nabsent, nother, nerr;

	(void)jsonutil_get_string(json_object_object_get(doc, "host"),
	    "hostname", &host);
	printf("evidence for %s\n\n", host);
	printf("%-18s %5s %7s %6s %6s  %s\n", "SECTION", "READ", "ABSENT",
	    "OTHER", "ERRORS", "DIGEST");
	sections = json_object_object_get(doc, "sections");
	errors = json_object_object_get(doc, "errors");
	json_object_object_foreach(sections, name, sobj) {
		nread = nabsent = nother = nerr = 0;
		json_object_object_get_ex(sobj, "sources", &src);
		for (i = 0; i < json_object_array_length(src); i++) {
			e = json_object_array_get_idx(src, i);
			if (jsonutil_get_string(e, "status", &status) == -1)
				nread++;
			else if (strcmp(status, "absent") == 0)
				nabsent++;
			else
				nother++;
		}
		for (i = 0; i < json_object_array_length(errors); i++) {
			e = json_object_array_get_idx(errors, i);
			if (jsonutil_get_string(e, "section", &sec) == 0 &&
			    strcmp(sec, name) == 0)
				nerr++;
		}
		if (jsonutil_get_string(sobj, "digest", &digest) == -1)
			digest = "";
		printf("%-18s %5zu %7zu %6zu %6zu  %.23s\n", name, nread,
		    nabsent, nother, nerr, digest);
	}
	if (json_object_array_length(errors) > 0)
		printf("\nerrors:\n");
	for (i = 0; i < json_object_array_length(errors); i++) {
		e = json_object_array_get_idx(errors, i);
		if (jsonutil_get_string(e, "section", &sec) == 0 &&
		    jsonutil_get_string(e, "message", &msg) == 0)
			printf("  %s: %s\n", sec, msg);
	}
}

static int
cmd_collect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root",	required_argument,	NULL, 'r' },
		{ "section",	required_argument,	NULL, 's' },
		{ "pretty",	no_argument,		NULL, 'p' },
		{ "summary",	no_argument,		NULL, 'S' },
		{ "sign",	no_argument,		NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	struct agent_conf	  ac;
	struct hostroot		 *root;
	struct json_object	 *doc;
	const char		 *rootpath = NULL, **only = NULL;
	char			 *text, err[128];
	size_t			  nonly = 0;
	int			  ch, pretty = 0, summary = 0, sign = 0;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rootpath = optarg;
			break;
		case 's':
			if (evidence_collector(optarg) == NULL) {
				fprintf(stderr, "exhibit-agent: collect: no "
				    "section named \"%s\" (see --help)\n",
				    optarg);
				free(only);
				return 2;
			}
			only = xreallocarray(only, nonly + 1, sizeof(*only));
			only[nonly++] = optarg;
			break;
		case 'p':
			pretty = 1;
			break;
		case 'S':
			summary = 1;
			break;
		case 'g':
			sign = 1;
			break;
		default:
			free(only);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "exhibit-agent: collect: unexpected argument: "
		    "%s\n", argv[optind]);
		free(only);
		return 2;
	}
	if (sign) {
		free(only);
		if (nonly > 0 || pretty || summary) {
			fprintf(stderr, "exhibit-agent: collect: --sign takes "
			    "only --root\n");
			return 2;
		}
		return cmd_collect_sign(rootpath);
	}
	if (agent_load_conf(&ac) == -1) {
		free(only);
		return 1;
	}
	/* collect only hashes: the system's OpenSSL configuration (TLS
	 * policy) does not apply, and not loading it saves memory. */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	if (rootpath == NULL)
		rootpath = ac.root;
	if ((root = hostroot_open(rootpath, ac.max_file_size)) == NULL) {
		log_warn("collect: root %s", rootpath);
		agent_conf_free(&ac);
		free(only);
		return 1;
	}
	text = evidence_collect(root, only, nonly);
	if (summary || pretty) {
		if ((doc = jsonutil_parse(text, strlen(text), err,
		    sizeof(err))) == NULL)
			fatalx("collect: the document does not parse: %s", err);
		if (summary)
			print_summary(doc);
		else
			printf("%s\n", jsonutil_to_string(doc, 1));
		json_object_put(doc);
	} else
		printf("%s\n", text);
	free(text);
	hostroot_free(root);
	agent_conf_free(&ac);
	free(only);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("collect: writing the document");
		return 1;
	}
	return 0;
}

static int
check_conf(void)
{
	struct agent_conf	ac;

	conf_path_given = 1;
	if (agent_load_conf(&ac) == -1)
		return 1;
	printf("configuration OK\n");
	agent_conf_free(&ac);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'f' },
		{ "check",	no_argument,		NULL, 'n' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	size_t	i;
	int	ch, check = 0, verbose = 0;

	log_init(argv[0], 0, LOG_DEST_AUTO);
	/* "+": options after the command belong to the command. */
	while ((ch = getopt_long(argc, argv, "+f:nv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			conf_path = optarg;
			conf_path_given = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("exhibit-agent (Exhibit) %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	log_setverbose(verbose);
	argc -= optind;
	argv += optind;
	if (check) {
		if (argc != 0) {
			usage(stderr);
			return 2;
		}
		return check_conf();
	}
	if (argc == 0) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[0], agent_cmds[i].name) == 0) {
			if (cli_wants_help(argc, argv)) {
				command_usage(&agent_cmds[i]);
				return 0;
			}
			optind = 0;
			return agent_cmds[i].exec(argc, argv);
		}
	}
	fprintf(stderr, "exhibit-agent: unknown command: %s\n", argv[0]);
	usage(stderr);
	return 2;
}
