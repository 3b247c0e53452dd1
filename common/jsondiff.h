/*
 * Field-level differences between two JSON values, for people: each
 * change is {"path", "old", "new"} with paths written as rule paths
 * ("a.b[2].c", "a[\"x.y\"]"), so a drift item's diff can be pasted into
 * a rule.  A member only one side has shows the other side's as absent
 * ("old" or "new" left out).
 */
#ifndef EXHIBIT_JSONDIFF_H
#define EXHIBIT_JSONDIFF_H

#include <stddef.h>

#include <json-c/json.h>

/* Append to changes (an array) the differences between a and b below
 * prefix, at most max of them; returns how many there were in all, so
 * callers can say how many were left out. */
size_t	jsondiff(struct json_object *a, struct json_object *b,
	    const char *prefix, struct json_object *changes, size_t max);

#endif
