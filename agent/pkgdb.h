/*
 * The host's installed-package database, whichever package manager keeps
 * it: dpkg (/var/lib/dpkg/status), rpm (rpmdb.sqlite) or apk
 * (/lib/apk/db/installed).  Parsed once per collection run and shared by
 * every collector that asks whether something is installed.
 */
#ifndef EXHIBIT_PKGDB_H
#define EXHIBIT_PKGDB_H

#include <stddef.h>

struct section;

enum pkgdb_format {
	PKGDB_NONE,		/* no package database found */
	PKGDB_DPKG,
	PKGDB_RPM,
	PKGDB_APK,
};

struct pkg {
	char	*name;
	char	*version;	/* as the package manager writes it; rpm:
				 * [epoch:]version-release */
	char	*arch;		/* NULL when the database has none */
	char	*source;	/* source package (dpkg Source, rpm SRPM
				 * name, apk origin); NULL when not given */
	int	 hold;		/* dpkg: selection is "hold" */
	long long installed_at;	/* rpm install time; 0 when unknown */
};

struct pkgdb {
	enum pkgdb_format	 format;
	const char		*path;		/* the database file read */
	struct pkg		*pkgs;		/* sorted by name, then arch */
	size_t			 count;
	int			 complete;	/* read to the end, no error */
};

/* The database for this section's root, recording its sources (and any
 * error met reading it) in s.  Never NULL. */
const struct pkgdb	*pkgdb_get(struct section *s);

/* First installed package with this name, or NULL. */
const struct pkg	*pkgdb_find(const struct pkgdb *, const char *name);

/* Version ordering of this database's package manager. */
int	 pkgdb_version_cmp(const struct pkgdb *, const char *, const char *);

const char *pkgdb_format_name(enum pkgdb_format);

#endif
