/* script_parse: the recursive-descent parser of the test language: the
 * statements (metadata and events). Payloads, matchers, values and timing
 * are in script_parse_msg.c. */
#include "script_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "names.h"
#include "profile.h"

/* ------------------------------------------------------------------ */
/* Token helpers                                                       */

struct script_tok *sp_peek(struct script_parser *p)
{
	return &p->t[p->i];
}

struct script_tok *sp_peek_at(struct script_parser *p, size_t ahead)
{
	size_t i = p->i + ahead;

	return &p->t[i < p->n ? i : p->n - 1];
}

/* Never moves past the final TOK_EOF. */
struct script_tok *sp_next(struct script_parser *p)
{
	struct script_tok *t = &p->t[p->i];

	if (p->i + 1 < p->n)
		p->i++;
	return t;
}

bool sp_is(struct script_parser *p, enum script_tok_kind k)
{
	return sp_peek(p)->kind == k;
}

bool sp_tok_is_word(const struct script_tok *t, const char *w)
{
	return t->kind == TOK_WORD && t->len == strlen(w) &&
	    memcmp(t->start, w, t->len) == 0;
}

bool sp_is_word(struct script_parser *p, const char *w)
{
	return sp_tok_is_word(sp_peek(p), w);
}

bool sp_accept(struct script_parser *p, enum script_tok_kind k)
{
	if (!sp_is(p, k))
		return false;
	sp_next(p);
	return true;
}

bool sp_accept_word(struct script_parser *p, const char *w)
{
	if (!sp_is_word(p, w))
		return false;
	sp_next(p);
	return true;
}

struct script_pos sp_pos(const struct script_tok *t)
{
	return (struct script_pos){ t->line, t->col };
}

const char *sp_tok_desc(const struct script_tok *t, char *buf, size_t size)
{
	size_t i, n = t->len < 40 ? t->len : 40;

	switch (t->kind) {
	case TOK_EOF:
	case TOK_NEWLINE:
		return script_tok_name(t->kind);
	case TOK_WORD: case TOK_VAR: case TOK_NUMBER: case TOK_DURATION:
	case TOK_PERCENT: case TOK_HEX: case TOK_STRING: case TOK_LPAREN:
	case TOK_RPAREN: case TOK_LBRACE: case TOK_RBRACE: case TOK_LBRACKET:
	case TOK_RBRACKET: case TOK_COMMA: case TOK_COLON: case TOK_DOT:
	case TOK_DOTDOT: case TOK_EQ: case TOK_EQEQ: case TOK_NE: case TOK_LT:
	case TOK_LE: case TOK_GT: case TOK_GE: case TOK_PIPE: case TOK_SLASH:
	case TOK_PLUSMINUS:
		break;
	}
	if (size < n + 3)
		return "token";
	buf[0] = '`';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t->start[i];
		buf[i + 1] = c >= 32 && c < 127 ? (char)c : '?';
	}
	buf[n + 1] = '\'';
	buf[n + 2] = '\0';
	return buf;
}

int sp_err(struct script_parser *p, const struct script_tok *t,
    const char *fmt, ...)
{
	char msg[ERR_TEXT_MAX];
	va_list ap;

	int line = t->line, col = t->col;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Something missing at the end of a line: point just after the last
	 * token rather than at the start of the next line. */
	if ((t->kind == TOK_NEWLINE || t->kind == TOK_EOF) && p->t != NULL &&
	    t == &p->t[p->i] && p->i > 0) {
		line = p->t[p->i - 1].line;
		col = p->t[p->i - 1].col + (int)p->t[p->i - 1].len;
	}
	return err_set(p->e, "%s:%d:%d: %s", p->path, line, col, msg);
}

int sp_expect(struct script_parser *p, enum script_tok_kind k,
    const char *what)
{
	char buf[64];

	if (sp_accept(p, k))
		return 0;
	return sp_err(p, sp_peek(p), "expected %s, got %s", what,
	    sp_tok_desc(sp_peek(p), buf, sizeof(buf)));
}

int sp_expect_word(struct script_parser *p, const char *w)
{
	char buf[64];

	if (sp_accept_word(p, w))
		return 0;
	return sp_err(p, sp_peek(p), "expected `%s', got %s", w,
	    sp_tok_desc(sp_peek(p), buf, sizeof(buf)));
}

void *sp_new(struct script_parser *p, size_t n)
{
	void *m = script_arena_alloc(p->a, n);

	if (m == NULL)
		sp_err(p, sp_peek(p), "out of memory");
	return m;
}

char *sp_text(struct script_parser *p, const struct script_tok *t)
{
	char *s = script_arena_strndup(p->a, t->start, t->len);

	if (s == NULL)
		sp_err(p, t, "out of memory");
	return s;
}

bool sp_at_statement_end(struct script_parser *p)
{
	return sp_is(p, TOK_NEWLINE) || sp_is(p, TOK_EOF) ||
	    sp_is(p, TOK_RBRACE);
}

/* ------------------------------------------------------------------ */
/* Variables                                                           */

static struct script_var *var_find(struct script_parser *p, const char *name,
    size_t len)
{
	struct script_var *v;

	for (v = p->vars; v != NULL; v = v->next)
		if (strlen(v->name) == len && memcmp(v->name, name, len) == 0)
			return v;
	return NULL;
}

int sp_var_define(struct script_parser *p, const struct script_tok *t,
    bool message, const char **name)
{
	struct script_var *v = var_find(p, t->start + 1, t->len - 1);

	if (v != NULL)
		return sp_err(p, t, "$%s is already defined at line %d",
		    v->name, v->pos.line);
	v = sp_new(p, sizeof(*v));
	if (v == NULL || (v->name = script_arena_strndup(p->a, t->start + 1,
	    t->len - 1)) == NULL)
		return sp_err(p, t, "out of memory");
	v->message = message;
	v->pos = sp_pos(t);
	v->next = p->vars;
	p->vars = v;
	*name = v->name;
	return 0;
}

int sp_var_use(struct script_parser *p, const struct script_tok *t,
    bool need_message, const char **name)
{
	struct script_var *v = var_find(p, t->start + 1, t->len - 1);

	if (v == NULL)
		return sp_err(p, t, "undefined variable %.*s (capture or let it first)",
		    (int)t->len, t->start);
	if (need_message && !v->message)
		return sp_err(p, t, "$%s is not a message (define it with `capture $%s = message')",
		    v->name, v->name);
	*name = v->name;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

static int parse_events(struct script_parser *p, bool block,
    struct script_event **out);

static int parse_exchange(struct script_parser *p, unsigned *x)
{
	struct script_tok *t = sp_peek(p);
	static const char *const exch[] = {
		"IKE_SA_INIT", "IKE_AUTH", "CREATE_CHILD_SA", "INFORMATIONAL",
		"IKE_INTERMEDIATE", "IKE_FOLLOWUP_KE", NULL,
	};
	const char *hint;

	if ((t->kind == TOK_WORD || (t->kind == TOK_NUMBER && !t->dotted)) &&
	    names_parse(NAMES_T_EXCHANGE, t->start, t->len, x) == 0 &&
	    *x <= 255) {
		sp_next(p);
		return 0;
	}
	hint = t->kind == TOK_WORD ? names_suggest(t->start, t->len, exch) : NULL;
	return sp_err(p, t, "expected an exchange type (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL or a number)%s%s%s",
	    hint ? ", did you mean `" : "", hint ? hint : "", hint ? "'?" : "");
}

static void parse_dir(struct script_parser *p, enum script_dir *dir)
{
	if (sp_accept_word(p, "request"))
		*dir = SCRIPT_DIR_REQUEST;
	else if (sp_accept_word(p, "response"))
		*dir = SCRIPT_DIR_RESPONSE;
}

static int send_options(struct script_parser *p, struct script_send *s)
{
	struct script_tok *t, *icv = NULL;

	parse_dir(p, &s->dir);
	for (;;) {
		t = sp_peek(p);
		if (sp_accept_word(p, "clear")) {
			s->clear = true;
		} else if (sp_accept_word(p, "icv")) {
			icv = t;
			if (sp_expect(p, TOK_EQ, "`=' after icv") < 0)
				return -1;
			if (sp_accept_word(p, "bad"))
				s->bad_icv = true;
			else if (!sp_accept_word(p, "good"))
				return sp_err(p, sp_peek(p), "icv is `good' or `bad'");
		} else if (sp_accept_word(p, "port")) {
			if (sp_expect(p, TOK_EQ, "`=' after port") < 0)
				return -1;
			t = sp_peek(p);
			if (t->kind != TOK_NUMBER || t->dotted || t->num == 0 ||
			    t->num > 65535)
				return sp_err(p, t, "port is a UDP port number (500, 4500)");
			s->port = (unsigned)t->num;
			sp_next(p);
		} else {
			break;
		}
	}
	if (s->clear && s->bad_icv)
		return sp_err(p, icv, "icv=bad needs an SK payload, and `clear' has none");
	return 0;
}

static int send_clauses(struct script_parser *p, struct script_send *s)
{
	struct script_set **tail = &s->sets;
	struct script_tok *t;

	for (;;) {
		t = sp_peek(p);
		if (sp_accept_word(p, "set")) {
			struct script_set *st = sp_new(p, sizeof(*st));
			if (st == NULL || sp_path(p, &st->path) < 0 ||
			    sp_expect(p, TOK_EQ, "`=' after the field") < 0 ||
			    sp_value(p, false, &st->value) < 0)
				return -1;
			st->pos = sp_pos(t);
			*tail = st;
			tail = &st->next;
		} else if (sp_accept_word(p, "trailing")) {
			if (s->trailing != NULL)
				return sp_err(p, t, "a second `trailing'");
			if (!sp_is(p, TOK_HEX))
				return sp_err(p, sp_peek(p), "trailing takes hex bytes: trailing 0x0102");
			t = sp_peek(p);
			if (sp_value(p, false, &s->trailing) < 0)
				return -1;
			if ((s->trailing->len - 2) % 2 != 0)
				return sp_err(p, t, "trailing bytes need an even number of hex digits");
		} else {
			return 0;
		}
	}
}

static bool has_sk(const struct script_payload *pl)
{
	for (; pl != NULL; pl = pl->next)
		if (pl->type == PL_SK)
			return true;
	return false;
}

/* send $msg | send EXCHANGE [options] [: payloads] [set ...] [trailing ...] */
static int parse_send(struct script_parser *p, struct script_event *ev)
{
	struct script_send *s = &ev->u.send;
	struct script_tok *t = sp_peek(p);

	ev->kind = SCRIPT_E_SEND;
	if (t->kind == TOK_VAR) {
		if (sp_var_use(p, t, true, &s->resend) < 0)
			return -1;
		sp_next(p);
		return 0;
	}
	if (parse_exchange(p, &s->exchange) < 0 || send_options(p, s) < 0)
		return -1;
	s->defaults = true;
	if (sp_accept(p, TOK_COLON)) {
		s->defaults = false;
		if (sp_payloads(p, false, &s->payloads) < 0)
			return -1;
		if (s->clear && has_sk(s->payloads))
			return sp_err(p, t, "`clear' and an SK payload contradict each other");
	}
	return send_clauses(p, s);
}

static int parse_retransmits(struct script_parser *p, struct script_event *ev)
{
	struct script_retransmits *r = &ev->u.retransmits;
	script_us gaps[64];
	struct script_tok *t;

	ev->kind = SCRIPT_E_RETRANSMITS;
	if (sp_expect_word(p, "of") < 0)
		return -1;
	t = sp_peek(p);
	if (t->kind != TOK_VAR)
		return sp_err(p, t, "expected the message retransmitted: retransmissions of $first");
	if (sp_var_use(p, t, true, &r->var) < 0)
		return -1;
	sp_next(p);
	if (sp_accept_word(p, "per")) {
		if (sp_expect_word(p, "profile") < 0)
			return -1;
		r->per_profile = true;
	} else if (sp_accept_word(p, "at")) {
		do {
			if (r->ngaps == sizeof(gaps) / sizeof(gaps[0]))
				return sp_err(p, sp_peek(p), "more than 64 retransmissions");
			if (sp_duration(p, &gaps[r->ngaps]) < 0)
				return -1;
			r->ngaps++;
		} while (sp_accept(p, TOK_COMMA));
		if ((r->gaps = sp_new(p, r->ngaps * sizeof(*gaps))) == NULL)
			return -1;
		memcpy(r->gaps, gaps, r->ngaps * sizeof(*gaps));
	} else {
		return sp_err(p, sp_peek(p), "expected `per profile' or `at 1s, 2s, 4s'");
	}
	return sp_tolerance(p, &r->tolerance);
}

/* expect silence for D | expect retransmissions ... | expect X ...: ... */
static int parse_expect(struct script_parser *p, struct script_event *ev)
{
	struct script_expect *x = &ev->u.expect;

	if (sp_accept_word(p, "silence") || sp_accept_word(p, "nothing")) {
		ev->kind = SCRIPT_E_SILENCE;
		struct script_tok *t;
		if (sp_expect_word(p, "for") < 0)
			return -1;
		t = sp_peek(p);
		if (sp_duration(p, &ev->u.silence.duration) < 0)
			return -1;
		if (ev->u.silence.duration == 0)
			return sp_err(p, t, "a zero duration");
		if (sp_accept_word(p, "except")) {
			if (sp_expect_word(p, "new") < 0 ||
			    sp_expect_word(p, "requests") < 0)
				return -1;
			ev->u.silence.except_new_requests = true;
		}
		return 0;
	}
	if (sp_accept_word(p, "retransmissions"))
		return parse_retransmits(p, ev);
	ev->kind = SCRIPT_E_EXPECT;
	if (sp_accept_word(p, "any"))
		x->any = true;
	else if (parse_exchange(p, &x->exchange) < 0)
		return -1;
	parse_dir(p, &x->dir);
	if (sp_timing(p, &x->timing) < 0)
		return -1;
	/* `or silence': where the RFC lets the IUT drop the message */
	if (sp_accept_word(p, "or")) {
		if (sp_expect_word(p, "silence") < 0)
			return -1;
		x->or_silence = true;
	}
	if (sp_accept(p, TOK_COLON))
		return sp_matchers(p, &x->matchers);
	return 0;
}

/* capture $v = [sent] PATH | message */
static int parse_capture(struct script_parser *p, struct script_event *ev)
{
	struct script_capture *c = &ev->u.capture;
	struct script_tok *var = sp_peek(p);
	bool message;

	ev->kind = SCRIPT_E_CAPTURE;
	if (var->kind != TOK_VAR)
		return sp_err(p, var, "expected a variable: capture $cookie = N(COOKIE).data");
	sp_next(p);
	if (sp_expect(p, TOK_EQ, "`='") < 0)
		return -1;
	c->sent = sp_accept_word(p, "sent");
	message = sp_is_word(p, "message");
	if (message) {
		c->path = "message";
		sp_next(p);
	} else if (sp_path(p, &c->path) < 0) {
		return -1;
	}
	/* Defined after its value is read: capture $x = $x is an error. */
	return sp_var_define(p, var, message, &c->var);
}

static int parse_let(struct script_parser *p, struct script_event *ev)
{
	struct script_tok *var = sp_peek(p);

	ev->kind = SCRIPT_E_LET;
	if (var->kind != TOK_VAR)
		return sp_err(p, var, "expected a variable: let $spi = 0x0102030405060708");
	sp_next(p);
	if (sp_expect(p, TOK_EQ, "`='") < 0 ||
	    sp_value(p, false, &ev->u.let.value) < 0)
		return -1;
	return sp_var_define(p, var, false, &ev->u.let.var);
}

static int parse_sa_kind(struct script_parser *p, enum script_sa *sa)
{
	if (sp_accept_word(p, "ike"))
		*sa = SCRIPT_SA_IKE;
	else if (sp_accept_word(p, "child"))
		*sa = SCRIPT_SA_CHILD;
	else
		return -1;
	return 0;
}

static int parse_establish(struct script_parser *p, struct script_event *ev)
{
	ev->kind = SCRIPT_E_ESTABLISH;
	if (parse_sa_kind(p, &ev->u.establish.what) < 0)
		return sp_err(p, sp_peek(p), "establish `ike' (IKE SA) or `child' (IKE SA and a CHILD SA)");
	if (sp_accept(p, TOK_COLON))
		return sp_payloads(p, false, &ev->u.establish.payloads);
	return 0;
}

static int parse_repeat(struct script_parser *p, struct script_event *ev)
{
	struct script_repeat *r = &ev->u.repeat;
	struct script_tok *t = sp_peek(p);
	uint64_t saved = p->repeat_total;
	int rc;

	ev->kind = SCRIPT_E_REPEAT;
	if (t->kind != TOK_NUMBER || t->dotted)
		return sp_err(p, t, "repeat needs a bound: repeat 5 { ... }");
	if (t->num == 0 || t->num > SCRIPT_MAX_REPEAT)
		return sp_err(p, t, "repeat bound %.*s is out of range 1..%d",
		    (int)t->len, t->start, SCRIPT_MAX_REPEAT);
	if (p->repeat_total * t->num > SCRIPT_MAX_REPEAT_TOTAL)
		return sp_err(p, t, "nested repeats run more than %d times",
		    SCRIPT_MAX_REPEAT_TOTAL);
	if (p->depth >= SCRIPT_MAX_DEPTH)
		return sp_err(p, t, "blocks nested deeper than %d",
		    SCRIPT_MAX_DEPTH);
	r->count = (unsigned)t->num;
	sp_next(p);
	sp_accept_word(p, "times");
	if (sp_expect(p, TOK_LBRACE, "`{' to open the repeated events") < 0)
		return -1;
	p->repeat_total *= t->num;
	p->depth++;
	rc = parse_events(p, true, &r->body);
	p->depth--;
	p->repeat_total = saved;
	if (rc < 0)
		return -1;
	if (r->body == NULL)
		return sp_err(p, t, "repeat with no events");
	return sp_expect(p, TOK_RBRACE, "`}' to close the repeat");
}

static const struct {
	const char *name;
	enum script_iut_verb verb;
	bool target;		/* takes ike|child */
	bool target_needed;
} iut_verbs[] = {
	{ "initiate", SCRIPT_IUT_INITIATE, true, false },
	{ "rekey", SCRIPT_IUT_REKEY, true, true },
	{ "terminate", SCRIPT_IUT_TERMINATE, true, false },
	{ "restart", SCRIPT_IUT_RESTART, false, false },
	{ "alive", SCRIPT_IUT_ALIVE, false, false },
	{ "start", SCRIPT_IUT_START, false, false },
	{ "stop", SCRIPT_IUT_STOP, false, false },
	{ "counters", SCRIPT_IUT_COUNTERS, false, false },
};

const char *script_iut_verb_name(enum script_iut_verb v)
{
	size_t i;

	for (i = 0; i < sizeof(iut_verbs) / sizeof(iut_verbs[0]); i++)
		if (iut_verbs[i].verb == v)
			return iut_verbs[i].name;
	return "?";
}

static int parse_iut(struct script_parser *p, struct script_event *ev)
{
	static const char *const names[] = {
		"initiate", "rekey", "terminate", "restart", "alive", "start",
		"stop", "counters", NULL,
	};
	struct script_tok *t = sp_peek(p);
	const char *hint;
	size_t i;

	ev->kind = SCRIPT_E_IUT;
	for (i = 0; i < sizeof(iut_verbs) / sizeof(iut_verbs[0]); i++)
		if (sp_tok_is_word(t, iut_verbs[i].name))
			break;
	if (i == sizeof(iut_verbs) / sizeof(iut_verbs[0])) {
		hint = t->kind == TOK_WORD ?
		    names_suggest(t->start, t->len, names) : NULL;
		return sp_err(p, t, "unknown iut action (initiate, rekey, terminate, restart, alive, start, stop, counters)%s%s%s",
		    hint ? ", did you mean `" : "", hint ? hint : "",
		    hint ? "'?" : "");
	}
	sp_next(p);
	ev->u.iut.verb = iut_verbs[i].verb;
	if (ev->u.iut.verb == SCRIPT_IUT_COUNTERS)
		return sp_parse_counters(p, &ev->u.iut);
	if (iut_verbs[i].target &&
	    parse_sa_kind(p, &ev->u.iut.target) < 0 &&
	    iut_verbs[i].target_needed)
		return sp_err(p, sp_peek(p), "iut %s needs `ike' or `child'",
		    iut_verbs[i].name);
	return 0;
}

static int parse_esp(struct script_parser *p, struct script_event *ev)
{
	return sp_parse_esp(p, ev, false);
}

static int parse_ah(struct script_parser *p, struct script_event *ev)
{
	return sp_parse_esp(p, ev, true);
}

static int parse_wait(struct script_parser *p, struct script_event *ev)
{
	ev->kind = SCRIPT_E_WAIT;
	return sp_duration(p, &ev->u.wait.duration);
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */

/* Every first word of a statement, with its parser: an event, or a
 * header line (test, rfc, ...) that only goes before the first event. */
static const struct statement {
	const char *word;
	int (*event)(struct script_parser *p, struct script_event *ev);
	int (*header)(struct script_parser *p, const struct script_tok *kw);
} statements[] = {
	{ "send", parse_send, NULL }, { "expect", parse_expect, NULL },
	{ "capture", parse_capture, NULL }, { "let", parse_let, NULL },
	{ "establish", parse_establish, NULL },
	{ "repeat", parse_repeat, NULL }, { "iut", parse_iut, NULL },
	{ "wait", parse_wait, NULL }, { "esp", parse_esp, NULL },
	{ "ah", parse_ah, NULL }, { "nat", sp_parse_nat, NULL },
	{ "test", NULL, sp_header_test }, { "id", NULL, sp_header_id },
	{ "rfc", NULL, sp_header_rfc }, { "needs", NULL, sp_header_needs },
	{ "role", NULL, sp_header_role },
	{ "retransmit", NULL, sp_header_retransmit },
	{ NULL, NULL, NULL },
};

static int parse_header(struct script_parser *p, const struct statement *st,
    const struct script_tok *kw)
{
	if (p->seen_event || p->depth > 0)
		return sp_err(p, kw, "`%.*s' belongs in the header, before the first event",
		    (int)kw->len, kw->start);
	return st->header(p, kw);
}

static int unknown_statement(struct script_parser *p, struct script_tok *t)
{
	char buf[64];
	const char *hint;

	if (t->kind != TOK_WORD)
		return sp_err(p, t, "expected an event or header line, got %s",
		    sp_tok_desc(t, buf, sizeof(buf)));
	if (sp_tok_is_word(t, "set"))
		return sp_err(p, t, "`set' changes a field of the message sent: indent it under its `send'");
	hint = names_suggest_rows(t->start, t->len, statements,
	    sizeof(statements[0]));
	return sp_err(p, t, "unknown event `%.*s'%s%s%s", (int)t->len,
	    t->start, hint ? " (did you mean `" : "", hint ? hint : "",
	    hint ? "'?)" : "");
}

/* One statement: a header line (NULL *out) or an event. */
static int parse_statement(struct script_parser *p, struct script_event **out)
{
	struct script_tok *kw = sp_peek(p);
	struct script_event *ev;
	char buf[64];
	const struct statement *st;
	int rc;

	*out = NULL;
	for (st = statements; st->word != NULL; st++)
		if (sp_tok_is_word(kw, st->word))
			break;
	if (st->word == NULL)
		return unknown_statement(p, kw);
	sp_next(p);
	if (st->header != NULL) {
		rc = parse_header(p, st, kw);
	} else {
		if ((ev = sp_new(p, sizeof(*ev))) == NULL)
			return -1;
		ev->pos = sp_pos(kw);
		p->seen_event = true;
		rc = st->event(p, ev);
		*out = ev;
	}
	if (rc < 0)
		return -1;
	if (!sp_at_statement_end(p))
		return sp_err(p, sp_peek(p), "unexpected %s after `%.*s ...'",
		    sp_tok_desc(sp_peek(p), buf, sizeof(buf)), (int)kw->len,
		    kw->start);
	return 0;
}

/* Statements up to the end of the file, or up to `}' in a block. */
static int parse_events(struct script_parser *p, bool block,
    struct script_event **out)
{
	struct script_event **tail = out, *ev;

	for (;;) {
		while (sp_accept(p, TOK_NEWLINE))
			;
		if (sp_is(p, TOK_EOF)) {
			if (block)
				return sp_err(p, sp_peek(p), "end of file inside a repeat block (missing `}')");
			return 0;
		}
		if (sp_is(p, TOK_RBRACE)) {
			if (!block)
				return sp_err(p, sp_peek(p), "`}' without a block");
			return 0;
		}
		if (parse_statement(p, &ev) < 0)
			return -1;
		if (ev != NULL) {
			*tail = ev;
			tail = &ev->next;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

static const char *default_id(struct script_parser *p)
{
	const char *base = strrchr(p->path, '/');
	size_t n;

	base = base ? base + 1 : p->path;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ike") == 0)
		n -= 4;
	return script_arena_strndup(p->a, base, n);
}

static int check_complete(struct script_parser *p)
{
	struct script_tok first = { .line = 1, .col = 1 };

	if (p->s->title == NULL)
		return sp_err(p, &first, "missing `test \"...\"' (what the script tests)");
	if (p->s->clauses == NULL)
		return sp_err(p, &first, "missing `rfc' (the RFC clause that requires the behaviour, e.g. rfc 7296 2.6)");
	if (p->s->events == NULL)
		return sp_err(p, &first, "the script has no events");
	return 0;
}

int script_parse(const char *path, const char *text, size_t len,
    struct script **out, struct err *e)
{
	struct script_parser p = { .path = path, .e = e, .repeat_total = 1 };
	struct script_tok *toks = NULL;
	size_t ntoks;
	struct script *s;
	struct script_arena *a;

	*out = NULL;
	if (len > SCRIPT_MAX_BYTES)
		return err_set(e, "%s: larger than %d bytes", path,
		    SCRIPT_MAX_BYTES);
	if ((a = script_arena_new()) == NULL)
		return err_set(e, "%s: out of memory", path);
	if ((s = script_arena_alloc(a, sizeof(*s))) == NULL ||
	    (s->path = script_arena_strndup(a, path, strlen(path))) == NULL) {
		script_arena_free(a);
		return err_set(e, "%s: out of memory", path);
	}
	s->arena = a;
	p.s = s;
	p.a = a;
	if (script_lex(path, text, len, a, &toks, &ntoks, e) < 0)
		goto fail;
	p.t = toks;
	p.n = ntoks;
	if (parse_events(&p, false, &s->events) < 0 || check_complete(&p) < 0)
		goto fail;
	if (!s->id_written && (s->id = default_id(&p)) == NULL) {
		err_set(e, "%s: out of memory", path);
		goto fail;
	}
	free(toks);
	*out = s;
	return 0;
fail:
	free(toks);
	script_arena_free(a);
	return -1;
}

int script_load(const char *path, struct script **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;
	int rc = -1;

	*out = NULL;
	if (f == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	if ((buf = malloc(SCRIPT_MAX_BYTES + 1)) == NULL) {
		err_set(e, "%s: out of memory", path);
		goto out;
	}
	n = fread(buf, 1, SCRIPT_MAX_BYTES + 1, f);
	if (ferror(f))
		err_set(e, "%s: %s", path, strerror(errno));
	else if (n > SCRIPT_MAX_BYTES)
		err_set(e, "%s: larger than %d bytes", path, SCRIPT_MAX_BYTES);
	else
		rc = script_parse(path, buf, n, out, e);
out:
	free(buf);
	fclose(f);
	return rc;
}

void script_free(struct script *s)
{
	if (s != NULL)
		script_arena_free(s->arena);
}
