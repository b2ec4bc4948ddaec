#!/bin/sh
# fuzz_planted: `iketest fuzz` finds the bug planted in the reference peer
# (build/planted/iketest, respond.c under IKETEST_PLANTED_BUG: an IDi of
# an unassigned ID Type inside SK of IKE_AUTH aborts the responder) within
# a bounded campaign, minimizes it to a short finding.ike with its pcap
# and key tables; that script crashes a fresh planted peer under `iketest
# run` and passes against the normal peer; a campaign stops at its
# --cases bound, --shard splits the case space; a case's script is a
# function of seed and case. On
# 127.0.0.1; the peers are started by harness/tests/fuzz/adapter and
# stopped by their pids.
set -u
IKETEST=${IKETEST:-build/iketest}
PLANTED=${PLANTED:-build/planted/iketest}
IKETEST_TOP=${IKETEST_TOP:-$(pwd)}
export IKETEST_TOP
FUZZ_PROFILE=$IKETEST_TOP/harness/tests/fuzz/profile.conf
ADAPTER=$IKETEST_TOP/harness/tests/fuzz/adapter
T=$(mktemp -d "${TMPDIR:-/tmp}/iketest-fuzz.XXXXXX") || exit 1
FUZZ_DIR=$T
FUZZ_PORT=$((20000 + ($$ * 13) % 20000))
export FUZZ_PROFILE FUZZ_DIR FUZZ_PORT
ulimit -c 0 2>/dev/null	# the planted peer aborts: no core files

cleanup() {
	if [ -s "$T/peer.pid" ]; then
		p=$(cat "$T/peer.pid")
		kill "$p" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
peer() {	# peer BINARY: a fresh reference peer
	FUZZ_PEER=$1 sh "$ADAPTER" restart
}
alive() {
	FUZZ_PEER=x sh "$ADAPTER" status
}
fuzz() {
	"$IKETEST" fuzz --profile "$FUZZ_PROFILE" --port "$FUZZ_PORT" \
	    --natt-port $((FUZZ_PORT + 1)) --adapter "$ADAPTER" "$@"
}

echo "1..11"
if [ ! -x "$PLANTED" ]; then
	echo "# $PLANTED missing: make build/planted/iketest"
fi

a=$("$IKETEST" fuzz --seed 42 --case 1234 --print | cksum)
b=$("$IKETEST" fuzz --seed 42 --case 1234 --print | cksum)
c=$("$IKETEST" fuzz --seed 42 --case 1235 --print | cksum)
[ "$a" = "$b" ] && [ "$a" != "$c" ]
ok $? "--seed S --case N builds the same case again, another N another one"

export FUZZ_PEER=$PLANTED
peer "$PLANTED"
ok $? "planted reference peer up on 127.0.0.1:$FUZZ_PORT"

start=$(date +%s)
fuzz --seed 3 --states auth --seconds 60 --max-findings 1 --wait-ms 50 \
    --out "$T/camp" >"$T/camp.out" 2>"$T/camp.err"
rc=$?
took=$(($(date +%s) - start))
f=$(ls -d "$T"/camp/findings/crash-auth-* 2>/dev/null | head -n 1)
[ $rc -eq 1 ] && [ -n "$f" ] && [ -s "$f/finding.ike" ]
ok $? "the planted crash is found within 60 s (exit $rc, ${took}s): $(tail -n 1 "$T/camp.err")"
grep -q '^finding-minimized yes$' "$T/camp/fuzz.record" &&
    [ "$(grep -c . "$f/finding.ike" 2>/dev/null || echo 99)" -le 12 ] &&
    grep -q '^send IKE_AUTH: SK(IDi)$' "$f/finding.ike" &&
    grep -q '^    set IDi\[1\]\.id_type = ' "$f/finding.ike"
ok $? "minimized to a short script: IKE_AUTH with SK(IDi) and its ID Type set"
sed 's/^/# /' "$f/finding.ike" 2>/dev/null
ls "$f"/*.pcap >/dev/null 2>&1 && ls "$f"/*.ikev2_decryption_table >/dev/null 2>&1 &&
    ls "$f"/*.record >/dev/null 2>&1
ok $? "the finding has its pcap, key table and record"

peer "$PLANTED"
"$IKETEST" run --profile "$FUZZ_PROFILE" --port "$FUZZ_PORT" \
    --natt-port $((FUZZ_PORT + 1)) --adapter "$ADAPTER" --out "$T/rep" \
    "$f/finding.ike" >"$T/rep.tap" 2>&1
rc=$?
alive
dead=$?
[ $rc -eq 1 ] && [ $dead -ne 0 ]
ok $? "iketest run finding.ike crashes a fresh planted peer (exit $rc)"

FUZZ_PEER=$IKETEST
peer "$IKETEST"
"$IKETEST" run --profile "$FUZZ_PROFILE" --port "$FUZZ_PORT" \
    --natt-port $((FUZZ_PORT + 1)) --adapter "$ADAPTER" --out "$T/norm" \
    "$f/finding.ike" >"$T/norm.tap" 2>&1
rc=$?
alive
ok $(( rc + $? )) "the same script passes against the normal peer, which lives on (exit $rc)"

fuzz --seed 5 --cases 7 --wait-ms 50 --out "$T/b7" >/dev/null 2>"$T/b7.err"
rc=$?
grep -q '^cases 7$' "$T/b7/fuzz.record"
ok $? "--cases 7 runs 7 cases (exit $rc)"
grep -q '^verdict ' "$T/b7/fuzz.record" && grep -q '^end$' "$T/b7/fuzz.record"
ok $? "the campaign's record is complete"
fuzz --seed 5 --seconds 2 --wait-ms 50 --out "$T/s2" >/dev/null 2>&1
d=$(sed -n 's/^duration-us //p' "$T/s2/fuzz.record")
[ -n "$d" ] && [ "$d" -lt 8000000 ]
ok $? "--seconds 2 stops (duration ${d:-?} us; a case in flight ends first)"
fuzz --seed 5 --shard 2/3 --cases 4 --wait-ms 50 --out "$T/sh" >/dev/null 2>&1
fuzz --seed 5 --case 7 --wait-ms 50 --out "$T/one" >/dev/null 2>&1
grep -q '^case-numbers 1 10 step 3$' "$T/sh/fuzz.record" &&
    grep -q '^case-numbers 7 7 step 0$' "$T/one/fuzz.record" &&
    grep -q '^cases 1$' "$T/one/fuzz.record"
ok $? "--shard 2/3 runs cases 1, 4, 7, 10; --case 7 that case alone"
