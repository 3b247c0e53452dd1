/* Unit tests for agent/agent-state.c: seq, permissions, acks, the cache. */
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

#include "agent-state.h"
#include "fileio.h"
#include "tmpdir.h"
#include "xmalloc.h"

static char	dir[64];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/test-agent-state.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static struct agent_state *
open_ok(const char *d)
{
	struct agent_state	*st;
	char			 err[256];

	st = agent_state_open(d, 1, err, sizeof(err));
	if (st == NULL)
		fail_msg("agent_state_open: %s", err);
	return st;
}

static void
test_seq_persists_and_grows(void **state)
{
	struct agent_state	*st;
	struct stat		 sb;
	char			*sd, *path, *buf;
	size_t			 len;
	uint64_t		 seq, prev = 0;
	int			 i;

	sd = xasprintf("%s/state", dir);
	st = open_ok(sd);
	assert_int_equal(stat(sd, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(agent_state_seq(st), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(agent_state_next_seq(st, &seq), 0);
		assert_true(seq > prev);
		prev = seq;
	}
	assert_int_equal(seq, 5);
	/* On disk before it is returned, 0600. */
	path = xasprintf("%s/seq", sd);
	assert_int_equal(fileio_read_path(path, 64, &buf, &len), 0);
	assert_string_equal(buf, "5\n");
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(buf);
	agent_state_close(st);

	/* A new process continues after the last seq, never reuses one. */
	st = open_ok(sd);
	assert_int_equal(agent_state_seq(st), 5);
	assert_int_equal(agent_state_next_seq(st, &seq), 0);
	assert_int_equal(seq, 6);
	agent_state_close(st);

	/* A corrupt seq file is refused rather than guessed. */
	assert_int_equal(fileio_write_atomic(path, "x7\n", 3, 0600), 0);
	{
		char	err[256];

		assert_null(agent_state_open(sd, 0, err, sizeof(err)));
		assert_non_null(strstr(err, "seq: corrupt"));
	}
	free(path);
	free(sd);
}

static void
test_permissions_refused(void **state)
{
	struct agent_state	*st;
	char			*sd, *file, err[256];

	sd = xasprintf("%s/perm", dir);
	/* Missing and not to be created: an error that says why. */
	assert_null(agent_state_open(sd, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "enroll"));

	assert_int_equal(mkdir(sd, 0700), 0);
	assert_int_equal(chmod(sd, 0770), 0);
	assert_null(agent_state_open(sd, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "writable by group or others"));
	assert_int_equal(chmod(sd, 0702), 0);
	assert_null(agent_state_open(sd, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "writable by group or others"));
	/* Readable by others is the operator's choice; writable is not. */
	assert_int_equal(chmod(sd, 0755), 0);
	st = open_ok(sd);
	agent_state_close(st);

	file = xasprintf("%s/file", dir);
	assert_int_equal(fileio_write_atomic(file, "x", 1, 0600), 0);
	assert_null(agent_state_open(file, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "not a directory"));
	free(file);
	free(sd);
}

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static void
test_ack_and_cache(void **state)
{
	struct agent_state	*st;
	const char		*doc5 = "{\"seq\":5,\"sections\":{"
	    "\"host\":{\"digest\":\"" D1 "\",\"sources\":[],\"data\":{}},"
	    "\"sshd\":{\"digest\":\"" D2 "\",\"unchanged_since\":3}}}";
	const char		*doc4 = "{\"seq\":4,\"sections\":{"
	    "\"host\":{\"digest\":\"" D3 "\",\"sources\":[],\"data\":{}}}}";
	char			*sd, *text, err[256];
	uint64_t		 since;

	sd = xasprintf("%s/ack", dir);
	st = open_ok(sd);
	assert_int_equal(agent_state_acked(st, "host", D1, &since), 0);
	assert_int_equal(agent_state_ack(st, doc5, strlen(doc5), err,
	    sizeof(err)), 0);
	assert_int_equal(agent_state_acked_seq(st), 5);
	assert_int_equal(agent_state_acked(st, "host", D1, &since), 1);
	assert_int_equal(since, 5);
	assert_int_equal(agent_state_acked(st, "sshd", D2, &since), 1);
	assert_int_equal(since, 3);
	/* Another section's digest, or another digest: not acknowledged. */
	assert_int_equal(agent_state_acked(st, "sshd", D1, &since), 0);
	assert_int_equal(agent_state_acked(st, "kernel", D1, &since), 0);
	/* An older acknowledgement does not roll the set back. */
	assert_int_equal(agent_state_ack(st, doc4, strlen(doc4), err,
	    sizeof(err)), 0);
	assert_int_equal(agent_state_acked(st, "host", D1, &since), 1);
	assert_int_equal(agent_state_ack(st, "{}", 2, err, sizeof(err)), -1);

	agent_state_cache_put(st, "host", D1, "{\"digest\":\"" D1 "\"}");
	agent_state_cache_put(st, "host", D3, "{\"digest\":\"" D3 "\"}");
	agent_state_cache_put(st, "host", "sha256:../../x", "{}");
	agent_state_set_push(st, 1000, "ok");
	agent_state_close(st);

	/* All of it survives a restart. */
	st = open_ok(sd);
	assert_int_equal(agent_state_acked_seq(st), 5);
	assert_int_equal(agent_state_acked(st, "sshd", D2, &since), 1);
	assert_int_equal(since, 3);
	text = agent_state_cache_get(st, D3);
	assert_non_null(text);
	free(text);
	assert_null(agent_state_cache_get(st, "sha256:../../x"));
	/* Pruning keeps only acknowledged digests. */
	assert_int_equal(agent_state_cache_prune(st), 0);
	assert_null(agent_state_cache_get(st, D3));
	text = agent_state_cache_get(st, D1);
	assert_non_null(text);
	assert_string_equal(text, "{\"digest\":\"" D1 "\"}");
	free(text);
	{
		time_t		 when;
		const char	*result;

		assert_int_equal(agent_state_push(st, &when, &result), 0);
		assert_int_equal(when, 1000);
		assert_string_equal(result, "ok");
	}
	assert_int_equal(agent_state_enrolled(st), 0);
	assert_int_equal(agent_state_save_identity(st, "ag_1",
	    "https://x:8443"), 0);
	agent_state_close(st);
	st = open_ok(sd);
	assert_string_equal(agent_state_agent_id(st), "ag_1");
	assert_string_equal(agent_state_server(st), "https://x:8443");
	/* No key and certificate yet: not enrolled. */
	assert_int_equal(agent_state_enrolled(st), 0);
	agent_state_close(st);
	free(sd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_persists_and_grows),
		cmocka_unit_test(test_permissions_refused),
		cmocka_unit_test(test_ack_and_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
