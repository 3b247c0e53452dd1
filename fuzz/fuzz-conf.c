/*
 * libFuzzer harness for the configuration parser: configuration files are
 * written by people and copied between hosts, so any bytes at all must give
 * either values or messages, never a crash, a leak or an endless loop.
 *
 * The key table covers every value type, bounded and not, in sections whose
 * names need each allowed character, so that the fuzzer can reach every
 * checker.  Each input is loaded twice into the same target, which also
 * exercises replacing strings set by the defaults and by the first load.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_conf {
	char		*name;
	char		*dir;
	char		*url;
	char		*listen;
	long long	 workers;
	long long	 offset;
	int		 verbose;
	uint64_t	 max_size;
	uint64_t	 any_size;
	long long	 interval;
	long long	 timeout;
	int		 mode;
	int		 empty_enum;
};

static const char *const fuzz_modes[] = { "fast", "safe", "paranoid", NULL };
static const char *const fuzz_none[] = { NULL };

static const struct conf_key fuzz_keys[] = {
	{ "main", "name", CONF_STRING, offsetof(struct fuzz_conf, name),
	    "exhibit", 0, 0, NULL },
	{ "main", "dir", CONF_PATH, offsetof(struct fuzz_conf, dir),
	    "/var/lib/exhibit", 0, 0, NULL },
	{ "main", "workers", CONF_INT, offsetof(struct fuzz_conf, workers),
	    "4", 1, 64, NULL },
	{ "main", "offset", CONF_INT, offsetof(struct fuzz_conf, offset),
	    NULL, 0, 0, NULL },
	{ "main", "verbose", CONF_BOOL, offsetof(struct fuzz_conf, verbose),
	    "no", 0, 0, NULL },
	{ "main", "interval", CONF_DURATION,
	    offsetof(struct fuzz_conf, interval), "15m", 10, 7 * 86400, NULL },
	{ "main", "mode", CONF_ENUM, offsetof(struct fuzz_conf, mode),
	    "safe", 0, 0, fuzz_modes },
	{ "main", "empty_enum", CONF_ENUM,
	    offsetof(struct fuzz_conf, empty_enum), NULL, 0, 0, fuzz_none },
	{ "server-1", "url", CONF_URL, offsetof(struct fuzz_conf, url),
	    NULL, 0, 0, NULL },
	{ "server-1", "listen", CONF_HOSTPORT,
	    offsetof(struct fuzz_conf, listen), "localhost:8443", 0, 0, NULL },
	{ "limits_2", "max_size", CONF_SIZE,
	    offsetof(struct fuzz_conf, max_size), "4M", 1024,
	    1024 * 1024 * 1024, NULL },
	{ "limits_2", "any_size", CONF_SIZE,
	    offsetof(struct fuzz_conf, any_size), NULL, 0, 0, NULL },
	{ "limits_2", "timeout", CONF_DURATION,
	    offsetof(struct fuzz_conf, timeout), NULL, 0, 0, NULL },
};
#define FUZZ_NKEYS	(sizeof(fuzz_keys) / sizeof(fuzz_keys[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_conf	 fc;
	struct conf_errors	 errs = { NULL, 0, 0 };
	const char		*buf = (const char *)data;
	char			*s;
	uint64_t		 u;
	size_t			 i;
	int			 n, b;

	memset(&fc, 0, sizeof(fc));
	conf_defaults(fuzz_keys, FUZZ_NKEYS, &fc);
	for (i = 0; i < 2; i++) {
		n = conf_load_buffer("fuzz.conf", buf, size, fuzz_keys,
		    FUZZ_NKEYS, &fc, &errs);
		/* The count returned is the count added; what is kept is
		 * capped. */
		if (n < 0 || (size_t)n * (i + 1) != errs.total ||
		    errs.count > CONF_MAX_ERRORS + 1 ||
		    errs.count > errs.total)
			abort();
	}
	/* Every message names the input, but the one that says the rest
	 * were dropped. */
	for (i = 0; i < errs.count; i++) {
		if (strncmp(errs.msg[i], "fuzz.conf:", 10) != 0 &&
		    (i != CONF_MAX_ERRORS || strcmp(errs.msg[i],
		    "too many errors; the rest are not shown") != 0))
			abort();
	}
	/* A clean load of a value type always yields a value the type's
	 * own rules accept. */
	if (errs.count == 0) {
		if (fc.name == NULL || fc.dir == NULL || fc.dir[0] != '/' ||
		    fc.listen == NULL)
			abort();
		if (fc.workers < 1 || fc.workers > 64 ||
		    fc.interval < 10 || fc.interval > 7 * 86400 ||
		    fc.max_size < 1024 || fc.max_size > 1024 * 1024 * 1024 ||
		    fc.mode < 0 || fc.mode > 2 ||
		    (fc.verbose != 0 && fc.verbose != 1))
			abort();
		if (fc.url != NULL && strncmp(fc.url, "http", 4) != 0)
			abort();
	}
	conf_errors_free(&errs);
	conf_free(fuzz_keys, FUZZ_NKEYS, &fc);
	if (fc.name != NULL || fc.dir != NULL || fc.url != NULL ||
	    fc.listen != NULL)
		abort();

	/* The parsers shared with command-line options take C strings. */
	if (size <= 64) {
		s = xstrndup(buf, size);
		(void)conf_parse_size(s, &u);
		(void)conf_parse_bool(s, &b);
		free(s);
	}
	return 0;
}
