/*
 * Installed-package databases.  dpkg and apk keep text files, read line by
 * line in constant memory; rpm (RHEL 9 and later) keeps an SQLite
 * database whose rows are rpm header blobs, opened read-only and immutable
 * so that nothing is ever written to the host's database.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sqlite3.h>

#include "digest.h"
#include "fileio.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "linereader.h"
#include "path.h"
#include "pkgdb.h"
#include "section.h"
#include "version.h"
#include "xmalloc.h"

/* Package databases grow with the package count, not with
 * configuration: their bound is independent of max_file_size. */
#define PKGDB_MAX_BYTES		(512u * 1024 * 1024)

#define DPKG_STATUS		"/var/lib/dpkg/status"
#define APK_INSTALLED		"/lib/apk/db/installed"

static const char *const rpmdb_paths[] = {
	"/var/lib/rpm/rpmdb.sqlite",
	"/usr/lib/sysimage/rpm/rpmdb.sqlite",
};

struct pkgdb_cache {
	struct pkgdb		 db;
};

const char *
pkgdb_format_name(enum pkgdb_format f)
{
	switch (f) {
	case PKGDB_DPKG:
		return "dpkg";
	case PKGDB_RPM:
		return "rpm";
	case PKGDB_APK:
		return "apk";
	default:
		return "none";
	}
}

static void
pkgdb_add(struct pkgdb *db, size_t *alloc, struct pkg *p)
{
	if (db->count == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 256;
		db->pkgs = xreallocarray(db->pkgs, *alloc, sizeof(*db->pkgs));
	}
	db->pkgs[db->count++] = *p;
	memset(p, 0, sizeof(*p));
}

static void
pkg_clear(struct pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->source);
	memset(p, 0, sizeof(*p));
}

static void
pkg_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static int
pkg_cmp(const void *a, const void *b)
{
	const struct pkg	*pa = a, *pb = b;
	int			 r;

	if ((r = strcmp(pa->name, pb->name)) != 0)
		return r;
	return strcmp(pa->arch ? pa->arch : "", pb->arch ? pb->arch : "");
}

/* Status: "install ok installed": installed when the third word is
 * "installed", held when the first is "hold". */
static int
dpkg_status_words(const char *val, int *installed, int *hold)
{
	const char	*w[3];
	size_t		 len[3], i;

	for (i = 0; i < 3; i++) {
		val += strspn(val, " \t");
		w[i] = val;
		len[i] = strcspn(val, " \t");
		if (len[i] == 0)
			return -1;
		val += len[i];
	}
	if (val[strspn(val, " \t")] != '\0')
		return -1;
	*installed = len[2] == 9 && strncmp(w[2], "installed", 9) == 0;
	*hold = len[0] == 4 && strncmp(w[0], "hold", 4) == 0;
	return 0;
}

/*
 * dpkg's status file: RFC 822-like stanzas.  A package is installed when
 * the third word of Status is "installed" (half-installed, unpacked,
 * config-files and the rest are not).  Field names are case-insensitive,
 * as dpkg treats them.
 */
static void
pkgdb_read_dpkg(struct section *s, struct pkgdb *db)
{
	struct linereader	*lr;
	struct pkg		 cur = { 0 };
	char			*line, *key, *val;
	size_t			 lineno, alloc = 0, start = 0, keylen;
	int			 installed = 0, hold = 0, done;

	if ((lr = linereader_open(s, DPKG_STATUS, PKGDB_MAX_BYTES)) == NULL)
		return;
	db->format = PKGDB_DPKG;
	db->path = DPKG_STATUS;
	do {
		line = linereader_next(lr, &lineno);
		done = line == NULL;
		if (done || *line == '\0') {
			if (cur.name != NULL && installed) {
				if (cur.version == NULL)
					section_error(s, "%s:%zu: package %s "
					    "has no Version", DPKG_STATUS,
					    start, cur.name);
				else {
					cur.hold = hold;
					pkgdb_add(db, &alloc, &cur);
				}
			} else if (cur.name == NULL && installed)
				section_error(s, "%s:%zu: installed stanza "
				    "without Package", DPKG_STATUS, start);
			pkg_clear(&cur);
			installed = hold = 0;
			start = 0;
			continue;
		}
		if (start == 0)
			start = lineno;
		/* Continuation lines belong to multi-line fields we skip. */
		if (*line == ' ' || *line == '\t')
			continue;
		if ((val = strchr(line, ':')) == NULL) {
			section_error(s, "%s:%zu: not a field", DPKG_STATUS,
			    lineno);
			continue;
		}
		keylen = (size_t)(val - line);
		*val++ = '\0';
		key = line;
		while (*val == ' ' || *val == '\t')
			val++;
		/* Most fields are none of these: length first, it is cheap
		 * (thousands of stanzas, a dozen fields each). */
		if (keylen != 6 && keylen != 7 && keylen != 12)
			continue;
		if (strcasecmp(key, "Package") == 0)
			pkg_set(&cur.name, val);
		else if (strcasecmp(key, "Version") == 0)
			pkg_set(&cur.version, val);
		else if (strcasecmp(key, "Architecture") == 0)
			pkg_set(&cur.arch, val);
		else if (strcasecmp(key, "Source") == 0) {
			/* "Source: openssh (1:9.2p1-2)": the name only. */
			val[strcspn(val, " \t(")] = '\0';
			pkg_set(&cur.source, val);
		} else if (strcasecmp(key, "Status") == 0) {
			/* "want flag status": three words. */
			if (dpkg_status_words(val, &installed, &hold) == -1)
				section_error(s, "%s:%zu: malformed Status",
				    DPKG_STATUS, lineno);
		}
	} while (!done);
	pkg_clear(&cur);
	db->complete = linereader_close(lr) == 0;
}

/* apk's installed database: "X:value" lines, a blank line per package. */
static void
pkgdb_read_apk(struct section *s, struct pkgdb *db)
{
	struct linereader	*lr;
	struct pkg		 cur = { 0 };
	char			*line;
	size_t			 lineno, alloc = 0;
	int			 done;

	if ((lr = linereader_open(s, APK_INSTALLED, PKGDB_MAX_BYTES)) == NULL)
		return;
	db->format = PKGDB_APK;
	db->path = APK_INSTALLED;
	do {
		line = linereader_next(lr, &lineno);
		done = line == NULL;
		if (done || *line == '\0') {
			if (cur.name != NULL && cur.version != NULL)
				pkgdb_add(db, &alloc, &cur);
			else if (cur.name != NULL || cur.version != NULL)
				section_error(s, "%s:%zu: package entry "
				    "without P: or V:", APK_INSTALLED, lineno);
			pkg_clear(&cur);
			continue;
		}
		if (line[0] == '\0' || line[1] != ':')
			continue;
		switch (line[0]) {
		case 'P':
			pkg_set(&cur.name, line + 2);
			break;
		case 'V':
			pkg_set(&cur.version, line + 2);
			break;
		case 'A':
			pkg_set(&cur.arch, line + 2);
			break;
		case 'o':
			pkg_set(&cur.source, line + 2);
			break;
		}
	} while (!done);
	pkg_clear(&cur);
	db->complete = linereader_close(lr) == 0;
}

/* rpm header tags and types we read (rpmtag.h). */
#define RPMTAG_NAME		1000
#define RPMTAG_VERSION		1001
#define RPMTAG_RELEASE		1002
#define RPMTAG_EPOCH		1003
#define RPMTAG_INSTALLTIME	1008
#define RPMTAG_ARCH		1022
#define RPMTAG_SOURCERPM	1044
#define RPM_INT32_TYPE		4
#define RPM_STRING_TYPE		6

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * One rpm header blob: a count of index entries, the data size, the index
 * ({tag, type, offset, count}, big-endian) and the data.  Everything is
 * bounds-checked: the database is the host's, and may be hostile.
 */
static int
rpm_header_parse(const unsigned char *blob, size_t len, struct pkg *p)
{
	const unsigned char	*idx, *data, *end;
	uint32_t		 il, dl, i, tag, type, off, count;
	char			*epoch = NULL, *version = NULL, *release = NULL;
	const char		*str;
	long long		 num;

	if (len < 8)
		return -1;
	il = be32(blob);
	dl = be32(blob + 4);
	if (il == 0 || il > 0xffff || dl > len ||
	    (size_t)il * 16 > len - 8 - dl)
		return -1;
	idx = blob + 8;
	data = idx + (size_t)il * 16;
	for (i = 0; i < il; i++) {
		tag = be32(idx + i * 16);
		type = be32(idx + i * 16 + 4);
		off = be32(idx + i * 16 + 8);
		count = be32(idx + i * 16 + 12);
		if (off >= dl || count == 0)
			continue;
		if (type == RPM_STRING_TYPE) {
			str = (const char *)data + off;
			if ((end = memchr(str, '\0', dl - off)) == NULL)
				return -1;
		} else if (type == RPM_INT32_TYPE) {
			if (dl - off < 4)
				return -1;
			num = be32(data + off);
			str = NULL;
		} else
			continue;
		switch (tag) {
		case RPMTAG_NAME:
			if (str != NULL)
				pkg_set(&p->name, str);
			break;
		case RPMTAG_VERSION:
			if (str != NULL)
				version = xstrdup(str);
			break;
		case RPMTAG_RELEASE:
			if (str != NULL)
				release = xstrdup(str);
			break;
		case RPMTAG_ARCH:
			if (str != NULL)
				pkg_set(&p->arch, str);
			break;
		case RPMTAG_SOURCERPM:
			if (str != NULL)
				pkg_set(&p->source, str);
			break;
		case RPMTAG_EPOCH:
			if (str == NULL)
				epoch = xasprintf("%lld", num);
			break;
		case RPMTAG_INSTALLTIME:
			if (str == NULL)
				p->installed_at = num;
			break;
		}
	}
	if (p->name == NULL || version == NULL) {
		free(epoch);
		free(version);
		free(release);
		return -1;
	}
	p->version = xasprintf("%s%s%s%s%s", epoch ? epoch : "",
	    epoch ? ":" : "", version, release ? "-" : "",
	    release ? release : "");
	free(epoch);
	free(version);
	free(release);
	/* "openssh-8.7p1-34.el9.src.rpm" names the source package
	 * "openssh": drop ".src.rpm" and the version and release. */
	if (p->source != NULL) {
		char	*dash;
		size_t	 n = strlen(p->source);

		if (n > 8 && strcmp(p->source + n - 8, ".src.rpm") == 0)
			p->source[n - 8] = '\0';
		if ((dash = strrchr(p->source, '-')) != NULL) {
			*dash = '\0';
			if ((dash = strrchr(p->source, '-')) != NULL)
				*dash = '\0';
		}
	}
	return 0;
}

/* SHA-256 and size of an open file, read to its end. */
static int
pkgdb_hash_fd(int fd, char hex[DIGEST_SHA256_HEXLEN], size_t *size)
{
	unsigned char	*buf;
	size_t		 len;

	if (fileio_read_fd(fd, PKGDB_MAX_BYTES, (char **)&buf, &len) == -1)
		return -1;
	digest_sha256_hex(buf, len, hex);
	*size = len;
	free(buf);
	return 0;
}

static void
pkgdb_read_rpm(struct section *s, struct pkgdb *db, const char *path)
{
	sqlite3		*sq = NULL;
	sqlite3_stmt	*st = NULL;
	struct pkg	 cur = { 0 };
	char		 hex[DIGEST_SHA256_HEXLEN], *uri = NULL;
	size_t		 alloc = 0, size, bad = 0;
	int		 fd, rc;

	fd = path_open_in_root(hostroot_fd(section_root(s)), path,
	    O_RDONLY | O_NOCTTY | O_NONBLOCK, NULL);
	if (fd == -1) {
		section_error(s, "%s: %s", path, strerror(errno));
		return;
	}
	db->format = PKGDB_RPM;
	db->path = path;
	if (pkgdb_hash_fd(fd, hex, &size) == -1) {
		section_error(s, "%s: %s", path, strerror(errno));
		close(fd);
		return;
	}
	/*
	 * SQLite opens by name; the name of our already-resolved descriptor
	 * keeps the in-root resolution.  immutable=1: no locks, no journal,
	 * no -wal or -shm files created next to the host's database.
	 */
	uri = xasprintf("file:/proc/self/fd/%d?immutable=1", fd);
	rc = sqlite3_open_v2(uri, &sq, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL);
	if (rc != SQLITE_OK ||
	    sqlite3_prepare_v2(sq, "SELECT blob FROM Packages", -1, &st,
	    NULL) != SQLITE_OK) {
		section_error(s, "%s: not an rpm SQLite database: %s", path,
		    sq ? sqlite3_errmsg(sq) : "cannot open");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rpm_header_parse(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), &cur) == -1) {
			bad++;
			pkg_clear(&cur);
			continue;
		}
		/* Imported signing keys appear as pseudo-packages. */
		if (strcmp(cur.name, "gpg-pubkey") == 0)
			pkg_clear(&cur);
		else
			pkgdb_add(db, &alloc, &cur);
	}
	if (rc != SQLITE_DONE)
		section_error(s, "%s: %s", path, sqlite3_errmsg(sq));
	else if (bad > 0)
		section_error(s, "%s: %zu malformed package headers skipped",
		    path, bad);
	else
		db->complete = 1;
	section_add_source(s, path, hex, size);
out:
	sqlite3_finalize(st);
	sqlite3_close(sq);
	free(uri);
	close(fd);
}

static void
pkgdb_load(struct section *s, struct pkgdb *db)
{
	struct stat	st;
	size_t		i;

	/* The first database present decides the format. */
	pkgdb_read_dpkg(s, db);
	if (db->format != PKGDB_NONE)
		return;
	for (i = 0; i < sizeof(rpmdb_paths) / sizeof(rpmdb_paths[0]); i++) {
		if (section_stat(s, rpmdb_paths[i], &st, 0) == 0) {
			pkgdb_read_rpm(s, db, rpmdb_paths[i]);
			return;
		}
		section_add_absent(s, rpmdb_paths[i]);
	}
	if (section_stat(s, "/var/lib/rpm/Packages", &st, 0) == 0) {
		section_error(s, "/var/lib/rpm/Packages: rpm BerkeleyDB "
		    "databases (RHEL 8 and older) are not supported");
		return;
	}
	pkgdb_read_apk(s, db);
}

static void
pkgdb_cache_free(void *p)
{
	struct pkgdb_cache	*c = p;
	size_t			 i;

	for (i = 0; i < c->db.count; i++)
		pkg_clear(&c->db.pkgs[i]);
	free(c->db.pkgs);
	free(c);
}

static void *
pkgdb_shared_load(struct section *priv, const void *arg)
{
	struct pkgdb_cache	*c = xcalloc(1, sizeof(*c));

	(void)arg;
	pkgdb_load(priv, &c->db);
	if (c->db.count > 0)
		qsort(c->db.pkgs, c->db.count, sizeof(*c->db.pkgs), pkg_cmp);
	return c;
}

const struct pkgdb *
pkgdb_get(struct section *s)
{
	struct pkgdb_cache	*c;

	c = section_shared(s, "pkgdb", pkgdb_shared_load, NULL,
	    pkgdb_cache_free);
	return &c->db;
}

const struct pkg *
pkgdb_find(const struct pkgdb *db, const char *name)
{
	size_t	lo = 0, hi = db->count, mid;

	/* Lower bound: the first entry of that name, whatever its arch. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(db->pkgs[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < db->count && strcmp(db->pkgs[lo].name, name) == 0)
		return &db->pkgs[lo];
	return NULL;
}

int
pkgdb_version_cmp(const struct pkgdb *db, const char *a, const char *b)
{
	switch (db->format) {
	case PKGDB_RPM:
		return version_cmp_rpm(a, b);
	case PKGDB_APK:
		/* Not dpkg's: that puts "_rc1" after the release and
		 * "-r0" level with none. */
		return version_cmp_apk(a, b);
	default:
		return version_cmp_dpkg(a, b);
	}
}
