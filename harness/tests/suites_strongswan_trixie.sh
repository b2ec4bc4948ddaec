#!/bin/sh
# The data-plane suite (suites/esp: ESP, AH, transport mode, ESN) against strongSwan 6.0 from Debian trixie (a trixie root folder, ci/rootfs,
# in a user-mode Linux guest: ESP and AH in XFRM through kernel-netlink) in
# the lab. The adapter's install builds the root once (measured: 104 s here
# with mmdebstrap) and caches it. The runner is
# harness/tests/lib/suites_against.sh; the main job (ci/matrix) runs every
# suite against it.
IKETEST_SCRIPTS=${IKETEST_SCRIPTS:-$(cd "${IKETEST_TOP:-.}" && echo suites/esp/*.ike)}
export IKETEST_SCRIPTS
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" strongswan-trixie iswt
