#!/bin/sh
# uml: ci/uml's guests (issue 10). In a scratch namespace a user-mode Linux
# guest boots with a raw veth interface; ci/uml exec passes output, exit
# status and quoted arguments through; status answers; the guest kernel
# takes an ESP (rfc4106(gcm(aes))) and an AH SA; UDP goes from the guest to
# a peer namespace and back; stop leaves no process of the guest's group.
# A second guest, its state in a lab run folder, has its kernel process
# killed with SIGKILL (helpers of the group survive that): status sees it,
# and `ci/lab down` stops what is left. At the end no process, namespace or
# folder of the test is left. Needs root and linux.uml (user-mode-linux)
# with modprobe (kmod), else SKIP.
set -u

TOP=${IKETEST_TOP:-$(pwd)}
cd "$TOP" || exit 1
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces)"
	exit 0
fi
if [ ! -x /usr/bin/linux.uml ] || [ ! -x /usr/sbin/modprobe ]; then
	echo "1..0 # SKIP no /usr/bin/linux.uml or /usr/sbin/modprobe (apt-get install user-mode-linux kmod)"
	exit 0
fi
if ! command -v socat >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP needs socat and ip netns"
	exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/iketest-uml.XXXXXX") || exit 1
PFX=iku$(($$ % 100000))
NS=$PFX-g
PNS=$PFX-p
IKETEST_RUNDIR=$T/run
IKETEST_LAB_PREFIX=$PFX
export IKETEST_RUNDIR IKETEST_LAB_PREFIX
echo_pid=

# shellcheck disable=SC2317 # reached through the trap
cleanup() {
	[ -z "$echo_pid" ] || kill "$echo_pid" 2>/dev/null
	ci/uml stop --all >/dev/null 2>&1
	IKETEST_UML_STATE=$IKETEST_RUNDIR/lab/uml ci/uml stop --all >/dev/null 2>&1
	for ns in "$NS" "$PNS"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

. harness/tests/lib/tap.sh

# group_left PGID: how many processes of the group still run
group_left() {
	ps -e -o pgid= -o stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/' | wc -l
}

ip netns add "$NS"
ip netns add "$PNS"
ip -n "$NS" link add v0 type veth peer name v1 netns "$PNS"
ip -n "$PNS" addr add 192.0.2.1/24 dev v1
ip -n "$PNS" link set v1 up
ip -n "$PNS" link set lo up

# 1. boot
G=$T/g1
out=$(ci/uml start g1 --ns "$NS" --dir "$G" --if v0:192.0.2.2/24 \
    --route 'default via 192.0.2.1' 2>&1)
rc=$?
echo "# $out" | head -n 3
ok $rc "ci/uml start boots a guest in $NS and says how long it took"
pid=$(cat "$IKETEST_RUNDIR/uml/g1/pid" 2>/dev/null || echo 0)
pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
[ "$pgid" = "$pid" ]
ok $? "the guest's kernel leads its own process group (pid $pid, pgid ${pgid:-none})"
! ip -n "$NS" -4 addr show dev v0 | grep -q inet
ok $? "the namespace's end has no address (the guest owns it)"

# 2. exec: output, status, arguments
out=$(ci/uml exec g1 sh -c 'echo inside; exit 7' 2>&1)
rc=$?
[ "$rc" = 7 ] && [ "$out" = inside ]
ok $? "exec passes output and exit status through (got '$out', $rc)"
out=$(ci/uml exec g1 printf '%s|' "a b" "it's" '$HOME' 2>&1)
[ "$out" = "a b|it's|\$HOME|" ]
ok $? "exec passes arguments unchanged (got '$out')"
out=$(ci/uml exec g1 'ip -4 -o addr show dev v0' 2>&1)
echo "$out" | grep -q '192.0.2.2/24'
ok $? "inside, v0 has the address given with --if"

# 3. status
ci/uml status g1 >/dev/null 2>&1
ok $? "status: exit 0 for a running guest"

# 4. the guest kernel's XFRM: ESP (AEAD) and AH
out=$(ci/uml exec g1 'ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x1000 mode tunnel aead "rfc4106(gcm(aes))" 0x0102030405060708090a0b0c0d0e0f1011121314 128 &&
ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto ah spi 0x1001 mode tunnel auth "hmac(sha256)" 0x0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10 &&
ip xfrm state list' 2>&1)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q 'proto esp spi 0x00001000' &&
    echo "$out" | grep -q 'proto ah spi 0x00001001'
ok $? "the guest installs an ESP rfc4106(gcm(aes)) SA and an AH hmac(sha256) SA"
ci/uml exec g1 'ip xfrm state flush' >/dev/null 2>&1

# 5. UDP to the peer namespace and back
ip netns exec "$PNS" socat -T 10 UDP4-LISTEN:7,reuseaddr PIPE </dev/null >/dev/null 2>&1 &
echo_pid=$!
sleep 0.5
out=$(ci/uml exec g1 'echo hello-from-guest | timeout 20 socat -T 5 - UDP4:192.0.2.1:7' 2>&1)
[ "$out" = hello-from-guest ]
ok $? "UDP from the guest to $PNS is echoed back (got '$out')"
kill "$echo_pid" 2>/dev/null
echo_pid=

# 6. stop
ci/uml stop g1 >/dev/null 2>&1
ok $? "stop: exit 0"
left=$(group_left "$pid")
[ "$left" = 0 ]
ok $? "after stop no process of group $pid is left ($left)"
! ci/uml status g1 >/dev/null 2>&1
ok $? "status: exit 1 once stopped"
[ -z "$(ci/uml list)" ]
ok $? "list is empty"

# 7. SIGKILL of the kernel process, then ci/lab down (the guest's state in
# the lab's run folder, as an adapter keeps it)
L=$IKETEST_RUNDIR/lab/uml
if IKETEST_UML_STATE=$L ci/uml start g2 --ns "$NS" --dir "$T/g2" \
    --if v0:192.0.2.2/24 >/dev/null 2>&1; then
	pid=$(cat "$L/g2/pid")
	kill -9 "$pid"
	sleep 1
	left=$(group_left "$pid")
	[ "$left" -gt 0 ]
	ok $? "SIGKILL of the kernel process leaves helpers of its group ($left): what stop must handle"
	out=$(IKETEST_UML_STATE=$L ci/uml status g2 2>&1)
	rc=$?
	[ $rc = 1 ] && echo "$out" | grep -q 'not running'
	ok $? "status sees the killed guest ($out)"
	ci/lab down >/dev/null 2>&1
	ok $? "ci/lab down"
	left=$(group_left "$pid")
	[ "$left" = 0 ]
	ok $? "after ci/lab down no process of group $pid is left ($left)"
	[ ! -d "$L" ]
	ok $? "ci/lab down removed the guests' state"
else
	ok 1 "second guest boots"
fi

# 8. nothing of the test is left
for ns in "$NS" "$PNS"; do ip netns del "$ns" 2>/dev/null; done
! ip netns list | grep -q "^$PFX-"
ok $? "no namespace of the test is left"
[ -z "$(ps -e -o args= | grep -F "$T/" | grep -v grep)" ]
ok $? "no process of the test's guests is left"

echo "1..$n"
exit $fail
