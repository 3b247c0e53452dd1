/*
 * DSSE envelopes (github.com/secure-systems-lab/dsse) signed with
 * Ed25519: {"payloadType", "payload" (base64), "signatures": [{"keyid",
 * "sig"}]}.  The signature covers DSSE's pre-authentication encoding
 * PAE(type, body), so no JSON canonicalisation is involved and any DSSE
 * verifier can check an Exhibit envelope.
 */
#ifndef EXHIBIT_ENVELOPE_H
#define EXHIBIT_ENVELOPE_H

#include <stddef.h>

#include <openssl/evp.h>

#define ENVELOPE_EVIDENCE_TYPE	"application/vnd.exhibit.evidence+json"

/* "DSSEv1 <len(type)> <type> <len(body)> <body>", allocated. */
unsigned char	*envelope_pae(const char *type, const void *body, size_t len,
		    size_t *outlen);

/* Sign payload with key; returns the envelope's JSON text, allocated. */
char		*envelope_sign(EVP_PKEY *key, const char *type,
		    const void *payload, size_t len);

enum envelope_status {
	ENVELOPE_OK,
	ENVELOPE_SYNTAX,	/* not an envelope: bad JSON, members, base64 */
	ENVELOPE_TYPE,		/* payloadType is not the one expected */
	ENVELOPE_UNKNOWN_KEY,	/* no signature by this key's keyid */
	ENVELOPE_BAD_SIGNATURE,	/* a signature by the key, not valid */
};

/*
 * Check an envelope against key before anything inside the payload is
 * looked at.  On ENVELOPE_OK, *payload (allocated, NUL-terminated) and
 * *len hold the signed bytes.  Otherwise err holds a sentence.  Both
 * base64 alphabets are accepted in payload and sig.
 */
enum envelope_status envelope_verify(const char *text, size_t textlen,
		    EVP_PKEY *key, const char *type, unsigned char **payload,
		    size_t *len, char *err, size_t errlen);

/* The same with key's keyid (keys_keyid) already known, as the daemon
 * knows each enrolled agent's: it saves hashing the key per envelope. */
enum envelope_status envelope_verify_keyid(const char *text, size_t textlen,
		    EVP_PKEY *key, const char *keyid, const char *type,
		    unsigned char **payload, size_t *len, char *err,
		    size_t errlen);

/*
 * The payload of an envelope whose signature was checked before (stored
 * evidence) or cannot be (offline, without the key): decoded, never
 * trusted more than its source.  0, or -1 with a sentence in err.
 */
int		 envelope_payload_unverified(const char *text, size_t textlen,
		    unsigned char **payload, size_t *len, char *err,
		    size_t errlen);

#endif
