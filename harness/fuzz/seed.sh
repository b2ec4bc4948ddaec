#!/bin/sh
# seed.sh NAME DIR: fills DIR with the golden messages of
# harness/tests/golden/*.hex in binary, as the seed corpus of fuzz target
# NAME (or runs harness/fuzz/seed_NAME.sh DIR when there is one). For
# fuzz_codec, whose first byte picks the first payload type of
# an SK plaintext chain, a golden chain ("# first-payload: N") gets that
# type byte in front. Other targets get the plain bytes.
set -eu

name=${1:?usage: seed.sh NAME DIR}
dir=${2:?usage: seed.sh NAME DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"

# A target with its own seeder (seed_pcap.sh writes pcaps of these same
# goldens) uses it.
if [ -f "$top/harness/fuzz/seed_$name.sh" ]; then
	exec sh "$top/harness/fuzz/seed_$name.sh" "$dir"
fi

# Commented hex on stdin to hex digits only.
digits() {
	sed 's/#.*//' | tr -d ' \t\r\n:'
}

. "$top/harness/fuzz/seed_lib.sh"

count=0
for f in "$top"/harness/tests/golden/*.hex; do
	base=$(basename "$f" .hex)
	first=$(sed -n 's/^# first-payload: *\([0-9][0-9]*\).*/\1/p' "$f")
	prefix=
	if [ "$name" = codec ] && [ -n "$first" ]; then
		prefix=$(printf '%02x' "$first")
	fi
	{ printf '%s' "$prefix"; digits < "$f"; } | unhex > "$dir/$base.bin"
	count=$((count + 1))
done
echo "seed.sh: $count seeds for $name in $dir"
