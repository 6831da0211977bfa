#include "lines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int lines_open(struct lines *l, const char *path, size_t max, char *err)
{
	memset(l, 0, sizeof(*l));
	buf_init(&l->line, max);
	l->fd = open(path, O_RDONLY | O_CLOEXEC);
	/* From here lines_close frees what was made, also after a failure. */
	if (l->fd < 0)
		return err_set(err, VSR_EDATA, "cannot open %s: %s", path, strerror(errno));
	l->path = xstrdup(path);
	l->rbuf = xmalloc(LINES_RBUF);
	if (gzin_open(&l->gz, l->fd))
		return err_set(err, VSR_EDATA, "cannot read %s: %s", path, strerror(errno));
	return 0;
}

/* Refills the read buffer; 0 at the end of the data, -1 (err set) on an error. */
static int refill(struct lines *l, char *err)
{
	long n = gzin_read(&l->gz, l->rbuf, LINES_RBUF);
	char why[160];

	if (n < 0) {
		gzin_strerror(&l->gz, why, sizeof(why));
		/* Bytes after the stream are not in any line: their offset says where. */
		if (l->gz.why == GZIN_ETRAILING)
			err_set(err, VSR_EDATA, "%s: %s", l->path, why);
		else
			err_set(err, VSR_EDATA, "%s:%zu: %s", l->path, l->lineno, why);
		return -1;
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
	gzin_close(&l->gz);
	if (l->fd >= 0 && l->path)
		close(l->fd);
	buf_release(&l->line);
	free(l->rbuf);
	free(l->path);
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}
