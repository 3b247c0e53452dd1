#!/bin/bash
# Alerts end to end: the [alerts.*] configuration is checked (a webhook
# without its secret stops exhibitd from starting); entries waiting in
# the outbox are delivered when exhibitd starts, signed (the signature
# verifies with openssl), with the Idempotency-Key and the configured
# headers; a refusing receiver makes exhibitd retry with backoff until it
# accepts; GET /v1/alerts/outbox and exhibitctl alerts show the outbox.
# Drift items and their outbox entries are written with SQL (lib.sh: sqlite3
# or psql), as the drift engine would write them.
. "$top_srcdir/tests/integration/lib.sh"

CTLB=$top_builddir/exhibitctl
RECEIVER=$top_builddir/tests/tools/webhook-receiver
SECRET=test-secret-0123456789abcdef
ctl() { "$CTLB" -f "$DCONF" "$@"; }

# --- configuration -----------------------------------------------------
bad=$TMP/bad.conf
printf '[daemon]\nstate_dir = %s\n[rules]\ndirectory = %s\n[alerts.webhook]\nurl = https://hooks.example/x\n' \
    "$TMP/nostate" "$top_srcdir/conf/rules" >"$bad"
run "$top_builddir/exhibitd" -n -f "$bad"
expect_rc 1 "a webhook without a secret is refused"
expect_in err "[alerts.webhook] url is set but secret is not" "the error says why"
printf 'secret = %s\nheaders = X-Team sec\n[alerts.syslog]\nfacility = kern\n' "$SECRET" >>"$bad"
run "$top_builddir/exhibitd" -n -f "$bad"
expect_rc 1 "bad headers and facility are refused"
expect_in err "headers: header \"X-Team sec\" has no ':'" "the headers error names the header"
expect_in err "bad.conf:10:" "the facility error has file:line"

# --- a receiver and a daemon ------------------------------------------------
mkdir "$TMP/hook"
RPORT=$("$top_builddir/tests/tools/freeport")
"$RECEIVER" "$RPORT" "$TMP/hook" >"$TMP/receiver.out" 2>&1 &
PIDS+=("$!")
wait_for_line "$TMP/receiver.out" listening 5 || { not_ok "the receiver starts"; finish; exit 1; }

daemon_setup "$TMP" "[alerts.webhook]\nurl = http://127.0.0.1:$RPORT/hook\nsecret = $SECRET\nheaders = X-Team: sec; X-Env: prod\nretry_min = 1s\ntimeout = 2s\n[alerts.syslog]\nenabled = yes\nfacility = local3\n" || exit 1
run "$top_builddir/exhibitd" -n -f "$DCONF"
expect_rc 0 "the alert sections are accepted"

# Drift items and their entries, as a run that stopped before delivering.
now=$(date +%s)
payload() { printf '{"event":"opened","id":%s,"kind":"rule","host":"web-%s","agent_id":null,"subject":"LNX-SSH-00%s","state":"open","opened_at":"2026-01-01T00:00:00Z","detail":{},"idempotency_key":"drift-%s-opened-%s"}' "$1" "$1" "$1" "$1" "$2"; }
# Ids 1 and 2: the table is new.
sql "INSERT INTO drift (agent_id, kind, subject, state, opened_at, updated_at, audit_id, evidence_id, detail) VALUES ('', 'rule', 'LNX-SSH-001', 'open', $now, $now, 0, 0, '{}'), ('', 'rule', 'LNX-SSH-002', 'open', $now, $now, 0, 0, '{}')"
add_entry() { # add_entry DRIFT SINK
	sql "INSERT INTO alert_outbox (drift_id, event, sink, idempotency_key, payload, created_at, next_attempt_at) VALUES ($1, 'opened', '$2', 'drift-$1-opened-$2', '$(payload "$1" "$2")', $now, $now)"
}
add_entry 1 webhook
add_entry 1 syslog
add_entry 1 slack

LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1
if wait_for_line "$TMP/hook/req-0001" "Idempotency-Key" 10; then
	ok "the waiting entry is delivered at start"
else
	not_ok "nothing delivered"; cat "$LOG"
fi
req=$TMP/hook/req-0001
hdr() { sed -n "s/^$1: //p" "$req" | tr -d '\r'; }
body=$(sed '1,/^$/d' "$req")
[[ $(head -1 "$req") == "POST /hook" ]] && ok "POSTed to the URL's path" || not_ok "request line: $(head -1 "$req")"
[[ $(hdr Idempotency-Key) == drift-1-opened-webhook ]] && ok "Idempotency-Key" || not_ok "Idempotency-Key: $(hdr Idempotency-Key)"
[[ $(hdr Content-Type) == application/json ]] && ok "Content-Type" || not_ok "Content-Type: $(hdr Content-Type)"
[[ $(hdr X-Team) == sec && $(hdr X-Env) == prod ]] && ok "configured headers" || not_ok "X-Team/X-Env: $(hdr X-Team)/$(hdr X-Env)"
[[ $body == "$(payload 1 webhook)" ]] && ok "the body is the entry's payload" || not_ok "body: $body"
ts=$(hdr X-Exhibit-Timestamp)
want=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= *//')
[[ $(hdr X-Exhibit-Signature) == "sha256=$want" ]] && ok "the signature verifies (openssl)" ||
    not_ok "signature $(hdr X-Exhibit-Signature), expected sha256=$want"
(( ts >= now - 5 && ts <= $(date +%s) + 5 )) && ok "the timestamp is now" || not_ok "timestamp $ts"

for ((i = 0; i < 50; i++)); do
	[[ $(sql "SELECT count(*) FROM alert_outbox WHERE delivered_at > 0") == 2 ]] && break
	sleep 0.1
done
[[ $(sql "SELECT sink FROM alert_outbox WHERE delivered_at > 0 ORDER BY sink" | paste -sd,) == syslog,webhook ]] &&
    ok "webhook and syslog entries marked delivered" || not_ok "delivered: $(sql "SELECT sink, delivered_at FROM alert_outbox")"
err_slack=$(sql "SELECT last_error FROM alert_outbox WHERE sink = 'slack'")
[[ $err_slack == "sink slack is not configured" ]] && ok "an entry for an unconfigured sink waits, saying why" || not_ok "slack: $err_slack"

# --- the outbox over the API and in exhibitctl ---------------------------------
token() { ctl token create --role "$1" | grep -o 'exh_[A-Za-z0-9_-]*' | head -1; }
ADMIN=$(token admin)
SECURITY=$(token security)
AUDITOR=$(token auditor)
api() { # api TOKEN PATH: status in $code, body in $body
	code=$(curl -s -o "$TMP/body" -w '%{http_code}' --cacert "$CA" \
	    ${1:+-H "Authorization: Bearer $1"} "$URL$2")
	body=$(cat "$TMP/body")
}
api "" /v1/alerts/outbox
[[ $code == 401 ]] && ok "outbox: no token, 401" || not_ok "no token: $code"
api "$AUDITOR" /v1/alerts/outbox
[[ $code == 403 ]] && ok "outbox: auditor, 403" || not_ok "auditor: $code $body"
api "$SECURITY" /v1/alerts/outbox
[[ $code == 200 ]] && grep -qF '"idempotency_key":"drift-1-opened-webhook"' <<<"$body" &&
    grep -qF '"stats":{"webhook":{"configured":true' <<<"$body" &&
    ok "outbox: security reads entries and stats" || not_ok "security: $code $body"
n=$(grep -o '"idempotency_key"' <<<"$body" | wc -l)
[[ $n == 3 ]] && ok "outbox: three entries" || not_ok "outbox: $n entries"
api "$ADMIN" "/v1/alerts/outbox?undelivered=1"
[[ $code == 200 && $(grep -o '"idempotency_key"' <<<"$body" | wc -l) == 1 ]] &&
    grep -qF '"sink":"slack"' <<<"$body" && ok "outbox: ?undelivered=1 filters" || not_ok "undelivered: $code $body"
api "$ADMIN" "/v1/alerts/outbox?nope=1"
[[ $code == 400 ]] && ok "outbox: unknown parameter, 400" || not_ok "unknown parameter: $code"

run ctl alerts
expect_rc 0 "exhibitctl alerts"
expect_in out "sink slack is not configured" "exhibitctl alerts shows the last error"
expect_in out "webhook" "exhibitctl alerts lists the webhook entry"
run ctl alerts --undelivered --json
expect_rc 0 "exhibitctl alerts --undelivered --json"
expect_in out '"idempotency_key": "drift-1-opened-slack"' "the JSON has the waiting entry"
if grep -qF "drift-1-opened-webhook" <<<"$out"; then not_ok "--undelivered lists a delivered entry"; else ok "--undelivered leaves out delivered entries"; fi

# --- a refusing receiver: retried until it accepts --------------------------
echo 500 >"$TMP/hook/mode"
daemon_stop
add_entry 2 webhook
daemon_start "$LOG" || exit 1
wait_for_line "$TMP/hook/req-0002" "drift-2-opened-webhook" 10 && ok "delivery attempted at start" || not_ok "no attempt"
for ((i = 0; i < 50; i++)); do
	[[ $(sql "SELECT attempts FROM alert_outbox WHERE idempotency_key = 'drift-2-opened-webhook'") -ge 1 ]] && break
	sleep 0.1
done
run ctl alerts --undelivered
expect_in out "HTTP 500" "the refusal is recorded"
echo 200 >"$TMP/hook/mode"
for ((i = 0; i < 100; i++)); do
	[[ $(sql "SELECT CAST(delivered_at > 0 AS INTEGER) FROM alert_outbox WHERE idempotency_key = 'drift-2-opened-webhook'") == 1 ]] && break
	sleep 0.1
done
[[ $(sql "SELECT CAST(delivered_at > 0 AS INTEGER) FROM alert_outbox WHERE idempotency_key = 'drift-2-opened-webhook'") == 1 ]] &&
    ok "delivered once the receiver accepts" || not_ok "not delivered: $(sql "SELECT * FROM alert_outbox WHERE drift_id = 2")"
n=$(grep -l "drift-2-opened-webhook" "$TMP/hook"/req-* | wc -l)
(( n >= 2 )) && ok "retried ($n requests, one key)" || not_ok "$n requests"
grep -q "alerts: webhook: 1 alert(s) not delivered (HTTP 500)" "$LOG" && ok "the failure is logged" || not_ok "no failure in the log"

# SIGHUP with alerts reconfigured keeps the daemon up.
sed -i 's/^facility = local3/facility = local4/' "$DCONF"
kill -HUP "$DPID"
wait_for_line "$LOG" "configuration reloaded" 5 && ok "SIGHUP reloads the alert settings" || not_ok "no reload"
daemon_stop
[[ $drc == 0 ]] && ok "exhibitd stops cleanly" || not_ok "exhibitd exit $drc"
finish
