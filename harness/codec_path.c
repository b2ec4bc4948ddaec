/* codec_path: naming nodes and fields as text ("SA.proposal[1].length"),
 * and reading and writing field values as text. */
#include "codec_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *codec_payload_name(unsigned ptype, char *buf, size_t len)
{
	const char *name = names_find(NAMES_T_PAYLOAD, ptype);

	if (name)
		return name;
	snprintf(buf, len, "PL%u", ptype);
	return buf;
}

/* "NONCE", "SA" or "proposal"; and how many siblings share it. */
static const char *node_name(const struct codec_node *n, char *buf,
    size_t len)
{
	if (codec_is_payload(n))
		return codec_payload_name(n->ptype, buf, len);
	return n->st->path_name ? n->st->path_name : "";
}

static bool same_name(const struct codec_node *a, const struct codec_node *b)
{
	if (codec_is_payload(a) || codec_is_payload(b))
		return codec_is_payload(a) && codec_is_payload(b) &&
		    a->ptype == b->ptype;
	return a->st == b->st;
}

/* 1-based rank among same-named siblings, and whether there are several. */
static size_t rank_of(const struct codec_node *n, bool *several)
{
	const struct codec_node *p = n->parent;
	size_t i, rank = 0, total = 0;

	*several = false;
	if (p == NULL)
		return 1;
	for (i = 0; i < p->nkids; i++)
		if (same_name(p->kids[i], n)) {
			total++;
			if (i <= n->index)
				rank = total;
		}
	*several = total > 1;
	return rank;
}

static void append(char *out, size_t outlen, size_t *used, const char *fmt,
    const char *s, size_t k)
{
	int w;

	if (*used >= outlen)
		return;
	w = snprintf(out + *used, outlen - *used, fmt, s, k);
	if (w > 0)
		*used += (size_t)w;
	if (*used >= outlen)
		*used = outlen - 1;
}

static void path_node(const struct codec_node *n, char *out, size_t outlen,
    size_t *used)
{
	char buf[24];
	bool several;
	size_t rank;

	if (n->parent == NULL) {
		if (n->st->id == CODEC_S_MESSAGE)
			append(out, outlen, used, "%s", "hdr", 0);
		else if (n->st->id != CODEC_S_CHAIN)
			append(out, outlen, used, "%s", node_name(n, buf,
			    sizeof(buf)), 0);
		return;
	}
	/* Payload paths start at the payload: no "hdr." in front. */
	if (n->parent->parent != NULL ||
	    (n->parent->st->id != CODEC_S_MESSAGE &&
	    n->parent->st->id != CODEC_S_CHAIN)) {
		path_node(n->parent, out, outlen, used);
		append(out, outlen, used, "%s", ".", 0);
	}
	rank = rank_of(n, &several);
	if (codec_is_payload(n) && !several)
		append(out, outlen, used, "%s", node_name(n, buf, sizeof(buf)),
		    0);
	else
		append(out, outlen, used, "%s[%zu]", node_name(n, buf,
		    sizeof(buf)), rank);
}

void codec_path_of(const struct codec_node *n, int field, char *out,
    size_t outlen)
{
	size_t used = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	path_node(n, out, outlen, &used);
	if (field >= 0 && (size_t)field < n->st->nfields) {
		if (used > 0)
			append(out, outlen, &used, "%s", ".", 0);
		append(out, outlen, &used, "%s", n->st->fields[field].name, 0);
	}
}

/* "SA", "N[2]", "proposal[1]": name and 1-based index (1 when absent). */
static int parse_component(const char *s, size_t len, size_t *name_len,
    unsigned long *index)
{
	const char *br = memchr(s, '[', len);
	char *end;

	*index = 1;
	*name_len = len;
	if (br == NULL)
		return len ? 0 : -1;
	*name_len = (size_t)(br - s);
	if (s[len - 1] != ']' || !isdigit((unsigned char)br[1]))
		return -1;
	errno = 0;
	*index = strtoul(br + 1, &end, 10);
	if (errno || end != s + len - 1 || *index == 0)
		return -1;
	return *name_len ? 0 : -1;
}

/* A payload name as a path says it: names.def names, Ni/Nr, PL<n>. */
int codec_payload_type_parse(const char *s, size_t len, unsigned *type)
{
	if ((len == 2 && (strncmp(s, "Ni", 2) == 0 ||
	    strncmp(s, "Nr", 2) == 0))) {
		*type = PL_NONCE;
		return 0;
	}
	if (len > 2 && strncmp(s, "PL", 2) == 0 &&
	    isdigit((unsigned char)s[2])) {
		char *end;
		unsigned long v = strtoul(s + 2, &end, 10);

		if (end == s + len && v <= 255) {
			*type = (unsigned)v;
			return 0;
		}
		return -1;
	}
	if (names_parse(NAMES_T_PAYLOAD, s, len, type) < 0 || *type > 255)
		return -1;
	return 0;
}

static struct codec_node *find_kid(struct codec_node *n, const char *s,
    size_t len, unsigned long index)
{
	size_t i;
	unsigned long seen = 0;
	unsigned type;

	if (codec_child_kind(n) == CODEC_S_MESSAGE) {
		if (len == 7 && strncmp(s, "payload", 7) == 0)
			return index <= n->nkids ? n->kids[index - 1] : NULL;
		if (codec_payload_type_parse(s, len, &type) < 0)
			return NULL;
		for (i = 0; i < n->nkids; i++)
			if (n->kids[i]->ptype == type && ++seen == index)
				return n->kids[i];
		return NULL;
	}
	for (i = 0; i < n->nkids; i++) {
		const char *pn = n->kids[i]->st->path_name;

		if (pn && strlen(pn) == len && strncmp(pn, s, len) == 0 &&
		    ++seen == index)
			return n->kids[i];
	}
	return NULL;
}

int codec_path_resolve(struct codec_node *root, const char *path,
    struct codec_ref *ref, struct err *e)
{
	struct codec_node *n = root;
	const char *s = path;

	char buf[24];
	const char *self = root->st->id == CODEC_S_CHAIN ? "" :
	    root->st->id == CODEC_S_MESSAGE ? "hdr" : node_name(root, buf,
	    sizeof(buf));
	size_t slen = strlen(self);

	/* The root's own name may lead ("hdr.length", "D.spi[1]" from a
	 * lone D), as codec_path_of writes it. */
	if (slen && strncmp(s, self, slen) == 0 &&
	    (s[slen] == '.' || s[slen] == '\0') &&
	    codec_field_index(root->st, s, strlen(s)) < 0)
		s += s[slen] ? slen + 1 : slen;
	for (;;) {
		const char *dot;
		size_t len, name_len;
		unsigned long index;
		int fi;

		if (*s == '\0') {
			ref->node = n;
			ref->field = -1;
			return 0;
		}
		/* A field name may hold dots ("flags.initiator"). */
		fi = codec_field_index(n->st, s, strlen(s));
		if (fi >= 0) {
			ref->node = n;
			ref->field = fi;
			return 0;
		}
		dot = strchr(s, '.');
		len = dot ? (size_t)(dot - s) : strlen(s);
		if (parse_component(s, len, &name_len, &index) < 0)
			return err_set(e, "path `%s': bad component `%.*s'",
			    path, (int)len, s);
		n = find_kid(n, s, name_len, index);
		if (n == NULL)
			return err_set(e, "path `%s': no `%.*s' here", path,
			    (int)len, s);
		s += len;
		if (*s == '.')
			s++;
	}
}

/* Alias fields: the UINT fields that follow, `bits` bits in all. */
static size_t alias_span(const struct codec_node *n, int field)
{
	unsigned bits = 0;
	size_t i = (size_t)field + 1;

	while (i < n->st->nfields && bits < n->st->fields[field].bits &&
	    n->st->fields[i].kind == CODEC_K_UINT)
		bits += n->st->fields[i++].bits;
	return i - (size_t)field - 1;
}

static uint64_t alias_get(const struct codec_node *n, int field)
{
	size_t i, k = alias_span(n, field);
	uint64_t v = 0, x;

	for (i = 1; i <= k; i++) {
		if (codec_effective_uint(n, field + (int)i, &x) < 0)
			x = 0;
		v = v << n->st->fields[field + i].bits | x;
	}
	return v;
}

static int alias_set(struct codec_node *n, int field, uint64_t v)
{
	size_t i, k = alias_span(n, field);
	unsigned shift = 0;

	if (v > codec_width_max(n->st->fields[field].bits))
		return -1;
	for (i = k; i >= 1; i--) {
		unsigned bits = n->st->fields[field + i].bits;

		codec_set_uint(n, field + (int)i, (v >> shift) &
		    codec_width_max(bits));
		shift += bits;
	}
	return 0;
}

static int parse_number(const char *s, uint64_t *v)
{
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* Decimal or 0x hex; a leading 0 is not octal here. */
	if (base == 16 ? !isxdigit((unsigned char)*s) :
	    !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno || *end ? -1 : 0;
}

static int names_table_of(const struct codec_node *n,
    const struct codec_field *f)
{
	return f->names_of ? f->names_of(n) : f->names;
}

static int parse_data(struct codec_node *n, int field, const char *value,
    struct err *e)
{
	const struct codec_field *f = &n->st->fields[field];
	size_t len = strlen(value);
	struct bytes b = BYTES_EMPTY;
	uint8_t addr[16];
	int rc;

	if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
		return codec_set_data(n, field, value + 1, len - 2);
	if (f->fmt == CODEC_FMT_IP && strchr(value, '.') &&
	    inet_pton(AF_INET, value, addr) == 1)
		return codec_set_data(n, field, addr, 4);
	if (f->fmt == CODEC_FMT_IP && strchr(value, ':') &&
	    inet_pton(AF_INET6, value, addr) == 1)
		return codec_set_data(n, field, addr, 16);
	if (bytes_from_hex(&b, value, len, e) < 0) {
		bytes_free(&b);
		return err_prefix(e, "%s", f->name);
	}
	rc = codec_set_data(n, field, b.data, b.len);
	bytes_free(&b);
	return rc;
}

int codec_field_parse(struct codec_node *n, int field, const char *value,
    struct err *e)
{
	const struct codec_field *f;
	uint64_t v;
	unsigned named;
	int tbl;

	if (field < 0 || (size_t)field >= n->st->nfields)
		return err_set(e, "no such field");
	f = &n->st->fields[field];
	switch (f->kind) {
	case CODEC_K_DATA:
		return parse_data(n, field, value, e);
	case CODEC_K_CHILDREN:
		return err_set(e, "%s: a list of nodes, not a value", f->name);
	case CODEC_K_UINT:
	case CODEC_K_ALIAS:
		break;
	}
	tbl = names_table_of(n, f);
	if (parse_number(value, &v) < 0) {
		if (tbl < 0 || names_parse((enum names_table)tbl, value,
		    strlen(value), &named) < 0)
			return err_set(e, "%s: invalid value `%s'", f->name,
			    value);
		v = named;
	}
	if (v > codec_width_max(f->bits))
		return err_set(e, "%s: %s does not fit in %u bits", f->name,
		    value, f->bits);
	if (f->kind == CODEC_K_ALIAS)
		return alias_set(n, field, v);
	return codec_set_uint(n, field, v);
}

int codec_path_set(struct codec_node *root, const char *path,
    const char *value, struct err *e)
{
	struct codec_ref ref;

	if (codec_path_resolve(root, path, &ref, e) < 0)
		return -1;
	if (ref.field < 0)
		return err_set(e, "path `%s' names a node, not a field", path);
	if (codec_field_parse(ref.node, ref.field, value, e) < 0)
		return err_prefix(e, "%s", path);
	return 0;
}

int codec_path_unset(struct codec_node *root, const char *path,
    struct err *e)
{
	struct codec_ref ref;
	size_t i, k;

	if (codec_path_resolve(root, path, &ref, e) < 0)
		return -1;
	if (ref.field < 0)
		return err_set(e, "path `%s' names a node, not a field", path);
	codec_unset(ref.node, ref.field);
	if (ref.node->st->fields[ref.field].kind == CODEC_K_ALIAS) {
		k = alias_span(ref.node, ref.field);
		for (i = 1; i <= k; i++)
			codec_unset(ref.node, ref.field + (int)i);
	}
	return 0;
}

static void format_data(const struct bytes *d, char *out, size_t outlen,
    size_t max_data)
{
	size_t n = d->len, shown = max_data && n > max_data ? max_data : n;
	size_t used = 0, i;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (n == 0) {
		snprintf(out, outlen, "\"\"");
		return;
	}
	for (i = 0; i < shown && used + 3 < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%02x",
		    d->data[i]);
	if (shown < n && used < outlen)
		snprintf(out + used, outlen - used, "...(%zu bytes)", n);
}

void codec_field_format(const struct codec_node *n, int field, char *out,
    size_t outlen, size_t max_data)
{
	const struct codec_field *f = &n->st->fields[field];
	const char *name;
	uint64_t v = 0;
	int tbl;

	if (outlen == 0)
		return;
	out[0] = '\0';
	switch (f->kind) {
	case CODEC_K_CHILDREN:
		snprintf(out, outlen, "%zu", n->nkids);
		return;
	case CODEC_K_DATA:
		if (f->fmt == CODEC_FMT_IP && (n->v[field].data.len == 4 ||
		    n->v[field].data.len == 16) && outlen >= 46) {
			if (inet_ntop(n->v[field].data.len == 4 ? AF_INET :
			    AF_INET6, n->v[field].data.data, out,
			    (socklen_t)outlen))
				return;
		}
		format_data(&n->v[field].data, out, outlen, max_data);
		return;
	case CODEC_K_ALIAS:
		v = alias_get(n, field);
		if (f->fmt == CODEC_FMT_DOTTED) {
			snprintf(out, outlen, "%llu.%llu",
			    (unsigned long long)(v >> 4),
			    (unsigned long long)(v & 15));
		} else {
			size_t used, i, k = alias_span(n, field);

			used = (size_t)snprintf(out, outlen, "0x%02llx [",
			    (unsigned long long)v);
			for (i = 1; i <= k && used < outlen; i++) {
				const struct codec_field *s = &f[i];
				uint64_t x = 0;

				codec_effective_uint(n, field + (int)i, &x);
				if (x == 0)
					continue;
				used += (size_t)snprintf(out + used,
				    outlen - used, "%s%s",
				    out[used - 1] == '[' ? "" : " ",
				    s->abbrev ? s->abbrev : "X");
			}
			if (used < outlen)
				snprintf(out + used, outlen - used, "]");
		}
		return;
	case CODEC_K_UINT:
		break;
	}
	if (codec_effective_uint(n, field, &v) < 0)
		v = codec_auto_value(n, field);
	tbl = names_table_of(n, f);
	if (tbl >= 0) {
		name = names_find((enum names_table)tbl, (unsigned)v);
		if (name)
			snprintf(out, outlen, "%s(%llu)", name,
			    (unsigned long long)v);
		else
			snprintf(out, outlen, "<UNKNOWN:%llu>",
			    (unsigned long long)v);
	} else if (f->fmt == CODEC_FMT_HEX) {
		snprintf(out, outlen, "0x%0*llx", (int)(f->bits + 3) / 4,
		    (unsigned long long)v);
	} else {
		snprintf(out, outlen, "%llu", (unsigned long long)v);
	}
}

int codec_path_get(struct codec_node *root, const char *path, char *out,
    size_t outlen, struct err *e)
{
	struct codec_ref ref;
	const struct codec_field *f;
	uint64_t v;

	if (codec_path_resolve(root, path, &ref, e) < 0)
		return -1;
	if (ref.field < 0)
		return err_set(e, "path `%s' names a node, not a field", path);
	f = &ref.node->st->fields[ref.field];
	switch (f->kind) {
	case CODEC_K_DATA:
		if (outlen < 2 * ref.node->v[ref.field].data.len + 1)
			return err_set(e, "%s: %zu bytes do not fit", path,
			    ref.node->v[ref.field].data.len);
		bytes_to_hex(ref.node->v[ref.field].data.data,
		    ref.node->v[ref.field].data.len, out);
		return 0;
	case CODEC_K_CHILDREN:
		snprintf(out, outlen, "%zu", ref.node->nkids);
		return 0;
	case CODEC_K_ALIAS:
		v = alias_get(ref.node, ref.field);
		break;
	case CODEC_K_UINT:
		if (codec_effective_uint(ref.node, ref.field, &v) < 0)
			return err_set(e, "%s: computed value does not fit in "
			    "%u bits", path, f->bits);
		break;
	}
	if (f->fmt == CODEC_FMT_HEX || f->fmt == CODEC_FMT_FLAGS)
		snprintf(out, outlen, "0x%0*llx", (int)(f->bits + 3) / 4,
		    (unsigned long long)v);
	else
		snprintf(out, outlen, "%llu", (unsigned long long)v);
	return 0;
}
