#!/bin/sh
# TAP test of the conformance suites: every suites/**/*.ike parses with
# `iketest lint` against the reference profile (the strongSwan one until
# peers/reference/profile.conf exists), one line per script; every profile
# of the tree lints clean alone; a table of bad profiles and scripts is
# refused with its FILE:LINE message; and there are at least 60 scripts.
set -u
IKETEST=${IKETEST:-build/iketest}
TOP=${IKETEST_TOP:-.}
MIN=60
profile=$TOP/peers/reference/profile.conf
[ -f "$profile" ] || profile=$TOP/peers/strongswan/profile.conf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# suites/**/*.ike: folders at any depth, sorted for a stable plan.
find "$TOP/suites" -name '*.ike' -type f | sort >"$tmp/list"
count=$(wc -l <"$tmp/list")
count=$((count + 0))

# Every profile of the tree lints clean, alone (lint --profile FILE).
for f in "$TOP"/peers/*/profile.conf "$TOP"/suites/examples/profile.conf \
    "$TOP"/harness/tests/scripts/loopback.conf "$TOP"/harness/tests/respond/profile.conf; do
	[ -f "$f" ] && echo "$f"
done >"$tmp/profiles"
nprof=$(wc -l <"$tmp/profiles")

# Bad profiles and scripts (issue 15.3-15.5, 15.9): each is refused by
# lint, exit 2, with this message. A table: NAME~TEXT (printf format,
# written to $tmp/NAME)~MESSAGE (FILE stands for the file's path).
cat >"$tmp/bad.table" <<'EOF'
port.conf~[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\nike-port = 99999\n~FILE:5: [addresses] ike-port: `99999' is not a port (1..65535)
portabc.conf~[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\nike-port = abc\n~FILE:5: [addresses] ike-port: `abc' is not a port (1..65535)
keylen.conf~[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\n[ike]\nencr = AES_CBC/257\n~FILE:6: `AES_CBC/257': AES_CBC takes a key length of 128, 192 or 256 bits
addr.conf~[iut]\nroles = responder\n[addresses]\niut = 999.1.2.3\n~FILE:4: [addresses] iut: `999.1.2.3' is not an IPv4 or IPv6 address
typo.conf~[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\n[timers]\nretrasmit = 1000000\n~FILE:6: unknown key `retrasmit' in [timers] (did you mean `retransmit'?)
section.conf~[iut]\nroles = responder\n[adresses]\n~FILE:3: unknown section [adresses] (did you mean [addresses]?)
emptydh.conf~[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\n[ike]\ndh =\n~FILE:6: [ike] dh has no value
psk.conf~[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\n[auth]\npsk-file = /nonexistent/iketest-psk\n~FILE:6: [auth] psk-file: /nonexistent/iketest-psk: No such file or directory
retransmit.conf~[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\n[timers]\nretransmit = 0 0 0\n~FILE:6: [timers] retransmit: a gap of 0 us; each gap is 1000..3600000000 microseconds (1 ms to 1 h)
deviation.conf~[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\n[deviations]\ncookie-retyr = RFC 7296 2.6 | x\n~FILE:6: [deviations] `cookie-retyr' is the id of no script (under suites/, beside the profile or given) (did you mean `cookie-retry'?)
empty.conf~~FILE:1: profile has no [addresses] iut: nothing to test
comments.conf~# a profile\n# with nothing in it\n~FILE:1: profile has no [addresses] iut: nothing to test
field.ike~test "t"\nrfc 7296 2.1\nsend IKE_SA_INIT\nexpect IKE_SA_INIT response: hdr.bogus_field = 3\n~FILE:4:34: path `hdr.bogus_field': the IKE header has no field `bogus_field'
count.ike~test "t"\nrfc 7296 2.1\nsend IKE_SA_INIT\nexpect IKE_SA_INIT response: count(KE) = 1\n~FILE:4:30: the count matcher is `count KE = 1' (the payload after a blank, no parentheses around it)
nothing.ike~test "t"\nrfc 7296 2.1\nsend IKE_SA_INIT\nwait 1s\n~FILE:3:1: script checks nothing: no expect, establish, iut alive, iut counters, esp expect or nat expect keepalive (run would fail it as `script checked nothing')
transform.ike~test "t"\nrfc 7296 2.1\nsend IKE_SA_INIT: SA(ike: AES_CBC/256 HMAC_SHA2_265)\nexpect silence for 1s\n~FILE:3:39: unknown transform `HMAC_SHA2_265' (did you mean `HMAC_SHA2_256'?)
notify.ike~test "t"\nrfc 7296 2.1\nsend IKE_SA_INIT\nexpect IKE_SA_INIT response: N(INVALID_KE_PAYLOD)\n~FILE:4:32: `INVALID_KE_PAYLOD' is not a known notify message type (type) (did you mean `INVALID_KE_PAYLOAD'?)
EOF
nbad=$(grep -c . "$tmp/bad.table")

echo "TAP version 13"	# Debian 12 prove (3.44) refuses 14
echo "1..$((count + 2 + nprof + nbad + 1))"
n=0
fail=0
ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

"$IKETEST" lint --profile "$profile" "$(head -n 1 "$tmp/list")" >"$tmp/out" 2>&1
grep -q -F "$profile: ok" "$tmp/out"
ok $? "the profile $profile reads clean"

while IFS= read -r f; do
	name=${f#"$TOP"/}
	"$IKETEST" lint --profile "$profile" "$f" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		sed 's/^/# /' "$tmp/out"
	fi
	ok "$rc" "lint $name"
done <"$tmp/list"

# The example profile is README's quick start: its psk-file (my-gw.psk)
# is made beside the copy the quick start makes, so lint such a copy.
qs=$tmp/quickstart
mkdir -p "$qs" && echo example-psk >"$qs/my-gw.psk"
while IFS= read -r f; do
	case $f in
	*/suites/examples/profile.conf)
		# copied beside its PSK, as the quick start does
		cp "$f" "$qs/my-gw.conf"
		"$IKETEST" lint --profile "$qs/my-gw.conf" >"$tmp/out" 2>&1 ;;
	*) "$IKETEST" lint --profile "$f" >"$tmp/out" 2>&1 ;;
	esac
	rc=$?
	[ "$rc" -ne 0 ] && sed 's/^/# /' "$tmp/out"
	ok "$rc" "the profile ${f#"$TOP"/} lints clean alone"
done <"$tmp/profiles"

while IFS='~' read -r name text want; do
	f=$tmp/$name
	# shellcheck disable=SC2059 # the table's text is a printf format
	printf "$text" >"$f"
	case $name in
	*.conf) "$IKETEST" lint --profile "$f" >"$tmp/out" 2>"$tmp/err" ;;
	*) "$IKETEST" lint "$f" >"$tmp/out" 2>"$tmp/err" ;;
	esac
	rc=$?
	want=$(printf '%s' "$want" | sed "s|^FILE|$f|")
	[ "$rc" -eq 2 ] && [ "$(cat "$tmp/err")" = "$want" ]
	st=$?
	[ "$st" -ne 0 ] && { echo "# exit $rc, got:"; sed 's/^/#   /' "$tmp/err"; echo "# want: $want"; }
	ok "$st" "lint refuses $name: ${want#"$tmp"/}"
done <"$tmp/bad.table"

"$IKETEST" lint --profile >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--profile needs a file' "$tmp/out"
ok $? "lint --profile without a file says so (exit $rc)"

[ "$count" -ge "$MIN" ]
ok $? "at least $MIN scripts under suites/ ($count)"
exit "$fail"
