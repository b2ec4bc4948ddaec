/* test_respond_esp: the reference peer's data plane, driven in memory.
 * The ike module establishes a CHILD SA as initiator against the respond
 * engine; the test then plays the initiator's side of ESP with the
 * child's KEYMAT (RFC 7296 2.17) and checks what the reference does:
 * echoes through the same child (RFC 862, 792), sequence numbers 1, 2,
 * 3 (RFC 4303 3.3.3), replays, old packets, bad ICVs, bad padding and
 * inner packets outside the selectors dropped and counted (4303 3.4,
 * 2.4; RFC 4301 5.2), dummies discarded (4303 2.6), unknown SPIs
 * counted, SAs gone with their child (7296 1.4.1), AH (RFC 4302), and
 * the stats lines cmd_respond writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ah.h"
#include "esp.h"
#include "ike.h"
#include "inet.h"
#include "names.h"
#include "respond.h"
#include "tap.h"

static const char PSK[] = "test-psk-do-not-log-e5p";
static const char SUITE[] = "AES_GCM_16/256 HMAC_SHA2_256 ECP_256";

struct fx {
	struct ike_config ini;
	struct respond r;
	struct bytes reply;
	bool have;
	struct ike_sa *sa;		/* the initiator's */
	struct esp_sa *out, *in;	/* the initiator's side of the child */
	struct addr me, iut;	/* outer addresses */
};

static int mem_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct fx *f = ctx;

	if (respond_handle(&f->r, p, n, &f->reply, e) < 0)
		return -1;
	f->have = f->reply.len > 0;
	return 0;
}

static int mem_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	struct fx *f = ctx;

	(void)timeout_us;
	(void)e;
	if (!f->have)
		return 0;
	f->have = false;
	return bytes_copy(out, &f->reply) < 0 ? -1 : 1;
}

/* "203.0.113.0/24 2001:db8:113::/64" into a selector list. */
static int ts_words(struct ike_ts_list *l, const char *words, struct err *e)
{
	char w[64];
	size_t n;

	while (*words) {
		n = strcspn(words, " ");
		snprintf(w, sizeof(w), "%.*s", (int)n, words);
		if (ike_ts_add_prefix(l, w, e) < 0)
			return -1;
		words += n + (words[n] == ' ');
	}
	return 0;
}

static void side(struct ike_config *c, const char *esp, const char *id,
    const char *tl, const char *tp)
{
	struct err e;

	ike_config_init(c);
	if (ike_policy_parse(PROTO_IKE, SUITE, &c->ike, &e) < 0 ||
	    ike_policy_parse(PROTO_ESP, esp, &c->esp, &e) < 0 ||
	    ike_id_parse(id, &c->auth.id_type, &c->auth.id, &e) < 0 ||
	    ts_words(&c->ts_local, tl, &e) < 0 || ts_words(&c->ts_peer, tp, &e) < 0)
		diag("config: %s", e.text);
	c->auth.method = AUTH_SHARED_KEY_MIC;
	bytes_set(&c->auth.psk, PSK, strlen(PSK));
	c->timeout_ms = 10;
	c->tries = 1;
}

static uint32_t spi_num(const uint8_t s[static IKE_CHILD_SPI_LEN])
{
	return (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
	    (uint32_t)s[2] << 8 | s[3];
}

/* The initiator's ESP SAs from its child, keyed as RFC 7296 2.17 says
 * (written here again: the test does not borrow the code it checks). */
static int initiator_sas(struct fx *f, const struct ike_child *c)
{
	size_t el = c->encr_key_len, il = c->integ_key_len;
	const uint8_t *k = c->keymat.data;
	struct esp_sa_params p = {
		.encr = ike_proposal_get(&c->proposal, TT_ENCR, ENCR_NULL),
		.encr_key_bits = ike_proposal_key_bits(&c->proposal),
		.integ = ike_proposal_get(&c->proposal, TT_INTEG, INTEG_NONE),
		.encr_key_len = el, .integ_key_len = il,
		.esn = ike_proposal_get(&c->proposal, TT_ESN, ESN_NO) == ESN_YES,
	};
	struct err e;

	/* we initiated: SK_ei | SK_ai out, SK_er | SK_ar in */
	p.spi = spi_num(c->spi_out);
	p.encr_key = k;
	p.integ_key = k + el;
	if ((f->out = esp_sa_new(&p, &e)) == NULL) {
		diag("esp_sa_new out: %s", e.text);
		return -1;
	}
	p.spi = spi_num(c->spi_in);
	p.encr_key = k + el + il;
	p.integ_key = k + 2 * el + il;
	if ((f->in = esp_sa_new(&p, &e)) == NULL) {
		diag("esp_sa_new in: %s", e.text);
		return -1;
	}
	return 0;
}

/* Initiator (harness) 192.0.2.17 with 203.0.113.0/24 behind it, the
 * reference 192.0.2.18 with tl behind it; a child of suite esp. */
static int fx_init(struct fx *f, const char *esp, const char *ini_tl,
    const char *ref_tl)
{
	struct ike_config rc;
	struct ike_transport t = { f, mem_send, mem_recv };
	struct err e = { "" };

	memset(f, 0, sizeof(*f));
	side(&f->ini, esp, "ipv4:192.0.2.17", ini_tl, ref_tl);
	side(&rc, esp, "ipv4:192.0.2.18", ref_tl, ini_tl);
	if (respond_init(&f->r, &rc, &e) < 0) {
		diag("respond_init: %s", e.text);
		return -1;
	}
	addr_parse("192.0.2.17", &f->me, &e);
	addr_parse("192.0.2.18", &f->iut, &e);
	if (ike_establish(&f->ini, &t, true, &f->sa, &e) < 0 ||
	    f->sa->nchild != 1) {
		diag("establish (%s): %s", esp, e.text);
		return -1;
	}
	return initiator_sas(f, &f->sa->child[0]);
}

static void fx_free(struct fx *f)
{
	esp_sa_free(f->out);
	esp_sa_free(f->in);
	ike_sa_free(f->sa);
	ike_config_free(&f->ini);
	respond_free(&f->r);
	bytes_free(&f->reply);
}

/* The reference's data-plane SA of the child (its inbound SPI is our
 * outbound one). */
static const struct respond_esp_sa *ref_sa(const struct fx *f)
{
	return respond_esp_find(f->r.esp, spi_num(f->sa->child[0].spi_out));
}

/* An inner UDP datagram src:sport -> dst:dport as a whole IP packet. */
static void udp_inner(const char *src, uint16_t sport, const char *dst,
    uint16_t dport, const char *data, struct bytes *out)
{
	struct inet_pkt p;
	struct err e;

	memset(&p, 0, sizeof(p));
	addr_parse(src, &p.src, &e);
	addr_parse(dst, &p.dst, &e);
	p.proto = INET_PROTO_UDP;
	p.sport = sport;
	p.dport = dport;
	p.data = (const uint8_t *)data;
	p.data_len = strlen(data);
	out->len = 0;
	if (inet_build_ip(&p, out, &e) < 0)
		diag("inet_build_ip: %s", e.text);
}

/* ESP around inner with next header nh and opts o; fed to the reference.
 * Returns the reply's length (0: none) and leaves it in f->reply. */
static size_t feed(struct fx *f, uint8_t nh, const struct bytes *inner,
    const struct esp_send_opts *o, struct bytes *pkt)
{
	struct err e = { "" };
	size_t len = 0;

	if (bytes_resize(pkt, esp_encap_len(f->out, inner->len, o)) < 0 ||
	    esp_encap(f->out, nh, inner->data, inner->len, o, pkt->data,
	    pkt->len, &len, &e) < 0)
		diag("esp_encap: %s", e.text);
	pkt->len = len;
	if (respond_esp_input(f->r.esp, pkt->data, pkt->len, &f->me, &f->iut,
	    &f->reply, &e) < 0)
		diag("respond_esp_input: %s", e.text);
	return f->reply.len;
}

/* The reply decrypted with our inbound SA: its verdict, the inner
 * packet parsed into *in (tunnel mode). */
static enum esp_verdict open_reply(struct fx *f, struct esp_rx *rx,
    struct inet_pkt *in)
{
	enum esp_verdict v = esp_decap(f->in, f->reply.data, f->reply.len, rx);
	struct err e;

	memset(in, 0, sizeof(*in));
	if (v == ESP_OK && inet_parse_ip(rx->payload, rx->payload_len, in,
	    &e) < 0)
		diag("reply: %s", e.text);
	return v;
}

static bool addr_is(const struct addr *a, const char *text)
{
	struct addr b;
	struct err e;

	return addr_parse(text, &b, &e) == 0 && addr_equal(a, &b);
}

/* The echo through one suite, and the rules every packet obeys. */
static void test_suite(const char *esp, bool full)
{
	struct fx f;
	struct bytes inner = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct esp_send_opts o;
	struct inet_pkt in;
	struct esp_rx rx;
	const struct respond_esp_sa *s = NULL;
	uint64_t before;
	uint8_t pad[32];
	size_t natural, k;
	enum esp_verdict v;
	int i;

	if (!ok(fx_init(&f, esp, "203.0.113.0/24", "198.51.100.16/28") == 0 &&
	    (s = ref_sa(&f)) != NULL, "%s: CHILD SA established, the reference holds its SA", esp)) {
		fx_free(&f);
		return;
	}
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 7, "hello", &inner);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) > 0 &&
	    open_reply(&f, &rx, &in) == ESP_OK && rx.next_header == INET_PROTO_IPIP &&
	    in.proto == INET_PROTO_UDP && addr_is(&in.src, "198.51.100.18") &&
	    addr_is(&in.dst, "203.0.113.1") && in.sport == 7 &&
	    in.dport == 40000 && in.data_len == 5 &&
	    memcmp(in.data, "hello", 5) == 0 && in.checksum_ok,
	    "%s: UDP echo answered through the same child (tunnel, ports swapped, checksums right)", esp);
	is_int(rx.seq, 1, "%s: RFC 4303 3.3.3: the first reply has sequence number 1", esp);
	ok(rx.spi == spi_num(f.sa->child[0].spi_in) && rx.pad_monotonic,
	    "%s: reply on the child's outbound SPI, padding 1, 2, 3 ... (2.4)", esp);
	ok(s->n.in_packets == 1 && s->n.out_packets == 1 &&
	    s->n.in_bytes == inner.len && s->n.out_bytes == inner.len,
	    "%s: counters: 1 in, 1 out, %zu bytes each way", esp, inner.len);
	for (i = 2; i <= 3; i++) {
		feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt);
		v = open_reply(&f, &rx, &in);
		ok(v == ESP_OK && rx.seq == (uint64_t)i,
		    "%s: reply %d has sequence number %d (got %llu)", esp, i, i,
		    (unsigned long long)rx.seq);
	}
	if (!full)
		goto out;

	/* RFC 4303 3.4.3: the same packet again. */
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) > 0, "fresh packet answered");
	before = s->n.in_packets;
	ok(respond_esp_input(f.r.esp, pkt.data, pkt.len, &f.me, &f.iut,
	    &f.reply, NULL) == 0 && f.reply.len == 0 &&
	    s->n.drop[RESPOND_DROP_REPLAY] == 1 && s->n.in_packets == before,
	    "3.4.3: a replayed packet is dropped, counted as replay");

	/* RFC 4303 3.4.4: a broken ICV (or tag). */
	memset(&o, 0, sizeof(o));
	o.corrupt_icv = true;
	ok(feed(&f, INET_PROTO_IPIP, &inner, &o, &pkt) == 0 &&
	    s->n.drop[RESPOND_DROP_BAD_ICV] == 1,
	    "3.4.4: a corrupted ICV is dropped, counted as bad ICV");
	memset(&o, 0, sizeof(o));
	o.corrupt_payload = true;
	ok(feed(&f, INET_PROTO_IPIP, &inner, &o, &pkt) == 0 &&
	    s->n.drop[RESPOND_DROP_BAD_ICV] == 2,
	    "3.4.4: altered ciphertext is dropped, counted as bad ICV");

	/* RFC 4303 2.4: padding not 1, 2, 3 ...; a Pad Length too long. The
	 * default count is what esp_encap adds beyond no padding at all;
	 * the data grows until there is some. */
	memset(&o, 0, sizeof(o));
	o.pad_given = true;
	natural = 0;
	for (k = 0; k < 16 && natural == 0; k++) {
		udp_inner("203.0.113.1", 40000, "198.51.100.18", 7,
		    "hello, padded world" + k, &inner);
		o.pad_len = 0;
		natural = esp_encap_len(f.out, inner.len, NULL) -
		    esp_encap_len(f.out, inner.len, &o);
	}
	memset(pad, 9, sizeof(pad));
	o.pad = pad;
	o.pad_len = natural;
	ok(natural > 0 && natural <= sizeof(pad) &&
	    feed(&f, INET_PROTO_IPIP, &inner, &o, &pkt) == 0 &&
	    s->n.drop[RESPOND_DROP_BAD_PADDING] == 1,
	    "2.4: %zu padding bytes of 9 (not 1, 2 ...): dropped, counted as bad padding",
	    natural);
	memset(&o, 0, sizeof(o));
	o.pad_len_given = true;
	o.pad_len_value = 250;
	ok(feed(&f, INET_PROTO_IPIP, &inner, &o, &pkt) == 0 &&
	    s->n.drop[RESPOND_DROP_BAD_PAD_LEN] == 1,
	    "2.4: Pad Length 250 beyond the plaintext: dropped, counted as bad pad length");

	/* RFC 4301 5.2: inner packets outside the selectors. */
	before = s->n.in_packets;
	udp_inner("192.0.2.99", 40000, "198.51.100.18", 7, "spoofed", &inner);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) == 0 &&
	    s->n.drop[RESPOND_DROP_SELECTORS] == 1,
	    "4301 5.2: inner source 192.0.2.99 outside TSi: dropped, counted as selectors");
	udp_inner("203.0.113.1", 40000, "198.51.100.200", 7, "elsewhere", &inner);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) == 0 &&
	    s->n.drop[RESPOND_DROP_SELECTORS] == 2 && s->n.in_packets == before,
	    "4301 5.2: inner destination 198.51.100.200 outside TSr: dropped, counted");

	/* RFC 4303 2.6: a dummy packet. */
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 7, "hello", &inner);
	ok(feed(&f, INET_PROTO_NONE, &inner, NULL, &pkt) == 0 &&
	    s->n.dummy == 1 && s->n.in_packets == before,
	    "2.6: next header 59: discarded silently, counted as dummy");

	/* Accepted, not an echo: counted, not answered. */
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 9, "discard", &inner);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) == 0 &&
	    s->n.in_packets == before + 1,
	    "UDP to port 9: accepted and counted, not answered");

	/* An SPI no child has. */
	memset(&o, 0, sizeof(o));
	o.spi_given = true;
	o.spi = 0x0badc0de;
	before = f.r.esp->unknown_spi;
	ok(feed(&f, INET_PROTO_IPIP, &inner, &o, &pkt) == 0 &&
	    f.r.esp->unknown_spi == before + 1, "unknown SPI: dropped, counted");

	/* The replies kept counting: 1, 2, 3, 4 so far, then 5. */
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 7, "again", &inner);
	v = feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) > 0 ?
	    open_reply(&f, &rx, &in) : ESP_TRUNCATED;
	ok(v == ESP_OK && rx.seq == 5,
	    "after the drops the next reply is sequence 5 (got %llu)",
	    (unsigned long long)rx.seq);
	/* Left of the window: sequence 1000, then 900 (window 64). */
	memset(&o, 0, sizeof(o));
	o.seq_given = true;
	o.seq = 1000;
	feed(&f, INET_PROTO_IPIP, &inner, &o, &pkt);
	o.seq = 900;
	ok(feed(&f, INET_PROTO_IPIP, &inner, &o, &pkt) == 0 &&
	    s->n.drop[RESPOND_DROP_TOO_OLD] == 1,
	    "3.4.3: a packet left of the window is dropped, counted as too old");
out:
	bytes_free(&inner);
	bytes_free(&pkt);
	fx_free(&f);
}

/* ICMP and ICMPv6 echo requests behind the reference. */
static void test_icmp(void)
{
	struct fx f;
	struct bytes inner = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct inet_pkt p, in;
	struct esp_rx rx;
	struct err e;
	static const uint8_t data[] = "ping";

	if (!ok(fx_init(&f, "AES_GCM_16/128 ESN_NO", "203.0.113.0/24",
	    "198.51.100.16/28") == 0, "ICMP: CHILD SA established")) {
		fx_free(&f);
		return;
	}
	memset(&p, 0, sizeof(p));
	addr_parse("203.0.113.1", &p.src, &e);
	addr_parse("198.51.100.18", &p.dst, &e);
	p.proto = INET_PROTO_ICMP;
	p.icmp_type = inet_echo_request_type(4);
	p.icmp_id = 0x1234;
	p.icmp_seq = 7;
	p.data = data;
	p.data_len = sizeof(data);
	inet_build_ip(&p, &inner, &e);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) > 0 &&
	    open_reply(&f, &rx, &in) == ESP_OK && in.proto == INET_PROTO_ICMP &&
	    in.icmp_type == inet_echo_reply_type(4) && in.icmp_id == 0x1234 &&
	    in.icmp_seq == 7 && in.data_len == sizeof(data) && in.checksum_ok &&
	    addr_is(&in.dst, "203.0.113.1"),
	    "RFC 792: ICMP echo request answered with an echo reply (same id, seq, data)");
	p.icmp_type = 13;	/* timestamp: not the echo service's */
	inner.len = 0;
	inet_build_ip(&p, &inner, &e);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) == 0 &&
	    ref_sa(&f)->n.in_packets == 2, "ICMP timestamp: accepted, not answered");
	bytes_free(&inner);
	bytes_free(&pkt);
	fx_free(&f);
}

/* ICMPv6 (RFC 4443 4.1, 4.2) behind the reference, over an IPv6 child. */
static void test_icmp6(void)
{
	struct fx f;
	struct bytes inner = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct inet_pkt p, in;
	struct esp_rx rx;
	struct err e;
	static const uint8_t data[] = "ping6";

	if (!ok(fx_init(&f, "AES_GCM_16/128 ESN_NO",
	    "203.0.113.0/24 2001:db8:113::/64",
	    "198.51.100.16/28 2001:db8:100:1::/64") == 0,
	    "ICMPv6: CHILD SA with IPv4 and IPv6 selectors established")) {
		fx_free(&f);
		return;
	}
	memset(&p, 0, sizeof(p));
	addr_parse("2001:db8:113::1", &p.src, &e);
	addr_parse("2001:db8:100:1::2", &p.dst, &e);
	p.proto = INET_PROTO_ICMPV6;
	p.icmp_type = inet_echo_request_type(6);
	p.icmp_id = 0x4321;
	p.icmp_seq = 9;
	p.data = data;
	p.data_len = sizeof(data);
	inet_build_ip(&p, &inner, &e);
	ok(feed(&f, INET_PROTO_IPV6, &inner, NULL, &pkt) > 0 &&
	    open_reply(&f, &rx, &in) == ESP_OK &&
	    rx.next_header == INET_PROTO_IPV6 &&
	    in.proto == INET_PROTO_ICMPV6 &&
	    in.icmp_type == inet_echo_reply_type(6) && in.icmp_id == 0x4321 &&
	    in.icmp_seq == 9 && in.checksum_ok &&
	    addr_is(&in.src, "2001:db8:100:1::2") &&
	    addr_is(&in.dst, "2001:db8:113::1"),
	    "RFC 4443: ICMPv6 echo request answered (next header 41, same id, seq)");
	/* an IPv6 packet under next header 4 (IPv4): not what it says */
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) == 0 &&
	    ref_sa(&f)->n.drop[RESPOND_DROP_INNER] == 1,
	    "RFC 4303 2.3: IPv6 inside next header 4: dropped, counted as inner");
	bytes_free(&inner);
	bytes_free(&pkt);
	fx_free(&f);
}

/* [addresses] echo and echo-port from a profile, and what they change:
 * only the echo list answers when the protected list is empty, and only
 * on the echo port. */
static void test_echo_conf(void)
{
	static const char prof[] =
	    "[addresses]\necho = 198.51.100.18 2001:db8:100:1::2\n"
	    "echo-port = 7007\n"
	    "[auth]\nmethods = psk\npsk-file = %s\n"
	    "[ike]\nencr = AES_GCM_16/256\nprf = HMAC_SHA2_256\ndh = ECP_256\n"
	    "[esp]\nencr = AES_GCM_16/256\n";
	char dir[64], path[128], psk[128];
	struct respond_conf rc;
	struct fx f;
	struct bytes inner = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct err e = { "" };
	FILE *fp;
	int loaded;

	snprintf(dir, sizeof(dir), "%s/iketest-echo.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/p.conf", dir);
	snprintf(psk, sizeof(psk), "%s/psk", dir);
	if ((fp = fopen(psk, "w")) != NULL) {
		fputs(PSK, fp);
		fclose(fp);
	}
	if ((fp = fopen(path, "w")) != NULL) {
		fprintf(fp, prof, psk);
		fclose(fp);
	}
	loaded = respond_conf_load(path, &rc, &e) == 0;
	ok(loaded && rc.echo_port == 7007 && rc.necho == 2 &&
	    addr_is(&rc.echo[0], "198.51.100.18") &&
	    addr_is(&rc.echo[1], "2001:db8:100:1::2"),
	    "profile: [addresses] echo (2 addresses) and echo-port 7007 read (%s)",
	    e.text);
	if (loaded)
		respond_conf_free(&rc);
	if ((fp = fopen(path, "w")) != NULL) {
		fprintf(fp, "[addresses]\necho-port = 70000\n[ike]\nencr = AES_GCM_16/256\n"
		    "prf = HMAC_SHA2_256\ndh = ECP_256\n[auth]\nmethods = psk\n"
		    "psk-file = %s\n", psk);
		fclose(fp);
	}
	ok(respond_conf_load(path, &rc, &e) < 0 && strstr(e.text, ":2:") &&
	    strstr(e.text, "echo-port"), "echo-port 70000: refused at file:line (%s)",
	    e.text);
	unlink(path);
	unlink(psk);
	rmdir(dir);

	if (!ok(fx_init(&f, "AES_GCM_16/256 ESN_NO", "203.0.113.0/24",
	    "198.51.100.16/28") == 0, "echo list: CHILD SA established")) {
		fx_free(&f);
		return;
	}
	f.r.esp->protected.n = 0;
	f.r.esp->echo_port = 7007;
	addr_parse("198.51.100.18", &f.r.esp->echo[0], &e);
	f.r.esp->necho = 1;
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 7007, "listed", &inner);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) > 0,
	    "echo address 198.51.100.18, port 7007: answered");
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 7, "port 7", &inner);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) == 0,
	    "port 7 with echo-port 7007: not answered");
	udp_inner("203.0.113.1", 40000, "198.51.100.19", 7007, "unlisted", &inner);
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) == 0 &&
	    ref_sa(&f)->n.in_packets == 3,
	    "198.51.100.19 (in the selectors, not listed, nothing protected): accepted, not answered");
	bytes_free(&inner);
	bytes_free(&pkt);
	fx_free(&f);
}

/* Transport mode: the inner packet is the transport part between the
 * outer addresses; the reference answers for itself. */
static void test_transport(void)
{
	struct fx f;
	struct bytes inner = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct inet_pkt p, in;
	struct esp_rx rx;
	struct err e;

	if (!ok(fx_init(&f, "AES_GCM_16/128 ESN_NO", "192.0.2.17",
	    "192.0.2.18") == 0, "transport: CHILD SA between the hosts")) {
		fx_free(&f);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.src = f.me;
	p.dst = f.iut;
	p.proto = INET_PROTO_UDP;
	p.sport = 5000;
	p.dport = 7;
	p.data = (const uint8_t *)"transport";
	p.data_len = 9;
	inet_build_l4(&p, &inner, &e);
	ok(feed(&f, INET_PROTO_UDP, &inner, NULL, &pkt) > 0 &&
	    esp_decap(f.in, f.reply.data, f.reply.len, &rx) == ESP_OK &&
	    rx.next_header == INET_PROTO_UDP &&
	    inet_parse_l4(INET_PROTO_UDP, &f.iut, &f.me, rx.payload,
	    rx.payload_len, &in, &e) == 0 && in.sport == 7 && in.dport == 5000 &&
	    in.data_len == 9 && in.checksum_ok,
	    "transport mode (next header 17): UDP echo answered, checksum over the outer addresses");
	bytes_free(&inner);
	bytes_free(&pkt);
	fx_free(&f);
}

/* RFC 7296 1.4.1: a deleted child takes its SA with it. */
static void test_delete(void)
{
	struct fx f;
	struct ike_transport t = { &f, mem_send, mem_recv };
	struct bytes inner = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	struct err e = { "" };
	uint64_t gen, before;

	memset(&rx, 0, sizeof(rx));
	if (!ok(fx_init(&f, "AES_GCM_16/256 ESN_NO", "203.0.113.0/24",
	    "198.51.100.16/28") == 0, "delete: CHILD SA established")) {
		fx_free(&f);
		return;
	}
	gen = f.r.esp->generation;
	ok(ike_build_info_delete_child(f.sa, f.sa->child[0].spi_in, 1, &m,
	    &e) == 0 && ike_exchange(f.sa, &m, &t, &f.ini, &rx, &e) == 0 &&
	    ike_info_response(f.sa, &rx, &e) == IKE_R_OK,
	    "INFORMATIONAL Delete of the child answered (%s)", e.text);
	ok(f.r.esp->nsa == 0 && f.r.esp->generation != gen,
	    "the reference dropped the child's SAs");
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 7, "late", &inner);
	before = f.r.esp->unknown_spi;
	ok(feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt) == 0 &&
	    f.r.esp->unknown_spi == before + 1,
	    "a packet for the deleted child: unknown SPI, not answered");
	ike_msg_free(&m);
	ike_rx_free(&rx);
	bytes_free(&inner);
	bytes_free(&pkt);
	fx_free(&f);
}

/* The stats lines: the newest child last, the keys in order. */
static void test_stats(void)
{
	struct fx f;
	struct bytes inner = BYTES_EMPTY, pkt = BYTES_EMPTY;
	char *buf = NULL, want[128], *nl;
	size_t len = 0;
	FILE *mf;

	if (!ok(fx_init(&f, "AES_GCM_16/256 ESN_NO", "203.0.113.0/24",
	    "198.51.100.16/28") == 0, "stats: CHILD SA established")) {
		fx_free(&f);
		return;
	}
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 7, "hello", &inner);
	feed(&f, INET_PROTO_IPIP, &inner, NULL, &pkt);
	respond_esp_input(f.r.esp, pkt.data, pkt.len, &f.me, &f.iut, &f.reply,
	    NULL);
	mf = open_memstream(&buf, &len);
	ok(mf && respond_esp_stats(f.r.esp, mf) == 0 && fclose(mf) == 0,
	    "stats written");
	snprintf(want, sizeof(want), "child %08x %08x in_packets=1 in_bytes=%zu out_packets=1 out_bytes=%zu drop_replay=1 ",
	    spi_num(f.sa->child[0].spi_out), spi_num(f.sa->child[0].spi_in),
	    inner.len, inner.len);
	ok(buf && strncmp(buf, want, strlen(want)) == 0,
	    "first line: %s...", want);
	nl = buf ? strchr(buf, '\n') : NULL;
	ok(nl && strstr(buf, " drop_too_old=0 drop_bad_icv=0 drop_bad_padding=0 drop_bad_pad_len=0 drop_selectors=0 dummy=0 ") &&
	    strstr(buf, " protocol=ESP\n") == nl - strlen(" protocol=ESP") &&
	    strcmp(nl + 1, "unknown_spi=0\n") == 0,
	    "then drop_too_old ... dummy=0 ... protocol=ESP, and unknown_spi=0 last");
	free(buf);
	bytes_free(&inner);
	bytes_free(&pkt);
	fx_free(&f);
}

/* AH (RFC 4302): the engine negotiates ESP only, so the child is made
 * by hand on the established IKE SA and the data plane is synced. */
static void test_ah(void)
{
	struct fx f;
	struct ike_child c;
	struct ike_sa *rsa;
	struct ah_sa_params p = { .integ = INTEG_HMAC_SHA2_256_128, .key_len = 32 };
	struct ah_sa *out = NULL, *in = NULL;
	struct bytes inner = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct inet_pkt outer, got;
	struct ah_rx rx;
	struct ah_send_opts bad = { .corrupt_payload = true };
	struct err e = { "" };
	uint8_t keys[64];
	size_t k;

	if (!ok(fx_init(&f, "AES_GCM_16/256 ESN_NO", "203.0.113.0/24",
	    "198.51.100.16/28") == 0 && f.r.nsa == 1, "AH: IKE SA established")) {
		fx_free(&f);
		return;
	}
	rsa = f.r.sa[0];
	memset(&c, 0, sizeof(c));
	c.protocol = PROTO_AH;
	memcpy(c.spi_in, "\xa1\xa2\xa3\xa4", 4);
	memcpy(c.spi_out, "\xb1\xb2\xb3\xb4", 4);
	c.proposal.protocol = PROTO_AH;
	c.proposal.t[c.proposal.n++] = (struct ike_transform){ TT_INTEG,
		INTEG_HMAC_SHA2_256_128, 0 };
	c.proposal.t[c.proposal.n++] = (struct ike_transform){ TT_ESN, ESN_NO, 0 };
	c.tsi = rsa->child[0].tsi;
	c.tsr = rsa->child[0].tsr;
	c.integ_key_len = 32;
	for (k = 0; k < sizeof(keys); k++)
		keys[k] = (uint8_t)(k * 7 + 1);
	bytes_set(&c.keymat, keys, sizeof(keys));
	rsa->child[rsa->nchild++] = c;
	ok(respond_esp_sync(f.r.esp, f.r.sa, f.r.nsa, &e) == 0 &&
	    f.r.esp->nsa == 2 && respond_esp_find(f.r.esp, 0xa1a2a3a4) != NULL,
	    "AH child synced: the newest SA last");
	/* the peer (initiator of this child's exchange): SK_ai out */
	p.spi = 0xa1a2a3a4;
	p.key = keys;
	out = ah_sa_new(&p, &e);
	p.spi = 0xb1b2b3b4;
	p.key = keys + 32;
	in = ah_sa_new(&p, &e);
	udp_inner("203.0.113.1", 40000, "198.51.100.18", 7, "ah echo", &inner);
	memset(&outer, 0, sizeof(outer));
	outer.src = f.me;
	outer.dst = f.iut;
	ok(out && in && ah_protect(out, inner.data, inner.len, &outer, NULL,
	    &pkt, &e) == 0 && respond_ah_input(f.r.esp, pkt.data, pkt.len,
	    &f.reply, &e) == 0 && f.reply.len > 0 &&
	    ah_verify(in, f.reply.data, f.reply.len, &rx) == ESP_OK &&
	    rx.seq == 1 && rx.next_header == INET_PROTO_IPIP &&
	    inet_parse_ip(rx.payload, rx.payload_len, &got, &e) == 0 &&
	    got.dport == 40000 && got.data_len == 7 &&
	    memcmp(got.data, "ah echo", 7) == 0,
	    "RFC 4302: AH tunnel-mode echo, the reply's ICV verifies, sequence 1 (%s)",
	    e.text);
	ok(respond_ah_input(f.r.esp, pkt.data, pkt.len, &f.reply, &e) == 0 &&
	    f.reply.len == 0 &&
	    respond_esp_find(f.r.esp, 0xa1a2a3a4)->n.drop[RESPOND_DROP_REPLAY] == 1,
	    "4302 3.4.3: AH replay dropped and counted");
	pkt.len = 0;
	ok(ah_protect(out, inner.data, inner.len, &outer, &bad, &pkt, &e) == 0 &&
	    respond_ah_input(f.r.esp, pkt.data, pkt.len, &f.reply, &e) == 0 &&
	    f.reply.len == 0 &&
	    respond_esp_find(f.r.esp, 0xa1a2a3a4)->n.drop[RESPOND_DROP_BAD_ICV] == 1,
	    "4302 3.4.4: AH over altered data dropped, counted as bad ICV");
	ah_sa_free(out);
	ah_sa_free(in);
	bytes_free(&inner);
	bytes_free(&pkt);
	fx_free(&f);
}

int main(void)
{
	test_suite("AES_GCM_16/256 ESN_NO", true);
	test_suite("AES_CBC/128 HMAC_SHA2_256_128 ESN_NO", true);
	test_suite("CHACHA20_POLY1305 ESN_YES", false);
	test_suite("AES_CTR/128 HMAC_SHA1_96 ESN_NO", false);
	test_icmp();
	test_icmp6();
	test_echo_conf();
	test_transport();
	test_delete();
	test_stats();
	test_ah();
	return tap_done();
}
