#!/bin/sh
# load_loopback: `iketest load` against `iketest respond` on 127.0.0.1
# (profile harness/tests/load/profile.conf: cookies from 20 half-open
# SAs, ESP in UDP). The bounds hold: --count (attempts never more),
# --seconds and --drain (wall time, with an IUT that never answers too);
# the numbers are sane (established <= attempts, percentiles ordered,
# one echo answered per tunnel, rekeys and deletes counted); the flood
# finds the responder's cookie threshold and a legitimate initiator still
# gets through with the COOKIE round trip. Times are asserted only as
# upper bounds. Every process by its pid.
set -u

IKETEST=${IKETEST:-build/iketest}
IKETEST_TOP=${IKETEST_TOP:-$(pwd)}
export IKETEST_TOP
PROFILE=$IKETEST_TOP/harness/tests/load/profile.conf
T=$(mktemp -d "${TMPDIR:-/tmp}/iketest-load.XXXXXX") || exit 1
pid=

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
ms() { date +%s%3N; }
# val FILE KEY [FIELD]: the FIELDth word after KEY in a record
val() { awk -v k="$2" -v f="${3:-1}" '$1 == k { print $(f + 1); exit }' "$1"; }
# ordered FILE KEY: the four percentiles on KEY's line are p50<=p90<=p99<=max
ordered() {
	awk -v k="$2" '$1 == k { ok = ($2 <= $3 && $3 <= $4 && $4 <= $5); f = 1 }
	    END { exit !(f && ok) }' "$1"
}

echo "1..16"

start_responder() {
	tries=0
	while [ $tries -lt 10 ]; do
		port=$((20000 + ($$ * 11 + tries * 101) % 20000))
		rm -f "$T/r.pid" "$T/r.err"
		"$IKETEST" respond --profile "$PROFILE" --listen 127.0.0.1 \
		    --port "$port" --natt-port $((port + 1)) --log "$T/r.log" \
		    --pidfile "$T/r.pid" 2>"$T/r.err" &
		pid=$!
		i=0
		while [ $i -lt 50 ] && [ ! -s "$T/r.pid" ] && kill -0 "$pid" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -s "$T/r.pid" ] && return 0
		wait "$pid" 2>/dev/null
		pid=
		grep -q "in use" "$T/r.err" || return 1
		tries=$((tries + 1))
	done
	return 1
}

load() {
	"$IKETEST" load --profile "$PROFILE" --port "${port:-1}" \
	    --natt-port $((${port:-1} + 1)) --quiet "$@"
}

start_responder
ok $? "responder up on 127.0.0.1:${port:-?}"

# --count: 30 tunnels, 8 at once
load --count 30 --concurrent 8 --seconds 20 --judge-every 1 \
    --out "$T/a.rec" >"$T/a.out" 2>"$T/a.err"
rc=$?
a=$(val "$T/a.rec" attempts); u=$(val "$T/a.rec" established)
[ $rc -eq 0 ] && [ "$a" = 30 ] && [ "$u" -le "$a" ] && [ "$u" = 30 ] &&
    [ "$(val "$T/a.rec" failed)" = 0 ]
ok $? "--count 30: exit $rc, 30 attempts (got ${a:-?}), all established (${u:-?})$(sed 's/^/: /' "$T/a.err" | tr '\n' ' ')"
ordered "$T/a.rec" setup-us && ordered "$T/a.rec" ttfp-us &&
    [ "$(grep -c '^setup-sample ' "$T/a.rec")" = 30 ]
ok $? "setup latency and time to first packet: p50 <= p90 <= p99 <= max, 30 samples"
[ "$(val "$T/a.rec" echo 2)" = 30 ] && [ "$(val "$T/a.rec" deletes)" = 30 ]
ok $? "one echo answered through each new CHILD SA, every IKE SA deleted"
[ "$(val "$T/a.rec" judged)" -gt 0 ] && [ "$(val "$T/a.rec" violations)" = 0 ] &&
    grep -q "^conformance: [1-9][0-9]* IUT messages judged, 0 violations" "$T/a.out"
ok $? "IUT messages judged by the rules under load, no violation"
grep -q "^TPS achieved: " "$T/a.out" &&
    grep -q "^precomputation: none" "$T/a.out" &&
    grep -q "^setup latency (ms, 30 samples): p50 " "$T/a.out"
ok $? "summary: achieved TPS, the precomputation stated, latency percentiles"

# the report draws the record: achieved against offered, the latencies
mkdir -p "$T/rin/ref" && cp "$T/a.rec" "$T/rin/ref/tunnels.load"
"$IKETEST" report --out "$T/site" "$T/rin" >/dev/null 2>&1 &&
    grep -q '<svg class="load-rate"' "$T/site/load.html" &&
    grep -q '<svg class="load-cdf".*<polyline' "$T/site/load.html" &&
    grep -q "30 attempts, 30 established" "$T/site/load.html" &&
    grep -q 'href="load.html"' "$T/site/runs.html"
ok $? "iketest report: load.html draws the record (rate bars, latency distribution), linked from runs.html"

# rekeys: each tunnel rekeys its CHILD SA and its IKE SA once
load --count 6 --concurrent 3 --rekey-child 1 --rekey-ike 1 --seconds 20 \
    --out "$T/k.rec" >"$T/k.out" 2>&1
[ "$(val "$T/k.rec" rekeys 1)" = 6 ] && [ "$(val "$T/k.rec" rekeys 2)" = 6 ] &&
    [ "$(val "$T/k.rec" deletes)" = 6 ] && [ "$(val "$T/k.rec" failed)" = 0 ]
ok $? "TRPS: 6 CHILD SA rekeys, 6 IKE SA rekeys, 6 deletes ($(grep '^TRPS' "$T/k.out"))"

# --no-child: IKE SAs alone, no echo, said so
load --count 4 --no-child --seconds 20 --out "$T/c.rec" >"$T/c.out" 2>&1
[ "$(val "$T/c.rec" established)" = 4 ] && [ "$(val "$T/c.rec" echo 1)" = 0 ] &&
    grep -q "^IKE SAs without CHILD SAs: --no-child" "$T/c.out"
ok $? "--no-child: 4 IKE SAs without CHILD SAs, no echo"

# --seconds: no new attempt after 2 s at 20/s; the run ends within the bound
t0=$(ms)
load --count 1000000 --rate 20 --seconds 2 --drain 1 --no-echo \
    --out "$T/s.rec" >"$T/s.out" 2>&1
rc=$?
dt=$(($(ms) - t0))
a=$(val "$T/s.rec" attempts)
[ $rc -eq 0 ] && [ "$dt" -lt 5000 ] && [ "${a:-0}" -ge 1 ] && [ "$a" -le 41 ]
ok $? "--seconds 2 --rate 20: ${a:-?} attempts (at most 41), $dt ms (under 5000)"

# the flood: the responder asks for cookies from 20 half-open SAs (its
# [timers] cookie-threshold), a legitimate initiator gets through
load --flood --rate 300 --count 50 --ports 8 --out "$T/f.rec" \
    >"$T/f.out" 2>&1
[ "$(val "$T/f.rec" probes)" = 50 ] && [ "$(val "$T/f.rec" cookie-at)" = 20 ] &&
    [ "$(val "$T/f.rec" answers 1)" = 20 ] &&
    [ "$(val "$T/f.rec" answers 2)" = 30 ]
ok $? "flood: 50 probes, 20 half-open, then COOKIE ($(grep '^answers\|^COOKIE' "$T/f.out" | tr '\n' ' '))"
[ "$(val "$T/f.rec" legit 1)" = ok ] && [ "$(val "$T/f.rec" legit 3)" = cookie ]
ok $? "flood: the legitimate initiator got through with the COOKIE round trip"
grep -q "^precomputation: one IKE_SA_INIT request" "$T/f.out"
ok $? "flood: the precomputed request is stated"

kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=

# nothing answers: the in-flight tunnels get --drain, then count unfinished
t0=$(ms)
load --count 3 --seconds 0.5 --drain 0.5 --no-echo --out "$T/n.rec" \
    >"$T/n.out" 2>&1
rc=$?
dt=$(($(ms) - t0))
[ $rc -eq 0 ] && [ "$dt" -lt 2500 ] && [ "$(val "$T/n.rec" attempts)" = 3 ] &&
    [ "$(val "$T/n.rec" established)" = 0 ] &&
    [ $(($(val "$T/n.rec" unfinished) + $(val "$T/n.rec" failed))) = 3 ]
ok $? "no IUT: 3 attempts, none up, all unfinished or failed, $dt ms (under 2500: the retransmissions would take 3000)"

"$IKETEST" load --profile "$PROFILE" --count 0 >/dev/null 2>"$T/u.err"
rc=$?
[ $rc -eq 2 ] && grep -q "^iketest load: --count: " "$T/u.err"
ok $? "--count 0: exit 2 with the option named ($(cat "$T/u.err"))"
"$IKETEST" load --help >"$T/h.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q -- "--flood" "$T/h.out" && grep -q -- "--seconds S" "$T/h.out"
ok $? "--help: exit 0, teaches --flood and the bounds"
