/* codec_decode: the one decoder. It walks a struct's field table over a
 * bounded reader, checks every length before it uses it, records each
 * malformation with its offset and path, and keeps going where the
 * structure still tells it where the next part starts. */
#include "codec_int.h"

#include <string.h>

#include "buffer.h"
#include "err.h"

struct dec {
	struct codec_problems *pr;
	bool nomem;
};

/* What a node decode tells its parent. */
enum dec_rc {
	DEC_OK,		/* the reader is past the node (problems or not) */
	DEC_STOP,	/* the node's end is unknown: stop the parent's loop */
};

/* Reads bits from a byte-granular reader, for sub-byte fields. */
struct bitreader {
	uint8_t byte;
	unsigned left;	/* bits of byte not yet used */
};

static enum dec_rc decode_node(struct dec *d, struct codec_node *n,
    struct buffer_reader *r);

/* The part of a struct every instance has: its UINT fields and fixed-size
 * data (as far as present() tells from the fields read so far). Used for
 * "declared length at least the header". */
static size_t fixed_size(const struct codec_node *n)
{
	size_t i, bits = 0, bytes = 0;

	for (i = 0; i < n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];

		if (!codec_field_present(n, (int)i))
			continue;
		if (f->kind == CODEC_K_UINT)
			bits += f->bits;
		else if (f->kind == CODEC_K_DATA && f->size == CODEC_SZ_FUNC)
			bytes += f->size_of(n);	/* TS addresses */
	}
	return bits / 8 + bytes;
}

static int read_uint(struct buffer_reader *r, struct bitreader *br,
    unsigned bits, uint64_t *v)
{
	uint64_t x = 0;

	if (br->left == 0 && bits % 8 == 0)
		return buffer_get_uint(r, bits / 8, v);
	while (bits > 0) {
		unsigned take;

		if (br->left == 0) {
			if (buffer_get_u8(r, &br->byte) < 0)
				return -1;
			br->left = 8;
		}
		take = bits < br->left ? bits : br->left;
		x = x << take | ((br->byte >> (br->left - take)) &
		    ((1u << take) - 1));
		br->left -= take;
		bits -= take;
	}
	*v = x;
	return 0;
}

/* The three length checks of a node's own length field; on success the
 * view is narrowed to the node. */
static int check_length(struct dec *d, struct codec_node *n, int field,
    size_t start, size_t at, struct buffer_reader *view)
{
	uint64_t len = n->v[field].num;
	size_t fixed = fixed_size(n), left = view->end - start;

	if (len < fixed) {
		codec_problem_add(d->pr, CODEC_P_LENGTH_TOO_SHORT, at, n,
		    field, "%llu < %zu", (unsigned long long)len, fixed);
		return -1;
	}
	if (len > left) {
		codec_problem_add(d->pr, CODEC_P_LENGTH_BEYOND_DATA, at, n,
		    field, "%llu > %zu bytes left", (unsigned long long)len,
		    left);
		return -1;
	}
	view->end = start + (size_t)len;
	return 0;
}

static size_t data_size(const struct codec_node *n,
    const struct codec_field *f, size_t left)
{
	switch (f->size) {
	case CODEC_SZ_REST:
		return left;
	case CODEC_SZ_FIELD:
		return (size_t)n->v[f->ref].num;
	case CODEC_SZ_PARENT_FIELD:
		return n->parent ? (size_t)n->parent->v[f->ref].num : left;
	case CODEC_SZ_FUNC:
		return f->size_of(n);
	}
	return left;
}

/* A payload chain: each payload's type comes from the one before. Returns
 * true when the chain ended as it said (next payload NONE, or SK/SKF). */
static bool decode_chain(struct dec *d, struct codec_node *parent,
    unsigned first, struct buffer_reader *r)
{
	unsigned type = first;
	const struct codec_node *prev = NULL;

	while (type != PL_NONE) {
		struct codec_node *kid;
		enum dec_rc rc;

		if (buffer_remaining(r) == 0) {
			codec_problem_add(d->pr, CODEC_P_TRUNCATED,
			    buffer_pos(r), prev ? prev : parent,
			    prev ? PH_NEXT : parent->st->id == CODEC_S_MESSAGE ?
			    HDR_NEXT : -1,
			    "names payload %s(%u) but no bytes are left",
			    names_get(NAMES_T_PAYLOAD, type), type);
			return false;
		}
		kid = codec_payload_new(type);
		if (kid == NULL || codec_append(parent, kid) < 0) {
			codec_node_free(kid);
			d->nomem = true;
			return false;
		}
		rc = decode_node(d, kid, r);
		if (rc == DEC_STOP || d->nomem)
			return false;
		if (type == PL_SK || type == PL_SKF)
			return true;	/* SK is last; its next is inside */
		type = (unsigned)kid->v[PH_NEXT].num;
		prev = kid;
	}
	return true;
}

/* A node about to be freed: no problem may point at it. */
static void forget(struct dec *d, const struct codec_node *n)
{
	for (size_t i = 0; i < d->pr->count; i++)
		if (d->pr->list[i].node == n) {
			d->pr->list[i].node = NULL;
			d->pr->list[i].field = -1;
		}
}

/* Substructures one after the other until the view ends. False when one
 * of them broke off (its end unknown). */
static bool decode_list(struct dec *d, struct codec_node *parent,
    enum codec_struct_id kind, struct buffer_reader *r)
{
	while (buffer_remaining(r) > 0) {
		struct codec_node *kid = codec_node_new(kind);
		size_t before = buffer_pos(r);

		if (kid == NULL || codec_append(parent, kid) < 0) {
			codec_node_free(kid);
			d->nomem = true;
			return false;
		}
		if (decode_node(d, kid, r) == DEC_STOP || d->nomem)
			return false;
		if (buffer_pos(r) == before) {
			/* Nothing consumed (spi_size 0): not a node. */
			forget(d, kid);
			codec_node_free(codec_remove(parent,
			    parent->nkids - 1));
			return true;
		}
	}
	return true;
}

/* After the children: counts and last/more markers against what came. */
static void check_children(struct dec *d, struct codec_node *n)
{
	size_t i, k;

	for (i = 0; i < n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];

		if (f->autov == CODEC_A_COUNT && n->v[i].num != n->nkids)
			codec_problem_add(d->pr, f->mismatch, n->offset +
			    codec_field_offset(n, (int)i), n,
			    (int)i, "%llu, found %zu",
			    (unsigned long long)n->v[i].num, n->nkids);
	}
	for (k = 0; k < n->nkids; k++) {
		struct codec_node *kid = n->kids[k];

		for (i = 0; i < kid->st->nfields; i++) {
			const struct codec_field *f = &kid->st->fields[i];
			uint64_t want;

			if (f->autov != CODEC_A_LAST_MORE)
				continue;
			want = k + 1 < n->nkids ? f->aux : 0;
			if (kid->v[i].num != want)
				codec_problem_add(d->pr,
				    CODEC_P_BAD_LAST_SUBSTRUCT, kid->offset,
				    kid, (int)i, "%llu, expected %llu",
				    (unsigned long long)kid->v[i].num,
				    (unsigned long long)want);
		}
	}
}

/* One UINT field; -1 when it does not fit. */
static int decode_uint(struct dec *d, struct codec_node *n, int i,
    struct buffer_reader *view, struct bitreader *br)
{
	const struct codec_field *f = &n->st->fields[i];
	size_t at = buffer_pos(view);

	if (br->left > 0)
		at--;	/* inside a byte already read */

	if (read_uint(view, br, f->bits, &n->v[i].num) < 0) {
		codec_problem_add(d->pr, n->st->id == CODEC_S_MESSAGE ?
		    CODEC_P_TRUNCATED_HEADER : CODEC_P_TRUNCATED, at, n, i,
		    "%zu bytes left for a %u-bit field",
		    buffer_remaining(view), f->bits);
		return -1;
	}
	if (f->autov == CODEC_A_RESERVED && n->v[i].num != 0)
		codec_problem_add(d->pr, CODEC_P_RESERVED_NOT_ZERO, at, n, i,
		    "0x%llx", (unsigned long long)n->v[i].num);
	return 0;
}

static int decode_data(struct dec *d, struct codec_node *n, int i,
    struct buffer_reader *view)
{
	const struct codec_field *f = &n->st->fields[i];
	size_t left = buffer_remaining(view);
	size_t size = data_size(n, f, left);

	if (size > left) {
		codec_problem_add(d->pr, f->mismatch, buffer_pos(view), n, i,
		    "%zu > %zu bytes left", size, left);
		return -1;
	}
	if (buffer_get_append(view, size, &n->v[i].data) < 0) {
		d->nomem = true;
		return -1;
	}
	return 0;
}

/* Decodes n from r's cursor: its fields in table order, bounded by its
 * own length field once read. */
static enum dec_rc decode_node(struct dec *d, struct codec_node *n,
    struct buffer_reader *r)
{
	struct buffer_reader view = *r;
	struct bitreader br = { 0, 0 };
	size_t start = buffer_pos(r), i;
	bool bounded = false, failed = false, quiet = false;

	n->offset = start;
	/* Values come from the wire, not from defaults or init(): a field not
	 * read yet is 0, which also keeps fixed_size() to what is known. */
	for (i = 0; i < n->st->nfields; i++) {
		n->v[i].num = 0;
		n->v[i].data.len = 0;
	}
	for (i = 0; i < n->st->nfields && !failed && !d->nomem; i++) {
		const struct codec_field *f = &n->st->fields[i];

		if (!codec_field_present(n, (int)i))
			continue;
		switch (f->kind) {
		case CODEC_K_ALIAS:
			break;
		case CODEC_K_UINT:
			if (decode_uint(d, n, (int)i, &view, &br) < 0) {
				failed = true;
				break;
			}
			if (f->autov == CODEC_A_LENGTH && f->aux == 0 &&
			    n->st->id != CODEC_S_MESSAGE) {
				if (check_length(d, n, (int)i, start,
				    buffer_pos(&view) - f->bits / 8,
				    &view) < 0)
					failed = true;
				else
					bounded = true;
			}
			break;
		case CODEC_K_DATA:
			if (decode_data(d, n, (int)i, &view) < 0)
				failed = true;
			break;
		case CODEC_K_CHILDREN:
			if (f->child == CODEC_S_MESSAGE) {
				/* The chain and what follows it: the
				 * callers below. */
				i = n->st->nfields;
				break;
			}
			/* A broken child is named already; counts and
			 * checks of this node would only echo it. */
			if (!decode_list(d, n, f->child, &view))
				quiet = true;
			break;
		}
	}
	if (bounded && !failed && !quiet && buffer_remaining(&view) > 0)
		codec_problem_add(d->pr, CODEC_P_LEFTOVER_DATA,
		    buffer_pos(&view), n, -1, "%zu bytes after its last part",
		    buffer_remaining(&view));
	/* A node with a length ends there whatever happened inside. */
	if (bounded)
		buffer_seek(r, view.end);
	else
		buffer_seek(r, buffer_pos(&view));
	if (failed && !bounded)
		return DEC_STOP;
	if (!failed && !quiet)
		check_children(d, n);
	if (!failed && !quiet && n->st->check)
		n->st->check(n, d->pr);
	return DEC_OK;
}

/* A computed field is set (an override) only where the wire differs from
 * what the encoder computes, so that a clean message encodes back to the
 * same bytes and an edited one gets fresh lengths. */
static size_t relax(struct codec_node *n)
{
	size_t i, size = 0, bits = 0;

	/* Sizes bottom-up, once: codec_node_size() per length field would
	 * walk each subtree again at every level. */
	for (i = 0; i < n->nkids; i++)
		size += relax(n->kids[i]);
	for (i = 0; i < n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];

		if (!codec_field_present(n, (int)i))
			continue;
		if (f->kind == CODEC_K_UINT)
			bits += f->bits;
		else if (f->kind == CODEC_K_DATA)
			size += n->v[i].data.len;
	}
	size += bits / 8;
	for (i = 0; i < n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];
		uint64_t want;

		if (f->kind != CODEC_K_UINT || f->autov == CODEC_A_NONE)
			continue;
		if (f->autov == CODEC_A_LENGTH)
			want = size >= f->aux ? size - f->aux : 0;
		else
			want = codec_auto_value(n, (int)i);
		n->v[i].set = n->v[i].num != want;
	}
	return size;
}

/* The rest after the chain; TRAILING_DATA for what lies inside `limit`. */
static int take_trailing(struct dec *d, struct codec_node *n, int field,
    struct buffer_reader *r, size_t limit, bool clean)
{
	size_t at = buffer_pos(r), left = buffer_remaining(r);

	if (clean && at < limit)
		codec_problem_add(d->pr, CODEC_P_TRAILING_DATA, at, n, field,
		    "%zu bytes after the last payload", limit - at);
	if (buffer_get_append(r, left, &n->v[field].data) < 0)
		return -1;
	return 0;
}

static int finish(struct dec *d, struct codec_node *n, struct codec_node **out,
    struct err *e)
{
	size_t i;

	if (d->nomem) {
		for (i = 0; i < d->pr->count; i++)
			d->pr->list[i].node = NULL;
		codec_node_free(n);
		return err_set(e, "codec_decode: out of memory");
	}
	relax(n);
	/* Paths again, now that every node is there: "N" found while
	 * reading the first notify is "N[1]" once a second one follows. */
	for (i = 0; i < d->pr->count; i++)
		if (d->pr->list[i].node)
			codec_path_of(d->pr->list[i].node,
			    d->pr->list[i].field, d->pr->list[i].path,
			    sizeof(d->pr->list[i].path));
	*out = n;
	return 0;
}

int codec_decode(const uint8_t *p, size_t len, struct codec_node **msg,
    struct codec_problems *pr, struct err *e)
{
	struct codec_problems scratch;
	struct dec d = { pr ? pr : &scratch, false };
	struct buffer_reader r, region;
	struct codec_node *n = codec_message_new();
	uint64_t hlen;
	size_t limit;
	bool clean;

	d.pr->count = 0;
	d.pr->dropped = 0;
	*msg = NULL;
	if (n == NULL)
		return err_set(e, "codec_decode: out of memory");
	buffer_reader_init(&r, p, len);
	if (decode_node(&d, n, &r) == DEC_STOP || d.nomem)
		goto rest;
	hlen = n->v[HDR_LENGTH].num;
	if (hlen != len)
		codec_problem_add(d.pr, CODEC_P_HEADER_LENGTH_MISMATCH, 24, n,
		    HDR_LENGTH, "%llu, message has %zu bytes",
		    (unsigned long long)hlen, len);
	/* Payloads are read within the declared length when it is sane. */
	limit = hlen >= buffer_pos(&r) && hlen < len ? (size_t)hlen : len;
	region = r;
	region.end = limit;
	clean = decode_chain(&d, n, (unsigned)n->v[HDR_NEXT].num, &region);
	buffer_seek(&r, buffer_pos(&region));
	if (take_trailing(&d, n, HDR_TRAILING, &r, limit, clean) < 0)
		d.nomem = true;
	return finish(&d, n, msg, e);
rest:
	if (!d.nomem && buffer_get_append(&r, buffer_remaining(&r),
	    &n->v[HDR_TRAILING].data) < 0)
		d.nomem = true;
	return finish(&d, n, msg, e);
}

int codec_decode_chain(unsigned first, const uint8_t *p, size_t len,
    struct codec_node **chain, struct codec_problems *pr, struct err *e)
{
	struct codec_problems scratch;
	struct dec d = { pr ? pr : &scratch, false };
	struct buffer_reader r;
	struct codec_node *n = codec_chain_new();
	bool clean;

	d.pr->count = 0;
	d.pr->dropped = 0;
	*chain = NULL;
	if (n == NULL)
		return err_set(e, "codec_decode_chain: out of memory");
	buffer_reader_init(&r, p, len);
	clean = decode_chain(&d, n, first, &r);
	if (!d.nomem && take_trailing(&d, n, CHAIN_TRAILING, &r, len,
	    clean) < 0)
		d.nomem = true;
	return finish(&d, n, chain, e);
}
