/* iketest lint: parses scripts (and a profile), reports the first error of
 * each as file:line:col: message, and says whether the profile meets each
 * script's needs. Exit 0 when everything parsed, 2 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "profile.h"
#include "script.h"

static void lint_usage(FILE *out)
{
	fprintf(out,
	    "usage: iketest lint [--profile FILE] [--print] SCRIPT...\n"
	    "\n"
	    "Parses each script of the test language (suites/README.md) and\n"
	    "prints `SCRIPT: ok' or its error as file:line:col: message.\n"
	    "  --profile FILE  also read an IUT profile and say whether each\n"
	    "                  script's needs are met (SKIP) and whether the\n"
	    "                  profile declares a deviation for it (TODO)\n"
	    "  --print         print the canonical form of each script\n"
	    "Exit status: 0 every file parsed, 2 an error or bad usage.\n");
}

static int lint_one(const char *path, const struct profile *prof, bool print)
{
	struct script *s;
	struct err e;
	const char *clause, *evidence;
	char why[512];

	if (script_load(path, &s, &e) < 0) {
		fprintf(stderr, "%s\n", e.text);
		return 2;
	}
	printf("%s: ok\n", path);
	if (prof != NULL) {
		if (script_needs_check(s, prof, why, sizeof(why)) == 1)
			printf("%s: SKIP %s\n", path, why);
		else
			printf("%s: needs met\n", path);
		if (profile_deviation(prof, s->id, &clause, &evidence) == 1)
			printf("%s: TODO deviation %s | %s\n", path, clause,
			    evidence);
	}
	if (print)
		script_print(stdout, s);
	script_free(s);
	return 0;
}

int cmd_lint(int argc, char **argv)
{
	struct profile *prof = NULL;
	const char *prof_path = NULL;
	bool print = false;
	struct err e;
	int i, status = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			lint_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--print") == 0) {
			print = true;
		} else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
			prof_path = argv[++i];
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			fprintf(stderr, "iketest lint: unknown option `%s'\n", argv[i]);
			lint_usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		lint_usage(stderr);
		return 2;
	}
	if (prof_path != NULL) {
		if (profile_load(prof_path, &prof, &e) < 0) {
			fprintf(stderr, "%s\n", e.text);
			return 2;
		}
		printf("%s: ok\n", prof_path);
	}
	for (; i < argc; i++)
		if (lint_one(argv[i], prof, print) != 0)
			status = 2;
	profile_free(prof);
	return status;
}
