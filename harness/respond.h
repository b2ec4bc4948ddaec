/* respond: the reference IKEv2 responder's engine, without sockets: a
 * datagram in, at most one datagram out. cmd_respond.c puts it on UDP;
 * tests drive it in memory. */
#ifndef IKETEST_RESPOND_H
#define IKETEST_RESPOND_H

#include <stdbool.h>
#include <stdio.h>

#include "ike.h"

enum { RESPOND_SA_MAX = 64 };

struct respond {
	struct ike_config cfg;		/* our policy and credentials */
	bool cookies;			/* demand cookies ... */
	unsigned cookie_threshold;	/* ... above this many half-open SAs */
	uint8_t cookie_secret[32];
	struct ike_sa *sa[RESPOND_SA_MAX];
	size_t nsa;
	FILE *log;			/* one line per message; NULL: none */
	unsigned dropped;		/* datagrams dropped silently */
};

/* Takes cfg (moved: the caller's copy is cleared). */
int respond_init(struct respond *r, struct ike_config *cfg, struct err *e);
void respond_free(struct respond *r);
/* Handles one datagram from peer; *out is the reply (len 0: none). */
int respond_handle(struct respond *r, const uint8_t *p, size_t n,
    struct bytes *out, struct err *e);

#endif
