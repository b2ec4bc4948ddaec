#!/bin/sh
# interop_strongswan: ci/interop with strongSwan on both sides (a second
# charon in a spare slot), one suite, in a private lab. strongSwan
# initiates, both ends rekey their CHILD and IKE SAs in turn, then
# delete: the cell must pass, and the observer must have opened every SK
# payload with the session keys strongSwan logged (the adapter's keys
# verb), those of the IKE SAs the rekeys made too (their SPIs and suite
# learnt inside SK, RFC 7296 1.3.2). No session key or PSK may reach the
# cell's logs, and no namespace of ours is left. Needs root.
set -u
IKETEST=${IKETEST:-build/iketest}
IKETEST_TOP=${IKETEST_TOP:-$(pwd)}
cd "$IKETEST_TOP" || exit 1
. harness/tests/lib/tap.sh
. harness/tests/lib/interop_record.sh

if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP not root or no ip netns: the lab needs network namespaces"
	exit 0
fi
if ! command -v dumpcap >/dev/null || ! [ -x /usr/sbin/charon-systemd ]; then
	echo "1..0 # SKIP dumpcap or charon-systemd missing (ci/bootstrap installs both)"
	exit 0
fi

IKETEST_LAB_PREFIX=iks$(($$ % 100000))
IKETEST_RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/iketest-interop.XXXXXX") || exit 1
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
export IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST
SUITE=cbc256-sha256-modp2048	# SK_a keys too, not only AEAD
trap 'ci/lab down >/dev/null 2>&1; rm -rf "$IKETEST_RUNDIR"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rc=0
ci/interop --iut strongswan --pair sw,sw --suite "$SUITE" \
    --out "$IKETEST_RUNDIR/runs" >"$IKETEST_RUNDIR/out" 2>&1 || rc=$?
rec=$(ls "$IKETEST_RUNDIR"/runs/*/interop/strongswan-strongswan-$SUITE.record 2>/dev/null)
[ -n "$rec" ] || { sed 's/^/# /' "$IKETEST_RUNDIR/out"; rec=/nonexistent; }
ok "$rc" "ci/interop strongswan>strongswan $SUITE exits 0"
for s in ike-up child-up traffic rekey-child-by-I rekey-child-by-R rekey-ike-by-I \
    rekey-ike-by-R delete leftovers wire; do
	v=$(step_verdict "$rec" "$s" 2>/dev/null)
	ok "$([ "$v" = pass ]; echo $?)" "step $s passes (got ${v:-none})"
done
sas=$(wire_count "$rec" "IKE SAs" 2>/dev/null)
dec=$(wire_count "$rec" "SK decrypted" 2>/dev/null)
undec=$(wire_count "$rec" "SK not decrypted" 2>/dev/null)
ok "$([ "${sas:-0}" -ge 3 ]; echo $?)" "the observer saw the first IKE SA and one per IKE rekey (${sas:-?})"
ok "$([ "${dec:-0}" -ge 10 ] && [ "${undec:-1}" = 0 ]; echo $?)" \
    "every SK payload decrypted with strongSwan's keys (${dec:-?} decrypted, ${undec:-?} not)"
tab=${rec%.record}.ikev2_decryption_table
rows=$(grep -Ec '^[0-9a-f]{16},[0-9a-f]{16},[0-9a-f]+,' "$tab" 2>/dev/null)
ok "$([ "${rows:-0}" = "${sas:-x}" ]; echo $?)" "the Wireshark table has a row per IKE SA (${rows:-0})"
# The keys themselves: in the table (mode 0600), nowhere else in the run.
k=$(grep -E '^[0-9a-f]{16},' "$tab" 2>/dev/null | head -n 1 | cut -d, -f3)
psk=$(head -n 1 "$IKETEST_RUNDIR/creds/psk" 2>/dev/null)
leak=$(grep -rlF -e "${k:-none}" -e "${psk:-none}" "$IKETEST_RUNDIR/runs" 2>/dev/null |
    grep -v '\.ikev2_decryption_table$' | head -n 1)
ok "$([ -n "$k" ] && [ -n "$psk" ] && [ -z "$leak" ]; echo $?)" \
    "no SK_ei and no PSK outside the key table (${leak:-none found})"
left=$(ip netns list | awk '{print $1}' | grep -c "^$IKETEST_LAB_PREFIX-") || true
ok "$([ "$left" = 0 ]; echo $?)" "no namespace of ours left ($left)"
echo "1..$n"
exit "$fail"
