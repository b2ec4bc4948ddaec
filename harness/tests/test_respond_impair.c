/* test_respond_impair: the impairment table of the reference peer
 * (respond_impair.h) is sound, and impairments change what the peer
 * sends in memory: an IKE_SA_INIT response edited, the default one not,
 * a legal variation that keeps the exchange going. */
#include <string.h>

#include "ike.h"
#include "names.h"
#include "respond.h"
#include "tap.h"

static const char SUITE[] = "AES_CBC/256 HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256";

static void test_table(void)
{
	const struct respond_impair_def *d, *o;
	size_t i, k, legal = 0, bad = 0, dup = 0;

	for (i = 0; i < RESPOND_IMPAIR_COUNT; i++) {
		d = respond_impair_def((enum respond_impair_id)i);
		/* a legal variation says so in its name, and only it */
		if ((d->kind == RESPOND_IMPAIR_LEGAL) !=
		    (strncmp(d->name, "legal-", 6) == 0))
			bad++, diag("%s: kind and name disagree", d->name);
		if (strncmp(d->clause, "RFC 7296 ", 9) != 0 &&
		    strncmp(d->clause, "RFC 4303 ", 9) != 0 &&
		    strncmp(d->clause, "RFC 4302 ", 9) != 0)
			bad++, diag("%s: clause `%s'", d->name, d->clause);
		if (d->suites[0] == '\0')
			bad++, diag("%s: names no suite", d->name);
		if (d->what[0] == '\0')
			bad++, diag("%s: says not what it does", d->name);
		legal += d->kind == RESPOND_IMPAIR_LEGAL;
		for (k = 0; k < i; k++) {
			o = respond_impair_def((enum respond_impair_id)k);
			if (strcmp(o->name, d->name) == 0)
				dup++, diag("%s twice", d->name);
		}
	}
	is_int(bad, 0, "every row: kind matches the name, an RFC clause, suites, a text");
	is_int(dup, 0, "names are unique");
	ok(RESPOND_IMPAIR_COUNT - legal >= 30, "at least 30 violations (%zu)",
	    RESPOND_IMPAIR_COUNT - legal);
	ok(legal >= 4, "at least 4 legal variations (%zu)", legal);
	ok(respond_impair_def(RESPOND_IMPAIR_COUNT) == NULL, "no row past the end");
}

static void test_add(void)
{
	struct respond_impair s = { 0 };
	struct err e = { "" };

	is_int(respond_impair_add(&s, "hdr-version-bit", &e), 0, "a known name");
	ok(respond_impair_has(&s, RESPOND_IMPAIR_HDR_VERSION_BIT) &&
	    !respond_impair_has(&s, RESPOND_IMPAIR_HDR_INITIATOR_BIT),
	    "turns on that one only");
	is_int(respond_impair_add(&s, "hdr-versoin-bit", &e), -1, "an unknown name");
	ok(strstr(e.text, "`hdr-versoin-bit'") != NULL, "quoted: %s", e.text);
}

/* One IKE_SA_INIT request to a responder impaired with names (NULL:
 * none); the response decoded into rx. 1: answered. */
static int init_exchange(const char *name, const char *name2,
    struct ike_rx *rx)
{
	struct ike_config ini, rc;
	struct ike_sa *sa = ike_sa_new(true, NULL);
	struct ike_msg m = { 0 };
	struct bytes req = BYTES_EMPTY, out = BYTES_EMPTY;
	struct respond r;
	struct err e;
	int got = -1;

	memset(rx, 0, sizeof(*rx));
	ike_config_init(&ini);
	ike_config_init(&rc);
	if (sa == NULL || ike_policy_parse(PROTO_IKE, SUITE, &ini.ike, &e) < 0 ||
	    ike_policy_parse(PROTO_IKE, SUITE, &rc.ike, &e) < 0 ||
	    respond_init(&r, &rc, &e) < 0) {
		diag("set-up: %s", e.text);
		ike_sa_free(sa);
		ike_config_free(&ini);
		ike_config_free(&rc);
		return -1;
	}
	if ((name && respond_impair_add(&r.impair, name, &e) < 0) ||
	    (name2 && respond_impair_add(&r.impair, name2, &e) < 0) ||
	    ike_build_init_request(sa, &ini, &m, &e) < 0 ||
	    ike_msg_encode(sa, &m, NULL, &req, &e) < 0 ||
	    respond_handle(&r, req.data, req.len, &out, &e) < 0)
		diag("exchange: %s", e.text);
	else if (out.len == 0)
		got = 0;
	else if (ike_rx_decode(NULL, out.data, out.len, false, rx, &e) == 0)
		got = 1;
	ike_msg_free(&m);
	bytes_free(&req);
	bytes_free(&out);
	respond_free(&r);
	ike_sa_free(sa);
	ike_config_free(&ini);
	ike_config_free(&rc);
	return got;
}

static void test_response_edits(void)
{
	struct ike_rx rx;
	struct codec_node *nr;

	if (init_exchange(NULL, NULL, &rx) == 1) {
		ok(ike_get(rx.hdr, "flags.version") == 0 &&
		    ike_get(rx.hdr, "minor_version") == 0 &&
		    ike_rx_find(&rx, PL_NONCE, 1) != NULL,
		    "unimpaired: V clear, minor version 0, Nr there");
	} else {
		ok(0, "unimpaired: answered");
	}
	ike_rx_free(&rx);
	if (init_exchange("hdr-version-bit", "init-no-nonce", &rx) == 1) {
		ok(ike_get(rx.hdr, "flags.version") == 1,
		    "hdr-version-bit: V set in the response");
		ok(ike_rx_find(&rx, PL_NONCE, 1) == NULL,
		    "init-no-nonce: no Nr");
		ok(ike_rx_find(&rx, PL_SA, 1) && ike_rx_find(&rx, PL_KE, 1),
		    "the rest as it was (SA, KE)");
	} else {
		ok(0, "impaired: answered");
	}
	ike_rx_free(&rx);
	if (init_exchange("nonce-short", "minor-version-nonzero", &rx) == 1) {
		nr = ike_rx_find(&rx, PL_NONCE, 1);
		is_int(nr ? ike_get_data(nr, "data")->len : 0, 8,
		    "nonce-short: an 8-byte Nr");
		is_int(ike_get(rx.hdr, "minor_version"), 1,
		    "minor-version-nonzero: minor version 1");
	} else {
		ok(0, "nonce-short: answered");
	}
	ike_rx_free(&rx);
}

int main(void)
{
	test_table();
	test_add();
	test_response_edits();
	return tap_done();
}
