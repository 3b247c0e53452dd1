/*
 * Hex and base64 (RFC 4648).  Encoders allocate; decoders are strict and
 * refuse anything that is not exactly one encoding of some bytes.
 */
#ifndef EXHIBIT_ENCODE_H
#define EXHIBIT_ENCODE_H

#include <stddef.h>

/* Lowercase hex, NUL-terminated, allocated. */
char	*hex_encode(const void *, size_t);

/* The same into out, which must hold 2 * len + 1 bytes.  Returns out. */
char	*hex_encode_buf(const void *, size_t len, char *out);

/* Decode exactly 2*outlen hex digits (either case) from s of length slen.
 * Returns 0, or -1 on a bad digit or a length mismatch. */
int	 hex_decode(const char *s, size_t slen, void *out, size_t outlen);

enum base64_alphabet {
	BASE64_STD,	/* "+/" with "=" padding */
	BASE64_URL,	/* "-_" without padding */
};

char	*base64_encode(const void *, size_t, enum base64_alphabet);

/* Decode either alphabet (not both mixed), with or without padding.
 * Refuses whitespace, bad characters, wrong padding and non-zero trailing
 * bits.  *out is allocated (and NUL-terminated for convenience). */
int	 base64_decode(const char *s, size_t slen, unsigned char **out,
	    size_t *outlen);

#endif
