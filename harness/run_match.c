/* run_match: the matchers of `expect`. A received message is looked at
 * through a view where SK's payloads stand in place of SK, so presence,
 * order and paths see encrypted payloads like clear ones. Presence never
 * imposes an order; each failed matcher adds one "expected vs actual"
 * line to the check. */
#include "run_int.h"

#include <string.h>

#include "rules.h"

/* ------------------------------------------------------------ values */

/* Big-endian number of up to 8 bytes of data. */
static bool run_data_num(const struct bytes *d, uint64_t *v)
{
	size_t i;

	if (d->len == 0 || d->len > 8)
		return false;
	*v = 0;
	for (i = 0; i < d->len; i++)
		*v = *v << 8 | d->data[i];
	return true;
}

/* The table a WORD compared with notify data is read in. */
static int run_notify_data_table(const struct codec_node *n)
{
	if (n->st->id == CODEC_S_NOTIFY &&
	    ike_get(n, "notify_type") == N_UNSUPPORTED_CRITICAL_PAYLOAD)
		return NAMES_T_PAYLOAD;
	return NAMES_T_DH;	/* INVALID_KE_PAYLOAD and the like */
}

/* One single (not A|B) value against field f of n. */
static bool run_single_eq(struct run_ctx *c, struct codec_node *n, int f,
    const struct script_value *v, int *cmpres)
{
	const struct codec_field *fd = &n->st->fields[f];
	struct codec_node *scratch;
	char text[RUN_TEXT_MAX * 2 + 8];
	struct err e;
	uint64_t a, b;
	bool ok = false;

	*cmpres = 1;
	if (fd->kind == CODEC_K_DATA) {
		const struct bytes *d = codec_get_data(n, f);

		if (v->kind == SCRIPT_V_WORD || v->kind == SCRIPT_V_NUMBER) {
			unsigned w = (unsigned)v->num;

			if (v->kind == SCRIPT_V_WORD &&
			    names_parse(run_notify_data_table(n), v->text,
			    strlen(v->text), &w) < 0)
				return false;
			if (!run_data_num(d, &a))
				return false;
			*cmpres = a < w ? -1 : a > w;
			return a == w;
		}
	}
	if (run_value_text(c, v, text, sizeof(text)) < 0)
		return false;
	scratch = codec_is_payload(n) ? codec_payload_new(n->ptype) :
	    codec_node_new(n->st->id);
	/* a transform id is named in its type's table (ENCR, PRF...) */
	if (scratch != NULL && codec_field_index(n->st, "type", 4) >= 0)
		(void)ike_set(scratch, "type", ike_get(n, "type"));
	if (scratch == NULL || codec_field_parse(scratch, f, text, &e) < 0) {
		if (scratch != NULL && !c->bad_script)
			run_script_error(c, v->pos.line, "%s: %s", fd->name, e.text);
		codec_node_free(scratch);
		return false;
	}
	if (fd->kind == CODEC_K_DATA) {
		const struct bytes *x = codec_get_data(n, f);
		const struct bytes *y = codec_get_data(scratch, f);

		ok = x->len == y->len && (x->len == 0 ||
		    memcmp(x->data, y->data, x->len) == 0);
		*cmpres = ok ? 0 : 1;
	} else {
		if (codec_effective_uint(n, f, &a) < 0)
			a = codec_get_uint(n, f);
		b = codec_get_uint(scratch, f);
		*cmpres = a < b ? -1 : a > b;
		ok = a == b;
	}
	codec_node_free(scratch);
	return ok;
}

/* A value (maybe A|B) compares with field f of n as cmp asks. */
static bool run_value_cmp(struct run_ctx *c, struct codec_node *n, int f,
    enum script_cmp cmp, const struct script_value *v)
{
	const struct script_value *alt;
	bool any = false;
	int r;

	if (v->kind == SCRIPT_V_ONEOF) {
		for (alt = v->alts; alt != NULL; alt = alt->next)
			if (run_single_eq(c, n, f, alt, &r))
				any = true;
		return cmp == SCRIPT_CMP_NE ? !any : any;
	}
	any = run_single_eq(c, n, f, v, &r);
	switch (cmp) {
	case SCRIPT_CMP_EQ: return any;
	case SCRIPT_CMP_NE: return !any;
	case SCRIPT_CMP_LT: return r < 0;
	case SCRIPT_CMP_LE: return r <= 0;
	case SCRIPT_CMP_GT: return r > 0;
	case SCRIPT_CMP_GE: return r >= 0;
	}
	return false;
}

/* ---------------------------------------------------------- payloads */

static unsigned run_match_type(const struct script_payload *sp)
{
	const struct script_arg *a = sp->args;

	if (strcmp(sp->name, "PAYLOAD") == 0 && a != NULL && a->values != NULL &&
	    a->values->kind == SCRIPT_V_NUMBER)
		return (unsigned)a->values->num;
	return sp->type;
}

static bool run_sa_args_match(const struct codec_node *n,
    const struct script_payload *sp)
{
	struct ike_proposal got[IKE_PROPOSAL_MAX];
	const struct script_transform *t;
	size_t np, i, j;
	struct err e;

	if (ike_proposals_read(n, got, IKE_PROPOSAL_MAX, &np, &e) < 0)
		return false;
	for (i = 0; i < np; i++) {
		bool all = true;

		for (t = sp->proposals->transforms; t != NULL && all; t = t->next) {
			bool has = false;

			for (j = 0; j < got[i].n; j++)
				if (got[i].t[j].type == t->type &&
				    got[i].t[j].id == t->id &&
				    (t->keylen == 0 || got[i].t[j].key_bits == t->keylen))
					has = true;
			all = has;
		}
		if (all)
			return true;
	}
	return false;
}

/* D(spi=X) in a matcher: one of the Delete payload's SPIs is X. */
static bool run_delete_spi_match(struct run_ctx *c, struct codec_node *n,
    const struct script_value *v)
{
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		int f = codec_field_index(n->kids[i]->st, "value", 5);

		if (f >= 0 && run_value_cmp(c, n->kids[i], f, SCRIPT_CMP_EQ, v))
			return true;
	}
	return false;
}

/* Whether payload n has every argument the matcher gives. */
static bool run_args_match(struct run_ctx *c, struct codec_node *n,
    const struct script_payload *sp)
{
	const struct script_arg *a;
	const struct script_value *v;
	unsigned pos = 0;

	if (n->ptype == PL_SA && sp->proposals != NULL)
		return run_sa_args_match(n, sp);
	for (a = sp->args; a != NULL; a = a->next) {
		if (strcmp(sp->name, "PAYLOAD") == 0 && a == sp->args &&
		    a->key == NULL)
			continue;
		if (a->key != NULL && strcmp(a->key, "spi") == 0 &&
		    n->st->id == CODEC_S_DELETE) {
			if (a->values == NULL ||
			    !run_delete_spi_match(c, n, a->values))
				return false;
			continue;
		}
		for (v = a->values; v != NULL; v = v->next) {
			const char *fname = a->key != NULL ?
			    run_key_field(n, a->key) :
			    run_positional_field(n, pos++);
			int f = fname != NULL ?
			    codec_field_index(n->st, fname, strlen(fname)) : -1;

			if (f < 0) {
				run_script_error(c, a->pos.line,
				    "%s has no argument `%s'", sp->name,
				    a->key != NULL ? a->key : "(positional)");
				return false;
			}
			if (!run_value_cmp(c, n, f, SCRIPT_CMP_EQ, v))
				return false;
			if (a->key != NULL)
				break;
		}
	}
	return true;
}

static size_t run_count_matching(struct run_ctx *c, struct codec_node *view,
    const struct script_payload *sp)
{
	unsigned type = run_match_type(sp);
	size_t i, n = 0;

	for (i = 0; i < view->nkids; i++)
		if (view->kids[i]->ptype == type &&
		    run_args_match(c, view->kids[i], sp))
			n++;
	return n;
}

/* "N types: COOKIE NAT_DETECTION_SOURCE_IP" or "payloads: SA KE Nonce". */
static void run_present_list(struct codec_node *view, unsigned type,
    char *out, size_t outlen)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < view->nkids && used < outlen; i++) {
		const struct codec_node *k = view->kids[i];
		const char *name = type == PL_N && k->ptype == PL_N ?
		    names_get(NAMES_T_NOTIFY, (unsigned)ike_get(k, "notify_type")) :
		    type == PL_N ? NULL : names_get(NAMES_T_PAYLOAD, k->ptype);

		if (name != NULL)
			used += (size_t)snprintf(out + used, outlen - used, "%s%s",
			    used ? " " : "", name);
	}
	if (out[0] == '\0')
		snprintf(out, outlen, "none");
}

static void run_pl_desc(const struct script_payload *sp, char *out,
    size_t outlen)
{
	const struct script_arg *a = sp->args;

	if (sp->type == PL_N && a != NULL && a->key == NULL && a->values != NULL)
		snprintf(out, outlen, "N(%s%s)", a->values->text != NULL ?
		    a->values->text : "?", a->next != NULL ? ", ..." : "");
	else
		snprintf(out, outlen, "%s%s", sp->name, sp->has_args ? "(...)" : "");
}

/* --------------------------------------------------------- matchers */

static void run_match_one(struct run_ctx *c, const struct script_matcher *m,
    const struct script_matcher *all, struct codec_node *view,
    const struct ike_rx *rx, struct run_check *k);

static void run_m_presence(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, struct run_check *k)
{
	char desc[128], list[512];
	size_t n = run_count_matching(c, view, m->payload);
	unsigned type = run_match_type(m->payload);

	run_pl_desc(m->payload, desc, sizeof(desc));
	run_present_list(view, type, list, sizeof(list));
	if (m->kind == SCRIPT_M_PRESENT && n == 0)
		run_check_fail(k, "%s: expected present, actual absent (%s: %s)",
		    desc, type == PL_N ? "notifies" : "payloads", list);
	if (m->kind == SCRIPT_M_ABSENT && n > 0)
		run_check_fail(k, "no %s: expected absent, actual %zu present",
		    desc, n);
}

/* count KE = 1: the payloads that match, as presence counts them. */
static void run_m_count(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, struct run_check *k)
{
	static const char *const ops[] = {
		[SCRIPT_CMP_EQ] = "", [SCRIPT_CMP_NE] = "not ",
		[SCRIPT_CMP_LT] = "< ", [SCRIPT_CMP_LE] = "<= ",
		[SCRIPT_CMP_GT] = "> ", [SCRIPT_CMP_GE] = ">= ",
	};
	char desc[128], list[512];
	uint64_t n = run_count_matching(c, view, m->payload), want = m->value->num;
	bool holds = false;

	switch (m->cmp) {
	case SCRIPT_CMP_EQ: holds = n == want; break;
	case SCRIPT_CMP_NE: holds = n != want; break;
	case SCRIPT_CMP_LT: holds = n < want; break;
	case SCRIPT_CMP_LE: holds = n <= want; break;
	case SCRIPT_CMP_GT: holds = n > want; break;
	case SCRIPT_CMP_GE: holds = n >= want; break;
	}
	if (holds)
		return;
	run_pl_desc(m->payload, desc, sizeof(desc));
	run_present_list(view, run_match_type(m->payload), list, sizeof(list));
	run_check_fail(k, "count %s: expected %s%llu vs actual %llu (%s: %s)",
	    desc, ops[m->cmp], (unsigned long long)want,
	    (unsigned long long)n,
	    m->payload->type == PL_N ? "notifies" : "payloads", list);
}

/* natd.source = match|mismatch, natd.destination = match|mismatch: the
 * NAT detection notifies of the message against the addresses and ports
 * it really travelled between (RFC 7296 2.23: SHA-1 of SPIi | SPIr | IP
 * | port; one notify that matches is enough, as for a receiver). */
static void run_m_natd(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, const struct ike_rx *rx, struct run_check *k)
{
	bool source = strcmp(m->path, "natd.source") == 0, want, match;
	struct addr src, dst;
	struct ike_natd nd;
	struct err e;

	if (!source && strcmp(m->path, "natd.destination") != 0) {
		run_check_fail(k, "%s: natd.source or natd.destination", m->path);
		return;
	}
	if (m->value->kind != SCRIPT_V_WORD || m->cmp != SCRIPT_CMP_EQ ||
	    (strcmp(m->value->text, "match") != 0 &&
	     strcmp(m->value->text, "mismatch") != 0)) {
		run_check_fail(k, "%s: compare with `= match' or `= mismatch'", m->path);
		return;
	}
	want = strcmp(m->value->text, "match") == 0;
	if (rx == NULL || c->rx_src.family == 0 || c->rx_dst.family == 0) {
		run_check_fail(k, "%s: no received message with its addresses", m->path);
		return;
	}
	src = c->rx_src;
	dst = c->rx_dst;
	if (ike_natd_check(view, rx->spi_i, rx->spi_r, &src, &dst, &nd, &e) < 0) {
		run_check_fail(k, "%s: %s", m->path, e.text);
		return;
	}
	if ((source ? nd.nsrc : nd.ndst) == 0) {
		run_check_fail(k, "%s: expected N(NAT_DETECTION_%s_IP) vs actual none",
		    m->path, source ? "SOURCE" : "DESTINATION");
		return;
	}
	match = source ? nd.src_match : nd.dst_match;
	if (match != want)
		run_check_fail(k, "RFC 7296 2.23: %s: expected %s vs actual %s (SHA-1 of SPIi | SPIr | IP | port of the %s as the packet travelled)",
		    m->path, want ? "match" : "mismatch",
		    match ? "match" : "mismatch",
		    source ? "sender" : "receiver");
}

static void run_m_compare(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, const struct ike_rx *rx, struct run_check *k)
{
	char rp[CODEC_PATH_MAX * 2], shown[256];
	struct codec_ref ref;
	struct err e;
	int rc = run_path_rewrite(c, view, m->path, rp, sizeof(rp));

	(void)rx;
	if (rc < 0)
		return;
	if (rc == 1 || codec_path_resolve(view, rp, &ref, &e) < 0 ||
	    ref.field < 0) {
		if (rc == 1 || run_path_payload_absent(view, rp))
			run_check_fail(k, "%s: expected a value, actual no such payload",
			    m->path);
		else
			run_script_error(c, m->pos.line, "%s: %s", m->path,
			    ref.field < 0 && rc == 0 ? "names no field" : e.text);
		return;
	}
	if (run_value_cmp(c, ref.node, ref.field, m->cmp, m->value))
		return;
	codec_field_format(ref.node, ref.field, shown, sizeof(shown), 32);
	run_check_fail(k, "field %s: expected %s%s vs actual %s", m->path,
	    m->cmp == SCRIPT_CMP_EQ ? "" : m->cmp == SCRIPT_CMP_NE ? "not " :
	    m->cmp == SCRIPT_CMP_LT ? "< " : m->cmp == SCRIPT_CMP_LE ? "<= " :
	    m->cmp == SCRIPT_CMP_GT ? "> " : ">= ",
	    m->value->kind == SCRIPT_V_ONEOF ? "one of the alternatives" :
	    m->value->text != NULL ? m->value->text : "the value", shown);
}

/* The SA payload iketest sent with the offers of c->offered (the last
 * send's), or NULL when that message no longer holds them. */
static const struct codec_node *run_offered_sa(const struct run_ctx *c)
{
	struct ike_proposal p[IKE_PROPOSAL_MAX];
	const struct codec_node *sa = NULL;
	size_t n;
	struct err e;

	if (!c->have_sent)
		return NULL;
	if (c->sent.inner != NULL)
		sa = codec_find_payload(c->sent.inner, PL_SA, 1);
	if (sa == NULL && c->sent.hdr != NULL)
		sa = codec_find_payload(c->sent.hdr, PL_SA, 1);
	if (sa == NULL || ike_proposals_read(sa, p, IKE_PROPOSAL_MAX, &n, &e) < 0 ||
	    n != c->noffered || memcmp(p, c->offered, n * sizeof(p[0])) != 0)
		return NULL;
	return sa;
}

static void run_m_one_of_offered(struct run_ctx *c, struct codec_node *view,
    struct run_check *k)
{
	struct codec_node *sa = codec_find_payload(view, PL_SA, 1);
	struct ike_proposal got[IKE_PROPOSAL_MAX];
	char text[256];
	size_t n;
	struct err e;

	if (sa == NULL) {
		run_check_fail(k, "SA one of offered: expected an SA, actual none");
		return;
	}
	if (ike_proposals_read(sa, got, IKE_PROPOSAL_MAX, &n, &e) < 0) {
		run_check_fail(k, "SA one of offered: SA unreadable: %s", e.text);
		return;
	}
	if (n != 1) {
		run_check_fail(k, "SA one of offered: expected 1 proposal, actual %zu (RFC 7296 3.3)",
		    n);
		return;
	}
	if (!ike_proposal_was_offered(&got[0], c->offered, c->noffered)) {
		ike_proposal_format(&got[0], text, sizeof(text));
		run_check_fail(k, "SA one of offered: proposal %u [%s] is not one of the %zu offered, with its number (RFC 7296 2.7)",
		    got[0].number, text, c->noffered);
	} else {
		/* as offered down to the attributes: none extra, none twice,
		 * one transform of each type offered (RFC 7296 2.7, 3.3.5) */
		struct rules_report r;
		size_t i;

		memset(&r, 0, sizeof(r));
		rules_sender_chosen(sa, run_offered_sa(c),
		    c->rx.exchange == EXCH_IKE_AUTH, &r);
		for (i = 0; i < r.count; i++)
			run_check_fail(k, "SA one of offered: %s", r.text[i]);
	}
}

static void run_m_subset(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, struct run_check *k)
{
	unsigned type = m->payload->type;
	int i = type == PL_TSi ? 0 : 1;
	struct codec_node *ts = codec_find_payload(view, type, 1);
	struct ike_ts_list got;
	struct err e;

	if (type != PL_TSi && type != PL_TSr) {
		run_script_error(c, m->pos.line, "subset of offered is for TSi and TSr");
		return;
	}
	if (ts == NULL) {
		run_check_fail(k, "%s subset of offered: expected %s, actual none",
		    m->payload->name, m->payload->name);
		return;
	}
	memset(&got, 0, sizeof(got));
	if (ike_ts_read(ts, &got, &e) < 0) {
		run_check_fail(k, "%s unreadable: %s", m->payload->name, e.text);
		return;
	}
	if (!c->have_offered_ts[i])
		run_check_fail(k, "%s subset of offered: iketest offered no %s",
		    m->payload->name, m->payload->name);
	else if (!ike_ts_within(&got, &c->offered_ts[i]))
		run_check_fail(k, "%s subset of offered: a selector lies outside those offered (RFC 7296 2.9)",
		    m->payload->name);
}

static void run_m_order(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, struct run_check *k)
{
	const struct script_payload *sp;
	size_t last = 0, i;
	bool first = true;

	(void)c;
	for (sp = m->payload; sp != NULL; sp = sp->next) {
		for (i = 0; i < view->nkids; i++)
			if (view->kids[i]->ptype == sp->type)
				break;
		if (i == view->nkids) {
			run_check_fail(k, "order: %s expected, actual absent", sp->name);
			return;
		}
		if (!first && i <= last) {
			run_check_fail(k, "order: %s expected after the payload before it, actual at position %zu",
			    sp->name, i + 1);
			return;
		}
		first = false;
		last = i;
	}
}

/* Whether a presence matcher of the list names payload p. */
static bool run_named(struct run_ctx *c, const struct script_matcher *all,
    struct codec_node *p)
{
	const struct script_matcher *m;

	for (m = all; m != NULL; m = m->next)
		if (m->kind == SCRIPT_M_PRESENT || m->kind == SCRIPT_M_ONE_OF_OFFERED ||
		    m->kind == SCRIPT_M_SUBSET_OF_OFFERED ||
		    m->kind == SCRIPT_M_COUNT) {
			if (run_match_type(m->payload) != p->ptype)
				continue;
			if ((m->kind != SCRIPT_M_PRESENT && m->kind != SCRIPT_M_COUNT) ||
			    run_args_match(c, p, m->payload))
				return true;
		}
	return false;
}

static void run_m_nothing_else(struct run_ctx *c,
    const struct script_matcher *all, struct codec_node *view,
    struct run_check *k)
{
	char path[CODEC_PATH_MAX];
	size_t i;

	for (i = 0; i < view->nkids; i++)
		if (!run_named(c, all, view->kids[i])) {
			codec_path_of(view->kids[i], -1, path, sizeof(path));
			run_check_fail(k, "nothing else: expected no other payload, actual %s",
			    path);
		}
}

static void run_m_same_bytes(struct run_ctx *c, const struct script_matcher *m,
    const struct ike_rx *rx, struct run_check *k)
{
	struct run_var *v = run_var_find(c, m->var);
	size_t i;

	if (v == NULL || !v->is_msg) {
		run_script_error(c, m->pos.line, "same bytes as $%s: not a captured message",
		    m->var);
		return;
	}
	if (v->data.len == rx->raw.len &&
	    memcmp(v->data.data, rx->raw.data, v->data.len) == 0)
		return;
	for (i = 0; i < v->data.len && i < rx->raw.len; i++)
		if (v->data.data[i] != rx->raw.data[i])
			break;
	run_check_fail(k, "same bytes as $%s: expected %zu bytes, actual %zu, difference starts at offset %zu",
	    m->var, v->data.len, rx->raw.len, i);
}

static void run_m_either(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, const struct ike_rx *rx, struct run_check *k)
{
	const struct script_group *g;
	struct bytes why = BYTES_EMPTY;
	unsigned n = 0;

	for (g = m->groups; g != NULL; g = g->next) {
		struct run_check t;

		memset(&t, 0, sizeof(t));
		t.ok = true;
		run_match_all(c, g->matchers, view, rx, &t);
		n++;
		if (t.ok) {
			bytes_free(&t.diag);
			bytes_free(&why);
			return;
		}
		(void)bytes_append(&why, t.diag.data, t.diag.len);
		bytes_free(&t.diag);
	}
	run_check_fail(k, "either: none of the %u alternatives holds:", n);
	(void)bytes_append(&k->diag, why.data, why.len);
	bytes_free(&why);
}

static void run_match_one(struct run_ctx *c, const struct script_matcher *m,
    const struct script_matcher *all, struct codec_node *view,
    const struct ike_rx *rx, struct run_check *k)
{
	switch (m->kind) {
	case SCRIPT_M_PRESENT:
	case SCRIPT_M_ABSENT:
		run_m_presence(c, m, view, k);
		return;
	case SCRIPT_M_COMPARE:
		if (strncmp(m->path, "natd.", 5) == 0) {
			run_m_natd(c, m, view, rx, k);
			return;
		}
		/* the header as received: in the view, SK is gone and
		 * hdr.next_payload would name the first inner payload */
		run_m_compare(c, m, strncmp(m->path, "hdr.", 4) == 0 &&
		    rx != NULL && rx->hdr != NULL ? rx->hdr : view, rx, k);
		return;
	case SCRIPT_M_ONE_OF_OFFERED:
		run_m_one_of_offered(c, view, k);
		return;
	case SCRIPT_M_SUBSET_OF_OFFERED:
		run_m_subset(c, m, view, k);
		return;
	case SCRIPT_M_ORDER:
		run_m_order(c, m, view, k);
		return;
	case SCRIPT_M_NOTHING_ELSE:
		run_m_nothing_else(c, all, view, k);
		return;
	case SCRIPT_M_SAME_BYTES:
		run_m_same_bytes(c, m, rx, k);
		return;
	case SCRIPT_M_EITHER:
		run_m_either(c, m, view, rx, k);
		return;
	case SCRIPT_M_COUNT:
		run_m_count(c, m, view, k);
		return;
	}
}

void run_match_all(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, const struct ike_rx *rx, struct run_check *k)
{
	const struct script_matcher *it;

	for (it = m; it != NULL && !c->bad_script; it = it->next)
		run_match_one(c, it, m, view, rx, k);
}
