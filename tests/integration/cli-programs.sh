#!/usr/bin/env bash
# The three programs as a user meets them: --help, --version, usage errors,
# configuration checks with every error reported as file:line, and the
# daemon's signal handling.
. "$top_srcdir/tests/integration/lib.sh"

B=$top_builddir
AGENT=$B/exhibit-agent
DAEMON=$B/exhibitd
CTL=$B/exhibitctl
VERSION=$(sed -n 's/^AC_INIT(\[exhibit\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")

for prog in "$AGENT" "$DAEMON" "$CTL"; do
	name=$(basename "$prog")
	run "$prog" --help
	expect_rc 0 "$name --help"
	expect_in out "usage: $name" "$name --help prints usage"
	expect_in out "Exit status:" "$name --help documents exit codes"
	run "$prog" --version
	expect_rc 0 "$name --version"
	expect_in out "$name (Exhibit) $VERSION" "$name --version names the version"
	run "$prog" --no-such-option
	expect_rc 2 "$name with an unknown option"
done

# Every command of the two multi-command programs has its own --help,
# whatever else is on the line; the commands are read off --help itself,
# so that a new command is covered as soon as it is listed.
for prog in "$AGENT" "$CTL"; do
	name=$(basename "$prog")
	run "$prog" --help
	# A line holding only the configured default path is as long as the
	# prefix makes it.
	if grep -vE '^ +/[^ ]+$' "$TMP/out" | grep -qE '.{80,}| $'; then
		not_ok "$name --help has lines over 79 columns or trailing blanks"
		grep -nE '.{80,}| $' "$TMP/out" | head -5
	else ok "$name --help fits 79 columns, no trailing blanks"; fi
	cmds=$(sed -n '/^Commands/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p' "$TMP/out")
	if [[ $(wc -w <<<"$cmds") -ge 5 ]]; then ok "$name --help lists its commands"; else not_ok "$name commands: $cmds"; fi
	for cmd in $cmds; do
		run "$prog" "$cmd" --help
		expect_rc 0 "$name $cmd --help"
		if head -1 "$TMP/out" | grep -q "^usage: $name " &&
		    grep -qE "^(usage:)? +$name .*\b$cmd\b" "$TMP/out" && [[ ! -s $TMP/err ]]; then
			ok "$name $cmd --help prints its usage, nothing on stderr"
		else not_ok "$name $cmd --help: $(head -1 "$TMP/out") $(head -1 "$TMP/err")"; fi
		run "$prog" "$cmd" list --bogus --help
		expect_rc 0 "$name $cmd --help after other arguments"
	done
done
run "$CTL" token create --help
expect_in out "--expires DURATION" "exhibitctl token create --help documents its options"
run "$AGENT" collect --help
expect_in out "Sections:" "exhibit-agent collect --help lists the sections"

# The shipped configuration names the rules directory "make install"
# fills, whatever the prefix.
rdir=$(sed -n 's/^directory = //p' "$top_builddir/conf/exhibitd.conf")
if [[ -n ${exhibitrulesdir:-} && $rdir == "$exhibitrulesdir" ]]; then
	ok "conf/exhibitd.conf names the installed rules directory ($rdir)"
else not_ok "conf/exhibitd.conf: directory = $rdir; rules install to ${exhibitrulesdir:-?}"; fi

# The example configurations are valid and document every key.  The
# daemon's names the installed rules; here they are the source tree's.
sed "s|^directory = .*|directory = $top_srcdir/conf/rules|" \
    "$top_builddir/conf/exhibitd.conf" >"$TMP/exhibitd.conf"
grep -q "^directory = $top_srcdir/conf/rules\$" "$TMP/exhibitd.conf" ||
	not_ok "conf/exhibitd.conf has no [rules] directory line"
run "$DAEMON" -n -f "$TMP/exhibitd.conf"
expect_rc 0 "exhibitd -n on conf/exhibitd.conf"
expect_in out "configuration OK" "exhibitd -n says configuration OK"
expect_in out "rule(s) from 1 pack(s)" "exhibitd -n counts the rule packs"
run "$AGENT" -n -f "$top_builddir/conf/agent.conf"
expect_rc 0 "exhibit-agent -n on conf/agent.conf"
expect_in out "configuration OK" "exhibit-agent -n says configuration OK"
run "$CTL" -f "$TMP/exhibitd.conf" check-config
expect_rc 0 "exhibitctl check-config on conf/exhibitd.conf"

# [store]: the backend is one of two, and PostgreSQL needs its connection.
sed "s|^backend = sqlite|backend = postgresql|" "$TMP/exhibitd.conf" >"$TMP/pg.conf"
run "$DAEMON" -n -f "$TMP/pg.conf"
expect_rc 1 "exhibitd -n: backend = postgresql without a connection"
expect_in err "[store] backend is postgresql but connection is not set" \
    "exhibitd -n says the connection is missing"
sed "s|^backend = sqlite|backend = oracle|" "$TMP/exhibitd.conf" >"$TMP/bad-store.conf"
line=$(grep -n '^backend = oracle' "$TMP/bad-store.conf" | cut -d: -f1)
run "$DAEMON" -n -f "$TMP/bad-store.conf"
expect_rc 1 "exhibitd -n: an unknown backend"
expect_in err "$TMP/bad-store.conf:$line: backend: invalid value \"oracle\" (choices: sqlite, postgresql)" \
    "exhibitd -n names file, line and choices"

# A broken rule pack: exhibitd -n names file, rule and problem, and the
# daemon would not start.
mkdir "$TMP/badrules"
cat >"$TMP/badrules/bad.json" <<'PACK'
{"pack": "bad", "version": "1", "rules": [
 {"id": "B-1", "title": "t", "description": "d", "rationale": "r",
  "remediation": "m", "severity": "low",
  "controls": {"iso27001:2022": ["A.8.9"]},
  "check": {"path": "sections.x.data.y", "op": "equals", "value": 1}}]}
PACK
sed "s|^directory = .*|directory = $TMP/badrules|" \
    "$top_builddir/conf/exhibitd.conf" >"$TMP/badrules.conf"
run "$DAEMON" -n -f "$TMP/badrules.conf"
expect_rc 1 "exhibitd -n with a broken rule pack"
expect_in err "$TMP/badrules/bad.json: B-1: check: unknown operator \"equals\"" \
    "exhibitd -n names the file, the rule and the problem"
run "$CTL" -f "$TMP/badrules.conf" check-config
expect_rc 1 "exhibitctl check-config with a broken rule pack"

# A broken file: every error is reported with its line, and nothing starts.
cat >"$TMP/bad.conf" <<'CONF'
# a comment
[daemon]
state_dir = relative/path
log = loud
state_dir = /var/lib/again
colour = blue
[nosuch]
CONF
run "$DAEMON" -n -f "$TMP/bad.conf"
expect_rc 1 "exhibitd -n on a broken file"
expect_in err "bad.conf:3:" "relative state_dir reported at line 3"
expect_in err "bad.conf:4:" "bad log value reported at line 4"
expect_in err "bad.conf:5:" "duplicate key reported at line 5"
expect_in err "bad.conf:6:" "unknown key reported at line 6"
expect_in err "bad.conf:7:" "unknown section reported at line 7"
run "$DAEMON" -f "$TMP/bad.conf"
expect_rc 1 "exhibitd refuses to start with a broken file"
expect_in err "refusing to start" "exhibitd says it refuses to start"

run "$DAEMON" -n -f "$TMP/missing.conf"
expect_rc 1 "exhibitd -n on a missing file"
expect_in err "missing.conf" "the missing file is named"
run "$AGENT" -n -f "$TMP"
expect_rc 1 "exhibit-agent -n on a directory"
run "$CTL" -f "$TMP/bad.conf" check-config
expect_rc 1 "exhibitctl check-config on a broken file"
run "$CTL" frobnicate
expect_rc 2 "exhibitctl with an unknown command"
run "$AGENT" frobnicate
expect_rc 2 "exhibit-agent with an unknown command"

printf '[agent]\nmax_file_size = 12Q\n' >"$TMP/agent.conf"
run "$AGENT" -n -f "$TMP/agent.conf"
expect_rc 1 "exhibit-agent -n with a bad size"
expect_in err "agent.conf:2:" "bad size reported at line 2"

# collect: a document for a root, refusals for bad arguments.
mkdir -p "$TMP/root/etc"
echo "cli-host" >"$TMP/root/etc/hostname"
run "$AGENT" -f "$top_builddir/conf/agent.conf" collect --root "$TMP/root"
expect_rc 0 "exhibit-agent collect --root"
expect_in out '"schema":"exhibit.evidence/1"' "collect prints an evidence document"
expect_in out '"hostname":"cli-host"' "collect reads the root's hostname"
run "$AGENT" -f "$top_builddir/conf/agent.conf" collect --root "$TMP/root" --summary
expect_rc 0 "exhibit-agent collect --summary"
expect_in out "evidence for cli-host" "the summary names the host"
expect_in out "no package database found" "the summary lists the errors"
run "$AGENT" collect --section no-such-section
expect_rc 2 "collect with an unknown section"
expect_in err 'no section named "no-such-section"' "and names it"
run "$AGENT" -f "$top_builddir/conf/agent.conf" collect --root "$TMP/does-not-exist"
expect_rc 1 "collect with a missing root"
run "$AGENT" -f "$TMP/bad.conf" collect --root "$TMP/root"
expect_rc 1 "collect refuses a broken configuration"

# The daemon runs until SIGTERM, keeps its configuration when a reload
# finds errors, and refuses a state directory others can write to.
mkdir -m 0777 "$TMP/open-state"
printf '[daemon]\nstate_dir = %s\nlog = stderr\n' "$TMP/open-state" >"$TMP/open.conf"
run "$DAEMON" -f "$TMP/open.conf"
expect_rc 1 "exhibitd refuses a world-writable state directory"
expect_in err "writable by group or others" "and says why"

port=$("$B/tests/tools/freeport")
store_reset || exit 1
runconf() {
	{ printf '[daemon]\nstate_dir = %s\nlog = stderr\n[server]\nlisten = 127.0.0.1:%s\n[rules]\ndirectory = %s\n' \
	    "$TMP/state" "$port" "$top_srcdir/conf/rules"; store_conf; } >"$TMP/run.conf"
}
runconf
run "$DAEMON" -f "$TMP/run.conf"
expect_rc 1 "exhibitd refuses a state directory without keys"
expect_in err "exhibitctl init" "and says to run exhibitctl init"
run "$CTL" -f "$TMP/run.conf" init
expect_rc 0 "exhibitctl init for the daemon"
# A soft limit of open files that fits the default max_connections (1024)
# and no more, for the reload below to raise.
(ulimit -Sn 1100 2>/dev/null; exec "$DAEMON" -f "$TMP/run.conf") >"$TMP/daemon.log" 2>&1 &
dpid=$!
PIDS+=("$dpid")
if wait_for_line "$TMP/daemon.log" "started" 10; then ok "exhibitd starts"; else not_ok "exhibitd starts"; fi
if [[ $(stat -c %a "$TMP/state") == 700 ]]; then ok "state directory created 0700"; else not_ok "state directory mode $(stat -c %a "$TMP/state")"; fi
printf '[daemon]\nbogus = 1\n' >"$TMP/run.conf"
kill -HUP "$dpid"
if wait_for_line "$TMP/daemon.log" "keeping the running configuration" 10; then
	ok "a broken reload keeps the running configuration"
else not_ok "a broken reload keeps the running configuration"; fi
if kill -0 "$dpid" 2>/dev/null; then ok "exhibitd still running after a bad reload"; else not_ok "exhibitd died on a bad reload"; fi
runconf
kill -HUP "$dpid"
if wait_for_line "$TMP/daemon.log" "configuration reloaded" 10; then ok "a good reload is applied"; else not_ok "a good reload is applied"; fi
# What only a restart applies is named in the log, not dropped silently.
# A larger max_connections raises the limit of open files to fit.
sed -i 's/^listen = .*/&\nworkers = 3\nmax_connections = 5000/' "$TMP/run.conf"
kill -HUP "$dpid"
if wait_for_line "$TMP/daemon.log" "[server] workers changed to 3: takes effect at the next start" 10; then
	ok "a reload names a setting that needs a restart"
else not_ok "a reload names a setting that needs a restart"; fi
# (The log line above comes first in the reload; the limit follows.)
for ((i = 0; i < 20; i++)); do
	read -r soft hard < <(awk '/^Max open files/ { print $4, $5 }' "/proc/$dpid/limits")
	[[ $soft == "$hard" || $soft == unlimited ]] || ((soft >= 5000)) && break
	sleep 0.1
done
if [[ $soft == "$hard" || $soft == unlimited ]] || ((soft >= 5000)); then
	ok "a reload to max_connections = 5000 raises the open-file limit ($soft)"
else not_ok "open-file limit $soft (hard $hard) after max_connections = 5000"; fi
kill -TERM "$dpid"
wait "$dpid"
drc=$?
if [[ $drc -eq 0 ]]; then ok "exhibitd exits 0 on SIGTERM"; else not_ok "exhibitd exit $drc on SIGTERM"; fi
expect_in_log() { if grep -qF "$1" "$TMP/daemon.log"; then ok "$2"; else not_ok "$2"; cat "$TMP/daemon.log"; fi; }
expect_in_log "stopped" "exhibitd logs its stop"

finish
