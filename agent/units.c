/*
 * systemd unit states from the file system.  The rules follow
 * systemd.unit(5) and systemctl's is-enabled: a unit is masked when its
 * name in /etc/systemd/system or /run/systemd/system links to /dev/null;
 * enabled when a link named after it sits in a *.wants/ or *.requires/
 * directory there; a link in those directories to a unit of another name
 * is an alias; unit files are searched in the unit path in order, the
 * first found wins.  Presets: *.preset files, a name in an earlier
 * directory masking the same name later, all sorted by name, the first
 * matching "enable"/"disable" line deciding.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "section.h"
#include "text.h"
#include "units.h"
#include "xmalloc.h"

/* Where enablement lives: the admin's and the runtime's directories. */
static const char *const config_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system",
};

/* The unit file search path, highest priority first. */
static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system",
	"/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
	"/lib/systemd/system",
};

static const char *const preset_dirs[] = {
	"/etc/systemd/system-preset", "/run/systemd/system-preset",
	"/usr/local/lib/systemd/system-preset",
	"/usr/lib/systemd/system-preset", "/lib/systemd/system-preset",
};

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct strlist {
	char	**v;
	size_t	  n;
};

struct units {
	struct strlist		 enabled;	/* "unit\twanted-by" */
	struct strlist		 masked;
	struct strlist		 aliases;	/* "alias\ttarget" */
	struct strlist		 files;		/* "unit\tpath" */
	struct strlist		 presets;	/* "enable\tpattern", in order */
	char			**enabled_names;
	char			**masked_names;
};

static void
strlist_add(struct strlist *l, char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
}

static void
strlist_free(struct strlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
strlist_sort(struct strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), strp_cmp);
}

/* The value after the tab of the first entry whose key is name. */
static const char *
strlist_lookup(const struct strlist *l, const char *name)
{
	size_t	n = strlen(name), i;

	for (i = 0; i < l->n; i++) {
		if (strncmp(l->v[i], name, n) == 0 && l->v[i][n] == '\t')
			return l->v[i] + n + 1;
	}
	return NULL;
}

static const char *
units_basename(const char *p)
{
	const char	*b = strrchr(p, '/');

	return b != NULL ? b + 1 : p;
}

/*
 * A directory of links is evidence without a file to hash: its source
 * digest is over "name -> target\n" lines in sorted order, which anyone
 * can recompute from the host.
 */
static void
units_listing_source(struct section *s, const char *dir, const char *text)
{
	char	hex[DIGEST_SHA256_HEXLEN];

	section_add_source(s, dir, digest_sha256_hex(text, strlen(text), hex),
	    strlen(text));
}

static void
units_scan_wants(struct section *s, struct units *u, const char *dir,
    const char *sub)
{
	char		**names, *path, *link, *listing, *t, *unit;
	size_t		  n, i, len;
	const char	 *suffix;

	path = xasprintf("%s/%s", dir, sub);
	if (section_list_dir(s, path, NULL, &names, &n) == -1 || n == 0) {
		free(path);
		return;
	}
	/* "multi-user.target.wants" is wanted by "multi-user.target". */
	len = strlen(sub);
	suffix = len > 6 && strcmp(sub + len - 6, ".wants") == 0 ? ".wants" :
	    ".requires";
	unit = xstrndup(sub, len - strlen(suffix));
	listing = xstrdup("");
	for (i = 0; i < n; i++) {
		t = xasprintf("%s/%s", path, names[i]);
		link = section_readlink(s, t);
		free(t);
		t = xasprintf("%s%s -> %s\n", listing, names[i],
		    link ? link : "");
		free(listing);
		listing = t;
		free(link);
		strlist_add(&u->enabled, xasprintf("%s\t%s", names[i], unit));
	}
	units_listing_source(s, path, listing);
	free(listing);
	free(unit);
	free(path);
	section_free_names(names, n);
}

/* Lexically normalise an absolute path: "/dev/../dev/null" is
 * "/dev/null".  Enough to tell what a link names without following it. */
static char *
units_normalise(const char *dir, const char *target)
{
	char	*joined, *out, *p, *tok, *save = NULL;
	size_t	 len;

	joined = target[0] == '/' ? xstrdup(target) :
	    xasprintf("%s/%s", dir, target);
	out = xcalloc(1, strlen(joined) + 2);
	for (tok = strtok_r(joined, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if ((p = strrchr(out, '/')) != NULL)
				*p = '\0';
			continue;
		}
		len = strlen(out);
		out[len] = '/';
		strcpy(out + len + 1, tok);
	}
	if (out[0] == '\0')
		strcpy(out, "/");
	free(joined);
	return out;
}

static void
units_scan_config(struct section *s, struct units *u, const char *dir)
{
	char		**names, *path, *link, *norm, *listing, *t;
	size_t		  n, i, len;
	struct stat	  st;

	if (section_list_dir(s, dir, NULL, &names, &n) == -1)
		return;
	listing = xstrdup("");
	for (i = 0; i < n; i++) {
		len = strlen(names[i]);
		path = xasprintf("%s/%s", dir, names[i]);
		link = NULL;
		if ((len > 6 && strcmp(names[i] + len - 6, ".wants") == 0) ||
		    (len > 9 && strcmp(names[i] + len - 9, ".requires") == 0)) {
			units_scan_wants(s, u, dir, names[i]);
		} else if ((link = section_readlink(s, path)) != NULL) {
			norm = units_normalise(dir, link);
			/* systemd: a link to /dev/null masks the unit. */
			if (strcmp(norm, "/dev/null") == 0)
				strlist_add(&u->masked, xstrdup(names[i]));
			else if (strcmp(units_basename(norm), names[i]) != 0)
				strlist_add(&u->aliases, xasprintf("%s\t%s",
				    names[i], units_basename(norm)));
			else if (section_stat(s, path, &st, 0) == 0)
				strlist_add(&u->files, xasprintf("%s\t%s",
				    names[i], path));
			free(norm);
		} else if (strchr(names[i], '.') != NULL &&
		    strlist_lookup(&u->files, names[i]) == NULL &&
		    section_stat(s, path, &st, 1) == 0 && S_ISREG(st.st_mode)) {
			/* An empty unit file masks too; otherwise it is the
			 * admin's own unit (or a copy overriding the
			 * vendor's): the first in the unit path wins. */
			if (st.st_size == 0)
				strlist_add(&u->masked, xstrdup(names[i]));
			else
				strlist_add(&u->files, xasprintf("%s\t%s",
				    names[i], path));
		}
		/* Masks and aliases live here as links: their listing is
		 * evidence, "name -> target" per line. */
		t = xasprintf("%s%s%s%s\n", listing, names[i],
		    link != NULL ? " -> " : "", link != NULL ? link : "");
		free(listing);
		listing = t;
		free(link);
		free(path);
	}
	if (n > 0)
		units_listing_source(s, dir, listing);
	free(listing);
	section_free_names(names, n);
}

static void
units_scan_files(struct section *s, struct units *u, const char *dir)
{
	char		**names;
	size_t		  n, i;

	if (section_list_dir(s, dir, NULL, &names, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (strchr(names[i], '.') == NULL ||
		    strlist_lookup(&u->files, names[i]) != NULL)
			continue;
		strlist_add(&u->files, xasprintf("%s\t%s/%s", names[i], dir,
		    names[i]));
	}
	section_free_names(names, n);
}

static void
units_read_presets(struct section *s, struct units *u)
{
	struct strlist	 files = { 0 };
	char		**names, *path, *buf, *cur, *line, *verb, *pat;
	size_t		  n, i, d, len;

	for (d = 0; d < NELEMS(preset_dirs); d++) {
		if (section_list_dir(s, preset_dirs[d], ".preset", &names,
		    &n) == -1)
			continue;
		for (i = 0; i < n; i++) {
			/* An earlier directory's file masks the name. */
			if (strlist_lookup(&files, names[i]) == NULL)
				strlist_add(&files, xasprintf("%s\t%s/%s",
				    names[i], preset_dirs[d], names[i]));
		}
		section_free_names(names, n);
	}
	strlist_sort(&files);
	for (i = 0; i < files.n; i++) {
		path = strchr(files.v[i], '\t') + 1;
		if (section_read(s, path, &buf, &len) == -1)
			continue;
		cur = buf;
		while ((line = text_line(&cur)) != NULL) {
			if (text_is_comment(line, "#;"))
				continue;
			text_split_ws(line, &verb, &pat);
			if ((strcmp(verb, "enable") == 0 ||
			    strcmp(verb, "disable") == 0) && *pat != '\0') {
				pat[strcspn(pat, " \t")] = '\0';
				strlist_add(&u->presets, xasprintf("%s\t%s",
				    verb, pat));
			}
		}
		free(buf);
	}
	strlist_free(&files);
}

static void
units_load(struct section *s, struct units *u)
{
	size_t	i, j;

	for (i = 0; i < NELEMS(config_dirs); i++)
		units_scan_config(s, u, config_dirs[i]);
	for (i = 2; i < NELEMS(unit_dirs); i++)
		units_scan_files(s, u, unit_dirs[i]);
	units_read_presets(s, u);
	strlist_sort(&u->enabled);
	strlist_sort(&u->masked);
	/* Masked in both /etc and /run: one mask. */
	for (i = j = 0; i < u->masked.n; i++) {
		if (j > 0 && strcmp(u->masked.v[j - 1], u->masked.v[i]) == 0)
			free(u->masked.v[i]);
		else
			u->masked.v[j++] = u->masked.v[i];
	}
	u->masked.n = j;

	/* Names only, without the wanted-by part, for units_enabled(). */
	u->enabled_names = xcalloc(u->enabled.n + 1, sizeof(char *));
	for (i = j = 0; i < u->enabled.n; i++) {
		if (j > 0 && strncmp(u->enabled_names[j - 1], u->enabled.v[i],
		    strcspn(u->enabled.v[i], "\t")) == 0 &&
		    u->enabled_names[j - 1][strcspn(u->enabled.v[i], "\t")] ==
		    '\0')
			continue;
		u->enabled_names[j++] = xstrndup(u->enabled.v[i],
		    strcspn(u->enabled.v[i], "\t"));
	}
	u->enabled_names[j] = NULL;
	u->masked_names = xcalloc(u->masked.n + 1, sizeof(char *));
	for (i = 0; i < u->masked.n; i++)
		u->masked_names[i] = u->masked.v[i];
}

static void
units_free(void *p)
{
	struct units	*u = p;
	size_t		 i;

	for (i = 0; u->enabled_names[i] != NULL; i++)
		free(u->enabled_names[i]);
	free(u->enabled_names);
	free(u->masked_names);
	strlist_free(&u->enabled);
	strlist_free(&u->masked);
	strlist_free(&u->aliases);
	strlist_free(&u->files);
	strlist_free(&u->presets);
	free(u);
}

static void *
units_shared_load(struct section *priv, const void *arg)
{
	struct units	*u = xcalloc(1, sizeof(*u));

	(void)arg;
	units_load(priv, u);
	return u;
}

const struct units *
units_get(struct section *s)
{
	return section_shared(s, "units", units_shared_load, NULL, units_free);
}

/* "getty@tty1.service" is an instance of "getty@.service". */
static int
units_is_instance_of(const char *inst, const char *tmpl)
{
	const char	*at = strchr(tmpl, '@'), *dot;
	size_t		 pre;

	if (at == NULL || at[1] != '.')
		return 0;
	pre = (size_t)(at - tmpl) + 1;
	dot = strrchr(inst, '.');
	return strncmp(inst, tmpl, pre) == 0 && dot != NULL &&
	    strcmp(dot, at + 1) == 0 && dot > inst + pre;
}

int
units_state(const struct units *u, const char *name, struct unit_state *st)
{
	const char	*alias, *tab;
	char		*entry;
	size_t		 i;
	int		 known = 0;

	memset(st, 0, sizeof(*st));
	/* Follow one level of alias: sshd.service -> ssh.service. */
	if ((alias = strlist_lookup(&u->aliases, name)) != NULL)
		name = alias;
	st->name = name;
	st->path = strlist_lookup(&u->files, name);
	known = st->path != NULL;
	for (i = 0; i < u->masked.n; i++) {
		if (strcmp(u->masked.v[i], name) == 0)
			st->masked = known = 1;
	}
	for (i = 0; u->enabled.v != NULL && i < u->enabled.n; i++) {
		tab = strchr(u->enabled.v[i], '\t');
		entry = xstrndup(u->enabled.v[i],
		    (size_t)(tab - u->enabled.v[i]));
		if (strcmp(entry, name) == 0 ||
		    units_is_instance_of(entry, name)) {
			if (!st->enabled)
				st->wanted_by = tab + 1;
			st->enabled = known = 1;
		}
		free(entry);
	}
	for (i = 0; i < u->presets.n; i++) {
		if (fnmatch(strchr(u->presets.v[i], '\t') + 1, name, 0) == 0) {
			st->preset = strncmp(u->presets.v[i], "enable", 6) == 0 ?
			    "enable" : "disable";
			break;
		}
	}
	return known ? 0 : -1;
}

const char *const *
units_enabled(const struct units *u, size_t *count)
{
	size_t	n = 0;

	while (u->enabled_names[n] != NULL)
		n++;
	*count = n;
	return (const char *const *)u->enabled_names;
}

const char *const *
units_masked(const struct units *u, size_t *count)
{
	*count = u->masked.n;
	return (const char *const *)u->masked_names;
}
