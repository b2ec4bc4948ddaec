/* profile: what an IUT supports and how the lab reaches it, read from its
 * profile file (peers/NAME/profile.conf).
 *
 *   # comment
 *   [section]
 *   key = value words     # a trailing comment after white space
 *
 * Sections: [iut] [addresses] [auth] [ike] [esp] [timers] [capabilities]
 * [deviations]. Checked when read: [ike] and [esp] lists of encr, prf,
 * integ, dh, esn name IANA transforms (AES_CBC/256 carries a key length);
 * [timers] values are decimal microseconds (retransmit: 1 ms .. 1 h
 * each, at most PROFILE_RETRANSMIT_MAX); ports are 1..65535; addresses
 * are IP addresses (addr_parse); [capabilities] values start with yes or
 * no; [deviations] values are "CLAUSE | evidence". Every key of a section
 * is known (a typo is refused with the nearest key), no value is empty.
 * Words that start
 * with `$' are lab variables, checked where they are expanded. A PSK is
 * never written inline (psk-file = path), so no message ever quotes one;
 * profile_load also checks that the files it names can be read.
 * Errors are "file:line: message". */
#ifndef IKETEST_PROFILE_H
#define IKETEST_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct profile;

enum {
	PROFILE_MAX_BYTES = 1024 * 1024,
	PROFILE_RETRANSMIT_MAX = 32,	/* gaps in [timers] retransmit */
};

int profile_parse(const char *path, const char *text, size_t len,
    struct profile **out, struct err *e);
int profile_load(const char *path, struct profile **out, struct err *e);
void profile_free(struct profile *p);

/* The value as written (comment and outer blanks removed), or NULL. */
const char *profile_get(const struct profile *p, const char *section,
    const char *key);
/* The value's words; NULL (and *n 0) when the key is absent. */
const char *const *profile_get_list(const struct profile *p,
    const char *section, const char *key, size_t *n);
/* The numbers of a [timers] key into out[0..max): how many, or -1 when
 * the key is absent or holds more than max. */
int profile_get_numbers(const struct profile *p, const char *section,
    const char *key, uint64_t *out, size_t max);

/* What `needs` asks: with value NULL, the key is present (and, in
 * [capabilities], says yes); with a value, the key's list holds it.
 * Algorithm lists compare IANA numbers, so ENCR_AES_CBC matches AES_CBC;
 * AES_CBC/256 matches AES_CBC/256 or a bare AES_CBC in the profile, and a
 * bare AES_CBC matches any AES_CBC. Other lists compare words, ignoring
 * case. */
bool profile_has(const struct profile *p, const char *section,
    const char *key, const char *value);

/* A deviation the profile declares for a script id: 1 with its clause
 * ("RFC 7296 2.21") and evidence sentence, 0 when there is none. */
int profile_deviation(const struct profile *p, const char *script_id,
    const char **clause, const char **evidence);

/* The names table (enum names_table) of an algorithm list key: ike.encr,
 * esp.dh ...; -1 for any other key. */
int profile_alg_table(const char *section, const char *key);

/* What a profile needs before any script can test the IUT: [addresses]
 * iut (something to send to) and [iut] roles (without which every script
 * skips). 0, or -1 with "file:line: profile has no ...". lint asks it of
 * every profile; run may take the address from --iut-addr instead, and
 * the reference peer's own profile needs neither. */
int profile_check_testable(const struct profile *p, struct err *e);

/* The i-th deviation (0-based) the profile declares: 1 with its script
 * id and line, 0 past the last. */
int profile_deviation_at(const struct profile *p, size_t i,
    const char **script_id, int *line);

/* Whether section.key is a key profiles may hold (any key of
 * [deviations]); when not, *hint is the nearest key of the section or
 * NULL. */
bool profile_key_known(const char *section, const char *key,
    const char **hint);

/* The line of section.key in the file, 0 when absent. */
int profile_line(const struct profile *p, const char *section,
    const char *key);

/* The file the profile was read from. */
const char *profile_path(const struct profile *p);

#endif
