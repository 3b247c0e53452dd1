/*
 * Command-line helpers shared by exhibitctl and exhibit-agent, so that
 * their --help output and per-command help behave the same way.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "cli.h"

#define CLI_INDENT	20
#define CLI_WIDTH	79

int
cli_wants_help(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

void
cli_print_command(FILE *f, const char *name, const char *args,
    const char *summary)
{
	const char	*p = summary;
	size_t		 col, wlen;
	int		 n;

	n = fprintf(f, "  %s%s%s", name, *args != '\0' ? " " : "", args);
	/* args may span lines; only its last line's length matters. */
	col = strrchr(args, '\n') != NULL ?
	    strlen(strrchr(args, '\n') + 1) : (size_t)(n < 0 ? 0 : n);
	if (col + 1 >= CLI_INDENT) {
		fputc('\n', f);
		col = 0;
	}
	fprintf(f, "%*s", (int)(CLI_INDENT - col), "");
	col = CLI_INDENT;
	for (;;) {
		p += strspn(p, " \n");
		if (*p == '\0')
			break;
		wlen = strcspn(p, " \n");
		if (col > CLI_INDENT && col + 1 + wlen > CLI_WIDTH) {
			fprintf(f, "\n%*s", CLI_INDENT, "");
			col = CLI_INDENT;
		} else if (col > CLI_INDENT) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, wlen, f);
		col += wlen;
		p += wlen;
	}
	fputc('\n', f);
}
