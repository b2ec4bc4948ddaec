/* test_respond_live: `iketest respond` on loopback with its data plane,
 * driven through the net transport. The responder listens on 127.A.B.2
 * (A.B and ports from the pid), the test is the initiator on 127.A.B.1: IKE SA
 * and CHILD SA over UDP, then an ESP echo in UDP on the NAT-T port (RFC
 * 3948 2.1), a replay, a keepalive (2.3), and as root ESP over IP; the
 * --stats file is read after each step; a Delete of the IKE SA empties
 * it; SIGTERM stops the responder. Skipped when build/iketest (or
 * $IKETEST) is not there. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "esp.h"
#include "ike.h"
#include "inet.h"
#include "names.h"
#include "net.h"
#include "tap.h"

static const char PSK[] = "live-test-psk-not-a-secret";
enum { WAIT_US = 2000000, STATS_MAX = 4096 };

static char dir[64];
/* 127.A.B.1 (the test) and .2 (the responder), A.B from the pid: runs at
 * once do not meet on their raw sockets. */
static char H[16], I[16];
static pid_t child_pid = -1;

static const char *tmp_path(const char *name)
{
	static char path[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Starts the responder on I:port and port+1; 0 once its pid
 * file is there (written after the sockets are bound). */
static int start_responder(const char *iketest, unsigned port)
{
	char p1[8], p2[8];
	int i;

	snprintf(p1, sizeof(p1), "%u", port);
	snprintf(p2, sizeof(p2), "%u", port + 1);
	unlink(tmp_path("r.pid"));
	child_pid = fork();
	if (child_pid < 0)
		return -1;
	if (child_pid == 0) {
		freopen(tmp_path("r.err"), "w", stderr);
		execl(iketest, iketest, "respond", "--profile",
		    tmp_path("profile.conf"), "--listen", I, "--port",
		    p1, "--natt-port", p2, "--log", tmp_path("r.log"),
		    "--pidfile", tmp_path("r.pid"), "--stats",
		    tmp_path("r.stats"), (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		if (access(tmp_path("r.pid"), F_OK) == 0)
			return 0;
		if (waitpid(child_pid, NULL, WNOHANG) == child_pid) {
			child_pid = -1;
			return -1;
		}
		sleep_ms(50);
	}
	return -1;
}

static int stop_responder(void)
{
	int st = -1, i;

	if (child_pid <= 0)
		return -1;
	kill(child_pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (waitpid(child_pid, &st, WNOHANG) == child_pid) {
			child_pid = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		}
		sleep_ms(50);
	}
	kill(child_pid, SIGKILL);
	waitpid(child_pid, &st, 0);
	child_pid = -1;
	return 129;
}

/* The stats file as text (empty when unreadable). */
static void read_stats(char *buf)
{
	FILE *f = fopen(tmp_path("r.stats"), "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, STATS_MAX - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

/* Waits up to 2 s for the stats to hold `want' (a drop has no answer
 * to wait for). */
static bool stats_hold(const char *want, char *buf)
{
	int i;

	for (i = 0; i < 40; i++) {
		read_stats(buf);
		if (strstr(buf, want) != NULL)
			return true;
		sleep_ms(50);
	}
	return false;
}

/* IKE through the net transport: ESP, AH and keepalives passed over. */
static int tr_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	return net_send(ctx, NET_IKE, p, n, e);
}

static int tr_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	uint64_t end = net_now_us() + timeout_us;
	struct net_packet pkt;
	int rc;

	while ((rc = net_recv(ctx, end, &pkt, e)) == 1)
		if (!pkt.esp && !pkt.ah && !pkt.keepalive)
			return bytes_set(out, pkt.data, pkt.len) < 0 ? -1 : 1;
	return rc;
}

/* The next ESP packet that arrives on port, or 0 bytes by the deadline. */
static int next_esp(struct net *n, enum net_port port, struct net_packet *pkt)
{
	uint64_t end = net_now_us() + WAIT_US;
	struct err e;

	while (net_recv(n, end, pkt, &e) == 1)
		if (pkt->esp && pkt->port == port)
			return 1;
	return 0;
}

static uint32_t spi_num(const uint8_t s[static IKE_CHILD_SPI_LEN])
{
	return (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
	    (uint32_t)s[2] << 8 | s[3];
}

/* Our ESP SAs from the child we initiated (RFC 7296 2.17). */
static int our_sas(const struct ike_child *c, struct esp_sa **out,
    struct esp_sa **in)
{
	size_t el = c->encr_key_len, il = c->integ_key_len;
	struct esp_sa_params p = {
		.encr = ike_proposal_get(&c->proposal, TT_ENCR, ENCR_NULL),
		.encr_key_bits = ike_proposal_key_bits(&c->proposal),
		.integ = ike_proposal_get(&c->proposal, TT_INTEG, INTEG_NONE),
		.encr_key_len = el, .integ_key_len = il,
	};
	struct err e;

	p.spi = spi_num(c->spi_out);
	p.encr_key = c->keymat.data;
	p.integ_key = c->keymat.data + el;
	*out = esp_sa_new(&p, &e);
	p.spi = spi_num(c->spi_in);
	p.encr_key = c->keymat.data + el + il;
	p.integ_key = c->keymat.data + 2 * el + il;
	*in = esp_sa_new(&p, &e);
	return *out && *in ? 0 : -1;
}

/* An ESP packet of a UDP echo request 203.0.113.1 -> 198.51.100.18:7. */
static void echo_request(struct esp_sa *out, const char *data,
    struct bytes *pkt)
{
	struct inet_pkt p;
	struct bytes inner = BYTES_EMPTY;
	struct err e;
	size_t len = 0;

	memset(&p, 0, sizeof(p));
	addr_parse("203.0.113.1", &p.src, &e);
	addr_parse("198.51.100.18", &p.dst, &e);
	p.proto = INET_PROTO_UDP;
	p.sport = 33333;
	p.dport = 7;
	p.data = (const uint8_t *)data;
	p.data_len = strlen(data);
	inet_build_ip(&p, &inner, &e);
	bytes_resize(pkt, esp_encap_len(out, inner.len, NULL));
	if (esp_encap(out, INET_PROTO_IPIP, inner.data, inner.len, NULL,
	    pkt->data, pkt->len, &len, &e) < 0)
		diag("esp_encap: %s", e.text);
	pkt->len = len;
	bytes_free(&inner);
}

/* The reply decrypted: its sequence number when it is the echo of data,
 * else 0. */
static uint64_t echo_reply(struct esp_sa *in, const struct net_packet *pkt,
    const char *data)
{
	struct esp_rx rx;
	struct inet_pkt ip;
	struct err e;

	if (esp_decap(in, pkt->data, pkt->len, &rx) != ESP_OK ||
	    inet_parse_ip(rx.payload, rx.payload_len, &ip, &e) < 0 ||
	    ip.sport != 7 || ip.dport != 33333 ||
	    ip.data_len != strlen(data) || memcmp(ip.data, data, ip.data_len))
		return 0;
	return rx.seq;
}

/* The responder's SA events and complaints, as TAP comments. */
static void diag_log(void)
{
	FILE *f = fopen(tmp_path("r.log"), "r");
	char line[512];

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (line[0] == '=' || line[0] == '!' || line[0] == '#')
			diag("respond: %.*s", (int)strcspn(line, "\n"), line);
	if (f != NULL)
		fclose(f);
}

static void run(const char *iketest)
{
	char profile[1024], want[256], *stats = malloc(STATS_MAX);
	char idi[32];
	struct net_config nc;
	struct net *n = NULL;
	struct ike_config ini;
	struct ike_transport t;
	struct ike_sa *sa = NULL;
	struct esp_sa *out = NULL, *in = NULL;
	struct bytes pkt = BYTES_EMPTY;
	struct net_packet rp;
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	struct err e = { "" };
	unsigned port = 0;
	int tries;

	snprintf(idi, sizeof(idi), "ipv4:%s", H);
	memset(&rx, 0, sizeof(rx));
	snprintf(profile, sizeof(profile),
	    "[addresses]\nprotected = 198.51.100.16/28\n"
	    "harness-protected = 203.0.113.0/24\necho-port = 7\n"
	    "[auth]\nmethods = psk\npsk-file = %s\npsk-id-iut = ipv4:%s\n"
	    "[ike]\nencr = AES_GCM_16/256\nprf = HMAC_SHA2_256\ndh = ECP_256\n"
	    "[esp]\nencr = AES_GCM_16/256\ndh = NONE\nesn = NO\n",
	    tmp_path("psk"), I);
	if (stats == NULL || write_file(tmp_path("psk"), PSK) < 0 ||
	    write_file(tmp_path("profile.conf"), profile) < 0) {
		ok(0, "test files written");
		free(stats);
		return;
	}
	for (tries = 0; tries < 5; tries++) {
		port = 20000 + (unsigned)(getpid() * 7 + tries * 211) % 20000;
		if (start_responder(iketest, port) == 0)
			break;
	}
	if (!ok(tries < 5, "iketest respond up on %s:%u/%u", I, port,
	    port + 1)) {
		free(stats);
		return;
	}
	read_stats(stats);
	ok(strcmp(stats, "unknown_spi=0\n") == 0,
	    "--stats file there from the start: `unknown_spi=0' alone");

	memset(&nc, 0, sizeof(nc));
	nc.local_addr = H;
	nc.iut_addr = I;
	nc.iut_port = (uint16_t)port;
	nc.iut_natt_port = (uint16_t)(port + 1);
	ike_config_init(&ini);
	if (net_open(&n, &nc, &e) < 0 ||
	    ike_policy_parse(PROTO_IKE, "AES_GCM_16/256 HMAC_SHA2_256 ECP_256",
	    &ini.ike, &e) < 0 ||
	    ike_policy_parse(PROTO_ESP, "AES_GCM_16/256 ESN_NO", &ini.esp,
	    &e) < 0 ||
	    ike_id_parse(idi, &ini.auth.id_type, &ini.auth.id, &e) < 0 ||
	    ike_ts_add_prefix(&ini.ts_local, "203.0.113.0/24", &e) < 0 ||
	    ike_ts_add_prefix(&ini.ts_peer, "198.51.100.16/28", &e) < 0)
		diag("setup: %s", e.text);
	ini.auth.method = AUTH_SHARED_KEY_MIC;
	bytes_set(&ini.auth.psk, PSK, strlen(PSK));
	ini.timeout_ms = 1000;
	t = (struct ike_transport){ n, tr_send, tr_recv };
	if (!ok(n && ike_establish(&ini, &t, true, &sa, &e) == 0 &&
	    sa->nchild == 1 && our_sas(&sa->child[0], &out, &in) == 0,
	    "IKE SA and CHILD SA over UDP (%s)", e.text))
		goto out;

	/* RFC 3948 2.1: ESP in UDP on the NAT-T port, answered there. */
	echo_request(out, "live echo", &pkt);
	ok(net_send_esp(n, NET_NATT, pkt.data, pkt.len, &e) == 0 &&
	    next_esp(n, NET_NATT, &rp) == 1 && rp.src.port == port + 1 &&
	    echo_reply(in, &rp, "live echo") == 1,
	    "ESP in UDP: the echo comes back from the NAT-T port, sequence 1");
	read_stats(stats);
	snprintf(want, sizeof(want), "child %08x %08x in_packets=1 in_bytes=37 out_packets=1 out_bytes=37 ",
	    spi_num(sa->child[0].spi_out), spi_num(sa->child[0].spi_in));
	ok(strncmp(stats, want, strlen(want)) == 0 &&
	    strstr(stats, "\nunknown_spi=0\n") != NULL,
	    "stats written before the answer: %s...", want);

	/* RFC 4303 3.4.3: the same packet again: no answer, counted. */
	net_send_esp(n, NET_NATT, pkt.data, pkt.len, &e);
	ok(next_esp(n, NET_NATT, &rp) == 0, "no answer to the replay");
	ok(stats_hold(" drop_replay=1 ", stats) &&
	    strstr(stats, " in_packets=1 ") != NULL,
	    "the replay is counted (drop_replay=1), not accepted");

	/* RFC 3948 2.3: a keepalive is nothing to the data plane. */
	ok(net_send_keepalive(n, &e) == 0, "keepalive sent (%s)", e.text);
	echo_request(out, "after keepalive", &pkt);
	net_send_esp(n, NET_NATT, pkt.data, pkt.len, &e);
	ok(next_esp(n, NET_NATT, &rp) == 1 &&
	    echo_reply(in, &rp, "after keepalive") == 2,
	    "after a keepalive the next echo is answered, sequence 2");

	if (!net_raw_available(n, NULL)) {
		tap_skip("not root", "ESP over IP to iketest respond");
	} else {
		echo_request(out, "raw echo", &pkt);
		ok(net_send_esp(n, NET_RAW, pkt.data, pkt.len, &e) == 0 &&
		    next_esp(n, NET_RAW, &rp) == 1 &&
		    echo_reply(in, &rp, "raw echo") == 3,
		    "ESP over IP (protocol 50): the echo comes back over IP, sequence 3 (%s)",
		    e.text);
	}

	/* RFC 7296 1.4.1: the IKE SA deleted, its child's line goes. */
	ok(ike_build_info_delete_ike(sa, &m, &e) == 0 &&
	    ike_exchange(sa, &m, &t, &ini, &rx, &e) == 0 &&
	    ike_info_response(sa, &rx, &e) == IKE_R_OK,
	    "IKE SA deleted (%s)", e.text);
	read_stats(stats);
	ok(strncmp(stats, "unknown_spi=", 12) == 0,
	    "after the Delete no child line is left");
out:
	is_int(stop_responder(), 0, "SIGTERM: the responder exits 0");
	diag_log();
	ike_msg_free(&m);
	ike_rx_free(&rx);
	esp_sa_free(out);
	esp_sa_free(in);
	ike_sa_free(sa);
	ike_config_free(&ini);
	net_close(n, NULL);
	bytes_free(&pkt);
	free(stats);
}

int main(void)
{
	const char *iketest = getenv("IKETEST") ? getenv("IKETEST") :
	    "build/iketest";
	static const char *const files[] = { "psk", "profile.conf", "r.pid",
		"r.err", "r.log", "r.stats", "r.stats.tmp" };
	size_t i;

	if (access(iketest, X_OK) != 0) {
		tap_skip("no iketest binary", "%s: %s", iketest, strerror(errno));
		return tap_done();
	}
	snprintf(dir, sizeof(dir), "%s/iketest-live.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	snprintf(H, sizeof(H), "127.%u.%u.1", 1 + (unsigned)getpid() / 254 % 254,
	    1 + (unsigned)getpid() % 254);
	snprintf(I, sizeof(I), "127.%u.%u.2", 1 + (unsigned)getpid() / 254 % 254,
	    1 + (unsigned)getpid() % 254);
	run(iketest);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(tmp_path(files[i]));
	rmdir(dir);
	return tap_done();
}
