/* Unit tests for common/xmalloc.c. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

/* Under AddressSanitizer a failed malloc must return NULL, as it does in
 * production, rather than abort inside the sanitizer. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static void
test_allocations(void **state)
{
	char	*p, *q;
	int	*a;

	p = xmalloc(16);
	memset(p, 'x', 16);
	p = xrealloc(p, 64);
	assert_int_equal(p[15], 'x');
	free(p);

	a = xcalloc(8, sizeof(*a));
	assert_int_equal(a[7], 0);
	a = xreallocarray(a, 16, sizeof(*a));
	free(a);

	p = xstrdup("evidence");
	assert_string_equal(p, "evidence");
	q = xstrndup(p, 4);
	assert_string_equal(q, "evid");
	free(q);
	freezero(p, strlen(p));
	freezero(NULL, 10);

	p = xasprintf("%s-%d", "seq", 42);
	assert_string_equal(p, "seq-42");
	free(p);
}

/* Run f in a child; it must end the process with status 1. */
static void
assert_fatal(void (*f)(void))
{
	pid_t	pid;
	int	status;

	if ((pid = fork()) == 0) {
		log_init("t", 0, LOG_DEST_STDERR);
		freopen("/dev/null", "w", stderr);
		f();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
}

static void
overflow(void)
{
	xreallocarray(NULL, SIZE_MAX / 2, 3);
}

static void
zero(void)
{
	xmalloc(0);
}

static void
huge(void)
{
	xmalloc((size_t)1 << 46);	/* 64 TiB: more than any test machine */
}

static void
test_failures_are_fatal(void **state)
{
	assert_fatal(overflow);
	assert_fatal(zero);
	assert_fatal(huge);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allocations),
		cmocka_unit_test(test_failures_are_fatal),
	};

	return cmocka_run_group_tests_name("xmalloc", tests, NULL, NULL);
}
