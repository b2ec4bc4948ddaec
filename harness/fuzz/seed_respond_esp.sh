#!/bin/sh
# seed_respond_esp.sh DIR: seeds for fuzz_respond_esp, whose first byte
# picks the path (0: next header and payload the target protects with
# ESP; 1: a raw ESP packet; 2: a raw IP packet for AH; 3: an inner IP
# packet the target protects with AH). The inner packets are echo
# requests inside the target's selectors (checksums right): UDP to port
# 7 and ICMP echo over IPv4, ICMPv6 echo, a transport-mode UDP part, a
# dummy, one from outside the selectors.
set -eu
dir=${1:?usage: seed_respond_esp.sh DIR}
mkdir -p "$dir"

# seed NAME OCTAL-ESCAPES: one file from printf escapes.
seed() {
	printf "$2" > "$dir/$1.bin"
}

udp4='\105\000\000\036\000\000\100\000\100\021\324\207\313\000\161\001\306\063\144\022\234\100\000\007\000\012\224\341\150\151'
icmp4='\105\000\000\036\000\000\100\000\100\001\324\227\313\000\161\001\306\063\144\022\010\000\217\224\000\001\000\001\150\151'
icmp6='\140\000\000\000\000\012\072\100\040\001\015\270\001\023\000\000\000\000\000\000\000\000\000\001\040\001\015\270\001\000\000\001\000\000\000\000\000\000\000\002\200\000\271\303\000\002\000\003\150\151'
udp_l4='\023\210\000\007\000\012\377\275\150\151'
# 192.0.2.99 as the source: outside TSi
outside='\105\000\000\036\000\000\100\000\100\021\324\207\300\000\002\143\306\063\144\022\234\100\000\007\000\012\224\341\150\151'

seed esp_udp4 "\000\004${udp4}"
seed esp_icmp4 "\000\004${icmp4}"
seed esp_icmp6 "\000\051${icmp6}"
seed esp_transport "\000\021${udp_l4}"
seed esp_dummy "\000\073${udp4}"
seed esp_outside "\000\004${outside}"
seed raw_esp "\001\020\000\000\001\000\000\000\001${udp4}\001\002\002\004\001\002\003\004\005\006\007\010\011\012\013\014"
# IPv4 header (protocol 51) and an AH header with the child's SPI
seed raw_ah "\002\105\000\000\070\000\000\000\000\100\063\000\000\300\000\002\021\300\000\002\022\004\004\000\000\020\000\000\002\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000${udp4}"
seed ah_udp4 "\003${udp4}"
seed ah_icmp6 "\003${icmp6}"
echo "seed_respond_esp.sh: $(ls "$dir" | wc -l) seeds in $dir"
