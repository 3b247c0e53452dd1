/*
 * accounts: who can log in, who is root or may become root, and which
 * SSH keys open which account.  Read from /etc/passwd, /etc/shadow,
 * /etc/group, /etc/shells, the sudoers files and each account's
 * authorized_keys.
 *
 * data.users[]: every /etc/passwd entry, sorted by name (then by line for
 *   a repeated name): {"name", "uid", "gid", "home", "shell" (as written;
 *   "" means /bin/sh), "login_shell" (boolean: false for nologin, false,
 *   sync, shutdown and halt, whatever directory; true otherwise, since
 *   sshd and login run any shell), "in_etc_shells" (boolean, only when
 *   /etc/shells was read: what chsh and pam_shells accept), "password"
 *   (the password pam_unix checks: "empty", "locked", "hashed", or
 *   "no_shadow_entry" when passwd says "x" and shadow has no such entry;
 *   absent when /etc/shadow was needed but not read), "password_from"
 *   ("passwd" or "shadow")}.  Never a hash.
 * data.uid0[]: names with uid 0, sorted.
 * data.login_shell_users[]: names whose login_shell is true, sorted.
 * data.empty_password[]: names whose password is "empty", sorted.
 * data.duplicate_uids[]: {"uid", "names" []} for uids held by several
 *   entries, by uid.
 * data.duplicate_names[]: names listed more than once (getpwnam(3) uses
 *   the first), sorted.
 * data.groups.{sudo,wheel,adm}: for each that exists in /etc/group (the
 *   first entry of that name): {"gid", "members" [] (listed in
 *   /etc/group or with it as their primary group, sorted, unique),
 *   "primary_members" [] (the latter alone)}.
 *
 * data.sudoers: /etc/sudoers and what it includes, in sudo's order:
 *   "#include"/"@include" FILE (relative to the including file's
 *   directory), "#includedir"/"@includedir" DIR (its files sorted
 *   bytewise, skipping names that end in "~" or contain "."; only
 *   regular files).  "#" starts a comment except in those directives and
 *   in "#123" (a uid); a "\" at the end of a line continues it.
 *   .files[]: the files read, in order.
 *   .defaults[]: {"text", "file", "line"} for each Defaults line.
 *   .authenticate_disabled: true when a global "Defaults !authenticate"
 *     is the last word on "authenticate" (every rule then acts as
 *     NOPASSWD).
 *   .aliases.{user,runas,host,cmnd}.NAME[]: alias members as written.
 *   .rules[]: one per user specification and host list:
 *     {"users" [] as written, "users_expanded" [] (sorted; present when a
 *     User_Alias was expanded), "hosts" [], "commands" [{"command",
 *     "runas" (when given), "tags" []}] (runas and tags carry over to
 *     the following commands as in sudo), "all_commands" (a command, or
 *     a Cmnd_Alias it names, is ALL), "nopasswd" (a command runs with
 *     NOPASSWD), "file", "line"}.
 *   Lines sudo could not parse are reported and skipped (sudo 1.9
 *   recovers the same way; older versions refuse the whole file).
 *
 * data.authorized_keys[]: for each account whose HOME/.ssh exists, each
 *   of HOME/.ssh/authorized_keys and authorized_keys2 that was read
 *   (sshd's default AuthorizedKeysFile; a different setting in
 *   sshd_config is not followed here), sorted by user then file:
 *   {"user", "file", "count", "keys" [{"type", "fingerprint"
 *   ("SHA256:" and the unpadded base64 SHA-256 of the key blob, as
 *   ssh-keygen -l prints it), "options" [] (option names, lowercase, in
 *   order), "comment" (when present), "line"}]}.  Never a key body.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authdb.h"
#include "collect.h"
#include "digest.h"
#include "encode.h"
#include "jsonutil.h"
#include "section.h"
#include "text.h"
#include "xmalloc.h"

/* sudo's MAX_SUDOERS_DEPTH. */
#define AC_SUDOERS_MAX_DEPTH	128
/* Limits on work that hostile files could multiply without a cycle:
 * files read through includes, and alias members visited for one
 * expansion. */
#define AC_SUDOERS_MAX_FILES	1024
#define AC_ALIAS_MAX_DEPTH	16
#define AC_ALIAS_BUDGET		4096

/* A growable list of strings. */
struct ac_strv {
	char	**v;
	size_t	  n, cap;
};

static void
ac_strv_add(struct ac_strv *sv, const char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof(*sv->v));
	}
	sv->v[sv->n++] = xstrdup(s);
}

static void
ac_strv_free(struct ac_strv *sv)
{
	size_t	i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

static int
ac_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, without repeats, as a JSON array. */
static struct json_object *
ac_strv_sorted_json(struct ac_strv *sv)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	if (sv->n > 0)
		qsort(sv->v, sv->n, sizeof(*sv->v), ac_strcmp);
	for (i = 0; i < sv->n; i++) {
		if (i > 0 && strcmp(sv->v[i], sv->v[i - 1]) == 0)
			continue;
		json_object_array_add(a, json_object_new_string(sv->v[i]));
	}
	return a;
}

static struct json_object *
ac_strv_json(const struct ac_strv *sv)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < sv->n; i++)
		json_object_array_add(a, json_object_new_string(sv->v[i]));
	return a;
}

/* Users */

static int
ac_login_shell(const char *shell)
{
	static const char *const no[] = {
		"nologin", "false", "sync", "shutdown", "halt"
	};
	const char	*base = strrchr(shell, '/');
	size_t		 i;

	base = base != NULL ? base + 1 : shell;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (strcmp(base, no[i]) == 0)
			return 0;
	}
	return 1;
}

/* /etc/shells as glibc's getusershell reads it: on each line, the word
 * starting at the first "/" (unless a "#" comes first), up to a blank or
 * "#".  NULL when not read. */
static struct ac_strv *
ac_shells(struct section *s, struct ac_strv *sv)
{
	char	*buf, *cur, *line, *p;
	size_t	 len;

	if (section_read(s, "/etc/shells", &buf, &len) == -1)
		return NULL;
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		p = line + strcspn(line, "#/");
		if (*p != '/')
			continue;
		p[strcspn(p, " \t\r\f\v#")] = '\0';
		ac_strv_add(sv, p);
	}
	free(buf);
	if (sv->n > 0)
		qsort(sv->v, sv->n, sizeof(*sv->v), ac_strcmp);
	return sv;
}

static int
ac_strv_has(const struct ac_strv *sorted, const char *s)
{
	return sorted->n > 0 && bsearch(&s, sorted->v, sorted->n,
	    sizeof(*sorted->v), ac_strcmp) != NULL;
}

struct ac_user_ref {
	const struct authdb_user	*u;
};

static int
ac_user_cmp(const void *a, const void *b)
{
	const struct authdb_user	*ua = ((const struct ac_user_ref *)a)->u;
	const struct authdb_user	*ub = ((const struct ac_user_ref *)b)->u;
	int				 c;

	if ((c = strcmp(ua->name, ub->name)) != 0)
		return c;
	return ua->line < ub->line ? -1 : ua->line > ub->line;
}

static int
ac_uid_cmp(const void *a, const void *b)
{
	const struct authdb_user	*ua = ((const struct ac_user_ref *)a)->u;
	const struct authdb_user	*ub = ((const struct ac_user_ref *)b)->u;

	if (ua->uid != ub->uid)
		return ua->uid < ub->uid ? -1 : 1;
	return ac_user_cmp(a, b);
}

/* The password pam_unix checks: passwd's own field unless it defers to
 * shadow.  NULL when shadow was needed and not read. */
static const char *
ac_password(const struct authdb_user *u, const struct authdb_shadow *sh,
    const char **from)
{
	const struct authdb_shadow_ent	*e;

	if (u->pw != AUTHDB_PW_SHADOWED) {
		*from = "passwd";
		return authdb_pwstate_name(u->pw);
	}
	*from = "shadow";
	if (!sh->present)
		return NULL;
	if ((e = authdb_shadow_find(sh, u->name)) == NULL)
		return "no_shadow_entry";
	return authdb_pwstate_name(e->pw);
}

static void
ac_users(struct section *s, const struct authdb_passwd *pw)
{
	const struct authdb_shadow	*sh = authdb_shadow(s);
	struct json_object		*users, *o, *dups, *d, *names;
	struct ac_user_ref		*v;
	struct ac_strv			 shells = { 0 }, uid0 = { 0 };
	struct ac_strv			 login = { 0 }, empty = { 0 };
	struct ac_strv			 dupnames = { 0 };
	const struct ac_strv		*sv;
	const char			*pwst, *from;
	size_t				 i, j;

	sv = ac_shells(s, &shells);
	v = xcalloc(pw->count + 1, sizeof(*v));
	for (i = 0; i < pw->count; i++)
		v[i].u = &pw->users[i];
	if (pw->count > 0)
		qsort(v, pw->count, sizeof(*v), ac_user_cmp);
	users = json_object_new_array();
	for (i = 0; i < pw->count; i++) {
		const struct authdb_user *u = v[i].u;
		const char *shell = *u->shell != '\0' ? u->shell : "/bin/sh";

		o = json_object_new_object();
		jsonutil_set_string(o, "name", u->name);
		jsonutil_set_int64(o, "uid", u->uid);
		jsonutil_set_int64(o, "gid", u->gid);
		jsonutil_set_string(o, "home", u->home);
		jsonutil_set_string(o, "shell", u->shell);
		jsonutil_set_bool(o, "login_shell", ac_login_shell(shell));
		if (sv != NULL)
			jsonutil_set_bool(o, "in_etc_shells",
			    ac_strv_has(sv, shell));
		if ((pwst = ac_password(u, sh, &from)) != NULL) {
			jsonutil_set_string(o, "password", pwst);
			jsonutil_set_string(o, "password_from", from);
			if (strcmp(pwst, "empty") == 0)
				ac_strv_add(&empty, u->name);
		}
		json_object_array_add(users, o);
		if (u->uid == 0)
			ac_strv_add(&uid0, u->name);
		if (ac_login_shell(shell))
			ac_strv_add(&login, u->name);
		if (i > 0 && strcmp(v[i - 1].u->name, u->name) == 0)
			ac_strv_add(&dupnames, u->name);
	}
	jsonutil_set(section_data(s), "users", users);
	jsonutil_set(section_data(s), "uid0", ac_strv_sorted_json(&uid0));
	jsonutil_set(section_data(s), "login_shell_users",
	    ac_strv_sorted_json(&login));
	jsonutil_set(section_data(s), "empty_password",
	    ac_strv_sorted_json(&empty));

	if (pw->count > 0)
		qsort(v, pw->count, sizeof(*v), ac_uid_cmp);
	dups = json_object_new_array();
	for (i = 0; i < pw->count; i = j) {
		for (j = i + 1; j < pw->count && v[j].u->uid == v[i].u->uid;
		    j++)
			;
		if (j - i < 2)
			continue;
		d = json_object_new_object();
		jsonutil_set_int64(d, "uid", v[i].u->uid);
		names = json_object_new_array();
		for (; i < j; i++)
			json_object_array_add(names,
			    json_object_new_string(v[i].u->name));
		jsonutil_set(d, "names", names);
		json_object_array_add(dups, d);
	}
	jsonutil_set(section_data(s), "duplicate_uids", dups);
	jsonutil_set(section_data(s), "duplicate_names",
	    ac_strv_sorted_json(&dupnames));
	free(v);
	ac_strv_free(&shells);
	ac_strv_free(&uid0);
	ac_strv_free(&login);
	ac_strv_free(&empty);
	ac_strv_free(&dupnames);
}

static void
ac_groups(struct section *s, const struct authdb_passwd *pw)
{
	static const char *const wanted[] = { "sudo", "wheel", "adm" };
	const struct authdb_group	*gr = authdb_group(s);
	const struct authdb_group_ent	*g;
	struct json_object		*groups, *o;
	struct ac_strv			 all, primary;
	size_t				 i, j;

	if (!gr->present)
		return;
	groups = json_object_new_object();
	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		g = NULL;
		for (j = 0; j < gr->count && g == NULL; j++) {
			if (strcmp(gr->groups[j].name, wanted[i]) == 0)
				g = &gr->groups[j];
		}
		if (g == NULL)
			continue;
		memset(&all, 0, sizeof(all));
		memset(&primary, 0, sizeof(primary));
		for (j = 0; j < g->nmembers; j++)
			ac_strv_add(&all, g->members[j]);
		for (j = 0; j < pw->count; j++) {
			if (pw->users[j].gid == g->gid) {
				ac_strv_add(&all, pw->users[j].name);
				ac_strv_add(&primary, pw->users[j].name);
			}
		}
		o = json_object_new_object();
		jsonutil_set_int64(o, "gid", g->gid);
		jsonutil_set(o, "members", ac_strv_sorted_json(&all));
		jsonutil_set(o, "primary_members",
		    ac_strv_sorted_json(&primary));
		jsonutil_set(groups, wanted[i], o);
		ac_strv_free(&all);
		ac_strv_free(&primary);
	}
	jsonutil_set(section_data(s), "groups", groups);
}

/*
 * sudoers
 */
enum ac_alias_kind {
	AC_ALIAS_USER,
	AC_ALIAS_RUNAS,
	AC_ALIAS_HOST,
	AC_ALIAS_CMND,
	AC_ALIAS_KINDS
};

static const char *const ac_alias_names[AC_ALIAS_KINDS] = {
	"user", "runas", "host", "cmnd"
};

struct ac_sudoers {
	struct section		*s;
	struct json_object	*files;
	struct json_object	*defaults;
	struct json_object	*rules;
	/* NAME -> array of members, one object per kind */
	struct json_object	*aliases[AC_ALIAS_KINDS];
	int			 authenticate;	/* -1 unset, 0, 1 */
	/* The files being read, by identity, so that "../sudoers.d/x" or
	 * a symlink back to an including file is seen as a cycle. */
	dev_t			 dev[AC_SUDOERS_MAX_DEPTH + 1];
	ino_t			 ino[AC_SUDOERS_MAX_DEPTH + 1];
	int			 depth;
	size_t			 nfiles;
	int			 budget;	/* alias visits left */
};

static void	ac_sudoers_file(struct ac_sudoers *, const char *path,
		    const char *from, size_t fromline);

static int
ac_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *
ac_skip_blanks(char *p)
{
	while (ac_blank(*p))
		p++;
	return p;
}

/* A "#" that starts a comment: not "#123" or "#-1" (a uid). */
static int
ac_comment_at(const char *p)
{
	return p[0] == '#' && !isdigit((unsigned char)p[1]) &&
	    !(p[1] == '-' && isdigit((unsigned char)p[2]));
}

/* Cut a physical line's comment, honouring "\" escapes and double
 * quotes. */
static void
ac_strip_comment(char *line)
{
	char	*p;
	int	 q = 0;

	for (p = line; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == '"')
			q = !q;
		else if (!q && ac_comment_at(p)) {
			*p = '\0';
			return;
		}
	}
}

/* "#include", "#includedir" and their "@" forms, at a line's start. */
static int
ac_directive(char *line, char **arg)
{
	static const char *const words[] = {
		"#includedir", "@includedir", "#include", "@include"
	};
	size_t	i, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if (strncmp(line, words[i], n) == 0 &&
		    (line[n] == ' ' || line[n] == '\t')) {
			*arg = ac_skip_blanks(line + n);
			return i < 2 ? 2 : 1;
		}
	}
	return 0;
}

/* The include path: one word, or a double-quoted string. */
static char *
ac_include_path(const char *arg, const char *curfile)
{
	const char	*e, *slash;
	char		*word, *full;

	if (*arg == '"') {
		arg++;
		e = strchr(arg, '"');
		if (e == NULL)
			return NULL;
	} else
		for (e = arg; *e != '\0' && !ac_blank(*e); e++)
			;
	if (e == arg)
		return NULL;
	word = xstrndup(arg, (size_t)(e - arg));
	if (word[0] == '/')
		return word;
	/* sudo 1.9.1: relative to the including file's directory. */
	slash = strrchr(curfile, '/');
	full = xasprintf("%.*s/%s", (int)(slash - curfile), curfile, word);
	free(word);
	return full;
}

static void
ac_sudoers_dir(struct ac_sudoers *sd, const char *dir, const char *from,
    size_t fromline)
{
	struct stat	 st;
	char		**names, *path;
	size_t		 n, i, len;

	if (section_list_dir(sd->s, dir, NULL, &names, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		len = strlen(names[i]);
		if (names[i][len - 1] == '~' || strchr(names[i], '.') != NULL)
			continue;
		path = xasprintf("%s/%s", dir, names[i]);
		if (section_stat(sd->s, path, &st, 0) == 0 &&
		    S_ISREG(st.st_mode))
			ac_sudoers_file(sd, path, from, fromline);
		free(path);
	}
	section_free_names(names, n);
}

/* A word of a user or host list: up to a blank or one of ",=:()" not
 * escaped; double quotes may hold anything.  Escapes are kept. */
static char *
ac_word(char **cur, const char *stops)
{
	char	*p = *cur, *start = p;
	int	 q = 0;

	while (*p != '\0') {
		if (*p == '\\' && p[1] != '\0') {
			p += 2;
			continue;
		}
		if (*p == '"')
			q = !q;
		else if (!q && (ac_blank(*p) || strchr(stops, *p) != NULL))
			break;
		p++;
	}
	if (p == start)
		return NULL;
	*cur = p;
	return xstrndup(start, (size_t)(p - start));
}

/* item (blanks "," blanks item)*: a user or host list. */
static int
ac_list(char **cur, struct ac_strv *out)
{
	char	*p = ac_skip_blanks(*cur), *w, *neg;
	int	 isneg;

	for (;;) {
		/* "!" negates the item; sudo allows blanks after it. */
		if ((isneg = *p == '!'))
			p = ac_skip_blanks(p + 1);
		w = ac_word(&p, ",=:()!");
		if (w == NULL)
			return -1;
		if (isneg) {
			neg = xasprintf("!%s", w);
			ac_strv_add(out, neg);
			free(neg);
		} else
			ac_strv_add(out, w);
		free(w);
		p = ac_skip_blanks(p);
		if (*p != ',')
			break;
		p = ac_skip_blanks(p + 1);
	}
	*cur = p;
	return 0;
}

static int
ac_tag(const char *w)
{
	static const char *const tags[] = {
		"NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV",
		"LOG_INPUT", "NOLOG_INPUT", "LOG_OUTPUT", "NOLOG_OUTPUT",
		"MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT",
		"NOINTERCEPT",
	};
	size_t	i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		if (strcmp(w, tags[i]) == 0)
			return 1;
	}
	return 0;
}

static int
ac_is_digest(const char *w, size_t n)
{
	return (n == 6 && (strncmp(w, "sha224", 6) == 0 ||
	    strncmp(w, "sha256", 6) == 0 || strncmp(w, "sha384", 6) == 0 ||
	    strncmp(w, "sha512", 6) == 0));
}

/* A command and its arguments, up to an unescaped "," or ":" (the
 * latter ends the Cmnd_Spec_List), trailing blanks dropped. */
static char *
ac_command(char **cur)
{
	char	*p = *cur, *start = p, *e;

	while (*p != '\0' && *p != ',' && *p != ':') {
		if (*p == '\\' && p[1] != '\0')
			p++;
		p++;
	}
	e = p;
	while (e > start && ac_blank(e[-1]))
		e--;
	*cur = p;
	if (e == start)
		return NULL;
	return xstrndup(start, (size_t)(e - start));
}

/* Whether an alias of this kind named name exists and (through nested
 * aliases) holds a non-negated "ALL". */
static int
ac_alias_all(struct ac_sudoers *sd, enum ac_alias_kind kind, const char *name,
    int depth)
{
	struct json_object	*members;
	const char		*m;
	size_t			 i;

	if (depth > AC_ALIAS_MAX_DEPTH || --sd->budget < 0 ||
	    !json_object_object_get_ex(sd->aliases[kind], name, &members))
		return 0;
	for (i = 0; i < json_object_array_length(members); i++) {
		m = json_object_get_string(json_object_array_get_idx(members,
		    i));
		if (strcmp(m, "ALL") == 0 ||
		    ac_alias_all(sd, kind, m, depth + 1))
			return 1;
	}
	return 0;
}

static void
ac_alias_expand(struct ac_sudoers *sd, const char *name, struct ac_strv *out,
    int depth, int *expanded)
{
	struct json_object	*members;
	size_t			 i;

	if (--sd->budget < 0)
		return;
	if (depth <= AC_ALIAS_MAX_DEPTH &&
	    json_object_object_get_ex(sd->aliases[AC_ALIAS_USER], name,
	    &members)) {
		*expanded = 1;
		for (i = 0; i < json_object_array_length(members); i++)
			ac_alias_expand(sd, json_object_get_string(
			    json_object_array_get_idx(members, i)), out,
			    depth + 1, expanded);
	} else
		ac_strv_add(out, name);
}

/* Cmnd_Spec (, Cmnd_Spec)* for one host list; runas and tags carry
 * from one command to the next. */
static int
ac_cmnd_specs(struct ac_sudoers *sd, char **cur, struct json_object *rule)
{
	struct json_object	*cmds, *c, *tags;
	struct ac_strv		 curtags = { 0 };
	char			*p = *cur, *runas = NULL, *w, *cmd, *q;
	size_t			 i, n;
	int			 all = 0, nopasswd = 0, neg, np = 0;

	cmds = json_object_new_array();
	for (;;) {
		p = ac_skip_blanks(p);
		if (*p == '(') {
			if ((q = strchr(p, ')')) == NULL)
				goto fail;
			free(runas);
			runas = xstrndup(p + 1, (size_t)(q - p - 1));
			p = ac_skip_blanks(q + 1);
		}
		/* Options (ROLE=, TYPE=, CWD=, CHROOT=, ...) and tags. */
		for (;;) {
			q = p;
			while (isupper((unsigned char)*q) || *q == '_')
				q++;
			n = (size_t)(q - p);
			if (n > 0 && *q == '=') {
				w = q + 1;
				free(ac_word(&w, ",:"));
				p = ac_skip_blanks(w);
				continue;
			}
			if (n > 0 && *q == ':') {
				w = xstrndup(p, n);
				if (!ac_tag(w)) {
					free(w);
					break;
				}
				if (strcmp(w, "NOPASSWD") == 0)
					np = 1;
				else if (strcmp(w, "PASSWD") == 0)
					np = 0;
				for (i = 0; i < curtags.n; i++) {
					if (strcmp(curtags.v[i], w) == 0)
						break;
				}
				if (i == curtags.n)
					ac_strv_add(&curtags, w);
				free(w);
				p = ac_skip_blanks(q + 1);
				continue;
			}
			break;
		}
		/* A digest ("sha256:...") before the command. */
		if (ac_is_digest(p, strcspn(p, ":")) && p[6] == ':') {
			w = p + 7;
			free(ac_word(&w, ",:"));
			p = ac_skip_blanks(w);
		}
		neg = *p == '!';
		if ((cmd = ac_command(&p)) == NULL)
			goto fail;
		q = cmd + (neg ? 1 : 0);
		q = ac_skip_blanks(q);
		sd->budget = AC_ALIAS_BUDGET;
		if (!neg && (strcmp(q, "ALL") == 0 ||
		    ac_alias_all(sd, AC_ALIAS_CMND, q, 0)))
			all = 1;
		if (np)
			nopasswd = 1;
		c = json_object_new_object();
		jsonutil_set_string(c, "command", cmd);
		if (runas != NULL)
			jsonutil_set_string(c, "runas", runas);
		tags = ac_strv_json(&curtags);
		jsonutil_set(c, "tags", tags);
		json_object_array_add(cmds, c);
		free(cmd);
		if (*p != ',')
			break;
		p++;
	}
	jsonutil_set(rule, "commands", cmds);
	jsonutil_set_bool(rule, "all_commands", all);
	jsonutil_set_bool(rule, "nopasswd", nopasswd);
	free(runas);
	ac_strv_free(&curtags);
	*cur = p;
	return 0;
fail:
	json_object_put(cmds);
	free(runas);
	ac_strv_free(&curtags);
	return -1;
}

/* User_List Host_List = Cmnd_Spec_List (: Host_List = Cmnd_Spec_List)* */
static int
ac_user_spec(struct ac_sudoers *sd, char *line, const char *path,
    size_t lineno)
{
	struct json_object	*rule, *pending;
	struct ac_strv		 users = { 0 }, hosts = { 0 }, exp = { 0 };
	char			*p = line;
	size_t			 i;
	int			 expanded = 0;

	if (ac_list(&p, &users) == -1)
		goto fail;
	sd->budget = AC_ALIAS_BUDGET;
	for (i = 0; i < users.n; i++)
		ac_alias_expand(sd, users.v[i], &exp, 0, &expanded);
	pending = json_object_new_array();
	for (;;) {
		ac_strv_free(&hosts);
		if (ac_list(&p, &hosts) == -1 || *p != '=') {
			json_object_put(pending);
			goto fail;
		}
		p++;
		rule = json_object_new_object();
		jsonutil_set(rule, "users", ac_strv_json(&users));
		if (expanded)
			jsonutil_set(rule, "users_expanded",
			    ac_strv_sorted_json(&exp));
		jsonutil_set(rule, "hosts", ac_strv_json(&hosts));
		if (ac_cmnd_specs(sd, &p, rule) == -1) {
			json_object_put(rule);
			json_object_put(pending);
			goto fail;
		}
		jsonutil_set_string(rule, "file", path);
		jsonutil_set_int64(rule, "line", (int64_t)lineno);
		json_object_array_add(pending, rule);
		p = ac_skip_blanks(p);
		if (*p == '\0')
			break;
		if (*p != ':') {
			json_object_put(pending);
			goto fail;
		}
		p++;
	}
	for (i = 0; i < json_object_array_length(pending); i++)
		json_object_array_add(sd->rules, json_object_get(
		    json_object_array_get_idx(pending, i)));
	json_object_put(pending);
	ac_strv_free(&users);
	ac_strv_free(&hosts);
	ac_strv_free(&exp);
	return 0;
fail:
	ac_strv_free(&users);
	ac_strv_free(&hosts);
	ac_strv_free(&exp);
	return -1;
}

/* Kind_Alias NAME = item, item (: NAME = item, ...)* */
static int
ac_alias_line(struct ac_sudoers *sd, enum ac_alias_kind kind, char *p)
{
	struct json_object	*members;
	char			*name, *start, *e;
	int			 done = 0;

	while (!done) {
		p = ac_skip_blanks(p);
		start = p;
		while (isupper((unsigned char)*p) || isdigit((unsigned char)*p) ||
		    *p == '_')
			p++;
		if (p == start || !isupper((unsigned char)*start))
			return -1;
		name = xstrndup(start, (size_t)(p - start));
		p = ac_skip_blanks(p);
		if (*p != '=') {
			free(name);
			return -1;
		}
		p++;
		members = json_object_new_array();
		for (;;) {
			p = ac_skip_blanks(p);
			start = p;
			while (*p != '\0' && *p != ',' && *p != ':') {
				if (*p == '\\' && p[1] != '\0')
					p++;
				p++;
			}
			/* "sha256:" before a command is a digest. */
			if (*p == ':' && ac_is_digest(start,
			    (size_t)(p - start))) {
				p++;
				while (*p != '\0' && *p != ',' && *p != ':')
					p++;
			}
			e = p;
			while (e > start && ac_blank(e[-1]))
				e--;
			if (e == start) {
				json_object_put(members);
				free(name);
				return -1;
			}
			json_object_array_add(members,
			    json_object_new_string_len(start, (int)(e - start)));
			if (*p == ',') {
				p++;
				continue;
			}
			done = *p == '\0';
			if (*p == ':')
				p++;
			break;
		}
		/* A redefinition: sudo warns and keeps the first. */
		if (!json_object_object_get_ex(sd->aliases[kind], name, NULL))
			jsonutil_set(sd->aliases[kind], name, members);
		else
			json_object_put(members);
		free(name);
	}
	return 0;
}

static void
ac_defaults(struct ac_sudoers *sd, char *line, const char *path,
    size_t lineno)
{
	struct json_object	*d;
	char			*p, *w;

	d = json_object_new_object();
	jsonutil_set_string(d, "text", line);
	jsonutil_set_string(d, "file", path);
	jsonutil_set_int64(d, "line", (int64_t)lineno);
	json_object_array_add(sd->defaults, d);
	/* Global Defaults only: "Defaults" then blanks. */
	if (!ac_blank(line[8]))
		return;
	p = line + 8;
	for (;;) {
		p = ac_skip_blanks(p);
		if (*p == '\0')
			break;
		w = p;
		while (*p != '\0' && *p != ',' && !ac_blank(*p))
			p++;
		if ((size_t)(p - w) == 12 && strncmp(w, "authenticate", 12) == 0)
			sd->authenticate = 1;
		else if ((size_t)(p - w) == 13 &&
		    strncmp(w, "!authenticate", 13) == 0)
			sd->authenticate = 0;
		while (*p != '\0' && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
}

static void
ac_sudoers_line(struct ac_sudoers *sd, char *line, const char *path,
    size_t lineno)
{
	static const struct {
		const char		*word;
		enum ac_alias_kind	 kind;
	} aliases[] = {
		{ "User_Alias", AC_ALIAS_USER }, { "Runas_Alias", AC_ALIAS_RUNAS },
		{ "Host_Alias", AC_ALIAS_HOST }, { "Cmnd_Alias", AC_ALIAS_CMND },
		{ "Cmd_Alias", AC_ALIAS_CMND },
	};
	size_t	i, n;

	if (strncmp(line, "Defaults", 8) == 0 && (line[8] == '\0' ||
	    ac_blank(line[8]) || strchr("@:!>", line[8]) != NULL)) {
		ac_defaults(sd, line, path, lineno);
		return;
	}
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		n = strlen(aliases[i].word);
		if (strncmp(line, aliases[i].word, n) == 0 &&
		    ac_blank(line[n])) {
			if (ac_alias_line(sd, aliases[i].kind, line + n) == -1)
				section_error(sd->s, "%s:%zu: cannot parse "
				    "alias definition, skipped", path, lineno);
			return;
		}
	}
	if (ac_user_spec(sd, line, path, lineno) == -1)
		section_error(sd->s, "%s:%zu: cannot parse sudoers line, "
		    "skipped", path, lineno);
}

static void
ac_sudoers_file(struct ac_sudoers *sd, const char *path, const char *from,
    size_t fromline)
{
	struct stat	 sb;
	char		*buf, *cur, *nl, *s, *e, *arg, *inc, *logical = NULL;
	size_t		 len, lineno = 0, start = 0, llen = 0, n;
	int		 i, d, pending = 0;

	if (++sd->nfiles > AC_SUDOERS_MAX_FILES) {
		if (sd->nfiles == AC_SUDOERS_MAX_FILES + 1)
			section_error(sd->s, "%s:%zu: more than %d sudoers "
			    "files through includes; the rest is not read",
			    from, fromline, AC_SUDOERS_MAX_FILES);
		return;
	}
	if (sd->depth >= AC_SUDOERS_MAX_DEPTH) {
		section_error(sd->s, "%s:%zu: includes nested too deep", from,
		    fromline);
		return;
	}
	if (section_read(sd->s, path, &buf, &len) == -1)
		return;
	if (section_stat(sd->s, path, &sb, 0) == -1) {
		free(buf);
		return;
	}
	for (i = 0; i < sd->depth; i++) {
		if (sd->dev[i] == sb.st_dev && sd->ino[i] == sb.st_ino) {
			/* sudo recurses until its depth limit and then
			 * refuses the sudoers file. */
			section_error(sd->s, "%s:%zu: include cycle through %s",
			    from, fromline, path);
			free(buf);
			return;
		}
	}
	json_object_array_add(sd->files, json_object_new_string(path));
	sd->dev[sd->depth] = sb.st_dev;
	sd->ino[sd->depth++] = sb.st_ino;
	cur = buf;
	while (*cur != '\0') {
		lineno++;
		s = cur;
		if ((nl = strchr(s, '\n')) != NULL) {
			*nl = '\0';
			cur = nl + 1;
		} else
			cur = s + strlen(s);
		s = ac_skip_blanks(s);
		if (!pending) {
			start = lineno;
			if ((d = ac_directive(s, &arg)) != 0) {
				inc = ac_include_path(arg, path);
				if (inc == NULL)
					section_error(sd->s, "%s:%zu: include "
					    "without a path", path, lineno);
				else if (d == 2)
					ac_sudoers_dir(sd, inc, path, lineno);
				else
					ac_sudoers_file(sd, inc, path, lineno);
				free(inc);
				continue;
			}
		}
		ac_strip_comment(s);
		e = s + strlen(s);
		while (e > s && ac_blank(e[-1]))
			*--e = '\0';
		/* An odd run of "\" at the end continues the line. */
		n = 0;
		while (e - (ptrdiff_t)n > s && e[-1 - (ptrdiff_t)n] == '\\')
			n++;
		pending = n % 2 == 1;
		if (pending)
			e[-1] = ' ';
		n = strlen(s);
		logical = xrealloc(logical, llen + n + 1);
		memcpy(logical + llen, s, n + 1);
		llen += n;
		if (pending)
			continue;
		e = logical + llen;
		while (e > logical && ac_blank(e[-1]))
			*--e = '\0';
		if (*logical != '\0')
			ac_sudoers_line(sd, logical, path, start);
		llen = 0;
	}
	if (pending && llen > 0) {
		e = logical + llen;
		while (e > logical && ac_blank(e[-1]))
			*--e = '\0';
		if (*logical != '\0')
			ac_sudoers_line(sd, logical, path, start);
	}
	free(logical);
	free(buf);
	sd->depth--;
}

static void
ac_sudoers(struct section *s)
{
	struct ac_sudoers	 sd;
	struct json_object	*o, *al;
	int			 i;

	memset(&sd, 0, sizeof(sd));
	sd.s = s;
	sd.authenticate = -1;
	sd.files = json_object_new_array();
	sd.defaults = json_object_new_array();
	sd.rules = json_object_new_array();
	for (i = 0; i < AC_ALIAS_KINDS; i++)
		sd.aliases[i] = json_object_new_object();
	ac_sudoers_file(&sd, "/etc/sudoers", NULL, 0);
	if (json_object_array_length(sd.files) == 0) {
		json_object_put(sd.files);
		json_object_put(sd.defaults);
		json_object_put(sd.rules);
		for (i = 0; i < AC_ALIAS_KINDS; i++)
			json_object_put(sd.aliases[i]);
		return;
	}
	o = json_object_new_object();
	jsonutil_set(o, "files", sd.files);
	jsonutil_set(o, "defaults", sd.defaults);
	jsonutil_set_bool(o, "authenticate_disabled", sd.authenticate == 0);
	al = json_object_new_object();
	for (i = 0; i < AC_ALIAS_KINDS; i++)
		jsonutil_set(al, ac_alias_names[i], sd.aliases[i]);
	jsonutil_set(o, "aliases", al);
	jsonutil_set(o, "rules", sd.rules);
	jsonutil_set(section_data(s), "sudoers", o);
}

/*
 * authorized_keys
 */
static const char *const ac_key_types[] = {
	"ssh-rsa", "ssh-dss", "ssh-ed25519", "ssh-ed448",
	"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com",
	"ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
	"ssh-ed25519-cert-v01@openssh.com", "ssh-ed448-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
};

static int
ac_key_type(const char *w, size_t n)
{
	size_t	i;

	for (i = 0; i < sizeof(ac_key_types) / sizeof(ac_key_types[0]); i++) {
		if (strlen(ac_key_types[i]) == n &&
		    strncmp(ac_key_types[i], w, n) == 0)
			return 1;
	}
	return 0;
}

/* The options field: up to the first blank outside double quotes ("\""
 * inside quotes is a quote).  Option names go to names. */
static char *
ac_key_options(char *p, struct json_object *names)
{
	char	*start = p, *name;
	int	 q = 0;

	for (;;) {
		if (*p == '\0')
			return NULL;
		if (q && *p == '\\' && p[1] == '"') {
			p += 2;
			continue;
		}
		if (*p == '"')
			q = !q;
		else if (!q && (*p == ',' || ac_blank(*p))) {
			name = xstrndup(start, strcspn(start, "=,\t "));
			if (*name != '\0')
				json_object_array_add(names,
				    json_object_new_string(text_lower(name)));
			free(name);
			if (ac_blank(*p))
				return p;
			start = p + 1;
		}
		p++;
	}
}

static char *
ac_fingerprint(const unsigned char *blob, size_t len)
{
	unsigned char	 md[DIGEST_SHA256_LEN];
	char		*b64, *out, *eq;

	digest_sha256(blob, len, md);
	b64 = base64_encode(md, sizeof(md), BASE64_STD);
	if ((eq = strchr(b64, '=')) != NULL)
		*eq = '\0';
	out = xasprintf("SHA256:%s", b64);
	free(b64);
	return out;
}

/* The next SSH wire string (uint32 length, bytes) of a blob. */
static int
ac_blob_string(const unsigned char **p, size_t *left, size_t *n)
{
	uint32_t	len;

	if (*left < 4)
		return -1;
	len = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	    (uint32_t)(*p)[2] << 8 | (*p)[3];
	if (*left - 4 < len)
		return -1;
	*n = len;
	*p += 4 + len;
	*left -= 4 + len;
	return 0;
}

/*
 * Whether a key blob is a well-formed key of the type it was declared
 * with, as sshd's sshkey_read() requires: the type name first, then the
 * fields of that type and nothing more.  Certificates are only checked
 * for their type name.
 */
static int
ac_blob_valid(const unsigned char *blob, size_t len, const char *type,
    size_t tlen)
{
	static const struct {
		const char	*type;
		int		 fields;	/* after the name */
	} shapes[] = {
		{ "ssh-rsa", 2 }, { "ssh-dss", 4 }, { "ssh-ed25519", 1 },
		{ "ssh-ed448", 1 }, { "ecdsa-sha2-nistp256", 2 },
		{ "ecdsa-sha2-nistp384", 2 }, { "ecdsa-sha2-nistp521", 2 },
		{ "sk-ecdsa-sha2-nistp256@openssh.com", 3 },
		{ "sk-ssh-ed25519@openssh.com", 2 },
	};
	const unsigned char	*p = blob, *name = blob + 4;
	size_t			 left = len, n, i;
	int			 f;

	if (ac_blob_string(&p, &left, &n) == -1 || n != tlen ||
	    memcmp(name, type, n) != 0)
		return 0;
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		if (strlen(shapes[i].type) == tlen &&
		    memcmp(shapes[i].type, type, tlen) == 0)
			break;
	}
	if (i == sizeof(shapes) / sizeof(shapes[0]))
		return 1;
	for (f = 0; f < shapes[i].fields; f++) {
		if (ac_blob_string(&p, &left, &n) == -1 || n == 0)
			return 0;
		/* Ed25519 public keys are 32 bytes, Ed448 57. */
		if (f == shapes[i].fields - 1 && strstr(shapes[i].type,
		    "ed25519") != NULL && f == 0 && n != 32)
			return 0;
	}
	return left == 0;
}

static struct json_object *
ac_key_line(char *line)
{
	struct json_object	*k, *opts;
	unsigned char		*blob;
	char			*p = line, *type, *b64, *fp;
	size_t			 tlen, blen, bloblen;

	opts = json_object_new_array();
	tlen = strcspn(p, " \t");
	if (!ac_key_type(p, tlen)) {
		if ((p = ac_key_options(p, opts)) == NULL)
			goto fail;
		p = ac_skip_blanks(p);
		tlen = strcspn(p, " \t");
		if (!ac_key_type(p, tlen))
			goto fail;
	}
	type = p;
	p = ac_skip_blanks(p + tlen);
	b64 = p;
	blen = strcspn(p, " \t");
	if (blen == 0 || base64_decode(b64, blen, &blob, &bloblen) == -1)
		goto fail;
	if (!ac_blob_valid(blob, bloblen, type, tlen)) {
		free(blob);
		goto fail;
	}
	fp = ac_fingerprint(blob, bloblen);
	free(blob);
	k = json_object_new_object();
	json_object_object_add(k, "type", json_object_new_string_len(type,
	    (int)tlen));
	jsonutil_set_string(k, "fingerprint", fp);
	free(fp);
	jsonutil_set(k, "options", opts);
	p = ac_skip_blanks(p + blen);
	if (*p != '\0')
		jsonutil_set_string(k, "comment", p);
	return k;
fail:
	json_object_put(opts);
	return NULL;
}

static struct json_object *
ac_keys_file(struct section *s, const char *user, const char *path)
{
	struct json_object	*o, *keys, *k;
	char			*buf, *cur, *line;
	size_t			 len, lineno = 0;

	if (section_read(s, path, &buf, &len) == -1)
		return NULL;
	keys = json_object_new_array();
	cur = buf;
	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		if ((k = ac_key_line(line)) == NULL) {
			section_error(s, "%s:%zu: not a valid public key line",
			    path, lineno);
			continue;
		}
		jsonutil_set_int64(k, "line", (int64_t)lineno);
		json_object_array_add(keys, k);
	}
	/* The buffer held the key bodies. */
	freezero(buf, len);
	o = json_object_new_object();
	jsonutil_set_string(o, "user", user);
	jsonutil_set_string(o, "file", path);
	jsonutil_set_int64(o, "count", (int64_t)json_object_array_length(keys));
	jsonutil_set(o, "keys", keys);
	return o;
}

static void
ac_authorized_keys(struct section *s, const struct authdb_passwd *pw)
{
	static const char *const files[] = {
		"authorized_keys", "authorized_keys2"
	};
	struct json_object	*all, *o;
	struct ac_user_ref	*v;
	struct stat		 st;
	char			*home, *dir, *path;
	size_t			 i, j, n;

	v = xcalloc(pw->count + 1, sizeof(*v));
	for (i = 0; i < pw->count; i++)
		v[i].u = &pw->users[i];
	if (pw->count > 0)
		qsort(v, pw->count, sizeof(*v), ac_user_cmp);
	all = json_object_new_array();
	for (i = 0; i < pw->count; i++) {
		/* A repeated name: sshd uses the first entry. */
		if (i > 0 && strcmp(v[i - 1].u->name, v[i].u->name) == 0)
			continue;
		if (v[i].u->home[0] != '/')
			continue;
		home = xstrdup(v[i].u->home);
		n = strlen(home);
		while (n > 0 && home[n - 1] == '/')
			home[--n] = '\0';
		dir = xasprintf("%s/.ssh", home);
		if (section_stat(s, dir, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
			for (j = 0; j < 2; j++) {
				path = xasprintf("%s/%s", dir, files[j]);
				if ((o = ac_keys_file(s, v[i].u->name, path)) !=
				    NULL)
					json_object_array_add(all, o);
				free(path);
			}
		}
		free(dir);
		free(home);
	}
	free(v);
	jsonutil_set(section_data(s), "authorized_keys", all);
}

int
collect_accounts(struct section *s)
{
	const struct authdb_passwd	*pw = authdb_passwd(s);

	if (pw->present) {
		ac_users(s, pw);
		ac_groups(s, pw);
	}
	ac_sudoers(s);
	if (pw->present)
		ac_authorized_keys(s, pw);
	return 0;
}
