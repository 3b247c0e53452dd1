#!/bin/bash
# exhibitctl report: two hosts judged by the daemon, a waiver, and the
# report in HTML (self-contained, escaped, with the evidence behind each
# result) and CSV (RFC 4180, one row per control, host and rule), now and
# as of a time before anything was stored.  Then a hostile hostname.
. "$top_srcdir/tests/integration/lib.sh"

AGENT=$top_builddir/exhibit-agent
CTLB=$top_builddir/exhibitctl
FIX=$top_srcdir/tests/fixtures

daemon_setup "$TMP" || exit 1
daemon_start "$TMP/daemon.log" || exit 1
ctl() { "$CTLB" -f "$DCONF" "$@"; }

agent_conf() {
	printf '[agent]\nroot = %s\nstate_dir = %s\nlog = stderr\n' \
	    "$2" "$TMP/$1" >"$TMP/$1.conf"
}
ag() { local who=$1; shift; "$AGENT" -f "$TMP/$who.conf" "$@"; }

enroll_token 2 >"$TMP/token"
agent_conf weak "$FIX/debian12-weak"
agent_conf hard "$FIX/debian12-hardened"
for a in weak hard; do
	run ag $a enroll --server "$URL" --token-file "$TMP/token" --ca-file "$CA"
	expect_rc 0 "agent $a enrolls"
	run ag $a run --once
	expect_rc 0 "agent $a pushes"
done
W=$(ag weak status --json | grep -o '"agent_id": *"ag_[a-z0-9]*"' | cut -d'"' -f4)
H=$(ag hard status --json | grep -o '"agent_id": *"ag_[a-z0-9]*"' | cut -d'"' -f4)
judged() { sql "SELECT count(*) FROM evaluations"; }
for ((i = 0; i < 100; i++)); do [[ $(judged) -ge 2 ]] && break; sleep 0.1; done
[[ $(judged) == 2 ]] && ok "both documents judged" || not_ok "$(judged) evaluations"

# A failure of the weak host's, waived; the justification is markup on
# purpose: it must come out as text.
JUST='Legacy PAM stack until the Q3 migration <i>&</i> "ops"'
run ctl waiver add --rule LNX-AUTH-001 --host web-3 --owner ciso \
    --justification "$JUST" --expires 30d
expect_rc 0 "a waiver for LNX-AUTH-001 on web-3"

# Usage.
run ctl report --help
expect_rc 0 "report --help"
expect_in out "formula" "the help explains the CSV formula guard"
run ctl report --format pdf
expect_rc 2 "an unknown format"
run ctl report --at yesterday
expect_rc 2 "a malformed time"
run ctl report extra more
expect_rc 2 "stray arguments"
# One argument is a bundle (fieldwork.sh tests that report).
run ctl report "$TMP/no-such-bundle.tar.gz"
expect_rc 1 "a bundle that does not exist"
expect_in err "no-such-bundle.tar.gz: not a readable bundle" "is named"
run ctl report -o "$TMP/no/such/dir/r.html"
expect_rc 1 "an output file that cannot be written"

# HTML.
run ctl report --format html -o "$TMP/r.html"
expect_rc 0 "report --format html -o FILE"
[[ -s $TMP/r.html && -z $out ]] && ok "the report is in the file, not on stdout" || not_ok "no report file"
html=$(cat "$TMP/r.html")
grep -qiE '<link|<script|<img|<iframe|<object|@import|url\(' <<<"$html" && not_ok "external assets or scripts in the HTML" || ok "no scripts, links, images or imports"
grep -qE 'https?://' <<<"$html" && not_ok "a URL in the HTML: $(grep -oE 'https?://[^ "]*' <<<"$html" | head -3)" || ok "no http(s) URL at all"
for c in A.5.17 A.8.5 A.8.9; do
	grep -qF ">$c<" <<<"$html" && ok "control $c is in the report" || not_ok "control $c missing"
done
for h in web-3 web-2 "$W" "$H"; do
	grep -qF "$h" <<<"$html" && ok "host $h is in the report" || not_ok "host $h missing"
done
grep -qF 'LNX-SSH-001' <<<"$html" && ok "LNX-SSH-001 is in the report" || not_ok "LNX-SSH-001 missing"
sha=$(sha256sum "$FIX/debian12-weak/etc/ssh/sshd_config" | cut -d' ' -f1)
# The weak host's row of LNX-SSH-001: fail, the value seen, the file's hash.
row=$(python3 - "$TMP/r.html" "$W" <<'EOF'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
i = html.index("<h3>LNX-SSH-001")
table = html[i:html.index("</table>", i)]
for row in table.split("<tr>"):
    if sys.argv[2] in row:
        print(row)
EOF
)
grep -qF 'st fail">fail<' <<<"$row" && ok "LNX-SSH-001 fails on the weak host" || not_ok "status: $row"
grep -qF 'permitrootlogin.value</code> = <code>&quot;yes&quot;' <<<"$row" && ok "with the value observed" || not_ok "observed: $row"
grep -qF '/etc/ssh/sshd_config' <<<"$row" && grep -qF "$sha" <<<"$row" && ok "and sshd_config with its sha256" || not_ok "source: $row"
grep -qF 'Legacy PAM stack until the Q3 migration &lt;i&gt;&amp;&lt;/i&gt; &quot;ops&quot;' <<<"$html" && ok "the waiver's justification, escaped" || not_ok "justification missing or not escaped"
grep -qF 'st waived">waived<' <<<"$html" && ok "a waived result" || not_ok "no waived result"
grep -qF 'iso27001-2022-linux' <<<"$html" && grep -qE 'sha256:[0-9a-f]{64}' <<<"$html" && ok "the pack with its digest" || not_ok "no pack"
python3 - "$TMP/r.html" <<'EOF' && ok "the HTML parses, with only the expected tags and no event handlers" || not_ok "unexpected markup"
import sys
from html.parser import HTMLParser
allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3",
    "p", "dl", "dt", "dd", "code", "table", "thead", "tbody", "tr", "th",
    "td", "a", "section", "span", "ul", "li", "br", "b", "i", "q"}
bad = []
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        if tag not in allowed:
            bad.append(tag)
        for k, v in attrs:
            if k.startswith("on") or (k == "href" and not v.startswith("#")):
                bad.append(k + "=" + str(v))
P().feed(open(sys.argv[1], encoding="utf-8").read())
if bad: print(bad[:5], file=sys.stderr)
sys.exit(1 if bad else 0)
EOF

# CSV, to stdout.
run ctl report --format csv
expect_rc 0 "report --format csv"
printf '%s\n' "$out" >"$TMP/r.csv"
ctl controls --json >"$TMP/controls.json"
python3 - "$TMP/r.csv" "$TMP/controls.json" "$W" "$sha" <<'EOF' && ok "the CSV parses: header, one row per control, host and rule, the details" || not_ok "CSV"
import csv, json, sys
want = ["control", "control_title", "hostname", "agent_id", "rule",
    "rule_title", "severity", "status", "expected", "observed", "sources",
    "evidence_id", "collected_at", "waiver_owner", "waiver_expires",
    "waiver_justification"]
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"), strict=True))
assert rows[0] == want, rows[0]
rows = [dict(zip(want, r)) for r in rows[1:]]
assert all(len(r) == len(want) for r in rows)
controls = json.load(open(sys.argv[2]))
n = sum(len(c["rules"]) * len(c["per_host"]) for c in controls)
assert len(rows) == n, (len(rows), n)
keys = {(r["control"], r["agent_id"], r["rule"]) for r in rows}
assert len(keys) == n, "duplicate rows"
ssh = [r for r in rows if r["rule"] == "LNX-SSH-001" and r["agent_id"] == sys.argv[3]]
assert ssh and all(r["status"] == "fail" for r in ssh), ssh
assert all("/etc/ssh/sshd_config:" + sys.argv[4] in r["sources"] for r in ssh), ssh
assert all(json.loads(r["observed"])[0]["value"] == "yes" for r in ssh), ssh
assert all(r["evidence_id"].isdigit() for r in ssh)
w = [r for r in rows if r["rule"] == "LNX-AUTH-001" and r["agent_id"] == sys.argv[3]]
assert w and all(r["status"] == "waived" and r["waiver_owner"] == "ciso" and
    r["waiver_justification"].startswith("Legacy PAM") and r["waiver_expires"]
    for r in w), w
assert {r["status"] for r in rows} <= {"pass", "fail", "error", "not_applicable", "waived"}
EOF

# Before anything was stored: a report, without results.
run ctl report --at 2000-01-01 -o "$TMP/old.html"
expect_rc 0 "report --at 2000-01-01"
grep -q 'LNX-' "$TMP/old.html" && not_ok "results in a report of 2000" || ok "no results in 2000"
grep -qF 'No results were stored by this time' "$TMP/old.html" && ok "it says so" || not_ok "no word of it"
grep -qF '2000-01-01T00:00:00Z' "$TMP/old.html" && ok "and names the time" || not_ok "time missing"
run ctl report --format csv --at 2000-01-01
expect_rc 0 "report --format csv --at 2000-01-01"
[[ $(wc -l <<<"$out") == 1 && $out == control,* ]] && ok "the CSV has its header only" || not_ok "CSV of 2000: $out"

# A hostile hostname: the daemon keeps what the enrolling host sent.
EVIL='=HYPERLINK("x")<script>alert(1)</script>'
sql "UPDATE agents SET hostname = '$EVIL' WHERE id = '$H'"
run ctl report -o "$TMP/hostile.html"
expect_rc 0 "a report with a hostile hostname"
grep -qi '<script' "$TMP/hostile.html" && not_ok "markup from a hostname reached the HTML" || ok "no script tag"
grep -qF '=HYPERLINK(&quot;x&quot;)&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/hostile.html" && ok "the hostname is shown escaped" || not_ok "hostname not shown escaped"
run ctl report --format csv
python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin, strict=True))
h = {r["hostname"] for r in rows if r["agent_id"] == sys.argv[1]}
assert h == {"\x27" + sys.argv[2]}, h
' "$H" "$EVIL" <<<"$out" && ok "the CSV disarms the formula" || not_ok "CSV hostname"

daemon_stop
[[ $drc == 0 ]] && ok "exhibitd stops cleanly" || not_ok "exhibitd exit $drc"
finish
