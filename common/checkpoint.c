/*
 * Checkpoints as C2SP signed notes: the text format, Ed25519 signature
 * lines and their verification.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "checkpoint.h"
#include "digest.h"
#include "encode.h"
#include "log.h"
#include "xmalloc.h"

#define EM_DASH		"\xe2\x80\x94"
#define SIG_PREFIX	EM_DASH " "
#define SIG_PREFIX_LEN	4
#define ED25519_SIG_LEN	64
#define ED25519_PUB_LEN	32
#define SIG_TYPE_ED25519	0x01
/* signed-note: verifiers may refuse notes with more signatures. */
#define MAX_SIGNATURES	100

/* A key name: non-empty, printable ASCII without spaces or '+' (the spec
 * allows more UTF-8; we never make or need it). */
static int
checkpoint_name_ok(const char *name)
{
	const char	*p;

	if (name[0] == '\0')
		return 0;
	for (p = name; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '+')
			return 0;
	return 1;
}

int
checkpoint_keyid(EVP_PKEY *key, const char *name,
    unsigned char out[CHECKPOINT_KEYID_LEN])
{
	unsigned char	 pub[ED25519_PUB_LEN], md[DIGEST_SHA256_LEN], *buf;
	size_t		 publen = sizeof(pub), nlen = strlen(name);

	if (!EVP_PKEY_is_a(key, "ED25519") ||
	    EVP_PKEY_get_raw_public_key(key, pub, &publen) != 1 ||
	    publen != ED25519_PUB_LEN)
		return -1;
	buf = xmalloc(nlen + 2 + publen);
	memcpy(buf, name, nlen);
	buf[nlen] = '\n';
	buf[nlen + 1] = SIG_TYPE_ED25519;
	memcpy(buf + nlen + 2, pub, publen);
	digest_sha256(buf, nlen + 2 + publen, md);
	free(buf);
	memcpy(out, md, CHECKPOINT_KEYID_LEN);
	return 0;
}

char *
checkpoint_sign(const struct checkpoint *cp, EVP_PKEY *key, const char *name,
    char *err, size_t errlen)
{
	EVP_MD_CTX	*md;
	unsigned char	 sig[CHECKPOINT_KEYID_LEN + ED25519_SIG_LEN];
	char		*root, *body, *b64, *note;
	size_t		 siglen = ED25519_SIG_LEN;
	int		 ok;

	if (!checkpoint_name_ok(cp->origin) || !checkpoint_name_ok(name)) {
		snprintf(err, errlen, "the origin and key name are printable "
		    "ASCII without spaces or '+'");
		return NULL;
	}
	if (checkpoint_keyid(key, name, sig) == -1) {
		snprintf(err, errlen, "the key is not an Ed25519 key");
		return NULL;
	}
	root = base64_encode(cp->root, MERKLE_HASH_LEN, BASE64_STD);
	body = xasprintf("%s\n%" PRIu64 "\n%s\n", cp->origin, cp->size, root);
	free(root);
	if ((md = EVP_MD_CTX_new()) == NULL)
		fatalx("checkpoint_sign: out of memory");
	ok = EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestSign(md, sig + CHECKPOINT_KEYID_LEN, &siglen,
	    (const unsigned char *)body, strlen(body)) == 1 &&
	    siglen == ED25519_SIG_LEN;
	EVP_MD_CTX_free(md);
	if (!ok) {
		snprintf(err, errlen, "Ed25519 signing failed");
		free(body);
		return NULL;
	}
	b64 = base64_encode(sig, sizeof(sig), BASE64_STD);
	note = xasprintf("%s\n" SIG_PREFIX "%s %s\n", body, name, b64);
	free(b64);
	free(body);
	return note;
}

/* A decimal tree size as tlog-checkpoint writes it: no sign, no leading
 * zeros, within 64 bits. */
static int
checkpoint_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* The next line of [p, end): its length, with *next past its newline;
 * -1 when there is no newline. */
static ssize_t
checkpoint_line(const char *p, const char *end, const char **next)
{
	const char	*nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL)
		return -1;
	*next = nl + 1;
	return nl - p;
}

/* The body's three lines into cp: 0 or -1. */
static int
checkpoint_parse_body(const char *p, const char *end, struct checkpoint *cp,
    char *err, size_t errlen)
{
	const char	*next;
	unsigned char	*root = NULL;
	size_t		 rootlen;
	ssize_t		 n;

	if ((n = checkpoint_line(p, end, &next)) <= 0 ||
	    (size_t)n >= sizeof(cp->origin)) {
		snprintf(err, errlen, "the first line (the origin) is missing "
		    "or too long");
		return -1;
	}
	memcpy(cp->origin, p, (size_t)n);
	cp->origin[n] = '\0';
	p = next;
	if ((n = checkpoint_line(p, end, &next)) == -1 ||
	    checkpoint_size(p, (size_t)n, &cp->size) == -1) {
		snprintf(err, errlen, "the second line is not a tree size");
		return -1;
	}
	p = next;
	if ((n = checkpoint_line(p, end, &next)) == -1 ||
	    base64_decode(p, (size_t)n, &root, &rootlen) == -1 ||
	    rootlen != MERKLE_HASH_LEN) {
		free(root);
		snprintf(err, errlen, "the third line is not a base64 "
		    "SHA-256 root hash");
		return -1;
	}
	memcpy(cp->root, root, MERKLE_HASH_LEN);
	free(root);
	return 0;
}

int
checkpoint_verify(const char *note, size_t len, EVP_PKEY *pub,
    const char *name, struct checkpoint *cp, char *err, size_t errlen)
{
	EVP_MD_CTX	*md;
	const char	*end = note + len, *p, *body_end, *next, *sp;
	unsigned char	 keyid[CHECKPOINT_KEYID_LEN], *sig = NULL, *one = NULL;
	size_t		 onelen, nlen = strlen(name), i;
	ssize_t		 n;
	int		 nsigs = 0, found = 0, ok;

	memset(cp, 0, sizeof(*cp));
	if (checkpoint_keyid(pub, name, keyid) == -1) {
		snprintf(err, errlen, "the key is not an Ed25519 key");
		return -1;
	}
	/* Signed notes are UTF-8 without control characters but newline;
	 * Exhibit's are ASCII but for the em dashes. */
	for (i = 0; i < len; i++)
		if ((unsigned char)note[i] < 0x20 && note[i] != '\n') {
			snprintf(err, errlen, "the note holds a control "
			    "character");
			return -1;
		}
	/* The text ends at the last blank line. */
	for (body_end = NULL, p = note; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			body_end = p + 1;
	if (body_end == NULL || len == 0 || end[-1] != '\n') {
		snprintf(err, errlen, "not a signed note: no blank line before "
		    "the signatures, or no final newline");
		return -1;
	}
	if (checkpoint_parse_body(note, body_end, cp, err, errlen) == -1)
		return -1;

	for (p = body_end + 1; p < end; p = next) {
		if ((n = checkpoint_line(p, end, &next)) == -1)
			break;
		if (++nsigs > MAX_SIGNATURES) {
			free(sig);
			snprintf(err, errlen, "more than %d signatures",
			    MAX_SIGNATURES);
			return -1;
		}
		if (n < SIG_PREFIX_LEN || memcmp(p, SIG_PREFIX,
		    SIG_PREFIX_LEN) != 0 || (sp = memchr(p + SIG_PREFIX_LEN,
		    ' ', (size_t)n - SIG_PREFIX_LEN)) == NULL) {
			free(sig);
			snprintf(err, errlen, "a malformed signature line");
			return -1;
		}
		if (base64_decode(sp + 1, (size_t)(p + n - sp - 1), &one,
		    &onelen) == -1 || onelen < CHECKPOINT_KEYID_LEN) {
			free(one);
			free(sig);
			snprintf(err, errlen, "a malformed signature line");
			return -1;
		}
		/* The first line of this name and key decides; other keys'
		 * lines are not ours to judge, but must be well formed. */
		if (!found && (size_t)(sp - p - SIG_PREFIX_LEN) == nlen &&
		    memcmp(p + SIG_PREFIX_LEN, name, nlen) == 0 &&
		    onelen == CHECKPOINT_KEYID_LEN + ED25519_SIG_LEN &&
		    memcmp(one, keyid, CHECKPOINT_KEYID_LEN) == 0) {
			sig = one;
			found = 1;
		} else
			free(one);
		one = NULL;
	}
	if (p < end) {
		free(sig);
		snprintf(err, errlen, "a signature line without a newline");
		return -1;
	}
	if (!found || nsigs == 0) {
		free(sig);
		snprintf(err, errlen, "not signed by %s with this key", name);
		return -1;
	}
	if ((md = EVP_MD_CTX_new()) == NULL)
		fatalx("checkpoint_verify: out of memory");
	ok = EVP_DigestVerifyInit(md, NULL, NULL, NULL, pub) == 1 &&
	    EVP_DigestVerify(md, sig + CHECKPOINT_KEYID_LEN, ED25519_SIG_LEN,
	    (const unsigned char *)note, (size_t)(body_end - note)) == 1;
	EVP_MD_CTX_free(md);
	free(sig);
	if (!ok) {
		snprintf(err, errlen, "the signature by %s does not verify",
		    name);
		return -1;
	}
	return 0;
}
