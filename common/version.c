/*
 * Version comparison with dpkg's semantics (deb-version(7)), written from
 * the algorithm in its manual: compare the epochs as numbers, then the
 * upstream versions, then the revisions, each by alternating non-digit
 * and digit runs, where "~" sorts before anything, even the end of the
 * string, and letters sort before other characters.
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
