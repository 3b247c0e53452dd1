/*
 * Temporary directories for unit tests, header-only so that any test can
 * include it without a build change.
 */
#ifndef EXHIBIT_TEST_TMPDIR_H
#define EXHIBIT_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#include "xmalloc.h"

/* Remove dir and everything below it: 0, or -1 (the test fails). */
static inline int
tmpdir_remove(const char *dir)
{
	char	*cmd = xasprintf("rm -rf '%s'", dir);
	int	 rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

#endif
