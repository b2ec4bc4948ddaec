#!/bin/sh
# iketest run over loopback: TAP lines, YAML diagnostics, SKIP, TODO,
# exit codes 0/1/2, file:line for a bad script, result records. Nothing
# listens on the IUT port unless `iketest respond' exists (then the
# examples run against it). Only 127.0.0.1; every process by its pid.
set -u
: "${IKETEST:=build/iketest}"
S=harness/tests/scripts
OUT=$(mktemp -d /tmp/iketest-loopback.XXXXXX)
PORT=$((40000 + $$ % 10000))
RESP_PID=
cleanup() {
	[ -n "$RESP_PID" ] && kill "$RESP_PID" 2>/dev/null
	rm -rf "$OUT"
}
trap cleanup EXIT INT TERM
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
run() {
	"$IKETEST" run --profile $S/loopback.conf --port $PORT \
	    --natt-port $((PORT + 1)) --out "$OUT" "$@" >"$OUT/tap" 2>"$OUT/err"
}

echo "TAP version 13"
run $S/silent.ike; rc=$?
ok $([ $rc = 1 ] && echo 0) "no answer: exit 1 (got $rc)"
grep -q '^not ok 1 - silent.ike:6 expect IKE_SA_INIT response$' "$OUT/tap"; ok $? "no answer: a not ok line naming the script line"
grep -q '^  ---$' "$OUT/tap" && grep -q '^    - "RFC 7296 2.4"$' "$OUT/tap" &&
    grep -q 'expected a message within 300ms, actual nothing' "$OUT/tap" &&
    grep -q "^  pcap: \"$OUT/scripts_silent.pcap\"" "$OUT/tap" && grep -q '^  \.\.\.$' "$OUT/tap"
ok $? "YAML block: rfc, expected vs actual, pcap"
grep -q '^1\.\.1$' "$OUT/tap"; ok $? "plan 1..1"
[ -s "$OUT/scripts_silent.pcap" ]; ok $? "a pcap was written"
grep -q '^verdict fail$' "$OUT/scripts_silent.record" && grep -q '^script harness/tests/scripts/silent.ike$' "$OUT/scripts_silent.record"
ok $? "record: script and verdict fail"
want=$(sha256sum harness/tests/scripts/silent.ike | cut -c1-64)
grep -q "^script-sha256 $want\$" "$OUT/scripts_silent.record"
ok $? "record: script-sha256 is the hash of the script file"

run $S/quiet.ike; rc=$?
ok $([ $rc = 0 ] && echo 0) "silence: exit 0 (got $rc)"
grep -q '^ok 1 - quiet.ike:6 expect silence for 200ms$' "$OUT/tap"; ok $? "silence: ok line"

run $S/needs_missing.ike; rc=$?
ok $([ $rc = 0 ] && echo 0) "needs unmet: exit 0 (got $rc)"
grep -q '^1\.\.0 # SKIP needs ike.dh=CURVE448' "$OUT/tap"; ok $? "needs unmet: 1..0 # SKIP with the reason"

run $S/bad_syntax.ike; rc=$?
ok $([ $rc = 2 ] && echo 0) "bad script: exit 2 (got $rc)"
grep -q '^harness/tests/scripts/bad_syntax.ike:5:1: unknown event' "$OUT/err"; ok $? "bad script: file:line on stderr"

run $S/deviant.ike; rc=$?
ok $([ $rc = 0 ] && echo 0) "declared deviation: exit 0 (got $rc)"
grep -q '^not ok 1 - .* # TODO RFC 7296 2.21.2: a deviation' "$OUT/tap"; ok $? "declared deviation: a TODO directive on the failing line"

run $S/quiet.ike $S/needs_missing.ike; rc=$?
ok $([ $rc = 0 ] && echo 0) "two scripts: exit 0 (got $rc)"
grep -q '^    ok 1 - quiet.ike' "$OUT/tap" && grep -q '^1\.\.2$' "$OUT/tap"; ok $? "two scripts: indented subtests, plan 1..2"

if "$IKETEST" respond --help >/dev/null 2>&1; then
	"$IKETEST" respond --profile $S/loopback.conf --addr 127.0.0.1 \
	    --port $PORT >"$OUT/respond.log" 2>&1 &
	RESP_PID=$!
	sleep 0.3
	run --no-rules suites/examples/proposal_selection.ike; rc=$?
	ok $([ $rc = 0 ] && echo 0) "examples/proposal_selection.ike against iketest respond (got $rc)"
else
	n=$((n + 1)); echo "ok $n # SKIP iketest respond is not there yet"
fi
echo "1..$n"
