/* Unit tests for the services collector (agent/collect-services.c). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "collect-test.h"
#include "jsonutil.h"
#include "xmalloc.h"

static void
run_fixture(const char *name, struct collect_result *r)
{
	char	*root = fixture_copy(name);

	collect_run(root, collect_services, "services", 0, r);
	fixture_remove(root);
}

static size_t
jlen(struct collect_result *r, const char *path)
{
	struct json_object	*a = jpath(r->section, path);

	assert_non_null(a);
	assert_true(json_object_is_type(a, json_type_array));
	return json_object_array_length(a);
}

static void
test_default(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-default", &r);
	assert_jstr(&r, "data.init", "systemd");
	assert_int_equal(jlen(&r, "data.enabled"), 17);
	assert_jstr(&r, "data.enabled[0]", "apparmor.service");
	assert_jstr(&r, "data.enabled[16]", "systemd-timesyncd.service");
	assert_int_equal(jlen(&r, "data.masked"), 0);
	/* Debian's ssh.service, also known as sshd.service. */
	assert_jstr(&r, "data.units.ssh.unit", "ssh.service");
	assert_jbool(&r, "data.units.ssh.installed", 1);
	assert_jstr(&r, "data.units.ssh.path",
	    "/usr/lib/systemd/system/ssh.service");
	assert_jbool(&r, "data.units.ssh.enabled", 1);
	assert_jstr(&r, "data.units.ssh.wanted_by", "multi-user.target");
	assert_jbool(&r, "data.units.ssh.masked", 0);
	assert_jbool(&r, "data.units.ssh.static", 0);
	assert_jstr(&r, "data.units.ssh.aliases[0]", "sshd.service");
	assert_jabsent(&r, "data.units.ssh.preset");
	assert_jstr(&r, "data.units.systemd_timesyncd.wanted_by",
	    "sysinit.target");
	assert_jstr(&r, "data.units.systemd_timesyncd.preset", "enable");
	/* Not installed at all. */
	assert_jstr(&r, "data.units.auditd.unit", "auditd.service");
	assert_jbool(&r, "data.units.auditd.installed", 0);
	assert_jbool(&r, "data.units.auditd.enabled", 0);
	assert_jabsent(&r, "data.units.auditd.path");
	assert_jabsent(&r, "data.units.auditd.static");
	assert_jstr(&r, "data.units.chrony.unit", "chrony.service");
	assert_jbool(&r, "data.units.telnet.enabled", 0);
	assert_jabsent(&r, "data.openrc");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_string_equal(collect_source_status(&r,
	    "/etc/systemd/system/multi-user.target.wants"), "read");
	collect_result_free(&r);
}

static void
test_hardened(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-hardened", &r);
	assert_int_equal(jlen(&r, "data.masked"), 7);
	assert_jstr(&r, "data.masked[0]", "avahi-daemon.service");
	assert_jstr(&r, "data.masked[6]", "systemd-timesyncd.service");
	/* Known only by masks. */
	assert_jbool(&r, "data.units.avahi_daemon.masked", 1);
	assert_jbool(&r, "data.units.avahi_daemon.installed", 0);
	assert_jbool(&r, "data.units.avahi_daemon_socket.masked", 1);
	assert_jbool(&r, "data.units.rpcbind.masked", 1);
	assert_jbool(&r, "data.units.rpcbind_socket.masked", 1);
	assert_jbool(&r, "data.units.systemd_timesyncd.masked", 1);
	assert_jbool(&r, "data.units.systemd_timesyncd.enabled", 0);
	assert_jstr(&r, "data.units.chrony.unit", "chrony.service");
	assert_jstr(&r, "data.units.chrony.aliases[0]", "chronyd.service");
	assert_jbool(&r, "data.units.chrony.enabled", 1);
	assert_jbool(&r, "data.units.auditd.enabled", 1);
	assert_jbool(&r, "data.units.fail2ban.enabled", 1);
	assert_jbool(&r, "data.units.nftables.enabled", 1);
	assert_jstr(&r, "data.units.nftables.wanted_by", "sysinit.target");
	assert_jstr(&r, "data.units.aidecheck_timer.unit",
	    "dailyaidecheck.timer");
	assert_jbool(&r, "data.units.aidecheck_timer.enabled", 1);
	assert_jstr(&r, "data.units.aidecheck_timer.wanted_by",
	    "timers.target");
	assert_jbool(&r, "data.units.clamav_daemon.enabled", 1);
	assert_jbool(&r, "data.units.clamav_freshclam.enabled", 1);
	assert_jbool(&r, "data.units.unattended_upgrades.enabled", 1);
	assert_jbool(&r, "data.units.aide_timer.installed", 0);
	collect_result_free(&r);
}

static void
test_weak(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-weak", &r);
	assert_jstr(&r, "data.units.telnet.unit", "telnet.socket");
	assert_jbool(&r, "data.units.telnet.installed", 1);
	assert_jbool(&r, "data.units.telnet.enabled", 1);
	assert_jstr(&r, "data.units.telnet.wanted_by", "sockets.target");
	assert_jbool(&r, "data.units.ufw.enabled", 1);
	assert_jbool(&r, "data.units.systemd_timesyncd.masked", 1);
	assert_jbool(&r, "data.units.systemd_timesyncd.installed", 1);
	assert_jbool(&r, "data.units.auditd.installed", 0);
	assert_int_equal(jlen(&r, "data.masked"), 1);
	assert_int_equal(jlen(&r, "data.enabled"), 15);
	assert_jstr(&r, "data.enabled[3]", "debug-shell.service");
	collect_result_free(&r);
}

static void
test_drifted(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-drifted", &r);
	/* fail2ban's enablement link was removed; the unit stays. */
	assert_jbool(&r, "data.units.fail2ban.installed", 1);
	assert_jbool(&r, "data.units.fail2ban.enabled", 0);
	assert_jabsent(&r, "data.units.fail2ban.wanted_by");
	assert_jbool(&r, "data.units.auditd.enabled", 1);
	collect_result_free(&r);
}

static void
test_rhel9(void **state)
{
	struct collect_result	r;

	run_fixture("rhel9", &r);
	assert_jstr(&r, "data.units.ssh.unit", "sshd.service");
	assert_jabsent(&r, "data.units.ssh.aliases");
	assert_jstr(&r, "data.units.ssh.preset", "enable");
	assert_jbool(&r, "data.units.ssh.enabled", 1);
	assert_jstr(&r, "data.units.chrony.unit", "chronyd.service");
	assert_jstr(&r, "data.units.cron.unit", "crond.service");
	assert_jbool(&r, "data.units.cron.enabled", 1);
	assert_jbool(&r, "data.units.nftables.masked", 1);
	assert_jbool(&r, "data.units.nftables.installed", 1);
	assert_jbool(&r, "data.units.firewalld.enabled", 1);
	assert_jstr(&r, "data.units.firewalld.preset", "enable");
	/* The admin's own timer in /etc/systemd/system. */
	assert_jstr(&r, "data.units.aidecheck_timer.unit", "aidecheck.timer");
	assert_jstr(&r, "data.units.aidecheck_timer.path",
	    "/etc/systemd/system/aidecheck.timer");
	assert_jbool(&r, "data.units.aidecheck_timer.enabled", 1);
	assert_jstr(&r, "data.units.dnf_automatic_timer.unit",
	    "dnf-automatic.timer");
	assert_jbool(&r, "data.units.dnf_automatic_timer.enabled", 1);
	assert_jstr(&r, "data.units.systemd_timesyncd.preset", "disable");
	assert_jbool(&r, "data.units.systemd_timesyncd.enabled", 0);
	/* "disable *" catches what no earlier line names. */
	assert_jstr(&r, "data.units.telnet.preset", "disable");
	assert_jstr(&r, "data.masked[0]", "cockpit.socket");
	assert_jstr(&r, "data.masked[1]", "nftables.service");
	assert_int_equal(jlen(&r, "data.enabled"), 10);
	collect_result_free(&r);
}

static void
test_alpine(void **state)
{
	struct collect_result	r;

	run_fixture("alpine", &r);
	assert_jstr(&r, "data.init", "openrc");
	assert_jabsent(&r, "data.units");
	assert_jabsent(&r, "data.enabled");
	assert_jstr(&r, "data.openrc.runlevels[0].name", "boot");
	assert_jstr(&r, "data.openrc.runlevels[0].services[0]", "syslog");
	assert_jstr(&r, "data.openrc.runlevels[0].services[1]", "ufw");
	assert_jstr(&r, "data.openrc.runlevels[1].name", "default");
	assert_jstr(&r, "data.openrc.runlevels[1].services[3]", "sshd");
	/* ".keep" files are no services. */
	assert_jabsent(&r, "data.openrc.runlevels[2].services[0]");
	assert_jstr(&r, "data.openrc.services.ssh.service", "sshd");
	assert_jbool(&r, "data.openrc.services.ssh.installed", 1);
	assert_jbool(&r, "data.openrc.services.ssh.enabled", 1);
	assert_jstr(&r, "data.openrc.services.ssh.runlevel", "default");
	assert_jstr(&r, "data.openrc.services.ufw.runlevel", "boot");
	assert_jbool(&r, "data.openrc.services.auditd.installed", 0);
	assert_jbool(&r, "data.openrc.services.auditd.enabled", 0);
	assert_jabsent(&r, "data.openrc.services.auditd.runlevel");
	assert_string_equal(collect_source_status(&r, "/etc/runlevels"),
	    "read");
	collect_result_free(&r);
}

static void
test_hostile(void **state)
{
	struct collect_result	r;

	run_fixture("hostile", &r);
	assert_jstr(&r, "data.init", "systemd");
	/* A link escaping the root still resolves inside it. */
	assert_jstr(&r, "data.units.ssh.path", "/lib/systemd/system/ssh.service");
	assert_jbool(&r, "data.units.ssh.enabled", 1);
	assert_jbool(&r, "data.units.auditd.masked", 1);
	assert_jbool(&r, "data.units.auditd.installed", 0);
	/* The preset file's "enable" without a pattern is ignored, then
	 * "disable *" matches first. */
	assert_jstr(&r, "data.units.ssh.preset", "disable");
	collect_result_free(&r);
}

/* A root with no init system: nothing said rather than "disabled". */
static void
test_no_init(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/hostname", "x\n");
	collect_run(root, collect_services, "services", 0, &r);
	assert_jabsent(&r, "data.init");
	assert_jabsent(&r, "data.units");
	assert_jabsent(&r, "data.openrc");
	collect_result_free(&r);
	fixture_remove(root);
}

/* systemctl's "static": no [Install] that could enable the unit. */
static void
test_static(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/usr/lib/systemd/system/systemd-journald.service",
	    "[Unit]\nDescription=Journal\n[Service]\nExecStart=x\n");
	tmproot_write(root, "/usr/lib/systemd/system/auditd.service",
	    "[Install]\r\n# comment\nWantedBy=multi-user.target\r\n");
	/* An empty assignment resets the list: nothing left to enable. */
	tmproot_write(root, "/usr/lib/systemd/system/rsyslog.service",
	    "[Install]\nWantedBy=multi-user.target\nWantedBy=\n"
	    "[Service]\nAlias=x\n");
	tmproot_write(root, "/usr/lib/systemd/system/cron.service",
	    "[Install]\nAlias=crond.service\n");
	collect_run(root, collect_services, "services", 0, &r);
	assert_jbool(&r, "data.units.systemd_journald.installed", 1);
	assert_jbool(&r, "data.units.systemd_journald.static", 1);
	assert_jbool(&r, "data.units.systemd_journald.enabled", 0);
	assert_jbool(&r, "data.units.auditd.static", 0);
	assert_jbool(&r, "data.units.rsyslog.static", 1);
	assert_jbool(&r, "data.units.cron.static", 0);
	assert_string_equal(collect_source_status(&r,
	    "/usr/lib/systemd/system/systemd-journald.service"), "read");
	collect_result_free(&r);
	fixture_remove(root);
}

/* The second table name is used when the first is unknown, and names
 * that are aliases of the unit found are listed. */
static void
test_alias_names(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new(), *p;

	tmproot_write(root, "/usr/lib/systemd/system/crond.service",
	    "[Install]\nWantedBy=multi-user.target\n");
	tmproot_write(root, "/usr/lib/systemd/system/nfs-server.service", "\n");
	p = xasprintf("%s/etc/systemd/system/cron.service", root);
	tmproot_write(root, "/etc/systemd/system/.keep", "");
	assert_int_equal(symlink("/usr/lib/systemd/system/crond.service", p),
	    0);
	free(p);
	collect_run(root, collect_services, "services", 0, &r);
	assert_jstr(&r, "data.units.cron.unit", "crond.service");
	assert_jstr(&r, "data.units.cron.aliases[0]", "cron.service");
	assert_jstr(&r, "data.units.nfs_server.unit", "nfs-server.service");
	assert_jbool(&r, "data.units.nfs_server.installed", 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_deterministic(void **state)
{
	struct collect_result	 a, b;
	char			*root = fixture_copy("debian12-hardened");

	collect_run(root, collect_services, "services", 0, &a);
	collect_run(root, collect_services, "services", 0, &b);
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
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_hardened),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_drifted),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_no_init),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_alias_names),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
