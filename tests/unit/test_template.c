/*
 * Unit tests for suites/template.c: the built-in bank's invariants, -t
 * selection, expansion, and user template files (good ones and one bad file
 * per error, each message checked for FILE:LINE and its cause).
 *
 * A new bad-file case is a new row in `bad_files`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "suites/template.h"

static const char *const known[] = { "[caption]", "[subject]", "[relation]", "[object]" };

/* A test item: "The car is left of the dog." */
static struct item make_item(int with_split)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.suite = "test";
	it.id = xstrdup("item-7");
	it.caption = xstrdup("The car is left of the dog.");
	if (with_split) {
		it.subject = xstrdup("car");
		it.relation = xstrdup("left of");
		it.object = xstrdup("dog");
	}
	it.label = ANS_YES;
	return it;
}

/* Writes content to a new file under /tmp; returns its path (caller frees, unlinks). */
static char *temp_file(const char *content, size_t len)
{
	char tmpl[] = "/tmp/vsr-tpl-XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *fp;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(content, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return xstrdup(tmpl);
}

static const struct template *find(const struct template_set *set, const char *id)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->t[i].id, id))
			return &set->t[i];
	return NULL;
}

static const char *nth(const char *s, const char *what, int *count)
{
	const char *p = s, *first = NULL;

	*count = 0;
	while ((p = strstr(p, what)) != NULL) {
		if (!first)
			first = p;
		(*count)++;
		p++;
	}
	return first;
}

/* ------------------------------------------------------------------ */
/* The bank                                                            */
/* ------------------------------------------------------------------ */

static void test_bank(void **state)
{
	struct template_set set;
	char err[VSR_ERR_MAX];
	int seen_fmt[3] = { 0, 0, 0 }, yes_first = 0, no_first = 0;
	size_t i, j;

	(void)state;
	assert_int_equal(template_set_load(&set, "pool", err), 0);
	assert_true(set.n >= 30);
	assert_int_equal(set.n, template_builtin_count());
	assert_string_equal(set.spec, "pool");
	for (i = 0; i < set.n; i++) {
		const struct template *t = &set.t[i];
		const char *p, *pos[4];
		unsigned needs = 0;
		int cnt;

		for (j = 0; j < i; j++) {
			assert_string_not_equal(set.t[j].id, t->id);
			assert_string_not_equal(set.t[j].text, t->text);
		}
		/* Every '[' opens a known placeholder; needs says which. */
		for (p = t->text; (p = strchr(p, '[')) != NULL; p++) {
			size_t k;

			for (k = 0; k < 4; k++)
				if (!strncmp(p, known[k], strlen(known[k])))
					break;
			if (k == 4)
				fail_msg("%s: unknown placeholder at \"%s\"", t->id, p);
			needs |= 1u << k;
		}
		assert_false(strchr(t->text, ']') && !strchr(t->text, '['));
		assert_int_equal(needs, t->needs);
		assert_true(needs != 0);
		/* Subject, relation, object: each at most once, in that order. */
		for (j = 0; j < 4; j++) {
			pos[j] = nth(t->text, known[j], &cnt);
			assert_true(cnt <= 1);
		}
		if (pos[1] && pos[2])
			assert_true(pos[1] < pos[2]);
		if (pos[2] && pos[3])
			assert_true(pos[2] < pos[3]);
		if (pos[1] && pos[3])
			assert_true(pos[1] < pos[3]);

		assert_true(t->fmt <= TF_LETTER);
		seen_fmt[t->fmt]++;
		if (t->fmt == TF_YESNO)
			assert_memory_equal(t->id, "yn", 2);
		if (t->fmt == TF_TRUEFALSE)
			assert_memory_equal(t->id, "tf", 2);
		if (t->fmt == TF_LETTER) {
			char a[32], b[32];

			assert_memory_equal(t->id, "ab", 2);
			assert_int_equal(t->n_choices, 2);
			assert_string_not_equal(t->choices[0], t->choices[1]);
			for (j = 0; j < 2; j++)
				assert_int_equal(t->choice_answer[j],
						 !strcmp(t->choices[j], "yes") ? ANS_YES : ANS_NO);
			if (t->choice_answer[0] == ANS_YES)
				yes_first++;
			else
				no_first++;
			/* The text lists the options in the order choices[] says. */
			snprintf(a, sizeof(a), "A) %s", t->choices[0]);
			snprintf(b, sizeof(b), "B) %s", t->choices[1]);
			if (!strstr(t->text, a) || !strstr(t->text, b)) {
				snprintf(a, sizeof(a), "A. %s", t->choices[0]);
				snprintf(b, sizeof(b), "B. %s", t->choices[1]);
				assert_non_null(strstr(t->text, a));
				assert_non_null(strstr(t->text, b));
			}
			assert_string_equal(template_format_name(t), t->choice_answer[0] == ANS_YES
								     ? "letter-yes-no" : "letter-no-yes");
		} else {
			assert_int_equal(t->n_choices, 0);
			assert_null(t->choices[0]);
			assert_string_equal(template_format_name(t), tfmt_name(t->fmt));
		}
	}
	assert_true(seen_fmt[TF_YESNO] > 0);
	assert_true(seen_fmt[TF_TRUEFALSE] > 0);
	assert_true(seen_fmt[TF_LETTER] > 0);
	assert_true(yes_first > 0);
	assert_true(no_first > 0);
	template_set_release(&set);
	assert_null(set.t);
	assert_int_equal(set.n, 0);
}

static void test_tfmt_name(void **state)
{
	(void)state;
	assert_string_equal(tfmt_name(TF_YESNO), "yesno");
	assert_string_equal(tfmt_name(TF_TRUEFALSE), "truefalse");
	assert_string_equal(tfmt_name(TF_LETTER), "letter");
}

/* ------------------------------------------------------------------ */
/* Selection                                                           */
/* ------------------------------------------------------------------ */

static void test_single(void **state)
{
	struct template_set set;
	char err[VSR_ERR_MAX];

	(void)state;
	assert_string_equal(template_canonical_id(), "yn01");
	assert_int_equal(template_set_load(&set, "single", err), 0);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.t[0].id, "yn01");
	assert_int_equal(set.t[0].fmt, TF_YESNO);
	assert_int_equal(set.t[0].needs, TPL_NEEDS_CAPTION);
	assert_string_equal(set.spec, "single");
	template_set_release(&set);

	/* NULL means single. */
	assert_int_equal(template_set_load(&set, NULL, err), 0);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.t[0].id, "yn01");
	template_set_release(&set);
}

static void test_id_list(void **state)
{
	struct template_set set;
	char err[VSR_ERR_MAX];

	(void)state;
	assert_int_equal(template_set_load(&set, "yn01,tf03", err), 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.t[0].id, "yn01");
	assert_string_equal(set.t[1].id, "tf03");
	assert_int_equal(set.t[1].fmt, TF_TRUEFALSE);
	assert_string_equal(set.spec, "yn01,tf03");
	template_set_release(&set);

	assert_int_equal(template_set_load(&set, " ab07 , yn05 ", err), 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.t[0].id, "ab07");
	assert_int_equal(set.t[0].choice_answer[0], ANS_NO);
	assert_string_equal(set.t[0].choices[1], "yes");
	template_set_release(&set);
}

static void test_bad_specs(void **state)
{
	static const struct {
		const char *spec;
		const char *want[2];
	} bad[] = {
		{ "yn01,zz99", { "'zz99'", "vsrbench list templates" } },
		{ "nosuch", { "'nosuch'", "vsrbench list templates" } },
		{ "", { "empty -t", "vsrbench list templates" } },
		{ "yn01,,tf01", { "empty template id", "" } },
		{ "yn01,yn01", { "'yn01'", "twice" } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct template_set set;
		char err[VSR_ERR_MAX] = "";

		assert_int_equal(template_set_load(&set, bad[i].spec, err), VSR_EUSAGE);
		if (!strstr(err, bad[i].want[0]) || !strstr(err, bad[i].want[1]))
			fail_msg("-t '%s': message \"%s\" lacks \"%s\" or \"%s\"", bad[i].spec, err,
				 bad[i].want[0], bad[i].want[1]);
		assert_int_equal(set.n, 0);
		assert_null(set.t);
		assert_null(set.spec);
		template_set_release(&set); /* harmless on an empty set */
	}
}

/* ------------------------------------------------------------------ */
/* Expansion                                                           */
/* ------------------------------------------------------------------ */

static void test_expand(void **state)
{
	static const struct {
		const char *id;
		const char *want;
	} rows[] = {
		{ "yn01", "The car is left of the dog. Is this statement correct? Answer yes or no." },
		{ "yn07", "Is the car left of the dog? Answer yes or no." },
		{ "tf03", "Decide whether the following description of the image is true or false: "
			  "The car is left of the dog." },
		{ "tf07", "True or false: the car is left of the dog in this image." },
		{ "ab02", "Does this sentence match the image? The car is left of the dog.\n"
			  "A. yes\nB. no\nGive only the letter." },
		{ "ab10", "Is the car left of the dog? A. no B. yes Reply with the option letter only." },
	};
	struct template_set set;
	struct item it = make_item(1);
	struct buf out = BUF_INIT;
	char err[VSR_ERR_MAX];
	size_t i;

	(void)state;
	assert_int_equal(template_set_load(&set, "pool", err), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct template *t = find(&set, rows[i].id);

		assert_non_null(t);
		buf_reset(&out);
		assert_int_equal(template_expand(t, &it, &out, err), 0);
		assert_string_equal(out.ptr, rows[i].want);
	}
	/* Expansion appends. */
	buf_reset(&out);
	assert_int_equal(buf_adds(&out, ">> "), 0);
	assert_int_equal(template_expand(find(&set, "yn07"), &it, &out, err), 0);
	assert_string_equal(out.ptr, ">> Is the car left of the dog? Answer yes or no.");
	/* Every built-in expands with nothing left in brackets. */
	for (i = 0; i < set.n; i++) {
		buf_reset(&out);
		assert_int_equal(template_expand(&set.t[i], &it, &out, err), 0);
		assert_null(strchr(out.ptr, '['));
		assert_non_null(strstr(out.ptr, "car"));
		assert_non_null(strstr(out.ptr, "dog"));
	}
	buf_release(&out);
	template_set_release(&set);
	item_release(&it);
}

static void test_expand_missing_field(void **state)
{
	struct template_set set;
	struct item it = make_item(0);
	struct buf out = BUF_INIT;
	char err[VSR_ERR_MAX];

	(void)state;
	assert_int_equal(template_set_load(&set, "yn01,yn07", err), 0);
	assert_int_equal(template_expand(&set.t[0], &it, &out, err), 0);
	buf_reset(&out);
	assert_int_equal(template_expand(&set.t[1], &it, &out, err), VSR_EDATA);
	assert_non_null(strstr(err, "yn07"));
	assert_non_null(strstr(err, "item-7"));
	assert_non_null(strstr(err, "[subject]"));
	/* Only the relation missing. */
	it.subject = xstrdup("car");
	it.object = xstrdup("dog");
	assert_int_equal(template_expand(&set.t[1], &it, &out, err), VSR_EDATA);
	assert_non_null(strstr(err, "[relation]"));
	buf_release(&out);
	template_set_release(&set);
	item_release(&it);
}

static void test_expand_speed(void **state)
{
	struct template_set set;
	struct item it = make_item(1);
	struct buf out = BUF_INIT;
	char err[VSR_ERR_MAX];
	const size_t rounds = 20000;
	double t0, per;
	size_t i;

	(void)state;
	assert_int_equal(template_set_load(&set, "pool", err), 0);
	t0 = wall_seconds();
	for (i = 0; i < rounds; i++) {
		buf_reset(&out);
		assert_int_equal(template_expand(&set.t[i % set.n], &it, &out, err), 0);
	}
	per = (wall_seconds() - t0) / (double)rounds * 1e6;
	printf("template_expand: %.3f us per prompt\n", per);
	/* Lax enough for valgrind; a normal build is far below 1 us. */
	assert_true(per < 100.0);
	buf_release(&out);
	template_set_release(&set);
	item_release(&it);
}

/* ------------------------------------------------------------------ */
/* User files                                                          */
/* ------------------------------------------------------------------ */

static void test_user_file(void **state)
{
	static const char content[] =
		"# my templates\n"
		"\n"
		"my-yn\tyesno\t[caption] Right or not? Say yes or no.\r\n"
		"   # indented comment\n"
		"my.tf\ttruefalse\tThe [subject] is [relation] the [object]: true or false?\n"
		"my_ab\tletter-yes-no\t[caption] A. yes B. no\n"
		"MyBa2\tletter-no-yes\tIs the [subject] [relation] the [object]? A. no B. yes";
	struct template_set set;
	struct item it = make_item(1);
	struct buf out = BUF_INIT;
	char err[VSR_ERR_MAX] = "";
	char *path = temp_file(content, sizeof(content) - 1);
	const struct template *t;

	(void)state;
	if (template_set_load(&set, path, err))
		fail_msg("%s", err);
	assert_int_equal(set.n, 4);
	assert_string_equal(set.spec, path);
	t = find(&set, "my-yn");
	assert_non_null(t);
	assert_int_equal(t->fmt, TF_YESNO);
	assert_string_equal(t->text, "[caption] Right or not? Say yes or no.");
	assert_int_equal(t->needs, TPL_NEEDS_CAPTION);
	t = find(&set, "my.tf");
	assert_non_null(t);
	assert_int_equal(t->fmt, TF_TRUEFALSE);
	assert_int_equal(t->needs, TPL_NEEDS_SUBJECT | TPL_NEEDS_RELATION | TPL_NEEDS_OBJECT);
	t = find(&set, "my_ab");
	assert_non_null(t);
	assert_int_equal(t->fmt, TF_LETTER);
	assert_int_equal(t->n_choices, 2);
	assert_string_equal(t->choices[0], "yes");
	assert_int_equal(t->choice_answer[0], ANS_YES);
	assert_int_equal(t->choice_answer[1], ANS_NO);
	t = find(&set, "MyBa2");
	assert_non_null(t);
	assert_string_equal(template_format_name(t), "letter-no-yes");
	assert_string_equal(t->choices[0], "no");
	assert_int_equal(t->choice_answer[0], ANS_NO);
	assert_int_equal(t->choice_answer[1], ANS_YES);
	assert_int_equal(template_expand(t, &it, &out, err), 0);
	assert_string_equal(out.ptr, "Is the car left of the dog? A. no B. yes");
	template_set_release(&set);

	/* A file named without '/' is found when it exists. */
	{
		char cwd[4096];
		const char *base = strrchr(path, '/') + 1;

		assert_non_null(getcwd(cwd, sizeof(cwd)));
		assert_int_equal(chdir("/tmp"), 0);
		assert_int_equal(template_set_load(&set, base, err), 0);
		assert_int_equal(set.n, 4);
		template_set_release(&set);
		assert_int_equal(chdir(cwd), 0);
	}
	unlink(path);
	free(path);
	buf_release(&out);
	item_release(&it);
}

static void test_bad_files(void **state)
{
	static const struct {
		const char *content;
		int line; /* 0: the message names the file without a line */
		const char *cause;
	} bad_files[] = {
		{ "a\tyesno\n", 1, "expected 3 tab-separated columns" },
		{ "a\tyesno\t[caption]\textra\n", 1, "found 4" },
		{ "# c\n\nx1\tmaybe\t[caption] ok?\n", 3, "unknown format 'maybe'" },
		{ "x1\tletter\t[caption] A or B?\n", 1, "unknown format 'letter'" },
		{ "x1\tyesno\t[caption] ok?\nx1\ttruefalse\t[caption] t?\n", 2,
		  "duplicate template id 'x1' (first defined on line 1)" },
		{ "x1\tyesno\tIs the [subjekt] left of the [object]?\n", 1,
		  "unknown placeholder '[subjekt]'" },
		{ "x1\tyesno\tIs the [Subject] left?\n", 1, "unknown placeholder '[Subject]'" },
		{ "x1\tyesno\tIs the [subject left of the [object]?\n", 1, "unbalanced '['" },
		{ "x1\tyesno\tIs the [subject] left of the [object?\n", 1, "unbalanced '['" },
		{ "x1\tyesno\tIs it ] there? [caption]\n", 1, "unbalanced ']'" },
		{ "ok\tyesno\t[caption] ok?\nx1\tyesno\t   \n", 2, "empty template text" },
		{ "x1\tyesno\t\n", 1, "empty template text" },
		{ "x 1\tyesno\t[caption]\n", 1, "bad template id 'x 1'" },
		{ "\tyesno\t[caption]\n", 1, "bad template id ''" },
		{ "x1\tyesno\tWhat do you see?\n", 1, "uses no placeholder" },
		{ "# only comments\n\n   \n", 0, "no templates" },
		{ "", 0, "no templates" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct template_set set;
		char err[VSR_ERR_MAX] = "", where[4200];
		char *path = temp_file(bad_files[i].content, strlen(bad_files[i].content));
		int rc = template_set_load(&set, path, err);

		if (bad_files[i].line)
			snprintf(where, sizeof(where), "%s:%d: ", path, bad_files[i].line);
		else
			snprintf(where, sizeof(where), "%s: ", path);
		if (rc != VSR_EUSAGE || !strstr(err, where) || !strstr(err, bad_files[i].cause))
			fail_msg("case %zu: rc %d, message \"%s\"; want \"%s\" and \"%s\"", i, rc, err,
				 where, bad_files[i].cause);
		assert_int_equal(set.n, 0);
		assert_null(set.t);
		unlink(path);
		free(path);
	}
}

static void test_long_line_and_missing_file(void **state)
{
	struct template_set set;
	char err[VSR_ERR_MAX] = "", where[4200];
	struct buf content = BUF_INIT;
	char *path;
	size_t i;

	(void)state;
	assert_int_equal(buf_adds(&content, "ok\tyesno\t[caption] fine?\nlong\tyesno\t[caption] "), 0);
	for (i = 0; i < 70000; i++)
		assert_int_equal(buf_addch(&content, 'x'), 0);
	assert_int_equal(buf_adds(&content, "\nafter\tyesno\t[caption] ok?\n"), 0);
	path = temp_file(content.ptr, content.len);
	assert_int_equal(template_set_load(&set, path, err), VSR_EUSAGE);
	snprintf(where, sizeof(where), "%s:2: ", path);
	assert_non_null(strstr(err, where));
	assert_non_null(strstr(err, "line longer than"));
	assert_int_equal(set.n, 0);
	unlink(path);
	free(path);
	buf_release(&content);

	assert_int_equal(template_set_load(&set, "/tmp/vsr-no-such-dir/none.tsv", err), VSR_EUSAGE);
	assert_non_null(strstr(err, "/tmp/vsr-no-such-dir/none.tsv"));
	assert_non_null(strstr(err, "cannot read template file"));
	assert_int_equal(template_set_load(&set, "/tmp/", err), VSR_EUSAGE);
	assert_non_null(strstr(err, "directory"));
}

/* ------------------------------------------------------------------ */
/* Listing                                                             */
/* ------------------------------------------------------------------ */


/* The paper's templates: the shipped copy agrees with the transcription in ../shared/data/vsre. */
static void test_vsre(void **state)
{
	const char *dir = getenv("VSRBENCH_SHARED_DATA");
	struct template_set set;
	struct item it = make_item(1);
	struct buf path = BUF_INIT, out = BUF_INIT;
	char err[VSR_ERR_MAX], line[4096];
	size_t rows = 0, box = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(template_set_load(&set, "vsre", err), 0);
	assert_int_equal(set.n, 36); /* 1-15 and 49-69 */
	/* Hand-expanded: the paper's wording, the caption's own full stop kept. */
	assert_int_equal(template_expand(find(&set, "vsre01"), &it, &out, err), 0);
	assert_string_equal(out.ptr, "The car is left of the dog., Yes or no.");
	buf_reset(&out);
	assert_int_equal(template_expand(find(&set, "vsre04"), &it, &out, err), 0);
	assert_string_equal(out.ptr, "Whether the car is left of dog? Yes or no.");
	assert_int_equal(find(&set, "vsre02")->fmt, TF_TRUEFALSE);
	assert_int_equal(find(&set, "vsre13")->fmt, TF_LETTER);
	assert_string_equal(find(&set, "vsre13")->choices[0], "yes");
	/* Box templates do not apply to items without boxes (left out, counted). */
	assert_false(template_applies(find(&set, "vsre49"), &it));
	assert_true(template_applies(find(&set, "vsre15"), &it));
	assert_non_null(template_reported_find("vsre03"));
	assert_null(template_reported_find("yn01"));
	if (!dir || !*dir) {
		template_set_release(&set);
		buf_release(&out);
		item_release(&it);
		skip(); /* a fresh clone has no ../shared */
	}
	buf_addf(&path, "%s/vsre/templates_phase1_phase4.TRANSCRIBED.tsv", dir);
	fp = fopen(path.ptr, "r");
	if (!fp) {
		template_set_release(&set);
		buf_release(&out);
		buf_release(&path);
		item_release(&it);
		skip();
	}
	assert_non_null(fgets(line, sizeof(line), fp)); /* header */
	while (fgets(line, sizeof(line), fp)) {
		char *f[6], *p = line, id[16];
		const struct template *t;
		const struct template_reported *rep;
		int k;

		line[strcspn(line, "\r\n")] = '\0';
		for (k = 0; k < 6; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
			else
				break;
		}
		assert_int_equal(k, 5);
		snprintf(id, sizeof(id), "vsre%02ld", strtol(f[0], NULL, 10));
		t = find(&set, id);
		if (!t)
			fail_msg("%s (TSV row %s) is not in the shipped bank", id, f[0]);
		assert_string_equal(t->text, f[2]);
		rep = template_reported_find(id);
		assert_non_null(rep);
		assert_true(rep->answered == strtod(f[3], NULL));
		assert_true(rep->acc_t == strtod(f[4], NULL));
		assert_true(rep->acc_a == strtod(f[5], NULL));
		box += strstr(f[2], "[subject box]") != NULL;
		rows++;
	}
	fclose(fp);
	assert_int_equal(rows, set.n);
	assert_int_equal(box, 21);
	template_set_release(&set);
	buf_release(&out);
	buf_release(&path);
	item_release(&it);
}

static void test_list(void **state)
{
	struct template_set set;
	struct buf text = BUF_INIT;
	char err[VSR_ERR_MAX], chunk[4096];
	FILE *fp = tmpfile();
	size_t i, n, lines = 0;

	(void)state;
	assert_non_null(fp);
	template_list(fp);
	assert_int_equal(fflush(fp), 0);
	rewind(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(buf_add(&text, chunk, n), 0);
	fclose(fp);
	assert_int_equal(template_set_load(&set, "pool", err), 0);
	for (i = 0; i < set.n; i++) {
		char row[64];

		snprintf(row, sizeof(row), "\n%-6s %-14s ", set.t[i].id, template_format_name(&set.t[i]));
		if (!strstr(text.ptr, row))
			fail_msg("listing lacks a row for %s", set.t[i].id);
	}
	for (i = 0; i < text.len; i++)
		lines += text.ptr[i] == '\n';
	/* Header, one line per template (newlines in texts shown as \n), footer. */
	assert_true(lines >= set.n + 1);
	assert_true(lines <= set.n + template_vsre_count() + 10);
	assert_non_null(strstr(text.ptr, "ID"));
	assert_non_null(strstr(text.ptr, "FORMAT"));
	assert_non_null(strstr(text.ptr, "-t single uses yn01"));
	assert_non_null(strstr(text.ptr, "\\nA. yes\\nB. no"));
	template_set_release(&set);
	buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bank),
		cmocka_unit_test(test_tfmt_name),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_id_list),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_missing_field),
		cmocka_unit_test(test_expand_speed),
		cmocka_unit_test(test_user_file),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_long_line_and_missing_file),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_vsre),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
