/*
 * The host's account and authentication databases: /etc/passwd,
 * /etc/shadow, /etc/group and the PAM stacks under /etc/pam.d.  Both the
 * password_policy and the accounts sections use them, so each is parsed
 * once per run (kept in the hostroot cache) and every section that asks
 * imports the files' provenance: their sources and the errors met.
 *
 * Nothing here keeps a password hash: a password field is reduced to its
 * state and, for a hash, the algorithm's name as soon as it is read.
 */
#ifndef EXHIBIT_AUTHDB_H
#define EXHIBIT_AUTHDB_H

#include <stddef.h>

struct section;

enum authdb_pwstate {
	AUTHDB_PW_EMPTY,	/* "": no password needed (nullok) */
	AUTHDB_PW_LOCKED,	/* "!..." or "*...": no password matches */
	AUTHDB_PW_HASHED,	/* a crypt(3) hash */
	AUTHDB_PW_SHADOWED,	/* passwd only: "x" (or "##name"), see shadow */
};

struct authdb_user {
	char			*name;
	long long		 uid;
	long long		 gid;
	char			*home;
	char			*shell;		/* as written; "" means /bin/sh */
	enum authdb_pwstate	 pw;
	const char		*algorithm;	/* for AUTHDB_PW_HASHED */
	size_t			 line;
};

struct authdb_passwd {
	int			 present;	/* the file was read */
	struct authdb_user	*users;		/* file order */
	size_t			 count;
};

/* A numeric shadow field that is empty or negative (which shadow-utils
 * reads as "not set") is AUTHDB_UNSET. */
#define AUTHDB_UNSET	(-1LL)

struct authdb_shadow_ent {
	char			*name;
	enum authdb_pwstate	 pw;
	const char		*algorithm;
	long long		 last_change;
	long long		 min;
	long long		 max;
	long long		 warn;
	long long		 inactive;
	long long		 expire;
	size_t			 line;
};

struct authdb_shadow {
	int			 present;
	struct authdb_shadow_ent *ents;		/* file order */
	size_t			 count;
};

struct authdb_group_ent {
	char			*name;
	long long		 gid;
	char			**members;	/* as listed */
	size_t			 nmembers;
	size_t			 line;
};

struct authdb_group {
	int			 present;
	struct authdb_group_ent	*groups;	/* file order */
	size_t			 count;
};

/*
 * One PAM rule after includes are followed, in the order libpam runs
 * them.  An "include" or "substack" rule is kept (so the structure shows)
 * and followed by the rules it brought in, one depth further; Debian's
 * "@include" is not a rule and only its rules appear.
 */
struct authdb_pam_rule {
	char			*type;		/* auth, account, password, session */
	int			 dash;		/* "-type": missing module ignored */
	char			*control;	/* "required", "[success=1 ...]" */
	char			*module;	/* as written, or the included file */
	char			**args;		/* brackets removed */
	size_t			 nargs;
	char			*file;
	size_t			 line;
	int			 depth;
};

struct authdb_pam_stack {
	char			*name;		/* the file in /etc/pam.d */
	char			*path;
	struct authdb_pam_rule	*rules;
	size_t			 count;
};

/* The parsed files; never NULL (present is 0 when the file was not
 * read).  The result belongs to the run's cache. */
const struct authdb_passwd	*authdb_passwd(struct section *);
const struct authdb_shadow	*authdb_shadow(struct section *);
const struct authdb_group	*authdb_group(struct section *);

/* A PAM stack by file name in /etc/pam.d ("common-password"); NULL when
 * the file does not exist or could not be read. */
const struct authdb_pam_stack	*authdb_pam(struct section *, const char *name);

/* Lookups by name: the first entry, as getpwnam(3) and friends do. */
const struct authdb_user	*authdb_user_find(const struct authdb_passwd *,
				    const char *name);
const struct authdb_shadow_ent	*authdb_shadow_find(const struct authdb_shadow *,
				    const char *name);

/* The crypt(3) algorithm of a hash, by its prefix: "yescrypt", "sha512",
 * ... "descrypt"; "unknown" for what no crypt(3) method produces. */
const char	*authdb_hash_algorithm(const char *hash);

/* "empty", "locked", "hashed", "shadowed". */
const char	*authdb_pwstate_name(enum authdb_pwstate);

#endif
