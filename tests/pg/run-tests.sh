#!/usr/bin/env bash
# The store's tests on PostgreSQL: start a throwaway cluster, run the
# store unit tests and the integration tests that exercise the store
# through the daemon (ingest, rules and findings, drift, alerts, metrics,
# two instances, a database restart) against it with make check in
# BUILD, and stop the cluster whatever happens.  One test at a time:
# each starts from an empty database.
# About two minutes, for CI; pipeline.sh (90 s), ledger.sh (50 s) and
# tests/unit/test-alerts (25 s) pass too, named as TESTS:
#
#   tests/pg/run-tests.sh BUILD [TESTS...]
#   tests/pg/run-tests.sh _build/gcc tests/integration/ledger.sh
set -euo pipefail

build=$(cd "${1:?usage: run-tests.sh BUILD [TESTS...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
tests=${*:-tests/unit/test-store tests/unit/test-alerts-store \
tests/unit/test-ledger-store tests/unit/test-ingest \
tests/integration/http-ingest.sh tests/integration/rules-api.sh \
tests/integration/drift.sh tests/integration/alerts.sh \
tests/integration/metrics.sh tests/integration/multi-instance.sh \
tests/integration/pg-restart.sh}

grep -q '^#define HAVE_POSTGRESQL 1' "$build/config.h" ||
    { echo "run-tests: $build was configured without PostgreSQL" >&2; exit 1; }
dir=$(mktemp -d -u "${TMPDIR:-/tmp}/exhibit-pg.XXXXXX")
trap '"$here/pg-cluster.sh" stop "$dir"' EXIT
FREEPORT=$build/tests/tools/freeport
[[ -x $FREEPORT ]] || make -C "$build" tests/tools/freeport >/dev/null
export FREEPORT
conn=$("$here/pg-cluster.sh" start "$dir")
echo "run-tests: PostgreSQL at $conn"
# pg-restart.sh restarts the cluster in $EXHIBIT_TEST_PG_DIR.
make -C "$build" -j1 check VERBOSE=1 TESTS="$tests" EXHIBIT_TEST_PG="$conn" \
    EXHIBIT_TEST_PG_DIR="$dir"
