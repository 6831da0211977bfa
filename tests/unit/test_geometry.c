/*
 * Unit tests of the builtin:geometry plug-in on the synth suite's items
 * (split from test_synth.c).  The plug-in is loaded as a real .so from
 * $VSR_BUILD/adapters; without VSR_BUILD the program exits 77 (skipped) and
 * says so.  Expected answers come from each item's label and, for mirrored
 * images, from a relation flip written here.
 */
#include <dlfcn.h>
#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "include/vsrbench_adapter.h"
#include "suites/item.h"
#include "base/util.h"
#include "suites/suite.h"
#include "suites/synth.h"
#include "synth_open.h"

static int geometry_skipped;

/* ------------------------------------------------------------------ */
/* builtin:geometry                                                    */

struct geo {
	void *dl;
	const struct vsrbench_adapter *ad;
	void *st;
};

static int geo_setup(void **state)
{
	const char *dir = getenv("VSR_BUILD");
	char path[4096], err[256] = "";
	struct geo *g;
	vsrbench_adapter_entry_fn entry;

	if (!dir || !*dir) {
		geometry_skipped = 1;
		*state = NULL;
		return 0;
	}
	g = calloc(1, sizeof(*g));
	snprintf(path, sizeof(path), "%s/adapters/builtin-geometry.so", dir);
	g->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!g->dl) {
		fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
		free(g);
		return -1;
	}
	entry = (vsrbench_adapter_entry_fn)dlsym(g->dl, VSRBENCH_ENTRY_SYMBOL);
	if (!entry || entry(VSRBENCH_ABI_MAJOR + 1) != NULL)
		goto fail;
	g->ad = entry(VSRBENCH_ABI_MAJOR);
	if (!g->ad || g->ad->open("{}", &g->st, err, sizeof(err))) {
		fprintf(stderr, "geometry open: %s\n", err);
		goto fail;
	}
	*state = g;
	return 0;
fail:
	dlclose(g->dl);
	free(g);
	return -1;
}

static int geo_teardown(void **state)
{
	struct geo *g = *state;

	if (g) {
		g->ad->close(g->st);
		dlclose(g->dl);
		free(g);
	}
	return 0;
}

#define SKIP_WITHOUT_GEOMETRY(g)                                                  \
	do {                                                                      \
		if (!(g)) {                                                       \
			fprintf(stderr, "VSR_BUILD is unset: geometry test skipped\n"); \
			skip();                                                   \
		}                                                                 \
	} while (0)

static void init_request(struct vsrbench_request *rq, const char *prompt, const struct image *img)
{
	memset(rq, 0, sizeof(*rq));
	rq->struct_size = sizeof(*rq);
	rq->id = "t";
	rq->prompt = prompt;
	if (img) {
		rq->image = img->bytes;
		rq->image_len = img->len;
		rq->image_mime = img->mime;
	}
	rq->max_tokens = 8;
}

/* Answers one request; returns the status and copies the text into out. */
static int ask(struct geo *g, const struct vsrbench_request *rq, char *out, size_t outlen)
{
	struct vsrbench_response rs, *rsp = &rs;
	int status;

	memset(&rs, 0, sizeof(rs));
	rs.struct_size = sizeof(rs);
	assert_int_equal(g->ad->answer_batch(g->st, &rq, &rsp, 1), 0);
	status = rs.status;
	snprintf(out, outlen, "%s", rs.text ? rs.text : rs.error);
	if (status == VSRBENCH_OK)
		assert_non_null(rs.text);
	g->ad->free_response(g->st, &rs);
	assert_null(rs.text);
	return status;
}

static void test_geometry_table(void **state)
{
	struct geo *g = *state;
	char err[256] = "";
	void *st = NULL;

	SKIP_WITHOUT_GEOMETRY(g);
	assert_int_equal(g->ad->abi_major, VSRBENCH_ABI_MAJOR);
	assert_true(g->ad->struct_size >= offsetof(struct vsrbench_adapter, version) + sizeof(char *));
	assert_string_equal(g->ad->name, "geometry");
	assert_int_equal(g->ad->max_batch, 16);
	assert_int_equal(g->ad->thread_safe, 1);
	assert_non_null(g->ad->version);

	assert_int_not_equal(g->ad->open("{\"temperature\":\"0.5\"}", &st, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "unknown option"));
	assert_non_null(strstr(err, "temperature"));
	assert_int_not_equal(g->ad->open("[1]", &st, err, sizeof(err)), 0);
	assert_int_equal(g->ad->open(" { \n } ", &st, err, sizeof(err)), 0);
	g->ad->close(st);
}

/* 400 items in batches of 16, caption + " Answer yes or no.". */
static void test_geometry_accuracy(void **state)
{
	struct geo *g = *state;
	void *p;
	enum { N = 400, B = 16 };
	struct item it[B];
	struct image img[B];
	char prompt[B][256];
	struct vsrbench_request rq[B];
	struct vsrbench_response rs[B];
	const struct vsrbench_request *rqp[B];
	struct vsrbench_response *rsp[B];
	int right = 0, done = 0;

	SKIP_WITHOUT_GEOMETRY(g);
	p = must_open(2024, "count=400", NULL, NULL);
	while (done < N) {
		for (int k = 0; k < B; k++) {
			must_next(p, &it[k]);
			must_image(p, &it[k], &img[k]);
			snprintf(prompt[k], sizeof(prompt[k]), "%s Answer yes or no.", it[k].caption);
			init_request(&rq[k], prompt[k], &img[k]);
			memset(&rs[k], 0, sizeof(rs[k]));
			rs[k].struct_size = sizeof(rs[k]);
			rqp[k] = &rq[k];
			rsp[k] = &rs[k];
		}
		assert_int_equal(g->ad->answer_batch(g->st, rqp, rsp, B), 0);
		for (int k = 0; k < B; k++) {
			const char *want = it[k].label == ANS_YES ? "Yes" : "No";

			assert_int_equal(rs[k].status, VSRBENCH_OK);
			assert_non_null(rs[k].text);
			right += !strcmp(rs[k].text, want);
			g->ad->free_response(g->st, &rs[k]);
			image_release(&img[k]);
			item_release(&it[k]);
		}
		done += B;
	}
	synth_suite_ops.close(p);
	if ((double)right / N < 0.97)
		fail_msg("geometry accuracy %d/%d", right, N);
}

/* The same decision phrased for true/false, letter and question prompts. */
static void test_geometry_formats(void **state)
{
	struct geo *g = *state;
	void *p;
	struct item it;
	struct image img = { 0 };
	struct vsrbench_request rq;
	char prompt[300], out[300];
	static const char *const yes_no[] = { "yes", "no" }, *const no_yes[] = { "no", "yes" };

	SKIP_WITHOUT_GEOMETRY(g);
	p = must_open(77, "count=48", NULL, NULL);
	for (int i = 0; i < 48; i++) {
		int yes;

		must_next(p, &it);
		must_image(p, &it, &img);
		yes = it.label == ANS_YES;

		snprintf(prompt, sizeof(prompt), "True or false: %s", it.caption);
		init_request(&rq, prompt, &img);
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, yes ? "True" : "False");

		snprintf(prompt, sizeof(prompt), "Is the %s %s the %s? Answer with yes or no.",
			 it.subject, it.relation, it.object);
		init_request(&rq, prompt, &img);
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, yes ? "Yes" : "No");

		snprintf(prompt, sizeof(prompt),
			 "Question: is it true that %s A. yes B. no. Answer with the letter.", it.caption);
		init_request(&rq, prompt, &img);
		rq.choices = yes_no;
		rq.n_choices = 2;
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, yes ? "A" : "B");

		snprintf(prompt, sizeof(prompt), "%s Is this statement correct? A. no B. yes", it.caption);
		init_request(&rq, prompt, &img);
		rq.choices = no_yes;
		rq.n_choices = 2;
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, yes ? "B" : "A");

		/* Blind: no image, no guess. */
		snprintf(prompt, sizeof(prompt), "%s Answer yes or no.", it.caption);
		init_request(&rq, prompt, NULL);
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		assert_string_equal(out, "I cannot tell.");

		image_release(&img);
		item_release(&it);
	}
	synth_suite_ops.close(p);
}

/* Absent objects, wrong shapes and broken images. */
static void test_geometry_refusals(void **state)
{
	struct geo *g = *state;
	void *p;
	struct item it;
	static const unsigned char not_png[] = "GIF89a this is not a png at all";
	struct image img, bad;
	struct vsrbench_request rq;
	char prompt[300], out[300];
	const char *absent = NULL;
	char wrong_shape[64];

	SKIP_WITHOUT_GEOMETRY(g);
	p = must_open(5, "count=1", "distractors=0", NULL);
	must_next(p, &it);
	must_image(p, &it, &img);

	/* A colour that is not in the picture (only two colours are). */
	for (int c = 1; c < N_TCOL && !absent; c++)
		if (strncmp(it.subject, tcol[c].name, strlen(tcol[c].name)) &&
		    strncmp(it.object, tcol[c].name, strlen(tcol[c].name)))
			absent = tcol[c].name;
	snprintf(prompt, sizeof(prompt), "The %s square is %s the %s. Answer yes or no.", absent,
		 it.relation, it.object);
	init_request(&rq, prompt, &img);
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
	assert_string_equal(out, "I cannot tell.");

	/* The right colour with the wrong shape name. */
	snprintf(wrong_shape, sizeof(wrong_shape), "%.*s %s",
		 (int)(strchr(it.subject, ' ') - it.subject), it.subject,
		 strstr(it.subject, "circle") ? "square" : "circle");
	snprintf(prompt, sizeof(prompt), "The %s is %s the %s. Answer yes or no.", wrong_shape,
		 it.relation, it.object);
	init_request(&rq, prompt, &img);
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
	assert_string_equal(out, "I cannot tell.");

	/* No relation it knows. */
	snprintf(prompt, sizeof(prompt), "The %s is bigger than the %s. Answer yes or no.",
		 it.subject, it.object);
	init_request(&rq, prompt, &img);
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
	assert_string_equal(out, "I cannot tell.");

	/* Not a PNG, and a truncated PNG: fatal, with a reason. */
	snprintf(prompt, sizeof(prompt), "%s Answer yes or no.", it.caption);
	init_request(&rq, prompt, NULL);
	rq.image = not_png;
	rq.image_len = sizeof(not_png) - 1;
	rq.image_mime = "image/gif";
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_ERR_FATAL);
	assert_true(out[0] != '\0');
	bad.bytes = img.bytes;
	bad.len = img.len / 2;
	bad.mime = "image/png";
	init_request(&rq, prompt, &bad);
	assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_ERR_FATAL);
	assert_true(out[0] != '\0');

	image_release(&img);
	item_release(&it);
	synth_suite_ops.close(p);
}

/*
 * An RGB (not palette) PNG of the mirrored scene: left/right answers flip,
 * the others stay.  Written with libpng's simplified API from the raw render.
 */
static void test_geometry_mirrored(void **state)
{
	struct geo *g = *state;
	void *p;
	size_t side;
	unsigned char *px, *rgb;
	char prompt[300], out[300], err[VSR_ERR_MAX];
	int checked = 0;

	SKIP_WITHOUT_GEOMETRY(g);
	p = must_open(31, "count=64", "size=128", NULL);
	side = synth_image_side(p);
	px = malloc(side * side);
	rgb = malloc(side * side * 3);
	for (int i = 0; i < 64; i++) {
		struct item it;
		struct image img = { 0 };
		struct vsrbench_request rq;
		png_image pi;
		png_alloc_size_t len = 0;
		int yes, lr;

		must_next(p, &it);
		assert_int_equal(synth_render_indexed(&it, px, side, err), 0);
		for (size_t y = 0; y < side; y++)
			for (size_t x = 0; x < side; x++)
				memcpy(rgb + 3 * (y * side + x), tcol[px[y * side + (side - 1 - x)]].rgb, 3);
		memset(&pi, 0, sizeof(pi));
		pi.version = PNG_IMAGE_VERSION;
		pi.width = (png_uint_32)side;
		pi.height = (png_uint_32)side;
		pi.format = PNG_FORMAT_RGB;
		assert_true(png_image_write_get_memory_size(pi, len, 0, rgb, 0, NULL));
		img.bytes = malloc(len);
		assert_true(png_image_write_to_memory(&pi, img.bytes, &len, 0, rgb, 0, NULL));
		img.len = len;
		img.mime = "image/png";

		lr = !strcmp(it.relation, "left of") || !strcmp(it.relation, "right of");
		yes = (it.label == ANS_YES) != lr;
		snprintf(prompt, sizeof(prompt), "%s Answer yes or no.", it.caption);
		init_request(&rq, prompt, &img);
		assert_int_equal(ask(g, &rq, out, sizeof(out)), VSRBENCH_OK);
		if (strcmp(out, yes ? "Yes" : "No"))
			fail_msg("mirrored %s \"%s\": got %s", it.id, it.caption, out);
		checked++;
		free(img.bytes);
		item_release(&it);
	}
	assert_int_equal(checked, 64);
	free(px);
	free(rgb);
	synth_suite_ops.close(p);
}

int main(void)
{
	const struct CMUnitTest geometry_tests[] = {
		cmocka_unit_test(test_geometry_table),
		cmocka_unit_test(test_geometry_accuracy),
		cmocka_unit_test(test_geometry_formats),
		cmocka_unit_test(test_geometry_refusals),
		cmocka_unit_test(test_geometry_mirrored),
	};

	if (cmocka_run_group_tests_name("builtin:geometry", geometry_tests, geo_setup, geo_teardown))
		return 1;
	if (geometry_skipped) {
		fprintf(stderr, "test_geometry: VSR_BUILD is unset, so the geometry plug-in was not "
				"tested (set it to the build directory)\n");
		return 77;
	}
	return 0;
}
