/*
 * Agent identity routes: the CA certificate for bootstrapping, enrollment
 * with a token, and certificate renewal over mutual TLS.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca.h"
#include "daemon-conf.h"
#include "http.h"
#include "jsonutil.h"
#include "keys.h"
#include "log.h"
#include "timefmt.h"
#include "token.h"
#include "xmalloc.h"

#define AGENT_ID_CHARS	26

void
http_ca(struct http_req *hr)
{
	struct json_object	*body = json_object_new_object();
	char			*pem, fp[CA_FINGERPRINT_LEN];

	pem = ca_cert_to_pem(hr->ca);
	jsonutil_set_string(body, "ca_certificate", pem);
	jsonutil_set_string(body, "fingerprint", ca_fingerprint(hr->ca, fp));
	free(pem);
	http_reply(hr, 200, body);
}

/* The client certificate and its expiry for key, as reply members. */
static void
http_issue(struct http_req *hr, EVP_PKEY *key, const char *agent_id,
    struct json_object *body, time_t *not_after)
{
	X509	*cert;
	char	*pem, when[TIMEFMT_RFC3339_LEN];

	*not_after = hr->now + (time_t)hr->conf->cert_lifetime;
	cert = ca_issue_client(hr->ca, hr->cakey, key, agent_id,
	    (long)hr->conf->cert_lifetime);
	pem = ca_cert_to_pem(cert);
	jsonutil_set_string(body, "certificate", pem);
	jsonutil_set_string(body, "not_after", timefmt_rfc3339(*not_after,
	    when, sizeof(when)));
	free(pem);
	X509_free(cert);
}

/* A string member of at most max bytes, or refuse. */
static const char *
http_member(struct http_req *hr, struct json_object *obj, const char *key,
    size_t max)
{
	const char	*s;

	if (jsonutil_get_string(obj, key, &s) == -1 || s[0] == '\0') {
		http_refuse(hr, 400, "bad_request", "\"%s\" must be a "
		    "non-empty string", key);
		return NULL;
	}
	if (strlen(s) > max) {
		http_refuse(hr, 400, "bad_request", "\"%s\" is longer than "
		    "%zu bytes", key, max);
		return NULL;
	}
	return s;
}

static const char *
http_token_problem(enum store_status rs)
{
	switch (rs) {
	case STORE_EXPIRED:
		return "the enrollment token has expired; create a new one "
		    "with exhibitctl token create --role enroll";
	case STORE_USED_UP:
		return "the enrollment token has been used as many times as "
		    "it allows (--uses)";
	case STORE_REVOKED:
		return "the enrollment token was revoked";
	case STORE_WRONG_ROLE:
		return "that token is not an enrollment token (--role enroll)";
	default:
		return "unknown enrollment token";
	}
}

void
http_enroll(struct http_req *hr)
{
	struct json_object	*req, *body = NULL;
	struct store_agent	 agent;
	struct store_token	 tok;
	const char		*token, *pubpem, *hostname, *machine_id;
	unsigned char		 hash[STORE_HASH_LEN];
	EVP_PKEY		*key = NULL;
	enum store_status	 rs;
	char			*pem = NULL, *capem, err[256];

	memset(&agent, 0, sizeof(agent));
	if ((req = http_json_body(hr)) == NULL)
		return;
	if ((token = http_member(hr, req, "token", 256)) == NULL ||
	    (pubpem = http_member(hr, req, "public_key", 4096)) == NULL ||
	    (hostname = http_member(hr, req, "hostname",
	    sizeof(agent.hostname) - 1)) == NULL ||
	    (machine_id = http_member(hr, req, "machine_id",
	    sizeof(agent.machine_id) - 1)) == NULL)
		goto out;
	if (token_hash(token, hash) == -1) {
		http_refuse(hr, 401, "bad_token", "that is not an Exhibit "
		    "token (they start with \"%s\")", TOKEN_PREFIX);
		goto out;
	}
	if ((key = keys_public_from_pem(pubpem, strlen(pubpem), err,
	    sizeof(err))) == NULL) {
		http_refuse(hr, 400, "bad_request", "public_key: %s", err);
		goto out;
	}
	token_random_id("ag_", AGENT_ID_CHARS, agent.id, sizeof(agent.id));
	keys_keyid(key, agent.keyid);
	pem = keys_public_to_pem(key);
	agent.pubkey_pem = pem;
	snprintf(agent.hostname, sizeof(agent.hostname), "%s", hostname);
	snprintf(agent.machine_id, sizeof(agent.machine_id), "%s",
	    machine_id);
	agent.enrolled_at = hr->now;
	agent.cert_not_after = hr->now + (time_t)hr->conf->cert_lifetime;

	if (http_batch(hr) == -1)
		goto out;
	switch ((rs = store_enroll(hr->store, hash, hr->now, &agent, &tok))) {
	case STORE_OK:
		break;
	case STORE_EXISTS:
		http_refuse(hr, 409, "key_enrolled", "this public key is "
		    "already enrolled; generate a new key to enroll again");
		goto out;
	case STORE_ERROR:
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		goto out;
	default:
		/* Saying which is safe: only the token's holder can ask. */
		http_refuse(hr, 401, "bad_token", "%s", http_token_problem(rs));
		goto out;
	}
	body = json_object_new_object();
	jsonutil_set_string(body, "agent_id", agent.id);
	http_issue(hr, key, agent.id, body, &agent.cert_not_after);
	capem = ca_cert_to_pem(hr->ca);
	jsonutil_set_string(body, "ca_certificate", capem);
	free(capem);
	log_info("%s enrolled agent %s (%s) with token %s", hr->peer,
	    agent.id, agent.hostname, tok.id);
	http_reply_durable(hr, 201, body);
out:
	json_object_put(req);
	EVP_PKEY_free(key);
	free(pem);
}

void
http_renew(struct http_req *hr)
{
	struct json_object	*body;
	EVP_PKEY		*key;
	time_t			 not_after;
	char			 err[256];

	if (http_agent_auth(hr) == -1)
		return;
	if ((key = keys_public_from_pem(hr->agent.pubkey_pem,
	    strlen(hr->agent.pubkey_pem), err, sizeof(err))) == NULL) {
		http_refuse(hr, 503, "busy", "the agent's stored key cannot "
		    "be loaded: %s", err);
		return;
	}
	if (http_batch(hr) == -1) {
		EVP_PKEY_free(key);
		return;
	}
	body = json_object_new_object();
	http_issue(hr, key, hr->agent.id, body, &not_after);
	EVP_PKEY_free(key);
	if (store_agent_set_cert(hr->store, hr->agent.id, not_after) !=
	    STORE_OK) {
		json_object_put(body);
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		return;
	}
	log_info("%s renewed the certificate of agent %s", hr->peer,
	    hr->agent.id);
	http_reply_durable(hr, 200, body);
}
