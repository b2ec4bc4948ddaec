/* codec_print: the one pretty-printer. One line per node, indented by
 * depth, every field by name (IANA names where a table applies), then
 * the malformations the decoder named. */
#include "codec_int.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

enum { PRINT_DATA_MAX = 32 };

struct printer {
	struct bytes *out;
	unsigned flags;
	bool nomem;
};

static void emit(struct printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emit(struct printer *p, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	if ((size_t)w >= sizeof(line))
		w = sizeof(line) - 1;
	if (bytes_append(p->out, line, (size_t)w) < 0)
		p->nomem = true;
}

/* Fields an alias stands for print through the alias. */
static bool under_alias(const struct codec_node *n, size_t field)
{
	size_t i;
	unsigned bits = 0;

	for (i = field; i-- > 0;) {
		const struct codec_field *f = &n->st->fields[i];

		if (f->kind == CODEC_K_ALIAS)
			return bits < f->bits;
		if (f->kind != CODEC_K_UINT)
			return false;
		bits += f->bits;
	}
	return false;
}

static void print_label(struct printer *p, const struct codec_node *n)
{
	size_t rank = n->index + 1;
	char buf[24];

	if (n->st->id == CODEC_S_MESSAGE) {
		emit(p, "IKE header:");
	} else if (n->st->id == CODEC_S_CHAIN) {
		emit(p, "payload chain:");
	} else if (codec_is_payload(n)) {
		emit(p, "%s (%u)", codec_payload_name(n->ptype, buf,
		    sizeof(buf)), n->ptype);
	} else {
		/* Substructures count from 1 among their siblings. */
		emit(p, "%s[%zu]", n->st->path_name, rank);
	}
}

static void print_fields(struct printer *p, const struct codec_node *n)
{
	char val[256];
	size_t i;

	for (i = 0; i < n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];
		uint64_t v = 0;

		if (f->kind == CODEC_K_CHILDREN ||
		    !codec_field_present(n, (int)i) || under_alias(n, i))
			continue;
		if (!(p->flags & CODEC_PRINT_ALL)) {
			if (f->autov == CODEC_A_RESERVED &&
			    codec_effective_uint(n, (int)i, &v) == 0 && v == 0)
				continue;
			if (f->kind == CODEC_K_DATA &&
			    n->v[i].data.len == 0)
				continue;
		}
		codec_field_format(n, (int)i, val, sizeof(val),
		    p->flags & CODEC_PRINT_FULL_DATA ? 0 : PRINT_DATA_MAX);
		emit(p, " %s=%s", f->name, val);
	}
}

/* A list of 16-bit values from a names table: "(MODP_2048(14) ...)". */
static void print_u16_list(struct printer *p, const struct bytes *d,
    enum names_table t, const char *what)
{
	size_t i;

	if (d->len == 0 || d->len % 2)
		return;
	emit(p, " (%s", what);
	for (i = 0; i + 1 < d->len; i += 2) {
		unsigned v = (unsigned)d->data[i] << 8 | d->data[i + 1];
		const char *name = names_find(t, v);

		if (name)
			emit(p, " %s(%u)", name, v);
		else
			emit(p, " <UNKNOWN:%u>", v);
	}
	emit(p, ")");
}

/* What some opaque data means, for a reader: notify data that is a group
 * or a hash list, identities that are text or addresses. Derived from the
 * fields, never stored. */
static void print_meaning(struct printer *p, const struct codec_node *n)
{
	const struct bytes *d;
	char addr[64];
	size_t i;

	if (n->st->id == CODEC_S_NOTIFY) {
		d = &n->v[NTF_DATA].data;
		if (n->v[NTF_TYPE].num == N_INVALID_KE_PAYLOAD)
			print_u16_list(p, d, NAMES_T_DH, "group");
		else if (n->v[NTF_TYPE].num == N_SIGNATURE_HASH_ALGORITHMS)
			print_u16_list(p, d, NAMES_T_HASH, "hashes");
		return;
	}
	if (n->st->id != CODEC_S_ID)
		return;
	d = &n->v[ID_DATA].data;
	switch (n->v[ID_TYPE].num) {
	case ID_IPV4_ADDR:
	case ID_IPV6_ADDR:
		if ((d->len == 4 || d->len == 16) && inet_ntop(d->len == 4 ?
		    AF_INET : AF_INET6, d->data, addr, sizeof(addr)))
			emit(p, " (%s)", addr);
		return;
	case ID_FQDN:
	case ID_RFC822_ADDR:
		for (i = 0; i < d->len; i++)
			if (d->data[i] < 0x20 || d->data[i] > 0x7e ||
			    d->data[i] == '"')
				return;
		if (d->len > 0 && d->len < 200)
			emit(p, " (\"%.*s\")", (int)d->len,
			    (const char *)d->data);
		return;
	}
}

static void print_node(struct printer *p, const struct codec_node *n,
    unsigned depth)
{
	size_t k;

	emit(p, "%*s", (int)(2 * depth), "");
	print_label(p, n);
	print_fields(p, n);
	print_meaning(p, n);
	emit(p, "\n");
	for (k = 0; k < n->nkids; k++)
		print_node(p, n->kids[k], depth + 1);
}

int codec_format(struct bytes *out, const struct codec_node *n,
    const struct codec_problems *pr, unsigned flags)
{
	struct printer p = { out, flags, false };
	char line[CODEC_PATH_MAX + CODEC_PROBLEM_TEXT_MAX + 64];
	size_t i;

	if (n)
		print_node(&p, n, 0);
	for (i = 0; pr && i < pr->count; i++) {
		codec_problem_format(&pr->list[i], line, sizeof(line));
		emit(&p, "%s\n", line);
	}
	if (pr && pr->dropped)
		emit(&p, "(%zu more malformations not kept)\n", pr->dropped);
	/* A NUL after len, so the text can be used as a C string. */
	if (bytes_reserve(out, out->len + 1) < 0)
		p.nomem = true;
	else
		out->data[out->len] = '\0';
	return p.nomem ? -1 : 0;
}

int codec_print(FILE *f, const struct codec_node *n,
    const struct codec_problems *pr, unsigned flags)
{
	struct bytes b = BYTES_EMPTY;
	int rc = codec_format(&b, n, pr, flags);

	if (rc == 0 && b.len && fwrite(b.data, 1, b.len, f) != b.len)
		rc = -1;
	bytes_free(&b);
	return rc;
}
