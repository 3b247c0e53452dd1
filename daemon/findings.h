/*
 * What the stored results say, as people ask it: findings (every result
 * in force at a time, waivers applied), hosts (counts and a score) and
 * controls (the Statement-of-Applicability view).  The API and exhibitctl
 * both answer from here, so the two never disagree.  Results carry the
 * rule set that produced them; its packs come from the store, so the
 * titles and controls shown are those of the rules that judged, even
 * after the rules changed.
 */
#ifndef EXHIBIT_FINDINGS_H
#define EXHIBIT_FINDINGS_H

#include <time.h>

struct findings;
struct json_object;
struct store;

struct findings	*findings_new(struct store *);
void		 findings_free(struct findings *);

struct findings_filter {
	time_t		 at;		/* state as of; 0: now */
	const char	*host;		/* agent id or hostname */
	const char	*control;	/* iso27001:2022 id */
	const char	*rule;
	int		 status;	/* enum rule_status; -1: any */
};

/*
 * Each returns 0 and a new JSON value in *out, or -1 (logged) when the
 * store failed.
 *
 * findings_list: an array, one object per result:
 *   agent_id, hostname, evidence_id, received_at, collected_at,
 *   evaluated_at, rule, title, severity, controls, status, expected,
 *   observed, sources, message?, waiver? {id, owner, justification,
 *   expires_at}, pack, pack_version, pack_digest, ruleset.
 * findings_hosts: an array, one object per enrolled host: agent_id,
 *   hostname, machine_id, enrolled_at, evidence_id?, last_seen?,
 *   counts {pass, fail, error, not_applicable, waived}, score (0-100, of
 *   the rules judged pass, fail or error; absent before any result).
 * findings_controls: an array, one object per ISO 27001:2022 control:
 *   control, title, theme, rules [ids], hosts {passing, failing, waived,
 *   not_evidenced}, and per_host: agent_id, hostname, state, counts,
 *   rules (that judged) and not_passing (failed, errors, waived).
 */
int	findings_list(struct findings *, const struct findings_filter *,
	    struct json_object **out);
int	findings_hosts(struct findings *, const struct findings_filter *,
	    struct json_object **out);
int	findings_controls(struct findings *, const struct findings_filter *,
	    struct json_object **out);

#endif
