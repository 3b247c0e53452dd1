/*
 * Unit tests for agent/collect-file-permissions.c.  git keeps neither
 * owners nor most modes, so every fixture is used through fixture_copy(),
 * which applies its .modes file; the expected values below are those
 * files' lines.  Owners can only be set as root, so owner checks run
 * only then.
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

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect-test.h"
#include "collect.h"
#include "jsonutil.h"
#include "xmalloc.h"

static char *
troot_new(void)
{
	char	tmpl[] = "/tmp/exhibit-perms.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	return xstrdup(tmpl);
}

static void
troot_parents(const char *root, const char *rel)
{
	char	*path, *p;

	path = xasprintf("%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	free(path);
}

static void
troot_write(const char *root, const char *rel, const char *text,
    mode_t mode)
{
	char	*path;
	FILE	*f;

	troot_parents(root, rel);
	path = xasprintf("%s/%s", root, rel);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	if (chmod(path, mode) == -1)
		fail_msg("chmod %s", path);
	free(path);
}

static void
troot_mkdir(const char *root, const char *rel, mode_t mode)
{
	char	*path;

	troot_parents(root, rel);
	path = xasprintf("%s/%s", root, rel);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
	if (chmod(path, mode) == -1)
		fail_msg("chmod %s", path);
	free(path);
}

static void
troot_symlink(const char *root, const char *rel, const char *target)
{
	char	*path;

	troot_parents(root, rel);
	path = xasprintf("%s/%s", root, rel);
	if (symlink(target, path) == -1)
		fail_msg("symlink %s: %s", path, strerror(errno));
	free(path);
}

static void
troot_chown(const char *root, const char *rel, uid_t uid, gid_t gid)
{
	char	*path;

	path = xasprintf("%s/%s", root, rel);
	if (lchown(path, uid, gid) == -1)
		fail_msg("chown %s", path);
	free(path);
}

static void
run(const char *root, struct collect_result *r)
{
	collect_run(root, collect_file_permissions, "file_permissions", 0, r);
}

static int
is_root(void)
{
	return geteuid() == 0;
}

/* Paths hold dots, so data.files members are looked up directly. */
static struct json_object *
file(struct collect_result *r, const char *path)
{
	struct json_object	*files, *o;

	if ((files = jpath(r->section, "data.files")) == NULL ||
	    !json_object_object_get_ex(files, path, &o))
		return NULL;
	return o;
}

static void
dump_fail(struct collect_result *r, const char *what, const char *path)
{
	print_error("section: %s\nerrors: %s\n",
	    jsonutil_to_string(r->section, 1),
	    jsonutil_to_string(r->errors, 1));
	fail_msg("%s: %s", path, what);
}

static void
assert_member_str(struct collect_result *r, const char *path,
    const char *member, const char *want)
{
	struct json_object	*o = file(r, path);
	const char		*v;

	if (o == NULL)
		dump_fail(r, "not in data.files", path);
	if (jsonutil_get_string(o, member, &v) == -1 || strcmp(v, want) != 0)
		dump_fail(r, member, path);
}

/* Mode and type always; ids and names when the copy could set them. */
static void
assert_file(struct collect_result *r, const char *path, const char *type,
    const char *mode, int64_t uid, int64_t gid, const char *owner,
    const char *group)
{
	struct json_object	*o = file(r, path);
	int64_t			 n;

	if (o == NULL)
		dump_fail(r, "not in data.files", path);
	assert_member_str(r, path, "type", type);
	assert_member_str(r, path, "mode", mode);
	if (json_object_object_get_ex(o, "absent", NULL))
		dump_fail(r, "marked absent", path);
	if (!is_root())
		return;
	if (jsonutil_get_int64(o, "uid", &n) == -1 || n != uid)
		dump_fail(r, "uid", path);
	if (jsonutil_get_int64(o, "gid", &n) == -1 || n != gid)
		dump_fail(r, "gid", path);
	if (owner != NULL)
		assert_member_str(r, path, "owner", owner);
	else if (json_object_object_get_ex(o, "owner", NULL))
		dump_fail(r, "owner present", path);
	if (group != NULL)
		assert_member_str(r, path, "group", group);
	else if (json_object_object_get_ex(o, "group", NULL))
		dump_fail(r, "group present", path);
}

static void
assert_absent_file(struct collect_result *r, const char *path)
{
	struct json_object	*o = file(r, path);
	int			 b;

	if (o == NULL)
		dump_fail(r, "not in data.files", path);
	if (jsonutil_get_bool(o, "absent", &b) == -1 || !b)
		dump_fail(r, "not marked absent", path);
	if (json_object_object_get_ex(o, "mode", NULL))
		dump_fail(r, "absent but has a mode", path);
	assert_string_equal(collect_source_status(r, path), "absent");
}

/* data.files keys in bytewise order, whatever the listing gave. */
static void
assert_sorted_keys(struct collect_result *r)
{
	struct json_object		*files;
	struct json_object_iterator	 it, end;
	const char			*prev = NULL, *key;

	files = jpath(r->section, "data.files");
	assert_non_null(files);
	it = json_object_iter_begin(files);
	end = json_object_iter_end(files);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		key = json_object_iter_peek_name(&it);
		if (prev != NULL && strcmp(prev, key) >= 0)
			dump_fail(r, "out of order", key);
		prev = key;
	}
}

/* data.etc_world_writable as "path mode" strings, compared whole. */
static void
assert_ww(struct collect_result *r, const char *key, const char *const *want,
    size_t n)
{
	struct json_object	*a, *e;
	const char		*p, *m;
	char			*got;
	size_t			 i;

	if ((a = jpath(r->section, key)) == NULL ||
	    json_object_array_length(a) != n)
		dump_fail(r, "wrong length", key);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		if (jsonutil_get_string(e, "path", &p) == -1 ||
		    jsonutil_get_string(e, "mode", &m) == -1)
			dump_fail(r, "bad entry", key);
		got = xasprintf("%s %s", p, m);
		if (strcmp(got, want[i]) != 0)
			dump_fail(r, want[i], key);
		free(got);
	}
}

#define WW(r, key, ...) do {						\
	static const char *const want_[] = { __VA_ARGS__ };		\
	assert_ww(r, key, want_, sizeof(want_) / sizeof(want_[0]));	\
} while (0)

static void
assert_no_ww(struct collect_result *r)
{
	struct json_object	*a;

	a = jpath(r->section, "data.etc_world_writable");
	if (a == NULL || json_object_array_length(a) != 0)
		dump_fail(r, "not an empty list", "data.etc_world_writable");
	assert_jabsent(r, "data.etc_world_writable_partial");
}

/* Secrets are stat'ed, never read: they are not sources. */
static void
assert_secrets_unread(struct collect_result *r)
{
	static const char *const secrets[] = {
		"/etc/shadow", "/etc/gshadow", "/etc/ssh/ssh_host_rsa_key",
		"/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key",
	};
	size_t	i;

	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		if (file(r, secrets[i]) != NULL &&
		    json_object_object_get_ex(file(r, secrets[i]), "absent",
		    NULL))
			continue;
		assert_null(collect_source_status(r, secrets[i]));
	}
}

static void
test_default(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("debian12-default");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_file(&r, "/etc/passwd", "file", "0644", 0, 0, "root", "root");
	assert_file(&r, "/etc/shadow", "file", "0640", 0, 42, "root",
	    "shadow");
	assert_file(&r, "/etc/gshadow", "file", "0640", 0, 42, "root",
	    "shadow");
	assert_file(&r, "/etc/sudoers", "file", "0440", 0, 0, "root", "root");
	assert_file(&r, "/etc/ssh/sshd_config", "file", "0644", 0, 0, "root",
	    "root");
	assert_file(&r, "/etc/ssh/ssh_host_ed25519_key", "file", "0600", 0, 0,
	    "root", "root");
	assert_file(&r, "/etc/ssh/ssh_host_rsa_key", "file", "0600", 0, 0,
	    "root", "root");
	assert_file(&r, "/etc/cron.d", "directory", "0755", 0, 0, "root",
	    "root");
	assert_file(&r, "/etc/crontab", "file", "0644", 0, 0, "root", "root");
	assert_file(&r, "/boot/grub/grub.cfg", "file", "0444", 0, 0, "root",
	    "root");
	assert_file(&r, "/etc/login.defs", "file", "0644", 0, 0, "root",
	    "root");
	/* Public halves are not in scope. */
	assert_null(file(&r, "/etc/ssh/ssh_host_rsa_key.pub"));
	assert_absent_file(&r, "/etc/shadow-");
	assert_absent_file(&r, "/etc/passwd-");
	assert_absent_file(&r, "/etc/security/opasswd");
	assert_absent_file(&r, "/boot/grub2/grub.cfg");
	assert_sorted_keys(&r);
	assert_secrets_unread(&r);
	assert_string_equal(collect_source_status(&r, "/etc/passwd"), "read");
	assert_no_ww(&r);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_hardened(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("debian12-hardened");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_file(&r, "/etc/ssh/sshd_config", "file", "0600", 0, 0, "root",
	    "root");
	assert_file(&r, "/etc/crontab", "file", "0600", 0, 0, "root", "root");
	assert_file(&r, "/etc/cron.hourly", "directory", "0700", 0, 0, "root",
	    "root");
	assert_file(&r, "/etc/cron.monthly", "directory", "0700", 0, 0, "root",
	    "root");
	assert_file(&r, "/boot/grub/grub.cfg", "file", "0400", 0, 0, "root",
	    "root");
	assert_file(&r, "/etc/login.defs", "file", "0640", 0, 0, "root",
	    "root");
	assert_file(&r, "/etc/shadow", "file", "0640", 0, 42, "root",
	    "shadow");
	assert_secrets_unread(&r);
	assert_no_ww(&r);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_weak(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("debian12-weak");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_file(&r, "/etc/shadow", "file", "0644", 0, 42, "root",
	    "shadow");
	assert_file(&r, "/etc/gshadow", "file", "0644", 0, 42, "root",
	    "shadow");
	assert_file(&r, "/etc/ssh/sshd_config", "file", "0666", 0, 0, "root",
	    "root");
	assert_file(&r, "/etc/ssh/ssh_host_ed25519_key", "file", "0644", 0, 0,
	    "root", "root");
	assert_file(&r, "/etc/ssh/ssh_host_ecdsa_key", "file", "0640", 0, 0,
	    "root", "root");
	assert_file(&r, "/etc/crontab", "file", "0666", 0, 0, "root", "root");
	assert_file(&r, "/boot/grub/grub.cfg", "file", "0644", 0, 0, "root",
	    "root");
	assert_secrets_unread(&r);
	WW(&r, "data.etc_world_writable", "/etc/cron.d/tmp-cleanup 0666",
	    "/etc/crontab 0666", "/etc/profile.d/proxy.sh 0777",
	    "/etc/ssh/sshd_config 0666");
	assert_jstr(&r, "data.etc_world_writable[2].type", "file");
	assert_jabsent(&r, "data.etc_world_writable[2].sticky");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_drifted(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("debian12-drifted");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_file(&r, "/etc/ssh/sshd_config", "file", "0600", 0, 0, "root",
	    "root");
	/* The crontab kept its default mode while its directories were
	 * tightened. */
	assert_file(&r, "/etc/crontab", "file", "0644", 0, 0, "root", "root");
	assert_file(&r, "/etc/cron.daily", "directory", "0700", 0, 0, "root",
	    "root");
	assert_no_ww(&r);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_rhel9(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("rhel9");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_file(&r, "/etc/shadow", "file", "0000", 0, 0, "root", "root");
	assert_file(&r, "/etc/gshadow", "file", "0000", 0, 0, "root", "root");
	/* Host keys readable by the ssh_keys group, as RHEL ships them. */
	assert_file(&r, "/etc/ssh/ssh_host_ecdsa_key", "file", "0640", 0, 995,
	    "root", "ssh_keys");
	assert_file(&r, "/boot/grub2/grub.cfg", "file", "0600", 0, 0, "root",
	    "root");
	assert_absent_file(&r, "/boot/grub/grub.cfg");
	assert_file(&r, "/etc/cron.d", "directory", "0700", 0, 0, "root",
	    "root");
	assert_secrets_unread(&r);
	assert_no_ww(&r);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_alpine(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("alpine");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_file(&r, "/etc/shadow", "file", "0640", 0, 42, "root",
	    "shadow");
	assert_file(&r, "/etc/ssh/ssh_host_rsa_key", "file", "0600", 0, 0,
	    "root", "root");
	/* No sudo, no cron.d, no login.defs on a small Alpine host. */
	assert_absent_file(&r, "/etc/sudoers");
	assert_absent_file(&r, "/etc/gshadow");
	assert_absent_file(&r, "/etc/crontab");
	assert_absent_file(&r, "/etc/cron.d");
	assert_absent_file(&r, "/etc/login.defs");
	assert_secrets_unread(&r);
	assert_no_ww(&r);
	collect_result_free(&r);
	fixture_remove(root);
}

/* Links out of the tree, loops and world-writable secrets. */
static void
test_hostile(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("hostile");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_file(&r, "/etc/shadow", "file", "0666", 0, 42, "root",
	    "shadow");
	assert_file(&r, "/etc/gshadow", "file", "0000", 0, 0, "root", "root");
	/* login.defs links "outside" the root; resolved inside it, it is
	 * /etc/shadow, stat'ed and never read. */
	assert_file(&r, "/etc/login.defs", "file", "0666", 0, 42, "root",
	    "shadow");
	assert_member_str(&r, "/etc/login.defs", "link",
	    "/etc/../../../../etc/shadow");
	assert_null(collect_source_status(&r, "/etc/login.defs"));
	assert_file(&r, "/etc/ssh/ssh_host_ecdsa_key", "file", "0644", 0, 0,
	    "root", "root");
	assert_member_str(&r, "/etc/ssh/ssh_host_ecdsa_key", "link",
	    "/etc/ssh/ssh_host_rsa_key");
	assert_file(&r, "/etc/ssh/ssh_host_ed25519_key", "file", "0600", 0, 0,
	    "root", "root");
	assert_absent_file(&r, "/etc/cron.daily");
	assert_secrets_unread(&r);
	/* Loops and dangling links under /etc are skipped, not errors. */
	WW(&r, "data.etc_world_writable", "/etc/shadow 0666",
	    "/etc/sudoers.d 0777");
	assert_jbool(&r, "data.etc_world_writable[1].sticky", 0);
	collect_result_free(&r);
	fixture_remove(root);
}

/* Names come from the root's own files: first entry for an id wins,
 * comments and NIS entries are skipped, unknown ids have no name. */
static void
test_names(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	if (!is_root()) {
		fixture_remove(root);
		skip();
	}
	troot_write(root, "etc/passwd",
	    "# comment\n"
	    "+nisuser::0:0:::\n"
	    "root:x:0:0:root:/root:/bin/sh\n"
	    "toor:x:0:0:second root:/root:/bin/sh\n"
	    "broken line\n"
	    "neg:x:-5:0::/:/bin/sh\n"
	    "app:x:4242:4242::/:/bin/sh\r\n", 0644);
	troot_write(root, "etc/group",
	    "wheel:x:0:\n"
	    "root:x:0:\n"
	    "appgrp:x:4242:\n", 0644);
	troot_write(root, "etc/shadow", "root:$6$secret:1::::::\n", 0640);
	troot_chown(root, "etc/shadow", 4242, 4242);
	troot_write(root, "etc/gshadow", "", 0600);
	troot_chown(root, "etc/gshadow", 777, 4242);
	troot_write(root, "etc/sudoers", "", 0440);
	troot_chown(root, "etc/sudoers", 0, 5555);

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_file(&r, "/etc/passwd", "file", "0644", 0, 0, "root", "wheel");
	assert_file(&r, "/etc/shadow", "file", "0640", 4242, 4242, "app",
	    "appgrp");
	assert_file(&r, "/etc/gshadow", "file", "0600", 777, 4242, NULL,
	    "appgrp");
	assert_file(&r, "/etc/sudoers", "file", "0440", 0, 5555, "root", NULL);
	assert_null(collect_source_status(&r, "/etc/shadow"));
	collect_result_free(&r);
	fixture_remove(root);
}

/* Symlinked paths report the target's mode and the link; setuid,
 * setgid and sticky bits are kept. */
static void
test_links_and_bits(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	troot_write(root, "etc/real-sudoers", "", 0440);
	troot_symlink(root, "etc/sudoers", "real-sudoers");
	troot_symlink(root, "etc/crontab", "/nonexistent");
	troot_mkdir(root, "etc/cron.d", 02755);
	troot_write(root, "etc/login.defs", "", 04644);
	troot_symlink(root, "etc/ssh/ssh_host_loop_key",
	    "ssh_host_loop_key");
	troot_write(root, "etc/ssh/ssh_host_dsa_key", "", 0600);
	troot_write(root, "etc/ssh/ssh_host_dsa_key.pub", "", 0644);
	troot_write(root, "etc/ssh/not_a_host_key", "", 0666);

	run(root, &r);
	assert_member_str(&r, "/etc/sudoers", "type", "file");
	assert_member_str(&r, "/etc/sudoers", "mode", "0440");
	assert_member_str(&r, "/etc/sudoers", "link", "real-sudoers");
	/* A dangling link names nothing. */
	assert_absent_file(&r, "/etc/crontab");
	assert_member_str(&r, "/etc/crontab", "link", "/nonexistent");
	assert_member_str(&r, "/etc/cron.d", "mode", "2755");
	assert_member_str(&r, "/etc/login.defs", "mode", "4644");
	assert_member_str(&r, "/etc/ssh/ssh_host_dsa_key", "mode", "0600");
	assert_null(file(&r, "/etc/ssh/ssh_host_dsa_key.pub"));
	assert_null(file(&r, "/etc/ssh/not_a_host_key"));
	/* A symlink loop cannot be stat'ed through: an error, no entry. */
	assert_null(file(&r, "/etc/ssh/ssh_host_loop_key"));
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/ssh/ssh_host_loop_key"), 1);
	/* No passwd or group: ids without names. */
	assert_false(json_object_object_get_ex(file(&r, "/etc/sudoers"),
	    "owner", NULL));
	assert_false(json_object_object_get_ex(file(&r, "/etc/sudoers"),
	    "group", NULL));
	assert_string_equal(collect_source_status(&r, "/etc/passwd"),
	    "absent");
	/* Only the world-writable, non-symlink entries. */
	WW(&r, "data.etc_world_writable", "/etc/ssh/not_a_host_key 0666");
	collect_result_free(&r);
	fixture_remove(root);
}

/* The /etc walk: files and directories with o+w, sticky noted,
 * symlinks neither followed nor listed, sorted by path. */
static void
test_world_writable(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	troot_mkdir(root, "etc/a-b", 01777);
	troot_mkdir(root, "etc/a/deep/deeper", 0777);
	troot_write(root, "etc/a/deep/deeper/f", "", 0602);
	troot_write(root, "etc/a/ok", "", 0664);
	troot_mkdir(root, "outside", 0777);
	troot_write(root, "outside/ww", "", 0666);
	troot_symlink(root, "etc/link-dir", "/outside");
	troot_symlink(root, "etc/link-file", "/outside/ww");
	troot_symlink(root, "etc/loop", "loop");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	WW(&r, "data.etc_world_writable", "/etc/a-b 1777",
	    "/etc/a/deep/deeper 0777", "/etc/a/deep/deeper/f 0602");
	assert_jstr(&r, "data.etc_world_writable[0].type", "directory");
	assert_jbool(&r, "data.etc_world_writable[0].sticky", 1);
	assert_jbool(&r, "data.etc_world_writable[1].sticky", 0);
	assert_jabsent(&r, "data.etc_world_writable[2].sticky");
	assert_jabsent(&r, "data.etc_world_writable_partial");
	collect_result_free(&r);
	fixture_remove(root);
}

/* Past 16 levels or 20000 entries the walk stops: what was found is
 * shown as partial, never as the complete list. */
static void
test_walk_limits(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new(), *rel, *p;
	int			 i, fd;

	rel = xstrdup("etc");
	for (i = 0; i < 17; i++) {
		p = xasprintf("%s/d%d", rel, i);
		free(rel);
		rel = p;
	}
	troot_mkdir(root, rel, 0755);
	free(rel);
	troot_write(root, "etc/ww", "", 0666);
	run(root, &r);
	assert_jabsent(&r, "data.etc_world_writable");
	WW(&r, "data.etc_world_writable_partial", "/etc/ww 0666");
	assert_int_equal(collect_errors_matching(&r,
	    "more than 16 levels below /etc"), 1);
	collect_result_free(&r);
	fixture_remove(root);

	if (test_quick())
		return;
	root = troot_new();
	troot_mkdir(root, "etc/many", 0755);
	for (i = 0; i < 20001; i++) {
		p = xasprintf("%s/etc/many/f%05d", root, i);
		if ((fd = open(p, O_CREAT | O_WRONLY, 0644)) == -1)
			fail_msg("create %s", p);
		close(fd);
		free(p);
	}
	troot_write(root, "etc/a-ww", "", 0666);
	run(root, &r);
	assert_jabsent(&r, "data.etc_world_writable");
	WW(&r, "data.etc_world_writable_partial", "/etc/a-ww 0666");
	assert_int_equal(collect_errors_matching(&r,
	    "more than 20000 entries"), 1);
	collect_result_free(&r);
	fixture_remove(root);

	/* Exactly at the limit the walk is complete. */
	root = troot_new();
	troot_mkdir(root, "etc/many", 0755);
	for (i = 0; i < 19999; i++) {
		p = xasprintf("%s/etc/many/f%05d", root, i);
		if ((fd = open(p, O_CREAT | O_WRONLY, 0644)) == -1)
			fail_msg("create %s", p);
		close(fd);
		free(p);
	}
	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_no_ww(&r);
	collect_result_free(&r);
	fixture_remove(root);
}

/* Host bytes that are not UTF-8 are escaped, so the data stays JSON. */
static void
test_not_utf8(void **state)
{
	struct collect_result	 r;
	struct json_object	*parsed;
	const char		*text;
	char			*root = troot_new(), err[256];

	troot_write(root, "etc/passwd", "r\xf6\xf6t:x:0:0::/:/bin/sh\n", 0644);
	troot_write(root, "etc/ssh/ssh_host_\xff_key", "", 0600);
	troot_write(root, "etc/\xfe-ww", "", 0666);
	troot_symlink(root, "etc/sudoers", "/nowhere/\xff");

	run(root, &r);
	assert_member_str(&r, "/etc/ssh/ssh_host_\\xff_key", "mode", "0600");
	if (is_root())
		assert_member_str(&r, "/etc/ssh/ssh_host_\\xff_key", "owner",
		    "r\\xf6\\xf6t");
	assert_member_str(&r, "/etc/sudoers", "link", "/nowhere/\\xff");
	WW(&r, "data.etc_world_writable", "/etc/\\xfe-ww 0666");
	text = jsonutil_to_string(jpath(r.section, "data"), 0);
	parsed = jsonutil_parse(text, strlen(text), err, sizeof(err));
	if (parsed == NULL)
		fail_msg("data is not valid JSON: %s", err);
	json_object_put(parsed);
	collect_result_free(&r);
	fixture_remove(root);
}

/* An empty root: every path absent, nothing invented. */
static void
test_empty_root(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	run(root, &r);
	assert_absent_file(&r, "/etc/shadow");
	assert_absent_file(&r, "/etc/ssh/sshd_config");
	assert_jabsent(&r, "data.etc_world_writable");
	assert_int_equal(json_object_array_length(
	    jpath(r.section, "data.etc_world_writable_partial")), 0);
	assert_string_equal(collect_source_status(&r, "/etc"), "absent");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_stable(void **state)
{
	static const char *const names[] = {
		"debian12-default", "debian12-weak", "rhel9", "alpine",
		"hostile",
	};
	struct collect_result	 a, b;
	char			*root, *sa;
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		root = fixture_copy(names[i]);
		run(root, &a);
		run(root, &b);
		sa = xstrdup(jsonutil_to_string(a.section, 0));
		assert_string_equal(sa, jsonutil_to_string(b.section, 0));
		free(sa);
		collect_result_free(&a);
		collect_result_free(&b);
		fixture_remove(root);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_hardened),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_drifted),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_links_and_bits),
		cmocka_unit_test(test_world_writable),
		cmocka_unit_test(test_walk_limits),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_empty_root),
		cmocka_unit_test(test_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
