#!/bin/sh
# README's "Test your own gateway in 10 minutes", run as a newcomer would:
# its first sh block, word for word, in a scratch folder that holds the
# repository's build/, suites/ and reports/. It must give results with no
# other knowledge: every script ran (the plan), none failed, some passed,
# the report's page exists, the PSK is in no output, the stand-in gateway
# is gone. Loopback only (127.0.0.1:5500).
set -u
: "${IKETEST:=build/iketest}"
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
cd "${IKETEST_TOP:-.}" || exit 1
top=$(pwd)
. harness/tests/lib/tap.sh
T=$(mktemp -d /tmp/iketest-quickstart.XXXXXX)
cleanup() {
	p=$(cat "$T/my-gw.pid" 2>/dev/null)
	[ -n "$p" ] && kill "$p" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

echo "TAP version 13"
awk '/^## Test your own gateway in 10 minutes/ { s = 1 }
     s == 1 && /^```sh$/ { s = 2; next }
     s == 2 && /^```$/ { exit }
     s == 2 { print }' README.md >"$T/steps.sh"
[ -s "$T/steps.sh" ]; ok $? "README has the quick start's commands ($(wc -l <"$T/steps.sh") lines)"
ln -s "$(dirname "$IKETEST")" "$T/build"
ln -s "$top/suites" "$T/suites"
ln -s "$top/reports" "$T/reports"
(cd "$T" && sh -e steps.sh) >"$T/out" 2>&1; rc=$?
ok $rc "the commands run to their end (exit $rc)$( [ $rc = 0 ] || tail -n 5 "$T/out" | sed 's/^/: /' | tr '\n' ' ')"

nscripts=$(ls suites/*/*.ike | wc -l)
grep -q "^1\.\.$nscripts\$" "$T/my-gw.tap"
ok $? "every script ran: plan 1..$nscripts"
grep '^not ok' "$T/my-gw.tap" | grep -v '# TODO' >"$T/failed"
[ ! -s "$T/failed" ]
ok $? "no script failed against the stand-in$( [ -s "$T/failed" ] && head -n 3 "$T/failed" | tr '\n' ' ')"
passed=$(grep '^ok ' "$T/my-gw.tap" | grep -vc '# SKIP')
[ "$passed" -gt 20 ]
ok $? "scripts passed: $passed"
grep -q 'no valid response (unexpected)' "$T/my-gw.tap"
[ $? = 1 ]; ok $? "no 'no valid response (unexpected)' note for a script-built CREATE_CHILD_SA answer"
page=$(tail -n 1 "$T/out")
[ -n "$page" ] && (cd "$T" && [ -f "$page" ])
ok $? "the report's last line is a page that exists ($(tail -n 1 "$T/out"))"
ls "$T"/my-gw-results/*.record >/dev/null 2>&1
ok $? "result records in my-gw-results/"
psk=$(head -n 1 "$T/my-gw.psk")
! grep -rqF "$psk" "$T/my-gw.tap" "$T/my-gw.log" "$T/out" "$T/my-gw-results" "$T/my-gw-site"
ok $? "the PSK is in no output, record or page"
i=0
while [ -e "$T/my-gw.pid" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
[ ! -e "$T/my-gw.pid" ]
ok $? "the stand-in gateway stopped: it removed its pid file on SIGTERM"
echo "1..$n"
exit $fail
