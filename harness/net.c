/* net: UDP transport on 500/4500 with libpcap capture (see net.h); ESP
 * and AH over IP are net_raw.c's. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "err.h"
#include "inet.h"
#include "net_int.h"

enum {
	NET_CAPTURE_SNAPLEN = 65535 + 128,
	NET_FILTER_MAX = 256,
	NET_KEEPALIVE = 0xff,		/* RFC 3948 2.3 */
	NET_POLL_MAX = 2 + NET_RAW_SOCKS + 1,
};

uint64_t net_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t net_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* A numeric address and port into a sockaddr (no name resolution: the
 * lab and the tests only use literal addresses). */
static int net_sockaddr(const char *addr, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *len, struct err *e)
{
	struct addrinfo hints, *ai = NULL;
	char service[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%u", (unsigned)port);
	rc = getaddrinfo(addr, service, &hints, &ai);
	if (rc != 0 || ai == NULL)
		return err_set(e, "net: invalid address `%s': %s", addr,
		    rc != 0 ? gai_strerror(rc) : "no result");
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* A UDP socket bound to local:port, of the IUT's family: the new fd
 * (and where it is bound in *ep), or -1. */
static int net_bind_one(const struct net *n, const char *local,
    uint16_t port, struct addr *ep, struct err *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if (net_sockaddr(local, port, &ss, &len, e) < 0)
		return -1;
	if (ss.ss_family != n->peer[NET_IKE].ss_family)
		return err_set(e, "net: harness address %s and IUT address are of different families",
		    local);
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "net: socket: %s", strerror(errno));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		err_set(e, "net: bind %s port %u: %s", local, (unsigned)port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		err_set(e, "net: getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	addr_from_sockaddr(&ss, ep);
	return fd;
}

/* Everything between the IUT's address and any other: IKE and ESP in
 * UDP on whatever ports (a rebound socket, an IUT that moved: the filter
 * names no port and no harness address, so it follows net_rebind as it
 * is), ESP (50) and AH (51) over IP, and IP fragments, which carry no
 * ports. */
static void net_capture_filter(const char *iut, char *out, size_t outlen)
{
	if (strchr(iut, ':') != NULL)	/* no IPv4 offsets in v6 */
		snprintf(out, outlen,
		    "host %s and (udp or ip6 proto 50 or ip6 proto 51 or ip6 proto 44)",
		    iut);
	else
		snprintf(out, outlen,
		    "host %s and (udp or ip proto 50 or ip proto 51 or (ip[6:2] & 0x1fff != 0))",
		    iut);
}

/* Live capture on the test link; on any failure the reason goes into the
 * note and the pcap is written from our own traffic instead. */
static int net_capture_live_open(struct net *n, const struct net_config *cfg,
    char *why, size_t whylen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	char filter[NET_FILTER_MAX];
	struct bpf_program prog;

	n->cap = pcap_create(cfg->capture_if, errbuf);
	if (n->cap == NULL) {
		snprintf(why, whylen, "pcap_create %s: %s", cfg->capture_if, errbuf);
		return -1;
	}
	if (pcap_set_snaplen(n->cap, NET_CAPTURE_SNAPLEN) != 0 ||
	    pcap_set_immediate_mode(n->cap, 1) != 0 ||
	    pcap_set_timeout(n->cap, 10) != 0 ||
	    pcap_activate(n->cap) < 0) {
		snprintf(why, whylen, "capture on %s: %s", cfg->capture_if,
		    pcap_geterr(n->cap));
		return -1;
	}
	net_capture_filter(cfg->iut_addr, filter, sizeof(filter));
	if (pcap_compile(n->cap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(why, whylen, "BPF filter `%s': %s", filter,
		    pcap_geterr(n->cap));
		return -1;
	}
	if (pcap_setfilter(n->cap, &prog) < 0) {
		pcap_freecode(&prog);
		snprintf(why, whylen, "setfilter: %s", pcap_geterr(n->cap));
		return -1;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(n->cap, 1, errbuf) < 0 ||
	    (n->cap_fd = pcap_get_selectable_fd(n->cap)) < 0) {
		snprintf(why, whylen, "non-blocking capture: %s", errbuf);
		return -1;
	}
	n->dump = pcap_dump_open(n->cap, cfg->pcap_path);
	if (n->dump == NULL) {
		snprintf(why, whylen, "%s: %s", cfg->pcap_path, pcap_geterr(n->cap));
		return -1;
	}
	snprintf(n->note, sizeof(n->note), "live capture on %s (filter: %s)",
	    cfg->capture_if, filter);
	return 0;
}

static void net_capture_drop_live(struct net *n)
{
	if (n->dump != NULL)
		pcap_dump_close(n->dump);
	if (n->cap != NULL)
		pcap_close(n->cap);
	n->dump = NULL;
	n->cap = NULL;
	n->cap_fd = -1;
}

static int net_capture_open(struct net *n, const struct net_config *cfg,
    struct err *e)
{
	char why[NET_NOTE_MAX - 128] = "no capture interface given";

	if (cfg->pcap_path == NULL) {
		snprintf(n->note, sizeof(n->note), "no pcap requested");
		return 0;
	}
	if (cfg->capture_if != NULL && cfg->capture_if[0] != '\0') {
		if (net_capture_live_open(n, cfg, why, sizeof(why)) == 0)
			return 0;
		net_capture_drop_live(n);
	}
	if (pcapfile_create(&n->own, cfg->pcap_path, e) < 0)
		return -1;
	snprintf(n->note, sizeof(n->note),
	    "capture from iketest's own traffic: %s", why);
	return 0;
}

int net_open(struct net **out, const struct net_config *cfg, struct err *e)
{
	struct net *n;
	const uint16_t iut_port[2] = { cfg->iut_port, cfg->iut_natt_port };
	const uint16_t local_port[2] = { cfg->local_port, cfg->local_natt_port };
	int i, r;

	*out = NULL;
	if (cfg->iut_addr == NULL || cfg->local_addr == NULL)
		return err_set(e, "net: no %s address",
		    cfg->iut_addr == NULL ? "IUT" : "harness");
	if (strlen(cfg->local_addr) >= NET_ADDR_TEXT)
		return err_set(e, "net: invalid address `%s'", cfg->local_addr);
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return err_set(e, "net: out of memory");
	n->fd[0] = n->fd[1] = n->cap_fd = -1;
	for (r = 0; r < NET_RAW_SOCKS; r++)
		n->raw_fd[r] = -1;
	snprintf(n->local_text, sizeof(n->local_text), "%s", cfg->local_addr);
	for (i = 0; i < 2; i++) {
		if (net_sockaddr(cfg->iut_addr, iut_port[i], &n->peer[i],
		    &n->peer_len[i], e) < 0)
			goto fail;
		addr_from_sockaddr(&n->peer[i], &n->iut_ep[i]);
		n->fd[i] = net_bind_one(n, cfg->local_addr, local_port[i],
		    &n->local_ep[i], e);
		if (n->fd[i] < 0)
			goto fail;
	}
	n->iut_ip = n->iut_ep[NET_IKE];
	n->iut_ip.port = 0;
	n->local_ip = n->local_ep[NET_IKE];
	n->local_ip.port = 0;
	net_raw_open(n);
	if (net_capture_open(n, cfg, e) < 0)
		goto fail;
	*out = n;
	return 0;
fail:
	net_close(n, NULL);
	return -1;
}

/* Copies whatever the capture holds into the dump file, without waiting. */
void net_capture_service(struct net *n)
{
	int k;

	if (n->cap == NULL)
		return;
	/* bounded: a flood cannot keep us here */
	for (k = 0; k < 64; k++)
		if (pcap_dispatch(n->cap, -1, pcap_dump, (u_char *)n->dump) <= 0)
			break;
}

void net_own_frame(struct net *n, const uint8_t *ip_pkt, size_t len)
{
	if (n->own != NULL)
		(void)pcapfile_write_frame(n->own, net_wall_us(), ip_pkt, len,
		    NULL);
}

/* A datagram into the pcap written from our own traffic: IKE (the
 * marker goes in front on 4500, pcapfile's rule) or, with raw, the
 * payload exactly as it travelled (ESP in UDP, a keepalive). */
static void net_own_udp(struct net *n, const struct addr *src,
    const struct addr *dst, const uint8_t *p, size_t len,
    bool raw)
{
	struct bytes pkt = BYTES_EMPTY;

	if (n->own == NULL)
		return;
	if (!raw) {
		(void)pcapfile_write_ike(n->own, net_wall_us(), src, dst, p,
		    len, NULL);
		return;
	}
	if (pcapfile_build_udp(&pkt, src, dst, false, p, len, NULL) == 0)
		net_own_frame(n, pkt.data, pkt.len);
	bytes_free(&pkt);
}

int net_close(struct net *n, struct err *e)
{
	int i, rc = 0;

	if (n == NULL)
		return 0;
	if (n->cap != NULL) {
		/* what is still in the kernel's buffer belongs to this test */
		struct timespec pause = { 0, 20 * 1000 * 1000 };

		nanosleep(&pause, NULL);
		net_capture_service(n);
		if (n->dump != NULL && pcap_dump_flush(n->dump) != 0)
			rc = err_set(e, "net: pcap did not reach its file");
	}
	net_capture_drop_live(n);
	if (n->own != NULL && pcapfile_close(n->own, e) < 0)
		rc = -1;
	for (i = 0; i < 2; i++)
		if (n->fd[i] >= 0)
			close(n->fd[i]);
	net_raw_close(n);
	free(n);
	return rc;
}

/* One datagram out of a UDP socket to the IUT's port, as given. */
static int net_sendto(struct net *n, enum net_port port, const uint8_t *p,
    size_t len, struct err *e)
{
	ssize_t sent;

	sent = sendto(n->fd[port], p, len, 0,
	    (struct sockaddr *)&n->peer[port], n->peer_len[port]);
	if (sent < 0 || (size_t)sent != len)
		return err_set(e, "net: sendto: %s",
		    sent < 0 ? strerror(errno) : "short write");
	return 0;
}

int net_send(struct net *n, enum net_port port, const uint8_t *msg,
    size_t len, struct err *e)
{
	uint8_t *buf = n->buf;
	size_t total = len;

	if (port != NET_IKE && port != NET_NATT)
		return err_set(e, "net: IKE goes on UDP 500 or 4500, not raw IP");
	if (len > NET_MAX_DATAGRAM - NET_MARKER_LEN)
		return err_set(e, "net: message of %zu bytes does not fit a datagram",
		    len);
	/* msg may be a packet just read into buf (a replay): memmove */
	if (port == NET_NATT) {
		memmove(buf + NET_MARKER_LEN, msg, len);
		memset(buf, 0, NET_MARKER_LEN);	/* non-ESP marker */
		total = len + NET_MARKER_LEN;
	} else {
		memmove(buf, msg, len);
	}
	if (net_sendto(n, port, buf, total, e) < 0)
		return -1;
	net_own_udp(n, &n->local_ep[port], &n->iut_ep[port], msg, len, false);
	net_capture_service(n);
	return 0;
}

int net_send_esp(struct net *n, enum net_port port, const uint8_t *pkt,
    size_t len, struct err *e)
{
	size_t total;

	if (port == NET_IKE)
		return err_set(e, "net: ESP goes on UDP 4500 or raw IP, not on the IKE port (RFC 3948 2.1)");
	if (len > NET_MAX_DATAGRAM - NET_IPV6_HDR)
		return err_set(e, "net: ESP packet of %zu bytes does not fit one IP packet",
		    len);
	if (port == NET_NATT) {
		/* RFC 3948 2.1: the SPI directly after the UDP header */
		if (net_sendto(n, NET_NATT, pkt, len, e) < 0)
			return -1;
		net_own_udp(n, &n->local_ep[NET_NATT], &n->iut_ep[NET_NATT],
		    pkt, len, true);
		net_capture_service(n);
		return 0;
	}
	if (!n->raw_ok)
		return err_set(e, "net: no ESP over IP here: %s", n->raw_why);
	total = net_ip_wrap(n, INET_PROTO_ESP, pkt, len, n->buf);
	if (net_raw_write(n, n->buf, total, e) < 0)
		return -1;
	net_own_frame(n, n->buf, total);
	net_capture_service(n);
	return 0;
}

/* RFC 8200 3 / RFC 791 3.1: the destination of a whole IP packet. */
static bool net_ip_to_iut(const struct net *n, const uint8_t *p, size_t len)
{
	unsigned version = len ? p[0] >> 4 : 0;

	if (version == 4 && n->iut_ip.family == 4 && len >= NET_IPV4_HDR)
		return memcmp(p + 16, n->iut_ip.ip, 4) == 0;
	if (version == 6 && n->iut_ip.family == 6 && len >= NET_IPV6_HDR)
		return memcmp(p + 24, n->iut_ip.ip, 16) == 0;
	return false;
}

int net_send_ip(struct net *n, const uint8_t *ip_pkt, size_t len,
    struct err *e)
{
	char dst[INET6_ADDRSTRLEN];

	if (!n->raw_ok)
		return err_set(e, "net: no raw IP here: %s", n->raw_why);
	if (len > NET_MAX_DATAGRAM)
		return err_set(e, "net: IP packet of %zu bytes (> %u)", len,
		    (unsigned)NET_MAX_DATAGRAM);
	/* Network rules: a crafted packet goes to the IUT and nowhere else. */
	if (!net_ip_to_iut(n, ip_pkt, len)) {
		inet_ntop(n->iut_ip.family == 6 ? AF_INET6 : AF_INET,
		    n->iut_ip.ip, dst, sizeof(dst));
		return err_set(e, "net: refused: a raw IP packet must be an IPv%u packet to the IUT (%s)",
		    (unsigned)n->iut_ip.family, dst);
	}
	if (net_raw_write(n, ip_pkt, len, e) < 0)
		return -1;
	net_own_frame(n, ip_pkt, len);
	net_capture_service(n);
	return 0;
}

int net_send_keepalive(struct net *n, struct err *e)
{
	static const uint8_t ka[1] = { NET_KEEPALIVE };

	if (net_sendto(n, NET_NATT, ka, sizeof(ka), e) < 0)
		return -1;
	net_own_udp(n, &n->local_ep[NET_NATT], &n->iut_ep[NET_NATT], ka,
	    sizeof(ka), true);
	net_capture_service(n);
	return 0;
}

bool net_raw_available(const struct net *n, const char **why)
{
	if (why != NULL)
		*why = n->raw_ok ? NULL : n->raw_why;
	return n->raw_ok;
}

int net_rebind(struct net *n, enum net_port port, const char *new_addr,
    uint16_t new_port, struct err *e)
{
	struct addr ep;
	int fd;

	if (port != NET_IKE && port != NET_NATT)
		return err_set(e, "net: only the UDP sockets (500, 4500) can be rebound");
	fd = net_bind_one(n, new_addr != NULL ? new_addr : n->local_text,
	    new_port, &ep, e);
	if (fd < 0)
		return -1;
	close(n->fd[port]);
	n->fd[port] = fd;
	n->local_ep[port] = ep;
	/* The capture filter names the IUT's address only: it holds the
	 * rebound socket's traffic as it is. */
	return 0;
}

/* Whether a and b are the same address (ports aside). */
static bool net_same_host(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return false;
}

/* RFC 7296 2.11: a response "MUST" go to the address and port the request
 * came from. So a request of the IUT's (an IKE header with the Response
 * flag clear) from the IUT's own address sets where this socket sends
 * next: an IUT that initiates from an ephemeral port is answered there. */
static void net_follow_request(struct net *n, int i,
    const struct sockaddr_storage *from, socklen_t fromlen,
    const struct net_packet *pkt)
{
	enum { IKE_HEADER_LEN = 28, IKE_FLAGS_AT = 19, IKE_FLAG_RESPONSE = 0x20 };

	if (pkt->esp || pkt->keepalive || pkt->len < IKE_HEADER_LEN ||
	    (pkt->data[IKE_FLAGS_AT] & IKE_FLAG_RESPONSE) != 0 ||
	    !net_same_host(from, &n->peer[i]) || fromlen > sizeof(n->peer[i]))
		return;
	memcpy(&n->peer[i], from, fromlen);
	n->peer_len[i] = fromlen;
	addr_from_sockaddr(&n->peer[i], &n->iut_ep[i]);
}

/* Reads one datagram from a readable socket into pkt. 1 with an IKE or
 * ESP packet or a keepalive on 4500, 0 for a datagram to pass over (a
 * keepalive on 500, an empty one). */
static int net_read_one(struct net *n, int i, struct net_packet *pkt,
    struct err *e)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t got;
	bool raw = false;

	got = recvfrom(n->fd[i], n->buf, NET_MAX_DATAGRAM + 1, MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fromlen);
	if (got < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ECONNREFUSED)	/* ICMP of an earlier send */
			return 0;
		return err_set(e, "net: recvfrom: %s", strerror(errno));
	}
	memset(pkt, 0, sizeof(*pkt));
	pkt->ts_us = net_now_us();
	pkt->port = (enum net_port)i;
	addr_from_sockaddr(&from, &pkt->src);
	pkt->data = n->buf;
	pkt->len = (size_t)got;
	if (got == 1 && n->buf[0] == NET_KEEPALIVE) {
		/* RFC 3948 2.3: a NAT-keepalive is never IKE; only 4500
		 * carries them, one on 500 is passed over. */
		if (i != NET_NATT)
			return 0;
		pkt->keepalive = true;
		raw = true;
	} else if (i == NET_NATT) {
		/* RFC 3948 2.2: four zero octets, then IKE; anything else
		 * is ESP from its SPI on (2.1). */
		if (got >= NET_MARKER_LEN && memcmp(n->buf, "\0\0\0\0", 4) == 0) {
			pkt->data += NET_MARKER_LEN;
			pkt->len -= NET_MARKER_LEN;
		} else {
			pkt->esp = true;
			raw = true;
		}
	}
	net_follow_request(n, i, &from, fromlen, pkt);
	net_own_udp(n, &pkt->src, &n->local_ep[i], pkt->data, pkt->len, raw);
	return got > 0 ? 1 : 0;
}

/* once: one look without waiting (net_recv_ready). */
static int net_recv_wait(struct net *n, uint64_t deadline_us, bool once,
    struct net_packet *pkt, struct err *e)
{
	for (;;) {
		struct pollfd pfd[NET_POLL_MAX];
		int src[NET_POLL_MAX];	/* 0, 1: UDP; 2 + s: raw socket s */
		nfds_t nfd = 0, k;
		uint64_t now = net_now_us();
		int i, rc, timeout = 0;

		if (!once && now >= deadline_us)
			return 0;
		if (!once)
			timeout = (int)((deadline_us - now + 999) / 1000);
		for (i = 0; i < 2 + NET_RAW_SOCKS; i++) {
			int fd = i < 2 ? n->fd[i] : n->raw_fd[i - 2];
			if (fd < 0)
				continue;
			pfd[nfd] = (struct pollfd){ .fd = fd, .events = POLLIN };
			src[nfd++] = i;
		}
		if (n->cap_fd >= 0) {
			pfd[nfd] = (struct pollfd){ .fd = n->cap_fd, .events = POLLIN };
			src[nfd++] = -1;
		}
		rc = poll(pfd, nfd, timeout);
		if (rc < 0 && errno != EINTR)
			return err_set(e, "net: poll: %s", strerror(errno));
		if (rc <= 0 && once)
			return 0;
		if (rc <= 0)
			continue;
		for (k = 0; k < nfd; k++)
			if (src[k] < 0 && (pfd[k].revents & POLLIN))
				net_capture_service(n);
		for (k = 0; k < nfd; k++) {
			if (src[k] < 0 || !(pfd[k].revents & (POLLIN | POLLERR)))
				continue;
			rc = src[k] < 2 ? net_read_one(n, src[k], pkt, e) :
			    net_raw_read(n, (enum net_raw_sock)(src[k] - 2), pkt, e);
			if (rc != 0) {
				net_capture_service(n);
				return rc;
			}
		}
		if (once)
			return 0;
	}
}

int net_recv(struct net *n, uint64_t deadline_us, struct net_packet *pkt,
    struct err *e)
{
	return net_recv_wait(n, deadline_us, false, pkt, e);
}

int net_recv_ready(struct net *n, struct net_packet *pkt, struct err *e)
{
	return net_recv_wait(n, 0, true, pkt, e);
}

static int net_ops_send(void *ctx, enum net_port port, const uint8_t *msg,
    size_t len, struct err *e)
{
	return net_send(ctx, port, msg, len, e);
}

static int net_ops_recv(void *ctx, uint64_t deadline_us,
    struct net_packet *pkt, struct err *e)
{
	return net_recv(ctx, deadline_us, pkt, e);
}

const struct net_ops *net_udp_ops(void)
{
	static const struct net_ops ops = { net_ops_send, net_ops_recv };

	return &ops;
}

const char *net_capture_note(const struct net *n)
{
	return n->note;
}

bool net_capture_live(const struct net *n)
{
	return n->cap != NULL;
}

uint16_t net_local_port(const struct net *n, enum net_port port)
{
	return port == NET_IKE || port == NET_NATT ? n->local_ep[port].port : 0;
}
