/* rules: good and bad messages per exchange and direction. */
#include <stdarg.h>
#include <string.h>

#include "codec.h"
#include "ike.h"
#include "names.h"
#include "rules.h"
#include "tap.h"

/* A message of the exchange with payloads given as types; a type above
 * 0x10000 is N(type - 0x10000). 0 ends the list. */
static struct codec_node *build(struct codec_node *parent, ...)
{
	va_list ap;
	unsigned t;

	va_start(ap, parent);
	while ((t = va_arg(ap, unsigned)) != 0) {
		struct codec_node *p = codec_payload_new(t >= 0x10000 ? PL_N : t);

		if (t >= 0x10000)
			ike_set(p, "notify_type", t - 0x10000);
		codec_append(parent, p);
	}
	va_end(ap);
	return parent;
}

static struct codec_node *msg(unsigned exch)
{
	struct codec_node *m = codec_message_new();

	ike_set(m, "exchange_type", exch);
	ike_set(m, "spi_i", 0x0102030405060708ull);
	return m;
}

#define NT(x) (0x10000u + (x))

static enum rules_status check(unsigned exch, bool resp, struct codec_node *m,
    struct codec_node *inner, struct rules_report *r)
{
	enum rules_status st = rules_check(exch, resp, m, inner, r);

	codec_node_free(m);
	codec_node_free(inner);
	return st;
}

int main(void)
{
	struct rules_report r;
	enum rules_status st;

	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, NT(N_NAT_DETECTION_SOURCE_IP), PL_V, 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "IKE_SA_INIT request SA KE Ni N V conforms");
	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_NONCE, 0), NULL, &r);
	ok(st == RULES_VIOLATES && strstr(r.text[0], "KE missing") != NULL,
	    "IKE_SA_INIT request without KE violates: %s", r.text[0]);
	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, NT(N_COOKIE), 0), NULL, &r);
	ok(st == RULES_VIOLATES, "N(COOKIE) not first in a request violates 2.6");
	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT),
	    NT(N_COOKIE), PL_SA, PL_KE, PL_NONCE, 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "N(COOKIE) first, then SA KE Ni conforms");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, PL_CERTREQ, PL_V, NT(N_NAT_DETECTION_SOURCE_IP), 0),
	    NULL, &r);
	is_int(st, RULES_CONFORMS, "response SA KE Nr CERTREQ V N conforms");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT),
	    NT(N_INVALID_KE_PAYLOAD), 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "INVALID_KE_PAYLOAD alone conforms");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT),
	    NT(N_COOKIE), 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "COOKIE alone conforms");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT),
	    NT(N_NAT_DETECTION_SOURCE_IP), 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "a status notify alone is no answer");
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, PL_AUTH, 0), NULL, &r);
	ok(st == RULES_VIOLATES && strstr(r.text[0], "AUTH not allowed") != NULL,
	    "AUTH in IKE_SA_INIT violates: %s", r.text[0]);
	st = check(EXCH_IKE_SA_INIT, true, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, PL_SK, 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "SK in IKE_SA_INIT violates");

	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), PL_IDr, PL_AUTH, PL_SA, PL_TSi, PL_TSr,
	    NT(N_ADDITIONAL_TS_POSSIBLE), 0), &r);
	is_int(st, RULES_CONFORMS, "IKE_AUTH response IDr AUTH SA TSi TSr N conforms");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), PL_IDr, PL_AUTH, 0), &r);
	is_int(st, RULES_CONFORMS, "childless IKE_AUTH response conforms (RFC 6023)");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), PL_IDr, PL_AUTH, PL_SA, 0), &r);
	is_int(st, RULES_VIOLATES, "SA without TSi TSr violates");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), NT(N_AUTHENTICATION_FAILED), 0), &r);
	is_int(st, RULES_CONFORMS, "AUTHENTICATION_FAILED alone conforms");
	st = check(EXCH_IKE_AUTH, true, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    NULL, &r);
	ok(st == RULES_CONFORMS && r.sk_unchecked,
	    "unopened SK: outside checked, contents flagged unchecked");
	st = check(EXCH_IKE_AUTH, false, build(msg(EXCH_IKE_AUTH), PL_IDi,
	    PL_AUTH, 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "IKE_AUTH request without SK violates");
	st = check(EXCH_IKE_AUTH, false, build(msg(EXCH_IKE_AUTH), PL_V, PL_SK, 0),
	    build(codec_chain_new(), PL_IDi, PL_AUTH, 0), &r);
	is_int(st, RULES_VIOLATES, "a payload outside SK violates");
	st = check(EXCH_IKE_AUTH, false, build(msg(EXCH_IKE_AUTH), PL_SK, PL_V, 0),
	    build(codec_chain_new(), PL_IDi, PL_AUTH, 0), &r);
	is_int(st, RULES_VIOLATES, "SK not last violates 3.14");
	st = check(EXCH_IKE_AUTH, false, build(msg(EXCH_IKE_AUTH), PL_SK, 0),
	    build(codec_chain_new(), PL_EAP, 0), &r);
	is_int(st, RULES_CONFORMS, "an EAP round conforms (2.16)");

	st = check(EXCH_CREATE_CHILD_SA, false, build(msg(EXCH_CREATE_CHILD_SA),
	    PL_SK, 0), build(codec_chain_new(), NT(N_REKEY_SA), PL_SA, PL_NONCE,
	    PL_TSi, PL_TSr, 0), &r);
	is_int(st, RULES_CONFORMS, "CREATE_CHILD_SA rekey request conforms");
	st = check(EXCH_CREATE_CHILD_SA, false, build(msg(EXCH_CREATE_CHILD_SA),
	    PL_SK, 0), build(codec_chain_new(), PL_SA, PL_NONCE, PL_KE, PL_TSi, 0),
	    &r);
	is_int(st, RULES_VIOLATES, "TSi without TSr violates");
	st = check(EXCH_CREATE_CHILD_SA, true, build(msg(EXCH_CREATE_CHILD_SA),
	    PL_SK, 0), build(codec_chain_new(), NT(N_NO_ADDITIONAL_SAS), 0), &r);
	is_int(st, RULES_CONFORMS, "NO_ADDITIONAL_SAS alone conforms");

	st = check(EXCH_INFORMATIONAL, true, build(msg(EXCH_INFORMATIONAL),
	    PL_SK, 0), build(codec_chain_new(), 0), &r);
	is_int(st, RULES_CONFORMS, "empty INFORMATIONAL response conforms");
	st = check(EXCH_INFORMATIONAL, false, build(msg(EXCH_INFORMATIONAL),
	    PL_SK, 0), build(codec_chain_new(), PL_D, PL_D, NT(N_INITIAL_CONTACT),
	    0), &r);
	is_int(st, RULES_CONFORMS, "Delete Delete N conforms");
	st = check(EXCH_INFORMATIONAL, false, build(msg(EXCH_INFORMATIONAL),
	    PL_SK, 0), build(codec_chain_new(), PL_KE, 0), &r);
	is_int(st, RULES_VIOLATES, "KE in INFORMATIONAL violates");
	st = check(EXCH_INFORMATIONAL, false, build(msg(EXCH_INFORMATIONAL),
	    NT(N_INVALID_IKE_SPI), 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "unprotected INVALID_IKE_SPI conforms (1.5)");
	st = check(EXCH_INFORMATIONAL, false, build(msg(EXCH_INFORMATIONAL),
	    PL_D, 0), NULL, &r);
	is_int(st, RULES_VIOLATES, "an unprotected Delete violates");
	st = check(EXCH_IKE_SA_INIT, false, build(msg(EXCH_IKE_SA_INIT), PL_SA,
	    PL_KE, PL_NONCE, 200, 0), NULL, &r);
	is_int(st, RULES_CONFORMS, "an unknown non-critical payload is allowed");
	st = check(EXCH_IKE_INTERMEDIATE, false, build(msg(EXCH_IKE_INTERMEDIATE),
	    0), NULL, &r);
	is_int(st, RULES_NO_TABLE, "no table for IKE_INTERMEDIATE");
	return tap_done();
}
