/*
 * SEED-Bench: the question file as released (questions + question_type),
 * dimensions looked up by name (also when a release swapped the ids of
 * Instance Attributes and Instance Location), the count warning, images by
 * data_id, video and multi-image questions, and errors naming FILE:LINE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "suites/seed.h"
#include "suites/suite.h"

static char tmp[64], qfile[128], imgs[128];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/vsr-test-seed-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	snprintf(qfile, sizeof(qfile), "%s/SEED-Bench.json", tmp);
	snprintf(imgs, sizeof(imgs), "%s/images", tmp);
	return mkdir(imgs, 0755);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *p, const char *text)
{
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/*
 * An image file the suites' check takes (suites/imgcheck.h): a GIF's
 * header and trailer around its name (different names, different bytes).
 */
#define GIF_HEAD "GIF89aAAAAAAA"

static void image(const char *name)
{
	char p[256], text[256];

	snprintf(p, sizeof(p), "%s/%s", imgs, name);
	snprintf(text, sizeof(text), GIF_HEAD "%s;", name);
	put(p, text);
}

static void question(struct buf *b, const char *id, int type, const char *data_id,
		     const char *data_type, const char *answer)
{
	buf_addf(b,
		 "%s    {\"answer\": \"%s\", \"choice_a\": \"one %s\", \"choice_b\": \"two\", "
		 "\"choice_c\": \"three\", \"choice_d\": \"four\", \"data_id\": %s, "
		 "\"data_type\": \"%s\", \"question\": \"Where is thing %s?\", "
		 "\"question_id\": \"%s\", \"question_type_id\": %d}",
		 b->len > 20 ? ",\n" : "", answer, id, data_id, data_type, id, id, type);
}

/* SEED-Bench-1's layout; `swapped` gives Instance Location id 3 and Attributes 4. */
static void write_file(int swapped)
{
	struct buf b = BUF_INIT;
	int loc = swapped ? 3 : 4, attr = swapped ? 4 : 3;

	buf_adds(&b, "{\n  \"questions\": [\n");
	question(&b, "101", attr, "\"1_a\"", "image", "A");
	question(&b, "102", loc, "\"1_b\"", "image", "B");
	question(&b, "103", 6, "\"1_c.jpg\"", "image", "C");
	question(&b, "104", loc, "\"1_d\"", "image", "D");
	question(&b, "105", 6, "\"1_e\"", "image", " A");
	question(&b, "v1", 10, "\"94328.webm\"", "video", "B");
	buf_adds(&b, "\n  ],\n  \"question_type\": {\"Scene Understanding\": 1, \"Instance Identity\": 2, ");
	buf_addf(&b, "\"Instance Attributes\": %d, \"Instance Location\": %d, \"Instances Counting\": 5, "
		     "\"Spatial Relation\": 6, \"Instance Interaction\": 7, \"Visual Reasoning\": 8, "
		     "\"Text Understanding\": 9, \"Action Recognition\": 10, \"Action Prediction\": 11, "
		     "\"Procedure Understanding\": 12}\n}\n",
		 attr, loc);
	put(qfile, b.ptr);
	buf_release(&b);
	image("1_a.jpg");
	image("1_b.jpg");
	image("1_c.jpg");
	image("1_d.png");
	image("1_e"); /* no extension at all */
}

static int open_seed(const char *suite, const char *dim, int with_images, int skip_missing,
		     void **priv, char *err)
{
	const struct suite_preset *p = suite_lookup(suite);
	struct suite_config cfg;
	struct kv opts[2] = { { "file", qfile }, { "dimension", dim } };
	const char *dirs[1] = { imgs };

	memset(&cfg, 0, sizeof(cfg));
	cfg.data_dir = "/nonexistent";
	cfg.opts = opts;
	cfg.n_opts = dim ? 2 : 1;
	cfg.image_dirs = with_images ? dirs : NULL;
	cfg.n_image_dirs = with_images ? 1 : 0;
	cfg.skip_missing_images = skip_missing;
	assert_non_null(p);
	return p->ops->open(p, &cfg, priv, err);
}

/* Runs f with stderr going to a file; returns what was written (caller frees). */
static char *capture_stderr(int (*f)(void **), void **arg)
{
	char p[128];
	struct buf out = BUF_INIT;
	int saved = dup(2), fd;

	snprintf(p, sizeof(p), "%s/stderr", tmp);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	assert_int_equal(f(arg), 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	out.max = 1 << 20;
	assert_int_equal(buf_read_file(&out, p), 0);
	return buf_detach(&out, NULL);
}

static int open_spatial(void **priv)
{
	char err[VSR_ERR_MAX];
	int r = open_seed("seed-spatial", NULL, 1, 0, priv, err);

	if (r)
		fprintf(stdout, "%s\n", err);
	return r;
}

struct want {
	const char *id, *dim, *label, *choice_a;
};

static void check(void *priv, const struct want *w, size_t n)
{
	char err[VSR_ERR_MAX];
	struct item it;
	size_t k = 0;

	assert_int_equal(seed_suite_ops.count(priv), (long)n);
	while (seed_suite_ops.next(priv, &it, err) == 1) {
		assert_true(k < n);
		assert_string_equal(it.id, w[k].id);
		assert_string_equal(it.category, w[k].dim);
		assert_string_equal(answer_name(it.label), w[k].label);
		assert_int_equal(it.n_choices, 4);
		assert_string_equal(it.choices[0], w[k].choice_a);
		assert_string_equal(it.choices[3], "four");
		assert_non_null(it.image_path);
		assert_true(it.image_digest != 0);
		item_release(&it);
		k++;
	}
	assert_int_equal(k, n);
}

static void test_by_name(void **state)
{
	static const struct want want[] = {
		{ "102", "Instance Location", "B", "one 102" },
		{ "103", "Spatial Relation", "C", "one 103" },
		{ "104", "Instance Location", "D", "one 104" },
		{ "105", "Spatial Relation", "A", "one 105" },
	};
	void *priv = NULL;
	char *text;

	(void)state;
	write_file(0);
	assert_string_equal(seed_suite_ops.default_templates, "mc01");
	text = capture_stderr(open_spatial, &priv);
	/* Two dimensions far from SEED-Bench-1's 657 and 978: both named. */
	assert_non_null(strstr(text, "\"Spatial Relation\" (id 6) has 2 questions, SEED-Bench-1 has 657"));
	assert_non_null(strstr(text, "\"Instance Location\" (id 4) has 2 questions, SEED-Bench-1 has 978"));
	free(text);
	check(priv, want, 4);
	{
		/* The image of a question, found as data_id + ".png". */
		struct item it;
		struct image img = { 0 };
		char err[VSR_ERR_MAX];
		seed_suite_ops.close(priv);
		assert_int_equal(open_seed("seed-spatial", NULL, 1, 0, &priv, err), 0);
		for (int k = 0; k < 2; k++) {
			assert_int_equal(seed_suite_ops.next(priv, &it, err), 1);
			item_release(&it);
		}
		assert_int_equal(seed_suite_ops.next(priv, &it, err), 1);
		assert_non_null(strstr(it.image_path, "1_d.png"));
		assert_int_equal(seed_suite_ops.load_image(priv, &it, &img, err), 0);
		assert_int_equal(img.len, strlen(GIF_HEAD "1_d.png;"));
		assert_memory_equal(img.bytes, GIF_HEAD "1_d.png;", img.len);
		image_release(&img);
		item_release(&it);
	}
	seed_suite_ops.close(priv);
}

static void test_swapped_ids(void **state)
{
	/*
	 * This release gives Instance Location id 3 (and its questions type 3) and
	 * Instance Attributes id 4: by name, the same questions as before; by a
	 * hard-coded id 4 it would be 101, an attribute question.
	 */
	static const struct want want[] = {
		{ "102", "Instance Location", "B", "one 102" },
		{ "103", "Spatial Relation", "C", "one 103" },
		{ "104", "Instance Location", "D", "one 104" },
		{ "105", "Spatial Relation", "A", "one 105" },
	};
	void *priv = NULL;
	char *text;

	(void)state;
	write_file(1);
	text = capture_stderr(open_spatial, &priv);
	assert_non_null(strstr(text, "\"Instance Location\" (id 3) has 2 questions"));
	free(text);
	check(priv, want, 4);
	seed_suite_ops.close(priv);
}

static void test_dimensions(void **state)
{
	char err[VSR_ERR_MAX];
	void *priv;

	(void)state;
	write_file(0);
	/* Every single-image question; the video one is left out. */
	assert_int_equal(open_seed("seed", NULL, 1, 0, &priv, err), 0);
	assert_int_equal(seed_suite_ops.count(priv), 5);
	seed_suite_ops.close(priv);
	assert_int_equal(open_seed("seed", "instance attributes", 1, 0, &priv, err), 0);
	assert_int_equal(seed_suite_ops.count(priv), 1);
	seed_suite_ops.close(priv);
	/* A video dimension asked for by name: an error, not silence. */
	assert_int_equal(open_seed("seed", "Action Recognition", 1, 0, &priv, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "dimension 'Action Recognition' has questions about videos"));
	/* A name the file's map lacks: the names it has. */
	assert_int_equal(open_seed("seed", "Spatial Relations", 1, 0, &priv, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "no dimension 'Spatial Relations'"));
	assert_non_null(strstr(err, "Spatial Relation, Instance Interaction"));
	/* Missing images: counted and named, or skipped. */
	assert_int_equal(open_seed("seed-spatial", NULL, 0, 0, &priv, err), VSR_EDATA);
	/* Without --images the suite looks where `data pull seed-spatial --from-zip` puts them. */
	assert_non_null(strstr(err, "4 of the images of seed-spatial are not under "
				    "/nonexistent/seed/images"));
	assert_non_null(strstr(err, "vsrbench data pull seed-spatial --from-zip SEED-Bench-image.zip "
				    "fetches them"));
	assert_non_null(strstr(err, "1_b"));
	{
		char p[256];
		snprintf(p, sizeof(p), "%s/1_b.jpg", imgs);
		unlink(p);
	}
	assert_int_equal(open_seed("seed-spatial", NULL, 1, 1, &priv, err), 0);
	assert_int_equal(seed_suite_ops.count(priv), 3);
	seed_suite_ops.close(priv);
	assert_string_equal(seed2_dimension_name(4), "Instance Location");
	assert_string_equal(seed2_dimension_name(6), "Spatial Relation");
	assert_null(seed2_dimension_name(0));
	assert_null(seed2_dimension_name(28));
}

static void test_bad_files(void **state)
{
	char err[VSR_ERR_MAX];
	void *priv;

	(void)state;
	put(qfile, "{\n  \"questions\": [\n    {\"answer\": \"A\",\n    oops\n  ]\n}\n");
	assert_int_equal(open_seed("seed", NULL, 1, 0, &priv, err), VSR_EDATA);
	assert_non_null(strstr(err, "SEED-Bench.json:4: not valid JSON"));
	put(qfile, "[1, 2]");
	assert_int_equal(open_seed("seed", NULL, 1, 0, &priv, err), VSR_EDATA);
	assert_non_null(strstr(err, "expected an object with \"questions\""));
	put(qfile, "{\"questions\": [{\"answer\": \"E\", \"choice_a\": \"a\", \"choice_b\": \"b\", "
		   "\"choice_c\": \"c\", \"choice_d\": \"d\", \"data_id\": \"x\", \"question\": \"q\", "
		   "\"question_id\": \"7\", \"question_type_id\": 6}], "
		   "\"question_type\": {\"Spatial Relation\": 6, \"Instance Location\": 4}}");
	assert_int_equal(open_seed("seed", NULL, 1, 0, &priv, err), VSR_EDATA);
	assert_non_null(strstr(err, "question 7: answer is not one of A, B, C, D"));
	put(qfile, "{\"questions\": [{\"answer\": \"A\", \"question_id\": \"8\", "
		   "\"question_type_id\": 13}], \"question_type\": {\"Spatial Relation\": 6}}");
	assert_int_equal(open_seed("seed", NULL, 1, 0, &priv, err), VSR_EDATA);
	assert_non_null(strstr(err, "question 8 has question_type_id 13"));
	{
		struct kv bad = { "split", "x" };
		struct suite_config cfg;
		memset(&cfg, 0, sizeof(cfg));
		cfg.data_dir = tmp;
		cfg.opts = &bad;
		cfg.n_opts = 1;
		assert_int_equal(seed_suite_ops.open(suite_lookup("seed"), &cfg, &priv, err), VSR_EUSAGE);
		assert_non_null(strstr(err, "split=x"));
		cfg.n_opts = 0;
		cfg.data_dir = "/nonexistent";
		assert_int_equal(seed_suite_ops.open(suite_lookup("seed"), &cfg, &priv, err), VSR_EDATA);
		assert_non_null(strstr(err, "/nonexistent/seed/SEED-Bench.json"));
	}
}

/* SEED-Bench-2: several images in one question cannot be asked. */
static void test_seed2_multi_image(void **state)
{
	char err[VSR_ERR_MAX];
	void *priv;

	(void)state;
	put(qfile, "{\"questions\": ["
		   "{\"answer\": \"B\", \"choice_a\": \"a\", \"choice_b\": \"b\", \"choice_c\": \"c\", "
		   "\"choice_d\": \"d\", \"data_id\": \"1_b\", \"data_type\": \"Single Image\", "
		   "\"question\": \"q\", \"question_id\": \"6_0\", \"question_type_id\": 6},"
		   "{\"answer\": \"A\", \"choice_a\": \"a\", \"choice_b\": \"b\", \"choice_c\": \"c\", "
		   "\"choice_d\": \"d\", \"data_id\": [\"t/1.png\", \"t/2.png\"], \"data_type\": "
		   "\"Multiple Images\", \"question\": \"q\", \"question_id\": \"17_0\", "
		   "\"question_type_id\": 17}], "
		   "\"question_type\": {\"Spatial Relation\": 6, \"Difference Spotting\": 17}}");
	image("1_b.jpg");
	assert_int_equal(open_seed("seed", NULL, 1, 0, &priv, err), 0);
	assert_int_equal(seed_suite_ops.count(priv), 1);
	seed_suite_ops.close(priv);
	assert_int_equal(open_seed("seed", "Difference Spotting", 1, 0, &priv, err), VSR_EUSAGE);
}

/*
 * SEED-Bench-2's quirks, read as vsrbench reads them and counted: an answer
 * "B " (and " C") is B (C), and a question id seen before is left out (the
 * first counts).  Four questions in the file: 6_0 "B ", 6_1 " C", 6_0 again
 * (answer D), 6_2 "A" -> 3 questions, 2 trimmed, 1 duplicate.
 */
static void test_seed2_trimmed_and_duplicates(void **state)
{
	char err[VSR_ERR_MAX];
	struct seed_file f;
	static const char *const want[] = { "Spatial Relation" };

	(void)state;
#define Q(ans, id)                                                                              \
	"{\"answer\": \"" ans "\", \"choice_a\": \"a\", \"choice_b\": \"b\", \"choice_c\": \"c\", "   \
	"\"choice_d\": \"d\", \"data_id\": \"1_b\", \"data_type\": \"Single Image\", "            \
	"\"question\": \"q\", \"question_id\": \"" id "\", \"question_type_id\": 6}"
	put(qfile, "{\"questions\": [" Q("B ", "6_0") "," Q(" C", "6_1") "," Q("D", "6_0") ","
		   Q("A", "6_2") "], \"question_type\": {\"Spatial Relation\": 6}}");
#undef Q
	assert_int_equal(seed_file_load(qfile, want, 1, &f, err), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.answers_trimmed, 2);
	assert_int_equal(f.duplicate_ids, 1);
	assert_string_equal(f.q[0].id, "6_0");
	assert_int_equal(f.q[0].answer, ANS_LETTER(1)); /* the first 6_0: "B " */
	assert_int_equal(f.q[1].answer, ANS_LETTER(2)); /* " C" */
	assert_string_equal(f.q[2].id, "6_2");
	assert_int_equal(seed_dim_find(&f, "Spatial Relation")->questions, 3);
	seed_file_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swapped_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dimensions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed2_multi_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed2_trimmed_and_duplicates, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
