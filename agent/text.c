/*
 * Line and token helpers for the collectors' parsers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static int
text_blank(char c)
{
	return c == ' ' || c == '\t';
}

char *
text_line(char **cursor)
{
	char	*line = *cursor, *nl, *end;

	if (line == NULL || *line == '\0')
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		*cursor = nl + 1;
	} else
		*cursor = line + strlen(line);
	end = line + strlen(line);
	while (end > line && (text_blank(end[-1]) || end[-1] == '\r'))
		*--end = '\0';
	while (text_blank(*line))
		line++;
	return line;
}

int
text_is_comment(const char *line, const char *chars)
{
	return *line == '\0' || strchr(chars, *line) != NULL;
}

void
text_split_ws(char *line, char **key, char **val)
{
	char	*p = line;

	while (*p != '\0' && !text_blank(*p))
		p++;
	*key = line;
	if (*p == '\0') {
		*val = p;
		return;
	}
	*p++ = '\0';
	while (text_blank(*p))
		p++;
	*val = p;
}

int
text_split_char(char *line, int sep, char **key, char **val)
{
	char	*p, *end;

	if ((p = strchr(line, sep)) == NULL)
		return -1;
	*p = '\0';
	end = p;
	while (end > line && text_blank(end[-1]))
		*--end = '\0';
	p++;
	while (text_blank(*p))
		p++;
	*key = line;
	*val = p;
	return 0;
}

int
text_shell_unquote(char *val)
{
	char	*r = val, *w = val, q = 0;

	for (; *r != '\0'; r++) {
		if (q == 0 && (*r == '"' || *r == '\'')) {
			q = *r;
			continue;
		}
		if (q != 0 && *r == q) {
			q = 0;
			continue;
		}
		if (*r == '\\' && q != '\'' && r[1] != '\0') {
			/* In double quotes only these are escapes. */
			if (q == 0 || strchr("\"\\$`", r[1]) != NULL)
				r++;
		} else if (q == 0 && (text_blank(*r) || *r == '#')) {
			/* Unquoted blank ends the word; the rest must be a
			 * comment or nothing. */
			while (text_blank(*r))
				r++;
			if (*r != '\0' && *r != '#')
				return -1;
			break;
		}
		*w++ = *r;
	}
	if (q != 0)
		return -1;
	*w = '\0';
	return 0;
}

int
text_parse_int(const char *s, long long *out)
{
	char		*end;
	long long	 v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

char *
text_lower(char *s)
{
	char	*p;

	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}
