#include "hexfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "err.h"

static bool hexfile_is_separator(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' ||
	    c == '\f' || c == '\v';
}

int hexfile_parse(struct bytes *out, const char *text, size_t len,
    struct err *e)
{
	size_t i, line = 1, line_start = 0, high_line = 0, high_col = 0;
	int high = -1;

	out->len = 0;
	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)text[i];
		int v;

		if (c == '#') {
			/* Skip to the newline, which the loop then counts. */
			while (i + 1 < len && text[i + 1] != '\n')
				i++;
			continue;
		}
		if (c == '\n') {
			line++;
			line_start = i + 1;
			continue;
		}
		if (hexfile_is_separator(c))
			continue;
		v = bytes_hex_digit(c);
		if (v < 0)
			return err_set(e, "line %zu, column %zu: not a hex digit '%c' (0x%02x)",
			    line, i - line_start + 1, c >= 32 && c < 127 ? c : '?', c);
		if (high < 0) {
			high = v;
			high_line = line;
			high_col = i - line_start + 1;
			continue;
		}
		uint8_t octet = (uint8_t)(high << 4 | v);
		if (bytes_append(out, &octet, 1) < 0)
			return err_set(e, "out of memory");
		high = -1;
	}
	if (high >= 0)
		return err_set(e, "line %zu, column %zu: odd number of hex digits (a lone digit at the end)",
		    high_line, high_col);
	return 0;
}

bool hexfile_looks_like_hex(const uint8_t *data, size_t len)
{
	size_t i, digits = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = data[i];

		if (c == '#') {
			while (i + 1 < len && data[i + 1] != '\n')
				i++;
			continue;
		}
		if (hexfile_is_separator(c))
			continue;
		if (bytes_hex_digit(c) < 0)
			return false;
		digits++;
	}
	return digits > 0;
}

int hexfile_read_file(struct bytes *out, const char *path, struct err *e)
{
	uint8_t chunk[65536];
	FILE *f;
	int rc = -1;

	out->len = 0;
	f = fopen(path, "rb");
	if (f == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t n = fread(chunk, 1, sizeof(chunk), f);

		if (n > 0 && out->len + n > HEXFILE_MAX_FILE) {
			err_set(e, "%s: larger than %d bytes", path, HEXFILE_MAX_FILE);
			goto out;
		}
		if (n > 0 && bytes_append(out, chunk, n) < 0) {
			err_set(e, "%s: out of memory", path);
			goto out;
		}
		if (n < sizeof(chunk))
			break;
	}
	if (ferror(f)) {
		err_set(e, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

int hexfile_load(struct bytes *out, const char *path, struct err *e)
{
	struct bytes text = BYTES_EMPTY;
	int rc;

	if (hexfile_read_file(&text, path, e) < 0)
		return -1;
	rc = hexfile_parse(out, (const char *)text.data, text.len, e);
	if (rc < 0)
		err_prefix(e, "%s", path);
	bytes_free(&text);
	return rc;
}

int hexfile_comment_value(const char *text, size_t len, const char *key,
    char *out, size_t outlen)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t end = i, p;

		while (end < len && text[end] != '\n')
			end++;
		p = i;
		while (p < end && (text[p] == ' ' || text[p] == '\t'))
			p++;
		if (p < end && text[p] == '#') {
			p++;
			while (p < end && (text[p] == ' ' || text[p] == '\t'))
				p++;
			if (end - p > klen && strncmp(text + p, key, klen) == 0 &&
			    text[p + klen] == ':') {
				size_t v = p + klen + 1, ve = end;

				while (v < ve && (text[v] == ' ' || text[v] == '\t'))
					v++;
				while (ve > v && (text[ve - 1] == ' ' || text[ve - 1] == '\t' ||
				    text[ve - 1] == '\r'))
					ve--;
				if (outlen == 0)
					return 0;
				if (ve - v >= outlen)
					ve = v + outlen - 1;
				memcpy(out, text + v, ve - v);
				out[ve - v] = 0;
				return 0;
			}
		}
		i = end + 1;
	}
	return -1;
}
