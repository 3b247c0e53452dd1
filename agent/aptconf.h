/*
 * apt.conf(5) syntax, enough to read the periodic-update and
 * unattended-upgrades settings from /etc/apt/apt.conf.d.
 */
#ifndef EXHIBIT_APTCONF_H
#define EXHIBIT_APTCONF_H

#include <json-c/json.h>

struct section;

/*
 * Read the files of /etc/apt/apt.conf.d in sorted order, then
 * /etc/apt/apt.conf, as apt does.  Returns an object mapping lowercased
 * option names ("apt::periodic::unattended-upgrade") to their last value
 * (a string) or, for lists, an array of strings.
 */
struct json_object *aptconf_read(struct section *);

#endif
