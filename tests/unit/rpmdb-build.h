/*
 * Build an rpm SQLite database (rpmdb.sqlite) for tests: the fixtures
 * cannot ship one, as it is binary, so they list packages in a .tsv file
 * (name, epoch, version, release, arch; "-" for no epoch) and the tests
 * write the headers rpm would.
 */
#ifndef EXHIBIT_RPMDB_BUILD_H
#define EXHIBIT_RPMDB_BUILD_H

/* Write dbpath from tsvpath; returns the package count, or -1. */
int	rpmdb_build(const char *tsvpath, const char *dbpath);

#endif
