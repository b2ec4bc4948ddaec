# shellcheck shell=sh disable=SC2154 # prog, CREDS_DIR and the rest: set by the sourcing adapter
# peers/libreswan/common.sh: the libreswan code both libreswan IUTs share,
# sourced by peers/libreswan/adapter (pluto in its lab namespace, on the
# lab's kernel) and peers/libreswan-kernel/adapter (pluto in a user-mode
# Linux guest, on a kernel of its own; the verbs run inside the guest).
# Both use the same unpacked prefix, transform names, connections and
# timers, so that their results differ only by the kernel beneath.
#
# The sourcing adapter sets: prog, here, top, LAB, SLOT, PREFIX, LIBEXEC, D,
# CTL (pluto's control socket), LOG, NSS, PIDFILE, PROFILE_DEFAULT, and
# ENCAPSULATION (the connections' encapsulation=, default yes), and
# INTERMEDIATE (the connections' intermediate=, RFC 9242; unset: pluto's
# default, no), and sources peers/lib.sh first.

# Runtime libraries of Debian's libreswan 4.x (its Depends, less the
# package itself), and the tools this adapter uses.
DEPS="libnss3-tools libnss3 libnspr4 libaudit1 libcap-ng0 libcrypt1 \
libcurl3-nss libevent-core-2.1-7 libevent-pthreads-2.1-7 libldap-2.5-0 \
libldns3 libpam0g libselinux1 libsystemd0 libunbound8 dns-root-data \
iproute2 openssl"

# ls_run CMD [ARG...]: run whack or addconn where pluto runs: here
# (peers/libreswan), inside the guest (peers/libreswan-kernel redefines it).
ls_run() {
	"$@"
}

whack_() {
	ls_run "$LIBEXEC/whack" --ctlsocket "$CTL" "$@"
}

# IANA transform names (profile) -> libreswan algorithm names.
ls_encr() {
	case $1 in
	AES_CBC/*) echo "aes${1#*/}" ;;
	AES_CTR/*) echo "aes_ctr${1#*/}" ;;
	AES_GCM_16/*) echo "aes_gcm_16_${1#*/}" ;;
	AES_GCM_12/*) echo "aes_gcm_12_${1#*/}" ;;
	AES_GCM_8/*) echo "aes_gcm_8_${1#*/}" ;;
	AES_CCM_16/*) echo "aes_ccm_16_${1#*/}" ;;
	AES_CCM_8/*) echo "aes_ccm_8_${1#*/}" ;;
	CHACHA20_POLY1305) echo chacha20_poly1305 ;;
	3DES) echo 3des ;;
	CAMELLIA_CBC/*) echo "camellia${1#*/}" ;;
	NULL) echo null ;;
	*) log "unknown encryption transform '$1', skipped" ;;
	esac
}

# For IKE, libreswan's second field is the PRF; integrity follows from it.
ls_prf() {
	case $1 in
	HMAC_MD5) echo md5 ;;
	HMAC_SHA1) echo sha1 ;;
	HMAC_SHA2_256) echo sha2_256 ;;
	HMAC_SHA2_384) echo sha2_384 ;;
	HMAC_SHA2_512) echo sha2_512 ;;
	AES128_XCBC) echo aes_xcbc ;;
	*) log "unknown PRF '$1', skipped" ;;
	esac
}

ls_integ() {
	case $1 in
	HMAC_MD5_96) echo md5 ;;
	HMAC_SHA1_96) echo sha1 ;;
	HMAC_SHA2_256_128) echo sha2_256 ;;
	HMAC_SHA2_384_192) echo sha2_384 ;;
	HMAC_SHA2_512_256) echo sha2_512 ;;
	AES_XCBC_96) echo aes_xcbc ;;
	AES_CMAC_96) echo aes_cmac ;;
	*) log "unknown integrity transform '$1', skipped" ;;
	esac
}

ls_dh() {
	case $1 in
	NONE) ;;
	MODP_*) echo "modp${1#MODP_}" ;;
	ECP_256) echo dh19 ;;
	ECP_384) echo dh20 ;;
	ECP_521) echo dh21 ;;
	CURVE25519) echo dh31 ;;
	*) log "unknown DH group '$1', skipped" ;;
	esac
}

# ike_alg FILE / esp_alg FILE: libreswan ike= and esp= values.
ike_alg() {
	classic=
	aead=
	for e in $(profile_get "$1" ike encr); do
		k=$(ls_encr "$e")
		if is_aead "$e"; then aead="$aead $k"; else classic="$classic $k"; fi
	done
	p=
	for a in $(profile_get "$1" ike prf); do p="$p $(ls_prf "$a")"; done
	g=
	for a in $(profile_get "$1" ike dh); do g="$g $(ls_dh "$a")"; done
	# shellcheck disable=SC2086 # word lists on purpose
	{
		p=$(join + $p)
		g=$(join + $g)
		list=
		[ -z "$classic" ] || list="$(join + $classic)-$p-$g"
		[ -z "$aead" ] || list=$(join , "$list" "$(join + $aead)-$p-$g")
	}
	echo "$list"
}

esp_alg() {
	classic=
	aead=
	for e in $(profile_get "$1" esp encr); do
		k=$(ls_encr "$e")
		if is_aead "$e"; then aead="$aead $k"; else classic="$classic $k"; fi
	done
	i=
	for a in $(profile_get "$1" esp integ); do i="$i $(ls_integ "$a")"; done
	# shellcheck disable=SC2086
	{
		list=
		[ -z "$classic" ] || list="$(join + $classic)-$(join + $i)"
		[ -z "$aead" ] || list=$(join , "$list" "$(join + $aead)-null")
	}
	echo "$list"
}

# --- verbs shared by both adapters ---------------------------------------

do_install() {
	missing=
	for p in $DEPS; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		    missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		log "installing$missing"
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends $missing >/dev/null ||
		    die "apt-get install$missing failed"
	fi
	[ -x "$LIBEXEC/pluto" ] && [ -f "$PREFIX/VERSION" ] && return 0
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	chmod 755 "$tmp"
	log "unpacking libreswan into $PREFIX"
	(cd "$tmp" && apt-get download -q libreswan >/dev/null 2>&1) ||
	    die "apt-get download libreswan failed"
	deb=$(ls "$tmp"/libreswan_*.deb)
	rm -rf "$PREFIX"
	mkdir -p "$PREFIX"
	dpkg -x "$deb" "$PREFIX"
	dpkg-deb -f "$deb" Version >"$PREFIX/VERSION"
	rm -rf "$tmp"
	trap - EXIT
	log "installed: $(do_version)"
}

# NSS database with the lab CA and this IUT's RSA certificate and key.
make_nss() {
	rm -rf "$NSS"
	mkdir -p "$NSS"
	certutil -N -d "sql:$NSS" --empty-password
	certutil -A -d "sql:$NSS" -n iketest-ca -t "CT,," -i "$CREDS_DIR/ca.pem"
	pk12util -d "sql:$NSS" -i "$CREDS_DIR/$SLOT-rsa.p12" \
	    -w "$CREDS_DIR/p12pass" >/dev/null
}

write_setup() {
	cat >"$D/ipsec.conf" <<EOF
# Generated by $prog.
config setup
	logfile=$LOG
	logappend=yes
	logtime=yes
	plutodebug=none
	dumpdir=$D/run
	ipsecdir=$D
	nssdir=$NSS
	secretsfile=$D/ipsec.secrets
	uniqueids=yes
	ikev1-policy=drop
	# COOKIE demanded above 10 half-open IKE SAs (default 25000), as
	# strongSwan's cookie_threshold: the suites make that load.
	ddos-ike-threshold=10
	# NAT keepalives (RFC 3948 2.3), if any, every 2 s instead of 20 s.
	# None was seen here even with the harness's NAT_DETECTION_DESTINATION_IP
	# made wrong (profile.conf, [capabilities] natt-keepalive).
	keep-alive=2
EOF
	[ ! -f "$D/conns.conf" ] || cat "$D/conns.conf" >>"$D/ipsec.conf"
}

# conn NAME RIGHT RIGHTSUBNET AUTH: one connection (initiator or responder).
conn() {
	if [ "$4" = psk ]; then
		auth="authby=secret
	leftid=$IUT_ADDR
	rightid=$2"
		[ "$2" != %any ] || auth="authby=secret
	leftid=$IUT_ADDR
	rightid=%any"
	else
		auth="authby=rsasig
	leftcert=$SLOT-rsa
	leftid=@$SLOT.iketest.example
	rightid=@harness.iketest.example
	rightca=%same"
	fi
	cat <<EOF

conn $1
	keyexchange=ike
	ikev2=insist
	left=$IUT_ADDR
	leftsubnet=$PROTECTED_NET
	right=$2
	rightsubnet=$3
	$auth
	ike=$IKE_ALG
	esp=$ESP_ALG
	pfs=$ESP_PFS
	# RFC 7296 2.9: a responder may narrow wider selectors to its own
	# (pluto's default, narrowing=no, answers TS_UNACCEPTABLE instead)
	narrowing=yes
	encapsulation=${ENCAPSULATION:-yes}
	fragmentation=yes${INTERMEDIATE:+
	intermediate=$INTERMEDIATE}
	retransmit-interval=500
	retransmit-timeout=8s
	rekey=yes
	# One keying attempt: a timed-out IKE_SA_INIT is not started again
	# (default: forever), which would leak into the next script.
	keyingtries=1
	dpddelay=0
	# no updown script: the default adds nothing we need, and in a guest
	# each run (popen: sh, then the script) costs about a second of
	# IKE_AUTH, beyond the peer's first retransmission
	leftupdown=%disabled
	auto=add
EOF
}

do_configure() {
	profile=${1:-$PROFILE_DEFAULT}
	[ -r "$profile" ] || die "cannot read profile '$profile'"
	lab_env
	running || die "not running: '$prog start' first"
	IKE_ALG=$(ike_alg "$profile")
	ESP_ALG=$(esp_alg "$profile")
	# [esp] dh NONE alone: CREATE_CHILD_SA without KE (pfs=no); pluto's default
	# (pfs=yes) refuses a CHILD SA proposal without one (NO_PROPOSAL_CHOSEN)
	ESP_PFS=yes
	[ "$(profile_get "$profile" esp dh)" != NONE ] || ESP_PFS=no
	[ -n "$IKE_ALG" ] || die "$profile: no IKE transforms in [ike]"
	[ -n "$ESP_ALG" ] || die "$profile: no ESP transforms in [esp]"
	psk_file=$(profile_get "$profile" auth psk-file)
	[ -r "$psk_file" ] || die "cannot read the PSK file '$psk_file'"
	{
		echo "# connections generated from $profile"
		conn to-harness "$HARNESS_ADDR" "$HARNESS_PROTECTED_NET" psk
		conn to-harness-cert "$HARNESS_ADDR" "$HARNESS_PROTECTED_NET" cert
		for s in $(lab_peers); do
			peer=$("$LAB" env "$s")
			conn "to-$s" "$(echo "$peer" | sed -n 's/^IUT_ADDR=//p')" \
			    "$(echo "$peer" | sed -n 's/^PROTECTED_NET=//p')" psk
		done
	} >"$D/conns.conf"
	printf '%%any %%any : PSK "%s"\n' "$(head -n 1 "$psk_file")" \
	    >"$D/ipsec.secrets"
	write_setup
	whack_ --rereadsecrets
	for c in $(conn_names); do
		whack_ --delete --name "$c" >/dev/null 2>&1 || true
	done
	ls_run "$LIBEXEC/addconn" --config "$D/ipsec.conf" --ctlsocket "$CTL" \
	    --autoall >"$D/addconn.out" 2>&1 || {
		cat "$D/addconn.out" >&2
		die "addconn failed"
	}
	cat "$D/addconn.out" >&2
	echo "$profile" >"$D/profile"
}

peer_conn() {
	case ${1:-harness} in
	harness) echo to-harness ;;
	harness-cert) echo to-harness-cert ;;
	*)
		s=$(peer_short "$1") ||
		    die "unknown peer '$1' (harness, harness-cert, $(peers_words))"
		echo "to-$s"
		;;
	esac
}

conn_names() {
	sed -n 's/^conn //p' "$D/conns.conf" 2>/dev/null
}

# reset_conn NAME: delete and re-add a connection.  whack --terminate leaves
# a revival pending (pluto re-initiates a connection it was told to keep
# up); deleting the connection is what cancels it.
reset_conn() {
	whack_ --delete --name "$1" >/dev/null 2>&1 || true
	ls_run "$LIBEXEC/addconn" --config "$D/ipsec.conf" --ctlsocket "$CTL" "$1" \
	    >>"$D/addconn.out" 2>&1 || log "addconn $1 failed"
}

# Exit 0 when the IKE SA was established.  On this kernel the CHILD SA
# cannot be installed (no ESP in XFRM): pluto then deletes the IKE SA and
# would re-initiate forever, so the connection is reset (exit 4 if even
# the IKE SA failed).
do_initiate() {
	running || die "not running"
	c=$(peer_conn "${1:-harness}")
	out=$D/initiate.out
	rc=0
	whack_ --initiate --name "$c" >"$out" 2>&1 || rc=$?
	cat "$out"
	if grep -q "CHILD SA encountered fatal error\|setup_half_ipsec_sa() hit fail" "$out"; then
		log "CHILD SA not installed (no ESP in this kernel); resetting $c to stop pluto's revival"
		reset_conn "$c"
	fi
	if grep -q "established IKE SA" "$out"; then
		return 0
	fi
	[ $rc -ne 0 ] || rc=4
	return $rc
}

do_rekey() {
	running || die "not running"
	what=ike
	case ${1:-} in ike | child) what=$1; shift ;; esac
	if [ $# -gt 0 ]; then names=$(peer_conn "$1"); else names=$(conn_names); fi
	for n in $names; do
		if [ "$what" = ike ]; then
			whack_ --rekey-ike --name "$n" || true
		else
			whack_ --rekey-ipsec --name "$n" || true
		fi
	done
}

do_terminate() {
	running || die "not running"
	if [ $# -gt 0 ]; then names=$(peer_conn "$1"); else names=$(conn_names); fi
	for n in $names; do
		whack_ --terminate --name "$n" || true
		reset_conn "$n"
	done
}

do_version() {
	[ -f "$PREFIX/VERSION" ] || die "not installed: run '$prog install'"
	v=$(cat "$PREFIX/VERSION")
	echo "Libreswan ${v%%-*} (Debian libreswan $v, unpacked in $PREFIX)"
}
