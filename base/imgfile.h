/*
 * imgfile: is a file an image vsrbench can send, and does it end whole?
 * Judged cheaply from its first and last bytes (the magic number, the
 * header's sides, the format's own end: JPEG's end-of-image marker, PNG's
 * IEND chunk, GIF's trailer, the sizes WebP's and BMP's headers promise),
 * never by decoding it.  Knows no suite and no model: the suites ask it
 * before any request, so that an empty file, a HEIC named .jpg or a JPEG
 * cut in half is bad data named up front, not a model failure later.  A
 * JPEG whose last bytes do not end its picture (a motion photo's video
 * follows it) or that says it holds more (an MPO) is walked to its first
 * picture's end: whole, with what follows named.
 */
#ifndef VSR_IMGFILE_H
#define VSR_IMGFILE_H

#include <stddef.h>
#include <stdint.h>

/* What the header said (filled as far as it could be read). */
struct imgfile_facts {
	const char *mime;        /* image_sniff_mime's type (base/mime.h) */
	uint32_t width, height;  /* the header's sides; 0 when not found */
	long bmp_compression;    /* a BMP's compression field (0 RGB, 1 RLE8 ...); -1 otherwise */
	/*
	 * A PNG with more than 2 KiB after its IEND chunk ("other data"), or a
	 * JPEG followed by more than padding after its first picture's
	 * end-of-image marker (a phone's motion photo: the video; an MPO: its
	 * other pictures): the picture's length, and what follows, as
	 * "a video (a phone's motion photo)", "more JPEG pictures (an MPO: a
	 * 3D camera's other view, an HDR photo's gain map)", "zero bytes
	 * (padding)" (more than the last 2 KiB of it) or "other data".  0 and
	 * NULL otherwise.
	 */
	uint64_t image_end;
	const char *trailer;
	/*
	 * A GIF whose blocks are whole to its last byte but lack the trailer
	 * (3B) that ends a GIF: PIL, browsers and stb_image show it; a decoder
	 * that reads every frame (Go's image/gif DecodeAll) refuses it.
	 */
	int no_trailer;
};

/*
 * Checks the open regular file fd of `size` bytes: reads at most a few
 * KiB from its start and from its end (pread: fd's offset is unchanged).
 * 0 when it looks like a whole JPEG, PNG, GIF, WebP or BMP (a JPEG with
 * more after its first picture too: f->image_end says where it ends); otherwise
 * VSR_EDATA with what is wrong in err (VSR_ERR_MAX bytes; no file name,
 * the caller adds it): "empty file", "not an image vsrbench can send
 * (JPEG, PNG, GIF, WebP, BMP): looks like HEIC", "the JPEG is cut short:
 * no end-of-image marker", "the PNG has no IEND chunk: it is cut short" ...
 * A header it cannot follow is left to the decoder (not refused), so it
 * refuses only what no decoder would take whole.
 */
int imgfile_check(int fd, uint64_t size, struct imgfile_facts *f, char *err);

/* The same over bytes in memory (the whole file). */
int imgfile_check_mem(const unsigned char *p, size_t n, struct imgfile_facts *f, char *err);

#endif
