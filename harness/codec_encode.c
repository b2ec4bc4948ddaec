/* codec_encode: the one encoder. It writes what the tree holds, walking
 * the same tables as the decoder: set values as they are (a lying length
 * stays a lie), everything else computed. */
#include "codec_int.h"

#include "buffer.h"
#include "err.h"

struct bitwriter {
	uint8_t byte;
	unsigned used;	/* bits of byte filled */
};

static int put_uint(struct bytes *out, struct bitwriter *bw, unsigned bits,
    uint64_t v)
{
	if (bw->used == 0 && bits % 8 == 0)
		return buffer_put_uint(out, bits / 8, v);
	while (bits > 0) {
		unsigned take = 8 - bw->used < bits ? 8 - bw->used : bits;
		unsigned chunk = (unsigned)(v >> (bits - take)) &
		    ((1u << take) - 1);

		bw->byte = (uint8_t)(bw->byte << take | chunk);
		bw->used += take;
		bits -= take;
		if (bw->used == 8) {
			if (buffer_put_u8(out, bw->byte) < 0)
				return -1;
			bw->byte = 0;
			bw->used = 0;
		}
	}
	return 0;
}

/* A length computed from what was written: patched in once the node is
 * out, rather than sizing every subtree beforehand. */
struct patch {
	size_t off;
	int field;
};

static int encode_uint(const struct codec_node *n, int i, struct bytes *out,
    struct bitwriter *bw, struct patch *patch, struct err *e)
{
	const struct codec_field *f = &n->st->fields[i];
	uint64_t v;

	if (f->autov == CODEC_A_LENGTH && !n->v[i].set && bw->used == 0 &&
	    f->bits % 8 == 0 && patch->field < 0) {
		patch->off = out->len;
		patch->field = i;
		return buffer_put_zeros(out, f->bits / 8) < 0 ?
		    err_set(e, "codec_encode: out of memory") : 0;
	}
	if (codec_effective_uint(n, i, &v) < 0) {
		char path[CODEC_PATH_MAX];

		codec_path_of(n, i, path, sizeof(path));
		return err_set(e, "codec_encode: %s: %llu does not fit in %u "
		    "bits", path, (unsigned long long)codec_auto_value(n, i),
		    f->bits);
	}
	if (put_uint(out, bw, f->bits, v) < 0)
		return err_set(e, "codec_encode: out of memory");
	return 0;
}

static int apply_patch(const struct codec_node *n, const struct patch *p,
    size_t start, struct bytes *out, struct err *e)
{
	const struct codec_field *f;
	size_t size = out->len - start;
	uint64_t v;

	if (p->field < 0)
		return 0;
	f = &n->st->fields[p->field];
	v = size >= f->aux ? size - f->aux : 0;
	if (v > codec_width_max(f->bits)) {
		char path[CODEC_PATH_MAX];

		codec_path_of(n, p->field, path, sizeof(path));
		return err_set(e, "codec_encode: %s: %llu does not fit in %u "
		    "bits", path, (unsigned long long)v, f->bits);
	}
	return buffer_patch_uint(out, p->off, f->bits / 8, v);
}

static int encode_node(const struct codec_node *n, struct bytes *out,
    struct err *e)
{
	struct bitwriter bw = { 0, 0 };
	struct patch patch = { 0, -1 };
	size_t i, k, start = out->len;

	for (i = 0; i < n->st->nfields; i++) {
		const struct codec_field *f = &n->st->fields[i];

		if (!codec_field_present(n, (int)i))
			continue;
		switch (f->kind) {
		case CODEC_K_ALIAS:
			break;
		case CODEC_K_UINT:
			if (encode_uint(n, (int)i, out, &bw, &patch, e) < 0)
				return -1;
			break;
		case CODEC_K_DATA:
			if (buffer_put_bytes(out, n->v[i].data.data,
			    n->v[i].data.len) < 0)
				return err_set(e, "codec_encode: out of "
				    "memory");
			break;
		case CODEC_K_CHILDREN:
			for (k = 0; k < n->nkids; k++)
				if (encode_node(n->kids[k], out, e) < 0)
					return -1;
			break;
		}
	}
	return apply_patch(n, &patch, start, out, e);
}

int codec_encode(const struct codec_node *n, struct bytes *out,
    struct err *e)
{
	size_t start = out->len;

	if (encode_node(n, out, e) < 0) {
		out->len = start;
		return -1;
	}
	return 0;
}
