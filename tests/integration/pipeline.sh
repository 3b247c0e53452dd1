#!/bin/bash
# The signed pipeline end to end: exhibitd on 127.0.0.1 with a temporary
# state directory; two agents enrolled against fixture roots (one with
# the CA file, one with its fingerprint) push, the daemon restarts, they
# push again; then crash safety: kill -9 the daemon in the middle of a
# burst of spooled envelopes, and the agent in the middle of a push.
. "$top_srcdir/tests/integration/lib.sh"

AGENT=$top_builddir/exhibit-agent
FIX=$top_srcdir/tests/fixtures
BURST=500
[[ -n ${EXHIBIT_TEST_QUICK:-} ]] && BURST=100

daemon_setup "$TMP" || exit 1
LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1

# agent_conf NAME ROOT: a configuration for agent NAME collecting ROOT.
agent_conf() {
	printf '[agent]\nroot = %s\nstate_dir = %s\nlog = stderr\n[push]\ntimeout = 20s\n' \
	    "$2" "$TMP/$1" >"$TMP/$1.conf"
}
ag() { local who=$1; shift; "$AGENT" -f "$TMP/$who.conf" "$@"; }

enroll_token 2 >"$TMP/token"
agent_conf a "$FIX/debian12-hardened"
agent_conf b "$FIX/rhel9"

run ag a enroll --server "$URL" --token "$(cat "$TMP/token")" --ca-file "$CA"
expect_rc 2 "the token on the command line is refused"
grep -qF "$(cat "$TMP/token")" "$TMP/err" && not_ok "the refusal echoes the token" || ok "the refusal does not echo the token"
run ag a enroll --server "$URL" --token-file "$TMP/token" --ca-file "$CA"
expect_rc 0 "agent a enrolls with the CA file"
fp="sha256:$(openssl x509 -in "$CA" -outform DER | sha256sum | cut -d' ' -f1)"
run ag b enroll --server "$URL" --token-file "$TMP/token" --ca-fingerprint "sha256:$(printf '%064d' 0)"
expect_rc 1 "a wrong CA fingerprint is refused"
run ag b enroll --server "$URL" --token-file "$TMP/token" --ca-fingerprint "$fp"
expect_rc 0 "agent b enrolls with the CA fingerprint"
[[ $(stat -c %a "$TMP/a") == 700 && $(stat -c %a "$TMP/a/agent.key") == 600 ]] &&
    ok "agent state 0700, key 0600" || not_ok "agent state modes $(stat -c %a "$TMP/a" "$TMP/a/agent.key")"
A=$(ag a status --json | grep -o '"agent_id": *"ag_[a-z0-9]*"' | cut -d'"' -f4)
B=$(ag b status --json | grep -o '"agent_id": *"ag_[a-z0-9]*"' | cut -d'"' -f4)
[[ -n $A && -n $B && $A != "$B" ]] && ok "two agents: $A $B" || not_ok "agent ids '$A' '$B'"

stored() { sql "SELECT seq FROM evidence WHERE agent_id = '$1' ORDER BY seq" | paste -sd,; }

run ag a run --once
expect_rc 0 "agent a: run --once"
run ag b run --once
expect_rc 0 "agent b: run --once"
[[ $(stored "$A") == 1 && $(stored "$B") == 1 ]] && ok "one document each stored" || not_ok "stored: a=$(stored "$A") b=$(stored "$B")"
h=$(sql "SELECT hostname FROM hosts ORDER BY hostname" | paste -sd,)
n=$(sql "SELECT count(*) FROM hosts")
[[ $n == 2 ]] && ok "two hosts recorded ($h)" || not_ok "hosts: $n ($h)"
full=$(sql "SELECT count(*) FROM evidence_sections es JOIN evidence e ON e.id = es.evidence_id WHERE e.agent_id = '$A' AND es.reference = 0")
[[ $full -ge 14 ]] && ok "the first document carries every section in full ($full)" || not_ok "$full full sections"

run ag a run --once
expect_rc 0 "agent a: a second run"
refs=$(sql "SELECT count(*) FROM evidence_sections es JOIN evidence e ON e.id = es.evidence_id WHERE e.agent_id = '$A' AND e.seq = 2 AND es.reference = 1")
[[ $refs -ge 14 ]] && ok "unchanged sections go as references ($refs)" || not_ok "$refs references in seq 2"
sz1=$(sql "SELECT length(envelope) FROM evidence WHERE agent_id = '$A' AND seq = 1")
sz2=$(sql "SELECT length(envelope) FROM evidence WHERE agent_id = '$A' AND seq = 2")
((sz2 * 4 < sz1)) && ok "a reference document is small ($sz2 bytes beside $sz1)" || not_ok "sizes $sz1 $sz2"
nsec=$(sql "SELECT count(*) FROM sections")
ag a status --json >"$TMP/status"
grep -qE '"spool_count": *0' "$TMP/status" && ok "status: spool empty" || not_ok "status: $(cat "$TMP/status")"

daemon_stop
[[ $drc == 0 ]] && ok "daemon stopped cleanly" || not_ok "daemon exit $drc"
# The daemon away: evidence waits in the spool.
run ag a run --once
expect_rc 1 "run --once with the daemon away fails"
[[ $(ls "$TMP/a/spool" | grep -c .) == 1 ]] && ok "and its envelope waits in the spool" || not_ok "spool: $(ls "$TMP/a/spool")"
daemon_start "$LOG" || exit 1
run ag a push
expect_rc 0 "push after the daemon is back"
[[ $(stored "$A") == 1,2,3 ]] && ok "seqs 1,2,3 stored across the restart" || not_ok "stored $(stored "$A")"
run ag b run --once
[[ $(stored "$B") == 1,2 ]] && ok "agent b pushes after the restart" || not_ok "b stored $(stored "$B")"
[[ $(sql "SELECT count(*) FROM sections") == "$nsec" ]] && ok "sections grow with change, not with time" || not_ok "sections $nsec -> $(sql "SELECT count(*) FROM sections")"

# --- renewal at half-life -----------------------------------------------------
# Agent a's certificate replaced by one the daemon's CA signed long ago
# that expires within the hour: past its half-life, the next run renews.
mkdir "$TMP/oldca" "$TMP/oldca/new"
: >"$TMP/oldca/index.txt"
echo 01 >"$TMP/oldca/serial"
cat >"$TMP/oldca/ca.cnf" <<CNF
[ca]
default_ca = old
[old]
database = $TMP/oldca/index.txt
new_certs_dir = $TMP/oldca/new
serial = $TMP/oldca/serial
default_md = default
policy = anything
unique_subject = no
[anything]
commonName = supplied
CNF
openssl req -new -key "$TMP/a/agent.key" -subj "/CN=$A" -out "$TMP/oldca/a.csr" 2>/dev/null
openssl ca -batch -config "$TMP/oldca/ca.cnf" -cert "$CA" -keyfile "$DSTATE/ca.key" \
    -in "$TMP/oldca/a.csr" -out "$TMP/a/agent.pem" -notext \
    -startdate 20250101000000Z -enddate "$(date -u -d '+1 hour' +%Y%m%d%H%M%SZ)" >/dev/null 2>&1
old_end=$(openssl x509 -in "$TMP/a/agent.pem" -noout -enddate)
run ag a run --once
expect_rc 0 "run --once with a certificate past its half-life"
expect_in err "renew: a new client certificate" "the agent renews it"
new_end=$(openssl x509 -in "$TMP/a/agent.pem" -noout -enddate)
[[ $new_end != "$old_end" ]] && openssl verify -CAfile "$CA" "$TMP/a/agent.pem" >/dev/null 2>&1 &&
    ok "the new certificate replaces it ($new_end)" || not_ok "certificate not renewed: $old_end / $new_end"
exp=$(sql "SELECT cert_not_after - $(date +%s) FROM agents WHERE id = '$A'")
((exp > 6 * 86400)) && ok "the daemon records the new expiry" || not_ok "cert_not_after in $exp s"
[[ $(stored "$A") == 1,2,3,4 ]] && ok "and the run's document went with it" || not_ok "stored $(stored "$A")"

# --- crash safety: the daemon killed mid-burst --------------------------------
run "$top_builddir/tests/tools/spool-fill" "$TMP/a" "$FIX/debian12-hardened" "$BURST"
expect_rc 0 "$BURST envelopes spooled"
# spooled DIR: the seqs in a spool, one per line.
spooled() { local f; for f in "$1"/spool/*.env; do [[ -e $f ]] && f=${f##*/} && echo $((10#${f%.env})); done; }
first=$(spooled "$TMP/a" | head -1)
"$AGENT" -f "$TMP/a.conf" push >"$TMP/push1.log" 2>&1 &
apid=$!
# Kill the daemon once some, not all, are acknowledged.
for ((i = 0; i < 300; i++)); do
	left=$(ls "$TMP/a/spool" | grep -c .)
	((left < BURST - 20)) && break
	sleep 0.02
done
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
wait "$apid"
left=$(ls "$TMP/a/spool" | grep -c .)
((left > 0 && left < BURST)) && ok "daemon killed mid-burst ($((BURST - left)) acknowledged, $left left)" ||
    not_ok "kill timing: $left of $BURST left"
# Every envelope the agent let go of (it held a receipt) is stored.
seq "$first" $((first + BURST - 1)) | sort >"$TMP/all"
spooled "$TMP/a" | sort >"$TMP/left"
sql "SELECT seq FROM evidence WHERE agent_id = '$A'" | sort >"$TMP/stored"
comm -23 "$TMP/all" "$TMP/left" | comm -23 - "$TMP/stored" >"$TMP/missing"
missing=$(grep -c . "$TMP/missing")
[[ $missing == 0 ]] && ok "every acknowledged envelope survived kill -9" || not_ok "$missing acknowledged envelopes lost"
daemon_start "$LOG" || exit 1
run ag a push
expect_rc 0 "the agent drains its spool after the restart"
n=$(sql "SELECT count(*), count(DISTINCT seq) FROM evidence WHERE agent_id = '$A' AND seq >= $first")
[[ $n == "$BURST|$BURST" ]] && ok "each (agent, seq) stored exactly once ($n)" || not_ok "stored $n of $BURST"

# --- crash safety: the agent killed mid-push ----------------------------------
run "$top_builddir/tests/tools/spool-fill" "$TMP/b" "$FIX/rhel9" "$BURST"
first=$(spooled "$TMP/b" | head -1)
"$AGENT" -f "$TMP/b.conf" push >"$TMP/push2.log" 2>&1 &
apid=$!
for ((i = 0; i < 300; i++)); do
	left=$(ls "$TMP/b/spool" | grep -c .)
	((left < BURST - 20)) && break
	sleep 0.02
done
kill -9 "$apid"
wait "$apid" 2>/dev/null
left=$(ls "$TMP/b/spool" | grep -c .)
((left > 0 && left < BURST)) && ok "agent killed mid-push ($left left)" || not_ok "kill timing: $left of $BURST left"
run ag b push
expect_rc 0 "the restarted agent drains its spool"
n=$(sql "SELECT count(*), count(DISTINCT seq) FROM evidence WHERE agent_id = '$B' AND seq >= $first")
[[ $n == "$BURST|$BURST" ]] && ok "each (agent, seq) stored exactly once ($n)" || not_ok "stored $n of $BURST"
[[ -z $(ls "$TMP/b/rejected" 2>/dev/null) ]] && ok "nothing rejected" || not_ok "rejected: $(ls "$TMP/b/rejected")"

daemon_stop
[[ $drc == 0 ]] && ok "daemon stopped cleanly" || not_ok "daemon exit $drc"
finish
