/* codec: IKEv2 messages (RFC 7296, RFC 7383) as a tree of nodes described
 * by field tables.
 *
 * Every wire structure (the IKE header, each payload, proposal, transform,
 * transform attribute, traffic selector, configuration attribute, Delete
 * SPI) has one table of fields in codec_tables.c, beside the RFC's diagram.
 * One decoder, one encoder, one printer and one by-name access walk those
 * tables; so does anything else that wants every field (a mutation fuzzer,
 * a script's "set", a comparison with tshark).
 *
 * The model: a node has a struct (its table), one value per field and a
 * list of child nodes:
 *
 *   message (IKE header fields, payloads as children, trailing bytes)
 *     SA -> proposal -> transform -> attribute
 *     KE, IDi, IDr, CERT, CERTREQ, AUTH, NONCE, N, V, SK, EAP, SKF: fields
 *     D  -> spi                 TSi/TSr -> ts        CP -> attribute
 *     unknown payload types: generic header + raw body
 *   chain (no header: the inner payloads of SK after decryption)
 *
 * Fields whose value follows from the tree (lengths, counts, next payload,
 * last/more, proposal number, reserved bits) are computed by the encoder
 * unless the value was set (override), in which case the encoder writes
 * exactly the value it holds: that is how wrong lengths, non-zero reserved
 * bits and lying counts are made. The decoder marks a computed field set
 * only when the wire value differs from what the encoder would compute, so
 * decode + encode gives back the same bytes for any message it decoded
 * without a problem, and an edited decoded message gets fresh lengths.
 *
 * The decoder validates every length (room for the header, declared length
 * at least the header, declared length no more than what is left), never
 * reads past its input, and names each malformation it finds (code, byte
 * offset, field path, text) instead of only failing; it goes on where it
 * can so that one message can show several problems, and the tree it
 * returns is always well-formed (encodable, printable).
 *
 * Semantic rules (which payloads in which exchange) are not the codec's
 * job; the rules module does that.
 *
 * Paths name a node or a field as text:
 *   "hdr.flags"  "flags.initiator"  "length"  (header fields; "hdr." optional)
 *   "SA.proposal[1].transform[2].id"  "N[2].notify_type"  "KE.length"
 *   "TSi.ts[1].start_address"  "D.spi[2]"  "CP.attribute[1].value"
 *   "payload[3].critical"  (the 3rd payload whatever its type)
 *   "PL99.critical"        (a payload of a type the codec has no table for)
 * Payload names are those of names.def (SA KE IDi IDr CERT CERTREQ AUTH
 * NONCE N D V TSi TSr SK CP EAP SKF; Ni and Nr are aliases of NONCE).
 * Indexes are 1-based and count nodes of that name under the same parent;
 * no index means [1].
 */
#ifndef IKETEST_CODEC_H
#define IKETEST_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bytes.h"
#include "names.h"

struct err;
struct codec_node;
struct codec_problems;

/* ------------------------------------------------------------------ */
/* Tables                                                              */

/* Every struct the codec knows. A payload struct may serve several
 * payload types (ID for IDi/IDr, TS for TSi/TSr); the node keeps its type. */
enum codec_struct_id {
	CODEC_S_MESSAGE,	/* IKE header + payload chain + trailing bytes */
	CODEC_S_CHAIN,		/* a payload chain with no header (SK plaintext) */
	CODEC_S_SA, CODEC_S_KE, CODEC_S_ID, CODEC_S_CERT, CODEC_S_CERTREQ,
	CODEC_S_AUTH, CODEC_S_NONCE, CODEC_S_NOTIFY, CODEC_S_DELETE,
	CODEC_S_VENDOR, CODEC_S_TS, CODEC_S_SK, CODEC_S_CP, CODEC_S_EAP,
	CODEC_S_SKF,
	CODEC_S_UNKNOWN,	/* a payload type with no table: raw body */
	CODEC_S_PROPOSAL, CODEC_S_TRANSFORM,
	CODEC_S_TATTR,		/* transform attribute (TV or TLV) */
	CODEC_S_SELECTOR,	/* traffic selector */
	CODEC_S_CATTR,		/* configuration attribute */
	CODEC_S_DSPI,		/* one SPI of a Delete payload */
	CODEC_S_COUNT
};

enum codec_kind {
	CODEC_K_UINT,		/* unsigned integer of `bits` bits (1..64) */
	CODEC_K_DATA,		/* bytes, sized by `size` */
	CODEC_K_CHILDREN,	/* where the child nodes go on the wire */
	CODEC_K_ALIAS,		/* no wire of its own: a name for the next
				 * `bits` bits of UINT fields ("flags") */
};

/* How the encoder computes a field that was not set. */
enum codec_auto {
	CODEC_A_NONE,		/* a plain value (default `def`) */
	CODEC_A_RESERVED,	/* zero; decoder reports non-zero */
	CODEC_A_LENGTH,		/* encoded size of this node, minus `aux` */
	CODEC_A_DATA_LENGTH,	/* length of DATA field `ref` */
	CODEC_A_COUNT,		/* number of children */
	CODEC_A_NEXT_PAYLOAD,	/* type of the next payload (header: first) */
	CODEC_A_LAST_MORE,	/* 0 on the last sibling, else `aux` */
	CODEC_A_INDEX,		/* 1-based position among siblings */
	CODEC_A_FIRST_CHILD_LENGTH, /* encoded size of the first child, or 0 */
};

/* How many bytes a DATA field holds on the wire (decoder). */
enum codec_size {
	CODEC_SZ_REST,		/* the rest of the structure */
	CODEC_SZ_FIELD,		/* the value of field `ref` of this node */
	CODEC_SZ_PARENT_FIELD,	/* the value of field `ref` of the parent */
	CODEC_SZ_FUNC,		/* size_of(node) */
};

/* Printing style of a field. */
enum codec_fmt {
	CODEC_FMT_DEC,		/* 12, or AES_CBC(12) with a names table */
	CODEC_FMT_HEX,		/* 0x0102030405060708, zero-padded to width */
	CODEC_FMT_FLAGS,	/* alias: 0x08 [I] from the 1-bit fields' abbrev */
	CODEC_FMT_DOTTED,	/* alias: 2.0 from its sub-fields */
	CODEC_FMT_IP,		/* DATA: an address when 4 or 16 bytes */
};

struct codec_field {
	const char *name;		/* lower snake case, unique in its table */
	enum codec_kind kind;
	unsigned bits;			/* UINT width; ALIAS bits covered */
	enum codec_auto autov;
	int ref;			/* field index used by autov / size */
	uint64_t aux;			/* LENGTH: subtracted; LAST_MORE: "more" */
	uint64_t def;			/* default of a new node */
	int names;			/* enum names_table, or -1 */
	/* Names table chosen from other fields (transform ID by type);
	 * returns an enum names_table or -1. NULL: use `names`. */
	int (*names_of)(const struct codec_node *n);
	enum codec_size size;		/* DATA */
	size_t (*size_of)(const struct codec_node *n); /* CODEC_SZ_FUNC */
	/* NULL: always on the wire; else whether it is for this node
	 * (TV/TLV attributes, TS types, EAP codes). */
	bool (*present)(const struct codec_node *n);
	enum codec_struct_id child;	/* CHILDREN: kind (MESSAGE = payload chain) */
	int mismatch;			/* problem code (enum codec_problem_code):
					 * COUNT: the value differs from the
					 * children; DATA: its size is beyond
					 * the data left */
	enum codec_fmt fmt;
	const char *abbrev;		/* 1-bit flag letter for FLAGS ("I") */
};

/* A script argument of a payload (suites/README.md, "Payloads"): the key a
 * script writes, and the field it sets. Keys of CODEC_KEY_BUILT are read
 * by the message builder (nonce size, Delete SPIs, selectors). */
enum { CODEC_KEY_BUILT = -1 };
struct codec_key {
	const char *key;	/* "proto", "type", "data" */
	int field;		/* index in the struct's fields, or CODEC_KEY_BUILT */
	int names;		/* CODEC_KEY_BUILT: names table of its words, or -1
				 * (a field key: the field's own) */
	unsigned pos;		/* 1, 2: its place when written without key= */
	bool many;		/* several values: positional (TSi, TSr) or
				 * after key= (D's spi=A B) */
	bool required;		/* a sent payload needs it (N, PAYLOAD) */
	bool run_words;		/* its words are checked when built, not parsed */
};

struct codec_struct {
	enum codec_struct_id id;
	const char *name;		/* "IKE header", "SA", "proposal" */
	const char *path_name;		/* path component ("proposal"), NULL for
					 * payloads (named by their type) */
	unsigned ptype;			/* payload type, 0 if not a payload */
	const struct codec_field *fields;
	size_t nfields;
	/* Checks beyond lengths, counts and reserved bits, run by the
	 * decoder once the node and its children are read (proposal
	 * numbers, SPI sizes, TS lengths, EAP length, fragment numbers). */
	void (*check)(struct codec_node *n, struct codec_problems *pr);
	/* Extra defaults of a new node (TS addresses); may be NULL. */
	int (*init)(struct codec_node *n);
	/* Its script arguments, ended by a NULL key; NULL when none. */
	const struct codec_key *keys;
};

const struct codec_struct *codec_struct_get(enum codec_struct_id id);
/* The struct that carries a payload type; CODEC_S_UNKNOWN if none. */
const struct codec_struct *codec_struct_of_payload(unsigned ptype);
/* Index of the field called name[0..len) in st, or -1. */
int codec_field_index(const struct codec_struct *st, const char *name,
    size_t len);

/* The names table of transform IDs of a transform type (TT_ENCR ..
 * TT_ESN), or -1. */
int codec_transform_id_names(unsigned type);

/* The script argument called key, or NULL. */
const struct codec_key *codec_key_find(const struct codec_struct *st,
    const char *key);
/* The argument a script gives in place pos (1-based) without key=, or NULL. */
const struct codec_key *codec_key_at(const struct codec_struct *st,
    unsigned pos);
/* Words a script may write for key k: a names table, or -1. */
int codec_key_names(const struct codec_struct *st, const struct codec_key *k);

/* The payloads a script names: SA, Ni, Nr, NONCE, PAYLOAD (ptype 0: any
 * type, given by its type= argument). */
struct codec_script_payload {
	const char *name;
	unsigned ptype;
};
/* ended by a NULL name */
extern const struct codec_script_payload codec_script_payloads[];

/* ------------------------------------------------------------------ */
/* Nodes                                                               */

struct codec_value {
	uint64_t num;		/* UINT */
	struct bytes data;	/* DATA */
	bool set;		/* given explicitly: written as it is */
};

struct codec_node {
	const struct codec_struct *st;
	unsigned ptype;			/* payload type (payload nodes) */
	struct codec_node *parent;
	struct codec_node **kids;
	size_t nkids, capkids;
	struct codec_value *v;		/* st->nfields values */
	size_t index;			/* position in parent->kids (0-based) */
	size_t offset;			/* where the decoder found it */
};

/* New nodes hold every field's default; NULL on allocation failure. */
struct codec_node *codec_node_new(enum codec_struct_id id);
struct codec_node *codec_message_new(void);	/* major_version 2 */
struct codec_node *codec_chain_new(void);
/* A payload of any type, known or not (PL_SA ... or 99). */
struct codec_node *codec_payload_new(unsigned ptype);
/* The node a parent holds as children (proposal under SA...); NULL if the
 * parent holds payloads or nothing. */
struct codec_node *codec_child_new(const struct codec_node *parent);
/* Frees the node, its values (wiped) and its children. NULL is fine. */
void codec_node_free(struct codec_node *n);
/* Deep copy; NULL on allocation failure. */
struct codec_node *codec_node_clone(const struct codec_node *n);

bool codec_is_payload(const struct codec_node *n);
/* A payload type as paths name it: names.def names (any case, with or
 * without PL_), Ni and Nr for NONCE, PL<n> or a number for any type. */
int codec_payload_type_parse(const char *name, size_t len, unsigned *type);
/* The struct id of the children a node holds (MESSAGE for payloads),
 * or CODEC_S_COUNT if it holds none. */
enum codec_struct_id codec_child_kind(const struct codec_node *n);

/* Children, 0-based here (paths are 1-based). index == nkids appends.
 * Inserting a node of the wrong kind is refused (-1). */
int codec_insert(struct codec_node *parent, size_t index,
    struct codec_node *kid);
int codec_append(struct codec_node *parent, struct codec_node *kid);
/* Detaches and returns kid[index] (caller frees), NULL if out of range. */
struct codec_node *codec_remove(struct codec_node *parent, size_t index);
/* Moves kid[from] so that it ends up at index to. */
int codec_move(struct codec_node *parent, size_t from, size_t to);
/* The nth (1-based) payload of type ptype in a message or chain. */
struct codec_node *codec_find_payload(const struct codec_node *msg,
    unsigned ptype, unsigned nth);

/* Field values by index. Setting marks the field set (an override for
 * computed fields); unset returns a computed field to automatic and, for
 * a plain field, only clears the mark (the value stays). A UINT value
 * wider than the field is refused. After decoding, only computed fields
 * whose wire value differs from the computed one are marked set. */
uint64_t codec_get_uint(const struct codec_node *n, int field);
int codec_set_uint(struct codec_node *n, int field, uint64_t v);
const struct bytes *codec_get_data(const struct codec_node *n, int field);
int codec_set_data(struct codec_node *n, int field, const void *p,
    size_t len);
void codec_unset(struct codec_node *n, int field);
bool codec_is_set(const struct codec_node *n, int field);
/* The value the encoder writes: the set value, else the computed one.
 * -1 if the computed value does not fit the field (payload > 64 KiB). */
int codec_effective_uint(const struct codec_node *n, int field,
    uint64_t *v);
/* Whether the field is on the wire for this node (present()). */
bool codec_field_present(const struct codec_node *n, int field);
/* Encoded size in bytes of a node with everything under it. */
size_t codec_node_size(const struct codec_node *n);
/* Byte offset of a field from the start of its node's encoding (for a
 * sub-byte field, of the byte holding it); add n->offset for the place
 * in decoded input. */
size_t codec_field_offset(const struct codec_node *n, int field);

/* ------------------------------------------------------------------ */
/* Paths                                                               */

/* A node, and a field of it (-1: the node itself). */
struct codec_ref {
	struct codec_node *node;
	int field;
};

int codec_path_resolve(struct codec_node *root, const char *path,
    struct codec_ref *ref, struct err *e);
/* The field's effective value as text: "12", "0x0a0b", hex data. */
int codec_path_get(struct codec_node *root, const char *path, char *out,
    size_t outlen, struct err *e);
/* Sets from text: decimal, 0x hex, an IANA name of the field's table
 * (names_parse), hex for DATA fields ("0x" optional, empty "" allowed) or
 * a "quoted string" for DATA fields. Setting an alias sets its sub-fields. */
int codec_path_set(struct codec_node *root, const char *path,
    const char *value, struct err *e);
/* Back to automatic. */
int codec_path_unset(struct codec_node *root, const char *path,
    struct err *e);
/* Path of a node, or of one of its fields (field -1: the node):
 * "SA.proposal[1].transform[2].length". Truncates to outlen. */
void codec_path_of(const struct codec_node *n, int field, char *out,
    size_t outlen);
/* Sets one field from text (as codec_path_set does). */
int codec_field_parse(struct codec_node *n, int field, const char *value,
    struct err *e);
/* The effective value as text for messages: "AES_CBC(12)", "2.0",
 * "0x08 [I]", "4 bytes 01020304" (DATA up to max_data bytes, then "...";
 * 0 = all). */
void codec_field_format(const struct codec_node *n, int field, char *out,
    size_t outlen, size_t max_data);

/* Calls fn for every node under root (root included), depth first in wire
 * order, with its depth; stops early and returns fn's value when non-zero. */
int codec_walk(struct codec_node *root,
    int (*fn)(struct codec_node *n, unsigned depth, void *ctx), void *ctx);

/* ------------------------------------------------------------------ */
/* Problems                                                            */

/* Every malformation the decoder names. Stable: scripts and reports use
 * the names. NOTICE codes are deviations a receiver must tolerate. */
#define CODEC_PROBLEMS(X) \
	X(TRUNCATED_HEADER, ERROR, "fewer bytes than the IKE header") \
	X(TRUNCATED, ERROR, "fewer bytes left than the structure's fixed part") \
	X(LENGTH_TOO_SHORT, ERROR, "declared length shorter than the fixed part") \
	X(LENGTH_BEYOND_DATA, ERROR, "declared length or size beyond the data left") \
	X(HEADER_LENGTH_MISMATCH, ERROR, "IKE header length differs from the data") \
	X(TRAILING_DATA, ERROR, "bytes after the last payload") \
	X(LEFTOVER_DATA, ERROR, "bytes left inside a structure after its parts") \
	X(RESERVED_NOT_ZERO, NOTICE, "reserved field not zero") \
	X(UNKNOWN_PAYLOAD, NOTICE, "payload type unknown, not critical") \
	X(UNKNOWN_PAYLOAD_CRITICAL, ERROR, "payload type unknown with critical bit") \
	X(BAD_MAJOR_VERSION, ERROR, "major version is not 2") \
	X(MINOR_VERSION_NOT_ZERO, NOTICE, "minor version is not 0") \
	X(NO_PROPOSALS, ERROR, "SA payload without proposal") \
	X(BAD_PROPOSAL_NUMBER, ERROR, "proposal numbers not 1, 2, 3...") \
	X(BAD_LAST_SUBSTRUCT, ERROR, "last/more field wrong") \
	X(TRANSFORM_COUNT_MISMATCH, ERROR, "number of transforms differs") \
	X(TS_COUNT_MISMATCH, ERROR, "number of traffic selectors differs") \
	X(SPI_COUNT_MISMATCH, ERROR, "number of SPIs differs") \
	X(BAD_SPI_SIZE, ERROR, "SPI size wrong for the protocol") \
	X(BAD_TS_LENGTH, ERROR, "traffic selector length wrong for its type") \
	X(BAD_ATTRIBUTE_LENGTH, ERROR, "attribute length beyond its structure") \
	X(EAP_LENGTH_MISMATCH, ERROR, "EAP length differs from the payload") \
	X(BAD_FRAGMENT_NUMBER, ERROR, "fragment number 0 or above the total")

#define X(code, sev, text) CODEC_P_##code,
enum codec_problem_code { CODEC_PROBLEMS(X) CODEC_P_COUNT };
#undef X

enum codec_severity { CODEC_SEV_NOTICE, CODEC_SEV_ERROR };

enum { CODEC_PATH_MAX = 128, CODEC_PROBLEM_TEXT_MAX = 160,
	CODEC_PROBLEMS_MAX = 64 };

struct codec_problem {
	enum codec_problem_code code;
	size_t offset;				/* byte offset in the input */
	char path[CODEC_PATH_MAX];		/* "SA.proposal[1].length" */
	char text[CODEC_PROBLEM_TEXT_MAX];	/* "48 > 40 bytes left" */
	/* The node and field (-1: the node) it is about: valid as long as
	 * the decoded tree is; node NULL when it is about no node. */
	const struct codec_node *node;
	int field;
};

/* At most CODEC_PROBLEMS_MAX are kept; `dropped` counts the rest. */
struct codec_problems {
	struct codec_problem list[CODEC_PROBLEMS_MAX];
	size_t count;
	size_t dropped;
};

const char *codec_problem_name(enum codec_problem_code c);	/* "TRUNCATED" */
const char *codec_problem_describe(enum codec_problem_code c);
enum codec_severity codec_problem_severity(enum codec_problem_code c);
/* Reads a name back ("LENGTH_TOO_SHORT"); -1 if unknown. */
int codec_problem_parse(const char *name, size_t len,
    enum codec_problem_code *c);
/* Number of problems with the code; and of ERROR-severity ones. */
size_t codec_problems_count(const struct codec_problems *p,
    enum codec_problem_code c);
size_t codec_problems_errors(const struct codec_problems *p);
/* The first problem with the code, or NULL. */
const struct codec_problem *codec_problems_find(
    const struct codec_problems *p, enum codec_problem_code c);
/* Records a problem found at offset in field `field` of n (-1: the node;
 * n may be NULL for no path); text is printf-style. Hooks and the rules
 * module use it too. */
void codec_problem_add(struct codec_problems *pr, enum codec_problem_code c,
    size_t offset, const struct codec_node *n, int field, const char *fmt,
    ...) __attribute__((format(printf, 6, 7)));

/* ------------------------------------------------------------------ */
/* Decoding and encoding                                               */

/* Decodes a whole IKE message. Returns 0 with *msg set (a well-formed
 * tree, even for garbage: what could not be read is left out) and the
 * malformations in *pr (cleared first); -1 only when memory runs out. */
int codec_decode(const uint8_t *p, size_t n, struct codec_node **msg,
    struct codec_problems *pr, struct err *e);
/* Decodes a payload chain with no IKE header (the plaintext of SK, padding
 * removed) whose first payload has type first; *chain is a CODEC_S_CHAIN
 * node. Offsets count from p. */
int codec_decode_chain(unsigned first, const uint8_t *p, size_t n,
    struct codec_node **chain, struct codec_problems *pr, struct err *e);

/* Appends the encoding of n (a message, a chain, or any single node) to
 * out. Writes what the tree holds; fails only when a computed value does
 * not fit its field or memory runs out. */
int codec_encode(const struct codec_node *n, struct bytes *out,
    struct err *e);
/* The type of a chain's first payload (PL_NONE if empty): what goes in the
 * Next Payload field of the SK payload that carries it. */
unsigned codec_chain_first(const struct codec_node *chain);

/* ------------------------------------------------------------------ */
/* Printing                                                            */

enum codec_print_flags {
	CODEC_PRINT_ALL = 1,		/* reserved fields too, even when 0 */
	CODEC_PRINT_FULL_DATA = 2,	/* every byte of DATA fields */
};

/* Appends a readable dump of the tree (one line per node, indented by
 * depth, every field named with its IANA name) and of the problems
 * ("malformation at offset 44: LENGTH_BEYOND_DATA: SA.proposal[1].length
 * 48 > 40 bytes left"); pr may be NULL. Text, NUL-terminated after len. */
int codec_format(struct bytes *out, const struct codec_node *n,
    const struct codec_problems *pr, unsigned flags);
int codec_print(FILE *f, const struct codec_node *n,
    const struct codec_problems *pr, unsigned flags);
/* One problem as the line above (no newline). */
void codec_problem_format(const struct codec_problem *p, char *out,
    size_t outlen);

#endif
