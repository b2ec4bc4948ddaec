# harness/tests/lib/runner.sh: one conformance script against one IUT of
# the lab, watched; sourced by the two suite runners,
# harness/tests/lib/suites_against.sh and ci/matrix (POSIX sh, safe under
# set -eu).
#
# runner_script ADAPTER PROFILE SCRIPT DIR [RECORDS] runs, in this order:
#   1. `ADAPTER terminate` (what the script before left at the IUT goes);
#      an IUT found dead before the script is restarted first;
#   2. `iketest run --profile PROFILE --out RECORDS SCRIPT` (RECORDS:
#      default DIR) in the harness
#      namespace, in the background (the caller's `child` holds its pid,
#      so that its clean-up can stop it), killed after
#      $IKETEST_SCRIPT_TIMEOUT seconds (default 600);
#   3. `ADAPTER status` and `ADAPTER pid`: an IUT that no longer runs, that
#      hangs (status 4) or whose pid changed (when the script has no
#      `iut start|stop|restart`) crashed or hung during the script; it is
#      restarted (stop, start, configure PROFILE) for the next one.
# DIR then holds the script's evidence: DIR/tap (its TAP), run.log (the
# harness's stderr), adapter.log (the adapter verbs run for it), iut-NAME
# (what the IUT wrote to each of its `logfiles` during the script) and
# iketest's ID.record, ID.pcap, ID.ikev2_decryption_table, ID.esp_sa (in
# RECORDS; runner_records DIR RECORDS copies them to DIR).
# It sets runner_rc (iketest run's exit status; 124 when it was killed
# after the time limit) and runner_iut ("" or "IUT crashed: ..." /
# "IUT hung: ...", the verdict of its own the script gets).
#
# runner_diag DIR [EVIDENCE]: the `# ` lines that follow a `not ok` line:
# the evidence folder, the IUT's last log lines (a crash), the first
# failing checks and the first lines of a sanitizer report.
#
# The caller sets IKETEST (absolute path) and HARNESS_NS (ci/lab env), and
# has `child` in its clean-up; it exports IKETEST_IUT_VERSION_CACHE (a
# file of its own) so that `iketest run` asks the IUT's version once for
# all the scripts.

RUNNER_TIMEOUT=${IKETEST_SCRIPT_TIMEOUT:-600}
# an adapter verb against a hung IUT (swanctl on a stopped charon) would
# wait for ever
RUNNER_ADAPTER_TIMEOUT=${IKETEST_ADAPTER_TIMEOUT:-120}
runner_rc=0
runner_iut=

# runner_adapter ADAPTER LOG VERB [ARGS]: one adapter verb, its output
# appended to LOG after a header line, killed after
# $IKETEST_ADAPTER_TIMEOUT seconds (default 120); returns the verb's exit
# status (124: killed).
runner_adapter() {
	ra_ad=$1 ra_log=$2
	shift 2
	echo "--- $(date -u +%H:%M:%S) adapter $*" >>"$ra_log"
	ra_rc=0
	timeout -k 5 "$RUNNER_ADAPTER_TIMEOUT" "$ra_ad" "$@" \
	    >>"$ra_log" 2>&1 </dev/null || ra_rc=$?
	[ "$ra_rc" != 124 ] ||
	    echo "--- adapter $1 killed after $RUNNER_ADAPTER_TIMEOUT s" >>"$ra_log"
	return "$ra_rc"
}

# runner_pid ADAPTER: the IUT's pid, or nothing when it does not run.
runner_pid() {
	"$1" pid 2>/dev/null </dev/null || true
}

# runner_restart ADAPTER PROFILE LOG: stop, start and configure the IUT.
runner_restart() {
	runner_adapter "$1" "$3" stop || true
	runner_adapter "$1" "$3" start || return 1
	runner_adapter "$1" "$3" configure "$2" || return 1
}

# runner_mark ADAPTER DIR: the sizes of the IUT's log files now, so that
# runner_cut keeps what the script made them say ("SIZE PATH" lines).
runner_mark() {
	: >"$2/.logmarks"
	for rm_f in $("$1" logfiles 2>/dev/null </dev/null || true); do
		rm_s=$(wc -c <"$rm_f" 2>/dev/null) || rm_s=0
		echo "$((rm_s + 0)) $rm_f" >>"$2/.logmarks"
	done
}

# runner_cut DIR: DIR/iut-NAME, each IUT log file from its mark on (all of
# it when it is shorter now: a restart began a new one).
runner_cut() {
	while read -r rc_s rc_f; do
		rc_o=$1/iut-${rc_f##*/}
		rc_now=$(wc -c <"$rc_f" 2>/dev/null) || continue
		if [ "$rc_now" -lt "$rc_s" ]; then
			cat "$rc_f" >"$rc_o"
		else
			tail -c "+$((rc_s + 1))" "$rc_f" >"$rc_o"
		fi
	done <"$1/.logmarks"
	rm -f "$1/.logmarks"
}

# runner_restarts SCRIPT: 0 when the script itself starts, stops or
# restarts the IUT (then a new pid is no crash).
runner_restarts() {
	grep -Eq '^[[:space:]]*iut[[:space:]]+(start|stop|restart)([[:space:]]|$)' "$1"
}

runner_script() {
	rs_ad=$1 rs_prof=$2 rs_f=$3 rs_d=$4 rs_rec=${5:-$4}
	runner_rc=0
	runner_iut=
	mkdir -p "$rs_d"
	rs_log=$rs_d/adapter.log
	: >"$rs_log"
	rs_pid=$(runner_pid "$rs_ad")
	if [ -z "$rs_pid" ]; then
		# dead since the last check (between scripts): up again first
		echo "--- the IUT does not run before the script: restart" >>"$rs_log"
		runner_restart "$rs_ad" "$rs_prof" "$rs_log" || true
		rs_pid=$(runner_pid "$rs_ad")
	fi
	runner_adapter "$rs_ad" "$rs_log" terminate || true
	runner_mark "$rs_ad" "$rs_d"
	mkdir -p "$rs_rec"
	: >"$rs_d/.start"
	# in the background so that a signal reaches the caller's trap at once
	timeout -k 5 "$RUNNER_TIMEOUT" ip netns exec "$HARNESS_NS" "$IKETEST" \
	    run --profile "$rs_prof" --out "$rs_rec" "$rs_f" \
	    >"$rs_d/tap" 2>"$rs_d/run.log" </dev/null &
	child=$!
	wait "$child" || runner_rc=$?
	child=
	[ "$runner_rc" != 124 ] ||
	    echo "runner: iketest run killed after ${RUNNER_TIMEOUT} s (IKETEST_SCRIPT_TIMEOUT)" >>"$rs_d/run.log"
	rs_st=0
	runner_adapter "$rs_ad" "$rs_log" status || rs_st=$?
	rs_now=$(runner_pid "$rs_ad")
	rs_own=1
	runner_restarts "$rs_f" && rs_own=0
	case $rs_st in
	0)
		if [ "$rs_own" = 1 ] && [ -n "$rs_pid" ] && [ "$rs_now" != "$rs_pid" ]; then
			runner_iut="IUT crashed: pid $rs_pid is gone, the IUT runs as pid ${rs_now:-?} now"
		fi
		;;
	4)
		runner_iut="IUT hung: $(grep ': hung: ' "$rs_log" | tail -n 1 | sed 's/^[^:]*: hung: //')"
		;;
	3) ;;	# unavailable: nothing to watch
	*)
		if [ "$rs_own" = 1 ]; then
			runner_iut="IUT crashed: pid ${rs_pid:-?} is gone (adapter status exit $rs_st)"
		fi
		;;
	esac
	runner_cut "$rs_d"
	if [ -n "$runner_iut" ] || { [ "$rs_st" != 0 ] && [ "$rs_st" != 3 ]; }; then
		if runner_restart "$rs_ad" "$rs_prof" "$rs_log"; then
			echo "--- restarted for the next script: pid $(runner_pid "$rs_ad")" >>"$rs_log"
		else
			runner_iut="$runner_iut; the restart failed"
			echo "--- the restart failed" >>"$rs_log"
		fi
	fi
	return 0
}

# runner_records DIR RECORDS: copies to DIR what the script wrote to
# RECORDS (when they differ): its record, pcap and key tables.
runner_records() {
	[ "$1" != "$2" ] || return 0
	find "$2" -maxdepth 1 -type f -newer "$1/.start" \
	    -exec cp -p {} "$1/" \; 2>/dev/null || true
}

# runner_sanitizer FILE...: the first lines of an ASan/UBSan/LSan report.
runner_sanitizer() {
	awk 'n < 8 && /==[0-9]+==ERROR: |runtime error: |^SUMMARY: [A-Za-z]+Sanitizer|^==[0-9]+==WARNING: [A-Za-z]+Sanitizer/ { p = 1 }
	p && n < 8 { print FILENAME ": " $0; n++ }' "$@" 2>/dev/null
}

runner_diag() {
	rd_d=$1 rd_ev=${2:-}
	[ -z "$rd_ev" ] || echo "# evidence: $rd_ev"
	if [ -n "$runner_iut" ]; then
		echo "# $runner_iut"
		for rd_f in "$rd_d"/iut-*; do
			[ -s "$rd_f" ] || continue
			echo "# last lines of ${rd_f##*/iut-}:"
			tail -n 10 "$rd_f" | sed 's/^/#   /'
		done
	fi
	grep -E '^(not ok|Bail out)|^  checks:|^    [a-zA-Z]' "$rd_d/tap" 2>/dev/null |
	    head -n 12 | sed 's/^/# /'
	[ -s "$rd_d/tap" ] || { echo "# no TAP; the harness said:"; tail -n 5 "$rd_d/run.log" | sed 's/^/#   /'; }
	# shellcheck disable=SC2046 # file names, split on purpose
	runner_sanitizer "$rd_d/run.log" $(ls "$rd_d"/iut-* 2>/dev/null) |
	    sed 's/^/# sanitizer: /'
	return 0
}
