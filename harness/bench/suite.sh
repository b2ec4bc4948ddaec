#!/bin/sh
# suite.sh IKETEST: issue 13's P3, suite efficiency. Runs every script of
# the suites against the reference peer in a lab of its own (the way the
# suite runner does: `iketest run` in the harness namespace, one process a
# script), times each run by the wall clock, and sets the sum against the
# waits the scripts must observe, measured in the same run:
#   - the durations a script asks to pass: `expect silence for D`,
#     `wait D`, `esp|ah expect nothing for D`;
#   - the timed checks of its record (`timing EXPECTED MEASURED`: the
#     retransmission gaps it watched), by their expected value.
# A window that may end early (`within D`, `or silence`) is not a required
# wait: when it runs out, that time counts as overhead. Target: wall time
# at most 1.2 x the required waits. Prints the ten scripts with the most
# overhead (wall minus required). The lab's set-up is timed apart.
# Prints SKIP without root or `ip netns`; never fails on the numbers.
# IKETEST_SCRIPTS (paths) runs those scripts instead of suites/*/*.ike.
set -u
IKETEST=${1:-build/iketest}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
case $IKETEST in /*) ;; *) IKETEST=$top/$IKETEST ;; esac
target=1.2

if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "P3 suite efficiency: SKIP (needs root and ip netns for the lab)"
	exit 0
fi

IKETEST_LAB_PREFIX=ibs$(($$ % 1000))
IKETEST_RUNDIR=/run/iketest-$IKETEST_LAB_PREFIX
export IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST
T=$(mktemp -d /tmp/iketest-bench-suite.XXXXXX) || exit 1
# the IUT's version, asked of its adapter once for every script, as the
# suite runners do (harness/tests/lib/runner.sh)
IKETEST_IUT_VERSION_CACHE=$T/iut-version
export IKETEST_IUT_VERSION_CACHE
ADAPTER=peers/reference/adapter
PROFILE=peers/reference/profile.conf
cleanup() {
	"$ADAPTER" stop >/dev/null 2>&1
	ci/lab down >/dev/null 2>&1
	rm -rf "$IKETEST_RUNDIR" "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_us() {
	echo $(($(date +%s%N) / 1000))
}

t0=$(now_us)
if ! ci/lab up >"$T/lab.log" 2>&1 || ! "$ADAPTER" start >"$T/adapter.log" 2>&1 ||
    ! "$ADAPTER" configure "$PROFILE" >>"$T/adapter.log" 2>&1; then
	echo "P3 suite efficiency: SKIP (the lab or the reference peer did not come up; $T kept)"
	trap - EXIT
	exit 0
fi
set -a
eval "$(ci/lab env ref)"
set +a
setup_us=$(($(now_us) - t0))

# asked US SCRIPT: the microseconds SCRIPT asks to pass (see the top).
asked() {
	awk '
	function us(d) {
		if (d ~ /ms$/) { sub(/ms$/, "", d); return d * 1000 }
		if (d ~ /us$/) { sub(/us$/, "", d); return d }
		if (d ~ /m$/) { sub(/m$/, "", d); return d * 60000000 }
		sub(/s$/, "", d); return d * 1000000
	}
	/^[ \t]*#/ { next }
	/^[ \t]*expect silence for / { t += us($4); next }
	/^[ \t]*wait / { t += us($2); next }
	/^[ \t]*(esp|ah) expect nothing for / { t += us($5); next }
	END { printf "%d\n", t }' "$1"
}

# optional US SCRIPT: an upper bound of the windows that may end early
# (`within D ... or silence`): when the IUT keeps silent, they run out
# and count as overhead (see the top); printed to say how much of the
# overhead they can be.
optional() {
	awk '
	function us(d) {
		if (d ~ /ms$/) { sub(/ms$/, "", d); return d * 1000 }
		if (d ~ /us$/) { sub(/us$/, "", d); return d }
		sub(/s:?$/, "", d); return d * 1000000
	}
	/^[ \t]*#/ { next }
	/ or silence/ {
		for (i = 1; i < NF; i++)
			if ($i == "within") { t += us($(i + 1)); break }
	}
	END { printf "%d\n", t }' "$1"
}

# inside RECORD: the duration-us of the record (`iketest run` from the
# script's start to its record's end: transport, capture, the events,
# evidence, clean-up with the adapter's terminate), 0 without one.
inside() {
	awk '$1 == "duration-us" { t = $2 } END { printf "%d\n", t }' "$1" \
	    2>/dev/null || echo 0
}

# timed RECORD: the sum of the expected values of its timing lines.
timed() {
	awk '$1 == "timing" { t += $2 } END { printf "%d\n", t }' "$1" 2>/dev/null ||
	    echo 0
}

: >"$T/rows"
# shellcheck disable=SC2086 # a list of paths, split on purpose
for f in ${IKETEST_SCRIPTS:-suites/*/*.ike}; do
	case $f in suites/examples/*) continue ;; esac
	rec=$T/rec/$(echo "${f#suites/}" | sed 's/\.ike$//' | tr / _)
	s=$(now_us)
	ip netns exec "$HARNESS_NS" "$IKETEST" run --profile "$PROFILE" \
	    --out "$T/rec" "$f" >/dev/null 2>&1 </dev/null
	w=$(($(now_us) - s))
	r=$(($(asked "$f") + $(timed "$rec.record")))
	v=$(awk '$1 == "verdict" { v = $2 } END { print v ? v : "none" }' \
	    "$rec.record" 2>/dev/null)
	echo "$w $r $f $(inside "$rec.record") $(optional "$f") ${v:-none}" \
	    >>"$T/rows"
done

awk -v target="$target" -v setup="$setup_us" '
{ w += $1; r += $2; n++ }
END {
	printf "P3 suite efficiency: %d scripts against the reference peer: wall %.1f s, required waits %.1f s",
	    n, w / 1e6, r / 1e6
	if (r > 0) printf ", ratio %.2f (target at most %.1f)\n", w / r, target
	else printf ", ratio n/a\n"
	printf "  lab and reference peer set up in %.1f s, apart\n", setup / 1e6
}' "$T/rows"
# Where the overhead (wall - required) is: outside `iketest run`'s own
# clock (netns entry, process start-up, profile and script parse, exit:
# wall - duration-us) and inside it (duration-us - required: transport
# and capture set-up, the IUT's answer times, windows that ran out,
# clean-up); the namespace entry alone timed apart.
ns0=$(now_us)
k=0
while [ $k -lt 10 ]; do
	ip netns exec "$HARNESS_NS" true
	k=$((k + 1))
done
ns_us=$((($(now_us) - ns0) / 10))
awk -v ns="$ns_us" -v target="$target" '
{ w += $1; r += $2; in_ += $4; opt += $5; n++; v[$6]++
  if ($1 < $2) short++ }
END {
	o = w - r
	printf "  overhead %.1f s (%.2f s a script): outside the clock of iketest run %.1f s (%.0f ms a script; ip netns exec alone %.0f ms), inside %.1f s (%.0f ms a script)\n",
	    o / 1e6, o / n / 1e6, (w - in_) / 1e6, (w - in_) / n / 1e3, ns / 1e3,
	    (in_ - r) / 1e6, (in_ - r) / n / 1e3
	printf "  windows that may end early (within D or silence): %.1f s at most, part of the overhead when the IUT keeps silent\n",
	    opt / 1e6
	printf "  verdicts:"
	for (k in v) printf " %s %d", k, v[k]
	printf "; %d scripts ended before their required waits\n", short
	if (r > 0 && w / r > target)
		printf "  P3 why (strace, time; harness/bench/README): one process a script (~40 ms outside its clock, ~85 ms inside: start-up, transport, capture drain) and within-or-silence windows that run out; the version is asked once a suite since IKETEST_IUT_VERSION_CACHE\n"
}' "$T/rows"
echo "  the ten scripts with the most overhead (wall - required, s):"
awk '{ printf "%.2f %.2f %.2f %s %.2f\n", ($1 - $2) / 1e6, $1 / 1e6, $2 / 1e6,
    $3, $4 / 1e6 }' "$T/rows" | sort -rn | head -n 10 |
    awk '{ printf "    %6.2f  (wall %.2f, in iketest run %.2f, required %.2f)  %s\n",
    $1, $2, $5, $3, $4 }'
