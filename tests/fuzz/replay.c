/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * replay.c - runs a fuzz target over every file of the folders (or the
 * files) named on the command line, as make check does without libFuzzer.
 * Prints one TAP line per input.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	run_file(const char *);
static int	cmp_names(const void *, const void *);

static int	n;

static int
run_file(const char *path)
{
	FILE *f;
	uint8_t *buf;
	long len;
	int rc;

	rc = -1;
	buf = NULL;
	if ((f = fopen(path, "rb")) == NULL)
		goto out;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	/* exact size: ASan catches any read past the input */
	if ((buf = malloc(len > 0 ? (size_t)len : 1)) == NULL)
		goto out;
	if (len > 0 && fread(buf, 1, (size_t)len, f) != (size_t)len)
		goto out;
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	rc = 0;
out:
	printf("%sok %d - %s\n", rc == 0 ? "" : "not ", ++n, path);
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;
	char **names, path[4096];
	size_t nn, cap, i;
	int a, failed;

	failed = 0;
	for (a = 1; a < argc; a++) {
		if (stat(argv[a], &sb) != 0)
			continue;	/* an absent folder has no inputs */
		if (!S_ISDIR(sb.st_mode)) {
			failed |= run_file(argv[a]) != 0;
			continue;
		}
		if ((d = opendir(argv[a])) == NULL)
			continue;
		names = NULL;
		nn = cap = 0;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (nn == cap) {
				cap = cap ? cap * 2 : 64;
				names = realloc(names, cap * sizeof(*names));
				if (names == NULL)
					abort();
			}
			if ((names[nn++] = strdup(de->d_name)) == NULL)
				abort();
		}
		closedir(d);
		if (nn > 0)
			qsort(names, nn, sizeof(*names), cmp_names);
		for (i = 0; i < nn; i++) {
			snprintf(path, sizeof(path), "%s/%s", argv[a],
			    names[i]);
			failed |= run_file(path) != 0;
			free(names[i]);
		}
		free(names);
	}
	printf("1..%d\n", n);
	return failed;
}
