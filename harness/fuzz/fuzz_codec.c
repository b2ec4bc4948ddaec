/* fuzz_codec: arbitrary bytes through the codec, as a whole IKE message
 * and as an SK plaintext chain (the first byte choosing the first payload
 * type): decode, print, encode, and every field's path resolved back.
 * Aborts when an accepted input does not encode back to the same bytes,
 * when a problem has no name, or when a path does not lead back to its
 * field: the codec's own promises, not just "no crash". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "err.h"

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_codec: %s\n", what);
		abort();
	}
}

struct walk_ctx {
	struct codec_node *root;
};

static int paths_lead_back(struct codec_node *n, unsigned depth, void *ctx)
{
	struct walk_ctx *w = ctx;
	char path[CODEC_PATH_MAX], value[256];
	struct codec_ref ref;
	struct err e;
	size_t i;

	(void)depth;
	for (i = 0; i < n->st->nfields; i++) {
		codec_path_of(n, (int)i, path, sizeof(path));
		if (strlen(path) + 1 >= sizeof(path))
			continue;	/* truncated: cannot lead back */
		check(codec_path_resolve(w->root, path, &ref, &e) == 0 &&
		    ref.node == n && ref.field == (int)i,
		    "a field's path does not lead back to it");
		codec_field_format(n, (int)i, value, sizeof(value), 16);
	}
	return 0;
}

static void run(const uint8_t *data, size_t size, int first)
{
	struct codec_problems pr;
	struct codec_node *n = NULL;
	struct bytes out = BYTES_EMPTY, text = BYTES_EMPTY;
	struct walk_ctx w;
	struct err e;
	size_t i;
	int rc;

	if (first < 0)
		rc = codec_decode(data, size, &n, &pr, &e);
	else
		rc = codec_decode_chain((unsigned)first, data, size, &n, &pr,
		    &e);
	if (rc < 0)
		return;		/* out of memory only */
	check(n != NULL, "decode gave no tree");
	check(codec_format(&text, n, &pr, 0) == 0, "print failed");
	check(codec_encode(n, &out, &e) == 0, "a decoded tree does not encode");
	for (i = 0; i < pr.count; i++)
		check(pr.list[i].code < CODEC_P_COUNT &&
		    pr.list[i].offset <= size, "a problem without a name");
	if (pr.count == 0)
		check(out.len == size && (size == 0 ||
		    memcmp(out.data, data, size) == 0),
		    "accepted input does not encode back the same");
	w.root = n;
	codec_walk(n, paths_lead_back, &w);
	bytes_free(&out);
	bytes_free(&text);
	codec_node_free(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, -1);
	if (size > 0)
		run(data + 1, size - 1, data[0]);
	return 0;
}
