/*
 * MMBench: the streaming TSV reader (quotes, doubled quotes, tabs and
 * newlines in fields, CRLF, fields across its read buffer) and the suites on
 * fixtures written here in the exact upstream format: a header row, quoted
 * multi-line hints, two- and three-option rows with empty C/D, circular
 * copies whose image is the index of their original, base64 PNG images made
 * with libpng in the test.  Malformed rows give FILE:LINE errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/base64.h"
#include "suites/mmbench.h"
#include "suites/suite.h"
#include "suites/template.h"
#include "suites/tsv.h"

static char tmp[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/vsr-test-mmb-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	snprintf(path, sizeof(path), "%s/MMBench_DEV_EN.tsv", tmp);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- fixtures ---------------------------------------------------------- */

static void png_to_buf(png_structp p, png_bytep data, size_t n)
{
	buf_add(png_get_io_ptr(p), data, n);
}

static void png_flush(png_structp p)
{
	(void)p;
}

/* A small RGB PNG whose pixels depend on seed. */
static void make_png(unsigned seed, struct buf *out)
{
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(p);
	unsigned char row[3 * 8];

	assert_non_null(p);
	assert_non_null(info);
	if (setjmp(png_jmpbuf(p)))
		fail_msg("libpng failed");
	png_set_write_fn(p, out, png_to_buf, png_flush);
	png_set_IHDR(p, info, 8, 8, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	for (unsigned y = 0; y < 8; y++) {
		for (unsigned x = 0; x < 24; x++)
			row[x] = (unsigned char)(seed * 31 + x * 7 + y * 13);
		png_write_row(p, row);
	}
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
}

/* Standard base64, written independently of the decoder under test. */
static void b64(const unsigned char *p, size_t n, struct buf *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		buf_addch(out, a[v >> 18 & 63]);
		buf_addch(out, a[v >> 12 & 63]);
		buf_addch(out, i + 1 < n ? a[v >> 6 & 63] : '=');
		buf_addch(out, i + 2 < n ? a[v & 63] : '=');
	}
}

/* pandas' to_csv(sep='\t') quoting: a field with a TAB, a quote or a newline is quoted. */
static void field(struct buf *out, const char *s, int last, const char *eol)
{
	if (strpbrk(s, "\t\"\n\r")) {
		buf_addch(out, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_addch(out, '"');
			buf_addch(out, *s);
		}
		buf_addch(out, '"');
	} else {
		buf_adds(out, s);
	}
	buf_adds(out, last ? eol : "\t");
}

#define HEADER "index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit"

struct row {
	const char *index, *question, *hint, *a, *b, *c, *d, *answer, *category, *image, *l2;
};

static const char *const HINT241 = "Line one\twith a tab\nline \"two\", quoted";
static struct buf png[3], png64[3];

static void row_out(struct buf *out, const struct row *r, const char *eol)
{
	const char *image = r->image;

	if (!strcmp(image, "png0"))
		image = png64[0].ptr;
	else if (!strcmp(image, "png1"))
		image = png64[1].ptr;
	else if (!strcmp(image, "png2"))
		image = png64[2].ptr;
	field(out, r->index, 0, eol);
	field(out, r->question, 0, eol);
	field(out, r->hint, 0, eol);
	field(out, r->a, 0, eol);
	field(out, r->b, 0, eol);
	field(out, r->c, 0, eol);
	field(out, r->d, 0, eol);
	field(out, r->answer, 0, eol);
	field(out, r->category, 0, eol);
	field(out, image, 0, eol);
	field(out, "scienceqa", 0, eol);
	field(out, r->l2, 0, eol);
	field(out, "", 0, eol);
	field(out, "dev", 1, eol);
}

#define FPC "finegrained_perception (cross-instance)"
#define FPI "finegrained_perception (instance-level)"

/* The VLMEvalKit layout: originals and their circular copies (index + k*1000000). */
static const struct row baked[] = {
	{ "241", "Where is the dog?", NULL, "left", "right", "", "", "B", "spatial_relationship", "png0", FPC },
	{ "1000241", "Where is the dog?", NULL, "right", "left", "", "", "A", "spatial_relationship", "241", FPC },
	{ "242", "Which object is at the top?", "", "lamp", "table", "rug", "", "C", "object_localization", "png1", FPI },
	{ "1000242", "Which object is at the top?", "", "table", "rug", "lamp", "", "B", "object_localization", "242", FPI },
	{ "2000242", "Which object is at the top?", "", "rug", "lamp", "table", "", "A", "object_localization", "242", FPI },
	{ "243", "How does it feel?", "", "happy", "sad", "angry", "calm", "D", "image_emotion", "png2", "coarse_perception" },
	{ "1000243", "How does it feel?", "", "sad", "angry", "calm", "happy", "C", "image_emotion", "243", "coarse_perception" },
	{ "2000243", "How does it feel?", "", "angry", "calm", "happy", "sad", "B", "image_emotion", "243", "coarse_perception" },
	{ "3000243", "How does it feel?", "", "calm", "happy", "sad", "angry", "A", "image_emotion", "243", "coarse_perception" },
	/* A copy before its original: the reference points forward. */
	{ "1000244", "Is the cup near?", "", "far", "near", "", "", "A", "spatial_relationship", "244", FPC },
	{ "244", "Is the cup near?", "", "near", "far", "", "", "B", "spatial_relationship", "png2", FPC },
};

static void write_rows(const char *file, const struct row *rows, size_t n, const char *eol)
{
	struct buf out = BUF_INIT;
	FILE *fp;

	if (!png[0].len)
		for (unsigned i = 0; i < 3; i++) {
			make_png(i + 1, &png[i]);
			b64((const unsigned char *)png[i].ptr, png[i].len, &png64[i]);
		}
	buf_adds(&out, HEADER);
	buf_adds(&out, eol);
	for (size_t i = 0; i < n; i++) {
		struct row r = rows[i];
		if (!strcmp(r.index, "241"))
			r.hint = HINT241;
		else if (!r.hint)
			r.hint = !strcmp(r.index, "1000241") ? HINT241 : "";
		row_out(&out, &r, eol);
	}
	fp = fopen(file, "wb");
	assert_non_null(fp);
	fwrite(out.ptr, 1, out.len, fp);
	fclose(fp);
	buf_release(&out);
}

static int open_mmb(const char *suite, const struct kv *opts, size_t n_opts, void **priv,
		    char *err)
{
	const struct suite_preset *p = suite_lookup(suite);
	struct suite_config cfg;
	struct kv all[8];

	memset(&cfg, 0, sizeof(cfg));
	all[0].key = "file";
	all[0].value = path;
	for (size_t i = 0; i < n_opts; i++)
		all[i + 1] = opts[i];
	cfg.data_dir = "/nonexistent";
	cfg.opts = all;
	cfg.n_opts = n_opts + 1;
	assert_non_null(p);
	return p->ops->open(p, &cfg, priv, err);
}

struct want {
	const char *id, *group, *label, *choices[4], *category;
	int png; /* which fixture image */
};

static void check_items(const struct suite_ops *ops, void *priv, const struct want *w, size_t n)
{
	char err[VSR_ERR_MAX];
	struct item it;
	size_t k = 0;
	int r;

	assert_int_equal(ops->count(priv), (long)n);
	while ((r = ops->next(priv, &it, err)) == 1) {
		struct image img = { 0 };
		size_t nc = 0;
		assert_true(k < n);
		while (nc < 4 && w[k].choices[nc])
			nc++;
		assert_string_equal(it.id, w[k].id);
		assert_string_equal(it.group, w[k].group);
		assert_string_equal(answer_name(it.label), w[k].label);
		assert_string_equal(it.category, w[k].category);
		assert_int_equal(it.n_choices, nc);
		for (size_t c = 0; c < nc; c++)
			assert_string_equal(it.choices[c], w[k].choices[c]);
		if (!strcmp(w[k].group, "241"))
			assert_string_equal(it.hint, HINT241);
		else
			assert_null(it.hint);
		/* The base64 image arrives decoded, byte for byte, as a PNG. */
		if (ops->load_image(priv, &it, &img, err))
			fail_msg("%s", err);
		assert_int_equal(img.len, png[w[k].png].len);
		assert_memory_equal(img.bytes, png[w[k].png].ptr, img.len);
		assert_string_equal(img.mime, "image/png");
		image_release(&img);
		item_release(&it);
		k++;
	}
	if (r)
		fail_msg("%s", err);
	assert_int_equal(k, n);
}

static const struct want spatial[] = {
	{ "241", "241", "B", { "left", "right" }, "spatial_relationship", 0 },
	{ "1000241", "241", "A", { "right", "left" }, "spatial_relationship", 0 },
	{ "242", "242", "C", { "lamp", "table", "rug" }, "object_localization", 1 },
	{ "1000242", "242", "B", { "table", "rug", "lamp" }, "object_localization", 1 },
	{ "2000242", "242", "A", { "rug", "lamp", "table" }, "object_localization", 1 },
	{ "1000244", "244", "A", { "far", "near" }, "spatial_relationship", 2 },
	{ "244", "244", "B", { "near", "far" }, "spatial_relationship", 2 },
};

static void test_baked(void **state)
{
	char err[VSR_ERR_MAX];
	void *priv;

	(void)state;
	write_rows(path, baked, sizeof(baked) / sizeof(baked[0]), "\n");
	assert_string_equal(mmbench_suite_ops.default_templates, "mc01");
	if (open_mmb("mmbench-spatial", NULL, 0, &priv, err))
		fail_msg("%s", err);
	check_items(&mmbench_suite_ops, priv, spatial, sizeof(spatial) / sizeof(spatial[0]));
	mmbench_suite_ops.close(priv);
	/* CRLF row ends read the same. */
	write_rows(path, baked, sizeof(baked) / sizeof(baked[0]), "\r\n");
	if (open_mmb("mmbench-spatial", NULL, 0, &priv, err))
		fail_msg("%s", err);
	check_items(&mmbench_suite_ops, priv, spatial, sizeof(spatial) / sizeof(spatial[0]));
	mmbench_suite_ops.close(priv);
}

/* For a served model, the TSV's base64 text is handed over as it is. */
static void test_base64_pass_through(void **state)
{
	char err[VSR_ERR_MAX];
	struct item it;
	struct image a, b;
	void *priv;

	(void)state;
	write_rows(path, baked, sizeof(baked) / sizeof(baked[0]), "\n");
	if (open_mmb("mmbench-spatial", NULL, 0, &priv, err))
		fail_msg("%s", err);
	assert_int_equal(mmbench_suite_ops.next(priv, &it, err), 1);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.want_b64 = 1;
	assert_int_equal(mmbench_suite_ops.load_image(priv, &it, &a, err), 0);
	assert_int_equal(mmbench_suite_ops.load_image(priv, &it, &b, err), 0);
	/* Decoded for plug-ins; untouched text for a served model. */
	assert_non_null(a.bytes);
	assert_null(a.b64);
	assert_null(b.bytes);
	assert_non_null(b.b64);
	assert_string_equal(b.mime, "image/png");
	assert_string_equal(a.mime, "image/png");
	/* It is the file's own field: one of the base64 PNGs this test wrote. */
	{
		int found = 0;
		for (size_t i = 0; i < 3; i++)
			found |= png64[i].len == b.b64_len && !memcmp(png64[i].ptr, b.b64, b.b64_len);
		assert_true(found);
	}
	image_release(&a);
	image_release(&b);
	item_release(&it);
	mmbench_suite_ops.close(priv);
}

static void test_selection(void **state)
{
	char err[VSR_ERR_MAX];
	void *priv;
	struct kv o;

	(void)state;
	write_rows(path, baked, sizeof(baked) / sizeof(baked[0]), "\n");
	if (open_mmb("mmbench", NULL, 0, &priv, err))
		fail_msg("%s", err);
	assert_int_equal(mmbench_suite_ops.count(priv), 11);
	mmbench_suite_ops.close(priv);
	o.key = "category";
	o.value = "Image_Emotion";
	assert_int_equal(open_mmb("mmbench-spatial", &o, 1, &priv, err), 0);
	assert_int_equal(mmbench_suite_ops.count(priv), 4);
	mmbench_suite_ops.close(priv);
	o.key = "l2";
	o.value = FPI ", coarse_perception";
	assert_int_equal(open_mmb("mmbench", &o, 1, &priv, err), 0);
	assert_int_equal(mmbench_suite_ops.count(priv), 7); /* 242 x3 + 243 x4 */
	mmbench_suite_ops.close(priv);
	o.key = "circular";
	o.value = "off";
	assert_int_equal(open_mmb("mmbench-spatial", &o, 1, &priv, err), 0);
	assert_int_equal(mmbench_suite_ops.count(priv), 3); /* the originals 241, 242, 244 */
	mmbench_suite_ops.close(priv);
	o.key = "category";
	o.value = "spatial_reasoning";
	assert_int_equal(open_mmb("mmbench", &o, 1, &priv, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "no question in category 'spatial_reasoning'"));
	assert_non_null(strstr(err, "spatial_relationship"));
	o.key = "circular";
	o.value = "maybe";
	assert_int_equal(open_mmb("mmbench", &o, 1, &priv, err), VSR_EUSAGE);
	assert_non_null(strstr(err, "circular=maybe"));
	/* The default file name under DATA/mmbench/. */
	{
		struct suite_config cfg;
		memset(&cfg, 0, sizeof(cfg));
		cfg.data_dir = tmp;
		assert_int_equal(mmbench_suite_ops.open(suite_lookup("mmbench"), &cfg, &priv, err),
				 VSR_EDATA);
		assert_non_null(strstr(err, "/mmbench/MMBench_DEV_EN.tsv"));
	}
}

/* A file with the originals only: the rotations are made here, as in the baked file. */
static void test_generated(void **state)
{
	static const struct row originals[] = {
		{ "241", "Where is the dog?", NULL, "left", "right", "", "", "B", "spatial_relationship", "png0", FPC },
		{ "242", "Which object is at the top?", "", "lamp", "table", "rug", "", "C", "object_localization", "png1", FPI },
		{ "243", "How does it feel?", "", "happy", "sad", "angry", "calm", "D", "image_emotion", "png2", "coarse_perception" },
		{ "244", "Is the cup near?", "", "near", "far", "", "", "B", "spatial_relationship", "241", FPC },
	};
	static const struct want want[] = {
		{ "241", "241", "B", { "left", "right" }, "spatial_relationship", 0 },
		{ "1000241", "241", "A", { "right", "left" }, "spatial_relationship", 0 },
		{ "242", "242", "C", { "lamp", "table", "rug" }, "object_localization", 1 },
		{ "1000242", "242", "B", { "table", "rug", "lamp" }, "object_localization", 1 },
		{ "2000242", "242", "A", { "rug", "lamp", "table" }, "object_localization", 1 },
		{ "244", "244", "B", { "near", "far" }, "spatial_relationship", 0 },
		{ "1000244", "244", "A", { "far", "near" }, "spatial_relationship", 0 },
	};
	char err[VSR_ERR_MAX];
	void *priv;

	(void)state;
	write_rows(path, originals, 4, "\n");
	if (open_mmb("mmbench-spatial", NULL, 0, &priv, err))
		fail_msg("%s", err);
	check_items(&mmbench_suite_ops, priv, want, sizeof(want) / sizeof(want[0]));
	mmbench_suite_ops.close(priv);
	/* A selected row sharing the image of a row that is not selected, further down. */
	{
		static const struct row shared[] = {
			{ "243", "How does it feel?", "", "happy", "sad", "angry", "calm", "D", "image_emotion", "245", "coarse_perception" },
			{ "245", "Which is left?", "", "a", "b", "", "", "A", "spatial_relationship", "png1", FPC },
		};
		static const struct want w[] = {
			{ "243", "243", "D", { "happy", "sad", "angry", "calm" }, "image_emotion", 1 },
			{ "1000243", "243", "C", { "sad", "angry", "calm", "happy" }, "image_emotion", 1 },
			{ "2000243", "243", "B", { "angry", "calm", "happy", "sad" }, "image_emotion", 1 },
			{ "3000243", "243", "A", { "calm", "happy", "sad", "angry" }, "image_emotion", 1 },
		};
		struct kv o = { "category", "image_emotion" };
		write_rows(path, shared, 2, "\n");
		if (open_mmb("mmbench", &o, 1, &priv, err))
			fail_msg("%s", err);
		check_items(&mmbench_suite_ops, priv, w, 4);
		mmbench_suite_ops.close(priv);
	}
}

/* The prompt of mc01: LLaVA's MMBench prompt. */
static void test_prompt(void **state)
{
	struct template_set ts;
	char err[VSR_ERR_MAX];
	struct buf p = BUF_INIT;
	struct item it;
	void *priv;

	(void)state;
	write_rows(path, baked, sizeof(baked) / sizeof(baked[0]), "\n");
	assert_int_equal(template_set_load(&ts, "mc01", err), 0);
	assert_int_equal(ts.t[0].fmt, TF_CHOICE);
	assert_int_equal(open_mmb("mmbench-spatial", NULL, 0, &priv, err), 0);
	assert_int_equal(mmbench_suite_ops.next(priv, &it, err), 1);
	assert_true(template_applies(&ts.t[0], &it));
	assert_int_equal(template_expand(&ts.t[0], &it, &p, err), 0);
	assert_string_equal(p.ptr, "Line one\twith a tab\nline \"two\", quoted\nWhere is the dog?\n"
				   "A. left\nB. right\n"
				   "Answer with the option's letter from the given choices directly.");
	item_release(&it);
	buf_reset(&p);
	assert_int_equal(mmbench_suite_ops.next(priv, &it, err), 1);
	item_release(&it);
	assert_int_equal(mmbench_suite_ops.next(priv, &it, err), 1);
	/* No hint: nothing, not an empty line. */
	assert_int_equal(template_expand(&ts.t[0], &it, &p, err), 0);
	assert_string_equal(p.ptr, "Which object is at the top?\nA. lamp\nB. table\nC. rug\n"
				   "Answer with the option's letter from the given choices directly.");
	template_set_release(&ts);
	/* A yes/no template does not apply to a multiple-choice item, and says why. */
	assert_int_equal(template_set_load(&ts, "yn01,q01", err), 0);
	assert_false(template_applies(&ts.t[0], &it));
	assert_false(template_applies(&ts.t[1], &it));
	buf_reset(&p);
	assert_int_equal(template_expand(&ts.t[1], &it, &p, err), VSR_EDATA);
	assert_non_null(strstr(err, "template q01 asks for yesno but item 242 is multiple-choice"));
	template_set_release(&ts);
	item_release(&it);
	mmbench_suite_ops.close(priv);
	buf_release(&p);
}

/* ---- errors ------------------------------------------------------------- */

static void expect_error(const char *text, const char *suite, int code, const char *want)
{
	char err[VSR_ERR_MAX], full[256];
	void *priv = NULL;
	FILE *fp = fopen(path, "wb");
	int r;

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	r = open_mmb(suite, NULL, 0, &priv, err);
	snprintf(full, sizeof(full), "%s%s", want[0] == ':' ? path : "", want);
	if (r != code || !strstr(err, full))
		fail_msg("expected %d '%s', got %d: %s", code, full, r, r ? err : "(success)");
	assert_null(priv);
}

#define H HEADER "\n"
#define IMG "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"

static void test_errors(void **state)
{
	const char *all = "mmbench";

	(void)state;
	/* An unquoted TAB inside a field: one field too many. */
	expect_error(H "1\tq\t\ta\tb\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n"
		       "2\tq with\ttab\t\ta\tb\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n",
		     all, VSR_EDATA, ":3: 15 fields, the header has 14");
	/* A quote opened on line 2 and never closed. */
	expect_error(H "1\tq\t\"hint\n\nmore\ta\tb\n", all, VSR_EDATA,
		     ":2: field 3 opens a quote that is never closed");
	/* A stray quote after a closing one. */
	expect_error(H "1\tq\t\"hi\"nt\"\ta\tb\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n", all, VSR_EDATA,
		     ":2: field 3 has text after its closing quote");
	/* The answer of a two-option row is C. */
	expect_error(H "1\tq\t\ta\tb\t\t\tC\tocr\t" IMG "\ts\tl2\t\tdev\n", all, VSR_EDATA,
		     ":2: answer 'C' is not one of the options A to B");
	/* C empty, D not. */
	expect_error(H "1\tq\t\ta\tb\t\td\tA\tocr\t" IMG "\ts\tl2\t\tdev\n", all, VSR_EDATA,
		     ":2: option C is empty but D is not");
	/* One option only. */
	expect_error(H "1\tq\t\ta\t\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n", all, VSR_EDATA,
		     ":2: 1 option, a question needs at least A and B");
	/* An image that refers to a row that does not exist. */
	expect_error(H "1\tq\t\ta\tb\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n"
		       "1000001\tq\t\tb\ta\t\t\tB\tocr\t999\ts\tl2\t\tdev\n",
		     all, VSR_EDATA, ":3: the image refers to index 999");
	/* The same index twice. */
	expect_error(H "1\tq\t\ta\tb\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n"
		       "1\tq\t\ta\tb\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n",
		     all, VSR_EDATA, ":3: index 1 appears twice");
	expect_error(H "x1\tq\t\ta\tb\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n", all, VSR_EDATA,
		     ":2: index 'x1' is not a non-negative integer");
	expect_error(H "1\tq\t\ta\tb\t\t\tA\tocr\tnot-an-image\ts\tl2\t\tdev\n", all, VSR_EDATA,
		     ":2: image 'not-an-image' is neither base64 data nor the index");
	/* A test split has no answers. */
	expect_error("index\tquestion\thint\tA\tB\tC\tD\tcategory\timage\n"
		     "1\tq\t\ta\tb\t\t\tocr\t" IMG "\n",
		     all, VSR_EDATA, ":1: no 'answer' column: this looks like a test split");
	expect_error("index\tquestion\tA\tB\tanswer\timage\n", all, VSR_EDATA,
		     ":1: no 'category' column");
	expect_error("", all, VSR_EDATA, ": empty file");
	/* Nothing in the spatial categories. */
	expect_error(H "1\tq\t\ta\tb\t\t\tA\tocr\t" IMG "\ts\tl2\t\tdev\n", "mmbench-spatial",
		     VSR_EUSAGE, "no question in category 'spatial_relationship'");
	/* Bad base64 is found when the image is loaded. */
	{
		char err[VSR_ERR_MAX];
		void *priv;
		struct item it;
		struct image img = { 0 };
		FILE *fp = fopen(path, "wb");
		fputs(H "1\tq\t\ta\tb\t\t\tA\tocr\t" IMG "*!\ts\tl2\t\tdev\n", fp);
		fclose(fp);
		assert_int_equal(open_mmb(all, NULL, 0, &priv, err), 0);
		assert_int_equal(mmbench_suite_ops.next(priv, &it, err), 1);
		assert_int_equal(mmbench_suite_ops.load_image(priv, &it, &img, err), VSR_EDATA);
		assert_non_null(strstr(err, ":2: the image is not valid base64"));
		item_release(&it);
		mmbench_suite_ops.close(priv);
	}
}

static void test_base64(void **state)
{
	unsigned char out[64];
	size_t n;

	(void)state;
	assert_int_equal(b64_decode("TWFu", 4, out, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "Man", 3);
	assert_int_equal(b64_decode("TWE=", 4, out, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(b64_decode("TQ==", 4, out, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(b64_decode("TQ", 2, out, &n), 0); /* padding optional */
	assert_int_equal(n, 1);
	assert_int_equal(b64_decode("TW\nFu\r\n", 7, out, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(b64_decode("TWF", 3, out, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(b64_decode("T", 1, out, &n), -1);
	assert_int_equal(b64_decode("TW=u", 4, out, &n), -1);
	assert_int_equal(b64_decode("TW*u", 4, out, &n), -1);
	assert_int_equal(b64_decode("TQ===", 5, out, &n), -1);
}

/* ---- the reader across its 1 MiB buffer ----------------------------------- */

static void test_tsv_boundaries(void **state)
{
	(void)state;
	/* A first row of `pad` bytes, then a quoted field with "" and a newline near 1 MiB. */
	for (size_t pad = (1u << 20) - 12; pad < (1u << 20) + 4; pad++) {
		struct buf text = BUF_INIT, v0 = BUF_INIT, v1 = BUF_INIT, v2 = BUF_INIT;
		struct tsv t;
		struct tsv_field f[3];
		char err[VSR_ERR_MAX];
		size_t nf, line;
		off_t off;
		FILE *fp;

		buf_adds(&text, "a\t");
		while (text.len < pad - 1)
			buf_addch(&text, 'x');
		buf_adds(&text, "\tz\n");
		buf_adds(&text, "1\t\"he said \"\"hi\"\"\nthere\"\tend\r\n");
		buf_adds(&text, "2\t\t\"\"\n");
		fp = fopen(path, "wb");
		fwrite(text.ptr, 1, text.len, fp);
		fclose(fp);
		memset(f, 0, sizeof(f));
		f[0].text = &v0;
		f[1].text = NULL; /* located only */
		f[2].text = &v2;
		assert_int_equal(tsv_open(&t, path, err), 0);
		assert_int_equal(tsv_row(&t, f, 3, &nf, &off, &line, err), 1);
		assert_int_equal(nf, 3);
		assert_int_equal(f[1].len, pad - 3);
		assert_int_equal(f[1].off, 2);
		assert_string_equal(v2.ptr, "z");
		f[1].text = &v1;
		assert_int_equal(tsv_row(&t, f, 3, &nf, &off, &line, err), 1);
		assert_int_equal(line, 2);
		assert_int_equal(off, (off_t)pad + 2);
		assert_string_equal(v0.ptr, "1");
		assert_string_equal(v1.ptr, "he said \"hi\"\nthere");
		assert_true(f[1].quoted && f[1].escaped);
		assert_string_equal(f[1].head, "he said \"hi\"\nthere");
		assert_string_equal(v2.ptr, "end");
		assert_int_equal(tsv_row(&t, f, 3, &nf, &off, &line, err), 1);
		assert_int_equal(line, 4); /* the quoted newline counted */
		assert_string_equal(v1.ptr, "");
		assert_string_equal(v2.ptr, "");
		assert_true(f[2].quoted);
		assert_int_equal(tsv_row(&t, f, 3, &nf, &off, &line, err), 0);
		/* Seeking back to a row reads it again. */
		assert_int_equal(tsv_seek(&t, (off_t)pad + 2, 2, err), 0);
		assert_int_equal(tsv_row(&t, f, 3, &nf, &off, &line, err), 1);
		assert_string_equal(v1.ptr, "he said \"hi\"\nthere");
		tsv_close(&t);
		buf_release(&text);
		buf_release(&v0);
		buf_release(&v1);
		buf_release(&v2);
	}
}

static void test_tsv_caps(void **state)
{
	struct buf v = BUF_INIT;
	struct tsv t;
	struct tsv_field f[1];
	char err[VSR_ERR_MAX];
	size_t nf, line;
	off_t off;
	FILE *fp = fopen(path, "wb");

	(void)state;
	fputs("short\n\n\nthis one is too long\n", fp);
	fclose(fp);
	buf_init(&v, 8);
	memset(f, 0, sizeof(f));
	f[0].text = &v;
	assert_int_equal(tsv_open(&t, path, err), 0);
	assert_int_equal(tsv_row(&t, f, 1, &nf, &off, &line, err), 1);
	/* Blank lines are skipped; the cap is an error with FILE:LINE. */
	assert_int_equal(tsv_row(&t, f, 1, &nf, &off, &line, err), VSR_EDATA);
	assert_non_null(strstr(err, ":4: field 1 is longer than 8 bytes"));
	tsv_close(&t);
	buf_release(&v);
	assert_int_equal(tsv_open(&t, "/nonexistent/x.tsv", err), VSR_EDATA);
	assert_non_null(strstr(err, "/nonexistent/x.tsv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test_setup_teardown(test_baked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base64_pass_through, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prompt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tsv_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tsv_caps, setup, teardown),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	for (int i = 0; i < 3; i++) {
		buf_release(&png[i]);
		buf_release(&png64[i]);
	}
	return r;
}
