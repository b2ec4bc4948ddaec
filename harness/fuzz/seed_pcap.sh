#!/bin/sh
# Seeds for fuzz_pcap: every golden message (harness/tests/golden/*.hex)
# written as pcap by text2pcap (Wireshark's tool, so the seeds do not come
# from the reader's own writer): IPv4/500, IPv6/500, IPv4/4500 behind the
# non-ESP marker, as pcap and pcapng, plus one capture mixing an IKE
# message with a NAT-keepalive and an ESP-in-UDP packet.
# usage: seed_pcap.sh CORPUS_DIR [GOLDEN_DIR]
set -eu

out=${1:?usage: seed_pcap.sh CORPUS_DIR [GOLDEN_DIR]}
golden=${2:-$(cd "$(dirname "$0")/../.." && pwd)/harness/tests/golden}
mkdir -p "$out"

if ! command -v text2pcap >/dev/null 2>&1; then
	echo "seed_pcap.sh: text2pcap not found (package wireshark-common): no pcap seeds" >&2
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Commented hex to the offset-and-bytes dump text2pcap reads; a first
# argument of hex digits goes in front (the non-ESP marker).
dump() {
	sed 's/#.*//' "$2" | tr -cd '0-9a-fA-F' |
	awk -v pre="$1" '{ s = s $0 } END {
		s = pre s
		n = int(length(s) / 2)
		for (i = 0; i < n; i++) {
			if (i % 16 == 0) printf "%s%06x", (i ? "\n" : ""), i
			printf " %s", substr(s, 2 * i + 1, 2)
		}
		printf "\n"
	}'
}

# text2pcap prints banners on stderr; keep its output only on failure.
t2p() {
	if ! text2pcap -q "$@" >"$tmp/t2p.log" 2>&1; then
		cat "$tmp/t2p.log" >&2
		return 1
	fi
}

seeds=0
for f in "$golden"/*.hex; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .hex)
	dump "" "$f" > "$tmp/plain.txt"
	dump "00000000" "$f" > "$tmp/marker.txt"
	t2p -F pcap -4 192.0.2.1,198.51.100.2 -u 500,500 \
	    "$tmp/plain.txt" "$out/$name-v4-500.pcap"
	t2p -F pcapng -6 2001:db8::1,2001:db8::2 -u 500,500 \
	    "$tmp/plain.txt" "$out/$name-v6-500.pcapng"
	t2p -F pcap -4 192.0.2.1,198.51.100.2 -u 4500,4500 \
	    "$tmp/marker.txt" "$out/$name-v4-4500.pcap"
	seeds=$((seeds + 3))
done

# Keepalive, ESP-in-UDP and a marker-only packet on 4500 in one file.
printf '000000 ff\n000000 12 34 56 78 00 00 00 01 aa bb cc dd\n000000 00 00 00 00\n' \
    > "$tmp/natt.txt"
t2p -F pcap -4 198.51.100.2,192.0.2.1 -u 4500,4500 \
    "$tmp/natt.txt" "$out/natt-mix.pcap"
seeds=$((seeds + 1))
echo "seed_pcap.sh: $seeds pcap seeds in $out"
