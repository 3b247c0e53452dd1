/*
 * The sd_notify(3) protocol without libsystemd: one datagram of
 * "KEY=value" lines to the AF_UNIX socket named by $NOTIFY_SOCKET, which
 * systemd sets for Type=notify services.  Without it every call is a
 * silent no-op, so programs call these unconditionally.
 */
#ifndef EXHIBIT_SDNOTIFY_H
#define EXHIBIT_SDNOTIFY_H

#include <stdint.h>

/* Send state ("READY=1", "STATUS=...", several lines joined by "\n") as
 * one datagram.  0 when sent or when $NOTIFY_SOCKET is unset or empty;
 * -1 with errno set when the address is unusable (ENAMETOOLONG,
 * EAFNOSUPPORT) or sending failed. */
int		 sdnotify_send(const char *state);

/* The same, formatted; a message longer than 4096 bytes is EMSGSIZE. */
int		 sdnotify_sendf(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/* "RELOADING=1" with the CLOCK_MONOTONIC time that systemd >= 253 wants
 * for Type=notify-reload (older versions ignore the extra field). */
int		 sdnotify_reloading(void);

/* The watchdog interval in microseconds that systemd asked for
 * ($WATCHDOG_USEC, meant for us when $WATCHDOG_PID is unset or our pid),
 * or 0 when there is none. */
uint64_t	 sdnotify_watchdog_usec(void);

/* Send "WATCHDOG=1" when a watchdog is set and at least half its
 * interval has passed since the last one this function sent: callable
 * as often as convenient from a loop.  Returns what sdnotify_send does,
 * or 0 when nothing was due. */
int		 sdnotify_watchdog_kick(void);

#endif
