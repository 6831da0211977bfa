/*
 * rawlines: lines handed out in place from a read buffer (see rawlines.h).
 */
#include "rawlines.h"
#include "gzin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h" /* last: it includes banned.h */

#define RAW_READ (64u << 10) /* bytes asked of one read() */

void rawlines_init(struct rawlines *r, int fd, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->max = max;
}

int rawlines_open(struct rawlines *r, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	rawlines_init(r, fd, max);
	if (fd < 0)
		return -1;
	r->gz = xmalloc(sizeof(*r->gz));
	if (gzin_open(r->gz, fd)) {
		e = errno;
		rawlines_release(r);
		errno = e;
		return -1;
	}
	return 0;
}

int rawlines_is_gzip(const struct rawlines *r)
{
	return r->gz && gzin_is_gzip(r->gz);
}

const char *rawlines_strerror(const struct rawlines *r, char *buf, size_t len)
{
	if (r->gz)
		return gzin_strerror(r->gz, buf, len);
	snprintf(buf, len, "%s", strerror(r->err_no));
	return buf;
}

/* Moves the unread bytes to the front, makes room for a read and reads. */
static int fill(struct rawlines *r)
{
	ssize_t n;

	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->base += (long long)r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->cap < r->end + RAW_READ + 1) {
		size_t na = r->cap ? r->cap : 2 * RAW_READ;
		while (na < r->end + RAW_READ + 1)
			na *= 2;
		r->buf = xrealloc(r->buf, na);
		r->cap = na;
	}
	if (r->gz)
		n = gzin_read(r->gz, r->buf + r->end, r->cap - 1 - r->end);
	else
		do
			n = read(r->fd, r->buf + r->end, r->cap - 1 - r->end);
		while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->err_no = errno;
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return 0;
}

int rawlines_next(struct rawlines *r, struct rawline *out)
{
	memset(out, 0, sizeof(*out));
	for (;;) {
		size_t from = r->pos + r->scanned;
		char *q = r->end > from ? memchr(r->buf + from, '\n', r->end - from) : NULL;

		if (q) {
			size_t at = (size_t)(q - r->buf), len = at - r->pos;
			out->complete = 1;
			out->end = r->base + (long long)at + 1;
			if (r->skipping || len > r->max) {
				out->over = 1;
			} else {
				*q = '\0';
				out->ptr = r->buf + r->pos;
				out->len = len;
			}
			r->pos = at + 1;
			r->scanned = 0;
			r->skipping = 0;
			return 1;
		}
		r->scanned = r->end - r->pos;
		if (r->skipping || r->scanned > r->max) {
			/* Over-long: its bytes are dropped as they come, up to its '\n'. */
			r->skipping = 1;
			r->base += (long long)r->end;
			r->pos = r->end = r->scanned = 0;
		}
		if (r->eof) {
			if (!r->skipping && r->pos == r->end)
				return 0;
			out->end = r->base + (long long)r->end;
			if (r->skipping) {
				out->over = 1;
			} else {
				r->buf[r->end] = '\0';
				out->ptr = r->buf + r->pos;
				out->len = r->end - r->pos;
			}
			r->pos = r->end;
			r->scanned = 0;
			r->skipping = 0;
			return 1;
		}
		if (fill(r))
			return -1;
	}
}

void rawlines_release(struct rawlines *r)
{
	if (r->gz) {
		gzin_close(r->gz);
		free(r->gz);
		r->gz = NULL;
		close(r->fd);
		r->fd = -1;
	}
	free(r->buf);
	r->buf = NULL;
	r->cap = r->pos = r->end = r->scanned = 0;
}
