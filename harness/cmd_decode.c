/* iketest decode: pretty-print IKEv2 messages from hex, a binary file or a
 * pcap, naming every field and every malformation (the codec's printer). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "cmd.h"
#include "codec.h"
#include "err.h"
#include "hexfile.h"
#include "names.h"
#include "pcapfile.h"

enum decode_source { SRC_AUTO, SRC_HEX_ARG, SRC_RAW, SRC_PCAP };

struct decode_opts {
	enum decode_source source;
	const char *arg;		/* the hex text or the file name */
	bool inner;
	unsigned inner_type;
	bool quiet;
	unsigned print_flags;
};

/* What the run found, for the exit status. */
struct decode_tally {
	size_t messages, malformed, notices, undecoded, frames, ignored;
};

static void decode_usage(FILE *out)
{
	fprintf(out,
"usage: iketest decode [OPTIONS] FILE\n"
"       iketest decode [OPTIONS] --hex HEX | --raw FILE | --pcap FILE\n"
"\n"
"Prints an IKEv2 message (RFC 7296) field by field, with IANA names, and\n"
"names every malformation the decoder finds: its code, byte offset, field\n"
"path and the numbers involved.\n"
"\n"
"input (one of):\n"
"  FILE          guessed: a pcap or pcapng file (by its magic number),\n"
"                commented hex (hex digits, blanks, ':' and '#' comments,\n"
"                like harness/tests/golden/*.hex), else raw binary\n"
"  --hex HEX     the message as hex on the command line (blanks, ':' and\n"
"                a leading 0x allowed)\n"
"  --raw FILE    FILE holds the message as binary\n"
"  --pcap FILE   every IKE message in a capture: UDP port 500, and 4500\n"
"                behind the non-ESP marker; each headed by frame number,\n"
"                time (UTC), addresses and ports. Link types: Ethernet,\n"
"                Linux cooked (SLL, SLL2), raw IP, loopback. Keepalives and\n"
"                ESP-in-UDP are noted; broken frames and IP fragments\n"
"                (not reassembled) are reported\n"
"\n"
"options:\n"
"  --inner TYPE  the input is a bare payload chain with no IKE header,\n"
"                such as the decrypted contents of an SK payload, whose\n"
"                first payload is TYPE (a name such as IDi, N, SA or a\n"
"                number); not with --pcap. A hex file with a comment\n"
"                line '# first-payload: 35' is read this way by itself\n"
"  -a, --all     show reserved fields even when they are zero\n"
"  -f, --full    show every byte of long data fields\n"
"  -q, --quiet   print only the malformations (and, for a pcap, the\n"
"                frames they are in); the exit status tells the rest\n"
"  -h, --help    this text\n"
"\n"
"exit status: 0 everything decoded without an error-severity problem\n"
"(notices such as RESERVED_NOT_ZERO are printed but do not count),\n"
"1 a malformation was found or a frame could not be decoded, 2 bad usage\n"
"or unreadable input.\n"
"\n"
"examples:\n"
"  iketest decode harness/tests/golden/ike_sa_init_req.hex\n"
"  iketest decode --hex '0011223344556677 8899aabbccddeeff 00202520 00000001 0000001c'\n"
"  iketest decode --pcap results/SCRIPT.pcap   (iketest run --out results/ wrote it)\n"
"  iketest decode -q capture.pcap && echo 'no malformed IKE in capture'\n"
"  iketest decode --inner IDi --hex '0000000c 01000000 c0000201'\n");
}

static int decode_fail(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "iketest decode: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 2;
}

static int decode_parse_inner(const char *text, unsigned *type)
{
	if (names_parse(NAMES_T_PAYLOAD, text, strlen(text), type) == 0 &&
	    *type <= 255)
		return 0;
	/* Ni and Nr name the Nonce payload in RFC 7296's diagrams. */
	if (strcmp(text, "Ni") == 0 || strcmp(text, "Nr") == 0) {
		*type = PL_NONCE;
		return 0;
	}
	return -1;
}

static int decode_options(int argc, char **argv, struct decode_opts *o)
{
	static const struct option longopts[] = {
		{ "hex", required_argument, NULL, 'x' },
		{ "raw", required_argument, NULL, 'r' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "inner", required_argument, NULL, 'i' },
		{ "all", no_argument, NULL, 'a' },
		{ "full", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, sources = 0;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:afqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'x': o->source = SRC_HEX_ARG; o->arg = optarg; sources++; break;
		case 'r': o->source = SRC_RAW; o->arg = optarg; sources++; break;
		case 'p': o->source = SRC_PCAP; o->arg = optarg; sources++; break;
		case 'i':
			if (decode_parse_inner(optarg, &o->inner_type) < 0)
				return decode_fail("--inner: unknown payload type `%s'%s", optarg,
				    " (try SA, KE, IDi, N, TSi or a number 0..255)");
			o->inner = true;
			break;
		case 'a': o->print_flags |= CODEC_PRINT_ALL; break;
		case 'f': o->print_flags |= CODEC_PRINT_FULL_DATA; break;
		case 'q': o->quiet = true; break;
		case 'h': decode_usage(stdout); return 0;
		case ':':
			return decode_fail("option `%s' needs a value%s", argv[optind - 1],
			    " ('iketest decode --help' shows it)");
		default:
			decode_fail("bad option `%s'%s", argv[optind - 1],
			    " ('iketest decode --help' lists them)");
			return 2;
		}
	}
	if (optind < argc) {
		o->source = SRC_AUTO;
		o->arg = argv[optind++];
		sources++;
	}
	if (sources != 1 || optind < argc)
		return decode_fail("%s%s", sources == 0 ? "no input given" :
		    "give one input only", " ('iketest decode --help' shows how)");
	if (o->inner && o->source == SRC_PCAP)
		return decode_fail("%s%s", "--inner does not apply to a pcap",
		    " (its messages have IKE headers)");
	return -1;
}

/* The size of an IKE header, as the codec tables have it (RFC 7296 3.1). */
static size_t decode_header_len(void)
{
	struct codec_node *m = codec_message_new();
	size_t n = m != NULL ? codec_node_size(m) : 0;

	codec_node_free(m);
	return n;
}

/* Decodes and prints one message (or chain); counts what it found. */
static int decode_one(const struct decode_opts *o, const uint8_t *p, size_t n,
    const char *heading, struct decode_tally *t)
{
	struct codec_problems *pr = calloc(1, sizeof(*pr));
	struct codec_node *root = NULL;
	struct err e = { "" };
	size_t errors, i, hdr_len = decode_header_len();
	int rc = -1;

	if (pr == NULL)
		return -1;
	if ((o->inner ? codec_decode_chain(o->inner_type, p, n, &root, pr, &e) :
	    codec_decode(p, n, &root, pr, &e)) < 0) {
		fprintf(stderr, "iketest decode: %s\n", e.text);
		goto out;
	}
	errors = codec_problems_errors(pr);
	t->messages++;
	t->malformed += errors > 0;
	t->notices += pr->count - errors;
	if (!o->quiet && !o->inner && n < hdr_len) {
		/* No header to show: its fields would print as invented
		 * zeros. */
		if (heading)
			printf("%s\n", heading);
		printf("no IKE header: %zu byte%s, where a header is %zu (RFC 7296 3.1)\n",
		    n, n == 1 ? "" : "s", hdr_len);
		for (i = 0; i < pr->count; i++) {
			char line[CODEC_PATH_MAX + CODEC_PROBLEM_TEXT_MAX + 64];

			codec_problem_format(&pr->list[i], line, sizeof(line));
			printf("%s\n", line);
		}
	} else if (!o->quiet) {
		if (heading)
			printf("%s\n", heading);
		codec_print(stdout, root, pr, o->print_flags);
	} else if (pr->count > 0) {
		char line[CODEC_PATH_MAX + CODEC_PROBLEM_TEXT_MAX + 64];

		if (heading)
			printf("%s\n", heading);
		for (i = 0; i < pr->count; i++) {
			codec_problem_format(&pr->list[i], line, sizeof(line));
			printf("%s\n", line);
		}
		if (pr->dropped)
			printf("(%zu more problems not shown)\n", pr->dropped);
	}
	rc = 0;
out:
	codec_node_free(root);
	free(pr);
	return rc;
}

static void decode_frame_heading(const struct pcapfile_frame *f, char *out,
    size_t outlen)
{
	char src[ADDR_TEXT_MAX], dst[ADDR_TEXT_MAX], when[32];
	time_t secs = (time_t)(f->ts_usec / 1000000);
	struct tm tm;

	addr_format_port(&f->src, src);
	addr_format_port(&f->dst, dst);
	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(when, sizeof(when), "%llu", (unsigned long long)secs);
	snprintf(out, outlen, "frame %llu  %s.%06u  %s -> %s%s",
	    (unsigned long long)f->number, when, (unsigned)(f->ts_usec % 1000000),
	    src, dst, f->marker ? "  (non-ESP marker)" : "");
}

/* A frame that is not an IKE message: other traffic passes quietly,
 * IPsec's own non-IKE packets get a line, broken frames are reported. */
static void decode_other_frame(const struct decode_opts *o,
    const struct pcapfile_frame *f, struct decode_tally *t)
{
	char heading[256];

	if (pcapfile_kind_ignored(f->kind)) {
		t->ignored++;
		if (!o->quiet && (f->kind == PCAPFILE_KEEPALIVE ||
		    f->kind == PCAPFILE_ESP_IN_UDP)) {
			decode_frame_heading(f, heading, sizeof(heading));
			printf("%s\n  %s: %s\n\n", heading, pcapfile_kind_text(f->kind), f->why);
		}
		return;
	}
	t->undecoded++;
	decode_frame_heading(f, heading, sizeof(heading));
	printf("%s\n  not decoded: %s: %s: %s\n\n", heading,
	    pcapfile_kind_name(f->kind), pcapfile_kind_text(f->kind), f->why);
}

static int decode_pcap(const struct decode_opts *o, struct decode_tally *t)
{
	struct pcapfile_reader *r;
	struct pcapfile_frame f;
	struct err e = { "" };
	char heading[256];
	int rc;

	if (pcapfile_open(&r, o->arg, &e) < 0)
		return decode_fail("%s%s", e.text, "");
	while ((rc = pcapfile_next(r, &f, &e)) == 1) {
		t->frames++;
		if (f.kind != PCAPFILE_IKE) {
			decode_other_frame(o, &f, t);
			continue;
		}
		decode_frame_heading(&f, heading, sizeof(heading));
		if (decode_one(o, f.msg, f.len, heading, t) < 0) {
			rc = -1;
			break;
		}
		if (!o->quiet)
			putchar('\n');
	}
	pcapfile_free(r);
	if (rc < 0)
		return decode_fail("%s%s", e.text[0] ? e.text : "out of memory", "");
	if (!o->quiet)
		printf("%zu frames: %zu IKE messages (%zu malformed), %zu other "
		    "traffic, %zu not decoded\n", t->frames, t->messages,
		    t->malformed, t->ignored, t->undecoded);
	return 0;
}

static bool decode_is_pcap(const struct bytes *b)
{
	static const uint8_t magics[][4] = {
		{ 0xa1, 0xb2, 0xc3, 0xd4 }, { 0xd4, 0xc3, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, { 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0x0a, 0x0d, 0x0d, 0x0a },	/* pcapng section header */
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (b->len >= 4 && memcmp(b->data, magics[i], 4) == 0)
			return true;
	return false;
}

/* A golden bare payload chain says "# first-payload: 35 (IDi)": decode it
 * as --inner would. 0, or -1 (after the message) for a bad value. */
static int decode_first_payload(struct decode_opts *o, const struct bytes *file)
{
	char value[64], *end;
	unsigned long v;

	if (hexfile_comment_value((const char *)file->data, file->len,
	    "first-payload", value, sizeof(value)) < 0)
		return 0;
	v = strtoul(value, &end, 10);
	if (end == value || v > 255) {
		decode_fail("%s: bad `first-payload: %s' comment (want a payload type number)",
		    o->arg, value);
		return -1;
	}
	o->inner = true;
	o->inner_type = (unsigned)v;
	return 0;
}

/* Reads the input (other than a pcap) into msg; a FILE that turns out to
 * be a pcap switches o->source. 0, or the exit status 2. */
static int decode_input(struct decode_opts *o, struct bytes *msg)
{
	struct bytes file = BYTES_EMPTY;
	struct err e = { "" };
	int rc = 2;

	if (o->source == SRC_HEX_ARG) {
		if (bytes_from_hex(msg, o->arg, strlen(o->arg), &e) < 0)
			return decode_fail("--hex: %s%s", e.text, "");
		return 0;
	}
	if (hexfile_read_file(&file, o->arg, &e) < 0) {
		decode_fail("%s%s", e.text, "");
		goto out;
	}
	if (o->source == SRC_RAW) {
		rc = bytes_copy(msg, &file) < 0 ? decode_fail("%s: out of memory%s", o->arg, "") : 0;
		goto out;
	}
	if (decode_is_pcap(&file)) {
		o->source = SRC_PCAP;
		rc = 0;
		goto out;
	}
	if (!hexfile_looks_like_hex(file.data, file.len)) {
		rc = bytes_copy(msg, &file) < 0 ? decode_fail("%s: out of memory%s", o->arg, "") : 0;
		goto out;
	}
	if (hexfile_parse(msg, (const char *)file.data, file.len, &e) < 0) {
		decode_fail("%s: %s", o->arg, e.text);
		goto out;
	}
	if (!o->inner && decode_first_payload(o, &file) < 0)
		goto out;
	rc = 0;
out:
	bytes_free(&file);
	return rc;
}

int cmd_decode(int argc, char **argv)
{
	struct decode_opts o;
	struct decode_tally t = { 0 };
	struct bytes msg = BYTES_EMPTY;
	int rc;

	rc = decode_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.source != SRC_PCAP) {
		rc = decode_input(&o, &msg);
		if (rc != 0)
			goto out;
	}
	if (o.source == SRC_PCAP) {
		if (o.inner) {
			rc = decode_fail("%s: --inner does not apply to a pcap%s", o.arg, "");
			goto out;
		}
		rc = decode_pcap(&o, &t);
	} else {
		rc = decode_one(&o, msg.data, msg.len, NULL, &t) < 0 ?
		    decode_fail("%s%s", "out of memory", "") : 0;
	}
	if (rc == 0 && (t.malformed > 0 || t.undecoded > 0))
		rc = 1;
out:
	bytes_free(&msg);
	return rc;
}
