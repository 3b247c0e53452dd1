/*
 * A tokenizer and scope tracker for apt.conf(5): "Name value;", "Name {
 * ... };", unnamed list items inside braces, "//", "#" and C comments,
 * "#clear" and "#include" directives.  Option names are case-insensitive
 * in apt, so they are lowercased; a later scalar assignment replaces an
 * earlier one, list items accumulate, and "#clear name" empties one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aptconf.h"
#include "jsonutil.h"
#include "section.h"
#include "text.h"
#include "xmalloc.h"

#define APTCONF_MAX_DEPTH	16

struct aptconf_lexer {
	const char	*p;
	const char	*path;
	size_t		 line;
};

enum aptconf_tok { TOK_END, TOK_WORD, TOK_STRING, TOK_OPEN, TOK_CLOSE,
	TOK_SEMI, TOK_DIRECTIVE };

/* Next token into *out (allocated for words, strings and directives). */
static enum aptconf_tok
aptconf_next(struct aptconf_lexer *lx, char **out)
{
	const char	*start, *end;

	*out = NULL;
	for (;;) {
		while (isspace((unsigned char)*lx->p)) {
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
		if (lx->p[0] == '/' && lx->p[1] == '/') {
			lx->p += strcspn(lx->p, "\n");
			continue;
		}
		if (lx->p[0] == '/' && lx->p[1] == '*') {
			end = strstr(lx->p + 2, "*/");
			end = end != NULL ? end + 2 : lx->p + strlen(lx->p);
			for (; lx->p < end; lx->p++)
				lx->line += *lx->p == '\n';
			continue;
		}
		if (*lx->p == '#') {
			start = lx->p;
			lx->p += strcspn(lx->p, "\n");
			if (strncmp(start, "#clear", 6) == 0 ||
			    strncmp(start, "#include", 8) == 0) {
				*out = xstrndup(start, (size_t)(lx->p - start));
				return TOK_DIRECTIVE;
			}
			continue;
		}
		break;
	}
	switch (*lx->p) {
	case '\0':
		return TOK_END;
	case '{':
		lx->p++;
		return TOK_OPEN;
	case '}':
		lx->p++;
		return TOK_CLOSE;
	case ';':
		lx->p++;
		return TOK_SEMI;
	case '"':
		start = ++lx->p;
		while (*lx->p != '\0' && *lx->p != '"') {
			lx->line += *lx->p == '\n';
			lx->p++;
		}
		*out = xstrndup(start, (size_t)(lx->p - start));
		if (*lx->p == '"')
			lx->p++;
		return TOK_STRING;
	}
	start = lx->p;
	while (*lx->p != '\0' && !isspace((unsigned char)*lx->p) &&
	    strchr("{};\"", *lx->p) == NULL)
		lx->p++;
	*out = text_lower(xstrndup(start, (size_t)(lx->p - start)));
	return TOK_WORD;
}

static char *
aptconf_join(char **scope, size_t depth, const char *name)
{
	char	*s, *t;
	size_t	 i;

	s = xstrdup("");
	for (i = 0; i < depth; i++) {
		t = xasprintf("%s%s::", s, scope[i]);
		free(s);
		s = t;
	}
	t = xasprintf("%s%s", s, name);
	free(s);
	return t;
}

static void
aptconf_list_add(struct json_object *opts, const char *key, const char *val)
{
	struct json_object	*arr;

	if (!json_object_object_get_ex(opts, key, &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		arr = json_object_new_array();
		jsonutil_set(opts, key, arr);
	}
	json_object_array_add(arr, json_object_new_string(val));
}

static void
aptconf_parse(struct section *s, const char *path, const char *text,
    struct json_object *opts)
{
	struct aptconf_lexer	 lx = { text, path, 1 };
	enum aptconf_tok	 t, t2;
	char			*scope[APTCONF_MAX_DEPTH], *tok, *val, *key;
	size_t			 depth = 0, i;

	while ((t = aptconf_next(&lx, &tok)) != TOK_END) {
		switch (t) {
		case TOK_DIRECTIVE:
			if (strncmp(tok, "#clear", 6) == 0) {
				val = tok + 6;
				val += strspn(val, " \t");
				val[strcspn(val, " \t;")] = '\0';
				text_lower(val);
				json_object_object_del(opts, val);
			}
			/* #include of files outside apt.conf.d is rare and
			 * not followed: noted so nothing is silently lost. */
			else
				section_error(s, "%s:%zu: #include not "
				    "followed", path, lx.line);
			break;
		case TOK_CLOSE:
			if (depth == 0) {
				section_error(s, "%s:%zu: unbalanced '}'",
				    path, lx.line);
				goto out;
			}
			free(scope[--depth]);
			break;
		case TOK_SEMI:
			break;
		case TOK_STRING:
			/* An unnamed value: a list item of the scope. */
			if (depth > 0) {
				key = aptconf_join(scope, depth - 1,
				    scope[depth - 1]);
				aptconf_list_add(opts, key, tok);
				free(key);
			}
			break;
		case TOK_WORD:
			t2 = aptconf_next(&lx, &val);
			if (t2 == TOK_OPEN) {
				if (depth == APTCONF_MAX_DEPTH) {
					section_error(s, "%s:%zu: nested too "
					    "deeply", path, lx.line);
					goto out;
				}
				scope[depth++] = tok;
				tok = NULL;
			} else if (t2 == TOK_STRING || t2 == TOK_WORD) {
				key = aptconf_join(scope, depth, tok);
				jsonutil_set_string(opts, key, val);
				free(key);
			} else {
				section_error(s, "%s:%zu: option %s without a "
				    "value", path, lx.line, tok);
			}
			free(val);
			break;
		default:
			section_error(s, "%s:%zu: unexpected '{'", path,
			    lx.line);
			goto out;
		}
		free(tok);
		tok = NULL;
	}
	if (depth > 0)
		section_error(s, "%s: unterminated '{'", path);
out:
	free(tok);
	for (i = 0; i < depth; i++)
		free(scope[i]);
}

struct json_object *
aptconf_read(struct section *s)
{
	struct json_object	*opts = json_object_new_object();
	char			**names, *path, *buf;
	size_t			  n, i, len;

	/* apt reads Dir::Etc::parts (apt.conf.d, sorted) and then
	 * Dir::Etc::main (apt.conf), so apt.conf has the last word. */
	if (section_list_dir(s, "/etc/apt/apt.conf.d", NULL, &names,
	    &n) == 0) {
		for (i = 0; i < n; i++) {
			/* apt ignores names with characters other than
			 * alphanumerics, '_', '-' and '.', and backups. */
			if (names[i][strspn(names[i], "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")] != '\0')
				continue;
			path = xasprintf("/etc/apt/apt.conf.d/%s", names[i]);
			if (section_read(s, path, &buf, &len) == 0) {
				aptconf_parse(s, path, buf, opts);
				free(buf);
			}
			free(path);
		}
		section_free_names(names, n);
	}
	if (section_read(s, "/etc/apt/apt.conf", &buf, &len) == 0) {
		aptconf_parse(s, "/etc/apt/apt.conf", buf, opts);
		free(buf);
	}
	return opts;
}
