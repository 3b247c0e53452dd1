/* Unit tests for agent/status.c and status-textfile.c: what the state
 * directory records for status (the last successful push kept across
 * failures and reopenings, the schedule) and the textfile's format. */
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

#include "agent-state.h"
#include "fileio.h"
#include "jsonutil.h"
#include "spool.h"
#include "status.h"
#include "tmpdir.h"
#include "xmalloc.h"

static char	dir[64];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/test-agent-status.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static struct agent_state *
open_ok(void)
{
	struct agent_state	*st;
	char			 err[256];

	if ((st = agent_state_open(dir, 1, err, sizeof(err))) == NULL)
		fail_msg("agent_state_open: %s", err);
	return st;
}

/* A failed push after a good one keeps the good one's time, on disk. */
static void
test_push_ok_survives_failures(void **state)
{
	struct agent_state	*st = open_ok();
	const char		*result;
	time_t			 when;

	assert_int_equal(agent_state_push_ok(st), 0);
	assert_int_equal(agent_state_set_push(st, 1000, "ok"), 0);
	assert_int_equal(agent_state_set_push(st, 2000, "retry: 503 busy"), 0);
	assert_int_equal(agent_state_push_ok(st), 1000);
	agent_state_close(st);

	st = open_ok();
	assert_int_equal(agent_state_push(st, &when, &result), 0);
	assert_int_equal(when, 2000);
	assert_string_equal(result, "retry: 503 busy");
	assert_int_equal(agent_state_push_ok(st), 1000);
	assert_int_equal(agent_state_set_push(st, 3000, "ok"), 0);
	assert_int_equal(agent_state_push_ok(st), 3000);
	agent_state_close(st);
}

/* The schedule is recorded, re-read, and cleared with its own result. */
static void
test_collect_recorded(void **state)
{
	struct agent_state	*st = open_ok();
	const char		*result;
	time_t			 when, next;

	assert_int_equal(agent_state_collect(st, &when, &result, &next), -1);
	assert_int_equal(agent_state_set_collect(st, 5000, "ok: seq 3 spooled",
	    8600), 0);
	agent_state_close(st);
	st = open_ok();
	assert_int_equal(agent_state_collect(st, &when, &result, &next), 0);
	assert_int_equal(when, 5000);
	assert_int_equal(next, 8600);
	assert_string_equal(result, "ok: seq 3 spooled");
	/* result points into the state: set_collect must copy it first. */
	assert_int_equal(agent_state_set_collect(st, when, result, 0), 0);
	assert_int_equal(agent_state_collect(st, &when, &result, &next), 0);
	assert_string_equal(result, "ok: seq 3 spooled");
	assert_int_equal(next, 0);
	agent_state_close(st);
}

static void
test_status_read_and_json(void **state)
{
	struct agent_status	 s;
	struct agent_state	*st = open_ok();
	struct spool		*sp;
	struct json_object	*o, *v;
	const char		*str;
	char			*path, err[256];

	assert_int_equal(agent_state_save_identity(st, "ag_test",
	    "https://exhibit.example:8443"), 0);
	assert_int_equal(agent_state_set_push(st, 1000, "ok"), 0);
	assert_int_equal(agent_state_set_push(st, 2000, "no answer: refused"),
	    0);
	path = agent_state_path(st, AGENT_STATE_SPOOL);
	sp = spool_open(path, err, sizeof(err));
	free(path);
	assert_non_null(sp);
	assert_int_equal(spool_put(sp, 7, "{}", 2), 0);
	assert_int_equal(spool_put(sp, 8, "{\"x\":1}", 7), 0);

	agent_status_read(st, sp, &s);
	assert_string_equal(s.version, PACKAGE_VERSION);
	assert_string_equal(s.agent_id, "ag_test");
	assert_int_equal(s.push_time, 2000);
	assert_int_equal(s.push_ok_time, 1000);
	assert_int_equal(s.spool_count, 2);
	assert_int_equal(s.spool_bytes, 9);
	assert_true(s.spool_oldest > 1000000000);	/* a real mtime */
	assert_int_equal(s.collect_time, 0);
	assert_null(s.collect_result);

	o = agent_status_json(&s);
	assert_int_equal(jsonutil_get_string(o, "last_push_ok", &str), 0);
	assert_string_equal(str, "1970-01-01T00:16:40Z");
	assert_int_equal(jsonutil_get_string(o, "last_push_result", &str), 0);
	assert_string_equal(str, "no answer: refused");
	/* Unknown: null, not a 1970 date. */
	assert_true(json_object_object_get_ex(o, "last_collection", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "spool_count", &v));
	assert_int_equal(json_object_get_int64(v), 2);
	json_object_put(o);
	spool_close(sp);
	agent_state_close(st);
}

static void
test_textfile_format(void **state)
{
	struct agent_status	 s;
	char			*t;

	memset(&s, 0, sizeof(s));
	s.version = "1.2.3";
	s.enrolled = 1;
	s.agent_id = "ag_x";
	s.server = "https://h/\"q\"\\b\nc";	/* every escape */
	s.push_ok_time = 1700000000;
	s.push_time = 1700000100;
	s.push_result = "retry: 503";
	s.collect_time = 1699999990;
	s.collect_result = "failed: see the log";
	s.spool_count = 3;
	s.spool_bytes = 4096;
	t = agent_status_textfile(&s);
	assert_non_null(strstr(t, "exhibit_agent_info{version=\"1.2.3\","
	    "agent_id=\"ag_x\",server=\"https://h/\\\"q\\\"\\\\b\\nc\"} 1\n"));
	assert_non_null(strstr(t, "\nexhibit_agent_enrolled 1\n"));
	assert_non_null(strstr(t, "\n# TYPE exhibit_agent_last_push_success_"
	    "timestamp_seconds gauge\nexhibit_agent_last_push_success_"
	    "timestamp_seconds 1700000000\n"));
	assert_non_null(strstr(t, "\nexhibit_agent_last_push_timestamp_seconds "
	    "1700000100\n"));
	assert_non_null(strstr(t, "\nexhibit_agent_last_collection_success 0\n"));
	assert_non_null(strstr(t, "\nexhibit_agent_spool_items 3\n"));
	assert_non_null(strstr(t, "\nexhibit_agent_spool_bytes 4096\n"));
	/* Unknown times are absent, not 0. */
	assert_null(strstr(t, "exhibit_agent_cert_expiry_timestamp_seconds"));
	assert_null(strstr(t, "exhibit_agent_spool_oldest_timestamp_seconds"));
	assert_null(strstr(t, "exhibit_agent_next_collection"));
	assert_int_equal(t[strlen(t) - 1], '\n');
	free(t);

	s.collect_result = "ok: seq 9 spooled";
	t = agent_status_textfile(&s);
	assert_non_null(strstr(t, "\nexhibit_agent_last_collection_success 1\n"));
	free(t);
}

static void
test_textfile_written_atomically(void **state)
{
	struct agent_status	 s;
	struct stat		 sb;
	char			*path, *buf, *want;
	size_t			 len;

	memset(&s, 0, sizeof(s));
	s.version = "1";
	s.spool_count = 5;
	path = xasprintf("%s/exhibit_agent.prom", dir);
	assert_int_equal(agent_status_write_textfile(&s, path), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0644);
	assert_int_equal(fileio_read_path(path, 65536, &buf, &len), 0);
	want = agent_status_textfile(&s);
	assert_string_equal(buf, want);
	assert_int_equal(fileio_count_entries(dir), 1);	/* no temporary */
	free(buf);
	free(want);
	free(path);

	path = xasprintf("%s/missing/x.prom", dir);
	assert_int_equal(agent_status_write_textfile(&s, path), -1);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_push_ok_survives_failures,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_collect_recorded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_read_and_json,
		    setup, teardown),
		cmocka_unit_test(test_textfile_format),
		cmocka_unit_test_setup_teardown(test_textfile_written_atomically,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
