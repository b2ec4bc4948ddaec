#!/bin/sh
# libreswan 5.2 from Debian trixie (a trixie root folder, ci/rootfs, in a
# user-mode Linux guest: ESP in its XFRM; the adapter is libreswan-kernel's)
# in the lab, on a passing subset of its ESP data plane and IKE_AUTH
# scripts: a regression set within make check's time (the whole of
# suites/esp and suites/ike_auth took 12 min here; these 10 passed in
# 255 s at a load of 9-10, with udp_echo.ike and cipher_aes_gcm256.ike
# 12 in 282 s).
# The adapter's install builds the root once (measured: 51 s with
# mmdebstrap) and caches it.
# The runner is harness/tests/lib/suites_against.sh; the main job
# (ci/matrix) runs every suite against it.
IKETEST_SCRIPTS=${IKETEST_SCRIPTS:-"suites/esp/icmp_echo.ike suites/esp/raw_esp_echo.ike \
suites/esp/cipher_chacha20_poly1305.ike suites/esp/replay_dropped.ike \
suites/esp/bad_icv_dropped.ike suites/esp/second_child.ike suites/esp/seq_wrap_esn.ike \
suites/ike_auth/psk_ok.ike suites/ike_auth/id_fqdn_cert.ike suites/ike_auth/ts_narrowing.ike"}
export IKETEST_SCRIPTS
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" libreswan-trixie ilst
