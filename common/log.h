/*
 * Logging: one way to report, for every program.
 *
 * log_warn() appends strerror(errno); log_warnx() does not.  fatal() and
 * fatalx() log and exit(1).  Under systemd (JOURNAL_STREAM names our stderr)
 * lines go to stderr with a "<N>" priority prefix that journald understands;
 * otherwise to stderr as "prog: message", or to syslog when asked for.
 */
#ifndef EXHIBIT_LOG_H
#define EXHIBIT_LOG_H

#include <stdarg.h>

enum log_dest {
	LOG_DEST_AUTO,		/* journal if stderr is the journal, else stderr */
	LOG_DEST_STDERR,
	LOG_DEST_JOURNAL,
	LOG_DEST_SYSLOG,
};

/* "auto", "stderr", "journal", "syslog", in enum order; NULL-terminated
 * for configuration tables. */
extern const char *const log_dest_names[];

void	log_init(const char *progname, int verbose, enum log_dest);
void	log_setverbose(int);
int	log_getverbose(void);
enum log_dest log_getdest(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
