/* load: tunnel setup rate and half-open floods against an IUT (issue 13;
 * the metrics of the IETF BMWG IPsec drafts: TPS, TRPS, time to first
 * packet, IKE DoS resilience).
 *
 * Tunnels (load_run, mode LOAD_TUNNELS): IKE SAs, each with a CHILD SA,
 * started at an offered rate (or as fast as the IUT answers), at most
 * `concurrent' at once, over one UDP socket pair (SAs told apart by our
 * SPIi). Every handshake is real: a fresh key pair and nonce per
 * IKE_SA_INIT (ike_build_init_request), real PSK AUTH, keys derived and
 * checked by the ike module; nothing is made before the timed part. Then
 * per SA: an ICMP echo through the new CHILD SA's ESP to the profile's
 * [addresses] echo, again every 50 ms until one is answered (time to
 * first packet; at most 20, then "echo: no answer"), `rekey_child' CHILD SA rekeys
 * (each followed by the Delete of the old child), `rekey_ike' IKE SA
 * rekeys (each followed by the Delete of the old IKE SA), and the Delete
 * of the IKE SA. Requests are retransmitted on the profile's schedule
 * (struct ike_retx); a request given up on is a timeout. Every
 * `judge_every'th message of the IUT goes through the sender rules and
 * the payload rules of rules.h; violations are counted.
 *
 * Flood (mode LOAD_FLOOD, RFC 7296 2.6): IKE_SA_INIT requests with no
 * follow-up at the offered rate (0: as fast as the socket takes them)
 * from `ports' source ports. One request is built before the timed part
 * (one key pair, one nonce, no NAT-D) and each probe is that request
 * with a new SPIi: that precomputation is stated in the result. Counted:
 * answers with SA KE Nr (each a half-open SA at the IUT), COOKIE answers
 * (and how many half-open SAs there were when the first came), other
 * answers. Then, unless no_legit, one legitimate initiator establishes an
 * IKE SA with a CHILD SA, following the COOKIE round trip if asked, and
 * deletes it.
 *
 * Bounds: no new attempt after `seconds' or `count' attempts; what is
 * still in flight then gets at most `drain_s' more and is counted as
 * unfinished. Every loop here ends by count or by time. */
#ifndef IKETEST_LOAD_H
#define IKETEST_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "rules.h"

struct profile;

enum {
	LOAD_COUNT_MAX = 1000000,
	LOAD_CONCURRENT_MAX = 4096,
	LOAD_PORTS_MAX = 64,
	LOAD_CAUSES_MAX = 24,		/* distinct failure causes kept */
	LOAD_CAUSE_LEN = 96,
	LOAD_SECONDS_MAX = 3600,
	LOAD_RECORD_SAMPLES = 1000,	/* latency samples a record keeps */
};

enum load_mode { LOAD_TUNNELS, LOAD_FLOOD };

struct load_result;

struct load_opts {
	enum load_mode mode;
	double rate;			/* attempts per second; 0: as fast as
					 * answers come (tunnels) or the socket
					 * takes them (flood) */
	unsigned concurrent;		/* tunnels in flight at once */
	unsigned count;			/* attempts at most */
	double seconds;			/* no new attempt after this */
	double drain_s;			/* then at most this for what is in flight */
	bool no_echo;			/* skip the time to first packet */
	bool no_child;			/* IKE SAs only (also when the profile's
					 * [capabilities] child-sa says no) */
	unsigned rekey_child, rekey_ike;	/* per tunnel */
	unsigned judge_every;		/* rules on every Nth IUT message (0: none) */
	unsigned ports;			/* flood: source ports */
	bool no_legit;			/* flood: no legitimate initiator after */
	/* Overrides of the profile's addresses and ports (0/NULL: profile). */
	const char *iut_addr, *local_addr;
	unsigned port, natt_port;
	/* Replace the profile's [ike] / [esp] lists (ike_policy_parse words,
	 * "AES_GCM_16/256 HMAC_SHA2_256 CURVE25519"); NULL: the profile's. */
	const char *ike_words, *esp_words;
	/* Called about every 200 ms while it runs (a progress line). */
	void (*progress)(void *arg, const struct load_result *r);
	void *progress_arg;
};

/* A failure cause and how often it happened. */
struct load_cause {
	char text[LOAD_CAUSE_LEN];	/* "IKE_SA_INIT: N(NO_PROPOSAL_CHOSEN)" */
	unsigned n;
};

/* Microsecond samples (latencies). */
struct load_samples {
	uint64_t *v;
	size_t n, cap;
};

struct load_result {
	enum load_mode mode;
	char iut[80];			/* address:port */
	char precompute[160];		/* what was made before the timed part */
	double offered;			/* the rate asked (0: as fast as possible) */
	double elapsed_s;		/* first attempt to last answer or bound */
	double attempt_s;		/* first to last attempt started */
	unsigned attempts, established, failed, unfinished, in_flight;
	unsigned retransmissions;	/* requests sent again (RFC 7296 2.1) */
	unsigned timeouts;		/* requests given up on */
	unsigned cookies;		/* COOKIE round trips done (tunnels) */
	struct load_cause causes[LOAD_CAUSES_MAX];
	size_t ncauses;
	unsigned causes_other;		/* beyond LOAD_CAUSES_MAX distinct */
	struct load_samples setup;	/* IKE_SA_INIT sent to IKE_AUTH answered */
	struct load_samples ttfp;	/* CHILD SA up to its echo answered */
	unsigned echo_sent, echo_answered, echo_skipped;
	char echo_note[160];		/* why no echo, if none */
	char child_note[160];		/* why IKE SAs only, if so */
	unsigned child_rekeys, ike_rekeys, deletes;
	double rekey_s;			/* first to last rekey done */
	double delete_s;		/* first to last Delete answered */
	unsigned iut_requests;		/* requests of the IUT answered */
	unsigned judged, violations;	/* IUT messages through the rules */
	char first_violation[RULES_TEXT_MAX + 64];
	/* Flood. */
	unsigned ports;
	unsigned probes, answers_sa, answers_cookie, answers_other;
	unsigned cookie_at;		/* half-open SAs made by the probes sent
					 * before the first one answered with a
					 * COOKIE (cookie_seen) */
	bool cookie_seen;
	bool legit_tried, legit_ok, legit_cookie;
	uint64_t legit_us;
	char legit_error[ERR_TEXT_MAX];
	/* Progress: the time the run has taken so far (seconds). */
	double now_s;
};

void load_opts_init(struct load_opts *o);
/* Runs against the IUT of profile p. 0 with *r filled (free it), -1 when
 * the run could not start (a bad profile, no socket): text in e. Failed
 * handshakes are results, not errors. */
int load_run(const struct profile *p, const struct load_opts *o,
    struct load_result *r, struct err *e);
void load_result_free(struct load_result *r);

/* ---- load_stats.c: numbers from a result ---- */

/* The q-th percentile (0..100, nearest rank) of s, sorting it; 0 if empty. */
uint64_t load_percentile(struct load_samples *s, unsigned q);
int load_sample_add(struct load_samples *s, uint64_t v);
/* One more failure of this cause. */
void load_cause_add(struct load_result *r, const char *text);
/* Achieved tunnels per second: established over the attempt window. */
double load_tps(const struct load_result *r);
/* The human summary (`iketest load' prints it on stdout). */
void load_print(FILE *out, struct load_result *r);
/* The result record (harness/RESULTS.md, kind iketest-load 1). */
int load_record_write(FILE *out, const char *profile_path,
    struct load_result *r);

#endif
