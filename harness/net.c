/* net: UDP transport on 500/4500 with libpcap capture (see net.h). */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "err.h"

enum { NET_MARKER_LEN = 4, NET_CAPTURE_SNAPLEN = 65535 + 128 };

struct net {
	int fd[2];			/* NET_IKE, NET_NATT */
	struct sockaddr_storage peer[2];
	socklen_t peer_len[2];
	struct pcapfile_endpoint local_ep[2], iut_ep[2];
	uint8_t buf[NET_MAX_DATAGRAM + 1];
	/* capture: live (pcap + dumper) or from our own traffic (writer) */
	pcap_t *cap;
	pcap_dumper_t *dump;
	int cap_fd;
	struct pcapfile_writer *own;
	char note[NET_NOTE_MAX];
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

static void net_endpoint_of(const struct sockaddr_storage *ss,
    struct pcapfile_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		ep->family = 4;
		memcpy(ep->addr, &sin->sin_addr, 4);
		ep->port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		ep->family = 6;
		memcpy(ep->addr, &s6->sin6_addr, 16);
		ep->port = ntohs(s6->sin6_port);
	}
}

static int net_bind_one(struct net *n, int i, const char *local,
    uint16_t port, struct err *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	if (net_sockaddr(local, port, &ss, &len, e) < 0)
		return -1;
	if (ss.ss_family != n->peer[i].ss_family)
		return err_set(e, "net: harness address %s and IUT address are of different families",
		    local);
	n->fd[i] = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->fd[i] < 0)
		return err_set(e, "net: socket: %s", strerror(errno));
	(void)setsockopt(n->fd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(n->fd[i], (struct sockaddr *)&ss, len) < 0)
		return err_set(e, "net: bind %s port %u: %s", local,
		    (unsigned)port, strerror(errno));
	len = sizeof(ss);
	if (getsockname(n->fd[i], (struct sockaddr *)&ss, &len) < 0)
		return err_set(e, "net: getsockname: %s", strerror(errno));
	net_endpoint_of(&ss, &n->local_ep[i]);
	return 0;
}

/* Live capture on the test link; on any failure the reason goes into the
 * note and the pcap is written from our own traffic instead. */
static int net_capture_live_open(struct net *n, const struct net_config *cfg,
    char *why, size_t whylen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	char filter[256];
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
	/* The IUT's address and both of its ports: IKE, NAT-T (and ESP in
	 * UDP), and IP fragments of either, which carry no ports. */
	snprintf(filter, sizeof(filter),
	    "host %s and (udp port %u or udp port %u or (ip[6:2] & 0x1fff != 0) or esp)",
	    cfg->iut_addr, (unsigned)cfg->iut_port, (unsigned)cfg->iut_natt_port);
	if (strchr(cfg->iut_addr, ':') != NULL)	/* no IPv4 offsets in v6 */
		snprintf(filter, sizeof(filter),
		    "host %s and (udp port %u or udp port %u or ip6 proto 44 or esp)",
		    cfg->iut_addr, (unsigned)cfg->iut_port,
		    (unsigned)cfg->iut_natt_port);
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
	int i;

	*out = NULL;
	if (cfg->iut_addr == NULL || cfg->local_addr == NULL)
		return err_set(e, "net: no %s address",
		    cfg->iut_addr == NULL ? "IUT" : "harness");
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return err_set(e, "net: out of memory");
	n->fd[0] = n->fd[1] = n->cap_fd = -1;
	for (i = 0; i < 2; i++) {
		if (net_sockaddr(cfg->iut_addr, iut_port[i], &n->peer[i],
		    &n->peer_len[i], e) < 0 ||
		    net_bind_one(n, i, cfg->local_addr, local_port[i], e) < 0)
			goto fail;
		net_endpoint_of(&n->peer[i], &n->iut_ep[i]);
	}
	if (net_capture_open(n, cfg, e) < 0)
		goto fail;
	*out = n;
	return 0;
fail:
	net_close(n, NULL);
	return -1;
}

/* Copies whatever the capture holds into the dump file, without waiting. */
static void net_capture_service(struct net *n)
{
	int k;

	if (n->cap == NULL)
		return;
	/* bounded: a flood cannot keep us here */
	for (k = 0; k < 64; k++)
		if (pcap_dispatch(n->cap, -1, pcap_dump, (u_char *)n->dump) <= 0)
			break;
}

static void net_own_write(struct net *n, const struct pcapfile_endpoint *src,
    const struct pcapfile_endpoint *dst, const uint8_t *p, size_t len,
    bool esp)
{
	struct bytes pkt = BYTES_EMPTY;

	if (n->own == NULL)
		return;
	if (!esp) {
		(void)pcapfile_write_ike(n->own, net_wall_us(), src, dst, p,
		    len, NULL);
		return;
	}
	if (pcapfile_build_udp(&pkt, src, dst, false, p, len, NULL) == 0)
		(void)pcapfile_write_frame(n->own, net_wall_us(), pkt.data,
		    pkt.len, NULL);
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
	free(n);
	return rc;
}

int net_send(struct net *n, enum net_port port, const uint8_t *msg,
    size_t len, struct err *e)
{
	uint8_t *buf = n->buf;
	size_t total = len;
	ssize_t sent;

	if (len > NET_MAX_DATAGRAM - NET_MARKER_LEN)
		return err_set(e, "net: message of %zu bytes does not fit a datagram",
		    len);
	if (port == NET_NATT) {
		memset(buf, 0, NET_MARKER_LEN);	/* non-ESP marker */
		memcpy(buf + NET_MARKER_LEN, msg, len);
		total = len + NET_MARKER_LEN;
	} else {
		memcpy(buf, msg, len);
	}
	sent = sendto(n->fd[port], buf, total, 0,
	    (struct sockaddr *)&n->peer[port], n->peer_len[port]);
	if (sent < 0 || (size_t)sent != total)
		return err_set(e, "net: sendto: %s",
		    sent < 0 ? strerror(errno) : "short write");
	net_own_write(n, &n->local_ep[port], &n->iut_ep[port], msg, len, false);
	net_capture_service(n);
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

	if (pkt->esp || pkt->len < IKE_HEADER_LEN ||
	    (pkt->data[IKE_FLAGS_AT] & IKE_FLAG_RESPONSE) != 0 ||
	    !net_same_host(from, &n->peer[i]) || fromlen > sizeof(n->peer[i]))
		return;
	memcpy(&n->peer[i], from, fromlen);
	n->peer_len[i] = fromlen;
	net_endpoint_of(&n->peer[i], &n->iut_ep[i]);
}

/* Reads one datagram from a readable socket into pkt. 1 with an IKE or
 * ESP packet, 0 for a datagram to pass over (NAT keepalive, empty). */
static int net_read_one(struct net *n, int i, struct net_packet *pkt,
    struct err *e)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t got;

	got = recvfrom(n->fd[i], n->buf, sizeof(n->buf), MSG_DONTWAIT,
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
	net_endpoint_of(&from, &pkt->src);
	pkt->data = n->buf;
	pkt->len = (size_t)got;
	/* a NAT-keepalive (RFC 3948 2.3) is never IKE, whichever port it hits */
	if (got == 1 && n->buf[0] == 0xff)
		return 0;
	if (i == NET_NATT) {
		if (got >= NET_MARKER_LEN && memcmp(n->buf, "\0\0\0\0", 4) == 0) {
			pkt->data += NET_MARKER_LEN;
			pkt->len -= NET_MARKER_LEN;
		} else {
			pkt->esp = true;
		}
	}
	net_follow_request(n, i, &from, fromlen, pkt);
	if (n->own != NULL)
		net_own_write(n, &pkt->src, &n->local_ep[i], pkt->data, pkt->len,
		    pkt->esp);
	return got > 0 ? 1 : 0;
}

int net_recv(struct net *n, uint64_t deadline_us, struct net_packet *pkt,
    struct err *e)
{
	for (;;) {
		struct pollfd pfd[3];
		nfds_t nfd = 2;
		uint64_t now = net_now_us();
		int i, rc, timeout;

		if (now >= deadline_us)
			return 0;
		timeout = (int)((deadline_us - now + 999) / 1000);
		for (i = 0; i < 2; i++) {
			pfd[i].fd = n->fd[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (n->cap_fd >= 0) {
			pfd[2].fd = n->cap_fd;
			pfd[2].events = POLLIN;
			pfd[2].revents = 0;
			nfd = 3;
		}
		rc = poll(pfd, nfd, timeout);
		if (rc < 0 && errno != EINTR)
			return err_set(e, "net: poll: %s", strerror(errno));
		if (rc <= 0)
			continue;
		if (nfd == 3 && (pfd[2].revents & POLLIN))
			net_capture_service(n);
		for (i = 0; i < 2; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLERR)))
				continue;
			rc = net_read_one(n, i, pkt, e);
			if (rc != 0) {
				net_capture_service(n);
				return rc;
			}
		}
	}
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
	return n->local_ep[port].port;
}
