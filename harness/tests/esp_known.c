/* esp_known: published ESP packets, byte for byte.
 *
 * - draft-mcgrew-gcm-test-01 section 4 (vectors/mcgrew_gcm_esp.vec) and
 *   RFC 7634 appendix A.1 (vectors/rfc7634_chacha20_poly1305.vec): the
 *   files give key, salt, IV, AAD (SPI | [high half |] sequence number),
 *   the plaintext with its ESP trailer, ciphertext and tag. esp_encap of
 *   the plaintext without its trailer, with the sequence number and IV
 *   given, must give SPI | seq | IV | ct | tag exactly: that holds the
 *   padding iketest chooses to the published one. esp_decap of that
 *   packet must give the payload and next header back; a case marked
 *   invalid must be refused.
 * - RFC 3602 section 4 cases 5-8 (AES-CBC-128 ESP without integrity,
 *   transport and tunnel mode). The RFC text could not be fetched here;
 *   the numbers are as copied in two independent test suites citing the
 *   RFC (RUB NDS ipsec statemachine extractor ESPMessageTest.java: cases
 *   5-8; pcapkit's ESP tests: cases 5 and 7, identical). Decrypting them
 *   to an ICMP or IPv4 packet followed by padding 1, 2, 3 ... is itself a
 *   check that the numbers are right. */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "esp_cases.h"
#include "names.h"
#include "tap.h"
#include "vector.h"

enum { KNOWN_MAX = 512 };

struct known {
	const char *name;
	unsigned encr, bits;
	struct bytes key;	/* with the salt */
	uint32_t spi;
	uint64_t seq;
	bool esn;
	struct bytes iv, payload;
	uint8_t next_header;
	struct bytes packet;
	bool invalid;
};

static void known_free(struct known *k)
{
	bytes_free(&k->key);
	bytes_free(&k->iv);
	bytes_free(&k->payload);
	bytes_free(&k->packet);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Encap with the published sequence number and IV, compare, decap. */
static void known_check(const struct known *k)
{
	uint8_t out[KNOWN_MAX];
	struct esp_sa_params p;
	struct esp_send_opts o;
	struct esp_sa *tx = NULL, *rx = NULL;
	struct esp_rx r;
	struct err e = { "" };
	enum esp_verdict v;
	size_t len = 0;

	memset(&p, 0, sizeof(p));
	p.spi = k->spi;
	p.encr = k->encr;
	p.encr_key_bits = k->bits;
	p.integ = INTEG_NONE;
	p.encr_key = k->key.data;
	p.encr_key_len = k->key.len;
	p.esn = k->esn;
	tx = esp_sa_new(&p, &e);
	rx = tx != NULL ? esp_sa_new(&p, &e) : NULL;
	if (!ok(rx != NULL, "%s: SAs (%s)", k->name, rx ? "ok" : e.text))
		goto out;
	/* A2.2 infers the high half from the window: put it near. */
	if (k->seq >> 32)
		esp_sa_set_highest_seq(rx, k->seq - 1);
	v = esp_decap(rx, k->packet.data, k->packet.len, &r);
	if (k->invalid) {
		is_int(v, ESP_BAD_ICV, "%s: refused as %s", k->name,
		    esp_verdict_name(v));
		goto out;
	}
	ok(v == ESP_OK || v == ESP_DUMMY, "%s: esp_decap %s", k->name,
	    esp_verdict_name(v));
	cmp_mem(r.payload, r.payload_len, k->payload.data, k->payload.len,
	    "%s: inner packet", k->name);
	ok(r.next_header == k->next_header && r.seq == k->seq &&
	    r.pad_monotonic, "%s: next header %u, sequence number %llu, "
	    "padding 1, 2, 3 ...", k->name, r.next_header,
	    (unsigned long long)r.seq);
	memset(&o, 0, sizeof(o));
	o.seq_given = true;
	o.seq = k->seq;
	o.iv_given = true;
	o.iv = k->iv.data;
	if (!ok(esp_encap(tx, k->next_header, k->payload.data, k->payload.len,
	    &o, out, sizeof(out), &len, &e) == 0, "%s: esp_encap (%s)",
	    k->name, e.text[0] ? e.text : "ok"))
		goto out;
	cmp_mem(out, len, k->packet.data, k->packet.len, "%s: esp_encap "
	    "gives the published packet", k->name);
	is_int(esp_encap_len(tx, k->payload.len, &o), k->packet.len,
	    "%s: esp_encap_len", k->name);
out:
	esp_sa_free(tx);
	esp_sa_free(rx);
}

/* A .vec aead case to a known packet; 0, or -1 when it is not an ESP
 * packet (AAD neither 8 nor 12 bytes). */
static int known_from_vec(const struct vector_case *c, struct known *k,
    struct err *e)
{
	struct bytes salt = BYTES_EMPTY, aad = BYTES_EMPTY, plain = BYTES_EMPTY,
	    ct = BYTES_EMPTY, tag = BYTES_EMPTY;
	const char *encr = vector_get(c, "encr");
	uint8_t pad;
	int rc = -1;

	memset(k, 0, sizeof(*k));
	k->name = vector_get(c, "name");
	k->invalid = vector_expects_invalid(c);
	if (encr == NULL ||
	    names_parse(NAMES_T_ENCR, encr, strlen(encr), &k->encr) < 0) {
		err_set(e, "line %d: no encr", c->line);
		goto out;
	}
	if (vector_get_hex(c, "key", &k->key, e) < 0 ||
	    vector_get_hex(c, "salt", &salt, e) < 0 ||
	    vector_get_hex(c, "iv", &k->iv, e) < 0 ||
	    vector_get_hex(c, "aad", &aad, e) < 0 ||
	    vector_get_hex(c, "plain", &plain, e) < 0 ||
	    vector_get_hex(c, "ct", &ct, e) < 0 ||
	    vector_get_hex(c, "tag", &tag, e) < 0)
		goto out;
	if ((aad.len != 8 && aad.len != 12) || plain.len < 2) {
		err_set(e, "line %d: not an ESP packet", c->line);
		goto out;
	}
	k->bits = k->encr == ENCR_CHACHA20_POLY1305 ? 0 :
	    (unsigned)k->key.len * 8;
	k->spi = get32(aad.data);
	k->esn = aad.len == 12;
	k->seq = k->esn ? (uint64_t)get32(aad.data + 4) << 32 |
	    get32(aad.data + 8) : get32(aad.data + 4);
	/* The plaintext ends with padding | Pad Length | Next Header. */
	pad = plain.data[plain.len - 2];
	k->next_header = plain.data[plain.len - 1];
	if ((size_t)pad + 2 > plain.len) {
		err_set(e, "line %d: pad length %u too long", c->line, pad);
		goto out;
	}
	if (bytes_append(&k->key, salt.data, salt.len) < 0 ||
	    bytes_set(&k->payload, plain.data, plain.len - 2 - pad) < 0 ||
	    bytes_set(&k->packet, aad.data, 4) < 0 ||
	    bytes_append(&k->packet, aad.data + aad.len - 4, 4) < 0 ||
	    bytes_append(&k->packet, k->iv.data, k->iv.len) < 0 ||
	    bytes_append(&k->packet, ct.data, ct.len) < 0 ||
	    bytes_append(&k->packet, tag.data, tag.len) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	bytes_free(&salt);
	bytes_free(&aad);
	bytes_free(&plain);
	bytes_free(&ct);
	bytes_free(&tag);
	return rc;
}

/* Every ESP case of a file (RFC 7634's A.2 is IKEv2: skipped by name). */
static void known_file(const char *path, const char *only_source)
{
	struct vector_file f;
	struct err e = { "" };
	size_t i, n = 0;

	if (!ok(vector_load(path, &f, &e) == 0, "%s: loaded (%s)", path,
	    e.text[0] ? e.text : "ok"))
		return;
	for (i = 0; i < f.ncases; i++) {
		const struct vector_case *c = &f.cases[i];
		const char *src = vector_get(c, "source");
		struct known k;

		if (only_source != NULL && (src == NULL ||
		    strcmp(src, only_source) != 0))
			continue;
		if (!ok(known_from_vec(c, &k, &e) == 0, "%s: case at line %d "
		    "read (%s)", path, c->line, e.text[0] ? e.text : "ok")) {
			known_free(&k);
			continue;
		}
		known_check(&k);
		known_free(&k);
		n++;
	}
	ok(n > 0, "%s: %zu ESP packets checked", path, n);
	vector_free(&f);
}

/* ---- RFC 3602 section 4 cases 5-8 ------------------------------------ */

struct cbc_case {
	const char *name;
	const char *key, *packet, *payload;
	uint8_t next_header;
	uint8_t pad_len;
};

static const struct cbc_case rfc3602[] = {
	{ "RFC 3602 case 5 (transport, ICMP echo, 64 bytes)",
	  "90d382b410eeba7ad938c46cec1a82bf",
	  "0000432100000001e96e8c08ab465763fd098d45dd3ff893"
	  "f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856"
	  "a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874a"
	  "a269add047ad2d5913ac19b7cfbad4a6",
	  "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f1011121314151617"
	  "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
	  1, 14 },
	{ "RFC 3602 case 6 (transport, ICMP echo, 28 bytes)",
	  "90d382b410eeba7ad938c46cec1a82bf",
	  "000043210000000869d08df7d203329db093fc4924e5bd80"
	  "f51995881ec4e0c4488987ce742e8109689bb379d2d750c0d915dca346a89f75",
	  "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777",
	  1, 2 },
	{ "RFC 3602 case 7 (tunnel, IPv4 ICMP echo, 84 bytes)",
	  "0123456789abcdef0123456789abcdef",
	  "0000876500000002f4e765244f6407adf13dc1380f673f37"
	  "773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8"
	  "e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5"
	  "c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d",
	  "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d"
	  "02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
	  "2425262728292a2b2c2d2e2f3031323334353637",
	  4, 10 },
	{ "RFC 3602 case 8 (tunnel, IPv4 ICMP echo, 68 bytes)",
	  "0123456789abcdef0123456789abcdef",
	  "000087650000000585d47224b5f3dd5d2101d4ea8dffab22"
	  "15b92683819596a8047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb5"
	  "0f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3"
	  "d2726d9b5ef6affc6d17a0decbb13892",
	  "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083d"
	  "a3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffff",
	  4, 10 },
};

static void known_rfc3602(const struct cbc_case *cc)
{
	struct bytes key = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct bytes payload = BYTES_EMPTY;
	struct known k;
	struct err e = { "" };

	if (bytes_from_hex(&key, cc->key, strlen(cc->key), &e) < 0 ||
	    bytes_from_hex(&pkt, cc->packet, strlen(cc->packet), &e) < 0 ||
	    bytes_from_hex(&payload, cc->payload, strlen(cc->payload), &e) < 0) {
		ok(false, "%s: hex (%s)", cc->name, e.text);
		goto out;
	}
	/* The padding published is the minimal one: the trailer check. */
	is_int((payload.len + 2 + cc->pad_len) % 16, 0, "%s: %zu + 2 + %u "
	    "bytes fill whole blocks", cc->name, payload.len, cc->pad_len);
	memset(&k, 0, sizeof(k));
	k.name = cc->name;
	k.encr = ENCR_AES_CBC;
	k.bits = 128;
	k.key = key;
	k.spi = get32(pkt.data);
	k.seq = get32(pkt.data + 4);
	k.iv.data = pkt.data + 8;
	k.iv.len = 16;
	k.payload = payload;
	k.next_header = cc->next_header;
	k.packet = pkt;
	known_check(&k);
out:
	bytes_free(&key);
	bytes_free(&pkt);
	bytes_free(&payload);
}

void esp_test_known(void)
{
	size_t i;

	known_file("vectors/mcgrew_gcm_esp.vec", NULL);
	known_file("vectors/rfc7634_chacha20_poly1305.vec",
	    "RFC 7634 appendix A.1");
	for (i = 0; i < N(rfc3602); i++)
		known_rfc3602(&rfc3602[i]);
}
