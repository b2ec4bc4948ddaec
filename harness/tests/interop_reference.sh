#!/bin/sh
# interop_reference: ci/interop with the reference peer on both sides, in
# a private lab (own prefix and run directory), three times: clean, with
# a rule break inside SK (auth-idr-reserved, RFC 7296 3.2, seen only with
# the ends' session keys) and with one in the clear (hdr-reserved-flags,
# RFC 7296 3.1), both on the responder through IKETEST_REF_IMPAIR. The
# clean cell must pass with every SK payload decrypted and no finding on
# the wire; the impaired ones must still bring the IKE and CHILD SA up,
# and their wire step must report the break. Then `iketest observe` on
# the captures, the report's interop matrix and JUnit, and no namespace
# of ours left. Needs root.
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
if ! command -v dumpcap >/dev/null; then
	echo "1..0 # SKIP dumpcap is missing (ci/bootstrap installs tshark)"
	exit 0
fi

IKETEST_LAB_PREFIX=iko$(($$ % 100000))
IKETEST_RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/iketest-interop.XXXXXX") || exit 1
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
export IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST
OUT=$IKETEST_RUNDIR/runs
SUITE=gcm256-sha384-ecp384
CELL=reference-reference-$SUITE

cleanup() {
	ci/lab down >/dev/null 2>&1
	rm -rf "$IKETEST_RUNDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

. harness/tests/lib/interop_record.sh

# run NAME [ENV...]: one ci/interop run into $OUT/NAME; sets rec, rc.
run() {
	name=$1
	shift
	rc=0
	env "$@" ci/interop --iut reference --suite "$SUITE" --out "$OUT/$name" \
	    >"$IKETEST_RUNDIR/$name.out" 2>&1 || rc=$?
	rec=$(ls "$OUT/$name"/*/interop/$CELL.record 2>/dev/null | head -n 1)
	if [ -z "$rec" ]; then
		sed 's/^/# /' "$IKETEST_RUNDIR/$name.out"
		rec=/nonexistent
	fi
}

# tunnel_up_wire_fails WHAT FINDING TITLE: the last run's cell brought its
# IKE and CHILD SA up, but its wire step failed with a detail line that
# matches the regular expression FINDING.
tunnel_up_wire_fails() {
	for s in ike-up child-up; do
		v=$(step_verdict "$rec" "$s" 2>/dev/null)
		ok "$([ "$v" = pass ]; echo $?)" "$1: the tunnel still comes up: $s passes (got ${v:-none})"
	done
	v=$(step_verdict "$rec" wire 2>/dev/null)
	ok "$([ "$v" = fail ]; echo $?)" "$1: step wire fails (got ${v:-none})"
	ok "$(grep -q "^detail| $2" "$rec" 2>/dev/null; echo $?)" "$1: $3"
}

run clean
ok "$rc" "clean: ci/interop exits 0"
ok "$([ -f "$rec" ]; echo $?)" "clean: a record for the cell"
for s in ike-up child-up delete leftovers wire; do
	v=$(step_verdict "$rec" "$s" 2>/dev/null)
	ok "$([ "$v" = pass ]; echo $?)" "clean: step $s passes (got ${v:-none})"
done
ok "$(grep -qx 'verdict pass' "$rec" 2>/dev/null; echo $?)" "clean: the cell passes"
ok "$(grep -qx 'interop-initiator reference' "$rec" 2>/dev/null &&
    grep -qx 'interop-responder reference' "$rec" &&
    grep -qx "suite $SUITE" "$rec"; echo $?)" "clean: the record names both ends and the suite"
clean_pcap=${rec%.record}.pcap
rc=0
"$IKETEST" observe "$clean_pcap" >"$IKETEST_RUNDIR/observe.out" 2>&1 || rc=$?
ok "$rc" "iketest observe on the clean capture: no finding (exit 0)"
ok "$(grep -Eq 'observed: [0-9]+ frames, ([4-9]|[1-9][0-9]+) IKE messages' \
    "$IKETEST_RUNDIR/observe.out"; echo $?)" "the clean capture holds the exchanges ($(tail -n 1 "$IKETEST_RUNDIR/observe.out"))"

# The ends gave their session keys (adapter keys): the observer opened
# every SK payload and wrote the cell's Wireshark table beside its pcap.
dec=$(wire_count "$rec" "SK decrypted" 2>/dev/null)
undec=$(wire_count "$rec" "SK not decrypted" 2>/dev/null)
ok "$([ "${dec:-0}" -ge 3 ] && [ "${undec:-1}" = 0 ]; echo $?)" \
    "clean: the observer decrypted every SK payload with the ends' keys (${dec:-?} decrypted, ${undec:-?} not)"
tab=${rec%.record}.ikev2_decryption_table
ok "$(grep -Eq '^[0-9a-f]{16},[0-9a-f]{16},[0-9a-f]+,' "$tab" 2>/dev/null &&
    [ "$(stat -c %a "$tab")" = 600 ]; echo $?)" "clean: the cell's Wireshark key table has its IKE SA, mode 0600"
ok "$(ls "$(dirname "$rec")/$CELL"/*.keys >/dev/null 2>&1; [ $? != 0 ]; echo $?)" \
    "clean: the key sets are not left in the cell's folder"
psk=$(head -n 1 "$IKETEST_RUNDIR/creds/psk" 2>/dev/null)
ok "$([ -n "$psk" ] && ! grep -qF "$psk" "$tab" "$rec"; echo $?)" \
    "clean: the lab PSK is in neither the record nor the key table"

# A rule broken inside SK only: the responder sets the RESERVED bits of
# IDr in IKE_AUTH (RFC 7296 3.2: sent as zero, ignored on receipt), which
# only an observer holding the keys can see; the tunnel comes up.
run sk-impaired IKETEST_REF_IMPAIR=auth-idr-reserved
tunnel_up_wire_fails "impaired inside SK" \
    'finding frame [0-9]* 192\.0\.2\.[0-9]*:[0-9]*: inside SK: RFC 7296 3\.2: SK\.IDr\.reserved' \
    "the finding is inside SK, names the responder, RFC 7296 3.2 and IDr"
rc=0
"$IKETEST" observe "${rec%.record}.pcap" >"$IKETEST_RUNDIR/observe.out" 2>&1 || rc=$?
ok "$([ "$rc" = 0 ]; echo $?)" "iketest observe without keys on that capture: nothing to see (exit $rc)"

run impaired IKETEST_REF_IMPAIR=hdr-reserved-flags
ok "$([ "$rc" = 1 ]; echo $?)" "impaired: ci/interop exits 1 (got $rc)"
tunnel_up_wire_fails impaired \
    'finding frame [0-9]* 192\.0\.2\.[0-9]*:500: RFC 7296 3\.1: hdr\.flags\.reserved' \
    "the finding names the responder, RFC 7296 3.1 and the reserved flags"
ok "$(grep -qx 'verdict fail' "$rec" 2>/dev/null; echo $?)" "impaired: the cell fails"
rc=0
"$IKETEST" observe "${rec%.record}.pcap" >"$IKETEST_RUNDIR/observe.out" 2>&1 || rc=$?
ok "$([ "$rc" = 1 ]; echo $?)" "iketest observe on the impaired capture: exit 1 (got $rc)"
rc=0
"$IKETEST" observe "$IKETEST_RUNDIR/no-such.pcap" >/dev/null 2>&1 || rc=$?
ok "$([ "$rc" = 2 ]; echo $?)" "iketest observe on a missing file: exit 2 (got $rc)"

site=$(dirname "$(dirname "$rec")")/site
ok "$(grep -q 'id="interop"' "$site/index.html" 2>/dev/null ||
    grep -rlq 'class="interop"' "$site" 2>/dev/null; echo $?)" "the report draws the interop matrix"
ok "$(grep -rlq 'interop-reference-reference' "$site" 2>/dev/null; echo $?)" "the report has the cell's page"

left=$(ip netns list | awk '{print $1}' | grep -c "^$IKETEST_LAB_PREFIX-") || true
ok "$([ "$left" = 0 ]; echo $?)" "no namespace of ours left ($left)"
echo "1..$n"
