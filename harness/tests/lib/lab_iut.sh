# lab_iut.sh: sourced (POSIX sh) by the runners that drive one lab IUT
# with an iketest command in the harness namespace (fuzz_against.sh,
# load_against.sh). lab_iut_up brings a lab of its own up (prefix
# $1$$), installs, starts and configures the IUT through its adapter and
# exports the lab's environment; the EXIT trap it sets stops the IUT and
# brings the lab down on every exit path. Needs root and `ip netns`.
# The sourcing script sets prog and has cd'ed to the repository's top.

# lab_iut_up PREFIX IUT OUT: sets ADAPTER, PROFILE, HARNESS_NS (and the
# rest of `ci/lab env`); exits 3 when the lab or the IUT cannot be set up.
lab_iut_up() {
	top=$(pwd)
	. peers/lib.sh
	li_slot=$(peer_short "$2") || { echo "$prog: $2 is not in the registry" >&2; exit 3; }
	: "${IKETEST:=build/iketest}"
	IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
	IKETEST_LAB_PREFIX=$1$(($$ % 1000))
	IKETEST_RUNDIR=/run/iketest-$IKETEST_LAB_PREFIX
	export IKETEST IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST_TOP=$top
	ADAPTER=$top/peers/$2/adapter PROFILE=peers/$2/profile.conf
	mkdir -p "$3" || exit 3
	li_started=
	trap lab_iut_down EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	ci/lab up >"$3/lab.log" 2>&1 || { echo "$prog: ci/lab up failed (see $3/lab.log)" >&2; exit 3; }
	"$ADAPTER" install >"$3/adapter.log" 2>&1 &&
	    "$ADAPTER" start >>"$3/adapter.log" 2>&1 && li_started=yes &&
	    "$ADAPTER" configure "$PROFILE" >>"$3/adapter.log" 2>&1 ||
	    { echo "$prog: $2 could not be set up (see $3/adapter.log)" >&2; exit 3; }
	set -a
	eval "$(ci/lab env "$li_slot")"
	set +a
}

lab_iut_down() {
	trap - EXIT INT TERM
	[ -n "$li_started" ] && "$ADAPTER" stop >/dev/null 2>&1
	ci/lab down >/dev/null 2>&1
	rm -rf "$IKETEST_RUNDIR"
}
