#!/usr/bin/env bash
# The packages exhibitd and exhibit-agent, just installed on this machine
# (scripts/package-test.sh): what they put where, what their maintainer
# scripts did and did not do, and that the installed programs work
# together: exhibitctl init, exhibitd as its user, an agent enrolled and
# pushing.  Root only.  Every daemon started here is stopped here.
#
#   check-installed.sh VERSION FREEPORT   (FREEPORT: tests/tools/freeport)
set -uo pipefail

version=${1:?usage: check-installed.sh VERSION FREEPORT}
freeport=${2:?usage: check-installed.sh VERSION FREEPORT}
passed=0
failed=0
work=$(mktemp -d)
dpid=
cleanup() {
	[[ -z $dpid ]] || { kill -TERM "$dpid"; wait "$dpid"; }
	rm -rf "$work"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
# check DESC CMD...: CMD's exit status decides; its output shown on failure.
check() {
	local desc=$1
	shift
	if "$@" >"$work/out" 2>&1; then ok "$desc"; else
		not_ok "$desc"
		sed 's/^/    /' "$work/out" | head -20
	fi
}
# as_exhibit CMD...: run as the daemon's user, as its unit does.
as_exhibit() { setpriv --reuid=exhibit --regid=exhibit --init-groups -- "$@"; }
# installed_running: pids running the installed programs (by their
# executable: test daemons of a build tree may run beside this check).
installed_running() {
	local p
	for p in /proc/[0-9]*; do
		case $(readlink "$p/exe" 2>/dev/null) in
		/usr/sbin/exhibitd* | /usr/sbin/exhibit-agent*) echo "${p#/proc/}" ;;
		esac
	done
}
# mode PATH: "owner:group octal-mode".
mode() { stat -c '%U:%G %a' "$1"; }

# --- what is where --------------------------------------------------------
for p in /usr/sbin/exhibitd /usr/bin/exhibitctl /usr/sbin/exhibit-agent; do
	check "$(basename "$p") is $p, on PATH" \
	    test "$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$(basename "$p")")" = "$p"
	check "$(basename "$p") --version says $version" \
	    grep -qx "$(basename "$p") (Exhibit) $version" <(PATH=/usr/sbin:/usr/bin "$(basename "$p")" --version)
done

# Every file a package holds is one of these; each named one is there.
expect_files() {
	local pkg=$1 allowed=$2 f missing=0 stray=0
	shift 2
	dpkg -L "$pkg" >"$work/list"
	for f in "$@"; do
		grep -qx -- "$f" "$work/list" || { echo "missing: $f"; missing=1; }
	done
	while read -r f; do
		[[ -d $f ]] && continue
		[[ $f =~ $allowed ]] || { echo "unexpected: $f"; stray=1; }
	done <"$work/list"
	((!missing && !stray))
}
check "dpkg -L exhibitd: programs, configuration, rule pack, unit, sysusers, man pages, docs" \
    expect_files exhibitd \
    '^(/usr/s?bin/exhibit(d|ctl)|/etc/exhibit/exhibitd\.conf|/etc/exhibit/rules/[^/]+\.json|/lib/systemd/system/exhibitd\.service|/usr/lib/sysusers\.d/exhibit\.conf|/usr/share/man/man8/exhibit(d|ctl)\.8\.gz|/usr/share/man/man5/exhibitd\.conf\.5\.gz|/usr/share/doc/exhibitd/.*)$' \
    /usr/sbin/exhibitd /usr/bin/exhibitctl /etc/exhibit/exhibitd.conf \
    /etc/exhibit/rules/iso27001-2022-linux.json \
    /lib/systemd/system/exhibitd.service /usr/lib/sysusers.d/exhibit.conf \
    /usr/share/man/man8/exhibitd.8.gz /usr/share/man/man8/exhibitctl.8.gz \
    /usr/share/man/man5/exhibitd.conf.5.gz \
    /usr/share/doc/exhibitd/copyright
# Auditors verify bundles with it (dh_compress gzips it: over 4 KiB).
check "exhibitd's docs: doc/bundle.md, the bundle format" \
    test -f /usr/share/doc/exhibitd/bundle.md.gz
check "dpkg -L exhibit-agent: program, configuration, unit, man pages, docs" \
    expect_files exhibit-agent \
    '^(/usr/sbin/exhibit-agent|/etc/exhibit/agent\.conf|/lib/systemd/system/exhibit-agent\.service|/usr/share/man/man8/exhibit-agent\.8\.gz|/usr/share/man/man5/agent\.conf\.5\.gz|/usr/share/doc/exhibit-agent/.*)$' \
    /usr/sbin/exhibit-agent /etc/exhibit/agent.conf \
    /lib/systemd/system/exhibit-agent.service \
    /usr/share/man/man8/exhibit-agent.8.gz /usr/share/man/man5/agent.conf.5.gz \
    /usr/share/doc/exhibit-agent/copyright
# The pages name the paths the package was configured with.
check "man pages: exhibitd.conf(5) names /etc/exhibit/rules and /var/lib/exhibit" \
    bash -c "zcat /usr/share/man/man5/exhibitd.conf.5.gz | grep -q '^\.Pa /etc/exhibit/rules' &&
             zcat /usr/share/man/man5/exhibitd.conf.5.gz | grep -q '^\.Pa /var/lib/exhibit'"
# (Debian's mandoc reads no gzip: each page through zcat.)
check "man pages: mandoc -Tlint has nothing to say about the installed ones" \
    bash -c 'for p in man8/exhibitd.8 man8/exhibitctl.8 man8/exhibit-agent.8 \
                 man5/exhibitd.conf.5 man5/agent.conf.5; do
                 zcat /usr/share/man/$p.gz | mandoc -Tlint -Wwarning || exit 1
             done'
check "exhibitd's conffiles: exhibitd.conf and the rule pack" \
    bash -c "dpkg-query -W -f='\${Conffiles}' exhibitd | grep -q ' /etc/exhibit/exhibitd.conf ' &&
             dpkg-query -W -f='\${Conffiles}' exhibitd | grep -q ' /etc/exhibit/rules/iso27001-2022-linux.json '"
check "exhibit-agent's conffile: agent.conf" \
    bash -c "dpkg-query -W -f='\${Conffiles}' exhibit-agent | grep -q ' /etc/exhibit/agent.conf '"

# --- what the maintainer scripts did --------------------------------------
check "system user exhibit, home /var/lib/exhibit, no login shell" \
    bash -c 'IFS=: read -r _ _ uid _ _ home shell < <(getent passwd exhibit) &&
             ((uid < 1000)) && [[ $home == /var/lib/exhibit ]] &&
             [[ $shell == */nologin ]]'
check "/var/lib/exhibit: exhibit's, 0700" \
    test "$(mode /var/lib/exhibit)" = "exhibit:exhibit 700"
check "/var/lib/exhibit-agent: root's, 0700" \
    test "$(mode /var/lib/exhibit-agent)" = "root:root 700"
check "exhibitd.conf (it may hold the webhook secret): root:exhibit 0640" \
    test "$(mode /etc/exhibit/exhibitd.conf)" = "root:exhibit 640"
check "exhibitd -n: the installed configuration and rule pack load" \
    grep -q "^configuration OK" <(exhibitd -n 2>&1)
check "exhibitd -n as exhibit: the daemon's user can read its configuration" \
    grep -q "^configuration OK" <(as_exhibit exhibitd -n 2>&1)
check "exhibit-agent -n: the installed configuration loads" \
    grep -q "^configuration OK" <(exhibit-agent -n 2>&1)

# --- the units --------------------------------------------------------------
for u in exhibitd exhibit-agent; do
	check "$u.service in /lib/systemd/system, enabled (multi-user.target)" \
	    test -L "/etc/systemd/system/multi-user.target.wants/$u.service"
done
check "systemd-analyze verify: both installed units clean" \
    bash -c '! systemd-analyze verify /lib/systemd/system/exhibitd.service \
             /lib/systemd/system/exhibit-agent.service 2>&1 | grep .'
# The agent's postinst never starts it: debhelper's snippet restarts a
# running agent on upgrade (try-restart) and starts nothing.
dpkg-query --control-show exhibit-agent postinst >"$work/postinst"
check "exhibit-agent's postinst: no start, only try-restart" \
    bash -c "grep -q 'deb-systemd-invoke try-restart' $work/postinst &&
             ! grep -Eq 'deb-systemd-invoke +(start|restart|[\$])' $work/postinst"
# Nor is it stopped before an upgrade (and then left stopped).
check "exhibit-agent has no preinst stopping it" \
    bash -c "! dpkg-query --control-show exhibit-agent preinst 2>/dev/null | grep -q 'deb-systemd-invoke stop'"
check "no installed exhibit-agent or exhibitd is running" \
    test -z "$(installed_running)"
if [[ -d /run/systemd/system ]]; then
	check "systemctl: exhibit-agent.service is not active" \
	    bash -c '! systemctl --quiet is-active exhibit-agent.service'
else
	echo "# systemd is not running here: maintainer scripts had to do without it"
fi

# --- the installed programs, together ---------------------------------------
# exhibitd.conf as installed but on a free loopback port, readable by
# exhibit; the state directory is the one the postinst made.
port=$("$freeport")
chmod 0755 "$work"
sed "s/^listen = .*/listen = 127.0.0.1:$port/" /etc/exhibit/exhibitd.conf >"$work/exhibitd.conf"
chmod 0644 "$work/exhibitd.conf"
check "exhibitctl init as exhibit in /var/lib/exhibit" \
    as_exhibit exhibitctl -f "$work/exhibitd.conf" init
check "init made ca.key, which exhibitd.service's ConditionPathExists= names" \
    bash -c "test -f /var/lib/exhibit/ca.key &&
             grep -qx 'ConditionPathExists=/var/lib/exhibit/ca.key' /lib/systemd/system/exhibitd.service"
# setpriv itself, not as_exhibit: $! must be exhibitd's pid, not a subshell's.
setpriv --reuid=exhibit --regid=exhibit --init-groups -- \
    exhibitd -f "$work/exhibitd.conf" >"$work/exhibitd.log" 2>&1 &
dpid=$!
for ((i = 0; i < 100; i++)); do
	curl -sf --cacert /var/lib/exhibit/ca.pem "https://127.0.0.1:$port/healthz" \
	    >/dev/null 2>&1 && break
	sleep 0.1
done
check "exhibitd runs as exhibit and answers /readyz" \
    curl -sf --cacert /var/lib/exhibit/ca.pem "https://127.0.0.1:$port/readyz"
as_exhibit exhibitctl -f "$work/exhibitd.conf" token create --role enroll --uses 1 \
    --expires 1h >"$work/token.out" 2>&1
grep -o 'exh_[A-Za-z0-9_-]*' "$work/token.out" | head -1 >"$work/token"
chmod 0600 "$work/token"
check "exhibit-agent enroll into /var/lib/exhibit-agent" \
    exhibit-agent enroll --server "https://127.0.0.1:$port" \
    --token-file "$work/token" --ca-file /var/lib/exhibit/ca.pem
check "enrolled: agent.pem, which exhibit-agent.service's ConditionPathExists= names" \
    bash -c "test -f /var/lib/exhibit-agent/agent.pem &&
             grep -qx 'ConditionPathExists=/var/lib/exhibit-agent/agent.pem' /lib/systemd/system/exhibit-agent.service"
check "exhibit-agent run --once: this host collected, signed and pushed" \
    exhibit-agent run --once
exhibit-agent status --json >"$work/status" 2>&1
check "exhibit-agent status --json: enrolled, last push ok, spool empty" \
    bash -c "grep -q '\"enrolled\": true' $work/status &&
             grep -q '\"last_push_result\": \"ok\"' $work/status &&
             grep -q '\"spool_count\": 0' $work/status"
check "exhibitctl evidence list: the daemon stored it" \
    grep -q "$(sed -n 's/.*"agent_id": "\(ag_[^"]*\)".*/\1/p' "$work/status")" \
    <(as_exhibit exhibitctl -f "$work/exhibitd.conf" evidence list)
kill -TERM "$dpid"
check "exhibitd stops on SIGTERM (exit 0)" wait "$dpid"
dpid=

echo "check-installed: $passed passed, $failed failed"
((failed == 0))
