/*
 * Checking waivers.  Every field is bounded by the store's columns and
 * must be printable: they end up in reports auditors read.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonutil.h"
#include "store.h"
#include "timefmt.h"
#include "waiver.h"

static int
field(char *dst, size_t size, const char *name, const char *val, char *err,
    size_t errlen)
{
	const unsigned char	*p;

	if (val == NULL || *val == '\0') {
		snprintf(err, errlen, "%s is required", name);
		return -1;
	}
	if (strlen(val) >= size) {
		snprintf(err, errlen, "%s is longer than %zu characters", name,
		    size - 1);
		return -1;
	}
	for (p = (const unsigned char *)val; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "%s holds a control character",
			    name);
			return -1;
		}
	snprintf(dst, size, "%s", val);
	return 0;
}

int
waiver_fill(struct store_waiver *w, const char *rule, const char *host,
    const char *owner, const char *justification, const char *expires,
    time_t now, char *err, size_t errlen)
{
	long long	 secs;
	time_t		 t;

	if (field(w->rule_id, sizeof(w->rule_id), "the rule", rule, err,
	    errlen) == -1 ||
	    field(w->host, sizeof(w->host), "the host", host, err,
	    errlen) == -1 ||
	    field(w->owner, sizeof(w->owner), "the owner", owner, err,
	    errlen) == -1 ||
	    field(w->justification, sizeof(w->justification),
	    "the justification", justification, err, errlen) == -1)
		return -1;
	if (expires == NULL || *expires == '\0') {
		snprintf(err, errlen, "the expiry is required: waivers lapse "
		    "by themselves");
		return -1;
	}
	if (timefmt_parse_when(expires, &t) == -1) {
		if (timefmt_parse_duration(expires, &secs) == -1) {
			snprintf(err, errlen, "the expiry \"%.32s\" is neither "
			    "a date, an RFC 3339 time nor a duration", expires);
			return -1;
		}
		t = now + (time_t)secs;
	}
	if (t <= now) {
		snprintf(err, errlen, "the expiry is not in the future");
		return -1;
	}
	if (t - now > (time_t)WAIVER_MAX_DAYS * 86400) {
		snprintf(err, errlen, "the expiry is more than %d days ahead",
		    WAIVER_MAX_DAYS);
		return -1;
	}
	w->expires_at = t;
	return 0;
}

const char *
waiver_state(const struct store_waiver *w, time_t now)
{
	if (w->removed_at != 0 && w->removed_at <= now)
		return "removed";
	if (now >= w->expires_at)
		return "expired";
	return "active";
}

struct json_object *
waiver_json(const struct store_waiver *w, time_t now)
{
	struct json_object	*o = json_object_new_object();

	jsonutil_set_int64(o, "id", w->id);
	jsonutil_set_string(o, "state", waiver_state(w, now));
	jsonutil_set_string(o, "rule", w->rule_id);
	jsonutil_set_string(o, "host", w->host);
	jsonutil_set_string(o, "owner", w->owner);
	jsonutil_set_string(o, "justification", w->justification);
	jsonutil_set_time(o, "created_at", w->created_at);
	jsonutil_set_string(o, "created_by", w->created_by);
	jsonutil_set_time(o, "expires_at", w->expires_at);
	if (w->removed_at != 0) {
		jsonutil_set_time(o, "removed_at", w->removed_at);
		jsonutil_set_string(o, "removed_by", w->removed_by);
	}
	return o;
}
