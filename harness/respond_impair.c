/* respond_impair: the impairments of the reference peer (see
 * respond_impair.h): the table, the set, and the edits of a response's
 * tree before it is encoded (and so before SK is encrypted: an edited
 * protected response still has a good ICV). */
#include "respond_impair.h"

#include <string.h>

#include "names.h"

static const struct respond_impair_def defs[RESPOND_IMPAIR_COUNT] = {
#define X(sym, name, kind, clause, suites, what) \
	[RESPOND_IMPAIR_##sym] = { name, RESPOND_IMPAIR_##kind, clause, \
	    suites, what },
	RESPOND_IMPAIRS(X)
#undef X
};

enum {
	IMPAIR_ANY = 0,			/* an edit for every exchange */
	IMPAIR_PRIVATE_STATUS = 40960,	/* first private-use status type */
	IMPAIR_NONCE_SHORT = 8,
	IMPAIR_NONCE_LONG = 257,
	IMPAIR_KEY_BITS = 64,
};

const struct respond_impair_def *respond_impair_def(enum respond_impair_id id)
{
	return (unsigned)id < RESPOND_IMPAIR_COUNT ? &defs[id] : NULL;
}

int respond_impair_add(struct respond_impair *s, const char *name,
    struct err *e)
{
	size_t i;

	for (i = 0; i < RESPOND_IMPAIR_COUNT; i++)
		if (strcmp(defs[i].name, name) == 0) {
			s->on |= (uint64_t)1 << i;
			return 0;
		}
	return err_set(e, "unknown impairment `%s' (--impair list shows them)",
	    name);
}

/* ---- edits by path: one field of one exchange's responses ----------- */

static const struct impair_edit {
	enum respond_impair_id id;
	unsigned exchange;		/* EXCH_*, or IMPAIR_ANY */
	const char *path, *value;	/* codec paths (suites/README.md) */
} edits[] = {
	{ RESPOND_IMPAIR_HDR_VERSION_BIT, IMPAIR_ANY, "hdr.flags.version", "1" },
	{ RESPOND_IMPAIR_HDR_RESERVED_FLAGS, IMPAIR_ANY,
	    "hdr.flags.reserved_low", "1" },
	{ RESPOND_IMPAIR_HDR_INITIATOR_BIT, IMPAIR_ANY, "hdr.flags.initiator",
	    "1" },
	{ RESPOND_IMPAIR_HDR_RESPONSE_BIT_CLEAR, IMPAIR_ANY,
	    "hdr.flags.response", "0" },
	{ RESPOND_IMPAIR_HDR_MAJOR_VERSION, IMPAIR_ANY, "hdr.major_version",
	    "3" },
	{ RESPOND_IMPAIR_MINOR_VERSION, IMPAIR_ANY, "hdr.minor_version",
	    "1" },
	{ RESPOND_IMPAIR_INIT_SPI_R_ZERO, EXCH_IKE_SA_INIT, "hdr.spi_r", "0" },
	{ RESPOND_IMPAIR_INIT_MESSAGE_ID, EXCH_IKE_SA_INIT, "hdr.message_id",
	    "1" },
	{ RESPOND_IMPAIR_PAYLOAD_RESERVED, EXCH_IKE_SA_INIT, "Nr.reserved",
	    "1" },
	{ RESPOND_IMPAIR_AUTH_IDR_RESERVED, EXCH_IKE_AUTH, "IDr.reserved", "1" },
	{ RESPOND_IMPAIR_CRITICAL_BIT, EXCH_IKE_SA_INIT, "Nr.critical", "1" },
	{ RESPOND_IMPAIR_KE_RESERVED, EXCH_IKE_SA_INIT, "KE.reserved2", "1" },
	{ RESPOND_IMPAIR_TRANSFORM_RESERVED, EXCH_IKE_SA_INIT,
	    "SA.proposal[1].transform[1].reserved2", "1" },
	{ RESPOND_IMPAIR_PROPOSAL_LAST, EXCH_IKE_SA_INIT, "SA.proposal[1].last",
	    "2" },
	{ RESPOND_IMPAIR_TRANSFORM_NOT_OFFERED, EXCH_IKE_SA_INIT,
	    "SA.proposal[1].transform[1].id", "1" },
	{ RESPOND_IMPAIR_PROPOSAL_NUMBER, EXCH_IKE_SA_INIT,
	    "SA.proposal[1].number", "9" },
	{ RESPOND_IMPAIR_KE_GROUP, EXCH_IKE_SA_INIT, "KE.group", "1" },
};

/* The tree that holds the response's payloads: SK's chain, or the
 * message itself. */
static struct codec_node *payloads_of(struct ike_msg *m)
{
	return m->inner ? m->inner : m->hdr;
}

static int apply_edits(const struct respond_impair *s, unsigned exchange,
    struct ike_msg *m)
{
	struct err pe;
	size_t i;

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const struct impair_edit *d = &edits[i];
		if (!respond_impair_has(s, d->id) ||
		    (d->exchange != IMPAIR_ANY && d->exchange != exchange))
			continue;
		/* a path the response lacks (a refusal has no Nr) is skipped */
		if (strncmp(d->path, "hdr.", 4) == 0)
			(void)codec_path_set(m->hdr, d->path, d->value, &pe);
		else
			(void)codec_path_set(payloads_of(m), d->path, d->value,
			    &pe);
	}
	return 0;
}

/* ---- payloads out, in, reordered ------------------------------------ */

static const struct impair_removal {
	enum respond_impair_id id;
	unsigned exchange, ptype;
} removals[] = {
	{ RESPOND_IMPAIR_INIT_NO_SA, EXCH_IKE_SA_INIT, PL_SA },
	{ RESPOND_IMPAIR_INIT_NO_KE, EXCH_IKE_SA_INIT, PL_KE },
	{ RESPOND_IMPAIR_INIT_NO_NONCE, EXCH_IKE_SA_INIT, PL_NONCE },
	{ RESPOND_IMPAIR_AUTH_NO_IDR, EXCH_IKE_AUTH, PL_IDr },
	{ RESPOND_IMPAIR_AUTH_NO_AUTH, EXCH_IKE_AUTH, PL_AUTH },
	{ RESPOND_IMPAIR_CHILD_NO_NONCE, EXCH_CREATE_CHILD_SA, PL_NONCE },
};

static void apply_removals(const struct respond_impair *s,
    unsigned exchange, struct ike_msg *m)
{
	struct codec_node *p = payloads_of(m), *n;
	size_t i;

	for (i = 0; i < sizeof(removals) / sizeof(removals[0]); i++) {
		if (!respond_impair_has(s, removals[i].id) ||
		    removals[i].exchange != exchange)
			continue;
		if ((n = codec_find_payload(p, removals[i].ptype, 1)) != NULL)
			codec_node_free(codec_remove(p, n->index));
	}
}

/* A payload appended before SK (in the clear part) or to SK's chain. */
static int add_payload(struct ike_msg *m, struct codec_node *n,
    struct err *e)
{
	struct codec_node *p = payloads_of(m);

	if (n == NULL || codec_append(p, n) < 0) {
		codec_node_free(n);
		return err_set(e, "%s: out of memory", __func__);
	}
	return 0;
}

static int add_vendor_id(struct ike_msg *m, struct err *e)
{
	static const char vid[] = "iketest respond --impair";
	struct codec_node *v = codec_payload_new(PL_V);

	if (v && ike_set_data(v, "data", vid, sizeof(vid) - 1) < 0) {
		codec_node_free(v);
		v = NULL;
	}
	return add_payload(m, v, e);
}

/* The notifies of the response in reverse order, in the places the
 * notifies held (the other payloads stay where they were). */
static int reverse_notifies(struct ike_msg *m, struct err *e)
{
	struct codec_node *p = payloads_of(m), *n[16];
	size_t at[16], k = 0, i;

	for (i = 0; i < p->nkids && k < 16; i++)
		if (p->kids[i]->ptype == PL_N)
			at[k++] = i;
	for (i = k; i-- > 0;)
		n[i] = codec_remove(p, at[i]);
	for (i = 0; i < k; i++)
		if (codec_insert(p, at[i], n[k - 1 - i]) < 0)
			return err_set(e, "%s: cannot reinsert a notify",
			    __func__);
	return 0;
}

/* ---- the chosen proposal --------------------------------------------- */

static struct codec_node *first_proposal(struct ike_msg *m)
{
	struct codec_node *sa = codec_find_payload(payloads_of(m), PL_SA, 1);

	return sa && sa->nkids ? sa->kids[0] : NULL;
}

static struct codec_node *transform_of(struct codec_node *prop,
    unsigned type)
{
	size_t i;

	for (i = 0; prop && i < prop->nkids; i++)
		if (ike_get(prop->kids[i], "type") == type)
			return prop->kids[i];
	return NULL;
}

static int edit_proposal(const struct respond_impair *s, struct ike_msg *m,
    struct err *e)
{
	struct codec_node *prop = first_proposal(m), *t, *c;
	size_t i;

	if (prop == NULL)
		return 0;
	if (respond_impair_has(s, RESPOND_IMPAIR_TRANSFORM_EXTRA) &&
	    (t = transform_of(prop, TT_ENCR)) != NULL) {
		if ((c = codec_node_clone(t)) == NULL || codec_append(prop, c) < 0) {
			codec_node_free(c);
			return err_set(e, "%s: out of memory", __func__);
		}
	}
	if (respond_impair_has(s, RESPOND_IMPAIR_TRANSFORM_MISSING) &&
	    (t = transform_of(prop, TT_PRF)) != NULL)
		codec_node_free(codec_remove(prop, t->index));
	if (respond_impair_has(s, RESPOND_IMPAIR_KEY_LENGTH) &&
	    (t = transform_of(prop, TT_ENCR)) != NULL)
		for (i = 0; i < t->nkids; i++)
			if (ike_get(t->kids[i], "type") == ATTR_KEY_LENGTH)
				ike_set(t->kids[i], "value", IMPAIR_KEY_BITS);
	return 0;
}

/* ---- KE, nonce, AUTH data -------------------------------------------- */

/* The data of ptype's first payload cut or grown to len (zeros added),
 * or with one bit flipped (len == SIZE_MAX). */
static int edit_data(struct ike_msg *m, unsigned ptype, size_t len,
    struct err *e)
{
	struct codec_node *n = codec_find_payload(payloads_of(m), ptype, 1);
	struct bytes d = BYTES_EMPTY;
	const struct bytes *old;
	int rc;

	if (n == NULL)
		return 0;
	old = ike_get_data(n, "data");
	if (bytes_append(&d, old->data, old->len) < 0 ||
	    (len != SIZE_MAX && bytes_resize(&d, len) < 0)) {
		bytes_free(&d);
		return err_set(e, "%s: out of memory", __func__);
	}
	if (len == SIZE_MAX && d.len)
		d.data[d.len - 1] ^= 1;
	rc = ike_set_data(n, "data", d.data, d.len);
	bytes_free(&d);
	return rc < 0 ? err_set(e, "%s: out of memory", __func__) : 0;
}

/* ---- traffic selectors ------------------------------------------------ */

/* ts-wider: every selector of TSi and TSr becomes everything of its
 * family: addresses 0 to all ones, every protocol and port. */
static int widen_ts(struct ike_msg *m, struct err *e)
{
	static const uint8_t zero[16], ones[16] = { 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff };
	static const unsigned types[] = { PL_TSi, PL_TSr };
	struct codec_node *ts, *sel;
	size_t i, k, len;

	for (k = 0; k < 2; k++) {
		ts = codec_find_payload(payloads_of(m), types[k], 1);
		for (i = 0; ts && i < ts->nkids; i++) {
			sel = ts->kids[i];
			len = ike_get(sel, "ts_type") == TS_IPV6_ADDR_RANGE ? 16 : 4;
			if (ike_set(sel, "ip_protocol", 0) < 0 ||
			    ike_set(sel, "start_port", 0) < 0 ||
			    ike_set(sel, "end_port", 65535) < 0 ||
			    ike_set_data(sel, "start_address", zero, len) < 0 ||
			    ike_set_data(sel, "end_address", ones, len) < 0)
				return err_set(e, "%s: cannot widen TS", __func__);
		}
	}
	return 0;
}

/* end = start + (end - start) / 2, big-endian over len bytes. */
static void lower_half(struct ike_ts *t)
{
	size_t len = t->type == TS_IPV6_ADDR_RANGE ? 16 : 4, i;
	uint8_t d[16];
	unsigned borrow = 0, carry = 0, v;

	for (i = len; i-- > 0;) {	/* d = end - start */
		v = (unsigned)t->end[i] - t->start[i] - borrow;
		borrow = t->end[i] < t->start[i] + borrow;
		d[i] = (uint8_t)v;
	}
	for (i = 0; i < len; i++) {	/* d >>= 1 */
		v = d[i];
		d[i] = (uint8_t)(v >> 1 | carry << 7);
		carry = v & 1;
	}
	carry = 0;
	for (i = len; i-- > 0;) {	/* end = start + d */
		v = (unsigned)t->start[i] + d[i] + carry;
		t->end[i] = (uint8_t)v;
		carry = v >> 8;
	}
}

/* legal-ts-narrow: the new children's TSi (the peer's side, RFC 7296
 * 2.9) narrowed, in the child and in the response alike. */
static int narrow_ts(struct ike_sa *sa, size_t nchild_before,
    struct ike_msg *m, struct err *e)
{
	struct codec_node *p = payloads_of(m), *old;
	struct ike_child *c;
	size_t i, at;

	if (sa->nchild <= nchild_before ||
	    (old = codec_find_payload(p, PL_TSi, 1)) == NULL)
		return 0;
	c = &sa->child[sa->nchild - 1];
	for (i = 0; i < c->tsi.n; i++)
		lower_half(&c->tsi.ts[i]);
	at = old->index;
	codec_node_free(codec_remove(p, at));
	if (ike_ts_payload_add(p, PL_TSi, &c->tsi, e) < 0)
		return -1;
	return codec_move(p, p->nkids - 1, at) < 0 ?
	    err_set(e, "%s: cannot move TSi", __func__) : 0;
}

/* ---- Delete ------------------------------------------------------------ */

static int edit_delete(const struct respond_impair *s,
    const struct ike_rx *rx, struct ike_msg *m, struct err *e)
{
	struct codec_node *d = codec_find_payload(payloads_of(m), PL_D, 1);
	struct codec_node *req = ike_rx_find(rx, PL_D, 1);
	uint8_t spi[8] = { 0 };
	const struct bytes *v;
	size_t i;

	if (d == NULL)
		return 0;
	if (respond_impair_has(s, RESPOND_IMPAIR_DELETE_SPI_SIZE) &&
	    ike_set(d, "spi_size", 8) < 0)
		return err_set(e, "%s: cannot set SPI Size", __func__);
	for (i = 0; i < d->nkids; i++) {
		v = ike_get_data(d->kids[i], "value");
		if (respond_impair_has(s, RESPOND_IMPAIR_DELETE_WRONG_SPI) &&
		    req && i < req->nkids)
			v = ike_get_data(req->kids[i], "value");
		memset(spi, 0, sizeof(spi));
		memcpy(spi, v->data, v->len < 8 ? v->len : 8);
		if (ike_set_data(d->kids[i], "value", spi,
		    respond_impair_has(s, RESPOND_IMPAIR_DELETE_SPI_SIZE) ?
		    8 : v->len) < 0)
			return err_set(e, "%s: out of memory", __func__);
	}
	return 0;
}

/* ---- the hooks ---------------------------------------------------------- */

/* The first notify of a type (codec paths select by index only). */
static struct codec_node *notify_of(struct ike_msg *m, unsigned type)
{
	struct codec_node *p = payloads_of(m);
	size_t i;

	for (i = 0; i < p->nkids; i++)
		if (p->kids[i]->ptype == PL_N &&
		    ike_get(p->kids[i], "notify_type") == type)
			return p->kids[i];
	return NULL;
}

static int edit_notifies(const struct respond_impair *s, struct ike_msg *m,
    struct err *e)
{
	static const uint8_t group1[] = { 0, 1 };
	struct codec_node *n;

	if (respond_impair_has(s, RESPOND_IMPAIR_NOTIFY_PROTOCOL) &&
	    (n = notify_of(m, N_NAT_DETECTION_SOURCE_IP)) != NULL &&
	    ike_set(n, "protocol", PROTO_IKE) < 0)
		return err_set(e, "%s: cannot set the protocol", __func__);
	if (respond_impair_has(s, RESPOND_IMPAIR_INVALID_KE_GROUP) &&
	    (n = notify_of(m, N_INVALID_KE_PAYLOAD)) != NULL &&
	    ike_set_data(n, "data", group1, sizeof(group1)) < 0)
		return err_set(e, "%s: out of memory", __func__);
	return 0;
}

static int edit_init(const struct respond_impair *s, const struct ike_sa *sa,
    const struct ike_config *cfg, struct ike_msg *m, struct err *e)
{
	int rc = edit_notifies(s, m, e);

	if (rc < 0 || sa->refused)
		return rc;
	if (respond_impair_has(s, RESPOND_IMPAIR_INIT_EXTRA_TS))
		rc = ike_ts_payload_add(m->hdr, PL_TSi, &cfg->ts_local, e);
	if (rc == 0 && respond_impair_has(s, RESPOND_IMPAIR_KE_SHORT)) {
		struct codec_node *ke = codec_find_payload(m->hdr, PL_KE, 1);
		if (ke)
			rc = edit_data(m, PL_KE, ike_get_data(ke, "data")->len - 1, e);
	}
	if (rc == 0 && respond_impair_has(s, RESPOND_IMPAIR_NONCE_SHORT))
		rc = edit_data(m, PL_NONCE, IMPAIR_NONCE_SHORT, e);
	if (rc == 0 && respond_impair_has(s, RESPOND_IMPAIR_NONCE_LONG))
		rc = edit_data(m, PL_NONCE, IMPAIR_NONCE_LONG, e);
	if (rc == 0)
		rc = edit_proposal(s, m, e);
	if (rc == 0 && respond_impair_has(s, RESPOND_IMPAIR_LEGAL_UNKNOWN_STATUS) &&
	    ike_notify_add(m->hdr, 0, NULL, 0, IMPAIR_PRIVATE_STATUS,
	    (const uint8_t *)"x", 1) == NULL)
		rc = err_set(e, "%s: out of memory", __func__);
	return rc;
}

int respond_impair_response(const struct respond_impair *s,
    struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, size_t nchild_before, struct ike_msg *m,
    struct err *e)
{
	unsigned x = rx->exchange;
	int rc = 0;

	if (s->on == 0 || m->hdr == NULL)
		return 0;
	if (x == EXCH_IKE_SA_INIT)
		rc = edit_init(s, sa, cfg, m, e);
	if (rc == 0 && x != EXCH_IKE_SA_INIT &&
	    respond_impair_has(s, RESPOND_IMPAIR_MESSAGE_ID_WRONG))
		rc = ike_set(m->hdr, "message_id",
		    (uint64_t)(rx->message_id + 1u)) < 0 ? -1 : 0;
	if (rc == 0 && x == EXCH_IKE_AUTH &&
	    respond_impair_has(s, RESPOND_IMPAIR_AUTH_CORRUPT))
		rc = edit_data(m, PL_AUTH, SIZE_MAX, e);
	if (rc == 0 && (x == EXCH_IKE_AUTH || x == EXCH_CREATE_CHILD_SA) &&
	    respond_impair_has(s, RESPOND_IMPAIR_TS_WIDER))
		rc = widen_ts(m, e);
	if (rc == 0 && (x == EXCH_IKE_AUTH || x == EXCH_CREATE_CHILD_SA) &&
	    respond_impair_has(s, RESPOND_IMPAIR_LEGAL_TS_NARROW))
		rc = narrow_ts(sa, nchild_before, m, e);
	if (rc == 0 && x == EXCH_INFORMATIONAL &&
	    (respond_impair_has(s, RESPOND_IMPAIR_DELETE_SPI_SIZE) ||
	    respond_impair_has(s, RESPOND_IMPAIR_DELETE_WRONG_SPI)))
		rc = edit_delete(s, rx, m, e);
	if (rc == 0 && !sa->refused &&
	    (x == EXCH_IKE_SA_INIT || x == EXCH_IKE_AUTH) &&
	    respond_impair_has(s, RESPOND_IMPAIR_LEGAL_VENDOR_ID))
		rc = add_vendor_id(m, e);
	if (rc == 0 && respond_impair_has(s, RESPOND_IMPAIR_LEGAL_NOTIFY_ORDER))
		rc = reverse_notifies(m, e);
	if (rc == 0) {
		apply_removals(s, x, m);
		rc = apply_edits(s, x, m);
	}
	return rc;
}

int respond_impair_reencrypt(const struct ike_sa *sa,
    const struct bytes *last, struct bytes *out, struct err *e)
{
	struct ike_rx rx;
	struct ike_msg m = { 0 };
	int rc;

	if (ike_rx_decode(sa, last->data, last->len, true, &rx, e) < 0)
		return -1;
	if (!rx.sk_ok) {	/* a clear response: the same bytes */
		ike_rx_free(&rx);
		return bytes_copy(out, last);
	}
	m.hdr = rx.hdr;
	m.inner = rx.inner;
	rx.hdr = rx.inner = NULL;
	ike_rx_free(&rx);
	rc = ike_msg_encode(sa, &m, NULL, out, e);
	ike_msg_free(&m);
	return rc;
}

int respond_impair_empty_response(const struct ike_sa *sa,
    const struct ike_rx *rx, struct bytes *out, struct err *e)
{
	struct ike_msg m = { 0 };
	int rc;

	if (ike_msg_new(sa, rx->exchange, true, rx->message_id, true, &m,
	    e) < 0)
		return -1;
	rc = ike_msg_encode(sa, &m, NULL, out, e);
	ike_msg_free(&m);
	return rc;
}
