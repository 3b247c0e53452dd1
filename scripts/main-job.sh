#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the
# main job with what Exhibit can do today.
#
# Today that is: build the three programs, check the example
# configurations, and collect this host's configuration evidence (the
# document is kept in _build/main/evidence.json; a summary is printed).
# The signed pipeline, the daemon's store and rule evaluation extend this
# same script as they land.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
build=$src/_build/main

bash scripts/install-deps.sh
autoreconf -fi
rm -rf "$build"
mkdir -p "$build"
(cd "$build" && "$src/configure" --quiet)
make -C "$build" -j"${JOBS:-2}"

echo
echo "== Exhibit $("$build/exhibitd" --version | awk '{print $NF}') built in $build"
for prog in exhibitd exhibit-agent exhibitctl; do
	"$build/$prog" --version
done
echo
echo "== checking the example configurations"
"$build/exhibitd" -n -f "$src/conf/exhibitd.conf"
"$build/exhibit-agent" -n -f "$src/conf/agent.conf"

echo
echo "== collecting this host's evidence"
"$build/exhibit-agent" collect --pretty >"$build/evidence.json"
"$build/exhibit-agent" collect --summary
echo
echo "The full evidence document is in $build/evidence.json"
