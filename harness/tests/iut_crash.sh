#!/bin/sh
# TAP test: an IUT that dies or hangs during a suite run (issue 14.4). The
# suite runner (harness/tests/lib/suites_against.sh, with
# harness/tests/lib/runner.sh) runs four scripts against strongSwan; this
# test kills charon (SIGKILL, by the pid in the adapter's pid file) during
# the first, and stops it (SIGSTOP: a hang) during the third, both while
# the script waits in `expect silence`, which the script itself passes.
# The run must complete, give each of those scripts its own verdict
# (`IUT crashed: ...`, `IUT hung: ...`, with charon's last log lines and
# the evidence kept), restart charon, and run the scripts after each
# against the new charon, which pass. Then the same crash in a ci/matrix
# run of two scripts: the first script's TAP is the crash verdict, its
# evidence is kept, the second passes. Needs root, `ip netns` and
# strongSwan (the adapter installs it), else SKIP.
set -u
TOP=${IKETEST_TOP:-.}
cd "$TOP" || exit 1
TOP=$(pwd)
. harness/tests/lib/tap.sh

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces)"
	exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP no 'ip netns' here"
	exit 0
fi
if ! sh peers/strongswan/adapter install >/dev/null 2>&1; then
	echo "1..0 # SKIP strongSwan cannot be installed here (peers/strongswan/adapter install)"
	exit 0
fi

tmp=$(mktemp -d /tmp/iketest-iut-crash.XXXXXX) || exit 1
runner=
cleanup() {
	# the runner's own clean-up stops charon and takes its lab down
	if [ -n "$runner" ]; then
		kill "$runner" 2>/dev/null
		wait "$runner" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

silent=suites/retransmission/initiator_stops_after_response.ike
quick=suites/ike_sa_init/ke_modp_one.ike
IKETEST_SCRIPTS="$silent $quick $silent $quick" \
    IKETEST_EVIDENCE_DIR=$tmp/evidence \
    sh harness/tests/lib/suites_against.sh strongswan icr \
    >"$tmp/tap" 2>"$tmp/err" &
runner=$!
# the runner's lab prefix and run directory (suites_against.sh)
D=/run/iketest-icr$((runner % 1000))/strongswan

# alive PID: 0 while PID runs (a zombie, not yet waited for, is gone).
alive() {
	kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# wait_auth N: until charon's log shows its Nth IKE_AUTH request (the
# script's initiation is through), at most 60 s; prints charon's pid.
wait_auth() {
	i=0
	while [ $i -lt 600 ]; do
		c=$(grep -c 'generating IKE_AUTH request 1' "$D/charon.log" 2>/dev/null) || c=0
		p=$(cat "$D/charon.pid" 2>/dev/null) || p=
		if [ "$c" -ge "$1" ] && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			echo "$p"
			return 0
		fi
		alive "$runner" || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

pid1=$(wait_auth 1)
ok $? "charon initiated in the first script (pid ${pid1:-none})"
# into the script's 5 s of silence
sleep 1.5
[ -n "$pid1" ] && kill -9 "$pid1"
ok $? "SIGKILL charon (pid ${pid1:-none}) during the first script"
pid2=$(wait_auth 2)
ok $? "charon restarted and initiated in the third script (pid ${pid2:-none})"
[ -n "$pid2" ] && [ "$pid2" != "$pid1" ]
ok $? "a new charon (pid ${pid2:-none} after ${pid1:-none})"
sleep 1.5
[ -n "$pid2" ] && kill -STOP "$pid2"
ok $? "SIGSTOP charon (pid ${pid2:-none}) during the third script"

wait "$runner"
rc=$?
runner=
[ "$rc" = 1 ]
ok $? "the run completes and fails (exit $rc, want 1)"
sed 's/^/#   /' "$tmp/tap"
grep -q '^1\.\.5$' "$tmp/tap"
ok $? "every script has its verdict, and the PSK check its line (1..5)"
grep -q "^not ok 1 - $silent (IUT crashed: pid $pid1 is gone" "$tmp/tap"
ok $? "script 1: not ok with the crash verdict"
sed -n '/^not ok 1 /,/^ok 2 /p' "$tmp/tap" | grep -q '^# last lines of charon.log:'
ok $? "script 1: charon's last log lines follow"
ev=$(sed -n '/^not ok 1 /,/^ok 2 /s/^# evidence: //p' "$tmp/tap")
[ -n "$ev" ] && [ -s "$ev/iut-charon.log" ] && [ -s "$ev/adapter.log" ] &&
    grep -q 'restarted for the next script' "$ev/adapter.log"
ok $? "script 1: its evidence is kept (${ev:-none}), with the restart"
grep -q "^ok 2 - $quick\$" "$tmp/tap"
ok $? "script 2 passes against the restarted charon"
grep -q "^not ok 3 - $silent (IUT hung: .*pid $pid2 is stopped" "$tmp/tap"
ok $? "script 3: not ok with the hang verdict"
grep -q "^ok 4 - $quick\$" "$tmp/tap"
ok $? "script 4 passes against the charon started after the hang"
grep -q 'IUT crashed or hung: 2' "$tmp/err"
ok $? "the counts name two crashes"
kill -0 "$pid2" 2>/dev/null
[ $? != 0 ]
ok $? "the hung charon (pid $pid2) was stopped"

# ci/matrix, which shares the watching (harness/tests/lib/runner.sh)
mkdir -p "$tmp/suite"
cp "$silent" "$quick" "$tmp/suite/"
mp=icm$(($$ % 1000))
IKETEST_LAB_PREFIX=$mp IKETEST_RUNDIR=/run/iketest-$mp \
    ci/matrix --iut strongswan --suite "$tmp/suite" --out "$tmp/out" --no-interop \
    >"$tmp/matrix" 2>&1 &
runner=$!
# ci/matrix runs each IUT in a lab of its own, nested in this one
D=$(IKETEST_LAB_PREFIX=$mp IKETEST_RUNDIR=/run/iketest-$mp ci/lab sublab strongswan |
    sed -n 's/^IKETEST_RUNDIR=//p')/strongswan
pid3=$(wait_auth 1)
ok $? "ci/matrix: charon initiated in the first script (pid ${pid3:-none})"
sleep 1.5
[ -n "$pid3" ] && kill -9 "$pid3"
ok $? "SIGKILL charon (pid ${pid3:-none}) during the first script"
wait "$runner"
rc=$?
runner=
rm -rf "/run/iketest-$mp"
[ "$rc" = 1 ]
ok $? "ci/matrix completes and fails (exit $rc, want 1)"
t=$(find "$tmp/out" -path '*/strongswan/tap/suite/*.tap' | sort)
s1=$(echo "$t" | grep '/initiator_stops_after_response.tap$')
s2=$(echo "$t" | grep '/ke_modp_one.tap$')
grep -q "^not ok 1 - .*initiator_stops_after_response.ike (IUT crashed: pid $pid3 is gone" "$s1" 2>/dev/null &&
    [ -s "$s1.iketest" ]
ok $? "ci/matrix: the first script's TAP is the crash verdict, iketest's beside it"
[ -s "$s2" ] && ! grep -q '^not ok' "$s2"
ok $? "ci/matrix: the second script passes against the restarted charon"
ev=$(sed -n 's/^matrix: # evidence: //p' "$tmp/matrix" | head -n 1)
[ -n "$ev" ] && [ -s "$ev/iut-charon.log" ] && grep -q 'matrix: # IUT crashed: ' "$tmp/matrix"
ok $? "ci/matrix: the crash, its evidence (${ev:-none}) and charon's last lines on stderr"
[ "$fail" = 0 ] || sed 's/^/#   /' "$tmp/matrix"
echo "1..$n"
exit "$fail"
