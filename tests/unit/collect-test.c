/*
 * Collector test harness.  Fixture roots live in tests/fixtures/NAME; git
 * keeps neither owners nor most modes, so a fixture that needs them lists
 * them in tests/fixtures/NAME.modes and tests that care use a copy.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect-test.h"
#include "evidence.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "rpmdb-build.h"
#include "xmalloc.h"

const char *
fixture_path(const char *name)
{
	static char	buf[4096];

	snprintf(buf, sizeof(buf), "%s/fixtures/%s", TEST_SRCDIR, name);
	return buf;
}

static void
run_or_fail(const char *cmd)
{
	int	status = system(cmd);

	if (status != 0)
		fail_msg("command failed (%d): %s", status, cmd);
}

/*
 * What the hostile fixture cannot keep in git (tests/fixtures/README.md):
 * a 64 MiB text file, a 1 GiB sparse log, a FIFO where sshd includes
 * files, and a file name that is not UTF-8.
 */
static void
fixture_hostile_extras(const char *dir)
{
	static const char	 line[] = "minlen = 8\n";
	char			*path, chunk[1 << 16];
	size_t			 i;
	FILE			*f;

	memset(chunk, '\n', sizeof(chunk));
	for (i = 0; i + sizeof(line) - 1 <= sizeof(chunk); i += sizeof(line) - 1)
		memcpy(chunk + i, line, sizeof(line) - 1);
	path = xasprintf("mkdir -p '%s/etc/security' '%s/var/log' "
	    "'%s/etc/ssh/sshd_config.d' '%s/etc/sysctl.d'", dir, dir, dir, dir);
	run_or_fail(path);
	free(path);
	path = xasprintf("%s/etc/security/pwquality.conf", dir);
	(void)unlink(path);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	for (i = 0; i < (64u << 20) / sizeof(chunk); i++)
		if (fwrite(chunk, 1, sizeof(chunk), f) != sizeof(chunk))
			fail_msg("cannot write %s", path);
	fclose(f);
	free(path);
	path = xasprintf("%s/var/log/dpkg.log", dir);
	(void)unlink(path);
	if ((f = fopen(path, "w")) == NULL || ftruncate(fileno(f),
	    (off_t)1 << 30) == -1)
		fail_msg("cannot make sparse %s", path);
	fclose(f);
	free(path);
	path = xasprintf("%s/etc/ssh/sshd_config.d/65-fifo.conf", dir);
	(void)unlink(path);
	if (mkfifo(path, 0644) == -1)
		fail_msg("mkfifo %s", path);
	free(path);
	path = xasprintf("%s/etc/sysctl.d/\xff\xfe.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	fputs("vm.exhibit_test_name = 1\n", f);
	fclose(f);
	free(path);
}

/*
 * Ages the fixtures README asks for: a clone's files all carry the
 * checkout time, which would make "how old are the signatures" depend on
 * when the tree was cloned.  Directories age every file in them.
 */
static const struct {
	const char	*fixture;
	const char	*path;
	long		 days;
} fixture_ages[] = {
	{ "debian12-default", "var/lib/apt/lists", 1 },
	{ "debian12-hardened", "var/lib/apt/lists", 1 },
	{ "debian12-hardened", "var/lib/apt/periodic", 1 },
	{ "debian12-hardened", "var/lib/clamav", 1 },
	{ "debian12-hardened", "var/lib/aide/aide.db", 1 },
	{ "debian12-drifted", "var/lib/apt/lists", 1 },
	{ "debian12-drifted", "var/lib/apt/periodic", 1 },
	{ "debian12-drifted", "var/lib/clamav", 1 },
	{ "debian12-drifted", "var/lib/aide/aide.db", 1 },
	{ "debian12-weak", "var/lib/apt/lists", 120 },
	{ "debian12-weak", "var/lib/clamav", 120 },
	{ "debian12-weak", "run/reboot-required", 30 },
	{ "rhel9", "var/lib/aide/aide.db.gz", 1 },
};

static void
fixture_age(const char *dir, const char *rel, long days)
{
	struct timespec	 ts[2];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*path, *sub;

	path = xasprintf("%s/%s", dir, rel);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - days * 86400;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (lstat(path, &st) == -1) {
		free(path);
		return;
	}
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			sub = xasprintf("%s/%s", rel, de->d_name);
			fixture_age(dir, sub, days);
			free(sub);
		}
		closedir(d);
	}
	if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) == -1)
		fail_msg("utimensat %s failed", path);
	free(path);
}

char *
fixture_copy(const char *name)
{
	char	 tmpl[] = "/tmp/exhibit-fixture.XXXXXX", *dir, *cmd;
	char	 modes[4096], line[4096], path[4096];
	unsigned int mode;
	long	 uid, gid;
	FILE	*f;

	if ((dir = mkdtemp(tmpl)) == NULL)
		fail_msg("mkdtemp failed");
	dir = xstrdup(dir);
	/* -a keeps symlinks as symlinks, escaping ones included. */
	cmd = xasprintf("cp -a '%s/.' '%s/'", fixture_path(name), dir);
	run_or_fail(cmd);
	free(cmd);

	if (strcmp(name, "hostile") == 0)
		fixture_hostile_extras(dir);

	/* The rpm database is binary: built from the fixture's list. */
	snprintf(modes, sizeof(modes), "%s/fixtures/%s.rpms.tsv", TEST_SRCDIR,
	    name);
	if (access(modes, R_OK) == 0) {
		cmd = xasprintf("mkdir -p '%s/var/lib/rpm'", dir);
		run_or_fail(cmd);
		free(cmd);
		snprintf(path, sizeof(path), "%s/var/lib/rpm/rpmdb.sqlite", dir);
		if (rpmdb_build(modes, path) <= 0)
			fail_msg("cannot build %s from %s", path, modes);
	}

	for (size_t i = 0; i < sizeof(fixture_ages) / sizeof(fixture_ages[0]);
	    i++)
		if (strcmp(fixture_ages[i].fixture, name) == 0)
			fixture_age(dir, fixture_ages[i].path,
			    fixture_ages[i].days);

	snprintf(modes, sizeof(modes), "%s/fixtures/%s.modes", TEST_SRCDIR,
	    name);
	if ((f = fopen(modes, "r")) == NULL)
		return dir;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%o %ld %ld %4095s", &mode, &uid, &gid,
		    path) != 4)
			fail_msg("%s: bad line: %s", modes, line);
		cmd = xasprintf("%s/%s", dir, path);
		if (lchown(cmd, (uid_t)uid, (gid_t)gid) == -1 &&
		    geteuid() == 0)
			fail_msg("chown %s failed", cmd);
		if (chmod(cmd, mode) == -1)
			fail_msg("chmod %s failed", cmd);
		free(cmd);
	}
	fclose(f);
	return dir;
}

void
fixture_remove(char *path)
{
	char	*cmd;

	if (path == NULL)
		return;
	cmd = xasprintf("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'",
	    path, path);
	run_or_fail(cmd);
	free(cmd);
	free(path);
}

int
test_quick(void)
{
	return getenv("EXHIBIT_TEST_QUICK") != NULL;
}

char *
tmproot_new(void)
{
	char	tmpl[] = "/tmp/exhibit-root.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp failed");
	return xstrdup(tmpl);
}

void
tmproot_write(const char *root, const char *path, const char *content)
{
	char	*full, *p;
	FILE	*f;

	full = xasprintf("%s/%s", root, path[0] == '/' ? path + 1 : path);
	for (p = full + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(full, 0755);
		*p = '/';
	}
	if ((f = fopen(full, "w")) == NULL)
		fail_msg("cannot write %s", full);
	fputs(content, f);
	fclose(f);
	free(full);
}

void
collect_run(const char *root, int (*collect)(struct section *),
    const char *name, size_t max_file_size, struct collect_result *r)
{
	struct hostroot	*hr;
	struct section	*s;

	hr = hostroot_open(root, max_file_size ? max_file_size : 4 << 20);
	if (hr == NULL)
		fail_msg("cannot open root %s", root);
	r->errors = json_object_new_array();
	s = section_new(name, hr);
	collect(s);
	r->section = section_finish_json(s, r->errors);
	section_free(s);
	hostroot_free(hr);
}

struct json_object *
section_finish_json(struct section *s, struct json_object *errors)
{
	struct json_object	*o;
	char			*text, err[128];

	text = section_finish(s, errors);
	if ((o = jsonutil_parse(text, strlen(text), err, sizeof(err))) == NULL)
		fail_msg("section %s is not JSON: %s", section_name(s), err);
	free(text);
	return o;
}

struct json_object *
collect_document(struct hostroot *hr, const char *const *only, size_t nonly)
{
	struct json_object	*doc;
	char			*text, err[128];

	text = evidence_collect(hr, only, nonly);
	if ((doc = jsonutil_parse(text, strlen(text), err, sizeof(err))) ==
	    NULL)
		fail_msg("the document is not JSON: %s", err);
	free(text);
	return doc;
}

void
collect_result_free(struct collect_result *r)
{
	json_object_put(r->section);
	json_object_put(r->errors);
	r->section = r->errors = NULL;
}

struct json_object *
jpath(struct json_object *obj, const char *path)
{
	char	 key[256];
	size_t	 n;
	long	 idx;
	char	*end;

	while (obj != NULL && *path != '\0') {
		n = strcspn(path, ".[");
		if (n > 0) {
			if (n >= sizeof(key))
				return NULL;
			memcpy(key, path, n);
			key[n] = '\0';
			if (!json_object_is_type(obj, json_type_object) ||
			    !json_object_object_get_ex(obj, key, &obj))
				return NULL;
			path += n;
		}
		if (*path == '[') {
			idx = strtol(path + 1, &end, 10);
			if (*end != ']' || idx < 0 ||
			    !json_object_is_type(obj, json_type_array) ||
			    (size_t)idx >= json_object_array_length(obj))
				return NULL;
			obj = json_object_array_get_idx(obj, (size_t)idx);
			path = end + 1;
		}
		if (*path == '.')
			path++;
	}
	return obj;
}

static void	dump_and_fail(struct collect_result *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
dump_and_fail(struct collect_result *r, const char *fmt, ...)
{
	va_list	ap;
	char	msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error("section: %s\nerrors: %s\n",
	    jsonutil_to_string(r->section, 1),
	    jsonutil_to_string(r->errors, 1));
	fail_msg("%s", msg);
}

void
assert_jstr(struct collect_result *r, const char *path, const char *want)
{
	struct json_object	*v = jpath(r->section, path);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		dump_and_fail(r, "%s: not a string (want \"%s\")", path, want);
	if (strcmp(json_object_get_string(v), want) != 0)
		dump_and_fail(r, "%s: \"%s\", want \"%s\"", path,
		    json_object_get_string(v), want);
}

void
assert_jint(struct collect_result *r, const char *path, int64_t want)
{
	struct json_object	*v = jpath(r->section, path);

	if (v == NULL || !json_object_is_type(v, json_type_int))
		dump_and_fail(r, "%s: not an integer (want %lld)", path,
		    (long long)want);
	if (json_object_get_int64(v) != want)
		dump_and_fail(r, "%s: %lld, want %lld", path,
		    (long long)json_object_get_int64(v), (long long)want);
}

void
assert_jbool(struct collect_result *r, const char *path, int want)
{
	struct json_object	*v = jpath(r->section, path);

	if (v == NULL || !json_object_is_type(v, json_type_boolean))
		dump_and_fail(r, "%s: not a boolean (want %d)", path, want);
	if ((json_object_get_boolean(v) != 0) != (want != 0))
		dump_and_fail(r, "%s: %d, want %d", path,
		    json_object_get_boolean(v), want);
}

void
assert_jabsent(struct collect_result *r, const char *path)
{
	if (jpath(r->section, path) != NULL)
		dump_and_fail(r, "%s: present, want absent", path);
}

int
collect_errors_matching(struct collect_result *r, const char *text)
{
	struct json_object	*e;
	const char		*msg;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < json_object_array_length(r->errors); i++) {
		e = json_object_array_get_idx(r->errors, i);
		if (jsonutil_get_string(e, "message", &msg) == 0 &&
		    (text == NULL || strstr(msg, text) != NULL))
			n++;
	}
	return n;
}

const char *
collect_source_status(struct collect_result *r, const char *path)
{
	struct json_object	*srcs, *src;
	const char		*p, *status;
	size_t			 i;

	if ((srcs = jpath(r->section, "sources")) == NULL)
		return NULL;
	for (i = 0; i < json_object_array_length(srcs); i++) {
		src = json_object_array_get_idx(srcs, i);
		if (jsonutil_get_string(src, "path", &p) == 0 &&
		    strcmp(p, path) == 0) {
			if (jsonutil_get_string(src, "status", &status) == 0)
				return status;
			return "read";
		}
	}
	return NULL;
}
