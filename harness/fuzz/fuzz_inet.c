/* fuzz_inet: arbitrary bytes as a whole IP packet and, with the first
 * byte choosing protocol and family, as a transport part. Beyond "no
 * fault": every view the parser returns lies inside the input, a parsed
 * packet builds again (its lengths came from fields that fit), and the
 * built packet parses back to the same fields with good checksums and
 * builds to the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "inet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_inet: %s\n", what);
		abort();
	}
}

static bool same(const struct inet_pkt *a, const struct inet_pkt *b)
{
	return addr_equal(&a->src, &b->src) &&
	    addr_equal(&a->dst, &b->dst) && a->proto == b->proto &&
	    a->sport == b->sport && a->dport == b->dport &&
	    a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code &&
	    a->icmp_id == b->icmp_id && a->icmp_seq == b->icmp_seq &&
	    a->data_len == b->data_len &&
	    (a->data_len == 0 || memcmp(a->data, b->data, a->data_len) == 0);
}

/* p came from parsing [data, data+size): check it, build it, parse the
 * build, build again. */
static void rebuild(const struct inet_pkt *p, const uint8_t *data,
    size_t size, bool whole)
{
	struct bytes b1 = BYTES_EMPTY, b2 = BYTES_EMPTY;
	struct inet_pkt q;
	struct err e;
	int rc;

	check(p->data_len <= size && (p->data_len == 0 ||
	    (p->data >= data && (size_t)(p->data - data) <= size -
	    p->data_len)), "data outside the input");
	check(!whole || p->ip_len <= size, "ip_len beyond the input");
	rc = whole ? inet_build_ip(p, &b1, &e) : inet_build_l4(p, &b1, &e);
	check(rc == 0, "a parsed packet does not build");
	rc = whole ? inet_parse_ip(b1.data, b1.len, &q, &e) :
	    inet_parse_l4(p->proto, &p->src, &p->dst, b1.data, b1.len, &q,
	    &e);
	check(rc == 0, "a built packet does not parse");
	check(same(p, &q), "fields changed through build and parse");
	check(q.checksum_ok, "a built packet has a bad checksum");
	check(!whole || q.ip_len == b1.len, "ip_len is not the built length");
	rc = whole ? inet_build_ip(&q, &b2, &e) : inet_build_l4(&q, &b2, &e);
	check(rc == 0 && b1.len == b2.len &&
	    memcmp(b1.data, b2.data, b1.len) == 0,
	    "building twice gives other bytes");
	bytes_free(&b1);
	bytes_free(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned protos[] = { INET_PROTO_UDP, INET_PROTO_ICMP,
	    INET_PROTO_ICMPV6, 6 };
	struct addr s4 = { .family = 4, .ip = { 192, 0, 2, 1 } },
	    d4 = { .family = 4, .ip = { 198, 51, 100, 2 } },
	    s6 = { .family = 6, .ip = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	    d6 = { .family = 6, .ip = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
	struct inet_pkt p;
	struct err e;
	bool v6;

	if (inet_parse_ip(data, size, &p, &e) == 0)
		rebuild(&p, data, size, true);
	if (size == 0)
		return 0;
	v6 = data[0] & 4;
	if (inet_parse_l4(protos[data[0] & 3], v6 ? &s6 : &s4,
	    v6 ? &d6 : &d4, data + 1, size - 1, &p, &e) == 0)
		rebuild(&p, data + 1, size - 1, false);
	return 0;
}
