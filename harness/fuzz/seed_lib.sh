# seed_lib.sh: what the seeders share (sourced, not run).

# Hex digits on stdin to binary on stdout: xxd if present, else awk and
# printf with octal escapes (POSIX).
unhex() {
	if command -v xxd >/dev/null 2>&1; then
		xxd -r -p
	else
		printf "$(awk 'BEGIN {
			for (i = 0; i < 16; i++)
				v[substr("0123456789abcdef", i + 1, 1)] = i
		} {
			s = tolower($0)
			for (i = 1; i < length(s); i += 2)
				printf "\\%03o", v[substr(s, i, 1)] * 16 + \
				    v[substr(s, i + 1, 1)]
		}')"
	fi
}

# seed_hex_lines DIR: "NAME HEX" lines on stdin (blank and '#' lines
# skipped) to DIR/NAME.bin; prints how many.
seed_hex_lines() {
	_n=0
	while read -r _name _hex; do
		case $_name in ''|'#'*) continue ;; esac
		printf '%s' "$_hex" | unhex > "$1/$_name.bin"
		_n=$((_n + 1))
	done
	echo "$_n"
}
