/*
 * verify and SHA256SUMS: the listing is checked against a hash of what
 * was read, kept aside, and only when they differ is the archive read a
 * second time beside it to name the member that was modified, removed,
 * moved or added.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "encode.h"
#include "verify-int.h"

/* SHA256SUMS: read in pieces, hashed and kept aside for a second pass. */
int
verify_listing(struct vfy *v, struct bundle_reader *r, const char *m)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	unsigned char	 want[DIGEST_SHA256_LEN];
	char		 buf[65536], err[256];
	long		 n;

	EVP_DigestInit_ex(md, digest_sha256_md(), NULL);
	v->sums_copy = tmpfile();
	while ((n = bundle_read(r, buf, sizeof(buf), err, sizeof(err))) > 0) {
		EVP_DigestUpdate(md, buf, (size_t)n);
		if (v->sums_copy != NULL)
			fwrite(buf, 1, (size_t)n, v->sums_copy);
	}
	EVP_DigestFinal_ex(md, v->sums, NULL);
	EVP_MD_CTX_free(md);
	if (n < 0) {
		verify_problem(v, m, "%s", err);
		return -1;
	}
	v->have_sums = 1;
	EVP_DigestFinal_ex(v->listing, want, NULL);
	return memcmp(want, v->sums, sizeof(want)) == 0 ? 0 : 1;
}

/*
 * The listing did not match: walk the archive again beside the listing
 * kept from the first pass and name the first member out of step.
 */
void
verify_second_pass(struct vfy *v, const char *path)
{
	struct bundle_reader	*r;
	const char		*m, *data;
	char			 line[512], want[512], err[256];
	char			 hex[DIGEST_SHA256_HEXLEN];
	unsigned char		 d[DIGEST_SHA256_LEN];
	size_t			 size, len;
	int			 rc = 0, found;

	if (v->sums_copy == NULL || (r = bundle_reader_open(path, err,
	    sizeof(err))) == NULL)
		return;
	rewind(v->sums_copy);
	while ((rc = bundle_next(r, &m, &size, err, sizeof(err))) == 1) {
		if (strcmp(m, "SHA256SUMS") == 0)
			break;
		if (strncmp(m, "manifest", 8) == 0)
			continue;
		if (bundle_read_all(r, &data, &len, d, err, sizeof(err)) == -1)
			break;
		hex_encode_buf(d, sizeof(d), hex);
		if (fgets(line, sizeof(line), v->sums_copy) == NULL) {
			verify_problem(v, m, "added: not in the listing");
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) > 66 && strcmp(line + 66, m) == 0) {
			if (strncmp(line, hex, 64) != 0) {
				verify_problem(v, m, "modified: its SHA-256 is %s, the "
				    "listing's %.64s", hex, line);
				break;
			}
			continue;
		}
		/* Out of step: is this member further down the listing
		 * (members before it were removed), higher up (moved), or
		 * nowhere (added)? */
		snprintf(want, sizeof(want), "%s", strlen(line) > 66 ?
		    line + 66 : line);
		found = 0;
		while (fgets(line, sizeof(line), v->sums_copy) != NULL)
			if (line[strcspn(line, "\n")] = '\0',
			    strlen(line) > 66 && strcmp(line + 66, m) == 0)
				found = 1;
		if (found) {
			/* Removed, or moved further on? */
			snprintf(line, sizeof(line), "%s", m);
			found = 0;
			while (!found && bundle_next(r, &m, &size, err,
			    sizeof(err)) == 1)
				found = strcmp(m, want) == 0;
			if (found)
				verify_problem(v, want, "reordered: the bundle holds "
				    "it after %s", line);
			else
				verify_problem(v, want, "missing: listed before %s, "
				    "which the bundle holds next", line);
			rc = 0;
		} else {
			rewind(v->sums_copy);
			while (fgets(line, sizeof(line), v->sums_copy) != NULL)
				if (line[strcspn(line, "\n")] = '\0',
				    strlen(line) > 66 &&
				    strcmp(line + 66, m) == 0)
					found = 1;
			if (found)
				verify_problem(v, m, "reordered: listed before %s",
				    want);
			else
				verify_problem(v, m, "added: not in the listing");
		}
		break;
	}
	if (rc == 1 && strcmp(m, "SHA256SUMS") == 0 &&
	    fgets(line, sizeof(line), v->sums_copy) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		verify_problem(v, strlen(line) > 66 ? line + 66 : line, "missing: "
		    "listed, not in the bundle");
	}
	bundle_reader_close(r);
}
