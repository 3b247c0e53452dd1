/*
 * A growable array of owned strings, for the lists parsers keep (files
 * read, include stacks, names seen).
 */
#ifndef EXHIBIT_STRV_H
#define EXHIBIT_STRV_H

#include <stddef.h>

#include <json-c/json.h>

struct strv {
	char	**v;
	size_t	  n;
};

void	strv_add(struct strv *, const char *);
void	strv_free(struct strv *);
int	strv_has(const struct strv *, const char *);

/* A JSON array of the strings, in order. */
struct json_object *strv_json(const struct strv *);

#endif
