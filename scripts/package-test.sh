#!/usr/bin/env bash
# test-suite.sh's stage 4: the release tarball builds from scratch (what
# "make distcheck" proved) into the Debian packages, which then install,
# work and purge on this machine.
#
#   scripts/package-test.sh BUILD_DIR     (a configured tree: _build/gcc)
#
# As root, on a machine that is not running Exhibit: it installs and
# purges the packages exhibitd and exhibit-agent, and refuses to start
# when either is installed or /var/lib/exhibit* exists, rather than
# touching someone's evidence.  The .deb files are kept in
# BUILD_DIR/packages.  JOBS (2) is dpkg-buildpackage's -j.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: package-test.sh BUILD_DIR}" && pwd)
jobs=${JOBS:-2}
pkgs=(exhibitd exhibit-agent)

fail() { echo "package-test: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "must run as root: it installs packages"
for p in "${pkgs[@]}"; do
	if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null |
	    grep -qv '^not-installed$'; then
		fail "$p is installed here (dpkg -l $p): not touching it"
	fi
done
for d in /var/lib/exhibit /var/lib/exhibit-agent; do
	[[ ! -e $d ]] || fail "$d exists: not touching it"
done

make -C "$build" dist tests/tools/freeport
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$build/Makefile")
tarball=$build/exhibit-$version.tar.gz

# The tarball carries debian/ whole (EXTRA_DIST), or the packages built
# from it would not be the tree's.
if ! diff -u <(cd "$src" && find debian -type f | sort) \
    <(tar -tzf "$tarball" | sed -n "s|^exhibit-$version/\(debian/.*[^/]\)\$|\1|p" | sort); then
	fail "debian/ in $tarball differs from the tree's (EXTRA_DIST in Makefile.am)"
fi
debver=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
[[ ${debver%-*} == "$version" ]] ||
	fail "debian/changelog says $debver, configure.ac $version"

tmp=$(mktemp -d)
installed=0
cleanup() {
	local rc=$?
	# A failed check leaves nothing installed behind it.
	if ((installed)); then
		apt-get purge -y -q -o DPkg::Lock::Timeout=600 "${pkgs[@]}" >/dev/null 2>&1 || rc=1
		rm -rf /var/lib/exhibit /var/lib/exhibit-agent
	fi
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT

tar -xzf "$tarball" -C "$tmp"
(cd "$tmp/exhibit-$version" &&
	DEB_BUILD_OPTIONS="nocheck parallel=$jobs" dpkg-buildpackage -us -uc -b)
rm -rf "$build/packages"
mkdir "$build/packages"
mv "$tmp"/*.deb "$build/packages/"
ls -l "$build/packages"

# DPkg::Lock::Timeout: wait for another apt (a shared machine) rather
# than fail at once.
export DEBIAN_FRONTEND=noninteractive
installed=1
apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 \
	"$build/packages/exhibitd_${debver}_"*.deb \
	"$build/packages/exhibit-agent_${debver}_"*.deb
bash "$src/tests/package/check-installed.sh" "$version" \
	"$build/tests/tools/freeport"

apt-get purge -y -q -o DPkg::Lock::Timeout=600 "${pkgs[@]}"
installed=0
bash "$src/tests/package/check-purged.sh"
# What purge keeps on purpose (see debian/*.postrm), removed now that
# the check is done.
rm -rf /var/lib/exhibit /var/lib/exhibit-agent
