/*
 * vsrbench data pull / verify (see data_pull.h).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/keyset.h"
#include "../suites/images.h"
#include "../suites/manifest.h"
#include "../suites/suite.h"
#include "../suites/vsr.h"
#include "cmd.h"
#include "data_pull.h"
#include "pull_images.h"
#include "../base/fetch.h"
#include "../base/util.h"

/* ------------------------------------------------------------ the record */

static int record_load(struct record *rec, const char *data_dir, char *err)
{
	struct buf b = BUF_INIT, p = BUF_INIT;
	int r = 0;

	memset(rec, 0, sizeof(*rec));
	buf_addf(&p, "%s/%s", data_dir, DATA_RECORD_NAME);
	rec->path = buf_detach(&p, NULL);
	buf_init(&b, (size_t)64 << 20);
	if (buf_read_file(&b, rec->path) < 0) {
		if (errno != ENOENT) {
			r = err_set(err, VSR_EDATA, "cannot read %s: %s", rec->path,
				    errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
			goto out;
		}
		rec->root = cJSON_CreateObject();
		cJSON_AddStringToObject(rec->root, "schema", DATA_RECORD_SCHEMA);
		rec->files = cJSON_AddObjectToObject(rec->root, "files");
		goto out;
	}
	rec->root = cJSON_Parse(b.ptr);
	rec->files = cJSON_GetObjectItemCaseSensitive(rec->root, "files");
	if (!cJSON_IsObject(rec->root) || !cJSON_IsObject(rec->files) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec->root, "schema")) ||
	    strcmp(cJSON_GetObjectItemCaseSensitive(rec->root, "schema")->valuestring,
		   DATA_RECORD_SCHEMA)) {
		r = err_set(err, VSR_EDATA,
			    "%s: not a vsrbench data record (expected a JSON object with schema "
			    "\"%s\" and \"files\"); move it away and pull again",
			    rec->path, DATA_RECORD_SCHEMA);
		cJSON_Delete(rec->root);
		rec->root = NULL;
		rec->files = NULL;
	}
out:
	buf_release(&b);
	return r;
}

static void record_release(struct record *rec)
{
	cJSON_Delete(rec->root);
	free(rec->path);
	memset(rec, 0, sizeof(*rec));
}

int data_pull_record_save(struct record *rec, char *err)
{
	char *text;
	int r;

	if (!rec->dirty)
		return 0;
	text = cJSON_Print(rec->root);
	if (!text)
		return err_set(err, VSR_EDATA, "%s: out of memory", rec->path);
	r = write_file_atomic(rec->path, text, strlen(text), err);
	free(text);
	if (!r)
		rec->dirty = 0;
	return r;
}

/* The recorded sha256 of path, or NULL. */
const char *data_pull_record_sha256(const struct record *rec, const char *path)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(rec->files, path);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "sha256");

	return cJSON_IsString(s) ? s->valuestring : NULL;
}

/*
 * dirty 0: note the file, but do not write the record for this alone: a pull
 * that fetches nothing writes nothing (the folder may be someone's read-only copy).
 */
void data_pull_record_put(struct record *rec, const char *dataset, const struct manifest_file *mf,
			  const struct file_digest *d, const char *source, int dirty)
{
	cJSON *e = cJSON_CreateObject();
	struct buf safe = BUF_INIT;
	char when[32] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(e, "dataset", dataset);
	cJSON_AddNumberToObject(e, "size", (double)d->size);
	cJSON_AddStringToObject(e, "sha256", d->sha256);
	if (!strncmp(mf->digest, "md5:", 4))
		cJSON_AddStringToObject(e, "md5", d->md5);
	cJSON_AddStringToObject(e, "pin", mf->digest);
	if (!digest_pin_is_pinned(mf->digest))
		rec->needed = 1;
	if (source) {
		url_redact(source, &safe);
		cJSON_AddStringToObject(e, "source", safe.ptr);
	}
	cJSON_AddStringToObject(e, "pulled", when);
	if (cJSON_GetObjectItemCaseSensitive(rec->files, mf->path))
		cJSON_ReplaceItemInObjectCaseSensitive(rec->files, mf->path, e);
	else
		cJSON_AddItemToObject(rec->files, mf->path, e);
	rec->dirty |= dirty;
	buf_release(&safe);
}

/* ------------------------------------------------------------------ pull */

struct tally {
	size_t verified, unverified, downloaded, present, failed;
};

static void pin_word(const char *pin, char *out, size_t n)
{
	if (!strncmp(pin, "md5:", 4))
		snprintf(out, n, "md5 verified (upstream's pin)");
	else if (!strncmp(pin, "sha256:", 7))
		snprintf(out, n, "sha256 verified");
	else
		snprintf(out, n, "UNVERIFIED: upstream publishes no digest");
}

/* The URL a file is fetched from: mirror, rewritten upstream, or upstream. */
void data_pull_source_url(const struct pull *p, const char *url, const char *path, struct buf *out)
{
	buf_reset(out);
	if (p->mirror) {
		buf_addf(out, "%s/%s", p->mirror, path);
		return;
	}
	for (int i = 0; i < p->n_rewrites; i++) {
		size_t n = strlen(p->rewrite_from[i]);
		if (!strncmp(url, p->rewrite_from[i], n)) {
			buf_adds(out, p->rewrite_to[i]);
			buf_adds(out, url + n);
			return;
		}
	}
	buf_adds(out, url);
}

static void note_done(struct pull *p, const struct manifest_dataset *ds,
		      const struct manifest_file *mf, const struct file_digest *d, const char *how,
		      long long resumed_at, const char *source, struct tally *t)
{
	char word[64];

	pin_word(mf->digest, word, sizeof(word));
	if (resumed_at)
		printf("%-10s %s (%lld bytes, resumed at byte %lld, %s)\n", how, mf->path, d->size,
		       resumed_at, word);
	else
		printf("%-10s %s (%lld bytes, %s)\n", how, mf->path, d->size, word);
	data_pull_record_put(&p->rec, ds->name, mf, d, source, 1);
	if (digest_pin_is_pinned(mf->digest)) {
		t->verified++;
	} else {
		t->unverified++;
		vsr_warn("%s: NOT verified: its upstream publishes no digest; recorded sha256 %s in "
			 "%s/%s so that `vsrbench data verify` detects later changes",
			 mf->path, d->sha256, p->data_dir, DATA_RECORD_NAME);
	}
}

/*
 * Is the file at dest already good?  1: yes (d filled), 0: fetch it.
 * Prints why a present file is fetched again.
 */
static int already_good(struct pull *p, const struct manifest_file *mf, const char *dest,
			struct file_digest *d, char *err)
{
	const char *algo, *want, *got, *recorded;
	int r = file_digest(dest, d, err);

	if (r < 0)
		return 0;
	if (r) {
		vsr_warn("%s", err);
		return 0;
	}
	if (digest_pin_is_pinned(mf->digest)) {
		if (digest_check(mf->digest, d, &algo, &want, &got) > 0 &&
		    (mf->size < 0 || d->size == mf->size))
			return 1;
		vsr_warn("%s: present but its %s is %s, expected %s: downloading it again", dest, algo,
			 got, want);
		return 0;
	}
	recorded = data_pull_record_sha256(&p->rec, mf->path);
	if (mf->check && mf->check(dest, err)) {
		/* Recorded or not, a file the suite cannot read is fetched again. */
		vsr_warn("%s: present but not the file expected (%s): downloading it again", dest,
			 err);
		return 0;
	}
	if (recorded && !strcasecmp(recorded, d->sha256))
		return 1;
	if (recorded)
		vsr_warn("%s: changed since it was pulled (recorded sha256 %s, actual %s): "
			 "downloading it again",
			 dest, recorded, d->sha256);
	return 0;
}

/* Fetches the zip archive holding members of ds, once; returns its path or NULL. */
static const char *get_archive(struct pull *p, const struct manifest_dataset *ds,
			       const char *url, struct buf *zip, char *err)
{
	struct file_digest d;
	struct buf src = BUF_INIT;
	const char *base = strrchr(url, '/');
	int r;

	if (zip->len)
		return zip->ptr;
	data_pull_source_url(p, url, NULL, &src);
	url_redact(src.ptr, zip);
	printf("%-10s %s (the archive holding the %s files)\n", "fetching", zip->ptr, ds->name);
	buf_reset(zip);
	buf_addf(zip, "%s/%s/.%s", p->data_dir, ds->name, base ? base + 1 : "archive.zip");
	/* The URL names a commit, so the bytes of a .part cannot go stale: resume is safe. */
	p->fetch.resume = 1;
	r = fetch_file(&p->fetch, src.ptr, zip->ptr, base ? base + 1 : url, -1, DIGEST_UNPINNED,
		       &d, err);
	if (!r)
		r = unzip_member(zip->ptr, NULL, NULL, NULL, -1, NULL, NULL, err);
	buf_release(&src);
	if (r) {
		unlink(zip->ptr);
		buf_reset(zip);
		return NULL;
	}
	return zip->ptr;
}

static int pull_dataset(struct pull *p, const struct manifest_dataset *ds)
{
	struct buf dest = BUF_INIT, src = BUF_INIT, zip = BUF_INIT;
	struct tally t = { 0 };
	char err[VSR_ERR_MAX];
	size_t archive_failed = 0;

	for (size_t i = 0; i < ds->n_files; i++) {
		const struct manifest_file *mf = &ds->files[i];
		struct file_digest d;
		int r;

		buf_reset(&dest);
		buf_addf(&dest, "%s/%s", p->data_dir, mf->path);
		if (already_good(p, mf, dest.ptr, &d, err)) {
			char word[64];
			pin_word(mf->digest, word, sizeof(word));
			if (!digest_pin_is_pinned(mf->digest))
				snprintf(word, sizeof(word), "unpinned: matches the recorded sha256");
			printf("%-10s %s (%lld bytes, %s)\n", "present", mf->path, d.size, word);
			t.present++;
			if (digest_pin_is_pinned(mf->digest))
				t.verified++;
			else
				t.unverified++;
			if (!cJSON_GetObjectItemCaseSensitive(p->rec.files, mf->path))
				data_pull_record_put(&p->rec, ds->name, mf, &d, NULL, 0);
			continue;
		}
		if (mf->member && !p->mirror) {
			const char *z = archive_failed ? NULL : get_archive(p, ds, mf->url, &zip, err);
			if (!z) {
				if (!archive_failed)
					vsr_error("%s", err);
				archive_failed++;
				t.failed++;
				continue;
			}
			r = unzip_member(z, mf->member, dest.ptr, mf->path, mf->size, mf->digest, &d,
					 err);
			data_pull_source_url(p, mf->url, mf->path, &src);
			if (!r)
				note_done(p, ds, mf, &d, "extracted", 0, src.ptr, &t);
		} else {
			data_pull_source_url(p, mf->url, mf->path, &src);
			/* A mutable unpinned URL may have changed under an old .part: start over. */
			p->fetch.resume = digest_pin_is_pinned(mf->digest);
			p->fetch.check = mf->check;
			r = fetch_file(&p->fetch, src.ptr, dest.ptr, mf->path, mf->size, mf->digest, &d,
				       err);
			p->fetch.check = NULL;
			if (!r)
				note_done(p, ds, mf, &d,
					  p->fetch.resumed_from ? "resumed" : "downloaded",
					  p->fetch.resumed_from, src.ptr, &t);
		}
		if (r) {
			vsr_error("%s", err);
			t.failed++;
		} else {
			t.downloaded++;
		}
		fflush(stdout);
	}
	if (zip.len)
		unlink(zip.ptr); /* every member is out (or failed and will be fetched again) */
	if (archive_failed)
		vsr_error("%s: %zu files not extracted: their archive could not be used", ds->name,
			  archive_failed);
	if (data_pull_record_save(&p->rec, err)) {
		if (p->rec.needed) {
			vsr_error("%s", err);
			t.failed++;
		} else {
			/* Only pinned files: the record is informative (a read-only folder). */
			vsr_warn("%s (not needed: pinned files are checked against their pins)", err);
			p->rec.dirty = 0;
		}
	}
	printf("%s: %zu of %zu files verified in %s (%zu fetched, %zu already present)", ds->name,
	       t.verified, ds->n_files, p->data_dir, t.downloaded, t.present);
	if (t.unverified)
		printf("; %zu UNVERIFIED (no upstream digest; sha256 recorded in %s)", t.unverified,
		       DATA_RECORD_NAME);
	if (t.failed)
		printf("; %zu FAILED", t.failed);
	printf("\n");
	buf_release(&dest);
	buf_release(&src);
	buf_release(&zip);
	return t.failed ? VSR_EDATA : 0;
}

/* --list: what pull_dataset would fetch, one "URL<TAB>PATH" line each. */
static void list_dataset(struct pull *p, const struct manifest_dataset *ds)
{
	struct buf src = BUF_INIT;

	for (size_t i = 0; i < ds->n_files; i++) {
		const struct manifest_file *mf = &ds->files[i];

		data_pull_source_url(p, mf->url, mf->path, &src);
		if (mf->member && !p->mirror)
			printf("%s\t%s/%s\t(member %s of that zip)\n", src.ptr, p->data_dir, mf->path,
			       mf->member);
		else
			printf("%s\t%s/%s\n", src.ptr, p->data_dir, mf->path);
	}
	buf_release(&src);
}

/* Adds the datasets named by argv[optind..] to want[], in manifest order. */
static int select_datasets(int argc, char **argv, int first, int *want, int all_if_none,
			   char *err)
{
	int any = 0;

	for (int i = first; i < argc; i++) {
		const struct manifest_dataset *ds;

		if (!strcmp(argv[i], "all")) {
			for (size_t k = 0; k < manifest_n_datasets; k++)
				want[k] = 1;
			any = 1;
			continue;
		}
		ds = manifest_for(strcmp(argv[i], IMAGES_DATASET) && strcmp(argv[i], BOXES_DATASET)
					  ? argv[i]
					  : "vsr",
				  err);
		if (!ds)
			return VSR_EUSAGE;
		want[ds - manifest_datasets] = 1;
		any = 1;
	}
	if (!any && all_if_none)
		for (size_t k = 0; k < manifest_n_datasets; k++)
			want[k] = 1;
	return 0;
}

static const char pull_usage[] =
	"usage: vsrbench data pull SUITE|DATASET|all... [--data DIR] [--mirror URL] "
	"[--rewrite FROM=TO] [-j N] [--list] [--from-zip URL|PATH]...\n"
	"  datasets: vsr, mme, mmbench, seed, vsr-images, vsr-boxes (a suite name pulls its dataset)\n"
	"  --data DIR       the data folder (default $VSRBENCH_DATA, else $XDG_CACHE_HOME/vsrbench,\n"
	"                   else ~/.cache/vsrbench)\n"
	"  --mirror URL     fetch every file from URL/PATH, a server with the data folder's layout\n"
	"  --rewrite FROM=TO  fetch upstream URLs that start with FROM from TO instead (repeatable)\n"
	"  -j, --jobs N     parallel image downloads (default 8)\n"
	"  --list           print the URL and target path of every file instead of fetching\n"
	"  --from-zip URL|PATH  take a suite's images from a zip (repeatable) instead of\n"
	"                   downloading them one by one: VSR suites from COCO's train2017.zip\n"
	"                   and val2017.zip, seed-spatial from SEED-Bench-image.zip,\n"
	"                   mme-position from MME_Benchmark_release_version.zip; only the\n"
	"                   members the suite needs are read, each checked by its CRC-32; of\n"
	"                   an http(s) URL only the directory and those members' bytes are\n"
	"                   fetched, with Range requests (-j at a time)\n"
	"  vsr-boxes --from-zip annotations_trainval2017.zip  writes DATA/vsr/boxes.jsonl, the\n"
	"                   boxes the seed paper's box templates (vsre49-69) ask for\n"
	"  A VSR suite name (vsr-unified, vsr-random-test, ...) also fetches the COCO images its\n"
	"  items name into DATA/vsr/images/ (vsr-images: those of every validated caption);\n"
	"  they are decoded whole and their sha256 recorded on first download (trusted on\n"
	"  first use: COCO publishes no per-image digests).\n";

/* The getopt_long tables: parsed here, completed by cli/complete.c. */
const char data_pull_shortopts[] = ":hj:";
const struct option data_pull_longopts[] = {
	{ "data", required_argument, NULL, 'd' },
	{ "mirror", required_argument, NULL, 'm' },
	{ "rewrite", required_argument, NULL, 'w' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "list", no_argument, NULL, 'l' },
	{ "from-zip", required_argument, NULL, 'z' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int data_pull_main(int argc, char **argv)
{
	struct pull p;
	long jobs = 8;
	int list = 0;
	char err[VSR_ERR_MAX];
	char *mirror = NULL, *rewrite = NULL;
	const char *data = NULL;
	int *want = xcalloc(manifest_n_datasets, sizeof(int)), c, r = 0;

	memset(&p, 0, sizeof(p));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, data_pull_shortopts, data_pull_longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'j': {
			char *end;
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || jobs < 1 || jobs > 256) {
				vsr_error("-j %s: expected a number of parallel downloads, 1 to 256",
					  optarg);
				r = VSR_EUSAGE;
				goto out;
			}
			break;
		}
		case 'l':
			list = 1;
			break;
		case 'z':
			if (p.n_zips == MAX_ZIPS) {
				vsr_error("--from-zip: at most %d archives", MAX_ZIPS);
				r = VSR_EUSAGE;
				goto out;
			}
			if (!pull_zip_is_url(optarg) && access(optarg, R_OK) < 0) {
				vsr_error("--from-zip %s: %s", optarg, strerror(errno));
				r = VSR_EDATA;
				goto out;
			}
			p.zips[p.n_zips++] = optarg;
			break;
		case 'm':
			free(mirror);
			mirror = xstrdup(optarg);
			break;
		case 'w': {
			char *eq;
			if (p.n_rewrites == MAX_REWRITES) {
				vsr_error("--rewrite: at most %d", MAX_REWRITES);
				r = VSR_EUSAGE;
				goto out;
			}
			rewrite = xstrdup(optarg);
			eq = strchr(rewrite, '=');
			if (!eq || eq == rewrite || !eq[1]) {
				vsr_error("--rewrite %s: expected FROM=TO (URL prefixes)", rewrite);
				free(rewrite);
				r = VSR_EUSAGE;
				goto out;
			}
			*eq = '\0';
			p.rewrite_from[p.n_rewrites] = rewrite;
			p.rewrite_to[p.n_rewrites++] = eq + 1;
			rewrite = NULL;
			break;
		}
		case 'h':
			printf("%s", pull_usage);
			goto out;
		default:
			r = cmd_usage_error_opts(NULL, c, argv, "data pull", 0, data_pull_longopts);
			goto out;
		}
	}
	if (optind >= argc) {
		vsr_error("data pull: name a suite or dataset (vsr, mme, mmbench, seed, all)");
		r = VSR_EUSAGE;
		goto out;
	}
	if (select_datasets(argc, argv, optind, want, 0, err)) {
		vsr_error("%s", err);
		r = VSR_EUSAGE;
		goto out;
	}
	if (p.n_zips) {
		int any_images = 0;
		for (int i = optind; i < argc; i++) {
			const char *name = NULL;
			any_images |= pull_images_split(argv[i], &name) != NULL ||
				      !strcmp(argv[i], BOXES_DATASET) || pull_suite_images_kind(argv[i]);
		}
		if (!any_images) {
			vsr_error("--from-zip: the images of VSR suites (vsr-unified, vsr-images, ...), "
				  "SEED suites (seed-spatial), MME subtasks (mme-position) and vsr-boxes "
				  "can be taken from a zip; none of the names given is one");
			r = VSR_EUSAGE;
			goto out;
		}
	}
	if (mirror) {
		size_t n = strlen(mirror);
		if (strncmp(mirror, "http://", 7) && strncmp(mirror, "https://", 8)) {
			vsr_error("--mirror %s: expected an http:// or https:// URL", mirror);
			r = VSR_EUSAGE;
			goto out;
		}
		while (n > 8 && mirror[n - 1] == '/')
			mirror[--n] = '\0';
		p.mirror = mirror;
	}
	p.data_dir = data_dir_resolve(data);
	if (!p.data_dir) {
		vsr_error("no data folder: " VSR_NO_DEFAULT_DIR ": pass --data DIR or set VSRBENCH_DATA");
		r = VSR_EUSAGE;
		goto out;
	}
	if (mkdir_p(p.data_dir) < 0) {
		vsr_error("cannot create the data folder %s: %s", p.data_dir, strerror(errno));
		r = VSR_EDATA;
		goto out;
	}
	if ((r = record_load(&p.rec, p.data_dir, err))) {
		vsr_error("%s", err);
		goto out;
	}
	if ((r = fetch_init(&p.fetch, err))) {
		vsr_error("%s", err);
		goto out;
	}
	for (size_t k = 0; k < manifest_n_datasets; k++) {
		if (!want[k])
			continue;
		if (list)
			list_dataset(&p, &manifest_datasets[k]);
		else if (pull_dataset(&p, &manifest_datasets[k]))
			r = VSR_EDATA;
	}
	/*
	 * A dataset file that failed stops a pull over the network; with
	 * --from-zip the images come from archives the user has (an offline
	 * node with the suite's question file put there by hand), so they are
	 * taken all the same, from whatever question file is there.
	 */
	if (r && !p.n_zips)
		goto out;
	for (int i = optind; i < argc; i++) {
		const char *name = NULL;
		const struct vsr_split *split = pull_images_split(argv[i], &name);
		int seen = 0;

		for (int k = optind; k < i; k++)
			seen |= !strcmp(argv[k], argv[i]);
		if (split && !seen && pull_images(&p, split, name, (int)jobs, list))
			r = VSR_EDATA;
		if (!seen && p.n_zips && pull_suite_images_kind(argv[i]) &&
		    pull_suite_images(&p, argv[i], (int)jobs, list))
			r = VSR_EDATA;
		if (!strcmp(argv[i], BOXES_DATASET) && !seen) {
			int br = pull_boxes(&p, list);
			if (br)
				r = br;
		}
	}
	if (list && fflush(stdout)) {
		vsr_error("cannot write the list: %s", strerror(errno));
		r = VSR_EDATA;
	}
out:
	free(want);
	fetch_release(&p.fetch);
	record_release(&p.rec);
	free(mirror);
	free(rewrite);
	for (int i = 0; i < p.n_rewrites; i++)
		free(p.rewrite_from[i]);
	return r;
}

/* ---------------------------------------------------------------- verify */

/* The images `data pull` records per dataset (trusted on first use). */
static const struct image_set {
	const char *of, *dataset, *dir, *who;
} image_sets[] = {
	{ "vsr", IMAGES_DATASET, IMAGES_DIR, "COCO" },
	{ "seed", SEED_IMAGES_DATASET, "seed/images", "SEED-Bench" },
	{ "mme", MME_IMAGES_DATASET, "mme/MME_Benchmark_release_version", "MME" },
};

static const char verify_usage[] =
	"usage: vsrbench data verify [DATASET|SUITE|all]... [--data DIR]\n"
	"  re-hashes the pulled files: pinned ones against their pinned digests, unpinned ones\n"
	"  against the digest recorded when they were pulled.  Without a name: every dataset\n"
	"  with at least one file present.\n";

/* The getopt_long tables: parsed here, completed by cli/complete.c. */
const char data_verify_shortopts[] = ":h";
const struct option data_verify_longopts[] = {
	{ "data", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int data_verify_main(int argc, char **argv)
{
	struct record rec;
	struct buf path = BUF_INIT;
	char err[VSR_ERR_MAX];
	const char *data = NULL, *dir;
	int *want = NULL, c, r = 0, named;
	size_t ok = 0, bad = 0, missing = 0, unverified = 0, checked = 0;

	memset(&rec, 0, sizeof(rec));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, data_verify_shortopts, data_verify_longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'h':
			printf("%s", verify_usage);
			return 0;
		default:
			return cmd_usage_error_opts(NULL, c, argv, "data verify", 0, data_verify_longopts);
		}
	}
	named = optind < argc;
	want = xcalloc(manifest_n_datasets, sizeof(int));
	if (select_datasets(argc, argv, optind, want, 1, err)) {
		vsr_error("%s", err);
		free(want);
		return VSR_EUSAGE;
	}
	dir = data_dir_resolve(data);
	if (!dir) {
		vsr_error("no data folder: " VSR_NO_DEFAULT_DIR ": pass --data DIR or set VSRBENCH_DATA");
		r = VSR_EUSAGE;
		goto out;
	}
	if ((r = record_load(&rec, dir, err))) {
		vsr_error("%s", err);
		goto out;
	}
	for (size_t k = 0; k < manifest_n_datasets; k++) {
		const struct manifest_dataset *ds = &manifest_datasets[k];
		size_t present = 0;

		if (!want[k])
			continue;
		for (size_t i = 0; i < ds->n_files; i++) {
			buf_reset(&path);
			buf_addf(&path, "%s/%s", dir, ds->files[i].path);
			present += access(path.ptr, F_OK) == 0;
		}
		if (!present && !named) {
			printf("%-10s %s (nothing pulled; vsrbench data pull %s)\n", "absent", ds->name,
			       ds->name);
			continue;
		}
		for (size_t i = 0; i < ds->n_files; i++) {
			const struct manifest_file *mf = &ds->files[i];
			const char *algo, *want_hex, *got_hex, *recorded;
			struct file_digest d;
			int fr, cr;

			checked++;
			buf_reset(&path);
			buf_addf(&path, "%s/%s", dir, mf->path);
			fr = file_digest(path.ptr, &d, err);
			if (fr < 0) {
				struct stat st;
				buf_adds(&path, ".part");
				if (!stat(path.ptr, &st))
					printf("%-10s %s (a partial download of %lld bytes is there: "
					       "vsrbench data pull %s resumes it)\n",
					       "MISSING", mf->path, (long long)st.st_size, ds->name);
				else
					printf("%-10s %s\n", "MISSING", mf->path);
				missing++;
				continue;
			}
			if (fr) {
				vsr_error("%s", err);
				bad++;
				continue;
			}
			cr = digest_check(mf->digest, &d, &algo, &want_hex, &got_hex);
			if (mf->check && mf->check(path.ptr, err)) {
				/* Unpinned, so only its content can tell it is not the file. */
				printf("%-10s %s\n", "BAD", mf->path);
				vsr_error("%s; vsrbench data pull %s fetches it again", err, ds->name);
				bad++;
			} else if (cr > 0 && (mf->size < 0 || d.size == mf->size)) {
				printf("%-10s %s (%s verified)\n", "ok", mf->path, algo);
				ok++;
			} else if (cr != 0) {
				printf("%-10s %s\n", "MISMATCH", mf->path);
				vsr_error("%s: %s mismatch: expected %s, actual %s (%lld bytes)", path.ptr,
					  algo, want_hex, got_hex, d.size);
				bad++;
			} else if ((recorded = data_pull_record_sha256(&rec, mf->path)) == NULL) {
				printf("%-10s %s (upstream publishes no digest and %s has no record "
				       "of it: cannot tell whether it is intact)\n",
				       "UNVERIFIED", mf->path, DATA_RECORD_NAME);
				unverified++;
			} else if (!strcasecmp(recorded, d.sha256)) {
				printf("%-10s %s (unpinned upstream: matches the sha256 recorded when "
				       "it was pulled, not an upstream digest)\n",
				       "unchanged", mf->path);
				unverified++;
			} else {
				printf("%-10s %s\n", "CHANGED", mf->path);
				vsr_error("%s: sha256 changed since it was pulled: expected (recorded) %s, "
					  "actual %s (%lld bytes)",
					  path.ptr, recorded, d.sha256, d.size);
				bad++;
			}
		}
	}
	for (size_t ik = 0; ik < sizeof(image_sets) / sizeof(image_sets[0]); ik++) {
		/* Images pulled for a suite: against the sha256 recorded on first download. */
		const struct image_set *is = &image_sets[ik];
		size_t same = 0, n_img = 0;
		const cJSON *e;

		if (!want[manifest_find(is->of) - manifest_datasets])
			continue;

		cJSON_ArrayForEach(e, rec.files)
		{
			const char *ds = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "dataset"));
			const char *recorded = data_pull_record_sha256(&rec, e->string);
			struct file_digest d;
			int fr;

			if (!ds || strcmp(ds, is->dataset) || !recorded)
				continue;
			n_img++;
			checked++;
			buf_reset(&path);
			buf_addf(&path, "%s/%s", dir, e->string);
			fr = file_digest(path.ptr, &d, err);
			if (fr < 0) {
				printf("%-10s %s\n", "MISSING", e->string);
				missing++;
			} else if (fr) {
				vsr_error("%s", err);
				bad++;
			} else if (strcasecmp(recorded, d.sha256)) {
				printf("%-10s %s\n", "CHANGED", e->string);
				vsr_error("%s: sha256 changed since it was pulled: expected (recorded) %s, "
					  "actual %s (%lld bytes)",
					  path.ptr, recorded, d.sha256, d.size);
				bad++;
			} else {
				same++;
				unverified++;
			}
		}
		if (n_img)
			printf("%-10s %s: %zu of %zu images match the sha256 recorded when they were "
			       "pulled (trusted on first use: %s publishes no per-image digests)\n",
			       same == n_img ? "unchanged" : "CHANGED", is->dir, same, n_img, is->who);
	}
	printf("verify: %zu verified, %zu unpinned, %zu mismatched, %zu missing in %s\n", ok,
	       unverified, bad, missing, dir);
	if (!checked) {
		vsr_error("nothing to verify in %s (vsrbench data pull SUITE first)", dir);
		r = VSR_EDATA;
	} else if (bad || missing) {
		r = VSR_EDATA;
	}
out:
	free(want);
	record_release(&rec);
	buf_release(&path);
	return r;
}
