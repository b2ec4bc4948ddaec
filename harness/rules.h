/* rules: RFC 7296's message rules as tables: per exchange and direction,
 * which payloads must, may and must not appear, how many, inside or
 * outside SK (RFC 7296 1.2-1.5, 2.6, 2.16, 2.21, 3.14; RFC 6023 for
 * childless IKE_AUTH; RFC 4739 and 2.16 for EAP rounds).
 *
 * A table lists the shapes a message may take (an IKE_SA_INIT response
 * is either SA KE Nr with optional CERTREQ, or only notifies of which one
 * is an error or a COOKIE); a message conforms when it fits one shape.
 * Notify and Vendor ID payloads are allowed everywhere (any number, any
 * order), and so are payloads of unknown types without the critical bit,
 * which a receiver must ignore (RFC 7296 2.5). Order is imposed only where
 * the RFC imposes it: SK last (3.14), N(COOKIE) first (2.6).
 *
 * When the message holds SK and the caller could not open it (inner is
 * NULL), only what lies outside SK is checked, and the report says so. */
#ifndef IKETEST_RULES_H
#define IKETEST_RULES_H

#include <stdbool.h>
#include <stddef.h>

struct codec_node;

enum { RULES_MAX_VIOLATIONS = 16, RULES_TEXT_MAX = 200 };

struct rules_report {
	const char *clause;	/* "RFC 7296 1.2" for the exchange */
	const char *shape;	/* the shape that fits, or the nearest one */
	bool sk_unchecked;	/* SK present but its contents not given */
	size_t count;		/* violations (0: conforms) */
	char text[RULES_MAX_VIOLATIONS][RULES_TEXT_MAX];
};

enum rules_status {
	RULES_CONFORMS = 0,
	RULES_VIOLATES = 1,
	RULES_NO_TABLE = 2,	/* an exchange with no rules here */
};

/* Checks msg (a decoded message, CODEC_S_MESSAGE) of the given exchange
 * and direction; inner is the decrypted chain of its SK payload, or NULL.
 * The exchange and direction are arguments, not read from msg, so that
 * callers can check a message against what it should have been. */
enum rules_status rules_check(unsigned exchange, bool response,
    const struct codec_node *msg, const struct codec_node *inner,
    struct rules_report *r);

/* The clause of an exchange's rules ("RFC 7296 1.2"), NULL if none. */
const char *rules_clause(unsigned exchange);

/* ---- Sender rules (rules_sender.c) -------------------------------------
 * What RFC 7296 asks of whoever sends a message, whatever it was asked:
 * checked on every message an IUT sends. Each function appends its
 * violations to r (the caller clears it once), each text starting with
 * the clause it enforces. RFC-legal variations pass: a higher minor
 * version, unknown non-critical payloads, notifies in any order. */
struct codec_problems;

/* The header (3.1: version, flags, SPIs), the decoder's findings on the
 * outer message (reserved fields not zero, 3.2 and each payload's
 * section; malformed lengths, counts and SPI sizes) and the payloads
 * outside SK. original_initiator: whether the sender is the original
 * initiator of the IKE SA (the I flag), -1 when unknown (IKE_SA_INIT
 * needs none: its direction says it). */
void rules_sender_message(const struct codec_node *msg,
    const struct codec_problems *pr, int original_initiator,
    struct rules_report *r);
/* The payloads SK carried (a chain) and the decoder's findings on them. */
void rules_sender_chain(unsigned exchange, bool response,
    const struct codec_node *chain, const struct codec_problems *pr,
    struct rules_report *r);
/* An accepted SA payload against the SA payload it answers (2.7, 3.3.5):
 * one proposal, offered under that number and protocol, each transform
 * one of that proposal's as offered (same ID, same attributes, none extra
 * or twice), one transform of each type the proposal offered (D-H not
 * required with ignore_dh: IKE_AUTH carries no KE, 1.2). offered may be
 * NULL: then only what needs no offer is checked. */
void rules_sender_chosen(const struct codec_node *chosen,
    const struct codec_node *offered, bool ignore_dh,
    struct rules_report *r);

#endif
