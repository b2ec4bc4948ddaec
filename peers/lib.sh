# peers/lib.sh: sourced (POSIX sh) by ci/lab, ci/matrix, the adapters and
# the shell tests. Two jobs:
#
# 1. The registry of IUTs. Every folder under the peers directory that holds
#    a peer.conf is an IUT; nothing else lists them. The peers directory is
#    $IKETEST_PEERS, else $top/peers (the sourcing script sets top to the
#    repository's top). peer.conf is KEY=value lines (# comments, blank
#    lines allowed):
#      name=strongswan     the folder's name (checked)
#      short=sw            namespace suffix (ikt-sw), interface t-sw,
#                          credentials sw-rsa.pem ...: [a-z][a-z0-9]{0,5}
#      slot=2              the lab index that picks its subnets: 1..14
#      needs=pfkey         optional: host features it cannot run without
#                          (words: pfkey, uml); unmet: known but not run
#      host=uml            optional: where the IUT runs: ns (default, a
#                          process in its lab namespace) or uml (a guest
#                          kernel in it, ci/uml: ci/lab gives its links
#                          no addresses; the guest has them)
#    Sourcing this file loads and validates every peer.conf (registry_load),
#    each error naming FILE:LINE; a wrong registry stops the sourcing script.
#
# 2. Helpers the adapters share: die/log ($prog), lab_env ($LAB, $SLOT),
#    running ($PIDFILE), pid_alive, pid_tree, pid_start, pid_stopped,
#    print_pid, check_stopped
#    (the pid and status verbs), profile_get, join, is_aead.

IKETEST_PEERS=${IKETEST_PEERS:-$top/peers}
# "name short slot unmet needs" lines in slot order (unmet: the needs this
# host lacks; both comma lists, - when empty); see registry_load
REGISTRY=""

# --- registry ----------------------------------------------------------------

# registry_scan: validate every peer.conf and print the table, or print
# "error: FILE:LINE: why" lines and fail.
registry_scan() {
	# the host features a need can name, when present
	have=
	[ ! -e /proc/net/pfkey ] || have=pfkey
	# uml: a user-mode Linux kernel (ci/uml) and modprobe for its modules
	[ ! -x /usr/bin/linux.uml ] || [ ! -x /usr/sbin/modprobe ] || have=$have,uml
	set -- "$IKETEST_PEERS"/*/peer.conf
	[ -e "$1" ] || { echo "error: $IKETEST_PEERS: no */peer.conf (no IUT)"; return 1; }
	for f; do
		[ -s "$f" ] || { echo "error: $f: empty"; return 1; }
	done
	out=$(awk -v have=",$have," '
	function bad(why) { print "error: " FILENAME ":" FNR ": " why; errs++ }
	function finish(f,   d) {
		if (f == "") return
		d = f; sub(/\/peer\.conf$/, "", d); sub(/.*\//, "", d)
		if (name[f] == "") { print "error: " f ": no valid name= line"; errs++ }
		else if (name[f] != d) { print "error: " f ": name=" name[f] " is not the folder name " d; errs++ }
		if (short[f] == "") { print "error: " f ": no valid short= line"; errs++ }
		else if (short[f] in byshort) { print "error: " f ": short=" short[f] " is also " byshort[short[f]]; errs++ }
		else byshort[short[f]] = f
		if (slot[f] == "") { print "error: " f ": no valid slot= line"; errs++ }
		else if (slot[f] in byslot) { print "error: " f ": slot=" slot[f] " is also " byslot[slot[f]]; errs++ }
		else byslot[slot[f]] = f
		n++; order[n] = f
	}
	FNR == 1 { finish(cur); cur = FILENAME }
	/^[ \t]*(#|$)/ { next }
	{
		i = index($0, "=")
		if (!i) { bad("not KEY=value: " $0); next }
		k = substr($0, 1, i - 1); v = substr($0, i + 1)
		if ((FILENAME, k) in seen) { bad("key " k " given twice"); next }
		seen[FILENAME, k] = 1
		if (k == "name") {
			if (v !~ /^[a-z][a-z0-9_-]*$/) bad("name=" v ": want [a-z][a-z0-9_-]*")
			name[FILENAME] = v
		} else if (k == "short") {
			if (v !~ /^[a-z][a-z0-9]?[a-z0-9]?[a-z0-9]?[a-z0-9]?[a-z0-9]?$/)
				bad("short=" v ": want [a-z][a-z0-9]{0,5} (it names namespaces and interfaces)")
			else if (v == "h") bad("short=h is the harness namespace")
			else short[FILENAME] = v
		} else if (k == "slot") {
			if (v !~ /^[0-9]+$/ || v + 0 < 1 || v + 0 > 14)
				bad("slot=" v ": want 1..14 (192.0.2.16n/28 must fit)")
			else slot[FILENAME] = v + 0
		} else if (k == "needs") {
			nw = split(v, w, /[ \t]+/)
			for (j = 1; j <= nw; j++) {
				if (w[j] == "") continue
				if (w[j] != "pfkey" && w[j] != "uml") bad("needs: unknown feature " w[j] " (known: pfkey, uml)")
				needs[FILENAME] = needs[FILENAME] (needs[FILENAME] == "" ? "" : ",") w[j]
				if (index(have, "," w[j] ",") == 0)
					unmet[FILENAME] = unmet[FILENAME] (unmet[FILENAME] == "" ? "" : ",") w[j]
			}
		} else if (k == "host") {
			if (v != "ns" && v != "uml") bad("host=" v ": want ns or uml")
		} else
			bad("unknown key " k " (name, short, slot, needs, host)")
	}
	END {
		finish(cur)
		if (errs) exit 1
		for (i = 2; i <= n; i++)	# by slot (a handful: insertion sort)
			for (j = i; j > 1 && slot[order[j - 1]] > slot[order[j]]; j--) {
				t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
			}
		for (i = 1; i <= n; i++) {
			f = order[i]
			print name[f], short[f], slot[f], (unmet[f] == "" ? "-" : unmet[f]), (needs[f] == "" ? "-" : needs[f])
		}
	}' "$@") || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out"
}

# registry_load: fill REGISTRY once (exit with the errors when a peer.conf
# is wrong: nothing can run on a registry that does not read).
registry_load() {
	[ -z "$REGISTRY" ] || return 0
	REGISTRY=$(registry_scan) || {
		printf "%s\n" "$REGISTRY" | while IFS= read -r line; do
			echo "${prog:-peers/lib.sh}: $line" >&2
		done
		exit 1
	}
}

# peer_field WORD COLUMN: a column of the IUT named WORD (name or short
# name): 1 name, 2 short, 3 slot, 4 unmet, 5 needs (comma lists, - empty).
peer_field() {
	registry_load
	while read -r name short slot unmet needs; do
		[ "$1" = "$name" ] || [ "$1" = "$short" ] || continue
		case $2 in
		1) echo "$name" ;;
		2) echo "$short" ;;
		3) echo "$slot" ;;
		4) echo "$unmet" ;;
		5) echo "$needs" ;;
		esac
		return 0
	done <<EOF
$REGISTRY
EOF
	return 1
}

# peer_name WORD / peer_short WORD / peer_slot WORD: WORD is a name or a
# short name; fail (no output) when no IUT is called so.
peer_name() { peer_field "$1" 1; }
peer_short() { peer_field "$1" 2; }
peer_slot() { peer_field "$1" 3; }

# peer_unmet NAME: the needs of NAME this host lacks, one a line (none: it
# can run).
peer_unmet() {
	u=$(peer_field "$1" 4) || return 1
	[ "$u" = - ] || echo "$u" | tr , '\n'
}

# peer_host WORD: where the IUT runs, from its peer.conf: ns (default) or
# uml (a ci/uml guest inside its lab namespace).
peer_host() {
	_pn=$(peer_name "$1") || return 1
	_ph=$(sed -n "s/^host=//p" "$IKETEST_PEERS/$_pn/peer.conf")
	echo "${_ph:-ns}"
}

# peers_list COLUMN [available]: a column of every IUT, or of those whose
# needs this host meets, in slot order.
peers_list() {
	registry_load
	while read -r name short slot unmet needs; do
		[ -z "${2:-}" ] || [ "$unmet" = - ] || continue
		case $1 in
		1) echo "$name" ;;
		2) echo "$short" ;;
		esac
	done <<EOF
$REGISTRY
EOF
}

# peers_all: every IUT name. peers_available: the names of those whose
# needs this host meets. peers_lab: their short names (each has a place in
# the lab). All in slot order.
peers_all() { peers_list 1; }
peers_available() { peers_list 1 available; }
peers_lab() { peers_list 2 available; }

# lab_peers: the short names of the other IUTs in the lab (all but $SLOT):
# the peers an adapter configures connections to.
lab_peers() {
	for s in $(peers_lab); do
		[ "$s" = "$SLOT" ] || echo "$s"
	done
}

# peers_words: "name|short, ..." for messages.
peers_words() {
	registry_load
	printf '%s\n' "$REGISTRY" | awk '{ printf "%s%s|%s", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }'
}

# --- helpers shared by the adapters ------------------------------------------

die() {
	echo "$prog: $*" >&2
	exit 1
}

log() {
	echo "$prog: $*" >&2
}

# lab_env: this IUT's place in the lab ($LAB env $SLOT), exported.
lab_env() {
	lab=$("$LAB" env "$SLOT") || die "ci/lab env $SLOT failed"
	set -a
	eval "$lab"
	set +a
}

# pid_alive PID: 0 while PID runs (a zombie waiting to be reaped is gone).
pid_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	case $(cut -d")" -f2- "/proc/$1/stat" 2>/dev/null) in
	" Z"*) return 1 ;;
	esac
	return 0
}

# pid_tree PID: PID and every process below it, one pid a line (PID first).
pid_tree() {
	ps -eo pid=,ppid= | awk -v root="$1" '
	{ parent[$1] = $2 }
	END {
		print root
		seen[root] = 1
		do {
			more = 0
			for (p in parent)
				if (!(p in seen) && (parent[p] in seen)) {
					seen[p] = 1; print p; more = 1
				}
		} while (more)
	}'
}

# pid_start PID: when PID started (clock ticks since boot, /proc/PID/stat
# field 22): with the pid, it names one process even after the pid is
# reused.
pid_start() {
	cut -d")" -f2- "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

# running: 0 while the process of $PIDFILE runs.
running() {
	[ -f "$PIDFILE" ] || return 1
	pid=$(cat "$PIDFILE")
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	pid_alive "$pid"
}

# pid_stopped PID: 0 when PID is stopped (SIGSTOP, a debugger: state T or
# t), a process that runs but can answer nothing.
pid_stopped() {
	case $(cut -d")" -f2- "/proc/$1/stat" 2>/dev/null) in
	" T"* | " t"*) return 0 ;;
	esac
	return 1
}

# The adapters' `pid` and `status` contract, which the suite runners
# (harness/tests/lib/runner.sh) read to notice an IUT that crashed or hung
# during a script:
#   pid       print the daemon's pid (the pid file's); exit 1 when it does
#             not run
#   status    exit 0 alive and answering, 1 not running (crashed or
#             stopped), 4 running but not answering (hung: stopped, or its
#             control socket silent for STATUS_TIMEOUT seconds)
#   logfiles  the daemon's log files, one a line (its log, its stdout and
#             stderr), that a runner cuts per script
STATUS_TIMEOUT=${IKETEST_STATUS_TIMEOUT:-10}

# print_pid: the pid verb, from $PIDFILE.
print_pid() {
	running || return 1
	cat "$PIDFILE"
}

# check_stopped NAME: the status verb's answer for a daemon that runs but is
# stopped (exit 4 with the reason), else nothing (return 0).
check_stopped() {
	pid=$(cat "$PIDFILE")
	if pid_stopped "$pid"; then
		echo "$1: hung: pid $pid is stopped (state T), it answers nothing"
		exit 4
	fi
}

# profile_get FILE SECTION KEY: the value, comments stripped and $NAME words
# expanded from the environment (the lab variables).
profile_get() {
	awk -v sec="$2" -v key="$3" '
	{ sub(/#.*/, "") }
	/^[ \t]*\[/ { s = $0; gsub(/[][ \t]/, "", s); cur = s; next }
	cur == sec {
		i = index($0, "=")
		if (!i) next
		k = substr($0, 1, i - 1); gsub(/[ \t]/, "", k)
		if (k != key) next
		v = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
		while (match(v, /\$[A-Za-z_][A-Za-z0-9_]*/)) {
			n = substr(v, RSTART + 1, RLENGTH - 1)
			v = substr(v, 1, RSTART - 1) ENVIRON[n] substr(v, RSTART + RLENGTH)
		}
		print v
	}' "$1"
}

# join SEP WORDS...: words joined by SEP.
join() {
	sep=$1
	shift
	out=
	for w; do
		[ -n "$w" ] || continue
		out=${out:+$out$sep}$w
	done
	echo "$out"
}

# is_aead TRANSFORM: 0 for a combined-mode cipher (no integrity transform).
is_aead() {
	case $1 in AES_GCM_* | AES_CCM_* | CHACHA20_POLY1305) return 0 ;; esac
	return 1
}

# apt_install NAME SERVICE PACKAGE...: apt-get install the PACKAGEs that
# are missing, never letting them start the host's SERVICE (a policy-rc.d
# that denies every start while it runs; the service disabled after, where
# systemd runs). The log goes to $TMPDIR/iketest-NAME-install.log.
apt_install() {
	_an=$1 _as=$2
	shift 2
	_am=
	for _ap in "$@"; do
		dpkg-query -W -f '${Status}' "$_ap" 2>/dev/null | grep -q 'ok installed' ||
		    _am="$_am $_ap"
	done
	[ -n "$_am" ] || return 0
	log "installing$_am"
	_ao=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		_ao=yes
	fi
	_ar=0
	_al=${TMPDIR:-/tmp}/iketest-$_an-install.log
	# shellcheck disable=SC2086 # a word list on purpose
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $_am >"$_al" 2>&1 || _ar=$?
	[ -z "$_ao" ] || rm -f /usr/sbin/policy-rc.d
	[ $_ar -eq 0 ] || die "apt-get install failed; see $_al"
	if [ -d /run/systemd/system ]; then
		systemctl disable --now "$_as" >/dev/null 2>&1 || true
	fi
}

registry_load
