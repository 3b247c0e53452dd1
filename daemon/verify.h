/*
 * Offline verification of an export bundle (export.h has the layout):
 * no daemon, no network, no store.  One pass over the archive checks
 * every envelope's signature by its agent's key, every inclusion proof
 * against the signed checkpoint, the consistency proof from a
 * checkpoint the auditor kept, each agent's seq continuity, every stored
 * result against a re-evaluation of the bundled envelopes under the
 * bundled rule packs, and the signed manifest and its SHA256SUMS
 * listing; when the listing does not match, a second pass names the
 * member added, missing, moved or modified.
 */
#ifndef EXHIBIT_VERIFY_H
#define EXHIBIT_VERIFY_H

#include <stdint.h>
#include <stdio.h>

struct verify_opts {
	const char	*ledger_key;	/* PEM file the auditor trusts */
	const char	*since;		/* checkpoint note file kept */
	int		 allow_gaps;	/* seq gaps are reported, not failed */
	int		 reevaluate;	/* re-run the rules (default on) */
	FILE		*out;		/* problems and the summary */
};

struct verify_stats {
	uint64_t	 members;
	uint64_t	 agents;
	uint64_t	 envelopes;
	uint64_t	 evaluations;	/* re-run and compared */
	uint64_t	 gaps;
	uint64_t	 problems;	/* everything that fails the bundle */
	uint64_t	 checkpoint_size;
};

/* 0 when the bundle verified, 1 when it did not (every problem written
 * to opts->out), 2 when it could not be read at all. */
int	verify_bundle(const char *path, const struct verify_opts *,
	    struct verify_stats *);

#endif
