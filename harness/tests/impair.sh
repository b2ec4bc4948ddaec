#!/bin/sh
# impair.sh: the suites' verdicts tested both ways against the reference
# peer, impaired on purpose (`iketest respond --impair NAME`, whose table
# is harness/respond_impair.h and `iketest respond --impair list`).
#
# One lab for the whole test. Then, each with the peer restarted:
# 1. the unimpaired peer: every script passes or is skipped (none of
#    `role responder' here: see scripts() below);
# 2. each violation: the scripts and folders of its row, in that order,
#    until the first red one (fail or error); at least one must be red.
#    Since step 1 found every script green, a red script there is red
#    because of the impairment;
# 3. each legal variation: the scripts of the folders its row names
#    (where it acts) stay green; then all the legal variations at once:
#    every script stays green.
#    IMPAIR_FULL=1 runs every script for each variation alone too.
# IMPAIR_WRITE=1 writes suites/IMPAIRMENTS.md: impairment, clause, the
# script that caught it and its first failing check. IMPAIR_ONLY="NAME
# ..." runs only those impairments (and step 1 only with IMPAIR_BASE=1).
# Needs root and `ip netns`, else SKIP with the reason.
set -u
: "${IKETEST:=build/iketest}"
cd "${IKETEST_TOP:-.}" || exit 1
top=$(pwd) prog=impair.sh
. peers/lib.sh

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces)"
	exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP no 'ip netns' here"
	exit 0
fi
if [ ! -x "$IKETEST" ]; then
	echo "1..0 # SKIP $IKETEST is not built"
	exit 0
fi

slot=$(peer_short reference) || exit 1
IKETEST_LAB_PREFIX=imp$(($$ % 1000))
IKETEST_RUNDIR=/run/iketest-$IKETEST_LAB_PREFIX
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
export IKETEST_LAB_PREFIX IKETEST_RUNDIR IKETEST
OUT=$(mktemp -d /tmp/iketest-impair.XXXXXX) || exit 1
ADAPTER=peers/reference/adapter
PROFILE=peers/reference/profile.conf
started=
child=

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

. harness/tests/lib/tap.sh
t0=$(date +%s)

if ! ci/lab up >"$OUT/lab.log" 2>&1 ||
    ! "$ADAPTER" install >"$OUT/adapter.log" 2>&1 ||
    ! "$ADAPTER" configure "$PROFILE" >>"$OUT/adapter.log" 2>&1; then
	echo "not ok 1 - lab and reference peer set up"
	sed 's/^/# /' "$OUT/lab.log" "$OUT/adapter.log" | tail -n 20
	echo "1..1"
	exit 1
fi
set -a
eval "$(ci/lab env "$slot")"
set +a

# peer NAMES: the reference peer restarted with these impairments.
peer() {
	"$ADAPTER" stop >>"$OUT/adapter.log" 2>&1
	IKETEST_REF_IMPAIR=$1 "$ADAPTER" start >>"$OUT/adapter.log" 2>&1 ||
	    return 1
	started=yes
}

# script FILE: runs one script; sets verdict (green, skip or red) and,
# for red, why (its first failing line).
script() {
	tap=$OUT/last.tap
	ip netns exec "$HARNESS_NS" "$IKETEST" run --profile "$PROFILE" \
	    --out "$OUT/records" "$1" >"$tap" 2>>"$OUT/run.log" &
	child=$!
	wait "$child"
	rc=$?
	child=
	why=
	if grep -q '^1\.\.0 # SKIP' "$tap"; then
		verdict=skip
	elif [ "$rc" = 0 ]; then
		verdict=green
	else
		verdict=red
		# the first failing line, and the first of its checks
		why=$(grep -m 1 -E '^(not ok|Bail out)' "$tap" |
		    sed 's/^not ok [0-9]* - //')
		detail=$(awk '/^not ok/ { f = 1 } f && /^  checks: \|/ {
		    getline; sub(/^ +/, ""); print; exit }' "$tap")
		why="${why:-iketest run exit $rc}${detail:+: $detail}"
		why=$(echo "$why" | sed 's/|/\\|/g')
	fi
}

# scripts WORDS: the scripts that suites/WORD names (a script or a
# folder), in order, each once; not those of `role responder', where the
# IUT initiates (`respond --initiate', never impaired: suites_reference.sh
# runs them).
scripts() {
	for w in $1; do
		if [ -f "suites/$w" ]; then
			echo "suites/$w"
		elif [ -d "suites/$w" ]; then
			ls "suites/$w"/*.ike
		fi
	done | awk '!seen[$0]++' | while read -r f; do
		grep -q '^role responder' "$f" || echo "$f"
	done
}

# folders: every folder of the suites that holds scripts, but examples
# (suites/interop holds the crypto suites of ci/interop only).
folders() {
	for d in suites/*/; do
		set -- "$d"*.ike
		[ -e "$1" ] || continue
		d=${d#suites/}
		d=${d%/}
		[ "$d" = examples ] || echo "$d"
	done
}

# legal NAMES SET: the peer with the legal variations NAMES, the scripts
# of SET (but role responder ones) must stay green; one TAP line.
legal() {
	s0=$(date +%s)
	if ! peer "$1" </dev/null; then
		ok 1 "$1: the peer starts"
		return
	fi
	red= count=0
	for f in $(scripts "$2"); do
		script "$f" </dev/null
		count=$((count + 1))
		[ "$verdict" = red ] && red="$red ${f#suites/}"
	done
	ok "$([ -z "$red" ] && echo 0 || echo 1)" \
	    "$1 stays green: $count scripts of $(echo $2 | tr ' ' ,)${red:+; red:$red} ($(($(date +%s) - s0))s)"
	green="${red:-green: $count scripts of $(echo $2 | tr ' ' ,)}"
}

"$IKETEST" respond --impair list >"$OUT/table" || exit 1
only=${IMPAIR_ONLY:-}

# 1. the unimpaired peer
if [ -z "$only" ] || [ -n "${IMPAIR_BASE:-}" ]; then
	peer "" || { ok 1 "unimpaired reference peer starts"; exit 1; }
	red= count=0
	for f in $(scripts "$(folders all)"); do
		script "$f"
		count=$((count + 1))
		[ "$verdict" = red ] && red="$red $f"
	done
	ok "$([ -z "$red" ] && echo 0 || echo 1)" \
	    "unimpaired: $count scripts, none red${red:+ (red:$red)}"
fi

# 2. and 3., a row at a time: name kind clause suites what
: >"$OUT/rows"
tab=$(printf '\t')
while IFS=$tab read -r name kind clause suites what; do
	[ -z "$only" ] || case " $only " in *" $name "*) ;; *) continue ;; esac
	if [ "$kind" = legal ]; then
		set=$suites
		[ -z "${IMPAIR_FULL:-}" ] || set=$(folders)
		legal "$name" "$set"
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$clause" \
		    "$green" "" "$what" >>"$OUT/rows"
		continue
	fi
	s0=$(date +%s)
	if ! peer "$name" </dev/null; then
		ok 1 "$name: the impaired peer starts"
		continue
	fi
	if [ "$kind" = violation ]; then
		caught= reason= tried=0
		for f in $(scripts "$suites"); do
			script "$f" </dev/null
			tried=$((tried + 1))
			if [ "$verdict" = red ]; then
				caught=${f#suites/} reason=$why
				break
			fi
		done
		ok "$([ -n "$caught" ] && echo 0 || echo 1)" \
		    "$name ($clause) is caught${caught:+ by $caught} ($tried scripts, $(($(date +%s) - s0))s)"
		[ -n "$caught" ] && echo "#   $reason"
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$clause" \
		    "${caught:-NOT CAUGHT}" "$reason" "$what" >>"$OUT/rows"
	fi
done <"$OUT/table"

# every legal variation at once, every folder
all=$(awk -F'\t' '$2 == "legal" { print $1 }' "$OUT/table" | tr '\n' ' ')
all=${all% }
if [ -z "$only" ] || [ -n "${IMPAIR_BASE:-}" ]; then
	legal "$all" "$(folders)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "all legal at once" legal "-" \
	    "$green" "" "$all" >>"$OUT/rows"
fi

echo "# impair.sh: $(($(date +%s) - t0))s in all"

if [ -n "${IMPAIR_WRITE:-}" ] && [ -z "$only" ]; then
	# what changes from run to run (SPIs, delays) stays out of the file
	printf '%s\n' 's/SPI 0x[0-9a-f]*/SPI 0x.../g' \
	    's/after [0-9]* us/after a moment/g' >"$OUT/stable.sed"
	{
		echo "# Impairments of the reference peer, and the scripts that catch them"
		echo
		echo "Generated by \`IMPAIR_WRITE=1 sh harness/tests/impair.sh\` (as root);"
		echo "do not edit. The impairments are \`iketest respond --impair NAME\`"
		echo "(harness/respond_impair.h). Each violation breaks one MUST; the"
		echo "column *caught by* is the first script of its row that turned red"
		echo "against it (every script is green against the unimpaired peer)."
		echo "Each legal variation must leave every script green: alone, the"
		echo "folders where it acts; all of them at once, every folder. There"
		echo "*caught by* says what ran and stayed green. (Scripts of \`role"
		echo "responder', where the IUT initiates with \`respond --initiate', which"
		echo "is never impaired, do not run here.)"
		echo
		echo "| impairment | kind | clause | what it does | caught by | first failing check |"
		echo "| --- | --- | --- | --- | --- | --- |"
		while IFS=$tab read -r name kind clause caught reason what; do
			echo "| \`$name\` | $kind | $clause | $what | $caught | ${reason:--} |"
		done <"$OUT/rows" | sed -f "$OUT/stable.sed"
	} >suites/IMPAIRMENTS.md
	echo "# wrote suites/IMPAIRMENTS.md"
fi
echo "1..$n"
exit "$fail"
