/* Unit tests for agent/collect-accounts.c: users, groups, sudoers and
 * authorized_keys (with agent/authdb.c underneath). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "collect-test.h"
#include "jsonutil.h"
#include "xmalloc.h"

static void
run(const char *fixture, struct collect_result *r)
{
	collect_run(fixture_path(fixture), collect_accounts, "accounts", 0, r);
}

static int
find_in(struct collect_result *r, const char *path, const char *key,
    const char *val)
{
	struct json_object	*a = jpath(r->section, path);
	const char		*s;
	size_t			 i;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		fail_msg("%s: not an array", path);
	for (i = 0; i < json_object_array_length(a); i++) {
		if (jsonutil_get_string(json_object_array_get_idx(a, i), key,
		    &s) == 0 && strcmp(s, val) == 0)
			return (int)i;
	}
	fail_msg("%s: no element with %s \"%s\"", path, key, val);
	return -1;
}

static size_t
jlen(struct collect_result *r, const char *path)
{
	struct json_object	*a = jpath(r->section, path);

	if (a == NULL)
		fail_msg("%s: missing", path);
	if (json_object_is_type(a, json_type_array))
		return json_object_array_length(a);
	return (size_t)json_object_object_length(a);
}

/* The array at path, as "a,b,c". */
static void
assert_list(struct collect_result *r, const char *path, const char *want)
{
	struct json_object	*a = jpath(r->section, path);
	char			 buf[4096] = "";
	size_t			 i;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		fail_msg("%s: not an array", path);
	for (i = 0; i < json_object_array_length(a); i++) {
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, json_object_get_string(
		    json_object_array_get_idx(a, i)),
		    sizeof(buf) - strlen(buf) - 1);
	}
	if (strcmp(buf, want) != 0)
		fail_msg("%s: \"%s\", want \"%s\"", path, buf, want);
}

static int
output_has(struct collect_result *r, const char *text)
{
	return strstr(jsonutil_to_string(r->section, 0), text) != NULL ||
	    strstr(jsonutil_to_string(r->errors, 0), text) != NULL;
}

static char *
tmproot(void)
{
	char	tmpl[] = "/tmp/exhibit-ac.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp failed");
	return xstrdup(tmpl);
}

static void
put(const char *root, const char *rel, const char *text)
{
	char	*path, *p;
	FILE	*f;

	path = xasprintf("%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	free(path);
}

/* A user's entry in data.users, by name, as a path prefix. */
static const char *
user_path(struct collect_result *r, const char *name, const char *field)
{
	static char	p[256];

	snprintf(p, sizeof(p), "data.users[%d].%s",
	    find_in(r, "data.users", "name", name), field);
	return p;
}

static void
test_default(void **state)
{
	struct collect_result	r;

	run("debian12-default", &r);
	assert_int_equal(jlen(&r, "data.users"), 23);
	assert_jstr(&r, "data.users[0].name", "_apt");
	assert_jint(&r, user_path(&r, "alice", "uid"), 1000);
	assert_jstr(&r, user_path(&r, "alice", "home"), "/home/alice");
	assert_jbool(&r, user_path(&r, "alice", "login_shell"), 1);
	assert_jbool(&r, user_path(&r, "alice", "in_etc_shells"), 1);
	assert_jstr(&r, user_path(&r, "alice", "password"), "hashed");
	assert_jstr(&r, user_path(&r, "alice", "password_from"), "shadow");
	assert_jbool(&r, user_path(&r, "sync", "login_shell"), 0);
	assert_jbool(&r, user_path(&r, "daemon", "login_shell"), 0);
	assert_jbool(&r, user_path(&r, "daemon", "in_etc_shells"), 0);
	assert_list(&r, "data.uid0", "root");
	assert_list(&r, "data.login_shell_users", "alice,root");
	assert_list(&r, "data.empty_password", "");
	assert_int_equal(jlen(&r, "data.duplicate_uids"), 0);
	assert_list(&r, "data.groups.sudo.members", "alice");
	assert_jint(&r, "data.groups.sudo.gid", 27);
	assert_list(&r, "data.groups.adm.members", "");
	assert_jabsent(&r, "data.groups.wheel");

	/* @includedir /etc/sudoers.d: README has no "." and is read. */
	assert_list(&r, "data.sudoers.files", "/etc/sudoers,"
	    "/etc/sudoers.d/README");
	assert_int_equal(jlen(&r, "data.sudoers.defaults"), 4);
	assert_jstr(&r, "data.sudoers.defaults[3].text", "Defaults\tuse_pty");
	assert_jbool(&r, "data.sudoers.authenticate_disabled", 0);
	assert_int_equal(jlen(&r, "data.sudoers.rules"), 2);
	assert_list(&r, "data.sudoers.rules[1].users", "%sudo");
	assert_list(&r, "data.sudoers.rules[1].hosts", "ALL");
	assert_jstr(&r, "data.sudoers.rules[1].commands[0].command", "ALL");
	assert_jstr(&r, "data.sudoers.rules[1].commands[0].runas", "ALL:ALL");
	assert_jbool(&r, "data.sudoers.rules[1].all_commands", 1);
	assert_jbool(&r, "data.sudoers.rules[1].nopasswd", 0);
	assert_jint(&r, "data.sudoers.rules[1].line", 50);

	/* Fingerprint as "ssh-keygen -lf" prints it. */
	assert_int_equal(jlen(&r, "data.authorized_keys"), 1);
	assert_jstr(&r, "data.authorized_keys[0].user", "alice");
	assert_jstr(&r, "data.authorized_keys[0].file",
	    "/home/alice/.ssh/authorized_keys");
	assert_jint(&r, "data.authorized_keys[0].count", 1);
	assert_jstr(&r, "data.authorized_keys[0].keys[0].type", "ssh-ed25519");
	assert_jstr(&r, "data.authorized_keys[0].keys[0].fingerprint",
	    "SHA256:k2I7uJC5y5BG0etTs4JqOthBG7pZiXK1s9950f1z8Yw");
	assert_jstr(&r, "data.authorized_keys[0].keys[0].comment",
	    "alice@laptop-2023");
	assert_int_equal(jlen(&r, "data.authorized_keys[0].keys[0].options"),
	    0);
	assert_string_equal(collect_source_status(&r,
	    "/home/alice/.ssh/authorized_keys2"), "absent");
	assert_false(output_has(&r, "AAAAC3NzaC1lZDI1NTE5"));
	assert_false(output_has(&r, "$y$"));
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_weak(void **state)
{
	struct collect_result	r;
	int			i;
	char			p[256];

	run("debian12-weak", &r);
	assert_list(&r, "data.uid0", "root,toor");
	assert_jint(&r, "data.duplicate_uids[0].uid", 0);
	assert_list(&r, "data.duplicate_uids[0].names", "root,toor");
	assert_list(&r, "data.empty_password", "guest");
	assert_jstr(&r, user_path(&r, "guest", "password"), "empty");
	assert_jbool(&r, user_path(&r, "oldadmin", "login_shell"), 0);
	assert_jstr(&r, user_path(&r, "oldadmin", "password"), "locked");
	assert_jbool(&r, user_path(&r, "ftp", "login_shell"), 1);
	assert_list(&r, "data.login_shell_users",
	    "alice,bob,deploy,ftp,guest,root,toor");
	assert_list(&r, "data.groups.sudo.members", "alice,bob,oldadmin");
	assert_list(&r, "data.groups.wheel.members", "bob");
	assert_list(&r, "data.groups.adm.members", "alice,deploy");
	assert_list(&r, "data.groups.adm.primary_members", "");

	/* "#includedir" is a directive, not a comment. */
	assert_list(&r, "data.sudoers.files", "/etc/sudoers,"
	    "/etc/sudoers.d/90-cloud-init-users,/etc/sudoers.d/99-developers,"
	    "/etc/sudoers.d/README");
	assert_jbool(&r, "data.sudoers.authenticate_disabled", 1);
	assert_list(&r, "data.sudoers.aliases.cmnd.SHELLS",
	    "/bin/bash,/bin/sh,/usr/bin/bash");
	assert_list(&r, "data.sudoers.aliases.host.WEB",
	    "web-3,web-3.example.org");
	assert_jstr(&r, "data.sudoers.rules[2].file",
	    "/etc/sudoers.d/90-cloud-init-users");
	assert_list(&r, "data.sudoers.rules[2].users", "deploy");
	assert_jbool(&r, "data.sudoers.rules[2].nopasswd", 1);
	assert_jbool(&r, "data.sudoers.rules[2].all_commands", 1);
	assert_list(&r, "data.sudoers.rules[2].commands[0].tags", "NOPASSWD");
	assert_list(&r, "data.sudoers.rules[3].users", "%developers");
	assert_list(&r, "data.sudoers.rules[3].hosts", "WEB");
	assert_jbool(&r, "data.sudoers.rules[3].all_commands", 1);
	assert_list(&r, "data.sudoers.rules[4].users", "bob");
	assert_jstr(&r, "data.sudoers.rules[4].commands[0].command", "SHELLS");
	assert_jbool(&r, "data.sudoers.rules[4].all_commands", 0);
	assert_jbool(&r, "data.sudoers.rules[4].nopasswd", 1);
	assert_jstr(&r, "data.sudoers.defaults[4].text",
	    "Defaults:%developers\t!requiretty");

	/* root and toor share /root: both get its keys. */
	i = find_in(&r, "data.authorized_keys", "user", "root");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].count", i);
	assert_jint(&r, p, 4);
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:/lseTxWueKLGCUY/sOWGLOU30N+8K+Vwdxj6yoXL8h0");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[2].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:/dsMBgbhH7yZczrHwi/g2DEkgb/Yem1Wikfq1o66GSE");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[2].line", i);
	assert_jint(&r, p, 4);
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[3].type", i);
	assert_jstr(&r, p, "ecdsa-sha2-nistp256");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[3].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:Lv0x696xR/mClsVWCcQHDiogQcSlOiyI9NtrJtD46kw");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[3].options", i);
	assert_list(&r, p, "command");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[3].comment", i);
	assert_jstr(&r, p, "backup@nas");
	i = find_in(&r, "data.authorized_keys", "user", "toor");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].count", i);
	assert_jint(&r, p, 4);
	i = find_in(&r, "data.authorized_keys", "user", "bob");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].options", i);
	assert_list(&r, p, "no-pty,permitopen");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:GausnlfIk4c9MEXT8+tCLw7RUfiqpM4QRpNI1+zD9Gw");
	assert_false(output_has(&r, "AAAAB3NzaC1yc2E"));
	assert_false(output_has(&r, "backup.sh"));
	collect_result_free(&r);
}

static void
test_hardened_drifted(void **state)
{
	struct collect_result	r;
	int			i;
	char			p[256];

	run("debian12-hardened", &r);
	/* 99-legacy.disabled has a "." and is skipped. */
	assert_list(&r, "data.sudoers.files", "/etc/sudoers,"
	    "/etc/sudoers.d/10-ops,/etc/sudoers.d/README");
	assert_list(&r, "data.sudoers.aliases.user.OPS", "alice,bob");
	assert_list(&r, "data.sudoers.rules[2].users", "OPS");
	assert_list(&r, "data.sudoers.rules[2].users_expanded", "alice,bob");
	assert_jbool(&r, "data.sudoers.rules[2].all_commands", 1);
	assert_jbool(&r, "data.sudoers.rules[2].nopasswd", 0);
	assert_list(&r, "data.sudoers.rules[3].users", "svc-restic");
	assert_jstr(&r, "data.sudoers.rules[3].commands[0].runas", "root");
	assert_jbool(&r, "data.sudoers.rules[3].all_commands", 0);
	assert_jbool(&r, "data.sudoers.rules[3].nopasswd", 1);
	assert_jabsent(&r, "data.sudoers.rules[4]");
	assert_list(&r, "data.groups.adm.members", "alice,bob");
	assert_list(&r, "data.login_shell_users", "alice,bob,carol,root");
	i = find_in(&r, "data.authorized_keys", "user", "svc-restic");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].file", i);
	assert_jstr(&r, p, "/var/lib/restic/.ssh/authorized_keys");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].options", i);
	assert_list(&r, p, "restrict,command,from");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:kxzsFARDM7pmfHWleBb9sS43I9JxmZ07s61+keOM6qI");
	i = find_in(&r, "data.authorized_keys", "user", "alice");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[1].options", i);
	assert_list(&r, p, "from,no-agent-forwarding,no-x11-forwarding");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[1].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:OyE1+3qBcZsqsYNizCZJeCA9Jx+22IsO8Se0ZBH7eKY");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[1].line", i);
	assert_jint(&r, p, 3);
	collect_result_free(&r);

	run("debian12-drifted", &r);
	/* The temporary grant sorts between 10-ops and README. */
	assert_list(&r, "data.sudoers.files", "/etc/sudoers,"
	    "/etc/sudoers.d/10-ops,/etc/sudoers.d/90-alice-temp,"
	    "/etc/sudoers.d/README");
	assert_list(&r, "data.sudoers.rules[4].users", "alice");
	assert_jbool(&r, "data.sudoers.rules[4].nopasswd", 1);
	assert_jbool(&r, "data.sudoers.rules[4].all_commands", 1);
	assert_jstr(&r, "data.sudoers.rules[4].file",
	    "/etc/sudoers.d/90-alice-temp");
	assert_jstr(&r, user_path(&r, "carol", "password"), "locked");
	collect_result_free(&r);
}

static void
test_rhel9(void **state)
{
	struct collect_result	r;
	int			i;
	char			p[256];

	run("rhel9", &r);
	assert_list(&r, "data.sudoers.files", "/etc/sudoers,"
	    "/etc/sudoers.d/ansible");
	assert_list(&r, "data.sudoers.rules[1].users", "%wheel");
	assert_jstr(&r, "data.sudoers.rules[1].commands[0].runas", "ALL");
	assert_list(&r, "data.sudoers.rules[2].users", "ansible");
	assert_jbool(&r, "data.sudoers.rules[2].nopasswd", 1);
	assert_jstr(&r, "data.sudoers.defaults[12].text",
	    "Defaults    secure_path = /sbin:/bin:/usr/sbin:/usr/bin");
	assert_list(&r, "data.groups.wheel.members", "sysadmin");
	assert_jint(&r, "data.groups.wheel.gid", 10);
	/* adm's primary group is 4 (adm). */
	assert_list(&r, "data.groups.adm.primary_members", "adm");
	assert_jbool(&r, user_path(&r, "shutdown", "login_shell"), 0);
	assert_jbool(&r, user_path(&r, "halt", "login_shell"), 0);
	assert_jstr(&r, user_path(&r, "ansible", "password"), "locked");
	assert_list(&r, "data.login_shell_users", "ansible,root,sysadmin");
	i = find_in(&r, "data.authorized_keys", "user", "ansible");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:bsZyjKOsX+WcFyk9oc11/kUuvcswaYANV38A1ayUKns");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].options", i);
	assert_list(&r, p, "from");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].type", i);
	assert_jstr(&r, p, "ssh-rsa");
	i = find_in(&r, "data.authorized_keys", "user", "sysadmin");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[0].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:itaUv6yJ0pDE5hFspkcM68gm45QugVnavTKBBC4Z8xc");
	collect_result_free(&r);
}

static void
test_alpine(void **state)
{
	struct collect_result	r;

	run("alpine", &r);
	/* No sudo: nothing claimed about it. */
	assert_jabsent(&r, "data.sudoers");
	assert_string_equal(collect_source_status(&r, "/etc/sudoers"),
	    "absent");
	assert_list(&r, "data.groups.wheel.members", "ops,root");
	assert_list(&r, "data.groups.adm.members", "adm,daemon,root");
	assert_list(&r, "data.groups.adm.primary_members", "adm");
	assert_jstr(&r, user_path(&r, "ops", "shell"), "/bin/ash");
	assert_jbool(&r, user_path(&r, "ops", "in_etc_shells"), 1);
	assert_jstr(&r, user_path(&r, "root", "password"), "locked");
	assert_list(&r, "data.uid0", "root");
	assert_jstr(&r, "data.authorized_keys[0].user", "ops");
	assert_jstr(&r, "data.authorized_keys[0].keys[0].fingerprint",
	    "SHA256:mZIIFnSCislPQ899CfVPRbVW2YMRy5uvIFOr3NpH5nk");
	assert_jstr(&r, "data.authorized_keys[0].keys[0].comment",
	    "ops@laptop");
	collect_result_free(&r);
}

static void
test_hostile(void **state)
{
	struct collect_result	r;
	int			i;
	char			p[256];

	run("hostile", &r);
	/* No secret: hashes, salts, key bodies. */
	assert_false(output_has(&r, "fakehash"));
	assert_false(output_has(&r, "fakesalt"));
	assert_false(output_has(&r, "AAAAC3NzaC1lZDI1NTE5"));
	assert_false(output_has(&r, "AAAAB3NzaC1yc2E"));
	/* passwd: bad lines reported and skipped. */
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/passwd:3: NIS compat entry"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "not a valid passwd entry"), 5);
	assert_list(&r, "data.duplicate_names", "dup");
	assert_list(&r, "data.uid0", "root,toor");
	assert_jstr(&r, user_path(&r, "toomany", "shell"), "c:d:e:f:g");
	assert_jstr(&r, user_path(&r, "toomany", "home"), "b");
	assert_jstr(&r, user_path(&r, "crlf", "shell"), "/bin/bash");
	assert_jstr(&r, user_path(&r, "evil", "password"), "no_shadow_entry");
	assert_list(&r, "data.empty_password", "nopass");
	assert_list(&r, "data.groups.sudo.members",
	    "dup,evil,nonexistent-user");
	assert_int_equal(collect_errors_matching(&r,
	    "not a valid group entry"), 2);
	/* sudoers: cycles stopped, loop reported, "~" skipped, "with
	 * space" (no ".") read, continuation lines joined. */
	assert_true(collect_errors_matching(&r, "include cycle") >= 3);
	assert_true(collect_errors_matching(&r, "/etc/sudoers.d/loop") >= 1);
	assert_false(output_has(&r, "backup~"));
	assert_true(output_has(&r, "/etc/sudoers.d/with space"));
	assert_list(&r, "data.sudoers.aliases.user.EVILS", "evil,dup,toor");
	i = find_in(&r, "data.sudoers.rules", "file",
	    "/etc/sudoers.d/60-continuation");
	snprintf(p, sizeof(p), "data.sudoers.rules[%d].users_expanded", i);
	assert_list(&r, p, "dup,evil,toor");
	snprintf(p, sizeof(p), "data.sudoers.rules[%d].line", i);
	assert_jint(&r, p, 4);
	snprintf(p, sizeof(p), "data.sudoers.rules[%d].nopasswd", i);
	assert_jbool(&r, p, 1);
	/* authorized_keys: a symlink to /etc/shadow gives errors only. */
	i = find_in(&r, "data.authorized_keys", "user", "evil");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].count", i);
	assert_jint(&r, p, 0);
	assert_int_equal(collect_errors_matching(&r,
	    "/home/evil/.ssh/authorized_keys:"), 12);
	i = find_in(&r, "data.authorized_keys", "user", "root");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].count", i);
	assert_jint(&r, p, 5);
	/* The CRLF line parses; truncated, unknown and broken ones not. */
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[2].fingerprint",
	    i);
	assert_jstr(&r, p, "SHA256:TH45uiPHwYZB4G/uwWO7mzNFYS4vDo+yxF7krMKW3S8");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[2].comment", i);
	assert_jstr(&r, p, "crlf@key");
	snprintf(p, sizeof(p), "data.authorized_keys[%d].keys[3].options", i);
	assert_list(&r, p, "command,environment");
	assert_int_equal(collect_errors_matching(&r,
	    "/root/.ssh/authorized_keys:7:"), 2);
	collect_result_free(&r);
}

static void
test_sudoers_syntax(void **state)
{
	struct collect_result	r;
	char			*root = tmproot();

	put(root, "etc/sudoers",
	    "# include /etc/never-read\n"		/* a comment */
	    "#include /etc/sudo.inc\n"			/* a directive */
	    "#1000 ALL = (ALL) ALL\n"			/* a uid, not a comment */
	    "alice ALL = /bin/ls # trailing comment\n"
	    "bob, \\\n  carol web1, web2 = (root) NOPASSWD: /bin/a, /bin/b, "
	    "PASSWD: /bin/c : db1 = !ALL, /bin/d\n"
	    "Cmnd_Alias INNER = ALL\n"
	    "Cmnd_Alias OUTER = /bin/x, INNER\n"
	    "User_Alias ADMINS = %admins, dave : OTHERS = erin\n"
	    "ADMINS ALL = OUTER\n"
	    "frank ALL = sha256:abcdef= /bin/y, ROLE=r TYPE=t /bin/z\n"
	    "Defaults authenticate\n"
	    "Defaults:bob !authenticate\n"
	    "this is not sudoers\n"
	    "@includedir inc.d\n");
	put(root, "etc/sudo.inc", "@include sub/rel.inc\n");
	put(root, "etc/sub/rel.inc", "gina ALL = ALL\n");
	put(root, "etc/never-read", "henry ALL = ALL\n");
	put(root, "etc/inc.d/b", "b ALL = ALL\n");
	put(root, "etc/inc.d/a", "a ALL = ALL\n");
	put(root, "etc/inc.d/10", "ten ALL = ALL\n");
	put(root, "etc/inc.d/c~", "c ALL = ALL\n");
	put(root, "etc/inc.d/d.conf", "d ALL = ALL\n");
	collect_run(root, collect_accounts, "accounts", 0, &r);
	/* #include is followed; a relative @include is relative to the
	 * including file; includedir sorted, "~" and "." skipped. */
	assert_list(&r, "data.sudoers.files", "/etc/sudoers,/etc/sudo.inc,"
	    "/etc/sub/rel.inc,/etc/inc.d/10,/etc/inc.d/a,/etc/inc.d/b");
	assert_null(collect_source_status(&r, "/etc/never-read"));
	assert_list(&r, "data.sudoers.rules[0].users", "gina");
	assert_list(&r, "data.sudoers.rules[1].users", "#1000");
	assert_jbool(&r, "data.sudoers.rules[1].all_commands", 1);
	assert_jstr(&r, "data.sudoers.rules[2].commands[0].command", "/bin/ls");
	assert_jbool(&r, "data.sudoers.rules[2].all_commands", 0);
	/* Continuation, two host specs; runas and tags carry over. */
	assert_list(&r, "data.sudoers.rules[3].users", "bob,carol");
	assert_list(&r, "data.sudoers.rules[3].hosts", "web1,web2");
	assert_jint(&r, "data.sudoers.rules[3].line", 5);
	assert_jstr(&r, "data.sudoers.rules[3].commands[1].command", "/bin/b");
	assert_jstr(&r, "data.sudoers.rules[3].commands[1].runas", "root");
	assert_list(&r, "data.sudoers.rules[3].commands[1].tags", "NOPASSWD");
	assert_list(&r, "data.sudoers.rules[3].commands[2].tags",
	    "NOPASSWD,PASSWD");
	assert_jbool(&r, "data.sudoers.rules[3].nopasswd", 1);
	assert_jbool(&r, "data.sudoers.rules[3].all_commands", 0);
	assert_list(&r, "data.sudoers.rules[4].users", "bob,carol");
	assert_list(&r, "data.sudoers.rules[4].hosts", "db1");
	assert_jstr(&r, "data.sudoers.rules[4].commands[0].command", "!ALL");
	assert_jbool(&r, "data.sudoers.rules[4].all_commands", 0);
	assert_jbool(&r, "data.sudoers.rules[4].nopasswd", 0);
	/* Aliases: nested Cmnd_Alias holding ALL; two User_Aliases on one
	 * line. */
	assert_list(&r, "data.sudoers.aliases.user.OTHERS", "erin");
	assert_list(&r, "data.sudoers.rules[5].users_expanded",
	    "%admins,dave");
	assert_jbool(&r, "data.sudoers.rules[5].all_commands", 1);
	/* Digest and options before the command. */
	assert_jstr(&r, "data.sudoers.rules[6].commands[0].command", "/bin/y");
	assert_jstr(&r, "data.sudoers.rules[6].commands[1].command", "/bin/z");
	assert_jbool(&r, "data.sudoers.authenticate_disabled", 0);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sudoers:14: cannot parse"), 1);
	assert_list(&r, "data.sudoers.rules[7].users", "ten");
	assert_list(&r, "data.sudoers.rules[9].users", "b");
	assert_jabsent(&r, "data.sudoers.rules[10]");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_passwd_fields(void **state)
{
	struct collect_result	r;
	char			*root = tmproot();

	/* No /etc/shadow: what passwd says itself is still known. */
	put(root, "etc/passwd",
	    "a::1001:1001::/home/a:\n"
	    "b:x:1002:1002::/home/b:/bin/zsh\n"
	    "c:$1$salt$hash:1003:1003::/home/c:/usr/sbin/nologin\n"
	    "d:*:1004:1004\n");
	put(root, "etc/shells", "/bin/sh # the default\n  /bin/bash\n");
	put(root, "etc/group", "wheel:x:10:\nstaff:x:1002:\nwheel:x:11:b\n");
	put(root, "home/a/.ssh/authorized_keys2",
	    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJTFIZ8lVDwPg30GZdUb8v7bp9OH"
	    "xN31/HzNClK5BZmd\n"
	    /* Declared ed25519, blob says ssh-rsa: sshd refuses it. */
	    "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAAAgQC5y+m4gVyEwLpkNEZ3lQj"
	    "TAkFv7TlzyQOcqHQobdf+m0R1IYY0SaSDLxYdxqzRVmIgAV6MWoNffz5lsEAiql"
	    "7Ts7DwgmiW76PmhshvYbYFb7+8AL3J3u0dRgLkrfmcGwX6gOTFye6onW8BRdIky"
	    "BVx1WfRzmlL1MJRlW9UhieoZQ== x\n");
	collect_run(root, collect_accounts, "accounts", 0, &r);
	assert_jstr(&r, user_path(&r, "a", "password"), "empty");
	assert_jstr(&r, user_path(&r, "a", "password_from"), "passwd");
	assert_jstr(&r, user_path(&r, "a", "shell"), "");
	/* An empty shell is /bin/sh. */
	assert_jbool(&r, user_path(&r, "a", "login_shell"), 1);
	assert_jbool(&r, user_path(&r, "a", "in_etc_shells"), 1);
	assert_jabsent(&r, user_path(&r, "b", "password"));
	assert_jbool(&r, user_path(&r, "b", "in_etc_shells"), 0);
	assert_jbool(&r, user_path(&r, "b", "login_shell"), 1);
	assert_jstr(&r, user_path(&r, "c", "password"), "hashed");
	assert_jstr(&r, user_path(&r, "d", "password"), "locked");
	assert_jstr(&r, user_path(&r, "d", "home"), "");
	assert_list(&r, "data.empty_password", "a");
	assert_string_equal(collect_source_status(&r, "/etc/shadow"),
	    "absent");
	/* The first "wheel" is the group; b's primary group is staff. */
	assert_jint(&r, "data.groups.wheel.gid", 10);
	assert_list(&r, "data.groups.wheel.members", "");
	assert_jstr(&r, "data.authorized_keys[0].file",
	    "/home/a/.ssh/authorized_keys2");
	assert_jint(&r, "data.authorized_keys[0].count", 1);
	assert_int_equal(collect_errors_matching(&r,
	    "authorized_keys2:2: not a valid public key"), 1);
	assert_false(output_has(&r, "$1$"));
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_sudoers_bombs(void **state)
{
	struct collect_result	r;
	char			*root = tmproot(), *text, *line, name[32];
	int			i;

	/* Sixteen aliases each naming the next four times: 4^16 visits
	 * unbounded.  And a file that includes a file that includes ... */
	text = xstrdup("");
	for (i = 0; i < 16; i++) {
		line = xasprintf("%sUser_Alias A%d = A%d, A%d, A%d, A%d\n",
		    text, i, i + 1, i + 1, i + 1, i + 1);
		free(text);
		text = line;
	}
	line = xasprintf("%sUser_Alias A16 = x\nA0 ALL = ALL\n"
	    "@include /etc/f0\n", text);
	free(text);
	put(root, "etc/sudoers", line);
	free(line);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "etc/f%d", i);
		line = xasprintf("@include /etc/f%d\n@include /etc/f%d\n"
		    "@include /etc/f%d\n@include /etc/f%d\n"
		    "@include /etc/f%d\n@include /etc/f%d\n"
		    "@include /etc/f%d\n@include /etc/f%d\n",
		    i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1);
		put(root, name, line);
		free(line);
	}
	put(root, "etc/f6", "u ALL = ALL\n");
	collect_run(root, collect_accounts, "accounts", 0, &r);
	assert_list(&r, "data.sudoers.rules[0].users", "A0");
	assert_list(&r, "data.sudoers.rules[0].users_expanded", "x");
	assert_int_equal(collect_errors_matching(&r,
	    "more than 1024 sudoers files"), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_stable(void **state)
{
	struct collect_result	a, b;
	const char		*names[] = { "debian12-weak", "hostile" };
	size_t			 i;

	for (i = 0; i < 2; i++) {
		run(names[i], &a);
		run(names[i], &b);
		assert_string_equal(jsonutil_to_string(a.section, 0),
		    jsonutil_to_string(b.section, 0));
		assert_string_equal(jsonutil_to_string(a.errors, 0),
		    jsonutil_to_string(b.errors, 0));
		collect_result_free(&a);
		collect_result_free(&b);
	}
}

static void
test_modes(void **state)
{
	struct collect_result	r;
	char			*root = tmproot(), *path;

	/* An unreadable /etc/shadow (0000): run unprivileged, passwords
	 * are then absent, never guessed; as root everything reads. */
	put(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
	put(root, "etc/shadow", "root:$6$salt$hash:19000:0:99999:7:::\n");
	path = xasprintf("%s/etc/shadow", root);
	assert_int_equal(chmod(path, 0), 0);
	free(path);
	collect_run(root, collect_accounts, "accounts", 0, &r);
	if (geteuid() == 0)
		assert_jstr(&r, user_path(&r, "root", "password"), "hashed");
	else {
		assert_jabsent(&r, user_path(&r, "root", "password"));
		assert_string_equal(collect_source_status(&r, "/etc/shadow"),
		    "unreadable");
		assert_int_equal(collect_errors_matching(&r, "/etc/shadow"),
		    1);
	}
	assert_jint(&r, user_path(&r, "root", "uid"), 0);
	collect_result_free(&r);
	fixture_remove(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_hardened_drifted),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_sudoers_syntax),
		cmocka_unit_test(test_passwd_fields),
		cmocka_unit_test(test_sudoers_bombs),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
