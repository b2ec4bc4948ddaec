/* pcapfile: write/read round trips over v4/v6 and 500/4500, checksums
 * verified independently, every link type the reader claims, and frames
 * broken in each way the reader names. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "err.h"
#include "pcapfile.h"
#include "tap.h"

static char dir[64];

static const char *tmp_path(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static struct addr ep(const char *addr, uint16_t port)
{
	struct addr e;
	struct err er;

	if (addr_parse(addr, &e, &er) < 0)
		diag("%s", er.text);
	e.port = port;
	return e;
}

/* An IKE-looking message: a header's worth of recognisable bytes. */
static const uint8_t msg[] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0, 0, 0, 0, 0, 0, 0, 0, 0x21, 0x20, 0x22, 0x08,
	0, 0, 0, 0, 0, 0, 0, 0x1d, 0xab,
};

/* The test's own RFC 1071 sum, so the writer's checksum is not checked
 * against itself. */
static unsigned sum16(const uint8_t *p, size_t n, unsigned sum)
{
	for (size_t i = 0; i < n; i++)
		sum += i & 1 ? p[i] : (unsigned)p[i] << 8;
	return sum;
}

static unsigned fold(unsigned sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void check_checksums(const struct bytes *pkt, bool v6, const char *what)
{
	size_t hl = v6 ? 40 : 20, ulen = pkt->len - hl;
	unsigned s = 0;
	uint8_t pseudo[4] = { 0, 17, (uint8_t)(ulen >> 8), (uint8_t)ulen };

	if (!v6)
		is_int(fold(sum16(pkt->data, 20, 0)), 0xffff, "%s: IPv4 header checksum verifies", what);
	s = sum16(pkt->data + (v6 ? 8 : 12), v6 ? 32 : 8, 0);
	s = sum16(pseudo, 4, s);
	s = sum16(pkt->data + hl, ulen, s);
	is_int(fold(s), 0xffff, "%s: UDP checksum verifies", what);
	is_int(pkt->data[hl + 4] << 8 | pkt->data[hl + 5], ulen, "%s: UDP length", what);
	if (v6)
		is_int(pkt->data[4] << 8 | pkt->data[5], ulen, "%s: IPv6 payload length", what);
	else
		is_int(pkt->data[2] << 8 | pkt->data[3], pkt->len, "%s: IPv4 total length", what);
}

struct flow {
	const char *name, *src, *dst;
	uint16_t sport, dport;
	uint64_t ts;
};

static const struct flow flows[] = {
	{ "v4/500", "192.0.2.1", "198.51.100.2", 500, 500, 1700000000123456ull },
	{ "v6/500", "2001:db8::1", "2001:db8::2", 500, 500, 1700000001000001ull },
	{ "v4/4500", "192.0.2.1", "198.51.100.2", 4500, 4500, 1700000002999999ull },
	{ "v6/4500", "2001:db8::1", "2001:db8:1::2", 4500, 4500, 1700000003500000ull },
	{ "v4 500>4500", "198.51.100.7", "192.0.2.9", 500, 4500, 1700000004000000ull },
};
enum { NFLOWS = sizeof(flows) / sizeof(flows[0]) };

static void test_build(void)
{
	struct bytes pkt = BYTES_EMPTY;
	struct err e;

	for (size_t i = 0; i < NFLOWS; i++) {
		struct addr s = ep(flows[i].src, flows[i].sport);
		struct addr d = ep(flows[i].dst, flows[i].dport);
		bool marker = flows[i].sport == 4500 || flows[i].dport == 4500;

		ok(pcapfile_build_udp(&pkt, &s, &d, marker, msg, sizeof(msg), &e) == 0,
		    "%s: build", flows[i].name);
		check_checksums(&pkt, s.family == 6, flows[i].name);
	}
	struct addr s4 = ep("192.0.2.1", 500), d6 = ep("2001:db8::2", 500);
	ok(pcapfile_build_udp(&pkt, &s4, &d6, false, msg, sizeof(msg), &e) < 0 &&
	    strstr(e.text, "famil") != NULL, "mixed families refused: %s", e.text);
	static uint8_t big[65536];
	ok(pcapfile_build_udp(&pkt, &s4, &s4, false, big, 65535 - 28 + 1, &e) < 0,
	    "a message past 65535 bytes of IP refused: %s", e.text);
	ok(pcapfile_build_udp(&pkt, &s4, &s4, false, big, 65535 - 28, &e) == 0,
	    "a message of exactly 65535 bytes of IP accepted");
	bytes_free(&pkt);
}

static void test_round_trip(void)
{
	struct pcapfile_writer *w;
	struct pcapfile_reader *r;
	struct pcapfile_frame f;
	struct err e;
	const char *path = tmp_path("rt.pcap");
	size_t i;

	ok(pcapfile_create(&w, path, &e) == 0, "create %s", path);
	for (i = 0; i < NFLOWS; i++) {
		struct addr s = ep(flows[i].src, flows[i].sport);
		struct addr d = ep(flows[i].dst, flows[i].dport);

		ok(pcapfile_write_ike(w, flows[i].ts, &s, &d, msg, sizeof(msg), &e) == 0,
		    "write %s", flows[i].name);
	}
	ok(pcapfile_close(w, &e) == 0, "close");
	if (!ok(pcapfile_open(&r, path, &e) == 0, "open for reading"))
		return diag("%s", e.text);
	for (i = 0; i < NFLOWS; i++) {
		struct addr s = ep(flows[i].src, flows[i].sport);
		struct addr d = ep(flows[i].dst, flows[i].dport);
		bool marker = flows[i].sport == 4500 || flows[i].dport == 4500;

		if (!is_int(pcapfile_next(r, &f, &e), 1, "%s: a frame", flows[i].name))
			break;
		is_int(f.number, i + 1, "%s: frame number", flows[i].name);
		is_int(f.kind, PCAPFILE_IKE, "%s: kind IKE (%s %s)", flows[i].name,
		    pcapfile_kind_name(f.kind), f.why);
		is_int(f.ts_usec, flows[i].ts, "%s: timestamp to the microsecond", flows[i].name);
		ok(memcmp(&f.src, &s, sizeof(s)) == 0, "%s: source address and port", flows[i].name);
		ok(memcmp(&f.dst, &d, sizeof(d)) == 0, "%s: destination address and port", flows[i].name);
		is_int(f.marker, marker, "%s: non-ESP marker seen where due", flows[i].name);
		cmp_mem(f.msg, f.len, msg, sizeof(msg), "%s: message bytes", flows[i].name);
	}
	is_int(pcapfile_next(r, &f, &e), 0, "then the end");
	pcapfile_free(r);

	char text[ADDR_TEXT_MAX];
	struct addr x = ep("2001:db8::1", 4500);
	addr_format_port(&x, text);
	ok(strcmp(text, "[2001:db8::1]:4500") == 0, "format v6: %s", text);
	x = ep("192.0.2.1", 500);
	addr_format_port(&x, text);
	ok(strcmp(text, "192.0.2.1:500") == 0, "format v4: %s", text);
	ok(addr_parse("192.0.2.300", &x, &e) < 0 &&
	    strstr(e.text, "192.0.2.300") != NULL, "bad address named: %s", e.text);
}

/* Broken frames, each with the kind the reader must name. */
struct broken {
	const char *name;
	enum pcapfile_kind kind;
	size_t keep;			/* captured bytes; 0 = all */
	void (*mutate)(struct bytes *pkt);
	bool v6, natt;
	const uint8_t *payload;
	size_t plen;
};

static void m_none(struct bytes *p) { (void)p; }
static void m_ihl4(struct bytes *p) { p->data[0] = 0x44; }
static void m_ihl15(struct bytes *p) { p->data[0] = 0x4f; }
static void m_total_big(struct bytes *p) { p->data[2] = 0x01; }	/* +256 */
static void m_total_small(struct bytes *p) { p->data[2] = 0; p->data[3] = 10; }
static void m_udp_big(struct bytes *p) { p->data[20 + 4] += 1; }
static void m_udp_small(struct bytes *p) { p->data[20 + 4] = 0; p->data[20 + 5] = 4; }
static void m_udp_short_by_one(struct bytes *p) { p->data[20 + 5] -= 1; }
static void m_frag_mf(struct bytes *p) { p->data[6] = 0x20; }
static void m_frag_off(struct bytes *p) { p->data[6] = 0x00; p->data[7] = 0x10; }
static void m_tcp(struct bytes *p) { p->data[9] = 6; }
static void m_dns(struct bytes *p) { p->data[20 + 1] = 53; p->data[20 + 3] = 53; }
static void m_v6_len_big(struct bytes *p) { p->data[4] += 1; }
static void m_version5(struct bytes *p) { p->data[0] = 0x55; }

static const uint8_t keepalive[] = { 0xff };
static const uint8_t esp[] = { 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0xaa, 0xbb };
static const uint8_t two[] = { 0, 0 };
/* Long enough that an IHL of 15 lands inside it (zero "ports"). */
static const uint8_t zeros[96];

static const struct broken broken[] = {
	{ "truncated frame", PCAPFILE_TRUNCATED, 40, m_none, false, false, msg, sizeof(msg) },
	{ "truncated inside the IP header", PCAPFILE_TRUNCATED, 12, m_none, false, false, msg, sizeof(msg) },
	{ "truncated v6", PCAPFILE_TRUNCATED, 50, m_none, true, false, msg, sizeof(msg) },
	{ "IP header length 16", PCAPFILE_BAD_IP_HLEN, 0, m_ihl4, false, false, msg, sizeof(msg) },
	{ "IP header length 60 > frame", PCAPFILE_BAD_IP_HLEN, 0, m_ihl15, false, true, two, 0 },
	{ "IP header length 60 inside the frame", PCAPFILE_BAD_IP_CHECKSUM, 0, m_ihl15, false, false, zeros, sizeof(zeros) },
	{ "IP total length > frame", PCAPFILE_BAD_IP_LEN, 0, m_total_big, false, false, msg, sizeof(msg) },
	{ "IP total length < header", PCAPFILE_BAD_IP_LEN, 0, m_total_small, false, false, msg, sizeof(msg) },
	{ "IPv6 payload length > frame", PCAPFILE_BAD_IP_LEN, 0, m_v6_len_big, true, false, msg, sizeof(msg) },
	{ "UDP length lie (+256)", PCAPFILE_BAD_UDP_LEN, 0, m_udp_big, false, false, msg, sizeof(msg) },
	{ "UDP length 4", PCAPFILE_BAD_UDP_LEN, 0, m_udp_small, false, false, msg, sizeof(msg) },
	{ "UDP length one short", PCAPFILE_BAD_UDP_LEN, 0, m_udp_short_by_one, false, false, msg, sizeof(msg) },
	{ "first fragment", PCAPFILE_FRAGMENT, 0, m_frag_mf, false, false, msg, sizeof(msg) },
	{ "later fragment", PCAPFILE_FRAGMENT, 0, m_frag_off, false, false, msg, sizeof(msg) },
	{ "NAT keepalive", PCAPFILE_KEEPALIVE, 0, m_none, false, true, keepalive, sizeof(keepalive) },
	{ "ESP in UDP", PCAPFILE_ESP_IN_UDP, 0, m_none, false, true, esp, sizeof(esp) },
	{ "2 bytes on 4500", PCAPFILE_SHORT_NATT, 0, m_none, false, true, two, sizeof(two) },
	{ "TCP", PCAPFILE_NOT_UDP, 0, m_tcp, false, false, msg, sizeof(msg) },
	{ "DNS", PCAPFILE_OTHER_PORT, 0, m_dns, false, false, msg, sizeof(msg) },
	{ "IP version 5", PCAPFILE_NOT_IP, 0, m_version5, false, false, msg, sizeof(msg) },
};
enum { NBROKEN = sizeof(broken) / sizeof(broken[0]) };

/* Raw (not marker-added) payloads: keepalive and ESP are written as UDP
 * payload as they are, so pcapfile_build_udp gets marker=false. */
static int build_broken(const struct broken *b, struct bytes *pkt)
{
	struct addr s = ep(b->v6 ? "2001:db8::1" : "192.0.2.1", b->natt ? 4500 : 500);
	struct addr d = ep(b->v6 ? "2001:db8::2" : "198.51.100.2", b->natt ? 4500 : 500);
	struct err e;

	if (pcapfile_build_udp(pkt, &s, &d, false, b->payload, b->plen, &e) < 0)
		return -1;
	b->mutate(pkt);
	return 0;
}

static void test_broken(void)
{
	const char *path = tmp_path("broken.pcap");
	struct bytes pkt = BYTES_EMPTY;
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	struct pcapfile_reader *r;
	struct pcapfile_frame f;
	struct err e;
	size_t i;

	if (!ok(d != NULL, "open a pcap for broken frames"))
		return;
	/* Written with libpcap directly: only this way can caplen < len. */
	for (i = 0; i < NBROKEN; i++) {
		struct pcap_pkthdr h = { .ts = { (time_t)i, 0 } };

		build_broken(&broken[i], &pkt);
		h.len = (bpf_u_int32)pkt.len;
		h.caplen = broken[i].keep ? (bpf_u_int32)broken[i].keep : h.len;
		pcap_dump((u_char *)d, &h, pkt.data);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	if (!ok(pcapfile_open(&r, path, &e) == 0, "reopen"))
		return;
	for (i = 0; i < NBROKEN; i++) {
		if (pcapfile_next(r, &f, &e) != 1) {
			ok(0, "%s: frame missing: %s", broken[i].name, e.text);
			continue;
		}
		if (!is_int(f.kind, broken[i].kind, "%s: %s (%s)", broken[i].name,
		    pcapfile_kind_name(broken[i].kind), f.why))
			diag("got %s: %s", pcapfile_kind_name(f.kind), f.why);
		ok(f.kind == PCAPFILE_IKE || f.why[0] != 0, "%s: reason text given", broken[i].name);
		is_int(pcapfile_kind_ignored(f.kind),
		    broken[i].kind == PCAPFILE_KEEPALIVE || broken[i].kind == PCAPFILE_ESP_IN_UDP ||
		    broken[i].kind == PCAPFILE_NOT_UDP || broken[i].kind == PCAPFILE_OTHER_PORT ||
		    broken[i].kind == PCAPFILE_NOT_IP,
		    "%s: ignored only if it is other traffic", broken[i].name);
	}
	is_int(pcapfile_next(r, &f, &e), 0, "end of the broken file");
	pcapfile_free(r);
	bytes_free(&pkt);
}

/* The same IKE packet behind every link header the reader supports. */
static void test_links(void)
{
	struct bytes ip4 = BYTES_EMPTY, ip6 = BYTES_EMPTY, frame = BYTES_EMPTY;
	struct addr s4 = ep("192.0.2.1", 500), d4 = ep("198.51.100.2", 500);
	struct addr s6 = ep("2001:db8::1", 4500), d6 = ep("2001:db8::2", 4500);
	struct pcapfile_frame f;
	struct err e;
	static const struct {
		const char *name;
		int dlt;
		uint8_t hdr4[24], hdr6[24];
		size_t hlen;
	} links[] = {
		{ "Ethernet", DLT_EN10MB, { 2,0,0,0,0,1, 2,0,0,0,0,2, 0x08,0x00 },
		  { 2,0,0,0,0,1, 2,0,0,0,0,2, 0x86,0xdd }, 14 },
		{ "Ethernet+802.1Q", DLT_EN10MB, { 2,0,0,0,0,1, 2,0,0,0,0,2, 0x81,0,0,5, 0x08,0x00 },
		  { 2,0,0,0,0,1, 2,0,0,0,0,2, 0x81,0,0,5, 0x86,0xdd }, 18 },
		{ "Linux SLL", DLT_LINUX_SLL, { 0,0, 0,1, 0,6, 2,0,0,0,0,1,0,0, 0x08,0x00 },
		  { 0,0, 0,1, 0,6, 2,0,0,0,0,1,0,0, 0x86,0xdd }, 16 },
		{ "Linux SLL2", DLT_LINUX_SLL2, { 0x08,0x00, 0,0, 0,0,0,2, 0,1, 0, 6, 2,0,0,0,0,1,0,0 },
		  { 0x86,0xdd, 0,0, 0,0,0,2, 0,1, 0, 6, 2,0,0,0,0,1,0,0 }, 20 },
		{ "BSD null (little-endian writer)", DLT_NULL, { 2,0,0,0 }, { 30,0,0,0 }, 4 },
		{ "BSD null (Linux AF_INET6)", DLT_NULL, { 0,0,0,2 }, { 0,0,0,10 }, 4 },
		{ "OpenBSD loop", DLT_LOOP, { 0,0,0,2 }, { 0,0,0,24 }, 4 },
		{ "raw IP", DLT_RAW, { 0 }, { 0 }, 0 },
	};

	pcapfile_build_udp(&ip4, &s4, &d4, false, msg, sizeof(msg), &e);
	pcapfile_build_udp(&ip6, &s6, &d6, true, msg, sizeof(msg), &e);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		for (int v = 4; v <= 6; v += 2) {
			const struct bytes *ip = v == 4 ? &ip4 : &ip6;

			bytes_set(&frame, v == 4 ? links[i].hdr4 : links[i].hdr6, links[i].hlen);
			bytes_append(&frame, ip->data, ip->len);
			pcapfile_parse_frame(links[i].dlt, frame.data, frame.len, frame.len, &f);
			is_int(f.kind, PCAPFILE_IKE, "%s IPv%d: IKE (%s)", links[i].name, v, f.why);
			cmp_mem(f.msg, f.len, msg, sizeof(msg), "%s IPv%d: message", links[i].name, v);
			/* Every shorter capture is named, never read past. */
			size_t named = 0;
			for (size_t k = 0; k < frame.len; k++) {
				pcapfile_parse_frame(links[i].dlt, frame.data, k, frame.len, &f);
				named += f.kind == PCAPFILE_TRUNCATED;
			}
			is_int(named, frame.len, "%s IPv%d: each of %zu truncations is TRUNCATED",
			    links[i].name, v, frame.len);
		}
	}
	uint8_t arp[] = { 2,0,0,0,0,1, 2,0,0,0,0,2, 0x08,0x06, 0,1 };
	pcapfile_parse_frame(DLT_EN10MB, arp, sizeof(arp), sizeof(arp), &f);
	is_int(f.kind, PCAPFILE_NOT_IP, "ARP is not IP (%s)", f.why);
	bytes_free(&ip4);
	bytes_free(&ip6);
	bytes_free(&frame);
}

/* IPv6 extension headers: walked, atomic fragment passed, real fragment
 * named, a header running past the packet named. */
static void test_ipv6_ext(void)
{
	struct bytes ip = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct addr s = ep("2001:db8::1", 500), d = ep("2001:db8::2", 500);
	struct pcapfile_frame f;
	struct err e;
	uint8_t ext[16] = { 44, 0 };	/* dest options (8) then fragment (8) */
	uint8_t frag[8] = { 17, 0, 0, 0, 0, 0, 0, 7 };

	pcapfile_build_udp(&ip, &s, &d, false, msg, sizeof(msg), &e);
	memcpy(ext + 8, frag, 8);
	bytes_set(&pkt, ip.data, 40);
	pkt.data[6] = 60;
	pkt.data[5] += 16;
	bytes_append(&pkt, ext, 16);
	bytes_append(&pkt, ip.data + 40, ip.len - 40);
	pcapfile_parse_frame(DLT_RAW, pkt.data, pkt.len, pkt.len, &f);
	is_int(f.kind, PCAPFILE_IKE, "v6 dest options + atomic fragment: IKE (%s)", f.why);
	cmp_mem(f.msg, f.len, msg, sizeof(msg), "v6 with extension headers: message");
	pkt.data[40 + 8 + 3] = 1;	/* M flag */
	pcapfile_parse_frame(DLT_RAW, pkt.data, pkt.len, pkt.len, &f);
	is_int(f.kind, PCAPFILE_FRAGMENT, "v6 fragment header with M: FRAGMENT (%s)", f.why);
	pkt.data[40 + 1] = 200;		/* dest options claims 1608 bytes */
	pcapfile_parse_frame(DLT_RAW, pkt.data, pkt.len, pkt.len, &f);
	is_int(f.kind, PCAPFILE_BAD_IP_EXT, "v6 extension header past the packet (%s)", f.why);
	bytes_free(&ip);
	bytes_free(&pkt);
}

/* Every byte of a valid frame flipped to a few values, under ASan: the
 * parser never reads out of bounds and an IKE result lies inside. */
static void test_mutation_sweep(void)
{
	struct bytes ip = BYTES_EMPTY;
	struct addr s = ep("192.0.2.1", 4500), d = ep("198.51.100.2", 4500);
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff };
	struct pcapfile_frame f;
	struct err e;
	size_t bad = 0, runs = 0;

	pcapfile_build_udp(&ip, &s, &d, true, msg, sizeof(msg), &e);
	for (size_t i = 0; i < ip.len; i++) {
		uint8_t save = ip.data[i];

		for (size_t v = 0; v < sizeof(values); v++) {
			/* A copy of exactly the frame's size so ASan sees overruns. */
			uint8_t *copy = malloc(ip.len);

			memcpy(copy, ip.data, ip.len);
			copy[i] = values[v];
			pcapfile_parse_frame(DLT_RAW, copy, ip.len, ip.len, &f);
			runs++;
			if (f.kind == PCAPFILE_IKE &&
			    (f.msg < copy || f.msg + f.len > copy + ip.len))
				bad++;
			free(copy);
		}
		ip.data[i] = save;
	}
	is_int(bad, 0, "mutation sweep: %zu frames, every IKE result inside its frame", runs);
	bytes_free(&ip);
}

static void test_bad_files(void)
{
	struct pcapfile_reader *r;
	struct pcapfile_frame f;
	struct err e;
	const char *path = tmp_path("notpcap");
	FILE *fp = fopen(path, "w");

	fputs("this is not a pcap\n", fp);
	fclose(fp);
	ok(pcapfile_open(&r, path, &e) < 0 && strstr(e.text, path) != NULL,
	    "a text file is refused, named: %s", e.text);
	ok(pcapfile_open(&r, tmp_path("missing"), &e) < 0 && strstr(e.text, "missing") != NULL,
	    "a missing file is refused, named: %s", e.text);

	/* A record header promising more bytes than the file holds. */
	struct pcapfile_writer *w;
	struct addr s = ep("192.0.2.1", 500), d = ep("198.51.100.2", 500);
	const char *cut = tmp_path("cut.pcap");
	pcapfile_create(&w, cut, &e);
	pcapfile_write_ike(w, 1, &s, &d, msg, sizeof(msg), &e);
	pcapfile_write_ike(w, 2, &s, &d, msg, sizeof(msg), &e);
	pcapfile_close(w, &e);
	if (truncate(cut, 24 + 16 + 57 + 16 + 10) != 0)
		diag("truncate failed");
	ok(pcapfile_open(&r, cut, &e) == 0, "cut file opens");
	is_int(pcapfile_next(r, &f, &e), 1, "its first record reads");
	ok(pcapfile_next(r, &f, &e) == -1 && strstr(e.text, "after frame 1") != NULL,
	    "its cut record is an error naming where: %s", e.text);
	pcapfile_free(r);

	/* A link type the reader does not know is refused up front. */
	pcap_t *dead = pcap_open_dead(DLT_IEEE802_11, 65535);
	const char *wifi = tmp_path("wifi.pcap");
	pcap_dumper_t *dd = pcap_dump_open(dead, wifi);
	pcap_dump_close(dd);
	pcap_close(dead);
	ok(pcapfile_open(&r, wifi, &e) < 0 && strstr(e.text, "not supported") != NULL,
	    "802.11 link type refused: %s", e.text);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/iketest-pcapfile-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return tap_done();
	}
	test_build();
	test_round_trip();
	test_broken();
	test_links();
	test_ipv6_ext();
	test_mutation_sweep();
	test_bad_files();
	const char *names[] = { "rt.pcap", "broken.pcap", "notpcap", "cut.pcap", "wifi.pcap" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(tmp_path(names[i]));
	rmdir(dir);
	return tap_done();
}
