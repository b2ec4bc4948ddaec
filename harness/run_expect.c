/* run_expect: the receive-side events: expect (with COOKIE follow-up
 * and the automatic RFC 7296 rules line), silence, and retransmission
 * schedules (retransmits). */
#include "run_int.h"

#include <string.h>

#include "profile.h"
#include "rules.h"

/* ------------------------------------------------------------ expect */

/* The receive window [lo, hi] after the previous event. */
static void run_window(const struct script_timing *t, uint64_t *lo,
    uint64_t *hi)
{
	uint64_t tol = 0;

	*lo = 0;
	switch (t->kind) {
	case SCRIPT_T_NONE:
		*hi = RUN_DEFAULT_DEADLINE_US;
		return;
	case SCRIPT_T_WITHIN:
		*hi = t->at;
		return;
	case SCRIPT_T_AFTER:
		tol = t->at / 10000 * RUN_DEFAULT_TOL_PCT_X100;
		if (tol < RUN_DEFAULT_TOL_MIN_US)
			tol = RUN_DEFAULT_TOL_MIN_US;
		break;
	case SCRIPT_T_RANGE:
		*lo = t->lo;
		*hi = t->hi;
		return;
	case SCRIPT_T_PERCENT:
		tol = t->at / 10000 * t->pct_x100;
		break;
	case SCRIPT_T_ABS:
		tol = t->tol;
		break;
	}
	*lo = t->at > tol ? t->at - tol : 0;
	*hi = t->at + tol;
}

/* Whether a message is to be passed over as a retransmission of one
 * already matched: a request the IUT sends again (RFC 7296 2.1), or a
 * response that came again while iketest sent nothing since (a late
 * duplicate). A response equal to an earlier one after iketest sent a
 * request is an answer to that request (a retransmitted request gets
 * "the same response", which a `same bytes as` check wants to see). */
static bool run_seen(struct run_ctx *c, const struct ike_rx *rx)
{
	const struct bytes *raw = &rx->raw;
	size_t i;

	for (i = 0; i < c->nseen; i++)
		if (c->seen[i].len == raw->len &&
		    memcmp(c->seen[i].data, raw->data, raw->len) == 0 &&
		    (!rx->response || c->seen_nsent[i] == c->nsent))
			return true;
	return false;
}

static void run_remember(struct run_ctx *c, const struct bytes *raw)
{
	if (c->nseen == RUN_SEEN_MAX) {
		bytes_free(&c->seen[0]);
		memmove(&c->seen[0], &c->seen[1],
		    (RUN_SEEN_MAX - 1) * sizeof(c->seen[0]));
		memmove(&c->seen_nsent[0], &c->seen_nsent[1],
		    (RUN_SEEN_MAX - 1) * sizeof(c->seen_nsent[0]));
		c->nseen--;
		c->seen[c->nseen] = BYTES_EMPTY;
	}
	c->seen_nsent[c->nseen] = c->nsent;
	(void)bytes_copy(&c->seen[c->nseen++], raw);
}

/* Moves the SA forward with what arrived, so later events have keys. */
static void run_process(struct run_ctx *c)
{
	struct err e;
	enum ike_result r = IKE_R_OK;
	size_t children;

	if (!c->rx.response)
		return;
	/* an answer to another SA (an earlier request, a probe) moves
	 * nothing of this one */
	if (c->sa->initiator &&
	    memcmp(c->rx.spi_i, c->sa->spi_i, IKE_SPI_LEN) != 0)
		return;
	children = c->sa->nchild;
	switch (c->rx.exchange) {
	case EXCH_IKE_SA_INIT:
		r = ike_init_response(c->sa, &c->cfg, &c->rx, &e);
		break;
	case EXCH_IKE_AUTH:
		r = ike_auth_response(c->sa, &c->cfg, &c->rx, &e);
		break;
	case EXCH_CREATE_CHILD_SA:
		/* an answer to a request the script built itself: no harness
		 * state waits for it, and nothing is wrong with it */
		if (!c->sa->pend.active)
			return;
		r = ike_create_child_response(c->sa, &c->cfg, &c->rx, &e);
		break;
	case EXCH_INFORMATIONAL:
		r = ike_info_response(c->sa, &c->rx, &e);
		break;
	default:
		return;
	}
	if (r == IKE_R_FAIL || r == IKE_R_REFUSED)
		run_diag(c, "SA state: %s", e.text);
	else if (c->sa->nchild > children)
		run_child_ready(c);	/* a new or rekeyed CHILD SA */
}

static void run_rules_line(struct run_ctx *c, int line)
{
	struct rules_report r;
	struct run_check k;
	enum rules_status st;
	size_t i;

	if (c->o->no_rules)
		return;
	st = rules_check(c->rx.exchange, c->rx.response, c->rx.hdr,
	    c->rx.sk_ok ? c->rx.inner : NULL, &r);
	if (st == RULES_NO_TABLE)
		return;
	run_check_begin(c, &k, line, "%s %s conforms to %s",
	    names_get(NAMES_T_EXCHANGE, c->rx.exchange),
	    c->rx.response ? "response" : "request", r.clause);
	for (i = 0; i < r.count; i++)
		run_check_fail(&k, "%s", r.text[i]);
	if (st == RULES_VIOLATES)
		run_check_message(&k, &c->rx);
	else if (r.sk_unchecked)
		run_diag(c, "line %d: SK not opened, its payloads not checked", line);
	run_check_end(c, &k);
}

static const char *run_dir_name(enum script_dir d)
{
	return d == SCRIPT_DIR_REQUEST ? "request" :
	    d == SCRIPT_DIR_RESPONSE ? "response" : "message";
}

/* A protected request of an IKE SA that is not this script's (one an
 * earlier script left in the IUT, which rekeys or deletes it now): not
 * part of this test. Requests of the IKE SA the script holds, responses
 * (answers to what the script sent) and clear messages (IKE_SA_INIT,
 * INVALID_IKE_SPI) always count. */
static bool run_other_sa(struct run_ctx *c, const struct ike_rx *rx)
{
	if (rx->response || !rx->has_sk)
		return false;
	if (memcmp(rx->spi_i, c->sa->spi_i, IKE_SPI_LEN) == 0 &&
	    memcmp(rx->spi_r, c->sa->spi_r, IKE_SPI_LEN) == 0)
		return false;
	return true;
}

/* The addresses a received message travelled between (natd.* matchers):
 * its source as read, and our address and port where it arrived. */
static void run_note_endpoints(struct run_ctx *c, const struct net_packet *pkt)
{
	c->rx_src = pkt->src;
	c->rx_dst = c->cfg.local;
	c->rx_dst.port = net_local_port(c->net, pkt->port);
}

/* Waits for the next IKE message that is not a retransmission of one
 * already matched. 1 got (in c->rx), 0 none before the deadline. */
static int run_next_message(struct run_ctx *c, uint64_t deadline,
    uint64_t *ts, struct err *e)
{
	struct net_packet pkt;
	struct ike_rx rx;
	int rc;

	for (;;) {
		rc = run_recv_ike(c, deadline, &pkt, e);
		if (rc <= 0)
			return rc;
		memset(&rx, 0, sizeof(rx));
		if (ike_rx_decode(c->sa, pkt.data, pkt.len, false, &rx, e) < 0)
			return -1;
		if (run_seen(c, &rx)) {
			ike_rx_free(&rx);
			continue;
		}
		/* Waiting for the answer to our request, a request the IUT
		 * starts on the same SA (a CHILD SA rekey after a NAT
		 * rebinding ...) is its right (RFC 7296 2.3) and not the
		 * answer: passed over, unanswered. */
		if (c->want_response && !rx.response && rx.has_sk &&
		    c->sa != NULL && c->sa->state == IKE_S_ESTABLISHED &&
		    memcmp(rx.spi_i, c->sa->spi_i, IKE_SPI_LEN) == 0) {
			run_diag(c, "passed over: the IUT's own %s request (message ID %u)",
			    names_get(NAMES_T_EXCHANGE, rx.exchange),
			    (unsigned)rx.message_id);
			ike_rx_free(&rx);
			continue;
		}
		if (run_other_sa(c, &rx)) {
			run_diag(c, "passed over: a %s request of another IKE SA (SPIi 0x%016llx)",
			    names_get(NAMES_T_EXCHANGE, rx.exchange),
			    (unsigned long long)ike_spi_u64(rx.spi_i));
			ike_rx_free(&rx);
			continue;
		}
		if (rx.exchange == EXCH_IKE_SA_INIT && !rx.response)
			c->init_tried = true;	/* the IUT initiates */
		ike_rx_free(&c->rx);
		c->rx = rx;
		c->have_rx = true;
		c->rx_answered = false;
		*ts = pkt.ts_us;
		run_note_endpoints(c, &pkt);
		return 1;
	}
}

/* "COOKIE" in a text, in any case. */
static bool run_has_cookie(const char *s)
{
	for (; *s != '\0'; s++)
		if (strncasecmp(s, "COOKIE", 6) == 0)
			return true;
	return false;
}

/* Whether the matchers name N(COOKIE) anywhere (presence, absence, a
 * path, inside either): then the script deals with cookies itself. */
static bool run_names_cookie(const struct script_matcher *m)
{
	const struct script_group *g;
	const struct script_value *v;

	for (; m != NULL; m = m->next) {
		if (m->path != NULL && run_has_cookie(m->path))
			return true;
		if (m->payload != NULL && m->payload->type == PL_N &&
		    m->payload->args != NULL && m->payload->args->key == NULL)
			for (v = m->payload->args->values; v != NULL; v = v->next)
				if (v->text != NULL && run_has_cookie(v->text))
					return true;
		for (g = m->groups; g != NULL; g = g->next)
			if (run_names_cookie(g->matchers))
				return true;
	}
	return false;
}

/* RFC 7296 2.6: a responder may answer any IKE_SA_INIT request with
 * N(COOKIE) (strongSwan does above its half-open threshold, which a suite
 * run reaches), and the initiator then "MUST retry the IKE_SA_INIT with a
 * Notify payload of type COOKIE ... as the first payload and all other
 * payloads unchanged". Unless the script deals with cookies itself, the
 * interpreter does that retry for the request the COOKIE answers (by its
 * SPIi: a script may have several requests out), once per request, so
 * that the expectation is checked against the answer to the request the
 * script wrote. 1 retried, 0 not applicable, -1 the retry could not be
 * sent (text in *e). */
static int run_follow_cookie(struct run_ctx *c, const struct script_expect *x,
    struct err *e)
{
	const struct codec_node *n = ike_rx_notify(&c->rx, N_COOKIE);
	const struct bytes *d;
	struct codec_node *hdr = NULL, *cn;
	struct bytes out = BYTES_EMPTY;
	uint64_t spi = 0;
	size_t i;

	if (n == NULL || c->rx.exchange != EXCH_IKE_SA_INIT || !c->rx.response ||
	    ike_rx_find(&c->rx, PL_SA, 1) != NULL ||
	    (!x->any && x->exchange != EXCH_IKE_SA_INIT) ||
	    run_names_cookie(x->matchers))
		return 0;
	spi = ike_spi_u64(c->rx.spi_i);
	for (i = c->ninit; i > 0 && hdr == NULL; i--)
		if (ike_get(c->init_reqs[i - 1], "spi_i") == spi)
			hdr = c->init_reqs[i - 1];
	if (hdr == NULL)
		return 0;
	for (i = 0; i < hdr->nkids; i++)
		if (hdr->kids[i]->ptype == PL_N &&
		    ike_get(hdr->kids[i], "notify_type") == N_COOKIE)
			return 0;	/* the request had one: no loop */
	d = ike_get_data(n, "data");
	cn = ike_notify_add(hdr, 0, NULL, 0, N_COOKIE, d->data, d->len);
	if (cn == NULL)
		return err_set(e, "out of memory");
	cn = codec_remove(hdr, hdr->nkids - 1);
	if (cn == NULL || codec_insert(hdr, 0, cn) < 0) {
		codec_node_free(cn);
		return err_set(e, "out of memory");
	}
	run_diag(c, "the IUT demanded a COOKIE: request of SPIi 0x%016llx sent again with N(COOKIE) first (RFC 7296 2.6)",
	    (unsigned long long)spi);
	run_remember(c, &c->rx.raw);
	if (codec_encode(hdr, &out, e) < 0 ||
	    run_send_bytes(c, out.data, out.len, e) < 0) {
		bytes_free(&out);
		return -1;
	}
	run_retx_arm(c);
	/* the AUTH of the SA to come signs the request that was answered */
	if (c->sa->initiator && ike_spi_u64(c->sa->spi_i) == spi) {
		(void)bytes_copy(&c->sa->init_req, &out);
		(void)bytes_copy(&c->sa->last_req, &out);
	}
	bytes_free(&out);
	return 1;
}

/* The message an expect waits for, within hi of *base, COOKIE demands
 * followed (*base moves to each retry); when the window ends with
 * nothing, no request is retransmitted any more. 1, 0 or -1. */
static int run_receive(struct run_ctx *c, const struct script_expect *x,
    uint64_t hi, uint64_t *base, uint64_t *ts, struct err *e)
{
	unsigned follows;
	int rc = run_next_message(c, *base + hi, ts, e);

	/* bounded: each kept request is retried once at most */
	for (follows = 0; rc == 1 && follows <= RUN_INIT_REQS; follows++) {
		int f = run_follow_cookie(c, x, e);

		if (f <= 0) {
			rc = f < 0 ? -1 : 1;
			break;
		}
		*base = c->last_event_us;
		rc = run_next_message(c, *base + hi, ts, e);
	}
	if (rc == 0)
		run_retx_stop(c);	/* the window is over */
	return rc;
}

int run_expect(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_expect *x = &ev->u.expect;
	struct run_check k;
	struct codec_node *view;
	uint64_t lo, hi, ts = 0, base = c->last_event_us;
	char when[32], got[32];
	struct err e;
	int rc;

	run_window(&x->timing, &lo, &hi);
	run_check_begin(c, &k, ev->pos.line, "expect %s %s",
	    x->any ? "any" : names_get(NAMES_T_EXCHANGE, x->exchange),
	    run_dir_name(x->dir));
	c->want_response = x->dir == SCRIPT_DIR_RESPONSE;
	rc = run_receive(c, x, hi, &base, &ts, &e);
	if (rc == 0 && x->or_silence) {
		/* the RFC lets the IUT drop the request: silence passes */
		c->req_dropped = c->want_response;
		script_format_duration(hi, when, sizeof(when));
		run_diag(c, "line %d: nothing within %s (or silence: allowed)",
		    ev->pos.line, when);
		c->last_event_us = net_now_us();
		run_check_end(c, &k);
		return 0;
	}
	if (rc <= 0) {
		script_format_duration(hi, when, sizeof(when));
		run_check_fail(&k, rc < 0 ? "receive: %s" : "expected a message within %s, actual nothing",
		    rc < 0 ? e.text : when);
		run_check_end(c, &k);
		return 0;
	}
	c->last_event_us = ts;
	run_check_message(&k, &c->rx);
	if (!x->any && c->rx.exchange != x->exchange)
		run_check_fail(&k, "field hdr.exchange_type: expected %s vs actual %s",
		    names_get(NAMES_T_EXCHANGE, x->exchange),
		    names_get(NAMES_T_EXCHANGE, c->rx.exchange));
	if (x->dir != SCRIPT_DIR_ANY &&
	    c->rx.response != (x->dir == SCRIPT_DIR_RESPONSE))
		run_check_fail(&k, "field hdr.flags.response: expected %d vs actual %d",
		    x->dir == SCRIPT_DIR_RESPONSE, c->rx.response);
	if (ts - base < lo) {
		script_format_duration(lo, when, sizeof(when));
		script_format_duration(ts - base, got, sizeof(got));
		run_check_fail(&k, "timing: expected no earlier than %s vs actual %s",
		    when, got);
	}
	if (c->rx.has_sk && !c->rx.sk_ok && c->sa->keys_ready)
		run_check_fail(&k, "SK: expected to decrypt, actual: %s",
		    c->rx.sk_error);
	view = run_view(c->rx.hdr, c->rx.sk_ok ? c->rx.inner : NULL);
	if (view == NULL)
		return run_script_error(c, ev->pos.line, "out of memory");
	if (k.ok)	/* matchers on the wrong message only add noise */
		run_match_all(c, x->matchers, view, &c->rx, &k);
	codec_node_free(view);
	if (c->bad_script) {
		bytes_free(&k.diag);
		bytes_free(&k.message);
		return -1;
	}
	if (k.ok)
		run_remember(c, &c->rx.raw);
	run_process(c);
	run_evidence_collect(c);
	run_check_end(c, &k);
	run_rules_line(c, ev->pos.line);
	return 0;
}

/* The message ID of an IKE request in p, or -1 for a response or a
 * datagram too short for the header. */
static int64_t run_request_id(const uint8_t *p, size_t len)
{
	enum { HDR = 28, FLAGS = 19, MSGID = 20, RESPONSE = 0x20 };

	if (len < HDR || (p[FLAGS] & RESPONSE) != 0)
		return -1;
	return (int64_t)((uint32_t)p[MSGID] << 24 | (uint32_t)p[MSGID + 1] << 16 |
	    (uint32_t)p[MSGID + 2] << 8 | p[MSGID + 3]);
}

/* The highest message ID of the IUT's requests seen so far, or -1. */
static int64_t run_last_request_id(const struct run_ctx *c)
{
	int64_t last = -1, id;
	size_t i;

	for (i = 0; i < c->nseen; i++)
		if ((id = run_request_id(c->seen[i].data, c->seen[i].len)) > last)
			last = id;
	return last;
}

int run_silence(struct run_ctx *c, const struct script_event *ev)
{
	struct run_check k;
	struct ike_rx rx;
	struct net_packet pkt;
	struct err e;
	uint64_t deadline = net_now_us() + ev->u.silence.duration;
	bool except = ev->u.silence.except_new_requests;
	/* With `except new requests', requests above the IUT's last message
	 * ID (new ones, and their own retransmissions, RFC 7296 2.1) pass;
	 * a retransmission of an earlier request, or anything else, fails. */
	int64_t last_id = run_last_request_id(c);
	char d[32];
	int rc;

	run_retx_stop(c);	/* silence: what was sent is not answered */
	script_format_duration(ev->u.silence.duration, d, sizeof(d));
	run_check_begin(c, &k, ev->pos.line, "expect silence for %s%s", d,
	    except ? " except new requests" : "");
	for (;;) {
		rc = net_recv(c->net, deadline, &pkt, &e);
		if (rc == 1 && pkt.keepalive)
			continue;	/* RFC 3948 2.3: not a message */
		if (rc <= 0 || pkt.esp || pkt.ah)
			break;
		/* A request of another IKE SA (one an earlier test left at the
		 * IUT) says nothing of this one: passed over, as expect does. */
		memset(&rx, 0, sizeof(rx));
		if (ike_rx_decode(c->sa, pkt.data, pkt.len, false, &rx, &e) == 0 &&
		    run_other_sa(c, &rx)) {
			run_diag(c, "passed over: a %s request of another IKE SA (SPIi 0x%016llx)",
			    names_get(NAMES_T_EXCHANGE, rx.exchange),
			    (unsigned long long)ike_spi_u64(rx.spi_i));
			ike_rx_free(&rx);
			continue;
		}
		ike_rx_free(&rx);
		if (!except || run_request_id(pkt.data, pkt.len) <= last_id)
			break;
		run_diag(c, "line %d: a new request of the IUT (message ID %lld) let through",
		    ev->pos.line, (long long)run_request_id(pkt.data, pkt.len));
	}
	if (rc < 0) {
		run_check_fail(&k, "receive: %s", e.text);
	} else if (rc == 1) {
		run_check_fail(&k, "expected nothing, actual a %s of %zu bytes after %llu us",
		    pkt.esp ? "ESP packet" : pkt.ah ? "AH packet" :
		    except ? "retransmission or response" : "message",
		    pkt.len,
		    (unsigned long long)(pkt.ts_us - (deadline - ev->u.silence.duration)));
		memset(&rx, 0, sizeof(rx));
		if (!pkt.esp && !pkt.ah && ike_rx_decode(c->sa, pkt.data,
		    pkt.len, false, &rx, &e) == 0)
			run_check_message(&k, &rx);
		ike_rx_free(&rx);
	}
	run_check_end(c, &k);
	return 0;
}

/* ----------------------------------------------------- retransmissions */

static uint64_t run_tolerance(const struct script_timing *t, uint64_t gap)
{
	uint64_t tol;

	switch (t->kind) {
	case SCRIPT_T_PERCENT:
		return gap / 10000 * t->pct_x100;
	case SCRIPT_T_ABS:
		return t->tol;
	case SCRIPT_T_NONE:
	case SCRIPT_T_WITHIN:
	case SCRIPT_T_AFTER:
	case SCRIPT_T_RANGE:
		break;
	}
	/* no tolerance given: max(50 ms, 10% of the gap) */
	tol = gap / 10000 * RUN_DEFAULT_TOL_PCT_X100;
	return tol < RUN_DEFAULT_TOL_MIN_US ? RUN_DEFAULT_TOL_MIN_US : tol;
}

/* One retransmission, gap after prev, byte for byte. */
static void run_one_retransmit(struct run_ctx *c, const struct run_var *v,
    uint64_t gap, uint64_t tol, unsigned k_no, int line, uint64_t *prev)
{
	struct run_check k;
	struct net_packet pkt;
	struct err e;
	char g[32], got[32];
	int rc;

	script_format_duration(gap, g, sizeof(g));
	run_check_begin(c, &k, line, "retransmission %u of $%s after %s",
	    k_no, v->name, g);
	for (;;) {
		rc = net_recv(c->net, *prev + gap + tol, &pkt, &e);
		if (rc <= 0 || !(pkt.esp || pkt.ah || pkt.keepalive))
			break;
	}
	if (rc <= 0) {
		run_check_fail(&k, rc < 0 ? "receive: %s" :
		    "expected the same bytes again within %s, actual nothing",
		    rc < 0 ? e.text : g);
		run_check_end(c, &k);
		*prev += gap;
		return;
	}
	if (pkt.len != v->data.len || memcmp(pkt.data, v->data.data, pkt.len) != 0)
		run_check_fail(&k, "expected the same bytes as $%s (%zu), actual a different message of %zu bytes",
		    v->name, v->data.len, pkt.len);
	k.timed = true;
	k.expected_us = gap;
	k.measured_us = pkt.ts_us - *prev;
	if (pkt.ts_us - *prev + tol < gap) {
		script_format_duration(pkt.ts_us - *prev, got, sizeof(got));
		run_check_fail(&k, "timing: expected %s ± %llu us vs actual %s",
		    g, (unsigned long long)tol, got);
	}
	*prev = pkt.ts_us;
	c->last_event_us = pkt.ts_us;
	run_check_end(c, &k);
}

int run_retransmits(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_retransmits *r = &ev->u.retransmits;
	const struct run_var *v = run_var_find(c, r->var);
	uint64_t gaps[32], prev = c->last_event_us, tol;
	size_t n, i;
	int got;

	if (v == NULL || !v->is_msg)
		return run_script_error(c, ev->pos.line,
		    "retransmissions of $%s: not a captured message", r->var);
	if (r->per_profile) {
		got = profile_get_numbers(c->prof, "timers", "retransmit", gaps, 32);
		if (got <= 0)
			return run_script_error(c, ev->pos.line,
			    "the profile has no [timers] retransmit");
		n = (size_t)got;
	} else {
		n = r->ngaps < 32 ? r->ngaps : 32;
		memcpy(gaps, r->gaps, n * sizeof(gaps[0]));
	}
	for (i = 0; i < n; i++) {
		tol = run_tolerance(&r->tolerance, gaps[i]);
		run_one_retransmit(c, v, gaps[i], tol, (unsigned)i + 1,
		    ev->pos.line, &prev);
	}
	/* then no more of the same bytes for the last gap */
	if (n > 0) {
		struct run_check k;
		struct net_packet pkt;
		struct err e;
		uint64_t end = prev + gaps[n - 1] + run_tolerance(&r->tolerance,
		    gaps[n - 1]);

		run_check_begin(c, &k, ev->pos.line,
		    "no retransmission of $%s after the last one", v->name);
		while ((got = net_recv(c->net, end, &pkt, &e)) == 1)
			if (!pkt.esp && pkt.len == v->data.len &&
			    memcmp(pkt.data, v->data.data, pkt.len) == 0)
				run_check_fail(&k, "expected no more, actual one more retransmission");
		if (got < 0)
			run_check_fail(&k, "receive: %s", e.text);
		run_check_end(c, &k);
	}
	return 0;
}
