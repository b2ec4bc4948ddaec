#!/bin/sh
# seed_keyset.sh DIR: the seed corpus of fuzz_keyset, key sets as the
# reference peer and the strongSwan adapter write them: AEAD ("-" for
# the integrity keys) and cipher+integrity, a comment, a CRLF file
# (called by seed.sh).
set -eu
dir=${1:?usage: seed_keyset.sh DIR}
mkdir -p "$dir"
k16=00112233445566778899aabbccddeeff
k32=$k16$k16
printf 'ike-keys %s %s - -\n' "$k32$k16" "$k16$k32" >"$dir/aead.keys"
printf 'ike-keys %s %s %s %s\n' "$k32" "$k16$k16" "$k32" "$k32" >"$dir/cbc.keys"
printf '# two IKE SAs, the second a rekey\nike-keys %s %s - -\n\nike-keys %s %s - -\n' \
    "$k32" "$k32" "$k16" "$k16" >"$dir/two.keys"
printf 'ike-keys %s %s - -\r\n' "$k16" "$k16" >"$dir/crlf.keys"
echo "seed_keyset.sh: 4 seeds in $dir"
