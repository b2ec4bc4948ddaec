#!/bin/sh
# Every conformance script against the reference peer (iketest respond, the default IUT) in the lab: the runner is
# harness/tests/lib/suites_against.sh.
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" reference irs
