#!/bin/sh
# seed_profile.sh DIR: the seed corpus of fuzz_profile, the example
# profile (suites/examples/profile.conf) and the IUT profiles of peers/
# (called by seed.sh).
set -eu
dir=${1:?usage: seed_profile.sh DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
for f in "$top"/suites/examples/profile.conf "$top"/peers/*/profile*.conf; do
	[ -f "$f" ] && cp "$f" "$dir/$(basename "$(dirname "$f")")_$(basename "$f")"
done
exit 0
