# Shared helpers for shell tests run by "make check".  Each test sources
# this file, calls check/expect_* and ends with "finish".
set -u

: "${top_builddir:?run through make check}" "${top_srcdir:?run through make check}"
passed=0
failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exhibit-test.XXXXXX")
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

# run CMD...: run it, keeping status in $rc, stdout in $out, stderr in $err.
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

# expect_rc N DESC
expect_rc() {
	if [[ $rc -eq $1 ]]; then ok "$2 (exit $rc)"; else
		not_ok "$2: exit $rc, expected $1"
		sed 's/^/    stderr: /' "$TMP/err" | head -20
	fi
}

# expect_in WHERE TEXT DESC: WHERE is "out" or "err"; fixed-string match.
expect_in() {
	local text
	if [[ $1 == out ]]; then text=$out; else text=$err; fi
	if grep -qF -- "$2" <<<"$text"; then ok "$3"; else
		not_ok "$3: \"$2\" not in std$1"
		sed "s/^/    std$1: /" <<<"$text" | head -20
	fi
}

# wait_for_line FILE TEXT SECONDS: poll FILE until it holds TEXT.
wait_for_line() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

finish() {
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}

# --- a daemon on 127.0.0.1 with a fresh state directory -----------------

# With EXHIBIT_TEST_PG set to a libpq connection string in keyword=value
# form (tests/pg/pg-cluster.sh prints one; its user may create
# databases), daemons store in PostgreSQL, in a database of the test's
# own named after it (it_ and the script's name), so that tests can run
# in parallel on one server: EXHIBIT_TEST_PG is rewritten to name it (a
# later dbname= overrides the first).  store_reset makes it afresh.
if [[ -n ${EXHIBIT_TEST_PG:-} ]]; then
	PG_SERVER=$EXHIBIT_TEST_PG
	PG_DB=$(basename "$0" .sh)
	PG_DB=it_${PG_DB//[^a-z0-9]/_}
	EXHIBIT_TEST_PG="$PG_SERVER dbname=$PG_DB"
fi

# store_reset: an empty test database (nothing to do on SQLite, whose
# store is in the fresh state directory).
store_reset() {
	[[ -n ${EXHIBIT_TEST_PG:-} ]] || return 0
	# Two commands: DROP and CREATE DATABASE refuse a transaction block.
	# FORCE: a daemon killed a moment ago may still be connected.
	PGOPTIONS='-c client_min_messages=warning' psql -XAtq "$PG_SERVER" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" \
	    -c "CREATE DATABASE $PG_DB" ||
	    { echo "cannot make the test database $PG_DB"; return 1; }
}

store_conf() {
	[[ -n ${EXHIBIT_TEST_PG:-} ]] || return 0
	printf '[store]\nbackend = postgresql\nconnection = %s\n' "$EXHIBIT_TEST_PG"
}

# daemon_setup DIR [EXTRA-CONF-LINES]: config, exhibitctl init, a free port.
# Sets DCONF, DSTATE, PORT, URL, CA.
daemon_setup() {
	DSTATE=$1/state
	DCONF=$1/exhibitd.conf
	PORT=$("$top_builddir/tests/tools/freeport")
	URL=https://127.0.0.1:$PORT
	CA=$DSTATE/ca.pem
	store_reset || return 1
	# [server] last: tests append lines for it.
	{ printf '[daemon]\nstate_dir = %s\nlog = stderr\n[rules]\ndirectory = %s\n' \
	    "$DSTATE" "$top_srcdir/conf/rules"; store_conf
	  printf '[server]\nlisten = 127.0.0.1:%s\n%b' "$PORT" "${2:-}"; } >"$DCONF"
	"$top_builddir/exhibitctl" -f "$DCONF" init >"$1/init.out" 2>&1 ||
	    { cat "$1/init.out"; return 1; }
}

# daemon_start LOG: start exhibitd on DCONF, wait until /healthz answers.
# Sets DPID.
daemon_start() {
	local i
	DLOG=$1
	"$top_builddir/exhibitd" -v -f "$DCONF" >>"$1" 2>&1 &
	DPID=$!
	PIDS+=("$DPID")
	for ((i = 0; i < 100; i++)); do
		curl -sf --cacert "$CA" "$URL/healthz" >/dev/null 2>&1 && return 0
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	echo "exhibitd did not start:"; cat "$1"
	return 1
}

# daemon_stop: SIGTERM, and the exit status in $drc.  A sanitizer's
# report in the daemon's log (leaks are reported at exit) fails the test.
daemon_stop() {
	kill -TERM "$DPID"
	daemon_wait
}

# daemon_wait: wait for a daemon already told to stop.
daemon_wait() {
	wait "$DPID"
	drc=$?
	if grep -qE "ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer|runtime error:" "$DLOG"; then
		not_ok "exhibitd under the sanitizers"
		grep -A40 -E "Sanitizer|runtime error:" "$DLOG" | head -80
	fi
}

# sql QUERY: one value from the daemon's database (SQL both SQLite and
# PostgreSQL understand; booleans as CAST(... AS INTEGER)).
sql() {
	if [[ -n ${EXHIBIT_TEST_PG:-} ]]; then
		psql -XAtq "$EXHIBIT_TEST_PG" -c "$1"
	else
		sqlite3 "$DSTATE/exhibit.db" "$1"
	fi
}

# store_dump STATE-DIR: everything the store holds, to search for what
# must not be there.
store_dump() {
	if [[ -n ${EXHIBIT_TEST_PG:-} ]]; then
		pg_dump --data-only "$EXHIBIT_TEST_PG"
	else
		cat "$1/exhibit.db"
	fi
}

# sql_hex COLUMN FROM: a blob column of the first row of "FROM", as
# lowercase hex.
sql_hex() {
	if [[ -n ${EXHIBIT_TEST_PG:-} ]]; then
		sql "SELECT encode($1, 'hex') FROM $2 LIMIT 1"
	else
		sql "SELECT lower(hex($1)) FROM $2 LIMIT 1"
	fi
}

# enroll_token USES: a new enrollment token's text.
enroll_token() {
	"$top_builddir/exhibitctl" -f "$DCONF" token create --role enroll \
	    --uses "$1" | grep -o 'exh_[A-Za-z0-9_-]*' | head -1
}

# --- a real agent on a fixture root ----------------------------------------

# root FIXTURE: $TMP/root becomes that fixture with the debian12-hardened
# host's identity, so switching fixtures is the same host reconfigured.
root() {
	local fix=$top_srcdir/tests/fixtures
	rm -rf "$TMP/root"
	cp -a "$fix/$1" "$TMP/root"
	cp "$fix/debian12-hardened/etc/hostname" \
	    "$fix/debian12-hardened/etc/machine-id" "$TMP/root/etc/"
}

# ag ARGS...: exhibit-agent on $TMP/root, its state in $TMP/a.
ag() { "$top_builddir/exhibit-agent" -f "$TMP/a.conf" "$@"; }

# agent_enroll: enroll ag with a one-use token (a test of its own); sets A.
agent_enroll() {
	printf '[agent]\nroot = %s\nstate_dir = %s\nlog = stderr\n' \
	    "$TMP/root" "$TMP/a" >"$TMP/a.conf"
	enroll_token 1 >"$TMP/tok"
	run ag enroll --server "$URL" --token-file "$TMP/tok" --ca-file "$CA"
	expect_rc 0 "the agent enrolls"
	A=$(ag status --json | grep -o '"agent_id": *"ag_[a-z0-9]*"' | cut -d'"' -f4)
}
