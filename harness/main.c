/* iketest: one binary, one subcommand per file (cmd_*.c), dispatched from
 * this table. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct cmd commands[] = {
	{ "decode", cmd_decode, "pretty-print IKEv2 messages from hex, a file or a pcap" },
	{ "lint", cmd_lint, "check test scripts (and a profile): syntax, needs" },
	{ "run", cmd_run, "run test scripts against an IUT: TAP, records, pcaps" },
	{ "respond", cmd_respond, "the reference IKEv2 peer (responder, or one-shot initiator) on UDP" },
	{ "report", cmd_report, "HTML site, JUnit XML and a diff against a baseline, from result records" },
	{ "load", cmd_load, "tunnel setup rate (TPS, TRPS, time to first packet) and half-open floods against an IUT" },
	{ "fuzz", cmd_fuzz, "a stateful fuzz campaign against an IUT; findings as replayable scripts" },
	{ "observe", cmd_observe, "judge the IKE traffic of a capture as a passive observer (RFC 7296)" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
	    "usage: iketest COMMAND [ARGS...]\n"
	    "\n"
	    "iketest is an IKEv2/ESP conformance and interoperability test harness.\n"
	    "\n"
	    "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'iketest COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "iketest: unknown command `%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
