/*
 * sign-envelope: a test tool that signs a file as an Exhibit evidence
 * envelope, so that shell tests can craft documents the agent would
 * never send.  Usage: sign-envelope KEY [FILE] (FILE defaults to stdin).
 * With -t TYPE the payload type is TYPE instead of the evidence type.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envelope.h"
#include "fileio.h"
#include "keys.h"
#include "log.h"

int
main(int argc, char *argv[])
{
	const char	*type = ENVELOPE_EVIDENCE_TYPE;
	EVP_PKEY	*key;
	char		*buf, *env, err[256];
	size_t		 len;
	int		 ch;

	log_init(argv[0], 0, LOG_DEST_STDERR);
	while ((ch = getopt(argc, argv, "t:")) != -1) {
		if (ch != 't') {
			fprintf(stderr, "usage: sign-envelope [-t type] key "
			    "[file]\n");
			return 2;
		}
		type = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2) {
		fprintf(stderr, "usage: sign-envelope [-t type] key [file]\n");
		return 2;
	}
	if ((key = keys_load_private(argv[0], err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if ((argc == 2 ? fileio_read_path(argv[1], 64 << 20, &buf, &len) :
	    fileio_read_fd(STDIN_FILENO, 64 << 20, &buf, &len)) == -1)
		fatal("reading the payload");
	env = envelope_sign(key, type, buf, len);
	printf("%s", env);
	free(env);
	free(buf);
	EVP_PKEY_free(key);
	return 0;
}
