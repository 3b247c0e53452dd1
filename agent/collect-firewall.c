/*
 * firewall: the packet filter configuration a host loads at boot, from
 * the files of each front end (nftables, iptables-persistent, ufw,
 * firewalld), and which front ends are installed and enabled.  What is
 * loaded in the kernel right now is not visible to a file reader; what
 * boot loads is, and that is what a reboot would give.
 *
 * data.nftables (when /etc/nftables.conf (Debian) or
 *   /etc/sysconfig/nftables.conf (RHEL) exists; the first found)
 *   .config                 the main file
 *   .files                  [every file read, in reading order]
 *   .complete               boolean: nft -f would accept the file set as
 *                           far as this parser sees (every include found,
 *                           no include cycle or nesting beyond 16, braces
 *                           balanced, policies known)
 *   .flush_ruleset          boolean: "flush ruleset" is present (tables
 *                           defined before it are dropped, as nft does)
 *   .tables                 [{"family", "name", "chains": [{"name",
 *                           "base" (boolean), "type", "hook", "device",
 *                           "priority" (as written), "policy" ("accept"
 *                           or "drop"; base chains, "accept" when not
 *                           written, as in the kernel), "policy_set"
 *                           (boolean), "rules" (integer)}]}], tables
 *                           sorted by family then name, chains by name.
 *                           Blocks of the same table or chain in several
 *                           places are merged; a repeated policy: the last
 *                           one read wins, as nft applies them in order.
 *   .input_policy_drop      boolean: an input base chain of family ip,
 *                           ip6 or inet has policy drop
 * data.iptables.v4, .v6 (/etc/iptables/rules.v4 and rules.v6, or RHEL's
 *   /etc/sysconfig/iptables and ip6tables; the first found of each)
 *   .file, .complete        (every table ended by COMMIT, every rule's
 *                           chain declared, every policy valid)
 *   .tables                 [{"name", "chains": [{"name", "policy"
 *                           ("ACCEPT"/"DROP"; absent for user chains),
 *                           "rules"}]}], sorted by name; a table given
 *                           twice: the later committed block wins, as
 *                           iptables-restore flushes the table again
 *   .input_policy           the filter table's INPUT policy
 * data.ufw (when /etc/ufw/ufw.conf or /etc/default/ufw exists)
 *   .enabled                boolean, ENABLED=yes|no
 *   .ipv6                   boolean, IPV6=yes|no
 *   .default_input_policy, .default_output_policy,
 *   .default_forward_policy "accept", "drop" or "reject"
 *   .user_rules, .user6_rules  integers: "### tuple ###" entries in
 *                           /etc/ufw/user.rules and user6.rules
 *   Both files are sourced by ufw-init, /etc/default/ufw first; a
 *   variable set twice: the last assignment wins, as in the shell.
 * data.firewalld (when /etc/firewalld/firewalld.conf exists)
 *   .default_zone           DefaultZone ("public", firewalld's fallback,
 *                           when the file does not set it)
 *   .zone                   {"name", "file", "target" ("default" when
 *                           the zone has no target attribute), "services",
 *                           "ports" (["80/tcp"]), "sources", "interfaces"
 *                           (lists sorted), "rich_rules" (integer)}: the
 *                           default zone, /etc/firewalld/zones/ over
 *                           /usr/lib/firewalld/zones/
 *   firewalld.conf: the first definition of a key wins (firewalld logs
 *   later ones as duplicates and ignores them).
 * data.products.{nftables,ufw,firewalld,iptables_persistent}
 *   .installed              boolean (absent when the package database
 *                           is missing or incomplete and nothing was
 *                           found)
 *   .package                the package found
 *   .unit                   the unit (systemd) or service (OpenRC)
 *   .enabled, .masked       booleans (absent when no init system found)
 * data.active_firewall      [product names enabled and not masked, in
 *                           the order above; ufw also needs ENABLED=yes,
 *                           as ufw-init loads nothing otherwise]
 *
 * nft include resolution: an absolute path as is; "./x" and "../x"
 * against "/" (the working directory systemd gives nftables.service); any
 * other relative name against nft's default include path, /etc.  A glob
 * (* ? [) is allowed in the last component only; matches load sorted,
 * dot files skipped, no match is not an error; a directory loads all its
 * files sorted.  A missing non-glob file is an error, as in nft.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "initsys.h"
#include "jsonutil.h"
#include "pkgdb.h"
#include "section.h"
#include "text.h"
#include "units.h"
#include "xmalloc.h"

#define NELEMS(a)		(sizeof(a) / sizeof((a)[0]))
#define NFT_MAX_DEPTH		16	/* nft's MAX_INCLUDE_DEPTH */
#define NFT_MAX_FILES		1024

/* nftables ------------------------------------------------------------ */

enum nft_tok_type { NT_WORD, NT_STRING, NT_LBRACE, NT_RBRACE, NT_END };

struct nft_tok {
	enum nft_tok_type	 type;
	char			*text;		/* NT_WORD, NT_STRING */
	size_t			 line;
};

struct nft_chain {
	char		*name;
	char		*type, *hook, *device, *priority, *policy;
	int		 base;
	int		 policy_set;	/* 1 written, 0 not, -1 not understood */
	long long	 rules;
};

struct nft_table {
	char			*family, *name;
	struct nft_chain	*chains;
	size_t			 nchains;
	struct json_object	*index;		/* chain name -> position */
};

struct nft_ctx {
	struct section		*s;
	struct nft_table	*tables;
	size_t			 ntables;
	struct json_object	*index;		/* "family name" -> position */
	char			*stack[NFT_MAX_DEPTH + 1];
	size_t			 depth;
	size_t			 nfiles;
	struct json_object	*files;
	int			 flush, complete;
};

struct nft_parser {
	struct nft_ctx		*ctx;
	const char		*path;
	struct nft_tok		*t;
	size_t			 n, i;
};

static void	nft_load(struct nft_ctx *, const char *, const char *,
		    size_t);

static void
nft_tok_add(struct nft_tok **v, size_t *n, size_t *cap,
    enum nft_tok_type type, char *text, size_t line)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[*n].type = type;
	(*v)[*n].text = text;
	(*v)[*n].line = line;
	(*n)++;
}

/*
 * nft's lexer in small: words, "strings", braces, and statement ends
 * (newline or ';'); "#" comments to the end of the line; a backslash
 * before a newline joins lines.  Returns -1 on an unterminated string.
 */
static int
nft_tokenize(struct section *s, const char *path, const char *buf,
    struct nft_tok **out, size_t *count)
{
	struct nft_tok	*v = NULL;
	size_t		 n = 0, cap = 0, line = 1;
	const char	*p = buf, *start;

	while (*p != '\0') {
		if (*p == '\\' && (p[1] == '\n' ||
		    (p[1] == '\r' && p[2] == '\n'))) {
			p += p[1] == '\n' ? 2 : 3;
			line++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\f' || *p == '\v')
			p++;
		else if (*p == '#') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (*p == '\n' || *p == ';') {
			nft_tok_add(&v, &n, &cap, NT_END, NULL, line);
			if (*p++ == '\n')
				line++;
		} else if (*p == '{' || *p == '}') {
			nft_tok_add(&v, &n, &cap, *p == '{' ? NT_LBRACE :
			    NT_RBRACE, NULL, line);
			p++;
		} else if (*p == '"') {
			start = ++p;
			while (*p != '\0' && *p != '"' && *p != '\n')
				p++;
			if (*p != '"') {
				section_error(s, "%s:%zu: unterminated string",
				    path, line);
				goto fail;
			}
			nft_tok_add(&v, &n, &cap, NT_STRING,
			    xstrndup(start, (size_t)(p - start)), line);
			p++;
		} else {
			start = p;
			while (*p != '\0' && strchr(" \t\r\f\v\n;{}\"#", *p) ==
			    NULL)
				p++;
			nft_tok_add(&v, &n, &cap, NT_WORD,
			    xstrndup(start, (size_t)(p - start)), line);
		}
	}
	nft_tok_add(&v, &n, &cap, NT_END, NULL, line);
	*out = v;
	*count = n;
	return 0;
fail:
	while (n > 0)
		free(v[--n].text);
	free(v);
	return -1;
}

static const struct nft_tok *
nft_peek(struct nft_parser *p)
{
	return p->i < p->n ? &p->t[p->i] : NULL;
}

/* The current token's text when it is a word or string. */
static const char *
nft_word(struct nft_parser *p)
{
	const struct nft_tok	*t = nft_peek(p);

	if (t == NULL || (t->type != NT_WORD && t->type != NT_STRING))
		return NULL;
	return t->text;
}

static int
nft_is(struct nft_parser *p, const char *w)
{
	const struct nft_tok	*t = nft_peek(p);

	return t != NULL && t->type == NT_WORD && strcmp(t->text, w) == 0;
}

static size_t
nft_line(struct nft_parser *p)
{
	if (p->n == 0)
		return 0;
	return p->t[p->i < p->n ? p->i : p->n - 1].line;
}

/*
 * Skip to the end of the statement: a statement end at this brace depth,
 * or the "}" that closes the enclosing block (left for the caller).
 */
static void
nft_skip_stmt(struct nft_parser *p)
{
	size_t	depth = 0;

	for (; p->i < p->n; p->i++) {
		switch (p->t[p->i].type) {
		case NT_LBRACE:
			depth++;
			break;
		case NT_RBRACE:
			if (depth == 0)
				return;
			depth--;
			/* "chain x { ... }" ends with its brace. */
			if (depth == 0 && p->i + 1 < p->n &&
			    p->t[p->i + 1].type == NT_END) {
				p->i++;
				return;
			}
			break;
		case NT_END:
			if (depth == 0) {
				p->i++;
				return;
			}
			break;
		default:
			break;
		}
	}
}

static int
nft_family_ok(const char *f)
{
	static const char *const fams[] = {
		"ip", "ip6", "inet", "arp", "bridge", "netdev",
	};
	size_t	i;

	for (i = 0; i < NELEMS(fams); i++) {
		if (strcmp(f, fams[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Position of key in a name index (a json-c object is a hash table), or
 * -1 after recording pos for it: lookups stay linear in the file size.
 */
static int64_t
fw_index(struct json_object **index, const char *key, size_t pos)
{
	struct json_object	*v;

	if (*index == NULL)
		*index = json_object_new_object();
	if (json_object_object_get_ex(*index, key, &v))
		return json_object_get_int64(v);
	jsonutil_set_int64(*index, key, (int64_t)pos);
	return -1;
}

static struct nft_table *
nft_table_get(struct nft_ctx *c, const char *family, const char *name)
{
	struct nft_table	*t;
	char			*key;
	int64_t			 i;

	key = xasprintf("%s %s", family, name);
	i = fw_index(&c->index, key, c->ntables);
	free(key);
	if (i != -1)
		return &c->tables[i];
	c->tables = xreallocarray(c->tables, c->ntables + 1,
	    sizeof(*c->tables));
	t = &c->tables[c->ntables++];
	memset(t, 0, sizeof(*t));
	t->family = xstrdup(family);
	t->name = xstrdup(name);
	return t;
}

static struct nft_chain *
nft_chain_get(struct nft_table *t, const char *name)
{
	struct nft_chain	*ch;
	int64_t			 i;

	if ((i = fw_index(&t->index, name, t->nchains)) != -1)
		return &t->chains[i];
	t->chains = xreallocarray(t->chains, t->nchains + 1,
	    sizeof(*t->chains));
	ch = &t->chains[t->nchains++];
	memset(ch, 0, sizeof(*ch));
	ch->name = xstrdup(name);
	return ch;
}

static void
nft_chain_free(struct nft_chain *ch)
{
	free(ch->name);
	free(ch->type);
	free(ch->hook);
	free(ch->device);
	free(ch->priority);
	free(ch->policy);
}

static void
nft_table_free(struct nft_table *t)
{
	size_t	i;

	for (i = 0; i < t->nchains; i++)
		nft_chain_free(&t->chains[i]);
	free(t->chains);
	free(t->family);
	free(t->name);
	json_object_put(t->index);
}

static void
nft_tables_clear(struct nft_ctx *c)
{
	size_t	i;

	for (i = 0; i < c->ntables; i++)
		nft_table_free(&c->tables[i]);
	free(c->tables);
	c->tables = NULL;
	c->ntables = 0;
	json_object_put(c->index);
	c->index = NULL;
}

static void
nft_set(char **dst, const char *val)
{
	free(*dst);
	*dst = xstrdup(val);
}

/* "type filter hook input [device eth0] priority filter + 10" */
static void
nft_hook_spec(struct nft_parser *p, struct nft_chain *ch)
{
	const struct nft_tok	*t;
	const char		*w;
	char			*prio = NULL, *tmp;

	ch->base = 1;
	while ((t = nft_peek(p)) != NULL && t->type != NT_END &&
	    t->type != NT_RBRACE) {
		if (nft_is(p, "policy"))
			return;		/* tolerated without a ';' */
		if ((nft_is(p, "type") || nft_is(p, "hook") ||
		    nft_is(p, "device")) && p->i + 1 < p->n &&
		    (w = p->t[p->i + 1].text) != NULL) {
			nft_set(nft_is(p, "type") ? &ch->type :
			    nft_is(p, "hook") ? &ch->hook : &ch->device, w);
			p->i += 2;
		} else if (nft_is(p, "priority")) {
			p->i++;
			while ((w = nft_word(p)) != NULL && !nft_is(p, "policy")) {
				tmp = prio == NULL ? xstrdup(w) :
				    xasprintf("%s %s", prio, w);
				free(prio);
				prio = tmp;
				p->i++;
			}
		} else
			p->i++;
	}
	if (prio != NULL) {
		free(ch->priority);
		ch->priority = prio;
	}
}

static void
nft_policy(struct nft_parser *p, struct nft_chain *ch)
{
	const char	*w;
	size_t		 line = nft_line(p);

	p->i++;
	if ((w = nft_word(p)) == NULL) {
		section_error(p->ctx->s, "%s:%zu: policy without a value",
		    p->path, line);
		p->ctx->complete = 0;
		return;
	}
	if (strcmp(w, "accept") == 0 || strcmp(w, "drop") == 0) {
		nft_set(&ch->policy, w);
		ch->policy_set = 1;
	} else {
		/* A $variable or a typo: not resolved, not reported. */
		section_error(p->ctx->s, "%s:%zu: policy \"%s\" not "
		    "understood", p->path, line, w);
		if (w[0] != '$')
			p->ctx->complete = 0;
		free(ch->policy);
		ch->policy = NULL;
		ch->policy_set = -1;
	}
	p->i++;
}

/* Inside "chain NAME { ... }"; on return the "}" is consumed. */
static void
nft_chain_body(struct nft_parser *p, struct nft_chain *ch)
{
	const struct nft_tok	*t;

	while ((t = nft_peek(p)) != NULL) {
		if (t->type == NT_END) {
			p->i++;
			continue;
		}
		if (t->type == NT_RBRACE) {
			p->i++;
			return;
		}
		if (nft_is(p, "type")) {
			nft_hook_spec(p, ch);
			if (nft_is(p, "policy"))
				nft_policy(p, ch);
		} else if (nft_is(p, "policy"))
			nft_policy(p, ch);
		else if (nft_is(p, "comment") || nft_is(p, "devices") ||
		    nft_is(p, "flags"))
			;
		else
			ch->rules++;
		nft_skip_stmt(p);
	}
	section_error(p->ctx->s, "%s: chain %s: missing \"}\"", p->path,
	    ch->name);
	p->ctx->complete = 0;
}

/* Inside "table ... { ... }"; on return the "}" is consumed. */
static void
nft_table_body(struct nft_parser *p, struct nft_table *tb)
{
	const struct nft_tok	*t;
	const char		*name;
	struct nft_chain	*ch;

	while ((t = nft_peek(p)) != NULL) {
		if (t->type == NT_END) {
			p->i++;
			continue;
		}
		if (t->type == NT_RBRACE) {
			p->i++;
			return;
		}
		if (nft_is(p, "chain")) {
			p->i++;
			if ((name = nft_word(p)) == NULL) {
				section_error(p->ctx->s, "%s:%zu: chain "
				    "without a name", p->path, nft_line(p));
				p->ctx->complete = 0;
				nft_skip_stmt(p);
				continue;
			}
			ch = nft_chain_get(tb, name);
			p->i++;
			if ((t = nft_peek(p)) != NULL && t->type == NT_LBRACE) {
				p->i++;
				nft_chain_body(p, ch);
				continue;
			}
		}
		/* Sets, maps, flowtables, objects, flags, comments. */
		nft_skip_stmt(p);
	}
	section_error(p->ctx->s, "%s: table %s: missing \"}\"", p->path,
	    tb->name);
	p->ctx->complete = 0;
}

/*
 * "[family] name" of a table; the family defaults to ip as in nft.
 * NULL (and an error) when it is not one.
 */
static struct nft_table *
nft_table_ref(struct nft_parser *p)
{
	const char	*a, *b = NULL;
	size_t		 line = nft_line(p);

	if ((a = nft_word(p)) == NULL)
		goto bad;
	p->i++;
	if ((b = nft_word(p)) != NULL && nft_family_ok(a)) {
		p->i++;
		return nft_table_get(p->ctx, a, b);
	}
	if (b != NULL && !nft_family_ok(a)) {
		section_error(p->ctx->s, "%s:%zu: unknown family \"%s\"",
		    p->path, line, a);
		p->ctx->complete = 0;
		return NULL;
	}
	return nft_table_get(p->ctx, "ip", a);
bad:
	section_error(p->ctx->s, "%s:%zu: table without a name", p->path, line);
	p->ctx->complete = 0;
	return NULL;
}

/* "add chain [family] table chain [{ ... }]" and "add rule ...". */
static void
nft_add_cmd(struct nft_parser *p, int rule)
{
	struct nft_table	*tb;
	struct nft_chain	*ch;
	const struct nft_tok	*t;
	const char		*name;

	if ((tb = nft_table_ref(p)) == NULL || (name = nft_word(p)) == NULL)
		return;
	ch = nft_chain_get(tb, name);
	p->i++;
	if (rule) {
		ch->rules++;
		return;
	}
	if ((t = nft_peek(p)) != NULL && t->type == NT_LBRACE) {
		p->i++;
		nft_chain_body(p, ch);
	}
}

static void
nft_include(struct nft_parser *p)
{
	const struct nft_tok	*t;
	size_t			 line = nft_line(p);

	p->i++;
	t = nft_peek(p);
	if (t == NULL || t->type != NT_STRING) {
		section_error(p->ctx->s, "%s:%zu: include needs a quoted file "
		    "name", p->path, line);
		p->ctx->complete = 0;
		return;
	}
	p->i++;
	nft_load(p->ctx, t->text, p->path, line);
}

static void
nft_parse(struct nft_parser *p)
{
	const struct nft_tok	*t;
	struct nft_table	*tb;
	size_t			 i;

	while ((t = nft_peek(p)) != NULL) {
		if (t->type == NT_END) {
			p->i++;
			continue;
		}
		if (t->type == NT_RBRACE) {
			section_error(p->ctx->s, "%s:%zu: unexpected \"}\"",
			    p->path, t->line);
			p->ctx->complete = 0;
			p->i++;
			continue;
		}
		if (nft_is(p, "include")) {
			nft_include(p);
		} else if (nft_is(p, "flush") && p->i + 1 < p->n &&
		    p->t[p->i + 1].text != NULL &&
		    strcmp(p->t[p->i + 1].text, "ruleset") == 0) {
			/* Everything defined so far is gone again. */
			p->ctx->flush = 1;
			nft_tables_clear(p->ctx);
		} else if (nft_is(p, "table") || ((nft_is(p, "add") ||
		    nft_is(p, "create")) && p->i + 1 < p->n &&
		    p->t[p->i + 1].text != NULL &&
		    strcmp(p->t[p->i + 1].text, "table") == 0)) {
			p->i += nft_is(p, "table") ? 1 : 2;
			if ((tb = nft_table_ref(p)) != NULL &&
			    (t = nft_peek(p)) != NULL && t->type == NT_LBRACE) {
				p->i++;
				nft_table_body(p, tb);
				continue;
			}
		} else if ((nft_is(p, "add") || nft_is(p, "create") ||
		    nft_is(p, "insert")) && p->i + 1 < p->n &&
		    p->t[p->i + 1].text != NULL &&
		    (strcmp(p->t[p->i + 1].text, "chain") == 0 ||
		    strcmp(p->t[p->i + 1].text, "rule") == 0)) {
			i = p->i + 1;
			p->i += 2;
			nft_add_cmd(p, strcmp(p->t[i].text, "rule") == 0);
		}
		/* define, delete, sets declared outside tables, ... */
		nft_skip_stmt(p);
	}
}

static void
nft_load_file(struct nft_ctx *c, const char *path)
{
	struct nft_parser	 p;
	char			*buf;
	size_t			 len, i;

	for (i = 0; i < c->depth; i++) {
		if (strcmp(c->stack[i], path) == 0) {
			section_error(c->s, "%s: include cycle", path);
			c->complete = 0;
			return;
		}
	}
	if (c->depth >= NFT_MAX_DEPTH) {
		section_error(c->s, "%s: includes nested deeper than %d", path,
		    NFT_MAX_DEPTH);
		c->complete = 0;
		return;
	}
	if (c->nfiles >= NFT_MAX_FILES) {
		section_error(c->s, "%s: more than %d files included, not read",
		    path, NFT_MAX_FILES);
		c->complete = 0;
		return;
	}
	if (section_read(c->s, path, &buf, &len) == -1) {
		/* nft refuses the whole set when a file is missing. */
		if (errno == ENOENT)
			section_error(c->s, "%s: included file not found",
			    path);
		c->complete = 0;
		return;
	}
	c->nfiles++;
	json_object_array_add(c->files, json_object_new_string(path));
	memset(&p, 0, sizeof(p));
	p.ctx = c;
	p.path = path;
	if (nft_tokenize(c->s, path, buf, &p.t, &p.n) == 0) {
		c->stack[c->depth++] = xstrdup(path);
		nft_parse(&p);
		free(c->stack[--c->depth]);
		for (i = 0; i < p.n; i++)
			free(p.t[i].text);
		free(p.t);
	} else
		c->complete = 0;
	free(buf);
}

/* Every regular, non-hidden name in dir matching pat (NULL: all). */
static void
nft_load_dir(struct nft_ctx *c, const char *dir, const char *pat)
{
	char		**names, *path;
	size_t		  n, i;
	struct stat	  st;

	if (section_list_dir(c->s, dir, NULL, &names, &n) == -1) {
		c->complete = 0;
		return;
	}
	for (i = 0; i < n; i++) {
		if (names[i][0] == '.' ||
		    (pat != NULL && fnmatch(pat, names[i], FNM_PERIOD) != 0))
			continue;
		path = xasprintf("%s%s%s", dir, strcmp(dir, "/") == 0 ? "" :
		    "/", names[i]);
		if (section_stat(c->s, path, &st, 0) == -1) {
			/* nft lists the name, then fails to open it. */
			if (errno == ENOENT)
				section_error(c->s, "%s: dangling link", path);
			c->complete = 0;
		} else if (S_ISREG(st.st_mode))
			nft_load_file(c, path);
		free(path);
	}
	section_free_names(names, n);
}

static void
nft_load(struct nft_ctx *c, const char *name, const char *from, size_t line)
{
	char		*path, *slash, *dir;
	struct stat	 st;

	if (*name == '\0') {
		section_error(c->s, "%s:%zu: empty include", from, line);
		c->complete = 0;
		return;
	}
	if (name[0] == '/')
		path = xstrdup(name);
	else if (strncmp(name, "./", 2) == 0 || strncmp(name, "../", 3) == 0) {
		/* From "/", "./" and "../" both stay at "/". */
		while (strncmp(name, "./", 2) == 0 ||
		    strncmp(name, "../", 3) == 0)
			name += name[1] == '/' ? 2 : 3;
		path = xasprintf("/%s", name);
	}
	else
		path = xasprintf("/etc/%s", name);
	slash = strrchr(path, '/');
	if (strpbrk(path, "*?[") != NULL && strpbrk(path, "*?[") < slash) {
		section_error(c->s, "%s:%zu: include \"%s\": wildcards in "
		    "directory names are not resolved", from, line, name);
		c->complete = 0;
	} else if (strpbrk(slash + 1, "*?[") != NULL) {
		dir = slash == path ? xstrdup("/") :
		    xstrndup(path, (size_t)(slash - path));
		nft_load_dir(c, dir, slash + 1);
		free(dir);
	} else if (section_stat(c->s, path, &st, 0) == 0 &&
	    S_ISDIR(st.st_mode))
		nft_load_dir(c, path, NULL);
	else
		nft_load_file(c, path);
	free(path);
}

static int
nft_table_cmp(const void *a, const void *b)
{
	const struct nft_table	*x = a, *y = b;
	int			 r;

	if ((r = strcmp(x->family, y->family)) != 0)
		return r;
	return strcmp(x->name, y->name);
}

static int
nft_chain_cmp(const void *a, const void *b)
{
	return strcmp(((const struct nft_chain *)a)->name,
	    ((const struct nft_chain *)b)->name);
}

static struct json_object *
nft_json(struct nft_ctx *c, int *input_drop)
{
	struct json_object	*tables, *to, *chains, *co;
	struct nft_table	*t;
	struct nft_chain	*ch;
	size_t			 i, j;

	*input_drop = 0;
	/* Sorting moves entries: the name indexes are done with. */
	json_object_put(c->index);
	c->index = NULL;
	for (i = 0; i < c->ntables; i++) {
		json_object_put(c->tables[i].index);
		c->tables[i].index = NULL;
	}
	if (c->ntables > 1)
		qsort(c->tables, c->ntables, sizeof(*c->tables), nft_table_cmp);
	tables = json_object_new_array();
	for (i = 0; i < c->ntables; i++) {
		t = &c->tables[i];
		if (t->nchains > 1)
			qsort(t->chains, t->nchains, sizeof(*t->chains),
			    nft_chain_cmp);
		to = json_object_new_object();
		jsonutil_set_string(to, "family", t->family);
		jsonutil_set_string(to, "name", t->name);
		chains = json_object_new_array();
		for (j = 0; j < t->nchains; j++) {
			ch = &t->chains[j];
			co = json_object_new_object();
			jsonutil_set_string(co, "name", ch->name);
			jsonutil_set_bool(co, "base", ch->base);
			if (ch->type != NULL)
				jsonutil_set_string(co, "type", ch->type);
			if (ch->hook != NULL)
				jsonutil_set_string(co, "hook", ch->hook);
			if (ch->device != NULL)
				jsonutil_set_string(co, "device", ch->device);
			if (ch->priority != NULL)
				jsonutil_set_string(co, "priority",
				    ch->priority);
			if (ch->base && ch->policy_set != -1)
				jsonutil_set_string(co, "policy",
				    ch->policy != NULL ? ch->policy : "accept");
			if (ch->base)
				jsonutil_set_bool(co, "policy_set",
				    ch->policy_set == 1);
			jsonutil_set_int64(co, "rules", ch->rules);
			json_object_array_add(chains, co);
			if (ch->base && ch->hook != NULL && ch->policy != NULL &&
			    strcmp(ch->hook, "input") == 0 &&
			    strcmp(ch->policy, "drop") == 0 &&
			    (strcmp(t->family, "ip") == 0 ||
			    strcmp(t->family, "ip6") == 0 ||
			    strcmp(t->family, "inet") == 0))
				*input_drop = 1;
		}
		jsonutil_set(to, "chains", chains);
		json_object_array_add(tables, to);
	}
	return tables;
}

static void
fw_nftables(struct section *s)
{
	static const char *const configs[] = {
		"/etc/nftables.conf", "/etc/sysconfig/nftables.conf",
	};
	struct nft_ctx		 c;
	struct json_object	*o;
	struct stat		 st;
	size_t			 i;
	int			 drop;

	for (i = 0; i < NELEMS(configs); i++) {
		if (section_stat(s, configs[i], &st, 0) == 0)
			break;
		section_add_absent(s, configs[i]);
	}
	if (i == NELEMS(configs))
		return;
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.complete = 1;
	c.files = json_object_new_array();
	nft_load_file(&c, configs[i]);
	if (json_object_array_length(c.files) == 0) {
		/* The main file itself was not read: nothing to say. */
		json_object_put(c.files);
		nft_tables_clear(&c);
		return;
	}
	o = json_object_new_object();
	jsonutil_set_string(o, "config", configs[i]);
	jsonutil_set(o, "files", c.files);
	jsonutil_set_bool(o, "complete", c.complete);
	jsonutil_set_bool(o, "flush_ruleset", c.flush);
	/* nft loads all of it or nothing: tables parsed from a set it would
	 * refuse are not what the kernel gets. */
	if (c.complete) {
		jsonutil_set(o, "tables", nft_json(&c, &drop));
		jsonutil_set_bool(o, "input_policy_drop", drop);
	}
	jsonutil_set(section_data(s), "nftables", o);
	nft_tables_clear(&c);
}

/* iptables-save files ------------------------------------------------- */

struct ipt_chain {
	char		*name;
	char		*policy;	/* NULL for user chains */
	long long	 rules;
};

struct ipt_table {
	char			*name;
	struct ipt_chain	*chains;
	size_t			 nchains;
	struct json_object	*index;		/* chain name -> position */
};

static void
ipt_table_free(struct ipt_table *t)
{
	size_t	i;

	for (i = 0; i < t->nchains; i++) {
		free(t->chains[i].name);
		free(t->chains[i].policy);
	}
	free(t->chains);
	free(t->name);
	json_object_put(t->index);
	memset(t, 0, sizeof(*t));
}

static struct ipt_chain *
ipt_chain_find(struct ipt_table *t, const char *name)
{
	struct json_object	*v;

	if (t->index == NULL ||
	    !json_object_object_get_ex(t->index, name, &v))
		return NULL;
	return &t->chains[json_object_get_int64(v)];
}

static int
ipt_chain_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ipt_chain *)a)->name,
	    ((const struct ipt_chain *)b)->name);
}

static int
ipt_table_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ipt_table *)a)->name,
	    ((const struct ipt_table *)b)->name);
}

/* A committed table replaces an earlier one of the same name. */
static void
ipt_commit(struct ipt_table **tabs, size_t *n, struct ipt_table *cur)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*tabs)[i].name, cur->name) == 0) {
			ipt_table_free(&(*tabs)[i]);
			(*tabs)[i] = *cur;
			memset(cur, 0, sizeof(*cur));
			return;
		}
	}
	*tabs = xreallocarray(*tabs, *n + 1, sizeof(**tabs));
	(*tabs)[(*n)++] = *cur;
	memset(cur, 0, sizeof(*cur));
}

static void
ipt_file(struct section *s, const char *const *paths, size_t npaths,
    const char *key, struct json_object *out)
{
	struct ipt_table	*tabs = NULL, cur;
	struct ipt_chain	*ch;
	struct json_object	*o, *ta, *to, *ca, *co;
	char			*buf, *p, *line, *tok[2], *save;
	const char		*path = NULL, *input = NULL;
	size_t			 len, lineno = 0, ntabs = 0, i, j;
	int			 in_table = 0, complete = 1;

	for (i = 0; i < npaths; i++) {
		if (section_read(s, paths[i], &buf, &len) == 0) {
			path = paths[i];
			break;
		}
		if (errno != ENOENT)
			return;
	}
	if (path == NULL)
		return;
	memset(&cur, 0, sizeof(cur));
	p = buf;
	while ((line = text_line(&p)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		if (line[0] == '*') {
			if (in_table) {
				section_error(s, "%s:%zu: COMMIT expected "
				    "before a new table", path, lineno);
				complete = 0;
				break;
			}
			if (line[1] == '\0') {
				section_error(s, "%s:%zu: no table name",
				    path, lineno);
				complete = 0;
				break;
			}
			cur.name = xstrdup(line + 1);
			in_table = 1;
			continue;
		}
		if (strcmp(line, "COMMIT") == 0) {
			if (!in_table) {
				section_error(s, "%s:%zu: COMMIT outside a "
				    "table", path, lineno);
				complete = 0;
				break;
			}
			ipt_commit(&tabs, &ntabs, &cur);
			in_table = 0;
			continue;
		}
		if (!in_table) {
			section_error(s, "%s:%zu: outside a table", path,
			    lineno);
			complete = 0;
			break;
		}
		/* "[pkts:bytes] -A ..." from iptables-save -c. */
		if (line[0] == '[') {
			if ((line = strchr(line, ']')) == NULL) {
				section_error(s, "%s:%zu: bad counters", path,
				    lineno);
				complete = 0;
				break;
			}
			line += 1 + strspn(line + 1, " \t");
		}
		tok[0] = strtok_r(line, " \t", &save);
		tok[1] = tok[0] ? strtok_r(NULL, " \t", &save) : NULL;
		if (tok[0] != NULL && tok[0][0] == ':' && tok[0][1] != '\0') {
			/* ":CHAIN POLICY [counters]": a chain named twice
			 * keeps the last policy set. */
			if (tok[1] == NULL) {
				section_error(s, "%s:%zu: chain without a "
				    "policy", path, lineno);
				complete = 0;
				break;
			}
			if ((ch = ipt_chain_find(&cur, tok[0] + 1)) == NULL) {
				(void)fw_index(&cur.index, tok[0] + 1,
				    cur.nchains);
				cur.chains = xreallocarray(cur.chains,
				    cur.nchains + 1, sizeof(*cur.chains));
				ch = &cur.chains[cur.nchains++];
				memset(ch, 0, sizeof(*ch));
				ch->name = xstrdup(tok[0] + 1);
			}
			if (strcmp(tok[1], "ACCEPT") == 0 ||
			    strcmp(tok[1], "DROP") == 0) {
				free(ch->policy);
				ch->policy = xstrdup(tok[1]);
			} else if (strcmp(tok[1], "-") != 0) {
				section_error(s, "%s:%zu: bad policy name",
				    path, lineno);
				complete = 0;
				break;
			}
		} else if (tok[0] != NULL && (strcmp(tok[0], "-A") == 0 ||
		    strcmp(tok[0], "--append") == 0 ||
		    strcmp(tok[0], "-I") == 0 ||
		    strcmp(tok[0], "--insert") == 0)) {
			if (tok[1] == NULL ||
			    (ch = ipt_chain_find(&cur, tok[1])) == NULL) {
				section_error(s, "%s:%zu: rule for an "
				    "undeclared chain", path, lineno);
				complete = 0;
				break;
			}
			ch->rules++;
		} else {
			section_error(s, "%s:%zu: line not understood", path,
			    lineno);
			complete = 0;
			break;
		}
	}
	if (in_table && complete) {
		section_error(s, "%s: table %s: COMMIT expected at the end",
		    path, cur.name);
		complete = 0;
	}
	ipt_table_free(&cur);
	free(buf);

	for (i = 0; i < ntabs; i++) {
		json_object_put(tabs[i].index);	/* sorting moves chains */
		tabs[i].index = NULL;
	}
	if (ntabs > 1)
		qsort(tabs, ntabs, sizeof(*tabs), ipt_table_cmp);
	o = json_object_new_object();
	jsonutil_set_string(o, "file", path);
	jsonutil_set_bool(o, "complete", complete);
	ta = json_object_new_array();
	for (i = 0; i < ntabs; i++) {
		if (tabs[i].nchains > 1)
			qsort(tabs[i].chains, tabs[i].nchains,
			    sizeof(*tabs[i].chains), ipt_chain_cmp);
		to = json_object_new_object();
		jsonutil_set_string(to, "name", tabs[i].name);
		ca = json_object_new_array();
		for (j = 0; j < tabs[i].nchains; j++) {
			ch = &tabs[i].chains[j];
			co = json_object_new_object();
			jsonutil_set_string(co, "name", ch->name);
			if (ch->policy != NULL)
				jsonutil_set_string(co, "policy", ch->policy);
			jsonutil_set_int64(co, "rules", ch->rules);
			json_object_array_add(ca, co);
			if (strcmp(tabs[i].name, "filter") == 0 &&
			    strcmp(ch->name, "INPUT") == 0)
				input = ch->policy;
		}
		jsonutil_set(to, "chains", ca);
		json_object_array_add(ta, to);
	}
	jsonutil_set(o, "tables", ta);
	if (input != NULL)
		jsonutil_set_string(o, "input_policy", input);
	jsonutil_set(out, key, o);
	for (i = 0; i < ntabs; i++)
		ipt_table_free(&tabs[i]);
	free(tabs);
}

static void
fw_iptables(struct section *s)
{
	static const char *const v4[] = {
		"/etc/iptables/rules.v4", "/etc/sysconfig/iptables",
	};
	static const char *const v6[] = {
		"/etc/iptables/rules.v6", "/etc/sysconfig/ip6tables",
	};
	struct json_object	*o = json_object_new_object();

	ipt_file(s, v4, NELEMS(v4), "v4", o);
	ipt_file(s, v6, NELEMS(v6), "v6", o);
	if (json_object_object_length(o) > 0)
		jsonutil_set(section_data(s), "iptables", o);
	else
		json_object_put(o);
}

/* ufw ------------------------------------------------------------------ */

struct ufw_var {
	const char	*name;
	char		*val;
	const char	*file;
	size_t		 line;
};

static void
ufw_read(struct section *s, const char *path, struct ufw_var *vars,
    size_t nvars, int *found)
{
	char	*buf, *p, *line, *key, *val;
	size_t	 len, lineno = 0, i;

	if (section_read(s, path, &buf, &len) == -1)
		return;
	*found = 1;
	p = buf;
	while ((line = text_line(&p)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		if (text_split_char(line, '=', &key, &val) == -1)
			continue;
		for (i = 0; i < nvars; i++) {
			if (strcmp(key, vars[i].name) != 0)
				continue;
			if (text_shell_unquote(val) == -1) {
				section_error(s, "%s:%zu: bad quoting", path,
				    lineno);
				break;
			}
			free(vars[i].val);
			vars[i].val = xstrdup(val);
			vars[i].file = path;
			vars[i].line = lineno;
		}
	}
	free(buf);
}

static long long
ufw_count_tuples(struct section *s, const char *path)
{
	char		*buf, *p, *line;
	size_t		 len;
	long long	 n = 0;

	if (section_read(s, path, &buf, &len) == -1)
		return -1;
	p = buf;
	while ((line = text_line(&p)) != NULL) {
		if (strncmp(line, "### tuple ###", 13) == 0)
			n++;
	}
	free(buf);
	return n;
}

/* Returns ENABLED (1/0), or -1 when not known. */
static int
fw_ufw(struct section *s)
{
	struct ufw_var	 vars[] = {
		{ "ENABLED", NULL, NULL, 0 },
		{ "IPV6", NULL, NULL, 0 },
		{ "DEFAULT_INPUT_POLICY", NULL, NULL, 0 },
		{ "DEFAULT_OUTPUT_POLICY", NULL, NULL, 0 },
		{ "DEFAULT_FORWARD_POLICY", NULL, NULL, 0 },
	};
	struct json_object	*o;
	long long		 n;
	size_t			 i;
	int			 found = 0, enabled = -1;
	char			*key;

	ufw_read(s, "/etc/default/ufw", vars, NELEMS(vars), &found);
	ufw_read(s, "/etc/ufw/ufw.conf", vars, NELEMS(vars), &found);
	if (!found)
		return -1;
	o = json_object_new_object();
	for (i = 0; i < NELEMS(vars); i++) {
		if (vars[i].val == NULL)
			continue;
		text_lower(vars[i].val);
		if (i < 2) {
			if (strcmp(vars[i].val, "yes") != 0 &&
			    strcmp(vars[i].val, "no") != 0) {
				section_error(s, "%s:%zu: %s must be yes or "
				    "no", vars[i].file, vars[i].line,
				    vars[i].name);
				continue;
			}
			jsonutil_set_bool(o, i == 0 ? "enabled" : "ipv6",
			    strcmp(vars[i].val, "yes") == 0);
			if (i == 0)
				enabled = strcmp(vars[i].val, "yes") == 0;
		} else {
			if (strcmp(vars[i].val, "accept") != 0 &&
			    strcmp(vars[i].val, "drop") != 0 &&
			    strcmp(vars[i].val, "reject") != 0) {
				section_error(s, "%s:%zu: %s: unknown policy",
				    vars[i].file, vars[i].line, vars[i].name);
				continue;
			}
			key = text_lower(xstrdup(vars[i].name));
			jsonutil_set_string(o, key, vars[i].val);
			free(key);
		}
	}
	if ((n = ufw_count_tuples(s, "/etc/ufw/user.rules")) != -1)
		jsonutil_set_int64(o, "user_rules", n);
	if ((n = ufw_count_tuples(s, "/etc/ufw/user6.rules")) != -1)
		jsonutil_set_int64(o, "user6_rules", n);
	jsonutil_set(section_data(s), "ufw", o);
	for (i = 0; i < NELEMS(vars); i++)
		free(vars[i].val);
	return enabled;
}

/* firewalld ------------------------------------------------------------ */

/* The value of attribute attr in the tag text [tag, end), decoded of the
 * five predefined XML entities; NULL when absent. */
static char *
xml_attr(const char *tag, const char *end, const char *attr)
{
	size_t		 alen = strlen(attr);
	const char	*p = tag, *v, *q;
	char		*out, *w;
	char		 quote;
	static const struct {
		const char	*ent;
		char		 c;
	} ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t		 i;

	while (p < end && (p = memmem(p, (size_t)(end - p), attr, alen)) !=
	    NULL) {
		v = p + alen;
		if ((p == tag || !isspace((unsigned char)p[-1])) ||
		    (v += strspn(v, " \t\r\n")) >= end || *v != '=') {
			p += alen;
			continue;
		}
		v++;
		v += strspn(v, " \t\r\n");
		if (v >= end || (*v != '"' && *v != '\''))
			return NULL;
		quote = *v++;
		if ((q = memchr(v, quote, (size_t)(end - v))) == NULL)
			return NULL;
		out = w = xstrndup(v, (size_t)(q - v));
		for (v = out; *v != '\0';) {
			for (i = 0; i < NELEMS(ents); i++) {
				if (strncmp(v, ents[i].ent,
				    strlen(ents[i].ent)) == 0)
					break;
			}
			if (i < NELEMS(ents)) {
				*w++ = ents[i].c;
				v += strlen(ents[i].ent);
			} else
				*w++ = *v++;
		}
		*w = '\0';
		return out;
	}
	return NULL;
}

static int
fwd_strcmp(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(struct json_object *const *)a),
	    json_object_get_string(*(struct json_object *const *)b));
}

/* Append v (taking it) when not NULL. */
static void
fwd_add(struct json_object *a, char *v)
{
	if (v == NULL)
		return;
	json_object_array_add(a, json_object_new_string(v));
	free(v);
}

static void
fwd_zone(struct section *s, const char *zone, struct json_object *out)
{
	struct json_object	*z, *svcs, *ports, *srcs, *ifs;
	char			*path, *buf, *p, *end, *name, *v, *v2, *target;
	size_t			 len, i;
	long long		 rich = 0;
	int			 in_rule = 0, seen_zone = 0;
	static const char *const dirs[] = {
		"/etc/firewalld/zones", "/usr/lib/firewalld/zones",
	};

	if (strchr(zone, '/') != NULL || zone[0] == '.' || *zone == '\0') {
		section_error(s, "firewalld: zone name \"%s\" is not a file "
		    "name", zone);
		return;
	}
	buf = NULL;
	path = NULL;
	for (i = 0; i < NELEMS(dirs); i++) {
		path = xasprintf("%s/%s.xml", dirs[i], zone);
		if (section_read(s, path, &buf, &len) == 0)
			break;
		free(path);
		path = NULL;
		if (errno != ENOENT)
			return;
	}
	if (path == NULL)
		return;
	z = json_object_new_object();
	svcs = json_object_new_array();
	ports = json_object_new_array();
	srcs = json_object_new_array();
	ifs = json_object_new_array();
	target = NULL;
	/* A tolerant tag scan: "<name attrs>" outside comments. */
	for (p = buf; (p = strchr(p, '<')) != NULL; p = end) {
		if (strncmp(p, "<!--", 4) == 0) {
			if ((end = strstr(p + 4, "-->")) == NULL)
				break;
			continue;
		}
		if ((end = strchr(p, '>')) == NULL)
			break;
		p++;
		len = strcspn(p, " \t\r\n/>");
		name = xstrndup(p, len);
		if (strcmp(name, "zone") == 0 && !seen_zone) {
			seen_zone = 1;
			target = xml_attr(p + len, end, "target");
		} else if (strcmp(name, "rule") == 0) {
			rich++;
			in_rule = end[-1] != '/';
		} else if (strcmp(name, "/rule") == 0)
			in_rule = 0;
		else if (in_rule)
			;	/* a rich rule's own service/port/source */
		else if (strcmp(name, "service") == 0)
			fwd_add(svcs, xml_attr(p + len, end, "name"));
		else if (strcmp(name, "interface") == 0)
			fwd_add(ifs, xml_attr(p + len, end, "name"));
		else if (strcmp(name, "source") == 0) {
			if ((v = xml_attr(p + len, end, "address")) == NULL &&
			    (v = xml_attr(p + len, end, "ipset")) == NULL)
				v = xml_attr(p + len, end, "mac");
			fwd_add(srcs, v);
		} else if (strcmp(name, "port") == 0 &&
		    (v = xml_attr(p + len, end, "port")) != NULL) {
			v2 = xml_attr(p + len, end, "protocol");
			fwd_add(ports, xasprintf("%s/%s", v,
			    v2 != NULL ? v2 : ""));
			free(v);
			free(v2);
		}
		free(name);
	}
	free(buf);
	if (!seen_zone) {
		section_error(s, "%s: no <zone> element", path);
		json_object_put(z);
		json_object_put(svcs);
		json_object_put(ports);
		json_object_put(srcs);
		json_object_put(ifs);
		free(path);
		return;
	}
	json_object_array_sort(svcs, fwd_strcmp);
	json_object_array_sort(ports, fwd_strcmp);
	json_object_array_sort(srcs, fwd_strcmp);
	json_object_array_sort(ifs, fwd_strcmp);
	jsonutil_set_string(z, "name", zone);
	jsonutil_set_string(z, "file", path);
	jsonutil_set_string(z, "target", target != NULL ? target : "default");
	jsonutil_set(z, "services", svcs);
	jsonutil_set(z, "ports", ports);
	jsonutil_set(z, "sources", srcs);
	jsonutil_set(z, "interfaces", ifs);
	jsonutil_set_int64(z, "rich_rules", rich);
	jsonutil_set(out, "zone", z);
	free(target);
	free(path);
}

static void
fw_firewalld(struct section *s)
{
	const char	*path = "/etc/firewalld/firewalld.conf";
	struct json_object *o;
	char		*buf, *p, *line, *key, *val, *zone = NULL;
	size_t		 len, lineno = 0;

	if (section_read(s, path, &buf, &len) == -1)
		return;
	p = buf;
	while ((line = text_line(&p)) != NULL) {
		lineno++;
		if (text_is_comment(line, "#"))
			continue;
		if (text_split_char(line, '=', &key, &val) == -1) {
			section_error(s, "%s:%zu: not a KEY=value line", path,
			    lineno);
			continue;
		}
		if (strcmp(key, "DefaultZone") != 0)
			continue;
		if (zone != NULL)
			section_error(s, "%s:%zu: duplicate DefaultZone, "
			    "ignored as firewalld does", path, lineno);
		else if (*val == '\0')
			section_error(s, "%s:%zu: empty DefaultZone", path,
			    lineno);
		else
			zone = xstrdup(val);
	}
	free(buf);
	o = json_object_new_object();
	jsonutil_set_string(o, "default_zone", zone != NULL ? zone : "public");
	fwd_zone(s, zone != NULL ? zone : "public", o);
	jsonutil_set(section_data(s), "firewalld", o);
	free(zone);
}

/* Products: installed and enabled --------------------------------------- */

struct fw_product {
	const char	*key;
	const char	*packages[4];
	const char	*units[3];
	const char	*openrc[3];
};

static const struct fw_product fw_products[] = {
	{ "nftables", { "nftables" }, { "nftables.service" }, { "nftables" } },
	{ "ufw", { "ufw" }, { "ufw.service" }, { "ufw" } },
	{ "firewalld", { "firewalld" }, { "firewalld.service" },
	    { "firewalld" } },
	{ "iptables_persistent", { "iptables-persistent",
	    "netfilter-persistent", "iptables-services",
	    "iptables-nft-services" }, { "netfilter-persistent.service",
	    "iptables.service", "ip6tables.service" }, { "iptables",
	    "ip6tables" } },
};

static void
fw_products_json(struct section *s, int ufw_enabled)
{
	const struct pkgdb	*db = pkgdb_get(s);
	const struct units	*u = NULL;
	const struct fw_product	*fp;
	struct json_object	*prods, *o, *active;
	struct unit_state	 st;
	const char		*init = initsys_name(initsys_detect(s)), *pkg, *unit;
	size_t			 i, j;
	int			 enabled, masked;

	if (init != NULL && strcmp(init, "systemd") == 0)
		u = units_get(s);
	prods = json_object_new_object();
	active = json_object_new_array();
	for (i = 0; i < NELEMS(fw_products); i++) {
		fp = &fw_products[i];
		o = json_object_new_object();
		pkg = NULL;
		for (j = 0; j < NELEMS(fp->packages) && fp->packages[j]; j++) {
			if (pkgdb_find(db, fp->packages[j]) != NULL) {
				pkg = fp->packages[j];
				break;
			}
		}
		/* "Not installed" only from a database read to its end. */
		if (pkg != NULL || (db->format != PKGDB_NONE && db->complete))
			jsonutil_set_bool(o, "installed", pkg != NULL);
		if (pkg != NULL)
			jsonutil_set_string(o, "package", pkg);
		enabled = masked = 0;
		unit = NULL;
		if (u != NULL) {
			/* The first unit known; enabled when any is. */
			for (j = 0; j < NELEMS(fp->units) && fp->units[j]; j++) {
				if (units_state(u, fp->units[j], &st) == -1)
					continue;
				if (unit == NULL)
					unit = fp->units[j];
				if (st.enabled && !st.masked && !enabled) {
					enabled = 1;
					unit = fp->units[j];
				}
				masked |= st.masked;
			}
			if (unit == NULL)
				unit = fp->units[0];
		} else if (init != NULL) {
			for (j = 0; j < NELEMS(fp->openrc) && fp->openrc[j];
			    j++) {
				if (initsys_openrc_enabled(s, fp->openrc[j])) {
					enabled = 1;
					unit = fp->openrc[j];
					break;
				}
			}
			if (unit == NULL)
				unit = fp->openrc[0];
		}
		if (init != NULL) {
			jsonutil_set_string(o, "unit", unit);
			jsonutil_set_bool(o, "enabled", enabled);
			jsonutil_set_bool(o, "masked", masked);
			if (enabled && !masked && (strcmp(fp->key, "ufw") != 0 ||
			    ufw_enabled == 1))
				json_object_array_add(active,
				    json_object_new_string(fp->key));
		}
		jsonutil_set(prods, fp->key, o);
	}
	jsonutil_set(section_data(s), "products", prods);
	if (init != NULL)
		jsonutil_set(section_data(s), "active_firewall", active);
	else
		json_object_put(active);
}

int
collect_firewall(struct section *s)
{
	int	ufw_enabled;

	fw_nftables(s);
	fw_iptables(s);
	ufw_enabled = fw_ufw(s);
	fw_firewalld(s);
	fw_products_json(s, ufw_enabled);
	return 0;
}
