#include "images.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <turbojpeg.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/imgfile.h"
#include "../base/base64.h"
#include "../base/jpegmeta.h"
#include "../base/upright.h"
#include "../base/util.h"

static int unsafe_name(const char *name)
{
	const char *p = name;

	if (!*name || name[0] == '/')
		return 1;
	/* No ".." component anywhere. */
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n + (slash ? 1 : 0);
	}
	return 0;
}

/* Is `path` (already resolved) inside `root` (already resolved)? */
static int inside(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return 1;
	return !strncmp(path, root, n) && path[n] == '/';
}

/*
 * The roots image_resolve has handed out paths under, as given and resolved:
 * image_read_file checks the file it opened against them.  Why (issue 18,
 * finding 8): a name is checked when resolved and read later; a file
 * swapped for a symlink in between would send a file from outside
 * --images to the model.  Checking the opened descriptor, not the name,
 * closes that gap.  Few roots (the --images list); guarded by roots_mu.
 */
#define MAX_ROOTS 64
static struct {
	char *given, *real;
} roots[MAX_ROOTS];
static size_t n_roots;
static pthread_mutex_t roots_mu = PTHREAD_MUTEX_INITIALIZER;

static void root_note(const char *given, const char *real)
{
	pthread_mutex_lock(&roots_mu);
	for (size_t i = 0; i < n_roots; i++)
		if (!strcmp(roots[i].given, given) && !strcmp(roots[i].real, real))
			goto out;
	if (n_roots < MAX_ROOTS) {
		roots[n_roots].given = xstrdup(given);
		roots[n_roots].real = xstrdup(real);
		n_roots++;
	}
out:
	pthread_mutex_unlock(&roots_mu);
}

/* The real path noted for the --images folder given, as realpath found it first: 1, or 0. */
static int root_known(const char *given, char *real, size_t n)
{
	int found = 0;

	pthread_mutex_lock(&roots_mu);
	for (size_t i = 0; i < n_roots && !found; i++)
		if (!strcmp(roots[i].given, given)) {
			snprintf(real, n, "%s", roots[i].real);
			found = 1;
		}
	pthread_mutex_unlock(&roots_mu);
	return found;
}

/* The resolved root a path handed out by image_resolve lies under (copied into real), or 0. */
static int root_of(const char *path, char *real, size_t n)
{
	int found = 0;

	pthread_mutex_lock(&roots_mu);
	for (size_t i = 0; i < n_roots && !found; i++) {
		size_t gl = strlen(roots[i].given);
		if (!strncmp(path, roots[i].given, gl) && path[gl] == '/') {
			snprintf(real, n, "%s", roots[i].real);
			found = 1;
		}
	}
	pthread_mutex_unlock(&roots_mu);
	return found;
}

int image_resolve(const struct suite_config *cfg, const char *name, char **path, char *err)
{
	struct buf b = BUF_INIT;

	*path = NULL;
	if (unsafe_name(name))
		return err_set(err, VSR_EDATA,
			       "image name '%s' is absolute or contains '..': refused", name);
	for (size_t i = 0; i < cfg->n_image_dirs; i++) {
		char real[PATH_MAX], root[PATH_MAX];
		struct stat st;

		buf_reset(&b);
		buf_addf(&b, "%s/%s", cfg->image_dirs[i], name);
		if (stat(b.ptr, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		/*
		 * The folder's own real path once per run (a folder moved since is
		 * judged by where it was: its images then lead out, and are refused).
		 */
		if (!realpath(b.ptr, real) ||
		    (!root_known(cfg->image_dirs[i], root, sizeof(root)) &&
		     !realpath(cfg->image_dirs[i], root))) {
			buf_release(&b);
			return err_set(err, VSR_EDATA, "cannot resolve %s: %s", name, strerror(errno));
		}
		if (!inside(real, root)) {
			err_set(err, VSR_EDATA, "image %s leads out of %s (a symlink?): refused", b.ptr,
				cfg->image_dirs[i]);
			buf_release(&b);
			return VSR_EDATA;
		}
		root_note(cfg->image_dirs[i], root);
		*path = buf_detach(&b, NULL);
		return 0;
	}
	buf_release(&b);
	return err_set(err, IMAGE_MISSING, "no such image %s under --images", name);
}

static uint64_t max_pixels = IMAGE_MAX_PIXELS_DEFAULT;

void image_set_max_pixels(uint64_t n)
{
	max_pixels = n ? n : IMAGE_MAX_PIXELS_DEFAULT;
}

uint64_t image_max_pixels(void)
{
	return max_pixels;
}

size_t image_file_max(void)
{
	if (max_pixels > (SIZE_MAX - IMAGE_FILE_SLACK) / 4)
		return SIZE_MAX;
	return IMAGE_FILE_SLACK + (size_t)max_pixels * 4;
}

/* A file over the cap: its size (0: it grew past the cap while read), the cap, what lifts it. */
static int too_large(const char *path, uint64_t size, size_t cap, char *err)
{
	char got[64] = "";

	if (size)
		snprintf(got, sizeof(got), "%llu bytes, ", (unsigned long long)size);
	return err_set(err, VSR_EDATA,
		       "cannot read image %s: %sover the cap of %zu bytes on image files (64 MiB plus "
		       "4 bytes for each of the %llu pixels --max-pixels allows; a larger "
		       "--max-pixels raises it)",
		       path, got, cap, (unsigned long long)max_pixels);
}

int image_read_file(const char *path, struct buf *out, char *err)
{
	char root[PATH_MAX], self[64], real[PATH_MAX];
	size_t cap = image_file_max();
	struct stat st;
	ssize_t n;
	int fd, e;

	out->max = cap;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		return err_set(err, VSR_EDATA, "cannot read image %s: %s", path, strerror(e));
	}
	/* O_NONBLOCK: a FIFO swapped in does not hang the open; only regular files are read. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, VSR_EDATA, "image %s is not a regular file: refused", path);
	}
	if ((uint64_t)st.st_size > cap) {
		close(fd);
		return too_large(path, (uint64_t)st.st_size, cap, err);
	}
	if (root_of(path, root, sizeof(root))) {
		/* Where the opened file really is, not where its name pointed when resolved. */
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		n = readlink(self, real, sizeof(real) - 1);
		if (n < 0 || (size_t)n >= sizeof(real) - 1) {
			close(fd);
			return err_set(err, VSR_EDATA,
				       "image %s: cannot tell where the opened file is (%s): refused",
				       path, n < 0 ? strerror(errno) : "path too long");
		}
		real[n] = '\0';
		if (!inside(real, root)) {
			close(fd);
			return err_set(err, VSR_EDATA,
				       "image %s now leads out of its --images root (%s): refused", path,
				       root);
		}
	}
	if (buf_read_fd(out, fd)) {
		e = errno;
		close(fd);
		buf_release(out);
		if (e == EFBIG)
			return too_large(path, 0, cap, err);
		return err_set(err, VSR_EDATA, "cannot read image %s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

/*
 * Items share images (the captions of one picture, MME's two questions per
 * image), and hashing one means reading it whole.  Each thread remembers the
 * digests of the files it read last, by path and by what stat says of the
 * file (device, inode, size, modification and change times, as make and
 * git judge a file unchanged): a file written since, or another file put
 * in its place, is read again.
 */
#define DIGEST_SLOTS 64

struct digest_memo {
	char path[240]; /* "": empty; a longer path is read every time */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	uint64_t digest;
};

static _Thread_local struct digest_memo digests[DIGEST_SLOTS];

static int same_file(const struct digest_memo *m, const struct stat *st)
{
	return m->dev == st->st_dev && m->ino == st->st_ino && m->size == st->st_size &&
	       m->mtime.tv_sec == st->st_mtim.tv_sec && m->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       m->ctime.tv_sec == st->st_ctim.tv_sec && m->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

int image_digest_file(const char *path, uint64_t *digest, char *err)
{
	struct buf b = BUF_INIT;
	struct digest_memo *m = NULL;
	struct stat st;
	size_t n = strlen(path);
	int r;

	if (n < sizeof(m->path) && !stat(path, &st) && S_ISREG(st.st_mode)) {
		m = &digests[hash64(path, n, 0) % DIGEST_SLOTS];
		if (!strcmp(m->path, path) && same_file(m, &st)) {
			*digest = m->digest;
			return 0;
		}
	}
	if (!(r = image_read_file(path, &b, err))) {
		const unsigned char *p = (const unsigned char *)b.ptr;
		int o = jpeg_exif_orientation(p, b.len);
		if (o == 1)
			o = png_exif_orientation(p, b.len);
		*digest = hash64(b.ptr, b.len, HASH_SEED);
		/*
		 * A JPEG or PNG stored turned is sent upright (image_load_path): its
		 * digest names the turn too, so answers about the image as stored
		 * (an earlier version sent it so) are neither resumed nor reused.
		 */
		*digest = image_digest_turned(*digest, o);
		if (m) { /* what stat said before the read: a change during it shows next time */
			memcpy(m->path, path, n + 1);
			m->dev = st.st_dev;
			m->ino = st.st_ino;
			m->size = st.st_size;
			m->mtime = st.st_mtim;
			m->ctime = st.st_ctim;
			m->digest = *digest;
		}
	}
	buf_release(&b);
	return r;
}

uint64_t image_digest_turned(uint64_t digest, int orientation)
{
	uint64_t v[3] = { digest, (uint64_t)orientation, UPRIGHT_VERSION };

	return orientation > 1 ? hash64(v, sizeof(v), HASH_SEED) : digest;
}

/*
 * From the first 256 KiB of the text decoded: a JPEG's EXIF segment is at
 * most 64 KiB and comes before the picture, as a PNG's eXIf chunk comes
 * before its image data.
 */
int image_b64_orientation(const char *b, size_t n)
{
	unsigned char *p;
	size_t len, k = n < ((size_t)256 << 10) ? n : ((size_t)256 << 10) / 4 * 4;
	int o = 1;

	p = xmalloc(k / 4 * 3 + 3);
	/* A cut that leaves one character of a group (whitespace moved it) is cut shorter. */
	for (size_t cut = 0; cut < 4 && cut < k; cut++) {
		if (!b64_decode(b, k - cut, p, &len)) {
			o = jpeg_exif_orientation(p, len);
			if (o == 1)
				o = png_exif_orientation(p, len);
			break;
		}
		if (k == n)
			break; /* the whole text: not base64, said when it is loaded */
	}
	free(p);
	return o;
}

int image_digest_item(const char *path, const char *suite, const char *id, const char *where,
		      uint64_t *digest, char *err)
{
	char why[VSR_ERR_MAX];
	int r = image_digest_file(path, digest, why);

	if (r)
		err_set(err, r, "%s %s%s%s%s: %s", suite, id, where ? " (" : "", where ? where : "",
			where ? ")" : "", why);
	return r;
}

static atomic_int trailer_noted, gif_end_noted;

/*
 * A JPEG with more after its first picture (a phone's motion photo and its
 * video, an MPO's other pictures), a PNG with data after its IEND chunk, a
 * GIF with data after its trailer: the picture alone is the image, as every
 * decoder and viewer shows it; sending the rest would put megabytes of video
 * into each request (and an MPO's second picture into some readers).  An
 * MPO's picture loses its index of the others (APP2 "MPF"), which would
 * name pictures no longer there.  A GIF whose blocks are whole but that
 * lacks its trailer gets one, so that a decoder that reads every frame
 * takes it too.  Each said once per run on stderr.
 */
static void trim_image(struct buf *b, const struct item *it, const char *name, const char *mime)
{
	struct imgfile_facts f;
	char why[VSR_ERR_MAX];
	size_t whole = b->len;
	int jpeg = !strcmp(mime, "image/jpeg");
	const char *type = jpeg ? "JPEG" : !strcmp(mime, "image/png") ? "PNG" : "GIF";

	if (imgfile_check_mem((const unsigned char *)b->ptr, b->len, &f, why))
		return;
	if (f.no_trailer) {
		buf_addch(b, 0x3b);
		if (!atomic_exchange(&gif_end_noted, 1))
			vsr_warn("%s item %s: %s lacks the trailer (3B) that ends a GIF; its "
				 "pictures are whole, and it is sent with the trailer added, as "
				 "viewers show it (said once per run)",
				 it->suite, it->id, name);
		return;
	}
	if (!f.image_end || f.image_end >= b->len)
		return;
	b->len = (size_t)f.image_end;
	if (jpeg) /* an MPO's picture alone: its index of the pictures cut off goes too */
		b->len = jpeg_drop_mpf((unsigned char *)b->ptr, b->len);
	b->ptr[b->len] = '\0';
	if (!atomic_exchange(&trailer_noted, 1))
		vsr_warn("%s item %s: %s holds %s after its %s picture: only the picture (%zu of "
			 "%zu bytes) is sent, as viewers show it (said once per run)",
			 it->suite, it->id, name, f.trailer, type, b->len, whole);
}

static atomic_int upright_noted;

/*
 * A JPEG stored turned (a phone's portrait photo: landscape pixels and an
 * EXIF orientation) is sent upright, its tag set to 1, and so is a PNG
 * with an EXIF orientation, without it (base/upright.h): the picture the
 * user sees and labelled, whether or not the server applies the tag.  Said
 * once per run on stderr.
 */
static int upright(struct buf *b, const struct item *it, const char *name, int png, char *err)
{
	struct buf u = BUF_INIT;
	char why[VSR_ERR_MAX];
	const unsigned char *p = (const unsigned char *)b->ptr;
	int r = png ? png_upright(p, b->len, image_max_pixels(), &u, why)
		    : jpeg_upright(p, b->len, image_max_pixels(), &u, why), o;

	if (r == 1)
		return 0; /* upright already: the headers are not walked again */
	o = png ? png_exif_orientation(p, b->len) : jpeg_exif_orientation(p, b->len);
	if (r) {
		buf_release(&u);
		buf_release(b);
		return err_set(err, r, "cannot turn image %s upright (EXIF orientation %d): %s",
			       name, o, why);
	}
	if (!atomic_exchange(&upright_noted, 1))
		vsr_warn("%s item %s: %s is stored turned or mirrored (EXIF orientation %d): it is "
			 "sent upright, as viewers show it, with no turn left in its tag (said once "
			 "per run)",
			 it->suite, it->id, name, o);
	buf_release(b);
	*b = u;
	return 0;
}

int image_prepare(struct buf *b, const struct item *it, const char *name, const char *mime,
		  char *err)
{
	if (!strcmp(mime, "image/gif")) {
		trim_image(b, it, name, mime);
		return 0;
	}
	if (strcmp(mime, "image/jpeg") && strcmp(mime, "image/png"))
		return 0;
	trim_image(b, it, name, mime);
	return upright(b, it, name, !strcmp(mime, "image/png"), err);
}

int image_load_path(void *priv, const struct item *it, struct image *img, char *err)
{
	struct buf b = BUF_INIT;
	size_t len;
	int r;

	(void)priv;
	memset(img, 0, sizeof(*img));
	if ((r = image_read_file(it->image_path, &b, err)))
		return r;
	img->mime = image_sniff_mime((const unsigned char *)b.ptr, b.len);
	if ((r = image_prepare(&b, it, it->image_path, img->mime, err)))
		return r;
	img->bytes = (unsigned char *)buf_detach(&b, &len);
	img->len = len;
	return 0;
}

/* ------------------------------------------------- whole-image check */

/* Larger images are refused rather than decoded (a decompression bomb). */
#define CHECK_MAX_PIXELS ((size_t)100 << 20)

static int check_jpeg(const unsigned char *p, size_t n, const char *label, char *err)
{
	tjhandle tj = tjInitDecompress();
	int w, h, sub, cs, cmyk, r = 0;
	unsigned char *px = NULL;

	if (!tj)
		return err_set(err, VSR_EDATA, "%s: cannot start the JPEG decoder", label);
	if (tjDecompressHeader3(tj, p, (unsigned long)n, &w, &h, &sub, &cs)) {
		r = err_set(err, VSR_EDATA, "%s: not a readable JPEG (%s)", label, tjGetErrorStr2(tj));
		goto out;
	}
	if (w <= 0 || h <= 0 || (size_t)w * (size_t)h > CHECK_MAX_PIXELS) {
		r = err_set(err, VSR_EDATA, "%s: JPEG of %dx%d pixels refused", label, w, h);
		goto out;
	}
	/*
	 * Grey takes the least memory, but libjpeg-turbo makes grey (or RGB) of
	 * no CMYK or YCCK image ("Unsupported color conversion request"): those
	 * are decoded as the CMYK they are.
	 */
	cmyk = cs == TJCS_CMYK || cs == TJCS_YCCK;
	px = malloc((size_t)w * (size_t)h * (cmyk ? 4 : 1));
	if (!px) {
		r = err_set(err, VSR_EDATA, "%s: out of memory decoding %dx%d", label, w, h);
		goto out;
	}
	/* A warning ("premature end of data") is a failure too: the file is cut short. */
	if (tjDecompress2(tj, p, (unsigned long)n, px, w, 0, h, cmyk ? TJPF_CMYK : TJPF_GRAY,
			  TJFLAG_STOPONWARNING))
		r = err_set(err, VSR_EDATA, "%s: the JPEG does not decode whole (%s)", label,
			    tjGetErrorStr2(tj));
out:
	free(px);
	tjDestroy(tj);
	return r;
}

static int check_png(const unsigned char *p, size_t n, const char *label, char *err)
{
	png_image img;
	void *px = NULL;
	int r = 0;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, p, n))
		return err_set(err, VSR_EDATA, "%s: not a readable PNG (%s)", label, img.message);
	img.format = PNG_FORMAT_GRAY;
	if ((size_t)img.width * img.height > CHECK_MAX_PIXELS) {
		r = err_set(err, VSR_EDATA, "%s: PNG of %ux%u pixels refused", label, img.width,
			    img.height);
		png_image_free(&img);
		return r;
	}
	px = malloc(PNG_IMAGE_SIZE(img));
	if (!px) {
		png_image_free(&img);
		return err_set(err, VSR_EDATA, "%s: out of memory decoding the PNG", label);
	}
	if (!png_image_finish_read(&img, NULL, px, 0, NULL))
		r = err_set(err, VSR_EDATA, "%s: the PNG does not decode whole (%s)", label,
			    img.message);
	png_image_free(&img);
	free(px);
	return r;
}

int image_check_whole(const char *path, const char *label, char *err)
{
	struct buf b = BUF_INIT;
	const char *mime;
	int r = image_read_file(path, &b, err);

	if (r)
		return r;
	mime = image_sniff_mime((const unsigned char *)b.ptr, b.len);
	if (mime && !strcmp(mime, "image/jpeg"))
		r = check_jpeg((const unsigned char *)b.ptr, b.len, label, err);
	else if (mime && !strcmp(mime, "image/png"))
		r = check_png((const unsigned char *)b.ptr, b.len, label, err);
	else
		r = err_set(err, VSR_EDATA, "%s: not a JPEG or PNG image (%zu bytes%s)", label, b.len,
			    b.len && (b.ptr[0] == '<' || b.ptr[0] == '{') ? ", looks like a text page"
									 : "");
	buf_release(&b);
	return r;
}
