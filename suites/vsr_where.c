/*
 * Where a VSR suite's files are (see vsr.h): its split file under the data
 * folder, what to do when a folder holds VSR in another layout (a clone of
 * VSR's repository given as --data, a split file copied flat from one of
 * VSR's Hugging Face datasets), and the image folders looked in without
 * --images.
 */
#include "vsr.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/fetch.h"
#include "../base/util.h"
#include "manifest.h"

/* The path under DATA/vsr of a split's file ("data/splits/zeroshot/test.jsonl"). */
static void split_rel(const struct vsr_split *sp, struct buf *out)
{
	if (sp->split)
		buf_addf(out, "data/splits/%s/%s.jsonl", sp->split, sp->part);
	else
		buf_adds(out, "data/data_files/all_vsr_validated_data.jsonl");
}

/*
 * The manifest's path of the VSR file whose pinned sha256 the file at path
 * has ("vsr/data/splits/zeroshot/test.jsonl"), or NULL: a copy from VSR's
 * Hugging Face datasets is named by its content, not by its folder.
 */
static const char *pinned_as(const char *path)
{
	const struct manifest_dataset *ds = manifest_find("vsr");
	struct file_digest d;
	const char *algo, *want, *got;
	char err[VSR_ERR_MAX];

	if (!ds || file_digest(path, &d, err))
		return NULL;
	for (size_t i = 0; i < ds->n_files; i++)
		if (digest_check(ds->files[i].digest, &d, &algo, &want, &got) > 0)
			return ds->files[i].path;
	return NULL;
}

/*
 * The error for a split file not found at DATA/vsr/REL (path): says what
 * the folder given as --data holds when it holds VSR in another layout.
 */
static int not_found(const struct vsr_split *sp, const char *data_dir, const char *path,
		     char *err)
{
	struct buf rel = BUF_INIT, p = BUF_INIT;
	char real[PATH_MAX];
	const char *as;
	int r;

	split_rel(sp, &rel);
	buf_addf(&p, "%s/%s", data_dir, rel.ptr);
	if (path_is_file(p.ptr)) {
		/* --data names a clone of github.com/cambridgeltl/visual-spatial-reasoning. */
		r = err_set(err, VSR_EDATA,
			    "suite %s: %s not found; %s is a clone of VSR's repository (it has "
			    "%s): --data takes the folder that holds VSR as vsr/, e.g. "
			    "`mkdir -p DATA && ln -s %s DATA/vsr`, then --data DATA",
			    sp->suite, path, data_dir, rel.ptr,
			    realpath(data_dir, real) ? real : data_dir);
		goto out;
	}
	buf_reset(&p);
	buf_addf(&p, "%s/%s.jsonl", data_dir, sp->part ? sp->part : "");
	if (sp->part && path_is_file(p.ptr)) {
		/* A split copied flat: cambridgeltl/vsr_zeroshot and vsr_random on Hugging Face. */
		as = pinned_as(p.ptr);
		if (as)
			r = err_set(err, VSR_EDATA,
				    "suite %s: %s not found; %s is VSR's %s (its sha256 is the pinned "
				    "one%s): vsrbench reads it at %s/%s (move or link it there)",
				    sp->suite, path, p.ptr, as + 4,
				    strcmp(as + 4, rel.ptr) ? ", another suite's split" : "", data_dir, as);
		else
			r = err_set(err, VSR_EDATA,
				    "suite %s: %s not found; %s is there (a copy of one of VSR's Hugging "
				    "Face datasets?): vsrbench reads a split at DATA/vsr/%s, the layout of "
				    "VSR's repository (or `vsrbench data pull vsr` fetches the splits)",
				    sp->suite, path, p.ptr, rel.ptr);
		goto out;
	}
	r = err_set(err, VSR_EDATA,
		    "suite %s: %s not found (nor .gz): get it with `vsrbench data pull vsr` (or "
		    "`vsrbench data pull %s`, its images too), or point --data at a folder holding "
		    "vsr/data/",
		    sp->suite, path, sp->suite);
out:
	buf_release(&rel);
	buf_release(&p);
	return r;
}

int vsr_split_path(const struct vsr_split *sp, const char *data_dir, char **out, char *err)
{
	struct buf b = BUF_INIT;
	size_t base;
	int r;

	if (!data_dir || !*data_dir) /* no folder to look in: configuration, not data */
		return err_set(err, VSR_EUSAGE,
			       "suite %s: no data folder: pass --data DIR or set VSRBENCH_DATA "
			       "(" VSR_NO_DEFAULT_DIR ")",
			       sp->suite);
	buf_addf(&b, "%s/vsr/", data_dir);
	split_rel(sp, &b);
	base = b.len;
	if (path_is_file(b.ptr)) {
		*out = buf_detach(&b, NULL);
		return 0;
	}
	buf_adds(&b, ".gz");
	if (path_is_file(b.ptr)) {
		*out = buf_detach(&b, NULL);
		return 0;
	}
	buf_setlen(&b, base);
	r = not_found(sp, data_dir, b.ptr, err);
	buf_release(&b);
	return r;
}

size_t vsr_default_image_roots(const char *data_dir, struct vsr_image_roots *out)
{
	/* data pull's folder, then VSR's own data/README's (a clone as DATA/vsr). */
	static const char *const sub[] = { "vsr/images", "vsr/data/images", "vsr/data/trainval2017" };

	out->n = 0;
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(out->dir[out->n], sizeof(out->dir[0]), "%s/%s", data_dir, sub[i]);
		if (i && !path_is_dir(out->dir[out->n]))
			continue;
		out->roots[out->n] = out->dir[out->n];
		out->n++;
	}
	return out->n;
}
