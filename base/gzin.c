/*
 * gzin: plain or gzip-compressed bytes from a file descriptor (see gzin.h).
 */
#include "gzin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h" /* last: it includes banned.h */

#define GZIN_SIZE (64u << 10)

static long fail(struct gzin *g, enum gzin_error why)
{
	g->why = why;
	return -1;
}

/* Reads more of the file into in (what is left of it moved to the front). */
static int read_more(struct gzin *g)
{
	ssize_t n;

	if (g->pos) {
		memmove(g->in, g->in + g->pos, g->len - g->pos);
		g->off += g->pos;
		g->len -= g->pos;
		g->pos = 0;
	}
	do
		n = read(g->fd, g->in + g->len, GZIN_SIZE - g->len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		g->sys_errno = errno;
		g->why = GZIN_EREAD;
		return -1;
	}
	if (n == 0)
		g->eof = 1;
	g->len += (size_t)n;
	return 0;
}

int gzin_open(struct gzin *g, int fd)
{
	memset(g, 0, sizeof(*g));
	g->fd = fd;
	g->in = xmalloc(GZIN_SIZE);
	while (g->len < 2 && !g->eof)
		if (read_more(g)) {
			errno = g->sys_errno;
			return -1;
		}
	if (g->len >= 2 && g->in[0] == 0x1f && g->in[1] == 0x8b) {
		z_stream *zs = xcalloc(1, sizeof(*zs));
		if (inflateInit2(zs, 15 + 16) != Z_OK) {
			free(zs);
			errno = ENOMEM;
			return -1;
		}
		g->zs = zs;
	}
	return 0;
}

int gzin_is_gzip(const struct gzin *g)
{
	return g->zs != NULL;
}

static long read_gz(struct gzin *g, unsigned char *out, size_t n)
{
	z_stream *zs = g->zs;

	for (;;) {
		size_t produced;
		int ret;

		if (g->pos == g->len && !g->eof && read_more(g))
			return -1;
		if (g->done) {
			if (g->pos == g->len && g->eof)
				return 0;
			if (g->len - g->pos < 2 && !g->eof) {
				if (read_more(g))
					return -1;
				continue;
			}
			/* Only another gzip member may follow one (as gzip -d reads it). */
			if (g->len - g->pos < 2 || g->in[g->pos] != 0x1f || g->in[g->pos + 1] != 0x8b) {
				g->at = g->off + g->pos;
				return fail(g, GZIN_ETRAILING);
			}
			inflateReset(zs);
			g->done = 0;
		}
		zs->next_in = g->in + g->pos;
		zs->avail_in = (uInt)(g->len - g->pos);
		zs->next_out = out;
		zs->avail_out = (uInt)n;
		ret = inflate(zs, Z_NO_FLUSH);
		g->pos = g->len - zs->avail_in;
		produced = n - zs->avail_out;
		if (ret == Z_STREAM_END) {
			g->done = 1;
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			g->zmsg = zs->msg ? zs->msg : "inflate failed";
			return fail(g, GZIN_ECORRUPT);
		}
		if (produced)
			return (long)produced;
		if (!g->done && g->pos == g->len && g->eof)
			return fail(g, GZIN_ETRUNCATED);
	}
}

long gzin_read(struct gzin *g, void *out, size_t n)
{
	ssize_t got;

	if (n > GZIN_SIZE)
		n = GZIN_SIZE; /* a long's worth at most, and one inflate call's */
	if (g->zs)
		return read_gz(g, out, n);
	if (g->pos < g->len) {
		/* The bytes read to look for the gzip magic. */
		size_t k = g->len - g->pos < n ? g->len - g->pos : n;
		memcpy(out, g->in + g->pos, k);
		g->pos += k;
		return (long)k;
	}
	do
		got = read(g->fd, out, n);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		g->sys_errno = errno;
		return fail(g, GZIN_EREAD);
	}
	return (long)got;
}

const char *gzin_strerror(const struct gzin *g, char *buf, size_t len)
{
	switch (g->why) {
	case GZIN_EREAD:
		snprintf(buf, len, "%s", strerror(g->sys_errno));
		break;
	case GZIN_ECORRUPT:
		snprintf(buf, len, "corrupt gzip data (%s)", g->zmsg ? g->zmsg : "?");
		break;
	case GZIN_ETRUNCATED:
		snprintf(buf, len, "truncated gzip data");
		break;
	case GZIN_ETRAILING:
		snprintf(buf, len, "data after the end of the gzip stream (at byte %llu)", g->at);
		break;
	default:
		snprintf(buf, len, "no error");
	}
	return buf;
}

int gzin_explain(const char *path, int to_append, char *err)
{
	struct buf w = BUF_INIT, gz = BUF_INIT;
	struct stat st;
	int e = errno, r = 0;

	buf_addf(&gz, "%s.gz", path);
	if (to_append) {
		sh_word(&w, path);
		r = err_set(err, VSR_EDATA, "%s is gzip-compressed, and vsrbench appends to it: gunzip "
				    "it first (mv %s %s.gz && gunzip %s.gz)", path, w.ptr, w.ptr, w.ptr);
	} else if (stat(path, &st) && errno == ENOENT && !stat(gz.ptr, &st)) {
		r = err_set(err, VSR_EDATA, "%s is missing, and %s is there (gzip'd): gunzip it first "
				    "(gunzip %s)", path, gz.ptr, sh_word(&w, gz.ptr));
	}
	buf_release(&w);
	buf_release(&gz);
	errno = e;
	return r;
}

void gzin_close(struct gzin *g)
{
	if (g->zs) {
		inflateEnd(g->zs);
		free(g->zs);
	}
	free(g->in);
	memset(g, 0, sizeof(*g));
	g->fd = -1;
}
