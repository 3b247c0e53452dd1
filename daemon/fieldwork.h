/*
 * The fieldwork report's data: an export bundle read once, member by
 * member, into the period's story per host and rule (state at the start
 * and the end, time spent failing, the first failure), beside the
 * bundle's drift items, waivers and manifest.  Nothing here checks a
 * signature, a proof or a digest: that is exhibitctl verify's job, and
 * the report says so.
 *
 * Memory is the hosts x rules grid (three results per cell) plus, while
 * one agent is being read, its runs of documents judged alike and one
 * status byte per rule for each distinct result set: result sets are
 * stored after every document of their agent, so the documents' order
 * must be kept until they arrive, but only where the results change.
 */
#ifndef EXHIBIT_FIELDWORK_H
#define EXHIBIT_FIELDWORK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct control;
struct json_object;
struct rule_info;
struct ruleset;

/* One result shown: what a rule found in one evidence document. */
struct fw_seen {
	int64_t			 evidence_id;	/* 0: no such result */
	int64_t			 seq;
	time_t			 collected_at;
	time_t			 received_at;
	struct json_object	*result;	/* the result set's entry:
						 * status, expected,
						 * observed, sources,
						 * message */
};

/* One host and one rule over the period. */
struct fw_cell {
	struct fw_seen	 start;		/* the first evidence judged */
	struct fw_seen	 end;		/* the last evidence judged */
	struct fw_seen	 fail;		/* the first evidence judged fail */
	long long	 failing;	/* seconds, on the collected_at clock */
	unsigned	 fail_runs;	/* times it went to fail */
	time_t		 fail_since;	/* the last run of failures began;
					 * 0 unless failing at the end */
	size_t		 judged;	/* evidence documents judged */
};

struct fw_host {
	char		*agent_id;
	char		*hostname;
	time_t		 enrolled_at;
	time_t		 revoked_at;	/* 0: not revoked */
	size_t		 documents;	/* evidence documents in the bundle */
	time_t		 first, last;	/* their collected_at */
	struct fw_cell	*cells;		/* by rule index */
	size_t		 ncells;
};

struct fw_rule {
	char			*id;
	/* The definition in the last bundled rule set that has the rule;
	 * NULL for a rule only results name. */
	const struct rule_info	*info;
};

struct fieldwork {
	struct json_object	*manifest;
	time_t			 from, to;	/* the manifest's period */
	struct fw_rule		*rules;
	size_t			 nrules;
	struct fw_host		*hosts;		/* in bundle order (by id) */
	size_t			 nhosts;
	struct json_object	*waivers;	/* waivers.json */
	struct json_object	*drift;		/* drift.jsonl, in order */
	/* "agent\nrule" -> [drift items of rule_regressed or
	 * rule_recovered with that subject]; "agent" -> [the host's
	 * other items] */
	struct json_object	*drift_by;
	struct ruleset		**sets;
	size_t			 nsets;
	/* Private: the reading state. */
	struct fw_read		*rd;
};

/*
 * Read the bundle at path: 0, or -1 with a sentence in err naming the
 * member at fault (or the file, when it is not a bundle, or says that the
 * manifest is missing).  fieldwork_free() releases fw either way.
 */
int	fieldwork_read(const char *path, struct fieldwork *fw, char *err,
	    size_t errlen);
void	fieldwork_free(struct fieldwork *);

/* The cell of a host and rule index; NULL when no evidence of the host
 * in the bundle was judged by the rule.  Its start or end may still lack
 * a result, when the rule set of that evaluation had no such rule. */
const struct fw_cell *fieldwork_cell(const struct fw_host *, size_t rule);

/* The status a result names, "-" without one. */
const char *fieldwork_status(const struct fw_seen *);

/* The drift items about this host and rule (NULL rule: about the host
 * but no rule); NULL when there are none. */
struct json_object *fieldwork_drift(const struct fieldwork *,
		    const struct fw_host *, const char *rule);

/*
 * The waivers that cover the rule on this host (by agent id or a
 * hostname pattern) and were in force at some time in the period, as a
 * new array (empty when none).
 */
struct json_object *fieldwork_waivers(const struct fieldwork *,
		    const struct fw_host *, const char *rule);

/* Whether a waiver of the array was in force at t. */
int	fieldwork_waived_at(struct json_object *waivers, time_t t);

/*
 * The controls of the report: the ISO/IEC 27001:2022 controls, in the
 * standard's order, that some rule cites, limited to the manifest's
 * request.controls when it names any.  Each gives its rule indices.
 */
struct fw_control {
	const struct control	*control;
	size_t			*rules;
	size_t			 nrules;
};
size_t	fieldwork_controls(const struct fieldwork *, struct fw_control **);
void	fieldwork_controls_free(struct fw_control *, size_t);

/* The report, for the time it was generated at: 0, or -1 when writing
 * failed (fieldwork-render.c, fieldwork-html.c). */
enum fw_format { FW_HTML, FW_CSV, FW_MD };
int	fieldwork_render(FILE *, const struct fieldwork *, enum fw_format,
	    time_t now);

/* "3d 4h 5m 6s", "0s": buf of at least FW_DURATION_LEN. */
#define FW_DURATION_LEN	48
const char *fieldwork_duration(long long seconds, char *buf, size_t len);

#endif
