/* test_observe: the passive observer (observe.c) on crafted captures: the
 * golden IKE_SA_INIT and IKE_AUTH exchange written to a pcap between two
 * addresses, clean and with one rule broken at a time. Each broken case
 * must give its finding, the clean ones none. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "err.h"
#include "golden.h"
#include "observe.h"
#include "pcapfile.h"
#include "tap.h"

static struct golden g[GOLDEN_MAX];
static size_t ng;
static struct addr a_ini, a_resp;

static const struct bytes *msg(const char *name)
{
	size_t i;

	for (i = 0; i < ng; i++)
		if (strcmp(g[i].name, name) == 0)
			return &g[i].bin;
	fprintf(stderr, "no golden %s\n", name);
	exit(1);
}

/* One datagram of the capture: a golden message, optionally edited. */
struct dgram {
	const char *name;
	int from_ini;		/* sender: 1 the initiator, 0 the responder */
	long off;		/* byte to edit, -1 none */
	uint8_t or_mask, set;	/* off: |= or_mask, or = set when or_mask 0 */
	long msgid;		/* new message ID, -1 keep */
};

/* A first IPv4 fragment (MF set) of a UDP datagram from the initiator
 * (192.0.2.18) to the responder (192.0.2.34): what a large IKE_AUTH
 * request with certificates looks like on a 1500-byte link. */
static int write_frag(struct pcapfile_writer *w, uint64_t ts, struct err *e)
{
	uint8_t p[48] = {
		0x45, 0, 0, 48, 0x12, 0x34, 0x20, 0, 64, 17, 0, 0,
		192, 0, 2, 18, 192, 0, 2, 34,
		0x01, 0xf4, 0x01, 0xf4, 0x05, 0xdc, 0, 0,
	};
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[10] = (uint8_t)(~sum >> 8);
	p[11] = (uint8_t)~sum;
	return pcapfile_write_frame(w, ts, p, sizeof(p), e);
}

/* Writes the datagrams to a pcap, observes it ("FRAG": write_frag). */
static int observe(const struct dgram *d, size_t n, struct observe_result *r)
{
	char path[] = "/tmp/test_observe.XXXXXX";
	struct pcapfile_writer *w;
	struct err e = { "" };
	uint8_t buf[4096];
	int fd = mkstemp(path), rc;
	size_t i, len;

	if (fd < 0)
		return -1;
	close(fd);
	if (pcapfile_create(&w, path, &e) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct bytes *b;

		if (strcmp(d[i].name, "FRAG") == 0) {
			if (write_frag(w, 1000000 * (i + 1), &e) < 0)
				return -1;
			continue;
		}
		b = msg(d[i].name);

		len = b->len < sizeof(buf) ? b->len : sizeof(buf);
		memcpy(buf, b->data, len);
		if (d[i].off >= 0 && (size_t)d[i].off < len)
			buf[d[i].off] = d[i].or_mask ? buf[d[i].off] | d[i].or_mask :
			    d[i].set;
		if (d[i].msgid >= 0) {
			buf[20] = (uint8_t)(d[i].msgid >> 24);
			buf[21] = (uint8_t)(d[i].msgid >> 16);
			buf[22] = (uint8_t)(d[i].msgid >> 8);
			buf[23] = (uint8_t)d[i].msgid;
		}
		if (pcapfile_write_ike(w, 1000000 * (i + 1),
		    d[i].from_ini ? &a_ini : &a_resp,
		    d[i].from_ini ? &a_resp : &a_ini, buf, len, &e) < 0)
			return -1;
	}
	if (pcapfile_close(w, &e) < 0)
		return -1;
	rc = observe_pcap(path, NULL, NULL, r, &e);
	if (rc < 0)
		diag("observe_pcap: %s", e.text);
	unlink(path);
	return rc;
}

static bool found(const struct observe_result *r, const char *needle)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strstr(r->findings[i].text, needle) != NULL)
			return true;
	return false;
}

static void show(const struct observe_result *r)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		diag("finding frame %llu %s: %s",
		    (unsigned long long)r->findings[i].frame,
		    r->findings[i].sender, r->findings[i].text);
}

#define INIT_RQ "ike_sa_init_req.hex"
#define INIT_RS "ike_sa_init_resp.hex"
#define AUTH_RQ "ike_auth_req.hex"
#define AUTH_RS "ike_auth_resp.hex"

/* A case: the datagrams, and the finding wanted (NULL: none). */
static void check(const char *what, const struct dgram *d, size_t n,
    const char *want, size_t retransmits)
{
	struct observe_result r;

	if (observe(d, n, &r) < 0) {
		ok(0, "%s: observed", what);
		return;
	}
	if (want == NULL)
		is_int(r.nfindings, 0, "%s: no finding", what);
	else
		ok(found(&r, want), "%s: a finding says \"%s\"", what, want);
	is_int(r.retransmits, retransmits, "%s: %zu retransmission(s) recognised",
	    what, retransmits);
	show(&r);
	observe_result_free(&r);
}

int main(void)
{
	struct err e = { "" };
	struct observe_result r;

	ng = golden_load_all(g, GOLDEN_MAX, &e);
	if (ng == 0) {
		printf("Bail out! %s\n", e.text);
		return 1;
	}
	if (addr_parse("192.0.2.18", &a_ini, &e) < 0 ||
	    addr_parse("192.0.2.34", &a_resp, &e) < 0)
		return 1;
	a_ini.port = a_resp.port = 500;
	{
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RQ, 1, -1, 0, 0, -1 }, { AUTH_RS, 0, -1, 0, 0, -1 },
		};

		check("clean exchange", d, 4, NULL, 0);
		if (observe(d, 4, &r) == 0) {
			is_int(r.messages, 4, "clean exchange: 4 IKE messages");
			is_int(r.sas, 1, "clean exchange: one IKE SA");
			observe_result_free(&r);
		}
	}
	{
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RQ, 1, -1, 0, 0, -1 }, { AUTH_RQ, 1, -1, 0, 0, -1 },
			{ AUTH_RS, 0, -1, 0, 0, -1 }, { AUTH_RQ, 1, -1, 0, 0, -1 },
			{ AUTH_RS, 0, -1, 0, 0, -1 },
		};

		check("retransmitted request and response", d, 7, NULL, 3);
	}
	{
		/* flags byte 19: 0x01 is one of its reserved bits */
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, 19, 0x01, 0, -1 },
		};

		check("reserved header flag in the response", d, 2, "RFC 7296 3.1", 0);
	}
	{
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RQ, 1, -1, 0, 0, 5 },
		};

		check("request ID skips", d, 3, "next one is 1", 0);
	}
	{
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RQ, 1, -1, 0, 0, -1 }, { AUTH_RS, 0, -1, 0, 0, 7 },
		};

		check("response to no request", d, 4, "answers no request", 0);
	}
	{
		/* the last byte is inside SK's ICV: another response */
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RQ, 1, -1, 0, 0, -1 }, { AUTH_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RQ, 1, -1, 0, 0, -1 },
			{ AUTH_RS, 0, (long)msg(AUTH_RS)->len - 1, 0, 0x5a, -1 },
		};

		check("two different responses", d, 6, "second, different response", 1);
	}
	{
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RQ, 1, -1, 0, 0, -1 }, { AUTH_RQ, 1, -1, 0, 0, -1 },
			{ AUTH_RQ, 1, (long)msg(AUTH_RQ)->len - 1, 0, 0x5a, -1 },
		};

		check("same ID, other request", d, 5, "already used", 1);
	}
	{
		/* the responder's own request (ID 0 of its side) with the I
		 * flag of the original initiator */
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RQ, 0, -1, 0, 0, 0 },
		};

		check("I flag of the wrong side", d, 3, "I flag set", 0);
	}
	{
		/* the IKE_AUTH request went by in IP fragments: its response
		 * answers a request not seen, which the fragment explains */
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ "FRAG", 1, -1, 0, 0, -1 }, { "FRAG", 1, -1, 0, 0, -1 },
			{ AUTH_RS, 0, -1, 0, 0, -1 },
			{ "create_child_sa_req.hex", 1, -1, 0, 0, -1 },
		};

		check("request in IP fragments", d, 6, NULL, 0);
	}
	{
		/* without the fragment the same response answers nothing */
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ AUTH_RS, 0, -1, 0, 0, -1 },
			{ "create_child_sa_req.hex", 1, -1, 0, 0, -1 },
		};

		check("response to a request never sent", d, 4, "answers no request", 0);
	}
	{
		/* RFC 7383: IKE_AUTH in two SKF fragments, one message ID */
		const struct dgram d[] = {
			{ INIT_RQ, 1, -1, 0, 0, -1 }, { INIT_RS, 0, -1, 0, 0, -1 },
			{ "skf_frag1.hex", 1, -1, 0, 0, -1 },
			{ "skf_frag2.hex", 1, -1, 0, 0, -1 },
			{ AUTH_RS, 0, -1, 0, 0, -1 },
		};

		check("IKE fragments of one request", d, 5, NULL, 0);
		if (observe(d, 5, &r) == 0) {
			is_int(r.fragments, 2, "IKE fragments of one request: 2 counted");
			observe_result_free(&r);
		}
	}
	golden_free_all(g, ng);
	return tap_done();
}
