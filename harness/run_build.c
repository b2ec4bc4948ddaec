/* run_build: the payloads of the script (send lists, establish
 * overrides), each from its own defaults plus its arguments, script keys
 * translated to codec fields. Whole messages are run_send.c's. */
#include "run_int.h"

#include <stdlib.h>
#include <string.h>

/* The field a positional argument sets (codec_tables.c, script keys);
 * NULL when that place has none, or the builder reads it. */
const char *run_positional_field(const struct codec_node *n, unsigned idx)
{
	const struct codec_key *k = codec_key_at(n->st, idx + 1);

	return k != NULL && k->field >= 0 ? n->st->fields[k->field].name : NULL;
}

/* The field a script key sets; NULL when it names none. */
const char *run_key_field(const struct codec_node *n, const char *key)
{
	const struct codec_key *k = codec_key_find(n->st, key);

	return k != NULL && k->field >= 0 ? n->st->fields[k->field].name : NULL;
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
	const struct codec_key *k;

	(void)sp;
	if (a->key != NULL) {
		k = codec_key_find(n->st, a->key);
		if (k != NULL && k->field == CODEC_KEY_BUILT)
			return 0;	/* read by the payload's builder */
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
		struct addr a, b;

		*dash = '\0';
		if (addr_parse(tok, &a, e) < 0 ||
		    addr_parse(dash + 1, &b, e) < 0)
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

/* The selectors: positional, or ts="..." (codec_tables.c, ts_keys). */
static bool run_is_ts_arg(const struct script_arg *a)
{
	return a->key == NULL || strcmp(a->key, "ts") == 0;
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
		for (v = a->values; run_is_ts_arg(a) && v != NULL; v = v->next) {
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
	const struct addr *a;
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

