/* rules: good and bad messages per exchange and direction. */
#include <stdarg.h>
#include <string.h>

#include "codec.h"
#include "ike.h"
#include "names.h"
#include "rules.h"
#include "tap.h"

/* A message of the exchange with payloads given as types; a type above
 * 0x10000 is N(type - 0x10000). 0 ends the list. */
static struct codec_node *build(struct codec_node *parent, ...)
{
	va_list ap;
	unsigned t;

	va_start(ap, parent);
	while ((t = va_arg(ap, unsigned)) != 0) {
		struct codec_node *p = codec_payload_new(t >= 0x10000 ? PL_N : t);

		if (t >= 0x10000)
			ike_set(p, "notify_type", t - 0x10000);
		codec_append(parent, p);
	}
	va_end(ap);
	return parent;
}

static struct codec_node *msg(unsigned exch)
{
	struct codec_node *m = codec_message_new();

	ike_set(m, "exchange_type", exch);
	ike_set(m, "spi_i", 0x0102030405060708ull);
	return m;
}

#define NT(x) (0x10000u + (x))

static enum rules_status check(unsigned exch, bool resp, struct codec_node *m,
    struct codec_node *inner, struct rules_report *r)
{
	enum rules_status st = rules_check(exch, resp, m, inner, r);

	codec_node_free(m);
	codec_node_free(inner);
	return st;
}

/* ------------------------------------------------------ sender rules */

/* A legal IKE_SA_INIT message from the IUT: a response SA(one proposal)
 * KE Nr N(NAT_DETECTION_SOURCE_IP), or a request with two ENCR. */
static struct codec_node *s_init(bool response)
{
	struct codec_node *m = msg(EXCH_IKE_SA_INIT), *p;
	struct ike_proposal pr;
	uint8_t data[64];
	struct err e;

	memset(&pr, 0, sizeof(pr));
	pr.protocol = PROTO_IKE;
	pr.number = 1;
	pr.t[pr.n++] = (struct ike_transform){ TT_ENCR, ENCR_AES_CBC, 128 };
	if (!response)
		pr.t[pr.n++] = (struct ike_transform){ TT_ENCR, ENCR_AES_CBC, 256 };
	pr.t[pr.n++] = (struct ike_transform){ TT_PRF, PRF_HMAC_SHA2_256, 0 };
	pr.t[pr.n++] = (struct ike_transform){ TT_INTEG, INTEG_HMAC_SHA2_256_128, 0 };
	pr.t[pr.n++] = (struct ike_transform){ TT_DH, DH_ECP_256, 0 };
	ike_set(m, "flags.response", response);
	ike_set(m, "flags.initiator", !response);
	if (response)
		ike_set(m, "spi_r", 0x1112131415161718ull);
	ike_sa_payload_add(m, &pr, 1, &e);
	memset(data, 0x5a, sizeof(data));
	p = codec_payload_new(PL_KE);
	ike_set(p, "group", DH_ECP_256);
	ike_set_data(p, "data", data, 64);
	codec_append(m, p);
	p = codec_payload_new(PL_NONCE);
	ike_set_data(p, "data", data, 32);
	codec_append(m, p);
	ike_notify_add(m, 0, NULL, 0, N_NAT_DETECTION_SOURCE_IP, data, 20);
	return m;
}

/* The sender rules on m as the IUT would send it (encoded, then decoded,
 * so that the decoder's findings count); frees m. */
static size_t s_judge(struct codec_node *m, int orig, struct rules_report *r)
{
	struct bytes b = BYTES_EMPTY;
	struct codec_problems pr;
	struct codec_node *d = NULL;
	struct err e;

	memset(r, 0, sizeof(*r));
	if (codec_encode(m, &b, &e) == 0 &&
	    codec_decode(b.data, b.len, &d, &pr, &e) == 0)
		rules_sender_message(d, &pr, orig, r);
	codec_node_free(d);
	codec_node_free(m);
	bytes_free(&b);
	return r->count;
}

/* Whether some violation holds text. */
static bool s_has(const struct rules_report *r, const char *text)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		if (strstr(r->text[i], text) != NULL)
			return true;
	if (r->count > 0)
		diag("violations: %s", r->text[0]);
	return false;
}

static struct codec_node *s_find(struct codec_node *m, unsigned ptype)
{
	return codec_find_payload(m, ptype, 1);
}

/* transform i (0-based) of the first proposal of m's SA */
static struct codec_node *s_tr(struct codec_node *m, size_t i)
{
	return s_find(m, PL_SA)->kids[0]->kids[i];
}

static void s_attr(struct codec_node *t, unsigned type, unsigned value)
{
	struct codec_node *a = codec_child_new(t);

	ike_set(a, "af", 1);
	ike_set(a, "type", type);
	ike_set(a, "value", value);
	codec_append(t, a);
}

static void sender_header_tests(void)
{
	struct rules_report r;
	struct codec_node *m;

	is_int(s_judge(s_init(true), -1, &r), 0, "sender: a legal IKE_SA_INIT response passes");
	if (r.count)
		diag("%s", r.text[0]);
	is_int(s_judge(s_init(false), -1, &r), 0, "sender: a legal IKE_SA_INIT request passes");
	m = s_init(true);
	ike_set(m, "minor_version", 1);
	is_int(s_judge(m, -1, &r), 0, "sender: a higher minor version is legal (3.1)");
	m = s_init(true);
	ike_set(m, "flags.version", 1);
	s_judge(m, -1, &r);
	ok(s_has(&r, "RFC 7296 3.1: V flag"), "sender: V flag set violates 3.1");
	m = s_init(true);
	ike_set(m, "flags.initiator", 1);
	s_judge(m, -1, &r);
	ok(s_has(&r, "RFC 7296 3.1: I flag set"), "sender: I flag in an IKE_SA_INIT response violates 3.1");
	m = s_init(false);
	ike_set(m, "flags.initiator", 0);
	s_judge(m, -1, &r);
	ok(s_has(&r, "I flag clear"), "sender: I flag clear in an IKE_SA_INIT request violates 3.1");
	/* 2.21.4: a one-way notification outside any IKE SA has no original
	 * side; strongSwan answers a request with I clear with I set */
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_INVALID_MAJOR_VERSION), 0);
	ike_set(m, "flags.response", 1);
	ike_set(m, "flags.initiator", 1);
	is_int(s_judge(m, -1, &r), 0, "sender: N(INVALID_MAJOR_VERSION) alone with the I flag set passes (2.21.4)");
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_COOKIE), 0);
	ike_set(m, "flags.response", 1);
	ike_set(m, "flags.initiator", 1);
	s_judge(m, -1, &r);
	ok(s_has(&r, "I flag set"), "sender: N(COOKIE) with the I flag set still violates 3.1");
	m = msg(EXCH_INFORMATIONAL);
	ike_set(m, "flags.initiator", 0);
	codec_append(m, codec_payload_new(PL_SK));
	s_judge(m, 1, &r);
	ok(s_has(&r, "I flag clear in a message of the original initiator"),
	    "sender: I flag clear from the original initiator violates 3.1");
	m = msg(EXCH_INFORMATIONAL);
	ike_set(m, "flags.initiator", 0);
	codec_append(m, codec_payload_new(PL_SK));
	is_int(s_judge(m, 0, &r), 0, "sender: I flag clear from the original responder passes");
	m = s_init(true);
	ike_set(m, "flags.reserved_low", 1);
	s_judge(m, -1, &r);
	ok(s_has(&r, "RFC 7296 3.1: hdr.flags.reserved_low not zero"), "sender: a reserved flag bit violates 3.1");
	m = s_init(false);
	ike_set(m, "spi_r", 7);
	s_judge(m, -1, &r);
	ok(s_has(&r, "in an IKE_SA_INIT request, MUST be zero"), "sender: nonzero SPIr in an IKE_SA_INIT request violates 3.1");
	m = s_init(true);
	ike_set(m, "spi_r", 0);
	s_judge(m, -1, &r);
	ok(s_has(&r, "zero responder SPI"), "sender: zero SPIr in an accepting IKE_SA_INIT response violates");
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_INVALID_KE_PAYLOAD), 0);
	ike_set(m, "flags.response", 1);
	ike_set(m, "flags.initiator", 0);
	ike_set_data(s_find(m, PL_N), "data", "\0\x13", 2);
	is_int(s_judge(m, -1, &r), 0, "sender: INVALID_KE_PAYLOAD with a zero SPIr and 2-octet group passes");
}

static void sender_reserved_tests(void)
{
	struct rules_report r;
	struct codec_node *m;

	m = s_init(true);
	ike_set(s_find(m, PL_KE), "reserved2", 1);
	s_judge(m, -1, &r);
	ok(s_has(&r, "RFC 7296 3.4: KE.reserved2 not zero (0x1), MUST be sent as zero"),
	    "sender: KE RESERVED not zero violates 3.4");
	m = s_init(true);
	ike_set(s_find(m, PL_NONCE), "reserved", 2);
	s_judge(m, -1, &r);
	ok(s_has(&r, "RFC 7296 3.2: NONCE.reserved not zero"), "sender: generic header RESERVED violates 3.2");
	m = s_init(true);
	ike_set(s_tr(m, 0), "reserved2", 1);
	s_judge(m, -1, &r);
	ok(s_has(&r, "RFC 7296 3.3.2:"), "sender: transform RESERVED violates 3.3.2");
	m = s_init(true);
	ike_set(s_find(m, PL_SA)->kids[0], "reserved", 1);
	s_judge(m, -1, &r);
	ok(s_has(&r, "RFC 7296 3.3.1:"), "sender: proposal RESERVED violates 3.3.1");
	m = s_init(true);
	codec_append(m, codec_payload_new(200));
	is_int(s_judge(m, -1, &r), 0, "sender: an unknown non-critical payload is legal");
}

static void sender_sa_tests(void)
{
	struct rules_report r;
	struct codec_node *m, *p;
	struct err e;

	m = s_init(true);
	ike_set(s_find(m, PL_SA)->kids[0], "spi_size", 8);
	ike_set_data(s_find(m, PL_SA)->kids[0], "spi", "12345678", 8);
	s_judge(m, -1, &r);
	ok(s_has(&r, "SPI Size 8 in IKE_SA_INIT"), "sender: an IKE_SA_INIT proposal SPI violates 3.3.1");
	m = s_init(true);
	p = codec_node_clone(s_tr(m, 0));
	ike_set(p, "id", ENCR_AES_CTR);
	codec_append(s_find(m, PL_SA)->kids[0], p);
	s_judge(m, -1, &r);
	ok(s_has(&r, "2 ENCR transforms"), "sender: two ENCR in an accepted proposal violates 2.7");
	m = s_init(true);
	p = codec_node_clone(s_find(m, PL_SA)->kids[0]);
	ike_set(p, "number", 2);
	codec_append(s_find(m, PL_SA), p);
	s_judge(m, -1, &r);
	ok(s_has(&r, "2 proposals in the response"), "sender: two proposals in a response violate 2.7");
	m = s_init(false);
	codec_node_free(codec_remove(s_tr(m, 0), 0));
	s_judge(m, -1, &r);
	ok(s_has(&r, "ENCR AES_CBC without the Key Length attribute"), "sender: AES without Key Length violates 3.3.5");
	m = s_init(false);
	codec_append(s_find(m, PL_SA)->kids[0], codec_node_clone(s_tr(m, 2)));
	s_judge(m, -1, &r);
	ok(s_has(&r, "lists PRF HMAC_SHA2_256 twice"), "sender: a duplicate transform in a request violates 3.3.6");
	m = s_init(true);
	s_attr(s_tr(m, 0), ATTR_KEY_LENGTH, 256);
	s_judge(m, -1, &r);
	ok(s_has(&r, "attribute KEY_LENGTH given twice"), "sender: a duplicate attribute violates 3.3.5");
	m = s_init(true);
	s_attr(s_tr(m, 1), ATTR_KEY_LENGTH, 256);
	s_judge(m, -1, &r);
	ok(s_has(&r, "MUST NOT be used with a fixed-length key"), "sender: Key Length on a PRF violates 3.3.5");
	(void)e;
}

static void sender_payload_tests(void)
{
	struct rules_report r;
	struct codec_node *m, *p;
	uint8_t z[256];

	memset(z, 0, sizeof(z));
	m = s_init(true);
	ike_set_data(s_find(m, PL_KE), "data", NULL, 0);
	s_judge(m, -1, &r);
	ok(s_has(&r, "with no Key Exchange Data"), "sender: an empty KE violates 3.4");
	m = s_init(true);
	ike_set_data(s_find(m, PL_KE), "data", z, 64);
	s_judge(m, -1, &r);
	ok(s_has(&r, "all zero"), "sender: an all-zero KE violates 3.4");
	m = s_init(true);
	ike_set(s_find(m, PL_KE), "group", DH_MODP_2048);
	s_judge(m, -1, &r);
	ok(s_has(&r, "KE of MODP_2048, the accepted proposal's D-H group is ECP_256"),
	    "sender: KE group other than the accepted D-H violates 3.4");
	m = s_init(true);
	codec_node_free(codec_remove(s_find(m, PL_SA)->kids[0], 3));
	s_judge(m, -1, &r);
	ok(s_has(&r, "the accepted proposal has no D-H transform"),
	    "sender: KE with an accepted proposal without D-H names the missing transform");
	m = s_init(true);
	ike_set_data(s_find(m, PL_NONCE), "data", z, 15);
	s_judge(m, -1, &r);
	ok(s_has(&r, "Nonce Data of 15 octets"), "sender: a 15-octet nonce violates 3.9");
	m = s_init(true);
	ike_set_data(s_find(m, PL_NONCE), "data", z, 16);
	is_int(s_judge(m, -1, &r), 0, "sender: a 16-octet nonce passes");
	m = s_init(true);
	ike_set_data(s_find(m, PL_NONCE), "data", z, 256);
	is_int(s_judge(m, -1, &r), 0, "sender: a 256-octet nonce passes");
	m = s_init(true);
	ike_notify_add(m, PROTO_ESP, NULL, 0, N_ESP_TFC_PADDING_NOT_SUPPORTED, NULL, 0);
	s_judge(m, -1, &r);
	ok(s_has(&r, "with no SPI and Protocol ID ESP"), "sender: a notify protocol without SPI violates 3.10");
	m = s_init(true);
	ike_notify_add(m, PROTO_ESP, (const uint8_t *)"abcd", 4, N_REKEY_SA, NULL, 0);
	ike_notify_add(m, 0, NULL, 0, N_NAT_DETECTION_DESTINATION_IP, z, 20);
	is_int(s_judge(m, -1, &r), 0, "sender: N(REKEY_SA) ESP with SPI, notifies in any order pass");
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_COOKIE), 0);
	ike_set(m, "flags.response", 1);
	ike_set(m, "flags.initiator", 0);
	ike_set_data(s_find(m, PL_N), "data", z, 65);
	s_judge(m, -1, &r);
	ok(s_has(&r, "N(COOKIE) data of 65 octets"), "sender: a 65-octet COOKIE violates 2.6");
	m = msg(EXCH_INFORMATIONAL);
	p = codec_payload_new(PL_D);
	ike_set(p, "protocol", PROTO_IKE);
	ike_set(p, "spi_size", 0);
	codec_append(m, p);
	is_int(s_judge(m, -1, &r), 0, "sender: Delete of the IKE SA without SPIs passes");
	m = msg(EXCH_INFORMATIONAL);
	p = codec_payload_new(PL_D);
	ike_set(p, "protocol", 7);
	codec_append(m, p);
	s_judge(m, -1, &r);
	ok(s_has(&r, "Delete with Protocol ID"), "sender: Delete protocol 7 violates 3.11");
	m = msg(EXCH_INFORMATIONAL);
	p = codec_payload_new(PL_D);
	ike_set(p, "spi_size", 4);
	codec_append(m, p);
	/* 3.11 gives no count of SPIs that a Child SA Delete MUST carry: libreswan
	 * answers a Delete of an unknown SPI with an ESP Delete of none. */
	is_int(s_judge(m, -1, &r), 0, "sender: an ESP Delete without SPIs is allowed (3.11 sets no minimum)");
	m = msg(EXCH_INFORMATIONAL);
	p = codec_payload_new(PL_D);
	ike_set(p, "num_spis", 2);
	codec_append(m, p);
	{
		struct codec_node *s = codec_child_new(p);

		ike_set_data(s, "value", "abcd", 4);
		codec_append(p, s);
	}
	s_judge(m, -1, &r);
	ok(s_has(&r, "SPI_COUNT_MISMATCH"), "sender: Delete SPI count against its length violates 3.11");
}

static void sender_chosen_tests(void)
{
	struct rules_report r;
	struct codec_node *off = s_init(false), *m;
	struct codec_node *osa = s_find(off, PL_SA);

	m = s_init(true);
	memset(&r, 0, sizeof(r));
	rules_sender_chosen(s_find(m, PL_SA), osa, false, &r);
	is_int(r.count, 0, "chosen: one of the offered transforms each passes");
	s_attr(s_tr(m, 0), 15, 1);
	memset(&r, 0, sizeof(r));
	rules_sender_chosen(s_find(m, PL_SA), osa, false, &r);
	ok(s_has(&r, "is not one of proposal 1's transforms as offered"), "chosen: an extra attribute violates 2.7");
	codec_node_free(m);
	m = s_init(true);
	s_attr(s_tr(m, 0), ATTR_KEY_LENGTH, 128);
	memset(&r, 0, sizeof(r));
	rules_sender_chosen(s_find(m, PL_SA), NULL, false, &r);
	ok(s_has(&r, "given twice"), "chosen: a duplicate Key Length violates, even with no offer known");
	codec_node_free(m);
	m = s_init(true);
	ike_set(s_tr(m, 0)->kids[0], "value", 192);
	memset(&r, 0, sizeof(r));
	rules_sender_chosen(s_find(m, PL_SA), osa, false, &r);
	ok(s_has(&r, "ENCR AES_CBC"), "chosen: a key length not offered violates 2.7");
	codec_node_free(m);
	m = s_init(true);
	codec_node_free(codec_remove(s_find(m, PL_SA)->kids[0], 3));
	memset(&r, 0, sizeof(r));
	rules_sender_chosen(s_find(m, PL_SA), osa, false, &r);
	ok(s_has(&r, "has no DH transform"), "chosen: no D-H though offered violates 2.7");
	memset(&r, 0, sizeof(r));
	rules_sender_chosen(s_find(m, PL_SA), osa, true, &r);
	is_int(r.count, 0, "chosen: no D-H in IKE_AUTH passes (1.2)");
	codec_node_free(m);
	m = s_init(true);
	ike_set(s_find(m, PL_SA)->kids[0], "number", 2);
	memset(&r, 0, sizeof(r));
	rules_sender_chosen(s_find(m, PL_SA), osa, false, &r);
	ok(s_has(&r, "was not offered under that number"), "chosen: a proposal number not offered violates 2.7");
	codec_node_free(m);
	codec_node_free(off);
}

static void sender_chain_tests(void)
{
	struct rules_report r;
	struct codec_node *c = codec_chain_new(), *d = NULL, *p;
	struct codec_problems pr;
	struct bytes b = BYTES_EMPTY;
	struct err e;

	p = codec_payload_new(PL_IDr);
	ike_set(p, "reserved2", 5);
	codec_append(c, p);
	codec_append(c, codec_payload_new(PL_AUTH));
	codec_encode(c, &b, &e);
	codec_decode_chain(PL_IDr, b.data, b.len, &d, &pr, &e);
	memset(&r, 0, sizeof(r));
	rules_sender_chain(EXCH_IKE_AUTH, true, d, &pr, &r);
	ok(s_has(&r, "RFC 7296 3.5: SK.IDr.reserved2 not zero"), "sender: RESERVED inside SK violates 3.5");
	codec_node_free(c);
	codec_node_free(d);
	bytes_free(&b);
}

int main(void)
{
	struct rules_report r;
	enum rules_status st;
	struct codec_node *m;

	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, NT(N_NAT_DETECTION_SOURCE_IP), PL_V, 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "IKE_SA_INIT request SA KE Ni N V conforms");
	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_NONCE, 0), NULL, &r);
	ok(st == RULES_VIOLATES && strstr(r.text[0], "KE missing") != NULL,
	    "IKE_SA_INIT request without KE violates: %s", r.text[0]);
	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, NT(N_COOKIE), 0), NULL, &r);
	ok(st == RULES_VIOLATES, "N(COOKIE) not first in a request violates 2.6");
	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT),
	    NT(N_COOKIE), PL_SA, PL_KE, PL_NONCE, 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "N(COOKIE) first, then SA KE Ni conforms");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, PL_CERTREQ, PL_V, NT(N_NAT_DETECTION_SOURCE_IP), 0),
	    NULL, &r);
	is_int(st, RULES_CONFORMS, "response SA KE Nr CERTREQ V N conforms");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT),
	    NT(N_INVALID_KE_PAYLOAD), 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "INVALID_KE_PAYLOAD alone conforms");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT),
	    NT(N_COOKIE), 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "COOKIE alone conforms");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT),
	    NT(N_NAT_DETECTION_SOURCE_IP), 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "a status notify alone is no answer");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, PL_AUTH, 0), NULL, &r);
	ok(st == RULES_VIOLATES && strstr(r.text[0], "AUTH not allowed") != NULL,
	    "AUTH in IKE_SA_INIT violates: %s", r.text[0]);
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, PL_SK, 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "SK in IKE_SA_INIT violates");

	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), PL_IDr, PL_AUTH, PL_SA, PL_TSi, PL_TSr,
	    NT(N_ADDITIONAL_TS_POSSIBLE), 0), &r);
	is_int(st, RULES_CONFORMS, "IKE_AUTH response IDr AUTH SA TSi TSr N conforms");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), PL_IDr, PL_AUTH, 0), &r);
	is_int(st, RULES_CONFORMS, "childless IKE_AUTH response conforms (RFC 6023)");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), PL_IDr, PL_AUTH, PL_SA, 0), &r);
	is_int(st, RULES_VIOLATES, "SA without TSi TSr violates");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), NT(N_AUTHENTICATION_FAILED), 0), &r);
	is_int(st, RULES_CONFORMS, "AUTHENTICATION_FAILED alone conforms");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    NULL, &r);
	ok(st == RULES_CONFORMS && r.sk_unchecked,
	    "unopened SK: outside checked, contents flagged unchecked");
	st = check(EXCH_IKE_AUTH, false, build(msg(EXCH_IKE_AUTH), PL_IDi,
	    PL_AUTH, 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "IKE_AUTH request without SK violates");
	st = check(EXCH_IKE_AUTH, false, build(msg(EXCH_IKE_AUTH), PL_V, PL_SK, 0),
	    build(codec_chain_new(), PL_IDi, PL_AUTH, 0), &r);
	is_int(st, RULES_VIOLATES, "a payload outside SK violates");
	st = check(EXCH_IKE_AUTH, false, build(msg(EXCH_IKE_AUTH), PL_SK, PL_V, 0),
	    build(codec_chain_new(), PL_IDi, PL_AUTH, 0), &r);
	is_int(st, RULES_VIOLATES, "SK not last violates 3.14");
	st = check(EXCH_IKE_AUTH, false, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), PL_EAP, 0), &r);
	is_int(st, RULES_CONFORMS, "an EAP round conforms (2.16)");

	st = check(EXCH_CREATE_CHILD_SA, false, build(msg(EXCH_CREATE_CHILD_SA),
	    PL_SK, 0), build(codec_chain_new(), NT(N_REKEY_SA), PL_SA, PL_NONCE,
	    PL_TSi, PL_TSr, 0), &r);
	is_int(st, RULES_CONFORMS, "CREATE_CHILD_SA rekey request conforms");
	st = check(EXCH_CREATE_CHILD_SA, false, build(msg(EXCH_CREATE_CHILD_SA),
	    PL_SK, 0), build(codec_chain_new(), PL_SA, PL_NONCE, PL_KE, PL_TSi, 0),
	    &r);
	is_int(st, RULES_VIOLATES, "TSi without TSr violates");
	st = check(EXCH_CREATE_CHILD_SA, true, build(msg(EXCH_CREATE_CHILD_SA),
	    PL_SK, 0), build(codec_chain_new(), NT(N_NO_ADDITIONAL_SAS), 0), &r);
	is_int(st, RULES_CONFORMS, "NO_ADDITIONAL_SAS alone conforms");

	st = check(EXCH_INFORMATIONAL, true, build(msg(EXCH_INFORMATIONAL),
	    PL_SK, 0), build(codec_chain_new(), 0), &r);
	is_int(st, RULES_CONFORMS, "empty INFORMATIONAL response conforms");
	st = check(EXCH_INFORMATIONAL, false, build(msg(EXCH_INFORMATIONAL),
	    PL_SK, 0), build(codec_chain_new(), PL_D, PL_D, NT(N_INITIAL_CONTACT),
	    0), &r);
	is_int(st, RULES_CONFORMS, "Delete Delete N conforms");
	st = check(EXCH_INFORMATIONAL, false, build(msg(EXCH_INFORMATIONAL),
	    PL_SK, 0), build(codec_chain_new(), PL_KE, 0), &r);
	is_int(st, RULES_VIOLATES, "KE in INFORMATIONAL violates");
	st = check(EXCH_INFORMATIONAL, false, build(msg(EXCH_INFORMATIONAL),
	    NT(N_INVALID_IKE_SPI), 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "unprotected INVALID_IKE_SPI conforms (1.5)");
	st = check(EXCH_INFORMATIONAL, false, build(msg(EXCH_INFORMATIONAL),
	    PL_D, 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "an unprotected Delete violates");
	/* RFC 7296 2.5: the answer to a higher major version is unauthenticated,
	 * in whatever exchange, with the message ID it answers */
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH),
	    NT(N_INVALID_MAJOR_VERSION), 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "unprotected INVALID_MAJOR_VERSION answer to IKE_AUTH conforms (2.5)");
	st = check(EXCH_CREATE_CHILD_SA, true, build(msg(EXCH_CREATE_CHILD_SA),
	    NT(N_INVALID_IKE_SPI), 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "unprotected INVALID_IKE_SPI answer to CREATE_CHILD_SA conforms (1.5)");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH),
	    NT(N_AUTHENTICATION_FAILED), 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "unprotected AUTHENTICATION_FAILED in IKE_AUTH violates (1.2)");
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_INVALID_MAJOR_VERSION), 0);
	ike_set(m, "message_id", 0xffffffffu);
	st = check(EXCH_IKE_SA_INIT, true, m, NULL, &r);
	is_int(st, RULES_CONFORMS, "INVALID_MAJOR_VERSION with the message ID it answers conforms (2.5)");
	/* 2.2, 2.6: a COOKIE answer copies the message ID of its request */
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_COOKIE), 0);
	ike_set(m, "message_id", 0xfffffffeu);
	st = check(EXCH_IKE_SA_INIT, true, m, NULL, &r);
	is_int(st, RULES_CONFORMS, "an IKE_SA_INIT answer N(COOKIE) with the message ID it answers conforms (2.2, 2.6)");
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_COOKIE), 0);
	ike_set(m, "message_id", 3);
	st = check(EXCH_IKE_SA_INIT, false, m, NULL, &r);
	is_int(st, RULES_VIOLATES, "an IKE_SA_INIT request with message ID 3 violates (2.2)");
	m = build(msg(EXCH_IKE_SA_INIT), PL_SA, PL_KE, PL_NONCE, 0);
	ike_set(m, "message_id", 5);
	st = check(EXCH_IKE_SA_INIT, true, m, NULL, &r);
	is_int(st, RULES_VIOLATES, "an IKE_SA_INIT response SA KE Nr with message ID 5 violates (2.2)");
	/* 3.1: SPIi MUST NOT be zero; an error notify echoes what it got */
	m = build(msg(EXCH_IKE_SA_INIT), PL_SA, PL_KE, PL_NONCE, 0);
	ike_set(m, "spi_i", 0);
	st = check(EXCH_IKE_SA_INIT, true, m, NULL, &r);
	is_int(st, RULES_VIOLATES, "an IKE_SA_INIT response SA KE Nr with SPIi 0 violates (3.1)");
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_INVALID_SYNTAX), 0);
	ike_set(m, "spi_i", 0);
	st = check(EXCH_IKE_SA_INIT, true, m, NULL, &r);
	is_int(st, RULES_CONFORMS, "an IKE_SA_INIT answer N(INVALID_SYNTAX) echoing SPIi 0 conforms (3.1, 2.21.1)");
	m = build(msg(EXCH_IKE_SA_INIT), NT(N_COOKIE), 0);
	ike_set(m, "spi_i", 0);
	st = check(EXCH_IKE_SA_INIT, false, m, NULL, &r);
	is_int(st, RULES_VIOLATES, "an IKE_SA_INIT request with SPIi 0 violates (3.1)");
	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, 200, 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "an unknown non-critical payload is allowed");
	st = check(EXCH_IKE_INTERMEDIATE, false, build(msg(EXCH_IKE_INTERMEDIATE),
	    0), NULL, &r);
	is_int(st, RULES_NO_TABLE, "no table for IKE_INTERMEDIATE");
	sender_header_tests();
	sender_reserved_tests();
	sender_sa_tests();
	sender_payload_tests();
	sender_chosen_tests();
	sender_chain_tests();
	return tap_done();
}
