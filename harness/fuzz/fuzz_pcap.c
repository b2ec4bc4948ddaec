/* libFuzzer target: arbitrary bytes as a pcap file. The reader must turn
 * any file into frames or a clean error, and every IKE message it yields
 * must decode and print without a fault. */
#include <stdio.h>
#include <stdlib.h>

#include "bytes.h"
#include "codec.h"
#include "err.h"
#include "pcapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_decode(const struct pcapfile_frame *f)
{
	static struct codec_problems pr;
	struct codec_node *msg = NULL;
	struct bytes text = BYTES_EMPTY;
	struct err e;

	/* An IKE result must lie inside the frame libpcap handed over. */
	if (f->msg == NULL && f->len != 0)
		abort();
	if (codec_decode(f->msg, f->len, &msg, &pr, &e) == 0)
		codec_format(&text, msg, &pr, CODEC_PRINT_ALL);
	codec_node_free(msg);
	bytes_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapfile_reader *r;
	struct pcapfile_frame f;
	struct err e;
	FILE *fp;
	int rc;

	if (size == 0)
		return 0;	/* fmemopen refuses an empty buffer */
	fp = fmemopen((void *)data, size, "rb");
	if (fp == NULL)
		return 0;
	if (pcapfile_open_stream(&r, fp, "fuzz", &e) < 0)
		return 0;
	while ((rc = pcapfile_next(r, &f, &e)) == 1)
		if (f.kind == PCAPFILE_IKE)
			fuzz_decode(&f);
	pcapfile_free(r);
	return 0;
}
