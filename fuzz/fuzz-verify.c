/*
 * exhibitctl verify on hostile bundles, two ways.
 *
 * Raw (first byte odd): the rest is the file itself, for libarchive's
 * gzip and tar readers and everything behind them.
 *
 * Members (first byte even): the rest is NAME NUL CONTENT NUL ... and
 * becomes a well-formed tar.gz with those members, so that the input
 * reaches verify's member handling: names a bundle holds, JSON,
 * envelopes, proofs, listings and manifests of any shape, in any order.
 * A few names are spelled by index so that short inputs reach them.
 *
 * Verify must never crash or leak, and must never call a bundle whose
 * manifest it could not check verified.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "verify.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const names[] = {
	"ledger.pub", "checkpoint", "consistency.json", "rulesets.json",
	"agents/ag_x/agent.json", "agents/ag_x/evidence/1.dsse.json",
	"agents/ag_x/evidence/1.json", "agents/ag_x/evidence/2.dsse.json",
	"agents/ag_x/evidence/2.json", "waivers.json", "drift.jsonl",
	"SHA256SUMS", "manifest.json", "manifest.dsse.json",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static void
members(const char *path, const uint8_t *p, size_t n)
{
	struct bundle_writer	*w;
	const uint8_t		*end = p + n, *z;
	char			 err[256], *name;
	size_t			 nlen;

	if ((w = bundle_writer_open(path, 0, err, sizeof(err))) == NULL)
		abort();
	while (p < end) {
		if ((z = memchr(p, 0, (size_t)(end - p))) == NULL)
			z = end;
		nlen = (size_t)(z - p);
		/* A one-byte name picks a name a bundle holds. */
		name = nlen == 1 ? xstrdup(names[p[0] % NNAMES]) :
		    xstrndup((const char *)p, nlen);
		p = z < end ? z + 1 : end;
		if ((z = memchr(p, 0, (size_t)(end - p))) == NULL)
			z = end;
		(void)bundle_add(w, name, p, (size_t)(z - p), err,
		    sizeof(err));
		free(name);
		p = z < end ? z + 1 : end;
	}
	if (bundle_writer_close(w, err, sizeof(err)) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 path[64];
	struct verify_opts	 o = { .reevaluate = 1 };
	struct verify_stats	 st;
	FILE			*f;
	int			 rc;

	if (size == 0)
		return 0;
	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz-verify.%ld.tar.gz",
		    (long)getpid());
	if (data[0] & 1) {
		if ((f = fopen(path, "w")) == NULL ||
		    fwrite(data + 1, 1, size - 1, f) != size - 1 ||
		    fclose(f) == EOF)
			abort();
	} else
		members(path, data + 1, size - 1);
	if ((o.out = fopen("/dev/null", "w")) == NULL)
		abort();
	rc = verify_bundle(path, &o, &st);
	fclose(o.out);
	/* Random input cannot carry a manifest signed by any ledger key. */
	if (rc == 0)
		abort();
	unlink(path);
	return 0;
}
