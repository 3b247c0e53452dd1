/*
 * The rule engine's insides, shared by its three files: rule-path.c
 * (paths into a document), rule-load.c (packs and their validation) and
 * rule-eval.c (evaluation).  Nothing outside them includes this.
 */
#ifndef EXHIBIT_RULE_INT_H
#define EXHIBIT_RULE_INT_H

#include <regex.h>
#include <stddef.h>

#include "rules.h"
#include "strv.h"

struct json_object;

/* --- paths ---------------------------------------------------------------- */

enum rpath_step_kind {
	STEP_KEY,	/* .name or ["name"] */
	STEP_INDEX,	/* [3], [-1] */
	STEP_ALL,	/* [*] */
	STEP_SELF,	/* @: the element counted */
	STEP_KEYNAME	/* @key: its member name */
};

struct rpath_step {
	enum rpath_step_kind	 kind;
	char			*key;
	long			 index;
};

struct rpath {
	char			*text;
	struct rpath_step	*steps;
	size_t			 nsteps;
	int			 multi;		/* has a [*] */
};

/* Parse text; relative allows @ and @key (inside count's where).  On error
 * returns -1 with a sentence in err. */
int	rpath_parse(const char *text, int relative, struct rpath *,
	    char *err, size_t errlen);
void	rpath_free(struct rpath *);

/* One value a path selected, with where it was and what it came from.
 * A member or element that is not there is a match too, marked missing:
 * exists and absent judge it, every other operator calls it an error. */
struct rpath_match {
	struct json_object	*value;		/* borrowed; NULL is JSON null */
	int			 missing;
	char			*path;		/* concrete: [*] expanded;
						   NULL if not asked for */
	struct json_object	*source;	/* nearest "source"/"file" */
	struct json_object	*line;		/* "line" beside a "file" */
};

struct rpath_result {
	struct rpath_match	*m;		/* none for an empty [*] */
	size_t			 n;
	char			*type_error;	/* the document has another
						   shape here: a sentence */
	struct json_object	*keyname;	/* @key's value, owned */
};

/* Select from root; prefix is the concrete path of root ("" for the
 * document; NULL when no match needs a path) and key its member name
 * when counting an object's members. */
void	rpath_select(const struct rpath *, struct json_object *root,
	    const char *prefix, const char *key, struct rpath_result *);
void	rpath_result_free(struct rpath_result *);

/* The section a document path starts in ("sections.<name>..."), or NULL. */
const char *rpath_section(const struct rpath *);

/* --- conditions ------------------------------------------------------------- */

enum cond_kind {
	COND_LEAF,
	COND_COUNT,
	COND_ALL,
	COND_ANY,
	COND_NOT
};

enum cond_op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_IN, OP_NOT_IN, OP_MATCHES, OP_EXISTS, OP_ABSENT,
	OP_VERSION_LT, OP_VERSION_LE, OP_VERSION_GT, OP_VERSION_GE,
	OP_VERSION_EQ,
	OP_AGE_LT, OP_AGE_LE, OP_AGE_GT, OP_AGE_GE,
	OP_COUNT
};

enum version_scheme {
	SCHEME_AUTO,
	SCHEME_DPKG,
	SCHEME_RPM,
	SCHEME_APK
};

struct cond {
	enum cond_kind		 kind;
	enum cond_op		 op;	/* leaf: the test; count: cmp */
	struct rpath		 path;
	struct json_object	*value;	/* owned reference */
	regex_t			 re;
	int			 has_re;
	int			 match_any;
	enum version_scheme	 scheme;
	long long		 age;	/* age_*: seconds */
	struct cond		*where;	/* count; may be NULL */
	struct cond		**kids;	/* all, any, not */
	size_t			 nkids;
	char			*text;	/* readable form */
};

void	cond_free(struct cond *);
const char *cond_op_symbol(enum cond_op);

/* --- rules and sets -------------------------------------------------------- */

struct rule {
	struct rule_info	 info;
	struct json_object	*json;		/* the rule as written; owns strings */
	struct cond		*applies_when;
	struct cond		*check;
	struct strv		 sources;	/* fnmatch patterns */
};

struct pack {
	struct rule_pack_info	 info;
	char			*name, *version, *path, *body;
	char			 digest[7 + 65];
};

struct ruleset {
	char			 digest[7 + 65];
	struct pack		*packs;
	size_t			 npacks;
	struct rule		*rules;
	size_t			 nrules;
};


#endif
