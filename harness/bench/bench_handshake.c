/* bench_handshake: the harness's CPU per full IKE_SA_INIT + IKE_AUTH
 * (PSK, X25519, AES-GCM-256, HMAC_SHA2_256, a CHILD SA with AES-GCM-256)
 * against the raw crypto that handshake needs, both timed in the same
 * run (issue 13, P2: target at most 1.5x).
 *
 * Handshakes: ike_establish as initiator against the reference peer's
 * engine (respond_handle) in memory; the peer's time is measured around
 * each respond_handle call and counted apart, so "harness" is the
 * initiator's share alone. Each IKE SA is deleted outside the timed part
 * (the peer's table stays small).
 *
 * Raw crypto, per handshake, the initiator's operations only, through the
 * crypto module: a 32-byte nonce and the SPI, an X25519 key pair and its
 * public value, the RFC 6989 check and the shared secret, SKEYSEED and
 * the seven keys (prf, prf+), the AUTH octets and PSK AUTH for our AUTH
 * and for checking the peer's, SK encryption of the IKE_AUTH request
 * and decryption of the response (their real sizes), the CHILD SA's
 * KEYMAT.
 *
 *   bench_handshake harness <us per handshake> <handshakes/s>
 *   bench_handshake peer <us per handshake>
 *   bench_handshake crypto <us per handshake>
 *
 * Usage: bench_handshake [-t SECONDS]. CPU time of the thread
 * (CLOCK_THREAD_CPUTIME_ID); run it pinned to a core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "err.h"
#include "ike.h"
#include "names.h"
#include "respond.h"

static const char PSK[] = "bench-psk-not-a-secret";
static const char SUITE[] = "AES_GCM_16/256 HMAC_SHA2_256 CURVE25519";
static const char ESP[] = "AES_GCM_16/256 ESN_NO";
static const uint8_t RESP_KEY[36] = { 7 };
static const struct crypto_sk resp_sk = { ENCR_AES_GCM_16, 256, INTEG_NONE,
	RESP_KEY, sizeof(RESP_KEY), NULL, 0 };

struct fx {
	struct ike_config ini;
	struct respond r;
	struct bytes reply;
	bool have;
	double peer_s;
	size_t req_len[2], resp_len[2];	/* IKE_SA_INIT, IKE_AUTH sizes */
	struct bytes resp_body;		/* an IKE_AUTH response's SK body */
	unsigned nmsg;
};

static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int mem_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct fx *f = ctx;
	double t = cpu();
	int rc = respond_handle(&f->r, p, n, &f->reply, e);

	f->peer_s += cpu() - t;
	if (f->nmsg < 2) {
		f->req_len[f->nmsg] = n;
		f->resp_len[f->nmsg] = f->reply.len;
	}
	f->nmsg++;
	f->have = rc == 0 && f->reply.len > 0;
	return rc;
}

static int mem_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	struct fx *f = ctx;

	(void)timeout_us;
	(void)e;
	if (!f->have)
		return 0;
	f->have = false;
	return bytes_copy(out, &f->reply) < 0 ? -1 : 1;
}

static int side(struct ike_config *c, const char *id, const char *tl,
    const char *tp, struct err *e)
{
	ike_config_init(c);
	if (ike_policy_parse(PROTO_IKE, SUITE, &c->ike, e) < 0 ||
	    ike_policy_parse(PROTO_ESP, ESP, &c->esp, e) < 0 ||
	    ike_id_parse(id, &c->auth.id_type, &c->auth.id, e) < 0 ||
	    ike_ts_add_prefix(&c->ts_local, tl, e) < 0 ||
	    ike_ts_add_prefix(&c->ts_peer, tp, e) < 0)
		return -1;
	c->auth.method = AUTH_SHARED_KEY_MIC;
	if (bytes_set(&c->auth.psk, PSK, strlen(PSK)) < 0)
		return err_set(e, "out of memory");
	c->timeout_ms = 1000;
	c->tries = 1;
	return 0;
}

/* One handshake, timed; the Delete after it is not. */
static int handshake(struct fx *f, double *harness_s, struct err *e)
{
	struct ike_transport t = { f, mem_send, mem_recv };
	struct ike_sa *sa = NULL;
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	double t0, p0 = f->peer_s;
	int rc;

	t0 = cpu();
	rc = ike_establish(&f->ini, &t, true, &sa, e);
	*harness_s += cpu() - t0 - (f->peer_s - p0);
	if (rc < 0)
		return -1;
	memset(&rx, 0, sizeof(rx));
	p0 = f->peer_s;
	if (ike_build_info_delete_ike(sa, &m, e) == 0)
		(void)ike_exchange(sa, &m, &t, &f->ini, &rx, e);
	f->peer_s = p0;
	ike_msg_free(&m);
	ike_rx_free(&rx);
	ike_sa_free(sa);
	return 0;
}

/* The initiator's crypto of one handshake, as the sizes measured say. */
static int raw_crypto(const struct fx *f, const struct bytes *peer_pub,
    struct err *e)
{
	static const struct crypto_ike_suite suite = { ENCR_AES_GCM_16, 256,
		PRF_HMAC_SHA2_256, INTEG_NONE, DH_CURVE25519 };
	static uint8_t msg[2048], idb[8] = { ID_IPV4_ADDR, 0, 0, 0, 192, 0, 2, 17 };
	uint8_t ni[32], nr[32] = { 1 }, spi_i[8], spi_r[8] = { 2 };
	struct bytes pub = BYTES_EMPTY, shared = BYTES_EMPTY, oct = BYTES_EMPTY,
	    auth = BYTES_EMPTY, body = BYTES_EMPTY, plain = BYTES_EMPTY,
	    km = BYTES_EMPTY;
	struct crypto_ike_keys k;
	struct crypto_dh *dh;
	struct crypto_sk sk;
	size_t pad, i;
	int rc = -1;

	memset(&k, 0, sizeof(k));
	if (crypto_random(ni, sizeof(ni), e) < 0 ||
	    crypto_random(spi_i, sizeof(spi_i), e) < 0 ||
	    (dh = crypto_dh_new(DH_CURVE25519, e)) == NULL)
		return -1;
	if (crypto_dh_public(dh, &pub, e) < 0 ||
	    crypto_dh_check_peer(DH_CURVE25519, peer_pub->data, peer_pub->len,
	    e) < 0 ||
	    crypto_dh_shared(dh, peer_pub->data, peer_pub->len, &shared, e) < 0 ||
	    crypto_ike_keys(&suite, shared.data, shared.len, ni, sizeof(ni), nr,
	    sizeof(nr), spi_i, spi_r, &k, e) < 0)
		goto out;
	for (i = 0; i < 2; i++) {	/* our AUTH, then checking the peer's */
		if (crypto_auth_octets(PRF_HMAC_SHA2_256, msg, i ? f->resp_len[0] :
		    f->req_len[0], i ? ni : nr, 32, i ? k.sk_pr.data : k.sk_pi.data,
		    k.sk_pi.len, idb, sizeof(idb), &oct, e) < 0 ||
		    crypto_auth_psk(PRF_HMAC_SHA2_256, (const uint8_t *)PSK,
		    strlen(PSK), oct.data, oct.len, &auth, e) < 0)
			goto out;
	}
	sk = (struct crypto_sk){ ENCR_AES_GCM_16, 256, INTEG_NONE, k.sk_ei.data,
		k.sk_ei.len, NULL, 0 };
	/* the IKE_AUTH request's SK body sealed, the response's opened (made
	 * beforehand under a fixed key: opening costs the same) */
	if (crypto_sk_encrypt(&sk, msg, 32, NULL, msg, f->req_len[1] - 60,
	    NULL, 0, &body, e) < 0 ||
	    crypto_sk_decrypt(&resp_sk, msg, 32, f->resp_body.data,
	    f->resp_body.len, &plain, &pad, e) < 0 ||
	    crypto_child_keymat(PRF_HMAC_SHA2_256, k.sk_d.data, k.sk_d.len, NULL,
	    0, ni, sizeof(ni), nr, sizeof(nr), 2 * 36, &km, e) < 0)
		goto out;
	rc = 0;
out:
	crypto_dh_free(dh);
	crypto_ike_keys_free(&k);
	bytes_free(&pub);
	bytes_free(&shared);
	bytes_free(&oct);
	bytes_free(&auth);
	bytes_free(&body);
	bytes_free(&plain);
	bytes_free(&km);
	return rc;
}

static int fx_init(struct fx *f, struct err *e)
{
	struct ike_config rc;

	memset(f, 0, sizeof(*f));
	if (side(&f->ini, "ipv4:192.0.2.17", "203.0.113.0/24",
	    "198.51.100.16/28", e) < 0 ||
	    side(&rc, "ipv4:192.0.2.18", "198.51.100.16/28", "203.0.113.0/24",
	    e) < 0)
		return -1;
	return respond_init(&f->r, &rc, e);
}

int main(int argc, char **argv)
{
	double secs = 3, t0, harness_s = 0, crypto_s;
	struct crypto_dh *peer;
	struct bytes peer_pub = BYTES_EMPTY;
	struct err e;
	struct fx f;
	unsigned n = 0, i;

	if (argc == 3 && strcmp(argv[1], "-t") == 0)
		secs = atof(argv[2]);
	if (secs <= 0 || secs > 600 || (argc != 1 && argc != 3)) {
		fprintf(stderr, "usage: bench_handshake [-t SECONDS]\n");
		return 2;
	}
	if (fx_init(&f, &e) < 0 || handshake(&f, &harness_s, &e) < 0) {
		fprintf(stderr, "bench_handshake: %s\n", e.text);
		return 1;
	}
	harness_s = f.peer_s = 0;
	{
		static uint8_t msg[2048];

		if (crypto_sk_encrypt(&resp_sk, msg, 32, NULL, msg,
		    f.resp_len[1] - 60, NULL, 0, &f.resp_body, &e) < 0) {
			fprintf(stderr, "bench_handshake: %s\n", e.text);
			return 1;
		}
	}
	for (t0 = cpu(); cpu() - t0 < secs; n++)
		if (handshake(&f, &harness_s, &e) < 0) {
			fprintf(stderr, "bench_handshake: %s\n", e.text);
			return 1;
		}
	if ((peer = crypto_dh_new(DH_CURVE25519, &e)) == NULL ||
	    crypto_dh_public(peer, &peer_pub, &e) < 0)
		return 1;
	t0 = cpu();
	for (i = 0; i < n; i++)
		if (raw_crypto(&f, &peer_pub, &e) < 0) {
			fprintf(stderr, "bench_handshake: raw crypto: %s\n", e.text);
			return 1;
		}
	crypto_s = cpu() - t0;
	printf("bench_handshake harness %.2f %.1f\n", harness_s / n * 1e6,
	    n / harness_s);
	printf("bench_handshake peer %.2f\n", f.peer_s / n * 1e6);
	printf("bench_handshake crypto %.2f\n", crypto_s / n * 1e6);
	printf("bench_handshake count %u\n", n);
	crypto_dh_free(peer);
	bytes_free(&peer_pub);
	bytes_free(&f.reply);
	bytes_free(&f.resp_body);
	ike_config_free(&f.ini);
	respond_free(&f.r);
	return 0;
}
