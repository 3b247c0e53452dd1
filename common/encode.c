/*
 * Hex and base64.  Our own small codecs rather than OpenSSL's EVP_Encode*:
 * those accept embedded whitespace and sloppy padding, and envelopes we
 * verify must decode one way only.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "log.h"
#include "xmalloc.h"

static const char hexdigits[] = "0123456789abcdef";
static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
hex_encode_buf(const void *data, size_t len, char *out)
{
	const unsigned char	*p = data;
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hexdigits[p[i] >> 4];
		out[2 * i + 1] = hexdigits[p[i] & 0xf];
	}
	out[2 * len] = '\0';
	return out;
}

char *
hex_encode(const void *data, size_t len)
{
	return hex_encode_buf(data, len, xreallocarray(NULL, len + 1, 2));
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *s, size_t slen, void *out, size_t outlen)
{
	unsigned char	*o = out;
	size_t		 i;
	int		 hi, lo;

	if (outlen > SIZE_MAX / 2 || slen != 2 * outlen)
		return -1;
	for (i = 0; i < outlen; i++) {
		if ((hi = hex_value(s[2 * i])) == -1 ||
		    (lo = hex_value(s[2 * i + 1])) == -1)
			return -1;
		o[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

char *
base64_encode(const void *data, size_t len, enum base64_alphabet alpha)
{
	const unsigned char	*p = data;
	const char		*tab = alpha == BASE64_URL ? b64url : b64std;
	char			*s, *o;
	size_t			 i;
	uint32_t		 v;

	if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
		fatalx("base64_encode: %zu bytes is too long", len);
	o = s = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 0x3f];
		*o++ = tab[(v >> 6) & 0x3f];
		*o++ = tab[v & 0x3f];
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 0x3f];
		if (alpha == BASE64_STD) {
			*o++ = '=';
			*o++ = '=';
		}
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 0x3f];
		*o++ = tab[(v >> 6) & 0x3f];
		if (alpha == BASE64_STD)
			*o++ = '=';
	}
	*o = '\0';
	return s;
}

/* Value of c in base64, noting which alphabet it belongs to (1 = standard
 * only, 2 = URL-safe only, 3 = both), or -1. */
static int
base64_value(char c, int *which)
{
	if (c >= 'A' && c <= 'Z') {
		*which = 3;
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		*which = 3;
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		*which = 3;
		return c - '0' + 52;
	}
	switch (c) {
	case '+':
		*which = 1;
		return 62;
	case '/':
		*which = 1;
		return 63;
	case '-':
		*which = 2;
		return 62;
	case '_':
		*which = 2;
		return 63;
	}
	return -1;
}

int
base64_decode(const char *s, size_t slen, unsigned char **out, size_t *outlen)
{
	unsigned char	*o;
	size_t		 ndata, npad, i, n;
	uint32_t	 acc = 0;
	int		 v, which, seen = 3;

	*out = NULL;
	*outlen = 0;

	/* Padding, when present, must make the length a multiple of four. */
	npad = 0;
	while (npad < 2 && npad < slen && s[slen - 1 - npad] == '=')
		npad++;
	ndata = slen - npad;
	if (npad > 0 && slen % 4 != 0)
		return -1;
	if (ndata % 4 == 1)
		return -1;

	o = xmalloc(ndata / 4 * 3 + 3);
	n = 0;
	for (i = 0; i < ndata; i++) {
		if ((v = base64_value(s[i], &which)) == -1)
			goto fail;
		/* Refuse a string that mixes the two alphabets. */
		if ((seen &= which) == 0)
			goto fail;
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			o[n++] = (unsigned char)(acc >> 16);
			o[n++] = (unsigned char)(acc >> 8);
			o[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	/* Leftover bits that do not make a byte must be zero, so that every
	 * byte string has exactly one accepted encoding. */
	switch (ndata % 4) {
	case 2:
		if (acc & 0xf)
			goto fail;
		o[n++] = (unsigned char)(acc >> 4);
		break;
	case 3:
		if (acc & 0x3)
			goto fail;
		o[n++] = (unsigned char)(acc >> 10);
		o[n++] = (unsigned char)(acc >> 2);
		break;
	}
	o[n] = '\0';
	*out = o;
	*outlen = n;
	return 0;
fail:
	free(o);
	return -1;
}
