/* hexfile: the commented-hex format, its errors with line and column, the
 * hex/raw detector, and whole-file reading. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "err.h"
#include "hexfile.h"
#include "tap.h"

static void parses(const char *text, const char *want_hex, const char *what)
{
	struct bytes got = BYTES_EMPTY, want = BYTES_EMPTY;
	struct err e = { "" };

	bytes_from_hex(&want, want_hex, strlen(want_hex), NULL);
	if (!ok(hexfile_parse(&got, text, strlen(text), &e) == 0, "%s: parses", what))
		diag("%s", e.text);
	cmp_mem(got.data, got.len, want.data, want.len, "%s: bytes", what);
	bytes_free(&got);
	bytes_free(&want);
}

static void fails(const char *text, const char *needle, const char *what)
{
	struct bytes got = BYTES_EMPTY;
	struct err e = { "" };

	ok(hexfile_parse(&got, text, strlen(text), &e) < 0 &&
	    strstr(e.text, needle) != NULL, "%s: refused with `%s': %s", what,
	    needle, e.text);
	bytes_free(&got);
}

int main(void)
{
	parses("# header\n0011 2233\n# more\naabb:CCdd\t\r\nee # tail comment ff\n",
	    "00112233aabbccddee", "comments, blanks, colons, case");
	parses("0\n1\n", "01", "a byte split across lines");
	parses("# only a comment", "", "no digits is an empty message");
	parses("#no newline at end\nff", "ff", "last line without newline");
	fails("00 11\n22 3g\n", "line 2, column 5", "bad digit located");
	fails("00 11\n2", "line 2, column 1", "odd digit count located");
	fails("0x00", "line 1, column 2", "0x prefix is not commented hex");

	ok(hexfile_looks_like_hex((const uint8_t *)"# x\n00 11\n", 10), "detects hex");
	ok(!hexfile_looks_like_hex((const uint8_t *)"# x\n", 4), "comment only is not hex");
	ok(!hexfile_looks_like_hex((const uint8_t *)"\xd4\xc3\xb2\xa1", 4), "pcap magic is not hex");
	ok(!hexfile_looks_like_hex((const uint8_t *)"0011\0", 5), "a NUL is not hex");

	char val[32];
	const char *g = "# title\n  # first-payload:  35 (IDi) \r\n25 00\n";
	ok(hexfile_comment_value(g, strlen(g), "first-payload", val, sizeof(val)) == 0 &&
	    strcmp(val, "35 (IDi)") == 0, "comment value found and trimmed: `%s'", val);
	ok(hexfile_comment_value(g, strlen(g), "first", val, sizeof(val)) < 0,
	    "a key must match up to its colon");
	ok(hexfile_comment_value("25 # first-payload: 1", 21, "first-payload", val, sizeof(val)) < 0,
	    "only whole comment lines carry values");

	char path[] = "/tmp/iketest-hexfile-XXXXXX";
	int fd = mkstemp(path);
	struct bytes b = BYTES_EMPTY;
	struct err e = { "" };
	FILE *f = fdopen(fd, "w");
	fputs("# golden\nde ad\nbe ef\n", f);
	fclose(f);
	ok(hexfile_load(&b, path, &e) == 0, "load a file");
	cmp_mem(b.data, b.len, "\xde\xad\xbe\xef", 4, "loaded bytes");
	f = fopen(path, "w");
	fputs("de ad\nbe zz\n", f);
	fclose(f);
	ok(hexfile_load(&b, path, &e) < 0 && strstr(e.text, path) == e.text &&
	    strstr(e.text, "line 2") != NULL, "a bad file is named with its line: %s", e.text);
	unlink(path);
	ok(hexfile_read_file(&b, path, &e) < 0 && strstr(e.text, path) != NULL &&
	    strstr(e.text, "No such file") != NULL, "a missing file: %s", e.text);
	ok(hexfile_read_file(&b, "/tmp", &e) < 0, "a directory: %s", e.text);
	bytes_free(&b);
	return tap_done();
}
