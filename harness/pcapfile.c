#include "pcapfile.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "bytes.h"
#include "err.h"
#include "inet.h"

enum {
	PCAPFILE_SNAPLEN = 262144,
	IPV4_HLEN = 20,
	IPV6_HLEN = 40,
	UDP_HLEN = 8,
	NON_ESP_MARKER_LEN = 4,
	IPPROTO_UDP_NUM = 17,
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
};

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

/* ---------------------------------------------------------------- names */

static const struct {
	const char *name;
	const char *text;
} pcapfile_kinds[PCAPFILE_KIND_COUNT] = {
#define X(sym, text) [PCAPFILE_##sym] = { #sym, text },
	PCAPFILE_KINDS(X)
#undef X
};

const char *pcapfile_kind_name(enum pcapfile_kind k)
{
	return (unsigned)k < PCAPFILE_KIND_COUNT ? pcapfile_kinds[k].name : "?";
}

const char *pcapfile_kind_text(enum pcapfile_kind k)
{
	return (unsigned)k < PCAPFILE_KIND_COUNT ? pcapfile_kinds[k].text : "?";
}

bool pcapfile_kind_ignored(enum pcapfile_kind k)
{
	return k == PCAPFILE_NOT_IP || k == PCAPFILE_NOT_UDP ||
	    k == PCAPFILE_OTHER_PORT || k == PCAPFILE_KEEPALIVE ||
	    k == PCAPFILE_ESP_IN_UDP;
}

/* -------------------------------------------------------------- writing */

struct pcapfile_writer {
	pcap_t *pcap;
	pcap_dumper_t *dumper;
	struct bytes packet;
};

/* The packet is inet's UDP over IPv4 or IPv6 (DF, TTL 64, checksums);
 * only the limits and the non-ESP marker are pcapfile's own. */
int pcapfile_build_udp(struct bytes *out, const struct addr *src,
    const struct addr *dst, bool marker, const uint8_t *payload,
    size_t len, struct err *e)
{
	static const uint8_t zeros[NON_ESP_MARKER_LEN];
	struct bytes data = BYTES_EMPTY;
	struct inet_pkt pkt;
	size_t hlen, ulen;
	int rc;

	if ((src->family != 4 && src->family != 6) || src->family != dst->family)
		return err_set(e, "%s: address families differ or are unset (%u, %u)",
		    __func__, src->family, dst->family);
	hlen = src->family == 4 ? IPV4_HLEN : IPV6_HLEN;
	ulen = UDP_HLEN + (marker ? NON_ESP_MARKER_LEN : 0);
	if (len > 65535 - hlen - ulen)
		return err_set(e, "%s: message too long for one UDP packet (%zu > %zu)",
		    __func__, len, 65535 - hlen - ulen);
	if ((marker && bytes_append(&data, zeros, sizeof(zeros)) < 0) ||
	    (len && bytes_append(&data, payload, len) < 0)) {
		bytes_free(&data);
		return err_set(e, "%s: out of memory", __func__);
	}
	memset(&pkt, 0, sizeof(pkt));
	pkt.src = *src;
	pkt.dst = *dst;
	pkt.proto = INET_PROTO_UDP;
	pkt.sport = src->port;
	pkt.dport = dst->port;
	pkt.data = data.data;
	pkt.data_len = data.len;
	out->len = 0;
	rc = inet_build_ip(&pkt, out, e);
	bytes_free(&data);
	return rc;
}

int pcapfile_create(struct pcapfile_writer **w, const char *path,
    struct err *e)
{
	struct pcapfile_writer *nw;

	*w = NULL;
	nw = calloc(1, sizeof(*nw));
	if (nw == NULL)
		return err_set(e, "%s: out of memory", path);
	nw->pcap = pcap_open_dead_with_tstamp_precision(DLT_RAW,
	    PCAPFILE_SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO);
	if (nw->pcap == NULL) {
		free(nw);
		return err_set(e, "%s: pcap_open_dead failed", path);
	}
	nw->dumper = pcap_dump_open(nw->pcap, path);
	if (nw->dumper == NULL) {
		err_set(e, "%s", pcap_geterr(nw->pcap));
		pcap_close(nw->pcap);
		free(nw);
		return -1;
	}
	*w = nw;
	return 0;
}

int pcapfile_write_frame(struct pcapfile_writer *w, uint64_t ts_usec,
    const uint8_t *pkt, size_t len, struct err *e)
{
	struct pcap_pkthdr h;

	if (len > PCAPFILE_SNAPLEN)
		return err_set(e, "%s: frame longer than the snap length (%zu > %d)",
		    __func__, len, PCAPFILE_SNAPLEN);
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(ts_usec / 1000000);
	h.ts.tv_usec = (suseconds_t)(ts_usec % 1000000);
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)w->dumper, &h, pkt);
	return 0;
}

int pcapfile_write_ike(struct pcapfile_writer *w, uint64_t ts_usec,
    const struct addr *src, const struct addr *dst,
    const uint8_t *msg, size_t len, struct err *e)
{
	bool marker = src->port == PCAPFILE_PORT_NATT ||
	    dst->port == PCAPFILE_PORT_NATT;

	if (pcapfile_build_udp(&w->packet, src, dst, marker, msg, len, e) < 0)
		return -1;
	return pcapfile_write_frame(w, ts_usec, w->packet.data, w->packet.len, e);
}

int pcapfile_close(struct pcapfile_writer *w, struct err *e)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	if (pcap_dump_flush(w->dumper) < 0 || ferror(pcap_dump_file(w->dumper)))
		rc = err_set(e, "%s: could not write the pcap file", __func__);
	pcap_dump_close(w->dumper);
	pcap_close(w->pcap);
	bytes_free(&w->packet);
	free(w);
	return rc;
}

/* -------------------------------------------------------------- parsing */

static void frame_set(struct pcapfile_frame *f, enum pcapfile_kind kind,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void frame_set(struct pcapfile_frame *f, enum pcapfile_kind kind,
    const char *fmt, ...)
{
	va_list ap;

	f->kind = kind;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

/* A region that ends short of what a length field claims is the capture's
 * fault when the capture cut the frame, the sender's fault otherwise. */
static void frame_short(struct pcapfile_frame *f, bool truncated,
    enum pcapfile_kind bad, const char *what, size_t claimed, size_t have)
{
	if (truncated)
		frame_set(f, PCAPFILE_TRUNCATED, "%s needs %zu bytes, the capture kept %zu",
		    what, claimed, have);
	else
		frame_set(f, bad, "%s of %zu bytes runs past the frame's %zu",
		    what, claimed, have);
}

/* After the UDP header: port 500 is plain IKE; 4500 carries IKE behind a
 * zero non-ESP marker, or ESP, or a keepalive (RFC 3948 2.2, 2.3). */
static void parse_udp_payload(const uint8_t *p, size_t len,
    struct pcapfile_frame *f)
{
	uint32_t spi = 0;

	if (f->src.port != PCAPFILE_PORT_NATT && f->dst.port != PCAPFILE_PORT_NATT) {
		f->msg = p;
		f->len = len;
		frame_set(f, PCAPFILE_IKE, "%s", "");
		return;
	}
	if (len == 1 && p[0] == 0xff) {
		frame_set(f, PCAPFILE_KEEPALIVE, "one 0xff byte");
		return;
	}
	if (len < NON_ESP_MARKER_LEN) {
		frame_set(f, PCAPFILE_SHORT_NATT, "%zu bytes < %d", len,
		    NON_ESP_MARKER_LEN);
		return;
	}
	buffer_read_n32(p, len, 0, &spi);
	if (spi != 0) {
		frame_set(f, PCAPFILE_ESP_IN_UDP, "SPI 0x%08x", spi);
		return;
	}
	f->marker = true;
	f->msg = p + NON_ESP_MARKER_LEN;
	f->len = len - NON_ESP_MARKER_LEN;
	frame_set(f, PCAPFILE_IKE, "%s", "");
}

/* p: the IP payload as captured (have bytes) of an IP payload length of
 * claimed bytes. */
static void parse_udp(const uint8_t *p, size_t have, size_t claimed,
    bool truncated, struct pcapfile_frame *f)
{
	size_t ulen;
	uint16_t ulen16 = 0;

	if (claimed < UDP_HLEN) {
		frame_set(f, PCAPFILE_BAD_UDP_LEN,
		    "IP payload shorter than a UDP header (%zu < %d)",
		    claimed, UDP_HLEN);
		return;
	}
	if (have < UDP_HLEN) {
		frame_short(f, truncated, PCAPFILE_BAD_IP_LEN, "UDP header",
		    UDP_HLEN, have);
		return;
	}
	buffer_read_n16(p, have, 0, &f->src.port);
	buffer_read_n16(p, have, 2, &f->dst.port);
	if (f->src.port != PCAPFILE_PORT_IKE && f->dst.port != PCAPFILE_PORT_IKE &&
	    f->src.port != PCAPFILE_PORT_NATT && f->dst.port != PCAPFILE_PORT_NATT) {
		frame_set(f, PCAPFILE_OTHER_PORT, "ports %u > %u", f->src.port,
		    f->dst.port);
		return;
	}
	if (claimed > have) {
		frame_short(f, truncated, PCAPFILE_BAD_IP_LEN, "IP payload",
		    claimed, have);
		return;
	}
	buffer_read_n16(p, have, 4, &ulen16);
	ulen = ulen16;
	if (ulen < UDP_HLEN) {
		frame_set(f, PCAPFILE_BAD_UDP_LEN,
		    "UDP length shorter than its header (%zu < %d)", ulen, UDP_HLEN);
		return;
	}
	if (ulen != claimed) {
		frame_set(f, PCAPFILE_BAD_UDP_LEN,
		    "UDP length %zu differs from the IP payload length %zu",
		    ulen, claimed);
		return;
	}
	parse_udp_payload(p + UDP_HLEN, ulen - UDP_HLEN, f);
}

static void parse_ipv4(const uint8_t *p, size_t have, bool truncated,
    struct pcapfile_frame *f)
{
	size_t hlen, total;
	uint16_t total16 = 0, id = 0, frag = 0;

	if (have < IPV4_HLEN) {
		frame_short(f, truncated, PCAPFILE_BAD_IP_HLEN, "IPv4 header",
		    IPV4_HLEN, have);
		return;
	}
	if (p[0] >> 4 != 4) {
		frame_set(f, PCAPFILE_BAD_IP_VERSION, "version %u where 4 was due",
		    p[0] >> 4);
		return;
	}
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < IPV4_HLEN) {
		frame_set(f, PCAPFILE_BAD_IP_HLEN,
		    "IPv4 header length %zu shorter than the minimum %d",
		    hlen, IPV4_HLEN);
		return;
	}
	if (hlen > have) {
		frame_short(f, truncated, PCAPFILE_BAD_IP_HLEN, "IPv4 header",
		    hlen, have);
		return;
	}
	/* Options make the header longer than the minimum: its checksum then
	 * tells a real one (RFC 791 3.1) from an IHL bent to 15, which would
	 * read UDP from inside the datagram and drop it as not IKE. */
	if (hlen > IPV4_HLEN && inet_sum_fold(inet_sum(0, p, hlen)) != 0) {
		frame_set(f, PCAPFILE_BAD_IP_CHECKSUM,
		    "IPv4 header checksum does not match its %zu-byte header "
		    "(IHL %zu)", hlen, hlen / 4);
		return;
	}
	buffer_read_n16(p, have, 2, &total16);
	total = total16;
	if (total < hlen) {
		frame_set(f, PCAPFILE_BAD_IP_LEN,
		    "IPv4 total length %zu shorter than its header length %zu",
		    total, hlen);
		return;
	}
	f->src.family = f->dst.family = 4;
	memcpy(f->src.ip, p + 12, 4);
	memcpy(f->dst.ip, p + 16, 4);
	if (p[9] != IPPROTO_UDP_NUM) {
		frame_set(f, PCAPFILE_NOT_UDP, "IP protocol %u", p[9]);
		return;
	}
	/* Inside the IPV4_HLEN checked above. */
	buffer_read_n16(p, have, 4, &id);
	buffer_read_n16(p, have, 6, &frag);
	if (frag & 0x3fff) {
		frame_set(f, PCAPFILE_FRAGMENT, "IPv4 id 0x%04x offset %u%s",
		    id, (frag & 0x1fff) * 8,
		    frag & 0x2000 ? ", more fragments" : ", last");
		return;
	}
	/* Bytes past the total length are link padding, not data. */
	parse_udp(p + hlen, (total < have ? total : have) - hlen, total - hlen,
	    truncated, f);
}

/* Walks hop-by-hop, routing and destination options headers to UDP. An
 * atomic fragment header (offset 0, no more) is no fragmentation. */
static void parse_ipv6(const uint8_t *p, size_t have, bool truncated,
    struct pcapfile_frame *f)
{
	size_t total, off = IPV6_HLEN, end;
	uint16_t plen = 0, fo = 0;
	uint32_t id = 0;
	uint8_t next;

	if (have < IPV6_HLEN) {
		frame_short(f, truncated, PCAPFILE_BAD_IP_HLEN, "IPv6 header",
		    IPV6_HLEN, have);
		return;
	}
	if (p[0] >> 4 != 6) {
		frame_set(f, PCAPFILE_BAD_IP_VERSION, "version %u where 6 was due",
		    p[0] >> 4);
		return;
	}
	f->src.family = f->dst.family = 6;
	memcpy(f->src.ip, p + 8, 16);
	memcpy(f->dst.ip, p + 24, 16);
	buffer_read_n16(p, have, 4, &plen);
	total = IPV6_HLEN + (size_t)plen;
	end = total < have ? total : have;
	next = p[6];
	for (;;) {
		size_t elen;

		if (next == IPPROTO_UDP_NUM)
			break;
		if (next != 0 && next != 43 && next != 60 && next != 44) {
			frame_set(f, PCAPFILE_NOT_UDP, "IPv6 next header %u", next);
			return;
		}
		if (end - off < 8) {
			frame_short(f, truncated && total > have, PCAPFILE_BAD_IP_EXT,
			    "IPv6 extension header", 8, end - off);
			return;
		}
		elen = next == 44 ? 8 : ((size_t)p[off + 1] + 1) * 8;
		if (elen > end - off) {
			frame_short(f, truncated && total > have, PCAPFILE_BAD_IP_EXT,
			    "IPv6 extension header", elen, end - off);
			return;
		}
		if (next == 44)
			buffer_read_n16(p, end, off + 2, &fo);
		if (next == 44 && (fo & 0xfff9) != 0) {
			buffer_read_n32(p, end, off + 4, &id);
			frame_set(f, PCAPFILE_FRAGMENT,
			    "IPv6 id 0x%08x offset %u%s", id,
			    (unsigned)(fo & 0xfff8),
			    fo & 1 ? ", more fragments" : ", last");
			return;
		}
		next = p[off];
		off += elen;
	}
	parse_udp(p + off, end - off, total - off, truncated, f);
}

static void parse_ip(const uint8_t *p, size_t have, bool truncated,
    int version, struct pcapfile_frame *f)
{
	if (version == 0) {
		if (have < 1) {
			frame_short(f, truncated, PCAPFILE_BAD_IP_HLEN, "IP header",
			    1, have);
			return;
		}
		version = p[0] >> 4;
	}
	if (version == 4)
		parse_ipv4(p, have, truncated, f);
	else if (version == 6)
		parse_ipv6(p, have, truncated, f);
	else
		frame_set(f, PCAPFILE_NOT_IP, "IP version %d", version);
}

static void parse_ethertype(unsigned type, const uint8_t *p, size_t have,
    bool truncated, struct pcapfile_frame *f)
{
	if (type == ETHERTYPE_IPV4)
		parse_ip(p, have, truncated, 4, f);
	else if (type == ETHERTYPE_IPV6)
		parse_ip(p, have, truncated, 6, f);
	else
		frame_set(f, PCAPFILE_NOT_IP, "ethertype 0x%04x", type);
}

static void parse_ethernet(const uint8_t *p, size_t have, bool truncated,
    struct pcapfile_frame *f)
{
	size_t off = 12;
	uint16_t type = 0;

	if (have < 14) {
		frame_short(f, truncated, PCAPFILE_BAD_LINK, "Ethernet header",
		    14, have);
		return;
	}
	buffer_read_n16(p, have, off, &type);
	/* 802.1Q, 802.1ad and the older QinQ tag: 4 bytes each. */
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		off += 4;
		if (have < off + 2) {
			frame_short(f, truncated, PCAPFILE_BAD_LINK,
			    "VLAN-tagged Ethernet header", off + 2, have);
			return;
		}
		buffer_read_n16(p, have, off, &type);
	}
	off += 2;
	parse_ethertype(type, p + off, have - off, truncated, f);
}

/* DLT_NULL carries the writer's host-order AF_ value; DLT_LOOP network
 * order. AF_INET is 2 everywhere, AF_INET6 differs per system. */
static void parse_null(const uint8_t *p, size_t have, bool truncated,
    bool network_order, struct pcapfile_frame *f)
{
	uint32_t af = 0;

	if (have < 4) {
		frame_short(f, truncated, PCAPFILE_BAD_LINK, "loopback header",
		    4, have);
		return;
	}
	buffer_read_n32(p, have, 0, &af);
	if (!network_order && af > 0xffff)
		af = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
	if (af == 2)
		parse_ip(p + 4, have - 4, truncated, 4, f);
	else if (af == 10 || af == 24 || af == 28 || af == 30)
		parse_ip(p + 4, have - 4, truncated, 6, f);
	else
		frame_set(f, PCAPFILE_NOT_IP, "address family %u", af);
}

void pcapfile_parse_frame(int dlt, const uint8_t *data, size_t caplen,
    size_t wirelen, struct pcapfile_frame *f)
{
	bool truncated = caplen < wirelen;
	uint16_t type;

	memset(&f->src, 0, sizeof(f->src));
	memset(&f->dst, 0, sizeof(f->dst));
	f->marker = false;
	f->msg = NULL;
	f->len = 0;
	f->why[0] = 0;
	switch (dlt) {
	case DLT_EN10MB:
		parse_ethernet(data, caplen, truncated, f);
		break;
	case DLT_LINUX_SLL:
		if (caplen < 16)
			frame_short(f, truncated, PCAPFILE_BAD_LINK, "SLL header", 16, caplen);
		else if (buffer_read_n16(data, caplen, 14, &type) == 0)
			parse_ethertype(type, data + 16, caplen - 16, truncated, f);
		break;
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			frame_short(f, truncated, PCAPFILE_BAD_LINK, "SLL2 header", 20, caplen);
		else if (buffer_read_n16(data, caplen, 0, &type) == 0)
			parse_ethertype(type, data + 20, caplen - 20, truncated, f);
		break;
	case DLT_RAW:
		parse_ip(data, caplen, truncated, 0, f);
		break;
	case DLT_IPV4:
		parse_ip(data, caplen, truncated, 4, f);
		break;
	case DLT_IPV6:
		parse_ip(data, caplen, truncated, 6, f);
		break;
	case DLT_NULL:
		parse_null(data, caplen, truncated, false, f);
		break;
	case DLT_LOOP:
		parse_null(data, caplen, truncated, true, f);
		break;
	default:
		frame_set(f, PCAPFILE_NOT_IP, "link type %d", dlt);
		break;
	}
}

/* -------------------------------------------------------------- reading */

struct pcapfile_reader {
	pcap_t *pcap;
	int dlt;
	uint64_t number;
	char name[256];
};

static bool dlt_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL ||
	    dlt == DLT_LINUX_SLL2 || dlt == DLT_RAW || dlt == DLT_IPV4 ||
	    dlt == DLT_IPV6 || dlt == DLT_NULL || dlt == DLT_LOOP;
}

static int reader_start(struct pcapfile_reader **r, pcap_t *p,
    const char *name, struct err *e)
{
	struct pcapfile_reader *nr;
	int dlt = pcap_datalink(p);

	if (!dlt_supported(dlt)) {
		const char *dn = pcap_datalink_val_to_name(dlt);

		err_set(e, "%s: link type %s (%d) is not supported "
		    "(Ethernet, Linux SLL/SLL2, raw IP and loopback are)",
		    name, dn ? dn : "unknown", dlt);
		pcap_close(p);
		return -1;
	}
	nr = calloc(1, sizeof(*nr));
	if (nr == NULL) {
		pcap_close(p);
		return err_set(e, "%s: out of memory", name);
	}
	nr->pcap = p;
	nr->dlt = dlt;
	snprintf(nr->name, sizeof(nr->name), "%s", name);
	*r = nr;
	return 0;
}

int pcapfile_open(struct pcapfile_reader **r, const char *path,
    struct err *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;

	*r = NULL;
	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL)
		return strncmp(errbuf, path, strlen(path)) == 0 ?
		    err_set(e, "%s", errbuf) : err_set(e, "%s: %s", path, errbuf);
	return reader_start(r, p, path, e);
}

int pcapfile_open_stream(struct pcapfile_reader **r, FILE *f,
    const char *name, struct err *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;

	*r = NULL;
	p = pcap_fopen_offline_with_tstamp_precision(f,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL) {
		fclose(f);
		return err_set(e, "%s: %s", name, errbuf);
	}
	return reader_start(r, p, name, e);
}

int pcapfile_next(struct pcapfile_reader *r, struct pcapfile_frame *f,
    struct err *e)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	rc = pcap_next_ex(r->pcap, &h, &data);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1)
		return err_set(e, "%s: after frame %llu: %s", r->name,
		    (unsigned long long)r->number, pcap_geterr(r->pcap));
	f->number = ++r->number;
	f->ts_usec = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	pcapfile_parse_frame(r->dlt, data, h->caplen, h->len, f);
	return 1;
}

void pcapfile_free(struct pcapfile_reader *r)
{
	if (r == NULL)
		return;
	pcap_close(r->pcap);
	free(r);
}
