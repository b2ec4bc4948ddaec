/* run_build: `send` events. A message is built from the exchange's
 * defaults (the ike module's builders) or from the script's payload list,
 * each payload from its own defaults plus its arguments; `set` then
 * overrides any field through codec paths, and the message is encoded in
 * the clear or inside SK (with a broken ICV on request) and sent. */
#include "run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "crypto.h"

/* Script argument names that differ from the codec's field names. */
static const struct {
	const char *arg, *field;
} run_arg_fields[] = {
	{ "proto", "protocol" }, { "next", "next_payload" },
	{ "type", NULL },	/* per payload: id_type, cfg_type */
	{ "number", "fragment_number" }, { "total", "total_fragments" },
	{ "reserved", "reserved2" },
};

/* The field a positional argument sets, per payload struct. */
const char *run_positional_field(const struct codec_node *n, unsigned idx)
{
	switch (n->st->id) {
	case CODEC_S_KE: return idx == 0 ? "group" : NULL;
	case CODEC_S_NONCE: return idx == 0 ? "data" : NULL;
	case CODEC_S_NOTIFY: return idx == 0 ? "notify_type" : NULL;
	case CODEC_S_ID: return idx == 0 ? "id_type" : idx == 1 ? "data" : NULL;
	case CODEC_S_AUTH: return idx == 0 ? "method" : NULL;
	case CODEC_S_CERT: case CODEC_S_CERTREQ:
		return idx == 0 ? "encoding" : NULL;
	case CODEC_S_VENDOR: return idx == 0 ? "data" : NULL;
	case CODEC_S_CP: return idx == 0 ? "cfg_type" : NULL;
	case CODEC_S_EAP: return idx == 0 ? "code" : NULL;
	default: return NULL;
	}
}

const char *run_key_field(const struct codec_node *n, const char *key)
{
	size_t i;

	if (strcmp(key, "type") == 0) {
		if (n->st->id == CODEC_S_ID)
			return "id_type";
		if (n->st->id == CODEC_S_CP)
			return "cfg_type";
		return NULL;
	}
	for (i = 0; i < sizeof(run_arg_fields) / sizeof(run_arg_fields[0]); i++)
		if (strcmp(run_arg_fields[i].arg, key) == 0)
			return run_arg_fields[i].field;
	return key;
}

static int run_set_field(struct run_ctx *c, struct codec_node *n,
    const char *fname, const struct script_value *v, int line)
{
	char text[RUN_TEXT_MAX * 2 + 8];
	struct err e;
	int f = codec_field_index(n->st, fname, strlen(fname));

	if (f < 0)
		return run_script_error(c, line, "%s has no field `%s'",
		    n->st->name, fname);
	if (run_value_text(c, v, text, sizeof(text)) < 0)
		return -1;
	if (codec_field_parse(n, f, text, &e) < 0)
		return run_script_error(c, line, "%s", e.text);
	return 0;
}

int run_payload_arg(struct run_ctx *c, struct codec_node *n,
    const struct script_payload *sp, const struct script_arg *a,
    unsigned positional_index)
{
	const struct script_value *v;
	const char *fname;
	unsigned i = positional_index;

	(void)sp;
	if (a->key != NULL) {
		if (strcmp(a->key, "spi") == 0 && n->st->id == CODEC_S_DELETE)
			return 0;	/* handled by the D builder */
		if (strcmp(a->key, "size") == 0 || strcmp(a->key, "attr") == 0 ||
		    (strcmp(a->key, "type") == 0 && n->st->id == CODEC_S_UNKNOWN))
			return 0;	/* handled by their builders */
		fname = run_key_field(n, a->key);
		if (fname == NULL)
			return run_script_error(c, a->pos.line,
			    "%s takes no `%s'", n->st->name, a->key);
		return run_set_field(c, n, fname, a->values, a->pos.line);
	}
	for (v = a->values; v != NULL; v = v->next, i++) {
		fname = run_positional_field(n, i);
		if (fname == NULL)
			return run_script_error(c, a->pos.line,
			    "%s: too many positional values", n->st->name);
		if (run_set_field(c, n, fname, v, a->pos.line) < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------- payload builders */

static const struct script_arg *run_arg(const struct script_payload *sp,
    const char *key)
{
	const struct script_arg *a;

	for (a = sp->args; a != NULL; a = a->next)
		if (a->key != NULL && strcmp(a->key, key) == 0)
			return a;
	return NULL;
}

static int run_sa_props(struct run_ctx *c, const struct script_payload *sp,
    unsigned exchange, struct ike_proposal *props, size_t *n, struct err *e)
{
	const struct script_proposal *pr;
	const struct script_transform *t;
	size_t i;

	*n = 0;
	if (sp == NULL || sp->proposals == NULL) {
		const struct ike_policy *pol = exchange == EXCH_IKE_SA_INIT ?
		    &c->cfg.ike : &c->cfg.esp;

		if (ike_policy_proposals(pol, props, IKE_PROPOSAL_MAX, n, e) < 0)
			return -1;
	} else {
		for (pr = sp->proposals; pr != NULL && *n < IKE_PROPOSAL_MAX;
		    pr = pr->next) {
			struct ike_proposal *p = &props[(*n)++];

			memset(p, 0, sizeof(*p));
			p->protocol = pr->protocol != 0 ? pr->protocol :
			    exchange == EXCH_IKE_SA_INIT ? PROTO_IKE : PROTO_ESP;
			p->number = (unsigned)*n;
			for (t = pr->transforms; t != NULL && p->n < IKE_TRANSFORM_MAX;
			    t = t->next) {
				p->t[p->n].type = t->type;
				p->t[p->n].id = t->id;
				p->t[p->n].key_bits = t->keylen;
				p->n++;
			}
		}
	}
	for (i = 0; i < *n; i++) {
		size_t want = props[i].protocol == PROTO_IKE ?
		    (exchange == EXCH_CREATE_CHILD_SA ? IKE_SPI_LEN : 0) :
		    IKE_CHILD_SPI_LEN;

		props[i].number = (unsigned)i + 1;
		if (props[i].spi_len == 0 && want > 0) {
			if (crypto_random(props[i].spi, want, e) < 0)
				return -1;
			props[i].spi_len = want;
		}
	}
	return 0;
}

static struct codec_node *run_take_last(struct codec_node *chain)
{
	return chain->nkids > 0 ? codec_remove(chain, chain->nkids - 1) : NULL;
}

static int run_build_sa(struct run_ctx *c, const struct script_payload *sp,
    unsigned exchange, struct codec_node **out, struct err *e)
{
	struct ike_proposal props[IKE_PROPOSAL_MAX];
	struct codec_node *chain = codec_chain_new();
	size_t n;
	int rc = -1;

	if (chain == NULL)
		return err_set(e, "out of memory");
	if (run_sa_props(c, sp, exchange, props, &n, e) == 0 &&
	    ike_sa_payload_add(chain, props, n, e) == 0) {
		*out = run_take_last(chain);
		rc = *out != NULL ? 0 : err_set(e, "SA not built");
	}
	codec_node_free(chain);
	return rc;
}

/* "ADDR[-ADDR|/PREFIX] [proto N] [port N[-N]]" */
static int run_ts_parse(const char *text, struct ike_ts_list *l,
    struct err *e)
{
	char buf[256], *tok, *save = NULL, *dash;
	struct ike_ts *ts;

	snprintf(buf, sizeof(buf), "%s", text);
	tok = strtok_r(buf, " \t", &save);
	if (tok == NULL)
		return err_set(e, "empty traffic selector");
	dash = strchr(tok, '-');
	if (dash == NULL) {
		if (ike_ts_add_prefix(l, tok, e) < 0)
			return -1;
	} else {
		struct ike_addr a, b;

		*dash = '\0';
		if (ike_addr_parse(tok, &a, e) < 0 ||
		    ike_addr_parse(dash + 1, &b, e) < 0)
			return -1;
		if (a.family != b.family || l->n >= IKE_TS_MAX)
			return err_set(e, "bad range `%s'", text);
		ts = &l->ts[l->n++];
		memset(ts, 0, sizeof(*ts));
		ts->type = a.family == 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
		memcpy(ts->start, a.ip, 16);
		memcpy(ts->end, b.ip, 16);
		ts->end_port = 65535;
	}
	ts = &l->ts[l->n - 1];
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		char *v = strtok_r(NULL, " \t", &save);
		unsigned long lo, hi;

		if (v == NULL)
			return err_set(e, "`%s' without a value in `%s'", tok, text);
		lo = strtoul(v, &dash, 10);
		hi = *dash == '-' ? strtoul(dash + 1, NULL, 10) : lo;
		if (strcmp(tok, "proto") == 0 && lo <= 255) {
			ts->ip_proto = (unsigned)lo;
		} else if (strcmp(tok, "port") == 0 && lo <= hi && hi <= 65535) {
			ts->start_port = (uint16_t)lo;
			ts->end_port = (uint16_t)hi;
		} else {
			return err_set(e, "bad `%s %s' in `%s'", tok, v, text);
		}
	}
	return 0;
}

static int run_build_ts(struct run_ctx *c, const struct script_payload *sp,
    struct codec_node **out, struct err *e)
{
	struct ike_ts_list l;
	const struct script_arg *a;
	const struct script_value *v;
	struct codec_node *chain = codec_chain_new();
	bool tsi = sp->type == PL_TSi;
	bool local = tsi == (c->s->role == SCRIPT_ROLE_INITIATOR);
	int rc = -1;

	if (chain == NULL)
		return err_set(e, "out of memory");
	memset(&l, 0, sizeof(l));
	if (sp->args == NULL)
		l = local ? c->cfg.ts_local : c->cfg.ts_peer;
	for (a = sp->args; a != NULL; a = a->next)
		for (v = a->values; a->key == NULL && v != NULL; v = v->next) {
			if (v->kind != SCRIPT_V_STRING)
				goto done_err;
			if (run_ts_parse(v->text, &l, e) < 0)
				goto out;
		}
	if (ike_ts_payload_add(chain, sp->type, &l, e) == 0) {
		*out = run_take_last(chain);
		rc = *out != NULL ? 0 : err_set(e, "TS not built");
	}
	goto out;
done_err:
	err_set(e, "%s takes selectors as strings", sp->name);
out:
	codec_node_free(chain);
	return rc;
}

/* KE: the group given, else the SA's; data given, else a fresh key of
 * that group (kept in the SA for the keys to come). */
static int run_ke_fill(struct run_ctx *c, struct codec_node *n, struct err *e)
{
	unsigned group = (unsigned)ike_get(n, "group");
	struct crypto_dh *dh;
	struct bytes pub = BYTES_EMPTY;
	int f = codec_field_index(n->st, "group", 5);

	if (!codec_is_set(n, f) || group == 0) {
		group = c->sa->dh_group;
		if (group == 0 && c->noffered > 0)
			group = ike_proposal_get(&c->offered[0], TT_DH, 0);
		if (group == 0 && c->cfg.ike.n > 0) {
			size_t i;

			for (i = 0; i < c->cfg.ike.n && group == 0; i++)
				if (c->cfg.ike.t[i].type == TT_DH)
					group = c->cfg.ike.t[i].id;
		}
		ike_set(n, "group", group);
	}
	if (codec_is_set(n, codec_field_index(n->st, "data", 4)))
		return 0;
	if (c->cookie_retry && c->sa->dh != NULL &&
	    crypto_dh_group(c->sa->dh) == group) {
		if (crypto_dh_public(c->sa->dh, &pub, e) < 0)
			return -1;
		ike_set_data(n, "data", pub.data, pub.len);
		bytes_free(&pub);
		return 0;
	}
	dh = crypto_dh_new(group, e);
	if (dh == NULL)
		return -1;
	if (crypto_dh_public(dh, &pub, e) < 0) {
		crypto_dh_free(dh);
		return -1;
	}
	ike_set_data(n, "data", pub.data, pub.len);
	bytes_free(&pub);
	crypto_dh_free(c->sa->dh);
	c->sa->dh = dh;
	c->sa->dh_group = group;
	return 0;
}

static int run_nonce_fill(struct run_ctx *c, const struct script_payload *sp,
    struct codec_node *n, struct err *e)
{
	const struct script_arg *a = run_arg(sp, "size");
	uint8_t *buf;
	size_t size = IKE_NONCE_LEN;
	int rc;

	if (codec_is_set(n, codec_field_index(n->st, "data", 4)))
		return 0;
	if (a != NULL && a->values != NULL && a->values->kind == SCRIPT_V_NUMBER)
		size = a->values->num;
	else if (c->cookie_retry && c->sa->ni.len > 0)
		return ike_set_data(n, "data", c->sa->ni.data, c->sa->ni.len);
	/* any size a payload can carry: 16..256 is the RFC's rule to test */
	if (size == 0 || size > 65535 - 4)
		return err_set(e, "nonce size %zu: 1..65531", size);
	buf = malloc(size);
	if (buf == NULL)
		return err_set(e, "out of memory");
	rc = crypto_random(buf, size, e) < 0 ? -1 :
	    ike_set_data(n, "data", buf, size);
	free(buf);
	return rc;
}

static int run_id_fill(struct run_ctx *c, struct codec_node *n, bool idi)
{
	const struct ike_auth_conf *a = &c->cfg.auth;

	if (codec_is_set(n, codec_field_index(n->st, "id_type", 7)) ||
	    codec_is_set(n, codec_field_index(n->st, "data", 4)))
		return 0;
	if (idi || !c->cfg.send_idr) {
		ike_set(n, "id_type", a->id_type);
		return ike_set_data(n, "data", a->id.data, a->id.len);
	}
	ike_set(n, "id_type", c->cfg.idr_type);
	return ike_set_data(n, "data", c->cfg.idr.data, c->cfg.idr.len);
}

static int run_delete_fill(struct run_ctx *c, const struct script_payload *sp,
    struct codec_node *n)
{
	const struct script_arg *a = run_arg(sp, "spi");
	const struct script_value *v;
	struct err e;
	char text[RUN_TEXT_MAX];

	for (v = a != NULL ? a->values : NULL; v != NULL; v = v->next) {
		struct codec_node *s = codec_child_new(n);
		int f;

		if (s == NULL || codec_append(n, s) < 0) {
			codec_node_free(s);
			return run_script_error(c, a->pos.line, "out of memory");
		}
		f = codec_field_index(s->st, "value", 5);
		if (run_value_text(c, v, text, sizeof(text)) < 0 ||
		    codec_field_parse(s, f, text, &e) < 0)
			return run_script_error(c, a->pos.line, "D spi: %s",
			    c->bad_script ? "bad value" : e.text);
	}
	if (a != NULL && a->values != NULL) {
		const struct bytes *spi = codec_get_data(n->kids[0],
		    codec_field_index(n->kids[0]->st, "value", 5));

		ike_set(n, "spi_size", spi->len);
	}
	return 0;
}

static int run_unknown_type(struct run_ctx *c, const struct script_payload *sp,
    unsigned *type)
{
	const struct script_arg *a = run_arg(sp, "type");

	*type = sp->type;
	if (a == NULL && sp->args != NULL && sp->args->key == NULL)
		a = sp->args;
	if (a == NULL || a->values == NULL || a->values->kind != SCRIPT_V_NUMBER ||
	    a->values->num > 255)
		return sp->type != 0 ? 0 : run_script_error(c, sp->pos.line,
		    "PAYLOAD needs type=NUMBER");
	*type = (unsigned)a->values->num;
	return 0;
}

/* N(NAT_DETECTION_SOURCE_IP) and N(NAT_DETECTION_DESTINATION_IP) without
 * data: the hashes of RFC 7296 2.23 over the SA's SPIs and the addresses
 * and ports the message travels between, as a careful initiator sends. */
static int run_natd_fill(struct run_ctx *c, struct codec_node *n,
    struct err *e)
{
	unsigned t = (unsigned)ike_get(n, "notify_type");
	const struct ike_addr *a;
	struct bytes h = BYTES_EMPTY;
	int rc;

	if ((t != N_NAT_DETECTION_SOURCE_IP &&
	    t != N_NAT_DETECTION_DESTINATION_IP) ||
	    codec_is_set(n, codec_field_index(n->st, "data", 4)))
		return 0;
	a = t == N_NAT_DETECTION_SOURCE_IP ? &c->cfg.local : &c->cfg.peer;
	if (ike_natd_hash(c->sa->spi_i, c->sa->spi_r, a, &h, e) < 0)
		return -1;
	rc = ike_set_data(n, "data", h.data, h.len);
	bytes_free(&h);
	return rc;
}

int run_payload_build(struct run_ctx *c, const struct script_payload *sp,
    unsigned exchange, bool response, struct codec_node **out)
{
	struct codec_node *n = NULL;
	const struct script_arg *a;
	struct err e;
	unsigned type = sp->type, pos = 0;
	int rc = 0;

	(void)response;
	*out = NULL;
	if (strcmp(sp->name, "PAYLOAD") == 0 && run_unknown_type(c, sp, &type) < 0)
		return -1;
	if (type == PL_SA) {
		if (run_build_sa(c, sp, exchange, &n, &e) < 0)
			return run_script_error(c, sp->pos.line, "SA: %s", e.text);
	} else if (type == PL_TSi || type == PL_TSr) {
		if (run_build_ts(c, sp, &n, &e) < 0)
			return run_script_error(c, sp->pos.line, "%s: %s",
			    sp->name, e.text);
	} else {
		n = codec_payload_new(type);
		if (n == NULL)
			return run_script_error(c, sp->pos.line, "out of memory");
		for (a = sp->args; a != NULL; a = a->next) {
			if (strcmp(sp->name, "PAYLOAD") == 0 && a == sp->args &&
			    a->key == NULL)
				continue;	/* the type */
			if (type == PL_TSi || type == PL_TSr)
				continue;
			if (run_payload_arg(c, n, sp, a, pos) < 0) {
				codec_node_free(n);
				return -1;
			}
			if (a->key == NULL)
				pos++;
		}
	}
	/* generic header arguments on SA/TS too */
	if (type == PL_SA || type == PL_TSi || type == PL_TSr)
		for (a = sp->args; a != NULL; a = a->next)
			if (a->key != NULL && run_payload_arg(c, n, sp, a, 0) < 0) {
				codec_node_free(n);
				return -1;
			}
	switch (n->st->id) {
	case CODEC_S_KE: rc = run_ke_fill(c, n, &e); break;
	case CODEC_S_NONCE: rc = run_nonce_fill(c, sp, n, &e); break;
	case CODEC_S_ID: rc = run_id_fill(c, n, type == PL_IDi); break;
	case CODEC_S_DELETE: rc = run_delete_fill(c, sp, n); break;
	case CODEC_S_NOTIFY: rc = run_natd_fill(c, n, &e); break;
	case CODEC_S_AUTH:
		if (!codec_is_set(n, codec_field_index(n->st, "method", 6)))
			ike_set(n, "method", c->cfg.auth.method);
		break;
	default: break;
	}
	if (rc < 0) {
		codec_node_free(n);
		if (!c->bad_script)
			run_script_error(c, sp->pos.line, "%s: %s", sp->name, e.text);
		return -1;
	}
	*out = n;
	return 0;
}

/* ------------------------------------------------------------ messages */


static bool run_has_sk(const struct script_send *snd)
{
	const struct script_payload *sp;

	for (sp = snd->payloads; sp != NULL; sp = sp->next)
		if (sp->type == PL_SK && strcmp(sp->name, "PAYLOAD") != 0)
			return true;
	return false;
}

/* Where a payload of the list goes: inside SK when the message is
 * protected and the script wrote no SK of its own; else in the clear,
 * before SK when it comes before SK in the list. */
static int run_place(struct ike_msg *m, struct codec_node *n, bool explicit_sk,
    bool after_sk)
{
	if (m->inner != NULL && !explicit_sk)
		return codec_append(m->inner, n);
	if (m->inner != NULL && !after_sk)
		return codec_insert(m->hdr, m->hdr->nkids - 1, n);
	return codec_append(m->hdr, n);
}

static int run_add_payloads(struct run_ctx *c, const struct script_send *snd,
    bool response, struct ike_msg *m, int line)
{
	const struct script_payload *sp, *in;
	struct codec_node *n;
	bool explicit_sk = run_has_sk(snd), after_sk = false;

	for (sp = snd->payloads; sp != NULL; sp = sp->next) {
		if (sp->type == PL_SK && strcmp(sp->name, "PAYLOAD") != 0) {
			if (m->inner == NULL)
				return run_script_error(c, line,
				    "SK(...) but no keys: no IKE SA yet, or the send is `clear'");
			for (in = sp->inner; in != NULL; in = in->next) {
				if (run_payload_build(c, in, snd->exchange,
				    response, &n) < 0)
					return -1;
				if (codec_append(m->inner, n) < 0) {
					codec_node_free(n);
					return run_script_error(c, line, "out of memory");
				}
			}
			after_sk = true;
			continue;
		}
		if (run_payload_build(c, sp, snd->exchange, response, &n) < 0)
			return -1;
		if (run_place(m, n, explicit_sk, after_sk) < 0) {
			codec_node_free(n);
			return run_script_error(c, line, "out of memory");
		}
	}
	return 0;
}

/* A payload list that names no SK, sent while keys exist and not clear,
 * goes inside SK (suites/README.md, "send"). */
static bool run_protect(struct run_ctx *c, const struct script_send *snd)
{
	return snd->exchange != EXCH_IKE_SA_INIT && !snd->clear &&
	    c->sa->keys_ready;
}

static int run_build_defaults(struct run_ctx *c, const struct script_send *snd,
    bool response, struct ike_msg *m, struct err *e)
{
	if (response) {
		if (!c->have_rx)
			return err_set(e, "a default response needs a received request");
		switch (snd->exchange) {
		case EXCH_IKE_SA_INIT:
			return ike_resp_init(c->sa, &c->cfg, &c->rx, m, e);
		case EXCH_IKE_AUTH:
			return ike_resp_auth(c->sa, &c->cfg, &c->rx, m, e);
		case EXCH_CREATE_CHILD_SA:
			return ike_resp_create_child(c->sa, &c->cfg, &c->rx, m, e);
		case EXCH_INFORMATIONAL:
			return ike_resp_informational(c->sa, &c->cfg, &c->rx, m, e);
		}
		return err_set(e, "no default response for exchange %u",
		    snd->exchange);
	}
	switch (snd->exchange) {
	case EXCH_IKE_SA_INIT:
		return ike_build_init_request(c->sa, &c->cfg, m, e);
	case EXCH_IKE_AUTH:
		return ike_build_auth_request(c->sa, &c->cfg, true, m, e);
	case EXCH_CREATE_CHILD_SA:
		return ike_build_create_child(c->sa, &c->cfg, IKE_CCSA_NEW_CHILD,
		    NULL, false, m, e);
	case EXCH_INFORMATIONAL:
		return ike_build_info_empty(c->sa, m, e);
	}
	return err_set(e, "no default request for exchange %u", snd->exchange);
}

/* `set PATH = VALUE`: the header and clear payloads first, then SK's
 * inner payloads. */
static int run_apply_set(struct run_ctx *c, struct ike_msg *m,
    const struct script_set *st)
{
	char text[RUN_TEXT_MAX * 2 + 8], path[CODEC_PATH_MAX * 2];
	struct err e, e2;

	if (run_value_text(c, st->value, text, sizeof(text)) < 0)
		return -1;
	if (run_path_rewrite(c, m->hdr, st->path, path, sizeof(path)) == 0 &&
	    codec_path_set(m->hdr, path, text, &e) == 0)
		return 0;
	if (m->inner != NULL &&
	    run_path_rewrite(c, m->inner, st->path, path, sizeof(path)) == 0 &&
	    codec_path_set(m->inner, path, text, &e2) == 0)
		return 0;
	return run_script_error(c, st->pos.line, "set %s: %s", st->path,
	    e.text);
}

static struct codec_node *run_msg_find(const struct ike_msg *m, unsigned pt)
{
	struct codec_node *n = NULL;

	if (m->inner != NULL)
		n = codec_find_payload(m->inner, pt, 1);
	return n != NULL ? n : codec_find_payload(m->hdr, pt, 1);
}

/* The profile file of the harness's credentials for an AUTH method:
 * RSA_SIG an RSA key, ECDSA_* and DIGITAL_SIGNATURE the ECDSA one (P-256,
 * RFC 7427 with SHA2-256). what: "cert" or "key". NULL when absent. */
static const char *run_cred_path(struct run_ctx *c, unsigned method,
    const char *what, struct err *e)
{
	char key[64];
	bool bad = false;
	const char *w;

	snprintf(key, sizeof(key), "harness-%s-%s", what,
	    method == AUTH_RSA_SIG ? "rsa" : "ecdsa");
	w = run_profile_word(c, "auth", key, e, &bad);
	if (w == NULL && !bad)
		err_set(e, "the profile has no [auth] %s", key);
	return w;
}

/* AUTH by signature: the harness's private key of the profile. */
static int run_auth_sign(struct run_ctx *c, unsigned method,
    const struct bytes *oct, struct bytes *val, struct err *e)
{
	const char *path = run_cred_path(c, method, "key", e);
	struct crypto_key *k;
	int rc;

	if (path == NULL)
		return -1;
	k = crypto_key_from_file(path, e);
	if (k == NULL)
		return -1;
	rc = crypto_auth_sign(method, method == AUTH_DIGITAL_SIGNATURE ?
	    HASH_SHA2_256 : 0, k, oct->data, oct->len, val, e);
	crypto_key_free(k);
	return rc;
}

/* CERT(X509_SIG) without data: the harness's certificate that goes with
 * the message's AUTH method (RFC 7296 3.6). */
static int run_cert_fill(struct run_ctx *c, struct ike_msg *m, struct err *e)
{
	struct codec_node *cert = run_msg_find(m, PL_CERT);
	struct codec_node *auth = run_msg_find(m, PL_AUTH);
	struct bytes der = BYTES_EMPTY;
	const char *path;
	int rc;

	if (cert == NULL ||
	    codec_is_set(cert, codec_field_index(cert->st, "data", 4)) ||
	    ike_get(cert, "encoding") != CERT_X509_SIG)
		return 0;
	path = run_cred_path(c, auth != NULL ? (unsigned)ike_get(auth,
	    "method") : AUTH_RSA_SIG, "cert", e);
	if (path == NULL || ike_pem_cert_der(path, &der, e) < 0)
		return -1;
	rc = ike_set_data(cert, "data", der.data, der.len);
	bytes_free(&der);
	return rc;
}

/* AUTH without data: computed (RFC 7296 2.15) from the message's own ID
 * payload, with the PSK or, for a signature method, the harness's key. */
static int run_auth_fill(struct run_ctx *c, struct ike_msg *m, struct err *e)
{
	struct codec_node *auth = run_msg_find(m, PL_AUTH), *id;
	struct bytes idb = BYTES_EMPTY, oct = BYTES_EMPTY, val = BYTES_EMPTY;
	const struct bytes *msg, *nonce, *skp;
	bool init = c->sa->initiator;
	int rc = -1;

	if (auth == NULL ||
	    codec_is_set(auth, codec_field_index(auth->st, "data", 4)))
		return 0;
	id = run_msg_find(m, init ? PL_IDi : PL_IDr);
	if (id == NULL || !c->sa->keys_ready)
		return err_set(e, "AUTH without data needs %s and IKE keys",
		    init ? "IDi" : "IDr");
	msg = init ? &c->sa->init_req : &c->sa->init_resp;
	nonce = init ? &c->sa->nr : &c->sa->ni;
	skp = init ? &c->sa->keys.sk_pi : &c->sa->keys.sk_pr;
	if (codec_encode(id, &idb, e) < 0 || idb.len < 4)
		goto out;
	if (crypto_auth_octets(c->sa->suite.prf, msg->data, msg->len,
	    nonce->data, nonce->len, skp->data, skp->len, idb.data + 4,
	    idb.len - 4, &oct, e) < 0 ||
	    (ike_get(auth, "method") == AUTH_SHARED_KEY_MIC ?
	    crypto_auth_psk(c->sa->suite.prf, c->cfg.auth.psk.data,
	    c->cfg.auth.psk.len, oct.data, oct.len, &val, e) :
	    run_auth_sign(c, (unsigned)ike_get(auth, "method"), &oct, &val, e)) < 0)
		goto out;
	rc = ike_set_data(auth, "data", val.data, val.len);
out:
	bytes_free(&idb);
	bytes_free(&oct);
	bytes_free(&val);
	return rc;
}

/* What a list-built IKE_SA_INIT leaves in the SA for the keys to come
 * (the default builders keep it themselves). */
static void run_note_init(struct run_ctx *c, const struct ike_msg *m,
    bool response)
{
	struct codec_node *sa = codec_find_payload(m->hdr, PL_SA, 1);
	struct codec_node *no = codec_find_payload(m->hdr, PL_NONCE, 1);
	const struct bytes *d;
	struct err e;

	if (no != NULL) {
		d = ike_get_data(no, "data");
		(void)bytes_copy(response ? &c->sa->nr : &c->sa->ni, d);
	}
	if (sa != NULL && !response)
		(void)ike_proposals_read(sa, c->sa->offered, IKE_PROPOSAL_MAX,
		    &c->sa->noffered, &e);
}

/* The offers "one of offered" and "subset of offered" compare with. */
void run_note_offers(struct run_ctx *c, const struct ike_msg *m)
{
	struct codec_node *sa = run_msg_find(m, PL_SA), *ts;
	struct err e;
	int i;

	if (sa != NULL && ike_proposals_read(sa, c->offered, IKE_PROPOSAL_MAX,
	    &c->noffered, &e) < 0)
		c->noffered = 0;
	for (i = 0; i < 2; i++) {
		ts = run_msg_find(m, i == 0 ? PL_TSi : PL_TSr);
		if (ts == NULL)
			continue;
		memset(&c->offered_ts[i], 0, sizeof(c->offered_ts[i]));
		c->have_offered_ts[i] = ike_ts_read(ts, &c->offered_ts[i], &e) == 0;
	}
}

static int run_send_msg(struct run_ctx *c, const struct script_send *snd,
    bool response, struct ike_msg *m, struct err *e)
{
	struct ike_sk_opts o;
	struct bytes out = BYTES_EMPTY;
	enum net_port saved = c->port;
	int rc;

	memset(&o, 0, sizeof(o));
	o.corrupt_icv = snd->bad_icv;
	if (snd->port != 0)
		c->port = snd->port == c->o->natt_port || snd->port == NET_PORT_NATT ?
		    NET_NATT : NET_IKE;
	if (!response) {
		rc = ike_send_request(c->sa, m, &o, &c->tr, e);
		if (rc == 0 && snd->exchange == EXCH_IKE_SA_INIT &&
		    c->sa->initiator) {
			(void)bytes_copy(&c->sa->init_req, &c->sa->last_req);
			c->init_sent = true;
		}
	} else {
		rc = ike_msg_encode(c->sa, m, &o, &out, e);
		if (rc == 0)
			rc = run_send_bytes(c, out.data, out.len, e);
		if (rc == 0) {
			(void)bytes_copy(&c->sa->last_resp_sent, &out);
			c->sa->last_resp_id = c->rx.message_id;
			c->sa->have_resp_sent = true;
			if (snd->exchange == EXCH_IKE_SA_INIT)
				(void)bytes_copy(&c->sa->init_resp, &out);
		}
		bytes_free(&out);
	}
	c->port = saved;
	return rc;
}

static int run_set_trailing(struct run_ctx *c, struct ike_msg *m,
    const struct script_value *v)
{
	struct err e;
	int f = codec_field_index(m->hdr->st, "trailing", 8);

	if (f < 0 || codec_field_parse(m->hdr, f, v->text, &e) < 0)
		return run_script_error(c, v->pos.line, "trailing: %s",
		    f < 0 ? "no such field" : e.text);
	return 0;
}

static int run_resend(struct run_ctx *c, const struct script_event *ev)
{
	struct run_var *v = run_var_find(c, ev->u.send.resend);
	struct err e;

	if (v == NULL || !v->is_msg)
		return run_script_error(c, ev->pos.line,
		    "send $%s: not a captured message", ev->u.send.resend);
	if (run_send_bytes(c, v->data.data, v->data.len, &e) < 0) {
		struct run_check k;

		run_check_begin(c, &k, ev->pos.line, "send $%s", v->name);
		run_check_fail(&k, "send: %s", e.text);
		run_check_end(c, &k);
	}
	return 0;
}

/* Keeps a copy of an IKE_SA_INIT request for a COOKIE retry (run_expect.c). */
static void run_keep_init(struct run_ctx *c, const struct codec_node *hdr)
{
	struct codec_node *k = codec_node_clone(hdr);

	if (k == NULL)
		return;
	if (c->ninit == RUN_INIT_REQS) {
		codec_node_free(c->init_reqs[0]);
		memmove(&c->init_reqs[0], &c->init_reqs[1],
		    (RUN_INIT_REQS - 1) * sizeof(c->init_reqs[0]));
		c->ninit--;
	}
	c->init_reqs[c->ninit++] = k;
}

/* Whether a payload list holds N(COOKIE): the retry of RFC 7296 2.6. */
static bool run_list_has_cookie(const struct script_payload *sp)
{
	for (; sp != NULL; sp = sp->next)
		if (sp->type == PL_N && sp->args != NULL &&
		    sp->args->key == NULL && sp->args->values != NULL &&
		    sp->args->values->text != NULL &&
		    (strcasecmp(sp->args->values->text, "COOKIE") == 0 ||
		    strcasecmp(sp->args->values->text, "N_COOKIE") == 0))
			return true;
	return false;
}

/* An IKE_SA_INIT request that is not a COOKIE retry opens a new IKE SA
 * (fresh SPIi, DH key and nonce) once the current one has sent its own:
 * a second request under the SPIi of a half-open SA the IUT holds is a
 * retransmission to it, or is dropped (RFC 7296 2.1, 2.6), so that a
 * flood (`repeat 12 { send IKE_SA_INIT ... }`) makes 12 SAs. A COOKIE
 * retry keeps the SPIi: a cookie may be bound to it (2.6). */
static int run_fresh_sa(struct run_ctx *c, const struct script_send *snd,
    bool response, struct err *e)
{
	struct ike_sa *sa;

	if (response || snd->exchange != EXCH_IKE_SA_INIT ||
	    !c->sa->initiator || !c->init_sent ||
	    run_list_has_cookie(snd->payloads))
		return 0;
	sa = ike_sa_new(true, e);
	if (sa == NULL)
		return -1;
	ike_sa_free(c->sa);
	c->sa = sa;
	c->init_sent = false;
	return 0;
}

int run_send(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_send *snd = &ev->u.send;
	const struct script_set *st;
	struct ike_msg m = { NULL, NULL };
	struct run_check k;
	struct err e;
	bool response;
	uint32_t msgid;

	if (snd->resend != NULL)
		return run_resend(c, ev);
	response = snd->dir == SCRIPT_DIR_RESPONSE ||
	    (snd->dir == SCRIPT_DIR_ANY && c->have_rx && !c->rx.response &&
	    !c->rx_answered && c->rx.exchange == snd->exchange);
	if (run_fresh_sa(c, snd, response, &e) < 0)
		goto fail;
	c->cookie_retry = !response && snd->exchange == EXCH_IKE_SA_INIT &&
	    c->init_sent && run_list_has_cookie(snd->payloads);
	msgid = response ? c->rx.message_id : c->sa->next_req_id;
	if (snd->defaults) {
		if (run_build_defaults(c, snd, response, &m, &e) < 0)
			goto fail;
	} else {
		if (ike_msg_new(c->sa, snd->exchange, response, msgid,
		    run_protect(c, snd), &m, &e) < 0)
			goto fail;
		if (run_add_payloads(c, snd, response, &m, ev->pos.line) < 0)
			goto out;
		if (snd->exchange == EXCH_IKE_SA_INIT)
			run_note_init(c, &m, response);
	}
	for (st = snd->sets; st != NULL; st = st->next)
		if (run_apply_set(c, &m, st) < 0)
			goto out;
	if (snd->trailing != NULL && run_set_trailing(c, &m, snd->trailing) < 0)
		goto out;
	if (run_cert_fill(c, &m, &e) < 0 || run_auth_fill(c, &m, &e) < 0 ||
	    run_send_msg(c, snd, response, &m, &e) < 0)
		goto fail;
	if (!response && snd->exchange == EXCH_IKE_SA_INIT)
		run_keep_init(c, m.hdr);
	if (response)
		c->rx_answered = true;
	run_note_offers(c, &m);
	ike_msg_free(&c->sent);
	c->sent = m;
	c->have_sent = true;
	return 0;
fail:
	run_check_begin(c, &k, ev->pos.line, "send %s %s",
	    names_get(NAMES_T_EXCHANGE, snd->exchange),
	    response ? "response" : "request");
	run_check_fail(&k, "could not build or send: %s", e.text);
	run_check_end(c, &k);
out:
	ike_msg_free(&m);
	return c->bad_script ? -1 : 0;
}
