#!/bin/bash
# Rules end to end: documents stored by exhibitd are judged against the
# rule pack; the people's API answers hosts, findings (as of a time) and
# controls behind bearer tokens with roles; waivers turn failures into
# "waived" and lapse; exhibitctl shows the same; a rule change re-judges
# each host's newest document, a broken one is refused on SIGHUP; results
# a crash left unwritten are rebuilt at the next start.
. "$top_srcdir/tests/integration/lib.sh"

AGENT=$top_builddir/exhibit-agent
CTLB=$top_builddir/exhibitctl
FIX=$top_srcdir/tests/fixtures

mkdir "$TMP/rules"
cp "$top_srcdir/conf/rules/"*.json "$TMP/rules/"
daemon_setup "$TMP" || exit 1
sed -i "s|^directory = .*|directory = $TMP/rules|" "$DCONF"
LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1
ctl() { "$CTLB" -f "$DCONF" "$@"; }

agent_conf() {
	printf '[agent]\nroot = %s\nstate_dir = %s\nlog = stderr\n' \
	    "$2" "$TMP/$1" >"$TMP/$1.conf"
}
ag() { local who=$1; shift; "$AGENT" -f "$TMP/$who.conf" "$@"; }
token() { ctl token create --role "$1" | grep -o 'exh_[A-Za-z0-9_-]*' | head -1; }

enroll_token 2 >"$TMP/token"
agent_conf weak "$FIX/debian12-weak"
agent_conf hard "$FIX/debian12-hardened"
for a in weak hard; do
	run ag $a enroll --server "$URL" --token-file "$TMP/token" --ca-file "$CA"
	expect_rc 0 "agent $a enrolls"
	run ag $a run --once
	expect_rc 0 "agent $a pushes"
done
W=$(ag weak status --json | grep -o '"agent_id": *"ag_[a-z0-9]*"' | cut -d'"' -f4)
H=$(ag hard status --json | grep -o '"agent_id": *"ag_[a-z0-9]*"' | cut -d'"' -f4)
NRULES=$(grep -c '"id": "LNX-' "$TMP/rules/iso27001-2022-linux.json")

# Judging happens after the acknowledgement: wait for it.
judged() { sql "SELECT count(*) FROM evaluations"; }
for ((i = 0; i < 100; i++)); do [[ $(judged) -ge 2 ]] && break; sleep 0.1; done
[[ $(judged) == 2 ]] && ok "both documents judged" || not_ok "$(judged) evaluations"
n=$(sql "SELECT npass + nna + nerror + nfail FROM evaluations e JOIN evidence v ON v.id = e.evidence_id WHERE v.agent_id = '$W'")
[[ $n == "$NRULES" ]] && ok "every rule has a result ($n)" || not_ok "$n results for $NRULES rules"
[[ $(sql "SELECT count(*) FROM rule_packs") == 1 ]] && ok "the pack is kept in the store" || not_ok "rule_packs: $(sql "SELECT count(*) FROM rule_packs")"

ADMIN=$(token admin)
AUDITOR=$(token auditor)
SECURITY=$(token security)
ENROLL=$(enroll_token 1)
api() { # api TOKEN METHOD PATH [BODY]: status in $code, body in $TMP/body
	local t=$1 m=$2 p=$3; shift 3
	code=$(curl -s -o "$TMP/body" -w '%{http_code}' --cacert "$CA" -X "$m" \
	    ${t:+-H "Authorization: Bearer $t"} -H 'Content-Type: application/json' \
	    ${1:+--data "$1"} "$URL$p")
	body=$(cat "$TMP/body")
}
expect_api() { # expect_api CODE ERROR-OR-TEXT WHAT
	if [[ $code == "$1" ]] && grep -qF -- "$2" <<<"$body"; then ok "$3"
	else not_ok "$3: got $code $(head -c 300 <<<"$body")"; fi
}

# Authentication and roles.
api "" GET /v1/hosts
expect_api 401 '"unauthorized"' "no token: 401"
api "exh_notatoken" GET /v1/hosts
expect_api 401 '"bad_token"' "a made-up token: 401"
api "$ENROLL" GET /v1/findings
expect_api 403 '"forbidden"' "an enrollment token reads nothing: 403"
for t in "$AUDITOR" "$SECURITY" "$ADMIN"; do
	api "$t" GET /v1/hosts
	expect_api 200 "\"$W\"" "a person's token lists hosts"
done
ctl token revoke "$(ctl token list | awk '/auditor/ {print $1; exit}')" >/dev/null
api "$AUDITOR" GET /v1/hosts
expect_api 401 "revoked" "a revoked token: 401"
AUDITOR=$(token auditor)

# Hosts, one host, findings, controls.
api "$AUDITOR" GET /v1/hosts
grep -q '"score"' <<<"$body" && ok "hosts carry a score" || not_ok "no score: $body"
api "$AUDITOR" GET "/v1/hosts/$W"
expect_api 200 '"LNX-SSH-001"' "one host with its findings"
api "$AUDITOR" GET "/v1/hosts/web-3"
expect_api 200 "\"$W\"" "a host by its hostname"
api "$AUDITOR" GET "/v1/hosts/ag_nosuchagent"
expect_api 404 '"not_found"' "an unknown host: 404"
api "$AUDITOR" GET "/v1/findings?host=$W&rule=LNX-SSH-001"
expect_api 200 '"status":"fail"' "root login over SSH fails on the weak host"
grep -q '"/etc/ssh/sshd_config"' <<<"$body" && ok "the finding names its source file" || not_ok "no source: $body"
grep -q '"sha256":"[0-9a-f]\{64\}"' <<<"$body" && ok "with the file's sha256" || not_ok "no sha256: $body"
grep -q '"pack_digest":"sha256:' <<<"$body" && ok "and the pack's digest" || not_ok "no pack digest: $body"
api "$AUDITOR" GET "/v1/findings?host=$H&rule=LNX-SSH-001"
expect_api 200 '"status":"pass"' "and passes on the hardened host"
api "$AUDITOR" GET "/v1/findings?control=A.8.5&status=fail"
n=$(grep -o '"rule":' <<<"$body" | wc -l)
bad=$(grep -o '"status":"[a-z_]*"' <<<"$body" | grep -vc '"fail"')
[[ $n -gt 0 && $bad == 0 ]] && ok "filters by control and status ($n failures on A.8.5)" || not_ok "control/status filter: $n, $bad others"
api "$AUDITOR" GET "/v1/findings?at=2000-01-01"
expect_api 200 '"findings":[]' "nothing was known in 2000"
api "$AUDITOR" GET "/v1/findings?status=maybe"
expect_api 400 '"bad_request"' "an unknown status: 400"
api "$AUDITOR" GET "/v1/findings?colour=red"
expect_api 400 'unknown query parameter' "an unknown parameter: 400"
api "$AUDITOR" GET "/v1/findings?at=yesterday"
expect_api 400 '"bad_request"' "a malformed time: 400"
api "$AUDITOR" GET /v1/controls
expect_api 200 '"control":"A.8.5"' "controls: the Statement-of-Applicability view"
grep -q '"control":"A.5.1",' <<<"$body" && ok "controls no rule evidences are listed too" || not_ok "A.5.1 missing"
api "$AUDITOR" DELETE /v1/controls
expect_api 405 '"method_not_allowed"' "a wrong method: 405"

# Waivers: admin only; a waived failure is reported as waived, never pass.
api "$AUDITOR" POST /v1/waivers '{"rule":"LNX-SSH-001","host":"web-3","owner":"ciso","justification":"jump host","expires":"30d"}'
expect_api 403 '"forbidden"' "an auditor cannot waive"
api "$SECURITY" POST /v1/waivers '{"rule":"LNX-SSH-001","host":"web-3","owner":"ciso","justification":"jump host","expires":"30d"}'
expect_api 403 '"forbidden"' "nor can the security role"
api "$ADMIN" POST /v1/waivers '{"rule":"LNX-SSH-001","host":"web-3","owner":"ciso","expires":"30d"}'
expect_api 400 'justification is required' "a waiver needs a justification"
api "$ADMIN" POST /v1/waivers '{"rule":"LNX-SSH-001","host":"web-3","owner":"ciso","justification":"x","expires":"2001-01-01"}'
expect_api 400 'not in the future' "a waiver expiring in the past"
api "$ADMIN" POST /v1/waivers '{"rule":"NO-SUCH-RULE","host":"web-3","owner":"ciso","justification":"x","expires":"30d"}'
expect_api 400 'no rule NO-SUCH-RULE' "a waiver for an unknown rule"
[[ $(sql "SELECT count(*) FROM waivers") == 0 ]] && ok "refused waivers store nothing" || not_ok "waivers stored"
api "$ADMIN" POST /v1/waivers '{"rule":"LNX-SSH-001","host":"web-*","owner":"ciso","justification":"jump hosts need root","expires":"30d"}'
expect_api 201 '"state":"active"' "an admin waives a rule for a host pattern"
WID=$(grep -o '"id":[0-9]*' <<<"$body" | head -1 | cut -d: -f2)
api "$AUDITOR" GET "/v1/findings?host=$W&rule=LNX-SSH-001"
expect_api 200 '"status":"waived"' "the failure is now reported as waived"
grep -q '"justification":"jump hosts need root"' <<<"$body" && ok "with its waiver" || not_ok "no waiver in $body"
api "$AUDITOR" GET "/v1/findings?host=$H&rule=LNX-SSH-001"
expect_api 200 '"status":"pass"' "a pass stays a pass"
api "$AUDITOR" GET "/v1/findings?host=$W&rule=LNX-SSH-001&at=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)"
expect_api 200 '"findings":[]' "an hour ago nothing was stored"
api "$AUDITOR" GET /v1/waivers
expect_api 200 '"jump hosts need root"' "anyone may list waivers"
api "$AUDITOR" DELETE "/v1/waivers/$WID"
expect_api 403 '"forbidden"' "an auditor cannot remove a waiver"
api "$ADMIN" DELETE "/v1/waivers/$WID"
expect_api 200 '"removed"' "an admin removes it"
api "$ADMIN" DELETE "/v1/waivers/$WID"
expect_api 404 '"not_found"' "removing it twice: 404"
api "$AUDITOR" GET "/v1/findings?host=$W&rule=LNX-SSH-001"
expect_api 200 '"status":"fail"' "without the waiver it fails again"
# A waiver that has lapsed waives nothing (expiry moved into the past).
run ctl waiver add --rule LNX-SSH-001 --host "$W" --owner ciso --justification "short" --expires 1d
expect_rc 0 "exhibitctl waiver add"
sql "UPDATE waivers SET expires_at = $(($(date +%s) - 1)) WHERE removed_at = 0"
api "$AUDITOR" GET "/v1/findings?host=$W&rule=LNX-SSH-001"
expect_api 200 '"status":"fail"' "an expired waiver lapses by itself"
run ctl waiver add --rule LNX-SSH-001 --host "$W" --owner ciso --expires 1d
expect_rc 2 "exhibitctl waiver add without a justification"
run ctl waiver list --all
expect_in out "expired" "waiver list --all shows the lapsed one"

# exhibitctl answers as the API does.
run ctl hosts
expect_rc 0 "exhibitctl hosts"
expect_in out "web-3" "hosts lists the weak host"
run ctl findings --host "$W" --status fail
expect_rc 0 "exhibitctl findings"
expect_in out "LNX-SSH-001" "findings lists the failure"
expect_in out "/etc/ssh/sshd_config" "with its source"
run ctl controls
expect_rc 0 "exhibitctl controls"
expect_in out "A.8.5" "controls lists A.8.5"
run ctl findings --json --rule LNX-SSH-001 --host "$W"
expect_in out '"status": "fail"' "exhibitctl findings --json"

# A broken rule pack on SIGHUP: refused, the running rules stay.
sets=$(sql "SELECT count(*) FROM rulesets")
cp "$TMP/rules/iso27001-2022-linux.json" "$TMP/pack.good"
sed -i '0,/"op": "eq"/s//"op": "equals"/' "$TMP/rules/iso27001-2022-linux.json"
kill -HUP "$DPID"
wait_for_line "$LOG" "reload failed: the rule packs" 10 && ok "a broken pack is refused on SIGHUP" || not_ok "no refusal in the log"
grep -q 'unknown operator "equals"' "$LOG" && ok "naming the problem" || not_ok "problem not named"
[[ $(sql "SELECT count(*) FROM rulesets") == "$sets" ]] && ok "the running rules stay" || not_ok "rule set recorded"

# A changed pack: each host's newest document is judged again.
cp "$TMP/pack.good" "$TMP/rules/iso27001-2022-linux.json"
sed -i 's/"version": "[^"]*"/"version": "test-2"/' "$TMP/rules/iso27001-2022-linux.json"
kill -HUP "$DPID"
for ((i = 0; i < 100; i++)); do [[ $(judged) -ge 4 ]] && break; sleep 0.1; done
[[ $(sql "SELECT count(*) FROM rulesets") == $((sets + 1)) ]] && ok "the new rule set is recorded" || not_ok "rulesets: $(sql "SELECT count(*) FROM rulesets")"
[[ $(judged) == 4 ]] && ok "both hosts' newest documents judged again" || not_ok "$(judged) evaluations"
api "$AUDITOR" GET "/v1/findings?host=$W&rule=LNX-SSH-001"
expect_api 200 '"pack_version":"test-2"' "findings now come from the new pack"
api "$AUDITOR" GET "/v1/findings?host=$W&rule=LNX-SSH-001&at=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"
expect_api 200 '"status":"fail"' "a time ahead is now"

# Results lost in a crash are rebuilt at the next start.
daemon_stop
sql "DELETE FROM evaluations"
daemon_start "$LOG" || exit 1
for ((i = 0; i < 100; i++)); do [[ $(judged) -ge 2 ]] && break; sleep 0.1; done
[[ $(judged) == 2 ]] && ok "unjudged documents are judged at start" || not_ok "$(judged) evaluations after restart"
run ag weak run --once
expect_rc 0 "the weak agent pushes again (references)"
for ((i = 0; i < 100; i++)); do [[ $(judged) -ge 3 ]] && break; sleep 0.1; done
api "$AUDITOR" GET "/v1/findings?host=$W&rule=LNX-SSH-001"
expect_api 200 '"status":"fail"' "a document of references is judged as a whole"
[[ $(sql "SELECT count(*) FROM result_sets") -le 3 ]] && ok "identical results are stored once" || not_ok "$(sql "SELECT count(*) FROM result_sets") result sets"

daemon_stop
[[ $drc == 0 ]] && ok "exhibitd stops cleanly" || not_ok "exhibitd exit $drc"

# exhibitctl evaluate: the same engine offline, on a document or envelope.
ev() { "$CTLB" evaluate --rules "$top_srcdir/conf/rules" "$@"; }
"$AGENT" collect --root "$FIX/debian12-weak" >"$TMP/weak.json"
run ev "$TMP/weak.json"
expect_rc 1 "evaluate: failures give exit status 1"
expect_in out "A.8.5 Secure authentication" "results grouped by control"
expect_in out "LNX-SSH-001" "the weak host's root login over SSH"
expect_in out "/etc/ssh/sshd_config:" "with its source file and line"
expect_in out "$NRULES rules:" "and a total"
run ev --json "$TMP/weak.json"
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["results"]), d["packs"][0]["digest"][:7])' "$TMP/out")
[[ $n == "$NRULES sha256:" ]] && ok "evaluate --json: every rule, the pack's digest" || not_ok "evaluate --json: $n"
run ev - <"$TMP/weak.json"
expect_rc 1 "evaluate reads standard input"
# (The agent's own collect --sign sends references once it has pushed.)
"$top_builddir/tests/tools/sign-envelope" "$TMP/weak/agent.key" "$TMP/weak.json" >"$TMP/weak.env"
openssl pkey -in "$TMP/weak/agent.key" -pubout -out "$TMP/weak.pub" 2>/dev/null
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout -out "$TMP/other.pub"
run ev --key "$TMP/weak.pub" "$TMP/weak.env"
expect_rc 1 "evaluate checks an envelope with the agent's key"
expect_in out "LNX-SSH-001" "and judges its payload"
run ev --key "$TMP/other.pub" "$TMP/weak.env"
expect_rc 2 "an envelope signed by another key is refused"
expect_in err "no signature by key" "and says so"
run ev "$TMP/weak.env"
expect_in err "signature not checked" "without --key it says the signature was not checked"
printf '{"sections":\n{"x":\n' >"$TMP/broken.json"
run ev "$TMP/broken.json"
expect_rc 2 "evaluate on broken JSON"
expect_in err "broken.json" "names the file"
printf '{"sections":{"sshd":{"digest":"sha256:%064d","unchanged_since":1}}}' 0 >"$TMP/ref.json"
run ev "$TMP/ref.json"
expect_rc 2 "evaluate refuses a document of references"
expect_in err "reference to an earlier document" "and says why"
run "$CTLB" evaluate --rules "$TMP/nonexistent" "$TMP/weak.json"
expect_rc 2 "evaluate with a missing rules directory"
run ev --no-such-option
expect_rc 2 "evaluate with an unknown option"
finish
