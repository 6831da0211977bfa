/*
 * gzin: a file's bytes, inflated when it is gzip-compressed (told by its
 * magic bytes), else as they are.  Several gzip members in a row are one
 * stream, as gzip -d reads them; anything after the last member that is not
 * another member is an error (zlib's gzread ignored it silently).  The one
 * gzip reader under the line readers (lines.h, rawlines.h).
 *
 *   struct gzin g;
 *   if (gzin_open(&g, fd)) ... errno
 *   while ((n = gzin_read(&g, out, sizeof(out))) > 0) ...
 *   if (n < 0) ... gzin_strerror(&g, msg, sizeof(msg))
 *   gzin_close(&g);   (fd stays open: the caller's)
 */
#ifndef VSR_GZIN_H
#define VSR_GZIN_H

#include <stddef.h>

enum gzin_error {
	GZIN_OK,
	GZIN_EREAD,      /* read() failed: errno in sys_errno */
	GZIN_ECORRUPT,   /* zlib refused the data: its message in zmsg */
	GZIN_ETRUNCATED, /* the file ended inside a gzip member */
	GZIN_ETRAILING,  /* bytes after the last member, from file offset `at` */
};

struct gzin {
	int fd;                 /* borrowed */
	void *zs;               /* z_stream of a gzip file, else NULL */
	unsigned char *in;      /* bytes read from fd, not yet handed out or inflated */
	size_t pos, len;
	unsigned long long off; /* file offset of in[0] */
	int eof, done;          /* the file's end was read; the last member ended */
	enum gzin_error why;    /* after gzin_read returned -1 */
	int sys_errno;
	const char *zmsg;
	unsigned long long at;
};

/* Reads fd's first bytes to tell gzip.  0, or -1 on a read error (errno). */
int gzin_open(struct gzin *g, int fd);
/* 1 when the file is gzip-compressed. */
int gzin_is_gzip(const struct gzin *g);
/* Up to n bytes into out: how many, 0 at the end, -1 on an error (g->why). */
long gzin_read(struct gzin *g, void *out, size_t n);
/*
 * The error in words, without the file's name: "corrupt gzip data (MSG)",
 * "truncated gzip data", "data after the end of the gzip stream (at byte
 * N)", or strerror.  Returns buf.
 */
const char *gzin_strerror(const struct gzin *g, char *buf, size_t len);
/*
 * Says why a file reader should not go on, when gzip is the reason: a file
 * to be appended to that is gzip-compressed (to_append), or path missing
 * with path.gz beside it (what `gzip PATH` leaves).  VSR_EDATA with err
 * naming the file and the gunzip command, else 0; errno is kept.
 */
int gzin_explain(const char *path, int to_append, char *err);
/* Frees what gzin_open made; fd is not closed. */
void gzin_close(struct gzin *g);

#endif
