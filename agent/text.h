/*
 * Line-oriented text parsing shared by the collectors: every config file
 * format on a Linux host is some variation of "key value" lines.
 */
#ifndef EXHIBIT_TEXT_H
#define EXHIBIT_TEXT_H

#include <stddef.h>

/*
 * The next line of a NUL-terminated, writable buffer, cut in place: the
 * "\n" and any "\r" before it removed, leading and trailing blanks (space,
 * tab) trimmed.  *cursor advances; NULL once the buffer is consumed.
 */
char	*text_line(char **cursor);

/* Blank, or starting with one of the comment characters in chars. */
int	 text_is_comment(const char *line, const char *chars);

/* Split a trimmed line at its first run of blanks: "key  value one" gives
 * "key" and "value one".  A line without a value gives val "". */
void	 text_split_ws(char *line, char **key, char **val);

/* Split at the first sep with blanks trimmed on both sides; -1 (and
 * nothing changed) when sep is absent. */
int	 text_split_char(char *line, int sep, char **key, char **val);

/* Undo shell-style quoting in place, as os-release(5) and /etc/default
 * files use it: "a b", 'a b', backslash escapes in double quotes.  -1 on
 * an unterminated quote or text after the closing one. */
int	 text_shell_unquote(char *val);

/* Strict decimal integer, optional sign, no trailing text: 0 or -1. */
int	 text_parse_int(const char *s, long long *out);

/* ASCII lowercase in place; returns s. */
char	*text_lower(char *s);

#endif
