/*
 * tsv: the streaming TSV reader (see tsv.h).
 *
 * The scanner works on a fixed read buffer.  Unquoted fields are delimited
 * with memchr (TAB first, then LF within that span), which is what makes a
 * pass over a gigabyte of base64 cost little more than reading it; quoted
 * fields are scanned for the next quote, counting the newlines inside so
 * that line numbers stay right.
 */
#include "tsv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/util.h"

#define TSV_BUF ((size_t)1 << 20)

int tsv_open(struct tsv *t, const char *path, char *err)
{
	memset(t, 0, sizeof(*t));
	t->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0)
		return err_set(err, VSR_EDATA, "cannot open %s: %s", path, strerror(errno));
	t->path = xstrdup(path);
	t->buf = xmalloc(TSV_BUF);
	t->cap = TSV_BUF;
	t->line = 1;
	return 0;
}

void tsv_close(struct tsv *t)
{
	if (t->fd >= 0 && t->buf)
		close(t->fd);
	free(t->buf);
	free(t->path);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

off_t tsv_tell(const struct tsv *t)
{
	return t->buf_off + (off_t)t->pos;
}

int tsv_buffered(const struct tsv *t, off_t off)
{
	return off >= t->buf_off && off < t->buf_off + (off_t)t->end;
}

int tsv_seek(struct tsv *t, off_t off, size_t line, char *err)
{
	return tsv_seek_row(t, off, line, 0, err);
}

int tsv_seek_row(struct tsv *t, off_t off, size_t line, size_t len, char *err)
{
	/* Rows are mostly visited in file order: stay in the buffer when it holds the row. */
	if (tsv_buffered(t, off)) {
		t->pos = (size_t)(off - t->buf_off);
		t->line = line;
		return 0;
	}
	if (lseek(t->fd, off, SEEK_SET) == (off_t)-1)
		return err_set(err, VSR_EDATA, "cannot seek in %s: %s", t->path, strerror(errno));
	t->buf_off = off;
	t->pos = t->end = 0;
	t->eof = 0;
	t->line = line;
	t->next_read = len;
	return 0;
}

/* Refills the buffer once it is used up: 1 data, 0 end of file, or an error code. */
static int fill(struct tsv *t, char *err)
{
	if (t->eof)
		return 0;
	t->buf_off += (off_t)t->end;
	t->pos = t->end = 0;
	for (;;) {
		size_t want = t->next_read && t->next_read < t->cap ? t->next_read : t->cap;
		ssize_t n = read(t->fd, t->buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(err, VSR_EDATA, "cannot read %s: %s", t->path, strerror(errno));
		if (n == 0) {
			t->eof = 1;
			return 0;
		}
		t->next_read = 0; /* a row longer than announced goes on with whole buffers */
		t->end = (size_t)n;
		return 1;
	}
}

struct value {
	struct tsv_field *f;
	size_t vlen; /* value bytes so far */
	int last;    /* the last value byte, -1 before any */
};

static int emit(struct value *v, const unsigned char *p, size_t n)
{
	struct tsv_field *f = v->f;

	if (!n)
		return 0;
	if (f->head_len < TSV_HEAD) {
		size_t k = TSV_HEAD - f->head_len < n ? TSV_HEAD - f->head_len : n;
		memcpy(f->head + f->head_len, p, k);
		f->head_len += k;
		f->head[f->head_len] = '\0';
	}
	v->vlen += n;
	v->last = p[n - 1];
	return f->text ? buf_add(f->text, p, n) : 0;
}

/* Drops the CR of a CRLF row end from the value. */
static void drop_cr(struct value *v)
{
	struct tsv_field *f = v->f;

	if (v->last != '\r')
		return;
	if (v->vlen <= TSV_HEAD)
		f->head[--f->head_len] = '\0';
	if (f->text)
		buf_setlen(f->text, f->text->len - 1);
	v->vlen--;
	f->len--;
}

static int too_long(struct tsv *t, size_t row_line, size_t k, const struct tsv_field *f, char *err)
{
	return err_set(err, VSR_EDATA, "%s:%zu: field %zu is longer than %zu bytes", t->path,
		       row_line, k + 1, f->text->max);
}

/* Reads field k of the row that began on row_line; *delim: '\t', '\n' or 0 (end of file). */
static int read_field(struct tsv *t, struct tsv_field *f, size_t k, size_t row_line, int *delim,
		      char *err)
{
	struct value v = { f, 0, -1 };
	int r;

	f->off = t->buf_off + (off_t)t->pos;
	f->len = 0;
	f->quoted = f->escaped = 0;
	f->head_len = 0;
	f->head[0] = '\0';
	if (f->text)
		buf_reset(f->text);
	*delim = 0;
	if (t->pos == t->end && (r = fill(t, err)) <= 0) {
		f->off = t->buf_off;
		return r;
	}
	if (t->buf[t->pos] == '"') {
		f->quoted = 1;
		t->pos++;
		f->off++;
		for (;;) {
			const unsigned char *p, *q, *nl;
			size_t n, m;

			if (t->pos == t->end && (r = fill(t, err)) <= 0)
				return r < 0 ? r
					     : err_set(err, VSR_EDATA,
						       "%s:%zu: field %zu opens a quote that is never closed",
						       t->path, row_line, k + 1);
			p = t->buf + t->pos;
			n = t->end - t->pos;
			q = memchr(p, '"', n);
			m = q ? (size_t)(q - p) : n;
			for (nl = p; (nl = memchr(nl, '\n', (size_t)(p + m - nl))) != NULL; nl++)
				t->line++;
			if (emit(&v, p, m))
				return too_long(t, row_line, k, f, err);
			f->len += m;
			t->pos += m;
			if (!q)
				continue;
			t->pos++; /* the quote */
			if (t->pos == t->end && (r = fill(t, err)) <= 0)
				return r; /* a closing quote at the end of the file */
			if (t->buf[t->pos] != '"')
				break;
			/* "" inside quotes is one quote. */
			f->escaped = 1;
			if (emit(&v, (const unsigned char *)"\"", 1))
				return too_long(t, row_line, k, f, err);
			f->len += 2;
			t->pos++;
		}
		switch (t->buf[t->pos]) {
		case '\t':
			t->pos++;
			*delim = '\t';
			return 0;
		case '\n':
			t->pos++;
			t->line++;
			*delim = '\n';
			return 0;
		case '\r':
			t->pos++;
			if (t->pos == t->end && (r = fill(t, err)) <= 0)
				return r;
			if (t->buf[t->pos] == '\n') {
				t->pos++;
				t->line++;
				*delim = '\n';
				return 0;
			}
			break;
		}
		return err_set(err, VSR_EDATA,
			       "%s:%zu: field %zu has text after its closing quote (a quote inside "
			       "a quoted field must be doubled)",
			       t->path, t->line, k + 1);
	}
	for (;;) {
		const unsigned char *p, *tab, *nl;
		size_t n, lim;

		if (t->pos == t->end && (r = fill(t, err)) <= 0) {
			if (r == 0)
				drop_cr(&v);
			return r;
		}
		p = t->buf + t->pos;
		n = t->end - t->pos;
		tab = memchr(p, '\t', n);
		lim = tab ? (size_t)(tab - p) : n;
		nl = memchr(p, '\n', lim);
		if (nl) {
			size_t m = (size_t)(nl - p);
			if (emit(&v, p, m))
				return too_long(t, row_line, k, f, err);
			f->len += m;
			t->pos += m + 1;
			t->line++;
			*delim = '\n';
			drop_cr(&v);
			return 0;
		}
		if (emit(&v, p, lim))
			return too_long(t, row_line, k, f, err);
		f->len += lim;
		t->pos += lim;
		if (tab) {
			t->pos++;
			*delim = '\t';
			return 0;
		}
	}
}

int tsv_row(struct tsv *t, struct tsv_field *f, size_t nf, size_t *n_fields, off_t *row_off,
	    size_t *row_line, char *err)
{
	struct tsv_field extra;

	for (;;) {
		size_t k = 0;
		int r, delim;

		if (t->pos == t->end && (r = fill(t, err)) <= 0)
			return r;
		*row_off = t->buf_off + (off_t)t->pos;
		*row_line = t->line;
		for (;; k++) {
			struct tsv_field *fk = &extra;
			if (k < nf) {
				fk = &f[k];
			} else {
				memset(&extra, 0, sizeof(extra));
			}
			r = read_field(t, fk, k, *row_line, &delim, err);
			if (r)
				return r;
			if (delim != '\t')
				break;
		}
		*n_fields = k + 1;
		/* A blank line: one empty unquoted field. */
		if (k == 0 && !(nf ? &f[0] : &extra)->quoted && !(nf ? &f[0] : &extra)->len)
			continue;
		return 1;
	}
}
