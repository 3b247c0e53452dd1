/*
 * Every collector on hostile file contents: the first input byte picks a
 * file the collectors read, the rest becomes its content in a scratch
 * root, and a whole evidence document is collected.  Aborts only through
 * the sanitizers (crashes, leaks, undefined behaviour).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "hostroot.h"
#include "jsonutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const targets[] = {
	"etc/hostname", "etc/machine-id", "etc/os-release",
	"var/lib/dpkg/status", "lib/apk/db/installed",
	"var/lib/apt/lists/x_dists_bookworm-security_main_Packages",
	"etc/apt/apt.conf.d/50unattended-upgrades", "var/log/dpkg.log",
	"var/run/reboot-required.pkgs", "etc/dnf/automatic.conf",
	"etc/login.defs", "etc/security/pwquality.conf",
	"etc/security/faillock.conf", "etc/pam.d/common-password",
	"etc/pam.d/common-auth", "etc/pam.d/system-auth", "etc/passwd",
	"etc/shadow", "etc/group", "etc/sudoers", "etc/sudoers.d/x",
	"root/.ssh/authorized_keys", "etc/ssh/sshd_config",
	"etc/ssh/sshd_config.d/x.conf", "etc/systemd/journald.conf",
	"etc/rsyslog.conf", "etc/audit/auditd.conf",
	"etc/audit/rules.d/x.rules", "etc/logrotate.conf",
	"etc/chrony/chrony.conf", "etc/systemd/timesyncd.conf",
	"etc/ntpsec/ntp.conf", "etc/nftables.conf", "etc/iptables/rules.v4",
	"etc/ufw/ufw.conf", "etc/default/ufw",
	"etc/firewalld/firewalld.conf", "etc/sysctl.conf",
	"etc/sysctl.d/x.conf", "etc/modprobe.d/x.conf", "etc/fstab",
	"etc/ssl/openssl.cnf", "etc/crypto-policies/config",
	"etc/clamav/freshclam.conf", "etc/aide/aide.conf", "etc/crontab",
	"etc/cron.d/x", "usr/lib/systemd/system-preset/x.preset",
};
#define NTARGETS	(sizeof(targets) / sizeof(targets[0]))

static char	root[64];

static void
make_dirs(const char *rel)
{
	char	path[512], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostroot		*hr;
	struct json_object	*doc;
	char			 path[512], *text, err[128];
	size_t			 i;
	int			 fd;

	if (root[0] == '\0') {
		strcpy(root, "/tmp/fuzz-collect.XXXXXX");
		if (mkdtemp(root) == NULL)
			abort();
		for (i = 0; i < NTARGETS; i++)
			make_dirs(targets[i]);
	}
	if (size == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", root, targets[data[0] % NTARGETS]);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		abort();
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	close(fd);

	if ((hr = hostroot_open(root, 1 << 20)) == NULL)
		abort();
	/* Whatever the files hold, the document is strict JSON. */
	text = evidence_collect(hr, NULL, 0);
	if ((doc = jsonutil_parse(text, strlen(text), err, sizeof(err))) ==
	    NULL)
		abort();
	json_object_put(doc);
	free(text);
	hostroot_free(hr);
	unlink(path);
	return 0;
}
