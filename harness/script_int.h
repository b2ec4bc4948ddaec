/* script_int: what the lexer, parser and printer of the script module share
 * (not for other modules). */
#ifndef IKETEST_SCRIPT_INT_H
#define IKETEST_SCRIPT_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script.h"

struct err;

/* The arena: every node of a script, freed at once. */
void *script_arena_alloc(struct script_arena *a, size_t n);
char *script_arena_strndup(struct script_arena *a, const char *s, size_t n);
struct script_arena *script_arena_new(void);
void script_arena_free(struct script_arena *a);

enum script_tok_kind {
	TOK_EOF, TOK_NEWLINE, TOK_WORD, TOK_VAR, TOK_NUMBER, TOK_DURATION,
	TOK_PERCENT, TOK_HEX, TOK_STRING, TOK_LPAREN, TOK_RPAREN,
	TOK_LBRACE, TOK_RBRACE, TOK_LBRACKET, TOK_RBRACKET, TOK_COMMA,
	TOK_COLON, TOK_DOT, TOK_DOTDOT, TOK_EQ, TOK_EQEQ, TOK_NE, TOK_LT,
	TOK_LE, TOK_GT, TOK_GE, TOK_PIPE, TOK_SLASH, TOK_PLUSMINUS,
};

struct script_tok {
	enum script_tok_kind kind;
	const char *start;	/* in the source text */
	size_t len;
	int line, col;
	bool space_before;	/* white space (or line start) before it */
	bool dotted;		/* NUMBER with dots: "3.10.1", "1.5" */
	uint64_t num;		/* NUMBER (not dotted), HEX (<= 16 digits),
				 * DURATION in us, PERCENT x100 */
	bool num_ok;		/* HEX: num holds the value */
	const char *str;	/* STRING: decoded, in the arena */
	size_t str_len;
};

/* Tokens of the whole text, ending with TOK_EOF. Newlines become
 * TOK_NEWLINE only where a statement may end: not inside parentheses,
 * and not before a line indented deeper than the line that began the
 * statement (a continuation). ';' is a TOK_NEWLINE too. */
int script_lex(const char *path, const char *text, size_t len,
    struct script_arena *a, struct script_tok **out, size_t *n,
    struct err *e);

const char *script_tok_name(enum script_tok_kind k);

/* The parser state shared by script_parse.c and script_parse_msg.c. */
struct script_var {
	const char *name;
	bool message;		/* holds a whole message (capture = message) */
	struct script_pos pos;
	struct script_var *next;
};

struct script_parser {
	const char *path;
	struct script_tok *t;
	size_t n, i;
	struct script *s;
	struct script_arena *a;
	struct err *e;
	int depth;		/* nesting of repeat / either / SK */
	uint64_t repeat_total;	/* product of the enclosing repeat bounds */
	struct script_var *vars;
	bool seen_event;
	bool in_sk;		/* inside SK(...) */
};

struct script_tok *sp_peek(struct script_parser *p);
struct script_tok *sp_peek_at(struct script_parser *p, size_t ahead);
struct script_tok *sp_next(struct script_parser *p);
bool sp_is(struct script_parser *p, enum script_tok_kind k);
bool sp_is_word(struct script_parser *p, const char *w);
bool sp_accept(struct script_parser *p, enum script_tok_kind k);
bool sp_accept_word(struct script_parser *p, const char *w);
bool sp_tok_is_word(const struct script_tok *t, const char *w);
/* Sets "path:line:col: message" at t; returns -1. */
int sp_err(struct script_parser *p, const struct script_tok *t,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "expected WHAT, got `x'" unless the next token is of kind k. */
int sp_expect(struct script_parser *p, enum script_tok_kind k,
    const char *what);
int sp_expect_word(struct script_parser *p, const char *w);
/* Zeroed arena memory; NULL with an error set. */
void *sp_new(struct script_parser *p, size_t n);
char *sp_text(struct script_parser *p, const struct script_tok *t);
/* How a token reads in an error message: `word' or "end of line". */
const char *sp_tok_desc(const struct script_tok *t, char *buf, size_t size);
struct script_pos sp_pos(const struct script_tok *t);

/* Variables: defined once, used after. */
int sp_var_define(struct script_parser *p, const struct script_tok *t,
    bool message, const char **name);
int sp_var_use(struct script_parser *p, const struct script_tok *t,
    bool need_message, const char **name);

/* script_parse_msg.c: values, paths, payloads, matchers, timing. */
int sp_value(struct script_parser *p, bool oneof, struct script_value **out);
int sp_path(struct script_parser *p, const char **out);
int sp_duration(struct script_parser *p, script_us *out);
int sp_payloads(struct script_parser *p, bool matching,
    struct script_payload **out);
int sp_matchers(struct script_parser *p, struct script_matcher **out);
int sp_timing(struct script_parser *p, struct script_timing *out);
/* ±10% or ±50ms after a time: kind PERCENT or ABS, or NONE if absent. */
int sp_tolerance(struct script_parser *p, struct script_timing *t);
bool sp_at_statement_end(struct script_parser *p);

/* Header lines (script_parse_meta.c); kw is the line's first word. */
int sp_header_test(struct script_parser *p, const struct script_tok *kw);
int sp_header_id(struct script_parser *p, const struct script_tok *kw);
int sp_header_rfc(struct script_parser *p, const struct script_tok *kw);
int sp_header_needs(struct script_parser *p, const struct script_tok *kw);
int sp_header_role(struct script_parser *p, const struct script_tok *kw);
int sp_header_retransmit(struct script_parser *p, const struct script_tok *kw);

/* script_parse_esp.c: traffic events. */
int sp_parse_esp(struct script_parser *p, struct script_event *ev, bool ah);
int sp_parse_nat(struct script_parser *p, struct script_event *ev);
int sp_parse_counters(struct script_parser *p, struct script_iut *u);

/* script_check.c: a field path against the codec's tables. 0, or -1 with
 * "path `P': ..." in e and *at the offset in path of the bad part. */
int sp_check_path(const char *path, size_t *at, struct err *e);

#endif
