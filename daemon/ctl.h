/*
 * exhibitctl's commands: one file per group (ctl-init.c, ctl-token.c,
 * ctl-agent.c), each a function taking the shared context and its own
 * arguments (argv[0] is the command name).  Each starts getopt_long()
 * with optind = 0, not 1: glibc then starts afresh and permutes options
 * given after operands ("verify b.tar.gz --ledger-key k") to the front;
 * with 1 it would keep the "+" (stop at the first operand) of main's.
 */
#ifndef EXHIBIT_CTL_H
#define EXHIBIT_CTL_H

#include <stdio.h>

#include "daemon-conf.h"

struct store;

struct ctl {
	const char		*conf_path;
	int			 conf_given;	/* -f on the command line */
	const char		*state_dir;	/* --state, else the config's */
	struct daemon_conf	 conf;
	int			 loaded;
};

/* Load the configuration (or the defaults when none was named and none
 * exists at the default path); errors are logged.  0 or -1. */
int		 ctl_load_conf(struct ctl *);

/* Who is acting, for the record: "exhibitctl:<user>". */
void		 ctl_actor(char *buf, size_t len);

/* Open the store of an initialised state directory; NULL, logged. */
struct store	*ctl_open_store(struct ctl *);

/* Each command's usage, printed by "exhibitctl COMMAND --help". */
extern const char ctl_init_usage[], ctl_token_usage[], ctl_agent_usage[],
	ctl_evidence_usage[], ctl_findings_usage[], ctl_waiver_usage[],
	ctl_audit_usage[], ctl_drift_usage[], ctl_report_usage[],
	ctl_export_usage[], ctl_verify_usage[], ctl_alerts_usage[],
	ctl_evaluate_usage[];

int	ctl_init(struct ctl *, int, char **);
int	ctl_token(struct ctl *, int, char **);
int	ctl_agent(struct ctl *, int, char **);
int	ctl_evidence(struct ctl *, int, char **);
int	ctl_check_config(struct ctl *, int, char **);
int	ctl_evaluate(struct ctl *, int, char **);
int	ctl_findings(struct ctl *, int, char **);
int	ctl_waiver(struct ctl *, int, char **);
int	ctl_drift(struct ctl *, int, char **);
int	ctl_audit(struct ctl *, int, char **);
int	ctl_report(struct ctl *, int, char **);
int	ctl_alerts(struct ctl *, int, char **);
int	ctl_export(struct ctl *, int, char **);
int	ctl_verify(struct ctl *, int, char **);

/* ctl-results.c: rule results for people (grouped by ISO 27001:2022
 * control; details under failures and errors, under all with all) and
 * as JSON.  Both return the exit status: 1 when anything failed or could
 * not be judged, else 0. */
struct json_object;
struct ruleset;
int	ctl_results_table(FILE *, const struct ruleset *,
	    struct json_object *results, int all);
int	ctl_results_json(FILE *, const struct ruleset *,
	    struct json_object *doc, struct json_object *results);
void	ctl_result_detail(FILE *, struct json_object *result);

#endif
