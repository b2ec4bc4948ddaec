#!/bin/sh
# TAP test of the conformance suites: every suites/**/*.ike parses with
# `iketest lint` against the reference profile (the strongSwan one until
# peers/reference/profile.conf exists), one line per script; and there are
# at least 60 scripts.
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

echo "TAP version 13"	# Debian 12 prove (3.44) refuses 14
echo "1..$((count + 2))"
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

[ "$count" -ge "$MIN" ]
ok $? "at least $MIN scripts under suites/ ($count)"
exit "$fail"
