/*
 * buf: the one growable byte buffer.
 *
 * Invariants (after BUF_INIT or buf_init):
 *  - ptr is never NULL and ptr[len] == '\0', so ptr is always a C string;
 *  - max, when non-zero, is a hard cap on len: an append that would pass it
 *    fails with -1, leaves the buffer as it was, and sets `capped` (sticky
 *    until buf_reset or buf_release).
 *
 * The failure rule (one for the whole program, as git's xmalloc):
 *  - running out of memory is never returned: the append prints "out of
 *    memory" and aborts (xrealloc), like every x* allocator and cJSON (whose
 *    hooks are xmalloc/free, cli/main.c).  So no buffer can be left half
 *    built by a failed allocation and then published: an uncapped buffer's
 *    appends cannot fail and need no check;
 *  - hitting `max` is the only failure an append returns.  Every line read
 *    from a dataset and every HTTP body lives in a buf with a max, so hostile
 *    input gets a clear error instead of exhausting memory; code that fills
 *    a capped buffer checks each append, or `capped` once before it uses
 *    what it built.
 * The caller owns the buffer and releases it with buf_release.
 */
#ifndef VSR_BUF_H
#define VSR_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct buf {
	char *ptr;
	size_t len;
	size_t alloc; /* 0: ptr points at a shared static "" */
	size_t max;   /* 0: no cap */
	int capped;   /* set when an append hit max */
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0, 0, 0 }
/* Appends a string literal: its length is known when compiled (no strlen). */
#define buf_addlit(b, lit) buf_add((b), "" lit, sizeof(lit) - 1)

void buf_init(struct buf *b, size_t max);
/* Frees the memory and returns the buffer to BUF_INIT state (max kept). */
void buf_release(struct buf *b);
/* Keeps the memory, empties the string. */
void buf_reset(struct buf *b);
/* Returns the string and leaves the buffer empty; caller frees. */
char *buf_detach(struct buf *b, size_t *len);

int buf_grow(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_setlen(struct buf *b, size_t len);

/*
 * Appends s as a JSON string literal (quotes included); NULL as null.
 * Well-formed UTF-8 is kept as it is; a byte that is not part of one is
 * written as U+FFFD, so the output is valid JSON (RFC 8259) whatever s holds.
 */
int buf_add_json_str(struct buf *b, const char *s);
/* The same for s[0..len) (NUL bytes written as \u0000); adds the number of
 * U+FFFD replacements to *replaced when replaced is non-NULL. */
int buf_add_json_strn(struct buf *b, const char *s, size_t len, size_t *replaced);
/*
 * How many bytes of s[0..len), cut on a character boundary, fit in budget
 * bytes once written by buf_add_json_strn (quotes not counted).
 */
size_t buf_json_str_fit(const char *s, size_t len, size_t budget);
/* Appends the standard base64 encoding (RFC 4648, padded) of p[0..n). */
int buf_add_base64(struct buf *b, const unsigned char *p, size_t n);
/* Appends v in decimal. */
int buf_add_u64(struct buf *b, uint64_t v);
/* v as printf's "%.3f" writes it (milliseconds in a journal line), without printf. */
int buf_add_ms(struct buf *b, double v);
/*
 * Appends v as a JSON number: integers exactly (up to 2^53), others in the
 * fewest of 15 or 17 significant digits that read back as v; a NaN or an
 * infinity, which JSON cannot hold, as null.
 */
int buf_add_json_num(struct buf *b, double v);
/* Appends s with <, >, &, " and ' escaped for HTML/XML. */
int buf_add_xml_str(struct buf *b, const char *s);

/*
 * Appends dataset or model text as one Markdown table cell: < and & as
 * entities, '|' '`' '\\' escaped, newlines and tabs as spaces; at most max
 * bytes (0: no limit), cut on a UTF-8 boundary with an ellipsis.
 */
/*
 * How many bytes of s (strlen n) to keep to cut it to at most max bytes
 * without splitting a UTF-8 character: n when n <= max, else max moved back
 * to the start of the character it falls in.
 */
size_t utf8_cut_len(const char *s, size_t n, size_t max);
int buf_add_md(struct buf *b, const char *s, size_t max);
/*
 * Appends s as one Markdown code span, shown exactly as written: no HTML
 * entities and no backslash escapes (CommonMark reads neither inside a
 * span), fenced by one backtick more than the longest run of backticks in s,
 * with a space inside each fence when s begins or ends with a backtick (or
 * with a space at both ends), which CommonMark strips again.  Newlines, CRs
 * and tabs become spaces; at most max bytes (0: no limit), cut on a UTF-8
 * boundary with an ellipsis.  table_cell: the span sits in a table cell,
 * where '|' ends the cell even inside a span, so it is written "\|" (GFM
 * tables read that as '|'); elsewhere '|' is written as it is.
 */
int buf_add_md_code(struct buf *b, const char *s, size_t max, int table_cell);

/*
 * Reads one line (without its '\n', a trailing '\r' removed) into b.
 * Returns 1 for a line, 0 at end of file, -1 on a read error or when the
 * line is longer than b->max (b->capped is then set), -2 for a line that
 * holds a NUL byte (a text file's error; b holds the whole line, NULs
 * included).  `complete` (may be NULL) is set to 0 when the last line of
 * the file had no '\n'.
 */
int buf_getline(struct buf *b, FILE *fp, int *complete);

/* Reads a whole file. Returns 0, or -1 with errno set (EFBIG when capped). */
int buf_read_file(struct buf *b, const char *path);
/* The same from an open descriptor (read to its end; not closed). */
int buf_read_fd(struct buf *b, int fd);

#endif
