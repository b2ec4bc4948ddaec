#!/bin/sh
# iketest run as a vendor first meets it: the README's prove line runs
# tests (not Files=0 NOTESTS), several scripts that all skip are a loud
# exit 1 (a green run that tested nothing), --allow-all-skip turns that
# off, and --help teaches with examples. Loopback only, nothing listens
# (the scripts expect silence or skip).
set -u
: "${IKETEST:=build/iketest}"
IKETEST=$(cd "$(dirname "$IKETEST")" && pwd)/$(basename "$IKETEST")
cd "${IKETEST_TOP:-.}" || exit 1
. harness/tests/lib/tap.sh
S=harness/tests/scripts
T=$(mktemp -d /tmp/iketest-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
PORT=$((30000 + $$ % 10000))
run() {
	"$IKETEST" run --profile $S/loopback.conf --port $PORT \
	    --natt-port $((PORT + 1)) --out "$T/out" "$@" >"$T/tap" 2>"$T/err"
}

echo "TAP version 13"
run $S/needs_missing.ike $S/needs_missing.ike; rc=$?
ok $([ $rc = 1 ] && echo 0 || echo 1) "all of several scripts skipped: exit 1 (got $rc)"
grep -q '^iketest run: error: all 2 scripts were skipped, so nothing was tested' "$T/err"
ok $? "all skipped: said on stderr"
grep -q '^# error: all 2 scripts were skipped: nothing was tested$' "$T/tap"
ok $? "all skipped: said in the TAP"
run --allow-all-skip $S/needs_missing.ike $S/needs_missing.ike; rc=$?
ok $([ $rc = 0 ] && echo 0 || echo 1) "--allow-all-skip: exit 0 (got $rc)"
grep -q '^iketest run: warning: all 2 scripts were skipped' "$T/err"
ok $? "--allow-all-skip: still a warning"
run $S/needs_missing.ike $S/quiet.ike; rc=$?
ok $([ $rc = 0 ] && echo 0 || echo 1) "one skipped, one passed: exit 0 (got $rc)"
! grep -q 'were skipped' "$T/err"
ok $? "one skipped, one passed: no all-skipped message"
run $S/needs_missing.ike; rc=$?
ok $([ $rc = 0 ] && echo 0 || echo 1) "one script, skipped: exit 0, as prove wants of a skipped file (got $rc)"

# The README's prove line, as written there, on a folder of scripts.
line=$(grep -o "prove --ext .ike --exec '[^']*' -r suites/" README.md | head -n 1)
[ -n "$line" ]; ok $? "README gives a prove line with --ext .ike"
if command -v prove >/dev/null && [ -n "$line" ]; then
	mkdir -p "$T/suites/a" "$T/suites/b"
	cp $S/quiet.ike "$T/suites/a/"
	cp $S/quiet.ike "$T/suites/b/quiet2.ike"
	prof=$(pwd)/$S/loopback.conf
	cmd=$(echo "$line" | sed "s|build/iketest|$IKETEST|; s|my-gw.conf|$prof --port $PORT --out $T/out|")
	(cd "$T" && eval "$cmd") >"$T/prove" 2>&1; rc=$?
	ok $([ $rc = 0 ] && echo 0 || echo 1) "README's prove line: exit 0 (got $rc)"
	grep -q '^Files=2, Tests=2,' "$T/prove" && grep -q '^Result: PASS' "$T/prove"
	ok $? "README's prove line ran both scripts ($(grep '^Files=' "$T/prove"))"
else
	skip 2 "no prove here"
fi

# An empty or comment-only profile tests nothing: refused, not all-SKIP.
printf '# only a comment\n' >"$T/empty.conf"
"$IKETEST" run --profile "$T/empty.conf" $S/quiet.ike >"$T/tap" 2>"$T/err"; rc=$?
ok $([ $rc = 2 ] && echo 0 || echo 1) "a comment-only profile: run exits 2 (got $rc)"
grep -q "^iketest run: $T/empty.conf:1: profile has no \[addresses\] iut: nothing to test" "$T/err"
ok $? "a comment-only profile: said with file:line ($(head -n 1 "$T/err"))"

# Files a profile names are the profile folder's, whatever the current
# folder (the psk-file beside it, the adapter beside it).
mkdir -p "$T/gw"
cp suites/examples/profile.conf "$T/gw/profile.conf"
echo 'a-test-psk-of-the-cli-test' >"$T/gw/my-gw.psk"
printf '#!/bin/sh\necho "gw 1.0"\n' >"$T/gw/adapter"
chmod +x "$T/gw/adapter"
printf 'adapter = adapter\nversion-command = ./adapter version\n' >"$T/gw/iut.add"
sed "/^\[iut\]/r $T/gw/iut.add" "$T/gw/profile.conf" >"$T/gw/p.conf"
"$IKETEST" lint --profile "$T/gw/p.conf" >"$T/lint" 2>&1
ok $? "a profile's psk-file and adapter are found beside it, from another folder$(head -n 2 "$T/lint" | sed 's/^/: /' | tr '\n' ' ')"
rm "$T/gw/adapter"
"$IKETEST" lint --profile "$T/gw/p.conf" >"$T/lint" 2>&1
grep -q "^$T/gw/p.conf:[0-9]*: \[iut\] adapter: $T/gw/adapter: No such file" "$T/lint"
ok $? "a missing adapter is a lint error with file:line ($(head -n 1 "$T/lint"))"

# The IUT's version is asked once for all the scripts of a runner that
# names a cache ($IKETEST_IUT_VERSION_CACHE), and every record has it.
mkdir -p "$T/ver"
sed '/^\[iut\]/a version-command = ./count-version' $S/loopback.conf >"$T/ver/p.conf"
printf '#!/bin/sh\necho x >>"%s"\necho "gw 1.2.3"\n' "$T/ver/asked" >"$T/ver/count-version"
chmod +x "$T/ver/count-version"
for i in 1 2 3; do
	IKETEST_IUT_VERSION_CACHE=$T/ver/cache "$IKETEST" run --profile "$T/ver/p.conf" \
	    --port $PORT --natt-port $((PORT + 1)) --out "$T/ver/out$i" $S/quiet.ike \
	    >/dev/null 2>&1
done
asked=$(wc -l <"$T/ver/asked" 2>/dev/null || echo 0)
[ "$asked" -eq 1 ] &&
    [ "$(grep -h '^iut-version ' "$T"/ver/out*/*.record | sort -u)" = "iut-version gw 1.2.3" ] &&
    [ "$(grep -l '^iut-version ' "$T"/ver/out*/*.record | wc -l)" = 3 ]
ok $? "the version command ran once for 3 runs sharing a cache, and all 3 records carry its answer (asked $asked times)"

"$IKETEST" run --help >"$T/help"; rc=$?
ok $([ $rc = 0 ] && echo 0 || echo 1) "run --help: exit 0"
grep -q '^Examples:' "$T/help" && grep -q "prove --ext .ike" "$T/help"
ok $? "run --help: examples, the prove line among them"
grep -q '^Exit status: 0 passed' "$T/help"
ok $? "run --help: exit statuses"
echo "1..$n"
exit $fail
