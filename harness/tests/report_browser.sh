#!/bin/sh
# TAP test of `iketest report` in a real browser: builds a site from the
# fixture runs (harness/tests/reports/fixtures: run-a is the baseline,
# run-b has a new failure, a flaky test, an interop record, an unavailable
# IUT and a truncated record), renders it in headless Chromium and checks
# the DOM: a matrix cell per test and IUT, every href resolves to a file,
# the changed test heads the diff, markup in scripts and messages stays
# text, the front page fits one 1920x1080 screen (measured by the
# browser); then saves build/report-wall.png (the front page at
# 1920x1080) and build/report-screenshot.png (a run page). Before the
# browser: record names (run), the deviation in records, ci/matrix's
# counts. Then a night of ci/nightly made of the fixtures: what changed
# first, the partial mark, the findings, the flakiness strips, links.
# SKIP of the browser part without chromium.
set -u
IKETEST=${IKETEST:-build/iketest}
TOP=${IKETEST_TOP:-.}
FIX=$TOP/harness/tests/reports/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

echo "TAP version 13"
cd "$TOP" || exit 1

# Two scripts of one file name in two folders keep a record each, and
# the report shows both (issue 15.6: records were named by the script's
# id, so suites/*/response_header.ike overwrote each other). The needs
# are not met, so nothing goes on the wire.
for d in alpha_suite beta_suite; do
	mkdir -p "$tmp/scripts/$d"
	printf 'test "one name, folder %s"\nrfc 7296 1.4\nneeds ike.dh=CURVE448\n%s\n' \
	    "$d" 'expect IKE_SA_INIT response within 1s: SA' \
	    >"$tmp/scripts/$d/same.ike"
done
"$IKETEST" run --profile harness/tests/scripts/loopback.conf \
    --out "$tmp/same" "$tmp/scripts/alpha_suite/same.ike" \
    "$tmp/scripts/beta_suite/same.ike" >"$tmp/same.tap" 2>&1
[ -f "$tmp/same/alpha_suite_same.record" ] &&
    [ -f "$tmp/same/beta_suite_same.record" ]
ok $? "two scripts named same.ike in two folders: a record each ($(ls "$tmp/same" | tr '\n' ' '))"
# The record says why a test is todo: the profile's deviation for the
# script's id, clause and evidence (issue 15.8).
printf 'test "deviant, skipped"\nid deviant\nrfc 7296 2.21.2\nneeds ike.dh=CURVE448\n%s\n' \
    'expect IKE_SA_INIT response within 1s: SA' >"$tmp/scripts/alpha_suite/dev.ike"
"$IKETEST" run --profile harness/tests/scripts/loopback.conf \
    --out "$tmp/same" "$tmp/scripts/alpha_suite/dev.ike" >>"$tmp/same.tap" 2>&1
grep -q '^deviation RFC 7296 2.21.2$' "$tmp/same/alpha_suite_dev.record" &&
    grep -q '^deviation-evidence a deviation the loopback test declares on purpose$' \
    "$tmp/same/alpha_suite_dev.record"
ok $? "the record carries the profile's deviation: clause and evidence"
"$IKETEST" report --out "$tmp/same-site" "$tmp/same" >/dev/null 2>&1
grep -q '<span class="suite">alpha_suite/</span>same<' "$tmp/same-site/same/index.html" &&
    grep -q '<span class="suite">beta_suite/</span>same<' "$tmp/same-site/same/index.html"
ok $? "the report finds both records"

# ci/matrix's table counts scripts, one verdict per script's TAP stream,
# as the report counts records (issue 15.10: it counted TAP lines). Its
# own functions, on five streams: one script of each verdict.
eval "$(sed -n '/^tap_verdict() {/,/^}/p; /^tap_sum() {/,/^}/p' ci/matrix)"
mkdir -p "$tmp/tap/s"
printf 'TAP version 13\nok 1 - a\nok 2 - b\nok 3 - c\n1..3\n' >"$tmp/tap/s/pass.tap"
printf 'TAP version 13\nok 1 - a\nnot ok 2 - b\n  ---\n  ...\nnot ok 3 - c\n1..3\n' \
    >"$tmp/tap/s/fail.tap"
printf 'TAP version 13\n1..0 # SKIP needs ike.dh=CURVE448\n' >"$tmp/tap/s/skip.tap"
printf 'TAP version 13\nnot ok 1 - a # TODO RFC 7296 1.2: x\nok 2 - b # TODO RFC 7296 1.2: x\n1..2\n' \
    >"$tmp/tap/s/todo.tap"
printf 'TAP version 13\nBail out! x.ike:3: unknown payload\n' >"$tmp/tap/s/error.tap"
sum=$(tap_sum "$tmp/tap" 2>&1)
ok $([ "$sum" = "1 1 1 1 1" ]; echo $?) "ci/matrix counts scripts: passed failed skipped todo error = 1 1 1 1 1 (got $sum)"
grep -q 'one verdict per script, as in the HTML report' ci/matrix
ok $? "ci/matrix's table says its unit"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	echo "1..0 # SKIP chromium is not installed (ci/bootstrap installs it)"
	exit 0
fi
dom() {	# dom FILE: the DOM of a page after Chromium parsed it
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" \
	    --dump-dom "file://$1" 2>/dev/null
}

# hrefs SITE: every href of every page of SITE, as Chromium parsed it,
# must name a file from the page's folder (relative: the site stands
# alone). Sets pages, links and bad.
hrefs() {
	bad=0 pages=0 links=0
	for page in $(find "$1" -name '*.html' | sort); do
		pages=$((pages + 1))
		dom "$page" >"$tmp/page.dom"
		dir=$(dirname "$page")
		for h in $(grep -o 'href="[^"]*"' "$tmp/page.dom" | sed 's/^href="//; s/"$//; s/#.*//'); do
			[ -n "$h" ] || continue
			links=$((links + 1))
			case $h in
			*://* | /*) echo "# absolute link in $page: $h"; bad=$((bad + 1)); continue ;;
			esac
			[ -f "$dir/$h" ] || { echo "# broken link in $page: $h"; bad=$((bad + 1)); }
		done
	done
}

site=$tmp/site
"$IKETEST" report --baseline "$FIX/run-a" --out "$site" "$FIX/run-b" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $(( rc != 1 )) "report exits 1: the site is written, one record is unreadable (exit $rc)"
grep -q "^$site/index.html\$" "$tmp/out"
ok $? "it prints the path of the index"
grep -q 'run-b/beta/truncated.record:[0-9][0-9]*: truncated' "$tmp/err"
ok $? "the truncated record is reported as file:line: message"

run_b=$site/run-b/index.html
dom "$run_b" >"$tmp/run-b.dom"
grep -q '<table class="matrix">' "$tmp/run-b.dom"
ok $? "Chromium renders the run page with its matrix"
grep -q '<td class="num">4 scripts: 1 pass, 2 fail, 0 skip, 1 todo, 0 error</td>' "$tmp/run-b.dom"
ok $? "the run page counts scripts and says so"

# The matrix: 4 tests by 2 IUTs (the interop record and the unavailable
# IUT add no cell).
cells=$(sed -n '/<table class="matrix">/,/<\/table>/p' "$tmp/run-b.dom" |
    grep -o '<td class="cell' | wc -l)
ok $(( cells != 8 )) "the matrix has a cell per test and IUT (8, got $cells)"
rows=$(sed -n '/<table class="matrix">/,/<\/table>/p' "$tmp/run-b.dom" |
    grep -o '<th scope="row">' | wc -l)
ok $(( rows != 4 )) "one row per test (4, got $rows)"

# The diff comes first, and its first row is the changed test.
first=$(grep -o '<section id="[a-z]*"' "$tmp/run-b.dom" | head -n 1)
ok $([ "$first" = '<section id="diff"' ]; echo $?) "the diff is the first section ($first)"
row=$(sed -n '/<table class="diff">/,/<\/table>/p' "$tmp/run-b.dom" |
    grep -m 1 '<tr class=')
echo "$row" | grep -q 'new failure</td><td>ike_sa_init/cookie@alpha'
ok $? "the diff lists the changed test first, as a new failure"
grep -q 'flaky</td><td>retransmission/retransmit@beta' "$tmp/run-b.dom"
ok $? "the verdict that changed with nothing changed is flaky"
grep -q 'still failing</td><td>ike_sa_init/ke_curve@alpha' "$tmp/run-b.dom"
ok $? "a test failing in both runs is still failing"
grep -q '<table class="interop">' "$tmp/run-b.dom"
ok $? "the interop matrix is drawn from the interop record"
grep -q 'gamma: PF_KEY is missing' "$tmp/run-b.dom"
ok $? "the unavailable IUT is named with its reason"

# Every href of every page resolves to a file, from the page's folder.
hrefs "$site"
ok $(( bad != 0 )) "every href of $pages pages resolves to a file ($links links, $bad bad)"
ok $(( links < 40 )) "the pages link to each other (at least 40 links, got $links)"

# The interop pages (ci/interop's records, harness/RESULTS.md): a run of
# 2 initiators x 2 responders x 2 suites, one cell each, among them a
# "no common suite" skip and a failed wire step. Per suite a table with a
# cell per pair, each linking to its page; every link of those pages
# resolves; the skip's reason and the finding are on the cell pages.
irun=$tmp/interop-run/run-i
mkdir -p "$irun/interop"
icell() {	# icell I R SUITE VERDICT [REASON]
	{
		printf 'iketest-record 1\nscript suites/interop/crypto_suites.conf\nid tunnel\n'
		printf 'title %s initiates to %s\ninterop-initiator %s\ninterop-responder %s\n' "$1" "$2" "$1" "$2"
		printf 'suite %s\nstart 2026-01-01T00:00:00Z\nnote --- I (%s): the daemon log\n' "$3" "$1"
		printf 'check 1\nline 1\ndescription ike-up: IKE SA up on both sides\nverdict pass\nend-check\n'
		if [ "$4" = fail ]; then
			printf 'check 2\nline 2\ndescription wire: 1 finding(s) on the wire\nverdict fail\n'
			printf 'detail| finding frame 2 192.0.2.18:500: RFC 7296 3.1: hdr.flags.reserved_low not zero\nend-check\n'
		fi
		printf 'duration-us 1000\nverdict %s\n' "$4"
		[ $# -lt 5 ] || printf 'reason %s\n' "$5"
		printf 'end\n'
	} >"$irun/interop/$1-$2-$3.record"
}
for i in ref sw; do
	for r in ref sw; do
		icell "$i" "$r" gcm pass
		icell "$i" "$r" pfs pass
	done
done
icell ref sw pfs skip "no common suite: N(NO_PROPOSAL_CHOSEN): no CHILD_SA built"
icell sw ref gcm fail "failed: wire"
isite=$tmp/interop-site
"$IKETEST" report --out "$isite" "$irun" >/dev/null 2>"$tmp/interop.err"
ok $? "a report of 8 interop records"
dom "$isite/run-i/index.html" >"$tmp/interop.dom"
sed -n '/<section id="interop">/,/<\/section>/p' "$tmp/interop.dom" >"$tmp/interop.sec"
tables=$(grep -c '<table class="interop">' "$tmp/interop.sec")
ok $(( tables != 2 )) "a matrix per crypto suite (2, got $tables)"
icells=$(grep -o '<td class="cell">' "$tmp/interop.sec" | wc -l)
ok $(( icells != 8 )) "a cell per initiator, responder and suite (8, got $icells)"
# per suite a summary column per initiator and row per responder:
# cells passed of those that ran (the skip is not counted); in gcm sw>ref
# failed, in pfs ref>sw was skipped.
gcm=$(sed -n '/<h3>gcm<\/h3>/,/<\/table>/p' "$tmp/interop.sec" | tr -d '\n')
pfs=$(sed -n '/<h3>pfs<\/h3>/,/<\/table>/p' "$tmp/interop.sec" | tr -d '\n')
echo "$gcm" | grep -q '<th scope="row">ref</th>.*<td class="sum">2 / 2</td></tr><tr><th scope="row">sw</th>.*<td class="sum">1 / 2</td></tr><tr><th scope="row">as responder.*<td class="sum">1 / 2</td><td class="sum">2 / 2</td><td class="sum">3 / 4</td>' &&
    echo "$pfs" | grep -q '<th scope="row">ref</th>.*<td class="sum">1 / 1</td></tr>.*<td class="sum">3 / 3</td></tr>'
ok $? "a summary column per initiator and row per responder, skips not counted"
ilinks=$(grep -o '<td class="cell">[^<]*<span class="test">tunnel</span> <a [^>]*href="[^"]*"' "$tmp/interop.sec" | wc -l)
ok $(( ilinks != 8 )) "every cell links to its page (8, got $ilinks)"
hrefs "$isite"
ok $(( bad != 0 || pages < 10 )) "every href of the $pages interop site pages resolves ($links links, $bad bad)"
ipage=$(grep -rl 'no common suite: N(NO_PROPOSAL_CHOSEN)' "$isite/run-i" | head -n 1)
ok $([ -n "$ipage" ]; echo $?) "the skipped cell's page says no common suite, with the notify"
ipage=$(grep -rl 'RFC 7296 3.1: hdr.flags.reserved_low not zero' "$isite/run-i" | head -n 1)
ok $([ -n "$ipage" ]; echo $?) "the failed cell's page quotes the finding on the wire"
njunit=$(sed -n '/<testsuite [^>]*name="interop"/,/<\/testsuite>/p' "$isite/run-i/junit.xml" | grep -c '<testcase ')
ok $(( njunit != 8 )) "JUnit: an interop suite with a testcase per cell (8, got $njunit)"

# Markup from a script and from a decoded message stays text.
page=$site/run-b/alpha/ike_sa_init/cookie.html
dom "$page" >"$tmp/cookie.dom"
! grep -q '<script' "$tmp/cookie.dom"
ok $? "the script's <script> comment did not become an element"
grep -q '&lt;script&gt;alert' "$tmp/cookie.dom"
ok $? "the script source is shown, escaped"
grep -q 'notify_type=&lt;UNKNOWN:42&gt;' "$tmp/cookie.dom"
ok $? "the decoded message is shown, escaped"
# A todo page says why (issue 15.8): the deviation's clause and
# evidence; a check that passed under it is a pass, not "todo-pass"; a
# deviation no check showed is "declared, not seen".
dom "$site/run-b/beta/ike_sa_init/invalid_ke.html" >"$tmp/dev.dom"
grep -q '<strong>RFC 7296 1.2</strong>: beta names the group it prefers' "$tmp/dev.dom" &&
    grep -q 'class="dev-seen"' "$tmp/dev.dom"
ok $? "the todo page names the deviation: clause, evidence, seen"
grep -q 'todo-pass' "$tmp/dev.dom"
ok $(( $? == 0 )) "no check shows as todo-pass"
grep -q '<span class="v v-pass">pass</span> 2\.' "$tmp/dev.dom"
ok $? "the check that passed under the deviation shows as pass"
dom "$site/run-b/alpha/ike_sa_init/invalid_ke.html" >"$tmp/notseen.dom"
grep -q 'declared, not seen' "$tmp/notseen.dom" && ! grep -q 'todo-pass' "$tmp/notseen.dom"
ok $? "a deviation that no check showed is declared, not seen"
grep -q '>declared, not seen</a>' "$tmp/run-b.dom"
ok $? "... and so is its matrix cell"
grep -q 'href="cookie.pcap"' "$tmp/cookie.dom"
ok $? "the test page links its pcap"
# The key tables `iketest run` writes (evidence.h), not an ID.keys that
# nothing writes (issue 15.7); copied beside the page, with the recipe.
grep -q 'href="cookie.ikev2_decryption_table"' "$tmp/cookie.dom" &&
    grep -q 'href="cookie.esp_sa"' "$tmp/cookie.dom" &&
    [ -s "$site/run-b/alpha/ike_sa_init/cookie.ikev2_decryption_table" ] &&
    [ -s "$site/run-b/alpha/ike_sa_init/cookie.esp_sa" ]
ok $? "the test page links both Wireshark key tables, copied beside it"
grep -q 'cp cookie.esp_sa $d/esp_sa' "$tmp/cookie.dom" &&
    grep -q 'WIRESHARK_CONFIG_DIR=$d tshark -r cookie.pcap' "$tmp/cookie.dom"
ok $? "the test page shows the tshark recipe with its file names"
grep -c '<script' "$site/index.html" "$run_b" | grep -qv ':0$'
ok $(( $? == 0 )) "no JavaScript in the pages"

# The front page (index.html) is the wall screen: per IUT a headline
# number with name and version, the IUT x suite grid linking down, the
# changes against the baseline, the RFC clauses as coloured tiles, the
# interop matrix; the runs list moved to runs.html.
dom "$site/index.html" >"$tmp/wall.dom"
cards=$(grep -o '<a class="w-card w-[a-z]*" href="run-b/index.html#iuts">' "$tmp/wall.dom" | wc -l)
ok $(( cards != 2 )) "the front page has a headline card per IUT (2, got $cards)"
grep -q '<span class="w-iut">alpha</span> <span class="w-ver">1.0</span><span class="w-big">1<small> / 4</small>' "$tmp/wall.dom" &&
    grep -q '<span class="w-iut">beta</span> <span class="w-ver">5.9.1</span>' "$tmp/wall.dom"
ok $? "each card: the IUT's name, version and scripts passed of run"
grep -q 'gamma: PF_KEY is missing' "$tmp/wall.dom"
ok $? "the unavailable IUT has its card"
grep -q '<td class="w-fail"><a href="run-b/index.html#suite-ike_sa_init">0 / 3</a></td>' "$tmp/wall.dom" &&
    grep -q '<tr id="suite-ike_sa_init">' "$tmp/run-b.dom"
ok $? "the IUT x suite grid is coloured and links down to the suite's rows"
sed -n '/<section id="w-changes">/,/<\/section>/p' "$tmp/wall.dom" >"$tmp/wall-changes"
grep -q '<b>1</b> new failure' "$tmp/wall-changes" &&
    grep -q 'new failure</span> ike_sa_init/cookie@alpha <a class="v v-fail" href="run-b/alpha/ike_sa_init/cookie.html">' "$tmp/wall-changes"
ok $? "the changes against the baseline, new failures first, linking to the test"
tiles=$(grep -o '<a class="w-tile w-[a-z]*" href="run-b/index.html#clauses"' "$tmp/wall.dom" | wc -l)
ok $(( tiles != 5 )) "a coloured tile per RFC clause (5, got $tiles)"
grep -q '<a class="w-tile w-pass" href="run-b/index.html#clauses" title="RFC 7296 2.1: 1 tests; 2 of 2 scripts pass">7296 2.1' "$tmp/wall.dom"
ok $? "a clause tile names the clause and its counts"
sed -n '/<section id="w-interop">/,/<\/section>/p' "$tmp/wall.dom" | grep -q '<td class="w-pass"><a href="run-b/index.html#interop">1 / 1</a>'
ok $? "the interop matrix on the front page, from the interop record"
grep -q '<table class="runs">' "$site/runs.html"
ok $? "the list of runs is runs.html"

# A run as big as the suites (every script on four IUTs, made up by
# tests/lib/report_synth.sh) still fits one 1920x1080 screen: the
# browser's own measure of the page, taken in a copy of it with a line
# of script added (the site itself has none).
. "$TOP/harness/tests/lib/report_synth.sh"
synth "$tmp/big/base" 1
synth "$tmp/big/now" 2
"$IKETEST" report --baseline "$tmp/big/base" --out "$tmp/bigsite" "$tmp/big/now" \
    >/dev/null 2>"$tmp/big.err"
ok $? "a report of $(find "$tmp/big/now" -name '*.record' | wc -l) made-up records"
sed 's|</body>|<script>document.body.setAttribute("data-fit", document.documentElement.scrollWidth + "x" + document.documentElement.scrollHeight)</script></body>|' \
    "$tmp/bigsite/index.html" >"$tmp/bigsite/measure.html"
fit=$(timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --window-size=1920,1080 \
    --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" \
    --dump-dom "file://$tmp/bigsite/measure.html" 2>/dev/null |
    sed -n 's/.*data-fit="\([0-9]*x[0-9]*\)".*/\1/p')
w=${fit%x*} h=${fit#*x}
ok $([ -n "$fit" ] && [ "$w" -le 1920 ] && [ "$h" -le 1080 ]; echo $?) "the front page of a full run fits 1920x1080 (measured ${fit:-nothing})"
rm -f "$tmp/bigsite/measure.html"
dom "$tmp/bigsite/index.html" >"$tmp/bigwall.dom"
grep -q '<p class="w-empty">No interop records in this run.</p>' "$tmp/bigwall.dom"
ok $? "without interop records the front page says so (no made-up matrix)"
grep -q 'and [0-9]* more</a>' "$tmp/bigwall.dom"
ok $? "a long change list is cut, linking to the run page for the rest"
mkdir -p build
rm -f build/report-wall.png
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" \
    --screenshot=build/report-wall.png --window-size=1920,1080 \
    "file://$tmp/bigsite/index.html" >/dev/null 2>&1
ok $([ -s build/report-wall.png ]; echo $?) "the front page's screenshot at 1920x1080 is build/report-wall.png"

# A night of ci/nightly, made of the fixtures: run-a the last night,
# run-b this one, interrupted (partial), with a fuzz campaign of one
# finding. Its page opens with what changed, has the campaign with a
# working link to the finding's script, a strip per record (run-b's 9
# readable records) over 2 nights, the flaky test's strip framed once,
# and every link of the site resolves.
nights=$tmp/nights
mkdir -p "$nights"
cp -R "$FIX/run-a" "$nights/n1"
cp -R "$FIX/run-b" "$nights/n2"
printf 'state complete\n' >"$nights/n1/night"
printf 'state partial\nreason interrupted by TERM during fuzz\n' >"$nights/n2/night"
fz=$nights/n2/fuzz/alpha
mkdir -p "$fz/findings/crash-auth-seed7-case3"
printf 'test "a finding"\n' >"$fz/findings/crash-auth-seed7-case3/finding.ike"
printf 'iketest-fuzz 1\niut alpha\nseed 7\ncases 50\ncases-per-second 9.5\nfinding %s\nfinding-kind crash\nfinding-state auth\nfinding-case 3\nfinding-check IUT crashed\nfinding-minimized yes\nfindings 1\nverdict fail\nend\n' \
    "$fz/findings/crash-auth-seed7-case3/finding.ike" >"$fz/fuzz.record"
nsite=$tmp/night-site
"$IKETEST" report --history "$nights/n1" --baseline "$nights/n1" \
    --out "$nsite" "$nights/n2" >/dev/null 2>"$tmp/night.err"
ok $(( $? > 1 )) "a report of a night with --history (exit 0 or 1: run-b has a truncated record)"
dom "$nsite/n2/index.html" >"$tmp/night.dom"
first=$(grep -o '<section id="[a-z]*"' "$tmp/night.dom" | head -n 1)
ok $([ "$first" = '<section id="night"' ]; echo $?) "the night's page opens with what changed ($first)"
grep -q '<strong>partial</strong> night: interrupted by TERM during fuzz' "$tmp/night.dom"
ok $? "it says the night is partial, and why"
grep -q '<a href="#diff">new failures: 1</a>' "$tmp/night.dom" &&
    grep -q '<a href="#fuzz">new findings (fuzz): 1</a>' "$tmp/night.dom"
ok $? "it counts the new failure and the new finding"
sed -n '/<section id="diff">/,/<\/section>/p' "$tmp/night.dom" | grep -q 'flaky</td><td>retransmission/retransmit@beta'
ok $? "the diff section follows, with the flaky test"
strips=$(grep -o '<svg class="strip"' "$tmp/night.dom" | wc -l)
ok $(( strips != 9 )) "a strip per test and IUT (9, got $strips)"
framed=$(grep 'retransmission/retransmit@beta</th>' "$tmp/night.dom" | grep -o '<rect class="night flaky"' | wc -l)
ok $(( framed != 1 )) "the flaky test's strip has its flaky night framed (1, got $framed)"
grep -q '<a href="fuzz/alpha/crash-auth-seed7-case3.ike">finding.ike</a>' "$tmp/night.dom"
ok $? "the finding links its script, copied beside the page"
hrefs "$nsite"
ok $(( bad != 0 )) "every href of the night's $pages pages resolves ($links links, $bad bad)"

# A screenshot, kept as an artifact of the run.
mkdir -p build
rm -f build/report-screenshot.png
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" \
    --screenshot=build/report-screenshot.png --window-size=1280,900 \
    "file://$run_b" >/dev/null 2>&1
ok $([ -s build/report-screenshot.png ]; echo $?) "the screenshot build/report-screenshot.png is written and not empty"
echo "1..$n"
