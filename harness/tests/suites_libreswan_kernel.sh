#!/bin/sh
# Every conformance script against libreswan on a kernel of its own (pluto in a user-mode Linux guest, ci/uml: ESP in XFRM) in the lab: the runner is
# harness/tests/lib/suites_against.sh.
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" libreswan-kernel ilk
