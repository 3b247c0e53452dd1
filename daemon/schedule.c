/*
 * Audit schedules.  Named periods are calendars ("quarterly" is 00:00 on
 * the first of January, April, July and October), so audits land on the
 * dates people plan them for, not on a drifting interval.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "timefmt.h"

/* "*" or "a,b,c" of numbers in [lo, hi] into a bit set. */
static int
field(const char **sp, int lo, int hi, unsigned long *bits)
{
	const char	*s = *sp;
	char		*end;
	long		 v;

	*bits = 0;
	if (*s == '*') {
		for (v = lo; v <= hi; v++)
			*bits |= 1UL << v;
		*sp = s + 1;
		return 0;
	}
	for (;;) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = strtol(s, &end, 10);
		if (v < lo || v > hi)
			return -1;
		*bits |= 1UL << v;
		s = end;
		if (*s != ',')
			break;
		s++;
	}
	*sp = s;
	return 0;
}

int
schedule_parse(const char *text, struct schedule *sc, char *err,
    size_t errlen)
{
	const char	*s = text;
	unsigned long	 months;
	long long	 secs;
	int		 h, m, n;

	memset(sc, 0, sizeof(*sc));
	if (text == NULL || *text == '\0' || strcmp(text, "none") == 0)
		return 0;
	sc->kind = SCHEDULE_CALENDAR;
	if (strcmp(text, "daily") == 0 || strcmp(text, "monthly") == 0 ||
	    strcmp(text, "quarterly") == 0) {
		sc->months = text[0] == 'q' ? (1u << 1 | 1u << 4 | 1u << 7 |
		    1u << 10) : 0x1ffe;
		sc->days = text[0] == 'd' ? 0xfffffffeUL : 1UL << 1;
		return 0;
	}
	if (strcmp(text, "weekly") == 0) {
		/* Mondays: seven days apart from 1970-01-05. */
		sc->kind = SCHEDULE_INTERVAL;
		sc->every = 7 * 86400;
		sc->aligned = 1;
		return 0;
	}
	if (strncmp(s, "*-", 2) == 0) {
		s += 2;
		if (field(&s, 1, 12, &months) == -1 || *s++ != '-' ||
		    field(&s, 1, 31, &sc->days) == -1 || *s++ != ' ' ||
		    sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] != '\0' ||
		    h < 0 || h > 23 || m < 0 || m > 59) {
			snprintf(err, errlen, "calendar \"%s\" is not "
			    "\"*-MM-DD HH:MM\" (months and days: * or "
			    "comma lists)", text);
			return -1;
		}
		sc->months = (unsigned)months;
		sc->hour = h;
		sc->minute = m;
		return 0;
	}
	if (timefmt_parse_duration(text, &secs) == 0 && secs >= 3600) {
		sc->kind = SCHEDULE_INTERVAL;
		sc->every = secs;
		return 0;
	}
	snprintf(err, errlen, "schedule \"%s\" is not none, daily, weekly, "
	    "monthly, quarterly, a duration of an hour or more, or "
	    "\"*-MM-DD HH:MM\"", text);
	return -1;
}

#define MONDAY_1970	(4 * 86400)

time_t
schedule_next(const struct schedule *sc, time_t last, time_t anchor)
{
	struct tm	 tm;
	time_t		 base = last != 0 ? last : anchor, day, t;
	int		 i;

	switch (sc->kind) {
	case SCHEDULE_INTERVAL:
		if (!sc->aligned)
			return base + (time_t)sc->every;
		return MONDAY_1970 + ((base - MONDAY_1970) / sc->every + 1) *
		    (time_t)sc->every;
	case SCHEDULE_CALENDAR:
		day = base - base % 86400;
		/* Four years hold every month and day a calendar can name
		 * (29 February included). */
		for (i = 0; i <= 4 * 366 + 1; i++, day += 86400) {
			if (gmtime_r(&day, &tm) == NULL)
				return 0;
			if (!(sc->months & (1u << (tm.tm_mon + 1))) ||
			    !(sc->days & (1UL << tm.tm_mday)))
				continue;
			t = day + sc->hour * 3600 + sc->minute * 60;
			if (t > base)
				return t;
		}
		return 0;
	default:
		return 0;
	}
}
