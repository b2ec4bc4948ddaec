/* codec: nodes, values, computed fields and problems. Decoding, encoding,
 * paths and printing are in codec_decode.c, codec_encode.c, codec_path.c
 * and codec_print.c; the tables in codec_tables.c. */
#include "codec_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

uint64_t codec_width_max(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

struct codec_node *codec_node_new(enum codec_struct_id id)
{
	const struct codec_struct *st = codec_struct_get(id);
	struct codec_node *n;
	size_t i;

	if (st == NULL)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->st = st;
	n->ptype = st->ptype;
	n->v = calloc(st->nfields, sizeof(*n->v));
	if (n->v == NULL) {
		free(n);
		return NULL;
	}
	for (i = 0; i < st->nfields; i++)
		n->v[i].num = st->fields[i].def;
	if (st->init && st->init(n) < 0) {
		codec_node_free(n);
		return NULL;
	}
	return n;
}

struct codec_node *codec_message_new(void)
{
	return codec_node_new(CODEC_S_MESSAGE);
}

struct codec_node *codec_chain_new(void)
{
	return codec_node_new(CODEC_S_CHAIN);
}

struct codec_node *codec_payload_new(unsigned ptype)
{
	struct codec_node *n;

	if (ptype > 255)
		return NULL;
	n = codec_node_new(codec_struct_of_payload(ptype)->id);
	if (n)
		n->ptype = ptype;
	return n;
}

enum codec_struct_id codec_child_kind(const struct codec_node *n)
{
	size_t i;

	for (i = 0; i < n->st->nfields; i++)
		if (n->st->fields[i].kind == CODEC_K_CHILDREN)
			return n->st->fields[i].child;
	return CODEC_S_COUNT;
}

struct codec_node *codec_child_new(const struct codec_node *parent)
{
	enum codec_struct_id k = codec_child_kind(parent);

	if (k == CODEC_S_COUNT || k == CODEC_S_MESSAGE)
		return NULL;
	return codec_node_new(k);
}

void codec_node_free(struct codec_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		codec_node_free(n->kids[i]);
	free(n->kids);
	for (i = 0; i < n->st->nfields; i++)
		bytes_free(&n->v[i].data);
	free(n->v);
	free(n);
}

struct codec_node *codec_node_clone(const struct codec_node *n)
{
	struct codec_node *c = codec_node_new(n->st->id);
	size_t i;

	if (c == NULL)
		return NULL;
	c->ptype = n->ptype;
	c->offset = n->offset;
	for (i = 0; i < n->st->nfields; i++) {
		c->v[i].num = n->v[i].num;
		c->v[i].set = n->v[i].set;
		if (bytes_set(&c->v[i].data, n->v[i].data.data,
		    n->v[i].data.len) < 0)
			goto fail;
	}
	for (i = 0; i < n->nkids; i++) {
		struct codec_node *k = codec_node_clone(n->kids[i]);

		if (k == NULL || codec_append(c, k) < 0) {
			codec_node_free(k);
			goto fail;
		}
	}
	return c;
fail:
	codec_node_free(c);
	return NULL;
}

bool codec_is_payload(const struct codec_node *n)
{
	return n->st->id >= CODEC_S_SA && n->st->id <= CODEC_S_UNKNOWN;
}

void codec_reindex(struct codec_node *parent)
{
	size_t i;

	for (i = 0; i < parent->nkids; i++)
		parent->kids[i]->index = i;
}

int codec_insert(struct codec_node *parent, size_t index,
    struct codec_node *kid)
{
	enum codec_struct_id k = codec_child_kind(parent);

	if (kid == NULL || kid->parent != NULL || index > parent->nkids)
		return -1;
	if (k == CODEC_S_COUNT || (k == CODEC_S_MESSAGE ?
	    !codec_is_payload(kid) : kid->st->id != k))
		return -1;
	if (parent->nkids == parent->capkids) {
		size_t cap = parent->capkids ? 2 * parent->capkids : 4;
		struct codec_node **p = realloc(parent->kids,
		    cap * sizeof(*p));

		if (p == NULL)
			return -1;
		parent->kids = p;
		parent->capkids = cap;
	}
	memmove(parent->kids + index + 1, parent->kids + index,
	    (parent->nkids - index) * sizeof(*parent->kids));
	parent->kids[index] = kid;
	parent->nkids++;
	kid->parent = parent;
	if (index + 1 == parent->nkids)
		kid->index = index;	/* appending: nothing else moves */
	else
		codec_reindex(parent);
	return 0;
}

int codec_append(struct codec_node *parent, struct codec_node *kid)
{
	return codec_insert(parent, parent->nkids, kid);
}

struct codec_node *codec_remove(struct codec_node *parent, size_t index)
{
	struct codec_node *kid;

	if (index >= parent->nkids)
		return NULL;
	kid = parent->kids[index];
	memmove(parent->kids + index, parent->kids + index + 1,
	    (parent->nkids - index - 1) * sizeof(*parent->kids));
	parent->nkids--;
	kid->parent = NULL;
	kid->index = 0;
	codec_reindex(parent);
	return kid;
}

int codec_move(struct codec_node *parent, size_t from, size_t to)
{
	struct codec_node *kid;

	if (from >= parent->nkids || to >= parent->nkids)
		return -1;
	kid = parent->kids[from];
	if (from < to)
		memmove(parent->kids + from, parent->kids + from + 1,
		    (to - from) * sizeof(*parent->kids));
	else
		memmove(parent->kids + to + 1, parent->kids + to,
		    (from - to) * sizeof(*parent->kids));
	parent->kids[to] = kid;
	codec_reindex(parent);
	return 0;
}

struct codec_node *codec_find_payload(const struct codec_node *msg,
    unsigned ptype, unsigned nth)
{
	size_t i;
	unsigned seen = 0;

	for (i = 0; i < msg->nkids; i++)
		if (msg->kids[i]->ptype == ptype && ++seen == nth)
			return msg->kids[i];
	return NULL;
}

static bool field_ok(const struct codec_node *n, int field,
    enum codec_kind kind)
{
	return n && field >= 0 && (size_t)field < n->st->nfields &&
	    n->st->fields[field].kind == kind;
}

uint64_t codec_get_uint(const struct codec_node *n, int field)
{
	return field_ok(n, field, CODEC_K_UINT) ? n->v[field].num : 0;
}

int codec_set_uint(struct codec_node *n, int field, uint64_t v)
{
	if (!field_ok(n, field, CODEC_K_UINT) ||
	    v > codec_width_max(n->st->fields[field].bits))
		return -1;
	n->v[field].num = v;
	n->v[field].set = true;
	return 0;
}

const struct bytes *codec_get_data(const struct codec_node *n, int field)
{
	return field_ok(n, field, CODEC_K_DATA) ? &n->v[field].data : NULL;
}

int codec_set_data(struct codec_node *n, int field, const void *p,
    size_t len)
{
	struct bytes *d;

	if (!field_ok(n, field, CODEC_K_DATA))
		return -1;
	d = &n->v[field].data;
	if (len == 0) {
		d->len = 0;
	} else if (bytes_set(d, p, len) < 0) {
		return -1;
	}
	n->v[field].set = true;
	return 0;
}

void codec_unset(struct codec_node *n, int field)
{
	if (n && field >= 0 && (size_t)field < n->st->nfields)
		n->v[field].set = false;
}

bool codec_is_set(const struct codec_node *n, int field)
{
	return n && field >= 0 && (size_t)field < n->st->nfields &&
	    n->v[field].set;
}

bool codec_field_present(const struct codec_node *n, int field)
{
	const struct codec_field *f = &n->st->fields[field];

	return f->present == NULL || f->present(n);
}

/* Bytes of UINT fields, DATA and children: the wire size. */
size_t codec_node_size(const struct codec_node *n)
{
	size_t i, bits = 0, size = 0;

	for (i = 0; i < n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];

		if (!codec_field_present(n, (int)i))
			continue;
		switch (f->kind) {
		case CODEC_K_UINT:
			bits += f->bits;
			break;
		case CODEC_K_DATA:
			size += n->v[i].data.len;
			break;
		case CODEC_K_CHILDREN:
			for (size_t k = 0; k < n->nkids; k++)
				size += codec_node_size(n->kids[k]);
			break;
		case CODEC_K_ALIAS:
			break;
		}
	}
	return size + bits / 8;
}

size_t codec_field_offset(const struct codec_node *n, int field)
{
	size_t i, bits = 0, size = 0, k;

	for (i = 0; i < (size_t)field && i < n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];

		if (!codec_field_present(n, (int)i))
			continue;
		if (f->kind == CODEC_K_UINT)
			bits += f->bits;
		else if (f->kind == CODEC_K_DATA)
			size += n->v[i].data.len;
		else if (f->kind == CODEC_K_CHILDREN)
			for (k = 0; k < n->nkids; k++)
				size += codec_node_size(n->kids[k]);
	}
	return size + bits / 8;
}

uint64_t codec_auto_value(const struct codec_node *n, int field)
{
	const struct codec_field *f = &n->st->fields[field];
	const struct codec_node *p = n->parent;
	size_t size;

	switch (f->autov) {
	case CODEC_A_NONE:
		return n->v[field].num;
	case CODEC_A_RESERVED:
		return 0;
	case CODEC_A_LENGTH:
		size = codec_node_size(n);
		return size >= f->aux ? size - f->aux : 0;
	case CODEC_A_DATA_LENGTH:
		return n->v[f->ref].data.len;
	case CODEC_A_COUNT:
		return n->nkids;
	case CODEC_A_NEXT_PAYLOAD:
		if (!codec_is_payload(n))
			return n->nkids ? n->kids[0]->ptype : PL_NONE;
		if (p && n->index + 1 < p->nkids)
			return p->kids[n->index + 1]->ptype;
		return PL_NONE;
	case CODEC_A_LAST_MORE:
		return p && n->index + 1 < p->nkids ? f->aux : 0;
	case CODEC_A_INDEX:
		return p ? n->index + 1 : 1;
	case CODEC_A_FIRST_CHILD_LENGTH:
		return n->nkids ? codec_node_size(n->kids[0]) : 0;
	}
	return 0;
}

int codec_effective_uint(const struct codec_node *n, int field,
    uint64_t *v)
{
	const struct codec_field *f;
	uint64_t x;

	if (!field_ok(n, field, CODEC_K_UINT))
		return -1;
	f = &n->st->fields[field];
	x = n->v[field].set ? n->v[field].num : codec_auto_value(n, field);
	if (x > codec_width_max(f->bits))
		return -1;
	*v = x;
	return 0;
}

unsigned codec_chain_first(const struct codec_node *chain)
{
	return chain->nkids ? chain->kids[0]->ptype : PL_NONE;
}

int codec_walk(struct codec_node *root,
    int (*fn)(struct codec_node *n, unsigned depth, void *ctx), void *ctx)
{
	struct codec_node *stack_n[16];
	size_t stack_i[16];
	unsigned depth = 0;
	int rc;

	/* Iterative, with a fixed stack: the tree is at most 5 deep. */
	rc = fn(root, 0, ctx);
	if (rc)
		return rc;
	stack_n[0] = root;
	stack_i[0] = 0;
	for (;;) {
		struct codec_node *n = stack_n[depth];

		if (stack_i[depth] >= n->nkids) {
			if (depth == 0)
				return 0;
			depth--;
			continue;
		}
		n = n->kids[stack_i[depth]++];
		rc = fn(n, depth + 1, ctx);
		if (rc)
			return rc;
		if (n->nkids && depth + 1 < 16) {
			depth++;
			stack_n[depth] = n;
			stack_i[depth] = 0;
		}
	}
}

/* Problems */

static const struct {
	const char *name;
	enum codec_severity sev;
	const char *text;
} problem_info[CODEC_P_COUNT] = {
#define X(code, sev, text) [CODEC_P_##code] = { #code, CODEC_SEV_##sev, text },
	CODEC_PROBLEMS(X)
#undef X
};

const char *codec_problem_name(enum codec_problem_code c)
{
	return c < CODEC_P_COUNT ? problem_info[c].name : "?";
}

const char *codec_problem_describe(enum codec_problem_code c)
{
	return c < CODEC_P_COUNT ? problem_info[c].text : "?";
}

enum codec_severity codec_problem_severity(enum codec_problem_code c)
{
	return c < CODEC_P_COUNT ? problem_info[c].sev : CODEC_SEV_ERROR;
}

int codec_problem_parse(const char *name, size_t len,
    enum codec_problem_code *c)
{
	unsigned i;

	for (i = 0; i < CODEC_P_COUNT; i++)
		if (strlen(problem_info[i].name) == len &&
		    memcmp(problem_info[i].name, name, len) == 0) {
			*c = (enum codec_problem_code)i;
			return 0;
		}
	return -1;
}

size_t codec_problems_count(const struct codec_problems *p,
    enum codec_problem_code c)
{
	size_t i, k = 0;

	for (i = 0; i < p->count; i++)
		if (p->list[i].code == c)
			k++;
	return k;
}

size_t codec_problems_errors(const struct codec_problems *p)
{
	size_t i, k = 0;

	for (i = 0; i < p->count; i++)
		if (codec_problem_severity(p->list[i].code) == CODEC_SEV_ERROR)
			k++;
	return k;
}

const struct codec_problem *codec_problems_find(
    const struct codec_problems *p, enum codec_problem_code c)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (p->list[i].code == c)
			return &p->list[i];
	return NULL;
}

void codec_problem_add(struct codec_problems *pr, enum codec_problem_code c,
    size_t offset, const struct codec_node *n, int field, const char *fmt,
    ...)
{
	struct codec_problem *p;
	va_list ap;

	if (pr == NULL)
		return;
	if (pr->count == CODEC_PROBLEMS_MAX) {
		pr->dropped++;
		return;
	}
	p = &pr->list[pr->count++];
	p->code = c;
	p->offset = offset;
	p->path[0] = '\0';
	p->node = n;
	p->field = field;
	if (n)
		codec_path_of(n, field, p->path, sizeof(p->path));
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof(p->text), fmt, ap);
	va_end(ap);
}

void codec_problem_format(const struct codec_problem *p, char *out,
    size_t outlen)
{
	snprintf(out, outlen, "malformation at offset %zu: %s: %s%s%s",
	    p->offset, codec_problem_name(p->code), p->path,
	    p->path[0] ? " " : "", p->text);
}
