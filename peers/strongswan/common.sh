# shellcheck shell=sh disable=SC2154 # prog, D and the rest: set by the sourcing adapter
# peers/strongswan/common.sh: the strongSwan code both strongSwan IUTs
# share, sourced by peers/strongswan/adapter (charon in its lab namespace,
# ESP in userspace through kernel-libipsec) and
# peers/strongswan-kernel/adapter (charon in a user-mode Linux guest, ESP
# and AH in that kernel's XFRM through kernel-netlink). Both use the same
# packages, transform names, connections and timers, so that their results
# differ only by the data plane beneath.
#
# The sourcing adapter sets: prog, here, top, LAB, SLOT, D, URI (the vici
# socket), LOG, PIDFILE, PROFILE_DEFAULT; KERNEL_PLUGINS (the kernel
# interface plugins to load), KERNEL_CONF (their strongswan.conf lines),
# and ENCAP (the connections' encap=, yes or no); and sources peers/lib.sh
# first. It may redefine swanctl_ (where swanctl runs) and children_extra
# (more children of the responder connection).

PACKAGES="charon-systemd strongswan-swanctl libstrongswan-standard-plugins \
libstrongswan-extra-plugins libcharon-extra-plugins openssl iproute2"

# swanctl_ ARG...: swanctl against our charon (its vici socket), where
# charon runs: here (peers/strongswan), inside the guest
# (peers/strongswan-kernel redefines it).
swanctl_() {
	SWANCTL_DIR=$D/swanctl swanctl "$@" --uri "$URI"
}

# children_extra: children of every connection beyond "net" (the
# tunnel-mode ESP one), in swanctl.conf syntax, starting with a newline;
# none here.
children_extra() {
	:
}

# --- profile reading -------------------------------------------------------

# IANA transform names (profile) -> strongSwan proposal keywords.
sw_encr() {
	case $1 in
	AES_CBC/*) echo "aes${1#*/}" ;;
	AES_CTR/*) echo "aes${1#*/}ctr" ;;
	AES_GCM_16/*) echo "aes${1#*/}gcm16" ;;
	AES_GCM_12/*) echo "aes${1#*/}gcm12" ;;
	AES_GCM_8/*) echo "aes${1#*/}gcm8" ;;
	AES_CCM_16/*) echo "aes${1#*/}ccm16" ;;
	AES_CCM_12/*) echo "aes${1#*/}ccm12" ;;
	AES_CCM_8/*) echo "aes${1#*/}ccm8" ;;
	CHACHA20_POLY1305) echo chacha20poly1305 ;;
	3DES) echo 3des ;;
	NULL) echo null ;;
	CAMELLIA_CBC/*) echo "camellia${1#*/}" ;;
	*) log "unknown encryption transform '$1', skipped" ;;
	esac
}

sw_prf() {
	case $1 in
	HMAC_MD5) echo prfmd5 ;;
	HMAC_SHA1) echo prfsha1 ;;
	HMAC_SHA2_256) echo prfsha256 ;;
	HMAC_SHA2_384) echo prfsha384 ;;
	HMAC_SHA2_512) echo prfsha512 ;;
	AES128_XCBC) echo prfaesxcbc ;;
	AES128_CMAC) echo prfaescmac ;;
	*) log "unknown PRF '$1', skipped" ;;
	esac
}

sw_integ() {
	case $1 in
	HMAC_MD5_96) echo md5 ;;
	HMAC_SHA1_96) echo sha1 ;;
	HMAC_SHA2_256_128) echo sha256 ;;
	HMAC_SHA2_384_192) echo sha384 ;;
	HMAC_SHA2_512_256) echo sha512 ;;
	AES_XCBC_96) echo aesxcbc ;;
	AES_CMAC_96) echo aescmac ;;
	*) log "unknown integrity transform '$1', skipped" ;;
	esac
}

sw_dh() {
	case $1 in
	NONE) ;;
	MODP_*) echo "modp${1#MODP_}" ;;
	ECP_*) echo "ecp${1#ECP_}" ;;
	BRAINPOOL_P*R1) v=${1#BRAINPOOL_P}; echo "ecp${v%R1}bp" ;;
	CURVE25519) echo curve25519 ;;
	CURVE448) echo curve448 ;;
	*) log "unknown DH group '$1', skipped" ;;
	esac
}

# proposals FILE SECTION: the strongSwan proposal list for [ike], [esp] or
# [ah]: one proposal of the classic ciphers, one of the AEAD ones (for AH,
# integrity only: RFC 7296 3.3.3); for ESP and AH with NONE among the
# groups, the same again without DH (PFS optional). Empty when the profile
# has no such section.
proposals() {
	encr=$(profile_get "$1" "$2" encr)
	prf=$(profile_get "$1" "$2" prf)
	integ=$(profile_get "$1" "$2" integ)
	dh=$(profile_get "$1" "$2" dh)
	classic=
	aead=
	for e in $encr; do
		k=$(sw_encr "$e")
		if is_aead "$e"; then aead="$aead $k"; else classic="$classic $k"; fi
	done
	p=
	for a in $prf; do p="$p $(sw_prf "$a")"; done
	i=
	for a in $integ; do i="$i $(sw_integ "$a")"; done
	g=
	nodh=no
	for a in $dh; do
		[ "$a" = NONE ] && nodh=yes
		g="$g $(sw_dh "$a")"
	done
	# [esp] esn: YES, NO or both, in the order given (strongSwan: noesn
	# when none is named).
	x=
	if [ "$2" != ike ]; then
		for a in $(profile_get "$1" "$2" esn); do
			case $a in
			YES | yes) x="$x esn" ;;
			NO | no) x="$x noesn" ;;
			*) log "unknown esn value '$a', skipped" ;;
			esac
		done
	fi
	# shellcheck disable=SC2086 # word lists on purpose
	{
		c=$(join - $classic $i $p $g $x)
		a=$(join - $aead $p $g $x)
		list=
		[ -n "$classic" ] && list=$c
		[ -n "$aead" ] && list=$(join , "$list" "$a")
		if [ "$2" = ah ] && [ -n "${i# }" ]; then
			list=$(join - $i $g $x)
			[ $nodh = no ] || [ -z "${g# }" ] || list=$(join , "$list" "$(join - $i $x)")
		fi
		if [ "$2" = esp ] && [ $nodh = yes ] && [ -n "${g#"${g%%[! ]*}"}" ]; then
			[ -n "$classic" ] && list=$(join , "$list" "$(join - $classic $i $x)")
			[ -n "$aead" ] && list=$(join , "$list" "$(join - $aead $x)")
		fi
	}
	echo "$list"
}

# --- verbs -----------------------------------------------------------------

do_install() {
	# shellcheck disable=SC2086 # a word list on purpose
	apt_install strongswan strongswan.service $PACKAGES
}

# KEYS_FIFO (set by an adapter that has a keys verb): a second log, IKE at
# level 4, written into a FIFO that keys_filter reads, so that the session
# keys reach a key set file while the secrets the same level logs (the PSK,
# the DH secret, SK_d, SK_p) never touch a disk. Unset: no such log.
keys_conf() {
	[ -n "${KEYS_FIFO:-}" ] || return 0
	cat <<EOF
		keys {
			path = $KEYS_FIFO
			default = -1
			ike = 4
			flush_line = yes
		}
EOF
}

# keys_filter < KEYS_FIFO >> KEYS: charon's IKE level-4 lines to key sets
# (harness/evidence.h: "ike-keys SK_ei SK_er SK_ai SK_ar", "-" for AEAD).
# keymat_v2 logs Sk_d, [Sk_ai, Sk_ar,] Sk_ei, Sk_er, then Sk_pi, each as
# "NN[IKE] <conn|id> Sk_xx secret => N bytes @ 0x..." and its hex dump
# lines ("   0: 0A 76 ..."), one message at a time per thread; everything
# else (Sk_d, Sk_p, the PSK, the DH secret) is dropped here.
keys_filter() {
	awk -W interactive '
	function th(l) { return substr(l, 1, index(l, "[") - 1) }
	function body(l,   i) {
		i = index(l, "] "); l = substr(l, i + 2)
		if (substr(l, 1, 1) == "<") l = substr(l, index(l, "> ") + 2)
		return l
	}
	function out(t) {
		printf "ike-keys %s %s %s %s\n", k[t, "ei"], k[t, "er"],
		    k[t, "ai"] == "" ? "-" : k[t, "ai"],
		    k[t, "ar"] == "" ? "-" : k[t, "ar"]
		fflush()
		k[t, "ai"] = k[t, "ar"] = k[t, "ei"] = k[t, "er"] = ""
	}
	{
		t = th($0); b = body($0)
		if (b ~ /^ *[0-9]+: /) {
			if (cur[t] == "") next
			h = substr(b, index(b, ": ") + 2, 47)
			gsub(/ /, "", h)
			k[t, cur[t]] = k[t, cur[t]] tolower(h)
			next
		}
		if (cur[t] == "er") out(t)
		cur[t] = ""
		if (b ~ /^Sk_(ai|ar|ei|er) secret => /)
			cur[t] = substr(b, 4, 2)
	}'
}

write_strongswan_conf() {
	KEYS_CONF=$(keys_conf)
	cat >"$D/strongswan.conf" <<EOF
# Generated by $prog; the daemon reads this file only (STRONGSWAN_CONF).
charon-systemd {
	# No modular loading: only the plugins below, none from /etc.
	load_modular = no
	load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints curve25519 chapoly aes sha1 sha2 md5 hmac gcm ccm ctr xcbc cmac kdf $KERNEL_PLUGINS socket-default vici updown
	# Short timers: requests are sent at 0, 0.5, 1.5 and 3.5 s; the IKE
	# SA is given up at 7.5 s (see [timers] in profile.conf).
	retransmit_timeout = 0.5
	retransmit_base = 2
	retransmit_tries = 3
	retransmit_jitter = 0
	# NAT keepalives (RFC 3948 2.3) every 2 s instead of 20 s, so that a
	# test sees several; charon sends them only while it sees itself
	# behind a NAT (the peer's NAT_DETECTION_DESTINATION_IP did not match).
	keep_alive = 2s
	half_open_timeout = 30
	cookie_threshold = 10
	# A suite run leaves many half-open IKE SAs from the harness address
	# (every IKE_SA_INIT-only script): the default per-IP limit of 5
	# (block_threshold) would make charon ignore the harness for 30 s.
	block_threshold = 10000
	# Routes for the remote traffic selectors (table 220).
	install_routes = yes
	install_virtual_ip = no
	port = 500
	port_nat_t = 4500
	plugins {
		vici {
			socket = $URI
		}
$KERNEL_CONF
	}
	filelog {
$KEYS_CONF
		charon {
			path = $LOG
			time_format = %Y-%m-%dT%H:%M:%S
			time_precision = ms
			ike_name = yes
			flush_line = yes
			append = yes
			default = 1
			ike = 2
			cfg = 2
			net = 2
			enc = 1
			knl = 2
			esp = 2
		}
	}
	journal {
		default = -1
	}
	syslog {
		daemon {
			default = -1
		}
	}
}
swanctl {
	load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey
}
EOF
}

# peer_auth RADDR: the local and remote sections of a connection to a
# peer: PSK with IP IDs, or, when the profile's [auth] methods has no psk,
# certificates with FQDN IDs (interop-cert: ci/interop's certificate
# suite).
peer_auth() {
	case " $(profile_get "$profile" auth methods) " in
	*" psk "*)
		printf '\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = %s\n\t\t}\n' "$IUT_ADDR"
		printf '\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = %s\n\t\t}' "$1"
		;;
	*)
		printf '\t\tlocal {\n\t\t\tauth = pubkey\n\t\t\tcerts = %s-rsa.pem\n\t\t\tid = %s.iketest.example\n\t\t}\n' "$SLOT" "$SLOT"
		printf '\t\tremote {\n\t\t\tauth = pubkey\n\t\t\tid = *.iketest.example\n\t\t\tcacerts = ca.pem\n\t\t}'
		;;
	esac
}

# conn_peer NAME SLOT|harness: a connection this IUT initiates to a peer.
conn_peer() {
	name=$1
	if [ "$2" = harness ]; then
		raddr=$HARNESS_ADDR
		rts="$HARNESS_PROTECTED_NET, $HARNESS_PROTECTED_NET6"
	else
		peer=$("$LAB" env "$2")
		raddr=$(echo "$peer" | sed -n 's/^IUT_ADDR=//p')
		rts="$(echo "$peer" | sed -n 's/^PROTECTED_NET=//p'), $(echo "$peer" | sed -n 's/^PROTECTED_NET6=//p')"
	fi
	cat <<EOF
	$name {
		version = 2
		local_addrs = $IUT_ADDR
		remote_addrs = $raddr
		proposals = $IKE_PROPOSALS
		encap = $ENCAP
		fragmentation = yes
		dpd_delay = 0
$(peer_auth "$raddr")
		children {
			net {
				mode = tunnel
				local_ts = $PROTECTED_NET, $PROTECTED_NET6
				remote_ts = $rts
				esp_proposals = $ESP_PROPOSALS$AH_LINE
				start_action = none
				close_action = none
			}$(children_extra)
		}
	}
EOF
}

# The responder side: PSK for IP-address IDs, certificates for FQDN IDs.
# The harness protected net and every IUT protected net are acceptable
# remote traffic selectors (the harness and other IUTs both connect here).
conn_responder() {
	rts="$HARNESS_PROTECTED_NET, 198.51.100.0/24, $HARNESS_PROTECTED_NET6, 2001:db8:100::/48"
	child="
		children {
			net {
				mode = tunnel
				local_ts = $PROTECTED_NET, $PROTECTED_NET6
				remote_ts = $rts
				esp_proposals = $ESP_PROPOSALS$AH_LINE
				start_action = none
				close_action = none
			}$(children_extra)
		}"
	cat <<EOF
	responder-psk {
		version = 2
		local_addrs = $IUT_ADDR, $IUT_ADDR6
		remote_addrs = %any
		proposals = $IKE_PROPOSALS
		encap = $ENCAP
		fragmentation = yes
		dpd_delay = 0
		local {
			auth = psk
			id = %any
		}
		remote {
			auth = psk
			id = %any
		}$child
	}
	responder-cert {
		version = 2
		local_addrs = $IUT_ADDR, $IUT_ADDR6
		remote_addrs = %any
		proposals = $IKE_PROPOSALS
		encap = $ENCAP
		fragmentation = yes
		dpd_delay = 0
		local {
			auth = pubkey
			certs = $SLOT-rsa.pem, $SLOT-ecdsa.pem
			id = $SLOT.iketest.example
		}
		remote {
			auth = pubkey
			id = *.iketest.example
			cacerts = ca.pem
		}$child
	}
EOF
}

do_configure() {
	profile=${1:-$PROFILE_DEFAULT}
	[ -r "$profile" ] || die "cannot read profile '$profile'"
	lab_env
	running || die "not running: '$prog start' first"
	"$LAB" creds >/dev/null
	IKE_PROPOSALS=$(proposals "$profile" ike)
	ESP_PROPOSALS=$(proposals "$profile" esp)
	AH_PROPOSALS=$(proposals "$profile" ah)
	# With [ah] in the profile, "net" takes AH proposals too (RFC 7296 3.3:
	# one SA payload may offer both protocols; the responder picks one).
	AH_LINE=
	[ -z "$AH_PROPOSALS" ] || AH_LINE="
				ah_proposals = $AH_PROPOSALS"
	[ -n "$IKE_PROPOSALS" ] || die "$profile: no IKE transforms in [ike]"
	[ -n "$ESP_PROPOSALS" ] || die "$profile: no ESP transforms in [esp]"
	psk_file=$(profile_get "$profile" auth psk-file)
	[ -r "$psk_file" ] || die "cannot read the PSK file '$psk_file'"
	sd=$D/swanctl
	rm -rf "$sd"
	for sub in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
		mkdir -p "$sd/$sub"
	done
	chmod 700 "$sd" "$sd/private"
	cp "$CREDS_DIR/ca.pem" "$sd/x509ca/ca.pem"
	for alg in rsa ecdsa; do
		cp "$CREDS_DIR/$SLOT-$alg.pem" "$sd/x509/"
		cp "$CREDS_DIR/$SLOT-$alg.key" "$sd/private/"
	done
	{
		echo "# Generated by $prog from $profile."
		echo "connections {"
		conn_responder
		conn_peer to-harness harness
		for s in $(lab_peers); do
			conn_peer "to-$s" "$s"
		done
		echo "}"
		echo "secrets {"
		echo "	ike-psk {"
		echo "		# Any peer with the lab PSK (IP-address IDs)."
		echo "		secret = \"$(head -n 1 "$psk_file")\""
		echo "	}"
		echo "}"
	} >"$sd/swanctl.conf"
	chmod 600 "$sd/swanctl.conf"
	swanctl_ --load-all --noprompt >"$D/load.out" 2>&1 || {
		cat "$D/load.out" >&2
		die "swanctl --load-all failed"
	}
	grep -E 'loaded|failed' "$D/load.out" | grep -v '^loaded (private key|certificate)' >&2 || true
	echo "$profile" >"$D/profile"
}

# peer_conn [PEER]: the connection name for a peer (harness or an IUT).
peer_conn() {
	case ${1:-harness} in
	harness) echo to-harness ;;
	*)
		s=$(peer_short "$1") || die "unknown peer '$1' (harness, $(peers_words))"
		echo "to-$s"
		;;
	esac
}

do_initiate() {
	running || die "not running"
	c=$(peer_conn "${1:-harness}")
	swanctl_ --initiate --ike "$c" --child net --timeout 30
}

# sa_names: the connection names of the active IKE SAs.
sa_names() {
	swanctl_ --list-sas --raw 2>/dev/null |
	    sed -n 's/^list-sa event {\([^ ]*\) {.*/\1/p' | sort -u
}

do_rekey() {
	running || die "not running"
	what=ike
	case ${1:-} in ike | child) what=$1; shift ;; esac
	if [ $# -gt 0 ]; then
		names=$(peer_conn "$1")
	else
		names=$(sa_names)
	fi
	[ -n "$names" ] || die "no active IKE SA to rekey"
	for n in $names; do
		if [ "$what" = ike ]; then
			swanctl_ --rekey --ike "$n"
		else
			swanctl_ --rekey --child net --ike "$n" 2>/dev/null ||
			    swanctl_ --rekey --child net
		fi
	done
}

do_terminate() {
	running || die "not running"
	if [ $# -gt 0 ]; then
		names=$(peer_conn "$1")
	else
		names=$(sa_names)
	fi
	[ -n "$names" ] || { log "no active IKE SA"; return 0; }
	for n in $names; do
		swanctl_ --terminate --ike "$n" --timeout 10 || true
	done
}

# do_counters [SPI]: the traffic counters of the newest installed CHILD SA
# (highest child uniqueid: charon numbers them in creation order), or of
# the one whose inbound or outbound SPI is SPI. kernel-libipsec counts the
# plaintext IP packets it encrypts and decrypts (bytes: inner IP packet
# lengths). Exit 0 with key=value lines, 1 when there is no such CHILD SA,
# 5 when strongSwan lists the CHILD SA without counters.
do_counters() {
	running || die "not running"
	spi=$(echo "${1:-}" | tr 'A-F' 'a-f')
	spi=${spi#0x}
	case $spi in
	'' | [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
	*) echo "$prog: counters: bad SPI '$1' (8 hex digits)" >&2; exit 2 ;;
	esac
	raw=$(swanctl_ --list-sas --raw 2>&1) || die "swanctl --list-sas failed: $raw"
	rc=0
	echo "$raw" | awk -v want="$spi" '
	# val(BLOCK, KEY): the value of KEY=... in a vici --raw block.
	function val(b, k) {
		if (!match(b, "[ {]" k "=[^ }]*"))
			return ""
		return substr(b, RSTART + length(k) + 2, RLENGTH - length(k) - 2)
	}
	/^list-sa event \{/ {
		ike = $0
		sub(/^list-sa event \{/, "", ike)
		sub(/ .*/, "", ike)
		rest = $0
		while (match(rest, /[^ {]+ \{name=[^{}]*\}/)) {
			b = substr(rest, RSTART, RLENGTH)
			rest = substr(rest, RSTART + RLENGTH)
			if (val(b, "state") != "INSTALLED")
				continue
			if (want != "" && val(b, "spi-in") != want &&
			    val(b, "spi-out") != want)
				continue
			id = val(b, "uniqueid") + 0
			if (found && id <= best)
				continue
			found = 1
			best = id
			pick = b
			pike = ike
		}
	}
	END {
		if (!found)
			exit 1
		n = split("packets-in in_packets bytes-in in_bytes packets-out out_packets bytes-out out_bytes", m, " ")
		for (i = 1; i < n; i += 2)
			if (val(pick, m[i]) !~ /^[0-9]+$/)
				exit 5
		print "ike=" pike
		print "child=" val(pick, "name")
		print "uniqueid=" val(pick, "uniqueid")
		print "protocol=" val(pick, "protocol")
		print "mode=" val(pick, "mode")
		print "encap=" val(pick, "encap")
		print "spi_in=" val(pick, "spi-in")
		print "spi_out=" val(pick, "spi-out")
		for (i = 1; i < n; i += 2)
			print m[i + 1] "=" val(pick, m[i])
	}' || rc=$?
	case $rc in
	0) ;;
	1)
		echo "$prog: counters: no installed CHILD SA${spi:+ with SPI $spi}" >&2
		exit 1
		;;
	5)
		echo "$prog: counters: strongSwan lists the CHILD SA without traffic counters (the kernel backend exposes none)" >&2
		exit 5
		;;
	*) die "counters: parsing swanctl --list-sas failed" ;;
	esac
}

do_version() {
	v=$(dpkg-query -W -f '${Version}' charon-systemd 2>/dev/null) ||
	    die "charon-systemd is not installed"
	echo "strongSwan ${v%%-*} (Debian charon-systemd $v)"
}

