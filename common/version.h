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

/* rpm's ordering: rpmvercmp() on each of epoch (as a number, absent is
 * 0), version and release of "[epoch:]version[-release]"; "~" sorts
 * before anything and "^" after the end but before anything else. */
int	version_cmp_rpm(const char *, const char *);

/* rpmvercmp() itself, on one version or release string. */
int	version_rpmvercmp(const char *, const char *);

#endif
