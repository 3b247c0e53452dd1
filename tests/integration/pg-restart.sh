#!/bin/bash
# PostgreSQL restarted (as after a crash) while an agent pushes: nothing
# exhibitd acknowledged is lost, the daemon reconnects by itself, and
# ingest resumes.  Needs the throwaway cluster of tests/pg/run-tests.sh
# (EXHIBIT_TEST_PG and EXHIBIT_TEST_PG_DIR); skipped without it.
. "$top_srcdir/tests/integration/lib.sh"

if [[ -z ${EXHIBIT_TEST_PG:-} || -z ${EXHIBIT_TEST_PG_DIR:-} ]]; then
	echo "skipped: needs tests/pg/run-tests.sh's cluster"
	exit 77
fi
T=$top_builddir/tests/tools
DOCS=40

daemon_setup "$TMP" || exit 1
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
daemon_stop
[[ $drc == 0 ]] && ok "exhibitd stops cleanly" || not_ok "exit $drc"
finish
