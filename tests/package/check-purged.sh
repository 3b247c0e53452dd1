#!/usr/bin/env bash
# After "apt-get purge exhibitd exhibit-agent" (scripts/package-test.sh):
# programs, configuration, units and their enablement are gone; the
# state directories and the user are kept on purpose (debian/*.postrm).
set -uo pipefail

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
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
gone() { local p; for p; do [[ ! -e $p && ! -L $p ]] || { echo "    still there: $p"; return 1; }; done; }

for p in exhibitd exhibit-agent; do
	check "$p: not installed, no configuration left (dpkg)" \
	    test "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || echo not-installed)" = not-installed
done
check "programs gone" gone /usr/sbin/exhibitd /usr/bin/exhibitctl /usr/sbin/exhibit-agent
check "/etc/exhibit gone (conffiles purged)" gone /etc/exhibit
check "units, their enablement and sysusers.d gone" \
    gone /lib/systemd/system/exhibitd.service /lib/systemd/system/exhibit-agent.service \
    /etc/systemd/system/multi-user.target.wants/exhibitd.service \
    /etc/systemd/system/multi-user.target.wants/exhibit-agent.service \
    /usr/lib/sysusers.d/exhibit.conf
check "the statoverride on exhibitd.conf is gone" \
    bash -c '! dpkg-statoverride --list /etc/exhibit/exhibitd.conf >/dev/null'
check "kept: /var/lib/exhibit (evidence, CA, keys) and /var/lib/exhibit-agent (identity, spool)" \
    test -f /var/lib/exhibit/ca.key -a -f /var/lib/exhibit-agent/agent.pem
check "no installed exhibitd or exhibit-agent process left" \
    test -z "$(installed_running)"

echo "check-purged: $passed passed, $failed failed"
((failed == 0))
