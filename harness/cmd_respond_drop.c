/* iketest respond --drop-first, a test aid (cmd_respond_int.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cmd_respond_int.h"

/* --drop-first (a test aid, harness/tests/loss.sh): the first copy of
 * each IKE datagram received and of each response sent is dropped, as a
 * lossy link would, so that retransmissions (RFC 7296 2.1) carry every
 * exchange. One per exchange and direction: copies are told apart by a
 * hash of SPIi, exchange type, R flag and message ID. */
enum { RSP_DROP_MAX = 4096 };
static struct {
	bool on;
	uint64_t seen[RSP_DROP_MAX];
	size_t n, next;
	unsigned long count;
	FILE *log;
} rsp_drop;

bool rsp_drop_first(const uint8_t *p, size_t n, const char *what)
{
	uint64_t h = 0xcbf29ce484222325u;	/* FNV-1a */
	size_t i;

	if (!rsp_drop.on || n < 28)
		return false;
	for (i = 0; i < 24; i++)	/* SPIi, exchange, flags, message ID */
		if (i < 8 || i == 18 || i >= 20)
			h = (h ^ p[i]) * 0x100000001b3u;
	h = (h ^ (p[19] & 0x20)) * 0x100000001b3u;	/* R */
	for (i = 0; i < rsp_drop.n; i++)
		if (rsp_drop.seen[i] == h)
			return false;
	rsp_drop.seen[rsp_drop.next] = h;
	rsp_drop.next = (rsp_drop.next + 1) % RSP_DROP_MAX;
	if (rsp_drop.n < RSP_DROP_MAX)
		rsp_drop.n++;
	rsp_drop.count++;
	if (rsp_drop.log) {
		fprintf(rsp_drop.log, "~ --drop-first: dropped the first copy of %s (%zu bytes), %lu in all\n",
		    what, n, rsp_drop.count);
		fflush(rsp_drop.log);
	}
	return true;
}

void rsp_drop_setup(bool on, FILE *log)
{
	rsp_drop.on = on;
	rsp_drop.log = log;
}

unsigned long rsp_drop_count(void)
{
	return rsp_drop.count;
}
