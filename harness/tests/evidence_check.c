/* evidence_check: see the header. Field names are tshark 4.0's: the
 * decrypted SK payload's inner payloads are isakmp.typepayload children
 * of isakmp.enc.contained (positions within the plaintext), with the
 * ICD verdict in isakmp.enc.icd's text; the decrypted ESP payload is
 * esp.contained_data, with the inner IP layer as its own protocol after
 * the esp one, and the ICV verdict in esp.icv_good / esp.icv_bad. */
#include "evidence_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"
#include "crypto.h"

const char *ck_icv_name(enum ck_icv v)
{
	switch (v) {
	case CK_ICV_NONE:
		return "none";
	case CK_ICV_GOOD:
		return "good";
	case CK_ICV_UNCHECKED:
		return "unchecked";
	case CK_ICV_BAD:
		return "bad";
	}
	return "?";
}

enum ck_icv ck_ike_expected(const struct ec_ike *c)
{
	return c->expect == EVIDENCE_FULL ? CK_ICV_GOOD :
	    c->expect == EVIDENCE_NO_ICV ? CK_ICV_UNCHECKED : CK_ICV_NONE;
}

enum ck_icv ck_esp_expected(const struct ec_esp *c)
{
	if (c->expect == EVIDENCE_NONE)
		return CK_ICV_NONE;
	if (c->expect == EVIDENCE_FULL)
		return CK_ICV_GOOD;
	return crypto_encr_is_aead(c->encr) && c->esn ? CK_ICV_BAD :
	    CK_ICV_UNCHECKED;
}

static void ck_why(struct ck_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ck_why(struct ck_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* The first field called name at index from or later, or NULL. */
static const struct pdml_field *ck_next(const struct pdml_packet *pk,
    size_t from, const char *name, bool proto, size_t *at)
{
	for (size_t i = from; i < pk->n; i++)
		if (pk->f[i].proto == proto && strcmp(pk->f[i].name, name) == 0) {
			if (at)
				*at = i;
			return &pk->f[i];
		}
	return NULL;
}

/* Whether field f holds exactly the bytes p[0..n) as hex. */
static bool ck_value_is(const struct pdml_field *f, const uint8_t *p,
    size_t n)
{
	char *hex = malloc(2 * n + 1);
	bool same;

	if (hex == NULL)
		return false;
	bytes_to_hex(p, n, hex);
	same = strcasecmp(f->value, hex) == 0;
	free(hex);
	return same;
}

/* ---- IKE ------------------------------------------------------------ */

static enum ck_icv ck_icd(const struct pdml_packet *pk)
{
	const struct pdml_field *f = ck_next(pk, 0, "isakmp.enc.icd", false,
	    NULL);

	if (f == NULL)
		return CK_ICV_NONE;
	if (strstr(f->showname, "[correct]"))
		return CK_ICV_GOOD;
	if (strstr(f->showname, "[not validated]"))
		return CK_ICV_UNCHECKED;
	if (strstr(f->showname, "[incorrect"))
		return CK_ICV_BAD;
	return CK_ICV_NONE;
}

/* Inner payload pl, a direct child of the contained data at index ci. */
static void ck_payload(const struct pdml_packet *pk, size_t ci,
    const struct ec_ike *c, const struct ec_payload *pl,
    struct ck_result *r)
{
	unsigned depth = pk->f[ci].depth + 1;

	for (size_t i = ci + 1; i < pk->n && pk->f[i].depth >= depth; i++) {
		const struct pdml_field *f = &pk->f[i];

		if (f->depth != depth || f->pos != pl->offset ||
		    strcmp(f->name, "isakmp.typepayload") != 0)
			continue;
		if (strtoul(f->show, NULL, 10) != pl->type || f->size != pl->len)
			ck_why(r, "payload at %zu: tshark type %s, %zu bytes; sent "
			    "type %u, %zu bytes", pl->offset, f->show, f->size,
			    pl->type, pl->len);
		else if (!ck_value_is(f, c->plain.data + pl->offset, pl->len))
			ck_why(r, "payload type %u at %zu: bytes differ",
			    pl->type, pl->offset);
		else
			r->fields++;
		return;
	}
	ck_why(r, "no decrypted payload type %u at offset %zu", pl->type,
	    pl->offset);
}

void ck_ike(const struct pdml_packet *pk, const struct ec_ike *c,
    struct ck_result *r)
{
	size_t ci;

	memset(r, 0, sizeof(*r));
	r->icv = ck_icd(pk);
	if (ck_next(pk, 0, "isakmp.enc.contained", false, &ci) == NULL) {
		ck_why(r, "tshark shows no decrypted SK payload");
		return;
	}
	r->decrypted = true;
	for (size_t j = 0; j < c->npl; j++)
		ck_payload(pk, ci, c, &c->pl[j], r);
	r->equal = c->npl > 0 && r->fields == c->npl;
}

/* ---- ESP ------------------------------------------------------------ */

static enum ck_icv ck_esp_icv(const struct pdml_packet *pk, size_t from)
{
	const struct pdml_field *good = ck_next(pk, from, "esp.icv_good",
	    false, NULL);
	const struct pdml_field *bad = ck_next(pk, from, "esp.icv_bad", false,
	    NULL);

	if (good && strcmp(good->show, "1") == 0)
		return CK_ICV_GOOD;
	if (bad && strcmp(bad->show, "1") == 0)
		return CK_ICV_BAD;
	return good || bad ? CK_ICV_UNCHECKED : CK_ICV_NONE;
}

/* Field name (at index from or later) shows the number want. */
static void ck_number(const struct pdml_packet *pk, size_t from,
    const char *name, unsigned long want, struct ck_result *r)
{
	const struct pdml_field *f = ck_next(pk, from, name, false, NULL);

	if (f == NULL)
		ck_why(r, "no inner %s", name);
	else if (strtoul(f->show, NULL, 0) != want)
		ck_why(r, "inner %s: tshark %s, sent %lu", name, f->show, want);
	else
		r->fields++;
}

static void ck_bytes(const struct pdml_packet *pk, size_t from,
    const char *name, const uint8_t *p, size_t n, struct ck_result *r)
{
	const struct pdml_field *f = ck_next(pk, from, name, false, NULL);

	if (f == NULL)
		ck_why(r, "no inner %s", name);
	else if (!ck_value_is(f, p, n))
		ck_why(r, "inner %s differs: tshark %.40s", name, f->value);
	else
		r->fields++;
}

/* The inner layers after index from: IP header, then UDP or ICMP. */
static void ck_inner(const struct pdml_packet *pk, size_t from,
    const struct ec_esp_dir *d, struct ck_result *r)
{
	const struct inet_pkt *p = &d->inner;
	bool v6 = p->src.family == 6;
	size_t alen = v6 ? 16 : 4, ii;

	if (ck_next(pk, from, v6 ? "ipv6" : "ip", true, &ii) == NULL) {
		ck_why(r, "no inner %s layer after ESP", v6 ? "IPv6" : "IPv4");
		return;
	}
	ck_bytes(pk, ii, v6 ? "ipv6.src" : "ip.src", p->src.ip, alen, r);
	ck_bytes(pk, ii, v6 ? "ipv6.dst" : "ip.dst", p->dst.ip, alen, r);
	switch (p->proto) {
	case INET_PROTO_UDP:
		ck_number(pk, ii, "udp.srcport", p->sport, r);
		ck_number(pk, ii, "udp.dstport", p->dport, r);
		ck_bytes(pk, ii, "udp.payload", p->data, p->data_len, r);
		break;
	case INET_PROTO_ICMP:
		ck_number(pk, ii, "icmp.type", p->icmp_type, r);
		ck_number(pk, ii, "icmp.ident", p->icmp_id, r);
		ck_bytes(pk, ii, "data.data", p->data, p->data_len, r);
		break;
	case INET_PROTO_ICMPV6:
		ck_number(pk, ii, "icmpv6.type", p->icmp_type, r);
		ck_number(pk, ii, "icmpv6.echo.identifier", p->icmp_id, r);
		ck_bytes(pk, ii, "data.data", p->data, p->data_len, r);
		break;
	default:
		ck_why(r, "inner protocol %u not compared", p->proto);
	}
}

/* Inner fields compared: the whole packet, two addresses, three of L4. */
enum { CK_ESP_FIELDS = 1 + 2 + 3 };

void ck_esp(const struct pdml_packet *pk, const struct ec_esp *c,
    unsigned dir, struct ck_result *r)
{
	const struct ec_esp_dir *d = &c->dir[dir];
	size_t ei;

	memset(r, 0, sizeof(*r));
	if (ck_next(pk, 0, "esp", true, &ei) == NULL) {
		ck_why(r, "tshark shows no ESP layer");
		return;
	}
	r->icv = ck_esp_icv(pk, ei);
	if (ck_next(pk, ei, "esp.contained_data", false, NULL) == NULL) {
		ck_why(r, "tshark shows no decrypted ESP payload");
		return;
	}
	r->decrypted = true;
	ck_bytes(pk, ei, "esp.contained_data", d->ip, d->ip_len, r);
	ck_inner(pk, ei, d, r);
	r->equal = r->fields == CK_ESP_FIELDS;
}
