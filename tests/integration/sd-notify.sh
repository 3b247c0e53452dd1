#!/bin/bash
# exhibitd and exhibit-agent run under a stand-in for systemd's notify
# socket (tests/tools/notify-listen): READY=1 once listening (the agent:
# once enrolled and its schedule armed), RELOADING=1 then READY=1 around
# SIGHUP, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM; all
# from the main process, as NotifyAccess=main requires.
. "$top_srcdir/tests/integration/lib.sh"

LISTEN=$top_builddir/tests/tools/notify-listen
AGENT=$top_builddir/exhibit-agent
NLOG=$TMP/notify.log

# listener SOCKET: start notify-listen on SOCKET, appending to $NLOG.
listener() {
	local i
	"$LISTEN" "$1" "$NLOG" &
	PIDS+=("$!")
	for ((i = 0; i < 50; i++)); do
		[[ -S $1 ]] && return 0
		sleep 0.1
	done
	not_ok "notify-listen did not bind $1"
	return 1
}

# line_of TEXT: the number of the first line of $NLOG holding TEXT, or 0.
line_of() { grep -nF -- "$1" "$NLOG" | head -1 | cut -d: -f1 | grep . || echo 0; }

daemon_setup "$TMP" || exit 1
listener "$TMP/notify" || exit 1

# --- exhibitd: ready, watchdog, reload, stop -----------------------------
: >"$NLOG"
export NOTIFY_SOCKET=$TMP/notify WATCHDOG_USEC=200000
daemon_start "$TMP/daemon.log" || exit 1
unset NOTIFY_SOCKET WATCHDOG_USEC
if wait_for_line "$NLOG" "READY=1" 5; then ok "exhibitd: READY=1"; else
	not_ok "exhibitd: no READY=1"; cat "$NLOG"; fi
grep -F "READY=1" "$NLOG" | head -1 | grep -qF "STATUS=serving on 127.0.0.1:$PORT; " &&
    ok "exhibitd: STATUS names the address it serves" ||
    not_ok "exhibitd: STATUS: $(grep -F READY=1 "$NLOG" | head -1)"
if wait_for_line "$NLOG" "WATCHDOG=1" 2; then sleep 0.5; fi
nwd=$(grep -cxF "pid=$DPID WATCHDOG=1" "$NLOG")
((nwd >= 3)) && ok "exhibitd: WATCHDOG=1 every 100 ms ($nwd in ~0.6 s)" ||
    not_ok "exhibitd: $nwd WATCHDOG=1 messages"
kill -HUP "$DPID"
wait_for_line "$TMP/daemon.log" "configuration reloaded" 10
sleep 0.2
rl=$(line_of "RELOADING=1|MONOTONIC_USEC=")
grep -qE "^pid=$DPID RELOADING=1\|MONOTONIC_USEC=[0-9]+$" "$NLOG" &&
    ok "exhibitd: RELOADING=1 with MONOTONIC_USEC on SIGHUP" ||
    not_ok "exhibitd: no RELOADING=1|MONOTONIC_USEC=N"
again=$(grep -nF "READY=1" "$NLOG" | sed -n 2p | cut -d: -f1)
[[ $rl -gt 0 && -n $again && $again -gt $rl ]] &&
    ok "exhibitd: READY=1 again after the reload" ||
    not_ok "exhibitd: READY=1 after RELOADING=1 (lines $rl, ${again:-none})"
daemon_stop
[[ $drc == 0 ]] && ok "exhibitd stopped cleanly" || not_ok "exhibitd exit $drc"
sleep 0.2
st=$(line_of "STOPPING=1")
rd=$(line_of "READY=1")
[[ $st -gt $rd && $rd -gt 0 ]] && ok "exhibitd: STOPPING=1 after READY=1" ||
    not_ok "exhibitd: READY=1 at line $rd, STOPPING=1 at line $st"
others=$(grep -vc "^pid=$DPID " "$NLOG")
[[ $others == 0 ]] && ok "exhibitd: every message from the main process" ||
    not_ok "exhibitd: $others message(s) from another pid"

# A watchdog meant for another process (WATCHDOG_PID) is not fed.
: >"$NLOG"
export NOTIFY_SOCKET=$TMP/notify WATCHDOG_USEC=200000 WATCHDOG_PID=1
daemon_start "$TMP/daemon.log" || exit 1
unset NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID
wait_for_line "$NLOG" "READY=1" 5
sleep 0.5
daemon_stop
grep -qF "WATCHDOG=1" "$NLOG" && not_ok "exhibitd fed another process's watchdog" ||
    ok "exhibitd: no WATCHDOG=1 when WATCHDOG_PID is not its pid"

# Nobody at NOTIFY_SOCKET: said in the log, and the daemon serves anyway.
export NOTIFY_SOCKET=$TMP/nobody
daemon_start "$TMP/daemon2.log" && ok "exhibitd serves with a dead NOTIFY_SOCKET" ||
    not_ok "exhibitd with a dead NOTIFY_SOCKET"
unset NOTIFY_SOCKET
grep -qF "sd_notify" "$TMP/daemon2.log" && ok "exhibitd logs the failed notification" ||
    not_ok "exhibitd says nothing of the failed notification"
daemon_stop

# No NOTIFY_SOCKET at all: silence (the earlier runs' logs are kept).
: >"$NLOG"
daemon_start "$TMP/daemon3.log" || exit 1
daemon_stop
[[ ! -s $NLOG ]] && ! grep -qF "sd_notify" "$TMP/daemon3.log" &&
    ok "exhibitd without NOTIFY_SOCKET sends and says nothing" ||
    not_ok "exhibitd without NOTIFY_SOCKET: $(cat "$NLOG")"

# --- exhibit-agent run ----------------------------------------------------
daemon_start "$TMP/daemon.log" || exit 1
enroll_token 1 >"$TMP/token"
printf '[agent]\nroot = %s\nstate_dir = %s\nlog = stderr\n[push]\ntimeout = 20s\n' \
    "$top_srcdir/tests/fixtures/debian12-hardened" "$TMP/agent" >"$TMP/agent.conf"
run "$AGENT" -f "$TMP/agent.conf" enroll --server "$URL" --token-file "$TMP/token" --ca-file "$CA"
expect_rc 0 "the agent enrolls"
: >"$NLOG"
NOTIFY_SOCKET=$TMP/notify WATCHDOG_USEC=400000 \
    "$AGENT" -f "$TMP/agent.conf" run >"$TMP/agent.log" 2>&1 &
APID=$!
PIDS+=("$APID")
if wait_for_line "$NLOG" "READY=1" 10; then ok "agent: READY=1"; else
	not_ok "agent: no READY=1"; cat "$TMP/agent.log"; fi
grep -F "READY=1" "$NLOG" | head -1 | grep -qF "STATUS=pushing to $URL; next collection " &&
    ok "agent: STATUS names the daemon and the next collection" ||
    not_ok "agent: STATUS: $(grep -F READY=1 "$NLOG" | head -1)"
# The first collection is pushed; then the agent sleeps an hour, waking
# for the watchdog.
wait_for_line "$TMP/agent.log" "push: 1 stored" 20
wait_for_line "$NLOG" "0 envelope(s) waiting" 5 &&
    ok "agent: STATUS follows the spool" || not_ok "agent: STATUS after the push: $(tail -1 "$NLOG")"
sleep 1
nwd=$(grep -cxF "pid=$APID WATCHDOG=1" "$NLOG")
((nwd >= 3)) && ok "agent: WATCHDOG=1 while it sleeps ($nwd)" ||
    not_ok "agent: $nwd WATCHDOG=1 messages"
kill -TERM "$APID"
wait "$APID"
arc=$?
[[ $arc == 0 ]] && ok "agent stops cleanly on SIGTERM" || not_ok "agent exit $arc"
st=$(line_of "STOPPING=1")
rd=$(line_of "READY=1")
[[ $st -gt $rd && $rd -gt 0 ]] && ok "agent: STOPPING=1 after READY=1" ||
    not_ok "agent: READY=1 at line $rd, STOPPING=1 at line $st"
others=$(grep -vc "^pid=$APID " "$NLOG")
[[ $others == 0 ]] && ok "agent: every message from the main process" ||
    not_ok "agent: $others message(s) from another pid"
daemon_stop

finish
