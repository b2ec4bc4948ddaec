#!/bin/sh
# Every suite script against the reference peer (`iketest respond`, the
# default IUT) in the lab, through `iketest run`: one TAP line per script
# (prove-friendly), the test fails when any script's verdict is fail or
# error (skip and todo are fine, their reason printed), and the counts
# pass/fail/skip/todo go to stderr. Needs root and `ip netns`; otherwise
# SKIP with the reason. The lab gets its own prefix and run directory so
# that it never meets another lab on the machine; the peer is stopped by
# its adapter (pid file) and the lab brought down on every exit path.
# Same structure as suites_strongswan.sh.
set -u
: "${IKETEST:=build/iketest}"
cd "${IKETEST_TOP:-.}" || exit 1

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces)"
	exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP no 'ip netns' here"
	exit 0
fi

# A short prefix of our own (namespace names stay short), and a run
# directory of our own: ci/lab down kills the pid files it finds there.
IKETEST_LAB_PREFIX=irs$(($$ % 1000))
IKETEST_RUNDIR=/run/iketest-$IKETEST_LAB_PREFIX
# The adapter runs the binary from its own directory: an absolute path.
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
export IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST
OUT=$(mktemp -d /tmp/iketest-ref.XXXXXX) || exit 1
ADAPTER=peers/reference/adapter
PROFILE=peers/reference/profile.conf
started=
child=

cleanup() {
	trap - EXIT INT TERM
	if [ -n "$child" ]; then
		kill "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	[ -n "$started" ] && "$ADAPTER" stop >/dev/null 2>&1
	ci/lab down >/dev/null 2>&1
	rm -rf "$IKETEST_RUNDIR"
	[ -n "${KEEP_OUT:-}" ] || rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "TAP version 13"
setup() {
	ci/lab up >"$OUT/lab.log" 2>&1 || { echo "ci/lab up failed"; return 1; }
	"$ADAPTER" install >"$OUT/adapter.log" 2>&1 ||
	    { echo "adapter install failed"; return 1; }
	"$ADAPTER" start >>"$OUT/adapter.log" 2>&1 ||
	    { echo "adapter start failed"; return 1; }
	started=yes
}
# Not in a subshell: `started` must reach cleanup.
setup >"$OUT/setup.why"
if [ -z "$started" ]; then
	echo "not ok 1 - lab and reference peer set up: $(cat "$OUT/setup.why")"
	sed 's/^/# /' "$OUT/lab.log" "$OUT/adapter.log" 2>/dev/null | tail -n 20
	echo "1..1"
	exit 1
fi

set -a
eval "$(ci/lab env ref)"
set +a

# Failures that are not the reference peer's: script or interpreter
# problems reported to the lead (not fixable in peers/reference or in the
# responder). Their lines are `not ok ... # TODO why`: visible, not fatal;
# once a script passes its line is a plain `ok` and its entry should go.
# Never list a responder bug here.
n=0 pass=0 fail=0 skip=0 todo=0
for f in suites/*/*.ike; do
	[ -e "$f" ] || continue
	# suites/examples illustrates the language; it is not a suite.
	case $f in suites/examples/*) continue ;; esac
	n=$((n + 1))
	tap=$OUT/$(echo "$f" | tr / _).tap
	# in the background so that a signal reaches the trap at once
	ip netns exec "$HARNESS_NS" "$IKETEST" run --profile "$PROFILE" \
	    --out "$OUT/records" "$f" >"$tap" 2>>"$OUT/run.log" &
	child=$!
	wait "$child"
	rc=$?
	child=
	if grep -q '^1\.\.0 # SKIP' "$tap"; then
		skip=$((skip + 1))
		echo "ok $n - $f # SKIP $(sed -n 's/^1\.\.0 # SKIP //p' "$tap")"
	elif [ "$rc" = 0 ] && grep -q '# TODO' "$tap"; then
		todo=$((todo + 1))
		why=$(sed -n 's/.*# TODO *//p' "$tap" | head -n 1)
		echo "ok $n - $f # TODO ${why:-known deviation (profile [deviations])}"
	elif [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $f"
	else
		fail=$((fail + 1))
		echo "not ok $n - $f (iketest run exit $rc)"
	fi
	if [ "$rc" != 0 ] && ! grep -q '^1\.\.0 # SKIP' "$tap"; then
		grep -E '^(not ok|Bail out)|^  checks:|^    [a-zA-Z]' "$tap" |
		    head -n 12 | sed 's/^/# /'
	fi
done
echo "# reference: $n scripts: pass $pass, fail $fail, skip $skip, todo $todo" >&2
echo "1..$n"
[ "$fail" = 0 ]
