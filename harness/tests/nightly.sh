#!/bin/sh
# TAP test of ci/nightly: two small nights in a row (the reference peer,
# three scripts of suites/ike_sa_init, a 3-second fuzz campaign) into a
# temporary results folder, then a third night interrupted by TERM.
# Between the nights, the first night's records are edited so that the
# second night must show a flaky test (verdict changed, script and IUT
# the same) and a fixed one (the IUT version changed too), and a copy of
# the unedited first night goes before it as an older night, so that the
# strips span three nights. Checks: the second report opens with what
# changed, its diff rows, a strip per test with the flaky change framed,
# the fuzz campaign; the interrupted night is kept, marked partial, with
# its records. Needs root (network namespaces): else SKIP.
set -u
TOP=${IKETEST_TOP:-.}
cd "$TOP" || exit 1
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
	echo "1..0 # SKIP needs root and ip netns (the lab)"
	exit 0
fi
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
	rm -rf "$tmp"
}
trap cleanup EXIT
n=0
ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
echo "TAP version 13"

# Three scripts in a folder named as their suite (records keep the name).
suite=$tmp/suite/ike_sa_init
mkdir -p "$suite"
for s in response_header nonce_min_16 version_minor_higher; do
	cp "suites/ike_sa_init/$s.ike" "$suite/"
done
nights=$tmp/nights
night() {	# night OUTFILE [OPTIONS]: one small night, prints its time
	out=$1
	shift
	t0=$(date +%s)
	sh ci/nightly --iut reference --suite "$suite" --fuzz-seconds 3 \
	    --no-interop --history 5 --out "$nights" "$@" >"$out" 2>"$out.err"
	echo "rc=$? seconds=$(($(date +%s) - t0))"
}

r1=$(night "$tmp/night1")
echo "# first night: $r1"
n1=$(find "$nights" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
grep -qx 'state complete' "$n1/night" 2>/dev/null
ok $? "the first night is complete ($r1)"
recs=$(find "$n1/reference" -name '*.record' | wc -l)
ok $(( recs != 3 )) "it kept a record per script (3, got $recs)"
[ -f "$n1/fuzz/reference/fuzz.record" ]
ok $? "and the fuzz campaign's record"

# The perturbation: an older night (the first, unedited), and in the
# first night response_header failing (flaky: nothing else changed) and
# nonce_min_16 failing on another IUT version (fixed in the second).
old=$nights/00000000T000000Z-1
cp -a "$n1" "$old"
rm -rf "$old/site"
ra=$(find "$n1/reference" -name '*response_header*.record')
rb=$(find "$n1/reference" -name '*nonce_min_16*.record')
sed -i 's/^verdict pass$/verdict fail/' "$ra" "$rb"
sed -i 's/^iut-version .*/iut-version 0.0-older/' "$rb"
grep -q '^verdict fail$' "$ra" && grep -q '^iut-version 0.0-older$' "$rb"
ok $? "the first night's records are edited"

r2=$(night "$tmp/night2")
echo "# second night: $r2"
n2=$(find "$nights" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
page=$n2/site/${n2##*/}/index.html
grep -q "^baseline: $n1\$" "$tmp/night2"
ok $? "the second night's baseline is the first ($r2)"
first=$(grep -o '<section id="[a-z]*"' "$page" | head -n 1)
ok "$([ "$first" = '<section id="night"' ]; echo $?)" "the report opens with what changed ($first)"
grep -q '<a href="#diff">fixed: 1</a>' "$page" &&
    grep -q '<a href="#diff">flaky since the last night: 1</a>' "$page"
ok $? "it counts one fixed and one flaky"
grep -q 'flaky</td><td>ike_sa_init/response_header@reference' "$page"
ok $? "the diff lists response_header as flaky"
grep -q 'fixed</td><td>ike_sa_init/nonce_min_16@reference' "$page"
ok $? "and nonce_min_16 as fixed"
strips=$(grep -o '<svg class="strip"' "$page" | wc -l)
ok $(( strips != 3 )) "a flakiness strip per test (3, got $strips)"
row=$(grep 'ike_sa_init/response_header@reference</th>' "$page")
cells=$(echo "$row" | grep -o '<rect class="night' | wc -l)
framed=$(echo "$row" | grep -o '<rect class="night flaky"' | wc -l)
# pass (older), fail (first, edited), pass (second): two flaky changes
ok $(( cells != 3 || framed != 2 )) "response_header's strip: 3 nights, 2 flaky changes (got $cells, $framed)"
echo "$row" | grep -q '<td class="num">2 of 3</td>'
ok $? "its row says 2 of 3"
grep 'ike_sa_init/nonce_min_16@reference</th>' "$page" | grep -q '<td class="num">0 of 3</td>'
ok $? "nonce_min_16 changed with its IUT version: not flaky (0 of 3)"
grep -q '<p class="campaign">reference: seed [0-9]*, [0-9]* cases' "$page"
ok $? "the fuzz campaign is on the report"

# An interrupted night: TERM once it has a record.
sh ci/nightly --iut reference --suite "$suite" --fuzz-seconds 3 \
    --no-interop --out "$nights" >"$tmp/night3" 2>"$tmp/night3.err" &
pid=$!
n3="" i=0
while [ $i -lt 240 ] && [ -z "$n3" ]; do
	sleep 0.5
	i=$((i + 1))
	for d in "$nights"/*/; do
		d=${d%/}
		case $d in "$n1" | "$n2" | "$old") continue ;; esac
		[ -n "$(find "$d" -name '*.record' 2>/dev/null | head -n 1)" ] && n3=$d
	done
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
ok $(( rc != 143 )) "the interrupted night exits 143 (got $rc)"
grep -qx 'state partial' "$n3/night" 2>/dev/null &&
    grep -q '^reason interrupted by TERM during suites$' "$n3/night"
ok $? "it is kept, marked partial with the reason ($(tr '\n' ' ' <"$n3/night" 2>/dev/null))"
recs=$(find "$n3/reference" -name '*.record' 2>/dev/null | wc -l)
ok $(( recs < 1 )) "what it measured is kept ($recs records)"
grep -q '<strong>partial</strong> night: interrupted by TERM' "$n3/site/${n3##*/}/index.html" 2>/dev/null
ok $? "its report says partial"
echo "1..$n"
