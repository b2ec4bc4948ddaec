/* rules_sender: the rules RFC 7296 puts on the sender of a message (see
 * rules.h), read from the decoded tree alone: no keys, no crypto. What
 * needs the D-H groups' arithmetic (KE data length and value for its
 * group) or the request a response answers is the caller's to add. */
#include "rules.h"
#include "rules_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "names.h"

enum { RS_NONCE_MIN = 16, RS_NONCE_MAX = 256, RS_COOKIE_MAX = 64,
	RS_NATD_LEN = 20, RS_TYPES = 6 };

/* A field by name, as the encoder would write it (a built message's
 * computed fields hold no value of their own); 0 when absent. */
static uint64_t rs_num(const struct codec_node *n, const char *name)
{
	int f = codec_field_index(n->st, name, strlen(name));
	uint64_t v = 0;

	if (f < 0)
		return 0;
	if (codec_effective_uint(n, f, &v) < 0)
		v = codec_get_uint(n, f);
	return v;
}

static const struct bytes *rs_data(const struct codec_node *n,
    const char *name)
{
	static const struct bytes none = BYTES_EMPTY;
	int f = codec_field_index(n->st, name, strlen(name));

	return f >= 0 ? codec_get_data(n, f) : &none;
}

static const char *rs_proto(uint64_t p)
{
	return names_get(NAMES_T_PROTOCOL, (unsigned)p);
}

/* "ENCR AES_CBC" */
static void rs_tr_name(const struct codec_node *t, char *out, size_t len)
{
	unsigned type = (unsigned)rs_num(t, "type");
	int tbl = codec_transform_id_names(type);
	unsigned id = (unsigned)rs_num(t, "id");

	if (tbl < 0)
		snprintf(out, len, "type %u id %u", type, id);
	else
		snprintf(out, len, "%s %s", names_get(NAMES_T_TRANSFORM_TYPE,
		    type), names_get((enum names_table)tbl, id));
}

/* ------------------------------------------------- decoder findings */

/* The section that defines a structure's fields. */
static const char *const rs_struct_clause[CODEC_S_COUNT] = {
	[CODEC_S_MESSAGE] = "RFC 7296 3.1",
	[CODEC_S_SA] = "RFC 7296 3.3",
	[CODEC_S_PROPOSAL] = "RFC 7296 3.3.1",
	[CODEC_S_TRANSFORM] = "RFC 7296 3.3.2",
	[CODEC_S_TATTR] = "RFC 7296 3.3.5",
	[CODEC_S_KE] = "RFC 7296 3.4",
	[CODEC_S_ID] = "RFC 7296 3.5",
	[CODEC_S_CERT] = "RFC 7296 3.6",
	[CODEC_S_CERTREQ] = "RFC 7296 3.7",
	[CODEC_S_AUTH] = "RFC 7296 3.8",
	[CODEC_S_NONCE] = "RFC 7296 3.9",
	[CODEC_S_NOTIFY] = "RFC 7296 3.10",
	[CODEC_S_DELETE] = "RFC 7296 3.11",
	[CODEC_S_DSPI] = "RFC 7296 3.11",
	[CODEC_S_VENDOR] = "RFC 7296 3.12",
	[CODEC_S_TS] = "RFC 7296 3.13",
	[CODEC_S_SELECTOR] = "RFC 7296 3.13.1",
	[CODEC_S_SK] = "RFC 7296 3.14",
	[CODEC_S_CP] = "RFC 7296 3.15",
	[CODEC_S_CATTR] = "RFC 7296 3.15.1",
	[CODEC_S_EAP] = "RFC 7296 3.16",
	[CODEC_S_SKF] = "RFC 7383 2.5",
};

/* Every payload starts with the generic header of 3.2: its first four
 * fields (next payload, critical, reserved, length). */
enum { RS_GENERIC_FIELDS = 4 };

static const char *rs_problem_clause(const struct codec_problem *p)
{
	const struct codec_node *n = p->node;
	const char *cl;

	if (n == NULL)
		return "RFC 7296 3.1";
	if (codec_is_payload(n) && p->field >= 0 &&
	    p->field < RS_GENERIC_FIELDS)
		return "RFC 7296 3.2";
	cl = rs_struct_clause[n->st->id];
	return cl != NULL ? cl : "RFC 7296 3.2";
}

/* What the decoder found that the sender must not do. Notices a
 * receiver tolerates by rule are legal: a higher minor version (3.1:
 * ignored on receipt), an unknown payload (2.5), which a sender may
 * send; so is an unknown critical one (the receiver's answer is an
 * error notify, not a fault of the sender). */
static void rs_problems(const struct codec_problems *pr, const char *where,
    struct rules_report *r)
{
	size_t i;

	if (pr == NULL)
		return;
	for (i = 0; i < pr->count; i++) {
		const struct codec_problem *p = &pr->list[i];

		switch (p->code) {
		case CODEC_P_MINOR_VERSION_NOT_ZERO:
		case CODEC_P_UNKNOWN_PAYLOAD:
		case CODEC_P_UNKNOWN_PAYLOAD_CRITICAL:
			continue;
		case CODEC_P_RESERVED_NOT_ZERO:
			rules_add(r, "%s: %s%s not zero (%s), MUST be sent as zero",
			    rs_problem_clause(p), where, p->path, p->text);
			continue;
		default:
			break;
		}
		rules_add(r, "%s: %s%s: %s: %s", rs_problem_clause(p), where,
		    p->path[0] != '\0' ? p->path : "message",
		    codec_problem_name(p->code), p->text[0] != '\0' ? p->text :
		    codec_problem_describe(p->code));
	}
	if (pr->dropped > 0)
		rules_add(r, "%s%zu more decoder findings not listed", where,
		    pr->dropped);
}

/* ---------------------------------------------------------- SA payload */

static bool rs_aes_needs_key_length(unsigned id)
{
	switch (id) {
	case ENCR_AES_CBC: case ENCR_AES_CTR:
	case ENCR_AES_CCM_8: case ENCR_AES_CCM_12: case ENCR_AES_CCM_16:
	case ENCR_AES_GCM_8: case ENCR_AES_GCM_12: case ENCR_AES_GCM_16:
	case ENCR_NULL_AUTH_AES_GMAC:
		return true;
	}
	return false;
}

/* The attributes of one transform (3.3.5): Key Length only once, in TV
 * form, never on a fixed-key-length type, always on AES. */
static void rs_transform(const struct codec_node *pn,
    const struct codec_node *t, struct rules_report *r)
{
	unsigned type = (unsigned)rs_num(t, "type");
	unsigned prop = (unsigned)rs_num(pn, "number");
	unsigned nkl = 0;
	char name[64];
	size_t i, j;

	rs_tr_name(t, name, sizeof(name));
	for (i = 0; i < t->nkids; i++) {
		const struct codec_node *a = t->kids[i];
		uint64_t at = rs_num(a, "type");

		for (j = 0; j < i; j++)
			if (rs_num(t->kids[j], "type") == at)
				break;
		if (j < i)
			rules_add(r, "RFC 7296 3.3.5: proposal %u, %s: attribute %s given twice",
			    prop, name, names_get(NAMES_T_ATTRIBUTE, (unsigned)at));
		if (at != ATTR_KEY_LENGTH)
			continue;
		nkl++;
		if (rs_num(a, "af") != 1)
			rules_add(r, "RFC 7296 3.3.5: proposal %u, %s: Key Length in TLV form, it is a TV attribute (AF=1)",
			    prop, name);
		if (type != TT_ENCR)
			rules_add(r, "RFC 7296 3.3.5: proposal %u, %s: Key Length attribute, which MUST NOT be used with a fixed-length key (types 2 and 3 and D-H)",
			    prop, name);
	}
	if (type == TT_ENCR && nkl == 0 &&
	    rs_aes_needs_key_length((unsigned)rs_num(t, "id")))
		rules_add(r, "RFC 7296 3.3.5: proposal %u, %s without the Key Length attribute, which MUST be included for AES",
		    prop, name);
}

/* Two transforms with the same type, ID and attributes. */
static bool rs_same_transform(const struct codec_node *a,
    const struct codec_node *b)
{
	size_t i;

	if (rs_num(a, "type") != rs_num(b, "type") ||
	    rs_num(a, "id") != rs_num(b, "id") || a->nkids != b->nkids)
		return false;
	for (i = 0; i < a->nkids; i++) {
		const struct codec_node *x = a->kids[i], *y = b->kids[i];
		const struct bytes *dx, *dy;

		if (rs_num(x, "af") != rs_num(y, "af") ||
		    rs_num(x, "type") != rs_num(y, "type"))
			return false;
		if (rs_num(x, "af") == 1) {
			if (rs_num(x, "value") != rs_num(y, "value"))
				return false;
			continue;
		}
		dx = rs_data(x, "data");
		dy = rs_data(y, "data");
		if (dx->len != dy->len || (dx->len > 0 &&
		    memcmp(dx->data, dy->data, dx->len) != 0))
			return false;
	}
	return true;
}

static void rs_proposal(unsigned exchange, bool response,
    const struct codec_node *pn, struct rules_report *r)
{
	uint64_t proto = rs_num(pn, "protocol"), size = rs_num(pn, "spi_size");
	unsigned num = (unsigned)rs_num(pn, "number");
	unsigned count[RS_TYPES] = { 0 };
	char name[64];
	size_t i, j;

	if (exchange == EXCH_IKE_SA_INIT && proto != PROTO_IKE)
		rules_add(r, "RFC 7296 1.2, 3.3.1: proposal %u of protocol %s in IKE_SA_INIT, which negotiates the IKE SA",
		    num, rs_proto(proto));
	if (exchange == EXCH_IKE_SA_INIT && size != 0)
		rules_add(r, "RFC 7296 3.3.1: proposal %u with SPI Size %llu in IKE_SA_INIT, MUST be zero for an initial IKE SA negotiation",
		    num, (unsigned long long)size);
	if (exchange == EXCH_CREATE_CHILD_SA && proto == PROTO_IKE &&
	    size != 8)
		rules_add(r, "RFC 7296 3.3.1: IKE proposal %u with SPI Size %llu in CREATE_CHILD_SA, the IKE SPI is 8 octets",
		    num, (unsigned long long)size);
	for (i = 0; i < pn->nkids; i++) {
		const struct codec_node *t = pn->kids[i];
		uint64_t type = rs_num(t, "type");

		rs_transform(pn, t, r);
		if (type < RS_TYPES)
			count[type]++;
		if (response)
			continue;
		for (j = 0; j < i; j++)
			if (rs_same_transform(pn->kids[j], t))
				break;
		if (j < i) {
			rs_tr_name(t, name, sizeof(name));
			rules_add(r, "RFC 7296 3.3.6: proposal %u lists %s twice (transforms %zu and %zu)",
			    num, name, j + 1, i + 1);
		}
	}
	if (!response)
		return;
	for (i = 1; i < RS_TYPES; i++)
		if (count[i] > 1)
			rules_add(r, "RFC 7296 2.7: the accepted proposal holds %u %s transforms, exactly one of each type",
			    count[i], names_get(NAMES_T_TRANSFORM_TYPE, (unsigned)i));
}

static void rs_sa(unsigned exchange, bool response,
    const struct codec_node *sa, struct rules_report *r)
{
	size_t i;

	if (response && sa->nkids > 1)
		rules_add(r, "RFC 7296 2.7: %zu proposals in the response, the responder accepts a single one",
		    sa->nkids);
	for (i = 0; i < sa->nkids; i++)
		rs_proposal(exchange, response, sa->kids[i], r);
}

/* The group of the first D-H transform of an accepted proposal, or -1. */
static long rs_chosen_dh(const struct codec_node *sa)
{
	size_t i;

	if (sa == NULL || sa->nkids != 1)
		return -2;	/* not one accepted proposal: judged elsewhere */
	for (i = 0; i < sa->kids[0]->nkids; i++)
		if (rs_num(sa->kids[0]->kids[i], "type") == TT_DH)
			return (long)rs_num(sa->kids[0]->kids[i], "id");
	return -1;
}

/* -------------------------------------------- KE, Nonce, Notify, Delete */

static void rs_ke(const struct codec_node *ke, struct rules_report *r)
{
	const struct bytes *d = rs_data(ke, "data");
	unsigned group = (unsigned)rs_num(ke, "group");
	size_t i;

	if (d->len == 0) {
		rules_add(r, "RFC 7296 3.4: KE of %s with no Key Exchange Data",
		    names_get(NAMES_T_DH, group));
		return;
	}
	for (i = 0; i < d->len && d->data[i] == 0; i++)
		;
	if (i == d->len)
		rules_add(r, "RFC 7296 3.4: KE of %s: Key Exchange Data of %zu octets, all zero, is no public value",
		    names_get(NAMES_T_DH, group), d->len);
}

static void rs_nonce(const struct codec_node *n, struct rules_report *r)
{
	size_t len = rs_data(n, "data")->len;

	if (len < RS_NONCE_MIN || len > RS_NONCE_MAX)
		rules_add(r, "RFC 7296 3.9, 2.10: Nonce Data of %zu octets, MUST be %d..%d",
		    len, RS_NONCE_MIN, RS_NONCE_MAX);
}

static void rs_notify(const struct codec_node *n, struct rules_report *r)
{
	uint64_t proto = rs_num(n, "protocol"), size = rs_num(n, "spi_size");
	unsigned type = (unsigned)rs_num(n, "notify_type");
	const char *tn = names_get(NAMES_T_NOTIFY, type);
	size_t len = rs_data(n, "data")->len;

	if (size == 0 && proto != PROTO_NONE)
		rules_add(r, "RFC 7296 3.10: N(%s) with no SPI and Protocol ID %s, which MUST then be sent as zero",
		    tn, rs_proto(proto));
	if (size != 0 && proto != PROTO_AH && proto != PROTO_ESP)
		rules_add(r, "RFC 7296 3.10: N(%s) with an SPI of %llu octets and Protocol ID %s: an SPI is a Child SA's, AH (2) or ESP (3)",
		    tn, (unsigned long long)size, rs_proto(proto));
	if (type == N_COOKIE && (len < 1 || len > RS_COOKIE_MAX))
		rules_add(r, "RFC 7296 2.6: N(COOKIE) data of %zu octets, MUST be 1..%d",
		    len, RS_COOKIE_MAX);
	if (type == N_INVALID_KE_PAYLOAD && len != 2)
		rules_add(r, "RFC 7296 3.10.1: N(INVALID_KE_PAYLOAD) data of %zu octets, the accepted D-H group is 2 octets",
		    len);
	if ((type == N_NAT_DETECTION_SOURCE_IP ||
	    type == N_NAT_DETECTION_DESTINATION_IP) && len != RS_NATD_LEN)
		rules_add(r, "RFC 7296 2.23: N(%s) data of %zu octets, a SHA-1 digest is %d",
		    tn, len, RS_NATD_LEN);
}

static void rs_delete(const struct codec_node *n, struct rules_report *r)
{
	uint64_t proto = rs_num(n, "protocol");

	if (proto != PROTO_IKE && proto != PROTO_AH && proto != PROTO_ESP)
		rules_add(r, "RFC 7296 3.11: Delete with Protocol ID %s, MUST be 1 (IKE), 2 (AH) or 3 (ESP)",
		    rs_proto(proto));
	if (proto == PROTO_IKE && n->nkids > 0)
		rules_add(r, "RFC 7296 3.11: Delete of the IKE SA with %zu SPIs, it has none (the SPIs are in the header)",
		    n->nkids);
}

/* Every payload of a chain (SK skipped: its contents come apart). */
static void rs_payloads(unsigned exchange, bool response,
    const struct codec_node *chain, struct rules_report *r)
{
	const struct codec_node *sa = NULL, *ke = NULL;
	long dh;
	size_t i;

	for (i = 0; i < chain->nkids; i++) {
		const struct codec_node *p = chain->kids[i];

		switch (p->st->id) {
		case CODEC_S_SA:
			sa = p;
			rs_sa(exchange, response, p, r);
			break;
		case CODEC_S_KE:
			ke = p;
			rs_ke(p, r);
			break;
		case CODEC_S_NONCE:
			rs_nonce(p, r);
			break;
		case CODEC_S_NOTIFY:
			rs_notify(p, r);
			break;
		case CODEC_S_DELETE:
			rs_delete(p, r);
			break;
		default:
			break;
		}
	}
	if (!response || sa == NULL || ke == NULL ||
	    (dh = rs_chosen_dh(sa)) == -2)
		return;
	if (dh < 0 || dh == DH_NONE)
		rules_add(r, "RFC 7296 1.2, 3.4: KE of %s, but the accepted proposal has no D-H transform",
		    names_get(NAMES_T_DH, (unsigned)rs_num(ke, "group")));
	else if ((uint64_t)dh != rs_num(ke, "group"))
		rules_add(r, "RFC 7296 1.2, 3.4: KE of %s, the accepted proposal's D-H group is %s",
		    names_get(NAMES_T_DH, (unsigned)rs_num(ke, "group")),
		    names_get(NAMES_T_DH, (unsigned)dh));
}

/* -------------------------------------------------------------- header */

static bool rs_has(const struct codec_node *chain, unsigned ptype)
{
	size_t i;

	for (i = 0; i < chain->nkids; i++)
		if (chain->kids[i]->ptype == ptype)
			return true;
	return false;
}

/* A one-way notification of 2.21.4 (INVALID_MAJOR_VERSION, INVALID_IKE_SPI
 * alone): it answers a message outside any IKE SA, so no original
 * initiator or responder exists for its I flag, and 1.5 says only that
 * the SPIs and message ID are copied and the R flag set. */
static bool rs_one_way_notify(const struct codec_node *msg)
{
	size_t i;
	unsigned t;

	if (msg->nkids == 0)
		return false;
	for (i = 0; i < msg->nkids; i++) {
		if (msg->kids[i]->ptype != PL_N)
			return false;
		t = (unsigned)rs_num(msg->kids[i], "notify_type");
		if (t != N_INVALID_MAJOR_VERSION && t != N_INVALID_IKE_SPI)
			return false;
	}
	return true;
}

void rules_sender_message(const struct codec_node *msg,
    const struct codec_problems *pr, int original_initiator,
    struct rules_report *r)
{
	unsigned exch = (unsigned)rs_num(msg, "exchange_type");
	bool resp = rs_num(msg, "flags.response") != 0;
	uint64_t iflag = rs_num(msg, "flags.initiator");
	int want = exch == EXCH_IKE_SA_INIT ? !resp : original_initiator;

	if (exch == EXCH_IKE_SA_INIT && resp && rs_one_way_notify(msg))
		want = -1;

	if (rs_num(msg, "flags.version") != 0)
		rules_add(r, "RFC 7296 3.1: V flag set, which implementations of version 2 MUST clear when sending");
	if (want >= 0 && iflag != (uint64_t)want)
		rules_add(r, "RFC 7296 3.1: I flag %s in a message of the original %s, MUST be %s",
		    iflag ? "set" : "clear", want ? "initiator" : "responder",
		    want ? "set" : "cleared");
	if (exch == EXCH_IKE_SA_INIT && !resp && rs_num(msg, "spi_r") != 0)
		rules_add(r, "RFC 7296 3.1: responder SPI 0x%016llx in an IKE_SA_INIT request, MUST be zero",
		    (unsigned long long)rs_num(msg, "spi_r"));
	if (exch == EXCH_IKE_SA_INIT && resp && rs_num(msg, "spi_r") == 0 &&
	    rs_has(msg, PL_SA))
		rules_add(r, "RFC 7296 3.1, 2.6: IKE_SA_INIT response accepting a proposal with a zero responder SPI, the value that names the responder's IKE SA");
	rs_problems(pr, "", r);
	rs_payloads(exch, resp, msg, r);
}

void rules_sender_chain(unsigned exchange, bool response,
    const struct codec_node *chain, const struct codec_problems *pr,
    struct rules_report *r)
{
	rs_problems(pr, "SK.", r);
	rs_payloads(exchange, response, chain, r);
}

/* -------------------------------------------------- against the offer */

static const struct codec_node *rs_offered_proposal(
    const struct codec_node *offered, uint64_t number, uint64_t proto)
{
	size_t i;

	for (i = 0; i < offered->nkids; i++)
		if (rs_num(offered->kids[i], "number") == number &&
		    rs_num(offered->kids[i], "protocol") == proto)
			return offered->kids[i];
	return NULL;
}

void rules_sender_chosen(const struct codec_node *chosen,
    const struct codec_node *offered, bool ignore_dh,
    struct rules_report *r)
{
	const struct codec_node *cp, *op;
	uint64_t num, proto;
	unsigned have[RS_TYPES] = { 0 }, want[RS_TYPES] = { 0 };
	char name[64];
	size_t i, j;

	if (chosen == NULL || chosen->nkids != 1)
		return;		/* rs_sa and the rules tables say why */
	cp = chosen->kids[0];
	for (i = 0; i < cp->nkids; i++)
		rs_transform(cp, cp->kids[i], r);
	if (offered == NULL)
		return;
	num = rs_num(cp, "number");
	proto = rs_num(cp, "protocol");
	op = rs_offered_proposal(offered, num, proto);
	if (op == NULL) {
		rules_add(r, "RFC 7296 2.7: accepted proposal %llu (%s) was not offered under that number",
		    (unsigned long long)num, rs_proto(proto));
		return;
	}
	for (i = 0; i < cp->nkids; i++) {
		uint64_t type = rs_num(cp->kids[i], "type");

		if (type < RS_TYPES)
			have[type]++;
		for (j = 0; j < op->nkids; j++)
			if (rs_same_transform(cp->kids[i], op->kids[j]))
				break;
		if (j == op->nkids) {
			rs_tr_name(cp->kids[i], name, sizeof(name));
			rules_add(r, "RFC 7296 2.7, 3.3.5: accepted %s (%zu attributes) is not one of proposal %llu's transforms as offered, attributes included",
			    name, cp->kids[i]->nkids, (unsigned long long)num);
		}
	}
	for (j = 0; j < op->nkids; j++) {
		uint64_t type = rs_num(op->kids[j], "type");

		if (type < RS_TYPES)
			want[type]++;
	}
	for (i = 1; i < RS_TYPES; i++)
		if (want[i] > 0 && have[i] == 0 && !(ignore_dh && i == TT_DH))
			rules_add(r, "RFC 7296 2.7: the accepted proposal has no %s transform, though proposal %llu offered %u (exactly one of each type offered)",
			    names_get(NAMES_T_TRANSFORM_TYPE, (unsigned)i),
			    (unsigned long long)num, want[i]);
}
