/* respond: dispatch of requests to IKE SAs, the Message-ID window (RFC
 * 7296 2.1-2.3), cookies (2.6), silent drops (2.21.1). */
#include <string.h>

#include "ike_int.h"
#include "names.h"
#include "respond.h"

int respond_init(struct respond *r, struct ike_config *cfg, struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	return crypto_random(r->cookie_secret, sizeof(r->cookie_secret), e);
}

void respond_free(struct respond *r)
{
	size_t i;

	for (i = 0; i < r->nsa; i++)
		ike_sa_free(r->sa[i]);
	ike_config_free(&r->cfg);
	memset(r, 0, sizeof(*r));
}

static void log_line(struct respond *r, const char *dir, const char *text)
{
	if (r->log) {
		fprintf(r->log, "%s %s\n", dir, text);
		fflush(r->log);
	}
}

static struct ike_sa *find_sa(struct respond *r, const struct ike_rx *rx,
    size_t *idx)
{
	size_t i;

	for (i = 0; i < r->nsa; i++)
		if (memcmp(r->sa[i]->spi_i, rx->spi_i, IKE_SPI_LEN) == 0 &&
		    (rx->exchange == EXCH_IKE_SA_INIT ||
		    memcmp(r->sa[i]->spi_r, rx->spi_r, IKE_SPI_LEN) == 0)) {
			*idx = i;
			return r->sa[i];
		}
	return NULL;
}

static void remove_sa(struct respond *r, size_t i)
{
	ike_sa_free(r->sa[i]);
	r->sa[i] = r->sa[--r->nsa];
}

static size_t half_open(const struct respond *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nsa; i++)
		n += r->sa[i]->state == IKE_S_INIT_DONE;
	return n;
}

/* COOKIE = SHA-256(secret | Ni | SPIi) (2.6 suggests a hash with a secret). */
static int cookie_of(const struct respond *r, const struct ike_rx *rx,
    struct bytes *c, struct err *e)
{
	struct codec_node *ni = ike_rx_find(rx, PL_NONCE, 1);
	struct bytes in = BYTES_EMPTY;
	int rc;

	if (bytes_append(&in, r->cookie_secret, sizeof(r->cookie_secret)) < 0 ||
	    (ni && bytes_append(&in, ike_get_data(ni, "data")->data,
	    ike_get_data(ni, "data")->len) < 0) ||
	    bytes_append(&in, rx->spi_i, IKE_SPI_LEN) < 0) {
		bytes_free(&in);
		return err_set(e, "%s: out of memory", __func__);
	}
	rc = crypto_hash(HASH_SHA2_256, in.data, in.len, c, e);
	bytes_free(&in);
	return rc;
}

/* 1: a cookie was demanded (reply in m). */
static int check_cookie(struct respond *r, struct ike_sa *tmp,
    const struct ike_rx *rx, struct ike_msg *m, struct err *e)
{
	struct bytes want = BYTES_EMPTY;
	struct codec_node *got = ike_rx_notify(rx, N_COOKIE);
	int rc = 0;

	if (!r->cookies || half_open(r) < r->cookie_threshold)
		return 0;
	if (cookie_of(r, rx, &want, e) < 0)
		return -1;
	if (got == NULL || ike_get_data(got, "data")->len != want.len ||
	    !crypto_equal(ike_get_data(got, "data")->data, want.data,
	    want.len)) {
		rc = ike_refuse(tmp, rx, false, N_COOKIE, want.data, want.len,
		    m, e) < 0 ? -1 : 1;
	}
	bytes_free(&want);
	return rc;
}

static int handle_init(struct respond *r, const struct ike_rx *rx,
    struct bytes *out, struct err *e)
{
	struct ike_sa *sa;
	struct ike_msg m = { 0 };
	size_t idx;
	int rc;

	if ((sa = find_sa(r, rx, &idx)) != NULL) {
		/* A retransmitted IKE_SA_INIT: the same response bytes. */
		if (sa->have_resp_sent && sa->last_resp_id == 0)
			return bytes_copy(out, &sa->last_resp_sent);
		return 0;
	}
	if ((sa = ike_sa_new(false, e)) == NULL)
		return -1;
	memcpy(sa->spi_i, rx->spi_i, IKE_SPI_LEN);
	rc = check_cookie(r, sa, rx, &m, e);
	if (rc == 0)
		rc = ike_resp_init(sa, &r->cfg, rx, &m, e);
	if (rc >= 0)
		rc = ike_encode_response(sa, &m, NULL, out, e);
	ike_msg_free(&m);
	if (rc < 0 || sa->refused || r->nsa == RESPOND_SA_MAX) {
		ike_sa_free(sa);
		return rc < 0 ? -1 : 0;
	}
	r->sa[r->nsa++] = sa;
	return 0;
}

static int dispatch(struct respond *r, struct ike_sa *sa,
    const struct ike_rx *rx, struct ike_msg *m, struct err *e)
{
	switch (rx->exchange) {
	case EXCH_IKE_AUTH:
		if (sa->state != IKE_S_INIT_DONE)
			return ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL,
			    0, m, e);
		return ike_resp_auth(sa, &r->cfg, rx, m, e);
	case EXCH_CREATE_CHILD_SA:
		return ike_resp_create_child(sa, &r->cfg, rx, m, e);
	case EXCH_INFORMATIONAL:
		return ike_resp_informational(sa, &r->cfg, rx, m, e);
	default:
		return ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL, 0, m, e);
	}
}

static int handle_protected(struct respond *r, const uint8_t *p, size_t n,
    struct ike_rx *rx, struct bytes *out, struct err *e)
{
	struct ike_msg m = { 0 };
	struct ike_sa *sa;
	size_t idx;
	int rc;

	if ((sa = find_sa(r, rx, &idx)) == NULL) {
		r->dropped++;	/* unknown SPIs: no state to answer from */
		return 0;
	}
	if (rx->message_id + 1 == sa->next_peer_id && sa->have_resp_sent &&
	    sa->last_resp_id == rx->message_id)
		return bytes_copy(out, &sa->last_resp_sent);	/* 2.1 */
	if (rx->message_id != sa->next_peer_id) {
		r->dropped++;
		return 0;
	}
	ike_rx_free(rx);
	if (ike_rx_decode(sa, p, n, false, rx, e) < 0)
		return -1;
	if (!rx->sk_ok) {
		r->dropped++;	/* broken ICV: silently (2.21.1, 3.14) */
		return 0;
	}
	rc = dispatch(r, sa, rx, &m, e);
	if (rc == 0)
		rc = ike_encode_response(sa, &m, NULL, out, e);
	ike_msg_free(&m);
	if (rc < 0)
		return -1;
	sa->next_peer_id++;
	if (sa->state == IKE_S_DELETED) {
		remove_sa(r, idx);
		return 0;
	}
	if (sa->rekeyed) {
		struct ike_sa *nsa = sa->rekeyed;
		sa->rekeyed = NULL;
		if (r->nsa < RESPOND_SA_MAX)
			r->sa[r->nsa++] = nsa;
		else
			ike_sa_free(nsa);
	}
	return 0;
}

int respond_handle(struct respond *r, const uint8_t *p, size_t n,
    struct bytes *out, struct err *e)
{
	struct ike_rx rx;
	char line[512];
	int rc = 0;

	out->len = 0;
	if (ike_rx_decode(NULL, p, n, false, &rx, e) < 0)
		return -1;
	ike_rx_summary(&rx, line, sizeof(line));
	log_line(r, "<", line);
	if (n < 28 || rx.response)
		r->dropped++;
	else if (rx.exchange == EXCH_IKE_SA_INIT && rx.message_id == 0)
		rc = handle_init(r, &rx, out, e);
	else
		rc = handle_protected(r, p, n, &rx, out, e);
	ike_rx_free(&rx);
	if (rc == 0 && out->len) {
		if (ike_rx_decode(NULL, out->data, out->len, false, &rx, e) < 0)
			return -1;
		ike_rx_summary(&rx, line, sizeof(line));
		log_line(r, ">", line);
		ike_rx_free(&rx);
	}
	return rc;
}
