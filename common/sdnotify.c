/*
 * sd_notify(3) by hand.  The protocol is small and stable (systemd's
 * docs call it a stable interface): a datagram to $NOTIFY_SOCKET, a
 * filesystem path or, when it starts with "@", an abstract socket name.
 * Linking libsystemd for it would add a dependency to every program for
 * one sendto(2).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sdnotify.h"

#define SDNOTIFY_MAX	4096	/* longest message sdnotify_sendf builds */

int
sdnotify_send(const char *state)
{
	struct sockaddr_un	 sa;
	const char		*env;
	socklen_t		 slen;
	size_t			 len, mlen;
	ssize_t			 n;
	int			 fd, saved;

	if ((env = getenv("NOTIFY_SOCKET")) == NULL || *env == '\0')
		return 0;
	/* Only the AF_UNIX forms; systemd >= 253 also knows "vsock:",
	 * which is for virtual machines, not for these programs. */
	if (env[0] != '/' && env[0] != '@') {
		errno = EAFNOSUPPORT;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	len = strlen(env);
	if (env[0] == '@') {
		/* Abstract: a leading NUL, and the length says where the
		 * name ends (no terminating NUL). */
		if (len > sizeof(sa.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(sa.sun_path + 1, env + 1, len - 1);
		slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    len);
	} else {
		if (len >= sizeof(sa.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(sa.sun_path, env, len);
		slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    len + 1);
	}

	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	mlen = strlen(state);
	n = sendto(fd, state, mlen, MSG_NOSIGNAL, (struct sockaddr *)&sa,
	    slen);
	saved = errno;
	close(fd);
	if (n == -1) {
		errno = saved;
		return -1;
	}
	if ((size_t)n != mlen) {
		/* A datagram goes whole or not at all; be sure anyway. */
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int
sdnotify_sendf(const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[SDNOTIFY_MAX];
	int	 n;

	/* Not even formatted when nobody listens. */
	if (getenv("NOTIFY_SOCKET") == NULL)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = EMSGSIZE;
		return -1;
	}
	return sdnotify_send(buf);
}

static uint64_t
sdnotify_monotonic_usec(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int
sdnotify_reloading(void)
{
	return sdnotify_sendf("RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
	    sdnotify_monotonic_usec());
}

/* A decimal number, nothing else; 0 when it is not one. */
static uint64_t
sdnotify_number(const char *s)
{
	char			*end;
	unsigned long long	 v;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	return (uint64_t)v;
}

uint64_t
sdnotify_watchdog_usec(void)
{
	const char	*pid;

	/* A watchdog set for our parent is inherited in the environment
	 * by children it forks without cleaning it: WATCHDOG_PID says
	 * whose it is. */
	if ((pid = getenv("WATCHDOG_PID")) != NULL &&
	    sdnotify_number(pid) != (uint64_t)getpid())
		return 0;
	return sdnotify_number(getenv("WATCHDOG_USEC"));
}

int
sdnotify_watchdog_kick(void)
{
	static uint64_t	 last;
	static int	 sent;
	uint64_t	 usec, now;

	if ((usec = sdnotify_watchdog_usec()) == 0)
		return 0;
	now = sdnotify_monotonic_usec();
	if (sent && now - last < usec / 2)
		return 0;
	sent = 1;
	last = now;
	return sdnotify_send("WATCHDOG=1");
}
