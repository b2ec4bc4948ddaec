#!/bin/sh
# Every conformance script against strongSwan (charon-systemd, kernel-libipsec) in the lab: the runner is
# harness/tests/lib/suites_against.sh.
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" strongswan iss
