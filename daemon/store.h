/*
 * The one interface to storage.  SQLite (store-sqlite.c) is the embedded
 * default; PostgreSQL joins later behind the same functions.  Every
 * function returns STORE_OK or a status; a status other than STORE_OK
 * leaves stored state unchanged.
 */
#ifndef EXHIBIT_STORE_H
#define EXHIBIT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define STORE_SCHEMA_VERSION	1
#define STORE_HASH_LEN		32	/* SHA-256 of a token secret */

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_EXISTS,		/* a unique key already taken */
	STORE_EXPIRED,
	STORE_USED_UP,
	STORE_REVOKED,
	STORE_WRONG_ROLE,
	STORE_ERROR,		/* the database failed: logged */
};

const char	*store_status_str(enum store_status);

struct store;

/* Open (creating and migrating as needed) the store in state_dir. */
struct store	*store_open(const char *state_dir, char *err, size_t errlen);
void		 store_close(struct store *);

/* Tokens: people's bearer tokens and agents' enrollment tokens. */
enum store_role {
	ROLE_ENROLL, ROLE_ADMIN, ROLE_SECURITY, ROLE_AUDITOR,
};
const char	*store_role_str(enum store_role);
int		 store_role_parse(const char *, enum store_role *);

struct store_token {
	char		 id[24];	/* "tk_" + 16 hex: public, listable */
	enum store_role	 role;
	int64_t		 uses_left;	/* -1: unlimited */
	time_t		 expires_at;	/* 0: never */
	time_t		 created_at;
	time_t		 revoked_at;	/* 0: not revoked */
	char		 comment[128];
};

enum store_status store_token_add(struct store *, const struct store_token *,
		    const unsigned char hash[STORE_HASH_LEN]);

/*
 * Find the token with this hash and, when it may be used for role at now,
 * count one use (atomically).  The role check is exact: an admin token
 * does not enroll agents.
 */
enum store_status store_token_use(struct store *,
		    const unsigned char hash[STORE_HASH_LEN],
		    enum store_role role, time_t now, struct store_token *out);

enum store_status store_token_revoke(struct store *, const char *id,
		    time_t now);

/* All tokens, newest first; *out is allocated. */
enum store_status store_token_list(struct store *, struct store_token **out,
		    size_t *count);

/* Agents. */
struct store_agent {
	char	 id[40];		/* "ag_" + 26 base32 characters */
	char	 keyid[65];		/* hex SHA-256 of the public key */
	char	*pubkey_pem;
	char	 hostname[256];
	char	 machine_id[64];
	time_t	 enrolled_at;
	time_t	 revoked_at;		/* 0: not revoked */
	time_t	 cert_not_after;
	char	 token_id[24];		/* the enrollment token used */
};

enum store_status store_agent_add(struct store *, const struct store_agent *);
enum store_status store_agent_get(struct store *, const char *id,
		    struct store_agent *out);
enum store_status store_agent_set_cert(struct store *, const char *id,
		    time_t not_after);
enum store_status store_agent_revoke(struct store *, const char *id,
		    time_t now);
enum store_status store_agent_list(struct store *, struct store_agent **out,
		    size_t *count);
void		  store_agent_clear(struct store_agent *);
void		  store_agent_list_free(struct store_agent *, size_t count);

#endif
