#!/bin/sh
# suites_against.sh IUT PREFIX: every conformance script against one
# IUT of the lab, through `iketest run` (sourced by harness/tests/suites_*.sh,
# which prove runs; this folder is not one prove reads).
#
# One TAP line per script: ok for pass, skip (with its reason) and a
# declared deviation that was not seen; `not ok # TODO` for a declared
# deviation that was seen; `not ok` for a fail or an error, which fails the
# test, and `not ok N - SCRIPT (IUT crashed: ...)` (or hung) when the IUT
# died during the script: it is restarted for the next one (the watching is
# harness/tests/lib/runner.sh's, shared with ci/matrix). A failed script's
# evidence (record, pcap, key tables, its TAP, its run.log and adapter.log,
# what the IUT logged meanwhile) is kept in a folder under
# $IKETEST_EVIDENCE_DIR (default build/evidence/IUT-TIME-PID/N-SCRIPT), whose
# path, the first failing checks and a sanitizer report's first lines
# follow the `not ok` line as `# ` lines, on stdout and on stderr (prove
# shows a test's stderr, not its comments). A passing script's evidence is
# deleted. The counts go to stderr. $IKETEST_SCRIPTS (paths, space
# separated) runs those scripts instead of suites/*/*.ike. Needs
# root and `ip netns`, else SKIP with the reason. IUT's lab slot comes from
# the registry (peers/IUT/peer.conf, read by peers/lib.sh). The lab gets its own
# prefix and run directory, so that it never meets another lab on the
# machine; the IUT is stopped by its adapter (pid file) and the lab taken
# down on every exit path. Before each script `adapter terminate` removes
# what the script before left at the IUT (half-open IKE SAs count towards
# COOKIE thresholds; a pending initiation would send into the next script);
# an IUT that cannot terminate (the reference peer) is fine as it is.
set -u
iut=$1 prefix=$2
: "${IKETEST:=build/iketest}"
cd "${IKETEST_TOP:-.}" || exit 1
top=$(pwd) prog=suites_against.sh
. peers/lib.sh
. harness/tests/lib/runner.sh
slot=$(peer_short "$iut") || {
	echo "1..1"
	echo "not ok 1 - $iut is in the registry ($(peers_words))"
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces)"
	exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP no 'ip netns' here"
	exit 0
fi

IKETEST_LAB_PREFIX=$prefix$(($$ % 1000))
IKETEST_RUNDIR=/run/iketest-$IKETEST_LAB_PREFIX
# Adapters run the binary from their own directory: an absolute path.
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
export IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST
OUT=$(mktemp -d "/tmp/iketest-$iut.XXXXXX") || exit 1
# the IUT's version, asked of its adapter once for every script
IKETEST_IUT_VERSION_CACHE=$OUT/iut-version
export IKETEST_IUT_VERSION_CACHE
# The evidence of each failed script is kept here (made at the first).
EVIDENCE=${IKETEST_EVIDENCE_DIR:-$top/build/evidence}/$iut-$(date -u +%Y%m%dT%H%M%SZ)-$$
case $EVIDENCE in /*) ;; *) EVIDENCE=$top/$EVIDENCE ;; esac
ADAPTER=peers/$iut/adapter
PROFILE=peers/$iut/profile.conf
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
	"$ADAPTER" configure "$PROFILE" >>"$OUT/adapter.log" 2>&1 ||
	    { echo "adapter configure failed"; return 1; }
}
# Not in $(...): `started` must reach the clean-up in this shell.
setup >"$OUT/setup.why"
setup_rc=$?
if [ "$setup_rc" != 0 ]; then
	echo "not ok 1 - lab and $iut set up: $(cat "$OUT/setup.why")"
	sed 's/^/# /' "$OUT/lab.log" "$OUT/adapter.log" 2>/dev/null | tail -n 20
	echo "1..1"
	exit 1
fi

set -a
eval "$(ci/lab env "$slot")"
set +a

# failed N DESCRIPTION SCRIPT DIR: the `not ok` line of a failed script and
# its diagnostics (the evidence kept, the first failing checks), on stdout
# and again on stderr, which prove shows (it hides a test's comments); the
# script's DIR is kept under $EVIDENCE.
failed() {
	ev=$EVIDENCE/$(printf %03d "$1")-$(echo "${3#suites/}" | sed 's/\.ike$//' | tr / _)
	mkdir -p "$EVIDENCE"
	rm -rf "$ev"
	mv "$4" "$ev"
	{
		echo "not ok $1 - $2"
		runner_diag "$ev" "$ev"
	} >"$OUT/failed"
	cat "$OUT/failed"
	sed "1s/^/# $iut: /" "$OUT/failed" >&2
}

n=0 pass=0 fail=0 skip=0 todo=0 crash=0
# shellcheck disable=SC2086 # a list of paths, split on purpose
for f in ${IKETEST_SCRIPTS:-suites/*/*.ike}; do
	[ -e "$f" ] || continue
	# suites/examples illustrates the language; it is not a suite.
	case $f in suites/examples/*) continue ;; esac
	n=$((n + 1))
	d=$OUT/script
	rm -rf "$d"
	runner_script "$ADAPTER" "$PROFILE" "$f" "$d"
	rc=$runner_rc
	tap=$d/tap
	if [ -n "$runner_iut" ]; then
		fail=$((fail + 1)) crash=$((crash + 1))
		failed "$n" "$f ($runner_iut)" "$f" "$d"
		continue
	fi
	if grep -q '^1\.\.0 # SKIP' "$tap"; then
		skip=$((skip + 1))
		echo "ok $n - $f # SKIP $(sed -n 's/^1\.\.0 # SKIP //p' "$tap")"
		continue
	fi
	# a script that could not run to its end here (raw ESP without
	# root ...) says so and counts as skipped, not passed
	if [ "$rc" = 0 ] && grep -q '^# skipped from here: ' "$tap"; then
		skip=$((skip + 1))
		echo "ok $n - $f # SKIP $(sed -n 's/^# skipped from here: //p' "$tap" | head -n 1)"
		continue
	fi
	why=$(sed -n 's/.*# TODO *//p' "$tap" | head -n 1)
	if [ "$rc" = 0 ] && grep -q '^not ok .* # TODO' "$tap"; then
		todo=$((todo + 1))
		echo "not ok $n - $f # TODO ${why:-known deviation (profile [deviations])}"
	elif [ "$rc" = 0 ] && [ -n "$why" ]; then
		todo=$((todo + 1))
		echo "ok $n - $f # TODO declared but not seen: $why"
	elif [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $f"
	else
		fail=$((fail + 1))
		failed "$n" "$f (iketest run exit $rc)" "$f" "$d"
	fi
done
echo "# $iut: $n scripts: pass $pass, fail $fail (IUT crashed or hung: $crash), skip $skip, todo $todo" >&2
[ "$fail" = 0 ] || echo "# $iut: evidence of the failed scripts: $EVIDENCE" >&2

# Secrets never reach a log: the lab PSK, as text or in hex (iked printed
# it so), is in none of the log files the IUT's adapter names.
n=$((n + 1))
psk=$(head -n 1 "$CREDS_DIR/psk")
hex=$(printf %s "$psk" | od -An -tx1 | tr -d ' \n')
leak=
for lf in $("$ADAPTER" logfiles 2>/dev/null </dev/null); do
	[ -r "$lf" ] && grep -q -F -e "$psk" -e "$hex" "$lf" && leak="$leak $lf"
done
if [ -z "$leak" ]; then
	echo "ok $n - no log of $iut holds the lab PSK"
else
	echo "not ok $n - the lab PSK is in$leak"
	fail=$((fail + 1))
fi
echo "1..$n"
[ "$fail" = 0 ]
