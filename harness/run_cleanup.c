/* run_cleanup: after the events, the IKE SA the script left up is
 * deleted, or the adapter drops what the IUT initiated. No TAP line. */
#include "run_int.h"

#include <string.h>

/* The IKE SA the script leaves up is deleted (RFC 7296 1.4.1), without a
 * TAP line, so that the IUT does not keep, rekey and retransmit to SAs of
 * finished scripts while the next ones run; an SA the IUT initiated and
 * the script left half-open is dropped through the adapter (`terminate`),
 * else the IUT would carry the next script's `iut initiate` on it. */
void run_cleanup(struct run_ctx *c)
{
	struct ike_msg m = { NULL, NULL };
	struct ike_rx rx;
	struct err e;
	unsigned t = c->cfg.timeout_ms, n = c->cfg.tries;
	const char *args[2] = { "terminate", NULL };

	if (c->sa == NULL || c->net == NULL)
		return;
	if (c->sa->keys_ready && c->sa->state == IKE_S_ESTABLISHED) {
		memset(&rx, 0, sizeof(rx));
		c->cfg.timeout_ms = 300;
		c->cfg.tries = 2;
		if (ike_build_info_delete_ike(c->sa, &m, &e) < 0 ||
		    ike_exchange(c->sa, &m, &c->tr, &c->cfg, &rx, &e) < 0)
			run_diag(c, "clean-up: the IKE SA was not deleted: %s",
			    e.text);
		c->cfg.timeout_ms = t;
		c->cfg.tries = n;
		ike_msg_free(&m);
		ike_rx_free(&rx);
		return;
	}
	if (c->s->role == SCRIPT_ROLE_RESPONDER && c->adapter[0] != '\0') {
		adapter_reap(&c->ad);
		if (adapter_run(&c->ad, args, false, -1, &e) != 0)
			run_diag(c, "clean-up: adapter terminate failed");
	}
}
