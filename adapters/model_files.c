/*
 * model_files: content digests of a model's files (model_files.h).
 */
#include "model_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/sha256.h"
#include "../base/util.h"

/* Feeds n bytes of fd from offset at into h; 0, or -1 on a read error or a short file. */
static int digest_range(int fd, off_t at, long long n, struct sha256 *h)
{
	unsigned char chunk[1 << 16];

	while (n > 0) {
		ssize_t got = pread(fd, chunk, n < (long long)sizeof(chunk) ? (size_t)n : sizeof(chunk), at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		sha256_update(h, chunk, (size_t)got);
		at += got;
		n -= got;
	}
	return 0;
}

int model_file_digest(const char *path, char out[MODEL_DIGEST_MAX])
{
	struct stat sb;
	struct sha256 h;
	char hex[SHA256_HEX_LEN + 1];
	int fd, r, ends;

	/* Checked before opening: opening a FIFO would wait for a writer. */
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -1;
	}
	ends = sb.st_size > MODEL_FILE_WHOLE_MAX;
	sha256_init(&h);
	if (!ends) {
		r = digest_range(fd, 0, sb.st_size, &h);
	} else {
		char size[32];
		snprintf(size, sizeof(size), "%lld\n", (long long)sb.st_size);
		sha256_update(&h, size, strlen(size));
		r = digest_range(fd, 0, MODEL_FILE_END_BYTES, &h);
		if (!r)
			r = digest_range(fd, sb.st_size - MODEL_FILE_END_BYTES, MODEL_FILE_END_BYTES, &h);
	}
	close(fd);
	if (r)
		return -1;
	sha256_final_hex(&h, hex);
	snprintf(out, MODEL_DIGEST_MAX, "%s:%s", ends ? "sha256-ends" : "sha256", hex);
	return 0;
}
