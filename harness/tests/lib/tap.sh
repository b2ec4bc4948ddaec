# harness/tests/lib/tap.sh: TAP lines for the shell tests (sourced).
# ok STATUS DESCRIPTION: test n+1 passes when STATUS is 0; a failure sets
# fail=1, which the test exits with. skip COUNT REASON: COUNT skipped tests.
# shellcheck disable=SC2034 # fail is read by the sourcing test
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

skip() {
	i=0
	while [ $i -lt "$1" ]; do
		n=$((n + 1))
		echo "ok $n # SKIP $2"
		i=$((i + 1))
	done
}
