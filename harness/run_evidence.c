/* run_evidence: the IKE SA and CHILD SAs the script held go into the
 * evidence (evidence.h): the Wireshark key tables written beside the pcap. */
#include "run_esp_int.h"

#include <string.h>

#include "evidence.h"

/* ------------------------------------------------------------------ */
/* Evidence: the Wireshark key tables beside the pcap                  */

/* Both directions of an ESP child in the evidence, with the outer
 * addresses of its packets (harness and IUT). */
static void evidence_child(struct run_ctx *c, const struct ike_child *ch)
{
	const uint8_t *k = ch->keymat.data;
	size_t el = ch->encr_key_len, il = ch->integ_key_len;
	const uint8_t *init = k, *resp = k + el + il;
	struct addr h, i;
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
	    run_esp_profile_addr(c, "addresses", "harness", 0, &h) != 0 ||
	    run_esp_profile_addr(c, "addresses", "iut", h.family, &i) != 0)
		return;
	/* ours out: harness -> IUT under the IUT's SPI */
	p.spi = run_esp_spi_num(ch->spi_out);
	p.encr_key = ch->initiator ? init : resp;
	p.integ_key = p.encr_key + el;
	if (evidence_add_esp(c->ev, &h, &i, &p, &e) < 0)
		run_diag(c, "evidence: %s", e.text);
	p.spi = run_esp_spi_num(ch->spi_in);
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

void run_evidence_free(struct run_ctx *c)
{
	evidence_free(c->ev);
	c->ev = NULL;
}
