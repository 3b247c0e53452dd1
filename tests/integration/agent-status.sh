#!/bin/bash
# exhibit-agent status --json and the node-exporter textfile (status
# --textfile, [agent] textfile): what they say before enrolling, after a
# push, with the daemon away (the spool grows, the last success stays),
# and while the service runs (the next collection) and after it stops.
. "$top_srcdir/tests/integration/lib.sh"

AGENT=$top_builddir/exhibit-agent
TF=$TMP/textfile/exhibit_agent.prom
mkdir "$TMP/textfile"
version=$("$AGENT" --version | awk '{print $NF}')

daemon_setup "$TMP" || exit 1
daemon_start "$TMP/daemon.log" || exit 1
printf '[agent]\nroot = %s\nstate_dir = %s\nlog = stderr\ntextfile = %s\n[schedule]\ninterval = 1h\njitter = 0\n[push]\ntimeout = 20s\n' \
    "$top_srcdir/tests/fixtures/debian12-hardened" "$TMP/agent" "$TF" >"$TMP/agent.conf"
ag() { "$AGENT" -f "$TMP/agent.conf" "$@"; }
# js KEY: KEY's value in $out (a status --json), quotes stripped.
js() { sed -nE "s/^ *\"$1\": (.*)\$/\1/p" <<<"$out" | sed -E 's/,$//; s/^"(.*)"$/\1/'; }
# gauge NAME: its value in the textfile, empty when absent.
gauge() { sed -nE "s/^$1 //p" "$TF"; }
epoch() { date -u -d "$1" +%s; }

run ag status --json
expect_rc 1 "status before enrolling: exit 1"

enroll_token 1 >"$TMP/token"
run ag enroll --server "$URL" --token-file "$TMP/token" --ca-file "$CA"
expect_rc 0 "the agent enrolls"
run ag status --json
expect_rc 0 "status --json once enrolled"
[[ $(js version) == "$version" && $(js enrolled) == true && $(js server) == "$URL" ]] &&
    ok "status: version $version, enrolled, server" || not_ok "status: $out"
exp=$(js certificate_not_after)
now=$(date +%s)
[[ -n $exp ]] && (($(epoch "$exp") > now + 6 * 86400 && $(epoch "$exp") <= now + 7 * 86400 + 60)) &&
    ok "status: certificate expires in about 7 days ($exp)" || not_ok "certificate_not_after '$exp'"
[[ $(js last_collection) == null && $(js last_push) == null && $(js spool_count) == 0 &&
    $(js spool_oldest) == null && $(js next_collection) == null ]] &&
    ok "status: no collection, push or spooled envelope yet (null, 0)" || not_ok "status: $out"

# --- one collection and push, the textfile written by run ------------------
t0=$(date +%s)
run ag run --once
expect_rc 0 "run --once"
t1=$(date +%s)
run ag status --json
[[ $(js last_collection_result) == "ok: seq 1 spooled" && $(js last_push_result) == ok &&
    $(js spool_count) == 0 && $(js seq) == 1 && $(js acknowledged_seq) == 1 ]] &&
    ok "status: seq 1 collected, pushed, acknowledged" || not_ok "status: $out"
lc=$(epoch "$(js last_collection)")
ok_t=$(epoch "$(js last_push_ok)")
((lc >= t0 && lc <= t1 && ok_t >= lc && ok_t <= t1)) &&
    ok "status: last collection and last successful push are this run's" ||
    not_ok "last_collection $lc, last_push_ok $ok_t, run between $t0 and $t1"
[[ $(js next_collection) == null ]] && ok "status: --once schedules nothing" ||
    not_ok "next_collection $(js next_collection) after --once"

if [[ -f $TF ]]; then ok "run wrote [agent] textfile"; else not_ok "no $TF"; fi
[[ $(stat -c %a "$TF") == 644 ]] && ok "textfile mode 0644 (node-exporter reads it)" ||
    not_ok "textfile mode $(stat -c %a "$TF")"
[[ $(gauge exhibit_agent_last_push_success_timestamp_seconds) == "$ok_t" &&
    $(gauge exhibit_agent_last_collection_timestamp_seconds) == "$lc" &&
    $(gauge exhibit_agent_last_collection_success) == 1 ]] &&
    ok "textfile: last collection and push success as Unix times" ||
    not_ok "textfile: $(cat "$TF")"
[[ $(gauge exhibit_agent_cert_expiry_timestamp_seconds) == "$(epoch "$exp")" &&
    $(gauge exhibit_agent_spool_items) == 0 && $(gauge exhibit_agent_enrolled) == 1 ]] &&
    ok "textfile: certificate expiry, empty spool, enrolled" || not_ok "textfile: $(cat "$TF")"
grep -qxF "exhibit_agent_info{version=\"$version\",agent_id=\"$(js agent_id)\",server=\"$URL\"} 1" "$TF" &&
    ok "textfile: exhibit_agent_info with version, agent id and server" ||
    not_ok "textfile: $(grep info "$TF")"
grep -q "^exhibit_agent_spool_oldest_timestamp_seconds\|^exhibit_agent_next_collection" "$TF" &&
    not_ok "textfile: an unknown time reported: $(cat "$TF")" ||
    ok "textfile: unknown times (oldest spooled, next collection) left out"
# Every sample has its # TYPE line: a textfile the collector would refuse
# hides every other metric of the file.
bad=$(awk '/^# TYPE/ {t[$3] = 1; next} /^#/ {next} {n = $1; sub(/\{.*/, "", n); if (!t[n]) print n}' "$TF")
[[ -z $bad ]] && ok "textfile: every sample typed" || not_ok "untyped: $bad"

# --- the daemon away --------------------------------------------------------
daemon_stop
run ag run --once
expect_rc 1 "run --once with the daemon away fails"
run ag status --json
[[ $(js spool_count) == 1 && -n $(js spool_oldest) && $(js spool_oldest) != null &&
    $(js last_push_result) != ok && $(epoch "$(js last_push_ok)") == "$ok_t" ]] &&
    ok "status: one envelope waits, the failure shown, the last success kept ($(js last_push_result))" ||
    not_ok "status: $out"
[[ $(gauge exhibit_agent_spool_items) == 1 &&
    $(gauge exhibit_agent_spool_oldest_timestamp_seconds) == "$(epoch "$(js spool_oldest)")" &&
    $(gauge exhibit_agent_last_push_success_timestamp_seconds) == "$ok_t" ]] &&
    ok "textfile: spool 1, its age, the last success unchanged" || not_ok "textfile: $(cat "$TF")"

# --- status --textfile by hand ----------------------------------------------
run ag status --textfile "$TMP/textfile/manual.prom"
[[ $rc == 0 && -z $out && -f $TMP/textfile/manual.prom ]] &&
    ok "status --textfile: written, nothing printed" || not_ok "status --textfile: rc $rc, out '$out'"
diff -q "$TF" "$TMP/textfile/manual.prom" >/dev/null &&
    ok "status --textfile writes what run wrote" ||
    not_ok "$(diff "$TF" "$TMP/textfile/manual.prom")"
[[ $(ls -A "$TMP/textfile" | grep -vc '\.prom$') == 0 ]] &&
    ok "no temporary file left beside the textfiles" || not_ok "left: $(ls -A "$TMP/textfile")"
run ag status --json --textfile "$TMP/textfile/manual.prom"
[[ $rc == 0 && $(js spool_count) == 1 ]] && ok "status --json --textfile prints too" ||
    not_ok "status --json --textfile: rc $rc"
run ag status --textfile "$TMP/nowhere/x.prom"
expect_rc 1 "status --textfile into a missing directory fails"
expect_in err "nowhere/x.prom" "and names the file"

# --- the service: its next collection --------------------------------------
daemon_start "$TMP/daemon.log" || exit 1
# Not through ag(): $! must be the agent's pid, not a subshell's.
"$AGENT" -f "$TMP/agent.conf" run >"$TMP/agent.log" 2>&1 &
APID=$!
PIDS+=("$APID")
wait_for_line "$TMP/agent.log" "push: 2 stored" 20
sleep 0.2
run ag status --json
nc=$(js next_collection)
now=$(date +%s)
[[ -n $nc && $nc != null ]] && (($(epoch "$nc") > now + 3500 && $(epoch "$nc") <= now + 3600)) &&
    ok "status: the running service's next collection, an hour on ($nc)" ||
    not_ok "next_collection '$nc' (now $now)"
[[ $(gauge exhibit_agent_next_collection_timestamp_seconds) == "$(epoch "$nc")" &&
    $(gauge exhibit_agent_spool_items) == 0 ]] &&
    ok "textfile: next collection, spool drained" || not_ok "textfile: $(cat "$TF")"
kill -TERM "$APID"
wait "$APID"
arc=$?
run ag status --json
[[ $arc == 0 && $(js next_collection) == null ]] &&
    ok "stopped: no next collection claimed" || not_ok "agent exit $arc, next_collection $(js next_collection)"
grep -q "^exhibit_agent_next_collection" "$TF" && not_ok "textfile still has a next collection" ||
    ok "textfile: no next collection after the stop"

daemon_stop
finish
