/* Unit tests for the packages collector and the package databases. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "collect-test.h"
#include "jsonutil.h"
#include "rpmdb-build.h"
#include "xmalloc.h"

static const char dpkg_status[] =
    "Package: openssh-server\n"
    "Status: install ok installed\n"
    "Priority: optional\n"
    "Architecture: amd64\n"
    "Source: openssh (1:9.2p1-2)\n"
    "Version: 1:9.2p1-2+deb12u2\n"
    "Description: secure shell (SSH) server\n"
    " continuation line: not a field\n"
    "\n"
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 2.36-9+deb12u4\n"
    "\n"
    "package: libc6\n"			/* field names are case-insensitive */
    "status: install ok installed\n"
    "architecture: i386\n"
    "version: 2.36-9+deb12u4\n"
    "\n"
    "Package: old-config\n"
    "Status: deinstall ok config-files\n"	/* not installed */
    "Version: 1.0\n"
    "\n"
    "Package: linux-image-6.1.0-18-amd64\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 6.1.76-1\n"
    "\n"
    "Package: linux-image-6.1.0-9-amd64\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 6.1.27-1\n"
    "\n"
    "Package: linux-image-amd64\n"		/* a meta package, not a kernel */
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 6.1.76-1\n"
    "\n"
    "Package: tzdata\n"
    "Status: hold ok installed\n"
    "Architecture: all\n"
    "Version: 2024a-0+deb12u1\n"
    "\r\n"
    "Package: unattended-upgrades\n"
    "Status: install ok installed\n"
    "Architecture: all\n"
    "Version: 2.9.1+nmu3\n";

static const char main_list[] =
    "Package: openssh-server\nVersion: 1:9.2p1-2+deb12u3\n"
    "Architecture: amd64\n\n"
    "Package: tzdata\nVersion: 2024b-0+deb12u1\nArchitecture: all\n\n"
    "Package: libc6\nVersion: 2.36-9+deb12u1\nArchitecture: amd64\n\n"
    "Package: notinstalled\nVersion: 9\nArchitecture: amd64\n";
static const char security_list[] =
    "Package: openssh-server\nVersion: 1:9.2p1-2+deb12u3\n"
    "Architecture: amd64\n\n"
    "Package: libc6\nVersion: 2.36-9+deb12u7\nArchitecture: i386\n";

static char *
dpkg_root(void)
{
	char	*root = tmproot_new();

	tmproot_write(root, "/var/lib/dpkg/status", dpkg_status);
	tmproot_write(root, "/var/lib/apt/lists/deb.debian.org_debian_dists_"
	    "bookworm_main_binary-amd64_Packages", main_list);
	tmproot_write(root, "/var/lib/apt/lists/deb.debian.org_debian-"
	    "security_dists_bookworm-security_main_binary-amd64_Packages",
	    security_list);
	tmproot_write(root, "/var/lib/apt/lists/lock", "");
	tmproot_write(root, "/etc/apt/apt.conf.d/20auto-upgrades",
	    "APT::Periodic::Update-Package-Lists \"1\";\n"
	    "APT::Periodic::Unattended-Upgrade \"1\";\n");
	tmproot_write(root, "/etc/apt/apt.conf.d/50unattended-upgrades",
	    "// comment\n"
	    "Unattended-Upgrade::Origins-Pattern {\n"
	    "        \"origin=Debian,codename=${distro_codename},label=Debian-Security\";\n"
	    "        /* \"origin=Debian,codename=${distro_codename}-updates\"; */\n"
	    "};\n"
	    "Unattended-Upgrade {\n  Automatic-Reboot \"false\";\n};\n"
	    "#clear APT::Periodic::Nothing;\n");
	tmproot_write(root, "/etc/apt/apt.conf.d/99later",
	    "apt::periodic::unattended-upgrade \"0\";\n");
	tmproot_write(root, "/var/log/dpkg.log",
	    "2026-11-01 10:00:00 startup archives unpack\n"
	    "2026-11-20 06:25:13 status installed tzdata:all 2024a-0+deb12u1\n"
	    "garbage line\n");
	tmproot_write(root, "/var/run/reboot-required", "*** System restart required ***\n");
	tmproot_write(root, "/var/run/reboot-required.pkgs", "libc6\nlinux-image-6.1.0-18-amd64\n");
	return root;
}

static void
test_dpkg_installed(void **state)
{
	struct collect_result	 r;
	char			*root = dpkg_root();

	collect_run(root, collect_packages, "packages", 0, &r);
	assert_jstr(&r, "data.manager", "dpkg");
	/* config-files is not installed; two architectures of libc6 are. */
	assert_jint(&r, "data.installed_count", 8);
	assert_jstr(&r, "data.installed.openssh-server", "1:9.2p1-2+deb12u2");
	assert_jstr(&r, "data.installed.libc6", "2.36-9+deb12u4");
	assert_jstr(&r, "data.installed.libc6:i386", "2.36-9+deb12u4");
	assert_jabsent(&r, "data.installed.old-config");
	assert_jstr(&r, "data.held[0]", "tzdata");
	assert_jstr(&r, "sources[0].path", "/var/lib/dpkg/status");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_dpkg_upgradable(void **state)
{
	struct collect_result	 r;
	char			*root = dpkg_root();

	collect_run(root, collect_packages, "packages", 0, &r);
	/* Sorted by name then arch: libc6:i386 (security), openssh-server
	 * (security too: the security list carries the same version),
	 * tzdata (main only).  libc6:amd64's list version is older. */
	assert_jint(&r, "data.upgradable_count", 3);
	assert_jint(&r, "data.security_upgradable_count", 2);
	assert_jstr(&r, "data.upgradable[0].name", "libc6");
	assert_jstr(&r, "data.upgradable[0].arch", "i386");
	assert_jstr(&r, "data.upgradable[0].candidate", "2.36-9+deb12u7");
	assert_jbool(&r, "data.upgradable[0].security", 1);
	assert_jstr(&r, "data.upgradable[1].name", "openssh-server");
	assert_jstr(&r, "data.upgradable[1].installed", "1:9.2p1-2+deb12u2");
	assert_jstr(&r, "data.upgradable[1].candidate", "1:9.2p1-2+deb12u3");
	assert_jbool(&r, "data.upgradable[1].security", 1);
	assert_jstr(&r, "data.upgradable[2].name", "tzdata");
	assert_jbool(&r, "data.upgradable[2].security", 0);
	assert_jint(&r, "data.apt_lists.count", 2);
	assert_non_null(jpath(r.section, "data.apt_lists.newest_mtime"));
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_dpkg_compressed_lists_are_unknown(void **state)
{
	struct collect_result	 r;
	char			*root = dpkg_root();

	tmproot_write(root, "/var/lib/apt/lists/x_Packages.lz4", "\x04\x22");
	collect_run(root, collect_packages, "packages", 0, &r);
	/* Never "0 upgradable" on no evidence. */
	assert_jabsent(&r, "data.upgradable_count");
	assert_jabsent(&r, "data.upgradable");
	assert_int_equal(collect_errors_matching(&r,
	    "compressed package lists are not read"), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_dpkg_kernel_reboot_updates(void **state)
{
	struct collect_result	 r;
	char			*root = dpkg_root();

	collect_run(root, collect_packages, "packages", 0, &r);
	assert_jstr(&r, "data.kernel.installed[0]", "6.1.0-9-amd64");
	assert_jstr(&r, "data.kernel.installed[1]", "6.1.0-18-amd64");
	assert_jabsent(&r, "data.kernel.installed[2]");
	assert_jstr(&r, "data.kernel.newest_installed", "6.1.0-18-amd64");
	assert_jabsent(&r, "data.kernel.running");	/* not the live root */
	assert_jbool(&r, "data.reboot_required", 1);
	assert_jstr(&r, "data.reboot_required_pkgs[1]",
	    "linux-image-6.1.0-18-amd64");
	assert_jbool(&r, "data.auto_updates.unattended_upgrades_installed", 1);
	assert_jstr(&r, "data.auto_updates.apt.apt::periodic::update-package-lists", "1");
	/* A later file overrides, whatever the case of the name. */
	assert_jstr(&r, "data.auto_updates.apt.apt::periodic::unattended-upgrade", "0");
	assert_jstr(&r, "data.auto_updates.apt.unattended-upgrade::automatic-reboot", "false");
	assert_jstr(&r, "data.auto_updates.apt.unattended-upgrade::origins-pattern[0]",
	    "origin=Debian,codename=${distro_codename},label=Debian-Security");
	assert_jabsent(&r, "data.auto_updates.apt.unattended-upgrade::origins-pattern[1]");
	assert_jstr(&r, "data.last_change", "2026-11-20 06:25:13");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_no_reboot_file_means_false(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/var/lib/dpkg/status", dpkg_status);
	collect_run(root, collect_packages, "packages", 0, &r);
	assert_jbool(&r, "data.reboot_required", 0);
	assert_string_equal(collect_source_status(&r,
	    "/var/run/reboot-required"), "absent");
	/* No apt lists at all: nothing is known to be upgradable. */
	assert_jint(&r, "data.apt_lists.count", 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_no_database(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	collect_run(root, collect_packages, "packages", 0, &r);
	assert_jabsent(&r, "data.manager");
	assert_jabsent(&r, "data.installed_count");
	assert_int_equal(collect_errors_matching(&r,
	    "no package database found"), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_dpkg_garbage(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/var/lib/dpkg/status",
	    "Package: a\nStatus: install ok installed\n\n"	/* no Version */
	    "Status: install ok installed\nVersion: 1\n\n"	/* no Package */
	    "not a field\n"
	    "Package: b\nStatus: broken\nVersion: 2\n\n"
	    "Package: c\nStatus: install ok installed\nVersion: 3\n");
	collect_run(root, collect_packages, "packages", 0, &r);
	assert_jint(&r, "data.installed_count", 1);
	assert_jstr(&r, "data.installed.c", "3");
	assert_int_equal(collect_errors_matching(&r, "has no Version"), 1);
	assert_int_equal(collect_errors_matching(&r, "without Package"), 1);
	assert_int_equal(collect_errors_matching(&r, "not a field"), 1);
	assert_int_equal(collect_errors_matching(&r, "malformed Status"), 1);
	collect_result_free(&r);

	/* Binary data: the file is refused as a whole, with an error. */
	tmproot_write(root, "/var/lib/dpkg/status", "Package: x\n");
	{
		char	*p = xasprintf("%s/var/lib/dpkg/status", root);
		FILE	*f = fopen(p, "a");

		fputc('\0', f);
		fclose(f);
		free(p);
	}
	collect_run(root, collect_packages, "packages", 0, &r);
	assert_int_equal(collect_errors_matching(&r, "binary data"), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_apk(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/lib/apk/db/installed",
	    "C:Q1abc=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\n"
	    "P:openssh-server\nV:9.6_p1-r0\nA:x86_64\no:openssh\nt:1700000000\n\n"
	    "P:broken\n\n");
	collect_run(root, collect_packages, "packages", 0, &r);
	assert_jstr(&r, "data.manager", "apk");
	assert_jint(&r, "data.installed_count", 2);
	assert_jstr(&r, "data.installed.openssh-server", "9.6_p1-r0");
	assert_int_equal(collect_errors_matching(&r, "without P: or V:"), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_rpm(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new(), *tsv, *db;

	tsv = xasprintf("%s/rpms.tsv", root);
	tmproot_write(root, "/rpms.tsv",
	    "# name epoch version release arch\n"
	    "openssh-server\t\t8.7p1\t34.el9\tx86_64\n"
	    "kernel-core\t-\t5.14.0\t362.8.1.el9_3\tx86_64\n"
	    "kernel-core\t-\t5.14.0\t427.13.1.el9_4\tx86_64\n"
	    "shadow-utils\t2\t4.9\t8.el9\tx86_64\n"
	    "gpg-pubkey\t-\tfd431d51\t4ae0493b\t(none)\n"
	    "dnf-automatic\t-\t4.14.0\t9.el9\tnoarch\n");
	tmproot_write(root, "/var/lib/rpm/.keep", "");
	tmproot_write(root, "/etc/dnf/automatic.conf",
	    "[commands]\nupgrade_type = security\napply_updates = yes\n"
	    "[emitters]\napply_updates = no\n");
	db = xasprintf("%s/var/lib/rpm/rpmdb.sqlite", root);
	assert_int_equal(rpmdb_build(tsv, db), 6);
	collect_run(root, collect_packages, "packages", 0, &r);
	assert_jstr(&r, "data.manager", "rpm");
	assert_jint(&r, "data.installed_count", 5);	/* not gpg-pubkey */
	assert_jstr(&r, "data.installed.shadow-utils", "2:4.9-8.el9");
	assert_jstr(&r, "data.kernel.newest_installed",
	    "5.14.0-427.13.1.el9_4.x86_64");
	assert_jbool(&r, "data.auto_updates.dnf_automatic_installed", 1);
	assert_jstr(&r, "data.auto_updates.dnf_automatic.upgrade_type",
	    "security");
	assert_jstr(&r, "data.auto_updates.dnf_automatic.apply_updates", "yes");
	/* Row 6 (index 5) was installed last. */
	assert_jstr(&r, "data.last_change", "2023-11-14T22:18:20Z");
	assert_string_equal(collect_source_status(&r,
	    "/var/lib/rpm/rpmdb.sqlite"), "read");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);

	/* No -wal, -shm or journal files were created next to it. */
	{
		char	*p = xasprintf("%s-wal", db), *q = xasprintf("%s-shm", db);

		assert_int_equal(access(p, F_OK), -1);
		assert_int_equal(access(q, F_OK), -1);
		free(p);
		free(q);
	}
	/* A database that is not one is an error, not a crash. */
	tmproot_write(root, "/var/lib/rpm/rpmdb.sqlite", "not sqlite at all");
	collect_run(root, collect_packages, "packages", 0, &r);
	assert_int_equal(collect_errors_matching(&r,
	    "not an rpm SQLite database"), 1);
	collect_result_free(&r);
	free(tsv);
	free(db);
	fixture_remove(root);
}

static void
test_output_is_stable(void **state)
{
	struct collect_result	 a, b;
	char			*root = dpkg_root();

	collect_run(root, collect_packages, "packages", 0, &a);
	collect_run(root, collect_packages, "packages", 0, &b);
	assert_string_equal(jsonutil_to_string(a.section, 0),
	    jsonutil_to_string(b.section, 0));
	collect_result_free(&a);
	collect_result_free(&b);
	fixture_remove(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_installed),
		cmocka_unit_test(test_dpkg_upgradable),
		cmocka_unit_test(test_dpkg_compressed_lists_are_unknown),
		cmocka_unit_test(test_dpkg_kernel_reboot_updates),
		cmocka_unit_test(test_no_reboot_file_means_false),
		cmocka_unit_test(test_no_database),
		cmocka_unit_test(test_dpkg_garbage),
		cmocka_unit_test(test_apk),
		cmocka_unit_test(test_rpm),
		cmocka_unit_test(test_output_is_stable),
	};

	return cmocka_run_group_tests_name("collect-packages", tests, NULL,
	    NULL);
}
