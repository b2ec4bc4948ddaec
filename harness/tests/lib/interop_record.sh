# harness/tests/lib/interop_record.sh: reading an interop cell's record
# (kind interop, harness/RESULTS.md) in the shell tests (sourced).

# step_verdict REC STEP: the verdict of one step of a cell.
step_verdict() {
	awk -v s="$2:" '$1 == "description" && $2 == s { want = 1; next }
	    want && $1 == "verdict" { print $2; exit }' "$1"
}

# wire_count REC WHAT: a number of the wire step's observer line, the one
# before WHAT ("SK decrypted", "SK not decrypted", "IKE SAs", "findings").
wire_count() {
	awk '$1 == "description" && $2 == "wire:"' "$1" |
	    sed -n "s/.* \([0-9]*\) $2[,]*.*/\1/p"
}
