/*
 * Auditors' evidence bundles: everything needed to check, without
 * trusting exhibitd, that a period's evidence is complete and unaltered.
 * doc/bundle.md describes the members; verify.c is the other half.
 *
 * Members, in this order (a verifier reads them in one pass):
 *   ledger.pub, checkpoint, consistency.json?, rules/<hex>.json,
 *   rulesets.json, per agent (by id) agents/<id>/agent.json,
 *   agents/<id>/sections/<hex>.json (bodies its documents reference),
 *   agents/<id>/evidence/<seq>.dsse.json (as received) and
 *   agents/<id>/evidence/<seq>.json (ledger leaf, inclusion proof,
 *   evaluations), agents/<id>/results/<hex>.json; then waivers.json,
 *   audits.json, drift.jsonl, security-events.jsonl, SHA256SUMS,
 *   manifest.json and manifest.dsse.json (the manifest signed with the
 *   ledger key).
 */
#ifndef EXHIBIT_EXPORT_H
#define EXHIBIT_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BUNDLE_FORMAT		"exhibit-bundle/1"
#define BUNDLE_MANIFEST_TYPE	"application/vnd.exhibit.bundle-manifest+json"

struct store;
struct strv;

struct export_request {
	const char		*audit;		/* its period, or NULL */
	time_t			 from, to;	/* when audit is NULL */
	const struct strv	*hosts;		/* agent ids or hostnames */
	const struct strv	*controls;	/* the report's scope */
	const char		*since;		/* a checkpoint note kept */
	size_t			 since_len;
	const char		*by;		/* who asked */
	int			 progress;	/* a bar on standard error */
};

struct export_stats {
	time_t		 from, to;
	uint64_t	 agents;
	uint64_t	 envelopes;
	uint64_t	 unledgered;	/* after the newest checkpoint: left out */
	uint64_t	 members;
	uint64_t	 checkpoint_size;
};

/* Write the bundle to path ("-": standard output), with the ledger key
 * of state_dir signing its manifest.  0, or -1 with a sentence in err
 * and no file left behind. */
int	export_bundle(struct store *, const char *state_dir,
	    const struct export_request *, const char *path,
	    struct export_stats *, char *err, size_t errlen);

#endif
