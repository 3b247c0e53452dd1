/*
 * exhibitctl evaluate: the daemon's rule engine on one document, offline.
 * For trying rule packs, for CI pipelines, and for
 * "exhibit-agent collect | exhibitctl evaluate -" on a single host.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "ctl.h"
#include "envelope.h"
#include "fileio.h"
#include "jsonutil.h"
#include "keys.h"
#include "log.h"
#include "rules.h"
#include "strv.h"
#include "xmalloc.h"

#define EVALUATE_MAX_INPUT	(64 * 1024 * 1024)

const char ctl_evaluate_usage[] =
"usage: exhibitctl evaluate [--rules DIR | --pack FILE]... [--key PEM]\n"
"                           [--json] [--all] FILE|-\n"
"\n"
"Evaluate an evidence document, or a signed envelope holding one, against\n"
"the rule packs, without a daemon.  FILE \"-\" reads standard input.\n"
"\n"
"  --rules DIR   rule packs: every *.json in DIR (default: the config's\n"
"                [rules] directory)\n"
"  --pack FILE   one rule pack file; repeat for several (instead of DIR)\n"
"  --key PEM     the agent's public key: check the envelope's signature\n"
"                (without it an envelope's payload is read unchecked)\n"
"  --json        results as JSON\n"
"  --all         show every result's detail, not only failures and errors\n"
"\n"
"Exit status: 0 when nothing fails and nothing is an error, 1 when a rule\n"
"fails or cannot be judged, 2 when the input or the rules are unusable.\n";

/* The document inside an envelope, checked against key when there is
 * one.  NULL after saying why. */
static struct json_object *
evaluate_unwrap(const char *name, const char *text, size_t len,
    const char *keyfile)
{
	struct json_object	*doc;
	EVP_PKEY		*key;
	unsigned char		*payload = NULL;
	size_t			 plen;
	char			 err[256];

	if (keyfile != NULL) {
		if ((key = keys_load_public(keyfile, err, sizeof(err))) ==
		    NULL) {
			log_warnx("%s: %s", keyfile, err);
			return NULL;
		}
		if (envelope_verify(text, len, key, ENVELOPE_EVIDENCE_TYPE,
		    &payload, &plen, err, sizeof(err)) != ENVELOPE_OK) {
			log_warnx("%s: %s", name, err);
			EVP_PKEY_free(key);
			return NULL;
		}
		EVP_PKEY_free(key);
	} else {
		if (envelope_payload_unverified(text, len, &payload, &plen, err,
		    sizeof(err)) == -1) {
			log_warnx("%s: %s", name, err);
			return NULL;
		}
		log_warnx("%s: signature not checked (no --key): judging the "
		    "payload as it is", name);
	}
	if ((doc = jsonutil_parse((char *)payload, plen, err, sizeof(err))) ==
	    NULL)
		log_warnx("%s: the envelope's payload is not JSON: %s", name,
		    err);
	free(payload);
	return doc;
}

static struct json_object *
evaluate_read(const char *name, const char *keyfile)
{
	struct json_object	*doc, *sections;
	char			*buf, err[256];
	size_t			 len, line;
	int			 rc;

	if (strcmp(name, "-") == 0)
		rc = fileio_read_fd(STDIN_FILENO, EVALUATE_MAX_INPUT, &buf,
		    &len);
	else
		rc = fileio_read_path(name, EVALUATE_MAX_INPUT, &buf, &len);
	if (rc == -1) {
		log_warn("%s", name);
		return NULL;
	}
	if ((doc = jsonutil_parse(buf, len, err, sizeof(err))) == NULL) {
		if ((line = jsonutil_error_line(buf, len, err)) > 0)
			log_warnx("%s:%zu: %s", name, line, err);
		else
			log_warnx("%s: %s", name, err);
		free(buf);
		return NULL;
	}
	if (json_object_object_get_ex(doc, "payloadType", NULL)) {
		struct json_object *inner;

		inner = evaluate_unwrap(name, buf, len, keyfile);
		json_object_put(doc);
		doc = inner;
	} else if (keyfile != NULL)
		log_warnx("%s: not an envelope: --key ignored", name);
	free(buf);
	if (doc == NULL)
		return NULL;
	if (!json_object_is_type(doc, json_type_object) ||
	    jsonutil_get_object(doc, "sections", &sections) == -1) {
		log_warnx("%s: not an evidence document (no \"sections\")",
		    name);
		json_object_put(doc);
		return NULL;
	}
	/* References point at sections only the daemon holds. */
	json_object_object_foreach(sections, sname, sec) {
		if (json_object_object_get_ex(sec, "unchanged_since", NULL)) {
			log_warnx("%s: section %s is a reference to an earlier "
			    "document; evaluate a full document (exhibit-agent "
			    "collect)", name, sname);
			json_object_put(doc);
			return NULL;
		}
	}
	return doc;
}

int
ctl_evaluate(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules",	required_argument,	NULL, 'r' },
		{ "pack",	required_argument,	NULL, 'p' },
		{ "key",	required_argument,	NULL, 'k' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "all",	no_argument,		NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct ruleset		*rules;
	struct json_object	*doc, *results;
	struct strv		 packs = { NULL, 0 };
	const char		*dir = NULL, *keyfile = NULL;
	int			 ch, json = 0, all = 0, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			dir = optarg;
			break;
		case 'p':
			strv_add(&packs, optarg);
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'a':
			all = 1;
			break;
		default:
			fputs(ctl_evaluate_usage, stderr);
			strv_free(&packs);
			return 2;
		}
	}
	if (optind != argc - 1 || (dir != NULL && packs.n > 0)) {
		fputs(ctl_evaluate_usage, stderr);
		strv_free(&packs);
		return 2;
	}
	if (packs.n > 0)
		rules = ruleset_load_files(packs.v, packs.n);
	else {
		if (dir == NULL) {
			if (ctl_load_conf(ctl) == -1) {
				strv_free(&packs);
				return 2;
			}
			dir = ctl->conf.rules_dir;
		}
		rules = ruleset_load_dir(dir);
	}
	strv_free(&packs);
	if (rules == NULL) {
		log_warnx("rule packs not loaded: nothing evaluated");
		return 2;
	}
	if ((doc = evaluate_read(argv[optind], keyfile)) == NULL) {
		ruleset_free(rules);
		return 2;
	}
	results = ruleset_evaluate(rules, doc);
	if (json)
		rc = ctl_results_json(stdout, rules, doc, results);
	else
		rc = ctl_results_table(stdout, rules, results, all);
	json_object_put(results);
	json_object_put(doc);
	ruleset_free(rules);
	return rc;
}
