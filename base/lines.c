#include "lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util.h"

int lines_open(struct lines *l, const char *path, size_t max, char *err)
{
	memset(l, 0, sizeof(*l));
	buf_init(&l->line, max);
	l->gz = gzopen(path, "rb");
	if (!l->gz)
		return err_set(err, VSR_EDATA, "cannot open %s: %s", path,
			       errno ? strerror(errno) : "out of memory");
	gzbuffer(l->gz, 1 << 16);
	l->path = xstrdup(path);
	l->rbuf = xmalloc(LINES_RBUF);
	return 0;
}

/* Refills the read buffer; 0 at the end of the data, -1 (err set) on a read error. */
static int refill(struct lines *l, char *err)
{
	int n = gzread(l->gz, l->rbuf, LINES_RBUF);

	if (n < 0) {
		int zerr;
		const char *msg = gzerror(l->gz, &zerr);
		err_set(err, VSR_EDATA, "%s:%zu: %s", l->path, l->lineno,
			zerr == Z_ERRNO ? strerror(errno) : msg);
		return -1;
	}
	if (n == 0) {
		int zerr;
		gzerror(l->gz, &zerr);
		if (zerr == Z_BUF_ERROR) {
			err_set(err, VSR_EDATA, "%s:%zu: truncated gzip data", l->path, l->lineno);
			return -1;
		}
	}
	l->rpos = 0;
	l->rlen = (size_t)n;
	return n > 0;
}

int lines_next(struct lines *l, char *err)
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

void lines_close(struct lines *l)
{
	if (l->gz)
		gzclose(l->gz);
	buf_release(&l->line);
	free(l->rbuf);
	free(l->path);
	memset(l, 0, sizeof(*l));
}
