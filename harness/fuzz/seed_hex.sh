#!/bin/sh
# seed_hex.sh DIR: fuzz_hex reads commented hex, so its seeds are the
# golden messages as the text they are written in.
set -eu
dir=${1:?usage: seed_hex.sh DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
cp "$top"/harness/tests/golden/*.hex "$dir/"
echo "seed_hex.sh: $(ls "$dir" | wc -l) seeds in $dir"
