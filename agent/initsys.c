/*
 * Init system detection, shared by the services, firewall, malware and
 * backup collectors.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <stdlib.h>

#include "initsys.h"
#include "section.h"
#include "xmalloc.h"

int
initsys_is_dir(struct section *s, const char *path)
{
	struct stat	st;

	return section_stat(s, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

enum initsys
initsys_detect(struct section *s)
{
	static const char *const dirs[] = {
		"/etc/systemd/system", "/run/systemd/system",
		"/usr/lib/systemd/system", "/lib/systemd/system",
	};
	size_t	i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (initsys_is_dir(s, dirs[i]))
			return INITSYS_SYSTEMD;
	}
	return initsys_is_dir(s, "/etc/runlevels") ? INITSYS_OPENRC :
	    INITSYS_NONE;
}

const char *
initsys_name(enum initsys i)
{
	switch (i) {
	case INITSYS_SYSTEMD:
		return "systemd";
	case INITSYS_OPENRC:
		return "openrc";
	default:
		return NULL;
	}
}

int
initsys_openrc_enabled(struct section *s, const char *name)
{
	char		**lv, *path;
	size_t		  n, i;
	struct stat	  st;
	int		  on = 0;

	if (section_list_dir(s, "/etc/runlevels", NULL, &lv, &n) == -1)
		return 0;
	for (i = 0; i < n && !on; i++) {
		path = xasprintf("/etc/runlevels/%s/%s", lv[i], name);
		on = section_stat(s, path, &st, 1) == 0;
		free(path);
	}
	section_free_names(lv, n);
	return on;
}
