#!/usr/bin/env bash
# Install, with apt-get, every Debian package Exhibit needs to build, test and
# run.  Idempotent: packages already present are left alone, and apt-get is
# only called when something is missing.  Must run as root on Debian 12.
set -euo pipefail

# Build toolchain and libraries (see configure.ac for what each provides).
pkgs=(
	build-essential autoconf automake pkg-config
	libevent-dev libssl-dev libjson-c-dev libcurl4-openssl-dev
	libsqlite3-dev libpq-dev libcmocka-dev
	# libarchive writes and reads the auditors' export bundles (tar.gz)
	libarchive-dev
	# jemalloc: exhibitd's allocator (configure --with-jemalloc)
	libjemalloc-dev
	# clang for the second compiler, libFuzzer and its sanitizer runtimes
	clang libclang-rt-14-dev
	# command-line tools the tests drive: openssl (cross-checks), sqlite3
	openssl sqlite3 valgrind curl
	# the PostgreSQL server: the store tests start a throwaway cluster
	# (tests/pg/pg-cluster.sh) and run against it as well
	postgresql
	# headless Chromium renders the fieldwork report's HTML in its test
	chromium
	# systemd-analyze (verify, security --offline) and systemd-sysusers
	# check the units offline: systemd need not be running.  procps has
	# /bin/kill, which exhibitd.service's ExecReload= names.
	systemd procps
	# the Debian packages (debian/, test-suite stage 4): dpkg-buildpackage
	# comes with dpkg-dev (build-essential); debhelper 13 brings
	# dh-autoreconf.  systemd above has systemd-sysusers, which
	# exhibitd's postinst runs.
	debhelper
	# mandoc lints the man pages (tests/integration/man-pages.sh), which
	# must fail on any warning: groff's man has no such strict mode
	mandoc
)

missing=()
for p in "${pkgs[@]}"; do
	[[ $p == \#* ]] && continue
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done

if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "install-deps: missing packages: ${missing[*]}" >&2
		echo "install-deps: run as root, or: apt-get install ${missing[*]}" >&2
		exit 1
	fi
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
