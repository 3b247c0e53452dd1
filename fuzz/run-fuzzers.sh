#!/usr/bin/env bash
# Run every libFuzzer harness built under fuzz/ for a short while each,
# JOBS of them at a time (default 2: libFuzzer keeps to one core).
# usage: fuzz/run-fuzzers.sh BUILDDIR SECONDS
set -euo pipefail
builddir=${1:?usage: run-fuzzers.sh BUILDDIR SECONDS}
secs=${2:-20}
jobs=${JOBS:-2}

# run_one HARNESS: its verdict is its exit status; its report is printed
# whole when it ends, so that reports of concurrent runs do not mix.
run_one() {
	local f=$1 name corpus rc=0
	name=$(basename "$f")
	corpus=$(mktemp -d)
	"$f" -max_total_time="$secs" -print_final_stats=0 \
	    -rss_limit_mb=2048 "$corpus" >"$builddir/$name.log" 2>&1 || rc=$?
	rm -rf "$corpus"
	if ((rc != 0)); then
		{ echo "fuzz: $name FAILED (exit $rc); last lines of its log:"
		  tail -40 "$builddir/$name.log"; }
		return 1
	fi
	echo "fuzz: $name, ${secs}s: $(grep -c . "$builddir/$name.log") log lines, $(tail -1 "$builddir/$name.log")"
}

status=0
running=0
for f in "$builddir"/fuzz/fuzz-*; do
	[[ -x $f && ! $f == *.o ]] || continue
	if ((running >= jobs)); then
		wait -n || status=1
		running=$((running - 1))
	fi
	run_one "$f" &
	running=$((running + 1))
done
while ((running > 0)); do
	wait -n || status=1
	running=$((running - 1))
done
# Harnesses keep scratch trees in /tmp for speed; remove them.
rm -rf /tmp/fuzz-collect.* /tmp/exhibit-fuzz-path.* /tmp/fuzz-ingest.* \
    /tmp/fuzz-verify.*
exit $status
