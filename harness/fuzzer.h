/* fuzzer: `iketest fuzz`, a stateful fuzzer over the wire whose every case
 * is a script of the test language (suites/README.md).
 *
 * A case reaches a state with real exchanges (none, IKE_SA_INIT done, an
 * IKE SA up) and sends one mutated message: IKE_SA_INIT in the clear,
 * IKE_AUTH, INFORMATIONAL or CREATE_CHILD_SA (a new CHILD SA, or the
 * IKE SA's rekey) inside SK; or, with a CHILD SA up, one mutated ESP
 * packet (plain or in UDP 4500), after which a new CHILD SA must carry an
 * echo (fuzzer_esp.c). The interpreter
 * (run.h) runs it, so the harness peer's state, SK (re-encrypted with a
 * valid ICV after the mutation: the IUT's parser sees it, not its
 * integrity check), the sender rules on every reply, the pcap and the key
 * tables are those of `iketest run`, and a finding is its own reproducer.
 *
 * The mutations come from the codec's field tables (codec_tables.c):
 * every field of every payload of the message, and of their proposals,
 * transforms, attributes and selectors, gets boundary or random values
 * (`set PATH = VALUE`: lengths and counts lie both ways, critical and
 * reserved bits); the payload list is edited (a payload deleted,
 * duplicated, moved, or one of an unknown or known type with a random
 * body inserted). A case is a pure function of (seed, case number):
 * fuzzer_case_make() builds the same mutation again.
 *
 * fuzzer_mutate.c: the cases and their script text (no I/O).
 * fuzzer_esp.c: the ESP states' cases and script lines (no I/O).
 * fuzzer_run.c: the campaign: runs cases, the oracles (a fresh IKE SA
 * every N cases and after each suspicious one, the adapter's status),
 * minimization and the findings folder.
 */
#ifndef IKETEST_FUZZER_H
#define IKETEST_FUZZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"

struct err;
struct profile;
struct run_opts;

/* The states a case starts from. */
enum fuzzer_state {
	FUZZER_ST_INIT,		/* nothing yet: the IKE_SA_INIT request */
	FUZZER_ST_AUTH,		/* IKE_SA_INIT done: the IKE_AUTH request */
	FUZZER_ST_INFO,		/* IKE SA up: an INFORMATIONAL request */
	FUZZER_ST_CHILD,	/* IKE SA up: a CREATE_CHILD_SA request */
	FUZZER_ST_REKEY,	/* IKE SA up: a CREATE_CHILD_SA request that rekeys it */
	FUZZER_ST_ESP,		/* CHILD SA up: an ESP packet (fuzzer_esp.c) */
	FUZZER_ST_ESPUDP,	/* the same behind a pretended NAT: ESP in UDP */
	FUZZER_ST_COUNT
};
const char *fuzzer_state_name(enum fuzzer_state s);	/* "init" ... */
bool fuzzer_state_is_esp(enum fuzzer_state s);	/* esp, espudp */
/* "init,auth" or "all" into a bit mask (1 << state); -1 on a bad word.
 * fuzzer_states_usable drops the states a profile cannot reach (esp and
 * espudp without capabilities.esp = yes): the names of those dropped
 * into why ("" when none). */
int fuzzer_states_parse(const char *text, unsigned *mask, struct err *e);
void fuzzer_states_usable(const struct profile *prof, unsigned *mask,
    char *why, size_t whylen);

enum {
	FUZZER_OPS_MAX = 16,		/* mutations of one case (3 drawn, the rest
				 * payloads a minimization leaves out) */
	FUZZER_PAYLOADS_MAX = 12,	/* payloads of the mutated message */
	FUZZER_TOKEN_MAX = 160,		/* one payload as a script writes it */
	FUZZER_VALUE_MAX = 520,		/* a value of `set` (hex of 256 bytes) */
};

enum fuzzer_op_kind {
	FUZZER_OP_SET,		/* set path = value */
	FUZZER_OP_DROP,		/* payload a left out */
	FUZZER_OP_DUP,		/* payload a sent twice */
	FUZZER_OP_MOVE,		/* payload a moved to place b */
	FUZZER_OP_INSERT,	/* token inserted at place a */
};

struct fuzzer_op {
	enum fuzzer_op_kind kind;
	unsigned a, b;
	char path[CODEC_PATH_MAX];		/* SET */
	char value[FUZZER_VALUE_MAX];		/* SET: value; INSERT: token */
	bool off;				/* dropped by minimization */
};

struct fuzzer_case {
	uint64_t seed, number;
	unsigned mask;			/* the states it was drawn from */
	enum fuzzer_state state;
	struct fuzzer_op ops[FUZZER_OPS_MAX];
	size_t nops;
	/* Payloads of the message after the list edits it drew. */
	char payloads[FUZZER_PAYLOADS_MAX][FUZZER_TOKEN_MAX];
	size_t npayloads;
	/* ESP states: the inner packet (`udp', `raw data=0x...'); its
	 * ops are `esp send' keys (path: the key) */
	char inner[FUZZER_TOKEN_MAX];
};

/* Builds case `number` of campaign `seed` for one of the states of mask
 * (a state is drawn from the case, so a mask of one state fixes it). */
void fuzzer_case_make(uint64_t seed, uint64_t number, unsigned mask,
    struct fuzzer_case *c);
/* The payload list a case sends after its list edits and without the
 * ops minimization turned off. */
size_t fuzzer_case_payloads(const struct fuzzer_case *c,
    char out[FUZZER_PAYLOADS_MAX][FUZZER_TOKEN_MAX]);

/* How a case's script ends. */
struct fuzzer_script_opts {
	unsigned wait_ms;	/* the answer to the mutated message */
	bool probe;		/* then a fresh IKE SA (and `iut alive`) */
	bool alive;		/* `iut alive` in the probe (an adapter) */
	/* The words of the IKE proposal a rekey offers (the profile's first,
	 * ike_policy_proposals); NULL: AES_GCM_16/256 HMAC_SHA2_256 ECP_256. */
	const char *ike_proposal;
};
/* The script of a case (NUL-terminated text into out, at most outlen):
 * header, the state's exchanges, the mutated `send` with its `set`
 * lines, `expect ... or silence`, and the probe. -1 when it does not
 * fit. */
int fuzzer_case_script(const struct fuzzer_case *c,
    const struct fuzzer_script_opts *o, char *out, size_t outlen);
/* The words of the IKE proposal a rekey case offers: the first of those
 * iketest offers from the profile's [ike] (ike_policy_proposals). */
int fuzzer_rekey_words(const struct profile *prof, char *out, size_t outlen,
    struct err *e);
/* The probe alone: a fresh IKE_SA_INIT and IKE_AUTH (`establish ike`). */
int fuzzer_probe_script(const struct fuzzer_script_opts *o, char *out,
    size_t outlen);

/* ------------------------------------------------------------------ */
/* Campaigns                                                           */

struct fuzzer_stats {
	uint64_t cases, invalid, silent, probes, restarts;
	uint64_t first_case, last_case;	/* the case numbers run, first and last */
	uint64_t state_cases[FUZZER_ST_COUNT];	/* cases run per state */
	uint64_t state_reached[FUZZER_ST_COUNT];/* ... whose mutated message
						 * was sent */
	uint64_t findings;
	uint64_t duplicates;	/* findings of a kind met before: not saved */
	uint64_t elapsed_us;
	/* Where the time went, wall clock: cases answered, cases met with
	 * silence (the wait, and a clean-up the IUT does not answer),
	 * probes, findings (reproduction, minimization, the last run). */
	uint64_t us_answered, us_silent, us_probes, us_findings;
	uint64_t cpu_us;	/* iketest's own CPU time (getrusage) */
	bool iut_down;		/* stopped: the IUT died, no adapter to restart */
};

struct fuzzer_opts {
	uint64_t seed;
	uint64_t first_case;	/* --case N: that case alone */
	bool one_case;
	uint64_t cases;		/* at most this many (0: no bound but time) */
	unsigned seconds;	/* at most this long (0: no bound but cases) */
	unsigned shard_k, shard_n;	/* cases number % n == k - 1 */
	unsigned states;	/* mask of enum fuzzer_state */
	unsigned probe_every;	/* a probe after this many cases */
	unsigned wait_ms;	/* answer to a mutated message */
	bool minimize;
	unsigned max_findings;	/* stop after this many */
	bool unmutated;		/* the states' messages as they are: the
				 * harness's own rate, for comparison */
	const char *out_dir;	/* the campaign's record and work files */
	const char *findings_dir;
	/* Called at most once a second and at the end (may be NULL). */
	void (*progress)(void *ctx, const struct fuzzer_stats *st, bool last);
	void *progress_ctx;
};

/* Runs a campaign against the IUT of prof (ro: as `iketest run` takes
 * them; its out_dir and tap are the fuzzer's). Writes
 * out_dir/fuzz.record and one folder per finding under findings_dir.
 * Returns the number of findings, or -1 with e (bad options, the IUT
 * not answering before the first case). */
int fuzzer_campaign(const struct profile *prof, const struct run_opts *ro,
    const struct fuzzer_opts *o, struct fuzzer_stats *st, struct err *e);

#endif
