#!/bin/sh
# OpenIKED (iked in a user-mode Linux guest, ci/uml: its SAs through
# PF_KEY into the guest kernel's XFRM) in the lab, on the scripts of its
# ESP data plane and IKE_AUTH that it passes: a regression set, so that
# make check stays within CI's time (iked's 2 s retransmission schedule
# makes its full run long). The main job (ci/matrix) runs every suite
# against it and shows the rest. The runner is
# harness/tests/lib/suites_against.sh.
IKETEST_SCRIPTS=${IKETEST_SCRIPTS:-"suites/esp/icmp_echo.ike suites/esp/udp_echo.ike \
suites/esp/raw_esp_echo.ike suites/esp/jump_ahead.ike suites/esp/replay_dropped.ike \
suites/esp/replay_too_old.ike suites/esp/replay_in_window_reordered.ike \
suites/esp/bad_icv_dropped.ike suites/esp/deleted_child_dropped.ike \
suites/esp/second_child.ike suites/esp/tfc_padding.ike suites/esp/large_payload.ike \
suites/ike_auth/psk_ok.ike suites/ike_auth/bad_icv.ike suites/ike_auth/id_ipv4_addr.ike \
suites/ike_auth/ts_narrowing.ike"}
export IKETEST_SCRIPTS
exec sh "${IKETEST_TOP:-.}/harness/tests/lib/suites_against.sh" openiked ioi
