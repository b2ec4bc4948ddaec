/* fuzzer: a case is a function of (seed, case number, states): the same
 * script text again, another case another text; every state is drawn;
 * every case's script parses (or names the path that does not resolve
 * only at run time); the states words; the probe script. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "fuzzer.h"
#include "profile.h"
#include "script.h"
#include "tap.h"

static char a[16384], b[16384];

#define ALL ((1u << FUZZER_ST_COUNT) - 1)
#define NOESP "[capabilities]\nesp = no kernel\n"
#define YESESP "[capabilities]\nesp = yes\n"

int main(void)
{
	struct fuzzer_script_opts so = { 200, true, false, NULL };
	struct fuzzer_case c;
	struct script *s;
	struct err e;
	unsigned mask, seen = 0, i, parsed = 0, differ = 0, sets = 0, edits = 0;

	fuzzer_case_make(42, 1234, ALL, &c);
	ok(fuzzer_case_script(&c, &so, a, sizeof(a)) == 0, "case 42/1234 has a script");
	fuzzer_case_make(42, 1234, ALL, &c);
	ok(fuzzer_case_script(&c, &so, b, sizeof(b)) == 0 && strcmp(a, b) == 0,
	    "the same seed and case give the same script");
	fuzzer_case_make(43, 1234, ALL, &c);
	ok(fuzzer_case_script(&c, &so, b, sizeof(b)) == 0 && strcmp(a, b) != 0,
	    "another seed another script");

	for (i = 0; i < 2000; i++) {
		fuzzer_case_make(7, i, ALL, &c);
		seen |= 1u << c.state;
		sets += c.nops > 0 && c.ops[c.nops - 1].kind == FUZZER_OP_SET;
		edits += c.nops > 0 && c.ops[0].kind != FUZZER_OP_SET;
		if (fuzzer_case_script(&c, &so, a, sizeof(a)) < 0)
			continue;
		if (script_parse("fuzz/case.ike", a, strlen(a), &s, &e) == 0) {
			parsed++;
			script_free(s);
		} else if (i - parsed < 3) {
			diag("case %u: %s", i, e.text);
		}
		fuzzer_case_make(7, i + 1, ALL, &c);
		if (fuzzer_case_script(&c, &so, b, sizeof(b)) == 0 &&
		    strcmp(a, b) != 0)
			differ++;
	}
	ok(seen == ALL, "2000 cases reach every state (mask %#x)", seen);
	ok(parsed == 2000, "their scripts parse (%u of 2000)", parsed);
	ok(differ >= 1990, "neighbouring cases differ (%u of 2000)", differ);
	ok(sets > 1000 && edits > 100, "field sets (%u) and payload list edits (%u) both drawn",
	    sets, edits);
	fuzzer_case_make(7, 5, 1u << FUZZER_ST_AUTH, &c);
	ok(c.state == FUZZER_ST_AUTH, "a mask of one state fixes the state");

	ok(fuzzer_states_parse("init,child", &mask, &e) == 0 &&
	    mask == ((1u << FUZZER_ST_INIT) | (1u << FUZZER_ST_CHILD)),
	    "states init,child");
	ok(fuzzer_states_parse("all", &mask, &e) == 0 && mask == ALL, "states all");
	ok(fuzzer_states_parse("init,bogus", &mask, &e) < 0 &&
	    strstr(e.text, "bogus") != NULL, "a bad state is named: %s", e.text);

	/* the ESP states: their cases parse, draw every key of `esp send'
	 * they know and raw inner packets; espudp sends via=udp behind
	 * `nat pretend' */
	{
		static const char *const keys[] = { " seq=", " spi=",
			" padlen=", " tfc=", " next=", " corrupt=", " len=",
			" ttl=", " to=", " from=", " sport=", " dport=",
			" echo_id=", " echo_seq=", " ipver=", " ihl=", " iplen=",
			" frag=", " proto=", " ipcsum=", " l4len=", " l4csum=",
			NULL };
		unsigned em = (1u << FUZZER_ST_ESP) | (1u << FUZZER_ST_ESPUDP);
		unsigned kseen = 0, nk = 0, raw = 0, eparsed = 0, k;
		bool udp_ok = true;
		struct profile *p;
		char why[256], line[512];
		const char *l;

		while (keys[nk] != NULL)
			nk++;
		for (i = 0; i < 2000; i++) {
			fuzzer_case_make(9, i, em, &c);
			if (fuzzer_case_script(&c, &so, a, sizeof(a)) < 0 ||
			    (l = strstr(a, "\nesp send ")) == NULL)
				continue;
			if (script_parse("fuzz/esp.ike", a, strlen(a), &s, &e) == 0) {
				eparsed++;
				script_free(s);
			} else if (i - eparsed < 3) {
				diag("esp case %u: %s", i, e.text);
			}
			snprintf(line, sizeof(line), "%.*s",
			    (int)strcspn(l + 1, "\n"), l + 1);
			for (k = 0; k < nk; k++)
				if (strstr(line, keys[k]) != NULL)
					kseen |= 1u << k;
			raw += strncmp(line, "esp send raw data=0x", 20) == 0;
			if (c.state == FUZZER_ST_ESPUDP &&
			    (strstr(line, " via=udp") == NULL ||
			    strstr(a, "\nnat pretend\n") == NULL))
				udp_ok = false;
		}
		ok(eparsed == 2000, "2000 ESP cases parse (%u)", eparsed);
		ok(kseen == (1u << nk) - 1, "every ESP key is drawn (mask %#x of %#x)",
		    kseen, (1u << nk) - 1);
		ok(raw > 200, "raw inner packets drawn (%u of 2000)", raw);
		ok(udp_ok, "espudp cases go via=udp behind nat pretend");
		ok(strstr(a, "\nsend CREATE_CHILD_SA\n") != NULL &&
		    strstr(a, "esp expect udp within 2s: data=\"iketest fuzz probe\"") != NULL,
		    "an ESP case checks the data plane on a new CHILD SA");

		mask = ALL;
		if (profile_parse("noesp.conf", NOESP, strlen(NOESP), &p, &e) == 0) {
			fuzzer_states_usable(p, &mask, why, sizeof(why));
			profile_free(p);
		}
		ok(mask == (ALL & ~em) && strstr(why, "esp, espudp") != NULL,
		    "a profile without ESP: esp and espudp left out (%s)", why);
		mask = ALL;
		if (profile_parse("esp.conf", YESESP, strlen(YESESP),
		    &p, &e) == 0) {
			fuzzer_states_usable(p, &mask, why, sizeof(why));
			profile_free(p);
		}
		ok(mask == ALL && why[0] == '\0', "a profile with ESP keeps them");
	}

	ok(fuzzer_probe_script(&so, a, sizeof(a)) == 0 &&
	    strstr(a, "establish ike\n") != NULL &&
	    script_parse("probe.ike", a, strlen(a), &s, &e) == 0,
	    "the probe is a script: a fresh IKE SA");
	if (strstr(a, "establish") != NULL)
		script_free(s);
	ok(fuzzer_case_script(&c, &so, a, 10) < 0, "a script too long for its buffer is refused");
	return tap_done();
}
