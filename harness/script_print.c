/* script_print: the canonical form of a parsed script. Parsing what it
 * prints gives the same script (test_script checks the round trip). */
#include "script_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "names.h"

void script_format_duration(script_us us, char *buf, size_t size)
{
	if (us != 0 && us % 1000000 == 0)
		snprintf(buf, size, "%" PRIu64 "s", us / 1000000);
	else if (us != 0 && us % 1000 == 0)
		snprintf(buf, size, "%" PRIu64 "ms", us / 1000);
	else
		snprintf(buf, size, "%" PRIu64 "us", us);
}

static void print_duration(FILE *f, script_us us)
{
	char buf[32];

	script_format_duration(us, buf, sizeof(buf));
	fputs(buf, f);
}

static void print_string(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 32 || c >= 127)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_value(FILE *f, const struct script_value *v)
{
	const struct script_value *a;

	switch (v->kind) {
	case SCRIPT_V_NUMBER:
		fprintf(f, "%" PRIu64, v->num);
		break;
	case SCRIPT_V_HEX:
	case SCRIPT_V_WORD:
		fputs(v->text, f);
		break;
	case SCRIPT_V_STRING:
		print_string(f, v->text, v->len);
		break;
	case SCRIPT_V_VAR:
		fprintf(f, "$%s", v->text);
		break;
	case SCRIPT_V_ONEOF:
		for (a = v->alts; a != NULL; a = a->next) {
			print_value(f, a);
			if (a->next)
				fputc('|', f);
		}
		break;
	}
}

/* The bare name, or with its prefix when several types share it (NONE). */
static void print_transform(FILE *f, const struct script_transform *x)
{
	int table = codec_transform_id_names(x->type);
	const char *name = names_get(table, x->id);
	unsigned dummy, i;
	size_t n = 0;

	for (i = TT_ENCR; i <= TT_ESN; i++)
		n += names_parse(codec_transform_id_names(i), name,
		    strlen(name), &dummy) == 0;
	/* ESN's NO and YES read better as ESN_NO and ESN_YES. */
	fprintf(f, "%s%s", n > 1 || x->type == TT_ESN ? names_prefix(table) : "",
	    name);
	if (x->keylen)
		fprintf(f, "/%u", x->keylen);
}

static void print_payloads(FILE *f, const struct script_payload *pl);

static void print_sa(FILE *f, const struct script_payload *pl)
{
	const struct script_proposal *pr;
	const struct script_transform *x;
	unsigned proto = 0;

	for (pr = pl->proposals; pr != NULL; pr = pr->next) {
		if (pr != pl->proposals)
			fputs(", ", f);
		if (pr->protocol != proto)
			fprintf(f, "%s: ", pr->protocol == PROTO_ESP ? "esp" :
			    pr->protocol == PROTO_AH ? "ah" : "ike");
		proto = pr->protocol;
		for (x = pr->transforms; x != NULL; x = x->next) {
			print_transform(f, x);
			if (x->next)
				fputc(' ', f);
		}
	}
}

static void print_args(FILE *f, const struct script_arg *a)
{
	const struct script_value *v;

	for (; a != NULL; a = a->next) {
		if (a->key)
			fprintf(f, "%s=", a->key);
		for (v = a->values; v != NULL; v = v->next) {
			print_value(f, v);
			if (v->next)
				fputc(' ', f);
		}
		if (a->next)
			fputs(", ", f);
	}
}

static void print_payload(FILE *f, const struct script_payload *pl)
{
	fputs(pl->name, f);
	if (!pl->has_args)
		return;
	fputc('(', f);
	if (pl->type == PL_SK)
		print_payloads(f, pl->inner);
	else if (pl->type == PL_SA)
		print_sa(f, pl);
	else
		print_args(f, pl->args);
	fputc(')', f);
}

static void print_payloads(FILE *f, const struct script_payload *pl)
{
	for (; pl != NULL; pl = pl->next) {
		print_payload(f, pl);
		if (pl->next)
			fputs(", ", f);
	}
}

static const char *dir_name(enum script_dir d)
{
	switch (d) {
	case SCRIPT_DIR_ANY:
		return "";
	case SCRIPT_DIR_REQUEST:
		return " request";
	case SCRIPT_DIR_RESPONSE:
		return " response";
	}
	return "";
}

static void print_tolerance(FILE *f, const struct script_timing *t)
{
	switch (t->kind) {
	case SCRIPT_T_PERCENT:
		if (t->pct_x100 % 100 == 0)
			fprintf(f, " \xc2\xb1%u%%", t->pct_x100 / 100);
		else
			fprintf(f, " \xc2\xb1%u.%02u%%", t->pct_x100 / 100,
			    t->pct_x100 % 100);
		break;
	case SCRIPT_T_ABS:
		fputs(" \xc2\xb1", f);
		print_duration(f, t->tol);
		break;
	case SCRIPT_T_NONE: case SCRIPT_T_WITHIN: case SCRIPT_T_AFTER:
	case SCRIPT_T_RANGE:
		break;
	}
}

static void print_timing(FILE *f, const struct script_timing *t)
{
	switch (t->kind) {
	case SCRIPT_T_NONE:
		break;
	case SCRIPT_T_WITHIN:
		fputs(" within ", f);
		print_duration(f, t->at);
		break;
	case SCRIPT_T_AFTER:
	case SCRIPT_T_PERCENT:
	case SCRIPT_T_ABS:
		fputs(" after ", f);
		print_duration(f, t->at);
		print_tolerance(f, t);
		break;
	case SCRIPT_T_RANGE:
		fputs(" after ", f);
		print_duration(f, t->lo);
		fputs("..", f);
		print_duration(f, t->hi);
		break;
	}
}

static const char *cmp_name(enum script_cmp c)
{
	switch (c) {
	case SCRIPT_CMP_EQ: return "=";
	case SCRIPT_CMP_NE: return "!=";
	case SCRIPT_CMP_LT: return "<";
	case SCRIPT_CMP_LE: return "<=";
	case SCRIPT_CMP_GT: return ">";
	case SCRIPT_CMP_GE: return ">=";
	}
	return "?";
}

static void print_matchers(FILE *f, const struct script_matcher *m);

static void print_matcher(FILE *f, const struct script_matcher *m)
{
	const struct script_payload *pl;
	const struct script_group *g;

	switch (m->kind) {
	case SCRIPT_M_PRESENT:
		print_payload(f, m->payload);
		break;
	case SCRIPT_M_ABSENT:
		fputs("no ", f);
		print_payload(f, m->payload);
		break;
	case SCRIPT_M_COMPARE:
		fprintf(f, "%s %s ", m->path, cmp_name(m->cmp));
		print_value(f, m->value);
		break;
	case SCRIPT_M_ONE_OF_OFFERED:
		fprintf(f, "%s one of offered", m->payload->name);
		break;
	case SCRIPT_M_SUBSET_OF_OFFERED:
		fprintf(f, "%s subset of offered", m->payload->name);
		break;
	case SCRIPT_M_ORDER:
		fputs("order", f);
		for (pl = m->payload; pl != NULL; pl = pl->next)
			fprintf(f, " %s", pl->name);
		break;
	case SCRIPT_M_NOTHING_ELSE:
		fputs("nothing else", f);
		break;
	case SCRIPT_M_SAME_BYTES:
		fprintf(f, "same bytes as $%s", m->var);
		break;
	case SCRIPT_M_COUNT:
		fputs("count ", f);
		print_payload(f, m->payload);
		fprintf(f, " %s %llu", cmp_name(m->cmp),
		    (unsigned long long)m->value->num);
		break;
	case SCRIPT_M_EITHER:
		fputs("either ", f);
		for (g = m->groups; g != NULL; g = g->next) {
			fputc('(', f);
			print_matchers(f, g->matchers);
			fputs(g->next ? ") or " : ")", f);
		}
		break;
	}
}

static void print_matchers(FILE *f, const struct script_matcher *m)
{
	for (; m != NULL; m = m->next) {
		print_matcher(f, m);
		if (m->next)
			fputs(", ", f);
	}
}

static void print_events(FILE *f, const struct script_event *ev, int indent);
static void print_esp(FILE *f, const struct script_esp *x);
static void print_nat(FILE *f, const struct script_nat *x);
static void print_counters(FILE *f, const struct script_counter *c);

/* A name, or the number when the registry has none (expect 99). */
static const char *exchange_name(unsigned x, char *buf, size_t size)
{
	const char *n = names_find(NAMES_T_EXCHANGE, x);

	if (n != NULL)
		return n;
	snprintf(buf, size, "%u", x);
	return buf;
}

static void print_send(FILE *f, const struct script_send *s, int indent)
{
	const struct script_set *st;

	if (s->resend) {
		fprintf(f, "send $%s\n", s->resend);
		return;
	}
	char buf[16];

	fprintf(f, "send %s%s%s%s", exchange_name(s->exchange, buf, sizeof(buf)),
	    dir_name(s->dir), s->clear ? " clear" : "",
	    s->bad_icv ? " icv=bad" : "");
	if (s->port)
		fprintf(f, " port=%u", s->port);
	if (!s->defaults) {
		fputs(": ", f);
		print_payloads(f, s->payloads);
	}
	fputc('\n', f);
	for (st = s->sets; st != NULL; st = st->next) {
		fprintf(f, "%*sset %s = ", indent + 4, "", st->path);
		print_value(f, st->value);
		fputc('\n', f);
	}
	if (s->trailing)
		fprintf(f, "%*strailing %s\n", indent + 4, "", s->trailing->text);
}

static void print_expect(FILE *f, const struct script_expect *x)
{
	char buf[16];

	fprintf(f, "expect %s%s", x->any ? "any" :
	    exchange_name(x->exchange, buf, sizeof(buf)), dir_name(x->dir));
	print_timing(f, &x->timing);
	if (x->or_silence)
		fputs(" or silence", f);
	if (x->matchers) {
		fputs(": ", f);
		print_matchers(f, x->matchers);
	}
	fputc('\n', f);
}

static void print_retransmits(FILE *f, const struct script_retransmits *r)
{
	size_t i;

	fprintf(f, "expect retransmissions of $%s ", r->var);
	if (r->per_profile) {
		fputs("per profile", f);
	} else {
		fputs("at ", f);
		for (i = 0; i < r->ngaps; i++) {
			print_duration(f, r->gaps[i]);
			if (i + 1 < r->ngaps)
				fputs(", ", f);
		}
	}
	print_tolerance(f, &r->tolerance);
	fputc('\n', f);
}

static const char *sa_name(enum script_sa sa)
{
	switch (sa) {
	case SCRIPT_SA_NONE:
		return "";
	case SCRIPT_SA_IKE:
		return "ike";
	case SCRIPT_SA_CHILD:
		return "child";
	}
	return "";
}

static void print_event(FILE *f, const struct script_event *ev, int indent)
{
	fprintf(f, "%*s", indent, "");
	switch (ev->kind) {
	case SCRIPT_E_SEND:
		print_send(f, &ev->u.send, indent);
		break;
	case SCRIPT_E_EXPECT:
		print_expect(f, &ev->u.expect);
		break;
	case SCRIPT_E_SILENCE:
		fputs("expect silence for ", f);
		print_duration(f, ev->u.silence.duration);
		if (ev->u.silence.except_new_requests)
			fputs(" except new requests", f);
		fputc('\n', f);
		break;
	case SCRIPT_E_RETRANSMITS:
		print_retransmits(f, &ev->u.retransmits);
		break;
	case SCRIPT_E_CAPTURE:
		fprintf(f, "capture $%s = %s%s\n", ev->u.capture.var,
		    ev->u.capture.sent ? "sent " : "", ev->u.capture.path);
		break;
	case SCRIPT_E_LET:
		fprintf(f, "let $%s = ", ev->u.let.var);
		print_value(f, ev->u.let.value);
		fputc('\n', f);
		break;
	case SCRIPT_E_ESTABLISH:
		fprintf(f, "establish %s", sa_name(ev->u.establish.what));
		if (ev->u.establish.payloads) {
			fputs(": ", f);
			print_payloads(f, ev->u.establish.payloads);
		}
		fputc('\n', f);
		break;
	case SCRIPT_E_REPEAT:
		fprintf(f, "repeat %u {\n", ev->u.repeat.count);
		print_events(f, ev->u.repeat.body, indent + 4);
		fprintf(f, "%*s}\n", indent, "");
		break;
	case SCRIPT_E_IUT:
		fprintf(f, "iut %s%s%s", script_iut_verb_name(ev->u.iut.verb),
		    ev->u.iut.target != SCRIPT_SA_NONE ? " " : "",
		    sa_name(ev->u.iut.target));
		print_counters(f, ev->u.iut.counters);
		fputc('\n', f);
		break;
	case SCRIPT_E_ESP:
		print_esp(f, &ev->u.esp);
		break;
	case SCRIPT_E_NAT:
		print_nat(f, &ev->u.nat);
		break;
	case SCRIPT_E_WAIT:
		fputs("wait ", f);
		print_duration(f, ev->u.wait.duration);
		fputc('\n', f);
		break;
	}
}

static void print_esp_args(FILE *f, const struct script_arg *a)
{
	for (; a != NULL; a = a->next) {
		fprintf(f, " %s=", a->key);
		print_value(f, a->values);
	}
}

static void print_esp(FILE *f, const struct script_esp *x)
{
	fputs(x->ah ? "ah " : "esp ", f);
	switch (x->verb) {
	case SCRIPT_ESP_SEND:
		fprintf(f, "send %s", script_inner_name(x->inner));
		print_esp_args(f, x->args);
		break;
	case SCRIPT_ESP_REPLAY:
		fputs("replay", f);
		print_esp_args(f, x->args);
		break;
	case SCRIPT_ESP_EXPECT:
		fprintf(f, "expect %s", script_inner_name(x->inner));
		print_timing(f, &x->timing);
		if (x->or_silence)
			fputs(" or silence", f);
		if (x->args != NULL) {
			fputc(':', f);
			print_esp_args(f, x->args);
		}
		break;
	case SCRIPT_ESP_SILENCE:
		fputs("expect nothing for ", f);
		print_duration(f, x->duration);
		break;
	}
	fputc('\n', f);
}

static void print_nat(FILE *f, const struct script_nat *x)
{
	switch (x->verb) {
	case SCRIPT_NAT_REBIND:
		fputs("nat rebind", f);
		if (x->port)
			fputs(" port", f);
		if (x->address != NULL) {
			fputs(" address=", f);
			print_value(f, x->address);
		}
		break;
	case SCRIPT_NAT_KEEPALIVE:
		fputs("nat keepalive", f);
		break;
	case SCRIPT_NAT_PRETEND:
		fputs("nat pretend", f);
		break;
	case SCRIPT_NAT_EXPECT_KEEPALIVE:
		fputs("nat expect keepalive", f);
		print_timing(f, &x->timing);
		break;
	}
	fputc('\n', f);
}

static void print_counters(FILE *f, const struct script_counter *c)
{
	if (c != NULL)
		fputc(':', f);
	for (; c != NULL; c = c->next) {
		fprintf(f, " %s %s ", c->name, cmp_name(c->cmp));
		print_value(f, c->value);
		if (c->next)
			fputc(',', f);
	}
}

static void print_events(FILE *f, const struct script_event *ev, int indent)
{
	for (; ev != NULL; ev = ev->next)
		print_event(f, ev, indent);
}

static void print_header(FILE *f, const struct script *s)
{
	const struct script_clause *c;
	const struct script_need *nd;
	unsigned prev = 0;
	size_t i;

	fputs("test ", f);
	print_string(f, s->title, strlen(s->title));
	fputc('\n', f);
	if (s->id_written)
		fprintf(f, "id %s\n", s->id);
	fputs("rfc", f);
	for (c = s->clauses; c != NULL; c = c->next) {
		if (c != s->clauses)
			fputc(',', f);
		/* "rfc 7296 2.7, 3.3.6": a lone section keeps the RFC. */
		if (c == s->clauses || c->rfc != prev)
			fprintf(f, " %u", c->rfc);
		prev = c->rfc;
		fprintf(f, " %s", c->section);
	}
	fputc('\n', f);
	for (nd = s->needs; nd != NULL; nd = nd->next) {
		fprintf(f, "needs %s.%s", nd->section, nd->key);
		for (i = 0; i < nd->nvalues; i++)
			fprintf(f, "%s%s", i ? "|" : "=", nd->values[i]);
		fputc('\n', f);
	}
	if (s->role_written)
		fprintf(f, "role %s\n", s->role == SCRIPT_ROLE_RESPONDER ?
		    "responder" : "initiator");
	if (s->no_retransmit)
		fprintf(f, "retransmit off\n");
}

void script_print(FILE *f, const struct script *s)
{
	print_header(f, s);
	fputc('\n', f);
	print_events(f, s->events, 0);
}

char *script_print_string(const struct script *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		return NULL;
	script_print(f, s);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
