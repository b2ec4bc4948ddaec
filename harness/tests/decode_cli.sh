#!/bin/sh
# TAP test of `iketest decode`: hex, raw, pcap, --inner, exit statuses
# 0/1/2, a malformation named in the output, --help, a missing file.
set -u
IKETEST=${IKETEST:-build/iketest}
TOP=${IKETEST_TOP:-.}
G=$TOP/harness/tests/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() {	# ok COND_STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
run() {	# run ARGS...: sets rc, out, err
	"$IKETEST" decode "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
has() { grep -q -- "$1" "$tmp/$2"; }

echo "TAP version 13"  # Debian 12 prove (3.44) refuses 14
run "$G/ike_sa_init_req.hex"
ok $(( rc != 0 )) "golden hex file decodes clean (exit $rc)"
has 'exchange_type=IKE_SA_INIT' out; ok $? "it names the exchange type"
has 'SA (33)' out; ok $? "it names the SA payload"

hex=$(sed 's/#.*//' "$G/ike_sa_init_req.hex" | tr -d ' \n\t')
run --hex "$hex"
ok $(( rc != 0 )) "--hex decodes clean (exit $rc)"
cp "$tmp/out" "$tmp/out.hex"

# Raw binary through printf octal escapes (POSIX, no xxd needed).
echo "$hex" | fold -w2 | while read -r b; do printf "\\$(printf %o "0x$b")"; done > "$tmp/msg.bin"
run --raw "$tmp/msg.bin"
ok $(( rc != 0 )) "--raw decodes clean (exit $rc)"
cmp -s "$tmp/out" "$tmp/out.hex"; ok $? "--raw prints what --hex prints"
run "$tmp/msg.bin"
cmp -s "$tmp/out" "$tmp/out.hex"; ok $? "a raw FILE is detected as raw"

run "$G/ike_auth_req_inner.hex"
ok $(( rc != 0 )) "an inner golden (first-payload comment) decodes as a chain (exit $rc)"
has 'payload chain' out; ok $? "printed as a payload chain"
run --inner IDi --hex '0000000c 01000000 c0000201'
ok $(( rc != 0 )) "--inner IDi decodes a bare IDi (exit $rc)"
has 'IPV4_ADDR' out; ok $? "and names its ID type"

# A length lie: the SA payload claims 255 more bytes.
bad=$(echo "$hex" | sed 's/^\(.\{56\}\)\(..\)\(..\)\(....\)/\1\2\3ffff/')
run --hex "$bad"
ok $(( rc != 1 )) "a length lie exits 1 (exit $rc)"
has 'LENGTH_BEYOND_DATA' out; ok $? "the malformation is named"
run -q --hex "$bad"
ok $(( rc != 1 )) "-q still exits 1 (exit $rc)"
has 'malformation at offset' out; ok $? "-q prints the malformation"
has 'IKE header' out; ok $(( $? == 0 )) "-q prints no tree"

if command -v text2pcap >/dev/null 2>&1; then
	sh "$TOP/harness/fuzz/seed_pcap.sh" "$tmp/pcaps" "$G" >/dev/null 2>&1
	run "$tmp/pcaps/ike_sa_init_req-v4-4500.pcap"
	ok $(( rc != 0 )) "a pcap (detected) decodes clean (exit $rc)"
	has 'frame 1 .*192.0.2.1:4500 -> 198.51.100.2:4500  (non-ESP marker)' out
	ok $? "frame heading with addresses, ports and the marker"
	run --pcap "$tmp/pcaps/ike_sa_init_req-v6-500.pcapng"
	ok $(( rc != 0 )) "--pcap reads pcapng over IPv6 (exit $rc)"
	has '\[2001:db8::1\]:500' out; ok $? "IPv6 addresses shown"
	run --pcap "$tmp/pcaps/natt-mix.pcap"
	has 'NAT-keepalive' out; ok $? "a keepalive is noted"
	has 'ESP in UDP' out; ok $? "ESP-in-UDP is noted"
	run --pcap "$tmp/pcaps/natt-mix.pcap" --inner SA
	ok $(( rc != 2 )) "--inner with --pcap is bad usage (exit $rc)"
else
	for i in 1 2 3 4 5 6 7; do n=$((n + 1)); echo "ok $n # SKIP text2pcap not installed"; done
fi

run --help
ok $(( rc != 0 )) "--help exits 0"
has 'examples:' out; ok $? "--help has examples"
run "$tmp/does-not-exist"
ok $(( rc != 2 )) "a missing file exits 2 (exit $rc)"
has "iketest decode: $tmp/does-not-exist: " err; ok $? "the message names the file"
run --hex 'zz'
ok $(( rc != 2 )) "bad hex exits 2 (exit $rc)"
run
ok $(( rc != 2 )) "no input exits 2 (exit $rc)"
run --inner NOPE --hex 00
ok $(( rc != 2 )) "an unknown --inner type exits 2 (exit $rc)"
: >"$tmp/empty"
run --raw "$tmp/empty"
ok $(( rc != 1 )) "empty input: a malformation, exit 1 (exit $rc)"
has '^no IKE header: 0 bytes, where a header is 28 (RFC 7296 3.1)$' out &&
    ! has '^IKE header:' out
ok $? "empty input: says there is no header, invents none"
run --hex '0011223344556677 8899'
has '^no IKE header: 10 bytes' out && has 'TRUNCATED_HEADER' out && ! has 'spi_i=' out
ok $? "a 10-byte header: no invented fields, the malformation named"
"$IKETEST" decode --help | grep -q 'results/SCRIPT.pcap'
ok $? "--help's pcap example is a path iketest run writes"
head -c 3000 /dev/urandom > "$tmp/noise"
run "$tmp/noise"
ok $(( rc > 2 )) "random bytes never crash (exit $rc)"
echo "1..$n"
exit $fail
