/*
 * The TLS policy, in one place for every program that speaks TLS:
 * TLS 1.2 at least, TLS 1.3 preferred, AEAD cipher suites only, no
 * renegotiation, no compression.
 */
#ifndef EXHIBIT_TLS_H
#define EXHIBIT_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

/* The TLS 1.2 cipher list and TLS 1.3 suites we allow. */
#define TLS_CIPHERS_12	"ECDHE-ECDSA-AES256-GCM-SHA384:" \
			"ECDHE-ECDSA-CHACHA20-POLY1305:" \
			"ECDHE-ECDSA-AES128-GCM-SHA256:" \
			"ECDHE-RSA-AES256-GCM-SHA384:" \
			"ECDHE-RSA-CHACHA20-POLY1305:" \
			"ECDHE-RSA-AES128-GCM-SHA256"
#define TLS_SUITES_13	"TLS_AES_256_GCM_SHA384:" \
			"TLS_CHACHA20_POLY1305_SHA256:" \
			"TLS_AES_128_GCM_SHA256"

/*
 * A server context with certificate chain and key from PEM files, asking
 * clients for a certificate issued by the CA in cafile.  A client may
 * send none (enrollment needs none): the handshake succeeds either way
 * and routes that need one check tls_peer_verified().  NULL with a
 * sentence in err.
 */
SSL_CTX	*tls_server_ctx(const char *certfile, const char *keyfile,
	    const char *cafile, char *err, size_t errlen);

/* A client context that trusts only cafile and, when certfile is not
 * NULL, presents that certificate and key. */
SSL_CTX	*tls_client_ctx(const char *cafile, const char *certfile,
	    const char *keyfile, char *err, size_t errlen);

/* The peer's certificate when the client sent one that verified against
 * the CA, else NULL (not a new reference). */
X509	*tls_peer_verified(SSL *);

#endif
