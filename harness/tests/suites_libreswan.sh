#!/bin/sh
# Every conformance script against libreswan (pluto, unpacked privately; IKE only here) in the lab: the runner is
# harness/tests/lib/suites_against.sh.
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" libreswan ils
