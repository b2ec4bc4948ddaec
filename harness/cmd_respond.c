/* cmd_respond: `iketest respond`, the reference IKEv2 peer on UDP: the
 * responder engine (respond.c) behind sockets on the IKE port and the
 * NAT-T port (RFC 3948 2.2: non-ESP marker stripped on receive, added on
 * send), or a one-shot initiator (--initiate). */
#include <arpa/inet.h>
#include <errno.h>
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
#include "names.h"
#include "respond.h"

enum { RSP_SOCK_MAX = 4, RSP_DGRAM_MAX = 65535 };

static volatile sig_atomic_t rsp_stop;

static void rsp_on_signal(int sig)
{
	(void)sig;
	rsp_stop = 1;
}

struct rsp_opts {
	const char *profile, *listen, *log, *pidfile, *initiate;
	unsigned port, natt_port;
	bool once;
};

struct rsp_sock {
	int fd;
	bool natt;		/* the NAT-T port: non-ESP marker */
	struct ike_addr local;
};

static void rsp_usage(FILE *out)
{
	fprintf(out,
	    "usage: iketest respond --profile FILE [--listen ADDR] [--port N]\n"
	    "           [--natt-port N] [--once] [--log FILE] [--pidfile FILE]\n"
	    "           [--initiate ADDR]\n"
	    "\n"
	    "The reference IKEv2 peer. As a responder it answers IKE_SA_INIT,\n"
	    "IKE_AUTH (PSK, RSA, ECDSA, RFC 7427), CREATE_CHILD_SA and\n"
	    "INFORMATIONAL requests on UDP ADDR:N (default: every address, port\n"
	    "500) and on the NAT-T port (default 4500, 0: none), with the policy\n"
	    "of an IUT profile (peers/README.md): [ike] [esp] algorithms, [auth]\n"
	    "methods, psk-file, psk-id-iut, cert-id-iut, iut-cert, iut-key,\n"
	    "[addresses] protected, harness-protected, peers-protected,\n"
	    "[capabilities] cookies, [timers] cookie-threshold (half-open SAs\n"
	    "before a COOKIE is demanded; 0: always). $NAME words are taken from\n"
	    "the environment (eval \"$(ci/lab env ref)\").\n"
	    "\n"
	    "  --profile FILE   the policy (required)\n"
	    "  --listen ADDR    IPv4 or IPv6 address to bind (default: 0.0.0.0 and ::);\n"
	    "                   --addr ADDR is the same\n"
	    "  --port N         IKE port (default 500); with --initiate, the peer's\n"
	    "  --natt-port N    NAT-T port (default 4500; 0: none)\n"
	    "  --once           exit after the first IKE SA is established or deleted\n"
	    "  --log FILE       one line per message and per SA event (no key, no PSK)\n"
	    "  --pidfile FILE   written once the sockets are bound; removed at exit\n"
	    "  --initiate ADDR  initiator instead: IKE SA + CHILD SA to ADDR, then\n"
	    "                   delete it and exit (0: established, 1: not)\n"
	    "\n"
	    "SIGTERM and SIGINT stop it. Exit status: 0 ok, 1 failure, 2 bad usage\n"
	    "or profile (`iketest respond: FILE:LINE: message').\n"
	    "\n"
	    "examples:\n"
	    "  iketest respond --profile peers/reference/profile.conf --listen 192.0.2.18\n"
	    "  iketest respond --profile p.conf --listen 127.0.0.1 --port 5500 \\\n"
	    "      --natt-port 0 --once --log /tmp/r.log --pidfile /tmp/r.pid\n"
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
		if (strcmp(a, "--profile") == 0)
			str = &o->profile;
		else if (strcmp(a, "--listen") == 0 || strcmp(a, "--addr") == 0)
			str = &o->listen;
		else if (strcmp(a, "--log") == 0)
			str = &o->log;
		else if (strcmp(a, "--pidfile") == 0)
			str = &o->pidfile;
		else if (strcmp(a, "--initiate") == 0)
			str = &o->initiate;
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
		if (str)
			*str = v;
		i++;
	}
	if (o->profile == NULL) {
		fprintf(stderr, "iketest respond: --profile FILE is required\n");
		return 2;
	}
	return 0;
}

static socklen_t rsp_sockaddr(const struct ike_addr *a,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(a->port);
		memcpy(&s6->sin6_addr, a->ip, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(a->port);
	memcpy(&s4->sin_addr, a->ip, 4);
	return sizeof(*s4);
}

static void rsp_addr_of(const struct sockaddr_storage *ss, struct ike_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		a->family = 6;
		memcpy(a->ip, &s6->sin6_addr, 16);
		a->port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		a->family = 4;
		memcpy(a->ip, &s4->sin_addr, 4);
		a->port = ntohs(s4->sin_port);
	}
}

static void rsp_addr_text(const struct ike_addr *a, char *out, size_t n)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->ip, ip, sizeof(ip));
	snprintf(out, n, a->family == 6 ? "[%s]:%u" : "%s:%u", ip, a->port);
}

static int rsp_bind(const struct ike_addr *a, struct err *e)
{
	struct sockaddr_storage ss;
	socklen_t len = rsp_sockaddr(a, &ss);
	int fd, one = 1;
	char t[80];

	fd = socket(a->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return err_set(e, "socket: %s", strerror(errno));
	if (a->family == 6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		rsp_addr_text(a, t, sizeof(t));
		err_set(e, "bind %s: %s", t, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The sockets: the given address, or 0.0.0.0 and ::, on each port. */
static int rsp_open(const struct rsp_opts *o, struct rsp_sock *s, size_t *n,
    struct err *e)
{
	struct ike_addr base[2];
	unsigned ports[2] = { o->port, o->natt_port };
	size_t nb = 0, i, j;

	*n = 0;
	if (o->listen) {
		if (ike_addr_parse(o->listen, &base[0], e) < 0)
			return err_prefix(e, "--listen");
		nb = 1;
	} else {
		ike_addr_parse("0.0.0.0", &base[nb++], e);
		ike_addr_parse("::", &base[nb++], e);
	}
	for (j = 0; j < 2; j++) {
		if (ports[j] == 0)
			continue;
		for (i = 0; i < nb; i++) {
			int fd;
			base[i].port = (uint16_t)ports[j];
			if ((fd = rsp_bind(&base[i], e)) < 0) {
				/* No IPv6 on the host: IPv4 alone will do. */
				if (!o->listen && base[i].family == 6)
					continue;
				return -1;
			}
			s[*n].fd = fd;
			s[*n].natt = j == 1;
			s[*n].local = base[i];
			(*n)++;
		}
	}
	return 0;
}

/* The engine's answer to one message, appended to out. */
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

/* One datagram from socket s through the engine, and its answer back. */
static int rsp_serve(struct respond *r, const struct rsp_sock *s,
    uint8_t *buf, struct bytes *out, struct err *e)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char peer[80];
	size_t off = 0;
	ssize_t got;
	struct err he;
	int rc;

	got = recvfrom(s->fd, buf, RSP_DGRAM_MAX, 0, (struct sockaddr *)&from,
	    &flen);
	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? 0 :
		    err_set(e, "recvfrom: %s", strerror(errno));
	if (s->natt) {
		/* RFC 3948 2.2: IKE behind four zero octets; anything else
		 * (ESP, a NAT-keepalive 0xff) is not for the IKE engine. */
		if (got < 4 || buf[0] || buf[1] || buf[2] || buf[3])
			return 0;
		off = 4;
	}
	rsp_addr_of(&from, &r->cfg.peer);
	r->cfg.local = s->local;
	rsp_addr_text(&r->cfg.peer, peer, sizeof(peer));
	r->peer_text = peer;
	out->len = 0;
	if (s->natt && bytes_append(out, "\0\0\0\0", 4) < 0)
		return err_set(e, "out of memory");
	rc = rsp_answer(r, buf + off, (size_t)got - off, out, &he);
	r->peer_text = NULL;
	if (rc < 0) {
		/* One bad exchange does not stop the peer: logged, dropped. */
		if (r->log)
			fprintf(r->log, "! %s: %s\n", peer, he.text);
		return 0;
	}
	if (out->len == off)
		return 0;	/* nothing to answer */
	if (sendto(s->fd, out->data, out->len, 0, (struct sockaddr *)&from,
	    flen) < 0 && r->log)
		fprintf(r->log, "! sendto %s: %s\n", peer, strerror(errno));
	return 0;
}

static int rsp_loop(struct respond *r, struct rsp_sock *s, size_t n,
    bool once, struct err *e)
{
	struct pollfd pf[RSP_SOCK_MAX];
	struct bytes out = BYTES_EMPTY;
	uint8_t *buf = malloc(RSP_DGRAM_MAX);
	size_t i;
	int rc = 0, k;

	if (buf == NULL)
		return err_set(e, "out of memory");
	for (i = 0; i < n; i++)
		pf[i] = (struct pollfd){ .fd = s[i].fd, .events = POLLIN };
	while (!rsp_stop && rc == 0) {
		k = poll(pf, n, 1000);
		if (k < 0 && errno != EINTR)
			rc = err_set(e, "poll: %s", strerror(errno));
		for (i = 0; k > 0 && i < n && rc == 0; i++)
			if (pf[i].revents & POLLIN)
				rc = rsp_serve(r, &s[i], buf, &out, e);
		if (once && (r->established || r->deleted))
			break;
	}
	free(buf);
	bytes_free(&out);
	return rc;
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
	ssize_t got;
	int k;

	k = poll(&pf, 1, (int)(timeout_us / 1000));
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
	rsp_log_msg(pe->log, "<", out->data, out->len);
	return 1;
}

static unsigned long long rsp_spi(const uint8_t s[static IKE_SPI_LEN])
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < IKE_SPI_LEN; i++)
		v = v << 8 | s[i];
	return v;
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
	    rsp_spi(sa->spi_i), rsp_spi(sa->spi_r), what, alg, sa->nchild,
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
	if (ike_addr_parse(o->initiate, &cfg->peer, e) < 0)
		return err_prefix(e, "--initiate");
	cfg->peer.port = (uint16_t)o->port;
	len = rsp_sockaddr(&cfg->peer, &ss);
	pe.fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (pe.fd < 0 || connect(pe.fd, (struct sockaddr *)&ss, len) < 0) {
		err_set(e, "connect %s: %s", o->initiate, strerror(errno));
		goto out;
	}
	len = sizeof(ss);
	if (getsockname(pe.fd, (struct sockaddr *)&ss, &len) == 0)
		rsp_addr_of(&ss, &cfg->local);
	/* Offer every selector; the responder narrows (RFC 7296 2.9). */
	cfg->ts_peer.n = 0;
	if (ike_ts_add_prefix(&cfg->ts_peer, "0.0.0.0/0", e) < 0 ||
	    ike_ts_add_prefix(&cfg->ts_peer, "::/0", e) < 0)
		goto out;
	if (ike_establish(cfg, &t, true, &sa, e) < 0)
		goto out;
	rsp_log_sa(log, sa, "established");
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

static int rsp_serve_main(const struct rsp_opts *o, struct respond_conf *rc,
    FILE *log, struct err *e)
{
	struct rsp_sock s[RSP_SOCK_MAX];
	struct respond r;
	size_t n = 0, i;
	char t[80];
	int status = 1;

	if (respond_init(&r, &rc->cfg, e) < 0)
		return 1;
	r.cert_auth = rc->cert_auth;
	memset(&rc->cert_auth, 0, sizeof(rc->cert_auth));
	r.cookies = rc->cookies;
	r.cookie_threshold = rc->cookie_threshold;
	r.log = log;
	if (rsp_open(o, s, &n, e) < 0)
		goto out;
	if (o->pidfile && rsp_write_pid(o->pidfile, e) < 0)
		goto out;
	for (i = 0; log && i < n; i++) {
		rsp_addr_text(&s[i].local, t, sizeof(t));
		fprintf(log, "# listening on %s%s\n", t,
		    s[i].natt ? " (NAT-T)" : "");
	}
	if (log)
		fflush(log);
	status = rsp_loop(&r, s, n, o->once, e) < 0 ? 1 : 0;
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
	if (respond_conf_load(o.profile, &rc, &e) < 0) {
		fprintf(stderr, "iketest respond: %s\n", e.text);
		return 2;
	}
	if (o.log && (log = fopen(o.log, "a")) == NULL) {
		fprintf(stderr, "iketest respond: %s: %s\n", o.log, strerror(errno));
		respond_conf_free(&rc);
		return 2;
	}
	rsp_stop = 0;
	if (rsp_signals() < 0) {
		fprintf(stderr, "iketest respond: sigaction: %s\n", strerror(errno));
		status = 1;
	} else if (o.initiate) {
		status = rsp_initiate(&o, &rc.cfg, log, &e) < 0 ? 1 : 0;
	} else {
		status = rsp_serve_main(&o, &rc, log, &e);
	}
	if (status && e.text[0])
		fprintf(stderr, "iketest respond: %s\n", e.text);
	if (log)
		fclose(log);
	respond_conf_free(&rc);
	return status;
}
