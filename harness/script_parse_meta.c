/* script_parse_meta: the header lines of a script, before its first
 * event: test, id, rfc, needs, role, retransmit. */
#include "script_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "names.h"
#include "profile.h"


int sp_header_test(struct script_parser *p, const struct script_tok *kw)
{
	struct script_tok *t = sp_peek(p);

	if (p->s->title != NULL)
		return sp_err(p, kw, "a second `test' line (one script, one test)");
	if (t->kind != TOK_STRING)
		return sp_err(p, t, "`test' takes the title as a string: test \"what it checks\"");
	if (t->str_len == 0 || memchr(t->str, '\0', t->str_len) != NULL ||
	    memchr(t->str, '\n', t->str_len) != NULL)
		return sp_err(p, t, "the title must be one non-empty line");
	p->s->title = t->str;
	sp_next(p);
	return 0;
}

int sp_header_id(struct script_parser *p, const struct script_tok *kw)
{
	struct script_tok *t = sp_peek(p);

	if (p->s->id_written)
		return sp_err(p, kw, "a second `id' line");
	if (t->kind != TOK_WORD)
		return sp_err(p, t, "`id' takes a word: id ike-sa-init-invalid-ke");
	if ((p->s->id = sp_text(p, t)) == NULL)
		return -1;
	p->s->id_written = true;
	sp_next(p);
	return 0;
}

static int parse_clause(struct script_parser *p, unsigned rfc)
{
	struct script_clause *c, **tail;
	struct script_tok *t = sp_peek(p);

	if (t->kind != TOK_NUMBER)
		return sp_err(p, t, "expected an RFC section like 2.6 or 3.10.1");
	if ((c = sp_new(p, sizeof(*c))) == NULL ||
	    (c->section = sp_text(p, t)) == NULL)
		return -1;
	c->rfc = rfc;
	c->pos = sp_pos(t);
	for (tail = &p->s->clauses; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = c;
	sp_next(p);
	return 0;
}

static int parse_rfc_number(struct script_parser *p, unsigned *rfc)
{
	struct script_tok *t = sp_peek(p);

	if (t->kind != TOK_NUMBER || t->dotted || t->num == 0 ||
	    t->num > 99999)
		return sp_err(p, t, "expected an RFC number like 7296");
	*rfc = (unsigned)t->num;
	sp_next(p);
	return 0;
}

/* rfc 7296 2.6, 3.10.1, 7383 2.5: a clause list; a lone section after a
 * comma belongs to the RFC named before it. */
int sp_header_rfc(struct script_parser *p, const struct script_tok *kw)
{
	unsigned rfc;

	(void)kw;
	if (parse_rfc_number(p, &rfc) < 0 || parse_clause(p, rfc) < 0)
		return -1;
	while (sp_accept(p, TOK_COMMA)) {
		if (sp_peek_at(p, 1)->kind == TOK_NUMBER &&
		    parse_rfc_number(p, &rfc) < 0)
			return -1;
		if (parse_clause(p, rfc) < 0)
			return -1;
	}
	return 0;
}

static const char *const need_sections[] = {
	"iut", "addresses", "auth", "ike", "esp", "timers", "capabilities",
	NULL,
};

/* A value of needs: a word, with /KEYLEN when it is a cipher. */
static int need_value(struct script_parser *p, struct script_need *nd,
    const char **out)
{
	struct script_tok *t = sp_peek(p), *s, *k;
	int table = profile_alg_table(nd->section, nd->key);
	unsigned v;
	char buf[64];

	if (t->kind != TOK_WORD && t->kind != TOK_NUMBER)
		return sp_err(p, t, "expected a value after `=', got %s",
		    sp_tok_desc(t, buf, sizeof(buf)));
	s = sp_peek_at(p, 1);
	k = sp_peek_at(p, 2);
	if (table >= 0 && names_parse(table, t->start, t->len, &v) < 0) {
		const char *hint = names_suggest_table(table, t->start, t->len);

		return sp_err(p, t, "`%.*s' is not a known %s%s%s%s", (int)t->len,
		    t->start, names_title(table), hint ? " (did you mean `" : "",
		    hint ? hint : "", hint ? "'?)" : "");
	}
	if (strcmp(nd->section, "iut") == 0 && strcmp(nd->key, "roles") == 0 &&
	    !sp_tok_is_word(t, "initiator") && !sp_tok_is_word(t, "responder"))
		return sp_err(p, t, "iut.roles is initiator or responder");
	if (s->kind == TOK_SLASH && !s->space_before) {
		if (table != NAMES_T_ENCR || k->kind != TOK_NUMBER ||
		    k->dotted || k->space_before || k->num == 0 ||
		    k->num > 65535)
			return sp_err(p, s, "a key length goes after a cipher: AES_CBC/256");
		if ((*out = script_arena_strndup(p->a, t->start,
		    (size_t)(k->start + k->len - t->start))) == NULL)
			return sp_err(p, t, "out of memory");
		p->i += 3;
		return 0;
	}
	if ((*out = sp_text(p, t)) == NULL)
		return -1;
	sp_next(p);
	return 0;
}

static int need_values(struct script_parser *p, struct script_need *nd)
{
	const char *vals[64];
	size_t n = 0;

	do {
		if (n == sizeof(vals) / sizeof(vals[0]))
			return sp_err(p, sp_peek(p), "too many alternatives");
		if (need_value(p, nd, &vals[n]) < 0)
			return -1;
		n++;
	} while (sp_accept(p, TOK_PIPE));
	if ((nd->values = sp_new(p, n * sizeof(*vals))) == NULL)
		return -1;
	memcpy(nd->values, vals, n * sizeof(*vals));
	nd->nvalues = n;
	return 0;
}

/* needs SECTION.KEY[=VALUE|VALUE...]{, ...} */
static int parse_need(struct script_parser *p)
{
	struct script_tok *sec = sp_peek(p), *dot = sp_peek_at(p, 1),
	    *key = sp_peek_at(p, 2);
	struct script_need *nd, **tail;
	const char *hint;
	size_t i;

	if (sec->kind != TOK_WORD || dot->kind != TOK_DOT ||
	    key->kind != TOK_WORD || dot->space_before || key->space_before)
		return sp_err(p, sec, "expected SECTION.KEY like ike.dh=ECP_256 or capabilities.cookie");
	for (i = 0; need_sections[i] != NULL; i++)
		if (sp_tok_is_word(sec, need_sections[i]))
			break;
	if (need_sections[i] == NULL) {
		hint = names_suggest(sec->start, sec->len, need_sections);
		return sp_err(p, sec, "unknown profile section `%.*s' in needs%s%s%s",
		    (int)sec->len, sec->start, hint ? " (did you mean `" : "",
		    hint ? hint : "", hint ? "'?)" : "");
	}
	if ((nd = sp_new(p, sizeof(*nd))) == NULL ||
	    (nd->section = sp_text(p, sec)) == NULL ||
	    (nd->key = sp_text(p, key)) == NULL)
		return -1;
	/* A need no profile can hold would skip the script everywhere. */
	if (!profile_key_known(nd->section, nd->key, &hint))
		return sp_err(p, key, "unknown profile key `%s' in [%s]%s%s%s",
		    nd->key, nd->section, hint ? " (did you mean `" : "",
		    hint ? hint : "", hint ? "'?)" : "");
	nd->pos = sp_pos(sec);
	p->i += 3;
	if (sp_accept(p, TOK_EQ) && need_values(p, nd) < 0)
		return -1;
	for (tail = &p->s->needs; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = nd;
	return 0;
}

int sp_header_needs(struct script_parser *p, const struct script_tok *kw)
{
	(void)kw;
	do {
		if (parse_need(p) < 0)
			return -1;
	} while (sp_accept(p, TOK_COMMA));
	return 0;
}

int sp_header_role(struct script_parser *p, const struct script_tok *kw)
{
	if (p->s->role_written)
		return sp_err(p, kw, "a second `role' line");
	if (sp_accept_word(p, "initiator"))
		p->s->role = SCRIPT_ROLE_INITIATOR;
	else if (sp_accept_word(p, "responder"))
		p->s->role = SCRIPT_ROLE_RESPONDER;
	else
		return sp_err(p, sp_peek(p), "role is `initiator' (iketest initiates) or `responder' (the IUT initiates)");
	p->s->role_written = true;
	return 0;
}

/* retransmit off: iketest sends each request of the script once, for a
 * script that tests loss itself (by default `send' requests go again on
 * the profile's schedule until answered, RFC 7296 2.1). */
int sp_header_retransmit(struct script_parser *p, const struct script_tok *kw)
{
	if (p->s->no_retransmit)
		return sp_err(p, kw, "a second `retransmit' line");
	if (!sp_accept_word(p, "off"))
		return sp_err(p, sp_peek(p), "`retransmit off' is the one form: iketest then sends each request once");
	p->s->no_retransmit = true;
	return 0;
}
