/*
 * DSSE signing and verification.  Verification decodes only what the
 * signature needs (type, payload bytes, signatures); the payload is not
 * parsed here at all, so a forged document never reaches a JSON parser
 * as trusted input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "encode.h"
#include "envelope.h"
#include "envelope-read.h"
#include "jsonutil.h"
#include "keys.h"
#include "log.h"
#include "xmalloc.h"

unsigned char *
envelope_pae(const char *type, const void *body, size_t len, size_t *outlen)
{
	unsigned char	*out;
	char		 head[64];
	size_t		 tlen = strlen(type), hlen, mid;
	int		 n;

	n = snprintf(head, sizeof(head), "DSSEv1 %zu ", tlen);
	hlen = (size_t)n;
	out = xmalloc(hlen + tlen + 32 + len);
	memcpy(out, head, hlen);
	memcpy(out + hlen, type, tlen);
	n = snprintf((char *)out + hlen + tlen, 32, " %zu ", len);
	mid = hlen + tlen + (size_t)n;
	memcpy(out + mid, body, len);
	*outlen = mid + len;
	return out;
}

char *
envelope_sign(EVP_PKEY *key, const char *type, const void *payload,
    size_t len)
{
	struct json_object	*env, *sigs, *sig;
	EVP_MD_CTX		*md;
	unsigned char		*pae, sigbuf[64];
	size_t			 paelen, siglen = sizeof(sigbuf);
	char			 keyid[KEYS_KEYID_HEXLEN], *b64, *out;

	pae = envelope_pae(type, payload, len, &paelen);
	/* Ed25519 signs the message itself: no digest, one-shot. */
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(md, sigbuf, &siglen, pae, paelen) != 1)
		fatalx("envelope_sign: Ed25519 signing failed");
	EVP_MD_CTX_free(md);
	free(pae);

	env = json_object_new_object();
	jsonutil_set_string(env, "payloadType", type);
	b64 = base64_encode(payload, len, BASE64_STD);
	jsonutil_set_string(env, "payload", b64);
	free(b64);
	sigs = json_object_new_array();
	sig = json_object_new_object();
	jsonutil_set_string(sig, "keyid", keys_keyid(key, keyid));
	b64 = base64_encode(sigbuf, siglen, BASE64_STD);
	jsonutil_set_string(sig, "sig", b64);
	free(b64);
	json_object_array_add(sigs, sig);
	jsonutil_set(env, "signatures", sigs);
	out = xstrdup(jsonutil_to_string(env, 0));
	json_object_put(env);
	return out;
}

static int
envelope_check_sig(EVP_PKEY *key, const unsigned char *msg, size_t msglen,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX	*md;
	int		 ok;

	if ((md = EVP_MD_CTX_new()) == NULL)
		fatalx("envelope_verify: out of memory");
	ok = EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestVerify(md, sig, siglen, msg, msglen) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

enum envelope_status
envelope_verify(const char *text, size_t textlen, EVP_PKEY *key,
    const char *type, unsigned char **payload, size_t *len, char *err,
    size_t errlen)
{
	return envelope_verify_keyid(text, textlen, key, NULL, type, payload,
	    len, err, errlen);
}

enum envelope_status
envelope_verify_keyid(const char *text, size_t textlen, EVP_PKEY *key,
    const char *keyid_hex, const char *type, unsigned char **payload,
    size_t *len, char *err, size_t errlen)
{
	struct envelope_fields	 f;
	const struct envelope_sig *s;
	enum envelope_status	 st = ENVELOPE_SYNTAX;
	unsigned char		*body = NULL, *sig = NULL, *pae = NULL;
	size_t			 bodylen, siglen, paelen, i;
	char			 want[KEYS_KEYID_HEXLEN];
	int			 seen = 0;

	*payload = NULL;
	*len = 0;
	if (envelope_read(text, textlen, &f, err, errlen) == -1)
		goto out;
	if (!f.has_type || !f.has_payload || !f.has_sigs) {
		snprintf(err, errlen, "envelope needs string members "
		    "payloadType and payload and an array signatures");
		goto out;
	}
	if (!envelope_span_is(&f.type, type)) {
		snprintf(err, errlen, "payloadType is \"%.*s\", expected "
		    "\"%s\"", (int)(f.type.len < 64 ? f.type.len : 64),
		    f.type.p, type);
		st = ENVELOPE_TYPE;
		goto out;
	}
	if (base64_decode(f.payload.p, f.payload.len, &body, &bodylen) ==
	    -1) {
		snprintf(err, errlen, "payload is not base64");
		goto out;
	}
	if (f.nsigs == 0 || f.nsigs > ENVELOPE_MAX_SIGNATURES) {
		snprintf(err, errlen, "envelope has %zu signatures (1 to %d "
		    "allowed)", f.nsigs, ENVELOPE_MAX_SIGNATURES);
		goto out;
	}
	if (keyid_hex != NULL)
		snprintf(want, sizeof(want), "%s", keyid_hex);
	else
		keys_keyid(key, want);
	pae = envelope_pae(type, body, bodylen, &paelen);
	for (i = 0; i < f.nsigs; i++) {
		s = &f.sigs[i];
		if (!s->has_sig) {
			snprintf(err, errlen, "signatures[%zu] has no sig", i);
			goto out;
		}
		/* keyid is optional in DSSE, but ours always carry one. */
		if (!s->has_keyid || !envelope_span_is(&s->keyid, want))
			continue;
		seen = 1;
		free(sig);
		if (base64_decode(s->sig.p, s->sig.len, &sig, &siglen) == -1) {
			snprintf(err, errlen, "signatures[%zu].sig is not "
			    "base64", i);
			goto out;
		}
		if (envelope_check_sig(key, pae, paelen, sig, siglen)) {
			*payload = body;
			*len = bodylen;
			body = NULL;
			st = ENVELOPE_OK;
			goto out;
		}
	}
	if (seen) {
		snprintf(err, errlen, "signature does not verify with key %s",
		    want);
		st = ENVELOPE_BAD_SIGNATURE;
	} else {
		snprintf(err, errlen, "no signature by key %s", want);
		st = ENVELOPE_UNKNOWN_KEY;
	}
out:
	free(body);
	free(sig);
	free(pae);
	envelope_read_clear(&f);
	return st;
}

int
envelope_payload_unverified(const char *text, size_t textlen,
    unsigned char **payload, size_t *len, char *err, size_t errlen)
{
	struct envelope_fields	 f;
	int			 rc = -1;

	*payload = NULL;
	*len = 0;
	if (envelope_read(text, textlen, &f, err, errlen) == -1)
		;
	else if (!f.has_payload)
		snprintf(err, errlen, "envelope has no string member payload");
	else if (base64_decode(f.payload.p, f.payload.len, payload, len) ==
	    -1)
		snprintf(err, errlen, "payload is not base64");
	else
		rc = 0;
	envelope_read_clear(&f);
	return rc;
}
