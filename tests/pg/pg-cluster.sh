#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: pg-cluster.sh start DIR prints
# a libpq connection string; pg-cluster.sh stop DIR stops it and removes
# DIR; pg-cluster.sh restart DIR stops it as a crash would (immediate
# mode: no shutdown checkpoint, WAL replayed at start) and starts it
# again on the same port.  The cluster listens on 127.0.0.1 only (a free port) and on a unix
# socket inside DIR, trusts local connections (nothing else can reach
# it), and keeps fsync on: the benchmarks measure real durability.
#
# As root, the server runs as the "postgres" user (it refuses to run as
# root) and DIR is made its own.  Callers trap their own exit to call
# stop, so a failing test leaves no server behind.
set -euo pipefail

bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x $bindir/initdb ]] || { echo "pg-cluster: no initdb under ${bindir:-/usr/lib/postgresql/*/bin}" >&2; exit 1; }

usage() { echo "usage: pg-cluster.sh start|stop|restart DIR" >&2; exit 2; }
(($# == 2)) || usage
dir=$2

as_pg() {
	if (($(id -u) == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

# A port on 127.0.0.1 that was free a moment ago; the server may still
# lose it to a race, which start retries.
free_port() {
	if [[ -n ${FREEPORT:-} ]]; then "$FREEPORT"; return; fi
	echo $((20000 + RANDOM % 40000))
}

start() {
	local port i
	mkdir -p "$dir"
	[[ -z $(ls -A "$dir") ]] || { echo "pg-cluster: $dir is not empty" >&2; exit 1; }
	(($(id -u) == 0)) && chown postgres: "$dir"
	chmod 0700 "$dir"
	as_pg "$bindir/initdb" -D "$dir/data" -U exhibit --auth=trust \
	    -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
	    { cat "$dir/initdb.log" >&2; exit 1; }
	for ((i = 0; i < 5; i++)); do
		port=$(free_port)
		if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
		    -w -t 30 -o "-c listen_addresses=127.0.0.1 -p $port \
		    -c unix_socket_directories=$dir -c fsync=on \
		    -c synchronous_commit=on -c max_connections=50 \
		    -c shared_buffers=32MB" start >"$dir/pg_ctl.log" 2>&1; then
			echo "$port" >"$dir/port"
			as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U exhibit exhibit
			echo "host=127.0.0.1 port=$port dbname=exhibit user=exhibit"
			return 0
		fi
	done
	cat "$dir/pg_ctl.log" "$dir/server.log" >&2 2>/dev/null || true
	exit 1
}

stop() {
	[[ -d $dir ]] || return 0
	if [[ -f $dir/data/postmaster.pid ]]; then
		as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop \
		    >/dev/null 2>&1 || echo "pg-cluster: pg_ctl stop failed" >&2
	fi
	rm -rf "$dir"
}

restart() {
	# pg_ctl keeps the options of the start in postmaster.opts.
	as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate \
	    -w -t 30 restart >"$dir/pg_ctl.log" 2>&1 ||
	    { cat "$dir/pg_ctl.log" >&2; exit 1; }
}

case $1 in
start) start ;;
restart) restart ;;
stop) stop ;;
*) usage ;;
esac
