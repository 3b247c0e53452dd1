#!/bin/bash
# The ledger over HTTPS: receipts name their leaf; inclusion proofs of
# pushed envelopes and consistency proofs between checkpoints verify with
# an independent implementation of RFC 9162 (Python's hashlib); the
# checkpoint is a signed note whose Ed25519 signature and key id verify
# with the ledger's public key (openssl); checkpoints are signed on a
# timer; bad parameters and missing tokens are refused; signed sizes
# survive a restart.
. "$top_srcdir/tests/integration/lib.sh"

T=$top_builddir/tests/tools
daemon_setup "$TMP" "\n[ledger]\ncheckpoint_interval = 1s\n" || exit 1
LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1
ADMIN=$(grep -o 'exh_[A-Za-z0-9_-]*' "$TMP/init.out" | head -1)

# post PATH FILE [CURL-ARGS...] and get PATH [TOKEN]: $status, $body.
post() {
	local path=$1 file=$2
	shift 2
	status=$(curl -s -o "$TMP/body" -w '%{http_code}' --cacert "$CA" \
	    -H "Content-Type: ${CT:-application/json}" --data-binary "@$file" "$@" \
	    "$URL$path")
	body=$(cat "$TMP/body" 2>/dev/null)
}
get() {
	local t=${2-$ADMIN}
	status=$(curl -s -o "$TMP/body" -w '%{http_code}' --cacert "$CA" \
	    ${t:+-H "Authorization: Bearer $t"} "$URL$1")
	body=$(cat "$TMP/body" 2>/dev/null)
}
expect_refusal() {
	if [[ $status == "$1" ]] && grep -qF "\"error\":\"$2\"" <<<"$body"; then
		ok "$3: $1 $2"
	else
		not_ok "$3: got $status $body, expected $1 $2"
	fi
}
# field NAME: a top-level value of the last JSON body.
field() { python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v)' "$1" <<<"$body"; }

# An agent, enrolled by hand, and signed documents.
tok=$("$top_builddir/exhibitctl" -f "$DCONF" token create --role enroll \
    --uses 1 | grep -o 'exh_[A-Za-z0-9_-]*' | head -1)
openssl genpkey -algorithm ed25519 -out "$TMP/a.key" 2>/dev/null
openssl pkey -in "$TMP/a.key" -pubout -out "$TMP/a.pub"
printf '{"token":"%s","public_key":"%s","hostname":"a","machine_id":"m-a"}' \
    "$tok" "$(awk '{printf "%s\\n", $0}' "$TMP/a.pub")" >"$TMP/a.enroll"
post /v1/enroll "$TMP/a.enroll"
A=$(grep -o '"agent_id":"ag_[a-z0-9]*"' <<<"$body" | cut -d'"' -f4)
printf '%b' "$(grep -o '"certificate":"[^"]*"' <<<"$body" | cut -d'"' -f4)" >"$TMP/a.pem"
[[ -n $A ]] && ok "agent enrolled" || not_ok "enroll: $status $body"

doc() {
	local body="{\"sources\":[],\"data\":{\"n\":$1}}" dig
	dig=$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)
	printf '{"schema":"exhibit.evidence/1","agent_id":"%s","seq":%s,"collected_at":"%s","agent_version":"t","host":{"hostname":"a","machine_id":"m-a"},"sections":{"sshd":{"digest":"sha256:%s",%s},"errors":[]}' \
	    "$A" "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$dig" "${body:1}"
}
push() {
	doc "$1" >"$TMP/d$1"
	"$T/sign-envelope" "$TMP/a.key" "$TMP/d$1" >"$TMP/e$1"
	repush "$1"
}
repush() {
	CT=application/vnd.dsse.envelope+json post /v1/evidence "$TMP/e$1" \
	    --cert "$TMP/a.pem" --key "$TMP/a.key"
}

# --- receipts ---------------------------------------------------------------
bad=0
for i in 1 2 3 4 5 6 7; do
	push "$i"
	[[ $status == 201 && $(field leaf_index) == $((i - 1)) ]] || bad=$((bad + 1))
done
[[ $bad == 0 ]] && ok "seven receipts name leaves 0 to 6" || not_ok "receipts: last $status $body"
repush 3
[[ $status == 200 && $(field leaf_index) == 2 ]] && ok "a replay's receipt names the original leaf" || not_ok "replay: $status $body"
n=$(sql "SELECT count(*) FROM ledger_leaves l JOIN evidence e ON e.id = l.evidence_id")
[[ $n == 7 ]] && ok "every stored envelope has its leaf" || not_ok "$n leaves"

# --- checkpoints ------------------------------------------------------------
get /v1/ledger/checkpoint ""
expect_refusal 401 unauthorized "a checkpoint without a token"
get "/v1/ledger/checkpoint?fresh=1"
[[ $status == 200 && $(field size) == 7 ]] && ok "a fresh checkpoint covers the seven envelopes" || not_ok "checkpoint: $status $body"
field note >"$TMP/note7"
# print -n: the note is printed with one extra newline by print().
python3 -c 'import sys; s=open(sys.argv[1]).read(); open(sys.argv[1],"w").write(s[:-1])' "$TMP/note7"
origin=$(field origin)
[[ $origin =~ ^exhibit/[0-9a-f]{16}$ ]] && ok "the origin is exhibit/<key id> ($origin)" || not_ok "origin $origin"

# verify_note FILE: the C2SP signed note's signature by ledger.pub, and
# its key id, checked with openssl and Python; prints size and root.
verify_note() {
	python3 - "$1" "$TMP" "$origin" <<'PY' || return 1
import base64, hashlib, subprocess, sys
note, tmp, origin = open(sys.argv[1], "rb").read(), sys.argv[2], sys.argv[3]
body, sigs = note.rsplit(b"\n\n", 1)
body += b"\n"
lines = body.decode().split("\n")
assert lines[0] == origin, lines
assert int(lines[1]) >= 0 and str(int(lines[1])) == lines[1]
assert len(base64.b64decode(lines[2], validate=True)) == 32
line = sigs.decode().rstrip("\n")
assert line.startswith("\u2014 " + origin + " "), line
sig = base64.b64decode(line.split(" ")[2], validate=True)
der = subprocess.run(["openssl", "pkey", "-pubin", "-in",
    tmp + "/state/ledger.pub", "-outform", "DER"], capture_output=True,
    check=True).stdout
keyid = hashlib.sha256(origin.encode() + b"\n\x01" + der[-32:]).digest()[:4]
assert sig[:4] == keyid, "key id"
open(tmp + "/body", "wb").write(body)
open(tmp + "/sig", "wb").write(sig[4:])
print(lines[1], lines[2])
PY
	openssl pkeyutl -verify -pubin -inkey "$TMP/state/ledger.pub" -rawin \
	    -in "$TMP/body" -sigfile "$TMP/sig" >/dev/null
}
read -r size7 root7 < <(verify_note "$TMP/note7")
verify_note "$TMP/note7" >/dev/null && ok "the checkpoint's signature and key id verify with ledger.pub" || not_ok "the checkpoint does not verify: $(cat "$TMP/note7")"
[[ $size7 == 7 && $root7 == "$(field root)" ]] && ok "the note carries the size and root" || not_ok "note $size7 $root7"
sed '2s/.*/8/' "$TMP/note7" >"$TMP/forged"
verify_note "$TMP/forged" >/dev/null 2>&1 && not_ok "a changed note verifies" || ok "a changed note does not verify"

# --- inclusion --------------------------------------------------------------
# check_inclusion ENVELOPE INDEX SIZE ROOT: RFC 9162 2.1.3.2 in Python.
check_inclusion() {
	python3 - "$1" "$2" "$3" "$4" "$TMP/body" <<'PY'
import base64, hashlib, json, sys
env, index, size, root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), base64.b64decode(sys.argv[4])
r = json.load(open(sys.argv[5]))
H = lambda b: hashlib.sha256(b).digest()
leaf = H(b"\0" + H(open(env, "rb").read()))
assert base64.b64decode(r["leaf_hash"]) == leaf, "leaf hash"
assert (r["index"], r["size"]) == (index, size)
fn, sn, h = index, size - 1, leaf
for p in map(base64.b64decode, r["proof"]):
    assert sn > 0
    if fn & 1 or fn == sn:
        h = H(b"\1" + p + h)
        while not fn & 1 and fn:
            fn, sn = fn >> 1, sn >> 1
    else:
        h = H(b"\1" + h + p)
    fn, sn = fn >> 1, sn >> 1
assert sn == 0 and h == root and base64.b64decode(r["root"]) == root
PY
}
bad=0
for i in 1 2 3 4 5 6 7; do
	get "/v1/ledger/proof/inclusion?index=$((i - 1))&size=7"
	[[ $status == 200 ]] && check_inclusion "$TMP/e$i" $((i - 1)) 7 "$root7" || bad=$((bad + 1))
done
[[ $bad == 0 ]] && ok "every envelope's inclusion proof verifies against the signed root" || not_ok "$bad inclusion proofs failed: $body"
get "/v1/ledger/proof/inclusion?index=2&size=3"
[[ $status == 200 ]] && ! check_inclusion "$TMP/e3" 2 3 "$root7" 2>/dev/null && ok "a proof for another size does not verify against this root" || not_ok "size 3: $status $body"

get "/v1/ledger/proof/inclusion?index=7&size=7"
expect_refusal 400 bad_request "an index beyond the size"
get "/v1/ledger/proof/inclusion?index=0&size=8"
expect_refusal 400 bad_request "a size beyond the tree"
get "/v1/ledger/proof/inclusion?index=0&size=0"
expect_refusal 400 bad_request "size 0"
get "/v1/ledger/proof/inclusion?index=-1&size=7"
expect_refusal 400 bad_request "a negative index"
get "/v1/ledger/proof/inclusion?index=01&size=7"
expect_refusal 400 bad_request "leading zeros"
get "/v1/ledger/proof/inclusion?size=7"
expect_refusal 400 bad_request "no index"
get "/v1/ledger/proof/inclusion?index=0&size=7&x=1"
expect_refusal 400 bad_request "an unknown parameter"
get "/v1/ledger/proof/inclusion?index=0&size=99999999999999999999"
expect_refusal 400 bad_request "a size beyond 64 bits"

# --- consistency and the timer ----------------------------------------------
for i in 8 9 10 11 12; do push "$i"; done
wait_for_line "$LOG" "signed the checkpoint of 12 leaves" 5 && ok "the timer signs a checkpoint once the tree grew" || not_ok "no timed checkpoint of 12 leaves"
get /v1/ledger/checkpoint
[[ $(field size) == 12 ]] && ok "the latest checkpoint is served without fresh" || not_ok "checkpoint $body"
field note >"$TMP/note12"
python3 -c 'import sys; s=open(sys.argv[1]).read(); open(sys.argv[1],"w").write(s[:-1])' "$TMP/note12"
read -r size12 root12 < <(verify_note "$TMP/note12")
get "/v1/ledger/proof/consistency?from=7&to=12"
python3 - "$root7" "$root12" "$TMP/body" <<'PY' && ok "the consistency proof from 7 to 12 verifies (RFC 9162 2.1.4.2)" || not_ok "consistency: $body"
import base64, hashlib, json, sys
r1, r2 = map(base64.b64decode, sys.argv[1:3])
r = json.load(open(sys.argv[3]))
first, second = r["from"], r["to"]
assert (first, second) == (7, 12)
H = lambda b: hashlib.sha256(b).digest()
path = [base64.b64decode(p) for p in r["proof"]]
assert path
if first & (first - 1) == 0:
    path.insert(0, r1)
fn, sn = first - 1, second - 1
while fn & 1:
    fn, sn = fn >> 1, sn >> 1
fr = sr = path[0]
for c in path[1:]:
    assert sn > 0
    if fn & 1 or fn == sn:
        fr, sr = H(b"\1" + c + fr), H(b"\1" + c + sr)
        while not fn & 1 and fn:
            fn, sn = fn >> 1, sn >> 1
    else:
        sr = H(b"\1" + sr + c)
    fn, sn = fn >> 1, sn >> 1
assert sn == 0 and fr == r1 and sr == r2
PY
get "/v1/ledger/proof/consistency?from=12&to=7"
expect_refusal 400 bad_request "consistency backwards"
get "/v1/ledger/proof/consistency?from=1&to=13"
expect_refusal 400 bad_request "consistency beyond the tree"
get "/v1/ledger/proof/consistency?from=0&to=12"
[[ $status == 200 && $(field proof) == "[]" ]] && ok "from the empty tree: an empty proof" || not_ok "from 0: $status $body"

# --- restart ----------------------------------------------------------------
daemon_stop
[[ $drc == 0 ]] && ok "exhibitd stops" || not_ok "exhibitd exit $drc"
daemon_start "$LOG" || exit 1
get /v1/ledger/checkpoint
[[ $status == 200 && $(field size) == 12 && $(field root) == "$root12" ]] && ok "after a restart the same checkpoint is served" || not_ok "after restart: $body"
push 13
[[ $status == 201 && $(field leaf_index) == 12 ]] && ok "and the tree grows on" || not_ok "push 13: $status $body"
n=$(sql "SELECT count(*) FROM ledger_checkpoints")
[[ $n -ge 2 ]] && ok "checkpoints are kept ($n)" || not_ok "$n checkpoints"

daemon_stop
finish
