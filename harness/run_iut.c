/* run_iut: `iut VERB': the IUT driven through its adapter (adapter.h),
 * and liveness; `iut counters' is run_iut_counters (run_esp.c). */
#include "run_int.h"

#include <string.h>

#include "profile.h"

/* ---------------------------------------------------------------- iut */

/* Liveness on the IKE SA: an empty INFORMATIONAL request answered. */
static void run_liveness(struct run_ctx *c, struct run_check *k)
{
	struct ike_msg m = { NULL, NULL };
	struct ike_rx rx;
	struct err e;

	if (c->sa == NULL || c->sa->state != IKE_S_ESTABLISHED)
		return;
	memset(&rx, 0, sizeof(rx));
	if (ike_build_info_empty(c->sa, &m, &e) < 0 ||
	    ike_exchange(c->sa, &m, &c->tr, &c->cfg, &rx, &e) < 0)
		run_check_fail(k, "liveness (empty INFORMATIONAL): expected an answer, actual: %s",
		    e.text);
	ike_msg_free(&m);
	ike_rx_free(&rx);
}

int run_iut(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_iut *u = &ev->u.iut;
	const char *sa = u->target == SCRIPT_SA_IKE ? "ike" :
	    u->target == SCRIPT_SA_CHILD ? "child" : NULL;
	const char *args[4] = { NULL, NULL, NULL, NULL };
	struct run_check k;
	struct err e;
	int rc = 0;

	run_check_begin(c, &k, ev->pos.line, "iut %s%s%s",
	    script_iut_verb_name(u->verb), sa ? " " : "", sa ? sa : "");
	if (c->adapter[0] == '\0' && u->verb != SCRIPT_IUT_ALIVE) {
		run_check_fail(&k, "no adapter for this IUT ([iut] adapter or --iut)");
		run_check_end(c, &k);
		return 0;
	}
	switch (u->verb) {
	case SCRIPT_IUT_INITIATE: args[0] = "initiate"; break;
	case SCRIPT_IUT_REKEY: args[0] = "rekey"; args[1] = sa; break;
	case SCRIPT_IUT_TERMINATE: args[0] = "terminate"; break;
	case SCRIPT_IUT_START: args[0] = "start"; break;
	case SCRIPT_IUT_STOP: args[0] = "stop"; break;
	case SCRIPT_IUT_ALIVE: args[0] = "status"; break;
	case SCRIPT_IUT_COUNTERS:
		bytes_free(&k.diag);
		return run_iut_counters(c, ev);
	case SCRIPT_IUT_RESTART:
		args[0] = "stop";
		if ((rc = adapter_run(&c->ad, args, false, run_adapter_fd(c), &e)) == 0) {
			args[0] = "start";
			if ((rc = adapter_run(&c->ad, args, false, run_adapter_fd(c), &e)) == 0) {
				args[0] = "configure";
				args[1] = profile_path(c->prof);
			}
		}
		break;
	}
	adapter_reap(&c->ad);
	if (rc == 0 && c->adapter[0] != '\0')
		rc = adapter_run(&c->ad, args, u->verb == SCRIPT_IUT_INITIATE ||
		    u->verb == SCRIPT_IUT_REKEY || u->verb == SCRIPT_IUT_TERMINATE,
		    run_adapter_fd(c), &e);
	/* initiate returns once the IUT started: its messages may be on
	 * their way, and they count from here */
	c->last_event_us = net_now_us();
	if (rc < 0)
		run_check_fail(&k, "adapter: %s", e.text);
	else if (rc != 0 && !(u->verb == SCRIPT_IUT_INITIATE && rc == 1))
		run_check_fail(&k, "adapter %s: expected exit 0, actual %d",
		    args[0], rc);
	if (u->verb == SCRIPT_IUT_ALIVE)
		run_liveness(c, &k);
	if (u->verb == SCRIPT_IUT_ALIVE || !k.ok)
		run_check_end(c, &k);
	else
		bytes_free(&k.diag);
	return 0;
}
