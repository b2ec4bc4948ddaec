#!/bin/sh
# loss.sh [IUT]: a representative subset of the suites (ike_sa_init,
# ike_auth, create_child_sa, informational) against IUT (default: the
# reference peer) in the lab, with the first copy of each datagram lost in
# each direction of every exchange, so that only retransmissions (RFC 7296
# 2.1) carry them: every script must stay green, and every script that ran
# must have lost datagrams (counted).
#
# The drop: against the reference peer, `iketest respond --drop-first'
# (the first copy of each datagram it receives, of each response it
# sends); against another IUT, `iketest run --drop-first' (the first copy
# of each datagram the harness sends, of each response it receives). A
# wrapper in front of $IKETEST adds the option, so that the adapters start
# the binary as always.
#
# Two losses in one exchange need two retransmissions inside the scripts'
# 2 s windows: against the reference (whose own schedule, 1 s and 1 s, is
# what its profile declares) the profile is a copy with
# `retransmit = 300000 600000'. Needs root and `ip netns', else SKIP.
# The lab, the IUT and every process it starts go on every exit path.
set -u
iut=${1:-reference}
: "${IKETEST:=build/iketest}"
cd "${IKETEST_TOP:-.}" || exit 1
top=$(pwd) prog=loss.sh
. peers/lib.sh
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

IKETEST_LAB_PREFIX=ls$(($$ % 1000))
IKETEST_RUNDIR=/run/iketest-$IKETEST_LAB_PREFIX
REAL=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
OUT=$(mktemp -d "/tmp/iketest-loss-$iut.XXXXXX") || exit 1
ADAPTER=peers/$iut/adapter
started= child=
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

# The wrapper: the drop on one side only, never both.
mkdir "$OUT/bin"
if [ "$iut" = reference ]; then side=respond; else side=run; fi
cat >"$OUT/bin/iketest" <<EOF
#!/bin/sh
if [ "\${1:-}" = $side ]; then shift; exec "$REAL" $side --drop-first "\$@"; fi
exec "$REAL" "\$@"
EOF
chmod 755 "$OUT/bin/iketest"
IKETEST=$OUT/bin/iketest
export IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST

PROFILE=peers/$iut/profile.conf
if [ "$iut" = reference ]; then
	# the copy lives elsewhere: its adapter by absolute path
	sed -e 's/^retransmit = .*/retransmit = 300000 600000/' \
	    -e "s|^adapter = .*|adapter = $top/peers/$iut/adapter|" \
	    -e "s|^version-command = .*|version-command = $top/peers/$iut/adapter version|" \
	    "$PROFILE" >"$OUT/profile.conf"
	PROFILE=$OUT/profile.conf
fi

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
setup >"$OUT/setup.why"
if [ $? != 0 ]; then
	echo "not ok 1 - lab and $iut set up: $(cat "$OUT/setup.why")"
	sed 's/^/# /' "$OUT/lab.log" "$OUT/adapter.log" 2>/dev/null | tail -n 20
	echo "1..1"
	exit 1
fi
set -a
eval "$(ci/lab env "$slot")"
set +a

# drops so far: the reference peer logs each (`~ --drop-first'), the
# harness writes a TAP comment for each
RLOG=$IKETEST_RUNDIR/reference/respond.log
drops() {
	if [ "$side" = respond ]; then
		c=$(grep -c '^~ --drop-first: dropped' "$RLOG" 2>/dev/null)
	else
		c=$(cat "$OUT"/*.tap 2>/dev/null |
		    grep -c '^ *# --drop-first: dropped')
	fi
	echo "${c:-0}"
}

# Known, on the reference peer and on strongSwan alike: an IUT forgets
# the IKE SA as it answers the request that ends it (a Delete of the IKE
# SA, 1.4.1; an IKE_AUTH it refuses with AUTHENTICATION_FAILED, 2.21.2,
# or, on the reference peer, INVALID_SYNTAX for a missing IDi),
# so when that one response is lost, the retransmitted request finds no
# SA and no remembered response to repeat (2.1). A TODO line: reported,
# not a failure; "declared but not seen" when it passes.
known() {
	case $iut:$1 in
	*:suites/ike_auth/missing_auth.ike | *:suites/ike_auth/psk_wrong.ike | \
	*:suites/informational/delete_ike.ike | \
	*:suites/informational/delete_ike_with_child.ike | \
	reference:suites/ike_auth/missing_idi.ike)
		echo "the $iut IUT drops the IKE SA with the response that ends it: that response, lost, is not repeated (RFC 7296 2.1)" ;;
	esac
}

n=0 pass=0 fail=0 skip=0 todo=0 total=0
# LOSS_SCRIPTS: other scripts (when one of them is being looked into)
for f in ${LOSS_SCRIPTS:-suites/ike_sa_init/*.ike suites/ike_auth/*.ike \
    suites/create_child_sa/*.ike suites/informational/*.ike}; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	tap=$OUT/$(echo "$f" | tr / _).tap
	"$ADAPTER" terminate >>"$OUT/adapter.log" 2>&1
	before=$(drops)
	ip netns exec "$HARNESS_NS" "$IKETEST" run --profile "$PROFILE" \
	    --out "$OUT/records" "$f" >"$tap" 2>>"$OUT/run.log" &
	child=$!
	wait "$child"
	rc=$?
	child=
	lost=$(($(drops) - before))
	total=$((total + lost))
	why=$(known "$f")
	if grep -q '^1\.\.0 # SKIP' "$tap"; then
		skip=$((skip + 1))
		echo "ok $n - $f # SKIP $(sed -n 's/^1\.\.0 # SKIP //p' "$tap")"
	elif [ -n "$why" ]; then
		todo=$((todo + 1))
		if [ "$rc" = 0 ]; then
			echo "ok $n - $f # TODO declared but not seen: $why"
		else
			echo "not ok $n - $f # TODO $why"
		fi
	elif [ "$rc" = 0 ] && [ "$lost" -gt 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $f ($lost datagrams lost)"
	else
		fail=$((fail + 1))
		echo "not ok $n - $f (iketest run exit $rc, $lost datagrams lost)"
		grep -E '^(not ok|Bail out)|^  checks:|^    [a-zA-Z]' "$tap" |
		    head -n 12 | sed 's/^/# /'
	fi
done
echo "# loss.sh $iut: $n scripts: pass $pass, fail $fail, skip $skip, todo $todo; $total datagrams dropped" >&2
echo "1..$n"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
