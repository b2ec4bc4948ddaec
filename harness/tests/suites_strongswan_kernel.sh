#!/bin/sh
# The data-plane suites (suites/esp: ESP, AH, transport mode, ESN;
# suites/natt) against strongSwan on a kernel of its own (charon in a
# user-mode Linux guest, ci/uml: ESP and AH in XFRM through kernel-netlink)
# in the lab: what the guest's kernel adds to peers/strongswan. The runner
# is harness/tests/lib/suites_against.sh; the main job (ci/matrix) runs
# every suite against it (measured: 128 scripts in 14 min here), too long
# for make check beside the others.
IKETEST_SCRIPTS=${IKETEST_SCRIPTS:-$(cd "${IKETEST_TOP:-.}" && echo suites/esp/*.ike suites/natt/*.ike)}
export IKETEST_SCRIPTS
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" strongswan-kernel iswk
