/*
 * What the fieldwork report's three formats share, so that they say the
 * same thing in the same words: one line per observed value, source,
 * drift item and waiver, and how a host stands on a control.  Strings
 * returned are new (free them) and unescaped: each format escapes.
 */
#ifndef EXHIBIT_FIELDWORK_RENDER_H
#define EXHIBIT_FIELDWORK_RENDER_H

#include "controls.h"
#include "fieldwork.h"

#define FWR_TITLE	"ISO/IEC 27001:2022 fieldwork report"
#define FWR_VERIFY_NOTE \
	"This report does not check the bundle: envelope signatures, " \
	"inclusion proofs, the checkpoint, the manifest's signature and " \
	"every digest are checked by \"exhibitctl verify --ledger-key " \
	"ledger.pub BUNDLE\", which should pass before this report is " \
	"relied on."
#define FWR_CLOCK_NOTE \
	"Start and end are the results of the first and the last evidence " \
	"document of each host in the bundle.  Time failing is measured " \
	"on the hosts' collection clock (collected_at): the sum of the " \
	"intervals from each document judged fail to the host's next " \
	"document; the time after a host's last document is not counted, " \
	"for no evidence shows what followed.  Statuses are as stored; a " \
	"waived failure is still a failure, its waiver shown beside it."

const char *fwr_str(struct json_object *, const char *key);
const char *fwr_time(time_t, char *buf, size_t len);	/* "-" for 0 */

/* "path = value" (compact JSON), "path: count N", "path: missing", one
 * per line, values a condition repeats listed once. */
char	*fwr_observed(const struct fw_seen *);
/* "path[:line] sha256 HEX" (or "(status)"), one per line. */
char	*fwr_sources(const struct fw_seen *);
/* "#id kind, opened T; acknowledged T by W: comment; resolved T:
 * resolution" (or "still open"). */
char	*fwr_drift_item(struct json_object *);
/* "#id owner: justification (from T until T[, removed T by W])" */
char	*fwr_waiver(struct json_object *);
/* What was asked: "audit NAME" or "from T to T", hosts and controls. */
char	*fwr_request(const struct fieldwork *);

/* The controls the manifest's request names that no bundled rule
 * cites, joined by ", "; NULL when there are none. */
char	*fwr_uncited(const struct fieldwork *);

/* How a host stands on a control at the start (end 0) or the end:
 * "failing" when a rule fails, else "passing" when one passes, else
 * "not_evidenced" (errors, not applicable), "no_evidence" without any
 * result. */
const char *fwr_control_state(const struct fw_host *,
		    const struct fw_control *, int end);
/* Whether any rule of the control failed on the host in the period. */
int	fwr_failed_in_period(const struct fw_host *, const struct fw_control *);
/* Drift items about the control's rules on the host. */
size_t	fwr_drift_count(const struct fieldwork *, const struct fw_host *,
	    const struct fw_control *);

int	fieldwork_html(FILE *, const struct fieldwork *, time_t now);

#endif
