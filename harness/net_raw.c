/* net_raw: ESP (IP protocol 50) and AH (51) over IP, without UDP
 * (RFC 4303, 4302). Sending goes through libnet's raw IPv4/IPv6 writer
 * (whole IP packets, our own header); receiving through raw sockets of
 * protocols 50 and 51 bound to the harness address, keeping what comes
 * from the IUT's address. Both need root or CAP_NET_RAW: without them
 * the transport works as before and says why raw IP is missing.
 *
 * An IPv6 raw socket hands over the packet without its IPv6 header; the
 * header is put back (addresses from the socket, hop limit from
 * IPV6_HOPLIMIT, traffic class and flow label zero) because AH's ICV
 * covers it (RFC 4302 3.3.3.1: the last three are mutable and count as
 * zero anyway). Extension headers before ESP or AH are not restored.
 *
 * The Linux kernel rewrites the total length and checksum of an IPv4
 * packet written with IP_HDRINCL (and an identification of 0): a packet
 * that lies about its length reaches the wire corrected; the pcap
 * written from our own traffic shows it as given. */
/* inet.h first: libnet.h brings netinet/ip_icmp.h, whose icmp_id and
 * icmp_seq macros would rename the fields of struct inet_pkt. */
#include "inet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libnet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buffer.h"
#include "err.h"
#include "net_int.h"

enum { NET_RAW_TTL = 64, NET_CMSG_SPACE = 128 };

/* A raw socket of one protocol bound to the harness address, or -1 with
 * the reason in n->raw_why. */
static int net_raw_socket(struct net *n, int proto)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(&n->local_ip, &ss);
	int fd, one = 1;

	fd = socket(ss.ss_family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    proto);
	if (fd < 0) {
		snprintf(n->raw_why, sizeof(n->raw_why),
		    "raw socket for IP protocol %d: %s%s", proto, strerror(errno),
		    errno == EPERM || errno == EACCES ?
		    " (needs root or CAP_NET_RAW)" : "");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (ss.ss_family == AF_INET6 &&
	    (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
	    sizeof(one)) < 0))) {
		snprintf(n->raw_why, sizeof(n->raw_why),
		    "raw socket for IP protocol %d on %s: %s", proto,
		    n->local_text, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void net_raw_open(struct net *n)
{
	struct timespec ts;

	n->raw_ok = false;
	if ((n->raw_fd[NET_RAW_ESP] = net_raw_socket(n, INET_PROTO_ESP)) < 0 ||
	    (n->raw_fd[NET_RAW_AH] = net_raw_socket(n, INET_PROTO_AH)) < 0) {
		net_raw_close(n);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n->ip_id = (uint16_t)(ts.tv_nsec ^ getpid());
	n->raw_ok = true;
	n->raw_why[0] = '\0';
}

/* The libnet writer, made on the first raw write: libnet_init grows
 * SO_SNDBUF one step per call (some 13,000 setsockopt calls, 0.3 s),
 * which a script that sends no ESP or AH over IP should not pay. */
static int net_raw_writer(struct net *n, struct err *e)
{
	char errbuf[LIBNET_ERRBUF_SIZE] = "";

	if (n->libnet != NULL)
		return 0;
	if (!n->raw_ok)
		return err_set(e, "net: no raw IP writer: %s", n->raw_why);
	n->libnet = libnet_init(n->iut_ip.family == 6 ? LIBNET_RAW6 :
	    LIBNET_RAW4, NULL, errbuf);
	if (n->libnet == NULL)
		return err_set(e, "net: no raw IP writer: libnet_init: %s", errbuf);
	return 0;
}

void net_raw_close(struct net *n)
{
	int s;

	for (s = 0; s < NET_RAW_SOCKS; s++) {
		if (n->raw_fd[s] >= 0)
			close(n->raw_fd[s]);
		n->raw_fd[s] = -1;
	}
	if (n->libnet != NULL)
		libnet_destroy(n->libnet);
	n->libnet = NULL;
}

int net_raw_write(struct net *n, const uint8_t *ip_pkt, size_t len,
    struct err *e)
{
	int c;

	if (net_raw_writer(n, e) < 0)
		return -1;
	c = n->iut_ip.family == 6 ?
	    libnet_write_raw_ipv6(n->libnet, ip_pkt, (uint32_t)len) :
	    libnet_write_raw_ipv4(n->libnet, ip_pkt, (uint32_t)len);
	if (c < 0 || (size_t)c != len)
		return err_set(e, "net: raw IPv%u write of %zu bytes: %s",
		    (unsigned)n->iut_ip.family, len,
		    c < 0 ? libnet_geterror(n->libnet) : "short write");
	return 0;
}

/* RFC 791 3.1 and RFC 8200 3: the header; payload first (it may sit in
 * out already, where a raw read put it). */
size_t net_ip_wrap(struct net *n, uint8_t proto, const uint8_t *payload,
    size_t len, uint8_t *out)
{
	size_t h = n->iut_ip.family == 6 ? NET_IPV6_HDR : NET_IPV4_HDR;

	memmove(out + h, payload, len);
	memset(out, 0, h);
	if (h == NET_IPV6_HDR) {
		out[0] = 0x60;
		buffer_write_n16(out, h, 4, (uint16_t)len);
		out[6] = proto;
		out[7] = NET_RAW_TTL;
		memcpy(out + 8, n->local_ip.ip, 16);
		memcpy(out + 24, n->iut_ip.ip, 16);
		return h + len;
	}
	out[0] = 0x45;
	buffer_write_n16(out, h, 2, (uint16_t)(h + len));
	/* never 0: the kernel would pick one, and AH covers it (4302 3.3.3.1) */
	if (++n->ip_id == 0)
		n->ip_id = 1;
	buffer_write_n16(out, h, 4, n->ip_id);
	out[8] = NET_RAW_TTL;
	out[9] = proto;
	memcpy(out + 12, n->local_ip.ip, 4);
	memcpy(out + 16, n->iut_ip.ip, 4);
	buffer_write_n16(out, h, 10, inet_sum_fold(inet_sum(0, out, h)));
	return h + len;
}

/* An IPv4 packet as the raw socket gives it, header included: its
 * payload bounds, or 0 when it is not a sound packet from the IUT. */
static int net_raw_v4(struct net *n, size_t got, uint8_t proto,
    size_t *hlen, size_t *total)
{
	const uint8_t *p = n->buf;
	uint16_t total16;

	if (got < NET_IPV4_HDR || p[0] >> 4 != 4 ||
	    buffer_read_n16(p, got, 2, &total16) < 0)
		return 0;
	*hlen = (size_t)(p[0] & 0x0f) * 4;
	*total = total16;
	/* header within the packet, declared length within what came */
	if (*hlen < NET_IPV4_HDR || *hlen > got || *total < *hlen ||
	    *total > got || p[9] != proto)
		return 0;
	return memcmp(p + 12, n->iut_ip.ip, 4) == 0;
}

/* An IPv6 payload read at buf + NET_IPV6_HDR: its header put back in
 * front from the socket's ancillary data. 0 when not from the IUT. */
static int net_raw_v6(struct net *n, const struct msghdr *mh,
    const struct sockaddr_in6 *from, size_t got, uint8_t proto)
{
	uint8_t *h = n->buf;
	const uint8_t *dst = n->local_ip.ip;
	struct cmsghdr *cm;
	int hop = NET_RAW_TTL;

	if (memcmp(&from->sin6_addr, n->iut_ip.ip, 16) != 0 ||
	    got > 0xffff)
		return 0;
	for (cm = CMSG_FIRSTHDR(mh); cm != NULL;
	    cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		/* RFC 3542 6.1: in6_pktinfo starts with the address */
		if (cm->cmsg_type == IPV6_PKTINFO && cm->cmsg_len >= CMSG_LEN(16))
			dst = CMSG_DATA(cm);
		else if (cm->cmsg_type == IPV6_HOPLIMIT &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&hop, CMSG_DATA(cm), sizeof(int));
	}
	memset(h, 0, NET_IPV6_HDR);
	h[0] = 0x60;
	buffer_write_n16(h, NET_IPV6_HDR, 4, (uint16_t)got);
	h[6] = proto;
	h[7] = (uint8_t)hop;
	memcpy(h + 8, &from->sin6_addr, 16);
	memmove(h + 24, dst, 16);
	return 1;
}

int net_raw_read(struct net *n, enum net_raw_sock s, struct net_packet *pkt,
    struct err *e)
{
	const uint8_t proto = s == NET_RAW_ESP ? INET_PROTO_ESP : INET_PROTO_AH;
	bool v6 = n->iut_ip.family == 6;
	size_t off = v6 ? NET_IPV6_HDR : 0, hlen = NET_IPV6_HDR, total;
	struct sockaddr_in6 from;
	union {
		struct cmsghdr align;
		uint8_t space[NET_CMSG_SPACE];
	} cbuf;
	struct iovec iov = { n->buf + off, NET_MAX_DATAGRAM + 1 };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.space,
		.msg_controllen = sizeof(cbuf.space) };
	ssize_t got;

	got = recvmsg(n->raw_fd[s], &mh, MSG_DONTWAIT);
	if (got < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return err_set(e, "net: raw receive (IP protocol %u): %s",
		    (unsigned)proto, strerror(errno));
	}
	if (v6) {
		if (!net_raw_v6(n, &mh, &from, (size_t)got, proto))
			return 0;
		total = NET_IPV6_HDR + (size_t)got;
	} else if (!net_raw_v4(n, (size_t)got, proto, &hlen, &total)) {
		return 0;
	}
	memset(pkt, 0, sizeof(*pkt));
	pkt->ts_us = net_now_us();
	pkt->port = NET_RAW;
	pkt->src = n->iut_ip;
	if (s == NET_RAW_ESP) {
		pkt->esp = true;	/* from the SPI on */
		pkt->data = n->buf + hlen;
		pkt->len = total - hlen;
	} else {
		pkt->ah = true;		/* the whole packet: the ICV covers it */
		pkt->data = n->buf;
		pkt->len = total;
	}
	net_own_frame(n, n->buf, total);
	return 1;
}
