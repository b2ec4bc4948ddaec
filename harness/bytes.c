#include "bytes.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

/* memset may be optimised away before free(); a volatile store is not. */
static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

int bytes_reserve(struct bytes *b, size_t cap)
{
	uint8_t *p;

	if (cap <= b->cap)
		return 0;
	if (cap < 2 * b->cap)
		cap = 2 * b->cap;
	/* Not realloc: the old block may hold a secret and must be wiped. */
	p = malloc(cap);
	if (p == NULL)
		return -1;
	if (b->len)
		memcpy(p, b->data, b->len);
	if (b->data) {
		wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int bytes_resize(struct bytes *b, size_t len)
{
	if (bytes_reserve(b, len ? len : 1) < 0)
		return -1;
	if (len > b->len)
		memset(b->data + b->len, 0, len - b->len);
	b->len = len;
	return 0;
}

int bytes_append(struct bytes *b, const void *p, size_t n)
{
	if (n > SIZE_MAX - b->len || bytes_reserve(b, b->len + n ? b->len + n : 1) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int bytes_set(struct bytes *b, const void *p, size_t n)
{
	b->len = 0;
	return bytes_append(b, p, n);
}

int bytes_copy(struct bytes *dst, const struct bytes *src)
{
	return bytes_set(dst, src->data, src->len);
}

void bytes_free(struct bytes *b)
{
	if (b->data) {
		wipe(b->data, b->cap);
		free(b->data);
	}
	*b = BYTES_EMPTY;
}

int bytes_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int bytes_from_hex(struct bytes *b, const char *hex, size_t len,
    struct err *e)
{
	size_t i = 0;
	int high = -1;

	b->len = 0;
	if (len >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		i = 2;
	for (; i < len; i++) {
		char c = hex[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':')
			continue;
		v = bytes_hex_digit(c);
		if (v < 0)
			return err_set(e, "not a hex digit at offset %zu: '%c'",
			    i, c >= 32 && c < 127 ? c : '?');
		if (high < 0) {
			high = v;
			continue;
		}
		uint8_t octet = (uint8_t)(high << 4 | v);
		if (bytes_append(b, &octet, 1) < 0)
			return err_set(e, "out of memory");
		high = -1;
	}
	if (high >= 0)
		return err_set(e, "odd number of hex digits");
	return 0;
}

void bytes_to_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}
