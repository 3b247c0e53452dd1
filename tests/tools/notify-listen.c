/*
 * notify-listen SOCKET LOG: play systemd's side of sd_notify for the
 * shell tests.  Binds a datagram socket at the path SOCKET and appends
 * each datagram received to LOG as one line, "pid=N " (the sender, from
 * SCM_CREDENTIALS, as systemd checks NotifyAccess=main with it) and the
 * message with its newlines shown as "|".  Runs until killed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"	/* _GNU_SOURCE, for struct ucred */
#endif

#include <sys/socket.h>
#include <sys/un.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sa;
	struct msghdr		 mh;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	struct ucred		 uc;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(struct ucred))];
	}			 ctl;
	char			 msg[8192], line[8300];
	ssize_t			 n, i;
	int			 fd, out, on = 1, len;
	long			 pid;

	if (argc != 3) {
		fprintf(stderr, "usage: notify-listen SOCKET LOG\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "notify-listen: %s: path too long\n", argv[1]);
		return 1;
	}
	strcpy(sa.sun_path, argv[1]);
	if ((out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0600)) == -1 ||
	    (fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("notify-listen");
		return 1;
	}
	for (;;) {
		iov.iov_base = msg;
		iov.iov_len = sizeof(msg) - 1;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		if ((n = recvmsg(fd, &mh, 0)) == -1) {
			perror("notify-listen: recvmsg");
			return 1;
		}
		pid = -1;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		    cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_CREDENTIALS) {
				memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
				pid = (long)uc.pid;
			}
		}
		for (i = 0; i < n; i++)
			if (msg[i] == '\n')
				msg[i] = '|';
		len = snprintf(line, sizeof(line), "pid=%ld %.*s\n", pid,
		    (int)n, msg);
		if (write(out, line, (size_t)len) != len) {
			perror("notify-listen: write");
			return 1;
		}
	}
}
