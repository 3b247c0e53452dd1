/*
 * Loading rule packs: every problem in every file is reported, as
 * "FILE: RULE-ID: MESSAGE", before the load fails, so one run of
 * exhibitd -n shows everything to fix.  A rule set is all or nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "controls.h"
#include "digest.h"
#include "fileio.h"
#include "jsonutil.h"
#include "log.h"
#include "rule-int.h"
#include "timefmt.h"
#include "xmalloc.h"

#define RULES_MAX_FILE	(16 * 1024 * 1024)

struct load {
	const char	*file;
	const char	*rule;		/* id, or "-" before one is known */
	int		 errors;
};

static void load_error(struct load *, const char *where, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
load_error(struct load *ld, const char *where, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (where != NULL && *where != '\0')
		log_warnx("%s: %s: %s: %s", ld->file, ld->rule, where, msg);
	else
		log_warnx("%s: %s: %s", ld->file, ld->rule, msg);
	ld->errors++;
}

static const struct {
	const char	*name;
	enum cond_op	 op;
	const char	*symbol;
} cond_ops[] = {
	{ "eq", OP_EQ, "==" },
	{ "ne", OP_NE, "!=" },
	{ "lt", OP_LT, "<" },
	{ "le", OP_LE, "<=" },
	{ "gt", OP_GT, ">" },
	{ "ge", OP_GE, ">=" },
	{ "in", OP_IN, "in" },
	{ "not_in", OP_NOT_IN, "not in" },
	{ "matches", OP_MATCHES, "matches" },
	{ "exists", OP_EXISTS, "exists" },
	{ "absent", OP_ABSENT, "is absent" },
	{ "version_lt", OP_VERSION_LT, "<" },
	{ "version_le", OP_VERSION_LE, "<=" },
	{ "version_gt", OP_VERSION_GT, ">" },
	{ "version_ge", OP_VERSION_GE, ">=" },
	{ "version_eq", OP_VERSION_EQ, "==" },
	{ "age_lt", OP_AGE_LT, "<" },
	{ "age_le", OP_AGE_LE, "<=" },
	{ "age_gt", OP_AGE_GT, ">" },
	{ "age_ge", OP_AGE_GE, ">=" },
	{ "count", OP_COUNT, "count" },
};
#define NOPS	(sizeof(cond_ops) / sizeof(cond_ops[0]))

const char *
cond_op_symbol(enum cond_op op)
{
	size_t	 i;

	for (i = 0; i < NOPS; i++)
		if (cond_ops[i].op == op)
			return cond_ops[i].symbol;
	return "?";
}

static int
cond_op_parse(const char *name, enum cond_op *op)
{
	size_t	 i;

	for (i = 0; i < NOPS; i++)
		if (strcmp(cond_ops[i].name, name) == 0) {
			*op = cond_ops[i].op;
			return 0;
		}
	return -1;
}

static int
is_version_op(enum cond_op op)
{
	return op >= OP_VERSION_LT && op <= OP_VERSION_EQ;
}

static int
is_age_op(enum cond_op op)
{
	return op >= OP_AGE_LT && op <= OP_AGE_GE;
}

static int
is_order_op(enum cond_op op)
{
	return op >= OP_LT && op <= OP_GE;
}

static const char *
json_text(struct json_object *v)
{
	return json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

void
cond_free(struct cond *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	rpath_free(&c->path);
	json_object_put(c->value);
	if (c->has_re)
		regfree(&c->re);
	cond_free(c->where);
	for (i = 0; i < c->nkids; i++)
		cond_free(c->kids[i]);
	free(c->kids);
	free(c->text);
	free(c);
}

/* Whether every member of obj is one of the allowed keys; reports the
 * first one that is not. */
static int
keys_allowed(struct load *ld, const char *where, struct json_object *obj,
    const char *const *allowed)
{
	size_t	 i;
	int	 ok = 1;

	json_object_object_foreach(obj, key, val) {
		(void)val;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] == NULL) {
			load_error(ld, where, "unknown key \"%s\"", key);
			ok = 0;
		}
	}
	return ok;
}

static int
value_is_scalar(struct json_object *v)
{
	return v == NULL || json_object_is_type(v, json_type_string) ||
	    json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double) ||
	    json_object_is_type(v, json_type_boolean);
}

static int
value_is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double);
}

/* The value a leaf needs for its operator, checked now so evaluation
 * only meets type problems that come from the evidence. */
static int
cond_check_value(struct load *ld, const char *where, struct cond *c,
    int has_value)
{
	struct json_object	*e;
	size_t			 i, n;
	json_type		 t;
	char			 buf[256];
	int			 rc;

	if (c->op == OP_EXISTS || c->op == OP_ABSENT) {
		if (has_value) {
			load_error(ld, where, "\"%s\" takes no value",
			    cond_op_symbol(c->op));
			return -1;
		}
		return 0;
	}
	if (!has_value) {
		load_error(ld, where, "\"value\" is missing");
		return -1;
	}
	if (c->op == OP_EQ || c->op == OP_NE) {
		if (!value_is_scalar(c->value)) {
			load_error(ld, where, "eq and ne compare with a number, "
			    "string, boolean or null");
			return -1;
		}
	} else if (is_order_op(c->op) || c->op == OP_COUNT) {
		if (!value_is_number(c->value)) {
			load_error(ld, where, "this comparison needs a number, "
			    "not %s", json_text(c->value));
			return -1;
		}
	} else if (c->op == OP_IN || c->op == OP_NOT_IN) {
		if (!json_object_is_type(c->value, json_type_array) ||
		    (n = json_object_array_length(c->value)) == 0) {
			load_error(ld, where, "in and not_in need a non-empty "
			    "array");
			return -1;
		}
		t = json_object_get_type(json_object_array_get_idx(c->value,
		    0));
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(c->value, i);
			if (e == NULL || !value_is_scalar(e) ||
			    (json_object_get_type(e) != t &&
			    !(value_is_number(e) && (t == json_type_int ||
			    t == json_type_double)))) {
				load_error(ld, where, "the array for in and "
				    "not_in must hold numbers, strings or "
				    "booleans, all of one type");
				return -1;
			}
		}
	} else if (is_age_op(c->op)) {
		if (!json_object_is_type(c->value, json_type_string) ||
		    timefmt_parse_duration(json_object_get_string(c->value),
		    &c->age) == -1) {
			load_error(ld, where, "an age comparison takes a "
			    "duration such as \"7d\", not %s",
			    json_text(c->value));
			return -1;
		}
	} else if (c->op == OP_MATCHES || is_version_op(c->op)) {
		if (!json_object_is_type(c->value, json_type_string)) {
			load_error(ld, where, "%s needs a string",
			    c->op == OP_MATCHES ? "matches" :
			    "a version comparison");
			return -1;
		}
		if (c->op == OP_MATCHES) {
			rc = regcomp(&c->re, json_object_get_string(c->value),
			    REG_EXTENDED | REG_NOSUB);
			if (rc != 0) {
				regerror(rc, &c->re, buf, sizeof(buf));
				load_error(ld, where, "bad regex %s: %s",
				    json_text(c->value), buf);
				return -1;
			}
			c->has_re = 1;
		}
	}
	return 0;
}

static char *
cond_leaf_text(const struct cond *c)
{
	const char	*quant = c->path.multi && c->match_any ? "some " : "";

	switch (c->op) {
	case OP_EXISTS:
	case OP_ABSENT:
		return xasprintf("%s%s %s", quant, c->path.text,
		    cond_op_symbol(c->op));
	case OP_MATCHES:
		return xasprintf("%s%s matches /%s/", quant, c->path.text,
		    json_object_get_string(c->value));
	case OP_AGE_LT: case OP_AGE_LE: case OP_AGE_GT: case OP_AGE_GE:
		return xasprintf("%sage of %s %s %s", quant, c->path.text,
		    cond_op_symbol(c->op), json_object_get_string(c->value));
	case OP_VERSION_LT: case OP_VERSION_LE: case OP_VERSION_GT:
	case OP_VERSION_GE: case OP_VERSION_EQ:
		return xasprintf("%sversion %s %s %s%s", quant, c->path.text,
		    cond_op_symbol(c->op), json_text(c->value),
		    c->scheme == SCHEME_DPKG ? " (dpkg order)" :
		    c->scheme == SCHEME_RPM ? " (rpm order)" :
		    c->scheme == SCHEME_APK ? " (apk order)" : "");
	default:
		return xasprintf("%s%s %s %s", quant, c->path.text,
		    cond_op_symbol(c->op), json_text(c->value));
	}
}

static struct cond *cond_parse(struct load *, const char *where,
    struct json_object *, int relative, int depth);

static struct cond *
cond_parse_group(struct load *ld, const char *where, struct json_object *obj,
    const char *kw, int relative, int depth)
{
	static const char *const allowed[] = { "all", "any", "not", NULL };
	struct cond		*c, *kid;
	struct json_object	*arr;
	char			*sub, *text;
	size_t			 i, n, len, pos;
	int			 bad = 0;

	if (json_object_object_length(obj) != 1) {
		keys_allowed(ld, where, obj, allowed);
		load_error(ld, where, "\"%s\" must be alone in its object", kw);
		return NULL;
	}
	json_object_object_get_ex(obj, kw, &arr);
	c = xcalloc(1, sizeof(*c));
	if (strcmp(kw, "not") == 0) {
		c->kind = COND_NOT;
		sub = xasprintf("%s%snot", where, *where ? "." : "");
		kid = cond_parse(ld, sub, arr, relative, depth + 1);
		free(sub);
		if (kid == NULL) {
			cond_free(c);
			return NULL;
		}
		c->kids = xmalloc(sizeof(*c->kids));
		c->kids[0] = kid;
		c->nkids = 1;
		c->text = xasprintf("not(%s)", kid->text);
		return c;
	}
	c->kind = strcmp(kw, "all") == 0 ? COND_ALL : COND_ANY;
	if (!json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0) {
		load_error(ld, where, "\"%s\" needs a non-empty array of "
		    "conditions", kw);
		cond_free(c);
		return NULL;
	}
	c->kids = xcalloc(n, sizeof(*c->kids));
	len = strlen(kw) + 3;
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s%s%s[%zu]", where, *where ? "." : "", kw, i);
		kid = cond_parse(ld, sub, json_object_array_get_idx(arr, i),
		    relative, depth + 1);
		free(sub);
		if (kid == NULL) {
			bad = 1;
			continue;
		}
		c->kids[c->nkids++] = kid;
		len += strlen(kid->text) + 2;
	}
	if (bad) {
		cond_free(c);
		return NULL;
	}
	text = xmalloc(len);
	pos = (size_t)snprintf(text, len, "%s(", kw);
	for (i = 0; i < c->nkids; i++)
		pos += (size_t)snprintf(text + pos, len - pos, "%s%s",
		    i > 0 ? "; " : "", c->kids[i]->text);
	snprintf(text + pos, len - pos, ")");
	c->text = text;
	return c;
}

static struct cond *
cond_parse(struct load *ld, const char *where, struct json_object *obj,
    int relative, int depth)
{
	static const char *const leaf_keys[] = { "path", "op", "value",
	    "match", "scheme", NULL };
	static const char *const count_keys[] = { "path", "op", "where", "cmp",
	    "value", NULL };
	struct cond		*c;
	struct json_object	*v;
	const char		*s, *kw;
	char			 err[256], *sub;
	int			 has_value;

	if (depth > 16) {
		load_error(ld, where, "conditions nest more than 16 deep");
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		load_error(ld, where, "a condition is an object");
		return NULL;
	}
	for (kw = NULL, s = "all"; s != NULL;
	    s = strcmp(s, "all") == 0 ? "any" :
	    strcmp(s, "any") == 0 ? "not" : NULL)
		if (json_object_object_get_ex(obj, s, NULL))
			kw = s;
	if (kw != NULL)
		return cond_parse_group(ld, where, obj, kw, relative, depth);

	c = xcalloc(1, sizeof(*c));
	c->kind = COND_LEAF;
	if (jsonutil_get_string(obj, "op", &s) == -1) {
		load_error(ld, where, "a condition needs \"op\" (or \"all\", "
		    "\"any\", \"not\")");
		goto fail;
	}
	if (cond_op_parse(s, &c->op) == -1) {
		load_error(ld, where, "unknown operator \"%s\"", s);
		goto fail;
	}
	if (!keys_allowed(ld, where, obj, c->op == OP_COUNT ? count_keys :
	    leaf_keys))
		goto fail;
	if (jsonutil_get_string(obj, "path", &s) == -1) {
		load_error(ld, where, "\"path\" is missing or not a string");
		goto fail;
	}
	if (rpath_parse(s, relative, &c->path, err, sizeof(err)) == -1) {
		load_error(ld, where, "bad path \"%s\": %s", s, err);
		goto fail;
	}
	has_value = json_object_object_get_ex(obj, "value", &v);
	c->value = json_object_get(v);

	if (c->op == OP_COUNT) {
		c->kind = COND_COUNT;
		if (c->path.multi) {
			load_error(ld, where, "count's path names one array or "
			    "object, without [*]");
			goto fail;
		}
		if (jsonutil_get_string(obj, "cmp", &s) == -1 ||
		    cond_op_parse(s, &c->op) == -1 || (!is_order_op(c->op) &&
		    c->op != OP_EQ && c->op != OP_NE)) {
			load_error(ld, where, "count needs \"cmp\": one of eq, "
			    "ne, lt, le, gt, ge");
			goto fail;
		}
		if (!has_value || !json_object_is_type(c->value,
		    json_type_int) || json_object_get_int64(c->value) < 0) {
			load_error(ld, where, "count compares with a "
			    "non-negative whole number");
			goto fail;
		}
		if (json_object_object_get_ex(obj, "where", &v)) {
			sub = xasprintf("%s%swhere", where, *where ? "." : "");
			c->where = cond_parse(ld, sub, v, 1, depth + 1);
			free(sub);
			if (c->where == NULL)
				goto fail;
			c->text = xasprintf("count(%s where %s) %s %s",
			    c->path.text, c->where->text,
			    cond_op_symbol(c->op), json_text(c->value));
		} else
			c->text = xasprintf("count(%s) %s %s", c->path.text,
			    cond_op_symbol(c->op), json_text(c->value));
		return c;
	}

	if (json_object_object_get_ex(obj, "match", &v)) {
		s = json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : "";
		if (strcmp(s, "any") == 0)
			c->match_any = 1;
		else if (strcmp(s, "all") != 0) {
			load_error(ld, where, "\"match\" is \"all\" or \"any\"");
			goto fail;
		}
		if (!c->path.multi) {
			load_error(ld, where, "\"match\" needs a path with "
			    "[*]");
			goto fail;
		}
	}
	if (json_object_object_get_ex(obj, "scheme", &v)) {
		s = json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : "";
		if (!is_version_op(c->op)) {
			load_error(ld, where, "\"scheme\" is for version "
			    "comparisons");
			goto fail;
		}
		if (strcmp(s, "dpkg") == 0)
			c->scheme = SCHEME_DPKG;
		else if (strcmp(s, "rpm") == 0)
			c->scheme = SCHEME_RPM;
		else if (strcmp(s, "apk") == 0)
			c->scheme = SCHEME_APK;
		else {
			load_error(ld, where, "\"scheme\" is dpkg, rpm or apk");
			goto fail;
		}
	}
	if (cond_check_value(ld, where, c, has_value) == -1)
		goto fail;
	c->text = cond_leaf_text(c);
	return c;
fail:
	cond_free(c);
	return NULL;
}

/* --- rules ------------------------------------------------------------------ */

static int
controls_parse(struct load *ld, struct json_object *controls)
{
	struct json_object	*ids, *id;
	size_t			 i, n;
	int			 ok = 1;

	if (!json_object_is_type(controls, json_type_object)) {
		load_error(ld, NULL, "\"controls\" is an object of "
		    "framework -> [control ids]");
		return -1;
	}
	if (!json_object_object_get_ex(controls, "iso27001:2022", NULL)) {
		load_error(ld, NULL, "\"controls\" needs \"iso27001:2022\"");
		ok = 0;
	}
	json_object_object_foreach(controls, fw, val) {
		ids = val;
		if (!controls_framework_known(fw)) {
			load_error(ld, NULL, "unknown framework \"%s\"", fw);
			ok = 0;
			continue;
		}
		if (!json_object_is_type(ids, json_type_array) ||
		    (n = json_object_array_length(ids)) == 0) {
			load_error(ld, NULL, "controls \"%s\" needs a "
			    "non-empty array of ids", fw);
			ok = 0;
			continue;
		}
		for (i = 0; i < n; i++) {
			id = json_object_array_get_idx(ids, i);
			if (!json_object_is_type(id, json_type_string) ||
			    controls_find(fw, json_object_get_string(id)) ==
			    NULL) {
				load_error(ld, NULL, "unknown %s control %s",
				    fw, json_text(id));
				ok = 0;
			}
		}
	}
	return ok ? 0 : -1;
}

static int
id_valid(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return 0;
	return 1;
}

static int
rule_parse(struct load *ld, struct json_object *obj, struct rule *r)
{
	static const char *const allowed[] = { "id", "title", "description",
	    "rationale", "remediation", "severity", "controls", "applies_when",
	    "sources", "check", NULL };
	static const char *const text_keys[] = { "title", "description",
	    "rationale", "remediation", NULL };
	const char		**slots[4];
	struct json_object	*v, *e;
	const char		*s;
	size_t			 i, n;
	int			 ok = 1;

	memset(r, 0, sizeof(*r));
	if (!json_object_is_type(obj, json_type_object)) {
		load_error(ld, NULL, "a rule is an object");
		return -1;
	}
	r->json = json_object_get(obj);
	if (jsonutil_get_string(obj, "id", &r->info.id) == -1 ||
	    !id_valid(r->info.id)) {
		load_error(ld, NULL, "\"id\" is missing or not "
		    "[A-Za-z0-9._-]+ (64 characters at most)");
		return -1;
	}
	ld->rule = r->info.id;
	if (!keys_allowed(ld, NULL, obj, allowed))
		ok = 0;
	slots[0] = &r->info.title;
	slots[1] = &r->info.description;
	slots[2] = &r->info.rationale;
	slots[3] = &r->info.remediation;
	for (i = 0; text_keys[i] != NULL; i++)
		if (jsonutil_get_string(obj, text_keys[i], slots[i]) == -1 ||
		    *slots[i][0] == '\0') {
			load_error(ld, NULL, "\"%s\" is missing or empty",
			    text_keys[i]);
			ok = 0;
		}
	if (jsonutil_get_string(obj, "severity", &s) == -1 ||
	    (strcmp(s, "low") != 0 && strcmp(s, "medium") != 0 &&
	    strcmp(s, "high") != 0 && strcmp(s, "critical") != 0)) {
		load_error(ld, NULL, "\"severity\" is low, medium, high or "
		    "critical");
		ok = 0;
	} else
		r->info.severity = s;
	if (!json_object_object_get_ex(obj, "controls", &v)) {
		load_error(ld, NULL, "\"controls\" is missing");
		ok = 0;
	} else if (controls_parse(ld, v) == -1)
		ok = 0;
	else
		r->info.controls = v;
	if (json_object_object_get_ex(obj, "sources", &v)) {
		if (!json_object_is_type(v, json_type_array) ||
		    (n = json_object_array_length(v)) == 0) {
			load_error(ld, NULL, "\"sources\" is a non-empty array "
			    "of file patterns");
			ok = 0;
		} else
			for (i = 0; i < n; i++) {
				e = json_object_array_get_idx(v, i);
				if (!json_object_is_type(e, json_type_string) ||
				    json_object_get_string(e)[0] != '/') {
					load_error(ld, NULL, "\"sources\" "
					    "patterns are absolute paths");
					ok = 0;
					break;
				}
				strv_add(&r->sources,
				    json_object_get_string(e));
			}
	}
	if (json_object_object_get_ex(obj, "applies_when", &v) &&
	    (r->applies_when = cond_parse(ld, "applies_when", v, 0, 0)) ==
	    NULL)
		ok = 0;
	if (!json_object_object_get_ex(obj, "check", &v)) {
		load_error(ld, NULL, "\"check\" is missing");
		ok = 0;
	} else if ((r->check = cond_parse(ld, "check", v, 0, 0)) == NULL)
		ok = 0;
	return ok ? 0 : -1;
}

static void
rule_clear(struct rule *r)
{
	cond_free(r->applies_when);
	cond_free(r->check);
	strv_free(&r->sources);
	json_object_put(r->json);
	memset(r, 0, sizeof(*r));
}

/* --- packs ------------------------------------------------------------------ */

static int
pack_parse(struct ruleset *set, const char *file, const char *buf,
    size_t len)
{
	static const char *const allowed[] = { "pack", "version",
	    "description", "rules", NULL };
	struct load		 ld = { file, "-", 0 };
	struct json_object	*root, *rules;
	struct pack		*p;
	struct rule		 r;
	const char		*name, *version;
	char			 err[256], hex[DIGEST_SHA256_HEXLEN];
	size_t			 i, n, line;

	if ((root = jsonutil_parse(buf, len, err, sizeof(err))) == NULL) {
		line = jsonutil_error_line(buf, len, err);
		if (line > 0)
			log_warnx("%s:%zu: %s", file, line, err);
		else
			log_warnx("%s: %s", file, err);
		return -1;
	}
	if (!json_object_is_type(root, json_type_object)) {
		load_error(&ld, NULL, "a rule pack is a JSON object");
		json_object_put(root);
		return -1;
	}
	keys_allowed(&ld, NULL, root, allowed);
	if (jsonutil_get_string(root, "pack", &name) == -1 || !id_valid(name)) {
		load_error(&ld, NULL, "\"pack\" (the pack's name, "
		    "[A-Za-z0-9._-]+) is missing");
		name = NULL;
	}
	if (jsonutil_get_string(root, "version", &version) == -1 ||
	    *version == '\0') {
		load_error(&ld, NULL, "\"version\" is missing");
		version = NULL;
	}
	for (i = 0; name != NULL && i < set->npacks; i++)
		if (strcmp(set->packs[i].name, name) == 0)
			load_error(&ld, NULL, "pack \"%s\" is also loaded from "
			    "%s", name, set->packs[i].path);
	if (jsonutil_get_array(root, "rules", &rules) == -1 ||
	    (n = json_object_array_length(rules)) == 0) {
		load_error(&ld, NULL, "\"rules\" is missing or empty");
		n = 0;
	}

	set->packs = xreallocarray(set->packs, set->npacks + 1,
	    sizeof(*set->packs));
	p = &set->packs[set->npacks];
	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++) {
		ld.rule = "-";
		if (rule_parse(&ld, json_object_array_get_idx(rules, i), &r) ==
		    -1) {
			rule_clear(&r);
			continue;
		}
		if (ruleset_find(set, r.info.id) != NULL) {
			load_error(&ld, NULL, "duplicate rule id (also in %s)",
			    set->packs[ruleset_find(set,
			    r.info.id)->pack].path != NULL ?
			    set->packs[ruleset_find(set,
			    r.info.id)->pack].path : file);
			rule_clear(&r);
			continue;
		}
		r.info.pack = set->npacks;
		set->rules = xreallocarray(set->rules, set->nrules + 1,
		    sizeof(*set->rules));
		set->rules[set->nrules++] = r;
	}
	if (ld.errors > 0 || name == NULL || version == NULL) {
		json_object_put(root);
		return -1;
	}
	/* name and version live in root. */
	p->name = xstrdup(name);
	p->version = xstrdup(version);
	json_object_put(root);
	p->path = xstrdup(file);
	p->body = xmalloc(len + 1);
	memcpy(p->body, buf, len);
	p->body[len] = '\0';
	snprintf(p->digest, sizeof(p->digest), "sha256:%s",
	    digest_sha256_hex(buf, len, hex));
	p->info.name = p->name;
	p->info.version = p->version;
	p->info.digest = p->digest;
	p->info.path = p->path;
	p->info.body = p->body;
	p->info.body_len = len;
	set->npacks++;
	return 0;
}

void
ruleset_free(struct ruleset *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nrules; i++)
		rule_clear(&set->rules[i]);
	free(set->rules);
	for (i = 0; i < set->npacks; i++) {
		free(set->packs[i].name);
		free(set->packs[i].version);
		free(set->packs[i].path);
		free(set->packs[i].body);
	}
	free(set->packs);
	free(set);
}

/* Over "digest\n" of each pack, so the order of the packs counts. */
static void
ruleset_seal(struct ruleset *set)
{
	char	*all, hex[DIGEST_SHA256_HEXLEN];
	size_t	 i, len = 0;

	all = xmalloc(set->npacks * sizeof(set->packs[0].digest) + 1);
	for (i = 0; i < set->npacks; i++)
		len += (size_t)sprintf(all + len, "%s\n",
		    set->packs[i].digest);
	snprintf(set->digest, sizeof(set->digest), "sha256:%s",
	    digest_sha256_hex(all, len, hex));
	free(all);
}

const char *
ruleset_digest(const struct ruleset *set)
{
	return set->digest;
}

struct ruleset *
ruleset_load_buffer(const char *name, const char *buf, size_t len)
{
	return ruleset_load_packs(&name, &buf, &len, 1);
}

struct ruleset *
ruleset_load_packs(const char *const *names, const char *const *bufs,
    const size_t *lens, size_t n)
{
	struct ruleset	*set = xcalloc(1, sizeof(*set));
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < n; i++)
		if (pack_parse(set, names[i], bufs[i], lens[i]) == -1)
			bad = 1;
	if (bad) {
		ruleset_free(set);
		return NULL;
	}
	ruleset_seal(set);
	return set;
}

struct ruleset *
ruleset_load_files(char *const *paths, size_t n)
{
	struct ruleset	*set = xcalloc(1, sizeof(*set));
	char		*buf;
	size_t		 i, len;
	int		 bad = 0;

	for (i = 0; i < n; i++) {
		if (fileio_read_path(paths[i], RULES_MAX_FILE, &buf, &len) ==
		    -1) {
			log_warn("%s", paths[i]);
			bad = 1;
			continue;
		}
		if (pack_parse(set, paths[i], buf, len) == -1)
			bad = 1;
		free(buf);
	}
	if (bad) {
		ruleset_free(set);
		return NULL;
	}
	ruleset_seal(set);
	return set;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct ruleset *
ruleset_load_dir(const char *dir)
{
	struct ruleset	*set;
	struct dirent	*de;
	struct strv	 files = { NULL, 0 };
	DIR		*d;
	char		*path;
	size_t		 len;

	if ((d = opendir(dir)) == NULL) {
		log_warn("rules directory %s", dir);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		strv_add(&files, path);
		free(path);
	}
	closedir(d);
	if (files.n > 0)
		qsort(files.v, files.n, sizeof(*files.v), name_cmp);
	else
		log_warnx("rules directory %s holds no *.json rule pack: "
		    "evidence is stored but judged by no rule", dir);
	set = ruleset_load_files(files.v, files.n);
	strv_free(&files);
	return set;
}

size_t
ruleset_pack_count(const struct ruleset *set)
{
	return set->npacks;
}

void
ruleset_pack(const struct ruleset *set, size_t i, struct rule_pack_info *out)
{
	*out = set->packs[i].info;
}

size_t
ruleset_rule_count(const struct ruleset *set)
{
	return set->nrules;
}

const struct rule_info *
ruleset_rule(const struct ruleset *set, size_t i)
{
	return &set->rules[i].info;
}

const struct rule_info *
ruleset_find(const struct ruleset *set, const char *id)
{
	size_t	 i;

	for (i = 0; i < set->nrules; i++)
		if (strcmp(set->rules[i].info.id, id) == 0)
			return &set->rules[i].info;
	return NULL;
}

int
rule_has_control(const struct rule_info *r, const char *framework,
    const char *control)
{
	struct json_object	*ids;
	size_t			 i, n;

	if (!json_object_object_get_ex(r->controls, framework, &ids))
		return 0;
	n = json_object_array_length(ids);
	for (i = 0; i < n; i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(
		    ids, i)), control) == 0)
			return 1;
	return 0;
}
