/* iketest observe: a passive observer's verdict on the IKE traffic of a
 * capture (observe.h): one line per rule broken, then a summary. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "evidence.h"
#include "observe.h"

static void observe_usage(FILE *out)
{
	fprintf(out,
"usage: iketest observe [--keys FILE]... [--write-keys PREFIX] PCAP\n"
"\n"
"Judges every IKE message of a capture (UDP 500, and 4500 behind the\n"
"non-ESP marker) as a passive observer can (RFC 7296): the header and the\n"
"payloads outside SK by the sender rules (3.1, 3.2 and each payload's\n"
"section; the I flag against the IKE SA's original initiator), the\n"
"payload sets of each exchange (the cleartext IKE_SA_INIT whole, 1.2) and\n"
"the proposal an IKE_SA_INIT response accepts against the offer (2.7,\n"
"3.3.5), message IDs per sender and the pairing of responses with\n"
"requests (2.2), and retransmissions, which must be the same bytes (2.1).\n"
"A retransmission is counted, not judged again.\n"
"\n"
"options:\n"
"  --keys FILE         key sets an end gave (repeatable): lines\n"
"                      `ike-keys SK_ei SK_er SK_ai SK_ar' (hex, `-' for\n"
"                      none), as `iketest respond --keys' and the adapters'\n"
"                      `keys' verb write them. SK is then opened with the\n"
"                      set whose ICV verifies (the algorithms are the ones\n"
"                      IKE_SA_INIT chose) and its payloads are judged too;\n"
"                      an SK that then fails its ICV is a finding (3.14)\n"
"  --write-keys PREFIX the IKE SAs a set opened, with their SPIs, as\n"
"                      Wireshark's table: PREFIX.ikev2_decryption_table\n"
"                      (and an empty PREFIX.esp_sa), mode 0600\n"
"\n"
"output: one line per finding,\n"
"  finding frame N ADDR:PORT: RFC ...: text\n"
"(N as Wireshark numbers frames, ADDR:PORT the sender; `inside SK:' for\n"
"what a decrypted payload breaks), then\n"
"  observed: F frames, M IKE messages, R retransmissions, S IKE SAs, U not decoded,\n"
"            K IKE fragments (SKF, RFC 7383: one message for the pairing),\n"
"            D SK decrypted, E SK not decrypted, N findings\n"
"\n"
"example:\n"
"  iketest observe --keys ref.keys --keys sw.keys --write-keys cell cell.pcap\n"
"\n"
"exit status: 0 no finding, 1 findings, 2 bad usage or an unreadable file\n");
}

static int observe_run(const char *pcap, const struct evidence_keysets *ks,
    const char *prefix)
{
	struct observe_result res;
	struct evidence *ev = prefix ? evidence_new() : NULL;
	struct err e = { "" };
	size_t i;

	memset(&res, 0, sizeof(res));
	if ((prefix && ev == NULL) ||
	    observe_pcap(pcap, ks->n ? ks : NULL, ev, &res, &e) < 0 ||
	    (ev && evidence_write(ev, prefix, NULL, &e) < 0)) {
		fprintf(stderr, "iketest observe: %s\n",
		    e.text[0] ? e.text : "out of memory");
		observe_result_free(&res);
		evidence_free(ev);
		return 2;
	}
	evidence_free(ev);
	for (i = 0; i < res.nfindings; i++)
		printf("finding frame %llu %s: %s\n",
		    (unsigned long long)res.findings[i].frame,
		    res.findings[i].sender, res.findings[i].text);
	printf("observed: %zu frames, %zu IKE messages, %zu retransmissions, "
	    "%zu IKE SAs, %zu not decoded, %zu IKE fragments, %zu SK decrypted, "
	    "%zu SK not decrypted, %zu findings\n",
	    res.frames, res.messages, res.retransmits, res.sas, res.undecoded,
	    res.fragments, res.decrypted, res.undecrypted, res.nfindings);
	i = res.nfindings;
	observe_result_free(&res);
	return i > 0 ? 1 : 0;
}

int cmd_observe(int argc, char **argv)
{
	struct evidence_keysets ks = { NULL, 0 };
	const char *prefix = NULL, *pcap = NULL;
	struct err e;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			observe_usage(stdout);
			evidence_keysets_free(&ks);
			return 0;
		}
		if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc) {
			if (evidence_keysets_read(argv[++i], &ks, &e) < 0) {
				fprintf(stderr, "iketest observe: %s\n", e.text);
				evidence_keysets_free(&ks);
				return 2;
			}
		} else if (strcmp(argv[i], "--write-keys") == 0 && i + 1 < argc) {
			prefix = argv[++i];
		} else if (argv[i][0] != '-' && pcap == NULL) {
			pcap = argv[i];
		} else {
			fprintf(stderr, "iketest observe: %s: %s\n", argv[i],
			    argv[i][0] == '-' ? "unknown option or missing value" :
			    "one capture only");
			observe_usage(stderr);
			evidence_keysets_free(&ks);
			return 2;
		}
	}
	if (pcap == NULL) {
		observe_usage(stderr);
		return 2;
	}
	rc = observe_run(pcap, &ks, prefix);
	evidence_keysets_free(&ks);
	return rc;
}
