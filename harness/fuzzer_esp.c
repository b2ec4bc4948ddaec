/* fuzzer_esp: the ESP states of `iketest fuzz`. With a CHILD SA up
 * (`establish child'; in espudp behind a pretended NAT, so that IKE and
 * ESP move to UDP 4500, RFC 3948), one inner packet goes through the SA
 * with ESP's fields and the inner headers mutated: sequence numbers at the
 * window's edges (RFC 4303 3.3.3, 3.4.3), SPIs reserved or unknown
 * (2.1), pad lengths and next headers that lie (2.4, 2.6), TFC padding
 * (2.7), a corrupted ICV or ciphertext (3.4.4), inner IP and UDP headers
 * that lie (`esp send udp ihl=...'), addresses outside the selectors
 * (RFC 4301 5.2) or an inner packet of random bytes (`esp send raw').
 * The packet is encrypted with the SA's keys and a correct ICV unless the
 * case corrupts it, so the IUT's decapsulation and inner parsing see it.
 *
 * Whatever comes back is checked by the sender rules (`esp expect any');
 * then the data plane must still work: a new CHILD SA on the same IKE SA
 * carries an echo. (The old one may rightly refuse honest packets after
 * a mutated sequence number moved its replay window.) */
#include "fuzzer_int.h"

#include <stdio.h>
#include <string.h>

bool fuzzer_state_is_esp(enum fuzzer_state s)
{
	return s == FUZZER_ST_ESP || s == FUZZER_ST_ESPUDP;
}

/* ---------------------------------------------------------- the keys */

/* Which inner packets a key goes with. */
enum {
	K_UDP = 1, K_ICMP = 2, K_DUMMY = 4, K_RAW = 8,
	K_IP = K_UDP | K_ICMP,		/* an inner IP packet iketest builds */
	K_ALL = K_IP | K_DUMMY | K_RAW,
};

struct esp_fkey {
	const char *name;
	unsigned inner;
	const char *const *values;	/* the boundaries; NULL: numbers */
	uint64_t max;			/* random numbers up to this */
};

static const char *const seq_values[] = { "0", "1", "2", "0x7fffffff",
	"0x80000000", "0xfffffffe", "0xffffffff", NULL };
static const char *const spi_values[] = { "0", "1", "255", "256",
	"0xffffffff", NULL };
static const char *const next_values[] = { "0", "4", "6", "17", "41",
	"50", "59", "255", NULL };
static const char *const corrupt_values[] = { "icv", "payload", NULL };
/* inner addresses: the profile's (words) or documentation addresses
 * outside the selectors */
static const char *const addr_values[] = { "iut", "harness", "echo",
	"local", "\"203.0.113.77\"", "\"198.51.100.200\"",
	"\"2001:db8::77\"", NULL };
static const char *const ipver_values[] = { "0", "4", "5", "6", "15", NULL };
static const char *const ihl_values[] = { "0", "4", "6", "15", NULL };
static const char *const iplen_values[] = { "0", "1", "19", "20", "28",
	"65535", NULL };
static const char *const frag_values[] = { "0x2000", "0x4000", "0x2001",
	"0x1fff", "0x6000", NULL };
static const char *const l4len_values[] = { "0", "7", "8", "9", "65535",
	NULL };
static const char *const edge16_values[] = { "0", "1", "65535", NULL };
static const char *const ttl_values[] = { "0", "1", "255", NULL };

static const struct esp_fkey esp_fkeys[] = {
	{ "seq", K_ALL, seq_values, 0xffffffffu },
	{ "spi", K_ALL, spi_values, 0xffffffffu },
	{ "padlen", K_ALL, NULL, 255 },
	{ "tfc", K_ALL, NULL, 1500 },
	{ "next", K_ALL, next_values, 255 },
	{ "corrupt", K_ALL, corrupt_values, 0 },
	{ "len", K_IP | K_DUMMY, NULL, 1380 },
	{ "ttl", K_IP, ttl_values, 255 },
	{ "to", K_IP, addr_values, 0 },
	{ "from", K_IP, addr_values, 0 },
	{ "sport", K_UDP, edge16_values, 65535 },
	{ "dport", K_UDP, edge16_values, 65535 },
	{ "echo_id", K_ICMP, edge16_values, 65535 },
	{ "echo_seq", K_ICMP, edge16_values, 65535 },
	{ "ipver", K_IP, ipver_values, 15 },
	{ "ihl", K_IP, ihl_values, 15 },
	{ "iplen", K_IP, iplen_values, 65535 },
	{ "frag", K_IP, frag_values, 65535 },
	{ "proto", K_IP, next_values, 255 },
	{ "ipcsum", K_IP, edge16_values, 65535 },
	{ "l4len", K_UDP, l4len_values, 65535 },
	{ "l4csum", K_IP, edge16_values, 65535 },
};
#define NKEYS (sizeof(esp_fkeys) / sizeof(esp_fkeys[0]))

static unsigned inner_bit(const char *inner)
{
	if (strncmp(inner, "raw", 3) == 0)
		return K_RAW;
	if (strcmp(inner, "icmp") == 0)
		return K_ICMP;
	if (strcmp(inner, "dummy") == 0)
		return K_DUMMY;
	return K_UDP;
}

/* A key's value: one of its boundaries or (a number key) a random one. */
static void key_value(struct rng *r, const struct esp_fkey *k, char *out,
    size_t outlen)
{
	size_t nv = 0;

	while (k->values != NULL && k->values[nv] != NULL)
		nv++;
	if (nv > 0 && (k->max == 0 || rng_below(r, 3) != 0)) {
		snprintf(out, outlen, "%s", k->values[rng_below(r, (unsigned)nv)]);
		return;
	}
	snprintf(out, outlen, "%llu", (unsigned long long)(rng_next(r) %
	    (k->max + 1)));
}

/* A raw inner packet: random bytes behind a first octet that most often
 * claims IPv4 with a 20-byte header, or IPv6. */
static void make_raw(struct rng *r, char *out, size_t outlen)
{
	static const char *const first[] = { "45", "60", "46", "4f" };
	size_t len = 1 + rng_below(r, 70), o;
	unsigned pick = rng_below(r, 6);

	o = (size_t)snprintf(out, outlen, "raw data=");
	rng_hex(r, len, out + o, outlen - o);
	if (pick < 4)		/* the first octet, after "0x" */
		memcpy(out + o + 2, first[pick], 2);
}

void fuzzer_esp_make(struct rng *r, struct fuzzer_case *c)
{
	static const char *const inners[] = { "udp", "udp", "udp", "udp",
		"icmp", "icmp", "dummy", NULL };
	unsigned pick = rng_below(r, 10), nops = 1 + rng_below(r, 3), bit, i;
	unsigned tries;

	if (pick < 7)
		snprintf(c->inner, sizeof(c->inner), "%s", inners[pick]);
	else
		make_raw(r, c->inner, sizeof(c->inner));
	bit = inner_bit(c->inner);
	for (i = 0; i < nops; i++) {
		const struct esp_fkey *k = NULL;
		struct fuzzer_op *op = &c->ops[c->nops];
		size_t j;

		/* a key this inner packet takes and the case has not set */
		for (tries = 0; tries < 8 && k == NULL; tries++) {
			k = &esp_fkeys[rng_below(r, NKEYS)];
			for (j = 0; j < c->nops && k != NULL; j++)
				if (strcmp(c->ops[j].path, k->name) == 0)
					k = NULL;
			if (k != NULL && !(k->inner & bit))
				k = NULL;
			/* a corrupted packet only tests the ICV check: rarer */
			if (k != NULL && strcmp(k->name, "corrupt") == 0 &&
			    rng_below(r, 4) != 0)
				k = NULL;
		}
		if (k == NULL)
			continue;
		op->kind = FUZZER_OP_SET;
		snprintf(op->path, sizeof(op->path), "%s", k->name);
		key_value(r, k, op->value, sizeof(op->value));
		c->nops++;
	}
}

/* ---------------------------------------------------------- the script */

void fuzzer_esp_script(const struct fuzzer_case *c,
    const struct fuzzer_script_opts *so, struct outbuf *o)
{
	const char *via = c->state == FUZZER_ST_ESPUDP ? " via=udp" : "";
	size_t i;

	out_add(o, "esp send %s%s", c->inner[0] != '\0' ? c->inner : "udp", via);
	for (i = 0; i < c->nops; i++)
		if (!c->ops[i].off && c->ops[i].kind == FUZZER_OP_SET)
			out_add(o, " %s=%s", c->ops[i].path, c->ops[i].value);
	/* what comes back (an echo, an ICMP error, a TCP reset: all
	 * legitimate) is judged by the sender rules, at most two packets (a
	 * second comes, if at all, right after the first) */
	out_add(o, "\nesp expect any within %ums or silence\n", so->wait_ms);
	out_add(o, "esp expect any within %ums or silence\n",
	    so->wait_ms / 4 > 0 ? so->wait_ms / 4 : 1);
	out_add(o, "# the data plane still works: a new CHILD SA carries an echo\n");
	out_add(o, "send CREATE_CHILD_SA\n");
	out_add(o, "expect CREATE_CHILD_SA response within 2s: SA one of offered, Nr\n");
	out_add(o, "esp send udp child=2%s data=\"iketest fuzz probe\"\n", via);
	out_add(o, "esp expect udp within 2s: data=\"iketest fuzz probe\"\n");
}
