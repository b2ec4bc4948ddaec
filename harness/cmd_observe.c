/* iketest observe: a passive observer's verdict on the IKE traffic of a
 * capture (observe.h): one line per rule broken, then a summary. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "observe.h"

static void observe_usage(FILE *out)
{
	fprintf(out,
"usage: iketest observe PCAP\n"
"\n"
"Judges every IKE message of a capture (UDP 500, and 4500 behind the\n"
"non-ESP marker) as a passive observer holding no keys can (RFC 7296):\n"
"the header and the payloads outside SK by the sender rules (3.1, 3.2 and\n"
"each payload's section; the I flag against the IKE SA's original\n"
"initiator), the payload sets of each exchange outside SK (the cleartext\n"
"IKE_SA_INIT whole, 1.2) and the proposal an IKE_SA_INIT response accepts\n"
"against the offer (2.7, 3.3.5), message IDs per sender and the pairing\n"
"of responses with requests (2.2), and retransmissions, which must be the\n"
"same bytes (2.1). A retransmission is counted, not judged again.\n"
"\n"
"output: one line per finding,\n"
"  finding frame N ADDR:PORT: RFC ...: text\n"
"(N as Wireshark numbers frames, ADDR:PORT the sender), then\n"
"  observed: F frames, M IKE messages, R retransmissions, S IKE SAs, U not decoded,\n"
"            K IKE fragments (SKF, RFC 7383: one message for the pairing), N findings\n"
"\n"
"exit status: 0 no finding, 1 findings, 2 bad usage or an unreadable file\n");
}

int cmd_observe(int argc, char **argv)
{
	struct observe_result res;
	struct err e = { "" };
	size_t i;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		observe_usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		observe_usage(stderr);
		return 2;
	}
	if (observe_pcap(argv[1], &res, &e) < 0) {
		fprintf(stderr, "iketest observe: %s\n", e.text);
		observe_result_free(&res);
		return 2;
	}
	for (i = 0; i < res.nfindings; i++)
		printf("finding frame %llu %s: %s\n",
		    (unsigned long long)res.findings[i].frame,
		    res.findings[i].sender, res.findings[i].text);
	printf("observed: %zu frames, %zu IKE messages, %zu retransmissions, "
	    "%zu IKE SAs, %zu not decoded, %zu IKE fragments, %zu findings\n",
	    res.frames, res.messages, res.retransmits, res.sas, res.undecoded,
	    res.fragments, res.nfindings);
	i = res.nfindings;
	observe_result_free(&res);
	return i > 0 ? 1 : 0;
}
