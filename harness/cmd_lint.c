/* iketest lint: parses scripts (and a profile), reports the first error of
 * each as file:line:col: message, and says whether the profile meets each
 * script's needs. Exit 0 when everything parsed, 2 otherwise. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "err.h"
#include "names.h"
#include "profile.h"
#include "script.h"

static void lint_usage(FILE *out)
{
	fprintf(out,
	    "usage: iketest lint [--profile FILE] [--print] [SCRIPT...]\n"
	    "\n"
	    "Parses each script of the test language (suites/README.md) and\n"
	    "prints `SCRIPT: ok' or its error as file:line:col: message.\n"
	    "  --profile FILE  also read an IUT profile (every key, value and\n"
	    "                  file it names; its deviations must name scripts\n"
	    "                  under suites/, beside the profile or given here)\n"
	    "                  and say whether each script's needs are met\n"
	    "                  (SKIP) and whether the profile declares a\n"
	    "                  deviation for it (TODO); with no SCRIPT, only\n"
	    "                  the profile is checked\n"
	    "  --print         print the canonical form of each script\n"
	    "Exit status: 0 every file parsed, 2 an error or bad usage.\n");
}

/* The script ids a profile's [deviations] may name. */
struct lint_ids {
	char **v;
	size_t n, cap;
};

static void ids_add(struct lint_ids *ids, const char *id)
{
	char *d;

	if (ids->n + 1 >= ids->cap) {
		size_t nc = ids->cap ? ids->cap * 2 : 256;
		char **nv = realloc(ids->v, nc * sizeof(*nv));

		if (nv == NULL)
			return;
		ids->v = nv;
		ids->cap = nc;
	}
	if ((d = strdup(id)) != NULL) {
		ids->v[ids->n++] = d;
		ids->v[ids->n] = NULL;
	}
}

static void ids_free(struct lint_ids *ids)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		free(ids->v[i]);
	free(ids->v);
}

static bool ids_has(const struct lint_ids *ids, const char *id)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		if (strcmp(ids->v[i], id) == 0)
			return true;
	return false;
}

/* The ids of the *.ike files under dir (depth levels down); scripts that
 * do not parse are left out (they are reported when linted). */
static void ids_scan(struct lint_ids *ids, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	struct stat st;
	struct script *s;
	struct err e;
	size_t n;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || stat(path, &st) < 0)
			continue;
		n = strlen(de->d_name);
		if (S_ISDIR(st.st_mode) && depth > 0)
			ids_scan(ids, path, depth - 1);
		else if (S_ISREG(st.st_mode) && n > 4 &&
		    strcmp(de->d_name + n - 4, ".ike") == 0 &&
		    script_load(path, &s, &e) == 0) {
			ids_add(ids, s->id);
			script_free(s);
		}
	}
	closedir(d);
}

/* Every deviation names a script there is: one given, one under
 * suites/ ($IKETEST_TOP/suites, else ./suites), or one beside the
 * profile. A deviation for no script would never turn a failure into a
 * TODO, so it is a typo or a stale line. */
static int lint_deviations(const struct profile *prof, char **scripts,
    int nscripts)
{
	struct lint_ids ids = { 0 };
	const char *id, *top = getenv("IKETEST_TOP"), *hint;
	char dir[4096];
	struct script *s;
	struct err e;
	int i, line, status = 0;
	size_t k;

	if (profile_deviation_at(prof, 0, &id, &line) == 0)
		return 0;
	for (i = 0; i < nscripts; i++)
		if (script_load(scripts[i], &s, &e) == 0) {
			ids_add(&ids, s->id);
			script_free(s);
		}
	snprintf(dir, sizeof(dir), "%s/suites", top != NULL && *top ? top : ".");
	ids_scan(&ids, dir, 4);
	snprintf(dir, sizeof(dir), "%s", profile_path(prof));
	if (strrchr(dir, '/') != NULL)
		*strrchr(dir, '/') = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	ids_scan(&ids, dir, 0);
	for (k = 0; profile_deviation_at(prof, k, &id, &line) == 1; k++) {
		if (ids_has(&ids, id))
			continue;
		hint = ids.v != NULL ? names_suggest(id, strlen(id),
		    (const char *const *)ids.v) : NULL;
		fprintf(stderr, "%s:%d: [deviations] `%s' is the id of no script (under suites/, beside the profile or given)%s%s%s\n",
		    profile_path(prof), line, id,
		    hint ? " (did you mean `" : "", hint ? hint : "",
		    hint ? "'?)" : "");
		status = 2;
	}
	ids_free(&ids);
	return status;
}

static int lint_one(const char *path, const struct profile *prof, bool print)
{
	struct script *s;
	struct err e;
	const char *clause, *evidence;
	char why[512];

	if (script_load(path, &s, &e) < 0 || script_lint(s, &e) < 0) {
		fprintf(stderr, "%s\n", e.text);
		script_free(s);
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

/* The profile, read and checked whole; NULL (message printed) if bad. */
static struct profile *lint_profile(const char *path, char **scripts,
    int nscripts)
{
	struct profile *prof;
	struct err e;

	if (profile_load(path, &prof, &e) < 0 ||
	    profile_check_testable(prof, &e) < 0) {
		fprintf(stderr, "%s\n", e.text);
		profile_free(prof);
		return NULL;
	}
	if (lint_deviations(prof, scripts, nscripts) != 0) {
		profile_free(prof);
		return NULL;
	}
	printf("%s: ok\n", path);
	return prof;
}

int cmd_lint(int argc, char **argv)
{
	struct profile *prof = NULL;
	const char *prof_path = NULL;
	bool print = false;
	int i, status = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			lint_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--print") == 0) {
			print = true;
		} else if (strcmp(argv[i], "--profile") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				fprintf(stderr, "iketest lint: --profile needs a file (--profile peers/NAME/profile.conf)\n");
				return 2;
			}
			prof_path = argv[++i];
		} else if (strncmp(argv[i], "--profile=", 10) == 0) {
			prof_path = argv[i] + 10;
			if (*prof_path == '\0') {
				fprintf(stderr, "iketest lint: --profile needs a file (--profile peers/NAME/profile.conf)\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			fprintf(stderr, "iketest lint: unknown option `%s'\n", argv[i]);
			lint_usage(stderr);
			return 2;
		}
	}
	if (i >= argc && prof_path == NULL) {
		lint_usage(stderr);
		return 2;
	}
	if (prof_path != NULL &&
	    (prof = lint_profile(prof_path, argv + i, argc - i)) == NULL)
		return 2;
	for (; i < argc; i++)
		if (lint_one(argv[i], prof, print) != 0)
			status = 2;
	profile_free(prof);
	return status;
}
