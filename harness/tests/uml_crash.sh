#!/bin/sh
# TAP test: a guest kernel killed during a suite run (issue 10). The suite
# runner (harness/tests/lib/suites_against.sh, with
# harness/tests/lib/runner.sh) runs two scripts against strongswan-kernel,
# whose charon runs in a user-mode Linux guest (ci/uml); this test kills
# the guest's kernel (SIGKILL, by the pid in the guest's pid file) during
# the first script, while it waits in `expect silence`. The adapter's
# status must see it, the runner must give the script the crash verdict,
# boot a new guest, and the second script must pass against it. After the
# run nothing of the lab is left: no guest process, no namespace of its
# prefix. Needs root, `ip netns`, the guest kernel and strongSwan, else
# SKIP.
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
if ! sh peers/strongswan-kernel/adapter install >/dev/null 2>&1; then
	echo "1..0 # SKIP no guest kernel or strongSwan here (peers/strongswan-kernel/adapter install)"
	exit 0
fi

tmp=$(mktemp -d /tmp/iketest-uml-crash.XXXXXX) || exit 1
runner=
cleanup() {
	# the runner's own clean-up halts the guest and takes its lab down
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
IKETEST_SCRIPTS="$silent $quick" \
    IKETEST_EVIDENCE_DIR=$tmp/evidence \
    sh harness/tests/lib/suites_against.sh strongswan-kernel iuc \
    >"$tmp/tap" 2>"$tmp/err" &
runner=$!
# the runner's lab prefix and run directory (suites_against.sh)
prefix=iuc$((runner % 1000))
D=/run/iketest-$prefix/strongswan-kernel
GPID=/run/iketest-$prefix/lab/uml/swk/pid

# wait_auth: until charon's log (written by the guest into D) shows the
# script's IKE_AUTH request, at most 300 s (a guest boots slowly on a
# loaded machine); prints the guest kernel's pid.
wait_auth() {
	i=0
	while [ $i -lt 3000 ]; do
		p=$(cat "$GPID" 2>/dev/null) || p=
		if grep -q 'generating IKE_AUTH request 1' "$D/charon.log" 2>/dev/null &&
		    [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			echo "$p"
			return 0
		fi
		kill -0 "$runner" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

gpid=$(wait_auth)
ok $? "charon in the guest initiated in the first script (guest kernel pid ${gpid:-none})"
# into the script's 5 s of silence
sleep 1.5
[ -n "$gpid" ] && kill -9 "$gpid"
ok $? "SIGKILL the guest kernel (pid ${gpid:-none}) during the first script"

wait "$runner"
rc=$?
runner=
[ "$rc" = 1 ]
ok $? "the run completes and fails (exit $rc, want 1)"
sed 's/^/#   /' "$tmp/tap"
grep -q '^1\.\.3$' "$tmp/tap"
ok $? "every script has its verdict, and the PSK check its line (1..3)"
grep -q "^not ok 1 - $silent (IUT crashed: pid $gpid is gone" "$tmp/tap"
ok $? "script 1: not ok with the crash verdict (adapter status saw the guest gone)"
ev=$(sed -n '/^not ok 1 /,/^ok 2 /s/^# evidence: //p' "$tmp/tap")
[ -n "$ev" ] && grep -q 'restarted for the next script' "$ev/adapter.log" 2>/dev/null
ok $? "script 1: the adapter booted a new guest for the next script"
grep -q "^ok 2 - $quick\$" "$tmp/tap"
ok $? "script 2 passes against charon in the new guest"
kill -0 "$gpid" 2>/dev/null
[ $? != 0 ]
ok $? "the killed guest kernel (pid $gpid) is gone"
left=$(ps -eo pid=,args= | grep "init=/run/iketest-$prefix/" | grep -v grep)
[ -z "$left" ]
ok $? "no guest process of the run is left${left:+: $left}"
left=$(ip netns list | grep "^$prefix-")
[ -z "$left" ]
ok $? "no namespace of the run is left${left:+: $left}"
echo "1..$n"
exit "$fail"
