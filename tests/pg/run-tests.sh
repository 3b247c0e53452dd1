#!/usr/bin/env bash
# Every test that touches the daemon's store, on PostgreSQL: start a
# throwaway cluster, run with make check in BUILD the store unit tests
# and every integration test that runs exhibitd or exhibitctl on a store
# against it, and stop the cluster whatever happens.  The same tests run
# on SQLite in a plain make check: together they are issue #9's "the
# same test suite runs against both backends".  Left out: the tests that
# never open the store (the collectors, the rules engine, the agent's
# spool, systemd-units.sh...).
#
# Each test works in a database of its own (tests/integration/lib.sh,
# tests/unit/teststore.c), so they run JOBS at a time (default 2), the
# longest first; pg-restart.sh restarts the whole cluster, so it runs
# alone afterwards.  About three minutes on two cores as CI's stage 1c
# runs it (EXHIBIT_TEST_QUICK=1: pipeline.sh's bursts of 100 envelopes).
#
#   tests/pg/run-tests.sh BUILD [TESTS...]
#   tests/pg/run-tests.sh _build/gcc tests/integration/ledger.sh
set -euo pipefail

build=$(cd "${1:?usage: run-tests.sh BUILD [TESTS...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
jobs=${JOBS:-2}
if (($#)); then
	tests=("$@")
else
	# The longest first, so that the last to start are short ones.
	tests=(tests/integration/pipeline.sh tests/integration/ledger.sh
	    tests/integration/multi-instance.sh tests/integration/fieldwork.sh
	    tests/integration/drift.sh tests/integration/http-ingest.sh
	    tests/integration/export.sh tests/integration/report.sh
	    tests/integration/rules-api.sh tests/integration/alerts.sh
	    tests/integration/sd-notify.sh tests/integration/metrics.sh
	    tests/integration/agent-status.sh tests/integration/cli-programs.sh
	    tests/integration/cli-ctl.sh tests/unit/test-alerts
	    tests/unit/test-ingest tests/unit/test-ledger-store
	    tests/unit/test-store tests/unit/test-alerts-store
	    tests/integration/pg-restart.sh)
fi
parallel=()
alone=()
for t in "${tests[@]}"; do
	if [[ $t == */pg-restart.sh ]]; then alone+=("$t.log"); else parallel+=("$t"); fi
done

grep -q '^#define HAVE_POSTGRESQL 1' "$build/config.h" ||
    { echo "run-tests: $build was configured without PostgreSQL" >&2; exit 1; }
dir=$(mktemp -d -u "${TMPDIR:-/tmp}/exhibit-pg.XXXXXX")
trap '"$here/pg-cluster.sh" stop "$dir"' EXIT
FREEPORT=$build/tests/tools/freeport
[[ -x $FREEPORT ]] || make -C "$build" tests/tools/freeport >/dev/null
export FREEPORT
conn=$("$here/pg-cluster.sh" start "$dir")
echo "run-tests: PostgreSQL at $conn"
pgcheck() {
	make -C "$build" check VERBOSE=1 EXHIBIT_TEST_PG="$conn" \
	    EXHIBIT_TEST_PG_DIR="$dir" "$@"
}
# A failure here is in its test's log, which the summary below counts.
batch=0
if ((${#parallel[@]})); then
	pgcheck -j"$jobs" TESTS="${parallel[*]}" || batch=$?
fi
# Every test named again, but RECHECK_LOGS empties only the logs of the
# ones left to run (pg-restart.sh, which restarts the cluster in
# $EXHIBIT_TEST_PG_DIR): make runs those alone, then writes one
# test-suite.log for them all (scripts/test-suite.sh counts its totals).
pgcheck -j1 TESTS="${tests[*]}" RECHECK_LOGS="${alone[*]}"
exit "$batch"
