/*
 * TLS contexts with the project's one policy (see tls.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls.h"

static void
tls_error(char *err, size_t errlen, const char *what, const char *path)
{
	unsigned long	e = ERR_get_error();
	char		buf[256];

	ERR_error_string_n(e, buf, sizeof(buf));
	if (path != NULL)
		snprintf(err, errlen, "%s %s: %s", what, path,
		    e ? buf : "failed");
	else
		snprintf(err, errlen, "%s: %s", what, e ? buf : "failed");
	ERR_clear_error();
}

static SSL_CTX *
tls_ctx(const SSL_METHOD *method, char *err, size_t errlen)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(method)) == NULL) {
		tls_error(err, errlen, "SSL_CTX_new", NULL);
		return NULL;
	}
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, TLS_CIPHERS_12) ||
	    !SSL_CTX_set_ciphersuites(ctx, TLS_SUITES_13)) {
		tls_error(err, errlen, "TLS policy", NULL);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle connections keep no buffers: a daemon with a thousand
	 * agents connected would otherwise hold ~34 KiB per connection. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}

/* Accept the handshake whatever the client sent: the verdict stays in
 * SSL_get_verify_result() for the routes that need a client. */
static int
tls_verify_any(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1;
}

SSL_CTX *
tls_server_ctx(const char *certfile, const char *keyfile, const char *cafile,
    char *err, size_t errlen)
{
	SSL_CTX			*ctx;
	STACK_OF(X509_NAME)	*names;

	if ((ctx = tls_ctx(TLS_server_method(), err, errlen)) == NULL)
		return NULL;
	if (SSL_CTX_use_certificate_chain_file(ctx, certfile) != 1) {
		tls_error(err, errlen, "certificate", certfile);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, keyfile, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_error(err, errlen, "private key", keyfile);
		goto fail;
	}
	if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(cafile)) == NULL) {
		tls_error(err, errlen, "CA certificate", cafile);
		goto fail;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, tls_verify_any);
	SSL_CTX_set_verify_depth(ctx, 2);
	(void)SSL_CTX_set_session_id_context(ctx,
	    (const unsigned char *)"exhibitd", 8);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *
tls_client_ctx(const char *cafile, const char *certfile, const char *keyfile,
    char *err, size_t errlen)
{
	SSL_CTX	*ctx;

	if ((ctx = tls_ctx(TLS_client_method(), err, errlen)) == NULL)
		return NULL;
	if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
		tls_error(err, errlen, "CA certificate", cafile);
		goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (certfile != NULL &&
	    (SSL_CTX_use_certificate_chain_file(ctx, certfile) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, keyfile, SSL_FILETYPE_PEM) != 1)) {
		tls_error(err, errlen, "client certificate", certfile);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

X509 *
tls_peer_verified(SSL *ssl)
{
	X509	*cert;

	if ((cert = SSL_get0_peer_certificate(ssl)) == NULL)
		return NULL;
	return SSL_get_verify_result(ssl) == X509_V_OK ? cert : NULL;
}
