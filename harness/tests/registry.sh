#!/bin/sh
# registry: the IUTs are the folders under peers/ (peers/NAME/peer.conf, read
# by peers/lib.sh), and nothing else lists them. A temporary registry
# (IKETEST_PEERS) holds the real peer folders (symlinks) and one more, FAKE
# ("fake", short name fk, slot 14: the last, which no real IUT takes; the
# reference peer behind a two-line adapter); with no other edit, ci/lab,
# ci/matrix and the adapters know it.
# A broken peer.conf is refused with its file and line. As root, also:
# `ci/lab up` builds FAKE's namespaces, FAKE's adapter starts the reference
# peer there, an IKE SA comes up from the harness namespace, `ci/matrix`
# runs a suite against FAKE, and every namespace is removed again.
set -u

IKETEST=${IKETEST:-build/iketest}
TOP=${IKETEST_TOP:-$(pwd)}
cd "$TOP" || exit 1
TOP=$(pwd)
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
T=$(mktemp -d "${TMPDIR:-/tmp}/iketest-registry.XXXXXX") || exit 1
P=$T/peers
IKETEST_LAB_PREFIX=ikg$(($$ % 100000))
IKETEST_RUNDIR=$T/run
export IKETEST IKETEST_LAB_PREFIX IKETEST_RUNDIR

# shellcheck disable=SC2317 # reached through the trap
cleanup() {
	IKETEST_PEERS=$P "$P/fake/adapter" stop >/dev/null 2>&1
	IKETEST_PEERS=$P ci/lab down >/dev/null 2>&1
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$IKETEST_LAB_PREFIX-"); do
		ip netns del "$ns"
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

. harness/tests/lib/tap.sh
has() {	# has FILE LINE: FILE has the exact LINE
	grep -qx -- "$2" "$1"
}

# The temporary registry: every real IUT, and FAKE.
mkdir -p "$P/fake"
for d in peers/*/; do
	[ -f "$d/peer.conf" ] && ln -s "$TOP/${d%/}" "$P/$(basename "$d")"
done
cat >"$P/fake/peer.conf" <<EOF
# A made-up IUT for harness/tests/registry.sh.
name=fake
short=fk
slot=14
EOF
cat >"$P/fake/adapter" <<EOF
#!/bin/sh
# FAKE: the reference peer in FAKE's lab slot.
IKETEST_REF_SLOT=fk exec "$TOP/peers/reference/adapter" "\$@"
EOF
chmod 755 "$P/fake/adapter"
sed -e 's/^name = reference/name = fake/' -e 's/^lab = ref/lab = fk/' \
    -e 's/ref\.iketest\.example/fk.iketest.example/' \
    -e 's|\$CREDS_DIR/ref-|$CREDS_DIR/fk-|g' \
    -e "s|peers/reference/adapter|$P/fake/adapter|" \
    peers/reference/profile.conf >"$P/fake/profile.conf"

echo "TAP version 13"
echo "1..19"

IKETEST_PEERS=$P ci/lab env fake >"$T/env" 2>"$T/err"
ok $? "ci/lab env fake: known$(sed 's/^/: /' "$T/err")"
has "$T/env" "IUT_NS=$IKETEST_LAB_PREFIX-fk" && has "$T/env" "IUT_ADDR=192.0.2.226" &&
    has "$T/env" "PROTECTED_NET=198.51.100.224/28" && has "$T/env" "HARNESS_IF=t-fk"
ok $? "ci/lab env fake: namespace $IKETEST_LAB_PREFIX-fk, slot 14 (192.0.2.226, 198.51.100.224/28, t-fk)"
IKETEST_PEERS=$P ci/lab env fk | cmp -s - "$T/env"
ok $? "ci/lab env fk (the short name) says the same"
! ci/lab env fake >/dev/null 2>&1
ok $? "the real registry does not know fake"

IKETEST_PEERS=$P ci/matrix --list >"$T/list" 2>"$T/err"
ok $? "ci/matrix --list$(sed 's/^/: /' "$T/err")"
has "$T/list" "fake fk 14 available"
ok $? "ci/matrix --list: fake fk 14 available"
if [ -x /usr/bin/linux.uml ] && [ -x /usr/sbin/modprobe ]; then
	has "$T/list" "openiked oi 4 available"
else
	! grep -q '^openiked ' "$T/list" &&
	    IKETEST_PEERS=$P ci/matrix --list --iut openiked | has - "openiked oi 4 unavailable:needs_uml"
fi
ok $? "openiked: known, run only where a guest kernel is (needs=uml)"
IKETEST_PEERS=$P ci/matrix --list --iut fk --suite suites/ike_auth >"$T/list" 2>&1 &&
    has "$T/list" "fake fk 14 available" && [ "$(wc -l <"$T/list")" -eq 2 ]
ok $? "ci/matrix --iut fk takes the short name"

for a in strongswan libreswan reference; do
	IKETEST_PEERS=$P "peers/$a/adapter" peers >"$T/peers.$a" 2>&1 && has "$T/peers.$a" fk || break
	a=
done
[ -z "$a" ]
ok $? "the strongswan, libreswan and reference adapters list fk among their peers${a:+ ($a: $(tr '\n' ' ' <"$T/peers.$a"))}"
! has "$T/peers.strongswan" sw && ! has "$T/peers.libreswan" ls
ok $? "an adapter is not its own peer"

# The profile says the same as the registry: [iut] name, [addresses] lab.
top=$TOP prog=registry.sh
. peers/lib.sh
bad=
for name in $(peers_all); do
	f=peers/$name/profile.conf
	[ -f "$f" ] || continue
	[ "$(profile_get "$f" iut name)" = "$name" ] &&
	    [ "$(profile_get "$f" addresses lab)" = "$(peer_short "$name")" ] ||
	    bad="$bad $f"
done
[ -z "$bad" ]
ok $? "every profile's [iut] name and [addresses] lab match its peer.conf${bad:+ (not:$bad)}"

# A broken registry is refused, naming the file and the line.
B=$T/broken
mkdir -p "$B/reference" "$B/other"
printf 'name=reference\nshort=ref\nslot=1\n' >"$B/reference/peer.conf"
printf 'name=other\nshort=ref\nslot=one\n' >"$B/other/peer.conf"
IKETEST_PEERS=$B ci/lab env ref >/dev/null 2>"$T/err"
rc=$?
[ $rc -ne 0 ] && grep -q "$B/other/peer.conf:3: slot=one" "$T/err" &&
    grep -q "peer.conf: short=ref is also $B/" "$T/err"
ok $? "a bad peer.conf: exit $rc, error names FILE:LINE$(head -n 1 "$T/err" | sed 's/^/: /')"

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	skip 6 "needs root and ip netns"
	exit "$fail"
fi

IKETEST_PEERS=$P ci/lab up >"$T/up.out" 2>&1
ok $? "ci/lab up with fake in the registry$(tail -n 2 "$T/up.out" | sed 's/^/: /' | tr '\n' ' ')"
ip netns list | awk '{print $1}' >"$T/ns"
has "$T/ns" "$IKETEST_LAB_PREFIX-fk" && has "$T/ns" "$IKETEST_LAB_PREFIX-fk-net" &&
    [ -f "$IKETEST_RUNDIR/creds/fk-rsa.pem" ]
ok $? "namespaces $IKETEST_LAB_PREFIX-fk and -fk-net, credentials fk-rsa.pem"

IKETEST_PEERS=$P "$P/fake/adapter" start 2>"$T/start.err" &&
    IKETEST_PEERS=$P "$P/fake/adapter" status >/dev/null
ok $? "fake's adapter starts the reference peer in $IKETEST_LAB_PREFIX-fk$(sed 's/^/: /' "$T/start.err" | tr '\n' ' ')"
set -a
eval "$(IKETEST_PEERS=$P ci/lab env fake)"
set +a
ip netns exec "$HARNESS_NS" "$IKETEST" respond --profile "$P/fake/profile.conf" \
    --initiate "$IUT_ADDR" --log "$T/i.log" 2>"$T/i.err"
ok $? "IKE SA + CHILD SA from $HARNESS_NS to fake at $IUT_ADDR$(sed 's/^/: /' "$T/i.err" | tr '\n' ' ')"
IKETEST_PEERS=$P "$P/fake/adapter" stop 2>/dev/null
IKETEST_PEERS=$P ci/lab down >/dev/null 2>&1

IKETEST_PEERS=$P ci/matrix --iut fake --suite suites/informational \
    --out "$T/runs" >"$T/matrix.out" 2>"$T/matrix.err"
rc=$?
grep -q '^fake  *[1-9][0-9]*  *0  .* ran$' "$T/matrix.out" &&
    grep -q "^matrix: fake 1/[0-9]* suites/informational/" "$T/matrix.err"
ok $? "ci/matrix --iut fake: exit $rc, ran with no failure, progress lines$(grep '^fake ' "$T/matrix.out" | sed 's/^/: /')"
[ $rc -eq 0 ] || tail -n 5 "$T/matrix.err" | sed "s/^/# /"
last=$(tail -n 1 "$T/matrix.out")
case $last in "HTML report: "*) [ -f "${last#HTML report: }" ] ;; *) false ;; esac
ok $? "ci/matrix: the last line is the report page, as README says ($last)"

left=$(ip netns list | awk '{print $1}' | grep "^$IKETEST_LAB_PREFIX-" | tr '\n' ' ')
[ -z "$left" ]
ok $? "no namespace left${left:+ ($left)}"
exit "$fail"
