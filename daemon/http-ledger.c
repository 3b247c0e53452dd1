/*
 * The ledger for people (any reader's bearer token): the newest signed
 * checkpoint, and inclusion and consistency proofs served from the
 * stored subtree hashes.  Hashes are standard base64, as in checkpoints.
 * Proofs reach only as far as the durable tree, the most a checkpoint
 * can cover.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>

#include "encode.h"
#include "http.h"
#include "jsonutil.h"
#include "ledger.h"
#include "log.h"
#include "merkle.h"
#include "store.h"
#include "timefmt.h"

static void
http_ledger_hash(struct json_object *obj, const char *key,
    const unsigned char *h)
{
	char	*b64 = base64_encode(h, MERKLE_HASH_LEN, BASE64_STD);

	jsonutil_set_string(obj, key, b64);
	free(b64);
}

static struct json_object *
http_ledger_proof(const unsigned char *proof, size_t n)
{
	struct json_object	*a = json_object_new_array();
	char			*b64;
	size_t			 i;

	for (i = 0; i < n; i++) {
		b64 = base64_encode(proof + i * MERKLE_HASH_LEN,
		    MERKLE_HASH_LEN, BASE64_STD);
		json_object_array_add(a, json_object_new_string(b64));
		free(b64);
	}
	return a;
}

/* A parameter that is a decimal integer without sign or leading zeros,
 * within 2^63: 0, or -1 after refusing. */
static int
http_ledger_uint(struct http_req *hr, struct evkeyvalq *q, const char *name,
    uint64_t *out)
{
	const char	*v = evhttp_find_header(q, name);
	uint64_t	 x = 0;
	size_t		 i, len;

	len = v != NULL ? strlen(v) : 0;
	if (len == 0 || len > 18 || (len > 1 && v[0] == '0'))
		goto bad;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			goto bad;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
bad:
	http_refuse(hr, 400, "bad_request", "%s is required: a decimal "
	    "integer", name);
	return -1;
}

void
http_ledger_checkpoint(struct http_req *hr)
{
	static const char *const known[] = { "fresh", NULL };
	struct store_checkpoint	 c;
	struct evkeyvalq	 q;
	struct json_object	*body;
	const char		*v;
	char			 at[TIMEFMT_RFC3339_LEN];
	int			 fresh;

	if (http_person_auth(hr, HTTP_READERS) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	v = evhttp_find_header(&q, "fresh");
	fresh = hr->method == EVHTTP_REQ_POST;
	if (v != NULL && strcmp(v, "1") == 0)
		fresh = 1;
	else if (v != NULL && strcmp(v, "0") != 0) {
		http_refuse(hr, 400, "bad_request", "fresh is 0 or 1");
		goto out;
	}
	if (fresh && ledger_stopped(hr->ledger)) {
		http_refuse(hr, 503, "ledger_inconsistent", "the stored ledger "
		    "does not extend the last signed checkpoint; no new "
		    "checkpoint will be signed (see the daemon's log)");
		goto out;
	}
	if (ledger_checkpoint(hr->ledger, fresh, &c) == -1) {
		http_refuse(hr, 503, "busy", "no checkpoint could be had; "
		    "retry later");
		goto out;
	}
	body = json_object_new_object();
	jsonutil_set_string(body, "origin", ledger_origin(hr->ledger));
	jsonutil_set_int64(body, "size", (int64_t)c.size);
	http_ledger_hash(body, "root", c.root);
	jsonutil_set_string(body, "created_at", timefmt_rfc3339(c.created_at,
	    at, sizeof(at)));
	jsonutil_set_string(body, "note", c.note);
	store_checkpoint_clear(&c);
	http_reply(hr, 200, body);
out:
	evhttp_clear_headers(&q);
}

void
http_ledger_inclusion(struct http_req *hr)
{
	static const char *const known[] = { "index", "size", NULL };
	unsigned char		 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	merkle_hash		 leaf, root;
	struct evkeyvalq	 q;
	struct json_object	*body;
	uint64_t		 index, size, have;
	int64_t			 evidence_id;
	size_t			 n;

	if (http_person_auth(hr, HTTP_READERS) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	if (http_ledger_uint(hr, &q, "index", &index) == -1 ||
	    http_ledger_uint(hr, &q, "size", &size) == -1)
		goto out;
	have = store_ledger_durable(hr->store);
	if (size == 0 || size > have) {
		http_refuse(hr, 400, "bad_request", "size is 1 to %llu, the "
		    "leaves in the ledger", (unsigned long long)have);
		goto out;
	}
	if (index >= size) {
		http_refuse(hr, 400, "bad_request", "index is 0 to %llu, "
		    "within size", (unsigned long long)(size - 1));
		goto out;
	}
	if (store_ledger_leaf(hr->store, index, leaf, &evidence_id) !=
	    STORE_OK || store_ledger_inclusion(hr->store, index, size, proof,
	    &n) != STORE_OK || store_ledger_root(hr->store, size, root) !=
	    STORE_OK) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		goto out;
	}
	body = json_object_new_object();
	jsonutil_set_int64(body, "index", (int64_t)index);
	jsonutil_set_int64(body, "size", (int64_t)size);
	jsonutil_set_int64(body, "evidence_id", evidence_id);
	http_ledger_hash(body, "leaf_hash", leaf);
	jsonutil_set(body, "proof", http_ledger_proof(proof, n));
	http_ledger_hash(body, "root", root);
	http_reply(hr, 200, body);
out:
	evhttp_clear_headers(&q);
}

void
http_ledger_consistency(struct http_req *hr)
{
	static const char *const known[] = { "from", "to", NULL };
	unsigned char		 proof[MERKLE_MAX_PROOF * MERKLE_HASH_LEN];
	struct evkeyvalq	 q;
	struct json_object	*body;
	uint64_t		 from, to, have;
	size_t			 n;

	if (http_person_auth(hr, HTTP_READERS) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	if (http_ledger_uint(hr, &q, "from", &from) == -1 ||
	    http_ledger_uint(hr, &q, "to", &to) == -1)
		goto out;
	have = store_ledger_durable(hr->store);
	if (to > have) {
		http_refuse(hr, 400, "bad_request", "to is at most %llu, the "
		    "leaves in the ledger", (unsigned long long)have);
		goto out;
	}
	if (from > to) {
		http_refuse(hr, 400, "bad_request", "from is at most to");
		goto out;
	}
	if (store_ledger_consistency(hr->store, from, to, proof, &n) !=
	    STORE_OK) {
		http_refuse(hr, 503, "busy", "the store failed; retry later");
		goto out;
	}
	body = json_object_new_object();
	jsonutil_set_int64(body, "from", (int64_t)from);
	jsonutil_set_int64(body, "to", (int64_t)to);
	jsonutil_set(body, "proof", http_ledger_proof(proof, n));
	http_reply(hr, 200, body);
out:
	evhttp_clear_headers(&q);
}
