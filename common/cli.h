/*
 * What exhibitctl and exhibit-agent share on their command lines: the
 * command list in --help, and "PROGRAM COMMAND --help".
 */
#ifndef EXHIBIT_CLI_H
#define EXHIBIT_CLI_H

#include <stdio.h>

/* 1 when a command's arguments (argv[0] is the command) ask for its help:
 * "--help" anywhere before a "--". */
int	cli_wants_help(int argc, char **argv);

/* One entry of a command list: "  name args", then summary from column
 * 20 (on the same line when name and args leave room), its words wrapped
 * at 79 columns.  args may be empty. */
void	cli_print_command(FILE *, const char *name, const char *args,
	    const char *summary);

#endif
