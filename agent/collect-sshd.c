/*
 * sshd: the effective OpenSSH server configuration (parsed by sshdconf.c,
 * which documents the rules it follows) and the host's public host keys.
 * Private host keys are never opened: type, size and fingerprint all come
 * from the ".pub" files.
 *
 * data:
 *   openssh_version	"9.2p1": upstream version of openssh-server
 *   openssh_package	{"name", "version", "database"}
 *   defaults_table	"9.0-9.8": compiled-in defaults used (absent when
 *			the version has none here: unset keywords absent)
 *   config_read	bool: /etc/ssh/sshd_config was read
 *   config_valid	bool: sshd would start with this configuration
 *   files		[path]: configuration files, in reading order
 *   includes		[{"pattern", "source", "files": [path]}]
 *   effective		{keyword: {"value", "source"}}: the global
 *			configuration, keywords lowercase as sshd -T prints
 *			them, sorted; source "default" or "path:line".
 *			Accumulating keywords (port, listenaddress, hostkey,
 *			hostcertificate, subsystem, acceptenv, allowusers,
 *			denyusers, allowgroups, denygroups) have arrays for
 *			both value and source.  port, maxauthtries,
 *			maxsessions, clientalivecountmax, x11displayoffset,
 *			requiredrsasize are integers; logingracetime and
 *			clientaliveinterval integers in seconds.  Algorithm
 *			lists (ciphers, macs, kexalgorithms,
 *			hostkeyalgorithms, pubkeyacceptedalgorithms,
 *			hostbasedacceptedalgorithms, casignaturealgorithms)
 *			are arrays, with "spec" as written when set.
 *   match_blocks	[{"criteria": "User backup", "outer_criteria":
 *			[...] (only inside an included file's block),
 *			"source": "path:line", "settings": {keyword:
 *			{"value", "source"}}}], in file order
 *   ignored		[{"keyword", "source", "reason"}]: deprecated,
 *			unsupported or ignored keywords
 *			(a list of more than 10000 values, or more than
 *			10000 Match blocks, is left out whole, with an
 *			error, rather than reported in part)
 *   host_keys		[{"path": ".pub path", "type": "ssh-ed25519",
 *			"bits": 256, "fingerprint": "SHA256:...",
 *			"in_use": bool (listed by HostKey)}], sorted by
 *			path: /etc/ssh/ssh_host_*_key.pub and the public
 *			half of every effective HostKey
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "digest.h"
#include "encode.h"
#include "jsonutil.h"
#include "section.h"
#include "sshdconf.h"
#include "text.h"
#include "xmalloc.h"

#define SSHD_KEYDIR	"/etc/ssh"
#define SSHD_KEYGLOB	"ssh_host_*_key.pub"

/* An SSH wire-format string (uint32 length, bytes) from blob. */
static int
sshd_blob_string(const unsigned char **p, size_t *left,
    const unsigned char **s, size_t *len)
{
	uint32_t	n;

	if (*left < 4)
		return -1;
	n = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	    (uint32_t)(*p)[2] << 8 | (uint32_t)(*p)[3];
	if (n > *left - 4)
		return -1;
	*s = *p + 4;
	*len = n;
	*p += 4 + n;
	*left -= 4 + n;
	return 0;
}

/* Bits of an mpint: its length without leading zero bits. */
static int64_t
sshd_mpint_bits(const unsigned char *s, size_t len)
{
	int64_t	bits;
	int	top;

	while (len > 0 && *s == 0) {
		s++;
		len--;
	}
	if (len == 0)
		return 0;
	bits = (int64_t)len * 8;
	for (top = 0x80; top > 0 && (*s & top) == 0; top >>= 1)
		bits--;
	return bits;
}

/* The key's type (as the blob names it) and size; -1 when the blob is
 * not a public key of a known type. */
static int
sshd_key_info(const unsigned char *blob, size_t len, char **type,
    int64_t *bits)
{
	const unsigned char	*p = blob, *s;
	size_t			 left = len, n;

	*type = NULL;
	if (sshd_blob_string(&p, &left, &s, &n) == -1 || n == 0 || n > 64)
		return -1;
	*type = xstrndup((const char *)s, n);
	if (strcmp(*type, "ssh-rsa") == 0) {
		/* e, then n */
		if (sshd_blob_string(&p, &left, &s, &n) == -1 ||
		    sshd_blob_string(&p, &left, &s, &n) == -1)
			goto bad;
		*bits = sshd_mpint_bits(s, n);
	} else if (strcmp(*type, "ssh-dss") == 0) {
		if (sshd_blob_string(&p, &left, &s, &n) == -1)
			goto bad;
		*bits = sshd_mpint_bits(s, n);
	} else if (strncmp(*type, "ecdsa-sha2-nistp", 16) == 0) {
		if (sshd_blob_string(&p, &left, &s, &n) == -1)
			goto bad;
		if (n == 8 && memcmp(s, "nistp256", 8) == 0)
			*bits = 256;
		else if (n == 8 && memcmp(s, "nistp384", 8) == 0)
			*bits = 384;
		else if (n == 8 && memcmp(s, "nistp521", 8) == 0)
			*bits = 521;
		else
			goto bad;
	} else if (strcmp(*type, "ssh-ed25519") == 0 ||
	    strcmp(*type, "sk-ssh-ed25519@openssh.com") == 0 ||
	    strcmp(*type, "sk-ecdsa-sha2-nistp256@openssh.com") == 0)
		*bits = 256;
	else
		goto bad;
	return 0;
bad:
	free(*type);
	*type = NULL;
	return -1;
}

static struct json_object *
sshd_host_key(struct section *s, const char *path)
{
	struct json_object	*k = NULL;
	unsigned char		 md[DIGEST_SHA256_LEN], *blob = NULL;
	char			*buf, *cur, *line, *type = NULL, *b64, *fp;
	char			*fpr, *end;
	size_t			 len, blen;
	int64_t			 bits = 0;

	if (section_read(s, path, &buf, &len) == -1)
		return NULL;
	cur = buf;
	while ((line = text_line(&cur)) != NULL && text_is_comment(line, "#"))
		;
	if (line == NULL) {
		section_error(s, "%s: no public key", path);
		goto out;
	}
	/* "type base64 [comment]": the comment (often user@host) is not
	 * needed. */
	b64 = line + strcspn(line, " \t");
	if (*b64 != '\0')
		*b64++ = '\0';
	b64 += strspn(b64, " \t");
	end = b64 + strcspn(b64, " \t");
	*end = '\0';
	if (base64_decode(b64, strlen(b64), &blob, &blen) == -1 ||
	    sshd_key_info(blob, blen, &type, &bits) == -1) {
		section_error(s, "%s: not an SSH public key", path);
		goto out;
	}
	if (strcmp(type, line) != 0) {
		section_error(s, "%s: key type %s does not match its data (%s)",
		    path, line, type);
		goto out;
	}
	digest_sha256(blob, blen, md);
	fp = base64_encode(md, sizeof(md), BASE64_STD);
	fp[strcspn(fp, "=")] = '\0';
	fpr = xasprintf("SHA256:%s", fp);
	free(fp);
	k = json_object_new_object();
	jsonutil_set_string(k, "path", path);
	jsonutil_set_string(k, "type", type);
	jsonutil_set_int64(k, "bits", bits);
	jsonutil_set_string(k, "fingerprint", fpr);
	free(fpr);
out:
	free(type);
	free(blob);
	free(buf);
	return k;
}

static int
sshd_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
sshd_host_keys(struct section *s, const struct sshdconf *c)
{
	struct json_object	*hk, *vals = NULL, *keys, *k, *inuse;
	char			**names, **paths = NULL, *priv;
	const char		*v;
	size_t			 n, i, npaths = 0;

	inuse = json_object_new_object();
	if ((hk = sshdconf_effective(c, "hostkey")) != NULL &&
	    json_object_object_get_ex(hk, "value", &vals)) {
		for (i = 0; i < json_object_array_length(vals); i++) {
			v = json_object_get_string(
			    json_object_array_get_idx(vals, i));
			jsonutil_set_bool(inuse, v, 1);
			if (*v != '/')
				continue;
			paths = xreallocarray(paths, npaths + 1,
			    sizeof(*paths));
			paths[npaths++] = xasprintf("%s.pub", v);
		}
	}
	if (section_list_dir(s, SSHD_KEYDIR, ".pub", &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (fnmatch(SSHD_KEYGLOB, names[i], FNM_PERIOD) != 0)
				continue;
			paths = xreallocarray(paths, npaths + 1,
			    sizeof(*paths));
			paths[npaths++] = xasprintf("%s/%s", SSHD_KEYDIR,
			    names[i]);
		}
		section_free_names(names, n);
	}
	if (npaths > 1)
		qsort(paths, npaths, sizeof(*paths), sshd_strcmp);
	keys = json_object_new_array();
	for (i = 0; i < npaths; i++) {
		if (i > 0 && strcmp(paths[i], paths[i - 1]) == 0)
			continue;
		if ((k = sshd_host_key(s, paths[i])) == NULL)
			continue;
		if (vals != NULL) {
			/* The private half's path: the ".pub" removed. */
			priv = xstrndup(paths[i], strlen(paths[i]) - 4);
			jsonutil_set_bool(k, "in_use",
			    json_object_object_get_ex(inuse, priv, NULL));
			free(priv);
		}
		json_object_array_add(keys, k);
	}
	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	json_object_put(inuse);
	jsonutil_set(section_data(s), "host_keys", keys);
}

int
collect_sshd(struct section *s)
{
	const struct sshdconf	*c;
	struct json_object	*copy;

	c = sshdconf_get(s, 1);
	/* The parse's keys, in the parse's (fixed) order. */
	json_object_object_foreach(sshdconf_json(c), key, val) {
		copy = NULL;
		if (json_object_deep_copy(val, &copy, NULL) == 0)
			jsonutil_set(section_data(s), key, copy);
	}
	sshd_host_keys(s, c);
	return 0;
}
