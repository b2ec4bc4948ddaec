/* golden: loads the harness/tests/golden/ *.hex files for the codec tests. A file
 * with a "# first-payload: N" line holds a payload chain without IKE
 * header (SK plaintext) whose first payload has type N. */
#ifndef IKETEST_TESTS_GOLDEN_H
#define IKETEST_TESTS_GOLDEN_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "hexfile.h"

enum { GOLDEN_MAX = 64 };

struct golden {
	char name[64];
	struct bytes bin;
	int first;		/* first payload type of a chain, -1: message */
};

static int golden_cmp(const void *a, const void *b)
{
	return strcmp(((const struct golden *)a)->name,
	    ((const struct golden *)b)->name);
}

static const char *golden_dir(char *buf, size_t len)
{
	const char *top = getenv("IKETEST_TOP");

	snprintf(buf, len, "%s/harness/tests/golden", top ? top : ".");
	return buf;
}

/* The "# first-payload: N" line, or -1. */
static int golden_first(const char *path)
{
	struct bytes raw = BYTES_EMPTY;
	struct err e;
	const char *p;
	int first = -1;

	if (hexfile_read_file(&raw, path, &e) < 0)
		return -1;
	if (bytes_reserve(&raw, raw.len + 1) == 0) {
		raw.data[raw.len] = '\0';
		p = strstr((const char *)raw.data, "# first-payload:");
		if (p)
			first = atoi(p + strlen("# first-payload:"));
	}
	bytes_free(&raw);
	return first;
}

/* Loads every golden, sorted by name; returns how many (0 on error, with
 * the reason in e). */
static size_t golden_load_all(struct golden *g, size_t max, struct err *e)
{
	char dir[512], path[1024];
	struct dirent *de;
	DIR *d = opendir(golden_dir(dir, sizeof(dir)));
	size_t n = 0;

	if (d == NULL) {
		err_set(e, "%s: cannot open", dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < max) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".hex") != 0 ||
		    len >= sizeof(g[n].name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		memcpy(g[n].name, de->d_name, len + 1);
		g[n].bin = BYTES_EMPTY;
		if (hexfile_load(&g[n].bin, path, e) < 0) {
			closedir(d);
			while (n > 0)
				bytes_free(&g[--n].bin);
			return 0;
		}
		g[n].first = golden_first(path);
		n++;
	}
	closedir(d);
	qsort(g, n, sizeof(*g), golden_cmp);
	return n;
}

static void golden_free_all(struct golden *g, size_t n)
{
	while (n > 0)
		bytes_free(&g[--n].bin);
}

#endif
