/* run_vars: script variables ($name) and values as text for the codec. */
#include "run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run_var *run_var_find(struct run_ctx *c, const char *name)
{
	struct run_var *v;

	for (v = c->vars; v != NULL; v = v->next)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

/* The variable, created empty when new; a capture inside a repeat
 * overwrites it at each pass. */
struct run_var *run_var_put(struct run_ctx *c, const char *name)
{
	struct run_var *v = run_var_find(c, name);

	if (v != NULL) {
		bytes_free(&v->data);
		v->is_num = v->is_msg = false;
		v->num = 0;
		return v;
	}
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return NULL;
	v->name = strdup(name);
	if (v->name == NULL) {
		free(v);
		return NULL;
	}
	v->next = c->vars;
	c->vars = v;
	return v;
}

void run_vars_free(struct run_ctx *c)
{
	struct run_var *v, *next;

	for (v = c->vars; v != NULL; v = next) {
		next = v->next;
		bytes_free(&v->data);
		free(v->name);
		free(v);
	}
	c->vars = NULL;
}

static int run_hex_text(const struct bytes *b, char *out, size_t outlen)
{
	if (outlen < 2 * b->len + 3)
		return -1;
	out[0] = '0';
	out[1] = 'x';
	bytes_to_hex(b->data, b->len, out + 2);
	return 0;
}

int run_value_text(struct run_ctx *c, const struct script_value *v,
    char *out, size_t outlen)
{
	struct run_var *var;

	switch (v->kind) {
	case SCRIPT_V_NUMBER:
		snprintf(out, outlen, "%llu", (unsigned long long)v->num);
		return 0;
	case SCRIPT_V_HEX:
	case SCRIPT_V_WORD:
		if (strlen(v->text) + 1 > outlen)
			return run_script_error(c, v->pos.line, "value too long");
		snprintf(out, outlen, "%s", v->text);
		return 0;
	case SCRIPT_V_STRING: {
		size_t i, n = 0;

		/* as hex: a string may hold quotes and NULs */
		if (outlen < 2 * v->len + 3)
			return run_script_error(c, v->pos.line, "string too long");
		out[n++] = '0';
		out[n++] = 'x';
		for (i = 0; i < v->len; i++)
			n += (size_t)snprintf(out + n, outlen - n, "%02x",
			    (unsigned char)v->text[i]);
		if (v->len == 0)
			snprintf(out, outlen, "\"\"");
		return 0;
	}
	case SCRIPT_V_VAR:
		var = run_var_find(c, v->text);
		if (var == NULL)
			return run_script_error(c, v->pos.line,
			    "$%s is not defined", v->text);
		if (var->is_msg)
			return run_script_error(c, v->pos.line,
			    "$%s is a message, not a value", v->text);
		if (var->is_num) {
			snprintf(out, outlen, "%llu", (unsigned long long)var->num);
			return 0;
		}
		if (var->data.len == 0) {
			snprintf(out, outlen, "\"\"");
			return 0;
		}
		if (run_hex_text(&var->data, out, outlen) < 0)
			return run_script_error(c, v->pos.line,
			    "$%s too long here", v->text);
		return 0;
	case SCRIPT_V_ONEOF:
		break;
	}
	return run_script_error(c, v->pos.line,
	    "alternatives (A|B) are for matchers only");
}
