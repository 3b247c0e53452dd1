#!/bin/bash
# exhibitd over HTTPS: enrollment, renewal and evidence ingest driven with
# curl, one test per refusal, each asserting the status, the error code
# and that stored evidence did not change; slow clients and the
# connection cap; a restart keeps what was acknowledged.
. "$top_srcdir/tests/integration/lib.sh"

T=$top_builddir/tests/tools
daemon_setup "$TMP" || exit 1
# Small limits so the tests reach them quickly.
cat >>"$DCONF" <<CONF
max_connections = 4
request_timeout = 3s
[ingest]
max_body_size = 64K
CONF
LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1

# post PATH FILE [CURL-ARGS...]: status in $status, body in $body.
post() {
	local path=$1 file=$2
	shift 2
	status=$(curl -s -o "$TMP/body" -w '%{http_code}' --cacert "$CA" \
	    -H "Content-Type: ${CT:-application/json}" --data-binary "@$file" "$@" \
	    "$URL$path")
	body=$(cat "$TMP/body" 2>/dev/null)
}

# expect_refusal STATUS CODE DESC: the last reply.
expect_refusal() {
	if [[ $status == "$1" ]] && grep -qF "\"error\":\"$2\"" <<<"$body" &&
	    grep -qF '"message":"' <<<"$body"; then
		ok "$3: $1 $2"
	else
		not_ok "$3: got $status $body, expected $1 $2"
	fi
}

# unchanged DESC: evidence, sections and hosts as counted in $before.
counts() { sql "SELECT (SELECT count(*) FROM evidence) || '/' ||
    (SELECT count(*) FROM sections) || '/' || (SELECT count(*) FROM hosts)"; }
unchanged() {
	local now
	now=$(counts)
	if [[ $now == "$before" ]]; then ok "$1: store unchanged ($now)"
	else not_ok "$1: store changed from $before to $now"; fi
}

# enroll NAME TOKEN: key, certificate and id in $TMP/NAME.*
enroll() {
	openssl genpkey -algorithm ed25519 -out "$TMP/$1.key" 2>/dev/null
	openssl pkey -in "$TMP/$1.key" -pubout -out "$TMP/$1.pub"
	printf '{"token":"%s","public_key":"%s","hostname":"%s","machine_id":"m-%s"}' \
	    "$2" "$(awk '{printf "%s\\n", $0}' "$TMP/$1.pub")" "$1" "$1" \
	    >"$TMP/$1.enroll"
	post /v1/enroll "$TMP/$1.enroll"
	id=$(grep -o '"agent_id":"ag_[a-z0-9]*"' <<<"$body" | cut -d'"' -f4)
	printf '%b' "$(grep -o '"certificate":"[^"]*"' <<<"$body" |
	    cut -d'"' -f4)" >"$TMP/$1.pem"
	echo "$id" >"$TMP/$1.id"
}

# --- enrollment -------------------------------------------------------------
tok=$(enroll_token 2)
before=$(counts)
echo 'not json' >"$TMP/junk"
post /v1/enroll "$TMP/junk"
expect_refusal 400 bad_request "enroll with a body that is not JSON"
echo '{"token":"exh_x"}' >"$TMP/partial"
post /v1/enroll "$TMP/partial"
expect_refusal 400 bad_request "enroll without a public key"
enroll bogus "exh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_refusal 401 bad_token "enroll with an unknown token"
grep -qF "unknown enrollment token" <<<"$body" && ok "and says the token is unknown" || not_ok "message: $body"
admin=$(grep -o 'exh_[A-Za-z0-9_-]*' "$TMP/init.out" | head -1)
enroll bogus "$admin"
expect_refusal 401 bad_token "enroll with the admin token"
grep -qF "not an enrollment token" <<<"$body" && ok "and says it is not an enrollment token" || not_ok "message: $body"
short=$("$top_builddir/exhibitctl" -f "$DCONF" token create --role enroll --expires 1s |
    grep -o 'exh_[A-Za-z0-9_-]*' | head -1)
sleep 1.2
enroll bogus "$short"
expect_refusal 401 bad_token "enroll with an expired token"
grep -qF "has expired" <<<"$body" && ok "and says it has expired" || not_ok "message: $body"
enroll bogus "secret"
expect_refusal 401 bad_token "enroll with something that is not a token"
n=$(sql "SELECT count(*) FROM agents")
[[ $n == 0 ]] && ok "no agent added by refused enrollments" || not_ok "$n agents after refusals"

enroll a "$tok"
[[ $status == 201 ]] && ok "agent a enrolled (201)" || not_ok "enroll a: $status $body"
grep -qF '"ca_certificate":"-----BEGIN CERTIFICATE' <<<"$body" && ok "enrollment returns the CA certificate" || not_ok "no CA certificate in $body"
grep -q '"not_after":"20[0-9-]*T' <<<"$body" && ok "enrollment returns not_after" || not_ok "no not_after in $body"
A=$(cat "$TMP/a.id")
openssl x509 -in "$TMP/a.pem" -noout -subject | grep -qF "CN = $A" && ok "client certificate names the agent id" || not_ok "certificate subject"
openssl verify -CAfile "$CA" "$TMP/a.pem" >/dev/null 2>&1 && ok "client certificate chains to the daemon CA" || not_ok "certificate does not verify"
enroll b "$tok"
[[ $status == 201 ]] && ok "agent b enrolled with the token's second use" || not_ok "enroll b: $status $body"
B=$(cat "$TMP/b.id")
enroll c "$tok"
expect_refusal 401 bad_token "a third enrollment with a two-use token"
grep -qF "used as many times" <<<"$body" && ok "and says it is used up" || not_ok "message: $body"
uses=$(sql "SELECT uses_left FROM tokens WHERE role = 'enroll' AND expires_at = 0")
[[ $uses == 0 ]] && ok "the token is used up" || not_ok "uses_left $uses"

# --- evidence documents -----------------------------------------------------
# doc AGENT SEQ [DATA] [WHEN]: a valid document on stdout.
doc() {
	local body data=${3:-'{"port":22}'} when=${4:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
	body="{\"sources\":[],\"data\":$data}"
	dig=$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)
	printf '{"schema":"exhibit.evidence/1","agent_id":"%s","seq":%s,"collected_at":"%s","agent_version":"t","host":{"hostname":"h-%s","machine_id":"m-%s"},"sections":{"sshd":{"digest":"sha256:%s",%s},"errors":[]}' \
	    "$1" "$2" "$when" "$1" "$1" "$dig" "${body:1}"
}
# sign NAME FILE OUT: an envelope by agent NAME's key.
sign() { "$T/sign-envelope" "$TMP/$1.key" "$2" >"$3"; }
# push NAME ENVELOPE [CURL-ARGS...]
push() {
	local who=$1 file=$2
	shift 2
	CT=${CT:-application/vnd.dsse.envelope+json} post /v1/evidence "$file" \
	    --cert "$TMP/$who.pem" --key "$TMP/$who.key" "$@"
}

doc "$A" 1 >"$TMP/d1"
sign a "$TMP/d1" "$TMP/e1"
before=$(counts)
push a "$TMP/e1"
[[ $status == 201 ]] && ok "evidence stored (201)" || not_ok "push: $status $body"
want="sha256:$(sha256sum <"$TMP/e1" | cut -d' ' -f1)"
grep -qF "\"digest\":\"$want\"" <<<"$body" && ok "receipt digest is the envelope's SHA-256" || not_ok "receipt $body, want $want"
grep -qF '"seq":1' <<<"$body" && grep -q '"evidence_id":[0-9]' <<<"$body" && ok "receipt has seq and evidence_id" || not_ok "receipt $body"
[[ $(sql_hex envelope "evidence WHERE seq = 1") == "$(od -An -v -tx1 <"$TMP/e1" | tr -d ' \n')" ]] &&
    ok "the envelope is stored byte for byte" || not_ok "stored envelope differs"
first=$body

push a "$TMP/e1"
[[ $status == 200 && $body == "$first" ]] && ok "the same envelope again: 200 and the original receipt" || not_ok "replay: $status $body"

before=$(counts)
doc "$A" 1 '{"port":2222}' >"$TMP/d1b"
sign a "$TMP/d1b" "$TMP/e1b"
push a "$TMP/e1b"
expect_refusal 409 seq_conflict "the same seq with other content"
unchanged "seq conflict"
ev=$(sql "SELECT count(*) FROM security_events WHERE kind = 'seq_conflict' AND agent_id = '$A'")
[[ $ev == 1 ]] && ok "the conflict is a security event" || not_ok "$ev seq_conflict events"

# --- refusals before the envelope is looked at -----------------------------
doc "$A" 2 >"$TMP/d2"
sign a "$TMP/d2" "$TMP/e2"
before=$(counts)
CT=application/vnd.dsse.envelope+json post /v1/evidence "$TMP/e2"
expect_refusal 401 client_certificate_required "evidence without a client certificate"
unchanged "no client certificate"

openssl req -x509 -newkey ed25519 -nodes -keyout "$TMP/rogue.key" -out "$TMP/rogue.pem" \
    -subj "/CN=$A" -days 1 2>/dev/null
push rogue "$TMP/e2"
expect_refusal 401 client_certificate_required "a certificate the daemon's CA did not issue"
unchanged "foreign certificate"

CT=text/plain push a "$TMP/e2"
expect_refusal 415 unsupported_media_type "evidence as text/plain"
unchanged "wrong content type"

head -c 100000 /dev/zero | tr '\0' 'x' >"$TMP/big"
push a "$TMP/big"
expect_refusal 413 too_large "a 100 KB body over a 64 KiB limit"
unchanged "oversized body"

echo '{"payloadType":' >"$TMP/broken"
push a "$TMP/broken"
expect_refusal 400 bad_envelope "a body that is not an envelope"
unchanged "broken envelope"

push b "$TMP/e2"
expect_refusal 403 key_mismatch "agent b's certificate with agent a's envelope"
unchanged "key mismatch"

# One character of the signature changed, still valid base64.
sed -E 's/"sig":"A/"sig":"B/; t; s/"sig":"./"sig":"A/' "$TMP/e2" >"$TMP/e2bad"
cmp -s "$TMP/e2" "$TMP/e2bad" && not_ok "test setup: signature not altered"
push a "$TMP/e2bad"
expect_refusal 401 bad_signature "a damaged signature"
unchanged "bad signature"
ev=$(sql "SELECT count(*) FROM security_events WHERE kind = 'bad_signature'")
[[ $ev == 1 ]] && ok "a bad signature is a security event" || not_ok "$ev bad_signature events"

doc "$B" 1 >"$TMP/db1"
sign a "$TMP/db1" "$TMP/eb1"
push a "$TMP/eb1"
expect_refusal 400 schema "a document naming another agent"
grep -qF '$.agent_id' <<<"$body" && ok "the message names the JSON path" || not_ok "no path in $body"
unchanged "agent id mismatch"

doc "$A" 3 '{"x":1}' "2099-01-01T00:00:00Z" >"$TMP/d3"
sign a "$TMP/d3" "$TMP/e3"
push a "$TMP/e3"
expect_refusal 400 clock_skew "a document collected in 2099"
unchanged "clock skew"

push a "$TMP/e2"
[[ $status == 201 ]] && ok "a good document after the refusals is stored" || not_ok "push e2: $status $body"

# --- renewal and revocation -------------------------------------------------
echo '{}' >"$TMP/empty"
post /v1/renew "$TMP/empty" --cert "$TMP/b.pem" --key "$TMP/b.key"
[[ $status == 200 ]] && grep -qF '"certificate":"-----BEGIN' <<<"$body" && ok "renewal over mTLS (200)" || not_ok "renew: $status $body"
post /v1/renew "$TMP/empty"
expect_refusal 401 client_certificate_required "renewal without a certificate"

"$top_builddir/exhibitctl" -f "$DCONF" agent revoke "$B" >/dev/null
doc "$B" 1 >"$TMP/db1"
sign b "$TMP/db1" "$TMP/eb1"
before=$(counts)
push b "$TMP/eb1"
expect_refusal 403 agent_revoked "a revoked agent's push"
unchanged "revoked agent"

# --- slow clients and the connection cap -----------------------------------
# A client trickling a byte every half second is cut off at the 3 s
# deadline, although it is never idle for long.
start=$SECONDS
(printf 'POST /v1/evidence HTTP/1.1\r\nHost: x\r\n'
 for i in $(seq 1 30); do printf 'X'; sleep 0.5; done) |
    timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" >/dev/null 2>&1
took=$((SECONDS - start))
((took <= 8)) && ok "a trickling client is cut off at the deadline (${took}s)" || not_ok "trickling client held ${took}s"

# Four plain TCP connections fill the cap; the next request gets 503.
for fd in 5 6 7 8; do eval "exec $fd<>/dev/tcp/127.0.0.1/$PORT"; done
status=$(curl -s -o "$TMP/body" -w '%{http_code}' --cacert "$CA" "$URL/healthz")
body=$(cat "$TMP/body")
expect_refusal 503 busy "a request over the connection cap"
for fd in 5 6 7 8; do eval "exec $fd>&-"; done
for ((i = 0; i < 50; i++)); do
	curl -sf --cacert "$CA" "$URL/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -sf --cacert "$CA" "$URL/healthz" >/dev/null && ok "served again once connections close" || not_ok "still refused"

# --- SIGTERM with a request in flight, then a restart ------------------------
# Half the body, SIGTERM, the other half: the daemon stops accepting but
# finishes this request (stored, acknowledged) before it exits.
doc "$A" 5 >"$TMP/d5"
sign a "$TMP/d5" "$TMP/e5"
len=$(stat -c %s "$TMP/e5")
half=$((len / 2))
{
	printf 'POST /v1/evidence HTTP/1.1\r\nHost: 127.0.0.1\r\n'
	printf 'Content-Type: application/vnd.dsse.envelope+json\r\n'
	printf 'Content-Length: %s\r\nConnection: close\r\n\r\n' "$len"
	head -c "$half" "$TMP/e5"
	sleep 1
	kill -TERM "$DPID"
	sleep 0.5
	tail -c +$((half + 1)) "$TMP/e5"
	sleep 1
} | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" \
    -cert "$TMP/a.pem" -key "$TMP/a.key" -CAfile "$CA" >"$TMP/inflight" 2>/dev/null
grep -q "^HTTP/1.1 201" "$TMP/inflight" && ok "a request in flight at SIGTERM is finished (201)" ||
    not_ok "in-flight request: $(head -1 "$TMP/inflight")"
curl -s --max-time 2 --cacert "$CA" "$URL/healthz" >/dev/null && not_ok "still accepting after SIGTERM" ||
    ok "no new connections after SIGTERM"
daemon_wait
[[ $drc == 0 ]] && ok "exhibitd exits 0 on SIGTERM" || not_ok "exit $drc on SIGTERM"
[[ $(sql "SELECT count(*) FROM evidence WHERE agent_id = '$A' AND seq = 5") == 1 ]] &&
    ok "the in-flight envelope is stored" || not_ok "seq 5 not stored"
grep -qF "stopped" "$LOG" && ok "it logs its stop" || not_ok "no stop in log"
daemon_start "$LOG" || exit 1
push a "$TMP/e1"
[[ $status == 200 && $body == "$first" ]] && ok "after a restart the first envelope is still acknowledged" || not_ok "after restart: $status $body"
doc "$A" 4 >"$TMP/d4"
sign a "$TMP/d4" "$TMP/e4"
push a "$TMP/e4"
[[ $status == 201 ]] && ok "and new evidence is stored" || not_ok "after restart: $status $body"
n=$(sql "SELECT seq FROM evidence WHERE agent_id = '$A' ORDER BY seq" | paste -sd,)
[[ $n == "1,2,4,5" ]] && ok "stored seqs 1,2,4,5" || not_ok "stored seqs $n"
run "$top_builddir/exhibitctl" -f "$DCONF" evidence list --agent "$A"
expect_rc 0 "evidence list"
[[ $(grep -c "$A" <<<"$out") == 4 ]] && ok "evidence list shows agent a's four documents" || not_ok "evidence list: $out"
id1=$(grep -o '"evidence_id":[0-9]*' <<<"$first" | cut -d: -f2)
run "$top_builddir/exhibitctl" -f "$DCONF" evidence show "$id1"
expect_rc 0 "evidence show"
expect_in out "signature: valid" "evidence show checks the signature again"
expect_in out '"seq": 1' "and prints the document"
run "$top_builddir/exhibitctl" -f "$DCONF" evidence show --envelope "$id1"
[[ $out == "$(cat "$TMP/e1")" ]] && ok "evidence show --envelope prints the envelope as received" || not_ok "envelope differs"
run "$top_builddir/exhibitctl" -f "$DCONF" evidence show "$id1" --envelope
[[ $out == "$(cat "$TMP/e1")" ]] && ok "--envelope after the id too" || not_ok "evidence show ID --envelope: rc $rc"
run "$top_builddir/exhibitctl" -f "$DCONF" evidence show 999999
expect_rc 1 "evidence show of an unknown id"
expect_in err "no such evidence" "says so"
n=$(grep -c "agent $A: 409 seq_conflict" "$LOG")
[[ $n == 1 ]] && ok "each refusal is logged once with the agent id" || not_ok "$n log lines for the conflict"

# --- SIGTERM with an idle keep-alive connection -----------------------------
# An agent's connection waiting for its next request is closed at once:
# the stop does not wait for its deadline (request_timeout, 3 s here).
{
	printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
	sleep 8
} | timeout 10 openssl s_client -quiet -connect "127.0.0.1:$PORT" -CAfile "$CA" \
    >"$TMP/idle" 2>/dev/null &
idler=$!
for ((i = 0; i < 100; i++)); do
	grep -q "^HTTP/1.1 200" "$TMP/idle" && break
	sleep 0.1
done
t0=$(date +%s%N)
daemon_stop
ms=$((($(date +%s%N) - t0) / 1000000))
[[ $drc == 0 ]] && grep -q "^HTTP/1.1 200" "$TMP/idle" && ((ms < 2000)) &&
    ok "an idle keep-alive connection does not hold up SIGTERM (exit in $ms ms)" ||
    not_ok "exit $drc after $ms ms with an idle connection open"
kill "$idler" 2>/dev/null
wait "$idler"
finish
