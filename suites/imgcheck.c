#include "imgcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/imgfile.h"
#include "../base/util.h"

/* "GIF" for "image/gif": the type as people name it. */
static const char *type_name(const char *mime)
{
	if (!strcmp(mime, "image/gif"))
		return "GIF";
	if (!strcmp(mime, "image/webp"))
		return "WebP";
	if (!strcmp(mime, "image/jpeg"))
		return "JPEG";
	if (!strcmp(mime, "image/png"))
		return "PNG";
	if (!strcmp(mime, "image/bmp"))
		return "BMP";
	return mime;
}

/*
 * What -p hflip can mirror (harness/imgvar.c, image_hflip): JPEG and PNG,
 * and a BMP through the PNG it converts to, which base/bmp.c decodes only
 * uncompressed (RGB or bit fields).  Kept here in step with it: a suite
 * cannot ask the harness.
 */
static int check_mirror(const struct imgfile_facts *f, char *why)
{
	static const char *const bmp_comp[] = { "RGB", "RLE8", "RLE4", "bit fields", "JPEG", "PNG" };

	if (!strcmp(f->mime, "image/jpeg") || !strcmp(f->mime, "image/png"))
		return 0;
	if (!strcmp(f->mime, "image/bmp")) {
		if (f->bmp_compression < 0 || f->bmp_compression == 0 || f->bmp_compression == 3 ||
		    f->bmp_compression == 6)
			return 0;
		if (f->bmp_compression < 6)
			return err_set(why, VSR_EDATA,
				       "-p hflip cannot mirror this BMP: its compression (%s) is not "
				       "decoded (uncompressed BMPs only)",
				       bmp_comp[f->bmp_compression]);
		return err_set(why, VSR_EDATA,
			       "-p hflip cannot mirror this BMP: unknown compression %ld",
			       f->bmp_compression);
	}
	return err_set(why, VSR_EDATA,
		       "-p hflip cannot mirror a %s image (JPEG, PNG and BMP only)",
		       type_name(f->mime));
}

int image_check_file(const char *path, int mirror, char *why)
{
	struct imgfile_facts f;
	struct stat st;
	int fd, r, e;

	/* O_NONBLOCK: a FIFO in its place does not hang the open; image_read_file refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		return err_set(why, VSR_EDATA, "cannot read it: %s", strerror(e));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(why, VSR_EDATA, "not a regular file");
	}
	r = imgfile_check(fd, (uint64_t)st.st_size, &f, why);
	close(fd);
	if (!r && mirror)
		r = check_mirror(&f, why);
	return r;
}

void image_bad_note(struct image_bad *b, const char *item, const char *where, const char *path,
		    const char *why)
{
	if (b->images < IMAGE_BAD_FIRST) {
		b->first[b->images].item = xstrdup(item);
		b->first[b->images].where = where ? xstrdup(where) : NULL;
		b->first[b->images].path = xstrdup(path);
		b->first[b->images].why = xstrdup(why);
	}
	b->images++;
	b->items++;
}

void image_bad_release(struct image_bad *b)
{
	for (size_t i = 0; i < IMAGE_BAD_FIRST; i++) {
		free(b->first[i].item);
		free(b->first[i].where);
		free(b->first[i].path);
		free(b->first[i].why);
	}
	memset(b, 0, sizeof(*b));
}

/* The file part of a where ("DATA/x.jsonl" of "DATA/x.jsonl:12"): its length. */
static size_t where_file_len(const char *where)
{
	const char *colon = strrchr(where, ':');

	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1))
		return (size_t)(colon - where);
	return strlen(where);
}

/*
 * Entry i: "item ID (WHERE) PATH: WHY"; after the first, a where in the
 * first's file is only its line ("line 12"), or left out.
 */
static void add_entry(struct buf *out, const struct image_bad *b, size_t i)
{
	const char *w = b->first[i].where, *w0 = b->first[0].where;

	buf_addf(out, "item %s", b->first[i].item);
	if (w && i && w0 && where_file_len(w) == where_file_len(w0) &&
	    !strncmp(w, w0, where_file_len(w0))) {
		if (w[where_file_len(w)])
			buf_addf(out, " (line %s)", w + where_file_len(w) + 1);
	} else if (w) {
		buf_addf(out, " (%s)", w);
	}
	buf_addf(out, " %s: %s", b->first[i].path, b->first[i].why);
}

int image_bad_error(const struct image_bad *b, const char *suite, char *err)
{
	struct buf m = BUF_INIT;
	size_t shown = b->images < IMAGE_BAD_FIRST ? b->images : IMAGE_BAD_FIRST;

	/* As many of the first as one error line holds. */
	for (; shown; shown--) {
		buf_reset(&m);
		if (b->images == 1) {
			buf_addf(&m, "%s ", suite);
			add_entry(&m, b, 0);
			buf_adds(&m, "; replace (or convert) the file, or pass --skip-missing-images "
				     "to run the other items");
		} else {
			buf_addf(&m, "%zu of the images of %s cannot be used (%zu items; first: ",
				 b->images, suite, b->items);
			for (size_t i = 0; i < shown; i++) {
				if (i)
					buf_adds(&m, "; ");
				add_entry(&m, b, i);
			}
			buf_adds(&m, "); replace (or convert) them, or pass --skip-missing-images to "
				     "run the other items");
		}
		if (m.len < VSR_ERR_MAX)
			break;
	}
	err_set(err, VSR_EDATA, "%s", m.ptr);
	buf_release(&m);
	return VSR_EDATA;
}

int image_none_usable_error(const struct image_bad *b, const char *suite, size_t missing,
			    char *err)
{
	return err_set(err, VSR_EDATA, "no image of %s can be used: %zu are missing, %zu cannot be used "
		       "(first: %s: %s)", suite, missing, b->images, b->first[0].path, b->first[0].why);
}

void image_skip_warn(const char *suite, size_t skipped, size_t items, size_t missing,
		     const struct image_bad *bad)
{
	struct buf m = BUF_INIT;

	if (!skipped)
		return;
	buf_addf(&m, "%s: --skip-missing-images skipped %zu of %zu items: ", suite, skipped, items);
	if (missing)
		buf_addf(&m, "%zu image%s missing", missing, missing == 1 ? " is" : "s are");
	if (bad && bad->images) {
		buf_addf(&m, "%s%zu image%s cannot be used (first: %s: %s)", missing ? ", " : "",
			 bad->images, bad->images == 1 ? "" : "s", bad->first[0].path,
			 bad->first[0].why);
	}
	buf_addf(&m, "; the numbers are over the other %zu (the report says so too)",
		 items - skipped);
	vsr_warn("%s", m.ptr);
	buf_release(&m);
}
