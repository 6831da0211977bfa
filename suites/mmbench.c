/*
 * mmbench: the MMBench suites (see mmbench.h).
 *
 * The column layout comes from the header row, by name, so DEV/TEST, EN/CN,
 * V11 and legacy files all load: index, question, hint (optional), the
 * option columns A, B, C ... (empty when a question has fewer options),
 * answer, category, l2-category (optional), image.  An image field of at
 * most 64 characters holds the index of the row whose image it shares
 * (VLMEvalKit's rule), otherwise base64 image bytes.
 */
#include "mmbench.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <pthread.h>

#include "../base/base64.h"
#include "../base/keyset.h"
#include "../base/util.h"
#include "images.h"
#include "mmbench_names.h"
#include "tsv.h"

#define MMB_DEFAULT_FILE "MMBench_DEV_EN.tsv"
#define MMB_FIELD_MAX ((size_t)1 << 20) /* one captured field (question, hint, option) */
#define MMB_SHORT_MAX ((size_t)4096)    /* index, category, l2-category, answer */
#define MMB_IMAGE_MAX ((size_t)64 << 20) /* one base64 image */
#define MMB_MAX_COLS 256
#define MMB_MAX_CATEGORIES 1000
#define MMB_COPY 1000000L /* circular copies: index + k * MMB_COPY */

enum { C_INDEX, C_QUESTION, C_HINT, C_ANSWER, C_CATEGORY, C_L2, C_IMAGE, C_N };
static const char *const col_names[C_N] = { "index", "question", "hint", "answer",
					    "category", "l2-category", "image" };

/* Where a row's base64 image is in the file (32 bytes: one per image in the file). */
struct mmb_image {
	off_t off;
	uint32_t len; /* at most MMB_IMAGE_MAX */
	uint8_t escaped, have_digest;
	uint8_t orient; /* its EXIF orientation (1: none), read with the digest */
	size_t line;
	uint64_t digest;
};

/* Where a selected row is (24 bytes per selected row: next() reads just that). */
struct mmb_at {
	off_t off;
	size_t line, len;
};

/* An image reference to an index not seen yet, checked at the end of the scan. */
struct mmb_fwd {
	long ref;
	size_t line;
};

/* What load_image needs of an item (its priv). */
struct mmb_imgref {
	off_t off;
	size_t len;
	int escaped;
	int orient; /* the image's EXIF orientation (1: none) */
	size_t line;
};

struct mmbench {
	const char *suite;
	char *path;
	int fd; /* pread by load_image, from any thread */
	int col[C_N];
	int opt_col[26];
	int n_opt_cols;
	size_t n_cols;
	struct mmb_image *images;
	size_t n_images, cap_images;
	struct u64map image_at; /* row index -> images[] slot + 1 */
	int has_copies, circular, generate;
	size_t n_rows, n_items, sum_opts; /* selected rows; items; their options */
	struct mmb_at *at;                /* the selected rows' starts */
	size_t next_at;
	struct names want_cat, want_l2; /* explicit selection, or the suite's default */
	struct names categories;        /* every category seen: item->category points here */
	struct names l2s;               /* every l2-category given: item->l2 points here */
	uint64_t digest;
	/* next(): a second pass over the rows, in order */
	struct tsv t;
	int t_open;
	long cur_index;
	size_t cur_image, cur_line;
	int cur_opts, rot, n_rot;
	struct buf f[C_N], opt[26];
	struct tsv_field fields[MMB_MAX_COLS];
};


/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

static void mmb_free(struct mmbench *m)
{
	if (m->fd >= 0)
		close(m->fd);
	if (m->t_open)
		tsv_close(&m->t);
	for (int i = 0; i < C_N; i++)
		buf_release(&m->f[i]);
	for (int i = 0; i < 26; i++)
		buf_release(&m->opt[i]);
	mmbench_names_release(&m->want_cat);
	mmbench_names_release(&m->want_l2);
	mmbench_names_release(&m->l2s);
	mmbench_names_release(&m->categories);
	free(m->images);
	free(m->at);
	u64map_release(&m->image_at);
	free(m->path);
	free(m);
}

static int parse_header(struct mmbench *m, struct tsv *t, char *err)
{
	struct buf names[MMB_MAX_COLS];
	size_t nf = 0, line = 0;
	off_t off;
	int r;

	for (int i = 0; i < C_N; i++)
		m->col[i] = -1;
	for (int i = 0; i < 26; i++)
		m->opt_col[i] = -1;
	for (size_t i = 0; i < MMB_MAX_COLS; i++) {
		buf_init(&names[i], MMB_SHORT_MAX);
		memset(&m->fields[i], 0, sizeof(m->fields[i]));
		m->fields[i].text = &names[i];
	}
	r = tsv_row(t, m->fields, MMB_MAX_COLS, &nf, &off, &line, err);
	if (r == 0)
		r = err_set(err, VSR_EDATA, "%s: empty file (expected a header row)", m->path);
	if (r == 1 && nf > MMB_MAX_COLS)
		r = err_set(err, VSR_EDATA, "%s:%zu: %zu columns, at most %d expected", m->path, line,
			    nf, MMB_MAX_COLS);
	if (r != 1)
		goto out;
	r = 0;
	m->n_cols = nf;
	for (size_t i = 0; i < nf; i++) {
		const char *s = names[i].ptr;
		if (i == 0 && !strncmp(s, "\xEF\xBB\xBF", 3))
			s += 3; /* a UTF-8 byte order mark */
		for (int c = 0; c < C_N; c++)
			if (!strcmp(s, col_names[c]) && m->col[c] < 0)
				m->col[c] = (int)i;
		if (s[0] >= 'A' && s[0] <= 'Z' && !s[1] && m->opt_col[s[0] - 'A'] < 0)
			m->opt_col[s[0] - 'A'] = (int)i;
	}
	while (m->n_opt_cols < 26 && m->opt_col[m->n_opt_cols] >= 0)
		m->n_opt_cols++;
	if (m->col[C_ANSWER] < 0) {
		r = err_set(err, VSR_EDATA,
			    "%s:%zu: no 'answer' column: this looks like a test split, whose answers "
			    "are withheld (MMBench scores those on its server); use a dev split",
			    m->path, line);
		goto out;
	}
	for (int c = 0; c < C_N; c++) {
		if (m->col[c] < 0 && c != C_HINT && c != C_L2) {
			r = err_set(err, VSR_EDATA, "%s:%zu: no '%s' column in the header", m->path,
				    line, col_names[c]);
			goto out;
		}
	}
	if (m->n_opt_cols < 2)
		r = err_set(err, VSR_EDATA, "%s:%zu: no option columns A and B in the header", m->path,
			    line);
out:
	for (size_t i = 0; i < MMB_MAX_COLS; i++) {
		buf_release(&names[i]);
		m->fields[i].text = NULL;
	}
	return r;
}

/* s as an entry of ns (a category or an l2-category: what), added when new. */
static const char *names_intern(struct names *ns, const char *what, const char *s,
				const char *path, size_t line, char *err)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], s))
			return ns->v[i];
	if (ns->n >= MMB_MAX_CATEGORIES) {
		err_set(err, VSR_EDATA, "%s:%zu: more than %d different %s", path, line,
			MMB_MAX_CATEGORIES, what);
		return NULL;
	}
	mmbench_names_add(ns, s, strlen(s));
	return ns->v[ns->n - 1];
}

static const char *category_intern(struct mmbench *m, const char *s, const char *path,
				   size_t line, char *err)
{
	return names_intern(&m->categories, "categories", s, path, line, err);
}

/* Options of a row: A, B, ... up to the first empty one; nothing after it. */
static int count_options(const struct mmbench *m, const struct tsv_field *f, size_t line,
			 int *n, char *err)
{
	int k = 0;

	while (k < m->n_opt_cols && f[m->opt_col[k]].len)
		k++;
	for (int j = k + 1; j < m->n_opt_cols; j++)
		if (f[m->opt_col[j]].len)
			return err_set(err, VSR_EDATA, "%s:%zu: option %c is empty but %c is not",
				       m->path, line, 'A' + k, 'A' + j);
	if (k < 2)
		return err_set(err, VSR_EDATA, "%s:%zu: %d option%s, a question needs at least A and B",
			       m->path, line, k, k == 1 ? "" : "s");
	*n = k;
	return 0;
}

static int parse_index(const struct mmbench *m, const char *s, size_t line, long *out, char *err)
{
	if (parse_long(s, 0, 0x7fffffffffffL, out))
		return err_set(err, VSR_EDATA, "%s:%zu: index '%.40s' is not a non-negative integer",
			       m->path, line, s);
	return 0;
}

static int selected(struct mmbench *m, const char *cat, const char *l2)
{
	int c, l;

	if (!m->want_cat.n && !m->want_l2.n)
		return 1;
	c = mmbench_names_match(&m->want_cat, cat);
	l = l2 && mmbench_names_match(&m->want_l2, l2);
	return c || l;
}

/* The image slot of the row `index` (an image of its own), or -1. */
static long image_slot(const struct mmbench *m, long index)
{
	uint64_t v;

	return u64map_get(&m->image_at, (uint64_t)index, &v) ? (long)v - 1 : -1;
}

/* The image a row uses: its own (len > 64) or the row its short field names. */
static int row_image(const struct mmbench *m, const struct tsv_field *img, long index,
		     size_t line, long *ref, char *err)
{
	if (img->len > 64) {
		*ref = index;
		return 0;
	}
	/* VLMEvalKit: a short image field is the index of the row it shares. */
	if (parse_long(img->head, 0, 0x7fffffffffffL, ref))
		return err_set(err, VSR_EDATA,
			       "%s:%zu: image '%s' is neither base64 data nor the index of another row",
			       m->path, line, img->head);
	return 0;
}

/* The option index of an answer such as "B" (spaces ignored), or -1. */
static int answer_index(const char *s)
{
	while (*s == ' ')
		s++;
	if (*s < 'A' || *s > 'Z')
		return -1;
	for (const char *p = s + 1; *p; p++)
		if (*p != ' ')
			return -1;
	return *s - 'A';
}

static void add_image(struct mmbench *m, long index, const struct tsv_field *img, size_t line)
{
	struct mmb_image *im;

	if (m->n_images == m->cap_images) {
		m->cap_images = m->cap_images ? m->cap_images + m->cap_images / 2 : 256;
		m->images = xrealloc(m->images, m->cap_images * sizeof(*m->images));
	}
	im = &m->images[m->n_images++];
	memset(im, 0, sizeof(*im));
	im->off = img->off;
	im->len = (uint32_t)img->len;
	im->escaped = (uint8_t)img->escaped;
	im->line = line;
	u64map_put(&m->image_at, (uint64_t)index, m->n_images);
}

/*
 * Selected rows whose image is another row's that was not selected (or comes
 * later): one more pass, keeping only those images.  Rare: a circular copy has
 * its original's category.
 */
static int resolve_refs(struct mmbench *m, const struct mmb_fwd *fwd, size_t n_fwd, char *err)
{
	struct u64map want = U64MAP_INIT;
	struct buf idx = BUF_INIT;
	struct tsv t;
	size_t nf, line, missing = 0;
	off_t off;
	int r;

	for (size_t i = 0; i < n_fwd; i++)
		if (image_slot(m, fwd[i].ref) < 0) {
			u64map_put(&want, (uint64_t)fwd[i].ref, 1);
			missing++;
		}
	if (!missing)
		return 0;
	if ((r = tsv_open(&t, m->path, err)))
		goto out;
	buf_init(&idx, MMB_SHORT_MAX);
	r = tsv_row(&t, m->fields, m->n_cols, &nf, &off, &line, err); /* the header */
	m->fields[m->col[C_INDEX]].text = &idx;
	while (r == 1 && (r = tsv_row(&t, m->fields, m->n_cols, &nf, &off, &line, err)) == 1) {
		const struct tsv_field *img = &m->fields[m->col[C_IMAGE]];
		uint64_t v;
		long index;

		if (parse_index(m, idx.ptr, line, &index, err)) {
			r = VSR_EDATA;
			break;
		}
		if (img->len > 64 && u64map_get(&want, (uint64_t)index, &v) && v &&
		    image_slot(m, index) < 0)
			add_image(m, index, img, line);
	}
	m->fields[m->col[C_INDEX]].text = NULL;
	tsv_close(&t);
out:
	buf_release(&idx);
	u64map_release(&want);
	return r < 0 || r > 1 ? r : 0;
}

/* Pass 1: every row checked; kept are the counts and what the selected rows need. */
static int scan(struct mmbench *m, char *err)
{
	struct tsv t;
	struct buf idx = BUF_INIT, cat = BUF_INIT, l2 = BUF_INIT, dig = BUF_INIT;
	/*
	 * Only the selected rows leave a trace (their start, their image, their
	 * index for duplicates), so memory follows the questions asked, not the file.
	 */
	struct keyset seen = KEYSET_INIT;
	struct mmb_fwd *fwd = NULL;       /* references to an image not seen yet */
	size_t n_fwd = 0, nf, line;
	off_t off;
	int r;

	if ((r = tsv_open(&t, m->path, err)))
		return r;
	if ((r = parse_header(m, &t, err)))
		goto out;
	buf_init(&idx, MMB_SHORT_MAX);
	buf_init(&cat, MMB_SHORT_MAX);
	buf_init(&l2, MMB_SHORT_MAX);
	m->fields[m->col[C_INDEX]].text = &idx;
	m->fields[m->col[C_CATEGORY]].text = &cat;
	if (m->col[C_L2] >= 0)
		m->fields[m->col[C_L2]].text = &l2;
	m->digest = hash64_str(m->suite, HASH_SEED);
	while ((r = tsv_row(&t, m->fields, m->n_cols, &nf, &off, &line, err)) == 1) {
		const struct tsv_field *img = &m->fields[m->col[C_IMAGE]];
		const char *l2s = m->col[C_L2] >= 0 ? l2.ptr : NULL;
		long index, ref;
		int n_opts = 0;

		r = 0;
		if (nf != m->n_cols) {
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: %zu fields, the header has %zu (a TAB or newline in an "
				    "unquoted field?)",
				    m->path, line, nf, m->n_cols);
			break;
		}
		if ((r = parse_index(m, idx.ptr, line, &index, err)))
			break;
		if (index >= MMB_COPY)
			m->has_copies = 1;
		if (!img->len) {
			r = err_set(err, VSR_EDATA, "%s:%zu: empty image field", m->path, line);
			break;
		}
		if ((r = row_image(m, img, index, line, &ref, err)))
			break;
		if (img->len > MMB_IMAGE_MAX) {
			r = err_set(err, VSR_EDATA, "%s:%zu: image larger than %zu bytes of base64",
				    m->path, line, MMB_IMAGE_MAX);
			break;
		}
		if (!category_intern(m, cat.ptr, m->path, line, err)) {
			r = VSR_EDATA;
			break;
		}
		if (!selected(m, cat.ptr, l2s) || (!m->circular && index >= MMB_COPY))
			continue;
		if (!keyset_add(&seen, (uint64_t)index)) {
			r = err_set(err, VSR_EDATA, "%s:%zu: index %ld appears twice", m->path, line,
				    index);
			break;
		}
		if ((r = count_options(m, m->fields, line, &n_opts, err)))
			break;
		{
			const struct tsv_field *a = &m->fields[m->col[C_ANSWER]];
			int k = answer_index(a->head);
			if (k < 0 || k >= n_opts) {
				r = err_set(err, VSR_EDATA,
					    "%s:%zu: answer '%.20s' is not one of the options A to %c",
					    m->path, line, a->head, 'A' + n_opts - 1);
				break;
			}
		}
		if (img->len > 64) {
			add_image(m, index, img, line);
		} else if (image_slot(m, ref) < 0) {
			fwd = xrealloc(fwd, (n_fwd + 1) * sizeof(*fwd));
			fwd[n_fwd].ref = ref;
			fwd[n_fwd++].line = line;
		}
		if (!(m->n_rows & (m->n_rows - 1))) /* a power of two: grow */
			m->at = xrealloc(m->at, (m->n_rows ? 2 * m->n_rows : 1) * sizeof(*m->at));
		m->at[m->n_rows].off = off;
		m->at[m->n_rows].line = line;
		m->at[m->n_rows].len = (size_t)(tsv_tell(&t) - off);
		m->n_rows++;
		m->sum_opts += (size_t)n_opts;
		/*
		 * The content digest: what defines the selected items (each field's length
		 * and first bytes), in one hash per row.
		 */
		buf_reset(&dig);
		buf_add(&dig, &index, sizeof(index));
		for (size_t k = 0; k < m->n_cols; k++) {
			buf_add(&dig, &m->fields[k].len, sizeof(size_t));
			buf_add(&dig, m->fields[k].head, m->fields[k].head_len);
		}
		m->digest = hash64(dig.ptr, dig.len, m->digest);
	}
	if (r)
		goto out;
	/* References to rows further down, or to rows not selected: found now. */
	if (n_fwd && (r = resolve_refs(m, fwd, n_fwd, err)))
		goto out;
	for (size_t i = 0; i < n_fwd; i++) {
		if (image_slot(m, fwd[i].ref) < 0) {
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: the image refers to index %ld, which is not a row with "
				    "an image",
				    m->path, fwd[i].line, fwd[i].ref);
			goto out;
		}
	}
	for (size_t i = 0; i < m->want_cat.n; i++)
		if (!m->want_cat.hits[i]) {
			struct buf known = BUF_INIT;
			for (size_t k = 0; k < m->categories.n && k < 30; k++)
				buf_addf(&known, "%s%s", k ? ", " : "", m->categories.v[k]);
			r = err_set(err, VSR_EUSAGE, "%s: no question in category '%s' (it has: %.300s)",
				    m->path, m->want_cat.v[i], known.ptr);
			buf_release(&known);
			goto out;
		}
	for (size_t i = 0; i < m->want_l2.n; i++)
		if (!m->want_l2.hits[i]) {
			r = err_set(err, VSR_EUSAGE,
				    "%s: no question in l2-category '%s' (names as in the file's "
				    "l2-category column, e.g. 'finegrained_perception (cross-instance)')",
				    m->path, m->want_l2.v[i]);
			goto out;
		}
	if (!m->n_rows)
		r = err_set(err, VSR_EDATA, "%s: no question selected", m->path);
out:
	for (size_t i = 0; i < MMB_MAX_COLS; i++)
		m->fields[i].text = NULL;
	free(fwd);
	keyset_release(&seen);
	buf_release(&idx);
	buf_release(&cat);
	buf_release(&l2);
	buf_release(&dig);
	tsv_close(&t);
	return r;
}

static int mmb_open(const struct suite_preset *preset, const struct suite_config *cfg,
		    void **priv, char *err)
{
	struct mmbench *m = xcalloc(1, sizeof(*m));
	const char *suite = preset->name, *default_cats = suite_param(preset, "category");
	const char *file = MMB_DEFAULT_FILE;
	int explicit = 0, r;

	*priv = NULL;
	m->fd = -1;
	m->suite = suite;
	m->circular = 1;
	for (size_t i = 0; i < cfg->n_opts; i++) {
		const char *k = cfg->opts[i].key, *v = cfg->opts[i].value;
		if (!strcmp(k, "file") && *v) {
			file = v;
		} else if (!strcmp(k, "category")) {
			if (!explicit)
				mmbench_names_release(&m->want_l2);
			explicit = 1;
			mmbench_parse_list(&m->want_cat, v);
		} else if (!strcmp(k, "l2")) {
			if (!explicit)
				mmbench_names_release(&m->want_cat);
			explicit = 1;
			mmbench_parse_list(&m->want_l2, v);
		} else if (!strcmp(k, "circular") && (!strcmp(v, "on") || !strcmp(v, "off"))) {
			m->circular = !strcmp(v, "on");
		} else {
			r = err_set(err, VSR_EUSAGE,
				    "suite %s: bad option '%s=%s' (known: file=NAME, category=LIST, "
				    "l2=LIST, circular=on|off)",
				    suite, k, v);
			goto fail;
		}
	}
	if (!explicit && default_cats)
		mmbench_parse_list(&m->want_cat, default_cats);
	if (strchr(file, '/')) {
		m->path = xstrdup(file);
	} else {
		struct buf p = BUF_INIT;
		if (!cfg->data_dir) {
			r = err_set(err, VSR_EUSAGE, "suite %s: no data folder: pass --data DIR or set "
				    "VSRBENCH_DATA (" VSR_NO_DEFAULT_DIR ")", suite);
			goto fail;
		}
		buf_addf(&p, "%s/mmbench/%s", cfg->data_dir, file);
		m->path = buf_detach(&p, NULL);
	}
	if (access(m->path, R_OK)) {
		r = mmbench_unreadable(suite, m->path, file, errno, err);
		goto fail;
	}
	if ((r = scan(m, err)))
		goto fail;
	m->generate = m->circular && !m->has_copies;
	m->n_items = m->generate ? m->sum_opts : m->n_rows;
	m->digest = hash64(&m->generate, sizeof(m->generate), m->digest);
	m->fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0 || (r = tsv_open(&m->t, m->path, err))) {
		r = err_set(err, VSR_EDATA, "cannot open %s: %s", m->path, strerror(errno));
		goto fail;
	}
	m->t_open = 1;
	for (int i = 0; i < C_N; i++)
		buf_init(&m->f[i], i == C_QUESTION || i == C_HINT ? MMB_FIELD_MAX : MMB_SHORT_MAX);
	for (int i = 0; i < 26; i++)
		buf_init(&m->opt[i], MMB_FIELD_MAX);
	for (int i = 0; i < C_N; i++)
		if (m->col[i] >= 0 && i != C_IMAGE)
			m->fields[m->col[i]].text = &m->f[i];
	for (int i = 0; i < m->n_opt_cols; i++)
		m->fields[m->opt_col[i]].text = &m->opt[i];
	m->rot = m->n_rot = 0;
	*priv = m;
	return 0;
fail:
	mmb_free(m);
	return r;
}

static long mmb_count(void *priv)
{
	const struct mmbench *m = priv;

	return (long)m->n_items;
}

/* Reads exactly n bytes at off; thread-safe. */
static int read_at(int fd, void *p, size_t n, off_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = pread(fd, (char *)p + done, n - done, off + (off_t)done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		done += (size_t)k;
	}
	return 0;
}

/*
 * A 64-bit digest of an image's text, in four independent lanes so that the
 * producer thread, which digests every image before its tasks are keyed,
 * goes at memory speed rather than at one multiply chain's.
 */
static uint64_t digest_text(const unsigned char *p, size_t n)
{
	uint64_t h[4] = { HASH_SEED, HASH_SEED ^ 0x5555555555555555ULL, ~HASH_SEED,
			  HASH_SEED + 0x2545f4914f6cdd1dULL };
	size_t len = n;

	for (; n >= 32; p += 32, n -= 32)
		for (int j = 0; j < 4; j++) {
			uint64_t w;
			memcpy(&w, p + 8 * j, 8);
			h[j] = (h[j] ^ w) * 0xd6e8feb86659fd93ULL;
			h[j] ^= h[j] >> 29;
		}
	return hash64(h, sizeof(h), hash64(p, n, HASH_SEED ^ (uint64_t)len));
}

static int image_digest(struct mmbench *m, struct mmb_image *im, char *err)
{
	char *b;

	if (im->have_digest)
		return 0;
	if (im->len > MMB_IMAGE_MAX)
		return err_set(err, VSR_EDATA, "%s:%zu: image larger than %zu bytes of base64", m->path,
			       im->line, MMB_IMAGE_MAX);
	b = xmalloc(im->len);
	if (read_at(m->fd, b, im->len, im->off)) {
		free(b);
		return err_set(err, VSR_EDATA, "cannot read %s: %s", m->path, strerror(errno));
	}
	/* The stored base64 text identifies the image bytes it decodes to. */
	im->digest = digest_text((const unsigned char *)b, im->len);
	/* Sent upright when stored turned (mmb_load_image): the digest names the turn. */
	im->orient = (uint8_t)image_b64_orientation(b, im->len);
	im->digest = image_digest_turned(im->digest, im->orient);
	im->have_digest = 1;
	free(b);
	return 0;
}

/*
 * The next selected row into the capture buffers: 1, 0 at the end.  It seeks
 * to the rows the scan selected, so rows of other categories are not parsed
 * again (a seek within the read buffer costs nothing).
 */
static int next_row(struct mmbench *m, char *err)
{
	for (;;) {
		const char *l2 = m->col[C_L2] >= 0 ? m->f[C_L2].ptr : NULL;
		size_t nf, line;
		off_t off;
		long index, ref, slot;
		int n_opts, r;

		if (m->next_at >= m->n_rows)
			return 0;
		{
			/* Read this row and the selected rows that follow it closely, in one go. */
			const struct mmb_at *a = &m->at[m->next_at];
			off_t end = a->off + (off_t)a->len;
			for (size_t j = m->next_at + 1;
			     !tsv_buffered(&m->t, a->off) && j < m->n_rows && m->at[j].off - end <= 4096 &&
			     m->at[j].off + (off_t)m->at[j].len - a->off <= (1 << 20);
			     j++)
				end = m->at[j].off + (off_t)m->at[j].len;
			if ((r = tsv_seek_row(&m->t, a->off, a->line, (size_t)(end - a->off), err)))
				return r;
		}
		m->next_at++;
		r = tsv_row(&m->t, m->fields, m->n_cols, &nf, &off, &line, err);
		if (r == 0)
			return err_set(err, VSR_EDATA, "%s: the file changed while the suite was open",
				       m->path);
		if (r != 1)
			return r;
		/* The first pass checked every row: a difference means the file changed. */
		if (nf != m->n_cols || parse_index(m, m->f[C_INDEX].ptr, line, &index, err))
			return err_set(err, VSR_EDATA, "%s:%zu: the row changed while the suite was open",
				       m->path, line);
		if ((m->want_cat.n || m->want_l2.n) &&
		    !mmbench_names_has(&m->want_cat, m->f[C_CATEGORY].ptr) &&
		    !(l2 && mmbench_names_has(&m->want_l2, l2)))
			continue;
		if (!m->circular && index >= MMB_COPY)
			continue;
		if ((r = count_options(m, m->fields, line, &n_opts, err)) ||
		    (r = row_image(m, &m->fields[m->col[C_IMAGE]], index, line, &ref, err)))
			return r;
		if ((slot = image_slot(m, ref)) < 0 || answer_index(m->f[C_ANSWER].ptr) >= n_opts)
			return err_set(err, VSR_EDATA, "%s:%zu: the row changed while the suite was open",
				       m->path, line);
		m->cur_index = index;
		m->cur_image = (size_t)slot;
		m->cur_line = line;
		m->cur_opts = n_opts;
		m->rot = 0;
		m->n_rot = m->generate ? n_opts : 1;
		return 1;
	}
}

static int mmb_next(void *priv, struct item *it, char *err)
{
	struct mmbench *m = priv;
	struct mmb_image *im;
	struct mmb_imgref *ref;
	int r, n, ans;
	char idbuf[32];

	if (m->rot >= m->n_rot && (r = next_row(m, err)) != 1)
		return r;
	im = &m->images[m->cur_image];
	if ((r = image_digest(m, im, err)))
		return r;
	n = m->cur_opts;
	ans = answer_index(m->f[C_ANSWER].ptr);
	memset(it, 0, sizeof(*it));
	it->suite = m->suite;
	snprintf(idbuf, sizeof(idbuf), "%ld", m->cur_index + (long)m->rot * MMB_COPY);
	it->id = xstrdup(idbuf);
	it->where = item_where(m->path, m->cur_line);
	snprintf(idbuf, sizeof(idbuf), "%ld", m->cur_index % MMB_COPY);
	it->group = xstrdup(idbuf);
	it->question = xstrdup(m->f[C_QUESTION].ptr);
	if (m->col[C_HINT] >= 0 && m->f[C_HINT].len)
		it->hint = xstrdup(m->f[C_HINT].ptr);
	/* Rotation k: option j shows the original option (j + k) mod n. */
	it->choices = xcalloc((size_t)n, sizeof(*it->choices));
	it->n_choices = (size_t)n;
	for (int j = 0; j < n; j++)
		it->choices[j] = xstrdup(m->opt[(j + m->rot) % n].ptr);
	it->label = ANS_LETTER((ans - m->rot + n) % n);
	it->category = category_intern(m, m->f[C_CATEGORY].ptr, m->path, m->cur_line, err);
	if (!it->category) {
		item_release(it);
		return VSR_EDATA;
	}
	/* The row's l2-category, for a category the built-in table lacks (metrics/official.c). */
	if (m->col[C_L2] >= 0 && m->f[C_L2].len &&
	    !(it->l2 = names_intern(&m->l2s, "l2-categories", m->f[C_L2].ptr, m->path, m->cur_line,
				    err))) {
		item_release(it);
		return VSR_EDATA;
	}
	it->image_digest = im->digest;
	ref = xmalloc(sizeof(*ref));
	ref->off = im->off;
	ref->len = im->len;
	ref->escaped = im->escaped;
	ref->orient = im->orient;
	ref->line = im->line;
	it->priv = ref;
	it->priv_free = free;
	m->rot++;
	return 1;
}

static int b64_plain(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!isalnum((unsigned char)c) && c != '+' && c != '/' && !(c == '=' && i + 2 >= n))
			return 0;
	}
	return 1;
}

static int mmb_load_image(void *priv, const struct item *it, struct image *img, char *err)
{
	const struct mmbench *m = priv;
	const struct mmb_imgref *ref = it->priv;
	unsigned char *out, head[12];
	char *b;
	size_t len;
	int want_b64 = img->want_b64;

	memset(img, 0, sizeof(*img));
	if (ref->escaped)
		return err_set(err, VSR_EDATA, "%s:%zu: the image field holds a quote, not base64",
			       m->path, ref->line);
	if (ref->len > MMB_IMAGE_MAX)
		return err_set(err, VSR_EDATA, "%s:%zu: image larger than %zu bytes of base64", m->path,
			       ref->line, MMB_IMAGE_MAX);
	b = xmalloc(ref->len);
	if (read_at(m->fd, b, ref->len, ref->off)) {
		free(b);
		return err_set(err, VSR_EDATA, "cannot read %s: %s", m->path, strerror(errno));
	}
	/*
	 * Passed on as it is when it is plain base64 (only the alphabet and
	 * padding, so it is also safe inside JSON) and not stored turned; the
	 * first 16 characters are decoded to tell the image type.
	 */
	if (want_b64 && ref->len >= 16 && ref->len % 4 == 0 && b64_plain(b, ref->len) &&
	    !b64_decode(b, 16, head, &len) && len == 12 && ref->orient == 1) {
		img->b64 = b;
		img->b64_len = ref->len;
		img->mime = image_sniff_mime(head, len);
		return 0;
	}
	out = xmalloc(ref->len / 4 * 3 + 3);
	if (b64_decode(b, ref->len, out, &len) || !len) {
		free(b);
		free(out);
		return err_set(err, VSR_EDATA, "%s:%zu: the image is not valid base64", m->path,
			       ref->line);
	}
	free(b);
	{
		/* Cut to its picture and upright, as a file image is (images.h). */
		struct buf d = BUF_INIT, name = BUF_INIT;
		const char *mime = image_sniff_mime(out, len);
		int r;
		buf_add(&d, out, len);
		free(out);
		buf_addf(&name, "%s:%zu", m->path, ref->line);
		r = image_prepare(&d, it, name.ptr, mime, err);
		buf_release(&name);
		if (r)
			return r;
		img->bytes = (unsigned char *)buf_detach(&d, &len);
		img->len = len;
		img->mime = mime;
	}
	return 0;
}

static uint64_t mmb_digest(void *priv)
{
	const struct mmbench *m = priv;

	return m->digest;
}

static void mmb_describe(void *priv, void *obj)
{
	const struct mmbench *m = priv;
	cJSON *o = obj;

	cJSON_AddStringToObject(o, "file", m->path);
	cJSON_AddNumberToObject(o, "rows", (double)m->n_rows);
	cJSON_AddNumberToObject(o, "items", (double)m->n_items);
	cJSON_AddStringToObject(o, "circular",
				!m->circular ? "off" : m->generate ? "generated" : "from the file");
}

static void mmb_close(void *priv)
{
	mmb_free(priv);
}

const struct suite_ops mmbench_suite_ops = {
	.name = "mmbench",
	.open = mmb_open,
	.count = mmb_count,
	.next = mmb_next,
	.load_image = mmb_load_image,
	.digest = mmb_digest,
	.close = mmb_close,
	.describe = mmb_describe,
	.default_templates = "mc01",
};
