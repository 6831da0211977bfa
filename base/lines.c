#include "lines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"

#define ZIN_SIZE (64u << 10)

/* Reads more of the file into zin (what is left of it moved to the front). */
static int read_more(struct lines *l, char *err)
{
	ssize_t n;

	if (l->zin_pos) {
		memmove(l->zin, l->zin + l->zin_pos, l->zin_len - l->zin_pos);
		l->zin_off += l->zin_pos;
		l->zin_len -= l->zin_pos;
		l->zin_pos = 0;
	}
	do
		n = read(l->fd, l->zin + l->zin_len, ZIN_SIZE - l->zin_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, VSR_EDATA, "%s:%zu: %s", l->path, l->lineno, strerror(errno));
	if (n == 0)
		l->zin_eof = 1;
	l->zin_len += (size_t)n;
	return 0;
}

int lines_open(struct lines *l, const char *path, size_t max, char *err)
{
	int r;

	memset(l, 0, sizeof(*l));
	buf_init(&l->line, max);
	l->fd = open(path, O_RDONLY | O_CLOEXEC);
	/* From here lines_close frees what was made, also after a failure. */
	if (l->fd < 0)
		return err_set(err, VSR_EDATA, "cannot open %s: %s", path, strerror(errno));
	l->path = xstrdup(path);
	l->rbuf = xmalloc(LINES_RBUF);
	l->zin = xmalloc(ZIN_SIZE);
	while (l->zin_len < 2 && !l->zin_eof)
		if ((r = read_more(l, err)))
			return r;
	if (l->zin_len >= 2 && l->zin[0] == 0x1f && l->zin[1] == 0x8b) {
		z_stream *zs = xcalloc(1, sizeof(*zs));
		if (inflateInit2(zs, 15 + 16) != Z_OK) {
			free(zs);
			return err_set(err, VSR_EDATA, "cannot open %s: out of memory", path);
		}
		l->zs = zs;
	}
	return 0;
}

/* Inflates into rbuf; 1: bytes there, 0: the end, -1: an error (err set). */
static int refill_gz(struct lines *l, char *err)
{
	z_stream *zs = l->zs;

	for (;;) {
		size_t produced;
		int ret;

		if (l->zin_pos == l->zin_len && !l->zin_eof && read_more(l, err))
			return -1;
		if (l->zdone) {
			if (l->zin_pos == l->zin_len && l->zin_eof)
				return 0;
			if (l->zin_len - l->zin_pos < 2 && !l->zin_eof) {
				if (read_more(l, err))
					return -1;
				continue;
			}
			/* Only another gzip member may follow one (as gzip -d reads it). */
			if (l->zin_len - l->zin_pos < 2 || l->zin[l->zin_pos] != 0x1f ||
			    l->zin[l->zin_pos + 1] != 0x8b) {
				err_set(err, VSR_EDATA, "%s: data after the end of the gzip stream (at byte %llu)",
					l->path, l->zin_off + l->zin_pos);
				return -1;
			}
			inflateReset(zs);
			l->zdone = 0;
		}
		zs->next_in = l->zin + l->zin_pos;
		zs->avail_in = (uInt)(l->zin_len - l->zin_pos);
		zs->next_out = (unsigned char *)l->rbuf;
		zs->avail_out = LINES_RBUF;
		ret = inflate(zs, Z_NO_FLUSH);
		l->zin_pos = l->zin_len - zs->avail_in;
		produced = LINES_RBUF - zs->avail_out;
		if (ret == Z_STREAM_END) {
			l->zdone = 1;
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			err_set(err, VSR_EDATA, "%s:%zu: corrupt gzip data (%s)", l->path, l->lineno,
				zs->msg ? zs->msg : "inflate failed");
			return -1;
		}
		if (produced) {
			l->rpos = 0;
			l->rlen = produced;
			return 1;
		}
		if (!l->zdone && l->zin_pos == l->zin_len && l->zin_eof) {
			err_set(err, VSR_EDATA, "%s:%zu: truncated gzip data", l->path, l->lineno);
			return -1;
		}
	}
}

/* Refills the read buffer; 0 at the end of the data, -1 (err set) on an error. */
static int refill(struct lines *l, char *err)
{
	ssize_t n;

	if (l->zs)
		return refill_gz(l, err);
	if (l->zin_pos < l->zin_len) {
		/* The bytes read to look for the gzip magic. */
		n = (ssize_t)(l->zin_len - l->zin_pos);
		memcpy(l->rbuf, l->zin + l->zin_pos, (size_t)n);
		l->zin_pos = l->zin_len;
	} else {
		do
			n = read(l->fd, l->rbuf, LINES_RBUF);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			err_set(err, VSR_EDATA, "%s:%zu: %s", l->path, l->lineno, strerror(errno));
			return -1;
		}
	}
	l->rpos = 0;
	l->rlen = (size_t)n;
	return n > 0;
}

static int next_line(struct lines *l, char *err)
{
	int got = 0;

	buf_reset(&l->line);
	l->lineno++;
	for (;;) {
		const char *p, *nl, *nul;
		size_t n;
		int r;

		if (l->rpos == l->rlen) {
			if ((r = refill(l, err)) < 0)
				return VSR_EDATA;
			if (!r)
				break;
		}
		if (l->skip_blank && !got) {
			/* Blank lines in bulk: no call, no copy per line. */
			const char *b = l->rbuf;
			size_t i = l->rpos, e = l->rlen;
			for (;;) {
				if (i < e && b[i] == '\n')
					i++;
				else if (i + 1 < e && b[i] == '\r' && b[i + 1] == '\n')
					i += 2;
				else
					break;
				l->lineno++;
			}
			l->rpos = i;
			if (i == e)
				continue;
		}
		p = l->rbuf + l->rpos;
		n = l->rlen - l->rpos;
		nl = memchr(p, '\n', n);
		if (nl)
			n = (size_t)(nl - p);
		/* A NUL is no part of a text line (it used to end the line early
		 * and swallow the next one): say so with the line's number. */
		nul = memchr(p, '\0', n);
		if (nul)
			return err_set(err, VSR_EDATA, "%s:%zu: a NUL byte at column %zu (not a text file?)",
				       l->path, l->lineno, l->line.len + (size_t)(nul - p) + 1);
		if (buf_add(&l->line, p, n))
			return err_set(err, VSR_EDATA, "%s:%zu: line longer than %zu bytes", l->path,
				       l->lineno, l->line.max);
		got = 1;
		l->rpos += n + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (!got)
		return 0;
	/* A UTF-8 byte-order mark at the start of the file is not data. */
	if (l->lineno == 1 && l->line.len >= 3 && !memcmp(l->line.ptr, "\xef\xbb\xbf", 3)) {
		memmove(l->line.ptr, l->line.ptr + 3, l->line.len - 3);
		buf_setlen(&l->line, l->line.len - 3);
	}
	if (l->line.len && l->line.ptr[l->line.len - 1] == '\r')
		buf_setlen(&l->line, l->line.len - 1);
	return 1;
}

int lines_next(struct lines *l, char *err)
{
	int r;

	/* Looping: a line of only "\r" split by a buffer's end comes out empty. */
	do
		r = next_line(l, err);
	while (r == 1 && l->skip_blank && !l->line.len);
	return r;
}

void lines_close(struct lines *l)
{
	if (l->zs) {
		inflateEnd(l->zs);
		free(l->zs);
	}
	if (l->fd >= 0 && l->path)
		close(l->fd);
	buf_release(&l->line);
	free(l->rbuf);
	free(l->zin);
	free(l->path);
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}
