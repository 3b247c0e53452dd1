/*
 * RFC 3339 timestamps and human durations.  Parsing is strict: evidence and
 * tokens carry these, and "2026-13-45" must not quietly become March.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

char *
timefmt_rfc3339(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		if (len > 0)
			buf[0] = '\0';
	}
	return buf;
}

/* Read exactly n digits. */
static int
timefmt_digits(const char **sp, int n, int *out)
{
	const char	*s = *sp;
	int		 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

static int
timefmt_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil), so no TZ or timegm() is involved. */
static long long
timefmt_days(int y, int m, int d)
{
	long long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
timefmt_parse_rfc3339(const char *s, time_t *out)
{
	static const int mdays[] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int		 y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, dim;
	long long	 t;

	if (timefmt_digits(&s, 4, &y) == -1 || *s++ != '-' ||
	    timefmt_digits(&s, 2, &mo) == -1 || *s++ != '-' ||
	    timefmt_digits(&s, 2, &d) == -1)
		return -1;
	if (*s != 'T' && *s != 't')
		return -1;
	s++;
	if (timefmt_digits(&s, 2, &h) == -1 || *s++ != ':' ||
	    timefmt_digits(&s, 2, &mi) == -1 || *s++ != ':' ||
	    timefmt_digits(&s, 2, &sec) == -1)
		return -1;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (timefmt_digits(&s, 2, &oh) == -1 || *s++ != ':' ||
		    timefmt_digits(&s, 2, &om) == -1 || oh > 23 || om > 59)
			return -1;
	} else
		return -1;
	if (*s != '\0')
		return -1;

	if (mo < 1 || mo > 12 || d < 1)
		return -1;
	dim = mdays[mo - 1] + (mo == 2 && timefmt_leap(y));
	/* A leap second (:60) is accepted and counted as :59. */
	if (d > dim || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (sec == 60)
		sec = 59;

	t = timefmt_days(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec;
	t -= sign * (oh * 3600LL + om * 60LL);
	if (sizeof(time_t) < sizeof(long long) &&
	    (t > INT32_MAX || t < INT32_MIN))
		return -1;
	*out = (time_t)t;
	return 0;
}

int
timefmt_parse_duration(const char *s, long long *seconds)
{
	long long	 total = 0, n, unit;
	int		 any = 0;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = 0;
		while (isdigit((unsigned char)*s)) {
			if (n > (LLONG_MAX - 9) / 10)
				return -1;
			n = n * 10 + (*s++ - '0');
		}
		switch (*s) {
		case '\0':
			/* A bare number is seconds, but only on its own. */
			if (any)
				return -1;
			unit = 1;
			break;
		case 's': unit = 1; s++; break;
		case 'm': unit = 60; s++; break;
		case 'h': unit = 3600; s++; break;
		case 'd': unit = 86400; s++; break;
		case 'w': unit = 7 * 86400; s++; break;
		default:
			return -1;
		}
		if (n > (LLONG_MAX - total) / unit)
			return -1;
		total += n * unit;
		any = 1;
	}
	*seconds = total;
	return 0;
}

time_t
timefmt_now(void)
{
	return time(NULL);
}

int
timefmt_parse_when(const char *s, time_t *out)
{
	char	buf[32];

	if (timefmt_parse_rfc3339(s, out) == 0)
		return 0;
	/* A bare date: the same parser on its midnight. */
	if (strlen(s) != 10 || strchr(s, 'T') != NULL || strchr(s, 't') != NULL)
		return -1;
	snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
	return timefmt_parse_rfc3339(buf, out);
}
