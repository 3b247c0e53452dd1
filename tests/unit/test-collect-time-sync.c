/* Unit tests for the time_sync collector. */
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

static void
run(const char *root, struct collect_result *r)
{
	collect_run(root, collect_time_sync, "time_sync", 0, r);
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
assert_jdouble(struct collect_result *r, const char *path, double want)
{
	struct json_object	*v = jpath(r->section, path);

	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_double));
	assert_true(json_object_get_double(v) == want);
}

/* The implementations array is in a fixed order. */
#define CHRONY		"data.implementations[0]"
#define TIMESYNCD	"data.implementations[1]"
#define NTPSEC		"data.implementations[2]"
#define NTPD		"data.implementations[3]"

static void
test_default(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-default"), &r);
	assert_jstr(&r, TIMESYNCD ".name", "systemd-timesyncd");
	assert_jbool(&r, TIMESYNCD ".installed", 1);
	assert_jbool(&r, TIMESYNCD ".enabled", 1);
	assert_jbool(&r, TIMESYNCD ".masked", 0);
	assert_jstr(&r, TIMESYNCD ".enabled_by", "sysinit.target");
	assert_jstr(&r, CHRONY ".name", "chrony");
	assert_jbool(&r, CHRONY ".installed", 0);
	assert_jbool(&r, CHRONY ".enabled", 0);
	assert_jstr(&r, "data.active", "systemd-timesyncd");
	assert_int_equal(array_len(&r, "data.active_all"), 1);
	assert_jabsent(&r, "data.chrony");
	assert_jabsent(&r, "data.ntpd");

	/* timesyncd.conf is all comments: Debian's compiled-in pool. */
	assert_jstr(&r, "data.timesyncd.config_files[0]",
	    "/etc/systemd/timesyncd.conf");
	assert_int_equal(array_len(&r, "data.timesyncd.ntp.value"), 0);
	assert_jstr(&r, "data.timesyncd.ntp.source", "default");
	assert_int_equal(array_len(&r, "data.timesyncd.fallback_ntp.value"), 4);
	assert_jstr(&r, "data.timesyncd.fallback_ntp.value[0]",
	    "0.debian.pool.ntp.org");
	assert_jstr(&r, "data.timesyncd.fallback_ntp.value[3]",
	    "3.debian.pool.ntp.org");
	assert_jstr(&r, "data.timesyncd.fallback_ntp.source", "default");
	assert_jint(&r, "data.timesyncd.root_distance_max_sec.usec", 5000000);
	assert_jint(&r, "data.timesyncd.poll_interval_min_sec.usec", 32000000);
	assert_jint(&r, "data.timesyncd.poll_interval_max_sec.usec",
	    2048000000LL);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_hardened(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-hardened"), &r);
	assert_jbool(&r, CHRONY ".installed", 1);
	assert_jbool(&r, CHRONY ".enabled", 1);
	assert_jstr(&r, CHRONY ".enabled_by", "multi-user.target");
	assert_jbool(&r, TIMESYNCD ".masked", 1);
	assert_jbool(&r, TIMESYNCD ".enabled", 0);
	assert_jstr(&r, "data.active", "chrony");
	/* Masked and without a unit file: no timesyncd defaults. */
	assert_jabsent(&r, "data.timesyncd");

	/* confdir at the top, sourcedir files after the configuration. */
	assert_int_equal(array_len(&r, "data.chrony.config_files"), 3);
	assert_jstr(&r, "data.chrony.config_files[0]",
	    "/etc/chrony/chrony.conf");
	assert_jstr(&r, "data.chrony.config_files[1]",
	    "/etc/chrony/conf.d/10-cis.conf");
	assert_jstr(&r, "data.chrony.config_files[2]",
	    "/etc/chrony/sources.d/internal.sources");
	assert_jbool(&r, "data.chrony.config_valid", 1);
	assert_jint(&r, "data.chrony.pool_count", 1);
	assert_jint(&r, "data.chrony.server_count", 2);
	assert_jint(&r, "data.chrony.peer_count", 0);
	assert_jstr(&r, "data.chrony.sources[0].type", "pool");
	assert_jstr(&r, "data.chrony.sources[0].host", "2.debian.pool.ntp.org");
	assert_jbool(&r, "data.chrony.sources[0].options.iburst", 1);
	assert_jint(&r, "data.chrony.sources[0].line", 8);
	assert_jstr(&r, "data.chrony.sources[1].host", "ntp1.example.org");
	assert_jbool(&r, "data.chrony.sources[1].options.nts", 1);
	assert_jstr(&r, "data.chrony.sources[2].host", "ntp2.example.org");
	/* conf.d's "makestep 1.0 3" is read at confdir (line 5); the
	 * stock "makestep 1 3" at line 42 comes later and wins. */
	assert_jdouble(&r, "data.chrony.makestep.threshold", 1.0);
	assert_jint(&r, "data.chrony.makestep.limit", 3);
	assert_jstr(&r, "data.chrony.makestep.file", "/etc/chrony/chrony.conf");
	assert_jint(&r, "data.chrony.makestep.line", 42);
	assert_jbool(&r, "data.chrony.rtcsync", 1);
	assert_jstr(&r, "data.chrony.leapsectz", "right/UTC");
	assert_jstr(&r, "data.chrony.driftfile",
	    "/var/lib/chrony/chrony.drift");
	assert_jabsent(&r, "data.chrony.minsources");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_drifted(void **state)
{
	struct collect_result	r;

	/* Time synchronisation is as in hardened. */
	run(fixture_path("debian12-drifted"), &r);
	assert_jstr(&r, "data.active", "chrony");
	assert_jint(&r, "data.chrony.server_count", 2);
	assert_jbool(&r, TIMESYNCD ".masked", 1);
	collect_result_free(&r);
}

static void
test_weak(void **state)
{
	struct collect_result	r;

	run(fixture_path("debian12-weak"), &r);
	assert_jstr(&r, "data.active", "none");
	assert_int_equal(array_len(&r, "data.active_all"), 0);
	assert_jbool(&r, TIMESYNCD ".installed", 1);
	assert_jbool(&r, TIMESYNCD ".masked", 1);
	assert_jbool(&r, TIMESYNCD ".enabled", 0);
	assert_jbool(&r, NTPD ".installed", 0);
	assert_jbool(&r, NTPD ".enabled", 0);
	assert_jabsent(&r, "data.chrony");

	assert_jstr(&r, "data.timesyncd.ntp.value[0]", "ntp.local");
	assert_int_equal(array_len(&r, "data.timesyncd.ntp.value"), 1);
	assert_jstr(&r, "data.timesyncd.ntp.source",
	    "/etc/systemd/timesyncd.conf:16");
	/* The empty FallbackNTP= of disable-fallback.conf does not disable
	 * the compiled-in list in systemd 252: only a non-empty
	 * assignment replaces it. */
	assert_jstr(&r, "data.timesyncd.config_files[1]",
	    "/etc/systemd/timesyncd.conf.d/disable-fallback.conf");
	assert_int_equal(array_len(&r, "data.timesyncd.fallback_ntp.value"), 4);
	assert_jstr(&r, "data.timesyncd.fallback_ntp.source", "default");

	/* The left-over ntp.conf is still reported as what it says. */
	assert_jstr(&r, "data.ntpd.config_file", "/etc/ntp.conf");
	assert_jint(&r, "data.ntpd.pool_count", 2);
	assert_jint(&r, "data.ntpd.server_count", 0);
	assert_jstr(&r, "data.ntpd.sources[1].host", "1.debian.pool.ntp.org");
	assert_jbool(&r, "data.ntpd.sources[1].options.iburst", 1);
	assert_int_equal(array_len(&r, "data.ntpd.restrict_default"), 2);
	assert_jstr(&r, "data.ntpd.restrict_default[0].family", "-4");
	assert_jstr(&r, "data.ntpd.restrict_default[0].flags[0]", "kod");
	assert_int_equal(array_len(&r, "data.ntpd.restrict_default[1].flags"),
	    6);
	assert_jint(&r, "data.ntpd.restrict_default[1].line", 10);
	assert_jabsent(&r, "data.ntpsec");
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
	/* chronyd.service is the unit's own name on RHEL. */
	assert_jbool(&r, CHRONY ".installed", 1);
	assert_jbool(&r, CHRONY ".enabled", 1);
	assert_jstr(&r, "data.active", "chrony");
	/* The rpm build reads /etc/chrony.conf. */
	assert_jstr(&r, "data.chrony.config_files[0]", "/etc/chrony.conf");
	assert_int_equal(array_len(&r, "data.chrony.config_files"), 1);
	assert_jstr(&r, "data.chrony.sources[0].host", "2.rhel.pool.ntp.org");
	assert_jstr(&r, "data.chrony.sources[1].host", "ntp.example.com");
	assert_jbool(&r, "data.chrony.sources[1].options.prefer", 1);
	assert_jint(&r, "data.chrony.sources[1].line", 4);
	assert_jdouble(&r, "data.chrony.makestep.threshold", 1.0);
	assert_jint(&r, "data.chrony.makestep.line", 14);
	/* A timesyncd unit file but not Debian: the compiled-in fallback
	 * list is unknown and left out. */
	assert_jbool(&r, TIMESYNCD ".installed", 0);
	assert_jabsent(&r, "data.timesyncd.fallback_ntp.value");
	assert_jstr(&r, "data.timesyncd.fallback_ntp.source", "default");
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
	/* No systemd units: OpenRC's default runlevel starts chronyd. */
	assert_jbool(&r, CHRONY ".installed", 1);
	assert_jbool(&r, CHRONY ".enabled", 1);
	assert_jstr(&r, CHRONY ".enabled_by", "openrc");
	assert_jstr(&r, "data.active", "chrony");
	assert_jstr(&r, "data.chrony.config_files[0]",
	    "/etc/chrony/chrony.conf");
	assert_jstr(&r, "data.chrony.sources[0].host", "pool.ntp.org");
	assert_jint(&r, "data.chrony.pool_count", 1);
	assert_jbool(&r, "data.chrony.rtcsync", 1);
	assert_jabsent(&r, "data.chrony.makestep");
	assert_jabsent(&r, "data.timesyncd");
	collect_result_free(&r);
}

static void
test_hostile(void **state)
{
	struct collect_result	r;

	run(fixture_path("hostile"), &r);
	/* chrony.conf includes itself: chronyd refuses it, so no source or
	 * setting of it is reported. */
	assert_jbool(&r, "data.chrony.config_valid", 0);
	assert_jabsent(&r, "data.chrony.sources");
	assert_jabsent(&r, "data.chrony.server_count");
	assert_true(collect_errors_matching(&r, "include cycle") >= 1);
	assert_int_equal(collect_errors_matching(&r,
	    "chrony.conf:4: pool without a host"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "minpoll \"abc\" is not a number"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "chrony.conf:6: makestep needs"), 1);
	assert_string_equal(collect_source_status(&r,
	    "/etc/chrony/sources.d/loop.sources"), "symlink_loop");
	/* CRLF timesyncd.conf: NTP= empties the list, no "\r" kept. */
	assert_int_equal(array_len(&r, "data.timesyncd.ntp.value"), 2);
	assert_jstr(&r, "data.timesyncd.ntp.value[0]", "ntp2.example.org");
	assert_jstr(&r, "data.timesyncd.ntp.value[1]", "ntp3.example.org");
	assert_jstr(&r, "data.active", "none");
	collect_result_free(&r);
}

static void
test_timesyncd_dropins(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/usr/lib/os-release",
	    "ID=ubuntu\nID_LIKE=debian\n");
	tmproot_write(root, "/usr/lib/systemd/system/systemd-timesyncd.service",
	    "[Unit]\n");
	tmproot_write(root, "/etc/systemd/timesyncd.conf",
	    "[Time]\nNTP=a.example b.example\nRootDistanceMaxSec=bogus\n");
	/* Lists add up, duplicates are dropped, "NTP=" empties. */
	tmproot_write(root, "/etc/systemd/timesyncd.conf.d/10-ntp.conf",
	    "[Time]\nNTP=\nNTP=c.example a.example c.example\n"
	    "PollIntervalMinSec=10\nPollIntervalMaxSec=1min\n");
	tmproot_write(root, "/usr/lib/systemd/timesyncd.conf.d/10-ntp.conf",
	    "[Time]\nNTP=vendor.example\n");
	/* A non-empty FallbackNTP= then an empty one: an empty list. */
	tmproot_write(root, "/run/systemd/timesyncd.conf.d/20-fb.conf",
	    "[Time]\nFallbackNTP=x.example\nFallbackNTP=\n");
	run(root, &r);
	assert_int_equal(array_len(&r, "data.timesyncd.ntp.value"), 2);
	assert_jstr(&r, "data.timesyncd.ntp.value[0]", "c.example");
	assert_jstr(&r, "data.timesyncd.ntp.value[1]", "a.example");
	assert_jstr(&r, "data.timesyncd.ntp.source",
	    "/etc/systemd/timesyncd.conf.d/10-ntp.conf:3");
	assert_int_equal(array_len(&r, "data.timesyncd.fallback_ntp.value"), 0);
	assert_jstr(&r, "data.timesyncd.fallback_ntp.source",
	    "/run/systemd/timesyncd.conf.d/20-fb.conf:3");
	assert_jstr(&r, "data.timesyncd.root_distance_max_sec.source",
	    "default");
	assert_int_equal(collect_errors_matching(&r,
	    "invalid RootDistanceMaxSec= value \"bogus\""), 1);
	/* Under 16s: timesyncd takes its default 32s; 1min is kept. */
	assert_jint(&r, "data.timesyncd.poll_interval_min_sec.usec", 32000000);
	assert_jstr(&r, "data.timesyncd.poll_interval_min_sec.source",
	    "default");
	assert_int_equal(collect_errors_matching(&r,
	    "PollIntervalMinSec= under 16s"), 1);
	assert_jint(&r, "data.timesyncd.poll_interval_max_sec.usec", 60000000);
	assert_jstr(&r, "data.timesyncd.poll_interval_max_sec.value", "1min");
	assert_null(collect_source_status(&r,
	    "/usr/lib/systemd/timesyncd.conf.d/10-ntp.conf"));
	/* A unit file alone does not enable it. */
	assert_jbool(&r, TIMESYNCD ".enabled", 0);
	assert_jabsent(&r, TIMESYNCD ".installed");
	collect_result_free(&r);

	/* An empty FallbackNTP= alone leaves the compiled-in list, and a
	 * masked drop-in is not read. */
	tmproot_write(root, "/run/systemd/timesyncd.conf.d/20-fb.conf",
	    "[Time]\nFallbackNTP=\n");
	tmproot_write(root, "/usr/lib/systemd/timesyncd.conf.d/30-m.conf",
	    "[Time]\nFallbackNTP=masked.example\n");
	link_in_root(root, "/dev/null",
	    "/etc/systemd/timesyncd.conf.d/30-m.conf");
	tmproot_write(root, "/etc/systemd/timesyncd.conf.d/10-ntp.conf",
	    "[Time]\nPollIntervalMinSec=64\nPollIntervalMaxSec=32\n");
	run(root, &r);
	assert_int_equal(array_len(&r, "data.timesyncd.fallback_ntp.value"), 4);
	assert_jstr(&r, "data.timesyncd.fallback_ntp.value[2]",
	    "2.debian.pool.ntp.org");
	assert_jstr(&r, "data.timesyncd.masked_dropins[0]",
	    "/etc/systemd/timesyncd.conf.d/30-m.conf");
	/* A maximum under the minimum: max(2048s, 32 x 64s). */
	assert_jint(&r, "data.timesyncd.poll_interval_max_sec.usec",
	    2048000000LL);
	assert_jstr(&r, "data.timesyncd.poll_interval_max_sec.source",
	    "default");
	assert_jint(&r, "data.timesyncd.poll_interval_min_sec.usec", 64000000);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_chrony_dirs(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/chrony/chrony.conf",
	    "! chrony comment\n"
	    "% another\n"
	    "confdir /etc/chrony/a.d /etc/chrony/b.d\n"
	    "include /etc/chrony/extra/*.conf\n"
	    "sourcedir /etc/chrony/s1 /etc/chrony/s2\n"
	    "Server ntp0.example MinPoll 4 maxpoll 10 offset 0.5\n"
	    "minsources 2\n"
	    "driftfile /var/lib/chrony/a\n"
	    "driftfile /var/lib/chrony/b\n");
	/* Same name in both directories: a.d's wins; sorted by name. */
	tmproot_write(root, "/etc/chrony/a.d/20-x.conf", "peer peer.example\n");
	tmproot_write(root, "/etc/chrony/b.d/20-x.conf",
	    "server hidden.example\n");
	tmproot_write(root, "/etc/chrony/b.d/10-y.conf",
	    "makestep 0.5 -1\nrtcsync\n");
	tmproot_write(root, "/etc/chrony/extra/1.conf",
	    "leapsectz right/UTC\n");
	tmproot_write(root, "/etc/chrony/extra/.hidden.conf",
	    "server hidden2.example\n");
	tmproot_write(root, "/etc/chrony/s1/a.sources",
	    "pool p.example maxsources 4 iburst\nmakestep 9 9\n");
	tmproot_write(root, "/etc/chrony/s2/a.sources",
	    "server hidden3.example\n");
	tmproot_write(root, "/etc/chrony/s2/b.sources",
	    "server s.example nts\n");
	run(root, &r);
	assert_jbool(&r, "data.chrony.config_valid", 1);
	assert_jstr(&r, "data.chrony.config_files[1]",
	    "/etc/chrony/b.d/10-y.conf");
	assert_jstr(&r, "data.chrony.config_files[2]",
	    "/etc/chrony/a.d/20-x.conf");
	assert_jstr(&r, "data.chrony.config_files[3]",
	    "/etc/chrony/extra/1.conf");
	assert_int_equal(array_len(&r, "data.chrony.config_files"), 6);
	assert_jstr(&r, "data.chrony.sources[0].type", "peer");
	assert_jstr(&r, "data.chrony.sources[0].host", "peer.example");
	assert_jstr(&r, "data.chrony.sources[1].host", "ntp0.example");
	assert_jint(&r, "data.chrony.sources[1].options.minpoll", 4);
	assert_jint(&r, "data.chrony.sources[1].options.maxpoll", 10);
	assert_jdouble(&r, "data.chrony.sources[1].options.offset", 0.5);
	assert_jstr(&r, "data.chrony.sources[2].host", "p.example");
	assert_jint(&r, "data.chrony.sources[2].options.maxsources", 4);
	assert_jstr(&r, "data.chrony.sources[3].host", "s.example");
	assert_int_equal(array_len(&r, "data.chrony.sources"), 4);
	assert_jint(&r, "data.chrony.server_count", 2);
	assert_jint(&r, "data.chrony.pool_count", 1);
	assert_jint(&r, "data.chrony.peer_count", 1);
	assert_jdouble(&r, "data.chrony.makestep.threshold", 0.5);
	assert_jint(&r, "data.chrony.makestep.limit", -1);
	assert_jint(&r, "data.chrony.minsources", 2);
	assert_jstr(&r, "data.chrony.driftfile", "/var/lib/chrony/b");
	assert_jstr(&r, "data.chrony.leapsectz", "right/UTC");
	assert_jbool(&r, "data.chrony.rtcsync", 1);
	/* makestep is not allowed in a sources file. */
	assert_int_equal(collect_errors_matching(&r,
	    "\"makestep\" is not allowed in a sources file"), 1);
	/* No package database: /etc/chrony/chrony.conf exists, so used. */
	assert_jabsent(&r, CHRONY ".installed");
	collect_result_free(&r);

	/* An unknown source option makes chronyd refuse the file. */
	tmproot_write(root, "/etc/chrony/extra/1.conf",
	    "server bad.example fastest\n");
	run(root, &r);
	assert_jbool(&r, "data.chrony.config_valid", 0);
	assert_jabsent(&r, "data.chrony.sources");
	assert_int_equal(collect_errors_matching(&r,
	    "unknown server option \"fastest\""), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_implementations(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	/* ntp.service an alias of ntpsec.service counts for ntpsec only;
	 * two enabled implementations are "multiple". */
	tmproot_write(root, "/lib/systemd/system/ntpsec.service", "[Unit]\n");
	tmproot_write(root, "/lib/systemd/system/chrony.service", "[Unit]\n");
	link_in_root(root, "/lib/systemd/system/ntpsec.service",
	    "/etc/systemd/system/ntp.service");
	link_in_root(root, "/lib/systemd/system/ntpsec.service",
	    "/etc/systemd/system/multi-user.target.wants/ntpsec.service");
	link_in_root(root, "/lib/systemd/system/chrony.service",
	    "/etc/systemd/system/multi-user.target.wants/chrony.service");
	tmproot_write(root, "/etc/ntpsec/ntp.conf",
	    "server 10.0.0.1 iburst minpoll 4\n"
	    "restrict default kod nomodify\n");
	run(root, &r);
	assert_jbool(&r, NTPSEC ".enabled", 1);
	assert_jbool(&r, NTPD ".enabled", 0);
	assert_jbool(&r, CHRONY ".enabled", 1);
	assert_jstr(&r, "data.active", "multiple");
	assert_jstr(&r, "data.active_all[0]", "chrony");
	assert_jstr(&r, "data.active_all[1]", "ntpsec");
	assert_int_equal(array_len(&r, "data.active_all"), 2);
	assert_jstr(&r, "data.ntpsec.sources[0].host", "10.0.0.1");
	assert_jint(&r, "data.ntpsec.sources[0].options.minpoll", 4);
	assert_jabsent(&r, "data.ntpsec.restrict_default[0].family");
	assert_jstr(&r, "data.ntpsec.restrict_default[0].flags[1]", "nomodify");
	collect_result_free(&r);

	/* A mask wins over an enablement link. */
	link_in_root(root, "/dev/null", "/etc/systemd/system/chrony.service");
	run(root, &r);
	assert_jbool(&r, CHRONY ".masked", 1);
	assert_jbool(&r, CHRONY ".enabled", 0);
	assert_jstr(&r, "data.active", "ntpsec");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_stable(void **state)
{
	struct collect_result	a, b;

	run(fixture_path("debian12-hardened"), &a);
	run(fixture_path("debian12-hardened"), &b);
	assert_string_equal(jsonutil_to_string(a.section, 0),
	    jsonutil_to_string(b.section, 0));
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
		cmocka_unit_test(test_timesyncd_dropins),
		cmocka_unit_test(test_chrony_dirs),
		cmocka_unit_test(test_implementations),
		cmocka_unit_test(test_stable),
	};

	return cmocka_run_group_tests_name("collect-time-sync", tests, NULL,
	    NULL);
}
