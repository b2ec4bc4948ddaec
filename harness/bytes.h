/* bytes: an owned, growable byte string. Secrets live in bytes too, so
 * bytes_free() always wipes before it releases. */
#ifndef IKETEST_BYTES_H
#define IKETEST_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct err;

struct bytes {
	uint8_t *data;
	size_t len;
	size_t cap;
};

#define BYTES_EMPTY ((struct bytes){ NULL, 0, 0 })

/* All return 0, or -1 on allocation failure (data left as it was). */
int bytes_reserve(struct bytes *b, size_t cap);
int bytes_resize(struct bytes *b, size_t len);	/* new bytes are zero */
int bytes_append(struct bytes *b, const void *p, size_t n);
int bytes_set(struct bytes *b, const void *p, size_t n);
int bytes_copy(struct bytes *dst, const struct bytes *src);
/* Wipes the contents (even past len, up to cap) and frees. */
void bytes_free(struct bytes *b);

/* Hex text to bytes. Accepts upper and lower case, ignores white space,
 * ':' and a leading "0x"; an odd digit count or a non-hex character is an
 * error naming its offset. */
int bytes_from_hex(struct bytes *b, const char *hex, size_t len,
    struct err *e);
/* The value of one hex digit, or -1. */
int bytes_hex_digit(int c);
/* Lower-case hex of p[0..n), NUL-terminated, into out (2n+1 bytes). */
void bytes_to_hex(const uint8_t *p, size_t n, char *out);

#endif
