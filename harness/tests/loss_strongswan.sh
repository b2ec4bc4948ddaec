#!/bin/sh
# loss.sh against strongSwan: the same subset of the suites with the first
# copy of each datagram lost in each direction (here dropped by the harness
# side, `iketest run --drop-first'), so that RFC 7296 2.1 retransmission,
# by both ends, is what keeps the scripts green.
exec sh "${IKETEST_TOP:-.}/harness/tests/loss.sh" strongswan
