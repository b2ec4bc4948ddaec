/* ike_sk: messages whose payloads travel inside SK (RFC 7296 3.14):
 * encode + protect, decode + unprotect. */
#include <stdio.h>
#include <string.h>

#include "buffer.h"
#include "ike_int.h"
#include "names.h"

void ike_sk_keys(const struct ike_sa *sa, bool from_initiator,
    struct crypto_sk *sk)
{
	const struct bytes *ek = from_initiator ? &sa->keys.sk_ei :
	    &sa->keys.sk_er;
	const struct bytes *ak = from_initiator ? &sa->keys.sk_ai :
	    &sa->keys.sk_ar;

	memset(sk, 0, sizeof(*sk));
	sk->encr = sa->suite.encr;
	sk->encr_key_bits = sa->suite.encr_key_bits;
	sk->integ = sa->suite.integ;
	sk->encr_key = ek->data;
	sk->encr_key_len = ek->len;
	sk->integ_key = ak->data;
	sk->integ_key_len = ak->len;
}

static struct codec_node *last_payload(const struct codec_node *hdr)
{
	return hdr->nkids ? hdr->kids[hdr->nkids - 1] : NULL;
}

static int encode_protected(const struct ike_sa *sa, struct ike_msg *m,
    const struct ike_sk_opts *o, struct bytes *out, struct err *e)
{
	struct codec_node *sk = last_payload(m->hdr);
	struct bytes plain = BYTES_EMPTY, body = BYTES_EMPTY;
	struct crypto_sk keys;
	size_t pad_len, body_len, head_len, start = out->len, trail;
	int rc = -1;

	if (sk == NULL || sk->ptype != PL_SK)
		return err_set(e, "%s: SK must be the last payload", __func__);
	if (!sa->keys_ready)
		return err_set(e, "%s: no keys yet (IKE_SA_INIT not done)",
		    __func__);
	ike_sk_keys(sa, sa->initiator != o->peer_keys, &keys);
	if (o->iv && o->iv_len != crypto_encr_iv_len(keys.encr))
		return err_set(e, "%s: IV of %zu bytes, the cipher uses %zu",
		    __func__, o->iv_len, crypto_encr_iv_len(keys.encr));
	if (codec_encode(m->inner, &plain, e) < 0)
		goto out;
	pad_len = o->pad_given ? o->pad_len : crypto_sk_min_pad(&keys,
	    plain.len);
	if (pad_len > 255) {
		err_set(e, "%s: padding of %zu bytes (at most 255)", __func__,
		    pad_len);
		goto out;
	}
	body_len = crypto_sk_body_len(&keys, plain.len, pad_len);
	if (!codec_is_set(sk, 0))
		codec_set_uint(sk, 0, codec_chain_first(m->inner));
	if (bytes_resize(&body, body_len) < 0 ||
	    ike_set_data(sk, "data", body.data, body.len) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	if (codec_encode(m->hdr, out, e) < 0)
		goto out;
	trail = ike_get_data(m->hdr, "trailing")->len;
	head_len = out->len - start - trail - body_len;
	body.len = 0;
	if (crypto_sk_encrypt(&keys, out->data + start, head_len, o->iv,
	    plain.data, plain.len, o->pad_given ? o->pad : NULL, pad_len,
	    &body, e) < 0)
		goto out;
	if (body.len != body_len) {
		err_set(e, "%s: body of %zu bytes, expected %zu", __func__,
		    body.len, body_len);
		goto out;
	}
	if (o->corrupt_icv)
		body.data[body.len - 1] ^= 0x01;
	memcpy(out->data + start + head_len, body.data, body.len);
	if (ike_set_data(sk, "data", body.data, body.len) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	rc = 0;
out:
	bytes_free(&plain);
	bytes_free(&body);
	return rc;
}

int ike_msg_encode(const struct ike_sa *sa, struct ike_msg *m,
    const struct ike_sk_opts *o, struct bytes *out, struct err *e)
{
	static const struct ike_sk_opts careful;

	out->len = 0;
	if (o == NULL)
		o = &careful;
	if (m->inner == NULL)
		return codec_encode(m->hdr, out, e);
	return encode_protected(sa, m, o, out, e);
}

/* ---- receiving ----------------------------------------------------------- */

void ike_rx_free(struct ike_rx *rx)
{
	codec_node_free(rx->hdr);
	codec_node_free(rx->inner);
	bytes_free(&rx->raw);
	memset(rx, 0, sizeof(*rx));
}

static void header_values(struct ike_rx *rx, const uint8_t *p, size_t n)
{
	if (n < 28)
		return;
	memcpy(rx->spi_i, p, IKE_SPI_LEN);
	memcpy(rx->spi_r, p + 8, IKE_SPI_LEN);
	rx->major = p[17] >> 4;
	rx->exchange = p[18];
	rx->response = (p[19] & 0x20) != 0;
	rx->initiator = (p[19] & 0x08) != 0;
	buffer_read_n32(p, n, 20, &rx->message_id);	/* n >= 28 */
}

static int unprotect(const struct ike_sa *sa, const uint8_t *p, size_t n,
    bool own_keys, struct ike_rx *rx, struct err *e)
{
	struct codec_node *sk = codec_find_payload(rx->hdr, PL_SK, 1);
	const struct bytes *body;
	struct bytes plain = BYTES_EMPTY;
	struct crypto_sk keys;
	struct err de;
	size_t head_len, pad;
	int rc = 0;

	rx->has_sk = sk != NULL;
	if (sk == NULL)
		return 0;
	if (sa == NULL || !sa->keys_ready) {
		snprintf(rx->sk_error, sizeof(rx->sk_error), "no keys");
		return 0;
	}
	body = ike_get_data(sk, "data");
	head_len = sk->offset + 4;
	if (head_len > n || body->len > n - head_len) {
		snprintf(rx->sk_error, sizeof(rx->sk_error), "SK truncated");
		return 0;
	}
	ike_sk_keys(sa, own_keys ? sa->initiator : !sa->initiator, &keys);
	if (crypto_sk_decrypt(&keys, p, head_len, p + head_len, body->len,
	    &plain, &pad, &de) < 0) {
		snprintf(rx->sk_error, sizeof(rx->sk_error), "%s", de.text);
		rx->icv_mismatch = strstr(de.text, "ICV mismatch") != NULL;
		goto out;
	}
	rx->sk_ok = true;
	rc = codec_decode_chain((unsigned)ike_get(sk, "next_payload"),
	    plain.data, plain.len, &rx->inner, &rx->inner_pr, e);
out:
	bytes_free(&plain);
	return rc;
}

int ike_rx_decode(const struct ike_sa *sa, const uint8_t *p, size_t n,
    bool own_keys, struct ike_rx *rx, struct err *e)
{
	memset(rx, 0, sizeof(*rx));
	if (bytes_set(&rx->raw, p, n) < 0)
		return err_set(e, "%s: out of memory", __func__);
	header_values(rx, p, n);
	if (codec_decode(p, n, &rx->hdr, &rx->pr, e) < 0)
		return -1;
	return unprotect(sa, p, n, own_keys, rx, e);
}

struct codec_node *ike_rx_find(const struct ike_rx *rx, unsigned ptype,
    unsigned nth)
{
	if (rx->inner)
		return codec_find_payload(rx->inner, ptype, nth);
	return rx->hdr ? codec_find_payload(rx->hdr, ptype, nth) : NULL;
}

static struct codec_node *notify_in(const struct codec_node *list,
    unsigned type)
{
	size_t i;

	if (list == NULL)
		return NULL;
	for (i = 0; i < list->nkids; i++)
		if (list->kids[i]->ptype == PL_N &&
		    ike_get(list->kids[i], "notify_type") == type)
			return list->kids[i];
	return NULL;
}

struct codec_node *ike_rx_notify(const struct ike_rx *rx, unsigned type)
{
	struct codec_node *n = notify_in(rx->inner, type);

	return n ? n : notify_in(rx->hdr, type);
}

static unsigned error_in(const struct codec_node *list)
{
	size_t i;
	uint64_t t;

	if (list == NULL)
		return 0;
	for (i = 0; i < list->nkids; i++)
		if (list->kids[i]->ptype == PL_N &&
		    (t = ike_get(list->kids[i], "notify_type")) < 16384)
			return (unsigned)t;
	return 0;
}

unsigned ike_rx_error_notify(const struct ike_rx *rx)
{
	unsigned t = error_in(rx->inner);

	return t ? t : error_in(rx->hdr);
}

/* "SA KE N(COOKIE)" of a payload list into out at *used. */
static void list_names(const struct codec_node *list, char *out,
    size_t outlen, size_t *used)
{
	size_t i;
	int w;

	for (i = 0; list && i < list->nkids && *used < outlen; i++) {
		const struct codec_node *k = list->kids[i];
		if (k->ptype == PL_N)
			w = snprintf(out + *used, outlen - *used, " N(%s)",
			    names_get(NAMES_T_NOTIFY,
			    (unsigned)ike_get(k, "notify_type")));
		else
			w = snprintf(out + *used, outlen - *used, " %s",
			    names_get(NAMES_T_PAYLOAD, k->ptype));
		if (w < 0)
			return;
		*used += (size_t)w;
	}
}

static void summary(const struct codec_node *hdr,
    const struct codec_node *inner, const char *sk_note, char *out,
    size_t outlen)
{
	size_t used = 0;
	int w;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (hdr == NULL)
		return;
	w = snprintf(out, outlen, "%s #%u %s:",
	    names_get(NAMES_T_EXCHANGE, (unsigned)ike_get(hdr, "exchange_type")),
	    (unsigned)ike_get(hdr, "message_id"),
	    ike_get(hdr, "flags.response") ? "response" : "request");
	if (w < 0 || (size_t)w >= outlen)
		return;
	used = (size_t)w;
	list_names(hdr, out, outlen, &used);
	if (used < outlen && (inner || sk_note)) {
		w = snprintf(out + used, outlen - used, " {");
		used += w > 0 ? (size_t)w : 0;
		if (inner)
			list_names(inner, out, outlen, &used);
		else if (used < outlen) {
			w = snprintf(out + used, outlen - used, " %s", sk_note);
			used += w > 0 ? (size_t)w : 0;
		}
		if (used < outlen)
			snprintf(out + used, outlen - used, " }");
	}
}

void ike_rx_summary(const struct ike_rx *rx, char *out, size_t outlen)
{
	summary(rx->hdr, rx->inner,
	    rx->has_sk && !rx->sk_ok ? rx->sk_error : NULL, out, outlen);
}

void ike_msg_summary(const struct ike_msg *m, char *out, size_t outlen)
{
	summary(m->hdr, m->inner, NULL, out, outlen);
}
