/* libFuzzer target: the reference peer's data plane (respond_esp.c) with
 * one ESP child (ENCR_NULL + HMAC-SHA1-96, so that the fuzzer's bytes
 * reach the inner packet as they are) and one AH child (HMAC-SHA2-256-
 * 128), selectors 203.0.113.0/24 <-> 198.51.100.16/28. The first byte
 * picks how the rest is used:
 *
 *   0: byte 1 is the next header, the rest the payload: the target
 *      protects it with the peer's outbound ESP SA and feeds it in
 *   1: the rest is a raw ESP packet (its first 4 bytes replaced by the
 *      child's SPI when there are 4)
 *   2: the rest is a raw IP packet for the AH path
 *   3: the rest is an inner IP packet: the target protects it with AH
 *      (tunnel mode) and feeds it in
 *
 * The data plane is made per input. Oracles: a packet the target
 * protected is never dropped for its ICV, its sequence number or its
 * padding; every answer verifies with the peer's inbound SA and carries
 * the next sequence number (1: one answer per input). */
#include <stdlib.h>
#include <string.h>

#include "ah.h"
#include "esp.h"
#include "ike.h"
#include "inet.h"
#include "names.h"
#include "respond_esp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_MAX = 4096, ESP_ICV = 20, AH_ICV = 32 };

static const uint8_t ESP_IN[4] = { 0x10, 0, 0, 1 }, ESP_OUT[4] = { 0x20, 0, 0, 1 };
static const uint8_t AH_IN[4] = { 0x10, 0, 0, 2 }, AH_OUT[4] = { 0x20, 0, 0, 2 };

static uint32_t spi_num(const uint8_t s[static 4])
{
	return (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
	    (uint32_t)s[2] << 8 | s[3];
}

/* A child the peer (the initiator of its exchange) made: KEYMAT bytes
 * 0, 1, 2 ... (SK_ai first, then SK_ar). */
static void fuzz_child(struct ike_child *c, unsigned protocol,
    const uint8_t in[4], const uint8_t out[4], unsigned integ, size_t il)
{
	uint8_t k[2 * AH_ICV];
	struct err e;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->protocol = protocol;
	memcpy(c->spi_in, in, 4);
	memcpy(c->spi_out, out, 4);
	c->proposal.protocol = protocol;
	if (protocol == PROTO_ESP)
		c->proposal.t[c->proposal.n++] = (struct ike_transform){
			TT_ENCR, ENCR_NULL, 0 };
	c->proposal.t[c->proposal.n++] = (struct ike_transform){ TT_INTEG,
		integ, 0 };
	c->proposal.t[c->proposal.n++] = (struct ike_transform){ TT_ESN,
		ESN_NO, 0 };
	ike_ts_add_prefix(&c->tsi, "203.0.113.0/24", &e);
	ike_ts_add_prefix(&c->tsr, "198.51.100.16/28", &e);
	ike_ts_add_prefix(&c->tsi, "2001:db8:113::/64", &e);
	ike_ts_add_prefix(&c->tsr, "2001:db8:100:1::/64", &e);
	c->integ_key_len = il;
	for (i = 0; i < 2 * il; i++)
		k[i] = (uint8_t)i;
	bytes_set(&c->keymat, k, 2 * il);
}

/* The peer's SAs: out keyed with the first half, in with the second. */
static struct esp_sa *peer_esp(bool out)
{
	uint8_t k[ESP_ICV];
	struct esp_sa_params p = { .encr = ENCR_NULL,
		.integ = INTEG_HMAC_SHA1_96, .integ_key = k,
		.integ_key_len = ESP_ICV };
	size_t i;

	for (i = 0; i < ESP_ICV; i++)
		k[i] = (uint8_t)(i + (out ? 0 : ESP_ICV));
	p.spi = spi_num(out ? ESP_IN : ESP_OUT);
	return esp_sa_new(&p, NULL);
}

static struct ah_sa *peer_ah(bool out)
{
	uint8_t k[AH_ICV];
	struct ah_sa_params p = { .integ = INTEG_HMAC_SHA2_256_128, .key = k,
		.key_len = AH_ICV };
	size_t i;

	for (i = 0; i < AH_ICV; i++)
		k[i] = (uint8_t)(i + (out ? 0 : AH_ICV));
	p.spi = spi_num(out ? AH_IN : AH_OUT);
	return ah_sa_new(&p, NULL);
}

/* A verdict the target's own protection can never earn. */
static void fuzz_own_packet(const struct respond_esp *d, uint32_t spi)
{
	const struct respond_esp_sa *s = respond_esp_find(d, spi);

	if (s == NULL || s->n.drop[RESPOND_DROP_BAD_ICV] ||
	    s->n.drop[RESPOND_DROP_REPLAY] || s->n.drop[RESPOND_DROP_TOO_OLD] ||
	    s->n.drop[RESPOND_DROP_ZERO_SEQ] ||
	    s->n.drop[RESPOND_DROP_BAD_PADDING] ||
	    s->n.drop[RESPOND_DROP_BAD_PAD_LEN] ||
	    s->n.drop[RESPOND_DROP_TRUNCATED])
		abort();
}

static void fuzz_esp_answer(const struct bytes *reply)
{
	struct esp_sa *in = peer_esp(false);
	struct esp_rx rx;

	if (reply->len && (in == NULL || esp_decap(in, reply->data, reply->len,
	    &rx) != ESP_OK || rx.seq != 1))
		abort();
	esp_sa_free(in);
}

static void fuzz_ah_answer(const struct bytes *reply)
{
	struct ah_sa *in = peer_ah(false);
	struct ah_rx rx;

	if (reply->len && (in == NULL || ah_verify(in, reply->data, reply->len,
	    &rx) != ESP_OK || rx.seq != 1))
		abort();
	ah_sa_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[FUZZ_MAX + 64];
	struct respond_esp *d;
	struct ike_sa *sa;
	struct addr me, iut;
	struct inet_pkt outer;
	struct bytes reply = BYTES_EMPTY, ah = BYTES_EMPTY;
	struct esp_sa *out = NULL;
	struct ah_sa *aout = NULL;
	struct err e;
	size_t len;

	if (size < 1 || size > FUZZ_MAX)
		return 0;
	d = respond_esp_new(NULL);
	sa = ike_sa_new(false, NULL);
	if (d == NULL || sa == NULL)
		abort();
	sa->state = IKE_S_ESTABLISHED;
	fuzz_child(&sa->child[sa->nchild++], PROTO_ESP, ESP_IN, ESP_OUT,
	    INTEG_HMAC_SHA1_96, ESP_ICV);
	fuzz_child(&sa->child[sa->nchild++], PROTO_AH, AH_IN, AH_OUT,
	    INTEG_HMAC_SHA2_256_128, AH_ICV);
	ike_ts_add_prefix(&d->protected, "198.51.100.16/28", &e);
	ike_ts_add_prefix(&d->protected, "2001:db8:100:1::/64", &e);
	if (respond_esp_sync(d, &sa, 1, NULL) < 0 || d->nsa != 2)
		abort();
	addr_parse("192.0.2.17", &me, &e);
	addr_parse("192.0.2.18", &iut, &e);
	switch (data[0] & 3) {
	case 0:
		if (size < 2 || (out = peer_esp(true)) == NULL)
			break;
		if (esp_encap(out, data[1], data + 2, size - 2, NULL, pkt,
		    sizeof(pkt), &len, &e) < 0)
			break;
		respond_esp_input(d, pkt, len, &me, &iut, &reply, &e);
		fuzz_own_packet(d, spi_num(ESP_IN));
		fuzz_esp_answer(&reply);
		break;
	case 1:
		memcpy(pkt, data + 1, size - 1);
		if (size - 1 >= 4)
			memcpy(pkt, ESP_IN, 4);
		respond_esp_input(d, pkt, size - 1, &me, &iut, &reply, &e);
		fuzz_esp_answer(&reply);
		break;
	case 2:
		respond_ah_input(d, data + 1, size - 1, &reply, &e);
		fuzz_ah_answer(&reply);
		break;
	case 3:
		if ((aout = peer_ah(true)) == NULL)
			break;
		memset(&outer, 0, sizeof(outer));
		outer.src = me;
		outer.dst = iut;
		if (ah_protect(aout, data + 1, size - 1, &outer, NULL, &ah,
		    &e) < 0)
			break;
		respond_ah_input(d, ah.data, ah.len, &reply, &e);
		fuzz_own_packet(d, spi_num(AH_IN));
		fuzz_ah_answer(&reply);
		break;
	}
	esp_sa_free(out);
	ah_sa_free(aout);
	bytes_free(&reply);
	bytes_free(&ah);
	respond_esp_free(d);
	ike_sa_free(sa);
	return 0;
}
