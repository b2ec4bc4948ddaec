#!/bin/sh
# load_against.sh IUT OUT: `iketest load` against one IUT of the lab, the
# numbers issue 13 asks for: tunnels at saturation (no offered rate,
# 16 in flight, for 10 s, each with one CHILD SA rekey and one IKE SA
# rekey: TPS, TRPS, latency, time to first packet, violations), the IUT restarted by its
# adapter, then the half-open flood (RFC 7296 2.6: where cookies start).
# A lab of its own (lab_iut.sh), down on every exit path. The results:
# OUT/tunnels.load and OUT/flood.load (records `iketest report` draws) and
# OUT/tunnels.txt, OUT/flood.txt (what load printed). The options of each
# phase can be replaced: LOAD_TUNNELS="...", LOAD_FLOOD="...". Exit
# status: 0 both ran, 1 one of them did not complete, 3 the lab or the IUT
# could not be set up. Needs root and `ip netns`.
set -u
[ $# -eq 2 ] || { echo "usage: load_against.sh IUT OUT" >&2; exit 2; }
iut=$1 out=$2
cd "${IKETEST_TOP:-.}" || exit 3
prog=load_against.sh
. harness/tests/lib/lab_iut.sh
lab_iut_up ld "$iut" "$out"
: "${LOAD_TUNNELS:=--concurrent 16 --count 5000 --seconds 10 --rekey-child 1 --rekey-ike 1}"
: "${LOAD_FLOOD:=--flood --rate 200 --count 400}"
rc=0
# shellcheck disable=SC2086 # the options are words
ip netns exec "$HARNESS_NS" "$IKETEST" load --profile "$PROFILE" --quiet \
    $LOAD_TUNNELS --out "$out/tunnels.load" >"$out/tunnels.txt" 2>&1 || rc=1
# a fresh IUT: the tunnels left half-open counts behind (strongSwan asked
# for a COOKIE at the flood's first probe after them)
{ "$ADAPTER" stop && "$ADAPTER" start && "$ADAPTER" configure "$PROFILE"; } \
    >>"$out/adapter.log" 2>&1 || { echo "$prog: $iut could not be restarted" >&2; exit 3; }
# shellcheck disable=SC2086
ip netns exec "$HARNESS_NS" "$IKETEST" load --profile "$PROFILE" --quiet \
    $LOAD_FLOOD --out "$out/flood.load" >"$out/flood.txt" 2>&1 || rc=1
exit $rc
