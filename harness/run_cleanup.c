/* run_cleanup: after the events, the IKE SAs the script left up are
 * deleted, or the adapter drops what the IUT initiated. No TAP line. */
#include "run_int.h"

#include <string.h>

/* Deletes one IKE SA with a short schedule (RFC 7296 1.4.1). */
static void run_cleanup_delete(struct run_ctx *c, struct ike_sa *sa)
{
	struct ike_msg m = { NULL, NULL };
	struct ike_rx rx;
	struct err e;
	unsigned t = c->cfg.timeout_ms, n = c->cfg.tries, nretx = c->cfg.nretx;

	memset(&rx, 0, sizeof(rx));
	/* three tries: one loss each way still gets it through; on the
	 * profile's own schedule when that is quicker (a loopback IUT that
	 * dropped the script's last request never answers this Delete, whose
	 * message ID is beyond its window: iketest fuzz meets that often) */
	c->cfg.timeout_ms = 300;
	c->cfg.tries = 3;
	if (!(nretx > 0 && c->cfg.retx_us[0] < 300000))
		c->cfg.nretx = 0;
	if (ike_build_info_delete_ike(sa, &m, &e) < 0 ||
	    ike_exchange(sa, &m, &c->tr, &c->cfg, &rx, &e) < 0)
		run_diag(c, "clean-up: the IKE SA 0x%016llx was not deleted: %s",
		    (unsigned long long)ike_spi_u64(sa->spi_i), e.text);
	c->cfg.timeout_ms = t;
	c->cfg.tries = n;
	c->cfg.nretx = nretx;
	ike_msg_free(&m);
	ike_rx_free(&rx);
}

/* The IKE SAs the script leaves up are deleted (RFC 7296 1.4.1), without
 * a TAP line, so that the IUT does not keep, rekey and retransmit to SAs
 * of finished scripts while the next ones run: the script's SA and, after
 * an IKE SA rekey (2.18), the new SA that replaced it, whether or not the
 * script deleted the old one. An SA the IUT initiated and the script left
 * half-open is dropped through the adapter (`terminate'), else the IUT
 * would carry the next script's `iut initiate' on it. */
void run_cleanup(struct run_ctx *c)
{
	const char *args[2] = { "terminate", NULL };
	struct ike_sa *sa;
	bool any = false;
	struct err e;

	if (c->sa == NULL || c->net == NULL)
		return;
	c->line = 0;
	run_retx_stop(c);
	for (sa = c->sa; sa != NULL; sa = sa->rekeyed) {
		if (!sa->keys_ready || sa->state != IKE_S_ESTABLISHED)
			continue;
		any = true;
		if (sa == c->sa && c->req_dropped) {
			run_diag(c, "clean-up: the IKE SA 0x%016llx is deemed failed (its last request met silence): no Delete (RFC 7296 2.3)",
			    (unsigned long long)ike_spi_u64(sa->spi_i));
			continue;
		}
		run_cleanup_delete(c, sa);
	}
	if (any)
		return;
	if (c->s->role == SCRIPT_ROLE_RESPONDER && c->adapter[0] != '\0') {
		adapter_reap(&c->ad);
		if (adapter_run(&c->ad, args, false, run_adapter_fd(c), &e) != 0)
			run_diag(c, "clean-up: adapter terminate failed");
	}
}
