/* net: how iketest's IKE messages reach the IUT and come back.
 *
 * A transport is a small ops table (send, receive with a deadline, close)
 * so that the interpreter and the ike module do not care whether messages
 * travel over real UDP sockets or through something else (a test double).
 * The UDP back end holds two sockets bound to the harness address: one for
 * port 500 and one for 4500, where every IKE message carries the 4-byte
 * non-ESP marker of RFC 3948 2.2 (added on send, checked and removed on
 * receive; a datagram with a non-zero first word is ESP and is reported
 * as such, not as IKE; a lone 0xFF there is a NAT keepalive). ESP and AH
 * over IP go through libnet's raw writer and come back on raw sockets of
 * protocols 50 and 51 (net_raw.c), when the process may open them (root
 * or CAP_NET_RAW: net_raw_available). A reader that only wants IKE
 * passes over packets with esp, ah or keepalive set.
 *
 * Times: every packet has a CLOCK_MONOTONIC timestamp in microseconds
 * (timing checks) taken as it is read.
 *
 * Capture: each test's traffic goes into one pcap file. With capture_if
 * set and the right privileges, libpcap captures the link itself
 * (immediate mode, BPF filter: the IUT's address with all UDP, ESP and AH
 * over IP, and fragments, serviced in the same poll loop as the
 * sockets), so the file also holds what the IUT sent that iketest never
 * read. When that is impossible (not root, no such interface), the file
 * is written from what iketest sent and received (harness/pcapfile: IKE,
 * ESP in UDP, keepalives, ESP and AH over IP) and net_capture_note says
 * so and why. */
#ifndef IKETEST_NET_H
#define IKETEST_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapfile.h"

struct err;

enum {
	NET_PORT_IKE = 500,
	NET_PORT_NATT = 4500,
	NET_MAX_DATAGRAM = 65535,
	NET_NOTE_MAX = 1024,
};

/* Which of the two sockets, or raw IP (ESP and AH over IP, protocols 50
 * and 51: sent through libnet, received on raw sockets; root only). */
enum net_port { NET_IKE, NET_NATT, NET_RAW };

/* One datagram as read. data points into the transport's buffer: valid
 * until the next receive. */
struct net_packet {
	const uint8_t *data;
	size_t len;
	uint64_t ts_us;			/* CLOCK_MONOTONIC, microseconds */
	enum net_port port;		/* where it arrived */
	bool esp;			/* ESP: on 4500 without a non-ESP marker
					 * (data from the SPI on), or raw IP
					 * protocol 50 (data from the SPI on) */
	bool ah;			/* raw IP protocol 51: data is the whole
					 * IP packet (AH's ICV covers it) */
	bool keepalive;			/* on 4500: the one byte 0xFF (RFC 3948
					 * 2.3; one on 500 is passed over) */
	struct addr src;
};

struct net_ops {
	/* Sends one IKE message (the marker is the transport's business). */
	int (*send)(void *ctx, enum net_port port, const uint8_t *msg,
	    size_t len, struct err *e);
	/* 1 with a packet, 0 when the deadline (monotonic microseconds)
	 * passed first, -1 on error. */
	int (*recv)(void *ctx, uint64_t deadline_us, struct net_packet *pkt,
	    struct err *e);
};

struct net_config {
	const char *local_addr;		/* harness address (bound) */
	uint16_t local_port;		/* 0: ephemeral */
	uint16_t local_natt_port;	/* 0: ephemeral */
	const char *iut_addr;		/* where messages go */
	uint16_t iut_port;		/* 500 unless a test says otherwise */
	uint16_t iut_natt_port;		/* 4500 likewise */
	const char *capture_if;		/* NULL: no live capture */
	const char *pcap_path;		/* NULL: no pcap at all */
};

/* The UDP back end. */
struct net;

int net_open(struct net **out, const struct net_config *cfg, struct err *e);
/* Flushes and closes the pcap; 0, or -1 if it did not reach the file
 * (the sockets are closed in any case). NULL is fine. */
int net_close(struct net *n, struct err *e);
/* The ops table over this transport (ctx = the struct net). */
const struct net_ops *net_udp_ops(void);

int net_send(struct net *n, enum net_port port, const uint8_t *msg,
    size_t len, struct err *e);
int net_recv(struct net *n, uint64_t deadline_us, struct net_packet *pkt,
    struct err *e);
/* A packet already waiting, without waiting for one: 1 with it, 0 none
 * (what a flood over many sockets reads between its sends). */
int net_recv_ready(struct net *n, struct net_packet *pkt, struct err *e);

/* ---- ESP, AH, keepalives, simulated NAT (RFC 4303, 4302, 3948) ---- */

/* Sends an ESP packet (from the SPI on): NET_NATT as UDP-encapsulated
 * ESP (RFC 3948 2.1: no marker, the SPI is the first word), NET_RAW as
 * IP protocol 50 from the harness address. */
int net_send_esp(struct net *n, enum net_port port, const uint8_t *pkt,
    size_t len, struct err *e);
/* Sends a whole IP packet as given (AH, or anything crafted) through
 * libnet's raw IPv4/IPv6 writer; a packet to any address but the IUT's
 * is refused. Linux rewrites an IPv4 packet's total length and header
 * checksum (and an identification of 0) on the way out. */
int net_send_ip(struct net *n, const uint8_t *ip_pkt, size_t len,
    struct err *e);
/* A NAT keepalive (RFC 3948 2.3) on the 4500 socket. */
int net_send_keepalive(struct net *n, struct err *e);
/* Whether raw ESP/AH can be sent and received here (root, raw sockets,
 * libnet); when not, *why says so. */
bool net_raw_available(const struct net *n, const char **why);
/* A simulated NAT rebinding: the socket of port is replaced by one bound
 * to new_addr (NULL: the same address) and new_port (0: an ephemeral
 * port). Later sends leave from there and replies are read there; the
 * capture filter names no harness address or port, so it holds the new
 * socket's traffic as it is. */
int net_rebind(struct net *n, enum net_port port, const char *new_addr,
    uint16_t new_port, struct err *e);

/* "live capture on lo (filter: ...)" or "capture from iketest's own
 * traffic: REASON". */
const char *net_capture_note(const struct net *n);
bool net_capture_live(const struct net *n);
/* The local ports actually bound (ephemeral ones resolved). */
uint16_t net_local_port(const struct net *n, enum net_port port);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t net_now_us(void);
/* CLOCK_REALTIME in microseconds (record start times, pcap stamps). */
uint64_t net_wall_us(void);

#endif
