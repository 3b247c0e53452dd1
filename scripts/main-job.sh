#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the
# main job with what Exhibit can do today.
#
# Today that is: build the three programs, check the example
# configurations, and show each program's version.  Evidence collection,
# the signed pipeline and rule evaluation extend this same script as they
# land.
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
