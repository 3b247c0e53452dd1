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

struct judgement {
	struct json_object	*results;	/* the array */
	char			*text;		/* its JSON text, as stored */
	size_t			 len;
	char			 digest[STORE_DIGEST_LEN];
	int			 counts[STORE_NCOUNTS];
};

/* A document that cannot be rebuilt is judged an error by every rule,
 * with the reason, so the failure shows where people look. */
void	judge(const struct ruleset *, const struct store_doc *,
	    struct judgement *);
/* The same for a document already rebuilt (evidence_doc()). */
void	judge_doc(const struct ruleset *, struct json_object *doc,
	    struct judgement *);
void	judgement_clear(struct judgement *);

/* Record the rule set and its packs in the store (once per digest), so
 * that every result can be traced to the rules behind it. */
enum store_status ruleset_record(struct store *, const struct ruleset *,
	    time_t now);

#endif
