/*
 * exhibitctl verify's engine (verify.h).  Nothing in the bundle is
 * trusted before it is checked: names, sizes, JSON and keys are the
 * bundle author's.  Memory holds the rule packs, one agent's sections
 * and result digests, one envelope, and a bit per ledger entry for the
 * entries the bundle claims; never the bundle.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "bundle.h"
#include "checkpoint.h"
#include "encode.h"
#include "envelope.h"
#include "export.h"
#include "fileio.h"
#include "jsonutil.h"
#include "keys.h"
#include "merkle.h"
#include "rules.h"
#include "store.h"
#include "strv.h"
#include "timefmt.h"
#include "verify.h"
#include "verify-int.h"
#include "xmalloc.h"



void
verify_problem(struct vfy *v, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void
verify_problem(struct vfy *v, const char *member, const char *fmt, ...)
{
	va_list	ap;

	v->st->problems++;
	fprintf(v->o->out, "FAIL %s: ", member);
	va_start(ap, fmt);
	vfprintf(v->o->out, fmt, ap);
	va_end(ap);
	fputc('\n', v->o->out);
}

/* "<prefix><hex>.json" names a content-addressed member: its hex. */
static const char *
member_hex(const char *name, const char *prefix)
{
	size_t	pl = strlen(prefix);
	const char *h = name + pl;

	if (strncmp(name, prefix, pl) != 0 || strlen(h) != 64 + 5 ||
	    strcmp(h + 64, ".json") != 0 || strspn(h, "0123456789abcdef") != 64)
		return NULL;
	return h;
}

int
verify_digest_is(const unsigned char d[DIGEST_SHA256_LEN], const char *hex)
{
	char	mine[DIGEST_SHA256_HEXLEN];

	hex_encode_buf(d, DIGEST_SHA256_LEN, mine);
	return strncmp(mine, hex, 64) == 0;
}

struct json_object *
verify_parse(struct vfy *v, const char *member, const char *data, size_t len)
{
	struct json_object	*o;
	char			 err[128];

	if ((o = jsonutil_parse(data, len, err, sizeof(err))) == NULL)
		verify_problem(v, member, "not JSON: %s", err);
	return o;
}

/* A hash list as the bundle writes it: base64 strings. */
static int
hashes(struct json_object *arr, unsigned char *out, size_t *n)
{
	unsigned char	*h;
	size_t		 i, len;
	const char	*s;

	if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) > MERKLE_MAX_PROOF)
		return -1;
	*n = json_object_array_length(arr);
	for (i = 0; i < *n; i++) {
		s = json_object_get_string(json_object_array_get_idx(arr, i));
		if (s == NULL || base64_decode(s, strlen(s), &h, &len) == -1)
			return -1;
		if (len != MERKLE_HASH_LEN) {
			free(h);
			return -1;
		}
		memcpy(out + i * MERKLE_HASH_LEN, h, MERKLE_HASH_LEN);
		free(h);
	}
	return 0;
}

static void
ledger_pub(struct vfy *v, const char *m, const char *data, size_t len)
{
	char	err[256], a[KEYS_KEYID_HEXLEN], b[KEYS_KEYID_HEXLEN];

	if ((v->lkey = keys_public_from_pem(data, len, err, sizeof(err))) ==
	    NULL) {
		verify_problem(v, m, "%s", err);
		return;
	}
	if (v->trusted != NULL && strcmp(keys_keyid(v->trusted, a),
	    keys_keyid(v->lkey, b)) != 0)
		verify_problem(v, m, "the bundle's ledger key (%.16s) is not the one "
		    "you trust (%.16s)", b, a);
	if (v->trusted != NULL) {
		EVP_PKEY_free(v->lkey);
		v->lkey = NULL;
		EVP_PKEY_up_ref(v->trusted);
		v->lkey = v->trusted;
	}
}

static void
checkpoint_member(struct vfy *v, const char *m, const char *data, size_t len)
{
	char	 origin[256], err[256];
	size_t	 n = strcspn(data, "\n");

	if (v->lkey == NULL) {
		verify_problem(v, m, "no ledger key to check it with");
		return;
	}
	if (n >= sizeof(origin) || n == len) {
		verify_problem(v, m, "not a checkpoint");
		return;
	}
	memcpy(origin, data, n);
	origin[n] = '\0';
	if (checkpoint_verify(data, len, v->lkey, origin, &v->cp, err,
	    sizeof(err)) == -1) {
		verify_problem(v, m, "%s", err);
		return;
	}
	v->have_cp = 1;
	v->st->checkpoint_size = v->cp.size;
	/* A bit per entry: a claim to one leaf twice is caught.  Pages
	 * no claim touches cost nothing; beyond 2^32 entries (an untrusted
	 * key can sign any size) the check is skipped. */
	if (v->cp.size <= ((uint64_t)1 << 32))
		v->claimed = xcalloc(1, (size_t)(v->cp.size / 8 + 1));
	if (v->o->since == NULL)
		return;
	{
		char	*note;
		size_t	 nlen;

		if (fileio_read_path(v->o->since, 64 * 1024, &note, &nlen) ==
		    -1) {
			verify_problem(v, v->o->since, "%s", strerror(errno));
			return;
		}
		if (checkpoint_verify(note, nlen, v->lkey, origin, &v->since,
		    err, sizeof(err)) == -1)
			verify_problem(v, v->o->since, "not a checkpoint of this "
			    "ledger: %s", err);
		else if (v->since.size > v->cp.size)
			verify_problem(v, m, "rolled back: the checkpoint you kept "
			    "covers %" PRIu64 " entries, the bundle's only %"
			    PRIu64, v->since.size, v->cp.size);
		else
			v->have_since = 1;
		free(note);
	}
}

static void
consistency(struct vfy *v, const char *m, const char *data, size_t len)
{
	struct json_object	*o, *p;
	unsigned char		 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	int64_t			 from, to;
	size_t			 n;

	if ((o = verify_parse(v, m, data, len)) == NULL)
		return;
	if (!v->have_since)
		goto out;	/* nothing kept to compare with */
	if (jsonutil_get_int64(o, "from_size", &from) == -1 ||
	    jsonutil_get_int64(o, "to_size", &to) == -1 ||
	    !json_object_object_get_ex(o, "proof", &p) ||
	    hashes(p, proof, &n) == -1)
		verify_problem(v, m, "not a consistency proof");
	else if ((uint64_t)from != v->since.size ||
	    (uint64_t)to != v->cp.size)
		verify_problem(v, m, "proves %" PRId64 " to %" PRId64 " entries, not "
		    "%" PRIu64 " (your checkpoint) to %" PRIu64 " (the "
		    "bundle's)", from, to, v->since.size, v->cp.size);
	else if (merkle_verify_consistency(v->since.size, v->cp.size, proof,
	    n, v->since.root, v->cp.root) == -1)
		verify_problem(v, m, "the ledger is not an extension of the one your "
		    "checkpoint signed: entries were changed or removed");
	else
		v->consistency_ok = 1;
out:
	json_object_put(o);
}

static void
rule_pack(struct vfy *v, const char *m, const char *hex, const char *data,
    size_t len, const unsigned char d[DIGEST_SHA256_LEN])
{
	char	*digest;

	if (!verify_digest_is(d, hex)) {
		verify_problem(v, m, "content does not match its name's SHA-256");
		return;
	}
	digest = xasprintf("sha256:%.64s", hex);
	v->pack_bodies = xreallocarray(v->pack_bodies, v->packs.n + 1,
	    sizeof(*v->pack_bodies));
	v->pack_bodies[v->packs.n].data = xmalloc(len + 1);
	memcpy(v->pack_bodies[v->packs.n].data, data, len + 1);
	v->pack_bodies[v->packs.n].len = len;
	strv_add(&v->packs, digest);
	free(digest);
}


static void
agent_done(struct vfy *v)
{
	size_t	i;

	if (v->env != NULL) {
		verify_problem(v, v->agent, "envelope seq %" PRId64 " has no "
		    "metadata", v->env_seq);
		free(v->env);
		v->env = NULL;
	}
	for (i = 0; i < v->need_results.n; i++)
		if (!strv_has(&v->have_results, v->need_results.v[i]))
			verify_problem(v, v->agent, "result set %s is referenced "
			    "but not in the bundle", v->need_results.v[i]);
	for (i = 0; i < v->secs.n; i++) {
		free(v->sec_bodies[i].data);
		json_object_put(v->sec_parsed[i]);
	}
	free(v->sec_bodies);
	free(v->sec_parsed);
	free(v->memo);
	v->memo = NULL;
	v->memo_cap = v->memo_n = 0;
	v->sec_bodies = NULL;
	v->sec_parsed = NULL;
	strv_free(&v->secs);
	strv_free(&v->need_results);
	strv_free(&v->have_results);
	EVP_PKEY_free(v->akey);
	v->akey = NULL;
	v->agent[0] = '\0';
}

static void
agent_member(struct vfy *v, const char *m, const char *id, const char *data,
    size_t len)
{
	struct json_object	*o;
	const char		*aid, *pem, *keyid;
	char			 err[256];

	agent_done(v);
	v->st->agents++;
	snprintf(v->agent, sizeof(v->agent), "%s", id);
	v->last_seq = 0;
	if ((o = verify_parse(v, m, data, len)) == NULL)
		return;
	if (jsonutil_get_string(o, "id", &aid) == -1 || strcmp(aid, id) != 0 ||
	    jsonutil_get_string(o, "public_key", &pem) == -1 ||
	    jsonutil_get_string(o, "keyid", &keyid) == -1)
		verify_problem(v, m, "not an agent record for %s", id);
	else if ((v->akey = keys_public_from_pem(pem, strlen(pem), err,
	    sizeof(err))) == NULL)
		verify_problem(v, m, "public key: %s", err);
	else if (strcmp(keys_keyid(v->akey, v->akeyid), keyid) != 0)
		verify_problem(v, m, "keyid %.16s… is not the public key's (%.16s…)",
		    keyid, v->akeyid);
	json_object_put(o);
}

static void
section_member(struct vfy *v, const char *m, const char *hex,
    const char *data, size_t len, const unsigned char d[DIGEST_SHA256_LEN])
{
	char	*digest;

	if (!verify_digest_is(d, hex)) {
		verify_problem(v, m, "content does not match its name's SHA-256");
		return;
	}
	digest = xasprintf("sha256:%.64s", hex);
	v->sec_bodies = xreallocarray(v->sec_bodies, v->secs.n + 1,
	    sizeof(*v->sec_bodies));
	v->sec_parsed = xreallocarray(v->sec_parsed, v->secs.n + 1,
	    sizeof(*v->sec_parsed));
	v->sec_parsed[v->secs.n] = NULL;
	v->sec_bodies[v->secs.n].data = xmalloc(len + 1);
	memcpy(v->sec_bodies[v->secs.n].data, data, len + 1);
	v->sec_bodies[v->secs.n].len = len;
	strv_add(&v->secs, digest);
	free(digest);
}








static void
envelope_meta(struct vfy *v, const char *m, int64_t seq, const char *data,
    size_t len)
{
	struct json_object	*o, *p, *signed_doc = NULL;
	unsigned char		*d = v->env_digest, *payload = NULL;
	unsigned char		 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	merkle_hash		 leaf;
	const char		*digest, *when = "";
	char			 hex[DIGEST_SHA256_HEXLEN], err[256];
	int64_t			 idx, size, pseq;
	size_t			 n, plen;

	if (v->env == NULL || v->env_seq != seq) {
		verify_problem(v, m, "no envelope before its metadata");
		return;
	}
	v->st->envelopes++;
	if ((o = verify_parse(v, m, data, len)) == NULL)
		goto out;
	(void)jsonutil_get_string(o, "collected_at", &when);
	if (jsonutil_get_string(o, "digest", &digest) == -1 ||
	    strncmp(digest, "sha256:", 7) != 0 || !verify_digest_is(d, digest + 7))
		verify_problem(v, m, "the envelope's SHA-256 is %s, not the digest "
		    "recorded", digest_sha256_hex(v->env, v->env_len, hex));

	/* The agent's signature, by the key it enrolled. */
	if (v->akey == NULL)
		verify_problem(v, m, "no key for agent %s", v->agent);
	else if (envelope_verify_keyid(v->env, v->env_len, v->akey, v->akeyid,
	    ENVELOPE_EVIDENCE_TYPE, &payload, &plen, err, sizeof(err)) !=
	    ENVELOPE_OK)
		verify_problem(v, m, "signature: %s", err);
	else if ((p = verify_parse(v, m, (const char *)payload, plen)) != NULL) {
		const char *aid;

		if (jsonutil_get_int64(p, "seq", &pseq) == -1 || pseq != seq ||
		    jsonutil_get_string(p, "agent_id", &aid) == -1 ||
		    strcmp(aid, v->agent) != 0)
			verify_problem(v, m, "the signed document is not %s's seq %"
			    PRId64, v->agent, seq);
		signed_doc = p;
	}

	/* In the ledger, under the signed checkpoint, once. */
	if (jsonutil_get_int64(o, "leaf_index", &idx) == -1 ||
	    jsonutil_get_int64(o, "tree_size", &size) == -1 ||
	    !json_object_object_get_ex(o, "inclusion_proof", &p) ||
	    hashes(p, proof, &n) == -1)
		verify_problem(v, m, "no inclusion proof");
	else if (!v->have_cp || (uint64_t)size != v->cp.size)
		verify_problem(v, m, "the inclusion proof is not for the bundle's "
		    "checkpoint");
	else {
		merkle_leaf_hash(d, DIGEST_SHA256_LEN, leaf);
		if (idx < 0 || merkle_verify_inclusion(leaf, (uint64_t)idx,
		    v->cp.size, proof, n, v->cp.root) == -1)
			verify_problem(v, m, "not in the ledger at entry %" PRId64
			    ": the inclusion proof fails", idx);
		else if (v->claimed != NULL) {
			if (v->claimed[idx / 8] & (1u << (idx % 8)))
				verify_problem(v, m, "ledger entry %" PRId64 " is "
				    "claimed twice", idx);
			v->claimed[idx / 8] |= (unsigned char)(1u << (idx % 8));
		}
	}

	/* Continuity of the agent's own numbering. */
	if (v->last_seq != 0 && seq <= v->last_seq)
		verify_problem(v, m, "seq %" PRId64 " after seq %" PRId64 ": out of "
		    "order", seq, v->last_seq);
	else if (v->last_seq != 0 && seq != v->last_seq + 1) {
		v->st->gaps++;
		if (v->o->allow_gaps)
			fprintf(v->o->out, "GAP  %s: seq %" PRId64 " to %"
			    PRId64 " missing, between %s and %s\n", v->agent,
			    v->last_seq + 1, seq - 1, v->last_when, when);
		else
			verify_problem(v, v->agent, "seq %" PRId64 " to %" PRId64
			    " missing, between %s and %s (collected)",
			    v->last_seq + 1, seq - 1, v->last_when, when);
	}
	if (seq > v->last_seq) {
		v->last_seq = seq;
		snprintf(v->last_when, sizeof(v->last_when), "%s", when);
	}
	if (payload != NULL) {
		verify_reevaluate(v, m, o, payload, plen, signed_doc);
		signed_doc = NULL;
	}
out:
	json_object_put(signed_doc);
	json_object_put(o);
	free(payload);
	free(v->env);
	v->env = NULL;
}

/* agents/<id>/<rest>: the agent's id (copied) and rest. */
static const char *
agent_path(const char *name, char *id, size_t idlen)
{
	const char	*a = name + 7, *slash;

	if ((slash = strchr(a, '/')) == NULL || (size_t)(slash - a) >= idlen)
		return NULL;
	memcpy(id, a, (size_t)(slash - a));
	id[slash - a] = '\0';
	return slash + 1;
}

static int64_t
seq_of(const char *rest, const char *suffix)
{
	char	*end;
	long long n;

	if (strncmp(rest, "evidence/", 9) != 0 || rest[9] < '1' ||
	    rest[9] > '9')
		return -1;
	errno = 0;
	n = strtoll(rest + 9, &end, 10);
	if (errno != 0 || strcmp(end, suffix) != 0)
		return -1;
	return n;
}

static void
agents_member(struct vfy *v, const char *m, const char *data, size_t len,
    const unsigned char d[DIGEST_SHA256_LEN])
{
	char		 id[40];
	const char	*rest, *hex;
	int64_t		 seq;

	if ((rest = agent_path(m, id, sizeof(id))) == NULL) {
		verify_problem(v, m, "not a member a bundle holds");
		return;
	}
	if (strcmp(rest, "agent.json") == 0) {
		agent_member(v, m, id, data, len);
		return;
	}
	if (strcmp(id, v->agent) != 0) {
		verify_problem(v, m, "outside its agent's part of the bundle");
		return;
	}
	if ((hex = member_hex(rest, "sections/")) != NULL)
		section_member(v, m, hex, data, len, d);
	else if ((hex = member_hex(rest, "results/")) != NULL) {
		char *digest = xasprintf("sha256:%.64s", hex);

		if (!verify_digest_is(d, hex))
			verify_problem(v, m, "content does not match its name's "
			    "SHA-256");
		else
			strv_add(&v->have_results, digest);
		free(digest);
	} else if ((seq = seq_of(rest, ".dsse.json")) > 0) {
		if (v->env != NULL)
			verify_problem(v, m, "envelope seq %" PRId64 " has no "
			    "metadata", v->env_seq);
		free(v->env);
		v->env = xmalloc(len + 1);
		memcpy(v->env, data, len + 1);
		v->env_len = len;
		v->env_seq = seq;
		memcpy(v->env_digest, d, sizeof(v->env_digest));
	} else if ((seq = seq_of(rest, ".json")) > 0)
		envelope_meta(v, m, seq, data, len);
	else
		verify_problem(v, m, "not a member a bundle holds");
}

static void
records_member(struct vfy *v, const char *m, const char *data, size_t len)
{
	struct json_object	*o;
	const char		*p = data, *nl;
	size_t			 line = 1;
	char			 err[128];

	if (strcmp(m, "waivers.json") == 0 || strcmp(m, "audits.json") == 0) {
		json_object_put(verify_parse(v, m, data, len));
		return;
	}
	for (; p < data + len; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(data + len - p))) == NULL)
			nl = data + len;
		if ((o = jsonutil_parse(p, (size_t)(nl - p), err,
		    sizeof(err))) == NULL) {
			verify_problem(v, m, "line %zu: not JSON: %s", line, err);
			return;
		}
		json_object_put(o);
	}
}


static void
manifest_signed(struct vfy *v, const char *m, const char *data, size_t len)
{
	struct json_object	*o, *x;
	unsigned char		*payload;
	size_t			 plen;
	const char		*s;
	int64_t			 k;
	char			 err[256], hex[2 * DIGEST_SHA256_LEN + 1];

	if (v->manifest == NULL || v->lkey == NULL) {
		verify_problem(v, m, "no manifest or ledger key before it");
		return;
	}
	if (envelope_verify(data, len, v->lkey, BUNDLE_MANIFEST_TYPE,
	    &payload, &plen, err, sizeof(err)) != ENVELOPE_OK) {
		verify_problem(v, m, "the manifest's signature: %s", err);
		return;
	}
	if (plen != v->manifest_len || memcmp(payload, v->manifest, plen) != 0)
		verify_problem(v, "manifest.json", "not the manifest that was signed");
	free(payload);
	if ((o = verify_parse(v, "manifest.json", v->manifest, v->manifest_len)) ==
	    NULL)
		return;
	hex_encode_buf(v->sums, sizeof(v->sums), hex);
	if (jsonutil_get_string(o, "format", &s) == -1 ||
	    strcmp(s, BUNDLE_FORMAT) != 0)
		verify_problem(v, "manifest.json", "not a %s manifest", BUNDLE_FORMAT);
	if (!json_object_object_get_ex(o, "listing", &x) ||
	    jsonutil_get_string(x, "sha256", &s) == -1 ||
	    !v->have_sums || strcmp(s, hex) != 0)
		verify_problem(v, "SHA256SUMS", "does not match the signed manifest");
	if (!json_object_object_get_ex(o, "ledger", &x) ||
	    jsonutil_get_int64(x, "checkpoint_size", &k) == -1 ||
	    (uint64_t)k != v->cp.size)
		verify_problem(v, "checkpoint", "is not the one the manifest names");
	if (!json_object_object_get_ex(o, "counts", &x) ||
	    jsonutil_get_int64(x, "envelopes", &k) == -1 ||
	    (uint64_t)k != v->st->envelopes)
		verify_problem(v, "manifest.json", "counts other envelopes than the "
		    "bundle holds (%" PRIu64 ")", v->st->envelopes);
	else if (jsonutil_get_int64(x, "agents", &k) == -1 ||
	    (uint64_t)k != v->st->agents)
		verify_problem(v, "manifest.json", "counts other agents than the "
		    "bundle holds (%" PRIu64 ")", v->st->agents);
	json_object_put(o);
	v->manifest_ok = 1;
}

static int
order_ok(struct vfy *v, const char *m, int phase)
{
	if (phase < v->phase) {
		verify_problem(v, m, "out of place: bundles hold their members in a "
		    "fixed order");
		return 0;
	}
	v->phase = phase;
	return 1;
}

static void
member(struct vfy *v, struct bundle_reader *r, const char *m, int *listing_bad)
{
	const char	*data, *hex;
	size_t		 len;
	unsigned char	 d[DIGEST_SHA256_LEN];
	char		 err[256], line[DIGEST_SHA256_HEXLEN + 300];

	if (v->phase == PH_SIGNED) {
		verify_problem(v, m, "after the signed manifest");
		return;
	}
	if (strcmp(m, "SHA256SUMS") == 0) {
		if (order_ok(v, m, PH_LISTING))
			*listing_bad = verify_listing(v, r, m);
		return;
	}
	if (bundle_read_all(r, &data, &len, d, err, sizeof(err)) == -1) {
		verify_problem(v, m, "%s", err);
		return;
	}
	if (strcmp(m, "manifest.json") == 0) {
		if (order_ok(v, m, PH_MANIFEST)) {
			free(v->manifest);
			v->manifest = xmalloc(len + 1);
			memcpy(v->manifest, data, len + 1);
			v->manifest_len = len;
		}
		return;
	}
	if (strcmp(m, "manifest.dsse.json") == 0) {
		if (order_ok(v, m, PH_SIGNED))
			manifest_signed(v, m, data, len);
		return;
	}
	snprintf(line, sizeof(line), "%s  %s\n",
	    hex_encode_buf(d, sizeof(d), (char[DIGEST_SHA256_HEXLEN]){ 0 }), m);
	EVP_DigestUpdate(v->listing, line, strlen(line));
	v->st->members++;

	if (strcmp(m, "ledger.pub") == 0) {
		if (order_ok(v, m, PH_LEDGER))
			ledger_pub(v, m, data, len);
	} else if (strcmp(m, "checkpoint") == 0) {
		if (order_ok(v, m, PH_LEDGER))
			checkpoint_member(v, m, data, len);
	} else if (strcmp(m, "consistency.json") == 0) {
		if (order_ok(v, m, PH_LEDGER))
			consistency(v, m, data, len);
	} else if ((hex = member_hex(m, "rules/")) != NULL) {
		if (order_ok(v, m, PH_RULES))
			rule_pack(v, m, hex, data, len, d);
	} else if (strcmp(m, "rulesets.json") == 0) {
		if (order_ok(v, m, PH_RULES)) {
			json_object_put(v->rulesets);
			v->rulesets = verify_parse(v, m, data, len);
		}
	} else if (strncmp(m, "agents/", 7) == 0) {
		if (order_ok(v, m, PH_AGENTS))
			agents_member(v, m, data, len, d);
	} else if (strcmp(m, "waivers.json") == 0 ||
	    strcmp(m, "audits.json") == 0 || strcmp(m, "drift.jsonl") == 0 ||
	    strcmp(m, "security-events.jsonl") == 0) {
		if (order_ok(v, m, PH_RECORDS)) {
			agent_done(v);
			records_member(v, m, data, len);
		}
	} else
		verify_problem(v, m, "not a member a bundle holds");
}


int
verify_bundle(const char *path, const struct verify_opts *o,
    struct verify_stats *st)
{
	struct vfy		 v;
	struct bundle_reader	*r;
	const char		*m;
	char			 err[256];
	size_t			 size, i;
	int			 rc, listing_bad = 0, status;

	memset(st, 0, sizeof(*st));
	memset(&v, 0, sizeof(v));
	v.o = o;
	v.st = st;
	if (o->ledger_key != NULL && (v.trusted = keys_load_public(
	    o->ledger_key, err, sizeof(err))) == NULL) {
		fprintf(o->out, "ERROR %s\n", err);
		return 2;
	}
	if ((r = bundle_reader_open(path, err, sizeof(err))) == NULL) {
		fprintf(o->out, "ERROR %s\n", err);
		EVP_PKEY_free(v.trusted);
		return 2;
	}
	v.listing = EVP_MD_CTX_new();
	EVP_DigestInit_ex(v.listing, digest_sha256_md(), NULL);
	while ((rc = bundle_next(r, &m, &size, err, sizeof(err))) == 1)
		member(&v, r, m, &listing_bad);
	if (rc == -1)
		verify_problem(&v, path, "%s", err);
	bundle_reader_close(r);
	agent_done(&v);

	if (!v.have_cp)
		verify_problem(&v, "checkpoint", "missing or not verified");
	if (!v.have_sums)
		verify_problem(&v, "SHA256SUMS", "missing");
	else if (listing_bad) {
		verify_problem(&v, "SHA256SUMS", "does not list the bundle's members "
		    "as they are");
		verify_second_pass(&v, path);
	}
	if (!v.manifest_ok)
		verify_problem(&v, "manifest.dsse.json", "missing: the manifest is "
		    "not signed");
	if (o->since != NULL && v.have_since && !v.consistency_ok)
		verify_problem(&v, "consistency.json", "no valid proof that the "
		    "ledger extends the checkpoint you kept");
	if (v.trusted == NULL)
		fprintf(o->out, "NOTE the checkpoint and manifest were checked "
		    "with the ledger key inside the bundle; pass --ledger-key "
		    "with the key you trust\n");
	status = st->problems > 0 ? 1 : 0;

	EVP_MD_CTX_free(v.listing);
	EVP_PKEY_free(v.trusted);
	EVP_PKEY_free(v.lkey);
	free(v.claimed);
	for (i = 0; i < v.packs.n; i++)
		free(v.pack_bodies[i].data);
	free(v.pack_bodies);
	strv_free(&v.packs);
	json_object_put(v.rulesets);
	for (i = 0; i < v.nsets; i++) {
		free(v.set_digest[i]);
		free(v.timed[i]);
		ruleset_free(v.set[i]);
	}
	if (v.sums_copy != NULL)
		fclose(v.sums_copy);
	free(v.manifest);
	return status;
}
