/*
 * The agent's state directory ([agent] state_dir): its identity (key,
 * client certificate, the daemon's CA, agent id, server), the last seq
 * used, the sections the daemon acknowledged with a cache of their full
 * text, the last push and the last scheduled collection.  The spool lives in its spool/ subdirectory,
 * refused envelopes in rejected/.  Every file is written atomically and
 * mode 0600; the directory is 0700 and refused when group or others can
 * write to it.
 */
#ifndef EXHIBIT_AGENT_STATE_H
#define EXHIBIT_AGENT_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct agent_state;

#define AGENT_STATE_KEY		"agent.key"
#define AGENT_STATE_CERT	"agent.pem"
#define AGENT_STATE_CA		"ca.pem"
#define AGENT_STATE_SPOOL	"spool"
#define AGENT_STATE_REJECTED	"rejected"

/* Open dir (created 0700 when create is set and it is missing).  NULL
 * with a sentence in err when it is missing, not a directory, not ours,
 * or writable by group or others, or when a state file is corrupt. */
struct agent_state *agent_state_open(const char *dir, int create, char *err,
		    size_t errlen);
void		 agent_state_close(struct agent_state *);

/* "<dir>/<name>", allocated. */
char		*agent_state_path(struct agent_state *, const char *name);

/* Enrolled: an agent id and server saved (key and certificate too). */
int		 agent_state_enrolled(struct agent_state *);
const char	*agent_state_agent_id(struct agent_state *);
const char	*agent_state_server(struct agent_state *);
int		 agent_state_save_identity(struct agent_state *,
		    const char *agent_id, const char *server);

/* The last seq used (0: none).  next_seq stores last + 1 durably and
 * only then returns it: a seq is never signed twice, even across a
 * crash.  0 or -1 with errno. */
uint64_t	 agent_state_seq(struct agent_state *);
int		 agent_state_next_seq(struct agent_state *, uint64_t *seq);

/*
 * The sections of the last document the daemon acknowledged.  acked()
 * has the signature of evidence_head.acked.  ack() records a document
 * the daemon acknowledged (its payload); an older seq than the one
 * recorded changes nothing.  0, or -1 with a sentence in err.
 */
int		 agent_state_acked(void *st, const char *section,
		    const char *digest, uint64_t *since);
int		 agent_state_ack(struct agent_state *, const char *payload,
		    size_t len, char *err, size_t errlen);
uint64_t	 agent_state_acked_seq(struct agent_state *);

/*
 * The section cache: full section text by digest, kept so that a refused
 * reference can be expanded.  put() has the signature of
 * evidence_head.full (failures are logged: the cache is an optimisation
 * until a reference is refused).  get() returns the text allocated, or
 * NULL (signature of evidence_expand's lookup).  prune() removes what no
 * acknowledged section names; call it only with an empty spool, as a
 * spooled document may refer to any cached digest.
 */
void		 agent_state_cache_put(void *st, const char *section,
		    const char *digest, const char *text);
char		*agent_state_cache_get(void *st, const char *digest);
int		 agent_state_cache_prune(struct agent_state *);

/* The last push: when, and a short result ("ok", "busy", "rejected: ...").
 * push_ok() is when a push last succeeded ("ok"), 0 if never: a push that
 * fails after one that worked must not hide how long the host has been
 * silent. */
int		 agent_state_set_push(struct agent_state *, time_t when,
		    const char *result);
int		 agent_state_push(struct agent_state *, time_t *when,
		    const char **result);
time_t		 agent_state_push_ok(struct agent_state *);

/* The service's last scheduled collection ("exhibit-agent run"): when,
 * a short result ("ok: seq 42 spooled", "failed: ..."), and when the next
 * one is due (0: none, the service stopped or ran --once).  -1 from
 * collect() when there was none. */
int		 agent_state_set_collect(struct agent_state *, time_t when,
		    const char *result, time_t next);
int		 agent_state_collect(struct agent_state *, time_t *when,
		    const char **result, time_t *next);

#endif
