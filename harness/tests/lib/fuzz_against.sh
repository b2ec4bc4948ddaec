#!/bin/sh
# fuzz_against.sh IUT SECONDS OUT [FUZZ OPTIONS...]: a bounded `iketest
# fuzz` campaign against one IUT of the lab (the nightly runner's fuzz
# step, or a campaign by hand): the lab up with its own prefix, the IUT
# installed, started and configured by its adapter, `iketest fuzz` in the
# harness namespace for SECONDS with its record in OUT/fuzz.record and the
# findings in OUT/findings, then the IUT stopped and the lab down on every
# exit path. Exit status: iketest fuzz's (0 no finding, 1 findings, 2 it
# could not run), 3 when the lab or the IUT could not be set up. Needs
# root and `ip netns`.
set -u
[ $# -ge 3 ] || { echo "usage: fuzz_against.sh IUT SECONDS OUT [FUZZ OPTIONS...]" >&2; exit 2; }
iut=$1 secs=$2 out=$3
shift 3
cd "${IKETEST_TOP:-.}" || exit 3
top=$(pwd) prog=fuzz_against.sh
. peers/lib.sh
slot=$(peer_short "$iut") || { echo "$prog: $iut is not in the registry" >&2; exit 3; }
: "${IKETEST:=build/iketest}"
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
IKETEST_LAB_PREFIX=fz$(($$ % 1000))
IKETEST_RUNDIR=/run/iketest-$IKETEST_LAB_PREFIX
export IKETEST IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST_TOP=$top
ADAPTER=$top/peers/$iut/adapter PROFILE=peers/$iut/profile.conf
mkdir -p "$out" || exit 3
started=
cleanup() {
	trap - EXIT INT TERM
	[ -n "$started" ] && "$ADAPTER" stop >/dev/null 2>&1
	ci/lab down >/dev/null 2>&1
	rm -rf "$IKETEST_RUNDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ci/lab up >"$out/lab.log" 2>&1 || { echo "$prog: ci/lab up failed (see $out/lab.log)" >&2; exit 3; }
"$ADAPTER" install >"$out/adapter.log" 2>&1 &&
    "$ADAPTER" start >>"$out/adapter.log" 2>&1 && started=yes &&
    "$ADAPTER" configure "$PROFILE" >>"$out/adapter.log" 2>&1 ||
    { echo "$prog: $iut could not be set up (see $out/adapter.log)" >&2; exit 3; }
set -a
eval "$(ci/lab env "$slot")"
set +a
ip netns exec "$HARNESS_NS" "$IKETEST" fuzz --profile "$PROFILE" \
    --adapter "$ADAPTER" --seconds "$secs" --out "$out" "$@" 2>"$out/fuzz.err"
rc=$?
tail -n 2 "$out/fuzz.err" >&2
exit $rc
