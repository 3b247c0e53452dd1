#!/usr/bin/env bash
# exhibitctl on a state directory: init once, tokens, agents, and clear
# refusals that change nothing.
. "$top_srcdir/tests/integration/lib.sh"

# The shipped configuration; on PostgreSQL (lib.sh) with the test's
# database as its [store].
CONF=$top_builddir/conf/exhibitd.conf
if [[ -n ${EXHIBIT_TEST_PG:-} ]]; then
	store_reset || exit 1
	sed "s|^backend = sqlite\$|backend = postgresql\nconnection = $EXHIBIT_TEST_PG|" \
	    "$CONF" >"$TMP/exhibitd.conf"
	CONF=$TMP/exhibitd.conf
	grep -q '^backend = postgresql$' "$CONF" ||
	    { not_ok "conf/exhibitd.conf has no \"backend = sqlite\" line"; finish; exit 1; }
fi
CTL="$top_builddir/exhibitctl -f $CONF"
S=$TMP/state

run $CTL --state "$S" token list
expect_rc 1 "token list before init"
expect_in err "not initialised" "says the state directory is not initialised"

run $CTL --state "$S" init
expect_rc 0 "init"
expect_in out "admin token" "init prints the admin token"
admin=$(grep '^exh_' "$TMP/out")
if [[ ${#admin} -eq 47 ]]; then ok "the token is exh_ and 43 characters"; else not_ok "token '$admin'"; fi
for f in ca.key server.key ledger.key; do
	if [[ $(stat -c %a "$S/$f") == 600 ]]; then ok "$f is 0600"; else not_ok "$f mode $(stat -c %a "$S/$f")"; fi
done
if [[ $(stat -c %a "$S") == 700 ]]; then ok "state directory is 0700"; else not_ok "state directory mode"; fi
if openssl verify -CAfile "$S/ca.pem" "$S/server.pem" >/dev/null 2>&1; then
	ok "the server certificate chains to the CA"
else not_ok "the server certificate chains to the CA"; fi
if openssl x509 -in "$S/server.pem" -noout -ext subjectAltName | grep -q "IP Address:127.0.0.1"; then
	ok "the server certificate names 127.0.0.1 from the configuration"
else not_ok "server certificate SANs"; fi
# The secret is never stored: only its hash is in the database.
store_dump "$S" >"$TMP/dump" || not_ok "cannot read the store"
if grep -qF "${admin#exh_}" "$TMP/dump"; then not_ok "the token is stored in clear"; else ok "the token is not stored in clear"; fi

sum_before=$(sha256sum "$S/ca.key")
run $CTL --state "$S" init
expect_rc 1 "a second init"
expect_in err "already initialised" "is refused"
if [[ $(sha256sum "$S/ca.key") == "$sum_before" ]]; then ok "and changes nothing"; else not_ok "the CA key changed"; fi

run $CTL --state "$S" token create --role enroll --uses 3 --expires 7d --comment "web fleet"
expect_rc 0 "token create --role enroll"
expect_in out "3 uses" "with its use count"
id=$(sed -n 's/^token \(tk_[a-z0-9]*\) .*/\1/p' "$TMP/out")
run $CTL --state "$S" token list
expect_rc 0 "token list"
expect_in out "$id" "lists the new token"
expect_in out "web fleet" "with its comment"
expect_in out "first admin token" "and the admin token"
run $CTL --state "$S" token revoke "$id"
expect_rc 0 "token revoke"
run $CTL --state "$S" token list
expect_in out "revoked" "the token shows as revoked"
run $CTL --state "$S" token revoke "$id"
expect_rc 1 "revoking it again"
run $CTL --state "$S" token create --role root
expect_rc 2 "an unknown role"
run $CTL --state "$S" token create --role enroll --expires soon
expect_rc 2 "a bad duration"
run $CTL --state "$S" token create --role enroll --uses 0
expect_rc 2 "zero uses"
run $CTL --state "$S" token frobnicate
expect_rc 2 "an unknown token command"

run $CTL --state "$S" agent list
expect_rc 0 "agent list"
expect_in out "HOSTNAME" "prints a table"
run $CTL --state "$S" agent revoke ag_nonexistent
expect_rc 1 "revoking an unknown agent"
expect_in err "no such active agent" "says so"

# Options a command would ignore, and values no item can have, are usage
# errors rather than empty answers.
run $CTL --state "$S" hosts --rule SSH-1
expect_rc 2 "hosts refuses --rule"
run $CTL --state "$S" controls --status fail
expect_rc 2 "controls refuses --status"
run $CTL --state "$S" drift --state bogus
expect_rc 2 "drift refuses an unknown --state"
run $CTL --state "$S" drift --kind bogus
expect_rc 2 "drift refuses an unknown --kind"
expect_in err 'unknown --kind "bogus"' "and names it"

# More names than a certificate gets: refused before anything is made.
names=$(seq -s, -f 'h%g.example.org' 1 17)
sed "s|^names = .*|names = $names|" "$CONF" >"$TMP/many.conf"
run "$top_builddir/exhibitctl" -f "$TMP/many.conf" --state "$TMP/many" init
expect_rc 1 "init with 17 names"
expect_in err "more than 16 names" "says how many it takes"
[[ ! -e $TMP/many ]] && ok "and creates nothing" || not_ok "$TMP/many was created"

finish
