/*
 * The MME loader: the real eval-tool lists (question counts per subtask,
 * pairs), the suites on them, the release-folder layout, missing and unsafe
 * images, and FILE:LINE errors on malformed lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "suites/mme.h"
#include "suites/suite.h"
#include "suites/template.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/vsr-test-mme-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *shared(void)
{
	const char *root = getenv("VSRBENCH_SHARED_DATA");
	static char probe[512];

	if (!root)
		return NULL;
	snprintf(probe, sizeof(probe), "%s/mme/eval_tool/Your_Results/position.txt", root);
	return access(probe, R_OK) ? NULL : root;
}

static void put(const char *rel, const char *text)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	for (char *s = p + strlen(tmp) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/*
 * An image file the suites' check takes (suites/imgcheck.h): a GIF's
 * header and trailer around a tag, so that different tags give different
 * bytes (digests).  Printable, so put() writes it.
 */
#define GIF_HEAD "GIF89aAAAAAAA"
#define IMG(tag) GIF_HEAD tag ";"

static void put_image(const char *rel, const char *tag)
{
	char text[512];

	snprintf(text, sizeof(text), IMG("%s"), tag);
	put(rel, text);
}

/* ---- the real lists ---------------------------------------------------- */

struct counts {
	size_t questions, images, yes_first, no_second, fullwidth;
};

static int count_line(const struct mme_line *ml, void *p)
{
	struct counts *c = p;

	c->questions++;
	if (ml->nth == 1) {
		c->images++;
		c->yes_first += ml->label == ANS_YES;
	} else {
		c->no_second += ml->label == ANS_NO;
	}
	c->fullwidth += strstr(ml->question, "\xef\xbc\x9f") != NULL;
	assert_null(ml->response);
	return 0;
}

/* Lines of a file counted the plain way: its newline bytes. */
static size_t newlines(const char *path)
{
	FILE *fp = fopen(path, "rb");
	size_t n = 0;
	int c;

	assert_non_null(fp);
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

static void test_real_lists(void **state)
{
	/* Images per subtask as the MME paper (arXiv:2306.13394) lists them; two questions each. */
	static const struct {
		const char *name;
		size_t images;
	} want[] = {
		{ "existence", 30 }, { "count", 30 }, { "position", 30 }, { "color", 30 },
		{ "posters", 147 }, { "celebrity", 170 }, { "scene", 200 }, { "landmark", 200 },
		{ "artwork", 200 }, { "OCR", 20 }, { "commonsense_reasoning", 70 },
		{ "numerical_calculation", 20 }, { "text_translation", 20 }, { "code_reasoning", 20 },
	};
	const char *root = shared();
	size_t n, total = 0;
	const struct mme_subtask *t = mme_subtasks(&n);
	char err[VSR_ERR_MAX];

	(void)state;
	if (!root) {
		fprintf(stderr, "test_real_lists: no $VSRBENCH_SHARED_DATA/mme, skipped\n");
		skip();
	}
	assert_int_equal(n, 14);
	for (size_t i = 0; i < n; i++) {
		char path[512];
		struct counts c = { 0 };

		assert_string_equal(t[i].name, want[i].name);
		assert_int_equal(t[i].cognition, i >= 10);
		snprintf(path, sizeof(path), "%s/mme/eval_tool/Your_Results/%s.txt", root, t[i].name);
		if (mme_list_scan(path, count_line, &c, err))
			fail_msg("%s", err);
		assert_int_equal(c.questions, newlines(path));
		assert_int_equal(c.images, want[i].images);
		assert_int_equal(c.questions, 2 * want[i].images);
		/* SOURCE.md: in every file a pair's first question is Yes, the second No. */
		assert_int_equal(c.yes_first, c.images);
		assert_int_equal(c.no_second, c.images);
		if (!strcmp(t[i].name, "position"))
			assert_int_equal(c.fullwidth, 2); /* lines 15 and 16 */
		total += c.questions;
	}
	assert_int_equal(total, 2374);
	assert_non_null(mme_subtask_find("OCR"));
	assert_null(mme_subtask_find("ocr"));
}

/* The answered lists of LaVIN: a 4th column on every line. */
static int has_response(const struct mme_line *ml, void *p)
{
	(void)p;
	assert_non_null(ml->response);
	return 0;
}

static void test_answered_lists(void **state)
{
	const char *root = shared();
	char path[512], err[VSR_ERR_MAX];

	(void)state;
	if (!root)
		skip();
	snprintf(path, sizeof(path), "%s/mme/eval_tool/LaVIN/position.txt", root);
	assert_int_equal(mme_list_scan(path, has_response, NULL, err), 0);
}

/* ---- the suite on the real position list -------------------------------- */

static int names_to_files(const struct mme_line *ml, void *p)
{
	char rel[256];

	(void)p;
	snprintf(rel, sizeof(rel), "imgs/%s", ml->image);
	put_image(rel, ml->image); /* different names, different digests */
	return 0;
}

static int open_suite(const char *suite, const char *data, const char *const *dirs,
		      size_t n_dirs, const struct kv *opts, size_t n_opts, int skip_missing,
		      void **priv, char *err)
{
	const struct suite_preset *p = suite_lookup(suite);
	struct suite_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.data_dir = data;
	cfg.image_dirs = dirs;
	cfg.n_image_dirs = n_dirs;
	cfg.opts = opts;
	cfg.n_opts = n_opts;
	cfg.skip_missing_images = skip_missing;
	assert_non_null(p);
	return p->ops->open(p, &cfg, priv, err);
}

static void test_position_suite(void **state)
{
	const char *root = shared();
	char path[512], imgs[256], err[VSR_ERR_MAX];
	const char *dirs[1] = { imgs };
	struct template_set ts;
	struct item it;
	void *priv;
	size_t k = 0;
	uint64_t pair_digest = 0;

	(void)state;
	if (!root)
		skip();
	snprintf(path, sizeof(path), "%s/mme/eval_tool/Your_Results/position.txt", root);
	assert_int_equal(mme_list_scan(path, names_to_files, NULL, err), 0);
	snprintf(imgs, sizeof(imgs), "%s/imgs", tmp);
	assert_ptr_equal(suite_find("mme-position"), &mme_suite_ops);
	assert_string_equal(mme_suite_ops.default_templates, "q01");
	assert_int_equal(template_set_load(&ts, "q01", err), 0);
	if (open_suite("mme-position", root, dirs, 1, NULL, 0, 0, &priv, err))
		fail_msg("%s", err);
	assert_int_equal(mme_suite_ops.count(priv), 60);
	while (mme_suite_ops.next(priv, &it, err) == 1) {
		struct buf prompt = BUF_INIT;
		char want[128];
		k++;
		assert_string_equal(it.suite, "mme-position");
		assert_string_equal(it.category, "position");
		assert_int_equal(it.label, k % 2 ? ANS_YES : ANS_NO);
		assert_non_null(it.group);
		snprintf(want, sizeof(want), "%s#%d", it.group, k % 2 ? 1 : 2);
		assert_string_equal(it.id, want);
		assert_true(!strncmp(it.id, "position/000000", 15));
		assert_int_equal(it.n_choices, 0);
		if (k % 2)
			pair_digest = it.image_digest;
		else
			assert_true(it.image_digest == pair_digest); /* one image, one digest */
		/* q01 asks the question as it is. */
		assert_int_equal(template_expand(&ts.t[0], &it, &prompt, err), 0);
		assert_string_equal(prompt.ptr, it.question);
		if (k == 1)
			assert_string_equal(it.question,
					    "Is the cricket bat above the batter's body? Please answer yes or no.");
		if (k == 2) /* no question mark at all */
			assert_string_equal(it.question,
					    "Is the cricket bat under the batter's body Please answer yes or no.");
		if (k == 15) /* the full-width question mark survives */
			assert_non_null(strstr(it.question, "image\xef\xbc\x9f Please"));
		if (k == 1) {
			struct image img = { 0 };
			assert_int_equal(mme_suite_ops.load_image(priv, &it, &img, err), 0);
			assert_int_equal(img.len, strlen(IMG("000000006471.jpg")));
			image_release(&img);
		}
		buf_release(&prompt);
		item_release(&it);
	}
	assert_int_equal(k, 60);
	mme_suite_ops.close(priv);
	template_set_release(&ts);

	/* One image missing: an error naming how many and which, before any request. */
	snprintf(path, sizeof(path), "%s/imgs/000000007281.jpg", tmp);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(open_suite("mme-position", root, dirs, 1, NULL, 0, 0, &priv, err),
			 VSR_EDATA);
	assert_non_null(strstr(err, "1 of the 30 images of mme-position"));
	assert_non_null(strstr(err, "000000007281.jpg"));
	/* Or skipped, with its two questions. */
	assert_int_equal(open_suite("mme-position", root, dirs, 1, NULL, 0, 1, &priv, err), 0);
	assert_int_equal(mme_suite_ops.count(priv), 58);
	mme_suite_ops.close(priv);
	/* No --images at all. */
	assert_int_equal(open_suite("mme-position", root, NULL, 0, NULL, 0, 0, &priv, err),
			 VSR_EDATA);
	assert_non_null(strstr(err, "30 of the 30 images"));
	/* It names the folder `data pull mme-position --from-zip` fills, not an --images never given. */
	snprintf(path, sizeof(path), "are not under %s/mme/MME_Benchmark_release_version/position (first:",
		 root);
	assert_non_null(strstr(err, path));
}

static void test_inspect_groups(void **state)
{
	const char *root = shared();
	struct suite_config cfg;
	char *text = NULL, err[VSR_ERR_MAX];
	size_t size = 0;
	FILE *fp;

	(void)state;
	if (!root)
		skip();
	memset(&cfg, 0, sizeof(cfg));
	cfg.data_dir = root;
	fp = open_memstream(&text, &size);
	assert_int_equal(mme_suite_ops.inspect(suite_lookup("mme-perception"), &cfg, fp, err), 0);
	assert_int_equal(mme_suite_ops.inspect(suite_lookup("mme-cognition"), &cfg, fp, err), 0);
	assert_int_equal(mme_suite_ops.inspect(suite_lookup("mme-ocr"), &cfg, fp, err), 0);
	fclose(fp);
	/* 60*4 + 294 + 340 + 400*3 + 40 = 2114; 140 + 40*3 = 260. */
	assert_non_null(strstr(text, "2114 questions about 1057 images"));
	assert_non_null(strstr(text, "260 questions about 130 images"));
	assert_non_null(strstr(text, "40 questions about 20 images"));
	free(text);
}

/* ---- fixtures: layouts and errors ---------------------------------------- */

static void expect_list_error(const char *list, const char *want)
{
	char dir[128], err[VSR_ERR_MAX];
	struct kv opt = { "dir", dir };
	const char *imgs[1] = { dir };
	void *priv = NULL;
	int r;

	snprintf(dir, sizeof(dir), "%s/lists", tmp);
	put("lists/position.txt", list);
	r = open_suite("mme-position", "/nonexistent", imgs, 1, &opt, 1, 0, &priv, err);
	if (r != VSR_EDATA || !strstr(err, want))
		fail_msg("expected '%s', got %d: %s", want, r, r ? err : "(success)");
	assert_null(priv);
}

/* Does s (an item's where) end with tail? */
static int ends_with(const char *s, const char *tail)
{
	size_t n = s ? strlen(s) : 0, m = strlen(tail);

	if (n < m || strcmp(s + n - m, tail))
		print_error("'%s' does not end with '%s'\n", s ? s : "(null)", tail);
	return n >= m && !strcmp(s + n - m, tail);
}

static void test_bad_lists(void **state)
{
	(void)state;
	put("lists/a.jpg", IMG("A"));
	put("lists/b.jpg", IMG("B"));
	expect_list_error("a.jpg\tQ1?\tYes\na.jpg\tQ2?\tNo\nb.jpg\tQ3?\n",
			  "lists/position.txt:3: 2 tab-separated columns");
	expect_list_error("a.jpg\tQ1?\tYes\na.jpg\tQ2?\tMaybe\n",
			  "lists/position.txt:2: ground truth 'Maybe'");
	expect_list_error("a.jpg\tQ1?\tYes\nb.jpg\tQ2?\tNo\n",
			  "lists/position.txt:2: image b.jpg, but the question on line 1");
	expect_list_error("a.jpg\tQ1?\tYes\na.jpg\tQ2?\tNo\nb.jpg\tQ3?\tYes\n",
			  "lists/position.txt:3: the last question has no pair");
	expect_list_error("a.jpg\tQ1?\tYes\tyes\textra\n", "lists/position.txt:1: 5 tab-separated");
	expect_list_error("", "lists/position.txt: no questions");
	/* A name that leaves the image root: refused, with FILE:LINE. */
	expect_list_error("../evil.jpg\tQ1?\tYes\n../evil.jpg\tQ2?\tNo\n",
			  "lists/position.txt:1: image name '../evil.jpg'");
	expect_list_error("/etc/passwd\tQ1?\tYes\n/etc/passwd\tQ2?\tNo\n",
			  "lists/position.txt:1: image name '/etc/passwd'");
	/* A symlink that leads out of the root. */
	{
		char target[128], link[128];
		snprintf(target, sizeof(target), "%s/outside.jpg", tmp);
		put("outside.jpg", IMG("X"));
		snprintf(link, sizeof(link), "%s/lists/c.jpg", tmp);
		assert_int_equal(symlink(target, link), 0);
		expect_list_error("c.jpg\tQ1?\tYes\nc.jpg\tQ2?\tNo\n", "leads out of");
	}
	/* Blank lines are no questions; CRLF line ends are fine. */
	{
		char dir[128], err[VSR_ERR_MAX];
		struct kv opt = { "dir", dir };
		const char *imgs[1] = { dir };
		void *priv;
		struct item it;
		snprintf(dir, sizeof(dir), "%s/lists", tmp);
		put("lists/position.txt", "a.jpg\tQ1?\tYes\r\n\na.jpg\tQ2?\tno\r\n");
		if (open_suite("mme-position", "/nonexistent", imgs, 1, &opt, 1, 0, &priv, err))
			fail_msg("%s", err);
		assert_int_equal(mme_suite_ops.count(priv), 2);
		assert_int_equal(mme_suite_ops.next(priv, &it, err), 1);
		assert_string_equal(it.question, "Q1?");
		assert_true(ends_with(it.where, "/lists/position.txt:1"));
		item_release(&it);
		assert_int_equal(mme_suite_ops.next(priv, &it, err), 1);
		assert_int_equal(it.label, ANS_NO);
		/* Line 2 is blank: the second question is on line 3. */
		assert_true(ends_with(it.where, "/lists/position.txt:3"));
		item_release(&it);
		assert_int_equal(mme_suite_ops.next(priv, &it, err), 0);
		mme_suite_ops.close(priv);
	}
}

static void test_release_layout(void **state)
{
	char root[128], err[VSR_ERR_MAX];
	struct kv opt = { "dir", root };
	void *priv;
	struct item it;

	(void)state;
	snprintf(root, sizeof(root), "%s/MME_Benchmark_release_version", tmp);
	/* position: images/ and questions_answers_YN/; count: side by side, a PNG. */
	put("MME_Benchmark_release_version/position/images/000000000002.jpg", IMG("jpg2"));
	put("MME_Benchmark_release_version/position/images/000000000001.jpg", IMG("jpg1"));
	put("MME_Benchmark_release_version/position/questions_answers_YN/000000000002.txt",
	    "Is B left? Please answer yes or no.\tYes\nIs B right? Please answer yes or no.\tNo\n");
	put("MME_Benchmark_release_version/position/questions_answers_YN/000000000001.txt",
	    "Is A up? Please answer yes or no.\tYes\r\nIs A down? Please answer yes or no.\tNo\r\n");
	if (open_suite("mme-position", "/nonexistent", NULL, 0, &opt, 1, 0, &priv, err))
		fail_msg("%s", err);
	assert_int_equal(mme_suite_ops.count(priv), 4);
	/* Sorted by file name, whatever order the directory lists them in. */
	assert_int_equal(mme_suite_ops.next(priv, &it, err), 1);
	assert_string_equal(it.id, "position/000000000001.jpg#1");
	assert_string_equal(it.group, "position/000000000001.jpg");
	assert_string_equal(it.question, "Is A up? Please answer yes or no.");
	assert_int_equal(it.label, ANS_YES);
	item_release(&it);
	assert_int_equal(mme_suite_ops.next(priv, &it, err), 1);
	assert_string_equal(it.id, "position/000000000001.jpg#2");
	assert_int_equal(it.label, ANS_NO);
	assert_true(ends_with(it.where, "/position/questions_answers_YN/000000000001.txt:2"));
	item_release(&it);
	assert_int_equal(mme_suite_ops.next(priv, &it, err), 1);
	assert_string_equal(it.id, "position/000000000002.jpg#1");
	item_release(&it);
	mme_suite_ops.close(priv);

	put("MME_Benchmark_release_version/count/a.png", IMG("png"));
	put("MME_Benchmark_release_version/count/a.txt", "How many? Please answer yes or no.\tYes\n"
							  "How few? Please answer yes or no.\tNo\n");
	if (open_suite("mme-count", "/nonexistent", NULL, 0, &opt, 1, 0, &priv, err))
		fail_msg("%s", err);
	assert_int_equal(mme_suite_ops.next(priv, &it, err), 1);
	assert_string_equal(it.id, "count/a.png#1");
	item_release(&it);
	mme_suite_ops.close(priv);

	/* One question only in a file: an error naming it. */
	put("MME_Benchmark_release_version/count/b.png", IMG("png"));
	put("MME_Benchmark_release_version/count/b.txt", "Lonely? Please answer yes or no.\tYes\n");
	assert_int_equal(open_suite("mme-count", "/nonexistent", NULL, 0, &opt, 1, 0, &priv, err),
			 VSR_EDATA);
	assert_non_null(strstr(err, "count/b.txt: 1 questions, expected 2"));
	/* The image of a question file is missing. */
	put("MME_Benchmark_release_version/color/questions_answers_YN/z.txt", "A?\tYes\nB?\tNo\n");
	{
		char p[256];
		snprintf(p, sizeof(p), "%s/MME_Benchmark_release_version/color/images", tmp);
		mkdir(p, 0755);
	}
	assert_int_equal(open_suite("mme-color", "/nonexistent", NULL, 0, &opt, 1, 0, &priv, err),
			 VSR_EDATA);
	assert_non_null(strstr(err, "z.jpg"));
	/* Unknown option, and no data at all. */
	{
		struct kv bad = { "layout", "x" };
		assert_int_equal(open_suite("mme-count", "/nonexistent", NULL, 0, &bad, 1, 0, &priv,
					    err),
				 VSR_EUSAGE);
		assert_non_null(strstr(err, "unknown option 'layout'"));
		assert_int_equal(open_suite("mme-scene", "/nonexistent", NULL, 0, NULL, 0, 0, &priv,
					    err),
				 VSR_EDATA);
		assert_non_null(strstr(err, "MME subtask scene"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lists),
		cmocka_unit_test(test_answered_lists),
		cmocka_unit_test_setup_teardown(test_position_suite, setup, teardown),
		cmocka_unit_test(test_inspect_groups),
		cmocka_unit_test_setup_teardown(test_bad_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_layout, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
