/*
 * Package version ordering, as the package managers themselves order
 * versions.  Used by the agent (upgradable packages, newest kernel) and
 * by the rule engine (version_lt and friends).
 */
#ifndef EXHIBIT_VERSION_H
#define EXHIBIT_VERSION_H

/* dpkg's ordering ([epoch:]upstream[-revision], "~" before everything,
 * even the end): <0, 0 or >0 like strcmp. */
int	version_cmp_dpkg(const char *, const char *);

#endif
