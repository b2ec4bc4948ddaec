/* cmd_respond's private header: the --drop-first test aid
 * (cmd_respond_drop.c), which the responder loop and the initiator share. */
#ifndef IKETEST_CMD_RESPOND_INT_H
#define IKETEST_CMD_RESPOND_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* On: the first copy of each IKE datagram is dropped, and logged to log. */
void rsp_drop_setup(bool on, FILE *log);
/* Whether p[0..n) is the first copy of its kind (then it is dropped);
 * what names it in the log line. Always false when off. */
bool rsp_drop_first(const uint8_t *p, size_t n, const char *what);
unsigned long rsp_drop_count(void);

#endif
