#!/bin/bash
# The fieldwork report from a bundle alone: a real agent pushes hardened
# -> drifted -> hardened evidence around an audit, a drift item is
# acknowledged and a waiver written, exhibitctl export writes the bundle,
# and exhibitctl report turns it into HTML, CSV and Markdown without the
# daemon or its store.  The HTML is rendered by headless Chromium and its
# text checked, as an auditor's browser would show it.
. "$top_srcdir/tests/integration/lib.sh"

AGENT=$top_builddir/exhibit-agent
CTLB=$top_builddir/exhibitctl
FIX=$top_srcdir/tests/fixtures

daemon_setup "$TMP" "\n[ledger]\ncheckpoint_interval = 1h\n" || exit 1
LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1
ctl() { "$CTLB" -f "$DCONF" "$@"; }
ADMIN=$(grep -o 'exh_[A-Za-z0-9_-]*' "$TMP/init.out" | head -1)

root() {
	rm -rf "$TMP/root"
	cp -a "$FIX/$1" "$TMP/root"
	cp "$FIX/debian12-hardened/etc/hostname" \
	    "$FIX/debian12-hardened/etc/machine-id" "$TMP/root/etc/"
}
root debian12-hardened
printf '[agent]\nroot = %s\nstate_dir = %s\nlog = stderr\n' "$TMP/root" \
    "$TMP/a" >"$TMP/a.conf"
ag() { "$AGENT" -f "$TMP/a.conf" "$@"; }
enroll_token 1 >"$TMP/tok"
run ag enroll --server "$URL" --token-file "$TMP/tok" --ca-file "$CA"
expect_rc 0 "the agent enrolls"
A=$(ag status --json | grep -o '"agent_id": *"ag_[a-z0-9]*"' | cut -d'"' -f4)
HOST=$(cat "$FIX/debian12-hardened/etc/hostname")
judged() { sql "SELECT count(*) FROM evaluations"; }
push() {
	local i
	run ag run --once
	expect_rc 0 "the agent pushes ($1)"
	for ((i = 0; i < 100; i++)); do [[ $(judged) -ge $1 ]] && break; sleep 0.1; done
}

push 1
run ctl audit start --name "Q4"
expect_rc 0 "an audit starts"
# Collection times are by the second: a second apart, the drifted state
# lasts a measurable time.
sleep 1.1
root debian12-drifted
push 2
sleep 1.1
push 3
ID=$(sql "SELECT id FROM drift WHERE subject = 'LNX-SSH-002' AND state = 'open'")
run ctl drift ack --comment "change ticket CHG-42" "$ID"
expect_rc 0 "the regression of LNX-SSH-002 is acknowledged"
run ctl waiver add --rule LNX-FW-002 --host "$HOST" --owner "Jo Risk" \
    --justification "firewall replaced in Q1" --expires 90d
expect_rc 0 "a waiver for LNX-FW-002"
sleep 1.1
root debian12-hardened
push 4
curl -sf -X POST --cacert "$CA" -H "Authorization: Bearer $ADMIN" \
    "$URL/v1/ledger/checkpoint" >/dev/null || not_ok "a fresh checkpoint"
run ctl export --from 2000-01-01 --to 2100-01-01 --control A.8.5 \
    --control A.8.20 --control A.8.9 --control A.5.1 -o "$TMP/b.tar.gz"
expect_rc 0 "exhibitctl export"
run ctl export --from 2000-01-01 --to 2100-01-01 -o "$TMP/all.tar.gz"
expect_rc 0 "exhibitctl export, every control"
daemon_stop

# Everything below runs without the daemon, its store or its config.
B=$TMP/b.tar.gz
mkdir "$TMP/x" && tar -xzf "$B" -C "$TMP/x" || not_ok "tar reads the bundle"
# What the bundle says, read independently of exhibitctl: the evidence
# ids, collection times and the failing source's SHA-256.
facts() {
	python3 - "$TMP/x/agents/$A" <<'PY'
import glob, json, sys, datetime
d = sys.argv[1]
meta = {int(json.load(open(f))["seq"]): json.load(open(f))
        for f in glob.glob(d + "/evidence/*.json") if not f.endswith(".dsse.json")}
def at(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timestamp()
def result(seq, rule):
    h = meta[seq]["evaluations"][-1]["results"][7:]
    return [r for r in json.load(open(f"{d}/results/{h}.json")) if r["rule"] == rule][0]
print("ID_FIRST=%d" % meta[1]["evidence_id"])
print("ID_FAIL=%d" % meta[2]["evidence_id"])
print("ID_LAST=%d" % meta[4]["evidence_id"])
print("FAIL_SECONDS=%d" % (at(meta[4]["collected_at"]) - at(meta[2]["collected_at"])))
print("STATUS_2=%s" % result(2, "LNX-SSH-002")["status"])
print("SHA_PASS=%s" % result(1, "LNX-SSH-002")["sources"][0]["sha256"])
print("SHA_FAIL=%s" % result(2, "LNX-SSH-002")["sources"][0]["sha256"])
PY
}
eval "$(facts)"
[[ $STATUS_2 == fail && $FAIL_SECONDS -gt 0 && $SHA_PASS != "$SHA_FAIL" ]] &&
    ok "the fixture: LNX-SSH-002 fails for ${FAIL_SECONDS}s in the bundle" ||
    not_ok "the fixture does not regress LNX-SSH-002 ($STATUS_2, $FAIL_SECONDS s)"

# --- CSV ----------------------------------------------------------------
run "$CTLB" report "$B" --format csv -o "$TMP/r.csv"
expect_rc 0 "report BUNDLE --format csv"
csvq() { # PYTHON-EXPRESSION over rows (dicts) and head: prints its value
	python3 - "$TMP/r.csv" "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
widths = {len(r) for r in rows}
rows = [dict(zip(head, r)) for r in body]
def row(control, rule):
    return [r for r in rows if r["control"] == control and r["rule"] == rule][0]
print(eval(sys.argv[2]))
PY
}
[[ $(csvq 'widths') == "{28}" ]] && ok "every CSV record has the header's 28 fields" || not_ok "CSV widths: $(csvq 'widths')"
[[ $(csvq 'sorted({r["control"] for r in rows})') == "['A.8.20', 'A.8.5', 'A.8.9']" ]] &&
    ok "only the controls the export asked for" || not_ok "controls: $(csvq 'sorted({r["control"] for r in rows})')"
want=$(python3 -c "
import json
rules = json.load(open('$top_srcdir/conf/rules/iso27001-2022-linux.json'))['rules']
print(sum(c in r['controls'].get('iso27001:2022', []) for r in rules for c in ('A.8.5', 'A.8.20', 'A.8.9')))")
[[ $(csvq 'len(rows)') -eq $want && $want -gt 10 ]] &&
    ok "one CSV row per control, rule and host ($want)" || not_ok "CSV rows: $(csvq 'len(rows)'), expected $want"
r='row("A.8.5", "LNX-SSH-002")'
got=$(csvq "$r['start_status'], $r['end_status'], $r['seconds_failing'], $r['fail_runs'], $r['hostname']")
[[ $got == "('pass', 'pass', '$FAIL_SECONDS', '1', 'web-2')" ]] &&
    ok "LNX-SSH-002: pass at start and end, failing ${FAIL_SECONDS}s in one run" || not_ok "LNX-SSH-002: $got"
got=$(csvq "$r['start_evidence_id'], $r['first_fail_evidence_id'], $r['end_evidence_id']")
[[ $got == "('$ID_FIRST', '$ID_FAIL', '$ID_LAST')" ]] &&
    ok "the evidence ids of the start, the first failure and the end" || not_ok "evidence ids: $got"
got=$(csvq "$r['first_fail_observed'] + ' / ' + $r['first_fail_sources']")
[[ $got == *'passwordauthentication.value = "yes"'*"/etc/ssh/sshd_config.d/50-hardening.conf:6 sha256 $SHA_FAIL"* ]] &&
    ok "the failure's observed value, source file and SHA-256" || not_ok "first failure: $got"
got=$(csvq "$r['start_sources']")
[[ $got == *"sha256 $SHA_PASS"* ]] && ok "the start's source SHA-256" || not_ok "start sources: $got"
got=$(csvq "$r['drift']")
[[ $got == *"rule_regressed"*"acknowledged"*"change ticket CHG-42"*"resolved"*"back to its baseline result"* ]] &&
    ok "the regression, its acknowledgement and its resolution" || not_ok "drift: $got"
got=$(csvq 'row("A.8.20", "LNX-FW-002")["waivers"]')
[[ $got == *"Jo Risk: firewall replaced in Q1"* ]] && ok "the waiver of LNX-FW-002" || not_ok "waivers: $got"
got=$(csvq 'sum(int(r["seconds_failing"]) > 0 for r in rows)')
[[ $got -ge 3 ]] && ok "$got results failed for a while (SSH-002, FW-002, KERN-001)" || not_ok "failing rows: $got"
got=$(csvq 'sum(r["end_status"] == "fail" and int(r["seconds_failing"]) == 0 or r["start_status"] == "" for r in rows)')
[[ $got -eq 0 ]] && ok "no row without a start, no failure without time" || not_ok "odd rows: $got"

# --- Markdown -----------------------------------------------------------
run "$CTLB" report "$B" --format md
expect_rc 0 "report BUNDLE --format md, to standard output"
printf '%s\n' "$out" >"$TMP/r.md"
expect_in out "# ISO/IEC 27001:2022 fieldwork report" "the Markdown title"
expect_in out "| Rule | Host | Start | End | Time failing | Evidence | Drift | Waivers |" "the Markdown table header"
grep -qxF "|---|---|---|---|---|---|---|---|" "$TMP/r.md" && ok "and its delimiter row" || not_ok "no delimiter row"
n=$(grep -c '^| LNX-' "$TMP/r.md")
[[ $n -eq $want ]] && ok "one Markdown row per CSV row ($n)" || not_ok "Markdown rows: $n, expected $want"
bad=$(grep '^| LNX-' "$TMP/r.md" | awk -F' [|] ' '{ gsub(/\\\|/, ""); n = gsub(/ \| /, "&") } n != 7' | head -1)
[[ -z $bad ]] && ok "every result row has eight cells ('|' inside escaped)" || not_ok "a row with another cell count: ${bad:0:200}"
expect_in out "**Ledger checkpoint:** size 4" "the checkpoint's size"
expect_in out "**Asked for, but cited by no bundled rule:** A.5.1" "a control asked for that no rule cites is named"
root=$(python3 -c "import json; print(json.load(open('$TMP/x/manifest.json'))['ledger']['root'])")
expect_in out "$root" "the checkpoint's root"
expect_in out "**Not verified here.**" "the report says it did not verify"
expect_in out "exhibitctl verify" "and names exhibitctl verify"
expect_in out "| A.8.5 | Secure authentication | 16 | 1 | 0 | 0 | 1 |" "A.8.5: failed in the period, passing at start and end"
grep '^| LNX-SSH-002 ' "$TMP/r.md" | grep -qF "first failure: evidence \#$ID_FAIL" &&
    ok "the Markdown names the first failure's evidence" || not_ok "no first failure in: $(grep '^| LNX-SSH-002 ' "$TMP/r.md" | cut -c1-300)"

# --- HTML, as Chromium shows it ----------------------------------------
run "$CTLB" report "$B" -o "$TMP/r.html"
expect_rc 0 "report BUNDLE (html by default) -o FILE"
if grep -Eiq '(src|href|action|srcset)[[:space:]]*=[[:space:]]*["'\'']?[[:space:]]*(https?:|//|data:|file:)|@import|url\(|<script|<link|<iframe|<img' "$TMP/r.html"; then
	not_ok "the HTML refers to something outside it: $(grep -Eio '(src|href)=[^ >]*|@import|url\(|<script|<link' "$TMP/r.html" | head -3)"
else
	ok "the HTML loads nothing from elsewhere and runs nothing"
fi
grep -q "default-src 'none'" "$TMP/r.html" && ok "a Content-Security-Policy forbids loading" || not_ok "no CSP"
# Chromium in a process group of its own, with a profile of its own, so
# that whatever it leaves behind is found and ended.
command -v chromium >/dev/null || not_ok "chromium is not installed: run scripts/install-deps.sh"
U=$TMP/chromium-profile
mkdir -p "$U"
setsid timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu \
    --no-first-run --user-data-dir="$U" --dump-dom "file://$TMP/r.html" \
    >"$TMP/dom.html" 2>"$TMP/chromium.err" &
CPID=$!
wait "$CPID"
crc=$?
[[ $crc -eq 0 && -s $TMP/dom.html ]] && ok "headless Chromium renders the report" ||
    not_ok "chromium: exit $crc: $(tail -3 "$TMP/chromium.err")"
# Its group, and anything else using its profile (should setsid have
# had to fork): gone within five seconds.
left() { pgrep -g "$CPID"; pgrep -f -- "--user-data-dir=$U"; }
for ((i = 0; i < 50; i++)); do [[ -z $(left) ]] && break; sleep 0.1; done
if [[ -n $(left) ]]; then
	not_ok "chromium left processes behind: $(left | tr '\n' ' ')"
	kill -9 -- "-$CPID" 2>/dev/null
else
	ok "chromium left no process behind"
fi
python3 - "$TMP/dom.html" >"$TMP/text" <<'PY'
import html.parser, sys
class Text(html.parser.HTMLParser):
    hidden = {"style", "script", "title", "head"}
    def __init__(self):
        super().__init__()
        self.out, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        self.skip += tag in self.hidden
    def handle_endtag(self, tag):
        self.skip -= tag in self.hidden
    def handle_data(self, d):
        if not self.skip:
            self.out.append(d)
t = Text()
t.feed(open(sys.argv[1]).read())
print(" ".join(" ".join(t.out).split()))
PY
text() { grep -qF -- "$1" "$TMP/text" && ok "the page shows: $1" || not_ok "the page does not show: $1"; }
text "ISO/IEC 27001:2022 fieldwork report"
text "A.8.5 Secure authentication"
text "A.8.20 Networks security"
text "A.8.9 Configuration management"
text "web-2"
text "LNX-SSH-002: SSH does not accept passwords"
text "First failure fail evidence #$ID_FAIL"
text "Start pass evidence #$ID_FIRST"
text "End pass evidence #$ID_LAST"
text "sha256 $SHA_FAIL"
text "change ticket CHG-42"
text "back to its baseline result"
text "Jo Risk: firewall replaced in Q1"
text "(failed in the period)"
text "Not verified here."
text "exhibitctl verify --ledger-key ledger.pub BUNDLE"
text "size 4, root $root"
grep -q '<span class="st fail">fail</span>' "$TMP/dom.html" && ok "a fail status, as parsed by Chromium" || not_ok "no fail status in the DOM"
grep -q '<span class="st pass">pass</span>' "$TMP/dom.html" && ok "a pass status, as parsed by Chromium" || not_ok "no pass status in the DOM"
[[ $(grep -o 'section id="ctl-' "$TMP/dom.html" | wc -l) -eq 3 ]] && ok "three control sections in the DOM" || not_ok "sections: $(grep -o 'section id="ctl-[^"]*' "$TMP/dom.html")"

# Every control when the export named none.
run "$CTLB" report "$TMP/all.tar.gz" --format csv
expect_rc 0 "the report of a bundle of every control"
grep -q '^A\.5\.17,' <<<"$out" && ok "A.5.17 is in when no control was asked for" || not_ok "no A.5.17"
grep -q '^A\.5\.17,' "$TMP/r.csv" && not_ok "A.5.17 in a report limited to three controls" || ok "and out when it was not asked for"

# --- errors ----------------------------------------------------------------
printf 'not a bundle' >"$TMP/junk.tar.gz"
run "$CTLB" report "$TMP/junk.tar.gz"
expect_rc 1 "junk is refused"
expect_in err "junk.tar.gz: not a readable bundle" "and named"
replace() { # MEMBER TEXT|- (delete) -> $TMP/t.tar.gz
	python3 - "$B" "$TMP/t.tar.gz" "$1" "$2" <<'PY'
import io, sys, tarfile
src, dst, name, text = sys.argv[1:]
with tarfile.open(src, "r:gz") as t, tarfile.open(dst, "w:gz") as o:
    for m in t.getmembers():
        data = t.extractfile(m).read()
        if m.name == name:
            if text == "-":
                continue
            data = text.encode()
            m.size = len(data)
        o.addfile(m, io.BytesIO(data))
PY
}
replace manifest.json -
run "$CTLB" report "$TMP/t.tar.gz" --format md
expect_rc 1 "a bundle without its manifest is refused"
expect_in err "no manifest.json" "and the missing manifest named"
RS=$(grep -m1 -o "agents/$A/results/[0-9a-f]*.json" <(tar -tzf "$B"))
replace "$RS" '[{"rule": "LNX-SSH-002", "status": '
run "$CTLB" report "$TMP/t.tar.gz" --format csv
expect_rc 1 "a result set that does not parse is refused"
expect_in err "$RS: does not parse" "and named"
replace drift.jsonl $'{"id":1}\n{oops\n'
run "$CTLB" report "$TMP/t.tar.gz" -o "$TMP/t.html"
expect_rc 1 "a drift line that does not parse is refused"
expect_in err "drift.jsonl: line 2: does not parse" "and its line named"
[[ ! -e $TMP/t.html ]] && ok "and no report is left behind" || not_ok "a report file was written"
run "$CTLB" report "$TMP/nonexistent.tar.gz"
expect_rc 1 "a missing file"
run "$CTLB" report --format md
expect_rc 2 "md without a bundle is a usage error"
expect_in err "for a bundle" "and says why"
run "$CTLB" report "$B" --at 2026-01-01
expect_rc 2 "--at with a bundle is a usage error"
run "$CTLB" report "$B" "$B"
expect_rc 2 "two bundles are a usage error"
run "$CTLB" report "$B" --format pdf
expect_rc 2 "an unknown format is a usage error"
run "$CTLB" report --help
expect_rc 0 "report --help"
expect_in out "does NOT verify" "the usage says the report does not verify the bundle"
expect_in out "report BUNDLE [--format html|csv|md]" "the usage names the bundle form"
finish
