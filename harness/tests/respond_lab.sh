#!/bin/sh
# respond_lab: the reference peer in the lab. As root with `ip netns`: a
# private lab (own prefix and run directory), the reference peer started
# through its adapter in its namespace, an IKE SA + CHILD SA established
# from the harness namespace, stop, lab down, no namespace left.
set -u

IKETEST=${IKETEST:-build/iketest}
IKETEST_TOP=${IKETEST_TOP:-$(pwd)}
cd "$IKETEST_TOP" || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP not root: the lab needs network namespaces"
	exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP ip netns is not available"
	exit 0
fi

# Short and unique: namespaces are PREFIX-h, PREFIX-ref-net ...
IKETEST_LAB_PREFIX=ikr$(($$ % 100000))
IKETEST_RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/iketest-lab.XXXXXX") || exit 1
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
export IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST
ADAPTER=peers/reference/adapter
PROFILE=peers/reference/profile.conf

cleanup() {
	"$ADAPTER" stop >/dev/null 2>&1
	ci/lab down >/dev/null 2>&1
	rm -rf "$IKETEST_RUNDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

echo "1..8"
ci/lab up >"$IKETEST_RUNDIR/up.out" 2>&1
ok $? "ci/lab up with prefix $IKETEST_LAB_PREFIX$(tail -n 3 "$IKETEST_RUNDIR/up.out" | sed 's/^/: /' | tr '\n' ' ')"

"$ADAPTER" start 2>"$IKETEST_RUNDIR/start.err"
ok $? "adapter start$(sed 's/^/: /' "$IKETEST_RUNDIR/start.err" | tr '\n' ' ')"
"$ADAPTER" status >/dev/null
ok $? "adapter status: running"

set -a
eval "$(ci/lab env ref)"
set +a
ip netns exec "$HARNESS_NS" "$IKETEST" respond --profile "$PROFILE" \
    --initiate "$IUT_ADDR" --log "$IKETEST_RUNDIR/i.log" \
    2>"$IKETEST_RUNDIR/i.err"
ok $? "IKE SA + CHILD SA from $HARNESS_NS to $IUT_ADDR$(sed 's/^/: /' "$IKETEST_RUNDIR/i.err" | tr '\n' ' ')"
i=0
while [ $i -lt 30 ] && ! grep -q " deleted: " "$IKETEST_RUNDIR/reference/respond.log" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
grep -q "$HARNESS_ADDR:[0-9]* IKE SA .* established: .*1 CHILD SA$" \
    "$IKETEST_RUNDIR/reference/respond.log" &&
    grep -q "IKE SA .* deleted: " "$IKETEST_RUNDIR/reference/respond.log"
ok $? "the reference peer's log: established with a CHILD SA from $HARNESS_ADDR, deleted"

# the inner header lies of `esp send' on the wire, each counted by the peer
ip netns exec "$HARNESS_NS" "$IKETEST" run --profile "$PROFILE" \
    --adapter "$IKETEST_TOP/$ADAPTER" harness/tests/scripts/esp_lies_counted.ike \
    >"$IKETEST_RUNDIR/lies.tap" 2>&1
ok $? "esp send ipver= ihl= iplen= ipcsum= l4len= l4csum= and a short raw packet: 8 inner drops counted, next=59 a dummy, the ESP layer took them$(grep "^not ok\|expected" "$IKETEST_RUNDIR/lies.tap" | sed 's/^/: /' | tr '\n' ' ')"

pid=$(cat "$IKETEST_RUNDIR/reference/respond.pid" 2>/dev/null)
"$ADAPTER" stop 2>/dev/null
[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null
ok $? "adapter stop: pid ${pid:-?} gone"

ci/lab down >/dev/null 2>&1
left=$(ip netns list | awk '{print $1}' | grep "^$IKETEST_LAB_PREFIX-" | tr '\n' ' ')
[ -z "$left" ]
ok $? "ci/lab down: no namespace left${left:+ ($left)}"
