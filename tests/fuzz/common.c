/* The helpers of fuzz.h, linked into every fuzz and replay program. */
#define _GNU_SOURCE /* memfd_create */

#include "fuzz.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define N_SLOTS 4

static int fds[N_SLOTS] = { -1, -1, -1, -1 };
static char paths[N_SLOTS][64];
static char dir[64];

static void die(const char *what)
{
	fprintf(stderr, "fuzz harness: %s: %s\n", what, strerror(errno));
	abort();
}

const char *fuzz_path(int slot, const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (slot < 0 || slot >= N_SLOTS)
		abort();
	if (fds[slot] < 0) {
		fds[slot] = memfd_create("vsr-fuzz", MFD_CLOEXEC);
		if (fds[slot] < 0)
			die("memfd_create");
		snprintf(paths[slot], sizeof(paths[slot]), "/proc/self/fd/%d", fds[slot]);
	}
	if (ftruncate(fds[slot], 0))
		die("ftruncate");
	while (done < size) {
		ssize_t n = pwrite(fds[slot], data + done, size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("pwrite");
		done += (size_t)n;
	}
	return paths[slot];
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void fuzz_rm_rf(const char *path)
{
	nftw(path, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void rm_dir(void)
{
	if (dir[0])
		fuzz_rm_rf(dir);
}

const char *fuzz_dir(void)
{
	if (!dir[0]) {
		/* tmpfs when there is one: the journal and unzip targets fsync. */
		const char *tmp = getenv("TMPDIR");
		if (!tmp || !*tmp || strlen(tmp) >= 40)
			tmp = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
		snprintf(dir, sizeof(dir), "%s/vsr-fuzz-XXXXXX", tmp);
		if (!mkdtemp(dir))
			die("mkdtemp");
		atexit(rm_dir);
	}
	return dir;
}

size_t fuzz_split(const uint8_t *data, size_t size, uint8_t sep, const uint8_t **rest,
		  size_t *rest_len)
{
	const uint8_t *p = memchr(data, sep, size);

	if (!p) {
		*rest = data + size;
		*rest_len = 0;
		return size;
	}
	*rest = p + 1;
	*rest_len = size - (size_t)(p - data) - 1;
	return (size_t)(p - data);
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
