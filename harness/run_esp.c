/* run_esp: the traffic events of a script. Inner packets (inet) go
 * through the CHILD SAs the script negotiated, protected by ESP (RFC
 * 4303) or AH (RFC 4302) with the keys the harness holds, over UDP 4500
 * (RFC 3948) or raw IP; what comes back is decapsulated and checked
 * twice: against the script (the inner packet it expects) and against
 * the RFC rules a sender obeys, whatever the script says:
 *
 *   - RFC 4303 3.3.3: the first packet of an SA has sequence number 1 and
 *     each next one the one before plus one (the lab loses no packet);
 *   - RFC 4303 2.4: the padding is 1, 2, 3 ...;
 *   - RFC 4303 3.4.4 / RFC 4302 3.4.3: the ICV verifies;
 *   - RFC 4301 5.2: the inner packet lies within the CHILD SA's traffic
 *     selectors (the IUT may only send what the SA covers).
 *
 * The NAT events (simulated rebinding, keepalives) and `iut counters'
 * live here too: they are about the same traffic. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ah.h"
#include "esp.h"
#include "evidence.h"
#include "inet.h"
#include "names.h"
#include "profile.h"
#include "run_int.h"

enum { RUN_ESP_BUF = 65536 };

/* The traffic state of one CHILD SA, keyed by its SPIs. */
struct run_child_io {
	uint8_t spi_in[IKE_CHILD_SPI_LEN], spi_out[IKE_CHILD_SPI_LEN];
	unsigned protocol;		/* PROTO_ESP or PROTO_AH */
	struct esp_sa *esp_in, *esp_out;
	struct ah_sa *ah_in, *ah_out;
	uint64_t last_seq_in;		/* of the IUT's packets, 0: none yet */
	struct bytes last_sent;		/* for `esp replay' */
	enum net_port last_via;
};

struct run_esp {
	struct run_child_io io[IKE_CHILD_MAX];
	size_t n;
	uint16_t echo_seq;		/* ICMP echo sequence of the next send */
	/* Each datagram leaves from a new source port unless the script
	 * names one: an echo service that forks per peer (socat) would
	 * otherwise hand a later datagram to a child about to time out. */
	uint16_t sends;
	int last_io;			/* io[] of the last event, -1: none */
	uint8_t buf[RUN_ESP_BUF];
};

void run_esp_free(struct run_ctx *c)
{
	size_t i;

	if (c->esp == NULL)
		return;
	for (i = 0; i < c->esp->n; i++) {
		esp_sa_free(c->esp->io[i].esp_in);
		esp_sa_free(c->esp->io[i].esp_out);
		ah_sa_free(c->esp->io[i].ah_in);
		ah_sa_free(c->esp->io[i].ah_out);
		bytes_free(&c->esp->io[i].last_sent);
	}
	free(c->esp);
	c->esp = NULL;
}

void run_evidence_free(struct run_ctx *c)
{
	evidence_free(c->ev);
	c->ev = NULL;
}

static int profile_addr(struct run_ctx *c, const char *section,
    const char *key, int fam, struct inet_addr *a);

static uint32_t spi_num(const uint8_t spi[static IKE_CHILD_SPI_LEN])
{
	return (uint32_t)spi[0] << 24 | (uint32_t)spi[1] << 16 |
	    (uint32_t)spi[2] << 8 | spi[3];
}

/* ------------------------------------------------------------------ */
/* Keys: a child's KEYMAT split by direction (RFC 7296 2.17)           */

static int io_key(struct run_child_io *io, const struct ike_child *ch,
    struct err *e)
{
	const uint8_t *k = ch->keymat.data;
	size_t el = ch->encr_key_len, il = ch->integ_key_len;
	/* KEYMAT = SK_ei | SK_ai | SK_er | SK_ar: the first half protects
	 * what the initiator of the exchange that made the child sends. */
	const uint8_t *init = k, *resp = k + el + il;
	const uint8_t *out = ch->initiator ? init : resp;
	const uint8_t *in = ch->initiator ? resp : init;
	bool esn = ike_proposal_get(&ch->proposal, TT_ESN, ESN_NO) == ESN_YES;
	unsigned integ = ike_proposal_get(&ch->proposal, TT_INTEG, INTEG_NONE);

	if (ch->keymat.len < 2 * (el + il))
		return err_set(e, "CHILD SA keys shorter than the algorithms need (%zu < %zu)",
		    ch->keymat.len, 2 * (el + il));
	memcpy(io->spi_in, ch->spi_in, IKE_CHILD_SPI_LEN);
	memcpy(io->spi_out, ch->spi_out, IKE_CHILD_SPI_LEN);
	io->protocol = ch->protocol;
	if (ch->protocol == PROTO_AH) {
		struct ah_sa_params p = { .integ = integ, .esn = esn,
			.key_len = il };

		p.spi = spi_num(ch->spi_in);
		p.key = in + el;
		if ((io->ah_in = ah_sa_new(&p, e)) == NULL)
			return -1;
		p.spi = spi_num(ch->spi_out);
		p.key = out + el;
		return (io->ah_out = ah_sa_new(&p, e)) == NULL ? -1 : 0;
	}
	struct esp_sa_params p = {
		.encr = ike_proposal_get(&ch->proposal, TT_ENCR, ENCR_NULL),
		.encr_key_bits = ike_proposal_key_bits(&ch->proposal),
		.integ = integ, .encr_key_len = el, .integ_key_len = il,
		.esn = esn,
	};
	p.spi = spi_num(ch->spi_in);
	p.encr_key = in;
	p.integ_key = in + el;
	if ((io->esp_in = esp_sa_new(&p, e)) == NULL)
		return -1;
	p.spi = spi_num(ch->spi_out);
	p.encr_key = out;
	p.integ_key = out + el;
	return (io->esp_out = esp_sa_new(&p, e)) == NULL ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Evidence: the Wireshark key tables beside the pcap                  */

/* Both directions of an ESP child in the evidence, with the outer
 * addresses of its packets (harness and IUT). */
static void evidence_child(struct run_ctx *c, const struct ike_child *ch)
{
	const uint8_t *k = ch->keymat.data;
	size_t el = ch->encr_key_len, il = ch->integ_key_len;
	const uint8_t *init = k, *resp = k + el + il;
	struct inet_addr h, i;
	struct esp_sa_params p = {
		.encr = ike_proposal_get(&ch->proposal, TT_ENCR, ENCR_NULL),
		.encr_key_bits = ike_proposal_key_bits(&ch->proposal),
		.integ = ike_proposal_get(&ch->proposal, TT_INTEG, INTEG_NONE),
		.encr_key_len = el, .integ_key_len = il,
		.esn = ike_proposal_get(&ch->proposal, TT_ESN, ESN_NO) == ESN_YES,
	};
	struct err e;

	if (c->ev == NULL || ch->protocol != PROTO_ESP ||
	    ch->keymat.len < 2 * (el + il) ||
	    profile_addr(c, "addresses", "harness", 0, &h) != 0 ||
	    profile_addr(c, "addresses", "iut", h.family, &i) != 0)
		return;
	/* ours out: harness -> IUT under the IUT's SPI */
	p.spi = spi_num(ch->spi_out);
	p.encr_key = ch->initiator ? init : resp;
	p.integ_key = p.encr_key + el;
	if (evidence_add_esp(c->ev, &h, &i, &p, &e) < 0)
		run_diag(c, "evidence: %s", e.text);
	p.spi = spi_num(ch->spi_in);
	p.encr_key = ch->initiator ? resp : init;
	p.integ_key = p.encr_key + el;
	if (evidence_add_esp(c->ev, &i, &h, &p, &e) < 0)
		run_diag(c, "evidence: %s", e.text);
}

void run_evidence_collect(struct run_ctx *c)
{
	struct err e;
	size_t i;

	if (c->ev == NULL && (c->ev = evidence_new()) == NULL)
		return;
	if (c->sa == NULL || !c->sa->keys_ready)
		return;
	if (evidence_add_ike(c->ev, c->sa->spi_i, c->sa->spi_r, &c->sa->suite,
	    &c->sa->keys, &e) < 0)
		run_diag(c, "evidence: %s", e.text);
	for (i = 0; i < c->sa->nchild; i++)
		evidence_child(c, &c->sa->child[i]);
}

void run_evidence_write(struct run_ctx *c)
{
	char prefix[sizeof(c->pcap_path)];
	struct evidence_report rep;
	size_t n = strlen(c->pcap_path);
	struct err e;

	run_evidence_collect(c);
	if (c->ev == NULL || n == 0)
		return;
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(n > 5 &&
	    strcmp(c->pcap_path + n - 5, ".pcap") == 0 ? n - 5 : n),
	    c->pcap_path);
	if (evidence_write(c->ev, prefix, &rep, &e) < 0) {
		run_diag(c, "evidence: %s", e.text);
		return;
	}
	run_diag(c, "keys for Wireshark: %s.%s (%zu IKE SA), %s.%s (%zu ESP SA directions%s%s)",
	    prefix, EVIDENCE_IKE_TABLE, rep.ike_rows, prefix,
	    EVIDENCE_ESP_TABLE, rep.esp_rows, rep.comments ? "; not decryptable by Wireshark 4.0: " : "",
	    rep.comments ? rep.first_comment : "");
}

/* The traffic state of child ch, made on first use. */
static struct run_child_io *io_for(struct run_ctx *c,
    const struct ike_child *ch, struct err *e)
{
	struct run_child_io *io;
	size_t i;

	if (c->esp == NULL) {
		if ((c->esp = calloc(1, sizeof(*c->esp))) == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		c->esp->last_io = -1;
	}
	for (i = 0; i < c->esp->n; i++)
		if (memcmp(c->esp->io[i].spi_in, ch->spi_in, IKE_CHILD_SPI_LEN) == 0 &&
		    memcmp(c->esp->io[i].spi_out, ch->spi_out, IKE_CHILD_SPI_LEN) == 0)
			return &c->esp->io[i];
	if (c->esp->n == IKE_CHILD_MAX) {
		err_set(e, "more than %d CHILD SAs carried traffic", IKE_CHILD_MAX);
		return NULL;
	}
	io = &c->esp->io[c->esp->n];
	memset(io, 0, sizeof(*io));
	if (io_key(io, ch, e) < 0) {
		esp_sa_free(io->esp_in);
		esp_sa_free(io->esp_out);
		ah_sa_free(io->ah_in);
		memset(io, 0, sizeof(*io));
		return NULL;
	}
	c->esp->n++;
	return io;
}

/* The io whose inbound SPI is spi, among the children made so far. */
static struct run_child_io *io_by_spi(struct run_ctx *c, uint32_t spi)
{
	size_t i;
	struct err e;

	if (c->sa != NULL)	/* children not used yet get their keys too */
		for (i = 0; i < c->sa->nchild; i++)
			if (spi_num(c->sa->child[i].spi_in) == spi)
				(void)io_for(c, &c->sa->child[i], &e);
	if (c->esp == NULL)
		return NULL;
	for (i = 0; i < c->esp->n; i++)
		if (spi_num(c->esp->io[i].spi_in) == spi)
			return &c->esp->io[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */

static const struct script_arg *arg_find(const struct script_esp *x,
    const char *key)
{
	const struct script_arg *a;

	for (a = x->args; a != NULL; a = a->next)
		if (strcmp(a->key, key) == 0)
			return a;
	return NULL;
}

/* A numeric argument: 0 with *out, 1 when absent, -1 (script error). */
static int arg_num(struct run_ctx *c, const struct script_esp *x,
    const char *key, uint64_t max, uint64_t *out)
{
	const struct script_arg *a = arg_find(x, key);
	char text[RUN_TEXT_MAX], *end;
	unsigned long long v;

	if (a == NULL)
		return 1;
	if (run_value_text(c, a->values, text, sizeof(text)) < 0)
		return -1;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || *end != '\0' || end == text || v > max)
		return run_script_error(c, a->pos.line, "%s=%s: expected a number up to %" PRIu64,
		    key, text, max);
	*out = v;
	return 0;
}

/* A bytes argument ("text" or 0x hex): 0, 1 when absent, -1. */
static int arg_bytes(struct run_ctx *c, const struct script_esp *x,
    const char *key, struct bytes *out)
{
	const struct script_arg *a = arg_find(x, key);
	const struct script_value *v;
	struct run_var *var;
	struct err e;

	if (a == NULL)
		return 1;
	v = a->values;
	switch (v->kind) {
	case SCRIPT_V_STRING:
		return bytes_set(out, v->text, v->len) < 0 ?
		    run_script_error(c, a->pos.line, "out of memory") : 0;
	case SCRIPT_V_HEX:
		if (bytes_from_hex(out, v->text, strlen(v->text), &e) < 0)
			return run_script_error(c, a->pos.line, "%s=: %s", key, e.text);
		return 0;
	case SCRIPT_V_VAR:
		if ((var = run_var_find(c, v->text)) == NULL || var->is_num)
			return run_script_error(c, a->pos.line, "%s=$%s: expected bytes",
			    key, v->text);
		return bytes_copy(out, &var->data) < 0 ?
		    run_script_error(c, a->pos.line, "out of memory") : 0;
	case SCRIPT_V_NUMBER: case SCRIPT_V_WORD: case SCRIPT_V_ONEOF:
		break;
	}
	return run_script_error(c, a->pos.line, "%s= takes \"text\" or 0x hex", key);
}

static bool arg_is(const struct script_esp *x, const char *key,
    const char *word)
{
	const struct script_arg *a = arg_find(x, key);

	return a != NULL && a->values->kind == SCRIPT_V_WORD &&
	    strcmp(a->values->text, word) == 0;
}

/* The nth word (0-based) of a profile value, $NAME expanded into out. */
static int profile_nth(struct run_ctx *c, const char *section,
    const char *key, size_t nth, char *out, size_t outlen)
{
	size_t n;
	const char *const *l = profile_get_list(c->prof, section, key, &n);
	struct err e;

	if (l == NULL || nth >= n)
		return 1;
	if (expand_vars(l[nth], out, outlen, RUN_EXPAND_FLAGS, &e) < 0)
		return -1;
	return 0;
}

/* The first address of family fam (0: any) in a profile key's words; a
 * network "203.0.113.0/24" gives its first host (.1). */
static int profile_addr(struct run_ctx *c, const char *section,
    const char *key, int fam, struct inet_addr *a)
{
	char w[RUN_WORD_LEN], *slash;
	size_t i;
	int rc, k;
	struct err e;

	for (i = 0; (rc = profile_nth(c, section, key, i, w, sizeof(w))) == 0;
	    i++) {
		bool net = (slash = strchr(w, '/')) != NULL;

		if (net)
			*slash = '\0';
		if (inet_addr_parse(w, a, &e) < 0 || (fam != 0 && a->family != fam))
			continue;
		if (net)	/* the network's first host */
			for (k = a->family == 4 ? 3 : 15; k >= 0; k--)
				if (++a->ip[k] != 0)
					break;
		return 0;
	}
	return rc < 0 ? -1 : 1;
}

/* An address argument: a literal, or echo (the echo service behind the
 * IUT), iut, harness, local (the harness's protected address). */
static int addr_value(struct run_ctx *c, int line, const char *text, int fam,
    struct inet_addr *a)
{
	struct err e;
	int rc;

	if (strcmp(text, "echo") == 0)
		rc = profile_addr(c, "addresses", "echo", fam, a);
	else if (strcmp(text, "iut") == 0)
		rc = profile_addr(c, "addresses", "iut", fam, a);
	else if (strcmp(text, "harness") == 0)
		rc = profile_addr(c, "addresses", "harness", fam, a);
	else if (strcmp(text, "local") == 0)
		rc = profile_addr(c, "addresses", "harness-protected", fam, a);
	else
		return inet_addr_parse(text, a, &e) < 0 ?
		    run_script_error(c, line, "`%s': %s", text, e.text) : 0;
	if (rc != 0)
		return run_script_error(c, line, "`%s': the profile's [addresses] give no IPv%d address for it",
		    text, fam ? fam : 4);
	return 0;
}

static int arg_addr(struct run_ctx *c, const struct script_esp *x,
    const char *key, const char *dflt, int fam, struct inet_addr *a)
{
	const struct script_arg *a0 = arg_find(x, key);
	char text[RUN_TEXT_MAX];
	int line = a0 != NULL ? a0->pos.line : 0;

	if (a0 == NULL)
		snprintf(text, sizeof(text), "%s", dflt);
	else if (a0->values->kind == SCRIPT_V_STRING)
		snprintf(text, sizeof(text), "%.*s", (int)a0->values->len,
		    a0->values->text);
	else if (run_value_text(c, a0->values, text, sizeof(text)) < 0)
		return -1;
	return addr_value(c, line, text, fam, a);
}

/* The child an event works on: child=N (1-based) or the newest; *io
 * its traffic state. With no CHILD SA left (the script deleted it), the
 * last one used: its packets test what the IUT does with a dead SPI.
 * 0, 1 with a failure in k, -1 on a script error. */
static int pick_child(struct run_ctx *c, const struct script_event *ev,
    const struct ike_child **out, struct run_child_io **io,
    struct run_check *k)
{
	uint64_t n = 0;
	int rc = arg_num(c, &ev->u.esp, "child", IKE_CHILD_MAX, &n);
	struct err e;

	*out = NULL;
	if (rc < 0)
		return -1;
	if ((c->sa == NULL || c->sa->nchild == 0) && rc == 1 &&
	    c->esp != NULL && c->esp->last_io >= 0) {
		*io = &c->esp->io[c->esp->last_io];
		run_check_note(k, "no CHILD SA left: the last one used (SPI 0x%08x)",
		    spi_num((*io)->spi_out));
		return 0;
	}
	if (c->sa == NULL || c->sa->nchild == 0) {
		run_check_fail(k, "no CHILD SA: `establish child' first (or the IUT refused it)");
		return 1;
	}
	if (rc == 1)
		n = c->sa->nchild;
	if (n == 0 || n > c->sa->nchild) {
		run_check_fail(k, "child=%" PRIu64 ": only %zu CHILD SA(s)", n,
		    c->sa->nchild);
		return 1;
	}
	*out = &c->sa->child[n - 1];
	if (ev->u.esp.ah != (c->sa->child[n - 1].protocol == PROTO_AH)) {
		run_check_fail(k, "`%s' event on a%s CHILD SA",
		    ev->u.esp.ah ? "ah" : "esp",
		    ev->u.esp.ah ? "n ESP" : "n AH");
		return 1;
	}
	if ((*io = io_for(c, *out, &e)) == NULL) {
		run_check_fail(k, "CHILD SA keys: %s", e.text);
		return 1;
	}
	c->esp->last_io = (int)(*io - c->esp->io);
	return 0;
}

/* How ESP travels to the IUT: UDP 4500 when IKE moved there or the
 * profile says the IUT encapsulates (RFC 3948), raw IP otherwise. */
static enum net_port esp_via(struct run_ctx *c, const struct script_esp *x)
{
	const char *enc = profile_get(c->prof, "esp", "encapsulation");

	if (x->ah || arg_is(x, "via", "ip"))
		return NET_RAW;
	if (arg_is(x, "via", "udp"))
		return NET_NATT;
	if (c->port == NET_NATT || (enc != NULL && strncmp(enc, "udp", 3) == 0) ||
	    (profile_get(c->prof, "capabilities", "nat-t-forced") != NULL &&
	     strncmp(profile_get(c->prof, "capabilities", "nat-t-forced"), "yes", 3) == 0))
		return NET_NATT;
	return NET_RAW;
}

/* Raw ESP/AH needs root: without it the rest of the script is skipped. */
static bool via_usable(struct run_ctx *c, int line, const char *desc,
    enum net_port via)
{
	const char *why = NULL;

	if (via != NET_RAW || net_raw_available(c->net, &why))
		return true;
	snprintf(c->skip_rest, sizeof(c->skip_rest), "ESP/AH over raw IP cannot run here: %s",
	    why ? why : "no raw sockets");
	run_check_skip(c, line, desc, c->skip_rest);
	return false;
}

/* ------------------------------------------------------------------ */
/* esp send                                                            */

static bool child_transport(const struct ike_child *ch)
{
	return ch != NULL && ch->transport;
}

/* The inner packet of a send into *inner, its next header into *nh. */
static int build_inner(struct run_ctx *c, const struct script_esp *x,
    const struct ike_child *ch, struct bytes *inner, uint8_t *nh)
{
	struct inet_pkt p;
	struct bytes data = BYTES_EMPTY;
	uint64_t v;
	int fam = 4, rc;
	bool transport = child_transport(ch);
	struct err e;

	memset(&p, 0, sizeof(p));
	if ((rc = arg_bytes(c, x, "data", &data)) < 0)
		return -1;
	if (rc == 1) {
		v = x->inner == SCRIPT_INNER_DUMMY ? 32 : 16;
		if ((rc = arg_num(c, x, "len", 60000, &v)) < 0 ||
		    bytes_resize(&data, (size_t)v) < 0)
			goto fail;
		for (size_t i = 0; i < data.len; i++)
			data.data[i] = (uint8_t)("iketest "[i % 8]);
	}
	if (x->inner == SCRIPT_INNER_DUMMY) {
		/* RFC 4303 2.6: next header 59, the payload is anything */
		*nh = ESP_NEXT_HEADER_DUMMY;
		rc = bytes_set(inner, data.data, data.len);
		bytes_free(&data);
		return rc < 0 ? run_script_error(c, 0, "out of memory") : 0;
	}
	/* the destination decides the family */
	{
		const struct script_arg *to = arg_find(x, "to");
		if (to != NULL && (to->values->kind == SCRIPT_V_STRING) &&
		    memchr(to->values->text, ':', to->values->len) != NULL)
			fam = 6;
	}
	if (transport) {
		if (arg_addr(c, x, "from", "harness", fam, &p.src) < 0 ||
		    arg_addr(c, x, "to", "iut", fam, &p.dst) < 0)
			goto fail;
	} else if (arg_addr(c, x, "from", "local", fam, &p.src) < 0 ||
	    arg_addr(c, x, "to", "echo", fam, &p.dst) < 0) {
		goto fail;
	}
	p.data = data.data;
	p.data_len = data.len;
	if (x->inner == SCRIPT_INNER_UDP) {
		p.proto = INET_PROTO_UDP;
		v = 40000u + (c->esp->sends++ % 20000u);
		if (arg_num(c, x, "sport", 65535, &v) < 0)
			goto fail;
		p.sport = (uint16_t)v;
		v = 7;
		{
			char w[32];
			if (profile_nth(c, "addresses", "echo-port", 0, w, sizeof(w)) == 0)
				v = strtoul(w, NULL, 10);
		}
		if (arg_num(c, x, "dport", 65535, &v) < 0)
			goto fail;
		p.dport = (uint16_t)v;
	} else {
		p.proto = p.dst.family == 6 ? INET_PROTO_ICMPV6 : INET_PROTO_ICMP;
		p.icmp_type = inet_echo_request_type(p.dst.family);
		v = 0x1c3e;
		if (arg_num(c, x, "echo_id", 65535, &v) < 0)
			goto fail;
		p.icmp_id = (uint16_t)v;
		v = ++c->esp->echo_seq;
		if (arg_num(c, x, "echo_seq", 65535, &v) < 0)
			goto fail;
		p.icmp_seq = (uint16_t)v;
	}
	v = 0;
	if (arg_num(c, x, "ttl", 255, &v) < 0)
		goto fail;
	p.ttl = (uint8_t)v;
	if (transport) {
		*nh = (uint8_t)p.proto;
		rc = inet_build_l4(&p, inner, &e);
	} else {
		*nh = p.src.family == 6 ? INET_PROTO_IPV6 : INET_PROTO_IPIP;
		rc = inet_build_ip(&p, inner, &e);
	}
	bytes_free(&data);
	if (rc < 0)
		return run_script_error(c, 0, "inner packet: %s", e.text);
	return 0;
fail:
	bytes_free(&data);
	return -1;
}

static int esp_opts(struct run_ctx *c, const struct script_esp *x,
    struct esp_send_opts *o, struct bytes *pad)
{
	uint64_t v;
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = arg_num(c, x, "seq", UINT64_MAX, &v)) < 0)
		return -1;
	if (rc == 0) {
		o->seq_given = true;
		o->seq = v;
	}
	if ((rc = arg_num(c, x, "spi", UINT32_MAX, &v)) < 0)
		return -1;
	if (rc == 0) {
		o->spi_given = true;
		o->spi = (uint32_t)v;
	}
	v = 0;
	if (arg_num(c, x, "tfc", 9000, &v) < 0)
		return -1;
	o->tfc_len = (size_t)v;
	if ((rc = arg_bytes(c, x, "pad", pad)) < 0)
		return -1;
	if (rc == 0) {
		o->pad_given = true;
		o->pad = pad->data;
		o->pad_len = pad->len;
	}
	if ((rc = arg_num(c, x, "padlen", 255, &v)) < 0)
		return -1;
	if (rc == 0) {
		o->pad_len_given = true;
		o->pad_len_value = (uint8_t)v;
	}
	o->corrupt_icv = arg_is(x, "corrupt", "icv");
	o->corrupt_payload = arg_is(x, "corrupt", "payload");
	return 0;
}

static int send_ah(struct run_ctx *c, const struct script_esp *x,
    struct run_child_io *io, const struct bytes *inner, uint8_t nh,
    struct bytes *pkt, struct err *e)
{
	struct ah_send_opts o;
	struct inet_pkt outer;
	uint64_t v;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&outer, 0, sizeof(outer));
	if ((rc = arg_num(c, x, "seq", UINT64_MAX, &v)) < 0)
		return -1;
	o.seq_given = rc == 0;
	o.seq = v;
	if ((rc = arg_num(c, x, "spi", UINT32_MAX, &v)) < 0)
		return -1;
	o.spi_given = rc == 0;
	o.spi = (uint32_t)v;
	o.corrupt_icv = arg_is(x, "corrupt", "icv");
	o.corrupt_payload = arg_is(x, "corrupt", "payload");
	if (nh == ESP_NEXT_HEADER_DUMMY)
		return err_set(e, "AH has no dummy packets (RFC 4303 2.6 is ESP's)");
	/* tunnel mode: a new outer header from the harness to the IUT */
	if (profile_addr(c, "addresses", "harness", 0, &outer.src) != 0 ||
	    profile_addr(c, "addresses", "iut", outer.src.family, &outer.dst) != 0)
		return err_set(e, "the profile's [addresses] harness and iut are needed for AH");
	return ah_protect(io->ah_out, inner->data, inner->len, &outer, &o, pkt, e);
}

static int esp_send(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_esp *x = &ev->u.esp;
	const struct ike_child *ch = NULL;
	struct run_child_io *io;
	struct run_check k;
	struct bytes inner = BYTES_EMPTY, pad = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct esp_send_opts o;
	enum net_port via = esp_via(c, x);
	uint8_t nh = 0;
	size_t len = 0;
	int rc;
	struct err e;

	run_check_begin(c, &k, ev->pos.line, "%s send %s", x->ah ? "ah" : "esp",
	    script_inner_name(x->inner));
	if ((rc = pick_child(c, ev, &ch, &io, &k)) != 0) {
		run_check_end(c, &k);
		return rc < 0 ? -1 : 0;
	}
	if (!via_usable(c, ev->pos.line, k.desc, via)) {
		bytes_free(&k.diag);
		return 0;
	}
	if (build_inner(c, x, ch, &inner, &nh) < 0)
		goto script_err;
	if (x->ah) {
		if ((rc = send_ah(c, x, io, &inner, nh, &pkt, &e)) < 0 &&
		    c->bad_script)
			goto script_err;
		if (rc == 0)
			rc = net_send_ip(c->net, pkt.data, pkt.len, &e);
	} else {
		if (esp_opts(c, x, &o, &pad) < 0)
			goto script_err;
		rc = esp_encap(io->esp_out, nh, inner.data, inner.len, &o,
		    c->esp->buf, sizeof(c->esp->buf), &len, &e);
		if (rc == 0)
			rc = bytes_set(&pkt, c->esp->buf, len);
		if (rc == 0)
			rc = net_send_esp(c->net, via, pkt.data, pkt.len, &e);
	}
	if (rc < 0) {
		run_check_fail(&k, "%s", e.text);
		run_check_end(c, &k);
	} else {
		bytes_free(&k.diag);
		(void)bytes_copy(&io->last_sent, &pkt);
		io->last_via = via;
		c->last_event_us = net_now_us();
	}
	bytes_free(&inner);
	bytes_free(&pad);
	bytes_free(&pkt);
	return 0;
script_err:
	bytes_free(&k.diag);
	bytes_free(&inner);
	bytes_free(&pad);
	bytes_free(&pkt);
	return -1;
}

/* esp replay: the last packet sent on the child, the same bytes (RFC
 * 4303 3.4.3: a receiver with anti-replay drops it). */
static int esp_replay(struct run_ctx *c, const struct script_event *ev)
{
	const struct ike_child *ch = NULL;
	struct run_child_io *io;
	struct run_check k;
	struct err e;
	int rc;

	run_check_begin(c, &k, ev->pos.line, "%s replay",
	    ev->u.esp.ah ? "ah" : "esp");
	if ((rc = pick_child(c, ev, &ch, &io, &k)) != 0) {
		run_check_end(c, &k);
		return rc < 0 ? -1 : 0;
	}
	if (io->last_sent.len == 0) {
		run_check_fail(&k, "nothing sent on this CHILD SA to replay");
		run_check_end(c, &k);
		return 0;
	}
	if (ev->u.esp.ah)
		rc = net_send_ip(c->net, io->last_sent.data, io->last_sent.len, &e);
	else
		rc = net_send_esp(c->net, io->last_via, io->last_sent.data,
		    io->last_sent.len, &e);
	if (rc < 0) {
		run_check_fail(&k, "%s", e.text);
		run_check_end(c, &k);
		return 0;
	}
	bytes_free(&k.diag);
	c->last_event_us = net_now_us();
	return 0;
}

/* ------------------------------------------------------------------ */
/* esp expect                                                          */

/* Whether addr (family fam) lies in one of l's selectors. */
static bool ts_holds(const struct ike_ts_list *l, const struct inet_addr *a,
    unsigned proto, uint16_t port)
{
	size_t i, n = a->family == 6 ? 16 : 4;

	for (i = 0; i < l->n; i++) {
		const struct ike_ts *t = &l->ts[i];

		if ((t->type == TS_IPV6_ADDR_RANGE) != (a->family == 6))
			continue;
		if (memcmp(a->ip, t->start, n) < 0 || memcmp(a->ip, t->end, n) > 0)
			continue;
		if (t->ip_proto != 0 && t->ip_proto != proto)
			continue;
		if ((proto == INET_PROTO_UDP) &&
		    (port < t->start_port || port > t->end_port))
			continue;
		return true;
	}
	return false;
}

/* The automatic RFC checks of a packet the IUT sent on a child. */
static void check_sender_rules(struct run_ctx *c, struct run_child_io *io,
    const struct ike_child *ch, uint64_t seq, bool pad_ok,
    const struct inet_pkt *in, bool have_inner, struct run_check *k)
{
	const struct ike_ts_list *peer_side, *our_side;

	(void)c;
	if (seq != io->last_seq_in + 1)
		run_check_fail(k, "RFC 4303 3.3.3: sequence number: expected %" PRIu64 " (%s) vs actual %" PRIu64,
		    io->last_seq_in + 1, io->last_seq_in == 0 ?
		    "the first packet of the SA" : "the previous plus one", seq);
	if (seq > io->last_seq_in)
		io->last_seq_in = seq;
	if (!pad_ok)
		run_check_fail(k, "RFC 4303 2.4: padding: expected 1, 2, 3 ... vs actual other bytes");
	if (!have_inner || ch == NULL)
		return;
	/* the IUT's side of the SA is TSr when we initiated it */
	peer_side = ch->initiator ? &ch->tsr : &ch->tsi;
	our_side = ch->initiator ? &ch->tsi : &ch->tsr;
	if (!ts_holds(peer_side, &in->src, in->proto, in->sport) ||
	    !ts_holds(our_side, &in->dst, in->proto, in->dport)) {
		char s[64], d[64];

		inet_addr_format(&in->src, s, sizeof(s));
		inet_addr_format(&in->dst, d, sizeof(d));
		run_check_fail(k, "RFC 4301 5.2: inner packet %s -> %s (protocol %u) lies outside the CHILD SA's traffic selectors",
		    s, d, in->proto);
	}
}

static const struct ike_child *child_of(struct run_ctx *c,
    const struct run_child_io *io)
{
	size_t i;

	for (i = 0; c->sa != NULL && i < c->sa->nchild; i++)
		if (memcmp(c->sa->child[i].spi_in, io->spi_in, IKE_CHILD_SPI_LEN) == 0)
			return &c->sa->child[i];
	return NULL;
}

/* The script's checks of an inner packet. */
static int check_inner(struct run_ctx *c, const struct script_esp *x,
    const struct inet_pkt *in, struct run_check *k)
{
	struct inet_addr a;
	struct bytes data = BYTES_EMPTY;
	uint64_t v;
	char s1[64], s2[64];
	int rc;

	if (x->inner == SCRIPT_INNER_UDP && in->proto != INET_PROTO_UDP)
		run_check_fail(k, "inner protocol: expected UDP (17) vs actual %u", in->proto);
	if (x->inner == SCRIPT_INNER_ICMP &&
	    ((in->proto != INET_PROTO_ICMP && in->proto != INET_PROTO_ICMPV6) ||
	     in->icmp_type != inet_echo_reply_type(in->src.family)))
		run_check_fail(k, "inner: expected an ICMP echo reply vs actual protocol %u type %u",
		    in->proto, in->icmp_type);
	if (arg_find(x, "from") != NULL) {
		if (arg_addr(c, x, "from", "", in->src.family, &a) < 0)
			return -1;
		if (!inet_addr_equal(&a, &in->src)) {
			inet_addr_format(&a, s1, sizeof(s1));
			inet_addr_format(&in->src, s2, sizeof(s2));
			run_check_fail(k, "inner source: expected %s vs actual %s", s1, s2);
		}
	}
	if (arg_find(x, "to") != NULL) {
		if (arg_addr(c, x, "to", "", in->dst.family, &a) < 0)
			return -1;
		if (!inet_addr_equal(&a, &in->dst)) {
			inet_addr_format(&a, s1, sizeof(s1));
			inet_addr_format(&in->dst, s2, sizeof(s2));
			run_check_fail(k, "inner destination: expected %s vs actual %s", s1, s2);
		}
	}
	if ((rc = arg_num(c, x, "sport", 65535, &v)) < 0)
		return -1;
	if (rc == 0 && v != in->sport)
		run_check_fail(k, "inner source port: expected %" PRIu64 " vs actual %u", v, in->sport);
	if ((rc = arg_num(c, x, "dport", 65535, &v)) < 0)
		return -1;
	if (rc == 0 && v != in->dport)
		run_check_fail(k, "inner destination port: expected %" PRIu64 " vs actual %u", v, in->dport);
	if ((rc = arg_num(c, x, "echo_id", 65535, &v)) < 0)
		return -1;
	if (rc == 0 && v != in->icmp_id)
		run_check_fail(k, "echo identifier: expected %" PRIu64 " vs actual %u", v, in->icmp_id);
	if ((rc = arg_num(c, x, "echo_seq", 65535, &v)) < 0)
		return -1;
	if (rc == 0 && v != in->icmp_seq)
		run_check_fail(k, "echo sequence: expected %" PRIu64 " vs actual %u", v, in->icmp_seq);
	if ((rc = arg_bytes(c, x, "data", &data)) < 0)
		return -1;
	if (rc == 0 && (data.len != in->data_len ||
	    (data.len > 0 && memcmp(data.data, in->data, data.len) != 0)))
		run_check_fail(k, "inner data: expected %zu bytes as sent vs actual %zu bytes%s",
		    data.len, in->data_len, data.len == in->data_len ? " that differ" : "");
	bytes_free(&data);
	if (!in->checksum_ok)
		run_check_fail(k, "inner checksums: expected valid (RFC 768, 792, 791) vs actual wrong");
	return 0;
}

/* What one received packet is, for expect and silence. */
enum rx_kind { RX_OTHER, RX_DUMMY, RX_INNER, RX_BAD };

struct rx_result {
	enum rx_kind kind;
	struct run_child_io *io;
	struct inet_pkt inner;
	bool have_inner;
	uint64_t seq;
	char why[RUN_TEXT_MAX];
};

/* When an esp/ah expect gives up: its window's end, with room after an
 * `after' time (every timing kind is a case, so a new one is a compiler
 * error until it is handled). */
static uint64_t esp_deadline(const struct script_esp *x,
    uint64_t start)
{
	switch (x->timing.kind) {
	case SCRIPT_T_WITHIN:
		return start + x->timing.at;
	case SCRIPT_T_RANGE:
		return start + x->timing.hi;
	case SCRIPT_T_AFTER: case SCRIPT_T_PERCENT: case SCRIPT_T_ABS:
		return start + x->timing.at + x->timing.at / 2 + 1000000;
	case SCRIPT_T_NONE:
		break;
	}
	return net_now_us() + RUN_DEFAULT_DEADLINE_US;
}

/* Decapsulates a packet that arrived: ESP (UDP or raw) or AH. */
static void rx_packet(struct run_ctx *c, const struct net_packet *pkt,
    struct run_check *k, struct rx_result *r)
{
	uint32_t spi, seq32;
	enum esp_verdict v;
	struct esp_rx er;
	struct ah_rx ar;
	const uint8_t *payload;
	size_t plen;
	uint8_t nh;
	bool pad_ok = true;
	const struct ike_child *ch;
	struct err e;
	int rc;

	memset(r, 0, sizeof(*r));
	r->kind = RX_OTHER;
	if (pkt->esp) {
		if (esp_peek(pkt->data, pkt->len, &spi, &seq32) < 0) {
			r->kind = RX_BAD;
			snprintf(r->why, sizeof(r->why), "ESP packet of %zu bytes: shorter than its header", pkt->len);
			return;
		}
	} else if (pkt->ah) {
		struct inet_pkt ip;
		size_t hl;

		if (inet_parse_ip(pkt->data, pkt->len, &ip, &e) < 0)
			return;
		hl = ip.src.family == 6 ? INET_IPV6_HDR : (size_t)(pkt->data[0] & 15) * 4;
		if (pkt->len < hl + AH_HDR_LEN)
			return;
		spi = (uint32_t)pkt->data[hl + 4] << 24 | (uint32_t)pkt->data[hl + 5] << 16 |
		    (uint32_t)pkt->data[hl + 6] << 8 | pkt->data[hl + 7];
	} else {
		return;
	}
	if ((r->io = io_by_spi(c, spi)) == NULL) {
		r->kind = RX_BAD;
		snprintf(r->why, sizeof(r->why), "%s with SPI 0x%08x, which is none of our CHILD SAs' (RFC 4303 3.4.2)",
		    pkt->ah ? "AH" : "ESP", spi);
		return;
	}
	if (pkt->ah) {
		v = r->io->ah_in ? ah_verify(r->io->ah_in, pkt->data, pkt->len, &ar) :
		    ESP_WRONG_SPI;
		payload = ar.payload;
		plen = ar.payload_len;
		nh = ar.next_header;
		r->seq = ar.seq;
	} else {
		v = r->io->esp_in ? esp_decap(r->io->esp_in, pkt->data, pkt->len, &er) :
		    ESP_WRONG_SPI;
		payload = er.payload;
		plen = er.payload_len;
		nh = er.next_header;
		r->seq = er.seq;
		pad_ok = er.pad_monotonic;
	}
	if (v != ESP_OK && v != ESP_DUMMY) {
		r->kind = RX_BAD;
		snprintf(r->why, sizeof(r->why), "the IUT's %s packet (SPI 0x%08x) does not decapsulate: %s",
		    pkt->ah ? "AH" : "ESP", spi, esp_verdict_name(v));
		return;
	}
	ch = child_of(c, r->io);
	if (v == ESP_DUMMY) {
		r->kind = RX_DUMMY;
		check_sender_rules(c, r->io, ch, r->seq, pad_ok, NULL, false, k);
		return;
	}
	if (nh == INET_PROTO_IPIP || nh == INET_PROTO_IPV6)
		rc = inet_parse_ip(payload, plen, &r->inner, &e);
	else {
		struct inet_addr src, dst;
		/* transport mode: the outer addresses */
		if (profile_addr(c, "addresses", "iut", 0, &src) != 0 ||
		    profile_addr(c, "addresses", "harness", src.family, &dst) != 0)
			memset(&src, 0, sizeof(src)), memset(&dst, 0, sizeof(dst));
		rc = inet_parse_l4(nh, &src, &dst, payload, plen, &r->inner, &e);
	}
	r->kind = RX_INNER;
	r->have_inner = rc == 0;
	check_sender_rules(c, r->io, ch, r->seq, pad_ok, &r->inner,
	    r->have_inner, k);
	if (rc < 0)
		run_check_fail(k, "inner packet (next header %u): %s", nh, e.text);
}

static int esp_expect(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_esp *x = &ev->u.esp;
	const struct ike_child *ch = NULL;
	struct run_child_io *io;
	struct run_check k;
	struct net_packet pkt;
	struct rx_result r;
	uint64_t deadline, start = c->last_event_us;
	unsigned dummies = 0, others = 0;
	struct err e;
	int rc;
	bool got = false;

	run_check_begin(c, &k, ev->pos.line, "%s expect %s", x->ah ? "ah" : "esp",
	    script_inner_name(x->inner));
	if ((rc = pick_child(c, ev, &ch, &io, &k)) != 0) {
		run_check_end(c, &k);
		return rc < 0 ? -1 : 0;
	}
	deadline = esp_deadline(x, start);
	while (!got) {
		rc = net_recv(c->net, deadline, &pkt, &e);
		if (rc < 0) {
			run_check_fail(&k, "receive: %s", e.text);
			break;
		}
		if (rc == 0)
			break;
		rx_packet(c, &pkt, &k, &r);
		switch (r.kind) {
		case RX_OTHER:
			others++;
			continue;
		case RX_DUMMY:
			dummies++;
			continue;
		case RX_BAD:
			run_check_fail(&k, "%s", r.why);
			got = true;
			break;
		case RX_INNER:
			got = true;
			c->last_event_us = pkt.ts_us;
			if (r.have_inner && check_inner(c, x, &r.inner, &k) < 0) {
				bytes_free(&k.diag);
				return -1;
			}
			if (x->timing.kind == SCRIPT_T_RANGE &&
			    pkt.ts_us - start < x->timing.lo)
				run_check_fail(&k, "timing: expected after %" PRIu64 " us vs actual %" PRIu64 " us",
				    x->timing.lo, pkt.ts_us - start);
			{
				uint64_t sq = 0;
				if ((rc = arg_num(c, x, "seq", UINT64_MAX, &sq)) < 0) {
					bytes_free(&k.diag);
					return -1;
				}
				if (rc == 0 && sq != r.seq)
					run_check_fail(&k, "sequence number: expected %" PRIu64 " vs actual %" PRIu64,
					    sq, r.seq);
			}
			break;
		}
	}
	if (!got && !x->or_silence)
		run_check_fail(&k, "expected an inner %s packet through the CHILD SA vs actual nothing%s",
		    script_inner_name(x->inner),
		    dummies ? " (only dummy packets)" : "");
	if (dummies)
		run_check_note(&k, "%u dummy packet(s) passed over (RFC 4303 2.6)", dummies);
	(void)others;
	run_check_end(c, &k);
	return 0;
}

/* esp expect nothing for D: no inner packet comes through any CHILD SA
 * (the IUT dropped what was sent). Dummy packets and IKE messages are
 * passed over. */
static int esp_silence(struct run_ctx *c, const struct script_event *ev)
{
	struct run_check k;
	struct net_packet pkt;
	struct rx_result r;
	uint64_t deadline = net_now_us() + ev->u.esp.duration;
	char d[32];
	struct err e;
	int rc;

	script_format_duration(ev->u.esp.duration, d, sizeof(d));
	run_check_begin(c, &k, ev->pos.line, "%s expect nothing for %s",
	    ev->u.esp.ah ? "ah" : "esp", d);
	for (;;) {
		rc = net_recv(c->net, deadline, &pkt, &e);
		if (rc < 0) {
			run_check_fail(&k, "receive: %s", e.text);
			break;
		}
		if (rc == 0)
			break;
		rx_packet(c, &pkt, &k, &r);
		if (r.kind == RX_INNER) {
			char s[64] = "?", t[64] = "?";

			if (r.have_inner) {
				inet_addr_format(&r.inner.src, s, sizeof(s));
				inet_addr_format(&r.inner.dst, t, sizeof(t));
			}
			run_check_fail(&k, "expected nothing vs actual an inner packet %s -> %s (protocol %u), sequence number %" PRIu64,
			    s, t, r.inner.proto, r.seq);
			break;
		}
		if (r.kind == RX_BAD) {
			run_check_fail(&k, "expected nothing vs actual: %s", r.why);
			break;
		}
	}
	run_check_end(c, &k);
	return 0;
}

int run_esp(struct run_ctx *c, const struct script_event *ev)
{
	switch (ev->u.esp.verb) {
	case SCRIPT_ESP_SEND:
		return esp_send(c, ev);
	case SCRIPT_ESP_REPLAY:
		return esp_replay(c, ev);
	case SCRIPT_ESP_EXPECT:
		return esp_expect(c, ev);
	case SCRIPT_ESP_SILENCE:
		return esp_silence(c, ev);
	}
	return run_script_error(c, ev->pos.line, "unknown esp event");
}

/* ------------------------------------------------------------------ */
/* nat                                                                 */

static int nat_expect_keepalive(struct run_ctx *c,
    const struct script_event *ev)
{
	const struct script_nat *x = &ev->u.nat;
	struct run_check k;
	struct net_packet pkt;
	uint64_t deadline = x->timing.kind == SCRIPT_T_NONE ?
	    net_now_us() + RUN_DEFAULT_DEADLINE_US :
	    c->last_event_us + (x->timing.kind == SCRIPT_T_RANGE ?
	    x->timing.hi : x->timing.at);
	struct err e;
	int rc;

	run_check_begin(c, &k, ev->pos.line, "nat expect keepalive");
	for (;;) {
		rc = net_recv(c->net, deadline, &pkt, &e);
		if (rc < 0) {
			run_check_fail(&k, "receive: %s", e.text);
			break;
		}
		if (rc == 0) {
			run_check_fail(&k, "RFC 3948 2.3: expected a NAT keepalive (one byte 0xFF on UDP 4500) vs actual none");
			break;
		}
		if (pkt.keepalive) {
			if (x->timing.kind == SCRIPT_T_RANGE &&
			    pkt.ts_us - c->last_event_us < x->timing.lo)
				run_check_fail(&k, "timing: expected after %" PRIu64 " us vs actual %" PRIu64 " us",
				    x->timing.lo, pkt.ts_us - c->last_event_us);
			c->last_event_us = pkt.ts_us;
			break;
		}
	}
	run_check_end(c, &k);
	return 0;
}

int run_nat(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_nat *x = &ev->u.nat;
	char addr[RUN_TEXT_MAX];
	struct run_check k;
	struct err e;
	int rc = 0;

	switch (x->verb) {
	case SCRIPT_NAT_EXPECT_KEEPALIVE:
		return nat_expect_keepalive(c, ev);
	case SCRIPT_NAT_PRETEND:
		/* Our NAT_DETECTION_SOURCE_IP hashes a port we do not use, so
		 * the IUT finds a NAT in front of us (RFC 7296 2.23) and both
		 * sides move to 4500 after IKE_SA_INIT. */
		c->cfg.local.port ^= 0x5a5a;
		c->nat_pretend = true;
		return 0;
	case SCRIPT_NAT_KEEPALIVE:
		run_check_begin(c, &k, ev->pos.line, "nat keepalive");
		rc = net_send_keepalive(c->net, &e);
		break;
	case SCRIPT_NAT_REBIND:
		run_check_begin(c, &k, ev->pos.line, "nat rebind");
		if (x->address != NULL) {
			if (x->address->kind == SCRIPT_V_STRING)
				snprintf(addr, sizeof(addr), "%.*s",
				    (int)x->address->len, x->address->text);
			else if (run_value_text(c, x->address, addr, sizeof(addr)) < 0) {
				bytes_free(&k.diag);
				return -1;
			}
		}
		/* the IKE port in use, and 4500 (ESP) follows it */
		rc = net_rebind(c->net, c->port, x->address ? addr : NULL, 0, &e);
		if (rc == 0 && c->port != NET_NATT)
			rc = net_rebind(c->net, NET_NATT, x->address ? addr : NULL, 0, &e);
		break;
	}
	if (rc < 0) {
		run_check_fail(&k, "%s", e.text);
		run_check_end(c, &k);
	} else {
		bytes_free(&k.diag);
		c->last_event_us = net_now_us();
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* iut counters                                                        */

/* The value of key in "key=value" lines, or false. */
static bool counter_get(const struct bytes *out, const char *key,
    uint64_t *v)
{
	size_t kl = strlen(key), i = 0;

	while (i < out->len) {
		const char *line = (const char *)out->data + i;
		const uint8_t *nl = memchr(out->data + i, '\n', out->len - i);
		size_t ll = nl ? (size_t)(nl - (out->data + i)) : out->len - i;

		if (ll > kl && memcmp(line, key, kl) == 0 && line[kl] == '=') {
			char num[32];
			size_t n = ll - kl - 1 < sizeof(num) - 1 ? ll - kl - 1 :
			    sizeof(num) - 1;
			char *end;

			memcpy(num, line + kl + 1, n);
			num[n] = '\0';
			errno = 0;
			*v = strtoull(num, &end, 10);
			return errno == 0 && end != num && *end == '\0';
		}
		i += ll + 1;
	}
	return false;
}

static bool cmp_holds(enum script_cmp op, uint64_t a, uint64_t b)
{
	switch (op) {
	case SCRIPT_CMP_EQ: return a == b;
	case SCRIPT_CMP_NE: return a != b;
	case SCRIPT_CMP_LT: return a < b;
	case SCRIPT_CMP_LE: return a <= b;
	case SCRIPT_CMP_GT: return a > b;
	case SCRIPT_CMP_GE: return a >= b;
	}
	return false;
}

int run_iut_counters(struct run_ctx *c, const struct script_event *ev)
{
	const char *args[2] = { "counters", NULL };
	const char *cap = profile_get(c->prof, "capabilities", "esp-counters");
	const struct script_counter *sc;
	struct bytes out = BYTES_EMPTY;
	struct run_check k;
	char desc[RUN_TEXT_MAX], why[RUN_TEXT_MAX], text[64];
	uint64_t have, want;
	struct err e;
	int rc;

	/* A profile that says the IUT has no counters: each comparison is
	 * a SKIP line that says why, never a pass. */
	if (cap == NULL || strncmp(cap, "yes", 3) != 0) {
		snprintf(why, sizeof(why), "the profile says esp-counters = %s",
		    cap ? cap : "(absent)");
		for (sc = ev->u.iut.counters; sc != NULL; sc = sc->next) {
			snprintf(desc, sizeof(desc), "iut counters: %s", sc->name);
			run_check_skip(c, sc->pos.line, desc, why);
		}
		if (ev->u.iut.counters == NULL)
			run_check_skip(c, ev->pos.line, "iut counters", why);
		return 0;
	}
	if (c->adapter[0] == '\0') {
		run_check_begin(c, &k, ev->pos.line, "iut counters");
		run_check_fail(&k, "no adapter for this IUT ([iut] adapter or --iut)");
		run_check_end(c, &k);
		return 0;
	}
	rc = adapter_output(&c->ad, args, &out, &e);
	if (rc != 0) {
		run_check_begin(c, &k, ev->pos.line, "iut counters");
		if (rc < 0)
			run_check_fail(&k, "adapter: %s", e.text);
		else
			run_check_fail(&k, "adapter counters: expected exit 0 (the profile says esp-counters = yes) vs actual %d",
			    rc);
		run_check_end(c, &k);
		bytes_free(&out);
		return 0;
	}
	{
		/* the adapter's answer, as evidence */
		char line[RUN_TEXT_MAX];
		size_t n = out.len < sizeof(line) - 1 ? out.len : sizeof(line) - 1;

		memcpy(line, out.data, n);
		line[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (line[i] == '\n')
				line[i] = ' ';
		run_diag(c, "iut counters: %s", line);
	}
	if (ev->u.iut.counters == NULL) {
		run_check_begin(c, &k, ev->pos.line, "iut counters");
		if (!counter_get(&out, "in_packets", &have))
			run_check_fail(&k, "adapter counters: no in_packets= line");
		run_check_end(c, &k);
	}
	for (sc = ev->u.iut.counters; sc != NULL; sc = sc->next) {
		run_check_begin(c, &k, sc->pos.line, "iut counters: %s", sc->name);
		if (run_value_text(c, sc->value, text, sizeof(text)) < 0) {
			bytes_free(&k.diag);
			bytes_free(&out);
			return -1;
		}
		want = strtoull(text, NULL, 0);
		if (!counter_get(&out, sc->name, &have))
			run_check_fail(&k, "%s: the adapter reports no such counter", sc->name);
		else if (!cmp_holds(sc->cmp, have, want))
			run_check_fail(&k, "%s: expected %s vs actual %" PRIu64,
			    sc->name, text, have);
		run_check_end(c, &k);
	}
	bytes_free(&out);
	return 0;
}
