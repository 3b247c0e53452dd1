#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the
# main job with what Exhibit can do today.
#
# Today that is: build the three programs and check the example
# configurations; start exhibitd on its embedded SQLite store in a fresh
# state directory (_build/main/run), listening on 127.0.0.1 only; enroll
# a local agent; collect this host's evidence, sign it and push it over
# mutual TLS; print what the daemon stored; and print how the rule pack
# judged this host, per ISO 27001:2022 control.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
build=$src/_build/main
run=$build/run

bash scripts/install-deps.sh
autoreconf -fi
rm -rf "$build"
mkdir -p "$build"
(cd "$build" && "$src/configure" --quiet)
make -C "$build" -j"${JOBS:-2}"
make -C "$build" tests/tools/freeport >/dev/null

echo
echo "== Exhibit $("$build/exhibitd" --version | awk '{print $NF}') built in $build"
for prog in exhibitd exhibit-agent exhibitctl; do
	"$build/$prog" --version
done
echo
echo "== checking the example configurations and the rule pack"
sed "s|^directory = .*|directory = $src/conf/rules|" "$build/conf/exhibitd.conf" \
    >"$build/exhibitd.conf.example"
"$build/exhibitd" -n -f "$build/exhibitd.conf.example"
"$build/exhibit-agent" -n -f "$build/conf/agent.conf"

echo
echo "== exhibitd: a fresh state directory, the SQLite store, 127.0.0.1 only"
mkdir -m 0700 "$run"
port=$("$build/tests/tools/freeport")
cat >"$run/exhibitd.conf" <<CONF
[daemon]
state_dir = $run/state
log = stderr
[server]
names = localhost, 127.0.0.1
listen = 127.0.0.1:$port
[rules]
directory = $src/conf/rules
CONF
"$build/exhibitctl" -f "$run/exhibitd.conf" init | grep -v '^exh_'
"$build/exhibitd" -f "$run/exhibitd.conf" 2>"$run/exhibitd.log" &
dpid=$!
stop_daemon() {
	kill -TERM "$dpid" 2>/dev/null && wait "$dpid" || true
}
trap stop_daemon EXIT
for ((i = 0; i < 100; i++)); do
	curl -sf --cacert "$run/state/ca.pem" "https://127.0.0.1:$port/healthz" \
	    >/dev/null 2>&1 && break
	kill -0 "$dpid" 2>/dev/null || { cat "$run/exhibitd.log"; exit 1; }
	sleep 0.1
done
echo "exhibitd is listening on https://127.0.0.1:$port (log: $run/exhibitd.log)"

echo
echo "== enrolling a local agent"
cat >"$run/agent.conf" <<CONF
[agent]
root = /
state_dir = $run/agent
log = stderr
CONF
(umask 077 && "$build/exhibitctl" -f "$run/exhibitd.conf" token create \
    --role enroll --comment "main job" | grep -o 'exh_[A-Za-z0-9_-]*' \
    >"$run/token")
"$build/exhibit-agent" -f "$run/agent.conf" enroll \
    --server "https://127.0.0.1:$port" --token-file "$run/token" \
    --ca-file "$run/state/ca.pem"
rm -f "$run/token"

echo
echo "== collecting this host's evidence, signing it, pushing it"
"$build/exhibit-agent" collect --summary
"$build/exhibit-agent" -f "$run/agent.conf" run --once
"$build/exhibit-agent" -f "$run/agent.conf" status

echo
echo "== what exhibitd stored"
"$build/exhibitctl" -f "$run/exhibitd.conf" agent list
echo
"$build/exhibitctl" -f "$run/exhibitd.conf" evidence list
id=$("$build/exhibitctl" -f "$run/exhibitd.conf" evidence list --limit 1 |
    awk 'NR == 2 {print $1}')
"$build/exhibitctl" -f "$run/exhibitd.conf" evidence show "$id" \
    >"$build/evidence.txt"
head -2 "$build/evidence.txt"
sed -n 3p "$build/evidence.txt"
echo "The stored document, its signature checked again, is in $build/evidence.txt"

echo
echo "== this host judged against the ISO 27001:2022 rule pack"
# Judging follows the acknowledgement; wait for the result.
for ((i = 0; i < 100; i++)); do
	"$build/exhibitctl" -f "$run/exhibitd.conf" hosts | grep -q '%' && break
	sleep 0.1
done
"$build/exhibitctl" -f "$run/exhibitd.conf" hosts
echo
"$build/exhibitctl" -f "$run/exhibitd.conf" findings >"$build/findings.txt"
"$build/exhibitctl" -f "$run/exhibitd.conf" controls
echo
echo "Every finding, with observed values and source files: $build/findings.txt"
echo "(exhibitctl -f $run/exhibitd.conf findings --help for filters)"
