#!/bin/sh
# fuzz.sh [IKETEST]: `iketest fuzz` against the reference peer (`iketest
# respond` on 127.0.0.1), both on one core (taskset -c 0 when there is
# taskset): mutated exchanges per second per state, beside the same
# campaign unmutated (--unmutated: the harness's own rate, measured in
# the same run), and where the time goes (fuzz.record's time-us and
# cpu-us, the peer's CPU from /proc). The target of issue 12 is 200
# mutated exchanges per second. Prints numbers, never fails on them.
# BENCH_SECONDS (default 3) is the time per measurement; BENCH_FUZZ_STATES
# (words, each a --states list) replaces the default rows.
set -u
IKETEST=${1:-build/iketest}
secs=${BENCH_SECONDS:-3}
IKETEST_TOP=${IKETEST_TOP:-$(pwd)}
export IKETEST_TOP
P=$IKETEST_TOP/harness/bench/fuzz.conf
T=$(mktemp -d "${TMPDIR:-/tmp}/iketest-bench-fuzz.XXXXXX") || exit 1
port=$((30000 + ($$ * 17) % 20000))
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pin=
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
	pin="taskset -c 0"
fi
$pin "$IKETEST" respond --profile "$P" --listen 127.0.0.1 --port $port \
    --natt-port $((port + 1)) --log /dev/null --pidfile "$T/peer.pid" \
    2>"$T/peer.err" &
pid=$!
i=0
while [ $i -lt 50 ] && [ ! -s "$T/peer.pid" ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$T/peer.pid" ]; then
	echo "fuzz.sh: the reference peer did not start: $(cat "$T/peer.err")" >&2
	exit 1
fi
tck=$(getconf CLK_TCK 2>/dev/null || echo 100)

peer_cpu_us() {	# utime + stime of the peer, microseconds
	awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.0f", ($12 + $13) * 1e6 / t }' \
	    "/proc/$pid/stat" 2>/dev/null || echo 0
}
# run NAME OPTIONS...: a campaign of $secs seconds; its rate on stdout
run() {
	name=$1
	shift
	c0=$(peer_cpu_us)
	$pin "$IKETEST" fuzz --profile "$P" --port $port --natt-port $((port + 1)) \
	    --seed 1 --seconds "$secs" --wait-ms 5 --no-minimize \
	    --max-findings 100000 --out "$T/$name" "$@" >/dev/null 2>"$T/$name.err"
	echo $(( $(peer_cpu_us) - c0 )) >"$T/$name.peer"
	sed -n 's/^cases-per-second //p' "$T/$name/fuzz.record"
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'
}

echo "iketest fuzz against the reference peer on 127.0.0.1, ${pin:-unpinned}, ${secs}s each, --wait-ms 5, retransmissions at 5/10/20 ms"
for st in ${BENCH_FUZZ_STATES:-init auth info child rekey esp espudp all}; do
	m=$(run "m-$st" --states $st)
	u=$(run "u-$st" --states $st --unmutated)
	printf '  %-5s %7s mutated exchanges/s, %7s/s unmutated (ratio %s; target 200/s mutated)\n' \
	    "$st" "${m:-?}" "${u:-?}" "$(ratio "${m:-0}" "${u:-0}")"
done
r=$T/m-all/fuzz.record
awk -v peer="$(cat "$T/m-all.peer")" '
	/^duration-us / { d = $2 }
	/^cpu-us / { cpu = $2 }
	/^cases / { cases = $2 }
	/^silent / { silent = $2 }
	/^time-us / { a = $3; s = $5; p = $7; f = $9 }
	END {
		if (d == 0) exit
		printf "  where the time goes (all states, %d cases, %d silent): answered cases %.0f%%, silent cases %.0f%% (the --wait-ms window), probes %.0f%%, findings %.0f%%;\n", cases, silent, 100 * a / d, 100 * s / d, 100 * p / d, 100 * f / d
		printf "  CPU of the wall clock: iketest %.0f%%, reference peer %.0f%%, idle (waiting) %.0f%%\n", 100 * cpu / d, 100 * peer / d, 100 - 100 * (cpu + peer) / d
	}' "$r"
