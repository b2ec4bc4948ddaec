/* run_local: the events that do not talk to the IUT: capture (a field
 * of the last message into a variable), let, and wait. */
#include "run_int.h"

#include <errno.h>
#include <string.h>
#include <time.h>

int run_capture(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_capture *cap = &ev->u.capture;
	struct codec_node *view;
	struct run_var *v;
	struct err e;
	char text[64];
	bool is_bytes = false, found = false;
	struct bytes data = BYTES_EMPTY;
	uint64_t num = 0;
	int rc;

	if (strcmp(cap->path, "message") == 0 && !cap->sent) {
		if (!c->have_rx)
			return run_script_error(c, ev->pos.line,
			    "capture %s = message: nothing received yet", cap->var);
		v = run_var_put(c, cap->var);
		if (v == NULL || bytes_copy(&v->data, &c->rx.raw) < 0)
			return run_script_error(c, ev->pos.line, "out of memory");
		v->is_msg = true;
		return 0;
	}
	if (strcmp(cap->path, "message") == 0 && cap->sent) {
		if (c->sent_raw.len == 0)
			return run_script_error(c, ev->pos.line,
			    "capture %s = sent message: nothing sent yet", cap->var);
		v = run_var_put(c, cap->var);
		if (v == NULL || bytes_copy(&v->data, &c->sent_raw) < 0)
			return run_script_error(c, ev->pos.line, "out of memory");
		v->is_msg = true;
		return 0;
	}
	if (cap->sent ? !c->have_sent : !c->have_rx)
		return run_script_error(c, ev->pos.line,
		    "capture $%s: no message %s yet", cap->var,
		    cap->sent ? "sent" : "received");
	view = cap->sent ? run_view(c->sent.hdr, c->sent.inner) :
	    run_view(c->rx.hdr, c->rx.inner);
	if (view == NULL)
		return run_script_error(c, ev->pos.line, "out of memory");
	rc = run_path_get(c, view, cap->path, ev->pos.line, text, sizeof(text),
	    &is_bytes, &data, &num, &found, &e);
	codec_node_free(view);
	if (rc < 0 || !found) {
		bytes_free(&data);
		/* the message lacks the field: a failed check, not a bad script */
		if (rc == 0) {
			struct run_check k;

			run_check_begin(c, &k, ev->pos.line, "capture $%s = %s",
			    cap->var, cap->path);
			run_check_fail(&k, "%s: not in the %s message", cap->path,
			    cap->sent ? "sent" : "received");
			run_check_message(&k, cap->sent ? NULL : &c->rx);
			run_check_end(c, &k);
			return 0;
		}
		return run_script_error(c, ev->pos.line, "%s", e.text);
	}
	v = run_var_put(c, cap->var);
	if (v == NULL) {
		bytes_free(&data);
		return run_script_error(c, ev->pos.line, "out of memory");
	}
	v->is_num = !is_bytes;
	v->num = num;
	bytes_free(&v->data);
	v->data = data;
	return 0;
}

int run_let(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_value *val = ev->u.let.value;
	struct run_var *v = run_var_put(c, ev->u.let.var);
	struct err e;

	if (v == NULL)
		return run_script_error(c, ev->pos.line, "out of memory");
	switch (val->kind) {
	case SCRIPT_V_NUMBER:
		v->is_num = true;
		v->num = val->num;
		return 0;
	case SCRIPT_V_HEX:
		v->is_num = false;
		if (bytes_from_hex(&v->data, val->text, strlen(val->text), &e) < 0)
			return run_script_error(c, ev->pos.line, "%s", e.text);
		return 0;
	case SCRIPT_V_STRING:
		v->is_num = false;
		if (bytes_set(&v->data, val->text, val->len) < 0)
			return run_script_error(c, ev->pos.line, "out of memory");
		return 0;
	case SCRIPT_V_VAR: {
		struct run_var *src = run_var_find(c, val->text);

		if (src == NULL)
			return run_script_error(c, ev->pos.line,
			    "$%s is not defined", val->text);
		v->is_num = src->is_num;
		v->is_msg = src->is_msg;
		v->num = src->num;
		if (bytes_copy(&v->data, &src->data) < 0)
			return run_script_error(c, ev->pos.line, "out of memory");
		return 0;
	}
	case SCRIPT_V_WORD:
	case SCRIPT_V_ONEOF:
		break;
	}
	return run_script_error(c, ev->pos.line,
	    "let $%s: a number, hex, a string or a variable", ev->u.let.var);
}

int run_wait(struct run_ctx *c, script_us us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	(void)c;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}
