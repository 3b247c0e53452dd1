/*
 * The rule engine: rule packs loaded from JSON files and evaluated against
 * evidence documents.  doc/rules.md is the format; this is its only
 * implementation, shared by exhibitd (every stored document),
 * exhibitctl evaluate (offline) and the rule-pack tests.
 */
#ifndef EXHIBIT_RULES_H
#define EXHIBIT_RULES_H

#include <stddef.h>

struct json_object;
struct ruleset;

/*
 * Load every "*.json" file in dir, in name order, or the named files, or
 * one pack held in memory (name stands for its file in messages).  Every
 * problem is logged as "FILE: RULE-ID: MESSAGE"; any problem means NULL,
 * so a half-loaded rule set never evaluates anything.
 */
struct ruleset	*ruleset_load_dir(const char *dir);
struct ruleset	*ruleset_load_files(char *const *paths, size_t n);
struct ruleset	*ruleset_load_buffer(const char *name, const char *buf,
		    size_t len);
struct ruleset	*ruleset_load_packs(const char *const *names,
		    const char *const *bufs, const size_t *lens, size_t n);
void		 ruleset_free(struct ruleset *);

struct rule_pack_info {
	const char	*name;		/* "pack" */
	const char	*version;
	const char	*digest;	/* "sha256:<hex>" of the file's bytes */
	const char	*path;		/* as loaded */
	const char	*body;		/* the file's bytes, for storing */
	size_t		 body_len;
};

struct rule_info {
	const char		*id;
	const char		*title;
	const char		*description;
	const char		*rationale;
	const char		*remediation;
	const char		*severity;	/* low, medium, high, critical */
	size_t			 pack;		/* index for ruleset_pack() */
	struct json_object	*controls;	/* framework -> [ids] */
};

/* The rule set's identity: "sha256:<hex>" over its packs' digests in
 * load order, recorded with every result. */
const char *ruleset_digest(const struct ruleset *);

size_t	 ruleset_pack_count(const struct ruleset *);
void	 ruleset_pack(const struct ruleset *, size_t, struct rule_pack_info *);
size_t	 ruleset_rule_count(const struct ruleset *);
const struct rule_info *ruleset_rule(const struct ruleset *, size_t);
const struct rule_info *ruleset_find(const struct ruleset *, const char *id);

/* Whether the rule lists this control for the framework. */
int	 rule_has_control(const struct rule_info *, const char *framework,
	    const char *control);

/*
 * Evaluate a document (an evidence payload with every reference already
 * expanded) against every rule.  Returns a new array, one result per rule
 * in load order:
 *   {"rule", "status": "pass"|"fail"|"not_applicable"|"error",
 *    "expected", "observed": [{"path", "value"}], "observed_truncated"?,
 *    "sources": [{"path", "sha256"?, "line"?}], "message"?}
 * Pack names, versions and digests are not repeated in each result: the
 * caller records ruleset_pack() beside the array.
 */
struct json_object *ruleset_evaluate(const struct ruleset *,
		    struct json_object *doc);

/*
 * Whether rule i's result can change with nothing but the time the
 * document was collected: age operators, or a path into the document's
 * collected_at or seq.  Every other rule judges a document's content
 * alone, which lets a verifier judging thousands of unchanged documents
 * judge their content once.
 */
int	 ruleset_rule_timed(const struct ruleset *, size_t i);

/* Evaluate only rules idx[0..n) (indices in load order): their results,
 * in that order, exactly as ruleset_evaluate() would give them. */
struct json_object *ruleset_evaluate_some(const struct ruleset *,
		    struct json_object *doc, const size_t *idx, size_t n);

/* Statuses in order of concern, for summaries and sorting. */
enum rule_status {
	RULE_PASS,
	RULE_NOT_APPLICABLE,
	RULE_ERROR,
	RULE_FAIL,
	RULE_WAIVED,	/* a fail an active waiver covers; never stored */
	RULE_NSTATUS
};
const char	*rule_status_str(enum rule_status);
int		 rule_status_parse(const char *, enum rule_status *);

#endif
