/*
 * Unit tests for agent/units.c: systemd unit states derived from the file
 * system the way systemctl is-enabled derives them.  Each test builds its
 * own root, because the cases (masks in /run, /etc copies of vendor
 * units, preset masking) are sharper than any fixture host.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect-test.h"
#include "digest.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "section.h"
#include "units.h"
#include "xmalloc.h"

struct ufix {
	char		*root;
	struct hostroot	*hr;
	struct section	*s;
};

/* A symlink inside root; parent directories made as needed. */
static void
ulink(const char *root, const char *path, const char *target)
{
	char	*full, *p;

	full = xasprintf("%s%s", root, path);
	for (p = full + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(full, 0755);
		*p = '/';
	}
	if (symlink(target, full) == -1)
		fail_msg("symlink %s failed", full);
	free(full);
}

static void
umkdir(const char *root, const char *path)
{
	char	*full = xasprintf("%s%s", root, path);

	(void)mkdir(full, 0755);
	free(full);
}

static const struct units *
uopen(struct ufix *f)
{
	f->hr = hostroot_open(f->root, 1 << 20);
	assert_non_null(f->hr);
	f->s = section_new("test", f->hr);
	return units_get(f->s);
}

static void
uclose(struct ufix *f)
{
	section_free(f->s);
	hostroot_free(f->hr);
	fixture_remove(f->root);
}

/* A small Debian-like root: merged /usr, vendor units, the usual links. */
static void
debian_like(const char *root)
{
	tmproot_write(root, "/usr/lib/systemd/system/ssh.service", "[Unit]\n");
	tmproot_write(root, "/usr/lib/systemd/system/ssh.socket", "[Unit]\n");
	tmproot_write(root, "/usr/lib/systemd/system/rsyslog.service", "\n");
	tmproot_write(root, "/usr/lib/systemd/system/getty@.service", "\n");
	tmproot_write(root, "/usr/lib/systemd/system/cron.service", "\n");
	tmproot_write(root, "/usr/lib/systemd/system/auditd.service", "\n");
	ulink(root, "/lib", "usr/lib");
	ulink(root, "/etc/systemd/system/sshd.service",
	    "/lib/systemd/system/ssh.service");
	ulink(root, "/etc/systemd/system/syslog.service",
	    "/lib/systemd/system/rsyslog.service");
	ulink(root, "/etc/systemd/system/multi-user.target.wants/ssh.service",
	    "/lib/systemd/system/ssh.service");
	ulink(root, "/etc/systemd/system/multi-user.target.wants/"
	    "rsyslog.service", "/lib/systemd/system/rsyslog.service");
	ulink(root, "/etc/systemd/system/getty.target.wants/getty@tty1.service",
	    "/lib/systemd/system/getty@.service");
}

static void
test_aliases(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;

	debian_like(f.root);
	u = uopen(&f);
	/* sshd.service is Debian's alias of ssh.service. */
	assert_int_equal(units_state(u, "sshd.service", &st), 0);
	assert_string_equal(st.name, "ssh.service");
	assert_string_equal(st.path, "/usr/lib/systemd/system/ssh.service");
	assert_true(st.enabled);
	assert_false(st.masked);
	assert_string_equal(st.wanted_by, "multi-user.target");
	assert_int_equal(units_state(u, "syslog.service", &st), 0);
	assert_string_equal(st.name, "rsyslog.service");
	assert_true(st.enabled);
	/* The canonical name answers the same. */
	assert_int_equal(units_state(u, "ssh.service", &st), 0);
	assert_string_equal(st.name, "ssh.service");
	assert_true(st.enabled);
	/* A unit file without links: known, installed, not enabled. */
	assert_int_equal(units_state(u, "ssh.socket", &st), 0);
	assert_string_equal(st.path, "/usr/lib/systemd/system/ssh.socket");
	assert_false(st.enabled);
	assert_null(st.wanted_by);
	/* Nothing at all: systemd would not know it. */
	assert_int_equal(units_state(u, "telnet.socket", &st), -1);
	assert_false(st.enabled);
	assert_null(st.path);
	uclose(&f);
}

static void
test_masks(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;
	const char *const	*v;
	size_t			 n;

	debian_like(f.root);
	ulink(f.root, "/etc/systemd/system/avahi-daemon.service", "/dev/null");
	ulink(f.root, "/run/systemd/system/cups.service", "/dev/null");
	ulink(f.root, "/etc/systemd/system/auditd.service", "/dev/null");
	u = uopen(&f);
	/* Known only by its mask: no unit file anywhere. */
	assert_int_equal(units_state(u, "avahi-daemon.service", &st), 0);
	assert_true(st.masked);
	assert_null(st.path);
	assert_false(st.enabled);
	/* A runtime mask counts too. */
	assert_int_equal(units_state(u, "cups.service", &st), 0);
	assert_true(st.masked);
	/* A vendor unit masked by the admin. */
	assert_int_equal(units_state(u, "auditd.service", &st), 0);
	assert_true(st.masked);
	assert_string_equal(st.path, "/usr/lib/systemd/system/auditd.service");
	v = units_masked(u, &n);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "auditd.service");
	assert_string_equal(v[1], "avahi-daemon.service");
	assert_string_equal(v[2], "cups.service");
	uclose(&f);
}

static void
test_mask_forms(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;
	const char *const	*v;
	size_t			 n;
	const char		*status;
	struct json_object	*fin, *errs, *src;

	debian_like(f.root);
	/* A link that only resolves to /dev/null, a relative one, an empty
	 * unit file, and the same mask in /etc and /run. */
	ulink(f.root, "/etc/systemd/system/chrony.service", "/dev/../dev/null");
	ulink(f.root, "/etc/systemd/system/rpcbind.service",
	    "../../../dev/null");
	tmproot_write(f.root, "/etc/systemd/system/cups.service", "");
	ulink(f.root, "/etc/systemd/system/avahi-daemon.service", "/dev/null");
	ulink(f.root, "/run/systemd/system/avahi-daemon.service", "/dev/null");
	u = uopen(&f);
	assert_int_equal(units_state(u, "chrony.service", &st), 0);
	assert_true(st.masked);
	assert_int_equal(units_state(u, "rpcbind.service", &st), 0);
	assert_true(st.masked);
	assert_int_equal(units_state(u, "cups.service", &st), 0);
	assert_true(st.masked);
	assert_null(st.path);
	v = units_masked(u, &n);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "avahi-daemon.service");
	assert_string_equal(v[1], "chrony.service");
	/* The directory holding masks and aliases is a source. */
	errs = json_object_new_array();
	fin = section_finish_json(f.s, errs);
	status = NULL;
	src = json_object_object_get(fin, "sources");
	for (n = 0; n < json_object_array_length(src); n++) {
		if (strcmp(json_object_get_string(json_object_object_get(
		    json_object_array_get_idx(src, n), "path")),
		    "/etc/systemd/system") == 0)
			status = "listed";
	}
	assert_non_null(status);
	json_object_put(fin);
	json_object_put(errs);
	uclose(&f);
}

static void
test_wants_requires(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;
	const char *const	*v;
	size_t			 n;

	debian_like(f.root);
	tmproot_write(f.root, "/usr/lib/systemd/system/nftables.service", "\n");
	ulink(f.root, "/etc/systemd/system/sysinit.target.requires/"
	    "nftables.service", "/lib/systemd/system/nftables.service");
	/* Wanted twice: listed once, wanted_by the first in sort order. */
	ulink(f.root, "/etc/systemd/system/graphical.target.wants/ssh.service",
	    "/lib/systemd/system/ssh.service");
	/* Runtime enablement (systemctl enable --runtime). */
	ulink(f.root, "/run/systemd/system/timers.target.wants/cron.service",
	    "/lib/systemd/system/cron.service");
	u = uopen(&f);
	assert_int_equal(units_state(u, "nftables.service", &st), 0);
	assert_true(st.enabled);
	assert_string_equal(st.wanted_by, "sysinit.target");
	assert_int_equal(units_state(u, "ssh.service", &st), 0);
	assert_string_equal(st.wanted_by, "graphical.target");
	assert_int_equal(units_state(u, "cron.service", &st), 0);
	assert_true(st.enabled);
	assert_string_equal(st.wanted_by, "timers.target");
	v = units_enabled(u, &n);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "cron.service");
	assert_string_equal(v[1], "getty@tty1.service");
	assert_string_equal(v[2], "nftables.service");
	assert_string_equal(v[3], "rsyslog.service");
	assert_string_equal(v[4], "ssh.service");
	uclose(&f);
}

static void
test_templates(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;

	debian_like(f.root);
	tmproot_write(f.root, "/usr/lib/systemd/system/telnet@.service", "\n");
	u = uopen(&f);
	/* An enabled instance enables the template. */
	assert_int_equal(units_state(u, "getty@.service", &st), 0);
	assert_true(st.enabled);
	assert_string_equal(st.wanted_by, "getty.target");
	assert_string_equal(st.path, "/usr/lib/systemd/system/getty@.service");
	/* The instance itself. */
	assert_int_equal(units_state(u, "getty@tty1.service", &st), 0);
	assert_true(st.enabled);
	/* Another instance is not enabled, and the template without any
	 * instance is not either. */
	assert_int_equal(units_state(u, "getty@tty2.service", &st), -1);
	assert_false(st.enabled);
	assert_int_equal(units_state(u, "telnet@.service", &st), 0);
	assert_false(st.enabled);
	/* "getty@" alone, or another suffix, is no instance. */
	assert_int_equal(units_state(u, "getty@.socket", &st), -1);
	uclose(&f);
}

static void
test_search_order(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;

	debian_like(f.root);
	/* An admin's copy in /etc overrides the vendor unit. */
	tmproot_write(f.root, "/etc/systemd/system/rsyslog.service", "[Unit]\n");
	/* A unit only in /etc (the admin's own). */
	tmproot_write(f.root, "/etc/systemd/system/restic-backup.timer", "\n");
	tmproot_write(f.root, "/run/systemd/system/only-run.service", "\n");
	tmproot_write(f.root, "/run/systemd/system/cron.service", "\n");
	tmproot_write(f.root, "/usr/local/lib/systemd/system/auditd.service",
	    "\n");
	/* Drop-in directories are no units. */
	umkdir(f.root, "/etc/systemd/system/ssh.service.d");
	u = uopen(&f);
	assert_int_equal(units_state(u, "rsyslog.service", &st), 0);
	assert_string_equal(st.path, "/etc/systemd/system/rsyslog.service");
	assert_int_equal(units_state(u, "restic-backup.timer", &st), 0);
	assert_string_equal(st.path, "/etc/systemd/system/restic-backup.timer");
	assert_int_equal(units_state(u, "only-run.service", &st), 0);
	assert_string_equal(st.path, "/run/systemd/system/only-run.service");
	assert_int_equal(units_state(u, "cron.service", &st), 0);
	assert_string_equal(st.path, "/run/systemd/system/cron.service");
	assert_int_equal(units_state(u, "auditd.service", &st), 0);
	assert_string_equal(st.path,
	    "/usr/local/lib/systemd/system/auditd.service");
	assert_int_equal(units_state(u, "ssh.service.d", &st), -1);
	uclose(&f);
}

static void
test_presets(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;

	debian_like(f.root);
	tmproot_write(f.root, "/usr/lib/systemd/system/telnet.socket", "\n");
	tmproot_write(f.root, "/usr/lib/systemd/system/fail2ban.service", "\n");
	tmproot_write(f.root, "/usr/lib/systemd/system/clamav-daemon.service",
	    "\n");
	/* The vendor's 90-systemd.preset is masked by the admin's file of
	 * the same name: its "enable ssh.service" does not count. */
	tmproot_write(f.root, "/usr/lib/systemd/system-preset/90-systemd.preset",
	    "enable ssh.service\n"
	    "enable cron.service\n"
	    "disable *\n");
	tmproot_write(f.root, "/etc/systemd/system-preset/90-systemd.preset",
	    "# admin's copy\n"
	    "disable ssh.service\n"
	    "enable rsyslog.service\n"
	    "disable *\n");
	/* Sorted by file name across directories: 10- is read before 90-,
	 * so its rules come first, and the first match wins. */
	tmproot_write(f.root, "/usr/lib/systemd/system-preset/10-local.preset",
	    "; a comment\n"
	    "  enable\tclamav-*.service  \n"
	    "enable fail2ban.service\n"
	    "disable fail2ban.service\n"
	    "bogus line\n"
	    "enable\n");
	tmproot_write(f.root, "/usr/lib/systemd/system-preset/README", "x\n");
	u = uopen(&f);
	assert_int_equal(units_state(u, "ssh.service", &st), 0);
	assert_string_equal(st.preset, "disable");
	assert_int_equal(units_state(u, "rsyslog.service", &st), 0);
	assert_string_equal(st.preset, "enable");
	/* Only the masked vendor file said "enable cron.service". */
	assert_int_equal(units_state(u, "cron.service", &st), 0);
	assert_string_equal(st.preset, "disable");
	assert_int_equal(units_state(u, "clamav-daemon.service", &st), 0);
	assert_string_equal(st.preset, "enable");
	assert_int_equal(units_state(u, "fail2ban.service", &st), 0);
	assert_string_equal(st.preset, "enable");
	/* A preset alone does not make a unit known. */
	assert_int_equal(units_state(u, "unknown.service", &st), -1);
	assert_string_equal(st.preset, "disable");
	uclose(&f);
}

static void
test_no_presets(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;

	debian_like(f.root);
	u = uopen(&f);
	assert_int_equal(units_state(u, "ssh.service", &st), 0);
	assert_null(st.preset);
	uclose(&f);
}

/* The sources units_get() imported into the caller's section. */
static struct json_object *
usources(struct ufix *f, struct json_object **fin, struct json_object **errs)
{
	*errs = json_object_new_array();
	*fin = section_finish_json(f->s, *errs);
	return jpath(*fin, "sources");
}

static struct json_object *
usource(struct json_object *srcs, const char *path)
{
	struct json_object	*src;
	const char		*p;
	size_t			 i;

	for (i = 0; i < json_object_array_length(srcs); i++) {
		src = json_object_array_get_idx(srcs, i);
		if (jsonutil_get_string(src, "path", &p) == 0 &&
		    strcmp(p, path) == 0)
			return src;
	}
	return NULL;
}

static void
test_sources(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	struct json_object	*fin, *errs, *srcs, *src;
	const char		*text, *sha;
	char			 hex[DIGEST_SHA256_HEXLEN];
	int64_t			 size;

	debian_like(f.root);
	tmproot_write(f.root, "/usr/lib/systemd/system-preset/90-systemd.preset",
	    "disable *\n");
	(void)uopen(&f);
	srcs = usources(&f, &fin, &errs);
	assert_non_null(srcs);
	/* A wants directory's digest is over "name -> target" lines. */
	src = usource(srcs, "/etc/systemd/system/multi-user.target.wants");
	assert_non_null(src);
	text = "rsyslog.service -> /lib/systemd/system/rsyslog.service\n"
	    "ssh.service -> /lib/systemd/system/ssh.service\n";
	assert_int_equal(jsonutil_get_string(src, "sha256", &sha), 0);
	assert_string_equal(sha, digest_sha256_hex(text, strlen(text), hex));
	assert_int_equal(jsonutil_get_int64(src, "size", &size), 0);
	assert_int_equal(size, strlen(text));
	assert_non_null(usource(srcs,
	    "/etc/systemd/system/getty.target.wants"));
	/* Preset files read are sources like any file. */
	src = usource(srcs, "/usr/lib/systemd/system-preset/90-systemd.preset");
	assert_non_null(src);
	assert_int_equal(jsonutil_get_string(src, "sha256", &sha), 0);
	assert_string_equal(sha, digest_sha256_hex("disable *\n", 10, hex));
	assert_int_equal(json_object_array_length(errs), 0);
	json_object_put(fin);
	json_object_put(errs);
	uclose(&f);
}

/* Parsed once per run: a second section gets the same state and the same
 * sources. */
static void
test_cached(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u, *u2;
	struct section		*s2;
	struct json_object	*errs, *fin;

	debian_like(f.root);
	u = uopen(&f);
	s2 = section_new("other", f.hr);
	u2 = units_get(s2);
	assert_ptr_equal(u, u2);
	errs = json_object_new_array();
	fin = section_finish_json(s2, errs);
	assert_non_null(usource(jpath(fin, "sources"),
	    "/etc/systemd/system/multi-user.target.wants"));
	json_object_put(fin);
	json_object_put(errs);
	section_free(s2);
	uclose(&f);
}

static void
test_empty_root(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;
	size_t			 n;

	u = uopen(&f);
	assert_int_equal(units_state(u, "ssh.service", &st), -1);
	assert_non_null(units_enabled(u, &n));
	assert_int_equal(n, 0);
	(void)units_masked(u, &n);
	assert_int_equal(n, 0);
	uclose(&f);
}

/* Loops, dangling links, files where directories belong: no crash, and
 * nothing reported that was not read. */
static void
test_hostile(void **state)
{
	struct ufix		 f = { tmproot_new(), NULL, NULL };
	const struct units	*u;
	struct unit_state	 st;
	struct json_object	*fin, *errs;
	size_t			 n;

	ulink(f.root, "/etc/systemd/system/loop.service",
	    "/etc/systemd/system/loop2.service");
	ulink(f.root, "/etc/systemd/system/loop2.service",
	    "/etc/systemd/system/loop.service");
	ulink(f.root, "/etc/systemd/system/dangling.service",
	    "/lib/systemd/system/dangling.service");
	ulink(f.root, "/etc/systemd/system/escape.service",
	    "../../../../../../../../etc/passwd");
	tmproot_write(f.root, "/etc/systemd/system/broken.target.wants", "x\n");
	ulink(f.root, "/etc/systemd/system/x.target.wants/a.service",
	    "/etc/systemd/system/x.target.wants/a.service");
	ulink(f.root, "/usr/lib/systemd/system-preset/90-loop.preset",
	    "90-loop.preset");
	tmproot_write(f.root, "/usr/lib/systemd/system-preset/80-bin.preset",
	    "enable a.service\n");
	{
		char	*p = xasprintf("%s/usr/lib/systemd/system-preset/"
		    "80-bin.preset", f.root);
		FILE	*fp = fopen(p, "w");

		assert_non_null(fp);
		fwrite("enable \0b.service\n", 1, 18, fp);
		fclose(fp);
		free(p);
	}
	tmproot_write(f.root, "/usr/lib/systemd/system/..service", "\n");
	u = uopen(&f);
	/* A link to another name is an alias; aliases that lead nowhere
	 * leave the unit unknown, as systemd could not load it. */
	assert_int_equal(units_state(u, "loop.service", &st), -1);
	assert_string_equal(st.name, "loop2.service");
	assert_null(st.path);
	assert_int_equal(units_state(u, "dangling.service", &st), -1);
	assert_int_equal(units_state(u, "x.target", &st), -1);
	assert_int_equal(units_state(u, "a.service", &st), 0);
	assert_true(st.enabled);
	/* The binary preset file was not read, so no rule applies. */
	assert_null(st.preset);
	(void)units_enabled(u, &n);
	assert_int_equal(n, 1);
	errs = json_object_new_array();
	fin = section_finish_json(f.s, errs);
	assert_true(json_object_array_length(errs) >= 1);
	json_object_put(fin);
	json_object_put(errs);
	uclose(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_mask_forms),
		cmocka_unit_test(test_wants_requires),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_search_order),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_no_presets),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_cached),
		cmocka_unit_test(test_empty_root),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
