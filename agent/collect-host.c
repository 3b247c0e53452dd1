/*
 * host: who the host is.  hostname, machine-id, os-release, kernel and
 * architecture.  On the live host the kernel and architecture are the
 * running ones (uname); under another root, the newest installed kernel
 * and the architecture of the root's own binaries.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "section.h"
#include "text.h"
#include "version.h"
#include "xmalloc.h"

static int
host_valid_hostname(const char *h)
{
	size_t	n = strlen(h), i;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.')
			return 0;
	}
	return 1;
}

static void
host_hostname(struct section *s)
{
	char	*h;

	if ((h = section_first_line(s, "/etc/hostname")) == NULL)
		return;
	if (host_valid_hostname(h))
		jsonutil_set_string(section_data(s), "hostname", h);
	else
		section_error(s, "/etc/hostname: not a valid host name");
	free(h);
}

static void
host_machine_id(struct section *s)
{
	char	*id;
	size_t	 i;

	if ((id = section_first_line(s, "/etc/machine-id")) == NULL)
		return;
	for (i = 0; id[i] != '\0'; i++) {
		if (!isxdigit((unsigned char)id[i]) || isupper((unsigned char)id[i]))
			break;
	}
	/* machine-id(5): 32 lowercase hex digits, or "uninitialized" on a
	 * first boot; both are facts worth reporting. */
	if ((i == 32 && id[i] == '\0') || strcmp(id, "uninitialized") == 0)
		jsonutil_set_string(section_data(s), "machine_id", id);
	else
		section_error(s, "/etc/machine-id: not a valid machine id");
	free(id);
}

static void
host_os_release(struct section *s)
{
	static const struct {
		const char	*var, *key;
	} wanted[] = {
		{ "ID", "id" }, { "ID_LIKE", "id_like" },
		{ "VERSION_ID", "version_id" },
		{ "VERSION_CODENAME", "version_codename" },
		{ "NAME", "name" }, { "PRETTY_NAME", "pretty_name" },
	};
	struct json_object	*os;
	const char		*path = "/etc/os-release";
	const char		*vals[sizeof(wanted) / sizeof(wanted[0])] = { 0 };
	char			*buf, *cur, *line, *key, *val;
	size_t			 len, i, lineno = 0;

	/* os-release(5): /etc/os-release wins; /usr/lib/os-release is the
	 * fallback when it does not exist. */
	if (section_read(s, path, &buf, &len) == -1) {
		if (errno != ENOENT)
			return;
		path = "/usr/lib/os-release";
		if (section_read(s, path, &buf, &len) == -1)
			return;
	}
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		if (text_split_char(line, '=', &key, &val) == -1 ||
		    text_shell_unquote(val) == -1) {
			section_error(s, "%s:%zu: not a VAR=value line", path,
			    lineno);
			continue;
		}
		for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
			/* A repeated variable: the shell's last one wins. */
			if (strcmp(key, wanted[i].var) == 0)
				vals[i] = val;
		}
	}
	/* A fixed key order, whatever the file's order. */
	os = json_object_new_object();
	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (vals[i] != NULL)
			jsonutil_set_string(os, wanted[i].key, vals[i]);
	}
	jsonutil_set(section_data(s), "os", os);
	free(buf);
}

/* Kernel release from a /boot or modules directory entry name. */
static void
host_consider_kernel(char **best, const char *release)
{
	/* RHEL's rescue image ("vmlinuz-0-rescue-<machine-id>") is not a
	 * kernel release. */
	if (*release == '\0' || strstr(release, "-rescue-") != NULL)
		return;
	if (*best == NULL || version_cmp_dpkg(release, *best) > 0) {
		free(*best);
		*best = xstrdup(release);
	}
}

static void
host_kernel(struct section *s)
{
	struct json_object	*k;
	struct utsname		 u;
	char			**names, *best = NULL;
	const char		*from = NULL;
	size_t			 n, i;

	k = json_object_new_object();
	if (hostroot_is_live(section_root(s)) && uname(&u) == 0) {
		jsonutil_set_string(k, "release", u.release);
		jsonutil_set_string(k, "from", "running");
		jsonutil_set(section_data(s), "kernel", k);
		return;
	}
	if (section_list_dir(s, "/boot", NULL, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (strncmp(names[i], "vmlinuz-", 8) == 0)
				host_consider_kernel(&best, names[i] + 8);
		}
		section_free_names(names, n);
		if (best != NULL)
			from = "/boot";
	}
	if (best == NULL &&
	    section_list_dir(s, "/lib/modules", NULL, &names, &n) == 0) {
		for (i = 0; i < n; i++)
			host_consider_kernel(&best, names[i]);
		section_free_names(names, n);
		if (best != NULL)
			from = "/lib/modules";
	}
	if (best == NULL) {
		json_object_put(k);
		return;
	}
	jsonutil_set_string(k, "release", best);
	jsonutil_set_string(k, "from", from);
	jsonutil_set(section_data(s), "kernel", k);
	free(best);
}

/* ELF e_machine values and the names uname(2) gives them. */
static const char *
host_elf_arch(const unsigned char *h, size_t len)
{
	unsigned int	machine;
	int		is64, little;

	if (len < 20 || memcmp(h, "\177ELF", 4) != 0)
		return NULL;
	is64 = h[4] == 2;
	little = h[5] == 1;
	machine = little ? (unsigned)(h[18] | h[19] << 8) :
	    (unsigned)(h[18] << 8 | h[19]);
	switch (machine) {
	case 3:
		return "i686";
	case 62:
		return "x86_64";
	case 40:
		return "arm";
	case 183:
		return "aarch64";
	case 21:
		return little ? "ppc64le" : "ppc64";
	case 22:
		return is64 ? "s390x" : "s390";
	case 243:
		return is64 ? "riscv64" : "riscv32";
	}
	return NULL;
}

static void
host_arch(struct section *s)
{
	static const char *const probes[] = { "/usr/bin/env", "/bin/sh" };
	struct utsname	 u;
	const char	*arch;
	char		*buf;
	size_t		 len, i;

	if (hostroot_is_live(section_root(s)) && uname(&u) == 0) {
		jsonutil_set_string(section_data(s), "arch", u.machine);
		return;
	}
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (section_read_binary(s, probes[i], &buf, &len) == -1)
			continue;
		arch = host_elf_arch((unsigned char *)buf, len);
		free(buf);
		if (arch != NULL) {
			jsonutil_set_string(section_data(s), "arch", arch);
			return;
		}
		section_error(s, "%s: not an ELF binary of a known machine",
		    probes[i]);
	}
}

int
collect_host(struct section *s)
{
	host_hostname(s);
	host_machine_id(s);
	host_os_release(s);
	host_kernel(s);
	host_arch(s);
	return 0;
}
