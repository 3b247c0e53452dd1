#!/usr/bin/env bash
# The man pages as make builds them: every @variable@ substituted, nothing
# for "mandoc -Tlint" to warn about, every long option a program accepts
# in its page (and no option in a page that the program does not accept),
# and every configuration key in its section of the .5 page with the
# default the shipped configuration shows.  Options and keys are read from
# the sources' getopt and conf_key tables, options also from the programs'
# --help, so that one added without documentation fails here.
#
# Without mandoc (the Debian package mandoc) the test fails as root, as in
# CI where scripts/install-deps.sh installs it, and is skipped (77) for
# other users, on developers' machines.
. "$top_srcdir/tests/integration/lib.sh"

B=$top_builddir
S=$top_srcdir
PAGES="exhibitd.8 exhibitctl.8 exhibit-agent.8 exhibitd.conf.5 agent.conf.5"

if ! command -v mandoc >/dev/null; then
	if [[ $(id -u) -eq 0 ]]; then
		not_ok "mandoc is not installed (scripts/install-deps.sh installs it)"
		finish
		exit
	fi
	echo "# mandoc is not installed: skipped"
	exit 77
fi

# render PAGE: plain text, wide enough that no line wraps: an option or a
# paragraph is then on one line.
render() { mandoc -Tascii -O width=1000 "$B/man/$1" | sed 's/.\x08//g'; }

for p in $PAGES; do
	if [[ ! -f $B/man/$p ]]; then
		not_ok "$p not built"
		continue
	fi
	grep -n '@[A-Za-z_]*@' "$B/man/$p" && not_ok "$p: unsubstituted" ||
	    ok "$p: every @variable@ substituted"
	# -Wwarning: warnings and errors, not style hints ("referenced
	# manual not found" for pages not installed yet).
	if mandoc -Tlint -Wwarning "$B/man/$p" >"$TMP/lint" 2>&1; then
		ok "$p: mandoc -Tlint has nothing to say"
	else
		not_ok "$p: mandoc -Tlint"
		sed 's/^/    /' "$TMP/lint"
	fi
	render "$p" >"$TMP/$p.txt"
done

# --- options ------------------------------------------------------------------

# src_opts FILE...: the long options of the getopt tables, and those that
# commands compare argv with by hand ("evidence show --envelope").
src_opts() {
	{
		sed -nE 's/^[[:space:]]*\{[[:space:]]*"([a-z][a-z0-9-]*)",[[:space:]]*(no|required|optional)_argument.*/\1/p' "$@"
		grep -ohE 'strcmp\(argv\[[^]]*\], *"--[a-z][a-z0-9-]*"\)' "$@" |
		    sed -E 's/.*"--([^"]*)".*/\1/'
	} | sort -u
}

# cmds PROG: its commands, from the command table of its main() (the
# first string of each entry) and from the "Commands:" of its --help.
cmds() {
	case $1 in
	exhibitctl) sed -n '/ctl_cmds\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z][a-z-]*\)", .*/\1/p' \
	    "$S/daemon/exhibitctl.c" ;;
	exhibit-agent) sed -n '/agent_cmds\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z][a-z-]*\)", .*/\1/p' \
	    "$S/agent/agent.c" ;;
	esac
	"$B/$1" --help 2>&1 | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
} 2>/dev/null

# help_opts PROG: the long options named in PROG --help, in each command's
# --help and in each subcommand's.  -f names a file that does not exist:
# were a command to take --help for something else, it would stop at the
# configuration and touch nothing.
help_opts() {
	local prog=$1 cmd sub
	"$prog" --help >"$TMP/help" 2>&1
	for cmd in $(cmds "$(basename "$prog")" | sort -u); do
		"$prog" -f "$TMP/none.conf" "$cmd" --help >"$TMP/help.$cmd" 2>&1
		for sub in $(sed -nE "s/^ *(usage:)? *$(basename "$prog") $cmd ([a-z]+)( .*)?\$/\\2/p" \
		    "$TMP/help.$cmd" | sort -u); do
			"$prog" -f "$TMP/none.conf" "$cmd" "$sub" --help 2>&1
		done
		cat "$TMP/help.$cmd"
	done
	cat "$TMP/help"
} 2>/dev/null

# page_opts PAGE: the long options the page's source gives with Fl.
page_opts() {
	grep -E '^\..*\<Fl -' "$S/man/$1.in" |
	    grep -oE '(^| )-[a-z][a-z0-9-]*[a-z0-9]' | sed 's/^ *-//' | sort -u
}

check_opts() {
	local page=$1 prog=$2 o n
	shift 2
	src_opts "$@" >"$TMP/src.opts"
	n=$(wc -l <"$TMP/src.opts")
	# The tables must have been read: a pattern that no longer matches
	# them would make every check below pass.
	if ((n >= 5)) && grep -qx config "$TMP/src.opts"; then
		ok "$prog: $n long options read from the sources"
	else
		not_ok "$prog: only $n long options read from the sources"
	fi
	help_opts "$B/$prog" | grep -oE -- '--[a-z][a-z0-9-]*[a-z0-9]' |
	    sed 's/^--//' | sort -u >"$TMP/help.opts"
	for o in $(sort -u "$TMP/src.opts" "$TMP/help.opts"); do
		if grep -qE -- "--$o([^a-z0-9-]|\$)" "$TMP/$page.txt"; then
			ok "$page documents --$o"
		else
			not_ok "$page does not document --$o, which $prog $(grep -qx -- "$o" "$TMP/src.opts" && echo accepts || echo names in --help)"
		fi
	done
	for o in $(page_opts "$page"); do
		grep -qx -- "$o" "$TMP/src.opts" && ok "$page: $prog accepts --$o" ||
		    not_ok "$page documents --$o, which $prog does not accept"
	done
}

check_opts exhibitd.8 exhibitd "$S/daemon/exhibitd.c"
check_opts exhibitctl.8 exhibitctl "$S/daemon/exhibitctl.c" "$S"/daemon/ctl-*.c
check_opts exhibit-agent.8 exhibit-agent "$S/agent/agent.c" "$S"/agent/cmd-*.c

# Every command of exhibitctl and exhibit-agent is a COMMANDS item.
for prog in exhibitctl exhibit-agent; do
	n=$(cmds "$prog" | sort -u | wc -l)
	((n >= 5)) && ok "$prog: $n commands read from the sources and --help" ||
	    not_ok "$prog: only $n commands read from the sources and --help"
	for cmd in $(cmds "$prog" | sort -u); do
		sed -n '/^COMMANDS$/,/^[A-Z]/p' "$TMP/$prog.8.txt" |
		    grep -qE "^     $cmd( |\$)" && ok "$prog.8 has the command $cmd" ||
		    not_ok "$prog.8 has no item for the command $cmd"
	done
done

# --- configuration keys --------------------------------------------------------

# src_keys FILE: "section key" of every entry of a conf_key table.
src_keys() {
	sed -nE 's/^[[:space:]]*\{[[:space:]]*"([a-z0-9._-]+)",[[:space:]]*"([a-z0-9_]+)",[[:space:]]*CONF_.*/\1 \2/p' "$1"
}

# page_keys PAGE: "section key<TAB>the item's text" for the items under
# each "[section]" subsection of the rendered page.
page_keys() {
	awk '/^   \[[a-z0-9._-]+\]$/ { sec = substr($1, 2, length($1) - 2); next }
	     /^[^ ]/ { sec = "" }
	     key != "" && NF > 0 { sub(/^ +/, ""); print sec " " key "\t" $0; key = ""; next }
	     sec != "" && /^     [a-z]/ { key = $1 }' "$TMP/$1.txt"
}

# conf_default CONF SECTION KEY: the value the shipped file gives the key
# (its default), or nothing when the line is commented out.
conf_default() {
	awk -v s="[$2]" -v k="$3" '/^\[/ { in_s = ($1 == s); next }
	    in_s && $1 == k && $2 == "=" { sub(/^[^=]*= */, ""); print; exit }' "$1"
}

check_keys() {
	local page=$1 table=$2 conf=$3 sec key text def n
	src_keys "$table" >"$TMP/src.keys"
	n=$(wc -l <"$TMP/src.keys")
	if ((n >= 5)); then ok "$page: $n keys read from $(basename "$table")"; else
		not_ok "$page: only $n keys read from $(basename "$table")"; fi
	page_keys "$page" >"$TMP/page.keys"
	while read -r sec key; do
		text=$(awk -F '\t' -v k="$sec $key" '$1 == k { print $2; exit }' \
		    "$TMP/page.keys")
		if [[ -z $text ]]; then
			not_ok "$page does not document [$sec] $key"
			continue
		fi
		ok "$page documents [$sec] $key"
		def=$(conf_default "$conf" "$sec" "$key")
		[[ -n $def ]] || continue
		if [[ ${text#*Default: } == *"$def"* && $text == *"Default: "* ]]; then
			ok "$page: [$sec] $key defaults to $def, as $(basename "$conf") says"
		else
			not_ok "$page: [$sec] $key: $(basename "$conf") says $def; the page: ${text##*Default}"
		fi
	done <"$TMP/src.keys"
	# And no key the parser would refuse.
	while read -r sec key; do
		grep -qx "$sec $key" "$TMP/src.keys" &&
		    ok "$page: [$sec] $key is a key of the parser" ||
		    not_ok "$page documents [$sec] $key, which the parser refuses"
	done < <(awk '/^\.Ss \[/ { sec = $2; gsub(/[][]/, "", sec); next }
	    /^\.S[hs] / { sec = "" }
	    sec != "" && /^\.It Cm / { print sec, $3 }' "$S/man/$page.in")
}

check_keys exhibitd.conf.5 "$S/daemon/daemon-conf.c" "$B/conf/exhibitd.conf"
check_keys agent.conf.5 "$S/agent/agent-conf.c" "$B/conf/agent.conf"

finish
