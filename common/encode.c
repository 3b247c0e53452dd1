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
/*
 * Each character's value (low 6 bits) and the alphabets it belongs to
 * (bit 6: standard, bit 7: URL-safe); 0 for none.  A table: decoding
 * envelopes and proofs is on the ingest and verify hot paths.
 */
#define B64_STD	0x40
#define B64_URL	0x80
static const unsigned char base64_table[256] = {
	['A'] = 0 | B64_STD | B64_URL, ['B'] = 1 | B64_STD | B64_URL,
	['C'] = 2 | B64_STD | B64_URL, ['D'] = 3 | B64_STD | B64_URL,
	['E'] = 4 | B64_STD | B64_URL, ['F'] = 5 | B64_STD | B64_URL,
	['G'] = 6 | B64_STD | B64_URL, ['H'] = 7 | B64_STD | B64_URL,
	['I'] = 8 | B64_STD | B64_URL, ['J'] = 9 | B64_STD | B64_URL,
	['K'] = 10 | B64_STD | B64_URL, ['L'] = 11 | B64_STD | B64_URL,
	['M'] = 12 | B64_STD | B64_URL, ['N'] = 13 | B64_STD | B64_URL,
	['O'] = 14 | B64_STD | B64_URL, ['P'] = 15 | B64_STD | B64_URL,
	['Q'] = 16 | B64_STD | B64_URL, ['R'] = 17 | B64_STD | B64_URL,
	['S'] = 18 | B64_STD | B64_URL, ['T'] = 19 | B64_STD | B64_URL,
	['U'] = 20 | B64_STD | B64_URL, ['V'] = 21 | B64_STD | B64_URL,
	['W'] = 22 | B64_STD | B64_URL, ['X'] = 23 | B64_STD | B64_URL,
	['Y'] = 24 | B64_STD | B64_URL, ['Z'] = 25 | B64_STD | B64_URL,
	['a'] = 26 | B64_STD | B64_URL, ['b'] = 27 | B64_STD | B64_URL,
	['c'] = 28 | B64_STD | B64_URL, ['d'] = 29 | B64_STD | B64_URL,
	['e'] = 30 | B64_STD | B64_URL, ['f'] = 31 | B64_STD | B64_URL,
	['g'] = 32 | B64_STD | B64_URL, ['h'] = 33 | B64_STD | B64_URL,
	['i'] = 34 | B64_STD | B64_URL, ['j'] = 35 | B64_STD | B64_URL,
	['k'] = 36 | B64_STD | B64_URL, ['l'] = 37 | B64_STD | B64_URL,
	['m'] = 38 | B64_STD | B64_URL, ['n'] = 39 | B64_STD | B64_URL,
	['o'] = 40 | B64_STD | B64_URL, ['p'] = 41 | B64_STD | B64_URL,
	['q'] = 42 | B64_STD | B64_URL, ['r'] = 43 | B64_STD | B64_URL,
	['s'] = 44 | B64_STD | B64_URL, ['t'] = 45 | B64_STD | B64_URL,
	['u'] = 46 | B64_STD | B64_URL, ['v'] = 47 | B64_STD | B64_URL,
	['w'] = 48 | B64_STD | B64_URL, ['x'] = 49 | B64_STD | B64_URL,
	['y'] = 50 | B64_STD | B64_URL, ['z'] = 51 | B64_STD | B64_URL,
	['0'] = 52 | B64_STD | B64_URL, ['1'] = 53 | B64_STD | B64_URL,
	['2'] = 54 | B64_STD | B64_URL, ['3'] = 55 | B64_STD | B64_URL,
	['4'] = 56 | B64_STD | B64_URL, ['5'] = 57 | B64_STD | B64_URL,
	['6'] = 58 | B64_STD | B64_URL, ['7'] = 59 | B64_STD | B64_URL,
	['8'] = 60 | B64_STD | B64_URL, ['9'] = 61 | B64_STD | B64_URL,
	['+'] = 62 | B64_STD, ['/'] = 63 | B64_STD,
	['-'] = 62 | B64_URL, ['_'] = 63 | B64_URL,
};

int
base64_decode(const char *s, size_t slen, unsigned char **out, size_t *outlen)
{
	unsigned char	*o;
	size_t		 ndata, npad, i, n;
	uint32_t	 acc = 0;
	unsigned	 t, seen = B64_STD | B64_URL;

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
		/* Refuse a string that mixes the two alphabets. */
		if ((seen &= (t = base64_table[(unsigned char)s[i]])) == 0)
			goto fail;
		acc = acc << 6 | (t & 0x3f);
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
