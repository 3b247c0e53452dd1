#!/bin/bash
# The systemd units as make builds them: they agree with the shipped
# configurations, "systemd-analyze verify" has nothing to say about them,
# and "systemd-analyze security --offline=true" rates exhibitd at most
# 2.0 and exhibit-agent at most 3.0 (the figures are printed).  Verify
# wants the programs to exist: it sees copies that run the build tree's.
#
# Without systemd-analyze (the Debian package systemd) the test fails as
# root, as in CI where scripts/install-deps.sh installs it, and is skipped
# (77) for other users, on developers' machines.
. "$top_srcdir/tests/integration/lib.sh"

MAX_EXHIBITD=2.0
MAX_AGENT=3.0
UNITS=$TMP/units
mkdir "$UNITS"

# key FILE KEY: the value of the first "KEY=" line in a unit, or of
# "KEY = " in a configuration file.
key() { sed -nE "s/^$2 ?= ?//p" "$1" | head -1; }

for u in exhibitd exhibit-agent; do
	f=$top_builddir/systemd/$u.service
	if [[ ! -f $f ]]; then
		not_ok "$u.service not built"
		continue
	fi
	grep -n '@[a-z_]*@' "$f" && not_ok "$u.service: unsubstituted" ||
	    ok "$u.service: every @variable@ substituted"
	# The build tree's programs in place of the installed ones.
	sed -E "s#^(Exec[A-Za-z]*=)[^ ]*/(exhibitd|exhibit-agent)( |\$)#\1$top_builddir/\2\3#" \
	    "$f" >"$UNITS/$u.service"
done

# The state directories systemd makes writable are the ones the shipped
# configurations name.
[[ /var/lib/$(key "$UNITS/exhibitd.service" StateDirectory) == \
    "$(key "$top_builddir/conf/exhibitd.conf" state_dir)" ]] &&
    ok "exhibitd: StateDirectory= is exhibitd.conf's state_dir" ||
    not_ok "exhibitd: StateDirectory= $(key "$UNITS/exhibitd.service" StateDirectory), state_dir $(key "$top_builddir/conf/exhibitd.conf" state_dir)"
adir=$(key "$top_builddir/conf/agent.conf" state_dir)
[[ /var/lib/$(key "$UNITS/exhibit-agent.service" StateDirectory) == "$adir" ]] &&
    ok "exhibit-agent: StateDirectory= is agent.conf's state_dir" ||
    not_ok "exhibit-agent: StateDirectory= $(key "$UNITS/exhibit-agent.service" StateDirectory), state_dir $adir"
[[ $(key "$UNITS/exhibit-agent.service" ConditionPathExists) == "$adir/agent.pem" ]] &&
    ok "exhibit-agent: started once enrolled ($adir/agent.pem)" ||
    not_ok "exhibit-agent: ConditionPathExists= $(key "$UNITS/exhibit-agent.service" ConditionPathExists)"
ddir=$(key "$top_builddir/conf/exhibitd.conf" state_dir)
[[ $(key "$UNITS/exhibitd.service" ConditionPathExists) == "$ddir/ca.key" ]] &&
    ok "exhibitd: started once initialised ($ddir/ca.key)" ||
    not_ok "exhibitd: ConditionPathExists= $(key "$UNITS/exhibitd.service" ConditionPathExists)"
grep -q "^u exhibit " "$top_srcdir/systemd/exhibit.sysusers" &&
    [[ $(key "$UNITS/exhibitd.service" User) == exhibit ]] &&
    ok "exhibitd runs as exhibit, which exhibit.sysusers creates" ||
    not_ok "exhibitd's User= and exhibit.sysusers disagree"

if ! SA=$(command -v systemd-analyze); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "SKIP: systemd-analyze not found (Debian package systemd)"
		exit 77
	fi
	not_ok "systemd-analyze not found: install the Debian package systemd (scripts/install-deps.sh)"
	finish
	exit 1
fi
echo "# $("$SA" --version | head -1)"

for u in exhibitd exhibit-agent; do
	[[ -f $UNITS/$u.service ]] || continue
	run "$SA" verify "$UNITS/$u.service"
	# verify exits 0 on warnings ("Unknown key ..., ignoring"): any
	# output at all is a problem.
	if [[ $rc -eq 0 && -z $out && -z $err ]]; then
		ok "systemd-analyze verify $u.service: clean"
	else
		not_ok "systemd-analyze verify $u.service: exit $rc"
		sed 's/^/    /' "$TMP/out" "$TMP/err" | head -20
	fi

	if [[ $u == exhibitd ]]; then max=$MAX_EXHIBITD; else max=$MAX_AGENT; fi
	run "$SA" security --offline=true --no-pager "$UNITS/$u.service"
	level=$(sed -nE "s/.*Overall exposure level for $u\.service: ([0-9]+\.[0-9]+).*/\1/p" <<<"$out")
	if [[ -z $level ]]; then
		not_ok "systemd-analyze security $u.service: no exposure level (exit $rc)"
		sed 's/^/    /' "$TMP/out" "$TMP/err" | head -20
		continue
	fi
	echo "# $u.service: exposure $level (target at most $max)"
	# What still counts against it, for whoever wants the figure lower.
	grep -E '^✗' <<<"$out" | sed 's/^/#   /'
	if awk -v l="$level" -v m="$max" 'BEGIN { exit !(l <= m) }'; then
		ok "$u.service: exposure $level <= $max"
	else
		not_ok "$u.service: exposure $level > $max"
	fi
done

# The sysusers.d file is read as systemd-sysusers would, on an empty root.
mkdir -p "$TMP/root/etc"
if command -v systemd-sysusers >/dev/null; then
	run systemd-sysusers --dry-run --root="$TMP/root" "$top_srcdir/systemd/exhibit.sysusers"
	if [[ $rc -eq 0 ]] && grep -qF "Creating user 'exhibit'" "$TMP/out" "$TMP/err" &&
	    ! grep -qiE "ignoring|unknown|invalid|failed" "$TMP/out" "$TMP/err"; then
		ok "systemd-sysusers accepts exhibit.sysusers"
	else
		not_ok "systemd-sysusers on exhibit.sysusers: exit $rc"
		sed 's/^/    /' "$TMP/out" "$TMP/err" | head -20
	fi
fi

finish
