/* test_profile: the IUT profile reader (good file, lookups, algorithm
 * matching, deviations), its errors as file:line: message, and the needs
 * of scripts checked against a profile. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    "[addresses]\n"
    "iut = 192.0.2.10 2001:db8::10\n"
    "ike-port = 500\n"
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
    "redirect =   no\n"
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
	{ "[ike]\ndh = MODP_2048 ECP_257\n", "bad.conf:2: `ECP_257' is not a known key exchange method (did you mean `ECP_256'?)" },
	{ "[ike]\ndh = MODP_2048 FOO\n", "bad.conf:2: `FOO' is not a known key exchange method" },
	{ "[esp]\nencr = AES_CBC/0\n", "bad.conf:2: `AES_CBC/0': AES_CBC takes a key length of 128, 192 or 256 bits" },
	{ "[ike]\nprf = HMAC_SHA2_256/256\n", "bad.conf:2: `HMAC_SHA2_256/256': HMAC_SHA2_256 takes no key length (write it bare)" },
	/* issue 15.4: values that used to get through */
	{ "[addresses]\nike-port = 99999\n", "bad.conf:2: [addresses] ike-port: `99999' is not a port (1..65535)" },
	{ "[addresses]\nike-port = abc\n", "bad.conf:2: [addresses] ike-port: `abc' is not a port (1..65535)" },
	{ "[addresses]\nnatt-port = 0\n", "bad.conf:2: [addresses] natt-port: `0' is not a port (1..65535)" },
	{ "[addresses]\necho-port = 7 8\n", "bad.conf:2: [addresses] echo-port: `7 8' is not a port (1..65535)" },
	{ "[addresses]\nike-port = +500\n", "bad.conf:2: [addresses] ike-port: `+500' is not a port (1..65535)" },
	{ "[ike]\nencr = AES_CBC/257\n", "bad.conf:2: `AES_CBC/257': AES_CBC takes a key length of 128, 192 or 256 bits" },
	{ "[esp]\nencr = AES_GCM_16/64\n", "bad.conf:2: `AES_GCM_16/64': AES_GCM_16 takes a key length of 128, 192 or 256 bits" },
	{ "[ike]\nencr = 3DES/192\n", "bad.conf:2: `3DES/192': 3DES takes no key length (write it bare)" },
	{ "[ike]\nencr = AES_CBX/256\n", "bad.conf:2: `AES_CBX/256' is not a known encryption algorithm (did you mean `AES_CBC/256'?)" },
	{ "[addresses]\niut = 999.1.2.3\n", "bad.conf:2: [addresses] iut: `999.1.2.3' is not an IPv4 or IPv6 address" },
	{ "[addresses]\nharness = 192.0.2.1 fe80::1::2\n", "bad.conf:2: [addresses] harness: `fe80::1::2' is not an IPv4 or IPv6 address" },
	{ "[timers]\nretrasmit = 1000000\n", "bad.conf:2: unknown key `retrasmit' in [timers] (did you mean `retransmit'?)" },
	{ "[capabilities]\ncokies = yes\n", "bad.conf:2: unknown key `cokies' in [capabilities] (did you mean `cookies'?)" },
	{ "[ike]\nfoo = 1\n", "bad.conf:2: unknown key `foo' in [ike]" },
	{ "[timer]\n", "bad.conf:1: unknown section [timer] (did you mean [timers]?)" },
	{ "[auth]\nmethods = psk rsa ecdss\n", "bad.conf:2: [auth] methods: `ecdss' is not one of psk rsa ecdsa (did you mean `ecdsa'?)" },
	{ "[esp]\nmode = tunel\n", "bad.conf:2: [esp] mode: `tunel' is not one of tunnel transport (did you mean `tunnel'?)" },
	{ "[iut]\nike-versions = 1\n", "bad.conf:2: [iut] ike-versions: `1' is not one of 2 (did you mean `2'?)" },
	{ "[ike]\ndh =\n", "bad.conf:2: [ike] dh has no value" },
	{ "[ike]\nencr =   # none yet\n", "bad.conf:2: [ike] encr has no value" },
	{ "[iut]\nroles =\n", "bad.conf:2: [iut] roles has no value" },
	{ "[capabilities]\ncookies =\n", "bad.conf:2: [capabilities] cookies has no value (yes or no, then a reason)" },
	{ "[timers]\nretransmit = 0 0 0\n", "bad.conf:2: [timers] retransmit: a gap of 0 us; each gap is 1000..3600000000 microseconds (1 ms to 1 h)" },
	{ "[timers]\nretransmit = 500000 7200000000\n", "bad.conf:2: [timers] retransmit: a gap of 7200000000 us; each gap is 1000..3600000000 microseconds (1 ms to 1 h)" },
	{ "[timers]\nretransmit = 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000 1000\n",
	  "bad.conf:2: [timers] retransmit: 33 gaps, at most 32" },
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

/* profile_load checks the files a profile names (issue 15.4: a missing
 * psk-file got through); a lab variable is checked where expanded. */
static void files(void)
{
	char path[] = "/tmp/test_profile_XXXXXX";
	const char *base = "[iut]\nroles = responder\n[addresses]\niut = 192.0.2.1\n[auth]\n";
	char want[256];
	struct profile *p;
	struct err e;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!ok(f != NULL, "a temporary profile"))
		return;
	fprintf(f, "%spsk-file = /nonexistent/psk\n", base);
	fclose(f);
	snprintf(want, sizeof(want), "%s:6: [auth] psk-file: /nonexistent/psk: No such file or directory", path);
	if (!ok(profile_load(path, &p, &e) < 0 && p == NULL && strcmp(e.text, want) == 0,
	    "a missing psk-file is an error with its line"))
		diag("got: %s", e.text);
	f = fopen(path, "w");
	fprintf(f, "%spsk-file = $CREDS_DIR/psk\nca = %s\n", base, path);
	fclose(f);
	if (!ok(profile_load(path, &p, &e) == 0, "a lab variable and a file that exists load"))
		diag("got: %s", e.text);
	profile_free(p);
	unlink(path);
}

/* Profiles that read but test nothing (issue 15.3: an empty profile
 * linted clean, then every script skipped). */
static const struct bad untestable[] = {
	{ "", "bad.conf:1: profile has no [addresses] iut: nothing to test" },
	{ "# only comments\n\n# here\n", "bad.conf:1: profile has no [addresses] iut: nothing to test" },
	{ "[iut]\nroles = responder\n[addresses]\nharness = 192.0.2.1\n", "bad.conf:3: profile has no [addresses] iut: nothing to test" },
	{ "[iut]\nname = gw\n[addresses]\niut = 192.0.2.1\n", "bad.conf:1: profile has no [iut] roles (initiator, responder): every script would skip" },
	{ "# header\n[iut]\n# roles to come\nname = gw\n[addresses]\niut = 192.0.2.1\n", "bad.conf:2: profile has no [iut] roles (initiator, responder): every script would skip" },
};

static void testable(void)
{
	struct profile *p;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(untestable) / sizeof(untestable[0]); i++) {
		const struct bad *b = &untestable[i];

		e.text[0] = '\0';
		if (profile_parse("bad.conf", b->text, strlen(b->text), &p, &e) < 0) {
			ok(0, "untestable profile %zu reads: %s", i + 1, e.text);
			continue;
		}
		if (!ok(profile_check_testable(p, &e) < 0 && strcmp(e.text, b->want) == 0,
		    "untestable profile %zu: %s", i + 1, b->want))
			diag("got: %s", e.text);
		profile_free(p);
	}
	if (profile_parse("good.conf", good, strlen(good), &p, &e) == 0) {
		ok(profile_check_testable(p, &e) == 0, "the good profile is testable");
		profile_free(p);
	}
}

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
	files();
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

	/* The example profile of suites/ (README's quick start) reads, is
	 * testable, and meets or skips the examples as it says. Read as text:
	 * its psk-file is made beside it by the quick start, and
	 * suites_lint.sh loads it that way. */
	f = fopen("suites/examples/profile.conf", "rb");
	text = malloc(65536);
	n = f && text ? fread(text, 1, 65536, f) : 0;
	if (f)
		fclose(f);
	p = NULL;
	ok(n > 0 && profile_parse("suites/examples/profile.conf", text, n, &p, &e) == 0 &&
	    profile_check_testable(p, &e) == 0, "suites/examples/profile.conf reads, testable");
	if (p) {
		struct script *s;
		ok(script_load("suites/examples/proposal_selection.ike", &s, &e) == 0 &&
		    script_needs_check(s, p, why, sizeof(why)) == 0,
		    "proposal_selection.ike: needs met");
		script_free(s);
		ok(script_load("suites/examples/retransmit.ike", &s, &e) == 0 &&
		    script_needs_check(s, p, why, sizeof(why)) == 1 &&
		    strcmp(why, "role responder needs iut.roles=initiator: the profile does not list it") == 0,
		    "retransmit.ike (role responder) skips: %s", why);
		script_free(s);
		profile_free(p);
	}
	free(text);
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
	testable();
	needs_eval();
	return tap_done();
}
