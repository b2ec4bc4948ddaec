/* ike_proposal: local policies, offered proposals, and the responder's
 * selection (RFC 7296 2.7, 3.3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "names.h"
#include "profile.h"

static int policy_add(struct ike_policy *pol, unsigned type, unsigned id,
    unsigned bits, struct err *e)
{
	if (pol->n == IKE_TRANSFORM_MAX)
		return err_set(e, "%s: more than %d transforms", __func__,
		    IKE_TRANSFORM_MAX);
	pol->t[pol->n++] = (struct ike_transform){ type, id, bits };
	return 0;
}

/* "AES_CBC/256" of table t into id and key bits. */
static int parse_alg(int table, const char *w, unsigned *id, unsigned *bits)
{
	const char *slash = strchr(w, '/');
	size_t n = slash ? (size_t)(slash - w) : strlen(w);
	unsigned long k = 0;
	char *end;

	if (names_parse(table, w, n, id) < 0)
		return -1;
	if (slash) {
		k = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || k == 0 || k > 65535)
			return -1;
	}
	*bits = (unsigned)k;
	return 0;
}

int ike_policy_parse(unsigned protocol, const char *words,
    struct ike_policy *pol, struct err *e)
{
	static const struct { int table; unsigned type; } order[] = {
		{ NAMES_T_ENCR, TT_ENCR }, { NAMES_T_PRF, TT_PRF },
		{ NAMES_T_INTEG, TT_INTEG }, { NAMES_T_DH, TT_DH },
	};
	char w[64];
	const char *p = words;
	unsigned id, bits;
	size_t i, n;

	memset(pol, 0, sizeof(*pol));
	pol->protocol = protocol;
	while (*p) {
		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n == 0)
			break;
		if (n >= sizeof(w))
			return err_set(e, "%s: word too long", __func__);
		memcpy(w, p, n);
		w[n] = '\0';
		p += n;
		/* NONE is the DH "no PFS" entry, as in a profile's [esp] dh. */
		if (strcmp(w, "NONE") == 0) {
			if (policy_add(pol, TT_DH, DH_NONE, 0, e) < 0)
				return -1;
			continue;
		}
		if (strncmp(w, "ESN_", 4) == 0 &&
		    names_parse(NAMES_T_ESN, w + 4, n - 4, &id) == 0) {
			if (policy_add(pol, TT_ESN, id, 0, e) < 0)
				return -1;
			continue;
		}
		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (parse_alg(order[i].table, w, &id, &bits) == 0)
				break;
		if (i == sizeof(order) / sizeof(order[0]))
			return err_set(e, "%s: unknown transform `%s'", __func__, w);
		if (policy_add(pol, order[i].type, id, bits, e) < 0)
			return -1;
	}
	return 0;
}

int ike_policy_from_profile(const struct profile *p, const char *section,
    struct ike_policy *pol, struct err *e)
{
	static const struct { const char *key; int table; unsigned type; } keys[] = {
		{ "encr", NAMES_T_ENCR, TT_ENCR }, { "prf", NAMES_T_PRF, TT_PRF },
		{ "integ", NAMES_T_INTEG, TT_INTEG }, { "dh", NAMES_T_DH, TT_DH },
		{ "esn", NAMES_T_ESN, TT_ESN },
	};
	bool ah = strcmp(section, "ah") == 0;
	bool esp = ah || strcmp(section, "esp") == 0, have_esn = false;
	const char *const *w;
	unsigned id, bits;
	size_t i, j, n;

	memset(pol, 0, sizeof(*pol));
	pol->protocol = ah ? PROTO_AH : esp ? PROTO_ESP : PROTO_IKE;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!esp && keys[i].type == TT_ESN)
			continue;
		if (esp && keys[i].type == TT_PRF)
			continue;
		/* RFC 7296 3.3.3: AH has no encryption transform. */
		if (ah && keys[i].type == TT_ENCR) {
			if (profile_get(p, section, keys[i].key) != NULL)
				return err_set(e, "[%s] encr: AH has no encryption (RFC 7296 3.3.3)",
				    section);
			continue;
		}
		w = profile_get_list(p, section, keys[i].key, &n);
		for (j = 0; j < n; j++) {
			if (parse_alg(keys[i].table, w[j], &id, &bits) < 0)
				return err_set(e, "[%s] %s: unknown `%s'",
				    section, keys[i].key, w[j]);
			if (policy_add(pol, keys[i].type, id, bits, e) < 0)
				return -1;
			have_esn |= keys[i].type == TT_ESN;
		}
	}
	/* [ah] without integ (or no [ah] at all): an empty policy, which
	 * accepts no AH proposal. */
	if (ah) {
		for (i = 0; i < pol->n && pol->t[i].type != TT_INTEG; i++)
			;
		if (i == pol->n) {
			pol->n = 0;
			return 0;
		}
	}
	if (esp && !have_esn)
		return policy_add(pol, TT_ESN, ESN_NO, 0, e);
	return 0;
}

static bool is_aead(unsigned encr)
{
	return crypto_encr_is_aead(encr);
}

static int prop_add(struct ike_proposal *p, const struct ike_transform *t)
{
	if (p->n == IKE_TRANSFORM_MAX)
		return -1;
	p->t[p->n++] = *t;
	return 0;
}

/* AH (RFC 7296 3.3.3): one proposal with every INTEG, DH and ESN entry. */
static int build_ah(const struct ike_policy *pol, struct ike_proposal *p)
{
	size_t i;
	bool any = false;

	memset(p, 0, sizeof(*p));
	p->protocol = PROTO_AH;
	for (i = 0; i < pol->n; i++) {
		const struct ike_transform *t = &pol->t[i];
		if (t->type != TT_INTEG && t->type != TT_DH && t->type != TT_ESN)
			continue;
		if (t->type == TT_INTEG && t->id == INTEG_NONE)
			continue;
		if (prop_add(p, t) < 0)
			return -1;
		any |= t->type == TT_INTEG;
	}
	return any ? 1 : 0;
}

/* One proposal: the ciphers with aead == want, plus the other types. */
static int build_one(const struct ike_policy *pol, bool aead,
    struct ike_proposal *p)
{
	size_t i;
	bool any = false;

	if (pol->protocol == PROTO_AH)
		return aead ? 0 : build_ah(pol, p);
	memset(p, 0, sizeof(*p));
	p->protocol = pol->protocol;
	for (i = 0; i < pol->n; i++)
		if (pol->t[i].type == TT_ENCR && is_aead(pol->t[i].id) == aead) {
			if (prop_add(p, &pol->t[i]) < 0)
				return -1;
			any = true;
		}
	if (!any)
		return 0;
	for (i = 0; i < pol->n; i++) {
		const struct ike_transform *t = &pol->t[i];
		if (t->type == TT_ENCR || (t->type == TT_INTEG && aead))
			continue;
		if (t->type == TT_PRF && pol->protocol != PROTO_IKE)
			continue;
		if (prop_add(p, t) < 0)
			return -1;
	}
	return 1;
}

int ike_policy_proposals(const struct ike_policy *pol,
    struct ike_proposal *out, size_t max, size_t *n, struct err *e)
{
	int r, k;

	*n = 0;
	for (k = 0; k < 2; k++) {
		if (*n == max)
			break;
		if ((r = build_one(pol, k == 1, &out[*n])) < 0)
			return err_set(e, "%s: too many transforms", __func__);
		if (r > 0) {
			out[*n].number = (unsigned)*n + 1;
			(*n)++;
		}
	}
	if (*n == 0)
		return err_set(e, "%s: the policy has no %s", __func__,
		    pol->protocol == PROTO_AH ? "integrity algorithm" : "cipher");
	return 0;
}

/* ---- reading SA payloads ----------------------------------------------- */

static unsigned key_bits_of(const struct codec_node *tr)
{
	size_t i;

	for (i = 0; i < tr->nkids; i++) {
		const struct codec_node *a = tr->kids[i];
		if (ike_get(a, "type") == ATTR_KEY_LENGTH && ike_get(a, "af"))
			return (unsigned)ike_get(a, "value");
	}
	return 0;
}

static int proposal_read(const struct codec_node *pn, struct ike_proposal *p,
    struct err *e)
{
	const struct bytes *spi = ike_get_data(pn, "spi");
	size_t i;

	memset(p, 0, sizeof(*p));
	p->protocol = (unsigned)ike_get(pn, "protocol");
	p->number = (unsigned)ike_get(pn, "number");
	if (spi->len > IKE_SPI_LEN)
		return err_set(e, "proposal %u: SPI of %zu bytes", p->number,
		    spi->len);
	if (spi->len)
		memcpy(p->spi, spi->data, spi->len);
	p->spi_len = spi->len;
	for (i = 0; i < pn->nkids && p->n < IKE_TRANSFORM_MAX; i++) {
		const struct codec_node *tr = pn->kids[i];
		p->t[p->n++] = (struct ike_transform){
			(unsigned)ike_get(tr, "type"), (unsigned)ike_get(tr, "id"),
			key_bits_of(tr) };
	}
	return 0;
}

int ike_proposals_read(const struct codec_node *sa_payload,
    struct ike_proposal *out, size_t max, size_t *n, struct err *e)
{
	size_t i;

	*n = 0;
	if (sa_payload == NULL || sa_payload->ptype != PL_SA)
		return err_set(e, "no SA payload");
	for (i = 0; i < sa_payload->nkids && *n < max; i++)
		if (proposal_read(sa_payload->kids[i], &out[(*n)++], e) < 0)
			return -1;
	if (*n == 0)
		return err_set(e, "SA payload without proposal");
	return 0;
}

/* ---- selection --------------------------------------------------------- */

static bool acceptable(const struct ike_policy *pol,
    const struct ike_transform *t)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct ike_transform *l = &pol->t[i];
		if (l->type != t->type || l->id != t->id)
			continue;
		if (t->type != TT_ENCR || l->key_bits == t->key_bits ||
		    l->key_bits == 0)
			break;
	}
	if (i == pol->n)
		return false;
	return t->type != TT_ENCR || crypto_encr_supported(t->id, t->key_bits);
}

static bool policy_has_type(const struct ike_policy *pol, unsigned type,
    unsigned id)
{
	size_t i;

	for (i = 0; i < pol->n; i++)
		if (pol->t[i].type == type && pol->t[i].id == id)
			return true;
	return false;
}

static bool policy_has_any(const struct ike_policy *pol, unsigned type)
{
	size_t i;

	for (i = 0; i < pol->n; i++)
		if (pol->t[i].type == type)
			return true;
	return false;
}

/* The transform of a type chosen from proposal p: the peer's first
 * acceptable one (prefer_dh for DH); 0 with *found false if none. */
static bool choose(const struct ike_proposal *p, const struct ike_policy *pol,
    unsigned type, unsigned prefer, struct ike_transform *out, bool *present)
{
	size_t i;
	bool got = false;

	*present = false;
	for (i = 0; i < p->n; i++) {
		if (p->t[i].type != type)
			continue;
		*present = true;
		if (!acceptable(pol, &p->t[i]))
			continue;
		if (!got || (prefer && p->t[i].id == prefer)) {
			if (got && out->id == prefer)
				continue;
			*out = p->t[i];
			got = true;
		}
	}
	return got;
}

/* The Transform Types of RFC 7296 3.3.2 (ENCR, PRF, INTEG, DH, ESN). */
static bool known_type(unsigned type)
{
	return type == TT_ENCR || type == TT_PRF || type == TT_INTEG ||
	    type == TT_DH || type == TT_ESN;
}

/* 1: p is acceptable, with one transform per type in *c. */
static int select_one(const struct ike_proposal *p,
    const struct ike_policy *pol, unsigned prefer_dh,
    struct ike_proposal *c)
{
	static const unsigned types[] = { TT_ENCR, TT_PRF, TT_INTEG, TT_DH,
		TT_ESN };
	struct ike_transform t;
	bool present, aead = false, ike = pol->protocol == PROTO_IKE;
	bool ah = pol->protocol == PROTO_AH;
	size_t i;

	if (p->protocol != pol->protocol)
		return 0;
	/* RFC 7296 3.3.6: a Transform Type we do not understand makes the
	 * whole proposal unacceptable (an unknown ID only its transform). */
	for (i = 0; i < p->n; i++)
		if (!known_type(p->t[i].type))
			return 0;
	memset(c, 0, sizeof(*c));
	c->protocol = p->protocol;
	c->number = p->number;
	memcpy(c->spi, p->spi, sizeof(c->spi));
	c->spi_len = p->spi_len;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		unsigned type = types[i];
		if (choose(p, pol, type, type == TT_DH ? prefer_dh : 0, &t,
		    &present)) {
			if (type == TT_INTEG && aead && t.id != INTEG_NONE)
				return 0;	/* RFC 5282 8: AEAD with integrity */
			if (type == TT_INTEG && ah && t.id == INTEG_NONE)
				return 0;	/* RFC 4302 1: AH is all integrity */
			if (type == TT_DH && t.id == DH_NONE && ike)
				return 0;
			if (type == TT_ENCR)
				aead = is_aead(t.id);
			if (!(type == TT_INTEG && t.id == INTEG_NONE && aead) &&
			    !(type == TT_DH && t.id == DH_NONE))
				c->t[c->n++] = t;
			continue;
		}
		if (present)
			return 0;	/* offered, none acceptable */
		/* Absent: is the type required? */
		switch (type) {
		case TT_ENCR:
			if (!ah)
				return 0;
			break;	/* RFC 7296 3.3.3: AH has none */
		case TT_PRF:
			if (ike)
				return 0;
			break;
		case TT_INTEG:
			if (!aead)
				return 0;
			break;
		case TT_DH:
			/* ESP or AH without DH: fine when the policy lists no
			 * group at all (no PFS) or NONE (PFS optional). */
			if (ike || (policy_has_any(pol, TT_DH) &&
			    !policy_has_type(pol, TT_DH, DH_NONE)))
				return 0;
			break;
		case TT_ESN:
			if (!ike && !policy_has_type(pol, TT_ESN, ESN_NO))
				return 0;
			break;
		}
	}
	return 1;
}

int ike_proposal_select_any(const struct codec_node *sa_payload,
    const struct ike_policy *const *pols, size_t npols, unsigned prefer_dh,
    struct ike_proposal *chosen, struct err *e)
{
	struct ike_proposal props[IKE_PROPOSAL_MAX];
	size_t n, i, j;

	if (ike_proposals_read(sa_payload, props, IKE_PROPOSAL_MAX, &n, e) < 0)
		return -1;
	/* RFC 7296 2.7: the peer's order decides, whatever the protocol. */
	for (i = 0; i < n; i++)
		for (j = 0; j < npols; j++)
			if (pols[j]->n > 0 &&
			    select_one(&props[i], pols[j], prefer_dh, chosen) == 1)
				return 0;
	err_set(e, "no acceptable proposal among %zu", n);
	return 1;
}

int ike_proposal_select(const struct codec_node *sa_payload,
    const struct ike_policy *pol, unsigned prefer_dh,
    struct ike_proposal *chosen, struct err *e)
{
	return ike_proposal_select_any(sa_payload, &pol, 1, prefer_dh, chosen,
	    e);
}

bool ike_proposal_was_offered(const struct ike_proposal *chosen,
    const struct ike_proposal *offered, size_t n)
{
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		const struct ike_proposal *o = &offered[i];
		if (o->number != chosen->number || o->protocol != chosen->protocol)
			continue;
		for (j = 0; j < chosen->n; j++) {
			for (k = 0; k < o->n; k++)
				if (o->t[k].type == chosen->t[j].type &&
				    o->t[k].id == chosen->t[j].id &&
				    o->t[k].key_bits == chosen->t[j].key_bits)
					break;
			if (k == o->n)
				break;
		}
		if (j == chosen->n)
			return true;
	}
	return false;
}

unsigned ike_proposal_get(const struct ike_proposal *p, unsigned type,
    unsigned none)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->t[i].type == type)
			return p->t[i].id;
	return none;
}

unsigned ike_proposal_key_bits(const struct ike_proposal *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->t[i].type == TT_ENCR)
			return p->t[i].key_bits;
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

static int transform_add(struct codec_node *prop,
    const struct ike_transform *t)
{
	struct codec_node *tr = codec_child_new(prop), *at = NULL;

	if (tr == NULL || codec_append(prop, tr) < 0) {
		codec_node_free(tr);
		return -1;
	}
	if (ike_set(tr, "type", t->type) < 0 || ike_set(tr, "id", t->id) < 0)
		return -1;
	if (t->key_bits) {
		if ((at = codec_child_new(tr)) == NULL ||
		    codec_append(tr, at) < 0) {
			codec_node_free(at);
			return -1;
		}
		if (ike_set(at, "value", t->key_bits) < 0)
			return -1;
	}
	return 0;
}

int ike_sa_payload_add(struct codec_node *parent,
    const struct ike_proposal *props, size_t n, struct err *e)
{
	struct codec_node *sa = codec_payload_new(PL_SA), *pn;
	size_t i, j;

	if (sa == NULL || codec_append(parent, sa) < 0) {
		codec_node_free(sa);
		return err_set(e, "%s: out of memory", __func__);
	}
	for (i = 0; i < n; i++) {
		if ((pn = codec_child_new(sa)) == NULL ||
		    codec_append(sa, pn) < 0) {
			codec_node_free(pn);
			return err_set(e, "%s: out of memory", __func__);
		}
		if (ike_set(pn, "protocol", props[i].protocol) < 0 ||
		    (props[i].number &&
		    ike_set(pn, "number", props[i].number) < 0) ||
		    (props[i].spi_len && ike_set_data(pn, "spi", props[i].spi,
		    props[i].spi_len) < 0))
			return err_set(e, "%s: bad proposal", __func__);
		for (j = 0; j < props[i].n; j++)
			if (transform_add(pn, &props[i].t[j]) < 0)
				return err_set(e, "%s: out of memory", __func__);
	}
	return 0;
}

void ike_proposal_format(const struct ike_proposal *p, char *out,
    size_t outlen)
{
	static const int tables[] = { -1, NAMES_T_ENCR, NAMES_T_PRF,
		NAMES_T_INTEG, NAMES_T_DH, NAMES_T_ESN };
	size_t i, used = 0;
	int w;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < p->n && used < outlen; i++) {
		const struct ike_transform *t = &p->t[i];
		const char *name = t->type >= 1 && t->type <= 5 ?
		    names_get(tables[t->type], t->id) : "?";
		if (t->key_bits)
			w = snprintf(out + used, outlen - used, "%s%s/%u",
			    i ? " " : "", name, t->key_bits);
		else
			w = snprintf(out + used, outlen - used, "%s%s",
			    i ? " " : "", name);
		if (w < 0)
			return;
		used += (size_t)w;
	}
}
