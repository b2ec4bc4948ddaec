/* tshark_pdml: runs tshark over a pcap and reads its PDML (XML) output
 * into a flat list of fields per packet, enough to compare tshark's view
 * of each field (name, position, size, shown value, raw value) with the
 * codec's. Only for the tshark oracle test. */
#ifndef IKETEST_TSHARK_PDML_H
#define IKETEST_TSHARK_PDML_H

#include <stdbool.h>
#include <stddef.h>

struct err;

struct pdml_field {
	char *name;		/* "isakmp.payloadlength", "_ws.expert" */
	char *show;		/* show="..." (unescaped), "" if absent */
	char *value;		/* value="..." hex of the bytes, "" if absent */
	char *showname;
	size_t pos, size;	/* in the frame */
	unsigned depth;
	bool proto;		/* a <proto> element rather than a <field> */
};

struct pdml_packet {
	struct pdml_field *f;
	size_t n, cap;
};

struct pdml {
	struct pdml_packet *p;
	size_t n, cap;
};

/* The tshark to run: $TSHARK, else "tshark" on PATH; NULL if there is
 * none (the caller skips, saying so). */
const char *pdml_tshark(void);
/* Runs `tshark -r PATH -T pdml` (extra options, e.g. "-o udp.check_checksum:TRUE",
 * may be NULL) and reads every packet. 0 or -1. */
int pdml_run(const char *tshark, const char *path, const char *options,
    struct pdml *out, struct err *e);
void pdml_free(struct pdml *d);

/* The first field called name at position pos in the packet, or NULL. A
 * name ending in '*' matches as a prefix. */
const struct pdml_field *pdml_find(const struct pdml_packet *p,
    const char *name, size_t pos);
/* How many fields of the packet are called name. */
size_t pdml_count(const struct pdml_packet *p, const char *name);

#endif
