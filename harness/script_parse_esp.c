/* script_parse_esp: the traffic events of the test language, `esp ...'
 * (or `ah ...') and `nat ...', and `iut counters' (suites/README.md,
 * "Traffic through CHILD SAs").
 *
 *   esp send udp|icmp|dummy|raw [key=value ...]
 *   esp replay [child=N]
 *   esp expect udp|icmp|any [within D | after ...] [or silence]
 *       [: key=value ...]
 *   esp expect nothing for D
 *   nat pretend
 *   nat rebind [port] [address=A]
 *   nat keepalive
 *   nat expect keepalive [within D]
 *   iut counters [: name CMP value, ...]
 *
 * Keys are checked here against a table per verb, so that a misspelt
 * key is an error with its line, not a silent default at run time. */
#include <string.h>

#include "names.h"
#include "script_int.h"

struct esp_key {
	const char *name;
	unsigned verbs;			/* bit per enum script_esp_verb */
	const char *const *words;	/* the only words allowed, or NULL */
};

#define V_SEND (1u << SCRIPT_ESP_SEND)
#define V_REPLAY (1u << SCRIPT_ESP_REPLAY)
#define V_EXPECT (1u << SCRIPT_ESP_EXPECT)

static const char *const corrupt_words[] = { "icv", "payload", NULL };
static const char *const via_words[] = { "udp", "ip", NULL };

static const struct esp_key esp_keys[] = {
	{ "to", V_SEND | V_EXPECT, NULL },	/* inner destination */
	{ "from", V_SEND | V_EXPECT, NULL },	/* inner source */
	{ "sport", V_SEND | V_EXPECT, NULL },
	{ "dport", V_SEND | V_EXPECT, NULL },
	{ "data", V_SEND | V_EXPECT, NULL },
	{ "len", V_SEND, NULL },		/* data of N bytes */
	{ "ttl", V_SEND, NULL },
	{ "echo_id", V_SEND | V_EXPECT, NULL },
	{ "echo_seq", V_SEND | V_EXPECT, NULL },
	{ "seq", V_SEND | V_EXPECT, NULL },	/* ESP/AH sequence number */
	{ "spi", V_SEND, NULL },		/* another SPI on the wire */
	{ "tfc", V_SEND, NULL },		/* TFC padding bytes (2.7) */
	{ "pad", V_SEND, NULL },		/* padding bytes as given */
	{ "padlen", V_SEND, NULL },		/* the Pad Length octet */
	{ "next", V_SEND, NULL },		/* the Next Header octet */
	{ "ipver", V_SEND, NULL },		/* inner header lies: run_esp_send */
	{ "ihl", V_SEND, NULL },
	{ "iplen", V_SEND, NULL },
	{ "frag", V_SEND, NULL },
	{ "proto", V_SEND, NULL },
	{ "ipcsum", V_SEND, NULL },
	{ "l4len", V_SEND, NULL },
	{ "l4csum", V_SEND, NULL },
	{ "corrupt", V_SEND | V_REPLAY, corrupt_words },
	{ "via", V_SEND | V_REPLAY, via_words },
	{ "child", V_SEND | V_REPLAY | V_EXPECT, NULL },	/* 1: first */
	{ NULL, 0, NULL },			/* the end (names_suggest_rows) */
};

/* Whether x already has key. */
static bool has_arg(const struct script_esp *x, const char *key)
{
	const struct script_arg *a;

	for (a = x->args; a != NULL; a = a->next)
		if (strcmp(a->key, key) == 0)
			return true;
	return false;
}

static const char *verb_word(enum script_esp_verb v)
{
	switch (v) {
	case SCRIPT_ESP_SEND:
		return "send";
	case SCRIPT_ESP_REPLAY:
		return "replay";
	case SCRIPT_ESP_EXPECT:
		return "expect";
	case SCRIPT_ESP_SILENCE:
		return "expect nothing";
	}
	return "?";
}

static int check_word(struct script_parser *p, const struct esp_key *k,
    const struct script_value *v, const struct script_tok *t)
{
	size_t i;

	if (k->words == NULL || v->kind == SCRIPT_V_VAR)
		return 0;
	if (v->kind == SCRIPT_V_WORD)
		for (i = 0; k->words[i] != NULL; i++)
			if (strcmp(v->text, k->words[i]) == 0)
				return 0;
	return sp_err(p, t, "%s= takes %s%s%s", k->name, k->words[0],
	    k->words[1] ? " or " : "", k->words[1] ? k->words[1] : "");
}

/* key=value ... up to the end of the statement. */
static int parse_esp_args(struct script_parser *p, struct script_esp *x)
{
	struct script_arg **tail = &x->args, *a;
	struct script_tok *t, *vt;
	const char *hint;
	size_t i;

	while (!sp_at_statement_end(p)) {
		t = sp_peek(p);
		if (t->kind != TOK_WORD)
			return sp_err(p, t, "expected key=value after `esp %s'",
			    verb_word(x->verb));
		for (i = 0; esp_keys[i].name != NULL; i++)
			if (sp_tok_is_word(t, esp_keys[i].name))
				break;
		if (esp_keys[i].name == NULL) {
			hint = names_suggest_rows(t->start, t->len, esp_keys,
			    sizeof(esp_keys[0]));
			return sp_err(p, t, "unknown key `%.*s'%s%s%s", (int)t->len,
			    t->start, hint ? " (did you mean `" : "",
			    hint ? hint : "", hint ? "'?)" : "");
		}
		if (!(esp_keys[i].verbs & (1u << x->verb)))
			return sp_err(p, t, "`%s=' does not apply to `esp %s'",
			    esp_keys[i].name, verb_word(x->verb));
		if (has_arg(x, esp_keys[i].name))
			return sp_err(p, t, "`%s=' given twice", esp_keys[i].name);
		sp_next(p);
		if ((a = sp_new(p, sizeof(*a))) == NULL)
			return -1;
		a->key = esp_keys[i].name;
		a->pos = sp_pos(t);
		if (sp_expect(p, TOK_EQ, "`='") < 0)
			return -1;
		vt = sp_peek(p);
		if (sp_value(p, false, &a->values) < 0 ||
		    check_word(p, &esp_keys[i], a->values, vt) < 0)
			return -1;
		*tail = a;
		tail = &a->next;
		sp_accept(p, TOK_COMMA);
	}
	return 0;
}

static int parse_inner(struct script_parser *p, struct script_esp *x)
{
	struct script_tok *t = sp_peek(p);

	if (sp_accept_word(p, "udp"))
		x->inner = SCRIPT_INNER_UDP;
	else if (sp_accept_word(p, "icmp"))
		x->inner = SCRIPT_INNER_ICMP;
	else if (x->verb == SCRIPT_ESP_SEND && sp_accept_word(p, "dummy"))
		x->inner = SCRIPT_INNER_DUMMY;
	else if (x->verb == SCRIPT_ESP_SEND && sp_accept_word(p, "raw"))
		x->inner = SCRIPT_INNER_RAW;
	else if (x->verb == SCRIPT_ESP_EXPECT && sp_accept_word(p, "any"))
		x->inner = SCRIPT_INNER_ANY;
	else if (x->verb == SCRIPT_ESP_SEND)
		return sp_err(p, t, "esp send what: `udp', `icmp', `dummy' or `raw'");
	else
		return sp_err(p, t, "esp expect what: `udp', `icmp', `any', or `nothing for D'");
	return 0;
}

int sp_parse_esp(struct script_parser *p, struct script_event *ev, bool ah)
{
	struct script_esp *x = &ev->u.esp;
	struct script_tok *t = sp_peek(p);

	ev->kind = SCRIPT_E_ESP;
	x->ah = ah;
	if (sp_accept_word(p, "send")) {
		x->verb = SCRIPT_ESP_SEND;
		if (parse_inner(p, x) < 0 || parse_esp_args(p, x) < 0)
			return -1;
		if (x->inner == SCRIPT_INNER_RAW && !has_arg(x, "data"))
			return sp_err(p, t, "`esp send raw' needs data=0xHEX: the inner packet");
		return 0;
	}
	if (sp_accept_word(p, "replay")) {
		x->verb = SCRIPT_ESP_REPLAY;
		return parse_esp_args(p, x);
	}
	if (!sp_accept_word(p, "expect"))
		return sp_err(p, t, "%s what: `send', `replay' or `expect'",
		    ah ? "ah" : "esp");
	if (sp_accept_word(p, "nothing") || sp_accept_word(p, "silence")) {
		x->verb = SCRIPT_ESP_SILENCE;
		if (sp_expect_word(p, "for") < 0)
			return -1;
		t = sp_peek(p);
		if (sp_duration(p, &x->duration) < 0)
			return -1;
		if (x->duration == 0)
			return sp_err(p, t, "a zero duration");
		return 0;
	}
	x->verb = SCRIPT_ESP_EXPECT;
	if (parse_inner(p, x) < 0 || sp_timing(p, &x->timing) < 0)
		return -1;
	if (sp_accept_word(p, "or")) {
		if (sp_expect_word(p, "silence") < 0)
			return -1;
		x->or_silence = true;
	}
	if (sp_accept(p, TOK_COLON))
		return parse_esp_args(p, x);
	if (!sp_at_statement_end(p))
		return sp_err(p, sp_peek(p), "checks of the inner packet follow a `:'");
	return 0;
}

int sp_parse_nat(struct script_parser *p, struct script_event *ev)
{
	struct script_nat *x = &ev->u.nat;
	struct script_tok *t = sp_peek(p);

	ev->kind = SCRIPT_E_NAT;
	if (sp_accept_word(p, "keepalive")) {
		x->verb = SCRIPT_NAT_KEEPALIVE;
		return 0;
	}
	if (sp_accept_word(p, "pretend")) {
		x->verb = SCRIPT_NAT_PRETEND;
		return 0;
	}
	if (sp_accept_word(p, "expect")) {
		x->verb = SCRIPT_NAT_EXPECT_KEEPALIVE;
		if (sp_expect_word(p, "keepalive") < 0)
			return -1;
		return sp_timing(p, &x->timing);
	}
	if (!sp_accept_word(p, "rebind"))
		return sp_err(p, t, "nat what: `pretend', `rebind', `keepalive' or `expect keepalive'");
	x->verb = SCRIPT_NAT_REBIND;
	x->port = sp_accept_word(p, "port");
	if (sp_accept_word(p, "address")) {
		if (sp_expect(p, TOK_EQ, "`='") < 0 ||
		    sp_value(p, false, &x->address) < 0)
			return -1;
	}
	if (!x->port && x->address == NULL)
		return sp_err(p, sp_peek(p), "nat rebind needs `port', `address=A' or both");
	return 0;
}

/* iut counters [: name CMP value, ...] */
int sp_parse_counters(struct script_parser *p, struct script_iut *u)
{
	struct script_counter **tail = &u->counters, *c;
	struct script_tok *t;
	static const struct {
		enum script_tok_kind tok;
		enum script_cmp cmp;
	} cmps[] = {
		{ TOK_EQ, SCRIPT_CMP_EQ }, { TOK_EQEQ, SCRIPT_CMP_EQ },
		{ TOK_NE, SCRIPT_CMP_NE }, { TOK_LT, SCRIPT_CMP_LT },
		{ TOK_LE, SCRIPT_CMP_LE }, { TOK_GT, SCRIPT_CMP_GT },
		{ TOK_GE, SCRIPT_CMP_GE },
	};
	size_t i;

	if (!sp_accept(p, TOK_COLON))
		return 0;
	do {
		t = sp_peek(p);
		if (t->kind != TOK_WORD)
			return sp_err(p, t, "expected a counter name: iut counters: in_packets = 1");
		if ((c = sp_new(p, sizeof(*c))) == NULL)
			return -1;
		c->name = sp_text(p, t);
		c->pos = sp_pos(t);
		sp_next(p);
		t = sp_peek(p);
		for (i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++)
			if (t->kind == cmps[i].tok)
				break;
		if (i == sizeof(cmps) / sizeof(cmps[0]))
			return sp_err(p, t, "expected a comparison (= != < <= > >=) after `%s'",
			    c->name);
		c->cmp = cmps[i].cmp;
		sp_next(p);
		t = sp_peek(p);
		if (sp_value(p, false, &c->value) < 0)
			return -1;
		if (c->value->kind != SCRIPT_V_NUMBER &&
		    c->value->kind != SCRIPT_V_VAR)
			return sp_err(p, t, "a counter compares with a number or a $variable");
		*tail = c;
		tail = &c->next;
	} while (sp_accept(p, TOK_COMMA));
	return 0;
}

const char *script_inner_name(enum script_inner i)
{
	switch (i) {
	case SCRIPT_INNER_UDP:
		return "udp";
	case SCRIPT_INNER_ICMP:
		return "icmp";
	case SCRIPT_INNER_DUMMY:
		return "dummy";
	case SCRIPT_INNER_RAW:
		return "raw";
	case SCRIPT_INNER_ANY:
		return "any";
	}
	return "?";
}
