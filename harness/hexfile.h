/* hexfile: the commented-hex format of golden messages and seeds, and
 * whole-file reading.
 *
 *   # IKE_SA_INIT request (RFC 7296 1.2)    <- '#' to end of line is a comment
 *   0011223344556677 0000000000000000        <- hex digits, any case
 *   21 20 22 08 00000000 000001c8            <- blanks, tabs, ':' separate
 *
 * Digits pair up across blanks and lines; an odd total is an error. */
#ifndef IKETEST_HEXFILE_H
#define IKETEST_HEXFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bytes;
struct err;

/* Refuse files beyond this: a decoder input, not a disk image. */
enum { HEXFILE_MAX_FILE = 64 * 1024 * 1024 };

/* Commented hex to bytes. Errors name line and column:
 * "line 3, column 7: not a hex digit 'g'". 0 or -1. */
int hexfile_parse(struct bytes *out, const char *text, size_t len,
    struct err *e);
/* True when text is entirely commented hex with at least one digit (used
 * to tell a hex file from a raw binary one). */
bool hexfile_looks_like_hex(const uint8_t *data, size_t len);
/* The value of a "# key: value" comment line (the golden messages say
 * "# first-payload: 35 (IDi)" for a bare payload chain), up to the end of
 * the line, trimmed, into out; 0 if found, -1 if not. */
int hexfile_comment_value(const char *text, size_t len, const char *key,
    char *out, size_t outlen);
/* The whole file into out; errors are "PATH: reason" (strerror). */
int hexfile_read_file(struct bytes *out, const char *path, struct err *e);
/* hexfile_read_file + hexfile_parse; errors "PATH: line 3, ...". */
int hexfile_load(struct bytes *out, const char *path, struct err *e);

#endif
