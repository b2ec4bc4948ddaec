/* test_buffer: the bounded reader never moves past its view, fails
 * cleanly and leaves the cursor alone on failure; the writer writes
 * network order and patches only inside what it wrote; reads and writes
 * into fixed memory refuse any field that does not fit. */
#include <string.h>

#include "buffer.h"
#include "tap.h"

static const uint8_t data[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
	0x11, 0x12, 0x13, 0x14,
};

static void test_gets(void)
{
	struct buffer_reader r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	buffer_reader_init(&r, data, sizeof(data));
	is_int(buffer_remaining(&r), 20, "remaining of a fresh reader");
	ok(buffer_get_u8(&r, &u8) == 0 && u8 == 0x01, "get u8");
	ok(buffer_get_u16(&r, &u16) == 0 && u16 == 0x0203, "get u16");
	ok(buffer_get_u24(&r, &u32) == 0 && u32 == 0x040506, "get u24");
	ok(buffer_get_u32(&r, &u32) == 0 && u32 == 0x0708090a, "get u32");
	ok(buffer_get_u64(&r, &u64) == 0 && u64 == 0x0b0c0d0e0f101112ULL,
	    "get u64");
	is_int(buffer_pos(&r), 18, "position after 18 bytes");
	is_int(buffer_remaining(&r), 2, "2 bytes left");
	ok(buffer_get_u32(&r, &u32) == -1, "u32 with 2 bytes left fails");
	is_int(buffer_pos(&r), 18, "a failed get does not move");
	ok(buffer_get_u64(&r, &u64) == -1, "u64 past the end fails");
	ok(buffer_get_u24(&r, &u32) == -1, "u24 past the end fails");
	ok(buffer_peek_u16(&r, &u16) == 0 && u16 == 0x1314, "peek u16");
	is_int(buffer_pos(&r), 18, "peek does not move");
	ok(buffer_get_u16(&r, &u16) == 0 && u16 == 0x1314, "last u16");
	ok(buffer_get_u8(&r, &u8) == -1, "u8 at the end fails");
	ok(buffer_peek_u8(&r, &u8) == -1, "peek at the end fails");
	is_int(buffer_remaining(&r), 0, "nothing left");
	ok(buffer_get_uint(&r, 0, &u64) == -1 &&
	    buffer_get_uint(&r, 9, &u64) == -1, "widths 0 and 9 refused");
}

static void test_bytes_and_skip(void)
{
	struct buffer_reader r;
	struct bytes b = BYTES_EMPTY;
	const uint8_t *p;
	uint8_t out[4];

	buffer_reader_init(&r, data, sizeof(data));
	ok(buffer_get_bytes(&r, out, 4) == 0 && memcmp(out, data, 4) == 0,
	    "get 4 bytes");
	ok(buffer_skip(&r, 10) == 0 && buffer_pos(&r) == 14, "skip 10");
	ok(buffer_skip(&r, 7) == -1 && buffer_pos(&r) == 14,
	    "skip past the end fails without moving");
	ok(buffer_get_view(&r, 2, &p) == 0 && p == data + 14, "view 2");
	ok(buffer_get_view(&r, 5, &p) == -1, "view past the end fails");
	ok(buffer_get_append(&r, 4, &b) == 0 && b.len == 4 &&
	    memcmp(b.data, data + 16, 4) == 0, "append the last 4 bytes");
	ok(buffer_get_append(&r, 1, &b) == -1 && b.len == 4,
	    "append past the end fails, nothing appended");
	ok(buffer_get_bytes(&r, NULL, 0) == 0, "0 bytes at the end is fine");
	ok(buffer_seek(&r, 3) == 0 && buffer_pos(&r) == 3, "seek back");
	ok(buffer_seek(&r, 21) == -1, "seek past the end fails");
	ok(buffer_seek(&r, 20) == 0, "seek to the end");
	bytes_free(&b);

	buffer_reader_init(&r, NULL, 5);
	is_int(buffer_remaining(&r), 0, "a NULL reader is empty");
	ok(buffer_get_u8(&r, out) == -1, "and reads nothing");
}

static void test_sub(void)
{
	struct buffer_reader r, sub, sub2;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;

	buffer_reader_init(&r, data, sizeof(data));
	ok(buffer_skip(&r, 2) == 0, "skip 2");
	ok(buffer_sub(&r, 6, &sub) == 0, "sub-view of 6");
	is_int(buffer_pos(&r), 8, "parent moved past the sub-view");
	is_int(buffer_pos(&sub), 2, "sub-view positions are absolute");
	is_int(buffer_offset(&sub), 0, "sub-view offset is relative");
	ok(buffer_get_u32(&sub, &u32) == 0 && u32 == 0x03040506,
	    "read inside the sub-view");
	ok(buffer_get_u32(&sub, &u32) == -1,
	    "the sub-view ends although the data goes on");
	ok(buffer_get_u16(&sub, &u16) == 0 && u16 == 0x0708, "its last u16");
	ok(buffer_seek(&sub, 1) == -1, "no seek before the sub-view");
	ok(buffer_seek(&sub, 9) == -1, "no seek past the sub-view");
	ok(buffer_sub(&r, 13, &sub2) == -1 && buffer_pos(&r) == 8,
	    "a sub-view longer than what is left fails");
	ok(buffer_peek_sub(&r, 12, &sub2) == 0 && buffer_pos(&r) == 8,
	    "peek_sub does not move the parent");
	ok(buffer_sub(&sub2, 0, &sub) == 0 && buffer_get_u8(&sub, &u8) == -1,
	    "an empty sub-view reads nothing");
	ok(buffer_cursor(&r) == data + 8, "cursor points at the data");
}

static void test_writer(void)
{
	static const uint8_t want[] = {
		0xaa, 0x01, 0x02, 0x01, 0x02, 0x03, 0x01, 0x02, 0x03, 0x04,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xde, 0xad,
		0x00, 0x00, 0x00, 0x12, 0x34,
	};
	struct bytes b = BYTES_EMPTY;

	ok(buffer_put_u8(&b, 0xaa) == 0, "put u8");
	ok(buffer_put_u16(&b, 0x0102) == 0, "put u16");
	ok(buffer_put_u24(&b, 0x010203) == 0, "put u24");
	ok(buffer_put_u32(&b, 0x01020304) == 0, "put u32");
	ok(buffer_put_u64(&b, 0x0102030405060708ULL) == 0, "put u64");
	ok(buffer_put_bytes(&b, "\xde\xad", 2) == 0, "put bytes");
	ok(buffer_put_zeros(&b, 3) == 0, "put zeros");
	ok(buffer_put_uint(&b, 2, 0xffff1234) == 0, "put_uint keeps low bytes");
	ok(buffer_put_uint(&b, 9, 1) == -1 && buffer_put_uint(&b, 0, 1) == -1,
	    "put_uint widths 0 and 9 refused");
	cmp_mem(b.data, b.len, want, sizeof(want), "written bytes");
	ok(buffer_patch_u16(&b, 1, 0xbeef) == 0 && b.data[1] == 0xbe &&
	    b.data[2] == 0xef, "patch u16 at 1");
	ok(buffer_patch_u32(&b, 21, 1) == 0, "patch u32 ending at the end");
	ok(buffer_patch_u32(&b, 22, 1) == -1, "patch u32 past the end fails");
	ok(buffer_patch_u8(&b, 25, 1) == -1, "patch u8 at len fails");
	ok(buffer_patch_uint(&b, (size_t)-1, 2, 1) == -1,
	    "patch at a huge offset fails (no overflow)");
	is_int(b.len, sizeof(want), "patches do not grow the data");
	bytes_free(&b);
}

/* Fixed regions: every width at the last offset where it fits, one past
 * it (refused, nothing read or written), huge offsets (no overflow in
 * off + width), a zero-length region. */
static void test_fixed(void)
{
	static const uint8_t want[12] = {
		0x7f, 0x12, 0x34, 0xa1, 0xa2, 0xa3, 0xa4, 0xde,
		0xad, 0xbe, 0xef, 0x00,
	};
	uint8_t m[12] = { 0 }, u8 = 0x55;
	uint16_t u16 = 0x5555;
	uint32_t u32 = 0x55555555;
	uint64_t u64 = 0x5555555555555555ULL;

	ok(buffer_write_n8(m, sizeof(m), 0, 0x7f) == 0, "write n8 at 0");
	ok(buffer_write_n16(m, sizeof(m), 1, 0x1234) == 0, "write n16 at 1");
	ok(buffer_write_n32(m, sizeof(m), 3, 0xa1a2a3a4) == 0, "write n32 at 3");
	ok(buffer_write_n32(m, sizeof(m), 7, 0xdeadbeef) == 0,
	    "write n32 at 7");
	cmp_mem(m, sizeof(m), want, sizeof(want), "written big-endian");
	ok(buffer_write_n8(m, sizeof(m), 12, 1) == -1, "write n8 at len fails");
	ok(buffer_write_n16(m, sizeof(m), 11, 1) == -1,
	    "write n16 across the end fails");
	ok(buffer_write_n32(m, sizeof(m), 9, 1) == -1,
	    "write n32 across the end fails");
	ok(buffer_write_n64(m, sizeof(m), 5, 1) == -1,
	    "write n64 across the end fails");
	ok(buffer_write_n16(m, sizeof(m), (size_t)-1, 1) == -1,
	    "write at a huge offset fails (no overflow)");
	cmp_mem(m, sizeof(m), want, sizeof(want), "failed writes wrote nothing");
	ok(buffer_write_n64(m, sizeof(m), 4, 0x0102030405060708ULL) == 0 &&
	    m[4] == 0x01 && m[11] == 0x08, "write n64 ending at the end");
	ok(buffer_write_n8(NULL, 0, 0, 1) == -1, "write into nothing fails");

	ok(buffer_read_n8(data, sizeof(data), 19, &u8) == 0 && u8 == 0x14,
	    "read n8 at the last byte");
	ok(buffer_read_n16(data, sizeof(data), 18, &u16) == 0 &&
	    u16 == 0x1314, "read n16 ending at the end");
	ok(buffer_read_n32(data, sizeof(data), 16, &u32) == 0 &&
	    u32 == 0x11121314, "read n32 ending at the end");
	ok(buffer_read_n64(data, sizeof(data), 12, &u64) == 0 &&
	    u64 == 0x0d0e0f1011121314ULL, "read n64 ending at the end");
	u8 = 0x55;
	u16 = 0x5555;
	u32 = 0x55555555;
	u64 = 0x5555555555555555ULL;
	ok(buffer_read_n8(data, sizeof(data), 20, &u8) == -1 && u8 == 0x55,
	    "read n8 at len fails, value kept");
	ok(buffer_read_n16(data, sizeof(data), 19, &u16) == -1 &&
	    u16 == 0x5555, "read n16 across the end fails, value kept");
	ok(buffer_read_n32(data, sizeof(data), 17, &u32) == -1 &&
	    u32 == 0x55555555, "read n32 across the end fails, value kept");
	ok(buffer_read_n64(data, sizeof(data), 13, &u64) == -1 &&
	    u64 == 0x5555555555555555ULL,
	    "read n64 across the end fails, value kept");
	ok(buffer_read_n32(data, sizeof(data), (size_t)-2, &u32) == -1,
	    "read at a huge offset fails (no overflow)");
	ok(buffer_read_n8(NULL, 0, 0, &u8) == -1, "read from nothing fails");
}

int main(void)
{
	test_gets();
	test_bytes_and_skip();
	test_sub();
	test_writer();
	test_fixed();
	return tap_done();
}
