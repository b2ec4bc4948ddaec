/* cmd: the subcommands of iketest. Each takes argc/argv from its own name
 * on and returns the process exit status (0 ok, 1 a verdict or finding,
 * 2 bad usage or input). */
#ifndef IKETEST_CMD_H
#define IKETEST_CMD_H

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

int cmd_decode(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_respond(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_observe(int argc, char **argv);

#endif
