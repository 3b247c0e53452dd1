/*
 * exhibitd's HTTPS server: the listener, TLS, per-connection deadlines
 * and the connection cap, routing, and group commit (replies that wait
 * for the store's batch to be durable).  main() owns the event loop and
 * hands it in.
 */
#ifndef EXHIBIT_SERVER_H
#define EXHIBIT_SERVER_H

#include <event2/event.h>

struct alerts;
struct daemon_conf;
struct ruleset;
struct server;

/* Load keys and certificates from the state directory, open the store
 * and listen, judging evidence against rules (taken over).  NULL after
 * logging why. */
struct server	*server_start(struct event_base *, const struct daemon_conf *,
		    struct ruleset *rules);

/* Judge evidence against these rules from now on (taken over); -1 when
 * they could not be recorded, and the previous ones stay. */
int		 server_set_rules(struct server *, struct ruleset *);

/* Apply a reloaded configuration: limits, timeouts and the TLS
 * certificate (re-read from the state directory). */
void		 server_reload(struct server *, const struct daemon_conf *);

/* The alert sinks, for the drift engine's alerts_enqueue(). */
struct alerts	*server_alerts(struct server *);

/* Stop accepting, finish what is in flight, then leave the loop. */
void		 server_drain(struct server *);

/* Close connections and the store. */
void		 server_free(struct server *);

#endif
