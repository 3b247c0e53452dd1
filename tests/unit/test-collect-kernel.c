/*
 * Unit tests for agent/collect-kernel.c: sysctl precedence as
 * systemd-sysctl and procps apply it, modprobe.d blacklists and install
 * commands as kmod reads them, and fstab mount options.  Fixture roots
 * give the realistic cases; temporary roots built here give each
 * precedence rule on its own.
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

/* A fresh, empty temporary root. */
static char *
troot_new(void)
{
	char	tmpl[] = "/tmp/exhibit-kernel.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	return xstrdup(tmpl);
}

/* mkdir -p for the directory part of root/rel. */
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
troot_write(const char *root, const char *rel, const char *text)
{
	char	*path;
	FILE	*f;

	troot_parents(root, rel);
	path = xasprintf("%s/%s", root, rel);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	free(path);
}

static void
troot_mkdir(const char *root, const char *rel)
{
	char	*path;

	troot_parents(root, rel);
	path = xasprintf("%s/%s", root, rel);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
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

/* Roots that boot with systemd carry its unit directory. */
static void
troot_systemd(const char *root)
{
	troot_mkdir(root, "usr/lib/systemd/system");
}

static void
run(const char *root, struct collect_result *r)
{
	collect_run(root, collect_kernel, "kernel", 0, r);
}

static void
run_fixture(const char *name, struct collect_result *r)
{
	run(fixture_path(name), r);
}

/* Settings keys hold dots, so they are looked up directly rather than
 * through a dotted path. */
static struct json_object *
setting(struct collect_result *r, const char *key)
{
	struct json_object	*settings, *o;

	if ((settings = jpath(r->section, "data.sysctl.settings")) == NULL ||
	    !json_object_object_get_ex(settings, key, &o))
		return NULL;
	return o;
}

static void
dump_fail(struct collect_result *r, const char *msg, const char *key)
{
	print_error("section: %s\nerrors: %s\n",
	    jsonutil_to_string(r->section, 1),
	    jsonutil_to_string(r->errors, 1));
	fail_msg("%s: %s", key, msg);
}

/* Effective value, file and line of one key. */
static void
assert_setting(struct collect_result *r, const char *key, const char *value,
    const char *file, int64_t line)
{
	struct json_object	*o = setting(r, key);
	const char		*v;
	int64_t			 n;

	if (o == NULL)
		dump_fail(r, "no such setting", key);
	if (jsonutil_get_string(o, "value", &v) == -1 || strcmp(v, value) != 0)
		dump_fail(r, "wrong value", key);
	if (jsonutil_get_string(o, "file", &v) == -1 || strcmp(v, file) != 0)
		dump_fail(r, "wrong file", key);
	if (jsonutil_get_int64(o, "line", &n) == -1 || n != line)
		dump_fail(r, "wrong line", key);
}

static void
assert_setting_int(struct collect_result *r, const char *key,
    const char *member, int64_t want)
{
	struct json_object	*o = setting(r, key);
	int64_t			 n;

	if (o == NULL)
		dump_fail(r, "no such setting", key);
	if (jsonutil_get_int64(o, member, &n) == -1 || n != want)
		dump_fail(r, member, key);
}

static void
assert_setting_bool(struct collect_result *r, const char *key,
    const char *member, int want)
{
	struct json_object	*o = setting(r, key);
	int			 b;

	if (o == NULL)
		dump_fail(r, "no such setting", key);
	if (jsonutil_get_bool(o, member, &b) == -1 || b != want)
		dump_fail(r, member, key);
}

static void
assert_no_member(struct collect_result *r, const char *key,
    const char *member)
{
	struct json_object	*o = setting(r, key);

	if (o == NULL)
		dump_fail(r, "no such setting", key);
	if (json_object_object_get_ex(o, member, NULL))
		dump_fail(r, member, key);
}

/* A string array at path, compared whole. */
static void
assert_list(struct collect_result *r, const char *path, const char *const *want,
    size_t n)
{
	struct json_object	*a = jpath(r->section, path);
	size_t			 i;

	if (a == NULL || !json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) != n)
		dump_fail(r, "wrong list length", path);
	for (i = 0; i < n; i++) {
		if (strcmp(json_object_get_string(
		    json_object_array_get_idx(a, i)), want[i]) != 0)
			dump_fail(r, want[i], path);
	}
}

#define LIST(r, path, ...) do {						\
	static const char *const want_[] = { __VA_ARGS__ };		\
	assert_list(r, path, want_, sizeof(want_) / sizeof(want_[0]));	\
} while (0)

static void
test_default(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-default", &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_jstr(&r, "data.sysctl.applier", "systemd-sysctl");
	LIST(&r, "data.sysctl.files", "/usr/lib/sysctl.d/50-default.conf",
	    "/usr/lib/sysctl.d/50-pid-max.conf", "/etc/sysctl.d/99-sysctl.conf",
	    "/usr/lib/sysctl.d/protect-links.conf");
	assert_int_equal(json_object_array_length(
	    jpath(r.section, "data.sysctl.masked")), 0);
	/* sysctl.conf is linked as 99-sysctl.conf, so it is applied. */
	assert_jabsent(&r, "data.sysctl.not_applied");
	/* protect-links.conf sorts after 50-default.conf and wins. */
	assert_setting(&r, "fs.protected_regular", "2",
	    "/usr/lib/sysctl.d/protect-links.conf", 9);
	assert_setting_int(&r, "fs.protected_regular", "int", 2);
	assert_setting_int(&r, "fs.protected_regular", "overridden", 1);
	/* The kernel reads integers in base 0. */
	assert_setting(&r, "kernel.sysrq", "0x01b6",
	    "/usr/lib/sysctl.d/50-default.conf", 19);
	assert_setting_int(&r, "kernel.sysrq", "int", 438);
	assert_setting_int(&r, "kernel.sysrq", "overridden", 0);
	assert_setting(&r, "kernel.pid_max", "4194304",
	    "/usr/lib/sysctl.d/50-pid-max.conf", 13);
	/* Globs, exclusions and "-" prefixes. */
	assert_setting(&r, "net.ipv4.conf.*.rp_filter", "2",
	    "/usr/lib/sysctl.d/50-default.conf", 26);
	assert_setting_bool(&r, "net.ipv4.conf.*.rp_filter", "glob", 1);
	assert_setting_bool(&r, "net.ipv4.conf.all.rp_filter", "excluded", 1);
	assert_no_member(&r, "net.ipv4.conf.all.rp_filter", "value");
	assert_setting(&r, "net.ipv4.ping_group_range", "0 2147483647",
	    "/usr/lib/sysctl.d/50-default.conf", 45);
	assert_setting_bool(&r, "net.ipv4.ping_group_range", "ignore_failure",
	    1);
	assert_no_member(&r, "net.ipv4.ping_group_range", "int");
	assert_setting_bool(&r, "kernel.core_uses_pid", "ignore_failure", 0);
	assert_null(setting(&r, "net.ipv4.ip_forward"));
	/* No fixture root is the live host. */
	assert_no_member(&r, "kernel.pid_max", "live");

	assert_int_equal(json_object_array_length(
	    jpath(r.section, "data.modprobe.files")), 0);
	assert_jbool(&r, "data.modprobe.modules.cramfs.blacklisted", 0);
	assert_jbool(&r, "data.modprobe.modules.cramfs.install_disabled", 0);
	assert_jabsent(&r, "data.modprobe.modules.cramfs.install");
	assert_jstr(&r, "sources[0].path", "/run/sysctl.d");
	assert_string_equal(collect_source_status(&r, "/etc/modprobe.d"),
	    "absent");

	/* Only / and swap in fstab: the audited mount points are absent. */
	assert_jabsent(&r, "data.fstab.tmp");
	assert_jabsent(&r, "data.fstab.home");
	assert_jabsent(&r, "data.fstab.boot");
	assert_jbool(&r, "data.fstab.tmp_mount_unit", 0);
	assert_string_equal(collect_source_status(&r, "/etc/fstab"), "read");
	collect_result_free(&r);
}

static void
test_hardened(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-hardened", &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	/* /etc/sysctl.d/50-pid-max.conf replaces the /usr/lib one. */
	assert_setting(&r, "kernel.pid_max", "65536",
	    "/etc/sysctl.d/50-pid-max.conf", 2);
	assert_setting_int(&r, "kernel.pid_max", "overridden", 0);
	/* Slash-separated keys. */
	assert_setting(&r, "net.ipv4.conf.all.log_martians", "1",
	    "/etc/sysctl.d/60-cis-network.conf", 20);
	assert_null(setting(&r, "net/ipv4/conf/all/log_martians"));
	/* An explicit value replaces the exclusion from 50-default.conf. */
	assert_setting(&r, "net.ipv4.conf.all.rp_filter", "1",
	    "/etc/sysctl.d/60-cis-network.conf", 14);
	assert_setting_int(&r, "net.ipv4.conf.all.rp_filter", "overridden", 1);
	assert_no_member(&r, "net.ipv4.conf.all.rp_filter", "excluded");
	assert_setting(&r, "kernel.perf_event_paranoid", "3",
	    "/etc/sysctl.d/60-cis-kernel.conf", 8);
	assert_setting_bool(&r, "kernel.perf_event_paranoid",
	    "ignore_failure", 1);
	assert_setting(&r, "kernel.sysrq", "0", "/etc/sysctl.d/99-sysctl.conf",
	    67);
	assert_setting_int(&r, "kernel.sysrq", "overridden", 1);
	assert_setting(&r, "kernel.randomize_va_space", "2",
	    "/etc/sysctl.d/60-cis-kernel.conf", 2);
	assert_setting(&r, "net.ipv4.ip_forward", "0",
	    "/etc/sysctl.d/60-cis-network.conf", 2);

	/* "blacklist usb-storage" and "install usb_storage" name one
	 * module. */
	LIST(&r, "data.modprobe.files", "/etc/modprobe.d/cis-filesystems.conf",
	    "/etc/modprobe.d/cis-network.conf",
	    "/etc/modprobe.d/usb-storage.conf");
	LIST(&r, "data.modprobe.blacklist", "cramfs", "dccp", "freevxfs",
	    "hfs", "hfsplus", "jffs2", "rds", "sctp", "tipc", "udf",
	    "usb_storage");
	assert_jbool(&r, "data.modprobe.modules.usb_storage.blacklisted", 1);
	assert_jbool(&r, "data.modprobe.modules.usb_storage.install_disabled",
	    1);
	assert_jstr(&r, "data.modprobe.modules.usb_storage.blacklist.file",
	    "/etc/modprobe.d/usb-storage.conf");
	assert_jint(&r, "data.modprobe.modules.usb_storage.blacklist.line", 3);
	assert_jstr(&r, "data.modprobe.modules.usb_storage.install.command",
	    "/bin/false");
	assert_jint(&r, "data.modprobe.modules.usb_storage.install.line", 2);
	assert_jbool(&r, "data.modprobe.modules.dccp.install_disabled", 1);
	assert_jstr(&r, "data.modprobe.modules.dccp.install.command",
	    "/bin/true");
	assert_jbool(&r, "data.modprobe.modules.squashfs.blacklisted", 0);
	assert_jbool(&r, "data.modprobe.modules.squashfs.install_disabled", 0);
	assert_jbool(&r, "data.modprobe.modules.bluetooth.blacklisted", 0);

	/* Tabs between fields; every option kept. */
	assert_jstr(&r, "data.fstab.tmp.mount_point", "/tmp");
	assert_jstr(&r, "data.fstab.tmp.device", "tmpfs");
	assert_jstr(&r, "data.fstab.tmp.fstype", "tmpfs");
	assert_jstr(&r, "data.fstab.tmp.options[0]", "defaults");
	assert_jstr(&r, "data.fstab.tmp.options[7]", "mode=1777");
	assert_jabsent(&r, "data.fstab.tmp.options[8]");
	assert_jbool(&r, "data.fstab.tmp.nodev", 1);
	assert_jbool(&r, "data.fstab.tmp.nosuid", 1);
	assert_jbool(&r, "data.fstab.tmp.noexec", 1);
	assert_jint(&r, "data.fstab.tmp.line", 22);
	assert_jbool(&r, "data.fstab.var.nodev", 1);
	assert_jbool(&r, "data.fstab.var.nosuid", 0);
	assert_jbool(&r, "data.fstab.var.noexec", 0);
	assert_jbool(&r, "data.fstab.home.noexec", 0);
	assert_jbool(&r, "data.fstab.var_log_audit.noexec", 1);
	assert_jstr(&r, "data.fstab.boot.device",
	    "UUID=0e6f9a44-3c1b-4d7e-8a52-6f1b2c3d4e5f");
	assert_jbool(&r, "data.fstab.dev_shm.nodev", 1);
	collect_result_free(&r);
}

static void
test_weak(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-weak", &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_setting(&r, "net.ipv4.ip_forward", "1",
	    "/etc/sysctl.d/99-sysctl.conf", 28);
	assert_setting_int(&r, "net.ipv4.ip_forward", "int", 1);
	assert_setting(&r, "kernel.randomize_va_space", "0",
	    "/etc/sysctl.d/99-sysctl.conf", 69);
	assert_setting(&r, "kernel.yama.ptrace_scope", "0",
	    "/etc/sysctl.d/10-ptrace.conf", 1);
	assert_setting(&r, "net.ipv4.conf.all.accept_redirects", "1",
	    "/etc/sysctl.d/99-sysctl.conf", 70);
	assert_setting(&r, "fs.suid_dumpable", "2",
	    "/etc/sysctl.d/99-sysctl.conf", 72);
	/* 99-sysctl.conf sorts before protect-links.conf. */
	assert_setting(&r, "kernel.sysrq", "1", "/etc/sysctl.d/99-sysctl.conf",
	    67);

	/* A "remove" command continued over three lines is no error. */
	LIST(&r, "data.modprobe.files", "/etc/modprobe.d/iwlwifi.conf");
	assert_int_equal(json_object_array_length(
	    jpath(r.section, "data.modprobe.blacklist")), 0);
	assert_jbool(&r, "data.modprobe.modules.usb_storage.blacklisted", 0);

	assert_jstr(&r, "data.fstab.home.options[0]", "defaults");
	assert_jbool(&r, "data.fstab.home.nodev", 0);
	assert_jbool(&r, "data.fstab.home.nosuid", 0);
	assert_jabsent(&r, "data.fstab.tmp");
	assert_jabsent(&r, "data.fstab.var");
	collect_result_free(&r);
}

static void
test_drifted(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-drifted", &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	/* 99-zz-docker.conf sorts after 99-sysctl.conf and re-enables
	 * forwarding that 60-cis-network.conf turned off. */
	assert_setting(&r, "net.ipv4.ip_forward", "1",
	    "/etc/sysctl.d/99-zz-docker.conf", 2);
	assert_setting_int(&r, "net.ipv4.ip_forward", "overridden", 1);
	assert_jbool(&r, "data.modprobe.modules.cramfs.blacklisted", 1);
	assert_jbool(&r, "data.fstab.tmp.noexec", 1);
	collect_result_free(&r);
}

static void
test_rhel9(void **state)
{
	struct collect_result	r;

	run_fixture("rhel9", &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_jstr(&r, "data.sysctl.applier", "systemd-sysctl");
	/* 60-cis.conf undoes the vendor's 10-default-yama-scope.conf. */
	assert_setting(&r, "kernel.yama.ptrace_scope", "1",
	    "/etc/sysctl.d/60-cis.conf", 1);
	assert_setting_int(&r, "kernel.yama.ptrace_scope", "overridden", 1);
	assert_setting(&r, "kernel.core_pattern",
	    "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h",
	    "/usr/lib/sysctl.d/50-coredump.conf", 12);
	assert_no_member(&r, "kernel.core_pattern", "int");
	assert_setting_int(&r, "kernel.sysrq", "int", 16);
	/* The empty sysctl.conf, linked, sets nothing. */
	LIST(&r, "data.sysctl.files",
	    "/usr/lib/sysctl.d/10-default-yama-scope.conf",
	    "/usr/lib/sysctl.d/50-coredump.conf",
	    "/usr/lib/sysctl.d/50-default.conf",
	    "/usr/lib/sysctl.d/50-pid-max.conf", "/etc/sysctl.d/60-cis.conf",
	    "/etc/sysctl.d/99-sysctl.conf");

	LIST(&r, "data.modprobe.blacklist", "cramfs", "usb_storage");
	assert_jbool(&r, "data.modprobe.modules.usb_storage.blacklisted", 1);
	assert_jbool(&r, "data.modprobe.modules.usb_storage.install_disabled",
	    0);
	assert_jabsent(&r, "data.modprobe.modules.usb_storage.install");
	assert_jbool(&r, "data.modprobe.modules.squashfs.blacklisted", 0);
	assert_jbool(&r, "data.modprobe.modules.squashfs.install_disabled", 1);
	assert_jbool(&r, "data.modprobe.modules.cramfs.install_disabled", 1);

	assert_jstr(&r, "data.fstab.var_tmp.device",
	    "/dev/mapper/rhel-var_tmp");
	assert_jbool(&r, "data.fstab.var_tmp.noexec", 1);
	assert_jbool(&r, "data.fstab.boot.nosuid", 1);
	assert_jbool(&r, "data.fstab.boot.noexec", 0);
	assert_jbool(&r, "data.fstab.home.nosuid", 0);
	assert_jabsent(&r, "data.fstab.tmp");
	assert_jbool(&r, "data.fstab.tmp_mount_unit", 0);
	collect_result_free(&r);
}

static void
test_alpine(void **state)
{
	struct collect_result	r;

	run_fixture("alpine", &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	/* OpenRC: "sysctl --system", /etc/sysctl.conf last. */
	assert_jstr(&r, "data.sysctl.applier", "procps");
	LIST(&r, "data.sysctl.files", "/etc/sysctl.d/00-alpine.conf",
	    "/etc/sysctl.conf");
	assert_setting(&r, "net.ipv4.ping_group_range", "999 59999",
	    "/etc/sysctl.d/00-alpine.conf", 1);
	assert_setting_int(&r, "kernel.panic", "int", 120);
	assert_null(setting(&r, "kernel.sysrq"));
	assert_string_equal(collect_source_status(&r, "/usr/lib/sysctl.d"),
	    "absent");

	LIST(&r, "data.modprobe.blacklist", "de4x5", "eepro100", "eth1394",
	    "evbug", "usbkbd", "usbmouse");
	assert_jbool(&r, "data.modprobe.modules.bluetooth.blacklisted", 0);

	assert_jbool(&r, "data.fstab.tmp.nodev", 1);
	assert_jbool(&r, "data.fstab.tmp.nosuid", 1);
	assert_jbool(&r, "data.fstab.tmp.noexec", 0);
	assert_jint(&r, "data.fstab.tmp.line", 6);
	assert_jstr(&r, "data.fstab.boot.options[1]", "relatime");
	assert_jbool(&r, "data.fstab.boot.nodev", 0);
	collect_result_free(&r);
}

/* "99-ünicöde.conf" sorts after "99-sysctl.conf": bytes, not letters. */
#define UNICODE_CONF	"/etc/sysctl.d/99-\xc3\xbcnic\xc3\xb6" "de.conf"

/* Broken lines are errors and carry no value; what the real tools would
 * still apply is reported. */
static void
test_hostile(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("hostile");

	run(root, &r);
	assert_jstr(&r, "data.sysctl.applier_evidence", "/lib/systemd/system");
	LIST(&r, "data.sysctl.shadowed", "/usr/lib/sysctl.d/20-weird.conf");
	LIST(&r, "data.sysctl.files", "/etc/sysctl.d/10-crlf.conf",
	    "/etc/sysctl.d/20-weird.conf", "/etc/sysctl.d/30-dup.conf",
	    "/etc/sysctl.d/99-sysctl.conf", UNICODE_CONF,
	    /* made by the setup: a name that is not UTF-8, escaped */
	    "/etc/sysctl.d/\\xff\\xfe.conf");
	/* 10-crlf.conf's "0\r" is 0, then 20-weird.conf sets 1; the
	 * shadowed /usr/lib file's 7 never applies. */
	assert_setting(&r, "net.ipv4.ip_forward", "1",
	    "/etc/sysctl.d/20-weird.conf", 1);
	assert_setting_int(&r, "net.ipv4.ip_forward", "overridden", 1);
	assert_setting(&r, "net.ipv4.conf.all.rp_filter", "0",
	    "/etc/sysctl.d/20-weird.conf", 2);
	assert_setting(&r, "kernel.core_pattern", "|/bin/handler a=b c=d",
	    "/etc/sysctl.d/20-weird.conf", 7);
	assert_setting(&r, "kernel.sysrq",
	    "1 # trailing text is part of the value",
	    "/etc/sysctl.d/20-weird.conf", 11);
	assert_no_member(&r, "kernel.sysrq", "int");
	assert_setting_bool(&r, "net.ipv4.conf.all.accept_redirects",
	    "ignore_failure", 1);
	assert_setting(&r, "net.ipv4.tcp_syncookies", "1",
	    "/etc/sysctl.d/30-dup.conf", 2);
	assert_setting(&r, "kernel.randomize_va_space", "2",
	    "/etc/sysctl.d/99-sysctl.conf", 1);
	assert_setting_int(&r, "kernel.randomize_va_space", "int", 2);
	assert_setting(&r, "vm.swappiness", "1", UNICODE_CONF, 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sysctl.d/40-dir.conf: not a regular file"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sysctl.d/20-weird.conf:3: not a sysctl name"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sysctl.d/20-weird.conf:4: not an assignment"), 1);

	/* "install usb-storage" without a command is refused; the later
	 * one with a shell comment still runs /bin/true. */
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/modprobe.d/weird.conf:1: bad install line"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/modprobe.d/weird.conf:2: bad install line"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/modprobe.d/weird.conf:3: bad blacklist line"), 1);
	assert_jint(&r, "data.modprobe.modules.usb_storage.install.line", 4);
	assert_jstr(&r, "data.modprobe.modules.usb_storage.install.command",
	    "  /bin/true   # trailing");
	assert_jbool(&r, "data.modprobe.modules.usb_storage.install_disabled",
	    1);
	assert_jint(&r, "data.modprobe.modules.usb_storage.blacklist.line", 5);
	LIST(&r, "data.modprobe.blacklist", "usb_storage");

	assert_int_equal(json_object_array_length(
	    jpath(r.section, "data.fstab.tmp.options")), 0);
	assert_jbool(&r, "data.fstab.tmp.nodev", 0);
	assert_jbool(&r, "data.fstab.dev_shm.noexec", 0);
	assert_jbool(&r, "data.fstab.dev_shm.nosuid", 1);
	assert_jbool(&r, "data.fstab.var_tmp.noexec", 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/fstab:6: no mount point"), 1);
	assert_int_equal(collect_errors_matching(&r, NULL), 7);
	collect_result_free(&r);
	fixture_remove(root);
}

/* A name in /etc/sysctl.d masks the same name in later directories; a
 * link to /dev/null masks it entirely. */
static void
test_sysctl_masking(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	troot_systemd(root);
	troot_write(root, "usr/lib/sysctl.d/50-vendor.conf",
	    "kernel.vendor_a = 1\n");
	troot_symlink(root, "etc/sysctl.d/50-vendor.conf", "/dev/null");
	troot_write(root, "usr/lib/sysctl.d/60-same.conf",
	    "kernel.same = vendor\n");
	troot_write(root, "run/sysctl.d/60-same.conf", "kernel.same = run\n");
	troot_write(root, "etc/sysctl.d/60-same.conf", "kernel.same = admin\n");
	/* A dangling link takes no part: the vendor file still applies. */
	troot_write(root, "usr/lib/sysctl.d/70-dangling.conf",
	    "kernel.dangling = vendor\n");
	troot_symlink(root, "etc/sysctl.d/70-dangling.conf", "/nonexistent");
	/* Neither does a directory. */
	troot_mkdir(root, "etc/sysctl.d/80-dir.conf");
	troot_write(root, "usr/lib/sysctl.d/80-dir.conf", "kernel.dir = 1\n");
	troot_write(root, "etc/sysctl.d/README", "kernel.readme = 1\n");

	run(root, &r);
	assert_null(setting(&r, "kernel.vendor_a"));
	assert_setting(&r, "kernel.same", "admin",
	    "/etc/sysctl.d/60-same.conf", 1);
	assert_setting_int(&r, "kernel.same", "overridden", 0);
	assert_setting(&r, "kernel.dangling", "vendor",
	    "/usr/lib/sysctl.d/70-dangling.conf", 1);
	assert_setting(&r, "kernel.dir", "1", "/usr/lib/sysctl.d/80-dir.conf",
	    1);
	assert_null(setting(&r, "kernel.readme"));
	LIST(&r, "data.sysctl.masked", "/etc/sysctl.d/50-vendor.conf");
	LIST(&r, "data.sysctl.shadowed", "/usr/lib/sysctl.d/50-vendor.conf",
	    "/run/sysctl.d/60-same.conf", "/usr/lib/sysctl.d/60-same.conf");
	LIST(&r, "data.sysctl.files", "/etc/sysctl.d/60-same.conf",
	    "/usr/lib/sysctl.d/70-dangling.conf",
	    "/usr/lib/sysctl.d/80-dir.conf");
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sysctl.d/80-dir.conf: not a regular file"), 1);
	assert_int_equal(collect_errors_matching(&r, NULL), 1);
	/* The masked and shadowed files were never read. */
	assert_null(collect_source_status(&r,
	    "/usr/lib/sysctl.d/50-vendor.conf"));
	assert_null(collect_source_status(&r,
	    "/usr/lib/sysctl.d/60-same.conf"));
	collect_result_free(&r);
	fixture_remove(root);
}

/* Files apply in name order whatever their directory, and within and
 * across files the last assignment wins. */
static void
test_sysctl_order(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	troot_systemd(root);
	troot_write(root, "etc/sysctl.d/10-admin.conf",
	    "vm.swappiness = 10\nkernel.twice = a\nkernel.twice = b\n");
	troot_write(root, "usr/lib/sysctl.d/90-vendor.conf",
	    "vm.swappiness = 60\n");
	troot_write(root, "run/sysctl.d/50-run.conf", "kernel.twice = c\n");
	troot_write(root, "usr/local/lib/sysctl.d/20-local.conf",
	    "kernel.local = 1\n");

	run(root, &r);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	LIST(&r, "data.sysctl.files", "/etc/sysctl.d/10-admin.conf",
	    "/usr/local/lib/sysctl.d/20-local.conf",
	    "/run/sysctl.d/50-run.conf", "/usr/lib/sysctl.d/90-vendor.conf");
	assert_setting(&r, "vm.swappiness", "60",
	    "/usr/lib/sysctl.d/90-vendor.conf", 1);
	assert_setting_int(&r, "vm.swappiness", "overridden", 1);
	assert_setting(&r, "kernel.twice", "c", "/run/sysctl.d/50-run.conf", 1);
	assert_setting_int(&r, "kernel.twice", "overridden", 2);
	assert_setting(&r, "kernel.local", "1",
	    "/usr/local/lib/sysctl.d/20-local.conf", 1);
	collect_result_free(&r);
	fixture_remove(root);
}

/* systemd-sysctl reads /etc/sysctl.conf only through a sysctl.d link;
 * procps' "sysctl --system" reads it after everything else. */
static void
test_sysctl_conf(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	troot_systemd(root);
	troot_write(root, "etc/sysctl.conf", "kernel.where = conf\n");
	troot_write(root, "etc/sysctl.d/99-zz.conf", "kernel.where = zz\n");

	/* systemd, not linked: not applied, and said so. */
	run(root, &r);
	assert_jstr(&r, "data.sysctl.applier", "systemd-sysctl");
	assert_jstr(&r, "data.sysctl.applier_evidence",
	    "/usr/lib/systemd/system");
	assert_setting(&r, "kernel.where", "zz", "/etc/sysctl.d/99-zz.conf", 1);
	LIST(&r, "data.sysctl.not_applied", "/etc/sysctl.conf");
	assert_null(collect_source_status(&r, "/etc/sysctl.conf"));
	collect_result_free(&r);

	/* systemd, linked as 99-sysctl.conf: applied in that name's
	 * place, before 99-zz.conf. */
	troot_symlink(root, "etc/sysctl.d/99-sysctl.conf", "../sysctl.conf");
	run(root, &r);
	assert_jabsent(&r, "data.sysctl.not_applied");
	LIST(&r, "data.sysctl.files", "/etc/sysctl.d/99-sysctl.conf",
	    "/etc/sysctl.d/99-zz.conf");
	assert_setting(&r, "kernel.where", "zz", "/etc/sysctl.d/99-zz.conf", 1);
	assert_setting_int(&r, "kernel.where", "overridden", 1);
	collect_result_free(&r);

	fixture_remove(root);

	/* procps: sysctl.conf comes last and wins. */
	root = troot_new();
	troot_write(root, "etc/sysctl.conf", "kernel.where = conf\n");
	troot_write(root, "etc/sysctl.d/99-zz.conf", "kernel.where = zz\n");
	run(root, &r);
	assert_jstr(&r, "data.sysctl.applier", "procps");
	assert_jabsent(&r, "data.sysctl.applier_evidence");
	LIST(&r, "data.sysctl.files", "/etc/sysctl.d/99-zz.conf",
	    "/etc/sysctl.conf");
	assert_setting(&r, "kernel.where", "conf", "/etc/sysctl.conf", 1);
	assert_jabsent(&r, "data.sysctl.not_applied");
	collect_result_free(&r);
	fixture_remove(root);

	/* An init that is systemd is enough to know. */
	root = troot_new();
	troot_symlink(root, "sbin/init", "/lib/systemd/systemd");
	troot_write(root, "etc/sysctl.conf", "kernel.where = conf\n");
	run(root, &r);
	assert_jstr(&r, "data.sysctl.applier", "systemd-sysctl");
	assert_jstr(&r, "data.sysctl.applier_evidence", "/sbin/init");
	assert_null(setting(&r, "kernel.where"));
	collect_result_free(&r);
	fixture_remove(root);
}

/* Key spellings, "-" prefixes, odd whitespace and broken lines. */
static void
test_sysctl_syntax(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	troot_systemd(root);
	troot_write(root, "etc/sysctl.d/10-syntax.conf",
	    "# comment\n"
	    "; also a comment\n"
	    "\t net/ipv4/ip_forward\t=\t0 \r\n"
	    "net.ipv4.conf.eth0/1.rp_filter = 1\n"
	    "net/ipv4/conf/eth0.1/rp_filter = 2\n"
	    "-kernel.perf_event_paranoid=3\n"
	    "- kernel.spaced = 1 # not a comment\n"
	    "kernel.empty =\n"
	    "just words\n"
	    "= 5\n"
	    "kernel/../../etc/shadow = x\n"
	    "kernel.neg = -1\n"
	    "kernel.octal = 010\n"
	    "kernel.bad_octal = 08\n"
	    "kernel.huge = 99999999999999999999\n"
	    "net.ipv4.conf.*.rp_filter = 2\n"
	    "-net.ipv4.conf.lo.rp_filter\n"
	    "kernel.dup = 1\n"
	    "kernel.dup = 1\n");

	run(root, &r);
	assert_setting(&r, "net.ipv4.ip_forward", "0",
	    "/etc/sysctl.d/10-syntax.conf", 3);
	assert_setting_int(&r, "net.ipv4.ip_forward", "int", 0);
	/* A dot inside a /proc/sys component, written either way. */
	assert_setting(&r, "net.ipv4.conf.eth0/1.rp_filter", "2",
	    "/etc/sysctl.d/10-syntax.conf", 5);
	assert_setting_int(&r, "net.ipv4.conf.eth0/1.rp_filter", "overridden",
	    1);
	assert_setting(&r, "kernel.perf_event_paranoid", "3",
	    "/etc/sysctl.d/10-syntax.conf", 6);
	assert_setting_bool(&r, "kernel.perf_event_paranoid", "ignore_failure",
	    1);
	assert_setting(&r, "kernel.spaced", "1 # not a comment",
	    "/etc/sysctl.d/10-syntax.conf", 7);
	assert_no_member(&r, "kernel.spaced", "int");
	assert_setting(&r, "kernel.empty", "", "/etc/sysctl.d/10-syntax.conf",
	    8);
	assert_setting_int(&r, "kernel.neg", "int", -1);
	assert_setting_int(&r, "kernel.octal", "int", 8);
	assert_no_member(&r, "kernel.bad_octal", "int");
	assert_no_member(&r, "kernel.huge", "int");
	assert_setting_bool(&r, "net.ipv4.conf.*.rp_filter", "glob", 1);
	assert_setting_bool(&r, "net.ipv4.conf.lo.rp_filter", "excluded", 1);
	assert_setting_bool(&r, "net.ipv4.conf.lo.rp_filter", "ignore_failure",
	    0);
	assert_no_member(&r, "net.ipv4.conf.lo.rp_filter", "glob");
	assert_setting_int(&r, "kernel.dup", "overridden", 1);
	assert_setting_int(&r, "kernel.dup", "line", 19);

	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sysctl.d/10-syntax.conf:9: not an assignment"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sysctl.d/10-syntax.conf:10: not a sysctl name"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sysctl.d/10-syntax.conf:11: not a sysctl name"), 1);
	assert_int_equal(collect_errors_matching(&r, NULL), 3);
	assert_null(setting(&r, ""));
	assert_null(setting(&r, "kernel.......etc.shadow"));
	collect_result_free(&r);
	fixture_remove(root);
}

/* kmod: masking by name, the first matching install command, names with
 * "-" or "_", continuations, CRLF and unknown commands. */
static void
test_modprobe(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	troot_write(root, "usr/lib/modprobe.d/10-vendor.conf",
	    "blacklist sctp\n");
	troot_symlink(root, "etc/modprobe.d/10-vendor.conf", "/dev/null");
	troot_write(root, "lib/modprobe.d/20-lib.conf",
	    "install bluetooth /bin/false\n");
	troot_write(root, "etc/modprobe.d/30-a.conf",
	    "# blacklist hfs\n"
	    "  blacklist firewire-core   extra words\n"
	    "install usb* /usr/bin/true\n"
	    "install usb_storage /bin/false\n"
	    "install cramfs \\\n"
	    "  /bin/false\n"
	    "install squashfs /bin/false --really\n"
	    "blacklist\n"
	    "frobnicate tipc\n"
	    "blacklist rds\r\n"
	    "options udf foo=1\n"
	    "install dccp /bin/sh -c 'exit 1'\n"
	    "blacklist Bad[name\n");
	troot_write(root, "run/modprobe.d/40-b.conf",
	    "install bluetooth /bin/true\n"
	    "blacklist usb-storage\n"
	    "blacklist jffs2\n");
	troot_write(root, "etc/modprobe.d/README", "blacklist hfsplus\n");

	run(root, &r);
	LIST(&r, "data.modprobe.masked", "/etc/modprobe.d/10-vendor.conf");
	LIST(&r, "data.modprobe.shadowed",
	    "/usr/lib/modprobe.d/10-vendor.conf");
	LIST(&r, "data.modprobe.files", "/lib/modprobe.d/20-lib.conf",
	    "/etc/modprobe.d/30-a.conf", "/run/modprobe.d/40-b.conf");
	LIST(&r, "data.modprobe.blacklist", "firewire_core", "jffs2",
	    "rds\r", "usb_storage");
	assert_jbool(&r, "data.modprobe.modules.sctp.blacklisted", 0);
	assert_jbool(&r, "data.modprobe.modules.firewire_core.blacklisted", 1);
	assert_jint(&r, "data.modprobe.modules.firewire_core.blacklist.line",
	    2);
	/* kmod keeps the "\r": rds is not blacklisted. */
	assert_jbool(&r, "data.modprobe.modules.rds.blacklisted", 0);
	/* The first install command that matches is kmod's. */
	assert_jstr(&r, "data.modprobe.modules.usb_storage.install.command",
	    "/usr/bin/true");
	assert_jint(&r, "data.modprobe.modules.usb_storage.install.line", 3);
	assert_jbool(&r, "data.modprobe.modules.usb_storage.install_disabled",
	    1);
	assert_jbool(&r, "data.modprobe.modules.usb_storage.blacklisted", 1);
	assert_jstr(&r, "data.modprobe.modules.usb_storage.blacklist.file",
	    "/run/modprobe.d/40-b.conf");
	assert_jstr(&r, "data.modprobe.modules.bluetooth.install.file",
	    "/lib/modprobe.d/20-lib.conf");
	assert_jbool(&r, "data.modprobe.modules.bluetooth.install_disabled", 1);
	assert_jstr(&r, "data.modprobe.modules.cramfs.install.command",
	    "  /bin/false");
	assert_jint(&r, "data.modprobe.modules.cramfs.install.line", 5);
	assert_jbool(&r, "data.modprobe.modules.cramfs.install_disabled", 1);
	assert_jbool(&r, "data.modprobe.modules.squashfs.install_disabled", 0);
	assert_jstr(&r, "data.modprobe.modules.squashfs.install.command",
	    "/bin/false --really");
	assert_jbool(&r, "data.modprobe.modules.dccp.install_disabled", 0);
	assert_jbool(&r, "data.modprobe.modules.hfs.blacklisted", 0);
	assert_jbool(&r, "data.modprobe.modules.hfsplus.blacklisted", 0);
	assert_jbool(&r, "data.modprobe.modules.tipc.blacklisted", 0);

	assert_int_equal(collect_errors_matching(&r,
	    "/etc/modprobe.d/30-a.conf:8: bad blacklist line"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/modprobe.d/30-a.conf:9: unknown command"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/modprobe.d/30-a.conf:10: carriage return"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/modprobe.d/30-a.conf:13: bad blacklist line"), 1);
	assert_int_equal(collect_errors_matching(&r, NULL), 4);
	collect_result_free(&r);
	fixture_remove(root);
}

/* fstab: octal escapes, left-to-right options, duplicate mount points,
 * short lines. */
static void
test_fstab(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	troot_write(root, "etc/fstab",
	    "# comment\n"
	    "LABEL=my\\040disk /home\\040dir ext4 nodev 0 2\n"
	    "LABEL=my\\040disk /home ext4 nodev,dev,nosuid 0 2\n"
	    "/dev/sdb1\t//var//tmp/\txfs\tuser,exec\r\n"
	    "tmpfs /tmp tmpfs owner\n"
	    "tmpfs /tmp tmpfs nodev,nosuid,noexec\n"
	    "/dev/sdc1 /var/log\n"
	    "lonely\n"
	    "/dev/sdd1 /boot ext4 nodev,,noexec,\\134x 0 0\n");

	run(root, &r);
	assert_jstr(&r, "data.fstab.home.device", "LABEL=my disk");
	assert_jint(&r, "data.fstab.home.line", 3);
	assert_jbool(&r, "data.fstab.home.nodev", 0);
	assert_jbool(&r, "data.fstab.home.nosuid", 1);
	assert_jbool(&r, "data.fstab.home.noexec", 0);
	assert_jstr(&r, "data.fstab.var_tmp.mount_point", "/var/tmp");
	assert_jstr(&r, "data.fstab.var_tmp.fstype", "xfs");
	/* "user" implies noexec, nosuid, nodev; "exec" after it undoes
	 * noexec only. */
	assert_jbool(&r, "data.fstab.var_tmp.nodev", 1);
	assert_jbool(&r, "data.fstab.var_tmp.nosuid", 1);
	assert_jbool(&r, "data.fstab.var_tmp.noexec", 0);
	/* The first entry for /tmp is the one systemd mounts. */
	assert_jint(&r, "data.fstab.tmp.line", 5);
	assert_jbool(&r, "data.fstab.tmp.nodev", 1);
	assert_jbool(&r, "data.fstab.tmp.nosuid", 1);
	assert_jbool(&r, "data.fstab.tmp.noexec", 0);
	assert_jstr(&r, "data.fstab.tmp.options[0]", "owner");
	/* No type, no options. */
	assert_jabsent(&r, "data.fstab.var_log.fstype");
	assert_int_equal(json_object_array_length(
	    jpath(r.section, "data.fstab.var_log.options")), 0);
	assert_jbool(&r, "data.fstab.var_log.nodev", 0);
	assert_jstr(&r, "data.fstab.boot.options[1]", "noexec");
	assert_jstr(&r, "data.fstab.boot.options[2]", "\\x");
	assert_jabsent(&r, "data.fstab.boot.options[3]");
	assert_jabsent(&r, "data.fstab.var");
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/fstab:6: second entry for /tmp"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/fstab:8: no mount point"), 1);
	assert_int_equal(collect_errors_matching(&r, NULL), 2);
	assert_jbool(&r, "data.fstab.tmp_mount_unit", 0);
	collect_result_free(&r);
	fixture_remove(root);
}

/* systemd's tmp.mount: enabled by a wants link, off when masked. */
static void
test_tmp_mount(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new();

	/* Wanted, but no such unit. */
	troot_symlink(root,
	    "etc/systemd/system/local-fs.target.wants/tmp.mount",
	    "/usr/lib/systemd/system/tmp.mount");
	run(root, &r);
	assert_jbool(&r, "data.fstab.tmp_mount_unit", 0);
	assert_jabsent(&r, "data.fstab.tmp_mount_unit_file");
	collect_result_free(&r);

	/* Wanted and there. */
	troot_write(root, "usr/lib/systemd/system/tmp.mount", "[Mount]\n");
	run(root, &r);
	assert_jbool(&r, "data.fstab.tmp_mount_unit", 1);
	assert_jstr(&r, "data.fstab.tmp_mount_unit_file",
	    "/usr/lib/systemd/system/tmp.mount");
	collect_result_free(&r);

	/* Debian's template is not a unit systemd loads. */
	fixture_remove(root);
	root = troot_new();
	troot_write(root, "usr/share/systemd/tmp.mount", "[Mount]\n");
	run(root, &r);
	assert_jbool(&r, "data.fstab.tmp_mount_unit", 0);
	assert_jabsent(&r, "data.fstab.tmp_mount_unit_file");
	collect_result_free(&r);

	/* Enabled by the distribution, then masked by the admin. */
	troot_write(root, "usr/lib/systemd/system/tmp.mount", "[Mount]\n");
	troot_symlink(root,
	    "usr/lib/systemd/system/local-fs.target.wants/tmp.mount",
	    "../tmp.mount");
	run(root, &r);
	assert_jbool(&r, "data.fstab.tmp_mount_unit", 1);
	collect_result_free(&r);

	troot_symlink(root, "etc/systemd/system/tmp.mount", "/dev/null");
	run(root, &r);
	assert_jbool(&r, "data.fstab.tmp_mount_unit", 0);
	assert_jabsent(&r, "data.fstab.tmp_mount_unit_file");
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

	troot_systemd(root);
	troot_write(root, "etc/sysctl.d/\xff\xfe.conf",
	    "kernel.caf\xe9 = \xe9t\xc3\xa9\n");
	troot_write(root, "etc/modprobe.d/x.conf",
	    "install cramfs /bin/\xff\n"
	    "blacklist \xc0\xaf\n");
	/* A surrogate and a code point past U+10FFFF. */
	troot_write(root, "etc/fstab",
	    "/dev/\xed\xa0\x80 /tmp ext4 nodev,\xf4\x90\x80\x80\n");

	run(root, &r);
	assert_setting(&r, "kernel.caf\\xe9", "\\xe9t\xc3\xa9",
	    "/etc/sysctl.d/\\xff\\xfe.conf", 1);
	LIST(&r, "data.sysctl.files", "/etc/sysctl.d/\\xff\\xfe.conf");
	assert_jstr(&r, "data.modprobe.modules.cramfs.install.command",
	    "/bin/\\xff");
	LIST(&r, "data.modprobe.blacklist", "\\xc0\\xaf");
	assert_jstr(&r, "data.fstab.tmp.device", "/dev/\\xed\\xa0\\x80");
	assert_jstr(&r, "data.fstab.tmp.options[1]",
	    "\\xf4\\x90\\x80\\x80");
	/* The strict parser, which checks UTF-8, takes the data back. */
	text = jsonutil_to_string(jpath(r.section, "data"), 0);
	parsed = jsonutil_parse(text, strlen(text), err, sizeof(err));
	if (parsed == NULL)
		fail_msg("data is not valid JSON: %s", err);
	json_object_put(parsed);
	collect_result_free(&r);
	fixture_remove(root);
}

/* Unreadable, oversized and binary inputs give errors, not values. */
static void
test_bad_files(void **state)
{
	struct collect_result	 r;
	char			*root = troot_new(), *path, big[2048];
	int			 fd;

	troot_systemd(root);
	memset(big, '#', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	troot_write(root, "etc/sysctl.d/10-big.conf", big);
	troot_write(root, "etc/sysctl.d/20-ok.conf", "kernel.ok = 1\n");
	troot_write(root, "etc/modprobe.d/10-bin.conf", "blacklist x\n");
	path = xasprintf("%s/etc/modprobe.d/10-bin.conf", root);
	if ((fd = open(path, O_WRONLY | O_APPEND)) == -1)
		fail_msg("open %s", path);
	if (write(fd, "\0blacklist cramfs\n", 18) != 18)
		fail_msg("write %s", path);
	close(fd);
	free(path);
	troot_symlink(root, "etc/fstab", "fstab");

	collect_run(root, collect_kernel, "kernel", 1024, &r);
	assert_setting(&r, "kernel.ok", "1", "/etc/sysctl.d/20-ok.conf", 1);
	assert_string_equal(collect_source_status(&r,
	    "/etc/sysctl.d/10-big.conf"), "too_large");
	assert_string_equal(collect_source_status(&r,
	    "/etc/modprobe.d/10-bin.conf"), "binary");
	assert_string_equal(collect_source_status(&r, "/etc/fstab"),
	    "symlink_loop");
	assert_jbool(&r, "data.modprobe.modules.cramfs.blacklisted", 0);
	assert_int_equal(json_object_array_length(
	    jpath(r.section, "data.modprobe.blacklist")), 0);
	assert_int_equal(collect_errors_matching(&r, "larger than"), 1);
	assert_int_equal(collect_errors_matching(&r, "binary data"), 1);
	assert_int_equal(collect_errors_matching(&r, "symbolic links"), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

/* On the live host each plain key also carries what /proc/sys holds. */
static void
test_live(void **state)
{
	struct collect_result	 r;
	struct json_object	*settings, *o;
	struct json_object_iterator it, end;
	const char		*key, *live;
	char			*proc, *p;
	int64_t			 n;
	int			 excluded, glob, checked = 0;

	run("/", &r);
	if ((settings = jpath(r.section, "data.sysctl.settings")) == NULL)
		fail_msg("no settings");
	it = json_object_iter_begin(settings);
	end = json_object_iter_end(settings);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		key = json_object_iter_peek_name(&it);
		o = json_object_iter_peek_value(&it);
		excluded = glob = 0;
		jsonutil_get_bool(o, "excluded", &excluded);
		jsonutil_get_bool(o, "glob", &glob);
		proc = xasprintf("/proc/sys/%s", key);
		for (p = proc + 10; *p != '\0'; p++) {
			if (*p == '.')
				*p = '/';
			else if (*p == '/')
				*p = '.';
		}
		if (glob || excluded)
			assert_false(json_object_object_get_ex(o, "live",
			    NULL));
		else if (access(proc, R_OK) == 0 &&
		    jsonutil_get_string(o, "live", &live) == 0) {
			assert_null(strchr(live, '\t'));
			assert_null(strchr(live, '\n'));
			if (jsonutil_get_int64(o, "live_int", &n) == 0)
				assert_int_equal(n, strtoll(live, NULL, 10));
			checked++;
		}
		free(proc);
	}
	print_message("live values checked: %d\n", checked);
	collect_result_free(&r);

	/* A copy of the host is never live. */
	run(fixture_path("debian12-hardened"), &r);
	assert_no_member(&r, "kernel.randomize_va_space", "live");
	collect_result_free(&r);
}

/* Same tree, same bytes. */
static void
test_stable(void **state)
{
	static const char *const roots[] = {
		"debian12-default", "debian12-hardened", "debian12-weak",
		"debian12-drifted", "rhel9", "alpine",
	};
	struct collect_result	 a, b;
	char			*sa;
	size_t			 i;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		run_fixture(roots[i], &a);
		run_fixture(roots[i], &b);
		sa = xstrdup(jsonutil_to_string(a.section, 0));
		assert_string_equal(sa, jsonutil_to_string(b.section, 0));
		free(sa);
		collect_result_free(&a);
		collect_result_free(&b);
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
		cmocka_unit_test(test_sysctl_masking),
		cmocka_unit_test(test_sysctl_order),
		cmocka_unit_test(test_sysctl_conf),
		cmocka_unit_test(test_sysctl_syntax),
		cmocka_unit_test(test_modprobe),
		cmocka_unit_test(test_fstab),
		cmocka_unit_test(test_tmp_mount),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
