/* fuzzer: a case is a function of (seed, case number, states): the same
 * script text again, another case another text; every state is drawn;
 * every case's script parses (or names the path that does not resolve
 * only at run time); the states words; the probe script. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "fuzzer.h"
#include "script.h"
#include "tap.h"

static char a[16384], b[16384];

int main(void)
{
	struct fuzzer_script_opts so = { 200, true, false, NULL };
	struct fuzzer_case c;
	struct script *s;
	struct err e;
	unsigned mask, seen = 0, i, parsed = 0, differ = 0, sets = 0, edits = 0;

	fuzzer_case_make(42, 1234, 0x1f, &c);
	ok(fuzzer_case_script(&c, &so, a, sizeof(a)) == 0, "case 42/1234 has a script");
	fuzzer_case_make(42, 1234, 0x1f, &c);
	ok(fuzzer_case_script(&c, &so, b, sizeof(b)) == 0 && strcmp(a, b) == 0,
	    "the same seed and case give the same script");
	fuzzer_case_make(43, 1234, 0x1f, &c);
	ok(fuzzer_case_script(&c, &so, b, sizeof(b)) == 0 && strcmp(a, b) != 0,
	    "another seed another script");

	for (i = 0; i < 2000; i++) {
		fuzzer_case_make(7, i, 0x1f, &c);
		seen |= 1u << c.state;
		sets += c.ops[c.nops - 1].kind == FUZZER_OP_SET;
		edits += c.ops[0].kind != FUZZER_OP_SET;
		if (fuzzer_case_script(&c, &so, a, sizeof(a)) < 0)
			continue;
		if (script_parse("fuzz/case.ike", a, strlen(a), &s, &e) == 0) {
			parsed++;
			script_free(s);
		} else if (i - parsed < 3) {
			diag("case %u: %s", i, e.text);
		}
		fuzzer_case_make(7, i + 1, 0x1f, &c);
		if (fuzzer_case_script(&c, &so, b, sizeof(b)) == 0 &&
		    strcmp(a, b) != 0)
			differ++;
	}
	ok(seen == 0x1f, "2000 cases reach every state (mask %#x)", seen);
	ok(parsed == 2000, "their scripts parse (%u of 2000)", parsed);
	ok(differ >= 1990, "neighbouring cases differ (%u of 2000)", differ);
	ok(sets > 1000 && edits > 100, "field sets (%u) and payload list edits (%u) both drawn",
	    sets, edits);
	fuzzer_case_make(7, 5, 1u << FUZZER_ST_AUTH, &c);
	ok(c.state == FUZZER_ST_AUTH, "a mask of one state fixes the state");

	ok(fuzzer_states_parse("init,child", &mask, &e) == 0 &&
	    mask == ((1u << FUZZER_ST_INIT) | (1u << FUZZER_ST_CHILD)),
	    "states init,child");
	ok(fuzzer_states_parse("all", &mask, &e) == 0 && mask == 0x1f, "states all");
	ok(fuzzer_states_parse("init,bogus", &mask, &e) < 0 &&
	    strstr(e.text, "bogus") != NULL, "a bad state is named: %s", e.text);

	ok(fuzzer_probe_script(&so, a, sizeof(a)) == 0 &&
	    strstr(a, "establish ike\n") != NULL &&
	    script_parse("probe.ike", a, strlen(a), &s, &e) == 0,
	    "the probe is a script: a fresh IKE SA");
	if (strstr(a, "establish") != NULL)
		script_free(s);
	ok(fuzzer_case_script(&c, &so, a, 10) < 0, "a script too long for its buffer is refused");
	return tap_done();
}
