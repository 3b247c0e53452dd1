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
