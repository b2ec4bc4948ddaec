/* script_lex: the arena of script nodes and the lexer of the test language.
 * The lexer turns the whole text into tokens with line and column; it
 * decides where statements end (see script_int.h) so that the parser only
 * sees TOK_NEWLINE between statements. */
#include "script_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "err.h"

/* ------------------------------------------------------------------ */
/* Arena                                                               */

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct script_arena {
	struct arena_block *head;
};

enum { ARENA_BLOCK = 16384 };

struct script_arena *script_arena_new(void)
{
	return calloc(1, sizeof(struct script_arena));
}

void *script_arena_alloc(struct script_arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t size;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->size - b->used < n) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = calloc(1, sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->size = size;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

char *script_arena_strndup(struct script_arena *a, const char *s, size_t n)
{
	char *p = script_arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void script_arena_free(struct script_arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* ------------------------------------------------------------------ */
/* Lexer                                                               */

enum { LEX_MAX_PAREN = 32 };

struct lexer {
	const char *path, *p, *end;
	int line, col;
	struct script_arena *a;
	struct script_tok *toks;
	size_t n, cap;
	int paren_line[LEX_MAX_PAREN], paren_col[LEX_MAX_PAREN];
	int depth;
	bool newline_pending;	/* a line break since the last token */
	bool logical_start;	/* the next token begins a statement */
	int logical_col;	/* column of the statement's first token */
	struct err *e;
};

static const char *const tok_names[] = {
	[TOK_EOF] = "end of file", [TOK_NEWLINE] = "end of line",
	[TOK_WORD] = "word", [TOK_VAR] = "variable", [TOK_NUMBER] = "number",
	[TOK_DURATION] = "duration", [TOK_PERCENT] = "percentage",
	[TOK_HEX] = "hex", [TOK_STRING] = "string", [TOK_LPAREN] = "`('",
	[TOK_RPAREN] = "`)'", [TOK_LBRACE] = "`{'", [TOK_RBRACE] = "`}'",
	[TOK_LBRACKET] = "`['", [TOK_RBRACKET] = "`]'", [TOK_COMMA] = "`,'",
	[TOK_COLON] = "`:'", [TOK_DOT] = "`.'", [TOK_DOTDOT] = "`..'",
	[TOK_EQ] = "`='", [TOK_EQEQ] = "`=='", [TOK_NE] = "`!='",
	[TOK_LT] = "`<'", [TOK_LE] = "`<='", [TOK_GT] = "`>'",
	[TOK_GE] = "`>='", [TOK_PIPE] = "`|'", [TOK_SLASH] = "`/'",
	[TOK_PLUSMINUS] = "`±'",
};

const char *script_tok_name(enum script_tok_kind k)
{
	return (size_t)k < sizeof(tok_names) / sizeof(tok_names[0]) &&
	    tok_names[k] ? tok_names[k] : "token";
}

static int lex_err(struct lexer *l, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int lex_err(struct lexer *l, int line, int col, const char *fmt, ...)
{
	char msg[ERR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(l->e, "%s:%d:%d: %s", l->path, line, col, msg);
}

static struct script_tok *push(struct lexer *l, enum script_tok_kind k,
    const char *start, size_t len, int line, int col, bool space)
{
	struct script_tok *t;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct script_tok *v = realloc(l->toks, cap * sizeof(*v));
		if (v == NULL) {
			lex_err(l, line, col, "out of memory");
			return NULL;
		}
		l->toks = v;
		l->cap = cap;
	}
	t = &l->toks[l->n++];
	memset(t, 0, sizeof(*t));
	t->kind = k;
	t->start = start;
	t->len = len;
	t->line = line;
	t->col = col;
	t->space_before = space;
	return t;
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

/* Skips blanks, comments and line breaks; returns whether any was seen. */
static bool skip_space(struct lexer *l)
{
	bool any = false;

	while (l->p < l->end) {
		char c = *l->p;
		if (c == ' ' || c == '\r') {
			l->col++;
		} else if (c == '\t') {
			l->col = ((l->col - 1) / 8 + 1) * 8 + 1;
		} else if (c == '\n') {
			l->line++;
			l->col = 1;
			l->newline_pending = true;
		} else if (c == '#') {
			while (l->p < l->end && *l->p != '\n')
				l->p++;
			any = true;
			continue;
		} else {
			break;
		}
		l->p++;
		any = true;
	}
	return any;
}

/* The statement-ending rule, applied before each real token. */
static int maybe_newline(struct lexer *l, bool rbrace)
{
	bool after_lbrace = l->n > 0 && l->toks[l->n - 1].kind == TOK_LBRACE;
	bool after_newline = l->n == 0 ||
	    l->toks[l->n - 1].kind == TOK_NEWLINE;

	if (l->newline_pending && l->depth == 0 && !after_newline &&
	    (after_lbrace || rbrace || l->col <= l->logical_col)) {
		if (push(l, TOK_NEWLINE, l->p, 0, l->line, l->col, true) == NULL)
			return -1;
		l->logical_start = true;
	}
	if (l->newline_pending && l->n > 0 &&
	    l->toks[l->n - 1].kind == TOK_NEWLINE)
		l->logical_start = true;
	if (l->logical_start) {
		l->logical_col = l->col;
		l->logical_start = false;
	}
	l->newline_pending = false;
	return 0;
}

static int lex_string(struct lexer *l, struct script_tok *t)
{
	const char *p = l->p + 1, *q;
	char *out;
	size_t n = 0;
	int col = l->col + 1;

	/* Room for the string as written (decoding only shrinks it), not for
	 * the rest of the file: many strings must not cost n^2. */
	for (q = p; q < l->end && *q != '\n' && *q != '"'; q++)
		if (*q == '\\' && q + 1 < l->end && q[1] != '\n')
			q++;
	out = script_arena_alloc(l->a, (size_t)(q - p) + 1);
	if (out == NULL)
		return lex_err(l, t->line, t->col, "out of memory");
	for (;;) {
		if (p >= l->end || *p == '\n')
			return lex_err(l, t->line, t->col, "unterminated string");
		if (*p == '"')
			break;
		if (*p != '\\') {
			out[n++] = *p++;
			col++;
			continue;
		}
		if (p + 1 >= l->end)
			return lex_err(l, t->line, t->col, "unterminated string");
		switch (p[1]) {
		case '\\': out[n++] = '\\'; break;
		case '"': out[n++] = '"'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case '0': out[n++] = '\0'; break;
		case 'x':
			if (p + 3 >= l->end || bytes_hex_digit(p[2]) < 0 ||
			    bytes_hex_digit(p[3]) < 0)
				return lex_err(l, t->line, col,
				    "\\x needs two hex digits");
			out[n++] = (char)(bytes_hex_digit(p[2]) * 16 + bytes_hex_digit(p[3]));
			p += 2;
			col += 2;
			break;
		default:
			return lex_err(l, t->line, col,
			    "unknown escape `\\%c' in string (use \\\\ \\\" \\n \\t \\0 \\xHH)",
			    p[1] >= 32 && p[1] < 127 ? p[1] : '?');
		}
		p += 2;
		col += 2;
	}
	out[n] = '\0';
	t->str = out;
	t->str_len = n;
	t->len = (size_t)(p + 1 - l->p);
	return 0;
}

static int lex_hex(struct lexer *l, struct script_tok *t)
{
	const char *p = l->p + 2;
	size_t digits = 0;
	uint64_t v = 0;

	while (p < l->end && bytes_hex_digit(*p) >= 0) {
		v = (v << 4) | (uint64_t)bytes_hex_digit(*p);
		p++;
		digits++;
	}
	if (digits == 0)
		return lex_err(l, t->line, t->col, "`0x' without hex digits");
	if (p < l->end && is_alnum(*p))
		return lex_err(l, t->line, t->col + (int)(p - l->p),
		    "not a hex digit `%c'", *p);
	t->kind = TOK_HEX;
	t->len = (size_t)(p - l->p);
	t->num = v;
	t->num_ok = digits <= 16;
	return 0;
}

/* "1.5" as integer and fraction; scale is the unit in us (or 100 for %). */
static int scaled(struct lexer *l, struct script_tok *t, const char *s,
    size_t n, uint64_t scale, uint64_t *out)
{
	uint64_t ip = 0, frac = 0, div = 1;
	size_t i = 0;

	for (; i < n && is_digit(s[i]); i++) {
		if (ip > (UINT64_MAX - 9) / 10)
			return lex_err(l, t->line, t->col, "number too large");
		ip = ip * 10 + (uint64_t)(s[i] - '0');
	}
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit(s[i]); i++) {
			if (div > UINT64_MAX / 10 / scale)
				return lex_err(l, t->line, t->col,
				    "`%.*s': too many decimals", (int)t->len,
				    t->start);
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			div *= 10;
		}
	if (ip > UINT64_MAX / scale || frac * scale % div != 0 ||
	    ip * scale > UINT64_MAX - frac * scale / div)
		return lex_err(l, t->line, t->col,
		    "`%.*s': out of range or finer than the unit allows",
		    (int)t->len, t->start);
	*out = ip * scale + frac * scale / div;
	return 0;
}

static const struct {
	const char *unit;
	uint64_t us;
} units[] = {
	{ "us", 1 }, { "ms", 1000 }, { "s", 1000000 }, { "min", 60000000 },
};


/* Digits: a number, a dotted number (3.10.1), a duration (1.5s), a
 * percentage (10%), or a word that starts with a digit (3DES). */
static int lex_number(struct lexer *l, struct script_tok *t)
{
	const char *p = l->p, *suf;
	int dots = 0;
	size_t i, nlen;

	while (p < l->end && is_digit(*p))
		p++;
	while (p + 1 < l->end && *p == '.' && is_digit(p[1])) {
		dots++;
		p++;
		while (p < l->end && is_digit(*p))
			p++;
	}
	suf = p;
	nlen = (size_t)(suf - l->p);
	while (p < l->end && (is_alnum(*p) || *p == '-'))
		p++;
	t->len = (size_t)(p - l->p);
	t->dotted = dots > 0;
	if (suf == p && p < l->end && *p == '%') {
		t->len++;
		t->kind = TOK_PERCENT;
		if (dots > 1)
			return lex_err(l, t->line, t->col, "bad percentage `%.*s'",
			    (int)t->len, t->start);
		return scaled(l, t, t->start, nlen, 100, &t->num);
	}
	if (suf == p) {
		t->kind = TOK_NUMBER;
		return dots > 0 ? 0 : scaled(l, t, t->start, nlen, 1, &t->num);
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].unit) == (size_t)(p - suf) &&
		    memcmp(units[i].unit, suf, (size_t)(p - suf)) == 0) {
			t->kind = TOK_DURATION;
			if (dots > 1)
				break;
			return scaled(l, t, t->start, nlen, units[i].us, &t->num);
		}
	if (dots > 0)
		return lex_err(l, t->line, t->col,
		    "bad duration `%.*s' (write 2s, 500ms, 250us, 1.5s or 1min)",
		    (int)t->len, t->start);
	/* 3DES, 3IDEA: names that start with a digit. */
	t->kind = TOK_WORD;
	return 0;
}

struct punct {
	const char *text;
	enum script_tok_kind kind;
};

/* Longest first. */
static const struct punct puncts[] = {
	{ "\xc2\xb1", TOK_PLUSMINUS }, { "+-", TOK_PLUSMINUS },
	{ "..", TOK_DOTDOT }, { "==", TOK_EQEQ }, { "!=", TOK_NE },
	{ "<=", TOK_LE }, { ">=", TOK_GE }, { "(", TOK_LPAREN },
	{ ")", TOK_RPAREN }, { "{", TOK_LBRACE }, { "}", TOK_RBRACE },
	{ "[", TOK_LBRACKET }, { "]", TOK_RBRACKET }, { ",", TOK_COMMA },
	{ ":", TOK_COLON }, { ".", TOK_DOT }, { "=", TOK_EQ },
	{ "<", TOK_LT }, { ">", TOK_GT }, { "|", TOK_PIPE },
	{ "/", TOK_SLASH }, { ";", TOK_NEWLINE },
};

static int lex_punct(struct lexer *l, struct script_tok *t)
{
	size_t i, n;
	unsigned char c = (unsigned char)*l->p;

	for (i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		n = strlen(puncts[i].text);
		if ((size_t)(l->end - l->p) >= n &&
		    memcmp(l->p, puncts[i].text, n) == 0) {
			t->kind = puncts[i].kind;
			t->len = n;
			return 0;
		}
	}
	if (c >= 32 && c < 127)
		return lex_err(l, t->line, t->col, "unexpected character `%c'", c);
	return lex_err(l, t->line, t->col, "unexpected byte 0x%02x", c);
}

/* One token at l->p (already past white space). */
static int lex_one(struct lexer *l, bool space)
{
	struct script_tok *t;
	const char *p = l->p;
	int rc = 0;

	if (maybe_newline(l, *p == '}') < 0)
		return -1;
	t = push(l, TOK_WORD, p, 1, l->line, l->col, space);
	if (t == NULL)
		return -1;
	if (is_alpha(*p)) {
		while (p < l->end && (is_alnum(*p) || *p == '-'))
			p++;
		t->len = (size_t)(p - l->p);
	} else if (*p == '$') {
		t->kind = TOK_VAR;
		for (p++; p < l->end && is_alnum(*p); p++)
			;
		t->len = (size_t)(p - l->p);
		if (t->len == 1 || is_digit(l->p[1]))
			return lex_err(l, t->line, t->col,
			    "`$' must be followed by a variable name");
	} else if (*p == '"') {
		t->kind = TOK_STRING;
		rc = lex_string(l, t);
	} else if (*p == '0' && p + 1 < l->end && (p[1] == 'x' || p[1] == 'X')) {
		rc = lex_hex(l, t);
	} else if (is_digit(*p)) {
		rc = lex_number(l, t);
	} else {
		rc = lex_punct(l, t);
	}
	if (rc < 0)
		return -1;
	if (t->kind == TOK_LPAREN) {
		if (l->depth == LEX_MAX_PAREN)
			return lex_err(l, t->line, t->col,
			    "parentheses nested too deeply");
		l->paren_line[l->depth] = t->line;
		l->paren_col[l->depth] = t->col;
		l->depth++;
	} else if (t->kind == TOK_RPAREN) {
		if (l->depth == 0)
			return lex_err(l, t->line, t->col, "`)' without `('");
		l->depth--;
	} else if (t->kind == TOK_NEWLINE) {
		/* ';' separates statements on one line. */
		if (l->depth > 0)
			return lex_err(l, t->line, t->col,
			    "`;' inside parentheses");
		l->logical_start = true;
	}
	/* Tokens hold no line breaks: the column moves by the length. */
	l->p += t->len;
	l->col += t->kind == TOK_PLUSMINUS && t->len == 2 &&
	    (unsigned char)t->start[0] == 0xc2 ? 1 : (int)t->len;
	return 0;
}

int script_lex(const char *path, const char *text, size_t len,
    struct script_arena *a, struct script_tok **out, size_t *n,
    struct err *e)
{
	struct lexer l = {
		.path = path, .p = text, .end = text + len, .line = 1,
		.col = 1, .a = a, .logical_start = true, .e = e,
	};
	bool space;

	*out = NULL;
	*n = 0;
	for (;;) {
		space = skip_space(&l) || l.n == 0;
		if (l.p >= l.end)
			break;
		if (lex_one(&l, space) < 0)
			goto fail;
	}
	if (l.depth > 0) {
		lex_err(&l, l.paren_line[0], l.paren_col[0],
		    "`(' is never closed");
		goto fail;
	}
	if ((l.n > 0 && l.toks[l.n - 1].kind != TOK_NEWLINE &&
	    push(&l, TOK_NEWLINE, l.p, 0, l.line, l.col, true) == NULL) ||
	    push(&l, TOK_EOF, l.p, 0, l.line, l.col, true) == NULL)
		goto fail;
	*out = l.toks;
	*n = l.n;
	return 0;
fail:
	free(l.toks);
	return -1;
}
