/* test_codec: golden messages decode cleanly and encode back to the same
 * bytes; fields by path; messages built from nothing with and without
 * overrides, byte for byte; each malformation named with its offset and
 * path. */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "golden.h"
#include "tap.h"

static struct golden goldens[GOLDEN_MAX];
static size_t ngoldens;
/* Which malformations a crafted message has produced, with offset and
 * path checked: every code must be (test_all_codes_seen). */
static bool code_seen[CODEC_P_COUNT];

static const struct golden *golden_get(const char *name)
{
	for (size_t i = 0; i < ngoldens; i++)
		if (strcmp(goldens[i].name, name) == 0)
			return &goldens[i];
	return NULL;
}

static void diag_problems(const struct codec_problems *pr)
{
	char line[400];

	for (size_t i = 0; i < pr->count; i++) {
		codec_problem_format(&pr->list[i], line, sizeof(line));
		diag("  %s", line);
	}
}

static int decode_golden(const struct golden *g, struct codec_node **n,
    struct codec_problems *pr)
{
	struct err e;

	if (g->first >= 0)
		return codec_decode_chain((unsigned)g->first, g->bin.data,
		    g->bin.len, n, pr, &e);
	return codec_decode(g->bin.data, g->bin.len, n, pr, &e);
}

static void test_goldens(void)
{
	struct err e;
	size_t i;

	ngoldens = golden_load_all(goldens, GOLDEN_MAX, &e);
	ok(ngoldens >= 20, "loaded %zu golden messages", ngoldens);
	if (ngoldens == 0)
		diag("%s", e.text);
	for (i = 0; i < ngoldens; i++) {
		const struct golden *g = &goldens[i];
		struct codec_problems pr;
		struct codec_node *n = NULL, *c;
		struct bytes out = BYTES_EMPTY, out2 = BYTES_EMPTY,
		    text = BYTES_EMPTY;

		if (!ok(decode_golden(g, &n, &pr) == 0, "%s decodes", g->name))
			continue;
		if (!is_int(pr.count, 0, "%s: no malformation", g->name))
			diag_problems(&pr);
		ok(codec_encode(n, &out, &e) == 0, "%s encodes", g->name);
		cmp_mem(out.data, out.len, g->bin.data, g->bin.len,
		    "%s: encode(decode(x)) == x", g->name);
		is_int(codec_node_size(n), g->bin.len, "%s: node size",
		    g->name);
		c = codec_node_clone(n);
		ok(c && codec_encode(c, &out2, &e) == 0 &&
		    out2.len == out.len && memcmp(out2.data, out.data,
		    out.len) == 0, "%s: a clone encodes the same", g->name);
		ok(codec_format(&text, n, &pr, 0) == 0 && text.len > 0 &&
		    strstr((char *)text.data, "malformation") == NULL,
		    "%s: prints without malformation", g->name);
		codec_node_free(c);
		codec_node_free(n);
		bytes_free(&out);
		bytes_free(&out2);
		bytes_free(&text);
	}
}

/* Every payload type of RFC 7296 and RFC 7383 appears in some golden. */
static int seen_types(struct codec_node *n, unsigned depth, void *ctx)
{
	bool *seen = ctx;

	(void)depth;
	if (codec_is_payload(n))
		seen[n->ptype & 255] = true;
	return 0;
}

static void test_golden_coverage(void)
{
	static const unsigned types[] = { PL_SA, PL_KE, PL_IDi, PL_IDr,
		PL_CERT, PL_CERTREQ, PL_AUTH, PL_NONCE, PL_N, PL_D, PL_V,
		PL_TSi, PL_TSr, PL_SK, PL_CP, PL_EAP, PL_SKF };
	bool seen[256] = { false };
	struct codec_problems pr;
	size_t i;

	for (i = 0; i < ngoldens; i++) {
		struct codec_node *n;

		if (decode_golden(&goldens[i], &n, &pr) == 0) {
			codec_walk(n, seen_types, seen);
			codec_node_free(n);
		}
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		ok(seen[types[i]], "a golden holds payload %s",
		    names_get(NAMES_T_PAYLOAD, types[i]));
}

/* Every field of every golden: its path leads back to it, and setting
 * its own text value back changes nothing on the wire. */
struct roundtrip {
	struct codec_node *root;
	size_t fields, bad;
};

static int path_roundtrip(struct codec_node *n, unsigned depth, void *ctx)
{
	struct roundtrip *rt = ctx;
	char path[CODEC_PATH_MAX], value[4096];
	struct codec_ref ref;
	struct err e;

	(void)depth;
	for (size_t i = 0; i < n->st->nfields; i++) {
		if (n->st->fields[i].kind == CODEC_K_CHILDREN)
			continue;
		rt->fields++;
		codec_path_of(n, (int)i, path, sizeof(path));
		if (codec_path_resolve(rt->root, path, &ref, &e) < 0 ||
		    ref.node != n || ref.field != (int)i ||
		    codec_path_get(rt->root, path, value, sizeof(value), &e) < 0 ||
		    codec_path_set(rt->root, path, value, &e) < 0) {
			if (rt->bad++ < 3)
				diag("  %s: %s", path, e.text);
		}
	}
	return 0;
}

static void test_path_roundtrip(void)
{
	size_t i;

	for (i = 0; i < ngoldens; i++) {
		struct roundtrip rt = { NULL, 0, 0 };
		struct codec_problems pr;
		struct bytes out = BYTES_EMPTY;
		struct err e;

		if (decode_golden(&goldens[i], &rt.root, &pr) < 0)
			continue;
		codec_walk(rt.root, path_roundtrip, &rt);
		ok(rt.bad == 0 && rt.fields >= 5, "%s: %zu field paths lead back "
		    "to their fields and get/set round-trips", goldens[i].name,
		    rt.fields);
		ok(codec_encode(rt.root, &out, &e) == 0 &&
		    out.len == goldens[i].bin.len &&
		    memcmp(out.data, goldens[i].bin.data, out.len) == 0,
		    "%s: the same bytes after setting every field to itself",
		    goldens[i].name);
		bytes_free(&out);
		codec_node_free(rt.root);
	}
}

static void get_is(struct codec_node *root, const char *path,
    const char *want)
{
	char out[2048];
	struct err e;

	if (codec_path_get(root, path, out, sizeof(out), &e) < 0) {
		ok(false, "get %s: %s", path, e.text);
		return;
	}
	if (!ok(strcmp(out, want) == 0, "get %s == %s", path, want))
		diag("  got %s", out);
}

static void set_ok(struct codec_node *root, const char *path,
    const char *value)
{
	struct err e;

	if (!ok(codec_path_set(root, path, value, &e) == 0, "set %s = %s",
	    path, value))
		diag("  %s", e.text);
}

static void set_fails(struct codec_node *root, const char *path,
    const char *value)
{
	struct err e;

	e.text[0] = '\0';
	ok(codec_path_set(root, path, value, &e) < 0 && e.text[0],
	    "set %s = %s refused (%s)", path, value, e.text);
}

static void test_paths_get(void)
{
	const struct golden *g = golden_get("ike_sa_init_req.hex");
	struct codec_problems pr;
	struct codec_node *m;
	struct codec_ref ref;
	char path[CODEC_PATH_MAX];
	struct err e;

	if (!ok(g && decode_golden(g, &m, &pr) == 0, "decode for paths"))
		return;
	get_is(m, "hdr.spi_i", "0x0102030405060708");
	get_is(m, "spi_r", "0x0000000000000000");
	get_is(m, "hdr.flags", "0x08");
	get_is(m, "flags.initiator", "1");
	get_is(m, "hdr.flags.response", "0");
	get_is(m, "exchange_type", "34");
	get_is(m, "hdr.length", "326");
	get_is(m, "next_payload", "33");
	get_is(m, "version", "32");
	get_is(m, "major_version", "2");
	get_is(m, "SA.length", "92");
	get_is(m, "SA.proposal[1].transform[1].id", "12");
	get_is(m, "SA.proposal[1].transform[1].attribute[1].value", "256");
	get_is(m, "SA.proposal[2].number", "2");
	get_is(m, "SA.proposal[2].last", "0");
	get_is(m, "SA.proposal[1].last", "2");
	get_is(m, "SA.proposal[1].transform[4].last", "0");
	get_is(m, "SA.proposal[1].num_transforms", "4");
	get_is(m, "KE.length", "72");
	get_is(m, "KE.group", "19");
	get_is(m, "Ni.length", "36");
	get_is(m, "NONCE.length", "36");
	get_is(m, "N[2].notify_type", "16389");
	get_is(m, "N[4].data", "000200030004");
	get_is(m, "payload[3].length", "36");
	get_is(m, "V.next_payload", "0");
	get_is(m, "V.data", "882fe56d6fd20dbc2251613b2ebe5beb");

	ok(codec_path_resolve(m, "SA.proposal[3]", &ref, &e) < 0,
	    "no proposal[3]: %s", e.text);
	ok(codec_path_resolve(m, "SA.bogus", &ref, &e) < 0,
	    "no field bogus: %s", e.text);
	ok(codec_path_resolve(m, "N[5]", &ref, &e) < 0, "no N[5]");
	ok(codec_path_resolve(m, "TSi", &ref, &e) < 0, "no TSi");
	ok(codec_path_resolve(m, "SA.proposal[0]", &ref, &e) < 0,
	    "index 0 refused");
	ok(codec_path_resolve(m, "SA.proposal[1", &ref, &e) < 0,
	    "unclosed bracket refused");
	ok(codec_path_resolve(m, "SA.proposal[2].transform[3]", &ref,
	    &e) == 0 && ref.field == -1, "a node path resolves to the node");
	codec_path_of(ref.node, 2, path, sizeof(path));
	is_int(strcmp(path, "SA.proposal[2].transform[3].length"), 0,
	    "path of a transform's length: %s", path);
	codec_path_of(codec_find_payload(m, PL_N, 2), 6, path, sizeof(path));
	is_int(strcmp(path, "N[2].notify_type"), 0, "path %s", path);
	codec_path_of(m, 14, path, sizeof(path));
	is_int(strcmp(path, "hdr.length"), 0, "path %s", path);
	codec_path_of(codec_find_payload(m, PL_KE, 1), -1, path, sizeof(path));
	is_int(strcmp(path, "KE"), 0, "a single payload has no index: %s",
	    path);
	codec_node_free(m);
}

static void test_paths_set(void)
{
	const struct golden *g = golden_get("ike_sa_init_req.hex");
	struct codec_problems pr;
	struct codec_node *m, *m2;
	struct bytes out = BYTES_EMPTY;
	struct err e;

	if (!ok(g && decode_golden(g, &m, &pr) == 0, "decode for set"))
		return;
	set_ok(m, "SA.proposal[1].transform[2].id", "HMAC_SHA2_512");
	set_ok(m, "hdr.flags", "0x20");
	set_ok(m, "N[1].notify_type", "COOKIE");
	set_ok(m, "exchange_type", "IKE_AUTH");
	set_ok(m, "KE.group", "0x0e");
	set_ok(m, "hdr.message_id", "4294967295");
	set_ok(m, "SA.proposal[2].number", "010");
	get_is(m, "SA.proposal[2].number", "10");
	set_fails(m, "SA.proposal[2].number", "0x");
	set_fails(m, "SA.proposal[2].number", "12abc");
	set_ok(m, "SA.proposal[2].number", "0X02");
	ok(codec_encode(m, &out, &e) == 0, "encode after sets");
	ok(out.len == g->bin.len, "same length");
	is_int(out.data[28 + 4 + 8 + 12 + 7], PRF_HMAC_SHA2_512,
	    "transform 2 id byte");
	is_int(out.data[19], 0x20, "flags byte");
	is_int(out.data[18], EXCH_IKE_AUTH, "exchange type byte");
	ok(out.data[20] == 0xff && out.data[23] == 0xff, "message ID bytes");
	get_is(m, "flags.response", "1");
	get_is(m, "flags.initiator", "0");
	bytes_free(&out);

	/* Data changes move every length that depends on them. */
	set_ok(m, "Ni.data", "0x0102");
	get_is(m, "Ni.length", "6");
	get_is(m, "hdr.length", "296");
	set_ok(m, "V.data", "\"abc\"");
	get_is(m, "V.data", "616263");
	get_is(m, "V.length", "7");
	set_ok(m, "N[4].data", "");
	get_is(m, "N[4].length", "8");

	/* A computed field set by hand stays as set; unset computes again. */
	set_ok(m, "KE.length", "99");
	get_is(m, "KE.length", "99");
	ok(codec_encode(m, &out, &e) == 0 && out.data[28 + 92 + 2] == 0 &&
	    out.data[28 + 92 + 3] == 99, "KE length 99 on the wire");
	bytes_free(&out);
	ok(codec_path_unset(m, "KE.length", &e) == 0, "unset KE.length");
	get_is(m, "KE.length", "72");
	set_ok(m, "SA.proposal[1].num_transforms", "9");
	get_is(m, "SA.proposal[1].num_transforms", "9");

	set_fails(m, "SA.proposal[1].number", "256");
	set_fails(m, "KE.group", "NOT_A_GROUP");
	set_fails(m, "SA.critical", "2");
	set_fails(m, "Ni.data", "0x123");
	set_fails(m, "SA.proposal[1]", "1");
	set_fails(m, "SA.proposals", "1");
	set_fails(m, "nothing.here", "1");

	/* A decoded message edited and re-decoded reads back the edits. */
	ok(codec_encode(m, &out, &e) == 0 &&
	    codec_decode(out.data, out.len, &m2, &pr, &e) == 0,
	    "re-decode the edited message");
	get_is(m2, "SA.proposal[1].transform[2].id", "7");
	get_is(m2, "Ni.data", "0102");
	ok(codec_problems_count(&pr, CODEC_P_TRANSFORM_COUNT_MISMATCH) == 1,
	    "the num_transforms lie is found");
	codec_node_free(m2);
	bytes_free(&out);
	codec_node_free(m);
}

static void test_paths_inner(void)
{
	const struct golden *g = golden_get("ike_auth_req_inner.hex");
	struct codec_problems pr;
	struct codec_node *c;
	struct bytes out = BYTES_EMPTY;
	struct err e;

	if (!ok(g && decode_golden(g, &c, &pr) == 0, "decode inner chain"))
		return;
	is_int(codec_chain_first(c), PL_IDi, "chain starts with IDi");
	get_is(c, "IDi.id_type", "2");
	get_is(c, "TSi.ts[2].ts_type", "8");
	get_is(c, "TSi.ts[1].end_port", "65535");
	get_is(c, "CP.attribute[2].type", "3");
	get_is(c, "SA.proposal[2].spi", "c1c2c3c4");
	set_ok(c, "TSi.ts[1].start_address", "10.1.2.3");
	set_ok(c, "TSi.ts[2].end_address", "2001:db8::1");
	get_is(c, "TSi.ts[1].start_address", "0a010203");
	get_is(c, "TSi.ts[2].end_address",
	    "20010db8000000000000000000000001");
	set_ok(c, "TSr.ts[1].ip_protocol", "17");
	ok(codec_encode(c, &out, &e) == 0 && out.len == g->bin.len,
	    "encode the edited chain");
	bytes_free(&out);
	codec_node_free(c);
}

/* A small IKE_SA_INIT built from nothing: the bytes written by hand. */
static const uint8_t basic_want[] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0, 0, 0, 0, 0, 0, 0, 0,
	0x21, 0x20, 0x22, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x54,
	/* SA, proposal, 2 transforms */
	0x22, 0x00, 0x00, 0x20,
	0x00, 0x00, 0x00, 0x1c, 0x01, 0x01, 0x00, 0x02,
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x0c, 0x80, 0x0e, 0x00, 0x80,
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x05,
	/* KE */
	0x28, 0x00, 0x00, 0x0c, 0x00, 0x13, 0x00, 0x00, 1, 2, 3, 4,
	/* Ni */
	0x00, 0x00, 0x00, 0x0c, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
};
enum { BASIC_SA = 28, BASIC_PROP = 32, BASIC_KE = 60, BASIC_NONCE = 72 };

static struct codec_node *build_basic(void)
{
	struct codec_node *m = codec_message_new(), *sa, *prop, *tr, *ke,
	    *ni;
	struct err e;

	sa = codec_payload_new(PL_SA);
	prop = codec_child_new(sa);
	codec_append(m, sa);
	codec_append(sa, prop);
	tr = codec_child_new(prop);
	codec_append(prop, tr);
	codec_append(tr, codec_child_new(tr));
	codec_append(prop, codec_child_new(prop));
	ke = codec_payload_new(PL_KE);
	ni = codec_payload_new(PL_NONCE);
	codec_append(m, ke);
	codec_append(m, ni);
	if (codec_path_set(m, "spi_i", "0x1122334455667788", &e) < 0 ||
	    codec_path_set(m, "exchange_type", "IKE_SA_INIT", &e) < 0 ||
	    codec_path_set(m, "flags.initiator", "1", &e) < 0 ||
	    codec_path_set(m, "SA.proposal[1].transform[1].type", "ENCR",
	    &e) < 0 ||
	    codec_path_set(m, "SA.proposal[1].transform[1].id", "AES_CBC",
	    &e) < 0 ||
	    codec_path_set(m, "SA.proposal[1].transform[1].attribute[1].value",
	    "128", &e) < 0 ||
	    codec_path_set(m, "SA.proposal[1].transform[2].type", "PRF",
	    &e) < 0 ||
	    codec_path_set(m, "SA.proposal[1].transform[2].id",
	    "PRF_HMAC_SHA2_256", &e) < 0 ||
	    codec_path_set(m, "KE.group", "ECP_256", &e) < 0 ||
	    codec_path_set(m, "KE.data", "01020304", &e) < 0 ||
	    codec_path_set(m, "Nr.data", "aaaaaaaaaaaaaaaa", &e) < 0) {
		diag("build_basic: %s", e.text);
		codec_node_free(m);
		return NULL;
	}
	return m;
}

/* A TLV attribute: 2 more bytes in the transform and above it. */
static void check_tlv(struct codec_node *m)
{
	struct bytes out = BYTES_EMPTY;
	struct err e;

	ok(codec_encode(m, &out, &e) == 0 && out.len == sizeof(basic_want) + 2
	    && memcmp(out.data + BASIC_PROP + 16, "\x00\x0e\x00\x02\x00\x80", 6) == 0
	    && out.data[BASIC_PROP + 3] == 0x1e && out.data[27] == 0x56,
	    "TLV attribute: type, length 2, data; lengths above grow by 2");
	bytes_free(&out);
}

/* Encodes, then compares with basic_want patched at one spot. */
static void check_build(struct codec_node *m, size_t at, const uint8_t *p,
    size_t n, const char *what)
{
	uint8_t want[sizeof(basic_want)];
	struct bytes out = BYTES_EMPTY;
	struct err e;

	memcpy(want, basic_want, sizeof(want));
	if (n)
		memcpy(want + at, p, n);
	if (!ok(codec_encode(m, &out, &e) == 0, "encode: %s", what))
		diag("  %s", e.text);
	cmp_mem(out.data, out.len, want, sizeof(want), "bytes: %s", what);
	bytes_free(&out);
}

static struct codec_node *decode_out(struct codec_node *m,
    struct codec_problems *pr, struct bytes *out)
{
	struct codec_node *d = NULL;
	struct err e;

	out->len = 0;
	if (codec_encode(m, out, &e) < 0 ||
	    codec_decode(out->data, out->len, &d, pr, &e) < 0) {
		diag("decode_out: %s", e.text);
		return NULL;
	}
	return d;
}

static void test_build(void)
{
	struct codec_node *m = build_basic();
	struct err e;

	if (!ok(m != NULL, "build a message from nothing"))
		return;
	check_build(m, 0, NULL, 0, "defaults");
	set_ok(m, "SA.critical", "1");
	check_build(m, BASIC_SA + 1, (const uint8_t *)"\x80", 1, "critical");
	set_ok(m, "SA.reserved", "0x7f");
	check_build(m, BASIC_SA + 1, (const uint8_t *)"\xff", 1,
	    "critical and reserved");
	set_ok(m, "SA.critical", "0");
	check_build(m, BASIC_SA + 1, (const uint8_t *)"\x7f", 1,
	    "reserved bits only");
	codec_path_unset(m, "SA.reserved", &e);
	codec_path_unset(m, "SA.critical", &e);
	set_ok(m, "SA.proposal[1].last", "5");
	check_build(m, BASIC_PROP, (const uint8_t *)"\x05", 1, "last = 5");
	codec_path_unset(m, "SA.proposal[1].last", &e);
	set_ok(m, "hdr.length", "1000");
	check_build(m, 24, (const uint8_t *)"\x00\x00\x03\xe8", 4,
	    "header length lie");
	codec_path_unset(m, "hdr.length", &e);
	set_ok(m, "KE.next_payload", "N");
	check_build(m, BASIC_KE, (const uint8_t *)"\x29", 1,
	    "next payload lie");
	codec_path_unset(m, "KE.next_payload", &e);
	set_ok(m, "SA.proposal[1].transform[1].attribute[1].af", "0");
	set_ok(m, "SA.proposal[1].transform[1].attribute[1].data", "0080");
	check_tlv(m);
	codec_path_set(m, "SA.proposal[1].transform[1].attribute[1].af", "1",
	    &e);
	set_ok(m, "SA.proposal[1].transform[1].reserved2", "0xff");
	check_build(m, BASIC_PROP + 8 + 5, (const uint8_t *)"\xff", 1,
	    "transform reserved");
	codec_path_unset(m, "SA.proposal[1].transform[1].reserved2", &e);
	set_ok(m, "flags", "0xff");
	check_build(m, 19, (const uint8_t *)"\xff", 1, "all flag bits");
	set_ok(m, "flags.reserved_high", "0");
	check_build(m, 19, (const uint8_t *)"\x3f", 1, "reserved high clear");
	codec_path_unset(m, "flags", &e);
	check_build(m, 19, (const uint8_t *)"\x38", 1,
	    "flags unset: reserved bits computed (zero) again");
	codec_node_free(m);
}

static void test_node_edits(void)
{
	struct codec_node *m = build_basic(), *d, *k;
	struct codec_problems pr;
	struct bytes out = BYTES_EMPTY;
	char path[CODEC_PATH_MAX];

	if (!ok(m != NULL, "build for edits"))
		return;
	k = codec_node_new(CODEC_S_PROPOSAL);
	ok(codec_insert(m, 0, k) < 0, "a proposal is not a payload");
	codec_node_free(k);
	k = codec_node_new(CODEC_S_TRANSFORM);
	ok(codec_append(m->kids[0], k) < 0, "SA holds proposals only");
	codec_node_free(k);
	ok(codec_move(m, 0, 5) < 0, "move out of range refused");
	ok(codec_remove(m, 3) == NULL, "remove out of range refused");

	/* Duplicate: a second KE right after the first. */
	ok(codec_insert(m, 2, codec_node_clone(m->kids[1])) == 0,
	    "insert a copy of KE");
	d = decode_out(m, &pr, &out);
	ok(d && pr.count == 0 && d->nkids == 4 &&
	    d->kids[1]->ptype == PL_KE && d->kids[2]->ptype == PL_KE,
	    "duplicate KE: two KE payloads, chain intact");
	if (d) {
		codec_path_of(d->kids[2], 0, path, sizeof(path));
		is_int(strcmp(path, "KE[2].next_payload"), 0, "path %s", path);
	}
	codec_node_free(d);

	/* Missing: no Nonce. */
	codec_node_free(codec_remove(m, 3));
	codec_node_free(codec_remove(m, 2));
	d = decode_out(m, &pr, &out);
	ok(d && pr.count == 0 && d->nkids == 2 &&
	    d->kids[1]->v[0].num == PL_NONE, "Nonce removed: KE is last");
	is_int(out.len, sizeof(basic_want) - 12, "12 bytes shorter");
	codec_node_free(d);

	/* Reordered: KE first. */
	ok(codec_move(m, 1, 0) == 0, "move KE to the front");
	d = decode_out(m, &pr, &out);
	ok(d && pr.count == 0 && out.data[16] == PL_KE &&
	    d->kids[0]->ptype == PL_KE && d->kids[1]->ptype == PL_SA,
	    "header names KE first, then SA");
	codec_node_free(d);
	bytes_free(&out);
	codec_node_free(m);
}

/* Decodes bin and checks one problem: its code, offset and path. */
static void expect_problem(const uint8_t *bin, size_t len, int first,
    enum codec_problem_code code, size_t offset, const char *path,
    const char *what)
{
	struct codec_problems pr;
	struct codec_node *n = NULL;
	struct bytes out = BYTES_EMPTY, text = BYTES_EMPTY;
	struct err e;
	size_t i;
	bool found = false;

	if (first >= 0)
		codec_decode_chain((unsigned)first, bin, len, &n, &pr, &e);
	else
		codec_decode(bin, len, &n, &pr, &e);
	if (!ok(n != NULL, "%s: decodes to a tree", what))
		return;
	for (i = 0; i < pr.count; i++)
		if (pr.list[i].code == code && pr.list[i].offset == offset &&
		    strcmp(pr.list[i].path, path) == 0)
			found = true;
	if (!ok(found, "%s: %s at %zu in %s", what, codec_problem_name(code),
	    offset, path))
		diag_problems(&pr);
	else
		code_seen[code] = true;
	ok(codec_encode(n, &out, &e) == 0 &&
	    codec_format(&text, n, &pr, 0) == 0 &&
	    strstr((char *)text.data, codec_problem_name(code)),
	    "%s: the tree encodes and the dump names %s", what,
	    codec_problem_name(code));
	bytes_free(&out);
	bytes_free(&text);
	codec_node_free(n);
}

/* Sets path = value on m, encodes, expects the problem. */
static void crafted(struct codec_node *m, const char *path,
    const char *value, enum codec_problem_code code, size_t offset,
    const char *ppath)
{
	struct codec_node *c = codec_node_clone(m);
	struct bytes out = BYTES_EMPTY;
	char what[160];
	struct err e;

	snprintf(what, sizeof(what), "%s = %s", path, value);
	if (c == NULL || codec_path_set(c, path, value, &e) < 0 ||
	    codec_encode(c, &out, &e) < 0) {
		ok(false, "%s: craft", what);
		codec_node_free(c);
		return;
	}
	expect_problem(out.data, out.len, c->st->id == CODEC_S_CHAIN ?
	    (int)codec_chain_first(c) : -1, code, offset, ppath, what);
	bytes_free(&out);
	codec_node_free(c);
}

static void test_malformations_header(void)
{
	struct codec_node *m = build_basic();
	struct bytes out = BYTES_EMPTY;
	uint8_t bin[sizeof(basic_want) + 8];
	struct err e;

	if (!ok(m != NULL, "build for malformations"))
		return;
	expect_problem(basic_want, 20, -1, CODEC_P_TRUNCATED_HEADER, 20,
	    "hdr.message_id", "20 bytes");
	expect_problem(basic_want, 0, -1, CODEC_P_TRUNCATED_HEADER, 0,
	    "hdr.spi_i", "0 bytes");
	/* The header names SA, 2 bytes follow. */
	memcpy(bin, basic_want, 28);
	bin[27] = 30;
	bin[28] = 0x22;
	bin[29] = 0;
	expect_problem(bin, 30, -1, CODEC_P_TRUNCATED, 30, "SA.length",
	    "2 bytes of payload header");
	/* Next payload SA and nothing after the header. */
	bin[27] = 28;
	expect_problem(bin, 28, -1, CODEC_P_TRUNCATED, 28,
	    "hdr.next_payload", "no payload after the header");
	crafted(m, "hdr.length", "100", CODEC_P_HEADER_LENGTH_MISMATCH, 24,
	    "hdr.length");
	crafted(m, "hdr.length", "10", CODEC_P_HEADER_LENGTH_MISMATCH, 24,
	    "hdr.length");
	crafted(m, "hdr.trailing", "deadbeef", CODEC_P_TRAILING_DATA,
	    sizeof(basic_want), "hdr.trailing");
	crafted(m, "major_version", "3", CODEC_P_BAD_MAJOR_VERSION, 17,
	    "hdr.major_version");
	crafted(m, "minor_version", "1", CODEC_P_MINOR_VERSION_NOT_ZERO, 17,
	    "hdr.minor_version");
	crafted(m, "flags.reserved_low", "5", CODEC_P_RESERVED_NOT_ZERO, 19,
	    "hdr.flags.reserved_low");
	crafted(m, "Ni.next_payload", "V", CODEC_P_TRUNCATED, BASIC_NONCE + 12,
	    "NONCE.next_payload");
	/* A header length shorter than the payloads: they end beyond it. */
	crafted(m, "hdr.length", "70", CODEC_P_LENGTH_BEYOND_DATA,
	    BASIC_KE + 2, "KE.length");

	/* Trailing bytes survive decode + encode. */
	codec_path_set(m, "hdr.trailing", "deadbeef", &e);
	{
		struct codec_problems pr;
		struct codec_node *d = decode_out(m, &pr, &out);
		struct bytes again = BYTES_EMPTY;

		ok(d && codec_encode(d, &again, &e) == 0 &&
		    again.len == out.len && memcmp(again.data, out.data,
		    out.len) == 0 && out.len == sizeof(basic_want) + 4,
		    "trailing garbage round-trips");
		bytes_free(&again);
		codec_node_free(d);
	}
	bytes_free(&out);
	codec_node_free(m);
}

static void test_malformations_sa(void)
{
	struct codec_node *m = build_basic(), *sa2;
	struct err e;

	if (!ok(m != NULL, "build for SA malformations"))
		return;
	crafted(m, "SA.reserved", "1", CODEC_P_RESERVED_NOT_ZERO,
	    BASIC_SA + 1, "SA.reserved");
	crafted(m, "SA.length", "3", CODEC_P_LENGTH_TOO_SHORT, BASIC_SA + 2,
	    "SA.length");
	crafted(m, "SA.length", "200", CODEC_P_LENGTH_BEYOND_DATA,
	    BASIC_SA + 2, "SA.length");
	crafted(m, "SA.proposal[1].length", "4", CODEC_P_LENGTH_TOO_SHORT,
	    BASIC_PROP + 2, "SA.proposal[1].length");
	crafted(m, "SA.proposal[1].length", "48", CODEC_P_LENGTH_BEYOND_DATA,
	    BASIC_PROP + 2, "SA.proposal[1].length");
	crafted(m, "SA.proposal[1].transform[2].length", "4",
	    CODEC_P_LENGTH_TOO_SHORT, BASIC_PROP + 8 + 12 + 2,
	    "SA.proposal[1].transform[2].length");
	crafted(m, "SA.proposal[1].num_transforms", "3",
	    CODEC_P_TRANSFORM_COUNT_MISMATCH, BASIC_PROP + 7,
	    "SA.proposal[1].num_transforms");
	crafted(m, "SA.proposal[1].transform[1].last", "0",
	    CODEC_P_BAD_LAST_SUBSTRUCT, BASIC_PROP + 8,
	    "SA.proposal[1].transform[1].last");
	crafted(m, "SA.proposal[1].transform[2].last", "3",
	    CODEC_P_BAD_LAST_SUBSTRUCT, BASIC_PROP + 8 + 12,
	    "SA.proposal[1].transform[2].last");
	crafted(m, "SA.proposal[1].number", "0", CODEC_P_BAD_PROPOSAL_NUMBER,
	    BASIC_PROP + 4, "SA.proposal[1].number");
	crafted(m, "SA.proposal[1].spi", "0102030405", CODEC_P_BAD_SPI_SIZE,
	    BASIC_PROP + 6, "SA.proposal[1].spi_size");
	crafted(m, "SA.proposal[1].spi_size", "200",
	    CODEC_P_LENGTH_BEYOND_DATA, BASIC_PROP + 8,
	    "SA.proposal[1].spi");
	codec_path_set(m, "SA.proposal[1].transform[1].attribute[1].af", "0",
	    &e);
	crafted(m, "SA.proposal[1].transform[1].attribute[1].length", "100",
	    CODEC_P_BAD_ATTRIBUTE_LENGTH, BASIC_PROP + 8 + 12,
	    "SA.proposal[1].transform[1].attribute[1].data");
	codec_path_set(m, "SA.proposal[1].transform[1].attribute[1].af", "1",
	    &e);
	crafted(m, "SA.proposal[1].transform[1].length", "10",
	    CODEC_P_TRUNCATED, BASIC_PROP + 8 + 10,
	    "SA.proposal[1].transform[1].attribute[1].value");

	/* A second proposal numbered 3. */
	sa2 = codec_node_clone(m->kids[0]->kids[0]);
	codec_append(m->kids[0], sa2);
	codec_path_set(m, "SA.proposal[2].number", "3", &e);
	crafted(m, "SA.proposal[1].last", "0", CODEC_P_BAD_PROPOSAL_NUMBER,
	    BASIC_PROP + 28 + 4, "SA.proposal[2].number");
	crafted(m, "SA.proposal[1].last", "0", CODEC_P_BAD_LAST_SUBSTRUCT,
	    BASIC_PROP, "SA.proposal[1].last");
	codec_node_free(codec_remove(m->kids[0], 1));
	codec_node_free(codec_remove(m->kids[0], 0));
	crafted(m, "SA.critical", "0", CODEC_P_NO_PROPOSALS, BASIC_SA, "SA");
	codec_node_free(m);
}

/* A chain of one payload of type t, with fields set from pairs. */
static struct codec_node *chain_of(unsigned t)
{
	struct codec_node *c = codec_chain_new();

	codec_append(c, codec_payload_new(t));
	return c;
}

static void test_malformations_payloads(void)
{
	struct codec_node *c;
	struct err e;

	c = chain_of(PL_TSi);
	codec_append(c->kids[0], codec_child_new(c->kids[0]));
	crafted(c, "TSi.num_ts", "3", CODEC_P_TS_COUNT_MISMATCH, 4,
	    "TSi.num_ts");
	crafted(c, "TSi.reserved2", "1", CODEC_P_RESERVED_NOT_ZERO, 5,
	    "TSi.reserved2");
	crafted(c, "TSi.ts[1].start_address", "0a0000010a000002",
	    CODEC_P_BAD_TS_LENGTH, 10, "TSi.ts[1].length");
	crafted(c, "TSi.ts[1].start_address", "0a0000010a000002",
	    CODEC_P_LEFTOVER_DATA, 24, "TSi.ts[1]");
	crafted(c, "TSi.ts[1].length", "12", CODEC_P_LENGTH_TOO_SHORT, 10,
	    "TSi.ts[1].length");
	crafted(c, "TSi.ts[1].ts_type", "IPV6_ADDR_RANGE",
	    CODEC_P_LENGTH_TOO_SHORT, 10, "TSi.ts[1].length");
	codec_node_free(c);

	c = chain_of(PL_D);
	codec_append(c->kids[0], codec_child_new(c->kids[0]));
	codec_append(c->kids[0], codec_child_new(c->kids[0]));
	crafted(c, "D.num_spis", "1", CODEC_P_SPI_COUNT_MISMATCH, 6,
	    "D.num_spis");
	crafted(c, "D.spi_size", "0", CODEC_P_LEFTOVER_DATA, 8, "D");
	crafted(c, "D.protocol", "IKE", CODEC_P_BAD_SPI_SIZE, 5,
	    "D.spi_size");
	crafted(c, "D.spi_size", "3", CODEC_P_LENGTH_BEYOND_DATA, 14,
	    "D.spi[3].value");
	codec_node_free(c);

	c = chain_of(PL_N);
	codec_path_set(c, "N.protocol", "ESP", &e);
	crafted(c, "N.spi", "01020304050607", CODEC_P_BAD_SPI_SIZE, 5,
	    "N.spi_size");
	crafted(c, "N.spi_size", "9", CODEC_P_LENGTH_BEYOND_DATA, 8,
	    "N.spi");
	codec_node_free(c);

	c = chain_of(PL_EAP);
	crafted(c, "EAP.eap_length", "10", CODEC_P_EAP_LENGTH_MISMATCH, 6,
	    "EAP.eap_length");
	codec_node_free(c);

	c = chain_of(PL_SKF);
	crafted(c, "SKF.fragment_number", "3", CODEC_P_BAD_FRAGMENT_NUMBER, 4,
	    "SKF.fragment_number");
	crafted(c, "SKF.total_fragments", "0", CODEC_P_BAD_FRAGMENT_NUMBER, 4,
	    "SKF.fragment_number");
	codec_node_free(c);

	c = chain_of(PL_CP);
	codec_append(c->kids[0], codec_child_new(c->kids[0]));
	codec_path_set(c, "CP.attribute[1].value", "0a000001", &e);
	crafted(c, "CP.attribute[1].length", "5",
	    CODEC_P_BAD_ATTRIBUTE_LENGTH, 12, "CP.attribute[1].value");
	crafted(c, "CP.attribute[1].reserved", "1",
	    CODEC_P_RESERVED_NOT_ZERO, 8, "CP.attribute[1].reserved");
	codec_node_free(c);

	c = chain_of(PL_KE);
	crafted(c, "KE.length", "7", CODEC_P_LENGTH_TOO_SHORT, 2,
	    "KE.length");
	crafted(c, "KE.length", "9", CODEC_P_LENGTH_BEYOND_DATA, 2,
	    "KE.length");
	crafted(c, "trailing", "00", CODEC_P_TRAILING_DATA, 8, "trailing");
	codec_node_free(c);
}

/* A problem found in the first of several notifies is named N[1] (the
 * decoder did not know yet that a second one would follow). */
static void test_problem_paths_late(void)
{
	const struct golden *g = golden_get("ike_sa_init_req.hex");
	struct codec_problems pr;
	struct codec_node *m;

	if (!ok(g && decode_golden(g, &m, &pr) == 0, "decode for late paths"))
		return;
	crafted(m, "N[1].reserved", "1", CODEC_P_RESERVED_NOT_ZERO,
	    28 + 92 + 72 + 36 + 1, "N[1].reserved");
	codec_node_free(m);
}

static void test_unknown_payloads(void)
{
	struct codec_node *m = build_basic(), *u, *d;
	struct codec_problems pr;
	struct bytes out = BYTES_EMPTY, again = BYTES_EMPTY;
	const struct codec_problem *p;
	struct err e;

	if (!ok(m != NULL, "build for unknown payloads"))
		return;
	u = codec_payload_new(99);
	ok(u && u->st->id == CODEC_S_UNKNOWN, "type 99 has no table");
	codec_set_data(u, codec_field_index(u->st, "data", 4), "\x01\x02\x03", 3);
	ok(codec_insert(m, 2, u) == 0, "insert PL99 before the nonce");
	d = decode_out(m, &pr, &out);
	ok(d != NULL && out.data[BASIC_KE] == 99 &&
	    out.data[BASIC_KE + 12] == PL_NONCE &&
	    out.data[BASIC_KE + 13] == 0x00, "KE names 99, 99 names Ni");
	p = codec_problems_find(&pr, CODEC_P_UNKNOWN_PAYLOAD);
	if (ok(p && p->offset == BASIC_KE + 12 && strcmp(p->path, "PL99") == 0 &&
	    codec_problems_errors(&pr) == 0,
	    "UNKNOWN_PAYLOAD (a notice) for PL99 at %d", BASIC_KE + 12))
		code_seen[CODEC_P_UNKNOWN_PAYLOAD] = true;
	get_is(d, "PL99.data", "010203");
	ok(codec_encode(d, &again, &e) == 0 && again.len == out.len &&
	    memcmp(again.data, out.data, out.len) == 0,
	    "unknown payload round-trips");
	codec_node_free(d);
	bytes_free(&again);

	set_ok(m, "PL99.critical", "1");
	d = decode_out(m, &pr, &out);
	p = codec_problems_find(&pr, CODEC_P_UNKNOWN_PAYLOAD_CRITICAL);
	if (ok(d && out.data[BASIC_KE + 13] == 0x80 && p &&
	    p->offset == BASIC_KE + 12 && strcmp(p->path, "PL99") == 0 &&
	    codec_problems_errors(&pr) == 1,
	    "critical bit on the wire and UNKNOWN_PAYLOAD_CRITICAL"))
		code_seen[CODEC_P_UNKNOWN_PAYLOAD_CRITICAL] = true;
	ok(d && d->nkids == 4 && d->kids[3]->ptype == PL_NONCE,
	    "decoding goes on after it");
	get_is(m, "payload[3].critical", "1");
	codec_node_free(d);
	bytes_free(&out);
	codec_node_free(m);
}

static void test_lone_nodes(void)
{
	struct codec_node *d = codec_payload_new(PL_D);
	char path[CODEC_PATH_MAX];
	struct codec_ref ref;
	struct err e;

	codec_append(d, codec_child_new(d));
	codec_append(d, codec_child_new(d));
	codec_path_of(d->kids[1], 0, path, sizeof(path));
	is_int(strcmp(path, "D.spi[2].value"), 0, "path in a lone D: %s", path);
	ok(codec_path_resolve(d, path, &ref, &e) == 0 && ref.node == d->kids[1]
	    && ref.field == 0, "and back");
	ok(codec_path_resolve(d, "spi[1].value", &ref, &e) == 0 &&
	    ref.node == d->kids[0], "without the root's name too");
	get_is(d, "D.num_spis", "2");
	get_is(d, "spi_size", "4");
	codec_node_free(d);
}

static void test_encode_limits(void)
{
	struct codec_node *c = chain_of(PL_NONCE);
	struct bytes out = BYTES_EMPTY;
	static uint8_t big[70000];
	struct err e;

	codec_set_data(c->kids[0], codec_field_index(c->kids[0]->st, "data", 4), big, sizeof(big));
	e.text[0] = '\0';
	ok(codec_encode(c, &out, &e) < 0 && strstr(e.text, "NONCE.length"),
	    "a payload over 64 KiB cannot be encoded: %s", e.text);
	is_int(out.len, 0, "nothing written on failure");
	codec_set_uint(c->kids[0], 3, 12);
	ok(codec_encode(c, &out, &e) == 0 && out.len == 70004,
	    "with its length set it can (and lies)");
	bytes_free(&out);
	codec_node_free(c);
}

static void test_print(void)
{
	const struct golden *g = golden_get("ike_sa_init_req.hex");
	struct codec_problems pr;
	struct codec_node *m;
	struct bytes text = BYTES_EMPTY, out = BYTES_EMPTY;
	const char *t;
	struct err e;

	if (!ok(g && decode_golden(g, &m, &pr) == 0, "decode for print"))
		return;
	codec_path_set(m, "SA.proposal[2].length", "48", &e);
	codec_encode(m, &out, &e);
	codec_node_free(m);
	codec_decode(out.data, out.len, &m, &pr, &e);
	codec_format(&text, m, &pr, 0);
	t = (const char *)text.data;
	ok(strstr(t, "IKE header: spi_i=0x0102030405060708 spi_r="
	    "0x0000000000000000 next_payload=SA(33) version=2.0 "
	    "exchange_type=IKE_SA_INIT(34) flags=0x08 [I] message_id=0 "
	    "length=326\n") != NULL, "header line");
	ok(strstr(t, "\n  SA (33) next_payload=KE(34) critical=0 length=92\n"),
	    "SA line");
	ok(strstr(t, "malformation at offset 78: LENGTH_BEYOND_DATA: "
	    "SA.proposal[2].length 48 > 44 bytes left") != NULL,
	    "malformation line");
	if (!ok(strstr(t, "\n  N (41) next_payload=N(41) critical=0 length=28 "
	    "protocol=NONE(0) spi_size=0 "
	    "notify_type=NAT_DETECTION_SOURCE_IP(16388) data=") != NULL,
	    "notify line"))
		diag("%s", t);
	codec_node_free(m);
	bytes_free(&text);
	bytes_free(&out);
	{
		FILE *f = tmpfile();

		ok(f && codec_print(f, NULL, &pr, 0) == 0 && ftell(f) > 40,
		    "print problems alone");
		if (f)
			fclose(f);
	}
}

static void test_problem_names(void)
{
	enum codec_problem_code c;
	unsigned i;
	unsigned t;

	ok(codec_payload_type_parse("Nr", 2, &t) == 0 && t == PL_NONCE &&
	    codec_payload_type_parse("tsr", 3, &t) == 0 && t == PL_TSr &&
	    codec_payload_type_parse("PL_SKF", 6, &t) == 0 && t == PL_SKF &&
	    codec_payload_type_parse("PL200", 5, &t) == 0 && t == 200 &&
	    codec_payload_type_parse("PL256", 5, &t) < 0 &&
	    codec_payload_type_parse("XX", 2, &t) < 0, "payload names");

	for (i = 0; i < CODEC_P_COUNT; i++) {
		const char *name = codec_problem_name(i);

		if (codec_problem_parse(name, strlen(name), &c) < 0 || c != i)
			break;
	}
	is_int(i, CODEC_P_COUNT, "every problem name reads back");
	ok(codec_problem_severity(CODEC_P_UNKNOWN_PAYLOAD) == CODEC_SEV_NOTICE
	    && codec_problem_severity(CODEC_P_TRUNCATED) == CODEC_SEV_ERROR,
	    "severities");
}

static void test_all_codes_seen(void)
{
	unsigned i, missing = 0;

	for (i = 0; i < CODEC_P_COUNT; i++)
		if (!code_seen[i]) {
			diag("no crafted message produced %s",
			    codec_problem_name(i));
			missing++;
		}
	is_int(missing, 0, "each of the %d malformations was produced by a "
	    "crafted message at the right offset and path", CODEC_P_COUNT);
}

/* The script keys of the codec tables (codec_tables.c) name fields that
 * exist, take their positional places once each, and every payload name
 * a script writes has a struct with keys. */
static void test_script_keys(void)
{
	const struct codec_script_payload *sp;
	const struct codec_struct *st;
	const struct codec_key *k;
	bool good = true;
	int id;

	for (id = 0; id < CODEC_S_COUNT; id++) {
		unsigned places = 0;

		st = codec_struct_get((enum codec_struct_id)id);
		for (k = st->keys; k != NULL && k->key != NULL; k++) {
			if (k->field >= (int)st->nfields ||
			    (k->field < 0 && k->field != CODEC_KEY_BUILT) ||
			    codec_key_find(st, k->key) != k ||
			    (k->pos > 0 && codec_key_at(st, k->pos) != k)) {
				diag("%s: key `%s'", st->name, k->key);
				good = false;
			}
			places += k->pos > 0;
		}
		if (places > 0 && codec_key_at(st, places) == NULL) {
			diag("%s: positional places not 1..%u", st->name, places);
			good = false;
		}
	}
	ok(good, "script keys name real fields, each place once");
	for (sp = codec_script_payloads; sp->name != NULL; sp++)
		if (codec_struct_of_payload(sp->ptype)->keys == NULL) {
			diag("%s has no keys", sp->name);
			good = false;
		}
	ok(good, "every payload a script names has its keys");
	st = codec_struct_of_payload(PL_N);
	k = codec_key_find(st, "proto");
	ok(k != NULL && strcmp(st->fields[k->field].name, "protocol") == 0 &&
	    codec_key_names(st, k) == NAMES_T_PROTOCOL,
	    "N: proto= sets protocol, checked as a protocol name");
	k = codec_key_at(st, 1);
	ok(k != NULL && strcmp(st->fields[k->field].name, "notify_type") == 0 &&
	    k->required, "N: the positional type is notify_type, required");
	st = codec_struct_of_payload(PL_IDi);
	ok(codec_key_at(st, 2) != NULL &&
	    strcmp(st->fields[codec_key_at(st, 2)->field].name, "data") == 0,
	    "IDi: the second positional value is data");
	st = codec_struct_of_payload(PL_KE);
	k = codec_key_find(st, "next");
	ok(k != NULL && codec_key_names(st, k) == -1 &&
	    codec_key_find(codec_struct_of_payload(PL_N), "spi_size") == NULL,
	    "next= is checked when built; fields without a key are not arguments");
	ok(codec_transform_id_names(TT_DH) == NAMES_T_DH &&
	    codec_transform_id_names(99) == -1, "transform ID tables by type");
}

int main(void)
{
	test_goldens();
	test_golden_coverage();
	test_path_roundtrip();
	test_paths_get();
	test_paths_set();
	test_paths_inner();
	test_build();
	test_node_edits();
	test_malformations_header();
	test_malformations_sa();
	test_malformations_payloads();
	test_problem_paths_late();
	test_unknown_payloads();
	test_lone_nodes();
	test_encode_limits();
	test_print();
	test_problem_names();
	test_all_codes_seen();
	test_script_keys();
	golden_free_all(goldens, ngoldens);
	return tap_done();
}
