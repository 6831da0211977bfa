#include "imgfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

#include "mime.h"
#include "util.h"

/*
 * How much is read: the start (the magic, the header and its sides; a
 * JPEG's segments past it are read one 4-byte marker at a time) and the
 * end (where the format's own end marker lies, with room for the padding
 * some writers leave after it).
 */
#define HEAD_MAX 2048
#define TAIL_MAX 2048
/* A JPEG's header segments walked before its first scan, at most. */
#define JPEG_SEGMENTS_MAX 1024

#define SENDABLE "not an image vsrbench can send (JPEG, PNG, GIF, WebP, BMP)"

struct src {
	int fd;                   /* -1: the bytes are in mem */
	const unsigned char *mem; /* the whole file, or NULL */
	uint64_t size;
	const unsigned char *h, *t; /* the first nh and the last nt bytes */
	size_t nh, nt;
	unsigned char head[HEAD_MAX], tail[TAIL_MAX];
};

/* n bytes at off into out: 0, or -1 when the file has fewer (or the read fails). */
static int src_at(const struct src *s, uint64_t off, unsigned char *out, size_t n)
{
	ssize_t got;

	if (off > s->size || n > s->size - off)
		return -1;
	if (off + n <= s->nh) {
		memcpy(out, s->h + off, n);
		return 0;
	}
	if (s->mem) {
		memcpy(out, s->mem + off, n);
		return 0;
	}
	got = pread(s->fd, out, n, (off_t)off);
	return got == (ssize_t)n ? 0 : -1;
}

static uint32_t be16(const unsigned char *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t le16(const unsigned char *p) { return (uint32_t)p[1] << 8 | p[0]; }
static uint32_t be32(const unsigned char *p) { return be16(p) << 16 | be16(p + 2); }
static uint32_t le24(const unsigned char *p) { return (uint32_t)p[2] << 16 | le16(p); }
static uint32_t le32(const unsigned char *p) { return le16(p + 2) << 16 | le16(p); }

/* ---- what a file that is no image we send looks like ------------------------ */

static int starts(const unsigned char *p, size_t n, const char *magic, size_t m)
{
	return n >= m && !memcmp(p, magic, m);
}

/* A name for what p[0..n) (a file's first bytes) is, or NULL. */
static const char *what_else(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 12 && !memcmp(p + 4, "ftyp", 4)) {
		static const char *const heic[] = { "heic", "heix", "hevc", "hevx", "heim",
						    "heis", "hevm", "hevs" };
		for (size_t k = 0; k < sizeof(heic) / sizeof(heic[0]); k++)
			if (!memcmp(p + 8, heic[k], 4))
				return "HEIC";
		if (!memcmp(p + 8, "mif1", 4) || !memcmp(p + 8, "msf1", 4))
			return "HEIF";
		if (!memcmp(p + 8, "avif", 4) || !memcmp(p + 8, "avis", 4))
			return "AVIF";
		if (!memcmp(p + 8, "crx ", 4))
			return "a Canon raw photo (CR3)";
		return "a video (MP4 or MOV)";
	}
	if (starts(p, n, "II*\0", 4) || starts(p, n, "MM\0*", 4))
		return "TIFF (or a camera's raw photo)";
	if (starts(p, n, "%PDF", 4))
		return "PDF";
	if (starts(p, n, "\xff\x0a", 2) || starts(p, n, "\0\0\0\x0cJXL \r\n\x87\n", 12))
		return "JPEG XL";
	if (starts(p, n, "\0\0\0\x0cjP  \r\n\x87\n", 12) || starts(p, n, "\xff\x4f\xff\x51", 4))
		return "JPEG 2000";
	if (starts(p, n, "8BPS", 4))
		return "a Photoshop file (PSD)";
	if (starts(p, n, "\0\0\1\0", 4))
		return "an icon (ICO)";
	if (starts(p, n, "PK\3\4", 4))
		return "a zip archive";
	if (starts(p, n, "\x1f\x8b", 2))
		return "gzip data";
	if (starts(p, n, "version https://git-lfs", 23))
		return "a Git LFS pointer, not the image (git lfs pull fetches it)";
	if (starts(p, n, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i < n && p[i] == '<') {
		const char *s = (const char *)p + i;
		size_t m = n - i;
		if ((m >= 4 && !strncasecmp(s, "<svg", 4)) || (m >= 5 && !strncasecmp(s, "<?xml", 5)))
			return "SVG or XML text";
		return "an HTML page";
	}
	if (i < n && (p[i] == '{' || p[i] == '['))
		return "JSON text";
	{
		size_t m = n < 64 ? n : 64, zero = 0, text = 0;
		for (size_t k = 0; k < m; k++) {
			zero += !p[k];
			text += p[k] >= 0x20 || p[k] == '\t' || p[k] == '\n' || p[k] == '\r';
		}
		if (zero == m)
			return "zero bytes (a file never written?)";
		if (text == m)
			return "text";
	}
	return NULL;
}

static int not_sendable(const unsigned char *p, size_t n, char *err)
{
	const char *what = what_else(p, n);

	if (what)
		return err_set(err, VSR_EDATA, SENDABLE ": looks like %s", what);
	return err_set(err, VSR_EDATA, SENDABLE ": its first bytes are %02x %02x %02x %02x", p[0],
		       n > 1 ? p[1] : 0, n > 2 ? p[2] : 0, n > 3 ? p[3] : 0);
}

/* ---- JPEG -------------------------------------------------------------------- */

/* What follows a JPEG's end-of-image marker at `at`, into f (nothing but padding: nothing). */
static void jpeg_trailer(const struct src *s, uint64_t at, struct imgfile_facts *f)
{
	unsigned char t[24];
	size_t n = s->size - at < sizeof(t) ? (size_t)(s->size - at) : sizeof(t);
	size_t zero = 0;

	if (!n || src_at(s, at, t, n))
		return;
	for (size_t i = 0; i < n; i++)
		zero += !t[i];
	if (zero == n && s->size - at <= TAIL_MAX)
		return; /* a writer's zero padding */
	f->image_end = at;
	if (zero == n)
		f->trailer = "zero bytes (padding)";
	else if (n >= 3 && t[0] == 0xff && t[1] == 0xd8 && t[2] == 0xff)
		f->trailer = "more JPEG pictures (an MPO: a 3D camera's other view, an HDR "
			     "photo's gain map)";
	else if ((n >= 8 && !memcmp(t + 4, "ftyp", 4)) || (n >= 24 && !memcmp(t + 20, "ftyp", 4)) ||
		 (n >= 16 && !memcmp(t, "MotionPhoto_Data", 16)))
		f->trailer = "a video (a phone's motion photo)";
	else
		f->trailer = "other data";
}

/*
 * The end of the JPEG's first picture: from `pos` (the scan's header),
 * through its entropy-coded data (an FF there is followed by 00, a restart
 * marker or more FF) and the segments between the scans of a progressive
 * file, to the first end-of-image marker.  Read in chunks: a file of
 * megabytes is walked only when its last bytes do not end the picture (a
 * motion photo's video follows it) or it says it holds more (an MPO).
 * 0 with *end just past FF D9, or -1 when the file ends first.
 */
#define WALK_CHUNK 16384
static int jpeg_walk(const struct src *s, uint64_t pos, uint64_t *end)
{
	unsigned char c[WALK_CHUNK];
	uint64_t base = 0;
	size_t n = 0;

	for (;;) {
		unsigned char b;
		uint32_t len;

		if (pos + 2 > s->size)
			return -1;
		if (pos < base || pos + 4 > base + n) { /* refill from pos */
			n = s->size - pos < WALK_CHUNK ? (size_t)(s->size - pos) : WALK_CHUNK;
			if (src_at(s, pos, c, n))
				return -1;
			base = pos;
		}
		if (c[pos - base] != 0xff) {
			const unsigned char *ff = memchr(c + (pos - base), 0xff, n - (size_t)(pos - base));
			pos = ff ? base + (uint64_t)(ff - c) : base + n;
			continue;
		}
		b = c[pos - base + 1];
		if (b == 0x00 || b == 0xff || b == 0x01 || (b >= 0xd0 && b <= 0xd7)) {
			pos += b == 0xff ? 1 : 2;
			continue;
		}
		if (b == 0xd9) {
			*end = pos + 2;
			return 0;
		}
		if (pos + 4 > base + n) /* a marker's length cut by the file's end */
			return -1;
		len = be16(c + (pos - base) + 2);
		if (len < 2)
			return -1;
		pos += 2 + len; /* a segment (a scan's header: its data follows) */
	}
}

/*
 * Walks the segments from SOI to the first scan (SOS): their lengths must
 * stay inside the file (a file cut in its headers), the frame header (SOF)
 * gives the sides.  Then the end-of-image marker FF D9 must lie in the last
 * bytes, after the scan began: entropy-coded data never holds FF D9 (an FF
 * there is followed by 00 or a restart marker), so a file cut in its image
 * data has none there.  A file whose last bytes hold none, or that says it
 * holds more pictures (an MPO's APP2 "MPF" segment), is walked to its
 * first picture's end: what follows it (a motion photo's video, an MPO's
 * other pictures) is named in f, not refused.  A marker where none belongs
 * stops the walk without a verdict on the headers: a decoder may still take
 * such a file.
 */
static int check_jpeg(const struct src *s, struct imgfile_facts *f, char *err)
{
	uint64_t pos = 2, scan = 0, end;
	int k, mpf = 0;

	for (k = 0; k < JPEG_SEGMENTS_MAX; k++) {
		unsigned char m[9];
		uint32_t len;

		if (src_at(s, pos, m, 2))
			return err_set(err, VSR_EDATA,
				       "the JPEG is cut short: it ends in its headers, before the image data");
		if (m[0] != 0xff)
			break;
		if (m[1] == 0xff) { /* fill bytes before a marker */
			pos++;
			continue;
		}
		if (m[1] == 0x01 || (m[1] >= 0xd0 && m[1] <= 0xd8)) { /* no length */
			pos += 2;
			continue;
		}
		if (m[1] == 0xd9)
			return err_set(err, VSR_EDATA,
				       "the JPEG has no image data (its end-of-image marker comes first)");
		if (src_at(s, pos, m, 4) || (len = be16(m + 2)) < 2 || pos + 2 + len > s->size)
			return err_set(err, VSR_EDATA,
				       "the JPEG is cut short: it ends in its headers, before the image data");
		if (m[1] >= 0xc0 && m[1] <= 0xcf && m[1] != 0xc4 && m[1] != 0xc8 && m[1] != 0xcc &&
		    len >= 7 && !src_at(s, pos, m, 9)) {
			f->height = be16(m + 5);
			f->width = be16(m + 7);
			if (!f->width || !f->height)
				return err_set(err, VSR_EDATA, "the JPEG's header says %u x %u pixels",
					       f->width, f->height);
		}
		if (m[1] == 0xe2 && len >= 6 && !src_at(s, pos + 4, m, 4) && !memcmp(m, "MPF\0", 4))
			mpf = 1;
		if (m[1] == 0xda) {
			scan = pos;
			break;
		}
		pos += 2 + len;
	}
	for (size_t i = s->nt; !(mpf && scan) && i >= 2; i--)
		if (s->t[i - 2] == 0xff && s->t[i - 1] == 0xd9) {
			uint64_t at = s->size - s->nt + (i - 2);
			if (at > scan)
				return 0;
			break;
		}
	if (scan && !jpeg_walk(s, scan, &end)) {
		jpeg_trailer(s, end, f);
		return 0;
	}
	return err_set(err, VSR_EDATA, "the JPEG is cut short: no end-of-image marker");
}

/* ---- PNG, GIF, WebP, BMP ---------------------------------------------------- */

static int check_png(const struct src *s, struct imgfile_facts *f, char *err)
{
	if (s->nh < 33 || memcmp(s->h + 12, "IHDR", 4))
		return err_set(err, VSR_EDATA, s->nh < 33 ? "the PNG is cut short: no whole IHDR header"
							  : "the PNG has no IHDR header first");
	f->width = be32(s->h + 16);
	f->height = be32(s->h + 20);
	if (!f->width || !f->height)
		return err_set(err, VSR_EDATA, "the PNG's header says %u x %u pixels", f->width,
			       f->height);
	/* IEND: its zero length and type, anywhere in the last bytes (a writer may pad after it). */
	for (size_t i = s->nt; i >= 8; i--)
		if (!memcmp(s->t + i - 8, "\0\0\0\0IEND", 8) && s->size - s->nt + (i - 8) >= 33)
			return 0;
	/*
	 * Not there: the chunks are followed from IHDR (8 bytes read a chunk)
	 * to IEND, and what follows it (data some program appended: every
	 * decoder stops at IEND) is named, not refused.
	 */
	for (uint64_t pos = 8;;) {
		unsigned char c[8];
		uint64_t len;
		if (src_at(s, pos, c, 8))
			break;
		len = be32(c);
		if (!memcmp(c + 4, "IEND", 4)) {
			if (len || pos + 12 > s->size)
				break;
			if (pos + 12 < s->size) { /* something after it (not a short IHDR's IEND at the end) */
				f->image_end = pos + 12;
				f->trailer = "other data";
			}
			return 0;
		}
		pos += 12 + len;
	}
	return err_set(err, VSR_EDATA, "the PNG has no IEND chunk: it is cut short");
}

/* A GIF read a byte at a time through a window of the file. */
struct gif_rd {
	const struct src *s;
	uint64_t base;
	size_t n;
	unsigned char w[4096];
};

/* The byte at pos, or -1 past the file's end. */
static int gif_byte(struct gif_rd *g, uint64_t pos)
{
	if (pos < g->base || pos >= g->base + g->n) {
		uint64_t left = pos < g->s->size ? g->s->size - pos : 0;
		g->n = left < sizeof(g->w) ? (size_t)left : sizeof(g->w);
		g->base = pos;
		if (!g->n || src_at(g->s, pos, g->w, g->n)) {
			g->n = 0;
			return -1;
		}
	}
	return g->w[pos - g->base];
}

/* Past the data sub-blocks at *pos (each a length byte, 0 ends them): 0, or -1 at the file's end. */
static int gif_skip_blocks(struct gif_rd *g, uint64_t *pos)
{
	for (;;) {
		int len = gif_byte(g, *pos);
		if (len < 0)
			return -1;
		*pos += 1 + (uint64_t)len;
		if (!len)
			return 0;
	}
}

/*
 * A GIF ends with its trailer (3B), zero padding allowed after it.  One
 * whose last bytes are not that is walked block by block (GIF89a's
 * extensions and image descriptors, their sub-blocks): a trailer before
 * the end has other data after it (named in f, as a PNG's); blocks whole to
 * the file's last byte, at least one picture among them, are a GIF without
 * its trailer (f->no_trailer), which PIL, browsers and stb_image show; a walk
 * that runs off the end inside a block is a GIF cut short, as is one with
 * no picture.
 */
static int check_gif(const struct src *s, struct imgfile_facts *f, char *err)
{
	static _Thread_local struct gif_rd g;
	size_t i = s->nt;
	uint64_t pos = 13;
	unsigned pictures = 0;

	if (s->nh < 13)
		return err_set(err, VSR_EDATA, "the GIF is cut short: no whole header");
	f->width = le16(s->h + 6);
	f->height = le16(s->h + 8);
	while (i > 0 && !s->t[i - 1]) /* zero padding after the trailer */
		i--;
	if (i && s->t[i - 1] == 0x3b)
		return 0;
	g.s = s;
	g.n = 0;
	if (s->h[10] & 0x80) /* the global colour table */
		pos += 3u << ((s->h[10] & 7) + 1);
	for (;;) {
		int b = gif_byte(&g, pos);
		if (b < 0) {
			if (pos != s->size)
				break; /* a block runs past the end */
			if (!pictures)
				return err_set(err, VSR_EDATA, "the GIF is cut short: it holds no picture");
			f->no_trailer = 1;
			return 0;
		}
		if (b == 0x3b) {
			if (!pictures)
				return err_set(err, VSR_EDATA, "the GIF holds no picture");
			f->image_end = pos + 1;
			f->trailer = "other data";
			return 0;
		}
		if (b == 0x21) { /* an extension: its label, then sub-blocks */
			pos += 2;
			if (gif_skip_blocks(&g, &pos))
				break;
		} else if (b == 0x2c) { /* an image descriptor, its colour table, LZW size, data */
			int packed = gif_byte(&g, pos + 9);
			if (packed < 0)
				break;
			pos += 10;
			if (packed & 0x80)
				pos += 3u << ((packed & 7) + 1);
			pos++; /* the LZW minimum code size */
			if (gif_skip_blocks(&g, &pos))
				break;
			pictures++;
		} else {
			return err_set(err, VSR_EDATA,
				       "the GIF is damaged: no trailer (3B) at its end, and byte %llu "
				       "(%02X) starts no block",
				       (unsigned long long)pos, (unsigned)b);
		}
	}
	if (!pictures)
		return err_set(err, VSR_EDATA,
			       "the GIF is cut short: it stops before its first picture is whole and has no "
			       "trailer (3B)");
	return err_set(err, VSR_EDATA,
		       "the GIF is cut short: it stops inside a block after %u whole picture%s and "
		       "has no trailer (3B)",
		       pictures, pictures == 1 ? "" : "s");
}

static int check_webp(const struct src *s, struct imgfile_facts *f, char *err)
{
	uint64_t riff = (uint64_t)le32(s->h + 4) + 8;
	const unsigned char *c = s->h + 12;

	if (riff > s->size)
		return err_set(err, VSR_EDATA,
			       "the WebP is cut short: its header says %llu bytes, the file has %llu",
			       (unsigned long long)riff, (unsigned long long)s->size);
	if (s->nh >= 30 && !memcmp(c, "VP8 ", 4) && !memcmp(s->h + 23, "\x9d\x01\x2a", 3)) {
		f->width = le16(s->h + 26) & 0x3fff;
		f->height = le16(s->h + 28) & 0x3fff;
		if (!f->width || !f->height)
			return err_set(err, VSR_EDATA, "the WebP's header says %u x %u pixels", f->width,
				       f->height);
	} else if (s->nh >= 25 && !memcmp(c, "VP8L", 4) && s->h[20] == 0x2f) {
		uint32_t bits = le32(s->h + 21);
		f->width = (bits & 0x3fff) + 1;
		f->height = ((bits >> 14) & 0x3fff) + 1;
	} else if (s->nh >= 30 && !memcmp(c, "VP8X", 4)) {
		f->width = le24(s->h + 24) + 1;
		f->height = le24(s->h + 27) + 1;
	}
	return 0;
}

/*
 * A BMP's pixels start at the header's offset; uncompressed (RGB or bit
 * fields) they take rows of whole 32-bit words: a file shorter than that
 * is cut short.
 */
static int check_bmp(const struct src *s, struct imgfile_facts *f, char *err)
{
	uint32_t off, dib, bpp;
	int64_t w, h;

	if (s->nh < 26)
		return err_set(err, VSR_EDATA, "the BMP is cut short: no whole header");
	off = le32(s->h + 10);
	dib = le32(s->h + 14);
	if (dib == 12) {
		w = le16(s->h + 18);
		h = le16(s->h + 20);
		bpp = le16(s->h + 24);
		f->bmp_compression = 0;
	} else if (dib >= 40 && s->nh >= 34) {
		w = (int32_t)le32(s->h + 18);
		h = (int32_t)le32(s->h + 22);
		bpp = le16(s->h + 28);
		f->bmp_compression = (long)le32(s->h + 30);
	} else {
		return 0; /* a header it does not know: the decoder's to judge */
	}
	if (h < 0)
		h = -h; /* top-down rows */
	if (w <= 0 || !h)
		return err_set(err, VSR_EDATA, "the BMP's header says %lld x %lld pixels", (long long)w,
			       (long long)h);
	f->width = (uint32_t)w;
	f->height = (uint32_t)h;
	if (off > s->size)
		return err_set(err, VSR_EDATA,
			       "the BMP is cut short: its pixels start at byte %u, the file has %llu",
			       off, (unsigned long long)s->size);
	if ((f->bmp_compression == 0 || f->bmp_compression == 3 || f->bmp_compression == 6) &&
	    (bpp == 1 || bpp == 4 || bpp == 8 || bpp == 16 || bpp == 24 || bpp == 32)) {
		uint64_t stride = ((uint64_t)w * bpp + 31) / 32 * 4;
		if (stride > (s->size - off) / (uint64_t)h)
			return err_set(err, VSR_EDATA,
				       "the BMP is cut short: its %lld x %lld pixels need %llu bytes, the "
				       "file has %llu",
				       (long long)w, (long long)h,
				       (unsigned long long)(off + stride * (uint64_t)h),
				       (unsigned long long)s->size);
	}
	return 0;
}

/* ---- the check ------------------------------------------------------------- */

static int check(struct src *s, struct imgfile_facts *f, char *err)
{
	memset(f, 0, sizeof(*f));
	f->bmp_compression = -1;
	f->mime = image_sniff_mime(s->h, s->nh);
	if (!s->size)
		return err_set(err, VSR_EDATA, "empty file");
	if (!strcmp(f->mime, "image/jpeg"))
		return check_jpeg(s, f, err);
	if (!strcmp(f->mime, "image/png"))
		return check_png(s, f, err);
	if (!strcmp(f->mime, "image/gif"))
		return check_gif(s, f, err);
	if (!strcmp(f->mime, "image/webp"))
		return check_webp(s, f, err);
	if (!strcmp(f->mime, "image/bmp"))
		return check_bmp(s, f, err);
	return not_sendable(s->h, s->nh, err);
}

int imgfile_check_mem(const unsigned char *p, size_t n, struct imgfile_facts *f, char *err)
{
	static _Thread_local struct src s;

	s.fd = -1;
	s.mem = p;
	s.size = n;
	s.h = p;
	s.nh = n < HEAD_MAX ? n : HEAD_MAX;
	s.nt = n < TAIL_MAX ? n : TAIL_MAX;
	s.t = p + n - s.nt;
	return check(&s, f, err);
}

/* Reads exactly n bytes at off: 0, or -1 with errno (EIO for a file that shrank). */
static int read_at(int fd, unsigned char *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t got = pread(fd, p, n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (!got)
				errno = EIO;
			return -1;
		}
		p += got;
		n -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

int imgfile_check(int fd, uint64_t size, struct imgfile_facts *f, char *err)
{
	static _Thread_local struct src s;

	s.fd = fd;
	s.mem = NULL;
	s.size = size;
	s.nh = size < HEAD_MAX ? (size_t)size : HEAD_MAX;
	s.nt = size < TAIL_MAX ? (size_t)size : TAIL_MAX;
	s.h = s.head;
	s.t = s.tail;
	if (read_at(fd, s.head, s.nh, 0) || read_at(fd, s.tail, s.nt, size - s.nt)) {
		memset(f, 0, sizeof(*f));
		f->bmp_compression = -1;
		f->mime = "application/octet-stream";
		return err_set(err, VSR_EDATA, "cannot read it: %s", strerror(errno));
	}
	return check(&s, f, err);
}
