/* codec internals shared by codec*.c: field indexes the code needs by
 * position, and helpers. Not for other modules (use codec.h). */
#ifndef IKETEST_CODEC_INT_H
#define IKETEST_CODEC_INT_H

#include "codec.h"

/* Every payload table starts with the generic payload header. */
enum { PH_NEXT, PH_CRITICAL, PH_RESERVED, PH_LENGTH, PH_COUNT };

enum {	/* IKE header */
	HDR_SPI_I, HDR_SPI_R, HDR_NEXT, HDR_VERSION, HDR_MAJOR, HDR_MINOR,
	HDR_EXCHANGE, HDR_FLAGS, HDR_F_RES_HIGH, HDR_F_RESPONSE,
	HDR_F_VERSION, HDR_F_INITIATOR, HDR_F_RES_LOW, HDR_MESSAGE_ID,
	HDR_LENGTH, HDR_PAYLOADS, HDR_TRAILING, HDR_COUNT
};
enum { CHAIN_PAYLOADS, CHAIN_TRAILING, CHAIN_COUNT };
enum { SA_PROPOSALS = PH_COUNT, SA_COUNT };
enum { PROP_LAST, PROP_RESERVED, PROP_LENGTH, PROP_NUMBER, PROP_PROTOCOL,
	PROP_SPI_SIZE, PROP_NUM_TRANSFORMS, PROP_SPI, PROP_TRANSFORMS,
	PROP_COUNT };
enum { TR_LAST, TR_RESERVED, TR_LENGTH, TR_TYPE, TR_RESERVED2, TR_ID,
	TR_ATTRIBUTES, TR_COUNT };
enum { TA_AF, TA_TYPE, TA_LENGTH, TA_VALUE, TA_DATA, TA_COUNT };
enum { KE_GROUP = PH_COUNT, KE_RESERVED, KE_DATA, KE_COUNT };
enum { ID_TYPE = PH_COUNT, ID_RESERVED, ID_DATA, ID_COUNT };
enum { CERT_ENCODING = PH_COUNT, CERT_DATA, CERT_COUNT };
enum { AUTH_METHOD = PH_COUNT, AUTH_RESERVED, AUTH_DATA, AUTH_COUNT };
enum { NONCE_DATA = PH_COUNT, NONCE_COUNT };
enum { NTF_PROTOCOL = PH_COUNT, NTF_SPI_SIZE, NTF_TYPE, NTF_SPI, NTF_DATA,
	NTF_COUNT };
enum { DEL_PROTOCOL = PH_COUNT, DEL_SPI_SIZE, DEL_NUM_SPIS, DEL_SPIS,
	DEL_COUNT };
enum { DSPI_VALUE, DSPI_COUNT };
enum { VID_DATA = PH_COUNT, VID_COUNT };
enum { TS_NUM = PH_COUNT, TS_RESERVED, TS_SELECTORS, TS_COUNT };
enum { SEL_TYPE, SEL_PROTOCOL, SEL_LENGTH, SEL_START_PORT, SEL_END_PORT,
	SEL_START_ADDR, SEL_END_ADDR, SEL_DATA, SEL_COUNT };
enum { SK_DATA = PH_COUNT, SK_COUNT };
enum { CP_TYPE = PH_COUNT, CP_RESERVED, CP_ATTRIBUTES, CP_COUNT };
enum { CA_RESERVED, CA_TYPE, CA_LENGTH, CA_VALUE, CA_COUNT };
enum { EAP_CODE_F = PH_COUNT, EAP_IDENT, EAP_LENGTH, EAP_TYPE, EAP_DATA,
	EAP_COUNT };
enum { SKF_NUMBER = PH_COUNT, SKF_TOTAL, SKF_DATA, SKF_COUNT };
enum { UNK_DATA = PH_COUNT, UNK_COUNT };

/* The automatic value of a computed field (the value for plain ones). */
uint64_t codec_auto_value(const struct codec_node *n, int field);
/* Largest value a UINT field of that width holds. */
uint64_t codec_width_max(unsigned bits);
/* Renumbers kid->index after an edit. */
void codec_reindex(struct codec_node *parent);
/* A payload's path name ("SA", "NONCE", "PL99"); buf for the unknown. */
const char *codec_payload_name(unsigned ptype, char *buf, size_t len);

#endif
