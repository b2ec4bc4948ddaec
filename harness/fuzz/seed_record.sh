#!/bin/sh
# seed_record.sh DIR: the seed corpus of fuzz_record, the fixture records
# of the report test (harness/tests/reports/fixtures) and any record left
# by a run under reports/out (called by seed.sh).
set -eu
dir=${1:?usage: seed_record.sh DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
n=0
for f in $(find "$top/harness/tests/reports/fixtures" "$top/reports/out" \
    -name '*.record' 2>/dev/null | head -n 200); do
	n=$((n + 1))
	cp "$f" "$dir/seed-$n.record"
done
echo "seed_record.sh: $n seeds in $dir"
