#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "banned.h" /* last: see banned.h */

#include "jspan.h"
#include "util.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->ptr = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
	b->capped = 0;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->ptr);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	/* Never write to the shared buf_empty: other threads read it. */
	if (b->alloc)
		b->ptr[0] = '\0';
	b->capped = 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	if (!b->alloc) {
		p = xmalloc(1);
		p[0] = '\0';
	} else {
		p = b->ptr;
	}
	buf_init(b, b->max);
	return p;
}

int buf_grow(struct buf *b, size_t extra)
{
	size_t need, na;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return -1;
	need = b->len + extra;
	if (b->max && need > b->max) {
		b->capped = 1;
		return -1;
	}
	if (need + 1 <= b->alloc)
		return 0;
	na = b->alloc ? b->alloc : 64;
	while (na < need + 1)
		na = na < SIZE_MAX / 2 ? na * 2 : need + 1;
	/* Out of memory ends the process (xrealloc): see the failure rule in buf.h. */
	p = xrealloc(b->alloc ? b->ptr : NULL, na);
	if (!b->alloc)
		p[0] = '\0';
	b->ptr = p;
	b->alloc = na;
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t n)
{
	if (buf_grow(b, n))
		return -1;
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, int c)
{
	char ch = (char)c;
	return buf_add(b, &ch, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->alloc ? b->alloc - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if (b->alloc && (size_t)n < b->alloc - b->len) {
		if (b->max && b->len + (size_t)n > b->max) {
			b->ptr[b->len] = '\0';
			b->capped = 1;
			return -1;
		}
		b->len += (size_t)n;
		return 0;
	}
	if (buf_grow(b, (size_t)n)) {
		if (b->alloc)
			b->ptr[b->len] = '\0';
		return -1;
	}
	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

void buf_setlen(struct buf *b, size_t len)
{
	if (!b->alloc)
		return;
	if (len > b->alloc - 1)
		len = b->alloc - 1;
	b->len = len;
	b->ptr[len] = '\0';
}

/*
 * The length of the well-formed UTF-8 sequence at p (n bytes there), or 0
 * when it is not one (RFC 3629: no overlong forms, surrogates, or code
 * points past U+10FFFF).
 */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80 || (c == 0xf0 && p[1] < 0x90) ||
		    (c == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* What byte c (< 0x80) costs in a JSON string: 1, 2 ("\n") or 6 ("\u0001"). */
static size_t json_ascii_cost(unsigned char c)
{
	if (c >= 0x20 && c != '"' && c != '\\')
		return 1;
	return c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' ? 2 : 6;
}

size_t buf_json_str_fit(const char *s, size_t len, size_t budget)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, used = 0;

	while (i < len) {
		size_t plain = jspan_plain(s + i, len - i, 1), k;

		if (plain) { /* a byte each */
			if (plain > budget - used)
				return i + (budget - used);
			used += plain;
			i += plain;
			continue;
		}
		k = p[i] < 0x80 ? 1 : utf8_seq(p + i, len - i);
		size_t cost = p[i] < 0x80 ? json_ascii_cost(p[i]) : k ? k : 3;
		if (used + cost > budget)
			break;
		used += cost;
		i += k ? k : 1;
	}
	return i;
}

int buf_add_json_strn(struct buf *b, const char *s, size_t len, size_t *replaced)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	const unsigned char *run = p;
	int r = buf_addch(b, '"');

	while (p < end && !r) {
		unsigned char c;
		char esc[7];
		size_t n = 0, k;

		p += jspan_plain((const char *)p, (size_t)(end - p), 1);
		if (p == end)
			break;
		c = *p;
		if (c >= 0x80) {
			if ((k = utf8_seq(p, (size_t)(end - p)))) {
				p += k;
				continue;
			}
			/* Not UTF-8: U+FFFD, so the output stays valid JSON for any reader. */
			r = buf_add(b, run, (size_t)(p - run));
			if (!r)
				r = buf_add(b, "\xef\xbf\xbd", 3);
			if (replaced)
				(*replaced)++;
			run = ++p;
			continue;
		}
		r = buf_add(b, run, (size_t)(p - run));
		run = ++p;
		esc[n++] = '\\';
		switch (c) {
		case '"': esc[n++] = '"'; break;
		case '\\': esc[n++] = '\\'; break;
		case '\n': esc[n++] = 'n'; break;
		case '\r': esc[n++] = 'r'; break;
		case '\t': esc[n++] = 't'; break;
		default:
			esc[n++] = 'u';
			esc[n++] = '0';
			esc[n++] = '0';
			esc[n++] = hex[c >> 4];
			esc[n++] = hex[c & 15];
		}
		if (!r)
			r = buf_add(b, esc, n);
	}
	if (!r)
		r = buf_add(b, run, (size_t)(p - run));
	if (!r)
		r = buf_addch(b, '"');
	return r;
}

int buf_add_json_str(struct buf *b, const char *s)
{
	if (!s)
		return buf_adds(b, "null");
	return buf_add_json_strn(b, s, strlen(s), NULL);
}

int buf_add_u64(struct buf *b, uint64_t v)
{
	char d[20];
	size_t n = sizeof(d);

	do {
		d[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return buf_add(b, d + n, sizeof(d) - n);
}

int buf_add_ms(struct buf *b, double v)
{
	double x = v * 1000, whole, frac;
	uint64_t r;
	char d[4];

	/*
	 * printf's "%.3f" rounds v's exact value; x may be off by an ulp, which
	 * can only matter when x is within a hair of a half: printf decides there.
	 */
	if (signbit(x) || !(x < 1e12))
		return buf_addf(b, "%.3f", v);
	whole = floor(x);
	frac = x - whole;
	if (fabs(frac - 0.5) < 1e-6)
		return buf_addf(b, "%.3f", v);
	r = (uint64_t)whole + (frac > 0.5);
	d[0] = '.';
	d[1] = (char)('0' + r / 100 % 10);
	d[2] = (char)('0' + r / 10 % 10);
	d[3] = (char)('0' + r % 10);
	return buf_add_u64(b, r / 1000) || buf_add(b, d, sizeof(d));
}

int buf_add_json_num(struct buf *b, double v)
{
	char s[32];

	if (!isfinite(v))
		return buf_adds(b, "null");
	if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
		if (v < 0 && buf_addch(b, '-'))
			return -1;
		return buf_add_u64(b, (uint64_t)fabs(v));
	}
	snprintf(s, sizeof(s), "%.15g", v);
	if (strtod(s, NULL) != v)
		snprintf(s, sizeof(s), "%.17g", v);
	return buf_adds(b, s);
}

/*
 * base64 two characters at a time: the pairs for every 12 bits, made by
 * the preprocessor (a constant table: no first-use race between threads).
 * An image is encoded once per job, 50 KB or more: this halves its cost.
 */
#define B64_CH(x) ((char)((x) < 26 ? 'A' + (x) : (x) < 52 ? 'a' + (x) - 26 : \
			  (x) < 62 ? '0' + (x) - 52 : (x) == 62 ? '+' : '/'))
#define B64_P(i) { B64_CH((i) >> 6), B64_CH((i) & 63) }
#define B64_P4(i) B64_P(i), B64_P((i) + 1), B64_P((i) + 2), B64_P((i) + 3)
#define B64_P16(i) B64_P4(i), B64_P4((i) + 4), B64_P4((i) + 8), B64_P4((i) + 12)
#define B64_P64(i) B64_P16(i), B64_P16((i) + 16), B64_P16((i) + 32), B64_P16((i) + 48)
#define B64_P256(i) B64_P64(i), B64_P64((i) + 64), B64_P64((i) + 128), B64_P64((i) + 192)
#define B64_P1024(i) B64_P256(i), B64_P256((i) + 256), B64_P256((i) + 512), B64_P256((i) + 768)
static const char b64_pairs[4096][2] = {
	B64_P1024(0), B64_P1024(1024), B64_P1024(2048), B64_P1024(3072)
};

static uint64_t load_be64(const unsigned char *p)
{
	uint64_t v = 0;

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&v, p, sizeof(v));
	v = __builtin_bswap64(v);
#else
	for (int k = 0; k < 8; k++)
		v = v << 8 | p[k];
#endif
	return v;
}

int buf_add_base64(struct buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t out = (n + 2) / 3 * 4, i;
	char *d;

	if (buf_grow(b, out))
		return -1;
	d = b->ptr + b->len;
	/* Six bytes a turn from one eight-byte load (read big-endian; the last two unused). */
	for (i = 0; i + 8 <= n; i += 6) {
		uint64_t v = load_be64(p + i);

		memcpy(d, b64_pairs[v >> 52], 2);
		memcpy(d + 2, b64_pairs[(v >> 40) & 4095], 2);
		memcpy(d + 4, b64_pairs[(v >> 28) & 4095], 2);
		memcpy(d + 6, b64_pairs[(v >> 16) & 4095], 2);
		d += 8;
	}
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		memcpy(d, b64_pairs[v >> 12], 2);
		memcpy(d + 2, b64_pairs[v & 4095], 2);
		d += 4;
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
		*d++ = tab[v >> 18];
		*d++ = tab[(v >> 12) & 63];
		*d++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		*d++ = '=';
	}
	buf_setlen(b, b->len + out);
	return 0;
}

int buf_add_xml_str(struct buf *b, const char *s)
{
	const char *run = s;
	int r = 0;

	for (; *s && !r; s++) {
		const char *rep;

		switch (*s) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		r = buf_add(b, run, (size_t)(s - run));
		if (!r)
			r = buf_adds(b, rep);
		run = s + 1;
	}
	if (!r)
		r = buf_add(b, run, (size_t)(s - run));
	return r;
}

/*
 * Byte by byte (getc_unlocked, in chunks appended at once): fgets and strlen
 * would stop at a NUL byte and join the rest of the line, and the next line,
 * into this one (issue 18, finding 4: 9 lines read as 8).
 */
int buf_getline(struct buf *b, FILE *fp, int *complete)
{
	char chunk[4096];
	size_t n = 0;
	int c, nul = 0, over = 0, nl = 0, any = 0;

	buf_reset(b);
	if (complete)
		*complete = 1;
	flockfile(fp);
	while ((c = getc_unlocked(fp)) != EOF) {
		any = 1;
		if (c == '\n') {
			nl = 1;
			break;
		}
		nul |= c == '\0';
		if (over)
			continue; /* skip the rest of an over-long line so the caller can go on */
		chunk[n++] = (char)c;
		if (n == sizeof(chunk)) {
			over = buf_add(b, chunk, n) != 0;
			n = 0;
		}
	}
	funlockfile(fp);
	if (!over && n)
		over = buf_add(b, chunk, n) != 0;
	if (ferror(fp))
		return -1;
	if (!any)
		return 0;
	if (!nl && complete)
		*complete = 0;
	if (over)
		return -1;
	if (b->len && b->ptr[b->len - 1] == '\r')
		buf_setlen(b, b->len - 1);
	return nul ? -2 : 1;
}

/* Room to read into: 64 KB, or what the cap leaves.  Non-zero: none left. */
static int room_for_more(struct buf *b)
{
	int capped = b->capped, r = buf_grow(b, 65536) && buf_grow(b, 1);

	b->capped = capped; /* not capped yet: the file may end here */
	return r;
}

int buf_read_file(struct buf *b, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r, e;

	if (fd < 0)
		return -1;
	r = buf_read_fd(b, fd);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

int buf_read_fd(struct buf *b, int fd)
{
	struct stat st;
	int r = 0;

	/* Room for the whole file at once: one read() for a regular file. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    buf_grow(b, (size_t)st.st_size)) {
		errno = b->capped ? EFBIG : ENOMEM;
		return -1;
	}
	for (;;) {
		ssize_t n;
		if ((!b->alloc || b->alloc - b->len - 1 == 0) && room_for_more(b)) {
			/* At the cap: an error only if the file goes on. */
			char c;
			while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
				;
			if (n > 0) {
				b->capped = 1;
				errno = EFBIG;
			}
			r = n ? -1 : 0;
			break;
		}
		n = read(fd, b->ptr + b->len, b->alloc - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -1;
			break;
		}
		if (n == 0)
			break;
		buf_setlen(b, b->len + (size_t)n);
	}
	return r;
}

/*
 * A table cell from dataset or model text: GitHub renders inline HTML in
 * comments, so < and & are entities (a lone '>' opens nothing); '|' and
 * newlines would break the row, a backtick would open a code span.  Emphasis
 * characters are left alone: at worst they change the look.  At most `max`
 * bytes (0: no limit), cut on a UTF-8 boundary.
 */
size_t utf8_cut_len(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

int buf_add_md(struct buf *out, const char *s, size_t max)
{
	size_t n = strlen(s);
	int cut = 0;

	if (max && n > max) {
		n = utf8_cut_len(s, n, max);
		cut = 1;
	}
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': buf_adds(out, "&lt;"); break;
		case '&': buf_adds(out, "&amp;"); break;
		case '|': buf_adds(out, "\\|"); break;
		case '`': buf_adds(out, "\\`"); break;
		case '\\': buf_adds(out, "\\\\"); break;
		case '\n':
		case '\r':
		case '\t': buf_addch(out, ' '); break;
		default: buf_addch(out, s[i]);
		}
	}
	if (cut)
		buf_adds(out, "…");
	return out->capped ? -1 : 0;
}

int buf_add_md_code(struct buf *out, const char *s, size_t max, int table_cell)
{
	struct buf text = BUF_INIT;
	size_t n = strlen(s), run = 0, longest = 0, spaces = 0;
	int pad;

	if (max)
		n = utf8_cut_len(s, n, max);
	for (size_t i = 0; i < n; i++)
		buf_addch(&text, s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i]);
	if (n < strlen(s))
		buf_adds(&text, "…");
	for (size_t i = 0; i < text.len; i++) {
		run = text.ptr[i] == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
		spaces += text.ptr[i] == ' ';
	}
	/* "``" opens no span: an empty text is one space, shown as itself. */
	pad = !text.len || text.ptr[0] == '`' || text.ptr[text.len - 1] == '`' ||
	      (text.ptr[0] == ' ' && text.ptr[text.len - 1] == ' ' && spaces < text.len);
	for (size_t k = 0; k <= longest; k++)
		buf_addch(out, '`');
	if (pad)
		buf_addch(out, ' ');
	for (size_t i = 0; i < text.len; i++) {
		if (table_cell && text.ptr[i] == '|')
			buf_addch(out, '\\');
		buf_addch(out, text.ptr[i]);
	}
	if (pad && text.len)
		buf_addch(out, ' ');
	for (size_t k = 0; k <= longest; k++)
		buf_addch(out, '`');
	buf_release(&text);
	return out->capped ? -1 : 0;
}
