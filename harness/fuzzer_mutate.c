/* fuzzer_mutate: the cases of a campaign, a pure function of (seed, case
 * number), and their script text. The fields come from the codec tables,
 * walked from the payload's struct down to its proposals, transforms,
 * attributes and selectors. */
#include "fuzzer.h"
#include "fuzzer_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "names.h"

/* ---------------------------------------------------------- the states */

#define REKEY_SA "SA(ike: $IKE_PROPOSAL)"

struct fuzzer_base {
	const char *name;
	const char *prefix;	/* script lines reaching the state */
	const char *send;	/* the mutated message's `send` */
	const char *exchange;	/* what `expect` waits for */
	bool sk;		/* payloads inside SK */
	const char *payloads[FUZZER_PAYLOADS_MAX];
};

static const struct fuzzer_base bases[FUZZER_ST_COUNT] = {
	[FUZZER_ST_INIT] = { "init", "", "send IKE_SA_INIT", "IKE_SA_INIT",
	    false, { "SA", "KE", "Ni" } },
	[FUZZER_ST_AUTH] = { "auth",
	    "send IKE_SA_INIT\nexpect IKE_SA_INIT response within 2s\n",
	    "send IKE_AUTH", "IKE_AUTH", true,
	    { "IDi", "AUTH", "SA", "TSi", "TSr" } },
	[FUZZER_ST_INFO] = { "info", "establish ike\n",
	    "send INFORMATIONAL request", "INFORMATIONAL", true,
	    { "D(proto=ESP, spi=0x01020304)", "V(0x69656b6574657374)" } },
	[FUZZER_ST_CHILD] = { "child", "establish ike\n",
	    "send CREATE_CHILD_SA request", "CREATE_CHILD_SA", true,
	    { "SA", "Ni", "TSi", "TSr" } },
	/* SA(ike: ...) is the profile's proposal (fuzzer_script_opts) */
	[FUZZER_ST_REKEY] = { "rekey", "establish ike\n",
	    "send CREATE_CHILD_SA request", "CREATE_CHILD_SA", true,
	    { REKEY_SA, "Ni", "KE" } },
	/* the ESP states: fuzzer_esp.c writes the send and what follows */
	[FUZZER_ST_ESP] = { "esp", "establish child\n", NULL, "ESP packet",
	    false, { NULL } },
	[FUZZER_ST_ESPUDP] = { "espudp", "nat pretend\nestablish child\n", NULL,
	    "ESP-in-UDP packet", false, { NULL } },
};

const char *fuzzer_state_name(enum fuzzer_state s)
{
	return (unsigned)s < FUZZER_ST_COUNT ? bases[s].name : "?";
}

int fuzzer_states_parse(const char *text, unsigned *mask, struct err *e)
{
	const char *p = text;
	unsigned m = 0, s;
	size_t n;

	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n == 3 && strncmp(p, "all", 3) == 0)
			m |= (1u << FUZZER_ST_COUNT) - 1;
		else {
			for (s = 0; s < FUZZER_ST_COUNT; s++)
				if (strlen(bases[s].name) == n &&
				    strncmp(p, bases[s].name, n) == 0)
					break;
			if (s == FUZZER_ST_COUNT) {
				char names[128];
				size_t o = 0;

				for (s = 0; s < FUZZER_ST_COUNT; s++)
					o += (size_t)snprintf(names + o,
					    sizeof(names) - o, "%s, ", bases[s].name);
				return err_set(e, "unknown state `%.*s' (%sall)",
				    (int)n, p, names);
			}
			m |= 1u << s;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (m == 0)
		return err_set(e, "no state in `%s'", text);
	*mask = m;
	return 0;
}

/* ---------------------------------------------------------- the dice */

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

unsigned rng_below(struct rng *r, unsigned n)
{
	return n == 0 ? 0 : (unsigned)(rng_next(r) % n);
}

void rng_hex(struct rng *r, size_t nbytes, char *out, size_t outlen)
{
	size_t i, o = 0;

	o += (size_t)snprintf(out, outlen, "0x");
	for (i = 0; i < nbytes && o + 3 < outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%02x",
		    (unsigned)(rng_next(r) & 0xff));
}

/* ---------------------------------------------------------- values */

static bool field_is_computed(const struct codec_field *f)
{
	return f->autov == CODEC_A_LENGTH || f->autov == CODEC_A_DATA_LENGTH ||
	    f->autov == CODEC_A_COUNT || f->autov == CODEC_A_FIRST_CHILD_LENGTH;
}

/* Boundaries, random values and, for lengths and counts, small lies that
 * fall on either side of the truth. */
static void value_uint(struct rng *r, const struct codec_field *f, char *out,
    size_t outlen)
{
	uint64_t max = f->bits >= 64 ? UINT64_MAX :
	    ((uint64_t)1 << f->bits) - 1, v;

	switch (rng_below(r, field_is_computed(f) ? 11 : 8)) {
	case 0: v = 0; break;
	case 1: v = 1; break;
	case 2: v = max; break;
	case 3: v = max - 1; break;
	case 4: v = (max >> 1) + 1; break;	/* the top bit alone */
	case 5: v = max >> 1; break;
	case 6: v = rng_next(r); break;
	case 7: v = f->def + 1 + rng_below(r, 3); break;
	default: v = rng_below(r, 72); break;	/* a length near the truth */
	}
	v &= max;
	/* the lexer's decimal numbers stop below 2^63: wide ones in hex */
	if (v > 0xffffffffu)
		snprintf(out, outlen, "0x%016llx", (unsigned long long)v);
	else
		snprintf(out, outlen, "%llu", (unsigned long long)v);
}

static void value_data(struct rng *r, char *out, size_t outlen)
{
	size_t n, i, o;

	switch (rng_below(r, 6)) {
	case 0: snprintf(out, outlen, "\"\""); return;
	case 1: snprintf(out, outlen, "0x00"); return;
	case 2:
		n = 1 + rng_below(r, 64);
		o = (size_t)snprintf(out, outlen, "0x");
		for (i = 0; i < n && o + 3 < outlen; i++)
			o += (size_t)snprintf(out + o, outlen - o, "ff");
		return;
	case 3: rng_hex(r, 1 + rng_below(r, 32), out, outlen); return;
	case 4: rng_hex(r, 256, out, outlen); return;
	default: rng_hex(r, 4, out, outlen); return;
	}
}

/* ---------------------------------------------------------- fields */

/* A random field under struct st, path prefix p: a walk that either takes
 * one of st's fields or goes down into its children's struct (the first
 * or second child). Returns 0 with path and value, -1 if st has none. */
static int pick_field(struct rng *r, const struct codec_struct *st,
    const char *p, unsigned depth, struct fuzzer_op *op)
{
	int cand[64];
	size_t n = 0, i;
	const struct codec_field *f;
	char sub[CODEC_PATH_MAX];

	for (i = 0; i < st->nfields && n < 64; i++) {
		f = &st->fields[i];
		if (f->kind == CODEC_K_UINT || f->kind == CODEC_K_DATA ||
		    (f->kind == CODEC_K_CHILDREN && depth < 3 &&
		    f->child != CODEC_S_MESSAGE && f->child != CODEC_S_CHAIN))
			cand[n++] = (int)i;
	}
	if (n == 0)
		return -1;
	f = &st->fields[cand[rng_below(r, (unsigned)n)]];
	if (f->kind == CODEC_K_CHILDREN) {
		const struct codec_struct *cs = codec_struct_get(f->child);

		snprintf(sub, sizeof(sub), "%s.%s[%u]", p, cs->path_name,
		    1 + rng_below(r, 2));
		return pick_field(r, cs, sub, depth + 1, op);
	}
	snprintf(op->path, sizeof(op->path), "%s.%s", p, f->name);
	if (f->kind == CODEC_K_UINT)
		value_uint(r, f, op->value, sizeof(op->value));
	else
		value_data(r, op->value, sizeof(op->value));
	return 0;
}

/* The payload type a token names ("IDi", "D(proto=ESP...)"), or -1 for
 * a PAYLOAD(...) the case inserted. */
static int token_type(const char *tok, unsigned *type)
{
	size_t n = strcspn(tok, "(");

	if (n == 7 && strncmp(tok, "PAYLOAD", 7) == 0)
		return -1;
	return codec_payload_type_parse(tok, n, type);
}

/* A set on payload i of list (its nth of its type), the IKE header, or
 * SK's own header. */
static void make_set(struct rng *r, const struct fuzzer_case *c,
    struct fuzzer_op *op)
{
	unsigned pick = rng_below(r, (unsigned)c->npayloads + 2), type, t2;
	unsigned nth = 1;
	size_t i, n;
	char p[CODEC_PATH_MAX];

	op->kind = FUZZER_OP_SET;
	if (pick == c->npayloads || (pick == c->npayloads + 1 &&
	    !bases[c->state].sk)) {
		(void)pick_field(r, codec_struct_get(CODEC_S_MESSAGE), "hdr", 1, op);
		return;
	}
	if (pick == c->npayloads + 1) {
		(void)pick_field(r, codec_struct_of_payload(PL_SK), "SK", 1, op);
		return;
	}
	if (token_type(c->payloads[pick], &type) < 0) {
		/* an inserted payload: its generic header */
		n = strspn(c->payloads[pick] + 13, "0123456789");
		snprintf(p, sizeof(p), "PL%.*s", (int)n, c->payloads[pick] + 13);
		(void)pick_field(r, codec_struct_get(CODEC_S_UNKNOWN), p, 1, op);
		return;
	}
	for (i = 0; i < pick; i++)
		if (token_type(c->payloads[i], &t2) == 0 && t2 == type)
			nth++;
	n = strcspn(c->payloads[pick], "(");
	snprintf(p, sizeof(p), "%.*s[%u]", (int)n, c->payloads[pick], nth);
	if (pick_field(r, codec_struct_of_payload(type), p, 1, op) < 0)
		snprintf(op->path, sizeof(op->path), "%.100s.critical", p),
		    snprintf(op->value, sizeof(op->value), "1");
}

/* ---------------------------------------------------------- payload lists */

static void list_apply(const struct fuzzer_op *op,
    char l[FUZZER_PAYLOADS_MAX][FUZZER_TOKEN_MAX], size_t *n)
{
	char tmp[FUZZER_TOKEN_MAX];
	size_t a = *n ? op->a % *n : 0, b, i;

	switch (op->kind) {
	case FUZZER_OP_SET:
		return;
	case FUZZER_OP_DROP:
		if (*n <= 1)
			return;
		memmove(l[a], l[a + 1], (*n - a - 1) * FUZZER_TOKEN_MAX);
		(*n)--;
		return;
	case FUZZER_OP_DUP:
		if (*n == 0 || *n == FUZZER_PAYLOADS_MAX)
			return;
		memmove(l[a + 1], l[a], (*n - a) * FUZZER_TOKEN_MAX);
		(*n)++;
		return;
	case FUZZER_OP_MOVE:
		if (*n <= 1)
			return;
		b = op->b % *n;
		memcpy(tmp, l[a], sizeof(tmp));
		if (a < b)
			memmove(l[a], l[a + 1], (b - a) * FUZZER_TOKEN_MAX);
		else
			memmove(l[b + 1], l[b], (a - b) * FUZZER_TOKEN_MAX);
		memcpy(l[b], tmp, sizeof(tmp));
		return;
	case FUZZER_OP_INSERT:
		if (*n == FUZZER_PAYLOADS_MAX)
			return;
		i = op->a % (*n + 1);
		memmove(l[i + 1], l[i], (*n - i) * FUZZER_TOKEN_MAX);
		snprintf(l[i], FUZZER_TOKEN_MAX, "%s", op->value);
		(*n)++;
		return;
	}
}

size_t fuzzer_case_payloads(const struct fuzzer_case *c,
    char out[FUZZER_PAYLOADS_MAX][FUZZER_TOKEN_MAX])
{
	size_t n = 0, i;
	const struct fuzzer_base *b = &bases[c->state];

	for (i = 0; i < FUZZER_PAYLOADS_MAX && b->payloads[i] != NULL; i++)
		snprintf(out[n++], FUZZER_TOKEN_MAX, "%s", b->payloads[i]);
	for (i = 0; i < c->nops; i++)
		if (!c->ops[i].off)
			list_apply(&c->ops[i], out, &n);
	return n;
}

/* A payload of a type nobody has (RFC 7296 3.2: 49-127 unassigned,
 * 128-255 private use) or a known one with a body of random bytes. */
static void make_insert(struct rng *r, struct fuzzer_op *op)
{
	unsigned type = rng_below(r, 2) ? 49 + rng_below(r, 207) :
	    33 + rng_below(r, 16);
	unsigned crit = rng_below(r, 2);
	size_t len = rng_below(r, 40);
	char hex[2 * 40 + 4];

	op->kind = FUZZER_OP_INSERT;
	op->a = rng_below(r, FUZZER_PAYLOADS_MAX);
	if (len == 0) {
		snprintf(op->value, sizeof(op->value),
		    "PAYLOAD(type=%u, critical=%u)", type, crit);
		return;
	}
	rng_hex(r, len, hex, sizeof(hex));
	snprintf(op->value, sizeof(op->value),
	    "PAYLOAD(type=%u, critical=%u, data=%s)", type, crit, hex);
}

void fuzzer_case_make(uint64_t seed, uint64_t number, unsigned mask,
    struct fuzzer_case *c)
{
	struct rng r = { seed ^ (number * 0xd1b54a32d192ed03ull) };
	unsigned states[FUZZER_ST_COUNT], ns = 0, s, nops, nlist, i;

	memset(c, 0, sizeof(*c));
	c->seed = seed;
	c->number = number;
	c->mask = mask;
	(void)rng_next(&r);
	for (s = 0; s < FUZZER_ST_COUNT; s++)
		if (mask & (1u << s))
			states[ns++] = s;
	c->state = ns ? (enum fuzzer_state)states[rng_below(&r, ns)] :
	    FUZZER_ST_INIT;
	if (fuzzer_state_is_esp(c->state)) {
		fuzzer_esp_make(&r, c);
		return;
	}
	nops = 1 + rng_below(&r, 3);
	/* list edits first, so that the sets name the payloads sent */
	nlist = rng_below(&r, 4) == 0 ? 1 + rng_below(&r, nops) : 0;
	if (nlist > nops)
		nlist = nops;
	for (i = 0; i < nlist; i++) {
		struct fuzzer_op *op = &c->ops[c->nops++];

		switch (rng_below(&r, 4)) {
		case 0: op->kind = FUZZER_OP_DROP; break;
		case 1: op->kind = FUZZER_OP_DUP; break;
		case 2: op->kind = FUZZER_OP_MOVE; break;
		default: make_insert(&r, op); break;
		}
		if (op->kind != FUZZER_OP_INSERT) {
			op->a = rng_below(&r, FUZZER_PAYLOADS_MAX);
			op->b = rng_below(&r, FUZZER_PAYLOADS_MAX);
		}
	}
	c->npayloads = fuzzer_case_payloads(c, c->payloads);
	for (; i < nops; i++)
		make_set(&r, c, &c->ops[c->nops++]);
}

/* ---------------------------------------------------------- script text */

void out_add(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		o->over = true;
	else
		o->len += (size_t)n;
}

static void out_probe(struct outbuf *o, const struct fuzzer_script_opts *so)
{
	out_add(o, "# the IUT still answers a fresh IKE_SA_INIT (and its adapter)\n");
	out_add(o, "establish ike\n");
	if (so->alive)
		out_add(o, "iut alive\n");
}

int fuzzer_case_script(const struct fuzzer_case *c,
    const struct fuzzer_script_opts *so, char *buf, size_t buflen)
{
	const struct fuzzer_base *b = &bases[c->state];
	char l[FUZZER_PAYLOADS_MAX][FUZZER_TOKEN_MAX];
	struct outbuf o = { buf, 0, buflen, buflen == 0 };
	size_t n = fuzzer_case_payloads(c, l), i;
	unsigned n2;

	out_add(&o, "# iketest fuzz --seed %llu --case %llu --states ",
	    (unsigned long long)c->seed, (unsigned long long)c->number);
	for (i = 0, n2 = 0; i < FUZZER_ST_COUNT; i++)
		if (c->mask & (1u << i))
			out_add(&o, "%s%s", n2++ ? "," : "", bases[i].name);
	out_add(&o, " --wait-ms %u --print (state %s)\n", so->wait_ms, b->name);
	out_add(&o, "test \"fuzz seed %llu case %llu: %s%s mutated\"\n",
	    (unsigned long long)c->seed, (unsigned long long)c->number,
	    b->exchange, b->send != NULL ? " request" : "");
	if (b->send == NULL) {
		out_add(&o, "rfc 4303 3.4, 4301 5.2\nneeds capabilities.esp\n\n%s",
		    b->prefix);
		fuzzer_esp_script(c, so, &o);
		if (so->probe)
			out_probe(&o, so);
		return o.over ? -1 : 0;
	}
	out_add(&o, "rfc 7296 2.21\n\n%s%s: %s", b->prefix, b->send,
	    b->sk ? "SK(" : "");
	for (i = 0; i < n; i++)
		if (strcmp(l[i], REKEY_SA) == 0)
			out_add(&o, "%sSA(ike: %s)", i ? ", " : "", so->ike_proposal ?
			    so->ike_proposal : "AES_GCM_16/256 HMAC_SHA2_256 ECP_256");
		else
			out_add(&o, "%s%s", i ? ", " : "", l[i]);
	out_add(&o, "%s\n", b->sk ? ")" : "");
	for (i = 0; i < c->nops; i++)
		if (!c->ops[i].off && c->ops[i].kind == FUZZER_OP_SET)
			out_add(&o, "    set %s = %s\n", c->ops[i].path,
			    c->ops[i].value);
	/* any response: an IUT may answer an unknown exchange type in kind */
	out_add(&o, "expect any response within %ums or silence\n", so->wait_ms);
	if (so->probe)
		out_probe(&o, so);
	return o.over ? -1 : 0;
}

int fuzzer_probe_script(const struct fuzzer_script_opts *so, char *buf,
    size_t buflen)
{
	struct outbuf o = { buf, 0, buflen, buflen == 0 };

	out_add(&o, "test \"fuzz probe: the IUT answers\"\nrfc 7296 2.21\n\n");
	out_probe(&o, so);
	return o.over ? -1 : 0;
}
