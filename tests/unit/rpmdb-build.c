/*
 * Test-only writer of rpm header blobs in an SQLite Packages table, the
 * layout of rpm >= 4.16's sqlite backend: an index of big-endian
 * {tag, type, offset, count} entries followed by the data store.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "rpmdb-build.h"

struct hdr {
	unsigned char	idx[16 * 16];
	unsigned char	data[4096];
	uint32_t	il, dl;
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
hdr_entry(struct hdr *h, uint32_t tag, uint32_t type, const void *val,
    size_t len)
{
	/* INT32 data is 4-byte aligned, as rpm lays it out. */
	if (type == 4)
		h->dl = (h->dl + 3) & ~3u;
	put32(h->idx + h->il * 16, tag);
	put32(h->idx + h->il * 16 + 4, type);
	put32(h->idx + h->il * 16 + 8, h->dl);
	put32(h->idx + h->il * 16 + 12, 1);
	memcpy(h->data + h->dl, val, len);
	h->dl += (uint32_t)len;
	h->il++;
}

static void
hdr_string(struct hdr *h, uint32_t tag, const char *s)
{
	hdr_entry(h, tag, 6, s, strlen(s) + 1);
}

static void
hdr_int32(struct hdr *h, uint32_t tag, uint32_t v)
{
	unsigned char	b[4];

	put32(b, v);
	hdr_entry(h, tag, 4, b, 4);
}

static int
rpmdb_fields(char *line, char *name, char *epoch, char *ver, char *rel,
    char *arch)
{
	char	*f[5], *p = line;
	size_t	 i;

	line[strcspn(line, "\r\n")] = '\0';
	for (i = 0; i < 5; i++) {
		if ((f[i] = strsep(&p, "\t")) == NULL || strlen(f[i]) > 250)
			return -1;
	}
	strcpy(name, f[0]);
	strcpy(epoch, f[1]);
	strcpy(ver, f[2]);
	strcpy(rel, f[3]);
	strcpy(arch, f[4]);
	return name[0] != '\0' && ver[0] != '\0' ? 0 : -1;
}

int
rpmdb_build(const char *tsvpath, const char *dbpath)
{
	FILE		*f;
	sqlite3		*db;
	sqlite3_stmt	*st;
	struct hdr	 h;
	unsigned char	 blob[8 + sizeof(h.idx) + sizeof(h.data)];
	char		 line[1024], name[256], epoch[256], ver[256], rel[256];
	char		 arch[256], srpm[1024];
	int		 n = 0;

	if ((f = fopen(tsvpath, "r")) == NULL)
		return -1;
	remove(dbpath);
	if (sqlite3_open(dbpath, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY "
	    "AUTOINCREMENT, blob BLOB NOT NULL)", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)",
	    -1, &st, NULL) != SQLITE_OK) {
		fclose(f);
		sqlite3_close(db);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		/* Tab-separated, so that an empty epoch field is one. */
		if (rpmdb_fields(line, name, epoch, ver, rel, arch) == -1)
			continue;
		memset(&h, 0, sizeof(h));
		hdr_string(&h, 1000, name);
		hdr_string(&h, 1001, ver);
		hdr_string(&h, 1002, rel);
		if (epoch[0] != '\0' && strcmp(epoch, "-") != 0)
			hdr_int32(&h, 1003, (uint32_t)strtoul(epoch, NULL, 10));
		/* A fixed install time per row keeps the database stable. */
		hdr_int32(&h, 1008, 1700000000u + (uint32_t)n * 60);
		hdr_string(&h, 1022, arch);
		snprintf(srpm, sizeof(srpm), "%s-%s-%s.src.rpm", name, ver, rel);
		hdr_string(&h, 1044, srpm);
		put32(blob, h.il);
		put32(blob + 4, h.dl);
		memcpy(blob + 8, h.idx, h.il * 16);
		memcpy(blob + 8 + h.il * 16, h.data, h.dl);
		sqlite3_bind_blob(st, 1, blob, (int)(8 + h.il * 16 + h.dl),
		    SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			break;
		sqlite3_reset(st);
		n++;
	}
	fclose(f);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}
