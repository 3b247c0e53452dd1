/*
 * Paths into evidence documents: "sections.sshd.data.effective.x.value",
 * "a[0]", "a[-1]", "a[*]", "a[\"net.ipv4.ip_forward\"]", and inside a
 * count "@" and "@key".  Selecting remembers, for every value, the nearest
 * "source" or "file" member on the way down: collectors put them beside
 * the values they read from a file, which is how a result names its file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonutil.h"
#include "rule-int.h"
#include "xmalloc.h"

static void	rpath_result_free_matches(struct rpath_result *);

static int
rpath_is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

static void
rpath_push(struct rpath *p, enum rpath_step_kind kind, char *key, long index)
{
	p->steps = xreallocarray(p->steps, p->nsteps + 1, sizeof(*p->steps));
	p->steps[p->nsteps].kind = kind;
	p->steps[p->nsteps].key = key;
	p->steps[p->nsteps].index = index;
	p->nsteps++;
	if (kind == STEP_ALL)
		p->multi = 1;
}

static void
utf8_put(char **out, size_t *len, unsigned int cp)
{
	char	*o = *out + *len;

	if (cp < 0x80) {
		o[0] = (char)cp;
		*len += 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		*len += 2;
	} else {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		*len += 3;
	}
}

/* A JSON string starting at *s (on the quote); the key, allocated, and *s
 * past the closing quote.  NULL on a malformed string. */
static char *
rpath_quoted(const char **s, char *err, size_t errlen)
{
	const char	*p = *s + 1;
	char		*out;
	size_t		 len = 0;
	unsigned int	 cp;
	int		 i;

	/* Escapes never grow: \uXXXX is six bytes for at most three. */
	out = xmalloc(strlen(p) + 1);
	while (*p != '"') {
		if (*p == '\0') {
			snprintf(err, errlen, "unterminated quoted name");
			goto fail;
		}
		if ((unsigned char)*p < 0x20) {
			snprintf(err, errlen, "control character in a quoted "
			    "name");
			goto fail;
		}
		if (*p != '\\') {
			out[len++] = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/':
			out[len++] = *p;
			break;
		case 'b': out[len++] = '\b'; break;
		case 'f': out[len++] = '\f'; break;
		case 'n': out[len++] = '\n'; break;
		case 'r': out[len++] = '\r'; break;
		case 't': out[len++] = '\t'; break;
		case 'u':
			cp = 0;
			for (i = 1; i <= 4; i++) {
				if (!isxdigit((unsigned char)p[i])) {
					snprintf(err, errlen, "bad \\u escape "
					    "in a quoted name");
					goto fail;
				}
				cp = cp * 16 + (unsigned int)(isdigit(
				    (unsigned char)p[i]) ? p[i] - '0' :
				    (tolower((unsigned char)p[i]) - 'a' + 10));
			}
			if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
				snprintf(err, errlen, "\\u%04x is not allowed "
				    "in a name", cp);
				goto fail;
			}
			utf8_put(&out, &len, cp);
			p += 4;
			break;
		default:
			snprintf(err, errlen, "bad escape \\%c in a quoted name",
			    *p ? *p : '0');
			goto fail;
		}
		p++;
	}
	out[len] = '\0';
	*s = p + 1;
	return out;
fail:
	free(out);
	return NULL;
}

int
rpath_parse(const char *text, int relative, struct rpath *p, char *err,
    size_t errlen)
{
	const char	*s = text, *start;
	char		*key, *end;
	long		 index;
	int		 first = 1;

	memset(p, 0, sizeof(*p));
	p->text = xstrdup(text);
	if (*s == '\0') {
		snprintf(err, errlen, "empty path");
		goto fail;
	}
	if (*s == '@') {
		if (!relative) {
			snprintf(err, errlen, "\"@\" is only allowed in a "
			    "count's where");
			goto fail;
		}
		if (strcmp(s, "@key") == 0) {
			rpath_push(p, STEP_KEYNAME, NULL, 0);
			return 0;
		}
		rpath_push(p, STEP_SELF, NULL, 0);
		s++;
		first = 0;
		if (*s == '\0')
			return 0;
		if (*s != '.' && *s != '[') {
			snprintf(err, errlen, "\"@\" must be alone or be "
			    "followed by \".\" or \"[\"");
			goto fail;
		}
	}
	while (*s != '\0') {
		if (*s == '[') {
			s++;
			if (*s == '*' && s[1] == ']') {
				rpath_push(p, STEP_ALL, NULL, 0);
				s += 2;
			} else if (*s == '"') {
				if ((key = rpath_quoted(&s, err, errlen)) ==
				    NULL)
					goto fail;
				if (*s != ']') {
					free(key);
					snprintf(err, errlen, "expected \"]\" "
					    "after a quoted name");
					goto fail;
				}
				rpath_push(p, STEP_KEY, key, 0);
				s++;
			} else if (*s == '-' || isdigit((unsigned char)*s)) {
				index = strtol(s, &end, 10);
				if (end == s || *end != ']' ||
				    (*s == '-' && index == 0) ||
				    index > 1000000 || index < -1000000) {
					snprintf(err, errlen, "bad array index "
					    "at \"%s\"", s - 1);
					goto fail;
				}
				rpath_push(p, STEP_INDEX, NULL, index);
				s = end + 1;
			} else {
				snprintf(err, errlen, "expected a number, \"*\" "
				    "or a quoted name after \"[\" at \"%s\"",
				    s - 1);
				goto fail;
			}
		} else {
			if (!first) {
				if (*s != '.') {
					snprintf(err, errlen, "expected \".\" or "
					    "\"[\" at \"%s\"", s);
					goto fail;
				}
				s++;
			}
			start = s;
			while (rpath_is_name_char((unsigned char)*s))
				s++;
			if (s == start) {
				snprintf(err, errlen, "expected a name at "
				    "\"%s\" (quote other names: "
				    "a[\"x.y\"])", start);
				goto fail;
			}
			rpath_push(p, STEP_KEY, xstrndup(start,
			    (size_t)(s - start)), 0);
		}
		first = 0;
	}
	return 0;
fail:
	rpath_free(p);
	return -1;
}

void
rpath_free(struct rpath *p)
{
	size_t	 i;

	for (i = 0; i < p->nsteps; i++)
		free(p->steps[i].key);
	free(p->steps);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

/* Whether a step counts from the end: the concrete path then differs
 * from the written one. */
static int
rpath_has_negative(const struct rpath *p)
{
	size_t	 i;

	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == STEP_INDEX && p->steps[i].index < 0)
			return 1;
	return 0;
}

const char *
rpath_section(const struct rpath *p)
{
	if (p->nsteps >= 2 && p->steps[0].kind == STEP_KEY &&
	    strcmp(p->steps[0].key, "sections") == 0 &&
	    p->steps[1].kind == STEP_KEY)
		return p->steps[1].key;
	return NULL;
}

/* --- selecting ------------------------------------------------------------ */

/*
 * The walk keeps the concrete steps taken on a stack and writes the path
 * out only for the values it selects (and only when the caller wants
 * paths): most lookups reach one value, and building a string at every
 * step was most of their cost.
 */
#define WALK_MAX_DEPTH	64
#define SEG_ALL		LONG_MIN	/* "[*]" over nothing */

struct walk_seg {
	const char	*key;		/* NULL: an index */
	long		 idx;
};

struct rpath_walk {
	const struct rpath	*path;
	struct rpath_result	*res;
	const char		*key;
	const char		*prefix;	/* NULL: no paths wanted */
	struct walk_seg		 segs[WALK_MAX_DEPTH];
	size_t			 depth;
};

static char *
rpath_join_key(const char *prefix, const char *key)
{
	struct json_object	*q;
	const char		*k;
	char			*out;

	for (k = key; *k != '\0' && rpath_is_name_char((unsigned char)*k); k++)
		;
	if (*k == '\0' && *key != '\0')
		return xasprintf("%s%s%s", prefix, *prefix ? "." : "", key);
	/* Other names are written as the path syntax reads them. */
	q = json_object_new_string(key);
	out = xasprintf("%s[%s]", prefix, json_object_to_json_string_ext(q,
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(q);
	return out;
}

/* The concrete path of the current position. */
static char *
rpath_render(const struct rpath_walk *w)
{
	char	*out, *next;
	size_t	 i;

	out = xstrdup(w->prefix != NULL ? w->prefix : "");
	for (i = 0; i < w->depth; i++) {
		if (w->segs[i].key != NULL)
			next = rpath_join_key(out, w->segs[i].key);
		else if (w->segs[i].idx == SEG_ALL)
			next = xasprintf("%s[*]", out);
		else
			next = xasprintf("%s[%ld]", out, w->segs[i].idx);
		free(out);
		out = next;
	}
	return out;
}

static void
rpath_add(struct rpath_walk *w, struct json_object *v, int missing,
    struct json_object *source, struct json_object *line)
{
	struct rpath_result	*r = w->res;
	struct rpath_match	*m;

	r->m = xreallocarray(r->m, r->n + 1, sizeof(*r->m));
	m = &r->m[r->n++];
	m->value = v;
	m->missing = missing;
	/* A path without [*] names exactly what it selected. */
	if (w->prefix == NULL)
		m->path = NULL;
	else if (!w->path->multi && *w->prefix == '\0' && !missing &&
	    !rpath_has_negative(w->path))
		m->path = xstrdup(w->path->text);
	else
		m->path = rpath_render(w);
	m->source = source;
	m->line = line;
}

static void
rpath_shape(struct rpath_walk *w, struct json_object *v, const char *want)
{
	char	*at = rpath_render(w);

	w->res->type_error = xasprintf("%s is %s, not %s", *at ? at :
	    "the document", jsonutil_type_name(v), want);
	free(at);
}

static void
rpath_push_seg(struct rpath_walk *w, const char *key, long idx)
{
	w->segs[w->depth].key = key;
	w->segs[w->depth].idx = idx;
	w->depth++;
}

static void
rpath_walk(struct rpath_walk *w, size_t step, struct json_object *v,
    struct json_object *source, struct json_object *line)
{
	const struct rpath_step	*s;
	struct json_object	*sub, *x;
	struct json_object_iterator it, end;
	size_t			 i, n;
	long			 idx;

	if (w->res->type_error != NULL)
		return;
	/* Collectors put "source" (or "file" and "line") beside values. */
	if (json_object_is_type(v, json_type_object)) {
		if (json_object_object_get_ex(v, "source", &x) &&
		    (json_object_is_type(x, json_type_string) ||
		    json_object_is_type(x, json_type_array))) {
			source = x;
			line = NULL;
		} else if (json_object_object_get_ex(v, "file", &x) &&
		    json_object_is_type(x, json_type_string)) {
			source = x;
			line = NULL;
			if (json_object_object_get_ex(v, "line", &x) &&
			    json_object_is_type(x, json_type_int))
				line = x;
		}
	}
	if (step == w->path->nsteps) {
		rpath_add(w, v, 0, source, line);
		return;
	}
	if (w->depth == WALK_MAX_DEPTH) {
		w->res->type_error = xstrdup("the path goes too deep");
		return;
	}
	s = &w->path->steps[step];
	switch (s->kind) {
	case STEP_SELF:
		rpath_walk(w, step + 1, v, source, line);
		return;
	case STEP_KEYNAME:
		sub = json_object_new_string(w->key != NULL ? w->key : "");
		/* The name lives as long as the result: keep it there. */
		w->res->keyname = sub;
		rpath_add(w, w->key != NULL ? sub : NULL, w->key == NULL,
		    source, line);
		return;
	case STEP_KEY:
		if (v != NULL && !json_object_is_type(v, json_type_object)) {
			rpath_shape(w, v, "an object");
			return;
		}
		rpath_push_seg(w, s->key, 0);
		if (v == NULL || !json_object_object_get_ex(v, s->key, &sub) ||
		    (sub == NULL && step + 1 < w->path->nsteps))
			/* Missing, or null on the way down: nothing below. */
			rpath_add(w, NULL, 1, source, line);
		else
			rpath_walk(w, step + 1, sub, source, line);
		w->depth--;
		return;
	case STEP_INDEX:
		if (v != NULL && !json_object_is_type(v, json_type_array)) {
			rpath_shape(w, v, "an array");
			return;
		}
		n = v != NULL ? json_object_array_length(v) : 0;
		idx = s->index < 0 ? (long)n + s->index : s->index;
		if (v == NULL || idx < 0 || (size_t)idx >= n) {
			rpath_push_seg(w, NULL, s->index);
			rpath_add(w, NULL, 1, source, line);
		} else {
			rpath_push_seg(w, NULL, idx);
			rpath_walk(w, step + 1, json_object_array_get_idx(v,
			    (size_t)idx), source, line);
		}
		w->depth--;
		return;
	case STEP_ALL:
		if (v == NULL) {
			rpath_push_seg(w, NULL, SEG_ALL);
			rpath_add(w, NULL, 1, source, line);
			w->depth--;
		} else if (json_object_is_type(v, json_type_array)) {
			n = json_object_array_length(v);
			for (i = 0; i < n; i++) {
				rpath_push_seg(w, NULL, (long)i);
				rpath_walk(w, step + 1,
				    json_object_array_get_idx(v, i), source,
				    line);
				w->depth--;
			}
		} else if (json_object_is_type(v, json_type_object)) {
			it = json_object_iter_begin(v);
			end = json_object_iter_end(v);
			for (; !json_object_iter_equal(&it, &end);
			    json_object_iter_next(&it)) {
				rpath_push_seg(w,
				    json_object_iter_peek_name(&it), 0);
				rpath_walk(w, step + 1,
				    json_object_iter_peek_value(&it), source,
				    line);
				w->depth--;
			}
		} else
			rpath_shape(w, v, "an array or object");
		return;
	}
}

void
rpath_select(const struct rpath *p, struct json_object *root,
    const char *prefix, const char *key, struct rpath_result *res)
{
	struct rpath_walk	 w;

	memset(res, 0, sizeof(*res));
	w.path = p;
	w.res = res;
	w.key = key;
	w.prefix = prefix;
	w.depth = 0;
	rpath_walk(&w, 0, root, NULL, NULL);
	/* A shape error judges the whole path. */
	if (res->type_error != NULL)
		rpath_result_free_matches(res);
}

static void
rpath_result_free_matches(struct rpath_result *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		free(r->m[i].path);
	free(r->m);
	r->m = NULL;
	r->n = 0;
}

void
rpath_result_free(struct rpath_result *r)
{
	rpath_result_free_matches(r);
	free(r->type_error);
	if (r->keyname != NULL)
		json_object_put(r->keyname);
	memset(r, 0, sizeof(*r));
}
