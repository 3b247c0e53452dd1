/*
 * What "exhibit-agent status" reports, read from the state directory and
 * the spool only (never the network), in two forms: JSON for people and
 * scripts, and the Prometheus text format for node-exporter's textfile
 * collector, which "status --textfile" and the service ([agent] textfile)
 * write.
 */
#ifndef EXHIBIT_STATUS_H
#define EXHIBIT_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct agent_state;
struct json_object;
struct spool;

/* Times are 0 when unknown: never happened, or not recorded.  Strings
 * point into the agent_state and are NULL when unknown. */
struct agent_status {
	const char	*version;
	int		 enrolled;
	const char	*agent_id, *server;
	time_t		 cert_not_after;
	uint64_t	 seq, acked_seq;
	time_t		 collect_time, collect_next;
	const char	*collect_result;	/* "ok: ...", "failed: ..." */
	time_t		 push_time, push_ok_time;
	const char	*push_result;		/* "ok", "retry: ...", ... */
	size_t		 spool_count;
	uint64_t	 spool_bytes;
	time_t		 spool_oldest;
	size_t		 rejected_count;
};

/* sp may be NULL (no spool: it counts as empty). */
void		 agent_status_read(struct agent_state *, struct spool *sp,
		    struct agent_status *);
struct json_object *agent_status_json(const struct agent_status *);

/* The textfile, allocated.  Metrics whose value is unknown are left
 * out, as Prometheus expects, rather than reported as 0 (1970). */
char		*agent_status_textfile(const struct agent_status *);
/* Write it atomically (temporary file, rename), mode 0644: the
 * collector may read it at any moment and runs as another user.  0, or
 * -1 with errno. */
int		 agent_status_write_textfile(const struct agent_status *,
		    const char *path);

#endif
