/* script: the iketest test language (suites/README.md is its reference).
 *
 * A script is parsed into the tree below: metadata (title, RFC clauses,
 * needs, role) and a list of events. Codec field paths ("hdr.flags",
 * "SA.proposal[1].transform[2].id", "N(COOKIE).data") stay text here, but
 * each is resolved against the codec's tables when the script is read (a
 * field no payload has is an error with its line and column); values
 * stay text, and the interpreter reads them when it runs the script. What the language itself can check is
 * checked at parse time: keywords, payload and argument names, IANA names
 * of transforms and notifies, durations, bounds, variables defined before
 * use.
 *
 * Every node carries the line and column it came from, so that a failing
 * expectation points at its line. All nodes live in one arena owned by the
 * script: script_free releases everything at once. */
#ifndef IKETEST_SCRIPT_H
#define IKETEST_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct err;
struct profile;
struct script_arena;

/* Limits that keep any input bounded in time and memory. */
enum {
	SCRIPT_MAX_BYTES = 1024 * 1024,	/* a script file */
	SCRIPT_MAX_REPEAT = 10000,	/* bound of one repeat */
	SCRIPT_MAX_REPEAT_TOTAL = 100000, /* product of nested bounds */
	SCRIPT_MAX_DEPTH = 8,		/* nested repeat / either / SK */
};

/* Times are microseconds. */
typedef uint64_t script_us;

struct script_pos {
	int line, col;
};

/* ------------------------------------------------------------------ */
/* Values                                                              */

enum script_value_kind {
	SCRIPT_V_NUMBER,	/* 1234: num */
	SCRIPT_V_HEX,		/* 0x0102: text "0x0102" as written (lower case) */
	SCRIPT_V_STRING,	/* "text": text (decoded, may hold NUL), len */
	SCRIPT_V_WORD,		/* an IANA name or keyword: text as written */
	SCRIPT_V_VAR,		/* $name: text is the name without '$' */
	SCRIPT_V_ONEOF,		/* A|B|C: alts (matchers and needs only) */
};

struct script_value {
	enum script_value_kind kind;
	const char *text;
	size_t len;
	uint64_t num;
	struct script_value *alts;	/* ONEOF */
	struct script_value *next;	/* next value of the same argument */
	struct script_pos pos;
};

/* key=value value ... or positional values (key NULL). */
struct script_arg {
	const char *key;
	struct script_value *values;
	struct script_arg *next;
	struct script_pos pos;
};

/* ------------------------------------------------------------------ */
/* Payloads (send lists, expect matchers, establish overrides)         */

struct script_transform {
	unsigned type;		/* enum names_transform_type */
	unsigned id;		/* in the table of that type */
	unsigned keylen;	/* bits; 0 when not given */
	struct script_transform *next;
	struct script_pos pos;
};

struct script_proposal {
	unsigned protocol;	/* enum names_protocol: IKE, ESP, AH */
	struct script_transform *transforms;
	struct script_proposal *next;
	struct script_pos pos;
};

struct script_payload {
	const char *name;	/* canonical spelling: SA KE Ni N PAYLOAD ... */
	unsigned type;		/* enum names_payload; PAYLOAD: from type= */
	bool has_args;		/* written with parentheses */
	struct script_proposal *proposals;	/* SA */
	struct script_arg *args;		/* every other payload */
	struct script_payload *inner;		/* SK: payloads inside */
	struct script_payload *next;
	struct script_pos pos;
};

/* ------------------------------------------------------------------ */
/* Timing                                                              */

enum script_timing_kind {
	SCRIPT_T_NONE,		/* the interpreter's default deadline */
	SCRIPT_T_WITHIN,	/* within at */
	SCRIPT_T_AFTER,		/* after at (default tolerance) */
	SCRIPT_T_RANGE,		/* after lo..hi */
	SCRIPT_T_PERCENT,	/* after at ±pct */
	SCRIPT_T_ABS,		/* after at ±tol */
};

struct script_timing {
	enum script_timing_kind kind;
	script_us at, lo, hi, tol;
	unsigned pct_x100;	/* PERCENT: 10% is 1000 */
};

/* ------------------------------------------------------------------ */
/* Events                                                              */

enum script_dir {
	SCRIPT_DIR_ANY,		/* not written: the natural one */
	SCRIPT_DIR_REQUEST,
	SCRIPT_DIR_RESPONSE,
};

struct script_set {
	const char *path;
	struct script_value *value;
	struct script_set *next;
	struct script_pos pos;
};

struct script_send {
	const char *resend;	/* send $msg: the bytes of a captured message */
	unsigned exchange;	/* enum names_exchange (or any number) */
	enum script_dir dir;
	bool clear;		/* not inside SK even after IKE_SA_INIT */
	bool bad_icv;		/* SK with a corrupted ICV */
	unsigned port;		/* 0: the exchange's default */
	bool defaults;		/* no payload list: the exchange's defaults */
	struct script_payload *payloads;
	struct script_set *sets;
	struct script_value *trailing;	/* HEX: bytes after the last payload */
};

enum script_cmp {
	SCRIPT_CMP_EQ, SCRIPT_CMP_NE, SCRIPT_CMP_LT, SCRIPT_CMP_LE,
	SCRIPT_CMP_GT, SCRIPT_CMP_GE,
};

enum script_matcher_kind {
	SCRIPT_M_PRESENT,	/* N(COOKIE): present, arguments match */
	SCRIPT_M_ABSENT,	/* no KE */
	SCRIPT_M_COMPARE,	/* hdr.flags = 0x20 */
	SCRIPT_M_ONE_OF_OFFERED,	/* SA one of offered */
	SCRIPT_M_SUBSET_OF_OFFERED,	/* TSi subset of offered */
	SCRIPT_M_ORDER,		/* order SA KE Nr */
	SCRIPT_M_NOTHING_ELSE,	/* nothing else */
	SCRIPT_M_SAME_BYTES,	/* same bytes as $msg */
	SCRIPT_M_EITHER,	/* either (...) or (...) */
	SCRIPT_M_COUNT,		/* count KE = 1: how many such payloads */
};

struct script_group;

struct script_matcher {
	enum script_matcher_kind kind;
	struct script_payload *payload;	/* PRESENT, ABSENT, *_OFFERED, ORDER,
					 * COUNT */
	const char *path;		/* COMPARE */
	enum script_cmp cmp;		/* COMPARE, COUNT */
	struct script_value *value;	/* COMPARE; COUNT: a NUMBER */
	const char *var;		/* SAME_BYTES */
	struct script_group *groups;	/* EITHER */
	struct script_matcher *next;
	struct script_pos pos;
};

struct script_group {
	struct script_matcher *matchers;
	struct script_group *next;
	struct script_pos pos;
};

struct script_expect {
	bool any;		/* expect any: whatever exchange */
	unsigned exchange;
	enum script_dir dir;
	struct script_timing timing;
	bool or_silence;	/* `or silence': nothing in the window passes */
	struct script_matcher *matchers;
};

struct script_silence {
	script_us duration;
	/* `except new requests': a request the IUT starts (a message ID
	 * above its earlier ones, not a retransmission) is let through. */
	bool except_new_requests;
};

/* expect retransmissions of $msg per profile | at D, D, ... [±tol] */
struct script_retransmits {
	const char *var;
	bool per_profile;	/* [timers] retransmit of the profile */
	script_us *gaps;	/* else: the gaps, each from the previous send */
	size_t ngaps;
	struct script_timing tolerance;	/* NONE, PERCENT or ABS (at unused) */
};

struct script_capture {
	const char *var;
	bool sent;		/* from the last message sent, not received */
	const char *path;	/* "message": the whole message */
};

struct script_let {
	const char *var;
	struct script_value *value;
};

enum script_sa {
	SCRIPT_SA_NONE,
	SCRIPT_SA_IKE,
	SCRIPT_SA_CHILD,
};

struct script_establish {
	enum script_sa what;	/* IKE or CHILD */
	struct script_payload *payloads;	/* overrides of the defaults */
};

struct script_event;

struct script_repeat {
	unsigned count;
	struct script_event *body;
};

enum script_iut_verb {
	SCRIPT_IUT_INITIATE, SCRIPT_IUT_REKEY, SCRIPT_IUT_TERMINATE,
	SCRIPT_IUT_RESTART, SCRIPT_IUT_ALIVE, SCRIPT_IUT_START,
	SCRIPT_IUT_STOP, SCRIPT_IUT_COUNTERS,
};

/* iut counters: in_packets = 1, drop_replay >= 1: the adapter's counters
 * of the IUT's newest CHILD SA, one TAP line per comparison. */
struct script_counter {
	const char *name;		/* in_packets, out_bytes, ... */
	enum script_cmp cmp;
	struct script_value *value;
	struct script_counter *next;
	struct script_pos pos;
};

struct script_iut {
	enum script_iut_verb verb;
	enum script_sa target;	/* NONE when not written */
	struct script_counter *counters;	/* COUNTERS */
};

/* ------------------------------------------------------------------ */
/* Traffic through CHILD SAs (RFC 4303, 4302) and NAT (RFC 3948, 7296
 * 2.23): suites/README.md "Traffic".                                   */

enum script_esp_verb {
	SCRIPT_ESP_SEND,	/* esp send udp|icmp|dummy|raw [key=value ...] */
	SCRIPT_ESP_REPLAY,	/* esp replay [key=value ...] */
	SCRIPT_ESP_EXPECT,	/* esp expect udp|icmp|any [timing] [or silence]
				 * [: key=value ...] */
	SCRIPT_ESP_SILENCE,	/* esp expect nothing for D */
};

enum script_inner {
	SCRIPT_INNER_UDP,	/* a UDP datagram (to the echo service) */
	SCRIPT_INNER_ICMP,	/* an ICMP or ICMPv6 echo */
	SCRIPT_INNER_DUMMY,	/* a dummy packet, next header 59 (2.6) */
	SCRIPT_INNER_RAW,	/* the bytes of data= as they are (a crafted
				 * inner packet; next= or its IP version
				 * gives the next header) */
	SCRIPT_INNER_ANY,	/* expect: whatever comes */
};

struct script_esp {
	enum script_esp_verb verb;
	bool ah;		/* written `ah ...': the CHILD SA must be AH */
	enum script_inner inner;
	struct script_arg *args;	/* keys checked at parse time */
	struct script_timing timing;
	bool or_silence;
	script_us duration;	/* SILENCE */
};

enum script_nat_verb {
	SCRIPT_NAT_REBIND,	/* nat rebind [port] [address=A]: new source */
	SCRIPT_NAT_KEEPALIVE,	/* nat keepalive: send one (RFC 3948 2.3) */
	SCRIPT_NAT_EXPECT_KEEPALIVE,	/* nat expect keepalive [timing] */
	SCRIPT_NAT_PRETEND,	/* nat pretend: iketest's NAT_DETECTION_SOURCE_IP
				 * says it is behind a NAT (RFC 7296 2.23) */
};

struct script_nat {
	enum script_nat_verb verb;
	bool port;		/* REBIND: a new source port */
	struct script_value *address;	/* REBIND: a new source address */
	struct script_timing timing;
};

struct script_wait {
	script_us duration;
};

enum script_event_kind {
	SCRIPT_E_SEND, SCRIPT_E_EXPECT, SCRIPT_E_SILENCE,
	SCRIPT_E_RETRANSMITS, SCRIPT_E_CAPTURE, SCRIPT_E_LET,
	SCRIPT_E_ESTABLISH, SCRIPT_E_REPEAT, SCRIPT_E_IUT, SCRIPT_E_WAIT,
	SCRIPT_E_ESP, SCRIPT_E_NAT,
};

struct script_event {
	enum script_event_kind kind;
	union {
		struct script_send send;
		struct script_expect expect;
		struct script_silence silence;
		struct script_retransmits retransmits;
		struct script_capture capture;
		struct script_let let;
		struct script_establish establish;
		struct script_repeat repeat;
		struct script_iut iut;
		struct script_wait wait;
		struct script_esp esp;
		struct script_nat nat;
	} u;
	struct script_event *next;
	struct script_pos pos;
};

/* ------------------------------------------------------------------ */
/* Metadata                                                            */

struct script_clause {
	unsigned rfc;		/* 7296 */
	const char *section;	/* "2.6", "3.10.1" */
	struct script_clause *next;
	struct script_pos pos;
};

/* needs SECTION.KEY[=V|V...]: a profile key (and one of the values). */
struct script_need {
	const char *section;
	const char *key;
	const char **values;	/* any one of them suffices */
	size_t nvalues;
	struct script_need *next;
	struct script_pos pos;
};

enum script_role {
	SCRIPT_ROLE_INITIATOR,	/* iketest initiates, the IUT responds */
	SCRIPT_ROLE_RESPONDER,	/* the IUT initiates, iketest responds */
};

struct script {
	const char *path;
	const char *title;
	const char *id;		/* `id` line, else the file name sans .ike */
	bool id_written;
	struct script_clause *clauses;
	struct script_need *needs;
	enum script_role role;
	bool role_written;
	/* `retransmit off': iketest sends each request once (a script that
	 * tests loss itself); else `send' requests are retransmitted on the
	 * profile's schedule until answered (RFC 7296 2.1). */
	bool no_retransmit;
	struct script_event *events;
	struct script_arena *arena;
};

/* Parses text (len bytes, need not be NUL-terminated). On error, returns
 * -1 with "path:line:col: message" in e and *out NULL. */
int script_parse(const char *path, const char *text, size_t len,
    struct script **out, struct err *e);
/* Reads and parses a file (at most SCRIPT_MAX_BYTES). */
int script_load(const char *path, struct script **out, struct err *e);
void script_free(struct script *s);

/* What lint asks beyond parsing: the script holds something that can
 * fail (an expect, establish, iut alive ...), as run requires. 0, or -1
 * with "path:line:col: script checks nothing ..." in e. */
int script_lint(const struct script *s, struct err *e);

/* The canonical form: parsing it gives the same script. */
void script_print(FILE *out, const struct script *s);
/* The same into a malloc'ed NUL-terminated string (NULL on no memory). */
char *script_print_string(const struct script *s);

/* Spelling helpers shared by the printer and error messages. */
void script_format_duration(script_us us, char *buf, size_t size);
const char *script_iut_verb_name(enum script_iut_verb v);
const char *script_inner_name(enum script_inner i);

/* needs against a profile, including what the role implies (role
 * initiator needs an IUT responder, and the other way round). Returns 0
 * when every need is met; 1 when one is not, with why set to
 * "needs ike.dh=ECP_256: the profile does not list it" (the first unmet
 * need); -1 on a bad argument. */
int script_needs_check(const struct script *s, const struct profile *p,
    char *why, size_t why_size);

#endif
