#!/usr/bin/env bash
# Ingest rate on PostgreSQL against SQLite, in one run: bench-ingest's
# 4 KB and 64 KB phases with one exhibitd on SQLite, one on PostgreSQL,
# and two on PostgreSQL at once (two bench-ingest processes, each with
# its own daemon and agents, one database: their rates add up), in a
# throwaway cluster with fsync on.  Then PostgreSQL's own commit latency
# (pgbench: one client, one one-row INSERT per transaction), which
# bounds a batch's acknowledgement.  Prints figures, asserts nothing.
#
#   tests/bench/bench-pg.sh BUILD [SECONDS]
set -euo pipefail

build=$(cd "${1:?usage: bench-pg.sh BUILD [SECONDS]}" && pwd)
secs=${2:-${BENCH_SECONDS:-5}}
src=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d -u "${TMPDIR:-/tmp}/exhibit-bench-pg.XXXXXX")
out=$(mktemp -d "${TMPDIR:-/tmp}/exhibit-bench-out.XXXXXX")
trap '"$src/tests/pg/pg-cluster.sh" stop "$dir"; rm -rf "$out"' EXIT
export FREEPORT=$build/tests/tools/freeport
conn=$("$src/tests/pg/pg-cluster.sh" start "$dir")
reset() {
	psql -XAtq "$conn" -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
}
bench() { "$build/tests/bench/bench-ingest" -s "$secs" -a 50 -c 100 -i 200 \
    "$build/exhibitd" "$build/exhibitctl"; }
rates() { grep -E '^(4|64) KB documents' "$1" | sed 's/  */ /g'; }

echo "bench-pg: $secs s per phase, 50 agents and 100 connections per daemon; PostgreSQL at $conn"
bench >"$out/sqlite" 2>&1
echo "one exhibitd on SQLite:"
rates "$out/sqlite"
reset
BENCH_PG=$conn bench >"$out/pg1" 2>&1
echo "one exhibitd on PostgreSQL:"
rates "$out/pg1"
reset
BENCH_PG=$conn bench >"$out/pg2a" 2>&1 &
a=$!
BENCH_PG=$conn bench >"$out/pg2b" 2>&1 &
b=$!
wait "$a" "$b"
echo "two exhibitd on PostgreSQL at once (each, then the sum):"
rates "$out/pg2a"
rates "$out/pg2b"
for kb in 4 64; do
	cat "$out/pg2a" "$out/pg2b" | awk -v kb="$kb" '$1 == kb && $2 == "KB" { s += $5 } END { printf "  sum %s KB: %.1f envelopes/s\n", kb, s }'
done
psql -XAtq "$conn" -c "CREATE TABLE commit_probe (n int)"
printf 'INSERT INTO commit_probe VALUES (1);\n' >"$out/probe.sql"
lat=$("$bindir/pgbench" -n -c 1 -t 500 -f "$out/probe.sql" "$conn" 2>/dev/null |
    sed -n 's/^latency average = //p')
echo "PostgreSQL commit latency (fsync on, one-row INSERT per transaction): $lat"
