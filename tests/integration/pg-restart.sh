#!/bin/bash
# PostgreSQL restarted (as after a crash) while an agent pushes: nothing
# exhibitd acknowledged is lost, the daemon reconnects by itself, and
# ingest resumes.  Then a server that stops answering (connections
# accepted, nothing said: tests/tools/pg-proxy.py in front of it): the
# daemon keeps answering at once, with 503 where it needs the store,
# reconnects once the server is back, and stops promptly even while a
# connection attempt hangs.  Needs the throwaway cluster of
# tests/pg/run-tests.sh (EXHIBIT_TEST_PG and EXHIBIT_TEST_PG_DIR);
# skipped without it.
. "$top_srcdir/tests/integration/lib.sh"

if [[ -z ${EXHIBIT_TEST_PG:-} || -z ${EXHIBIT_TEST_PG_DIR:-} ]]; then
	echo "skipped: needs tests/pg/run-tests.sh's cluster"
	exit 77
fi
T=$top_builddir/tests/tools
DOCS=40

# The daemon reaches PostgreSQL through the proxy.
PGPORT_REAL=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$EXHIBIT_TEST_PG")
PROXY_PORT=$("$T/freeport")
python3 "$top_srcdir/tests/tools/pg-proxy.py" "$PROXY_PORT" 127.0.0.1 "$PGPORT_REAL" \
    >"$TMP/proxy.out" 2>&1 &
PROXY=$!
PIDS+=("$PROXY")
wait_for_line "$TMP/proxy.out" listening 5 || { not_ok "the proxy starts"; finish; exit 1; }
daemon_setup "$TMP" || exit 1
sed -i "s/^connection = \(.*\)port=$PGPORT_REAL/connection = \1port=$PROXY_PORT/" "$DCONF"
grep -q "port=$PROXY_PORT" "$DCONF" || { not_ok "the daemon's connection goes through the proxy"; finish; exit 1; }
daemon_start "$TMP/daemon.log" || exit 1

post() { # post PATH FILE [CURL-ARGS...]: $status, $body
	local path=$1 file=$2
	shift 2
	status=$(curl -s -m 20 -o "$TMP/body" -w '%{http_code}' --cacert "$CA" \
	    -H "Content-Type: ${CT:-application/json}" --data-binary "@$file" "$@" \
	    "$URL$path")
	body=$(cat "$TMP/body" 2>/dev/null)
}
openssl genpkey -algorithm ed25519 -out "$TMP/a.key" 2>/dev/null
openssl pkey -in "$TMP/a.key" -pubout -out "$TMP/a.pub"
printf '{"token":"%s","public_key":"%s","hostname":"a","machine_id":"m-a"}' \
    "$(enroll_token 1)" "$(awk '{printf "%s\\n", $0}' "$TMP/a.pub")" >"$TMP/a.enroll"
post /v1/enroll "$TMP/a.enroll"
A=$(grep -o '"agent_id":"ag_[a-z0-9]*"' <<<"$body" | cut -d'"' -f4)
printf '%b' "$(grep -o '"certificate":"[^"]*"' <<<"$body" | cut -d'"' -f4)" >"$TMP/a.pem"
[[ -n $A ]] && ok "agent enrolled" || not_ok "enroll: $status $body"

push() { # push SEQ: $status
	local body dig
	if [[ ! -f $TMP/e$1 ]]; then
		body="{\"sources\":[],\"data\":{\"n\":$1}}"
		dig=$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)
		printf '{"schema":"exhibit.evidence/1","agent_id":"%s","seq":%s,"collected_at":"%s","agent_version":"t","host":{"hostname":"a","machine_id":"m-a"},"sections":{"sshd":{"digest":"sha256:%s",%s},"errors":[]}' \
		    "$A" "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$dig" "${body:1}" >"$TMP/d$1"
		"$T/sign-envelope" "$TMP/a.key" "$TMP/d$1" >"$TMP/e$1"
	fi
	CT=application/vnd.dsse.envelope+json post /v1/evidence "$TMP/e$1" \
	    --cert "$TMP/a.pem" --key "$TMP/a.key"
}

# The agent pushes in the background, noting each answer; the database
# restarts a third of the way.
: >"$TMP/answers"
(
	for ((seq = 1; seq <= DOCS; seq++)); do
		push "$seq"
		echo "$seq $status" >>"$TMP/answers"
	done
) &
loader=$!
for ((i = 0; i < 300; i++)); do
	(($(wc -l <"$TMP/answers") >= DOCS / 3)) && break
	sleep 0.1
done
"$top_srcdir/tests/pg/pg-cluster.sh" restart "$EXHIBIT_TEST_PG_DIR" &&
    ok "PostgreSQL restarted (immediate) during the pushes" || not_ok "pg_ctl restart failed"
wait "$loader"
acked=$(awk '$2 == 201 || $2 == 200 { print $1 }' "$TMP/answers")
refused=$(awk '$2 != 201 && $2 != 200 { print $1 }' "$TMP/answers")
echo "# $(wc -w <<<"$acked") acknowledged, refused: ${refused:-none}"
stored=$(sql "SELECT seq FROM evidence WHERE agent_id = '$A' ORDER BY seq")
lost=$(comm -23 <(sort <<<"$acked") <(sort <<<"$stored"))
[[ -n $acked && -z $lost ]] && ok "every acknowledged document is stored ($(wc -w <<<"$acked"))" ||
    not_ok "acknowledged but not stored: ${lost:-nothing acknowledged}"
# The agent retries what was refused (its spool would): all goes in.
bad=0
for seq in $refused; do
	for ((i = 0; i < 20; i++)); do
		push "$seq"
		[[ $status == 201 || $status == 200 ]] && break
		sleep 0.5
	done
	[[ $status == 201 || $status == 200 ]] || bad=$((bad + 1))
done
[[ $bad == 0 && $(sql "SELECT count(DISTINCT seq) FROM evidence WHERE agent_id = '$A'") == "$DOCS" ]] &&
    ok "ingest resumes: all $DOCS documents stored, each once" ||
    not_ok "$bad retries refused; stored $(sql "SELECT count(*) FROM evidence")"
# Checked once the retries are in: exhibitd reconnects when a request
# needs the store, and every push of the loader may have come while the
# server was still replaying its WAL (the longer the more tests ran
# before on the cluster).
grep -q "reconnected to PostgreSQL" "$TMP/daemon.log" && ok "exhibitd reconnected by itself" ||
    not_ok "no reconnection in the log: $(grep -i postgres "$TMP/daemon.log" | tail -3)"
[[ $(sql "SELECT count(*) || ' ' || coalesce(max(idx) + 1, 0) FROM ledger_leaves") == "$DOCS $DOCS" ]] &&
    ok "the ledger is dense after the restart" || not_ok "leaves: $(sql "SELECT count(*) || ' ' || max(idx) FROM ledger_leaves")"

# A server that accepts connections and never answers.  Every request
# is answered within two seconds all the same (503 where the store is
# needed): the loop never waits on a connection attempt.
kill -USR1 "$PROXY"
slow=0 busy=0
for ((i = 1; i <= 8; i++)); do
	t0=$(date +%s%N)
	push $((DOCS + 1))
	t1=$(date +%s%N)
	curl -s -m 10 -o /dev/null --cacert "$CA" "$URL/healthz"
	t2=$(date +%s%N)
	(((t1 - t0) > 2000000000 || (t2 - t1) > 2000000000)) && slow=$((slow + 1))
	# push() keeps post()'s body local: the answer is in the file.
	[[ $status == 503 ]] && grep -q '"error":"busy"' "$TMP/body" && busy=$((busy + 1))
	sleep 0.5
done
[[ $slow == 0 ]] && ok "the database hanging, every request is answered within 2 s" ||
    not_ok "$slow of 8 rounds took over 2 s"
[[ $busy -ge 7 ]] && ok "pushes meanwhile get 503 busy ($busy of 8)" || not_ok "only $busy of 8 pushes got 503 busy; last: $status $(cat "$TMP/body")"
grep -q "reconnecting in the background" "$TMP/daemon.log" && ok "the reconnection runs in the background" ||
    not_ok "no background reconnection in the log"
kill -USR2 "$PROXY"
for ((i = 0; i < 40; i++)); do
	push $((DOCS + 1))
	[[ $status == 201 ]] && break
	sleep 0.5
done
[[ $status == 201 ]] && ok "once the server answers again, ingest resumes" || not_ok "push after the hang: $status $(cat "$TMP/body")"

# Stopping while a connection attempt hangs does not wait for it.
kill -USR1 "$PROXY"
push $((DOCS + 2))
t0=$(date +%s)
daemon_stop
[[ $drc == 0 && $(($(date +%s) - t0)) -le 5 ]] && ok "exhibitd stops cleanly, promptly, even then" ||
    not_ok "exit $drc after $(($(date +%s) - t0)) s"
finish
