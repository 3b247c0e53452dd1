/*
 * The daemon's small X.509 certificate authority: a self-signed Ed25519
 * CA that issues the daemon's TLS certificate and each agent's client
 * certificate, and the checks made on certificates it issued.  The CA key
 * is used only through these functions, so it can move behind a process
 * boundary later.
 */
#ifndef EXHIBIT_CA_H
#define EXHIBIT_CA_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define CA_FINGERPRINT_LEN	(64 + 7 + 1)	/* "sha256:" + hex + NUL */

/* A self-signed CA certificate for key, valid for days. */
X509	*ca_create(EVP_PKEY *key, const char *name, int days);

/* A client certificate for an agent: CN = agent_id, clientAuth. */
X509	*ca_issue_client(X509 *ca, EVP_PKEY *cakey, EVP_PKEY *agentkey,
	    const char *agent_id, long seconds);

/* A server certificate: CN = first SAN, serverAuth, SANs as DNS names or
 * IP addresses (detected). */
X509	*ca_issue_server(X509 *ca, EVP_PKEY *cakey, EVP_PKEY *key,
	    const char *const *sans, size_t nsans, int days);

/* 0 when cert chains to ca and is valid at now; else -1 and a sentence. */
int	 ca_verify(X509 *ca, X509 *cert, time_t now, char *err, size_t errlen);

/* The agent id a client certificate names (its CN), allocated; NULL when
 * it has none. */
char	*ca_cert_agent_id(X509 *cert);

int	 ca_cert_save(const char *path, X509 *);
X509	*ca_cert_load(const char *path, char *err, size_t errlen);
X509	*ca_cert_from_pem(const char *pem, size_t len);
char	*ca_cert_to_pem(X509 *);

/* "sha256:<hex>" of the certificate's DER.  Returns out. */
char	*ca_fingerprint(X509 *, char out[CA_FINGERPRINT_LEN]);

#endif
