/* cmd_respond: `iketest respond`, the reference IKEv2 peer on UDP: the
 * responder engine (respond.c) behind sockets on the IKE port and the
 * NAT-T port (RFC 3948 2.2: non-ESP marker stripped on receive, added on
 * send), or a one-shot initiator (--initiate).
 *
 * Its CHILD SAs carry traffic (respond_esp.c): ESP in UDP on the NAT-T
 * port (RFC 3948 2.1), and, when it may open raw sockets (root or
 * CAP_NET_RAW), ESP and AH over IP (protocols 50 and 51). An answer goes
 * back the way its request came. With --stats the data plane's counters
 * are written to a file, whole and renamed, after every change and
 * before the answer that follows it goes out. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_respond_int.h"
#include "evidence.h"
#include "esp.h"
#include "names.h"
#include "respond.h"

enum {
	RSP_SOCK_MAX = 8,	/* 2 families x (IKE, NAT-T, raw ESP, raw AH) */
	RSP_DGRAM_MAX = 65535,
	RSP_IPV4_HDR = 20,
	RSP_IPV6_HDR = 40,
	RSP_PROTO_ESP = 50,
	RSP_PROTO_AH = 51,
	RSP_BATCH = 64,		/* datagrams read per socket per poll */
	RSP_CMSG_SPACE = 128,
};

static volatile sig_atomic_t rsp_stop;

static void rsp_on_signal(int sig)
{
	(void)sig;
	rsp_stop = 1;
}

struct rsp_opts {
	const char *profile, *listen, *log, *pidfile, *initiate, *stats, *keys;
	FILE *keys_f;			/* --keys, opened mode 0600 */
	unsigned port, natt_port;
	bool once, no_raw, drop_first, impair_list;
	struct respond_impair impair;	/* --impair NAME ... */
};

/* What a socket carries. */
enum rsp_kind {
	RSP_IKE,		/* UDP, the IKE port */
	RSP_NATT,		/* UDP, the NAT-T port: IKE behind the marker,
				 * ESP, keepalives (RFC 3948 2) */
	RSP_RAW_ESP,		/* IP protocol 50 */
	RSP_RAW_AH,		/* IP protocol 51 (IPv4: IP_HDRINCL for the
				 * answers, whose header AH covers) */
};

struct rsp_sock {
	int fd;
	enum rsp_kind kind;
	struct addr local;
};

/* Where the counters go, and the generation last written. */
struct rsp_stats {
	const char *path;
	uint64_t written;
	bool ever;
};

static void rsp_usage(FILE *out)
{
	fprintf(out,
	    "usage: iketest respond --profile FILE [--listen ADDR] [--port N]\n"
	    "           [--natt-port N] [--once] [--log FILE] [--pidfile FILE]\n"
	    "           [--stats FILE] [--no-raw] [--impair NAME]... [--initiate ADDR]\n"
	    "           [--drop-first]\n"
	    "\n"
	    "The reference IKEv2 peer. As a responder it answers IKE_SA_INIT,\n"
	    "IKE_AUTH (PSK, RSA, ECDSA, RFC 7427), CREATE_CHILD_SA and\n"
	    "INFORMATIONAL requests on UDP ADDR:N (default: every address, port\n"
	    "500) and on the NAT-T port (default 4500, 0: none), with the policy\n"
	    "of an IUT profile (peers/README.md): [ike] [esp] algorithms, [auth]\n"
	    "methods, psk-file, psk-id-iut, cert-id-iut, iut-cert, iut-key,\n"
	    "[addresses] protected, harness-protected, peers-protected, echo,\n"
	    "echo-port, [capabilities] cookies, [timers] cookie-threshold\n"
	    "(half-open SAs before a COOKIE is demanded; 0: always). $NAME words\n"
	    "are taken from the environment (eval \"$(ci/lab env ref)\").\n"
	    "\n"
	    "Its CHILD SAs carry ESP in UDP on the NAT-T port and, as root, ESP\n"
	    "and AH over IP. Behind them it is itself the echo service: a UDP\n"
	    "datagram to the echo port (default 7) or an ICMP/ICMPv6 echo\n"
	    "request to a protected or echo address is answered through the\n"
	    "same CHILD SA; inner packets outside its traffic selectors, replays,\n"
	    "bad ICVs and bad padding are dropped and counted.\n"
	    "\n"
	    "  --profile FILE   the policy (required)\n"
	    "  --listen ADDR    IPv4 or IPv6 address to bind (default: 0.0.0.0 and ::);\n"
	    "                   --addr ADDR is the same\n"
	    "  --port N         IKE port (default 500); with --initiate, the peer's\n"
	    "  --natt-port N    NAT-T port (default 4500; 0: none)\n"
	    "  --once           exit after the first IKE SA is established or deleted\n"
	    "  --log FILE       one line per message and per SA event (no key, no PSK)\n"
	    "  --pidfile FILE   written once the sockets are bound; removed at exit\n"
	    "  --keys FILE      appends the session keys (SK_e, SK_a) of each IKE SA\n"
	    "                   for `iketest observe --keys' (mode 0600; no SK_d, no PSK)\n"
	    "  --stats FILE     the ESP/AH counters, rewritten (whole, renamed) after\n"
	    "                   each change: a line per CHILD SA, newest last,\n"
	    "                   `child SPI_IN SPI_OUT in_packets=N in_bytes=N\n"
	    "                   out_packets=N out_bytes=N drop_replay=N ...', then\n"
	    "                   `unknown_spi=N'\n"
	    "  --no-raw         no raw sockets: ESP in UDP only, even as root\n"
	    "  --impair NAME    a deliberate deviation (repeatable): a named violation\n"
	    "                   of an RFC MUST, or a legal- variation; `--impair list'\n"
	    "                   prints them (name, kind, clause, suites, what);\n"
	    "                   the responder only, never --initiate\n"
	    "  --initiate ADDR  initiator instead: IKE SA + CHILD SA to ADDR, then\n"
	    "                   delete it and exit (0: established, 1: not)\n"
	    "  --drop-first     a test aid: drop the first copy of each IKE datagram\n"
	    "                   received and of each response sent (logged `~')\n"
	    "\n"
	    "SIGTERM and SIGINT stop it. Exit status: 0 ok, 1 failure, 2 bad usage\n"
	    "or profile (`iketest respond: FILE:LINE: message').\n"
	    "\n"
	    "examples:\n"
	    "  iketest respond --profile peers/reference/profile.conf --listen 192.0.2.18\n"
	    "  iketest respond --profile p.conf --listen 127.0.0.1 --port 5500 \\\n"
	    "      --natt-port 5501 --once --log /tmp/r.log --pidfile /tmp/r.pid \\\n"
	    "      --stats /tmp/r.stats\n"
	    "  iketest respond --profile p.conf --initiate 127.0.0.1 --port 5500\n");
}

static int rsp_number(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* 0 ok, 1 --help, 2 bad usage (message printed). */
static int rsp_parse(int argc, char **argv, struct rsp_opts *o)
{
	const char *impair = NULL;
	struct err e;
	int i;

	memset(o, 0, sizeof(*o));
	o->port = 500;
	o->natt_port = 4500;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **str = NULL;
		unsigned *num = NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return 1;
		if (strcmp(a, "--once") == 0) {
			o->once = true;
			continue;
		}
		if (strcmp(a, "--no-raw") == 0) {
			o->no_raw = true;
			continue;
		}
		if (strcmp(a, "--drop-first") == 0) {
			o->drop_first = true;
			continue;
		}
		if (strcmp(a, "--profile") == 0)
			str = &o->profile;
		else if (strcmp(a, "--listen") == 0 || strcmp(a, "--addr") == 0)
			str = &o->listen;
		else if (strcmp(a, "--log") == 0)
			str = &o->log;
		else if (strcmp(a, "--pidfile") == 0)
			str = &o->pidfile;
		else if (strcmp(a, "--stats") == 0)
			str = &o->stats;
		else if (strcmp(a, "--keys") == 0)
			str = &o->keys;
		else if (strcmp(a, "--initiate") == 0)
			str = &o->initiate;
		else if (strcmp(a, "--impair") == 0)
			str = &impair;
		else if (strcmp(a, "--port") == 0)
			num = &o->port;
		else if (strcmp(a, "--natt-port") == 0)
			num = &o->natt_port;
		else {
			fprintf(stderr, "iketest respond: unknown option `%s'\n", a);
			return 2;
		}
		if (v == NULL) {
			fprintf(stderr, "iketest respond: %s needs a value\n", a);
			return 2;
		}
		if (num && (rsp_number(v, 65535, num) < 0 ||
		    (num == &o->port && *num == 0))) {
			fprintf(stderr, "iketest respond: %s: bad port `%s'\n", a, v);
			return 2;
		}
		if (str == &impair && strcmp(v, "list") == 0) {
			o->impair_list = true;
		} else if (str == &impair) {
			if (respond_impair_add(&o->impair, v, &e) < 0) {
				fprintf(stderr, "iketest respond: --impair: %s\n",
				    e.text);
				return 2;
			}
		} else if (str) {
			*str = v;
		}
		i++;
	}
	if (o->impair_list)
		return 0;
	if (o->profile == NULL) {
		fprintf(stderr, "iketest respond: --profile FILE is required\n");
		return 2;
	}
	return 0;
}

static int rsp_bind(const struct addr *a, struct err *e)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_to_sockaddr(a, &ss);
	int fd, one = 1;
	char t[ADDR_TEXT_MAX];

	fd = socket(a->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return err_set(e, "socket: %s", strerror(errno));
	if (a->family == 6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		addr_format_port(a, t);
		err_set(e, "bind %s: %s", t, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A raw socket of one protocol on address a, or -1 with the reason in
 * *e. IPv6: the destination of each packet comes with it (RFC 3542
 * IPV6_RECVPKTINFO); IPv4 AH: answers are written whole (IP_HDRINCL). */
static int rsp_raw(const struct addr *a, int proto, struct err *e)
{
	struct sockaddr_storage ss;
	struct addr any = *a;
	socklen_t len;
	int fd, one = 1, rc;

	any.port = 0;
	len = addr_to_sockaddr(&any, &ss);
	fd = socket(ss.ss_family, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return err_set(e, "raw socket for IP protocol %d: %s", proto,
		    strerror(errno));
	if (ss.ss_family == AF_INET6)
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
		    sizeof(one));
	else
		rc = proto == RSP_PROTO_AH ? setsockopt(fd, IPPROTO_IP,
		    IP_HDRINCL, &one, sizeof(one)) : 0;
	if (rc < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0) {
		err_set(e, "raw socket for IP protocol %d: %s", proto,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The sockets: the given address, or 0.0.0.0 and ::, on each port; then
 * raw ESP and AH when this process may open them (a note in the log
 * when not: ESP in UDP works without). */
static int rsp_open(const struct rsp_opts *o, struct rsp_sock *s, size_t *n,
    FILE *log, struct err *e)
{
	static const enum rsp_kind raw[2] = { RSP_RAW_ESP, RSP_RAW_AH };
	struct addr base[2];
	unsigned ports[2] = { o->port, o->natt_port };
	size_t nb = 0, i, j;
	struct err re;
	int fd;

	*n = 0;
	if (o->listen) {
		if (addr_parse(o->listen, &base[0], e) < 0)
			return err_prefix(e, "--listen");
		nb = 1;
	} else {
		addr_parse("0.0.0.0", &base[nb++], e);
		addr_parse("::", &base[nb++], e);
	}
	for (j = 0; j < 2; j++) {
		if (ports[j] == 0)
			continue;
		for (i = 0; i < nb; i++) {
			base[i].port = (uint16_t)ports[j];
			if ((fd = rsp_bind(&base[i], e)) < 0) {
				/* No IPv6 on the host: IPv4 alone will do. */
				if (!o->listen && base[i].family == 6)
					continue;
				return -1;
			}
			s[*n].fd = fd;
			s[*n].kind = j == 1 ? RSP_NATT : RSP_IKE;
			s[*n].local = base[i];
			(*n)++;
		}
	}
	for (j = 0; !o->no_raw && j < 2; j++) {
		for (i = 0; i < nb; i++) {
			base[i].port = 0;
			fd = rsp_raw(&base[i], raw[j] == RSP_RAW_ESP ?
			    RSP_PROTO_ESP : RSP_PROTO_AH, &re);
			if (fd < 0) {
				if (log)
					fprintf(log, "# no ESP/AH over IP%s: %s\n",
					    base[i].family == 6 ? "v6" : "v4",
					    re.text);
				continue;
			}
			s[*n].fd = fd;
			s[*n].kind = raw[j];
			s[*n].local = base[i];
			(*n)++;
		}
	}
	return 0;
}

/* ---- counters out ------------------------------------------------------ */

/* Written whole to FILE.tmp and renamed: a reader never sees half. */
static void rsp_stats_flush(const struct respond *r, struct rsp_stats *st)
{
	char tmp[4096];
	FILE *f;
	int bad;

	if (st->path == NULL || (st->ever && st->written == r->esp->generation))
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", st->path);
	if ((f = fopen(tmp, "w")) == NULL) {
		if (r->log)
			fprintf(r->log, "! %s: %s\n", tmp, strerror(errno));
		return;
	}
	bad = respond_esp_stats(r->esp, f) < 0;
	if (fclose(f) != 0 || bad || rename(tmp, st->path) < 0) {
		if (r->log)
			fprintf(r->log, "! %s: %s\n", st->path, strerror(errno));
		unlink(tmp);
		return;
	}
	st->written = r->esp->generation;
	st->ever = true;
}

/* ---- serving ------------------------------------------------------------ */

/* One packet as read, and where its answer goes. */
struct rsp_dgram {
	uint8_t *buf;			/* RSP_IPV6_HDR + RSP_DGRAM_MAX + 1 */
	size_t len;			/* of the packet at buf + off */
	size_t off;
	struct sockaddr_storage from;
	socklen_t flen;
	struct addr src, dst;	/* outer addresses */
};

/* The engine's answer to one IKE message, appended to out. */
static int rsp_answer(struct respond *r, const uint8_t *p, size_t n,
    struct bytes *out, struct err *e)
{
	struct bytes reply = BYTES_EMPTY;
	int rc = respond_handle(r, p, n, &reply, e);

	if (rc == 0 && reply.len && bytes_append(out, reply.data, reply.len) < 0)
		rc = err_set(e, "out of memory");
	bytes_free(&reply);
	return rc;
}

/* An IKE message (after the marker on NAT-T) through the engine; its
 * answer in out (empty: none). */
static void rsp_ike(struct respond *r, const struct rsp_sock *s,
    struct rsp_dgram *d, struct bytes *out)
{
	char peer[ADDR_TEXT_MAX];
	struct err he;
	size_t off = s->kind == RSP_NATT ? 4 : 0;

	r->cfg.peer = d->src;
	r->cfg.local = s->local;
	addr_format_port(&r->cfg.peer, peer);
	r->peer_text = peer;
	out->len = 0;
	if (off && bytes_append(out, "\0\0\0\0", 4) < 0) {
		r->peer_text = NULL;
		return;
	}
	if (rsp_drop_first(d->buf + d->off + off, d->len - off,
	    "a datagram received")) {
		r->peer_text = NULL;
		out->len = 0;
		return;
	}
	/* One bad exchange does not stop the peer: logged, dropped. */
	if (rsp_answer(r, d->buf + d->off + off, d->len - off, out, &he) < 0) {
		if (r->log)
			fprintf(r->log, "! %s: %s\n", peer, he.text);
		out->len = 0;
	}
	r->peer_text = NULL;
	if (out->len == off ||
	    (out->len > off && rsp_drop_first(out->data + off, out->len - off,
	    "a response sent")))
		out->len = 0;	/* nothing to answer */
}

/* ESP (from the SPI on) through the data plane. */
static void rsp_esp(struct respond *r, struct rsp_dgram *d,
    struct bytes *out)
{
	struct err e;

	if (respond_esp_input(r->esp, d->buf + d->off, d->len, &d->src, &d->dst,
	    out, &e) < 0 && r->log)
		fprintf(r->log, "! ESP: %s\n", e.text);
}

/* An IPv4 packet from a raw socket (header included): ESP from its SPI
 * on, or AH whole. 0 when it is not a sound packet. */
static int rsp_raw4(const struct rsp_sock *s, struct rsp_dgram *d)
{
	const uint8_t *p = d->buf;
	size_t hl, total;

	if (d->len < RSP_IPV4_HDR || p[0] >> 4 != 4)
		return 0;
	hl = (size_t)(p[0] & 0x0f) * 4;
	total = (size_t)(p[2] << 8 | p[3]);
	/* RFC 791 3.1: header within the packet, length within what came */
	if (hl < RSP_IPV4_HDR || hl > d->len || total < hl || total > d->len)
		return 0;
	memset(&d->src, 0, sizeof(d->src));
	d->src.family = d->dst.family = 4;
	memcpy(d->src.ip, p + 12, 4);
	memcpy(d->dst.ip, p + 16, 4);
	if (s->kind == RSP_RAW_ESP) {
		d->off = hl;
		d->len = total - hl;
	} else {
		d->len = total;
	}
	return 1;
}

/* An IPv6 payload from a raw socket (read at buf + RSP_IPV6_HDR): for
 * AH its header is put back (source, destination from IPV6_PKTINFO; the
 * rest mutable or fixed for AH's ICV, RFC 4302 3.3.3.1). */
static int rsp_raw6(const struct rsp_sock *s, struct rsp_dgram *d,
    struct msghdr *mh)
{
	struct cmsghdr *cm;
	uint8_t *h = d->buf;

	d->dst = s->local;
	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm))
		/* RFC 3542 6.1: in6_pktinfo starts with the address */
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO && cm->cmsg_len >= CMSG_LEN(16))
			memcpy(d->dst.ip, CMSG_DATA(cm), 16);
	d->dst.port = 0;
	if (s->kind == RSP_RAW_ESP || d->len > 0xffff)
		return s->kind == RSP_RAW_ESP;
	memset(h, 0, RSP_IPV6_HDR);
	h[0] = 0x60;
	h[4] = (uint8_t)(d->len >> 8);
	h[5] = (uint8_t)d->len;
	h[6] = RSP_PROTO_AH;
	h[7] = 64;
	memcpy(h + 8, d->src.ip, 16);
	memcpy(h + 24, d->dst.ip, 16);
	d->off = 0;
	d->len += RSP_IPV6_HDR;
	return 1;
}

/* Reads one packet of socket s into d: 1 read, 0 nothing (or nothing
 * usable), -1 error. */
static int rsp_read(const struct rsp_sock *s, struct rsp_dgram *d,
    struct err *e)
{
	bool raw6 = s->kind >= RSP_RAW_ESP && s->local.family == 6;
	union {
		struct cmsghdr align;
		uint8_t space[RSP_CMSG_SPACE];
	} cbuf;
	struct iovec iov;
	struct msghdr mh;
	ssize_t got;

	d->off = raw6 ? RSP_IPV6_HDR : 0;
	iov.iov_base = d->buf + d->off;
	iov.iov_len = RSP_DGRAM_MAX + 1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &d->from;
	mh.msg_namelen = sizeof(d->from);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.space;
	mh.msg_controllen = sizeof(cbuf.space);
	got = recvmsg(s->fd, &mh, MSG_DONTWAIT);
	if (got < 0)
		return errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK ? 0 :
		    err_set(e, "recvmsg: %s", strerror(errno));
	d->flen = mh.msg_namelen;
	d->len = (size_t)got;
	addr_from_sockaddr(&d->from, &d->src);
	d->dst = s->local;
	if (s->kind == RSP_IKE || s->kind == RSP_NATT)
		return 1;
	d->src.port = 0;
	return raw6 ? rsp_raw6(s, d, &mh) : rsp_raw4(s, d);
}

/* Sends an answer the way its request came. A raw IPv6 AH answer loses
 * its header (the kernel writes the same one); raw IPv4 AH is written
 * whole (IP_HDRINCL). */
static void rsp_send(const struct respond *r, const struct rsp_sock *s,
    const struct rsp_dgram *d, const struct bytes *out)
{
	const uint8_t *p = out->data;
	size_t n = out->len;
	char peer[ADDR_TEXT_MAX];

	if (s->kind == RSP_RAW_AH && s->local.family == 6) {
		if (n < RSP_IPV6_HDR)
			return;
		p += RSP_IPV6_HDR;
		n -= RSP_IPV6_HDR;
	}
	if (sendto(s->fd, p, n, 0, (const struct sockaddr *)&d->from,
	    d->flen) < 0 && r->log) {
		addr_format_port(&d->src, peer);
		fprintf(r->log, "! sendto %s: %s\n", peer, strerror(errno));
	}
}

/* One packet from socket s through the engine or the data plane, the
 * counters written, and the answer back. 1 when one was read. */
static int rsp_serve(struct respond *r, const struct rsp_sock *s,
    struct rsp_dgram *d, struct rsp_stats *st, struct bytes *out,
    struct err *e)
{
	struct err ae;
	int rc = rsp_read(s, d, e);

	if (rc <= 0)
		return rc;
	out->len = 0;
	switch (s->kind) {
	case RSP_IKE:
		rsp_ike(r, s, d, out);
		break;
	case RSP_NATT:
		/* RFC 3948 2: IKE behind four zero octets, ESP from a
		 * non-zero SPI on, a keepalive 0xff (nothing to do) */
		switch (esp_udp_kind(d->buf, d->len)) {
		case ESP_UDP_IKE:
			rsp_ike(r, s, d, out);
			break;
		case ESP_UDP_ESP:
			rsp_esp(r, d, out);
			break;
		case ESP_UDP_KEEPALIVE:
		case ESP_UDP_INVALID:
			break;
		}
		break;
	case RSP_RAW_ESP:
		rsp_esp(r, d, out);
		break;
	case RSP_RAW_AH:
		if (respond_ah_input(r->esp, d->buf + d->off, d->len, out,
		    &ae) < 0 && r->log)
			fprintf(r->log, "! AH: %s\n", ae.text);
		break;
	}
	rsp_stats_flush(r, st);
	if (out->len)
		rsp_send(r, s, d, out);
	return 1;
}

static int rsp_loop(struct respond *r, struct rsp_sock *s, size_t n,
    const struct rsp_opts *o, struct rsp_stats *st, struct err *e)
{
	struct pollfd pf[RSP_SOCK_MAX];
	struct bytes out = BYTES_EMPTY;
	struct rsp_dgram d;
	size_t i;
	int rc = 0, k, b;

	memset(&d, 0, sizeof(d));
	if ((d.buf = malloc(RSP_IPV6_HDR + RSP_DGRAM_MAX + 1)) == NULL)
		return err_set(e, "out of memory");
	for (i = 0; i < n; i++)
		pf[i] = (struct pollfd){ .fd = s[i].fd, .events = POLLIN };
	while (!rsp_stop && rc >= 0) {
		k = poll(pf, n, 1000);
		if (k < 0 && errno != EINTR)
			rc = err_set(e, "poll: %s", strerror(errno));
		for (i = 0; k > 0 && i < n && rc >= 0; i++) {
			if (!(pf[i].revents & POLLIN))
				continue;
			/* a few at a time: one busy socket cannot starve
			 * the others */
			for (b = 0; b < RSP_BATCH; b++)
				if ((rc = rsp_serve(r, &s[i], &d, st, &out, e)) <= 0)
					break;
		}
		if (o->once && (r->established || r->deleted))
			break;
	}
	free(d.buf);
	bytes_free(&out);
	return rc < 0 ? -1 : 0;
}

/* ---- initiator --------------------------------------------------------- */

struct rsp_peer {
	int fd;
	FILE *log;
};

static void rsp_log_msg(FILE *log, const char *dir, const uint8_t *p,
    size_t n)
{
	struct ike_rx rx;
	struct err e;
	char line[512];

	if (log == NULL || ike_rx_decode(NULL, p, n, false, &rx, &e) < 0)
		return;
	ike_rx_summary(&rx, line, sizeof(line));
	fprintf(log, "%s %s\n", dir, line);
	fflush(log);
	ike_rx_free(&rx);
}

static int rsp_peer_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct rsp_peer *pe = ctx;

	rsp_log_msg(pe->log, ">", p, n);
	if (send(pe->fd, p, n, 0) < 0)
		return err_set(e, "send: %s", strerror(errno));
	return 0;
}

static int rsp_peer_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	struct rsp_peer *pe = ctx;
	struct pollfd pf = { .fd = pe->fd, .events = POLLIN };
	uint64_t end = ike_now_us() + timeout_us, now;
	ssize_t got;
	int k;

	for (;;) {
		now = ike_now_us();
		k = poll(&pf, 1, now < end ? (int)((end - now) / 1000) : 0);
		if (k < 0)
			return errno == EINTR ? 0 : err_set(e, "poll: %s", strerror(errno));
		if (k == 0)
			return 0;
		if (bytes_resize(out, RSP_DGRAM_MAX) < 0)
			return err_set(e, "out of memory");
		got = recv(pe->fd, out->data, out->len, 0);
		if (got < 0) {
			out->len = 0;
			/* ICMP unreachable: nobody listens; a timeout to the caller. */
			return errno == ECONNREFUSED || errno == EINTR ? 0 :
			    err_set(e, "recv: %s", strerror(errno));
		}
		out->len = (size_t)got;
		if (!rsp_drop_first(out->data, out->len, "a datagram received"))
			break;
	}
	rsp_log_msg(pe->log, "<", out->data, out->len);
	return 1;
}

/* The initiator's SA events, as the engine logs a responder's. */
static void rsp_log_sa(FILE *log, const struct ike_sa *sa, const char *what)
{
	char alg[256];
	size_t k;

	if (log == NULL)
		return;
	ike_proposal_format(&sa->proposal, alg, sizeof(alg));
	fprintf(log, "= IKE SA %016llx/%016llx %s: %s, %zu CHILD SA%s\n",
	    (unsigned long long)ike_spi_u64(sa->spi_i),
	    (unsigned long long)ike_spi_u64(sa->spi_r), what, alg, sa->nchild,
	    sa->nchild == 1 ? "" : "s");
	for (k = 0; k < sa->nchild; k++) {
		const uint8_t *i = sa->child[k].spi_in, *o = sa->child[k].spi_out;
		ike_proposal_format(&sa->child[k].proposal, alg, sizeof(alg));
		fprintf(log, "= CHILD SA %s in %02x%02x%02x%02x out %02x%02x%02x%02x: %s\n",
		    names_get(NAMES_T_PROTOCOL, sa->child[k].protocol),
		    i[0], i[1], i[2], i[3], o[0], o[1], o[2], o[3], alg);
	}
	fflush(log);
}

/* IKE SA + CHILD SA to o->initiate, then a Delete of the IKE SA. */
static int rsp_initiate(const struct rsp_opts *o, struct ike_config *cfg,
    FILE *log, struct err *e)
{
	struct rsp_peer pe = { -1, log };
	struct ike_transport t = { &pe, rsp_peer_send, rsp_peer_recv };
	struct sockaddr_storage ss;
	struct ike_sa *sa = NULL;
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	socklen_t len;
	int rc = -1;

	memset(&rx, 0, sizeof(rx));
	if (addr_parse(o->initiate, &cfg->peer, e) < 0)
		return err_prefix(e, "--initiate");
	cfg->peer.port = (uint16_t)o->port;
	len = addr_to_sockaddr(&cfg->peer, &ss);
	pe.fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (pe.fd < 0 || connect(pe.fd, (struct sockaddr *)&ss, len) < 0) {
		err_set(e, "connect %s: %s", o->initiate, strerror(errno));
		goto out;
	}
	len = sizeof(ss);
	if (getsockname(pe.fd, (struct sockaddr *)&ss, &len) == 0)
		addr_from_sockaddr(&ss, &cfg->local);
	/* Offer every selector; the responder narrows (RFC 7296 2.9). */
	cfg->ts_peer.n = 0;
	if (ike_ts_add_prefix(&cfg->ts_peer, "0.0.0.0/0", e) < 0 ||
	    ike_ts_add_prefix(&cfg->ts_peer, "::/0", e) < 0)
		goto out;
	if (ike_establish(cfg, &t, true, &sa, e) < 0)
		goto out;
	rsp_log_sa(log, sa, "established");
	if (o->keys_f && evidence_keyset_write(o->keys_f, &sa->keys, e) < 0)
		goto out;
	if (ike_build_info_delete_ike(sa, &m, e) < 0 ||
	    ike_exchange(sa, &m, &t, cfg, &rx, e) < 0 ||
	    ike_info_response(sa, &rx, e) != IKE_R_OK)
		goto out;
	rsp_log_sa(log, sa, "deleted");
	rc = 0;
out:
	ike_msg_free(&m);
	ike_rx_free(&rx);
	ike_sa_free(sa);
	if (pe.fd >= 0)
		close(pe.fd);
	return rc;
}

/* ---- command ------------------------------------------------------------- */

static int rsp_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rsp_on_signal;	/* no SA_RESTART: poll returns */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

/* A file for secrets: appended to, created mode 0600. */
static FILE *rsp_fopen_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	return fd < 0 ? NULL : fdopen(fd, "a");
}

static int rsp_write_pid(const char *path, struct err *e)
{
	char tmp[4096];
	FILE *f;

	/* Written whole and renamed: a reader never sees a partial pid. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return err_set(e, "%s: %s", tmp, strerror(errno));
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	return 0;
}

static const char *rsp_kind_note(enum rsp_kind k)
{
	switch (k) {
	case RSP_IKE:
		return "";
	case RSP_NATT:
		return " (NAT-T: IKE, ESP in UDP)";
	case RSP_RAW_ESP:
		return " (ESP over IP)";
	case RSP_RAW_AH:
		return " (AH over IP)";
	}
	return "";
}

static int rsp_serve_main(const struct rsp_opts *o, struct respond_conf *rc,
    FILE *log, struct err *e)
{
	struct rsp_sock s[RSP_SOCK_MAX];
	struct rsp_stats st = { o->stats, 0, false };
	struct respond r;
	size_t n = 0, i;
	char t[ADDR_TEXT_MAX];
	int status = 1;

	if (respond_init(&r, &rc->cfg, e) < 0) {
		respond_free(&r);
		return 1;
	}
	r.cert_auth = rc->cert_auth;
	memset(&rc->cert_auth, 0, sizeof(rc->cert_auth));
	r.cookies = rc->cookies;
	r.cookie_threshold = rc->cookie_threshold;
	r.log = log;
	r.keys = o->keys_f;
	r.impair = o->impair;
	r.esp->log = log;
	r.esp->echo_port = (uint16_t)rc->echo_port;
	memcpy(r.esp->echo, rc->echo, sizeof(rc->echo));
	r.esp->necho = rc->necho;
	if (rsp_open(o, s, &n, log, e) < 0)
		goto out;
	rsp_stats_flush(&r, &st);	/* there from the start: no CHILD SA */
	if (o->pidfile && rsp_write_pid(o->pidfile, e) < 0)
		goto out;
	for (i = 0; log && i < n; i++) {
		addr_format_port(&s[i].local, t);
		if (s[i].kind == RSP_RAW_ESP || s[i].kind == RSP_RAW_AH)
			inet_ntop(s[i].local.family == 6 ? AF_INET6 : AF_INET,
			    s[i].local.ip, t, sizeof(t));	/* no port */
		fprintf(log, "# listening on %s%s\n", t, rsp_kind_note(s[i].kind));
	}
	if (log)
		fflush(log);
	status = rsp_loop(&r, s, n, o, &st, e) < 0 ? 1 : 0;
	if (log)
		fprintf(log, "# stopped: %u established, %u deleted, %u dropped\n",
		    r.established, r.deleted, r.dropped);
	if (o->pidfile)
		unlink(o->pidfile);
out:
	for (i = 0; i < n; i++)
		close(s[i].fd);
	r.log = NULL;
	respond_free(&r);
	return status;
}

/* --impair list: one line per impairment, tab-separated, for people and
 * for harness/tests/impair.sh: name, kind, clause, suites, what. */
static int rsp_impair_list(FILE *f)
{
	const struct respond_impair_def *d;
	size_t i;

	for (i = 0; i < RESPOND_IMPAIR_COUNT; i++) {
		d = respond_impair_def((enum respond_impair_id)i);
		fprintf(f, "%s\t%s\t%s\t%s\t%s\n", d->name,
		    d->kind == RESPOND_IMPAIR_LEGAL ? "legal" : "violation",
		    d->clause, d->suites[0] ? d->suites : "-", d->what);
	}
	return fflush(f) == 0 ? 0 : 1;
}

int cmd_respond(int argc, char **argv)
{
	struct rsp_opts o;
	struct respond_conf rc;
	struct err e = { "" };
	FILE *log = NULL;
	int status;

	switch (rsp_parse(argc, argv, &o)) {
	case 0:
		break;
	case 1:
		rsp_usage(stdout);
		return 0;
	default:
		rsp_usage(stderr);
		return 2;
	}
	if (o.impair_list)
		return rsp_impair_list(stdout);
	if (respond_conf_load(o.profile, &rc, &e) < 0) {
		fprintf(stderr, "iketest respond: %s\n", e.text);
		return 2;
	}
	if (rc.warning.text[0] != '\0')
		fprintf(stderr, "iketest respond: %s\n", rc.warning.text);
	if (o.log && (log = fopen(o.log, "a")) == NULL) {
		fprintf(stderr, "iketest respond: %s: %s\n", o.log, strerror(errno));
		respond_conf_free(&rc);
		return 2;
	}
	if (o.keys && (o.keys_f = rsp_fopen_private(o.keys)) == NULL) {
		fprintf(stderr, "iketest respond: %s: %s\n", o.keys, strerror(errno));
		status = 2;
		goto done;
	}
	rsp_stop = 0;
	rsp_drop_setup(o.drop_first, log);
	if (rsp_signals() < 0) {
		fprintf(stderr, "iketest respond: sigaction: %s\n", strerror(errno));
		status = 1;
	} else if (o.initiate) {
		/* Without psk in [auth] methods the initiator authenticates
		 * with its certificate (the conf the responder answers
		 * signatures with); swapped back before the conf is freed. */
		struct ike_auth_conf psk = rc.cfg.auth;

		if (rc.cfg.auth.method == 0)
			rc.cfg.auth = rc.cert_auth;
		status = rsp_initiate(&o, &rc.cfg, log, &e) < 0 ? 1 : 0;
		rc.cfg.auth = psk;
	} else {
		status = rsp_serve_main(&o, &rc, log, &e);
	}
	if (status && e.text[0])
		fprintf(stderr, "iketest respond: %s\n", e.text);
	if (log && o.drop_first)
		fprintf(log, "# --drop-first: %lu datagrams dropped\n",
		    rsp_drop_count());
	if (o.keys_f)
		fclose(o.keys_f);
done:
	if (log)
		fclose(log);
	respond_conf_free(&rc);
	return status;
}
