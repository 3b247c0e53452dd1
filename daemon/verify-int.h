/*
 * What verify.c, verify-judge.c (judging the evidence again) and
 * verify-listing.c (SHA256SUMS) share: the verifier's state.  Nothing
 * else includes this.
 */
#ifndef EXHIBIT_VERIFY_INT_H
#define EXHIBIT_VERIFY_INT_H

#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "bundle.h"
#include "checkpoint.h"
#include "digest.h"
#include "keys.h"
#include "store.h"
#include "strv.h"
#include "timefmt.h"
#include "verify.h"

struct json_object;
struct ruleset;

#define MAX_RULESETS	64

struct blob {
	char	*data;
	size_t	 len;
};

/* A judgement already made for this agent: the SHA-256 of (rule set,
 * content, time-dependent results) and the result set's digest. */
struct memo {
	unsigned char	 key[DIGEST_SHA256_LEN];
	char		 digest[STORE_DIGEST_LEN];
	int		 used;
};
#define MEMO_MAX	(1u << 16)	/* entries per agent, then start over */

struct vfy {
	const struct verify_opts *o;
	struct verify_stats	*st;
	EVP_MD_CTX		*listing;	/* what SHA256SUMS should hash to */

	EVP_PKEY		*trusted;	/* --ledger-key */
	EVP_PKEY		*lkey;		/* the key checkpoints answer to */
	struct checkpoint	 cp;
	int			 have_cp;
	struct checkpoint	 since;
	int			 have_since, consistency_ok;
	unsigned char		*claimed;	/* a bit per ledger entry */

	struct strv		 packs;		/* digests */
	struct blob		*pack_bodies;
	struct json_object	*rulesets;	/* rulesets.json */
	char			*set_digest[MAX_RULESETS];
	struct ruleset		*set[MAX_RULESETS];
	size_t			*timed[MAX_RULESETS];	/* rule indices */
	size_t			 ntimed[MAX_RULESETS];
	size_t			 nsets;

	/* The agent being read. */
	char			 agent[40];
	EVP_PKEY		*akey;
	char			 akeyid[KEYS_KEYID_HEXLEN];
	struct strv		 secs;
	struct blob		*sec_bodies;
	struct json_object	**sec_parsed;	/* parsed once, when needed */
	struct strv		 need_results, have_results;
	struct memo		*memo;
	size_t			 memo_cap, memo_n;
	int64_t			 last_seq;
	char			 last_when[TIMEFMT_RFC3339_LEN];
	char			*env;		/* envelope awaiting its meta */
	size_t			 env_len;
	unsigned char		 env_digest[DIGEST_SHA256_LEN];
	int64_t			 env_seq;

	int			 phase;
	unsigned char		 sums[DIGEST_SHA256_LEN];
	int			 have_sums;
	FILE			*sums_copy;	/* for the second pass */
	char			*manifest;
	size_t			 manifest_len;
	int			 manifest_ok;
};

enum { PH_LEDGER, PH_RULES, PH_AGENTS, PH_RECORDS, PH_LISTING, PH_MANIFEST,
    PH_SIGNED };

/* A problem that fails the bundle: "FAIL MEMBER: ...". */
void	verify_problem(struct vfy *, const char *member, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The member as JSON, or NULL after a problem. */
struct json_object *verify_parse(struct vfy *, const char *member,
	    const char *data, size_t len);
/* Whether d is the SHA-256 whose hex starts hex. */
int	verify_digest_is(const unsigned char d[DIGEST_SHA256_LEN],
	    const char *hex);

/* verify-judge.c: judge the envelope awaiting its metadata again under
 * every rule set meta names and compare with the stored results; parsed
 * is the signed payload, parsed (consumed), or NULL. */
void	verify_reevaluate(struct vfy *, const char *member,
	    struct json_object *meta, const unsigned char *payload,
	    size_t plen, struct json_object *parsed);

/* verify-listing.c: read SHA256SUMS, hashing it and keeping a copy: 0
 * when it lists the members read so far, 1 when not, -1 on a read error.
 * The second pass names the member out of step. */
int	verify_listing(struct vfy *, struct bundle_reader *, const char *m);
void	verify_second_pass(struct vfy *, const char *path);

#endif
