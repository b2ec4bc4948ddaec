/* test_profile: the IUT profile reader (good file, lookups, algorithm
 * matching, deviations), its errors as file:line: message, and the needs
 * of scripts checked against a profile. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "profile.h"
#include "script.h"
#include "tap.h"

static const char good[] =
    "# a profile\n"
    "[iut]\n"
    "name = test-gw 2.1   # trailing comment\n"
    "roles = responder\n"
    "\n"
    "[auth]\n"
    "methods = psk ECDSA\n"
    "psk-file = /etc/secret#not-a-comment\n"
    "[ike]\n"
    "encr = AES_CBC/256 AES_GCM_16 ENCR_CHACHA20_POLY1305\n"
    "prf = HMAC_SHA2_256\n"
    "integ = HMAC_SHA2_256_128\n"
    "dh = MODP_2048 ECP_256\n"
    "[esp]\n"
    "esn = NO\n"
    "[timers]\n"
    "retransmit = 1000000 2000000 4000000\n"
    "[capabilities]\n"
    "cookie = yes\n"
    "childless = no not implemented\n"
    "empty =   no\n"
    "[deviations]\n"
    "cookie-retry = RFC 7296 2.6 | sends a second COOKIE | really\n";

static void lookups(void)
{
	struct profile *p;
	struct err e;
	const char *const *w;
	const char *clause, *evidence;
	uint64_t t[8];
	size_t n;

	if (!ok(profile_parse("good.conf", good, strlen(good), &p, &e) == 0,
	    "good profile parses")) {
		diag("%s", e.text);
		return;
	}
	ok(strcmp(profile_get(p, "iut", "name"), "test-gw 2.1") == 0,
	    "value without its trailing comment");
	ok(strcmp(profile_get(p, "auth", "psk-file"), "/etc/secret#not-a-comment") == 0,
	    "# inside a word is not a comment");
	ok(profile_get(p, "iut", "nope") == NULL && profile_get(p, "ike", "name") == NULL,
	    "absent keys are NULL, sections are separate");
	w = profile_get_list(p, "ike", "dh", &n);
	ok(w && n == 2 && strcmp(w[0], "MODP_2048") == 0 && strcmp(w[1], "ECP_256") == 0,
	    "list words");
	is_int(profile_get_numbers(p, "timers", "retransmit", t, 8), 3, "three timers");
	ok(t[0] == 1000000 && t[2] == 4000000, "timer values");
	is_int(profile_get_numbers(p, "timers", "retransmit", t, 2), -1, "too many for the array");
	ok(profile_has(p, "ike", "dh", "ECP_256") && profile_has(p, "ike", "dh", "DH_ECP_256") &&
	    profile_has(p, "ike", "dh", "ecp_256") && profile_has(p, "ike", "dh", "19"),
	    "algorithms compare by IANA number, with or without prefix and case");
	ok(!profile_has(p, "ike", "dh", "CURVE25519") && !profile_has(p, "ike", "dh", "bogus"),
	    "absent or unknown algorithm");
	ok(profile_has(p, "ike", "encr", "AES_CBC/256") && profile_has(p, "ike", "encr", "AES_CBC") &&
	    !profile_has(p, "ike", "encr", "AES_CBC/128"), "key length must match when both have one");
	ok(profile_has(p, "ike", "encr", "AES_GCM_16/128") && profile_has(p, "ike", "encr", "CHACHA20_POLY1305"),
	    "a bare profile cipher matches any key length");
	ok(profile_has(p, "auth", "methods", "ecdsa") && !profile_has(p, "auth", "methods", "rsa"),
	    "word lists ignore case");
	ok(profile_has(p, "capabilities", "cookie", NULL) &&
	    !profile_has(p, "capabilities", "childless", NULL) &&
	    !profile_has(p, "capabilities", "fragmentation", NULL),
	    "capabilities: yes, no, absent");
	ok(profile_has(p, "timers", "retransmit", NULL), "a present key");
	ok(profile_deviation(p, "cookie-retry", &clause, &evidence) == 1 &&
	    strcmp(clause, "RFC 7296 2.6") == 0 &&
	    strcmp(evidence, "sends a second COOKIE | really") == 0,
	    "deviation: clause and evidence split at the first |");
	ok(profile_deviation(p, "other", &clause, &evidence) == 0, "no deviation");
	ok(strcmp(profile_path(p), "good.conf") == 0, "path kept");
	profile_free(p);
}

struct bad {
	const char *text, *want;
};

static const struct bad bads[] = {
	{ "[iut]\n[bogus]\n", "bad.conf:2: unknown section [bogus] (known: iut addresses auth ike esp ah timers capabilities deviations)" },
	{ "name = x\n", "bad.conf:1: key outside a section (start with [iut])" },
	{ "[iut]\nname x\n", "bad.conf:2: missing `=' (key = value)" },
	{ "[iut]\nname = a\n\nname = b\n", "bad.conf:4: duplicate key `name' in [iut] (first at line 2)" },
	{ "[timers]\nretransmit = 1000 1s\n", "bad.conf:2: bad number `1s' (timers are microseconds)" },
	{ "[timers]\nretransmit = 99999999999999999999999\n", "bad.conf:2: bad number `99999999999999999999999' (timers are microseconds)" },
	{ "[ike]\ndh = MODP_2048 ECP_257\n", "bad.conf:2: `ECP_257' is not a known key exchange method" },
	{ "[esp]\nencr = AES_CBC/0\n", "bad.conf:2: `AES_CBC/0' is not a known encryption algorithm" },
	{ "[ike]\nprf = HMAC_SHA2_256/256\n", "bad.conf:2: `HMAC_SHA2_256/256' is not a known pseudorandom function" },
	{ "[capabilities]\ncookie = maybe\n", "bad.conf:2: capability `cookie' must say yes or no (then a reason)" },
	{ "[deviations]\nx = RFC 7296 2.6\n", "bad.conf:2: a deviation is `script-id = CLAUSE | evidence'" },
	{ "[deviations]\nx = RFC 7296 2.6 |   \n", "bad.conf:2: a deviation is `script-id = CLAUSE | evidence'" },
	{ "[auth]\npsk = hunter2\n", "bad.conf:2: no inline PSK: put it in a file and write psk-file = PATH" },
	{ "[iut]\nroles = initiator server\n", "bad.conf:2: role `server' is not initiator or responder" },
	{ "[iut\n", "bad.conf:1: a section line is [name]" },
	{ "[iut]\n = x\n", "bad.conf:2: a key is letters, digits and _ - . /" },
	{ "[iut]\nna me = x\n", "bad.conf:2: a key is letters, digits and _ - . /" },
	{ "[iut]\nname = a\0b\n", "bad.conf: a NUL byte: not a text file" },
};

static void bad_profiles(void)
{
	size_t i, len;
	struct profile *p;
	struct err e;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		/* Lengths by hand: one case holds a NUL. */
		len = strlen(bads[i].text);
		if (strstr(bads[i].want, "NUL"))
			len += 1 + strlen(bads[i].text + len + 1);
		e.text[0] = '\0';
		p = NULL;
		int rc = profile_parse("bad.conf", bads[i].text, len, &p, &e);
		if (!ok(rc < 0 && p == NULL && strcmp(e.text, bads[i].want) == 0,
		    "bad profile %zu: %s", i + 1, bads[i].want))
			diag("got: %s", rc < 0 ? e.text : "(parsed)");
		/* No error message ever quotes a PSK. */
		if (strstr(bads[i].text, "hunter2"))
			ok(strstr(e.text, "hunter2") == NULL, "the PSK is not in the message");
		profile_free(p);
	}
	ok(profile_load("/nonexistent/p.conf", &p, &e) < 0 &&
	    strncmp(e.text, "/nonexistent/p.conf: ", 21) == 0, "missing file named");
}

static int needs(const struct profile *p, const char *body, char *why,
    size_t size)
{
	char text[1024];
	struct script *s;
	struct err e;
	int rc;

	snprintf(text, sizeof(text), "test \"t\"\nrfc 7296 2.1\n%swait 1s\n", body);
	if (script_parse("needs.ike", text, strlen(text), &s, &e) < 0) {
		snprintf(why, size, "parse: %.400s", e.text);
		return -2;
	}
	rc = script_needs_check(s, p, why, size);
	script_free(s);
	return rc;
}

static void needs_eval(void)
{
	struct profile *p;
	struct err e;
	char why[512];
	size_t n;
	char *text;
	FILE *f;

	if (!ok(profile_parse("good.conf", good, strlen(good), &p, &e) == 0, "profile for needs"))
		return;
	is_int(needs(p, "", why, sizeof(why)), 0, "no needs, role initiator: IUT responder listed");
	is_int(needs(p, "needs ike.dh=ECP_256, auth.methods=psk\n", why, sizeof(why)), 0,
	    "met needs");
	is_int(needs(p, "needs ike.dh=CURVE25519\n", why, sizeof(why)), 1, "unmet dh");
	ok(strcmp(why, "needs ike.dh=CURVE25519: the profile does not list it") == 0, "why: %s", why);
	is_int(needs(p, "needs ike.dh=CURVE25519|MODP_2048\n", why, sizeof(why)), 0,
	    "one alternative suffices");
	is_int(needs(p, "needs ike.dh=CURVE25519|ECP_384\n", why, sizeof(why)), 1, "no alternative");
	ok(strcmp(why, "needs ike.dh=CURVE25519|ECP_384: the profile does not list any of them") == 0,
	    "why: %s", why);
	is_int(needs(p, "needs capabilities.childless\n", why, sizeof(why)), 1, "capability says no");
	ok(strcmp(why, "needs capabilities.childless: the profile says no") == 0, "why: %s", why);
	is_int(needs(p, "needs capabilities.mobike\n", why, sizeof(why)), 1, "capability absent");
	ok(strcmp(why, "needs capabilities.mobike: the profile does not have it") == 0, "why: %s", why);
	is_int(needs(p, "needs esp.integ=HMAC_SHA2_256_128\n", why, sizeof(why)), 1, "key absent");
	ok(strcmp(why, "needs esp.integ=HMAC_SHA2_256_128: the profile has no esp.integ") == 0,
	    "why: %s", why);
	is_int(needs(p, "role responder\n", why, sizeof(why)), 1, "IUT cannot initiate");
	ok(strcmp(why, "role responder needs iut.roles=initiator: the profile does not list it") == 0,
	    "why: %s", why);
	is_int(needs(p, "needs ike.encr=AES_CBC/256, timers.retransmit\n", why, sizeof(why)), 0,
	    "cipher with key length, timers present");
	profile_free(p);

	/* The example profile of suites/ reads, and meets the examples. */
	ok(profile_load("suites/examples/profile.conf", &p, &e) == 0,
	    "suites/examples/profile.conf loads");
	if (p) {
		struct script *s;
		const char *cl, *ev;
		ok(script_load("suites/examples/cookie.ike", &s, &e) == 0 &&
		    script_needs_check(s, p, why, sizeof(why)) == 0 &&
		    profile_deviation(p, s->id, &cl, &ev) == 1,
		    "cookie.ike: needs met, deviation declared for its id");
		script_free(s);
		ok(script_load("suites/examples/retransmit.ike", &s, &e) == 0 &&
		    script_needs_check(s, p, why, sizeof(why)) == 0,
		    "retransmit.ike (role responder) needs met");
		script_free(s);
		profile_free(p);
	}
	/* Every prefix of the example profile reads or fails cleanly. */
	f = fopen("suites/examples/profile.conf", "rb");
	text = malloc(65536);
	n = f && text ? fread(text, 1, 65536, f) : 0;
	if (f)
		fclose(f);
	size_t i, bad = 0;
	for (i = 0; i <= n; i++) {
		if (profile_parse("pre.conf", text, i, &p, &e) == 0)
			profile_free(p);
		else if (strncmp(e.text, "pre.conf", 8) != 0)
			bad++;
	}
	ok(n > 0 && bad == 0, "%zu prefixes of the example profile", n + 1);
	free(text);
}

int main(void)
{
	lookups();
	bad_profiles();
	needs_eval();
	return tap_done();
}
