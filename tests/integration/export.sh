#!/bin/bash
# Auditors' bundles end to end: a real agent pushes hardened -> drifted ->
# hardened evidence (sections sent as references too), an audit freezes a
# baseline, exhibitctl export writes the bundle and exhibitctl verify
# checks it offline with the ledger key; a second bundle proves the
# ledger grew from the checkpoint kept from the first; and every kind of
# tampering (a modified, deleted, reordered or added member, a rolled-back
# checkpoint, a foreign ledger key) fails with its own message.
. "$top_srcdir/tests/integration/lib.sh"

CTLB=$top_builddir/exhibitctl
TAMPER="python3 $top_srcdir/tests/tools/tamper-bundle.py"

daemon_setup "$TMP" "\n[ledger]\ncheckpoint_interval = 1h\n" || exit 1
LOG=$TMP/daemon.log
daemon_start "$LOG" || exit 1
ctl() { "$CTLB" -f "$DCONF" "$@"; }
ADMIN=$(grep -o 'exh_[A-Za-z0-9_-]*' "$TMP/init.out" | head -1)
KEY=$DSTATE/ledger.pub

root debian12-hardened
agent_enroll
judged() { sql "SELECT count(*) FROM evaluations"; }
push() {
	local i
	run ag run --once
	expect_rc 0 "the agent pushes ($1)"
	for ((i = 0; i < 100; i++)); do [[ $(judged) -ge $1 ]] && break; sleep 0.1; done
}
checkpoint() {
	curl -sf -X POST --cacert "$CA" -H "Authorization: Bearer $ADMIN" \
	    "$URL/v1/ledger/checkpoint" >/dev/null || not_ok "a fresh checkpoint"
}

push 1
run ctl audit start --name "Q4"
expect_rc 0 "an audit starts"
sleep 1.1	# periods are by the second: the next push falls after it
root debian12-drifted
push 2
push 3
root debian12-hardened
push 4
[[ $(sql "SELECT count(*) FROM evidence_sections WHERE reference = 1") -gt 0 ]] &&
    ok "some sections were sent as references" || not_ok "no references to resolve"

checkpoint

run ctl export --from 2000-01-01 --to 2100-01-01 -o "$TMP/b1.tar.gz"
expect_rc 0 "exhibitctl export"
expect_in err "4 envelopes of 1 hosts" "the bundle holds the four envelopes"
tar -tzf "$TMP/b1.tar.gz" >"$TMP/members" || not_ok "tar reads the bundle"
for m in ledger.pub checkpoint rulesets.json "agents/$A/agent.json" \
    "agents/$A/evidence/1.dsse.json" "agents/$A/evidence/4.json" \
    waivers.json audits.json drift.jsonl security-events.jsonl SHA256SUMS \
    manifest.json manifest.dsse.json; do
	grep -qxF "$m" "$TMP/members" || not_ok "member $m missing"
done
[[ $(tail -1 "$TMP/members") == manifest.dsse.json ]] && ok "the members, the signed manifest last" || not_ok "members: $(cat "$TMP/members")"
grep -q '^agents/'"$A"'/sections/' "$TMP/members" && ok "referenced sections travel with the agent" || not_ok "no sections/"
# Auditors can check the listing with standard tools, too.
mkdir "$TMP/x" && tar -xzf "$TMP/b1.tar.gz" -C "$TMP/x"
(cd "$TMP/x" && sha256sum --quiet -c SHA256SUMS) && ok "sha256sum -c SHA256SUMS passes" || not_ok "sha256sum -c"
[[ $(sql_hex envelope "evidence WHERE seq = 2") == "$(od -An -v -tx1 <"$TMP/x/agents/$A/evidence/2.dsse.json" | tr -d ' \n')" ]] &&
    ok "envelopes exactly as received" || not_ok "envelope 2 differs from the stored one"
grep -q '"created_by": "exhibitctl:' "$TMP/x/manifest.json" && ok "the manifest says who asked" || not_ok "manifest: $(head -20 "$TMP/x/manifest.json")"
[[ $(wc -l <"$TMP/x/drift.jsonl") -gt 0 ]] && ok "the period's drift items are in" || not_ok "no drift items"

run "$CTLB" verify --ledger-key "$KEY" "$TMP/b1.tar.gz"
expect_rc 0 "exhibitctl verify passes an untouched bundle"
expect_in out "verified: 4 envelopes of 1 agents" "verify counts the envelopes"
grep -qE ", [1-9][0-9]* results re-judged" <<<"$out" && ok "results judged again and equal" || not_ok "no re-judging: $out"
run "$CTLB" verify "$TMP/b1.tar.gz" --ledger-key "$KEY"
expect_rc 0 "verify takes its options after the bundle too"
expect_in out "verified: 4 envelopes of 1 agents" "and verifies it"
run "$CTLB" verify "$TMP/b1.tar.gz"
expect_rc 0 "verify without a key of one's own"
expect_in out "pass --ledger-key" "and says the key came from the bundle"

# The auditor keeps the checkpoint; next time the ledger must extend it.
cp "$TMP/x/checkpoint" "$TMP/kept"
push 5
run ctl export --from 2000-01-01 --to 2100-01-01 -o "$TMP/b15.tar.gz"
expect_rc 0 "export before the next checkpoint"
expect_in err "1 envelopes received after that checkpoint are not in the bundle" "evidence the checkpoint does not cover is left out, and said so"
checkpoint
run ctl export --from 2000-01-01 --to 2100-01-01 --since-checkpoint "$TMP/kept" -o "$TMP/b2.tar.gz"
expect_rc 0 "export with --since-checkpoint"
run "$CTLB" verify --ledger-key "$KEY" --since-checkpoint "$TMP/kept" "$TMP/b2.tar.gz"
expect_rc 0 "the consistency proof from the kept checkpoint verifies"
mkdir "$TMP/y" && tar -xzf "$TMP/b2.tar.gz" -C "$TMP/y" checkpoint
run "$CTLB" verify --ledger-key "$KEY" --since-checkpoint "$TMP/y/checkpoint" "$TMP/b1.tar.gz"
expect_rc 1 "a bundle older than the kept checkpoint fails"
expect_in out "rolled back" "rolled back, it says"
run "$CTLB" verify --ledger-key "$KEY" --since-checkpoint "$TMP/kept" "$TMP/b1.tar.gz"
expect_rc 1 "--since-checkpoint without a consistency proof fails"

# Host and period filters.
run ctl export --host "$A" --from 2000-01-01 --to 2000-01-02 -o "$TMP/empty.tar.gz"
expect_rc 0 "an empty period exports"
expect_in err "0 envelopes of 1 hosts" "and holds no envelope"
run ctl export --host nosuchhost --from 2000-01-01 --to 2100-01-01 -o "$TMP/n.tar.gz"
expect_rc 1 "an unknown host is refused"
[[ ! -e $TMP/n.tar.gz ]] && ok "and leaves no file" || not_ok "a file was left"
run ctl export --audit "Q4" -o "$TMP/q4.tar.gz"
expect_rc 0 "export --audit"
expect_in err "1 envelopes of 1 hosts" "the audit's period holds the evidence before it"
run ctl export --audit "nope" -o "$TMP/q.tar.gz"
expect_rc 1 "an unknown audit is refused"
run ctl export -o "$TMP/q.tar.gz"
expect_rc 2 "export without a period is a usage error"

# The same over the API, for the auditor role.
AUD=$(ctl token create --role auditor | grep -o 'exh_[A-Za-z0-9_-]*' | head -1)
api() { # api QUERY TOKEN -> $status, body in $TMP/api.out
	status=$(curl -s -o "$TMP/api.out" -D "$TMP/api.h" -w '%{http_code}' \
	    --cacert "$CA" ${2:+-H "Authorization: Bearer $2"} "$URL/v1/export$1")
}
api "?from=2000-01-01&to=2100-01-01" "$AUD"
[[ $status == 200 ]] && grep -qi '^content-type: application/gzip' "$TMP/api.h" &&
    ok "GET /v1/export gives the auditor a bundle" || not_ok "GET /v1/export: $status $(head -c 300 "$TMP/api.out")"
run "$CTLB" verify --ledger-key "$KEY" "$TMP/api.out"
expect_rc 0 "the API's bundle verifies"
expect_in out "verified: 5 envelopes" "and holds every envelope, the newest signed on the way"
api "?from=2000-01-01&to=2100-01-01"
[[ $status == 401 ]] && ok "no token: 401" || not_ok "no token: $status"
api "?from=2000-01-01" "$AUD"
[[ $status == 400 ]] && grep -q bad_request "$TMP/api.out" && ok "a half period: 400" || not_ok "half period: $status"
api "?audit=nope" "$AUD"
[[ $status == 400 ]] && grep -q 'no audit is named' "$TMP/api.out" && ok "an unknown audit: 400 with the reason" || not_ok "unknown audit: $status $(cat "$TMP/api.out")"
api "?audit=Q4&bogus=1" "$AUD"
[[ $status == 400 ]] && ok "an unknown parameter: 400" || not_ok "unknown parameter: $status"
ls "$DSTATE" | grep -q '^export\.' && not_ok "export files left in the state directory" || ok "no export file left behind"

# Tampering.
tampered() { # ACTION ARGS... -> verify the result in $out/$rc
	$TAMPER "$TMP/b1.tar.gz" "$TMP/t.tar.gz" "$@" || not_ok "tamper $*"
	run "$CTLB" verify --ledger-key "$KEY" "$TMP/t.tar.gz"
}
E=agents/$A/evidence
tampered flip "$E/2.dsse.json"
expect_rc 1 "a modified envelope fails"
expect_in out "FAIL $E/2.dsse.json: modified" "the listing names the modified member"
expect_in out "FAIL $E/2.json: signature" "its signature fails"
tampered delete "$E/3.dsse.json" "$E/3.json"
expect_rc 1 "a deleted envelope fails"
expect_in out "FAIL $E/3.dsse.json: missing" "the listing names the missing member"
expect_in out "seq 3 to 3 missing" "the seq gap is reported"
tampered swap "$E/1.dsse.json" "$E/2.dsse.json"
expect_rc 1 "reordered envelopes fail"
expect_in out "reordered" "reordering is named"
tampered add "agents/$A/evidence/extra.txt"
expect_rc 1 "an added member fails"
expect_in out "added: not in the listing" "the added member is named"
R=$(grep -m1 -o "agents/$A/results/[0-9a-f]*.json" "$TMP/members")
tampered flip "$R"
expect_rc 1 "a modified result set fails"
expect_in out "FAIL $R: content does not match" "the result set's digest is checked"
tampered flip manifest.json
expect_rc 1 "a modified manifest fails"
expect_in out "not the manifest that was signed" "the manifest's signature is checked"
openssl genpkey -algorithm ed25519 -out "$TMP/other.key" 2>/dev/null
openssl pkey -in "$TMP/other.key" -pubout -out "$TMP/other.pub"
run "$CTLB" verify --ledger-key "$TMP/other.pub" "$TMP/b1.tar.gz"
expect_rc 1 "a bundle of another ledger fails"
expect_in out "is not the one you trust" "the foreign key is named"
printf 'not a bundle' >"$TMP/junk.tar.gz"
run "$CTLB" verify "$TMP/junk.tar.gz"
expect_rc 2 "junk is not a bundle"

# A bundle a daemon killed mid-export left behind goes at the next start;
# other files stay.
daemon_stop
: >"$DSTATE/export.4242.0x55d0c0ffee.tmp"
: >"$DSTATE/export.notes"
daemon_start "$LOG" || exit 1
[[ ! -e $DSTATE/export.4242.0x55d0c0ffee.tmp && -e $DSTATE/export.notes ]] &&
    grep -q "removed 1 bundle(s) a previous run left half-written" "$LOG" &&
    ok "a half-written export is removed at start" || not_ok "leftover export: $(ls "$DSTATE")"
daemon_stop
finish
