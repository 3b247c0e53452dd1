/*
 * When scheduled audits start: "none", "daily", "weekly", "monthly",
 * "quarterly", a duration ("90d"), or a calendar "*-MM-DD HH:MM" whose
 * month and day fields take "*" or comma lists ("*-01,07-01 09:00").
 * Times are UTC.
 */
#ifndef EXHIBIT_SCHEDULE_H
#define EXHIBIT_SCHEDULE_H

#include <stddef.h>
#include <time.h>

struct schedule {
	int		 kind;		/* SCHEDULE_* */
	long long	 every;		/* SCHEDULE_INTERVAL: seconds */
	int		 aligned;	/* weekly: on Mondays 00:00 */
	unsigned	 months;	/* SCHEDULE_CALENDAR: bit m (1-12) */
	unsigned long	 days;		/* bit d (1-31) */
	int		 hour, minute;
};

#define SCHEDULE_NONE		0
#define SCHEDULE_INTERVAL	1
#define SCHEDULE_CALENDAR	2

/* 0, or -1 with a sentence in err. */
int	schedule_parse(const char *, struct schedule *, char *err,
	    size_t errlen);

/*
 * When the next audit is due, given the last scheduled one (0: none yet)
 * and, for intervals, the anchor to count from when there was none.
 * Calendars: the latest calendar point after last (the first one after
 * anchor when there was none).  0 for SCHEDULE_NONE.
 */
time_t	schedule_next(const struct schedule *, time_t last, time_t anchor);

#endif
