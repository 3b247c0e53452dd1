#!/bin/bash
# GET /metrics, /healthz and /readyz: metrics need a person's token
# unless [server] metrics_public says otherwise; an agent's push shows in
# the ingest counter and histograms, the agent gauges and the ledger
# size; refusals are counted by status; /readyz answers 503 while the
# daemon drains after SIGTERM.
. "$top_srcdir/tests/integration/lib.sh"

AGENT=$top_builddir/exhibit-agent
CTLB=$top_builddir/exhibitctl
FIX=$top_srcdir/tests/fixtures

daemon_setup "$TMP" || exit 1
LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1
ctl() { "$CTLB" -f "$DCONF" "$@"; }
token() { ctl token create --role "$1" | grep -o 'exh_[A-Za-z0-9_-]*' | head -1; }

# get TOKEN PATH: status in $code, body in $body, headers in $TMP/headers.
get() {
	code=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' \
	    --cacert "$CA" ${1:+-H "Authorization: Bearer $1"} "$URL$2")
	body=$(cat "$TMP/body")
}
# has LINE DESC: $body holds this exact line.
has() {
	if grep -qxF -- "$1" <<<"$body"; then ok "$2"
	else not_ok "$2: no line \"$1\""; grep '^exhibit_' <<<"$body" | head -40 | sed 's/^/    /'; fi
}
# value SAMPLE: the value of the sample line starting with SAMPLE.
value() { awk -v s="$1" 'index($0, s " ") == 1 { print $2 }' <<<"$body"; }

# Access.
get "" /metrics
[[ $code == 401 ]] && grep -qF '"unauthorized"' <<<"$body" &&
    ok "no token: 401" || not_ok "no token: $code $body"
get "exh_notatoken" /metrics
[[ $code == 401 ]] && ok "a made-up token: 401" || not_ok "made-up token: $code"
ENROLL=$(enroll_token 1)
get "$ENROLL" /metrics
[[ $code == 403 ]] && ok "an enrollment token: 403" || not_ok "enrollment token: $code"
AUDITOR=$(token auditor)
get "$AUDITOR" /metrics
[[ $code == 200 ]] && ok "an auditor's token: 200" || not_ok "auditor: $code $body"
grep -qi '^Content-Type: text/plain; version=0.0.4' "$TMP/headers" &&
    ok "the exposition format's content type" ||
    not_ok "content type: $(grep -i '^content-type' "$TMP/headers")"
has "exhibit_up 1" "exhibit_up"
grep -q '^exhibit_build_info{version="[^"]*"} 1$' <<<"$body" &&
    ok "build info" || not_ok "no build info"
has 'exhibit_agents{state="known"} 0' "no agents yet"
has "exhibit_ledger_size 0" "an empty ledger"
has 'exhibit_ingest_latency_seconds_count 0' "no ingest observed yet"
# Every family has its HELP and TYPE, and only exhibit_ names appear.
n_help=$(grep -c '^# HELP exhibit_' <<<"$body")
n_type=$(grep -c '^# TYPE exhibit_' <<<"$body")
[[ $n_help -ge 13 && $n_help == "$n_type" ]] && ok "HELP and TYPE for each family ($n_help)" ||
    not_ok "HELP $n_help, TYPE $n_type"
bad=$(grep -v '^# \(HELP\|TYPE\) exhibit_' <<<"$body" | grep -v '^exhibit_[a-z_]*\({[a-z]*="[^"]*"}\)\? [-+0-9.eInfa]*$')
[[ -z $bad ]] && ok "every line parses" || not_ok "odd lines: $bad"

get "" /healthz
[[ $code == 200 ]] && ok "/healthz: 200" || not_ok "/healthz: $code"
get "" /readyz
[[ $code == 200 && $body == '{"status":"ready"}' ]] && ok "/readyz: 200 ready" ||
    not_ok "/readyz: $code $body"

# An agent pushes once.
printf '[agent]\nroot = %s\nstate_dir = %s\nlog = stderr\n' \
    "$FIX/debian12-weak" "$TMP/agent" >"$TMP/agent.conf"
enroll_token 1 >"$TMP/token"
run "$AGENT" -f "$TMP/agent.conf" enroll --server "$URL" --token-file "$TMP/token" --ca-file "$CA"
expect_rc 0 "the agent enrolls"
run "$AGENT" -f "$TMP/agent.conf" run --once
expect_rc 0 "the agent pushes"
# One refusal: no client certificate.
r=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" \
    -H 'Content-Type: application/vnd.dsse.envelope+json' --data '{}' "$URL/v1/evidence")
[[ $r == 401 ]] && ok "evidence without a certificate: 401" || not_ok "no certificate: $r"

get "$AUDITOR" /metrics
has 'exhibit_ingest_requests_total{code="201"} 1' "the push counted as 201"
has 'exhibit_ingest_requests_total{code="401"} 1' "the refusal counted as 401"
has 'exhibit_ingest_latency_seconds_bucket{le="+Inf"} 2' "+Inf bucket holds both"
has 'exhibit_ingest_latency_seconds_count 2' "latency count 2"
has 'exhibit_evidence_stored_total 1' "one document stored"
has 'exhibit_agents{state="known"} 1' "one agent known"
has 'exhibit_agents{state="active"} 1' "it is active"
has 'exhibit_agents{state="silent"} 0' "none silent"
has 'exhibit_agents{state="revoked"} 0' "none revoked"
has "exhibit_ledger_size 1" "ledger size 1"
grep -q '^exhibit_ledger_checkpoint_size [0-9]*$' <<<"$body" &&
    ok "checkpoint size" || not_ok "no checkpoint size"
grep -q '^exhibit_alert_outbox_depth 0$' <<<"$body" &&
    ok "outbox depth 0 without sinks" || not_ok "outbox depth: $(value exhibit_alert_outbox_depth)"
grep -q '^# TYPE exhibit_drift_items_open gauge$' <<<"$body" &&
    ok "drift gauge declared" || not_ok "no drift gauge"
# Buckets are cumulative, non-decreasing, and the last is _count.
prev=0 mono=1
for v in $(grep '^exhibit_ingest_latency_seconds_bucket' <<<"$body" | awk '{print $2}'); do
	[[ $v -ge $prev ]] || mono=0
	prev=$v
done
[[ $mono == 1 && $prev == 2 ]] && ok "latency buckets cumulative" || not_ok "buckets not cumulative"
sum=$(value exhibit_ingest_latency_seconds_sum)
awk -v s="$sum" 'BEGIN { exit !(s > 0 && s < 60) }' && ok "latency sum plausible ($sum s)" ||
    not_ok "latency sum $sum"
c=$(value exhibit_store_commit_seconds_count)
inf=$(value 'exhibit_store_commit_seconds_bucket{le="+Inf"}')
[[ -n $c && $c -ge 1 && $c == "$inf" ]] && ok "commit histogram: $c batch(es)" ||
    not_ok "commit count $c, +Inf $inf"

# Revoking the agent moves it from known to revoked.
AID=$(sql "SELECT id FROM agents LIMIT 1")
ctl agent revoke "$AID" >/dev/null 2>&1
get "$AUDITOR" /metrics
has 'exhibit_agents{state="revoked"} 1' "a revoked agent"
has 'exhibit_agents{state="known"} 0' "no longer known"

# metrics_public = yes: served without a token (after a reload).
echo "metrics_public = yes" >>"$DCONF"
kill -HUP "$DPID"
wait_for_line "$LOG" "configuration reloaded" 10 || not_ok "no reload"
get "" /metrics
[[ $code == 200 ]] && grep -qxF "exhibit_up 1" <<<"$body" &&
    ok "metrics_public = yes: no token needed" || not_ok "public: $code"

# Draining: a request begun before SIGTERM (a connection idle between
# requests is closed at once) is answered afterwards.
{
	sleep 1
	printf 'GET /readyz HTTP/1.1\r\n'
	sleep 0.5
	kill -TERM "$DPID"
	sleep 0.5
	printf 'Host: 127.0.0.1\r\nConnection: close\r\n\r\n'
	sleep 1
} | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" \
    -CAfile "$CA" >"$TMP/drain" 2>/dev/null
grep -q "^HTTP/1.1 503" "$TMP/drain" && grep -qF '"error":"not_ready"' "$TMP/drain" &&
    ok "/readyz while draining: 503 not_ready" ||
    not_ok "/readyz while draining: $(head -1 "$TMP/drain")"
daemon_wait
[[ $drc == 0 ]] && ok "exhibitd exits 0" || not_ok "exit $drc"
finish
