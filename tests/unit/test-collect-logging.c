/* Unit tests for the logging collector and the systemd drop-in reader. */
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
#include "sdconf.h"
#include "xmalloc.h"

static void
run(const char *root, struct collect_result *r)
{
	collect_run(root, collect_logging, "logging", 0, r);
}

static void
link_in_root(const char *root, const char *target, const char *path)
{
	char	*full = xasprintf("%s%s", root, path);

	tmproot_write(root, path, "");
	assert_int_equal(unlink(full), 0);
	assert_int_equal(symlink(target, full), 0);
	free(full);
}

static size_t
array_len(struct collect_result *r, const char *path)
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

	run(fixture_path("debian12-default"), &r);
	/* journald.conf is all comments: systemd 252's (and Debian's)
	 * defaults; /var/log/journal makes Storage=auto persistent. */
	assert_jstr(&r, "data.journald.config_files[0]",
	    "/etc/systemd/journald.conf");
	assert_jbool(&r, "data.journald.complete", 1);
	assert_jstr(&r, "data.journald.storage.value", "auto");
	assert_jstr(&r, "data.journald.storage.source", "default");
	assert_jbool(&r, "data.journald.forward_to_syslog.value", 1);
	assert_jstr(&r, "data.journald.forward_to_syslog.source", "default");
	assert_jbool(&r, "data.journald.compress.value", 1);
	assert_jint(&r, "data.journald.rate_limit_burst.value", 10000);
	assert_jint(&r, "data.journald.max_file_sec.usec", 2629800000000LL);
	assert_jabsent(&r, "data.journald.system_max_use.value");
	assert_jbool(&r, "data.journald.persistent_dir", 1);
	assert_jbool(&r, "data.journald.persistent", 1);

	assert_jbool(&r, "data.rsyslog.installed", 1);
	assert_jbool(&r, "data.rsyslog.enabled", 1);
	assert_jint(&r, "data.rsyslog.forwarding_count", 0);
	assert_int_equal(array_len(&r, "data.rsyslog.config_files"), 1);
	assert_jbool(&r, "data.rsyslog.writes_auth_log", 1);
	assert_jstr(&r, "data.rsyslog.auth_log[0].path", "/var/log/auth.log");
	assert_jstr(&r, "data.rsyslog.auth_log[0].selector", "auth,authpriv.*");
	assert_jstr(&r, "data.rsyslog.auth_log[0].file_create_mode", "0640");
	assert_jint(&r, "data.rsyslog.auth_log[0].line", 60);
	assert_jstr(&r, "data.rsyslog.file_create_mode.value", "0640");
	assert_jint(&r, "data.rsyslog.file_create_mode.line", 33);
	assert_jstr(&r, "data.rsyslog.umask.value", "0022");

	assert_jbool(&r, "data.auditd.installed", 0);
	assert_jbool(&r, "data.auditd.enabled", 0);
	assert_jabsent(&r, "data.auditd.conf");
	assert_jabsent(&r, "data.auditd.rules_d");
	assert_jabsent(&r, "data.auditd.audit_rules");

	assert_jint(&r, "data.logrotate.global.rotate", 4);
	assert_jstr(&r, "data.logrotate.global.period", "weekly");
	assert_jbool(&r, "data.logrotate.global.compress", 0);
	assert_jstr(&r, "data.logrotate.global.includes[0]",
	    "/etc/logrotate.d");
	assert_int_equal(array_len(&r, "data.logrotate.syslog_files"), 2);
	assert_jstr(&r, "data.logrotate.syslog_files[0].path",
	    "/var/log/syslog");
	assert_jstr(&r, "data.logrotate.syslog_files[0].file",
	    "/etc/logrotate.d/rsyslog");
	assert_jint(&r, "data.logrotate.syslog_files[0].rotate", 4);
	assert_jstr(&r, "data.logrotate.syslog_files[0].period", "weekly");
	assert_jint(&r, "data.logrotate.syslog_files[0].retention_days", 28);
	assert_jstr(&r, "data.logrotate.syslog_files[1].path",
	    "/var/log/auth.log");
	assert_jabsent(&r, "data.busybox_syslogd");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_hardened(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-hardened"), &r);
	/* /etc's 50-vendor.conf hides /usr/lib's (Storage=volatile,
	 * Compress=no); 80-retention.conf sorts last and wins. */
	assert_int_equal(array_len(&r, "data.journald.config_files"), 4);
	assert_jstr(&r, "data.journald.config_files[1]",
	    "/etc/systemd/journald.conf.d/50-vendor.conf");
	assert_jstr(&r, "data.journald.config_files[3]",
	    "/usr/lib/systemd/journald.conf.d/80-retention.conf");
	assert_jstr(&r, "data.journald.storage.value", "persistent");
	assert_jstr(&r, "data.journald.storage.source",
	    "/etc/systemd/journald.conf.d/60-cis.conf:2");
	assert_jbool(&r, "data.journald.compress.value", 1);
	assert_jstr(&r, "data.journald.compress.source", "default");
	assert_jbool(&r, "data.journald.seal.value", 1);
	assert_jstr(&r, "data.journald.seal.source",
	    "/etc/systemd/journald.conf.d/50-vendor.conf:3");
	assert_jbool(&r, "data.journald.forward_to_syslog.value", 1);
	assert_jstr(&r, "data.journald.system_max_use.value", "2G");
	assert_jint(&r, "data.journald.system_max_use.bytes", 2147483648LL);
	assert_jstr(&r, "data.journald.system_max_use.source",
	    "/usr/lib/systemd/journald.conf.d/80-retention.conf:2");
	assert_jstr(&r, "data.journald.max_retention_sec.value", "1year");
	assert_jint(&r, "data.journald.max_retention_sec.usec",
	    31557600000000LL);
	assert_jbool(&r, "data.journald.persistent", 1);

	/* Two remote targets; remote.conf.disabled is not *.conf. */
	assert_jint(&r, "data.rsyslog.forwarding_count", 2);
	assert_jstr(&r, "data.rsyslog.forwarding[0].target",
	    "logs.example.org");
	assert_jstr(&r, "data.rsyslog.forwarding[0].protocol", "tcp");
	assert_jint(&r, "data.rsyslog.forwarding[0].port", 514);
	assert_jstr(&r, "data.rsyslog.forwarding[0].form", "legacy");
	assert_jstr(&r, "data.rsyslog.forwarding[0].selector", "*.*");
	assert_jstr(&r, "data.rsyslog.forwarding[0].file",
	    "/etc/rsyslog.d/50-remote.conf");
	assert_jint(&r, "data.rsyslog.forwarding[0].line", 2);
	assert_jstr(&r, "data.rsyslog.forwarding[1].target", "10.0.0.5");
	assert_jstr(&r, "data.rsyslog.forwarding[1].protocol", "tcp");
	assert_jint(&r, "data.rsyslog.forwarding[1].port", 514);
	assert_jstr(&r, "data.rsyslog.forwarding[1].form", "action");
	assert_jstr(&r, "data.rsyslog.forwarding[1].selector",
	    "auth,authpriv.*");
	assert_jint(&r, "data.rsyslog.forwarding[1].line", 2);
	assert_null(collect_source_status(&r,
	    "/etc/rsyslog.d/remote.conf.disabled"));

	assert_jbool(&r, "data.auditd.installed", 1);
	assert_jbool(&r, "data.auditd.enabled", 1);
	assert_jbool(&r, "data.auditd.conf_valid", 1);
	assert_jint(&r, "data.auditd.conf.max_log_file", 32);
	assert_jint(&r, "data.auditd.conf.num_logs", 5);
	assert_jstr(&r, "data.auditd.conf.max_log_file_action", "keep_logs");
	assert_jstr(&r, "data.auditd.conf.space_left_action", "email");
	assert_jstr(&r, "data.auditd.conf.admin_space_left_action", "single");
	assert_jstr(&r, "data.auditd.conf.disk_full_action", "halt");
	assert_jstr(&r, "data.auditd.conf.disk_error_action", "halt");
	assert_jstr(&r, "data.auditd.conf.log_file",
	    "/var/log/audit/audit.log");

	/* rules.d: 8 *.rules files; audit.rules.dpkg-old (-e 0) ignored. */
	assert_int_equal(array_len(&r, "data.auditd.rules_d.files"), 8);
	assert_jstr(&r, "data.auditd.rules_d.files[7]", "99-finalize.rules");
	assert_jint(&r, "data.auditd.rules_d.rule_count", 21);
	assert_jint(&r, "data.auditd.rules_d.watch_count", 11);
	assert_jbool(&r, "data.auditd.rules_d.identity.passwd", 1);
	assert_jbool(&r, "data.auditd.rules_d.identity.shadow", 1);
	assert_jbool(&r, "data.auditd.rules_d.identity.group", 1);
	assert_jbool(&r, "data.auditd.rules_d.identity.gshadow", 1);
	assert_jbool(&r, "data.auditd.rules_d.identity.opasswd", 1);
	assert_jbool(&r, "data.auditd.rules_d.sudoers", 1);
	assert_jbool(&r, "data.auditd.rules_d.sudoers_d", 1);
	assert_jbool(&r, "data.auditd.rules_d.time_change.adjtimex", 1);
	assert_jbool(&r, "data.auditd.rules_d.time_change.clock_settime", 1);
	assert_jbool(&r, "data.auditd.rules_d.immutable", 1);
	assert_jbool(&r, "data.auditd.rules_d.immutable_last", 1);
	assert_jint(&r, "data.auditd.rules_d.enabled_flag", 2);
	assert_jint(&r, "data.auditd.rules_d.failure_mode", 1);
	assert_jint(&r, "data.auditd.rules_d.backlog_limit", 8192);
	assert_jint(&r, "data.auditd.rules_d.backlog_wait_time", 60000);
	assert_jstr(&r, "data.auditd.rules_d.watches[0].path", "/etc/group");
	assert_jstr(&r, "data.auditd.rules_d.watches[0].perms", "wa");
	assert_jstr(&r, "data.auditd.rules_d.watches[0].key", "identity");
	/* The fixture's audit.rules holds the same lines in another order
	 * than augenrules writes them (ls -v: logins before scope), which
	 * augenrules --check reports as a change. */
	assert_jbool(&r, "data.auditd.rules_d.matches_audit_rules", 0);
	assert_jint(&r, "data.auditd.audit_rules.rule_count", 21);
	assert_jbool(&r, "data.auditd.audit_rules.immutable_last", 1);
	assert_jint(&r, "data.auditd.audit_rules.lines_after_immutable", 0);
	assert_jstr(&r, "data.auditd.audit_rules.watches[0].file",
	    "/etc/audit/audit.rules");
	assert_jint(&r, "data.auditd.audit_rules.watches[0].line", 6);

	assert_jint(&r, "data.logrotate.global.rotate", 13);
	assert_jbool(&r, "data.logrotate.global.compress", 1);
	assert_jint(&r, "data.logrotate.syslog_files[0].rotate", 90);
	assert_jstr(&r, "data.logrotate.syslog_files[0].period", "daily");
	assert_jstr(&r, "data.logrotate.syslog_files[0].rotate_from", "stanza");
	assert_jint(&r, "data.logrotate.syslog_files[0].retention_days", 90);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_drifted(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-drifted"), &r);
	/* -e 2 is commented out in rules.d and gone from audit.rules. */
	assert_jbool(&r, "data.auditd.rules_d.immutable", 0);
	assert_jbool(&r, "data.auditd.rules_d.immutable_last", 0);
	assert_jabsent(&r, "data.auditd.rules_d.enabled_flag");
	assert_jbool(&r, "data.auditd.audit_rules.immutable", 0);
	assert_jbool(&r, "data.auditd.audit_rules.immutable_last", 0);
	assert_jabsent(&r, "data.auditd.audit_rules.enabled_flag");
	/* Everything else as hardened. */
	assert_jbool(&r, "data.auditd.audit_rules.identity.shadow", 1);
	assert_jint(&r, "data.rsyslog.forwarding_count", 2);
	assert_jstr(&r, "data.journald.storage.value", "persistent");
	collect_result_free(&r);
}

static void
test_weak(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-weak"), &r);
	assert_jstr(&r, "data.journald.storage.value", "volatile");
	assert_jstr(&r, "data.journald.storage.source",
	    "/etc/systemd/journald.conf:18");
	assert_jbool(&r, "data.journald.forward_to_syslog.value", 0);
	assert_jstr(&r, "data.journald.forward_to_syslog.source",
	    "/etc/systemd/journald.conf:35");
	assert_jbool(&r, "data.journald.persistent_dir", 0);
	assert_jbool(&r, "data.journald.persistent", 0);

	assert_jint(&r, "data.rsyslog.forwarding_count", 1);
	assert_jstr(&r, "data.rsyslog.forwarding[0].protocol", "udp");
	assert_jstr(&r, "data.rsyslog.forwarding[0].target", "192.168.1.50");
	assert_jint(&r, "data.rsyslog.forwarding[0].port", 514);
	assert_jbool(&r, "data.rsyslog.forwarding[0].tls", 0);
	assert_jstr(&r, "data.rsyslog.file_create_mode.value", "0644");
	assert_jstr(&r, "data.rsyslog.auth_log[0].file_create_mode", "0644");

	assert_jbool(&r, "data.auditd.installed", 0);
	assert_jabsent(&r, "data.auditd.audit_rules");

	assert_jint(&r, "data.logrotate.global.rotate", 1);
	assert_jint(&r, "data.logrotate.syslog_files[0].rotate", 2);
	assert_jint(&r, "data.logrotate.syslog_files[0].retention_days", 14);
	collect_result_free(&r);
}

static void
test_rhel9(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("rhel9"), *db, *tsv;

	db = xasprintf("%s/var/lib/rpm/rpmdb.sqlite", root);
	tsv = xasprintf("%s/fixtures/rhel9.rpms.tsv", TEST_SRCDIR);
	assert_int_equal(rpmdb_build(tsv, db), 38);
	run(root, &r);
	/* Not Debian: ForwardToSyslog defaults to no, but 50-cis sets it. */
	assert_jbool(&r, "data.journald.forward_to_syslog.value", 1);
	assert_jstr(&r, "data.journald.forward_to_syslog.source",
	    "/etc/systemd/journald.conf.d/50-cis.conf:4");
	assert_jstr(&r, "data.journald.compress.source",
	    "/etc/systemd/journald.conf.d/50-cis.conf:3");

	/* include(file=... mode="optional") and octet-counted framing;
	 * the commented action() sample does not count. */
	assert_jbool(&r, "data.rsyslog.installed", 1);
	assert_jbool(&r, "data.rsyslog.enabled", 1);
	assert_jstr(&r, "data.rsyslog.config_files[1]",
	    "/etc/rsyslog.d/90-remote.conf");
	assert_jint(&r, "data.rsyslog.forwarding_count", 1);
	assert_jstr(&r, "data.rsyslog.forwarding[0].target",
	    "siem.example.com");
	assert_jstr(&r, "data.rsyslog.forwarding[0].protocol", "tcp");
	assert_jint(&r, "data.rsyslog.forwarding[0].port", 6514);
	assert_jstr(&r, "data.rsyslog.auth_log[0].path", "/var/log/secure");
	assert_jstr(&r, "data.rsyslog.auth_log[0].file_create_mode", "0644");
	assert_jabsent(&r, "data.rsyslog.file_create_mode");

	/* Package "audit", unit auditd.service. */
	assert_jbool(&r, "data.auditd.installed", 1);
	assert_jbool(&r, "data.auditd.enabled", 1);
	assert_jint(&r, "data.auditd.conf.max_log_file", 8);
	assert_jstr(&r, "data.auditd.conf.max_log_file_action", "rotate");
	assert_jstr(&r, "data.auditd.conf.disk_full_action", "suspend");
	/* Identity in the -F path= form, sudoers with -w, no -e 2. */
	assert_jbool(&r, "data.auditd.audit_rules.identity.passwd", 1);
	assert_jbool(&r, "data.auditd.audit_rules.identity.gshadow", 1);
	assert_jbool(&r, "data.auditd.audit_rules.identity.opasswd", 0);
	assert_jstr(&r, "data.auditd.audit_rules.watches[0].form", "rule");
	assert_jbool(&r, "data.auditd.audit_rules.sudoers", 1);
	assert_jbool(&r, "data.auditd.audit_rules.sudoers_d", 1);
	assert_jbool(&r, "data.auditd.audit_rules.immutable", 0);
	assert_jbool(&r, "data.auditd.audit_rules.time_change.adjtimex", 0);
	assert_jint(&r, "data.auditd.audit_rules.syscall_rule_count", 4);
	/* rules.d/audit.rules sorts after 50-identity.rules, but augenrules
	 * moves its control lines first: the result equals audit.rules. */
	assert_jstr(&r, "data.auditd.rules_d.files[0]", "50-identity.rules");
	assert_jbool(&r, "data.auditd.rules_d.matches_audit_rules", 1);

	/* The stanza sets neither rotate nor period: the global ones. */
	assert_jstr(&r, "data.logrotate.syslog_files[0].path",
	    "/var/log/messages");
	assert_jstr(&r, "data.logrotate.syslog_files[0].rotate_from", "global");
	assert_jstr(&r, "data.logrotate.syslog_files[0].period_from", "global");
	assert_jint(&r, "data.logrotate.syslog_files[0].retention_days", 28);
	assert_jstr(&r, "data.logrotate.syslog_files[1].path",
	    "/var/log/secure");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
	free(db);
	free(tsv);
	fixture_remove(root);
}

static void
test_alpine(void **state)
{
	struct collect_result	r;

	run(fixture_path("alpine"), &r);
	/* No systemd: no journald evidence rather than its defaults. */
	assert_jabsent(&r, "data.journald");
	assert_jbool(&r, "data.rsyslog.installed", 0);
	assert_jbool(&r, "data.auditd.installed", 0);
	assert_jbool(&r, "data.busybox_syslogd.enabled", 1);
	assert_jint(&r, "data.busybox_syslogd.forwarding_count", 1);
	assert_jstr(&r, "data.busybox_syslogd.forwarding[0].target",
	    "logs.example.org");
	assert_jint(&r, "data.busybox_syslogd.forwarding[0].port", 514);
	assert_jbool(&r, "data.busybox_syslogd.local", 1);
	assert_jabsent(&r, "data.logrotate");
	collect_result_free(&r);
}

static void
test_hostile(void **state)
{
	struct collect_result	r;

	run(fixture_path("hostile"), &r);
	/* "[Journal" without "]" stops systemd 252 at line 2: nothing
	 * after it applies, the keys before any section are ignored. */
	assert_jbool(&r, "data.journald.complete", 0);
	assert_jstr(&r, "data.journald.storage.source", "default");
	assert_int_equal(collect_errors_matching(&r,
	    "journald.conf:2: invalid section header"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "journald.conf:1: assignment outside of a section"), 1);
	/* Include loops are cut; broken targets are errors, not values. */
	assert_true(collect_errors_matching(&r, "included from itself") >= 1);
	assert_int_equal(collect_errors_matching(&r,
	    "rsyslog.conf:2: forwarding action without host"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "rsyslog.conf:3: malformed IPv6 target"), 1);
	assert_jint(&r, "data.rsyslog.forwarding_count", 1);
	assert_jstr(&r, "data.rsyslog.forwarding[0].target", "2001:db8::1");
	assert_jint(&r, "data.rsyslog.forwarding[0].port", 6514);
	/* auditd refuses its file: no value of it is reported. */
	assert_jbool(&r, "data.auditd.conf_valid", 0);
	assert_jabsent(&r, "data.auditd.conf");
	assert_jbool(&r, "data.auditd.masked", 1);
	assert_true(collect_errors_matching(&r, "auditd refuses") >= 3);
	/* CRLF rules; augenrules keeps the last -e (2) and moves it last,
	 * so the shadow watch after it in the file is still loaded. */
	assert_jbool(&r, "data.auditd.rules_d.identity.passwd", 1);
	assert_jstr(&r, "data.auditd.rules_d.watches[0].key", "identity");
	assert_jbool(&r, "data.auditd.rules_d.immutable_last", 1);
	assert_int_equal(collect_errors_matching(&r,
	    "-w without its argument"), 1);
	assert_int_equal(collect_errors_matching(&r, "stanza not closed"), 1);
	assert_int_equal(array_len(&r, "data.logrotate.syslog_files"), 0);
	collect_result_free(&r);
}

static void
test_journald_dropins(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/os-release", "ID=debian\n");
	/* A BOM, CRLF, comments, a continuation, another section. */
	tmproot_write(root, "/etc/systemd/journald.conf",
	    "\xef\xbb\xbf[Journal]\r\n"
	    "; a comment\r\n"
	    "Storage=volatile\r\n"
	    "MaxFileSec = 2weeks\r\n"
	    "RateLimitBurst=\\\n"
	    "# not part of it\n"
	    "  500\n"
	    "[Upload]\n"
	    "Compress=no\n");
	/* /etc's 10-a.conf hides /run's; /run would say persistent. */
	tmproot_write(root, "/run/systemd/journald.conf.d/10-a.conf",
	    "[Journal]\nStorage=persistent\n");
	tmproot_write(root, "/etc/systemd/journald.conf.d/10-a.conf",
	    "[Journal]\nStorage=none\nStorage=bogus\n");
	tmproot_write(root, "/usr/lib/systemd/journald.conf.d/20-b.conf",
	    "[Journal]\nSystemMaxUse=lots\nSystemKeepFree=1.5G\n"
	    "MaxLevelStore=3\nnonsense line\nRateLimitInterval=1min 30s\n");
	/* A link to /dev/null masks the vendor file of the same name. */
	tmproot_write(root, "/usr/lib/systemd/journald.conf.d/30-c.conf",
	    "[Journal]\nSeal=no\n");
	link_in_root(root, "/dev/null",
	    "/etc/systemd/journald.conf.d/30-c.conf");
	tmproot_write(root, "/etc/systemd/journald.conf.d/.hidden.conf",
	    "[Journal]\nSeal=no\n");
	tmproot_write(root, "/etc/systemd/journald.conf.d/40-d.conf.bak",
	    "[Journal]\nSeal=no\n");

	run(root, &r);
	assert_jstr(&r, "data.journald.storage.value", "none");
	assert_jstr(&r, "data.journald.storage.source",
	    "/etc/systemd/journald.conf.d/10-a.conf:2");
	assert_int_equal(collect_errors_matching(&r,
	    "10-a.conf:3: invalid Storage= value \"bogus\""), 1);
	assert_jstr(&r, "data.journald.max_file_sec.value", "2weeks");
	assert_jint(&r, "data.journald.max_file_sec.usec", 1209600000000LL);
	assert_jint(&r, "data.journald.rate_limit_burst.value", 500);
	assert_jstr(&r, "data.journald.rate_limit_burst.source",
	    "/etc/systemd/journald.conf:7");
	/* [Upload] is not journald's: Compress stays the default. */
	assert_jstr(&r, "data.journald.compress.source", "default");
	/* A rejected size keeps the default; 1.5G is 1610612736 bytes. */
	assert_jstr(&r, "data.journald.system_max_use.source", "default");
	assert_int_equal(collect_errors_matching(&r,
	    "invalid SystemMaxUse= value \"lots\""), 1);
	assert_jint(&r, "data.journald.system_keep_free.bytes", 1610612736LL);
	assert_jstr(&r, "data.journald.max_level_store.value", "err");
	assert_jint(&r, "data.journald.rate_limit_interval_sec.usec",
	    90000000LL);
	assert_int_equal(collect_errors_matching(&r,
	    "20-b.conf:5: not a Key=Value line"), 1);
	assert_jbool(&r, "data.journald.seal.value", 1);
	assert_jstr(&r, "data.journald.masked_dropins[0]",
	    "/etc/systemd/journald.conf.d/30-c.conf");
	assert_int_equal(array_len(&r, "data.journald.config_files"), 3);
	assert_null(collect_source_status(&r,
	    "/run/systemd/journald.conf.d/10-a.conf"));
	assert_null(collect_source_status(&r,
	    "/etc/systemd/journald.conf.d/.hidden.conf"));
	assert_jbool(&r, "data.journald.complete", 1);
	/* No /var/log/journal: auto is not persistent, none never is. */
	assert_jbool(&r, "data.journald.persistent", 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_journald_stops(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new(), *big;

	tmproot_write(root, "/etc/systemd/journald.conf",
	    "[Journal]\nStorage=volatile\n");
	tmproot_write(root, "/etc/systemd/journald.conf.d/10-broken.conf",
	    "[Journal]\nSeal=no\n[Journal\nCompress=no\n");
	tmproot_write(root, "/etc/systemd/journald.conf.d/20-late.conf",
	    "[Journal]\nStorage=persistent\n");
	run(root, &r);
	/* systemd 252 keeps what it read before the broken header and
	 * reads nothing after it, later drop-ins included. */
	assert_jbool(&r, "data.journald.complete", 0);
	assert_jstr(&r, "data.journald.storage.value", "volatile");
	assert_jbool(&r, "data.journald.seal.value", 0);
	assert_jstr(&r, "data.journald.compress.source", "default");
	assert_null(collect_source_status(&r,
	    "/etc/systemd/journald.conf.d/20-late.conf"));
	/* Not Debian: ForwardToSyslog's default is upstream's no. */
	assert_jbool(&r, "data.journald.forward_to_syslog.value", 0);
	collect_result_free(&r);

	/* A drop-in too large to read: journald may read it, so no
	 * setting is known and none is reported. */
	big = xmalloc(8192);
	memset(big, '#', 8191);
	big[8191] = '\0';
	tmproot_write(root, "/etc/systemd/journald.conf.d/10-broken.conf",
	    big);
	free(big);
	collect_run(root, collect_logging, "logging", 4096, &r);
	assert_jbool(&r, "data.journald.complete", 0);
	assert_jabsent(&r, "data.journald.storage");
	assert_string_equal(collect_source_status(&r,
	    "/etc/systemd/journald.conf.d/10-broken.conf"), "too_large");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_rsyslog_forms(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/rsyslog.conf",
	    "$FileCreateMode 0600\n"
	    "include(file=\"/etc/rsyslog.d/*.conf\")\n"
	    "auth.* /var/log/auth.log\n"
	    "$FileCreateMode 640\n"
	    "$ActionSendStreamDriverMode 1\n"
	    "*.* @@tls.example:6514\n");
	tmproot_write(root, "/etc/rsyslog.d/10-legacy.conf",
	    "*.*\t@udp.example\n"
	    "kern.*;mail.none @@(o)tcp.example:10514;RSYSLOG_ForwardFormat\n"
	    "& @[2001:db8::5]:515\n"
	    ":msg, contains, \"@x\" @prop.example:516\n"
	    "if $programname == 'sshd' then @@ifhost.example:517\n"
	    "#*.* @commented.example\n"
	    "*.* @badport.example:abc\n");
	tmproot_write(root, "/etc/rsyslog.d/20-rainer.conf",
	    "/* action(type=\"omfwd\" target=\"in-comment.example\") */\n"
	    "action(type=\"omfwd\"  # the SIEM\n"
	    "\ttarget=\"siem.example\"\n"
	    "\tPort=\"6514\" Protocol=\"TCP\"\n"
	    "\tStreamDriverMode=\"1\")\n"
	    "*.* action(type=\"omfwd\" target=[\"a.example\", \"b.example\"])\n"
	    "action(type=\"omrelp\" target=\"relp.example\" port=\"2514\")\n"
	    "action(type=\"omfwd\" target=\"x.example\" protocol=\"sctp\")\n");
	tmproot_write(root, "/etc/rsyslog.d/30-secure.conf.disabled",
	    "*.* @disabled.example\n");

	run(root, &r);
	assert_jint(&r, "data.rsyslog.forwarding_count", 11);
	assert_jstr(&r, "data.rsyslog.forwarding[0].target", "udp.example");
	assert_jstr(&r, "data.rsyslog.forwarding[0].protocol", "udp");
	assert_jint(&r, "data.rsyslog.forwarding[0].port", 514);
	assert_jstr(&r, "data.rsyslog.forwarding[1].target", "tcp.example");
	assert_jstr(&r, "data.rsyslog.forwarding[1].protocol", "tcp");
	assert_jint(&r, "data.rsyslog.forwarding[1].port", 10514);
	assert_jstr(&r, "data.rsyslog.forwarding[1].selector",
	    "kern.*;mail.none");
	/* "&" repeats the previous selector. */
	assert_jstr(&r, "data.rsyslog.forwarding[2].target", "2001:db8::5");
	assert_jint(&r, "data.rsyslog.forwarding[2].port", 515);
	assert_jstr(&r, "data.rsyslog.forwarding[2].selector",
	    "kern.*;mail.none");
	assert_jstr(&r, "data.rsyslog.forwarding[3].target", "prop.example");
	assert_jabsent(&r, "data.rsyslog.forwarding[3].selector");
	assert_jstr(&r, "data.rsyslog.forwarding[4].target", "ifhost.example");
	assert_jint(&r, "data.rsyslog.forwarding[4].port", 517);
	/* A bad port is an error, the target still reported. */
	assert_jstr(&r, "data.rsyslog.forwarding[5].target", "badport.example");
	assert_jabsent(&r, "data.rsyslog.forwarding[5].port");
	assert_int_equal(collect_errors_matching(&r,
	    "10-legacy.conf:7: \"abc\" is not a port number"), 1);
	/* Multi-line action() with mixed-case names and a comment. */
	assert_jstr(&r, "data.rsyslog.forwarding[6].target", "siem.example");
	assert_jstr(&r, "data.rsyslog.forwarding[6].protocol", "tcp");
	assert_jint(&r, "data.rsyslog.forwarding[6].port", 6514);
	assert_jbool(&r, "data.rsyslog.forwarding[6].tls", 1);
	assert_jstr(&r, "data.rsyslog.forwarding[6].file",
	    "/etc/rsyslog.d/20-rainer.conf");
	assert_jint(&r, "data.rsyslog.forwarding[6].line", 2);
	assert_jstr(&r, "data.rsyslog.forwarding[7].target", "a.example");
	assert_jstr(&r, "data.rsyslog.forwarding[8].target", "b.example");
	assert_jstr(&r, "data.rsyslog.forwarding[8].protocol", "udp");
	assert_jstr(&r, "data.rsyslog.forwarding[9].protocol", "relp");
	assert_jint(&r, "data.rsyslog.forwarding[9].port", 2514);
	assert_int_equal(collect_errors_matching(&r,
	    "omfwd protocol \"sctp\""), 1);
	/* Back in rsyslog.conf after the include; TLS from the legacy
	 * directive before it. */
	assert_jstr(&r, "data.rsyslog.forwarding[10].target", "tls.example");
	assert_jbool(&r, "data.rsyslog.forwarding[10].tls", 1);
	assert_jstr(&r, "data.rsyslog.forwarding[10].file",
	    "/etc/rsyslog.conf");
	assert_jint(&r, "data.rsyslog.forwarding[10].line", 6);
	/* The mode in effect when the auth log action was read; "640"
	 * is refused and changes nothing. */
	assert_jstr(&r, "data.rsyslog.auth_log[0].file_create_mode", "0600");
	assert_jstr(&r, "data.rsyslog.file_create_mode.value", "0600");
	assert_jint(&r, "data.rsyslog.file_create_mode.line", 1);
	assert_int_equal(collect_errors_matching(&r,
	    "$FileCreateMode \"640\""), 1);
	assert_jabsent(&r, "data.rsyslog.installed");
	assert_int_equal(array_len(&r, "data.rsyslog.config_files"), 3);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_audit_rules_order(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	/* ls -v: 9-base before 10-watch; -e 2 in the first file still
	 * ends up last, and only the last -b is kept. */
	tmproot_write(root, "/etc/audit/rules.d/9-base.rules",
	    "-e 2\n-b 100\n");
	tmproot_write(root, "/etc/audit/rules.d/10-watch.rules",
	    "-w /etc/passwd -p wa -k identity\n-b 200\n"
	    "-a never,exit -F path=/etc/shadow -F perm=wa\n"
	    "-w /etc/group -p r\n"
	    "-a always,exit -F dir=/etc/sudoers.d/ -k scope\n");
	tmproot_write(root, "/etc/audit/rules.d/README",
	    "-w /etc/shadow -p wa\n");
	/* A hand-written audit.rules with -e 2 in the middle: the kernel
	 * refuses everything after it. */
	tmproot_write(root, "/etc/audit/audit.rules",
	    "-D\n-w /etc/passwd -p wa\n-e 2\n-w /etc/shadow -p wa\n"
	    "-e 4\n");
	run(root, &r);
	assert_jstr(&r, "data.auditd.rules_d.files[0]", "9-base.rules");
	assert_jstr(&r, "data.auditd.rules_d.files[1]", "10-watch.rules");
	assert_int_equal(array_len(&r, "data.auditd.rules_d.files"), 2);
	assert_jint(&r, "data.auditd.rules_d.backlog_limit", 200);
	assert_jbool(&r, "data.auditd.rules_d.immutable_last", 1);
	assert_jint(&r, "data.auditd.rules_d.rule_count", 4);
	assert_jbool(&r, "data.auditd.rules_d.identity.passwd", 1);
	/* A never-rule and a read-only watch do not watch changes. */
	assert_jbool(&r, "data.auditd.rules_d.identity.shadow", 0);
	assert_jbool(&r, "data.auditd.rules_d.identity.group", 0);
	assert_jbool(&r, "data.auditd.rules_d.sudoers_d", 1);
	assert_jstr(&r, "data.auditd.rules_d.watches[2].path",
	    "/etc/sudoers.d");
	assert_jstr(&r, "data.auditd.rules_d.watches[2].perms", "rwxa");
	assert_jbool(&r, "data.auditd.rules_d.matches_audit_rules", 0);

	assert_jbool(&r, "data.auditd.audit_rules.immutable", 1);
	assert_jbool(&r, "data.auditd.audit_rules.immutable_last", 0);
	assert_jint(&r, "data.auditd.audit_rules.lines_after_immutable", 2);
	assert_jbool(&r, "data.auditd.audit_rules.identity.passwd", 1);
	assert_jbool(&r, "data.auditd.audit_rules.identity.shadow", 0);
	assert_jint(&r, "data.auditd.audit_rules.rule_count", 1);
	assert_jint(&r, "data.auditd.audit_rules.enabled_flag", 2);
	collect_result_free(&r);

	/* audit.rules exactly as augenrules would write it. */
	tmproot_write(root, "/etc/audit/audit.rules",
	    "## generated\n-b 200\n-w /etc/passwd -p wa -k identity\n"
	    "-a never,exit -F path=/etc/shadow -F perm=wa\n"
	    "-w /etc/group -p r\n"
	    "-a always,exit -F dir=/etc/sudoers.d/ -k scope\n-e 2\n");
	run(root, &r);
	assert_jbool(&r, "data.auditd.rules_d.matches_audit_rules", 1);
	assert_jbool(&r, "data.auditd.audit_rules.immutable_last", 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_logrotate_override(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/logrotate.conf",
	    "# defaults\ndaily\nrotate 7\ncompress\n"
	    "include /etc/logrotate.d\n"
	    "/var/log/wtmp {\n    monthly\n    rotate 1\n}\n");
	tmproot_write(root, "/etc/logrotate.d/00-defaults", "rotate 3\n");
	tmproot_write(root, "/etc/logrotate.d/syslog",
	    "/var/log/messages\n\"/var/log/secure\"\n{\n"
	    "    rotate 30\n    nocompress\n"
	    "    postrotate\n        rotate 99\n    endscript\n}\n"
	    "/var/log/auth.log {\n    monthly\n    maxage 180\n}\n"
	    "/var/log/mess* {\n    rotate 1\n}\n"
	    "/var/log/syslog {\n    size 100M\n}\n");
	tmproot_write(root, "/etc/logrotate.d/syslog.dpkg-old",
	    "/var/log/auth.log {\n    rotate 1000\n}\n");
	run(root, &r);
	assert_jint(&r, "data.logrotate.global.rotate", 7);
	assert_jstr(&r, "data.logrotate.global.period", "daily");
	assert_jbool(&r, "data.logrotate.global.compress", 1);
	/* /var/log/syslog: rotation by size, so no period or retention. */
	assert_jstr(&r, "data.logrotate.syslog_files[0].path",
	    "/var/log/syslog");
	assert_jint(&r, "data.logrotate.syslog_files[0].rotate", 3);
	assert_jstr(&r, "data.logrotate.syslog_files[0].rotate_from", "global");
	assert_jabsent(&r, "data.logrotate.syslog_files[0].period");
	assert_jabsent(&r, "data.logrotate.syslog_files[0].retention_days");
	/* The stanza's rotate 30, not the script's 99 nor the later
	 * duplicate's 1; the period from the global daily. */
	assert_jstr(&r, "data.logrotate.syslog_files[1].path",
	    "/var/log/messages");
	assert_jint(&r, "data.logrotate.syslog_files[1].rotate", 30);
	assert_jstr(&r, "data.logrotate.syslog_files[1].rotate_from", "stanza");
	assert_jstr(&r, "data.logrotate.syslog_files[1].period", "daily");
	assert_jstr(&r, "data.logrotate.syslog_files[1].period_from", "global");
	assert_jbool(&r, "data.logrotate.syslog_files[1].compress", 0);
	assert_jint(&r, "data.logrotate.syslog_files[1].retention_days", 30);
	assert_jint(&r, "data.logrotate.syslog_files[1].line", 1);
	assert_int_equal(collect_errors_matching(&r,
	    "duplicate log entry for /var/log/messages"), 1);
	/* Global rotate 3 from the included file; monthly x 3 = 90 days,
	 * capped by maxage 180 (no effect) - the taboo file is skipped. */
	assert_jstr(&r, "data.logrotate.syslog_files[2].path",
	    "/var/log/auth.log");
	assert_jint(&r, "data.logrotate.syslog_files[2].rotate", 3);
	assert_jint(&r, "data.logrotate.syslog_files[2].maxage", 180);
	assert_jint(&r, "data.logrotate.syslog_files[2].retention_days", 90);
	assert_jstr(&r, "data.logrotate.syslog_files[3].path",
	    "/var/log/secure");
	assert_jint(&r, "data.logrotate.syslog_files[3].retention_days", 30);
	assert_null(collect_source_status(&r,
	    "/etc/logrotate.d/syslog.dpkg-old"));
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_sdconf_values(void **state)
{
	uint64_t	u;
	int		b;

	assert_int_equal(sdconf_parse_size("1G", &u), 0);
	assert_int_equal(u, 1073741824ULL);
	assert_int_equal(sdconf_parse_size("1.5M", &u), 0);
	assert_int_equal(u, 1572864ULL);
	assert_int_equal(sdconf_parse_size("1G 512M", &u), 0);
	assert_int_equal(u, 1610612736ULL);
	assert_int_equal(sdconf_parse_size("512", &u), 0);
	assert_int_equal(u, 512);
	assert_int_equal(sdconf_parse_size("1g", &u), -1);
	assert_int_equal(sdconf_parse_size("1M 1G", &u), -1);
	assert_int_equal(sdconf_parse_size("-1K", &u), -1);
	assert_int_equal(sdconf_parse_size("", &u), -1);
	assert_int_equal(sdconf_parse_size("99999999999999999999E", &u), -1);

	assert_int_equal(sdconf_parse_timespan("30s", &u), 0);
	assert_int_equal(u, 30000000ULL);
	assert_int_equal(sdconf_parse_timespan("5min 20s", &u), 0);
	assert_int_equal(u, 320000000ULL);
	assert_int_equal(sdconf_parse_timespan("1.5h", &u), 0);
	assert_int_equal(u, 5400000000ULL);
	assert_int_equal(sdconf_parse_timespan("2048", &u), 0);
	assert_int_equal(u, 2048000000ULL);
	assert_int_equal(sdconf_parse_timespan("500ms", &u), 0);
	assert_int_equal(u, 500000ULL);
	assert_int_equal(sdconf_parse_timespan("1M", &u), 0);
	assert_int_equal(u, 2629800000000ULL);
	assert_int_equal(sdconf_parse_timespan("infinity", &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(sdconf_parse_timespan("12.34.56", &u), -1);
	assert_int_equal(sdconf_parse_timespan("3.sec", &u), -1);
	assert_int_equal(sdconf_parse_timespan("-5s", &u), -1);
	assert_int_equal(sdconf_parse_timespan("5 parsecs", &u), -1);
	assert_int_equal(sdconf_parse_timespan("", &u), -1);

	assert_int_equal(sdconf_parse_bool("On", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(sdconf_parse_bool("f", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(sdconf_parse_bool("maybe", &b), -1);
}

static void
test_stable(void **state)
{
	struct collect_result	a, b;

	run(fixture_path("debian12-hardened"), &a);
	run(fixture_path("debian12-hardened"), &b);
	assert_string_equal(jsonutil_to_string(a.section, 0),
	    jsonutil_to_string(b.section, 0));
	assert_int_equal(strncmp(json_object_get_string(jpath(a.section,
	    "digest")), "sha256:", 7), 0);
	collect_result_free(&a);
	collect_result_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_hardened),
		cmocka_unit_test(test_drifted),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_journald_dropins),
		cmocka_unit_test(test_journald_stops),
		cmocka_unit_test(test_rsyslog_forms),
		cmocka_unit_test(test_audit_rules_order),
		cmocka_unit_test(test_logrotate_override),
		cmocka_unit_test(test_sdconf_values),
		cmocka_unit_test(test_stable),
	};

	return cmocka_run_group_tests_name("collect-logging", tests, NULL,
	    NULL);
}
