/*
 * The agent's status as a node-exporter textfile (Prometheus text format
 * 0.0.4): the host's own view of whether its evidence reaches exhibitd,
 * for alerting from the monitoring a site already has.  Timestamps are
 * Unix seconds, as node-exporter's own *_timestamp_seconds are, so that
 * rules read "time() - exhibit_agent_last_push_success_timestamp_seconds
 * > 3 * 3600".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "status.h"

static void
metric(FILE *f, const char *name, const char *help, const char *value)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", name, help, name,
	    name, value);
}

static void
metric_u64(FILE *f, const char *name, const char *help, uint64_t v)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	metric(f, name, help, buf);
}

/* A time metric, left out when the time is unknown. */
static void
metric_time(FILE *f, const char *name, const char *help, time_t t)
{
	if (t != 0)
		metric_u64(f, name, help, (uint64_t)t);
}

/* A label value: backslash, double quote and newline escaped. */
static void
label(FILE *f, const char *name, const char *value, const char *sep)
{
	const char	*p;

	fprintf(f, "%s=\"", name);
	for (p = value ? value : ""; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fprintf(f, "\"%s", sep);
}

char *
agent_status_textfile(const struct agent_status *s)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	fputs("# HELP exhibit_agent_info Always 1: the agent's version, id "
	    "and server as labels.\n# TYPE exhibit_agent_info gauge\n"
	    "exhibit_agent_info{", f);
	label(f, "version", s->version, ",");
	label(f, "agent_id", s->agent_id, ",");
	label(f, "server", s->server, "");
	fputs("} 1\n", f);
	metric(f, "exhibit_agent_enrolled", "1 when the agent has an "
	    "identity (exhibit-agent enroll), 0 before.",
	    s->enrolled ? "1" : "0");
	metric_time(f, "exhibit_agent_cert_expiry_timestamp_seconds",
	    "When the client certificate expires (renewed at half its "
	    "lifetime).", s->cert_not_after);
	metric_time(f, "exhibit_agent_last_collection_timestamp_seconds",
	    "When the service last collected.", s->collect_time);
	if (s->collect_result != NULL)
		metric(f, "exhibit_agent_last_collection_success", "1 when "
		    "the last collection was signed and spooled, 0 when not "
		    "(see the journal).",
		    strncmp(s->collect_result, "ok", 2) == 0 ? "1" : "0");
	metric_time(f, "exhibit_agent_next_collection_timestamp_seconds",
	    "When the service will collect next.", s->collect_next);
	metric_time(f, "exhibit_agent_last_push_timestamp_seconds",
	    "When the agent last pushed, successfully or not.",
	    s->push_time);
	metric_time(f, "exhibit_agent_last_push_success_timestamp_seconds",
	    "When exhibitd last acknowledged an envelope.", s->push_ok_time);
	metric_u64(f, "exhibit_agent_spool_items", "Signed envelopes waiting "
	    "for exhibitd's acknowledgement.", s->spool_count);
	metric_u64(f, "exhibit_agent_spool_bytes", "Their size in bytes.",
	    s->spool_bytes);
	metric_time(f, "exhibit_agent_spool_oldest_timestamp_seconds",
	    "When the oldest waiting envelope was spooled (absent: none "
	    "waits).", s->spool_oldest);
	metric_u64(f, "exhibit_agent_rejected_items", "Envelopes exhibitd "
	    "refused for good, kept in the state directory's rejected/.",
	    s->rejected_count);
	metric_u64(f, "exhibit_agent_seq", "The last sequence number signed.",
	    s->seq);
	metric_u64(f, "exhibit_agent_acknowledged_seq", "The last sequence "
	    "number exhibitd acknowledged.", s->acked_seq);
	if (fclose(f) != 0)
		fatal("open_memstream");
	return buf;
}

int
agent_status_write_textfile(const struct agent_status *s, const char *path)
{
	char	*text = agent_status_textfile(s);
	int	 rc;

	rc = fileio_write_atomic(path, text, strlen(text), 0644);
	free(text);
	return rc;
}
