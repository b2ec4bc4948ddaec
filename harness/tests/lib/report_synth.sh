# report_synth.sh: sourced by report_browser.sh. synth DIR SALT writes a
# run of records as ci/matrix lays them out (DIR/IUT/NAME.record): every
# script of suites/ on four IUTs, its real rfc clauses, a verdict per
# script and IUT picked by a hash of the names and SALT (so that two
# salts make a baseline and a run with changes). Made up results, for
# the layout of the front page only: nothing here ran.
synth() {	# synth DIR SALT
	for iut in reference strongswan libreswan openiked; do
		mkdir -p "$1/$iut"
	done
	awk -v dir="$1" -v salt="$2" '
	function emit(   k, iut, v, h, f, name, base, folder, n, p) {
		if (file == "")
			return
		n = split(file, p, "/")
		base = p[n]; sub(/\.ike$/, "", base)
		folder = n > 1 ? p[n - 1] : "x"
		name = folder "_" base
		nscript++
		for (k = 1; k <= 4; k++) {
			iut = k == 1 ? "reference" : k == 2 ? "strongswan" : \
			    k == 3 ? "libreswan" : "openiked"
			h = (nscript * 31 + k * 17 + salt * (nscript % 5 == 0 ? 7 : 0)) % 23
			v = h < 2 ? "fail" : h < 4 ? "skip" : h == 4 ? "todo" : \
			    h == 5 && k == 3 ? "error" : "pass"
			f = dir "/" iut "/" name ".record"
			print "iketest-record 1" > f
			print "script " file > f
			print "id " base > f
			print "title " title > f
			print "rfc " rfc > f
			print "iut " iut > f
			print "iut-version " (k == 2 ? "5.9." (salt % 3) : "1.0") > f
			print "script-sha256 " sprintf("%064d", 0) > f
			if (v != "skip") {
				print "check 1\nline 1\ndescription " base ".ike:1 expect" > f
				print "verdict " (v == "todo" ? "todo" : v == "error" ? "pass" : v) > f
				print "end-check" > f
			}
			print "duration-us 1000" > f
			print "verdict " v > f
			if (v == "skip")
				print "reason needs something this IUT lacks" > f
			print "end" > f
			close(f)
		}
	}
	FNR == 1 { emit(); file = FILENAME; rfc = ""; title = "" }
	/^test[ \t]/ { title = $0; sub(/^test[ \t]+"?/, "", title); sub(/"$/, "", title) }
	/^rfc[ \t]/ {
		num = $2
		rest = $0; sub(/^rfc[ \t]+[0-9]+[ \t]*/, "", rest)
		n = split(rest, parts, ",")
		for (i = 1; i <= n; i++) {
			gsub(/^[ \t]+|[ \t]+$/, "", parts[i])
			# "7296 3.3.1" inside the list starts another RFC
			if (parts[i] ~ /^[0-9]+[ \t]+[0-9]/) {
				num = parts[i]; sub(/[ \t].*/, "", num)
				sub(/^[0-9]+[ \t]+/, "", parts[i])
			}
			if (parts[i] != "")
				rfc = rfc (rfc != "" ? ", " : "") "RFC " num " " parts[i]
		}
	}
	END { emit() }' suites/*/*.ike
}
