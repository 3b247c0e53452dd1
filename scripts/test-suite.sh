#!/usr/bin/env bash
# The README's second command: install what is missing, then build and run
# the whole test suite several ways.  .ci/run calls this and nothing else.
#
#   1. gcc, --enable-debug (warnings are errors, optimised as released):
#      make check, then the unit tests again under valgrind
#   1c. build 1's tests that touch the store (the store unit tests and
#      every integration test that runs exhibitd or exhibitctl) again on
#      PostgreSQL, in a throwaway cluster, each test in a database of its
#      own, two at a time (tests/pg/run-tests.sh)
#   2. clang, --enable-debug --enable-sanitizers (ASan + UBSan) and
#      --enable-fuzzing (the same objects carry libFuzzer's coverage
#      instrumentation, which costs the tests nothing measurable and
#      spares a third clang build): make check
#   2b. clang with ThreadSanitizer: the daemon's tests (worker and sync
#      threads beside the event loop)
#   3. build 2's libFuzzer harnesses, each for a short while, two at a
#      time
#   4. the Debian packages: "make dist", the tarball unpacked and built
#      from scratch with dpkg-buildpackage (that the release tarball
#      builds, which "make distcheck" proved; the tests are not run a
#      third time, which made distcheck cost ~2.8 min), both packages
#      installed on this machine, checked and purged: about a minute
#      (scripts/package-test.sh; CI runs as root on a throwaway machine).
#      "make distcheck" still works for developers.
#   5. the benchmarks in tests/bench on build 1 (figures printed, nothing
#      asserted), with shorter phases and fewer runs than make bench's
#      defaults: every figure, in about half the time
#
# Builds go to _build/ under the source tree; FUZZ_SECONDS
# sets how long each fuzzer runs (default 6).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
jobs=${JOBS:-2}
fuzz_seconds=${FUZZ_SECONDS:-6}

bash scripts/install-deps.sh
autoreconf -fi

# Show each test's own output (the cmocka summaries among it) and keep a
# running total across builds.
total_pass=0
total_fail=0
report() {
	local build=$1 log p f
	for log in $(find "$build/tests" -name '*.log' ! -name test-suite.log | sort); do
		echo "----- ${log#"$src/"}"
		cat "$log"
	done
	p=$(sed -n 's/^# PASS: *//p' "$build/test-suite.log")
	f=$(sed -n 's/^# FAIL: *//p' "$build/test-suite.log")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

# configure_build DIR CONFIGURE-ARGS...
configure_build() {
	local dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$src/configure" --quiet "$@")
	make -C "$dir" -j"$jobs"
}

echo "=== 1. gcc, strict warnings ($(date +%T))"
configure_build "$src/_build/gcc" CC=gcc --enable-debug
make -C "$src/_build/gcc" -j"$jobs" check VERBOSE=1
report "$src/_build/gcc"

echo "=== 1b. unit tests under valgrind ($(date +%T))"
EXHIBIT_TEST_QUICK=1 make -C "$src/_build/gcc" -j"$jobs" check TESTS='$(UNIT_TESTS)' VERBOSE=1 \
	LOG_COMPILER="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-fds=no"
report "$src/_build/gcc"

echo "=== 1c. the store on PostgreSQL ($(date +%T))"
# EXHIBIT_TEST_QUICK: pipeline.sh's bursts of 100 envelopes in place of
# 500 (a minute less); build 1 has pushed the 500 on SQLite.
EXHIBIT_TEST_QUICK=1 JOBS=$jobs bash "$src/tests/pg/run-tests.sh" "$src/_build/gcc"
report "$src/_build/gcc"

echo "=== 2. clang, AddressSanitizer + UndefinedBehaviorSanitizer ($(date +%T))"
configure_build "$src/_build/asan" CC=clang --enable-debug --enable-sanitizers \
	--enable-fuzzing
# EXHIBIT_TEST_QUICK: the 20,000-file walk limits and the 1,000 openssl
# cross-checks prove behaviour, which build 1 has done; here they would only
# cost minutes.
EXHIBIT_TEST_QUICK=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	make -C "$src/_build/asan" -j"$jobs" check VERBOSE=1
report "$src/_build/asan"

echo "=== 2b. clang, ThreadSanitizer: the daemon's threads ($(date +%T))"
configure_build "$src/_build/tsan" CC=clang CFLAGS="-O1 -g -fsanitize=thread" \
	LDFLAGS=-fsanitize=thread
# check_PROGRAMS: only the tools those tests use, not every unit test.
EXHIBIT_TEST_QUICK=1 TSAN_OPTIONS=halt_on_error=1 \
	make -C "$src/_build/tsan" -j"$jobs" check VERBOSE=1 \
	TESTS='tests/integration/http-ingest.sh tests/integration/pipeline.sh' \
	check_PROGRAMS='$(TEST_TOOLS)'
report "$src/_build/tsan"

echo "=== 3. libFuzzer harnesses, ${fuzz_seconds}s each, $jobs at a time ($(date +%T))"
JOBS=$jobs bash "$src/fuzz/run-fuzzers.sh" "$src/_build/asan" "$fuzz_seconds"

echo "=== 4. Debian packages from the release tarball ($(date +%T))"
JOBS=$jobs bash "$src/scripts/package-test.sh" "$src/_build/gcc"

echo "=== 5. benchmarks ($(date +%T))"
# Phases of 2 s (bench-ingest's two, bench-drift's fixed rate), 300
# drift events, 300 rule-pack evaluations per document and an export of
# 1000 envelopes: figures a little noisier, the whole stage ~40 s less.
BENCH_SECONDS=${BENCH_SECONDS:-2} make -C "$src/_build/gcc" bench \
	BENCH_RUNS="${BENCH_RUNS:-10}" BENCH_DRIFT_EVENTS=300 \
	BENCH_RULES_RUNS=300 BENCH_EXPORT_N=1000

echo "=== all builds and tests done ($(date +%T))"
echo "suite: $total_pass passed, $total_fail failed"
