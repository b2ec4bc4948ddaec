/* test_script: the test language. Every example of suites/README.md
 * parses and agrees with its file under suites/examples/; the canonical
 * form parses back to the same script; the AST holds what was written;
 * bad scripts give the expected file:line:col: message; every prefix of
 * every example parses or fails cleanly (ASan build). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "names.h"
#include "script.h"
#include "tap.h"

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[len] = '\0';
		*n = (size_t)len;
	}
	return buf;
}

static struct script *parse_str(const char *name, const char *text,
    struct err *e)
{
	struct script *s = NULL;

	if (script_parse(name, text, strlen(text), &s, e) < 0)
		return NULL;
	return s;
}

/* print(parse(print(parse(x)))) == print(parse(x)): the printer shows the
 * whole tree, so equal prints mean equal trees. */
static void round_trip(const char *name, const char *text)
{
	struct err e;
	struct script *s1 = parse_str(name, text, &e), *s2;
	char *p1, *p2;

	if (!ok(s1 != NULL, "%s parses", name)) {
		diag("%s", e.text);
		return;
	}
	p1 = script_print_string(s1);
	s2 = p1 ? parse_str(name, p1, &e) : NULL;
	if (!ok(s2 != NULL, "%s: canonical form parses", name)) {
		diag("%s\n%s", e.text, p1 ? p1 : "");
	} else {
		p2 = script_print_string(s2);
		ok(p2 && strcmp(p1, p2) == 0, "%s: canonical form is stable", name);
		if (p2 && strcmp(p1, p2) != 0)
			diag("first:\n%s\nsecond:\n%s", p1, p2);
		free(p2);
	}
	free(p1);
	script_free(s1);
	script_free(s2);
}

/* Every prefix of a valid script either parses or fails with a message
 * that starts with the file name: no crash, no leak (ASan). */
static void prefixes(const char *name, const char *text)
{
	size_t n = strlen(text), i, bad = 0;
	struct script *s;
	struct err e;

	for (i = 0; i <= n; i++) {
		e.text[0] = '\0';
		if (script_parse(name, text, i, &s, &e) == 0)
			script_free(s);
		else if (strncmp(e.text, name, strlen(name)) != 0)
			bad++;
	}
	ok(bad == 0, "%s: all %zu prefixes parse or fail with file:line", name, n + 1);
}

/* ```ike blocks of the README; a preceding <!-- example: FILE --> marker
 * names the file that must hold the same text. */
static void readme_examples(void)
{
	size_t n, blocks = 0, files = 0;
	char *md = slurp("suites/README.md", &n), *p, *end, *marker;
	char name[64];

	if (!ok(md != NULL, "suites/README.md is readable (cwd is the repo root)"))
		return;
	for (p = md; (p = strstr(p, "```ike\n")) != NULL; p = end + 4) {
		char *body = p + 7;
		end = strstr(body, "\n```");
		if (!ok(end != NULL, "README block %zu is closed", blocks + 1))
			break;
		end[1] = '\0';
		blocks++;
		snprintf(name, sizeof(name), "README.md block %zu", blocks);
		round_trip(name, body);
		/* The marker must be on the line just before the block. */
		marker = p - 1;
		while (marker > md && marker[-1] != '\n')
			marker--;
		if (marker > md) {
			char *line = marker;
			char path[256];
			if (sscanf(line, "<!-- example: %255s -->", path) == 1) {
				size_t fn;
				char *file = slurp(path, &fn);
				files++;
				if (ok(file != NULL, "%s exists", path))
					cmp_mem(body, strlen(body), file, fn,
					    "README block %zu is the same text as %s",
					    blocks, path);
				free(file);
			}
		}
		end[1] = '`';
	}
	ok(blocks >= 8 && files >= 7, "README holds %zu ike blocks, %zu tied to files", blocks, files);
	free(md);
}

static const char *const example_files[] = {
	"proposal_selection", "invalid_ke", "cookie", "unknown_critical",
	"bad_icv", "retransmit", "ts_narrowing", "dpd_flood", NULL,
};

static void example_files_parse(void)
{
	size_t i, n;
	char path[128], *text;

	for (i = 0; example_files[i] != NULL; i++) {
		snprintf(path, sizeof(path), "suites/examples/%s.ike",
		    example_files[i]);
		text = slurp(path, &n);
		if (!ok(text != NULL, "%s readable", path))
			continue;
		round_trip(path, text);
		prefixes(path, text);
		free(text);
	}
}

/* What the tree holds for a script that uses every construct. */
static const char kitchen[] =
    "# every construct once\n"
    "test \"kitchen \\\"sink\\\"\\x01\"\n"
    "id kitchen-sink\n"
    "rfc 7296 2.6, 3.10.1, 7383 2.5\n"
    "needs ike.encr=AES_CBC/256|AES_GCM_16, capabilities.cookie\n"
    "needs iut.roles=initiator\n"
    "role responder\n"
    "\n"
    "iut initiate; expect IKE_SA_INIT request within 10s: SA, KE, Ni\n"
    "capture $first = message\n"
    "capture $spi = sent hdr.spi_i\n"
    "let $junk = 0xDEADBEEF\n"
    "expect retransmissions of $first at 1s, 2s, 4.5s +-250ms\n"
    "expect retransmissions of $first per profile\n"
    "send IKE_SA_INIT response clear port=4500: N(COOKIE, data=$junk) SA(ike: AES_CBC/256 PRF_HMAC_SHA2_256 INTEG_NONE DH_NONE,\n"
    "        esp: AES_GCM_16/128 ESN_YES), KE(MODP_2048, data=0x00), Ni(size=8)\n"
    "    set SA.proposal[1].transform[2].id = 1024\n"
    "    set N(COOKIE).length = 4\n"
    "    trailing 0x0102\n"
    "send INFORMATIONAL request icv=bad: V(0x01), SK(N(INITIAL_CONTACT), D(proto=ESP, spi=0x01020304))\n"
    "expect INFORMATIONAL response after 0.5s..1.5s: hdr.flags = 0x20, N[2].notify_type != COOKIE|17,\n"
    "    KE.length >= 8, order SA KE Nr, nothing else, same bytes as $first,\n"
    "    either (no SA, N(NO_PROPOSAL_CHOSEN)) or (SA one of offered) or (TSi subset of offered)\n"
    "expect any after 1s +-10%\n"
    "expect any after 2s\n"
    "expect 37 after 1s ±2.5%: IDi(FQDN \"a\\tb\"), PAYLOAD(type=200, critical=1)\n"
    "expect silence for 250us\n"
    "expect nothing for 1min\n"
    "establish child: SA(esp: AES_GCM_16/256 ESN_NO)\n"
    "repeat 3 times {\n"
    "    send $first\n"
    "    repeat 2 { wait 1ms }\n"
    "}\n"
    "iut rekey child\n"
    "iut terminate\n"
    "iut restart; iut alive; iut start; iut stop\n"
    "send IKE_AUTH: SK(IDi(FQDN \"harness.example\"), AUTH, TSi(\"192.0.2.0/24\", \"2001:db8::/64\"))\n"
    "send CREATE_CHILD_SA: SK()\n";

/* The kitchen sink's header lines. */
static void tree_header(const struct script *s)
{
	const struct script_clause *c;

	ok(strcmp(s->title, "kitchen \"sink\"\x01") == 0, "title unescaped");
	ok(strcmp(s->id, "kitchen-sink") == 0 && s->id_written, "id");
	c = s->clauses;
	ok(c && c->rfc == 7296 && strcmp(c->section, "2.6") == 0 &&
	    c->next && c->next->rfc == 7296 &&
	    strcmp(c->next->section, "3.10.1") == 0 && c->next->next &&
	    c->next->next->rfc == 7383, "rfc clauses, the lone section keeps its RFC");
	ok(s->needs && s->needs->nvalues == 2 &&
	    strcmp(s->needs->values[0], "AES_CBC/256") == 0 &&
	    s->needs->next && s->needs->next->nvalues == 0 &&
	    strcmp(s->needs->next->key, "cookie") == 0, "needs items");
	ok(s->role == SCRIPT_ROLE_RESPONDER, "role responder");
}

/* Its first events, up to the send with SK(...); returns that send. */
static const struct script_event *tree_sends(const struct script_event *ev)
{
	const struct script_transform *x;

	ok(ev->kind == SCRIPT_E_IUT && ev->u.iut.verb == SCRIPT_IUT_INITIATE &&
	    ev->pos.line == 9 && ev->pos.col == 1, "iut initiate at 9:1");
	ev = ev->next;
	ok(ev->kind == SCRIPT_E_EXPECT && ev->pos.line == 9 && ev->pos.col == 15 &&
	    ev->u.expect.dir == SCRIPT_DIR_REQUEST &&
	    ev->u.expect.timing.kind == SCRIPT_T_WITHIN &&
	    ev->u.expect.timing.at == 10000000, "`;' separates; within 10s");
	ev = ev->next->next->next->next;
	ok(ev->kind == SCRIPT_E_RETRANSMITS && ev->u.retransmits.ngaps == 3 &&
	    ev->u.retransmits.gaps[2] == 4500000 &&
	    ev->u.retransmits.tolerance.kind == SCRIPT_T_ABS &&
	    ev->u.retransmits.tolerance.tol == 250000, "retransmissions at ... +-250ms");
	ev = ev->next->next;
	ok(ev->kind == SCRIPT_E_SEND && ev->u.send.clear && ev->u.send.port == 4500 &&
	    ev->u.send.dir == SCRIPT_DIR_RESPONSE && !ev->u.send.defaults,
	    "send options");
	x = ev->u.send.payloads->next->proposals->transforms;
	ok(x->type == TT_ENCR && x->id == ENCR_AES_CBC && x->keylen == 256 &&
	    x->next->type == TT_PRF && x->next->next->type == TT_INTEG &&
	    x->next->next->id == INTEG_NONE && x->next->next->next->type == TT_DH,
	    "transforms resolved by table");
	ok(ev->u.send.payloads->next->proposals->next->protocol == PROTO_ESP,
	    "second proposal is ESP");
	ok(ev->u.send.sets && strcmp(ev->u.send.sets->path,
	    "SA.proposal[1].transform[2].id") == 0 && ev->u.send.sets->next &&
	    strcmp(ev->u.send.sets->next->path, "N(COOKIE).length") == 0 &&
	    ev->u.send.trailing && strcmp(ev->u.send.trailing->text, "0x0102") == 0,
	    "set paths and trailing bytes");
	ev = ev->next;
	ok(ev->u.send.bad_icv && ev->u.send.payloads->next->type == PL_SK &&
	    ev->u.send.payloads->next->inner->next->type == PL_D, "SK inner list");
	return ev;
}

/* The events after it: expectations, silences, repeat, iut. */
static void tree_expects(const struct script_event *ev)
{
	const struct script_matcher *m;
	size_t n;

	ev = ev->next;
	ok(ev->u.expect.timing.kind == SCRIPT_T_RANGE &&
	    ev->u.expect.timing.lo == 500000 && ev->u.expect.timing.hi == 1500000,
	    "after 0.5s..1.5s");
	m = ev->u.expect.matchers;
	ok(m->kind == SCRIPT_M_COMPARE && m->value->kind == SCRIPT_V_HEX &&
	    m->value->num == 0x20 && m->next->cmp == SCRIPT_CMP_NE &&
	    m->next->value->kind == SCRIPT_V_ONEOF, "comparisons");
	for (n = 0; m->next; m = m->next)
		n++;
	ok(m->kind == SCRIPT_M_EITHER && m->groups && m->groups->next &&
	    m->groups->next->next && m->groups->next->next->matchers->kind ==
	    SCRIPT_M_SUBSET_OF_OFFERED, "either with three groups");
	ev = ev->next;
	ok(ev->u.expect.any && ev->u.expect.timing.kind == SCRIPT_T_PERCENT &&
	    ev->u.expect.timing.pct_x100 == 1000, "+-10%%");
	ev = ev->next;
	ok(ev->u.expect.timing.kind == SCRIPT_T_AFTER, "after 2s: default tolerance");
	ev = ev->next;
	ok(ev->u.expect.exchange == 37 && ev->u.expect.timing.pct_x100 == 250,
	    "exchange by number, ±2.5%%");
	ev = ev->next;
	ok(ev->kind == SCRIPT_E_SILENCE && ev->u.silence.duration == 250, "250us");
	ev = ev->next;
	ok(ev->kind == SCRIPT_E_SILENCE && ev->u.silence.duration == 60000000, "1min");
	ev = ev->next->next;
	ok(ev->kind == SCRIPT_E_REPEAT && ev->u.repeat.count == 3 &&
	    ev->u.repeat.body->kind == SCRIPT_E_SEND &&
	    ev->u.repeat.body->next->kind == SCRIPT_E_REPEAT &&
	    ev->u.repeat.body->next->u.repeat.body->kind == SCRIPT_E_WAIT &&
	    ev->u.repeat.body->next->u.repeat.body->u.wait.duration == 1000,
	    "nested repeat");
	ev = ev->next;
	ok(ev->kind == SCRIPT_E_IUT && ev->u.iut.verb == SCRIPT_IUT_REKEY &&
	    ev->u.iut.target == SCRIPT_SA_CHILD, "iut rekey child");
}

/* Unnamed exchanges, and the id a script without `id' gets. */
static void tree_defaults(void)
{
	struct script *s;
	struct err e;

	/* Exchange types with no name print as numbers (a fuzz finding). */
	round_trip("unnamed-exchange.ike",
	    "test \"t\"\nrfc 7296 2.1\nexpect 0\nsend 99 request\n");

	s = parse_str("suites/x/my_test.ike", "test \"t\"\nrfc 7296 2.1\nwait 1s\n", &e);
	ok(s && strcmp(s->id, "my_test") == 0 && !s->id_written &&
	    s->role == SCRIPT_ROLE_INITIATOR, "default id from the file name");
	script_free(s);
}

static void tree(void)
{
	struct err e;
	struct script *s = parse_str("kitchen.ike", kitchen, &e);
	const struct script_event *ev;
	size_t n = 0;

	if (!ok(s != NULL, "kitchen sink parses")) {
		diag("%s", e.text);
		return;
	}
	round_trip("kitchen.ike", kitchen);
	prefixes("kitchen.ike", kitchen);
	tree_header(s);
	for (ev = s->events; ev; ev = ev->next)
		n++;
	is_int(n, 25, "25 top-level events");
	tree_expects(tree_sends(s->events));
	script_free(s);
	tree_defaults();
}

struct bad {
	const char *text;
	const char *want;	/* the whole error */
};

#define H "test \"t\"\nrfc 7296 2.1\n"

static const struct bad bads[] = {
	{ H "send IKE_SA_INIT: IDi(FQDN \"abc)\n",
	  "bad.ike:3:28: unterminated string" },
	{ H "sned IKE_SA_INIT\n",
	  "bad.ike:3:1: unknown event `sned' (did you mean `send'?)" },
	{ H "expct IKE_SA_INIT\n",
	  "bad.ike:3:1: unknown event `expct' (did you mean `expect'?)" },
	{ H "wait 2\n",
	  "bad.ike:3:6: a duration needs a unit: 2s, 2ms or 2us" },
	{ H "wait 1.5x\n",
	  "bad.ike:3:6: bad duration `1.5x' (write 2s, 500ms, 250us, 1.5s or 1min)" },
	{ H "wait 1.0000005s\n",
	  "bad.ike:3:6: `1.0000005s': out of range or finer than the unit allows" },
	{ "rfc 7296 2.1\nwait 1s\n",
	  "bad.ike:1:1: missing `test \"...\"' (what the script tests)" },
	{ "test \"t\"\nwait 1s\n",
	  "bad.ike:1:1: missing `rfc' (the RFC clause that requires the behaviour, e.g. rfc 7296 2.6)" },
	{ H, "bad.ike:1:1: the script has no events" },
	{ H "send IKE_SA_INIT: KE(group=MODP_2048\nwait 1s\n",
	  "bad.ike:3:21: `(' is never closed" },
	{ H "send IKE_SA_INIT: KE(group=MODP_2048))\n",
	  "bad.ike:3:38: `)' without `('" },
	{ H "repeat { wait 1s }\n",
	  "bad.ike:3:8: repeat needs a bound: repeat 5 { ... }" },
	{ H "repeat 10001 { wait 1s }\n",
	  "bad.ike:3:8: repeat bound 10001 is out of range 1..10000" },
	{ H "repeat 1000 { repeat 1000 { wait 1s } }\n",
	  "bad.ike:3:22: nested repeats run more than 100000 times" },
	{ H "repeat 2 { wait 1s\n",
	  "bad.ike:4:1: end of file inside a repeat block (missing `}')" },
	{ H "capture $a = hdr.flags\ncapture $a = hdr.length\n",
	  "bad.ike:4:9: $a is already defined at line 3" },
	{ H "send IKE_SA_INIT: N(COOKIE, data=$cookie)\n",
	  "bad.ike:3:34: undefined variable $cookie (capture or let it first)" },
	{ H "capture $x = hdr.flags\nsend $x\n",
	  "bad.ike:4:6: $x is not a message (define it with `capture $x = message')" },
	{ "test \"t\"\nwait 1s\nrfc 7296 2.1\n",
	  "bad.ike:3:1: `rfc' belongs in the header, before the first event" },
	{ H "send IKE_SA_INT\n",
	  "bad.ike:3:6: expected an exchange type (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL or a number), did you mean `IKE_SA_INIT'?" },
	{ H "send IKE_SA_INIT: SA, KEY, Ni\n",
	  "bad.ike:3:23: unknown payload `KEY', did you mean `KE'? (unknown types: PAYLOAD(type=N, ...))" },
	{ H "send IKE_SA_INIT: SA(ike: AES_CBC/256 FOO_BAR)\n",
	  "bad.ike:3:39: unknown transform `FOO_BAR'" },
	{ H "send IKE_SA_INIT: SA(ike: AES_CBC NONE)\n",
	  "bad.ike:3:35: `NONE' names transforms of several types: write INTEG_NONE or DH_NONE" },
	{ H "send IKE_SA_INIT: SA(ike: HMAC_SHA2_256/128)\n",
	  "bad.ike:3:41: a key length goes after a cipher only" },
	{ H "send IKE_SA_INIT: N(data=0x01)\n",
	  "bad.ike:3:19: N needs its type: N(COOKIE, data=...)" },
	{ H "send IKE_SA_INIT: N(COOKIEE)\n",
	  "bad.ike:3:21: `COOKIEE' is not a known notify message type (type) (did you mean `COOKIE'?)" },
	{ H "send IKE_SA_INIT: KE(group=MODP_2048, colour=red)\n",
	  "bad.ike:3:39: KE has no argument `colour'" },
	{ H "send IKE_SA_INIT: KE(group=MODP_2048, group=ECP_256)\n",
	  "bad.ike:3:39: KE: `group' given twice" },
	{ H "send IKE_SA_INIT: KE(group=MODP_2048|ECP_256)\n",
	  "bad.ike:3:37: alternatives (A|B) are for expectations, not for what is sent" },
	{ H "expect IKE_SA_INIT within 2s: hdr.flags\n",
	  "bad.ike:3:31: a field path needs a comparison: hdr.flags = VALUE" },
	{ H "expect IKE_SA_INIT after 2s..1s\n",
	  "bad.ike:3:30: the range ends before it starts" },
	{ H "expect IKE_SA_INIT after 1s ±200%\n",
	  "bad.ike:3:30: a tolerance above 100%" },
	{ H "expect IKE_SA_INIT within 2s: KE one of offered\n",
	  "bad.ike:3:34: `one of offered' is for SA; use subset of offered for TSi/TSr" },
	{ H "expect IKE_SA_INIT within 2s: either (SA)\n",
	  "bad.ike:3:42: either needs at least two alternatives: either (...) or (...)" },
	{ H "expect IKE_SA_INIT within 2s: SA.proposal[0].number = 1\n",
	  "bad.ike:3:43: an index is a number from 1 (the first) to 65535" },
	{ H "send IKE_SA_INIT: SA\nset hdr.flags = 0x28\n",
	  "bad.ike:4:1: `set' changes a field of the message sent: indent it under its `send'" },
	{ H "esp send\n",
	  "bad.ike:3:9: esp send what: `udp', `icmp', `dummy' or `raw'" },
	{ H "esp send raw next=4\n",
	  "bad.ike:3:5: `esp send raw' needs data=0xHEX: the inner packet" },
	{ H "esp send udp ihll=5\n",
	  "bad.ike:3:14: unknown key `ihll' (did you mean `ihl'?)" },
	{ H "esp send udp seqq=5\n",
	  "bad.ike:3:14: unknown key `seqq' (did you mean `seq'?)" },
	{ H "esp expect udp: spi=5\n",
	  "bad.ike:3:17: `spi=' does not apply to `esp expect'" },
	{ H "esp send udp corrupt=tail\n",
	  "bad.ike:3:22: corrupt= takes icv or payload" },
	{ H "esp send udp seq=1 seq=2\n",
	  "bad.ike:3:20: `seq=' given twice" },
	{ H "esp expect nothing for 0s\n",
	  "bad.ike:3:24: a zero duration" },
	{ H "esp expect udp within 2s data=1\n",
	  "bad.ike:3:26: checks of the inner packet follow a `:'" },
	{ H "nat rebind\n",
	  "bad.ike:3:11: nat rebind needs `port', `address=A' or both" },
	{ H "nat jump\n",
	  "bad.ike:3:5: nat what: `pretend', `rebind', `keepalive' or `expect keepalive'" },
	{ H "iut counters: in_packets 1\n",
	  "bad.ike:3:26: expected a comparison (= != < <= > >=) after `in_packets'" },
	{ H "send IKE_SA_INIT clear icv=bad\n",
	  "bad.ike:3:24: icv=bad needs an SK payload, and `clear' has none" },
	{ H "send IKE_AUTH: SK(SK(AUTH))\n",
	  "bad.ike:3:19: SK inside SK" },
	{ H "iut reboot\n",
	  "bad.ike:3:5: unknown iut action (initiate, rekey, terminate, restart, alive, start, stop, counters)" },
	{ H "iut rekey\n",
	  "bad.ike:3:10: iut rekey needs `ike' or `child'" },
	{ H "wait 1s 2s\n",
	  "bad.ike:3:9: unexpected `2s' after `wait ...'" },
	{ "test \"t\"\ntest \"u\"\n",
	  "bad.ike:2:1: a second `test' line (one script, one test)" },
	{ "test \"t\"\nrfc 7296\n",
	  "bad.ike:2:9: expected an RFC section like 2.6 or 3.10.1" },
	{ "test \"t\"\nrfc 7296 2.1\nneeds ike.dh=ECP_999\nwait 1s\n",
	  "bad.ike:3:14: `ECP_999' is not a known key exchange method (did you mean `ECP_192'?)" },
	{ "test \"t\"\nrfc 7296 2.1\nneeds ikee.dh=ECP_256\nwait 1s\n",
	  "bad.ike:3:7: unknown profile section `ikee' in needs (did you mean `ike'?)" },
	{ H "send IKE_SA_INIT: V(data=\"a\\qb\")\n",
	  "bad.ike:3:28: unknown escape `\\q' in string (use \\\\ \\\" \\n \\t \\0 \\xHH)" },
	{ H "send IKE_SA_INIT: V(0x12g4)\n",
	  "bad.ike:3:25: not a hex digit `g'" },
	{ H "wait 1s @\n",
	  "bad.ike:3:9: unexpected character `@'" },
	{ H "let $x = 1\nlet $x = 2\n",
	  "bad.ike:4:5: $x is already defined at line 3" },
	{ H "expect silence for 0s\n",
	  "bad.ike:3:20: a zero duration" },
	{ H "send IKE_SA_INIT\n    trailing 0x123\n",
	  "bad.ike:4:14: trailing bytes need an even number of hex digits" },
	{ H "expect IKE_SA_INIT: same bytes as $nope\n",
	  "bad.ike:3:35: undefined variable $nope (capture or let it first)" },
	{ H "wait 1s\nrole responder\n",
	  "bad.ike:4:1: `role' belongs in the header, before the first event" },
	{ H "retransmit on\n",
	  "bad.ike:3:12: `retransmit off' is the one form: iketest then sends each request once" },
	{ H "retransmit off\nretransmit off\n",
	  "bad.ike:4:1: a second `retransmit' line" },
	/* issue 15.9: did you mean, for transforms and notifies */
	{ H "send IKE_SA_INIT: SA(ike: AES_CBC/256 HMAC_SHA2_265)\n",
	  "bad.ike:3:39: unknown transform `HMAC_SHA2_265' (did you mean `HMAC_SHA2_256'?)" },
	{ H "send IKE_SA_INIT: SA(ike: AES_GMC_16/256)\n",
	  "bad.ike:3:27: unknown transform `AES_GMC_16' (did you mean `AES_GCM_16'?)" },
	{ H "expect IKE_SA_INIT: N(INVALID_KE_PAYLOD)\n",
	  "bad.ike:3:23: `INVALID_KE_PAYLOD' is not a known notify message type (type) (did you mean `INVALID_KE_PAYLOAD'?)" },
	/* issue 15.5: field paths are checked against the codec when read */
	{ H "expect IKE_SA_INIT: hdr.bogus_field = 3\n",
	  "bad.ike:3:25: path `hdr.bogus_field': the IKE header has no field `bogus_field'" },
	{ H "expect IKE_SA_INIT: hdr.mesage_id = 0\n",
	  "bad.ike:3:25: path `hdr.mesage_id': the IKE header has no field `mesage_id' (did you mean `message_id'?)" },
	{ H "expect IKE_SA_INIT: SA.proposal[1].transfrom[2].id = 1\n",
	  "bad.ike:3:36: path `SA.proposal[1].transfrom[2].id': proposal has no field or part `transfrom' (did you mean `transform'?)" },
	{ H "expect IKE_SA_INIT: KE.groop = 19\n",
	  "bad.ike:3:24: path `KE.groop': KE has no field or part `groop' (did you mean `group'?)" },
	{ H "expect IKE_SA_INIT: KX.group = 19\n",
	  "bad.ike:3:21: path `KX.group': unknown payload `KX' (did you mean `KE'?)" },
	{ H "expect IKE_SA_INIT: N(COOKY).data = 0x00\n",
	  "bad.ike:3:23: path `N(COOKY).data': unknown notify type `COOKY' (did you mean `COOKIE'?)" },
	{ H "expect IKE_SA_INIT: SA.proposal = 1\n",
	  "bad.ike:3:24: path `SA.proposal' names a proposal, not one of its fields" },
	{ H "expect IKE_SA_INIT: payload[2].bogus = 1\n",
	  "bad.ike:3:32: path `payload[2].bogus': no payload has a field `bogus'" },
	{ H "capture $x = N(COOKIE).dta\nexpect silence for 1s\n",
	  "bad.ike:3:24: path `N(COOKIE).dta': N has no field or part `dta' (did you mean `data'?)" },
	{ H "send IKE_SA_INIT\n    set hdr.spi_x = 0\nexpect silence for 1s\n",
	  "bad.ike:4:13: path `hdr.spi_x': the IKE header has no field `spi_x' (did you mean `spi_i'?)" },
	{ H "expect IKE_SA_INIT: natd.sauce = match\n",
	  "bad.ike:3:21: path `natd.sauce': natd.source or natd.destination" },
	{ "test \"t\"\nrfc 7296 2.1\nneeds capabilities.cokies\nwait 1s\n",
	  "bad.ike:3:20: unknown profile key `cokies' in [capabilities] (did you mean `cookies'?)" },
	{ "test \"t\"\nrfc 7296 2.1\nneeds timers.retrasmit\nwait 1s\n",
	  "bad.ike:3:14: unknown profile key `retrasmit' in [timers] (did you mean `retransmit'?)" },
	/* issue 15.5, 15.12: the count matcher */
	{ H "expect IKE_SA_INIT: count(KE) = 1\n",
	  "bad.ike:3:21: the count matcher is `count KE = 1' (the payload after a blank, no parentheses around it)" },
	{ H "expect IKE_SA_INIT: count KE\n",
	  "bad.ike:3:29: expected a comparison after count KE: = != < <= > >=" },
	{ H "expect IKE_SA_INIT: count KE = many\n",
	  "bad.ike:3:32: a count is a number (0..65535): count KE = 1" },
};

/* What lint asks beyond parsing (issue 15.5: a script with no
 * expectation linted clean, then failed as "script checked nothing"). */
static void lint_scripts(void)
{
	static const struct { const char *text, *want; } cases[] = {
		{ H "send IKE_SA_INIT\nwait 1s\n",
		  "lint.ike:3:1: script checks nothing: no expect, establish, iut alive, iut counters, esp expect or nat expect keepalive (run would fail it as `script checked nothing')" },
		{ H "repeat 2 {\n  send INFORMATIONAL\n}\niut rekey child\n",
		  "lint.ike:3:1: script checks nothing: no expect, establish, iut alive, iut counters, esp expect or nat expect keepalive (run would fail it as `script checked nothing')" },
		{ H "send IKE_SA_INIT\nexpect silence for 1s\n", NULL },
		{ H "repeat 2 {\n  iut alive\n}\n", NULL },
		{ H "establish ike\n", NULL },
		{ H "establish child\nesp send udp\nesp expect udp\n", NULL },
	};
	struct script *s;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!ok(script_parse("lint.ike", cases[i].text, strlen(cases[i].text), &s, &e) == 0,
		    "lint case %zu parses", i + 1)) {
			diag("%s", e.text);
			continue;
		}
		e.text[0] = '\0';
		int rc = script_lint(s, &e);
		if (cases[i].want == NULL)
			ok(rc == 0, "lint case %zu checks something", i + 1);
		else if (!ok(rc < 0 && strcmp(e.text, cases[i].want) == 0,
		    "lint case %zu: %s", i + 1, cases[i].want))
			diag("got: %s", rc < 0 ? e.text : "(clean)");
		script_free(s);
	}
}

/* D(spi=A B): several SPIs in one Delete (RFC 7296 3.11), kept in order;
 * a matcher names one SPI per D. */
static void delete_spis(void)
{
	static const char src[] = H
	    "let $a = 0x01020304\n"
	    "establish child\n"
	    "send INFORMATIONAL request: SK(D(proto=ESP, spi=$a 0x05060708 0x090a0b0c))\n"
	    "expect INFORMATIONAL response: D(spi=0x01), D(spi=0x02)\n";
	static const char bad[] = H
	    "establish child\n"
	    "expect INFORMATIONAL response: D(spi=0x01 0x02)\n";
	struct err e;
	struct script *s = parse_str("dspi.ike", src, &e);
	const struct script_arg *a;
	const struct script_value *v;
	size_t n = 0;
	char *p;

	if (!ok(s != NULL, "several SPIs in one D parse")) {
		diag("%s", e.text);
		return;
	}
	a = s->events->next->next->u.send.payloads->inner->args->next;
	for (v = a != NULL ? a->values : NULL; v != NULL; v = v->next)
		n++;
	ok(a != NULL && strcmp(a->key, "spi") == 0 && n == 3 &&
	    a->values->kind == SCRIPT_V_VAR, "three SPIs in the tree, in order");
	p = script_print_string(s);
	ok(p != NULL && strstr(p, "D(proto=ESP, spi=$a 0x05060708 0x090a0b0c)") != NULL,
	    "several SPIs printed");
	free(p);
	script_free(s);
	round_trip("dspi.ike", src);
	s = parse_str("dspi.ike", bad, &e);
	ok(s == NULL && strcmp(e.text, "dspi.ike:4:43: a matcher names one spi per payload: D(spi=A), D(spi=B) both hold when one payload has both") == 0,
	    "a matcher names one SPI per D: %s", e.text);
	script_free(s);
}

/* count PAYLOAD CMP N: in the tree, printed, and round-tripped. */
static void count_matcher(void)
{
	static const char src[] = H
	    "send IKE_SA_INIT\n"
	    "expect IKE_SA_INIT response: count KE = 1, count N(NAT_DETECTION_SOURCE_IP) >= 1, no KE(group=MODP_2048)\n";
	struct err e;
	struct script *s = parse_str("count.ike", src, &e);
	const struct script_matcher *m;
	char *p;

	if (!ok(s != NULL, "count matcher parses")) {
		diag("%s", e.text);
		return;
	}
	m = s->events->next->u.expect.matchers;
	ok(m->kind == SCRIPT_M_COUNT && m->payload->type == PL_KE &&
	    m->cmp == SCRIPT_CMP_EQ && m->value->num == 1 &&
	    m->next->kind == SCRIPT_M_COUNT && m->next->cmp == SCRIPT_CMP_GE &&
	    m->next->payload->type == PL_N, "count matchers in the tree");
	p = script_print_string(s);
	ok(p != NULL && strstr(p, "count KE = 1, count N(NAT_DETECTION_SOURCE_IP) >= 1,") != NULL,
	    "count matchers printed");
	free(p);
	script_free(s);
	round_trip("count.ike", src);
}

static void bad_scripts(void)
{
	size_t i;
	struct err e;
	struct script *s;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const char *text = bads[i].text;
		/* The no-events case: a header alone. */
		e.text[0] = '\0';
		s = NULL;
		int rc = script_parse("bad.ike", text, strlen(text), &s, &e);
		if (!ok(rc < 0 && s == NULL && strcmp(e.text, bads[i].want) == 0,
		    "bad script %zu: %s", i + 1, bads[i].want))
			diag("got: %s", rc < 0 ? e.text : "(parsed)");
		script_free(s);
	}
	ok(i >= 25, "%zu error cases", i);
}

/* `expect ... or silence`: parsed, printed, and kept through the round
 * trip; `or` without `silence` is an error. */
static void or_silence(void)
{
	static const char src[] = H
	    "send IKE_SA_INIT\n"
	    "expect IKE_SA_INIT response within 2s or silence: N(INVALID_SYNTAX)\n";
	struct err e;
	struct script *s = parse_str("orsil.ike", src, &e);
	char *p;

	if (!ok(s != NULL, "or silence parses")) {
		diag("%s", e.text);
		return;
	}
	ok(s->events && s->events->next &&
	    s->events->next->kind == SCRIPT_E_EXPECT &&
	    s->events->next->u.expect.or_silence &&
	    s->events->next->u.expect.timing.kind == SCRIPT_T_WITHIN &&
	    s->events->next->u.expect.matchers != NULL, "or silence in the tree");
	p = script_print_string(s);
	ok(p != NULL && strstr(p, "within 2s or silence: N(INVALID_SYNTAX)") != NULL,
	    "or silence printed");
	free(p);
	script_free(s);
	round_trip("orsil.ike", src);
	s = parse_str("orsil2.ike", H "expect IKE_SA_INIT response or nothing\n", &e);
	ok(s == NULL && strstr(e.text, "silence") != NULL,
	    "`or' must be followed by `silence'");
	if (s == NULL)
		diag("%s", e.text);
	script_free(s);
}

/* `retransmit off' in the header: parsed, printed, kept through the
 * round trip. */
static void retransmit_off(void)
{
	static const char src[] = H "retransmit off\n" "send IKE_SA_INIT\n";
	struct err e;
	struct script *s = parse_str("retx.ike", src, &e);
	char *p;

	if (!ok(s != NULL && s->no_retransmit, "retransmit off parses"))
		diag("%s", s == NULL ? e.text : "not in the tree");
	p = s != NULL ? script_print_string(s) : NULL;
	ok(p != NULL && strstr(p, "\nretransmit off\n") != NULL,
	    "retransmit off printed");
	free(p);
	script_free(s);
	round_trip("retx.ike", src);
	s = parse_str("retx2.ike", H "send IKE_SA_INIT\n", &e);
	ok(s != NULL && !s->no_retransmit, "retransmission is on by default");
	script_free(s);
}

/* `expect silence for D except new requests`: parsed, printed, kept
 * through the round trip; a half-written `except` is an error. */
static void silence_except(void)
{
	static const char src[] = H
	    "expect silence for 5s except new requests\n";
	struct err e;
	struct script *s = parse_str("silex.ike", src, &e);
	char *p;

	if (!ok(s != NULL, "silence except new requests parses")) {
		diag("%s", e.text);
		return;
	}
	ok(s->events && s->events->kind == SCRIPT_E_SILENCE &&
	    s->events->u.silence.except_new_requests &&
	    s->events->u.silence.duration == 5000000, "except new requests in the tree");
	p = script_print_string(s);
	ok(p != NULL && strstr(p, "expect silence for 5s except new requests") != NULL,
	    "except new requests printed");
	free(p);
	script_free(s);
	round_trip("silex.ike", src);
	s = parse_str("silex2.ike", H "expect silence for 5s except new\n", &e);
	ok(s == NULL && strstr(e.text, "requests") != NULL,
	    "`except new' must be followed by `requests'");
	if (s == NULL)
		diag("%s", e.text);
	script_free(s);
	s = parse_str("silex3.ike", H "expect silence for 5s except\n", &e);
	ok(s == NULL, "a bare `except' is refused");
	script_free(s);
}

/* The traffic events: parsed into the tree, printed, and kept through
 * the round trip. */
static void traffic(void)
{
	static const char src[] = H
	    "establish child\n"
	    "esp send udp data=\"ping\" seq=7 tfc=16 corrupt=icv via=udp\n"
	    "esp send icmp echo_id=3 echo_seq=4 to=\"198.51.100.2\"\n"
	    "esp send dummy len=40\n"
	    "esp replay child=1\n"
	    "esp expect udp within 3s or silence: from=echo, data=\"ping\", seq=1\n"
	    "esp expect nothing for 2s\n"
	    "ah send udp pad=0x0102 padlen=2\n"
	    "nat pretend\n"
	    "nat rebind port address=\"192.0.2.99\"\n"
	    "nat keepalive\n"
	    "nat expect keepalive within 25s\n"
	    "iut counters: in_packets = 1, drop_replay >= 1\n";
	struct err e;
	struct script *s = parse_str("traffic.ike", src, &e);
	const struct script_event *ev;
	char *p;

	if (!ok(s != NULL, "traffic events parse")) {
		diag("%s", e.text);
		return;
	}
	ev = s->events->next;
	ok(ev->kind == SCRIPT_E_ESP && ev->u.esp.verb == SCRIPT_ESP_SEND &&
	    ev->u.esp.inner == SCRIPT_INNER_UDP && ev->u.esp.args != NULL &&
	    strcmp(ev->u.esp.args->key, "data") == 0, "esp send udp in the tree");
	ev = ev->next->next->next->next;
	ok(ev->kind == SCRIPT_E_ESP && ev->u.esp.verb == SCRIPT_ESP_EXPECT &&
	    ev->u.esp.or_silence && ev->u.esp.timing.kind == SCRIPT_T_WITHIN &&
	    ev->u.esp.timing.at == 3000000, "esp expect with timing and or silence");
	ev = ev->next->next;
	ok(ev->kind == SCRIPT_E_ESP && ev->u.esp.ah, "ah send marks the AH SA");
	ev = ev->next->next;
	ok(ev->kind == SCRIPT_E_NAT && ev->u.nat.verb == SCRIPT_NAT_REBIND &&
	    ev->u.nat.port && ev->u.nat.address != NULL, "nat rebind port and address");
	ev = ev->next->next->next;
	ok(ev->kind == SCRIPT_E_IUT && ev->u.iut.verb == SCRIPT_IUT_COUNTERS &&
	    ev->u.iut.counters != NULL && ev->u.iut.counters->next != NULL &&
	    ev->u.iut.counters->next->cmp == SCRIPT_CMP_GE, "iut counters comparisons");
	p = script_print_string(s);
	ok(p != NULL && strstr(p, "esp expect udp within 3s or silence: from=echo") != NULL &&
	    strstr(p, "iut counters: in_packets = 1, drop_replay >= 1") != NULL,
	    "traffic events printed");
	free(p);
	script_free(s);
	round_trip("traffic.ike", src);
}

static void limits(void)
{
	size_t n = 200000, i;
	char *deep = malloc(n + 64);
	struct err e;
	struct script *s;

	/* Deep parentheses and braces: refused, not a stack overflow. */
	strcpy(deep, H "send IKE_SA_INIT: V(");
	for (i = strlen(deep); i < n; i++)
		deep[i] = '(';
	deep[n] = '\0';
	ok(script_parse("deep.ike", deep, n, &s, &e) < 0 &&
	    strstr(e.text, "parentheses nested too deeply") != NULL,
	    "deep parentheses refused");
	strcpy(deep, H);
	for (i = strlen(deep); i + 20 < n; i += 11)
		memcpy(deep + i, "repeat 1 { ", 11);
	deep[i] = '\0';
	ok(script_parse("deep.ike", deep, strlen(deep), &s, &e) < 0 &&
	    strstr(e.text, "blocks nested deeper than 8") != NULL,
	    "deep repeats refused");
	ok(script_parse("big.ike", deep, SCRIPT_MAX_BYTES + 1, &s, &e) < 0 &&
	    strstr(e.text, "larger than") != NULL, "oversized script refused");
	memcpy(deep, H "wait 1s\n\0\n", sizeof(H) + 10);
	ok(script_parse("nul.ike", deep, sizeof(H) + 10, &s, &e) < 0 &&
	    strstr(e.text, "unexpected byte 0x00") != NULL, "a NUL byte refused");
	free(deep);
	ok(script_load("/nonexistent/x.ike", &s, &e) < 0 &&
	    strstr(e.text, "/nonexistent/x.ike: ") == e.text, "missing file named");
}

int main(void)
{
	readme_examples();
	example_files_parse();
	tree();
	bad_scripts();
	lint_scripts();
	count_matcher();
	delete_spis();
	limits();
	or_silence();
	retransmit_off();
	silence_except();
	traffic();
	return tap_done();
}
