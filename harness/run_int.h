/* run_int: what the interpreter's files (run*.c) share. */
#ifndef IKETEST_RUN_INT_H
#define IKETEST_RUN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "adapter.h"
#include "bytes.h"
#include "err.h"
#include "expand.h"
#include "ike.h"
#include "net.h"
#include "run.h"
#include "script.h"

enum {
	RUN_DEFAULT_DEADLINE_US = 5000000,	/* expect without timing */
	RUN_DEFAULT_TOL_MIN_US = 50000,		/* after D: max(50 ms, 10%) */
	RUN_DEFAULT_TOL_PCT_X100 = 1000,
	RUN_SEEN_MAX = 64,			/* matched messages remembered */
	RUN_INIT_REQS = 8,			/* IKE_SA_INIT requests kept (COOKIE) */
	RUN_TEXT_MAX = 1024,
	RUN_WORDS_MAX = 16,			/* expanded profile words */
	RUN_WORD_LEN = 512,
	RUN_REQS_MAX = 32,			/* requests sent remembered */
	RUN_SENDER_SEEN = 32,			/* IUT messages judged (run_sender.c) */
};

/* How the interpreter expands $NAME in profile words (expand.h): "$5"
 * stays as written, and a variable set to "" is as good as unset. */
#define RUN_EXPAND_FLAGS (EXPAND_EMPTY_IS_UNSET | EXPAND_LONE_DOLLAR_KEPT)

/* A script variable: a number, bytes, or a whole message. */
struct run_var {
	char *name;
	bool is_num, is_msg;
	uint64_t num;
	struct bytes data;
	struct run_var *next;
};

/* One checked expectation being written. */
struct run_check {
	int line;
	char desc[RUN_TEXT_MAX];
	bool ok;
	struct bytes diag;	/* "field: expected X vs actual Y" lines */
	struct bytes message;	/* the message decoded, if any */
	/* A timed check (a retransmission gap): what the script or profile
	 * asked and what was measured, for the report's charts. */
	bool timed;
	uint64_t expected_us, measured_us;
};

/* A request iketest sent, by its SPIi and message ID: the copies sent
 * and the responses counted against them (RFC 7296 2.1: at most one per
 * copy), and, for a `send', its retransmission until answered. */
struct run_req {
	uint8_t spi_i[IKE_SPI_LEN];
	uint32_t msgid;
	struct bytes raw;		/* the last copy sent */
	enum net_port port;		/* where it went */
	unsigned copies, answers;
	struct bytes answer;		/* the last response counted */
	struct ike_retx retx;		/* armed: retransmitted while waiting */
};

struct run_ctx {
	const struct script *s;
	const struct profile *prof;
	const struct run_opts *o;
	FILE *tap;
	const char *ind;
	FILE *rec;			/* result record */
	char pcap_path[4096];
	char rec_path[4096];
	char adapter[4096];		/* "" when none */
	struct adapter ad;		/* runs c->adapter (adapter.h) */
	/* transport */
	struct net *net;
	enum net_port port;		/* where requests go now */
	bool nat_pretend;
	bool want_response;		/* the current expect names a response */
	/* where the last IKE message received came from and went to */
	struct addr rx_src, rx_dst;		/* `nat pretend': IKE moves to 4500 */
	struct ike_transport tr;
	/* the requests sent (run_transport.c), the oldest first */
	struct run_req reqs[RUN_REQS_MAX];
	size_t nreqs;
	uint64_t nretx, nretx_answered;	/* retransmissions sent (counted) */
	/* the last request of the IUT the script answered (RFC 7296 2.1:
	 * the same response again when it comes again) */
	struct bytes answered_req;
	struct bytes dropped[RUN_REQS_MAX];	/* --drop-first: dropped once */
	size_t ndropped;
	/* IKE state */
	struct ike_config cfg;
	bool cfg_ready;
	struct ike_sa *sa;
	struct ike_rx rx;		/* last received */
	bool have_rx;
	bool rx_answered;		/* we sent a response to rx */
	/* The last request sent met silence in an `or silence' window: its
	 * IKE SA is deemed failed (RFC 7296 2.1, 2.4), and the clean-up sends
	 * no Delete on it, which would exceed the IUT's window of one
	 * request (2.3) and wait for an answer that cannot come. */
	bool req_dropped;
	bool init_sent;		/* the SA sent its IKE_SA_INIT request */
	/* an IKE_SA_INIT exchange or establish was tried: keys missing
	 * after it are the IUT's doing, not the script's */
	bool init_tried;
	/* The send being built is a COOKIE retry (RFC 7296 2.6): its other
	 * payloads are those of the first request, so Ni and KE are reused. */
	bool cookie_retry;
	/* the last IKE_SA_INIT requests sent, for COOKIE retries */
	struct codec_node *init_reqs[RUN_INIT_REQS];
	size_t ninit;
	struct ike_msg sent;		/* last sent, as built */
	bool have_sent;
	/* offers of the last SA/TS we sent, for "one of" / "subset of" */
	struct ike_proposal offered[IKE_PROPOSAL_MAX];
	size_t noffered;
	struct ike_ts_list offered_ts[2];	/* TSi, TSr */
	bool have_offered_ts[2];
	/* timing: the previous event that sent or received */
	uint64_t last_event_us;
	uint64_t start_us, start_wall_us;
	/* exact retransmissions of matched messages are passed over */
	struct bytes seen[RUN_SEEN_MAX];
	uint64_t seen_nsent[RUN_SEEN_MAX];	/* nsent when it was matched */
	size_t nseen;
	uint64_t nsent;			/* messages sent so far */
	struct bytes sent_raw;		/* the bytes of the last one */
	/* run_sender.c: the IUT's messages judged so far, by a hash of
	 * their bytes, and which steps of judging each has had */
	uint64_t sender_hash[RUN_SENDER_SEEN];
	unsigned sender_done[RUN_SENDER_SEEN];
	size_t nsender;
	int line;			/* of the event running */
	struct run_var *vars;
	struct run_esp *esp;		/* CHILD SA traffic state (run_esp.c) */
	struct evidence *ev;		/* keys for the Wireshark tables */
	/* Set when the rest of the script cannot run here (raw ESP without
	 * root): later events are passed over and the verdict is SKIP. */
	char skip_rest[RUN_TEXT_MAX];
	/* profile words with $NAME expanded (run_word) */
	char words[RUN_WORDS_MAX][RUN_WORD_LEN];
	unsigned nwords;
	/* TAP */
	unsigned ntests, nfail, ntodo_pass, nskip;
	bool todo;
	const char *todo_clause, *todo_evidence;
	bool bad_script;
	struct err script_err;
};

/* run_check.c: checks, TAP and record output (a leaf) */
void run_check_begin(struct run_ctx *c, struct run_check *k, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void run_check_fail(struct run_check *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void run_check_note(struct run_check *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void run_check_message(struct run_check *k, const struct ike_rx *rx);
void run_check_end(struct run_ctx *c, struct run_check *k);
void run_diag(struct run_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A script error found while running: "file:line: message". -1. */
int run_script_error(struct run_ctx *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A check line that did not run, with the reason (TAP "# SKIP"). */
void run_check_skip(struct run_ctx *c, int line, const char *desc,
    const char *why);
/* One "KEY value" line of the result record (nothing when f is NULL). */
void run_rec_str(FILE *f, const char *key, const char *v);
/* Where the adapter's verbs print: run_opts adapter_out_fd, else -1
 * (adapter_run: stderr). */
static inline int run_adapter_fd(const struct run_ctx *c)
{
	return c->o->adapter_out_fd > 0 ? c->o->adapter_out_fd : -1;
}

/* run_vars.c */
struct run_var *run_var_find(struct run_ctx *c, const char *name);
struct run_var *run_var_put(struct run_ctx *c, const char *name);
void run_vars_free(struct run_ctx *c);
/* A script value as the text codec_field_parse reads: "12", "0x0102",
 * "\"text\"", a name; variables substituted. -1 (script error) on an
 * undefined variable or a message variable. */
int run_value_text(struct run_ctx *c, const struct script_value *v,
    char *out, size_t outlen);

/* run_send.c: sends */
int run_send(struct run_ctx *c, const struct script_event *ev);
/* Remembers the SA and TS offers of a message sent (for "one of offered"). */
void run_note_offers(struct run_ctx *c, const struct ike_msg *m);

/* run_build.c: payloads of the script */
/* A payload node of the script (send lists, establish overrides). */
int run_payload_build(struct run_ctx *c, const struct script_payload *sp,
    unsigned exchange, bool response, struct codec_node **out);
/* The codec field of a payload argument: positional (the idx-th) or
 * by key; NULL when the payload has none. */
const char *run_positional_field(const struct codec_node *n, unsigned idx);
const char *run_key_field(const struct codec_node *n, const char *key);
/* Applies one argument (key=value or positional) to a payload node. */
int run_payload_arg(struct run_ctx *c, struct codec_node *n,
    const struct script_payload *sp, const struct script_arg *a,
    unsigned positional_index);

/* run_path.c: views and paths */
/* A message with the payloads of SK in place of SK (caller frees). */
struct codec_node *run_view(const struct codec_node *hdr,
    const struct codec_node *inner);
/* "N(COOKIE).data" into "N[2].data" for root (a message or a chain):
 * 0, or 1 when no such payload is there (out then holds the path as
 * given), -1 on a script error. */
int run_path_rewrite(struct run_ctx *c, struct codec_node *root,
    const char *path, char *out, size_t outlen);
/* Resolves N(TYPE) selectors, then gets the field as text. */
int run_path_get(struct run_ctx *c, struct codec_node *view,
    const char *path, int line, char *out, size_t outlen, bool *bytes_field,
    struct bytes *data, uint64_t *num, bool *found, struct err *e);
/* Whether the payload path starts with is absent from the view (so
 * that a failed resolve means "absent" rather than "bad path"). */
bool run_path_payload_absent(struct codec_node *view, const char *path);

/* run_match.c: the matchers of expect */
/* All matchers of an expect; failures go into k. */
void run_match_all(struct run_ctx *c, const struct script_matcher *m,
    struct codec_node *view, const struct ike_rx *rx, struct run_check *k);

/* run_local.c: capture, let, wait */
int run_capture(struct run_ctx *c, const struct script_event *ev);
int run_let(struct run_ctx *c, const struct script_event *ev);
int run_wait(struct run_ctx *c, script_us us);

/* run_transport.c: ports, the ike_transport, the IKE configuration */
int run_transport_init(struct run_ctx *c, struct err *e);
/* The first word of a profile value, $NAME expanded; NULL when absent
 * (*bad and e on an unset variable). */
const char *run_profile_word(struct run_ctx *c, const char *section,
    const char *key, struct err *e, bool *bad);
/* Sends bytes on the current port; the time becomes the last event. */
int run_send_bytes(struct run_ctx *c, const uint8_t *p, size_t n,
    struct err *e);
/* The next IKE datagram before the deadline (ESP, AH and NAT keepalives
 * are passed over): 1 got, 0 none, -1 error. While it waits, the
 * requests of `send' are retransmitted on the profile's schedule; a
 * request of the IUT the script answered gets the same response again;
 * a response beyond one per copy of its request sent is a failed check
 * of its own (RFC 7296 2.1) and passed over. */
int run_recv_ike(struct run_ctx *c, uint64_t deadline,
    struct net_packet *pkt, struct err *e);
/* The request just sent (c->sent_raw) is retransmitted while a later
 * receive waits, unless the script said `retransmit off'. */
void run_retx_arm(struct run_ctx *c);
/* No request is retransmitted any more (an expectation's window ended,
 * a silence begins). */
void run_retx_stop(struct run_ctx *c);
/* The script answered the IUT's request rx with bytes. */
void run_note_answered(struct run_ctx *c, const struct ike_rx *rx);
void run_transport_free(struct run_ctx *c);

/* run_sender.c: the rules binding a sender (rules.h), on every IKE
 * message of the IUT; a violation is a failed check of its own. */
void run_sender_check(struct run_ctx *c, const uint8_t *p, size_t n);
/* After `establish': its responses against its requests, with keys. */
void run_sender_established(struct run_ctx *c);

/* run_expect.c: receive-side events */
int run_expect(struct run_ctx *c, const struct script_event *ev);
int run_silence(struct run_ctx *c, const struct script_event *ev);
int run_retransmits(struct run_ctx *c, const struct script_event *ev);

/* run_establish.c */
int run_establish(struct run_ctx *c, const struct script_event *ev);
/* Waits [timers] child-ready after a CHILD SA was created (by establish,
 * IKE_AUTH or CREATE_CHILD_SA), before the first packet on it. */
void run_child_ready(struct run_ctx *c);

/* run_iut.c: the IUT driven through its adapter */
int run_iut(struct run_ctx *c, const struct script_event *ev);

/* run_cleanup.c: after the events, deletes the IKE SA left up, or has
 * the adapter drop what the IUT initiated. No TAP line. */
void run_cleanup(struct run_ctx *c);

/* run_esp.c: traffic through CHILD SAs, NAT, IUT counters */
struct run_esp;
struct evidence;
int run_nat(struct run_ctx *c, const struct script_event *ev);
int run_iut_counters(struct run_ctx *c, const struct script_event *ev);
void run_esp_free(struct run_ctx *c);
/* The IKE SA and CHILD SAs held now go into the evidence; at the end
 * the key tables are written beside the pcap (evidence.h). */
void run_evidence_collect(struct run_ctx *c);
void run_evidence_write(struct run_ctx *c);
void run_evidence_free(struct run_ctx *c);

#endif
