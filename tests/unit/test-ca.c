/* Unit tests for common/ca.c: the daemon's certificate authority. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/x509v3.h>

#include "ca.h"
#include "keys.h"
#include "tmpdir.h"
#include "xmalloc.h"

static char	tmpdir[64];

static int
setup(void **state)
{
	strcpy(tmpdir, "/tmp/test-ca.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(tmpdir);
}

static void
test_client_certificate(void **state)
{
	EVP_PKEY	*cakey = keys_generate(), *agent = keys_generate();
	EVP_PKEY	*otherkey = keys_generate();
	X509		*ca, *cert, *other;
	char		 err[256], *id;
	time_t		 now = time(NULL);

	ca = ca_create(cakey, "Exhibit test CA", 3650);
	cert = ca_issue_client(ca, cakey, agent, "ag_test1", 7 * 86400);
	assert_int_equal(ca_verify(ca, cert, now, err, sizeof(err)), 0);
	id = ca_cert_agent_id(cert);
	assert_string_equal(id, "ag_test1");
	free(id);
	/* The certificate carries the agent's key. */
	assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(cert), agent), 1);
	/* For client authentication only. */
	assert_true(X509_check_purpose(cert, X509_PURPOSE_SSL_CLIENT, 0) == 1);
	assert_true(X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, 0) != 1);

	/* Expired after its lifetime; not valid before issue. */
	assert_int_equal(ca_verify(ca, cert, now + 8 * 86400, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "expired"));
	assert_int_equal(ca_verify(ca, cert, now - 86400, err, sizeof(err)),
	    -1);
	/* Another CA does not vouch for it. */
	other = ca_create(otherkey, "Another CA", 3650);
	assert_int_equal(ca_verify(other, cert, now, err, sizeof(err)), -1);
	/* A CA certificate is not accepted in place of a client one's
	 * issuer when it was self-issued by someone else. */
	assert_int_equal(ca_verify(ca, other, now, err, sizeof(err)), -1);

	X509_free(other);
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(agent);
	EVP_PKEY_free(otherkey);
}

static void
test_server_certificate_and_openssl(void **state)
{
	const char	*sans[] = { "exhibit.example.org", "127.0.0.1", "::1" };
	EVP_PKEY	*cakey = keys_generate(), *key = keys_generate();
	X509		*ca, *srv, *back;
	char		*capath, *srvpath, *cmd, line[512], fp[CA_FINGERPRINT_LEN];
	char		 err[256], *p, *q;
	FILE		*f;

	ca = ca_create(cakey, "Exhibit test CA", 3650);
	srv = ca_issue_server(ca, cakey, key, sans, 3, 825);
	assert_int_equal(X509_check_host(srv, "exhibit.example.org", 0, 0,
	    NULL), 1);
	assert_int_equal(X509_check_ip_asc(srv, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(srv, "::1", 0), 1);
	assert_int_equal(X509_check_host(srv, "other.example.org", 0, 0,
	    NULL), 0);

	capath = xasprintf("%s/ca.pem", tmpdir);
	srvpath = xasprintf("%s/srv.pem", tmpdir);
	assert_int_equal(ca_cert_save(capath, ca), 0);
	assert_int_equal(ca_cert_save(srvpath, srv), 0);
	back = ca_cert_load(srvpath, err, sizeof(err));
	assert_non_null(back);
	assert_int_equal(X509_cmp(back, srv), 0);
	X509_free(back);

	/* openssl agrees on the chain and on the fingerprint. */
	cmd = xasprintf("openssl verify -CAfile %s %s", capath, srvpath);
	assert_non_null(f = popen(cmd, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(line, ": OK"));
	free(cmd);
	cmd = xasprintf("openssl x509 -in %s -noout -fingerprint -sha256",
	    capath);
	assert_non_null(f = popen(cmd, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	pclose(f);
	free(cmd);
	/* "sha256 Fingerprint=AB:CD:..." -> "abcd...". */
	p = strchr(line, '=') + 1;
	for (q = p; *p != '\0' && *p != '\n'; p++) {
		if (*p != ':')
			*q++ = (char)tolower((unsigned char)*p);
	}
	*q = '\0';
	ca_fingerprint(ca, fp);
	assert_string_equal(fp + 7, strchr(line, '=') + 1);

	assert_null(ca_cert_load("/nonexistent/ca.pem", err, sizeof(err)));
	assert_null(ca_cert_from_pem("-----BEGIN CERTIFICATE-----\nxx\n", 31));
	free(capath);
	free(srvpath);
	X509_free(srv);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_certificate),
		cmocka_unit_test(test_server_certificate_and_openssl),
	};

	return cmocka_run_group_tests_name("ca", tests, setup, teardown);
}
