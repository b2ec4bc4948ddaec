/* run: the interpreter of the test language. It runs one parsed script
 * against the IUT a profile describes, writes the script's TAP stream and
 * a result record (harness/RESULTS.md), and captures a pcap of the test.
 * `iketest run` (cmd_run.c) is its command line. */
#ifndef IKETEST_RUN_H
#define IKETEST_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct addr;
struct err;
struct ike_config;
struct profile;
struct script;

struct run_opts {
	const char *out_dir;		/* records and pcaps go here */
	const char *iut_name;		/* --iut NAME: peers/NAME/adapter */
	const char *adapter;		/* adapter path (overrides profile) */
	const char *iut_addr;		/* overrides [addresses] iut */
	const char *local_addr;		/* overrides [addresses] harness */
	const char *capture_if;		/* overrides [addresses] harness-if */
	unsigned port, natt_port;	/* IUT ports (0: profile, else 500/4500) */
	unsigned local_port, local_natt_port;	/* 0: see run.c */
	bool no_rules;			/* no automatic RFC 7296 rules lines */
	bool allow_all_skip;		/* cmd_run: all scripts skipped exits 0 */
	/* A test aid (harness/tests/loss.sh): the first copy of each IKE
	 * datagram sent and of each response received is dropped. */
	bool drop_first;
	unsigned adapter_timeout_s;	/* default 60 */
	/* Where the adapter's verbs print (status, initiate ...): 0 for
	 * stderr (stdout may be TAP); the fuzzer sends them to /dev/null. */
	int adapter_out_fd;
	const char *indent;		/* prefix of every TAP line ("" or "    ") */
	FILE *tap;			/* where TAP goes (stdout) */
};

/* Verdicts of a whole script. */
enum run_verdict { RUN_PASS, RUN_FAIL, RUN_SKIP, RUN_TODO, RUN_ERROR };
const char *run_verdict_name(enum run_verdict v);

/* Runs s. Returns the verdict; RUN_ERROR is a bad script or an
 * environment that does not let it run, with "file:line: message" in e
 * (already printed as a TAP "Bail out!"). */
enum run_verdict run_script(const struct script *s,
    const struct profile *prof, const struct run_opts *o, struct err *e);

/* The IKE configuration a profile gives iketest as initiator, as `run`
 * and `load` both use it: the [ike] and [esp] policies, the PSK of [auth]
 * psk-file, the identity psk-id-harness (else the local address), the
 * selectors [addresses] harness-protected and protected (else the two
 * addresses), the schedule [timers] retransmit; $NAME expanded. local and
 * iut are the two addresses, local_port and iut_port their IKE ports.
 * cfg must be ike_config_init'ed; the caller frees it. */
int run_ike_config(const struct profile *p, const char *local,
    uint16_t local_port, const char *iut, uint16_t iut_port,
    struct ike_config *cfg, struct err *e);
/* The first address of family fam (0: any) among a profile key's words
 * ($NAME expanded); a network "203.0.113.0/24" gives its first host
 * (.1). 0, 1 when there is none, -1 on an unset variable. */
int run_profile_addr(const struct profile *p, const char *section,
    const char *key, int fam, struct addr *a);

#endif
