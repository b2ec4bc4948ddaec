/* buffer: bounded reading and writing of wire bytes. Every read of data
 * that came off the wire goes through a reader, which never moves past the
 * end of its view: a get that does not fit returns -1 and leaves the
 * reader where it was. Writers append to a struct bytes in network order;
 * lengths that are only known later are patched in at an offset. */
#ifndef IKETEST_BUFFER_H
#define IKETEST_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

/* A read-only view of data[start..end) with a cursor. Positions are
 * absolute (counted from data[0]), so a sub-view reports the same offsets
 * as its parent, which is what error messages want. */
struct buffer_reader {
	const uint8_t *data;
	size_t start;
	size_t end;
	size_t pos;
};

/* A reader over p[0..n). */
void buffer_reader_init(struct buffer_reader *r, const uint8_t *p, size_t n);

/* Bytes left between the cursor and the end of the view. */
size_t buffer_remaining(const struct buffer_reader *r);
/* Absolute offset of the cursor (from the start of the outermost data). */
size_t buffer_pos(const struct buffer_reader *r);
/* Offset of the cursor from the start of this view. */
size_t buffer_offset(const struct buffer_reader *r);
/* Pointer to the byte under the cursor (valid for buffer_remaining()). */
const uint8_t *buffer_cursor(const struct buffer_reader *r);

/* Network-order gets. 0, or -1 (nothing read, cursor unchanged) when
 * fewer bytes are left than the width. */
int buffer_get_u8(struct buffer_reader *r, uint8_t *v);
int buffer_get_u16(struct buffer_reader *r, uint16_t *v);
int buffer_get_u24(struct buffer_reader *r, uint32_t *v);
int buffer_get_u32(struct buffer_reader *r, uint32_t *v);
int buffer_get_u64(struct buffer_reader *r, uint64_t *v);
/* Big-endian unsigned of nbytes (1..8) bytes. */
int buffer_get_uint(struct buffer_reader *r, size_t nbytes, uint64_t *v);
/* Peeks without moving. */
int buffer_peek_u8(const struct buffer_reader *r, uint8_t *v);
int buffer_peek_u16(const struct buffer_reader *r, uint16_t *v);

/* Copies n bytes out (out may be NULL to discard). */
int buffer_get_bytes(struct buffer_reader *r, void *out, size_t n);
/* Points *p at the next n bytes without copying, and moves past them. */
int buffer_get_view(struct buffer_reader *r, size_t n, const uint8_t **p);
/* Appends the next n bytes to b (bytes_append); -1 if they are not there
 * or allocation fails. */
int buffer_get_append(struct buffer_reader *r, size_t n, struct bytes *b);
int buffer_skip(struct buffer_reader *r, size_t n);
/* Moves the cursor to an absolute position inside the view. */
int buffer_seek(struct buffer_reader *r, size_t abs_pos);

/* Makes sub a reader over the next n bytes and moves r past them, so a
 * structure with a declared length is parsed within that length and no
 * further. -1 (r unchanged) if n bytes are not left. */
int buffer_sub(struct buffer_reader *r, size_t n, struct buffer_reader *sub);
/* Like buffer_sub but does not move r. */
int buffer_peek_sub(const struct buffer_reader *r, size_t n,
    struct buffer_reader *sub);

/* Writers: append in network order; 0 or -1 on allocation failure. */
int buffer_put_u8(struct bytes *b, uint8_t v);
int buffer_put_u16(struct bytes *b, uint16_t v);
int buffer_put_u24(struct bytes *b, uint32_t v);
int buffer_put_u32(struct bytes *b, uint32_t v);
int buffer_put_u64(struct bytes *b, uint64_t v);
/* The low nbytes (1..8) bytes of v, big-endian. */
int buffer_put_uint(struct bytes *b, size_t nbytes, uint64_t v);
int buffer_put_bytes(struct bytes *b, const void *p, size_t n);
int buffer_put_zeros(struct bytes *b, size_t n);

/* Overwrites bytes already written at offset off: -1 if they are not all
 * inside b->len. */
int buffer_patch_u8(struct bytes *b, size_t off, uint8_t v);
int buffer_patch_u16(struct bytes *b, size_t off, uint16_t v);
int buffer_patch_u32(struct bytes *b, size_t off, uint32_t v);
int buffer_patch_uint(struct bytes *b, size_t off, size_t nbytes, uint64_t v);

/* Fixed regions: memory the caller owns (a header being filled in, a
 * packet already received), read and written at an offset, big-endian.
 * Each call checks that the whole field lies inside p[0..len): -1 when it
 * does not, and then nothing is read or written (*v keeps its value), as
 * iked's ibuf_set_n16 fails on a field past the end. */
int buffer_read_n8(const uint8_t *p, size_t len, size_t off, uint8_t *v);
int buffer_read_n16(const uint8_t *p, size_t len, size_t off, uint16_t *v);
int buffer_read_n32(const uint8_t *p, size_t len, size_t off, uint32_t *v);
int buffer_read_n64(const uint8_t *p, size_t len, size_t off, uint64_t *v);
int buffer_write_n8(uint8_t *p, size_t len, size_t off, uint8_t v);
int buffer_write_n16(uint8_t *p, size_t len, size_t off, uint16_t v);
int buffer_write_n32(uint8_t *p, size_t len, size_t off, uint32_t v);
int buffer_write_n64(uint8_t *p, size_t len, size_t off, uint64_t v);

#endif
