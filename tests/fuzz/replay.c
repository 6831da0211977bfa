/*
 * replay: runs one fuzz target's LLVMFuzzerTestOneInput over files, without
 * libFuzzer, so that the corpus and every crash found once are replayed by
 * ctest in any build (gcc, ASan or not).
 *
 *   replay_NAME DIR_OR_FILE...
 *
 * A directory contributes its regular files (sorted by name, not
 * recursive; a missing directory is skipped: a target may have no
 * regressions).  Prints "N passed, 0 failed" at the end; a crash or a
 * sanitizer report ends the program before that, with the input's name
 * printed first so the log says which file it was.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!fp) {
		fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			data = realloc(data, cap);
			if (!data)
				abort();
		}
		n = fread(data + len, 1, cap - len, fp);
		len += n;
	} while (n);
	if (ferror(fp)) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
		fclose(fp);
		free(data);
		return -1;
	}
	fclose(fp);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	/* Exactly the input's bytes, as libFuzzer passes them: an overread shows. */
	{
		unsigned char *exact = malloc(len ? len : 1);
		if (!exact)
			abort();
		if (len)
			memcpy(exact, data, len);
		free(data);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static int run_dir(const char *path, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int bad = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names)
			abort();
		names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
		if (!names[n])
			abort();
		snprintf(names[n], strlen(path) + strlen(e->d_name) + 2, "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (!stat(names[i], &st) && S_ISREG(st.st_mode)) {
			if (run_file(names[i]))
				bad = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (!stat(argv[i], &st) && S_ISREG(st.st_mode)) {
			if (run_file(argv[i]))
				bad = 1;
			else
				count++;
		} else if (run_dir(argv[i], &count)) {
			bad = 1;
		}
	}
	printf("%zu passed, %d failed\n", count, bad);
	return bad;
}
