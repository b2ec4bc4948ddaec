/* evidence_check: reads one packet of tshark's PDML and says whether
 * tshark decrypted it into exactly what evidence_cases sent, and with
 * which integrity verdict. Used both ways: every decryptable case must
 * pass with the right key tables, and none with the wrong ones. */
#ifndef IKETEST_TESTS_EVIDENCE_CHECK_H
#define IKETEST_TESTS_EVIDENCE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "evidence_cases.h"
#include "evidence_pdml.h"

/* The integrity verdict tshark shows. */
enum ck_icv {
	CK_ICV_NONE,		/* no ICV field, or not decrypted */
	CK_ICV_GOOD,		/* "[correct]", esp.icv_good */
	CK_ICV_UNCHECKED,	/* "[not validated]", "[unchecked]" */
	CK_ICV_BAD,		/* "[incorrect...]", esp.icv_bad */
};
const char *ck_icv_name(enum ck_icv v);

/* What tshark made of one packet. why: the first difference, or "". */
struct ck_result {
	bool decrypted;		/* tshark shows decrypted data */
	bool equal;		/* ... and every inner field is what was sent */
	size_t fields;		/* how many inner fields compared equal */
	enum ck_icv icv;
	char why[256];
};

void ck_ike(const struct pdml_packet *pk, const struct ec_ike *c,
    struct ck_result *r);
void ck_esp(const struct pdml_packet *pk, const struct ec_esp *c,
    unsigned dir, struct ck_result *r);

/* The verdict a case should show with the right keys: FULL cases GOOD,
 * NO_ICV cases UNCHECKED, except an AES-GCM SA with ESN (BAD, the
 * Wireshark 4.0 limitation evidence.h documents). */
enum ck_icv ck_ike_expected(const struct ec_ike *c);
enum ck_icv ck_esp_expected(const struct ec_esp *c);

#endif
