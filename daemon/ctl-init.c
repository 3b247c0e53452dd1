/*
 * exhibitctl init: a new state directory with the daemon's CA, its TLS
 * key and certificate, the ledger signing key, the database, and a first
 * admin token, shown once.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ca.h"
#include "ctl.h"
#include "keys.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"
#include "token.h"
#include "xmalloc.h"

#define CA_DAYS		(20 * 365)
#define SERVER_DAYS	825

const char ctl_init_usage[] =
"usage: exhibitctl [-f file] [--state DIR] init\n"
"\n"
"Create the state directory (0700) and, in it: the daemon's CA (ca.pem,\n"
"ca.key), its TLS key and certificate (server.key, server.pem; the names\n"
"in [server] names as subject alternative names), the ledger signing key\n"
"(ledger.key, ledger.pub) and the database.  Print the CA certificate's\n"
"fingerprint, which agents can enroll with, and a first admin token,\n"
"shown only this once.  An initialised directory is left as it is.\n";

/* "a, b,c" -> {"a", "b", "c"}; the strings point into buf.  max + 1
 * when there are more than max. */
static size_t
split_names(char *buf, char **out, size_t max)
{
	char	*p = buf, *tok;
	size_t	 n = 0;

	while ((tok = strsep(&p, ",")) != NULL) {
		while (isspace((unsigned char)*tok))
			tok++;
		tok[strcspn(tok, " \t")] = '\0';
		if (*tok == '\0')
			continue;
		if (n == max)
			return max + 1;
		out[n++] = tok;
	}
	return n;
}

static int
save_key(const char *dir, const char *name, EVP_PKEY *key)
{
	char	*path = xasprintf("%s/%s", dir, name);
	int	 rc;

	if ((rc = keys_save_private(path, key)) == -1)
		log_warn("init: %s", path);
	free(path);
	return rc;
}

static int
save_cert(const char *dir, const char *name, X509 *x)
{
	char	*path = xasprintf("%s/%s", dir, name);
	int	 rc;

	if ((rc = ca_cert_save(path, x)) == -1)
		log_warn("init: %s", path);
	free(path);
	return rc;
}

int
ctl_init(struct ctl *ctl, int argc, char **argv)
{
	struct store		*st;
	struct store_conf	 sc;
	struct store_token	 tok;
	struct stat		 sb;
	EVP_PKEY		*cakey, *srvkey, *ledgerkey;
	X509			*ca, *srv;
	unsigned char		 hash[STORE_HASH_LEN];
	char			*names, *sans[16], *path, *secret, err[256];
	char			 fp[CA_FINGERPRINT_LEN];
	size_t			 nsans;
	int			 rc = 1;

	if (argc != 1) {
		fputs(ctl_init_usage, stderr);
		return 2;
	}
	if (ctl_load_conf(ctl) == -1)
		return 1;
	names = xstrdup(ctl->conf.server_names);
	nsans = split_names(names, sans, sizeof(sans) / sizeof(sans[0]));
	if (nsans > sizeof(sans) / sizeof(sans[0])) {
		log_warnx("init: [server] names lists more than %zu names; "
		    "nothing changed", sizeof(sans) / sizeof(sans[0]));
		free(names);
		return 1;
	}
	if (mkdir(ctl->state_dir, 0700) == -1 && errno != EEXIST) {
		log_warn("init: %s", ctl->state_dir);
		free(names);
		return 1;
	}
	path = xasprintf("%s/ca.key", ctl->state_dir);
	if (stat(path, &sb) == 0) {
		log_warnx("init: %s is already initialised (%s exists); "
		    "nothing changed", ctl->state_dir, path);
		free(path);
		free(names);
		return 1;
	}
	free(path);

	cakey = keys_generate();
	srvkey = keys_generate();
	ledgerkey = keys_generate();
	ca = ca_create(cakey, "Exhibit CA", CA_DAYS);
	srv = ca_issue_server(ca, cakey, srvkey, (const char *const *)sans,
	    nsans, SERVER_DAYS);
	free(names);
	/* The CA key last: its presence marks a finished init. */
	if (save_cert(ctl->state_dir, "ca.pem", ca) == -1 ||
	    save_key(ctl->state_dir, "server.key", srvkey) == -1 ||
	    save_cert(ctl->state_dir, "server.pem", srv) == -1 ||
	    save_key(ctl->state_dir, "ledger.key", ledgerkey) == -1)
		goto out;
	path = xasprintf("%s/ledger.pub", ctl->state_dir);
	if (keys_save_public(path, ledgerkey) == -1) {
		log_warn("init: %s", path);
		free(path);
		goto out;
	}
	free(path);

	daemon_conf_store(&ctl->conf, ctl->state_dir, &sc);
	if ((st = store_open_conf(&sc, err, sizeof(err))) == NULL) {
		log_warnx("init: %s", err);
		goto out;
	}
	memset(&tok, 0, sizeof(tok));
	token_random_id("tk_", 16, tok.id, sizeof(tok.id));
	tok.role = ROLE_ADMIN;
	tok.uses_left = -1;
	tok.created_at = timefmt_now();
	snprintf(tok.comment, sizeof(tok.comment), "first admin token");
	secret = token_generate(hash);
	if (store_token_add(st, &tok, hash) != STORE_OK) {
		store_close(st);
		free(secret);
		goto out;
	}
	store_close(st);
	if (save_key(ctl->state_dir, "ca.key", cakey) == -1) {
		free(secret);
		goto out;
	}
	printf("initialised %s\n", ctl->state_dir);
	printf("CA certificate: %s/ca.pem (%s)\n", ctl->state_dir,
	    ca_fingerprint(ca, fp));
	printf("admin token (%s), shown only this once:\n%s\n", tok.id,
	    secret);
	freezero(secret, strlen(secret));
	rc = 0;
out:
	X509_free(ca);
	X509_free(srv);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(srvkey);
	EVP_PKEY_free(ledgerkey);
	return rc;
}
