/*
 * Unit tests for harness/extract.c.  The cases are data (STYLE.md #10):
 *
 *  - tests/data/extract_replies.tsv: replies in every question format with the
 *    reading a careful grader gives (at least 300 rows);
 *  - tests/data/real_replies.tsv: the distinct shapes of real models' replies
 *    in ../shared/data, each read by a person;
 *
 * and the checks around them: the real files themselves hold no reply shape
 * that the second table does not list (skipped when ../shared/data is
 * absent), the MME LaVIN replies against a simple independent rule, the
 * think-tag option, and both tables again from four threads at once.
 *
 * A new tricky reply is a new row in a table, not a new function.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "harness/extract.h"
#include "extract_binary.h"
#include "suites/xlsx.h"
#include "base/util.h"

/* ------------------------------------------------------------------ */
/* The tables                                                          */
/* ------------------------------------------------------------------ */

#define MAX_OPTS 8

struct row {
	size_t line;
	char *reply;        /* unescaped */
	char *format;
	char *opts_buf;     /* the options column, split in place */
	const char *opts[MAX_OPTS];
	size_t n_opts;
	answer_t want;
	char *reason;
	char *extra;        /* debatable marker or source */
};

struct table {
	const char *name;
	struct row *rows;
	size_t n;
};

static struct table replies = { "extract_replies.tsv", NULL, 0 };
static struct table real = { "real_replies.tsv", NULL, 0 };


/* tests/data/NAME: $VSR_SRC/tests/data, else next to this file. */
static void data_path(struct buf *b, const char *name)
{
	const char *src = getenv("VSR_SRC");
	const char *self = __FILE__, *cut = strstr(self, "tests/unit/test_extract.c");

	if (src && *src)
		assert_int_equal(buf_addf(b, "%s/tests/data/%s", src, name), 0);
	else if (cut)
		assert_int_equal(buf_addf(b, "%.*stests/data/%s", (int)(cut - self), self, name), 0);
	else
		assert_int_equal(buf_addf(b, "tests/data/%s", name), 0);
}

/* \n \t \r \\ in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*w++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static char *dup_str(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static void load_table(struct table *t)
{
	struct buf path = BUF_INIT, line = BUF_INIT;
	size_t lineno = 0, cap = 0;
	FILE *fp;
	int r;

	data_path(&path, t->name);
	fp = fopen(path.ptr, "r");
	if (!fp)
		fail_msg("%s: cannot open (the tables are part of the project)", path.ptr);
	buf_init(&line, 1 << 16);
	while ((r = buf_getline(&line, fp, NULL)) == 1) {
		char *f[7] = { 0 }, *p = line.ptr;
		struct row *row;
		size_t nf = 0;

		lineno++;
		if (!line.len || line.ptr[0] == '#' || !strncmp(line.ptr, "reply\t", 6))
			continue;
		while (nf < 7) {
			f[nf++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (nf < 6)
			fail_msg("%s:%zu: %zu fields, want 6 or 7", t->name, lineno, nf);
		if (t->n == cap) {
			cap = cap ? cap * 2 : 256;
			t->rows = realloc(t->rows, cap * sizeof(*t->rows));
			assert_non_null(t->rows);
		}
		row = &t->rows[t->n++];
		memset(row, 0, sizeof(*row));
		row->line = lineno;
		row->reply = dup_str(f[0]);
		unescape(row->reply);
		row->format = dup_str(f[1]);
		row->opts_buf = dup_str(f[2]);
		row->want = answer_parse(f[3]);
		if (row->want < 0)
			fail_msg("%s:%zu: unknown reading \"%s\"", t->name, lineno, f[3]);
		row->reason = dup_str(f[4]);
		row->extra = dup_str(f[5]);
		if (!strcmp(row->format, "choice")) {
			char *o = row->opts_buf;

			for (;;) {
				char *bar = strchr(o, '|');

				assert_true(row->n_opts < MAX_OPTS);
				row->opts[row->n_opts++] = o;
				if (!bar)
					break;
				*bar = '\0';
				o = bar + 1;
			}
		} else if (strcmp(row->format, "yesno") && strcmp(row->format, "truefalse") &&
			   strcmp(row->format, "letter-yes-no") && strcmp(row->format, "letter-no-yes")) {
			fail_msg("%s:%zu: unknown format \"%s\"", t->name, lineno, row->format);
		}
	}
	assert_int_equal(r, 0);
	fclose(fp);
	buf_release(&path);
	buf_release(&line);
}

static void free_table(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->rows[i].reply);
		free(t->rows[i].format);
		free(t->rows[i].opts_buf);
		free(t->rows[i].reason);
		free(t->rows[i].extra);
	}
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}

/* The row's reply read as format f (the row's own options for choice). */
static answer_t run_as(const struct row *row, const char *f)
{
	if (!strcmp(f, "choice"))
		return extract_answer(row->reply, row->opts, NULL, row->n_opts);
	return read_binary(row->reply, f);
}

static answer_t run_row(const struct row *row)
{
	return run_as(row, row->format);
}

/* Every row; prints each disagreement with its line. */
static size_t check_table(const struct table *t)
{
	size_t i, bad = 0;

	for (i = 0; i < t->n; i++) {
		const struct row *row = &t->rows[i];
		answer_t got = run_row(row);

		if (got != row->want) {
			bad++;
			print_error("%s:%zu (%s, %s) \"%s\": want %s, got %s\n", t->name, row->line,
				    row->format, row->reason, row->reply, answer_name(row->want),
				    answer_name(got));
		}
	}
	return bad;
}

static int setup(void **state)
{
	(void)state;
	if (extract_start())
		return -1;
	load_table(&replies);
	load_table(&real);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free_table(&replies);
	free_table(&real);
	extract_free();
	return 0;
}

static void test_replies(void **state)
{
	(void)state;
	assert_true(replies.n >= 300);
	assert_int_equal(check_table(&replies), 0);
}

static void test_real_replies(void **state)
{
	(void)state;
	assert_true(real.n >= 100);
	assert_int_equal(check_table(&real), 0);
}

/* ------------------------------------------------------------------ */
/* Every binary format                                                 */
/* ------------------------------------------------------------------ */


static int is_binary(const char *f)
{
	size_t i;

	for (i = 0; i < sizeof(binary_formats) / sizeof(binary_formats[0]); i++)
		if (!strcmp(f, binary_formats[i]))
			return 1;
	return 0;
}

/*
 * Does the reply name an option letter?  Decided here without the extractor:
 * a standalone A or B, or a standalone a or b that is not an article (not
 * followed by a blank and a word).
 */
static int names_letter(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		char c = s[i], prev = i ? s[i - 1] : ' ', next = s[i + 1];

		if (!strchr("ABab", c) || isalnum((unsigned char)prev) || isalnum((unsigned char)next))
			continue;
		if (c == 'A' || c == 'B')
			return 1;
		if (!(next == ' ' && isalpha((unsigned char)s[i + 2])))
			return 1;
	}
	return 0;
}

/*
 * One procedure for every format (issue 14 §1: "Yes, although it is hard to
 * tell." read yes on yes/no templates and invalid on letter templates): a
 * reply of a binary format that names no option letter reads the same in
 * yes/no, true/false and both letter orders.  Replies with a letter read
 * differently by format on purpose (A is yes in one order, no in the other,
 * and nothing under a yes/no template); their rows give each format.
 */
static void test_every_format(void **state)
{
	size_t i, k, bad = 0, runs = 0, rows = 0;

	(void)state;
	for (i = 0; i < replies.n; i++) {
		const struct row *row = &replies.rows[i];

		if (!is_binary(row->format) || names_letter(row->reply))
			continue;
		rows++;
		for (k = 0; k < sizeof(binary_formats) / sizeof(binary_formats[0]); k++) {
			answer_t got = run_as(row, binary_formats[k]);

			runs++;
			if (got != row->want) {
				bad++;
				print_error("%s:%zu (%s as %s) \"%s\": want %s, got %s\n", replies.name,
					    row->line, row->format, binary_formats[k], row->reply,
					    answer_name(row->want), answer_name(got));
			}
		}
	}
	printf("every format: %zu rows without a letter, %zu readings, %zu differ from the row's\n", rows,
	       runs, bad);
	assert_true(rows >= 200);
	assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------ */
/* The API around the tables                                           */
/* ------------------------------------------------------------------ */

static void test_null_and_init_twice(void **state)
{
	char err[VSR_ERR_MAX];

	(void)state;
	assert_int_equal(extract_answer(NULL, NULL, NULL, 0), ANS_INVALID);
	assert_int_equal(extract_answer(NULL, opt_yes_no, ans_yes_no, 2), ANS_INVALID);
	/* A second init is harmless. */
	assert_int_equal(extract_init(err), 0);
	assert_int_equal(extract_answer("yes", NULL, NULL, 0), ANS_YES);
	/* Options given without texts: letters only. */
	assert_int_equal(extract_answer("B", NULL, ans_yes_no, 2), ANS_NO);
	assert_int_equal(extract_answer("yes", NULL, ans_yes_no, 2), ANS_INVALID);
}

static void test_why(void **state)
{
	enum extract_why why;

	(void)state;
	assert_int_equal(extract_answer_ex("Yes.", NULL, NULL, 0, NULL, &why), ANS_YES);
	assert_int_equal(why, EXTRACT_OK);
	assert_int_equal(extract_answer_ex("  ", NULL, NULL, 0, NULL, &why), ANS_INVALID);
	assert_int_equal(why, EXTRACT_EMPTY);
	assert_int_equal(extract_answer_ex("<think>the cat", NULL, NULL, 0, NULL, &why), ANS_INVALID);
	assert_int_equal(why, EXTRACT_THINK_UNCLOSED);
	assert_int_equal(extract_answer_ex("The cat sits.", NULL, NULL, 0, NULL, &why), ANS_INVALID);
	assert_int_equal(why, EXTRACT_NO_SIGNAL);
	assert_int_equal(extract_answer_ex("Yes, but I'm not sure.", NULL, NULL, 0, NULL, &why),
			 ANS_INVALID);
	assert_int_equal(why, EXTRACT_HEDGE);
	assert_int_equal(extract_answer_ex("Yes. No.", NULL, NULL, 0, NULL, &why), ANS_INVALID);
	assert_int_equal(why, EXTRACT_CONFLICT);
	assert_int_equal(extract_answer_ex("C", opt_yes_no, ans_yes_no, 2, NULL, &why), ANS_INVALID);
	assert_int_equal(why, EXTRACT_UNMAPPED);
	assert_string_equal(extract_why_name(EXTRACT_HEDGE), "hedge");
	assert_string_equal(extract_why_name(EXTRACT_THINK_UNCLOSED), "think-unclosed");
}

static void test_think_tags(void **state)
{
	const struct extract_opts reasoning = { "<reasoning>", "</reasoning>" };
	const struct extract_opts none = { "", "" };
	const char *r1 = "<reasoning>The dog is left, so no.</reasoning>\nYes";
	const char *r2 = "<think>No.</think>Yes";

	(void)state;
	assert_int_equal(extract_answer_ex(r1, NULL, NULL, 0, &reasoning, NULL), ANS_YES);
	/* The default tags leave <reasoning> in: "no" and "Yes" disagree. */
	assert_int_equal(extract_answer(r1, NULL, NULL, 0), ANS_INVALID);
	assert_int_equal(extract_answer_ex(r2, NULL, NULL, 0, NULL, NULL), ANS_YES);
	assert_int_equal(extract_answer_ex(r2, NULL, NULL, 0, &none, NULL), ANS_INVALID);
	assert_int_equal(extract_answer_ex("<reasoning>B", opt_yes_no, ans_yes_no, 2, &reasoning, NULL),
			 ANS_INVALID);
}

static void test_long_reply(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(buf_adds(&b, "No."), 0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(buf_adds(&b, " yes or no"), 0);
	assert_int_equal(extract_answer(b.ptr, NULL, NULL, 0), ANS_NO);
	/* Reasoning longer than the 64 KiB read window does not push the answer out. */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "<think>"), 0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(buf_adds(&b, " maybe yes"), 0);
	assert_int_equal(buf_adds(&b, "</think>No."), 0);
	assert_int_equal(extract_answer(b.ptr, NULL, NULL, 0), ANS_NO);
	buf_release(&b);
}

/* ------------------------------------------------------------------ */
/* The real files: no unlisted shape                                   */
/* ------------------------------------------------------------------ */

/* Lower-cased, blanks collapsed, trimmed: two replies of one shape compare equal. */
static void shape_of(const char *s, struct buf *out)
{
	buf_reset(out);
	for (; *s; s++) {
		char ch = *s;

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			if (out->len && out->ptr[out->len - 1] != ' ')
				assert_int_equal(buf_addch(out, ' '), 0);
			continue;
		}
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		assert_int_equal(buf_addch(out, ch), 0);
	}
	if (out->len && out->ptr[out->len - 1] == ' ')
		buf_setlen(out, out->len - 1);
}

static int listed(const char *reply)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t i;
	int found = 0;

	shape_of(reply, &a);
	for (i = 0; i < real.n && !found; i++) {
		shape_of(real.rows[i].reply, &b);
		found = !strcmp(a.ptr, b.ptr);
	}
	buf_release(&a);
	buf_release(&b);
	return found;
}

/* Every distinct reply in a JSONL file's `key` field must be listed; returns the replies read. */
static size_t check_jsonl(const char *path, const char *key, size_t *unlisted)
{
	struct buf line = BUF_INIT;
	size_t n = 0;
	FILE *fp = fopen(path, "r");
	int r;

	if (!fp)
		fail_msg("%s: cannot open", path);
	buf_init(&line, 1 << 20);
	while ((r = buf_getline(&line, fp, NULL)) == 1) {
		cJSON *o = cJSON_Parse(line.ptr);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

		if (!cJSON_IsString(v))
			fail_msg("%s: a line without a string \"%s\"", path, key);
		n++;
		if (!listed(v->valuestring)) {
			(*unlisted)++;
			print_error("%s: reply \"%s\" is not in real_replies.tsv: read it and add a row\n",
				    path, v->valuestring);
		}
		cJSON_Delete(o);
	}
	assert_int_equal(r, 0);
	fclose(fp);
	buf_release(&line);
	return n;
}

/* The 4th column of every MME eval-tool list in dir. */
static size_t check_mme_lists(const char *dir, size_t *unlisted)
{
	struct buf path = BUF_INIT, line = BUF_INIT;
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!d)
		fail_msg("%s: cannot open", dir);
	buf_init(&line, 1 << 20);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		FILE *fp;
		int r;

		if (len < 5 || strcmp(de->d_name + len - 4, ".txt"))
			continue;
		buf_reset(&path);
		assert_int_equal(buf_addf(&path, "%s/%s", dir, de->d_name), 0);
		fp = fopen(path.ptr, "r");
		assert_non_null(fp);
		while ((r = buf_getline(&line, fp, NULL)) == 1) {
			const char *ans = line.ptr;
			int tabs;

			for (tabs = 0; tabs < 3 && ans; tabs++) {
				ans = strchr(ans, '\t');
				if (ans)
					ans++;
			}
			if (!ans)
				continue;
			n++;
			if (!listed(ans)) {
				(*unlisted)++;
				print_error("%s: reply \"%s\" is not in real_replies.tsv\n", path.ptr, ans);
			}
		}
		assert_int_equal(r, 0);
		fclose(fp);
	}
	closedir(d);
	buf_release(&path);
	buf_release(&line);
	return n;
}

/* A row of the table whose reply was cut (a repetition loop): the reply starts with it. */
static int listed_cut(const char *reply)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int found = 0;

	shape_of(reply, &a);
	for (size_t i = 0; i < real.n && !found; i++) {
		if (strcmp(real.rows[i].reason, "repetition"))
			continue;
		shape_of(real.rows[i].reply, &b);
		found = a.len > b.len && !strncmp(a.ptr, b.ptr, b.len);
	}
	buf_release(&a);
	buf_release(&b);
	return found;
}

/*
 * A multiple-choice prediction sheet (VILA's SEEDBench_IMG, LLaVA's MMBench
 * submission): a reply that is certain by the simple rule ("B", "B.", or
 * "B. " + option B's text) must be read as that letter; every other reply
 * must be in real_replies.tsv (its reading is checked there).
 */
static size_t check_choice_sheet(const char *path, size_t *unlisted)
{
	struct xlsx_sheet s;
	char err[VSR_ERR_MAX];
	long cp, co[4];
	size_t n = 0;

	if (xlsx_read(&s, path, err))
		fail_msg("%s", err);
	cp = xlsx_column(&s, "prediction");
	assert_true(cp >= 0);
	for (int j = 0; j < 4; j++)
		co[j] = xlsx_column(&s, (const char[]){ (char)('A' + j), 0 });
	for (size_t r = 1; r < s.rows; r++) {
		const char *p = xlsx_cell(&s, r, (size_t)cp), *opts[4];
		size_t k = 0, len;
		int l;

		p = p ? p : "";
		while (*p == ' ' || *p == '\n')
			p++;
		len = strlen(p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\n'))
			len--;
		/* Up to the last option given (an empty cell before it is an empty option). */
		for (size_t j = 0; j < 4; j++) {
			const char *v = co[j] >= 0 ? xlsx_cell(&s, r, (size_t)co[j]) : NULL;
			opts[j] = v ? v : "";
			if (v)
				k = j + 1;
		}
		n++;
		l = p[0] - 'A';
		/*
		 * Options that are letters themselves (MMBench 459, 462, 491: "B", "C",
		 * "A", "D") make a bare letter ambiguous: not certain by this rule.
		 */
		for (size_t j = 0; j < k; j++)
			if (opts[j][0] >= 'A' && opts[j][0] <= 'D' && !opts[j][1])
				l = -1;
		if (len && l >= 0 && l < (int)k &&
		    (len == 1 || (len == 2 && p[1] == '.') ||
		     (p[1] == '.' && p[2] == ' ' && len - 3 >= strlen(opts[l]) &&
		      !strncasecmp(p + 3, opts[l], strlen(opts[l])) &&
		      (len - 3 == strlen(opts[l]) ||
		       (len - 4 == strlen(opts[l]) && p[len - 1] == '.'))))) {
			if (extract_answer(p, opts, NULL, k) != ANS_LETTER(l)) {
				(*unlisted)++;
				print_error("%s: the certain reply \"%s\" is not read as %c\n", path, p,
					    'A' + l);
			}
			continue;
		}
		if (!listed(p) && !listed_cut(p)) {
			(*unlisted)++;
			print_error("%s: reply \"%.200s\" is not in real_replies.tsv\n", path, p);
		}
	}
	xlsx_release(&s);
	return n;
}

static void test_real_coverage(void **state)
{
	const char *root = getenv("VSRBENCH_SHARED_DATA");
	struct buf dir = BUF_INIT, p = BUF_INIT;
	struct stat st;
	size_t unlisted = 0, n;

	if (!root || !*root) {
		fprintf(stderr, "skipped: ../shared/data/real_outputs is absent "
				"(VSRBENCH_SHARED_DATA not set)\n");
		*(int *)*state = 1;
		skip();
	}
	assert_int_equal(buf_addf(&dir, "%s/real_outputs", root), 0);
	if (stat(dir.ptr, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "skipped: ../shared/data/real_outputs is absent (%s)\n", dir.ptr);
		buf_release(&dir);
		*(int *)*state = 1;
		skip();
	}
	assert_int_equal(buf_addf(&p, "%s/llava-pr1199/playground/data/eval/MME/answers/"
				      "llava-v1.5-13b.jsonl", dir.ptr), 0);
	n = check_jsonl(p.ptr, "text", &unlisted);
	printf("real replies: %zu LLaVA-1.5-13B MME replies", n);
	buf_reset(&p);
	assert_int_equal(buf_addf(&p, "%s/llava-pr1199/playground/data/eval/seed_bench/answers_upload/"
				      "llava-v1.5-13b.jsonl", dir.ptr), 0);
	n = check_jsonl(p.ptr, "prediction", &unlisted);
	printf(", %zu LLaVA-1.5-13B SEED replies", n);
	buf_reset(&p);
	assert_int_equal(buf_addf(&p, "%s/haoming-vlm-benchmarks/playground/data/eval/MME/eval_tool/"
				      "answers/llava-v1.5-7b", dir.ptr), 0);
	n = check_mme_lists(p.ptr, &unlisted);
	printf(", %zu LLaVA-1.5-7B MME replies", n);
	for (int m = 0; m < 2; m++) {
		const char *name = m ? "vila_8b" : "vila_13b";
		buf_reset(&p);
		assert_int_equal(buf_addf(&p, "%s/vlmevalkit-pr320/assets/benchmarks/%s/%s_SEEDBench_IMG.xlsx",
					  dir.ptr, name, name), 0);
		n = check_choice_sheet(p.ptr, &unlisted);
		printf(", %zu %s SEED replies", n, name);
	}
	buf_reset(&p);
	assert_int_equal(buf_addf(&p, "%s/llava-pr1199/playground/data/eval/mmbench/answers_upload/"
				      "mmbench_dev_20230712/llava-v1.5-13b.xlsx", dir.ptr), 0);
	n = check_choice_sheet(p.ptr, &unlisted);
	printf(", %zu LLaVA-1.5-13B MMBench replies; %zu of a shape not in real_replies.tsv or "
	       "misread\n", n, unlisted);
	assert_int_equal(unlisted, 0);
	buf_release(&dir);
	buf_release(&p);
}

/* ------------------------------------------------------------------ */
/* MME LaVIN replies                                                   */
/* ------------------------------------------------------------------ */

/* The independent rule: lower-cased, starts with "yes" or "no", else undecided. */
static answer_t simple_rule(const char *ans)
{
	char head[4] = { 0 };
	size_t i;

	for (i = 0; i < 3 && ans[i]; i++)
		head[i] = (char)(ans[i] >= 'A' && ans[i] <= 'Z' ? ans[i] - 'A' + 'a' : ans[i]);
	if (!strncmp(head, "yes", 3))
		return ANS_YES;
	if (!strncmp(head, "no", 2))
		return ANS_NO;
	return ANS_INVALID;
}

/*
 * Where the extractor and the rule disagree, the reply must be in
 * real_replies.tsv (a person read it) and the extractor must agree with that.
 */
static void test_lavin(void **state)
{
	const char *root = getenv("VSRBENCH_SHARED_DATA");
	struct buf dir = BUF_INIT, path = BUF_INIT, line = BUF_INIT;
	size_t lines = 0, decided = 0, agreed = 0, reviewed = 0, extractor_decided = 0, files = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (!root || !*root) {
		fprintf(stderr, "test_lavin: VSRBENCH_SHARED_DATA not set, skipped\n");
		*(int *)*state = 1;
		skip();
	}
	assert_int_equal(buf_addf(&dir, "%s/mme/eval_tool/LaVIN", root), 0);
	if (stat(dir.ptr, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "test_lavin: %s not found, skipped\n", dir.ptr);
		buf_release(&dir);
		*(int *)*state = 1;
		skip();
	}
	d = opendir(dir.ptr);
	assert_non_null(d);
	buf_init(&line, 1 << 20);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		FILE *fp;
		int r;

		if (len < 5 || strcmp(de->d_name + len - 4, ".txt"))
			continue;
		buf_reset(&path);
		assert_int_equal(buf_addf(&path, "%s/%s", dir.ptr, de->d_name), 0);
		fp = fopen(path.ptr, "r");
		assert_non_null(fp);
		files++;
		while ((r = buf_getline(&line, fp, NULL)) == 1) {
			const char *ans = line.ptr;
			answer_t want, got;
			int tabs;
			size_t i;

			for (tabs = 0; tabs < 3 && ans; tabs++) {
				ans = strchr(ans, '\t');
				if (ans)
					ans++;
			}
			if (!ans)
				continue;
			lines++;
			want = simple_rule(ans);
			got = extract_answer(ans, NULL, NULL, 0);
			if (got != ANS_INVALID)
				extractor_decided++;
			if (want == ANS_INVALID)
				continue;
			decided++;
			if (got == want) {
				agreed++;
				continue;
			}
			for (i = 0; i < real.n; i++)
				if (!strcmp(real.rows[i].reply, ans))
					break;
			if (i < real.n && real.rows[i].want == got) {
				reviewed++;
				continue;
			}
			print_error("%s: \"%s\": rule says %s, extractor %s, and no reviewed row agrees\n",
				    de->d_name, ans, answer_name(want), answer_name(got));
		}
		assert_int_equal(r, 0);
		fclose(fp);
	}
	closedir(d);
	printf("LaVIN: %zu files, %zu replies, %zu decided by the simple rule, %zu of them agree, "
	       "%zu differ as reviewed; the extractor decided %zu\n",
	       files, lines, decided, agreed, reviewed, extractor_decided);
	assert_true(files > 0);
	assert_true(decided > 0);
	assert_int_equal(agreed + reviewed, decided);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&line);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

#define N_THREADS 4
#define ROUNDS 20

struct worker_arg {
	size_t first; /* each thread starts at a different row */
	size_t bad;
};

static void *worker(void *p)
{
	struct worker_arg *arg = p;
	size_t r, i, n = replies.n + real.n;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < n; i++) {
			size_t j = (i + arg->first) % n;
			const struct row *row = j < replies.n ? &replies.rows[j] : &real.rows[j - replies.n];

			if (run_row(row) != row->want)
				arg->bad++;
		}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t th[N_THREADS];
	struct worker_arg args[N_THREADS];
	size_t i;

	(void)state;
	for (i = 0; i < N_THREADS; i++) {
		args[i].first = i * (replies.n + real.n) / N_THREADS;
		args[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
	}
	for (i = 0; i < N_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].bad, 0);
	}
}

/*
 * Two ctest tests from this program: unit/test_extract runs the tables of
 * tests/data (they are part of the project: never skipped), and
 * unit/test_extract_real (argument "real") the checks against the real
 * replies in ../shared/data, skipped (77) with a message when it is absent.
 */
int main(int argc, char **argv)
{
	static int lavin_skipped, real_skipped;
	void *lavin_state = &lavin_skipped, *real_state = &real_skipped;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_every_format),
		cmocka_unit_test(test_real_replies),
		cmocka_unit_test(test_null_and_init_twice),
		cmocka_unit_test(test_why),
		cmocka_unit_test(test_think_tags),
		cmocka_unit_test(test_long_reply),
		cmocka_unit_test(test_threads),
	};
	const struct CMUnitTest real_tests[] = {
		cmocka_unit_test_prestate(test_real_coverage, real_state),
		cmocka_unit_test_prestate(test_lavin, lavin_state),
	};
	int rc;

	if (argc > 1 && !strcmp(argv[1], "real")) {
		rc = cmocka_run_group_tests_name("extract_real", real_tests, setup, teardown);
		/* Everything else passed but a data-driven part could not run. */
		if (rc == 0 && (lavin_skipped || real_skipped))
			return 77;
		return rc;
	}
	return cmocka_run_group_tests_name("extract", tests, setup, teardown);
}
