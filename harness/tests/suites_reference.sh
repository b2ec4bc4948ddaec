#!/bin/sh
# Every conformance script against the reference peer (iketest respond, the
# default IUT) in the lab: the runner is harness/tests/lib/suites_against.sh.
# Both ends run the ASan+UBSan build when make check provides it
# (IKETEST_ASAN), so that a memory bug in `run` or `respond` fails a script
# (exit 134) instead of working by luck.
if [ -n "${IKETEST_ASAN:-}" ]; then
	IKETEST=$IKETEST_ASAN
	: "${ASAN_OPTIONS:=detect_leaks=1:abort_on_error=1}"
	: "${UBSAN_OPTIONS:=print_stacktrace=1:halt_on_error=1}"
	export IKETEST ASAN_OPTIONS UBSAN_OPTIONS
	echo "suites_reference: iketest under ASan+UBSan: $IKETEST" >&2
fi
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" reference irs
