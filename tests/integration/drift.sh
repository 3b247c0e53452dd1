#!/bin/bash
# Drift end to end: an agent whose root switches hardened -> drifted ->
# hardened; a manual audit freezing the baseline; the exact drift items,
# their diffs and their resolutions; acknowledgement with roles; a silent
# host; identity events; a rule-set change; scheduled audits across
# restarts.
. "$top_srcdir/tests/integration/lib.sh"

AGENT=$top_builddir/exhibit-agent
CTLB=$top_builddir/exhibitctl

mkdir "$TMP/rules" "$TMP/hook"
cp "$top_srcdir/conf/rules/"*.json "$TMP/rules/"
# A webhook receiver: every drift item alerts once when it opens and once
# when it resolves.
RPORT=$("$top_builddir/tests/tools/freeport")
"$top_builddir/tests/tools/webhook-receiver" "$RPORT" "$TMP/hook" >"$TMP/receiver.out" 2>&1 &
PIDS+=("$!")
wait_for_line "$TMP/receiver.out" listening 5 || { not_ok "the receiver starts"; finish; exit 1; }
daemon_setup "$TMP" "[drift]\nstale_after = 8s\nsilence_check = 1s\n[alerts.webhook]\nurl = http://127.0.0.1:$RPORT/hook\nsecret = drift-test-secret-0123456789\nrate_limit = 6000\nretry_min = 1s\n" || exit 1
sed -i "s|^directory = .*|directory = $TMP/rules|" "$DCONF"
LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1
ctl() { "$CTLB" -f "$DCONF" "$@"; }
token() { ctl token create --role "$1" | grep -o 'exh_[A-Za-z0-9_-]*' | head -1; }

root debian12-hardened
agent_enroll

# items STATE KIND: "subject subject ..." sorted, of this agent.
items() {
	sql "SELECT subject FROM drift WHERE agent_id = '$A' AND state = '$1' AND kind = '$2' ORDER BY subject" | paste -sd' '
}
judged() { sql "SELECT count(*) FROM evaluations"; }
push() { # push N: run once and wait for the N-th judgement
	local i
	run ag run --once
	expect_rc 0 "the agent pushes ($1)"
	for ((i = 0; i < 100; i++)); do [[ $(judged) -ge $1 ]] && break; sleep 0.1; done
}

push 1
[[ $(items open host_new) == "" && $(sql "SELECT count(*) FROM drift WHERE kind = 'host_new' AND state = 'open'") == 1 ]] &&
    ok "a new host opens host_new" || not_ok "host_new: $(sql "SELECT kind, state FROM drift")"
[[ $(sql "SELECT count(*) FROM baselines WHERE audit_id = 0") == 1 ]] && ok "its first document is its baseline" || not_ok "no audit-0 baseline"

run ctl audit start --name "2026 Q4 internal audit"
expect_rc 0 "exhibitctl audit start"
expect_in out "1 baseline(s) frozen, 1 drift item(s) superseded" "the audit freezes one baseline and supersedes host_new"
[[ $(sql "SELECT resolution FROM drift WHERE kind = 'host_new'") == "superseded by audit 1" ]] &&
    ok "host_new resolved by the audit" || not_ok "host_new: $(sql "SELECT state, resolution FROM drift")"

# Hardened -> drifted: exactly the rules the drifted settings break, and
# every section whose files changed, with field-level diffs.
root debian12-drifted
push 2
want_rules="LNX-AUDIT-004 LNX-AUTH-001 LNX-AUTH-008 LNX-FW-002 LNX-KERN-001 LNX-SSH-002 LNX-SUDO-002"
got=$(items open rule_regressed)
[[ $got == "$want_rules" ]] && ok "rule_regressed: $got" || not_ok "rule_regressed: '$got', expected '$want_rules'"
want_secs="accounts backup crypto firewall kernel logging malware_integrity password_policy services sshd time_sync"
got=$(items open evidence_changed)
[[ $got == "$want_secs" ]] && ok "evidence_changed: $got" || not_ok "evidence_changed: '$got', expected '$want_secs'"
[[ $(sql "SELECT count(*) FROM drift WHERE kind = 'rule_recovered'") == 0 ]] && ok "nothing recovered" || not_ok "rule_recovered items"
detail() { sql "SELECT detail FROM drift WHERE agent_id = '$A' AND kind = '$1' AND subject = '$2' AND state != 'resolved'"; }
grep -qF '{"path":"sections.sshd.data.effective.passwordauthentication.value","old":"no","new":"yes"}' <<<"$(detail evidence_changed sshd)" &&
    ok "the sshd diff: PasswordAuthentication no -> yes" || not_ok "sshd diff: $(detail evidence_changed sshd)"
grep -qF '{"path":"sections.kernel.data.sysctl.settings[\"net.ipv4.ip_forward\"].int","old":0,"new":1}' <<<"$(detail evidence_changed kernel)" &&
    ok "the kernel diff: ip_forward 0 -> 1" || not_ok "kernel diff: $(detail evidence_changed kernel)"
grep -q '"file":"/etc/' <<<"$(detail evidence_changed backup)" &&
    ok "a changed file is named in the diff" || not_ok "backup diff: $(detail evidence_changed backup)"
d=$(detail rule_regressed LNX-SSH-002)
grep -q '"baseline":"pass","now":"fail"' <<<"$d" && grep -q '"sources":\[{"path":"/etc/ssh/sshd_config' <<<"$d" &&
    grep -q '"expected":"' <<<"$d" && grep -q '"observed":\[{' <<<"$d" && grep -q '"baseline_observed":\[{' <<<"$d" &&
    ok "a regression carries both results, what was expected and the source file" || not_ok "regression detail: $d"

# Each opened item reached the webhook once, with its kind and subject.
hooks() { grep -l "\"event\":\"$1\"" "$TMP"/hook/req-* 2>/dev/null | wc -l; }
opened=$(sql "SELECT count(*) FROM drift")
for ((i = 0; i < 100; i++)); do [[ $(hooks opened) -ge $opened ]] && break; sleep 0.1; done
[[ $(hooks opened) == "$opened" ]] && ok "every opened item alerted once ($opened)" || not_ok "$(hooks opened) opened alerts for $opened items"
grep -l '"kind":"rule_regressed"' "$TMP"/hook/req-* | xargs grep -l '"subject":"LNX-SSH-002"' | xargs grep -qi '^X-Exhibit-Signature: sha256=' &&
    ok "the regression's alert is signed and names the rule" || not_ok "no signed alert for LNX-SSH-002"
keys=$(grep -hi '^Idempotency-Key:' "$TMP"/hook/req-* | sort | uniq -d | wc -l)
[[ $keys == 0 ]] && ok "no idempotency key delivered twice" || not_ok "$keys keys delivered twice"

# The same drifted document again: nothing new, nothing duplicated.
n=$(sql "SELECT count(*) FROM drift")
push 3
[[ $(sql "SELECT count(*) FROM drift") == "$n" ]] && ok "an unchanged drifted host opens nothing more" || not_ok "$(sql "SELECT count(*) FROM drift") items, was $n"

# The API: list, filter, acknowledge with roles.
AUDITOR=$(token auditor)
SECURITY=$(token security)
api() {
	local t=$1 m=$2 p=$3; shift 3
	code=$(curl -s -o "$TMP/body" -w '%{http_code}' --cacert "$CA" -X "$m" \
	    -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
	    ${1:+--data "$1"} "$URL$p")
	body=$(cat "$TMP/body")
}
expect_api() { if [[ $code == "$1" ]] && grep -qF -- "$2" <<<"$body"; then ok "$3"; else not_ok "$3: got $code $(head -c 300 <<<"$body")"; fi; }
api "$AUDITOR" GET "/v1/drift?state=open&kind=rule_regressed&host=web-2"
n=$(grep -o '"kind":"rule_regressed"' <<<"$body" | wc -l)
[[ $code == 200 && $n == 7 ]] && ok "GET /v1/drift filters by state, kind and host" || not_ok "drift API: $code, $n items"
api "$AUDITOR" GET "/v1/drift?kind=bogus"
expect_api 400 '"bad_request"' "an unknown kind: 400"
ID=$(sql "SELECT id FROM drift WHERE subject = 'LNX-SSH-002' AND state = 'open'")
api "$AUDITOR" POST "/v1/drift/$ID/ack" '{"comment":"seen"}'
expect_api 403 '"forbidden"' "an auditor cannot acknowledge"
api "$SECURITY" POST "/v1/drift/$ID/ack" '{}'
expect_api 400 'comment' "an acknowledgement needs a comment"
api "$SECURITY" POST "/v1/drift/$ID/ack" '{"comment":"change ticket CHG-42"}'
expect_api 200 '"state":"acknowledged"' "security acknowledges with a comment"
api "$SECURITY" POST "/v1/drift/$ID/ack" '{"comment":"again"}'
expect_api 409 '"not_open"' "acknowledging twice: 409"
api "$SECURITY" POST "/v1/drift/999999/ack" '{"comment":"x"}'
expect_api 404 '"not_found"' "an unknown item: 404"
api "$AUDITOR" GET "/v1/drift/$ID"
expect_api 200 '"ack_comment":"change ticket CHG-42"' "the item keeps who acknowledged and why"
run ctl drift --state acknowledged
expect_in out "LNX-SSH-002" "exhibitctl drift --state acknowledged"
api "$AUDITOR" GET /v1/audits
expect_api 200 '"name":"2026 Q4 internal audit"' "GET /v1/audits"

# Back to hardened: everything returns to baseline and resolves,
# acknowledged items included.
root debian12-hardened
push 4
[[ $(sql "SELECT count(*) FROM drift WHERE agent_id = '$A' AND state != 'resolved'") == 0 ]] &&
    ok "back at its baseline, every item resolved" || not_ok "unresolved: $(sql "SELECT kind, subject FROM drift WHERE state != 'resolved'")"
[[ $(sql "SELECT resolution FROM drift WHERE id = $ID") == "back to its baseline result" ]] &&
    ok "resolutions say why" || not_ok "resolution: $(sql "SELECT resolution FROM drift WHERE id = $ID")"
resolved=$(sql "SELECT count(*) FROM drift WHERE state = 'resolved'")
for ((i = 0; i < 100; i++)); do [[ $(hooks resolved) -ge $resolved ]] && break; sleep 0.1; done
[[ $(hooks resolved) == "$resolved" ]] && ok "every resolution alerted once ($resolved)" || not_ok "$(hooks resolved) resolution alerts for $resolved resolved items"

# A silent host: stale_after is long enough that a slow run's pushes
# never look silent, and the wait polls rather than guessing.
for ((i = 0; i < 200; i++)); do
	[[ $(sql "SELECT count(*) FROM drift WHERE kind = 'host_silent' AND state = 'open'") == 1 ]] && break
	sleep 0.1
done
[[ $(sql "SELECT count(*) FROM drift WHERE kind = 'host_silent' AND state = 'open'") == 1 ]] &&
    ok "a host silent past stale_after opens host_silent" || not_ok "host_silent: $(sql "SELECT kind, state FROM drift WHERE kind = 'host_silent'")"
push 5
[[ $(sql "SELECT count(*) FROM drift WHERE kind = 'host_silent' AND state = 'resolved'") == 1 ]] &&
    ok "and its next document resolves it" || not_ok "host_silent not resolved"

# An identity event: the same seq with other content (409) is recorded.
"$AGENT" collect --root "$TMP/root" >"$TMP/doc.json"
python3 - "$TMP/doc.json" "$A" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["agent_id"] = sys.argv[2]; d["seq"] = 1
open(sys.argv[1], "w").write(json.dumps(d, separators=(",", ":")))
PY
"$top_builddir/tests/tools/sign-envelope" "$TMP/a/agent.key" "$TMP/doc.json" >"$TMP/doc.env"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" --cert "$TMP/a/agent.pem" \
    --key "$TMP/a/agent.key" -H 'Content-Type: application/vnd.dsse.envelope+json' \
    --data-binary @"$TMP/doc.env" "$URL/v1/evidence")
[[ $code == 409 ]] && ok "a replayed seq with other content: 409" || not_ok "replay: $code"
for ((i = 0; i < 50; i++)); do [[ $(sql "SELECT count(*) FROM drift WHERE kind = 'identity'") -ge 1 ]] && break; sleep 0.1; done
[[ $(sql "SELECT subject FROM drift WHERE kind = 'identity'") == seq_conflict:* ]] &&
    ok "it opens an identity item" || not_ok "identity: $(sql "SELECT kind, subject FROM drift WHERE kind = 'identity'")"

# A rule-set change is drift too.
sed -i 's/"version": "[^"]*"/"version": "drift-test"/' "$TMP/rules/iso27001-2022-linux.json"
kill -HUP "$DPID"
for ((i = 0; i < 50; i++)); do [[ $(sql "SELECT count(*) FROM drift WHERE kind = 'ruleset_changed'") -ge 1 ]] && break; sleep 0.1; done
[[ $(sql "SELECT count(*) FROM drift WHERE kind = 'ruleset_changed' AND state = 'open'") == 1 ]] &&
    ok "a new rule set opens ruleset_changed" || not_ok "ruleset_changed: $(sql "SELECT count(*) FROM drift WHERE kind = 'ruleset_changed'")"

# Scheduled audits: one due while the daemon was down starts once when it
# is back, and a restart does not start it again.
daemon_stop
printf '[audits]\nschedule = 1h\n' >>"$DCONF"
sql "INSERT INTO meta (key, value) VALUES ('audit_schedule_anchor', '$(($(date +%s) - 7200))') ON CONFLICT (key) DO UPDATE SET value = excluded.value"
daemon_start "$LOG" || exit 1
for ((i = 0; i < 50; i++)); do [[ $(sql "SELECT count(*) FROM audits WHERE scheduled = 1") -ge 1 ]] && break; sleep 0.1; done
[[ $(sql "SELECT count(*) FROM audits WHERE scheduled = 1") == 1 ]] && ok "the missed scheduled audit starts at start" || not_ok "scheduled audits: $(sql "SELECT count(*) FROM audits WHERE scheduled = 1")"
[[ $(sql "SELECT count(*) FROM drift WHERE state != 'resolved'") == 0 ]] && ok "and supersedes every open item" || not_ok "unresolved after audit"
daemon_stop
daemon_start "$LOG" || exit 1
sleep 1
[[ $(sql "SELECT count(*) FROM audits WHERE scheduled = 1") == 1 ]] && ok "a restart does not start it again" || not_ok "scheduled audits after restart: $(sql "SELECT count(*) FROM audits WHERE scheduled = 1")"
run ctl audit list
expect_in out "Scheduled audit" "exhibitctl audit list"
run ctl audit list --json
expect_rc 0 "exhibitctl audit list --json"
expect_in out '"name": "2026 Q4 internal audit"' "lists the audits as JSON"
run ctl audit start
expect_rc 2 "audit start without --name"
run ctl audit list --name x
expect_rc 2 "audit list does not take --name"
printf '[audits]\nschedule = fortnightly\n' >"$TMP/bad.conf"
sed '/^\[audits\]/,$d' "$DCONF" >>"$TMP/bad.conf.tmp"; cat "$TMP/bad.conf" >>"$TMP/bad.conf.tmp"
run "$top_builddir/exhibitd" -n -f "$TMP/bad.conf.tmp"
expect_rc 1 "exhibitd -n refuses an unknown schedule"
expect_in err "schedule \"fortnightly\"" "and names it"

daemon_stop
[[ $drc == 0 ]] && ok "exhibitd stops cleanly" || not_ok "exhibitd exit $drc"
finish
