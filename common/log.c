/*
 * Logging in the OpenBSD daemons' manner.  Under systemd, stderr is
 * connected to the journal and a "<N>" prefix carries the priority, so one
 * write(2) per line is all the integration needed; elsewhere people read
 * stderr, or syslog when a program is asked to use it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

const char *const log_dest_names[] = {
	"auto", "stderr", "journal", "syslog", NULL
};

static const char	*log_progname = "exhibit";
static int		 log_verbose;
static enum log_dest	 log_dest = LOG_DEST_STDERR;

static void	log_vwrite(int, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
static void	log_verrno(int, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
static void	log_write(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * systemd sets JOURNAL_STREAM to "dev:ino" of the stream it gave us; the
 * prefix is only right when our stderr is still that stream (and not, say,
 * a file a test redirected it to).
 */
static int
log_stderr_is_journal(void)
{
	const char		*env;
	struct stat		 st;
	unsigned long long	 dev, ino;

	if ((env = getenv("JOURNAL_STREAM")) == NULL)
		return 0;
	if (sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *progname, int verbose, enum log_dest dest)
{
	const char	*p;

	if (progname != NULL) {
		p = strrchr(progname, '/');
		log_progname = p != NULL ? p + 1 : progname;
	}
	log_verbose = verbose;
	if (dest == LOG_DEST_AUTO)
		dest = log_stderr_is_journal() ? LOG_DEST_JOURNAL :
		    LOG_DEST_STDERR;
	if (log_dest == LOG_DEST_SYSLOG && dest != LOG_DEST_SYSLOG)
		closelog();
	log_dest = dest;
	if (dest == LOG_DEST_SYSLOG)
		openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

enum log_dest
log_getdest(void)
{
	return log_dest;
}

static void
log_vwrite(int pri, const char *fmt, va_list ap)
{
	char	 msg[4096];
	int	 saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	switch (log_dest) {
	case LOG_DEST_SYSLOG:
		syslog(pri, "%s", msg);
		break;
	case LOG_DEST_JOURNAL:
		/* One fprintf per line so concurrent writers never interleave
		 * within a line. */
		fprintf(stderr, "<%d>%s\n", pri, msg);
		break;
	default:
		fprintf(stderr, "%s: %s\n", log_progname, msg);
		break;
	}
	fflush(stderr);
	errno = saved;
}

static void
log_verrno(int pri, const char *fmt, va_list ap)
{
	char	 buf[4096];
	int	 saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_write(pri, "%s: %s", buf, strerror(saved));
	errno = saved;
}

static void
log_write(int pri, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(pri, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_verrno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_verrno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
