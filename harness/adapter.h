/* adapter: runs an IUT's adapter (peers/NAME/adapter, peers/README.md)
 * with a verb: to its end with a time limit, with its standard output
 * captured, or left running in the background and reaped later. Knows
 * nothing of scripts, so that the interpreter, an interop runner, a
 * fuzzer or a load generator drive an IUT the same way. */
#ifndef IKETEST_ADAPTER_H
#define IKETEST_ADAPTER_H

#include <stdbool.h>

struct bytes;
struct err;

enum {
	ADAPTER_ARGS_MAX = 6,		/* words after the adapter's path */
	ADAPTER_DEFAULT_TIMEOUT_S = 60,
	ADAPTER_OUTPUT_MAX = 65536,	/* captured output kept */
};

struct adapter {
	const char *path;	/* the executable */
	unsigned timeout_s;	/* 0: ADAPTER_DEFAULT_TIMEOUT_S */
	int bg_pid;		/* a verb left running, or 0 */
};

/* Runs the adapter with args (NULL-terminated, a verb first); its output
 * goes to out_fd (-1: to stderr, as stdout may be TAP). In the
 * background it returns 0 at once and the pid is kept in a->bg_pid.
 * Returns the exit status, or -1 with e when it could not run, was
 * killed or timed out. */
int adapter_run(struct adapter *a, const char *const *args, bool background,
    int out_fd, struct err *e);
/* Runs it to its end with its standard output read into out: the exit
 * status, or -1 with e. */
int adapter_output(struct adapter *a, const char *const *args,
    struct bytes *out, struct err *e);
/* Ends a verb still running in the background (SIGTERM, then SIGKILL). */
void adapter_reap(struct adapter *a);

#endif
