#!/bin/sh
# seed_inet.sh DIR: seeds of fuzz_inet, written as hex here (made once by
# inet_build_ip / inet_build_l4 and checked by test_inet's independent
# checksum): whole IPv4 and IPv6 packets with UDP, ICMP and ICMPv6 echo,
# one with TFC padding after its IP length, and the transport parts with
# the selector byte fuzz_inet reads first (bits 0-1: UDP, ICMP, ICMPv6,
# other; bit 2: IPv6 addresses). Called by seed.sh.
set -eu
dir=${1:?usage: seed_inet.sh DIR}
mkdir -p "$dir"

# Hex digits on stdin to binary on stdout (as seed.sh does).
unhex() {
	if command -v xxd >/dev/null 2>&1; then
		xxd -r -p
	else
		printf "$(awk 'BEGIN {
			for (i = 0; i < 16; i++)
				v[substr("0123456789abcdef", i + 1, 1)] = i
		} {
			s = tolower($0)
			for (i = 1; i < length(s); i += 2)
				printf "\\%03o", v[substr(s, i, 1)] * 16 + \
				    v[substr(s, i + 1, 1)]
		}')"
	fi
}

n=0
while read -r name hex; do
	case $name in ''|'#'*) continue ;; esac
	printf '%s' "$hex" | unhex > "$dir/$name.bin"
	n=$((n + 1))
done <<'SEEDS'
# 192.0.2.1:40000 -> 198.51.100.2:7, "iketest echo"
v4-udp 450000280000400040114e8ec0000201c63364029c40000700140101696b6574657374206563686f
v4-udp-tfc 450000280000400040114e8ec0000201c63364029c40000700140101696b6574657374206563686f0000000000000000
v4-icmp 450000280000400040014e9ec0000201c633640208006f8412340001696b6574657374206563686f
# 2001:db8::1 -> 2001:db8:1::2
v6-udp 600000000014114020010db800000000000000000000000120010db80001000000000000000000029c400007001491c2696b6574657374206563686f
v6-icmpv6 6000000000143a4020010db800000000000000000000000120010db800010000000000000000000280009bbf12340001696b6574657374206563686f
# transport parts, selector byte first
v4-udp-l4 009c40000700140101696b6574657374206563686f
v6-udp-l4 049c400007001491c2696b6574657374206563686f
v4-icmp-l4 0108006f8412340001696b6574657374206563686f
v6-icmpv6-l4 0680009bbf12340001696b6574657374206563686f
SEEDS
echo "seed_inet.sh: $n seeds in $dir"
