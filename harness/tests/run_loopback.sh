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
RESP_PID= PEER_PID=
cleanup() {
	[ -n "$RESP_PID" ] && kill "$RESP_PID" 2>/dev/null
	[ -n "$PEER_PID" ] && kill "$PEER_PID" 2>/dev/null
	rm -rf "$OUT"
}
trap cleanup EXIT INT TERM
n=0
# ok STATUS TEXT; `ok $([ ... ] && echo 0) TEXT' leaves STATUS out when
# the test fails: then TEXT is $1.
ok() {
	n=$((n + 1))
	if [ $# -ge 2 ] && [ "$1" = 0 ]; then echo "ok $n - $2"
	else eval "echo \"not ok $n - \${$#}\""; fi
}
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
	kill "$RESP_PID"; wait "$RESP_PID" 2>/dev/null; RESP_PID=
else
	n=$((n + 1)); echo "ok $n # SKIP iketest respond is not there yet"
fi

# RFC 7296 2.1 on iketest's own side (issue 16): iketest respond
# --drop-first loses the first copy of each request it receives and of
# each response it sends; or a second iketest run on the other end plays
# a faulty IUT (pair FIRST SECOND: FIRST, the one that waits, starts first).
start_resp() {	# PROFILE [respond options]
	prof=$1; shift
	rm -f "$OUT/respond.log"
	"$IKETEST" respond --profile "$prof" --addr 127.0.0.1 --port $PORT \
	    --natt-port $((PORT + 1)) --log "$OUT/respond.log" "$@" \
	    >"$OUT/respond.out" 2>&1 &
	RESP_PID=$!
	sleep 0.3
}
stop_resp() { kill "$RESP_PID" 2>/dev/null; wait "$RESP_PID" 2>/dev/null; RESP_PID=; }
pair() {
	"$IKETEST" run --profile $S/loopback.conf --port $((PORT + 4)) \
	    --natt-port $((PORT + 5)) --local-port $((PORT + 2)) \
	    --local-natt-port $((PORT + 3)) --out "$OUT" "$1" \
	    >"$OUT/first.tap" 2>&1 &
	PEER_PID=$!
	sleep 0.3
	"$IKETEST" run --profile $S/loopback.conf --port $((PORT + 2)) \
	    --natt-port $((PORT + 3)) --local-port $((PORT + 4)) \
	    --local-natt-port $((PORT + 5)) --out "$OUT" "$2" \
	    >"$OUT/second.tap" 2>&1
	rc2=$?
	wait "$PEER_PID"; rc1=$?; PEER_PID=
}
LOOPBACK_PSK=$OUT/psk; export LOOPBACK_PSK
echo "loopback-only-test-key" >"$LOOPBACK_PSK"

start_resp $S/loopback.conf --drop-first
run $S/retx_send.ike; rc=$?
ok $([ $rc = 0 ] && echo 0) "a lost request: send retransmits it on the profile's schedule (got $rc)"
grep -q '^# retransmitted the IKE_SA_INIT request (message ID 0), copy 2' "$OUT/tap"
ok $? "the retransmission is a TAP comment"
grep -q '^~ --drop-first: dropped the first copy of a datagram received' "$OUT/respond.log"
ok $? "respond --drop-first dropped the first copy (its log says so)"
run $S/retx_off.ike; rc=$?
ok $([ $rc = 1 ] && echo 0) "retransmit off: sent once, lost, a failure (got $rc)"
! grep -q '^# retransmitted' "$OUT/tap"; ok $? "retransmit off: no retransmission"
stop_resp

start_resp $S/loopback_psk.conf
"$IKETEST" run --profile $S/loopback_psk.conf --port $PORT \
    --natt-port $((PORT + 1)) --out "$OUT" \
    suites/create_child_sa/rekey_ike.ike >"$OUT/tap" 2>"$OUT/err"; rc=$?
stop_resp
ok $([ $rc = 0 ] && echo 0) "create_child_sa/rekey_ike.ike against iketest respond (got $rc)"
grep -q '^# stopped: 2 established, 2 deleted' "$OUT/respond.log"
ok $? "after an IKE SA rekey, clean-up deletes the new IKE SA too: $(grep '^# stopped' "$OUT/respond.log")"

pair $S/dup_peer.ike $S/dup_victim.ike
ok $([ $rc2 = 1 ] && echo 0) "a duplicate response: exit 1 (got $rc2)"
grep -q '^not ok [0-9]* - dup_victim.ike:9 unsolicited duplicate response (RFC 7296 2.1)$' "$OUT/second.tap"
ok $? "a duplicate response is its own failed check"
grep -q '^ok [0-9]* - dup_victim.ike:9 expect IKE_SA_INIT response$' "$OUT/second.tap"
ok $? "... and not taken for the answer the next expect waits for"

pair $S/again_victim.ike $S/again_peer.ike
ok $([ $rc2 = 0 ] && echo 0) "iketest as responder answers a retransmitted request with the same bytes (got $rc2)"
grep -q '^# the IUT sent its IKE_SA_INIT request (message ID 0) again: the same response again' "$OUT/first.tap"
ok $? "... and says so"

pair $S/no_keys_peer.ike $S/no_keys_victim.ike
ok $([ $rc2 = 1 ] && echo 0) "no keys after the IUT's bad IKE_SA_INIT answer: exit 1, not 2 (got $rc2)"
! grep -q 'Bail out!' "$OUT/second.tap"; ok $? "... and no Bail out"
echo "1..$n"
