#!/bin/sh
# seed_script.sh DIR: the seed corpus of fuzz_script, the example scripts
# (suites/examples/*.ike) and any suite script (called by seed.sh).
set -eu
dir=${1:?usage: seed_script.sh DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
for f in "$top"/suites/examples/*.ike "$top"/suites/*/*.ike; do
	[ -f "$f" ] && cp "$f" "$dir/$(basename "$(dirname "$f")")_$(basename "$f")"
done
exit 0
