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

/*
 * apk's ordering (apk-tools' apk_version_compare()) of Alpine versions,
 * "N{.N}[letter]{_suffix[N]}[~hash][-rN]":
 *   - numbers compare as numbers, except that a dotted component with a
 *     leading zero in either version compares as a string ("1.02" <
 *     "1.1", Gentoo's rule);
 *   - _alpha < _beta < _pre < _rc < (no suffix) < _cvs < _svn < _git <
 *     _hg < _p, each suffix optionally numbered;
 *   - where one version stops and the other goes on, the longer is newer
 *     unless what follows is a pre-release suffix: "1.2_rc1" < "1.2" <
 *     "1.2-r0" < "1.2_p1" < "1.2a" < "1.2.0";
 *   - "~hash" (a commit) compares as a string.
 * This is the current apk-tools version.c; older apk-tools 2.x differ
 * only in corners real packages avoid: a leading-zero component against
 * one of another length ("1.0" vs "1.00"), a number after the letter
 * ("1.2a3", now invalid) and "~hash" (then invalid).  Numbers of any
 * length compare exactly, where apk reads them into 64 bits.
 *
 * Strings apk would reject ("1.0bc", "1.0-1", "", "1.0_foo") are not
 * versions to it and it gives them no consistent order; here they sort
 * after every valid version and among themselves bytewise (strcmp), so
 * that the order is total and a sort of mixed input is deterministic.
 */
int	version_cmp_apk(const char *, const char *);

#endif
