#!/bin/bash
# Two exhibitd instances on one PostgreSQL database (EXHIBIT_TEST_PG; the
# test is skipped without it): agents push to both, switching at every
# document and retrying each on the other instance; one instance is
# killed (-9) halfway and its agents fail over.  Every (agent, seq) is
# stored once and a retry elsewhere gets the original receipt; ledger
# leaves are dense; one instance signs checkpoints and every pair of
# them is consistent (RFC 9162 proofs); drift alerts go out once.
. "$top_srcdir/tests/integration/lib.sh"

if [[ -z ${EXHIBIT_TEST_PG:-} ]]; then
	echo "skipped: EXHIBIT_TEST_PG is not set (tests/pg/run-tests.sh sets it)"
	exit 77
fi
T=$top_builddir/tests/tools
AGENTS=4
DOCS=6

mkdir "$TMP/hook"
RPORT=$("$T/freeport")
"$T/webhook-receiver" "$RPORT" "$TMP/hook" >"$TMP/receiver.out" 2>&1 &
PIDS+=("$!")
wait_for_line "$TMP/receiver.out" listening 5 || { not_ok "the receiver starts"; finish; exit 1; }
daemon_setup "$TMP" "\n[ledger]\ncheckpoint_interval = 1s\n[alerts.webhook]\nurl = http://127.0.0.1:$RPORT/hook\nsecret = multi-instance-secret-0123456789\nrate_limit = 6000\nretry_min = 1s\n" || exit 1
# The second instance: the same keys (a copy of the state directory),
# the same database, its own port.
cp -a "$DSTATE" "$TMP/state2"
PORT2=$("$T/freeport")
sed -e "s|^state_dir = .*|state_dir = $TMP/state2|" \
    -e "s|^listen = .*|listen = 127.0.0.1:$PORT2|" "$DCONF" >"$TMP/two.conf"
URL1=$URL
URL2=https://127.0.0.1:$PORT2
daemon_start "$TMP/one.log" || exit 1
PID1=$DPID
# Instance one takes the signer's lock before two exists.
wait_for_line "$TMP/one.log" "this instance signs the checkpoints" 10 ||
    not_ok "instance one does not sign"
DCONF=$TMP/two.conf URL=$URL2 daemon_start "$TMP/two.log" || exit 1
PID2=$DPID
ok "two instances serve one database"

post() { # post URL PATH FILE [CURL-ARGS...]: $status, $body
	# One file per loader: they run at once.
	local url=$1 path=$2 file=$3 out=$TMP/body.$BASHPID
	shift 3
	status=$(curl -s -o "$out" -w '%{http_code}' --cacert "$CA" \
	    -H "Content-Type: ${CT:-application/json}" --data-binary "@$file" "$@" \
	    "$url$path")
	body=$(cat "$out" 2>/dev/null)
}
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <<<"$body"; }

# Agents enroll with one token, half on each instance.
tok=$(enroll_token $AGENTS)
for ((a = 0; a < AGENTS; a++)); do
	openssl genpkey -algorithm ed25519 -out "$TMP/$a.key" 2>/dev/null
	openssl pkey -in "$TMP/$a.key" -pubout -out "$TMP/$a.pub"
	printf '{"token":"%s","public_key":"%s","hostname":"h%s","machine_id":"m-%s"}' \
	    "$tok" "$(awk '{printf "%s\\n", $0}' "$TMP/$a.pub")" "$a" "$a" >"$TMP/$a.enroll"
	if ((a % 2)); then u=$URL2; else u=$URL1; fi
	post "$u" /v1/enroll "$TMP/$a.enroll"
	grep -o '"agent_id":"ag_[a-z0-9]*"' <<<"$body" | cut -d'"' -f4 >"$TMP/$a.id"
	printf '%b' "$(grep -o '"certificate":"[^"]*"' <<<"$body" | cut -d'"' -f4)" >"$TMP/$a.pem"
done
[[ $(sql "SELECT count(*) FROM agents") == "$AGENTS" ]] && ok "$AGENTS agents enrolled on both instances with one $AGENTS-use token" ||
    not_ok "agents: $(sql "SELECT count(*) FROM agents")"

# agent A: push DOCS documents, each to one instance and again to the
# other (an agent retrying elsewhere); an instance that does not answer
# is replaced by the other.  Mismatches are appended to $TMP/bad.
agent() {
	local a=$1 id seq dig body first other leaf
	id=$(cat "$TMP/$a.id")
	for ((seq = 1; seq <= DOCS; seq++)); do
		body="{\"sources\":[],\"data\":{\"n\":$seq,\"a\":$a}}"
		dig=$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)
		printf '{"schema":"exhibit.evidence/1","agent_id":"%s","seq":%s,"collected_at":"%s","agent_version":"t","host":{"hostname":"h%s","machine_id":"m-%s"},"sections":{"sshd":{"digest":"sha256:%s",%s},"errors":[]}' \
		    "$id" "$seq" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$a" "$a" "$dig" "${body:1}" >"$TMP/d.$a.$seq"
		"$T/sign-envelope" "$TMP/$a.key" "$TMP/d.$a.$seq" >"$TMP/e.$a.$seq"
		if (((a + seq) % 2)); then first=$URL1 other=$URL2; else first=$URL2 other=$URL1; fi
		CT=application/vnd.dsse.envelope+json post "$first" /v1/evidence "$TMP/e.$a.$seq" \
		    --cert "$TMP/$a.pem" --key "$TMP/$a.key"
		if [[ $status != 201 && $status != 200 ]]; then
			# failed over: this one is the first push
			first=$other
			CT=application/vnd.dsse.envelope+json post "$first" /v1/evidence "$TMP/e.$a.$seq" \
			    --cert "$TMP/$a.pem" --key "$TMP/$a.key"
			[[ $status == 201 || $status == 200 ]] || { echo "$a.$seq: $status $body" >>"$TMP/bad"; continue; }
			echo "$a.$seq" >>"$TMP/failover"
		fi
		leaf=$(field leaf_index)
		CT=application/vnd.dsse.envelope+json post "$other" /v1/evidence "$TMP/e.$a.$seq" \
		    --cert "$TMP/$a.pem" --key "$TMP/$a.key"
		if [[ $status == 000 ]]; then
			: # that instance is down
		elif [[ $status != 200 || $(field leaf_index) != "$leaf" ]]; then
			echo "$a.$seq retry: $status $body (leaf $leaf)" >>"$TMP/bad"
		else
			echo "$a.$seq" >>"$TMP/retried"
		fi
	done
}
loaders=()
for ((a = 0; a < AGENTS; a++)); do agent "$a" & loaders+=("$!"); done
# Halfway, instance two dies without a word.
for ((i = 0; i < 300; i++)); do
	(($(sql "SELECT count(*) FROM evidence") >= AGENTS * DOCS / 2)) && break
	sleep 0.1
done
kill -9 "$PID2"
wait "$PID2" 2>/dev/null
for p in "${loaders[@]}"; do wait "$p"; done
ok "instance two killed (-9) halfway through the load"

[[ ! -s $TMP/bad ]] && ok "every push acknowledged, every retry on the other instance answered 200 with the original leaf" ||
    not_ok "mismatches: $(head -5 "$TMP/bad")"
n=$(cat "$TMP/retried" 2>/dev/null | wc -l)
((n >= AGENTS * DOCS / 4)) && ok "$n retries were answered by the other instance" || not_ok "only $n retries answered"
[[ -s $TMP/failover ]] && ok "$(wc -l <"$TMP/failover") push(es) failed over to instance one" ||
    not_ok "no push needed to fail over (instance two died after the load?)"
[[ $(sql "SELECT count(*) || ' ' || count(DISTINCT (agent_id, seq)) FROM evidence") == "$((AGENTS * DOCS)) $((AGENTS * DOCS))" ]] &&
    ok "every (agent, seq) stored once: $((AGENTS * DOCS)) documents" ||
    not_ok "evidence: $(sql "SELECT count(*) || ' ' || count(DISTINCT (agent_id, seq)) FROM evidence")"
[[ $(sql "SELECT count(*) || ' ' || coalesce(max(idx) + 1, 0) || ' ' || count(DISTINCT evidence_id) FROM ledger_leaves") == "$((AGENTS * DOCS)) $((AGENTS * DOCS)) $((AGENTS * DOCS))" ]] &&
    ok "ledger leaves dense: indices 0 to $((AGENTS * DOCS - 1)), one per document" ||
    not_ok "leaves: $(sql "SELECT count(*) || ' ' || max(idx) FROM ledger_leaves")"

# Checkpoints: one signer; each consistent with the next (so, being
# prefixes of one another, every pair is).
CT= post "$URL1" "/v1/ledger/checkpoint?fresh=1" /dev/null -X GET \
    -H "Authorization: Bearer $(grep -o 'exh_[A-Za-z0-9_-]*' "$TMP/init.out" | head -1)"
grep -q "signed the checkpoint" "$TMP/two.log" && not_ok "instance two signed too" ||
    ok "instance one alone signed checkpoints"
wait_for_line "$TMP/one.log" "signed the checkpoint of $((AGENTS * DOCS)) leaves" 10 &&
    ok "instance one (the survivor) signs the full tree" || not_ok "no checkpoint of $((AGENTS * DOCS)) leaves: $(grep checkpoint "$TMP/one.log" | tail -3)"
sql "SELECT size, encode(root, 'base64') FROM ledger_checkpoints ORDER BY size" | tr '|' ' ' >"$TMP/cps"
ADMIN=$(grep -o 'exh_[A-Za-z0-9_-]*' "$TMP/init.out" | head -1)
bad=0 pairs=0
s1=
while read -r s2 r2; do
	# (The empty tree is a prefix of any: nothing to prove from 0.)
	if [[ -n $s1 && $s1 != 0 ]]; then
		pairs=$((pairs + 1))
		curl -s --cacert "$CA" -H "Authorization: Bearer $ADMIN" \
		    "$URL1/v1/ledger/proof/consistency?from=$s1&to=$s2" >"$TMP/proof"
		python3 - "$r1" "$r2" "$TMP/proof" "$s1" "$s2" <<'PY' || bad=$((bad + 1))
import base64, hashlib, json, sys
r1, r2 = map(base64.b64decode, sys.argv[1:3])
r = json.load(open(sys.argv[3]))
first, second = int(sys.argv[4]), int(sys.argv[5])
assert (r["from"], r["to"]) == (first, second)
H = lambda b: hashlib.sha256(b).digest()
path = [base64.b64decode(p) for p in r["proof"]]
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
	fi
	s1=$s2 r1=$r2
done <"$TMP/cps"
((pairs > 0 && bad == 0)) && ok "consistency proofs verify between each of $((pairs + 1)) checkpoints and the next" ||
    not_ok "$bad of $pairs consistency proofs fail ($(wc -l <"$TMP/cps") checkpoints)"

# Drift alerts: each entry delivered once, whichever instance sent it.
for ((i = 0; i < 100; i++)); do
	[[ $(sql "SELECT count(*) FROM alert_outbox WHERE delivered_at = 0") == 0 &&
	    $(sql "SELECT count(*) FROM alert_outbox") -ge $AGENTS ]] && break
	sleep 0.1
done
entries=$(sql "SELECT count(*) FROM alert_outbox")
got=$(ls "$TMP/hook" | grep -c '^req-')
dups=$(grep -hi '^Idempotency-Key:' "$TMP"/hook/req-* | sort | uniq -d | wc -l)
((entries >= AGENTS)) && [[ $got == "$entries" && $dups == 0 ]] &&
    ok "$entries drift alerts delivered once each" || not_ok "$entries outbox entries, $got requests, $dups keys twice"

DPID=$PID1 daemon_stop
[[ $drc == 0 ]] && ok "instance one stops cleanly" || not_ok "instance one exit $drc"
finish
