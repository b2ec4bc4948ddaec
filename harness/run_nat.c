/* run_nat: the NAT events: simulated rebinding and keepalives (RFC 3948). */
#include "run_esp_int.h"

#include <inttypes.h>

/* ------------------------------------------------------------------ */
/* nat                                                                 */

static int nat_expect_keepalive(struct run_ctx *c,
    const struct script_event *ev)
{
	const struct script_nat *x = &ev->u.nat;
	struct run_check k;
	struct net_packet pkt;
	uint64_t deadline = x->timing.kind == SCRIPT_T_NONE ?
	    net_now_us() + RUN_DEFAULT_DEADLINE_US :
	    c->last_event_us + (x->timing.kind == SCRIPT_T_RANGE ?
	    x->timing.hi : x->timing.at);
	struct err e;
	int rc;

	run_check_begin(c, &k, ev->pos.line, "nat expect keepalive");
	for (;;) {
		rc = net_recv(c->net, deadline, &pkt, &e);
		if (rc < 0) {
			run_check_fail(&k, "receive: %s", e.text);
			break;
		}
		if (rc == 0) {
			run_check_fail(&k, "RFC 3948 2.3: expected a NAT keepalive (one byte 0xFF on UDP 4500) vs actual none");
			break;
		}
		if (pkt.keepalive) {
			if (x->timing.kind == SCRIPT_T_RANGE &&
			    pkt.ts_us - c->last_event_us < x->timing.lo)
				run_check_fail(&k, "timing: expected after %" PRIu64 " us vs actual %" PRIu64 " us",
				    x->timing.lo, pkt.ts_us - c->last_event_us);
			c->last_event_us = pkt.ts_us;
			break;
		}
	}
	run_check_end(c, &k);
	return 0;
}

int run_nat(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_nat *x = &ev->u.nat;
	char addr[RUN_TEXT_MAX];
	struct run_check k;
	struct err e;
	int rc = 0;

	switch (x->verb) {
	case SCRIPT_NAT_EXPECT_KEEPALIVE:
		return nat_expect_keepalive(c, ev);
	case SCRIPT_NAT_PRETEND:
		/* Our NAT_DETECTION_SOURCE_IP hashes a port we do not use, so
		 * the IUT finds a NAT in front of us (RFC 7296 2.23) and both
		 * sides move to 4500 after IKE_SA_INIT. */
		c->cfg.local.port ^= 0x5a5a;
		c->nat_pretend = true;
		return 0;
	case SCRIPT_NAT_KEEPALIVE:
		run_check_begin(c, &k, ev->pos.line, "nat keepalive");
		rc = net_send_keepalive(c->net, &e);
		break;
	case SCRIPT_NAT_REBIND:
		run_check_begin(c, &k, ev->pos.line, "nat rebind");
		if (x->address != NULL) {
			if (x->address->kind == SCRIPT_V_STRING)
				snprintf(addr, sizeof(addr), "%.*s",
				    (int)x->address->len, x->address->text);
			else if (run_value_text(c, x->address, addr, sizeof(addr)) < 0) {
				bytes_free(&k.diag);
				return -1;
			}
		}
		/* the IKE port in use, and 4500 (ESP) follows it */
		rc = net_rebind(c->net, c->port, x->address ? addr : NULL, 0, &e);
		if (rc == 0 && c->port != NET_NATT)
			rc = net_rebind(c->net, NET_NATT, x->address ? addr : NULL, 0, &e);
		break;
	}
	if (rc < 0) {
		run_check_fail(&k, "%s", e.text);
		run_check_end(c, &k);
	} else {
		bytes_free(&k.diag);
		c->last_event_us = net_now_us();
	}
	return 0;
}
