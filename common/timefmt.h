/*
 * Time as people and protocols write it: RFC 3339 timestamps (always
 * produced in UTC, "2026-11-27T20:31:00Z") and durations ("15m", "7d").
 */
#ifndef EXHIBIT_TIMEFMT_H
#define EXHIBIT_TIMEFMT_H

#include <stddef.h>
#include <time.h>

#define TIMEFMT_RFC3339_LEN	21	/* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* Format t as UTC; buf must hold TIMEFMT_RFC3339_LEN.  Returns buf. */
char	*timefmt_rfc3339(time_t t, char *buf, size_t len);

/* Parse an RFC 3339 date-time ("Z" or a numeric offset, optional fraction,
 * which is dropped).  Returns 0, or -1 when s is not exactly one. */
int	 timefmt_parse_rfc3339(const char *s, time_t *out);

/* A point in time as people type it: an RFC 3339 date-time, or a date
 * "YYYY-MM-DD" meaning its first second (UTC).  0 or -1. */
int	 timefmt_parse_when(const char *s, time_t *out);

/* Parse a duration: a number of seconds, or one or more <number><unit>
 * groups with units s, m, h, d, w ("90", "15m", "1h30m").  Returns 0 or
 * -1 on bad input or overflow. */
int	 timefmt_parse_duration(const char *s, long long *seconds);

/* Current wall-clock time. */
time_t	 timefmt_now(void);

#endif
