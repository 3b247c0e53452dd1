/*
 * Resolve paths under a root directory as if chrooted there, one component
 * at a time through directory fds so that nothing the tree contains (or
 * changes into while we walk it) can lead outside: the kernel is never
 * asked to follow a symlink or a ".." itself.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"
#include "xmalloc.h"

/*
 * Seams only: trailing slashes of a and leading slashes of b become one
 * slash, anything else in either is kept.  An empty part contributes
 * nothing and adds no slash: ("", "b") is "b", ("a", "") is "a", ("", "")
 * is "".  ("/", "b") is "/b" and ("/", "/") is "/".
 */
char *
path_join(const char *a, const char *b)
{
	size_t	alen;

	if (*a == '\0')
		return xstrdup(b);
	if (*b == '\0')
		return xstrdup(a);

	alen = strlen(a);
	while (alen > 0 && a[alen - 1] == '/')
		alen--;
	while (*b == '/')
		b++;
	return xasprintf("%.*s/%s", (int)alen, a, b);
}

struct walk {
	int	 fds[PATH_MAX_DEPTH + 1];	/* fds[0] is the caller's root */
	size_t	 offs[PATH_MAX_DEPTH + 1];	/* length of name at each level */
	size_t	 depth;
	char	*name;				/* "/a/b" of fds[depth]; "" at root */
	size_t	 namelen;
	size_t	 namesize;
};

static void
path_name_append(struct walk *w, const char *comp)
{
	size_t	clen = strlen(comp);

	/* '/' + comp + NUL; bounded by PATH_MAX_DEPTH * (NAME_MAX + 1). */
	if (w->namelen + clen + 2 > w->namesize) {
		w->namesize = (w->namelen + clen + 2) * 2;
		w->name = xrealloc(w->name, w->namesize);
	}
	w->name[w->namelen++] = '/';
	memcpy(w->name + w->namelen, comp, clen + 1);
	w->namelen += clen;
}

static int
path_push(struct walk *w, int fd, const char *comp)
{
	if (w->depth == PATH_MAX_DEPTH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	w->depth++;
	w->fds[w->depth] = fd;
	w->offs[w->depth] = w->namelen;
	path_name_append(w, comp);
	return 0;
}

static void
path_pop(struct walk *w)
{
	if (w->depth == 0)
		return;			/* ".." of the root is the root */
	close(w->fds[w->depth]);
	w->namelen = w->offs[w->depth];
	w->name[w->namelen] = '\0';
	w->depth--;
}

static char *
path_resolved(struct walk *w, const char *last)
{
	if (last != NULL)
		return xasprintf("%s/%s", w->name, last);
	if (w->namelen == 0)
		return xstrdup("/");
	return xstrdup(w->name);
}

static int
path_walk_in_root(int rootfd, const char *path, int flags, char **resolved)
{
	struct walk	 w;
	struct stat	 st;
	char		 bufs[2][PATH_MAX], comp[NAME_MAX + 1];
	char		*p, *end, *rest, *next;
	size_t		 len, clen, rlen, nlinks = 0;
	ssize_t		 n;
	int		 cur = 0, fd = -1, last, trailing, saved;

	if (resolved != NULL)
		*resolved = NULL;
	if (path == NULL) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * Creating would need a mode and is not what this is for; O_TMPFILE
	 * contains O_DIRECTORY so test all of its bits.
	 */
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		errno = EINVAL;
		return -1;
	}
	len = strnlen(path, PATH_MAX);
	if (len == PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(bufs[0], path, len + 1);

	memset(&w, 0, sizeof w);
	w.fds[0] = rootfd;
	w.namesize = 64;
	w.name = xmalloc(w.namesize);
	w.name[0] = '\0';

	p = bufs[cur];
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchrnul(p, '/');
		clen = end - p;
		if (clen > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, p, clen);
		comp[clen] = '\0';

		/* rest keeps its leading '/' so a splice keeps "link/". */
		rest = end;
		for (next = rest; *next == '/'; next++)
			;
		last = (*next == '\0');
		trailing = (*rest == '/');
		p = next;

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			path_pop(&w);
			continue;
		}

		/* O_PATH needs no permission on the file and opens nothing. */
		fd = openat(w.fds[w.depth], comp,
		    O_PATH|O_NOFOLLOW|O_CLOEXEC);
		if (fd == -1)
			goto fail;
		if (fstat(fd, &st) == -1)
			goto fail;

		if (S_ISLNK(st.st_mode)) {
			/* A trailing slash means the target is wanted. */
			if (last && !trailing && (flags & O_NOFOLLOW)) {
				if (flags & O_DIRECTORY) {
					errno = ENOTDIR;
					goto fail;
				}
				if (w.depth == PATH_MAX_DEPTH) {
					errno = ENAMETOOLONG;
					goto fail;
				}
				if (resolved != NULL)
					*resolved = path_resolved(&w, comp);
				goto done;
			}
			if (++nlinks > PATH_MAX_SYMLINKS) {
				errno = ELOOP;
				goto fail;
			}
			/* Empty "" works on an O_PATH fd to a link. */
			n = readlinkat(fd, "", bufs[!cur], sizeof bufs[!cur]);
			if (n == -1)
				goto fail;
			close(fd);
			fd = -1;
			if (n == 0) {
				errno = ENOENT;	/* as the kernel does */
				goto fail;
			}
			rlen = strlen(rest);
			if ((size_t)n + rlen >= sizeof bufs[!cur]) {
				errno = ENAMETOOLONG;
				goto fail;
			}
			memcpy(bufs[!cur] + n, rest, rlen + 1);
			if (bufs[!cur][0] == '/') {
				while (w.depth > 0)
					path_pop(&w);
			}
			cur = !cur;
			p = bufs[cur];
			continue;
		}

		if (!last || trailing) {
			if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				goto fail;
			}
			if (path_push(&w, fd, comp) == -1)
				goto fail;
			fd = -1;
			continue;
		}

		/*
		 * The final component, open for real.  Should it have become
		 * a symlink since the probe above, O_NOFOLLOW makes this fail
		 * rather than follow it; O_PATH would open the link itself, so
		 * check for that.
		 */
		close(fd);
		fd = -1;
		if (w.depth == PATH_MAX_DEPTH) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		fd = openat(w.fds[w.depth], comp,
		    flags|O_NOFOLLOW|O_NOCTTY|O_CLOEXEC);
		if (fd == -1)
			goto fail;
		if (flags & O_PATH) {
			if (fstat(fd, &st) == -1)
				goto fail;
			if (S_ISLNK(st.st_mode)) {
				errno = ELOOP;
				goto fail;
			}
		}
		if (resolved != NULL)
			*resolved = path_resolved(&w, comp);
		goto done;
	}

	/* Nothing left to open by name: "/", "", "a/..", "dir/". */
	fd = openat(w.fds[w.depth], ".", flags|O_NOFOLLOW|O_NOCTTY|O_CLOEXEC);
	if (fd == -1)
		goto fail;
	if (resolved != NULL)
		*resolved = path_resolved(&w, NULL);

done:
	while (w.depth > 0)
		path_pop(&w);
	free(w.name);
	return fd;

fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	while (w.depth > 0)
		path_pop(&w);
	free(w.name);
	errno = saved;
	return -1;
}

/*
 * The kernel does the same resolution in one system call since Linux 5.6
 * (openat2 with RESOLVE_IN_ROOT), where the walk above costs two or three
 * calls a component: a full collection makes thousands of these.  The
 * walk remains for older kernels, for sandboxes that refuse openat2, and
 * when the in-root name is wanted.
 */
static int	path_openat2 = 1;	/* 1 try it, 0 known unavailable */

void
path_set_portable(int on)
{
	path_openat2 = !on;
}

int
path_open_in_root(int rootfd, const char *path, int flags, char **resolved)
{
	struct open_how	 how;
	const char	*p;
	size_t		 depth;
	int		 fd, tries;

	if (resolved != NULL || !path_openat2 || path == NULL ||
	    path[strspn(path, "/")] == '\0' || (flags & O_CREAT) ||
	    (flags & O_TMPFILE) == O_TMPFILE ||
	    ((flags & O_NOFOLLOW) && !(flags & O_PATH)))
		return path_walk_in_root(rootfd, path, flags, resolved);
	/* The walk's depth limit holds here too, so that both answer alike
	 * (the kernel itself has none). */
	for (p = path, depth = 0; *p != '\0'; p++) {
		if (*p != '/' && (p == path || p[-1] == '/') &&
		    ++depth > PATH_MAX_DEPTH) {
			errno = ENAMETOOLONG;
			return -1;
		}
	}
	memset(&how, 0, sizeof(how));
	/* openat2 refuses with O_PATH what open(2) would ignore. */
	how.flags = (uint64_t)(flags | O_CLOEXEC |
	    ((flags & O_PATH) ? 0 : O_NOCTTY));
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	/* EAGAIN: a rename raced a ".."; the kernel asks to retry. */
	for (tries = 0; tries < 8; tries++) {
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd != -1)
			return fd;
		if (errno != EAGAIN)
			break;
	}
	if (errno == ENOSYS || errno == EPERM || errno == E2BIG ||
	    errno == EAGAIN) {
		if (errno != EAGAIN)
			path_openat2 = 0;
		return path_walk_in_root(rootfd, path, flags, resolved);
	}
	return -1;
}
