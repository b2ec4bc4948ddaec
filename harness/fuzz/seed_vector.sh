#!/bin/sh
# seed_vector.sh DIR: the known-answer files themselves seed fuzz_vector
# (the smaller ones: the big Wycheproof files only slow each execution).
set -eu
dir=${1:?usage: seed_vector.sh DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
count=0
for f in "$top"/vectors/*.vec; do
	[ "$(wc -c < "$f")" -le 65536 ] || continue
	cp "$f" "$dir/"
	count=$((count + 1))
done
echo "seed_vector.sh: $count seeds in $dir"
