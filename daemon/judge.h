/*
 * One stored document judged under one rule set, exactly as the store
 * keeps it: the daemon's evaluator writes what this returns, and
 * exhibitctl verify recomputes it from a bundle and compares digests,
 * so both must come from this one function.
 */
#ifndef EXHIBIT_JUDGE_H
#define EXHIBIT_JUDGE_H

#include <stddef.h>

#include "store.h"

struct json_object;
struct ruleset;

/* Each rule's status in a result set, in its order: what drift compares
 * without holding or parsing the whole set. */
struct rule_statuses {
	size_t			 n;
	const char		**rule;		/* into ids */
	int			*status;	/* enum rule_status; -1 unknown */
	char			*ids;
};

struct judgement {
	struct json_object	*results;	/* the array; NULL once compact */
	char			*text;		/* its JSON text, as stored */
	size_t			 len;
	char			 digest[STORE_DIGEST_LEN];
	int			 counts[STORE_NCOUNTS];
	struct rule_statuses	 statuses;
};

/* A document that cannot be rebuilt is judged an error by every rule,
 * with the reason, so the failure shows where people look. */
void	judge(const struct ruleset *, const struct store_doc *,
	    struct judgement *);
/* The same for a document already rebuilt (evidence_doc()). */
void	judge_doc(const struct ruleset *, struct json_object *doc,
	    struct judgement *);
/* Free the parsed results, the bulk of a judgement, keeping the rest:
 * done on the worker that judged, not on the event loop. */
void	judgement_compact(struct judgement *);
void	judgement_clear(struct judgement *);

void	rule_statuses_of(struct json_object *results, struct rule_statuses *);
/* The index of rule, looked for at hint first (result sets of one rule
 * set share their order); -1 when absent. */
long	rule_statuses_find(const struct rule_statuses *, const char *rule,
	    size_t hint);
void	rule_statuses_clear(struct rule_statuses *);

/* Record the rule set and its packs in the store (once per digest), so
 * that every result can be traced to the rules behind it. */
enum store_status ruleset_record(struct store *, const struct ruleset *,
	    time_t now);

#endif
