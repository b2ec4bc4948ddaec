/* load_int: what the load module's files share. */
#ifndef IKETEST_LOAD_INT_H
#define IKETEST_LOAD_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "ike.h"
#include "load.h"
#include "net.h"

enum {
	LOAD_WORD_LEN = 512,
	LOAD_ECHO_TRIES = 20,		/* echoes per CHILD SA at most ... */
	LOAD_ECHO_GAP_US = 50000,	/* ... this far apart (1 s in all) */
	LOAD_PROGRESS_US = 200000,
};

/* Where one tunnel is. */
enum load_step {
	LS_FREE,
	LS_INIT,		/* IKE_SA_INIT request out */
	LS_AUTH,		/* IKE_AUTH request out */
	LS_ECHO,		/* echo through the new CHILD SA out */
	LS_REKEY_CHILD,		/* CREATE_CHILD_SA rekeying the child */
	LS_DEL_CHILD,		/* INFORMATIONAL Delete of the old child */
	LS_REKEY_IKE,		/* CREATE_CHILD_SA rekeying the IKE SA */
	LS_DEL_OLD_IKE,		/* INFORMATIONAL Delete of the old IKE SA */
	LS_DELETE,		/* INFORMATIONAL Delete of the IKE SA */
};

struct load_ctx;

struct load_slot {
	struct load_ctx *ld;
	enum load_step step;
	struct ike_sa *sa;
	struct ike_sa *old;		/* LS_DEL_OLD_IKE: the SA being deleted */
	struct ike_retx retx;		/* of the request out */
	enum net_port port;		/* where IKE goes (4500 once forced) */
	struct ike_transport tr;	/* ctx: this slot */
	uint64_t t_start, t_up;		/* first request, CHILD SA up */
	uint64_t echo_due;
	unsigned echo_tries;
	uint16_t echo_seq;
	bool cookie_seen, ke_seen;
	unsigned child_rekeys, ike_rekeys;
	uint8_t old_spi[IKE_CHILD_SPI_LEN];	/* the child a rekey replaced */
	struct ike_child_sas sas;	/* the first child's ESP pair */
	bool have_sas;
};

struct load_ctx {
	const struct profile *p;
	const struct load_opts *o;
	struct load_result *r;
	struct net *net;
	struct ike_config cfg;
	char iut[LOAD_WORD_LEN], local[LOAD_WORD_LEN];
	uint16_t iut_port, natt_port;
	bool natt_forced;		/* [capabilities] nat-t-forced */
	enum net_port esp_via;		/* NET_NATT or NET_RAW */
	bool echo;			/* echo possible and wanted */
	bool child;			/* IKE_AUTH asks for a CHILD SA */
	bool echo_wanted;		/* ... and so the echo may follow */
	struct addr echo_src, echo_dst;
	bool pfs;			/* child rekeys carry KE */
	struct load_slot *slots;
	size_t nslots, busy;
	uint64_t t0;
	unsigned seen;			/* IUT messages, for judge_every */
	uint64_t rekey_first, rekey_last, del_first, del_last;
};

/* load_stats.c (a leaf, as the clock) */
uint64_t load_now(void);
void load_mark(uint64_t *first, uint64_t *last, uint64_t now);

/* load_sa.c: one tunnel's steps */
int load_slot_start(struct load_slot *s, struct err *e);
/* An IKE datagram or ESP packet for this slot. */
void load_slot_ike(struct load_slot *s, const uint8_t *p, size_t n);
void load_slot_esp(struct load_slot *s, const uint8_t *p, size_t n);
/* Retransmissions and give-ups due by now; the next time one is due. */
uint64_t load_slot_timers(struct load_slot *s, uint64_t now);
/* The slot an IKE datagram (by SPIi) or an ESP packet (by SPI) is for. */
struct load_slot *load_slot_by_spi_i(struct load_ctx *ld, const uint8_t *p,
    size_t n);
struct load_slot *load_slot_by_esp(struct load_ctx *ld, const uint8_t *p,
    size_t n);
void load_slot_clear(struct load_slot *s);
/* The IUT message rx through the rules (every judge_every'th). */
void load_judge(struct load_ctx *ld, const struct ike_rx *rx);

/* load_flood.c */
int load_flood(struct load_ctx *ld, struct err *e);

#endif
