/*
 * file_permissions: owner, group and mode of the files an audit checks by
 * hand (account databases, sudoers, sshd and its host keys, cron, the boot
 * loader configuration), and every world-writable file or directory under
 * /etc.  Files are only stat'ed, never read: /etc/shadow and the host keys
 * stay where they are.  Owner and group names come from the root's own
 * /etc/passwd and /etc/group, the only two files read here.
 *
 * Data (rule authors' reference):
 *
 * data.files.PATH		one object per checked path, keys sorted
 *				bytewise; PATH is absolute ("/etc/shadow").
 *				Checked: /etc/{passwd,shadow,gshadow,group}
 *				and their "-" backups, /etc/sudoers,
 *				/etc/ssh/sshd_config, every
 *				/etc/ssh/ssh_host_*_key, /etc/crontab,
 *				/etc/cron.{hourly,daily,weekly,monthly,d},
 *				/boot/grub/grub.cfg, /boot/grub2/grub.cfg,
 *				/etc/security/opasswd, /etc/login.defs:
 *   .absent		true when the path does not exist, or is a
 *			dangling symlink (nothing else is then given but
 *			link; the source is listed as absent)
 *   .type		"file", "directory", "char", "block", "fifo",
 *			"socket"
 *   .link		the symlink's target as stored, when PATH is one;
 *			type, mode and owner are then the target's
 *   .mode		"0640": permission bits with setuid, setgid and
 *			sticky, four octal digits
 *   .uid, .gid		integers
 *   .owner, .group	names from the root's passwd and group files (the
 *			first entry with that id, as getpwuid(3) returns);
 *			absent when no entry has the id
 * A path that exists but cannot be stat'ed is left out, with an error.
 *
 * data.etc_world_writable[]	regular files and directories under /etc
 *				(and /etc itself) with the o+w bit, sorted by
 *				path: {path, type ("file" or "directory"),
 *				mode, and for directories sticky (bool)}.
 *				Symlinks are not followed and not listed.
 *				Only present when the whole tree was walked.
 * data.etc_world_writable_partial[]	the same, when the walk stopped
 *				(an unreadable directory, more than 20000
 *				entries, more than 16 levels): what was found
 *				is shown, but never as the complete answer.
 *
 * Paths and names that are not valid UTF-8 have each offending byte
 * written as "\xHH".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "jsonutil.h"
#include "path.h"
#include "section.h"
#include "text.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define PERM_WALK_MAX_DEPTH	16
#define PERM_WALK_MAX_ENTRIES	20000

static const char *const perm_paths[] = {
	"/etc/passwd", "/etc/passwd-", "/etc/shadow", "/etc/shadow-",
	"/etc/gshadow", "/etc/gshadow-", "/etc/group", "/etc/group-",
	"/etc/sudoers", "/etc/ssh/sshd_config", "/etc/crontab",
	"/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly",
	"/etc/cron.monthly", "/etc/cron.d", "/boot/grub/grub.cfg",
	"/boot/grub2/grub.cfg", "/etc/security/opasswd", "/etc/login.defs",
};


/*
 * id -> name from a passwd(5) or group(5) file: "name:x:id:...".  Blank
 * lines, "#" comments and NIS "+"/"-" entries are skipped as glibc's
 * files backend skips them; the first entry for an id wins.
 */
static struct json_object *
perm_names(struct section *s, const char *path)
{
	struct json_object	*map;
	char			*buf, *cur, *line, *name, *id, *p;
	char			 key[32];
	size_t			 len;
	long long		 v;

	map = json_object_new_object();
	if (section_read(s, path, &buf, &len) == -1)
		return map;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		if (text_is_comment(line, "#+-"))
			continue;
		name = line;
		if ((p = strchr(name, ':')) == NULL)
			continue;
		*p++ = '\0';
		if ((p = strchr(p, ':')) == NULL)	/* the password field */
			continue;
		id = p + 1;
		if ((p = strchr(id, ':')) != NULL)
			*p = '\0';
		if (*name == '\0' || text_parse_int(id, &v) == -1 || v < 0 ||
		    v > UINT32_MAX)
			continue;
		snprintf(key, sizeof(key), "%lld", v);
		if (!json_object_object_get_ex(map, key, NULL))
			jsonutil_set_string(map, key, name);
	}
	free(buf);
	return map;
}

static const char *
perm_lookup(struct json_object *map, unsigned long id)
{
	struct json_object	*v;
	char			 key[32];

	snprintf(key, sizeof(key), "%lu", id);
	if (!json_object_object_get_ex(map, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static const char *
perm_type(mode_t m)
{
	if (S_ISREG(m))
		return "file";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symlink";
	if (S_ISCHR(m))
		return "char";
	if (S_ISBLK(m))
		return "block";
	if (S_ISFIFO(m))
		return "fifo";
	if (S_ISSOCK(m))
		return "socket";
	return "other";
}

static void
perm_mode(struct json_object *o, mode_t m)
{
	char	buf[8];

	snprintf(buf, sizeof(buf), "%04o", (unsigned int)(m & 07777));
	jsonutil_set_string(o, "mode", buf);
}

/* One checked path into files, or nothing (and an error) when it exists
 * but could not be stat'ed. */
static void
perm_file(struct section *s, const char *path, struct json_object *users,
    struct json_object *groups, struct json_object *files)
{
	struct json_object	*o;
	struct stat		 lst, st;
	const char		*name;
	char			*link = NULL;

	if (section_stat(s, path, &lst, 1) == -1) {
		if (errno == ENOENT || errno == ENOTDIR) {
			section_add_absent(s, path);
			o = json_object_new_object();
			jsonutil_set_bool(o, "absent", 1);
			jsonutil_set(files, path, o);
		}
		return;
	}
	st = lst;
	if (S_ISLNK(lst.st_mode)) {
		link = section_readlink(s, path);
		if (section_stat(s, path, &st, 0) == -1) {
			/* A dangling link names nothing: absent, and where
			 * it points.  A loop is an error (already said). */
			if (errno == ENOENT || errno == ENOTDIR) {
				section_add_absent(s, path);
				o = json_object_new_object();
				jsonutil_set_bool(o, "absent", 1);
				if (link != NULL)
					jsonutil_set_string(o, "link", link);
				jsonutil_set(files, path, o);
			}
			free(link);
			return;
		}
	}
	o = json_object_new_object();
	jsonutil_set_string(o, "type", perm_type(st.st_mode));
	if (link != NULL)
		jsonutil_set_string(o, "link", link);
	perm_mode(o, st.st_mode);
	jsonutil_set_int64(o, "uid", (int64_t)st.st_uid);
	jsonutil_set_int64(o, "gid", (int64_t)st.st_gid);
	if ((name = perm_lookup(users, st.st_uid)) != NULL)
		jsonutil_set_string(o, "owner", name);
	if ((name = perm_lookup(groups, st.st_gid)) != NULL)
		jsonutil_set_string(o, "group", name);
	jsonutil_set(files, path, o);
	free(link);
}

static int
perm_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fixed list plus every ssh_host_*_key, stat'ed in path order. */
static void
perm_files(struct section *s)
{
	struct json_object	*users, *groups, *files;
	char			**names, **paths;
	size_t			 n, i, np = 0;

	users = perm_names(s, "/etc/passwd");
	groups = perm_names(s, "/etc/group");

	paths = xcalloc(nitems(perm_paths), sizeof(*paths));
	for (i = 0; i < nitems(perm_paths); i++)
		paths[np++] = xstrdup(perm_paths[i]);
	if (section_list_dir(s, "/etc/ssh", "_key", &names, &n) == 0) {
		paths = xreallocarray(paths, np + n, sizeof(*paths));
		for (i = 0; i < n; i++) {
			if (strncmp(names[i], "ssh_host_", 9) == 0 &&
			    strlen(names[i]) > 9 + 4)
				paths[np++] = path_join("/etc/ssh", names[i]);
		}
		section_free_names(names, n);
	}
	qsort(paths, np, sizeof(*paths), perm_str_cmp);

	files = json_object_new_object();
	for (i = 0; i < np; i++) {
		perm_file(s, paths[i], users, groups, files);
		free(paths[i]);
	}
	free(paths);
	jsonutil_set(section_data(s), "files", files);
	json_object_put(users);
	json_object_put(groups);
}

/*
 * World-writable entries under /etc.
 */

struct perm_found {
	char	*path;
	mode_t	 mode;
};

struct perm_walk {
	struct perm_found	*v;
	size_t			 n;
	size_t			 entries;
	int			 incomplete;
	int			 stopped;	/* entry limit: no more */
};

static void
perm_walk_note(struct perm_walk *w, const char *path, mode_t mode)
{
	if (!(S_ISREG(mode) || S_ISDIR(mode)) || !(mode & S_IWOTH))
		return;
	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	w->v[w->n].path = xstrdup(path);
	w->v[w->n].mode = mode;
	w->n++;
}

/* dir is at depth depth (/etc is 0); it is listed only below the limit. */
static void
perm_walk_dir(struct section *s, struct perm_walk *w, const char *dir,
    size_t depth)
{
	struct section_dirent	*v;
	char			*path;
	size_t			 n, i;

	if (depth >= PERM_WALK_MAX_DEPTH) {
		section_error(s, "%s: more than %d levels below /etc, not "
		    "walked", dir, PERM_WALK_MAX_DEPTH);
		w->incomplete = 1;
		return;
	}
	/* lstat relative to the directory: a few syscalls an entry, where
	 * resolving each path from the root would cost a dozen. */
	if (section_list_dir_stat(s, dir, &v, &n) == -1) {
		w->incomplete = 1;
		return;
	}
	for (i = 0; i < n && !w->stopped; i++) {
		if (++w->entries > PERM_WALK_MAX_ENTRIES) {
			section_error(s, "/etc: more than %d entries, walk "
			    "stopped", PERM_WALK_MAX_ENTRIES);
			w->incomplete = w->stopped = 1;
			break;
		}
		if (v[i].stat_errno != 0) {
			/* Gone since the listing: nothing to report. */
			if (v[i].stat_errno != ENOENT &&
			    v[i].stat_errno != ENOTDIR)
				w->incomplete = 1;
			continue;
		}
		/* Never follow a symlink: its own mode means nothing and
		 * its target is checked where it lives, if under /etc. */
		if (S_ISLNK(v[i].st.st_mode))
			continue;
		path = path_join(dir, v[i].name);
		perm_walk_note(w, path, v[i].st.st_mode);
		if (S_ISDIR(v[i].st.st_mode))
			perm_walk_dir(s, w, path, depth + 1);
		free(path);
	}
	section_free_dirents(v, n);
}

static int
perm_found_cmp(const void *a, const void *b)
{
	const struct perm_found	*x = a, *y = b;

	return strcmp(x->path, y->path);
}

static void
perm_world_writable(struct section *s)
{
	struct json_object	*arr, *o;
	struct perm_walk	 w;
	struct stat		 st;
	size_t			 i;

	memset(&w, 0, sizeof(w));
	if (section_stat(s, "/etc", &st, 1) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			section_add_absent(s, "/etc");
		w.incomplete = 1;
	} else if (S_ISLNK(st.st_mode)) {
		section_error(s, "/etc: a symlink, not walked");
		w.incomplete = 1;
	} else {
		perm_walk_note(&w, "/etc", st.st_mode);
		if (S_ISDIR(st.st_mode))
			perm_walk_dir(s, &w, "/etc", 0);
	}
	if (w.n > 0)
		qsort(w.v, w.n, sizeof(*w.v), perm_found_cmp);
	arr = json_object_new_array();
	for (i = 0; i < w.n; i++) {
		o = json_object_new_object();
		jsonutil_set_string(o, "path", w.v[i].path);
		jsonutil_set_string(o, "type", perm_type(w.v[i].mode));
		perm_mode(o, w.v[i].mode);
		if (S_ISDIR(w.v[i].mode))
			jsonutil_set_bool(o, "sticky",
			    (w.v[i].mode & S_ISVTX) != 0);
		json_object_array_add(arr, o);
		free(w.v[i].path);
	}
	free(w.v);
	jsonutil_set(section_data(s), w.incomplete ?
	    "etc_world_writable_partial" : "etc_world_writable", arr);
}

int
collect_file_permissions(struct section *s)
{
	perm_files(s);
	perm_world_writable(s);
	return 0;
}
