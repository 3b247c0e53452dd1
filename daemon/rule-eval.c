/*
 * Evaluating rules against one evidence document.  Three-valued: a
 * condition passes, fails, or is an error, and an error never turns into
 * a pass on the way up (doc/rules.md, "Combinators").  Every leaf records
 * what it looked at, so a result can show the observed values and the
 * files they came from beside the expected condition.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fnmatch.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonutil.h"
#include "rule-int.h"
#include "timefmt.h"
#include "version.h"
#include "xmalloc.h"

#define OBSERVED_MAX	16
#define SOURCES_MAX	16

enum tri {
	T_PASS,
	T_FAIL,
	T_ERROR
};

struct hint {
	struct json_object	*source;	/* "path:line", "default", [..] */
	struct json_object	*line;
};

/* What every rule needs from the document, worked out once. */
struct docctx {
	struct json_object	*doc;
	struct json_object	*sections;	/* the document's, or NULL */
	enum version_scheme	 scheme;	/* the host's package manager */
	time_t			 collected_at;	/* 0: not in the document */
	struct json_object	*files;		/* path -> source record,
						   built when first needed */
};

struct eval {
	struct docctx		*ctx;
	struct json_object	*doc;
	struct json_object	*sections;
	enum version_scheme	 scheme;
	time_t			 collected_at;
	struct json_object	*observed;
	int			 truncated;
	int			 quiet;		/* inside a count's where */
	struct hint		*hints;
	size_t			 nhints;
	struct strv		 touched;	/* sections read */
	char			*message;	/* the first error */
};

static enum tri cond_eval(struct eval *, const struct cond *,
    struct json_object *root, const char *prefix, const char *key);

static void eval_error(struct eval *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
eval_error(struct eval *ev, const char *fmt, ...)
{
	va_list	 ap;

	if (ev->message != NULL || ev->quiet)
		return;
	va_start(ap, fmt);
	if (vasprintf(&ev->message, fmt, ap) == -1)
		ev->message = NULL;
	va_end(ap);
}

static int
is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double);
}

static void
observe(struct eval *ev, const char *path, struct json_object *value,
    int missing)
{
	struct json_object	*o;
	const char		*p;
	size_t			 i, n;

	if (ev->quiet)
		return;
	/* all(exists; <= 365; > 0) looks at one value three times. */
	n = json_object_array_length(ev->observed);
	for (i = 0; i < n; i++)
		if (jsonutil_get_string(json_object_array_get_idx(ev->observed,
		    i), "path", &p) == 0 && strcmp(p, path) == 0)
			return;
	if (n >= OBSERVED_MAX) {
		ev->truncated = 1;
		return;
	}
	o = json_object_new_object();
	jsonutil_set_string(o, "path", path);
	if (missing)
		jsonutil_set_bool(o, "missing", 1);
	else
		jsonutil_set(o, "value", json_object_get(value));
	json_object_array_add(ev->observed, o);
}

static void
remember_source(struct eval *ev, struct json_object *source,
    struct json_object *line)
{
	size_t	 i;

	if (source == NULL || ev->quiet)
		return;
	for (i = 0; i < ev->nhints; i++)
		if (ev->hints[i].source == source && ev->hints[i].line == line)
			return;
	ev->hints = xreallocarray(ev->hints, ev->nhints + 1,
	    sizeof(*ev->hints));
	ev->hints[ev->nhints].source = source;
	ev->hints[ev->nhints].line = line;
	ev->nhints++;
}

/* Compare two scalars of one type: <0, 0, >0; -2 when they have none. */
static int
scalar_cmp(struct json_object *a, struct json_object *b)
{
	double	 x, y;

	if (a == NULL || b == NULL)
		return a == b ? 0 : -2;
	if (is_number(a) && is_number(b)) {
		if (json_object_is_type(a, json_type_int) &&
		    json_object_is_type(b, json_type_int)) {
			int64_t i = json_object_get_int64(a);
			int64_t j = json_object_get_int64(b);
			return i < j ? -1 : i > j;
		}
		x = json_object_get_double(a);
		y = json_object_get_double(b);
		return x < y ? -1 : x > y;
	}
	if (json_object_get_type(a) != json_object_get_type(b))
		return -2;
	if (json_object_is_type(a, json_type_string))
		return strcmp(json_object_get_string(a),
		    json_object_get_string(b));
	if (json_object_is_type(a, json_type_boolean))
		return json_object_get_boolean(a) - json_object_get_boolean(b);
	return -2;
}

static enum tri
cmp_result(enum cond_op op, int c)
{
	int	 ok = 0;

	switch (op) {
	case OP_EQ: case OP_VERSION_EQ:	ok = c == 0; break;
	case OP_NE:			ok = c != 0; break;
	case OP_LT: case OP_VERSION_LT: case OP_AGE_LT:	ok = c < 0; break;
	case OP_LE: case OP_VERSION_LE: case OP_AGE_LE:	ok = c <= 0; break;
	case OP_GT: case OP_VERSION_GT: case OP_AGE_GT:	ok = c > 0; break;
	case OP_GE: case OP_VERSION_GE: case OP_AGE_GE:	ok = c >= 0; break;
	default:			break;
	}
	return ok ? T_PASS : T_FAIL;
}

static int
version_cmp(enum version_scheme scheme, const char *a, const char *b)
{
	switch (scheme) {
	case SCHEME_RPM:	return version_cmp_rpm(a, b);
	case SCHEME_APK:	return version_cmp_apk(a, b);
	default:		return version_cmp_dpkg(a, b);
	}
}

/* One selected value against a leaf's operator. */
static enum tri
leaf_one(struct eval *ev, const struct cond *c, const struct rpath_match *m)
{
	struct json_object	*v = m->value, *e;
	enum version_scheme	 scheme;
	size_t			 i, n;
	long long		 age;
	time_t			 t;
	int			 r;

	if (m->missing) {
		if (c->op == OP_EXISTS)
			return T_FAIL;
		if (c->op == OP_ABSENT)
			return T_PASS;
		eval_error(ev, "no value at %s: the evidence does not say",
		    m->path);
		return T_ERROR;
	}
	switch (c->op) {
	case OP_EXISTS:
		return v != NULL ? T_PASS : T_FAIL;
	case OP_ABSENT:
		return v == NULL ? T_PASS : T_FAIL;
	case OP_EQ:
	case OP_NE:
		/* null is "no value": unequal to anything but null. */
		if (v == NULL || c->value == NULL)
			return cmp_result(c->op, v == c->value ? 0 : 1);
		if ((r = scalar_cmp(v, c->value)) == -2)
			break;
		return cmp_result(c->op, r);
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		if (!is_number(v))
			break;
		return cmp_result(c->op, scalar_cmp(v, c->value));
	case OP_IN:
	case OP_NOT_IN:
		e = json_object_array_get_idx(c->value, 0);
		if (v == NULL || scalar_cmp(v, e) == -2)
			break;
		n = json_object_array_length(c->value);
		for (i = 0; i < n; i++)
			if (scalar_cmp(v, json_object_array_get_idx(c->value,
			    i)) == 0)
				return c->op == OP_IN ? T_PASS : T_FAIL;
		return c->op == OP_IN ? T_FAIL : T_PASS;
	case OP_MATCHES:
		if (!json_object_is_type(v, json_type_string))
			break;
		return regexec(&c->re, json_object_get_string(v), 0, NULL, 0)
		    == 0 ? T_PASS : T_FAIL;
	case OP_VERSION_LT: case OP_VERSION_LE: case OP_VERSION_GT:
	case OP_VERSION_GE: case OP_VERSION_EQ:
		if (!json_object_is_type(v, json_type_string))
			break;
		scheme = c->scheme != SCHEME_AUTO ? c->scheme : ev->scheme;
		if (scheme == SCHEME_AUTO) {
			eval_error(ev, "cannot order versions at %s: the "
			    "evidence names no package manager (dpkg, rpm or "
			    "apk)", m->path);
			return T_ERROR;
		}
		return cmp_result(c->op, version_cmp(scheme,
		    json_object_get_string(v),
		    json_object_get_string(c->value)));
	case OP_AGE_LT: case OP_AGE_LE: case OP_AGE_GT: case OP_AGE_GE:
		if (!json_object_is_type(v, json_type_string))
			break;
		if (timefmt_parse_rfc3339(json_object_get_string(v), &t) ==
		    -1) {
			eval_error(ev, "%s is not an RFC 3339 time", m->path);
			return T_ERROR;
		}
		/* Ages count to when the evidence was collected, so a
		 * document judged again later gives the same answer. */
		if (ev->collected_at == 0) {
			eval_error(ev, "cannot age %s: the document has no "
			    "collected_at", m->path);
			return T_ERROR;
		}
		age = (long long)(ev->collected_at - t);
		return cmp_result(c->op, age < c->age ? -1 : age > c->age);
	default:
		break;
	}
	eval_error(ev, "type mismatch at %s: it is %s, the rule compares "
	    "with %s", m->path, jsonutil_type_name(v), c->op == OP_MATCHES ||
	    (c->op >= OP_VERSION_LT && c->op <= OP_VERSION_EQ) ||
	    (c->op >= OP_AGE_LT && c->op <= OP_AGE_GE) ? "a string" :
	    jsonutil_type_name(c->op == OP_IN || c->op == OP_NOT_IN ?
	    json_object_array_get_idx(c->value, 0) : c->value));
	return T_ERROR;
}

/* A document path into a section the document does not carry proves
 * nothing, whatever the operator: the agent did not look. */
static int
section_present(struct eval *ev, const struct rpath *p)
{
	const char	*name;

	if ((name = rpath_section(p)) == NULL)
		return 1;
	if (!strv_has(&ev->touched, name))
		strv_add(&ev->touched, name);
	if (ev->sections != NULL &&
	    json_object_object_get_ex(ev->sections, name, NULL))
		return 1;
	eval_error(ev, "section %s is not in this document: the agent did "
	    "not collect it", name);
	return 0;
}

static enum tri
leaf_eval(struct eval *ev, const struct cond *c, struct json_object *root,
    const char *prefix, const char *key)
{
	struct rpath_result	 res;
	enum tri		 t, out;
	size_t			 i;
	int			 seen_pass = 0, seen_fail = 0, seen_err = 0;

	if (prefix != NULL && *prefix == '\0' && !section_present(ev,
	    &c->path))
		return T_ERROR;
	rpath_select(&c->path, root, ev->quiet ? NULL : prefix, key, &res);
	if (res.type_error != NULL) {
		eval_error(ev, "unexpected evidence shape: %s", res.type_error);
		rpath_result_free(&res);
		return T_ERROR;
	}
	if (res.n == 0) {
		/* An existing, empty array: every one of none holds. */
		observe(ev, c->path.text, NULL, 0);
		rpath_result_free(&res);
		return c->match_any ? T_FAIL : T_PASS;
	}
	for (i = 0; i < res.n; i++) {
		observe(ev, res.m[i].path, res.m[i].value, res.m[i].missing);
		remember_source(ev, res.m[i].source, res.m[i].line);
		t = leaf_one(ev, c, &res.m[i]);
		seen_pass |= t == T_PASS;
		seen_fail |= t == T_FAIL;
		seen_err |= t == T_ERROR;
	}
	rpath_result_free(&res);
	if (c->match_any)
		out = seen_pass ? T_PASS : seen_err ? T_ERROR : T_FAIL;
	else
		out = seen_fail ? T_FAIL : seen_err ? T_ERROR : T_PASS;
	return out;
}

static enum tri
count_eval(struct eval *ev, const struct cond *c, struct json_object *root,
    const char *prefix, const char *key)
{
	struct rpath_result	 res;
	struct json_object	*v, *o, *matched = NULL, *cnt, *elem;
	struct json_object_iterator it, end;
	const char		*name;
	char			*at;
	size_t			 i, n, count = 0;
	enum tri		 t, out = T_PASS;
	int			 want = !ev->quiet, isarr;

	if (prefix != NULL && *prefix == '\0' && !section_present(ev,
	    &c->path))
		return T_ERROR;
	rpath_select(&c->path, root, want ? prefix : NULL, key, &res);
	if (res.type_error != NULL) {
		eval_error(ev, "unexpected evidence shape: %s", res.type_error);
		rpath_result_free(&res);
		return T_ERROR;
	}
	if (res.m[0].missing || (v = res.m[0].value) == NULL) {
		observe(ev, res.m[0].path, NULL, 1);
		eval_error(ev, "nothing to count at %s: the evidence does not "
		    "say", res.m[0].path);
		rpath_result_free(&res);
		return T_ERROR;
	}
	remember_source(ev, res.m[0].source, res.m[0].line);
	isarr = json_object_is_type(v, json_type_array);
	if (!isarr && !json_object_is_type(v, json_type_object)) {
		eval_error(ev, "cannot count %s: it is %s, not an array or "
		    "object", res.m[0].path, jsonutil_type_name(v));
		rpath_result_free(&res);
		return T_ERROR;
	}
	if (want)
		matched = json_object_new_array();
	n = 0;
	if (isarr)
		n = json_object_array_length(v);
	else {
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
	}
	/* Elements are judged without paths: only the ones that count,
	 * and an error, are written out. */
	for (i = 0; out != T_ERROR && (isarr ? i < n :
	    !json_object_iter_equal(&it, &end)); i++) {
		if (isarr) {
			elem = json_object_array_get_idx(v, i);
			name = NULL;
		} else {
			elem = json_object_iter_peek_value(&it);
			name = json_object_iter_peek_name(&it);
			json_object_iter_next(&it);
		}
		ev->quiet++;
		t = c->where == NULL ? T_PASS : cond_eval(ev, c->where, elem,
		    NULL, name);
		ev->quiet--;
		if (t == T_FAIL)
			continue;
		if (t == T_PASS)
			count++;
		if (!want || (t == T_PASS &&
		    json_object_array_length(matched) >= OBSERVED_MAX))
			goto next;
		at = name != NULL ? xasprintf("%s[\"%s\"]", res.m[0].path,
		    name) : xasprintf("%s[%zu]", res.m[0].path, i);
		if (t == T_PASS)
			json_object_array_add(matched,
			    json_object_new_string(at));
		else
			eval_error(ev, "cannot judge %s against %s", at,
			    c->where->text);
		free(at);
next:
		if (t == T_ERROR)
			out = T_ERROR;
	}
	if (want && json_object_array_length(ev->observed) < OBSERVED_MAX) {
		o = json_object_new_object();
		jsonutil_set_string(o, "path", res.m[0].path);
		jsonutil_set_int64(o, "count", (int64_t)count);
		jsonutil_set(o, "matched", matched);
		json_object_array_add(ev->observed, o);
	} else
		json_object_put(matched);
	rpath_result_free(&res);
	if (out == T_ERROR)
		return T_ERROR;
	cnt = json_object_new_int64((int64_t)count);
	t = cmp_result(c->op, scalar_cmp(cnt, c->value));
	json_object_put(cnt);
	return t;
}

static enum tri
cond_eval(struct eval *ev, const struct cond *c, struct json_object *root,
    const char *prefix, const char *key)
{
	enum tri	 t;
	size_t		 i;
	int		 seen_pass = 0, seen_fail = 0, seen_err = 0;

	switch (c->kind) {
	case COND_LEAF:
		return leaf_eval(ev, c, root, prefix, key);
	case COND_COUNT:
		return count_eval(ev, c, root, prefix, key);
	case COND_NOT:
		t = cond_eval(ev, c->kids[0], root, prefix, key);
		return t == T_PASS ? T_FAIL : t == T_FAIL ? T_PASS : T_ERROR;
	case COND_ALL:
	case COND_ANY:
		/* Every part runs, so the result shows everything looked at. */
		for (i = 0; i < c->nkids; i++) {
			t = cond_eval(ev, c->kids[i], root, prefix, key);
			seen_pass |= t == T_PASS;
			seen_fail |= t == T_FAIL;
			seen_err |= t == T_ERROR;
		}
		if (c->kind == COND_ALL)
			return seen_fail ? T_FAIL : seen_err ? T_ERROR : T_PASS;
		return seen_pass ? T_PASS : seen_err ? T_ERROR : T_FAIL;
	}
	return T_ERROR;
}

/* --- sources ---------------------------------------------------------------- */

/* The agent's record of a file: {"path", "sha256"?, "status"?}.  Every
 * section's sources go into one index the first time a rule needs one. */
static struct json_object *
section_source(struct eval *ev, const char *path)
{
	struct docctx		*ctx = ev->ctx;
	struct json_object	*list, *e, *rec;
	const char		*p;
	size_t			 j, n;

	if (ctx->files == NULL) {
		ctx->files = json_object_new_object();
		if (ctx->sections != NULL) {
			json_object_object_foreach(ctx->sections, name, sec) {
				(void)name;
				if (jsonutil_get_array(sec, "sources",
				    &list) == -1)
					continue;
				n = json_object_array_length(list);
				for (j = 0; j < n; j++) {
					e = json_object_array_get_idx(list, j);
					if (jsonutil_get_string(e, "path",
					    &p) == 0 && !json_object_object_get_ex(
					    ctx->files, p, NULL))
						jsonutil_set(ctx->files, p,
						    json_object_get(e));
				}
			}
		}
	}
	return json_object_object_get_ex(ctx->files, path, &rec) ? rec : NULL;
}

static int
sources_has(struct json_object *out, const char *path, int64_t line)
{
	struct json_object	*e;
	const char		*p;
	int64_t			 l;
	size_t			 i, n;

	n = json_object_array_length(out);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(out, i);
		if (jsonutil_get_string(e, "path", &p) == 0 &&
		    strcmp(p, path) == 0 && (jsonutil_get_int64(e, "line",
		    &l) == -1 ? 0 : l) == line)
			return 1;
	}
	return 0;
}

static void
sources_add(struct eval *ev, struct json_object *out, const char *path,
    int64_t line)
{
	struct json_object	*o, *rec;
	const char		*s;

	if (json_object_array_length(out) >= SOURCES_MAX ||
	    sources_has(out, path, line))
		return;
	o = json_object_new_object();
	jsonutil_set_string(o, "path", path);
	if (line > 0)
		jsonutil_set_int64(o, "line", line);
	if ((rec = section_source(ev, path)) != NULL) {
		if (jsonutil_get_string(rec, "sha256", &s) == 0)
			jsonutil_set_string(o, "sha256", s);
		else if (jsonutil_get_string(rec, "status", &s) == 0)
			jsonutil_set_string(o, "status", s);
	}
	json_object_array_add(out, o);
}

/* "path:line", "path" or "default" */
static void
sources_add_text(struct eval *ev, struct json_object *out, const char *text,
    int64_t line)
{
	const char	*colon;
	char		*path, *end;
	long		 l;

	if ((colon = strrchr(text, ':')) != NULL && colon[1] != '\0') {
		l = strtol(colon + 1, &end, 10);
		if (*end == '\0' && l > 0) {
			path = xstrndup(text, (size_t)(colon - text));
			sources_add(ev, out, path, l);
			free(path);
			return;
		}
	}
	sources_add(ev, out, text, line);
}

/* The files the sections a rule read list: those matching patterns, or
 * with no patterns every one the agent read (it has a sha256). */
static void
sources_add_files(struct eval *ev, struct json_object *out,
    const struct strv *patterns)
{
	struct json_object	*sec, *list, *e;
	const char		*p;
	size_t			 i, j, k, n;

	for (i = 0; i < ev->touched.n; i++) {
		if (ev->sections == NULL || !json_object_object_get_ex(
		    ev->sections, ev->touched.v[i], &sec) ||
		    jsonutil_get_array(sec, "sources", &list) == -1)
			continue;
		n = json_object_array_length(list);
		for (j = 0; j < n; j++) {
			e = json_object_array_get_idx(list, j);
			if (jsonutil_get_string(e, "path", &p) == -1)
				continue;
			if (patterns == NULL) {
				if (json_object_object_get_ex(e, "sha256",
				    NULL))
					sources_add(ev, out, p, 0);
				continue;
			}
			for (k = 0; k < patterns->n; k++)
				if (fnmatch(patterns->v[k], p, 0) == 0)
					sources_add(ev, out, p, 0);
		}
	}
}

static struct json_object *
result_sources(struct eval *ev, const struct rule *r)
{
	struct json_object	*out, *src, *x;
	size_t			 i, j, n;

	out = json_object_new_array();
	if (r->sources.n > 0) {
		sources_add_files(ev, out, &r->sources);
		/* Patterns that name nothing the agent read fall back to
		 * the automatic choice rather than cite no file. */
		if (json_object_array_length(out) > 0)
			return out;
	}
	for (i = 0; i < ev->nhints; i++) {
		src = ev->hints[i].source;
		if (!json_object_is_type(src, json_type_array)) {
			sources_add_text(ev, out, json_object_get_string(src),
			    ev->hints[i].line != NULL ?
			    json_object_get_int64(ev->hints[i].line) : 0);
			continue;
		}
		n = json_object_array_length(src);
		for (j = 0; j < n; j++) {
			x = json_object_array_get_idx(src, j);
			if (json_object_is_type(x, json_type_string))
				sources_add_text(ev, out,
				    json_object_get_string(x), 0);
		}
	}
	/* Nothing more precise: every file the sections read. */
	if (json_object_array_length(out) == 0)
		sources_add_files(ev, out, NULL);
	return out;
}

/*
 * A collector error about a file this result cites (about its line, when
 * the result cites a line) means the value may not be what the host
 * runs with: the result is an error, quoting it.
 */
static const char *
collector_error(struct eval *ev, struct json_object *sources)
{
	struct json_object	*errors, *e, *s;
	const char		*sec, *msg, *path;
	char			*prefix;
	size_t			 i, j, n, ns;
	int64_t			 line;
	int			 hit;

	if (!json_object_object_get_ex(ev->doc, "errors", &errors) ||
	    !json_object_is_type(errors, json_type_array))
		return NULL;
	n = json_object_array_length(errors);
	ns = json_object_array_length(sources);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(errors, i);
		if (jsonutil_get_string(e, "section", &sec) == -1 ||
		    jsonutil_get_string(e, "message", &msg) == -1 ||
		    !strv_has(&ev->touched, sec))
			continue;
		for (j = 0; j < ns; j++) {
			s = json_object_array_get_idx(sources, j);
			if (jsonutil_get_string(s, "path", &path) == -1)
				continue;
			if (jsonutil_get_int64(s, "line", &line) == 0)
				prefix = xasprintf("%s:%lld:", path,
				    (long long)line);
			else
				prefix = xasprintf("%s:", path);
			hit = strncmp(msg, prefix, strlen(prefix)) == 0;
			free(prefix);
			if (hit)
				return msg;
		}
	}
	return NULL;
}

/* The first collector error of a section the rule read, to explain
 * missing evidence. */
static const char *
section_error(struct eval *ev)
{
	struct json_object	*errors, *e;
	const char		*sec, *msg;
	size_t			 i, n;

	if (!json_object_object_get_ex(ev->doc, "errors", &errors) ||
	    !json_object_is_type(errors, json_type_array))
		return NULL;
	n = json_object_array_length(errors);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(errors, i);
		if (jsonutil_get_string(e, "section", &sec) == 0 &&
		    jsonutil_get_string(e, "message", &msg) == 0 &&
		    strv_has(&ev->touched, sec))
			return msg;
	}
	return NULL;
}

static void
docctx_init(struct docctx *ctx, struct json_object *doc)
{
	struct json_object	*pk, *data;
	const char		*mgr;

	memset(ctx, 0, sizeof(*ctx));
	ctx->doc = doc;
	if (!json_object_object_get_ex(doc, "sections", &ctx->sections) ||
	    !json_object_is_type(ctx->sections, json_type_object))
		ctx->sections = NULL;
	ctx->scheme = SCHEME_AUTO;
	if (jsonutil_get_string(doc, "collected_at", &mgr) == 0 &&
	    timefmt_parse_rfc3339(mgr, &ctx->collected_at) == -1)
		ctx->collected_at = 0;
	if (ctx->sections != NULL &&
	    json_object_object_get_ex(ctx->sections, "packages", &pk) &&
	    jsonutil_get_object(pk, "data", &data) == 0 &&
	    jsonutil_get_string(data, "manager", &mgr) == 0) {
		if (strcmp(mgr, "dpkg") == 0)
			ctx->scheme = SCHEME_DPKG;
		else if (strcmp(mgr, "rpm") == 0)
			ctx->scheme = SCHEME_RPM;
		else if (strcmp(mgr, "apk") == 0)
			ctx->scheme = SCHEME_APK;
	}
}

static void
docctx_clear(struct docctx *ctx)
{
	json_object_put(ctx->files);
}

static void
eval_init(struct eval *ev, struct docctx *ctx)
{
	memset(ev, 0, sizeof(*ev));
	ev->ctx = ctx;
	ev->doc = ctx->doc;
	ev->sections = ctx->sections;
	ev->scheme = ctx->scheme;
	ev->collected_at = ctx->collected_at;
	ev->observed = json_object_new_array();
}

static void
eval_clear(struct eval *ev)
{
	json_object_put(ev->observed);
	free(ev->hints);
	strv_free(&ev->touched);
	free(ev->message);
}

static struct json_object *
rule_judge(const struct rule *r, struct docctx *ctx)
{
	struct json_object	*doc = ctx->doc;
	struct json_object	*res, *sources;
	struct eval		 ev;
	enum tri		 t = T_PASS;
	enum rule_status	 status;
	const char		*cerr, *serr;
	char			*msg = NULL;

	eval_init(&ev, ctx);
	if (r->applies_when != NULL) {
		t = cond_eval(&ev, r->applies_when, doc, "", NULL);
		if (t == T_FAIL)
			msg = xasprintf("does not apply: %s does not hold",
			    r->applies_when->text);
	}
	if (t == T_PASS) {
		/* What applies_when looked at is not what the check shows. */
		eval_clear(&ev);
		eval_init(&ev, ctx);
		t = cond_eval(&ev, r->check, doc, "", NULL);
	}
	status = t == T_PASS ? RULE_PASS : t == T_FAIL ? RULE_FAIL :
	    RULE_ERROR;
	if (msg != NULL)
		status = RULE_NOT_APPLICABLE;
	sources = result_sources(&ev, r);
	if (status != RULE_ERROR && status != RULE_NOT_APPLICABLE &&
	    (cerr = collector_error(&ev, sources)) != NULL) {
		status = RULE_ERROR;
		msg = xasprintf("the collector reported a problem with the "
		    "file this value comes from: %s", cerr);
	} else if (status == RULE_ERROR) {
		serr = section_error(&ev);
		msg = xasprintf("%s%s%s", ev.message != NULL ? ev.message :
		    "cannot be judged", serr != NULL ? "; the collector "
		    "reported: " : "", serr != NULL ? serr : "");
	}

	res = json_object_new_object();
	jsonutil_set_string(res, "rule", r->info.id);
	jsonutil_set_string(res, "status", rule_status_str(status));
	jsonutil_set_string(res, "expected", r->check->text);
	jsonutil_set(res, "observed", json_object_get(ev.observed));
	if (ev.truncated)
		jsonutil_set_bool(res, "observed_truncated", 1);
	jsonutil_set(res, "sources", sources);
	if (msg != NULL)
		jsonutil_set_string(res, "message", msg);
	free(msg);
	eval_clear(&ev);
	return res;
}

struct json_object *
ruleset_evaluate(const struct ruleset *set, struct json_object *doc)
{
	struct json_object	*out;
	size_t			 i;

	struct docctx		 ctx;

	docctx_init(&ctx, doc);
	out = json_object_new_array_ext((int)set->nrules);
	for (i = 0; i < set->nrules; i++)
		json_object_array_add(out, rule_judge(&set->rules[i], &ctx));
	docctx_clear(&ctx);
	return out;
}

struct json_object *
ruleset_evaluate_some(const struct ruleset *set, struct json_object *doc,
    const size_t *idx, size_t n)
{
	struct json_object	*out;
	struct docctx		 ctx;
	size_t			 i;

	docctx_init(&ctx, doc);
	out = json_object_new_array_ext((int)(n > 0 ? n : 1));
	for (i = 0; i < n; i++)
		if (idx[i] < set->nrules)
			json_object_array_add(out, rule_judge(
			    &set->rules[idx[i]], &ctx));
	docctx_clear(&ctx);
	return out;
}

/* rooted: c's paths start at the document (a count's where is relative
 * to the element counted). */
static int
cond_timed(const struct cond *c, int rooted)
{
	size_t	i;

	if (c == NULL)
		return 0;
	if (c->kind == COND_LEAF && c->op >= OP_AGE_LT && c->op <= OP_AGE_GE)
		return 1;
	if (rooted && (c->kind == COND_LEAF || c->kind == COND_COUNT) &&
	    c->path.nsteps > 0 && c->path.steps[0].kind == STEP_KEY &&
	    c->path.steps[0].key != NULL &&
	    strcmp(c->path.steps[0].key, "sections") != 0)
		return 1;	/* outside the sections: seq, collected_at... */
	if (cond_timed(c->where, 0))
		return 1;
	for (i = 0; i < c->nkids; i++)
		if (cond_timed(c->kids[i], rooted))
			return 1;
	return 0;
}

int
ruleset_rule_timed(const struct ruleset *set, size_t i)
{
	return i < set->nrules && (cond_timed(set->rules[i].applies_when, 1) ||
	    cond_timed(set->rules[i].check, 1));
}

static const char *const rule_status_names[RULE_NSTATUS] = {
	"pass", "not_applicable", "error", "fail", "waived"
};

const char *
rule_status_str(enum rule_status s)
{
	return s < RULE_NSTATUS ? rule_status_names[s] : "unknown";
}

int
rule_status_parse(const char *s, enum rule_status *out)
{
	int	 i;

	for (i = 0; i < RULE_NSTATUS; i++)
		if (strcmp(rule_status_names[i], s) == 0) {
			*out = (enum rule_status)i;
			return 0;
		}
	return -1;
}
