/*
 * Allocation that never returns NULL: running out of memory is fatal, so
 * callers need no error path for it.
 */
#ifndef EXHIBIT_XMALLOC_H
#define EXHIBIT_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
/* Room for element n of an array that holds n: the allocation doubles at
 * each power of two, so appending one at a time stays linear. */
void	*xgrowarray(void *, size_t n, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 freezero(void *, size_t);	/* wipe, then free: for secrets */

#endif
