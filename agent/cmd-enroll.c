/*
 * exhibit-agent enroll: trade an enrollment token for an identity, and
 * the renewal of its certificate.  The key pair is made here and the
 * private key never leaves the state directory; the token is read from
 * a file, never the command line (ps and shell history show arguments).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include "agent-state.h"
#include "ca.h"
#include "client.h"
#include "cmd.h"
#include "evidence.h"
#include "fileio.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "keys.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

#define TOKEN_MAX	4096

/* Host name and machine id as the host section reports them. */
static int
enroll_host(const char *rootpath, size_t max, char **hostname,
    char **machine_id)
{
	static const char *const only[] = { "host" };
	struct hostroot		*root;
	struct json_object	*doc, *host;
	const char		*h, *m;
	char			*text, err[128];

	if ((root = hostroot_open(rootpath, max)) == NULL) {
		log_warn("enroll: root %s", rootpath);
		return -1;
	}
	text = evidence_collect(root, only, 1);
	hostroot_free(root);
	doc = jsonutil_parse(text, strlen(text), err, sizeof(err));
	free(text);
	if (doc == NULL || jsonutil_get_object(doc, "host", &host) == -1 ||
	    jsonutil_get_string(host, "hostname", &h) == -1 ||
	    jsonutil_get_string(host, "machine_id", &m) == -1) {
		log_warnx("enroll: this host has no host name or machine id "
		    "(/etc/hostname, /etc/machine-id under %s)", rootpath);
		json_object_put(doc);
		return -1;
	}
	*hostname = xstrdup(h);
	*machine_id = xstrdup(m);
	json_object_put(doc);
	return 0;
}

static char *
enroll_read_token(const char *path)
{
	char	*buf;
	size_t	 len;

	if (fileio_read_path(path, TOKEN_MAX, &buf, &len) == -1) {
		log_warn("enroll: token file %s", path);
		return NULL;
	}
	while (len > 0 && strchr(" \t\r\n", buf[len - 1]) != NULL)
		buf[--len] = '\0';
	if (len == 0 || strlen(buf) != len || strpbrk(buf, " \t\r\n")) {
		log_warnx("enroll: token file %s: not one token", path);
		freezero(buf, len);
		return NULL;
	}
	return buf;
}

/*
 * A certificate from the daemon is taken only when the CA we trust
 * issued it, it names agent_id, and it certifies our own key.
 */
static X509 *
enroll_check_cert(const char *pem, X509 *ca, EVP_PKEY *key,
    const char *agent_id)
{
	X509	*cert;
	char	*cn, err[256];

	if ((cert = ca_cert_from_pem(pem, strlen(pem))) == NULL) {
		log_warnx("enroll: the certificate is not PEM");
		return NULL;
	}
	if (ca_verify(ca, cert, timefmt_now(), err, sizeof(err)) == -1) {
		log_warnx("enroll: the certificate: %s", err);
		goto fail;
	}
	if (EVP_PKEY_eq(X509_get0_pubkey(cert), key) != 1) {
		log_warnx("enroll: the certificate is not for this agent's key");
		goto fail;
	}
	cn = ca_cert_agent_id(cert);
	if (cn == NULL || strcmp(cn, agent_id) != 0) {
		log_warnx("enroll: the certificate names %s, not %s",
		    cn != NULL ? cn : "nobody", agent_id);
		free(cn);
		goto fail;
	}
	free(cn);
	return cert;
fail:
	X509_free(cert);
	return NULL;
}

static int
enroll_write(struct agent_state *st, const char *name, const char *text)
{
	char	*path = agent_state_path(st, name);
	int	 rc;

	if ((rc = fileio_write_atomic(path, text, strlen(text), 0600)) == -1)
		log_warn("enroll: %s", path);
	free(path);
	return rc;
}

static int
enroll_usage(const char *msg)
{
	fprintf(stderr, "exhibit-agent: enroll: %s\nusage: exhibit-agent "
	    "enroll --server URL --token-file FILE\n"
	    "           (--ca-file FILE | --ca-fingerprint SHA256) [--force]\n",
	    msg);
	return 2;
}

int
cmd_enroll(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "server",		required_argument,	NULL, 's' },
		{ "token-file",		required_argument,	NULL, 't' },
		{ "ca-file",		required_argument,	NULL, 'c' },
		{ "ca-fingerprint",	required_argument,	NULL, 'F' },
		{ "force",		no_argument,		NULL, 'f' },
		/* Exact, so that getopt does not take "--token SECRET" as an
		 * abbreviation of --token-file and echo the secret back. */
		{ "token",		required_argument,	NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct agent_conf	 ac;
	struct agent_state	*st = NULL;
	struct client		*cl = NULL;
	struct client_opts	 co;
	struct client_response	 r = { 0 };
	struct json_object	*req;
	EVP_PKEY		*key = NULL;
	X509			*ca = NULL, *cert = NULL, *rca;
	const char		*server = NULL, *tokfile = NULL, *cafile = NULL;
	const char		*fpr = NULL, *agent_id, *certpem, *capem;
	char			*token = NULL, *host = NULL, *mid = NULL;
	char			*pem = NULL, *pub = NULL, *tmpca = NULL;
	char			*keypath = NULL, *capath, err[512];
	char			 fp1[CA_FINGERPRINT_LEN], fp2[CA_FINGERPRINT_LEN];
	size_t			 len;
	int			 ch, force = 0, rc = 1;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			server = optarg;
			break;
		case 't':
			tokfile = optarg;
			break;
		case 'c':
			cafile = optarg;
			break;
		case 'F':
			fpr = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'T':
			return enroll_usage("the token is read from "
			    "--token-file, never given on the command line");
		default:
			return enroll_usage("bad option");
		}
	}
	if (optind != argc)
		return enroll_usage("the token is read from --token-file, "
		    "never given as an argument");
	if (server == NULL || tokfile == NULL)
		return enroll_usage("--server and --token-file are required");
	if ((cafile == NULL) == (fpr == NULL))
		return enroll_usage("give one of --ca-file and "
		    "--ca-fingerprint");
	if (strncmp(server, "https://", 8) != 0)
		return enroll_usage("--server must be an https:// URL");
	if (agent_load_conf(&ac) == -1)
		return 1;

	if ((st = agent_state_open(ac.state_dir, 1, err, sizeof(err))) ==
	    NULL) {
		log_warnx("enroll: %s", err);
		goto done;
	}
	if (agent_state_enrolled(st) && !force) {
		log_warnx("enroll: already enrolled as %s with %s; use --force "
		    "to replace this identity", agent_state_agent_id(st),
		    agent_state_server(st));
		goto done;
	}
	if ((token = enroll_read_token(tokfile)) == NULL)
		goto done;
	if (enroll_host(ac.root, ac.max_file_size, &host, &mid) == -1)
		goto done;

	/* The CA to verify the server with, before the token is sent. */
	if (cafile != NULL) {
		if (fileio_read_path(cafile, 1024 * 1024, &pem, &len) == -1) {
			log_warn("enroll: %s", cafile);
			goto done;
		}
	} else if (client_fetch_ca(server, fpr, ac.connect_timeout, &pem, err,
	    sizeof(err)) == -1) {
		log_warnx("enroll: %s", err);
		goto done;
	}
	if ((ca = ca_cert_from_pem(pem, strlen(pem))) == NULL) {
		log_warnx("enroll: the CA is not a PEM certificate");
		goto done;
	}
	tmpca = xasprintf("%s.enroll", AGENT_STATE_CA);
	if (enroll_write(st, tmpca, pem) == -1)
		goto done;

	memset(&co, 0, sizeof(co));
	co.server = server;
	capath = agent_state_path(st, tmpca);
	co.cafile = capath;
	co.cadir = ac.state_dir;
	co.connect_timeout = ac.connect_timeout;
	co.timeout = ac.timeout;
	cl = client_new(&co, err, sizeof(err));
	free(capath);
	if (cl == NULL) {
		log_warnx("enroll: %s", err);
		goto done;
	}

	key = keys_generate();
	pub = keys_public_to_pem(key);
	req = json_object_new_object();
	jsonutil_set_string(req, "token", token);
	jsonutil_set_string(req, "public_key", pub);
	jsonutil_set_string(req, "hostname", host);
	jsonutil_set_string(req, "machine_id", mid);
	{
		const char	*body = jsonutil_to_string(req, 0);

		if (client_request(cl, "POST", "/v1/enroll",
		    "application/json", body, strlen(body), &r, err,
		    sizeof(err)) == -1) {
			log_warnx("enroll: %s", err);
			json_object_put(req);
			goto done;
		}
	}
	json_object_put(req);
	if (r.status != 201) {
		log_warnx("enroll: exhibitd refused: %ld %s: %s", r.status,
		    r.error, r.message);
		goto done;
	}
	if (r.json == NULL ||
	    jsonutil_get_string(r.json, "agent_id", &agent_id) == -1 ||
	    jsonutil_get_string(r.json, "certificate", &certpem) == -1 ||
	    jsonutil_get_string(r.json, "ca_certificate", &capem) == -1) {
		log_warnx("enroll: exhibitd's answer lacks agent_id, "
		    "certificate or ca_certificate");
		goto done;
	}
	/* The CA the daemon names must be the one we verified it with. */
	if ((rca = ca_cert_from_pem(capem, strlen(capem))) == NULL) {
		log_warnx("enroll: ca_certificate is not PEM");
		goto done;
	}
	ca_fingerprint(rca, fp1);
	ca_fingerprint(ca, fp2);
	X509_free(rca);
	if (strcmp(fp1, fp2) != 0) {
		log_warnx("enroll: exhibitd names CA %s, but the server was "
		    "verified with CA %s", fp1, fp2);
		goto done;
	}
	if ((cert = enroll_check_cert(certpem, ca, key, agent_id)) == NULL)
		goto done;

	keypath = agent_state_path(st, AGENT_STATE_KEY);
	if (keys_save_private(keypath, key) == -1) {
		log_warn("enroll: %s", keypath);
		goto done;
	}
	if (enroll_write(st, AGENT_STATE_CERT, certpem) == -1 ||
	    enroll_write(st, AGENT_STATE_CA, pem) == -1)
		goto done;
	/* The identity last: it is what makes the directory enrolled. */
	if (agent_state_save_identity(st, agent_id, server) == -1) {
		log_warn("enroll: saving the identity");
		goto done;
	}
	printf("enrolled as %s with %s\n", agent_id, server);
	rc = 0;
done:
	if (tmpca != NULL && st != NULL) {
		char	*p = agent_state_path(st, tmpca);

		(void)unlink(p);
		free(p);
	}
	client_response_free(&r);
	client_free(cl);
	if (token != NULL)
		freezero(token, strlen(token));
	X509_free(ca);
	X509_free(cert);
	EVP_PKEY_free(key);
	free(keypath);
	free(tmpca);
	free(pub);
	free(pem);
	free(host);
	free(mid);
	agent_state_close(st);
	agent_conf_free(&ac);
	return rc;
}

/* notBefore and notAfter of the agent's certificate. */
static int
enroll_cert_times(struct session *s, time_t *from, time_t *until)
{
	struct tm	 tm;
	X509		*cert;
	char		*path, err[256];
	int		 rc = -1;

	path = agent_state_path(s->st, AGENT_STATE_CERT);
	if ((cert = ca_cert_load(path, err, sizeof(err))) == NULL) {
		log_warnx("renew: %s", err);
		free(path);
		return -1;
	}
	free(path);
	if (ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm) == 1) {
		*from = timegm(&tm);
		if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
			*until = timegm(&tm);
			rc = 0;
		}
	}
	X509_free(cert);
	return rc;
}

int
enroll_renew_if_due(struct session *s)
{
	struct client_response	 r;
	X509			*ca, *cert;
	const char		*pem;
	char			*path, err[512];
	time_t			 from, until, now = timefmt_now();

	if (enroll_cert_times(s, &from, &until) == -1)
		return -1;
	if (now < from + (until - from) / 2)
		return 0;
	if (s->cl == NULL && session_client(s) == -1)
		return -1;
	if (client_request(s->cl, "POST", "/v1/renew", "application/json",
	    "{}", 2, &r, err, sizeof(err)) == -1) {
		log_warnx("renew: %s", err);
		return -1;
	}
	if (r.status != 200 || r.json == NULL ||
	    jsonutil_get_string(r.json, "certificate", &pem) == -1) {
		log_warnx("renew: exhibitd refused: %ld %s: %s", r.status,
		    r.error, r.message);
		client_response_free(&r);
		return -1;
	}
	path = agent_state_path(s->st, AGENT_STATE_CA);
	ca = ca_cert_load(path, err, sizeof(err));
	free(path);
	if (ca == NULL) {
		log_warnx("renew: %s", err);
		client_response_free(&r);
		return -1;
	}
	cert = enroll_check_cert(pem, ca, s->key, agent_state_agent_id(s->st));
	X509_free(ca);
	if (cert == NULL || enroll_write(s->st, AGENT_STATE_CERT, pem) == -1) {
		X509_free(cert);
		client_response_free(&r);
		return -1;
	}
	X509_free(cert);
	client_response_free(&r);
	log_info("renew: a new client certificate (the old one expires %s)",
	    timefmt_rfc3339(until, err, sizeof(err)));
	/* New connections must present the new certificate. */
	return session_client(s) == 0 ? 1 : -1;
}
