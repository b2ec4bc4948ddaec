/* codec_tables: one field table per IKEv2 wire structure, beside the
 * RFC 7296 (and RFC 7383) diagram it describes. The decoder, encoder,
 * printer and path access in codec*.c know nothing about payloads beyond
 * what is written here (and the few checks at the end). */
#include "codec_int.h"

#include <string.h>

/* Builders for table entries; every entry names its names table (or -1),
 * since 0 is a real table. */
#define F_UINT(n, b, tbl) { .name = n, .kind = CODEC_K_UINT, .bits = b, \
	.names = tbl, .ref = -1 }
#define F_HEX(n, b) { .name = n, .kind = CODEC_K_UINT, .bits = b, \
	.names = -1, .ref = -1, .fmt = CODEC_FMT_HEX }
#define F_DEF(n, b, tbl, d) { .name = n, .kind = CODEC_K_UINT, .bits = b, \
	.names = tbl, .ref = -1, .def = d }
#define F_FLAG(n, letter) { .name = n, .kind = CODEC_K_UINT, .bits = 1, \
	.names = -1, .ref = -1, .abbrev = letter }
#define F_RES(n, b) { .name = n, .kind = CODEC_K_UINT, .bits = b, \
	.names = -1, .ref = -1, .autov = CODEC_A_RESERVED }
#define F_LEN(n, b, minus) { .name = n, .kind = CODEC_K_UINT, .bits = b, \
	.names = -1, .ref = -1, .autov = CODEC_A_LENGTH, .aux = minus }
#define F_DLEN(n, b, data) { .name = n, .kind = CODEC_K_UINT, .bits = b, \
	.names = -1, .ref = data, .autov = CODEC_A_DATA_LENGTH }
#define F_COUNT(n, b, problem) { .name = n, .kind = CODEC_K_UINT, \
	.bits = b, .names = -1, .ref = -1, .autov = CODEC_A_COUNT, \
	.mismatch = CODEC_P_##problem }
#define F_NEXT(n) { .name = n, .kind = CODEC_K_UINT, .bits = 8, \
	.names = NAMES_T_PAYLOAD, .ref = -1, .autov = CODEC_A_NEXT_PAYLOAD }
#define F_LAST(n, more) { .name = n, .kind = CODEC_K_UINT, .bits = 8, \
	.names = -1, .ref = -1, .autov = CODEC_A_LAST_MORE, .aux = more }
#define F_DATA(n, fm) { .name = n, .kind = CODEC_K_DATA, .names = -1, \
	.ref = -1, .size = CODEC_SZ_REST, .fmt = fm, \
	.mismatch = CODEC_P_LENGTH_BEYOND_DATA }
#define F_DATA_BY(n, sz, r, problem) { .name = n, .kind = CODEC_K_DATA, \
	.names = -1, .ref = r, .size = sz, \
	.mismatch = CODEC_P_##problem }
#define F_KIDS(n, k) { .name = n, .kind = CODEC_K_CHILDREN, .names = -1, \
	.ref = -1, .child = k }
#define F_ALIAS(n, b, fm) { .name = n, .kind = CODEC_K_ALIAS, .bits = b, \
	.names = -1, .ref = -1, .fmt = fm }

/*
 * RFC 7296 3.1, the IKE header:
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Initiator's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Responder's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Message ID                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Flags: |X|X|R|V|I|X|X|X|
 * Then the payloads, then (only when crafted) trailing bytes, which the
 * automatic Length counts.
 */
static const struct codec_field header_fields[] = {
	[HDR_SPI_I] = F_HEX("spi_i", 64),
	[HDR_SPI_R] = F_HEX("spi_r", 64),
	[HDR_NEXT] = F_NEXT("next_payload"),
	[HDR_VERSION] = F_ALIAS("version", 8, CODEC_FMT_DOTTED),
	[HDR_MAJOR] = F_DEF("major_version", 4, -1, 2),
	[HDR_MINOR] = F_UINT("minor_version", 4, -1),
	[HDR_EXCHANGE] = F_UINT("exchange_type", 8, NAMES_T_EXCHANGE),
	[HDR_FLAGS] = F_ALIAS("flags", 8, CODEC_FMT_FLAGS),
	[HDR_F_RES_HIGH] = F_RES("flags.reserved_high", 2),
	[HDR_F_RESPONSE] = F_FLAG("flags.response", "R"),
	[HDR_F_VERSION] = F_FLAG("flags.version", "V"),
	[HDR_F_INITIATOR] = F_FLAG("flags.initiator", "I"),
	[HDR_F_RES_LOW] = F_RES("flags.reserved_low", 3),
	[HDR_MESSAGE_ID] = F_UINT("message_id", 32, -1),
	[HDR_LENGTH] = F_LEN("length", 32, 0),
	[HDR_PAYLOADS] = F_KIDS("payloads", CODEC_S_MESSAGE),
	[HDR_TRAILING] = F_DATA("trailing", CODEC_FMT_HEX),
};

/* A payload chain with no header: the plaintext inside SK. */
static const struct codec_field chain_fields[] = {
	[CHAIN_PAYLOADS] = F_KIDS("payloads", CODEC_S_MESSAGE),
	[CHAIN_TRAILING] = F_DATA("trailing", CODEC_FMT_HEX),
};

/*
 * RFC 7296 3.2, the generic payload header, first in every payload:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#define GENERIC_HEADER \
	[PH_NEXT] = F_NEXT("next_payload"), \
	[PH_CRITICAL] = F_UINT("critical", 1, -1), \
	[PH_RESERVED] = F_RES("reserved", 7), \
	[PH_LENGTH] = F_LEN("length", 16, 0)
/* SK and SKF: Next Payload names the first payload inside (RFC 7296 3.14,
 * RFC 7383 2.5), so it is a plain value the crypto layer fills in. */
#define GENERIC_HEADER_INNER \
	[PH_NEXT] = F_UINT("next_payload", 8, NAMES_T_PAYLOAD), \
	[PH_CRITICAL] = F_UINT("critical", 1, -1), \
	[PH_RESERVED] = F_RES("reserved", 7), \
	[PH_LENGTH] = F_LEN("length", 16, 0)

/*
 * RFC 7296 3.3, Security Association payload: the header, then proposals.
 */
static const struct codec_field sa_fields[] = {
	GENERIC_HEADER,
	[SA_PROPOSALS] = F_KIDS("proposals", CODEC_S_PROPOSAL),
};

/*
 * RFC 7296 3.3.1, proposal substructure:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |         Proposal Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        SPI (variable)                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        <Transforms>                           ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Last Substruc: 0 on the last proposal, 2 otherwise.
 */
static const struct codec_field proposal_fields[] = {
	[PROP_LAST] = F_LAST("last", 2),
	[PROP_RESERVED] = F_RES("reserved", 8),
	[PROP_LENGTH] = F_LEN("length", 16, 0),
	[PROP_NUMBER] = { .name = "number", .kind = CODEC_K_UINT, .bits = 8,
		.names = -1, .ref = -1, .autov = CODEC_A_INDEX },
	[PROP_PROTOCOL] = F_DEF("protocol", 8, NAMES_T_PROTOCOL, PROTO_IKE),
	[PROP_SPI_SIZE] = F_DLEN("spi_size", 8, PROP_SPI),
	[PROP_NUM_TRANSFORMS] = F_COUNT("num_transforms", 8,
	    TRANSFORM_COUNT_MISMATCH),
	[PROP_SPI] = F_DATA_BY("spi", CODEC_SZ_FIELD, PROP_SPI_SIZE,
	    LENGTH_BEYOND_DATA),
	[PROP_TRANSFORMS] = F_KIDS("transforms", CODEC_S_TRANSFORM),
};

/* The transform ID's registry depends on the transform type. */
int codec_transform_id_names(unsigned type)
{
	switch (type) {
	case TT_ENCR: return NAMES_T_ENCR;
	case TT_PRF: return NAMES_T_PRF;
	case TT_INTEG: return NAMES_T_INTEG;
	case TT_DH: return NAMES_T_DH;
	case TT_ESN: return NAMES_T_ESN;
	}
	return -1;
}

static int transform_id_names(const struct codec_node *n)
{
	return codec_transform_id_names((unsigned)n->v[TR_TYPE].num);
}

/*
 * RFC 7296 3.3.2, transform substructure:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |        Transform Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Transform Type |   RESERVED    |          Transform ID         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Transform Attributes                     ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Last Substruc: 0 on the last transform, 3 otherwise.
 */
static const struct codec_field transform_fields[] = {
	[TR_LAST] = F_LAST("last", 3),
	[TR_RESERVED] = F_RES("reserved", 8),
	[TR_LENGTH] = F_LEN("length", 16, 0),
	[TR_TYPE] = F_UINT("type", 8, NAMES_T_TRANSFORM_TYPE),
	[TR_RESERVED2] = F_RES("reserved2", 8),
	[TR_ID] = { .name = "id", .kind = CODEC_K_UINT, .bits = 16,
		.names = -1, .ref = -1, .names_of = transform_id_names },
	[TR_ATTRIBUTES] = F_KIDS("attributes", CODEC_S_TATTR),
};

static bool attr_is_tlv(const struct codec_node *n)
{
	return n->v[TA_AF].num == 0;
}

static bool attr_is_tv(const struct codec_node *n)
{
	return n->v[TA_AF].num == 1;
}

/*
 * RFC 7296 3.3.5, transform attribute:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |A|       Attribute Type        |    AF=0  Attribute Length     |
 * |F|                             |    AF=1  Attribute Value      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   AF=0  Attribute Value                       |
 * |                   AF=1  Not Transmitted                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * "length" and "data" exist in TLV form (af=0), "value" in TV form.
 */
static const struct codec_field tattr_fields[] = {
	[TA_AF] = F_DEF("af", 1, -1, 1),
	[TA_TYPE] = F_DEF("type", 15, NAMES_T_ATTRIBUTE, ATTR_KEY_LENGTH),
	[TA_LENGTH] = { .name = "length", .kind = CODEC_K_UINT, .bits = 16,
		.names = -1, .ref = TA_DATA, .autov = CODEC_A_DATA_LENGTH,
		.present = attr_is_tlv },
	[TA_VALUE] = { .name = "value", .kind = CODEC_K_UINT, .bits = 16,
		.names = -1, .ref = -1, .present = attr_is_tv },
	[TA_DATA] = { .name = "data", .kind = CODEC_K_DATA, .names = -1,
		.ref = TA_LENGTH, .size = CODEC_SZ_FIELD,
		.present = attr_is_tlv,
		.mismatch = CODEC_P_BAD_ATTRIBUTE_LENGTH },
};

/*
 * RFC 7296 3.4, Key Exchange payload:
 * |   Diffie-Hellman Group Num    |           RESERVED            |
 * ~                       Key Exchange Data                       ~
 */
static const struct codec_field ke_fields[] = {
	GENERIC_HEADER,
	[KE_GROUP] = F_UINT("group", 16, NAMES_T_DH),
	[KE_RESERVED] = F_RES("reserved2", 16),
	[KE_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/*
 * RFC 7296 3.5, Identification payloads (IDi 35, IDr 36):
 * |   ID Type     |                 RESERVED                      |
 * ~                   Identification Data                         ~
 */
static const struct codec_field id_fields[] = {
	GENERIC_HEADER,
	[ID_TYPE] = F_UINT("id_type", 8, NAMES_T_ID),
	[ID_RESERVED] = F_RES("reserved2", 24),
	[ID_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/*
 * RFC 7296 3.6 Certificate and 3.7 Certificate Request payloads:
 * | Cert Encoding |                                               |
 * +-+-+-+-+-+-+-+-+                                               |
 * ~                       Certificate Data / Certification Authority
 */
static const struct codec_field cert_fields[] = {
	GENERIC_HEADER,
	[CERT_ENCODING] = F_UINT("encoding", 8, NAMES_T_CERT),
	[CERT_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/*
 * RFC 7296 3.8, Authentication payload:
 * | Auth Method   |                RESERVED                       |
 * ~                      Authentication Data                      ~
 */
static const struct codec_field auth_fields[] = {
	GENERIC_HEADER,
	[AUTH_METHOD] = F_UINT("method", 8, NAMES_T_AUTH),
	[AUTH_RESERVED] = F_RES("reserved2", 24),
	[AUTH_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/* RFC 7296 3.9 Nonce (Ni, Nr) and 3.12 Vendor ID: the header, then data. */
static const struct codec_field nonce_fields[] = {
	GENERIC_HEADER,
	[NONCE_DATA] = F_DATA("data", CODEC_FMT_HEX),
};
static const struct codec_field vendor_fields[] = {
	GENERIC_HEADER,
	[VID_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/*
 * RFC 7296 3.10, Notify payload:
 * |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 * ~                Security Parameter Index (SPI)                 ~
 * ~                       Notification Data                       ~
 */
static const struct codec_field notify_fields[] = {
	GENERIC_HEADER,
	[NTF_PROTOCOL] = F_UINT("protocol", 8, NAMES_T_PROTOCOL),
	[NTF_SPI_SIZE] = F_DLEN("spi_size", 8, NTF_SPI),
	[NTF_TYPE] = F_UINT("notify_type", 16, NAMES_T_NOTIFY),
	[NTF_SPI] = F_DATA_BY("spi", CODEC_SZ_FIELD, NTF_SPI_SIZE,
	    LENGTH_BEYOND_DATA),
	[NTF_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/*
 * RFC 7296 3.11, Delete payload:
 * | Protocol ID   |   SPI Size    |          Num of SPIs          |
 * ~               Security Parameter Index(es) (SPI)              ~
 * Each SPI is a child node of SPI Size bytes.
 */
static const struct codec_field delete_fields[] = {
	GENERIC_HEADER,
	[DEL_PROTOCOL] = F_DEF("protocol", 8, NAMES_T_PROTOCOL, PROTO_ESP),
	[DEL_SPI_SIZE] = { .name = "spi_size", .kind = CODEC_K_UINT,
		.bits = 8, .names = -1, .ref = -1,
		.autov = CODEC_A_FIRST_CHILD_LENGTH },
	[DEL_NUM_SPIS] = F_COUNT("num_spis", 16, SPI_COUNT_MISMATCH),
	[DEL_SPIS] = F_KIDS("spis", CODEC_S_DSPI),
};
static const struct codec_field dspi_fields[] = {
	[DSPI_VALUE] = F_DATA_BY("value", CODEC_SZ_PARENT_FIELD, DEL_SPI_SIZE,
	    LENGTH_BEYOND_DATA),
};

/*
 * RFC 7296 3.13, Traffic Selector payloads (TSi 44, TSr 45):
 * | Number of TSs |                 RESERVED                      |
 * ~                       <Traffic Selectors>                     ~
 */
static const struct codec_field ts_fields[] = {
	GENERIC_HEADER,
	[TS_NUM] = F_COUNT("num_ts", 8, TS_COUNT_MISMATCH),
	[TS_RESERVED] = F_RES("reserved2", 24),
	[TS_SELECTORS] = F_KIDS("selectors", CODEC_S_SELECTOR),
};

static bool ts_is_ip(const struct codec_node *n)
{
	return n->v[SEL_TYPE].num == TS_IPV4_ADDR_RANGE ||
	    n->v[SEL_TYPE].num == TS_IPV6_ADDR_RANGE;
}

static bool ts_is_other(const struct codec_node *n)
{
	return !ts_is_ip(n);
}

static size_t ts_addr_len(const struct codec_node *n)
{
	return n->v[SEL_TYPE].num == TS_IPV6_ADDR_RANGE ? 16 : 4;
}

/*
 * RFC 7296 3.13.1, traffic selector:
 * |   TS Type     |IP Protocol ID*|       Selector Length         |
 * |           Start Port*         |           End Port*           |
 * ~                         Starting Address*                     ~
 * ~                         Ending Address*                       ~
 * Addresses are 4 bytes for TS_IPV4_ADDR_RANGE, 16 for IPV6; any other
 * type keeps everything after the length as "data".
 */
#define F_ADDR(n) { .name = n, .kind = CODEC_K_DATA, .names = -1, .ref = -1, \
	.size = CODEC_SZ_FUNC, .size_of = ts_addr_len, .present = ts_is_ip, \
	.fmt = CODEC_FMT_IP, .mismatch = CODEC_P_LENGTH_BEYOND_DATA }
static const struct codec_field selector_fields[] = {
	[SEL_TYPE] = F_DEF("ts_type", 8, NAMES_T_TS, TS_IPV4_ADDR_RANGE),
	[SEL_PROTOCOL] = F_UINT("ip_protocol", 8, -1),
	[SEL_LENGTH] = F_LEN("length", 16, 0),
	[SEL_START_PORT] = { .name = "start_port", .kind = CODEC_K_UINT,
		.bits = 16, .names = -1, .ref = -1, .present = ts_is_ip },
	[SEL_END_PORT] = { .name = "end_port", .kind = CODEC_K_UINT,
		.bits = 16, .names = -1, .ref = -1, .present = ts_is_ip,
		.def = 65535 },
	[SEL_START_ADDR] = F_ADDR("start_address"),
	[SEL_END_ADDR] = F_ADDR("end_address"),
	[SEL_DATA] = { .name = "data", .kind = CODEC_K_DATA, .names = -1,
		.ref = -1, .size = CODEC_SZ_REST, .present = ts_is_other,
		.mismatch = CODEC_P_LENGTH_BEYOND_DATA },
};

/*
 * RFC 7296 3.14, Encrypted payload:
 * |                     Initialization Vector                     |
 * ~                    Encrypted IKE Payloads                     ~
 * |               |             Padding (0-255 octets)            |
 * |                                               |  Pad Length   |
 * ~                    Integrity Checksum Data                    ~
 * Opaque here: IV | ciphertext | ICV in "data".
 */
static const struct codec_field sk_fields[] = {
	GENERIC_HEADER_INNER,
	[SK_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/*
 * RFC 7296 3.15, Configuration payload:
 * |   CFG Type    |                    RESERVED                   |
 * ~                   Configuration Attributes                    ~
 */
static const struct codec_field cp_fields[] = {
	GENERIC_HEADER,
	[CP_TYPE] = F_DEF("cfg_type", 8, NAMES_T_CFG, CFG_REQUEST),
	[CP_RESERVED] = F_RES("reserved2", 24),
	[CP_ATTRIBUTES] = F_KIDS("attributes", CODEC_S_CATTR),
};

/*
 * RFC 7296 3.15.1, configuration attribute:
 * |R|         Attribute Type      |            Length             |
 * ~                             Value                             ~
 */
static const struct codec_field cattr_fields[] = {
	[CA_RESERVED] = F_RES("reserved", 1),
	[CA_TYPE] = F_UINT("type", 15, NAMES_T_CFG_ATTR),
	[CA_LENGTH] = F_DLEN("length", 16, CA_VALUE),
	[CA_VALUE] = { .name = "value", .kind = CODEC_K_DATA, .names = -1,
		.ref = CA_LENGTH, .size = CODEC_SZ_FIELD, .fmt = CODEC_FMT_IP,
		.mismatch = CODEC_P_BAD_ATTRIBUTE_LENGTH },
};

static bool eap_has_type(const struct codec_node *n)
{
	return n->v[EAP_CODE_F].num == EAP_REQUEST ||
	    n->v[EAP_CODE_F].num == EAP_RESPONSE;
}

/*
 * RFC 7296 3.16, EAP payload, carrying an RFC 3748 EAP message:
 * |     Code      | Identifier    |           Length              |
 * |     Type      | Type_Data...
 * Type only for Request and Response; Length counts from Code.
 */
static const struct codec_field eap_fields[] = {
	GENERIC_HEADER,
	[EAP_CODE_F] = F_DEF("code", 8, NAMES_T_EAP_CODE, EAP_REQUEST),
	[EAP_IDENT] = F_UINT("identifier", 8, -1),
	[EAP_LENGTH] = F_LEN("eap_length", 16, 4),
	[EAP_TYPE] = { .name = "eap_type", .kind = CODEC_K_UINT, .bits = 8,
		.names = -1, .ref = -1, .present = eap_has_type, .def = 1 },
	[EAP_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/*
 * RFC 7383 2.5, Encrypted Fragment payload:
 * |        Fragment Number        |        Total Fragments        |
 * |                     Initialization Vector                     |
 * ~                      Encrypted content                        ~
 */
static const struct codec_field skf_fields[] = {
	GENERIC_HEADER_INNER,
	[SKF_NUMBER] = F_DEF("fragment_number", 16, -1, 1),
	[SKF_TOTAL] = F_DEF("total_fragments", 16, -1, 1),
	[SKF_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/* A payload type with no table: the generic header, then raw bytes. */
static const struct codec_field unknown_fields[] = {
	GENERIC_HEADER,
	[UNK_DATA] = F_DATA("data", CODEC_FMT_HEX),
};

/*
 * Script arguments (suites/README.md, "Payloads"): what a script writes
 * inside KE(...), N(...), and the field each sets. The parser checks them,
 * the message builder and the matcher apply them; a key that names no
 * field (CODEC_KEY_BUILT) is for the builder.
 */
#define K(k, f) { .key = k, .field = f, .names = -1 }
#define K_POS(k, f, p) { .key = k, .field = f, .names = -1, .pos = p }
#define K_BUILT(k, tbl) { .key = k, .field = CODEC_KEY_BUILT, .names = tbl }
/* Keys every payload has: its generic header. */
#define GENERIC_KEYS \
	K("critical", PH_CRITICAL), K("length", PH_LENGTH), \
	{ .key = "next", .field = PH_NEXT, .names = -1, .run_words = true }, \
	{ .key = NULL }

static const struct codec_key generic_keys[] = { GENERIC_KEYS };
static const struct codec_key ke_keys[] = {
	K_POS("group", KE_GROUP, 1), K("data", KE_DATA),
	K("reserved", KE_RESERVED), GENERIC_KEYS
};
static const struct codec_key id_keys[] = {
	K_POS("type", ID_TYPE, 1), K_POS("data", ID_DATA, 2), GENERIC_KEYS
};
static const struct codec_key cert_keys[] = {
	K_POS("encoding", CERT_ENCODING, 1), K("data", CERT_DATA),
	GENERIC_KEYS
};
static const struct codec_key auth_keys[] = {
	K_POS("method", AUTH_METHOD, 1), K("data", AUTH_DATA), GENERIC_KEYS
};
static const struct codec_key nonce_keys[] = {
	K_POS("data", NONCE_DATA, 1), K_BUILT("size", -1), GENERIC_KEYS
};
static const struct codec_key notify_keys[] = {
	{ .key = "type", .field = NTF_TYPE, .names = -1, .pos = 1,
	  .required = true },
	K("data", NTF_DATA), K("proto", NTF_PROTOCOL), K("spi", NTF_SPI),
	GENERIC_KEYS
};
static const struct codec_key delete_keys[] = {
	/* spi=A B C: one Delete for several SAs (RFC 7296 3.11) */
	K("proto", DEL_PROTOCOL),
	{ .key = "spi", .field = CODEC_KEY_BUILT, .names = -1, .many = true },
	GENERIC_KEYS
};
static const struct codec_key vendor_keys[] = {
	K_POS("data", VID_DATA, 1), GENERIC_KEYS
};
static const struct codec_key ts_keys[] = {
	{ .key = "ts", .field = CODEC_KEY_BUILT, .names = -1, .pos = 1,
	  .many = true },
	GENERIC_KEYS
};
/* SK(...) holds payloads; data is for PAYLOAD(type=46, data=...). */
static const struct codec_key sk_keys[] = { K("data", SK_DATA), GENERIC_KEYS };
static const struct codec_key cp_keys[] = {
	K_POS("type", CP_TYPE, 1), K_BUILT("attr", NAMES_T_CFG_ATTR),
	GENERIC_KEYS
};
static const struct codec_key eap_keys[] = {
	K_POS("code", EAP_CODE_F, 1), K("data", EAP_DATA), GENERIC_KEYS
};
static const struct codec_key skf_keys[] = {
	K("number", SKF_NUMBER), K("total", SKF_TOTAL), K("data", SKF_DATA),
	GENERIC_KEYS
};
/* PAYLOAD(type=200, ...): any type; the builder reads the type. */
static const struct codec_key unknown_keys[] = {
	{ .key = "type", .field = CODEC_KEY_BUILT, .names = NAMES_T_PAYLOAD,
	  .pos = 1, .required = true },
	K("data", UNK_DATA), GENERIC_KEYS
};

/* The payload names a script writes; Ni and Nr are both NONCE. */
const struct codec_script_payload codec_script_payloads[] = {
	{ "SA", PL_SA }, { "KE", PL_KE }, { "IDi", PL_IDi }, { "IDr", PL_IDr },
	{ "CERT", PL_CERT }, { "CERTREQ", PL_CERTREQ }, { "AUTH", PL_AUTH },
	{ "Ni", PL_NONCE }, { "Nr", PL_NONCE }, { "NONCE", PL_NONCE },
	{ "N", PL_N }, { "D", PL_D }, { "V", PL_V }, { "TSi", PL_TSi },
	{ "TSr", PL_TSr }, { "SK", PL_SK }, { "CP", PL_CP }, { "EAP", PL_EAP },
	{ "SKF", PL_SKF }, { "PAYLOAD", 0 }, { NULL, 0 },
};

/* Checks beyond lengths, counts and reserved bits. */

/* Where field f of a decoded node was in the input. */
#define AT(n, f) ((n)->offset + codec_field_offset((n), (f)))

static void check_header(struct codec_node *n, struct codec_problems *pr)
{
	if (n->v[HDR_MAJOR].num != 2)
		codec_problem_add(pr, CODEC_P_BAD_MAJOR_VERSION,
		    AT(n, HDR_MAJOR), n, HDR_MAJOR, "%llu", (unsigned long long)n->v[HDR_MAJOR].num);
	if (n->v[HDR_MINOR].num != 0)
		codec_problem_add(pr, CODEC_P_MINOR_VERSION_NOT_ZERO,
		    AT(n, HDR_MINOR), n, HDR_MINOR, "%llu", (unsigned long long)n->v[HDR_MINOR].num);
}

/* RFC 7296 3.3.1: the first proposal is 1, each next one more. A reply
 * carries one proposal with the number it chose, so one proposal may
 * have any number but 0. */
static void check_sa(struct codec_node *n, struct codec_problems *pr)
{
	size_t i;

	if (n->nkids == 0) {
		codec_problem_add(pr, CODEC_P_NO_PROPOSALS, n->offset, n, -1,
		    "no proposal in %llu bytes",
		    (unsigned long long)n->v[PH_LENGTH].num);
		return;
	}
	for (i = 0; i < n->nkids; i++) {
		const struct codec_node *p = n->kids[i];
		uint64_t num = p->v[PROP_NUMBER].num;
		uint64_t want = i == 0 ? 1 :
		    n->kids[i - 1]->v[PROP_NUMBER].num + 1;

		if ((n->nkids > 1 || num == 0) && num != want)
			codec_problem_add(pr, CODEC_P_BAD_PROPOSAL_NUMBER,
			    AT(p, PROP_NUMBER), p, PROP_NUMBER, "%llu, expected %llu",
			    (unsigned long long)num, (unsigned long long)want);
	}
}

/* SPI sizes by protocol: RFC 7296 3.3.1 (IKE 0 or 8, AH/ESP 4). */
static void check_proposal(struct codec_node *n, struct codec_problems *pr)
{
	uint64_t proto = n->v[PROP_PROTOCOL].num, size = n->v[PROP_SPI_SIZE].num;
	bool bad = (proto == PROTO_IKE && size != 0 && size != 8) ||
	    ((proto == PROTO_AH || proto == PROTO_ESP) && size != 4);

	if (bad)
		codec_problem_add(pr, CODEC_P_BAD_SPI_SIZE, AT(n, PROP_SPI_SIZE), n,
		    PROP_SPI_SIZE, "%llu for protocol %s",
		    (unsigned long long)size,
		    names_get(NAMES_T_PROTOCOL, (unsigned)proto));
}

/* RFC 7296 3.10: no SPI for the IKE SA (or none), 4 bytes for AH/ESP. */
static void check_notify(struct codec_node *n, struct codec_problems *pr)
{
	uint64_t proto = n->v[NTF_PROTOCOL].num, size = n->v[NTF_SPI_SIZE].num;
	bool bad = ((proto == PROTO_NONE || proto == PROTO_IKE) && size != 0) ||
	    ((proto == PROTO_AH || proto == PROTO_ESP) && size != 0 &&
	    size != 4);

	if (bad)
		codec_problem_add(pr, CODEC_P_BAD_SPI_SIZE, AT(n, NTF_SPI_SIZE), n,
		    NTF_SPI_SIZE, "%llu for protocol %s",
		    (unsigned long long)size,
		    names_get(NAMES_T_PROTOCOL, (unsigned)proto));
}

/* RFC 7296 3.11: IKE: size 0 and no SPI; AH/ESP: 4-byte SPIs. */
static void check_delete(struct codec_node *n, struct codec_problems *pr)
{
	uint64_t proto = n->v[DEL_PROTOCOL].num, size = n->v[DEL_SPI_SIZE].num;
	bool bad = (proto == PROTO_IKE && size != 0) ||
	    ((proto == PROTO_AH || proto == PROTO_ESP) && size != 4);

	if (bad)
		codec_problem_add(pr, CODEC_P_BAD_SPI_SIZE, AT(n, DEL_SPI_SIZE), n,
		    DEL_SPI_SIZE, "%llu for protocol %s",
		    (unsigned long long)size,
		    names_get(NAMES_T_PROTOCOL, (unsigned)proto));
}

/* RFC 7296 3.13.1: 16 bytes for IPv4 ranges, 40 for IPv6. */
static void check_selector(struct codec_node *n, struct codec_problems *pr)
{
	uint64_t type = n->v[SEL_TYPE].num, len = n->v[SEL_LENGTH].num;
	uint64_t want = type == TS_IPV4_ADDR_RANGE ? 16 :
	    type == TS_IPV6_ADDR_RANGE ? 40 : len;

	if (len != want)
		codec_problem_add(pr, CODEC_P_BAD_TS_LENGTH, AT(n, SEL_LENGTH), n,
		    SEL_LENGTH, "%llu for %s, expected %llu",
		    (unsigned long long)len, names_get(NAMES_T_TS,
		    (unsigned)type), (unsigned long long)want);
}

/* RFC 3748 4: the EAP Length covers the EAP message, i.e. the payload
 * after its generic header. */
static void check_eap(struct codec_node *n, struct codec_problems *pr)
{
	uint64_t len = n->v[EAP_LENGTH].num, plen = n->v[PH_LENGTH].num;

	if (plen < 4 || len != plen - 4)
		codec_problem_add(pr, CODEC_P_EAP_LENGTH_MISMATCH,
		    AT(n, EAP_LENGTH), n, EAP_LENGTH,
		    "%llu, payload holds %llu", (unsigned long long)len,
		    (unsigned long long)(plen >= 4 ? plen - 4 : 0));
}

/* RFC 7383 2.5: numbers start at 1 and do not exceed the total. */
static void check_skf(struct codec_node *n, struct codec_problems *pr)
{
	uint64_t num = n->v[SKF_NUMBER].num, total = n->v[SKF_TOTAL].num;

	if (num == 0 || num > total)
		codec_problem_add(pr, CODEC_P_BAD_FRAGMENT_NUMBER,
		    AT(n, SKF_NUMBER), n, SKF_NUMBER, "fragment %llu of %llu",
		    (unsigned long long)num, (unsigned long long)total);
}

/* RFC 7296 3.2: skip an unknown payload unless its critical bit is set. */
static void check_unknown(struct codec_node *n, struct codec_problems *pr)
{
	char name[24];

	codec_problem_add(pr, n->v[PH_CRITICAL].num ?
	    CODEC_P_UNKNOWN_PAYLOAD_CRITICAL : CODEC_P_UNKNOWN_PAYLOAD,
	    n->offset, n, -1, "type %s(%u)",
	    codec_payload_name(n->ptype, name, sizeof(name)), n->ptype);
}

/* Default TS: every address and port, IPv4. */
static int init_selector(struct codec_node *n)
{
	static const uint8_t lo[4] = { 0, 0, 0, 0 };
	static const uint8_t hi[4] = { 255, 255, 255, 255 };

	if (bytes_set(&n->v[SEL_START_ADDR].data, lo, 4) < 0 ||
	    bytes_set(&n->v[SEL_END_ADDR].data, hi, 4) < 0)
		return -1;
	return 0;
}

/* Default Delete SPI: 4 zero bytes (an ESP SPI). */
static int init_dspi(struct codec_node *n)
{
	return bytes_resize(&n->v[DSPI_VALUE].data, 4);
}

#define NF(a) a, sizeof(a) / sizeof(a[0])
static const struct codec_struct structs[CODEC_S_COUNT] = {
	[CODEC_S_MESSAGE] = { CODEC_S_MESSAGE, "IKE header", "hdr", 0,
		NF(header_fields), check_header, NULL, NULL },
	[CODEC_S_CHAIN] = { CODEC_S_CHAIN, "payload chain", NULL, 0,
		NF(chain_fields), NULL, NULL, NULL },
	[CODEC_S_SA] = { CODEC_S_SA, "SA", NULL, PL_SA, NF(sa_fields),
		check_sa, NULL, generic_keys },
	[CODEC_S_KE] = { CODEC_S_KE, "KE", NULL, PL_KE, NF(ke_fields),
		NULL, NULL, ke_keys },
	[CODEC_S_ID] = { CODEC_S_ID, "ID", NULL, PL_IDi, NF(id_fields),
		NULL, NULL, id_keys },
	[CODEC_S_CERT] = { CODEC_S_CERT, "CERT", NULL, PL_CERT,
		NF(cert_fields), NULL, NULL, cert_keys },
	[CODEC_S_CERTREQ] = { CODEC_S_CERTREQ, "CERTREQ", NULL, PL_CERTREQ,
		NF(cert_fields), NULL, NULL, cert_keys },
	[CODEC_S_AUTH] = { CODEC_S_AUTH, "AUTH", NULL, PL_AUTH,
		NF(auth_fields), NULL, NULL, auth_keys },
	[CODEC_S_NONCE] = { CODEC_S_NONCE, "NONCE", NULL, PL_NONCE,
		NF(nonce_fields), NULL, NULL, nonce_keys },
	[CODEC_S_NOTIFY] = { CODEC_S_NOTIFY, "N", NULL, PL_N,
		NF(notify_fields), check_notify, NULL, notify_keys },
	[CODEC_S_DELETE] = { CODEC_S_DELETE, "D", NULL, PL_D,
		NF(delete_fields), check_delete, NULL, delete_keys },
	[CODEC_S_VENDOR] = { CODEC_S_VENDOR, "V", NULL, PL_V,
		NF(vendor_fields), NULL, NULL, vendor_keys },
	[CODEC_S_TS] = { CODEC_S_TS, "TS", NULL, PL_TSi, NF(ts_fields),
		NULL, NULL, ts_keys },
	[CODEC_S_SK] = { CODEC_S_SK, "SK", NULL, PL_SK, NF(sk_fields),
		NULL, NULL, sk_keys },
	[CODEC_S_CP] = { CODEC_S_CP, "CP", NULL, PL_CP, NF(cp_fields),
		NULL, NULL, cp_keys },
	[CODEC_S_EAP] = { CODEC_S_EAP, "EAP", NULL, PL_EAP, NF(eap_fields),
		check_eap, NULL, eap_keys },
	[CODEC_S_SKF] = { CODEC_S_SKF, "SKF", NULL, PL_SKF, NF(skf_fields),
		check_skf, NULL, skf_keys },
	[CODEC_S_UNKNOWN] = { CODEC_S_UNKNOWN, "unknown payload", NULL, 0,
		NF(unknown_fields), check_unknown, NULL, unknown_keys },
	[CODEC_S_PROPOSAL] = { CODEC_S_PROPOSAL, "proposal", "proposal", 0,
		NF(proposal_fields), check_proposal, NULL, NULL },
	[CODEC_S_TRANSFORM] = { CODEC_S_TRANSFORM, "transform", "transform",
		0, NF(transform_fields), NULL, NULL, NULL },
	[CODEC_S_TATTR] = { CODEC_S_TATTR, "attribute", "attribute", 0,
		NF(tattr_fields), NULL, NULL, NULL },
	[CODEC_S_SELECTOR] = { CODEC_S_SELECTOR, "ts", "ts", 0,
		NF(selector_fields), check_selector, init_selector, NULL },
	[CODEC_S_CATTR] = { CODEC_S_CATTR, "attribute", "attribute", 0,
		NF(cattr_fields), NULL, NULL, NULL },
	[CODEC_S_DSPI] = { CODEC_S_DSPI, "spi", "spi", 0, NF(dspi_fields),
		NULL, init_dspi, NULL },
};

const struct codec_struct *codec_struct_get(enum codec_struct_id id)
{
	return id < CODEC_S_COUNT ? &structs[id] : NULL;
}

const struct codec_struct *codec_struct_of_payload(unsigned ptype)
{
	switch (ptype) {
	case PL_SA: return &structs[CODEC_S_SA];
	case PL_KE: return &structs[CODEC_S_KE];
	case PL_IDi: case PL_IDr: return &structs[CODEC_S_ID];
	case PL_CERT: return &structs[CODEC_S_CERT];
	case PL_CERTREQ: return &structs[CODEC_S_CERTREQ];
	case PL_AUTH: return &structs[CODEC_S_AUTH];
	case PL_NONCE: return &structs[CODEC_S_NONCE];
	case PL_N: return &structs[CODEC_S_NOTIFY];
	case PL_D: return &structs[CODEC_S_DELETE];
	case PL_V: return &structs[CODEC_S_VENDOR];
	case PL_TSi: case PL_TSr: return &structs[CODEC_S_TS];
	case PL_SK: return &structs[CODEC_S_SK];
	case PL_CP: return &structs[CODEC_S_CP];
	case PL_EAP: return &structs[CODEC_S_EAP];
	case PL_SKF: return &structs[CODEC_S_SKF];
	}
	return &structs[CODEC_S_UNKNOWN];
}

int codec_field_index(const struct codec_struct *st, const char *name,
    size_t len)
{
	size_t i;

	for (i = 0; i < st->nfields; i++)
		if (strlen(st->fields[i].name) == len &&
		    memcmp(st->fields[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

const struct codec_key *codec_key_find(const struct codec_struct *st,
    const char *key)
{
	const struct codec_key *k;

	for (k = st->keys; k != NULL && k->key != NULL; k++)
		if (strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

const struct codec_key *codec_key_at(const struct codec_struct *st,
    unsigned pos)
{
	const struct codec_key *k;

	for (k = st->keys; k != NULL && k->key != NULL; k++)
		if (k->pos == pos)
			return k;
	return NULL;
}

int codec_key_names(const struct codec_struct *st, const struct codec_key *k)
{
	if (k->run_words)
		return -1;
	return k->field >= 0 ? st->fields[k->field].names : k->names;
}
