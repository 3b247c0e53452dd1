#!/usr/bin/env bash
# Run every libFuzzer harness built under fuzz/ for a short while each.
# usage: fuzz/run-fuzzers.sh BUILDDIR SECONDS
set -euo pipefail
builddir=${1:?usage: run-fuzzers.sh BUILDDIR SECONDS}
secs=${2:-20}
status=0
for f in "$builddir"/fuzz/fuzz-*; do
	[[ -x $f && ! $f == *.o ]] || continue
	name=$(basename "$f")
	corpus=$(mktemp -d)
	echo "fuzz: $name for ${secs}s"
	if ! "$f" -max_total_time="$secs" -print_final_stats=0 \
	    -rss_limit_mb=2048 "$corpus" > "$builddir/$name.log" 2>&1; then
		echo "fuzz: $name FAILED; last lines of its log:"
		tail -40 "$builddir/$name.log"
		status=1
	else
		echo "fuzz: $name: $(grep -c . "$builddir/$name.log") log lines, $(tail -1 "$builddir/$name.log")"
	fi
	rm -rf "$corpus"
done
# Harnesses keep scratch trees in /tmp for speed; remove them.
rm -rf /tmp/fuzz-collect.* /tmp/exhibit-fuzz-path.* /tmp/fuzz-ingest.* \
    /tmp/fuzz-verify.*
exit $status
