/* observe: the passive observer of an interop cell's capture (observe.h).
 * Each message is judged once per distinct byte string: a retransmission
 * is recognised (same message ID, same bytes) and counted, never judged
 * again. */
#include "observe.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "codec.h"
#include "err.h"
#include "evidence.h"
#include "ike.h"
#include "names.h"
#include "pcapfile.h"
#include "rules.h"

/* One request of one side, and what answered it. */
struct obs_req {
	uint32_t id;
	unsigned exchange;
	uint64_t hash, resp_hash;
	bool answered;
};

/* The requests one endpoint of an IKE SA sent. */
struct obs_side {
	struct obs_req *req;
	size_t n, cap;
	uint32_t next;		/* the next new request's ID */
	bool any;
};

struct obs_sa {
	uint8_t spi_i[IKE_SPI_LEN], spi_r[IKE_SPI_LEN];
	struct addr initiator;		/* sent the first IKE_SA_INIT request */
	struct codec_node *init_req;	/* its newest IKE_SA_INIT request */
	struct obs_side side[2];	/* [0] original initiator, [1] responder */
	bool have_suite;		/* the IKE_SA_INIT response's choice */
	struct crypto_ike_suite suite;
	int key;			/* the key set SK decrypts with; -1 */
	/* The newest IKE SA rekey request seen inside SK (RFC 7296 1.3.2):
	 * its IKE proposals and who sent it, until a response picks one. */
	struct ike_proposal rekey[IKE_PROPOSAL_MAX];
	size_t nrekey;
	struct addr rekey_from;
};

enum { OBS_LOST_MAX = 16 };

struct obs {
	struct observe_result *res;
	const struct evidence_keysets *keys;	/* NULL: none */
	struct evidence *ev;		/* bound key sets go here; NULL */
	struct ike_sa *view;		/* an SA to decrypt with (ike_rx_decode) */
	struct obs_sa *sa;
	size_t nsa, cap;
	const struct pcapfile_frame *f;
	char sender[64];
	/* Datagrams the capture holds only as IP fragments (not
	 * reassembled), per sender: each excuses one message ID that
	 * otherwise looks skipped or unanswered. */
	struct addr lost[OBS_LOST_MAX];
	unsigned nlost[OBS_LOST_MAX];
	bool prev_frag;
	struct addr prev_src;
};

/* One more unseen datagram of src (consecutive fragments of one sender
 * are one datagram). */
static void obs_lost_add(struct obs *o, const struct addr *src)
{
	size_t i;

	if (o->prev_frag && addr_equal(&o->prev_src, src))
		return;
	for (i = 0; i < OBS_LOST_MAX && o->nlost[i] > 0; i++)
		if (addr_equal(&o->lost[i], src))
			break;
	if (i == OBS_LOST_MAX)
		return;
	o->lost[i] = *src;
	o->nlost[i]++;
}

/* Whether an unseen datagram of src explains a gap; takes it. */
static bool obs_lost_take(struct obs *o, const struct addr *src)
{
	size_t i;

	for (i = 0; i < OBS_LOST_MAX && o->nlost[i] > 0; i++)
		if (addr_equal(&o->lost[i], src)) {
			o->nlost[i]--;
			return true;
		}
	return false;
}

static uint64_t obs_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void obs_finding(struct obs *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void obs_finding(struct obs *o, const char *fmt, ...)
{
	struct observe_result *r = o->res;
	struct observe_finding *l, *x;
	va_list ap;

	l = realloc(r->findings, (r->nfindings + 1) * sizeof(*l));
	if (l == NULL)
		return;	/* a finding lost to memory, not a crash */
	r->findings = l;
	x = &l[r->nfindings++];
	x->frame = o->f->number;
	snprintf(x->sender, sizeof(x->sender), "%s", o->sender);
	va_start(ap, fmt);
	vsnprintf(x->text, sizeof(x->text), fmt, ap);
	va_end(ap);
}

static void obs_report(struct obs *o, const struct rules_report *rep,
    const char *what)
{
	size_t i;

	for (i = 0; i < rep->count; i++)
		obs_finding(o, "%s%s", what, rep->text[i]);
}

/* A new IKE SA of SPIi spi_i whose original initiator is at initiator;
 * NULL when memory runs out. */
static struct obs_sa *obs_sa_new(struct obs *o, const uint8_t *spi_i,
    const struct addr *initiator)
{
	struct obs_sa *l;

	if (o->nsa == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 8;

		if ((l = realloc(o->sa, cap * sizeof(*l))) == NULL)
			return NULL;
		o->sa = l;
		o->cap = cap;
	}
	l = &o->sa[o->nsa++];
	memset(l, 0, sizeof(*l));
	l->key = -1;
	memcpy(l->spi_i, spi_i, IKE_SPI_LEN);
	l->initiator = *initiator;
	o->res->sas++;
	return l;
}

/* The IKE SA of a message: by SPIi; a new one for an IKE_SA_INIT request
 * with an SPIi not seen. NULL when unknown (capture began late, or the
 * rekey that made it was not decrypted). */
static struct obs_sa *obs_sa_of(struct obs *o, const struct ike_rx *rx)
{
	size_t i;

	for (i = 0; i < o->nsa; i++)
		if (memcmp(o->sa[i].spi_i, rx->spi_i, IKE_SPI_LEN) == 0)
			return &o->sa[i];
	if (rx->exchange != EXCH_IKE_SA_INIT || rx->response)
		return NULL;
	return obs_sa_new(o, rx->spi_i, &o->f->src);
}

static struct obs_req *obs_req_find(struct obs_side *s, uint32_t id)
{
	size_t i;

	for (i = s->n; i > 0; i--)
		if (s->req[i - 1].id == id)
			return &s->req[i - 1];
	return NULL;
}

static struct obs_req *obs_req_add(struct obs_side *s, uint32_t id,
    unsigned exchange, uint64_t h)
{
	struct obs_req *l;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;

		if ((l = realloc(s->req, cap * sizeof(*l))) == NULL)
			return NULL;
		s->req = l;
		s->cap = cap;
	}
	l = &s->req[s->n++];
	*l = (struct obs_req){ id, exchange, h, 0, false };
	return l;
}

static const char *obs_exch(unsigned x)
{
	return names_get(NAMES_T_EXCHANGE, x);
}

/* A request of side s (RFC 7296 2.2: IDs count up by one from 0 per
 * sender; 2.1: a retransmission is the same request again). Returns
 * whether it is a retransmission. */
static bool obs_request(struct obs *o, struct obs_side *s,
    const struct ike_rx *rx, uint64_t h)
{
	struct obs_req *q = obs_req_find(s, rx->message_id);
	uint32_t want = s->any ? s->next : 0;

	if (q != NULL && q->hash == h)
		return true;
	if (q != NULL && rx->exchange == EXCH_IKE_SA_INIT && q->id == 0) {
		/* 2.6 COOKIE, 1.2 INVALID_KE_PAYLOAD: a new request, ID 0 */
		q->hash = h;
		q->answered = false;
		return false;
	}
	if (q != NULL)
		obs_finding(o, "RFC 7296 2.1, 2.2: %s request with message ID %u, "
		    "which this sender already used for a different %s request "
		    "(a retransmission is the same message; a new request takes "
		    "the next ID)", obs_exch(rx->exchange), (unsigned)rx->message_id,
		    obs_exch(q->exchange));
	else if (rx->message_id != want &&
	    !(rx->message_id > want && obs_lost_take(o, &o->f->src)))
		obs_finding(o, "RFC 7296 2.2: %s request with message ID %u "
		    "where this sender's next one is %u (each request takes the "
		    "next ID, from 0)", obs_exch(rx->exchange),
		    (unsigned)rx->message_id, (unsigned)want);
	if (q == NULL)
		(void)obs_req_add(s, rx->message_id, rx->exchange, h);
	if (!s->any || rx->message_id >= s->next)
		s->next = rx->message_id + 1;
	s->any = true;
	return false;
}

/* A response to a request of side s (the other endpoint's). */
static bool obs_response(struct obs *o, struct obs_side *s,
    const struct ike_rx *rx, uint64_t h)
{
	struct obs_req *q = obs_req_find(s, rx->message_id);

	if (q == NULL && s->any && obs_lost_take(o, &o->f->dst)) {
		/* its request went by in fragments */
		if ((q = obs_req_add(s, rx->message_id, rx->exchange, 0)) == NULL)
			return false;
		if (rx->message_id >= s->next)
			s->next = rx->message_id + 1;
	}
	if (q == NULL) {
		if (s->any)
			obs_finding(o, "RFC 7296 2.2: %s response with message ID "
			    "%u, which answers no request seen (the peer's "
			    "requests went up to %u)", obs_exch(rx->exchange),
			    (unsigned)rx->message_id, (unsigned)s->next - 1);
		return false;
	}
	if (q->exchange != rx->exchange)
		obs_finding(o, "RFC 7296 1.2, 2.2: %s response to the %s request "
		    "with message ID %u (a response belongs to its request's "
		    "exchange)", obs_exch(rx->exchange), obs_exch(q->exchange),
		    (unsigned)rx->message_id);
	if (q->answered && q->resp_hash == h)
		return true;
	if (q->answered)
		obs_finding(o, "RFC 7296 2.1: a second, different response to "
		    "the %s request with message ID %u (a retransmitted request "
		    "is answered with the same response)", obs_exch(q->exchange),
		    (unsigned)rx->message_id);
	q->answered = true;
	q->resp_hash = h;
	return false;
}

/* The IKE SA's SPIr and suite from the proposal its IKE_SA_INIT response
 * accepts (RFC 7296 3.3.6: one proposal, one transform per type): what SK
 * is decrypted with. */
static void obs_learn_suite(struct obs_sa *sa, const struct ike_rx *rx)
{
	struct ike_proposal p[IKE_PROPOSAL_MAX];
	size_t n = 0;
	struct err e;

	if (ike_proposals_read(codec_find_payload(rx->hdr, PL_SA, 1), p,
	    IKE_PROPOSAL_MAX, &n, &e) < 0 || n != 1)
		return;
	ike_suite_of(&p[0], &sa->suite);
	memcpy(sa->spi_r, rx->spi_r, IKE_SPI_LEN);
	sa->have_suite = true;
	sa->key = -1;	/* a COOKIE or INVALID_KE retry: new keys */
}

/* Decrypts rx's SK with key set k of sa, as sent by the original
 * initiator when from_orig; *out holds the result (sk_ok: the ICV
 * verified). -1 only when memory runs out. */
static int obs_decrypt(struct obs *o, const struct obs_sa *sa, size_t k,
    bool from_orig, const struct pcapfile_frame *f, struct ike_rx *out,
    struct err *e)
{
	struct ike_sa *v = o->view;
	int rc;

	v->suite = sa->suite;
	v->keys = o->keys->k[k];	/* borrowed: taken back below */
	v->keys_ready = true;
	v->initiator = !from_orig;	/* "we" receive from the sender */
	rc = ike_rx_decode(v, f->msg, f->len, false, out, e);
	memset(&v->keys, 0, sizeof(v->keys));
	v->keys_ready = false;
	return rc;
}

/* RFC 7296 3.14 from the observer's seat: SK opened with the keys an end
 * gave (evidence.h: key sets). The first set whose ICV verifies is the
 * IKE SA's from then on (and goes to the Wireshark table); a message
 * that then fails its ICV is a finding. rx becomes the decrypted
 * message. Counts what was and was not decrypted. */
static int obs_open_sk(struct obs *o, struct obs_sa *sa, int orig,
    const struct pcapfile_frame *f, struct ike_rx *rx)
{
	struct ike_rx d;
	struct err e;
	char why[ERR_TEXT_MAX];
	size_t k, first, last;

	if (!rx->has_sk)
		return 0;
	if (o->keys == NULL || o->keys->n == 0 || sa == NULL ||
	    !sa->have_suite || orig < 0) {
		o->res->undecrypted++;
		return 0;
	}
	first = sa->key >= 0 ? (size_t)sa->key : 0;
	last = sa->key >= 0 ? first + 1 : o->keys->n;
	why[0] = '\0';
	for (k = first; k < last; k++) {
		if (obs_decrypt(o, sa, k, orig == 1, f, &d, &e) < 0)
			return -1;
		if (d.sk_ok)
			break;
		snprintf(why, sizeof(why), "%s", d.sk_error);
		ike_rx_free(&d);
	}
	if (k == last) {
		o->res->undecrypted++;
		if (sa->key >= 0)
			obs_finding(o, "RFC 7296 3.14: the SK payload does not "
			    "verify with the keys of this IKE SA (%s)", why);
		return 0;
	}
	if (sa->key < 0) {
		sa->key = (int)k;
		if (o->ev && evidence_add_ike(o->ev, sa->spi_i, sa->spi_r,
		    &sa->suite, &o->keys->k[k], &e) < 0)
			obs_finding(o, "observer: key table: %s", e.text);
	}
	o->res->decrypted++;
	ike_rx_free(rx);
	*rx = d;
	return 0;
}

/* An IKE SA rekey seen inside SK (RFC 7296 1.3.2, 2.18): the request's
 * IKE proposals are kept; the response's one proposal names the new IKE
 * SA: SPIi from the request's proposal of that number, SPIr from the
 * response's, the suite from its transforms, and the rekey's initiator as
 * its original initiator. Its SK is then opened with the key sets like
 * any other IKE SA's. */
static void obs_learn_rekey(struct obs *o, struct obs_sa *sa,
    const struct ike_rx *rx)
{
	struct ike_proposal p[IKE_PROPOSAL_MAX];
	struct obs_sa *n;
	size_t np = 0, i;
	struct err e;

	if (rx->inner == NULL || rx->exchange != EXCH_CREATE_CHILD_SA ||
	    ike_proposals_read(ike_rx_find(rx, PL_SA, 1), p, IKE_PROPOSAL_MAX,
	    &np, &e) < 0 || np == 0 || p[0].protocol != PROTO_IKE)
		return;
	if (!rx->response) {
		memcpy(sa->rekey, p, np * sizeof(p[0]));
		sa->nrekey = np;
		sa->rekey_from = o->f->src;
		return;
	}
	if (np != 1 || p[0].spi_len != IKE_SPI_LEN)
		return;
	for (i = 0; i < sa->nrekey; i++)
		if (sa->rekey[i].number == p[0].number &&
		    sa->rekey[i].spi_len == IKE_SPI_LEN)
			break;
	if (i == sa->nrekey)
		return;
	/* sa may move when the list grows: copy what is needed first */
	{
		uint8_t spi_i[IKE_SPI_LEN];
		struct addr from = sa->rekey_from;

		memcpy(spi_i, sa->rekey[i].spi, IKE_SPI_LEN);
		sa->nrekey = 0;
		if ((n = obs_sa_new(o, spi_i, &from)) == NULL)
			return;
	}
	memcpy(n->spi_r, p[0].spi, IKE_SPI_LEN);
	ike_suite_of(&p[0], &n->suite);
	n->have_suite = true;
}

/* The sender rules and payload sets outside SK, and the proposal an
 * IKE_SA_INIT response accepts against the request's offer. */
static void obs_rules(struct obs *o, struct obs_sa *sa, const struct ike_rx *rx,
    int orig)
{
	struct rules_report rep;

	memset(&rep, 0, sizeof(rep));
	rules_sender_message(rx->hdr, &rx->pr, orig, &rep);
	obs_report(o, &rep, "");
	if (rx->inner != NULL) {	/* decrypted: SK's payloads too */
		memset(&rep, 0, sizeof(rep));
		rules_sender_chain(rx->exchange, rx->response, rx->inner,
		    &rx->inner_pr, &rep);
		obs_report(o, &rep, "inside SK: ");
	}
	memset(&rep, 0, sizeof(rep));
	if (rules_check(rx->exchange, rx->response, rx->hdr, rx->inner, &rep) ==
	    RULES_VIOLATES)
		obs_report(o, &rep, rx->inner ? "inside SK: " : "");
	if (sa != NULL)
		obs_learn_rekey(o, sa, rx);
	if (sa == NULL || rx->exchange != EXCH_IKE_SA_INIT)
		return;
	if (!rx->response) {
		codec_node_free(sa->init_req);
		sa->init_req = codec_node_clone(rx->hdr);
		return;
	}
	if (codec_find_payload(rx->hdr, PL_SA, 1) == NULL)
		return;
	memset(&rep, 0, sizeof(rep));
	rules_sender_chosen(codec_find_payload(rx->hdr, PL_SA, 1),
	    sa->init_req ? codec_find_payload(sa->init_req, PL_SA, 1) : NULL,
	    false, &rep);
	obs_report(o, &rep, "");
	obs_learn_suite(sa, rx);
}

static int obs_message(struct obs *o, const struct pcapfile_frame *f)
{
	struct ike_rx rx;
	struct obs_sa *sa;
	struct err e;
	uint64_t h = obs_hash(f->msg, f->len);
	int orig = -1, side;
	bool again = false, skf;

	if (ike_rx_decode(NULL, f->msg, f->len, false, &rx, &e) < 0)
		return -1;
	o->res->messages++;
	/* RFC 7383 2.5: the fragments of one message share its message ID
	 * and differ in content: for the pairing they are one message (a
	 * retransmission of them is not told apart from the fragments) */
	skf = codec_find_payload(rx.hdr, PL_SKF, 1) != NULL;
	if (skf) {
		uint8_t id[5] = { PL_SKF, (uint8_t)(rx.message_id >> 24),
			(uint8_t)(rx.message_id >> 16), (uint8_t)(rx.message_id >> 8),
			(uint8_t)rx.message_id };

		h = obs_hash(id, sizeof(id));
		o->res->fragments++;
	}
	sa = obs_sa_of(o, &rx);
	if (sa != NULL) {
		/* by address only: NAT-T moves the ports (RFC 7296 2.23) */
		orig = addr_equal(&f->src, &sa->initiator) ? 1 : 0;
		side = rx.response ? !orig : orig;
		again = rx.response ? obs_response(o, &sa->side[side], &rx, h) :
		    obs_request(o, &sa->side[side], &rx, h);
	}
	if (again && !skf)
		o->res->retransmits++;
	if ((!again || skf) && obs_open_sk(o, sa, orig, f, &rx) < 0) {
		ike_rx_free(&rx);
		return -1;
	}
	if (!again || skf)
		obs_rules(o, sa, &rx, orig);
	ike_rx_free(&rx);
	return 0;
}

int observe_pcap(const char *path, const struct evidence_keysets *keys,
    struct evidence *ev, struct observe_result *out, struct err *e)
{
	struct pcapfile_reader *r;
	struct pcapfile_frame f;
	struct obs o;
	size_t i, k;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&o, 0, sizeof(o));
	o.res = out;
	o.f = &f;
	o.keys = keys;
	o.ev = ev;
	if (keys != NULL && (o.view = ike_sa_new(false, e)) == NULL)
		return -1;
	if (pcapfile_open(&r, path, e) < 0) {
		ike_sa_free(o.view);
		return -1;
	}
	while ((rc = pcapfile_next(r, &f, e)) == 1) {
		out->frames++;
		if (f.kind != PCAPFILE_IKE) {
			out->undecoded += !pcapfile_kind_ignored(f.kind);
			if (f.kind == PCAPFILE_FRAGMENT)
				obs_lost_add(&o, &f.src);
			o.prev_frag = f.kind == PCAPFILE_FRAGMENT;
			o.prev_src = f.src;
			continue;
		}
		o.prev_frag = false;
		addr_format_port(&f.src, o.sender);
		if (obs_message(&o, &f) < 0) {
			rc = err_set(e, "%s: frame %llu: out of memory", path,
			    (unsigned long long)f.number);
			break;
		}
	}
	pcapfile_free(r);
	for (i = 0; i < o.nsa; i++) {
		codec_node_free(o.sa[i].init_req);
		for (k = 0; k < 2; k++)
			free(o.sa[i].side[k].req);
	}
	free(o.sa);
	ike_sa_free(o.view);
	return rc < 0 ? -1 : 0;
}

void observe_result_free(struct observe_result *r)
{
	free(r->findings);
	r->findings = NULL;
	r->nfindings = 0;
}
