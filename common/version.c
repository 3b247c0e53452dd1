/*
 * Version comparison with dpkg's semantics (deb-version(7)), written from
 * the algorithm in its manual: compare the epochs as numbers, then the
 * upstream versions, then the revisions, each by alternating non-digit
 * and digit runs, where "~" sorts before anything, even the end of the
 * string, and letters sort before other characters.  The rpm ordering
 * follows rpmvercmp() as rpm documents it: alphanumeric segments compared
 * one by one, numbers as numbers, a numeric segment newer than an alpha
 * one, "~" and "^" as special separators.
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
