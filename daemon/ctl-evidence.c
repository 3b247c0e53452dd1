/*
 * exhibitctl evidence list|show: what the daemon stored, read straight
 * from the store, with each envelope's signature checked again on show.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "envelope.h"
#include "jsonutil.h"
#include "keys.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"

const char ctl_evidence_usage[] =
"usage: exhibitctl evidence list [--agent ID] [--limit N]\n"
"       exhibitctl evidence show [--envelope] EVIDENCE-ID\n"
"\n"
"list: the newest stored envelopes (default 20), of one agent or all.\n"
"show: check the envelope's signature against the agent's key and print\n"
"its evidence document (--envelope: print the envelope as received,\n"
"unchecked).\n";

static int
evidence_list(struct store *st, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "agent",	required_argument,	NULL, 'a' },
		{ "limit",	required_argument,	NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_evidence_row	*v;
	const char			*agent = NULL;
	char				 recv[TIMEFMT_RFC3339_LEN], *end;
	size_t				 n, i, limit = 20;
	int				 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			agent = optarg;
			break;
		case 'l':
			limit = strtoul(optarg, &end, 10);
			if (*end != '\0' || optarg[0] == '-') {
				fprintf(stderr, "exhibitctl: evidence list: "
				    "--limit takes a number (0: all)\n");
				return 2;
			}
			break;
		default:
			fputs(ctl_evidence_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(ctl_evidence_usage, stderr);
		return 2;
	}
	if (store_evidence_list(st, agent, limit, &v, &n) != STORE_OK)
		return 1;
	printf("%-8s %-30s %-20s %6s %-20s %8s %s\n", "ID", "AGENT",
	    "HOSTNAME", "SEQ", "RECEIVED", "BYTES", "SECTIONS (FULL+REF)");
	for (i = 0; i < n; i++)
		printf("%-8" PRId64 " %-30s %-20.20s %6" PRId64 " %-20s %8zu "
		    "%d+%d\n", v[i].id, v[i].agent_id, v[i].hostname, v[i].seq,
		    timefmt_rfc3339(v[i].received_at, recv, sizeof(recv)),
		    v[i].envelope_len, v[i].nsections, v[i].nreferences);
	if (n == 0)
		printf("(no evidence stored%s%s)\n", agent ? " for " : "",
		    agent ? agent : "");
	free(v);
	return 0;
}

static int
evidence_show(struct store *st, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "envelope",	no_argument,	NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_evidence_row	 row;
	struct store_agent		 agent;
	struct json_object		*doc;
	EVP_PKEY			*key;
	unsigned char			*payload = NULL;
	char				*env, *end, err[256];
	char				 recv[TIMEFMT_RFC3339_LEN];
	size_t				 len, plen;
	int64_t				 id;
	int				 raw = 0, rc = 1, ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'e') {
			fputs(ctl_evidence_usage, stderr);
			return 2;
		}
		raw = 1;
	}
	if (optind != argc - 1 ||
	    (id = strtoll(argv[optind], &end, 10)) <= 0 || *end != '\0') {
		fputs(ctl_evidence_usage, stderr);
		return 2;
	}
	switch (store_evidence_get(st, id, &row, &env, &len)) {
	case STORE_OK:
		break;
	case STORE_NOT_FOUND:
		log_warnx("evidence %" PRId64 ": no such evidence", id);
		return 1;
	default:
		return 1;
	}
	if (raw) {
		fwrite(env, 1, len, stdout);
		putchar('\n');
		free(env);
		return 0;
	}
	printf("evidence %" PRId64 ": agent %s (%s), seq %" PRId64
	    ", received %s\nenvelope %s, %zu bytes\n", row.id, row.agent_id,
	    row.hostname, row.seq, timefmt_rfc3339(row.received_at, recv,
	    sizeof(recv)), row.digest, len);
	if (store_agent_get(st, row.agent_id, &agent) != STORE_OK) {
		log_warnx("agent %s: not found; cannot check the signature",
		    row.agent_id);
		free(env);
		return 1;
	}
	if ((key = keys_public_from_pem(agent.pubkey_pem,
	    strlen(agent.pubkey_pem), err, sizeof(err))) == NULL)
		log_warnx("agent %s: %s", agent.id, err);
	else if (envelope_verify(env, len, key, ENVELOPE_EVIDENCE_TYPE,
	    &payload, &plen, err, sizeof(err)) != ENVELOPE_OK)
		log_warnx("evidence %" PRId64 ": the signature does not "
		    "verify: %s", id, err);
	else if ((doc = jsonutil_parse((const char *)payload, plen, err,
	    sizeof(err))) == NULL)
		log_warnx("evidence %" PRId64 ": %s", id, err);
	else {
		printf("signature: valid, by the key enrolled for %s "
		    "(keyid %s)\n%s\n", agent.id, agent.keyid,
		    jsonutil_to_string(doc, 1));
		json_object_put(doc);
		rc = 0;
	}
	free(payload);
	EVP_PKEY_free(key);
	store_agent_clear(&agent);
	free(env);
	return rc;
}

int
ctl_evidence(struct ctl *ctl, int argc, char **argv)
{
	struct store	*st;
	int		 rc;

	if (argc < 2 || (strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "show") != 0)) {
		fputs(ctl_evidence_usage, stderr);
		return 2;
	}
	if ((st = ctl_open_store(ctl)) == NULL)
		return 1;
	if (strcmp(argv[1], "list") == 0)
		rc = evidence_list(st, argc - 1, argv + 1);
	else
		rc = evidence_show(st, argc - 1, argv + 1);
	store_close(st);
	return rc;
}
