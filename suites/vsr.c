/*
 * The VSR suites (Liu et al., "Visual Spatial Reasoning", TACL 2023): one
 * JSON object per line in DATA/vsr/data/splits/<split>/<part>.jsonl (or
 * .jsonl.gz), images from COCO 2017 under --images.
 *
 * Two schemas.  The zero-shot split has subj/obj; the random split has not,
 * so both are derived from the caption and the relation ("The car is behind
 * the suitcase." -> car / suitcase).  The zero-shot subj field carries an
 * upstream quirk: its first letters were stripped as if by Python's
 * str.lstrip("The "), giving "orse" for "horse".  We use the subject derived
 * from the caption whenever the upstream field is exactly that stripped form,
 * and count how often (run.json, `vsrbench data check vsr`).
 *
 * open() reads the file once to validate every line (file:line errors) and to
 * find and check every image (suites/imgcheck.h), so a missing image, or one
 * that cannot be sent (empty, cut short, not an image), is an error before
 * any request is sent; next() then streams the file again.
 *
 * An image is DIR/NAME under an --images DIR, else DIR/FOLDER/NAME with the
 * folder the line's image_link names (COCO's own layout: train2017/,
 * val2017/), so `--images coco/` finds both halves of COCO.
 */
#include "vsr.h"
#include "boxes.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../base/fetch.h"
#include "../base/keyset.h"
#include "../base/lines.h"
#include "../base/util.h"
#include "images.h"
#include "imgcheck.h"
#include "manifest.h"
#include "taxonomy.h"

#define VSR_LINE_MAX (1u << 20)
#define N_FIRST_MISSING 3
/* The image_link folders (train2017, val2017) a missing-image error names, at most. */
#define N_LINK_FOLDERS 4

struct vsr {
	const struct vsr_split *split;
	char *path;
	struct suite_config cfg; /* borrowed strings */
	struct lines lines;
	int streaming;
	size_t lineno;
	struct vsr_stats st;
	size_t beyond;           /* items after the first cfg.only_first the run takes: not checked */
	struct keyset missing;   /* hashes of image names with no file */
	struct keyset unusable;  /* hashes of image names whose file cannot be used */
	struct image_bad bad;    /* those files, the first named */
	char folders[N_LINK_FOLDERS][64]; /* image_link folders looked in for a missing image */
	size_t n_folders;
	size_t folder_missing[N_LINK_FOLDERS]; /* of the missing images, how many each names */
	char linked[N_LINK_FOLDERS][64];       /* every image_link folder seen */
	size_t n_linked;
	struct u64map digests;   /* image name hash -> image bytes digest */
	uint64_t content;        /* digest of the data file's lines */
	char *first_missing[N_FIRST_MISSING];
	char scan_err[VSR_ERR_MAX];
	struct boxes boxes;      /* DATA/vsr/boxes.jsonl, empty when not pulled */
	struct vsr_image_roots defaults; /* DATA/vsr/images ... when no --images */
};

static const struct vsr_split splits[] = {
	{ "vsr-zeroshot-test", "zeroshot", "test" },
	{ "vsr-zeroshot-dev", "zeroshot", "dev" },
	{ "vsr-zeroshot-train", "zeroshot", "train" },
	{ "vsr-random-test", "random", "test" },
	{ "vsr-random-dev", "random", "dev" },
	{ "vsr-random-train", "random", "train" },
	{ "vsr-validated", NULL, NULL },
};

const struct vsr_split *vsr_split_find(const char *suite)
{
	for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++)
		if (!strcmp(splits[i].suite, suite))
			return &splits[i];
	return NULL;
}

/* ---- one line ---------------------------------------------------------- */

static int starts_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	return !strncasecmp(s, w, n) && (s[n] == ' ');
}

/* Finds " REL " in the caption, case-insensitively; returns its offset or -1. */
static long find_relation(const char *cap, const char *rel)
{
	size_t n = strlen(rel), len = strlen(cap);

	for (size_t i = 0; i + n + 2 <= len; i++)
		if (cap[i] == ' ' && !strncasecmp(cap + i + 1, rel, n) && cap[i + 1 + n] == ' ')
			return (long)i;
	return -1;
}

static char *trimmed_copy(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '.'))
		n--;
	{
		char *p = xmalloc(n + 1);
		memcpy(p, s, n);
		p[n] = '\0';
		return p;
	}
}

int vsr_split_caption(const char *cap, const char *rel, char **subj, char **obj)
{
	long at = find_relation(cap, rel);
	const char *a, *b, *end;
	size_t alen;

	*subj = *obj = NULL;
	if (at < 0)
		return -1;
	a = cap;
	alen = (size_t)at;
	if (starts_word(a, "the") || starts_word(a, "an"))
		a = strchr(a, ' ') + 1;
	else if (starts_word(a, "a"))
		a += 2;
	if (a > cap + at)
		return -1; /* "The on x.": the article ran into the relation, no subject */
	alen = (size_t)(cap + at - a);
	/* "The car is", "The cats are", "The car has" ... */
	for (const char *const *v = (const char *const[]){ " is", " are", " has", " have", NULL }; *v; v++) {
		size_t vl = strlen(*v);
		if (alen > vl && !strncasecmp(a + alen - vl, *v, vl)) {
			alen -= vl;
			break;
		}
	}
	b = cap + at + 1 + strlen(rel) + 1;
	if (starts_word(b, "the") || starts_word(b, "an"))
		b = strchr(b, ' ') + 1;
	else if (starts_word(b, "a"))
		b += 2;
	end = b + strlen(b);
	if (!alen || end == b)
		return -1;
	*subj = trimmed_copy(a, alen);
	*obj = trimmed_copy(b, (size_t)(end - b));
	if (!**subj || !**obj) {
		free(*subj);
		free(*obj);
		*subj = *obj = NULL;
		return -1;
	}
	return 0;
}

/* What Python's s.lstrip("The ") leaves of s. */
static const char *lstrip_the(const char *s)
{
	while (*s && strchr("The ", *s))
		s++;
	return s;
}

struct vsr_row {
	const char *image, *image_link, *caption, *relation, *subj, *obj;
	int label;
};

/* Validates one parsed line; *why says what is wrong. */
static int row_from_json(const cJSON *o, struct vsr_row *r, const char **why)
{
	const cJSON *label = cJSON_GetObjectItemCaseSensitive(o, "label");

	memset(r, 0, sizeof(*r));
	if (!cJSON_IsObject(o))
		return *why = "expected a JSON object", -1;
	r->image = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "image"));
	r->image_link = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "image_link"));
	r->caption = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "caption"));
	r->relation = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "relation"));
	r->subj = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "subj"));
	r->obj = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "obj"));
	if (!r->image || !*r->image)
		return *why = "missing \"image\" (a file name)", -1;
	if (!r->caption || !*r->caption)
		return *why = "missing \"caption\" (a string)", -1;
	if (!r->relation || !*r->relation)
		return *why = "missing \"relation\" (a string)", -1;
	if (!cJSON_IsNumber(label) || (label->valuedouble != 0 && label->valuedouble != 1))
		return *why = "\"label\" must be 0 or 1", -1;
	r->label = (int)label->valuedouble;
	return 0;
}

int vsr_scan(const char *path, int (*fn)(const struct vsr_line *, void *), void *ctx, char *err)
{
	struct lines l;
	int r = lines_open(&l, path, VSR_LINE_MAX, err), got;

	if (r)
		return r;
	l.skip_blank = 1; /* blank lines are no items: passed over in bulk */
	while ((got = lines_next(&l, err)) == 1) {
		struct vsr_row row;
		struct vsr_line vl;
		const char *why = NULL;
		cJSON *o;

		if (!l.line.len)
			continue;
		o = cJSON_ParseWithLength(l.line.ptr, l.line.len);
		if (!o) {
			r = err_set(err, VSR_EDATA, "%s:%zu: not valid JSON", path, l.lineno);
			break;
		}
		if (row_from_json(o, &row, &why)) {
			cJSON_Delete(o);
			r = err_set(err, VSR_EDATA, "%s:%zu: %s", path, l.lineno, why);
			break;
		}
		memset(&vl, 0, sizeof(vl));
		vl.lineno = l.lineno;
		vl.image = row.image;
		vl.image_link = row.image_link;
		vl.caption = row.caption;
		vl.relation = row.relation;
		vl.label = row.label;
		vl.upstream_subj = row.subj;
		vl.upstream_obj = row.obj;
		vl.raw = l.line.ptr;
		vl.raw_len = l.line.len;
		if (!vsr_split_caption(row.caption, row.relation, &vl.subj, &vl.obj)) {
			/* The upstream subj quirk: take the caption's word. */
			if (row.subj && strcmp(row.subj, vl.subj) && !strcmp(row.subj, lstrip_the(vl.subj)))
				vl.subj_fixed = 1;
			else if (row.subj && strcmp(row.subj, vl.subj))
				vl.subj_disagrees = 1;
			if (row.obj && strcmp(row.obj, vl.obj))
				vl.subj_disagrees = 1;
		}
		r = fn(&vl, ctx);
		free(vl.subj);
		free(vl.obj);
		cJSON_Delete(o);
		if (r)
			break;
	}
	if (got != 1 && got != 0 && !r)
		r = got;
	lines_close(&l);
	return r;
}

/* ---- the suite --------------------------------------------------------- */

/*
 * The folder an image_link names just above the file: "train2017" of
 * http://images.cocodataset.org/train2017/000000017697.jpg.  1 and the
 * name in out, or 0 when the link has none (or one that is no plain name:
 * image_resolve refuses what would lead out of a root anyway).
 */
static int link_folder(const char *link, char *out, size_t n)
{
	const char *p = link ? strstr(link, "://") : NULL, *end, *last = NULL, *start;
	size_t len;

	if (!p || !(p = strchr(p + 3, '/')))
		return 0;
	end = p + strcspn(p, "?#");
	for (const char *q = p; q < end; q++)
		if (*q == '/')
			last = q;
	if (!last || last == p)
		return 0;
	for (start = last; start > p && start[-1] != '/'; start--)
		;
	len = (size_t)(last - start);
	if (!len || len >= n || strspn(start, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "0123456789._-") < len ||
	    (start[0] == '.' && (len == 1 || (len == 2 && start[1] == '.'))))
		return 0;
	memcpy(out, start, len);
	out[len] = '\0';
	return 1;
}

static int folder_linked(const struct vsr *v, const char *name)
{
	for (size_t k = 0; k < v->n_linked; k++)
		if (!strcmp(v->linked[k], name))
			return 1;
	return 0;
}

/*
 * image_resolve, then under the folder the image_link names (COCO's
 * layout) when the root has no such file: the same safe resolver, so no
 * name leads out of a root either way.
 */
static int vsr_resolve(struct vsr *v, const char *image, const char *link, char **path, char *err)
{
	char folder[64];
	struct buf name = BUF_INIT;
	size_t i;
	int r = image_resolve(&v->cfg, image, path, err);
	int has_folder = link_folder(link, folder, sizeof(folder));

	if (has_folder && !folder_linked(v, folder) && v->n_linked < N_LINK_FOLDERS)
		memcpy(v->linked[v->n_linked++], folder, sizeof(folder));
	if (r != IMAGE_MISSING || !has_folder)
		return r;
	for (i = 0; i < v->n_folders && strcmp(v->folders[i], folder); i++)
		;
	if (i == v->n_folders && i < N_LINK_FOLDERS)
		memcpy(v->folders[v->n_folders++], folder, sizeof(folder));
	buf_addf(&name, "%s/%s", folder, image);
	r = image_resolve(&v->cfg, name.ptr, path, err);
	buf_release(&name);
	if (r == IMAGE_MISSING) {
		if (i < N_LINK_FOLDERS)
			v->folder_missing[i]++;
		err_set(err, IMAGE_MISSING, "no such image %s under --images (nor in its %s/ folder)",
			image, folder);
	}
	return r;
}

static int check_line(const struct vsr_line *vl, void *ctx)
{
	struct vsr *v = ctx;
	char err[VSR_ERR_MAX];
	char *path = NULL;
	uint64_t h = hash64_str(vl->image, HASH_SEED);
	int r;

	v->st.items++;
	v->content = hash64(vl->raw, vl->raw_len, v->content);
	/*
	 * A relation outside the taxonomy is a typo or another dataset: its
	 * items would be scored in no category, silently (issue 18, finding 4).
	 */
	if (!relation_known(vl->relation)) {
		if (!v->cfg.allow_unknown_relations)
			return err_set(v->scan_err, VSR_EDATA,
				       "%s:%zu: unknown VSR relation \"%s\" (vsrbench list relations; "
				       "--allow-unknown-relations runs it, counted in the report)",
				       v->path, vl->lineno, vl->relation);
		v->st.unknown_relations++;
	}
	if (!vl->subj)
		v->st.unsplit++;
	if (vl->subj_fixed)
		v->st.subject_fixed++;
	/* -n N: the run stops at N items it can take; the images of the rest go unread. */
	if (v->cfg.only_first > 0 &&
	    v->st.items - 1 - v->beyond - v->st.skipped_missing_images >= (size_t)v->cfg.only_first) {
		v->beyond++;
		return 0;
	}
	if (keyset_has(&v->missing, h)) {
		v->st.skipped_missing_images++;
		return 0;
	}
	if (keyset_has(&v->unusable, h)) {
		v->st.skipped_missing_images++;
		v->bad.items++;
		return 0;
	}
	if (u64map_get(&v->digests, h, &(uint64_t){ 0 }))
		return 0;
	r = vsr_resolve(v, vl->image, vl->image_link, &path, err);
	/* An unsafe name (../, absolute) is bad data, not a missing file. */
	if (r && r != IMAGE_MISSING)
		return err_set(v->scan_err, r, "%s:%zu: %s", v->path, vl->lineno, err);
	if (r == IMAGE_MISSING) {
		keyset_add(&v->missing, h);
		if (v->st.missing_images < N_FIRST_MISSING)
			v->first_missing[v->st.missing_images] = xstrdup(vl->image);
		v->st.missing_images++;
		v->st.skipped_missing_images++;
		return 0;
	}
	if (image_check_file(path, v->cfg.mirror_images, err)) {
		char id[32], *where = item_where(v->path, vl->lineno);
		snprintf(id, sizeof(id), "L%05zu", vl->lineno); /* next()'s item id */
		image_bad_note(&v->bad, id, where, path, err);
		keyset_add(&v->unusable, h);
		v->st.skipped_missing_images++;
		free(where);
		free(path);
		return 0;
	}
	free(path);
	/* Digest filled lazily in next(): 0 marks "exists, not read yet". */
	u64map_put(&v->digests, h, 0);
	return 0;
}

/*
 * Where the images were looked for: each root, and in it each folder an
 * image_link named ("coco/, coco/train2017/, coco/val2017/").
 */
static void looked_in(const struct vsr *v, struct buf *out)
{
	for (size_t i = 0; i < v->cfg.n_image_dirs; i++) {
		const char *d = v->cfg.image_dirs[i];
		const char *slash = *d && d[strlen(d) - 1] == '/' ? "" : "/";
		buf_addf(out, "%s%s%s", i ? ", " : "", d, slash);
		for (size_t k = 0; k < v->n_folders; k++)
			buf_addf(out, ", %s%s%s/", d, slash, v->folders[k]);
	}
}

/*
 * When --images names one half of COCO (coco/train2017), the images
 * missing are the other half's: says which folder their image_link names
 * and, when that folder sits beside an --images root, the option that
 * finds it (": 28 are val2017 images (their image_link): add --images
 * coco/val2017, or pass --images coco alone, which holds train2017/ and
 * val2017/").  Appends nothing when no image_link names a folder; 1 when
 * a folder beside a root was found.
 */
static int missing_hint(const struct vsr *v, struct buf *out)
{
	struct buf parent = BUF_INIT, cand = BUF_INIT, alone = BUF_INIT, pair = BUF_INIT;
	int any = 0, found_all = 1;

	for (size_t k = 0; k < v->n_folders; k++) {
		int found = 0;

		if (!v->folder_missing[k])
			continue;
		buf_addf(out, "%s%zu %s %s image%s", any ? ", " : ": ", v->folder_missing[k],
			 v->folder_missing[k] == 1 ? "is a" : "are", v->folders[k],
			 v->folder_missing[k] == 1 ? "" : "s");
		any = 1;
		for (size_t i = 0; i < v->cfg.n_image_dirs && !found; i++) {
			const char *d = v->cfg.image_dirs[i], *base;
			size_t n = strlen(d);

			while (n > 1 && d[n - 1] == '/')
				n--;
			buf_reset(&parent);
			buf_add(&parent, d, n);
			base = strrchr(parent.ptr, '/');
			base = base ? base + 1 : parent.ptr;
			buf_reset(&cand);
			if (base > parent.ptr)
				buf_add(&cand, parent.ptr, (size_t)(base - parent.ptr));
			buf_adds(&cand, v->folders[k]);
			if (!*base || !strcmp(base, v->folders[k]) || !path_is_dir(cand.ptr))
				continue;
			found = 1;
			buf_addf(out, " (their image_link): add --images %s", cand.ptr);
			/* The parent alone finds both when the root is itself a linked folder. */
			if (!alone.len && folder_linked(v, base)) {
				if (base - parent.ptr > 1)
					buf_add(&alone, parent.ptr, (size_t)(base - parent.ptr - 1));
				else
					buf_adds(&alone, base == parent.ptr ? "." : "/");
				buf_addf(&pair, "%s/ and %s/", base, v->folders[k]);
			}
		}
		if (!found) {
			buf_adds(out, " (their image_link)");
			found_all = 0;
		}
	}
	if (any && alone.len)
		buf_addf(out, ", or pass --images %s alone, which holds %s", alone.ptr, pair.ptr);
	buf_release(&parent);
	buf_release(&pair);
	buf_release(&cand);
	buf_release(&alone);
	return any && found_all;
}

/*
 * An --images root that holds COCO 2014 (ROOT/train2014/ or ROOT/val2014/,
 * or is one of them): VSR names COCO 2017's files, which 2014 names
 * COCO_train2014_NAME.  1 with the root in out, else 0.
 */
static int coco2014_root(const struct vsr *v, struct buf *out)
{
	static const char *const y14[] = { "train2014", "val2014" };
	struct buf p = BUF_INIT;
	int found = 0;

	for (size_t i = 0; i < v->cfg.n_image_dirs && !found; i++) {
		const char *d = v->cfg.image_dirs[i], *base;
		size_t n = strlen(d);

		while (n > 1 && d[n - 1] == '/')
			n--;
		for (base = d + n; base > d && base[-1] != '/'; base--)
			;
		for (size_t k = 0; k < 2 && !found; k++) {
			buf_reset(&p);
			buf_addf(&p, "%s/%s", d, y14[k]);
			found = path_is_dir(p.ptr) || ((size_t)(d + n - base) == strlen(y14[k]) &&
						  !strncmp(base, y14[k], strlen(y14[k])));
		}
		if (found)
			buf_adds(out, d);
	}
	buf_release(&p);
	return found;
}

static void vsr_free(struct vsr *v)
{
	if (v->streaming)
		lines_close(&v->lines);
	keyset_release(&v->missing);
	keyset_release(&v->unusable);
	image_bad_release(&v->bad);
	u64map_release(&v->digests);
	boxes_release(&v->boxes);
	for (size_t i = 0; i < N_FIRST_MISSING; i++)
		free(v->first_missing[i]);
	free(v->path);
	free(v);
}

static int vsr_open(const struct suite_preset *p, const struct suite_config *cfg, void **priv,
		    char *err)
{
	struct vsr *v = xcalloc(1, sizeof(*v));
	const char *suite = p->name;
	int r;

	v->split = vsr_split_find(suite);
	v->cfg = *cfg;
	if (!v->split) { /* a registry mistake, not the user's */
		r = err_set(err, VSR_EUSAGE, "suite %s: not a VSR split (vsr.c's table)", suite);
		goto fail;
	}
	for (size_t i = 0; i < cfg->n_opts; i++) {
		r = err_set(err, VSR_EUSAGE, "suite %s has no option '%s' (it takes none)", suite,
			    cfg->opts[i].key);
		goto fail;
	}
	if (!cfg->n_image_dirs) {
		/* Where `vsrbench data pull SUITE` puts them. */
		if (!cfg->data_dir) {
			r = err_set(err, VSR_EUSAGE,
				    "suite %s: no data folder: pass --data DIR or set VSRBENCH_DATA "
				    "(" VSR_NO_DEFAULT_DIR ")",
				    suite);
			goto fail;
		}
		v->cfg.n_image_dirs = vsr_default_image_roots(cfg->data_dir, &v->defaults);
		v->cfg.image_dirs = v->defaults.roots;
	}
	if ((r = vsr_split_path(v->split, cfg->data_dir, &v->path, err)))
		goto fail;
	if (cfg->data_dir) {
		/* The seed paper's box templates need boxes: `data pull vsr-boxes` writes them. */
		struct buf bp = BUF_INIT;
		buf_addf(&bp, "%s/vsr/%s", cfg->data_dir, VSR_BOXES_FILE);
		r = boxes_load(&v->boxes, bp.ptr, err);
		buf_release(&bp);
		if (r > 0)
			goto fail;
	}
	v->content = HASH_SEED;
	r = vsr_scan(v->path, check_line, v, err);
	if (r) {
		if (v->scan_err[0])
			memcpy(err, v->scan_err, VSR_ERR_MAX);
		goto fail;
	}
	if (!v->st.items) {
		r = err_set(err, VSR_EDATA, "%s: no items", v->path);
		goto fail;
	}
	if (v->st.missing_images && !cfg->skip_missing_images) {
		struct buf looked = BUF_INIT, hint = BUF_INIT;
		looked_in(v, &looked);
		if (cfg->n_image_dirs && coco2014_root(v, &hint))
			r = err_set(err, VSR_EDATA,
				    "%zu of the images of %s are not under --images (looked in %s; %zu "
				    "items; first: %s): %s holds COCO 2014 (train2014/, val2014/, files "
				    "named COCO_train2014_%s); VSR's are COCO 2017's (train2017/, "
				    "val2017/): vsrbench data pull %s fetches them, or "
				    "--skip-missing-images runs the other items",
				    v->st.missing_images, suite, looked.ptr,
				    v->st.skipped_missing_images - v->bad.items, v->first_missing[0],
				    hint.ptr, v->first_missing[0], suite);
		else if (cfg->n_image_dirs && missing_hint(v, &hint))
			r = err_set(err, VSR_EDATA,
				    "%zu of the images of %s are not under --images (looked in %s; %zu "
				    "items; first: %s)%s; or --skip-missing-images runs the other items",
				    v->st.missing_images, suite, looked.ptr,
				    v->st.skipped_missing_images - v->bad.items, v->first_missing[0],
				    hint.ptr);
		else
			r = err_set(err, VSR_EDATA,
				    "%zu of the images of %s are not under %s (looked in %s; %zu items; "
				    "first: %s%s%s%s%s)%s; vsrbench data pull %s fetches them (or pass "
				    "--images DIR, or --skip-missing-images to run the other items)",
				    v->st.missing_images, suite,
				    cfg->n_image_dirs ? "--images" : v->defaults.dir[0], looked.ptr,
				    v->st.skipped_missing_images - v->bad.items, v->first_missing[0],
				    v->first_missing[1] ? ", " : "",
				    v->first_missing[1] ? v->first_missing[1] : "",
				    v->first_missing[2] ? ", " : "",
				    v->first_missing[2] ? v->first_missing[2] : "", hint.ptr, suite);
		buf_release(&looked);
		buf_release(&hint);
		goto fail;
	}
	if (v->bad.images && !cfg->skip_missing_images) {
		r = image_bad_error(&v->bad, suite, err);
		goto fail;
	}
	if (v->st.skipped_missing_images == v->st.items - v->beyond) {
		if (v->bad.images)
			r = image_none_usable_error(&v->bad, suite, v->st.missing_images, err);
		else
			r = err_set(err, VSR_EDATA,
				    "none of the %zu images of %s is under %s; vsrbench data pull %s "
				    "fetches them",
				    v->st.items - v->beyond, suite,
				    cfg->n_image_dirs ? "--images" : v->defaults.dir[0],
				    suite);
		goto fail;
	}
	if (cfg->skip_missing_images)
		image_skip_warn(suite, v->st.skipped_missing_images, v->st.items - v->beyond,
				v->st.missing_images,
				&v->bad);
	if ((r = lines_open(&v->lines, v->path, VSR_LINE_MAX, err)))
		goto fail;
	v->lines.skip_blank = 1;
	v->streaming = 1;
	*priv = v;
	return 0;
fail:
	vsr_free(v);
	return r;
}

static int vsr_inspect(const struct suite_preset *p, const struct suite_config *cfg, FILE *fp,
		       char *err);

static long vsr_count(void *priv)
{
	struct vsr *v = priv;

	return (long)(v->st.items - v->st.skipped_missing_images);
}

static int vsr_next(void *priv, struct item *it, char *err)
{
	struct vsr *v = priv;
	int got;

	while ((got = lines_next(&v->lines, err)) == 1) {
		struct vsr_row row;
		const char *why;
		cJSON *o;
		uint64_t h, digest = 0;
		char id[32];

		if (!v->lines.line.len)
			continue;
		o = cJSON_ParseWithLength(v->lines.line.ptr, v->lines.line.len);
		if (!o || row_from_json(o, &row, &why)) {
			cJSON_Delete(o);
			/* The file changed since open() validated it. */
			return err_set(err, VSR_EDATA, "%s:%zu: changed while running", v->path,
				       v->lines.lineno);
		}
		h = hash64_str(row.image, HASH_SEED);
		if (keyset_has(&v->missing, h) || keyset_has(&v->unusable, h)) {
			cJSON_Delete(o);
			continue;
		}
		memset(it, 0, sizeof(*it));
		snprintf(id, sizeof(id), "L%05zu", v->lines.lineno);
		it->suite = v->split->suite;
		it->id = xstrdup(id);
		it->where = item_where(v->path, v->lines.lineno);
		it->caption = xstrdup(row.caption);
		it->relation = xstrdup(row.relation);
		it->category = relation_category(row.relation);
		it->label = row.label ? ANS_YES : ANS_NO;
		vsr_split_caption(row.caption, row.relation, &it->subject, &it->object);
		if (!it->subject && row.subj && row.obj) {
			it->subject = xstrdup(row.subj);
			it->object = xstrdup(row.obj);
		}
		if (v->boxes.n) {
			const char *sb = boxes_get(&v->boxes, row.image, vsr_box_category(row.subj, it->subject));
			const char *ob = boxes_get(&v->boxes, row.image, vsr_box_category(row.obj, it->object));
			it->subject_box = sb ? xstrdup(sb) : NULL;
			it->object_box = ob ? xstrdup(ob) : NULL;
		}
		if (vsr_resolve(v, row.image, row.image_link, &it->image_path, err)) {
			cJSON_Delete(o);
			item_release(it);
			return VSR_EDATA;
		}
		u64map_get(&v->digests, h, &digest);
		if (!digest) {
			int r = image_digest_item(it->image_path, it->suite, it->id, it->where,
						  &digest, err);
			if (r) {
				cJSON_Delete(o);
				item_release(it);
				return r;
			}
			digest |= 1; /* 0 marks "not read yet" in the map */
			u64map_put(&v->digests, h, digest);
		}
		it->image_digest = digest;
		cJSON_Delete(o);
		return 1;
	}
	return got;
}

const char *vsr_box_category(const char *upstream, const char *from_caption)
{
	return from_caption && *from_caption ? from_caption : upstream;
}

static uint64_t vsr_digest(void *priv)
{
	struct vsr *v = priv;

	return v->content;
}

static void vsr_describe(void *priv, void *obj)
{
	struct vsr *v = priv;
	cJSON *o = obj;

	cJSON_AddNumberToObject(o, "items", (double)v->st.items);
	cJSON_AddNumberToObject(o, "skipped_missing_images", (double)v->st.skipped_missing_images);
	if (v->bad.images) {
		cJSON_AddNumberToObject(o, "unusable_images", (double)v->bad.images);
		cJSON_AddNumberToObject(o, "skipped_unusable_images", (double)v->bad.items);
	}
	cJSON_AddNumberToObject(o, "unsplit_captions", (double)v->st.unsplit);
	cJSON_AddNumberToObject(o, "unknown_relations", (double)v->st.unknown_relations);
	cJSON_AddNumberToObject(o, "subject_fixed", (double)v->st.subject_fixed);
	if (v->split->split && !strcmp(v->split->split, "zeroshot") && !strcmp(v->split->part, "test")) {
		char hex[SHA256_HEX_LEN + 1];
		cJSON_AddStringToObject(o, "version", vsr_test_version(v->path, v->st.items, hex));
		if (hex[0])
			cJSON_AddStringToObject(o, "sha256", hex);
	}
}

struct inspect_ctx {
	size_t items, yes, unsplit, fixed;
};

static int inspect_line(const struct vsr_line *vl, void *p)
{
	struct inspect_ctx *c = p;

	c->items++;
	c->yes += vl->label == 1;
	c->unsplit += !vl->subj;
	c->fixed += vl->subj_fixed;
	return 0;
}

static int vsr_inspect(const struct suite_preset *p, const struct suite_config *cfg, FILE *fp,
		       char *err)
{
	const struct vsr_split *sp = vsr_split_find(p->name);
	struct inspect_ctx c = { 0 };
	char *path = NULL;
	int r = sp ? vsr_split_path(sp, cfg->data_dir, &path, err)
		   : err_set(err, VSR_EUSAGE, "suite %s: not a VSR split (vsr.c's table)", p->name);

	if (!r)
		r = vsr_scan(path, inspect_line, &c, err);
	if (!r)
		fprintf(fp, "%zu items (%zu true), %zu captions not splittable into subject/relation/object, "
			    "%zu upstream subjects corrected\n",
			c.items, c.yes, c.unsplit, c.fixed);
	free(path);
	return r;
}

static void vsr_close(void *priv)
{
	vsr_free(priv);
}

const struct suite_ops vsr_suite_ops = {
	.name = "vsr",
	.open = vsr_open,
	.count = vsr_count,
	.next = vsr_next,
	.load_image = image_load_path,
	.digest = vsr_digest,
	.close = vsr_close,
	.describe = vsr_describe,
	.inspect = vsr_inspect,
};

/* ---- which version of the zero-shot test ------------------------------- */

#define ZS_TEST_PATH "vsr/data/splits/zeroshot/test.jsonl"

const char *vsr_test_version(const char *path, size_t items, char *sha256_hex)
{
	const struct manifest_dataset *ds = manifest_find("vsr");
	struct file_digest d;
	char err[VSR_ERR_MAX];

	sha256_hex[0] = '\0';
	if (!file_digest(path, &d, err))
		memcpy(sha256_hex, d.sha256, sizeof(d.sha256));
	for (size_t i = 0; ds && i < ds->n_files; i++)
		if (!strcmp(ds->files[i].path, ZS_TEST_PATH) && sha256_hex[0] &&
		    !strcasecmp(ds->files[i].digest + 7, sha256_hex))
			return "tacl-1222";
	/* No digest of the earlier releases is on record: their sizes tell them apart. */
	if (items == 1222)
		return "tacl-1222-by-count";
	if (items == 731)
		return "pre-tacl-731-by-count";
	return "unknown";
}
