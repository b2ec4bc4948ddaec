#include "buffer.h"

#include <string.h>

void buffer_reader_init(struct buffer_reader *r, const uint8_t *p, size_t n)
{
	r->data = p;
	r->start = 0;
	r->end = p ? n : 0;
	r->pos = 0;
}

size_t buffer_remaining(const struct buffer_reader *r)
{
	return r->end - r->pos;
}

size_t buffer_pos(const struct buffer_reader *r)
{
	return r->pos;
}

size_t buffer_offset(const struct buffer_reader *r)
{
	return r->pos - r->start;
}

const uint8_t *buffer_cursor(const struct buffer_reader *r)
{
	return r->data ? r->data + r->pos : NULL;
}

/* The big-endian field of nbytes (1..8) at p[off], if all of it lies
 * inside p[0..len). Every bounded read goes through here. */
static int read_uint(const uint8_t *p, size_t len, size_t off, size_t nbytes,
    uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (nbytes < 1 || nbytes > 8 || off > len || len - off < nbytes)
		return -1;
	for (i = 0; i < nbytes; i++)
		x = x << 8 | p[off + i];
	*v = x;
	return 0;
}

/* Writes the low nbytes (1..8) of v big-endian at p[off], if all of it
 * lies inside p[0..len). Every bounded write goes through here. */
static int write_uint(uint8_t *p, size_t len, size_t off, size_t nbytes,
    uint64_t v)
{
	size_t i;

	if (nbytes < 1 || nbytes > 8 || off > len || len - off < nbytes)
		return -1;
	for (i = 0; i < nbytes; i++)
		p[off + i] = (uint8_t)(v >> (8 * (nbytes - 1 - i)));
	return 0;
}

int buffer_get_uint(struct buffer_reader *r, size_t nbytes, uint64_t *v)
{
	if (r->data == NULL ||
	    read_uint(r->data, r->end, r->pos, nbytes, v) < 0)
		return -1;
	r->pos += nbytes;
	return 0;
}

int buffer_get_u8(struct buffer_reader *r, uint8_t *v)
{
	uint64_t x;

	if (buffer_get_uint(r, 1, &x) < 0)
		return -1;
	*v = (uint8_t)x;
	return 0;
}

int buffer_get_u16(struct buffer_reader *r, uint16_t *v)
{
	uint64_t x;

	if (buffer_get_uint(r, 2, &x) < 0)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

int buffer_get_u24(struct buffer_reader *r, uint32_t *v)
{
	uint64_t x;

	if (buffer_get_uint(r, 3, &x) < 0)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int buffer_get_u32(struct buffer_reader *r, uint32_t *v)
{
	uint64_t x;

	if (buffer_get_uint(r, 4, &x) < 0)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int buffer_get_u64(struct buffer_reader *r, uint64_t *v)
{
	return buffer_get_uint(r, 8, v);
}

int buffer_peek_u8(const struct buffer_reader *r, uint8_t *v)
{
	struct buffer_reader c = *r;

	return buffer_get_u8(&c, v);
}

int buffer_peek_u16(const struct buffer_reader *r, uint16_t *v)
{
	struct buffer_reader c = *r;

	return buffer_get_u16(&c, v);
}

int buffer_get_bytes(struct buffer_reader *r, void *out, size_t n)
{
	if (buffer_remaining(r) < n)
		return -1;
	if (out && n)
		memcpy(out, r->data + r->pos, n);
	r->pos += n;
	return 0;
}

int buffer_get_view(struct buffer_reader *r, size_t n, const uint8_t **p)
{
	if (buffer_remaining(r) < n)
		return -1;
	*p = r->data ? r->data + r->pos : NULL;
	r->pos += n;
	return 0;
}

int buffer_get_append(struct buffer_reader *r, size_t n, struct bytes *b)
{
	if (buffer_remaining(r) < n)
		return -1;
	if (n && bytes_append(b, r->data + r->pos, n) < 0)
		return -1;
	r->pos += n;
	return 0;
}

int buffer_skip(struct buffer_reader *r, size_t n)
{
	return buffer_get_bytes(r, NULL, n);
}

int buffer_seek(struct buffer_reader *r, size_t abs_pos)
{
	if (abs_pos < r->start || abs_pos > r->end)
		return -1;
	r->pos = abs_pos;
	return 0;
}

int buffer_peek_sub(const struct buffer_reader *r, size_t n,
    struct buffer_reader *sub)
{
	if (buffer_remaining(r) < n)
		return -1;
	sub->data = r->data;
	sub->start = r->pos;
	sub->end = r->pos + n;
	sub->pos = r->pos;
	return 0;
}

int buffer_sub(struct buffer_reader *r, size_t n, struct buffer_reader *sub)
{
	if (buffer_peek_sub(r, n, sub) < 0)
		return -1;
	r->pos += n;
	return 0;
}

int buffer_put_uint(struct bytes *b, size_t nbytes, uint64_t v)
{
	uint8_t tmp[8];

	if (write_uint(tmp, nbytes, 0, nbytes, v) < 0)
		return -1;
	return bytes_append(b, tmp, nbytes);
}

int buffer_put_u8(struct bytes *b, uint8_t v)
{
	return buffer_put_uint(b, 1, v);
}

int buffer_put_u16(struct bytes *b, uint16_t v)
{
	return buffer_put_uint(b, 2, v);
}

int buffer_put_u24(struct bytes *b, uint32_t v)
{
	return buffer_put_uint(b, 3, v);
}

int buffer_put_u32(struct bytes *b, uint32_t v)
{
	return buffer_put_uint(b, 4, v);
}

int buffer_put_u64(struct bytes *b, uint64_t v)
{
	return buffer_put_uint(b, 8, v);
}

int buffer_put_bytes(struct bytes *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	return bytes_append(b, p, n);
}

int buffer_put_zeros(struct bytes *b, size_t n)
{
	if (n == 0)
		return 0;
	return bytes_resize(b, b->len + n);
}

int buffer_patch_uint(struct bytes *b, size_t off, size_t nbytes, uint64_t v)
{
	return write_uint(b->data, b->len, off, nbytes, v);
}

int buffer_patch_u8(struct bytes *b, size_t off, uint8_t v)
{
	return buffer_patch_uint(b, off, 1, v);
}

int buffer_patch_u16(struct bytes *b, size_t off, uint16_t v)
{
	return buffer_patch_uint(b, off, 2, v);
}

int buffer_patch_u32(struct bytes *b, size_t off, uint32_t v)
{
	return buffer_patch_uint(b, off, 4, v);
}

int buffer_read_n8(const uint8_t *p, size_t len, size_t off, uint8_t *v)
{
	uint64_t x;

	if (read_uint(p, len, off, 1, &x) < 0)
		return -1;
	*v = (uint8_t)x;
	return 0;
}

int buffer_read_n16(const uint8_t *p, size_t len, size_t off, uint16_t *v)
{
	uint64_t x;

	if (read_uint(p, len, off, 2, &x) < 0)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

int buffer_read_n32(const uint8_t *p, size_t len, size_t off, uint32_t *v)
{
	uint64_t x;

	if (read_uint(p, len, off, 4, &x) < 0)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int buffer_read_n64(const uint8_t *p, size_t len, size_t off, uint64_t *v)
{
	return read_uint(p, len, off, 8, v);
}

int buffer_write_n8(uint8_t *p, size_t len, size_t off, uint8_t v)
{
	return write_uint(p, len, off, 1, v);
}

int buffer_write_n16(uint8_t *p, size_t len, size_t off, uint16_t v)
{
	return write_uint(p, len, off, 2, v);
}

int buffer_write_n32(uint8_t *p, size_t len, size_t off, uint32_t v)
{
	return write_uint(p, len, off, 4, v);
}

int buffer_write_n64(uint8_t *p, size_t len, size_t off, uint64_t v)
{
	return write_uint(p, len, off, 8, v);
}
