/*
 * Version comparison with dpkg's semantics (deb-version(7)), written from
 * the algorithm in its manual: compare the epochs as numbers, then the
 * upstream versions, then the revisions, each by alternating non-digit
 * and digit runs, where "~" sorts before anything, even the end of the
 * string, and letters sort before other characters.  The rpm ordering
 * follows rpmvercmp() as rpm documents it: alphanumeric segments compared
 * one by one, numbers as numbers, a numeric segment newer than an alpha
 * one, "~" and "^" as special separators.  The apk ordering follows the
 * grammar apk-tools' version.c tokenizes, N{.N}[a-z]{_suffix[N]}[~hex]
 * [-rN], and its rule for where two versions part ways.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"
#include "xmalloc.h"

static int
dpkg_order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c != 0)
		return c + 256;
	return 0;
}

static int
dpkg_verrevcmp(const char *a, const char *b)
{
	int	first_diff, ac, bc;

	while (*a != '\0' || *b != '\0') {
		first_diff = 0;
		while ((*a != '\0' && !isdigit((unsigned char)*a)) ||
		    (*b != '\0' && !isdigit((unsigned char)*b))) {
			ac = dpkg_order((unsigned char)*a);
			bc = dpkg_order((unsigned char)*b);
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (first_diff == 0)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff != 0)
			return first_diff;
	}
	return 0;
}

struct dpkg_version {
	unsigned long	 epoch;
	char		*buf;
	const char	*upstream;
	const char	*revision;
};

static void
dpkg_split(const char *v, struct dpkg_version *out)
{
	char	*colon, *hyphen, *end;

	out->buf = xstrdup(v);
	out->epoch = 0;
	out->upstream = out->buf;
	colon = strchr(out->buf, ':');
	if (colon != NULL) {
		out->epoch = strtoul(out->buf, &end, 10);
		/* A malformed epoch counts as 0 and stays in the upstream
		 * part, so such versions still order deterministically. */
		if (end == colon && end != out->buf)
			out->upstream = colon + 1;
		else
			out->epoch = 0;
	}
	hyphen = strrchr(out->upstream, '-');
	if (hyphen != NULL) {
		*hyphen = '\0';
		out->revision = hyphen + 1;
	} else
		out->revision = "";
}

int
version_cmp_dpkg(const char *a, const char *b)
{
	struct dpkg_version	va, vb;
	int			r;

	dpkg_split(a, &va);
	dpkg_split(b, &vb);
	if (va.epoch != vb.epoch)
		r = va.epoch < vb.epoch ? -1 : 1;
	else if ((r = dpkg_verrevcmp(va.upstream, vb.upstream)) == 0)
		r = dpkg_verrevcmp(va.revision, vb.revision);
	free(va.buf);
	free(vb.buf);
	return r;
}

int
version_rpmvercmp(const char *a, const char *b)
{
	const char	*one = a, *two = b, *e1, *e2;
	size_t		 l1, l2;
	int		 isnum, rc;

	if (strcmp(a, b) == 0)
		return 0;
	while (*one != '\0' || *two != '\0') {
		while (*one != '\0' && !isalnum((unsigned char)*one) &&
		    *one != '~' && *one != '^')
			one++;
		while (*two != '\0' && !isalnum((unsigned char)*two) &&
		    *two != '~' && *two != '^')
			two++;
		if (*one == '~' || *two == '~') {
			if (*one != '~')
				return 1;
			if (*two != '~')
				return -1;
			one++;
			two++;
			continue;
		}
		if (*one == '^' || *two == '^') {
			if (*one == '\0')
				return -1;
			if (*two == '\0')
				return 1;
			if (*one != '^')
				return 1;
			if (*two != '^')
				return -1;
			one++;
			two++;
			continue;
		}
		if (*one == '\0' || *two == '\0')
			break;
		e1 = one;
		e2 = two;
		if (isdigit((unsigned char)*e1)) {
			while (isdigit((unsigned char)*e1))
				e1++;
			while (isdigit((unsigned char)*e2))
				e2++;
			isnum = 1;
		} else {
			while (isalpha((unsigned char)*e1))
				e1++;
			while (isalpha((unsigned char)*e2))
				e2++;
			isnum = 0;
		}
		/* Segments of different kinds: the number is newer. */
		if (e2 == two)
			return isnum ? 1 : -1;
		if (isnum) {
			while (*one == '0' && one < e1 - 1)
				one++;
			while (*two == '0' && two < e2 - 1)
				two++;
			l1 = (size_t)(e1 - one);
			l2 = (size_t)(e2 - two);
			if (l1 != l2)
				return l1 > l2 ? 1 : -1;
		}
		l1 = (size_t)(e1 - one);
		l2 = (size_t)(e2 - two);
		rc = strncmp(one, two, l1 < l2 ? l1 : l2);
		if (rc == 0 && l1 != l2)
			rc = l1 < l2 ? -1 : 1;
		if (rc != 0)
			return rc < 0 ? -1 : 1;
		one = e1;
		two = e2;
	}
	if (*one == '\0' && *two == '\0')
		return 0;
	return *one == '\0' ? -1 : 1;
}

struct rpm_evr {
	char		*buf;
	unsigned long	 epoch;
	const char	*version;
	const char	*release;
};

static void
rpm_split(const char *evr, struct rpm_evr *out)
{
	char	*p, *end, *dash;

	out->buf = xstrdup(evr);
	out->epoch = 0;
	p = out->buf;
	end = p;
	while (isdigit((unsigned char)*end))
		end++;
	if (*end == ':') {
		out->epoch = strtoul(p, NULL, 10);
		p = end + 1;
	}
	out->version = p;
	if ((dash = strrchr(p, '-')) != NULL) {
		*dash = '\0';
		out->release = dash + 1;
	} else
		out->release = "";
}

int
version_cmp_rpm(const char *a, const char *b)
{
	struct rpm_evr	ea, eb;
	int		r;

	rpm_split(a, &ea);
	rpm_split(b, &eb);
	if (ea.epoch != eb.epoch)
		r = ea.epoch < eb.epoch ? -1 : 1;
	else if ((r = version_rpmvercmp(ea.version, eb.version)) == 0)
		r = version_rpmvercmp(ea.release, eb.release);
	free(ea.buf);
	free(eb.buf);
	return r;
}

/*
 * apk.  A version is a sequence of tokens of these kinds, each kind only
 * after the ones before it in this list (a suffix may repeat).  The list
 * order is also the ordering where two versions part ways with tokens of
 * different kinds: the later kind is the older version ("1.2.3" newer
 * than "1.2a" newer than "1.2_p1" newer than "1.2-r1" newer than "1.2"),
 * except that a pre-release suffix is older than whatever the other has
 * there, even its end ("1.2_rc1" older than "1.2").
 */
enum apk_kind {
	APK_INITIAL,		/* the leading number */
	APK_DIGIT,		/* ".N" */
	APK_LETTER,		/* one of a-z, after a number */
	APK_SUFFIX,		/* "_rc" */
	APK_SUFFIX_NO,		/* its number, "_rc1" */
	APK_HASH,		/* "~" and lower-case hex, a commit */
	APK_REVISION,		/* "-rN" */
	APK_END,
	APK_INVALID,
};

/* In order; "" stands for no suffix, so that an index below it is a
 * pre-release. */
static const char *const apk_suffixes[] = {
	"alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p",
};
#define APK_RELEASE	4

struct apk_token {
	enum apk_kind	 kind;
	int		 suffix;	/* APK_SUFFIX: index in apk_suffixes */
	const char	*val;		/* digits, letter or hash */
	size_t		 len;
};

static size_t
apk_span(const char *s, int hex)
{
	size_t	n = 0;

	/* ASCII ranges, not <ctype.h>, which would follow the locale. */
	while ((s[n] >= '0' && s[n] <= '9') ||
	    (hex && s[n] >= 'a' && s[n] <= 'f'))
		n++;
	return n;
}

static void
apk_digits(struct apk_token *t, const char **p, enum apk_kind kind)
{
	t->val = *p;
	t->len = apk_span(*p, 0);
	t->kind = t->len > 0 ? kind : APK_INVALID;
	*p += t->len;
}

static void
apk_suffix(struct apk_token *t, const char **p)
{
	size_t	len = 0, i;

	while ((*p)[len] >= 'a' && (*p)[len] <= 'z')
		len++;
	t->kind = APK_INVALID;
	for (i = 0; i < sizeof(apk_suffixes) / sizeof(apk_suffixes[0]);
	    i++) {
		/* Whole names only: "_p" is not a prefix of "_pre". */
		if (i != APK_RELEASE && strlen(apk_suffixes[i]) == len &&
		    strncmp(*p, apk_suffixes[i], len) == 0) {
			t->kind = APK_SUFFIX;
			t->suffix = (int)i;
			break;
		}
	}
	*p += len;
}

/* The token after t, of which t holds the previous one. */
static void
apk_next(struct apk_token *t, const char **p)
{
	const char	*s = *p;

	if (*s >= 'a' && *s <= 'z') {
		if (t->kind > APK_DIGIT)
			goto invalid;
		t->kind = APK_LETTER;
		t->val = s;
		t->len = 1;
		*p = s + 1;
		return;
	}
	switch (*s) {
	case '\0':
		t->kind = APK_END;
		return;
	case '.':
		if (t->kind > APK_DIGIT)
			goto invalid;
		*p = s + 1;
		apk_digits(t, p, APK_DIGIT);
		return;
	case '_':
		if (t->kind > APK_SUFFIX_NO)
			goto invalid;
		*p = s + 1;
		apk_suffix(t, p);
		return;
	case '~':
		if (t->kind >= APK_HASH)
			goto invalid;
		t->val = s + 1;
		t->len = apk_span(t->val, 1);
		t->kind = t->len > 0 ? APK_HASH : APK_INVALID;
		*p = t->val + t->len;
		return;
	case '-':
		if (t->kind >= APK_REVISION || s[1] != 'r')
			goto invalid;
		*p = s + 2;
		apk_digits(t, p, APK_REVISION);
		return;
	default:
		/* Digits run to their end, so a digit here follows a
		 * letter or a suffix: only a suffix may be numbered. */
		if (*s >= '0' && *s <= '9' && t->kind == APK_SUFFIX) {
			apk_digits(t, p, APK_SUFFIX_NO);
			return;
		}
		break;
	}
invalid:
	t->kind = APK_INVALID;
}

static int
apk_valid(const char *v)
{
	struct apk_token	t;

	apk_digits(&t, &v, APK_INITIAL);
	while (t.kind < APK_END)
		apk_next(&t, &v);
	return t.kind == APK_END;
}

/* Digit strings by numeric value, whatever their length. */
static int
apk_number_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	r;

	while (alen > 1 && *a == '0') {
		a++;
		alen--;
	}
	while (blen > 1 && *b == '0') {
		b++;
		blen--;
	}
	if (alen != blen)
		return alen < blen ? -1 : 1;
	r = memcmp(a, b, alen);
	return r < 0 ? -1 : r > 0;
}

static int
apk_string_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	r;

	r = memcmp(a, b, alen < blen ? alen : blen);
	if (r == 0 && alen != blen)
		return alen < blen ? -1 : 1;
	return r < 0 ? -1 : r > 0;
}

/* Two tokens of the same kind. */
static int
apk_token_cmp(const struct apk_token *a, const struct apk_token *b)
{
	switch (a->kind) {
	case APK_DIGIT:
		/* Gentoo's rule: "1.02" is older than "1.1". */
		if (a->val[0] == '0' || b->val[0] == '0')
			return apk_string_cmp(a->val, a->len, b->val, b->len);
		return apk_number_cmp(a->val, a->len, b->val, b->len);
	case APK_INITIAL:
	case APK_SUFFIX_NO:
	case APK_REVISION:
		return apk_number_cmp(a->val, a->len, b->val, b->len);
	case APK_LETTER:
		return a->val[0] < b->val[0] ? -1 : a->val[0] > b->val[0];
	case APK_SUFFIX:
		return a->suffix < b->suffix ? -1 : a->suffix > b->suffix;
	default:
		/* APK_HASH: a commit has no order but a stable one. */
		return apk_string_cmp(a->val, a->len, b->val, b->len);
	}
}

int
version_cmp_apk(const char *a, const char *b)
{
	struct apk_token	ta, tb;
	int			va, vb, r;

	va = apk_valid(a);
	vb = apk_valid(b);
	if (!va || !vb) {
		if (va != vb)
			return va ? -1 : 1;
		r = strcmp(a, b);
		return r < 0 ? -1 : r > 0;
	}
	apk_digits(&ta, &a, APK_INITIAL);
	apk_digits(&tb, &b, APK_INITIAL);
	while (ta.kind == tb.kind && ta.kind < APK_END) {
		if ((r = apk_token_cmp(&ta, &tb)) != 0)
			return r;
		apk_next(&ta, &a);
		apk_next(&tb, &b);
	}
	/* Both valid, so both ended or they parted ways here. */
	if (ta.kind == tb.kind)
		return 0;
	if (ta.kind == APK_SUFFIX && ta.suffix < APK_RELEASE)
		return -1;
	if (tb.kind == APK_SUFFIX && tb.suffix < APK_RELEASE)
		return 1;
	return ta.kind > tb.kind ? -1 : 1;
}
