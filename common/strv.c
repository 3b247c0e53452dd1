/*
 * String vectors.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "strv.h"
#include "xmalloc.h"

void
strv_add(struct strv *l, const char *str)
{
	l->v = xgrowarray(l->v, l->n, sizeof(*l->v));
	l->v[l->n++] = xstrdup(str);
}

void
strv_free(struct strv *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
strv_has(const struct strv *l, const char *str)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], str) == 0)
			return 1;
	}
	return 0;
}

struct json_object *
strv_json(const struct strv *l)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < l->n; i++)
		json_object_array_add(a, json_object_new_string(l->v[i]));
	return a;
}
