#!/bin/sh
# reference_counters: `peers/reference/adapter counters` reads the stats
# file of `iketest respond --stats` and prints the newest CHILD SA's
# counters as key=value lines (exit 0); no CHILD SA: exit 1; the peer
# not running: exit 3 (the adapters' contract). Runs from a private
# IKETEST_RUNDIR with a pid file naming this shell, so no peer is needed.
set -u

IKETEST_TOP=${IKETEST_TOP:-$(pwd)}
ADAPTER=$IKETEST_TOP/peers/reference/adapter
T=$(mktemp -d "${TMPDIR:-/tmp}/iketest-counters.XXXXXX") || exit 1
D=$T/reference

cleanup() {
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

echo "1..7"
mkdir -p "$D"
echo $$ >"$D/respond.pid"
cat >"$D/respond.stats" <<EOF
child 11111111 22222222 in_packets=1 in_bytes=10 out_packets=1 out_bytes=10 drop_replay=0 drop_too_old=0 drop_bad_icv=0 drop_bad_padding=0 drop_bad_pad_len=0 drop_selectors=0 dummy=0 drop_truncated=0 drop_bad_block=0 drop_zero_seq=0 drop_inner=0 protocol=ESP
child 0a0b0c0d c1c2c3c4 in_packets=5 in_bytes=185 out_packets=4 out_bytes=148 drop_replay=2 drop_too_old=0 drop_bad_icv=3 drop_bad_padding=0 drop_bad_pad_len=0 drop_selectors=1 dummy=1 drop_truncated=0 drop_bad_block=0 drop_zero_seq=0 drop_inner=0 protocol=ESP
unknown_spi=7
EOF

out=$(IKETEST_RUNDIR=$T sh "$ADAPTER" counters 2>"$T/err")
rc=$?
ok $rc "counters: exit 0 (got $rc) $(cat "$T/err")"
printf '%s\n' "$out" | grep -qx 'spi_in=0a0b0c0d' &&
    printf '%s\n' "$out" | grep -qx 'spi_out=c1c2c3c4'
ok $? "the newest CHILD SA (the last line): spi_in=0a0b0c0d spi_out=c1c2c3c4"
for kv in in_packets=5 in_bytes=185 out_packets=4 out_bytes=148 \
    drop_replay=2 drop_bad_icv=3 drop_selectors=1 dummy=1 protocol=ESP \
    unknown_spi=7; do
	printf '%s\n' "$out" | grep -qx "$kv" || break
	kv=
done
ok $([ -z "$kv" ] && echo 0 || echo 1) "one key=value a line: in_packets=5 ... unknown_spi=7${kv:+ (missing $kv)}"
printf '%s\n' "$out" | grep -v '^[a-z_]*=[0-9a-zA-Z]*$' >"$T/bad"
ok $([ ! -s "$T/bad" ] && echo 0 || echo 1) "nothing but key=value lines"

echo "unknown_spi=0" >"$D/respond.stats"
IKETEST_RUNDIR=$T sh "$ADAPTER" counters >/dev/null 2>&1
rc=$?
ok $([ $rc -eq 1 ] && echo 0 || echo 1) "no CHILD SA: exit 1 (got $rc)"

rm -f "$D/respond.pid"
IKETEST_RUNDIR=$T sh "$ADAPTER" counters >/dev/null 2>&1
rc=$?
ok $([ $rc -eq 3 ] && echo 0 || echo 1) "not running: exit 3 (got $rc)"

IKETEST_RUNDIR=$T sh "$ADAPTER" --help | grep -q '^  counters '
ok $? "--help lists the counters verb"
