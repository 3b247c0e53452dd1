/*
 * Account databases and PAM stacks, parsed as the programs that use them
 * parse them: glibc's nss "files" module for passwd, shadow and group,
 * libpam for /etc/pam.d.  Each file is read once per run into a private
 * section; every section that uses the result imports its sources and
 * errors, so the evidence of each section names the files it rests on.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authdb.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "section.h"
#include "text.h"
#include "xmalloc.h"

/* libpam's PAM_SUBSTACK_MAX_LEVEL: deeper includes abort the stack. */
#define AUTHDB_PAM_MAX_LEVEL	16
/* Includes without a cycle can still multiply (a file including another
 * that includes a third, each many times); a real stack is a few dozen
 * rules, so past these the rest is left out and reported. */
#define AUTHDB_PAM_MAX_RULES	4096
#define AUTHDB_PAM_MAX_LOADS	1024

/* Records of one file by name: sorted by name, then line, so that a
 * lookup finds the first line for a name, as getpwnam() does. */
struct authdb_index {
	const char	*name;
	size_t		 line;
	const void	*rec;
};

struct authdb_passwd_cache {
	struct authdb_passwd	 db;
	struct authdb_index	*byname;
};

struct authdb_shadow_cache {
	struct authdb_shadow	 db;
	struct authdb_index	*byname;
};

struct authdb_group_cache {
	struct authdb_group	 db;
};

struct authdb_pam_cache {
	struct authdb_pam_stack	*stack;		/* NULL when not read */
};

static void
authdb_strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *
authdb_pwstate_name(enum authdb_pwstate st)
{
	switch (st) {
	case AUTHDB_PW_EMPTY:
		return "empty";
	case AUTHDB_PW_LOCKED:
		return "locked";
	case AUTHDB_PW_HASHED:
		return "hashed";
	case AUTHDB_PW_SHADOWED:
		return "shadowed";
	}
	return "unknown";
}

static int
authdb_crypt_chars(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '/')
			return 0;
	}
	return 1;
}

const char *
authdb_hash_algorithm(const char *h)
{
	static const struct {
		const char	*prefix, *name;
	} known[] = {
		{ "$y$", "yescrypt" }, { "$gy$", "gost-yescrypt" },
		{ "$7$", "scrypt" }, { "$6$", "sha512" }, { "$5$", "sha256" },
		{ "$1$", "md5" }, { "$2a$", "bcrypt" }, { "$2b$", "bcrypt" },
		{ "$2y$", "bcrypt" }, { "$2x$", "bcrypt" },
		{ "$sha1$", "sha1crypt" }, { "$md5", "sunmd5" },
		{ "$3$", "nthash" },
	};
	size_t	i, n = strlen(h);

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strncmp(h, known[i].prefix, strlen(known[i].prefix)) == 0)
			return known[i].name;
	}
	if (h[0] == '_' && n == 20 && authdb_crypt_chars(h + 1, 19))
		return "bsdicrypt";
	/* Traditional DES: 2 salt and 11 hash characters; bigcrypt adds
	 * blocks of 11. */
	if (n == 13 && authdb_crypt_chars(h, n))
		return "descrypt";
	if (n > 13 && (n - 13) % 11 == 0 && authdb_crypt_chars(h, n))
		return "bigcrypt";
	return "unknown";
}

/* What a password field means to pam_unix and shadow-utils: a leading
 * "!" or "*" can never be crypt(3) output, so no password matches. */
static enum authdb_pwstate
authdb_field_state(const char *f, const char **algorithm)
{
	*algorithm = NULL;
	if (*f == '\0')
		return AUTHDB_PW_EMPTY;
	if (*f == '!' || *f == '*')
		return AUTHDB_PW_LOCKED;
	*algorithm = authdb_hash_algorithm(f);
	return AUTHDB_PW_HASHED;
}

/*
 * Cut the next ':' field of a line in place.  Returns the field; *more
 * says whether a ':' followed it.
 */
static char *
authdb_field(char **cur, int *more)
{
	char	*f = *cur, *c;

	if ((c = strchr(f, ':')) != NULL) {
		*c = '\0';
		*cur = c + 1;
		*more = 1;
	} else {
		*cur = f + strlen(f);
		*more = 0;
	}
	return f;
}

/* An id as glibc reads it: decimal, fitting in 32 bits.  (glibc's
 * strtoul would also take a sign or leading blanks; no tool writes
 * those, so they are reported rather than guessed at.) */
static int
authdb_parse_id(const char *s, long long *out)
{
	long long	v;

	if (!isdigit((unsigned char)*s) || text_parse_int(s, &v) == -1 ||
	    v > 4294967295LL)
		return -1;
	*out = v;
	return 0;
}

/* Lines as glibc's files backend reads them: leading blanks skipped,
 * blank lines and lines starting with "#" ignored. */
static int
authdb_skip_line(const char *line)
{
	return text_is_comment(line, "#");
}

static int
authdb_nis_line(struct section *s, const char *path, size_t lineno,
    const char *line)
{
	if (line[0] != '+' && line[0] != '-')
		return 0;
	section_error(s, "%s:%zu: NIS compat entry, not evaluated", path,
	    lineno);
	return 1;
}

static int
authdb_index_cmp(const void *a, const void *b)
{
	const struct authdb_index	*ia = a, *ib = b;
	int				 c;

	if ((c = strcmp(ia->name, ib->name)) != 0)
		return c;
	return ia->line < ib->line ? -1 : ia->line > ib->line;
}

static void
authdb_index_sort(struct authdb_index *v, size_t n)
{
	if (n > 0)
		qsort(v, n, sizeof(*v), authdb_index_cmp);
}

/* The record of name's first line, or NULL. */
static const void *
authdb_index_find(const struct authdb_index *v, size_t n, const char *name)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(v[lo].name, name) == 0 ? v[lo].rec : NULL;
}

/*
 * passwd(5) as glibc parses it: name, password, uid and gid are
 * required (a line whose ids are not numbers is skipped); gecos, home
 * and shell may be missing and are then empty, and the shell is the
 * rest of the line.
 */
static void
authdb_passwd_parse(struct section *s, const char *path, char *buf,
    struct authdb_passwd *db)
{
	struct authdb_user	*u;
	char			*cur = buf, *line, *p, *name, *pw, *uid, *gid;
	char			*home;
	size_t			 lineno = 0, cap = 0;
	long long		 vuid, vgid;
	int			 more;

	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (authdb_skip_line(line) ||
		    authdb_nis_line(s, path, lineno, line))
			continue;
		p = line;
		name = authdb_field(&p, &more);
		pw = more ? authdb_field(&p, &more) : NULL;
		uid = more ? authdb_field(&p, &more) : NULL;
		gid = uid != NULL ? authdb_field(&p, &more) : NULL;
		if (*name == '\0' || gid == NULL ||
		    authdb_parse_id(uid, &vuid) == -1 ||
		    authdb_parse_id(gid, &vgid) == -1) {
			section_error(s, "%s:%zu: not a valid passwd entry",
			    path, lineno);
			continue;
		}
		if (more)
			(void)authdb_field(&p, &more);	/* gecos */
		home = more ? authdb_field(&p, &more) : p;
		if (db->count == cap) {
			cap = cap ? cap * 2 : 32;
			db->users = xreallocarray(db->users, cap, sizeof(*u));
		}
		u = &db->users[db->count++];
		memset(u, 0, sizeof(*u));
		u->name = xstrdup(name);
		u->uid = vuid;
		u->gid = vgid;
		u->home = xstrdup(home);
		u->shell = xstrdup(more ? p : "");
		u->line = lineno;
		/* pam_unix looks in shadow for "x" and for "##name". */
		if (strcmp(pw, "x") == 0 ||
		    (pw[0] == '#' && pw[1] == '#' && strcmp(pw + 2, name) == 0))
			u->pw = AUTHDB_PW_SHADOWED;
		else
			u->pw = authdb_field_state(pw, &u->algorithm);
	}
}

static void
authdb_passwd_free(void *p)
{
	struct authdb_passwd_cache	*c = p;
	size_t				 i;

	for (i = 0; i < c->db.count; i++) {
		free(c->db.users[i].name);
		free(c->db.users[i].home);
		free(c->db.users[i].shell);
	}
	free(c->db.users);
	free(c->byname);
	free(c);
}

static void *
authdb_passwd_load(struct section *priv, const void *arg)
{
	struct authdb_passwd_cache	*c = xcalloc(1, sizeof(*c));
	char				*buf;
	size_t				 len, i;

	(void)arg;
	if (section_read(priv, "/etc/passwd", &buf, &len) == 0) {
		c->db.present = 1;
		authdb_passwd_parse(priv, "/etc/passwd", buf, &c->db);
		free(buf);
	}
	c->byname = xcalloc(c->db.count + 1, sizeof(*c->byname));
	for (i = 0; i < c->db.count; i++)
		c->byname[i] = (struct authdb_index){ c->db.users[i].name,
		    c->db.users[i].line, &c->db.users[i] };
	authdb_index_sort(c->byname, c->db.count);
	return c;
}

static struct authdb_passwd_cache *
authdb_passwd_cache(struct section *s)
{
	return section_shared(s, "authdb.passwd", authdb_passwd_load, NULL,
	    authdb_passwd_free);
}

const struct authdb_passwd *
authdb_passwd(struct section *s)
{
	return &authdb_passwd_cache(s)->db;
}

const struct authdb_user *
authdb_user_find(const struct authdb_passwd *db, const char *name)
{
	const struct authdb_passwd_cache *c;

	c = (const struct authdb_passwd_cache *)(const void *)db;
	return authdb_index_find(c->byname, db->count, name);
}

/* A numeric shadow field: empty or negative is "not set". */
static int
authdb_shadow_num(const char *f, long long *out)
{
	long long	v;

	*out = AUTHDB_UNSET;
	if (*f == '\0')
		return 0;
	if (text_parse_int(f, &v) == -1 || v > INT32_MAX)
		return -1;
	if (v >= 0)
		*out = v;
	return 0;
}

/*
 * shadow(5) as glibc parses it: nine fields, or the old five-field form
 * (name, password, last change, min, max); the reserved ninth may be
 * missing.  A line with a non-numeric date or age is skipped, as glibc
 * skips it, and reported.  The password field is reduced to its state
 * at once and the buffer wiped by the caller.
 */
static void
authdb_shadow_parse(struct section *s, const char *path, char *buf,
    struct authdb_shadow *db)
{
	struct authdb_shadow_ent	*e, tmp;
	char				*cur = buf, *line, *p, *f[9];
	long long			*nums[6];
	size_t				 lineno = 0, cap = 0, n, i;
	int				 more, bad;

	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (authdb_skip_line(line) ||
		    authdb_nis_line(s, path, lineno, line))
			continue;
		p = line;
		more = 1;
		for (n = 0; n < 9 && more; n++)
			f[n] = authdb_field(&p, &more);
		if (more || *f[0] == '\0' || (n != 5 && n != 8 && n != 9)) {
			section_error(s, "%s:%zu: not a valid shadow entry",
			    path, lineno);
			continue;
		}
		memset(&tmp, 0, sizeof(tmp));
		nums[0] = &tmp.last_change;
		nums[1] = &tmp.min;
		nums[2] = &tmp.max;
		nums[3] = &tmp.warn;
		nums[4] = &tmp.inactive;
		nums[5] = &tmp.expire;
		for (i = 0; i < 6; i++)
			*nums[i] = AUTHDB_UNSET;
		bad = 0;
		for (i = 2; i < n && i < 8; i++) {
			if (authdb_shadow_num(f[i], nums[i - 2]) == -1)
				bad = 1;
		}
		if (bad) {
			section_error(s, "%s:%zu: not a valid shadow entry",
			    path, lineno);
			continue;
		}
		if (db->count == cap) {
			cap = cap ? cap * 2 : 32;
			db->ents = xreallocarray(db->ents, cap, sizeof(*e));
		}
		e = &db->ents[db->count++];
		*e = tmp;
		e->name = xstrdup(f[0]);
		e->pw = authdb_field_state(f[1], &e->algorithm);
		e->line = lineno;
	}
}

static void
authdb_shadow_free(void *p)
{
	struct authdb_shadow_cache	*c = p;
	size_t				 i;

	for (i = 0; i < c->db.count; i++)
		free(c->db.ents[i].name);
	free(c->db.ents);
	free(c->byname);
	free(c);
}

static void *
authdb_shadow_load(struct section *priv, const void *arg)
{
	struct authdb_shadow_cache	*c = xcalloc(1, sizeof(*c));
	char				*buf;
	size_t				 len, i;

	(void)arg;
	if (section_read(priv, "/etc/shadow", &buf, &len) == 0) {
		c->db.present = 1;
		authdb_shadow_parse(priv, "/etc/shadow", buf, &c->db);
		/* The buffer held every password hash. */
		freezero(buf, len);
	}
	c->byname = xcalloc(c->db.count + 1, sizeof(*c->byname));
	for (i = 0; i < c->db.count; i++)
		c->byname[i] = (struct authdb_index){ c->db.ents[i].name,
		    c->db.ents[i].line, &c->db.ents[i] };
	authdb_index_sort(c->byname, c->db.count);
	return c;
}

const struct authdb_shadow *
authdb_shadow(struct section *s)
{
	struct authdb_shadow_cache	*c;

	c = section_shared(s, "authdb.shadow", authdb_shadow_load, NULL,
	    authdb_shadow_free);
	return &c->db;
}

const struct authdb_shadow_ent *
authdb_shadow_find(const struct authdb_shadow *db, const char *name)
{
	const struct authdb_shadow_cache *c;

	c = (const struct authdb_shadow_cache *)(const void *)db;
	return authdb_index_find(c->byname, db->count, name);
}

/* group(5): name, password, gid, and a comma-separated member list that
 * may be missing; glibc skips blanks before each member. */
static void
authdb_group_parse(struct section *s, const char *path, char *buf,
    struct authdb_group *db)
{
	struct authdb_group_ent	*g;
	char			*cur = buf, *line, *p, *name, *gid, *m, *end;
	size_t			 lineno = 0, cap = 0, mcap;
	long long		 vgid;
	int			 more;

	while ((line = text_line(&cur)) != NULL) {
		lineno++;
		if (authdb_skip_line(line) ||
		    authdb_nis_line(s, path, lineno, line))
			continue;
		p = line;
		name = authdb_field(&p, &more);
		if (more)
			(void)authdb_field(&p, &more);
		gid = more ? authdb_field(&p, &more) : NULL;
		if (*name == '\0' || gid == NULL ||
		    authdb_parse_id(gid, &vgid) == -1) {
			section_error(s, "%s:%zu: not a valid group entry",
			    path, lineno);
			continue;
		}
		if (db->count == cap) {
			cap = cap ? cap * 2 : 32;
			db->groups = xreallocarray(db->groups, cap, sizeof(*g));
		}
		g = &db->groups[db->count++];
		memset(g, 0, sizeof(*g));
		g->name = xstrdup(name);
		g->gid = vgid;
		g->line = lineno;
		mcap = 0;
		while (more && *p != '\0') {
			m = p;
			if ((p = strchr(m, ',')) != NULL)
				*p++ = '\0';
			else
				p = m + strlen(m);
			while (*m == ' ' || *m == '\t')
				m++;
			end = m + strlen(m);
			while (end > m && (end[-1] == ' ' || end[-1] == '\t'))
				*--end = '\0';
			if (*m == '\0')
				continue;
			if (g->nmembers == mcap) {
				mcap = mcap ? mcap * 2 : 8;
				g->members = xreallocarray(g->members, mcap,
				    sizeof(*g->members));
			}
			g->members[g->nmembers++] = xstrdup(m);
		}
	}
}

static void
authdb_group_free(void *p)
{
	struct authdb_group_cache	*c = p;
	size_t				 i;

	for (i = 0; i < c->db.count; i++) {
		free(c->db.groups[i].name);
		authdb_strv_free(c->db.groups[i].members,
		    c->db.groups[i].nmembers);
	}
	free(c->db.groups);
	free(c);
}

static void *
authdb_group_load(struct section *priv, const void *arg)
{
	struct authdb_group_cache	*c = xcalloc(1, sizeof(*c));
	char				*buf;
	size_t				 len;

	(void)arg;
	if (section_read(priv, "/etc/group", &buf, &len) == 0) {
		c->db.present = 1;
		authdb_group_parse(priv, "/etc/group", buf, &c->db);
		free(buf);
	}
	return c;
}

const struct authdb_group *
authdb_group(struct section *s)
{
	struct authdb_group_cache	*c;

	c = section_shared(s, "authdb.group", authdb_group_load, NULL,
	    authdb_group_free);
	return &c->db;
}

/*
 * PAM.  libpam assembles a logical line from physical ones: blank and
 * comment-only lines are skipped (even inside a continuation), text from
 * "#" on is dropped and ends the line, and a line whose last non-blank
 * character is "\" continues on the next one, the "\" becoming a blank.
 * A continuation still open at the end of the file is dropped.  (libpam
 * keeps a "\r" as part of the last word; it is removed here so a CRLF
 * file reads as its author meant.)
 */
struct authdb_pam_build {
	struct section		*s;
	struct authdb_pam_stack	*st;
	size_t			 cap;
	/* The files being read, by identity: "../pam.d/x" and a symlink
	 * are the same file as "x". */
	dev_t			 dev[AUTHDB_PAM_MAX_LEVEL + 2];
	ino_t			 ino[AUTHDB_PAM_MAX_LEVEL + 2];
	int			 nchain;
	size_t			 loads;
	int			 truncated;
};

static int	authdb_pam_load(struct authdb_pam_build *, const char *path,
		    const char *filter, int level, int depth,
		    const char *from, size_t fromline);

/*
 * A word from a file fit to quote in an error: a PAM file may be a
 * symlink to /etc/shadow, so anything that does not look like a name
 * (a hash has "$" and is long) is not repeated.
 */
static const char *
authdb_safe(const char *w)
{
	size_t	i;

	for (i = 0; w[i] != '\0'; i++) {
		if (i >= 40 || (!isalnum((unsigned char)w[i]) &&
		    strchr("_-.@", w[i]) == NULL))
			return "(not shown)";
	}
	return w;
}

static int
authdb_pam_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The next word as libpam's tokenizer sees it: blank-separated, or a
 * "[...]" group that may hold blanks, ending at the first "]" ("\]" is a
 * literal "]").  The brackets are removed; *bracketed says there were.
 */
static char *
authdb_pam_token(char **cur, int *bracketed)
{
	char	*p = *cur, *start, *w;

	*bracketed = 0;
	while (authdb_pam_blank(*p))
		p++;
	if (*p == '\0') {
		*cur = p;
		return NULL;
	}
	if (*p == '[') {
		*bracketed = 1;
		start = w = ++p;
		while (*p != '\0' && *p != ']') {
			if (*p == '\\' && p[1] == ']')
				p++;
			*w++ = *p++;
		}
		if (*p == ']')
			p++;
		*w = '\0';
		*cur = p;
		return start;
	}
	start = p;
	while (*p != '\0' && !authdb_pam_blank(*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*cur = p;
	return start;
}

static char *
authdb_pam_path(const char *name)
{
	if (name[0] == '/')
		return xstrdup(name);
	return xasprintf("/etc/pam.d/%s", name);
}

static struct authdb_pam_rule *
authdb_pam_add(struct authdb_pam_build *b)
{
	struct authdb_pam_rule	*r;

	if (b->st->count == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->st->rules = xreallocarray(b->st->rules, b->cap, sizeof(*r));
	}
	r = &b->st->rules[b->st->count++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void
authdb_pam_rule(struct authdb_pam_build *b, const char *path, size_t lineno,
    char *text, const char *filter, int level, int depth)
{
	static const char *const types[] = {
		"auth", "account", "password", "session"
	};
	static const char *const controls[] = {
		"required", "requisite", "sufficient", "optional", "include",
		"substack"
	};
	struct authdb_pam_rule	*r;
	char			*cur = text, *type, *control, *module, *arg;
	char			*inc;
	size_t			 i, cap = 0;
	int			 dash = 0, br, cbr;

	type = authdb_pam_token(&cur, &br);
	if (type == NULL)
		return;
	/* Debian's "@include FILE": the file's rules, here, as if they
	 * were written in place. */
	if (strcmp(type, "@include") == 0) {
		if ((module = authdb_pam_token(&cur, &br)) == NULL) {
			section_error(b->s, "%s:%zu: @include without a file",
			    path, lineno);
			return;
		}
		inc = authdb_pam_path(module);
		authdb_pam_load(b, inc, filter, level + 1, depth, path, lineno);
		free(inc);
		return;
	}
	if (*type == '-') {
		dash = 1;
		type++;
	}
	text_lower(type);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(type, types[i]) == 0)
			break;
	}
	if (i == sizeof(types) / sizeof(types[0])) {
		/* libpam installs such a line as one that always fails. */
		section_error(b->s, "%s:%zu: unknown module type \"%s\"",
		    path, lineno, authdb_safe(type));
		return;
	}
	if (filter != NULL && strcmp(type, filter) != 0)
		return;
	control = authdb_pam_token(&cur, &cbr);
	module = control != NULL ? authdb_pam_token(&cur, &br) : NULL;
	if (module == NULL || *module == '\0') {
		section_error(b->s, "%s:%zu: no control or module", path,
		    lineno);
		return;
	}
	if (!cbr) {
		for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
			if (strcasecmp(control, controls[i]) == 0)
				break;
		}
		if (i == sizeof(controls) / sizeof(controls[0])) {
			section_error(b->s, "%s:%zu: unknown control \"%s\"",
			    path, lineno, authdb_safe(control));
			return;
		}
		text_lower(control);
	}
	r = authdb_pam_add(b);
	r->type = xstrdup(type);
	r->dash = dash;
	r->control = cbr ? xasprintf("[%s]", control) : xstrdup(control);
	r->module = xstrdup(module);
	r->file = xstrdup(path);
	r->line = lineno;
	r->depth = depth;
	while ((arg = authdb_pam_token(&cur, &br)) != NULL) {
		if (r->nargs == cap) {
			cap = cap ? cap * 2 : 4;
			r->args = xreallocarray(r->args, cap, sizeof(*r->args));
		}
		r->args[r->nargs++] = xstrdup(arg);
	}
	if (!cbr && (strcmp(control, "include") == 0 ||
	    strcmp(control, "substack") == 0)) {
		/* Only the included file's rules of this line's type. */
		inc = authdb_pam_path(module);
		authdb_pam_load(b, inc, type, level + 1, depth + 1, path,
		    lineno);
		free(inc);
	}
}

static int
authdb_pam_load(struct authdb_pam_build *b, const char *path,
    const char *filter, int level, int depth, const char *from,
    size_t fromline)
{
	struct stat	 sb;
	char		*buf, *cur, *nl, *s, *e, *logical = NULL;
	size_t		 len, lineno = 0, start = 0, llen = 0, n;
	int		 i, pending = 0;

	if (b->truncated)
		return -1;
	if (++b->loads > AUTHDB_PAM_MAX_LOADS ||
	    b->st->count >= AUTHDB_PAM_MAX_RULES) {
		b->truncated = 1;
		section_error(b->s, "%s: more than %d files or %d rules "
		    "through includes; the rest is not evaluated",
		    b->st->path, AUTHDB_PAM_MAX_LOADS, AUTHDB_PAM_MAX_RULES);
		return -1;
	}
	if (level >= AUTHDB_PAM_MAX_LEVEL) {
		section_error(b->s, "%s:%zu: includes nested %d deep, libpam "
		    "gives up", from, fromline, level);
		return -1;
	}
	if (section_read(b->s, path, &buf, &len) == -1) {
		if (from != NULL && errno == ENOENT)
			section_error(b->s, "%s:%zu: included %s does not exist",
			    from, fromline, path);
		return -1;
	}
	if (section_stat(b->s, path, &sb, 0) == -1) {
		free(buf);
		return -1;
	}
	for (i = 0; i < b->nchain; i++) {
		if (b->dev[i] == sb.st_dev && b->ino[i] == sb.st_ino) {
			/* libpam recurses until its depth limit and fails
			 * the whole stack. */
			section_error(b->s, "%s:%zu: include cycle through %s",
			    from, fromline, path);
			free(buf);
			return -1;
		}
	}
	b->dev[b->nchain] = sb.st_dev;
	b->ino[b->nchain++] = sb.st_ino;
	cur = buf;
	while (*cur != '\0') {
		lineno++;
		s = cur;
		if ((nl = strchr(s, '\n')) != NULL) {
			*nl = '\0';
			cur = nl + 1;
		} else
			cur = s + strlen(s);
		s += strspn(s, " \t\r");
		if (*s == '\0' || *s == '#')
			continue;
		if (!pending)
			start = lineno;
		if ((e = strchr(s, '#')) != NULL) {
			*e = '\0';
			pending = 0;
		} else {
			e = s + strlen(s);
			while (e > s && authdb_pam_blank(e[-1]))
				*--e = '\0';
			pending = e > s && e[-1] == '\\';
			if (pending)
				e[-1] = ' ';
		}
		n = strlen(s);
		logical = xrealloc(logical, llen + n + 1);
		memcpy(logical + llen, s, n + 1);
		llen += n;
		if (pending)
			continue;
		if (!b->truncated && b->st->count < AUTHDB_PAM_MAX_RULES)
			authdb_pam_rule(b, path, start, logical, filter, level,
			    depth);
		llen = 0;
	}
	if (pending)
		section_error(b->s, "%s:%zu: continued line at end of file, "
		    "ignored", path, start);
	free(logical);
	free(buf);
	b->nchain--;
	return 0;
}

static void
authdb_pam_stack_free(struct authdb_pam_stack *st)
{
	size_t	i;

	if (st == NULL)
		return;
	for (i = 0; i < st->count; i++) {
		free(st->rules[i].type);
		free(st->rules[i].control);
		free(st->rules[i].module);
		free(st->rules[i].file);
		authdb_strv_free(st->rules[i].args, st->rules[i].nargs);
	}
	free(st->rules);
	free(st->name);
	free(st->path);
	free(st);
}

static void
authdb_pam_free(void *p)
{
	struct authdb_pam_cache	*c = p;

	authdb_pam_stack_free(c->stack);
	free(c);
}

static void *
authdb_pam_shared_load(struct section *priv, const void *arg)
{
	struct authdb_pam_cache	*c = xcalloc(1, sizeof(*c));
	struct authdb_pam_build	 b;
	const char		*name = arg;
	char			*path;

	memset(&b, 0, sizeof(b));
	b.s = priv;
	path = xasprintf("/etc/pam.d/%s", name);
	b.st = xcalloc(1, sizeof(*b.st));
	b.st->name = xstrdup(name);
	b.st->path = path;
	if (authdb_pam_load(&b, path, NULL, 0, 0, NULL, 0) == 0)
		c->stack = b.st;
	else
		authdb_pam_stack_free(b.st);
	return c;
}

const struct authdb_pam_stack *
authdb_pam(struct section *s, const char *name)
{
	struct authdb_pam_cache	*c;
	char			*key;

	key = xasprintf("authdb.pam.%s", name);
	c = section_shared(s, key, authdb_pam_shared_load, name,
	    authdb_pam_free);
	free(key);
	return c->stack;
}
