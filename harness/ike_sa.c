/* ike_sa: IKE SA state, configuration, messages' skeletons and the small
 * helpers every other ike_*.c file uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "names.h"

const char *ike_state_name(enum ike_state s)
{
	switch (s) {
	case IKE_S_NEW: return "NEW";
	case IKE_S_INIT_SENT: return "INIT_SENT";
	case IKE_S_INIT_DONE: return "INIT_DONE";
	case IKE_S_AUTH_SENT: return "AUTH_SENT";
	case IKE_S_ESTABLISHED: return "ESTABLISHED";
	case IKE_S_DELETED: return "DELETED";
	}
	return "?";
}

void ike_config_init(struct ike_config *c)
{
	memset(c, 0, sizeof(*c));
	c->ike.protocol = PROTO_IKE;
	c->esp.protocol = PROTO_ESP;
	c->ah.protocol = PROTO_AH;
	c->nat_detection = true;
	c->timeout_ms = 1000;
	c->tries = 3;
}

void ike_auth_conf_free(struct ike_auth_conf *a)
{
	bytes_free(&a->id);
	bytes_free(&a->psk);
	bytes_free(&a->cert);
	bytes_free(&a->certreq);
	crypto_key_free(a->key);
	crypto_key_free(a->peer_key);
	a->key = a->peer_key = NULL;
}

void ike_config_free(struct ike_config *c)
{
	ike_auth_conf_free(&c->auth);
	bytes_free(&c->idr);
}

struct ike_sa *ike_sa_new(bool initiator, struct err *e)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (sa == NULL) {
		err_set(e, "%s: out of memory", __func__);
		return NULL;
	}
	sa->initiator = initiator;
	if (initiator && crypto_random(sa->spi_i, IKE_SPI_LEN, e) < 0) {
		free(sa);
		return NULL;
	}
	return sa;
}

static void child_free(struct ike_child *c)
{
	bytes_free(&c->keymat);
	memset(c, 0, sizeof(*c));
}

static void pending_free(struct ike_pending *p)
{
	crypto_dh_free(p->dh);
	bytes_free(&p->nonce);
	child_free(&p->child);
	memset(p, 0, sizeof(*p));
}

void ike_sa_free(struct ike_sa *sa)
{
	size_t i;

	if (sa == NULL)
		return;
	crypto_dh_free(sa->dh);
	bytes_free(&sa->peer_ke);
	bytes_free(&sa->ni);
	bytes_free(&sa->nr);
	bytes_free(&sa->cookie);
	crypto_ike_keys_free(&sa->keys);
	bytes_free(&sa->init_req);
	bytes_free(&sa->init_resp);
	bytes_free(&sa->last_req);
	bytes_free(&sa->last_resp_sent);
	bytes_free(&sa->last_resp_recv);
	bytes_free(&sa->peer_id);
	for (i = 0; i < sa->nchild; i++)
		child_free(&sa->child[i]);
	pending_free(&sa->pend);
	ike_sa_free(sa->rekeyed);
	free(sa);
}

/* Exported for the other ike files through ike_int.h. */
void ike_pending_free(struct ike_pending *p)
{
	pending_free(p);
}

void ike_child_free(struct ike_child *c)
{
	child_free(c);
}

struct ike_child *ike_sa_find_child(struct ike_sa *sa,
    const uint8_t spi[static IKE_CHILD_SPI_LEN], bool inbound)
{
	size_t i;

	for (i = 0; i < sa->nchild; i++)
		if (memcmp(inbound ? sa->child[i].spi_in : sa->child[i].spi_out,
		    spi, IKE_CHILD_SPI_LEN) == 0)
			return &sa->child[i];
	return NULL;
}

void ike_sa_remove_child(struct ike_sa *sa, size_t i)
{
	if (i >= sa->nchild)
		return;
	child_free(&sa->child[i]);
	memmove(&sa->child[i], &sa->child[i + 1],
	    (sa->nchild - i - 1) * sizeof(sa->child[0]));
	sa->nchild--;
	memset(&sa->child[sa->nchild], 0, sizeof(sa->child[0]));
}

/* ---- field helpers -------------------------------------------------- */

static int field(const struct codec_node *n, const char *name)
{
	return codec_field_index(n->st, name, strlen(name));
}

int ike_set(struct codec_node *n, const char *name, uint64_t v)
{
	int f = field(n, name);

	return f < 0 ? -1 : codec_set_uint(n, f, v);
}

uint64_t ike_get(const struct codec_node *n, const char *name)
{
	int f = field(n, name);
	uint64_t v = 0;

	if (f < 0 || codec_effective_uint(n, f, &v) < 0)
		return 0;
	return v;
}

int ike_set_data(struct codec_node *n, const char *name, const void *p,
    size_t len)
{
	int f = field(n, name);

	return f < 0 ? -1 : codec_set_data(n, f, p, len);
}

const struct bytes *ike_get_data(const struct codec_node *n,
    const char *name)
{
	static const struct bytes empty = { NULL, 0, 0 };
	int f = field(n, name);
	const struct bytes *b;

	if (f < 0 || (b = codec_get_data(n, f)) == NULL)
		return &empty;
	return b;
}

struct codec_node *ike_notify_add(struct codec_node *parent,
    unsigned protocol, const uint8_t *spi, size_t spi_len, unsigned type,
    const uint8_t *data, size_t data_len)
{
	struct codec_node *n = codec_payload_new(PL_N);

	if (n == NULL)
		return NULL;
	if (ike_set(n, "protocol", protocol) < 0 ||
	    ike_set(n, "notify_type", type) < 0 ||
	    (spi_len > 0 && ike_set_data(n, "spi", spi, spi_len) < 0) ||
	    (data_len > 0 && ike_set_data(n, "data", data, data_len) < 0) ||
	    codec_append(parent, n) < 0) {
		codec_node_free(n);
		return NULL;
	}
	return n;
}

/* ---- messages -------------------------------------------------------- */

uint64_t ike_spi_u64(const uint8_t spi[static IKE_SPI_LEN])
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < IKE_SPI_LEN; i++)
		v = v << 8 | spi[i];
	return v;
}

void ike_msg_free(struct ike_msg *m)
{
	codec_node_free(m->hdr);
	codec_node_free(m->inner);
	m->hdr = m->inner = NULL;
}

int ike_msg_new(const struct ike_sa *sa, unsigned exchange, bool response,
    uint32_t message_id, bool protect, struct ike_msg *m, struct err *e)
{
	struct codec_node *sk;

	m->inner = NULL;
	if ((m->hdr = codec_message_new()) == NULL)
		return err_set(e, "%s: out of memory", __func__);
	if (ike_set(m->hdr, "spi_i", ike_spi_u64(sa->spi_i)) < 0 ||
	    ike_set(m->hdr, "spi_r", ike_spi_u64(sa->spi_r)) < 0 ||
	    ike_set(m->hdr, "exchange_type", exchange) < 0 ||
	    ike_set(m->hdr, "flags.initiator", sa->initiator) < 0 ||
	    ike_set(m->hdr, "flags.response", response) < 0 ||
	    ike_set(m->hdr, "message_id", message_id) < 0)
		goto fail;
	if (protect) {
		if ((sk = codec_payload_new(PL_SK)) == NULL ||
		    codec_append(m->hdr, sk) < 0) {
			codec_node_free(sk);
			goto fail;
		}
		if ((m->inner = codec_chain_new()) == NULL)
			goto fail;
	}
	return 0;
fail:
	ike_msg_free(m);
	return err_set(e, "%s: out of memory", __func__);
}

/* ---- NAT detection ---------------------------------------------------- */

int ike_natd_hash(const uint8_t spi_i[static IKE_SPI_LEN],
    const uint8_t spi_r[static IKE_SPI_LEN], const struct addr *a,
    struct bytes *out, struct err *e)
{
	uint8_t buf[2 * IKE_SPI_LEN + 16 + 2];
	size_t iplen = a->family == 6 ? 16 : 4, n;

	memcpy(buf, spi_i, IKE_SPI_LEN);
	memcpy(buf + IKE_SPI_LEN, spi_r, IKE_SPI_LEN);
	memcpy(buf + 2 * IKE_SPI_LEN, a->ip, iplen);
	n = 2 * IKE_SPI_LEN + iplen;
	buf[n++] = (uint8_t)(a->port >> 8);
	buf[n++] = (uint8_t)a->port;
	return crypto_hash(HASH_SHA1, buf, n, out, e);
}

/* Whether a notify's data is the hash of a. */
static int natd_same(const struct bytes *got,
    const uint8_t spi_i[static IKE_SPI_LEN],
    const uint8_t spi_r[static IKE_SPI_LEN], const struct addr *a,
    bool *same, struct err *e)
{
	struct bytes h = BYTES_EMPTY;

	if (ike_natd_hash(spi_i, spi_r, a, &h, e) < 0)
		return -1;
	*same = got->len == h.len && memcmp(got->data, h.data, h.len) == 0;
	bytes_free(&h);
	return 0;
}

int ike_natd_check(const struct codec_node *msg,
    const uint8_t spi_i[static IKE_SPI_LEN],
    const uint8_t spi_r[static IKE_SPI_LEN], const struct addr *src,
    const struct addr *dst, struct ike_natd *out, struct err *e)
{
	const struct codec_node *n;
	const struct bytes *d;
	unsigned type;
	bool same;
	size_t i;

	memset(out, 0, sizeof(*out));
	/* RFC 7296 2.23: a multihomed sender may send several SOURCE_IP
	 * notifies; any one matching means no NAT in front of it. */
	for (i = 0; i < msg->nkids; i++) {
		n = msg->kids[i];
		if (n->ptype != PL_N)
			continue;
		type = (unsigned)ike_get(n, "notify_type");
		if (type != N_NAT_DETECTION_SOURCE_IP &&
		    type != N_NAT_DETECTION_DESTINATION_IP)
			continue;
		d = ike_get_data(n, "data");
		if (d->len != IKE_NATD_LEN)
			out->bad_len++;
		if (type == N_NAT_DETECTION_SOURCE_IP) {
			out->nsrc++;
			if (natd_same(d, spi_i, spi_r, src, &same, e) < 0)
				return -1;
			out->src_match |= same;
		} else {
			out->ndst++;
			if (natd_same(d, spi_i, spi_r, dst, &same, e) < 0)
				return -1;
			out->dst_match |= same;
		}
	}
	return 0;
}

/* ---- identities -------------------------------------------------------- */

int ike_id_parse(const char *text, unsigned *type, struct bytes *data,
    struct err *e)
{
	const char *colon = strchr(text, ':');
	const char *v;
	struct addr a;
	size_t tl;

	if (colon == NULL)
		return err_set(e, "%s: `%s' is not TYPE:value", __func__, text);
	tl = (size_t)(colon - text);
	v = colon + 1;
	if (tl == 4 && strncmp(text, "ipv4", 4) == 0) {
		if (addr_parse(v, &a, e) < 0 || a.family != 4)
			return err_set(e, "%s: `%s' is not an IPv4 address",
			    __func__, v);
		*type = ID_IPV4_ADDR;
		return bytes_set(data, a.ip, 4);
	}
	if (tl == 4 && strncmp(text, "ipv6", 4) == 0) {
		if (addr_parse(v, &a, e) < 0 || a.family != 6)
			return err_set(e, "%s: `%s' is not an IPv6 address",
			    __func__, v);
		*type = ID_IPV6_ADDR;
		return bytes_set(data, a.ip, 16);
	}
	if (tl == 4 && strncmp(text, "fqdn", 4) == 0)
		*type = ID_FQDN;
	else if (tl == 6 && strncmp(text, "rfc822", 6) == 0)
		*type = ID_RFC822_ADDR;
	else if (tl == 5 && strncmp(text, "keyid", 5) == 0)
		*type = ID_KEY_ID;
	else
		return err_set(e, "%s: unknown ID type `%.*s' (ipv4 ipv6 fqdn rfc822 keyid)",
		    __func__, (int)tl, text);
	return bytes_set(data, v, strlen(v));
}

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 body of the first CERTIFICATE block of a PEM text. */
static int pem_decode(const char *text, struct bytes *der, struct err *e)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	const char *p = strstr(text, begin), *end;
	uint32_t acc = 0;
	int bits = 0, v;
	uint8_t byte;

	if (p == NULL || (end = strstr(p, "-----END CERTIFICATE-----")) == NULL)
		return err_set(e, "%s: no CERTIFICATE block", __func__);
	der->len = 0;
	for (p += sizeof(begin) - 1; p < end; p++) {
		if (*p == '=' || *p == '\n' || *p == '\r' || *p == ' ')
			continue;
		if ((v = b64_value((unsigned char)*p)) < 0)
			return err_set(e, "%s: bad base64 character", __func__);
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			byte = (uint8_t)(acc >> bits);
			if (bytes_append(der, &byte, 1) < 0)
				return err_set(e, "%s: out of memory", __func__);
		}
	}
	return 0;
}

int ike_pem_cert_der(const char *path, struct bytes *der, struct err *e)
{
	FILE *f = fopen(path, "r");
	char buf[16384];
	size_t n;

	if (f == NULL)
		return err_set(e, "%s: cannot open", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (pem_decode(buf, der, e) < 0)
		return err_prefix(e, "%s", path);
	return 0;
}

int ike_ca_hash_add(const char *path, struct bytes *out, struct err *e)
{
	struct crypto_key *ca = crypto_key_from_file(path, e);
	struct bytes spki = BYTES_EMPTY, hash = BYTES_EMPTY;
	int rc = -1;

	if (ca == NULL)
		return err_prefix(e, "%s", path);
	if (crypto_key_public_der(ca, &spki, e) == 0 &&
	    crypto_hash(HASH_SHA1, spki.data, spki.len, &hash, e) == 0)
		rc = bytes_append(out, hash.data, hash.len) < 0 ?
		    err_set(e, "%s: out of memory", __func__) : 0;
	bytes_free(&spki);
	bytes_free(&hash);
	crypto_key_free(ca);
	return rc;
}
