/*
 * failmalloc: an LD_PRELOAD library that makes one allocation fail, for the
 * allocation-failure tests (SQLite's OOM simulation, jq's inject_errors).
 *
 *   FAILMALLOC_AT=N   the N-th call (1-based) of malloc/calloc/realloc
 *                     returns NULL; every other call succeeds
 *   FAILMALLOC_COUNT=FILE   at exit, writes the number of calls made
 *
 * Calls glibc's own __libc_* allocators underneath.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long calls, fail_at;
static int ready;

static void init(void)
{
	const char *s = getenv("FAILMALLOC_AT");

	ready = 1;
	fail_at = s ? strtoul(s, NULL, 10) : 0;
}

static int should_fail(void)
{
	if (!ready)
		init();
	return ++calls == fail_at;
}

void *malloc(size_t n)
{
	return should_fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	return should_fail() ? NULL : __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __libc_realloc(p, n);
}

__attribute__((destructor)) static void report(void)
{
	const char *f = getenv("FAILMALLOC_COUNT");
	FILE *fp;

	if (!f)
		return;
	ready = 1;
	fail_at = 0;
	fp = fopen(f, "w");
	if (fp) {
		fprintf(fp, "%lu\n", calls);
		fclose(fp);
	}
}
