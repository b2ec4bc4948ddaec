#!/bin/sh
# TAP test: a run that is interrupted or killed leaves nothing behind
# (issue 14.4). Mid-run (while a script's `iketest run` is in the harness
# namespace) it sends
#   - SIGINT to ci/matrix (the reference peer), and to the suite runner
#     harness/tests/lib/suites_against.sh: their own clean-up must leave
#     nothing, before and after `ci/lab down`;
#   - SIGKILL to ci/matrix (strongSwan, when it can be installed, else the
#     reference peer) and to the suite runner: no clean-up runs, so
#     `ci/lab down` must remove everything;
#   - SIGKILL and SIGINT to the `iketest run` of a script: the suite runner
#     notes that script as failed, goes on with the next and ends by itself.
# Left behind would be: a namespace of the run's lab prefix, a veth link
# new in the host's namespace, or a process recorded at the kill (the
# runner and its descendants, every process in the lab's namespaces).
# Each run has its own lab prefix and run directory, and two short scripts.
# Needs root and `ip netns`, else SKIP.
set -u
TOP=${IKETEST_TOP:-.}
cd "$TOP" || exit 1
TOP=$(pwd)
. harness/tests/lib/tap.sh
# pid_tree (peers/lib.sh reads top)
# shellcheck disable=SC2034
top=$TOP
. peers/lib.sh

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces)"
	exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP no 'ip netns' here"
	exit 0
fi

tmp=$(mktemp -d /tmp/iketest-leftovers.XXXXXX) || exit 1
runner=
prefix=
cleanup() {
	if [ -n "$runner" ]; then
		kill -9 "$runner" 2>/dev/null
		wait "$runner" 2>/dev/null
	fi
	[ -z "$prefix" ] || down "$prefix"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A suite folder of two scripts: one that lasts (the IUT initiates, then
# 5 s of silence), one that is quick.
mkdir -p "$tmp/suite"
cp suites/retransmission/initiator_stops_after_response.ike \
    suites/ike_sa_init/ke_modp_one.ike "$tmp/suite/"
SCRIPTS="$tmp/suite/initiator_stops_after_response.ike $tmp/suite/ke_modp_one.ike"
# For ci/matrix: a second lasting script before the quick one, so that a
# job orphaned by SIGKILL of ci/matrix would still be running its next
# script when the test looks (it once started a daemon after `ci/lab down`).
mkdir -p "$tmp/msuite"
cp "$tmp"/suite/*.ike "$tmp/msuite/"
cp "$tmp/suite/initiator_stops_after_response.ike" "$tmp/msuite/initiator_stops_again.ike"

sw=reference
sh peers/strongswan/adapter install >/dev/null 2>&1 && sw=strongswan

# A command started with & from a shell without job control ignores
# SIGINT, and a shell cannot trap what it was started ignoring: the runners
# get SIGINT back to its default (their traps then catch it).
START="env --default-signal=INT"

veths() {
	ip -o link show type veth 2>/dev/null | awk -F': ' '{ print $2 }' | sort
}
veths >"$tmp/veth.before"

# lab_ns PREFIX: the namespaces of the lab with that prefix.
lab_ns() {
	ip netns list 2>/dev/null | awk -v p="$1-" 'index($1, p) == 1 { print $1 }'
}

# alive PID: 0 while PID runs (a zombie, not yet waited for, is gone).
alive() {
	kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# record PREFIX PID FILE: the pids of a run: PID's tree and every process
# in the lab's namespaces.
record() {
	{
		pid_tree "$2"
		for ns in $(lab_ns "$1"); do
			ip netns pids "$ns" 2>/dev/null
		done
	} | sort -un >"$3"
}

# midrun PREFIX PID: waits (at most 90 s) until a script's `iketest run`
# runs in a harness namespace of the lab PREFIX (PREFIX-h, or that of a
# nested lab, PREFIX-nSLOT-h: ci/lab sublab), and a second more; prints
# its pid.
midrun() {
	i=0
	while [ $i -lt 900 ]; do
		alive "$2" || return 1
		for p in $(lab_ns "$1" | grep -- '-h$' | xargs -r -n 1 ip netns pids 2>/dev/null); do
			if { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q ' run --profile '; then
				sleep 1
				echo "$p"
				return 0
			fi
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# lab_procs PREFIX: " PID(CMDLINE)" for every process whose environment
# names the lab PREFIX or a lab nested in it (IKETEST_LAB_PREFIX, which
# ci/matrix, its jobs and whatever they start inherit).
lab_procs() {
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		{ tr '\0' '\n' <"$d/environ"; } 2>/dev/null |
		    grep -Eq "^IKETEST_LAB_PREFIX=$1(-|\$)" || continue
		alive "$p" || continue
		printf ' %s(%s)' "$p" "$({ tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | cut -c1-60)"
	done
}

# leftovers PREFIX FILE: what is left of the run (nothing: no output),
# after up to 5 s for processes to finish dying.
leftovers() {
	i=0
	while :; do
		left_p=
		for p in $(cat "$2"); do
			if alive "$p"; then
				left_p="$left_p $p($({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | cut -c1-60))"
			fi
		done
		[ -z "$left_p" ] || [ $i -ge 50 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	# and what the run started after the record (an orphaned job of a
	# killed ci/matrix, a daemon it started late): its environment names
	# the lab
	late=$(lab_procs "$1")
	ns=$(lab_ns "$1" | tr '\n' ' ')
	veths >"$tmp/veth.after"
	links=$(comm -13 "$tmp/veth.before" "$tmp/veth.after" | tr '\n' ' ')
	[ -z "$ns" ] || echo "namespaces: $ns"
	[ -z "$links" ] || echo "host veth links: $links"
	[ -z "$left_p" ] || echo "processes:$left_p"
	[ -z "$late" ] || echo "processes of the lab not recorded:$late"
}

down() {
	IKETEST_LAB_PREFIX=$1 IKETEST_RUNDIR=/run/iketest-$1 ci/lab down >/dev/null 2>&1
	rm -rf "/run/iketest-$1"
}

# check NAME PREFIX PIDS [own]: nothing left (with own: already before
# `ci/lab down`, by the runner's clean-up), then ci/lab down, nothing left.
check() {
	if [ "${4:-}" = own ]; then
		left=$(leftovers "$2" "$3")
		[ -z "$left" ]
		ok $? "$1: its own clean-up leaves nothing${left:+ (left: $left)}"
	fi
	down "$2"
	# a second for whatever would start late (an orphaned job)
	sleep 1
	left=$(leftovers "$2" "$3")
	[ -z "$left" ]
	ok $? "$1, then ci/lab down: no namespace, link or process left ($(wc -l <"$3") pids recorded)${left:+ (left: $left)}"
	prefix=
}

# matrix SIGNAL IUT PREFIX: ci/matrix against IUT, SIGNAL mid-run.
matrix() {
	prefix=$3
	IKETEST_LAB_PREFIX=$3 IKETEST_RUNDIR=/run/iketest-$3 \
	    $START ci/matrix --iut "$2" --suite "$tmp/msuite" --out "$tmp/out" \
	    >"$tmp/$3.out" 2>&1 &
	runner=$!
	pid=$(midrun "$3" "$runner")
	ok $? "ci/matrix --iut $2: a script runs (iketest run pid ${pid:-none})"
	record "$3" "$runner" "$tmp/$3.pids"
	kill "-$1" "$runner"
	wait "$runner" 2>/dev/null
	rc=$?
	runner=
	case $1 in
	INT) [ "$rc" = 130 ]; ok $? "ci/matrix exits 130 on SIGINT (exit $rc)" ;;
	KILL) [ "$rc" = 137 ]; ok $? "ci/matrix was killed (exit $rc)" ;;
	esac
	if [ "$1" = INT ]; then check "SIGINT of ci/matrix" "$3" "$tmp/$3.pids" own
	else check "SIGKILL of ci/matrix" "$3" "$tmp/$3.pids"
	fi
}

# against SIGNAL: the suite runner against the reference peer, SIGNAL
# mid-run.
against() {
	IKETEST_SCRIPTS=$SCRIPTS IKETEST_EVIDENCE_DIR=$tmp/evidence \
	    $START sh harness/tests/lib/suites_against.sh reference ilo \
	    >"$tmp/against.out" 2>&1 &
	runner=$!
	prefix=ilo$((runner % 1000))
	pid=$(midrun "$prefix" "$runner")
	ok $? "suites_against.sh: a script runs (iketest run pid ${pid:-none})"
	record "$prefix" "$runner" "$tmp/against.pids"
	kill "-$1" "$runner"
	wait "$runner" 2>/dev/null
	rc=$?
	runner=
	case $1 in
	INT) [ "$rc" = 130 ]; ok $? "suites_against.sh exits 130 on SIGINT (exit $rc)" ;;
	KILL) [ "$rc" = 137 ]; ok $? "suites_against.sh was killed (exit $rc)" ;;
	esac
	if [ "$1" = INT ]; then check "SIGINT of the suite runner" "$prefix" "$tmp/against.pids" own
	else check "SIGKILL of the suite runner" "$prefix" "$tmp/against.pids"
	fi
}

# harness SIGNAL: SIGNAL to the first script's `iketest run`; the suite
# runner goes on and ends by itself.
harness() {
	IKETEST_SCRIPTS=$SCRIPTS IKETEST_EVIDENCE_DIR=$tmp/evidence \
	    sh harness/tests/lib/suites_against.sh reference ilo \
	    >"$tmp/harness.out" 2>&1 &
	runner=$!
	prefix=ilo$((runner % 1000))
	pid=$(midrun "$prefix" "$runner")
	ok $? "suites_against.sh: a script runs (iketest run pid ${pid:-none})"
	record "$prefix" "$runner" "$tmp/harness.pids"
	[ -n "$pid" ] && kill "-$1" "$pid"
	wait "$runner" 2>/dev/null
	rc=$?
	runner=
	grep -q "^not ok 1 - .*initiator_stops_after_response.ike (iketest run exit" "$tmp/harness.out" &&
	    grep -q '^ok 2 - .*ke_modp_one.ike$' "$tmp/harness.out" &&
	    grep -q '^1\.\.3$' "$tmp/harness.out" && [ "$rc" = 1 ]
	st=$?
	ok "$st" "SIG$1 of iketest run: that script fails, the next passes, the runner ends (exit $rc)"
	[ "$st" = 0 ] || sed 's/^/#   /' "$tmp/harness.out"
	check "SIG$1 of iketest run" "$prefix" "$tmp/harness.pids" own
}

matrix INT reference ilm$(($$ % 1000))
matrix KILL "$sw" ilk$(($$ % 1000))
against INT
against KILL
harness KILL
harness INT
echo "1..$n"
exit "$fail"
