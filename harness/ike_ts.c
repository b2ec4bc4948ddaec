/* ike_ts: addresses and traffic selectors (RFC 7296 2.9, 3.13). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "names.h"

/* ts_append: the selector of a's first plen bits, all protocols and
 * ports, appended to l. */
static int ts_append(struct ike_ts_list *l, const struct addr *a,
    size_t plen, struct err *e)
{
	size_t len = a->family == 4 ? 4 : 16, i;
	struct ike_ts *t;

	if (l->n == IKE_TS_MAX)
		return err_set(e, "%s: more than %d selectors", __func__,
		    IKE_TS_MAX);
	t = &l->ts[l->n++];
	memset(t, 0, sizeof(*t));
	t->type = a->family == 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
	t->end_port = 65535;
	for (i = 0; i < len; i++) {
		unsigned bits = plen > i * 8 ? (unsigned)(plen - i * 8) : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		t->start[i] = a->ip[i] & mask;
		t->end[i] = (uint8_t)(a->ip[i] | (uint8_t)~mask);
	}
	return 0;
}

int ike_ts_add_prefix(struct ike_ts_list *l, const char *text,
    struct err *e)
{
	char buf[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text), len;
	struct addr a;
	unsigned long plen;
	char *end;

	if (n >= sizeof(buf))
		return err_set(e, "%s: `%s' too long", __func__, text);
	memcpy(buf, text, n);
	buf[n] = '\0';
	if (addr_parse(buf, &a, e) < 0)
		return -1;
	len = a.family == 4 ? 4 : 16;
	plen = len * 8;
	if (slash) {
		plen = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || slash[1] == '\0' || plen > len * 8)
			return err_set(e, "%s: bad prefix length in `%s'",
			    __func__, text);
	}
	return ts_append(l, &a, plen, e);
}

int ike_ts_add_host(struct ike_ts_list *l, const struct addr *a,
    struct err *e)
{
	if (a->family != 4 && a->family != 6)
		return err_set(e, "%s: no address", __func__);
	return ts_append(l, a, a->family == 4 ? 32 : 128, e);
}

int ike_ts_read(const struct codec_node *ts_payload, struct ike_ts_list *l,
    struct err *e)
{
	size_t i, len;

	memset(l, 0, sizeof(*l));
	if (ts_payload == NULL)
		return err_set(e, "no traffic selector payload");
	for (i = 0; i < ts_payload->nkids && l->n < IKE_TS_MAX; i++) {
		const struct codec_node *s = ts_payload->kids[i];
		struct ike_ts *t = &l->ts[l->n];
		const struct bytes *sa, *ea;

		t->type = (unsigned)ike_get(s, "ts_type");
		if (t->type != TS_IPV4_ADDR_RANGE && t->type != TS_IPV6_ADDR_RANGE)
			continue;	/* unknown types are skipped (2.9) */
		len = t->type == TS_IPV4_ADDR_RANGE ? 4 : 16;
		sa = ike_get_data(s, "start_address");
		ea = ike_get_data(s, "end_address");
		if (sa->len != len || ea->len != len)
			return err_set(e, "traffic selector %zu: address of %zu bytes",
			    i + 1, sa->len);
		t->ip_proto = (unsigned)ike_get(s, "ip_protocol");
		t->start_port = (uint16_t)ike_get(s, "start_port");
		t->end_port = (uint16_t)ike_get(s, "end_port");
		memcpy(t->start, sa->data, len);
		memcpy(t->end, ea->data, len);
		l->n++;
	}
	return 0;
}

int ike_ts_payload_add(struct codec_node *parent, unsigned ptype,
    const struct ike_ts_list *l, struct err *e)
{
	struct codec_node *p = codec_payload_new(ptype), *s;
	size_t i, len;

	if (p == NULL || codec_append(parent, p) < 0) {
		codec_node_free(p);
		return err_set(e, "%s: out of memory", __func__);
	}
	for (i = 0; i < l->n; i++) {
		const struct ike_ts *t = &l->ts[i];
		len = t->type == TS_IPV4_ADDR_RANGE ? 4 : 16;
		if ((s = codec_child_new(p)) == NULL || codec_append(p, s) < 0) {
			codec_node_free(s);
			return err_set(e, "%s: out of memory", __func__);
		}
		if (ike_set(s, "ts_type", t->type) < 0 ||
		    ike_set(s, "ip_protocol", t->ip_proto) < 0 ||
		    ike_set(s, "start_port", t->start_port) < 0 ||
		    ike_set(s, "end_port", t->end_port) < 0 ||
		    ike_set_data(s, "start_address", t->start, len) < 0 ||
		    ike_set_data(s, "end_address", t->end, len) < 0)
			return err_set(e, "%s: out of memory", __func__);
	}
	return 0;
}

static size_t ts_len(const struct ike_ts *t)
{
	return t->type == TS_IPV4_ADDR_RANGE ? 4 : 16;
}

/* Intersection of a and b into out; false when empty. */
static bool ts_intersect(const struct ike_ts *a, const struct ike_ts *b,
    struct ike_ts *out)
{
	size_t len = ts_len(a);

	if (a->type != b->type)
		return false;
	if (a->ip_proto && b->ip_proto && a->ip_proto != b->ip_proto)
		return false;
	*out = *a;
	out->ip_proto = a->ip_proto ? a->ip_proto : b->ip_proto;
	out->start_port = a->start_port > b->start_port ? a->start_port :
	    b->start_port;
	out->end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	if (out->start_port > out->end_port)
		return false;
	memcpy(out->start, memcmp(a->start, b->start, len) > 0 ? a->start :
	    b->start, len);
	memcpy(out->end, memcmp(a->end, b->end, len) < 0 ? a->end : b->end,
	    len);
	return memcmp(out->start, out->end, len) <= 0;
}

size_t ike_ts_narrow(const struct ike_ts_list *offered,
    const struct ike_ts_list *allowed, struct ike_ts_list *out)
{
	size_t i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < offered->n; i++)
		for (j = 0; j < allowed->n && out->n < IKE_TS_MAX; j++)
			if (ts_intersect(&offered->ts[i], &allowed->ts[j],
			    &out->ts[out->n]))
				out->n++;
	return out->n;
}

static bool ts_inside(const struct ike_ts *in, const struct ike_ts *out)
{
	size_t len = ts_len(in);

	return in->type == out->type &&
	    (out->ip_proto == 0 || in->ip_proto == out->ip_proto) &&
	    in->start_port >= out->start_port && in->end_port <= out->end_port &&
	    memcmp(in->start, out->start, len) >= 0 &&
	    memcmp(in->end, out->end, len) <= 0;
}

bool ike_ts_within(const struct ike_ts_list *inner,
    const struct ike_ts_list *outer)
{
	size_t i, j;

	for (i = 0; i < inner->n; i++) {
		for (j = 0; j < outer->n; j++)
			if (ts_inside(&inner->ts[i], &outer->ts[j]))
				break;
		if (j == outer->n)
			return false;
	}
	return true;
}
