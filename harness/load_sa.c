/* load_sa: one tunnel of a load run, step by step, driven by the events
 * load.c hands it (an answer, an ESP packet, a timer): IKE_SA_INIT (with
 * the COOKIE and INVALID_KE_PAYLOAD retries of RFC 7296 2.6 and 1.2),
 * IKE_AUTH, the echo through the CHILD SA, rekeys, Delete. The ike module
 * builds and processes every message; nothing here blocks. */
#include "load_int.h"

#include <stdio.h>
#include <string.h>

#include "esp.h"
#include "inet.h"
#include "names.h"
#include "rules.h"

static const char *const step_names[] = {
	[LS_FREE] = "-", [LS_INIT] = "IKE_SA_INIT", [LS_AUTH] = "IKE_AUTH",
	[LS_ECHO] = "echo", [LS_REKEY_CHILD] = "CHILD SA rekey",
	[LS_DEL_CHILD] = "Delete of the old CHILD SA",
	[LS_REKEY_IKE] = "IKE SA rekey",
	[LS_DEL_OLD_IKE] = "Delete of the old IKE SA",
	[LS_DELETE] = "Delete of the IKE SA",
};

/* The SA the request out belongs to. */
static struct ike_sa *slot_cur(const struct load_slot *s)
{
	return s->step == LS_DEL_OLD_IKE ? s->old : s->sa;
}

static int slot_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct load_slot *s = ctx;

	return net_send(s->ld->net, s->port, p, n, e);
}

void load_slot_clear(struct load_slot *s)
{
	if (s->step != LS_FREE)
		s->ld->busy--;
	if (s->have_sas)
		ike_child_sas_free(&s->sas);
	if (s->sa != NULL && s->sa->rekeyed != NULL)
		ike_sa_free(s->sa->rekeyed);
	ike_sa_free(s->sa);
	ike_sa_free(s->old);
	{
		struct load_ctx *ld = s->ld;

		memset(s, 0, sizeof(*s));
		s->ld = ld;	/* step LS_FREE */
	}
}

static void slot_fail(struct load_slot *s, const char *fmt, const char *a)
{
	char text[LOAD_CAUSE_LEN];

	snprintf(text, sizeof(text), fmt, step_names[s->step], a);
	load_cause_add(s->ld->r, text);
	s->ld->r->failed++;
	load_slot_clear(s);
}

/* Sends request m on the current SA and arms its schedule. */
static int slot_request(struct load_slot *s, struct ike_msg *m,
    enum load_step step, struct err *e)
{
	struct ike_sa *sa;
	int rc;

	s->step = step;
	sa = slot_cur(s);
	rc = ike_send_request(sa, m, NULL, &s->tr, e);
	ike_msg_free(m);
	if (rc == 0)
		ike_retx_start(&s->retx, &s->ld->cfg, load_now());
	return rc;
}

int load_slot_start(struct load_slot *s, struct err *e)
{
	struct ike_msg m = { 0 };

	s->step = LS_INIT;
	s->port = NET_IKE;
	s->tr.ctx = s;
	s->tr.send = slot_send;
	s->tr.recv = NULL;
	s->t_start = load_now();
	if ((s->sa = ike_sa_new(true, e)) == NULL ||
	    ike_build_init_request(s->sa, &s->ld->cfg, &m, e) < 0) {
		ike_msg_free(&m);
		return err_prefix(e, "IKE_SA_INIT");
	}
	return slot_request(s, &m, LS_INIT, e);
}

/* ------------------------------------------------------------ steps */

static void slot_echo_send(struct load_slot *s);

/* What comes after the tunnel is up, or after each rekey. */
static void slot_next(struct load_slot *s)
{
	struct load_ctx *ld = s->ld;
	struct ike_msg m = { 0 };
	struct err e;
	int rc;

	if (s->step == LS_AUTH && ld->echo && s->have_sas) {
		s->step = LS_ECHO;
		slot_echo_send(s);
		return;
	}
	if (s->child_rekeys < ld->o->rekey_child && s->sa->nchild > 0) {
		rc = ike_build_create_child(s->sa, &ld->cfg, IKE_CCSA_REKEY_CHILD,
		    s->sa->child[0].spi_in, ld->pfs, &m, &e);
		if (rc == 0 && slot_request(s, &m, LS_REKEY_CHILD, &e) == 0)
			return;
	} else if (s->ike_rekeys < ld->o->rekey_ike) {
		rc = ike_build_create_child(s->sa, &ld->cfg, IKE_CCSA_REKEY_IKE,
		    NULL, true, &m, &e);
		if (rc == 0 && slot_request(s, &m, LS_REKEY_IKE, &e) == 0)
			return;
	} else {
		rc = ike_build_info_delete_ike(s->sa, &m, &e);
		if (rc == 0 && slot_request(s, &m, LS_DELETE, &e) == 0)
			return;
	}
	ike_msg_free(&m);
	slot_fail(s, "%s: %s", e.text);
}

static void slot_up(struct load_slot *s)
{
	struct load_result *r = s->ld->r;
	struct err e;

	s->t_up = load_now();
	r->established++;
	(void)load_sample_add(&r->setup, s->t_up - s->t_start);
	if (s->cookie_seen)
		r->cookies++;
	if (s->sa->nchild > 0 &&
	    ike_child_sas_new(&s->sa->child[0], &s->sas, &e) == 0 &&
	    s->sas.esp_out != NULL)
		s->have_sas = true;
	else if (s->sa->nchild > 0 && !s->have_sas)
		r->echo_skipped++;
	slot_next(s);
}

static void slot_init(struct load_slot *s, const struct ike_rx *rx)
{
	struct load_ctx *ld = s->ld;
	struct ike_msg m = { 0 };
	struct err e;
	bool cookie;

	switch (ike_init_response(s->sa, &ld->cfg, rx, &e)) {
	case IKE_R_RETRY:
		cookie = ike_rx_notify(rx, N_COOKIE) != NULL;
		if ((cookie && s->cookie_seen) || (!cookie && s->ke_seen)) {
			slot_fail(s, "%s: %s", cookie ? "N(COOKIE) twice" :
			    "N(INVALID_KE_PAYLOAD) twice");
			return;
		}
		s->cookie_seen |= cookie;
		s->ke_seen |= !cookie;
		if (ike_build_init_request(s->sa, &ld->cfg, &m, &e) < 0 ||
		    slot_request(s, &m, LS_INIT, &e) < 0) {
			ike_msg_free(&m);
			slot_fail(s, "%s: %s", e.text);
		}
		return;
	case IKE_R_OK:
		if (ld->natt_forced)
			s->port = NET_NATT;
		if (ike_build_auth_request(s->sa, &ld->cfg, ld->child, &m, &e) < 0 ||
		    slot_request(s, &m, LS_AUTH, &e) < 0) {
			ike_msg_free(&m);
			slot_fail(s, "%s: %s", e.text);
		}
		return;
	case IKE_R_REFUSED:
		slot_fail(s, "%s: N(%s)", names_get(NAMES_T_NOTIFY,
		    s->sa->refused));
		return;
	case IKE_R_FAIL:
		break;
	}
	slot_fail(s, "%s: %s", e.text);
}

static void slot_auth(struct load_slot *s, const struct ike_rx *rx)
{
	struct err e;
	enum ike_result res = ike_auth_response(s->sa, &s->ld->cfg, rx, &e);

	if (res == IKE_R_OK && s->sa->refused == 0 &&
	    (s->sa->nchild > 0 || !s->ld->child)) {
		slot_up(s);
		return;
	}
	if (res == IKE_R_OK || res == IKE_R_REFUSED)
		slot_fail(s, "%s: N(%s)", s->sa->refused ?
		    names_get(NAMES_T_NOTIFY, s->sa->refused) : "none: no CHILD SA");
	else
		slot_fail(s, "%s: %s", e.text);
}

static void slot_rekeyed(struct load_slot *s, const struct ike_rx *rx)
{
	struct load_ctx *ld = s->ld;
	struct ike_msg m = { 0 };
	struct err e;
	int rc;

	if (ike_create_child_response(s->sa, &ld->cfg, rx, &e) != IKE_R_OK) {
		slot_fail(s, "%s: %s", s->sa->refused ? names_get(NAMES_T_NOTIFY,
		    s->sa->refused) : e.text);
		return;
	}
	load_mark(&ld->rekey_first, &ld->rekey_last, load_now());
	if (s->step == LS_REKEY_CHILD) {
		ld->r->child_rekeys++;
		s->child_rekeys++;
		memcpy(s->old_spi, s->sa->child[0].spi_in, sizeof(s->old_spi));
		rc = ike_build_info_delete_child(s->sa, s->old_spi, 1, &m, &e);
		if (rc == 0 && slot_request(s, &m, LS_DEL_CHILD, &e) == 0)
			return;
	} else {
		ld->r->ike_rekeys++;
		s->ike_rekeys++;
		s->old = s->sa;
		s->sa = s->old->rekeyed;
		s->old->rekeyed = NULL;
		s->step = LS_DEL_OLD_IKE;
		rc = ike_build_info_delete_ike(s->old, &m, &e);
		if (rc == 0 && slot_request(s, &m, LS_DEL_OLD_IKE, &e) == 0)
			return;
	}
	ike_msg_free(&m);
	slot_fail(s, "%s: %s", e.text);
}

static void slot_info(struct load_slot *s, const struct ike_rx *rx)
{
	struct load_ctx *ld = s->ld;
	struct err e;
	uint64_t now = load_now();

	if (ike_info_response(slot_cur(s), rx, &e) != IKE_R_OK) {
		slot_fail(s, "%s: %s", e.text);
		return;
	}
	if (s->step == LS_DEL_CHILD) {
		/* gone, whether or not the answer named it (1.4.1) */
		struct ike_child *ch = ike_sa_find_child(s->sa, s->old_spi, true);

		if (ch != NULL)
			ike_sa_remove_child(s->sa, (size_t)(ch - s->sa->child));
	}
	if (s->step == LS_DEL_OLD_IKE) {
		ike_sa_free(s->old);
		s->old = NULL;
		s->step = LS_REKEY_IKE;
	}
	if (s->step != LS_DELETE) {
		slot_next(s);
		return;
	}
	ld->r->deletes++;
	load_mark(&ld->del_first, &ld->del_last, now);
	load_slot_clear(s);
}

/* ------------------------------------------------------------ IKE in */

/* Whether rx answers the request out (as ike_await_response takes it). */
static bool slot_answers(const struct ike_sa *sa, const struct ike_rx *rx)
{
	return rx->response && rx->message_id + 1 == sa->next_req_id &&
	    memcmp(rx->spi_i, sa->spi_i, IKE_SPI_LEN) == 0 &&
	    (!rx->has_sk || rx->sk_ok);
}

/* A request of the IUT (a liveness check, a Delete) is answered
 * (RFC 7296 1.4, 2.4); an IKE SA it deletes ends the tunnel. */
static void slot_iut_request(struct load_slot *s, struct ike_sa *sa,
    const struct ike_rx *rx)
{
	struct ike_msg m = { 0 };
	struct bytes out = BYTES_EMPTY;
	struct err e;

	if (rx->exchange != EXCH_INFORMATIONAL || !rx->sk_ok)
		return;
	if (ike_resp_informational(sa, &s->ld->cfg, rx, &m, &e) == 0 &&
	    ike_encode_response(sa, &m, NULL, &out, &e) == 0 &&
	    net_send(s->ld->net, s->port, out.data, out.len, &e) == 0)
		s->ld->r->iut_requests++;
	ike_msg_free(&m);
	bytes_free(&out);
	if (sa == s->sa && sa->state == IKE_S_DELETED)
		slot_fail(s, "%s: %s", "the IUT deleted the IKE SA");
}

void load_slot_ike(struct load_slot *s, const uint8_t *p, size_t n)
{
	struct ike_sa *sa = slot_cur(s);
	struct ike_rx rx;
	struct err e;

	memset(&rx, 0, sizeof(rx));
	if (n < IKE_SPI_LEN || memcmp(p, sa->spi_i, IKE_SPI_LEN) != 0)
		sa = s->sa;	/* a request on the new SA while the old goes */
	if (ike_rx_decode(sa, p, n, false, &rx, &e) < 0)
		goto out;
	load_judge(s->ld, &rx);
	if (!rx.response) {
		slot_iut_request(s, sa, &rx);
		goto out;
	}
	if (sa != slot_cur(s) || !slot_answers(sa, &rx) || !s->retx.armed)
		goto out;	/* late or duplicate: passed over */
	s->retx.armed = false;
	switch (s->step) {
	case LS_INIT: slot_init(s, &rx); break;
	case LS_AUTH: slot_auth(s, &rx); break;
	case LS_REKEY_CHILD:
	case LS_REKEY_IKE: slot_rekeyed(s, &rx); break;
	case LS_DEL_CHILD:
	case LS_DEL_OLD_IKE:
	case LS_DELETE: slot_info(s, &rx); break;
	case LS_FREE:
	case LS_ECHO: break;
	}
out:
	ike_rx_free(&rx);
}

/* ------------------------------------------------------------ echo */

/* An ICMP echo request through the child's ESP (tunnel mode) to the
 * profile's echo address. */
static void slot_echo_send(struct load_slot *s)
{
	struct load_ctx *ld = s->ld;
	struct inet_pkt ip;
	struct bytes inner = BYTES_EMPTY;
	uint8_t pkt[512];
	size_t len;
	struct err e;
	int rc;

	memset(&ip, 0, sizeof(ip));
	ip.src = ld->echo_src;
	ip.dst = ld->echo_dst;
	ip.proto = ip.dst.family == 6 ? INET_PROTO_ICMPV6 : INET_PROTO_ICMP;
	ip.icmp_type = inet_echo_request_type(ip.dst.family);
	ip.icmp_id = (uint16_t)(s - ld->slots);
	ip.icmp_seq = ++s->echo_seq;
	ip.data = (const uint8_t *)"iketest load";
	ip.data_len = 12;
	rc = inet_build_ip(&ip, &inner, &e);
	if (rc == 0)
		rc = esp_encap(s->sas.esp_out, ip.dst.family == 6 ?
		    INET_PROTO_IPV6 : INET_PROTO_IPIP, inner.data, inner.len,
		    NULL, pkt, sizeof(pkt), &len, &e);
	if (rc == 0)
		rc = net_send_esp(ld->net, ld->esp_via, pkt, len, &e);
	bytes_free(&inner);
	s->echo_tries++;
	ld->r->echo_sent++;
	/* short gaps: the time to first packet of an IUT that installs the
	 * SA after answering shows as a few echoes lost, not a second */
	s->echo_due = load_now() + LOAD_ECHO_GAP_US;
	if (rc < 0)
		load_cause_add(ld->r, "echo: could not send");
}

void load_slot_esp(struct load_slot *s, const uint8_t *p, size_t n)
{
	struct esp_rx rx;
	struct inet_pkt ip;
	struct err e;

	if (s->step != LS_ECHO ||
	    esp_decap(s->sas.esp_in, p, n, &rx) != ESP_OK ||
	    inet_parse_ip(rx.payload, rx.payload_len, &ip, &e) < 0 ||
	    ip.icmp_type != inet_echo_reply_type(ip.dst.family) ||
	    ip.icmp_id != (uint16_t)(s - s->ld->slots))
		return;
	s->ld->r->echo_answered++;
	(void)load_sample_add(&s->ld->r->ttfp, load_now() - s->t_up);
	slot_next(s);
}

/* ------------------------------------------------------------ timers */

uint64_t load_slot_timers(struct load_slot *s, uint64_t now)
{
	struct ike_sa *sa;
	struct err e;

	if (s->step == LS_ECHO) {
		if (now < s->echo_due)
			return s->echo_due;
		if (s->echo_tries < LOAD_ECHO_TRIES) {
			slot_echo_send(s);
			return s->echo_due;
		}
		load_cause_add(s->ld->r, "echo: no answer");
		slot_next(s);
		return now;
	}
	sa = slot_cur(s);
	switch (ike_retx_step(&s->retx, now)) {
	case IKE_RETX_SEND:
		s->ld->r->retransmissions++;
		(void)net_send(s->ld->net, s->port, sa->last_req.data,
		    sa->last_req.len, &e);
		return s->retx.due_us;
	case IKE_RETX_GIVE_UP:
		s->ld->r->timeouts++;
		slot_fail(s, "%s: %s", "timeout (no answer after the retransmissions)");
		return now;
	case IKE_RETX_WAIT:
		break;
	}
	return s->retx.armed ? s->retx.due_us : UINT64_MAX;
}

/* ------------------------------------------------------------ lookup */

struct load_slot *load_slot_by_spi_i(struct load_ctx *ld, const uint8_t *p,
    size_t n)
{
	size_t i;
	struct load_slot *s;

	if (n < IKE_SPI_LEN)
		return NULL;
	for (i = 0; i < ld->nslots; i++) {
		s = &ld->slots[i];
		if (s->step == LS_FREE)
			continue;
		if (memcmp(s->sa->spi_i, p, IKE_SPI_LEN) == 0 ||
		    (s->old != NULL && memcmp(s->old->spi_i, p, IKE_SPI_LEN) == 0))
			return s;
	}
	return NULL;
}

struct load_slot *load_slot_by_esp(struct load_ctx *ld, const uint8_t *p,
    size_t n)
{
	uint32_t spi, seq;
	size_t i;

	if (esp_peek(p, n, &spi, &seq) < 0)
		return NULL;
	for (i = 0; i < ld->nslots; i++)
		if (ld->slots[i].have_sas && ld->slots[i].step == LS_ECHO &&
		    esp_sa_spi(ld->slots[i].sas.esp_in) == spi)
			return &ld->slots[i];
	return NULL;
}

/* ------------------------------------------------------------ rules */

void load_judge(struct load_ctx *ld, const struct ike_rx *rx)
{
	struct load_result *r = ld->r;
	struct rules_report rep;
	const char *first = NULL;

	if (ld->o->judge_every == 0 || ld->seen++ % ld->o->judge_every != 0 ||
	    rx->hdr == NULL)
		return;
	r->judged++;
	memset(&rep, 0, sizeof(rep));
	/* the IUT answers as responder: not the original initiator (3.1) */
	rules_sender_message(rx->hdr, &rx->pr, rx->has_sk ? 0 : -1, &rep);
	if (rx->sk_ok && rx->inner != NULL)
		rules_sender_chain(rx->exchange, rx->response, rx->inner,
		    &rx->inner_pr, &rep);
	if (rep.count > 0)
		first = rep.text[0];
	r->violations += (unsigned)rep.count;
	memset(&rep, 0, sizeof(rep));
	if ((!rx->has_sk || rx->sk_ok) &&
	    rules_check(rx->exchange, rx->response, rx->hdr, rx->inner,
	    &rep) == RULES_VIOLATES) {
		r->violations += (unsigned)rep.count;
		if (first == NULL && rep.count > 0)
			first = rep.text[0];
	}
	if (first != NULL && r->first_violation[0] == '\0')
		snprintf(r->first_violation, sizeof(r->first_violation),
		    "%s: %s", names_get(NAMES_T_EXCHANGE, rx->exchange), first);
}
