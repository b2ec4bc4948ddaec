/* The independent oracle: every golden message and a set of messages the
 * codec builds from scratch (with overrides) are written through pcapfile
 * as IPv4/500, IPv6/500 and IPv4/4500 (non-ESP marker), dissected by
 * tshark, and every field tshark shows is compared with what the codec
 * meant to write. The comparison walks the codec's decoded tree and its
 * field tables; the only hand-written part is the table below that names
 * tshark's field for each codec field. A valid message must draw no
 * malformed-packet or error-severity expert info; a length lie must be
 * flagged by both tshark and the codec. tshark 4.0's known departures
 * from RFC 7296 are listed, with reasons, in tshark_known[] and reported
 * as SKIP lines, never silently. */
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bytes.h"
#include "codec.h"
#include "err.h"
#include "hexfile.h"
#include "names.h"
#include "pcapfile.h"
#include "tap.h"
#include "tshark_pdml.h"

/* ------------------------------------------------------------------ */
/* codec field -> tshark field                                         */

enum how {
	SHOW,		/* tshark's show= as a number (decimal or 0x) */
	VALUE,		/* tshark's value= hex: the bytes, or a number */
	SIZE,		/* tshark's size= against the DATA field's length */
};

#define ANY_PAYLOAD CODEC_S_COUNT

static const struct tmap {
	enum codec_struct_id st;
	const char *field;	/* codec field name */
	const char *tshark;	/* tshark field; trailing '*' = prefix */
	enum how how;
} tmap[] = {
	{ CODEC_S_MESSAGE, "spi_i", "isakmp.ispi", VALUE },
	{ CODEC_S_MESSAGE, "spi_r", "isakmp.rspi", VALUE },
	{ CODEC_S_MESSAGE, "next_payload", "isakmp.nextpayload", SHOW },
	{ CODEC_S_MESSAGE, "major_version", "isakmp.mjver", SHOW },
	{ CODEC_S_MESSAGE, "minor_version", "isakmp.mnver", SHOW },
	{ CODEC_S_MESSAGE, "exchange_type", "isakmp.exchangetype", SHOW },
	{ CODEC_S_MESSAGE, "flags.response", "isakmp.flag_r", SHOW },
	{ CODEC_S_MESSAGE, "flags.version", "isakmp.flag_v", SHOW },
	{ CODEC_S_MESSAGE, "flags.initiator", "isakmp.flag_i", SHOW },
	{ CODEC_S_MESSAGE, "message_id", "isakmp.messageid", SHOW },
	{ CODEC_S_MESSAGE, "length", "isakmp.length", SHOW },
	{ ANY_PAYLOAD, "next_payload", "isakmp.nextpayload", SHOW },
	{ ANY_PAYLOAD, "critical", "isakmp.criticalpayload", SHOW },
	{ ANY_PAYLOAD, "length", "isakmp.payloadlength", SHOW },
	{ CODEC_S_PROPOSAL, "last", "isakmp.nextpayload", SHOW },
	{ CODEC_S_PROPOSAL, "length", "isakmp.payloadlength", SHOW },
	{ CODEC_S_PROPOSAL, "number", "isakmp.prop.number", SHOW },
	{ CODEC_S_PROPOSAL, "protocol", "isakmp.prop.protoid", SHOW },
	{ CODEC_S_PROPOSAL, "spi_size", "isakmp.spisize", SHOW },
	{ CODEC_S_PROPOSAL, "num_transforms", "isakmp.prop.transforms", SHOW },
	{ CODEC_S_PROPOSAL, "spi", "isakmp.spi", VALUE },
	{ CODEC_S_TRANSFORM, "last", "isakmp.nextpayload", SHOW },
	{ CODEC_S_TRANSFORM, "length", "isakmp.payloadlength", SHOW },
	{ CODEC_S_TRANSFORM, "type", "isakmp.tf.type", SHOW },
	{ CODEC_S_TRANSFORM, "id", "isakmp.tf.id*", SHOW },
	{ CODEC_S_TATTR, "af", "isakmp.ike2.attr.format", SHOW },
	{ CODEC_S_TATTR, "type", "isakmp.ike2.attr.type", SHOW },
	{ CODEC_S_TATTR, "length", "isakmp.ike2.attr.length", SHOW },
	{ CODEC_S_TATTR, "value", "isakmp.ike2.attr.value", VALUE },
	{ CODEC_S_TATTR, "data", "isakmp.ike2.attr.value", VALUE },
	{ CODEC_S_KE, "group", "isakmp.key_exchange.dh_group", SHOW },
	{ CODEC_S_KE, "data", "isakmp.key_exchange.data", SIZE },
	{ CODEC_S_ID, "id_type", "isakmp.id.type", SHOW },
	{ CODEC_S_CERT, "encoding", "isakmp.cert.encoding", SHOW },
	{ CODEC_S_CERTREQ, "encoding", "isakmp.certreq.type", SHOW },
	{ CODEC_S_AUTH, "method", "isakmp.auth.method", SHOW },
	{ CODEC_S_AUTH, "data", "isakmp.auth.data", SIZE },
	{ CODEC_S_NONCE, "data", "isakmp.nonce", SIZE },
	{ CODEC_S_NOTIFY, "protocol", "isakmp.notify.protoid", SHOW },
	{ CODEC_S_NOTIFY, "spi_size", "isakmp.spisize", SHOW },
	{ CODEC_S_NOTIFY, "notify_type", "isakmp.notify.msgtype", SHOW },
	{ CODEC_S_NOTIFY, "spi", "isakmp.spi", VALUE },
	{ CODEC_S_DELETE, "protocol", "isakmp.delete.protoid", SHOW },
	{ CODEC_S_DELETE, "spi_size", "isakmp.spisize", SHOW },
	{ CODEC_S_DELETE, "num_spis", "isakmp.spinum", SHOW },
	{ CODEC_S_DSPI, "value", "isakmp.delete.spi", VALUE },
	{ CODEC_S_VENDOR, "data", "isakmp.vid_bytes", SIZE },
	{ CODEC_S_TS, "num_ts", "isakmp.ts.number", SHOW },
	{ CODEC_S_SELECTOR, "ts_type", "isakmp.ts.type", SHOW },
	{ CODEC_S_SELECTOR, "ip_protocol", "isakmp.ts.protoid", SHOW },
	{ CODEC_S_SELECTOR, "length", "isakmp.ts.selector_length", SHOW },
	{ CODEC_S_SELECTOR, "start_port", "isakmp.ts.start_port", SHOW },
	{ CODEC_S_SELECTOR, "end_port", "isakmp.ts.end_port", SHOW },
	{ CODEC_S_SELECTOR, "start_address", "isakmp.ts.start_ipv*", VALUE },
	{ CODEC_S_SELECTOR, "end_address", "isakmp.ts.end_ipv*", VALUE },
	{ CODEC_S_CP, "cfg_type", "isakmp.cfg.type", SHOW },
	{ CODEC_S_CATTR, "type", "isakmp.cfg.attr.type", SHOW },
	{ CODEC_S_CATTR, "length", "isakmp.cfg.attr.length", SHOW },
	{ CODEC_S_EAP, "code", "eap.code", SHOW },
	{ CODEC_S_EAP, "identifier", "eap.id", SHOW },
	{ CODEC_S_EAP, "eap_length", "eap.len", SHOW },
	{ CODEC_S_EAP, "eap_type", "eap.type", SHOW },
	{ CODEC_S_SKF, "fragment_number", "isakmp.frag.number", SHOW },
	{ CODEC_S_SKF, "total_fragments", "isakmp.frag.total", SHOW },
};

/* Where tshark 4.0 departs from RFC 7296 (or cannot know what the codec
 * knows): a mismatch or an absence on one of these is reported as SKIP
 * with the reason, not as a failure. Matched by struct and field name. */
static const struct known {
	enum codec_struct_id st;
	const char *field;
	const char *reason;
} tshark_known[] = {
	{ CODEC_S_CERT, "data",
	  "tshark 4.0 parses X.509 CERT data as DER and stops at bytes that are not "
	  "a real certificate (IKE treats them as opaque, RFC 7296 3.6)" },
	{ CODEC_S_MESSAGE, "length",
	  "tshark 4.0 does not flag an IKE header Length shorter than the message "
	  "(RFC 7296 3.1: the length of the total message); it dissects the payloads" },
	{ CODEC_S_SA, "length",
	  "tshark 4.0 shows an SA payload longer than its proposals as 'Extra data' "
	  "without an expert error, swallowing the next payload" },
};

static const char *known_reason(enum codec_struct_id st, const char *field)
{
	for (size_t i = 0; i < sizeof(tshark_known) / sizeof(tshark_known[0]); i++)
		if (tshark_known[i].reason && tshark_known[i].st == st &&
		    strcmp(tshark_known[i].field, field) == 0)
			return tshark_known[i].reason;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */

struct tcase {
	char name[96];
	struct bytes wire;
	struct codec_node *tree;	/* decoded from wire */
};

enum { MAX_CASES = 128 };
static struct tcase cases[MAX_CASES];
static size_t ncases;

static bool build_failed;

static void setp(struct codec_node *root, const char *path, const char *value)
{
	struct err e;

	if (codec_path_set(root, path, value, &e) < 0) {
		diag("build: %s = %s: %s", path, value, e.text);
		build_failed = true;
	}
}

static struct codec_node *add(struct codec_node *parent, struct codec_node *kid)
{
	if (kid == NULL || codec_append(parent, kid) < 0) {
		diag("build: cannot append under %s", parent->st->name);
		build_failed = true;
		codec_node_free(kid);
		return parent;	/* keeps the caller's pointer usable */
	}
	return kid;
}

static struct codec_node *payload(struct codec_node *msg, unsigned type)
{
	return add(msg, codec_payload_new(type));
}

static struct codec_node *child(struct codec_node *parent)
{
	return add(parent, codec_child_new(parent));
}

static void transform(struct codec_node *prop, const char *type,
    const char *id, const char *keylen)
{
	struct codec_node *t = child(prop);

	setp(t, "type", type);
	setp(t, "id", id);
	if (keylen) {
		struct codec_node *a = child(t);

		setp(a, "type", "KEY_LENGTH");
		setp(a, "value", keylen);
	}
}

static const char *hexof(size_t n, uint8_t fill)
{
	static char buf[1024];

	for (size_t i = 0; i < n && i < 500; i++)
		snprintf(buf + 2 * i, 3, "%02x", (uint8_t)(fill + i));
	buf[2 * (n < 500 ? n : 500)] = 0;
	return buf;
}

static struct codec_node *build_sa_init(void)
{
	struct codec_node *m = codec_message_new(), *sa, *p, *pl;

	setp(m, "spi_i", "0x0102030405060708");
	setp(m, "exchange_type", "IKE_SA_INIT");
	setp(m, "flags.initiator", "1");
	sa = payload(m, PL_SA);
	p = child(sa);
	setp(p, "protocol", "IKE");
	transform(p, "ENCR", "AES_CBC", "256");
	transform(p, "PRF", "HMAC_SHA2_256", NULL);
	transform(p, "INTEG", "HMAC_SHA2_256_128", NULL);
	transform(p, "DH", "ECP_256", NULL);
	p = child(sa);
	setp(p, "protocol", "IKE");
	transform(p, "ENCR", "AES_GCM_16", "128");
	transform(p, "PRF", "HMAC_SHA2_384", NULL);
	transform(p, "DH", "CURVE25519", NULL);
	pl = payload(m, PL_KE);
	setp(pl, "group", "ECP_256");
	setp(pl, "data", hexof(64, 0x40));
	pl = payload(m, PL_NONCE);
	setp(pl, "data", hexof(32, 0x80));
	pl = payload(m, PL_N);
	setp(pl, "notify_type", "NAT_DETECTION_SOURCE_IP");
	setp(pl, "data", hexof(20, 0x10));
	pl = payload(m, PL_N);
	setp(pl, "notify_type", "NAT_DETECTION_DESTINATION_IP");
	setp(pl, "data", hexof(20, 0x30));
	pl = payload(m, PL_N);
	setp(pl, "notify_type", "IKEV2_FRAGMENTATION_SUPPORTED");
	pl = payload(m, PL_V);
	setp(pl, "data", hexof(16, 0xa0));
	return m;
}

/* IKE_AUTH payloads in the clear, so that tshark can see them. */
static struct codec_node *build_auth_clear(void)
{
	struct codec_node *m = codec_message_new(), *sa, *p, *pl, *s;

	setp(m, "spi_i", "0x0102030405060708");
	setp(m, "spi_r", "0x1112131415161718");
	setp(m, "exchange_type", "IKE_AUTH");
	setp(m, "flags.initiator", "1");
	setp(m, "message_id", "1");
	pl = payload(m, PL_IDi);
	setp(pl, "id_type", "FQDN");
	setp(pl, "data", "\"initiator.example\"");
	setp(pl, "critical", "1");	/* override: allowed, to be ignored */
	pl = payload(m, PL_AUTH);
	setp(pl, "method", "SHARED_KEY_MIC");
	setp(pl, "data", hexof(32, 0x21));
	pl = payload(m, PL_CP);
	setp(pl, "cfg_type", "REQUEST");
	s = child(pl);
	setp(s, "type", "INTERNAL_IP4_ADDRESS");
	s = child(pl);
	setp(s, "type", "INTERNAL_IP6_ADDRESS");
	sa = payload(m, PL_SA);
	p = child(sa);
	setp(p, "protocol", "ESP");
	setp(p, "spi", "0xc0ffee01");
	transform(p, "ENCR", "AES_CBC", "128");
	transform(p, "INTEG", "HMAC_SHA1_96", NULL);
	transform(p, "ESN", "0", NULL);
	pl = payload(m, PL_TSi);
	s = child(pl);
	setp(s, "ip_protocol", "17");
	setp(s, "start_port", "500");
	setp(s, "end_port", "4500");
	setp(s, "start_address", "c0000200");
	setp(s, "end_address", "c00002ff");
	s = child(pl);
	setp(s, "ts_type", "IPV6_ADDR_RANGE");
	setp(s, "end_port", "65535");
	setp(s, "start_address", "20010db8000000000000000000000000");
	setp(s, "end_address", "20010db800000000ffffffffffffffff");
	pl = payload(m, PL_TSr);
	s = child(pl);
	setp(s, "end_port", "65535");
	setp(s, "start_address", "c6336400");
	setp(s, "end_address", "c63364ff");
	pl = payload(m, PL_N);
	setp(pl, "notify_type", "INITIAL_CONTACT");
	pl = payload(m, PL_N);
	setp(pl, "notify_type", "USE_TRANSPORT_MODE");
	pl = payload(m, PL_N);
	setp(pl, "protocol", "ESP");
	setp(pl, "spi", "0xc0ffee02");
	setp(pl, "notify_type", "REKEY_SA");
	return m;
}

static struct codec_node *build_informational(void)
{
	struct codec_node *m = codec_message_new(), *pl, *s;

	setp(m, "spi_i", "0x0102030405060708");
	setp(m, "spi_r", "0x1112131415161718");
	setp(m, "exchange_type", "INFORMATIONAL");
	setp(m, "flags.response", "1");
	setp(m, "message_id", "0x7fffffff");
	pl = payload(m, PL_D);
	setp(pl, "protocol", "ESP");
	setp(pl, "spi_size", "4");
	for (int i = 0; i < 3; i++) {
		s = child(pl);
		setp(s, "value", i == 0 ? "0xdeadbeef" : i == 1 ? "0x00000001" : "0xffffffff");
	}
	pl = payload(m, PL_D);
	setp(pl, "protocol", "IKE");
	setp(pl, "spi_size", "0");
	pl = payload(m, PL_CERTREQ);
	setp(pl, "encoding", "X509_SIG");
	setp(pl, "data", hexof(40, 0x55));
	return m;
}

static struct codec_node *build_eap(void)
{
	struct codec_node *m = codec_message_new(), *pl;

	setp(m, "spi_i", "0x0102030405060708");
	setp(m, "spi_r", "0x1112131415161718");
	setp(m, "exchange_type", "IKE_AUTH");
	setp(m, "flags.response", "1");
	setp(m, "message_id", "1");
	pl = payload(m, PL_IDr);
	setp(pl, "id_type", "IPV4_ADDR");
	setp(pl, "data", "c6336402");
	pl = payload(m, PL_EAP);
	setp(pl, "code", "REQUEST");
	setp(pl, "identifier", "7");
	setp(pl, "eap_type", "1");
	setp(pl, "data", "\"hello\"");
	return m;
}

static struct codec_node *build_sk(bool fragment)
{
	struct codec_node *m = codec_message_new(), *pl;

	setp(m, "spi_i", "0x0102030405060708");
	setp(m, "spi_r", "0x1112131415161718");
	setp(m, "exchange_type", "IKE_AUTH");
	setp(m, "flags.initiator", "1");
	setp(m, "message_id", "1");
	setp(m, "next_payload", fragment ? "SKF" : "SK");
	pl = payload(m, fragment ? PL_SKF : PL_SK);
	/* What the SK payload carries first is decided by its Next Payload. */
	setp(pl, "next_payload", "IDi");
	if (fragment) {
		setp(pl, "fragment_number", "2");
		setp(pl, "total_fragments", "3");
		setp(pl, "next_payload", "NONE");	/* RFC 7383 2.5: 0 unless first */
	}
	setp(pl, "data", hexof(16 + 48 + 16, 0x01));
	return m;
}

static void add_case(const char *name, const uint8_t *p, size_t n)
{
	struct codec_problems *pr;
	struct tcase *c;
	struct err e;

	if (ncases == MAX_CASES)
		return;
	c = &cases[ncases];
	snprintf(c->name, sizeof(c->name), "%s", name);
	bytes_set(&c->wire, p, n);
	pr = calloc(1, sizeof(*pr));
	if (pr == NULL || codec_decode(p, n, &c->tree, pr, &e) < 0) {
		ok(0, "%s: decode: out of memory", name);
		free(pr);
		return;
	}
	if (codec_problems_errors(pr) > 0 || pr->count > 0) {
		char line[512];

		codec_problem_format(&pr->list[0], line, sizeof(line));
		diag("%s: the codec finds problems (%zu), first: %s; left out "
		    "of the valid set", name, pr->count, line);
		codec_node_free(c->tree);
		c->tree = NULL;
		bytes_free(&c->wire);
		free(pr);
		return;
	}
	free(pr);
	ncases++;
}

static void load_built(void)
{
	static const struct {
		const char *name;
		struct codec_node *(*build)(void);
	} built[] = {
		{ "built IKE_SA_INIT (2 proposals, key lengths, notifies, V)", build_sa_init },
		{ "built IKE_AUTH in the clear (ID critical, AUTH, CP, ESP SA, TS v4/v6, N with SPI)", build_auth_clear },
		{ "built INFORMATIONAL response (D ESP x3, D IKE, CERTREQ)", build_informational },
		{ "built IKE_AUTH response with EAP", build_eap },
	};
	struct bytes wire = BYTES_EMPTY;
	struct err e;

	for (size_t i = 0; i < sizeof(built) / sizeof(built[0]) + 2; i++) {
		struct codec_node *m;
		const char *name;

		build_failed = false;
		if (i < sizeof(built) / sizeof(built[0])) {
			m = built[i].build();
			name = built[i].name;
		} else {
			m = build_sk(i > sizeof(built) / sizeof(built[0]));
			name = i > sizeof(built) / sizeof(built[0]) ?
			    "built SKF fragment 2 of 3" : "built SK (opaque contents)";
		}
		wire.len = 0;
		if (!ok(m != NULL && !build_failed && codec_encode(m, &wire, &e) == 0,
		    "%s: built and encoded", name)) {
			codec_node_free(m);
			continue;
		}
		add_case(name, wire.data, wire.len);
		codec_node_free(m);
	}
	bytes_free(&wire);
}

/* A golden file, and a bare payload chain ("# first-payload: N") put
 * behind an IKE header the codec writes, so that tshark can read it. */
static int load_golden(const char *path, struct bytes *out, char *name,
    size_t namelen, struct err *e)
{
	struct bytes text = BYTES_EMPTY, chain = BYTES_EMPTY;
	struct codec_node *hdr = NULL;
	char first[32], num[16];
	int rc = -1;

	if (hexfile_read_file(&text, path, e) < 0 ||
	    hexfile_parse(&chain, (const char *)text.data, text.len, e) < 0)
		goto out;
	if (hexfile_comment_value((const char *)text.data, text.len,
	    "first-payload", first, sizeof(first)) < 0) {
		rc = bytes_copy(out, &chain);
		goto out;
	}
	hdr = codec_message_new();
	snprintf(num, sizeof(num), "%lu", strtoul(first, NULL, 10));
	setp(hdr, "spi_i", "0x0102030405060708");
	setp(hdr, "spi_r", "0x1112131415161718");
	setp(hdr, "exchange_type", "INFORMATIONAL");
	setp(hdr, "next_payload", num);
	snprintf(num, sizeof(num), "%zu", 28 + chain.len);
	setp(hdr, "length", num);
	out->len = 0;
	if (codec_encode(hdr, out, e) < 0 || bytes_append(out, chain.data, chain.len) < 0)
		goto out;
	size_t used = strlen(name);
	snprintf(name + used, namelen - used, " (chain behind a header)");
	rc = 0;
out:
	codec_node_free(hdr);
	bytes_free(&text);
	bytes_free(&chain);
	return rc;
}

static void load_goldens(void)
{
	const char *top = getenv("IKETEST_TOP");
	char pattern[512];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/harness/tests/golden/*.hex",
	    top && *top ? top : ".");
	if (glob(pattern, 0, NULL, &g) != 0) {
		diag("no golden messages match %s", pattern);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct bytes b = BYTES_EMPTY;
		struct err e;
		const char *base = strrchr(g.gl_pathv[i], '/');
		char name[96];

		snprintf(name, sizeof(name), "golden %s", base ? base + 1 : g.gl_pathv[i]);
		if (!ok(load_golden(g.gl_pathv[i], &b, name, sizeof(name), &e) == 0, "%s: loads", name))
			diag("%s", e.text);
		else
			add_case(name, b.data, b.len);
		bytes_free(&b);
	}
	globfree(&g);
}

/* ------------------------------------------------------------------ */
/* Writing the pcap                                                    */

static const struct transport {
	const char *name;
	const char *src, *dst;
	uint16_t port;
	size_t base;		/* where the IKE header starts in the frame */
} transports[] = {
	{ "IPv4/500", "192.0.2.1", "198.51.100.2", 500, 20 + 8 },
	{ "IPv6/500", "2001:db8::1", "2001:db8::2", 500, 40 + 8 },
	{ "IPv4/4500", "192.0.2.1", "198.51.100.2", 4500, 20 + 8 + 4 },
};
enum { NTRANSPORTS = sizeof(transports) / sizeof(transports[0]) };

static int write_pcap(const char *path, struct tcase *list, size_t n)
{
	struct pcapfile_writer *w;
	struct err e;

	if (pcapfile_create(&w, path, &e) < 0) {
		diag("%s", e.text);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < NTRANSPORTS; t++) {
			struct addr s, d;

			addr_parse(transports[t].src, &s, &e);
			addr_parse(transports[t].dst, &d, &e);
			s.port = d.port = transports[t].port;
			if (pcapfile_write_ike(w, 1700000000000000ull + (i * NTRANSPORTS + t) * 1000,
			    &s, &d, list[i].wire.data, list[i].wire.len, &e) < 0)
				diag("%s: %s", list[i].name, e.text);
		}
	return pcapfile_close(w, &e);
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */

struct cmp_ctx {
	const struct pdml_packet *pk;
	size_t base;
	size_t compared, mismatches, known, typed;
	const char *where;
	size_t cut;		/* nodes from here on: tshark stopped before */
};

/* tshark hands the data of a CERT payload with an X.509 encoding to its
 * X.509 (DER) dissector; when the bytes are not a real certificate (the
 * goldens carry placeholders: RFC 7296 3.6 leaves the data opaque to IKE)
 * it throws, flags the packet malformed and dissects nothing after it.
 * Returns where the CERT ends, or SIZE_MAX if there is no such CERT. */

static size_t x509_cert_end(const struct codec_node *tree)
{
	for (unsigned k = 1;; k++) {
		struct codec_node *c = codec_find_payload(tree, PL_CERT, k);
		uint64_t enc;
		int fi;

		if (c == NULL)
			return SIZE_MAX;
		fi = codec_field_index(c->st, "encoding", 8);
		if (fi >= 0 && codec_effective_uint(c, fi, &enc) == 0 &&
		    (enc == CERT_X509_SIG || enc == CERT_PKCS7_X509))
			return c->offset + codec_node_size(c);
	}
}

/* Byte offset of a field inside its node, from the table's widths. */
static bool field_offset(const struct codec_node *n, int field, size_t *off)
{
	size_t bits = 0;

	for (int i = 0; i < (int)n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];

		if (i == field) {
			*off = n->offset + bits / 8;
			return f->kind != CODEC_K_CHILDREN && codec_field_present(n, i);
		}
		if (!codec_field_present(n, i))
			continue;
		if (f->kind == CODEC_K_UINT)
			bits += f->bits;
		else if (f->kind == CODEC_K_DATA)
			bits += 8 * codec_get_data(n, i)->len;
		else if (f->kind == CODEC_K_CHILDREN)
			return false;	/* after the children: not fixed */
	}
	return false;
}

static void mismatch(struct cmp_ctx *c, const struct codec_node *n,
    const char *fname, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void mismatch(struct cmp_ctx *c, const struct codec_node *n,
    const char *fname, const char *fmt, ...)
{
	char path[CODEC_PATH_MAX], text[512];
	const char *why = known_reason(n->st->id, fname);
	va_list ap;

	codec_path_of(n, codec_field_index(n->st, fname, strlen(fname)), path, sizeof(path));
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (why) {
		c->known++;
		tap_skip(why, "%s: %s: %s (known tshark 4.0 difference)", c->where, path, text);
		return;
	}
	c->mismatches++;
	diag("%s: %s: %s", c->where, path, text);
}

static bool hex_equal_num(const char *hex, uint64_t v, unsigned bits)
{
	size_t len = strlen(hex);
	char *end;
	uint64_t got;

	if (len == 0 || len > 16)
		return false;
	got = strtoull(hex, &end, 16);
	(void)bits;
	return *end == 0 && got == v;
}

static void compare_field(struct cmp_ctx *c, const struct codec_node *n,
    const struct tmap *m)
{
	int fi = codec_field_index(n->st, m->field, strlen(m->field));
	const struct codec_field *f;
	const struct pdml_field *t;
	size_t off;
	uint64_t v = 0;

	if (fi < 0) {
		mismatch(c, n, m->field, "the codec has no field `%s' (table out of date)", m->field);
		return;
	}
	f = &n->st->fields[fi];
	if (!field_offset(n, fi, &off) && f->kind != CODEC_K_ALIAS)
		return;		/* not on the wire for this node */
	if (f->kind == CODEC_K_ALIAS) {
		/* An alias sits where its first sub-field does. */
		if (!field_offset(n, fi + 1, &off))
			return;
	}
	if (f->kind == CODEC_K_DATA && codec_get_data(n, fi)->len == 0)
		return;		/* tshark shows no item for zero bytes */
	if (f->kind != CODEC_K_DATA && codec_effective_uint(n, fi, &v) < 0) {
		mismatch(c, n, m->field, "no effective value");
		return;
	}
	c->compared++;
	t = pdml_find(c->pk, m->tshark, c->base + off);
	if (t == NULL) {
		mismatch(c, n, m->field, "tshark shows no %s at frame offset %zu",
		    m->tshark, c->base + off);
		return;
	}
	if (m->how == SHOW) {
		char *end;
		uint64_t got = strtoull(t->show, &end, 0);

		if (*t->show == 0 || *end != 0 || got != v)
			mismatch(c, n, m->field, "codec %llu, tshark %s `%s'",
			    (unsigned long long)v, t->name, t->show);
	} else if (m->how == SIZE) {
		if (t->size != codec_get_data(n, fi)->len)
			mismatch(c, n, m->field, "codec %zu bytes, tshark %s %zu bytes",
			    codec_get_data(n, fi)->len, t->name, t->size);
	} else if (f->kind == CODEC_K_DATA) {
		const struct bytes *d = codec_get_data(n, fi);
		char *hex = malloc(2 * d->len + 1);

		if (hex) {
			bytes_to_hex(d->data, d->len, hex);
			if (strcasecmp(hex, t->value) != 0)
				mismatch(c, n, m->field, "codec %s, tshark %s %s", hex, t->name, t->value);
		}
		free(hex);
	} else if (!hex_equal_num(t->value, v, f->bits)) {
		mismatch(c, n, m->field, "codec 0x%llx, tshark %s value %s",
		    (unsigned long long)v, t->name, t->value);
	}
}

/* Payloads, proposals and transforms are all "payloads" to tshark, with
 * the type shown where they start. */
static void compare_type(struct cmp_ctx *c, const struct codec_node *n)
{
	unsigned want;
	const struct pdml_field *t;

	if (codec_is_payload(n))
		want = n->ptype;
	else if (n->st->id == CODEC_S_PROPOSAL)
		want = 2;
	else if (n->st->id == CODEC_S_TRANSFORM)
		want = 3;
	else
		return;
	c->typed++;
	c->compared++;
	t = pdml_find(c->pk, "isakmp.typepayload", c->base + n->offset);
	if (t == NULL)
		mismatch(c, n, "length", "tshark shows no payload (want type %u) at frame offset %zu",
		    want, c->base + n->offset);
	else if (strtoul(t->show, NULL, 10) != want)
		mismatch(c, n, "length", "payload type: codec %u, tshark %s", want, t->show);
}

static int compare_node(struct codec_node *n, unsigned depth, void *ctx)
{
	struct cmp_ctx *c = ctx;

	(void)depth;
	if (n->offset >= c->cut) {
		c->known++;
		return 0;
	}
	compare_type(c, n);
	for (size_t i = 0; i < sizeof(tmap) / sizeof(tmap[0]); i++) {
		const struct tmap *m = &tmap[i];

		if (m->st == n->st->id || (m->st == ANY_PAYLOAD && codec_is_payload(n)))
			compare_field(c, n, m);
	}
	return 0;
}

/* Error-severity expert info and the malformed marker, as text. */
static size_t expert_errors(const struct pdml_packet *pk, bool show)
{
	size_t n = 0;

	for (size_t i = 0; i < pk->n; i++) {
		const struct pdml_field *f = &pk->f[i];

		if (strcmp(f->name, "_ws.malformed") == 0 && f->proto && f->depth == 0) {
			n++;
			if (show)
				diag("  tshark: %s", f->showname);
		} else if (strcmp(f->name, "_ws.expert.severity") == 0 &&
		    strtoul(f->show, NULL, 10) >= 0x00800000) {
			n++;
			if (show && i > 0)
				diag("  tshark: %s", pk->f[i - 2].showname);
		}
	}
	return n;
}

static void check_frame(const struct tcase *tc, const struct transport *tr,
    const struct pdml_packet *pk)
{
	char where[160];
	struct cmp_ctx c = { pk, tr->base, 0, 0, 0, 0, where, SIZE_MAX };
	const struct pdml_field *isakmp = NULL;
	size_t errs;

	snprintf(where, sizeof(where), "%.100s %.20s", tc->name, tr->name);
	for (size_t i = 0; i < pk->n; i++)
		if (pk->f[i].proto && strcmp(pk->f[i].name, "isakmp") == 0)
			isakmp = &pk->f[i];
	if (!ok(isakmp != NULL && isakmp->pos == tr->base && isakmp->size == tc->wire.len,
	    "%s: tshark dissects %zu bytes of ISAKMP at offset %zu", where,
	    tc->wire.len, tr->base))
		return;
	errs = expert_errors(pk, false);
	if (errs > 0 && x509_cert_end(tc->tree) != SIZE_MAX) {
		c.cut = x509_cert_end(tc->tree);
		tap_skip(known_reason(CODEC_S_CERT, "data"), "%s: tshark reports %zu errors; nodes after offset %zu "
		    "not compared", where, errs, c.cut);
	} else if (!is_int(errs, 0, "%s: no malformed packet, no error expert info", where)) {
		expert_errors(pk, true);
	}
	codec_walk(tc->tree, compare_node, &c);
	is_int(pdml_count(pk, "isakmp.typepayload"), c.typed,
	    "%s: tshark sees as many payloads, proposals and transforms as the codec (%zu)",
	    where, c.typed);
	ok(c.compared > 0 && c.mismatches == 0,
	    "%s: %zu fields agree with tshark (%zu mismatches, %zu known differences)",
	    where, c.compared - c.mismatches - c.known, c.mismatches, c.known);
	if (strcmp(tr->name, "IPv4/4500") == 0)
		ok(pdml_find(pk, "udpencap", tr->base - 4) != NULL,
		    "%s: tshark sees the non-ESP marker", where);
	const struct pdml_field *uc = pdml_find(pk, "udp.checksum.status", tr->base - (tr->port == 4500 ? 12 : 8) + 6);
	ok(uc != NULL && strcmp(uc->show, "1") == 0, "%s: tshark verifies the UDP checksum (%s)",
	    where, uc ? uc->show : "absent");
}

/* ------------------------------------------------------------------ */
/* A length lie: both must say malformed                               */

enum { NLIES = 4 };
/* What each lie is, what the codec must call it, and whether tshark 4.0
 * flags it (if not, the known difference that says why). */
static const struct lie {
	const char *name;
	enum codec_problem_code code;
	enum codec_struct_id known_st;	/* CODEC_S_COUNT: tshark flags it */
	const char *known_field;
} lie_spec[NLIES] = {
	{ "V.length 32 > 20 bytes left", CODEC_P_LENGTH_BEYOND_DATA, CODEC_S_COUNT, NULL },
	{ "header length 1000 > message", CODEC_P_HEADER_LENGTH_MISMATCH, CODEC_S_COUNT, NULL },
	{ "header length 100 < message", CODEC_P_HEADER_LENGTH_MISMATCH, CODEC_S_MESSAGE, "length" },
	{ "SA.length swallows all of KE", CODEC_P_COUNT, CODEC_S_SA, "length" },
};

static void check_length_lies(const char *tshark, const char *dir)
{
	struct codec_node *m = build_sa_init(), *last;
	struct tcase lies[NLIES];
	struct pdml d;
	struct err e;
	char path[256];
	size_t i;

	memset(lies, 0, sizeof(lies));
	/* The last payload claims 16 bytes more than the message holds. */
	last = m->kids[m->nkids - 1];
	setp(last, "length", "32");
	snprintf(lies[0].name, sizeof(lies[0].name), "V.length 32 > 20 bytes left");
	codec_encode(m, &lies[0].wire, &e);
	/* The IKE header claims 100 bytes more than there are. */
	codec_path_unset(last, "length", &e);
	setp(m, "length", "1000");
	codec_encode(m, &lies[1].wire, &e);
	setp(m, "length", "100");
	codec_encode(m, &lies[2].wire, &e);
	codec_path_unset(m, "length", &e);
	codec_path_unset(m, "SA.length", &e);
	{
		char v[16];
		snprintf(v, sizeof(v), "%zu", codec_node_size(codec_find_payload(m, PL_SA, 1)) +
		    codec_node_size(codec_find_payload(m, PL_KE, 1)));
		setp(m, "SA.length", v);
	}
	codec_encode(m, &lies[3].wire, &e);
	codec_node_free(m);
	for (i = 0; i < NLIES; i++)
		snprintf(lies[i].name, sizeof(lies[i].name), "%s", lie_spec[i].name);

	snprintf(path, sizeof(path), "%s/lies.pcap", dir);
	if (!ok(write_pcap(path, lies, NLIES) == 0, "write the length lies"))
		goto out;
	if (!ok(pdml_run(tshark, path, NULL, &d, &e) == 0 && d.n == NLIES * NTRANSPORTS,
	    "tshark dissects the length lies")) {
		diag("%s", e.text);
		pdml_free(&d);
		goto out;
	}
	for (i = 0; i < NLIES; i++) {
		struct codec_problems *pr = calloc(1, sizeof(*pr));
		struct codec_node *tree = NULL;

		codec_decode(lies[i].wire.data, lies[i].wire.len, &tree, pr, &e);
		/* CODEC_P_COUNT: any error will do (what the swallowed bytes look
		 * like as proposals decides which). */
		if (lie_spec[i].code == CODEC_P_COUNT)
			ok(codec_problems_errors(pr) > 0, "%s: the codec says malformed (%s)",
			    lies[i].name, pr->count ? codec_problem_name(pr->list[0].code) : "nothing");
		else
			ok(codec_problems_find(pr, lie_spec[i].code) != NULL,
			    "%s: the codec says %s", lies[i].name, codec_problem_name(lie_spec[i].code));
		for (size_t t = 0; t < NTRANSPORTS; t++) {
			size_t errs = expert_errors(&d.p[i * NTRANSPORTS + t], false);

			if (lie_spec[i].known_st == CODEC_S_COUNT)
				ok(errs > 0, "%s %s: tshark says malformed too", lies[i].name,
				    transports[t].name);
			else if (errs == 0)
				tap_skip(known_reason(lie_spec[i].known_st, lie_spec[i].known_field),
				    "%s %s: tshark silent (known tshark 4.0 difference)",
				    lies[i].name, transports[t].name);
			else
				ok(0, "%s %s: tshark now flags this: take it off tshark_known[]",
				    lies[i].name, transports[t].name);
		}
		codec_node_free(tree);
		free(pr);
	}
	pdml_free(&d);
out:
	for (i = 0; i < NLIES; i++)
		bytes_free(&lies[i].wire);
}

int main(void)
{
	const char *tshark = pdml_tshark();
	char dir[] = "/tmp/iketest-tshark-XXXXXX", path[256];
	struct pdml d;
	struct err e;
	size_t i, t;

	if (tshark == NULL) {
		tap_skip("tshark not installed (apt-get install tshark; CI installs it)",
		    "tshark oracle");
		return tap_done();
	}
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return tap_done();
	}
	load_goldens();
	load_built();
	ok(ncases > 0, "%zu valid messages to compare", ncases);
	snprintf(path, sizeof(path), "%s/oracle.pcap", dir);
	if (ok(write_pcap(path, cases, ncases) == 0, "write %zu frames", ncases * NTRANSPORTS)) {
		if (!ok(pdml_run(tshark, path, "-o udp.check_checksum:TRUE -o ip.check_checksum:TRUE",
		    &d, &e) == 0, "tshark reads them"))
			diag("%s", e.text);
		else if (is_int(d.n, ncases * NTRANSPORTS, "tshark sees every frame"))
			for (i = 0; i < ncases; i++)
				for (t = 0; t < NTRANSPORTS; t++)
					check_frame(&cases[i], &transports[t], &d.p[i * NTRANSPORTS + t]);
		pdml_free(&d);
	}
	unlink(path);
	check_length_lies(tshark, dir);
	snprintf(path, sizeof(path), "%s/lies.pcap", dir);
	unlink(path);
	rmdir(dir);
	for (i = 0; i < ncases; i++) {
		bytes_free(&cases[i].wire);
		codec_node_free(cases[i].tree);
	}
	return tap_done();
}
