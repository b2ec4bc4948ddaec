/* net_int: what net.c (UDP sockets, capture) and net_raw.c (ESP and AH
 * over IP) share: the transport's state and the raw back end's entry
 * points. Nothing outside the net module includes it. */
#ifndef IKETEST_NET_INT_H
#define IKETEST_NET_INT_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net.h"

enum {
	NET_MARKER_LEN = 4,
	NET_IPV4_HDR = 20,
	NET_IPV6_HDR = 40,
	NET_RAW_WHY_MAX = 320,
	NET_ADDR_TEXT = 64,
};

/* The raw receive sockets, by protocol. */
enum net_raw_sock { NET_RAW_ESP, NET_RAW_AH, NET_RAW_SOCKS };

struct net {
	int fd[2];			/* NET_IKE, NET_NATT */
	struct sockaddr_storage peer[2];
	socklen_t peer_len[2];
	struct addr local_ep[2], iut_ep[2];
	char local_text[NET_ADDR_TEXT];	/* harness address, as configured */
	struct addr local_ip, iut_ip;	/* addresses, port 0 */
	/* raw IP (net_raw.c): receive sockets, libnet writer, or why not */
	int raw_fd[NET_RAW_SOCKS];
	void *libnet;			/* libnet_t */
	bool raw_ok;
	char raw_why[NET_RAW_WHY_MAX];
	uint16_t ip_id;			/* IPv4 identification of our packets */
	/* room for an IPv6 header put back in front of a raw read */
	uint8_t buf[NET_IPV6_HDR + NET_MAX_DATAGRAM + 1];
	/* capture: live (pcap + dumper) or from our own traffic (writer) */
	pcap_t *cap;
	pcap_dumper_t *dump;
	int cap_fd;
	struct pcapfile_writer *own;
	char note[NET_NOTE_MAX];
};

/* Opens the raw sockets and the libnet writer when this process may;
 * otherwise n->raw_why says why (never an error: raw IP is optional). */
void net_raw_open(struct net *n);
void net_raw_close(struct net *n);
/* Writes a whole IP packet through libnet (the caller checked that it
 * goes to the IUT). */
int net_raw_write(struct net *n, const uint8_t *ip_pkt, size_t len,
    struct err *e);
/* Reads one packet from raw socket s: 1 with an ESP or AH packet from
 * the IUT's address, 0 for one to pass over, -1 on error. */
int net_raw_read(struct net *n, enum net_raw_sock s, struct net_packet *pkt,
    struct err *e);
/* An IP header from the harness address to the IUT's with protocol
 * proto in front of payload (len bytes), into out (room for
 * NET_IPV6_HDR + len); returns the packet's length. */
size_t net_ip_wrap(struct net *n, uint8_t proto, const uint8_t *payload,
    size_t len, uint8_t *out);

/* Copies the packet into the pcap written from our own traffic (when
 * there is no live capture). */
void net_own_frame(struct net *n, const uint8_t *ip_pkt, size_t len);
/* Copies whatever the live capture holds into the dump file. */
void net_capture_service(struct net *n);

#endif
