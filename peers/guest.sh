# shellcheck shell=sh disable=SC2154 # prog, top, D, GUEST, PIDFILE: set by the sourcing adapter
# peers/guest.sh: what the adapters of the IUTs that run in a user-mode
# Linux guest (peer.conf host=uml: libreswan-kernel, strongswan-kernel,
# openiked) share: booting the guest on the IUT's lab links, running
# commands in it, and telling whether it (and the daemon in it) runs.
#
# The sourcing adapter sets prog, top, D (the guest's folder, writable
# inside at the same path), GUEST (the guest's name: the IUT's short name),
# PIDFILE (the daemon's pid file in D, the pid inside the guest) and
# sources peers/lib.sh first.

# Boot and command timeouts (s): guests are slow on a loaded machine.
BOOT_TIMEOUT=${IKETEST_UML_BOOT_TIMEOUT:-240}
EXEC_TIMEOUT=${IKETEST_UML_EXEC_TIMEOUT:-120}

# uml VERB [ARG...]: ci/uml on the lab's guests.
uml() {
	[ -n "${LAB_RUNDIR:-}" ] || lab_env
	IKETEST_UML_STATE=$LAB_RUNDIR/uml "$top/ci/uml" "$@"
}

# guest_run CMD [ARG...]: CMD inside the guest, as root; one word with
# spaces is a shell script there. Output and exit status pass through. A
# command costs a mailbox round trip (about 0.5-1 s on a loaded machine),
# so verbs batch what they can into one script.
guest_run() {
	uml exec --timeout "$EXEC_TIMEOUT" "$GUEST" "$@"
}

# guest_pid: the pid (on the host) of the guest's kernel.
guest_pid() {
	[ -n "${LAB_RUNDIR:-}" ] || lab_env
	cat "$LAB_RUNDIR/uml/$GUEST/pid" 2>/dev/null
}

# guest_up: 0 when the guest runs and answers its mailbox.
guest_up() {
	uml status "$GUEST" >/dev/null 2>&1
}

# running (lib.sh's, for a guest): the guest's kernel runs and the daemon
# was started in it (its pid is the guest's; status asks the guest itself).
running() {
	[ -f "$PIDFILE" ] || return 1
	gp=$(guest_pid) || return 1
	pid_alive "$gp"
}

# guest_boot: boot the guest in the IUT's namespace, owning the IUT's lab
# addresses (test link and protected network; ci/lab took them off the
# namespace), unless it is up already; with GUEST_ROOT set (a root folder of
# another release, ci/rootfs), its commands run there. A guest that died
# (or was killed) may leave its process group: that goes first.
guest_boot() {
	guest_up && return 0
	uml stop "$GUEST" >/dev/null 2>&1 || true
	mkdir -p "$D"
	chmod 700 "$D"
	uml start "$GUEST" --ns "$IUT_NS" --dir "$D" --timeout "$BOOT_TIMEOUT" \
	    ${GUEST_ROOT:+--root "$GUEST_ROOT"} \
	    --if "$IUT_IF:$IUT_ADDR/$IUT_PREFIXLEN,$IUT_ADDR6/$IUT_PREFIXLEN6" \
	    --if "p0:$PROTECTED_GW/28,$PROTECTED_GW6/64" \
	    --route "default via $HARNESS_ADDR" \
	    --route "default via $HARNESS_ADDR6" >&2 ||
	    die "guest $GUEST did not boot; see $D/console.log"
}

# guest_kernel_version: the guest kernel's line of an adapter's version.
guest_kernel_version() {
	echo "kernel: Linux $(ls /usr/lib/uml/modules 2>/dev/null | head -n 1) (user-mode Linux, Debian user-mode-linux $(dpkg-query -W -f '${Version}' user-mode-linux 2>/dev/null || echo '?'))"
}

# guest_need_kernel: exit 3 (unavailable) without the guest kernel.
guest_need_kernel() {
	[ -x /usr/bin/linux.uml ] && [ -x /usr/sbin/modprobe ] || {
		echo "$prog: unavailable on this host: no user-mode Linux kernel (apt-get install user-mode-linux kmod; ci/bootstrap does)" >&2
		exit 3
	}
}

# guest_echo: the lines of a guest script that start a UDP and a TCP echo
# on port 7 of the guest's own addresses (v4 and v6), where transport-mode
# traffic ends (the lab's echo hosts are behind, on the protected network).
guest_echo() {
	cat <<EOF2
socat UDP6-RECVFROM:7,ipv6only=0,reuseaddr,fork PIPE </dev/null >/dev/null 2>>'$D/echo.log' &
socat TCP6-LISTEN:7,ipv6only=0,reuseaddr,fork PIPE </dev/null >/dev/null 2>>'$D/echo.log' &
EOF2
}
