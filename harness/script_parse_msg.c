/* script_parse_msg: the parts of statements that describe messages: values,
 * field paths, durations and timing, payload lists (send, establish) and
 * matchers (expect). */
#include "script_int.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "err.h"
#include "names.h"

/* ------------------------------------------------------------------ */
/* Values, paths, durations                                            */

/* A word or dotted number with an adjacent "/NUMBER": AES_CBC/256,
 * 192.0.2.0/24. Returns how many tokens it spans (1 or 3). */
static size_t slashed(struct script_parser *p)
{
	struct script_tok *s = sp_peek_at(p, 1), *n = sp_peek_at(p, 2);

	if (s->kind == TOK_SLASH && !s->space_before && n->kind == TOK_NUMBER &&
	    !n->dotted && !n->space_before)
		return 3;
	return 1;
}

static int one_value(struct script_parser *p, struct script_value **out)
{
	struct script_tok *t = sp_peek(p);
	struct script_value *v = sp_new(p, sizeof(*v));
	size_t span = 1, i;
	char buf[64];
	char *s;

	if (v == NULL)
		return -1;
	v->pos = sp_pos(t);
	switch (t->kind) {
	case TOK_NUMBER:
		v->kind = t->dotted ? SCRIPT_V_WORD : SCRIPT_V_NUMBER;
		v->num = t->num;
		span = t->dotted ? slashed(p) : 1;
		break;
	case TOK_WORD:
		v->kind = SCRIPT_V_WORD;
		span = slashed(p);
		break;
	case TOK_HEX:
		v->kind = SCRIPT_V_HEX;
		v->num = t->num;
		break;
	case TOK_STRING:
		v->kind = SCRIPT_V_STRING;
		v->text = t->str;
		v->len = t->str_len;
		sp_next(p);
		*out = v;
		return 0;
	case TOK_VAR:
		v->kind = SCRIPT_V_VAR;
		if (sp_var_use(p, t, false, &v->text) < 0)
			return -1;
		v->len = strlen(v->text);
		sp_next(p);
		*out = v;
		return 0;
	case TOK_DURATION:
		return sp_err(p, t, "a duration is not a field value here");
	case TOK_EOF: case TOK_NEWLINE: case TOK_PERCENT: case TOK_LPAREN:
	case TOK_RPAREN: case TOK_LBRACE: case TOK_RBRACE: case TOK_LBRACKET:
	case TOK_RBRACKET: case TOK_COMMA: case TOK_COLON: case TOK_DOT:
	case TOK_DOTDOT: case TOK_EQ: case TOK_EQEQ: case TOK_NE: case TOK_LT:
	case TOK_LE: case TOK_GT: case TOK_GE: case TOK_PIPE: case TOK_SLASH:
	case TOK_PLUSMINUS:
		return sp_err(p, t, "expected a value (number, 0x hex, \"string\", name or $variable), got %s",
		    sp_tok_desc(t, buf, sizeof(buf)));
	}
	s = script_arena_strndup(p->a, t->start, span == 3 ?
	    (size_t)(sp_peek_at(p, 2)->start + sp_peek_at(p, 2)->len - t->start) :
	    t->len);
	if (s == NULL)
		return sp_err(p, t, "out of memory");
	if (v->kind == SCRIPT_V_HEX)
		for (i = 0; s[i]; i++)
			s[i] = (char)tolower((unsigned char)s[i]);
	v->text = s;
	v->len = strlen(s);
	p->i += span;
	*out = v;
	return 0;
}

int sp_value(struct script_parser *p, bool oneof, struct script_value **out)
{
	struct script_value *first, *v, **tail;
	struct script_tok *bar;

	if (one_value(p, &first) < 0)
		return -1;
	if (!sp_is(p, TOK_PIPE)) {
		*out = first;
		return 0;
	}
	if (!oneof)
		return sp_err(p, sp_peek(p), "alternatives (A|B) are for expectations, not for what is sent");
	if ((v = sp_new(p, sizeof(*v))) == NULL)
		return -1;
	v->kind = SCRIPT_V_ONEOF;
	v->pos = first->pos;
	v->alts = first;
	tail = &first->next;
	while ((bar = sp_peek(p))->kind == TOK_PIPE) {
		sp_next(p);
		if (one_value(p, tail) < 0)
			return -1;
		tail = &(*tail)->next;
	}
	*out = v;
	return 0;
}

enum { PATH_MAX_TEXT = 256 };

static int path_append(struct script_parser *p, char *buf, size_t *n,
    const char *s, size_t len)
{
	if (*n + len >= PATH_MAX_TEXT)
		return sp_err(p, sp_peek(p), "field path longer than %d characters",
		    PATH_MAX_TEXT);
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
	return 0;
}

/* One segment: name, name(SELECTOR), name[INDEX], name(SELECTOR)[INDEX]. */
static int path_segment(struct script_parser *p, char *buf, size_t *n)
{
	struct script_tok *t = sp_peek(p), *s;
	char tmp[24];

	if (t->kind != TOK_WORD)
		return sp_err(p, t, "expected a field path like hdr.flags or SA.proposal[1].transform[2].id");
	if (path_append(p, buf, n, t->start, t->len) < 0)
		return -1;
	sp_next(p);
	if (sp_is(p, TOK_LPAREN) && !sp_peek(p)->space_before) {
		sp_next(p);
		s = sp_peek(p);
		if ((s->kind != TOK_WORD && s->kind != TOK_NUMBER) || s->dotted)
			return sp_err(p, s, "expected a type name in the selector, as in N(COOKIE).data");
		if (path_append(p, buf, n, "(", 1) < 0 ||
		    path_append(p, buf, n, s->start, s->len) < 0 ||
		    path_append(p, buf, n, ")", 1) < 0)
			return -1;
		sp_next(p);
		if (sp_expect(p, TOK_RPAREN, "`)' after the selector") < 0)
			return -1;
	}
	if (sp_is(p, TOK_LBRACKET) && !sp_peek(p)->space_before) {
		sp_next(p);
		s = sp_peek(p);
		if (s->kind != TOK_NUMBER || s->dotted || s->num == 0 ||
		    s->num > 65535)
			return sp_err(p, s, "an index is a number from 1 (the first) to 65535");
		snprintf(tmp, sizeof(tmp), "[%u]", (unsigned)s->num);
		if (path_append(p, buf, n, tmp, strlen(tmp)) < 0)
			return -1;
		sp_next(p);
		if (sp_expect(p, TOK_RBRACKET, "`]' after the index") < 0)
			return -1;
	}
	return 0;
}

/* The path against the codec, the error at the token of its bad part
 * (the tokens of a path touch, so an offset in the text is one in the
 * source). */
static int check_path(struct script_parser *p, size_t first,
    const char *path)
{
	struct err e;
	size_t at, i;

	if (sp_check_path(path, &at, &e) == 0)
		return 0;
	for (i = first; i + 1 < p->i &&
	    p->t[i + 1].start - p->t[first].start <= (ptrdiff_t)at; i++)
		;
	return sp_err(p, &p->t[i], "%s", e.text);
}

int sp_path(struct script_parser *p, const char **out)
{
	char buf[PATH_MAX_TEXT];
	size_t n = 0, first = p->i;
	struct script_tok *d;

	buf[0] = '\0';
	if (path_segment(p, buf, &n) < 0)
		return -1;
	while ((d = sp_peek(p))->kind == TOK_DOT && !d->space_before) {
		sp_next(p);
		if (sp_peek(p)->space_before)
			return sp_err(p, sp_peek(p), "no blank inside a field path");
		if (path_append(p, buf, &n, ".", 1) < 0 ||
		    path_segment(p, buf, &n) < 0)
			return -1;
	}
	if (check_path(p, first, buf) < 0)
		return -1;
	if ((*out = script_arena_strndup(p->a, buf, n)) == NULL)
		return sp_err(p, d, "out of memory");
	return 0;
}

int sp_duration(struct script_parser *p, script_us *out)
{
	struct script_tok *t = sp_peek(p);
	char buf[64];

	if (t->kind == TOK_DURATION) {
		*out = t->num;
		sp_next(p);
		return 0;
	}
	if (t->kind == TOK_NUMBER)
		return sp_err(p, t, "a duration needs a unit: %.*ss, %.*sms or %.*sus",
		    (int)t->len, t->start, (int)t->len, t->start, (int)t->len,
		    t->start);
	return sp_err(p, t, "expected a duration like 2s, 500ms, 250us or 1.5s, got %s",
	    sp_tok_desc(t, buf, sizeof(buf)));
}

static int positive_duration(struct script_parser *p, script_us *out)
{
	struct script_tok *t = sp_peek(p);

	if (sp_duration(p, out) < 0)
		return -1;
	if (*out == 0)
		return sp_err(p, t, "a zero duration");
	return 0;
}

int sp_tolerance(struct script_parser *p, struct script_timing *tm)
{
	struct script_tok *t;

	if (!sp_accept(p, TOK_PLUSMINUS)) {
		tm->kind = SCRIPT_T_NONE;
		return 0;
	}
	t = sp_peek(p);
	if (t->kind == TOK_PERCENT) {
		if (t->num > 10000)
			return sp_err(p, t, "a tolerance above 100%%");
		tm->kind = SCRIPT_T_PERCENT;
		tm->pct_x100 = (unsigned)t->num;
		sp_next(p);
		return 0;
	}
	tm->kind = SCRIPT_T_ABS;
	if (t->kind != TOK_DURATION)
		return sp_err(p, t, "expected a tolerance like ±10%% or ±100ms");
	return sp_duration(p, &tm->tol);
}

/* within D | after D | after D..D | after D ±P% | after D ±D */
int sp_timing(struct script_parser *p, struct script_timing *tm)
{
	struct script_tok *t;

	tm->kind = SCRIPT_T_NONE;
	if (sp_accept_word(p, "within")) {
		tm->kind = SCRIPT_T_WITHIN;
		return positive_duration(p, &tm->at);
	}
	if (!sp_accept_word(p, "after"))
		return 0;
	if (sp_duration(p, &tm->at) < 0)
		return -1;
	if (sp_accept(p, TOK_DOTDOT)) {
		t = sp_peek(p);
		tm->kind = SCRIPT_T_RANGE;
		tm->lo = tm->at;
		if (sp_duration(p, &tm->hi) < 0)
			return -1;
		if (tm->hi < tm->lo)
			return sp_err(p, t, "the range ends before it starts");
		tm->at = 0;
		return 0;
	}
	if (sp_tolerance(p, tm) < 0)
		return -1;
	if (tm->kind == SCRIPT_T_NONE)
		tm->kind = SCRIPT_T_AFTER;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Payloads                                                            */

/* A payload name a script writes, and the codec struct that has its
 * arguments (codec_tables.c). */
struct pl_spec {
	const char *name;
	unsigned type;
	const struct codec_struct *st;
	const struct codec_key *positional;	/* first without key=, or NULL */
};

static bool spec_find(const struct script_tok *t, struct pl_spec *out)
{
	const struct codec_script_payload *s;

	if (t->kind != TOK_WORD)
		return false;
	for (s = codec_script_payloads; s->name != NULL; s++)
		if (strlen(s->name) == t->len &&
		    strncasecmp(s->name, t->start, t->len) == 0) {
			out->name = s->name;
			out->type = s->ptype;
			out->st = codec_struct_of_payload(s->ptype);
			out->positional = codec_key_at(out->st, 1);
			return true;
		}
	return false;
}

/* The key an argument is for: its own, or the positional one. */
static const char *arg_key(const struct pl_spec *sp, const struct script_arg *a)
{
	return a->key ? a->key : sp->positional->key;
}

/* Every argument may be positional (TSi, TSr). */
static bool positional_many(const struct pl_spec *sp)
{
	return sp->positional != NULL && sp->positional->many;
}

/* A sent payload needs its positional type (N, PAYLOAD). */
static bool needs_type(const struct pl_spec *sp)
{
	return sp->positional != NULL && sp->positional->required;
}

/* "did you mean" over the payload names a script writes. */
static const char *spec_suggest(const struct script_tok *t)
{
	return names_suggest_rows(t->start, t->len, codec_script_payloads,
	    sizeof(codec_script_payloads[0]));
}

static int check_word(struct script_parser *p, const struct script_value *v,
    int table, const char *what)
{
	unsigned x;

	if (v->kind == SCRIPT_V_ONEOF) {
		for (v = v->alts; v != NULL; v = v->next)
			if (check_word(p, v, table, what) < 0)
				return -1;
		return 0;
	}
	if (v->kind == SCRIPT_V_WORD &&
	    names_parse(table, v->text, v->len, &x) < 0) {
		struct script_tok t = { .line = v->pos.line, .col = v->pos.col };
		const char *hint = names_suggest_table(table, v->text, v->len);

		return sp_err(p, &t, "`%s' is not a known %s (%s)%s%s%s", v->text,
		    names_title(table), what, hint ? " (did you mean `" : "",
		    hint ? hint : "", hint ? "'?)" : "");
	}
	if (v->kind == SCRIPT_V_STRING) {
		struct script_tok t = { .line = v->pos.line, .col = v->pos.col };
		return sp_err(p, &t, "%s is a %s, not a string", what,
		    names_title(table));
	}
	return 0;
}

static int parse_arg(struct script_parser *p, const struct pl_spec *sp,
    bool matching, bool first, struct script_arg **out)
{
	struct script_tok *t = sp_peek(p);
	struct script_arg *a = sp_new(p, sizeof(*a));
	struct script_value **tail;
	const struct codec_key *ks;
	const char *key;
	int table;

	if (a == NULL)
		return -1;
	a->pos = sp_pos(t);
	if (t->kind == TOK_WORD && sp_peek_at(p, 1)->kind == TOK_EQ) {
		if ((a->key = sp_text(p, t)) == NULL)
			return -1;
		if (codec_key_find(sp->st, a->key) == NULL)
			return sp_err(p, t, "%s has no argument `%s'", sp->name,
			    a->key);
		p->i += 2;
	} else if (sp->positional == NULL ||
	    !(first || positional_many(sp))) {
		return sp_err(p, t, "%s takes key=value arguments here", sp->name);
	}
	key = arg_key(sp, a);
	ks = codec_key_find(sp->st, key);
	tail = &a->values;
	do {
		if (sp_value(p, matching, tail) < 0)
			return -1;
		tail = &(*tail)->next;
	} while (!sp_is(p, TOK_COMMA) && !sp_is(p, TOK_RPAREN) &&
	    (a->key == NULL || (ks != NULL && ks->many && !matching)));
	if (matching && a->key != NULL && ks != NULL && ks->many &&
	    !sp_is(p, TOK_COMMA) && !sp_is(p, TOK_RPAREN))
		return sp_err(p, sp_peek(p), "a matcher names one %s per payload: %s(%s=A), %s(%s=B) both hold when one payload has both",
		    key, sp->name, key, sp->name, key);
	table = ks != NULL ? codec_key_names(sp->st, ks) : -1;
	if (table >= 0 && check_word(p, a->values, table, key) < 0)
		return -1;
	*out = a;
	return 0;
}

static int check_args(struct script_parser *p, const struct pl_spec *sp,
    const struct script_tok *name, struct script_payload *pl, bool matching)
{
	struct script_arg *a, *b;
	const char *ka, *kb;
	bool typed = false;

	for (a = pl->args; a != NULL; a = a->next) {
		ka = arg_key(sp, a);
		if (sp->positional && strcmp(ka, sp->positional->key) == 0)
			typed = true;
		for (b = a->next; b != NULL && !positional_many(sp);
		    b = b->next) {
			kb = arg_key(sp, b);
			if (strcmp(ka, kb) == 0) {
				struct script_tok t = { .line = b->pos.line,
				    .col = b->pos.col };
				return sp_err(p, &t, "%s: `%s' given twice",
				    sp->name, ka);
			}
		}
	}
	if (needs_type(sp) && !typed && !matching)
		return sp_err(p, name, "%s needs its type: %s", sp->name,
		    pl->type == PL_N ? "N(COOKIE, data=...)" :
		    "PAYLOAD(type=200, critical=1, data=0x0102)");
	return 0;
}

/* One transform: AES_CBC/256, HMAC_SHA2_256, PRF_HMAC_SHA2_256, ECP_256. */
static int parse_transform(struct script_parser *p, struct script_transform **out)
{
	struct script_tok *t = sp_peek(p);
	struct script_transform *x = sp_new(p, sizeof(*x));
	unsigned id, type;
	size_t found = 0;

	if (x == NULL)
		return -1;
	if (t->kind != TOK_WORD)
		return sp_err(p, t, "expected a transform name like AES_GCM_16/256, HMAC_SHA2_256 or ECP_256");
	for (type = TT_ENCR; type <= TT_ESN; type++)
		if (names_parse(codec_transform_id_names(type), t->start,
		    t->len, &id) == 0) {
			x->type = type;
			x->id = id;
			found++;
		}
	if (found == 0) {
		const char *hint = NULL;

		for (type = TT_ENCR; type <= TT_ESN && hint == NULL; type++)
			hint = names_suggest_table(codec_transform_id_names(type),
			    t->start, t->len);
		return sp_err(p, t, "unknown transform `%.*s'%s%s%s", (int)t->len,
		    t->start, hint ? " (did you mean `" : "", hint ? hint : "",
		    hint ? "'?)" : "");
	}
	if (found > 1)
		return sp_err(p, t, "`%.*s' names transforms of several types: write INTEG_%.*s or DH_%.*s",
		    (int)t->len, t->start, (int)t->len, t->start, (int)t->len,
		    t->start);
	x->pos = sp_pos(t);
	if (slashed(p) == 3) {
		struct script_tok *k = sp_peek_at(p, 2);
		if (x->type != TT_ENCR)
			return sp_err(p, k, "a key length goes after a cipher only");
		if (k->num == 0 || k->num > 65535)
			return sp_err(p, k, "key length out of range");
		x->keylen = (unsigned)k->num;
		p->i += 2;
	}
	sp_next(p);
	*out = x;
	return 0;
}

static int parse_proposal(struct script_parser *p, unsigned *proto,
    struct script_proposal **out)
{
	static const struct { const char *w; unsigned proto; } protos[] = {
		{ "ike", PROTO_IKE }, { "esp", PROTO_ESP }, { "ah", PROTO_AH },
	};
	struct script_proposal *pr = sp_new(p, sizeof(*pr));
	struct script_transform **tail;
	size_t i;

	if (pr == NULL)
		return -1;
	pr->pos = sp_pos(sp_peek(p));
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (sp_is_word(p, protos[i].w) &&
		    sp_peek_at(p, 1)->kind == TOK_COLON) {
			*proto = protos[i].proto;
			p->i += 2;
		}
	pr->protocol = *proto;
	tail = &pr->transforms;
	while (sp_is(p, TOK_WORD)) {
		if (parse_transform(p, tail) < 0)
			return -1;
		tail = &(*tail)->next;
	}
	if (pr->transforms == NULL)
		return sp_err(p, sp_peek(p), "a proposal needs at least one transform");
	*out = pr;
	return 0;
}

static int parse_sa_args(struct script_parser *p, struct script_payload *pl)
{
	struct script_proposal **tail = &pl->proposals;
	unsigned proto = PROTO_IKE;

	do {
		if (parse_proposal(p, &proto, tail) < 0)
			return -1;
		tail = &(*tail)->next;
	} while (sp_accept(p, TOK_COMMA));
	return 0;
}

static int parse_args(struct script_parser *p, const struct pl_spec *sp,
    bool matching, struct script_payload *pl)
{
	struct script_arg **tail = &pl->args;
	bool first = true;

	if (sp_is(p, TOK_RPAREN))
		return 0;
	do {
		if (parse_arg(p, sp, matching, first, tail) < 0)
			return -1;
		tail = &(*tail)->next;
		first = false;
	} while (sp_accept(p, TOK_COMMA));
	return 0;
}

static int parse_payload(struct script_parser *p, bool matching,
    struct script_payload **out)
{
	struct script_tok *t = sp_peek(p);
	struct pl_spec spec, *sp = &spec;
	struct script_payload *pl;
	const char *hint;
	int rc;

	if (!spec_find(t, sp)) {
		hint = t->kind == TOK_WORD ? spec_suggest(t) : NULL;
		return sp_err(p, t, "unknown payload `%.*s'%s%s%s (unknown types: PAYLOAD(type=N, ...))",
		    (int)t->len, t->start, hint ? ", did you mean `" : "",
		    hint ? hint : "", hint ? "'?" : "");
	}
	if ((pl = sp_new(p, sizeof(*pl))) == NULL)
		return -1;
	pl->name = sp->name;
	pl->type = sp->type;
	pl->pos = sp_pos(t);
	sp_next(p);
	if (!sp_is(p, TOK_LPAREN) || sp_peek(p)->space_before) {
		if (needs_type(sp) && !matching)
			return check_args(p, sp, t, pl, matching);
		*out = pl;
		return 0;
	}
	sp_next(p);
	pl->has_args = true;
	if (sp->type == PL_SK) {
		if (matching)
			return sp_err(p, t, "match the payloads inside SK directly (they are decrypted)");
		if (p->in_sk)
			return sp_err(p, t, "SK inside SK");
		p->in_sk = true;
		/* SK(): an empty SK, as a liveness check sends. */
		rc = sp_is(p, TOK_RPAREN) ? 0 :
		    sp_payloads(p, false, &pl->inner);
		p->in_sk = false;
		if (rc < 0)
			return -1;
	} else if (sp->type == PL_SA) {
		if (parse_sa_args(p, pl) < 0)
			return -1;
	} else if (parse_args(p, sp, matching, pl) < 0 ||
	    check_args(p, sp, t, pl, matching) < 0) {
		return -1;
	}
	if (sp_expect(p, TOK_RPAREN, "`)' to close the payload's arguments") < 0)
		return -1;
	*out = pl;
	return 0;
}

static bool payload_next(struct script_parser *p)
{
	struct pl_spec sp;

	return spec_find(sp_peek(p), &sp);
}

/* payload {[,] payload}: what is sent, in this order. */
int sp_payloads(struct script_parser *p, bool matching,
    struct script_payload **out)
{
	struct script_payload **tail = out;

	for (;;) {
		if (parse_payload(p, matching, tail) < 0)
			return -1;
		tail = &(*tail)->next;
		if (sp_accept(p, TOK_COMMA))
			continue;
		if (!payload_next(p))
			return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Matchers                                                            */

/* Index of the token after a path-like run: WORD, (...), [...], .WORD. */
static size_t path_end(struct script_parser *p)
{
	size_t i = p->i, depth;

	if (p->t[i].kind != TOK_WORD)
		return i;
	for (i++; i < p->n; ) {
		enum script_tok_kind k = p->t[i].kind;
		if (p->t[i].space_before)
			break;
		if (k == TOK_LPAREN || k == TOK_LBRACKET) {
			enum script_tok_kind close = k == TOK_LPAREN ?
			    TOK_RPAREN : TOK_RBRACKET;
			for (depth = 0; i < p->n; i++) {
				if (p->t[i].kind == k)
					depth++;
				else if (p->t[i].kind == close && --depth == 0)
					break;
				else if (p->t[i].kind == TOK_EOF)
					return i;
			}
			i++;
		} else if (k == TOK_DOT && i + 1 < p->n &&
		    p->t[i + 1].kind == TOK_WORD) {
			i += 2;
		} else {
			break;
		}
	}
	return i;
}

static int parse_cmp(struct script_parser *p, enum script_cmp *c)
{
	static const struct { enum script_tok_kind k; enum script_cmp c; } m[] = {
		{ TOK_EQ, SCRIPT_CMP_EQ }, { TOK_EQEQ, SCRIPT_CMP_EQ },
		{ TOK_NE, SCRIPT_CMP_NE }, { TOK_LT, SCRIPT_CMP_LT },
		{ TOK_LE, SCRIPT_CMP_LE }, { TOK_GT, SCRIPT_CMP_GT },
		{ TOK_GE, SCRIPT_CMP_GE },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (sp_accept(p, m[i].k)) {
			*c = m[i].c;
			return 0;
		}
	return -1;
}

static int parse_either(struct script_parser *p, struct script_matcher *m)
{
	struct script_group **tail = &m->groups;
	struct script_group *g;
	int rc, n = 0;

	if (p->depth >= SCRIPT_MAX_DEPTH)
		return sp_err(p, sp_peek(p), "either nested too deeply");
	do {
		if ((g = sp_new(p, sizeof(*g))) == NULL)
			return -1;
		g->pos = sp_pos(sp_peek(p));
		if (sp_expect(p, TOK_LPAREN, "`(' around each alternative: either (...) or (...)") < 0)
			return -1;
		p->depth++;
		rc = sp_matchers(p, &g->matchers);
		p->depth--;
		if (rc < 0 || sp_expect(p, TOK_RPAREN, "`)' to close the alternative") < 0)
			return -1;
		*tail = g;
		tail = &g->next;
		n++;
	} while (sp_accept_word(p, "or"));
	if (n < 2)
		return sp_err(p, sp_peek(p), "either needs at least two alternatives: either (...) or (...)");
	return 0;
}

static int parse_order(struct script_parser *p, struct script_matcher *m)
{
	struct script_payload **tail = &m->payload;
	int n = 0;

	while (sp_is(p, TOK_WORD)) {
		struct pl_spec spec, *sp = &spec;
		struct script_payload *pl;

		if (!spec_find(sp_peek(p), sp))
			return parse_payload(p, true, tail);
		if ((pl = sp_new(p, sizeof(*pl))) == NULL)
			return -1;
		pl->name = sp->name;
		pl->type = sp->type;
		pl->pos = sp_pos(sp_next(p));
		*tail = pl;
		tail = &pl->next;
		n++;
	}
	if (n < 2)
		return sp_err(p, sp_peek(p), "order names two payloads or more: order SA KE Nr");
	return 0;
}

static int parse_offered(struct script_parser *p, struct script_matcher *m)
{
	struct script_tok *t = sp_peek(p);

	if (sp_accept_word(p, "one")) {
		m->kind = SCRIPT_M_ONE_OF_OFFERED;
		if (m->payload->type != PL_SA)
			return sp_err(p, t, "`one of offered' is for SA; use subset of offered for TSi/TSr");
	} else {
		sp_next(p);
		m->kind = SCRIPT_M_SUBSET_OF_OFFERED;
		if (m->payload->type != PL_TSi && m->payload->type != PL_TSr)
			return sp_err(p, t, "`subset of offered' is for TSi and TSr");
	}
	if (m->payload->has_args)
		return sp_err(p, t, "write the payload name alone before `%s of offered'",
		    m->kind == SCRIPT_M_ONE_OF_OFFERED ? "one" : "subset");
	if (sp_expect_word(p, "of") < 0 || sp_expect_word(p, "offered") < 0)
		return -1;
	return 0;
}

/* count PAYLOAD CMP N: how many payloads of the view match PAYLOAD (as a
 * presence matcher would), e.g. count KE = 1, count N(COOKIE) <= 1. */
static int parse_count(struct script_parser *p, struct script_matcher *m)
{
	struct script_tok *kw = sp_next(p), *t;

	m->kind = SCRIPT_M_COUNT;
	if (sp_is(p, TOK_LPAREN) && !sp_peek(p)->space_before)
		return sp_err(p, kw, "the count matcher is `count KE = 1' (the payload after a blank, no parentheses around it)");
	if (!sp_is(p, TOK_WORD))
		return sp_err(p, sp_peek(p), "expected a payload to count: count KE = 1");
	if (parse_payload(p, true, &m->payload) < 0)
		return -1;
	t = sp_peek(p);
	if (parse_cmp(p, &m->cmp) < 0)
		return sp_err(p, t, "expected a comparison after count %s: = != < <= > >=",
		    m->payload->name);
	t = sp_peek(p);
	if (sp_value(p, false, &m->value) < 0)
		return -1;
	if (m->value->kind != SCRIPT_V_NUMBER || m->value->num > 65535)
		return sp_err(p, t, "a count is a number (0..65535): count KE = 1");
	return 0;
}

static int parse_matcher(struct script_parser *p, struct script_matcher **out)
{
	struct script_tok *t = sp_peek(p), *after;
	struct script_matcher *m = sp_new(p, sizeof(*m));

	if (m == NULL)
		return -1;
	m->pos = sp_pos(t);
	*out = m;
	if (sp_accept_word(p, "no")) {
		m->kind = SCRIPT_M_ABSENT;
		return parse_payload(p, true, &m->payload);
	}
	if (sp_accept_word(p, "nothing")) {
		m->kind = SCRIPT_M_NOTHING_ELSE;
		return sp_expect_word(p, "else");
	}
	if (sp_accept_word(p, "order")) {
		m->kind = SCRIPT_M_ORDER;
		return parse_order(p, m);
	}
	if (sp_accept_word(p, "same")) {
		m->kind = SCRIPT_M_SAME_BYTES;
		if (sp_expect_word(p, "bytes") < 0 || sp_expect_word(p, "as") < 0)
			return -1;
		if (!sp_is(p, TOK_VAR))
			return sp_err(p, sp_peek(p), "expected a captured message: same bytes as $first");
		if (sp_var_use(p, sp_peek(p), true, &m->var) < 0)
			return -1;
		sp_next(p);
		return 0;
	}
	if (sp_accept_word(p, "either")) {
		m->kind = SCRIPT_M_EITHER;
		return parse_either(p, m);
	}
	if (sp_is_word(p, "count"))
		return parse_count(p, m);
	after = &p->t[path_end(p)];
	if (after->kind >= TOK_EQ && after->kind <= TOK_GE) {
		m->kind = SCRIPT_M_COMPARE;
		if (sp_path(p, &m->path) < 0 || parse_cmp(p, &m->cmp) < 0)
			return -1;
		return sp_value(p, true, &m->value);
	}
	for (size_t i = p->i; &p->t[i] < after; i++)
		if (p->t[i].kind == TOK_DOT)
			return sp_err(p, t, "a field path needs a comparison: %.*s = VALUE",
			    (int)(after[-1].start + after[-1].len - t->start),
			    t->start);
	m->kind = SCRIPT_M_PRESENT;
	if (parse_payload(p, true, &m->payload) < 0)
		return -1;
	if (sp_is_word(p, "one") || sp_is_word(p, "subset"))
		return parse_offered(p, m);
	if (sp_is(p, TOK_DOT) && !sp_peek(p)->space_before)
		return sp_err(p, t, "a field path needs a comparison: %.*s... = VALUE",
		    (int)t->len, t->start);
	return 0;
}

int sp_matchers(struct script_parser *p, struct script_matcher **out)
{
	struct script_matcher **tail = out;

	do {
		if (parse_matcher(p, tail) < 0)
			return -1;
		tail = &(*tail)->next;
	} while (sp_accept(p, TOK_COMMA));
	return 0;
}
