/* rules: RFC 7296 message rules as tables (see rules.h). */
#include "rules.h"
#include "rules_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "names.h"

enum { RULES_ANY = 0xffff, RULES_ITEMS = 12, RULES_NTYPES = 256 };

/* How many payloads of one type a shape allows. */
struct rules_item {
	unsigned ptype;
	unsigned min, max;	/* max RULES_ANY: no bound */
};

/* What a shape needs among its notifies. */
enum rules_need_notify {
	RULES_NN_NONE,
	RULES_NN_ERROR,		/* an error type (< 16384, RFC 7296 3.10.1) */
	RULES_NN_ERROR_OR_COOKIE,
	RULES_NN_OUTSIDE_SA,	/* INVALID_MAJOR_VERSION (RFC 7296 2.5) or INVALID_IKE_SPI (1.5) */
};

struct rules_shape {
	const char *name;
	enum rules_need_notify need;
	bool sa_ts_together;	/* SA, TSi, TSr: all or none (1.3, 6023) */
	bool ts_together;	/* TSi, TSr: both or neither */
	bool unprotected;	/* this shape is sent without SK */
	struct rules_item items[RULES_ITEMS];	/* ends with ptype 0 */
};

struct rules_table {
	unsigned exchange;
	bool response;
	bool encrypted;		/* its payloads go inside SK */
	const char *clause;
	const struct rules_shape *shapes;
	size_t nshapes;
};

/* Everywhere: notifies and vendor IDs, any number. */
#define NV { PL_N, 0, RULES_ANY }, { PL_V, 0, RULES_ANY }

/* The answer to a message with a higher major version (RFC 7296 2.5: "an
 * unauthenticated Notify message of type INVALID_MAJOR_VERSION") or for an
 * IKE SA the receiver does not hold (1.5: INVALID_IKE_SPI), which no SK can
 * protect, in whatever exchange the message was. */
#define OUTSIDE_SA_SHAPE \
	{ "unauthenticated INVALID_MAJOR_VERSION or INVALID_IKE_SPI (RFC 7296 2.5, 1.5)", \
	    RULES_NN_OUTSIDE_SA, false, false, true, { { PL_N, 1, RULES_ANY } } }

static const struct rules_shape sa_init_req[] = {
	{ "SA KE Ni", RULES_NN_NONE, false, false, false,
	    { { PL_SA, 1, 1 }, { PL_KE, 1, 1 }, { PL_NONCE, 1, 1 }, NV } },
};

static const struct rules_shape sa_init_resp[] = {
	{ "SA KE Nr [CERTREQ]", RULES_NN_NONE, false, false, false,
	    { { PL_SA, 1, 1 }, { PL_KE, 1, 1 }, { PL_NONCE, 1, 1 },
	      { PL_CERTREQ, 0, RULES_ANY }, NV } },
	{ "error or COOKIE notify", RULES_NN_ERROR_OR_COOKIE, false, false,
	    false, { { PL_N, 1, RULES_ANY }, { PL_V, 0, RULES_ANY } } },
};

static const struct rules_shape auth_req[] = {
	{ "IDi [CERT] [CERTREQ] [IDr] [AUTH] [CP] [SA TSi TSr]",
	    RULES_NN_NONE, true, false, false,
	    { { PL_IDi, 1, 1 }, { PL_CERT, 0, RULES_ANY },
	      { PL_CERTREQ, 0, RULES_ANY }, { PL_IDr, 0, 1 },
	      { PL_AUTH, 0, 1 }, { PL_CP, 0, 1 }, { PL_SA, 0, 1 },
	      { PL_TSi, 0, 1 }, { PL_TSr, 0, 1 }, NV } },
	{ "EAP round (RFC 7296 2.16)", RULES_NN_NONE, false, false, false,
	    { { PL_EAP, 1, 1 }, NV } },
	{ "AUTH after EAP (RFC 7296 2.16)", RULES_NN_NONE, false, false, false,
	    { { PL_AUTH, 1, 1 }, NV } },
};

static const struct rules_shape auth_resp[] = {
	{ "IDr [CERT] AUTH [EAP] [CP] [SA TSi TSr]", RULES_NN_NONE, true,
	    false, false,
	    { { PL_IDr, 1, 1 }, { PL_CERT, 0, RULES_ANY }, { PL_AUTH, 1, 1 },
	      { PL_EAP, 0, 1 }, { PL_CP, 0, 1 }, { PL_SA, 0, 1 },
	      { PL_TSi, 0, 1 }, { PL_TSr, 0, 1 }, NV } },
	{ "IDr [CERT] EAP (RFC 7296 2.16)", RULES_NN_NONE, false, false, false,
	    { { PL_IDr, 1, 1 }, { PL_CERT, 0, RULES_ANY }, { PL_EAP, 1, 1 },
	      NV } },
	{ "EAP round (RFC 7296 2.16)", RULES_NN_NONE, false, false, false,
	    { { PL_EAP, 1, 1 }, NV } },
	{ "AUTH [CP] [SA TSi TSr] after EAP (RFC 7296 2.16)", RULES_NN_NONE,
	    true, false, false,
	    { { PL_AUTH, 1, 1 }, { PL_CP, 0, 1 }, { PL_SA, 0, 1 },
	      { PL_TSi, 0, 1 }, { PL_TSr, 0, 1 }, NV } },
	{ "error notify (RFC 7296 2.21.2)", RULES_NN_ERROR, false, false,
	    false, { { PL_N, 1, RULES_ANY }, { PL_V, 0, RULES_ANY } } },
	OUTSIDE_SA_SHAPE,
};

static const struct rules_shape child_req[] = {
	{ "SA Ni [KE] [TSi TSr]", RULES_NN_NONE, false, true, false,
	    { { PL_SA, 1, 1 }, { PL_NONCE, 1, 1 }, { PL_KE, 0, 1 },
	      { PL_TSi, 0, 1 }, { PL_TSr, 0, 1 }, NV } },
};

static const struct rules_shape child_resp[] = {
	{ "SA Nr [KE] [TSi TSr]", RULES_NN_NONE, false, true, false,
	    { { PL_SA, 1, 1 }, { PL_NONCE, 1, 1 }, { PL_KE, 0, 1 },
	      { PL_TSi, 0, 1 }, { PL_TSr, 0, 1 }, NV } },
	{ "error notify (RFC 7296 1.3)", RULES_NN_ERROR, false, false, false,
	    { { PL_N, 1, RULES_ANY }, { PL_V, 0, RULES_ANY } } },
	OUTSIDE_SA_SHAPE,
};

static const struct rules_shape info[] = {
	{ "[N] [D] [CP]", RULES_NN_NONE, false, false, false,
	    { { PL_D, 0, RULES_ANY }, { PL_CP, 0, RULES_ANY }, NV } },
	/* 1.5 and 2.21.4: INVALID_IKE_SPI and the like go out unprotected */
	{ "unprotected error notify (RFC 7296 1.5)", RULES_NN_ERROR, false,
	    false, true, { { PL_N, 1, RULES_ANY } } },
};

#define NS(a) a, sizeof(a) / sizeof((a)[0])
static const struct rules_table rules_tables[] = {
	{ EXCH_IKE_SA_INIT, false, false, "RFC 7296 1.2", NS(sa_init_req) },
	{ EXCH_IKE_SA_INIT, true, false, "RFC 7296 1.2", NS(sa_init_resp) },
	{ EXCH_IKE_AUTH, false, true, "RFC 7296 1.2", NS(auth_req) },
	{ EXCH_IKE_AUTH, true, true, "RFC 7296 1.2", NS(auth_resp) },
	{ EXCH_CREATE_CHILD_SA, false, true, "RFC 7296 1.3", NS(child_req) },
	{ EXCH_CREATE_CHILD_SA, true, true, "RFC 7296 1.3", NS(child_resp) },
	{ EXCH_INFORMATIONAL, false, true, "RFC 7296 1.4", NS(info) },
	{ EXCH_INFORMATIONAL, true, true, "RFC 7296 1.4", NS(info) },
};

static const struct rules_table *rules_find(unsigned exchange, bool response)
{
	size_t i;

	for (i = 0; i < sizeof(rules_tables) / sizeof(rules_tables[0]); i++)
		if (rules_tables[i].exchange == exchange &&
		    rules_tables[i].response == response)
			return &rules_tables[i];
	return NULL;
}

const char *rules_clause(unsigned exchange)
{
	const struct rules_table *t = rules_find(exchange, false);

	return t != NULL ? t->clause : NULL;
}

void rules_add(struct rules_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->count >= RULES_MAX_VIOLATIONS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->text[r->count++], RULES_TEXT_MAX, fmt, ap);
	va_end(ap);
}

static int rules_field(const struct codec_node *n, const char *name)
{
	return codec_field_index(n->st, name, strlen(name));
}

static const char *rules_pl_name(unsigned ptype)
{
	return ptype == PL_NONCE ? "Nonce" : names_get(NAMES_T_PAYLOAD, ptype);
}

/* What a message holds once SK is looked through. */
struct rules_census {
	unsigned count[RULES_NTYPES];
	unsigned unknown_critical;	/* payload types with no table */
	bool error_notify, cookie;
	bool outside_sa;	/* INVALID_MAJOR_VERSION or INVALID_IKE_SPI */
};

static void rules_count_chain(const struct codec_node *chain,
    struct rules_census *c, bool skip_sk)
{
	size_t i;

	for (i = 0; i < chain->nkids; i++) {
		const struct codec_node *p = chain->kids[i];

		if (skip_sk && (p->ptype == PL_SK || p->ptype == PL_SKF))
			continue;
		if (p->st->id == CODEC_S_UNKNOWN) {
			if (codec_get_uint(p, rules_field(p, "critical")) != 0)
				c->unknown_critical++;
			continue;
		}
		if (p->ptype < RULES_NTYPES)
			c->count[p->ptype]++;
		if (p->ptype == PL_N) {
			uint64_t t = codec_get_uint(p,
			    rules_field(p, "notify_type"));

			if (t < 16384)
				c->error_notify = true;
			if (t == N_COOKIE)
				c->cookie = true;
			if (t == N_INVALID_MAJOR_VERSION || t == N_INVALID_IKE_SPI)
				c->outside_sa = true;
		}
	}
}

/* The violations of one shape, into r (which the caller cleared). */
static void rules_shape_check(const struct rules_shape *s,
    const struct rules_census *c, bool protected_msg, struct rules_report *r)
{
	bool allowed[RULES_NTYPES] = { false };
	size_t i;
	unsigned t;

	for (i = 0; i < RULES_ITEMS && s->items[i].ptype != 0; i++) {
		const struct rules_item *it = &s->items[i];
		unsigned n = c->count[it->ptype];

		allowed[it->ptype] = true;
		if (n < it->min)
			rules_add(r, "%s missing (shape %s)",
			    rules_pl_name(it->ptype), s->name);
		else if (it->max != RULES_ANY && n > it->max)
			rules_add(r, "%u %s payloads, at most %u allowed",
			    n, rules_pl_name(it->ptype), it->max);
	}
	for (t = 1; t < RULES_NTYPES; t++)
		if (c->count[t] > 0 && !allowed[t] && t != PL_SK && t != PL_SKF)
			rules_add(r, "%s not allowed here (shape %s)",
			    rules_pl_name(t), s->name);
	if (c->unknown_critical > 0)
		rules_add(r, "%u payload(s) of unknown type with the critical bit",
		    c->unknown_critical);
	if (s->need == RULES_NN_ERROR && !c->error_notify)
		rules_add(r, "no error notify (type below 16384)");
	if (s->need == RULES_NN_ERROR_OR_COOKIE && !c->error_notify &&
	    !c->cookie)
		rules_add(r, "no error or COOKIE notify");
	if (s->need == RULES_NN_OUTSIDE_SA && !c->outside_sa)
		rules_add(r, "no INVALID_MAJOR_VERSION or INVALID_IKE_SPI notify");
	if (s->sa_ts_together) {
		unsigned k = (c->count[PL_SA] > 0) + (c->count[PL_TSi] > 0) +
		    (c->count[PL_TSr] > 0);

		if (k != 0 && k != 3)
			rules_add(r, "SA, TSi and TSr must come together (RFC 7296 1.2)");
	}
	if (s->ts_together && (c->count[PL_TSi] > 0) != (c->count[PL_TSr] > 0))
		rules_add(r, "TSi and TSr must come together (RFC 7296 1.3)");
	if (s->unprotected && protected_msg)
		rules_add(r, "shape %s is for messages without SK", s->name);
}

/* Whether msg answers with notifies only: N(INVALID_MAJOR_VERSION) (RFC
 * 7296 2.5), N(COOKIE) (2.6), N(INVALID_KE_PAYLOAD) (1.3), an error. Such
 * an answer makes no IKE SA and copies the message ID of the request it
 * answers, whatever that was (2.2: a response carries its request's
 * ID): strongSwan answered an IKE_SA_INIT of message ID 4294967294 with
 * N(COOKIE) of that ID (fuzz seed 7 case 1375). Whether it is the
 * request's ID is the pairing's to judge, not this message's. */
static bool rules_notify_answer(const struct codec_node *msg)
{
	bool seen = false;
	size_t i;

	for (i = 0; i < msg->nkids; i++) {
		if (msg->kids[i]->ptype != PL_N)
			return false;
		seen = true;
	}
	return seen;
}

/* Outside SK: where SK sits, what is outside it, the COOKIE position and
 * header values fixed by the exchange. */
static void rules_outer(const struct rules_table *t,
    const struct codec_node *msg, bool *has_sk, struct rules_report *r)
{
	size_t i, nsk = 0, outside = 0;

	for (i = 0; i < msg->nkids; i++) {
		unsigned pt = msg->kids[i]->ptype;

		if (pt == PL_SK || pt == PL_SKF) {
			nsk++;
			if (i + 1 != msg->nkids)
				rules_add(r, "SK is not the last payload (RFC 7296 3.14)");
		} else {
			outside++;
		}
	}
	*has_sk = nsk > 0;
	if (nsk > 1)
		rules_add(r, "%zu SK/SKF payloads", nsk);
	if (!t->encrypted && nsk > 0)
		rules_add(r, "SK in %s, which is sent in the clear (RFC 7296 1.2)",
		    names_get(NAMES_T_EXCHANGE, t->exchange));
	if (t->encrypted && nsk > 0 && outside > 0)
		rules_add(r, "%zu payload(s) outside SK (RFC 7296 1.2: all payloads after IKE_SA_INIT are protected)",
		    outside);
	if (t->exchange == EXCH_IKE_SA_INIT) {
		if (codec_get_uint(msg, rules_field(msg, "message_id")) != 0 &&
		    !(t->response && rules_notify_answer(msg)))
			rules_add(r, "IKE_SA_INIT with message ID %llu, not 0 (RFC 7296 2.2)",
			    (unsigned long long)codec_get_uint(msg,
			    rules_field(msg, "message_id")));
		/* an error notify answers what it got, zero SPI and all */
		if (codec_get_uint(msg, rules_field(msg, "spi_i")) == 0 &&
		    !(t->response && rules_notify_answer(msg)))
			rules_add(r, "initiator SPI is zero (RFC 7296 3.1)");
		for (i = 1; i < msg->nkids; i++)
			if (msg->kids[i]->ptype == PL_N &&
			    codec_get_uint(msg->kids[i], rules_field(msg->kids[i],
			    "notify_type")) == N_COOKIE && !t->response)
				rules_add(r, "N(COOKIE) is not the first payload (RFC 7296 2.6)");
	}
}

enum rules_status rules_check(unsigned exchange, bool response,
    const struct codec_node *msg, const struct codec_node *inner,
    struct rules_report *r)
{
	const struct rules_table *t = rules_find(exchange, response);
	struct rules_census census;
	struct rules_report best, cur;
	size_t i;
	bool has_sk;

	memset(r, 0, sizeof(*r));
	if (t == NULL) {
		r->clause = NULL;
		return RULES_NO_TABLE;
	}
	r->clause = t->clause;
	rules_outer(t, msg, &has_sk, r);
	if (r->count > 0) {
		r->shape = "header and SK placement";
		return RULES_VIOLATES;
	}
	if (has_sk && inner == NULL) {
		r->sk_unchecked = true;
		r->shape = "SK not opened: contents unchecked";
		return RULES_CONFORMS;
	}
	memset(&census, 0, sizeof(census));
	rules_count_chain(msg, &census, true);
	if (inner != NULL)
		rules_count_chain(inner, &census, false);
	if (t->encrypted && !has_sk) {
		/* only the unprotected shapes apply */
		for (i = 0; i < t->nshapes; i++) {
			if (!t->shapes[i].unprotected)
				continue;
			memset(&cur, 0, sizeof(cur));
			rules_shape_check(&t->shapes[i], &census, false, &cur);
			if (cur.count == 0) {
				r->shape = t->shapes[i].name;
				return RULES_CONFORMS;
			}
		}
		r->shape = "protected";
		rules_add(r, "%s %s without SK (RFC 7296 1.2)",
		    names_get(NAMES_T_EXCHANGE, exchange),
		    response ? "response" : "request");
		return RULES_VIOLATES;
	}
	memset(&best, 0, sizeof(best));
	best.count = RULES_MAX_VIOLATIONS + 1;
	for (i = 0; i < t->nshapes; i++) {
		memset(&cur, 0, sizeof(cur));
		cur.shape = t->shapes[i].name;
		rules_shape_check(&t->shapes[i], &census, has_sk, &cur);
		if (cur.count == 0) {
			r->shape = cur.shape;
			return RULES_CONFORMS;
		}
		if (cur.count < best.count)
			best = cur;
	}
	best.clause = t->clause;
	*r = best;
	return RULES_VIOLATES;
}
