/*
 * A drift item as people and alerts see it: JSON with times in RFC 3339
 * and the detail parsed.  Apart from the engine so that exhibitctl, which
 * has no event loop, can show items too.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <json-c/json.h>

#include "drift.h"
#include "jsonutil.h"
#include "store.h"
#include "timefmt.h"

/* Times that are 0 (not yet) are left out. */
static void
set_time_nz(struct json_object *o, const char *key, time_t t)
{
	if (t != 0)
		jsonutil_set_time(o, key, t);
}

struct json_object *
drift_json(const struct store_drift *d)
{
	struct json_object	*o, *detail;
	char			 err[64];

	o = json_object_new_object();
	jsonutil_set_int64(o, "id", d->id);
	jsonutil_set_string(o, "kind", d->kind);
	jsonutil_set_string(o, "state", d->state);
	if (*d->agent_id) {
		jsonutil_set_string(o, "agent_id", d->agent_id);
		jsonutil_set_string(o, "hostname", d->hostname);
	}
	if (*d->subject)
		jsonutil_set_string(o, "subject", d->subject);
	set_time_nz(o, "opened_at", d->opened_at);
	set_time_nz(o, "updated_at", d->updated_at);
	jsonutil_set_int64(o, "audit_id", d->audit_id);
	if (d->evidence_id != 0)
		jsonutil_set_int64(o, "evidence_id", d->evidence_id);
	detail = d->detail != NULL ? jsonutil_parse(d->detail,
	    strlen(d->detail), err, sizeof(err)) : NULL;
	jsonutil_set(o, "detail", detail != NULL ? detail :
	    json_object_new_object());
	if (d->acked_at != 0) {
		set_time_nz(o, "acked_at", d->acked_at);
		jsonutil_set_string(o, "acked_by", d->acked_by);
		jsonutil_set_string(o, "ack_comment", d->ack_comment);
	}
	if (d->resolved_at != 0) {
		set_time_nz(o, "resolved_at", d->resolved_at);
		jsonutil_set_string(o, "resolution", d->resolution);
	}
	return o;
}

/* An audit as the API and bundles show it. */
struct json_object *
audit_json(const struct store_audit *a)
{
	struct json_object	*o = json_object_new_object();
	char			 t[TIMEFMT_RFC3339_LEN];

	jsonutil_set_int64(o, "id", a->id);
	jsonutil_set_string(o, "name", a->name);
	jsonutil_set_string(o, "started_at", timefmt_rfc3339(a->started_at, t,
	    sizeof(t)));
	jsonutil_set_string(o, "started_by", a->started_by);
	jsonutil_set_bool(o, "scheduled", a->scheduled);
	jsonutil_set_int64(o, "hosts", a->hosts);
	return o;
}

static int
drift_name_in(const char *const *names, const char *s)
{
	for (; *names != NULL; names++)
		if (strcmp(*names, s) == 0)
			return 1;
	return 0;
}

int
drift_state_valid(const char *s)
{
	static const char *const states[] = { "open", "acknowledged",
	    "resolved", "unresolved", NULL };

	return drift_name_in(states, s);
}

int
drift_kind_valid(const char *s)
{
	static const char *const kinds[] = { "rule_regressed",
	    "rule_recovered", "evidence_changed", "host_new", "host_silent",
	    "identity", "ruleset_changed", NULL };

	return drift_name_in(kinds, s);
}
