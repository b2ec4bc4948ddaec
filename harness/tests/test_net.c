/* test_net: the transport's ESP side on loopback. UDP 4500: ESP without
 * the non-ESP marker both ways (RFC 3948 2.1), keepalives (2.3), IKE
 * still behind its marker (2.2), a simulated NAT rebinding, the pcap
 * written from our own traffic holding ESP and keepalives. As root: ESP
 * and AH over IP (protocols 50 and 51) both ways on 127.A.B.1/127.A.B.2
 * and ::1, crafted IP packets refused unless they go to the IUT, and a
 * live capture on lo holding ESP over IP. The IUT is plain sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "net.h"
#include "tap.h"

enum { WAIT_MS = 1000, RAW_ESP = 50, RAW_AH = 51 };

static char dir[64];
/* The raw test's addresses, 127.A.B.1 (harness), .2 (IUT), .3 (elsewhere)
 * with A.B from the pid: runs at once do not see each other's packets. */
static char H[16], I[16], O[16];

static const char *tmp_path(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* An ESP-looking packet: SPI 0x0a0b0c0d, sequence 1, some bytes. */
static const uint8_t esp_pkt[] = {
	0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 1,
	0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05,
};
/* An IKE-looking message (28-byte header, Response flag set). */
static const uint8_t ike_msg[28] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	0x21, 0x20, 0x22, 0x20, 0, 0, 0, 0, 0, 0, 0, 28,
};

/* A UDP socket of the IUT's on addr, ephemeral port; *port set. */
static int iut_udp(int family, const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_DGRAM, 0);

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &s4->sin_addr);
		len = sizeof(*s4);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		diag("iut socket on %s: %s", addr, strerror(errno));
		return -1;
	}
	*port = ntohs(family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* One datagram or raw packet within WAIT_MS; its length or -1. The
 * source port into *sport when asked. */
static ssize_t recv_wait(int fd, uint8_t *buf, size_t cap, uint16_t *sport)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t got;

	if (poll(&pf, 1, WAIT_MS) != 1)
		return -1;
	got = recvfrom(fd, buf, cap, 0, (struct sockaddr *)&from, &fl);
	if (got >= 0 && sport)
		*sport = ntohs(from.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&from)->sin6_port :
		    ((struct sockaddr_in *)&from)->sin_port);
	return got;
}

static void to4(const char *addr, uint16_t port, struct sockaddr_in *s)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, addr, &s->sin_addr);
}

static int iut_send4(int fd, const char *addr, uint16_t port,
    const uint8_t *p, size_t n)
{
	struct sockaddr_in s;

	to4(addr, port, &s);
	return sendto(fd, p, n, 0, (struct sockaddr *)&s, sizeof(s)) ==
	    (ssize_t)n ? 0 : -1;
}

/* Counts the frames of a pcap by what they carry (libpcap directly: the
 * test's ports are ephemeral, so pcapfile's port rules do not apply). */
struct pcap_count {
	unsigned ike, esp_udp, keepalive, esp_ip, ah_ip, total;
};

static void count_frame(const uint8_t *p, size_t n, struct pcap_count *c)
{
	size_t hl;
	unsigned proto;

	if (n < 20)
		return;
	if (p[0] >> 4 == 4) {
		hl = (size_t)(p[0] & 15) * 4;
		proto = p[9];
	} else if (p[0] >> 4 == 6 && n >= 40) {
		hl = 40;
		proto = p[6];
	} else {
		return;
	}
	if (hl > n)
		return;
	c->total++;
	c->esp_ip += proto == RAW_ESP;
	c->ah_ip += proto == RAW_AH;
	if (proto != 17 || n - hl < 8)
		return;
	p += hl + 8;
	n -= hl + 8;
	if (n == 1 && p[0] == 0xff)
		c->keepalive++;
	else if (n >= 4 && memcmp(p, esp_pkt, 4) == 0)
		c->esp_udp++;
	else if (n >= 4)
		c->ike++;
}

static int count_pcap(const char *path, struct pcap_count *c)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(path, errbuf);
	size_t link;

	memset(c, 0, sizeof(*c));
	if (p == NULL) {
		diag("%s: %s", path, errbuf);
		return -1;
	}
	link = pcap_datalink(p) == DLT_EN10MB ? 14 : 0;
	while (pcap_next_ex(p, &h, &d) == 1)
		if (h->caplen > link)
			count_frame(d + link, h->caplen - link, c);
	pcap_close(p);
	return 0;
}

static void test_udp(void)
{
	struct net_config cfg;
	struct net *n = NULL;
	struct net_packet pkt;
	struct pcap_count pc = { 0 };
	struct err e = { "" };
	uint8_t buf[2048];
	uint16_t p500, p4500, sport = 0, old_port, new_port;
	int u500 = iut_udp(AF_INET, "127.0.0.1", &p500);
	int u4500 = iut_udp(AF_INET, "127.0.0.1", &p4500);
	ssize_t got;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.local_addr = "127.0.0.1";
	cfg.iut_addr = "127.0.0.1";
	cfg.iut_port = p500;
	cfg.iut_natt_port = p4500;
	cfg.pcap_path = tmp_path("udp.pcap");
	if (!ok(u500 >= 0 && u4500 >= 0 && net_open(&n, &cfg, &e) == 0,
	    "net_open on 127.0.0.1 (%s)", e.text))
		return;
	ok(!net_capture_live(n) && strstr(net_capture_note(n), "own traffic"),
	    "no capture interface: pcap from our own traffic");
	is_int(net_local_port(n, NET_RAW), 0, "raw IP has no local port");

	/* RFC 3948 2.1: ESP straight after the UDP header, no marker. */
	ok(net_send_esp(n, NET_NATT, esp_pkt, sizeof(esp_pkt), &e) == 0,
	    "net_send_esp NET_NATT (%s)", e.text);
	got = recv_wait(u4500, buf, sizeof(buf), &sport);
	cmp_mem(buf, got > 0 ? (size_t)got : 0, esp_pkt, sizeof(esp_pkt),
	    "3948 2.1: the IUT's 4500 gets the ESP packet as given, SPI first");
	is_int(sport, net_local_port(n, NET_NATT), "... from our NAT-T port");
	ok(net_send_esp(n, NET_IKE, esp_pkt, sizeof(esp_pkt), &e) < 0 &&
	    strstr(e.text, "IKE port"), "ESP on the IKE port refused (%s)",
	    e.text);

	/* RFC 3948 2.3: one 0xFF byte. */
	ok(net_send_keepalive(n, &e) == 0, "net_send_keepalive (%s)", e.text);
	got = recv_wait(u4500, buf, sizeof(buf), NULL);
	ok(got == 1 && buf[0] == 0xff, "3948 2.3: keepalive is the one byte 0xff (%zd bytes)",
	    got);

	/* IKE on 4500 still gets its marker. */
	ok(net_send(n, NET_NATT, ike_msg, sizeof(ike_msg), &e) == 0,
	    "net_send NET_NATT (%s)", e.text);
	got = recv_wait(u4500, buf, sizeof(buf), NULL);
	ok(got == (ssize_t)sizeof(ike_msg) + 4 &&
	    memcmp(buf, "\0\0\0\0", 4) == 0 &&
	    memcmp(buf + 4, ike_msg, sizeof(ike_msg)) == 0,
	    "3948 2.2: IKE on 4500 behind four zero bytes");

	/* From the IUT: ESP, a keepalive, IKE, each told apart. */
	iut_send4(u4500, "127.0.0.1", net_local_port(n, NET_NATT), esp_pkt,
	    sizeof(esp_pkt));
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && pkt.esp && !pkt.ah && !pkt.keepalive &&
	    pkt.port == NET_NATT && pkt.len == sizeof(esp_pkt) &&
	    memcmp(pkt.data, esp_pkt, pkt.len) == 0 && pkt.src.port == p4500,
	    "ESP in UDP from the IUT: esp, NET_NATT, data from the SPI on");
	buf[0] = 0xff;
	iut_send4(u4500, "127.0.0.1", net_local_port(n, NET_NATT), buf, 1);
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && pkt.keepalive && !pkt.esp && pkt.len == 1 &&
	    pkt.port == NET_NATT, "a keepalive on 4500: pkt.keepalive");
	/* one on 500 is no keepalive: passed over, the IKE after it read */
	iut_send4(u500, "127.0.0.1", net_local_port(n, NET_IKE), buf, 1);
	iut_send4(u500, "127.0.0.1", net_local_port(n, NET_IKE), ike_msg,
	    sizeof(ike_msg));
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && !pkt.keepalive && !pkt.esp && pkt.port == NET_IKE &&
	    pkt.len == sizeof(ike_msg), "0xff on 500 passed over; the IKE message after it read");
	memcpy(buf, "\0\0\0\0", 4);
	memcpy(buf + 4, ike_msg, sizeof(ike_msg));
	iut_send4(u4500, "127.0.0.1", net_local_port(n, NET_NATT), buf,
	    sizeof(ike_msg) + 4);
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && !pkt.esp && !pkt.keepalive && pkt.len == sizeof(ike_msg) &&
	    memcmp(pkt.data, ike_msg, sizeof(ike_msg)) == 0,
	    "IKE on 4500: marker removed, not ESP");

	/* A NAT rebinding: the 4500 socket moves to another port. */
	old_port = net_local_port(n, NET_NATT);
	ok(net_rebind(n, NET_NATT, NULL, 0, &e) == 0, "net_rebind NET_NATT (%s)",
	    e.text);
	new_port = net_local_port(n, NET_NATT);
	ok(new_port != 0 && new_port != old_port, "rebound: port %u -> %u",
	    old_port, new_port);
	net_send_esp(n, NET_NATT, esp_pkt, sizeof(esp_pkt), &e);
	got = recv_wait(u4500, buf, sizeof(buf), &sport);
	ok(got == (ssize_t)sizeof(esp_pkt) && sport == new_port,
	    "after the rebinding ESP leaves from the new port (%u)", sport);
	iut_send4(u4500, "127.0.0.1", new_port, esp_pkt, sizeof(esp_pkt));
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && pkt.esp, "... and what comes to the new port is read");
	ok(net_rebind(n, NET_RAW, NULL, 0, &e) < 0 &&
	    net_rebind(n, NET_IKE, "::1", 0, &e) < 0,
	    "no rebinding of raw IP, nor to another family (%s)", e.text);

	if (!net_raw_available(n, NULL))
		ok(net_send_esp(n, NET_RAW, esp_pkt, sizeof(esp_pkt), &e) < 0 &&
		    net_send_ip(n, esp_pkt, sizeof(esp_pkt), &e) < 0,
		    "without raw IP: raw sends fail (%s)", e.text);
	ok(net_close(n, &e) == 0, "net_close (%s)", e.text);
	rc = count_pcap(cfg.pcap_path, &pc);
	ok(rc == 0 && pc.esp_udp == 4 &&
	    pc.keepalive == 2 && pc.ike == 3,
	    "own-traffic pcap: 4 ESP in UDP (%u), 2 keepalives (%u: the one on 500 not kept), 3 IKE (%u)",
	    pc.esp_udp, pc.keepalive, pc.ike);
	close(u500);
	close(u4500);
}

/* A raw socket of the IUT's bound to addr. */
static int iut_raw(int family, int proto, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_RAW, proto);

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &s4->sin_addr);
		len = sizeof(*s4);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0) {
		diag("raw socket %d on %s: %s", proto, addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* What the IUT's raw IPv4 socket got: the header checked, the payload
 * compared. */
static bool raw4_is(const uint8_t *b, ssize_t got, uint8_t proto,
    const char *src, const char *dst, const uint8_t *payload, size_t n)
{
	struct in_addr s, d;
	size_t hl;

	inet_pton(AF_INET, src, &s);
	inet_pton(AF_INET, dst, &d);
	if (got < 20 || b[0] >> 4 != 4)
		return false;
	hl = (size_t)(b[0] & 15) * 4;
	return b[9] == proto && memcmp(b + 12, &s, 4) == 0 &&
	    memcmp(b + 16, &d, 4) == 0 && (size_t)got == hl + n &&
	    memcmp(b + hl, payload, n) == 0;
}

static void test_raw4(void)
{
	struct net_config cfg;
	struct net *n = NULL;
	struct net_packet pkt;
	struct pcap_count pc = { 0 };
	struct err e = { "" };
	uint8_t buf[2048], ip[64];
	struct sockaddr_in to;
	int esp = iut_raw(AF_INET, RAW_ESP, I);
	int ah = iut_raw(AF_INET, RAW_AH, I);
	int other = iut_raw(AF_INET, RAW_ESP, O);
	const char *why = NULL;
	uint8_t iut4[4];
	ssize_t got;
	int rc;

	inet_pton(AF_INET, I, iut4);
	memset(&cfg, 0, sizeof(cfg));
	cfg.local_addr = H;
	cfg.iut_addr = I;
	cfg.iut_port = 500;
	cfg.iut_natt_port = 4500;
	cfg.capture_if = "lo";
	cfg.pcap_path = tmp_path("raw4.pcap");
	if (!ok(esp >= 0 && ah >= 0 && other >= 0 && net_open(&n, &cfg, &e) == 0,
	    "raw: net_open %s -> %s (%s)", H, I, e.text))
		goto out;
	ok(net_raw_available(n, &why) && why == NULL, "raw IP available as root");
	ok(net_send_esp(n, NET_RAW, esp_pkt, sizeof(esp_pkt), &e) == 0,
	    "net_send_esp NET_RAW (%s)", e.text);
	got = recv_wait(esp, buf, sizeof(buf), NULL);
	ok(raw4_is(buf, got, RAW_ESP, H, I, esp_pkt,
	    sizeof(esp_pkt)), "IP protocol 50 from the harness address to the IUT, payload from the SPI on");

	/* From the IUT: ESP over IP. */
	to4(H, 0, &to);
	sendto(esp, esp_pkt, sizeof(esp_pkt), 0, (struct sockaddr *)&to,
	    sizeof(to));
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && pkt.esp && pkt.port == NET_RAW &&
	    pkt.len == sizeof(esp_pkt) && memcmp(pkt.data, esp_pkt, pkt.len) == 0 &&
	    pkt.src.family == 4 && memcmp(pkt.src.ip, iut4, 4) == 0,
	    "raw ESP from the IUT: esp, NET_RAW, data from the SPI on, source %s", I);
	/* From elsewhere: passed over. */
	sendto(other, esp_pkt, sizeof(esp_pkt), 0, (struct sockaddr *)&to,
	    sizeof(to));
	rc = net_recv(n, net_now_us() + 200000u, &pkt, &e);
	ok(rc == 0, "raw ESP from %s (not the IUT) passed over", O);

	/* AH from the IUT: the whole IP packet. */
	sendto(ah, esp_pkt, sizeof(esp_pkt), 0, (struct sockaddr *)&to,
	    sizeof(to));
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && pkt.ah && !pkt.esp && pkt.port == NET_RAW &&
	    raw4_is(pkt.data, (ssize_t)pkt.len, RAW_AH, I,
	    H, esp_pkt, sizeof(esp_pkt)),
	    "raw AH from the IUT: ah, the whole IPv4 packet");

	/* A crafted packet: to the IUT only. */
	memset(ip, 0, sizeof(ip));
	ip[0] = 0x45;
	ip[3] = 20 + 8;
	ip[5] = 7;		/* identification */
	ip[8] = 64;
	ip[9] = RAW_AH;
	inet_pton(AF_INET, H, ip + 12);
	inet_pton(AF_INET, I, ip + 16);
	memcpy(ip + 20, "AHAHAHAH", 8);
	ok(net_send_ip(n, ip, 28, &e) == 0, "net_send_ip to the IUT (%s)",
	    e.text);
	got = recv_wait(ah, buf, sizeof(buf), NULL);
	ok(raw4_is(buf, got, RAW_AH, H, I,
	    (const uint8_t *)"AHAHAHAH", 8), "... reaches the IUT as given");
	inet_pton(AF_INET, O, ip + 16);
	ok(net_send_ip(n, ip, 28, &e) < 0 && strstr(e.text, "refused"),
	    "net_send_ip to %s refused (%s)", O, e.text);
	ip[0] = 0x60;
	ok(net_send_ip(n, ip, 28, &e) < 0 && net_send_ip(n, ip, 10, &e) < 0,
	    "an IPv6 or short packet to an IPv4 IUT refused");
	got = recv_wait(other, buf, sizeof(buf), NULL);
	ok(got < 0, "nothing reached %s", O);
	ok(net_close(n, &e) == 0, "raw: net_close (%s)", e.text);
	n = NULL;
	if (count_pcap(cfg.pcap_path, &pc) == 0)
		ok(pc.esp_ip >= 2 && pc.ah_ip >= 2,
		    "live capture on lo holds ESP (%u) and AH (%u) over IP",
		    pc.esp_ip, pc.ah_ip);
	else
		ok(0, "live capture pcap readable");
out:
	net_close(n, NULL);
	if (esp >= 0)
		close(esp);
	if (ah >= 0)
		close(ah);
	if (other >= 0)
		close(other);
}

static void test_raw6(void)
{
	struct net_config cfg;
	struct net *n = NULL;
	struct net_packet pkt;
	struct err e = { "" };
	struct sockaddr_in6 to;
	uint8_t buf[2048];
	int ah = iut_raw(AF_INET6, RAW_AH, "::1");
	int esp = iut_raw(AF_INET6, RAW_ESP, "::1");
	ssize_t got;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.local_addr = "::1";
	cfg.iut_addr = "::1";
	cfg.iut_port = 500;
	cfg.iut_natt_port = 4500;
	if (!ok(ah >= 0 && esp >= 0 && net_open(&n, &cfg, &e) == 0 &&
	    net_raw_available(n, NULL), "raw6: net_open ::1 (%s)", e.text))
		goto out;
	/* Both ends are ::1 here: what we send comes back to us too. */
	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::1", &to.sin6_addr);
	sendto(ah, esp_pkt, sizeof(esp_pkt), 0, (struct sockaddr *)&to,
	    sizeof(to));
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && pkt.ah && pkt.len == 40 + sizeof(esp_pkt) &&
	    pkt.data[0] >> 4 == 6 && pkt.data[4] == 0 &&
	    pkt.data[5] == sizeof(esp_pkt) && pkt.data[6] == RAW_AH &&
	    pkt.data[7] > 0 && pkt.data[23] == 1 && pkt.data[39] == 1 &&
	    memcmp(pkt.data + 40, esp_pkt, sizeof(esp_pkt)) == 0,
	    "raw AH over IPv6: the IPv6 header put back (payload length, next header 51, ::1 both ways)");
	ok(net_send_esp(n, NET_RAW, esp_pkt, sizeof(esp_pkt), &e) == 0,
	    "net_send_esp NET_RAW over IPv6 (%s)", e.text);
	got = recv_wait(esp, buf, sizeof(buf), NULL);
	cmp_mem(buf, got > 0 ? (size_t)got : 0, esp_pkt, sizeof(esp_pkt),
	    "the IUT's IPv6 raw socket gets the ESP packet");
	rc = net_recv(n, net_now_us() + WAIT_MS * 1000u, &pkt, &e);
	ok(rc == 1 && pkt.esp && pkt.port == NET_RAW &&
	    pkt.len == sizeof(esp_pkt), "raw ESP over IPv6 read, from the SPI on");
out:
	net_close(n, NULL);
	if (ah >= 0)
		close(ah);
	if (esp >= 0)
		close(esp);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "%s/iketest-net.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	test_udp();
	if (geteuid() != 0) {
		tap_skip("not root", "ESP and AH over IP need raw sockets (root or CAP_NET_RAW)");
	} else {
		unsigned a = 1 + (unsigned)getpid() / 254 % 254;
		unsigned b = 1 + (unsigned)getpid() % 254;

		snprintf(H, sizeof(H), "127.%u.%u.1", a, b);
		snprintf(I, sizeof(I), "127.%u.%u.2", a, b);
		snprintf(O, sizeof(O), "127.%u.%u.3", a, b);
		test_raw4();
		test_raw6();
	}
	unlink(tmp_path("udp.pcap"));
	unlink(tmp_path("raw4.pcap"));
	rmdir(dir);
	return tap_done();
}
