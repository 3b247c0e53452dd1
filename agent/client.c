/*
 * libcurl easy interface, one handle per client: curl keeps the
 * connection (and the TLS session) alive between requests on it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ca.h"
#include "client.h"
#include "jsonutil.h"
#include "log.h"
#include "xmalloc.h"

#define CLIENT_MAX_BODY	(1024 * 1024)	/* daemon answers are small */

struct client {
	CURL			*curl;
	char			*server;
	struct curl_slist	*headers;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct client_buf {
	char	*data;
	size_t	 len;
	int	 overflow;
};

static int	client_curl_ready;

static size_t
client_write(char *p, size_t size, size_t n, void *arg)
{
	struct client_buf	*b = arg;
	size_t			 len = size * n;

	if (b->len + len > CLIENT_MAX_BODY) {
		b->overflow = 1;
		return 0;	/* curl aborts the transfer */
	}
	b->data = xrealloc(b->data, b->len + len + 1);
	memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return len;
}

static int
client_is_https(const char *server)
{
	return strncasecmp(server, "https://", 8) == 0 && server[8] != '\0' &&
	    server[8] != '/';
}

/* Settings every handle gets, verifying or not. */
static void
client_setup(CURL *c, char *errbuf, long connect_timeout, long timeout)
{
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "exhibit-agent/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, client_write);
}

static void
client_global_init(void)
{
	if (!client_curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			fatalx("client: curl_global_init failed");
		client_curl_ready = 1;
	}
}

struct client *
client_new(const struct client_opts *o, char *err, size_t errlen)
{
	struct client	*cl;
	size_t		 n;

	if (!client_is_https(o->server)) {
		snprintf(err, errlen, "server %s: not an https:// URL",
		    o->server);
		return NULL;
	}
	client_global_init();
	cl = xcalloc(1, sizeof(*cl));
	if ((cl->curl = curl_easy_init()) == NULL)
		fatalx("client: curl_easy_init failed");
	cl->server = xstrdup(o->server);
	n = strlen(cl->server);
	while (n > 0 && cl->server[n - 1] == '/')
		cl->server[--n] = '\0';
	client_setup(cl->curl, cl->errbuf, o->connect_timeout, o->timeout);
	curl_easy_setopt(cl->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(cl->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	/* The daemon's CA is the only anchor: the system's CAs could
	 * vouch for anyone. */
	curl_easy_setopt(cl->curl, CURLOPT_CAINFO, o->cafile);
	curl_easy_setopt(cl->curl, CURLOPT_CAPATH, o->cadir);
	if (o->certfile != NULL) {
		curl_easy_setopt(cl->curl, CURLOPT_SSLCERT, o->certfile);
		curl_easy_setopt(cl->curl, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(cl->curl, CURLOPT_SSLKEY, o->keyfile);
		curl_easy_setopt(cl->curl, CURLOPT_SSLKEYTYPE, "PEM");
	}
	return cl;
}

void
client_free(struct client *cl)
{
	if (cl == NULL)
		return;
	curl_easy_cleanup(cl->curl);
	curl_slist_free_all(cl->headers);
	free(cl->server);
	free(cl);
}

static void
client_parse(struct client_response *r)
{
	char	err[128];

	r->error = r->message = "";
	if (r->body == NULL)
		return;
	r->json = jsonutil_parse(r->body, r->len, err, sizeof(err));
	if (r->json != NULL && !json_object_is_type(r->json,
	    json_type_object)) {
		json_object_put(r->json);
		r->json = NULL;
	}
	if (r->json != NULL) {
		(void)jsonutil_get_string(r->json, "error", &r->error);
		(void)jsonutil_get_string(r->json, "message", &r->message);
	}
}

static int
client_perform(CURL *c, char *errbuf, const char *url,
    struct client_response *r, char *err, size_t errlen)
{
	struct client_buf	b = { 0 };
	CURLcode		rc;

	memset(r, 0, sizeof(*r));
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url, b.overflow ?
		    "answer larger than 1 MiB" : errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
		free(b.data);
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.data;
	r->len = b.len;
	client_parse(r);
	return 0;
}

int
client_request(struct client *cl, const char *method, const char *path,
    const char *ctype, const void *body, size_t len,
    struct client_response *r, char *err, size_t errlen)
{
	char	*url, *h;
	int	 rc;

	url = xasprintf("%s%s", cl->server, path);
	curl_slist_free_all(cl->headers);
	cl->headers = curl_slist_append(NULL, "Accept: application/json");
	if (strcmp(method, "POST") == 0) {
		h = xasprintf("Content-Type: %s", ctype);
		cl->headers = curl_slist_append(cl->headers, h);
		free(h);
		/* No "Expect: 100-continue" round trip for big bodies. */
		cl->headers = curl_slist_append(cl->headers, "Expect:");
		curl_easy_setopt(cl->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(cl->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(cl->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	} else
		curl_easy_setopt(cl->curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(cl->curl, CURLOPT_HTTPHEADER, cl->headers);
	rc = client_perform(cl->curl, cl->errbuf, url, r, err, errlen);
	free(url);
	return rc;
}

void
client_response_free(struct client_response *r)
{
	json_object_put(r->json);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int
client_refused(const struct client_response *r, long status,
    const char *code)
{
	return r->status == status && strcmp(r->error, code) == 0;
}

int
client_fetch_ca(const char *server, const char *fingerprint, long timeout,
    char **pem, char *err, size_t errlen)
{
	struct client_response	 r;
	CURL			*c;
	X509			*x;
	const char		*text;
	char			 errbuf[CURL_ERROR_SIZE], fp[CA_FINGERPRINT_LEN];
	char			*url;
	size_t			 n;
	int			 rc = -1;

	if (!client_is_https(server)) {
		snprintf(err, errlen, "server %s: not an https:// URL", server);
		return -1;
	}
	client_global_init();
	if ((c = curl_easy_init()) == NULL)
		fatalx("client: curl_easy_init failed");
	client_setup(c, errbuf, timeout, timeout);
	/* Unverified on purpose: the fingerprint check below is what makes
	 * the answer trustworthy, and nothing is sent but this GET. */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	n = strlen(server);
	while (n > 0 && server[n - 1] == '/')
		n--;
	url = xasprintf("%.*s/v1/ca", (int)n, server);
	if (client_perform(c, errbuf, url, &r, err, errlen) == -1)
		goto done;
	if (r.status != 200 || r.json == NULL ||
	    jsonutil_get_string(r.json, "ca_certificate", &text) == -1) {
		snprintf(err, errlen, "%s: status %ld, no ca_certificate%s%s",
		    url, r.status, r.error[0] ? ": " : "", r.error);
		client_response_free(&r);
		goto done;
	}
	if ((x = ca_cert_from_pem(text, strlen(text))) == NULL) {
		snprintf(err, errlen, "%s: ca_certificate is not a PEM "
		    "certificate", url);
		client_response_free(&r);
		goto done;
	}
	ca_fingerprint(x, fp);
	X509_free(x);
	if (strcasecmp(fp, fingerprint) != 0) {
		snprintf(err, errlen, "%s: the CA's fingerprint is %s, not %s: "
		    "refusing to enroll (wrong server, or someone in between)",
		    url, fp, fingerprint);
		client_response_free(&r);
		goto done;
	}
	*pem = xstrdup(text);
	client_response_free(&r);
	rc = 0;
done:
	free(url);
	curl_easy_cleanup(c);
	return rc;
}
