/*
 * exhibitctl token create|list|revoke.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"
#include "token.h"
#include "xmalloc.h"

const char ctl_token_usage[] =
"usage: exhibitctl token create --role enroll|admin|security|auditor\n"
"                               [--uses N] [--expires DURATION]\n"
"                               [--comment TEXT]\n"
"       exhibitctl token list\n"
"       exhibitctl token revoke ID\n"
"\n"
"Tokens are shown once, when created, and stored only as SHA-256.\n"
"  --role ROLE        enroll (agents), admin, security or auditor\n"
"  --uses N           how many times it may be used (enroll: 1; others:\n"
"                     unlimited)\n"
"  --expires DURATION lifetime, such as 1h, 7d, 90d (default: none)\n"
"  --comment TEXT     a note shown by token list\n";

static int
token_create(struct store *st, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "role",	required_argument,	NULL, 'r' },
		{ "uses",	required_argument,	NULL, 'u' },
		{ "expires",	required_argument,	NULL, 'e' },
		{ "comment",	required_argument,	NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_token	 tok;
	enum store_status	 rs;
	unsigned char		 hash[STORE_HASH_LEN];
	long long		 secs = 0, uses = 0;
	char			*secret, *end, when[TIMEFMT_RFC3339_LEN];
	char			 usestr[32];
	int			 ch, have_role = 0, have_uses = 0;

	memset(&tok, 0, sizeof(tok));
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (store_role_parse(optarg, &tok.role) == -1) {
				fprintf(stderr, "exhibitctl: unknown role "
				    "\"%s\"\n%s", optarg, ctl_token_usage);
				return 2;
			}
			have_role = 1;
			break;
		case 'u':
			uses = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || uses < 1) {
				fprintf(stderr, "exhibitctl: --uses takes a "
				    "positive number\n");
				return 2;
			}
			have_uses = 1;
			break;
		case 'e':
			if (timefmt_parse_duration(optarg, &secs) == -1 ||
			    secs <= 0) {
				fprintf(stderr, "exhibitctl: --expires takes "
				    "a duration such as 1h, 7d, 90d\n");
				return 2;
			}
			break;
		case 'c':
			snprintf(tok.comment, sizeof(tok.comment), "%s",
			    optarg);
			break;
		default:
			fputs(ctl_token_usage, stderr);
			return 2;
		}
	}
	if (!have_role || optind != argc) {
		fputs(ctl_token_usage, stderr);
		return 2;
	}
	/* Enrollment tokens are single-use unless told otherwise; people's
	 * tokens are not counted. */
	tok.uses_left = have_uses ? uses : tok.role == ROLE_ENROLL ? 1 : -1;
	tok.created_at = timefmt_now();
	tok.expires_at = secs > 0 ? tok.created_at + (time_t)secs : 0;
	token_random_id("tk_", 16, tok.id, sizeof(tok.id));
	secret = token_generate(hash);
	if ((rs = store_token_add(st, &tok, hash)) != STORE_OK) {
		log_warnx("token create: %s", store_status_str(rs));
		freezero(secret, strlen(secret));
		return 1;
	}
	if (tok.uses_left < 0)
		snprintf(usestr, sizeof(usestr), "unlimited uses");
	else
		snprintf(usestr, sizeof(usestr), "%lld use%s",
		    (long long)tok.uses_left, tok.uses_left == 1 ? "" : "s");
	printf("token %s (role %s, %s, %s%s), shown only this once:\n%s\n",
	    tok.id, store_role_str(tok.role), usestr,
	    tok.expires_at ? "expires " : "never expires",
	    tok.expires_at ? timefmt_rfc3339(tok.expires_at, when,
	    sizeof(when)) : "", secret);
	freezero(secret, strlen(secret));
	return 0;
}

static int
token_list(struct store *st)
{
	struct store_token	*v;
	size_t			 n, i;
	char			 created[TIMEFMT_RFC3339_LEN];
	char			 expires[TIMEFMT_RFC3339_LEN], uses[24];
	const char		*state;
	time_t			 now = timefmt_now();

	if (store_token_list(st, &v, &n) != STORE_OK)
		return 1;
	printf("%-20s %-8s %-9s %-20s %-20s %-8s %s\n", "ID", "ROLE",
	    "USES LEFT", "CREATED", "EXPIRES", "STATE", "COMMENT");
	for (i = 0; i < n; i++) {
		if (v[i].uses_left < 0)
			snprintf(uses, sizeof(uses), "unlimited");
		else
			snprintf(uses, sizeof(uses), "%lld",
			    (long long)v[i].uses_left);
		if (v[i].revoked_at)
			state = "revoked";
		else if (v[i].expires_at && now >= v[i].expires_at)
			state = "expired";
		else if (v[i].uses_left == 0)
			state = "used";
		else
			state = "active";
		printf("%-20s %-8s %-9s %-20s %-20s %-8s %s\n", v[i].id,
		    store_role_str(v[i].role), uses,
		    timefmt_rfc3339(v[i].created_at, created, sizeof(created)),
		    v[i].expires_at ? timefmt_rfc3339(v[i].expires_at, expires,
		    sizeof(expires)) : "never", state, v[i].comment);
	}
	free(v);
	return 0;
}

int
ctl_token(struct ctl *ctl, int argc, char **argv)
{
	struct store		*st;
	enum store_status	 rs;
	int			 rc;

	if (argc < 2) {
		fputs(ctl_token_usage, stderr);
		return 2;
	}
	if (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "revoke") != 0) {
		fprintf(stderr, "exhibitctl: unknown token command \"%s\"\n%s",
		    argv[1], ctl_token_usage);
		return 2;
	}
	if ((strcmp(argv[1], "list") == 0 && argc != 2) ||
	    (strcmp(argv[1], "revoke") == 0 && argc != 3)) {
		fputs(ctl_token_usage, stderr);
		return 2;
	}
	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	if (strcmp(argv[1], "create") == 0) {
		optind = 0;
		rc = token_create(st, argc - 1, argv + 1);
	} else if (strcmp(argv[1], "list") == 0)
		rc = token_list(st);
	else {
		rs = store_token_revoke(st, argv[2], timefmt_now());
		if (rs == STORE_OK) {
			printf("token %s revoked\n", argv[2]);
			rc = 0;
		} else {
			log_warnx("token revoke %s: %s", argv[2],
			    rs == STORE_NOT_FOUND ? "no such active token" :
			    store_status_str(rs));
			rc = 1;
		}
	}
	store_close(st);
	return rc;
}
