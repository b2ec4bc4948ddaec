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
prog=fuzz_against.sh
. harness/tests/lib/lab_iut.sh
lab_iut_up fz "$iut" "$out"
ip netns exec "$HARNESS_NS" "$IKETEST" fuzz --profile "$PROFILE" \
    --adapter "$ADAPTER" --seconds "$secs" --out "$out" "$@" 2>"$out/fuzz.err"
rc=$?
tail -n 2 "$out/fuzz.err" >&2
exit $rc
