/* test_mutate: a mutation sweep over every golden message. Each mutant
 * (every bit flipped, every byte set to a few values, every truncation,
 * every length and count field of every structure set to a lie) is
 * decoded, printed and encoded again. Under ASan+UBSan (make check) that
 * proves no crash and no leak; here it checks that the decoder either
 * accepts the mutant, and then encodes it back to the very same bytes, or
 * names at least one malformation with a known code and an offset inside
 * the input. */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "golden.h"
#include "tap.h"

struct tally {
	size_t mutations, malformed, valid, bad;
	size_t lies, lies_valid;	/* length/count lies, accepted ones */
};

static void report_bad(const struct golden *g, const char *what,
    const uint8_t *p, size_t n, const char *why, struct tally *t)
{
	char hex[161];

	if (t->bad++ >= 5)
		return;
	bytes_to_hex(p, n < 80 ? n : 80, hex);
	diag("%s: %s: %s (input %zu bytes: %s%s)", g->name, what, why, n, hex,
	    n > 80 ? "..." : "");
}

/* One mutant through decode, print and encode; when want_path is not
 * NULL, the problem want must be among those named, at that path. */
static void try_want(const struct golden *g, const uint8_t *p, size_t n,
    const char *what, struct tally *t, enum codec_problem_code want,
    const char *want_path)
{
	struct codec_problems pr;
	struct codec_node *node = NULL;
	struct bytes out = BYTES_EMPTY, text = BYTES_EMPTY;
	struct err e;
	size_t i;
	int rc;

	t->mutations++;
	if (g->first >= 0)
		rc = codec_decode_chain((unsigned)g->first, p, n, &node, &pr, &e);
	else
		rc = codec_decode(p, n, &node, &pr, &e);
	if (rc < 0 || node == NULL) {
		report_bad(g, what, p, n, "decode failed without a tree", t);
		return;
	}
	if (codec_format(&text, node, &pr, 0) < 0)
		report_bad(g, what, p, n, "print failed", t);
	if (codec_encode(node, &out, &e) < 0)
		report_bad(g, what, p, n, e.text, t);
	if (pr.count == 0) {
		t->valid++;
		if (out.len != n || (n > 0 && memcmp(out.data, p, n) != 0))
			report_bad(g, what, p, n,
			    "accepted but does not encode back the same", t);
	} else {
		t->malformed++;
		for (i = 0; i < pr.count; i++)
			if (pr.list[i].code >= CODEC_P_COUNT ||
			    pr.list[i].offset > n ||
			    codec_problem_name(pr.list[i].code)[0] == '?')
				report_bad(g, what, p, n, "unnamed problem", t);
	}
	if (want_path) {
		bool found = false;

		for (i = 0; i < pr.count; i++)
			if (pr.list[i].code == want &&
			    strcmp(pr.list[i].path, want_path) == 0)
				found = true;
		if (!found)
			report_bad(g, what, p, n, codec_problem_name(want), t);
	}
	bytes_free(&out);
	bytes_free(&text);
	codec_node_free(node);
}

static void try_one(const struct golden *g, const uint8_t *p, size_t n,
    const char *what, struct tally *t)
{
	try_want(g, p, n, what, t, CODEC_P_COUNT, NULL);
}

static void sweep_bytes(const struct golden *g, struct tally *t)
{
	static const uint8_t values[] = { 0x00, 0xff, 0x7f, 0x80, 0x01 };
	size_t len = g->bin.len, i, v;
	unsigned bit;
	struct bytes m = BYTES_EMPTY;
	char what[64];

	if (bytes_copy(&m, &g->bin) < 0)
		return;
	for (i = 0; i < len; i++) {
		uint8_t orig = m.data[i];

		for (bit = 0; bit < 8; bit++) {
			m.data[i] = orig ^ (uint8_t)(1u << bit);
			snprintf(what, sizeof(what), "flip bit %u of byte %zu",
			    bit, i);
			try_one(g, m.data, len, what, t);
		}
		for (v = 0; v < sizeof(values); v++) {
			if (values[v] == orig)
				continue;
			m.data[i] = values[v];
			snprintf(what, sizeof(what), "byte %zu = 0x%02x", i,
			    values[v]);
			try_one(g, m.data, len, what, t);
		}
		m.data[i] = orig;
	}
	for (i = 0; i < len; i++) {
		snprintf(what, sizeof(what), "truncated to %zu", i);
		try_one(g, m.data, i, what, t);
	}
	bytes_free(&m);
}

/* Nodes of a tree in walk order, so that a clone's nodes line up. */
struct nodes {
	struct codec_node *list[512];
	size_t n;
};

static int collect(struct codec_node *n, unsigned depth, void *ctx)
{
	struct nodes *ns = ctx;

	(void)depth;
	if (ns->n < sizeof(ns->list) / sizeof(ns->list[0]))
		ns->list[ns->n++] = n;
	return 0;
}

static bool is_length_or_count(const struct codec_field *f)
{
	return f->kind == CODEC_K_UINT && (f->autov == CODEC_A_LENGTH ||
	    f->autov == CODEC_A_DATA_LENGTH || f->autov == CODEC_A_COUNT ||
	    f->autov == CODEC_A_FIRST_CHILD_LENGTH);
}

/* The struct's fixed part: what "length at least the header" means. */
static uint64_t header_size(const struct codec_node *n)
{
	size_t i, bits = 0;

	for (i = 0; i < n->st->nfields; i++)
		if (n->st->fields[i].kind == CODEC_K_UINT &&
		    codec_field_present(n, (int)i))
			bits += n->st->fields[i].bits;
	return bits / 8;
}

/* Sets field f of the k-th node of a clone to v, encodes, sweeps. */
static void lie(const struct golden *g, const struct codec_node *root,
    size_t k, int f, uint64_t v, struct tally *t)
{
	struct codec_node *c = codec_node_clone(root);
	struct nodes ns = { .n = 0 };
	struct bytes out = BYTES_EMPTY;
	char what[CODEC_PATH_MAX + 32];
	struct err e;

	if (c == NULL)
		return;
	codec_walk(c, collect, &ns);
	if (k < ns.n && codec_set_uint(ns.list[k], f, v) == 0 &&
	    codec_encode(c, &out, &e) == 0) {
		codec_path_of(ns.list[k], f, what, CODEC_PATH_MAX);
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
		    " = %llu", (unsigned long long)v);
		size_t before = t->valid;

		try_one(g, out.data, out.len, what, t);
		t->lies++;
		/* Some lies read as another valid message (an SPI size of 0
		 * turns the SPI into notify data): syntax cannot tell. */
		if (t->valid != before)
			t->lies_valid++;
	}
	bytes_free(&out);
	codec_node_free(c);
}

static void sweep_lengths(const struct golden *g, struct tally *t)
{
	struct codec_problems pr;
	struct codec_node *root = NULL;
	struct nodes ns = { .n = 0 };
	struct err e;
	size_t k, i, j;

	if (g->first >= 0)
		codec_decode_chain((unsigned)g->first, g->bin.data, g->bin.len,
		    &root, &pr, &e);
	else
		codec_decode(g->bin.data, g->bin.len, &root, &pr, &e);
	if (root == NULL)
		return;
	codec_walk(root, collect, &ns);
	for (k = 0; k < ns.n; k++) {
		const struct codec_node *n = ns.list[k];

		for (i = 0; i < n->st->nfields; i++) {
			const struct codec_field *f = &n->st->fields[i];
			uint64_t actual, hdr = header_size(n), max;
			uint64_t lies[6];

			if (!is_length_or_count(f) ||
			    !codec_field_present(n, (int)i) ||
			    codec_effective_uint(n, (int)i, &actual) < 0)
				continue;
			max = f->bits >= 32 ? 0xffffffffu :
			    (UINT64_C(1) << f->bits) - 1;
			lies[0] = 0;
			lies[1] = hdr ? hdr - 1 : 0;
			lies[2] = hdr;
			lies[3] = actual ? actual - 1 : 0;
			lies[4] = actual + 1;
			lies[5] = max;
			for (j = 0; j < 6; j++)
				if (lies[j] <= max && lies[j] != actual)
					lie(g, root, k, (int)i, lies[j], t);
		}
	}
	codec_node_free(root);
}

static struct codec_node *decode_golden(const struct golden *g)
{
	struct codec_problems pr;
	struct codec_node *root = NULL;
	struct err e;

	if (g->first >= 0)
		codec_decode_chain((unsigned)g->first, g->bin.data, g->bin.len,
		    &root, &pr, &e);
	else
		codec_decode(g->bin.data, g->bin.len, &root, &pr, &e);
	return root;
}

static void try_tree(const struct golden *g, const struct codec_node *root,
    const char *what, struct tally *t, enum codec_problem_code want,
    const char *want_path)
{
	struct bytes out = BYTES_EMPTY;
	struct err e;
	struct golden as = *g;

	if (codec_encode(root, &out, &e) < 0) {
		report_bad(g, what, NULL, 0, e.text, t);
		return;
	}
	/* A chain decodes from its (possibly new) first payload. */
	if (g->first >= 0)
		as.first = (int)codec_chain_first(root);
	try_want(&as, out.data, out.len, what, t, want, want_path);
	bytes_free(&out);
}

/* Payload order: each one removed, doubled, moved first and last, and an
 * unknown payload (critical or not) put in front of it. */
static void sweep_structure(const struct golden *g, struct tally *t)
{
	struct codec_node *root = decode_golden(g);
	size_t i, n, crit;
	char what[96];

	if (root == NULL)
		return;
	n = root->nkids;
	for (i = 0; i < n; i++) {
		struct codec_node *c = codec_node_clone(root);
		struct codec_node *u;

		if (c == NULL)
			break;
		snprintf(what, sizeof(what), "payload %zu doubled", i + 1);
		codec_insert(c, i + 1, codec_node_clone(c->kids[i]));
		try_tree(g, c, what, t, CODEC_P_COUNT, NULL);
		codec_node_free(codec_remove(c, i + 1));
		snprintf(what, sizeof(what), "payload %zu moved first", i + 1);
		codec_move(c, i, 0);
		try_tree(g, c, what, t, CODEC_P_COUNT, NULL);
		codec_move(c, 0, n - 1);
		snprintf(what, sizeof(what), "payload %zu moved last", i + 1);
		try_tree(g, c, what, t, CODEC_P_COUNT, NULL);
		codec_node_free(c);

		c = codec_node_clone(root);
		if (c == NULL)
			break;
		snprintf(what, sizeof(what), "payload %zu removed", i + 1);
		codec_node_free(codec_remove(c, i));
		try_tree(g, c, what, t, CODEC_P_COUNT, NULL);
		codec_node_free(c);

		for (crit = 0; crit < 2; crit++) {
			c = codec_node_clone(root);
			u = codec_payload_new(99);
			if (c == NULL || u == NULL ||
			    codec_set_uint(u, 1, crit) < 0 ||
			    codec_insert(c, i, u) < 0) {
				codec_node_free(u);
				codec_node_free(c);
				break;
			}
			snprintf(what, sizeof(what), "PL99 critical=%zu before "
			    "payload %zu", crit, i + 1);
			/* Only an SK-less stretch of the chain reaches it. */
			try_tree(g, c, what, t, crit ?
			    CODEC_P_UNKNOWN_PAYLOAD_CRITICAL :
			    CODEC_P_UNKNOWN_PAYLOAD, i > 0 &&
			    (c->kids[i - 1]->ptype == PL_SK ||
			    c->kids[i - 1]->ptype == PL_SKF) ? NULL : "PL99");
			codec_node_free(c);
		}
	}
	codec_node_free(root);
}

/* Every reserved field of every structure set: RESERVED_NOT_ZERO, named
 * at that field's path. */
static void sweep_reserved(const struct golden *g, struct tally *t)
{
	struct codec_node *root = decode_golden(g);
	struct nodes ns = { .n = 0 };
	size_t k, i;

	if (root == NULL)
		return;
	codec_walk(root, collect, &ns);
	for (k = 0; k < ns.n; k++)
		for (i = 0; i < ns.list[k]->st->nfields; i++) {
			const struct codec_field *f = &ns.list[k]->st->fields[i];
			struct nodes cs = { .n = 0 };
			struct codec_node *c;
			char path[CODEC_PATH_MAX];

			if (f->autov != CODEC_A_RESERVED ||
			    !codec_field_present(ns.list[k], (int)i))
				continue;
			c = codec_node_clone(root);
			if (c == NULL)
				break;
			codec_walk(c, collect, &cs);
			codec_set_uint(cs.list[k], (int)i, 1);
			codec_path_of(cs.list[k], (int)i, path, sizeof(path));
			try_tree(g, c, path, t, CODEC_P_RESERVED_NOT_ZERO, path);
			codec_node_free(c);
		}
	codec_node_free(root);
}

int main(void)
{
	static struct golden g[GOLDEN_MAX];
	struct tally total = { 0, 0, 0, 0, 0, 0 };
	struct err e;
	size_t n, i;

	n = golden_load_all(g, GOLDEN_MAX, &e);
	if (!ok(n >= 20, "loaded %zu golden messages", n))
		diag("%s", n ? "" : e.text);
	for (i = 0; i < n; i++) {
		struct tally t = { 0, 0, 0, 0, 0, 0 };

		sweep_bytes(&g[i], &t);
		sweep_lengths(&g[i], &t);
		sweep_structure(&g[i], &t);
		sweep_reserved(&g[i], &t);
		ok(t.bad == 0 && t.malformed > 0 && t.valid > 0,
		    "golden %s: %zu mutations, %zu malformed (named), "
		    "%zu valid (encode back the same), %zu wrong, 0 crashes; "
		    "%zu length/count lies, %zu of them another valid message",
		    g[i].name, t.mutations, t.malformed, t.valid, t.bad,
		    t.lies, t.lies_valid);
		total.mutations += t.mutations;
		total.malformed += t.malformed;
		total.valid += t.valid;
		total.bad += t.bad;
	}
	diag("all goldens: %zu mutations, %zu malformed, %zu valid, %zu wrong",
	    total.mutations, total.malformed, total.valid, total.bad);
	golden_free_all(g, n);
	return tap_done();
}
