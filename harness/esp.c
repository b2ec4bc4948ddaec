/* esp: ESP packets (RFC 4303) of one SA direction, built and checked
 * without I/O; the keys live in a crypto_pkt context keyed once.
 *
 *   SPI (4) | Sequence Number (4) | IV | payload | TFC padding | padding |
 *   Pad Length (1) | Next Header (1) | ICV
 *
 * Everything from the payload to the Next Header is encrypted. With a
 * separate integrity algorithm the ICV covers SPI .. Next Header, then
 * the high half of an extended sequence number that is not sent (2.2.1,
 * 3.3.2.1); with an AEAD cipher the AAD is SPI | sequence number, or
 * SPI | high half | low half with ESN (RFC 4106 5, RFC 4309 5, RFC 7634
 * 2.1), and the tag is the ICV. */
#include "esp.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "crypto.h"
#include "err.h"
#include "names.h"

enum {
	ESP_ALIGN = 4,		/* 2.4: the ICV starts on a 4-byte boundary */
	ESP_MAX_IV = 16,
	ESP_MAX_ICV = 32,
	ESP_MAX_AAD = 12,
	ESP_MAX_PAD = 255,
};

struct esp_sa {
	uint32_t spi;
	bool esn;
	bool seq_iv;		/* the IV is the sequence number */
	bool aead;
	size_t iv_len, block_len, icv_len;
	struct crypto_pkt *c;
	uint64_t last_seq;		/* sender */
	struct esp_window win;		/* receiver */
	uint8_t buf[ESP_MAX_PACKET];	/* the last packet, decrypted */
};

const char *esp_verdict_name(enum esp_verdict v)
{
	switch (v) {
	case ESP_OK:
		return "ok";
	case ESP_DUMMY:
		return "dummy";
	case ESP_TRUNCATED:
		return "truncated";
	case ESP_WRONG_SPI:
		return "wrong-spi";
	case ESP_REPLAY:
		return "replay";
	case ESP_TOO_OLD:
		return "too-old";
	case ESP_BAD_ICV:
		return "bad-icv";
	case ESP_BAD_BLOCK:
		return "bad-block";
	case ESP_BAD_PAD_LEN:
		return "bad-pad-length";
	case ESP_BAD_PADDING:
		return "bad-padding";
	case ESP_ZERO_SEQ:
		return "zero-seq";
	}
	return "<UNKNOWN>";
}

struct esp_sa *esp_sa_new(const struct esp_sa_params *p, struct err *e)
{
	struct esp_sa *sa;

	/* 3.2: confidentiality and integrity are each optional, but "both
	 * algorithms MUST NOT be simultaneously NULL". */
	if (p->encr == ENCR_NULL && p->integ == INTEG_NONE) {
		err_set(e, "%s: ENCR_NULL without integrity protects nothing "
		    "(RFC 4303 3.2)", __func__);
		return NULL;
	}
	if (p->window > ESP_WINDOW_MAX) {
		err_set(e, "%s: window of %u bits, at most %d", __func__,
		    p->window, ESP_WINDOW_MAX);
		return NULL;
	}
	sa = calloc(1, sizeof(*sa));
	if (sa == NULL) {
		err_set(e, "%s: out of memory", __func__);
		return NULL;
	}
	sa->c = crypto_pkt_new(p->encr, p->encr_key_bits, p->integ,
	    p->encr_key, p->encr_key_len, p->integ_key, p->integ_key_len, e);
	if (sa->c == NULL) {
		free(sa);
		return NULL;
	}
	sa->spi = p->spi;
	sa->esn = p->esn;
	sa->aead = crypto_pkt_is_aead(sa->c);
	/* RFC 4106 3.1, RFC 4309 3.1, RFC 7634 2, RFC 3686 3: the IV must
	 * never repeat under one key; the sequence number never does. */
	sa->seq_iv = sa->aead || p->encr == ENCR_AES_CTR;
	sa->iv_len = crypto_pkt_iv_len(sa->c);
	sa->block_len = crypto_pkt_block_len(sa->c);
	sa->icv_len = crypto_pkt_icv_len(sa->c);
	esp_window_init(&sa->win, p->window, p->esn);
	return sa;
}

void esp_sa_free(struct esp_sa *sa)
{
	if (sa == NULL)
		return;
	crypto_pkt_free(sa->c);
	/* The last decrypted payload is as secret as the keys. */
	explicit_bzero(sa, sizeof(*sa));
	free(sa);
}

uint32_t esp_sa_spi(const struct esp_sa *sa)
{
	return sa->spi;
}

uint64_t esp_sa_last_seq(const struct esp_sa *sa)
{
	return sa->last_seq;
}

void esp_sa_set_last_seq(struct esp_sa *sa, uint64_t seq)
{
	sa->last_seq = seq;
}

uint64_t esp_sa_highest_seq(const struct esp_sa *sa)
{
	return sa->win.top;
}

void esp_sa_set_highest_seq(struct esp_sa *sa, uint64_t seq)
{
	esp_window_init(&sa->win, sa->win.size, sa->esn);
	sa->win.top = seq;
}

/* ---- sending ---------------------------------------------------------- */

/* 2.4: the fewest padding bytes that make payload | TFC | padding |
 * trailer a multiple of the block length and end it on a 4-byte
 * boundary (the header, IVs and ICVs are multiples of 4 already). */
/* x mod n, n > 0: a mask when n is a power of two (every ESP block
 * length is), as a division per packet showed in bench_esp's profile. */
static size_t esp_rem(size_t x, size_t n)
{
	return (n & (n - 1)) == 0 ? x & (n - 1) : x % n;
}

static size_t esp_min_pad(const struct esp_sa *sa, size_t plain_len)
{
	size_t align = sa->block_len > ESP_ALIGN ? sa->block_len : ESP_ALIGN;

	return esp_rem(align - esp_rem(plain_len + ESP_TRAILER_LEN, align),
	    align);
}

static size_t esp_pad_count(const struct esp_sa *sa, size_t len,
    const struct esp_send_opts *o)
{
	if (o != NULL && o->pad_given)
		return o->pad_len;
	return esp_min_pad(sa, len + (o != NULL ? o->tfc_len : 0));
}

size_t esp_encap_len(const struct esp_sa *sa, size_t len,
    const struct esp_send_opts *o)
{
	return ESP_HDR_LEN + sa->iv_len + len + (o != NULL ? o->tfc_len : 0) +
	    esp_pad_count(sa, len, o) + ESP_TRAILER_LEN + sa->icv_len;
}

/* The sequence number of the next packet: given, or the counter's next
 * (3.3.3: never 0, and no cycling: a new SA is needed instead). */
static int esp_next_seq(const struct esp_sa *sa, const struct esp_send_opts *o,
    uint64_t *seq, struct err *e)
{
	if (o->seq_given) {
		if (!sa->esn && o->seq > UINT32_MAX)
			return err_set(e, "%s: sequence number %llu does not "
			    "fit 32 bits without ESN", __func__,
			    (unsigned long long)o->seq);
		*seq = o->seq;
		return 0;
	}
	if (sa->last_seq == (sa->esn ? UINT64_MAX : UINT32_MAX))
		return err_set(e, "%s: the sequence number would cycle "
		    "(RFC 4303 3.3.3): rekey the SA", __func__);
	*seq = sa->last_seq + 1;
	return 0;
}

/* payload | TFC padding | padding | Pad Length | Next Header at p. */
static int esp_cleartext(const struct esp_sa *sa, uint8_t next_header,
    const uint8_t *payload, size_t len, const struct esp_send_opts *o,
    uint8_t *p, struct err *e)
{
	size_t pad = esp_pad_count(sa, len, o), i;

	if (pad > ESP_MAX_PAD && !o->pad_len_given)
		return err_set(e, "%s: %zu padding bytes do not fit the Pad "
		    "Length octet", __func__, pad);
	if (len)
		memmove(p, payload, len);
	p += len;
	/* 2.7: TFC padding "may contain any value"; zeros here. */
	memset(p, 0, o->tfc_len);
	p += o->tfc_len;
	/* 2.4: the default padding is 1, 2, 3 ... */
	for (i = 0; i < pad; i++)
		p[i] = o->pad_given && o->pad != NULL ? o->pad[i] :
		    (uint8_t)(i + 1);
	p += pad;
	p[0] = o->pad_len_given ? o->pad_len_value : (uint8_t)pad;
	p[1] = next_header;
	return 0;
}

int esp_encap(struct esp_sa *sa, uint8_t next_header,
    const uint8_t *payload, size_t len, const struct esp_send_opts *o,
    uint8_t *out, size_t cap, size_t *out_len, struct err *e)
{
	static const struct esp_send_opts careful;
	uint8_t iv_buf[ESP_MAX_IV], aad[ESP_MAX_AAD], hi[4];
	const uint8_t *iv = iv_buf;
	uint8_t *ct, *icv;
	size_t total, ct_len, aad_len;
	uint64_t seq = 0;

	if (o == NULL)
		o = &careful;
	total = esp_encap_len(sa, len, o);
	/* Each part bounded first, so that their sum cannot wrap. */
	if (len > ESP_MAX_PACKET || o->tfc_len > ESP_MAX_PACKET ||
	    (o->pad_given && o->pad_len > ESP_MAX_PACKET) ||
	    total > ESP_MAX_PACKET)
		return err_set(e, "%s: a packet of %zu + %zu + %zu bytes is "
		    "longer than %d", __func__, len, o->tfc_len,
		    o->pad_given ? o->pad_len : 0, ESP_MAX_PACKET);
	if (total > cap)
		return err_set(e, "%s: packet of %zu bytes, room for %zu",
		    __func__, total, cap);
	if (esp_next_seq(sa, o, &seq, e) < 0)
		return -1;
	ct_len = total - ESP_HDR_LEN - sa->iv_len - sa->icv_len;
	if (sa->block_len > 1 && esp_rem(ct_len, sa->block_len) != 0)
		return err_set(e, "%s: %zu bytes to encrypt are not a multiple "
		    "of the block length %zu (padding %zu given)", __func__,
		    ct_len, sa->block_len, o->pad_len);
	ct = out + ESP_HDR_LEN + sa->iv_len;
	icv = ct + ct_len;
	/* The payload may already sit where it goes: move it first. */
	if (esp_cleartext(sa, next_header, payload, len, o, ct, e) < 0)
		return -1;
	buffer_write_n32(out, cap, 0, o->spi_given ? o->spi : sa->spi);
	buffer_write_n32(out, cap, 4, (uint32_t)seq);
	buffer_write_n32(hi, sizeof(hi), 0, (uint32_t)(seq >> 32));
	if (o->iv_given)
		iv = o->iv;
	else if (sa->seq_iv)
		buffer_write_n64(iv_buf, sizeof(iv_buf), 0, seq);
	else if (sa->iv_len && crypto_random(iv_buf, sa->iv_len, e) < 0)
		return -1;
	if (sa->iv_len)
		memcpy(out + ESP_HDR_LEN, iv, sa->iv_len);
	if (sa->aead) {
		memcpy(aad, out, 4);
		aad_len = 4;
		if (sa->esn) {
			memcpy(aad + aad_len, hi, 4);
			aad_len += 4;
		}
		memcpy(aad + aad_len, out + 4, 4);
		aad_len += 4;
		if (crypto_pkt_encrypt(sa->c, iv, aad, aad_len, ct, ct_len, icv,
		    e) < 0)
			return -1;
	} else if (crypto_pkt_encrypt(sa->c, iv, NULL, 0, ct, ct_len, NULL,
	    e) < 0 || (sa->icv_len && crypto_pkt_icv(sa->c, out,
	    ESP_HDR_LEN + sa->iv_len + ct_len, sa->esn ? hi : NULL,
	    sa->esn ? 4 : 0, icv, e) < 0))
		return -1;
	if (o->corrupt_icv && sa->icv_len)
		icv[0] ^= 0x01;
	if (o->corrupt_payload)
		ct[0] ^= 0x01;
	if (!o->seq_given)
		sa->last_seq = seq;
	*out_len = total;
	return 0;
}

/* ---- receiving -------------------------------------------------------- */

int esp_peek(const uint8_t *pkt, size_t len, uint32_t *spi, uint32_t *seq)
{
	struct buffer_reader r;

	buffer_reader_init(&r, pkt, len);
	if (buffer_remaining(&r) < ESP_HDR_LEN)
		return -1;
	buffer_get_u32(&r, spi);
	buffer_get_u32(&r, seq);
	return 0;
}

/* Authentication of a packet whose ICV comes from a separate integrity
 * algorithm: over SPI .. Next Header, then the unsent high half (ESN). */
static bool esp_icv_ok(struct esp_sa *sa, const uint8_t *pkt, size_t len,
    const uint8_t hi[static 4])
{
	struct err e;

	return crypto_pkt_icv_verify(sa->c, pkt, len - sa->icv_len,
	    sa->esn ? hi : NULL, sa->esn ? 4 : 0, pkt + len - sa->icv_len,
	    &e) == 0;
}

/* 2.4 and 2.5: the trailer at the end of the decrypted bytes. */
static enum esp_verdict esp_trailer(const uint8_t *clear, size_t ct_len,
    struct esp_rx *rx)
{
	size_t i;

	rx->pad_len = clear[ct_len - 2];
	rx->next_header = clear[ct_len - 1];
	if ((size_t)rx->pad_len + ESP_TRAILER_LEN > ct_len)
		return ESP_BAD_PAD_LEN;
	rx->payload_len = ct_len - ESP_TRAILER_LEN - rx->pad_len;
	rx->pad_monotonic = true;
	for (i = 0; i < rx->pad_len; i++)
		if (clear[rx->payload_len + i] != (uint8_t)(i + 1))
			rx->pad_monotonic = false;
	/* "the receiver SHOULD inspect the Padding field" (2.4). */
	return rx->pad_monotonic ? ESP_OK : ESP_BAD_PADDING;
}

enum esp_verdict esp_decap(struct esp_sa *sa, const uint8_t *pkt,
    size_t len, struct esp_rx *rx)
{
	uint8_t aad[ESP_MAX_AAD], hi[4];
	uint32_t spi, seq_low;
	size_t ct_len, aad_len = 0;
	const uint8_t *iv, *icv;
	enum esp_verdict v;
	bool authentic = false;
	struct err e;

	memset(rx, 0, sizeof(*rx));
	rx->iv_len = sa->iv_len;
	rx->icv_len = sa->icv_len;
	if (esp_peek(pkt, len, &spi, &seq_low) < 0)
		return ESP_TRUNCATED;
	rx->spi = spi;
	/* 3.4.2: the SPI names the SA. */
	if (spi != sa->spi)
		return ESP_WRONG_SPI;
	if (len - ESP_HDR_LEN < sa->iv_len + ESP_TRAILER_LEN + sa->icv_len ||
	    len > ESP_MAX_PACKET)
		return ESP_TRUNCATED;
	ct_len = len - ESP_HDR_LEN - sa->iv_len - sa->icv_len;
	iv = pkt + ESP_HDR_LEN;
	icv = pkt + len - sa->icv_len;
	/* 3.4.3: duplicates and numbers left of the window are dropped
	 * before the ICV is computed (A2.2 for the high half). */
	rx->seq = esp_window_infer(&sa->win, seq_low);
	buffer_write_n32(hi, sizeof(hi), 0, (uint32_t)(rx->seq >> 32));
	v = esp_window_check(&sa->win, rx->seq);
	if (v != ESP_OK)
		return v;
	/* 3.4.4.1: the ICV first, then decryption. */
	if (!sa->aead && sa->icv_len) {
		if (!esp_icv_ok(sa, pkt, len, hi))
			return ESP_BAD_ICV;
		authentic = true;
		esp_window_update(&sa->win, rx->seq);
	}
	if (sa->block_len > 1 && ct_len % sa->block_len != 0)
		return ESP_BAD_BLOCK;
	memcpy(sa->buf, pkt + ESP_HDR_LEN + sa->iv_len, ct_len);
	if (sa->aead) {
		/* 3.4.4.2: the combined algorithm checks and decrypts. */
		memcpy(aad, pkt, 4);
		aad_len = 4;
		if (sa->esn) {
			memcpy(aad + aad_len, hi, 4);
			aad_len += 4;
		}
		memcpy(aad + aad_len, pkt + 4, 4);
		aad_len += 4;
		if (crypto_pkt_decrypt(sa->c, iv, aad, aad_len, sa->buf, ct_len,
		    icv, &e) < 0)
			return ESP_BAD_ICV;
		authentic = true;
		esp_window_update(&sa->win, rx->seq);
	} else if (crypto_pkt_decrypt(sa->c, iv, NULL, 0, sa->buf, ct_len,
	    NULL, &e) < 0) {
		return ESP_BAD_BLOCK;	/* whole blocks cannot fail otherwise */
	}
	v = esp_trailer(sa->buf, ct_len, rx);
	if (v != ESP_OK)
		return v;
	/* Without integrity (3.2 allows it) nothing is authentic: the window
	 * moves for accepted packets only. */
	if (!authentic)
		esp_window_update(&sa->win, rx->seq);
	rx->payload = sa->buf;
	return rx->next_header == ESP_NEXT_HEADER_DUMMY ? ESP_DUMMY : ESP_OK;
}

/* ---- UDP encapsulation (RFC 3948) ------------------------------------- */

enum esp_udp_kind esp_udp_kind(const uint8_t *p, size_t len)
{
	static const uint8_t marker[4];

	/* 2.3: a NAT-keepalive is the single octet 0xFF. */
	if (len == 1 && p[0] == 0xff)
		return ESP_UDP_KEEPALIVE;
	if (len < 4)
		return ESP_UDP_INVALID;
	/* 2.2: four zero octets where an SPI would be mark IKE. */
	if (memcmp(p, marker, 4) == 0)
		return ESP_UDP_IKE;
	/* 2.1: an ESP header (SPI and sequence number) at least. */
	return len >= ESP_HDR_LEN ? ESP_UDP_ESP : ESP_UDP_INVALID;
}
