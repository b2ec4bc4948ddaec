/* expand: $NAME and ${NAME} from the environment, with the two rules
 * its callers keep: `iketest run' (a lone `$' kept, "" as unset) and
 * `iketest respond' (a lone `$' refused, "" expands to ""). */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expand.h"
#include "tap.h"

#define RUN_RULES (EXPAND_EMPTY_IS_UNSET | EXPAND_LONE_DOLLAR_KEPT)

static int x(const char *in, unsigned flags, char *out, size_t outlen,
    struct err *e)
{
	out[0] = '\0';
	return expand_vars(in, out, outlen, flags, e);
}

int main(void)
{
	char out[64];
	struct err e;

	setenv("EXPAND_T_DIR", "/creds", 1);
	setenv("EXPAND_T_EMPTY", "", 1);
	unsetenv("EXPAND_T_NONE");

	ok(x("$EXPAND_T_DIR/psk", 0, out, sizeof(out), &e) == 0 &&
	    strcmp(out, "/creds/psk") == 0, "$NAME: %s", out);
	ok(x("${EXPAND_T_DIR}x", RUN_RULES, out, sizeof(out), &e) == 0 &&
	    strcmp(out, "/credsx") == 0, "${NAME}: %s", out);
	ok(x("plain word", 0, out, sizeof(out), &e) == 0 &&
	    strcmp(out, "plain word") == 0, "no variable: as written");
	ok(x("$EXPAND_T_NONE", 0, out, sizeof(out), &e) < 0 &&
	    strstr(e.text, "$EXPAND_T_NONE is not set") != NULL,
	    "unset: refused by name (%s)", e.text);
	ok(x("a$5", RUN_RULES, out, sizeof(out), &e) == 0 &&
	    strcmp(out, "a$5") == 0, "run: a lone $ is kept: %s", out);
	ok(x("a$5", 0, out, sizeof(out), &e) < 0 &&
	    strstr(e.text, "lone") != NULL, "respond: a lone $ is refused (%s)",
	    e.text);
	ok(x("$EXPAND_T_EMPTY", RUN_RULES, out, sizeof(out), &e) < 0,
	    "run: a variable set to \"\" is unset");
	ok(x("<$EXPAND_T_EMPTY>", 0, out, sizeof(out), &e) == 0 &&
	    strcmp(out, "<>") == 0, "respond: a variable set to \"\" expands to \"\"");
	ok(x("${EXPAND_T_DIR", 0, out, sizeof(out), &e) < 0 &&
	    x("${}", RUN_RULES, out, sizeof(out), &e) < 0, "bad ${NAME} refused");
	ok(x("$EXPAND_T_DIR$EXPAND_T_DIR", 0, out, 10, &e) < 0 &&
	    strstr(e.text, "too long") != NULL, "no room: refused (%s)", e.text);
	return tap_done();
}
