/* vector: reader of the known-answer files (format in vector.h and
 * vectors/README.md). The parser validates each line before it stores
 * anything from it, and the error names the file and line. */
#include "vector.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	VECTOR_MAX_FIELDS = 256,		/* per block */
	VECTOR_MAX_FILE = 64 * 1024 * 1024,
};

struct parser {
	const char *path;
	struct vector_file *f;
	struct vector_case *cur;	/* open block, or NULL */
	bool in_header;			/* the open block is the header */
	bool header_done;
	size_t cap_cases, cap_fields;
	size_t last_len, last_cap;	/* of the open block's last value */
	int line;
	struct err *e;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int perr(struct parser *p, const char *msg, const char *arg)
{
	return err_set(p->e, "%s:%d: %s%s", p->path, p->line, msg,
	    arg ? arg : "");
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		if (n)
			memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static void case_free(struct vector_case *c)
{
	size_t i;

	for (i = 0; i < c->nfields; i++) {
		free(c->fields[i].name);
		free(c->fields[i].value);
	}
	free(c->fields);
	c->fields = NULL;
	c->nfields = 0;
}

void vector_free(struct vector_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ncases; i++)
		case_free(&f->cases[i]);
	free(f->cases);
	case_free(&f->header);
	free(f->path);
	*f = (struct vector_file){ 0 };
}

/* Opens a block at the current line: the header first, then cases. */
static int block_open(struct parser *p)
{
	struct vector_file *f = p->f;

	p->cap_fields = 0;
	if (!p->header_done) {
		p->in_header = true;
		p->cur = &f->header;
		p->cur->line = p->line;
		return 0;
	}
	if (f->ncases == p->cap_cases) {
		size_t n = p->cap_cases ? 2 * p->cap_cases : 16;
		struct vector_case *c = realloc(f->cases, n * sizeof(*c));

		if (c == NULL)
			return perr(p, "out of memory", NULL);
		f->cases = c;
		p->cap_cases = n;
	}
	p->cur = &f->cases[f->ncases++];
	*p->cur = (struct vector_case){ p->line, 0, NULL };
	p->in_header = false;
	return 0;
}

static int block_close(struct parser *p)
{
	struct vector_case *c = p->cur;
	const char *r;

	if (c == NULL)
		return 0;
	p->cur = NULL;
	if (p->in_header) {
		p->header_done = true;
		p->f->kind = (char *)vector_get(c, "kind");
		p->f->source = (char *)vector_get(c, "source");
		if (p->f->kind == NULL || p->f->kind[0] == 0)
			return err_set(p->e, "%s:%d: header has no kind",
			    p->path, c->line);
		if (p->f->source == NULL || p->f->source[0] == 0)
			return err_set(p->e, "%s:%d: header has no source",
			    p->path, c->line);
		return 0;
	}
	r = vector_get(c, "result");
	if (r != NULL && strcmp(r, "valid") != 0 && strcmp(r, "invalid") != 0)
		return err_set(p->e, "%s:%d: result must be valid or invalid, "
		    "not `%s'", p->path, c->line, r);
	return 0;
}

/* An indented line: one space, then the text, onto the last value. */
static int continue_value(struct parser *p, const char *s, size_t n)
{
	struct vector_field *fl;
	size_t need;

	if (p->cur == NULL || p->cur->nfields == 0)
		return perr(p, "continuation with nothing to continue", NULL);
	fl = &p->cur->fields[p->cur->nfields - 1];
	need = p->last_len + 1 + n + 1;
	if (need > p->last_cap) {
		size_t cap = need > 2 * p->last_cap ? need : 2 * p->last_cap;
		char *v = realloc(fl->value, cap);

		if (v == NULL)
			return perr(p, "out of memory", NULL);
		fl->value = v;
		p->last_cap = cap;
	}
	/* A value that was empty gets no leading space. */
	if (p->last_len > 0)
		fl->value[p->last_len++] = ' ';
	memcpy(fl->value + p->last_len, s, n);
	p->last_len += n;
	fl->value[p->last_len] = 0;
	return 0;
}

static int add_field(struct parser *p, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t nlen, i, vstart, vend;
	struct vector_field *fl;
	char name[64];

	if (colon == NULL)
		return perr(p, "a field without ':'", NULL);
	nlen = (size_t)(colon - s);
	while (nlen > 0 && is_blank(s[nlen - 1]))
		nlen--;
	if (nlen == 0)
		return perr(p, "a field without a name", NULL);
	if (nlen >= sizeof(name))
		return perr(p, "field name too long", NULL);
	for (i = 0; i < nlen; i++)
		if (!is_name_char(s[i]))
			return perr(p, "field names are letters, digits, "
			    "'_' and '-'", NULL);
	memcpy(name, s, nlen);
	name[nlen] = 0;
	if (p->cur == NULL && block_open(p) < 0)
		return -1;
	for (i = 0; i < p->cur->nfields; i++)
		if (strcmp(p->cur->fields[i].name, name) == 0)
			return err_set(p->e, "%s:%d: duplicate field `%s' "
			    "(first at line %d)", p->path, p->line, name,
			    p->cur->fields[i].line);
	if (p->cur->nfields == VECTOR_MAX_FIELDS)
		return perr(p, "too many fields in one block", NULL);
	if (p->cur->nfields == p->cap_fields) {
		size_t cap = p->cap_fields ? 2 * p->cap_fields : 8;
		struct vector_field *nf = realloc(p->cur->fields,
		    cap * sizeof(*nf));

		if (nf == NULL)
			return perr(p, "out of memory", NULL);
		p->cur->fields = nf;
		p->cap_fields = cap;
	}
	vstart = (size_t)(colon - s) + 1;
	while (vstart < n && is_blank(s[vstart]))
		vstart++;
	vend = n;
	fl = &p->cur->fields[p->cur->nfields];
	fl->line = p->line;
	fl->name = dup_range(name, nlen);
	fl->value = dup_range(s + vstart, vend - vstart);
	if (fl->name == NULL || fl->value == NULL) {
		free(fl->name);
		free(fl->value);
		return perr(p, "out of memory", NULL);
	}
	p->cur->nfields++;
	p->last_len = vend - vstart;
	p->last_cap = p->last_len + 1;
	return 0;
}

/* One line (without its newline). A '#' at the start or after a blank
 * begins a comment; a line of blanks ends the block; a comment-only
 * line does not. */
static int parse_line(struct parser *p, const char *s, size_t n)
{
	size_t i, end;
	bool blank_only = true;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++) {
		if (s[i] == 0)
			return perr(p, "NUL byte in the text", NULL);
		if (!is_blank(s[i]))
			blank_only = false;
	}
	if (blank_only)
		return block_close(p);
	end = n;
	for (i = 0; i < n; i++)
		if (s[i] == '#' && (i == 0 || is_blank(s[i - 1]))) {
			end = i;
			break;
		}
	while (end > 0 && is_blank(s[end - 1]))
		end--;
	if (end == 0)
		return 0;
	if (is_blank(s[0])) {
		for (i = 0; is_blank(s[i]); i++)
			;
		if (i == end)	/* blanks, then a comment */
			return 0;
		return continue_value(p, s + i, end - i);
	}
	return add_field(p, s, end);
}

int vector_parse(const char *path, const char *text, size_t len,
    struct vector_file *out, struct err *e)
{
	struct parser p = { .path = path, .f = out, .e = e };
	size_t pos = 0;

	*out = (struct vector_file){ 0 };
	out->path = dup_range(path, strlen(path));
	if (out->path == NULL)
		return err_set(e, "%s: out of memory", path);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		if (p.line == INT_MAX) {
			err_set(e, "%s: too many lines", path);
			goto fail;
		}
		p.line++;
		if (parse_line(&p, text + pos, n) < 0)
			goto fail;
		pos += n + (nl ? 1 : 0);
	}
	if (block_close(&p) < 0)
		goto fail;
	if (!p.header_done) {
		err_set(e, "%s:%d: no header (kind: and source:)", path,
		    p.line);
		goto fail;
	}
	return 0;
fail:
	vector_free(out);
	return -1;
}

int vector_load(const char *path, struct vector_file *out, struct err *e)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;

	*out = (struct vector_file){ 0 };
	if (fp == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			if (cap >= VECTOR_MAX_FILE) {
				err_set(e, "%s: larger than %d bytes", path,
				    VECTOR_MAX_FILE);
				goto out;
			}
			cap = cap ? 2 * cap : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				err_set(e, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		err_set(e, "%s: read error", path);
		goto out;
	}
	rc = vector_parse(path, buf, len, out, e);
out:
	free(buf);
	fclose(fp);
	return rc;
}

const char *vector_get(const struct vector_case *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		if (strcmp(c->fields[i].name, name) == 0)
			return c->fields[i].value;
	return NULL;
}

int vector_get_hex(const struct vector_case *c, const char *name,
    struct bytes *out, struct err *e)
{
	const char *v = vector_get(c, name);

	if (v == NULL)
		return err_set(e, "line %d: no field `%s'", c->line, name);
	if (bytes_from_hex(out, v, strlen(v), e) < 0)
		return err_prefix(e, "line %d: field `%s'", c->line, name);
	return 0;
}

int vector_expects_invalid(const struct vector_case *c)
{
	const char *r = vector_get(c, "result");

	return r != NULL && strcmp(r, "invalid") == 0;
}
