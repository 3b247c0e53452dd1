/*
 * Waivers as people write them, checked the same way whether they come
 * from exhibitctl or the API.
 */
#ifndef EXHIBIT_WAIVER_H
#define EXHIBIT_WAIVER_H

#include <stddef.h>
#include <time.h>

struct json_object;
struct store_waiver;

/* A waiver may last a year at most: accepted risks are reviewed. */
#define WAIVER_MAX_DAYS	366

/*
 * Fill w from what a person gave (any may be NULL: "missing"); expires
 * is a date, an RFC 3339 time, or a duration from now.  0, or -1 with a
 * sentence in err naming the first problem.
 */
int	waiver_fill(struct store_waiver *w, const char *rule, const char *host,
	    const char *owner, const char *justification, const char *expires,
	    time_t now, char *err, size_t errlen);

/* "active", "expired" or "removed" at now. */
const char *waiver_state(const struct store_waiver *, time_t now);

/* The waiver as the API shows it. */
struct json_object *waiver_json(const struct store_waiver *, time_t now);

#endif
