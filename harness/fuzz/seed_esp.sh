#!/bin/sh
# seed_esp.sh DIR: seeds for fuzz_esp, whose first byte picks the SA
# (0 GCM, 1 CBC + SHA-256 ESN, 2 NULL + SHA1 MAC'd by the target, 3 CBC +
# SHA1 MAC'd by the target). Modes 2 and 3 get packets without their ICV
# (the target appends it): well-formed trailers, a dummy packet, bad
# padding, a pad length too long, a ciphertext off the block size. Modes
# 0 and 1 get headers with a few lengths of body.
set -eu
dir=${1:?usage: seed_esp.sh DIR}
mkdir -p "$dir"

# seed NAME OCTAL-ESCAPES: one file from printf escapes.
seed() {
	printf "$2" > "$dir/$1.bin"
}

hdr='\000\000\000\000\000\000\000\001'		# SPI (overwritten), seq 1
iv16='\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037'
blk='\101\102\103\104\105\106\107\110\111\112\113\114\115\116\117\120'

# ENCR_NULL: payload "hi", padding 1 2, pad length 2, next header 17.
seed null_ok "\002${hdr}hi\001\002\002\021"
seed null_dummy "\002${hdr}\001\002\002\073"
seed null_badpad "\002${hdr}hi\001\003\002\021"
seed null_padlen "\002${hdr}hi\001\002\377\021"
seed null_tunnel "\002${hdr}\105\000\000\024\000\000\000\000\100\001\000\000\300\000\002\001\300\000\002\002\000\000\000\004"
seed null_zero_seq "\002\000\000\000\000\000\000\000\000hi\001\002\002\021"
# CBC: IV and one or two blocks of ciphertext, and one byte too many.
seed cbc_one "\003${hdr}${iv16}${blk}"
seed cbc_two "\003${hdr}${iv16}${blk}${blk}"
seed cbc_odd "\003${hdr}${iv16}${blk}\001"
# Raw packets for the SAs the fuzzer has no keys for.
seed gcm_hdr "\000\000\000\001\000\000\000\000\001${iv16}${blk}${blk}"
seed gcm_short "\000\000\000\001\000\000\000\000\001"
seed cbc_esn "\001\000\000\001\001\377\377\377\377${iv16}${blk}${blk}${iv16}"
echo "seed_esp.sh: $(ls "$dir" | wc -l) seeds in $dir"
